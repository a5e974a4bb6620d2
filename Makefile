# Entry points for people and CI. Every target sets up what it needs first, so
# `make demo` and `make test` work alone on a fresh machine.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV    := .venv
PY      := $(VENV)/bin/python
BIN     := $(VENV)/bin
OUT     := build
# Kept for contributors' own podman commands on hosts like CI (runc, cgroupfs,
# explicit ulimits); seldon-build and the tests do not need it (podman_host.py).
export CONTAINERS_CONF ?= $(CURDIR)/platform/containers.conf

.PHONY: help setup host-tools venv stacks buildpacks builder demo test test-unit test-runtime-pythons bench lint clean

help:
	@echo "make setup       host tools (podman, debootstrap, ...) and .venv with the project"
	@echo "make stacks      build the build and run stack images (no registry needed)"
	@echo "make buildpacks  package every buildpack self-contained into $(OUT)/buildpacks"
	@echo "make builder     check builder.toml and its buildpacks (pack builder create if pack is here)"
	@echo "make demo        build examples/sklearn-iris into an image, run it, print a prediction"
	@echo "make test        every test: unit, contract, runtime, platform, e2e"
	@echo "make test-runtime-pythons  the runtime's test suite on every supported Python (pyenv's)"
	@echo "make bench       benchmarks against seldon-core (see bench/README.md)"
	@echo "make lint        ruff"

setup: host-tools venv

host-tools:
	@bash stacks/install-host-tools.sh

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml runtime/pyproject.toml
	@test -x $(PY) || python3 -m venv $(VENV)
	@$(PY) -m pip install -q --upgrade pip
	@$(PY) -m pip install -q -e ./runtime -e '.[test]'
	@touch $@

stacks: setup
	@$(BIN)/seldon-build stacks

buildpacks: venv
	@$(PY) -m seldon_platform.packaging buildpacks --out $(OUT)/buildpacks

builder: buildpacks
	@$(PY) -m seldon_platform.packaging builder --config builder.toml --buildpacks $(OUT)/buildpacks

demo: stacks buildpacks
	@$(PY) -m seldon_platform.demo examples/sklearn-iris

# pytest exits 5 when it collected nothing; with test files present that is a
# broken suite, not a pass.
test: stacks buildpacks
	@$(PY) -m pytest tests; status=$$?; \
	if [ $$status -eq 5 ] && [ -z "$$(find tests -name 'test_*.py' -print -quit)" ]; then \
	  echo "no test files under tests/: nothing to run"; status=0; fi; \
	exit $$status

test-unit: venv
	@$(PY) -m pytest tests -m "not engine"

# the whole runtime suite once per supported Python found under PYENV_ROOT
test-runtime-pythons: venv
	@for minor in 3.8 3.9 3.10 3.11 3.12 3.13; do \
	  py=$$($(PY) -c "from tests.pythons import find_python; print(find_python('$$minor') or '')"); \
	  if [ -z "$$py" ]; then echo "python$$minor: not installed, skipped"; continue; fi; \
	  venv=$$($(PY) -m tests.runtime.pyvenvs "$$py") || exit 1; \
	  echo "== runtime tests on $$venv"; \
	  SELDON_TEST_RUNTIME_PYTHON=$$venv $(PY) -m pytest -q tests/runtime || exit 1; \
	done

bench: stacks
	@$(PY) bench/run.py

lint: venv
	@$(BIN)/ruff check .

clean:
	rm -rf $(OUT) .pytest_cache
