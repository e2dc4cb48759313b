"""Table rows → cells by column, for every layout the notices arrive in.

- one cell per line (unit cells on their own lines after the requirement);
- tab-led cells, one per line, rows separated by blank lines, `\t` alone for an
  empty (merged) cell;
- flattened rows where cells run together: `N.` + task title, lead cell,
  responsible cell, requirement (Fujian/Pingtan 2016–2018), or task and
  requirement first and the unit cells last (Pingtan 2021–2022);
- prose items whose units follow as `责任单位：…` or a parenthesised clause.
Unit runs are found with the unit lexicon; the cell boundaries inside a run
follow the layout's evidence: separators join units of one cell, a space or
nothing between two names ends a cell.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..entities.lexicon import CUE_PATTERN, UnitMatcher
from .spans import strip_span

Span = tuple[int, int]

_JOIN = re.compile(r"[、，,；;]|和|及")
_CUE_ONLY = re.compile(rf"^(?:\s|[、，,；;]|{CUE_PATTERN.pattern})*$")
_SUBJECT_FOLLOW_STRICT = re.compile(
    r"(?:等(?:有关|相关)?(?:行业主管部门|主管部门|部门|单位)|主要负责人|主要负责同志|要|应当|应|须|需|的|和|与|及(?!时))"
)
_DEADLINE_CELL = re.compile(r"(?:\d{4}年)?(?:\d{1,2}月)?(?:底|\d{1,2}日)?前|长期坚持|持续推进|年内|\d{4}年(?:底|内)")


@dataclass
class RawCell:
    column: str  # canonical column name, or "" for an unlabelled unit clause
    kind: str  # task | req | unit | time | text
    span: Span
    inherited: bool = False


@dataclass
class Run:
    """A run of unit names in a text, and the groups separators join them into."""

    start: int
    end: int
    units: list[Span]
    groups: list[list[Span]]  # units joined by separators form one group


def unit_runs(text: str, start: int, end: int, matcher: UnitMatcher) -> list[Run]:
    """Maximal runs of unit names in text[start:end], cue words allowed between them."""
    titles = [(m.start(), m.end()) for m in re.finditer(r"《[^》]*》", text[start:end])]
    found = [(start + u.start, start + u.end) for u in matcher.find(text[start:end])
             if not any(a <= u.start < b for a, b in titles)]  # names inside a cited title
    runs: list[Run] = []
    for s, e in found:
        if runs:
            gap = text[runs[-1].end : s]
            if _CUE_ONLY.match(gap):
                run = runs[-1]
                run.units.append((s, e))
                if gap.strip(" \t\u3000") == "" or not _JOIN.search(gap):
                    run.groups.append([(s, e)])
                else:
                    run.groups[-1].append((s, e))
                run.end = e
                continue
        runs.append(Run(s, e, [(s, e)], [[(s, e)]]))
    return runs


def unit_coverage(text: str, start: int, end: int, matcher: UnitMatcher) -> float:
    """Share of text[start:end] (spaces aside) that is unit names, cue words or separators."""
    segment = text[start:end]
    if not segment.strip():
        return 0.0
    covered = [False] * len(segment)
    for u in matcher.find(segment):
        for i in range(u.start, u.end):
            covered[i] = True
    for m in CUE_PATTERN.finditer(segment):
        for i in range(m.start(), m.end()):
            covered[i] = True
    for i, c in enumerate(segment):
        if c in "、，,；; \t\u3000\n（）()":
            covered[i] = True
    return sum(covered) / len(segment)


def is_unit_cell(text: str, start: int, end: int, matcher: UnitMatcher) -> bool:
    """A line that lists units (with role cues) rather than stating a task."""
    seg = text[start:end].strip()
    if not seg or len(seg) > 160 or seg.endswith("。") and len(seg) > 40:
        return False
    return unit_coverage(text, start, end, matcher) >= 0.8


# Members after a run of names, up to a row's end: each begins like a unit name and is short.
_MEMBER = r"[，、,][ \t\u3000]*((?:各|省|市|县|区)[^\s，、,。；;：:（）()]{2,10})"
_LIST_TAIL = re.compile(rf"((?:{_MEMBER})+)[ \t\u3000。]*")
_LIST_MEMBER = re.compile(_MEMBER)


def split_flat_row(text: str, start: int, end: int, columns: list[tuple[str, str]], matcher: UnitMatcher) -> list[RawCell]:
    """Split one flattened row (text after its enumerator) into cells by column order."""
    kinds = [k for _, k in columns]
    names = [n for n, _ in columns]
    unit_cols = [n for n, k in columns if k == "unit"]
    first_unit = kinds.index("unit") if "unit" in kinds else len(kinds)
    text_before = [i for i, k in enumerate(kinds[:first_unit]) if k in ("task", "req", "seq")]
    text_after = [i for i, k in enumerate(kinds) if i > first_unit and k in ("task", "req")]
    # A table whose unit column comes first has no text column before it.
    text_col = names[text_before[-1]] if text_before else "工作任务"
    runs = unit_runs(text, start, end, matcher)
    if text_after:
        # task title | units | requirement: the first run after a non-empty title.
        run = _first_cell_run(text, start, runs, matcher)
        if run is None:
            return [RawCell(text_col, "text", strip_span(text, start, end))]
        empty_lead = text[run.start - 1] in " \t\u3000"
        run = _cut_requirement_subject(text, run, end, empty_lead, 1 if empty_lead else len(unit_cols))
        cells = [RawCell(text_col, "task", strip_span(text, start, run.start))]
        # A space before the units is an empty lead cell: every unit is in the last column.
        cells += _unit_cells(text, run, unit_cols[-1:] if empty_lead else unit_cols)
        req_col = names[text_after[0]]
        req = strip_span(text, run.end, end)
        if req[1] > req[0]:
            cells.append(RawCell(req_col, "req", req))
        return cells
    # task and requirement first, units last: the run that reaches the row's end.
    time_cols = [n for n, k in columns if k == "time"]
    if time_cols:
        timed = _timed_unit_cells(text, start, end, runs, unit_cols, time_cols[0])
        if timed:
            return timed
    tail = strip_span(text, start, end)
    run = runs[-1] if runs else None
    if run is not None and text[run.end : tail[1]].strip(" \t\u3000。"):
        members = _LIST_TAIL.fullmatch(text, run.end, tail[1])
        if members is None:
            run = None
        else:
            # The list runs on to the row's end in members no name rule reads (`各区属国有企企`,
            # a typo): they are still the cell's, not the task's.
            for m in _LIST_MEMBER.finditer(text, run.end, members.end(1)):
                run.units.append(m.span(1))
                run.groups[-1].append(m.span(1))
            run.end = members.end(1)
    if run is None:
        return [RawCell(text_col, "text", tail)]
    cells = [RawCell(text_col, "text", strip_span(text, start, run.start))]
    cells += _unit_cells(text, run, unit_cols)
    return cells


def _first_cell_run(text: str, start: int, runs: list[Run], matcher: UnitMatcher) -> Run | None:
    """The run of unit cells after a task title: after a space (an empty cell), or with a known name.

    A title may hold unit-like words (`…列席政府有关会议制度`); cells follow it.
    """
    candidates = [r for r in runs if r.start - start >= 3]
    for test in (
        lambda r: text[r.start - 1] in " \t\u3000",
        lambda r: any(text[a:b] in matcher.names for a, b in r.units),
        lambda r: True,
    ):
        found = next((r for r in candidates if test(r)), None)
        if found is not None:
            return found
    return None


_TIME_CELL = re.compile(r"(?:\d{4}年)?\d{1,2}月(?:底|\d{1,2}日)?(?:前|止)|\d{4}年(?:底|年底)前?|长期坚持|持续推进")


def _timed_unit_cells(text: str, start: int, end: int, runs: list[Run], unit_cols: list[str], time_col: str) -> list[RawCell]:
    """Rows ending in a 完成时间 cell, maybe several sub-rows: each time cell follows its unit cell."""
    cells: list[RawCell] = []
    last_unit = start
    for m in _TIME_CELL.finditer(text, start, end):
        run = next((r for r in reversed(runs) if r.end <= m.start() and not text[r.end : m.start()].strip()), None)
        if run is None:
            continue
        cells.append(RawCell(unit_cols[-1], "unit", (run.start, run.end)))
        cells.append(RawCell(time_col, "time", (m.start(), m.end())))
        last_unit = run.start
    if not cells:
        return []
    # The text runs over earlier sub-rows' cells: a span cannot skip them.
    return [RawCell("具体内容", "text", strip_span(text, start, last_unit))] + cells


def _cut_requirement_subject(text: str, run: Run, row_end: int, empty_lead: bool, cells: int) -> Run:
    """Units that begin the requirement sentence (…等部门要, …和…应) leave the unit cells.

    Only when the cells keep a responsible group: lead + responsible + subject,
    or (after an empty lead cell) responsible + subject. `cells` is the number
    of unit cells the row can have.
    """
    groups = list(run.groups)
    # The responsible cell lists several units joined by separators; single
    # names glued after it begin the requirement, lead names glued before it.
    joined = [i for i, g in enumerate(groups) if len(g) > 1]
    minimum = joined[-1] + 1 if joined else (1 if empty_lead else 2)
    # More groups than cells: the last ones begin the requirement even when joined
    # (省效能办 | 省政府各部门、… | 各设区市、平潭综合实验区管委会要按照…).
    if len(groups) > cells:
        minimum = min(minimum, cells)
    while len(groups) > minimum:
        after = text[groups[-1][-1][1] : min(row_end, groups[-1][-1][1] + 16)].lstrip()
        if not _SUBJECT_FOLLOW_STRICT.match(after):
            break
        groups.pop()
        # `甲、乙等行业主管部门要`: the 等-joined names before the cut group go too.
        while len(groups) > 1 and re.match(r"\s*(?:等|和|与|及(?!时))", text[groups[-1][-1][1] :]):
            groups.pop()
    if len(groups) == len(run.groups):
        return run
    units = [u for g in groups for u in g]
    return Run(run.start, units[-1][1], units, groups)


def _unit_cells(text: str, run: Run, unit_cols: list[str]) -> list[RawCell]:
    """Assign a run's groups to the unit columns: the last group is the last column."""
    if not unit_cols:
        return [RawCell("", "unit", (run.start, run.end))]
    groups = run.groups
    # Space-separated groups: a space ends a cell, so use it when it splits the run.
    by_space = _space_split(text, run)
    if len(unit_cols) >= 2 and by_space and len(by_space) == 2:
        first, second = by_space
        return [RawCell(unit_cols[0], "unit", first), RawCell(unit_cols[-1], "unit", second)]
    if len(unit_cols) == 1:
        return [RawCell(unit_cols[0], "unit", (run.start, run.end))]
    if len(groups) == 1:
        return [RawCell(unit_cols[-1], "unit", (groups[0][0][0], groups[0][-1][1]))]
    lead = (groups[0][0][0], groups[-2][-1][1])
    last = (groups[-1][0][0], groups[-1][-1][1])
    return [RawCell(unit_cols[0], "unit", lead), RawCell(unit_cols[-1], "unit", last)]


