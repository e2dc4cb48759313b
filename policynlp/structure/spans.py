"""Span helpers shared by the structure modules (normalised offsets)."""
from __future__ import annotations

Span = tuple[int, int]
BLANK = " \t\n\u3000"


def strip_span(text: str, start: int, end: int) -> Span:
    """text[start:end] without the blanks at either end."""
    while start < end and text[start] in BLANK:
        start += 1
    while end > start and text[end - 1] in BLANK:
        end -= 1
    return start, end


def skip_blanks(text: str, pos: int) -> int:
    """The first position at or after `pos` that is not blank."""
    while pos < len(text) and text[pos] in BLANK:
        pos += 1
    return pos
