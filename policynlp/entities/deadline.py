"""Deadlines (time limits) in policy notices: absolute, relative and recurring.

`find_deadlines` scans a text with one compiled regex and keeps a time phrase
only when the sentence makes it a limit; `parse_deadline` normalises one
phrase. Decisions (they follow corpora/annotations/GUIDELINES.md):

- A calendar phrase is a deadline only with a limit word: 前/以前/之前/内
  after it (`2021年底前`, `6月30日前`, `年内`), one before it (`到2020年`,
  `不迟于6月30日`, `最迟…`), or `于` before it and a completion verb after it
  (`于2022年上半年完成`). So
  `2019年5月15日起施行`, `自2016年起`, `2020年绩效管理` and `第三、第四季度各项目`
  are not deadlines.
- `X前` means "by the end of X": `2018年前` → 2018-12-31, `10月前` → 10-31,
  like `2018年底前`. `年底`/`年内` → 12-31, `上半年` → 06-30, `第N季度` →
  quarter end, `月底` → month end, `上/中/下旬` → 10th/20th/month end.
- The span is the whole limit phrase, leading limit words included (`到2020年`,
  `到2020年12月底前`, `最迟在5小时内`, `最迟不超过3个工作日`, `不迟于6月30日`),
  the verb after it not. `到` is a limit word only after punctuation or
  力争/确保/计划…, not in 达到 or 2018年到2020年. `于`/`在` alone stay outside.
- A list with one 前 (`9月21日、12月9日前`) is one deadline per date, the last
  with the 前.
- Years come from the phrase; `今年`/`本年`/`当年` is the reference year and
  `明年`/`次年` the next. A phrase without a year takes the reference date's
  year (month for `月底`), or the next year when that would put it more than
  31 days before the reference (`2月20日前` in a notice of 2019-11-23 →
  2020-02-20, but `7月底前` in one of 2021-08-18 → 2021-07-31). With no
  reference the date is None, as it is for redacted `x月xx日前`.
- Relative units are hour, day, workday and month: weeks are 7 days, years
  12 months (`3年内` → 36 months, the plan's horizon counted from its issue;
  `半年内` → 6 months, `半个月内` → 15 days). A duration needs `内`/`以内`/
  `之内` or `不超过` (`3个工作日` alone is no limit).
- The anchor of a relative deadline is the event it counts from, when its
  sentence states it right before the duration: a clause ending in 后, or in
  之日起 / 起, or in an event noun (事件, 舆情 …), trimmed to the event
  (`应于文件公开后` → `文件公开后`, `自作出行政决定之日起` → `作出行政决定之日`,
  `遇有重大突发舆情事件` → `重大突发舆情事件`). 、 does not break the clause
  (`特别重大、重大突发事件发生后`). When the clause is only `应在`, the clause
  before it is used (`事件发生后，应在24小时内`); a duration with no event of
  its own shares the previous one's in the same sentence (`最迟在5小时内发布
  权威信息,24小时内举行新闻发布会`).
- Recurring: `每年`/`每年度`/`按年度` (yearly), `每季度`/`按季度` (quarterly),
  `每月`/`按月` (monthly), `每周` (weekly), extended over a count
  (`每年至少听取1次`), dates (`每年1月10日、7月10日前`, one span) or a list of
  periods (`按月度、季度`, frequency of the first). Rates are no schedule
  (`平均每年`, `每人每年` are skipped); `每日`/`每半年`/`每两年` have no
  frequency in the schema and are skipped; `定期` states no period and is
  not a deadline.
"""
from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass
from typing import Any

from ..document import Deadline

__all__ = ["DeadlineMatch", "DeadlineValue", "find_deadlines", "parse_deadline"]

MIN_YEAR, MAX_YEAR = 1949, 2100

