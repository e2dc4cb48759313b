"""Learn the aligner's parameters from the gold alignments (`corpora/alignments/`).

    python -m policynlp.align.tune              # fit, report, write policynlp/align/params.json
    python -m policynlp.align.tune --dry-run    # fit and report only

For each setting of the retrieval depth `k` and the least passage score
`min_score`, the candidate pairs of every gold pair are measured
(`assign.gather`); a logistic regression over their features predicts the
gold links, and its threshold is the one with the best link F1; then the two
relation thresholds (`partial_uncovered`, `verbatim_max_diff`) are searched
on the links it finds. The setting kept is the one with the best
leave-one-child-out score (pairs that share a child document are held out
together, since they share its items), and the final model is fitted on all
pairs. The report gives both the in-sample and the held-out figures.
"""
from __future__ import annotations

import argparse
import itertools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression

from .assign import FEATURES, PARAMS_PATH, Evidence, char_diff, gather, parent_uncovered
from .gold import GOLD_DIR, GoldPair, gold_documents, load_gold
from .text import PreparedItem, prepare

K_GRID = (5, 8, 12)
MIN_SCORE_GRID = (5, 6, 7, 8)
PARTIAL_GRID = np.round(np.arange(0.05, 0.81, 0.01), 2)
VERBATIM_GRID = range(0, 9)


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


def fit_links(data: list[PairData]) -> dict[str, Any]:
    """Logistic regression on standardised features, threshold at the best micro F1."""
    X = np.vstack([d.ev.features for d in data])
    y = np.concatenate([d.labels for d in data])
    mean, scale = X.mean(axis=0), X.std(axis=0) + 1e-9
    model = LogisticRegression(C=1.0, max_iter=2000).fit((X - mean) / scale, y)
    prob = model.predict_proba((X - mean) / scale)[:, 1]
    n_gold = sum(len(d.gold.links) for d in data)
    best = (-1.0, 0.5)
    for t in np.unique(np.round(prob, 3)):
        pred = prob >= t
        tp = int((pred & (y == 1)).sum())
        f1 = 2 * tp / (pred.sum() + n_gold) if pred.sum() + n_gold else 0.0
        if f1 > best[0]:
            best = (f1, float(t))
    # Between the last rejected and the first accepted probability, so nearby scores fall the same way.
    below = prob[prob < best[1]]
    threshold = (best[1] + below.max()) / 2 if len(below) else best[1]
    return {
        "features": list(FEATURES),
        "mean": mean.round(6).tolist(),
        "scale": scale.round(6).tolist(),
        "coef": model.coef_[0].round(6).tolist(),
        "intercept": round(float(model.intercept_[0]), 6),
        "threshold": round(float(threshold), 4),
    }


def _probability(ev: Evidence, link: dict[str, Any]) -> np.ndarray:
    z = (ev.features - np.asarray(link["mean"])) / np.asarray(link["scale"])
    return 1.0 / (1.0 + np.exp(-(z @ np.asarray(link["coef"]) + link["intercept"])))


def _relation_inputs(d: PairData, linked: np.ndarray) -> list[tuple[str | None, bool, float, float | None]]:
    """For each predicted link: gold relation (None if not a gold link), merged?, uncovered share, diff."""
    n_links = np.bincount(d.ev.child[linked], minlength=len(d.children))
    rows = []
    for pair in linked.tolist():
        c, p = int(d.ev.child[pair]), int(d.ev.parent[pair])
        gold_rel = d.gold.links.get((d.children[c].id, d.parents[p].id))
        cov_ok = d.ev.features[pair, 0] >= 0.8 and d.ev.features[pair, 1] >= 0.8
        diff = char_diff(d.children[c].norm, d.parents[p].norm) if cov_ok else None
        rows.append((gold_rel, bool(n_links[c] > 1), parent_uncovered(d.ev, pair, d.parents[p]), diff))
    return rows


def _relation(merged: bool, uncovered: float, diff: float | None, partial: float, verbatim: int) -> str:
    if merged or uncovered >= partial:
        return "partial"
    return "verbatim" if diff is not None and diff <= verbatim else "adapted"


