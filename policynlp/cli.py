"""The `policynlp` command: parse, align, map, train, evaluate, train-aligner, evaluate-aligner, corpus.

Unusable input exits with status 2 and one line on standard error; outputs are
written atomically, so a failed run never leaves a half-written file.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import InputError
from .output import atomic_write_text, progress
from .texttable import table

if TYPE_CHECKING:
    from .document import Document


def read_input(arg: str):
    """A notice named on the command line: a file, `-` (standard input), or the id of a
    notice of the project's manifests, read from the corpus root."""
    from .corpus import Corpus
    from .text.decode import Source, read_notice

    if arg == "-" or Path(arg).exists():
        return read_notice(arg)
    corpus = Corpus()
    try:
        entry = corpus.entry(arg)
    except InputError:
        raise InputError(f"{arg}: no such file or notice id") from None
    return Source(text=corpus.read_entry(entry), id=entry.id, path=str(corpus.locate(entry.path)))


def _load_document(path: str, nlp=None):
    """A notice (file or id) parsed, or a JSON document written by `policynlp parse`."""
    from .api import parse
    from .document import DOCUMENT_SCHEMA, Document

    source = read_input(path)
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


def _aligner_params(path: str | None) -> dict[str, Any] | None:
    """The aligner parameters in `path` (written by `train-aligner`), or None for the shipped ones."""
    from .mapping.assign import load_params

    if path is None:
        return None
    try:
        return load_params(path)
    except ValueError as exc:
        raise InputError(f"{path}: {exc}") from None


def _documents_by_id(paths: list[str]) -> dict[str, "Document"]:
    """The documents gold alignments name, by id.

    Annotated notices (the project's JSONL, doccano or Label Studio exports)
    give their gold items, so that the aligner is judged on alignment alone
    (a notice annotated without items is parsed); JSON written by `parse`
    (`.json`, `.jsonl`) is read as it is; any other file is a notice, parsed.
    """
    from .learning import load_annotations
    from .api import parse
    from .document import DOCUMENT_SCHEMA, Document
    from .mapping.gold import document_from_annotation

    docs: list[Document] = []
    for path in paths:
        p = Path(path)
        suffix = p.suffix.lower()
        if suffix in (".json", ".jsonl") and p.is_file():
            try:
                text = p.read_text(encoding="utf-8-sig")
                rows = [json.loads(line) for line in text.splitlines() if line.strip()] if suffix == ".jsonl" else [json.loads(text)]
            except (UnicodeDecodeError, json.JSONDecodeError):
                rows = []  # not ours: the annotation importers say what is wrong
            if rows and all(isinstance(r, dict) and r.get("schema") == DOCUMENT_SCHEMA for r in rows):
                docs += [Document.from_dict(r) for r in rows]
                continue
            docs += [document_from_annotation(n) if n.items else parse(n.text, n.id) for n in load_annotations([p])]
        else:
            docs.append(_load_document(path))
    by_id: dict[str, Document] = {}
    for d in docs:
        if d.id in by_id:
            raise InputError(f"two documents with id {d.id!r}")
        by_id[d.id] = d
    return by_id


def cmd_align(args: argparse.Namespace) -> int:
    from .mapping import align, alignment_table

    params = _aligner_params(args.params)
    child = _load_document(args.child)
    parent = _load_document(args.parent)
    alignment = align(child, parent, params=params)
    if args.format == "table":
        sys.stdout.write(alignment_table(alignment, child, parent) + "\n")
    else:
        sys.stdout.write(json.dumps(alignment.to_dict(), ensure_ascii=False, indent=2) + "\n")
    return 0


def cmd_map(args: argparse.Namespace) -> int:
    from .mapping import map_dataset, map_directory

    params = _aligner_params(args.params)
    if args.corpus_dir is None:
        from .corpus import Corpus, load_corpus, missing

        corpus = Corpus()
        absent = missing(corpus, args.manifests)
        if absent:
            print(f"policynlp: {len(absent)} notice(s) of the manifest are not under the corpus root "
                  f"({corpus.describe()}); mapping the {len(corpus.entries(args.manifests)) - len(absent)} present",
                  file=sys.stderr)
        report = map_dataset(load_corpus(corpus, args.manifests), Path(args.out), progress=progress, params=params)
    else:
        corpus_dir = Path(args.corpus_dir)
        if not corpus_dir.is_dir():
            raise InputError(f"{corpus_dir}: not a directory")
        report = map_directory(corpus_dir, Path(args.out), progress=progress, params=params)
    sys.stdout.write(report + "\n")
    return 0


