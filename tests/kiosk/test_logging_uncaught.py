"""Uncaught exceptions (in bare threads, in Qt slots) go through the masked log too."""

from __future__ import annotations

import threading

from kiosk.logging_setup import register_sensitive, setup_logging, teardown_logging


def test_an_exception_escaping_a_thread_is_logged_masked(tmp_path):
    setup = setup_logging(tmp_path / "logs", console=False, faults=False)
    try:
        register_sensitive("Nguyễn Văn An")

        def boom() -> None:
            raise RuntimeError("no answer for 001090123456 Nguyễn Văn An")

        thread = threading.Thread(target=boom, name="worker-x")
        thread.start()
        thread.join()
    finally:
        teardown_logging()
    text = setup.log_file.read_text(encoding="utf-8")
    assert "uncaught RuntimeError in thread worker-x" in text
    assert "001090123456" not in text and "Nguyễn Văn An" not in text
