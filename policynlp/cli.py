"""The `policynlp` command: parse, align, map, train, evaluate.

Unusable input exits with status 2 and one line on standard error; outputs are
written atomically, so a failed run never leaves a half-written file.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .errors import InputError
from .output import atomic_write_text, progress
from .texttable import table


def _load_document(path: str, nlp=None):
    """A notice file parsed, or a JSON document written by `policynlp parse`."""
    from .api import parse
    from .document import DOCUMENT_SCHEMA, Document
    from .textio import read_notice

    source = read_notice(path)
    stripped = source.text.lstrip()
    if stripped.startswith("{"):
        try:
            data = json.loads(stripped)
        except json.JSONDecodeError:
            data = None
        if isinstance(data, dict) and data.get("schema") == DOCUMENT_SCHEMA:
            return Document.from_dict(data)
    return parse(source.text, source.id, nlp=nlp)


def _document_table(doc) -> str:
    rows = []
    for it in doc.items:
        units = "；".join(f"{u.name}({u.role[0]}{'*' if u.inherited else ''})" for u in it.units)
        deadlines = "；".join(d.date or d.text for d in it.deadlines)
        text = it.text if len(it.text) <= 30 else it.text[:29] + "…"
        rows.append([it.id, text, units, deadlines, "、".join(it.verbs[:4])])
    head = f"{doc.id}: {doc.title or '(no title)'} | {doc.issuer or '-'} | {doc.date or '-'} | {len(doc.items)} items"
    return head + "\n" + table(rows, ["id", "text", "units (l/c/r, *=inherited)", "deadlines", "verbs"])


def cmd_parse(args: argparse.Namespace) -> int:
    from .api import load

    nlp = load(args.model) if args.model else None
    if args.model and not Path(args.model).is_dir():
        raise InputError(f"{args.model}: no such model directory")
    docs = [_load_document(f, nlp) for f in progress(args.files, len(args.files), "parse")]
    fmt = args.format or ("json" if len(docs) == 1 else "jsonl")
    if fmt == "json" and len(docs) > 1:
        fmt = "jsonl"
    if fmt == "table":
        out = "\n\n".join(_document_table(d) for d in docs) + "\n"
    elif fmt == "json":
        out = json.dumps(docs[0].to_dict(), ensure_ascii=False, indent=2) + "\n"
    else:
        out = "".join(json.dumps(d.to_dict(), ensure_ascii=False) + "\n" for d in docs)
    if args.out:
        out_dir = Path(args.out)
        for d in docs:
            atomic_write_text(out_dir / f"{d.id}.json", json.dumps(d.to_dict(), ensure_ascii=False, indent=2) + "\n")
        print(f"wrote {len(docs)} document(s) to {out_dir}", file=sys.stderr)
    else:
        sys.stdout.write(out)
    return 0


def cmd_align(args: argparse.Namespace) -> int:
    from .mapping import align, alignment_table

    child = _load_document(args.child)
    parent = _load_document(args.parent)
    alignment = align(child, parent)
    if args.format == "table":
        sys.stdout.write(alignment_table(alignment, child, parent) + "\n")
    else:
        sys.stdout.write(json.dumps(alignment.to_dict(), ensure_ascii=False, indent=2) + "\n")
    return 0


def cmd_map(args: argparse.Namespace) -> int:
    from .mapping import map_directory

    corpus = Path(args.corpus)
    if not corpus.is_dir():
        raise InputError(f"{corpus}: not a directory")
    report = map_directory(corpus, Path(args.out), progress=progress)
    sys.stdout.write(report + "\n")
    return 0


def cmd_train(args: argparse.Namespace) -> int:
    from .training import train_command

    sys.stdout.write(train_command(args.data, args.output, args.dev, args.gazetteer_features) + "\n")
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    from .evaluation import evaluate_command

    sys.stdout.write(evaluate_command(args.data, args.model, cv=args.cv, curve=args.curve, json_out=args.json) + "\n")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="policynlp", description="Chinese policy notices as structured data.")
    from . import __version__

    parser.add_argument("--version", action="version", version=f"policynlp {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("parse", help="parse notices into documents (JSON)")
    p.add_argument("files", nargs="+", metavar="FILE", help="notice files (text or HTML); - reads standard input")
    p.add_argument("--format", choices=["json", "jsonl", "table"])
    p.add_argument("--out", metavar="DIR", help="write one <id>.json per notice into DIR")
    p.add_argument("--model", metavar="MODEL_DIR", help="a unit recogniser trained by `policynlp train`")
    p.set_defaults(func=cmd_parse)

    p = sub.add_parser("align", help="align a local plan's items with its parent plan's items")
    p.add_argument("child", metavar="CHILD")
    p.add_argument("parent", metavar="PARENT")
    p.add_argument("--format", choices=["json", "table"], default="json")
    p.set_defaults(func=cmd_align)

    p = sub.add_parser("map", help="resolve and align every child→parent pair in a corpus directory")
    p.add_argument("corpus", metavar="CORPUS_DIR")
    p.add_argument("--out", metavar="DIR", default="out")
    p.set_defaults(func=cmd_map)

    p = sub.add_parser("train", help="train the unit recogniser on annotated notices")
    p.add_argument("data", nargs="+", metavar="DATA")
    p.add_argument("--output", required=True, metavar="MODEL_DIR")
    p.add_argument("--dev", nargs="+", metavar="DATA")
    p.add_argument("--gazetteer-features", action="store_true",
                   help="give the recogniser gazetteer tags as features (measured worse on unseen notices; see models/README.md)")
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("evaluate", help="score the pipeline on annotated notices")
    p.add_argument("data", nargs="+", metavar="DATA")
    p.add_argument("--model", metavar="MODEL_DIR")
    p.add_argument("--cv", action="store_true", help="leave-one-notice-out cross-validation")
    p.add_argument("--curve", action="store_true", help="with --cv: F1 against the number of training notices")
    p.add_argument("--json", metavar="FILE", help="also write the scores as JSON")
    p.set_defaults(func=cmd_evaluate)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except InputError as exc:
        print(f"policynlp: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        print("policynlp: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
