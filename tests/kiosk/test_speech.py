"""Speech through espeak-ng: audio for both languages, non-blocking, stop, missing program."""

from __future__ import annotations

import logging
import shutil
import time
import wave
from pathlib import Path

import pytest

from kiosk.speech import Speaker, amplitude

needs_espeak = pytest.mark.skipif(
    shutil.which("espeak-ng") is None, reason="espeak-ng not installed"
)


def _audio_seconds(path: Path) -> tuple[float, int]:
    with wave.open(str(path), "rb") as w:
        frames = w.readframes(w.getnframes())
        seconds = w.getnframes() / w.getframerate()
    loud = max(
        abs(int.from_bytes(frames[i : i + 2], "little", signed=True))
        for i in range(0, len(frames), 2)
    )
    return seconds, loud


@needs_espeak
@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("vi", "Xin mời quý khách đặt thẻ căn cước lên đầu đọc"),
        ("en", "Please place your citizen ID card on the reader"),
    ],
)
def test_speaks_both_languages_to_wav(tmp_path: Path, language: str, text: str) -> None:
    speaker = Speaker(True, 80)
    assert speaker.available()
    out = tmp_path / f"{language}.wav"
    assert speaker.synthesize_to_file(text, language, out)
    seconds, loud = _audio_seconds(out)
    assert seconds > 1.0  # a sentence, not a click
    assert loud > 1000  # real sound, not silence


@needs_espeak
def test_volume_changes_amplitude(tmp_path: Path) -> None:
    speaker = Speaker(True, 100)
    speaker.synthesize_to_file("một hai ba", "vi", tmp_path / "loud.wav")
    speaker.set_volume(20)
    speaker.synthesize_to_file("một hai ba", "vi", tmp_path / "soft.wav")
    assert _audio_seconds(tmp_path / "soft.wav")[1] < _audio_seconds(tmp_path / "loud.wav")[1]
    assert amplitude(100) == 200 and amplitude(0) == 0 and amplitude(150) == 200


def _fake_espeak(tmp_path: Path) -> Path:
    """A stand-in 'espeak-ng' that records its arguments and then plays for 30 s."""
    script = tmp_path / "fake-espeak"
    script.write_text(
        f'#!/bin/sh\necho "$@" >> {tmp_path}/calls\nexec sleep 30\n', encoding="utf-8"
    )
    script.chmod(0o755)
    return script


def _wait_calls(tmp_path: Path, n: int) -> list[str]:
    deadline = time.time() + 5
    calls: list[str] = []
    while time.time() < deadline and len(calls) < n:
        time.sleep(0.02)
        if (tmp_path / "calls").exists():
            calls = (tmp_path / "calls").read_text(encoding="utf-8").splitlines()
    return calls


def test_say_does_not_block_and_new_utterance_stops_the_old(tmp_path: Path) -> None:
    speaker = Speaker(True, 50, command=str(_fake_espeak(tmp_path)))
    t0 = time.perf_counter()
    assert speaker.say("Xin chào", "vi")
    assert time.perf_counter() - t0 < 0.5  # the 30-second "utterance" does not block
    first = speaker._proc
    assert _wait_calls(tmp_path, 1) == ["-v vi -a 100 -s 150 Xin chào"]
    assert speaker.say("Hello", "en")
    assert first is not None and first.wait(timeout=5) != 0  # the old one was killed
    assert speaker.speaking()
    assert _wait_calls(tmp_path, 2)[1] == "-v en -a 100 -s 150 Hello"
    assert speaker.repeat()
    assert _wait_calls(tmp_path, 3)[2] == "-v en -a 100 -s 150 Hello"
    speaker.close()
    assert not speaker.speaking()


def test_disabled_or_silent_speaks_nothing(tmp_path: Path) -> None:
    speaker = Speaker(False, 50, command=str(_fake_espeak(tmp_path)))
    assert not speaker.say("Xin chào")
    speaker.set_enabled(True)
    speaker.set_volume(0)
    assert not speaker.say("Xin chào")
    assert not (tmp_path / "calls").exists()


def test_missing_espeak_never_raises_and_logs_once(
    caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    speaker = Speaker(True, 80, command="no-such-espeak-ng-binary")
    assert not speaker.available()
    with caplog.at_level(logging.WARNING, logger="kiosk.speech"):
        assert not speaker.say("Xin chào", "vi")
        assert not speaker.say("Hello", "en")
        assert not speaker.repeat()
        assert not speaker.synthesize_to_file("Hello", "en", tmp_path / "x.wav")
    assert len([r for r in caplog.records if r.name == "kiosk.speech"]) == 1
    speaker.close()
