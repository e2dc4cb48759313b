"""Deadlines: real phrases from corpora/notices, the peers' false positives, properties."""
from __future__ import annotations

import datetime
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import gold_records, notice_text, passage

from policynlp.entities.deadline import DeadlineMatch, DeadlineValue, find_deadlines, parse_deadline


REF_2021 = datetime.date(2021, 7, 20)  # seed 000's 成文日期
REF_2016 = datetime.date(2016, 5, 30)  # 80959's publication date


def A(text: str, date: str | None) -> tuple:
    return (text, "absolute", date, None, None, None)


def R(text: str, value: int, unit: str, anchor: str | None = None) -> tuple:
    return (text, "relative", None, {"value": value, "unit": unit}, anchor, None)


def F(text: str, frequency: str) -> tuple:
    return (text, "recurring", None, None, None, frequency)


def _as_tuple(d: DeadlineMatch) -> tuple:
    return (d.text, d.kind, d.date, d.duration, d.anchor, d.frequency)


# (source file, quote from it, reference date, expected deadlines in order)
CASES = [
    ("seeds/000_8f12a50087b0eed3.txt", "今年10月10日前、2022年1月10日前,市政务公开办将对照", REF_2021,
     [A("今年10月10日前", "2021-10-10"), A("2022年1月10日前", "2022-01-10")]),
    ("seeds/000_8f12a50087b0eed3.txt", "明确任务、分工和完成时限,并按季度梳理工作台账", REF_2021,
     [F("按季度", "quarterly")]),
    ("seeds/000_8f12a50087b0eed3.txt", "二是主动公开的文件,必须在办理完成后的20 个工作日内在局门户网站挂网公开", REF_2021,
     [R("20 个工作日内", 20, "workday", "办理完成后")]),
    ("seeds/000_8f12a50087b0eed3.txt", "推进部门规范性文件统一公开,2021年底前通过政府网站", REF_2021,
     [A("2021年底前", "2021-12-31")]),
    ("seeds/000_8f12a50087b0eed3.txt", "各区政府主要负责同志每年至少听取1次政务公开工作汇报", REF_2021,
     [F("每年至少听取1次", "yearly")]),
    ("seeds/000_8f12a50087b0eed3.txt", "市政务公开办将对照市的分工方案逐项阅评各责任单位第三、第四季度各项目的推进落实情况", REF_2021, []),
    ("seeds/000_8f12a50087b0eed3.txt", "紧扣“十四五”开好局起好步深化政务公开", REF_2021, []),
    ("seeds/000_8f12a50087b0eed3.txt", "为企业和群众提供“一号答”", REF_2021, []),
    ("seeds/001_d83b70daa609b1f7.txt", "各部门单位请于12月5日前将落实情况", datetime.date(2019, 6, 1),
     [A("12月5日前", "2019-12-05")]),
    ("seeds/001_d83b70daa609b1f7.txt", "规范性文件网上公布后3个工作日内,解读材料要进行关联公开", None,
     [R("3个工作日内", 3, "workday", "规范性文件网上公布后")]),
    ("seeds/001_d83b70daa609b1f7.txt", "开展每月全覆盖检查、季度抽查以及年度考评工作", None, [F("每月", "monthly")]),
    ("seeds/001_d83b70daa609b1f7.txt", "各部门主要负责人年内听取政务公开情况汇报", datetime.date(2019, 6, 1),
     [A("年内", "2019-12-31")]),
    ("seeds/001_d83b70daa609b1f7.txt", "各部门主要负责人年内听取政务公开情况汇报", None, [A("年内", None)]),
    ("seeds/003_ad4744f501b6ea9b.txt", "原则上与政策解读文件同步在局网站发布,最迟不超过3个工作日。", None,
     [R("最迟不超过3个工作日", 3, "workday")]),
    ("seeds/003_ad4744f501b6ea9b.txt", "遇有重大突发舆情事件,最迟在5小时内发布权威信息,24小时内举行新闻发布会", None,
     [R("最迟在5小时内", 5, "hour", "重大突发舆情事件"), R("24小时内", 24, "hour", "重大突发舆情事件")]),
    ("seeds/003_ad4744f501b6ea9b.txt", "办事条件发生变化的事项,在完成审批程序后1个工作日内公开变更后的相关信息", None,
     [R("1个工作日内", 1, "workday", "完成审批程序后")]),
    ("pingtan/10224.txt", ("要结合实际制定具体实", "过OA内部邮箱报区办"), datetime.date(2018, 6, 29),
     [A("6月30日前", "2018-06-30")]),
    ("pingtan/10224.txt", "“第一解读人”职责，每年至少1次通过在线访谈", None, [F("每年至少1次", "yearly")]),
    ("pingtan/10224.txt", "在2个工作日内对转办的投诉问题进行处理", None, [R("2个工作日内", 2, "workday")]),
    ("pingtan/10224.txt", "各乡镇人民政府2018年10月底前编制完成", None, [A("2018年10月底前", "2018-10-31")]),
    ("pingtan/10224.txt", "公众参与等要求，年底前各部门要通过政府网站", datetime.date(2018, 6, 29),
     [A("年底前", "2018-12-31")]),
    ("pingtan/10224.txt", "《中华人民共和国政府信息公开条例》实施10周年", None, []),
    ("pingtan/23553.txt", "目录于2020年8月31日前报送区办", None, [A("2020年8月31日前", "2020-08-31")]),
    ("pingtan/23553.txt", ("各片区管理局、区直各单位要对照于", "本级政务公开标准目录"), None,
     [A("2022年上半年", "2022-06-30")]),
    # A flattened table: the next row's number follows 前.
    ("pingtan/23555.txt", "区司法办2020年12月底前2建立专题专栏", None, [A("2020年12月底前", "2020-12-31")]),
    ("pingtan/23677.txt", "（一）到2020年12月底前,对照福建省", None, [A("到2020年12月底前", "2020-12-31")]),
    ("pingtan/23677.txt", "（三）到2022年底前，全面修订完善", None, [A("到2022年底前", "2022-12-31")]),
    ("pingtan/80957.txt", "于政策文件公布后的5个工作日内对政策文件作出解读", None,
     [R("5个工作日内", 5, "workday", "政策文件公布后")]),
    ("pingtan/80957.txt", "各部门在每年1月10日、7月10日前向省政府办公厅", None,
     [F("每年1月10日、7月10日前", "yearly")]),
    ("pingtan/80958.txt", "（三）工作目标。到2020年，政务公开工作总体迈上新台阶", None, [A("到2020年", "2020-12-31")]),
    ("pingtan/80958.txt", "力争3年内将全国从事政务公开工作人员轮训一遍", None, [R("3年内", 36, "month")]),
    ("pingtan/80959.txt", "主要负责同志年内至少听取一次政务公开工作汇报", REF_2016, [A("年内", "2016-12-31")]),
    ("pingtan/80959.txt", ("前三季度、全年工作要", "日前报送省政府办公厅"), REF_2016,
     [A("9月21日", "2016-09-21"), A("12月9日前", "2016-12-09")]),
    ("pingtan/80959.txt", "自2016年起地级以上城市人民政府每季度应向社会公开", REF_2016, [F("每季度", "quarterly")]),
    ("pingtan/80959.txt", ("相关解读材料应于文件", "在政府网站和媒体发布"), None,
     [R("3个工作日内", 3, "workday", "文件公开后")]),
    ("pingtan/80959.txt", ("特别重大、重大突发事", "小时内举行新闻发布会"), None,
     [R("24小时内", 24, "hour", "特别重大、重大突发事件发生后")]),
    ("pingtan/80961.txt", "2018年前建成省级和设区市统一的政府网站技术平台", None, [A("2018年前", "2018-12-31")]),
    ("pingtan/80962.txt", "按月度、季度组织召开国民经济运行情况新闻发布会", None, [F("按月度、季度", "monthly")]),
    ("pingtan/80962.txt", "每周发布省内农产品批发市场价格信息", None, [F("每周", "weekly")]),
    ("pingtan/80962.txt", ("平潭综合实验区严格执", "小时内举行新闻发布会"), None,
     [R("最迟5小时内", 5, "hour", "特别重大、重大突发事件"), R("24小时内", 24, "hour", "特别重大、重大突发事件")]),
    ("pingtan/80962.txt", ("全年落实情况于201", "将按季度督查落实情况"), None,
     [A("2017年12月8日前", "2017-12-08"), F("按季度", "quarterly")]),
    ("pingtan/80962.txt", "按月公开全省财政收支情况", None, [F("按月", "monthly")]),
    ("pingtan/80963.txt", "自政府信息形成或变更之日起20个工作日内予以公开", None,
     [R("20个工作日内", 20, "workday", "政府信息形成或变更之日")]),
    ("pingtan/80963.txt", ("行政许可、行政处罚事", "7个工作日内上网公开"), None,
     [R("7个工作日内", 7, "workday", "作出行政决定之日")]),
    ("pingtan/80967.txt", "（互联网协议第6版）改造工作", None, []),
    ("pingtan/80968.txt", "应当在每年1月31日前向本级政府信息公开工作主管部门", None, [F("每年1月31日前", "yearly")]),
    ("pingtan/80968.txt", ("修订后的《中华人民共", "年5月15日起施行。"), None, []),
    # A yearly cycle announced late in the year: the next year's 2月20日.
    ("pingtan/80968.txt", "信息公开工作年度报告，于2月20日前向上一级", datetime.date(2019, 11, 23),
     [A("2月20日前", "2020-02-20")]),
    ("pingtan/80968.txt", "避免年底突击开展工作", None, []),
    ("pingtan/80970.txt", "发布时间: 2021-08-19 09:22", None, []),
    ("pingtan/80970.txt", ("7月底前提出政府网站", "0月底前完成提升工作"), datetime.date(2021, 8, 18),
     [A("7月底前", "2021-07-31"), A("10月底前", "2021-10-31")]),
    ("pingtan/80970.txt", "为企业和群众提供“一号答”“一站式”的政策咨", None, []),
    ("pingtan/80970.txt", "每日发布我区新冠肺炎疫情防控情况", None, []),
    ("pingtan/80970.txt", "省办政务公开要点要求，7月底前提出", None, [A("7月底前", None)]),
    ("pingtan/23553.txt", "区档案馆、图书馆要定期对政府信息送交情况进行检查", None, []),
]


