"""Speech guidance through espeak-ng, for patients who cannot read the screen.

`Speaker.say(text, language)` starts ``espeak-ng -v vi|en`` in a subprocess and returns at
once; a new utterance stops the one still playing. `repeat()` says the last text again. The
volume (0-100) maps to espeak-ng's amplitude (0-200). When espeak-ng is missing or fails to
start, the kiosk keeps working silently: the problem is logged once and `available()` is False.
Abbreviations, ticket numbers and amounts are said in words (kiosk.pronounce). No method raises.
"""

from __future__ import annotations

import contextlib
import logging
import shutil
import subprocess
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.pronounce import spoken

if TYPE_CHECKING:
    from kiosk.config import KioskConfig

log = logging.getLogger(__name__)

VOICES = {"vi": "vi", "en": "en"}


def amplitude(volume: int) -> int:
    """espeak-ng amplitude (0-200, default 100) for a volume of 0-100."""
    return max(0, min(100, int(volume))) * 2


class Speaker:
    def __init__(
        self, enabled: bool = True, volume: int = 80, *, command: str = "espeak-ng", rate: int = 150
    ) -> None:
        self.enabled = enabled
        self.volume = max(0, min(100, int(volume)))
        self.rate = rate
        self._command = command
        self._exe: str | None = shutil.which(command)
        self._warned = False
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None
        self._stopped: list[subprocess.Popen[bytes]] = []
        self._last: tuple[str, str] | None = None

    @classmethod
    def from_config(cls, config: KioskConfig) -> Speaker:
        acc = config.accessibility
        return cls(
            acc.speech,
            acc.speech_volume,
            command=acc.espeak_command,
            rate=acc.speech_rate,
        )

    def available(self) -> bool:
        """True when espeak-ng can be run."""
        return self._exe is not None

    def set_volume(self, volume: int) -> None:
        self.volume = max(0, min(100, int(volume)))

    def set_enabled(self, enabled: bool) -> None:
        self.enabled = enabled
        if not enabled:
            self.stop()

    def _args(self, text: str, language: str) -> list[str]:
        voice = VOICES.get(language, "vi")
        # A text starting with '-' would be read as an option: a leading space is harmless.
        body = " " + text if text.startswith("-") else text
        return [
            self._exe or self._command,
            "-v",
            voice,
            "-a",
            str(amplitude(self.volume)),
            "-s",
            str(self.rate),
            body,
        ]

    def say(self, text: str, language: str = "vi") -> bool:
        """Starts speaking `text`; stops what was playing. False if nothing was started."""
        text = " ".join(text.split())
        if not text:
            return False
        self._last = (text, language)
        if not self.enabled or self.volume == 0:
            return False
        if self._exe is None:
            self._warn(f"{self._command} not found: speech is off")
            return False
        with self._lock:
            self._stop_locked()
            try:
                self._proc = subprocess.Popen(
                    self._args(spoken(text, language), language),
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    start_new_session=True,
                )
            except OSError as exc:
                self._warn(f"cannot start {self._command}: {exc}")
                self._proc = None
                return False
        return True

    def repeat(self) -> bool:
        """Says the last text again (the 'repeat' button)."""
        if self._last is None:
            return False
        return self.say(*self._last)

    def speaking(self) -> bool:
        with self._lock:
            return self._proc is not None and self._proc.poll() is None

    def stop(self) -> None:
        with self._lock:
            self._stop_locked()

    def _stop_locked(self) -> None:
        # Reap what finished earlier; never wait on the caller's thread.
        self._stopped = [p for p in self._stopped if p.poll() is None]
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            with contextlib.suppress(OSError):
                proc.kill()
            self._stopped.append(proc)

    def close(self) -> None:
        self.stop()
        for proc in self._stopped:
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=1)
        self._stopped = []

    def forget(self) -> None:
        """Drops the last text (patient data may be in it) at the end of a session."""
        self._last = None

    def synthesize_to_file(
        self, text: str, language: str, path: Path, timeout_s: float = 20
    ) -> bool:
        """Writes the utterance to a WAV file (blocking; for tests and IT checks)."""
        if self._exe is None:
            self._warn(f"{self._command} not found: speech is off")
            return False
        args = self._args(" ".join(text.split()), language)
        args[1:1] = ["-w", str(path)]
        try:
            result = subprocess.run(args, capture_output=True, timeout=timeout_s, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            log.warning("espeak-ng failed: %s", exc)
            return False
        if result.returncode != 0:
            log.warning("espeak-ng exited with %d", result.returncode)
            return False
        return True

    def _warn(self, message: str) -> None:
        if not self._warned:
            self._warned = True
            log.warning(message)
