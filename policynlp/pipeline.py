"""The spaCy pipeline behind `policynlp.parse()`.

The tokenizer normalises the original text (keeping the offset map on the Doc)
and splits it into characters, runs of ASCII letters/digits and runs of
whitespace; each stage is a registered component with its own config:

    policynlp_structure   → doc._.structure, doc.spans["items"], ["headings"]
    policynlp_doc_numbers → doc.spans["doc_numbers"] (span._.value: attributes)
    policynlp_deadlines   → doc.spans["deadlines"] (span._.value: normalised value)
    policynlp_unit_recognizer (statistical, from models/) → doc.spans["unit_candidates"]
    policynlp_units       → doc._.item_units, doc.spans["units"] (label = role)
    policynlp_task_verbs  → doc._.item_verbs
"""
from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import Any, Callable, Iterable

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.training import Example
from spacy.util import registry
from spacy.vocab import Vocab

from .entities.lexicon import MODELS_DIR, UnitMatcher, load_gazetteer, plausible_in_text, well_bounded, widen_name
from .entities import recognizer  # noqa: F401  (registers policynlp_unit_recognizer)
from .text.normalize import normalize

PIPELINE_VERSION = "1"
for _name in ("normalized", "structure", "item_units", "item_verbs"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)
if not Span.has_extension("value"):
    Span.set_extension("value", default=None)

_TOKEN = re.compile(r"[A-Za-z0-9]+|\s+|.", re.S)


class NoticeTokenizer:
    """Normalise, then split into CJK characters, ASCII runs and whitespace runs."""

    def __init__(self, vocab: Vocab):
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        nt = normalize(text)
        words = _TOKEN.findall(nt.text)
        doc = Doc(self.vocab, words=words, spaces=[False] * len(words))
        doc._.normalized = nt
        return doc

    def to_bytes(self, **kwargs: Any) -> bytes:
        return b""

    def from_bytes(self, data: bytes, **kwargs: Any) -> "NoticeTokenizer":
        return self

    def to_disk(self, path: Path, **kwargs: Any) -> None:
        Path(path).mkdir(parents=True, exist_ok=True)

    def from_disk(self, path: Path, **kwargs: Any) -> "NoticeTokenizer":
        return self


@registry.tokenizers("policynlp.NoticeTokenizer.v1")
def create_notice_tokenizer() -> Callable[[Language], NoticeTokenizer]:
    def make(nlp: Language) -> NoticeTokenizer:
        return NoticeTokenizer(nlp.vocab)

    return make


def _span(doc: Doc, start: int, end: int, label: str) -> Span | None:
    return doc.char_span(start, end, label=label, alignment_mode="expand")


def notice_date(doc: Doc) -> datetime.date | None:
    """The date deadlines resolve against: the 成文日期, else the page's publication date."""
    structure = doc._.structure
    value = structure.cover.date_value if structure else None
    if value is None and doc._.normalized is not None:
        for key in ("发布时间", "成文日期", "发布日期"):
            field = doc._.normalized.furniture.header.get(key)
            if field:
                m = re.match(r"(\d{4})-(\d{2})-(\d{2})", field[0])
                if m:
                    value = "-".join(m.groups())
                    break
    if value is None:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None


# --- structure ----------------------------------------------------------------------


class StructureComponent:
    """The cover notice and the plan's items (`policynlp.structure.parse_structure`)."""

    def __init__(self, nlp: Language, name: str, gazetteer: str | None):
        self.name = name
        self.gazetteer = gazetteer
        self.matcher = UnitMatcher(load_gazetteer(gazetteer))

    def __call__(self, doc: Doc) -> Doc:
        from .structure import parse_structure

        structure = parse_structure(doc._.normalized, self.matcher)
        doc._.structure = structure
        doc.spans["items"] = [s for it in structure.items if (s := _span(doc, *it.text, "ITEM"))]
        doc.spans["headings"] = [s for h in structure.headings if (s := _span(doc, *h.span, f"H{h.level}"))]
        return doc

    def initialize(self, get_examples: Callable[[], Iterable[Example]] | None = None, nlp: Language | None = None) -> None:
        self.matcher = UnitMatcher(load_gazetteer(self.gazetteer))


