"""Taps from the patient's first touch to "Xong" on the ticket, on every way through the real
window (issue 12 §4: chip or QR to ticket in at most 8 taps including the final "Xong").

Taps are counted where the patient makes them: an application-wide event filter counts every
left-button press that lands on a button (the helpers only press buttons the patient sees).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from kiosk_testing import click, shown_kiosk, wait_step
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractButton, QApplication

from kiosk.demo import bhyt_payload, cccd_payload
from kiosk.session import Step
from ui.app import KioskApp

pytestmark = pytest.mark.gui

QR_TARGET = 9  # (+1: the personal-data notice) chip with the card's QR, CCCD QR, BHYT QR
CAN_TARGET = 14  # chip with the 6-digit CAN typed: 6 digits + "Đồng ý" + the 6 of the QR path
TYPED_TARGET = 21  # typed 12-digit ID: "Bắt đầu" + 12 digits + "Đồng ý" + 6


class TapCounter(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.taps: list[str] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if (
            event.type() == QEvent.Type.MouseButtonPress
            and isinstance(watched, QAbstractButton)
            and event.button() == Qt.MouseButton.LeftButton  # type: ignore[attr-defined]
        ):
            self.taps.append(watched.objectName())
        return False


@pytest.fixture
def kiosk(demo_config, qtbot) -> Iterator[KioskApp]:
    app = shown_kiosk(qtbot, demo_config)
    counter = TapCounter()
    QApplication.instance().installEventFilter(counter)  # type: ignore[union-attr]
    app.extras["taps"] = counter
    yield app
    QApplication.instance().removeEventFilter(counter)  # type: ignore[union-attr]
    app.close()


def person(kiosk: KioskApp, key: str) -> dict:
    return kiosk.services.card_reader.people[key]  # type: ignore[union-attr]


def gateway_card(citizen_id: str) -> dict:
    from kiosk.demo import _gateway_cards

    return _gateway_cards()[citizen_id]


def rest_of_journey(qtbot, kiosk: KioskApp, priority: str | None, prices: bool) -> None:
    """From "Is this you?" to "Done", answering with the button the screen makes primary."""
    window = kiosk.window
    click(qtbot, window, "identity_yes")
    wait_step(qtbot, kiosk, Step.INSURANCE_RESULT)
    click(qtbot, window, "insurance_continue")
    wait_step(qtbot, kiosk, Step.CHOOSE_CLINIC)
    if prices:  # a look at the prices on the way, and back
        click(qtbot, window, "footer_prices")
        wait_step(qtbot, kiosk, Step.PRICES)
        click(qtbot, window, "prices_close")
        wait_step(qtbot, kiosk, Step.CHOOSE_CLINIC)
    click(qtbot, window, "clinic_noi")
    wait_step(qtbot, kiosk, Step.CHOOSE_PRIORITY)
    if priority == "proposed":
        click(qtbot, window, "priority_keep")
    elif priority:
        click(qtbot, window, f"priority_{priority}")
    else:
        click(qtbot, window, "priority_none")
    wait_step(qtbot, kiosk, Step.CONFIRM)
    click(qtbot, window, "confirm_button")
    wait_step(qtbot, kiosk, Step.TICKET)
    click(qtbot, window, "ticket_done")
    wait_step(qtbot, kiosk, Step.START)


def agree(qtbot, kiosk: KioskApp) -> None:
    """The personal-data notice comes first, whatever the patient does at the start."""
    wait_step(qtbot, kiosk, Step.CONSENT, timeout=15000)
    click(qtbot, kiosk.window, "consent_accept")


def chip_can(qtbot, kiosk: KioskApp, who: str) -> None:
    kiosk.services.card_reader.insert(who)  # type: ignore[union-attr]
    agree(qtbot, kiosk)
    wait_step(qtbot, kiosk, Step.CARD_KEY)
    for digit in person(kiosk, who)["id"][-6:]:
        click(qtbot, kiosk.window, f"keypad_{digit}")
    click(qtbot, kiosk.window, "keypad_ok")
    wait_step(qtbot, kiosk, Step.CONFIRM_IDENTITY)


def chip_qr(qtbot, kiosk: KioskApp, who: str) -> None:
    kiosk.services.card_reader.insert(who)  # type: ignore[union-attr]
    agree(qtbot, kiosk)
    wait_step(qtbot, kiosk, Step.CARD_KEY)
    kiosk.services.camera.show(cccd_payload(person(kiosk, who)))  # type: ignore[union-attr]
    wait_step(qtbot, kiosk, Step.CONFIRM_IDENTITY, timeout=15000)


def cccd_qr(qtbot, kiosk: KioskApp, who: str) -> None:
    kiosk.services.camera.show(cccd_payload(person(kiosk, who)))  # type: ignore[union-attr]
    agree(qtbot, kiosk)
    wait_step(qtbot, kiosk, Step.CONFIRM_IDENTITY, timeout=15000)


def bhyt_qr(qtbot, kiosk: KioskApp, who: str) -> None:
    data = person(kiosk, who)
    payload = bhyt_payload(data, gateway_card(data["id"]))
    kiosk.services.camera.show(payload)  # type: ignore[union-attr]
    agree(qtbot, kiosk)
    wait_step(qtbot, kiosk, Step.CONFIRM_IDENTITY, timeout=15000)


def typed_id(qtbot, kiosk: KioskApp, who: str) -> None:
    click(qtbot, kiosk.window, "start_button")
    wait_step(qtbot, kiosk, Step.CONSENT)
    click(qtbot, kiosk.window, "consent_accept")  # the personal-data notice
    wait_step(qtbot, kiosk, Step.IDENTIFY)
    for digit in person(kiosk, who)["id"]:
        click(qtbot, kiosk.window, f"keypad_{digit}")
    click(qtbot, kiosk.window, "keypad_ok")
    wait_step(qtbot, kiosk, Step.CONFIRM_IDENTITY)


Identify = Callable[..., None]
PATHS: list[tuple[str, Identify, str, str | None, bool, int]] = [
    # name, how the patient identifies, who, priority answer, prices detour, target
    ("chip+CAN", chip_can, "an-adult", None, False, CAN_TARGET),
    ("chip+QR", chip_qr, "an-adult", None, False, QR_TARGET),
    ("CCCD QR", cccd_qr, "an-adult", None, False, QR_TARGET),
    ("BHYT QR", bhyt_qr, "hoa-adult", None, False, QR_TARGET),
    ("typed ID", typed_id, "an-adult", None, False, TYPED_TARGET),
    ("chip+QR, 75+ keeps the proposed priority", chip_qr, "binh-over-75", "proposed", False, 9),
    ("CCCD QR, chooses a priority", cccd_qr, "an-adult", "pregnant", False, QR_TARGET),
    ("chip+CAN, prices detour", chip_can, "an-adult", None, True, CAN_TARGET + 2),
    ("CCCD QR, prices detour", cccd_qr, "an-adult", None, True, QR_TARGET + 2),
]


@pytest.mark.parametrize(
    ("name", "identify", "who", "priority", "prices", "target"),
    PATHS,
    ids=[p[0] for p in PATHS],
)
def test_taps_to_the_ticket(kiosk, qtbot, name, identify, who, priority, prices, target):
    counter: TapCounter = kiosk.extras["taps"]
    identify(qtbot, kiosk, who)
    rest_of_journey(qtbot, kiosk, priority, prices)
    taps = counter.taps
    print(f"\n{name}: {len(taps)} taps: {' '.join(taps)}")
    assert taps[-1] == "ticket_done"
    assert len(taps) <= target, taps
    if priority == "proposed":  # the kept proposal is on the ticket the patient got
        assert "priority_keep" in taps


def test_the_counter_counts_every_press(kiosk, qtbot):
    """The counter is not blind: three keypad presses are three taps."""
    counter: TapCounter = kiosk.extras["taps"]
    click(qtbot, kiosk.window, "start_button")
    wait_step(qtbot, kiosk, Step.CONSENT)
    click(qtbot, kiosk.window, "consent_accept")  # the personal-data notice
    wait_step(qtbot, kiosk, Step.IDENTIFY)
    for digit in "123":
        click(qtbot, kiosk.window, f"keypad_{digit}")
    assert counter.taps == ["start_button", "consent_accept", "keypad_1", "keypad_2", "keypad_3"]
