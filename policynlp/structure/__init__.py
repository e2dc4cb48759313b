"""Document structure: the cover notice and the plan's items, with their cells by column.

Input is a `NormalizedText`; every span here is in normalised offsets (the
document stage maps them back to the original).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..entities.lexicon import COLUMN_CLASSES, COLUMN_NAME, UnitMatcher, canonical_column, default_matcher
from ..text.normalize import NormalizedText
from .cells import RawCell, is_unit_cell, split_flat_row, split_line_row, trailing_unit_clause
from .cover import DATE, Cover, parse_cover
from .outline import Entry, scan
from .spans import strip_span

__all__ = ["Structure", "RawItem", "Heading", "parse_structure"]

Span = tuple[int, int]

_PREAMBLE = re.compile(r"指导思想|总体要求|工作目标|基本原则|工作原则|主要目标|总体目标|目标任务")
# `附件226个试点领域分解表` is 附件2 + `26个…`: a lone digit before a count.
_ATTACHMENT_HEAD = re.compile(r"附\s*件\s*(?:(?P<n>[1-9])(?=\d{1,3}个)|(?P<n2>[1-9]\d?)(?![\d、，,]))")
_ATTACHMENT_LIST = re.compile(r"附\s*件\s*[：:]")
# What may follow a plan's own 成文日期: `印发`, `（此件主动公开）`.
_AFTER_SIGNATURE = re.compile(r"\s*(?:印发)?\s*(?:[（(]此件[^）)]{0,8}[）)])?\s*")
_CLOSING = re.compile(r"特此(?:通知|函告|通告|公告|批复)[。！]?\s*$")
_ISSUER_TAIL = re.compile(r"(?:办公厅|办公室|人民政府|政府|管委会|委员会|局|厅|委|办|中心)\s*$")


@dataclass
class Heading:
    level: int
    value: int
    span: Span  # the heading as printed, enumerator included


@dataclass
class RawItem:
    id: str
    number: str | None
    path: list[Heading]
    text: Span
    title: Span | None = None
    cells: list[RawCell] = field(default_factory=list)
    region: Span = (0, 0)
    layout: str = "prose"  # prose | lines | flat


@dataclass
class Table:
    columns: list[tuple[str, str]]  # (canonical name, class)
    headers: list[Span]  # every printed header row
    start: int


@dataclass
class Structure:
    nt: NormalizedText
    cover: Cover
    items: list[RawItem]
    headings: list[Heading]
    table: Table | None = None


def parse_structure(nt: NormalizedText, matcher: UnitMatcher | None = None) -> Structure:
    """Parse the cover notice and the plan of a normalised notice."""
    matcher = matcher or default_matcher()
    text = nt.text
    c0, c1 = nt.content
    cover = parse_cover(text, c0, c1)
    p0, p1 = cover.plan
    p1, attachments = _split_attachments(text, p0, p1)
    items: list[RawItem] = []
    headings: list[Heading] = []
    table = _find_table(text, p0, p1)
    items += _parse_plan(text, p0, p1, table, matcher, headings, prefix="")
    for n, (a0, a1) in attachments:
        att_table = _find_table(text, a0, a1)
        if att_table is None or not any(k == "unit" for _, k in att_table.columns):
            continue
        items += _parse_plan(text, att_table.start, a1, att_table, matcher, headings, prefix=f"A{n}.",
                             attachment_heading=Heading(0, n, _line_at(text, a0, att_table.start)))
    return Structure(nt=nt, cover=cover, items=items, headings=headings, table=table)


def _line_at(text: str, start: int, limit: int) -> Span:
    end = start
    while end < limit and text[end] != "\n":
        end += 1
    s, e = start, end
    while e > s and text[e - 1] in " \t\u3000":
        e -= 1
    return s, e


def _split_attachments(text: str, p0: int, p1: int) -> tuple[int, list[tuple[int, Span]]]:
    """Where the plan proper ends, and the numbered attachments (附件1 …) after it.

    The plan ends at its attachment note (`附件：1.…`), its own signature and
    date, or the first attachment heading, whichever comes first.
    """
    plan_end = p1
    for m in _ATTACHMENT_LIST.finditer(text, p0, p1):
        # A note listing attachments, near the plan's end (not one cited mid-plan).
        if m.start() > p0 + (p1 - p0) // 3:
            plan_end = m.start()
            break
    heads = [
        m for m in _ATTACHMENT_HEAD.finditer(text, p0, p1)
        if m.start() >= plan_end or re.search(r"(?:[。）)\s]|\d日)\s*$", text[max(p0, m.start() - 3) : m.start()])
    ]
    heads = [m for m in heads if not (plan_end <= m.start() < _note_end(text, plan_end, p1))]
    if heads and heads[0].start() < plan_end:
        plan_end = heads[0].start()
    signature = _trailing_signature(text, p0, plan_end)
    if signature is not None:
        plan_end = signature
    closing = _CLOSING.search(text, p0, plan_end)
    if closing:
        plan_end = closing.start()
    attachments = []
    for i, m in enumerate(heads):
        end = heads[i + 1].start() if i + 1 < len(heads) else p1
        attachments.append((int(m.group("n") or m.group("n2")), (m.start(), end)))
    return plan_end, attachments


def _note_end(text: str, note_start: int, limit: int) -> int:
    """The end of an attachment note's list (`附件：1.… 2.… 3.…`): its last line or item."""
    stop = note_start
    for m in re.finditer(r"\d[.、．]?[^\n]*?(?=\s+\d[.、．]|\s+附\s*件|\n|$)", text[note_start:limit]):
        stop = note_start + m.end()
        if text[stop : stop + 6].lstrip().startswith(("附件", "附 件")):
            break
    return stop


