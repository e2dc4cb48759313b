"""Property tests: parse never fails on odd input, and every span it reports is sound."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import policynlp
from policynlp.text.normalize import normalize

PIECES = [
    "一、", "二、", "（一）", "(二)", "1.", "2．", "3、", "（1）", "\n", "\n\n", "\t", " ", "　",
    "县府办牵头，", "各镇政府（街道办）负责", "市财政局", "区直有关单位，各乡镇人民政府", "配合",
    "2021年底前", "今年10月10日前、", "3个工作日内", "每年至少1次", "按季度", "x月xx日前",
    "闽政办〔2018〕43号", "《关于印发的通知》", "工作任务", "牵头单位", "责任单位", "工作要求",
    "推进政务公开。", "加强政策解读，", "發(fā)展",
    "广州市水务局办公室", "2021年7月20日", "附件：", "附件1", "特此通知。",
]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=40))
def test_parse_never_fails_and_spans_are_sound(pieces):
    text = "".join(pieces)
    if not text.strip():
        return
    doc = policynlp.parse(text)
    n = len(text)
    for item in doc.items:
        s, e = item.span
        assert 0 <= s <= e <= n
        assert normalize(text[s:e]).text == item.text
        for unit in item.units:
            us, ue = unit.span
            assert 0 <= us < ue <= n and unit.role in ("lead", "cooperate", "responsible")
    for d in doc.deadlines:
        assert d.kind in ("absolute", "relative", "recurring")
        assert 0 <= d.span[0] < d.span[1] <= n
    ids = [it.id for it in doc.items]
    assert len(ids) == len(set(ids))
    assert doc.to_dict()["schema"] == "policynlp.document/1"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES + ["ㄗ珨ㄘ", "\ufffd", "涓�銆�", "\x00", "<p>", "</td>", "&amp;"]), min_size=1, max_size=30))
def test_garbled_input_never_fails(pieces):
    """Repairs and markup depend on context (a garbled run is only an enumerator at a line
    start, `&amp;` only an entity in a page), so only soundness of offsets is asserted here."""
    text = "".join(pieces)
    if not text.strip():
        return
    doc = policynlp.parse(text)
    for item in doc.items:
        assert 0 <= item.span[0] <= item.span[1] <= len(text)


def test_a_table_whose_unit_column_comes_first_parses():
    """Found by the property above: a header row 牵头单位 | 工作任务 has no text column before the units."""
    text = "牵头单位工作任务一、1.一、一、县府办牵头，"
    doc = policynlp.parse(text)
    assert all(0 <= it.span[0] <= it.span[1] <= len(text) for it in doc.items)
