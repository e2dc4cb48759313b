"""Learned unit-name recognisers side by side, leave-one-notice-out (issue 4).

Three learners, trained on the same folds of corpora/annotations/notices.jsonl
in the same run, each scored on the held-out notice's unit names:

- crf:   policynlp's own statistical recogniser alone (python-crfsuite CRF,
         as shipped, no gazetteer features: `policynlp.learning.training.train_model(...)`,
         applied with `load_crf(dir).predict(text, regions)`, no rules);
- hanlp: HanLP 2.1.5's BiLSTM-CRF (`RNNNamedEntityRecognizer`) with its CRF axis
         corrected (`policynlp.learning.learners.hanlp_ner`), random character embeddings;
- spacy: spaCy 3.8's NER from scratch on character tokens, trained by spaCy's own
         loop from configs/unit_ner.cfg (`policynlp.learning.learners.spacy_ner`).

Folds: every annotated notice that has items is held out once; the model is
trained on all the other notices but the held-out one's copies (as `policynlp
evaluate --cv` does). Data:
each notice is normalised and parsed (`policynlp.learning.training.prepare`); its item
regions are the sequences, gold = its UNIT spans in normalised offsets. The CRF
reads the regions itself (its own windows); the peers get the regions cut into
sentences (`policynlp.learning.learners.sequences.sentences`: after 。；！？ and line
breaks, which no unit name contains). The held-out notice is parsed with the
training notices' unit list, as the pipeline does with a trained model's
gazetteer.txt. Score: exact unit-name spans inside item regions; P/R/F1 per
fold, micro-averaged over all folds, and F1 averaged over folds (the issue's
acceptance figure: CRF ≥ 0.92 and above HanLP's).

Set-up (a separate venv, so the main one stays light; torch FIRST, from the
CPU wheel on disk, or pip pulls a CUDA build):

    python3 -m venv .venv-peers
    .venv-peers/bin/python -m pip install --upgrade pip
    .venv-peers/bin/python -m pip install torch==2.13.0
    .venv-peers/bin/python -m pip install -e ".[hanlp]"     # hanlp==2.1.5 + policynlp

Run (30 minutes on two idle cores for all 22 folds, 1,698 s measured 2026-12-03; nothing is downloaded):

    .venv-peers/bin/python benchmarks/bench_units_learned.py            # all folds
    .venv-peers/bin/python benchmarks/bench_units_learned.py --folds 4  # 4 folds, seeded choice

writes out/bench_units_learned.json. Timings: wall seconds and CPU seconds of
the worker (one thread each); compare ratios within one run.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
LEARNERS = ("crf", "hanlp", "spacy")
NAMES = {
    "crf": "policynlp CRF alone (no rules, no gazetteer)",
    "hanlp": "HanLP 2.1.5 BiLSTM-CRF, CRF fixed, random embeddings",
    "spacy": "spaCy 3.8 NER from scratch, configs/unit_ner.cfg",
}


def _single_threaded() -> None:
    """One thread per worker process (two workers share two cores), and glibc's malloc kept from
    unmapping: torch's LSTM allocates a block over the mmap threshold at every time step, and
    returning each to the kernel triples HanLP's training time (page faults; measured)."""
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL("libc.so.6")
            M_TRIM_THRESHOLD, M_TOP_PAD, M_MMAP_THRESHOLD = -1, -2, -3
            libc.mallopt(M_MMAP_THRESHOLD, 256 << 20)
            libc.mallopt(M_TRIM_THRESHOLD, 1 << 30)
            libc.mallopt(M_TOP_PAD, 64 << 20)
        except OSError:
            pass


class Clock:
    def __enter__(self) -> "Clock":
        self.w0, self.c0 = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.wall = time.perf_counter() - self.w0
        self.cpu = time.process_time() - self.c0


