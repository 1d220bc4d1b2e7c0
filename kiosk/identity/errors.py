"""The one error type of the code parsers: a stable code the classifier turns into a message."""

from __future__ import annotations


class ParseError(ValueError):
    """A scanned code is recognised but its content is not acceptable.

    `code` is stable (e.g. "bad_date", "id_birth_mismatch") and maps to one patient message
    in kiosk.identity.classify; the text is for developers and never holds patient data.
    """

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(detail or code)
        self.code = code
