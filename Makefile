# The README's two commands, `make demo` and `make test`, do all the set-up.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test bench model annotations clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test,notebooks]"
	$(PY) -m ipykernel install --prefix $(VENV) --name python3 >/dev/null
	touch $(STAMP)

demo: $(STAMP)
	$(PY) -m policynlp map corpora/notices --out out
	$(PY) -m policynlp.figures out

test: $(STAMP)
	$(PY) -m pytest

# Rebuild the annotations' canonical JSONL from the authoring files.
annotations: $(STAMP)
	$(PY) -m policynlp.annotations compile --all

# Rebuild models/ from corpora/annotations (deterministic; the model card's scores follow).
model: $(STAMP)
	$(PY) -m policynlp train corpora/annotations/notices.jsonl --output models/unit_recognizer
	$(PY) -m policynlp.modelcard models/unit_recognizer corpora/annotations/notices.jsonl

bench: $(STAMP)
	$(PY) -m pip install --quiet -e ".[bench]"
	$(PY) benchmarks/run_all.py

clean:
	rm -rf out .pytest_cache
