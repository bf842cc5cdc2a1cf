# peacesim: `make demo` shows the product, `make test` proves it, `make bench` measures it.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP_RUN  := $(VENV)/.installed-run
STAMP_TEST := $(VENV)/.installed-test
STAMP_LINT := $(VENV)/.installed-lint

.PHONY: demo test bench lint docs analysis clean python-version

# peacesim needs Python 3.11 or newer (tomllib, typing, pydantic 2); say so before pip does, obscurely
python-version:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "error: peacesim needs Python 3.11 or newer; '$(PYTHON)' not found (make PYTHON=python3.12 ...)" >&2; exit 1; }
	@$(PYTHON) -c 'import sys; v = sys.version_info; ok = v >= (3, 11); ok or print(f"error: peacesim needs Python 3.11 or newer; $(PYTHON) is {v.major}.{v.minor} (make PYTHON=python3.12 ...)", file=sys.stderr); sys.exit(0 if ok else 1)'

$(BIN)/python: | python-version
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(STAMP_RUN): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	touch $@

$(STAMP_TEST): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test,browser,bench,pandas,parquet]'
	touch $@ $(STAMP_RUN)

$(STAMP_LINT): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[lint,test,bench,pandas,parquet]'
	touch $@ $(STAMP_RUN)

demo: $(STAMP_RUN)
	$(BIN)/peacesim validate scenarios/*.yaml
	@mkdir -p reports
	$(BIN)/peacesim explain scenarios/baseline.yaml > reports/baseline-explained.txt
	@echo "resolved baseline, with where every value comes from: reports/baseline-explained.txt"
	$(BIN)/peacesim explain scenarios/baseline.yaml --diff
	$(BIN)/peacesim run scenarios/baseline.yaml --all-variants --replications 40 --report

test: $(STAMP_TEST)
	$(BIN)/python -m pytest -q

lint: $(STAMP_LINT)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy

bench: $(STAMP_TEST)
	$(BIN)/python -m benchmarks

# docs/analysis.md: the analyst's questions answered with the tool (about 5-8 minutes on 2 cores)
analysis: $(STAMP_RUN)
	$(BIN)/python docs/analysis.py --out docs/analysis.md

docs: $(STAMP_RUN)
	$(BIN)/peacesim schema --out schema/peacesim.schema.json
	$(BIN)/python -m peacesim.scenario.reference > docs/scenario-reference.md
	$(BIN)/python -m peacesim.catalog > docs/metrics.md
	$(BIN)/python -m peacesim.cli.shapes > docs/json.md

clean:
	rm -rf $(VENV) reports/*.db reports/*/