# --- the phrase grammar (regex source, no named groups: pieces are reused) ---
_S = r"[ \t\u3000]*"
_CJK = r"\u4e00-\u9fff"
_CN = "〇零一二两三四五六七八九十百"
_X = "xX×Ｘ"
_YEAR = rf"(?:(?<![\d{_X}])(?:\d{{4}}|[〇零一二三四五六七八九]{{4}}|\d\d[{_X}]{{2}}|[{_X}]{{4}}){_S}年|[今明本次当]年)"
# Chinese month numerals only where they cannot be the tail of a word (统一月底).
_MONTH = (
    rf"(?:(?<![\d.])\d{{1,2}}"
    rf"|(?:(?<=年)|(?<=年\s)|(?<![{_CJK}\d])|(?<=[于在到至每、和]))(?:十[一二]?|[一二三四五六七八九])"
    rf"|[{_X}]{{1,2}}){_S}月"
)
_DAY = rf"(?:\d{{1,2}}|三十一?|[一二]?十[一二三四五六七八九]?|[一二三四五六七八九]|[{_X}]{{1,2}}){_S}[日号]"
_NEI = "内(?![容部地外涵存核陆蒙网])"
_MPART = rf"{_MONTH}{_S}(?:{_DAY}|[底末]|[上中下]旬)?"
_HALF = "[上下]半年"
_QUARTER = r"(?<![前后])第?[一二三四\d]季度[末底]?"
_ATOM = (
    rf"(?:{_YEAR}{_S}(?:{_MPART}|{_HALF}|{_QUARTER}|年?[底末]|年?{_NEI})?"
    rf"|(?<![去前上往近多历同第干几数些这那\d{_CN}])年(?:[底末]|{_NEI})|(?<![每个])[本当]?月[底末]|{_MPART}|{_HALF}|{_QUARTER})"
)
# 前 of 前期/前提下/前三季度/前10个月 is no limit word; 前提出 and 前2 (a
# flattened table's next row number) are.
_SUFFIX = (
    rf"{_S}(?:以前|之前|前|以内|之内|{_NEI})"
    rf"(?![期列沿端置夕身景茅后述款项]|提(?![出交供请报])"
    rf"|{_S}[\d一二两三四五六七八九十几]+{_S}(?:个|季|月|年|名|位|批|天|日|周|轮|次|项|家|强|成|届))"
)
_ABS = rf"{_ATOM}(?:{_S}[、和及]{_S}{_ATOM})*(?:{_SUFFIX})?"
# A count, not a digit-by-digit year (一九五八年内 is a year, 两三年内 is vague).
_COUNT_CN = "(?:[一二两三四五六七八九]?百[零一二三四五六七八九十]{0,3}|[一二两三四五六七八九]?十[一二三四五六七八九]?|[一二两三四五六七八九])"
_REL = (
    rf"(?:(?<![\d.．{_CN}第])(?:\d{{1,3}}|{_COUNT_CN})(?![{_CN}]){_S}"
    rf"(?:个{_S}月|个?{_S}(?:工作日|自然日|小时|星期)|日|天|周|年)|半{_S}(?:年|个{_S}月))"
    rf"(?:{_S}(?:以内|之内|{_NEI}))?"
)
# 平均每年 / 每人每年 are rates, not schedules.
_FREQ = "(?:(?<![均人])每个?(?:年度?|季(?!节)度?|月度?|周|星期)|按(?:年度|季(?!节)度?|月度?|周))"
_PERIODS = rf"(?:{_S}[、和及]{_S}(?:年度?|季度?|月度?))+"
_COUNT = rf"{_S}(?:至少|不少于|最少)?[{_CJK}]{{0,4}}?{_S}(?:\d+|[一两二三四五六七八九十])次(?!性)"
_DATES = rf"{_S}{_MPART}(?:{_S}[、和及]{_S}{_MPART})*(?:{_SUFFIX})?"
_DAYS = rf"{_S}(?:{_DAY}|[年月]?[底末])(?:{_SUFFIX})?"
_REC = rf"{_FREQ}(?:{_PERIODS}|{_COUNT}|{_DATES}|{_DAYS})?"

