# Two commands: `make demo` and `make test`. Both create .venv if it is missing, install the project
# into it (torch first: its CPU build), and are safe to run again.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.rbx-installed
DEMO_OUT := results/demo

.PHONY: demo test install clean-demo

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

test: install
	$(BIN)/python -m pytest

# The ft500 standard and STILTs victims of seed 0 (the STILTs one has not learned yet: docs/victims.md), ko, char-noise, the same
# 20 PAWS-X dev pairs, then the leaderboard with the regime comparison.
demo: install
	$(BIN)/rbx attack --model e5s-ft500-standard-s0 --lang ko --recipe char-noise --n 20 --query-budget 100 --out $(DEMO_OUT) --resume
	$(BIN)/rbx attack --model e5s-ft500-stilts-s0 --lang ko --recipe char-noise --n 20 --query-budget 100 --out $(DEMO_OUT) --resume
	$(BIN)/rbx leaderboard build --results $(DEMO_OUT) --models leaderboard/models --out $(DEMO_OUT)/leaderboard

clean-demo:
	rm -rf $(DEMO_OUT)
