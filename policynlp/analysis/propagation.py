"""Analyses of how a policy propagates down the levels of government, for notebooks.

Every function takes parsed `Document`s (and `Alignment`s from
`policynlp.mapping.map_corpus`) and returns plain data: lists of dicts or
nested dicts, ready for `pandas.DataFrame(...)` or for `policynlp.analysis.figures`.

    from policynlp.analysis import propagation as analysis
    from policynlp.mapping import map_corpus
    from policynlp.corpus import load_corpus, parse_corpus

    docs = parse_corpus(load_corpus())              # {id: Document}
    alignments = map_corpus(list(docs.values()))
    analysis.document_level(docs["pingtan-80965"])  # 'province'
    analysis.relation_shares(alignments, docs)      # per (parent level, child level)

Levels (`LEVELS`): `central` (中共中央, 国务院 and their offices), `province`
(省, 自治区, the four municipalities), `city` (市, 州, 盟, 综合实验区, 新区),
`county` (县, 旗, a city's 区, 片区, 乡镇, 街道) for governments and party
committees and their general offices; `department` for a functional bureau
(…局, …厅, …委, …处, …中心) of any local government.

Item relations (`RELATIONS`), each child item counted once and each dropped
parent item once:

- `verbatim`: the child item has one parent item, which no other child item
  carries, and restates it word for word (the aligner's `verbatim`);
- `adapted`: one-to-one, reworded, localised or trimmed (`adapted`, `partial`);
- `split`: the child item's one parent item is carried by several child items;
- `merged`: the child item carries several parent items;
- `added`: no parent item (the child's own task);
- `dropped`: a parent item no child item carries.
"""
from __future__ import annotations

import datetime
import re
from collections import Counter, defaultdict
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

from ..document import copy_key
from ..entities.verbs import VERB_CLASSES, verb_class

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx

    from ..mapping import Alignment
    from ..learning.annotations import AnnotatedNotice
    from ..document import Document, Item

LEVELS = ("central", "province", "city", "county", "department")
LEVEL_NAMES = {"central": "中央", "province": "省级", "city": "市级", "county": "县级", "department": "部门"}
ROLES = ("lead", "cooperate", "responsible")
ROLE_NAMES = {"lead": "牵头", "cooperate": "配合", "responsible": "责任"}
RELATIONS = ("verbatim", "adapted", "split", "merged", "added", "dropped")
RELATION_NAMES = {"verbatim": "照搬", "adapted": "改写", "split": "拆分", "merged": "合并", "added": "新增", "dropped": "未承接"}
VERB_CLASS_ORDER = tuple(VERB_CLASSES)
VERB_CLASS_NAMES = {
    "disclose": "公开发布",
    "interpret": "解读宣传",
    "respond": "回应处置",
    "build-mechanism": "建章立制",
    "implement": "推进落实",
    "supervise": "监督考核",
    "train": "培训交流",
    "report": "报送报告",
}
DEADLINE_CHANGES = ("tighter", "same", "looser", "added", "removed", "recast")
DEADLINE_CHANGE_NAMES = {"tighter": "收紧", "same": "不变", "looser": "放宽", "added": "新设", "removed": "取消", "recast": "改换形式"}

Docs = Mapping[str, "Document"] | Iterable["Document"]


def _by_id(docs: Docs) -> dict[str, "Document"]:
    if isinstance(docs, Mapping):
        return dict(docs)
    return {d.id: d for d in docs}


def level_name(level: str | None) -> str:
    """`province` → `省级` (`未知` for None)."""
    return LEVEL_NAMES.get(level, "未知") if level else "未知"


def pair_name(pair: tuple[str | None, str | None]) -> str:
    """(parent level, child level) → `省级 → 市级`."""
    return f"{level_name(pair[0])} → {level_name(pair[1])}"


# --- levels ---------------------------------------------------------------------------

_CENTRAL = re.compile(r"国务院|中共中央|党中央|中央办公厅|全国人大")
_OFFICE = re.compile(r"(?:党政办公室|综合办公室|办公厅|办公室|综合办|秘书处|秘书科)$")
# A government, a zone's administration or a party committee: the name of a territory's leadership.
_GOVERNMENT = re.compile(
    r"(?:人民政府|政府|管理委员会|管委会|党工委|工委|省委|市委|县委|区委|州委|旗委|党委|片区管理局|街道办事处|街道办)$"
)
# Place markers, longest first so that 实验区 and 片区 win over 区.
_PLACE = re.compile(r"自治区|直辖市|综合实验区|实验区|新区|片区|自治州|自治县|地区|街道|省|市|州|盟|县|旗|区|镇|乡")
_PLACE_LEVEL = {
    "省": "province", "自治区": "province", "直辖市": "province",
    "市": "city", "州": "city", "自治州": "city", "盟": "city", "地区": "city",
    "综合实验区": "city", "实验区": "city", "新区": "city",
    "县": "county", "自治县": "county", "旗": "county", "区": "county", "片区": "county",
    "镇": "county", "乡": "county", "街道": "county",
}
_MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")
_FUNCTIONAL = re.compile(r"(?:局|厅|委员会|委|办|处|科|中心|部|署|院|所|站|馆|会|室)$")
_NAME_SPLIT = re.compile(r"[\s、，,;；]+")


