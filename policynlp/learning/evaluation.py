"""Scoring the pipeline on annotated notices, with spaCy's scorer.

Fields (each precision / recall / F1 over exact spans):

- `units`: an item's units with their roles, keyed (item id, span, role); an
  inherited unit counts for every item that inherits it;
- `unit_names`: unit-name spans (every mention, roles aside) inside items;
- `deadlines`: deadline spans with their normalised value;
- `doc_numbers`: document-number spans with issuer code, year and serial;
- `verbs`: per item, the set of task verbs;
- `items`: item text spans (whitespace at their ends aside).

Per notice, the cover fields (`title`, `issuer`, `date`, `doc_number`: right or
wrong, both absent counting as right) and whether its items are all exact
(`items_exact`: the predicted item spans are the gold ones) are reported as
shares of notices.

`policynlp evaluate --cv` retrains the recogniser with notices held out and
scores each held-out notice with a model and gazetteer that never saw it: one
notice at a time (a notice published twice is held out with its copy), or, with
`--by source|province|layout`, one group at a time (leave-one-group-out), the
honest figure for notices from a source the model has not seen.
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

from .annotations import TASK_ROLES, AnnotatedNotice
from .importers import load_annotations
from ..document import copy_key
from ..errors import InputError

FIELDS = ("units", "unit_names", "deadlines", "doc_numbers", "verbs", "items")
COVER_FIELDS = ("title", "issuer", "date", "doc_number")
DOCUMENT_FIELDS = COVER_FIELDS + ("items_exact",)
# How `--by` groups notices: the project's manifest fields of the notice's source.
GROUPINGS = {"source": "source_group", "province": "province", "layout": "layout_family"}


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
    text = nt.text
    _group(reference, "items", [(*_trim(text, *n(*it.span)), "ITEM") for it in notice.items])
    _group(predicted, "items", [(*_trim(text, *it.text), "ITEM") for it in structure.items])
    return Example(predicted, reference)


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def _squeeze(value: str | None) -> str | None:
    """A cover value compared as printed: script and width normalised, spaces and line breaks dropped."""
    if value is None:
        return None
    from ..text.normalize import normalize

    return "".join(normalize(value).text.split()) or None


def document_scores(notice: AnnotatedNotice, example: Example) -> dict[str, bool]:
    """The notice's cover fields right or wrong, and whether its items are all exact."""
    from ..api import to_document

    doc = to_document(example.predicted, notice.id)
    gold = notice.document
    issuers = lambda v: frozenset(_squeeze(v).replace("、", " ").split()) if v else None  # noqa: E731
    out = {
        "title": _squeeze(doc.title) == _squeeze(gold.get("title")),
        # a joint issuer is its bodies, however they are separated
        "issuer": issuers(doc.issuer and " ".join(doc.issuer.split())) == issuers(gold.get("issuer") and " ".join(str(gold["issuer"]).split())),
        "date": doc.date == (str(gold["date"]) if gold.get("date") else None),
        "doc_number": _squeeze(doc.doc_number.text if doc.doc_number else None) == _squeeze(gold.get("doc_number")),
    }
    gold_items = {(s.start_char, s.end_char) for s in example.reference.spans.get("items", [])}
    pred_items = {(s.start_char, s.end_char) for s in example.predicted.spans.get("items", [])}
    out["items_exact"] = gold_items == pred_items
    return out


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


def document_shares(per_document: dict[str, dict[str, bool]]) -> dict[str, float]:
    """Share of notices whose cover field (or item set) is right."""
    n = len(per_document) or 1
    return {f: sum(d[f] for d in per_document.values()) / n for f in DOCUMENT_FIELDS}


def evaluate_notices(notices: Sequence[AnnotatedNotice], nlp: Language) -> dict[str, Any]:
    """Scores over all notices and per notice."""
    examples = [example_for(n, nlp) for n in notices]
    per_notice = {n.id: score_examples([ex]) for n, ex in zip(notices, examples)}
    per_document = {n.id: document_scores(n, ex) for n, ex in zip(notices, examples)}
    return {"all": score_examples(examples), "per_notice": per_notice,
            "documents": document_shares(per_document), "per_document": per_document}


def training_notices(held: Sequence[AnnotatedNotice], notices: Sequence[AnnotatedNotice]) -> list[AnnotatedNotice]:
    """The notices a fold may train on: neither the held-out notices nor any copy of them
    (the same notice published twice, 80913 / 38733), which would put the test text in
    the training data."""
    copies = {copy_key(h.document.get("title"), h.document.get("date")) for h in held} - {None}
    return [n for n in notices
            if not any(n is h for h in held) and copy_key(n.document.get("title"), n.document.get("date")) not in copies]


