"""Simulated printer, the python-escpos backend against a real TCP printer on 127.0.0.1 and a
device file, the status bytes, and the factory."""

from __future__ import annotations

import os
import pty
import select
import threading
import time
import tty
from collections.abc import Iterator
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image, ImageDraw

from hardware.printer.base import (
    CoverOpen,
    PaperOut,
    PaperState,
    PrinterOffline,
    PrintUnconfirmed,
)
from hardware.printer.config import PrinterConfig
from hardware.printer.escpos_interpreter import EscPosInterpreter, Interpretation
from hardware.printer.escpos_job import build_job
from hardware.printer.escpos_printer import ConnectionSpecError, EscposPrinter, parse_connection
from hardware.printer.factory import build_printer
from hardware.printer.netsim import NetworkPrinterSimulator
from hardware.printer.simulated import SimulatedPrinter
from hardware.printer.status_bytes import (
    PrinterCondition,
    completion_reply,
    decode,
    is_reply,
)


def _ticket_image(width: int = 576) -> Image.Image:
    img = Image.new("1", (width, 140), 1)
    ImageDraw.Draw(img).rectangle([20, 20, width - 20, 60], fill=0)
    return img


@pytest.fixture
def net_printer(tmp_path: Path) -> Iterator[NetworkPrinterSimulator]:
    with NetworkPrinterSimulator(output_dir=tmp_path / "net") as fake:
        yield fake


def test_status_bytes_round_trip() -> None:
    for cond in [
        PrinterCondition(True, False, PaperState.OK, False),
        PrinterCondition(True, False, PaperState.NEAR_END, False),
        PrinterCondition(False, False, PaperState.OUT, False),
        PrinterCondition(False, True, PaperState.OK, False),
    ]:
        replies = [cond.reply(n) for n in (1, 2, 4)]
        assert all(is_reply(b) for b in replies)
        assert decode(*replies) == cond
    assert PrinterCondition(True, False, PaperState.OK, False).reply(1) == 0x12


def test_simulated_printer_writes_png_and_bytes(tmp_path: Path) -> None:
    printer = SimulatedPrinter(tmp_path / "out")
    printer.print_ticket(_ticket_image(), qr_payload="7f1c-ticket")
    [record] = printer.printed
    assert record.png.exists() and record.bin.read_bytes() == record.raw
    assert record.png.name.endswith("-1.png") and record.bin.suffix == ".bin"
    assert record.raw == build_job(_ticket_image(), "7f1c-ticket", 576)
    png = Image.open(record.png)
    assert png.width == 576
    assert [r.text for r in zxingcpp.read_barcodes(png)] == ["7f1c-ticket"]
    assert record.interpretation.cuts == 1
    assert printer.status().ok and printer.paper() is PaperState.OK


def test_simulated_printer_faults(tmp_path: Path) -> None:
    printer = SimulatedPrinter(tmp_path)
    printer.set_near_end(True)
    assert printer.paper() is PaperState.NEAR_END
    status = printer.status()
    assert status.ok and "near end" in status.summary
    printer.print_ticket(_ticket_image())  # near end still prints
    printer.set_paper_out(True)
    assert printer.paper() is PaperState.OUT
    assert not printer.status().ok and "paper" in printer.status().fix
    with pytest.raises(PaperOut):
        printer.print_ticket(_ticket_image())
    printer.set_paper_out(False)
    printer.set_cover_open(True)
    with pytest.raises(CoverOpen):
        printer.print_ticket(_ticket_image())
    printer.set_cover_open(False)
    printer.set_offline(True)
    with pytest.raises(PrinterOffline):
        printer.print_ticket(_ticket_image())
    assert printer.paper() is PaperState.UNKNOWN
    assert not printer.status().ok and "offline" in printer.status().summary
    printer.set_offline(False)
    printer.print_ticket(_ticket_image())
    assert len(printer.printed) == 2