def name_level(name: str | None) -> str | None:
    """The level of an issuing body from its name (`德庆县人民政府办公室` → `county`), None if it names none."""
    if not name:
        return None
    name = re.sub(r"[（(][^）)]*[）)]", "", name.strip())
    if _CENTRAL.search(name):
        return "central"
    core = name
    while True:
        stripped = _OFFICE.sub("", core)
        if stripped == core or not stripped:
            break
        core = stripped
    if _GOVERNMENT.search(core):
        if core.startswith(_MUNICIPALITIES) and not re.search(r"[区县]", core[3:]):
            return "province"
        places = [m.group(0) for m in _PLACE.finditer(core)]
        # The party committee's 省委 / 市委 / 县委 names its own level.
        return _PLACE_LEVEL[places[-1]] if places else None
    if _FUNCTIONAL.search(core) and _PLACE.search(core) or re.search(r"(?:局|厅|处)$", core):
        return "department"
    return None


_HEADER_ISSUER = re.compile(r"^发布机构[:：][ \t　]*(\S[^\n]*?)\s*$", re.M)
_TITLE_ISSUER = re.compile(
    r"^(?:关于)?(?:印发)?[《〈]?(?P<issuer>[\u4e00-\u9fff（）()、 ]{2,40}?(?:办公厅|办公室|人民政府|政府|管委会|委员会|党工委|局|厅|委|办|中心))"
    r"(?=关于|\d{4}年|印发|转发|全面)"
)


def issuer_names(doc: "Document") -> list[str]:
    """The bodies that issued `doc`, best source first: its issuer, the page's 发布机构, its title's issuer.

    A joint issuer (`中共中央办公厅 国务院办公厅`) gives each body; names that
    name no body of government (a title caught in the issuer field) are left
    out; the title of a forward (`转发《X》`) names the forwarded document's
    issuer, not this one's, and is not used.
    """
    sources: list[str] = []
    if doc.issuer:
        sources.append(doc.issuer)
    sources += [m.group(1) for m in _HEADER_ISSUER.finditer(doc.text[:3000])]
    if doc.title and "转发" not in doc.title:
        m = _TITLE_ISSUER.match(re.sub(r"^(?:关于)?印发", "", doc.title).lstrip("《〈"))
        if m:
            sources.append(m.group("issuer"))
    names = [n for src in sources for n in _NAME_SPLIT.split(src) if n and name_level(n)]
    return list(dict.fromkeys(names))


def document_level(doc: "Document", default: str | None = None) -> str | None:
    """The level of government that issued `doc` (see `LEVELS`): the highest level its issuer names.

    `国务院办公厅` → central, `福建省人民政府办公厅` → province, `平潭综合实验区管委会办公室`
    → city, `德庆县人民政府办公室` → county, `广州市水务局办公室` → department.
    """
    found = [name_level(n) for n in issuer_names(doc)]
    return min(found, key=LEVELS.index) if found else default


def levels(docs: Docs) -> dict[str, str | None]:
    """{document id: level} for every document."""
    return {i: document_level(d) for i, d in _by_id(docs).items()}


# --- documents -------------------------------------------------------------------------


def is_copy(child: "Document", parent: "Document") -> bool:
    """True when the two are the same notice published twice (same title, same date)."""
    key = copy_key(child.title, child.date)
    return key is not None and key == copy_key(parent.title, parent.date)


def distinct_documents(docs: Docs) -> dict[str, "Document"]:
    """The documents with every later copy of a notice left out (the copy with the smallest id is kept)."""
    kept: dict[tuple[str, str | None], "Document"] = {}
    out = {}
    for doc_id, d in sorted(_by_id(docs).items()):
        key = copy_key(d.title, d.date)
        if key is not None and key in kept:
            continue
        if key is not None:
            kept[key] = d
        out[doc_id] = d
    return out


_SHORTEN = (
    ("中共中央办公厅", "中办"), ("国务院办公厅政府信息与政务公开办公室", "国办公开办"), ("国务院办公厅", "国办"),
    ("人民政府办公厅", "政府办公厅"), ("人民政府办公室", "政府办公室"), ("人民政府", "政府"), ("中共", ""),
    ("平潭综合实验区", "平潭"), ("综合实验区", ""), ("管委会办公室", "管委会"), ("党政办公室", ""),
)


