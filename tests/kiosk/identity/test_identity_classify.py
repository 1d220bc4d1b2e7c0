"""classify(): the order of checks, outcomes, messages, and never an exception."""

from __future__ import annotations

import random
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.identity.classify import MESSAGES, ScanResult, classify
from kiosk.identity.samples import bhyt_payload, cccd_payload, load_demo_people, random_payloads
from kiosk.models import IdentitySource

PATTERN = r"^LH[0-9]{8}$"
TODAY = date(2025, 6, 1)
CCCD = "001090123456|012345678|Nguyễn Văn An|01011990|Nam|Số 12 Ngõ 34 Phố Huế, Hà Nội|15042021"
KINDS = {"cccd", "bhyt", "appointment", "unknown", "unreadable", "invalid"}


def test_cccd_from_bytes():
    result = classify(CCCD.encode("utf-8"), PATTERN, TODAY)
    assert result.kind == "cccd" and result.ok and result.error is None
    assert result.identity is not None and result.identity.source is IdentitySource.CCCD_QR
    assert result.access_key is not None and result.access_key.can == "123456"
    assert result.fields["full_name"] == "Nguyễn Văn An"
    assert "Nguyễn" not in repr(result)


def test_bhyt():
    person = load_demo_people()[2]
    result = classify(bhyt_payload(person, random.Random(3)), PATTERN, TODAY)
    assert result.kind == "bhyt" and result.identity is not None
    assert result.identity.source is IdentitySource.BHYT_QR and result.identity.bhyt_card
    assert result.identity.full_name == person.full_name and result.access_key is None


def test_appointment_unknown_and_pattern_from_config():
    assert classify("LH20250601", PATTERN).appointment_code == "LH20250601"
    assert classify("LH20250601").kind == "unknown"  # no pattern configured
    assert classify("https://example.com/x", PATTERN).kind == "unknown"
    assert classify("123456789012", PATTERN).kind == "unknown"  # a bare number is not a CCCD QR


@pytest.mark.parametrize(
    ("data", "kind", "error"),
    [
        (b"\xff\xfe\x00", "unreadable", "not_utf8"),
        (b"\xed\xa0\x80", "unreadable", "not_utf8"),  # an encoded surrogate
        ("\ud800abc", "unreadable", "not_utf8"),
        (b"", "unreadable", "empty"),
        ("  \r\n", "unreadable", "empty"),
        ("x" * 5000, "unknown", "too_long"),
        (CCCD.replace("01011990", "01011991"), "invalid", "id_birth_mismatch"),
        (CCCD.replace("|Nam|", "|Nữ|"), "invalid", "id_gender_mismatch"),
        (CCCD.replace("01011990", "30021990"), "invalid", "bad_date"),
        ("001090123456|012345678|Nguyễn Văn An", "invalid", "too_few_fields"),
        (
            "00109012345|012345678|Nguyễn Văn An|01011990|Nam|x|15042021",
            "invalid",
            "bad_citizen_id",
        ),
        ("DN6010120123456|4e|1990|1|$", "invalid", "bad_benefit_level"),
        ("XX|4e|1990|1|$", "invalid", "bad_card_number"),
        ("DN4010120123456|4e|$", "invalid", "too_few_fields"),
    ],
)
def test_refused_codes_have_their_own_message(data, kind, error):
    result = classify(data, PATTERN, TODAY)
    assert (result.kind, result.error) == (kind, error)
    assert result.identity is None and not result.ok
    assert error in MESSAGES
    vi, en = result.message("vi"), result.message("en")
    assert vi == MESSAGES[error][0] and en == MESSAGES[error][1] and vi != en


def test_every_message_exists_in_both_languages():
    for key, (vi, en) in MESSAGES.items():
        assert vi.strip() and en.strip() and vi != en, key
    for kind in KINDS:
        assert ScanResult(kind=kind).message("vi") == MESSAGES[kind][0]  # type: ignore[arg-type]
        assert ScanResult(kind=kind).message("fr") == MESSAGES[kind][1]  # type: ignore[arg-type]


def test_generated_samples_all_classify_valid():
    for payload in random_payloads(200, seed=11):
        result = classify(payload, PATTERN)
        assert result.kind in ("cccd", "bhyt"), result
    for person in load_demo_people():
        assert classify(cccd_payload(person), PATTERN).kind == "cccd"


def _check(result: ScanResult) -> None:
    assert isinstance(result, ScanResult) and result.kind in KINDS
    assert result.message("vi") and result.message("en")
    if result.kind in ("cccd", "bhyt"):
        assert result.identity is not None and result.error is None
    if result.kind in ("invalid", "unreadable"):
        assert result.error and result.identity is None


@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=600))
def test_arbitrary_bytes_never_raise(data):
    _check(classify(data, PATTERN))


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=600))
def test_arbitrary_text_never_raises(text):
    _check(classify(text, PATTERN))


_FIELD = st.one_of(
    st.text(max_size=20),
    st.from_regex(r"\A[0-9]{8,13}\Z"),
    st.sampled_from(
        ["Nam", "Nữ", "1", "2", "$", "", "-", "01/01/1990", "29/02/2001", "4e677579e1bb856e"]
    ),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_FIELD, min_size=1, max_size=16), st.booleans())
def test_structured_near_misses_never_raise(fields, dollar):
    text = "|".join(fields) + ("|$" if dollar else "")
    _check(classify(text, PATTERN))
    _check(classify(text.encode("utf-8"), PATTERN))


def test_a_byte_order_mark_before_the_payload_is_ignored():
    # Some scanners in keyboard mode and files saved by Windows Notepad start with a BOM.
    for data in ("\ufeff" + CCCD, b"\xef\xbb\xbf" + CCCD.encode("utf-8")):
        result = classify(data, PATTERN, TODAY)
        assert result.kind == "cccd" and result.error is None
        assert result.identity is not None and result.identity.citizen_id == "001090123456"
    assert classify("\ufeffLH20250601", PATTERN).appointment_code == "LH20250601"
    assert classify("\ufeff", PATTERN).error == "empty"