@Language.factory("policynlp_structure", default_config={"gazetteer": None})
def make_structure(nlp: Language, name: str, gazetteer: str | None) -> StructureComponent:
    return StructureComponent(nlp, name, gazetteer)


# --- document numbers and deadlines ----------------------------------------------------


@Language.component("policynlp_doc_numbers")
def doc_numbers_component(doc: Doc) -> Doc:
    from .entities.docnumber import find_doc_numbers

    spans = []
    for m in find_doc_numbers(doc._.normalized.text):
        span = _span(doc, m.start, m.end, "DOC_NUMBER")
        if span is not None:
            span._.value = {"issuer_code": m.issuer_code, "year": m.year, "serial": m.serial}
            spans.append(span)
    doc.spans["doc_numbers"] = spans
    return doc


@Language.component("policynlp_deadlines")
def deadlines_component(doc: Doc) -> Doc:
    from .entities.deadline import find_deadlines

    spans = []
    for m in find_deadlines(doc._.normalized.text, notice_date(doc)):
        span = _span(doc, m.start, m.end, "DEADLINE")
        if span is not None:
            span._.value = {
                "kind": m.kind,
                "date": m.date,
                "duration": m.duration,
                "anchor": m.anchor,
                "frequency": m.frequency,
            }
            spans.append(span)
    doc.spans["deadlines"] = spans
    return doc


# --- units ------------------------------------------------------------------------------


class UnitsComponent:
    """Units of every item with their roles, from rules, the gazetteer and the recogniser's spans."""

    def __init__(self, nlp: Language, name: str, gazetteer: str | None, use_rules: bool):
        self.name = name
        self.gazetteer = gazetteer
        self.use_rules = use_rules
        self.matcher = UnitMatcher(load_gazetteer(gazetteer))
        self.known = frozenset(self.matcher.names) if use_rules else frozenset()

    def finder(self, doc: Doc) -> Callable[[str, int, int, bool], list[tuple[int, int]]]:
        """Unit names in text[s:e]. In unit cells: gazetteer, then the statistical spans, then the grammar;
        in running text: the statistical spans, then the gazetteer.

        The name grammar is only trusted inside unit cells; in running text it
        would take `加强政府` for a name. Document numbers are never units.
        """
        learned = [(sp.start_char, sp.end_char) for sp in doc.spans.get("unit_candidates", [])]
        known = self.known
        blocked = [(sp.start_char, sp.end_char) for sp in doc.spans.get("doc_numbers", [])]
        matcher = self.matcher

        def free(a: int, b: int, taken: list[tuple[int, int]]) -> bool:
            return not any(a < y and x < b for x, y in taken) and not any(a < y and x < b for x, y in blocked)

        def take(spans: list[tuple[int, int]], chosen: list[tuple[int, int]]) -> None:
            for x in spans:
                if free(*x, chosen):
                    chosen.append(x)

        def find(text: str, s: int, e: int, cell: bool = False) -> list[tuple[int, int]]:
            ours = [(a, b) for a, b in learned if s <= a and b <= e]
            chosen: list[tuple[int, int]] = []
            if not self.use_rules:
                # With the rules switched off, the recogniser's names are taken as they are.
                take(ours, chosen)
                return sorted(chosen)
            ours = [(a, b) for a, b in ours if well_bounded(text, a, b) and (cell or plausible_in_text(text[a:b], known))]
            spans = matcher.find(text[s:e]) if cell else matcher.gazetteer_spans(text[s:e])
            known_spans = [(s + u.start, s + u.end) for u in spans if u.source == "gazetteer" and free(s + u.start, s + u.end, [])]
            if not cell:
                # In running text the recogniser reads the context a list of names cannot:
                # 国务院办公厅政府信息与政务公开办公室 is one name, not the known 国务院办公厅
                # and a remainder. Known names fill what it leaves.
                take(ours, chosen)
                take(known_spans, chosen)
                return sorted(widen_name(text, a, b, s, e) for a, b in chosen)
            take(known_spans, chosen)
            for a, b in ours:
                inside = [(x, y) for x, y in chosen if a <= x and y <= b]
                # In a unit cell, a learned name that contains one known name is its longer
                # reading (省政府法制办); containing two, it runs two cell names together.
                if len(inside) == 1 and inside[0] != (a, b):
                    chosen.remove(inside[0])
                if free(a, b, chosen):
                    chosen.append((a, b))
            take([(s + u.start, s + u.end) for u in matcher.grammar_spans(text[s:e])], chosen)
            return sorted(widen_name(text, a, b, s, e) for a, b in chosen)

        return find

    def __call__(self, doc: Doc) -> Doc:
        from .entities.units import item_units

        structure = doc._.structure
        find = self.finder(doc)
        per_item = {}
        spans = []
        for item in structure.items:
            units = item_units(doc._.normalized.text, item, find)
            per_item[item.id] = units
            for u in units:
                if not u.inherited:
                    span = _span(doc, *u.span, u.role)
                    if span is not None:
                        spans.append(span)
        doc._.item_units = per_item
        doc.spans["units"] = spans
        return doc

    def initialize(self, get_examples: Callable[[], Iterable[Example]] | None = None, nlp: Language | None = None) -> None:
        self.matcher = UnitMatcher(load_gazetteer(self.gazetteer))
        self.known = frozenset(self.matcher.names) if self.use_rules else frozenset()