def short_issuer(doc: "Document", sep: str = "·") -> str:
    """A short name of the issuing bodies for labels (`福建省人民政府办公厅` → `福建省政府办公厅`); the id if none."""
    names = issuer_names(doc)
    if not names:
        return doc.id
    # The bodies of the issuer field (a joint issuer's two offices), at most two.
    first = [n for n in _NAME_SPLIT.split(doc.issuer or "") if n in names] or names[:1]
    out = []
    for part in first:
        for a, b in _SHORTEN:
            part = part.replace(a, b)
        out.append(part)
    return sep.join(list(dict.fromkeys(out))[:2])


def document_label(doc: "Document") -> str:
    """Lines for a figure: the short issuer (one body a line), then the notice's month and id number."""
    number = doc.id.rsplit("-", 1)[-1][:8]
    when = f"{doc.date[:7]} · {number}" if doc.date else number
    return f"{short_issuer(doc, sep=chr(10))}\n{when}"


# --- one notice ------------------------------------------------------------------------


def _names(item: "Item", role: str) -> list[str]:
    return list(dict.fromkeys(u.name for u in item.units if u.role == role))


def _excerpt(text: str, width: int) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= width else text[: width - 1] + "…"


def item_table(doc: "Document", width: int = 40) -> list[dict[str, Any]]:
    """One row per item: id, heading, title, opening words, units by role, deadlines and task verbs."""
    rows = []
    for it in doc.items:
        rows.append(
            {
                "id": it.id,
                "heading": it.path[-2] if len(it.path) > 1 else (it.path[0] if it.path else ""),
                "title": it.title or "",
                "text": _excerpt(it.text, width),
                **{role: "、".join(_names(it, role)) for role in ROLES},
                "deadlines": "；".join(d.text for d in it.deadlines),
                "verbs": "、".join(it.verbs),
            }
        )
    return rows


def units_by_role(doc: "Document") -> dict[str, dict[str, int]]:
    """{unit name: {role: items}}: how many items each unit leads, cooperates on, is responsible for.

    Units are ordered by their number of items, then by name; an item counts
    once per unit and role (inherited units included).
    """
    counts: dict[str, Counter] = defaultdict(Counter)
    for it in doc.items:
        for name, role in {(u.name, u.role) for u in it.units}:
            if role in ROLES:
                counts[name][role] += 1
    order = sorted(counts, key=lambda n: (-sum(counts[n].values()), n))
    return {n: {r: counts[n][r] for r in ROLES} for n in order}


_PERIOD_DAYS = {"weekly": 7, "monthly": 30, "quarterly": 91, "yearly": 365}
_UNIT_HOURS = {"hour": 1, "day": 24, "workday": 24, "week": 168, "month": 720, "year": 8760}


def _occurrences(frequency: str, start: datetime.date, end: datetime.date) -> list[str]:
    """The period ends of a recurring deadline between `start` and `end` (ISO dates)."""
    out = []
    if frequency == "weekly":
        d = start + datetime.timedelta(days=7)
        while d <= end:
            out.append(d.isoformat())
            d += datetime.timedelta(days=7)
        return out
    step = {"monthly": 1, "quarterly": 3, "yearly": 12}.get(frequency)
    if step is None:
        return out
    y, m = start.year, start.month
    while True:
        if (m - 1) % step == step - 1 or step == 1:
            nxt = datetime.date(y + (m == 12), m % 12 + 1, 1)
            d = nxt - datetime.timedelta(days=1)  # the last day of month m
            if d > end:
                break
            if d > start:
                out.append(d.isoformat())
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        if datetime.date(y, m, 1) > end:
            break
    return out


def deadline_timeline(doc: "Document") -> list[dict[str, Any]]:
    """The notice's deadlines in item order, placed in time.

    Each row: `item`, `text` (as printed), `kind`, `start` (the notice's date),
    and `date` for an absolute deadline, `hours` for a relative one (counted
    from an event, so not on the calendar) and, for a recurring one,
    `frequency` and its `occurrences` (period ends from the notice's date to
    `end`, the last absolute deadline or the end of the notice's year).
    """
    absolute = [d.date for it in doc.items for d in it.deadlines if d.kind == "absolute" and d.date]
    start = datetime.date.fromisoformat(doc.date) if doc.date else None
    ends = [datetime.date.fromisoformat(x) for x in absolute]
    if start:
        ends.append(datetime.date(start.year, 12, 31))
    end = max(ends) if ends else None
    rows = []
    for it in doc.items:
        for d in it.deadlines:
            row: dict[str, Any] = {"item": it.id, "text": d.text, "kind": d.kind, "start": doc.date, "end": end.isoformat() if end else None}
            if d.kind == "absolute":
                row["date"] = d.date
            elif d.kind == "relative":
                dur = d.duration or {}
                row["hours"] = dur.get("value", 0) * _UNIT_HOURS.get(dur.get("unit"), 0) or None
                row["anchor"] = d.anchor
            else:
                row["frequency"] = d.frequency
                row["occurrences"] = _occurrences(d.frequency, start, end) if start and end and d.frequency else []
            rows.append(row)
    return rows