@pytest.mark.parametrize("source,quote,reference,expected", CASES, ids=[(c[1] if isinstance(c[1], str) else c[1][0])[:24] for c in CASES])
def test_notice_phrases(source: str, quote, reference: datetime.date | None, expected: list[tuple]) -> None:
    quote = passage(source, quote)
    found = find_deadlines(quote, reference)
    assert [_as_tuple(d) for d in found] == expected
    for d in found:
        assert quote[d.start:d.end] == d.text


# Shapes the brief names that the notices do not print exactly this way.
SHAPES = [
    ("2021 年底前完成", [A("2021 年底前", "2021-12-31")]),
    ("二〇二一年底前完成", [A("二〇二一年底前", "2021-12-31")]),
    ("十二月五日前报送", [A("十二月五日前", "2021-12-05")]),
    ("十二月底前报送", [A("十二月底前", "2021-12-31")]),
    ("于2020年8月31日前报送", [A("2020年8月31日前", "2020-08-31")]),
    ("第三季度前完成", [A("第三季度前", "2021-09-30")]),
    ("于下半年完成", [A("下半年", "2021-12-31")]),
    ("月底前报送", [A("月底前", "2021-07-31")]),
    ("请于x月xx日前报送", [A("x月xx日前", None)]),
    ("请于X月XX日前报送", [A("X月XX日前", None)]),
    ("3个月内完成", [R("3个月内", 3, "month")]),
    ("15日内答复", [R("15日内", 15, "day")]),
    ("两周内答复", [R("两周内", 14, "day")]),
    ("半年内完成", [R("半年内", 6, "month")]),
    ("应在三个工作日内公开", [R("三个工作日内", 3, "workday")]),
    ("每月10日前报送", [F("每月10日前", "monthly")]),
    ("每年年底前报送", [F("每年年底前", "yearly")]),
    ("今年年底前完成", [A("今年年底前", "2021-12-31")]),
    ("明年6月底前完成", [A("明年6月底前", "2022-06-30")]),
    ("不迟于2021年9月30日报送", [A("不迟于2021年9月30日", "2021-09-30")]),
    ("2021年内完成", [A("2021年内", "2021-12-31")]),
    ("一九五八年内建成", [A("一九五八年内", "1958-12-31")]),
    ("审批后不超过5个工作日", [R("不超过5个工作日", 5, "workday", "审批后")]),
    ("每年一次性补贴", [F("每年", "yearly")]),  # 一次性 is no count
    ("10月中旬前报送", [A("10月中旬前", "2021-10-20")]),
    ("按季公布", [F("按季", "quarterly")]),
    ("每个季度至少召开1次", [F("每个季度至少召开1次", "quarterly")]),
]


