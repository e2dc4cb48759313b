"""From candidate pairs to links and relations.

Evidence: every segment of a child item is aligned (Smith-Waterman) against
each candidate parent item of that child item; each character counts with the
rarity of its 3-gram (`retrieval.GramIndex`), so that shared boilerplate
(`政务公开标准化规范化工作`) weighs little. For each candidate pair the link
model reads

- `exclusive`: weighted share of the child item whose best source (among its
  candidates) is this parent item: the main evidence, and what tells the
  second parent of a merged item from a near duplicate of the first;
- `parent_share`: weighted coverage of the parent item by this child item,
  relative to its best-covering child item, so that each part of a split
  parent is kept and a weaker echo of a better match is not;
- `best_passage`: the weight of the strongest single passage (log), and
  `best_segment`: the best alignment score, per character, of a child segment
  whose best source this parent item is (short segments count as 16
  characters), and their product `sentence_copy`: one informative sentence
  copied whole carries a link on its own (the second parent of a merged item),
  a phrase shared in passing does not;
- `cosine`: the retrieval similarity;
- `word_exclusive`: `exclusive` on words rather than aligned text
  (`words.WordIndex`): the rare bigrams of each child segment the parent item
  holds in any order, which a reworded task keeps and local alignment misses.

A logistic model over these (weights and threshold learned on the gold
alignments by `tune.py`) decides each link, and a merge pass adds a second
parent item from which a linked child item copies one sentence whole
(`sentence_match`: a child segment against the whole parent segments its
passage touches; see `decide_links`). Links are many-to-many: a parent
paragraph split over several child items and several parent items merged
into one child item are both kept.

Relations follow the annotation guideline (corpora/alignments/README.md):
`partial` when the child item has several links (a merge), when the parent
item has several links (a split) and this child leaves `split_uncovered` or
more of it without counterpart, or when the child leaves `partial_uncovered`
or more of the parent item without counterpart; `verbatim` when both items
are almost wholly covered and their comparison forms (no punctuation, no
unit, level or place names) differ by at most `verbatim_max_diff` characters;
`adapted` otherwise. What has no counterpart is read task by task: the
parent item's clauses (`PreparedItem.tasks`) that the pair's passages hardly
touch and whose words the child item mostly lacks (a reworded clause keeps
its words; a list keeps some of its members, `社会救助、扶贫等`, and counts as
kept: trimmed qualifiers are counterparts).
"""
from __future__ import annotations

import difflib
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from .local import align_pairs
from .retrieval import GramIndex
from .text import PreparedItem
from .words import WordIndex

PARAMS_PATH = Path(__file__).with_name("params.json")
# The features the link model reads (`tune`), and every feature `gather` measures
# (a parameter set names the ones its model reads).
FEATURES = ("exclusive", "parent_share", "best_passage", "best_segment", "sentence_copy", "cosine", "word_exclusive")
ALL_FEATURES = FEATURES + ("sentence_match",)
# Verbatim needs both texts almost wholly covered; below this no character diff is taken.
# Diffs above MAX_DIFF characters are not measured (no verbatim threshold is that loose).
MAX_DIFF = 8
_VERBATIM_COVERAGE = 0.8
# Near copies: anchors of this many characters, aligned within this band around them.
_ANCHOR, _BAND = 4, 8
# Segments shorter than this count as this long for `best_segment` (a copied title is little evidence).
_LONG_SEGMENT = 16
# A parent task clause with less of it aligned than this, and less of its words
# (weighted) in the child item than WORD_COVERED, has no counterpart in the child.
# (WORD_COVERED was compared held out at 0.3, 0.4, 0.5, 0.6 and with passages alone:
# 0.3 was best, by one or two relations of 120.)
_SEGMENT_TOUCHED = 0.25
WORD_COVERED = 0.3


@lru_cache(maxsize=1)
def default_params() -> dict[str, Any]:
    """The tuned parameters shipped with the package (`params.json`)."""
    return json.loads(PARAMS_PATH.read_text(encoding="utf-8"))


