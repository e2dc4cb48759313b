"""The corpus: where notice texts live (the corpus root), the project's manifests, and
the notices as a `datasets.Dataset`.

    from policynlp import corpus
    text = corpus.notice_text("pingtan-80965")   # one notice by id, checked against its SHA-256
    ds = corpus.load_corpus()            # the project's manifest, from the corpus root in use
    docs = corpus.parse_corpus(ds)       # Documents, by id
"""
from __future__ import annotations

from typing import Any

from .root import BUNDLED_DIR, Corpus, CorpusMissing, Entry, default_root, notice_text, text_sha256, verify

__all__ = ["BUNDLED_DIR", "Corpus", "CorpusMissing", "Entry", "default_root", "notice_text", "text_sha256", "verify",
           "load_corpus", "load_directory", "parse_corpus", "missing"]


def __getattr__(name: str) -> Any:
    # `datasets` is slow to import: only the Dataset functions pay for it.
    if name in ("load_corpus", "load_directory", "parse_corpus", "missing"):
        from . import dataset

        return getattr(dataset, name)
    raise AttributeError(name)
