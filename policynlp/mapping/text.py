"""Item text → the character sequence the aligner compares, with a map back.

An item is compared on its title (or, for an unnumbered item, the heading it
sits under) followed by its text. The comparison form keeps letters and digits
only, in simplified script and half width, and strikes the names of units,
levels and places (`各级各部门`, `省、市、县三级`, `区教育局`): localisation
rewrites exactly those, and it must not break a verbatim match. Unit names
come from the project's learned gazetteer (`models/unit_recognizer`) and a
name grammar on its unit suffixes (`lexicon.UNIT_SUFFIXES`); levels and places
from a small pattern.

Each kept character remembers where it came from (`field`, offset), so copied
passages can be reported on the item's own strings. Items are prepared in
batches: one pass of each pattern over all their text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

import ahocorasick
import numpy as np

from ..document import Item
from ..entities.lexicon import SUFFIX_ALTERNATION, UNIT_SUFFIXES, load_gazetteer

# A segment is what one local alignment covers: a sentence, or a run of its
# clauses when the sentence is long, so that a child sentence built from two
# parent sentences (or the reverse) still aligns piece by piece.
MAX_SEGMENT = 48
_SENTENCE_END = re.compile(r"[。！？；!?;\n]+")
_CLAUSE_END = re.compile(r"[，、,：:]+")
# A task is read clause by clause, but a list (`社会救助、扶贫`) is one clause, of several members.
_TASK_END = re.compile(r"[，,：:。！？；!?;\n]+")
_MEMBER_END = re.compile(r"、+")
_ENUMERATOR = re.compile(r"^\s*[（(]?[一二三四五六七八九十百零〇\d]{1,4}[)）、.．]\s*")

# Levels, places and bare unit categories a localised copy strikes or swaps.
_SCOPE = re.compile(
    r"(?:[省市县区乡镇](?:[、和及]?[省市县区乡镇]){1,4}(?:[两二三四五]级|级)?)"
    r"|(?:各|本|全|我)(?:级|地区|地|省|市|县|区|乡镇)"
    r"|[省市县区]直(?:各|有关)*(?:部门|单位)?|[省市县区]属|各?设区市|(?:[省市县区]级)(?:以上)?"
    r"|福建省|平潭综合实验区|实验区"
    # Bare unit categories: 牵头起草部门 → 牵头起草的责任处室 only renames the unit.
    r"|(?:责任)?处室|部门|单位"
)
_SUFFIX_END = tuple(UNIT_SUFFIXES)
# A unit name in running text: a jurisdiction, collective or level, a few more
# characters, a unit suffix (not the first character of 办法, 处理, 办公 …).
# Verb-led matches (鼓励支持第三方机构) do not start like this and stay in the text.
_STOP = "的在对向请按要将把被为是于从给等或并以了经报由及和与、，,；;：:。！？“”《》〈〉\"'　 \t\n（）()【】"
_UNIT_NAME = re.compile(
    r"(?:各|省|市|县|区|镇|乡|街道|国务院|中央|中共|全国|国家|本级|上级|同级|地方|基层|设区|直辖|自治|地级|自治州|实验区|新区|片区)"
    rf"[^{_STOP}\d]{{0,12}}?(?:{SUFFIX_ALTERNATION})(?![法理好事件结罚置分内员公])"
    r"(?:[（(][^（）()，,、]{1,6}[）)])?"
)
# `政府` before these is part of a thing's name (政府门户网站, 政府信息), not a unit.
_GOVERNMENT_THING = re.compile(r"门户|网站|信息|公报|数据|规章|购买|工作报告|系统|债务")
# Places and channels whose names end like a unit's (省网上办事大厅, 综合窗口).
_NOT_UNIT = ("大厅", "窗口")
# A conjunction between two struck names goes with them (各设区市、平潭综合实验区管委会和省直有关单位).
_JOINER = re.compile(r"[和及与、]")

# Letters and digits kept: CJK ideographs (and extension A), ASCII digits and lower-case letters.
_CONTENT = np.zeros(0x10000, dtype=bool)
_CONTENT[0x4E00:0xA000] = _CONTENT[0x3400:0x4DC0] = _CONTENT[0x30:0x3A] = _CONTENT[0x61:0x7B] = True


@dataclass
class PreparedItem:
    """One item in comparison form.

    `codes[k]` is the k-th kept character (its code point), taken from
    `raw[pos[k]]`; `pieces` say which field of the item each part of `raw` is;
    `segments` are `[start, end)` ranges of `codes`; `tasks` the same for its
    clauses (sentences cut at commas and colons, lists kept whole), what the
    relation rules read a parent item as, and `members` for the parts of the
    clauses cut at `、` (the members of a list), with `member_task` the clause of
    each; `norm` is `codes` as a string.
    """

    id: str
    raw: str
    pieces: list[tuple[str, int, int]]
    codes: np.ndarray
    pos: np.ndarray
    segments: np.ndarray
    norm: str
    tasks: np.ndarray
    members: np.ndarray
    member_task: np.ndarray

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
        heading = _ENUMERATOR.sub("", item.path[-1]).strip()
        # A paragraph under a bare enumerator is its own heading: do not count it twice.
        if heading and heading not in item.text:
            pieces.append(("heading", heading))
    pieces.append(("text", item.text))
    return pieces


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def fold(text: str) -> str:
    """Simplified script, one character for one (offsets stay valid)."""
    converted = _t2s().convert(text)
    if len(converted) == len(text):
        return converted
    # A phrase converted to another length: redo its line character by character.
    lines = []
    for line in text.split("\n"):
        out = _t2s().convert(line)
        if len(out) != len(line):
            out = "".join(c if len(c) == 1 else o for o, c in zip(line, map(_t2s().convert, line)))
        lines.append(out)
    return "\n".join(lines)


def content_codes(text: str) -> tuple[np.ndarray, np.ndarray]:
    """Code points of `text` in half width and lower case, and which of them are letters or digits."""
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.int32)
    codes = np.where((codes >= 0xFF01) & (codes <= 0xFF5E), codes - 0xFEE0, codes)
    codes = np.where((codes >= 0x41) & (codes <= 0x5A), codes + 32, codes)
    return codes, _CONTENT[np.minimum(codes, 0xFFFF)]


@lru_cache(maxsize=1)
def _gazetteer() -> "ahocorasick.Automaton | None":
    """The project's learned unit names that end like a unit (not 大厅, 窗口)."""
    names = [n for n in load_gazetteer() if n.endswith(_SUFFIX_END) and not n.endswith(_NOT_UNIT)]
    if not names:
        return None
    automaton = ahocorasick.Automaton()
    for name in names:
        automaton.add_word(name, len(name))
    automaton.make_automaton()
    return automaton


