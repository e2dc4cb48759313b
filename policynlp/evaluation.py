"""Scoring the pipeline on annotated notices, with spaCy's scorer.

Fields (each precision / recall / F1 over exact spans):

- `units`: an item's units with their roles, keyed (item id, span, role); an
  inherited unit counts for every item that inherits it;
- `unit_names`: unit-name spans (every mention, roles aside) inside items;
- `deadlines`: deadline spans with their normalised value;
- `doc_numbers`: document-number spans with issuer code, year and serial;
- `verbs`: per item, the set of task verbs.

`policynlp evaluate --cv` retrains the recogniser leave-one-notice-out and
scores each held-out notice with a gazetteer that never saw it; a notice
published twice is held out with its copy.
"""
from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any, Sequence

from spacy.language import Language
from spacy.scorer import Scorer
from spacy.tokens import Doc, SpanGroup
from spacy.training import Example

from .annotations import TASK_ROLES, AnnotatedNotice, load_annotations
from .document import copy_key

FIELDS = ("units", "unit_names", "deadlines", "doc_numbers", "verbs")


def _deadline_label(v: dict[str, Any]) -> str:
    kind = v.get("kind")
    if kind == "absolute":
        return f"absolute:{v.get('date')}"
    if kind == "relative":
        d = v.get("duration") or {}
        return f"relative:{d.get('value')}:{d.get('unit')}"
    return f"recurring:{v.get('frequency')}"


def _group(doc: Doc, key: str, spans: list[tuple[int, int, str]]) -> None:
    group = []
    for s, e, label in spans:
        span = doc.char_span(s, e, label=label, alignment_mode="expand")
        if span is not None:
            group.append(span)
    doc.spans[key] = SpanGroup(doc, name=key, spans=group)


def example_for(notice: AnnotatedNotice, nlp: Language) -> Example:
    """Run the pipeline on a notice and pair its Doc with the gold, both in normalised offsets."""
    predicted = nlp(notice.text)
    nt = predicted._.normalized
    structure = predicted._.structure

    def n(s: int, e: int) -> tuple[int, int]:
        return nt.to_normalized(s, e)

    reference = Doc(predicted.vocab, words=[t.text for t in predicted], spaces=[False] * len(predicted))
    # Gold. A notice annotated without items (an import) scores units by span and role only.
    by_item = bool(notice.items)
    if by_item:
        gold_units = [(*n(u.start, u.end), f"{it.id}|{u.role}") for it in notice.items for u in it.units if u.role in TASK_ROLES]
    else:
        gold_units = [(*n(s.start, s.end), f"*|{s.attrs['role']}") for s in notice.spans_of("UNIT") if s.attrs["role"] in TASK_ROLES]
    _group(reference, "units", gold_units)
    regions = [item.region for item in structure.items]
    gold_names = [n(s.start, s.end) for s in notice.spans_of("UNIT")]
    _group(reference, "unit_names", [(s, e, "UNIT") for s, e in gold_names if any(a <= s and e <= b for a, b in regions)])
    _group(reference, "deadlines", [(*n(s.start, s.end), _deadline_label(s.attrs)) for s in notice.spans_of("DEADLINE")])
    _group(reference, "doc_numbers", [(*n(s.start, s.end), f"{s.attrs.get('issuer_code')}|{s.attrs.get('year')}|{s.attrs.get('serial')}")
                                      for s in notice.spans_of("DOC_NUMBER")])
    _group(reference, "verbs", _verb_spans(nt, [(it.id, n(*it.span), it.verbs) for it in notice.items]))
    # Prediction.
    c0, c1 = nt.content
    units = predicted._.item_units or {}
    if by_item:
        pred_units = [(*u.span, f"{item_id}|{u.role}") for item_id, us in units.items() for u in us if u.role in TASK_ROLES]
    else:
        pred_units = sorted({(*u.span, f"*|{u.role}") for us in units.values() for u in us if u.role in TASK_ROLES and not u.inherited})
    _group(predicted, "units", pred_units)
    names = {u.span for us in units.values() for u in us if not u.inherited}
    _group(predicted, "unit_names", [(s, e, "UNIT") for s, e in sorted(names)])
    _group(predicted, "deadlines", [(sp.start_char, sp.end_char, _deadline_label(sp._.value))
                                    for sp in predicted.spans.get("deadlines", []) if c0 <= sp.start_char and sp.end_char <= c1])
    _group(predicted, "doc_numbers", [(sp.start_char, sp.end_char, f"{sp._.value['issuer_code']}|{sp._.value['year']}|{sp._.value['serial']}")
                                      for sp in predicted.spans.get("doc_numbers", []) if c0 <= sp.start_char and sp.end_char <= c1])
    verbs = predicted._.item_verbs or {}
    _group(predicted, "verbs", _verb_spans(nt, [(it.id, it.text, verbs.get(it.id, [])) for it in structure.items]))
    return Example(predicted, reference)


