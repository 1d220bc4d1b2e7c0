"""Booking codes follow the hospital's configured pattern."""

from __future__ import annotations

import pytest

from kiosk.config import HospitalConfig
from kiosk.identity.appointment import match_appointment

PATTERN = HospitalConfig.model_fields["appointment_pattern"].default


@pytest.mark.parametrize(
    ("text", "code"), [("LH12345678", "LH12345678"), (" LH12345678\r\n", "LH12345678")]
)
def test_matches_whole_code(text, code):
    assert match_appointment(text, PATTERN) == code


@pytest.mark.parametrize(
    "text", ["LH1234567", "LH123456789", "xLH12345678", "lh12345678", "", "LH12345678\nLH1"]
)
def test_no_match(text):
    assert match_appointment(text, PATTERN) is None


def test_other_hospital_pattern_and_bad_or_missing_pattern():
    assert match_appointment("BV-2025-000123", r"BV-\d{4}-\d{6}") == "BV-2025-000123"
    assert match_appointment("LH12345678", None) is None
    assert match_appointment("LH12345678", "(unclosed") is None
    assert match_appointment("A" * 100, r"A+") is None  # too long to be a booking code
