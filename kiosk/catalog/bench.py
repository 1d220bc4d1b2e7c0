"""`kiosk bench catalog`: a 100,000-row catalog (the real price list, price variants of it
and generated drugs), imported and searched keystroke by keystroke. Prints measured numbers.
"""

from __future__ import annotations

import csv
import os
import random
import resource
import statistics
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil

from kiosk.catalog.bench_import import Timing, plain_load
from kiosk.catalog.service import DEMO_SERVICES_CSV, CatalogService

INGREDIENTS = (
    "Paracetamol", "Ibuprofen", "Amoxicilin", "Acid clavulanic", "Cefuroxim", "Cefixim",
    "Cefotaxim", "Ceftriaxon", "Cefaclor", "Azithromycin", "Clarithromycin", "Erythromycin",
    "Gentamicin", "Amikacin", "Vancomycin", "Meropenem", "Imipenem", "Ciprofloxacin",
    "Levofloxacin", "Metronidazol", "Cotrimoxazol", "Fluconazol", "Nystatin", "Acyclovir",
    "Oseltamivir", "Salbutamol", "Budesonid", "Fluticason", "Montelukast", "Theophylin",
    "Cetirizin", "Loratadin", "Desloratadin", "Fexofenadin", "Chlorpheniramin", "Prednisolon",
    "Methylprednisolon", "Dexamethason", "Hydrocortison", "Omeprazol", "Esomeprazol",
    "Pantoprazol", "Ranitidin", "Domperidon", "Ondansetron", "Loperamid", "Racecadotril",
    "Diosmectit", "Lactulose", "Bisacodyl", "Simethicon", "Ursodeoxycholic", "Kẽm gluconat",
    "Sắt sulfat", "Acid folic", "Vitamin B1", "Vitamin B6", "Vitamin B12", "Vitamin C",
    "Vitamin D3", "Calci carbonat", "Magnesi sulfat", "Kali clorid", "Natri clorid", "Glucose",
    "Natri bicarbonat", "Furosemid", "Spironolacton", "Amlodipin", "Nifedipin", "Captopril",
    "Enalapril", "Losartan", "Bisoprolol", "Propranolol", "Digoxin", "Atorvastatin",
    "Rosuvastatin", "Metformin", "Gliclazid", "Insulin", "Levothyroxin", "Carbamazepin",
    "Valproat natri", "Levetiracetam", "Phenobarbital", "Diazepam", "Midazolam", "Morphin",
    "Fentanyl", "Tramadol", "Ketamin", "Propofol", "Lidocain", "Bupivacain", "Heparin",
    "Enoxaparin", "Warfarin", "Albumin", "Immunoglobulin", "Erythropoietin", "Filgrastim",
    "Methotrexat", "Cyclophosphamid", "Vincristin", "Doxorubicin", "Cisplatin", "Tobramycin",
    "Cloramphenicol", "Oxymetazolin", "Xylometazolin", "Povidon iod", "Mupirocin",
)  # fmt: skip
FORMS = (
    ("viên nén", "Viên", "Uống"), ("viên nang", "Viên", "Uống"), ("viên sủi", "Viên", "Uống"),
    ("siro", "Chai", "Uống"), ("hỗn dịch", "Chai", "Uống"), ("gói bột", "Gói", "Uống"),
    ("dung dịch tiêm", "Ống", "Tiêm"), ("bột pha tiêm", "Lọ", "Tiêm"),
    ("dịch truyền", "Chai", "Tiêm truyền"), ("thuốc nhỏ mắt", "Lọ", "Nhỏ mắt"),
    ("khí dung", "Ống", "Khí dung"), ("kem bôi", "Tuýp", "Dùng ngoài"),
)  # fmt: skip
STRENGTHS = ("5 mg", "10 mg", "20 mg", "40 mg", "50 mg", "100 mg", "125 mg", "200 mg", "250 mg",
             "500 mg", "1 g", "2 mg/ml", "100 mg/5 ml", "0.9%", "5%", "1 g/10 ml")  # fmt: skip
SYLLABLES = ("pa", "ra", "ce", "mol", "xin", "fen", "cin", "tec", "vi", "mex", "do", "zol", "ta",
             "lin", "fa", "ro", "ni", "sa", "bi", "co", "ti", "ka", "plex", "zi", "mo", "nu")  # fmt: skip
MAKERS = ("Dược Hậu Giang", "Traphaco", "Imexpharm", "Pymepharco", "Domesco", "Mekophar",
          "OPC", "Savipharm", "Stella", "Boston Việt Nam", "Nadyphar", "Vidipha")  # fmt: skip
