"""Hospital booking/appointment codes: the pattern is the hospital's own (configuration)."""

from __future__ import annotations

import functools
import logging
import re

log = logging.getLogger(__name__)

MAX_LENGTH = 64  # a booking code is short; anything longer is something else


@functools.lru_cache(maxsize=8)
def _compiled(pattern: str) -> re.Pattern[str] | None:
    try:
        return re.compile(pattern)
    except re.error as exc:
        log.warning("appointment_pattern is not a valid regular expression: %s", exc)
        return None


def match_appointment(text: str, pattern: str | None) -> str | None:
    """The booking code when the whole (trimmed) text matches the pattern, else None."""
    if not pattern:
        return None
    code = text.strip()
    if not code or len(code) > MAX_LENGTH:
        return None
    regex = _compiled(pattern)
    if regex is None:
        return None
    return code if regex.fullmatch(code) else None
