"""Document numbers (发文字号) and the documents a notice cites.

A 发文字号 is 机关代字 + year in brackets + serial + 号: `闽政办〔2017〕65号`.
Notices also print the mis-typed brackets `[]`, `【】`, `［］`, `()`, `（）`,
spaces inside (`闽政办〔2017〕65 号`), redactions (`〔xxxx〕xx号`: year/serial
None) and, rarely, no bracket at all (`岚财金2017.135号`).

The hard part is the left edge: the 机关代字 is glued to the words before it
(`严格按照闽政办〔2012〕99号`, `…分解表的通知闽政办〔2017〕45号`). Codes are short
abbreviations, so the rule is data-driven: take the run of CJK characters
before the bracket, cut it after the last word that cannot be part of a code
(按照, 通知, 的, 以 …), keep at most 7 characters, and start at the first
character that begins real codes (国, 中, 闽, 穗 …).

`国务院令第711号` (no year) is an order number, not a 发文字号, and is not matched.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..document import DocNumber

__all__ = [
    "CitedMatch",
    "DocNumberMatch",
    "find_cited_documents",
    "find_doc_numbers",
    "own_doc_number",
    "parse_doc_number",
]

MIN_YEAR, MAX_YEAR = 1949, 2100
MAX_CODE_LEN = 7

# Real 机关代字: national organs, the notices in corpora/, and the province /
# city abbreviations codes start with. Only their first characters are used.
_REAL_CODES = (
    "国发", "国办发", "国函", "国办函", "国办公开办函", "国务院令", "中发", "中办发", "厅字",
    "财预", "发改", "人社部发", "教基", "民发", "公通字", "工信部", "商务部", "农办",
    "环发", "建城", "交公路发", "水利", "卫办", "审计署", "税总发", "银发", "证监",
    "司发", "科发", "文旅", "体规", "应急", "自然资", "住建", "市监", "海关",
    "闽政", "闽政办", "闽政办函", "闽政文", "闽财非税函", "闽委办", "岚综管办", "岚综管办函",
    "岚综管办便函", "岚财金", "穗府", "穗府办", "穗府办函", "穗应急", "肇府办函", "粤府",
    "粤府办", "榕政", "厦府", "莆政", "泉政", "漳政", "明政", "龙政", "宁政", "南政", "深府",
    "珠府", "汕府", "佛府", "韶府", "梅市府", "惠府", "莞府", "江府", "湛府", "茂府", "清府",
    "潮府", "揭府", "云府", "京政发", "津政发", "冀政", "晋政发", "内政发", "蒙政发", "辽政发",
    "吉政发", "黑政发", "沪府发", "苏政发", "浙政发", "皖政", "赣府发", "鲁政发", "豫政",
    "鄂政发", "湘政发", "桂政发", "琼府", "渝府发", "川府发", "黔府发", "贵府发", "云政发",
    "滇政发", "藏政发", "陕政发", "甘政发", "青政", "宁政发", "新政发", "兵发", "杭政",
    "甬政", "蓉府", "筑府", "邕府", "郑政", "武政", "汉政", "长政", "济政", "沈政", "哈政",
    "省政府令", "市政", "县政", "区政", "镇政", "乡政", "街道",
)
_CODE_HEADS = frozenset(code[0] for code in _REAL_CODES)
# Level words also end place names (平潭综合实验区岚综管办): a region or organ
# abbreviation further right wins over them.
_WEAK_HEADS = frozenset("省市县区镇乡街")

# Words that are never inside a code: verbs and particles that introduce a
# citation, and the ends of titles and organ names a number is glued to.
_NOT_CODE = re.compile(
    "按照|根据|依据|依照|遵照|参照|对照|贯彻|落实|执行|转发|印发|下发|"
    "通知|意见|办法|方案|规定|决定|批复|细则|规划|要点|分解表|文件|精神|要求|"
    "人民政府|政府|人民|办公厅|办公室|委员会|管委会|中心|关于|"
    "[的以和及与或即见按据将在是为并等由对把向]"
)

_OPEN = "〔[【(（［"
_CLOSE = "〕]】)）］"
_SP = r"[ \t\u3000\xa0]*"
# Bracketed: the issuer code is found by walking back from the bracket.
_BRACKETED = re.compile(
    rf"[{re.escape(_OPEN)}]{_SP}(\d{{4}}|[xX×]{{2,4}}){_SP}[{re.escape(_CLOSE)}]"
    rf"{_SP}第?{_SP}(\d{{1,5}}|[xX×]{{1,4}}){_SP}[号號]"
)
# Bracketless `岚财金2017.135号`.
_DOTTED = re.compile(rf"(?<![\d.．])(\d{{4}})[.．](\d{{1,5}}){_SP}[号號]")
_SPACES = " \t\u3000\xa0"


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


@dataclass(frozen=True)
class DocNumberMatch:
    """A document number found in a text; `text == source[start:end]`."""

    start: int
    end: int
    text: str
    issuer_code: str
    year: int | None
    serial: int | None

    def to_doc_number(self, offset: int = 0) -> DocNumber:
        """The SPEC's DocNumber, its span shifted by `offset`."""
        return DocNumber(self.text, self.issuer_code, self.year, self.serial,
                         (self.start + offset, self.end + offset))


