"""Scale of the parent aligner: N child items against 10N parent items.

    python benchmarks/bench_align_scale.py                 # N = 100, 1000, 10000
    python benchmarks/bench_align_scale.py --sizes 100 1000

Items are drawn from the gold items of the annotated notices and perturbed:
unit names swapped for local ones, sentences shuffled, characters deleted and
substituted. Parent items are 10N such draws; each child item is a further
perturbed copy of a random parent item, so it has a known origin (the gold
item both came from). Each size runs in a fresh process, so that its peak
resident memory is its own; the time is the whole `align` (preparing the
items, retrieval, local alignment, links and relations), as wall time and as
CPU time (the process and its alignment workers: on a machine other jobs
share, the CPU time is the steadier figure). The report gives both per N,
the peak memory, the growth exponent (slope of log time against log N), and
the share of child items linked to a parent item of the same origin.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

# Localisations a county or bureau makes of a provincial text, both ways.
UNIT_SWAPS = [
    ("各级各部门", "区直各单位"), ("省直各部门", "各部门"), ("各设区市", "各片区管理局"), ("各地", "区直有关单位"),
    ("各级政府", "县各部门"), ("省直有关单位", "局机关各处室"), ("各级行政机关", "各责任处室"), ("县级以上政府部门", "各有关单位"),
]
_SENTENCE = re.compile(r"[^。；！？]+[。；！？]?")


def gold_items() -> list[tuple[str, str]]:
    """(origin id, item text with its title) of every gold item."""
    from policynlp.learning import load_annotations

    out = []
    for notice in load_annotations([REPO / "corpora" / "annotations" / "notices.jsonl"]):
        for it in notice.items:
            title = notice.text[it.title_span[0]:it.title_span[1]] + "。" if it.title_span else ""
            out.append((f"{notice.id}/{it.id}", title + notice.text[it.span[0]:it.span[1]]))
    return out


def perturb(text: str, rng: random.Random, alphabet: str, rate: float) -> str:
    """Swap unit names, maybe shuffle two sentences, delete and substitute characters."""
    for a, b in UNIT_SWAPS:
        if rng.random() < 0.5:
            text = text.replace(a, b) if a in text else text.replace(b, a)
    sentences = _SENTENCE.findall(text)
    if len(sentences) > 2 and rng.random() < 0.3:
        i, j = rng.sample(range(len(sentences)), 2)
        sentences[i], sentences[j] = sentences[j], sentences[i]
    out = []
    for ch in "".join(sentences):
        r = rng.random()
        if r < rate:
            continue
        out.append(rng.choice(alphabet) if r < 2 * rate else ch)
    return "".join(out)


def make_items(n: int, seed: int) -> tuple[list, list, list[str], list[str]]:
    """N child and 10N parent Items, and the origin of each."""
    from policynlp.document import Item

    rng = random.Random(seed)
    pool = gold_items()
    alphabet = "".join(sorted({ch for _, t in pool for ch in t if "\u4e00" <= ch <= "\u9fff"}))
    parents, p_origin = [], []
    for k in range(10 * n):
        origin, text = rng.choice(pool)
        parents.append(Item(id=f"p{k}", number=str(k), path=[], text=perturb(text, rng, alphabet, 0.02), span=(0, 0)))
        p_origin.append(origin)
    children, c_origin = [], []
    for k in range(n):
        j = rng.randrange(len(parents))
        children.append(Item(id=f"c{k}", number=str(k), path=[], text=perturb(parents[j].text, rng, alphabet, 0.03), span=(0, 0)))
        c_origin.append(p_origin[j])
    return children, parents, c_origin, p_origin


def _cpu() -> float:
    """CPU seconds of this process and its finished workers."""
    own, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


def run_one(n: int, seed: int) -> dict:
    """Align one size in this process; the measurements as a dict."""
    from policynlp.mapping import align_items

    children, parents, c_origin, p_origin = make_items(n, seed)
    cpu_start = _cpu()
    start = time.perf_counter()
    aln = align_items(children, parents)
    seconds = time.perf_counter() - start
    cpu = _cpu() - cpu_start
    origin_c = dict(zip((c.id for c in children), c_origin))
    origin_p = dict(zip((p.id for p in parents), p_origin))
    found = {x.child_item for x in aln.links if origin_c[x.child_item] == origin_p[x.parent_item]}
    return {
        "n": n,
        "parents": len(parents),
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu, 2),
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "links": len(aln.links),
        "same_origin": round(len(found) / n, 4),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000])
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # one size, in a child process
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(run_one(args.one, args.seed)))
        return 0
    rows = []
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"{os.cpu_count()} CPUs, load average {load:.1f} at start")
    print(f"{'N':>7} {'parents':>8} {'seconds':>8} {'CPU s':>8} {'peak MB':>8} {'links':>7} {'same origin':>11}")
    for n in args.sizes:
        done = subprocess.run(
            [sys.executable, __file__, "--one", str(n), "--seed", str(args.seed)],
            check=True, capture_output=True, text=True,
        )
        r = json.loads(done.stdout.strip().splitlines()[-1])
        rows.append(r)
        print(f"{r['n']:7d} {r['parents']:8d} {r['seconds']:8.2f} {r['cpu_seconds']:8.2f} {r['peak_mb']:8.1f} "
              f"{r['links']:7d} {r['same_origin']:11.3f}", flush=True)
    for a, b in zip(rows, rows[1:]):
        slope = math.log(b["seconds"] / a["seconds"]) / math.log(b["n"] / a["n"])
        print(f"growth {a['n']} → {b['n']}: time ∝ N^{slope:.2f}")
    if len(rows) > 2:
        slope = math.log(rows[-1]["seconds"] / rows[0]["seconds"]) / math.log(rows[-1]["n"] / rows[0]["n"])
        print(f"growth {rows[0]['n']} → {rows[-1]['n']}: time ∝ N^{slope:.2f} (2 would be quadratic)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
