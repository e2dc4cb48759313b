"""Word-level evidence: the rare character bigrams two items share, in any order.

Smith-Waterman (`local`) rewards shared text in the same order. A reworded
task keeps its words but not their order or their neighbours
(`栏目优化设置` → `优化栏目设置`, `配齐配强…人员` → `配齐专职人员`), which
local alignment scores as a few scattered characters. Here each item is a
set of character bigrams of its comparison form (letters and digits only, no
unit, level or place names), each weighted by its inverse document frequency
over the items of both sides; a span of the child is covered by a parent
item to the weighted share of its bigrams the parent item holds.

Bigrams rather than segmented words: in Chinese retrieval overlapping
bigrams do about as well as dictionary words, they need no dictionary (the
policy vocabulary, 政务公开 or 一网通办, is not jieba's), and they are counted
with numpy in one pass, where jieba segments about 0.3 M characters a second:
some 25 s for the candidate items of the 10⁴ × 10⁵ scale benchmark, on top of
an alignment that takes about as long. Held out on the gold pairs
(leave-one-child-out, `tune`), the same feature on jieba words (two
characters or more) found one gold link more and two spurious links fewer
of about 130 than on bigrams.

Two measurements read these sets:

- `WordIndex.exclusive`: for each candidate pair, the weighted share of the
  child item in segments whose best word source (among the child item's
  candidates) is this parent item, times that coverage: `assign`'s
  `exclusive`, on words;
- `WordIndex.task_coverage`: for each link, how much of each task clause of
  the parent item (a sentence cut at commas and colons) the child item's
  words cover, which the relation rules read.
"""
from __future__ import annotations

import numpy as np

from .text import PreparedItem

_SHIFT = np.int64(32)  # bigram keys are (code << 16 | code) < 2**32: an item or span index goes above them
_CHUNK = 1_000_000  # entries per membership pass (bounds the memory of a pass)


def _unique(a: np.ndarray, counts: bool = False):
    """Sorted distinct values of an int64 array (and how often each occurs): a sort, faster than `np.unique`'s hashing here."""
    a = np.sort(a, kind="stable")
    first = np.flatnonzero(np.concatenate(([True], a[1:] != a[:-1]))) if len(a) else np.zeros(0, np.int64)
    if not counts:
        return a[first]
    return a[first], np.diff(np.concatenate((first, [len(a)])))


