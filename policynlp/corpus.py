"""The bundled corpus as a `datasets.Dataset`: one row per notice, with its provenance.

    from policynlp import corpus
    ds = corpus.load_corpus()            # corpora/ of this checkout
    ds.filter(lambda r: r["collection"] == "pingtan")
    docs = corpus.parse_corpus(ds)       # Documents, by id
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable

import datasets

from .errors import InputError
from .textio import read_notice

CORPORA_DIR = Path(__file__).resolve().parent.parent / "corpora"
_FIELDS = ("id", "path", "collection", "title", "issuer", "level", "region", "year", "published", "source", "text")


def _rows(root: Path) -> Iterable[dict]:
    manifest = root / "manifest.jsonl"
    if not manifest.exists():
        raise InputError(f"{root}: no manifest.jsonl")
    for line in manifest.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        meta = json.loads(line)
        path = root / meta["path"]
        published = meta.get("published")
        year = meta.get("year") or (int(published[:4]) if published else None)
        yield {
            "id": meta["id"],
            "path": str(path),
            "collection": Path(meta["path"]).parent.name,
            "title": meta.get("title"),
            "issuer": meta.get("issuer"),
            "level": meta.get("level"),
            "region": meta.get("region"),
            "year": year,
            "published": published,
            "source": meta.get("source"),
            "text": read_notice(path).text,
        }


def load_corpus(root: str | Path | None = None) -> datasets.Dataset:
    """The notices listed in `root`/manifest.jsonl (default: the bundled corpora/)."""
    root = Path(root) if root else CORPORA_DIR
    rows = list(_rows(root))
    features = datasets.Features(
        {
            "id": datasets.Value("string"),
            "path": datasets.Value("string"),
            "collection": datasets.Value("string"),
            "title": datasets.Value("string"),
            "issuer": datasets.Value("string"),
            "level": datasets.Value("string"),
            "region": datasets.Value("string"),
            "year": datasets.Value("int32"),
            "published": datasets.Value("string"),
            "source": datasets.Value("string"),
            "text": datasets.Value("string"),
        }
    )
    return datasets.Dataset.from_list([{k: r[k] for k in _FIELDS} for r in rows], features=features)


def load_directory(directory: str | Path) -> datasets.Dataset:
    """Every notice file (*.txt, *.html, *.htm) under a directory, one row each."""
    directory = Path(directory)
    files = sorted(p for p in directory.rglob("*") if p.suffix.lower() in (".txt", ".html", ".htm") and p.is_file())
    if (directory / "manifest.jsonl").exists():
        return load_corpus(directory)
    if not files:
        raise InputError(f"{directory}: no notice files (*.txt, *.html)")
    rows = []
    for f in files:
        source = read_notice(f)
        rows.append({"id": f.stem, "path": str(f), "collection": f.parent.name, "text": source.text})
    return datasets.Dataset.from_list(rows)


def parse_corpus(dataset: datasets.Dataset, progress=None) -> dict:
    """Parse every row's text; returns {id: Document}."""
    from .api import load, to_document

    nlp = load()
    ids, texts = dataset["id"], dataset["text"]
    pairs = zip(ids, nlp.pipe(texts))
    if progress:
        pairs = progress(pairs, len(ids), "parse")
    return {doc_id: to_document(doc, doc_id) for doc_id, doc in pairs}
