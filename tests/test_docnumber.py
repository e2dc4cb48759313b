"""Document numbers and cited documents: real numbers from corpora/notices, edge shapes, properties."""
from __future__ import annotations


import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import corpus_file, gold_records, notice_text, passage

from policynlp.entities.docnumber import (
    _CODE_HEADS,
    _WEAK_HEADS,
    find_cited_documents,
    find_doc_numbers,
    own_doc_number,
    parse_doc_number,
)

def _read(source: str) -> str:
    return corpus_file(source).read_text(encoding="utf-8")


# (source file, quote from it, expected (text, issuer_code, year, serial) in order)
CASES = [
    ("pingtan/2528.txt", ("现提出以下意见，请认", "府信息公开工作任务重"), []),
    ("pingtan/2528.txt", ("各级各部门要认真学习", "012〕99号文要求"),
     [("闽政办〔2012〕99号", "闽政办", 2012, 99)]),
    ("pingtan/2528.txt", "已由省政府办公厅以闽政办〔2012〕99号文转发",
     [("闽政办〔2012〕99号", "闽政办", 2012, 99)]),
    ("pingtan/80962.txt", ("福建省人民政府办公厅", "市、县（区）人民政府"),
     [("闽政办〔2017〕45号", "闽政办", 2017, 45)]),
    ("seeds/000_8f12a50087b0eed3.txt", "分工方案的通知》(穗府办函〔2021〕47号)的工作要求",
     [("穗府办函〔2021〕47号", "穗府办函", 2021, 47)]),
    ("seeds/000_8f12a50087b0eed3.txt", "年度报告有关事项的通知》(国办公开办函〔2019〕60号)文件要求",
     [("国办公开办函〔2019〕60号", "国办公开办函", 2019, 60)]),
    ("pingtan/10224.txt", ("微信 微博 QQ空间", "合实验区管委会办公室"),
     [("岚综管办便函〔2018〕75号", "岚综管办便函", 2018, 75)]),
    ("pingtan/10224.txt", "政府网站发展指引的通知》（闽政办〔2017〕65 号）",
     [("闽政办〔2017〕65 号", "闽政办", 2017, 65)]),
    ("pingtan/10224.txt", "工作方案的通知》（闽政〔2016〕66号）", [("闽政〔2016〕66号", "闽政", 2016, 66)]),
    ("pingtan/80961.txt", "全面推进政务公开工作的意见》（中办发〔2016〕8号）",
     [("中办发〔2016〕8号", "中办发", 2016, 8)]),
    ("seeds/003_ad4744f501b6ea9b.txt", "“互联网+政务服务”工作的指导意见》(国发〔2016〕55号)",
     [("国发〔2016〕55号", "国发", 2016, 55)]),
    ("seeds/001_d83b70daa609b1f7.txt", "在线访谈工作方案》(肇府办函〔2019〕103号)",
     [("肇府办函〔2019〕103号", "肇府办函", 2019, 103)]),
    ("pingtan/80970.txt", "收缴管理有关事项的通知》（闽财非税函〔2021〕1号）",
     [("闽财非税函〔2021〕1号", "闽财非税函", 2021, 1)]),
    ("pingtan/63748.txt", "工作任务实施方案》的通知 岚财金2017.135号 来源",
     [("岚财金2017.135号", "岚财金", 2017, 135)]),
    ("pingtan/23553.txt", ("（国办发〔2019〕", "〔2020〕26号）"),
     [("国办发〔2019〕54号", "国办发", 2019, 54), ("闽政办〔2020〕26号", "闽政办", 2020, 26)]),
    ("pingtan/23553.txt", "《中华人民共和国政府信息公开条例》（国务院令第711号）", []),  # an order number, no year
    ("pingtan/80970.txt", "发布时间: 2021-08-19 09:22", []),
    ("pingtan/80967.txt", "其他政务热线实现“一号对外”", []),
]


@pytest.mark.parametrize("source,quote,expected", CASES, ids=[(c[1] if isinstance(c[1], str) else c[1][0])[:20] for c in CASES])
def test_notice_numbers(source: str, quote, expected: list[tuple]) -> None:
    quote = passage(source, quote)
    found = find_doc_numbers(quote)
    assert [(d.text, d.issuer_code, d.year, d.serial) for d in found] == expected
    for d in found:
        assert quote[d.start:d.end] == d.text


