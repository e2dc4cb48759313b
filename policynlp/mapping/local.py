"""Smith-Waterman local alignment on characters, many pairs at once.

Legislative text-reuse systems (passim, TextPAIR, the LID system) find copied
passages by local alignment: the best-scoring stretch of one text against
another, tolerant of substitutions and small insertions. Here a query is a
child segment (a sentence, or a run of clauses) and a target a whole parent
item, so a child sentence finds its source wherever it sits in the parent item.

Scoring: match +1, mismatch −1, gap −1 (linear). With a linear gap the row
recurrence vectorises across a row and across pairs: H' = max(0, diagonal,
up) for the whole row, then horizontal gaps are a running maximum, H[j] =
max(H'[j], max_k<j H'[k] − (j − k)). Pairs of similar length are padded into
one array with codes that never match.

The forward pass keeps only each pair's best score and the cell where it ends;
the start is the end of the same alignment found on the reversed prefixes, a
second, much smaller pass run only for pairs that scored.
"""
from __future__ import annotations

import multiprocessing
import os
from dataclasses import dataclass

import numpy as np

_PAD_QUERY, _PAD_TARGET = -1, -2
# Cells per row of a batch (pairs × target length): small enough to stay in cache.
_BATCH_CELLS = 48_000
# Below this many pairs, one process is faster than starting others.
_PARALLEL_FROM = 20_000
_SHARED: tuple[list[np.ndarray], list[np.ndarray]] = ([], [])  # the pairs forked workers read


@dataclass
class LocalAlignments:
    """Best local alignment of each (query, target) pair; ranges are `[start, end)`, empty when unscored."""

    score: np.ndarray
    q_start: np.ndarray
    q_end: np.ndarray
    t_start: np.ndarray
    t_end: np.ndarray


def _sw_ends(Q: np.ndarray, T: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Best score of each row pair of Q (queries) and T (targets), and the (query, target) end of it."""
    b, m = Q.shape
    n = T.shape[1]
    cols = np.arange(1, n + 1, dtype=np.int16)
    H = np.zeros((b, n + 1), dtype=np.int16)  # previous row; column 0 is the empty prefix
    h1 = np.empty((b, n), dtype=np.int16)
    tmp = np.empty((b, n), dtype=np.int16)
    best = np.zeros(b, dtype=np.int16)
    end_q = np.zeros(b, dtype=np.int32)
    end_t = np.zeros(b, dtype=np.int32)
    rows = np.arange(b)
    for i in range(m):
        eq = Q[:, i : i + 1] == T
        np.subtract(H[:, :-1], 1, out=h1)  # diagonal, mismatch
        h1 += eq
        h1 += eq  # diagonal, match: +1
        np.subtract(H[:, 1:], 1, out=tmp)  # gap in the target
        np.maximum(h1, tmp, out=h1)
        np.maximum(h1, 0, out=h1)
        np.add(h1, cols, out=tmp)  # gaps in the query: running max of h1[k] + k
        np.maximum.accumulate(tmp, axis=1, out=tmp)
        tmp[:, :-1] -= cols[1:]  # the gap from column k to column j costs j − k
        np.maximum(h1[:, 1:], tmp[:, :-1], out=H[:, 2:])
        H[:, 1] = h1[:, 0]
        j = H[:, 1:].argmax(axis=1)
        v = H[rows, j + 1]
        better = v > best
        best[better] = v[better]
        end_q[better] = i + 1
        end_t[better] = j[better] + 1
    return best.astype(np.int32), end_q, end_t


def _run(queries: list[np.ndarray], targets: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`_sw_ends` over all pairs, batched by target length."""
    n_pairs = len(queries)
    score = np.zeros(n_pairs, dtype=np.int32)
    end_q = np.zeros(n_pairs, dtype=np.int32)
    end_t = np.zeros(n_pairs, dtype=np.int32)
    q_len = np.fromiter(map(len, queries), dtype=np.int64, count=n_pairs)
    t_len = np.fromiter(map(len, targets), dtype=np.int64, count=n_pairs)
    live = np.flatnonzero((q_len > 0) & (t_len > 0))
    # Sort by target then query length and cut into batches of bounded width × count.
    order = live[np.lexsort((q_len[live], t_len[live]))]
    start = 0
    while start < len(order):
        width = int(t_len[order[start]])
        limit = width + width // 4 + 8
        count = max(1, _BATCH_CELLS // limit)
        stop = min(len(order), start + count)
        # Stop where the targets grow too wide for this batch.
        stop = start + int(np.searchsorted(t_len[order[start:stop]], limit, side="right"))
        stop = max(stop, start + 1)
        idx = order[start:stop]
        m = int(q_len[idx].max())
        n = int(t_len[idx].max())
        Q = np.full((len(idx), m), _PAD_QUERY, dtype=np.int32)
        T = np.full((len(idx), n), _PAD_TARGET, dtype=np.int32)
        for row, k in enumerate(idx):
            Q[row, : q_len[k]] = queries[k]
            T[row, : t_len[k]] = targets[k]
        s, eq_, et = _sw_ends(Q, T)
        score[idx], end_q[idx], end_t[idx] = s, eq_, et
        start = stop
    return score, end_q, end_t


def _run_share(part: tuple[int, int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    queries, targets = _SHARED
    return _run(queries[part[0] : part[1]], targets[part[0] : part[1]])


def _run_parallel(queries: list[np.ndarray], targets: list[np.ndarray], workers: int) -> tuple[np.ndarray, ...]:
    """`_run` split over forked worker processes (they inherit the pairs, nothing is pickled in)."""
    global _SHARED
    if workers <= 1 or len(queries) < _PARALLEL_FROM or "fork" not in multiprocessing.get_all_start_methods():
        return _run(queries, targets)
    bounds = np.linspace(0, len(queries), workers * 4 + 1).astype(int)
    _SHARED = (queries, targets)
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            parts = pool.map(_run_share, list(zip(bounds[:-1], bounds[1:])))
    finally:
        _SHARED = ([], [])
    return tuple(np.concatenate(arrays) for arrays in zip(*parts))


def default_workers() -> int:
    """Processes for large alignment jobs: the CPUs this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def align_pairs(
    queries: list[np.ndarray], targets: list[np.ndarray], min_score: int = 1, workers: int | None = None
) -> LocalAlignments:
    """Best local alignment of `queries[k]` against `targets[k]` for every k.

    Pairs scoring below `min_score` get empty ranges (their score is still set).
    Large jobs are split over `workers` processes (default: every usable CPU).
    """
    workers = default_workers() if workers is None else workers
    score, q_end, t_end = _run_parallel(queries, targets, workers)
    q_start, t_start = q_end.copy(), t_end.copy()
    hit = np.flatnonzero(score >= max(min_score, 1))
    if len(hit):
        # The alignment spans at most 2 × (query span) − score target characters.
        rev_q, rev_t = [], []
        for k in hit:
            qe, te = int(q_end[k]), int(t_end[k])
            rev_q.append(queries[k][:qe][::-1])
            rev_t.append(targets[k][max(0, te - 2 * qe) : te][::-1])
        _, back_q, back_t = _run_parallel(rev_q, rev_t, workers)
        q_start[hit] = q_end[hit] - back_q
        t_start[hit] = t_end[hit] - back_t
    miss = score < max(min_score, 1)
    q_end[miss], t_end[miss] = q_start[miss], t_start[miss]
    return LocalAlignments(score, q_start, q_end, t_start, t_end)
