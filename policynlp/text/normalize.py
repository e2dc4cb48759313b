"""Original text → normalised text, with an offset map back to the original.

Each step rewrites only what it must (markup, script, glosses, punctuation
width, stray spaces, garbled enumerators) and records, for every character of
its output, the original range it came from; spans found later are mapped back
with `NormalizedText.to_original`.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from functools import lru_cache
from html.parser import HTMLParser

import numpy as np

from .enumerators import repair_garbled_enumerators
from .furniture import Furniture, find_furniture


@dataclass
class NormalizedText:
    """Normalised text; `starts[i]`/`ends[i]` give the original range of character i."""

    original: str
    text: str
    starts: np.ndarray
    ends: np.ndarray
    furniture: Furniture = field(default_factory=Furniture)

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a normalised span [start, end) to the original string."""
        if end <= start:
            pos = int(self.starts[start]) if start < len(self.text) else len(self.original)
            return pos, pos
        return int(self.starts[start]), int(self.ends[end - 1])

    def to_normalized(self, start: int, end: int) -> tuple[int, int]:
        """Map an original span to the smallest normalised span covering it."""
        s = int(np.searchsorted(self.ends, start, side="right"))
        e = int(np.searchsorted(self.starts, end, side="left"))
        return s, max(s, e)

    @property
    def content(self) -> tuple[int, int]:
        return self.furniture.content


def _identity(text: str) -> NormalizedText:
    idx = np.arange(len(text), dtype=np.int64)
    return NormalizedText(text, text, idx, idx + 1)


def _apply(nt: NormalizedText, edits: list[tuple[int, int, str]]) -> NormalizedText:
    """Replace nt.text[s:e] by r for each (s, e, r), sorted and non-overlapping.

    A replacement's characters all map to the whole original range it replaced.
    """
    if not edits:
        return nt
    pieces, starts, ends = [], [], []
    pos = 0
    for s, e, r in edits:
        pieces.append(nt.text[pos:s])
        starts.append(nt.starts[pos:s])
        ends.append(nt.ends[pos:s])
        if r:
            o_start = nt.starts[s] if s < len(nt.text) else (nt.ends[s - 1] if s else 0)
            o_end = nt.ends[e - 1] if e > s else o_start
            pieces.append(r)
            starts.append(np.full(len(r), o_start, dtype=np.int64))
            ends.append(np.full(len(r), o_end, dtype=np.int64))
        pos = e
    pieces.append(nt.text[pos:])
    starts.append(nt.starts[pos:])
    ends.append(nt.ends[pos:])
    return NormalizedText(nt.original, "".join(pieces), np.concatenate(starts), np.concatenate(ends), nt.furniture)


def _regex_edits(nt: NormalizedText, pattern: re.Pattern[str], repl) -> NormalizedText:
    edits = []
    for m in pattern.finditer(nt.text):
        r = repl(m) if callable(repl) else repl
        if r != m.group(0):
            edits.append((m.start(), m.end(), r))
    return _apply(nt, edits)


# --- HTML ---------------------------------------------------------------------

_HTML_SNIFF = re.compile(r"<(?:!doctype|html|body|div|p|table|td|br)\b", re.I)
_BLOCK_TAGS = {
    "p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "tbody", "thead",
    "section", "article", "ul", "ol", "title", "hr", "dd", "dt", "blockquote", "pre",
}
_SKIP_TAGS = {"script", "style", "head", "noscript", "template"}


class _HtmlText(HTMLParser):
    """Collects text pieces of an HTML page with their original offsets.

    Table cells become tab-led lines and rows are separated by a blank line,
    one of the flattened layouts the structure stage reads.
    """

    def __init__(self, source: str):
        super().__init__(convert_charrefs=False)
        self.source = source
        self.line_offsets = [0]
        for m in re.finditer("\n", source):
            self.line_offsets.append(m.end())
        self.pieces: list[tuple[int, int, str]] = []  # (orig start, orig end, text)
        self.skip = 0

    def _offset(self) -> int:
        line, col = self.getpos()
        return self.line_offsets[line - 1] + col

    def _emit(self, text: str, start: int, end: int) -> None:
        self.pieces.append((start, end, text))

    def handle_starttag(self, tag, attrs):
        if tag in _SKIP_TAGS:
            self.skip += 1
        pos = self._offset()
        end = pos + len(self.get_starttag_text() or "")
        if tag == "td" or tag == "th":
            self._emit("\n\t", pos, end)
        elif tag == "tr":
            self._emit("\n\n", pos, end)
        elif tag in _BLOCK_TAGS:
            self._emit("\n", pos, end)

    def handle_startendtag(self, tag, attrs):
        if tag in _BLOCK_TAGS:
            pos = self._offset()
            self._emit("\n", pos, pos + len(self.get_starttag_text() or ""))

    def handle_endtag(self, tag):
        if tag in _SKIP_TAGS:
            self.skip = max(0, self.skip - 1)
        if tag in _BLOCK_TAGS and tag not in ("br",):
            pos = self._offset()
            self._emit("\n", pos, pos)

    def handle_data(self, data):
        if self.skip:
            return
        pos = self._offset()
        self._emit(data, pos, pos + len(data))

    def handle_entityref(self, name):
        self._charref(f"&{name};")

    def handle_charref(self, name):
        self._charref(f"&#{name};")

    def _charref(self, ref: str) -> None:
        if self.skip:
            return
        pos = self._offset()
        end = self.source.find(";", pos) + 1 or pos + len(ref)
        self._emit(html.unescape(self.source[pos:end]), pos, end)


