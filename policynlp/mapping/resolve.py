"""Parent documents in a corpus, and the alignment of every child with its parents.

A notice names the documents it implements: by number (`闽政办〔2018〕43号`)
and by 《title》, often both, sometimes only the title (the Fujian 2018 table's
own page does not print its number, but the Pingtan table cites its title).
`resolve_parents` matches these against each corpus document's own number,
its title and the title it issues (`关于印发《X》的通知` → X):

- `number`, `title`: the notice cites the parent (the notice's own title and
  its attachment are not citations of another document; a forward, 转发《X》,
  is not X; a parent is not dated after its child);
- `chain`: a document the notice does not cite but that implements one it
  cites, issued between the two (Pingtan's implementing plan between Pingtan's
  notice and the district plan that follows both), kept only when the
  notice's items really copy it (`CHAIN_MIN_LINKED` of them linked);
- `copy`: the same notice published twice (same title and date); the later
  copy (by date, then id) is aligned with the earliest.

Levels chain through the parent relation (State Council → province → county
→ bureau); `chains` lists the longest such paths.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from ..document import Document
from ..output import atomic_write_text
from .alignment import Alignment
from .core import align_prepared
from .report import summary_table
from .text import PreparedItem, content_codes, fold, prepare_many

# A chain parent must have at least this share of the child's items linked (and two links).
CHAIN_MIN_LINKED = 0.25
_INNER_TITLE = re.compile(r"[《〈<]([^《》〈〉<>]{4,})[》〉>]")
_MIN_KEY = 6  # shorter titles (《通知》, 《意见》) name nothing in particular
# A forward is a later republication by another office, not the document it forwards.
_FORWARD = re.compile(r"转发[^《〈<]{0,20}[《〈<]")


def _norm(s: str) -> str:
    """Letters and digits of `s`, simplified, half width (brackets, spaces and 《》 gone)."""
    codes, content = content_codes(fold(s))
    return codes[content].astype("<u4").tobytes().decode("utf-32-le")


def title_keys(title: str | None, inner: bool = True) -> set[str]:
    """A title and, with `inner`, the titles it quotes (`关于印发《X》的通知` → X), normalised."""
    if not title:
        return set()
    keys = {_norm(title)}
    if inner:
        keys |= {_norm(m.group(1)) for m in _INNER_TITLE.finditer(title)}
    return {k for k in keys if len(k) >= _MIN_KEY}


def own_title_keys(doc: Document) -> set[str]:
    """The titles a document is known by: its own, and the one it issues, but not one it forwards (转发《X》)."""
    return title_keys(doc.title, inner=not (doc.title and _FORWARD.search(doc.title)))


def number_key(text: str | None) -> str | None:
    """A document number normalised (spaces and bracket shapes do not matter): `闽政办201843`."""
    return _norm(text) if text else None


def _cited(doc: Document) -> tuple[list[str], list[set[str]]]:
    """Numbers and title keys the document cites, in order, its own number and title excluded."""
    own_number = number_key(doc.doc_number.text) if doc.doc_number else None
    own_titles = own_title_keys(doc)
    numbers: list[str] = []
    for c in doc.cited_documents:
        if c.doc_number:
            numbers.append(number_key(c.doc_number.text))
    numbers += [number_key(d.text) for d in doc.doc_numbers]
    numbers = [n for n in dict.fromkeys(numbers) if n and n != own_number]
    titles = [title_keys(c.title) - own_titles for c in doc.cited_documents]
    return numbers, [t for t in titles if t]


def _dated_after(a: Document, b: Document) -> bool:
    """True when `a` is known to be dated after `b`."""
    return bool(a.date and b.date and a.date > b.date)


def cited_parents(doc: Document, corpus: Sequence[Document]) -> list[tuple[str, str]]:
    """(parent id, "number" | "title") for every corpus document `doc` cites."""
    numbers, titles = _cited(doc)
    found: dict[str, str] = {}
    for other in corpus:
        if other.id == doc.id or _dated_after(other, doc):
            continue
        key = number_key(other.doc_number.text) if other.doc_number else None
        if key and key in numbers:
            found.setdefault(other.id, "number")
        own = own_title_keys(other)
        if own and any(t & own for t in titles):
            found.setdefault(other.id, "title")
    return list(found.items())


def _copies(corpus: Sequence[Document]) -> dict[str, str]:
    """Each later copy's id → the earliest copy's id (same title, same date)."""
    groups: dict[tuple[str, str | None], list[Document]] = {}
    for d in corpus:
        if d.title:
            groups.setdefault((_norm(d.title), d.date), []).append(d)
    out = {}
    for docs in groups.values():
        docs = sorted(docs, key=lambda d: (d.date or "", d.id))
        for later in docs[1:]:
            out[later.id] = docs[0].id
    return out


class _Prepared:
    """Each document's items in comparison form, prepared once."""

    def __init__(self, corpus: Sequence[Document]):
        self.docs = {d.id: d for d in corpus}
        self._items: dict[str, list[PreparedItem]] = {}

    def items(self, doc_id: str) -> list[PreparedItem]:
        if doc_id not in self._items:
            self._items[doc_id] = prepare_many(self.docs[doc_id].items)
        return self._items[doc_id]

    def align(self, child: str, parent: str, **options: Any) -> Alignment:
        return align_prepared(child, parent, self.items(child), self.items(parent), **options)


