"""Deadlines and unit names on the annotated notices: policynlp beside JioNLP and jieba in one run (issue 3).

    .venv/bin/python benchmarks/bench_entities.py [--data corpora/annotations/notices.jsonl]

Scored against the gold spans of corpora/annotations/notices.jsonl, micro-averaged
over all notices, exact character spans in the original text:

- deadlines: ours = the full pipeline's deadlines (`policynlp.load()`), scored
  on the span alone and on span + normalised value (kind and date / duration /
  frequency, as `policynlp.evaluation` labels them); JioNLP 1.5.31
  `ner.extract_time(with_parsing=True)` on the same spans, and on span + value
  where it gives one (a time_span/time_point's last day → absolute date;
  time_period deltas → yearly/quarterly/monthly/weekly; time_delta →
  a relative duration). A prediction without a usable value counts as wrong.
- unit names: ours = every unit name the pipeline attaches to an item (roles
  aside, inherited copies once); jieba.posseg words tagged `nt`. Two scopes:
  the whole notice content, and only inside the items ours found (the
  project's `unit_names` metric, where the peer gets the same regions).
- ours only (no peer recognises them): units with roles, document numbers.

Ours is in-sample here (its rules were written and its gazetteer learned on these
notices); a leave-one-notice-out row for unit names gives the unseen-notice
figure (`--no-cv` skips it: it retrains the recogniser once per notice).

Every system sees the same text: peers read the gold content (the notice
without the site's furniture) and every system's predictions are kept only
inside it; JioNLP gets the gold notice date as its time base (ours resolves
its own). Writes out/bench_entities.json with the misses and false alarms.
"""
from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
import traceback
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ANNOTATIONS, import_jionlp, machine, progress, quiet_jieba, write_json  # noqa: E402

from policynlp.learning.learners.sequences import score as prf  # noqa: E402

Span = tuple[int, int]


def prf_labelled(pred: list[tuple[int, int, str | None]], gold: set[tuple[int, int, str]]) -> dict[str, float | int]:
    """Span + value: a prediction without a value still counts in the precision's denominator."""
    spans = {(s, e) for s, e, _ in pred}
    tp = len({(s, e, v) for s, e, v in pred if v is not None} & gold)
    p = tp / len(spans) if spans else 0.0
    r = tp / len(gold) if gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": p, "r": r, "f": f, "tp": tp, "pred": len(spans), "gold": len(gold),
            "pred_with_value": len({(s, e) for s, e, v in pred if v is not None})}


# --- JioNLP's values in the project's labels ------------------------------------------------------


def jionlp_label(item: dict[str, Any]) -> str | None:
    """JioNLP's parsed value in `policynlp.evaluation`'s deadline labels, or None."""
    detail = item.get("detail") or {}
    kind = detail.get("type") or item.get("type")
    value = detail.get("time")
    if kind in ("time_span", "time_point") and isinstance(value, list) and len(value) == 2:
        end = value[1]
        if not isinstance(end, str) or "inf" in end:
            return None
        try:
            return "absolute:" + datetime.strptime(end[:10], "%Y-%m-%d").date().isoformat()
        except ValueError:
            return None
    if kind == "time_period" and isinstance(value, dict):
        delta = value.get("delta") or {}
        freq = {("year", 1): "yearly", ("month", 3): "quarterly", ("quarter", 1): "quarterly", ("month", 1): "monthly",
                ("week", 1): "weekly", ("day", 7): "weekly"}
        if len(delta) == 1:
            (unit, n), = delta.items()
            if (unit, n) in freq:
                return "recurring:" + freq[(unit, n)]
        return None
    if kind == "time_delta" and isinstance(value, dict) and len(value) == 1:
        (unit, n), = value.items()
        units = {"hour": "hour", "day": "day", "workday": "workday", "month": "month"}
        if unit in units and float(n).is_integer():
            return f"relative:{int(n)}:{units[unit]}"
    return None


def _time_base(date: str | None) -> float | None:
    if not date:
        return None
    try:
        return datetime.strptime(date, "%Y-%m-%d").timestamp()
    except ValueError:
        return None


# --- the run -----------------------------------------------------------------------------------


def held_out_units(notices: list, progress_desc: str = "cv folds") -> tuple[set, set]:
    """Unit names predicted for each notice by a recogniser (and gazetteer) trained on the others.

    The default model's gazetteer is learned from these very notices, so its
    scores here are in-sample; this is the honest figure for unseen notices
    (what `policynlp evaluate --cv` does). Returns (predicted, notices scored).
    """
    from policynlp.learning.evaluation import example_for
    from policynlp.pipeline import build
    from policynlp.learning.training import train_model

    scored = [n for n in notices if n.items]
    predicted: set = set()
    with tempfile.TemporaryDirectory() as tmp:
        for held in progress(scored, len(scored), progress_desc):
            model = train_model([n for n in notices if n is not held], Path(tmp) / held.id)
            doc = example_for(held, build(model)).predicted
            nt = doc._.normalized
            c0, c1 = held.content or (0, len(held.text))
            for units in (doc._.item_units or {}).values():
                for u in units:
                    if not u.inherited:
                        s, e = nt.to_original(*u.span)
                        if c0 <= s and e <= c1:
                            predicted.add((held.id, s, e))
    return predicted, {n.id for n in scored}


