"""The gold alignments of `corpora/alignments/` and scoring against them.

    python -m policynlp.mapping.gold      # score the shipped parameters, pair by pair

Documents are built from the gold annotations (`corpora/annotations/notices.jsonl`):
items with their gold ids, text and title spans, so that the aligner is judged
on alignment alone, not on parsing.
"""
from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..learning import load_annotations
from ..learning.annotations import AnnotatedNotice
from ..entities.docnumber import parse_doc_number
from ..document import CitedDocument, DocNumber, Document, Item
from .alignment import RELATIONS, Alignment

REPO = Path(__file__).resolve().parents[2]
GOLD_DIR = REPO / "corpora" / "alignments"
ANNOTATIONS = REPO / "corpora" / "annotations" / "notices.jsonl"


@dataclass
class GoldPair:
    """One gold alignment file."""

    name: str
    child: str
    parent: str
    links: dict[tuple[str, str], str]  # (child item, parent item) → relation
    child_unmatched: set[str]
    parent_unmatched: set[str]


def load_gold(directory: Path = GOLD_DIR) -> list[GoldPair]:
    """Every `<child>__<parent>.yaml` in `directory`, sorted by name; ValueError naming the file if one is malformed."""
    pairs = []
    for path in sorted(Path(directory).glob("*.yaml")):
        try:
            d = yaml.safe_load(path.read_text(encoding="utf-8"))
            links = {(str(x["child_item"]), str(x["parent_item"])): x["relation"] for x in d["links"] or []}
            bad = sorted({r for r in links.values() if r not in RELATIONS})
            if bad:
                raise ValueError(f"unknown relation {bad[0]!r} (one of {', '.join(RELATIONS)})")
            pair = GoldPair(
                path.stem, str(d["child"]), str(d["parent"]), links,
                {str(x) for x in d["child_unmatched"] or []}, {str(x) for x in d["parent_unmatched"] or []},
            )
        except (OSError, UnicodeDecodeError, yaml.YAMLError, TypeError, KeyError, ValueError) as exc:
            what = f"missing {exc}" if isinstance(exc, KeyError) else str(exc).splitlines()[0]
            raise ValueError(f"{path}: not a gold alignment ({what})") from None
        pairs.append(pair)
    return pairs


def check_gold(gold: list[GoldPair], documents: dict[str, Document]) -> None:
    """ValueError unless every gold pair's documents are given and its item ids are theirs."""
    if not gold:
        raise ValueError("no gold alignment files (<child>__<parent>.yaml)")
    for g in gold:
        for role, doc_id, ids in (("child", g.child, {c for c, _ in g.links} | g.child_unmatched),
                                  ("parent", g.parent, {p for _, p in g.links} | g.parent_unmatched)):
            if doc_id not in documents:
                raise ValueError(f"{g.name}: {role} document {doc_id!r} is not among the documents given")
            unknown = sorted(ids - {it.id for it in documents[doc_id].items})
            if unknown:
                raise ValueError(f"{g.name}: {role} item {unknown[0]!r} is not an item of {doc_id!r}")


def _doc_number(text: str | None, notice: AnnotatedNotice) -> DocNumber | None:
    if not text:
        return None
    try:
        code, year, serial = parse_doc_number(text)
    except ValueError:
        return None
    at = notice.text.find(text)
    return DocNumber(text, code, year, serial, (at, at + len(text)) if at >= 0 else (0, 0))


def document_from_annotation(notice: AnnotatedNotice) -> Document:
    """A Document of the notice's gold items (id, number, path, text, title), number and citations."""
    items = []
    for it in notice.items:
        s, e = it.span
        title = notice.text[it.title_span[0]:it.title_span[1]] if it.title_span else None
        items.append(Item(id=it.id, number=it.number, path=list(it.path), text=notice.text[s:e], span=(s, e),
                          title=title, title_span=it.title_span))
    d = notice.document
    return Document(
        id=notice.id, title=d.get("title"), issuer=d.get("issuer"), doc_number=_doc_number(d.get("doc_number"), notice),
        date=d.get("date"), recipients=list(d.get("recipients") or []), doc_numbers=[], deadlines=[],
        cited_documents=[CitedDocument(c.get("title") or "", _doc_number(c.get("doc_number"), notice))
                         for c in notice.cited_documents],
        items=items, text=notice.text,
    )


