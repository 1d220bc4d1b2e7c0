"""The parts of a catalog import (see `kiosk.catalog.importer`, which ties them together)."""
