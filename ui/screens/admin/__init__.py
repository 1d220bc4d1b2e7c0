"""Admin mode for hospital IT: PIN, device status, test print, test card read, catalog import,
recent log lines, restart and leaving kiosk mode.

Embedded by the main window behind the hidden corner gesture (ui/widgets/gesture.py). Every
blocking call (PIN hash, doctor checks, printing, card reading, file search, import, reading
the log) runs on the workers' "admin" pool (ui/workers.py); results come back on the GUI
thread. Hiding the screen locks it again (back to the PIN page).

One module per part: pin (the PIN page), status, printing, card, catalog, log (the views),
screen (navigation, idle close, restart and leave), common (shared widgets).
"""

from ui.screens.admin.common import CheckRow, DigitPad
from ui.screens.admin.screen import CONFIRM_S, IDLE_S, AdminScreen

__all__ = ["CONFIRM_S", "IDLE_S", "AdminScreen", "CheckRow", "DigitPad"]
