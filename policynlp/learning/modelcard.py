"""The model card of a trained unit recogniser: its data, configuration and scores.

    python -m policynlp.learning.modelcard models/unit_recognizer corpora/annotations/notices.jsonl

scores the default pipeline built on the model against the annotations and
writes `scores.json` and `README.md` next to the model. `make model` runs it
after training, so the card always describes the model it sits beside.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from .evaluation import FIELDS


def write_card(model_dir: Path, data: list[str]) -> dict:
    from .importers import load_annotations
    from .evaluation import evaluate_notices
    from ..output import atomic_write_text
    from ..pipeline import build

    notices = load_annotations(data)
    scores = evaluate_notices(notices, build(model_dir))
    meta = json.loads((model_dir / "meta.json").read_text(encoding="utf-8"))
    payload = {"data": data, "notices": len(notices), "scores": scores["all"], "per_notice": scores["per_notice"]}
    atomic_write_text(model_dir / "scores.json", json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
    cv_path = model_dir / "cv.json"
    cv = json.loads(cv_path.read_text(encoding="utf-8")) if cv_path.exists() else None
    atomic_write_text(model_dir / "README.md", _card(meta, payload, cv))
    return payload


def _row(name: str, s: dict) -> str:
    # a cross-validation run written before a field was scored shows it as –
    return f"| {name} | " + " | ".join(f"{s[f]['p']:.3f} / {s[f]['r']:.3f} / {s[f]['f']:.3f}" if f in s else "–" for f in FIELDS) + " |"


def _card(meta: dict, payload: dict, cv: dict | None) -> str:
    header = "| | " + " | ".join(FIELDS) + " |\n|---|" + "---|" * len(FIELDS)
    lines = [
        "# Model card: policynlp unit recogniser",
        "",
        f"- Learner: {meta['learner']}, seeded and deterministic (the same data gives the same model, byte for byte).",
        "- Features: characters and their neighbours (±3), bigrams and trigrams, unit-name shape (suffix ends,"
        " jurisdiction characters, the name grammar's tags), clause starts, bracket depth, the cell/text zone of the character,"
        " jieba words (the character's position in its word, the word, its length and dictionary part of speech;"
        " at a word's edges, the neighbouring word and its part of speech)"
        + (" and gazetteer tags" if meta.get("gazetteer_features") else
           "; no gazetteer tags (measured: they lower held-out F1 on prose notices; `policynlp train --gazetteer-features` adds them)")
        + f". Gazetteer: {meta['unit_names']} names learned from the annotations, read by the structure stage and the"
        " units component (in training each notice is parsed with the other notices' names only).",
        f"- Data: {len(meta['trained_on'])} annotated notices of `corpora/annotations/notices.jsonl` ({', '.join(meta['trained_on'])}).",
        "- Decoding: a decoded span is cut at prepositions, particles and negation that jieba reads as words"
        " of their own (报送至办公室 → 办公室; 将乐县财政局 stays whole) and"
        " before a list's tail (监督处等相关处室 → 监督处), names inside a quoted portal's name are dropped, and a"
        " span ending at a bracket closed inside it takes the unit suffix after it (各省（自治区、直辖市）政府);"
        " every annotated name passes these unchanged. They were found reading held-out errors: unit-name F1"
        " averaged over folds 0.907 without them.",
        "- Built by `make model` (`policynlp train` then `python -m policynlp.learning.modelcard`).",
        "",
        "## Scores of the default pipeline on the annotated notices (precision / recall / F1)",
        "",
        "These are training-set scores (the gazetteer has seen every name); for",
        "honest numbers see the cross-validation below.",
        "",
        header,
        _row("all notices", payload["scores"]),
    ]
    for name, s in sorted(payload["per_notice"].items()):
        lines.append(_row(name, s))
    if cv:
        lines += [
            "",
            "## Leave-one-notice-out cross-validation",
            "",
            f"From `policynlp evaluate corpora/annotations/notices.jsonl --cv` ({cv.get('date', '')}): each notice scored by",
            "a model and gazetteer trained on the others (a notice published twice, 80913 / 38733, is held out with its copy).",
            "",
            header,
            _row("full pipeline", cv["full"]),
            _row("statistical recogniser alone", cv["statistical"]),
            "",
            f"Unit-name F1 of the recogniser alone, averaged over folds: {cv.get('fold_average_unit_names_f1', float('nan')):.3f}."
            + (f" Unit F1 (with role) of the full pipeline, averaged over folds: {cv['fold_average']['full']['units']:.3f}."
               if "fold_average" in cv else ""),
        ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) < 2:
        print("usage: python -m policynlp.learning.modelcard MODEL_DIR DATA...", file=sys.stderr)
        return 2
    payload = write_card(Path(argv[0]), argv[1:])
    print(json.dumps(payload["scores"], indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
