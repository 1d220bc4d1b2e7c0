"""What the patient owes, line by line: total, the BHYT share, the patient's amount.

Two sources behind one call, `FeeSource.statement(reference) -> Statement`:

- `HisFees`: the hospital's own figures, from the HIS adapter's `fees(visit_id)` (kiosk/his,
  when configured): each item's `amount` is the patient's share and `fund_pays` the fund's, so
  the total is their sum; labelled as the hospital's figures.
- `EstimateFees`: when there is no HIS, the catalog's prices for the services of the visit with
  the same estimate rules as the price screen (kiosk.insurance.benefits.estimate_cost),
  labelled as an estimate (the counter may charge a different amount).

Amounts are integer đồng. A source that fails raises `FeesUnavailable` (the patient is told to
pay at the counter; nothing is stored).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from kiosk.insurance.benefits import estimate_cost

log = logging.getLogger(__name__)


class FeesUnavailable(Exception):
    """The fees could not be read (HIS down, unknown visit, no price)."""


@dataclass(frozen=True)
class FeeLine:
    code: str
    name: str
    total: int  # đồng: the price of the line
    fund_pays: int  # đồng: the BHYT share
    patient_pays: int  # đồng: what the patient pays

    def __post_init__(self) -> None:
        for value in (self.total, self.fund_pays, self.patient_pays):
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ValueError("fee amounts are whole, non-negative đồng")
        if self.fund_pays + self.patient_pays != self.total:
            raise ValueError("the BHYT share and the patient's amount must add up to the total")


@dataclass(frozen=True)
class Statement:
    reference: str  # the visit (MA_LK) or receipt code the fees belong to
    lines: list[FeeLine] = field(default_factory=list)
    estimate: bool = True  # True: the catalog estimate; False: the hospital's (HIS) figures
    purpose: str = "Vien phi"  # transfer purpose on the QR (plain letters)

    @property
    def total(self) -> int:
        return sum(line.total for line in self.lines)

    @property
    def fund_pays(self) -> int:
        return sum(line.fund_pays for line in self.lines)

    @property
    def due(self) -> int:
        return sum(line.patient_pays for line in self.lines)


class FeeSource(Protocol):
    def statement(self, reference: str) -> Statement:
        """Blocking (a worker thread). Raises FeesUnavailable."""
        ...


class HisFees:
    """The HIS adapter's `fees(visit_id)` (items with `code`, `name`, `amount` = the patient's
    share, `fund_pays`, `paid`): lines already paid are left out."""

    def __init__(self, his: Any) -> None:
        self.his = his

    def statement(self, reference: str) -> Statement:
        try:
            fees = self.his.fees(reference)
            lines = [
                FeeLine(
                    str(item.code),
                    str(item.name),
                    int(item.amount) + int(item.fund_pays),
                    int(item.fund_pays),
                    int(item.amount),
                )
                for item in fees.items
                if not getattr(item, "paid", False)
            ]
        except FeesUnavailable:
            raise
        except Exception as exc:  # the adapter's own errors, garbage in an item
            log.warning("fees from the HIS failed: %s", type(exc).__name__)
            raise FeesUnavailable(type(exc).__name__) from exc
        return Statement(reference, lines, estimate=False)


class EstimateFees:
    """The catalog estimate for the services of a visit.

    `services(reference)` gives the catalog codes the visit is for (e.g. the examination of the
    chosen clinic); `coverage(reference)` the patient's BHYT percentage or None (not insured).
    """

    def __init__(
        self,
        catalog: Any,
        services: Callable[[str], Iterable[str]],
        coverage: Callable[[str], int | None] = lambda _ref: None,
    ) -> None:
        self.catalog = catalog
        self.services = services
        self.coverage = coverage

    def statement(self, reference: str) -> Statement:
        try:
            codes = list(self.services(reference))
            coverage = self.coverage(reference)
        except Exception as exc:
            raise FeesUnavailable(type(exc).__name__) from exc
        if not codes:
            raise FeesUnavailable("no services for this reference")
        lines = []
        for code in codes:
            item = self._item(code)
            basis, _assumed = item.estimate_basis()
            cost = estimate_cost(item.hospital_price, basis, coverage)
            lines.append(
                FeeLine(
                    item.code, item.name, cost.hospital_price, cost.fund_pays, cost.patient_pays
                )
            )
        return Statement(reference, lines, estimate=True)

    def _item(self, code: str) -> Any:
        try:
            found = self.catalog.search(code, limit=5)
        except Exception as exc:
            raise FeesUnavailable(type(exc).__name__) from exc
        for item in found:
            if item.code == code:
                return item
        if found and not code.isalnum():  # a name ("Khám bệnh"): the best match
            return found[0]
        raise FeesUnavailable("no price for a service of this visit")


def ticket_services(queue: Any, exam: str = "Khám bệnh") -> Callable[[str], list[str]]:
    """Without a HIS the kiosk knows of a visit only the ticket it issued: a ticket number of
    today (or its id, from its QR) stands for the examination fee of its clinic."""

    def services(reference: str) -> list[str]:
        try:
            queue.find(reference.strip().upper())
        except KeyError:
            raise FeesUnavailable("unknown visit") from None
        return [exam]

    return services


def fee_source(services: Any) -> FeeSource | None:
    """The HIS's fees when the composition root has a HIS that offers them, else None (the
    caller builds an EstimateFees with what it knows of the visit)."""
    his = getattr(services, "his", None)  # kiosk.his.service.HisService, when on main
    if his is None or not getattr(his, "enabled", False):
        return None
    adapter = getattr(his, "his", his)  # the service's adapter
    return HisFees(adapter) if hasattr(adapter, "fees") else None
