"""Document structure on the real notices: the issue's acceptance, then every annotated notice."""
from __future__ import annotations

import pytest

from conftest import gold_notices, gold_records, notice_text, parsed
from policynlp.text.normalize import normalize


def _sections(doc):
    return {item.path[0] for item in doc.items if item.path}, {tuple(item.path[:2]) for item in doc.items if len(item.path) > 1}


def test_seed_000_water_bureau():
    doc = parsed("000_8f12a50087b0eed3")
    assert [it.number for it in doc.items] == [str(i) for i in range(1, 32)]
    sections, subsections = _sections(doc)
    assert len(sections) == 5 and len(subsections) == 11
    assert doc.title == "广州市水务局办公室关于印发2021年政务公开工作要点分工方案的通知"
    assert doc.issuer == "广州市水务局办公室"
    assert doc.date == "2021-07-20"
    assert doc.recipients == ["机关各处室", "局属各单位"]
    # The cover notice's 一、二、三、 are not items: the first item is the table's 1.
    assert doc.items[0].text.startswith("县级以上各级政府要主动公开")
    assert not any(it.text.startswith("要高度重视") for it in doc.items)


def test_seed_001_county():
    doc = parsed("001_d83b70daa609b1f7")
    assert [it.number for it in doc.items] == [str(i) for i in range(1, 69)]
    sections, subsections = _sections(doc)
    assert len(sections) == 5 and len(subsections) == 15
    assert doc.date == "2019-08-06"  # printed `2019年 8 月6日`
    assert doc.recipients == ["各镇人民政府", "德城街道办事处", "县政府各部门", "直属各单位"]
    assert doc.issuer == "德庆县人民政府办公室"


def test_seed_003_numbered_prose():
    doc = parsed("003_ad4744f501b6ea9b")
    assert [it.number for it in doc.items] == [str(i) for i in range(1, 8)]
    assert [it.path[-1] for it in doc.items] == ["（一）着力加强公开解读回应工作"] * 4 + ["（二）着力提升政务服务工作实效"] * 2 + [
        "（三）着力推进政务公开平台建设"
    ]
    assert {it.path[0] for it in doc.items} == {"三、工作要点及分工（详见附件）"}
    assert doc.title == "广州市城市更新局2018年政务公开工作实施方案"
    assert doc.issuer == "广州市城市更新局"


# Item counts established by reading each Pingtan task table (see corpora/annotations/src).
PINGTAN_TABLES = {
    "pingtan-80959": 66,  # Fujian 2016: 1–66
    "pingtan-80962": 60,  # Fujian 2017: 1–60
    "pingtan-80965": 42,  # Fujian 2018: 1–42
    "pingtan-80967": 17,  # Fujian 2019: 17 paragraph tasks, each with 责任单位
    "pingtan-10224": 40,  # Pingtan 2018: 1–42 without 35, 36
    "pingtan-80970": 36,  # Pingtan 2021: 1–37 without 28
    "pingtan-80913": 18,  # Pingtan 2022: 1–18
}


@pytest.mark.parametrize("notice_id", sorted(PINGTAN_TABLES))
def test_pingtan_table_items(notice_id):
    doc = parsed(notice_id)
    gold = gold_notices()[notice_id]
    assert len(doc.items) == PINGTAN_TABLES[notice_id] == len(gold.items)
    assert [it.id for it in doc.items] == [it.id for it in gold.items]
    assert [it.path for it in doc.items] == [[normalize(p).text for p in it.path] for it in gold.items]


@pytest.mark.parametrize("notice_id", sorted(PINGTAN_TABLES))
def test_pingtan_requirements_keep_to_their_row(notice_id):
    """No item's text swallows its unit cells or runs into the next item."""
    doc = parsed(notice_id)
    gold = gold_notices()[notice_id]
    cell_units = {it.id: [(u.start, u.end) for u in it.units if u.column and not u.inherited] for it in gold.items}
    starts = [it.span[0] for it in gold.items] + [len(gold.text)]
    for item, nxt_start in zip(doc.items, starts[1:]):
        s, e = item.span
        assert e <= nxt_start, (item.id, item.text[-20:])
        for us, ue in cell_units[item.id]:
            assert not (s <= us and ue <= e), (item.id, gold.text[us:ue])


def _annotated_with_items():
    return sorted(k for k, r in gold_records().items() if r["items"])


@pytest.mark.parametrize("notice_id", _annotated_with_items())
def test_items_match_annotations(notice_id):
    """Ids and paths equal the gold of every annotated notice."""
    doc = parsed(notice_id)
    gold = gold_notices()[notice_id]
    assert [it.id for it in doc.items] == [it.id for it in gold.items]
    assert [it.path for it in doc.items] == [[normalize(p).text for p in it.path] for it in gold.items]


def test_item_texts_mostly_exact():
    """Item text spans equal the annotated ones on ≥ 95% of items over the corpus."""
    total = exact = 0
    for notice_id in _annotated_with_items():
        doc = parsed(notice_id)
        gold = {it.id: it for it in gold_notices()[notice_id].items}
        for item in doc.items:
            total += 1
            exact += item.id in gold and tuple(item.span) == tuple(gold[item.id].span)
    assert exact / total >= 0.95, f"{exact}/{total}"


@pytest.mark.parametrize("notice_id", _annotated_with_items())
def test_spans_point_into_the_original(notice_id):
    original = notice_text(notice_id)
    doc = parsed(notice_id)
    for item in doc.items:
        s, e = item.span
        assert normalize(original[s:e]).text == item.text
        for unit in item.units:
            assert normalize(original[unit.span[0] : unit.span[1]]).text == unit.name
    for d in doc.deadlines + doc.doc_numbers:
        assert normalize(original[d.span[0] : d.span[1]]).text == d.text


def test_ids_are_deterministic():
    import policynlp

    text = notice_text("pingtan-10224")
    first = [it.id for it in policynlp.parse(text).items]
    assert first == [it.id for it in policynlp.parse(text).items]


def _tab_led(text: str) -> str:
    """Seed 001's table re-exported as tab-led cells: one cell per line, a blank line between
    rows, `\\t` alone for an empty cell (the merged 工作任务 cell, or a merged unit cell)."""
    import re

    head, _, table = text.partition("工作任务")
    lines = [ln.strip() for ln in table.splitlines() if ln.strip()]
    rows: list[list[str]] = [["工作任务", "具体要求", "牵头及责任单位"]]
    for ln in lines[2:]:
        if re.match(r"^[一二三四五]、|^\([一二三四]\)", ln):
            rows.append([ln])
        elif re.match(r"^\d+", ln):
            rows.append(["", ln, ""])
        elif rows[-1][-1] == "" and len(rows[-1]) == 3:
            rows[-1][-1] = ln
    body = "\n\n".join("\n".join("\t" + cell for cell in row) for row in rows)
    return head + body + "\n"


def test_tab_led_table_layout():
    import policynlp

    original = parsed("001_d83b70daa609b1f7")
    text = _tab_led(notice_text("001_d83b70daa609b1f7"))
    assert "\n\t\n" in text  # empty merged cells are there
    doc = policynlp.parse(text)
    assert [it.id for it in doc.items] == [it.id for it in original.items]
    assert [[(u.name, u.role, u.inherited) for u in it.units] for it in doc.items] == [
        [(u.name, u.role, u.inherited) for u in it.units] for it in original.items
    ]