@pytest.mark.parametrize("text,expected", SHAPES)
def test_shapes(text: str, expected: list[tuple]) -> None:
    assert [_as_tuple(d) for d in find_deadlines(text, REF_2021)] == expected


NOT_DEADLINES = [
    "穗应急〔2021〕22号",  # the year inside a document number (SPEC.md)
    "国办发〔2021〕12号",
    "为企业和群众提供“一号答”",
    "编制“十四五”规划和五年规划纲要",
    "截至22号",
    "互联网协议第6版",
    "实施10周年",
    "2019年5月15日起施行",
    "自2016年起",
    "2021-07-20 09:22",
    "纳入2020年绩效管理",
    "前三季度经济增长",
    "2018年前三季度",
    "去年底，全国共有",
    "达到2020年的水平",
    "从2018年到2020年，",
    "今年1到10月",
    "定期公开",
    "每日发布",
    "每半年报告",
    "平均每年递增百分之四",
    "每人每年50元",
    "3个工作日",  # a duration with no 内 and no 不超过
    "24小时在线服务",
    "及时公开，第一时间发布",
    "今年政府信息公开工作任务重",
    "2021年内容",
    "两三年内",
    "在今后若干年内",
]


@pytest.mark.parametrize("text", NOT_DEADLINES)
def test_not_deadlines(text: str) -> None:
    assert find_deadlines(text, REF_2021) == []


