"""Item text → the character sequence the aligner compares, with a map back.

An item is compared on its title (or, for an unnumbered item, the heading it
sits under) followed by its text. The comparison form keeps letters and digits
only, in simplified script and half width, and strikes the names of units,
levels and places (`各级各部门`, `省、市、县三级`, `区教育局`): localisation
rewrites exactly those, and it must not break a verbatim match.

Each kept character remembers where it came from (`field`, offset), so copied
passages can be reported on the item's own strings.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..document import Item
from ..lexicon import UNIT_SUFFIXES, default_matcher, load_gazetteer, plausible_in_text

# A segment is what one local alignment covers: a sentence, or a run of its
# clauses when the sentence is long, so that a child sentence built from two
# parent sentences (or the reverse) still aligns piece by piece.
MAX_SEGMENT = 48
_SENTENCE_END = re.compile(r"[。！？；!?;\n]+")
_CLAUSE_END = re.compile(r"[，、,：:]+")
_ENUMERATOR = re.compile(r"^\s*[（(]?[一二三四五六七八九十百零〇\d]{1,4}[)）、.．]\s*")

# Levels and places a localised copy strikes or swaps; unit names proper come
# from the project's unit matcher (gazetteer and name grammar).
_SCOPE = re.compile(
    r"(?:[省市县区乡镇](?:[、和及]?[省市县区乡镇]){1,4}(?:[两二三四五]级|级)?)"
    r"|(?:各|本|全|我)(?:级|地区|地|省|市|县|区|乡镇)"
    r"|[省市县区]直(?:各|有关)*(?:部门|单位)?|[省市县区]属|各?设区市|(?:[省市县区]级)(?:以上)?"
    r"|福建省|平潭综合实验区|实验区"
)
_SUFFIX_END = tuple(UNIT_SUFFIXES)
# `政府` before these is part of a thing's name (政府门户网站, 政府信息), not a unit.
_GOVERNMENT_THING = re.compile(r"门户|网站|信息|公报|数据|规章|购买|工作报告|系统")
# Places and channels whose names end like a unit's (省网上办事大厅, 综合窗口).
_NOT_UNIT = ("大厅", "窗口")
# A conjunction between two struck names goes with them (各设区市、平潭综合实验区管委会和省直有关单位).
_JOINER = re.compile(r"[和及与、]|以及")


@dataclass
class PreparedItem:
    """One item in comparison form.

    `codes[k]` is the k-th kept character (its code point), taken from
    `raw[pos[k]]`; `pieces` say which field of the item each part of `raw` is;
    `segments` are `[start, end)` ranges of `codes`.
    """

    id: str
    raw: str
    pieces: list[tuple[str, int, int]]
    codes: np.ndarray
    pos: np.ndarray
    segments: np.ndarray
    norm: str  # the kept characters as a string

    def locate(self, start: int, end: int) -> tuple[str, tuple[int, int]]:
        """The item field and `[start, end)` offsets in it of kept characters `start:end`."""
        a, b = int(self.pos[start]), int(self.pos[end - 1]) + 1
        for field, s, e in self.pieces:
            if s <= a < e:
                return field, (a - s, min(b, e) - s)
        raise ValueError("offset outside the item")


def item_pieces(item: Item) -> list[tuple[str, str]]:
    """(field, string) parts of the text an item is compared on."""
    pieces: list[tuple[str, str]] = []
    if item.title:
        pieces.append(("title", item.title))
    elif item.number is None and item.path:
        heading = _ENUMERATOR.sub("", item.path[-1])
        if heading:
            pieces.append(("heading", heading))
    pieces.append(("text", item.text))
    return pieces


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def _fold(text: str) -> str:
    """Simplified script, half width, lower case, one character for one (offsets stay valid)."""
    converted = _t2s().convert(text)
    if len(converted) != len(text):
        converted = "".join(c if len(c) == 1 else o for o, c in zip(text, map(_t2s().convert, text)))
    out = []
    for ch in converted:
        folded = unicodedata.normalize("NFKC", ch).lower()
        out.append(folded if len(folded) == 1 else ch)
    return "".join(out)


def _is_content(codes: np.ndarray) -> np.ndarray:
    """Letters and digits: CJK ideographs, ASCII alphanumerics, other letters."""
    cjk = ((codes >= 0x4E00) & (codes <= 0x9FFF)) | ((codes >= 0x3400) & (codes <= 0x4DBF))
    ascii_alnum = ((codes >= 0x30) & (codes <= 0x39)) | ((codes >= 0x61) & (codes <= 0x7A))
    return cjk | ascii_alnum


@lru_cache(maxsize=1)
def _gazetteer() -> frozenset[str]:
    return frozenset(load_gazetteer())


def _unit_mask(text: str) -> np.ndarray:
    """True on characters of unit, level and place names."""
    mask = np.zeros(len(text), dtype=bool)
    for u in default_matcher().find(text):
        name = text[u.start:u.end]
        # Platforms the gazetteer learned (省网上办事大厅), verb-led grammar matches
        # (鼓励支持第三方机构) and 政府 naming a thing (政府门户网站) are no units.
        if (
            not name.endswith(_SUFFIX_END)
            or name.endswith(_NOT_UNIT)
            or (u.source == "grammar" and not plausible_in_text(name, _gazetteer()))
        ):
            continue
        if name.endswith("政府") and _GOVERNMENT_THING.match(text, u.end):
            continue
        mask[u.start:u.end] = True
    for m in _SCOPE.finditer(text):
        mask[m.start():m.end()] = True
    for m in _JOINER.finditer(text):
        before = m.start() - 1
        while before >= 0 and not text[before].isalnum():
            before -= 1
        if before >= 0 and mask[before] and m.end() < len(text) and mask[m.end()]:
            mask[m.start():m.end()] = True
    return mask


def _segments(raw: str, keep_idx: np.ndarray, piece_bounds: list[int]) -> np.ndarray:
    """Segment boundaries in kept-character coordinates."""
    cuts = set(piece_bounds)
    cuts.update(m.end() for m in _SENTENCE_END.finditer(raw))
    clause_cuts = sorted(m.end() for m in _CLAUSE_END.finditer(raw))
    # raw offset → number of kept characters before it
    to_kept = lambda off: int(np.searchsorted(keep_idx, off))  # noqa: E731
    sentence_cuts = sorted({to_kept(c) for c in cuts} | {0, len(keep_idx)})
    clause_kept = [to_kept(c) for c in clause_cuts]
    segs: list[tuple[int, int]] = []
    for s, e in zip(sentence_cuts, sentence_cuts[1:]):
        if e <= s:
            continue
        if e - s <= MAX_SEGMENT:
            segs.append((s, e))
            continue
        # Long sentence: greedy runs of whole clauses, hard cuts inside a clause too long.
        start = s
        inner = [c for c in clause_kept if s < c < e] + [e]
        prev = s
        for c in inner:
            if c - start > MAX_SEGMENT and prev > start:
                segs.append((start, prev))
                start = prev
            while c - start > MAX_SEGMENT:
                segs.append((start, start + MAX_SEGMENT))
                start += MAX_SEGMENT
            prev = c
        if e > start:
            segs.append((start, e))
    return np.array(segs, dtype=np.int32).reshape(-1, 2)


def prepare(item: Item) -> PreparedItem:
    """An item in comparison form (see the module docstring)."""
    pieces = item_pieces(item)
    raw_parts, spans, offset = [], [], 0
    for field, s in pieces:
        raw_parts.append(s)
        spans.append((field, offset, offset + len(s)))
        offset += len(s) + 1
    raw = "\n".join(raw_parts)
    folded = _fold(raw)
    codes = np.frombuffer(folded.encode("utf-32-le"), dtype=np.uint32).astype(np.int32)
    keep = _is_content(codes) & ~_unit_mask(folded)
    keep_idx = np.flatnonzero(keep).astype(np.int32)
    bounds = [e for _, _, e in spans]
    return PreparedItem(
        id=item.id,
        raw=raw,
        pieces=spans,
        codes=codes[keep_idx],
        pos=keep_idx,
        segments=_segments(raw, keep_idx, bounds),
        norm="".join(folded[i] for i in keep_idx.tolist()),
    )
