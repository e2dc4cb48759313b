"""Learn the aligner's parameters from the gold alignments (`corpora/alignments/`).

    python -m policynlp.mapping.tune              # fit, report, write policynlp/mapping/params.json
    python -m policynlp.mapping.tune --dry-run    # fit and report only

For each setting of the retrieval depth `k` and the least passage score
`min_score`, the candidate pairs of every gold pair are measured
(`assign.gather`); a logistic regression over their features predicts the
gold links, and its threshold is the one with the best link F1; then the
merge pass (`assign.decide_links`: a second parent item from which a linked
child item copies one sentence) is searched, and kept only when it finds more
gold links than spurious ones; then the relation thresholds
(`partial_uncovered`, `split_uncovered`, `verbatim_max_diff`) are searched on
the links found. The setting kept is
the one under which, held out (leave-one-child-out: pairs that share a child
document are held out together, since they share its items), the most gold
pairs meet the acceptance targets, then the best link F1 plus relation
accuracy; the final model is fitted on all pairs. The report gives both
the in-sample and the held-out figures.
"""
from __future__ import annotations

import argparse
import itertools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable

import numpy as np
from sklearn.linear_model import LogisticRegression

from ..document import Document
from .assign import (
    ALL_FEATURES,
    FEATURES,
    MAX_DIFF,
    PARAMS_PATH,
    Evidence,
    RelationInput,
    decide_links,
    gather,
    relation,
    relation_inputs,
)
from .gold import GOLD_DIR, GoldPair, check_gold, gold_documents, load_gold
from .text import PreparedItem, prepare_many

# Retrieval depth: alignment time grows with it. k = 12 was measured (2026-11): held out,
# one spurious link fewer and one relation more than k = 8 on the gold pairs, but about
# twice the CPU of the 10⁴ × 10⁵ scale benchmark, past its 60 s budget; it is left out.
K_GRID = (5, 8)
MIN_SCORE_GRID = (5, 6, 7, 8)
UNCOVERED_GRID = np.round(np.arange(0.0, 0.81, 0.02), 2)
VERBATIM_GRID = range(0, MAX_DIFF + 1)
GUIDELINE_PARTIAL = 0.34  # "about a third" (corpora/alignments/README.md): the tie-break


@dataclass
class PairData:
    """One gold pair's candidate pairs, measured, with their gold labels."""

    gold: GoldPair
    children: list[PreparedItem]
    parents: list[PreparedItem]
    ev: Evidence
    labels: np.ndarray  # 1 where the candidate pair is a gold link


def collect(gold: list[GoldPair], prepared: dict[str, list[PreparedItem]], k: int, min_score: int) -> list[PairData]:
    out = []
    for g in gold:
        children, parents = prepared[g.child], prepared[g.parent]
        ev = gather(children, parents, k, min_score)
        labels = np.array(
            [(children[c].id, parents[p].id) in g.links for c, p in zip(ev.child.tolist(), ev.parent.tolist())], dtype=int
        )
        out.append(PairData(g, children, parents, ev, labels))
    return out


def fit_links(data: list[PairData], features: tuple[str, ...] = FEATURES) -> dict[str, Any]:
    """Logistic regression on standardised features; the threshold with the best (then best nearby) link F1."""
    cols = [ALL_FEATURES.index(f) for f in features]
    X = np.vstack([d.ev.features[:, cols] for d in data])
    y = np.concatenate([d.labels for d in data])
    mean, scale = X.mean(axis=0), X.std(axis=0) + 1e-9
    model = LogisticRegression(C=1.0, max_iter=2000).fit((X - mean) / scale, y)
    prob = model.predict_proba((X - mean) / scale)[:, 1]
    n_gold = sum(len(d.gold.links) for d in data)
    grid = np.round(np.arange(0.02, 0.99, 0.01), 2)
    f1 = np.array([2 * int(((prob >= t) & (y == 1)).sum()) / ((prob >= t).sum() + n_gold) for t in grid])
    # The best F1, ties broken by the F1 around it (±0.05): a threshold on a plateau, not on a spike.
    smooth = np.convolve(f1, np.ones(11) / 11, mode="same")
    threshold = float(grid[np.lexsort((smooth, f1))[-1]])
    return {
        "features": list(features),
        "mean": mean.round(6).tolist(),
        "scale": scale.round(6).tolist(),
        "coef": model.coef_[0].round(6).tolist(),
        "intercept": round(float(model.intercept_[0]), 6),
        "threshold": round(float(threshold), 4),
    }


def _linked(ev: Evidence, params: dict[str, Any]) -> np.ndarray:
    return decide_links(ev, params)


MERGE_MATCH_GRID = np.round(np.arange(0.3, 1.001, 0.05), 2)
MERGE_WEIGHT_GRID = np.round(np.arange(2.5, 5.01, 0.25), 2)


