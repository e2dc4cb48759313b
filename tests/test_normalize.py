"""Normalisation: encodings, HTML, script, glosses, garbled numbering, and the offset map."""
from __future__ import annotations

import opencc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import policynlp
from conftest import notice_text, parsed
from policynlp.errors import InputError
from policynlp.text.normalize import normalize
from policynlp.text.decode import decode

SEED_000 = "000_8f12a50087b0eed3"
SEED_001 = "001_d83b70daa609b1f7"


def _plain(text: str) -> str:
    # Characters GBK cannot encode (NBSP) are not what the encoding tests are about.
    return text.replace("\xa0", " ")


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig"])
def test_encodings_decode_to_the_same_text(encoding):
    text = _plain(notice_text(SEED_000))
    decoded, _ = decode(text.encode(encoding))
    assert decoded == text


def test_big5_traditional_notice_parses_like_the_simplified_one():
    text = _plain(notice_text(SEED_001))
    traditional = opencc.OpenCC("s2t").convert(text)
    decoded, encoding = decode(traditional.encode("big5", errors="replace"))
    assert encoding == "big5"
    doc = policynlp.parse(decoded)
    simplified = parsed(SEED_001)
    assert [it.id for it in doc.items] == [it.id for it in simplified.items]
    assert doc.date == "2019-08-06"


def test_crlf_keeps_offsets_into_the_original():
    text = notice_text(SEED_000).replace("\n", "\r\n")
    doc = policynlp.parse(text)
    assert len(doc.items) == 31
    for item in doc.items:
        assert normalize(text[item.span[0] : item.span[1]]).text == item.text


def test_pinyin_glosses_are_dropped():
    assert normalize("推動經濟發(fā)展(zhǎn)和政府和社會資本合作(PPP)").text == "推动经济发展和政府和社会资本合作（PPP）"


def test_traditional_notice_with_glosses():
    text = notice_text(SEED_000)
    traditional = opencc.OpenCC("s2t").convert(text).replace("發展", "發(fā)展").replace("規劃", "規(guī)劃")
    doc = policynlp.parse(traditional)
    simplified = parsed(SEED_000)
    assert [it.text for it in doc.items] == [it.text for it in simplified.items]
    assert [[u.name for u in it.units] for it in doc.items] == [[u.name for u in it.units] for it in simplified.items]


def _garble(text: str, heading: str, shown: str, really: str) -> str:
    return text.replace(heading, heading.encode(really).decode(shown, errors="replace"))


@pytest.mark.parametrize("shown,really", [("big5", "gbk"), ("gbk", "utf-8")])
def test_garbled_enumerators_are_recovered(shown, really):
    text = notice_text(SEED_001)
    garbled = text
    for n in "一二三四":
        garbled = _garble(garbled, f"\n（{n}）".replace("（", "(").replace("）", ")"), shown, really)
        garbled = _garble(garbled, f"\n{n}、", shown, really)
    assert garbled != text
    doc = policynlp.parse(garbled)
    assert [it.id for it in doc.items] == [it.id for it in parsed(SEED_001).items]


def test_lost_numeral_recovered_from_siblings():
    text = "一、总体安排\n1.做好甲工作。\n\ufffd\ufffd、加强乙\n1.做好乙工作。\n三、落实丙\n1.做好丙工作。\n"
    doc = policynlp.parse(text)
    assert [it.id for it in doc.items] == ["1.1", "2.1", "3.1"]


def test_stray_spaces_in_dates_and_numbers():
    nt = normalize("于2021 年底前完成，2019年 8 月6日，20 个工作日内")
    assert nt.text == "于2021年底前完成，2019年8月6日，20个工作日内"


def test_html_page_with_a_table():
    rows = "".join(
        f"<tr><td>{n}.{task}</td><td>{unit}</td></tr>"
        for n, task, unit in [(1, "做好政策解读工作。", "县府办牵头，各镇政府负责"), (2, "加强舆情回应&amp;处置。", "县信访局")]
    )
    html = (
        "<html><head><title>x</title><script>var a=1;</script></head><body>"
        "<p>关于印发2019年政务公开工作要点分工方案的通知</p><p>各镇人民政府：</p><p>现印发给你们。</p>"
        "<p>德庆县人民政府办公室</p><p>2019年8月6日</p><p>2019年政务公开工作要点分工方案</p>"
        f"<table><tr><td>具体要求</td><td>牵头及责任单位</td></tr>{rows}</table></body></html>"
    )
    doc = policynlp.parse(html)
    assert [it.text for it in doc.items] == ["做好政策解读工作。", "加强舆情回应&处置。"]
    assert [u.name for u in doc.items[0].units] == ["县府办", "各镇政府"]
    s, e = doc.items[1].span
    assert html[s:e] == "加强舆情回应&amp;处置。"


def test_decode_rejects_empty_and_binary():
    with pytest.raises(InputError):
        decode(b"   \n")
    with pytest.raises(InputError):
        decode(b"\x89PNG\r\n\x1a\n\x00\x00\x00")


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("發展規劃（）()(fā) 2021年 8月6日\r\n\t一、1.政府局处，,;:　ＡＢ１２\u00a0")), max_size=80))
def test_offset_map_is_monotonic_and_in_bounds(text):
    nt = normalize(text)
    assert len(nt.starts) == len(nt.text) == len(nt.ends)
    previous = 0
    for i in range(len(nt.text)):
        s, e = nt.to_original(i, i + 1)
        assert 0 <= s <= e <= len(text)
        assert s >= previous or nt.starts[i] == nt.starts[i - 1]
        previous = s
    if nt.text:
        assert nt.to_original(0, len(nt.text))[1] <= len(text)
