# make demo         sets up .venv (all backends, pinned) and runs the crosscheck
# make test         the whole test suite in both tested environments:
#   make test-main    .venv: numpy 1.26, torch, tensorflow-cpu, mxnet, dask (constraints.txt)
#   make test-numpy2  .venv-numpy2: numpy 2, torch, tensorflow-cpu, jax, dask
#                     (constraints-numpy2.txt)
# make test-fast    the edit-test loop: .venv, without the tests marked slow (subprocesses,
#                   examples, the docs build); about a minute
# make compare BASE=REV   what a change costs: benchmarks/compare.py --base REV --quick
# make bench        sets up .venv and runs the benchmarks (not part of the tests)
# make docs         builds the documentation site into docs/_build/html (warnings are errors;
#                   the gallery runs every example; DOCS_QUICK=1 runs them in --quick mode)
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
VENV2  := .venv-numpy2
STAMP2 := $(VENV2)/.installed

export TF_CPP_MIN_LOG_LEVEL := 3
# An editable install that type checkers can read (a path in a .pth file: mypy and pyright do
# not run setuptools' import hook, and would see no infotheory at all)
EDITABLE := --config-settings editable_mode=compat -e

# pytest-xdist workers (whole test files per worker: --dist loadfile); 0 runs in one process
WORKERS ?= 2
PYTEST  := -m pytest -q -n $(WORKERS) --dist loadfile

.PHONY: demo test test-main test-numpy2 test-fast compare bench docs setup clean

setup: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	@command -v $(PYTHON) >/dev/null || { echo "needs $(PYTHON) on PATH (or make PYTHON=...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q -c constraints.txt $(EDITABLE) '.[all,test,docs]'
	touch $(STAMP)

$(STAMP2): pyproject.toml constraints-numpy2.txt
	@command -v $(PYTHON) >/dev/null || { echo "needs $(PYTHON) on PATH (or make PYTHON=...)"; exit 1; }
	$(PYTHON) -m venv $(VENV2)
	$(VENV2)/bin/python -m pip install -q -c constraints-numpy2.txt $(EDITABLE) '.[torch,tensorflow-cpu,jax,dask,test,test-jax]'
	touch $(STAMP2)

demo: $(STAMP)
	$(BIN)/python -m infotheory backends
	$(BIN)/python -m infotheory crosscheck

test: test-main test-numpy2

# Where backends are required (CI), each environment requires every backend it can hold
# (JAX needs NumPy >= 2, MXNet NumPy < 2), and the main one the docs extra (the site's build test).
test-main: $(STAMP)
	INFOTHEORY_REQUIRE_BACKENDS="$${INFOTHEORY_REQUIRE_BACKENDS:+numpy,torch,tensorflow,mxnet,dask}" \
	INFOTHEORY_REQUIRE_DOCS="$${INFOTHEORY_REQUIRE_BACKENDS:+1}" \
		$(BIN)/python $(PYTEST)

test-numpy2: $(STAMP2)
	INFOTHEORY_REQUIRE_BACKENDS="$${INFOTHEORY_REQUIRE_BACKENDS:+numpy,torch,tensorflow,jax,dask}" \
		$(VENV2)/bin/python $(PYTEST)

test-fast: $(STAMP)
	$(BIN)/python $(PYTEST) -m "not slow"

compare: $(STAMP)
	$(BIN)/python benchmarks/compare.py --base $${BASE:?make compare BASE=REV} --quick

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/train_step.py
	$(BIN)/python benchmarks/estimators.py --json benchmarks/estimators.json
	$(BIN)/python benchmarks/dask_scale.py --json benchmarks/dask_scale.json

docs: $(STAMP)
	rm -rf docs/_build docs/api/generated docs/auto_examples
	cd docs && INFOTHEORY_DOCS_QUICK=$${DOCS_QUICK:-0} ../$(BIN)/python -m sphinx -W --keep-going -n -q \
		-b html . _build/html
	@echo "the site: docs/_build/html/index.html"

clean:
	rm -rf $(VENV) $(VENV2) build *.egg-info
