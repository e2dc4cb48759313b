"""Shared lexical resources: unit-name shapes, a unit gazetteer, role cues, table columns.

Both the structure stage (to tell a unit cell from a requirement, and to split
flattened table rows) and the entity stage (to recognise units) read these; the
gazetteer is learned from the annotations and shipped in `models/`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import ahocorasick

MODELS_DIR = Path(__file__).resolve().parents[2] / "models"
GAZETTEER_PATH = MODELS_DIR / "unit_recognizer" / "gazetteer.txt"

# Suffixes that end a unit name, longest first so alternation prefers them.
UNIT_SUFFIXES = sorted(
    """领导小组成员各单位 领导小组办公室 领导小组 管理委员会 管委会 委员会 党工委 工委 党委 办公厅 办公室
    街道办事处 办事处 街道办 人民政府 政府 片区管理局 管理局 监管局 服务中心 交易中心 信息中心 中心 分局 局 厅
    卫计委 网信办 公开办 审改办 效能办 数字办 扶贫办 委 办 处室 处 室 部门 单位 机关 机构 直属机构 事业单位 国企
    支行 银保监局 证监局 窗口 法院 检察院 档案馆 图书馆 联席办 新闻办 督查室 部""".split(),
    key=len,
    reverse=True,
)
# The suffixes as one regex alternation (longest first).
SUFFIX_ALTERNATION = "|".join(map(re.escape, UNIT_SUFFIXES))
# Words ending in a suffix that are not units (举办, 网站 …) and characters a name never holds.
_NOT_UNIT_ENDINGS = re.compile(
    r"(?:(?<!公)开办|举办|创办|承办|主办|督办|交办|转办|代办|查办|包办|网办|通办|联办|好办|快办|掌上办|一次办|马上办|就近办|"
    r"全部|内部|局部|外部|干部|各部|总部|本部|东部|西部|南部|北部|中部|俱乐部|底部|顶部|头部|首部|细部|好处|到处|之处|查处|惩处|场所|住所|处室处|室内|办公|办理|单位时间|部门间|机关化|科学|科技|"
    r"股份|股权|中心工作|中心城区|核心|重心|信心|耐心|用心|民心|决心|责任心|议事处|出处|厅堂|本单位|本机关|本部门)$"
)
# The verbs that give a unit its role; no name holds one.
_ROLE_VERBS = "会同|牵头|配合|协助|负责"
_STOP = "的在对向请按要将把被为是于从给等或并以了经报由及、，,；;：:。！？“”《》〈〉\"'　 \t\n（）()【】.．·/\\-"
# 经 stops a name (经区办审核) except where it begins one (经发局, 经信委, 经济信息中心).
_CORE = rf"(?:[^{_STOP}\d]|经(?=[发信济贸]))"
# Units that are collectives of a territory without a suffix.
_COLLECTIVES = r"各设区市|各县（市、区）|各县\(市、区\)|各地区各部门|各地各部门|各地区|各级各部门|各级各类|各级政府|各级行政机关|中央驻闽有关机构"
_SUFFIX_END = re.compile(rf"(?:{SUFFIX_ALTERNATION})(?:[（(][^（）()]*[）)])?$|^(?:{_COLLECTIVES})$")
# A suffix character that begins another word is no suffix: 办法, 办理, 处理, 处罚, 室内.
_NOT_SUFFIX_AFTER = "(?![法理好事件结罚置内员])(?!(?<=处)分)(?!(?<=部)[署分])"
_SUFFIX_ENDS_HERE = re.compile(_NOT_SUFFIX_AFTER)
_UNIT_GRAMMAR = re.compile(
    rf"(?:{_CORE}{{0,14}}(?:{SUFFIX_ALTERNATION}){_NOT_SUFFIX_AFTER}|{_COLLECTIVES})"
    rf"(?:[（(][^（）()，,、]{{1,12}}?(?:{SUFFIX_ALTERNATION}|街道办)[）)])?"
)

ROLE_CUES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"(?:分别)?(?:按职能|按职责|结合单位职责)?(?:分别)?牵头(?:负责)?"), "lead"),
    (re.compile(r"配合|协助|协办|参与"), "cooperate"),
    (re.compile(r"(?:依职责|按职责分工|按职责|分别按职能|分别)?(?:负责|落实)"), "responsible"),
]
CUE_PATTERN = re.compile(
    r"(?:分别)?(?:按职能|按职责分工|按职责|依职责|结合单位职责)?(?:分别)?(?:牵头负责|牵头|配合|协助|协办|参与|负责|落实)"
    r"|会同|等(?:有关|相关)?(?:部门|单位)|等"
)
SEPARATORS = "、，,；;和及 \t　"


# How a unit name in running text begins: a jurisdiction, a collective or a level.
_NAME_START = re.compile(
    r"^(?:各|省|市|县|区|镇|乡|街道|国务院|中央|中共|全国|国家|本级|上级|同级|地方|基层|设区|直辖|自治|地级|"
    r"[\u4e00-\u9fff]{1,6}(?:省|市|县|区|自治州|实验区|新区|片区))"
)


# What a unit name never holds: a role cue, 等 before a category, a list's 及 (及其 is inside names).
_NOT_IN_NAME = re.compile(rf"等|分别|按职能|按职责|依职责|结合单位|{_ROLE_VERBS}|落实|及(?!其)")


def well_bounded(text: str, start: int, end: int) -> bool:
    """A recognised name that holds no cue or list word and does not end inside a word
    (`县财政局分别按职能` runs into its cue; `国务院决策部` ends inside 部署)."""
    return not _NOT_IN_NAME.search(text, start, end) and bool(_SUFFIX_ENDS_HERE.match(text, end))


# A body's 有关部门 is one scoped unit (国务院有关部门, 省政府相关领域业务主管部门), as 省直有关单位 is.
_SCOPED_CATEGORY = re.compile(r"(?:各)?(?:有关|相关)(?:领域)?(?:业务)?(?:主管)?(?:部门|单位)")
# Levels listed before one body are one unit: 各市、县（区）人民政府, 县、镇两级政府.
_LEVELS_BEFORE = re.compile(r"(?<![\u4e00-\u9fff])各?(?:[省市县区乡镇](?:（[^（）、]{1,6}(?:、[^（）、]{1,6})*）)?、)+$")
# A government's departments are one unit: 各级政府部门, 地方政府所属部门, 各级政府及其工作部门.
_GOVERNMENT_DEPARTMENTS = re.compile(r"(?:及其?)?(?:工作|所属)?部门")


def widen_name(text: str, a: int, b: int, lo: int, hi: int) -> tuple[int, int]:
    """A name found at text[a:b] widened, within text[lo:hi], to the scoped category after it
    and the list of levels before it."""
    m = _SCOPED_CATEGORY.match(text, b, hi) or (text.endswith("政府", a, b) and _GOVERNMENT_DEPARTMENTS.match(text, b, hi))
    if m:
        b = m.end()
    levels = _LEVELS_BEFORE.search(text, max(lo, a - 16), a)
    return (levels.start() if levels else a), b


def plausible_in_text(name: str, gazetteer: frozenset[str] = frozenset()) -> bool:
    """A name recognised in running text (not a unit cell) that reads like a unit.

    Bare categories and verb-led fragments (`推行政府`, `结合政府机构`) do not;
    names scoped by a jurisdiction or a collective (各级政府, 省财政厅) do.
    """
    return name in gazetteer or bool(_NAME_START.match(name) and _SUFFIX_END.search(name))


@dataclass(frozen=True)
class UnitSpan:
    start: int
    end: int
    source: str  # "gazetteer" | "grammar"


def load_gazetteer(path: str | None = None) -> tuple[str, ...]:
    """Unit names learned from the annotations (one per line), or () if none is shipped."""
    p = Path(path) if path else GAZETTEER_PATH
    if not p.exists():
        return ()
    # Keyed by modification time too: a model retrained in place is read afresh.
    return _read_gazetteer(str(p), p.stat().st_mtime_ns)


@lru_cache(maxsize=8)
def _read_gazetteer(path: str, mtime_ns: int) -> tuple[str, ...]:
    return tuple(line.strip() for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip())


class UnitMatcher:
    """Finds unit-name candidates: gazetteer longest matches first, then the name grammar."""

    def __init__(self, names: tuple[str, ...] | list[str] = ()):
        self.names = tuple(names)
        self._automaton = None
        if self.names:
            automaton = ahocorasick.Automaton()
            for name in self.names:
                automaton.add_word(name, len(name))
            automaton.make_automaton()
            self._automaton = automaton

    def gazetteer_spans(self, text: str) -> list[UnitSpan]:
        if self._automaton is None:
            return []
        found = [(end + 1 - length, end + 1) for end, length in self._automaton.iter(text)]
        return [UnitSpan(s, e, "gazetteer") for s, e in _longest_non_overlapping(found)]

    def grammar_spans(self, text: str) -> list[UnitSpan]:
        spans = []
        for m in _UNIT_GRAMMAR.finditer(text):
            for s, e in _cue_pieces(text, _jurisdiction_pieces(text, m.start(), _extend_to_suffix(text, m.start(), m.end()))):
                e = _first_government(text, s, e)
                name = text[s:e]
                if len(name) >= 2 and _SUFFIX_END.search(name) and not _NOT_UNIT_ENDINGS.search(name):
                    spans.append(UnitSpan(s, e, "grammar"))
        return spans

    def find(self, text: str) -> list[UnitSpan]:
        """Non-overlapping unit candidates in `text`, in order.

        Gazetteer names win over grammar candidates they overlap, unless the
        grammar's candidate ends with them (`区管委会办公室` is one name even
        when `办公室` alone is a known one) or scopes them with a jurisdiction
        and a bare suffix (`各设区市政府`, `县各部门单位`); `平潭综合实验区利用政府`
        is not a name.
        """
        gaz = self.gazetteer_spans(text)
        grammar = self.grammar_spans(text)
        out = []
        def absorbs(c: UnitSpan, g: UnitSpan) -> bool:
            if not (c.start <= g.start and g.end <= c.end and (c.start, c.end) != (g.start, g.end)):
                return False
            # c ends with g (区管委会 + 办公室), or is g plus a bare suffix (各设区市 + 政府),
            # and holds no other known name: not two names run together.
            left, right = text[c.start : g.start], text[g.end : c.end]
            # A known name with its alias (省编办（省审改办）), and the known alias inside it.
            alias = _ALIAS_END.search(text, c.start, c.end)
            if alias and alias.end() == c.end and (g.end == alias.start() and not left or alias.start() < g.start):
                return True
            longer = (left and not right) or (
                right in _SUFFIX_SET and (not left or bool(_JURISDICTION_PREFIX.fullmatch(left)))
            )
            return longer and not any(o is not g and c.start <= o.start and o.end <= c.end for o in gaz)

        for g in gaz:
            if not any(absorbs(c, g) for c in grammar):
                out.append(g)
        taken = [(u.start, u.end) for u in out]
        for g in grammar:
            if not any(g.start < e and s < g.end for s, e in taken):
                out.append(g)
                taken.append((g.start, g.end))
        return sorted(out, key=lambda u: u.start)


# A jurisdiction character inside a candidate starts the name when it does not
# belong to a word of its own (实验区, 设区市, 市场 …): `…公开工作区行政审批局` → 区行政审批局.
_JURISDICTION = "省市县区镇乡"
_REGION_WORDS = re.compile(
    r"实验区|设区市|市场|县级|市级|省级|区级|区域|市县|省市|区县|县市|社区|城区|片区|园区|辖区|地区|山区|景区|老区|苏区|"
    r"新区|市区|乡镇|城乡|市民|县域|市域|全省|全市|全县|全区|本省|本市|本县|本区|我省|我市|我县|我区|省内|市内|县内|区内"
)


_CORE_CHAR = re.compile(_CORE)


def _extend_to_suffix(text: str, start: int, end: int) -> int:
    """The regex settles on the longest core; a name may still end a little later (…管委 → …管委会)."""
    best = end
    for k in range(1, 4):
        e = end + k
        if e > len(text) or not _CORE_CHAR.match(text[e - 1]) or e - start > 18:
            break
        if any(text[max(start, e - n) : e] in _SUFFIXES_BY_LENGTH[n] for n in _SUFFIXES_BY_LENGTH) and _SUFFIX_ENDS_HERE.match(text, e):
            best = e
    return best


_SUFFIX_SET = frozenset(UNIT_SUFFIXES)
# What a known name may be scoped by inside a longer one: 县 + 各部门 + 单位.
_JURISDICTION_PREFIX = re.compile(r"[省市县区镇乡]|[省市县区]直|[省市县区]属")
_SUFFIXES_BY_LENGTH = {n: frozenset(s for s in UNIT_SUFFIXES if len(s) == n) for n in {len(s) for s in UNIT_SUFFIXES}}


def _jurisdiction_pieces(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split a candidate where a jurisdiction character starts a new name."""
    name = text[start:end]
    protected = set()
    for m in _REGION_WORDS.finditer(name):
        protected.update(range(m.start(), m.end()))
    for m in re.finditer(r"[（(][^）)]*[）)]", name):  # an alias: 县财政局（县金融局）
        protected.update(range(m.start(), m.end()))
    cuts = [0]
    for k in range(2, len(name) - 2):
        if name[k] in _JURISDICTION and k not in protected and name[k - 1] not in _JURISDICTION + "各":
            cuts.append(k)
    cuts.append(len(name))
    return [(start + a, start + b) for a, b in zip(cuts, cuts[1:])]