VARIANT_LABELS = ("Khu điều trị theo yêu cầu", "Cơ sở 2", "Ngoài giờ hành chính")
PHRASES = (
    "siêu âm tim", "sieu am tim", "siêu âm ổ bụng", "sieu am o bung", "khám bệnh", "kham benh",
    "ngày giường", "ngay giuong", "xét nghiệm máu", "xet nghiem mau", "chụp cộng hưởng từ",
    "chup cong huong tu so nao", "chụp x-quang ngực", "chup x quang nguc thang",
    "chụp cắt lớp vi tính", "chup cat lop vi tinh bung", "nội soi dạ dày", "noi soi da day",
    "nội soi tai mũi họng", "noi soi tai mui hong", "điện tim", "dien tim thuong",
    "định lượng glucose", "dinh luong glucose", "tổng phân tích tế bào máu", "tong phan tich nuoc tieu",
    "phẫu thuật nội soi cắt ruột thừa", "phau thuat noi soi ruot thua", "cắt amidan",
    "cat amidan", "nắn bó gãy xương", "nan bo gay xuong", "tiêm phòng", "thay băng vết thương",
    "thay bang vet thuong", "khâu vết thương", "khau vet thuong", "paracetamol 500",
    "amoxicilin 500 mg", "cefuroxim 250", "salbutamol siro", "vitamin d3", "kẽm gluconat",
    "kem gluconat", "oresol", "omeprazol 20", "natri clorid 0.9", "ceftriaxon 1 g", "insulin",
    "methylprednisolon", "xet nghiem hiv", "định nhóm máu", "dinh nhom mau abo",
    "điện não đồ", "dien nao do", "siêu âm thai", "sieu am tuyen giap", "đo mật độ xương",
    "do mat do xuong", "chụp mri", "hồi sức cấp cứu", "hoi suc cap cuu", "lọc máu", "loc mau",
    "chạy thận nhân tạo", "chay than nhan tao", "sieu am tym", "xet nghim mau", "phau thuet",
    "18.0119", "23.0075.1494", "DEMO-T001", "BN-00012",
)  # fmt: skip


def generated_drug_rows(n: int, seed: int = 20241115) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        ingredient = rng.choice(INGREDIENTS)
        form, unit, route = rng.choice(FORMS)
        strength = rng.choice(STRENGTHS)
        if rng.random() < 0.5:
            brand = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()
            name = f"{brand} {strength}"
        else:
            name = f"{ingredient} {strength} {form}"
        price = rng.choice((300, 500, 800, 1200, 2500, 5000, 12000, 35000, 120000, 950000))
        price = price * rng.randint(8, 14) // 10
        insured = price * rng.randint(85, 100) // 100 if rng.random() < 0.8 else ""
        rows.append(
            {
                "MA_THUOC": f"BN-{i:05d}",
                "TEN_THUOC": name,
                "TEN_HOAT_CHAT": ingredient,
                "HAM_LUONG": strength,
                "DON_VI_TINH": unit,
                "DUONG_DUNG": route,
                "DON_GIA": price,
                "DON_GIA_BH": insured,
                "TYLE_TT_BH": rng.choice((100, 100, 100, 50)) if insured != "" else "",
                "GHI_CHU": f"{rng.choice(MAKERS)} (generated for the benchmark)",
            }
        )
    return rows


