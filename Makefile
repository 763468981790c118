# Brink — two set-up commands: `make run` and `make test`. Each creates .venv on first use.
# Mesa 3.5 needs Python >= 3.12; we probe candidates by running them (pyenv shims answer for
# versions that are not active, so "command exists" is not enough).
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

PYTHON_CANDIDATES := $(PYTHON) python3.12 python3.13 python3 \
	$(wildcard $(HOME)/.pyenv/versions/3.12*/bin/python3) \
	$(wildcard $(HOME)/.pyenv/versions/3.13*/bin/python3) \
	$(wildcard /usr/local/bin/python3.1[2-9]) $(wildcard /usr/bin/python3.1[2-9])

.PHONY: run test lint format bench validation clean help

help:
	@echo "make run    serve the tabletop UI on http://localhost:8501"
	@echo "make test   run the whole test suite (and ruff)"
	@echo "make bench  run the engine benchmark"
	@echo "make validation  rerun the calibration suite: docs/reference/validation.md, the screening in docs/reference/model.md and the 2025 forecast (docs/reference/forecast-2025.md)"

$(STAMP): pyproject.toml
	@set -e; \
	if [ ! -x $(PY) ]; then \
	  found=""; \
	  for c in $(PYTHON_CANDIDATES); do \
	    if $$c -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; then found=$$c; break; fi; \
	  done; \
	  if [ -z "$$found" ]; then \
	    echo "error: Brink needs Python 3.12 or newer (Mesa 3.5 requires it) and none was found."; \
	    echo "       Tried: $(PYTHON_CANDIDATES)"; \
	    echo "       Install one (e.g. 'pyenv install 3.12') or run 'make PYTHON=/path/to/python3.12 ...'."; \
	    exit 1; \
	  fi; \
	  echo "Creating $(VENV) with $$found ($$($$found --version))"; \
	  $$found -m venv $(VENV); \
	fi; \
	$(PY) -m pip install --quiet --upgrade pip; \
	$(PY) -m pip install --quiet -e '.[dev]'; \
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/streamlit run ui/app.py --server.port 8501 --browser.gatherUsageStats false

test: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/python -m pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check .

bench: $(STAMP)
	$(VENV)/bin/python benchmarks/bench_engine.py

# The calibration suite (a few minutes on two cores) and the Morris screening of the parameters.
validation: $(STAMP)
	$(VENV)/bin/brink check-model --out docs/reference/validation.md
	$(VENV)/bin/brink check-model --screening --model-doc docs/reference/model.md
	$(VENV)/bin/brink forecast scenarios/nk-historical-2024.yaml --from 2025-01-07 --out docs/reference/forecast-2025.md

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