def _space_split(text: str, run: Run) -> list[Span] | None:
    spaces = [m for m in re.finditer(r"[ \t\u3000]+", text[run.start : run.end])]
    if len(spaces) != 1:
        return None
    cut = run.start + spaces[0].start()
    resume = run.start + spaces[0].end()
    return [(run.start, cut), (resume, run.end)]


def split_line_row(text: str, lines: list[Span], columns: list[tuple[str, str]], matcher: UnitMatcher) -> list[RawCell]:
    """One row whose cells are lines: the numbered text, then unit / time lines."""
    unit_cols = [n for n, k in columns if k == "unit"]
    time_cols = [n for n, k in columns if k == "time"]
    text_cols = [n for n, k in columns if k in ("req", "task")]
    text_col = text_cols[-1] if text_cols else "具体要求"
    body: list[Span] = []
    units: list[Span] = []
    times: list[Span] = []
    for s, e in lines:
        # The first unit-like line after the text starts the cells; every line after it is a cell.
        if units or (body and is_unit_cell(text, s, e, matcher)):
            if time_cols and _DEADLINE_CELL.fullmatch(text[s:e].strip()):
                times.append((s, e))
            else:
                units.append((s, e))
        else:
            body.append((s, e))
    cells = []
    if body:
        cells.append(RawCell(text_col, "req", (body[0][0], body[-1][1])))
    # Cells align to the right: a row printing fewer unit cells than columns
    # lost its left-hand ones to cells merged with the rows above.
    kept = units[-len(unit_cols) :] if unit_cols else []
    for col, span in zip(unit_cols[len(unit_cols) - len(kept) :], kept):
        cells.append(RawCell(col, "unit", span))
    for col, span in zip(time_cols, times):
        cells.append(RawCell(col, "time", span))
    return cells


