"""The e-invoice of a paid bill: fetch it, show it, print it with its lookup code and QR.

Providers, one call `issue(bill, lines) -> Invoice` (and `lookup(code)` for a code typed or
scanned later):
- `HisInvoices`: the HIS adapter's `invoice(bill_number)`, when the HIS issues invoices;
- `EInvoiceClient`: an e-invoice provider's HTTP API (payment.einvoice_url; the simulator in
  kiosk/payment/einvoice_sim.py speaks it).

Whatever the provider does - refuses the connection, hangs past payment.einvoice_timeout_s,
answers garbage or "still issuing" - `InvoiceUnavailable(reason)` is raised and the flow tells
the patient that the payment is confirmed and the invoice can be looked up later or at the
counter with the bill number; the bill stays paid (the event is recorded for the counter).

What the printed copy shows follows kiosk/payment/README.md (the legal content of an
e-invoice's printed form). Printing goes through the ticket printer's confirmed print (the
printer must confirm the paper came out), on a thread bounded by a timeout; it never raises.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import requests
from PIL import Image
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from hardware.printer.base import PrinterError
from kiosk.insurance.benefits import format_vnd
from kiosk.payment.service import Bill, PaymentService
from kiosk.queue.printing import MESSAGES
from kiosk.queue.ticket_render import _Canvas, qr_image

log = logging.getLogger(__name__)


class InvoiceUnavailable(Exception):
    """reason: "none" (no provider), "down", "slow", "garbage", "not_ready", "rejected"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Party(BaseModel):
    model_config = ConfigDict(extra="ignore")
    name: str = Field(min_length=1, max_length=200)
    tax_code: str = Field(default="", max_length=20)
    address: str = Field(default="", max_length=300)


class InvoiceLine(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True)
    name: str = Field(max_length=200)
    total: int = Field(ge=0)
    fund_pays: int = Field(default=0, ge=0)
    patient_pays: int = Field(ge=0)


class Invoice(BaseModel):
    """An issued e-invoice (or e-receipt) as the provider answers it."""

    model_config = ConfigDict(extra="ignore")
    bill_number: str = Field(min_length=1, max_length=25)
    kind: str = "invoice"  # "invoice" or "receipt"
    title: str = Field(min_length=1, max_length=80)
    template: str = Field(default="", max_length=11)  # ký hiệu mẫu số
    series: str = Field(min_length=1, max_length=12)  # ký hiệu hóa đơn
    number: str = Field(min_length=1, max_length=12)
    issued_at: datetime
    seller: Party
    buyer: Party | None = None
    lines: list[InvoiceLine] = Field(min_length=1, max_length=200)
    amount: int = Field(gt=0, strict=True)  # đồng
    vat: str = Field(default="", max_length=10)
    tax_authority_code: str = Field(default="", max_length=40)  # mã của cơ quan thuế
    lookup_code: str = Field(min_length=4, max_length=40)
    lookup_url: str = Field(min_length=8, max_length=300)


def _parse(answer: requests.Response) -> Invoice:
    if answer.status_code == 202:
        raise InvoiceUnavailable("not_ready")
    if answer.status_code >= 500:
        raise InvoiceUnavailable("down")
    if answer.status_code >= 400:
        raise InvoiceUnavailable("rejected")
    try:
        return Invoice.model_validate_json(answer.content)
    except (ValidationError, ValueError):
        raise InvoiceUnavailable("garbage") from None


