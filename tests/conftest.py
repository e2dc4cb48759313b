"""Shared fixtures: the bundled corpus, its annotations, and notices parsed once per session."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT / "corpora"
ANNOTATIONS = CORPORA / "annotations" / "notices.jsonl"


def notice_path(notice_id: str) -> Path:
    for line in (CORPORA / "manifest.jsonl").read_text(encoding="utf-8").splitlines():
        meta = json.loads(line)
        if meta["id"] == notice_id:
            return CORPORA / meta["path"]
    raise KeyError(notice_id)


def notice_text(notice_id: str) -> str:
    from policynlp.textio import read_notice

    return read_notice(notice_path(notice_id)).text


@lru_cache(maxsize=None)
def parsed(notice_id: str):
    import policynlp

    return policynlp.parse(notice_text(notice_id), notice_id)


@lru_cache(maxsize=1)
def gold_notices():
    from policynlp.annotations import load_annotations

    return {n.id: n for n in load_annotations([ANNOTATIONS])}


@pytest.fixture(scope="session")
def gold():
    return gold_notices()
