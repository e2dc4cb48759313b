"""Annotated notices: the canonical span format, its authoring form, and importers.

Canonical format (`corpora/annotations/notices.jsonl`, documented in
`corpora/annotations/FORMAT.md`): one JSON object per notice holding its
original text, character spans (`UNIT`, `DEADLINE`, `DOC_NUMBER`) with their
attributes, the gold items (id, path, span, units by role, verbs) and the
document fields.

Authoring form (`corpora/annotations/src/<id>.yaml`): the same content written
as strings in reading order; `compile_authoring` finds every string in the
original text, moving forward, and fails loudly when a string is not where the
file says it is.
"""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterable

import yaml

from .errors import InputError
from .textio import read_notice

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
    """A unit of an item: the span of its name, its role, and its column."""

    start: int
    end: int
    text: str
    role: str
    column: str | None = None
    inherited: bool = False


@dataclass
class GoldItem:
    id: str
    number: str | None
    path: list[str]
    span: tuple[int, int]
    title_span: tuple[int, int] | None
    units: list[GoldUnit]
    verbs: list[str]


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

    def spans_of(self, label: str) -> list[GoldSpan]:
        return [s for s in self.spans if s.label == label]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "source": self.source,
            "document": self.document,
            "content": list(self.content) if self.content else None,
            "spans": [s.to_dict() for s in self.spans],
            "items": [
                {
                    "id": it.id,
                    "number": it.number,
                    "path": it.path,
                    "span": list(it.span),
                    "title_span": list(it.title_span) if it.title_span else None,
                    "units": [
                        {k: v for k, v in asdict(u).items() if v not in (None, False)} for u in it.units
                    ],
                    "verbs": it.verbs,
                }
                for it in self.items
            ],
            "cited_documents": self.cited_documents,
            "text": self.text,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "AnnotatedNotice":
        items = [
            GoldItem(
                id=it["id"],
                number=it.get("number"),
                path=list(it.get("path", [])),
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
                    )
                    for u in it.get("units", [])
                ],
                verbs=list(it.get("verbs", [])),
            )
            for it in d.get("items", [])
        ]
        notice = cls(
            id=d["id"],
            source=d.get("source"),
            text=d["text"],
            document=d.get("document", {}),
            content=tuple(d["content"]) if d.get("content") else None,
            spans=[GoldSpan.from_dict(s) for s in d.get("spans", [])],
            items=items,
            cited_documents=d.get("cited_documents", []),
        )
        validate(notice)
        return notice


def validate(notice: AnnotatedNotice) -> None:
    """Check that every span matches its text and every attribute is in its vocabulary."""
    where = f"annotation {notice.id}"
    n = len(notice.text)
    for s in notice.spans:
        if not (0 <= s.start < s.end <= n):
            raise InputError(f"{where}: span {s.start}-{s.end} outside the text")
        if notice.text[s.start : s.end] != s.text:
            raise InputError(f"{where}: span {s.start}-{s.end} is {notice.text[s.start:s.end]!r}, not {s.text!r}")
        if s.label not in LABELS:
            raise InputError(f"{where}: unknown label {s.label!r} (expected one of {', '.join(LABELS)})")
        if s.label == "UNIT" and s.attrs.get("role") not in ROLES:
            raise InputError(f"{where}: unit {s.text!r} has role {s.attrs.get('role')!r}, not one of {ROLES}")
        if s.label == "DEADLINE":
            _check_deadline(where, s.text, s.attrs)
    for it in notice.items:
        for u in it.units:
            if notice.text[u.start : u.end] != u.text:
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


def load_annotations(paths: Iterable[str | Path]) -> list[AnnotatedNotice]:
    """Load annotated notices from canonical JSONL files (or doccano / Label Studio exports)."""
    from .importers import load_any

    notices: list[AnnotatedNotice] = []
    for path in paths:
        notices.extend(load_any(Path(path)))
    return notices


def write_annotations(notices: Iterable[AnnotatedNotice], path: str | Path) -> None:
    """Write canonical JSONL atomically: a failed write leaves any old file intact."""
    from .output import atomic_write_text

    lines = [json.dumps(n.to_dict(), ensure_ascii=False) for n in notices]
    atomic_write_text(Path(path), "\n".join(lines) + "\n")


# --- the authoring form -------------------------------------------------------


class _Cursor:
    """Finds strings in the original text, moving forward."""

    def __init__(self, text: str, where: str, start: int = 0, end: int | None = None):
        self.text, self.where, self.pos = text, where, start
        self.end = len(text) if end is None else end

    def find(self, needle: str, what: str, start: int | None = None, limit: int | None = None) -> int:
        begin = self.pos if start is None else start
        stop = self.end if limit is None else limit
        i = self.text.find(needle, begin, stop)
        if i < 0:
            context = self.text[begin : begin + 40].replace("\n", "⏎")
            raise InputError(f"{self.where}: {what} {needle!r} not found after offset {begin} ({context!r}…)")
        return i


