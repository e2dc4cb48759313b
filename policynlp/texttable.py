"""Plain-text tables for the terminal, where a CJK character is two columns wide."""
from __future__ import annotations

import unicodedata
from typing import Any, Sequence


def display_width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def clip(s: str, width: int) -> str:
    """`s` on one line, cut with … to fit `width` columns."""
    out, w = "", 0
    for ch in s.replace("\n", " "):
        cw = display_width(ch)
        if w + cw > width - 1:
            return out + "…"
        out, w = out + ch, w + cw
    return out


def table(rows: Sequence[Sequence[Any]], headers: Sequence[str]) -> str:
    """Columns padded to their widest cell, a rule under the headers."""
    cells = [[str(h) for h in headers]] + [[str(c) for c in r] for r in rows]
    widths = [max(display_width(r[i]) for r in cells) for i in range(len(headers))]
    lines = []
    for n, r in enumerate(cells):
        lines.append("  ".join(c + " " * (w - display_width(c)) for c, w in zip(r, widths)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)