# The leading lookahead lets the engine skip, with one set test, the ~95% of
# positions where no phrase can start (ten times faster than trying each branch).
_HEADS = rf"\d{_X}{_CN}今明本次当年月上下第每按半"
_SCAN = re.compile(rf"(?=[{_HEADS}])(?:(?P<rec>{_REC})|(?P<rel>{_REL})|(?P<abs>{_ABS}))")
_REC_RE = re.compile(_REC)
_ATOM_RE = re.compile(_ATOM)
# Every phrase holds one of these: text without them costs one scan.
_HINT = re.compile("[年月日季周时天星]")

# --- parsing one phrase ---
_LEAD_WORDS = rf"(?:最迟{_S}[在于]?|不迟于|不晚于|到)"
_NOT_EXCEED_WORDS = "(?:最迟|最长|最多)?(?:不超过|不得超过|不超出|不多于)"
_ABS_PARTS = re.compile(
    rf"(?:(?P<y>\d{{4}}|[〇零一二三四五六七八九]{{4}}|\d\d[{_X}]{{2}}|[{_X}]{{4}}){_S}年|(?P<yw>[今明本次当])年|(?P<bare_y>年))?{_S}"
    rf"(?:(?P<m>\d{{1,2}}|十[一二]?|[一二三四五六七八九]|[{_X}]{{1,2}}){_S}月{_S}"
    rf"(?:(?P<d>\d{{1,2}}|三十一?|[一二]?十[一二三四五六七八九]?|[一二三四五六七八九]|[{_X}]{{1,2}}){_S}[日号]"
    rf"|[底末]|(?P<xun>[上中下])旬)?"
    rf"|(?P<bare_m>[本当]?月)[底末]|(?P<half>[上下])半年|第?(?P<q>[一二三四\d])季度[末底]?|年?(?P<yend>[底末内]))?"
    rf"(?:{_SUFFIX})?"
)
_REL_PARTS = re.compile(
    rf"(?:(?:{_NOT_EXCEED_WORDS}|{_LEAD_WORDS}){_S})?"
    rf"(?:(?P<n>\d{{1,3}}|{_COUNT_CN}){_S}"
    rf"(?P<u>个{_S}月|个?{_S}(?:工作日|自然日|小时|星期)|日|天|周|年)|半{_S}(?P<half>年|个{_S}月))"
    rf"(?:{_S}(?:以内|之内|内))?"
)
_UNITS = {"工作日": ("workday", 1), "自然日": ("day", 1), "日": ("day", 1), "天": ("day", 1),
          "小时": ("hour", 1), "周": ("day", 7), "星期": ("day", 7), "月": ("month", 1), "年": ("month", 12)}
_FREQUENCIES = {"年": "yearly", "季": "quarterly", "月": "monthly", "周": "weekly", "星": "weekly"}
_QUARTERS = {"一": 1, "二": 2, "三": 3, "四": 4}

