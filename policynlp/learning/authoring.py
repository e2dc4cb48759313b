"""The authoring form of annotations: `corpora/annotations/src/<id>.yaml`.

The same content as the canonical format, written as short strings in reading
order; `compile_authoring` finds every string in the notice's reading view,
moving forward, and fails loudly when a string is not where the file says it
is. `policynlp annotations compile|show|view` are its commands.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import yaml

from .annotations import (
    ROLES,
    AnnotatedNotice,
    GoldItem,
    GoldSpan,
    GoldUnit,
    is_html_source,
    reading_view,
    validate,
    write_annotations,
)
from ..corpus.root import Corpus, text_sha256
from ..errors import InputError


class _Cursor:
    """Finds strings in the reading view of the original text, moving forward."""

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


def compile_authoring(path: str | Path, corpus: Corpus | None = None) -> AnnotatedNotice:
    """Compile an authoring YAML file into an AnnotatedNotice with exact spans.

    `source` is the notice's path under the corpus root; its text is read there
    and checked against the project's manifest."""
    path = Path(path)
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    corpus = corpus or Corpus()
    source = spec["source"]
    text = corpus.read(source)
    view, pos = reading_view(text, is_html_source(source))

    def orig(vs: int, ve: int) -> tuple[int, int]:
        """A span of the reading view as original offsets."""
        return pos[vs], pos[ve - 1] + 1

    where = f"{path.name}"
    doc = dict(spec.get("document") or {})
    content_from, content_to = doc.pop("content_from", None), doc.pop("content_to", None)
    # `content_*_after`: an earlier anchor, so that a short content anchor is found in the right place.
    from_after, to_after = doc.pop("content_from_after", None), doc.pop("content_to_after", None)
    for key, value in (("content_from", content_from), ("content_to", content_to),
                       ("content_from_after", from_after), ("content_to_after", to_after)):
        if value is not None:
            _anchor(value, key, where)
    cur = _Cursor(view, where)
    start = cur.find(from_after, "content_from_after") + len(from_after) if from_after else 0
    c0 = cur.find(content_from, "content_from", start=start) if content_from else 0
    start = cur.find(to_after, "content_to_after", start=c0) + len(to_after) if to_after else c0
    c1 = (cur.find(content_to, "content_to", start=start) + len(content_to)) if content_to else len(view)
    if "date" in doc and doc["date"] is not None:
        doc["date"] = str(doc["date"])
    spans: list[GoldSpan] = []
    for label, key in (("DOC_NUMBER", "doc_numbers"), ("DEADLINE", "deadlines")):
        cur = _Cursor(view, f"{where} {key}", c0, c1)
        for m in spec.get(key) or []:
            m = dict(m)
            if "after" in m:
                a = m.pop("after")
                cur.pos = cur.find(a, "after") + len(a)
            t = m.pop("text")
            i = cur.find(t, label)
            if "date" in m and m["date"] is not None:
                m["date"] = str(m["date"])
            spans.append(GoldSpan(*orig(i, i + len(t)), label, t, m))
            cur.pos = i + len(t)
    items: list[GoldItem] = []
    item_cur = _Cursor(view, f"{where} items", c0, c1)
    starts: list[int] = []
    raw_items = spec.get("items") or []
    for raw in raw_items:
        at = _anchor(raw["at"], f"item {raw['id']} at", where)
        starts.append(item_cur.find(at, f"item {raw['id']} at"))
        item_cur.pos = starts[-1] + len(at)
    bounds = starts[1:] + [c1]
    seen_ids: set[str] = set()
    for raw, start, stop in zip(raw_items, starts, bounds):
        iid = str(raw["id"])
        if iid in seen_ids:
            raise InputError(f"{where}: item id {iid} repeated")
        seen_ids.add(iid)
        icur = _Cursor(view, f"{where} item {iid}", start, stop)
        t_from, t_to = (_anchor(raw["text"][k], f"item {iid} text.{k}", where) for k in ("from", "to"))
        s = icur.find(t_from, "text.from")
        e = icur.find(t_to, "text.to", start=s) + len(t_to)
        path_view = _heading_spans(view, raw.get("path") or [], c0, start, f"{where}: item {iid}")
        title_span = None
        if raw.get("title_inherited"):
            if not items or items[-1].title_span is None:
                raise InputError(f"{where}: item {iid} inherits its title but the item before has none")
            title_span = items[-1].title_span
        elif isinstance(raw.get("title"), dict):
            first, last = (_anchor(raw["title"].get(k, ""), f"item {iid} title.{k}", where) for k in ("from", "to"))
            ts = icur.find(first, "title.from")
            title_span = orig(ts, icur.find(last, "title.to", start=ts) + len(last))
        elif raw.get("title"):
            if len(str(raw["title"])) > MAX_QUOTE:
                raise InputError(f"{where}: item {iid} title is over {MAX_QUOTE} characters: write it as {{from, to}}")
            ts = icur.find(raw["title"], "title")
            title_span = orig(ts, ts + len(raw["title"]))
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
            if u.get("heading"):
                hs = _in_headings(view, path_view, u["text"])
                if hs is None:
                    raise InputError(f"{where}: item {iid} unit {u['text']!r} is not printed in its path's headings")
                o = orig(hs, hs + len(u["text"]))
                units.append(GoldUnit(*o, u["text"], role, u.get("column"), True, True))
                if not any((sp.start, sp.end) == o and sp.label == "UNIT" for sp in spans):
                    spans.append(GoldSpan(*o, "UNIT", u["text"], {"role": role}))
                continue
            if "after" in u:
                icur.pos = icur.find(u["after"], "unit after") + len(u["after"])
            i = icur.find(u["text"], "unit")
            units.append(GoldUnit(*orig(i, i + len(u["text"])), u["text"], role, u.get("column"), False))
            icur.pos = i + len(u["text"])
            spans.append(GoldSpan(*orig(i, i + len(u["text"])), "UNIT", u["text"], {"role": role}))
        number = raw.get("number")
        items.append(
            GoldItem(
                id=iid,
                number=None if number is None else str(number),
                path=[view[a:b] for a, b in path_view],
                span=orig(s, e),
                title_span=title_span,
                units=units,
                verbs=[str(v) for v in raw.get("verbs") or []],
                path_spans=[orig(a, b) for a, b in path_view],
            )
        )
    spans.sort(key=lambda sp: (sp.start, sp.end))
    cited = [dict(c) for c in spec.get("cited_documents") or []]
    notice = AnnotatedNotice(
        id=str(spec["id"]),
        source=source,
        text=text,
        document=doc,
        content=orig(c0, c1),
        spans=spans,
        items=items,
        cited_documents=cited,
        sha256=text_sha256(text),
    )
    validate(notice)
    return notice


