"""The results: plain dataclasses whose `to_dict()` is the JSON of SPEC.md.

Every `span` is `(start, end)` into the ORIGINAL input string.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

Span = tuple[int, int]

DOCUMENT_SCHEMA = "policynlp.document/1"
ALIGNMENT_SCHEMA = "policynlp.alignment/1"


def copy_key(title: str | None, date: str | None) -> tuple[str, str | None] | None:
    """What two publications of the same notice share: its title (letters and digits) and date;
    None for an untitled notice, which is no one's copy."""
    return (re.sub(r"[^\w]", "", title), date) if title else None


@dataclass
class DocNumber:
    """A 发文字号: 机关代字 + 〔year〕 + serial + 号; year/serial None where redacted."""

    text: str
    issuer_code: str
    year: int | None
    serial: int | None
    span: Span

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "issuer_code": self.issuer_code,
            "year": self.year,
            "serial": self.serial,
            "span": list(self.span),
        }


@dataclass
class Deadline:
    """A time limit: absolute (date), relative (duration after an anchor event) or recurring."""

    text: str
    kind: str  # "absolute" | "relative" | "recurring"
    span: Span
    date: str | None = None  # ISO date, the last day allowed (absolute)
    duration: dict[str, Any] | None = None  # {"value": 3, "unit": "workday"} (relative)
    anchor: str | None = None  # the event a relative deadline counts from
    frequency: str | None = None  # yearly | quarterly | monthly | weekly (recurring)

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"text": self.text, "kind": self.kind}
        if self.kind == "absolute":
            d["date"] = self.date
        elif self.kind == "relative":
            d["duration"] = self.duration
            if self.anchor:
                d["anchor"] = self.anchor
        else:
            d["frequency"] = self.frequency
        d["span"] = list(self.span)
        return d


@dataclass
class Unit:
    """A responsible unit of an item and its role (lead / cooperate / responsible)."""

    name: str
    role: str
    span: Span
    column: str | None = None
    inherited: bool = False

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"name": self.name, "role": self.role, "span": list(self.span)}
        if self.column:
            d["column"] = self.column
        if self.inherited:
            d["inherited"] = True
        return d


@dataclass
class Cell:
    """A table cell of an item, by column, as the structure stage found it."""

    column: str
    text: str
    span: Span
    inherited: bool = False

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"column": self.column, "text": self.text, "span": list(self.span)}
        if self.inherited:
            d["inherited"] = True
        return d


@dataclass
class Item:
    """One task of the plan."""

    id: str
    number: str | None
    path: list[str]
    text: str
    span: Span
    title: str | None = None
    title_span: Span | None = None
    cells: list[Cell] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)
    deadlines: list[Deadline] = field(default_factory=list)
    verbs: list[str] = field(default_factory=list)
    doc_numbers: list[DocNumber] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "id": self.id,
            "number": self.number,
            "path": self.path,
            "text": self.text,
            "span": list(self.span),
        }
        if self.title is not None:
            d["title"] = {"text": self.title, "span": list(self.title_span) if self.title_span else None}
        d["units"] = [u.to_dict() for u in self.units]
        d["deadlines"] = [x.to_dict() for x in self.deadlines]
        d["verbs"] = list(self.verbs)
        d["doc_numbers"] = [x.to_dict() for x in self.doc_numbers]
        if self.cells:
            d["cells"] = [c.to_dict() for c in self.cells]
        return d


@dataclass
class CitedDocument:
    title: str
    doc_number: DocNumber | None
    span: Span | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "doc_number": self.doc_number.to_dict() if self.doc_number else None,
        }


@dataclass
class Document:
    """A parsed notice: the cover notice's fields, its items and every entity found in it."""

    id: str
    title: str | None
    issuer: str | None
    doc_number: DocNumber | None
    date: str | None
    recipients: list[str]
    doc_numbers: list[DocNumber]
    deadlines: list[Deadline]
    cited_documents: list[CitedDocument]
    items: list[Item]
    text: str = field(default="", repr=False)  # the original input

    def item(self, item_id: str) -> Item:
        for it in self.items:
            if it.id == item_id:
                return it
        raise KeyError(item_id)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": DOCUMENT_SCHEMA,
            "id": self.id,
            "title": self.title,
            "issuer": self.issuer,
            "doc_number": self.doc_number.to_dict() if self.doc_number else None,
            "date": self.date,
            "recipients": list(self.recipients),
            "doc_numbers": [d.to_dict() for d in self.doc_numbers],
            "deadlines": [d.to_dict() for d in self.deadlines],
            "cited_documents": [c.to_dict() for c in self.cited_documents],
            "items": [it.to_dict() for it in self.items],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any], text: str = "") -> "Document":
        """Rebuild a Document from its JSON (as `policynlp parse` writes it)."""
        if d.get("schema") != DOCUMENT_SCHEMA:
            raise ValueError(f"not a {DOCUMENT_SCHEMA} object")

        def dn(x: dict[str, Any] | None) -> DocNumber | None:
            if x is None:
                return None
            return DocNumber(x["text"], x["issuer_code"], x["year"], x["serial"], tuple(x["span"]))

        def dl(x: dict[str, Any]) -> Deadline:
            return Deadline(x["text"], x["kind"], tuple(x["span"]), x.get("date"), x.get("duration"),
                            x.get("anchor"), x.get("frequency"))

        items = []
        for it in d.get("items", []):
            title = it.get("title") or {}
            items.append(
                Item(
                    id=it["id"],
                    number=it.get("number"),
                    path=list(it.get("path", [])),
                    text=it["text"],
                    span=tuple(it["span"]),
                    title=title.get("text"),
                    title_span=tuple(title["span"]) if title.get("span") else None,
                    cells=[Cell(c["column"], c["text"], tuple(c["span"]), c.get("inherited", False)) for c in it.get("cells", [])],
                    units=[Unit(u["name"], u["role"], tuple(u["span"]), u.get("column"), u.get("inherited", False))
                           for u in it.get("units", [])],
                    deadlines=[dl(x) for x in it.get("deadlines", [])],
                    verbs=list(it.get("verbs", [])),
                    doc_numbers=[dn(x) for x in it.get("doc_numbers", [])],
                )
            )
        return cls(
            id=d["id"],
            title=d.get("title"),
            issuer=d.get("issuer"),
            doc_number=dn(d.get("doc_number")),
            date=d.get("date"),
            recipients=list(d.get("recipients", [])),
            doc_numbers=[dn(x) for x in d.get("doc_numbers", [])],
            deadlines=[dl(x) for x in d.get("deadlines", [])],
            cited_documents=[CitedDocument(c["title"], dn(c.get("doc_number"))) for c in d.get("cited_documents", [])],
            items=items,
            text=text,
        )