def _resolve_all(corpus: Sequence[Document], prepared: _Prepared, **options: Any) -> dict[str, list[tuple[str, str]]]:
    """Every document's parents with how each was found (see the module docstring)."""
    cited = {d.id: cited_parents(d, corpus) for d in corpus}
    copies = _copies(corpus)
    by_id = {d.id: d for d in corpus}
    out: dict[str, list[tuple[str, str]]] = {}
    for d in corpus:
        parents = [p for p in cited[d.id] if p[0] not in copies]  # a cited copy stands for its original
        direct = {p for p, _ in parents}
        for mid in corpus:
            if mid.id in direct or mid.id == d.id or copies.get(mid.id) or not d.items or not mid.items:
                continue
            via = {p for p, _ in cited[mid.id]} & direct
            if not via or _dated_after(mid, d) or any(_dated_after(by_id[v], mid) for v in via):
                continue
            aln = prepared.align(d.id, mid.id, **options)
            linked = len({x.child_item for x in aln.links})
            if len(aln.links) >= 2 and linked >= CHAIN_MIN_LINKED * len(d.items):
                parents.append((mid.id, "chain"))
        if d.id in copies:
            parents.append((copies[d.id], "copy"))
        out[d.id] = parents
    return out


def resolve_parents(doc: Document, corpus_docs: Sequence[Document]) -> list[str]:
    """Ids of `doc`'s parent documents among `corpus_docs` (cited, then chain, then the copy's original)."""
    corpus = list(corpus_docs)
    if all(d.id != doc.id for d in corpus):
        corpus.append(doc)
    prepared = _Prepared(corpus)
    return [p for p, _ in _resolve_all(corpus, prepared)[doc.id]]


def map_corpus(docs: Sequence[Document], **options: Any) -> list[Alignment]:
    """The alignment of every child with each of its parents in `docs` (children without items are skipped)."""
    return _map(docs, **options)[0]


def _map(docs: Sequence[Document], **options: Any) -> tuple[list[Alignment], dict[tuple[str, str], str]]:
    prepared = _Prepared(docs)
    resolved = _resolve_all(docs, prepared, **options)
    alignments, via = [], {}
    for d in docs:
        if not d.items:
            continue
        for parent, how in resolved[d.id]:
            if not prepared.docs[parent].items:
                continue
            alignments.append(prepared.align(d.id, parent, **options))
            via[(d.id, parent)] = how
    return alignments, via


def chains(pairs: Iterable[tuple[str, str]]) -> list[list[str]]:
    """Longest parent → child paths through the (child, parent) pairs, copies included."""
    children: dict[str, list[str]] = {}
    has_parent = set()
    for c, p in pairs:
        children.setdefault(p, []).append(c)
        has_parent.add(c)
    roots = sorted(set(children) - has_parent)
    out: list[list[str]] = []

    def walk(path: list[str]) -> None:
        nxt = [c for c in children.get(path[-1], []) if c not in path]
        if not nxt:
            if len(path) > 1:
                out.append(path)
            return
        for c in sorted(nxt):
            walk(path + [c])

    for r in roots:
        walk([r])
    return out




def map_directory(
    corpus_dir: str | Path, out_dir: str | Path, progress: Callable[..., Iterable[Any]] | None = None, **options: Any
) -> str:
    """`policynlp map CORPUS_DIR`: every notice under `corpus_dir` (a manifest.jsonl, when there
    is one, names them), mapped as `map_dataset` does."""
    from ..corpus import load_directory

    return map_dataset(load_directory(corpus_dir), out_dir, progress, **options)


def map_dataset(dataset: Any, out_dir: str | Path, progress: Callable[..., Iterable[Any]] | None = None, **options: Any) -> str:
    """`policynlp map`: parse every notice of a corpus dataset, align children with their parents.

    Writes `alignments.jsonl` (one alignment object per line) and `map_summary.txt`
    (the summary table and the chains) into `out_dir`; returns the summary.
    `options` go to `align` (`params`: a parameter set other than the shipped one).
    """
    from ..corpus import parse_corpus

    docs = list(parse_corpus(dataset, progress=progress).values())
    alignments, via = _map(docs, **options)
    lines = [summary_table(alignments, via)]
    paths = chains(via)
    if paths:
        lines.append("")
        lines.append("chains (parent → child):")
        lines += ["  " + " → ".join(p) for p in paths]
    summary = "\n".join(lines)
    out = Path(out_dir)
    atomic_write_text(out / "alignments.jsonl", "".join(json.dumps(a.to_dict(), ensure_ascii=False) + "\n" for a in alignments))
    atomic_write_text(out / "map_summary.txt", summary + "\n")
    return summary