def check_params(params: Any) -> dict[str, Any]:
    """`params` if it is a parameter set the aligner can run on (as `tune` writes), else ValueError saying what is wrong."""

    def need(ok: bool, what: str) -> None:
        if not ok:
            raise ValueError(f"not aligner parameters: {what}")

    need(isinstance(params, dict), "not a JSON object")
    for key in ("k", "min_score"):
        need(isinstance(params.get(key), int) and params[key] >= 1, f"'{key}' must be a positive integer")
    link = params.get("link")
    need(isinstance(link, dict), "no 'link' model")
    features = link.get("features", list(FEATURES))
    need(isinstance(features, list) and set(features) <= set(ALL_FEATURES), f"'link.features' must be among {', '.join(ALL_FEATURES)}")
    for key in ("mean", "scale", "coef"):
        values = link.get(key)
        need(isinstance(values, list) and len(values) == len(features) and all(isinstance(v, (int, float)) for v in values),
             f"'link.{key}' must hold one number per feature")
    for key in ("intercept", "threshold"):
        need(isinstance(link.get(key), (int, float)), f"'link.{key}' must be a number")
    merge = params.get("merge")
    need(merge is None or (isinstance(merge, dict) and all(isinstance(merge.get(k), (int, float)) for k in ("sentence_match", "best_passage"))),
         "'merge' must give 'sentence_match' and 'best_passage'")
    rel = params.get("relation")
    need(isinstance(rel, dict) and all(isinstance(rel.get(k), (int, float)) for k in ("partial_uncovered", "split_uncovered", "verbatim_max_diff")),
         "'relation' must give 'partial_uncovered', 'split_uncovered' and 'verbatim_max_diff'")
    return params


def load_params(path: str | Path) -> dict[str, Any]:
    """A parameter file written by `tune` (`policynlp train-aligner`), checked; ValueError if unreadable or not one."""
    try:
        params = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValueError("no such file") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"cannot read aligner parameters ({exc})") from None
    return check_params(params)


@dataclass
class Evidence:
    """Candidate pairs (child index, parent index), their features and coverage, and their passages.

    `coverage` holds each pair's share of the child item and of the parent item
    covered by aligned characters. Passage row r belongs to pair `rows_pair[r]`;
    `q_start/q_end` are offsets in the child item's kept characters,
    `t_start/t_end` in the parent item's, `score` the local-alignment score;
    `words` the word sets of the items (for the relation rules).
    """

    child: np.ndarray
    parent: np.ndarray
    features: np.ndarray  # (pairs, len(ALL_FEATURES))
    coverage: np.ndarray  # (pairs, 2)
    rows_pair: np.ndarray
    q_start: np.ndarray
    q_end: np.ndarray
    t_start: np.ndarray
    t_end: np.ndarray
    score: np.ndarray
    words: WordIndex | None = None
    _order: np.ndarray = field(init=False, repr=False)
    _sorted: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._order = np.argsort(self.rows_pair, kind="stable")
        self._sorted = self.rows_pair[self._order]

    def rows_of(self, pair: int) -> np.ndarray:
        """The passage rows of candidate pair `pair`."""
        a, b = np.searchsorted(self._sorted, [pair, pair + 1])
        return self._order[a:b]


def _group_max(values: np.ndarray, groups: np.ndarray, n: int) -> np.ndarray:
    out = np.zeros(n, dtype=np.float64)
    np.maximum.at(out, groups, values)
    return out