def unit_mask(text: str) -> np.ndarray:
    """True on characters of unit, level and place names."""
    automaton = _gazetteer()
    spans = [(end + 1 - length, end + 1) for end, length in automaton.iter(text)] if automaton is not None else []
    spans += [m.span() for m in _UNIT_NAME.finditer(text) if not m.group().endswith(_NOT_UNIT)]
    spans = [(a, b) for a, b in spans if not (text.endswith("政府", a, b) and _GOVERNMENT_THING.match(text, b))]
    spans += [m.span() for m in _SCOPE.finditer(text)]
    n = len(text)
    if not spans:
        return np.zeros(n, dtype=bool)
    starts, ends = np.array(spans, dtype=np.int64).T
    mask = np.cumsum(np.bincount(starts, minlength=n + 1) - np.bincount(ends, minlength=n + 1))[:n] > 0
    # A conjunction between two struck names goes with them.
    joints = np.array([m.start() for m in _JOINER.finditer(text, 1, n - 1)], dtype=np.int64)
    if len(joints):
        mask[joints[mask[joints - 1] & mask[joints + 1]]] = True
    return mask


def _split_long(s: int, e: int, clause_cuts: list[int], out: list[tuple[int, int]]) -> None:
    """Cut kept range [s, e) into greedy runs of whole clauses of at most MAX_SEGMENT (hard cuts inside longer clauses)."""
    start = prev = s
    for c in [c for c in clause_cuts if s < c < e] + [e]:
        if c - start > MAX_SEGMENT and prev > start:
            out.append((start, prev))
            start = prev
        while c - start > MAX_SEGMENT:
            out.append((start, start + MAX_SEGMENT))
            start += MAX_SEGMENT
        prev = c
    if e > start:
        out.append((start, e))