DISPLAY_KEY = "policynlp"
DISPLAY_COLORS = {
    "牵头 lead": "#f4a261",
    "配合 cooperate": "#e9c46a",
    "责任 responsible": "#8ecae6",
    "单位 mention": "#d9d9d9",
    "时限 DEADLINE": "#90be6d",
    "文号 DOC_NUMBER": "#cdb4db",
}
_DISPLAY_LABEL = {
    "lead": "牵头 lead", "cooperate": "配合 cooperate", "responsible": "责任 responsible", "mention": "单位 mention",
    "DEADLINE": "时限 DEADLINE", "DOC_NUMBER": "文号 DOC_NUMBER",
}


def item_region(sdoc: Any, item_id: str) -> tuple[int, int]:
    """The characters of an item in a processed notice's text (`nlp(text)`): its number, title, text and cells."""
    for it in sdoc._.structure.items:
        if it.id == item_id:
            return it.region
    raise KeyError(item_id)


def display_doc(sdoc: Any, start: int = 0, end: int | None = None, keys: Sequence[str] = ("units", "deadlines", "doc_numbers")):
    """A spaCy Doc of the characters [start, end) of `sdoc` (a processed notice) whose span group
    `DISPLAY_KEY` merges the recognised units (labelled by role), deadlines and document numbers,
    for `displacy.render(d, style="span", spans_key=DISPLAY_KEY, options={"colors": DISPLAY_COLORS})`."""
    from spacy.tokens import Doc, SpanGroup

    end = len(sdoc.text) if end is None else end
    window = sdoc.char_span(start, end, alignment_mode="expand")
    words = [t.text for t in window]
    out = Doc(sdoc.vocab, words=words, spaces=[bool(t.whitespace_) for t in window])
    offset = window.start_char
    spans = []
    for key in keys:
        for sp in sdoc.spans.get(key, []):
            if sp.start_char >= window.start_char and sp.end_char <= window.end_char:
                label = _DISPLAY_LABEL.get(sp.label_, sp.label_)
                s = out.char_span(sp.start_char - offset, sp.end_char - offset, label=label, alignment_mode="expand")
                if s is not None:
                    spans.append(s)
    spans.sort(key=lambda s: (s.start, -s.end))
    out.spans[DISPLAY_KEY] = SpanGroup(out, name=DISPLAY_KEY, spans=spans)
    return out


# --- propagation -----------------------------------------------------------------------


def item_relations(alignment: "Alignment") -> dict[str, str]:
    """{child item id: relation} for every child item, and {parent item id: "dropped"} (keys `parent:<id>`)."""
    parents_of: dict[str, set[str]] = defaultdict(set)
    children_of: dict[str, set[str]] = defaultdict(set)
    relation_of: dict[str, str] = {}
    for link in alignment.links:
        parents_of[link.child_item].add(link.parent_item)
        children_of[link.parent_item].add(link.child_item)
        relation_of[link.child_item] = link.relation
    out: dict[str, str] = {}
    for child, parents in parents_of.items():
        if len(parents) > 1:
            out[child] = "merged"
        elif len(children_of[next(iter(parents))]) > 1:
            out[child] = "split"
        else:
            out[child] = "verbatim" if relation_of[child] == "verbatim" else "adapted"
    for child in alignment.child_unmatched:
        out[child] = "added"
    for parent in alignment.parent_unmatched:
        out[f"parent:{parent}"] = "dropped"
    return out


def relation_counts(alignment: "Alignment") -> dict[str, int]:
    """Items of one child → parent alignment by relation (`RELATIONS`)."""
    c = Counter(item_relations(alignment).values())
    return {r: c[r] for r in RELATIONS}


def _pair_order(pair: tuple[str | None, str | None]) -> tuple[int, int]:
    return tuple(LEVELS.index(x) if x in LEVELS else len(LEVELS) for x in pair)  # type: ignore[return-value]


def propagation_alignments(alignments: Sequence["Alignment"], docs: Docs) -> list["Alignment"]:
    """The alignments between different notices (a republished copy aligned with its original left out)."""
    by_id = _by_id(docs)
    return [a for a in alignments if not is_copy(by_id[a.child], by_id[a.parent])]


