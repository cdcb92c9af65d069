# The two set-up commands: `make run` (demo mode on 127.0.0.1:8000: the SMS simulator, a kept
# random key in .telcare-demo-secret; never for production) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-at lint bench clean catalogs-extract catalogs-update catalogs

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e ".[dev]"
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/telcare init --demo
	$(BIN)/telcare serve --demo --host 127.0.0.1 --port 8000

lint: $(STAMP)
	$(BIN)/ruff check telcare tests
	$(BIN)/ruff format --check telcare tests
	$(BIN)/mypy

test: lint
	$(BIN)/pytest -n 2

# The suite with every clock pinned: make test-at NOW=2028-02-29T12:00+08:00
test-at: $(STAMP)
	test -n "$(NOW)" || { echo "usage: make test-at NOW=<ISO instant>"; exit 2; }
	TELCARE_TEST_NOW="$(NOW)" $(BIN)/pytest -n 2

# Texts live in gettext catalogs (docs/i18n.md). The app reads the .po files directly, so
# nothing needs compiling before `make run` / `make test`; `make catalogs` compiles .mo files
# (git-ignored) for tools that want them and fails on a malformed catalog.
LOCALE := telcare/locale
KEYWORDS := --no-default-keywords -k render -k t -k _ -k N_ -k flash:3

catalogs-extract: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg $(KEYWORDS) --add-comments=TRANSLATORS: \
		--strip-comment-tags --sort-output --add-location=file --project=telcare \
		--copyright-holder="Telcare" -o $(LOCALE)/messages.pot .

catalogs-update: catalogs-extract
	$(BIN)/pybabel update -i $(LOCALE)/messages.pot -d $(LOCALE) -D messages --no-fuzzy-matching

catalogs: $(STAMP)
	$(BIN)/pybabel compile -d $(LOCALE) -D messages --statistics

clean:
	rm -rf $(VENV) telcare.db telcare.db-wal telcare.db-shm .telcare-demo-secret