def _verb_spans(nt, items) -> list[tuple[int, int, str]]:
    """Verbs as labelled spans over their item's text, so the span scorer counts (item, verb) pairs."""
    out = []
    for item_id, (s, e), verbs in items:
        if e <= s:
            continue
        for v in dict.fromkeys(verbs):
            out.append((s, e, f"{item_id}|{v}"))
    return out


def score_examples(examples: Sequence[Example]) -> dict[str, dict[str, float]]:
    scores = {}
    for key in FIELDS:
        s = Scorer.score_spans(examples, key, getter=lambda doc, k: doc.spans.get(k, []), allow_overlap=True)
        n_gold = sum(len(ex.reference.spans.get(key, [])) for ex in examples)
        scores[key] = {"p": s[f"{key}_p"] or 0.0, "r": s[f"{key}_r"] or 0.0, "f": s[f"{key}_f"] or 0.0, "n_gold": n_gold}
    return scores


def evaluate_notices(notices: Sequence[AnnotatedNotice], nlp: Language) -> dict[str, Any]:
    """Scores over all notices and per notice."""
    examples = [example_for(n, nlp) for n in notices]
    per_notice = {n.id: score_examples([ex]) for n, ex in zip(notices, examples)}
    return {"all": score_examples(examples), "per_notice": per_notice}


def training_notices(held: Sequence[AnnotatedNotice], notices: Sequence[AnnotatedNotice]) -> list[AnnotatedNotice]:
    """The notices a fold may train on: neither the held-out notices nor any copy of them
    (the same notice published twice, 80913 / 38733), which would put the test text in
    the training data."""
    copies = {copy_key(h.document.get("title"), h.document.get("date")) for h in held} - {None}
    return [n for n in notices
            if not any(n is h for h in held) and copy_key(n.document.get("title"), n.document.get("date")) not in copies]


def cross_validate(notices: Sequence[AnnotatedNotice], *, progress=None) -> dict[str, dict[str, Any]]:
    """Leave-one-notice-out: train on the others (copies of the held-out notice left out
    too), score the held-out notice with the full
    pipeline (rules and gazetteer of the training notices) and with the statistical
    recogniser alone (no rules, no gazetteer in the units; the structure stage, shared by
    every learner, reads the training notices' names), one model per fold."""
    from .pipeline import build
    from .training import train_model

    runs: dict[str, dict[str, Any]] = {"full": {"examples": [], "per_notice": {}}, "statistical": {"examples": [], "per_notice": {}}}
    scored = [n for n in notices if n.items]
    iterator = progress(scored, len(scored), "folds") if progress else scored
    with tempfile.TemporaryDirectory() as tmp:
        for held in iterator:
            model_dir = train_model(training_notices([held], notices), Path(tmp) / held.id)
            for name, use_rules in (("full", True), ("statistical", False)):
                ex = example_for(held, build(model_dir, use_rules=use_rules))
                runs[name]["examples"].append(ex)
                runs[name]["per_notice"][held.id] = score_examples([ex])
    return {
        name: {"all": score_examples(r["examples"]), "per_notice": r["per_notice"], "fold_average": fold_average(r["per_notice"])}
        for name, r in runs.items()
    }


