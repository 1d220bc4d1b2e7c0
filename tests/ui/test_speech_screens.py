"""What the voice is given on each screen, in order, in the real window (issue 12 §5): every
text and choice, errors when they appear, the idle countdown; a tap interrupts it; the price
screen has "Listen again". The speaker is a recorder with Speaker's interface; what it records
then goes through kiosk.pronounce, as espeak-ng would get it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from kiosk_testing import click, wait_step
from PySide6.QtCore import QCoreApplication

from kiosk.bootstrap import build_services
from kiosk.pronounce import leftover_abbreviations, spoken
from kiosk.session import Step
from ui.app import KioskApp, build_app

pytestmark = pytest.mark.gui


class RecordingSpeaker:
    """Speaker's interface; records what the kiosk asks it to do."""

    def __init__(self) -> None:
        self.enabled = True
        self.volume = 80
        self.log: list[tuple[str, str]] = []  # ("say", text) / ("stop", "")

    def say(self, text: str, language: str = "vi") -> bool:
        self.log.append(("say", " ".join(text.split())))
        return True

    def stop(self) -> None:
        self.log.append(("stop", ""))

    def forget(self) -> None: ...
    def set_volume(self, volume: int) -> None:
        self.volume = volume

    def set_enabled(self, enabled: bool) -> None: ...
    def close(self) -> None: ...
    def repeat(self) -> bool:
        return False

    def said(self) -> list[str]:
        return [text for kind, text in self.log if kind == "say"]

    def last(self) -> str:
        return self.said()[-1]


@pytest.fixture
def kiosk(demo_config, qtbot) -> Iterator[KioskApp]:
    config = demo_config.model_copy(deep=True)
    config.catalog.demo_catalog = False
    config.accessibility.speech = True
    services = build_services(config, speaker=RecordingSpeaker())  # type: ignore[arg-type]
    app = build_app(config, show_panel=False, services=services)
    app.window.resize(1600, 900)
    app.window.show()
    qtbot.waitExposed(app.window)
    yield app
    app.close()


def settle(qtbot) -> None:  # type: ignore[no-untyped-def]
    qtbot.wait(20)
    QCoreApplication.processEvents()


def in_order(text: str, *parts: str) -> bool:
    at = 0
    for part in parts:
        found = text.find(part, at)
        if found < 0:
            return False
        at = found + len(part)
    return True


def test_each_screen_is_said_whole_in_order(kiosk, qtbot):
    voice: RecordingSpeaker = kiosk.speaker
    window = kiosk.window
    kiosk.services.card_reader.insert("binh-over-75")  # type: ignore[union-attr]
    wait_step(qtbot, kiosk, Step.CONSENT)  # the personal-data notice first, said too
    settle(qtbot)
    notice = voice.last()  # the title, what is processed and why, the question, both answers
    assert in_order(
        notice,
        window.consent.title.text(),
        "Họ tên",
        "Bạn có đồng ý",
        "Không đồng ý, chỉ lấy số",
        "Tôi đồng ý",
    ), notice
    click(qtbot, window, "consent_accept")
    wait_step(qtbot, kiosk, Step.CARD_KEY)
    settle(qtbot)
    key = voice.last()  # title, then each way in, in the screen's order; no digit keys
    assert in_order(key, window.identify.title.text(), "QR", "6")
    assert "Xóa" not in key.split("6 số cuối")[-1][:5]
    for digit in kiosk.services.card_reader.people["binh-over-75"]["id"][-6:]:  # type: ignore[union-attr]
        click(qtbot, window, f"keypad_{digit}")
    click(qtbot, window, "keypad_ok")
    wait_step(qtbot, kiosk, Step.CONFIRM_IDENTITY)
    settle(qtbot)
    identity = voice.last()  # the identity shown back, then the two answers
    name = kiosk.session.data.identity.full_name  # type: ignore[union-attr]
    assert in_order(identity, "Đây có phải là bạn không?", name, "quay lại", "Đúng, đây là tôi")
    click(qtbot, window, "identity_yes")
    wait_step(qtbot, kiosk, Step.INSURANCE_RESULT)
    click(qtbot, window, "insurance_continue")
    wait_step(qtbot, kiosk, Step.CHOOSE_CLINIC)
    settle(qtbot)
    clinics = voice.last()
    names = [c.name("vi") for c in kiosk.config.clinics]
    assert in_order(clinics, window.clinic.title.text(), *names)
    click(qtbot, window, "clinic_noi")
    wait_step(qtbot, kiosk, Step.CHOOSE_PRIORITY)
    settle(qtbot)
    priority = voice.last()  # every category, then the two answers, the keep one last
    assert in_order(
        priority, "ưu tiên", "Cấp cứu", "Người từ 75 tuổi trở lên", "Không, tôi", "Có, tôi từ 75"
    )
    for text in voice.said():  # and what espeak-ng would get has no abbreviation left
        assert leftover_abbreviations(spoken(text, "vi")) == [], text