def cmd_corpus_verify(args: argparse.Namespace) -> int:
    from .corpus import Corpus, verify

    corpus = Corpus(args.dir) if args.dir else Corpus()
    if corpus.root is None:
        raise InputError("no corpus root: give DIR, --corpus DIR or set POLICYNLP_CORPUS")
    ok, bad = verify(corpus, args.manifests)
    for entry, problem in bad:
        print(f"{entry.path}\t{entry.id}\t{problem}")
    if bad:
        first = bad[0]
        raise InputError(f"{corpus.root}: {len(bad)} of {len(ok) + len(bad)} notices fail verification, "
                         f"first {first[0].path} ({first[1]})")
    print(f"{len(ok)} notices present and intact under {corpus.root}")
    return 0


def cmd_corpus_fetch(args: argparse.Namespace) -> int:
    from .corpus import Corpus
    from .corpus.fetch import fetch, missing_message

    to = Path(args.to)
    if to.exists() and not to.is_dir():
        raise InputError(f"{to}: not a directory")
    source_dir = Path(args.source) if args.source else None
    if source_dir is not None and not source_dir.is_dir():
        raise InputError(f"{source_dir}: not a directory")
    report = fetch(Corpus(), to, source_dir=source_dir, which=args.manifests, progress=progress)
    print(f"{to}: {report.summary()}")
    if report.missing:
        raise InputError(missing_message(report, to))
    return 0


def _gold_dir(path: str) -> Path:
    gold = Path(path)
    if not gold.is_dir():
        raise InputError(f"{gold}: not a directory of gold alignments")
    return gold


def cmd_train_aligner(args: argparse.Namespace) -> int:
    from .mapping.tune import tune

    gold = _gold_dir(args.gold)
    docs = _documents_by_id(args.data)
    try:
        params, report = tune(gold, docs, progress=progress)
    except ValueError as exc:
        raise InputError(str(exc)) from None
    atomic_write_text(Path(args.output), json.dumps(params, ensure_ascii=False, indent=2) + "\n")
    sys.stdout.write(report + f"\nwrote {args.output}\n")
    return 0


def cmd_evaluate_aligner(args: argparse.Namespace) -> int:
    from .mapping.gold import evaluate, report

    gold = _gold_dir(args.gold)
    params = _aligner_params(args.params)
    docs = _documents_by_id(args.data)
    try:
        results = evaluate(params, gold, docs)
    except ValueError as exc:
        raise InputError(str(exc)) from None
    if args.json:
        atomic_write_text(Path(args.json), json.dumps(results, ensure_ascii=False, indent=2) + "\n")
    sys.stdout.write(report(results) + "\n")
    return 0


def cmd_train(args: argparse.Namespace) -> int:
    from .learning import load_annotations
    from .learning.training import train_model

    train = load_annotations(args.data)
    out = train_model(train, Path(args.output), gazetteer_features=args.gazetteer_features)
    sys.stdout.write(f"trained on {len(train)} notices → {out}\n")
    if args.dev:
        from .api import load
        from .learning.evaluation import evaluate_notices, format_scores

        scores = evaluate_notices(load_annotations(args.dev), load(out))
        sys.stdout.write(format_scores(scores, title="dev scores") + "\n")
    return 0


def cmd_annotations(args: argparse.Namespace) -> int:
    from .learning.authoring import main as authoring_main

    return authoring_main(args.rest)


def cmd_evaluate(args: argparse.Namespace) -> int:
    from .learning.evaluation import evaluate_command

    sys.stdout.write(evaluate_command(args.data, args.model, cv=args.cv, by=args.by, curve=args.curve, json_out=args.json) + "\n")
    return 0


PARAMS_HELP = "aligner parameters written by `train-aligner` (default: the shipped ones)"
MANIFEST_CHOICES = {"manifest": ("manifest",), "dev": ("dev",), "all": ("manifest", "dev")}