_LABELLED = re.compile(r"(?P<label>责任单位|牵头单位|责任处室|责任部门|牵头部门|配合单位)\s*[：:]")


def trailing_unit_clause(text: str, start: int, end: int, matcher: UnitMatcher) -> tuple[RawCell, int] | None:
    """A prose item's unit clause: `责任单位：…。` or `（…牵头，…负责）` at its end.

    Returns the unit cell and where the item's own text ends.
    """
    seg_end = end
    while seg_end > start and text[seg_end - 1] in " \t\n\u3000":
        seg_end -= 1
    labelled = None
    for m in _LABELLED.finditer(text, start, seg_end):
        labelled = m
    if labelled:
        opening = text.rfind("（", start, labelled.start())
        inside_paren = opening >= 0 and labelled.start() - opening <= 1
        clause_start = opening if inside_paren else labelled.start()
        u_start = labelled.end()
        u_end = seg_end
        while u_end > u_start and text[u_end - 1] in "。）) ":
            u_end -= 1
        if unit_coverage(text, u_start, u_end, matcher) >= 0.6:
            return RawCell(labelled.group("label"), "unit", strip_span(text, u_start, u_end)), clause_start
    if seg_end > start and text[seg_end - 1] in "）)":
        opening = max(text.rfind("（", start, seg_end), text.rfind("(", start, seg_end))
        if opening > start:
            inner = (opening + 1, seg_end - 1)
            if CUE_PATTERN.search(text, inner[0], inner[1]) and unit_coverage(text, *inner, matcher) >= 0.75:
                return RawCell("", "unit", inner), opening
    return None