@dataclass(frozen=True)
class CitedMatch:
    """A cited 《title》 (`start`/`end` cover the title without 《》) and its number, if printed."""

    start: int
    end: int
    title: str
    doc_number: DocNumberMatch | None


def _code_start(text: str, end: int) -> int | None:
    """Start of the issuer code that ends at `end`, or None when there is none."""
    i = end
    while i > 0 and end - i < 16 and _is_cjk(text[i - 1]):
        i -= 1
    run = text[i:end]
    # Cut after the last non-code word, unless that leaves fewer than two
    # characters: a code has at least two, so that word was part of it.
    cut = 0
    for m in _NOT_CODE.finditer(run):
        if len(run) - m.end() >= 2:
            cut = m.end()
    cut = max(cut, len(run) - MAX_CODE_LEN)
    heads = [k for k in range(cut, len(run) - 1) if run[k] in _CODE_HEADS]
    strong = [k for k in heads if run[k] not in _WEAK_HEADS]
    if strong or heads:
        cut = (strong or heads)[0]
    return i + cut if len(run) - cut >= 2 else None


def _number(text: str, m: re.Match[str], code_end: int) -> DocNumberMatch | None:
    start = _code_start(text, code_end)
    if start is None:
        return None
    year_s, serial_s = m.group(1), m.group(2)
    year = int(year_s) if year_s.isdigit() else None
    if year is not None and not MIN_YEAR <= year <= MAX_YEAR:
        return None
    serial = int(serial_s) if serial_s.isdigit() else None
    return DocNumberMatch(start, m.end(), text[start:m.end()], text[start:code_end], year, serial)


def find_doc_numbers(text: str) -> list[DocNumberMatch]:
    """Every 发文字号 in `text`, in order, with offsets into `text`."""
    if "号" not in text and "號" not in text:
        return []
    found: list[DocNumberMatch] = []
    for m in _BRACKETED.finditer(text):
        code_end = m.start()
        while code_end > 0 and text[code_end - 1] in _SPACES:
            code_end -= 1
        if (dn := _number(text, m, code_end)) is not None:
            found.append(dn)
    for m in _DOTTED.finditer(text):
        if m.start() and _is_cjk(text[m.start() - 1]) and (dn := _number(text, m, m.start())) is not None:
            found.append(dn)
    found.sort(key=lambda d: d.start)
    return found


def parse_doc_number(text: str) -> tuple[str, int | None, int | None]:
    """(issuer_code, year, serial) of one number string such as `国发〔2016〕55号`.

    Raises ValueError when `text` (spaces around it aside) is not exactly one number.
    """
    s = text.strip()
    found = find_doc_numbers(s)
    if len(found) != 1 or found[0].start != 0 or found[0].end != len(s):
        raise ValueError(f"not a document number: {text!r}")
    return found[0].issuer_code, found[0].year, found[0].serial