def group_of(notice: AnnotatedNotice, by: str, corpus: Any = None) -> str:
    """The notice's group for `--by`: its source, province or layout family (from the project's
    manifests), `unknown` for a notice not in them."""
    from ..corpus import Corpus

    if by not in GROUPINGS:
        raise InputError(f"cannot group by {by!r} (expected one of {', '.join(GROUPINGS)})")
    entry = (corpus or Corpus()).entry_for_path(notice.source) if notice.source else None
    return str((entry.meta.get(GROUPINGS[by]) if entry else None) or "unknown")


def folds(notices: Sequence[AnnotatedNotice], by: str | None = None) -> list[tuple[str, list[AnnotatedNotice]]]:
    """(name, held-out notices) of each fold: one notice at a time, or one group at a time."""
    scored = [n for n in notices if n.items]
    if by is None:
        return [(n.id, [n]) for n in scored]
    groups: dict[str, list[AnnotatedNotice]] = {}
    for n in scored:
        groups.setdefault(group_of(n, by), []).append(n)
    if len(groups) < 2:
        raise InputError(f"held out by {by}, the notices form {len(groups)} group: at least two are needed")
    return sorted(groups.items())


def cross_validate(notices: Sequence[AnnotatedNotice], *, by: str | None = None, progress=None) -> dict[str, dict[str, Any]]:
    """Train on all but a fold's notices (a held-out notice's copies left out too) and score the
    fold with the full pipeline (rules and gazetteer of the training notices) and with the
    statistical recogniser alone (no rules, no gazetteer in the units; the structure stage,
    shared by every learner, reads the training notices' names), one model per fold. Folds are
    single notices, or with `by` the groups of `group_of`."""
    from ..pipeline import build
    from .training import train_model

    runs: dict[str, dict[str, Any]] = {
        name: {"examples": [], "per_notice": {}, "per_document": {}, "per_group": {}} for name in ("full", "statistical")
    }
    plan = folds(notices, by)
    iterator = progress(plan, len(plan), "folds") if progress else plan
    with tempfile.TemporaryDirectory() as tmp:
        for k, (name, held) in enumerate(iterator):
            model_dir = train_model(training_notices(held, notices), Path(tmp) / f"fold{k}")
            for run_name, use_rules in (("full", True), ("statistical", False)):
                run, nlp = runs[run_name], build(model_dir, use_rules=use_rules)
                examples = [example_for(h, nlp) for h in held]
                run["examples"] += examples
                for h, ex in zip(held, examples):
                    run["per_notice"][h.id] = score_examples([ex])
                    run["per_document"][h.id] = document_scores(h, ex)
                if by is not None:
                    run["per_group"][name] = {
                        "notices": [h.id for h in held],
                        **score_examples(examples),
                        "documents": document_shares({h.id: run["per_document"][h.id] for h in held}),
                    }
    out = {}
    for name, r in runs.items():
        out[name] = {
            "all": score_examples(r["examples"]),
            "per_notice": r["per_notice"],
            "per_document": r["per_document"],
            "documents": document_shares(r["per_document"]),
            "fold_average": fold_average(r["per_group"] if by is not None else r["per_notice"]),
        }
        if by is not None:
            out[name]["per_group"] = r["per_group"]
    return out


def fold_average(per_notice: dict[str, dict[str, dict[str, float]]]) -> dict[str, float]:
    """F1 per field averaged over the folds whose notice has gold for that field."""
    out = {}
    for field in FIELDS:
        values = [s[field]["f"] for s in per_notice.values() if s[field].get("n_gold", 1)]
        out[field] = sum(values) / len(values) if values else 0.0
    return out


def format_scores(scores: dict[str, Any], title: str = "scores") -> str:
    """Per group (when held out by group) or per notice, then pooled; then the shares of notices
    whose cover fields and items are right."""
    lines = [title, f"{'':24s} " + " ".join(f"{f:>17s}" for f in FIELDS)]

    def row(name: str, s: dict[str, dict[str, float]]) -> str:
        return f"{name[:24]:24s} " + " ".join(f"{s[f]['p']:.3f}/{s[f]['r']:.3f}/{s[f]['f']:.3f}" for f in FIELDS)

    groups = scores.get("per_group")
    for name, s in sorted((groups or scores.get("per_notice", {})).items()):
        lines.append(row(f"{name} ({len(s['notices'])})" if groups else name, s))
    lines.append(row("ALL (P/R/F1)", scores["all"]))
    if "fold_average" in scores:
        lines.append(f"F1 averaged over {'groups' if groups else 'folds'}: "
                     + ", ".join(f"{f} {v:.3f}" for f, v in scores["fold_average"].items()))
    if "documents" in scores:
        head = f"{'notices right':24s} " + " ".join(f"{f:>11s}" for f in DOCUMENT_FIELDS)
        lines += ["", head]
        for name, s in sorted((groups or {}).items()):
            lines.append(f"{name[:24]:24s} " + " ".join(f"{s['documents'][f]:11.3f}" for f in DOCUMENT_FIELDS))
        lines.append(f"{'ALL':24s} " + " ".join(f"{scores['documents'][f]:11.3f}" for f in DOCUMENT_FIELDS))
    return "\n".join(lines)