def relation_shares(alignments: Sequence["Alignment"], docs: Docs) -> dict[tuple[str, str], dict[str, Any]]:
    """Per (parent level, child level): the items by relation, their shares and the pairs behind them.

    {("province", "city"): {"pairs": [(child, parent)], "n": 42, "counts": {...}, "shares": {...}}};
    ordered from the top level down. Copies of the same notice are left out.
    """
    by_id = _by_id(docs)
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for a in propagation_alignments(alignments, by_id):
        pair = (document_level(by_id[a.parent]), document_level(by_id[a.child]))
        entry = out.setdefault(pair, {"pairs": [], "n": 0, "counts": {r: 0 for r in RELATIONS}})
        entry["pairs"].append((a.child, a.parent))
        for r, n in relation_counts(a).items():
            entry["counts"][r] += n
            entry["n"] += n
    for entry in out.values():
        entry["shares"] = {r: (entry["counts"][r] / entry["n"] if entry["n"] else 0.0) for r in RELATIONS}
    return dict(sorted(out.items(), key=lambda kv: _pair_order(kv[0])))


def propagation_graph(docs: Docs, alignments: Sequence["Alignment"], *, include_copies: bool = False) -> "nx.DiGraph":
    """Documents (nodes) and parent → child edges whose `weight` is the number of parent items carried.

    Node attributes: `level`, `date`, `title`, `label` (two lines, for figures), `items`.
    Edge attributes: `weight` (parent items carried into the child), `links`,
    `child_items` (child items linked), `counts` (`relation_counts`), `copy`.
    Only documents taking part in an alignment are nodes.
    """
    import networkx as nx

    by_id = _by_id(docs)
    g = nx.DiGraph()
    for a in alignments:
        child, parent = by_id[a.child], by_id[a.parent]
        copy = is_copy(child, parent)
        if copy and not include_copies:
            continue
        for d in (parent, child):
            if d.id not in g:
                g.add_node(d.id, level=document_level(d), date=d.date, title=d.title, label=document_label(d), items=len(d.items))
        g.add_edge(
            parent.id,
            child.id,
            weight=len({x.parent_item for x in a.links}),
            links=len(a.links),
            child_items=len({x.child_item for x in a.links}),
            counts=relation_counts(a),
            copy=copy,
        )
    return g


def chains(graph: "nx.DiGraph") -> list[list[str]]:
    """The longest parent → child paths of the graph, from each document without a parent to each without a child."""
    out = []

    def walk(path: list[str]) -> None:
        nxt = sorted(c for c in graph.successors(path[-1]) if c not in path)
        if not nxt:
            if len(path) > 1:
                out.append(path)
            return
        for c in nxt:
            walk(path + [c])

    for root in sorted(n for n in graph if graph.in_degree(n) == 0):
        walk([root])
    return out


def _classes(item: "Item") -> list[str]:
    return list(dict.fromkeys(c for v in item.verbs if (c := verb_class(v))))


def lead_units_by_level(docs: Docs) -> dict[str, dict[str, dict[str, int]]]:
    """{level: {lead unit: {verb class: items}}}: which units lead which kinds of task at each level.

    An item counts once for each of its lead units and each class of its task
    verbs (`unclassified` when it has none); copies of a notice count once.
    Units are ordered by the number of items they lead.
    """
    out: dict[str, dict[str, Counter]] = defaultdict(lambda: defaultdict(Counter))
    totals: dict[str, Counter] = defaultdict(Counter)
    for d in distinct_documents(docs).values():
        level = document_level(d)
        if level is None:
            continue
        for it in d.items:
            leads = _names(it, "lead")
            classes = _classes(it) or ["unclassified"]
            for unit in leads:
                totals[level][unit] += 1
                for c in classes:
                    out[level][unit][c] += 1
    result = {}
    for level in LEVELS:
        if level in out:
            units = sorted(out[level], key=lambda u: (-totals[level][u], u))
            result[level] = {u: dict(out[level][u]) for u in units}
    return result


def lead_items_by_level(docs: Docs) -> dict[str, dict[str, int]]:
    """{level: {lead unit: items it leads}}, units ordered by items (copies of a notice count once)."""
    out: dict[str, Counter] = defaultdict(Counter)
    for d in distinct_documents(docs).values():
        level = document_level(d)
        if level is not None:
            for it in d.items:
                for unit in _names(it, "lead"):
                    out[level][unit] += 1
    return {lv: dict(sorted(out[lv].items(), key=lambda kv: (-kv[1], kv[0]))) for lv in LEVELS if lv in out}


def verb_classes_by_level(docs: Docs) -> dict[str, dict[str, int]]:
    """{level: {verb class: task verbs}}: each item's task verbs counted by class (copies once)."""
    out: dict[str, Counter] = defaultdict(Counter)
    for d in distinct_documents(docs).values():
        level = document_level(d)
        if level is None:
            continue
        for it in d.items:
            for v in it.verbs:
                c = verb_class(v)
                if c:
                    out[level][c] += 1
    return {lv: {c: out[lv][c] for c in VERB_CLASS_ORDER} for lv in LEVELS if lv in out}