def gold_documents(path: Path = ANNOTATIONS) -> dict[str, Document]:
    """Every annotated notice as a Document of gold items, by id."""
    return {n.id: document_from_annotation(n) for n in load_annotations([path])}


def score(alignment: Alignment, gold: GoldPair) -> dict[str, Any]:
    """Link precision and recall, relation accuracy on the correct links, exactness of the unmatched sets."""
    predicted = {(x.child_item, x.parent_item): x.relation for x in alignment.links}
    correct = predicted.keys() & gold.links.keys()
    same_relation = sum(predicted[k] == gold.links[k] for k in correct)
    return {
        "links": len(gold.links),
        "predicted": len(predicted),
        "correct": len(correct),
        "precision": len(correct) / len(predicted) if predicted else 1.0,
        "recall": len(correct) / len(gold.links) if gold.links else 1.0,
        "relation_accuracy": same_relation / len(correct) if correct else 1.0,
        "child_unmatched_exact": set(alignment.child_unmatched) == gold.child_unmatched,
        "parent_unmatched_exact": set(alignment.parent_unmatched) == gold.parent_unmatched,
        "missed": sorted(gold.links.keys() - predicted.keys()),
        "spurious": sorted(predicted.keys() - gold.links.keys()),
        "wrong_relation": sorted((k, predicted[k], gold.links[k]) for k in correct if predicted[k] != gold.links[k]),
    }


def report(results: dict[str, dict[str, Any]]) -> str:
    """A table of `score` results by pair, with micro-averaged totals."""
    lines = [f"{'pair':34} {'links':>5} {'P':>6} {'R':>6} {'rel':>6}  unmatched(child/parent)"]
    tot = {"links": 0, "predicted": 0, "correct": 0, "rel": 0.0}
    for name, r in results.items():
        lines.append(
            f"{name:34} {r['links']:5d} {r['precision']:6.3f} {r['recall']:6.3f} {r['relation_accuracy']:6.3f}  "
            f"{'exact' if r['child_unmatched_exact'] else 'WRONG'}/{'exact' if r['parent_unmatched_exact'] else 'WRONG'}"
        )
        for key in ("missed", "spurious", "wrong_relation"):
            if r[key]:
                lines.append(f"    {key}: {r[key]}")
        tot["links"] += r["links"]
        tot["predicted"] += r["predicted"]
        tot["correct"] += r["correct"]
        tot["rel"] += r["relation_accuracy"] * r["correct"]
    p = tot["correct"] / tot["predicted"] if tot["predicted"] else 1.0
    rc = tot["correct"] / tot["links"] if tot["links"] else 1.0
    ra = tot["rel"] / tot["correct"] if tot["correct"] else 1.0
    lines.append(f"{'all (micro)':34} {tot['links']:5d} {p:6.3f} {rc:6.3f} {ra:6.3f}")
    return "\n".join(lines)


def evaluate(
    params: dict[str, Any] | None = None, gold_dir: Path = GOLD_DIR, documents: dict[str, Document] | None = None
) -> dict[str, dict[str, Any]]:
    """Align every gold pair and score it; by default on the gold-item documents of the project's annotations."""
    from .core import align

    gold = load_gold(gold_dir)
    docs = gold_documents() if documents is None else documents
    check_gold(gold, docs)
    return {g.name: score(align(docs[g.child], docs[g.parent], params=params), g) for g in gold}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m policynlp.mapping.gold", description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=GOLD_DIR, help="directory of gold alignment files")
    args = parser.parse_args(argv)
    print(report(evaluate(gold_dir=args.gold)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