def build_files(directory: Path, total: int = 100_000) -> tuple[Path, Path, int, int]:
    """Services (the real list plus bracketed price variants) and generated drugs."""
    with DEMO_SERVICES_CSV.open(encoding="utf-8", newline="") as f:
        real = list(csv.DictReader(f))
    services = directory / "services-bench.csv"
    rng = random.Random(7)
    # every real row, then bracketed price variants of them (up to one each), then drugs
    n_services = min(len(real) * 2, max(len(real), total // 6))
    with services.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(real[0]))
        writer.writeheader()
        writer.writerows(real)
        for row in real[: n_services - len(real)]:
            variant = dict(row)
            variant["ten_dich_vu"] = f"{row['ten_dich_vu']} [{rng.choice(VARIANT_LABELS)}]"
            variant["don_gia"] = str(int(row["don_gia"]) * rng.randint(11, 20) // 10)
            writer.writerow(variant)
    drugs = directory / "drugs-bench.csv"
    n_drugs = max(total - n_services, 1)
    drug_rows = generated_drug_rows(n_drugs)
    with drugs.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(drug_rows[0]))
        writer.writeheader()
        writer.writerows(drug_rows)
    return services, drugs, n_services, n_drugs


def typed_prefixes(phrases: tuple[str, ...] = PHRASES) -> list[str]:
    """Every prefix a patient produces typing each phrase letter by letter."""
    return [phrase[:i] for phrase in phrases for i in range(1, len(phrase) + 1)]


@dataclass
class BenchResult:
    rows: int = 0
    services: int = 0
    drugs: int = 0
    import_seconds: float = 0.0
    import_seconds_services: float = 0.0
    import_seconds_drugs: float = 0.0
    import_cpu_seconds: float = 0.0
    load_average: float = 0.0
    rss_before_mb: float = 0.0
    rss_peak_mb: float = 0.0
    maxrss_mb: float = 0.0
    db_mb: float = 0.0
    queries: int = 0
    median_ms: float = 0.0
    p90_ms: float = 0.0
    p99_ms: float = 0.0
    max_ms: float = 0.0
    cpu_median_ms: float = 0.0
    cpu_p99_ms: float = 0.0
    slowest: list[tuple[str, float, int]] = field(default_factory=list)
    rejected: int = 0
    file_mb: float = 0.0
    plain_seconds: float = 0.0  # the reference: plain CSV -> FTS5 load of the same files
    plain_cpu_seconds: float = 0.0
    import_ratio: float = 0.0  # import_seconds / plain_seconds (target <= 1.5)
    import_cpu_ratio: float = 0.0
    import_cpu_ratios: list[float] = field(default_factory=list)  # of each repeat, in turn
    # reference: the search before issue 18 (legacy_search.py), same prefixes, same catalog
    legacy_median_ms: float = 0.0
    legacy_p99_ms: float = 0.0
    legacy_cpu_median_ms: float = 0.0
    legacy_cpu_p99_ms: float = 0.0


class _RssSampler(threading.Thread):
    """The peak RSS during the import, sampled every 10 ms from /proc/self/statm (psutil
    where there is none). Its CPU counts in the import's process time: psutil every 5 ms
    added 0.3-0.45 s to a 3.3 s import (a tenth of the ratio), one pread every 10 ms about
    0.05 s."""

    INTERVAL = 0.010

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.proc = psutil.Process()
        try:
            self.statm: int | None = os.open("/proc/self/statm", os.O_RDONLY)
        except OSError:
            self.statm = None
        self.page = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
        self.peak = self.rss()
        self.stop = threading.Event()

    def rss(self) -> int:
        if self.statm is None:
            return int(self.proc.memory_info().rss)
        return int(os.pread(self.statm, 100, 0).split()[1]) * self.page

    def run(self) -> None:
        try:
            while not self.stop.wait(self.INTERVAL):
                self.peak = max(self.peak, self.rss())
        finally:
            if self.statm is not None:
                os.close(self.statm)


def run(
    total: int = 100_000,
    workdir: Path | None = None,
    limit: int = 50,
    rounds: int = 1,
    repeats: int = 3,
) -> BenchResult:
    """The import and its reference run `repeats` times, in turn, each into a new database;
    their times are the best of those runs (as timeit does: what varies between runs on a
    shared machine is interference, the work is the same), `import_cpu_ratios` the ratio of
    each pair. The last import's catalog is searched."""
    result = BenchResult()
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-catalog-") as tmp:
        base = workdir or Path(tmp)
        base.mkdir(parents=True, exist_ok=True)
        services, drugs, result.services, result.drugs = build_files(base, total)
        result.rows = result.services + result.drugs
        result.file_mb = (services.stat().st_size + drugs.stat().st_size) / 2**20
        plains: list[Timing] = []
        imports: list[_ImportTiming] = []
        for i in range(max(repeats, 1)):
            if imports:
                imports[-1].catalog.close()
            plains.append(plain_load([services, drugs], base / f"plain-{i}.sqlite3"))
            imports.append(_timed_import(base / f"run-{i}", services, drugs, result))
        catalog, db = imports[-1].catalog, imports[-1].catalog.db_path
        result.plain_seconds = min(p.seconds for p in plains)
        result.plain_cpu_seconds = min(p.cpu_seconds for p in plains)
        fastest = min(imports, key=lambda t: t.seconds)
        result.import_seconds = fastest.seconds
        result.import_seconds_services, result.import_seconds_drugs = (
            fastest.services,
            fastest.drugs,
        )
        result.import_cpu_seconds = min(t.cpu_seconds for t in imports)
        result.import_cpu_ratios = [
            t.cpu_seconds / max(p.cpu_seconds, 1e-9) for p, t in zip(plains, imports, strict=True)
        ]
        result.import_ratio = result.import_seconds / max(result.plain_seconds, 1e-9)
        result.import_cpu_ratio = result.import_cpu_seconds / max(result.plain_cpu_seconds, 1e-9)
        result.maxrss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        result.db_mb = sum(p.stat().st_size for p in db.parent.glob("catalog.sqlite3*")) / 2**20
        prefixes = typed_prefixes()
        catalog.warm_up()
        timings: list[tuple[float, str, int]] = []
        cpu: list[float] = []
        for _ in range(rounds):
            for prefix in prefixes:
                start, start_cpu = time.perf_counter(), time.thread_time()
                found = catalog.search(prefix, limit=limit)
                timings.append(((time.perf_counter() - start) * 1000, prefix, len(found)))
                cpu.append((time.thread_time() - start_cpu) * 1000)
        legacy_ms, legacy_cpu = _legacy_timings(db, prefixes, limit, rounds)
        catalog.close()
    ms = sorted(t[0] for t in timings)
    result.queries = len(ms)
    result.median_ms = statistics.median(ms)
    result.p90_ms = ms[int(0.90 * (len(ms) - 1))]
    result.p99_ms = ms[int(0.99 * (len(ms) - 1))]
    result.max_ms = ms[-1]
    cpu.sort()
    result.cpu_median_ms = statistics.median(cpu)
    result.cpu_p99_ms = cpu[int(0.99 * (len(cpu) - 1))]
    result.load_average = psutil.getloadavg()[0]
    result.slowest = [(p, round(t, 2), n) for t, p, n in sorted(timings, reverse=True)[:5]]
    result.legacy_median_ms = statistics.median(legacy_ms)
    result.legacy_p99_ms = legacy_ms[int(0.99 * (len(legacy_ms) - 1))]
    result.legacy_cpu_median_ms = statistics.median(legacy_cpu)
    result.legacy_cpu_p99_ms = legacy_cpu[int(0.99 * (len(legacy_cpu) - 1))]
    return result


@dataclass
class _ImportTiming:
    catalog: CatalogService
    seconds: float
    services: float
    drugs: float
    cpu_seconds: float


def _timed_import(
    data_dir: Path, services: Path, drugs: Path, result: BenchResult
) -> _ImportTiming:
    """Imports both files into a new catalog in `data_dir` and times it; the peak RSS and
    the rejected rows go into `result`."""
    from kiosk.bootstrap import build_catalog
    from kiosk.config import KioskConfig

    data_dir.mkdir(parents=True, exist_ok=True)
    catalog = build_catalog(KioskConfig.model_validate({"data_dir": str(data_dir)}))
    sampler = _RssSampler()
    if not result.rss_before_mb:
        result.rss_before_mb = sampler.peak / 2**20
    sampler.start()
    cpu0 = time.process_time()
    t0 = time.perf_counter()
    r1 = catalog.import_file(services, "service")
    t1 = time.perf_counter()
    r2 = catalog.import_file(drugs, "drug")
    t2 = time.perf_counter()
    cpu = time.process_time() - cpu0
    sampler.stop.set()
    sampler.join()
    if not (r1.ok and r2.ok):
        catalog.close()
        raise RuntimeError(f"bench import failed: {r1.summary()} / {r2.summary()}")
    result.rejected = r1.rows_rejected + r2.rows_rejected
    result.rss_peak_mb = max(result.rss_peak_mb, sampler.peak / 2**20)
    return _ImportTiming(catalog, t2 - t0, t1 - t0, t2 - t1, cpu)


def _legacy_timings(
    db: Path, prefixes: list[str], limit: int, rounds: int
) -> tuple[list[float], list[float]]:
    """Wall and CPU milliseconds of the search before issue 18 on the same prefixes."""
    from kiosk.catalog import store
    from kiosk.catalog.legacy_search import Searcher as LegacySearcher

    conn = store.connect(db)
    try:
        legacy = LegacySearcher(conn)
        versions = store.active_versions(conn)
        for v in versions:
            legacy.vocabulary(v.version_id)
        wall: list[float] = []
        cpu: list[float] = []
        for _ in range(rounds):
            for prefix in prefixes:
                start, start_cpu = time.perf_counter(), time.thread_time()
                legacy.search(prefix, versions, None, limit)
                wall.append((time.perf_counter() - start) * 1000)
                cpu.append((time.thread_time() - start_cpu) * 1000)
    finally:
        conn.close()
    return sorted(wall), sorted(cpu)
