"""The statistical unit-name recogniser: a linear-chain CRF over characters.

Measured against spaCy's own NER trained from scratch on the same notices (see
benchmarks/bench_units_learned.py and models/README.md), a CRF with
character n-grams, jieba words and unit-name shapes as features (gazetteer tags optional) learns
unit names from a few dozen notices far better, so it is the learner behind
this registered spaCy component. It reads windows of item text around
characters that can end a unit name (so running prose costs little), reads
the decoded spans under a few constraints every annotated name meets
(`name_spans`: no preposition inside a name, none inside a quoted portal's
name, a bracketed list not its end) and writes `doc.spans["unit_candidates"]`.
"""
from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable, Sequence

import jieba
import jieba.posseg
import pycrfsuite
from spacy.language import Language
from spacy.tokens import Doc
from spacy.training import Example

from .lexicon import SUFFIX_ALTERNATION, UNIT_SUFFIXES, UnitMatcher

Span = tuple[int, int]
MODEL_FILE = "crf.model"
META_FILE = "meta.json"
_JURISDICTION = set("省市县区镇乡各")
_SUFFIX_LAST = {s[-1] for s in UNIT_SUFFIXES} | set("市区县")
# Windows open at characters that can end a unit name. In running text only where a
# whole suffix ends (局, 部门, 管委会 …) or a territory (市, 区, 县): characters that
# merely end some suffix (会, 门, 口) would window most of the prose.
_MARK_CELL = re.compile("[" + "".join(sorted(_SUFFIX_LAST)) + "]")
# Bodies named without any suffix (党中央、国务院) open windows of their own.
_SUFFIXLESS = ("国务院", "中央", "各地")
_MARK_TEXT = re.compile("|".join(map(re.escape, sorted(set(UNIT_SUFFIXES) | set("市区县") | set(_SUFFIXLESS), key=len, reverse=True))))
_CUES = ("牵头", "负责", "配合", "落实", "协助", "参与", "会同", "要", "应")
_WINDOW = 20


def _char_type(c: str) -> str:
    if "\u4e00" <= c <= "\u9fff":
        return "H"
    if c.isdigit():
        return "D"
    if c.isascii() and c.isalpha():
        return "L"
    if c.isspace():
        return "S"
    return "P"


def _tags(n: int, spans: Iterable[Span], offset: int) -> list[str]:
    """BIO tags of a window; a name the window's edge cuts is tagged on its visible part
    (tagging it O would teach that a name's tail is not a name; measured: +0.002 F1)."""
    tags = ["O"] * n
    for s, e in spans:
        s, e = s - offset, e - offset
        s, e = max(s, 0), min(e, n)
        if s < e:
            tags[s] = "B"
            for i in range(s + 1, e):
                tags[i] = "I"
    return tags


@dataclass
class Window:
    """One window of text to label: its offsets, characters and per-char context."""

    start: int
    chars: str
    zone: list[str]  # "cell" inside a unit cell, else "text"