@Language.factory("policynlp_units", default_config={"gazetteer": None, "use_rules": True})
def make_units(nlp: Language, name: str, gazetteer: str | None, use_rules: bool) -> UnitsComponent:
    return UnitsComponent(nlp, name, gazetteer, use_rules)


# --- task verbs ---------------------------------------------------------------------------


@Language.component("policynlp_task_verbs")
def task_verbs_component(doc: Doc) -> Doc:
    from .entities.verbs import task_verbs

    text = doc._.normalized.text  # doc.text would re-join every token per call
    doc._.item_verbs = {item.id: task_verbs(text[item.text[0] : item.text[1]]) for item in doc._.structure.items}
    return doc


# --- assembly -------------------------------------------------------------------------------

DEFAULT_PIPES = (
    "policynlp_structure",
    "policynlp_doc_numbers",
    "policynlp_deadlines",
    "policynlp_unit_recognizer",
    "policynlp_units",
    "policynlp_task_verbs",
)
DEFAULT_MODEL = MODELS_DIR / "unit_recognizer"


def build(model_dir: str | Path | None = None, *, use_model: bool = True, use_rules: bool = True) -> Language:
    """A fresh pipeline; `model_dir` holds a trained unit recogniser (default: models/)."""
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"@tokenizers": "policynlp.NoticeTokenizer.v1"}}})
    model = Path(model_dir) if model_dir else DEFAULT_MODEL
    gazetteer = str(model / "gazetteer.txt") if (model / "gazetteer.txt").exists() else None
    nlp.add_pipe("policynlp_structure", config={"gazetteer": gazetteer})
    nlp.add_pipe("policynlp_doc_numbers")
    nlp.add_pipe("policynlp_deadlines")
    if use_model and (model / "crf.model").exists():
        nlp.add_pipe("policynlp_unit_recognizer", config={"model": str(model)})
    nlp.add_pipe("policynlp_units", config={"gazetteer": gazetteer, "use_rules": use_rules})
    nlp.add_pipe("policynlp_task_verbs")
    return nlp