def _final_date(item: "Item") -> datetime.date | None:
    dates = [d.date for d in item.deadlines if d.kind == "absolute" and d.date]
    return datetime.date.fromisoformat(max(dates)) if dates else None


def _longest_hours(item: "Item") -> float | None:
    hours = [
        (d.duration or {}).get("value", 0) * _UNIT_HOURS.get((d.duration or {}).get("unit"), 0)
        for d in item.deadlines
        if d.kind == "relative"
    ]
    hours = [h for h in hours if h]
    return max(hours) if hours else None


def _shortest_period(item: "Item") -> int | None:
    days = [_PERIOD_DAYS[d.frequency] for d in item.deadlines if d.kind == "recurring" and d.frequency in _PERIOD_DAYS]
    return min(days) if days else None


def compare_deadlines(child: "Item", parent: "Item") -> tuple[str, float | None, str | None]:
    """How the child item's deadline differs from its parent item's: (change, shift in days, kind compared).

    Absolute deadlines compare the final dates (child − parent, days); relative
    ones the longest time allowed (a working day counted as a day); recurring
    ones the shortest period (a more frequent report is a tighter deadline).
    A negative shift is a tighter deadline. `added` / `removed`: only the
    child / the parent has one; `recast`: they have deadlines of different kinds.
    """
    if not child.deadlines and not parent.deadlines:
        return "same", None, None
    if not parent.deadlines:
        return "added", None, None
    if not child.deadlines:
        return "removed", None, None
    shift: float | None = None
    kind = None
    for kind, get in (("absolute", _final_date), ("relative", _longest_hours), ("recurring", _shortest_period)):
        c, p = get(child), get(parent)
        if c is not None and p is not None:
            if kind == "absolute":
                shift = float((c - p).days)
            elif kind == "relative":
                shift = (c - p) / 24
            else:
                shift = float(c - p)
            break
    else:
        return "recast", None, None
    return ("tighter" if shift < 0 else "looser" if shift > 0 else "same"), shift, kind


def deadline_shifts(alignments: Sequence["Alignment"], docs: Docs) -> list[dict[str, Any]]:
    """One row per linked item pair where either item has a deadline (copies of a notice left out).

    Row: `child`, `parent` (document ids), `child_item`, `parent_item`,
    `pair` (parent level, child level), `change` (`DEADLINE_CHANGES`), `shift_days`
    (child − parent, negative = tighter, None when not comparable), `kind`,
    `child_deadlines`, `parent_deadlines` (as printed).
    """
    by_id = _by_id(docs)
    rows = []
    for a in propagation_alignments(alignments, by_id):
        child, parent = by_id[a.child], by_id[a.parent]
        pair = (document_level(parent), document_level(child))
        for link in a.links:
            ci, pi = child.item(link.child_item), parent.item(link.parent_item)
            if not ci.deadlines and not pi.deadlines:
                continue
            change, shift, kind = compare_deadlines(ci, pi)
            rows.append(
                {
                    "child": child.id, "parent": parent.id, "child_item": ci.id, "parent_item": pi.id, "pair": pair,
                    "change": change, "shift_days": shift, "kind": kind,
                    "child_deadlines": "；".join(d.text for d in ci.deadlines),
                    "parent_deadlines": "；".join(d.text for d in pi.deadlines),
                }
            )
    return rows


def deadline_changes(shifts: Sequence[Mapping[str, Any]]) -> dict[tuple[str, str], dict[str, int]]:
    """{(parent level, child level): {change: linked item pairs}} from `deadline_shifts` rows."""
    out: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for row in shifts:
        out[tuple(row["pair"])][row["change"]] += 1
    return {p: {c: out[p][c] for c in DEADLINE_CHANGES} for p in sorted(out, key=_pair_order)}


# --- sentences -------------------------------------------------------------------------


def _pct(x: float) -> str:
    return f"{x:.0%}"


def _n(count: int, noun: str, plural: str | None = None) -> str:
    """`1 item`, `2 items`."""
    return f"{count} {noun if count == 1 else plural or noun + 's'}"


def _verb(count: int, verb: str) -> str:
    """The verb agreeing with a count as subject: `1 tightens`, `2 tighten`."""
    return f"{count} {verb}s" if count == 1 else f"{count} {verb}"


