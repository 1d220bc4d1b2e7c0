"""The bank's signed notifications reach `kiosk serve` over real HTTP (uvicorn), from the bank
simulator; the counter lists bills to look at; garbage and forgeries change nothing."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import requests
from web_testing import LiveServer, make_app

from kiosk.config import KioskConfig
from kiosk.payment.banksim import BankSimulator
from kiosk.payment.service import State


def _app(tmp_path: Path) -> Any:
    config = KioskConfig.model_validate({"data_dir": str(tmp_path), "payment": {"enabled": True}})
    return make_app(tmp_path, config=config)


def _wait(predicate: Any, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()


def test_the_bank_confirms_through_kiosk_serve(tmp_path: Path) -> None:
    app = _app(tmp_path)
    payments = app.state.payments
    with LiveServer(app) as server:
        secret = payments.config.webhook_secret.get_secret_value()
        url = f"{server.url}/api/payments/notify"
        with BankSimulator(url, secret, payments.config.account) as bank:
            bill = payments.open_bill(150000, "Tam ung")
            partial = payments.open_bill(100000)
            bank.pay(bill.bill_number, 150000, duplicates=2)
            bank.pay(partial.bill_number, 30000)
            bank.pay(bill.bill_number, 150000, bad_signature=True)
            assert bank.wait_sent(5)
            assert _wait(lambda: payments.get(partial.bill_number).state is State.PARTIAL)
            assert bank.send_failures == 1  # the forged one was refused (401)
        assert payments.get(bill.bill_number).amount_paid == 150000  # duplicates once
        key = app.state.auth.new_api_key("cashier", "counter")
        listed = requests.get(
            f"{server.url}/api/v1/payments/open", headers={"x-api-key": key}, timeout=5
        ).json()
        assert [b["bill_number"] for b in listed] == [partial.bill_number]
        assert listed[0]["outstanding"] == 70000
        # the counter's list needs a login; the notification route needs a signature
        assert requests.get(f"{server.url}/api/v1/payments/open", timeout=5).status_code == 401
        garbage = requests.post(url, data=b"\x00" * 100, timeout=5)
        assert garbage.status_code == 401
    payments.close()
