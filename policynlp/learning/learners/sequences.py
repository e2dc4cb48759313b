"""Character sequences with BIO tags of unit names: the data every peer learner sees.

A notice is normalised and parsed (`policynlp.learning.training.prepare`); each item
region of its structure becomes one sequence of characters, and every gold
`UNIT` span lying wholly inside the region is tagged B-UNIT / I-UNIT. Offsets
are those of the normalised text, so predictions of every learner can be
scored against the same gold spans.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Sequence

Span = tuple[int, int]
LABEL = "UNIT"


@dataclass
class CharSequence:
    """One item region: its start offset in the normalised text, its characters and its gold spans (absolute)."""

    start: int
    text: str
    gold: list[Span] = field(default_factory=list)

    @property
    def end(self) -> int:
        return self.start + len(self.text)

    def tags(self) -> list[str]:
        """BIO tags, one per character, of the gold spans."""
        return bio_tags(len(self.text), [(s - self.start, e - self.start) for s, e in self.gold])


def bio_tags(n: int, spans: Iterable[Span], label: str = LABEL) -> list[str]:
    """BIO tags of `spans` (relative offsets) over `n` characters; a later overlapping span loses."""
    tags = ["O"] * n
    for s, e in sorted(spans):
        if not (0 <= s < e <= n) or any(t != "O" for t in tags[s:e]):
            continue
        tags[s] = "B-" + label
        for i in range(s + 1, e):
            tags[i] = "I-" + label
    return tags


def bio_spans(tags: Sequence[str]) -> list[Span]:
    """Spans (relative, end exclusive) of a BIO sequence; a stray I- opens a span, as conlleval does."""
    spans: list[Span] = []
    start = None
    for i, t in enumerate(list(tags) + ["O"]):
        inside = t.startswith("I-") or t == "I"
        if start is not None and not inside:
            spans.append((start, i))
            start = None
        if t.startswith("B-") or t == "B" or (inside and start is None):
            start = i
    return spans


def item_sequences(text: str, regions: Sequence[tuple[Span, list[Span]]], gold: Iterable[Span]) -> list[CharSequence]:
    """One sequence per item region (as `prepare` gives them), with the gold spans inside it."""
    gold = sorted(set(gold))
    out = []
    for (r0, r1), _cells in regions:
        if r1 <= r0:
            continue
        out.append(CharSequence(r0, text[r0:r1], [(s, e) for s, e in gold if r0 <= s and e <= r1]))
    return out


_SENTENCE_END = re.compile(r"(?<=[。；！？\n])(?=\S)")


def sentences(seqs: Iterable[CharSequence]) -> list[CharSequence]:
    """The sequences cut after 。；！？ and line breaks (no unit name holds one), gold spans kept.

    Whitespace after a cut stays with the sentence before it.

    Item regions run to 500 characters; sentences average 40. The peers train
    and predict on sentences: it is the usual unit for a neural tagger, and
    HanLP's packed BiLSTM costs time in proportion to sequence length.
    A gold span that a cut would split (none in the corpus) keeps its sentence whole.
    """
    out = []
    for seq in seqs:
        cuts = [m.start() for m in _SENTENCE_END.finditer(seq.text) if 0 < m.start() < len(seq.text)]
        cuts = [c for c in cuts if not any(s < seq.start + c < e for s, e in seq.gold)]
        a = 0
        for b in cuts + [len(seq.text)]:
            if b > a:
                s0, s1 = seq.start + a, seq.start + b
                out.append(CharSequence(s0, seq.text[a:b], [(s, e) for s, e in seq.gold if s0 <= s and e <= s1]))
            a = b
    return out


def gold_in_regions(gold: Iterable[Span], regions: Sequence[tuple[Span, list[Span]]]) -> set[Span]:
    """The gold spans that lie wholly inside some item region (what is scored)."""
    return {(s, e) for s, e in gold if any(r0 <= s and e <= r1 for (r0, r1), _ in regions)}


def score(predicted: Iterable[Span], gold: Iterable[Span]) -> dict[str, float]:
    """Exact-span precision, recall and F1 with the counts behind them."""
    p, g = set(predicted), set(gold)
    tp = len(p & g)
    prec = tp / len(p) if p else 0.0
    rec = tp / len(g) if g else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return {"p": prec, "r": rec, "f": f1, "tp": tp, "pred": len(p), "gold": len(g)}
