"""The session state machine with the real simulated backends (no Qt)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from kiosk.bootstrap import build_services
from kiosk.session import Session, Step, run_inline

AN_ID = "001090123456"


@pytest.fixture
def session(services) -> Session:
    return Session(services, run_inline)


class DeferredRunner:
    """Holds work until the test releases it: to test results arriving late."""

    def __init__(self) -> None:
        self.pending: list[
            tuple[Callable[[], Any], Callable[[Any], None], Callable[[BaseException], None]]
        ] = []

    def __call__(self, work, done, failed) -> None:  # type: ignore[no-untyped-def]
        self.pending.append((work, done, failed))

    def release(self) -> None:
        while self.pending:
            run_inline(*self.pending.pop(0))


def identify_with_card(session: Session, person: str = "an-adult", typed: str = AN_ID) -> None:
    session.begin("vi")
    session.accept_privacy("test-notice")  # the personal-data notice
    session.services.card_reader.insert(person)  # type: ignore[attr-defined]
    session.card_inserted()
    assert session.step is Step.CARD_KEY
    session.submit_id(typed)


def test_card_journey_to_ticket(session):
    identify_with_card(session)
    assert session.step is Step.CONFIRM_IDENTITY
    identity = session.data.identity
    assert (
        identity is not None
        and identity.citizen_id == AN_ID
        and identity.full_name == "Nguyễn Văn An"
    )
    session.confirm_identity()
    assert session.step is Step.INSURANCE_RESULT
    assert session.data.eligibility is not None
    session.continue_after_insurance()
    session.choose_clinic("noi")
    assert session.step is Step.CHOOSE_PRIORITY
    session.choose_priority(None)
    session.confirm()
    assert session.step is Step.TICKET
    ticket = session.data.ticket
    assert ticket.clinic_id == "noi" and ticket.number
    assert session.printed
    session.finish()
    assert (
        session.step is Step.START and session.data.identity is None and session.data.ticket is None
    )


def test_child_and_elderly_get_priority_proposed(session):
    identify_with_card(session, "khoi-child-under-6", "079221001234")
    session.confirm_identity()
    assert "under_6" in session.data.proposed_priorities
    session.cancel()
    identify_with_card(session, "binh-over-75", "001148004321")
    session.confirm_identity()
    assert "age_75_plus" in session.data.proposed_priorities
    session.continue_after_insurance()
    session.choose_clinic("noi")
    assert session.data.priority == "age_75_plus"  # pre-selected, the patient can still change it


def test_typed_id_without_card_and_invalid_ids(session):
    session.begin()
    session.accept_privacy("test-notice")  # the personal-data notice
    session.submit_id("12345")
    assert session.step is Step.IDENTIFY and session.data.message is not None
    assert session.data.message.code == "invalid_id"
    session.submit_id("999090123456")  # province 999 does not exist: said so, not "12 digits"
    assert session.step is Step.IDENTIFY and session.data.message.code == "id_bad_province"
    session.submit_id("999999999999")
    assert session.data.message.code == "id_bad_province"
    assert "12" not in session.data.message.vi  # 12 digits were typed: not the problem
    session.submit_id("001990123456")  # century digit 9: born 1890
    assert session.data.message.code == "id_bad_birth_year"
    session.submit_id(AN_ID)
    assert session.step is Step.CONFIRM_IDENTITY
    assert session.data.identity is not None and session.data.identity.full_name == ""


def test_the_chip_opens_with_the_last_6_digits(services, session):
    session.begin()
    session.accept_privacy("test-notice")  # the personal-data notice
    services.card_reader.insert("an-adult")  # type: ignore[union-attr]
    session.card_inserted()
    assert session.step is Step.CARD_KEY
    session.submit_id("1234")  # neither 6 nor 12 digits
    assert session.step is Step.CARD_KEY and session.data.message.code == "can_length"
    session.submit_id(AN_ID[-6:])
    assert session.step is Step.CONFIRM_IDENTITY
    assert session.data.identity is not None and session.data.identity.citizen_id == AN_ID


def test_12_digits_at_the_chip_are_checked_against_it(services, session):
    session.begin()
    session.accept_privacy("test-notice")  # the personal-data notice
    services.card_reader.insert("an-adult")  # type: ignore[union-attr]
    session.card_inserted()
    other = "031195" + AN_ID[-6:]  # another valid ID with the same last 6 digits
    session.submit_id(other)  # opens the chip, but is not its ID
    assert session.step is Step.CARD_KEY and session.data.message.code == "access_denied"
    assert session.data.identity is None
    session.submit_id(AN_ID)
    assert session.step is Step.CONFIRM_IDENTITY


def test_back_and_cancel(session):
    identify_with_card(session)
    session.back()
    assert (
        session.step is Step.IDENTIFY
        and session.data.identity is None
        and session.data.access_key is None
    )
    session.back()
    assert session.step is Step.START


def test_result_after_cancel_is_dropped(services):
    runner = DeferredRunner()
    session = Session(services, runner)
    session.begin()
    session.accept_privacy("test-notice")  # the personal-data notice
    services.card_reader.insert("an-adult")  # type: ignore[union-attr]
    session.card_inserted()
    session.submit_id(AN_ID)
    assert session.step is Step.READING_CARD and runner.pending
    session.cancel()
    runner.release()  # the chip answers after the patient left
    assert session.step is Step.START
    assert session.data.identity is None


def test_idle_countdown_then_wipe(services):
    now = [0.0]
    session = Session(services, run_inline, clock=lambda: now[0])
    identify_with_card(session)
    idle = session.config.idle
    now[0] = idle.timeout_s - 1
    session.tick()
    assert session.idle_seconds_left() is None
    now[0] = idle.timeout_s + 0.5
    session.tick()
    assert session.idle_seconds_left() == pytest.approx(idle.countdown_s)
    session.more_time()
    assert session.idle_seconds_left() is None and session.extensions == 1
    now[0] += idle.timeout_s + idle.countdown_s + 2
    session.tick()  # countdown starts
    now[0] += idle.countdown_s
    session.tick()
    assert session.step is Step.START and session.data.identity is None


def test_extensions_are_limited(services):
    now = [0.0]
    session = Session(services, run_inline, clock=lambda: now[0])
    session.begin()
    session.accept_privacy("test-notice")  # the personal-data notice
    for _ in range(session.config.idle.max_extensions):
        assert session.can_extend()
        session.more_time()
    assert not session.can_extend()


def test_same_patient_same_clinic_gets_the_same_ticket_back(session):
    def take() -> Any:
        identify_with_card(session)
        session.confirm_identity()
        session.continue_after_insurance()
        session.choose_clinic("noi")
        session.choose_priority(None)
        session.confirm()
        ticket = session.data.ticket
        session.finish()
        return ticket

    first, second = take(), take()
    assert second.number == first.number and second.reprint and not first.reprint


def test_reader_unplugged_during_the_read_returns_to_identify(services):
    runner = DeferredRunner()
    session = Session(services, runner)
    session.begin()
    session.accept_privacy("test-notice")  # the personal-data notice
    services.card_reader.insert("an-adult")  # type: ignore[union-attr]
    session.card_inserted()
    session.submit_id(AN_ID)
    assert session.step is Step.READING_CARD
    session.reader_unavailable()
    assert session.step is Step.IDENTIFY and not session.reader_ok
    assert session.data.message is not None and session.data.message.code == "reader_unavailable"
    runner.release()  # the read finishes (or fails) after the reader went away: ignored
    assert session.step is Step.IDENTIFY and session.data.identity is None
    session.reader_available()
    assert session.reader_ok


def test_a_card_left_by_the_previous_patient_does_not_capture_the_next_one(session):
    identify_with_card(session)  # patient A, card on the reader
    session.cancel()  # A leaves, the card stays on the reader
    assert session.services.card_present()
    session.begin()
    session.accept_privacy("test-notice")  # the personal-data notice
    session.submit_id("031195006789")  # patient B types their own ID
    assert session.step is Step.CONFIRM_IDENTITY
    assert session.data.identity is not None and session.data.identity.citizen_id == "031195006789"


def test_typed_id_keeps_birth_year_and_gender_and_proposes_age_priority(session):
    session.begin()
    session.accept_privacy("test-notice")  # the personal-data notice
    session.submit_id("001148004321")  # born 1948, female
    identity = session.data.identity
    assert identity is not None and identity.birth_year == 1948
    session.confirm_identity()
    assert "age_75_plus" in session.data.proposed_priorities


def test_a_bhyt_qr_on_the_card_key_screen_continues_without_the_chip(session, services):
    from kiosk.demo import _gateway_cards, bhyt_payload
    from kiosk.identity.classify import classify

    session.begin()
    session.accept_privacy("test-notice")  # the personal-data notice
    services.card_reader.insert("hoa-adult")  # type: ignore[union-attr]
    session.card_inserted()
    assert session.step is Step.CARD_KEY
    hoa = services.card_reader.people["hoa-adult"]  # type: ignore[union-attr]
    session.code_scanned(classify(bhyt_payload(hoa, _gateway_cards()[hoa["id"]])))
    assert session.step is Step.CONFIRM_IDENTITY
    assert session.data.identity is not None and session.data.identity.bhyt_card


def test_back_to_start_resets_extensions_and_language(session):
    session.begin("en")
    session.accept_privacy("test-notice")  # the personal-data notice
    for _ in range(session.config.idle.max_extensions):
        session.more_time()
    assert not session.can_extend()
    session.back()  # IDENTIFY -> START
    assert session.step is Step.START
    assert session.can_extend() and session.language == session.config.default_language


def test_a_language_chosen_at_start_is_reset_when_nobody_comes(services):
    now = [0.0]
    session = Session(services, run_inline, clock=lambda: now[0])
    session.last_activity = 0.0
    session.set_language("en")
    now[0] = session.config.idle.timeout_s + 1
    session.tick()
    assert session.language == session.config.default_language


def test_an_explicit_no_priority_is_kept(session):
    identify_with_card(session, "binh-over-75", "001148004321")
    session.confirm_identity()
    session.continue_after_insurance()
    session.choose_clinic("noi")
    assert session.data.priority == "age_75_plus"
    session.choose_priority(None)
    session.back()  # CONFIRM -> CHOOSE_PRIORITY
    session.back()  # -> CHOOSE_CLINIC
    session.choose_clinic("mat")
    assert session.data.priority is None


def test_a_closed_clinic_sends_the_patient_back_to_choose(demo_config):
    config = demo_config.model_copy(deep=True)
    config.catalog.demo_catalog = False
    from datetime import datetime

    from kiosk.queue.service import TZ

    today = datetime.now(TZ).isoweekday()
    config.clinics[0].open_weekdays = [d for d in range(1, 8) if d != today]  # closed today
    closed_services = build_services(config)
    try:
        session = Session(closed_services, run_inline)
        identify_with_card(session)
        session.confirm_identity()
        session.continue_after_insurance()
        session.choose_clinic(config.clinics[0].id)
        session.choose_priority(None)
        session.confirm()
        assert session.step is Step.CHOOSE_CLINIC
        assert session.data.message is not None and session.data.message.code == "ticket_refused"
        assert session.data.message.en  # the queue's own words, shown on the clinic screen
    finally:
        closed_services.close()


def test_a_step_that_never_ends_is_abandoned(services):
    runner = DeferredRunner()
    now = [0.0]
    session = Session(services, runner, clock=lambda: now[0])
    session.begin()
    session.accept_privacy("test-notice")  # the personal-data notice
    services.card_reader.insert("an-adult")  # type: ignore[union-attr]
    session.card_inserted()
    session.submit_id(AN_ID)
    assert session.step is Step.READING_CARD
    now[0] = session.config.idle.busy_limit_s - 1
    session.tick()
    assert session.step is Step.READING_CARD
    now[0] = session.config.idle.busy_limit_s + 1
    session.tick()
    assert session.step is Step.START and session.data.access_key is None


def test_print_again_after_paper_out(session, services):
    services.printer.set_paper_out(True)  # type: ignore[union-attr]
    identify_with_card(session)
    session.confirm_identity()
    session.continue_after_insurance()
    session.choose_clinic("noi")
    session.choose_priority(None)
    session.confirm()
    assert session.step is Step.TICKET and not session.printed
    services.printer.set_paper_out(False)  # type: ignore[union-attr]
    session.reprint()
    assert session.step is Step.TICKET and session.printed
    assert len(services.printer.printed) == 1  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("fault", "code"),
    [
        ("clone", "chip_clone"),
        ("forged-sod", "chip_not_signed"),
        ("no-sod", "chip_not_signed"),
        ("resigned-sod", "chip_not_trusted"),
        ("csca-signed-sod", "chip_not_trusted"),
        ("revoked-dsc", "chip_not_trusted"),
    ],
)
def test_a_chip_the_policy_refuses_goes_to_the_desk_with_its_reason(session, fault, code):
    session.begin("vi")
    session.accept_privacy("test-notice")  # the personal-data notice
    session.services.card_reader.insert("an-adult", faults=[fault])  # type: ignore[attr-defined]
    session.card_inserted()
    session.submit_id(AN_ID)
    assert session.step is Step.IDENTIFY
    assert session.data.identity is None  # nothing of the chip is used
    assert session.data.message is not None and session.data.message.code == code
    assert "quầy tiếp đón" in session.data.message.vi


def test_wipe_forgets_the_patient_in_the_log_masking(session):
    from kiosk.logging_setup import clear_sensitive, mask

    clear_sensitive()
    identify_with_card(session)
    assert session.data.identity is not None
    line = f"seen {session.data.identity.full_name} at the kiosk"
    assert mask(line) != line  # masked while the patient is at the kiosk
    session.cancel()
    assert mask(line) == line  # the masking list held their name: forgotten with the rest