def features(seq: Window, matcher: UnitMatcher | None, use_gazetteer: bool) -> list[list[str]]:
    """Feature strings for every character of a sequence."""
    text = seq.chars
    n = len(text)
    gaz = _tags(n, [(u.start, u.end) for u in matcher.gazetteer_spans(text)], 0) if (matcher and use_gazetteer) else None
    gram = _tags(n, [(u.start, u.end) for u in matcher.grammar_spans(text)], 0) if matcher else ["O"] * n
    suffix_end = [False] * n
    for i in range(n):
        for k in (1, 2, 3):
            if i - k + 1 >= 0 and text[i - k + 1 : i + 1] in _SUFFIX_SET:
                suffix_end[i] = True
                break
    padded = "^^^" + text + "$$$"
    c0 = list(text)
    p1, p2, p3 = list(padded[2 : n + 2]), list(padded[1 : n + 1]), list(padded[0:n])
    n1, n2, n3 = list(padded[4 : n + 4]), list(padded[5 : n + 5]), list(padded[6 : n + 6])
    sfx = ["1" if x else "0" for x in suffix_end]
    clause = ["1"] + ["1" if ch in "，。；：、,;:（(“ \n\t" else "0" for ch in text[:-1]]
    gram_p = ["^"] + gram[:-1]
    gram_n = gram[1:] + ["$"]
    cue = ["1" if text[i + 1 : i + 3] in _CUES or text[i + 1 : i + 2] in _CUES else "0" for i in range(n)]
    out = [
        [
            "b", "c=" + c, "t=" + _char_type(c), "p1=" + a1, "n1=" + b1, "p2=" + a2, "n2=" + b2, "p3=" + a3, "n3=" + b3,
            "p1c=" + a1 + c, "cn1=" + c + b1, "p1cn1=" + a1 + c + b1, "p2p1=" + a2 + a1, "n1n2=" + b1 + b2,
            "p2p1c=" + a2 + a1 + c, "cn1n2=" + c + b1 + b2, "sfx=" + sf, "sfxn1=" + sfn, "sfxp1=" + sfp,
            "jur=" + ("1" if c in _JURISDICTION else "0"), "cs=" + cs, "g=" + g, "gp1=" + gp, "gn1=" + gn,
            "z=" + z, "n2cue=" + cu,
        ]
        for c, a1, b1, a2, b2, a3, b3, sf, sfn, sfp, cs, g, gp, gn, z, cu in zip(
            c0, p1, n1, p2, n2, p3, n3, sfx, sfx[1:] + ["0"], ["0"] + sfx[:-1], clause, gram, gram_p, gram_n, seq.zone, cue
        )
    ]
    if gaz is not None:
        for f, gz, g in zip(out, gaz, gram):
            f.append("gz=" + gz)
            f.append("gzg=" + gz + g)
    for f, word in zip(out, _word_features(text)):
        f.extend(word)
    # Inside brackets a list separator does not end a name: 各省（自治区、直辖市）政府.
    depth = 0
    for f, ch in zip(out, text):
        depth = max(0, depth + (ch in "（(") - (ch in "）)"))
        f.append(f"br={min(depth, 1)}")
    return out


@lru_cache(maxsize=1)
def _segmenter() -> tuple[jieba.Tokenizer, dict[str, str]]:
    """jieba's dictionary segmenter and its word → part-of-speech table."""
    jieba.setLogLevel(logging.WARNING)
    jieba.posseg.dt.tokenizer.initialize()
    return jieba.posseg.dt.tokenizer, jieba.posseg.dt.word_tag_tab


def _word_features(text: str) -> list[list[str]]:
    """Word-level features per character: its position in its jieba word (B/M/E/S),
    the word's length and dictionary part of speech (`人民政府` nt, `办公厅` n) with
    that position, and the word itself, so that names in prose the character
    n-grams have not seen (`检察院`, `街道办事处`) still read as words of a kind; at a
    word's edges, the neighbouring word and its part of speech (`由|党政办公室`,
    `办公室|统一`), which mark where a name in prose begins and ends."""
    tokenizer, tags = _segmenter()
    out: list[list[str]] = []
    words = list(tokenizer.cut(text, HMM=False))
    for i, word in enumerate(words):
        n = len(word)
        tag = tags.get(word, "?") if n > 1 else "1"
        for k in range(n):
            pos = "S" if n == 1 else "B" if k == 0 else "E" if k == n - 1 else "M"
            feats = ["wp=" + pos, "wt=" + tag + pos, f"wl={min(n, 4)}{pos}"]
            if n > 1:
                feats.append("w=" + word)
            if k == 0:
                prev = words[i - 1] if i else "^"
                feats += ["pw=" + prev, "pwt=" + tags.get(prev, "?")]
            if k == n - 1:
                nxt = words[i + 1] if i + 1 < len(words) else "$"
                feats += ["nw=" + nxt, "nwt=" + tags.get(nxt, "?")]
            out.append(feats)
    return out


_SUFFIX_SET = frozenset(UNIT_SUFFIXES)


