"""Character 3-grams of the items: candidate retrieval and how informative each character is.

Local alignment is too costly for every pair of a large corpus, so each child
item is first compared with every parent item through sparse TF-IDF vectors
of its character 3-grams (sublinear tf, smoothed idf, l2 norm: scikit-learn's
`TfidfTransformer`), and only its `k` nearest parent items go on to
alignment. The 3-grams are hashed to integers with numpy (no Python
vocabulary); once the parent side is large, 3-grams found in a large share of
its items (`政务公开`) are left out of retrieval; the sparse product is taken in
slices of children so that its dense top-k step stays small.

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
MAX_DF = 0.02
_DENSE_CELLS = 8_000_000  # children per slice × parent items


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
    """3-gram columns of every child and parent item, their document frequencies and weights."""

    def __init__(self, child: list[np.ndarray], parent: list[np.ndarray]):
        items = parent + child
        keys = [_keys(c) for c in items]
        lengths = np.array([len(k) for k in keys], dtype=np.int64)
        self.offsets = np.concatenate(([0], np.cumsum(lengths)))
        flat = np.concatenate(keys) if keys else np.zeros(0, dtype=np.int64)
        self.vocab, cols = np.unique(flat, return_inverse=True)
        self.cols = cols.astype(np.int64)
        rows = np.repeat(np.arange(len(items)), lengths)
        # The repeated keys at an item's end are for weights only, not counts.
        real = np.ones(len(flat), dtype=np.float32)
        ends = self.offsets[1:][lengths >= 3]
        real[np.concatenate([ends - 1, ends - 2])] = 0
        self.n_parent, self.n_child = len(parent), len(child)
        counts = sp.csr_matrix((real, (rows, self.cols)), shape=(len(items), len(self.vocab)))
        counts.sum_duplicates()
        counts.eliminate_zeros()
        self.counts = counts
        df = np.bincount(counts.indices, minlength=len(self.vocab))
        self.idf = np.log((len(items) + 1) / (df + 1)).astype(np.float32)
        self.weights = self.idf[self.cols]  # per character, all items end to end (parents first)

    def item_weights(self, side: str, index: int) -> np.ndarray:
        """Per-character weights of parent or child item `index`."""
        k = index if side == "parent" else self.n_parent + index
        return self.weights[self.offsets[k] : self.offsets[k + 1]]

    def nearest(self, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Each child item's `k` most similar parent items: (child index, parent index, cosine), cosine > 0."""
        if not self.n_child or not self.n_parent or k <= 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        P = self.counts[: self.n_parent]
        C = self.counts[self.n_parent :]
        # Only 3-grams the parent side holds count; very common ones go once that side is large.
        p_df = np.bincount(P.indices, minlength=len(self.vocab))
        keep = p_df > 0
        if self.n_parent > _PRUNE_FROM:
            keep &= p_df <= MAX_DF * self.n_parent
        cols = np.flatnonzero(keep)
        P, C = P[:, cols], C[:, cols]
        tfidf = TfidfTransformer(sublinear_tf=True).fit(P)
        P, C = tfidf.transform(P).astype(np.float32), tfidf.transform(C).astype(np.float32)
        PT = P.T.tocsr()
        k = min(k, self.n_parent)
        step = max(1, _DENSE_CELLS // self.n_parent)
        out_c, out_p, out_s = [], [], []
        for start in range(0, self.n_child, step):
            sims = (C[start : start + step] @ PT).toarray()
            if k < sims.shape[1]:
                top = np.argpartition(-sims, k - 1, axis=1)[:, :k]
            else:
                top = np.tile(np.arange(sims.shape[1]), (len(sims), 1))
            vals = np.take_along_axis(sims, top, axis=1).ravel()
            rows = np.repeat(np.arange(start, start + len(sims)), top.shape[1])
            hit = vals > 0
            out_c.append(rows[hit])
            out_p.append(top.ravel()[hit])
            out_s.append(vals[hit])
        return np.concatenate(out_c), np.concatenate(out_p), np.concatenate(out_s)
