"""Unit names where flattened cells and prose run them into their neighbours.

Every case is a passage of a bundled notice, read with a matcher that knows only
the other notices' names (as for a notice the model has never seen), or run
through the default pipeline.
"""
from __future__ import annotations

import pytest
from conftest import gold_notices, notice_text, parsed


def _matcher_without(notice_id: str):
    from policynlp.entities.lexicon import UnitMatcher
    from policynlp.learning.training import unit_names

    return UnitMatcher(tuple(unit_names([n for i, n in gold_notices().items() if i != notice_id])))


@pytest.mark.parametrize(
    "notice_id, passage, names",
    [
        # a role cue inside a run: 省公安厅 leads, the others cooperate
        ("pingtan-80959", "省公安厅会同省人社厅、卫计委、教育厅", ["省公安厅", "省人社厅", "卫计委", "教育厅"]),
        # a known name keeps its alias, and the known alias inside it is not a second name
        ("pingtan-80959", "省编办（省审改办）省直各部门", ["省编办（省审改办）", "省直各部门"]),
        ("pingtan-80959", "省农业厅（省委农办）省直各相关部门", ["省农业厅（省委农办）", "省直各相关部门"]),
        # a government holds no second government: the requirement starts after the first
        ("pingtan-10224", "区直有关单位，各乡镇人民政府构建完善政府网站", ["区直有关单位", "各乡镇人民政府"]),
        # 经 begins 经发局; the task title's 区 belongs to the unit
        ("pingtan-10224", "政府信息公开区经发局、重点办", ["区经发局", "重点办"]),
        # 部 ends a department, not 部署
        ("pingtan-10224", "区宣传部、网信办", ["区宣传部", "网信办"]),
    ],
)
def test_names_in_cells(notice_id: str, passage: str, names: list[str]) -> None:
    assert passage in notice_text(notice_id)
    matcher = _matcher_without(notice_id)
    assert [passage[u.start : u.end] for u in matcher.find(passage)] == names


def test_deployment_is_not_a_ministry() -> None:
    from policynlp.entities.lexicon import UnitMatcher

    text = "加大对党中央、国务院决策部署贯彻落实结果"
    assert text in notice_text("pingtan-80958")
    assert [text[u.start : u.end] for u in UnitMatcher(()).grammar_spans(text)] == []


def _units(notice_id: str, item_id: str) -> list[tuple[str, str]]:
    doc = parsed(notice_id)
    item = next(i for i in doc.items if i.id == item_id)
    text = doc.text
    return [(text[u.span[0] : u.span[1]], u.role) for u in item.units]


def test_list_members_the_recogniser_missed_join_the_list() -> None:
    """省教育厅、环保厅、文化厅…等行业主管部门要…: every member is a subject of the task."""
    units = dict(_units("pingtan-80965", "4.15.41"))
    for name in ("省教育厅", "环保厅", "文化厅", "旅发委", "卫计委", "住建厅", "民政厅"):
        assert units[name] == "responsible", name


def test_more_unit_groups_than_cells_begin_the_requirement() -> None:
    """省效能办 | 省政府各部门、… | 各设区市、平潭综合实验区管委会要按照…: the third group is the requirement's subject."""
    units = _units("pingtan-80965", "3.10.34")
    assert units[:5] == [("省效能办", "lead"), ("省政府各部门", "responsible"), ("各直属机构", "responsible"),
                         ("各设区市政府", "responsible"), ("平潭综合实验区管委会", "responsible")]


def test_levels_and_scoped_categories_are_one_unit() -> None:
    assert ("各市、县（区）人民政府", "responsible") in _units("pingtan-80957", "4")
    assert ("国务院有关部门", "responsible") in _units("pingtan-80963", "2.1.8")


def test_what_a_body_has_already_done_is_a_mention() -> None:
    """国务院相关部门已就…编制标准指引: background, not a task given to it (a mention, left out of the item's units)."""
    import policynlp

    doc = policynlp.load()(notice_text("pingtan-23553"))
    text = doc._.normalized.text
    roles = {text[u.span[0] : u.span[1]]: u.role for u in doc._.item_units["1.1"]}
    assert roles["国务院相关部门"] == "mention"
    assert roles["各片区管理局"] == "responsible"
    assert "国务院相关部门" not in dict(_units("pingtan-23553", "1.1"))


def test_a_leader_that_works_with_others_leads_and_they_cooperate() -> None:
    """本级政府办公厅（室）会同宣传部门做好…; 各级政府办公厅（室）要会同…; 各级政府要在党委统一领导下，牵头…."""
    units = _units("pingtan-80961", "3.3")
    assert ("本级政府办公厅（室）", "lead") in units and ("宣传部门", "cooperate") in units
    assert ("各级政府办公厅（室）", "lead") in _units("pingtan-80965", "1.4.17")
    assert ("各级政府", "lead") in _units("pingtan-80961", "6.1")


