"""The simulated ticket printer: builds the real ESC/POS bytes (python-escpos's Dummy), runs them
through the ESC/POS interpreter and writes what a printer would have printed as
`<output_dir>/<YYYYmmdd-HHMMSS>-<n>.png`, with the raw bytes beside it as `.bin`.

Switches for testers: paper out, paper near end, cover open, offline (no answer at all), a
print delay (to exercise the kiosk's print timeout), and "no confirmation" (the job is taken
but the printer never confirms it came out, as a frozen or buffering printer does). Status is read the way the real backend
reads it: by answering DLE EOT requests.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from hardware.printer.base import PaperOut, PaperState, PrinterOffline, PrintUnconfirmed
from hardware.printer.escpos_interpreter import EscPosInterpreter, Interpretation
from hardware.printer.escpos_job import StatusPrinter, build_job
from hardware.printer.status_bytes import PrinterCondition

KEEP_RECORDS = 50  # each record holds the page images; older tickets are only on disk


@dataclass(frozen=True)
class PrintRecord:
    png: Path
    bin: Path
    raw: bytes
    qr_payload: str | None
    interpretation: Interpretation


class SimulatedPrinter(StatusPrinter):
    name = "simulated printer"

    def __init__(
        self,
        output_dir: Path,
        width_px: int = 576,
        qr_mode: str = "native",
        delay_s: float = 0.0,
    ) -> None:
        self.output_dir = Path(output_dir)
        self.width_px = width_px
        self.qr_mode = qr_mode
        self.delay_s = delay_s
        # the most recent tickets only: a demo kiosk prints all day (the files stay on disk)
        self.printed: deque[PrintRecord] = deque(maxlen=KEEP_RECORDS)
        self._paper_out = False
        self._near_end = False
        self._offline = False
        self._cover_open = False
        self._no_confirm = False
        self._lock = threading.Lock()

    # -- tester switches ------------------------------------------------------------------

    def set_paper_out(self, value: bool) -> None:
        self._paper_out = value

    def set_near_end(self, value: bool) -> None:
        self._near_end = value

    def set_offline(self, value: bool) -> None:
        self._offline = value

    def set_cover_open(self, value: bool) -> None:
        self._cover_open = value

    def set_no_confirm(self, value: bool) -> None:
        self._no_confirm = value

    def set_delay(self, seconds: float) -> None:
        self.delay_s = seconds

    # -- the printer ----------------------------------------------------------------------

    def _state(self) -> PrinterCondition:
        paper = (
            PaperState.OUT
            if self._paper_out
            else PaperState.NEAR_END
            if self._near_end
            else PaperState.OK
        )
        return PrinterCondition(
            online=not (self._paper_out or self._cover_open),
            cover_open=self._cover_open,
            paper=paper,
            error=False,
        )

    def query(self, n: int) -> int | None:
        if self._offline:
            raise PrinterOffline("simulated printer: no answer (offline)")
        return self._state().reply(n)

    def print_ticket(self, image: Image.Image, qr_payload: str | None = None) -> None:
        with self._lock:
            self.check()
            data = build_job(image, qr_payload, self.width_px, self.qr_mode)
            if self.delay_s:
                time.sleep(self.delay_s)
            if self._offline:  # went away while printing
                raise PrinterOffline("simulated printer: connection lost")
            if self._paper_out:
                raise PaperOut("paper out")
            if self._no_confirm:
                raise PrintUnconfirmed("simulated printer: job taken, never confirmed")
            interp = EscPosInterpreter(self.width_px)
            interp.feed(data)
            result = interp.finish()
            self.output_dir.mkdir(parents=True, exist_ok=True)
            stamp = time.strftime("%Y%m%d-%H%M%S")
            n = 1
            while (self.output_dir / f"{stamp}-{n}.png").exists():
                n += 1
            png = self.output_dir / f"{stamp}-{n}.png"
            raw = self.output_dir / f"{stamp}-{n}.bin"
            raw.write_bytes(data)
            result.page_image().save(png)
            self.printed.append(PrintRecord(png, raw, data, qr_payload, result))

    @property
    def last(self) -> PrintRecord | None:
        return self.printed[-1] if self.printed else None