def windows(text: str, regions: Sequence[tuple[Span, list[Span]]]) -> list[Window]:
    """Windows of item regions around characters that can end a unit name.

    `regions` are (item region, unit cells of the item).
    """
    out = []
    for (r0, r1), cells in regions:
        spans: list[list[int]] = []
        marks = {m.end() - 1 for m in _MARK_TEXT.finditer(text, r0, r1)}
        for cs, ce in cells:
            marks.update(m.start() for m in _MARK_CELL.finditer(text, max(r0, cs), min(r1, ce)))
        for i in sorted(marks):
            a, b = max(r0, i - _WINDOW), min(r1, i + 4)
            if spans and a <= spans[-1][1]:
                spans[-1][1] = max(spans[-1][1], b)
            else:
                spans.append([a, b])
        for a, b in spans:
            zone = ["cell" if any(cs <= j < ce for cs, ce in cells) else "text" for j in range(a, b)]
            out.append(Window(a, text[a:b], zone))
    return out


def decode(seq: Window, labels: list[str]) -> list[Span]:
    """BIO labels → spans in text offsets (an I with nothing open starts a name)."""
    spans = []
    start = None
    for i, lab in enumerate(labels + ["O"]):
        if lab != "I" or start is None:
            if start is not None:
                spans.append((seq.start + start, seq.start + i))
            start = None if lab == "O" else i
    return spans


_ALIAS = re.compile(r"[（(][^（）()，,、。]{1,10}[）)]")


def _alias_bounds(text: str, span: Span) -> Span:
    """A name's bracketed alias belongs to it (`各责任处室（单位）`); a stray closing bracket does not."""
    s, e = span
    name = text[s:e]
    if name[-1] in "）)" and "（" not in name and "(" not in name:
        return s, e - 1
    alias = _ALIAS.match(text, e)
    if alias and (alias.group(0)[1:-1] in ("单位", "街道办", "街道") or alias.group(0)[-2] in _SUFFIX_LAST):
        return s, alias.end()
    return s, e


# What a decoded span says about names, beyond the CRF's labels. Each holds for every
# annotated name (tests/test_unit_names.py) and was found reading the held-out folds' errors:
# - prepositions, particles and negation are in no body's name: a span across one, where
#   jieba reads it as a word of its own, is two spans, or a name and the word before it
#   (报送至办公室, 区直部门在苏平行政服务中心, 街道办事处不办); after 等 comes a list's tail
#   (等相关处室), which is not a unit. Inside a word the character is no function word
#   (将乐县财政局, 向阳街道办事处, 不动产登记中心);
# - names inside a quoted platform name (“平潭综合实验区党工委、管委会”门户网站) are part
#   of the platform's name, which is not a unit;
# - a bracketed list inside a name is not its end (各省（自治区、直辖市）政府和…).
_FUNCTION_WORDS = frozenset("至在向由对将把从给不")
_PLATFORM = re.compile(r"门户网站|网站|平台|公众号|客户端|微博")
_QUOTE_REACH = 30
_SUFFIX_AFTER_BRACKET = re.compile(rf"(?:{SUFFIX_ALTERNATION})(?![\u4e00-\u9fff])|(?:人民政府|政府|党委)(?=[和及与要应负牵配])")


def _function_word_pieces(text: str, span: Span) -> list[Span]:
    """The parts of a span between function words (a list's tail after 等 dropped)."""
    s, e = span
    if not any(c in _FUNCTION_WORDS or c == "等" for c in text[s:e]):
        return [span]
    pieces, at = [], s
    for word, a, _ in _segmenter()[0].tokenize(text[s:e], HMM=False):
        if word == "等":
            e = s + a
            break
        if word in _FUNCTION_WORDS:
            pieces.append((at, s + a))
            at = s + a + 1
    pieces.append((at, e))
    return [(a, b) for a, b in pieces if b > a]


def _in_platform_name(text: str, span: Span) -> bool:
    """Whether `span` lies inside quotes that name a platform."""
    s, e = span
    opened = text.rfind("“", max(0, s - _QUOTE_REACH), s)
    if opened < 0 or "”" in text[opened:s]:
        return False
    closed = text.find("”", e, e + _QUOTE_REACH)
    return closed >= 0 and bool(_PLATFORM.search(text, closed - 4, closed) or _PLATFORM.match(text, closed + 1))


def _bracket_continued(text: str, span: Span) -> Span:
    """A span that ends at a bracket closing inside it takes the unit suffix printed right after."""
    s, e = span
    if text[e - 1] in "）)" and ("（" in text[s:e] or "(" in text[s:e]):
        m = _SUFFIX_AFTER_BRACKET.match(text, e)
        if m:
            return s, m.end()
    return s, e


