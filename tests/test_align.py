"""Parent mapping (issue 5): the gold alignments of corpora/alignments/, properties, parent resolution.

The documents are built from the gold annotations (gold item ids and texts),
so these tests judge the aligner, not the parser.
"""
from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policynlp.mapping import Alignment, align, align_items, map_corpus, resolve_parents, summary_table
from policynlp.mapping.gold import load_gold, score
from policynlp.mapping.local import align_pairs
from policynlp.learning.annotations import AnnotatedNotice
from policynlp.document import ALIGNMENT_SCHEMA, CitedDocument, DocNumber, Document, Item
from policynlp.entities.docnumber import parse_doc_number

from conftest import ROOT, gold_notices, gold_records

GOLD = {g.name: g for g in load_gold()}
# Pairs the aligner does not (yet) bring to the acceptance targets, with what the shipped
# parameters reach (fitted on all gold pairs; `python -m policynlp.mapping.tune` reports them
# held out too). They are rewritten rather than copied: links that rest on meaning, not on shared text.
SHORT_OF_TARGETS = {
    "pingtan-23555__pingtan-23553": "precision 0.70, recall 0.64, unmatched sets wrong: a plan written from the "
    "provincial notice more than from this one (配齐专职人员, the schedule rows A1.*)",
    "pingtan-23677__pingtan-23553": "recall 0.70, unmatched sets wrong: paraphrased tasks (公开属性, 第一平台, 监督评估 → 责任落实)",
}


def _number(text: str | None, source: str) -> DocNumber | None:
    if not text:
        return None
    code, year, serial = parse_doc_number(text)
    at = source.find(text)
    return DocNumber(text, code, year, serial, (at, at + len(text)))


def gold_document(notice: AnnotatedNotice) -> Document:
    """A Document of the notice's gold items (ids, text from the gold spans, titles), number and citations."""
    items = [
        Item(
            id=it.id,
            number=it.number,
            path=list(it.path),
            text=notice.text[it.span[0]:it.span[1]],
            span=it.span,
            title=notice.text[it.title_span[0]:it.title_span[1]] if it.title_span else None,
            title_span=it.title_span,
        )
        for it in notice.items
    ]
    d = notice.document
    return Document(
        id=notice.id,
        title=d.get("title"),
        issuer=d.get("issuer"),
        doc_number=_number(d.get("doc_number"), notice.text),
        date=d.get("date"),
        recipients=list(d.get("recipients") or []),
        doc_numbers=[],
        deadlines=[],
        cited_documents=[CitedDocument(c.get("title") or "", _number(c.get("doc_number"), notice.text))
                         for c in notice.cited_documents],
        items=items,
        text=notice.text,
    )


@lru_cache(maxsize=None)
def doc(notice_id: str) -> Document:
    return gold_document(gold_notices()[notice_id])


@lru_cache(maxsize=None)
def gold_alignment(name: str) -> Alignment:
    g = GOLD[name]
    return align(doc(g.child), doc(g.parent))


# --- the gold pairs ---------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(name, marks=pytest.mark.xfail(reason=SHORT_OF_TARGETS[name], strict=True))
        if name in SHORT_OF_TARGETS else name
        for name in sorted(GOLD)
    ],
)
def test_gold_pair(name: str) -> None:
    r = score(gold_alignment(name), GOLD[name])
    assert r["precision"] >= 0.95, r["spurious"]
    assert r["recall"] >= 0.95, r["missed"]
    assert r["relation_accuracy"] >= 0.9, r["wrong_relation"]
    assert r["child_unmatched_exact"] and r["parent_unmatched_exact"]


def test_gold_pairs_overall() -> None:
    """Micro-averaged over every gold pair, hard ones included: no worse than the shipped tuning reaches."""
    correct = predicted = links = right = 0
    for name in GOLD:
        r = score(gold_alignment(name), GOLD[name])
        correct += r["correct"]
        predicted += r["predicted"]
        links += r["links"]
        right += round(r["relation_accuracy"] * r["correct"])
    assert correct / predicted >= 0.97
    assert correct / links >= 0.94
    assert right / correct >= 0.98


def test_readme_states_the_shipped_aligner_scores() -> None:
    """The README's aligner figures are the ones `tune` recorded in the shipped parameters."""
    from policynlp.mapping.assign import default_params

    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    scores = default_params()["scores"]
    ins, out = scores["in_sample"], scores["leave_one_child_out"]
    links = sum(len(g.links) for g in GOLD.values())
    assert f"On the project's {scores['pairs']} gold pairs ({links} links)" in readme
    assert (
        f"link precision {ins['precision']:.3f}, recall {ins['recall']:.3f} and relations {ins['relation_accuracy']:.3f}, "
        f"with {ins['pairs_passing']} of {scores['pairs']} pairs exact" in readme
    )
    assert f"precision {out['precision']:.3f}, recall {out['recall']:.3f}, relations {out['relation_accuracy']:.3f}" in readme


