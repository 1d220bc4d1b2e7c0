"""The composition root: builds every device and service from the validated configuration.

Nothing else constructs backends: the window (`ui.app`), the CLI commands and the benchmarks
ask this module. `build_services(config)` builds everything the configuration names; any
part can be handed in instead (Cosmic Python's bootstrap), which is how tests run the real
flow over a fake or a deliberately broken device without monkeypatching:

    services = build_services(config, insurance=HangingChecker(), printer=None)

An adapter handed in is owned by the returned `Services` from then on (`close()` closes it).
Commands that need one part only (`kiosk queue ...`, `kiosk catalog ...`) call its builder
(`build_queue`, `build_catalog`, `build_printing`, ...), so they never open devices they do
not use.
"""

from __future__ import annotations

import enum
import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hardware.cardreader.base import AccessKey, CardData, CardReader, ReaderUnavailable
from hardware.codereader.base import Camera, CodeReader
from kiosk.config import KioskConfig
from kiosk.deferred import Deferred, resolved
from kiosk.models import Eligibility, Identity, InsuranceAction

if TYPE_CHECKING:
    from hardware.printer.base import TicketPrinter
    from kiosk.catalog.service import CatalogService
    from kiosk.his.base import HisAdapter
    from kiosk.his.service import HisService
    from kiosk.insurance.base import InsuranceChecker
    from kiosk.insurance.gateway import GatewayChecker
    from kiosk.payment.service import PaymentService
    from kiosk.queue.model import Registration
    from kiosk.queue.printing import PrintOutcome, PrintService
    from kiosk.queue.service import QueueService, Ticket
    from kiosk.session import PatientData
    from kiosk.speech import Speaker

log = logging.getLogger(__name__)


