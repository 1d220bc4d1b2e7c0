"""Payment at the kiosk: the code, what is due, pay by VietQR, paid, the invoice.

One widget with pages, driven by kiosk.payment.flow.PaymentFlow (Qt-free): the screen only
shows the flow's state and forwards taps; every blocking call (fees, the bill, polling, the
invoice, printing) runs on the workers' "tickets" pool through the flow's runner. A 0.5 s timer
ticks the flow while the QR is up (countdown, polling the shared database: the bank's
notification lands there through `kiosk serve`). "Tôi đã chuyển khoản" only re-checks now.

Texts are in this module in both languages (vi default) rather than through the Qt translator:
the same words are spoken (`spoken_text()`, read by MainWindow.spoken_text through `title`
and `message`) and must not depend on a .qm being installed.

Layout: the QR page puts the QR beside the details in landscape and above them in portrait;
the QR's side follows the space left (`_fit_qr`), so 1080x1920, 1920x1080 and 1366x768 all fit.

Signals:
    closed(): the patient is done (or cancelled); the window goes back to the start.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QBoxLayout,
    QFrame,
    QGridLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.insurance.benefits import format_vnd
from kiosk.payment.flow import PaymentFlow, PayStep
from ui.theme import set_role
from ui.widgets.common import action_row, button, card, label, sized
from ui.widgets.keyboard import OnScreenKeyboard

TEXT: dict[str, dict[str, str]] = {
    "vi": {
        "entry_title": "Thanh toán viện phí",
        "entry_hint": "Nhập mã số phiếu, mã hồ sơ hoặc mã biên lai rồi bấm Tiếp tục.",
        "continue": "Tiếp tục",
        "close": "Đóng",
        "loading": "Đang tải các khoản cần thanh toán…",
        "fees_title": "Các khoản cần thanh toán",
        "estimate": "Số tiền ước tính theo bảng giá: số tiền chính xác do bệnh viện xác nhận.",
        "hospital": "Số liệu của bệnh viện",
        "item": "Khoản",
        "total": "Tổng",
        "fund": "BHYT trả",
        "you": "Bạn trả",
        "sum": "Cộng",
        "pay_qr": "Thanh toán bằng mã QR",
        "cancel": "Huỷ",
        "pay_title": "Quét mã QR bằng ứng dụng ngân hàng",
        "amount": "Số tiền",
        "bank": "Ngân hàng",
        "account_name": "Chủ tài khoản",
        "account": "Số tài khoản",
        "content": "Nội dung",
        "countdown": "Mã còn hiệu lực {s} giây",
        "waiting": "Đang chờ ngân hàng xác nhận. Màn hình sẽ tự chuyển khi nhận được tiền.",
        "partial": "Đã nhận {paid}. Vui lòng chuyển thêm {rest} (mã QR đã cập nhật).",
        "i_paid": "Tôi đã chuyển khoản",
        "checking": "Đang kiểm tra lại với ngân hàng…",
        "not_yet": "Chưa nhận được tiền. Nếu bạn đã chuyển, vui lòng chờ thêm ít giây.",
        "opening": "Đang tạo mã thanh toán…",
        "paid_title": "Đã thanh toán",
        "paid": "Ngân hàng đã xác nhận {amount}. Cảm ơn bạn.",
        "overpaid": "Bạn đã chuyển thừa {extra}: quầy thu ngân sẽ hoàn lại.",
        "invoice_loading": "Đang lấy hóa đơn điện tử…",
        "invoice_title": "Hóa đơn điện tử",
        "invoice_number": "Ký hiệu {series} · Số {number}",
        "lookup": "Mã tra cứu: {code}",
        "scan_phone": "Quét mã này bằng điện thoại để xem và tải hóa đơn.",
        "printing": "Đang in hóa đơn…",
        "print_again": "In lại",
        "done": "Xong",
        "timed_out_title": "Hết thời gian chờ",
        "timed_out": "Chưa nhận được tiền. Mã thanh toán {bill} vẫn còn mở: nếu bạn đã chuyển, "
        "quầy thu ngân sẽ thấy khoản tiền. Bạn có thể thử lại.",
        "try_again": "Thử lại",
        "cancelled_title": "Đã huỷ thanh toán",
        "cancelled": "Không có khoản tiền nào bị trừ. Bạn có thể thanh toán tại quầy.",
        "nothing_title": "Không có khoản nào cần thanh toán",
        "nothing": "Các khoản của bạn đã được thanh toán hoặc chưa có.",
        "fees_failed_title": "Chưa tra được các khoản cần thanh toán",
        "fees_failed": "Vui lòng kiểm tra lại mã, hoặc thanh toán tại quầy thu ngân.",
        "failed_title": "Chưa tạo được mã thanh toán",
        "failed": "Không có khoản tiền nào bị trừ. Vui lòng thanh toán tại quầy thu ngân.",
        "invoice_failed": "Thanh toán đã được ghi nhận. Hóa đơn chưa lấy được lúc này: bạn có thể "
        "tra cứu sau hoặc nhận tại quầy với mã thanh toán {bill}.",
    },
    "en": {
        "entry_title": "Pay hospital fees",
        "entry_hint": "Type your ticket number, visit code or receipt code, then press Continue.",
        "continue": "Continue",
        "close": "Close",
        "loading": "Loading what is due…",
        "fees_title": "What is due",
        "estimate": "Estimated from the price list: the hospital confirms the exact amount.",
        "hospital": "The hospital's figures",
        "item": "Item",
        "total": "Total",
        "fund": "Insurance",
        "you": "You pay",
        "sum": "Sum",
        "pay_qr": "Pay by QR code",
        "cancel": "Cancel",
        "pay_title": "Scan the QR code with your banking app",
        "amount": "Amount",
        "bank": "Bank",
        "account_name": "Account name",
        "account": "Account number",
        "content": "Reference",
        "countdown": "The code is valid for {s} seconds",
        "waiting": "Waiting for the bank to confirm. The screen moves on when the money arrives.",
        "partial": "{paid} received. Please transfer {rest} more (the QR code is updated).",
        "i_paid": "I have paid",
        "checking": "Checking with the bank again…",
        "not_yet": "The money has not arrived yet. If you have paid, please wait a few seconds.",
        "opening": "Preparing the payment code…",
        "paid_title": "Paid",
        "paid": "The bank confirmed {amount}. Thank you.",
        "overpaid": "You transferred {extra} too much: the cashier will refund it.",
        "invoice_loading": "Getting your e-invoice…",
        "invoice_title": "E-invoice",
        "invoice_number": "Series {series} · No. {number}",
        "lookup": "Lookup code: {code}",
        "scan_phone": "Scan this code with your phone to see and download the invoice.",
        "printing": "Printing the invoice…",
        "print_again": "Print again",
        "done": "Done",
        "timed_out_title": "Time is up",
        "timed_out": "The money has not arrived. Payment code {bill} stays open: if you have "
        "paid, the cashier will see it. You can try again.",
        "try_again": "Try again",
        "cancelled_title": "Payment cancelled",
        "cancelled": "Nothing was charged. You can pay at the cashier's desk.",
        "nothing_title": "Nothing to pay",
        "nothing": "Your items are paid or not billed yet.",
        "fees_failed_title": "What is due could not be found",
        "fees_failed": "Please check the code, or pay at the cashier's desk.",
        "failed_title": "The payment code could not be made",
        "failed": "Nothing was charged. Please pay at the cashier's desk.",
        "invoice_failed": "Your payment is recorded. The invoice is not available right now: "
        "look it up later or get it at the cashier's desk with payment code {bill}.",
    },
}
PAGES = ("entry", "fees", "pay", "result", "invoice")


class QrLabel(QLabel):
    """A QR that takes the square space its layout gives it (never asks for more: its size
    policy is Ignored), re-drawn at that size."""

    def __init__(self, name: str, minimum: int = 220) -> None:
        super().__init__()
        self.setObjectName(name)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        sized(self, min_width=minimum, min_height=minimum)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.payload = ""
        self._drawn: tuple[str, int] | None = None

    def set_payload(self, payload: str) -> None:
        self.payload = payload
        self._draw()

    def side(self) -> int:
        return min(self.width(), self.height())

    def _draw(self) -> None:
        side = self.side()
        if not self.payload or (self.payload, side) == self._drawn:
            return
        from ui.screens.visit import qr_pixmap

        self._drawn = (self.payload, side)
        self.setPixmap(qr_pixmap(self.payload, side))

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        self._draw()


class PaymentScreen(QWidget):
    closed = Signal()

    def __init__(
        self,
        flow: PaymentFlow,
        bank_name: str = "",
        account_name: str = "",
        account: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("payment_screen")
        self.flow = flow
        self.bank_name, self.account_name, self.account = bank_name, account_name, account
        self.language = "vi"
        self._checking = False
        self._checks_seen = 0
        self._printed_for: str | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(40, 16, 40, 16)
        outer.setSpacing(12)
        self.title = label("", "title", name="pay_title")
        outer.addWidget(self.title)
        self.message = label("", "notice", name="pay_message")
        sized(
            self.message, min_width=640
        )  # a wrapped label's minimum height is taken at this width
        self.message.hide()
        outer.addWidget(self.message)
        self.pages = QStackedWidget()
        outer.addWidget(self.pages, 1)
        self._page: dict[str, QWidget] = {}
        for name in PAGES:
            page = getattr(self, f"_build_{name}")()
            page.setObjectName(f"pay_page_{name}")
            self._page[name] = page
            self.pages.addWidget(page)
        self.secondary = button("", "secondary", name="pay_secondary")
        self.primary = button("", "primary", name="pay_primary")
        self.secondary.clicked.connect(self._secondary)
        self.primary.clicked.connect(self._primary)
        outer.addLayout(action_row(self.secondary, self.primary))
        self.timer = QTimer(self)
        self.timer.setInterval(500)  # the countdown and the polling (flow.poll_s) follow it
        self.timer.timeout.connect(flow.tick)
        flow.subscribe(lambda _flow: self.refresh())
        self.refresh()

    # -- pages --------------------------------------------------------------------------------

    def _build_entry(self) -> QWidget:
        page = QWidget()
        self.entry_box = QBoxLayout(QBoxLayout.Direction.LeftToRight, page)
        self.entry_box.setContentsMargins(0, 0, 0, 0)
        self.entry_box.setSpacing(24)
        left = QVBoxLayout()
        left.setSpacing(16)
        self.entry_hint = label("", "body", name="pay_entry_hint")
        sized(self.entry_hint, min_width=200)  # its wrapped height is measured at this width
        left.addWidget(self.entry_hint)
        self.code_field = QLineEdit()
        self.code_field.setObjectName("pay_code")
        self.code_field.setMaxLength(40)
        self.code_field.returnPressed.connect(self._primary)
        left.addWidget(self.code_field)
        left.addStretch(1)
        self.entry_box.addLayout(left, 2)
        self.keyboard = OnScreenKeyboard(page)
        self.keyboard.setObjectName("pay_keyboard")
        self.keyboard.text_changed.connect(self.code_field.setText)
        self.code_field.textEdited.connect(self.keyboard.set_text)
        self.entry_box.addWidget(self.keyboard, 3, Qt.AlignmentFlag.AlignBottom)
        return page

    def _build_fees(self) -> QWidget:
        page = QWidget()
        box = QVBoxLayout(page)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(12)
        self.fees_badge = label("", "badge-warn", wrap=True, name="pay_fees_badge")
        box.addWidget(self.fees_badge)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        frame, inner = card()
        self.fees_grid = QGridLayout()
        self.fees_grid.setHorizontalSpacing(24)
        self.fees_grid.setVerticalSpacing(10)
        self.fees_grid.setColumnStretch(0, 1)
        inner.addLayout(self.fees_grid)
        inner.addStretch(1)
        scroll.setWidget(frame)
        box.addWidget(scroll, 1)
        self.fees_due = label("", "subtitle", name="pay_fees_due")
        self.fees_due.setAlignment(Qt.AlignmentFlag.AlignRight)
        box.addWidget(self.fees_due)
        return page

    def _build_pay(self) -> QWidget:
        page = QWidget()
        self.pay_box = QBoxLayout(QBoxLayout.Direction.LeftToRight, page)
        self.pay_box.setContentsMargins(0, 0, 0, 0)
        self.pay_box.setSpacing(32)
        self.qr = QrLabel("pay_qr", 280)
        self.pay_box.addWidget(self.qr, 5)
        frame, info = card()
        info.setContentsMargins(24, 16, 24, 16)
        info.setSpacing(8)
        self.pay_amount = label("", "title", name="pay_amount")
        info.addWidget(self.pay_amount)
        self.pay_fields: dict[str, tuple[QLabel, QLabel]] = {}
        grid = QGridLayout()
        grid.setHorizontalSpacing(20)
        grid.setVerticalSpacing(8)
        grid.setColumnStretch(1, 1)
        for row, key in enumerate(("bank", "account_name", "account", "content")):
            caption = label("", "muted", wrap=False)
            value = label("", "body", name=f"pay_{key}")
            grid.addWidget(caption, row, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(value, row, 1)
            self.pay_fields[key] = (caption, value)
        info.addLayout(grid)
        self.countdown = label("", "subtitle", name="pay_countdown")
        info.addWidget(self.countdown)
        info.addStretch(1)
        self.pay_box.addWidget(frame, 4)
        return page

    def _build_result(self) -> QWidget:
        page = QWidget()
        box = QVBoxLayout(page)
        box.setContentsMargins(0, 0, 0, 0)
        self.result_text = label("", "body", name="pay_result_text")
        box.addWidget(self.result_text)
        box.addStretch(1)
        return page

    def _build_invoice(self) -> QWidget:
        page = QWidget()
        self.invoice_box = QBoxLayout(QBoxLayout.Direction.LeftToRight, page)
        self.invoice_box.setContentsMargins(0, 0, 0, 0)
        self.invoice_box.setSpacing(32)
        frame, info = card()
        self.invoice_heading = label("", "subtitle", name="pay_invoice_heading")
        self.invoice_number = label("", "body", name="pay_invoice_number")
        self.invoice_total = label("", "title", name="pay_invoice_total")
        self.invoice_code = label("", "display", wrap=False, name="pay_invoice_code")
        self.invoice_hint = label("", "muted", name="pay_invoice_hint")
        for widget in (
            self.invoice_heading,
            self.invoice_number,
            self.invoice_total,
            self.invoice_code,
            self.invoice_hint,
        ):
            info.addWidget(widget)
        info.addStretch(1)
        self.invoice_box.addWidget(frame, 3)
        self.invoice_qr = QrLabel("pay_invoice_qr", 200)
        self.invoice_box.addWidget(self.invoice_qr, 2)
        return page

    # -- the patient's taps -------------------------------------------------------------------

    def begin(self, reference: str = "") -> None:
        """Shows the code entry (or, with a reference from the session, the fees at once)."""
        self.flow.reset()
        self._printed_for = None
        self.code_field.clear()
        self.keyboard.clear()
        if reference:
            self.flow.start(reference)
        self.refresh()

    def set_language(self, language: str) -> None:
        self.language = language if language in TEXT else "vi"
        self.refresh()

    def _primary(self) -> None:
        step = self.flow.step
        if step is PayStep.IDLE:
            code = self.code_field.text().strip()
            if code:
                self.flow.start(code)
        elif step is PayStep.FEES:
            self.flow.pay()
        elif step is PayStep.PAYING:
            self._checking = True
            self._checks_seen = self.flow.checks
            self.flow.check_now()
            self.refresh()
        elif step is PayStep.TIMED_OUT:
            self.flow.pay()
        else:
            self._close()

    def _secondary(self) -> None:
        step = self.flow.step
        if step in (PayStep.PAYING, PayStep.FEES):
            self.flow.cancel()
        elif step is PayStep.INVOICE:
            self.flow.print_invoice(self.language)  # "print again"
        else:
            self._close()

    def _close(self) -> None:
        self.timer.stop()
        self.flow.reset()
        self.closed.emit()

    # -- showing the flow ---------------------------------------------------------------------

    def t(self, key: str, **kw: Any) -> str:
        text = TEXT[self.language][key]
        return text.format(**kw) if kw else text

    def money(self, amount: int) -> str:
        return format_vnd(amount, self.language)

    def _show(self, page: str, title: str, message: str = "", role: str = "notice") -> None:
        current = self._page[page]
        # Only the page on screen counts for the minimum size (the keyboard of the code page
        # must not make the QR page taller than 1366x768 allows).
        for widget in self._page.values():
            wanted = (
                QSizePolicy.Policy.Preferred if widget is current else QSizePolicy.Policy.Ignored
            )
            if widget.sizePolicy().verticalPolicy() != wanted:
                widget.setSizePolicy(wanted, wanted)
                self.pages.updateGeometry()
        self.pages.setCurrentWidget(current)
        self.title.setText(title)
        self.message.setText(message)
        self.message.setVisible(bool(message))
        set_role(self.message, role)

    def _buttons(self, secondary: str | None, primary: str | None) -> None:
        self.secondary.setVisible(secondary is not None)
        self.primary.setVisible(primary is not None)
        self.secondary.setText(secondary or "")
        self.primary.setText(primary or "")

    def refresh(self) -> None:
        flow, step = self.flow, self.flow.step
        if step is PayStep.PAYING:
            if not self.timer.isActive():
                self.timer.start()
        else:
            self.timer.stop()
        bill = flow.bill
        bill_number = bill.bill_number if bill is not None else ""
        self.primary.setEnabled(True)
        if step is PayStep.IDLE:
            self._show("entry", self.t("entry_title"))
            self.entry_hint.setText(self.t("entry_hint"))
            self._buttons(self.t("close"), self.t("continue"))
            self.keyboard.retranslate()
        elif step in (PayStep.FEES_LOADING, PayStep.OPENING, PayStep.INVOICE_LOADING):
            key = {"fees_loading": "loading", "opening": "opening"}.get(step.value)
            title = self.t(key or "invoice_loading")
            self._show("result", title)
            self.result_text.setText("")
            self._buttons(None, None)
        elif step is PayStep.FEES:
            self._show_fees()
            self._buttons(self.t("cancel"), self.t("pay_qr"))
        elif step is PayStep.PAYING:
            self._show_pay()
            self._buttons(self.t("cancel"), self.t("i_paid"))
            self.primary.setEnabled(not flow.polling)
        elif step is PayStep.PAID:
            self._show_paid()
            self._buttons(None, self.t("done"))
        elif step is PayStep.INVOICE:
            self._show_invoice()
        elif step is PayStep.INVOICE_FAILED:
            self._show_paid(self.t("invoice_failed", bill=bill_number))
            self._buttons(None, self.t("done"))
        elif step is PayStep.TIMED_OUT:
            self._show("result", self.t("timed_out_title"), self.t("timed_out", bill=bill_number))
            self.result_text.setText("")
            self._buttons(self.t("done"), self.t("try_again"))
        else:
            key = {
                PayStep.CANCELLED: "cancelled",
                PayStep.NOTHING_DUE: "nothing",
                PayStep.FEES_FAILED: "fees_failed",
                PayStep.FAILED: "failed",
            }.get(step, "failed")
            self._show("result", self.t(f"{key}_title"), self.t(key))
            self.result_text.setText("")
            self._buttons(None, self.t("done"))

    def _show_fees(self) -> None:
        statement = self.flow.statement
        assert statement is not None
        self._show("fees", self.t("fees_title"))
        self.fees_badge.setText(self.t("estimate") if statement.estimate else self.t("hospital"))
        set_role(self.fees_badge, "badge-warn" if statement.estimate else "badge")
        while self.fees_grid.count():
            item = self.fees_grid.takeAt(0)
            if item is not None and item.widget() is not None:
                item.widget().deleteLater()  # type: ignore[union-attr]
        heads = (self.t("item"), self.t("total"), self.t("fund"), self.t("you"))
        for column, text in enumerate(heads):
            head = label(text, "muted", wrap=column == 0)
            if column:
                head.setAlignment(Qt.AlignmentFlag.AlignRight)
            self.fees_grid.addWidget(head, 0, column)
        for row, line in enumerate(statement.lines, start=1):
            self.fees_grid.addWidget(label(line.name, "body", name=f"pay_line_{row}"), row, 0)
            for column, amount in enumerate(
                (line.total, line.fund_pays, line.patient_pays), start=1
            ):
                cell = label(self.money(amount), "body", wrap=False)
                cell.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
                self.fees_grid.addWidget(cell, row, column)
        self.fees_due.setText(f"{self.t('you')}: {self.money(statement.due)}")

    def _show_pay(self) -> None:
        flow = self.flow
        bill = flow.bill
        assert bill is not None
        status = self.t("waiting")
        role = "notice"
        if bill.amount_paid and bill.outstanding:
            status = self.t(
                "partial", paid=self.money(bill.amount_paid), rest=self.money(bill.outstanding)
            )
        elif self._checking and (flow.polling or flow.checks == self._checks_seen):
            status = self.t("checking")
        elif self._checking:
            status, self._checking = self.t("not_yet"), False
        self._show("pay", self.t("pay_title"), status, role)
        self.pay_amount.setText(self.money(bill.outstanding or bill.amount_due))
        values = {
            "bank": self.bank_name,
            "account_name": self.account_name,
            "account": self.account,
            "content": bill.bill_number,
        }
        for key, (caption, value) in self.pay_fields.items():
            caption.setText(self.t(key))
            value.setText(values[key])
        left = flow.seconds_left()
        self.countdown.setText(self.t("countdown", s=left if left is not None else 0))
        self._fit_qr()

    def _show_paid(self, extra: str = "") -> None:
        bill = self.flow.bill
        amount = bill.amount_paid if bill is not None else 0
        text = self.t("paid", amount=self.money(amount))
        if bill is not None and bill.amount_paid > bill.amount_due:
            text += " " + self.t("overpaid", extra=self.money(bill.amount_paid - bill.amount_due))
        self._show("result", self.t("paid_title"), extra or text, "notice" if extra else "good")
        self.result_text.setText(text if extra else "")

    def _show_invoice(self) -> None:
        flow = self.flow
        invoice = flow.invoice
        if flow.print_result is None and not flow.printing and self._printed_for != invoice.number:
            self._printed_for = invoice.number  # print once, without a tap
            flow.print_invoice(self.language)
        if flow.printing:
            message, role = self.t("printing"), "notice"
        elif flow.print_result is not None:
            result = flow.print_result
            message, role = result.message(self.language), "good" if result.ok else "notice"
        else:
            message, role = "", "notice"
        self._show("invoice", self.t("invoice_title"), message, role)
        self.invoice_heading.setText(invoice.title)
        self.invoice_number.setText(
            self.t("invoice_number", series=invoice.series, number=invoice.number)
        )
        self.invoice_number.setVisible(True)
        self.invoice_total.setText(self.money(invoice.amount))
        self.invoice_code.setText(self.t("lookup", code=invoice.lookup_code))
        self.invoice_hint.setText(self.t("scan_phone"))
        printed_ok = flow.print_result is not None and flow.print_result.ok
        again = None if flow.printing or printed_ok else self.t("print_again")
        self._buttons(again, self.t("done"))
        self._fit_qr()

    # -- layout -------------------------------------------------------------------------------

    def _fit_qr(self) -> None:
        """Portrait: the QR above the details; landscape: beside them. The QR labels take
        the square space left (QrLabel)."""
        portrait = self.height() > self.width()
        direction = (
            QBoxLayout.Direction.TopToBottom if portrait else QBoxLayout.Direction.LeftToRight
        )
        for box in (self.pay_box, self.invoice_box, self.entry_box):
            if box.direction() != direction:
                box.setDirection(direction)
        flow = self.flow
        if flow.step is PayStep.PAYING and flow.payload:
            self.qr.set_payload(flow.payload)
        elif flow.step is PayStep.INVOICE and flow.invoice is not None:
            self.invoice_qr.set_payload(flow.invoice.lookup_url)

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        self._fit_qr()

    def spoken_text(self) -> str:
        """What speech guidance says: the title, the message, and the amount on the QR page."""
        parts = [self.title.text()]
        if self.message.isVisible() and self.message.text():
            parts.append(self.message.text())
        if self.flow.step is PayStep.PAYING:
            parts.append(f"{self.t('amount')} {self.pay_amount.text()}")
        return ". ".join(p for p in parts if p)


def build_payment_screen(services: Any, workers: Any, parent: QWidget | None = None) -> Any:
    """The payment screen over the composition root's services: the HIS's fees when the HIS
    offers them, else the catalog estimate for a ticket of today; the invoice from the HIS or
    the configured e-invoice provider; blocking work on the workers' "tickets" pool."""
    from kiosk.payment.fees import EstimateFees, fee_source, ticket_services
    from kiosk.payment.invoice import build_invoice_desk
    from kiosk.payment.service import PaymentService

    config = services.config
    payment = PaymentService.from_config(config)
    fees = fee_source(services) or EstimateFees(services.catalog, ticket_services(services.queue))
    desk = build_invoice_desk(services)
    desk.service = payment

    def runner(work: Any, done: Any, failed: Any) -> None:
        workers.submit(work, done, failed, pool="tickets")

    flow = PaymentFlow(payment, fees, runner, desk)
    c = config.payment
    screen = PaymentScreen(flow, c.bank_name, c.account_name, c.account, parent)
    screen.destroyed.connect(lambda *_: payment.close())
    return screen
