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

from ..enumerators import numeral_value

_CANDIDATE = re.compile(
    r"(?P<l0>[一二三四五六七八九十百]{1,3}|\?)[、．.]"
    r"|[（(](?P<l1>[一二三四五六七八九十百]{1,3}|\?)[）)]"
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
        kind = m.lastgroup if m.lastgroup != "dot" else "l2"
        if m.group("l0") is not None:
            level, numeral = 0, m.group("l0")
        elif m.group("l1") is not None:
            level, numeral = 1, m.group("l1")
        elif m.group("l2") is not None:
            level, numeral = 2, m.group("l2")
        else:
            level, numeral = 3, m.group("l3") or m.group("l3c")
        del kind
        boundary = _boundary(text, m.start(), start)
        dotted = level != 2 or bool(m.group("dot") and m.group("dot").strip())
        if level == 2 and not dotted and boundary != "line" and not bare_numbers:
            continue
        if level == 0 and boundary == "weak":
            # 一、 inside a sentence is a list (一是…, 第一、) far more often than a section.
            prev = text[m.start() - 1] if m.start() > start else ""
            if prev in "第是" or prev.isdigit():
                continue
        value = None if numeral == "?" else numeral_value(numeral)
        expected = last.get(level, 0) + 1
        continuing = seen_last.get(level, 0) + 1
        deeper_open = any(lv < level for lv in open_levels)
        if value is None:
            if boundary != "line":
                continue
            value = expected
        ok = False
        repeat = False
        if value == expected and (expected > 1 or not open_levels or deeper_open or level in open_levels
                                  or _is_first_level(level, open_levels)):
            ok = True
        elif value == continuing and value > 1 and deeper_open and last.get(level, 0) == 0:
            ok = True  # numbering runs on across parents (items 1–42 under several （一）)
        elif value == 1 and level not in open_levels and (deeper_open or not open_levels):
            ok = True
        elif (
            level in open_levels
            and expected < value <= expected + 2
            and boundary in ("line", "strong")
            and (dotted or boundary == "line")
        ):
            ok = True  # a short jump: a table that dropped rows 35–36
        elif level in (0, 1) and value == last.get(level) and level in open_levels:
            following = text[m.end() : m.end() + 12]
            if following and heading_text.get(level, "").startswith(following[:8]):
                ok = repeat = True
        if not ok:
            continue
        if boundary == "weak" and level == 2 and not bare_numbers and value != expected and value != continuing:
            continue
        entries.append(Entry(m.start(), m.end(), level, value, numeral if numeral != "?" else str(value), repeat))
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