def _ranges(cuts: np.ndarray, item_kept: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The non-empty ranges between consecutive cuts and item boundaries (kept coordinates, all items
    end to end) as an (n, 2) int32 array, and where each item's ranges start in it."""
    # Sorted, and repeats give empty ranges, which go (a sort: numpy's `union1d` hashes, slower here).
    bounds = np.sort(np.concatenate([cuts, item_kept]).astype(np.int64))
    start, end = bounds[:-1], bounds[1:]
    keep = end > start
    ranges = np.column_stack([start[keep], end[keep]]).astype(np.int32)
    return ranges, np.searchsorted(ranges[:, 0], item_kept)


def prepare_many(items: Sequence[Item]) -> list[PreparedItem]:
    """Items in comparison form (see the module docstring), one pass over all their text."""
    raws, pieces = [], []
    for item in items:
        parts, spans, offset = [], [], 0
        for field, s in item_pieces(item):
            parts.append(s)
            spans.append((field, offset, offset + len(s)))
            offset += len(s) + 1
        raws.append("\n".join(parts))
        pieces.append(spans)
    # All items end to end, one newline apart: no pattern runs across a newline.
    big = "\n".join(raws)
    starts = np.cumsum([0] + [len(r) + 1 for r in raws])
    folded = fold(big)
    codes, content = content_codes(folded)
    kept = np.flatnonzero(content & ~unit_mask(folded)).astype(np.int64)
    sentence_kept = np.searchsorted(kept, [m.end() for m in _SENTENCE_END.finditer(big)])
    clause_kept = np.searchsorted(kept, [m.end() for m in _CLAUSE_END.finditer(big)])
    item_kept = np.searchsorted(kept, starts)
    s_at = np.searchsorted(sentence_kept, item_kept)
    c_at = np.searchsorted(clause_kept, item_kept)
    task_cuts = np.searchsorted(kept, [m.end() for m in _TASK_END.finditer(big)])
    member_cuts = np.concatenate([task_cuts, np.searchsorted(kept, [m.end() for m in _MEMBER_END.finditer(big)])])
    tasks, t_at = _ranges(task_cuts, item_kept)
    members, m_at = _ranges(member_cuts, item_kept)
    # The clause of each member, counted from its item's first clause.
    member_task = (np.searchsorted(tasks[:, 1], members[:, 0], side="right") - np.repeat(t_at[:-1], np.diff(m_at))).astype(np.int32)
    out = []
    for k, item in enumerate(items):
        a, b = int(item_kept[k]), int(item_kept[k + 1])
        idx = kept[a:b]
        # Sentence cuts inside the item, in the item's kept coordinates.
        n = b - a
        cuts = sorted({0, n} | {min(max(c - a, 0), n) for c in sentence_kept[s_at[k]:s_at[k + 1]].tolist()})
        clauses = [c - a for c in clause_kept[c_at[k]:c_at[k + 1]].tolist()]
        segs: list[tuple[int, int]] = []
        for s, e in zip(cuts, cuts[1:]):
            if e - s <= MAX_SEGMENT:
                segs.append((s, e))
            else:
                _split_long(s, e, clauses, segs)
        item_codes = codes[idx]
        out.append(
            PreparedItem(
                id=item.id,
                raw=raws[k],
                pieces=pieces[k],
                codes=item_codes,
                pos=(idx - starts[k]).astype(np.int32),
                segments=np.array(segs, dtype=np.int32).reshape(-1, 2),
                norm=item_codes.astype("<u4").tobytes().decode("utf-32-le"),
                tasks=tasks[t_at[k]:t_at[k + 1]] - a,
                members=members[m_at[k]:m_at[k + 1]] - a,
                member_task=member_task[m_at[k]:m_at[k + 1]],
            )
        )
    return out

