"""The composition root: builds every device and service from the validated configuration.

Nothing else constructs backends. Tests build a config (simulated devices, a temporary data
dir) and call `build_services`; the UI and the CLI do the same.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from hardware.cardreader.base import AccessKey, CardData, CardReader, ReaderUnavailable
from hardware.cardreader.factory import build_card_reader
from hardware.codereader.base import Camera, CodeReader
from kiosk.config import KioskConfig
from kiosk.models import Eligibility, Identity, InsuranceAction

if TYPE_CHECKING:
    from hardware.printer.base import TicketPrinter
    from kiosk.catalog.service import CatalogService
    from kiosk.his.service import HisService
    from kiosk.insurance.base import InsuranceChecker
    from kiosk.queue.printing import PrintOutcome, PrintService
    from kiosk.queue.service import QueueService, Ticket
    from kiosk.session import PatientData

log = logging.getLogger(__name__)


@dataclass
class Services:
    config: KioskConfig
    card_reader: CardReader | None
    camera: Camera | None
    scanners: list[CodeReader]
    printer: TicketPrinter | None
    insurance: InsuranceChecker
    queue: QueueService
    catalog: CatalogService
    printing: PrintService
    extras: dict[str, Any] = field(default_factory=dict)
    his: HisService | None = None  # None or backend "none": standalone

    # -- what the session needs (blocking; called on workers) -----------------------------

    def read_card(self, key: AccessKey | None) -> CardData:
        if self.card_reader is None:
            raise ReaderUnavailable("no card reader configured")
        return self.card_reader.read(key)

    def card_present(self) -> bool:
        return bool(self.card_reader and self.card_reader.card_present())

    def check_insurance(self, identity: Identity) -> Eligibility:
        return self.insurance.check(identity)

    def proposed_priorities(self, identity: Identity | None) -> list[str]:
        from kiosk.queue.priority import proposed_priorities
        from kiosk.queue.service import TZ, local_day

        if identity is None:
            return []
        today = local_day(datetime.now(TZ))
        return proposed_priorities(identity.birth_date, identity.birth_year, today)

    def issue_ticket(self, data: PatientData) -> Ticket:
        from kiosk.queue.service import TicketRequest

        eligibility = data.eligibility
        assert data.clinic_id is not None
        request = TicketRequest(
            clinic_id=data.clinic_id,
            insured=bool(eligibility and eligibility.action is InsuranceAction.INSURED),
            priority=data.priority,
            citizen_id=data.identity.citizen_id if data.identity else None,
            insurance_verified=bool(eligibility and eligibility.verified),
            staff_note=_staff_note(data),
            language=data.language,
        )
        if self.his is not None and self.his.enabled:  # the ticket and its HIS registration
            return self.his.issue_for_session(self.queue, request, data).ticket
        return self.queue.issue(request)

    def print_ticket(self, ticket: Ticket, language: str) -> PrintOutcome:
        return self.printing.print_ticket(
            ticket, self.config, language, self.config.devices.printer.timeout_s
        )

    def reprint_ticket(self, ticket: Ticket, language: str) -> PrintOutcome:
        return self.printing.reprint(
            ticket.id, self.config, language, self.config.devices.printer.timeout_s
        )

    def close(self) -> None:
        for device in [self.card_reader, self.camera, *self.scanners]:
            if device is not None:
                try:
                    device.stop()
                except Exception:
                    log.exception("device stop failed")
        for closable in (self.his, self.printer, self.insurance, self.queue, self.catalog):
            close = getattr(closable, "close", None)
            if close is None:
                continue
            try:  # one failure must not keep the others open
                close()
            except Exception:
                log.exception("closing %s failed", type(closable).__name__)


def _staff_note(data: PatientData) -> str:
    """What the counter staff read on the ticket: the insurance note, the booking code."""
    parts = (
        [data.eligibility.staff_note] if data.eligibility and data.eligibility.staff_note else []
    )
    if data.scanned_code:
        parts.append(f"Mã hẹn {data.scanned_code}")
    return " · ".join(parts)


def build_services(config: KioskConfig) -> Services:
    """Builds every backend the configuration names. Raises on a broken configuration."""
    from hardware.codereader.factory import build_camera, build_scanners
    from hardware.printer.factory import build_printer
    from kiosk.catalog.service import CatalogService
    from kiosk.his.service import HisService
    from kiosk.insurance.factory import build_insurance
    from kiosk.queue.printing import PrintService
    from kiosk.queue.service import QueueService

    data = config.data_path
    data.mkdir(parents=True, exist_ok=True)
    queue = QueueService.from_config(config)
    printer = build_printer(config.devices.printer, data)
    his = HisService(config, queue.engine)
    his.start()  # the outbox delivery thread (nothing runs for backend "none")
    return Services(
        config=config,
        card_reader=build_card_reader(config.devices.card_reader),
        camera=build_camera(config.devices.camera),
        scanners=build_scanners(config.devices.scanners),
        printer=printer,
        insurance=build_insurance(config),
        queue=queue,
        catalog=CatalogService(data / "catalog.sqlite3", config.catalog),
        printing=PrintService(printer, queue),
        his=his,
    )