def name_spans(text: str, span: Span) -> list[Span]:
    """The unit names a decoded span holds, under the constraints above."""
    return [
        _bracket_continued(text, _alias_bounds(text, piece))
        for piece in _function_word_pieces(text, span)
        if not _in_platform_name(text, piece)
    ]


class UnitCRF:
    """Train and apply the CRF; `use_gazetteer` adds gazetteer tags as features."""

    def __init__(self, model_path: Path | None = None, gazetteer: tuple[str, ...] = (), use_gazetteer: bool = True):
        self.use_gazetteer = use_gazetteer
        self.matcher = UnitMatcher(gazetteer)
        self.tagger = None
        if model_path is not None:
            self.tagger = pycrfsuite.Tagger()
            self.tagger.open(str(model_path))

    def predict(self, text: str, regions: Sequence[tuple[Span, list[Span]]]) -> list[Span]:
        out = []
        for seq in windows(text, regions):
            labels = self.tagger.tag(features(seq, self.matcher, self.use_gazetteer))
            for span in decode(seq, labels):
                out.extend(name_spans(text, span))
        return [s for s in out if s[1] - s[0] >= 2]


def train_crf(
    examples: Sequence[tuple[str, list[tuple[Span, list[Span]]], list[Span], UnitMatcher]],
    model_path: Path,
    use_gazetteer: bool,
    *,
    c1: float = 0.05,
    c2: float = 0.01,
    max_iterations: int = 150,
) -> None:
    """Train on (normalised text, item regions with cells, gold unit spans, gazetteer matcher) tuples.

    Each example brings its own matcher so that, in training, gazetteer tags come
    from the *other* notices' names (as they will for an unseen notice).
    """
    trainer = pycrfsuite.Trainer(verbose=False)
    for text, regions, gold, matcher in examples:
        for seq in windows(text, regions):
            tags = _tags(len(seq.chars), gold, seq.start)
            trainer.append(features(seq, matcher, use_gazetteer), tags)
    trainer.set_params({"c1": c1, "c2": c2, "max_iterations": max_iterations, "feature.possible_transitions": True})
    model_path.parent.mkdir(parents=True, exist_ok=True)
    trainer.train(str(model_path))


class UnitRecognizer:
    """spaCy component: unit-name candidates in every item's region, from the CRF."""

    def __init__(self, nlp: Language, name: str, model: str | None):
        self.name = name
        self.model = model
        self.crf: UnitCRF | None = None
        if model and (Path(model) / MODEL_FILE).exists():
            self.crf = load_crf(Path(model))

    def __call__(self, doc: Doc) -> Doc:
        if self.crf is None:
            doc.spans["unit_candidates"] = []
            return doc
        structure = doc._.structure
        regions = [
            (item.region, [c.span for c in item.cells if c.kind == "unit" and not c.inherited])
            for item in structure.items
        ]
        spans = []
        for s, e in self.crf.predict(doc._.normalized.text, regions):
            span = doc.char_span(s, e, label="UNIT", alignment_mode="expand")
            if span is not None:
                spans.append(span)
        doc.spans["unit_candidates"] = spans
        return doc

    def initialize(self, get_examples: Callable[[], Iterable[Example]] | None = None, nlp: Language | None = None) -> None:
        if self.model and (Path(self.model) / MODEL_FILE).exists():
            self.crf = load_crf(Path(self.model))


def load_crf(model_dir: Path) -> UnitCRF:
    meta = json.loads((model_dir / META_FILE).read_text(encoding="utf-8")) if (model_dir / META_FILE).exists() else {}
    gazetteer: tuple[str, ...] = ()
    gaz_file = model_dir / "gazetteer.txt"
    if gaz_file.exists():
        gazetteer = tuple(x for x in gaz_file.read_text(encoding="utf-8").splitlines() if x.strip())
    return UnitCRF(model_dir / MODEL_FILE, gazetteer, use_gazetteer=meta.get("gazetteer_features", False))


@Language.factory("policynlp_unit_recognizer", default_config={"model": None})
def make_unit_recognizer(nlp: Language, name: str, model: str | None) -> UnitRecognizer:
    return UnitRecognizer(nlp, name, model)