def run_fold(task: dict[str, Any]) -> dict[str, Any]:
    """Train the learners on all notices but one and score them on that one (runs in a worker)."""
    _single_threaded()
    from policynlp.learning import load_annotations
    from policynlp.entities.recognizer import load_crf
    from policynlp.learning.evaluation import training_notices
    from policynlp.learning.learners.sequences import gold_in_regions, item_sequences, score, sentences
    from policynlp.learning.training import prepare, train_model, unit_names

    notices = load_annotations([task["data"]])
    held = next(n for n in notices if n.id == task["held"])
    train = training_notices([held], notices)
    p = prepare(held, unit_names(train))
    gold = gold_in_regions(p.gold_units, p.regions)
    test_seqs = sentences(item_sequences(p.nt.text, p.regions, p.gold_units))
    # Training notices parsed as train_model parses them: each with the other training notices' names.
    train_seqs = [s for n in train for s in sentences(item_sequences(*_data(prepare(n, unit_names([m for m in train if m is not n])))))]
    n_chars = sum(b - a for (a, b), _ in p.regions)
    seed = task["seed"]
    out: dict[str, Any] = {"held_out": held.id, "gold": len(gold), "test_chars": n_chars,
                           "train_notices": len(train), "train_sequences": len(train_seqs), "learners": {}}

    def record(name: str, trained: Clock, predicted: Clock, spans: list[tuple[int, int]]) -> None:
        s = score(spans, gold)
        s.update(train_s=round(trained.wall, 2), train_cpu_s=round(trained.cpu, 2),
                 predict_s=round(predicted.wall, 3), predict_chars_per_s=round(n_chars / max(predicted.wall, 1e-9)))
        out["learners"][name] = s

    with tempfile.TemporaryDirectory(prefix=f"bench_{held.id}_") as tmp:
        if "crf" in task["learners"]:
            with Clock() as tr:
                model_dir = train_model(train, Path(tmp) / "crf")
                crf = load_crf(model_dir)
            with Clock() as pr:
                spans = sorted(set(crf.predict(p.nt.text, p.regions)))
            record("crf", tr, pr, spans)
        if "hanlp" in task["learners"]:
            import torch

            torch.set_num_threads(1)
            from policynlp.learning.learners import hanlp_ner

            with Clock() as tr:
                model = hanlp_ner.train(train_seqs, Path(tmp) / "hanlp", seed=seed, **task["hanlp"])
            with Clock() as pr:
                spans = hanlp_ner.predict(model, test_seqs)
            record("hanlp", tr, pr, spans)
        if "spacy" in task["learners"]:
            from policynlp.learning.learners import spacy_ner

            with Clock() as tr:
                nlp = spacy_ner.train(train_seqs, config_path=task["spacy_config"], seed=seed,
                                      overrides=task["spacy_overrides"])
            with Clock() as pr:
                spans = spacy_ner.predict(nlp, test_seqs)
            record("spacy", tr, pr, spans)
    return out


def summarise(folds: list[dict[str, Any]], learners: list[str]) -> dict[str, Any]:
    summary = {}
    for name in learners:
        rows = [f["learners"][name] for f in folds]
        tp, pred, gold = (sum(r[k] for r in rows) for k in ("tp", "pred", "gold"))
        p = tp / pred if pred else 0.0
        r = tp / gold if gold else 0.0
        summary[name] = {
            "learner": NAMES[name],
            "micro": {"p": p, "r": r, "f": 2 * p * r / (p + r) if p + r else 0.0, "tp": tp, "pred": pred, "gold": gold},
            "fold_avg_f1": sum(x["f"] for x in rows) / len(rows),
            "fold_min_f1": min(x["f"] for x in rows),
            "train_s": round(sum(x["train_s"] for x in rows), 1),
            "train_cpu_s": round(sum(x["train_cpu_s"] for x in rows), 1),
            "predict_s": round(sum(x["predict_s"] for x in rows), 2),
            "predict_chars_per_s": round(sum(f["test_chars"] for f in folds) / max(sum(x["predict_s"] for x in rows), 1e-9)),
        }
    return summary


