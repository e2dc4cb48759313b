"""Responsible units of an item and their roles.

Unit cells are split into clauses (on ，；); each clause's cue word gives the
role of the units it lists (牵头 → lead, 配合/协助/参与 → cooperate, 负责/落实 →
responsible; `甲会同乙、丙` → 甲 leads, 乙 and 丙 cooperate); a clause without a
cue takes its column's role. Units named in an item's running text are
responsible when they are the subject of the task (`各级行政机关要…`, `由…公开`,
`年底前省直各部门要…`, `以省发改委、经信委为试点单位`), lead when they lead it
(`…牵头`, `甲会同乙…`, where 乙 cooperates), and mere mentions otherwise (kept
for recognition, not reported as the item's units).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterable

from ..structure import RawItem

Span = tuple[int, int]
# Finds unit names in text[start:end] (the flag: inside a unit cell); spans in the same offsets.
UnitFinder = Callable[[str, int, int, bool], list[Span]]

_CLAUSE_BREAK = re.compile(r"[，,；;。]")
_LEAD = re.compile(r"牵头")
_COOPERATE = re.compile(r"配合|协助|协办|参与")
_RESPONSIBLE = re.compile(r"负责|落实")
_WITH = re.compile(r"会同")
# A unit that begins a task sentence: followed (after its co-ordinated units,
# a 等…部门 tail or the people who act for it) by a modal or an act.
_SUBJECT_TAIL = re.compile(
    r"^(?:等(?:有关|相关)?(?:行业主管部门|主管部门|部门|单位|机构))?"
    r"(?:主要负责同志|主要负责人|主要领导|领导干部|负责同志)?"
    r"(?:要|应当|应|须|需|必须|负责|牵头|会同|可|统一|定期|每年|年内|及时|均|都|分别|各自|结合|按照|依法|认真|切实|进一步|加快|加强|积极|全面|严格|主动|探索|建立|推进|做好|落实|开展|组织|完成|编制|办好|制定|公开|发布|对照)"
)
# A subject begins a clause, perhaps after the time the task is due (`年底前省直各部门要…`).
_SUBJECT_LEAD_IN = re.compile(r"(?:^|[，,；;。：:]|由)\s*(?:(?:\d{4}年)?(?:\d{1,2}月)?(?:年|月)?(?:底|末)?前|年内|今年)?\s*$")
# `甲（要）会同乙` and `甲要在…领导下，牵头…`: 甲 leads; `以甲、乙为试点单位`: they carry the task.
_LEADS = re.compile(r"^(?:等\S{0,6})?(?:要|应)?(?:在[^，。；]{1,15}下[，,]?)?(?:牵头|会同)")
_PILOTS = re.compile(r"^为(?:试点|示范|重点)(?:单位|部门)")
# After a unit at the start of a clause: it owns what follows (各部门政务公开清单), not the task.
_POSSESSIVE = re.compile(r"^(?:的|之|所|政务|信息|网站|门户|文件|公报|权责|清单|规章|名义|决策|部署(?!开展|推进|实施)|要求|常务|领导|同意|批准|印发|制定的|出台的)")
# Co-ordinated generic bodies that do not end the subject: 各级政府和有关部门负责…
_GENERIC_TAIL = re.compile(r"^(?:和|及|与|以及)(?:其)?(?:有关|相关|所属|工作)?(?:部门|单位|机构)")
_DONE = re.compile(r"^(?:也|均|都)?已")
_LEADING_VERB = re.compile(r"^(?:推动|鼓励|督促|指导|支持|要求|组织|推进|加强|通过|围绕|依托|配合|协调|会同|对)")
GENERIC_NAMES = frozenset(
    "有关部门 相关部门 政府 部门 单位 机关 行政机关 本部门 本机关 本单位 其他部门 同级部门 各有关部门 主管部门 上级部门 我局 我办 "
    "起草部门 牵头部门 牵头起草部门 发文机关 批准单位 执法部门 行业主管部门 项目法人单位 责任单位 涉事责任单位 责任部门".split()
)


@dataclass
class ItemUnit:
    """A unit of an item, in normalised offsets."""

    span: Span
    role: str  # lead | cooperate | responsible | mention
    column: str | None = None
    inherited: bool = False


def column_role(column: str, row_has_lead: bool) -> str:
    """The role a unit takes from its column when its cell states no cue."""
    if "牵头" in column and "责任" not in column:
        return "lead"
    if column.startswith("配合/") or column == "配合/责任单位":
        return "cooperate" if row_has_lead else "responsible"
    if column.startswith("配合"):
        return "cooperate"
    return "responsible"


def cell_units(text: str, cell: Span, column: str, find: UnitFinder, row_has_lead: bool = False) -> list[tuple[Span, str]]:
    """The units of a unit cell with their roles, in order."""
    s, e = cell
    units = find(text, s, e, True)
    if not units:
        return []
    default = column_role(column, row_has_lead)
    # Clause boundaries: each clause's cue governs the units inside it.
    bounds = [s] + [m.end() for m in _CLAUSE_BREAK.finditer(text, s, e)] + [e]
    clauses: list[tuple[list[Span], str | None, bool]] = []  # units, cue role, distributive (分别)
    for a, b in zip(bounds, bounds[1:]):
        inside = [u for u in units if a <= u[0] < b]
        if not inside:
            continue
        clause = text[a:b]
        with_m = _WITH.search(clause)
        if with_m:
            cut = a + with_m.start()
            clauses.append(([u for u in inside if u[1] <= cut], "lead", False))
            clauses.append(([u for u in inside if u[1] > cut], "cooperate", False))
            continue
        tail = text[inside[-1][1] : b]
        role = None
        if _LEAD.search(tail):
            role = "lead"
        elif _COOPERATE.search(tail):
            role = "cooperate"
        elif _RESPONSIBLE.search(tail):
            role = "responsible"
        clauses.append((inside, role, "分别" in tail))
    out: list[tuple[Span, str]] = []
    for i, (inside, role, _) in enumerate(clauses):
        if role is None:
            # `甲、乙，丙、丁分别牵头`: a distributive cue reaches back over the list.
            nxt = next((c for c in clauses[i + 1 :] if c[1] is not None), None)
            role = nxt[1] if nxt and nxt[2] else default
        out.extend((u, role) for u in inside)
    return out


def text_units(text: str, span: Span, find: UnitFinder, exclude: Iterable[Span] = ()) -> list[tuple[Span, str]]:
    """Units named in an item's running text: subjects of the task, or mentions."""
    s, e = span
    titles = [(m.start(), m.end()) for m in re.finditer(r"《[^》]*》", text[s:e])]
    excluded = list(exclude)
    units = []
    for u in find(text, s, e, False):
        verb = _LEADING_VERB.match(text, u[0], u[1])
        if verb and u[1] - verb.end() >= 2:
            u = (verb.end(), u[1])
        if any(a <= u[0] - s and u[1] - s <= b for a, b in titles):
            continue  # a name inside a cited title is part of the title
        if any(u[0] < b and a < u[1] for a, b in excluded):
            continue
        units.append(u)
    units = _fill_list_gaps(text, units, find)
    out: list[tuple[Span, str]] = []
    i = 0
    follows_with = False  # the group after a leader's 会同 cooperates
    while i < len(units):
        # A co-ordinated group: 甲、乙和丙 share the role of the group.
        group = [units[i]]
        while i + 1 < len(units) and re.fullmatch(r"[、，,和及与]|以及|及其", text[group[-1][1] : units[i + 1][0]]):
            i += 1
            group.append(units[i])
        i += 1
        before = text[max(s, group[0][0] - 12) : group[0][0]]
        after = text[group[-1][1] : min(e, group[-1][1] + 16)]
        generic = _GENERIC_TAIL.match(after)
        if generic:
            after = after[generic.end() :]
        at_clause_start = bool(_SUBJECT_LEAD_IN.search(before) or group[0][0] == s)
        if _DONE.match(after):
            role = "mention"  # what a body has already done is background, not a task given to it
        elif follows_with:
            role = "cooperate"
        elif at_clause_start and _LEADS.match(after):
            role = "lead"
        elif re.search(r"以\s*$", before) and _PILOTS.match(after):
            role = "responsible"
        elif at_clause_start and (_SUBJECT_TAIL.match(after) or not _POSSESSIVE.match(after)):
            role = "responsible"
        elif re.search(r"由\s*$", before) and re.match(r"^(?:等\S{0,6})?(?:负责|牵头|统一|定期|及时|公开|发布|组织)", after):
            role = "lead" if after.startswith("牵头") else "responsible"
        else:
            role = "mention"
        follows_with = role == "lead" and i < len(units) and bool(re.fullmatch(r"(?:要|应)?会同", text[group[-1][1] : units[i][0]]))
        out.extend((u, role) for u in group)
    return out


