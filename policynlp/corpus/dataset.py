"""The corpus as a `datasets.Dataset`: one row per notice, with its provenance.

    from policynlp import corpus
    ds = corpus.load_corpus()                       # the project's manifest, from the corpus root in use
    ds = corpus.load_corpus(manifests=("manifest", "dev"))   # with the development corpus
    ds.filter(lambda r: r["collection"] == "pingtan")
    docs = corpus.parse_corpus(ds)                  # Documents, by id
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable, Sequence

import datasets

from ..errors import InputError
from ..text.decode import read_notice
from .root import Corpus, Entry

_FEATURES = datasets.Features(
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


def _year(meta: dict) -> int | None:
    if meta.get("year"):
        return int(meta["year"])
    for key in ("published", "date"):
        value = meta.get(key)
        if isinstance(value, str) and value[:4].isdigit():
            return int(value[:4])
    return None


def _row(corpus: Corpus, entry: Entry) -> dict:
    meta = entry.meta
    published = meta.get("published")
    return {
        "id": entry.id,
        "path": str(corpus.locate(entry.path)),
        "collection": Path(entry.path).parent.name,
        "title": meta.get("title"),
        "issuer": meta.get("issuer"),
        "level": meta.get("level"),
        "region": meta.get("region"),
        "year": _year(meta),
        "published": published,
        "source": meta.get("source"),
        "text": corpus.read_entry(entry),
    }


def load_corpus(corpus: Corpus | str | Path | None = None, manifests: Sequence[str] = ("manifest",)) -> datasets.Dataset:
    """The notices of the project's manifests that the corpus root in use holds, texts checked
    against their SHA-256. Without a corpus root that is the bundled seeds only; `missing()`
    says what is left out."""
    corpus = corpus if isinstance(corpus, Corpus) else Corpus(corpus)
    rows = [_row(corpus, e) for e in corpus.entries(manifests) if corpus.available(e)]
    return datasets.Dataset.from_list(rows, features=_FEATURES)


def missing(corpus: Corpus | None = None, manifests: Sequence[str] = ("manifest",)) -> list[Entry]:
    """The manifest entries the corpus root in use does not hold."""
    corpus = corpus or Corpus()
    return [e for e in corpus.entries(manifests) if not corpus.available(e)]


def load_directory(directory: str | Path) -> datasets.Dataset:
    """Every notice file (*.txt, *.html, *.htm, *.md) under a directory, one row each; a directory
    with its own `manifest.jsonl` (and `dev-manifest.jsonl`) is read through them."""
    directory = Path(directory)
    if (directory / "manifest.jsonl").exists():
        corpus = Corpus(directory, manifest_dir=directory)
        which = [name for name, file in (("manifest", "manifest.jsonl"), ("dev", "dev-manifest.jsonl")) if (directory / file).exists()]
        rows = [_row(corpus, e) for e in corpus.entries(which)]
        if not rows:
            raise InputError(f"{directory / 'manifest.jsonl'}: the manifest lists no notices")
        return datasets.Dataset.from_list(rows, features=_FEATURES)
    files = sorted(p for p in directory.rglob("*") if p.suffix.lower() in (".txt", ".html", ".htm", ".md") and p.is_file())
    if not files:
        raise InputError(f"{directory}: no notice files (*.txt, *.html, *.md)")
    rows = [{"id": f.stem, "path": str(f), "collection": f.parent.name, "text": read_notice(f).text} for f in files]
    return datasets.Dataset.from_list(rows)


def parse_corpus(dataset: datasets.Dataset, progress=None) -> dict:
    """Parse every row's text; returns {id: Document}."""
    from ..api import load, to_document

    nlp = load()
    ids, texts = dataset["id"], dataset["text"]
    pairs: Iterable = zip(ids, nlp.pipe(texts))
    if progress:
        pairs = progress(pairs, len(ids), "parse")
    return {doc_id: to_document(doc, doc_id) for doc_id, doc in pairs}