def evaluate_command(data: Sequence[str], model: str | None, *, cv: bool = False, by: str | None = None,
                     curve: bool = False, json_out: str | None = None) -> str:
    """`policynlp evaluate DATA... [--model DIR] [--cv [--by source|province|layout] [--curve]] [--json FILE]`."""
    import datetime

    from ..api import load
    from ..output import atomic_write_text, progress

    if by is not None and not cv:
        raise InputError("--by needs --cv")
    notices = load_annotations(data)
    if cv:
        runs = cross_validate(notices, by=by, progress=progress)
        full, alone = runs["full"], runs["statistical"]
        how = f"held out by {by} (leave-one-group-out)" if by else "leave-one-notice-out"
        out = [format_scores(full, f"{how}, full pipeline"),
               format_scores(alone, f"{how}, statistical recogniser alone (no rules, no gazetteer)")]
        report: dict[str, Any] = {
            "date": datetime.date.today().isoformat(),
            "held_out_by": by or "notice",
            "full": full["all"],
            "statistical": alone["all"],
            "documents": {"full": full["documents"], "statistical": alone["documents"]},
            "fold_average_unit_names_f1": alone["fold_average"]["unit_names"],
            "fold_average": {"full": full["fold_average"], "statistical": alone["fold_average"]},
            "per_notice": {"full": full["per_notice"], "statistical": alone["per_notice"]},
            "per_document": {"full": full["per_document"], "statistical": alone["per_document"]},
        }
        if by:
            report["per_group"] = {"full": full["per_group"], "statistical": alone["per_group"]}
        if curve:
            points = source_curve(notices, by=by) if by else learning_curve(notices)
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

    from ..pipeline import build
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


def source_curve(notices: Sequence[AnnotatedNotice], by: str = "source", seed: int = 0,
                 max_test_groups: int | None = None) -> list[dict[str, Any]]:
    """Units F1 (full pipeline and statistical recogniser alone) on a held-out group against the
    number of *other groups* trained on: what another source's (or province's) annotations buy.
    For each test group, the others are added in a seeded random order; points are averaged
    over the test groups."""
    import random

    from ..pipeline import build
    from .training import train_model

    plan = folds(notices, by)
    rng = random.Random(seed)
    tests = plan if max_test_groups is None else rng.sample(plan, min(max_test_groups, len(plan)))
    sums: dict[int, dict[str, list[float]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for t, (name, held) in enumerate(tests):
            others = [g for g in plan if g[0] != name]
            rng.shuffle(others)
            allowed = training_notices(held, notices)
            for k in range(1, len(others) + 1):
                ids = {n.id for _, members in others[:k] for n in members}
                train = [n for n in allowed if n.id in ids]
                model_dir = train_model(train, Path(tmp) / f"t{t}k{k}")
                point = sums.setdefault(k, {"full_units_f1": [], "statistical_units_f1": [], "statistical_unit_names_f1": []})
                for run, use_rules in (("full", True), ("statistical", False)):
                    s = score_examples([example_for(h, build(model_dir, use_rules=use_rules)) for h in held])
                    point[f"{run}_units_f1"].append(s["units"]["f"])
                    if run == "statistical":
                        point["statistical_unit_names_f1"].append(s["unit_names"]["f"])
    return [{"train_groups": k, "by": by, "test_groups": len(tests), **{key: sum(v) / len(v) for key, v in p.items()}}
            for k, p in sorted(sums.items())]


def format_curve(points: list[dict[str, Any]]) -> str:
    if points and "train_groups" in points[0]:
        lines = [f"learning curve over {points[0]['by']}s (held-out {points[0]['by']}, averaged over {points[0]['test_groups']})",
                 f"train_{points[0]['by']}s  full units_F1  statistical units_F1  statistical unit_names_F1"]
        lines += [f"{p['train_groups']:13d}  {p['full_units_f1']:14.3f}  {p['statistical_units_f1']:20.3f}  "
                  f"{p['statistical_unit_names_f1']:25.3f}" for p in points]
        return "\n".join(lines)
    lines = ["learning curve (statistical recogniser alone, held-out notices)", "train_notices  unit_names_F1  units_F1"]
    lines += [f"{p['train_notices']:13d}  {p['unit_names_f1']:13.3f}  {p['units_f1']:8.3f}" for p in points]
    return "\n".join(lines)


__all__ = ["FIELDS", "COVER_FIELDS", "evaluate_notices", "cross_validate", "folds", "group_of", "training_notices",
           "learning_curve", "source_curve", "format_scores", "example_for", "document_scores"]