GOLD = list(gold_records().values())


def _reference(notice: dict, text: str) -> datetime.date | None:
    """The notice's 成文日期, else its publication date (GUIDELINES: the notice's own year)."""
    if notice["document"].get("date"):
        return datetime.date.fromisoformat(notice["document"]["date"])
    m = re.search(r"发布时间: (\d{4})-(\d\d)-(\d\d)", text)
    return datetime.date(*map(int, m.groups())) if m else None


@pytest.mark.parametrize("notice", GOLD, ids=[n["id"] for n in GOLD])
def test_gold_notices(notice: dict) -> None:
    """Every deadline of each hand-annotated notice's content, exactly (span and value)."""
    text = notice_text(notice["id"])
    c0, c1 = notice["content"]
    found = find_deadlines(text[c0:c1], _reference(notice, text))
    got = [(d.start + c0, d.end + c0, *_as_tuple(d)) for d in found]
    expected = [(s["start"], s["end"], s["text"], s["kind"], s.get("date"), s.get("duration"), s.get("anchor"),
                 s.get("frequency")) for s in notice["spans"] if s["label"] == "DEADLINE"]
    assert got == expected


@pytest.mark.parametrize("phrase,reference,value", [
    ("2021年底前", None, DeadlineValue("absolute", date="2021-12-31")),
    ("2022年上半年", None, DeadlineValue("absolute", date="2022-06-30")),
    ("今年10月10日前", datetime.date(2020, 1, 1), DeadlineValue("absolute", date="2020-10-10")),
    ("今年10月10日前", None, DeadlineValue("absolute")),
    ("第三季度", REF_2021, DeadlineValue("absolute", date="2021-09-30")),
    ("年内", REF_2021, DeadlineValue("absolute", date="2021-12-31")),
    ("到2020年", None, DeadlineValue("absolute", date="2020-12-31")),
    ("2021年6月", None, DeadlineValue("absolute", date="2021-06-30")),  # a 完成时限 table cell
    ("2020年2月底前", None, DeadlineValue("absolute", date="2020-02-29")),
    ("x月xx日前", REF_2021, DeadlineValue("absolute")),
    ("最迟不超过3个工作日", None, DeadlineValue("relative", duration={"value": 3, "unit": "workday"})),
    ("20 个工作日内", None, DeadlineValue("relative", duration={"value": 20, "unit": "workday"})),
    ("二十四小时内", None, DeadlineValue("relative", duration={"value": 24, "unit": "hour"})),
    ("3年内", None, DeadlineValue("relative", duration={"value": 36, "unit": "month"})),
    ("每年至少1次", None, DeadlineValue("recurring", frequency="yearly")),
    ("按季度", None, DeadlineValue("recurring", frequency="quarterly")),
    ("每季度", None, DeadlineValue("recurring", frequency="quarterly")),
    ("每月", None, DeadlineValue("recurring", frequency="monthly")),
    ("每周", None, DeadlineValue("recurring", frequency="weekly")),
])
def test_parse_deadline(phrase: str, reference: datetime.date | None, value: DeadlineValue) -> None:
    assert parse_deadline(phrase, reference) == value