def test_escpos_network_printer_prints_and_reads_status(
    net_printer: NetworkPrinterSimulator,
) -> None:
    printer = EscposPrinter(f"network:127.0.0.1:{net_printer.port}", status_timeout_s=1.0)
    try:
        assert printer.paper() is PaperState.OK
        assert printer.status().ok
        printer.print_ticket(_ticket_image(), qr_payload="net-ticket-1")
        net_printer.condition = PrinterCondition(True, False, PaperState.NEAR_END, False)
        assert printer.paper() is PaperState.NEAR_END
        net_printer.condition = PrinterCondition(False, False, PaperState.OUT, False)
        with pytest.raises(PaperOut):
            printer.print_ticket(_ticket_image(), qr_payload="never")
        net_printer.condition = PrinterCondition(False, True, PaperState.OK, False)
        with pytest.raises(CoverOpen):
            printer.check()
        assert "cover open" in printer.status().summary
        net_printer.silent = True  # a printer that never answers status: unknown, not offline
        assert printer.paper() is PaperState.UNKNOWN
    finally:
        printer.close()
    for _ in range(50):
        if net_printer.jobs:
            break
        threading.Event().wait(0.05)
    job_bytes = build_job(_ticket_image(), "net-ticket-1", 576)
    assert job_bytes in bytes(net_printer.received)
    [page] = [p for p in net_printer.pages if p.height > 200]
    assert net_printer.png_files and net_printer.png_files[0].exists()
    assert [r.text for r in zxingcpp.read_barcodes(page)] == ["net-ticket-1"]


def test_escpos_network_printer_offline_and_reopen(net_printer: NetworkPrinterSimulator) -> None:
    port = net_printer.port
    printer = EscposPrinter(f"network:127.0.0.1:{port}", timeout_s=2, status_timeout_s=0.5)
    try:
        printer.print_ticket(_ticket_image(), qr_payload="one")
        net_printer.close()  # the printer goes away
        with pytest.raises(PrinterOffline):
            printer.print_ticket(_ticket_image(), qr_payload="two")
        assert not printer.status().ok
        back = NetworkPrinterSimulator(
            port=port
        ).start()  # it comes back: the same object reconnects
        try:
            printer.print_ticket(_ticket_image(), qr_payload="three")
            assert printer.status().ok
        finally:
            printer.close()
            back.close()
        assert back.connections == 1
        assert build_job(_ticket_image(), "three", 576) in bytes(back.received)
    finally:
        printer.close()


def test_escpos_network_reconnects_after_the_printer_dropped_an_idle_connection(
    net_printer: NetworkPrinterSimulator,
) -> None:
    printer = EscposPrinter(f"network:127.0.0.1:{net_printer.port}", status_timeout_s=0.2)
    try:
        printer.print_ticket(_ticket_image(), qr_payload="before")
        net_printer.drop_connection()
        time.sleep(0.1)
        printer.print_ticket(_ticket_image(), qr_payload="after")
    finally:
        printer.close()
    for _ in range(100):
        if len(net_printer.pages) >= 2:
            break
        time.sleep(0.05)
    assert net_printer.connections == 2
    decoded = [r.text for p in net_printer.pages for r in zxingcpp.read_barcodes(p)]
    assert decoded == ["before", "after"]


def test_escpos_file_backend(tmp_path: Path) -> None:
    dev = tmp_path / "lp0"
    dev.touch()
    printer = EscposPrinter(f"file:{dev}")
    try:
        assert printer.paper() is PaperState.UNKNOWN  # a device file cannot answer
        status = printer.status()
        assert status.ok and "not readable" in status.summary
        with pytest.raises(PrintUnconfirmed):  # sent, but a plain file cannot confirm it
            printer.print_ticket(_ticket_image(), qr_payload="file-ticket")
    finally:
        printer.close()
    assert dev.read_bytes() == build_job(_ticket_image(), "file-ticket", 576)


class FakeTtyPrinter:
    """A printer at the far end of a pseudo-terminal (what a USB-serial or usblp printer looks
    like to the kiosk): interprets the bytes and answers DLE EOT."""

    def __init__(self) -> None:
        self.master, self.slave = pty.openpty()
        tty.setraw(self.slave)
        self.path = os.ttyname(self.slave)
        self.condition = PrinterCondition(True, False, PaperState.OK, False)
        self.interp = EscPosInterpreter(
            576,
            on_status_request=lambda n: os.write(self.master, bytes([self.condition.reply(n)])),
            on_transmit_status=lambda n: os.write(
                self.master, bytes([completion_reply(self.condition.paper)])
            ),
        )
        self._stop = False
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop:
            ready, _, _ = select.select([self.master], [], [], 0.1)
            if not ready:
                continue
            try:
                data = os.read(self.master, 65536)
            except OSError:
                return
            self.interp.feed(data)

    def close(self) -> Interpretation:
        time.sleep(0.2)  # let the last bytes arrive
        self._stop = True
        self._thread.join(5)
        os.close(self.master)
        os.close(self.slave)
        return self.interp.finish()


