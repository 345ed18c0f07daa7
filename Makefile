# One venv for everything; `make app` and `make test` install what they need first.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: install app test bench example typecheck docs clean

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[app,dev]'
	touch $(STAMP)

install: $(STAMP)

app: $(STAMP)
	$(VENV)/bin/streamlit run app.py --server.headless true

test: $(STAMP)
	$(PY) -m pytest -q

bench: $(STAMP)
	$(PY) bench/run.py
	$(PY) bench/app_bench.py

example: $(STAMP)
	$(PY) bench/export_bench.py --example

typecheck: $(STAMP)
	$(PY) -m mypy

# the API reference (Sphinx + numpydoc), offline, warnings as errors: docs/api/_build/html
docs: $(STAMP)
	rm -rf docs/api/generated docs/api/_build
	$(PY) -m sphinx -b html -q -W --keep-going docs/api docs/api/_build/html

clean:
	rm -rf $(VENV)