@pytest.mark.parametrize("phrase", [
    "", "定期", "每日", "一号答", "22号", "五年规划", "十四五", "2019年5月15日起", "自2016年起",
    "9月21日、12月9日前", "2月30日前", "13月底前", "第5季度", "1800年底前", "0个工作日内", "及时",
])
def test_parse_deadline_rejects(phrase: str) -> None:
    with pytest.raises(ValueError):
        parse_deadline(phrase, REF_2021)


def test_to_deadline() -> None:
    (d,) = find_deadlines("应于文件公开后3个工作日内发布")
    assert d.to_deadline(offset=100).to_dict() == {
        "text": "3个工作日内", "kind": "relative", "duration": {"value": 3, "unit": "workday"},
        "anchor": "文件公开后", "span": [107, 113]}


# --- properties ---

TIME_CHARS = "0123456789年月日前后内底末季度每按周时天小个工作上下半第今明xX、，。一二三四五六七八九十两到于在不超过起最迟事件遇有应"
texts = st.one_of(st.text(), st.text(alphabet=TIME_CHARS, max_size=60))


@settings(max_examples=400, deadline=None)
@given(texts, st.one_of(st.none(), st.dates(datetime.date(1950, 1, 1), datetime.date(2099, 12, 31))))
def test_find_deadlines_is_safe(text: str, reference: datetime.date | None) -> None:
    found = find_deadlines(text, reference)
    end = 0
    for d in found:
        assert end <= d.start < d.end <= len(text)
        assert text[d.start:d.end] == d.text
        assert d.kind in ("absolute", "relative", "recurring")
        if d.kind == "relative":
            assert d.duration["unit"] in ("hour", "day", "workday", "month") and d.duration["value"] > 0
        if d.kind == "recurring":
            assert d.frequency in ("yearly", "quarterly", "monthly", "weekly")
        if d.date is not None:
            datetime.date.fromisoformat(d.date)
        end = d.end


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=TIME_CHARS, max_size=60), st.dates(datetime.date(1950, 1, 1), datetime.date(2099, 12, 31)))
def test_matches_parse_alone(text: str, reference: datetime.date) -> None:
    """A found phrase parses on its own to the same value."""
    for d in find_deadlines(text, reference):
        value = parse_deadline(d.text, reference)
        assert (value.kind, value.date, value.duration, value.frequency) == (d.kind, d.date, d.duration, d.frequency)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="的工作要求各部门完成公开，。", max_size=20), st.dates(datetime.date(1950, 1, 1), datetime.date(2100, 12, 31)),
       st.text(alphabet="的工作要求各部门完成公开，。", max_size=20))
def test_embedded_date_is_found(before: str, day: datetime.date, after: str) -> None:
    phrase = f"{day.year}年{day.month}月{day.day}日前"
    text = f"{before}，{phrase}{after}"
    (d,) = find_deadlines(text)
    assert (d.text, d.date, d.start) == (phrase, day.isoformat(), len(before) + 1)
