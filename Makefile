# make run   - set up .venv, then serve the demo district (prints the URLs and demo accounts)
# make test  - set up .venv, then lint, type-check and run the whole test suite (about 10 minutes)
# make test-quick - lint, type-check and the in-process tier: every test not marked `live` (those start
#                   a server process or a browser, tests/live.py); about a minute
# make screenshots - the layout suite, saving every screen at every viewport in docs/screenshots
# make bench - set up .venv, then run the benchmarks of SPEC 9 and print one table with baselines and ratios (about 8 minutes)
# make bench-quick - the ticket and fan-out ratios only (under a minute)
# make kiosk-demo - beside a running `make run`: a simulated card reader, scanner and printer and
#                   the kiosk agent for KIOSK (default youyi-k1); see README "Kiosk devices"
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
KIOSK ?= youyi-k1

.PHONY: run test test-quick lint types pytest pytest-quick setup clean bench bench-quick kiosk-demo screenshots

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,city]'
	if [ -f /usr/include/PCSC/winscard.h ]; then $(PY) -m pip install --quiet -e '.[dev,city,pcsc]'; \
	else echo "libpcsclite-dev not installed: PC/SC reader support and its tests are skipped"; fi
	touch $(STAMP)

run: $(STAMP)
	$(PY) server.py --demo --host $(HOST) --port $(PORT)

kiosk-demo: $(STAMP)
	$(PY) -m kiosk.sim --server http://$(HOST):$(PORT) --kiosk $(KIOSK)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

types: $(STAMP)
	$(VENV)/bin/mypy

pytest: $(STAMP)
	$(PY) -m pytest

pytest-quick: $(STAMP)
	$(PY) -m pytest -m 'not live'

test: lint types pytest

test-quick: lint types pytest-quick

# every screen at every viewport of its device, as PNGs under docs/screenshots (the layout suite)
screenshots: $(STAMP)
	SCREENSHOTS=docs/screenshots HALL_SCREENSHOTS=1 $(PY) -m pytest tests/browser -k 'layout or elder_display'

bench: $(STAMP)
	$(PY) -m bench

bench-quick: $(STAMP)
	BENCH_QUICK=1 $(PY) -m bench tickets fanout

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