class EInvoiceClient:
    def __init__(self, url: str, api_key: str, timeout_s: float = 4.0) -> None:
        self.url = url.rstrip("/")
        self.api_key = api_key
        self.timeout_s = timeout_s
        self.http = requests.Session()

    @classmethod
    def from_config(cls, payment: Any) -> EInvoiceClient:
        return cls(
            payment.einvoice_url,
            payment.einvoice_api_key.get_secret_value(),
            payment.einvoice_timeout_s,
        )

    def _call(self, method: str, path: str, **kwargs: Any) -> Invoice:
        try:
            answer = self.http.request(
                method,
                f"{self.url}{path}",
                headers={"X-Api-Key": self.api_key},
                timeout=self.timeout_s,
                allow_redirects=False,
                **kwargs,
            )
        except requests.Timeout:
            raise InvoiceUnavailable("slow") from None
        except requests.RequestException:
            raise InvoiceUnavailable("down") from None
        return _parse(answer)

    def issue(self, bill: Bill, lines: list[Any]) -> Invoice:
        body = {
            "bill_number": bill.bill_number,
            "amount": bill.amount_paid or bill.amount_due,
            "lines": [
                {
                    "name": line.name,
                    "total": line.total,
                    "fund_pays": line.fund_pays,
                    "patient_pays": line.patient_pays,
                }
                for line in lines
            ],
        }
        invoice = self._call("POST", "/api/invoices", json=body)
        if invoice.bill_number != bill.bill_number:
            raise InvoiceUnavailable("garbage")  # another bill's invoice: never shown
        return invoice

    def lookup(self, code: str) -> Invoice:
        if not code.isalnum() or len(code) > 40:
            raise InvoiceUnavailable("rejected")
        return self._call("GET", f"/api/invoices/{code}")


class HisInvoices:
    """The HIS adapter's `invoice(bill_number)` (a mapping in the Invoice shape)."""

    def __init__(self, his: Any) -> None:
        self.his = his

    def issue(self, bill: Bill, lines: list[Any]) -> Invoice:
        try:
            data = self.his.invoice(bill.bill_number)
        except Exception as exc:
            raise InvoiceUnavailable("down") from exc
        try:
            return Invoice.model_validate(data)
        except ValidationError:
            raise InvoiceUnavailable("garbage") from None

    def lookup(self, code: str) -> Invoice:
        raise InvoiceUnavailable("none")


@dataclass(frozen=True)
class InvoicePrint:
    ok: bool
    code: str | None  # PrintOutcome's codes: paper_out, offline, cover_open, timeout, ...
    message_vi: str
    message_en: str

    def message(self, language: str) -> str:
        return self.message_vi if language == "vi" else self.message_en


_T = {
    "vi": {
        "copy": "BẢN THỂ HIỆN CỦA HÓA ĐƠN ĐIỆN TỬ",
        "template": "Mẫu số",
        "series": "Ký hiệu",
        "number": "Số",
        "date": "Ngày {d} tháng {m} năm {y}",
        "seller": "Đơn vị bán",
        "tax": "MST",
        "buyer": "Người mua",
        "fund": "BHYT trả",
        "patient": "Người bệnh trả",
        "total": "TỔNG CỘNG",
        "words": "Bằng chữ",
        "vat": "Thuế GTGT",
        "cqt": "Mã của cơ quan thuế",
        "bill": "Mã thanh toán",
        "lookup": "Tra cứu hóa đơn tại",
        "code": "Mã tra cứu",
        "scan": "Quét mã QR để tra cứu trên điện thoại",
    },
    "en": {
        "copy": "PRINTED COPY OF AN ELECTRONIC INVOICE",
        "template": "Template",
        "series": "Series",
        "number": "No.",
        "date": "Date {d}/{m}/{y}",
        "seller": "Seller",
        "tax": "Tax code",
        "buyer": "Buyer",
        "fund": "Insurance pays",
        "patient": "Patient pays",
        "total": "TOTAL",
        "words": "In words",
        "vat": "VAT",
        "cqt": "Tax authority code",
        "bill": "Payment code",
        "lookup": "Look the invoice up at",
        "code": "Lookup code",
        "scan": "Scan the QR code to look it up on your phone",
    },
}


def amount_in_words(amount: int) -> str:
    """The total in Vietnamese words (an invoice states it in words): "Một triệu ... đồng"."""
    from num2words import num2words

    words = str(num2words(int(amount), lang="vi"))
    return words[:1].upper() + words[1:] + " đồng"