def test_localised_table_links_row_to_row() -> None:
    """Pingtan's 2018 table copies the provincial one row by row; unit and level names swapped stay verbatim."""
    aln = gold_alignment("pingtan-10224__pingtan-80965")
    by_child = {x.child_item: x for x in aln.links}
    assert by_child["4.14.41"].parent_item == "4.15.41"  # 省教育厅、环保厅… → 区教育局、环土局…
    assert by_child["4.14.41"].relation == "verbatim"
    assert by_child["1.1.3"].relation == "verbatim"  # 省、市、县三级 struck
    assert set(aln.parent_unmatched) == {"3.11.35", "3.11.36"}  # the 政府公报 rows are dropped


def test_one_sentence_from_a_second_parent_is_a_merge() -> None:
    """Fujian's 数据开放 item takes one sentence (推动信用信息互联共享) from the central 信息化 item,
    and its 组织领导 item the closing sentence of 考核监督: each child item links both parents, partial."""
    aln = gold_alignment("pingtan-80961__pingtan-80958")
    links = {(x.child_item, x.parent_item): x.relation for x in aln.links}
    assert links[("3.4", "3.10")] == links[("3.4", "4.17")] == "partial"
    assert links[("6.1", "5.20")] == links[("6.1", "5.21")] == "partial"
    assert links[("6.2", "5.21")] == "partial"  # 5.21 is split between 6.1 and 6.2


def test_trimmed_list_is_not_a_dropped_task() -> None:
    """The district plan keeps three of the 26 pilot fields (重大建设项目、社会救助、扶贫等26个试点领域)
    and drops deadlines: the same task with its qualifiers trimmed, adapted (README), not partial."""
    aln = gold_alignment("pingtan-23677__pingtan-23555")
    assert {(x.parent_item, x.relation) for x in aln.links if x.child_item == "2.1"} == {("3.1", "adapted")}


def test_merged_child_item_links_both_parents() -> None:
    """The finance bureau folds two rows of the Pingtan table into one item: two partial links."""
    aln = gold_alignment("pingtan-65675__pingtan-10224")
    links = {(x.parent_item, x.relation) for x in aln.links if x.child_item == "2.4.11"}
    assert links == {("4.11.37", "partial"), ("4.11.38", "partial")}


def test_passages_point_into_the_items() -> None:
    aln = gold_alignment("pingtan-65675__pingtan-10224")
    child, parent = doc("pingtan-65675"), doc("pingtan-10224")
    link = next(x for x in aln.links if x.child_item == "2.1.3")
    assert link.passages
    for p in link.passages:
        c_item, p_item = child.item(link.child_item), parent.item(link.parent_item)
        c_text = c_item.text if p.child_field == "text" else c_item.title
        p_text = p_item.text if p.parent_field == "text" else p_item.title
        assert c_text[p.child_span[0]:p.child_span[1]] == p_text[p.parent_span[0]:p.parent_span[1]]


def test_to_dict_follows_the_spec() -> None:
    d = gold_alignment("pingtan-65675__pingtan-10224").to_dict()
    assert d["schema"] == ALIGNMENT_SCHEMA
    assert (d["child"], d["parent"]) == ("pingtan-65675", "pingtan-10224")
    assert set(d) >= {"links", "child_unmatched", "parent_unmatched"}
    for link in d["links"]:
        assert set(link) >= {"child_item", "parent_item", "score", "relation"}
    assert Alignment.from_dict(d).to_dict() == d


# --- properties -------------------------------------------------------------------

NOTICES_WITH_ITEMS = sorted(n for n, record in gold_records().items() if len(record["items"]) >= 2)


@st.composite
def item_subsets(draw) -> Document:
    """A gold document cut down to a random subset of its items (distinct texts)."""
    d = doc(draw(st.sampled_from(NOTICES_WITH_ITEMS)))
    distinct = list({(it.title, it.text): it for it in d.items}.values())
    chosen = draw(st.lists(st.sampled_from(distinct), min_size=1, max_size=12, unique_by=lambda it: it.id))
    return Document(d.id, d.title, d.issuer, None, d.date, [], [], [], [], chosen)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(item_subsets())
def test_self_alignment_is_all_verbatim(document: Document) -> None:
    aln = align(document, document)
    assert {(x.child_item, x.parent_item) for x in aln.links} == {(it.id, it.id) for it in document.items}
    assert all(x.relation == "verbatim" and 0.5 <= x.score <= 1 for x in aln.links)
    assert aln.child_unmatched == aln.parent_unmatched == []