def _titles(text: str) -> list[tuple[int, int]]:
    """(open, close) offsets of the outermost 《…》 pairs; inner 《》〈〉<> stay in the title.

    A 》 whose 《 was lost at the start of a line (seed 001:
    `德庆县2019年政务公开工作要点分工方案》已经…`) opens at that line's start.
    """
    pairs: list[tuple[int, int]] = []
    depth, open_at = 0, 0
    for m in re.finditer("[《》]", text):
        if m.group() == "《":
            if depth == 0:
                open_at = m.start()
            depth += 1
        elif depth:
            depth -= 1
            if depth == 0:
                pairs.append((open_at, m.start()))
        else:
            line = text.rfind("\n", 0, m.start()) + 1
            line = _skip_spaces(text, line)
            if 2 <= m.start() - line <= 80 and not re.search("[。；，,：:》]", text[line:m.start()]):
                pairs.append((line - 1, m.start()))
    return pairs


_ALIAS = re.compile(r"简称为?[“\"]?$")


def find_cited_documents(text: str, doc_numbers: list[DocNumberMatch]) -> list[CitedMatch]:
    """Every cited 《title》 in order, with the number printed right after it, else None.

    The number is the one inside the bracket that follows the title:
    `《…》（国办发〔2018〕23号）`, `《…》(穗府办函〔2021〕47号)`, also
    `（岚综管办〔2020〕16号,以下简称《通知》）` and `（以下简称《意见》，国发〔2016〕55号）`.
    Short names a notice defines (`以下简称《分工方案》`) and their later uses are
    not titles.
    """
    by_start = {d.start: d for d in doc_numbers}
    aliases: set[str] = set()
    cited: list[CitedMatch] = []
    for open_at, close_at in _titles(text):
        title = text[open_at + 1:close_at]
        if not title.strip():
            continue
        if _ALIAS.search(text, max(0, open_at - 4), open_at) or title in aliases:
            aliases.add(title)
            continue
        cited.append(CitedMatch(open_at + 1, close_at, title, _number_after(text, close_at + 1, by_start)))
    return cited


def _skip_spaces(text: str, i: int) -> int:
    while i < len(text) and text[i] in _SPACES:
        i += 1
    return i


def _number_after(text: str, i: int, by_start: dict[int, DocNumberMatch]) -> DocNumberMatch | None:
    i = _skip_spaces(text, i)
    if i >= len(text) or text[i] not in "（(":
        return None
    i = _skip_spaces(text, i + 1)
    if text.startswith("以下简称", i):
        comma = re.compile("[，,]").search(text, i, i + 40)
        if comma is None:
            return None
        i = _skip_spaces(text, comma.end())
    dn = by_start.get(i)
    if dn is None:
        return None
    after = _skip_spaces(text, dn.end)
    return dn if after < len(text) and text[after] in "）)，,；;" else None


# A number cited in a sentence: in brackets, or after a citing verb or title.
_CITING = re.compile(r"(?:[（(]|按照|根据|依据|贯彻落实|贯彻|落实|参照|对照|转发|以|》)$")


def _is_cited(text: str, dn: DocNumberMatch) -> bool:
    before = text[max(0, dn.start - 6):dn.start].rstrip(_SPACES)
    return bool(_CITING.search(before))


def own_doc_number(
    text: str, matches: list[DocNumberMatch], title_span: tuple[int, int] | None = None
) -> DocNumberMatch | None:
    """The notice's own number among `matches` (from `find_doc_numbers(text)`), or None.

    The own number stands on its own next to the title (printed just before it,
    or right after it as in `…的通知闽政办〔2017〕45号`) before the 主送机关's colon;
    a number cited in a sentence (in brackets, after 《…》, 按照, 根据, 贯彻落实, 以)
    never is. With `title_span` (the title's offsets), the closest such number
    within 40 characters of the title wins; without it, the first uncited
    number before the first 。 of the text.
    """
    own = [d for d in matches if not _is_cited(text, d)]
    if title_span is None:
        stop = text.find("。")
        return next((d for d in own if stop < 0 or d.end <= stop), None)
    t_start, t_end = title_span
    best: tuple[int, DocNumberMatch] | None = None
    for d in own:
        if d.end <= t_start:
            gap = text[d.end:t_start]
        elif d.start >= t_end:
            gap = text[t_end:d.start]
        else:
            continue
        if len(gap) <= 40 and not re.search("[。：:；;《]", gap) and (best is None or len(gap) < best[0]):
            best = (len(gap), d)
    return best[1] if best else None
