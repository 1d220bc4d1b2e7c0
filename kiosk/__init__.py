"""Hospital lobby kiosk: domain and services (no Qt)."""

__version__ = "0.1.0"