def run(data: Path, cv: bool = False) -> dict[str, Any]:
    import policynlp
    from policynlp.learning import load_annotations
    from policynlp.learning.evaluation import _deadline_label, example_for, score_examples

    quiet_jieba()
    import jieba.posseg as pseg

    jio = import_jionlp()
    notices = load_annotations([data])
    nlp = policynlp.load()
    nlp("预热：市政府办公厅牵头，2021年底前完成。")

    gold_dl: set = set()
    gold_dl_v: set = set()
    gold_units: set = set()
    gold_units_items: set = set()
    ours_dl: list = []
    ours_units: set = set()
    ours_units_items: set = set()
    jio_dl: list = []
    nt_units: set = set()
    nt_units_items: set = set()
    examples = []
    errors: list[dict[str, Any]] = []
    seconds = {"ours": 0.0, "jionlp": 0.0, "jieba.posseg": 0.0}
    chars = 0
    texts: dict[tuple, str] = {}

    for notice in progress(notices, len(notices), "notices"):
        text = notice.text
        c0, c1 = notice.content or (0, len(text))
        content = text[c0:c1]
        chars += len(content)
        key = notice.id

        def inside(s: int, e: int) -> bool:
            return c0 <= s and e <= c1

        for sp in notice.spans_of("DEADLINE"):
            gold_dl.add((key, sp.start, sp.end))
            gold_dl_v.add((key, sp.start, sp.end, _deadline_label(sp.attrs)))
            texts[(key, sp.start, sp.end)] = sp.text

        # Ours: the full pipeline, as the project's evaluation runs it.
        t0 = time.process_time()
        ex = example_for(notice, nlp)
        seconds["ours"] += time.process_time() - t0
        examples.append(ex)
        doc = ex.predicted
        nt = doc._.normalized
        n0, n1 = nt.content
        for sp in doc.spans.get("deadlines", []):
            if n0 <= sp.start_char and sp.end_char <= n1:
                s, e = nt.to_original(sp.start_char, sp.end_char)
                if inside(s, e):
                    ours_dl.append((key, s, e, _deadline_label(sp._.value)))
                    texts[(key, s, e)] = text[s:e]
        regions = [nt.to_original(*item.region) for item in doc._.structure.items]

        def in_items(s: int, e: int) -> bool:
            return any(a <= s and e <= b for a, b in regions)

        for sp in notice.spans_of("UNIT"):
            if inside(sp.start, sp.end):
                gold_units.add((key, sp.start, sp.end))
                if in_items(sp.start, sp.end):
                    gold_units_items.add((key, sp.start, sp.end))
                texts[(key, sp.start, sp.end)] = sp.text
        for units in (doc._.item_units or {}).values():
            for u in units:
                if u.inherited:
                    continue
                s, e = nt.to_original(*u.span)
                if inside(s, e):
                    ours_units.add((key, s, e))
                    texts[(key, s, e)] = text[s:e]
                    if in_items(s, e):
                        ours_units_items.add((key, s, e))

        # JioNLP extract_time on the content.
        if jio is not None:
            t0 = time.process_time()
            logging.disable(logging.ERROR)  # JioNLP logs a traceback for every phrase it cannot parse
            try:
                found = jio.ner.extract_time(content, time_base=_time_base(notice.document.get("date")), with_parsing=True)
            except Exception as e:  # recorded, the notice then has no JioNLP predictions
                found = []
                errors.append({"system": "jionlp", "notice": key, "error": f"{type(e).__name__}: {e}",
                               "where": traceback.format_exc().strip().splitlines()[-2].strip()})
            finally:
                logging.disable(logging.NOTSET)
            seconds["jionlp"] += time.process_time() - t0
            for item in found:
                s, e = c0 + item["offset"][0], c0 + item["offset"][1]
                jio_dl.append((key, s, e, jionlp_label(item)))
                texts[(key, s, e)] = text[s:e]

        # jieba.posseg `nt` words on the content.
        t0 = time.process_time()
        pos = c0
        for word, flag in pseg.cut(content):
            if flag == "nt":
                nt_units.add((key, pos, pos + len(word)))
                texts[(key, pos, pos + len(word))] = word
                if in_items(pos, pos + len(word)):
                    nt_units_items.add((key, pos, pos + len(word)))
            pos += len(word)
        seconds["jieba.posseg"] += time.process_time() - t0

    cv_row = None
    if cv:
        held, scored_ids = held_out_units(notices)
        cv_row = ("unit names, content", "ours, leave-one-notice-out",
                  prf(held, {g for g in gold_units if g[0] in scored_ids}))
    project = score_examples(examples)
    spans_only = lambda xs: {(k, s, e) for k, s, e, _ in xs}  # noqa: E731
    labelled = lambda xs: [((k, s), e, v) for k, s, e, v in xs]  # noqa: E731
    gold_v = {((k, s), e, v) for k, s, e, v in gold_dl_v}

    rows = [
        ("deadlines", "ours: span", prf(spans_only(ours_dl), gold_dl)),
        ("deadlines", "ours: span + value", prf_labelled(labelled(ours_dl), gold_v)),
    ]
    if jio is not None:
        rows += [
            ("deadlines", "JioNLP extract_time: span", prf(spans_only(jio_dl), gold_dl)),
            ("deadlines", "JioNLP extract_time: span + value", prf_labelled(labelled(jio_dl), gold_v)),
        ]
    rows += [
        ("unit names, content", "ours (in-sample: gazetteer learned here)", prf(ours_units, gold_units)),
        *([cv_row] if cv_row else []),
        ("unit names, content", "jieba.posseg nt", prf(nt_units, gold_units)),
        ("unit names, in items", "ours (in-sample)", prf(ours_units_items, gold_units_items)),
        ("unit names, in items", "jieba.posseg nt", prf(nt_units_items, gold_units_items)),
    ]
    project_rows = [(f, v) for f, v in project.items()]

    def listing(pred: set, gold: set) -> dict[str, list[str]]:
        show = lambda xs: [f"{k}@{s}:{texts.get((k, s, e), '')}" for k, s, e in sorted(xs)]  # noqa: E731
        return {"missed": show(gold - pred), "false_alarms": show(pred - gold)}

    return {
        "data": str(data),
        "notices": len(notices),
        "content_chars": chars,
        "rows": [{"field": f, "system": s, **m} for f, s, m in rows],
        "project_metrics_ours": {f: v for f, v in project_rows},
        "cpu_seconds": seconds,
        "chars_per_s_cpu": {k: (chars / v if v else None) for k, v in seconds.items()},
        "jionlp_available": jio is not None,
        "errors": errors,
        "details": {
            "deadlines_ours": listing(spans_only(ours_dl), gold_dl),
            "deadlines_jionlp": listing(spans_only(jio_dl), gold_dl) if jio is not None else None,
            "units_ours": listing(ours_units, gold_units),
            "units_jieba_nt": listing(nt_units, gold_units),
        },
    }