def _gain(data: list[PairData], params: dict[str, Any]) -> tuple[int, int]:
    """(gold links found − spurious links, −links found) under `params`."""
    right = wrong = 0
    for d in data:
        linked = _linked(d.ev, params)
        hit = int(d.labels[linked].sum())
        right += hit
        wrong += len(linked) - hit
    return right - wrong, -(right + wrong)


def fit_merge(data: list[PairData], params: dict[str, Any]) -> dict[str, Any]:
    """The merge pass (`assign.decide_links`) with the most gold links found net of spurious ones; none unless it gains."""
    best = (_gain(data, params), None)
    for match, weight in itertools.product(MERGE_MATCH_GRID, MERGE_WEIGHT_GRID):
        trial = params | {"merge": {"sentence_match": float(match), "best_passage": float(weight)}}
        key = _gain(data, trial)
        if key > best[0]:
            best = (key, trial["merge"])
    return params if best[1] is None else params | {"merge": best[1]}


def fit_relations(scored: list[tuple[str, RelationInput]]) -> dict[str, Any]:
    """The relation thresholds with the best accuracy on (gold relation, inputs) of correctly found links.

    Ties go to the uncovered thresholds nearest the guideline's third, then to the strictest verbatim.
    """
    gold = np.array([g for g, _ in scored])
    merged = np.array([x.merged for _, x in scored], dtype=bool)
    split = np.array([x.split for _, x in scored], dtype=bool)
    unc = np.array([x.uncovered for _, x in scored])
    diff = np.array([np.inf if x.diff is None else x.diff for _, x in scored])
    best: tuple[tuple[float, ...], dict[str, Any]] | None = None
    for partial, split_t in itertools.product(UNCOVERED_GRID, UNCOVERED_GRID):
        is_partial = merged | (unc >= partial) | (split & (unc >= split_t))
        right_partial = int((is_partial & (gold == "partial")).sum())
        for verbatim in VERBATIM_GRID:
            is_verbatim = ~is_partial & (diff <= verbatim)
            is_adapted = ~is_partial & ~is_verbatim
            right = right_partial + int((is_verbatim & (gold == "verbatim")).sum() + (is_adapted & (gold == "adapted")).sum())
            key = (right, -abs(partial - GUIDELINE_PARTIAL), -abs(split_t - GUIDELINE_PARTIAL), -verbatim)
            if best is None or key > best[0]:
                best = (key, {"partial_uncovered": float(partial), "split_uncovered": float(split_t), "verbatim_max_diff": int(verbatim)})
    assert best is not None
    return best[1]


def _scored_links(data: list[PairData], params: dict[str, Any]) -> list[tuple[str, RelationInput]]:
    out = []
    for d in data:
        linked = _linked(d.ev, params)
        for pair, x in zip(linked.tolist(), relation_inputs(d.ev, linked, d.children, d.parents)):
            gold = d.gold.links.get((d.children[int(d.ev.child[pair])].id, d.parents[int(d.ev.parent[pair])].id))
            if gold is not None:
                out.append((gold, x))
    return out