_LIST_GAP = re.compile(r"[、，,]([^、，,。；;：:\s]{2,8})[、，,]")


def _fill_list_gaps(text: str, units: list[Span], find: UnitFinder) -> list[Span]:
    """A list member between two found names is a name when the name grammar reads it
    whole (`省教育厅、环保厅、文化厅、旅发委`: 文化厅 was missed): the list vouches for it."""
    out = units[:1]
    for nxt in units[1:]:
        gap = _LIST_GAP.fullmatch(text, out[-1][1], nxt[0])
        if gap and find(text, gap.start(1), gap.end(1), True) == [(gap.start(1), gap.end(1))]:
            out.append((gap.start(1), gap.end(1)))
        out.append(nxt)
    return out


def item_units(text: str, item: RawItem, find: UnitFinder) -> list[ItemUnit]:
    """Every unit of an item: from its unit cells (inherited ones included) and its text."""
    unit_cells = [c for c in item.cells if c.kind == "unit"]
    lead_columns = [c for c in unit_cells if "牵头" in c.column and "责任" not in c.column]
    row_has_lead = any(find(text, *c.span, True) for c in lead_columns)
    out: list[ItemUnit] = []
    for cell in unit_cells:
        for span, role in cell_units(text, cell.span, cell.column, find, row_has_lead):
            out.append(ItemUnit(span, role, cell.column or None, cell.inherited))
    # Units inside a task title are not the item's: its cells say who does it.
    cell_spans = [c.span for c in unit_cells]
    for span, role in text_units(text, item.text, find, exclude=cell_spans):
        out.append(ItemUnit(span, role))
    out.sort(key=lambda u: (u.inherited, u.span))
    return [u for u in out if text[u.span[0] : u.span[1]] not in GENERIC_NAMES]