def _segment_alignments(
    children: list[PreparedItem],
    parents: list[PreparedItem],
    ci: np.ndarray,
    pj: np.ndarray,
    min_score: int,
    workers: int | None,
) -> tuple[np.ndarray, ...]:
    """Align each segment of each candidate pair's child item against the parent item.

    A segment found verbatim in the parent item needs no alignment. A segment
    whose first and last four characters sit in the parent item about a
    segment's length apart is a near copy: it is aligned against that stretch
    of the parent item only (a band of `_BAND` characters either side), not
    the whole item.

    Returns per segment row: pair, (child item, segment) key, score, the child
    and parent ranges (child offsets in item coordinates) and the segment length.
    """
    queries: list[np.ndarray] = []
    targets: list[np.ndarray] = []
    seg_pair: list[int] = []
    seg_key: list[int] = []
    seg_base: list[int] = []
    t_base: list[int] = []
    exact_rows: list[int] = []
    exact_at: list[int] = []
    seg_offset = np.cumsum([0] + [len(c.segments) for c in children])
    for pair, (c, p) in enumerate(zip(ci.tolist(), pj.tolist())):
        child, parent = children[c], parents[p]
        for s, (a, b) in enumerate(child.segments.tolist()):
            text = child.norm[a:b]
            at = parent.norm.find(text)
            lo, hi = 0, len(parent.codes)
            if at >= 0:
                exact_rows.append(len(queries))
                exact_at.append(at)
            elif b - a >= _ANCHOR * 3:
                head = parent.norm.find(text[:_ANCHOR])
                tail = parent.norm.find(text[-_ANCHOR:], head + 1) if head >= 0 else -1
                if tail >= 0 and abs(tail + _ANCHOR - head - (b - a)) <= _BAND:
                    lo, hi = max(0, head - _BAND), min(hi, tail + _ANCHOR + _BAND)
            queries.append(child.codes[a:b])
            targets.append(parent.codes[lo:hi])
            t_base.append(lo)
            seg_pair.append(pair)
            seg_key.append(int(seg_offset[c]) + s)
            seg_base.append(a)
    n = len(queries)
    q_len = np.fromiter(map(len, queries), dtype=np.int64, count=n)
    score, q_s, q_e, t_s, t_e = (np.zeros(n, dtype=np.int64) for _ in range(5))
    ex = np.array(exact_rows, dtype=np.int64)
    todo = np.setdiff1d(np.arange(n), ex)
    res = align_pairs([queries[r] for r in todo], [targets[r] for r in todo], min_score, workers)
    score[todo], q_s[todo], q_e[todo], t_s[todo], t_e[todo] = res.score, res.q_start, res.q_end, res.t_start, res.t_end
    shift = np.array(t_base, dtype=np.int64)
    t_s, t_e = t_s + shift, t_e + shift
    at = np.array(exact_at, dtype=np.int64)
    score[ex], q_e[ex], t_s[ex], t_e[ex] = q_len[ex], q_len[ex], at, at + q_len[ex]
    base = np.array(seg_base, dtype=np.int64)
    keep = score >= min_score
    return (
        np.array(seg_pair, dtype=np.int64)[keep], np.array(seg_key, dtype=np.int64)[keep], score[keep],
        (q_s + base)[keep], (q_e + base)[keep], t_s[keep], t_e[keep], q_len[keep], int(seg_offset[-1]),
    )