def looks_like_html(text: str) -> bool:
    return bool(_HTML_SNIFF.search(text[:4096]))


def _from_html(text: str) -> NormalizedText:
    parser = _HtmlText(text)
    parser.feed(text)
    parser.close()
    pieces, starts, ends = [], [], []
    for s, e, t in parser.pieces:
        if not t:
            continue
        pieces.append(t)
        if e - s == len(t):  # plain text: one to one
            starts.append(np.arange(s, e, dtype=np.int64))
            ends.append(np.arange(s + 1, e + 1, dtype=np.int64))
        else:
            starts.append(np.full(len(t), s, dtype=np.int64))
            ends.append(np.full(len(t), max(e, s), dtype=np.int64))
    if not pieces:
        return NormalizedText(text, "", np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
    return NormalizedText(text, "".join(pieces), np.concatenate(starts), np.concatenate(ends))


# --- character-level steps ----------------------------------------------------

_NEWLINES = re.compile(r"\r\n?|\u2028|\u2029|\x0c|\x0b")
_NBSP = re.compile(r"[\u00a0\u2002\u2003\u2009\u200b\ufeff]")
# A pinyin gloss after a Han character: 發(fā)展 → 发展. It needs a tone mark so
# that Latin abbreviations in brackets (PPP, IPv6) stay.
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_PINYIN_GLOSS = re.compile(
    rf"(?<=[\u4e00-\u9fff])[(（]\s*[a-zü{_TONED}]*[{_TONED}][a-zü{_TONED}]*\s*[)）]"
)
# Stray spaces inside numbers and dates: `2021 年底前`, `2019年 8 月6日`, `20 个工作日`.
_NUMBER_SPACES = re.compile(r"(?<=\d)[ \u3000]+(?=[年月日号个%])|(?<=[年月])[ \u3000]+(?=\d)")
_HALF_TO_FULL = {"(": "（", ")": "）", ",": "，", ":": "：", ";": "；", "?": "？", "!": "！"}
# Half-width punctuation next to a CJK character is Chinese punctuation typed narrow.
_HALF_PUNCT = re.compile(r"(?<=[\u4e00-\u9fff\u3001-\u303f\uff08\uff09\u201c\u201d])[(),:;?!]|[(),:;?!](?=[\u4e00-\u9fff\u201c])")
# A bracket pair typed narrow around a Chinese context or content: both halves widen (（PPP）).
_HALF_PAIR = re.compile(r"(?<=[\u4e00-\u9fff“”])\(([^()\n]{1,40})\)|\(([^()\n]{0,40}[\u4e00-\u9fff][^()\n]{0,40})\)")
_FULL_ALNUM = str.maketrans(
    {chr(c): chr(c - 0xFEE0) for c in list(range(0xFF10, 0xFF1A)) + list(range(0xFF21, 0xFF3B)) + list(range(0xFF41, 0xFF5B))}
    | {"\u3000": " ", "．": "."}
)


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def _to_simplified(nt: NormalizedText) -> NormalizedText:
    """Traditional → simplified, line by line so a length change stays local."""
    converter = _t2s()
    converted = converter.convert(nt.text)
    if len(converted) == len(nt.text):
        return NormalizedText(nt.original, converted, nt.starts, nt.ends, nt.furniture)
    edits = []
    pos = 0
    for line in nt.text.splitlines(keepends=True):
        out = converter.convert(line)
        if out != line:
            edits.append((pos, pos + len(line), out))
        pos += len(line)
    return _apply(nt, edits)


def _translate(nt: NormalizedText, table: dict[int, str]) -> NormalizedText:
    """A one-to-one character mapping keeps the offset map as it is."""
    return NormalizedText(nt.original, nt.text.translate(table), nt.starts, nt.ends, nt.furniture)





def normalize(original: str) -> NormalizedText:
    """Normalise a notice's original text; the result maps back to `original`."""
    nt = _from_html(original) if looks_like_html(original) else _identity(original)
    nt = _regex_edits(nt, _NEWLINES, "\n")
    nt = _regex_edits(nt, _NBSP, lambda m: "" if m.group(0) in "\u200b\ufeff" else " ")
    # Before script conversion: it would turn the garbled bytes' characters into others.
    nt = _apply(nt, repair_garbled_enumerators(nt.text))
    nt = _to_simplified(nt)
    nt = _regex_edits(nt, _PINYIN_GLOSS, "")
    nt = _translate(nt, _FULL_ALNUM)
    nt = _apply(nt, [edit for m in _HALF_PAIR.finditer(nt.text)
                     for edit in ((m.start(), m.start() + 1, "（"), (m.end() - 1, m.end(), "）"))])
    nt = _regex_edits(nt, _HALF_PUNCT, lambda m: _HALF_TO_FULL[m.group(0)])
    nt = _regex_edits(nt, _NUMBER_SPACES, "")
    nt.furniture = find_furniture(nt.text)
    return nt