def test_a_tap_interrupts_and_an_error_is_said_when_it_appears(kiosk, qtbot):
    voice: RecordingSpeaker = kiosk.speaker
    window = kiosk.window
    click(qtbot, window, "start_button")
    wait_step(qtbot, kiosk, Step.CONSENT)
    click(qtbot, window, "consent_accept")  # the personal-data notice
    wait_step(qtbot, kiosk, Step.IDENTIFY)
    settle(qtbot)
    assert voice.log[-1][0] == "say"  # the screen is being said
    click(qtbot, window, "keypad_9")
    assert voice.log[-1] == ("stop", "")  # the tap stopped it; a digit is not read back
    for _ in range(11):
        click(qtbot, window, "keypad_9")
    voice.log.clear()
    click(qtbot, window, "keypad_ok")
    settle(qtbot)
    assert voice.log[0] == ("stop", "")  # the tap first, then the error it caused
    message = kiosk.session.data.message
    assert message is not None and message.code == "id_bad_province"
    assert voice.said() == [message.text("vi")]


def test_the_idle_countdown_is_said(kiosk, qtbot):
    voice: RecordingSpeaker = kiosk.speaker
    now = [1000.0]
    session = kiosk.session
    session.clock = lambda: now[0]
    click(qtbot, kiosk.window, "start_button")
    wait_step(qtbot, kiosk, Step.CONSENT)
    click(qtbot, kiosk.window, "consent_accept")  # the personal-data notice
    wait_step(qtbot, kiosk, Step.IDENTIFY)
    settle(qtbot)
    voice.log.clear()
    now[0] += session.config.idle.timeout_s + 1
    session.tick()
    settle(qtbot)
    assert len(voice.said()) == 1
    assert in_order(voice.last(), kiosk.window.overlay.title.text(), "giây", "Tôi cần thêm")
    session.tick()  # a second later: not said again every second
    settle(qtbot)
    assert len(voice.said()) == 1


def test_prices_have_listen_again(kiosk, qtbot):
    voice: RecordingSpeaker = kiosk.speaker
    click(qtbot, kiosk.window, "prices_button")
    wait_step(qtbot, kiosk, Step.PRICES)
    settle(qtbot)
    first = voice.last()
    assert first.startswith(kiosk.window.prices.title.text())
    voice.log.clear()
    click(qtbot, kiosk.window, "prices_listen")
    settle(qtbot)
    assert voice.log[0] == ("stop", "") and voice.said() == [first]
    click(qtbot, kiosk.window, "prices_close")
    wait_step(qtbot, kiosk, Step.START)


def test_the_start_screen_is_said_in_the_chosen_language(kiosk, qtbot):
    voice: RecordingSpeaker = kiosk.speaker
    click(qtbot, kiosk.window, "lang_en")
    settle(qtbot)
    assert voice.said(), voice.log
    assert kiosk.window.start.start_button.text() in voice.last()