def _spans_bigrams(items: list[PreparedItem], spans: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The bigrams inside each span (`segments` or `tasks`) of each item.

    Returns (span index over all items' spans end to end, key, item index) of
    every distinct (span, bigram), sorted by span, and the span counts per item
    as the cumulative offsets of its spans.
    """
    lengths = np.array([len(it.codes) for it in items], dtype=np.int64)
    codes = np.concatenate([it.codes for it in items]).astype(np.int64) if items else np.zeros(0, np.int64)
    base = np.concatenate(([0], np.cumsum(lengths)))
    ranges = [getattr(it, spans) for it in items]
    n_spans = np.array([len(r) for r in ranges], dtype=np.int64)
    span_off = np.concatenate(([0], np.cumsum(n_spans)))
    if not len(codes) or not n_spans.sum():
        empty = np.zeros(0, np.int64)
        return empty, empty, span_off
    starts = np.concatenate([r[:, 0].astype(np.int64) + b for r, b in zip(ranges, base[:-1]) if len(r)])
    ends = np.concatenate([r[:, 1].astype(np.int64) + b for r, b in zip(ranges, base[:-1]) if len(r)])
    # The span of every character; a bigram starts at i when i + 1 is in the same span.
    marks = np.zeros(len(codes) + 1, dtype=np.int64)
    np.add.at(marks, starts, 1)
    span_of = np.cumsum(marks)[:-1] - 1
    inside = np.zeros(len(codes), dtype=bool)
    if len(codes) > 1:
        nxt = np.arange(1, len(codes))
        inside[:-1] = (span_of[:-1] == span_of[1:]) & (nxt < ends[np.maximum(span_of[:-1], 0)])
    inside &= span_of >= 0
    at = np.flatnonzero(inside)
    keys = (codes[at] << 16) | codes[at + 1]
    combined = _unique((span_of[at] << _SHIFT) | keys)
    return combined >> _SHIFT, combined & np.int64(0xFFFFFFFF), span_off


def _item_sets(span: np.ndarray, keys: np.ndarray, span_off: np.ndarray) -> np.ndarray:
    """Sorted (item << 32 | key) of every distinct bigram of each item."""
    item = np.searchsorted(span_off, span, side="right") - 1
    return _unique((item << _SHIFT) | keys)


def _expand(counts: np.ndarray, starts: np.ndarray, limit: int = _CHUNK):
    """Chunks of (row, entry) with entry running over [starts[row], starts[row] + counts[row]) for each row."""
    cum = np.concatenate(([0], np.cumsum(counts)))
    row = 0
    while row < len(counts):
        stop = int(np.searchsorted(cum, cum[row] + limit, side="right")) - 1
        stop = max(stop, row + 1)
        rows = np.arange(row, stop)
        c = counts[rows]
        rep = np.repeat(rows, c)
        within = np.arange(int(c.sum())) - np.repeat(cum[rows] - cum[row], c)
        yield rows, rep, starts[rep] + within
        row = stop


class WordIndex:
    """Weighted bigram sets of the child segments, parent tasks and whole items of one alignment job."""

    def __init__(self, children: list[PreparedItem], parents: list[PreparedItem], used: np.ndarray | None = None):
        """`used`: the indices of the parent items that are candidates (sorted); only they are indexed,
        and the idf is taken over them and the child items: the items compared."""
        self.used = np.arange(len(parents)) if used is None else np.asarray(used, dtype=np.int64)
        parents = [parents[j] for j in self.used.tolist()]
        self.c_span, self.c_key, self.c_span_off = _spans_bigrams(children, "segments")
        self.p_span, self.p_key, self.p_span_off = _spans_bigrams(parents, "members")
        # The task clause of each parent member span, over all parents' tasks end to end.
        task_off = np.concatenate(([0], np.cumsum([len(p.tasks) for p in parents]))).astype(np.int64)
        self.p_task_of = (
            np.concatenate([p.member_task.astype(np.int64) + o for p, o in zip(parents, task_off[:-1])]) if parents else np.zeros(0, np.int64)
        )
        self.p_task_off = task_off
        self.p_task_members = np.bincount(self.p_task_of, minlength=int(task_off[-1]))
        self.c_set = _item_sets(self.c_span, self.c_key, self.c_span_off)
        self.p_set = _item_sets(self.p_span, self.p_key, self.p_span_off)
        # Document frequency of each bigram over the items of both sides.
        keys_in_items = np.concatenate([self.c_set & np.int64(0xFFFFFFFF), self.p_set & np.int64(0xFFFFFFFF)])
        self.vocab, df = _unique(keys_in_items, counts=True)
        n_items = len(children) + len(parents)
        self.idf = np.log((n_items + 1) / (df + 1.0)) + 1.0
        self.c_w = self._weight(self.c_key)
        self.p_w = self._weight(self.p_key)
        self.c_span_w = np.bincount(self.c_span, weights=self.c_w, minlength=int(self.c_span_off[-1]))
        self.p_span_w = np.bincount(self.p_span, weights=self.p_w, minlength=int(self.p_span_off[-1]))
        # Where each child's segments and each parent's tasks start among the entries.
        self.c_entry_off = np.searchsorted(self.c_span, self.c_span_off)
        self.p_entry_off = np.searchsorted(self.p_span, self.p_span_off)

    def _local(self, pj: np.ndarray) -> np.ndarray:
        """Parent item indices → indices among the indexed (candidate) parent items."""
        return np.searchsorted(self.used, pj)

    def _weight(self, keys: np.ndarray) -> np.ndarray:
        """The idf of each key (every key of a span is in the vocabulary)."""
        return self.idf[np.searchsorted(self.vocab, keys)] if len(keys) else np.zeros(0)

    def _coverage(self, owner, entry_off, span, key, weight, span_off, span_w, other, other_set, n_pairs):
        """Per pair and span of the owner side: weighted share of the span's bigrams the other item holds.

        Returns (pair of each row, span index of each row, coverage), one row per span of each pair's owner item.
        """
        n_spans = span_off[owner + 1] - span_off[owner]
        num = np.zeros(int(n_spans.sum()))
        row_off = np.concatenate(([0], np.cumsum(n_spans)))
        counts = entry_off[owner + 1] - entry_off[owner]
        for _, rep, entry in _expand(counts, entry_off[owner]):
            query = (other[rep] << _SHIFT) | key[entry]
            at = np.minimum(np.searchsorted(other_set, query), max(len(other_set) - 1, 0))
            hit = other_set[at] == query if len(other_set) else np.zeros(len(query), bool)
            row = row_off[rep] + (span[entry] - span_off[owner[rep]])
            num += np.bincount(row, weights=weight[entry] * hit, minlength=len(num))
        pair_of = np.repeat(np.arange(n_pairs), n_spans)
        span_of = np.arange(len(num)) - np.repeat(row_off[:-1], n_spans) + np.repeat(span_off[owner], n_spans)
        return pair_of, span_of, num / np.maximum(span_w[span_of], 1e-9)

    def exclusive(self, ci: np.ndarray, pj: np.ndarray) -> np.ndarray:
        """Per candidate pair: weighted share of the child item in segments whose best word source is this parent item, times that coverage."""
        n = len(ci)
        if not n:
            return np.zeros(0)
        pair_of, seg, cov = self._coverage(
            ci, self.c_entry_off, self.c_span, self.c_key, self.c_w, self.c_span_off, self.c_span_w, self._local(pj), self.p_set, n
        )
        best = np.zeros(int(self.c_span_off[-1]))
        np.maximum.at(best, seg, cov)
        is_best = (cov > 0) & (cov >= best[seg] - 1e-9)
        num = np.bincount(pair_of, weights=self.c_span_w[seg] * cov * is_best, minlength=n)
        total = np.bincount(pair_of, weights=self.c_span_w[seg], minlength=n)
        return num / np.maximum(total, 1e-9)

    def task_coverage(self, ci: np.ndarray, pj: np.ndarray) -> list[np.ndarray]:
        """Per pair: the word coverage of each task clause of the parent item by the child item.

        A clause's coverage is the weighted share of its bigrams the child item
        holds; a list (a clause of three members or more, `…、…、…`) is as covered as
        its best-kept member: a trimmed list is still the same task (README:
        trimmed qualifiers count as counterparts).
        """
        if not len(ci):
            return []
        pair_of, span, cov = self._coverage(
            self._local(pj), self.p_entry_off, self.p_span, self.p_key, self.p_w, self.p_span_off, self.p_span_w, ci, self.c_set, len(ci)
        )
        # Rows are (pair, member) in order; a pair's tasks are consecutive, so (pair, task) rows are runs.
        task = self.p_task_of[span]
        key = np.concatenate(([True], (pair_of[1:] != pair_of[:-1]) | (task[1:] != task[:-1]))) if len(task) else np.zeros(0, bool)
        run = np.cumsum(key) - 1
        n_runs = int(run[-1]) + 1 if len(run) else 0
        w = self.p_span_w[span]
        share = np.bincount(run, weights=w * cov, minlength=n_runs) / np.maximum(np.bincount(run, weights=w, minlength=n_runs), 1e-9)
        best = np.zeros(n_runs)
        np.maximum.at(best, run, cov)
        is_list = self.p_task_members[task[key]] >= 3
        share = np.where(is_list, np.maximum(share, best), share)
        cuts = np.searchsorted(pair_of[key], np.arange(1, len(ci)))
        return np.split(share, cuts)
