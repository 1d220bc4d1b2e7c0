"""The whole kiosk journey with the PC/SC backend and a virtual card served over vpcd.

Real pcscd, real vsmartcard-vpcd driver, real pyscard, the card emulator on the other end:
the kiosk cannot tell it from a physical reader.
"""

from __future__ import annotations

import pytest
from kiosk_testing import finish_journey, start_journey, text_of, type_id, wait_step

from kiosk.models import Authenticity
from kiosk.session import Step
from ui.app import build_app

pytestmark = [pytest.mark.gui, pytest.mark.pcsc]


def test_journey_with_a_card_over_pcsc(demo_config, qtbot, virtual_card, trust_dir):
    config = demo_config.model_copy(deep=True)
    config.catalog.demo_catalog = False
    config.accessibility.speech = False
    reader = config.devices.card_reader
    reader.backend = "pcsc"
    reader.reader = "Virtual PCD 00 00"
    reader.trust_store = str(trust_dir)
    kiosk = build_app(config, show_panel=False)
    try:
        kiosk.window.resize(1600, 900)
        kiosk.window.show()
        qtbot.waitExposed(kiosk.window)
        window = kiosk.window
        start_journey(qtbot, kiosk)
        virtual_card("an-adult")
        wait_step(qtbot, kiosk, Step.CARD_KEY, timeout=15000)
        type_id(qtbot, window, "001090123456")
        wait_step(qtbot, kiosk, Step.CONFIRM_IDENTITY, timeout=20000)
        identity = kiosk.session.data.identity
        assert identity is not None
        assert identity.full_name == "Nguyễn Văn An"
        assert identity.authenticity is Authenticity.TRUSTED
        assert identity.photo  # DG2 face, shown on the confirmation screen
        assert not window.confirm_identity.photo.pixmap().isNull()
        assert text_of(window, "identity_name") == "Nguyễn Văn An"
        number = finish_journey(qtbot, kiosk, clinic="mat")
        assert number.startswith("M")
        assert kiosk.session.printed
    finally:
        kiosk.close()