def fit_relations(inputs: list[tuple[str | None, bool, float, float | None]]) -> dict[str, Any]:
    """The two relation thresholds with the best accuracy on the correctly found links."""
    scored = [r for r in inputs if r[0] is not None]
    best = (-1, 0.34, 1)
    for partial, verbatim in itertools.product(PARTIAL_GRID, VERBATIM_GRID):
        right = sum(_relation(m, u, d, partial, verbatim) == g for g, m, u, d in scored)
        # Ties: the partial threshold nearest the guideline's "about a third", the smallest diff.
        key = (right, -abs(partial - 0.34), -verbatim)
        if key > (best[0], -abs(best[1] - 0.34), -best[2]):
            best = (right, float(partial), int(verbatim))
    return {"partial_uncovered": best[1], "verbatim_max_diff": best[2]}


def evaluate(data: list[PairData], params: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Per pair: links, precision, recall, relation accuracy, exact unmatched sets."""
    out = {}
    rel = params["relation"]
    for d in data:
        linked = np.flatnonzero(_probability(d.ev, params["link"]) >= params["link"]["threshold"])
        inputs = _relation_inputs(d, linked)
        predicted = {
            (d.children[int(d.ev.child[p])].id, d.parents[int(d.ev.parent[p])].id): _relation(m, u, df, rel["partial_uncovered"], rel["verbatim_max_diff"])
            for p, (_, m, u, df) in zip(linked.tolist(), inputs)
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


def fit(data: list[PairData], k: int, min_score: int) -> dict[str, Any]:
    link = fit_links(data)
    inputs = []
    for d in data:
        linked = np.flatnonzero(_probability(d.ev, link) >= link["threshold"])
        inputs += _relation_inputs(d, linked)
    return {"k": k, "min_score": min_score, "link": link, "relation": fit_relations(inputs)}


def held_out(data: list[PairData], k: int, min_score: int) -> dict[str, dict[str, Any]]:
    """Leave-one-child-out: fit without the pairs of one child document, score them."""
    out: dict[str, dict[str, Any]] = {}
    for child in sorted({d.gold.child for d in data}):
        train = [d for d in data if d.gold.child != child]
        test = [d for d in data if d.gold.child == child]
        out.update(evaluate(test, fit(train, k, min_score)))
    return out


def tune(gold_dir: Path = GOLD_DIR) -> tuple[dict[str, Any], str]:
    """The parameters to ship, and a report of how they were chosen."""
    gold = load_gold(gold_dir)
    docs = gold_documents()
    prepared = {d: [prepare(it) for it in docs[d].items] for d in {g.child for g in gold} | {g.parent for g in gold}}
    lines = [f"{'k':>3} {'min':>4}   held-out P/R/F1/rel            in-sample P/R/F1/rel"]
    best: tuple[tuple[float, float], int, int] | None = None
    for k, min_score in itertools.product(K_GRID, MIN_SCORE_GRID):
        data = collect(gold, prepared, k, min_score)
        cv = micro(held_out(data, k, min_score))
        ins = micro(evaluate(data, fit(data, k, min_score)))
        lines.append(
            f"{k:3d} {min_score:4d}   {cv['precision']:.3f} {cv['recall']:.3f} {cv['f1']:.3f} {cv['relation_accuracy']:.3f}"
            f"        {ins['precision']:.3f} {ins['recall']:.3f} {ins['f1']:.3f} {ins['relation_accuracy']:.3f}"
        )
        key = (cv["f1"], cv["relation_accuracy"])
        if best is None or key > best[0]:
            best = (key, k, min_score)
    assert best is not None
    _, k, min_score = best
    data = collect(gold, prepared, k, min_score)
    params = fit(data, k, min_score)
    cv_results = held_out(data, k, min_score)
    in_results = evaluate(data, params)
    params["trained_on"] = sorted(g.name for g in gold)
    params["scores"] = {"in_sample": micro(in_results), "leave_one_child_out": micro(cv_results)}
    lines.append(f"\nchosen: k={k}, min_score={min_score}; per pair (held-out | in-sample):")
    for name in in_results:
        a, b = cv_results[name], in_results[name]
        lines.append(
            f"  {name:34} P {a['precision']:.3f} R {a['recall']:.3f} rel {a['relation_accuracy']:.3f}"
            f" | P {b['precision']:.3f} R {b['recall']:.3f} rel {b['relation_accuracy']:.3f}"
            f" unmatched {'exact' if b['child_unmatched_exact'] else 'WRONG'}/{'exact' if b['parent_unmatched_exact'] else 'WRONG'}"
        )
    return params, "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m policynlp.align.tune", description=__doc__.splitlines()[0])
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