@dataclass
class Services:
    config: KioskConfig
    card_reader: CardReader | None
    camera: Camera | None
    scanners: list[CodeReader]
    printer: TicketPrinter | None
    insurance: InsuranceChecker
    queue: QueueService
    catalog: CatalogService
    printing: PrintService
    speaker: Speaker | None = None
    extras: dict[str, Any] = field(default_factory=dict)
    his: HisService | None = None  # None or backend "none": standalone
    facilities: Any = None  # kiosk.insurance.facilities.FacilityDirectory: names for MA_DKBD

    # -- what the session needs (blocking; called on workers) -----------------------------

    def read_card(self, key: AccessKey | None) -> CardData:
        if self.card_reader is None:
            raise ReaderUnavailable("no card reader configured")
        return self.card_reader.read(key)

    def card_present(self) -> bool:
        return bool(self.card_reader and self.card_reader.card_present())

    def check_insurance(self, identity: Identity) -> Eligibility:
        return self.insurance.check(identity)

    def proposed_priorities(self, identity: Identity | None) -> list[str]:
        from kiosk.queue.priority import proposed_priorities
        from kiosk.queue.service import TZ, local_day

        if identity is None:
            return []
        today = local_day(datetime.now(TZ))
        return proposed_priorities(identity.birth_date, identity.birth_year, today)

    def issue_ticket(self, data: PatientData) -> Ticket:
        from kiosk.queue.service import TicketRequest

        eligibility = data.eligibility
        assert data.clinic_id is not None
        if data.consent in ("refused", "plain"):  # the notice was declined: a number only
            return self.queue.issue(
                TicketRequest(clinic_id=data.clinic_id, insured=False, priority=data.priority,
                              language=data.language,
                              staff_note="Lấy số thường: chưa đọc thẻ, chưa kiểm tra BHYT")
            )  # fmt: skip
        request = TicketRequest(
            clinic_id=data.clinic_id,
            insured=bool(eligibility and eligibility.action is InsuranceAction.INSURED),
            priority=data.priority,
            citizen_id=data.identity.citizen_id if data.identity else None,
            insurance_verified=bool(eligibility and eligibility.verified),
            staff_note=_staff_note(data),
            language=data.language,
            registration=_registration(data),
            appointment_at=data.appointment.start if data.appointment is not None else None,
            appointment_first=data.appointment is not None and data.appointment_first,
        )
        if self.his is not None and self.his.enabled:  # the ticket and its HIS registration
            return self.his.issue_for_session(self.queue, request, data).ticket
        return self.queue.issue(request)

    def record_consent(self, notice_version: str, mode: str, answer: str) -> None:
        """The notice's answer, without the person (kiosk.privacy.store)."""
        from kiosk.privacy import store

        store.record(
            self.queue.engine,
            kiosk_id=self.config.kiosk_id,
            notice_version=notice_version,
            mode=mode,
            answer=answer,
        )

    def print_ticket(self, ticket: Ticket, language: str) -> PrintOutcome:
        return self.printing.print_ticket(
            ticket, self.config, language, self.config.devices.printer.timeout_s
        )

    def appointments_enabled(self) -> bool:
        return self.his is not None and self.his.enabled

    def find_appointment(self, code: str | None, citizen_id: str | None) -> Any:
        """kiosk.his.appointments.AppointmentCheck (blocking, bounded by
        his.appointments.lookup_timeout_s)."""
        assert self.his is not None
        return self.his.lookup_appointment(code=code, citizen_id=citizen_id)

    def apply_slip(self, eligibility: Eligibility, slip: Any) -> Eligibility:
        from kiosk.his.appointments import route_with_slip
        from kiosk.queue.service import TZ

        routed: Eligibility = route_with_slip(
            eligibility, slip, self.config, datetime.now(TZ).date()
        )
        return routed

    def reprint_ticket(self, ticket: Ticket, language: str) -> PrintOutcome:
        return self.printing.reprint(
            ticket.id, self.config, language, self.config.devices.printer.timeout_s
        )

    def complete(self) -> None:
        """Builds what `build_services(deferred=True)` left for later: connects the queue
        database (waiting as `build_queue_handle` does), then the printer, catalog, HIS (and
        its delivery thread) and facility names. Blocking: call it on a worker."""
        gate = self.extras.get("deferred_gate")
        if gate is not None:
            gate.set()  # workers that asked for a part meanwhile may build it now
        begin = getattr(self.queue, "begin", None)
        if begin is not None:
            begin()
            self.queue.wait_until_up(self.config.storage.connect_timeout_s + 2.0)  # type: ignore[attr-defined]
        for name in ("printer", "printing", "catalog", "his", "facilities"):
            value = getattr(self, name)
            if isinstance(value, Deferred):
                setattr(self, name, value.resolve())
                if name == "his":
                    self.his.start()  # type: ignore[union-attr]  # the outbox delivery thread

    def abandon_deferred(self) -> None:
        """The kiosk stops before `complete()` ran: parts not built yet never will be, and
        workers waiting for them stop waiting (they get an error)."""
        for name in ("printer", "printing", "catalog", "his", "facilities"):
            value = getattr(self, name)
            if isinstance(value, Deferred):
                value.close()
        gate = self.extras.get("deferred_gate")
        if gate is not None:
            gate.set()

    def close(self) -> None:
        self.abandon_deferred()
        for device in [self.card_reader, self.camera, *self.scanners]:
            if device is not None:
                try:
                    device.stop()
                except Exception:
                    log.exception("device stop failed")
        for closable in (
            self.his,
            self.speaker,
            self.printer,
            self.insurance,
            self.queue,
            self.catalog,
        ):
            if isinstance(closable, Deferred):
                closable = closable.built()  # never built: nothing to close
            close = getattr(closable, "close", None)
            if close is None:
                continue
            try:  # one failure must not keep the others open
                close()
            except Exception:
                log.exception("closing %s failed", type(closable).__name__)


def _staff_note(data: PatientData) -> str:
    """What the counter staff read on the ticket: the insurance note, the booking code."""
    parts = (
        [data.eligibility.staff_note] if data.eligibility and data.eligibility.staff_note else []
    )
    if data.scanned_code:
        parts.append(f"Mã hẹn {data.scanned_code}")
    if data.appointment is not None:
        parts.append(f"Lịch hẹn {data.appointment.start:%H:%M}")
    slip = data.slip
    if slip is not None and slip.code not in " ".join(parts):  # a slip that did not count
        kind = "Giấy chuyển tuyến" if slip.kind == "transfer" else "Phiếu hẹn"
        parts.append(f"{kind} {slip.code} (quầy kiểm tra)")
    return " · ".join(parts)


def _registration(data: PatientData) -> Registration:
    """What the counter needs about the patient, stored with the ticket (kiosk.queue purges it
    after the configured retention): never the photo, the address or the card's other data."""
    from kiosk.queue.model import Registration

    identity, eligibility = data.identity, data.eligibility
    outcome = ""
    if eligibility is not None:
        verified = "" if eligibility.verified else " (chưa xác minh)"
        outcome = f"{eligibility.action.value}{verified}" + (
            f" · mã {eligibility.code}" if eligibility.code else ""
        )
    birth = None
    if identity is not None:
        if identity.birth_date is not None:
            birth = identity.birth_date.isoformat()
        elif identity.birth_year is not None:
            birth = str(identity.birth_year)
    return Registration(
        name=identity.full_name if identity else "",
        birth_date=birth,
        gender=identity.gender.value if identity and identity.gender else None,
        citizen_id=identity.citizen_id if identity else None,
        insurance_outcome=outcome,
        staff_note=eligibility.staff_note if eligibility else "",
        booking_code=data.scanned_code or (data.appointment.code if data.appointment else None),
        priority=data.priority,
        # an age priority proposed from the birth date is proven; any other is the patient's word
        priority_to_confirm=bool(data.priority and data.priority not in data.proposed_priorities),
    )