def table(folds: list[dict[str, Any]], summary: dict[str, Any], learners: list[str]) -> str:
    head = f"{'held-out notice':24s} {'gold':>5s} " + " ".join(f"{n + ' P/R/F1':>20s}" for n in learners)
    lines = [head, "-" * len(head)]
    for f in folds:
        cells = " ".join(f"{r['p']:.3f}/{r['r']:.3f}/{r['f']:.3f}".rjust(20) for r in (f["learners"][n] for n in learners))
        lines.append(f"{f['held_out']:24s} {f['gold']:5d} {cells}")
    lines.append("-" * len(head))
    gold = sum(f["gold"] for f in folds)
    micro = " ".join(f"{s['p']:.3f}/{s['r']:.3f}/{s['f']:.3f}".rjust(20) for s in (summary[n]["micro"] for n in learners))
    lines.append(f"{'micro-averaged':24s} {gold:5d} {micro}")
    lines.append(f"{'F1 averaged over folds':30s} " + " ".join(f"{summary[n]['fold_avg_f1']:20.3f}" for n in learners))
    lines.append(f"{'lowest fold F1':30s} " + " ".join(f"{summary[n]['fold_min_f1']:20.3f}" for n in learners))
    lines.append("")
    lines.append(f"{'learner':8s} {'train s':>9s} {'train CPU s':>12s} {'predict s':>10s} {'predict chars/s':>16s}  (summed over folds)")
    for n in learners:
        s = summary[n]
        lines.append(f"{n:8s} {s['train_s']:9.1f} {s['train_cpu_s']:12.1f} {s['predict_s']:10.2f} {s['predict_chars_per_s']:16d}  {s['learner']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=str(ROOT / "corpora/annotations/notices.jsonl"))
    ap.add_argument("--folds", default="all", help="'all' (default), a number N of folds drawn with --seed, or held-out ids separated by commas")
    ap.add_argument("--learners", default=",".join(LEARNERS), help="comma-separated subset of crf,hanlp,spacy")
    ap.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1), help="folds trained at once, one process each (default 2)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--hanlp-epochs", type=int, default=5)
    ap.add_argument("--hanlp-batch-size", type=int, default=16)
    ap.add_argument("--hanlp-lr", type=float, default=0.003)
    ap.add_argument("--spacy-config", default=str(ROOT / "configs/unit_ner.cfg"))
    ap.add_argument("--spacy-steps", type=int, default=None, help="override training.max_steps of the config")
    ap.add_argument("--out", default=str(ROOT / "out/bench_units_learned.json"))
    ap.add_argument("--check", action="store_true", help="exit 1 unless the CRF's fold-averaged F1 is ≥ 0.92 and above HanLP's")
    args = ap.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    from policynlp.learning import load_annotations

    learners = [x for x in args.learners.split(",") if x]
    unknown = set(learners) - set(LEARNERS)
    if unknown:
        ap.error(f"unknown learners: {sorted(unknown)}")
    notices = load_annotations([args.data])
    held = [n.id for n in notices if n.items]
    if args.folds != "all":
        if args.folds.isdigit():
            rng = random.Random(args.seed)
            held = sorted(rng.sample(held, min(int(args.folds), len(held))), key=held.index)
        else:
            wanted = args.folds.split(",")
            missing = [x for x in wanted if x not in held]
            if missing:
                ap.error(f"not an annotated notice with items: {missing}")
            held = wanted
    spacy_overrides = {"training.max_steps": args.spacy_steps} if args.spacy_steps else {}
    tasks = [{"data": args.data, "held": h, "learners": learners, "seed": args.seed,
              "hanlp": {"epochs": args.hanlp_epochs, "batch_size": args.hanlp_batch_size, "lr": args.hanlp_lr},
              "spacy_config": args.spacy_config, "spacy_overrides": spacy_overrides} for h in held]

    print(f"{len(held)} folds, learners {learners}, {args.jobs} worker(s)", file=sys.stderr, flush=True)
    t0 = time.perf_counter()
    folds: list[dict[str, Any]] = []
    with ProcessPoolExecutor(max_workers=args.jobs, mp_context=get_context("spawn")) as pool:
        for f in pool.map(run_fold, tasks):
            folds.append(f)
            brief = "  ".join(f"{n} F1 {f['learners'][n]['f']:.3f}" for n in learners)
            print(f"[{len(folds)}/{len(held)}] {f['held_out']}: {brief}  ({time.perf_counter() - t0:.0f} s)",
                  file=sys.stderr, flush=True)
    elapsed = time.perf_counter() - t0

    summary = summarise(folds, learners)
    print(table(folds, summary, learners))
    print(f"\ntotal {elapsed:.0f} s wall, {len(held)} folds, {args.jobs} worker(s)")
    verdict = None
    if "crf" in learners:
        crf = summary["crf"]["fold_avg_f1"]
        verdict = {"crf_fold_avg_f1": crf, "crf_reaches_0.92": crf >= 0.92}
        line = f"acceptance: CRF alone fold-averaged F1 {crf:.3f} {'≥' if crf >= 0.92 else '<'} 0.92"
        if "hanlp" in learners:
            h = summary["hanlp"]["fold_avg_f1"]
            verdict["crf_beats_hanlp"] = crf > h
            line += f"; {'beats' if crf > h else 'does not beat'} HanLP BiLSTM-CRF ({h:.3f})"
        print(line)
    result = {
        "benchmark": "unit names, leave-one-notice-out, learned recognisers",
        "data": os.path.relpath(args.data, ROOT) if args.data.startswith(str(ROOT)) else args.data,
        "folds_run": len(held), "seed": args.seed, "jobs": args.jobs, "elapsed_s": round(elapsed, 1),
        "settings": {"hanlp": tasks[0]["hanlp"] if tasks else {}, "spacy_config": os.path.relpath(args.spacy_config, ROOT),
                     "spacy_overrides": spacy_overrides},
        "environment": _versions(),
        "summary": summary, "acceptance": verdict, "folds": folds,
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out}")
    if args.check and verdict and not (verdict["crf_reaches_0.92"] and verdict.get("crf_beats_hanlp", True)):
        return 1
    return 0


def _data(p):
    return p.nt.text, p.regions, p.gold_units


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    v = {"python": platform.python_version(), "machine": platform.machine(), "cpus": str(os.cpu_count())}
    for pkg in ("policynlp", "python-crfsuite", "spacy", "thinc", "hanlp", "torch"):
        try:
            v[pkg] = version(pkg)
        except PackageNotFoundError:
            v[pkg] = "absent"
    return v


if __name__ == "__main__":
    sys.exit(main())