def _trailing_signature(text: str, p0: int, end: int) -> int | None:
    """Start of the plan's own 署名 + 成文日期 at its very end, if it has one."""
    for d in DATE.finditer(text, max(p0, end - 60), end):
        if not _AFTER_SIGNATURE.fullmatch(text, d.end(), end):
            continue
        lead = text[max(p0, d.start() - 40) : d.start()].rstrip(" \t\n\u3000")
        issuer = re.search(r"[\u4e00-\u9fff（）()]+$", lead)
        if issuer and _ISSUER_TAIL.search(lead):
            cut = re.split(r"(?<=[。；！？])", issuer.group(0))[-1]
            return d.start() - (len(text[max(p0, d.start() - 40) : d.start()]) - (lead.rfind(cut)))
    return None


def _find_table(text: str, start: int, end: int) -> Table | None:
    """The table header (工作任务 / 具体要求 / 牵头单位 …) and every repeat of it."""
    groups: list[list[re.Match[str]]] = []
    for m in COLUMN_NAME.finditer(text, start, end):
        if groups and not text[groups[-1][-1].end() : m.start()].strip():
            groups[-1].append(m)
        else:
            groups.append([m])
    headers = []
    columns = None
    for g in groups:
        names = [canonical_column(m.group(0)) for m in g]
        names = _join_split_names(names)
        classes = [COLUMN_CLASSES.get(n, "text") for n in names]
        if len(names) >= 2 and "unit" in classes and any(c in ("task", "req") for c in classes):
            if columns is None:
                columns = list(zip(names, classes))
            headers.append((g[0].start(), g[-1].end()))
    if columns is None:
        return None
    return Table(columns=columns, headers=headers, start=headers[0][0])


def _join_split_names(names: list[str]) -> list[str]:
    """`局内负责` + `处室` printed on two lines is one column."""
    out: list[str] = []
    for n in names:
        if out and (out[-1] + n) in COLUMN_CLASSES and n not in ("任务",):
            out[-1] += n
        else:
            out.append(n)
    return out