@pytest.mark.parametrize("kind", ["serial", "file"])
def test_escpos_over_a_tty_reads_status_and_prints(kind: str) -> None:
    fake = FakeTtyPrinter()
    spec = f"serial:{fake.path}:115200" if kind == "serial" else f"file:{fake.path}"
    printer = EscposPrinter(spec, status_timeout_s=1.0)
    try:
        assert printer.can_read
        assert printer.paper() is PaperState.OK
        fake.condition = PrinterCondition(True, False, PaperState.NEAR_END, False)
        assert printer.paper() is PaperState.NEAR_END
        assert "near end" in printer.status().summary
        printer.print_ticket(_ticket_image(), qr_payload=f"{kind}-ticket")
        fake.condition = PrinterCondition(False, False, PaperState.OUT, False)
        with pytest.raises(PaperOut):
            printer.print_ticket(_ticket_image(), qr_payload="never")
    finally:
        printer.close()
        result = fake.close()
    assert result.qr_payloads == [f"{kind}-ticket"]
    assert [r.text for r in zxingcpp.read_barcodes(result.pages[0])] == [f"{kind}-ticket"]


def test_usb_without_pyusb_is_offline_with_a_fix() -> None:
    from escpos.printer import Usb

    printer = EscposPrinter("usb:04b8:0e15")
    status = printer.status()
    assert not status.ok
    if not Usb.is_usable():
        assert "pyusb" in status.fix
        with pytest.raises(PrinterOffline):
            printer.print_ticket(_ticket_image())


def test_connection_specs() -> None:
    assert parse_connection("usb:04b8:0e15") == ("usb", {"idVendor": 0x04B8, "idProduct": 0x0E15})
    assert parse_connection("serial:/dev/ttyUSB0:19200") == (
        "serial",
        {"devfile": "/dev/ttyUSB0", "baudrate": 19200},
    )
    assert parse_connection("network:10.0.0.5") == ("network", {"host": "10.0.0.5", "port": 9100})
    assert parse_connection("network:printer.lan:9101")[1]["port"] == 9101
    assert parse_connection("file:/dev/usb/lp0") == ("file", {"devfile": "/dev/usb/lp0"})
    for bad in ["", "usb:xyz", "bluetooth:1", "network:", "serial:"]:
        with pytest.raises(ConnectionSpecError):
            parse_connection(bad)
    with pytest.raises(ValueError):
        PrinterConfig(backend="escpos", connection="lpt1")


def test_factory(tmp_path: Path) -> None:
    assert build_printer(PrinterConfig(backend="none"), tmp_path) is None
    sim = build_printer(PrinterConfig(), tmp_path)
    assert isinstance(sim, SimulatedPrinter) and sim.output_dir == tmp_path / "printed"
    sim = build_printer(PrinterConfig(output_dir=str(tmp_path / "x"), paper_width_px=384), tmp_path)
    assert isinstance(sim, SimulatedPrinter) and sim.width_px == 384
    real = build_printer(
        PrinterConfig(backend="escpos", connection="network:127.0.0.1:9"), tmp_path
    )
    assert isinstance(real, EscposPrinter)
    assert not real.status().ok  # nothing listens on port 9


def test_a_raster_wider_than_the_configured_roll_is_refused() -> None:
    with pytest.raises(ValueError, match="58 mm roll prints \\(384 dots\\)"):
        PrinterConfig(paper_mm=58)  # default 576 dots would cut the ticket to "T00"
    assert PrinterConfig(paper_mm=58, paper_width_px=384).paper_width_px == 384
    assert PrinterConfig(paper_mm=80).paper_width_px == 576


def test_doctor_asks_the_printer_once(net_printer: NetworkPrinterSimulator) -> None:
    from kiosk.admin.doctor import check_printer
    from kiosk.config import KioskConfig

    config = KioskConfig.model_validate(
        {"devices": {"printer": {"backend": "escpos", "connection": "network:127.0.0.1:1"}}}
    )
    printer = EscposPrinter(f"network:127.0.0.1:{net_printer.port}", status_timeout_s=0.3)
    try:
        net_printer.silent = True  # no answers: every query costs the whole status timeout
        assert check_printer(printer, config).ok
    finally:
        printer.close()
    time.sleep(0.2)
    [job] = net_printer.jobs
    assert job.status_requests == [1]  # one unanswered query, not nine
