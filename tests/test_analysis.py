"""The analyses behind the notebooks, on real notices of the bundled corpus.

Where an analysis depends only on what a notice says (units, verbs, item
relations), it is tested on the gold annotations and gold alignments under
corpora/, so that every number can be checked by reading those files; where
it reads what the parser finds (issuers, deadlines), on the parsed notices.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import pytest

from conftest import CORPORA, gold_notices, parsed
from policynlp.analysis import propagation as A
from policynlp.mapping.alignment import Alignment, Link
from policynlp.document import Deadline, Item, Unit

DATA = Path(__file__).parent / "data"


def corpus_ids() -> list[str]:
    lines = (CORPORA / "manifest.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["id"] for line in lines if line.strip()]


@lru_cache(maxsize=1)
def parsed_corpus() -> dict:
    return {i: parsed(i) for i in corpus_ids()}


@lru_cache(maxsize=1)
def gold_documents() -> dict:
    """Documents of the gold annotations: gold items with their gold units (by role) and verbs."""
    from policynlp.mapping.gold import document_from_annotation

    docs = {}
    for notice in gold_notices().values():
        doc = document_from_annotation(notice)
        for item, gold in zip(doc.items, notice.items):
            item.units = [Unit(notice.text[u.start:u.end], u.role, (u.start, u.end), u.column, u.inherited)
                          for u in gold.units if u.role != "mention"]
            item.verbs = list(gold.verbs)
        docs[notice.id] = doc
    return docs


@lru_cache(maxsize=1)
def gold_alignments() -> list[Alignment]:
    from policynlp.mapping.gold import load_gold

    return [
        Alignment(g.child, g.parent, [Link(c, p, 1.0, r) for (c, p), r in sorted(g.links.items())],
                  sorted(g.child_unmatched), sorted(g.parent_unmatched))
        for g in load_gold()
    ]


def gold_alignment(child: str, parent: str) -> Alignment:
    return next(a for a in gold_alignments() if (a.child, a.parent) == (child, parent))


# --- levels ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, level",
    [
        ("国务院办公厅", "central"),
        ("中共中央办公厅", "central"),
        ("国务院办公厅政府信息与政务公开办公室", "central"),
        ("福建省人民政府办公厅", "province"),
        ("中共福建省委办公厅", "province"),
        ("北京市人民政府", "province"),
        ("广西壮族自治区人民政府办公厅", "province"),
        ("平潭综合实验区管委会办公室", "city"),
        ("广州市人民政府", "city"),
        ("德庆县人民政府办公室", "county"),
        ("广州市天河区人民政府", "county"),
        ("平潭综合实验区苏平片区管理局党政办公室", "county"),
        ("广州市水务局办公室", "department"),
        ("广州市城市更新局", "department"),
        ("平潭综合实验区财政金融局", "department"),
        ("福建省财政厅", "department"),
        ("2021年政务公开工作主要任务分解表", None),
        ("", None),
    ],
)
def test_name_level(name, level):
    assert A.name_level(name) == level


def test_document_level_of_every_corpus_notice():
    levels = A.levels(parsed_corpus())
    assert levels == {
        "000_8f12a50087b0eed3": "department",  # 广州市水务局办公室
        "001_d83b70daa609b1f7": "county",  # 德庆县人民政府办公室
        "003_ad4744f501b6ea9b": "department",  # 广州市城市更新局
        "pingtan-2528": "city",
        "pingtan-10224": "city",
        "pingtan-23553": "city",
        "pingtan-23555": "city",
        "pingtan-23677": "county",  # 苏平片区管理局
        "pingtan-24160": "county",  # a forward: 发布机构 苏平片区管理局, not the forwarded province
        "pingtan-38733": "city",
        "pingtan-63748": "department",  # 发布机构 平潭综合实验区财政金融局
        "pingtan-65675": "department",
        "pingtan-80913": "city",
        "pingtan-80957": "province",
        "pingtan-80958": "central",  # 中共中央办公厅 国务院办公厅
        "pingtan-80959": "province",
        "pingtan-80961": "province",  # 中共福建省委办公厅 福建省人民政府办公厅
        "pingtan-80962": "province",
        "pingtan-80963": "central",
        "pingtan-80964": "central",
        "pingtan-80965": "province",
        "pingtan-80967": "province",
        "pingtan-80968": "central",
        "pingtan-80970": "city",  # issuer field garbled by the page: the body is found in it
    }
    # The manifest's level, where the seeds have one, agrees.
    manifest = {json.loads(x)["id"]: json.loads(x).get("level") for x in (CORPORA / "manifest.jsonl").read_text().splitlines()}
    assert all(levels[i] == lv for i, lv in manifest.items() if lv)


def test_issuer_names_and_labels():
    docs = parsed_corpus()
    assert A.issuer_names(docs["pingtan-80958"]) == ["中共中央办公厅", "国务院办公厅"]
    assert A.issuer_names(docs["pingtan-24160"]) == ["平潭综合实验区苏平片区管理局"]
    assert A.short_issuer(docs["pingtan-80958"]) == "中办·国办"
    assert A.short_issuer(docs["pingtan-80965"]) == "福建省政府办公厅"
    assert A.document_label(docs["pingtan-10224"]) == "平潭管委会\n2018-06 · 10224"


def test_copies_are_one_notice():
    docs = parsed_corpus()
    assert A.is_copy(docs["pingtan-80913"], docs["pingtan-38733"])
    assert not A.is_copy(docs["pingtan-10224"], docs["pingtan-80965"])
    distinct = A.distinct_documents(docs)
    assert len(docs) - len(distinct) == 1 and "pingtan-80913" not in distinct and "pingtan-38733" in distinct


# --- one notice ------------------------------------------------------------------------


def test_item_table_of_the_fujian_2017_table():
    rows = A.item_table(parsed("pingtan-80962"))
    assert len(rows) == 60
    row = next(r for r in rows if r["id"] == "1.1.2")
    assert row["title"] == "按月公开全省财政收支情况"
    assert row["heading"] == "一、以政务公开助力稳增长"
    assert row["lead"] == "省财政厅" and row["responsible"] == "各设区市、平潭综合实验区" and row["cooperate"] == ""
    assert row["deadlines"] == "按月；每月"
    assert row["verbs"].split("、")[0] == "公开"


def test_units_by_role_of_the_deqing_plan():
    # corpora/annotations/src/001_d83b70daa609b1f7.yaml: 19 items name 县府办 as lead (2 more as responsible),
    # 64 name 各镇政府(街道办) responsible.
    units = A.units_by_role(gold_documents()["001_d83b70daa609b1f7"])
    assert list(units)[:3] == ["各镇政府(街道办)", "县有关部门", "县府办"]
    assert units["县府办"] == {"lead": 19, "cooperate": 0, "responsible": 2}
    assert units["各镇政府(街道办)"] == {"lead": 2, "cooperate": 0, "responsible": 64}
    assert units["县政数局"]["lead"] == 9
    sentence = A.describe_units(units, gold_documents()["001_d83b70daa609b1f7"])
    assert sentence.startswith(f"{len(units)} units in 68 items; 各镇政府(街道办) appears in the most items (66), 县府办 leads the most (19)")


def test_deadline_timeline_of_the_fujian_2017_table():
    rows = A.deadline_timeline(parsed("pingtan-80962"))  # issued 2017-04-28
    assert [r["kind"] for r in rows].count("absolute") == 4
    assert [r["kind"] for r in rows].count("recurring") == 7
    assert [r["kind"] for r in rows].count("relative") == 2
    assert {r["end"] for r in rows} == {"2018-12-31"}  # the last date: 6.3.56 2018年前
    quarterly = next(r for r in rows if r.get("frequency") == "quarterly")
    assert quarterly["item"] == "5.2.45" and quarterly["text"] == "按季度"
    assert quarterly["occurrences"] == ["2017-06-30", "2017-09-30", "2017-12-31", "2018-03-31", "2018-06-30",
                                        "2018-09-30", "2018-12-31"]
    yearly = next(r for r in rows if r.get("frequency") == "yearly")
    assert yearly["occurrences"] == ["2017-12-31", "2018-12-31"]
    weekly = next(r for r in rows if r.get("frequency") == "weekly")
    assert weekly["occurrences"][:2] == ["2017-05-05", "2017-05-12"]
    hours = [r["hours"] for r in rows if r["kind"] == "relative"]
    assert hours == [5, 24]  # 最迟5小时内, 24小时内 (of a major emergency)
    assert A.describe_timeline(rows) == (
        "13 deadlines in 11 items: 4 dates, 7 recurring, 2 counted from an event; "
        "the dates run from 2017-12-31 to 2018-12-31."
    )


def test_display_doc_merges_the_span_groups():
    import policynlp
    from conftest import notice_text

    sdoc = policynlp.load()(notice_text("pingtan-80962"))
    start, end = A.item_region(sdoc, "1.1.2")
    view = A.display_doc(sdoc, start, end)
    assert view.text == sdoc.text[start:end]
    assert [(s.text, s.label_) for s in view.spans[A.DISPLAY_KEY]] == [
        ("按月", "时限 DEADLINE"), ("省财政厅", "牵头 lead"), ("各设区市", "责任 responsible"),
        ("平潭综合实验区", "责任 responsible"), ("每月", "时限 DEADLINE"),
    ]
    assert set(A.DISPLAY_COLORS) >= {s.label_ for s in view.spans[A.DISPLAY_KEY]}


# --- item relations ---------------------------------------------------------------------


def test_item_relations_of_the_pingtan_implementing_plan():
    # corpora/alignments/pingtan-23555__pingtan-23553.yaml: parent 1.1 goes to 3.1 and A1.1, 5.1 to 4.1 and 4.3,
    # 2.1 to 3.2 and A1.2, 2.3 to 3.2 and A1.3 (split); 3.2 carries 2.1 and 2.3 (merged).
    rel = A.item_relations(gold_alignment("pingtan-23555", "pingtan-23553"))
    assert {k for k, v in rel.items() if v == "split"} == {"3.1", "A1.1", "4.1", "4.3", "A1.2", "A1.3"}
    assert {k for k, v in rel.items() if v == "merged"} == {"3.2"}
    assert {k for k, v in rel.items() if v == "adapted"} == {"3.4", "4.4", "A1.6"}
    assert {k for k, v in rel.items() if v == "added"} == {"3.3", "4.2", "A1.4", "A1.5"}
    assert sum(v == "dropped" for v in rel.values()) == 8
    assert A.relation_counts(gold_alignment("pingtan-23555", "pingtan-23553")) == {
        "verbatim": 0, "adapted": 3, "split": 6, "merged": 1, "added": 4, "dropped": 8}


def test_relation_counts_of_the_gold_pairs():
    counts = {(a.child, a.parent): A.relation_counts(a) for a in gold_alignments()}
    assert counts[("pingtan-10224", "pingtan-80965")] == {
        "verbatim": 36, "adapted": 4, "split": 0, "merged": 0, "added": 0, "dropped": 2}
    assert counts[("pingtan-80961", "pingtan-80958")] == {
        "verbatim": 0, "adapted": 11, "split": 4, "merged": 3, "added": 1, "dropped": 0}
    # 3.1 and 3.2 both carry 5.1 (成立领导小组 / 明确工作机构和人员): a split.
    assert counts[("pingtan-23677", "pingtan-23553")] == {
        "verbatim": 0, "adapted": 5, "split": 2, "merged": 1, "added": 0, "dropped": 6}


def test_relation_shares_by_level_pair():
    shares = A.relation_shares(gold_alignments(), parsed_corpus())
    assert list(shares) == [
        ("central", "province"), ("province", "city"), ("province", "department"),
        ("city", "city"), ("city", "county"), ("city", "department"),
    ]  # the republished 80913 → 38733 is left out
    assert shares[("province", "city")]["n"] == 42
    assert shares[("province", "city")]["shares"]["verbatim"] == pytest.approx(36 / 42)
    county = shares[("city", "county")]  # Suping from both Pingtan notices: 14 + 16 items
    assert county["pairs"] == [("pingtan-23677", "pingtan-23553"), ("pingtan-23677", "pingtan-23555")]
    assert county["counts"] == {"verbatim": 0, "adapted": 11, "split": 2, "merged": 1, "added": 2, "dropped": 14}
    assert sum(county["shares"].values()) == pytest.approx(1.0)
    assert A.describe_relation_shares(shares) == (
        "Over 199 items in 6 level pairs, 省级 → 市级 copies the most verbatim (86% of 42 items); "
        "3 of the 6 pairs copy nothing verbatim, and 市级 → 市级 adds the largest share of its own (18% of 22 items)."
    )


def test_propagation_graph_and_chains():
    docs = parsed_corpus()
    graph = A.propagation_graph(docs, gold_alignments())
    assert graph.number_of_nodes() == 8 and graph.number_of_edges() == 7
    assert graph.edges["pingtan-80965", "pingtan-10224"]["weight"] == 40  # 42 parent items, 2 dropped
    assert graph.edges["pingtan-23553", "pingtan-23555"]["weight"] == 7
    assert graph.edges["pingtan-23553", "pingtan-23555"]["child_items"] == 10
    assert graph.nodes["pingtan-80958"]["level"] == "central"
    assert A.chains(graph) == [
        ["pingtan-23553", "pingtan-23555", "pingtan-23677"],
        ["pingtan-23553", "pingtan-23677"],
        ["pingtan-80958", "pingtan-80961"],
        ["pingtan-80965", "pingtan-10224", "pingtan-65675"],
        ["pingtan-80965", "pingtan-65675"],
    ]
    assert A.describe_graph(graph) == (
        "8 notices are linked by 7 parent → child alignments; 2 chains of 3 notices run 市级 → 市级 → 县级, "
        "省级 → 市级 → 部门; the widest edge carries 40 items from pingtan-80965 (省级) into pingtan-10224 (市级)."
    )
    with_copies = A.propagation_graph(docs, gold_alignments(), include_copies=True)
    assert with_copies.edges["pingtan-38733", "pingtan-80913"]["copy"] is True


# --- units and verbs by level ----------------------------------------------------------


def test_lead_units_and_verb_classes_of_one_notice():
    # corpora/annotations/src/pingtan-80957.yaml: 省政府法制办 leads item 2 (verbs 坚持, 解读, 制订);
    # the four items' verbs: 解读 ×2 (interpret); 探索, 开设, 更新, 建立 (build-mechanism); 发布 (disclose); 报送 (report);
    # 推进 (implement) in item 4's closing paragraph.
    doc = gold_documents()["pingtan-80957"]
    assert A.lead_units_by_level([doc]) == {"province": {"省政府法制办": {"interpret": 1}}}
    assert A.lead_items_by_level([doc]) == {"province": {"省政府法制办": 1}}
    assert A.verb_classes_by_level([doc]) == {"province": {
        "disclose": 1, "interpret": 2, "respond": 0, "build-mechanism": 4, "implement": 1, "supervise": 0, "train": 0,
        "report": 1}}


def test_lead_units_by_level_on_the_gold_corpus():
    docs = gold_documents()
    items = A.lead_items_by_level(docs)
    assert list(items) == ["central", "province", "city", "county", "department"]
    assert list(items["county"].items())[:2] == [("县府办", 19), ("县政数局", 9)]  # the 德庆县 plan alone
    lead = A.lead_units_by_level(docs)
    assert list(lead["county"])[:2] == ["县府办", "县政数局"]
    # every item a unit leads counts once per class of its verbs
    assert all(sum(c.values()) >= items[lv][u] for lv in lead for u, c in lead[lv].items())
    sentence = A.describe_lead_units(lead, items)
    assert "县级 县府办 (19 items, most often 推进落实)" in sentence


def test_verb_class_shares():
    shares = A.verb_class_shares({"county": {"implement": 3, "disclose": 1}})
    assert shares["county"]["implement"] == 0.75 and shares["county"]["report"] == 0.0
    sentence = A.describe_verb_classes({"county": {"implement": 3, "disclose": 1}, "city": {"implement": 2, "report": 1}})
    assert sentence == ("推进落实 (implement) is the most frequent task-verb class at 2 of 2 levels (67%–75% of their task "
                        "verbs); 报送报告 (report) varies most, from 0% (县级) to 33% (市级).")


# --- deadlines -------------------------------------------------------------------------


def _item(*deadlines: Deadline) -> Item:
    return Item("1", "1", [], "", (0, 0), deadlines=list(deadlines))


def test_compare_deadlines():
    def absolute(d):
        return Deadline(d, "absolute", (0, 0), date=d)

    def relative(n, unit="workday"):
        return Deadline(f"{n}", "relative", (0, 0), duration={"value": n, "unit": unit})

    def recurring(f):
        return Deadline(f, "recurring", (0, 0), frequency=f)

    assert A.compare_deadlines(_item(absolute("2018-06-30")), _item(absolute("2018-12-31"))) == ("tighter", -184.0, "absolute")
    assert A.compare_deadlines(_item(relative(3)), _item(relative(5))) == ("tighter", -2.0, "relative")
    assert A.compare_deadlines(_item(relative(48, "hour")), _item(relative(1, "day"))) == ("looser", 1.0, "relative")
    assert A.compare_deadlines(_item(recurring("monthly")), _item(recurring("quarterly"))) == ("tighter", -61.0, "recurring")
    assert A.compare_deadlines(_item(absolute("2018-12-31")), _item(relative(36, "month")))[0] == "recast"
    assert A.compare_deadlines(_item(absolute("2018-12-31")), _item())[0] == "added"
    assert A.compare_deadlines(_item(), _item(relative(2)))[0] == "removed"


def test_deadline_shifts_on_linked_items():
    docs = parsed_corpus()
    alignments = [
        # 2020年8月31日前 → 2020年10月底前；2020年12月底前
        Alignment("pingtan-23555", "pingtan-23553", [Link("3.1", "1.1", 1.0, "adapted")], [], []),
        # 2018年10月底前；年底前, copied; 2个工作日内, copied
        Alignment("pingtan-10224", "pingtan-80965", [Link("4.13.40", "4.14.40", 1.0, "verbatim"),
                                                     Link("2.5.21", "2.5.21", 1.0, "verbatim")], [], []),
        # 3年内 → 2018年底前 (recast); none → 2018年前 (added); an item pair without deadlines (skipped)
        Alignment("pingtan-80961", "pingtan-80958", [Link("6.3", "4.19", 1.0, "adapted"), Link("4.2", "4.18", 1.0, "adapted"),
                                                     Link("2.1", "2.4", 1.0, "adapted")], [], []),
        # 2个工作日内 → none
        Alignment("pingtan-65675", "pingtan-10224", [Link("2.3.9", "2.5.21", 1.0, "adapted")], [], []),
    ]
    rows = A.deadline_shifts(alignments, docs)
    got = [(r["child"], r["child_item"], r["change"], r["shift_days"], r["kind"]) for r in rows]
    assert got == [
        ("pingtan-23555", "3.1", "looser", 122.0, "absolute"),
        ("pingtan-10224", "4.13.40", "same", 0.0, "absolute"),
        ("pingtan-10224", "2.5.21", "same", 0.0, "relative"),
        ("pingtan-80961", "6.3", "recast", None, None),
        ("pingtan-80961", "4.2", "added", None, None),
        ("pingtan-65675", "2.3.9", "removed", None, None),
    ]
    assert rows[0]["pair"] == ("city", "city") and rows[0]["parent_deadlines"] == "2020年8月31日前"
    assert A.deadline_changes(rows) == {
        ("central", "province"): {"tighter": 0, "same": 0, "looser": 0, "added": 1, "removed": 0, "recast": 1},
        ("province", "city"): {"tighter": 0, "same": 2, "looser": 0, "added": 0, "removed": 0, "recast": 0},
        ("city", "city"): {"tighter": 0, "same": 0, "looser": 1, "added": 0, "removed": 0, "recast": 0},
        ("city", "department"): {"tighter": 0, "same": 0, "looser": 0, "added": 0, "removed": 1, "recast": 0},
    }
    assert A.describe_deadline_shifts(rows) == (
        "Of 6 linked item pairs with a deadline, 2 keep the parent's, 0 tighten it, 1 loosens it, 1 adds one and 1 drops it; "
        "the largest shift is +122 days (2020年8月31日前 → 2020年10月底前；2020年12月底前, pingtan-23553 → pingtan-23555)."
    )


# --- annotation export -----------------------------------------------------------------


def test_doccano_records_reproduce_a_real_export():
    (notice,) = [gold_notices()["001_d83b70daa609b1f7"]]
    (record,) = A.doccano_records(notice, ["1.2.8"])
    real = json.loads((DATA / "doccano_001_item8.jsonl").read_text(encoding="utf-8"))
    assert record["text"] == real["text"] and record["label"] == real["label"]


def test_doccano_records_import_back(tmp_path):
    from policynlp.learning import load_annotations

    notice = gold_notices()["001_d83b70daa609b1f7"]
    records = A.doccano_records(notice, [it.id for it in notice.items[:12]])
    path = tmp_path / "export.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    imported = load_annotations([path])
    assert len(imported) == 12
    first = imported[0]  # 1.围绕…: 县府办 lead, 各镇政府(街道办) and 县各部门单位 responsible
    assert [(s.text, s.attrs.get("role")) for s in first.spans_of("UNIT")] == [
        ("县府办", "lead"), ("各镇政府(街道办)", "responsible"), ("县各部门单位", "responsible")]
    deadline = imported[1].spans_of("DEADLINE")[0]  # 1.1.2: 3个工作日内
    assert deadline.text == "3个工作日内" and deadline.attrs["duration"] == {"value": 3, "unit": "workday"}
