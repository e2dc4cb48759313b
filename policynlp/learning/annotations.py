"""Annotated notices: the canonical span format.

Canonical format (`corpora/annotations/notices.jsonl`, documented in
`corpora/annotations/FORMAT.md`): one JSON object per notice holding
character spans (`UNIT`, `DEADLINE`, `DOC_NUMBER`) with their attributes, the
gold items (id, path, span, units by role, verbs) and the document fields. It
is *standoff*: a notice of the corpus is named by its path under the corpus
root and the SHA-256 of its text, which is read from the root at load time and
checked; only a notice annotated elsewhere (an import) carries its own text.

The authoring form (`corpora/annotations/src/<id>.yaml`) is compiled into
this format by `authoring`; files are read by `importers.load_annotations`.
"""
from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterable

from ..corpus.root import Corpus
from ..errors import InputError

LABELS = ("UNIT", "DEADLINE", "DOC_NUMBER")
ROLES = ("lead", "cooperate", "responsible", "mention")
TASK_ROLES = ("lead", "cooperate", "responsible")
DEADLINE_KINDS = ("absolute", "relative", "recurring")
DURATION_UNITS = ("hour", "day", "workday", "month")
FREQUENCIES = ("yearly", "quarterly", "monthly", "weekly")


@dataclass
class GoldSpan:
    """A labelled character span of the original text, with its attributes."""

    start: int
    end: int
    label: str
    text: str
    attrs: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "label": self.label, "text": self.text, **self.attrs}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "GoldSpan":
        attrs = {k: v for k, v in d.items() if k not in ("start", "end", "label", "text")}
        return cls(d["start"], d["end"], d["label"], d["text"], attrs)


@dataclass
class GoldUnit:
    """A unit of an item: the span of its name, its role, and its column.

    `inherited`: printed once for several items, in a merged table cell of an
    earlier row or in the heading the item sits under (`heading`)."""

    start: int
    end: int
    text: str
    role: str
    column: str | None = None
    inherited: bool = False
    heading: bool = False


@dataclass
class GoldItem:
    id: str
    number: str | None
    path: list[str]
    span: tuple[int, int]
    title_span: tuple[int, int] | None
    units: list[GoldUnit]
    verbs: list[str]
    path_spans: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class AnnotatedNotice:
    """One annotated notice in the canonical format."""

    id: str
    source: str | None
    text: str
    document: dict[str, Any] = field(default_factory=dict)
    content: tuple[int, int] | None = None
    spans: list[GoldSpan] = field(default_factory=list)
    items: list[GoldItem] = field(default_factory=list)
    cited_documents: list[dict[str, Any]] = field(default_factory=list)
    sha256: str | None = None  # set when the text is read from the corpus root (standoff)

    def spans_of(self, label: str) -> list[GoldSpan]:
        return [s for s in self.spans if s.label == label]

    @property
    def standoff(self) -> bool:
        """Whether the text lives in the corpus root (written as source + SHA-256, never copied)."""
        return self.source is not None and self.sha256 is not None

    def to_dict(self) -> dict[str, Any]:
        d = {
            "id": self.id,
            "source": self.source,
            "document": self.document,
            "content": list(self.content) if self.content else None,
            "spans": [s.to_dict() for s in self.spans],
            "items": [
                {
                    "id": it.id,
                    "number": it.number,
                    **({} if self.standoff else {"path": it.path}),
                    "span": list(it.span),
                    "title_span": list(it.title_span) if it.title_span else None,
                    "path_spans": [list(p) for p in it.path_spans],
                    "units": [
                        {k: v for k, v in asdict(u).items() if v not in (None, False)} for u in it.units
                    ],
                    "verbs": it.verbs,
                }
                for it in self.items
            ],
            "cited_documents": self.cited_documents,
        }
        if self.standoff:
            d["sha256"] = self.sha256
        else:
            d["text"] = self.text
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any], corpus: Corpus | None = None, where: str = "") -> "AnnotatedNotice":
        """A notice from its canonical dict; a standoff one reads its text from the corpus root."""
        sha256 = d.get("sha256")
        if "text" in d:
            text = d["text"]
        else:
            if not d.get("source") or not sha256:
                raise InputError(f"{where or 'annotation'} {d.get('id')}: needs either text, or source and sha256")
            corpus = corpus or Corpus()
            text = corpus.read(d["source"], sha256, checked_by=f"annotation {d.get('id')} ({where or 'annotations'})")
        html = is_html_source(d.get("source"))
        items = [
            GoldItem(
                id=it["id"],
                number=it.get("number"),
                # A standoff file keeps where each heading is printed, not its words.
                path=list(it["path"]) if "path" in it else [reading_view(text[a:b], html)[0] for a, b in it.get("path_spans", [])],
                span=tuple(it["span"]),
                title_span=tuple(it["title_span"]) if it.get("title_span") else None,
                units=[
                    GoldUnit(
                        start=u["start"],
                        end=u["end"],
                        text=u["text"],
                        role=u["role"],
                        column=u.get("column"),
                        inherited=u.get("inherited", False),
                        heading=u.get("heading", False),
                    )
                    for u in it.get("units", [])
                ],
                verbs=list(it.get("verbs", [])),
                path_spans=[tuple(p) for p in it.get("path_spans", [])],
            )
            for it in d.get("items", [])
        ]
        notice = cls(
            id=d["id"],
            source=d.get("source"),
            text=text,
            document=d.get("document", {}),
            content=tuple(d["content"]) if d.get("content") else None,
            spans=[GoldSpan.from_dict(s) for s in d.get("spans", [])],
            items=items,
            cited_documents=d.get("cited_documents", []),
            sha256=sha256 if "text" not in d else None,
        )
        validate(notice)
        return notice