# Localisations of whole unit and level names, as a county copy makes them (a name inside
# a longer one, 各级政府门户网站 or 各设区市政府, is not a unit of its own and stays).
LOCALISED = [
    (re.compile(p), r) for p, r in [
        ("各级各部门", "区直各单位"), ("省直各部门", "各部门"), ("各设区市(?=[要、，和])", "各片区管理局"),
        ("各级政府(?=要)", "县各部门"), ("全省", "全区"), ("省直有关单位", "区直有关单位"), ("县级以上政府部门", "各有关单位"),
    ]
]


@settings(max_examples=15, deadline=None)
@given(st.sampled_from([n for n in NOTICES_WITH_ITEMS if n.startswith("pingtan-809")]), st.randoms(use_true_random=False))
def test_localising_unit_names_keeps_verbatim(notice_id: str, rnd) -> None:
    d = doc(notice_id)
    swaps = [s for s in LOCALISED if rnd.random() < 0.7]
    localised = []
    for it in d.items:
        text = it.text
        for pattern, replacement in swaps:
            text = pattern.sub(replacement, text)
        localised.append(Item(it.id, it.number, it.path, text, it.span, it.title, it.title_span))
    aln = align_items(localised, d.items)
    assert all(x.child_item == x.parent_item and x.relation == "verbatim" for x in aln.links)
    assert len(aln.links) == len(d.items)


@settings(max_examples=20, deadline=None)
@given(st.sampled_from(NOTICES_WITH_ITEMS), st.sampled_from(NOTICES_WITH_ITEMS))
def test_any_pair_gives_a_consistent_alignment(child_id: str, parent_id: str) -> None:
    child, parent = doc(child_id), doc(parent_id)
    aln = align(child, parent)
    child_ids, parent_ids = [it.id for it in child.items], [it.id for it in parent.items]
    linked_c = {x.child_item for x in aln.links}
    linked_p = {x.parent_item for x in aln.links}
    assert linked_c <= set(child_ids) and linked_p <= set(parent_ids)
    assert set(aln.child_unmatched) == set(child_ids) - linked_c
    assert set(aln.parent_unmatched) == set(parent_ids) - linked_p
    for x in aln.links:
        assert 0.0 <= x.score <= 1.0
        assert x.relation in ("verbatim", "adapted", "partial")
        assert all(0.0 <= p.score <= 1.0 for p in x.passages)
    assert align(child, parent).to_dict() == aln.to_dict()  # deterministic


def _naive_local(a: list[int], b: list[int]) -> int:
    prev = [0] * (len(b) + 1)
    best = 0
    for x in a:
        cur = [0]
        for j, y in enumerate(b, 1):
            cur.append(max(0, prev[j - 1] + (1 if x == y else -1), prev[j] - 1, cur[j - 1] - 1))
        best = max(best, max(cur))
        prev = cur
    return best


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.lists(st.integers(0, 4), min_size=1, max_size=30),
                          st.lists(st.integers(0, 4), min_size=1, max_size=60)), min_size=1, max_size=20))
def test_batched_smith_waterman_matches_the_recurrence(pairs) -> None:
    queries = [np.array(q, dtype=np.int32) for q, _ in pairs]
    targets = [np.array(t, dtype=np.int32) for _, t in pairs]
    res = align_pairs(queries, targets, min_score=1)
    for k, (q, t) in enumerate(pairs):
        assert res.score[k] == _naive_local(q, t)
        if res.score[k]:
            # The reported ranges hold an alignment of that score.
            sub = _naive_local(q[res.q_start[k]:res.q_end[k]], t[res.t_start[k]:res.t_end[k]])
            assert sub == res.score[k]


# --- parent resolution and the corpus map -----------------------------------------


@pytest.mark.parametrize(
    ("child", "parents"),
    [
        ("pingtan-10224", {"pingtan-80965"}),  # cited by title only: the Fujian table's page prints no number
        ("pingtan-65675", {"pingtan-80965", "pingtan-10224"}),
        ("pingtan-80961", {"pingtan-80958"}),
        ("pingtan-23555", {"pingtan-23553"}),
        ("pingtan-23677", {"pingtan-23553", "pingtan-23555"}),  # 23555 through the chain: not cited, copied
        ("pingtan-80913", {"pingtan-38733"}),  # the later copy of the same notice
        ("pingtan-80959", set()),
    ],
)
def test_resolve_parents(child: str, parents: set[str]) -> None:
    corpus = [doc(n) for n in sorted(gold_notices())]
    assert set(resolve_parents(doc(child), corpus)) == parents


def test_map_corpus_finds_every_gold_pair() -> None:
    corpus = [doc(n) for n in sorted(gold_notices())]
    alignments = map_corpus(corpus)
    pairs = {(a.child, a.parent) for a in alignments}
    assert {(g.child, g.parent) for g in GOLD.values()} <= pairs
    table = summary_table(alignments)
    assert "verbatim" in table and "pingtan-65675" in table