def _first_government(text: str, start: int, end: int) -> int:
    """A government holds no other government: past a first 政府 a second one is
    running text (`各乡镇人民政府构建完善政府` → `各乡镇人民政府`). Aliases aside."""
    bare = re.sub(r"[（(][^）)]*[）)]", lambda m: "#" * len(m.group(0)), text[start:end])
    first = bare.find("政府")
    return start + first + 2 if first >= 0 and bare.find("政府", first + 2) >= 0 else end


# A unit name never holds a role cue: `省公安厅会同省人社厅` is two names.
_CUE_INSIDE = re.compile(_ROLE_VERBS)
_ALIAS_END = re.compile(r"[（(][^（）()]{2,12}[）)]$")


def _cue_pieces(text: str, pieces: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Pieces of a candidate cut at the role cues inside them, cues left out."""
    out = []
    for s, e in pieces:
        for m in _CUE_INSIDE.finditer(text, s, e):
            out.append((s, m.start()))
            s = m.end()
        out.append((s, e))
    return out


def _longest_non_overlapping(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    chosen: list[tuple[int, int]] = []
    for s, e in sorted(spans, key=lambda x: (-(x[1] - x[0]), x[0])):
        if all(e <= cs or s >= ce for cs, ce in chosen):
            chosen.append((s, e))
    return sorted(chosen)


@lru_cache(maxsize=1)
def default_matcher() -> UnitMatcher:
    return UnitMatcher(load_gazetteer())


# --- table columns --------------------------------------------------------------

COLUMN_CLASSES = {
    "序号": "seq",
    "工作任务": "task",
    "主要任务": "task",
    "重点任务": "task",
    "任务": "task",
    "具体要求": "req",
    "工作要求": "req",
    "具体内容": "req",
    "工作内容": "req",
    "工作措施": "req",
    "牵头单位": "unit",
    "责任单位": "unit",
    "配合单位": "unit",
    "配合/责任单位": "unit",
    "牵头及责任单位": "unit",
    "牵头及配合单位": "unit",
    "市里落实单位": "unit",
    "局内负责处室": "unit",
    "责任处室": "unit",
    "落实单位": "unit",
    "责任部门": "unit",
    "牵头部门": "unit",
    "完成时限": "time",
    "完成时间": "time",
    "时间节点": "time",
    "备注": "note",
}


def _spaced(name: str) -> str:
    return r"\s*".join(re.escape(c) for c in name)


COLUMN_NAME = re.compile(
    "|".join(_spaced(n) for n in sorted(COLUMN_CLASSES, key=len, reverse=True))
)
# A unit column named by its header (with inner spaces and line breaks) → canonical name.
def canonical_column(raw: str) -> str:
    return re.sub(r"\s+", "", raw)