def test_a_government_with_its_departments_is_one_unit_when_joined_by_ji() -> None:
    """各级政府及其工作部门要… / 各级政府及部门主要负责同志…: one unit; 各级政府和部门要 / 各级政府和有关部门要:
    各级政府 (GUIDELINES: with 和 the list splits, and a bare 部门 is no unit)."""
    assert ("各级政府及其工作部门", "responsible") in _units("pingtan-80961", "2.2")
    assert ("各级政府及部门", "responsible") in _units("pingtan-80961", "5.1")
    for notice_id, item_id in (("pingtan-80967", "2.7"), ("pingtan-80963", "2.2")):
        names = [name for name, _ in _units(notice_id, item_id)]
        assert "各级政府" in names and not any(n.startswith("各级政府") and n.endswith("部门") for n in names), (item_id, names)


def test_subjects_after_a_due_date_and_pilot_units_carry_the_task() -> None:
    """…年底前省直各部门要通过…; 以省发改委、经信委…为试点单位; 各设区市政府…部署开展…."""
    units = _units("pingtan-80965", "4.14.40")
    # the first 省直各部门 owns a list (及省直各部门政务公开清单): a mention, not reported
    assert units.count(("省直各部门", "responsible")) == 1
    assert units.count(("平潭综合实验区管委会", "responsible")) == 2
    pilots = dict(_units("pingtan-80965", "3.11.35"))
    for name in ("省发改委", "经信委", "财政厅", "卫计委", "商务厅"):
        assert pilots[name] == "responsible", name


def test_a_list_that_runs_on_in_a_name_no_rule_reads_stays_in_the_unit_cell() -> None:
    """80913 6.15 ends `… 各区属事业单位，各区属国有企企` (a typo): read without the names of
    this notice and its copy, the row keeps its own unit cell instead of inheriting the row above's."""
    from policynlp.learning.evaluation import training_notices
    from policynlp.entities.lexicon import UnitMatcher
    from policynlp.text.normalize import normalize
    from policynlp.structure import parse_structure
    from policynlp.learning.training import unit_names

    notices = gold_notices()
    held = notices["pingtan-80913"]
    matcher = UnitMatcher(tuple(unit_names(training_notices([held], list(notices.values())))))
    nt = normalize(held.text)
    item = next(i for i in parse_structure(nt, matcher).items if i.id == "6.15")
    assert [nt.text[c.span[0] : c.span[1]] for c in item.cells if c.kind == "unit"] == ["各区属事业单位，各区属国有企企"]
    assert not any(c.inherited for c in item.cells)


@pytest.mark.parametrize(
    "notice_id, decoded, names",
    [
        # a preposition before a name, and inside what the CRF read as one name
        ("pingtan-65675", "至办公室", ["办公室"]),
        ("pingtan-23677", "区直部门在苏平行政服务中心", ["区直部门", "苏平行政服务中心"]),
        # a list's tail after 等 is not a unit
        ("pingtan-65675", "监督处等相关处室", ["监督处"]),
        # names inside a quoted portal's name
        ("pingtan-23553", "平潭综合实验区党工委", []),
        ("pingtan-23677", "党工委管委会", []),
        # a bracketed list inside a name is not its end
        ("pingtan-80958", "各省（自治区、直辖市）", ["各省（自治区、直辖市）政府"]),
    ],
)
def test_decoded_spans_become_names(notice_id: str, decoded: str, names: list[str]) -> None:
    """What the CRF decoded in these notices' held-out folds, read as names."""
    from policynlp.entities.recognizer import name_spans
    from policynlp.text.normalize import normalize

    text = normalize(notice_text(notice_id)).text
    at = text.index(decoded)
    assert [text[s:e] for s, e in name_spans(text, (at, at + len(decoded)))] == names


def test_decoding_keeps_every_annotated_name() -> None:
    """The constraints `name_spans` puts on a decoded span hold for every annotated name."""
    from policynlp.entities.recognizer import name_spans

    changed = [
        (n.id, n.text[s.start : s.end])
        for n in gold_notices().values()
        for s in n.spans_of("UNIT")
        if name_spans(n.text, (s.start, s.end)) != [(s.start, s.end)]
    ]
    assert changed == []


@pytest.mark.parametrize("name", ["将乐县财政局", "向阳街道办事处", "不动产登记中心", "对口支援办"])
def test_a_function_character_inside_a_word_does_not_cut_a_name(name: str) -> None:
    """将 of 将乐县, 向 of 向阳: a function word is a word of its own, not a character of one."""
    from policynlp.entities.recognizer import name_spans

    assert name_spans(name, (0, len(name))) == [(0, len(name))]