def _parse_plan(
    text: str,
    p0: int,
    p1: int,
    table: Table | None,
    matcher: UnitMatcher,
    headings_out: list[Heading],
    prefix: str,
    attachment_heading: Heading | None = None,
) -> list[RawItem]:
    bare = bool(table and any(k == "seq" for _, k in table.columns))
    scan_start = table.headers[0][1] if (table and prefix) else p0
    entries = scan(text, scan_start, p1, bare_numbers=bare)
    entries = [e for e in entries if not _inside_header(e.start, table)]
    items: list[RawItem] = []
    stack: list[tuple[Entry, Heading]] = []
    preamble_level: int | None = None
    for i, entry in enumerate(entries):
        nxt = entries[i + 1] if i + 1 < len(entries) else None
        region_end = nxt.start if nxt else p1
        region_end = _cut_at_header(entry.start, region_end, table)
        if entry.repeat:
            continue
        while stack and stack[-1][0].level >= entry.level:
            stack.pop()
        if preamble_level is not None and entry.level <= preamble_level:
            preamble_level = None
        has_children = nxt is not None and nxt.level > entry.level and not nxt.repeat
        in_table = table is not None and entry.start >= table.start
        if has_children:
            heading_span = _heading_span(text, entry, region_end, run_on=not in_table)
            h = Heading(entry.level, entry.value, heading_span)
            headings_out.append(h)
            stack.append((entry, h))
            if entry.level <= 1 and _PREAMBLE.search(text[heading_span[0] : heading_span[1]]):
                preamble_level = entry.level if preamble_level is None else preamble_level
            continue
        if preamble_level is not None:
            continue
        path = ([attachment_heading] if attachment_heading else []) + [h for _, h in stack]
        item = _make_item(text, entry, region_end, path, table if in_table else None, matcher, prefix)
        if item is None:
            # A paragraph heading with no paragraph: a preamble section or an empty one.
            continue
        if item.path and entry.level <= 1 and _PREAMBLE.search(text[item.path[-1].span[0] : item.path[-1].span[1]]):
            continue
        items.append(item)
    _inherit_merged_cells(items, table)
    _dedupe_ids(items)
    return items


def _inside_header(pos: int, table: Table | None) -> bool:
    return bool(table) and any(s <= pos < e for s, e in table.headers)


def _cut_at_header(start: int, end: int, table: Table | None) -> int:
    if table:
        for s, _ in table.headers:
            if start < s < end:
                return s
    return end


_HEADING_BREAK = re.compile(r"[ \t\u3000]+(?=\S)")


def _heading_span(text: str, entry: Entry, end: int, run_on: bool, limit: int | None = None) -> Span:
    """A heading: its line; in running text, up to its first 。 or the space after its title.

    `limit` caps how far a 。 may be (a paragraph item's heading is a short title).
    """
    s = entry.start
    nl = text.find("\n", entry.enum_end, end)
    line_end = nl if nl >= 0 else end
    if run_on:
        stop = text.find("。", entry.enum_end, line_end)
        gap = _HEADING_BREAK.search(text, entry.enum_end + 2, line_end)
        if gap and (stop < 0 or gap.start() < stop):
            line_end = gap.start()
        elif stop >= 0 and (limit is None or stop - entry.enum_end <= limit):
            line_end = stop + 1
    e = line_end
    while e > s and text[e - 1] in " \t\u3000":
        e -= 1
    return s, e


