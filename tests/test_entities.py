"""Units with roles, deadlines, document numbers and verbs on the annotated notices (issue 3)."""
from __future__ import annotations

import pytest

from conftest import gold_notices, parsed
from policynlp.entities.verbs import task_verbs, verb_class


def _gold_units(notice_id: str, item_id: str, inherited: bool | None = None):
    item = next(it for it in gold_notices()[notice_id].items if it.id == item_id)
    return [
        (u.start, u.end, u.role, u.column)
        for u in item.units
        if u.role != "mention" and (inherited is None or u.inherited == inherited)
    ]


def test_seed_000_both_unit_columns_with_roles():
    doc = parsed("000_8f12a50087b0eed3")
    assert len(doc.items) == 31
    for item in doc.items:
        got = sorted((u.span[0], u.span[1], u.role, u.column) for u in item.units if u.column)
        want = sorted(u for u in _gold_units("000_8f12a50087b0eed3", item.id) if u[3])
        assert got == want, item.id
    columns = {u.column for it in doc.items for u in it.units}
    assert {"市里落实单位", "局内负责处室"} <= columns
    item = doc.item("2.2.10")
    assert [(u.name, u.role) for u in item.units if u.column == "局内负责处室"] == [
        ("办公室", "responsible"), ("法规处", "responsible"), ("局进驻窗口", "responsible")]
    assert any(u.inherited and u.name == "市财政局" and u.role == "lead" for u in doc.item("1.2.4").units)


def test_seed_001_explicit_unit_cells():
    doc = parsed("001_d83b70daa609b1f7")
    for item in doc.items:
        got = sorted((u.span[0], u.span[1], u.role) for u in item.units if u.column and not u.inherited)
        want = sorted(u[:3] for u in _gold_units("001_d83b70daa609b1f7", item.id, inherited=False) if u[3])
        assert got == want, item.id
    roles = {u.name: u.role for u in doc.item("1.2.8").units}
    assert roles["县财政局（县金融局）"] == "lead" and roles["各镇政府（街道办）"] == "responsible"


def test_seed_deadlines():
    d000 = parsed("000_8f12a50087b0eed3")
    assert [d.date for d in d000.item("3.1.17").deadlines] == ["2021-12-31"]
    assert [d.date for d in d000.item("3.2.20").deadlines] == ["2021-12-31"]
    cover = [d.date for d in d000.deadlines if d.kind == "absolute"][:2]
    assert cover == ["2021-10-10", "2022-01-10"]
    assert "2019-12-05" in [d.date for d in parsed("001_d83b70daa609b1f7").deadlines]
    relative = next(d for d in d000.deadlines if d.kind == "relative")
    assert relative.duration == {"value": 20, "unit": "workday"} and relative.text == "20个工作日内"


def test_document_numbers_and_citations():
    doc = parsed("pingtan-10224")
    assert doc.doc_number is not None and doc.doc_number.text == "岚综管办便函〔2018〕75号"
    cited = {c.title: c.doc_number.text if c.doc_number else None for c in doc.cited_documents}
    assert cited["福建省人民政府办公厅关于印发2018年政务公开工作主要任务分解表的通知"] == "闽政办〔2018〕43号"
    numbers = [d.text for d in parsed("pingtan-2528").doc_numbers]
    assert "闽政办〔2012〕99号" in numbers and all(not n.startswith("以") for n in numbers)


@pytest.fixture(scope="module")
def scores():
    import policynlp
    from policynlp.learning.evaluation import evaluate_notices

    return evaluate_notices(list(gold_notices().values()), policynlp.load())


@pytest.mark.parametrize("field", ["units", "deadlines", "doc_numbers"])
def test_f1_on_annotated_notices(scores, field):
    assert scores["all"][field]["f"] >= 0.97, scores["all"][field]


@pytest.mark.parametrize("notice_id", ["pingtan-80959", "pingtan-80962", "pingtan-80965", "pingtan-80967",
                                       "pingtan-10224", "pingtan-80970", "pingtan-80913"])
def test_f1_on_each_pingtan_table(scores, notice_id):
    for field in ("units", "deadlines", "doc_numbers"):
        s = scores["per_notice"][notice_id][field]
        # A notice with no gold and no prediction for a field scores nothing either way.
        if s["p"] or s["r"]:
            assert s["f"] >= 0.93, (notice_id, field, s)


def test_task_verbs_and_classes():
    verbs = task_verbs("建立健全政务新媒体清单管理机制，实行动态更新，及时公开并做好政策解读")
    assert verbs[:2] == ["建立", "健全"] and "公开" in verbs and "解读" in verbs
    assert verb_class("公开") == "disclose" and verb_class("解读") == "interpret"
    assert "做好" not in verbs