def render_invoice(invoice: Invoice, language: str, width_px: int = 576) -> Image.Image:
    """The printed copy (mode "1"). The lookup URL's QR is printed by the printer below it
    (`qr_payload`); `invoice_qr` gives it for the screen."""
    t = _T.get(language, _T["en"])
    scale = width_px / 576
    c = _Canvas(width_px)

    def s(px: int) -> int:
        return max(12, round(px * scale))

    seller = invoice.seller
    c.text(seller.name, s(28), bold=True)
    c.text(f"{t['tax']}: {seller.tax_code}" if seller.tax_code else "", s(22))
    if seller.address:
        c.text(seller.address, s(20))
    c.rule()
    c.text(invoice.title, s(28), bold=True)
    c.text(t["copy"], s(18))
    issued = invoice.issued_at
    c.text(t["date"].format(d=f"{issued.day:02d}", m=f"{issued.month:02d}", y=issued.year), s(22))
    head = f"{t['series']}: {invoice.series}   {t['number']}: {invoice.number}"
    if invoice.template:
        head = f"{t['template']}: {invoice.template}   " + head
    c.text(head, s(22), bold=True)
    if invoice.tax_authority_code:
        c.text(f"{t['cqt']}: {invoice.tax_authority_code}", s(20))
    if invoice.buyer is not None:
        c.text(f"{t['buyer']}: {invoice.buyer.name}", s(22), center=False)
    c.rule(2)
    for line in invoice.lines:
        c.text(line.name, s(22), bold=True, center=False, gap=2)
        detail = format_vnd(line.total, language)
        if line.fund_pays:
            detail += f"  ·  {t['fund']} {format_vnd(line.fund_pays, language)}"
        c.text(detail, s(20), center=False, gap=2)
        c.text(f"{t['patient']}: {format_vnd(line.patient_pays, language)}", s(22), center=False)
    c.rule(2)
    c.text(f"{t['total']}: {format_vnd(invoice.amount, language)}", s(32), bold=True)
    c.text(f"{t['words']}: {amount_in_words(invoice.amount)}", s(20), center=False)
    if invoice.vat:
        c.text(f"{t['vat']}: {invoice.vat}", s(20), center=False)
    c.text(f"{t['bill']}: {invoice.bill_number}", s(20), center=False)
    c.rule(2)
    c.text(f"{t['code']}:", s(22))
    c.fitted(invoice.lookup_code, s(48))
    c.text(f"{t['lookup']} {invoice.lookup_url}", s(18))
    c.text(t["scan"], s(20))
    return c.done()


def invoice_qr(invoice: Invoice, module_px: int = 8) -> Image.Image:
    return qr_image(invoice.lookup_url, module_px=module_px)


