"""The plan's numbered hierarchy: which enumerators open entries, at what level.

Notices reach us with their line breaks intact, or flattened into one line
where a table's cells and rows run together. Enumerators are therefore found
anywhere, and a candidate is accepted only when it continues the numbering
(the next sibling at its level, a first child, or a short jump at a clear
boundary); numbers inside sentences (`26个试点领域`, `第6版`) never do.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..text.enumerators import numeral_value

_CANDIDATE = re.compile(
    r"(?P<l0>[一二三四五六七八九十百]{1,3}|[?？])[、．.]"
    r"|[（(](?P<l1>[一二三四五六七八九十百]{1,3}|[?？])[）)]"
    r"|[（(](?P<l3>\d{1,3})[）)]|(?P<l3c>[①-⑳])"
    r"|(?P<l2>\d{1,3})(?P<dot>[.．、](?!\d)|[ \t]*(?=[\u4e00-\u9fff“《]))"
)
_STRONG_BEFORE = set("。；！？：:;”\"）)》」】 \t　")


@dataclass
class Entry:
    """An accepted enumerator: where it starts, its level and value."""

    start: int
    enum_end: int  # end of the enumerator (text begins here)
    level: int
    value: int
    numeral: str  # as printed (without brackets / dot)
    repeat: bool = False  # a merged table cell printing the same heading again


def _boundary(text: str, pos: int, floor: int) -> str:
    """'line' at a line start, 'strong' after a sentence or cell break, else 'weak'."""
    i = pos - 1
    while i >= floor and text[i] in " \t\u3000":
        i -= 1
    if i < floor or text[i] == "\n":
        return "line"
    if pos - 1 >= floor and text[pos - 1] in " \t\u3000":
        return "strong"
    return "strong" if text[i] in _STRONG_BEFORE else "weak"


def scan(text: str, start: int, end: int, *, bare_numbers: bool = False) -> list[Entry]:
    """Accepted enumerators in text[start:end], in order.

    `bare_numbers` admits `12加快…` (a 序号 column printed without a dot) after
    any character, as long as it is exactly the next number.
    """
    entries: list[Entry] = []
    last: dict[int, int] = {}  # last value per level under the current parents
    seen_last: dict[int, int] = {}  # last value per level anywhere (numbering that runs on)
    heading_text: dict[int, str] = {}
    open_levels: list[int] = []
    for m in _CANDIDATE.finditer(text, start, end):
        if m.group("l0") is not None:
            level, numeral = 0, m.group("l0")
        elif m.group("l1") is not None:
            level, numeral = 1, m.group("l1")
        elif m.group("l2") is not None:
            level, numeral = 2, m.group("l2")
        else:
            level, numeral = 3, m.group("l3") or m.group("l3c")
        boundary = _boundary(text, m.start(), start)
        dotted = level != 2 or bool(m.group("dot") and m.group("dot").strip())
        if level == 2 and not dotted and boundary != "line" and not bare_numbers:
            continue
        if level == 0 and boundary == "weak":
            # 一、 inside a sentence is a list (一是…, 第一、) far more often than a section.
            prev = text[m.start() - 1] if m.start() > start else ""
            if prev in "第是" or prev.isdigit():
                continue
        value = None if numeral in "?？" else numeral_value(numeral)
        expected = last.get(level, 0) + 1
        if value is None:
            if boundary != "line":
                continue
            value = expected
        ok = False
        repeat = False
        # A jump in numbering needs an unambiguous enumerator: a dotted number, or a line start.
        clear = (dotted and level == 2) or boundary == "line" or (boundary == "strong" and level != 2)
        if level in open_levels:
            if value == expected:
                ok = True  # the next sibling
            elif expected < value <= expected + 2 and clear:
                ok = True  # a short jump: a table that dropped rows 35–36
            elif level <= 1 and value == last.get(level):
                following = text[m.end() : m.end() + 12]
                ok = repeat = bool(following) and heading_text.get(level, "").startswith(following[:8])
        elif not open_levels or level > min(open_levels) or _is_first_level(level, open_levels):
            # A first child (or the first entry): numbering restarts at 1, or
            # runs on across parents (items 1–42 under several （一）), maybe with a gap.
            ran_on = seen_last.get(level, 0)
            if value == 1 or (ran_on and value == ran_on + 1):
                ok = True
            elif not entries and boundary == "line" and dotted:
                ok = True  # an excerpt that starts at its own number (`8.要围绕…`)
            elif ran_on and ran_on + 1 < value <= ran_on + 3 and clear:
                ok = True
        if not ok:
            continue
        entries.append(Entry(m.start(), m.end(), level, value, numeral if numeral not in "?？" else str(value), repeat))
        if repeat:
            continue
        last[level] = value
        seen_last[level] = max(seen_last.get(level, 0), value)
        heading_text[level] = text[m.end() : m.end() + 12]
        for lv in list(last):
            if lv > level:
                last[lv] = 0
        open_levels = [lv for lv in open_levels if lv < level] + [level]
    return entries


def _is_first_level(level: int, open_levels: list[int]) -> bool:
    return not open_levels or level < min(open_levels)
