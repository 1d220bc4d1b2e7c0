# The two commands a new user needs: `make run` and `make test`. Everything else is installed by them.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMPS := .stamps

.PHONY: setup run test lint typecheck check-layers bench screenshots translations example-config clean

setup: $(STAMPS)/debian $(STAMPS)/venv

$(STAMPS)/debian: scripts/install-debian-deps.sh
	@mkdir -p $(STAMPS)
	./scripts/install-debian-deps.sh
	@touch $@

$(STAMPS)/venv: pyproject.toml $(STAMPS)/debian
	@mkdir -p $(STAMPS)
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	@touch $@

run: setup
	$(BIN)/kiosk run --demo

check-layers: setup
	$(BIN)/lint-imports

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: setup
	$(BIN)/mypy kiosk hardware ui

test: setup check-layers lint typecheck
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q

bench: setup
	QT_QPA_PLATFORM=offscreen $(BIN)/kiosk bench all

screenshots: setup
	# every kiosk screen at every supported size, normal and large text (`kiosk screens` also
	# reports what does not fit); the README's portrait and landscape sets go to docs/, the rest
	# to build/screenshots/
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m kiosk screens --size 1920x1080 --size 1080x1920 \
	  --out docs/screenshots
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m kiosk screens --size 1366x768 --size 1280x1024 \
	  --size 1280x800 --size 3840x2160 --out build/screenshots
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m kiosk screens --large-text --size 1920x1080 \
	  --size 1080x1920 --size 1366x768 --size 1280x1024 --size 1280x800 --size 3840x2160 \
	  --out build/screenshots
	QT_QPA_PLATFORM=offscreen $(BIN)/python scripts/screenshots.py docs/screenshots

translations: setup
	$(BIN)/python scripts/translations.py

example-config: setup
	$(BIN)/python deploy/make_example_config.py

clean:
	rm -rf $(VENV) $(STAMPS) build *.egg-info