def validate(notice: AnnotatedNotice) -> None:
    """Check that every span matches its text and every attribute is in its vocabulary."""
    where = f"annotation {notice.id}"
    n = len(notice.text)
    html = is_html_source(notice.source)

    def reads(start: int, end: int) -> str:
        return reading_view(notice.text[start:end], html)[0]

    for s in notice.spans:
        if not (0 <= s.start < s.end <= n):
            raise InputError(f"{where}: span {s.start}-{s.end} outside the text")
        if reads(s.start, s.end) != s.text:
            raise InputError(f"{where}: span {s.start}-{s.end} is {reads(s.start, s.end)!r}, not {s.text!r}")
        if s.label not in LABELS:
            raise InputError(f"{where}: unknown label {s.label!r} (expected one of {', '.join(LABELS)})")
        if s.label == "UNIT" and s.attrs.get("role") not in ROLES:
            raise InputError(f"{where}: unit {s.text!r} has role {s.attrs.get('role')!r}, not one of {ROLES}")
        if s.label == "DEADLINE":
            _check_deadline(where, s.text, s.attrs)
    for it in notice.items:
        for u in it.units:
            if reads(u.start, u.end) != u.text:
                raise InputError(f"{where}: item {it.id} unit span does not read {u.text!r}")
            if u.role not in ROLES:
                raise InputError(f"{where}: item {it.id} unit {u.text!r} has role {u.role!r}")


def _check_deadline(where: str, text: str, attrs: dict[str, Any]) -> None:
    kind = attrs.get("kind")
    if kind not in DEADLINE_KINDS:
        raise InputError(f"{where}: deadline {text!r} has kind {kind!r}, not one of {DEADLINE_KINDS}")
    if kind == "absolute" and "date" not in attrs:
        raise InputError(f"{where}: absolute deadline {text!r} needs a date (or date: null)")
    if kind == "relative":
        dur = attrs.get("duration") or {}
        if dur.get("unit") not in DURATION_UNITS or not isinstance(dur.get("value"), (int, float)):
            raise InputError(f"{where}: relative deadline {text!r} needs duration {{value, unit}}")
    if kind == "recurring" and attrs.get("frequency") not in FREQUENCIES:
        raise InputError(f"{where}: recurring deadline {text!r} needs a frequency in {FREQUENCIES}")


def write_annotations(notices: Iterable[AnnotatedNotice], path: str | Path) -> None:
    """Write canonical JSONL atomically: a failed write leaves any old file intact."""
    from ..output import atomic_write_text

    lines = [json.dumps(n.to_dict(), ensure_ascii=False) for n in notices]
    atomic_write_text(Path(path), "\n".join(lines) + "\n")


# --- how annotators read a notice ----------------------------------------------

# An HTML notice is read, and its strings written, as a browser shows it: tags
# dropped, block-level tags as line breaks; entities stay as printed (`&nbsp;`).
_TAG = re.compile(r"<[A-Za-z/!?][^<>]*>")
_BLOCK_TAG = re.compile(r"</?(?:p|br|div|tr|table|tbody|thead|h[1-6]|li|ul|ol|section|article)\b", re.IGNORECASE)


def is_html_source(source: str | None) -> bool:
    return bool(source) and source.lower().endswith((".html", ".htm"))


def reading_view(text: str, html: bool) -> tuple[str, list[int]]:
    """The text an annotator reads and quotes, and for each of its characters the original offset."""
    if not html:
        return text, list(range(len(text)))
    out: list[str] = []
    pos: list[int] = []
    last = 0
    for m in _TAG.finditer(text):
        out.append(text[last : m.start()])
        pos.extend(range(last, m.start()))
        if _BLOCK_TAG.match(m.group()) and not (out and out[-1].endswith("\n")):
            out.append("\n")
            pos.append(m.start())
        last = m.end()
    out.append(text[last:])
    pos.extend(range(last, len(text)))
    return "".join(out), pos


