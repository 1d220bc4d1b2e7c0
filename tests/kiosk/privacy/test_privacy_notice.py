"""The notice as versioned data, and the session's consent step: nothing is read before the
answer, a refusal still gives a plain ticket without card, gateway or registration, and only
the notice version and the answer are recorded."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from kiosk.bootstrap import Services, build_services
from kiosk.config import KioskConfig
from kiosk.demo import cccd_payload
from kiosk.identity.classify import classify
from kiosk.privacy import notice, store
from kiosk.session import Session, Step, run_inline

AN_ID = "001090123456"


def test_the_shipped_notice_renders_in_both_languages_with_every_item(demo_config):
    loaded = notice.load(demo_config)
    for language in ("vi", "en"):
        shown = notice.render(loaded, demo_config, language)
        text = " ".join([shown.title, shown.question, *(h + t for h, t in shown.sections)])
        assert not any(p in text for p in notice.PLACEHOLDERS)
        assert demo_config.hospital.name(language) in text  # who: the controller
        assert len(shown.sections) == 5
    vi = notice.render(loaded, demo_config, "vi")
    assert vi.accept == "Tôi đồng ý" and "hết ngày hôm nay" in vi.sections[3][1]


def test_notice_mode_and_the_hospital_values(demo_config):
    config = demo_config.model_copy(deep=True)
    config.privacy.notice_mode = "notice"
    config.privacy.controller_en = "Bach Mai Hospital, IT department"
    config.queue.registration_retention_h = 12
    shown = notice.render(notice.load(config), config, "en")
    assert shown.accept == "Continue" and "law" in shown.question  # the basis, not a question
    assert shown.sections[2][1].startswith("Bach Mai Hospital, IT department.")
    assert "for 12 hours" in shown.sections[3][1]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("question_vi"), "question_vi"),
        (lambda d: d["sections"].pop(), "sections"),
        (lambda d: d.update(version="has space"), "version"),
        (lambda d: d["sections"][0].update(id="rights"), "once each"),
    ],
)
def test_a_broken_notice_file_is_refused_with_its_reason(demo_config, tmp_path, change, message):
    data = json.loads(notice.ASSET_PATH.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "notice.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    config = demo_config.model_copy(deep=True)
    config.privacy.notice_file = str(path)
    with pytest.raises(notice.NoticeError, match=message):
        notice.load(config)


class Counting:
    """Counts what the session asks of the devices and the gateway."""

    def __init__(self, services: Services) -> None:
        self.reads = 0
        self.checks = 0
        real_read, real_check = services.read_card, services.check_insurance

        def read(key):  # type: ignore[no-untyped-def]
            self.reads += 1
            return real_read(key)

        def check(identity):  # type: ignore[no-untyped-def]
            self.checks += 1
            return real_check(identity)

        services.read_card = read  # type: ignore[method-assign]
        services.check_insurance = check  # type: ignore[method-assign]


@pytest.fixture
def services(demo_config: KioskConfig) -> Iterator[Services]:
    config = demo_config.model_copy(deep=True)
    config.catalog.demo_catalog = False
    built = build_services(config)
    yield built
    built.close()


def _answers(services: Services) -> list[tuple[str, str, str]]:
    with services.queue.engine.connect() as conn:
        rows = conn.execute(
            select(store.consents.c.notice_version, store.consents.c.mode, store.consents.c.answer)
        ).all()
    return [tuple(r) for r in rows]


def test_a_card_placed_before_the_answer_is_not_read_until_the_patient_agrees(services):
    count = Counting(services)
    session = Session(services, run_inline)
    services.card_reader.insert("an-adult")  # type: ignore[union-attr]
    session.card_inserted()  # on the start screen
    assert session.step is Step.CONSENT and count.reads == 0
    session.accept_privacy("v-test")
    assert session.step is Step.CARD_KEY  # the card on the reader is used now
    session.submit_id(AN_ID)
    assert session.step is Step.CONFIRM_IDENTITY and count.reads == 1
    assert _answers(services) == [("v-test", "consent", "accepted")]
    columns = set(store.consents.c.keys())
    assert columns == {"id", "day", "kiosk_id", "notice_version", "mode", "answer"}  # no person


def test_a_qr_shown_before_the_answer_is_used_only_if_the_patient_agrees(services):
    session = Session(services, run_inline)
    an = services.card_reader.people["an-adult"]  # type: ignore[union-attr]
    session.code_scanned(classify(cccd_payload(an)))
    assert session.step is Step.CONSENT and session.data.identity is None
    session.accept_privacy("v")
    assert session.step is Step.CONFIRM_IDENTITY and session.data.identity is not None
    session.wipe()
    session.code_scanned(classify(cccd_payload(an)))
    session.refuse_privacy("v")
    assert session.step is Step.CHOOSE_CLINIC
    assert session.data.identity is None and session.data.pending_scan is None


def test_a_refusal_gives_a_plain_ticket_without_card_gateway_or_registration(services):
    count = Counting(services)
    session = Session(services, run_inline)
    session.begin("vi")
    services.card_reader.insert("an-adult")  # type: ignore[union-attr]
    session.card_inserted()  # the card waits: not read
    session.refuse_privacy("v-test")
    assert session.step is Step.CHOOSE_CLINIC
    session.card_inserted()  # placed again meanwhile: still not read
    session.choose_clinic("noi")
    session.choose_priority(None)
    session.confirm()
    assert session.step is Step.TICKET
    ticket = session.data.ticket
    assert ticket is not None and count.reads == 0 and count.checks == 0
    assert services.queue.registration(ticket.id) is None  # nothing about the person kept
    assert session.data.identity is None and session.data.eligibility is None
    assert _answers(services) == [("v-test", "consent", "refused")]


def test_back_from_the_plain_ticket_asks_the_notice_again(services):
    session = Session(services, run_inline)
    session.begin()
    session.refuse_privacy("v")
    session.back()
    assert session.step is Step.CONSENT and not session.identifying
    session.accept_privacy("v")
    assert session.step is Step.IDENTIFY
    session.back()
    assert session.step is Step.START and session.data.consent is None  # the next patient asks


def test_notice_mode_records_acknowledged(services):
    services.config.privacy.notice_mode = "notice"
    session = Session(services, run_inline)
    session.begin()
    session.accept_privacy("v")
    assert session.step is Step.IDENTIFY and session.identifying
    session.wipe()
    session.begin()
    session.refuse_privacy("v")
    assert _answers(services) == [("v", "notice", "acknowledged"), ("v", "notice", "plain")]


def test_a_failed_recording_does_not_stop_the_patient(services, caplog):
    def broken(*_args):  # type: ignore[no-untyped-def]
        raise OSError("disk full")

    services.record_consent = broken  # type: ignore[method-assign]
    session = Session(services, run_inline)
    session.begin()
    session.accept_privacy("v")
    assert session.step is Step.IDENTIFY
    assert "notice answer not recorded: OSError" in caplog.text


def test_the_shipped_asset_is_the_default(demo_config):
    assert notice.path_for(demo_config) == notice.ASSET_PATH
    assert Path(notice.ASSET_PATH).is_file()