def _manifests(value: str) -> tuple[str, ...]:
    if value not in MANIFEST_CHOICES:
        raise argparse.ArgumentTypeError(f"expected one of {', '.join(MANIFEST_CHOICES)}")
    return MANIFEST_CHOICES[value]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="policynlp", description="Chinese policy notices as structured data.")
    from . import __version__

    parser.add_argument("--version", action="version", version=f"policynlp {__version__}")
    parser.add_argument("--corpus", metavar="DIR",
                        help="corpus root holding the notices by path (default: $POLICYNLP_CORPUS, else "
                             "../shared/corpora beside the checkout, else the bundled seeds only)")
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
    p.add_argument("--params", metavar="PARAMS", help=PARAMS_HELP)
    p.set_defaults(func=cmd_align)

    p = sub.add_parser("map", help="resolve and align every child→parent pair in a corpus directory")
    p.add_argument("corpus_dir", metavar="CORPUS_DIR", nargs="?",
                   help="a directory of notices (its manifest.jsonl names them); default: the project's corpus")
    p.add_argument("--manifest", dest="manifests", default="manifest", type=_manifests,
                   help="without CORPUS_DIR: which of the project's manifests to map (default: manifest)")
    p.add_argument("--out", metavar="DIR", default="out")
    p.add_argument("--params", metavar="PARAMS", help=PARAMS_HELP)
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
    p.add_argument("--cv", action="store_true", help="cross-validation: leave-one-notice-out, or with --by one group out")
    p.add_argument("--by", choices=["source", "province", "layout"],
                   help="with --cv: hold out one source (province, layout family) at a time")
    p.add_argument("--curve", action="store_true",
                   help="with --cv: F1 against the number of training notices (with --by: of training groups)")
    p.add_argument("--json", metavar="FILE", help="also write the scores as JSON")
    p.set_defaults(func=cmd_evaluate)

    gold_help = "directory of gold alignments, one <child>__<parent>.yaml per pair (see corpora/alignments/README.md)"
    data_help = "the documents they name: annotated notices (gold items), `parse` JSON, or notice files (parsed)"
    p = sub.add_parser("train-aligner", help="learn the aligner's parameters from gold alignments")
    p.add_argument("gold", metavar="GOLD_DIR", help=gold_help)
    p.add_argument("data", nargs="+", metavar="DATA", help=data_help)
    p.add_argument("--output", required=True, metavar="PARAMS", help="where to write the parameters (JSON)")
    p.set_defaults(func=cmd_train_aligner)

    p = sub.add_parser("evaluate-aligner", help="score the aligner against gold alignments, pair by pair")
    p.add_argument("gold", metavar="GOLD_DIR", help=gold_help)
    p.add_argument("data", nargs="+", metavar="DATA", help=data_help)
    p.add_argument("--params", metavar="PARAMS", help=PARAMS_HELP)
    p.add_argument("--json", metavar="FILE", help="also write the scores as JSON")
    p.set_defaults(func=cmd_evaluate_aligner)

    p = sub.add_parser("annotations", help="the annotations' authoring files: compile, show, view (see corpora/annotations/FORMAT.md)",
                       add_help=False)
    p.add_argument("rest", nargs=argparse.REMAINDER, metavar="compile|show|view ...")
    p.set_defaults(func=cmd_annotations)

    corpus_parser = sub.add_parser("corpus", help="check or obtain the corpus root")
    corpus_sub = corpus_parser.add_subparsers(dest="corpus_command", required=True)
    manifest_help = "which of the project's manifests (default: all)"
    p = corpus_sub.add_parser("verify", help="check that every notice of the manifests is present and intact")
    p.add_argument("dir", metavar="DIR", nargs="?", help="the corpus root (default: the one in use)")
    p.add_argument("--manifest", dest="manifests", default="all", type=_manifests, help=manifest_help)
    p.set_defaults(func=cmd_corpus_verify)
    p = corpus_sub.add_parser("fetch", help="download every notice from its upstream source (or copy it --from a directory)")
    p.add_argument("--to", required=True, metavar="DIR", help="the corpus root to fill")
    p.add_argument("--from", dest="source", metavar="DIR", help="a directory laid out as the corpus root to copy from")
    p.add_argument("--manifest", dest="manifests", default="all", type=_manifests, help=manifest_help)
    p.set_defaults(func=cmd_corpus_fetch)
    return parser


def main(argv: list[str] | None = None) -> int:
    from .corpus.root import ENV_VAR

    parser = build_parser()
    args = parser.parse_args(argv)
    saved = os.environ.get(ENV_VAR)
    try:
        if args.corpus:
            if not Path(args.corpus).is_dir():
                raise InputError(f"{args.corpus}: corpus root is not a directory")
            os.environ[ENV_VAR] = args.corpus  # every Corpus() of this run reads it
        return args.func(args)
    except InputError as exc:
        print(f"policynlp: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        print("policynlp: interrupted", file=sys.stderr)
        return 130
    finally:
        if saved is None:
            os.environ.pop(ENV_VAR, None)
        else:
            os.environ[ENV_VAR] = saved


if __name__ == "__main__":
    raise SystemExit(main())
