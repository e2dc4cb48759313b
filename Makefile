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

# The corpus root is ../shared/corpora beside the checkout when present (or
# $POLICYNLP_CORPUS); without it the demo maps the bundled seeds and says so.
demo: $(STAMP)
	$(PY) -m policynlp map --out out
	$(PY) -m policynlp.analysis.figures out

test: $(STAMP)
	$(PY) -m pytest

# Rebuild the annotations' canonical JSONL from the authoring files.
annotations: $(STAMP)
	$(PY) -m policynlp annotations compile --all

# Rebuild models/ from corpora/annotations (deterministic; the model card's scores follow).
model: $(STAMP)
	$(PY) -m policynlp corpus verify
	$(PY) -m policynlp train corpora/annotations/notices.jsonl --output models/unit_recognizer
	$(PY) -m policynlp.learning.modelcard models/unit_recognizer corpora/annotations/notices.jsonl

# The learned-recogniser peers (HanLP needs torch) live in their own venv; torch
# 2.13.0 first, a CPU wheel: any other torch requirement pulls a CUDA build.
PEERS := .venv-peers
PEERS_PY := $(PEERS)/bin/python
$(PEERS)/.installed: pyproject.toml
	test -x $(PEERS_PY) || $(PYTHON) -m venv $(PEERS)
	$(PEERS_PY) -m pip install --quiet --upgrade pip
	$(PEERS_PY) -m pip install --quiet torch==2.13.0
	$(PEERS_PY) -m pip install --quiet -e ".[hanlp]"
	touch $(PEERS)/.installed

bench: $(STAMP) $(PEERS)/.installed
	$(PY) -m pip install --quiet -e ".[bench]"
	$(PY) benchmarks/run_all.py $(BENCH_ARGS)

clean:
	rm -rf out .pytest_cache
