"""The Python entry points: `load`, `parse`, `align`, and the Doc → Document assembly."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from .document import Cell, CitedDocument, Deadline, DocNumber, Document, Item, Unit
from .errors import InputError

_ISSUER_PREFIX = re.compile(
    r"^(?P<issuer>[\u4e00-\u9fff（）()、 ]{2,40}?(?:办公厅|办公室|人民政府|政府|管委会|委员会|党工委|局|厅|委|办|中心))(?=关于|\d{4}年|印发|转发)"
)


def load(model: str | Path | None = None, *, use_model: bool = True, use_rules: bool = True) -> Language:
    """The spaCy pipeline behind `parse()`; `model` is a directory written by `policynlp train`."""
    from .pipeline import build

    if model is None and use_model and use_rules:
        return _default_pipeline()
    return build(model, use_model=use_model, use_rules=use_rules)


@lru_cache(maxsize=1)
def _default_pipeline() -> Language:
    from .pipeline import build

    return build()


def parse(text: str, id: str = "document", *, nlp: Language | None = None) -> Document:
    """Parse a notice's text (or HTML) into a Document whose spans index `text`."""
    if not isinstance(text, str):
        raise TypeError("parse() takes the notice as a str; use policynlp.text.decode.read_notice for bytes or files")
    if not text.strip():
        raise InputError("input is empty")
    doc = (nlp or load())(text)
    return to_document(doc, id)


def to_document(doc: Doc, doc_id: str) -> Document:
    """Assemble the SPEC's Document from a processed spaCy Doc."""
    nt = doc._.normalized
    structure = doc._.structure
    cover = structure.cover
    norm = nt.text
    c0, c1 = nt.content

    def orig(span: tuple[int, int]) -> tuple[int, int]:
        return nt.to_original(*span)

    def inside(s: int, e: int, a: int = c0, b: int = c1) -> bool:
        return a <= s and e <= b

    doc_numbers: list[tuple[tuple[int, int], DocNumber]] = []
    for sp in doc.spans.get("doc_numbers", []):
        if inside(sp.start_char, sp.end_char):
            v = sp._.value
            doc_numbers.append(((sp.start_char, sp.end_char),
                                DocNumber(sp.text, v["issuer_code"], v["year"], v["serial"], orig((sp.start_char, sp.end_char)))))
    deadlines: list[tuple[tuple[int, int], Deadline]] = []
    for sp in doc.spans.get("deadlines", []):
        if inside(sp.start_char, sp.end_char):
            v = sp._.value
            deadlines.append(((sp.start_char, sp.end_char),
                              Deadline(sp.text, v["kind"], orig((sp.start_char, sp.end_char)), v["date"], v["duration"],
                                       v["anchor"], v["frequency"])))
    own = None
    if cover.doc_number is not None:
        own = next((d for s, d in doc_numbers if s[0] <= cover.doc_number[0] < s[1]), None)
    title = _title(doc)
    items = []
    item_units = doc._.item_units or {}
    item_verbs = doc._.item_verbs or {}
    for raw in structure.items:
        r0, r1 = raw.region
        units = [
            Unit(norm[u.span[0] : u.span[1]], u.role, orig(u.span), u.column, u.inherited)
            for u in item_units.get(raw.id, [])
            if u.role != "mention"
        ]
        items.append(
            Item(
                id=raw.id,
                number=raw.number,
                path=[norm[h.span[0] : h.span[1]] for h in raw.path],
                text=norm[raw.text[0] : raw.text[1]],
                span=orig(raw.text),
                title=norm[raw.title[0] : raw.title[1]] if raw.title else None,
                title_span=orig(raw.title) if raw.title else None,
                cells=[Cell(c.column, norm[c.span[0] : c.span[1]], orig(c.span), c.inherited) for c in raw.cells],
                units=units,
                deadlines=[d for s, d in deadlines if inside(*s, r0, r1)],
                verbs=list(item_verbs.get(raw.id, [])),
                doc_numbers=[d for s, d in doc_numbers if inside(*s, r0, r1)],
            )
        )
    return Document(
        id=doc_id,
        title=title,
        issuer=_issuer(doc, title),
        doc_number=own,
        date=cover.date_value,
        recipients=[norm[s:e] for s, e in cover.recipients],
        doc_numbers=[d for _, d in doc_numbers],
        deadlines=[d for _, d in deadlines],
        cited_documents=_cited(doc, doc_numbers),
        items=items,
        text=nt.original,
    )


def _title(doc: Doc) -> str | None:
    nt = doc._.normalized
    cover = doc._.structure.cover
    if cover.title:
        return nt.text[cover.title[0] : cover.title[1]]
    header = nt.furniture.header.get("标题")
    if header:
        return header[0]
    if nt.furniture.page_title:
        return nt.furniture.page_title[0]
    if cover.plan_title:
        return nt.text[cover.plan_title[0] : cover.plan_title[1]].lstrip("？?　 ")
    return None


def _issuer(doc: Doc, title: str | None) -> str | None:
    nt = doc._.normalized
    cover = doc._.structure.cover
    if cover.signature:
        return nt.text[cover.signature[0] : cover.signature[1]]
    if title:
        m = _ISSUER_PREFIX.match(title)
        if m:
            return m.group("issuer").strip()
    return None


def _cited(doc: Doc, doc_numbers: list[tuple[tuple[int, int], DocNumber]]) -> list[CitedDocument]:
    from .entities.docnumber import find_cited_documents, find_doc_numbers

    nt = doc._.normalized
    c0, c1 = nt.content
    matches = [m for m in find_doc_numbers(nt.text) if c0 <= m.start and m.end <= c1]
    by_start = {s[0]: d for s, d in doc_numbers}
    out = []
    for cm in find_cited_documents(nt.text, matches):
        if not (c0 <= cm.start and cm.end <= c1):
            continue
        number = by_start.get(cm.doc_number.start) if cm.doc_number else None
        out.append(CitedDocument(cm.title, number, nt.to_original(cm.start, cm.end)))
    return out
