# Set-up and everyday commands. `make run` and `make test` do everything on a fresh
# Debian/Ubuntu machine with Python 3.11+ (python3-venv installed). `make run` and `make chat`
# install the bot's runtime dependencies only; the development tools (pytest, ruff, mypy,
# Playwright: pyproject's `dev` dependency group) come with `make test`, `lint`, `typecheck`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SUM := $(shell cat pyproject.toml | cksum | cut -d' ' -f1)
STAMP := $(VENV)/.installed-$(SUM)
DEV_STAMP := $(VENV)/.installed-dev-$(SUM)

.PHONY: install install-dev run chat test lint typecheck check samples messages bench-ingest bench-zalo bench-report bench-fanout bench-startup bench-rush docs-images clean

# A new pyproject.toml (its checksum in the stamps' names) redoes both installs.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	rm -f $(VENV)/.installed-* && touch $@

# pip >= 25.1 reads dependency groups (PEP 735); the line above has just upgraded pip.
$(DEV_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e . --group dev
	rm -f $(VENV)/.installed-dev-* && touch $@

## The bot and its runtime dependencies in .venv (make install-dev: with the development tools).
install: $(STAMP)

install-dev: $(DEV_STAMP)

## Open the console chat on the local SQLite database (migrates, loads the samples if empty).
run: $(STAMP)
	$(BIN)/reportbot run

## Chat as the office (make chat AS=office) or as a unit's phone (make chat AS=0900000001).
chat: $(STAMP)
	$(BIN)/reportbot chat --as $(or $(AS),nguoi-dung)

## The whole test suite on SQLite (and on PostgreSQL when TEST_DATABASE_URL is set).
test: $(DEV_STAMP)
	$(BIN)/pytest -q

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(DEV_STAMP)
	$(BIN)/mypy

check: test lint typecheck

## Benchmark: Telegram ingest against a bare aiogram echo bot (prints figures).
bench-ingest: $(DEV_STAMP)
	$(BIN)/python bench/ingest.py --n $(or $(N),5000)

## Benchmark: Zalo ingest through the real polling path (one update per getUpdates; prints figures).
bench-zalo: $(DEV_STAMP)
	$(BIN)/python bench/zalo_ingest.py --n $(or $(N),2000)

## Benchmark: the consolidated workbook of 10,000 units x 40 elements end to end (database read +
## build) against raw openpyxl and XlsxWriter dumps of the same cells (make bench-report RUNS=2).
bench-report: $(DEV_STAMP)
	$(BIN)/python bench/report.py --units $(or $(UNITS),10000) --runs $(or $(RUNS),1)

## Benchmark: 3,000 reminders through the outbox sender against a fake Bot API enforcing 30/s.
bench-fanout: $(DEV_STAMP)
	$(BIN)/python bench/fanout.py --n $(or $(N),3000)

## Benchmark: time from exec to the answer of `reportbot chat --as office` to /trogiup (5 runs).
bench-startup: $(DEV_STAMP)
	$(BIN)/python bench/startup.py --runs $(or $(RUNS),5)

## Benchmark: a deadline rush of 3,000 units pasting 15-figure reports through `reportbot run`
## and the fake Bot API while the office asks for a 10,000-unit workbook (make bench-rush QUICK=1).
bench-rush: $(DEV_STAMP)
	$(BIN)/python bench/rush.py --units $(or $(UNITS),3000) $(if $(QUICK),--quick)

## Rebuild the sample campaign workbooks in samples/ from the sample campaigns (package samples).
samples: $(STAMP)
	$(BIN)/python samples/build.py

## Chat messages: extract the Vietnamese message ids into domain/locales/messages.pot, merge
## them into the English catalog (domain/locales/en/LC_MESSAGES/messages.po: translate the new
## empty or fuzzy entries there, then run again) and compile it (messages.mo, shipped).
messages: $(STAMP)
	mkdir -p domain/locales/en/LC_MESSAGES
	$(BIN)/pybabel extract -F babel.cfg --project=reportbot --add-location=file --sort-by-file \
		-o domain/locales/messages.pot handlers domain bot services
	test -f domain/locales/en/LC_MESSAGES/messages.po || $(BIN)/pybabel init -l en \
		-i domain/locales/messages.pot -d domain/locales -D messages
	$(BIN)/pybabel update --ignore-obsolete -i domain/locales/messages.pot -d domain/locales \
		-D messages -l en
	$(BIN)/pybabel compile --statistics -d domain/locales -D messages -l en

## Render the first page of each sheet of the Ngã Năm sample's workbook to docs/bao-cao-*.png
## (LibreOffice and poppler-utils, as .ci/run installs them).
docs-images: $(STAMP)
	$(BIN)/python docs/sheets.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