# Authoring files quote short strings only: a longer heading is written by its ends, and
# an anchor (`at`, `text.from`, `text.to`) needs only enough characters to be found.
MAX_QUOTE = 30
MAX_ANCHOR = 30


def _anchor(value: Any, what: str, where: str) -> str:
    value = str(value)
    if len(value) > MAX_ANCHOR:
        raise InputError(f"{where}: {what} {value[:20]!r}… is over {MAX_ANCHOR} characters (an anchor needs only a few)")
    return value


def _heading_spans(view: str, path: list, c0: int, item_start: int, where: str) -> list[tuple[int, int]]:
    """Each path heading's span in the view: its last printing before the item (a table may
    print a heading twice; the item sits under the nearer one). A heading is written as
    printed (up to MAX_QUOTE characters) or as `{from, to}`, its first and last characters."""
    out = []
    for heading in path:
        if isinstance(heading, dict):
            first, last = str(heading.get("from", "")), str(heading.get("to", ""))
            if not first or not last:
                raise InputError(f"{where}: path heading {heading!r} needs both from and to")
        else:
            first, last = str(heading), ""
            if len(first) > MAX_QUOTE:
                raise InputError(f"{where}: path heading {first[:20]!r}… is over {MAX_QUOTE} characters: "
                                 "write it as {from: <its first characters>, to: <its last characters>}")
        i = view.rfind(first, c0, item_start + len(first))
        if i < 0:
            raise InputError(f"{where}: path heading {first!r} not found before the item")
        end = i + len(first)
        if last:
            j = view.find(last, end - len(last) if len(last) <= len(first) else i)
            if j < 0:
                raise InputError(f"{where}: path heading end {last!r} not found after {first!r}")
            end = j + len(last)
        out.append((i, end))
    return out


def _in_headings(view: str, headings: list[tuple[int, int]], name: str) -> int | None:
    """Where a unit name is printed in the item's headings, the innermost first."""
    for a, b in reversed(headings):
        i = view.find(name, a, b)
        if i >= 0:
            return i
    return None


def _inherited_source(items: list[GoldItem], text: str, column: str | None) -> GoldUnit | None:
    for it in reversed(items):
        for u in it.units:
            if not u.inherited and u.text == text and (column is None or u.column == column):
                return u
    return None


