"""Test and benchmark support that must not ship in the production packages (kiosk/,
hardware/, ui/): a throw-away PostgreSQL server (`pgserver`)."""