def describe_graph(graph: "nx.DiGraph") -> str:
    """One sentence on the propagation graph: its size, its longest chains by level, its widest edge."""
    paths = chains(graph)
    longest = max((len(p) for p in paths), default=0)
    runs = list(dict.fromkeys(" → ".join(level_name(graph.nodes[n]["level"]) for n in p) for p in paths if len(p) == longest))
    s = f"{graph.number_of_nodes()} notices are linked by {graph.number_of_edges()} parent → child alignments"
    if runs:
        s += f"; {len(runs)} chain{'s' if len(runs) > 1 else ''} of {longest} notices run{'' if len(runs) > 1 else 's'} {', '.join(runs)}"
    heaviest = max(graph.edges(data=True), key=lambda e: e[2]["weight"], default=None)
    if heaviest:
        p, c, e = heaviest
        s += f"; the widest edge carries {_n(e['weight'], 'item')} from {p} ({level_name(graph.nodes[p]['level'])}) into {c} ({level_name(graph.nodes[c]['level'])})"
    return s + "."


def describe_relation_shares(shares: Mapping[tuple[str, str], Mapping[str, Any]]) -> str:
    """One sentence: where items are copied verbatim most, how many level pairs copy none, where most are added."""
    if not shares:
        return "No aligned notices."
    total = sum(e["n"] for e in shares.values())
    top, t = max(shares.items(), key=lambda kv: (kv[1]["shares"]["verbatim"], -_pair_order(kv[0])[0]))
    none = sum(1 for e in shares.values() if e["counts"]["verbatim"] == 0)
    add, a = max(shares.items(), key=lambda kv: kv[1]["shares"]["added"])
    return (
        f"Over {_n(total, 'item')} in {_n(len(shares), 'level pair')}, {pair_name(top)} copies the most verbatim "
        f"({_pct(t['shares']['verbatim'])} of {_n(t['n'], 'item')}); {none} of the {len(shares)} pairs copy nothing verbatim, "
        f"and {pair_name(add)} adds the largest share of its own ({_pct(a['shares']['added'])} of {_n(a['n'], 'item')})."
    )


def describe_lead_units(lead: Mapping[str, Mapping[str, Mapping[str, int]]], items: Mapping[str, Mapping[str, int]]) -> str:
    """One sentence: the unit leading the most items at each level, how many, and its most frequent task class.

    `lead` from `lead_units_by_level`, `items` from `lead_items_by_level`.
    """
    parts = []
    for level, units in lead.items():
        if units:
            unit, classes = next(iter(units.items()))
            top_class = max(classes.items(), key=lambda kv: (kv[1], kv[0] != "unclassified"))[0]
            parts.append(f"{level_name(level)} {unit} ({_n(items[level][unit], 'item')}, most often {VERB_CLASS_NAMES.get(top_class, top_class)})")
    return "The unit leading the most items at each level: " + "; ".join(parts) + "." if parts else "No lead units."


def describe_deadline_shifts(shifts: Sequence[Mapping[str, Any]]) -> str:
    """One sentence: how many linked items keep, tighten or loosen their parent's deadline."""
    if not shifts:
        return "No linked item pair has a deadline."
    c = Counter(r["change"] for r in shifts)
    moved = [r for r in shifts if r["change"] in ("tighter", "looser")]
    s = (
        f"Of {_n(len(shifts), 'linked item pair')} with a deadline, {_verb(c['same'], 'keep')} the parent's, "
        f"{_verb(c['tighter'], 'tighten')} it, {_verb(c['looser'], 'loosen')} it, {_verb(c['added'], 'add')} one "
        f"and {_verb(c['removed'], 'drop')} it"
    )
    if moved:
        biggest = max(moved, key=lambda r: abs(r["shift_days"]))
        s += (
            f"; the largest shift is {biggest['shift_days']:+.0f} day{'' if abs(biggest['shift_days']) == 1 else 's'} "
            f"({biggest['parent_deadlines']} → {biggest['child_deadlines']}, {biggest['parent']} → {biggest['child']})"
        )
    return s + "."


def verb_class_shares(classes: Mapping[str, Mapping[str, int]]) -> dict[str, dict[str, float]]:
    """{level: {verb class: share of the level's task verbs}} from `verb_classes_by_level`."""
    out = {}
    for level, counts in classes.items():
        total = sum(counts.values())
        out[level] = {c: (counts.get(c, 0) / total if total else 0.0) for c in VERB_CLASS_ORDER}
    return out


def describe_verb_classes(classes: Mapping[str, Mapping[str, int]]) -> str:
    """One sentence: the leading verb class across levels, and the class whose share varies most between levels."""
    shares = verb_class_shares(classes)
    if not shares:
        return "No task verbs."
    tops = Counter(max(sh, key=sh.get) for sh in shares.values())
    top, n_top = tops.most_common(1)[0]
    top_range = [sh[top] for sh in shares.values()]
    spread = {c: max(sh[c] for sh in shares.values()) - min(sh[c] for sh in shares.values()) for c in VERB_CLASS_ORDER}
    var = max(spread, key=spread.get)
    lo = min(shares, key=lambda lv: shares[lv][var])
    hi = max(shares, key=lambda lv: shares[lv][var])
    return (
        f"{VERB_CLASS_NAMES[top]} ({top}) is the most frequent task-verb class at {n_top} of {len(shares)} levels "
        f"({_pct(min(top_range))}–{_pct(max(top_range))} of their task verbs); {VERB_CLASS_NAMES[var]} ({var}) varies most, "
        f"from {_pct(shares[lo][var])} ({level_name(lo)}) to {_pct(shares[hi][var])} ({level_name(hi)})."
    )