SHAPES = [
    ("穗府办〔xxxx〕xx号", ("穗府办〔xxxx〕xx号", "穗府办", None, None)),
    ("见穗府办〔XXXX〕X号", ("穗府办〔XXXX〕X号", "穗府办", None, None)),
    ("粤府[2019]3号", ("粤府[2019]3号", "粤府", 2019, 3)),
    ("粤府【2019】3号", ("粤府【2019】3号", "粤府", 2019, 3)),
    ("粤府(2019)3号", ("粤府(2019)3号", "粤府", 2019, 3)),
    ("粤府（2019）3號", ("粤府（2019）3號", "粤府", 2019, 3)),
    ("粤府［2019］3号", ("粤府［2019］3号", "粤府", 2019, 3)),
    ("闽政办 〔 2017 〕 65 号", ("闽政办 〔 2017 〕 65 号", "闽政办", 2017, 65)),
    ("国办发〔2019〕第5号", ("国办发〔2019〕第5号", "国办发", 2019, 5)),
    ("根据人社部发〔2019〕1号", ("人社部发〔2019〕1号", "人社部发", 2019, 1)),
    ("人社厅发〔2019〕12号", ("人社厅发〔2019〕12号", "人社厅发", 2019, 12)),
    ("省政府办公厅闽政办〔2017〕1号", ("闽政办〔2017〕1号", "闽政办", 2017, 1)),
    ("关于印发的函闽政办函〔2019〕3号", ("闽政办函〔2019〕3号", "闽政办函", 2019, 3)),
    ("平潭综合实验区岚综管办〔2020〕80号", ("岚综管办〔2020〕80号", "岚综管办", 2020, 80)),
    ("闽经信法规〔2018〕5号", ("闽经信法规〔2018〕5号", "闽经信法规", 2018, 5)),
    ("按照县府办〔2019〕1号", ("县府办〔2019〕1号", "县府办", 2019, 1)),
]


@pytest.mark.parametrize("text,expected", SHAPES)
def test_shapes(text: str, expected: tuple) -> None:
    (d,) = find_doc_numbers(text)
    assert (d.text, d.issuer_code, d.year, d.serial) == expected


@pytest.mark.parametrize("text", [
    "国办发〔1234〕5号",  # year out of 1949–2100
    "某〔2019〕5号",  # a one-character code
    "〔2021〕",
    "2019年第3号",
    "22号",
    "一号答",
    "（2021）",
    "第6版",
])
def test_not_numbers(text: str) -> None:
    assert find_doc_numbers(text) == []


def test_parse_doc_number() -> None:
    assert parse_doc_number(" 国发〔2016〕55号 ") == ("国发", 2016, 55)
    assert parse_doc_number("岚财金2017.135号") == ("岚财金", 2017, 135)
    assert parse_doc_number("穗府办〔xxxx〕xx号") == ("穗府办", None, None)


@pytest.mark.parametrize("text", ["按照国发〔2016〕55号", "国发〔2016〕55号、国发〔2016〕56号", "国发", "", "〔2016〕55号"])
def test_parse_doc_number_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_doc_number(text)


def test_to_doc_number() -> None:
    (d,) = find_doc_numbers("根据国发〔2016〕55号")
    assert d.to_doc_number(offset=10).to_dict() == {
        "text": "国发〔2016〕55号", "issuer_code": "国发", "year": 2016, "serial": 55, "span": [12, 23]}


GOLD = list(gold_records().values())


@pytest.mark.parametrize("notice", GOLD, ids=[n["id"] for n in GOLD])
def test_gold_notices(notice: dict) -> None:
    """Every number of each hand-annotated notice's content, and the notice's own."""
    c0, c1 = notice["content"]
    content = notice_text(notice["id"])[c0:c1]
    found = find_doc_numbers(content)
    assert [(d.start + c0, d.end + c0, d.text, d.issuer_code, d.year, d.serial) for d in found] == [
        (s["start"], s["end"], s["text"], s["issuer_code"], s["year"], s["serial"])
        for s in notice["spans"] if s["label"] == "DOC_NUMBER"]
    own = own_doc_number(content, found)
    assert (own.text if own else None) == notice["document"]["doc_number"]


def test_cited_documents_seed_000() -> None:
    """The hand-annotated cited documents of seed 000, in order."""
    text = _read("seeds/000_8f12a50087b0eed3.txt")
    cited = find_cited_documents(text, find_doc_numbers(text))
    assert [(c.title, c.doc_number.text if c.doc_number else None) for c in cited] == [
        ("广州市人民政府办公厅关于印发广州市2021年政务公开工作要点分工方案的通知", "穗府办函〔2021〕47号"),
        ("广州市水务局2021年政务公开工作要点分工方案", None),
        ("广东省政府系统政策解读工作细则(试行)", None),
        ("广州市政策文件解读工作实施办法", None),
        ("政府信息公开信息处理费管理办法", None),
        ("国务院办公厅政府信息与政务公开办公室关于政府信息公开年度报告有关事项的通知", "国办公开办函〔2019〕60号"),
    ]
    for c in cited:
        assert text[c.start:c.end] == c.title


def test_cited_with_alias_and_nested_title() -> None:
    # pingtan/23553.txt: nested <> kept, number before ",以下简称"
    quote = ("按照《平潭综合实验区管委会办公室关于印发<政府网站和政务新媒体管理暂行办法>的通知》"
             "（岚综管办〔2020〕16号,以下简称《通知》）有关要求")
    assert quote in _read("pingtan/23553.txt")
    (c,) = find_cited_documents(quote, find_doc_numbers(quote))
    assert c.title == "平潭综合实验区管委会办公室关于印发<政府网站和政务新媒体管理暂行办法>的通知"
    assert c.doc_number is not None and c.doc_number.text == "岚综管办〔2020〕16号"
    # pingtan/80963.txt: nested 〈〉
    quote = "《中共中央办公厅 国务院办公厅印发〈关于全面推进政务公开工作的意见〉的通知》"
    assert quote in _read("pingtan/80963.txt")
    (c,) = find_cited_documents(quote, [])
    assert c.title == quote[1:-1] and c.doc_number is None
    # the alias first, the number after it
    text = "《关于加快推进“互联网+政务服务”工作的指导意见》（以下简称《意见》，国发〔2016〕55号）和《意见》"
    (c,) = find_cited_documents(text, find_doc_numbers(text))
    assert c.doc_number is not None and c.doc_number.text == "国发〔2016〕55号"