def compile_authoring(path: str | Path, corpora_root: str | Path | None = None) -> AnnotatedNotice:
    """Compile an authoring YAML file into an AnnotatedNotice with exact spans."""
    path = Path(path)
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    root = Path(corpora_root) if corpora_root else path.resolve().parents[2]
    source = spec["source"]
    text = read_notice(root / source).text
    where = f"{path.name}"
    doc = dict(spec.get("document") or {})
    content_from, content_to = doc.pop("content_from", None), doc.pop("content_to", None)
    cur = _Cursor(text, where)
    c0 = cur.find(content_from, "content_from") if content_from else 0
    c1 = (cur.find(content_to, "content_to", start=c0) + len(content_to)) if content_to else len(text)
    if "date" in doc and doc["date"] is not None:
        doc["date"] = str(doc["date"])
    spans: list[GoldSpan] = []
    for label, key in (("DOC_NUMBER", "doc_numbers"), ("DEADLINE", "deadlines")):
        cur = _Cursor(text, f"{where} {key}", c0, c1)
        for m in spec.get(key) or []:
            m = dict(m)
            if "after" in m:
                a = m.pop("after")
                cur.pos = cur.find(a, "after") + len(a)
            t = m.pop("text")
            i = cur.find(t, label)
            if "date" in m and m["date"] is not None:
                m["date"] = str(m["date"])
            spans.append(GoldSpan(i, i + len(t), label, t, m))
            cur.pos = i + len(t)
    items: list[GoldItem] = []
    item_cur = _Cursor(text, f"{where} items", c0, c1)
    starts: list[int] = []
    raw_items = spec.get("items") or []
    for raw in raw_items:
        at = raw["at"]
        starts.append(item_cur.find(at, f"item {raw['id']} at"))
        item_cur.pos = starts[-1] + len(at)
    bounds = starts[1:] + [c1]
    seen_ids: set[str] = set()
    for raw, start, stop in zip(raw_items, starts, bounds):
        iid = str(raw["id"])
        if iid in seen_ids:
            raise InputError(f"{where}: item id {iid} repeated")
        seen_ids.add(iid)
        icur = _Cursor(text, f"{where} item {iid}", start, stop)
        t_from, t_to = raw["text"]["from"], raw["text"]["to"]
        s = icur.find(t_from, "text.from")
        e = icur.find(t_to, "text.to", start=s) + len(t_to)
        title_span = None
        if raw.get("title"):
            ts = icur.find(raw["title"], "title")
            title_span = (ts, ts + len(raw["title"]))
        units: list[GoldUnit] = []
        for u in raw.get("units") or []:
            u = dict(u)
            role = u.get("role")
            if role not in ROLES:
                raise InputError(f"{where}: item {iid} unit {u.get('text')!r} has role {role!r}, not one of {ROLES}")
            if u.get("inherited"):
                src = _inherited_source(items, u["text"], u.get("column"))
                if src is None:
                    raise InputError(f"{where}: item {iid} inherits {u['text']!r} but no earlier item prints it")
                units.append(GoldUnit(src.start, src.end, src.text, role, u.get("column"), True))
                continue
            if "after" in u:
                icur.pos = icur.find(u["after"], "unit after") + len(u["after"])
            i = icur.find(u["text"], "unit")
            units.append(GoldUnit(i, i + len(u["text"]), u["text"], role, u.get("column"), False))
            icur.pos = i + len(u["text"])
            spans.append(GoldSpan(i, i + len(u["text"]), "UNIT", u["text"], {"role": role}))
        number = raw.get("number")
        items.append(
            GoldItem(
                id=iid,
                number=None if number is None else str(number),
                path=[str(p) for p in raw.get("path") or []],
                span=(s, e),
                title_span=title_span,
                units=units,
                verbs=[str(v) for v in raw.get("verbs") or []],
            )
        )
    spans.sort(key=lambda sp: (sp.start, sp.end))
    cited = [dict(c) for c in spec.get("cited_documents") or []]
    notice = AnnotatedNotice(
        id=str(spec["id"]),
        source=source,
        text=text,
        document=doc,
        content=(c0, c1),
        spans=spans,
        items=items,
        cited_documents=cited,
    )
    validate(notice)
    return notice


def _inherited_source(items: list[GoldItem], text: str, column: str | None) -> GoldUnit | None:
    for it in reversed(items):
        for u in it.units:
            if not u.inherited and u.text == text and (column is None or u.column == column):
                return u
    return None


def main(argv: list[str] | None = None) -> int:
    """`python -m policynlp.annotations compile FILE.yaml...` (or `compile --all`)."""
    parser = argparse.ArgumentParser(prog="python -m policynlp.annotations")
    sub = parser.add_subparsers(dest="command", required=True)
    comp = sub.add_parser("compile", help="compile authoring YAML into the canonical JSONL")
    comp.add_argument("files", nargs="*", type=Path)
    comp.add_argument("--all", action="store_true", help="every file under corpora/annotations/src")
    comp.add_argument("--out", type=Path, default=Path("corpora/annotations/notices.jsonl"))
    args = parser.parse_args(argv)
    files = sorted(Path("corpora/annotations/src").glob("*.yaml")) if args.all else args.files
    try:
        compiled = [compile_authoring(f) for f in files]
    except (InputError, KeyError, yaml.YAMLError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for n in compiled:
        units = sum(len(it.units) for it in n.items)
        print(f"{n.id}: {len(n.items)} items, {units} item units, "
              f"{len(n.spans_of('DEADLINE'))} deadlines, {len(n.spans_of('DOC_NUMBER'))} doc numbers")
    if args.all:
        write_annotations(compiled, args.out)
        print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