def print_report(r: dict[str, Any]) -> None:
    print(f"bench_entities: {r['notices']} annotated notices, {r['content_chars']:,} characters of content ({r['data']})")
    print(f"\n  {'field':22s} {'system':42s} {'P':>6s} {'R':>6s} {'F1':>6s} {'tp':>5s} {'pred':>5s} {'gold':>5s}")
    last = None
    for row in r["rows"]:
        field = row["field"] if row["field"] != last else ""
        last = row["field"]
        extra = f"  ({row['pred_with_value']} with a value)" if "pred_with_value" in row and row["system"].startswith("JioNLP") else ""
        print(f"  {field:22s} {row['system']:42s} {row['p']:6.3f} {row['r']:6.3f} {row['f']:6.3f} {row['tp']:5d} {row['pred']:5d} {row['gold']:5d}{extra}")
    if not r["jionlp_available"]:
        print("  (JioNLP not installed: `.venv/bin/pip install -e \".[bench]\"`)")
    print("\n  Ours is rule-based for deadlines and learned from these same notices for units (gazetteer + CRF):"
          "\n  its in-sample rows are an upper bound; the leave-one-notice-out row is the figure for unseen notices.")
    print("\n  ours, project metrics (policynlp.evaluation, in-sample; no peer does these):")
    for f, v in r["project_metrics_ours"].items():
        print(f"    {f:12s} P {v['p']:.3f}  R {v['r']:.3f}  F1 {v['f']:.3f}")
    speeds = ", ".join(f"{k} {v:,.0f}" for k, v in r["chars_per_s_cpu"].items() if v)
    print(f"\n  speed on the notices (chars/s, cpu; ours includes the scorer's reference doc): {speeds}")
    for e in r["errors"]:
        print(f"  ERROR {e['system']} on {e['notice']}: {e['error']}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=ANNOTATIONS)
    ap.add_argument("--no-cv", action="store_true",
                    help="skip the leave-one-notice-out unit row (retrains the recogniser once per notice)")
    args = ap.parse_args(argv)
    if not args.data.exists():
        print(f"bench_entities: no annotations at {args.data}; skipped.")
        return 0
    result = run(args.data, cv=not args.no_cv)
    result["machine"] = machine()
    print_report(result)
    path = write_json("bench_entities.json", result)
    print(f"\nwrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
