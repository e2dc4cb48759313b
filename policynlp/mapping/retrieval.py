"""Character 3-grams of the items: candidate retrieval and how informative each character is.

Local alignment is too costly for every pair of a large corpus, so each child
item is first compared with every parent item through sparse TF-IDF vectors
of its character 3-grams (sublinear tf, smoothed idf, l2 norm: scikit-learn's
`TfidfTransformer`), and only its `k` nearest parent items go on to
alignment. The 3-grams are hashed to integers with numpy (no Python
vocabulary); once the parent side is large, 3-grams found in more than 0.5% of
its items (`政务公开`) are left out of retrieval; the sparse product is taken in
slices of children and each row keeps its top k.

The same counts weigh each character by the inverse document frequency of the
3-gram it starts, over all items of both sides: a passage of boilerplate
shared by most items (`政务公开标准化规范化工作`) is weak evidence that two
items belong together, a rare one strong evidence.
"""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfTransformer

# With more parent items than this, 3-grams in more than MAX_DF of them are left out of retrieval.
_PRUNE_FROM = 2000
MAX_DF = 0.005
_SLICE = 2000  # children per sparse product


def _keys(codes: np.ndarray) -> np.ndarray:
    """The 3-gram starting at each character as an int64 key (the last two repeat the last 3-gram)."""
    c = codes.astype(np.int64)
    if len(c) >= 3:
        k = (c[:-2] << 42) | (c[1:-1] << 21) | c[2:]
        return np.concatenate([k, k[-1:], k[-1:]])
    if len(c):
        key = (int(c[0]) << 42) | ((int(c[-1]) if len(c) > 1 else 0) << 21) | (1 << 20)
        return np.full(len(c), key, dtype=np.int64)
    return np.zeros(0, dtype=np.int64)


class GramIndex:
    """3-gram columns of every child and parent item, their document frequencies and weights.

    3-grams are hashed into a power-of-two number of columns (about 16 per
    3-gram occurrence, at most 2**22): no sort of a vocabulary, and collisions
    are too rare to matter for either retrieval or weights.
    """

    def __init__(self, child: list[np.ndarray], parent: list[np.ndarray]):
        items = parent + child
        keys = [_keys(c) for c in items]
        lengths = np.array([len(k) for k in keys], dtype=np.int64)
        self.offsets = np.concatenate(([0], np.cumsum(lengths)))
        flat = np.concatenate(keys) if keys else np.zeros(0, dtype=np.int64)
        bits = int(min(22, max(12, np.ceil(np.log2(len(flat) + 1)) + 4)))
        self.n_cols = 1 << bits
        with np.errstate(over="ignore"):
            self.cols = ((flat.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)) >> np.uint64(64 - bits)).astype(np.int64)
        # The repeated keys at an item's end are for weights only, not counts.
        real = np.ones(len(flat), dtype=np.float32)
        ends = self.offsets[1:][lengths >= 3]
        real[np.concatenate([ends - 1, ends - 2])] = 0
        self.n_parent, self.n_child = len(parent), len(child)
        # Items are consecutive runs of keys: the CSR row pointers are the offsets.
        counts = sp.csr_matrix((real, self.cols, self.offsets), shape=(len(items), self.n_cols))
        counts.sum_duplicates()
        counts.eliminate_zeros()
        self.counts = counts
        df = np.bincount(counts.indices, minlength=self.n_cols)
        # Smoothed as scikit-learn does (+1): a 3-gram in every item still weighs 1, not 0.
        idf = (np.log((len(items) + 1) / (df + 1)) + 1).astype(np.float32)
        self.weights = idf[self.cols]  # per character, all items end to end (parents first)

    def nearest(self, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Each child item's `k` most similar parent items: (child index, parent index, cosine), cosine > 0."""
        if not self.n_child or not self.n_parent or k <= 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        P = self.counts[: self.n_parent]
        C = self.counts[self.n_parent :]
        # Only 3-grams the parent side holds count; very common ones go once that side is large.
        p_df = np.bincount(P.indices, minlength=self.n_cols)
        keep = p_df > 0
        if self.n_parent > _PRUNE_FROM:
            keep &= p_df <= MAX_DF * self.n_parent
        for m in (P, C):
            m.data *= keep[m.indices]
            m.eliminate_zeros()
        tfidf = TfidfTransformer(sublinear_tf=True).fit(P)
        P, C = tfidf.transform(P).astype(np.float32), tfidf.transform(C).astype(np.float32)
        PT = P.T.tocsr()
        out_c, out_p, out_s = [], [], []
        for start in range(0, self.n_child, _SLICE):
            sims = (C[start : start + _SLICE] @ PT).tocsr()
            for row in range(sims.shape[0]):
                a, b = sims.indptr[row], sims.indptr[row + 1]
                vals, cols = sims.data[a:b], sims.indices[a:b]
                if b - a > k:
                    top = np.argpartition(-vals, k - 1)[:k]
                    vals, cols = vals[top], cols[top]
                out_c.append(np.full(len(cols), start + row, dtype=np.int64))
                out_p.append(cols.astype(np.int64))
                out_s.append(vals)
        return np.concatenate(out_c), np.concatenate(out_p), np.concatenate(out_s)