# --- context cues ---
# Limit words before a phrase, inside its span (GUIDELINES: `到2020年`,
# `最迟在5小时内`, `最迟不超过3个工作日`).
_LEAD = re.compile(rf"{_LEAD_WORDS}{_S}$")
_NOT_EXCEED = re.compile(rf"{_NOT_EXCEED_WORDS}{_S}$")
# `到` is a limit word after punctuation or these words (力争到), not in 达到,
# 1到10月 or 2018年到2020年.
_DAO_BEFORE = set("争取保计划要将并再力")
_DONE = re.compile(f"{_S}(?:全部|基本|全面)?(?:完成|建成|实现|出台|上线|印发|报送|提交)")
# 、 joins the parts of one event (特别重大、重大突发事件发生后): no clause break.
_CLAUSE_BREAKS = "，。；：,;:!?！？\n"
_SENTENCE_BREAKS = "。；;!?！？\n"
# What precedes the event in its clause: subject + modal + preposition
# (相关解读材料应于), or a verb taking an event noun (遇有, 严格执行).
_EVENT_LEAD = re.compile(r"^(?:[^，。；]*?(?:应当|应|须|必须|需|需要|要|均|并|一律|务必|最迟))?(?:于|在|自|从)")
_NOUN_LEAD = re.compile(r"^.*?(?:遇有|遇到|如遇|严格执行|执行|对于|针对|一旦发生)")
_EVENT_NOUNS = ("事件", "事故", "舆情", "灾情", "险情", "疫情")
_NOT_EVENTS = ("今后", "以后", "此后", "之后", "然后", "随后", "最后", "往后", "日后", "前后", "今天起", "今年起")
_MODAL_ONLY = re.compile(rf"^(?:应当|应|须|必须|需|需要|要|均|并|一律|务必|请)*(?:于|在)?{_S}$")


@dataclass(frozen=True)
class DeadlineValue:
    """The normalised value of one deadline phrase."""

    kind: str  # absolute | relative | recurring
    date: str | None = None
    duration: dict[str, Any] | None = None
    frequency: str | None = None


@dataclass(frozen=True)
class DeadlineMatch:
    """A deadline found in a text; `text == source[start:end]`."""

    start: int
    end: int
    text: str
    kind: str
    date: str | None = None
    duration: dict[str, Any] | None = None
    anchor: str | None = None
    frequency: str | None = None

    def to_deadline(self, offset: int = 0) -> Deadline:
        """The SPEC's Deadline, its span shifted by `offset`."""
        return Deadline(self.text, self.kind, (self.start + offset, self.end + offset),
                        self.date, self.duration, self.anchor, self.frequency)


def _cn_int(s: str) -> int:
    """An ASCII or Chinese numeral (`12`, `十二`, `二〇二一`); cn2an only sees this span."""
    if s.isdigit():
        return int(s)
    import cn2an  # loaded on the first Chinese numeral only

    return int(cn2an.cn2an(s, "smart"))


