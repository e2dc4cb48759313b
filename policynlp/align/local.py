"""Smith-Waterman local alignment on characters, many pairs at once.

Legislative text-reuse systems (passim, TextPAIR, the LID system) find copied
passages with local alignment: the best-scoring stretch of one text against
the other, tolerant of substitutions and small insertions. Here each query is
a child segment (a sentence or a run of clauses) and each target a whole
parent item, so a child sentence finds its source wherever it sits in the
parent item.

Scoring is match +1, mismatch −1, gap −1 (linear). With a linear gap the row
recurrence vectorises: compute H' = max(0, diagonal, up) for a whole row, then
the horizontal gaps are a running maximum, H[j] = max(H'[j], max_k<j H'[k] −
(j − k)), so one row of many pairs is a handful of numpy operations. Pairs are
grouped by length and padded with codes that never match.

For every pair the best alignment's score, the query and target ranges it
spans and its number of matching characters are returned.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MATCH, MISMATCH, GAP = 1, -1, 1  # GAP is the cost of one gap character
_PAD_QUERY, _PAD_TARGET = -1, -2
# Cells per batch (pairs × target length): bounds memory, keeps numpy calls large.
_BATCH_CELLS = 400_000


@dataclass
class LocalAlignments:
    """Best local alignment of each (query, target) pair; ranges are `[start, end)`."""

    score: np.ndarray
    q_start: np.ndarray
    q_end: np.ndarray
    t_start: np.ndarray
    t_end: np.ndarray
    matches: np.ndarray


def _align_batch(queries: list[np.ndarray], targets: list[np.ndarray]) -> tuple[np.ndarray, ...]:
    b = len(queries)
    m = max(len(q) for q in queries)
    n = max(len(t) for t in targets)
    Q = np.full((b, m), _PAD_QUERY, dtype=np.int32)
    T = np.full((b, n), _PAD_TARGET, dtype=np.int32)
    for k, (q, t) in enumerate(zip(queries, targets)):
        Q[k, : len(q)] = q
        T[k, : len(t)] = t
    cols = np.arange(1, n + 1, dtype=np.int32)
    rows = np.arange(b)[:, None]
    # Previous row (column 0 is the empty prefix): score, start row, start column, matches.
    H = np.zeros((b, n + 1), dtype=np.int32)
    SI = np.zeros((b, n + 1), dtype=np.int32)
    SJ = np.zeros((b, n + 1), dtype=np.int32)
    M = np.zeros((b, n + 1), dtype=np.int32)
    best = np.zeros(b, dtype=np.int32)
    best_si = np.zeros(b, dtype=np.int32)
    best_sj = np.zeros(b, dtype=np.int32)
    best_ei = np.zeros(b, dtype=np.int32)
    best_ej = np.zeros(b, dtype=np.int32)
    best_m = np.zeros(b, dtype=np.int32)
    start_col = np.broadcast_to(cols - 1, (b, n))
    for i in range(m):
        eq = Q[:, i : i + 1] == T
        diag = H[:, :-1] + np.where(eq, MATCH, MISMATCH).astype(np.int32)
        up = H[:, 1:] - GAP
        # An alignment starts here when the diagonal predecessor is empty.
        fresh = H[:, :-1] <= 0
        d_si = np.where(fresh, i, SI[:, :-1])
        d_sj = np.where(fresh, start_col, SJ[:, :-1])
        d_m = np.where(fresh, 0, M[:, :-1]) + eq
        use_up = up > diag
        h1 = np.maximum(np.maximum(diag, up), 0)
        si1 = np.where(use_up, SI[:, 1:], d_si)
        sj1 = np.where(use_up, SJ[:, 1:], d_sj)
        m1 = np.where(use_up, M[:, 1:], d_m)
        # Horizontal gaps: running maximum of h1[k] + k, shifted one column.
        vals = h1 + cols * GAP
        run = np.maximum.accumulate(vals, axis=1)
        arg = np.maximum.accumulate(np.where(vals == run, cols - 1, 0), axis=1)
        f = np.full_like(h1, -(1 << 20))
        f[:, 1:] = run[:, :-1] - cols[1:] * GAP
        src = np.zeros_like(arg)
        src[:, 1:] = arg[:, :-1]
        use_f = f > h1
        h = np.where(use_f, f, h1)
        si = np.where(use_f, si1[rows, src], si1)
        sj = np.where(use_f, sj1[rows, src], sj1)
        mm = np.where(use_f, m1[rows, src], m1)
        j = h.argmax(axis=1)
        hj = h[rows[:, 0], j]
        better = hj > best
        if better.any():
            best = np.where(better, hj, best)
            best_si = np.where(better, si[rows[:, 0], j], best_si)
            best_sj = np.where(better, sj[rows[:, 0], j], best_sj)
            best_ei = np.where(better, i + 1, best_ei)
            best_ej = np.where(better, j + 1, best_ej)
            best_m = np.where(better, mm[rows[:, 0], j], best_m)
        H[:, 1:], SI[:, 1:], SJ[:, 1:], M[:, 1:] = h, si, sj, mm
    return best, best_si, best_ei, best_sj, best_ej, best_m


def align_pairs(queries: list[np.ndarray], targets: list[np.ndarray]) -> LocalAlignments:
    """Best local alignment of `queries[k]` against `targets[k]` for every k."""
    n_pairs = len(queries)
    out = [np.zeros(n_pairs, dtype=np.int32) for _ in range(6)]
    if not n_pairs:
        return LocalAlignments(*out)
    q_len = np.fromiter((len(q) for q in queries), dtype=np.int64, count=n_pairs)
    t_len = np.fromiter((len(t) for t in targets), dtype=np.int64, count=n_pairs)
    # Similar shapes together, so padding stays small.
    order = np.lexsort((q_len, t_len))
    start = 0
    while start < n_pairs:
        width = int(t_len[order[start]])
        stop = start
        while stop < n_pairs and t_len[order[stop]] <= width * 1.25 + 8 and (stop - start + 1) * int(t_len[order[stop]]) <= _BATCH_CELLS:
            stop += 1
        stop = max(stop, start + 1)
        idx = order[start:stop]
        if t_len[idx].max() == 0 or q_len[idx].max() == 0:
            start = stop
            continue
        res = _align_batch([queries[k] for k in idx], [targets[k] for k in idx])
        for arr, val in zip(out, res):
            arr[idx] = val
        start = stop
    return LocalAlignments(*out)
