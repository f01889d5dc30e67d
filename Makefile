# Yingji — the two commands a township needs: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PORT   ?= 8000

.PHONY: run test lint typecheck pytest audit bench e2e clean

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

## make run: install, migrate, load the default plan (and the demo township on an empty database), serve on 127.0.0.1:8000
## (another port: make run PORT=8001)
run: $(STAMP)
	$(BIN)/yingji setup
	$(BIN)/yingji serve --port $(PORT)

## make test: lint, format check, type check, then the whole test suite
test: lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy yingji/plans yingji/deadlines yingji/notify $(filter-out yingji/plans/% yingji/deadlines/% yingji/notify/%,$(wildcard yingji/*/actions*.py) $(wildcard yingji/*/*_actions.py) $(wildcard yingji/*/actions))

pytest: $(STAMP)
	$(BIN)/python -c "from yingji.i18n import compile_messages; compile_messages()"
	$(BIN)/pytest

## make audit: bandit on yingji/ (fails on a high-severity finding; lower ones are listed) and
## pip-audit on the pinned requirements (fails on any known vulnerability)
audit: $(STAMP)
	$(BIN)/bandit -c pyproject.toml -r yingji -q --exit-zero
	$(BIN)/bandit -c pyproject.toml -r yingji -q --severity-level high
	$(BIN)/python .ci/audit_requirements.py

## make bench: every benchmark under bench/, each on its own temporary database
bench: $(STAMP)
	@set -e; for f in bench/*.py; do [ -e "$$f" ] || continue; echo "== $$f"; $(BIN)/python "$$f"; done

## make e2e: the whole plan in Debian's Chromium (installed from Debian's packages if missing); screenshots in e2e/artifacts/
e2e: $(STAMP)
	@test -x /usr/bin/chromium || { echo "== installing Debian's chromium"; \
	  DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
	$(BIN)/python -c "from yingji.i18n import compile_messages; compile_messages()"
	$(BIN)/pytest -p no:django -p no:cacheprovider -o addopts="-q" -W ignore::pytest.PytestConfigWarning e2e

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