class InvoiceDesk:
    """Fetches and prints invoices for the payment flow; records what happened on the bill."""

    def __init__(
        self,
        provider: Any,  # EInvoiceClient | HisInvoices | None
        printer: Any,  # hardware.printer.base.TicketPrinter | None
        service: PaymentService | None = None,
        width_px: int = 576,
        print_timeout_s: float = 10.0,
        fetch_timeout_s: float | None = None,
    ) -> None:
        self.provider = provider
        self.fetch_timeout_s = fetch_timeout_s or getattr(provider, "timeout_s", 4.0) + 1.0
        self.printer = printer
        self.service = service
        self.width_px = width_px
        self.print_timeout_s = print_timeout_s
        self._busy = threading.Lock()

    def _note(self, bill_number: str, event: str, detail: str = "") -> None:
        if self.service is None:
            return
        try:
            self.service.note(bill_number, event, detail)
        except Exception:
            log.exception("cannot record %s on bill %s", event, bill_number)

    def fetch(self, bill: Bill, lines: list[Any]) -> Invoice:
        """Blocking. Raises InvoiceUnavailable; the bill is untouched either way."""
        if self.provider is None:
            raise InvoiceUnavailable("none")
        try:
            invoice = self._bounded(lambda: self.provider.issue(bill, lines))
        except InvoiceUnavailable as exc:
            log.warning("invoice for bill %s not available: %s", bill.bill_number, exc.reason)
            self._note(bill.bill_number, "invoice_failed", exc.reason)
            raise
        except Exception as exc:
            log.exception("invoice for bill %s failed", bill.bill_number)
            self._note(bill.bill_number, "invoice_failed", type(exc).__name__)
            raise InvoiceUnavailable("down") from exc
        self._note(bill.bill_number, "invoice", f"{invoice.series} {invoice.number}")
        return invoice

    def _bounded(self, call: Any) -> Invoice:
        """`call()` within fetch_timeout_s in all: requests' timeout bounds each read, so a
        provider that drips its answer byte by byte would hold the patient far longer. A call
        still running is left to finish on its own (issuing is idempotent per bill)."""
        box: dict[str, Any] = {}

        def run() -> None:
            try:
                box["value"] = call()
            except BaseException as exc:  # handed over below
                box["error"] = exc

        worker = threading.Thread(target=run, name="invoice-fetch", daemon=True)
        worker.start()
        worker.join(self.fetch_timeout_s)
        if worker.is_alive():
            raise InvoiceUnavailable("slow")
        if "error" in box:
            raise box["error"]
        return box["value"]

    def print(self, invoice: Invoice, language: str) -> InvoicePrint:
        """Prints and waits for the printer's confirmation within the timeout; never raises."""
        try:
            result = self._print(invoice, language)
        except Exception:
            log.exception("printing the invoice of bill %s failed", invoice.bill_number)
            result = _failed("error")
        self._note(invoice.bill_number, "invoice_printed" if result.ok else "invoice_print_failed",
                   result.code or "")  # fmt: skip
        return result

    def _print(self, invoice: Invoice, language: str) -> InvoicePrint:
        printer = self.printer
        if printer is None:
            return _failed("offline")
        image = render_invoice(invoice, language, self.width_px)
        box: dict[str, BaseException | None] = {}

        def job() -> None:
            try:
                printer.print_ticket(image, qr_payload=invoice.lookup_url)
                box["error"] = None
            except BaseException as exc:  # reported below
                box["error"] = exc
            finally:
                self._busy.release()

        if not self._busy.acquire(timeout=self.print_timeout_s):
            return _failed("timeout")
        worker = threading.Thread(target=job, name="invoice-print", daemon=True)
        worker.start()
        worker.join(self.print_timeout_s)
        if "error" not in box:
            return _failed("timeout")
        error = box["error"]
        if error is None:
            return InvoicePrint(
                True,
                None,
                "Đã in hóa đơn. Vui lòng nhận hóa đơn ở khe máy in.",
                "Your invoice is printed. Please take it from the printer.",
            )
        code = error.code if isinstance(error, PrinterError) else "error"
        return _failed(code if code in MESSAGES else "error")


def _failed(code: str) -> InvoicePrint:
    vi, en = MESSAGES[code]
    return InvoicePrint(
        False,
        code,
        f"{vi} Bạn có thể quét mã QR trên màn hình để tra cứu hóa đơn.",
        f"{en} You can scan the QR code on the screen to look the invoice up.",
    )


def build_invoice_desk(services: Any) -> InvoiceDesk:
    """From the composition root: the HIS's invoices when it offers them, else the configured
    e-invoice provider, else none (the patient is told to ask at the counter)."""
    config = services.config
    his = getattr(services, "his", None)
    adapter = (
        getattr(his, "his", his) if his is not None and getattr(his, "enabled", False) else None
    )
    provider: Any = None
    if adapter is not None and hasattr(adapter, "invoice"):
        provider = HisInvoices(adapter)
    elif config.payment.einvoice_url:
        provider = EInvoiceClient.from_config(config.payment)
    return InvoiceDesk(
        provider,
        services.printer,
        width_px=config.devices.printer.paper_width_px,
        print_timeout_s=getattr(config.devices.printer, "timeout_s", 10.0) or 10.0,
    )
