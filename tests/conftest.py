"""Shared fixtures: the corpus root, the annotations, and notices parsed once per session.

Only the seed notices are bundled; every other text is read from the corpus root
(`../shared/corpora` beside the checkout, or $POLICYNLP_CORPUS). Without it, a
test that needs a third-party notice is skipped with a reason naming the missing
root, never run on fewer notices.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import pytest

from policynlp.corpus import Corpus, CorpusMissing

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT / "corpora"
ANNOTATIONS = CORPORA / "annotations" / "notices.jsonl"
CORPUS = Corpus()
MISSING_ROOT = (
    "needs the third-party notices of the corpus root, which is absent "
    "(no ../shared/corpora beside the checkout and no $POLICYNLP_CORPUS)"
)


def corpus_file(path: str) -> Path:
    """A file under the corpus root by its path below `notices/` (or from `notices/`), or skip."""
    rel = path if path.startswith("notices/") else f"notices/{path}"
    try:
        return CORPUS.locate(rel)
    except CorpusMissing:
        pytest.skip(MISSING_ROOT)


def passage(path: str, quote: "str | tuple[str, str]") -> str:
    """A passage of a corpus file: quoted whole (a short phrase), or by its first and last
    characters (`(start, end)`), so that tests never copy a third-party notice at length."""
    text = corpus_file(path).read_text(encoding="utf-8")
    if isinstance(quote, str):
        assert quote in text, f"the quote must be real: {quote!r}"
        return quote
    start, end = quote
    i = text.find(start)
    j = text.find(end, i)
    assert i >= 0 and j >= 0, f"the passage must be real: {quote!r}"
    return text[i : j + len(end)]


def notice_path(notice_id: str) -> Path:
    return corpus_file(CORPUS.entry(notice_id).path)


def notice_text(notice_id: str) -> str:
    notice_path(notice_id)
    return CORPUS.read_entry(CORPUS.entry(notice_id))


def require_corpus() -> None:
    """Skip unless every notice of the project's manifest is under the corpus root."""
    if any(not CORPUS.available(e) for e in CORPUS.entries()):
        pytest.skip(MISSING_ROOT)


@lru_cache(maxsize=None)
def parsed(notice_id: str):
    import policynlp

    return policynlp.parse(notice_text(notice_id), notice_id)


@lru_cache(maxsize=1)
def gold_records() -> dict[str, dict]:
    """The annotations as stored (standoff, no texts): safe to read while collecting tests."""
    return {r["id"]: r for r in map(json.loads, ANNOTATIONS.read_text(encoding="utf-8").splitlines())}


@lru_cache(maxsize=1)
def _gold_notices():
    from policynlp.learning import load_annotations

    return {n.id: n for n in load_annotations([ANNOTATIONS])}


def gold_notices():
    """Every annotated notice with its text; skips the calling test without the corpus root."""
    require_corpus()
    return _gold_notices()


@pytest.fixture(scope="session")
def gold():
    return gold_notices()