def test_title_whose_open_bracket_was_lost() -> None:
    text = _read("seeds/001_d83b70daa609b1f7.txt")
    cited = find_cited_documents(text, find_doc_numbers(text))
    assert [(c.title, c.doc_number.text if c.doc_number else None) for c in cited] == [
        ("德庆县2019年政务公开工作要点分工方案", None),
        ("2019年市政府门户网站在线访谈工作方案", "肇府办函〔2019〕103号"),
    ]


def test_number_not_right_after_title_is_not_paired() -> None:
    text = "《国务院办公厅关于印发2012年政府信息公开重点工作安排的通知》已由省政府办公厅以闽政办〔2012〕99号文转发"
    (c,) = find_cited_documents(text, find_doc_numbers(text))
    assert c.doc_number is None


@pytest.mark.parametrize("source,title,own", [
    ("pingtan/80970.txt", "平潭综合实验区管委会办公室关于印发2021年全区政务公开工作主要任务分解表的通知 各片区", "岚综管办函〔2021〕39号"),
    ("pingtan/80962.txt", "福建省人民政府办公厅关于印发2017年政务公开工作主要任务分解表的通知闽政办", "闽政办〔2017〕45号"),
    ("pingtan/10224.txt", "平潭综合实验区管委会办公室关于印发2018年政务公开工作主要任务分解表的通知 区直", "岚综管办便函〔2018〕75号"),
    ("pingtan/2528.txt", "平潭综合实验区管委会办公室关于2012年政府信息公开重点工作安排的通知平潭县", None),
    ("seeds/000_8f12a50087b0eed3.txt", "广州市水务局办公室关于印发2021年政务公开工作要点分工方案的通知\n", None),
])
def test_own_doc_number(source: str, title: str, own: str | None) -> None:
    text = _read(source)
    body = text.index("==== 正文") if "==== 正文" in text else 0
    # `title` is quoted with what follows it; the title proper ends with 通知
    start = text.index(title, body)
    end = start + title.index("通知") + 2
    matches = find_doc_numbers(text)
    found = own_doc_number(text, matches, (start, end))
    assert (found.text if found else None) == own
    if own is not None:  # the notice's own number is also the first uncited one before the first 。
        assert own_doc_number(text, matches).text == own


def test_cited_number_is_never_own() -> None:
    text = "根据《关于…的通知》（国办发〔2018〕23号）\n严格按照闽政办〔2012〕99号文要求"
    assert own_doc_number(text, find_doc_numbers(text)) is None


# --- properties ---

STRONG_HEADS = sorted(_CODE_HEADS - _WEAK_HEADS)
CODE_TAIL = "政办发函综管便财金委字信经非税教卫"  # no character of a non-code word
STOP_WORDS = ["按照", "根据", "依据", "贯彻落实", "通知", "的", "以", "和", "及", "与", "》（", "（", "，", " "]
cjk = st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), max_size=15)


@settings(max_examples=300, deadline=None)
@given(cjk, st.sampled_from(STOP_WORDS), st.sampled_from(STRONG_HEADS),
       st.text(alphabet=CODE_TAIL, min_size=1, max_size=5), st.integers(1949, 2100),
       st.integers(1, 99999), st.text(max_size=10))
def test_embedded_number_is_found(before: str, stop: str, head: str, tail: str, year: int, serial: int,
                                  after: str) -> None:
    code = head + tail
    number = f"{code}〔{year}〕{serial}号"
    text = f"{before}{stop}{number}{after}"
    found = [d for d in find_doc_numbers(text) if d.start >= len(before + stop)]
    assert [(d.start, d.text, d.issuer_code, d.year, d.serial) for d in found][:1] == [
        (len(before + stop), number, code, year, serial)]


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(), st.text(alphabet="〔〕[]【】()（）0123456789xX号號.第 国发闽政办以按照的通知《》简称以下，", max_size=60)))
def test_find_is_safe(text: str) -> None:
    numbers = find_doc_numbers(text)
    end = 0
    for d in numbers:
        assert end <= d.start < d.end <= len(text)
        assert text[d.start:d.end] == d.text
        assert text[d.start:].startswith(d.issuer_code) and len(d.issuer_code) >= 2
        assert d.year is None or 1949 <= d.year <= 2100
        end = d.end
    for c in find_cited_documents(text, numbers):
        assert text[c.start:c.end] == c.title
        assert c.doc_number is None or c.doc_number in numbers
    own = own_doc_number(text, numbers)
    assert own is None or own in numbers