def _month_end(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def _last_day(m: re.Match[str], year: int, reference: datetime.date | None) -> datetime.date:
    """The last day a parsed calendar phrase allows in `year`; ValueError on 2月30日."""
    if m.group("bare_m"):
        month = reference.month if reference else 12
        return datetime.date(year, month, _month_end(year, month))
    if m.group("m"):
        month = _cn_int(m.group("m"))
        if m.group("d"):
            return datetime.date(year, month, _cn_int(m.group("d")))
        if m.group("xun") in ("上", "中"):
            return datetime.date(year, month, 10 if m.group("xun") == "上" else 20)
        return datetime.date(year, month, _month_end(year, month))
    if m.group("half") == "上":
        return datetime.date(year, 6, 30)
    if m.group("q"):
        quarter = _QUARTERS.get(m.group("q")) or int(m.group("q"))
        if not 1 <= quarter <= 4:
            raise ValueError(f"no such quarter: {m.group()!r}")
        return datetime.date(year, 3 * quarter, _month_end(year, 3 * quarter))
    return datetime.date(year, 12, 31)


def _absolute(phrase: str, reference: datetime.date | None) -> str | None:
    """ISO date of the last day allowed by one calendar phrase; None when unknown or redacted."""
    m = _ABS_PARTS.fullmatch(phrase)
    if m is None or not any(m.group(g) for g in ("y", "yw", "m", "bare_m", "half", "q", "yend")):
        raise ValueError(f"not a calendar deadline: {phrase!r}")
    if m.group("bare_y") and not m.group("yend"):
        raise ValueError(f"not a calendar deadline: {phrase!r}")
    if any(c in phrase for c in _X):
        return None
    if m.group("y"):
        year = _cn_int(m.group("y"))
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise ValueError(f"year out of range: {phrase!r}")
        day = _last_day(m, year, reference)
        return None if m.group("bare_m") and reference is None else day.isoformat()
    if reference is None:
        _last_day(m, 2000, None)  # still no 2月30日 nor 第5季度
        return None
    if m.group("yw"):
        return _last_day(m, reference.year + (m.group("yw") in "明次"), reference).isoformat()
    # The year is omitted: the notice's own, unless that puts the date more than
    # 31 days before the notice (a yearly cycle announced late in the year:
    # `2月20日前` in a notice of 2019-11-23 is 2020-02-20).
    day = _last_day(m, reference.year, reference)
    if day < reference - datetime.timedelta(days=31):
        day = _last_day(m, reference.year + 1, reference)
    return day.isoformat()


def _duration(m: re.Match[str]) -> dict[str, Any]:
    """{value, unit} of a `_REL_PARTS` match; weeks count as days, years as months."""
    if m.group("half"):
        return {"value": 6, "unit": "month"} if m.group("half") == "年" else {"value": 15, "unit": "day"}
    unit, factor = _UNITS[re.sub(rf"个|{_S}", "", m.group("u"))]
    value = _cn_int(m.group("n")) * factor
    if value <= 0:
        raise ValueError(f"empty duration: {m.group()!r}")
    return {"value": value, "unit": unit}


def parse_deadline(text: str, reference: datetime.date | None = None) -> DeadlineValue:
    """Normalise one deadline phrase (`2021年底前`, `3个工作日内`, `每年至少1次`).

    `reference` is the notice's date: it gives the year (and month for 月底)
    the phrase omits. The phrase is taken as a time limit as given, so a table
    cell `2021年6月` parses; deciding from context whether a phrase in running
    text is a limit is `find_deadlines`' job. Raises ValueError when the phrase
    is not one deadline (`2019年5月15日起`, `定期`, `每日`, `9月21日、12月9日前`).
    """
    s = text.strip()
    if m := _REL_PARTS.fullmatch(s):
        return DeadlineValue("relative", duration=_duration(m))
    if _REC_RE.fullmatch(s):
        return DeadlineValue("recurring", frequency=_frequency(s))
    s = re.sub(rf"^{_LEAD_WORDS}{_S}", "", s)
    return DeadlineValue("absolute", date=_absolute(s, reference))


def _frequency(phrase: str) -> str:
    """The period named after 每/按 (每个季度: after 个)."""
    return _FREQUENCIES[phrase[2] if phrase[1] == "个" else phrase[1]]


def _clause_start(text: str, end: int) -> int:
    i = end
    while i > 0 and end - i < 80 and text[i - 1] not in _CLAUSE_BREAKS:
        i -= 1
    return i


def _event(clause: str) -> str | None:
    """The event a clause states right before a duration, trimmed as annotated.

    `应于文件公开后` → `文件公开后`; `自作出行政决定之日起` → `作出行政决定之日`;
    `遇有重大突发舆情事件` → `重大突发舆情事件`. None when the clause ends in no event.
    """
    clause = clause.strip().rstrip("的").rstrip()
    if clause.endswith(_EVENT_NOUNS):
        lead = _NOUN_LEAD.match(clause)
    elif clause.endswith(("后", "起")) and not clause.endswith(_NOT_EVENTS):
        lead = _EVENT_LEAD.match(clause)
        clause = clause.removesuffix("起")
    else:
        return None
    event = clause[lead.end():].strip() if lead else clause
    return event if len(event) > 2 else None


def _anchor(text: str, start: int) -> str | None:
    """The event of the clause before `start`, or of the clause before that one
    when this one is only `应在` (`事件发生后，应在24小时内`)."""
    b = _clause_start(text, start)
    clause = text[b:start]
    if _MODAL_ONLY.match(clause) and b > 0 and text[b - 1] in "，,":
        return _event(text[_clause_start(text, b - 1):b - 1])
    return _event(clause)


def _lead(text: str, start: int) -> int | None:
    """Offset of a limit word right before `start` (`到`, `最迟在`, `不迟于`), else None."""
    m = _LEAD.search(text, max(0, start - 6), start)
    if m is None:
        return None
    if m.group().startswith("到") and m.start() > 0:
        before = text[m.start() - 1]
        if before.isdigit() or "\u4e00" <= before <= "\u9fff" and before not in _DAO_BEFORE:
            return None  # 1到10月, 达到, 2018年到2020年
    return m.start()


def _yu_done(text: str, start: int, end: int) -> bool:
    """`于2022年上半年完成`: 于 before and a completion verb after."""
    return start > 0 and text[start - 1] == "于" and _DONE.match(text, end) is not None


def _scan_abs(text: str, m: re.Match[str], reference: datetime.date | None) -> list[DeadlineMatch]:
    """The deadlines of one calendar match: a phrase or a list sharing one 前."""
    start, end = m.span()
    atoms = list(_ATOM_RE.finditer(text, start, end))
    has_suffix = bool(atoms) and atoms[-1].end() < end
    out: list[DeadlineMatch] = []
    for k, a in enumerate(atoms):
        a_start, a_end = a.span()
        if has_suffix and k == len(atoms) - 1:
            a_end = end
        lead = _lead(text, a_start) if k == 0 else None
        if lead is not None and not text.startswith(("起", "以来", "开始"), a_end):
            a_start = lead
        elif not (has_suffix or a.group().endswith("内")):
            if len(atoms) != 1 or not _yu_done(text, a_start, a_end):
                continue
        try:
            value = parse_deadline(text[a_start:a_end], reference)
        except ValueError:
            continue
        out.append(DeadlineMatch(a_start, a_end, text[a_start:a_end], "absolute", date=value.date))
    return out


def find_deadlines(text: str, reference: datetime.date | None = None) -> list[DeadlineMatch]:
    """Every deadline in `text`, in order, with offsets into `text`.

    `reference` is the notice's own date (its 成文日期, else its publication
    date), used for phrases that omit the year; without it their date is None.
    """
    if _HINT.search(text) is None:
        return []
    found: list[DeadlineMatch] = []
    last_rel: DeadlineMatch | None = None
    for m in _SCAN.finditer(text):
        kind = m.lastgroup
        start, end = m.span()
        if kind == "abs":
            found.extend(_scan_abs(text, m, reference))
        elif kind == "rec":
            found.append(DeadlineMatch(start, end, m.group(), "recurring", frequency=_frequency(m.group())))
        else:
            # A duration is a limit with 内 after it, or else 不超过 before it.
            lead = _lead(text, start)
            not_exceed = _NOT_EXCEED.search(text, max(0, start - 8), start)
            if not_exceed:
                start = not_exceed.start()
            elif lead is not None:
                start = lead
            elif not m.group().endswith("内"):
                continue
            try:  # _REL_PARTS accepts every _REL phrase with what precedes it
                duration = _duration(_REL_PARTS.fullmatch(text, start, end))
            except ValueError:  # 0个工作日, 百 alone
                continue
            anchor = _anchor(text, start)
            # 最迟在5小时内发布权威信息,24小时内举行…: one event for both.
            if anchor is None and last_rel is not None and not any(
                    c in _SENTENCE_BREAKS for c in text[last_rel.end:start]):
                anchor = last_rel.anchor
            last_rel = DeadlineMatch(start, end, text[start:end], "relative", duration=duration, anchor=anchor)
            found.append(last_rel)
    # A limit word taken in before a phrase (到, 不超过) never reaches into the
    # previous phrase, but keep the result non-overlapping whatever the input.
    out: list[DeadlineMatch] = []
    for d in found:
        if not out or d.start >= out[-1].end:
            out.append(d)
    return out