def evaluate(data: list[PairData], params: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Per pair: links, precision, recall, relation accuracy, exact unmatched sets."""
    out = {}
    for d in data:
        linked = _linked(d.ev, params)
        predicted = {
            (d.children[int(d.ev.child[p])].id, d.parents[int(d.ev.parent[p])].id): relation(x, params["relation"])
            for p, x in zip(linked.tolist(), relation_inputs(d.ev, linked, d.children, d.parents))
        }
        correct = predicted.keys() & d.gold.links.keys()
        linked_c = {c for c, _ in predicted}
        linked_p = {p for _, p in predicted}
        out[d.gold.name] = {
            "links": len(d.gold.links),
            "predicted": len(predicted),
            "correct": len(correct),
            "precision": round(len(correct) / len(predicted), 4) if predicted else 1.0,
            "recall": round(len(correct) / len(d.gold.links), 4) if d.gold.links else 1.0,
            "relation_accuracy": round(sum(predicted[x] == d.gold.links[x] for x in correct) / len(correct), 4) if correct else 1.0,
            "child_unmatched_exact": {c.id for c in d.children} - linked_c == d.gold.child_unmatched,
            "parent_unmatched_exact": {p.id for p in d.parents} - linked_p == d.gold.parent_unmatched,
        }
    return out


def micro(results: dict[str, dict[str, Any]]) -> dict[str, float]:
    links = sum(r["links"] for r in results.values())
    pred = sum(r["predicted"] for r in results.values())
    corr = sum(r["correct"] for r in results.values())
    rel = sum(r["relation_accuracy"] * r["correct"] for r in results.values())
    p = corr / pred if pred else 1.0
    rc = corr / links if links else 1.0
    return {
        "precision": round(p, 4),
        "recall": round(rc, 4),
        "f1": round(2 * p * rc / (p + rc), 4) if p + rc else 0.0,
        "relation_accuracy": round(rel / corr, 4) if corr else 1.0,
    }


def passing(results: dict[str, dict[str, Any]]) -> int:
    """Pairs meeting the acceptance targets: link P and R >= 0.95, relations >= 0.9, exact unmatched sets."""
    return sum(
        r["precision"] >= 0.95 and r["recall"] >= 0.95 and r["relation_accuracy"] >= 0.9
        and r["child_unmatched_exact"] and r["parent_unmatched_exact"]
        for r in results.values()
    )


def fit(data: list[PairData], k: int, min_score: int) -> dict[str, Any]:
    params: dict[str, Any] = {"k": k, "min_score": min_score, "link": fit_links(data)}
    params = fit_merge(data, params)
    params["relation"] = fit_relations(_scored_links(data, params))
    return params


def held_out(data: list[PairData], k: int, min_score: int) -> dict[str, dict[str, Any]]:
    """Leave-one-child-out: fit without the pairs of one child document, score them."""
    out: dict[str, dict[str, Any]] = {}
    for child in sorted({d.gold.child for d in data}):
        train = [d for d in data if d.gold.child != child]
        test = [d for d in data if d.gold.child == child]
        out.update(evaluate(test, fit(train, k, min_score)))
    return out


def tune(
    gold_dir: Path = GOLD_DIR, documents: dict[str, Document] | None = None, progress: Callable[..., Iterable[Any]] | None = None
) -> tuple[dict[str, Any], str]:
    """The parameters to ship, and a report of how they were chosen.

    `documents` (by id) hold the items the gold files name; by default the
    gold-item documents of the project's annotations. The setting is chosen
    on held-out scores, so the gold pairs must come from two child documents or more.
    `progress` (as `output.progress`) wraps the loop over settings.
    """
    gold = load_gold(gold_dir)
    docs = gold_documents() if documents is None else documents
    check_gold(gold, docs)
    if len({g.child for g in gold}) < 2:
        raise ValueError("tuning needs gold pairs of two child documents or more (the setting is chosen held out)")
    prepared = {d: prepare_many(docs[d].items) for d in {g.child for g in gold} | {g.parent for g in gold}}
    lines = [f"{'k':>3} {'min':>4}   held-out P/R/F1/rel pass      in-sample P/R/F1/rel pass"]
    best: tuple[tuple[int, float], int, int] | None = None
    settings = list(itertools.product(K_GRID, MIN_SCORE_GRID))
    for k, min_score in progress(settings, len(settings), "tune", "setting") if progress else settings:
        data = collect(gold, prepared, k, min_score)
        cv_results = held_out(data, k, min_score)
        cv = micro(cv_results)
        in_results = evaluate(data, fit(data, k, min_score))
        ins = micro(in_results)
        lines.append(
            f"{k:3d} {min_score:4d}   {cv['precision']:.3f} {cv['recall']:.3f} {cv['f1']:.3f} {cv['relation_accuracy']:.3f} {passing(cv_results)}"
            f"      {ins['precision']:.3f} {ins['recall']:.3f} {ins['f1']:.3f} {ins['relation_accuracy']:.3f} {passing(in_results)}"
        )
        key = (passing(cv_results), cv["f1"] + cv["relation_accuracy"])
        if best is None or key > best[0]:
            best = (key, k, min_score)
    assert best is not None
    _, k, min_score = best
    data = collect(gold, prepared, k, min_score)
    params = fit(data, k, min_score)
    cv_results = held_out(data, k, min_score)
    in_results = evaluate(data, params)
    params["trained_on"] = sorted(g.name for g in gold)
    params["scores"] = {
        "in_sample": micro(in_results) | {"pairs_passing": passing(in_results)},
        "leave_one_child_out": micro(cv_results) | {"pairs_passing": passing(cv_results)},
        "pairs": len(gold),
    }
    lines.append(f"\nchosen: k={k}, min_score={min_score}, merge pass {params.get('merge', 'none')}; per pair (held-out | in-sample):")
    for name in in_results:
        a, b = cv_results[name], in_results[name]
        lines.append(
            f"  {name:34} P {a['precision']:.3f} R {a['recall']:.3f} rel {a['relation_accuracy']:.3f}"
            f" | P {b['precision']:.3f} R {b['recall']:.3f} rel {b['relation_accuracy']:.3f}"
            f" unmatched {'exact' if b['child_unmatched_exact'] else 'WRONG'}/{'exact' if b['parent_unmatched_exact'] else 'WRONG'}"
        )
    return params, "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m policynlp.mapping.tune", description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=GOLD_DIR, help="directory of gold alignment files")
    parser.add_argument("--out", type=Path, default=PARAMS_PATH, help="where to write the parameters")
    parser.add_argument("--dry-run", action="store_true", help="report only, write nothing")
    args = parser.parse_args(argv)
    params, report = tune(args.gold)
    print(report)
    if not args.dry_run:
        from ..output import atomic_write_text

        atomic_write_text(args.out, json.dumps(params, ensure_ascii=False, indent=2) + "\n")
        print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