def _show(notice: AnnotatedNotice) -> str:
    """The compiled gold as a reader checks it: every item's path, text ends, units and verbs."""
    html = is_html_source(notice.source)

    def read(a: int, b: int) -> str:
        return reading_view(notice.text[a:b], html)[0].replace("\n", "⏎")

    def ends(a: int, b: int) -> str:
        t = read(a, b)
        return t if len(t) <= 70 else f"{t[:40]}…{t[-25:]}"

    doc = notice.document
    lines = [f"{notice.id}: {doc.get('title')!r} | issuer {doc.get('issuer')!r} | {doc.get('doc_number')!r} | {doc.get('date')}",
             f"recipients: {doc.get('recipients')}"]
    for it in notice.items:
        lines.append(f"[{it.id}] number={it.number} path={' / '.join(it.path)}")
        if it.title_span:
            lines.append(f"    title: {read(*it.title_span)}")
        lines.append(f"    text:  {ends(*it.span)}")
        for u in it.units:
            flags = "".join(f" [{k}]" for k, v in (("inherited", u.inherited and not u.heading), ("heading", u.heading)) if v)
            lines.append(f"    unit:  {u.text} ({u.role}{', ' + u.column if u.column else ''}){flags}")
        lines.append(f"    verbs: {'、'.join(it.verbs)}")
    for label in ("DEADLINE", "DOC_NUMBER"):
        for sp in notice.spans_of(label):
            attrs = {k: v for k, v in sp.attrs.items()}
            lines.append(f"{label}: {sp.text} {attrs}")
    return "\n".join(lines)


def _view_lines(text: str, html: bool, width: int = 100) -> str:
    """The reading view with view offsets, long lines cut into pieces of `width` characters."""
    view, _ = reading_view(text, html)
    out = []
    pos = 0
    for line in view.split("\n"):
        if line.strip():
            for k in range(0, len(line), width):
                out.append(f"{pos + k:7d}  {line[k:k + width]}")
        pos += len(line) + 1
    return "\n".join(out)


def _readings(path: Path, corpus: Corpus) -> list[AnnotatedNotice]:
    if path.is_dir():
        return [compile_authoring(f, corpus) for f in sorted(path.glob("*.yaml"))]
    from .importers import load_annotations

    return load_annotations([path], corpus)


def _agree(first: Path, second: Path, corpus: Corpus) -> str:
    from .agreement import agreement, format_agreement

    a, b = _readings(first, corpus), _readings(second, corpus)
    groups = {}
    for n in a:
        entry = corpus.entry_for_path(n.source) if n.source else None
        groups[n.id] = str(entry.meta.get("source_group")) if entry else "unknown"
    return format_agreement(agreement(a, b), groups)


def main(argv: list[str] | None = None) -> int:
    """`policynlp annotations compile FILE.yaml...` (or `compile --all`), `show FILE.yaml`,
    `view SOURCE`."""
    parser = argparse.ArgumentParser(prog="policynlp annotations")
    sub = parser.add_subparsers(dest="command", required=True)
    corpus_help = "corpus root (default: $POLICYNLP_CORPUS, else ../shared/corpora beside the checkout)"
    comp = sub.add_parser("compile", help="compile authoring YAML into the canonical JSONL")
    comp.add_argument("files", nargs="*", type=Path)
    comp.add_argument("--all", action="store_true", help="every file under corpora/annotations/src")
    comp.add_argument("--out", type=Path, default=Path("corpora/annotations/notices.jsonl"))
    comp.add_argument("--corpus", type=Path, help=corpus_help)
    show = sub.add_parser("show", help="compile authoring files and print their gold items for checking by eye")
    show.add_argument("files", nargs="+", type=Path)
    show.add_argument("--corpus", type=Path, help=corpus_help)
    view = sub.add_parser("view", help="print a notice as annotators quote it (HTML tags dropped), with offsets")
    view.add_argument("source", help="path under the corpus root, e.g. notices/shanghai-docs/sh-hfb-2024-56.md")
    view.add_argument("--corpus", type=Path, help=corpus_help)
    view.add_argument("--width", type=int, default=100)
    agree = sub.add_parser("agree", help="agreement between two readings: two directories of authoring files (or JSONL)")
    agree.add_argument("first", type=Path)
    agree.add_argument("second", type=Path)
    agree.add_argument("--corpus", type=Path, help=corpus_help)
    args = parser.parse_args(argv)
    try:
        corpus = Corpus(args.corpus)
        if args.command == "view":
            print(_view_lines(corpus.read(args.source), is_html_source(args.source), args.width))
            return 0
        if args.command == "agree":
            print(_agree(args.first, args.second, corpus))
            return 0
        files = sorted(Path("corpora/annotations/src").glob("*.yaml")) if getattr(args, "all", False) else args.files
        compiled = [compile_authoring(f, corpus) for f in files]
    except (InputError, KeyError, TypeError, yaml.YAMLError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.command == "show":
        print("\n\n".join(_show(n) for n in compiled))
        return 0
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