def gather(
    children: list[PreparedItem], parents: list[PreparedItem], k: int, min_score: int, workers: int | None = None
) -> Evidence:
    """Retrieve candidates, align child segments against them (in `workers` processes), and measure each pair."""
    grams = GramIndex([c.codes for c in children], [p.codes for p in parents])
    ci, pj, cosine = grams.nearest(k)
    n_pairs = len(ci)
    pair_r, key_r, score, q_s, q_e, t_s, t_e, seg_len, n_keys = _segment_alignments(
        children, parents, ci, pj, min_score, workers
    )

    # Cumulative weights: the weight of item k's characters [a, b) is cum[off[k] + b] - cum[off[k] + a].
    cum = np.concatenate(([0.0], np.cumsum(grams.weights, dtype=np.float64)))
    off_p = grams.offsets[:-1][: len(parents)]
    off_c = grams.offsets[:-1][len(parents):]
    c_of, p_of = ci[pair_r], pj[pair_r]

    def weight(off: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return cum[off + b] - cum[off + a]

    c_len = np.array([max(1, len(c.codes)) for c in children], dtype=np.float64)[ci]
    p_len = np.array([max(1, len(p.codes)) for p in parents], dtype=np.float64)[pj]
    c_tot = np.maximum(1.0, weight(off_c, 0, np.array([len(c.codes) for c in children], dtype=np.int64)))[ci]
    p_tot = np.maximum(1.0, weight(off_p, 0, np.array([len(p.codes) for p in parents], dtype=np.int64)))[pj]

    span_c = (q_e - q_s).astype(np.float64)
    w_c = weight(off_c[c_of], q_s, q_e)
    child_cov = np.bincount(pair_r, weights=span_c, minlength=n_pairs) / c_len
    # The best source of each child segment among its candidates; of sources that align
    # it equally well (a sentence two parent items share), the one closer to the whole child item.
    rank = score + 1e-3 * cosine[pair_r]
    is_best = rank >= _group_max(rank, key_r, n_keys)[key_r]
    exclusive = np.bincount(pair_r, weights=w_c * is_best, minlength=n_pairs) / c_tot
    best_passage = np.log1p(_group_max(w_c, pair_r, n_pairs))
    # A child segment this parent item is the best source of, copied whole.
    whole = np.where(is_best, score / np.maximum(seg_len, _LONG_SEGMENT), 0.0)
    best_segment = _group_max(whole, pair_r, n_pairs)

    # Union of aligned parent ranges per pair: sorted, with a running end across each pair's rows.
    big = int(max((len(p.codes) for p in parents), default=0)) + 1
    order = np.lexsort((t_s, pair_r))
    shift = pair_r[order] * big
    s, e = t_s[order], t_e[order]
    ends = np.maximum.accumulate(e + shift) if len(e) else e
    prev = np.concatenate(([0], ends[:-1])) - shift
    from_ = np.maximum(s, prev)
    gain = np.maximum(0, e - from_)
    parent_cov = np.bincount(pair_r[order], weights=gain, minlength=n_pairs) / p_len
    w_gain = np.where(gain > 0, weight(off_p[p_of[order]], np.minimum(from_, e), e), 0.0)
    parent_wcov = np.bincount(pair_r[order], weights=w_gain, minlength=n_pairs) / p_tot

    parent_share = parent_wcov / np.maximum(_group_max(parent_wcov, pj, len(parents))[pj], 1e-9)
    # Two-sided sentence match: a child segment (whose best source is this parent item)
    # against the whole parent segments its passage touches, so that one sentence copied
    # whole from a multi-sentence parent item counts, a clause quoted from a long one less.
    p_code_off = np.cumsum([0] + [len(p.codes) for p in parents])
    seg_start = np.concatenate([p.segments[:, 0] + o for p, o in zip(parents, p_code_off)]) if parents else np.zeros(0, np.int64)
    seg_end = np.concatenate([p.segments[:, 1] + o for p, o in zip(parents, p_code_off)]) if parents else np.zeros(0, np.int64)
    g_ts, g_te = t_s + p_code_off[p_of], t_e + p_code_off[p_of]
    first = np.searchsorted(seg_end, g_ts, side="right")
    last = np.maximum(first, np.searchsorted(seg_start, g_te, side="left") - 1)
    p_span = (seg_end[np.minimum(last, len(seg_end) - 1)] - seg_start[np.minimum(first, len(seg_start) - 1)]) if len(seg_end) else np.zeros(0)
    two_sided = np.where(is_best, score / np.maximum(np.maximum(seg_len, p_span), _LONG_SEGMENT), 0.0)
    sentence_match = _group_max(two_sided, pair_r, n_pairs)

    named = {
        "exclusive": exclusive,
        "parent_share": parent_share,
        "best_passage": best_passage,
        "best_segment": best_segment,
        "sentence_copy": best_segment * best_passage,
        "cosine": cosine.astype(np.float64),
        "sentence_match": sentence_match,
    }
    words = WordIndex(children, parents, np.unique(pj))
    named["word_exclusive"] = words.exclusive(ci, pj)
    features = np.column_stack([named[f] for f in ALL_FEATURES])
    coverage = np.column_stack([child_cov, parent_cov])
    return Evidence(ci, pj, features, coverage, pair_r, q_s, q_e, t_s, t_e, score, words)


def link_probability(features: np.ndarray, params: dict[str, Any]) -> np.ndarray:
    """P(link) of each candidate pair under the logistic model in `params`."""
    model = params["link"]
    features = features[:, [ALL_FEATURES.index(f) for f in model.get("features", FEATURES)]]
    z = (features - np.asarray(model["mean"])) / np.asarray(model["scale"])
    z = z @ np.asarray(model["coef"], dtype=np.float64) + float(model["intercept"])
    return 1.0 / (1.0 + np.exp(-z))


def feature(ev: Evidence, name: str) -> np.ndarray:
    """One measured feature of every candidate pair."""
    return ev.features[:, ALL_FEATURES.index(name)]


def decide_links(ev: Evidence, params: dict[str, Any], prob: np.ndarray | None = None) -> np.ndarray:
    """Indices of the candidate pairs that are links.

    1. the logistic model: P(link) at or above its threshold;
    2. `merge` (when in `params`): a further parent item of a child item the model
       links, when a child segment whose best source it is matches one of its
       sentences whole (`sentence_match`) and carries weight (`best_passage`):
       the one sentence a child item takes from a second parent item (README:
       one task-bearing clause restated is a link) weighs little against the
       whole child item, which the model reads.
    """
    if prob is None:
        prob = link_probability(ev.features, params) if len(ev.child) else np.zeros(0)
    linked = prob >= params["link"]["threshold"]
    n_child = int(ev.child.max()) + 1 if len(ev.child) else 0
    merge = params.get("merge")
    if merge:
        has = np.bincount(ev.child[linked], minlength=n_child) > 0
        linked |= (
            has[ev.child]
            & (feature(ev, "sentence_match") >= merge["sentence_match"])
            & (feature(ev, "best_passage") >= merge["best_passage"])
        )
    return np.flatnonzero(linked)


def char_diff(a: str, b: str, limit: int = MAX_DIFF) -> int | None:
    """Characters of `a` and `b` outside a common subsequence, or None when more than `limit`.

    The common prefix and suffix are set aside and the rest matched by difflib's
    matching blocks; a character-count bound rules out most pairs before that,
    so the matcher only runs on near-copies.
    """
    if a == b:
        return 0
    start = 0
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    end = 0
    while end < min(len(a), len(b)) - start and a[-1 - end] == b[-1 - end]:
        end += 1
    a, b = a[start : len(a) - end], b[start : len(b) - end]
    if abs(len(a) - len(b)) > limit:
        return None
    if len(a) + len(b) > limit:
        # Characters one side has more of than the other: each is outside any common subsequence.
        codes = np.frombuffer((a + b).encode("utf-32-le"), dtype=np.uint32)
        _, inverse = np.unique(codes, return_inverse=True)
        n = inverse.max() + 1
        if np.abs(np.bincount(inverse[: len(a)], minlength=n) - np.bincount(inverse[len(a) :], minlength=n)).sum() > limit:
            return None
    same = sum(m.size for m in difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks())
    diff = len(a) + len(b) - 2 * same
    return diff if diff <= limit else None


def parent_uncovered(ev: Evidence, pair: int, parent: PreparedItem, word_cov: np.ndarray | None = None) -> float:
    """Share of the parent item in task clauses with no counterpart in the child item.

    A clause has a counterpart when the pair's passages touch `_SEGMENT_TOUCHED`
    of it (copied or lightly edited) or, reworded, when the child item holds
    `WORD_COVERED` of its words (`word_cov`, per task clause; without it only passages count).
    """
    rows = ev.rows_of(pair)
    n = len(parent.codes)
    marks = np.bincount(ev.t_start[rows], minlength=n + 1) - np.bincount(ev.t_end[rows], minlength=n + 1)
    aligned = np.concatenate(([0], np.cumsum(np.cumsum(marks)[:n] > 0)))
    a, b = parent.tasks[:, 0], parent.tasks[:, 1]
    length = b - a
    missing = (aligned[b] - aligned[a]) < _SEGMENT_TOUCHED * length
    if word_cov is not None:
        missing &= word_cov < WORD_COVERED
    return float(length[missing].sum()) / max(1, n)


@dataclass
class RelationInput:
    """What the relation of one link is decided on."""

    merged: bool  # the child item has several links
    split: bool  # the parent item has several links
    uncovered: float  # `parent_uncovered`
    diff: int | None  # `char_diff` of the comparison forms when both items are almost wholly covered and it is small


def relation_inputs(
    ev: Evidence, linked: np.ndarray, children: list[PreparedItem], parents: list[PreparedItem]
) -> list[RelationInput]:
    """The relation inputs of each linked pair (indices into the evidence's pairs).

    A merged link is partial whatever else holds, so its uncovered share and diff are not measured.
    """
    per_child = np.bincount(ev.child[linked], minlength=len(children))
    per_parent = np.bincount(ev.parent[linked], minlength=len(parents))
    single = linked[per_child[ev.child[linked]] == 1]
    task_cov = dict(zip(single.tolist(), ev.words.task_coverage(ev.child[single], ev.parent[single]))) if ev.words else {}
    out = []
    for pair in linked.tolist():
        c, p = int(ev.child[pair]), int(ev.parent[pair])
        if per_child[c] > 1:
            out.append(RelationInput(merged=True, split=bool(per_parent[p] > 1), uncovered=0.0, diff=None))
            continue
        covered = (ev.coverage[pair] >= _VERBATIM_COVERAGE).all()
        out.append(
            RelationInput(
                merged=False,
                split=bool(per_parent[p] > 1),
                uncovered=parent_uncovered(ev, pair, parents[p], task_cov.get(pair)),
                diff=char_diff(children[c].norm, parents[p].norm) if covered else None,
            )
        )
    return out


def relation(x: RelationInput, rel: dict[str, Any]) -> str:
    """`partial`, `verbatim` or `adapted` (see the module docstring) under thresholds `rel`."""
    if x.merged or x.uncovered >= rel["partial_uncovered"] or (x.split and x.uncovered >= rel["split_uncovered"]):
        return "partial"
    if x.diff is not None and x.diff <= rel["verbatim_max_diff"]:
        return "verbatim"
    return "adapted"