def describe_units(units: Mapping[str, Mapping[str, int]], doc: "Document") -> str:
    """One sentence on a notice's units by role."""
    if not units:
        return f"{doc.id}: no units found."
    lead = {u: c["lead"] for u, c in units.items() if c["lead"]}
    first, c = next(iter(units.items()))
    s = f"{_n(len(units), 'unit')} in {_n(len(doc.items), 'item')}; {first} appears in the most items ({sum(c.values())})"
    if lead:
        top = max(lead.items(), key=lambda kv: kv[1])
        s += f", {top[0]} leads the most ({top[1]})"
    return s + "."


def describe_timeline(rows: Sequence[Mapping[str, Any]]) -> str:
    """One sentence on a notice's deadlines."""
    if not rows:
        return "The notice sets no deadline."
    c = Counter(r["kind"] for r in rows)
    s = f"{_n(len(rows), 'deadline')} in {_n(len({r['item'] for r in rows}), 'item')}: {_n(c['absolute'], 'date')}, {c['recurring']} recurring, {c['relative']} counted from an event"
    dates = sorted(r["date"] for r in rows if r.get("date"))
    if dates:
        s += f"; the dates run from {dates[0]} to {dates[-1]}"
    return s + "."


# --- training --------------------------------------------------------------------------

DOCCANO_LABELS = {"lead": "牵头", "cooperate": "配合", "responsible": "责任", "mention": "单位", "DEADLINE": "时限", "DOC_NUMBER": "文号"}


def _item_extent(notice: "AnnotatedNotice", item: Any) -> tuple[int, int]:
    """An annotated item's characters: from its number through its text and its own (not inherited) unit cells."""
    s, e = item.span
    if item.title_span:
        s = min(s, item.title_span[0])
    if item.number:
        m = re.search(rf"{re.escape(item.number)}[ \t]*[.．、)）]?[ \t]*$", notice.text[max(0, s - 12):s])
        if m:
            s -= len(m.group(0))
    for u in item.units:
        if not u.inherited and u.start >= s:
            e = max(e, u.end)
    # The rest of the cell's line (a role cue such as 负责 after the last unit).
    rest = re.match(r"[^\n]{0,12}?(?=\s*(?:\n|$))", notice.text[e:])
    if rest and e > item.span[1]:
        e += len(rest.group(0))
    return s, e


def doccano_records(notice: "AnnotatedNotice", item_ids: Iterable[str] | None = None) -> list[dict[str, Any]]:
    """Doccano sequence-labelling records of a notice's items, as an annotator would export them.

    One record per item: `{"id", "text", "label": [[start, end, label], …]}`;
    the text runs from the item's number through its text and its unit cells;
    labels (`DOCCANO_LABELS`) mark its units by role, its deadlines and document numbers.
    """
    wanted = set(item_ids) if item_ids is not None else None
    records = []
    for it in notice.items:
        if wanted is not None and it.id not in wanted:
            continue
        s, e = _item_extent(notice, it)
        labels = {}
        for u in it.units:
            if s <= u.start and u.end <= e:
                labels[(u.start, u.end)] = DOCCANO_LABELS.get(u.role, "单位")
        for sp in notice.spans:
            if sp.label in ("DEADLINE", "DOC_NUMBER") and s <= sp.start and sp.end <= e:
                labels[(sp.start, sp.end)] = DOCCANO_LABELS[sp.label]
        records.append({
            "id": f"{notice.id}#{it.id}",
            "text": notice.text[s:e],
            "label": [[a - s, b - s, lab] for (a, b), lab in sorted(labels.items())],
        })
    return records


__all__ = [
    "LEVELS", "LEVEL_NAMES", "RELATIONS", "DEADLINE_CHANGES", "VERB_CLASS_NAMES",
    "name_level", "issuer_names", "document_level", "levels", "is_copy", "distinct_documents",
    "short_issuer", "document_label", "item_table", "units_by_role", "deadline_timeline", "item_region", "display_doc",
    "item_relations", "relation_counts", "propagation_alignments", "relation_shares", "propagation_graph", "chains",
    "lead_units_by_level", "lead_items_by_level", "verb_classes_by_level", "verb_class_shares", "compare_deadlines", "deadline_shifts",
    "deadline_changes", "doccano_records",
]
