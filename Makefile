# One command for the demo, one for the tests (see README.md).
# The newest Python 3.11+ that actually runs here (a pyenv shim may exist for a version that is not active).
PYTHON ?= $(shell for p in python3.14 python3.13 python3.12 python3.11 python3; do $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1 && { echo $$p; break; }; done)
VENV ?= .venv
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test lint install clean

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "Cần Python 3.11 trở lên / Python 3.11+ is required"; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Cần Python 3.11 trở lên / Python 3.11+ is required")'
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -e '.[test,load]'
	@touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/kiemdiem demo

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests bench tools
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy src/kiemdiem

test: $(STAMP) lint
	$(VENV)/bin/pytest

clean:
	rm -rf $(VENV) data .pytest_cache