def fold_average(per_notice: dict[str, dict[str, dict[str, float]]]) -> dict[str, float]:
    """F1 per field averaged over the folds whose notice has gold for that field."""
    out = {}
    for field in FIELDS:
        values = [s[field]["f"] for s in per_notice.values() if s[field].get("n_gold", 1)]
        out[field] = sum(values) / len(values) if values else 0.0
    return out


def format_scores(scores: dict[str, Any], title: str = "scores") -> str:
    lines = [title, f"{'notice':24s} " + " ".join(f"{f:>17s}" for f in FIELDS)]

    def row(name: str, s: dict[str, dict[str, float]]) -> str:
        return f"{name:24s} " + " ".join(f"{s[f]['p']:.3f}/{s[f]['r']:.3f}/{s[f]['f']:.3f}" for f in FIELDS)

    for name, s in sorted(scores.get("per_notice", {}).items()):
        lines.append(row(name, s))
    lines.append(row("ALL (P/R/F1)", scores["all"]))
    if "fold_average" in scores:
        lines.append("F1 averaged over folds: " + ", ".join(f"{f} {v:.3f}" for f, v in scores["fold_average"].items()))
    return "\n".join(lines)


def evaluate_command(data: Sequence[str], model: str | None, *, cv: bool = False, curve: bool = False,
                     json_out: str | None = None) -> str:
    """`policynlp evaluate DATA... [--model DIR] [--cv [--curve]] [--json FILE]`."""
    import datetime

    from .api import load
    from .output import atomic_write_text, progress

    notices = load_annotations(data)
    if cv:
        runs = cross_validate(notices, progress=progress)
        full, alone = runs["full"], runs["statistical"]
        out = [format_scores(full, "leave-one-notice-out, full pipeline"),
               format_scores(alone, "leave-one-notice-out, statistical recogniser alone (no rules, no gazetteer)")]
        report: dict[str, Any] = {
            "date": datetime.date.today().isoformat(),
            "full": full["all"],
            "statistical": alone["all"],
            "fold_average_unit_names_f1": alone["fold_average"]["unit_names"],
            "fold_average": {"full": full["fold_average"], "statistical": alone["fold_average"]},
            "per_notice": {"full": full["per_notice"], "statistical": alone["per_notice"]},
        }
        if curve:
            points = learning_curve(notices)
            out.append(format_curve(points))
            report["learning_curve"] = points
        if json_out:
            atomic_write_text(Path(json_out), json.dumps(report, ensure_ascii=False, indent=2) + "\n")
        return "\n\n".join(out)
    scores = evaluate_notices(notices, load(model) if model else load())
    if json_out:
        atomic_write_text(Path(json_out), json.dumps(scores, ensure_ascii=False, indent=2) + "\n")
    return format_scores(scores)


def learning_curve(notices: Sequence[AnnotatedNotice], sizes: Sequence[int] | None = None, seed: int = 0) -> list[dict[str, Any]]:
    """Unit-name F1 of the statistical recogniser alone against the number of training notices."""
    import random

    from .pipeline import build
    from .training import train_model

    scored = [n for n in notices if n.items]
    rng = random.Random(seed)
    order = scored[:]
    rng.shuffle(order)
    test = order[: max(3, len(order) // 4)]
    pool = training_notices(test, notices)
    sizes = sizes or sorted({k for k in (1, 2, 4, 8, 12, 16, len(pool)) if k <= len(pool)})
    points = []
    with tempfile.TemporaryDirectory() as tmp:
        for k in sizes:
            model_dir = train_model(pool[:k], Path(tmp) / f"n{k}")
            nlp = build(model_dir, use_rules=False)
            s = score_examples([example_for(n, nlp) for n in test])
            points.append({"train_notices": k, "unit_names_f1": s["unit_names"]["f"], "units_f1": s["units"]["f"]})
    return points


def format_curve(points: list[dict[str, Any]]) -> str:
    lines = ["learning curve (statistical recogniser alone, held-out notices)", "train_notices  unit_names_F1  units_F1"]
    lines += [f"{p['train_notices']:13d}  {p['unit_names_f1']:13.3f}  {p['units_f1']:8.3f}" for p in points]
    return "\n".join(lines)


__all__ = ["FIELDS", "evaluate_notices", "cross_validate", "training_notices", "learning_curve", "format_scores", "example_for"]