def _make_item(
    text: str,
    entry: Entry,
    end: int,
    path: list[Heading],
    table: Table | None,
    matcher: UnitMatcher,
    prefix: str,
) -> RawItem | None:
    body_start = entry.enum_end
    while body_start < end and text[body_start] in " \t\u3000":
        body_start += 1
    number: str | None = entry.numeral
    if entry.level <= 1:
        # A section heading without numbered entries: its paragraph is the item.
        heading = _heading_span(text, entry, end, run_on=True, limit=40)
        rest = heading[1]
        while rest < end and text[rest] in " \t\n\u3000":
            rest += 1
        if rest >= end or not text[rest:end].strip():
            if table is None:
                # One sentence and nothing else: the entry is both heading and text.
                heading_only = Heading(entry.level, entry.value, heading)
                path = path + [heading_only]
                region_text = (body_start, strip_span(text, body_start, end)[1])
                return RawItem(_item_id(path, None, prefix), None, path, region_text, region=(entry.start, end))
            return None
        path = path + [Heading(entry.level, entry.value, heading)]
        body_start = rest
        number = None
    cells: list[RawCell] = []
    title = None
    layout = "prose"
    text_span = (body_start, strip_span(text, body_start, end)[1])
    if table is not None:
        columns = table.columns
        region = text[body_start:end]
        if "\n" in region.strip():
            layout = "lines"
            cells = split_line_row(text, _lines(text, body_start, end), columns, matcher)
        else:
            layout = "flat"
            cells = split_flat_row(text, body_start, text_span[1], columns, matcher)
        req = next((c for c in cells if c.kind == "req"), None)
        task = next((c for c in cells if c.kind == "task"), None)
        textual = next((c for c in cells if c.kind == "text"), None)
        if req and task and task.span[1] > task.span[0]:
            title, text_span = task.span, req.span
        elif req:
            text_span = req.span
        elif task:
            text_span = task.span
        elif textual:
            text_span = textual.span
    else:
        clause = trailing_unit_clause(text, body_start, end, matcher)
        lines = _lines(text, body_start, end)
        if clause:
            cell, clause_start = clause
            cells = [cell]
            text_span = (body_start, strip_span(text, body_start, clause_start)[1])
        elif len(lines) > 1 and is_unit_cell(text, *lines[-1], matcher):
            # A unit cell on its own last line: a one-row table without its header.
            cells = [RawCell("", "unit", lines[-1])]
            text_span = (body_start, lines[-2][1])
    value = None if number is None else entry.value
    return RawItem(_item_id(path, value, prefix), number, path, text_span, title, cells, (entry.start, end), layout)


def _lines(text: str, start: int, end: int) -> list[Span]:
    out = []
    pos = start
    for line in text[start:end].split("\n"):
        s, e = pos, pos + len(line)
        pos = e + 1
        while s < e and text[s] in " \t\u3000":
            s += 1
        while e > s and text[e - 1] in " \t\u3000":
            e -= 1
        if e > s:
            out.append((s, e))
    return out


def _item_id(path: list[Heading], value: int | None, prefix: str) -> str:
    parts = [str(h.value) for h in path if not (prefix and h is path[0])]
    if value is not None:
        parts.append(str(value))
    return prefix + ".".join(parts)


def _inherit_merged_cells(items: list[RawItem], table: Table | None) -> None:
    """A row without a unit cell of its own shares the merged cell printed above."""
    if table is None:
        return
    unit_cols = [n for n, k in table.columns if k == "unit"]
    last: dict[str, RawCell] = {}
    for item in items:
        if not item.cells:
            continue
        present = {c.column for c in item.cells if c.kind == "unit"}
        if present or any(c.kind == "unit" for c in item.cells):
            for c in item.cells:
                if c.kind == "unit":
                    last[c.column] = c
        missing = [col for col in unit_cols if col not in present]
        # Only rows that lost cells to a merge inherit: all unit cells absent, or
        # fewer unit lines than columns in a one-cell-per-line table.
        if present and len(present) == len(unit_cols):
            continue
        if present and item.layout != "lines":
            continue
        for col in missing:
            if col in last:
                src = last[col]
                item.cells.append(RawCell(src.column, src.kind, src.span, inherited=True))


def _dedupe_ids(items: list[RawItem]) -> None:
    seen: dict[str, int] = {}
    for item in items:
        n = seen.get(item.id, 0) + 1
        seen[item.id] = n
        if n > 1:
            item.id = f"{item.id}-{n}"