class _Build(enum.Enum):
    """The default of every `build_services` adapter: build it from the configuration."""

    FROM_CONFIG = enum.auto()


FROM_CONFIG = _Build.FROM_CONFIG


def build_card_reader(config: KioskConfig) -> CardReader | None:
    from hardware.cardreader.factory import build_card_reader as build

    return build(config.devices.card_reader)


def build_camera(config: KioskConfig) -> Camera | None:
    from hardware.codereader.factory import build_camera as build

    return build(config.devices.camera)


def build_scanners(config: KioskConfig) -> list[CodeReader]:
    from hardware.codereader.factory import build_scanners as build

    return build(config.devices.scanners)


def build_printer(config: KioskConfig) -> TicketPrinter | None:
    from hardware.printer.factory import build_printer as build

    return build(config.devices.printer, _data_dir(config))


def build_insurance(config: KioskConfig) -> InsuranceChecker:
    from kiosk.insurance.factory import build_insurance as build

    return build(config)


def build_gateway(config: KioskConfig, base_url: str | None = None) -> GatewayChecker:
    """The BHXH gateway client whatever `insurance.backend` says (`kiosk check-insurance`)."""
    from kiosk.insurance.gateway import GatewayChecker

    return GatewayChecker(config, base_url=base_url)


def build_queue(config: KioskConfig) -> QueueService:
    """The queue service, connected now (the CLI and benchmarks: a database that is down is an
    error at once)."""
    from kiosk.queue.service import QueueService

    _data_dir(config)
    return QueueService.from_config(config)


def build_queue_handle(config: KioskConfig) -> QueueService:
    """For the kiosk: the queue service behind a handle that starts without its database:
    connecting and migrating happen on a background thread that keeps retrying
    (kiosk.queue.lazy); the kiosk shows "out of service" meanwhile instead of exiting. A
    reachable database is up before this returns."""
    from kiosk.queue.lazy import QueueHandle

    _data_dir(config)
    handle = QueueHandle.start(config)
    handle.wait_until_up(config.storage.connect_timeout_s + 2.0)
    return handle  # type: ignore[return-value]  # forwards every QueueService method


def build_catalog(config: KioskConfig) -> CatalogService:
    from kiosk.catalog.service import DB_NAME, CatalogService

    # [catalog] clinic_exam_codes entries of clinics this kiosk does not have are ignored
    clinics = [(c.id, c.name_vi, c.name_en) for c in config.clinics]
    return CatalogService(_data_dir(config) / DB_NAME, config.catalog, clinics=clinics)


def build_payment(config: KioskConfig) -> PaymentService:
    """Bills and bank transactions, on the kiosk's own database."""
    from kiosk.payment.service import PaymentService

    _data_dir(config)
    return PaymentService.from_config(config)


def build_printing(queue: QueueService, printer: TicketPrinter | None) -> PrintService:
    from kiosk.queue.printing import PrintService

    return PrintService(printer, queue)


def build_speaker(config: KioskConfig) -> Speaker:
    from kiosk.speech import Speaker

    return Speaker.from_config(config)


def build_his(config: KioskConfig, queue: QueueService, adapter: HisAdapter | None) -> HisService:
    """The HIS adapter (`his.backend`, or the one handed in) and its outbox on the queue's
    database; its delivery thread is started by `build_services`."""
    from kiosk.his.service import HisService

    if getattr(queue, "state", "up") == "up":
        engine = queue.engine
    else:  # the database is down at start: an engine does not connect until used
        from kiosk.queue import db
        from kiosk.queue.service import DB_FILE

        storage = config.storage
        url = storage.dsn.get_secret_value() or db.sqlite_url(_data_dir(config) / DB_FILE)
        engine = db.make_engine(url, storage.busy_timeout_s, storage)
    return HisService(config, engine, his=adapter)


def _data_dir(config: KioskConfig) -> Path:
    data = config.data_path
    data.mkdir(parents=True, exist_ok=True)
    return data


