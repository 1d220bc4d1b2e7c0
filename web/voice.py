"""Vietnamese call announcements: a chime, then "Mời số N-ƯT001 đến quầy số 3", as one WAV.

espeak-ng (Debian package) renders the words on the server; the chime is two sine tones made
here (no library does a two-note chime smaller than these lines). WAVs are cached by text.
"""

from __future__ import annotations

import hashlib
import io
import math
import shutil
import struct
import subprocess
import threading
import wave
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from kiosk.pronounce import ticket_words

RATE = 22050  # espeak-ng's output rate


def display_text(number: str, counter: str) -> str:
    return f"Mời số {number} đến quầy số {counter}"


def spoken_text(number: str, counter: str) -> str:
    """Words espeak reads well: 'N-ƯT001' -> 'N, ưu tiên, số 1' (kiosk.pronounce)."""
    return f"Mời số {ticket_words(number)}, đến quầy số {counter}"


def chime() -> bytes:
    frames = bytearray()
    for freq, dur in ((880.0, 0.35), (660.0, 0.55)):
        n = int(RATE * dur)
        for i in range(n):
            env = math.exp(-4.0 * i / n)
            frames += struct.pack("<h", int(12000 * env * math.sin(2 * math.pi * freq * i / RATE)))
    frames += b"\0\0" * int(RATE * 0.25)
    return bytes(frames)


class Voice:
    def __init__(self, cache_dir: Path, voice: str = "vi") -> None:
        self.cache_dir = cache_dir
        self.voice = voice
        self.espeak = shutil.which("espeak-ng")
        self._lock = threading.Lock()
        self._texts: dict[str, str] = {}
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="espeak")
        cache_dir.mkdir(parents=True, exist_ok=True)

    def register(self, text: str) -> str:
        """The key of `text`'s WAV at once; rendering happens on a worker thread (a board
        asking before it is done waits in `wav`)."""
        key = self.key(text)
        if key not in self._texts:
            self._texts[key] = text
            if not self.path(key).exists():
                self._pool.submit(self.render, text)
        return key

    def wav(self, key: str) -> Path | None:
        """The WAV of a registered key, rendered now if the worker has not yet."""
        if self.path(key).exists():
            return self.path(key)
        text = self._texts.get(key)
        if text is None:
            return None
        self.render(text)
        return self.path(key)

    def key(self, text: str) -> str:
        return hashlib.sha256(f"{self.voice}|{text}".encode()).hexdigest()[:24]

    def path(self, key: str) -> Path:
        return self.cache_dir / f"{key}.wav"

    def render(self, text: str) -> str:
        """Renders (or finds) the WAV for `text`; returns its key. Without espeak-ng: chime only."""
        key = self.key(text)
        target = self.path(key)
        with self._lock:
            if target.exists():
                return key
            self._render(text, key, target)
        return key

    def _render(self, text: str, key: str, target: Path) -> None:
        speech = b""
        if self.espeak:
            spoken = self.cache_dir / f"{key}.speech.wav"
            out = subprocess.run(
                [self.espeak, "-v", self.voice, "-s", "140", "-w", str(spoken), text],
                capture_output=True,
                timeout=20,
                check=False,
            )
            if out.returncode == 0 and spoken.exists():
                with wave.open(str(spoken)) as w:
                    speech = w.readframes(w.getnframes())
                spoken.unlink()
        buf = io.BytesIO()
        with wave.open(buf, "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(RATE)
            w.writeframes(chime() + speech)
        tmp = target.with_suffix(".tmp")
        tmp.write_bytes(buf.getvalue())
        tmp.replace(target)
