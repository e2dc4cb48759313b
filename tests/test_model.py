"""The shipped model is what `make model` builds from the annotations, and its card tells the truth."""
from __future__ import annotations

import json
from pathlib import Path

from conftest import ANNOTATIONS, gold_notices, require_corpus

MODEL = Path(__file__).resolve().parent.parent / "models" / "unit_recognizer"


def test_rebuilding_gives_the_shipped_model(tmp_path):
    from policynlp.learning.training import train_model

    rebuilt = train_model(list(gold_notices().values()), tmp_path / "model")
    assert (rebuilt / "crf.model").read_bytes() == (MODEL / "crf.model").read_bytes()
    assert (rebuilt / "gazetteer.txt").read_text(encoding="utf-8") == (MODEL / "gazetteer.txt").read_text(encoding="utf-8")


def test_model_card_scores_are_the_models():
    require_corpus()
    from policynlp.learning import load_annotations
    from policynlp.learning.evaluation import evaluate_notices
    from policynlp.pipeline import build

    card = json.loads((MODEL / "scores.json").read_text(encoding="utf-8"))
    scores = evaluate_notices(load_annotations([ANNOTATIONS]), build(MODEL))
    assert scores["all"] == card["scores"]
    readme = (MODEL / "README.md").read_text(encoding="utf-8")
    units = card["scores"]["units"]
    assert f"{units['p']:.3f} / {units['r']:.3f} / {units['f']:.3f}" in readme


def test_model_is_small():
    assert sum(p.stat().st_size for p in MODEL.iterdir()) < 2_000_000