def build_services(
    config: KioskConfig,
    *,
    card_reader: CardReader | None | _Build = FROM_CONFIG,
    camera: Camera | None | _Build = FROM_CONFIG,
    scanners: list[CodeReader] | _Build = FROM_CONFIG,
    printer: TicketPrinter | None | _Build = FROM_CONFIG,
    insurance: InsuranceChecker | _Build = FROM_CONFIG,
    queue: QueueService | _Build = FROM_CONFIG,
    catalog: CatalogService | _Build = FROM_CONFIG,
    speaker: Speaker | None | _Build = FROM_CONFIG,
    his: HisAdapter | _Build = FROM_CONFIG,
    deferred: bool = False,
) -> Services:
    """Builds every backend the configuration names, except those handed in.

    Raises on a broken configuration; what was built before the failure is closed again.
    With `deferred` (the kiosk window, so its start screen paints first) the queue database,
    printer, catalog, HIS and facility names are left for `Services.complete()`: the queue
    is a handle that has not started connecting ("starting"), the others `Deferred`.
    """
    if deferred:
        return _build_deferred(
            config,
            card_reader=card_reader,
            camera=camera,
            scanners=scanners,
            printer=printer,
            insurance=insurance,
            queue=queue,
            catalog=catalog,
            speaker=speaker,
            his=his,
        )
    built: list[Any] = []

    def make(value: Any, build: Any) -> Any:
        if value is not FROM_CONFIG:
            return value
        part = build()
        built.append(part)
        return part

    _data_dir(config)
    try:
        queue_ = make(queue, lambda: build_queue_handle(config))
        printer_ = make(printer, lambda: build_printer(config))
        services = Services(
            config=config,
            card_reader=make(card_reader, lambda: build_card_reader(config)),
            camera=make(camera, lambda: build_camera(config)),
            scanners=make(scanners, lambda: build_scanners(config)),
            printer=printer_,
            insurance=make(insurance, lambda: build_insurance(config)),
            queue=queue_,
            catalog=make(catalog, lambda: build_catalog(config)),
            printing=build_printing(queue_, printer_),
            speaker=make(speaker, lambda: build_speaker(config)),
            his=make(
                FROM_CONFIG, lambda: build_his(config, queue_, None if his is FROM_CONFIG else his)
            ),
        )
        services.his.start()  # type: ignore[union-attr]  # the outbox delivery thread
        from kiosk.insurance.facilities import FacilityDirectory

        services.facilities = FacilityDirectory.load(config.data_path)  # read once, at start
    except BaseException:
        for part in reversed(built):
            for name in ("stop", "close"):
                method = getattr(part, name, None)
                if method is not None:
                    try:
                        method()
                    except Exception:
                        log.exception("closing %s after a failed start failed", type(part).__name__)
        raise
    return services


def _build_deferred(config: KioskConfig, **parts: Any) -> Services:
    """`build_services(deferred=True)`: devices, insurance and speech now (cheap, and a broken
    device configuration still stops the start), the rest as `Deferred`."""
    from kiosk.queue.lazy import QueueHandle

    _data_dir(config)
    built: list[Any] = []
    gate = threading.Event()  # opened by Services.complete()

    def later(build: Any, name: str) -> Deferred:
        return Deferred(build, name, gate)

    def given(name: str, build: Any) -> Any:
        value = parts[name]
        if value is not FROM_CONFIG:
            return value
        part = build()
        built.append(part)
        return part

    def facilities() -> Any:
        from kiosk.insurance.facilities import FacilityDirectory

        return FacilityDirectory.load(config.data_path)

    adapter = parts["his"]
    try:
        queue_ = given("queue", lambda: QueueHandle(config))
        printer_ = given("printer", lambda: later(lambda: build_printer(config), "printer"))
        services = Services(
            config=config,
            card_reader=given("card_reader", lambda: build_card_reader(config)),
            camera=given("camera", lambda: build_camera(config)),
            scanners=given("scanners", lambda: build_scanners(config)),
            printer=printer_,
            insurance=given("insurance", lambda: build_insurance(config)),
            queue=queue_,
            catalog=given("catalog", lambda: later(lambda: build_catalog(config), "catalog")),
            printing=later(lambda: build_printing(queue_, resolved(printer_)), "printing"),  # type: ignore[arg-type]
            speaker=given("speaker", lambda: build_speaker(config)),
            his=later(  # type: ignore[arg-type]
                lambda: build_his(config, queue_, None if adapter is FROM_CONFIG else adapter),
                "his",
            ),
        )
        services.facilities = later(facilities, "facilities")
        services.extras["deferred_gate"] = gate
    except BaseException:
        for part in reversed(built):
            for name in ("stop", "close"):
                method = getattr(part, name, None)
                if method is not None and not isinstance(part, Deferred):
                    try:
                        method()
                    except Exception:
                        log.exception("closing %s after a failed start failed", type(part).__name__)
        raise
    return services
