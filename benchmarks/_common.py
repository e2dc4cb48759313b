"""Shared helpers of the benchmark scripts (not a benchmark itself: `run_all.py` runs `bench_*.py`).

Every benchmark compares policynlp with a peer run side by side in the same
process, and reports ratios: absolute speeds on a shared 2-core machine are
noise, ratios measured in one interleaved run are not.
"""
from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import resource
import sys
from pathlib import Path
from typing import Any, Iterable, Iterator, TypeVar

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "out"
# The benchmark corpus lives next to the project, never inside it.
BENCH_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "bench" / "government_work_reports.jsonl"
ANNOTATIONS = REPO / "corpora" / "annotations" / "notices.jsonl"

T = TypeVar("T")


def progress(iterable: Iterable[T], total: int | None = None, desc: str = "") -> Iterator[T]:
    """A tqdm bar on a terminal; plain iteration in logs and CI."""
    if sys.stderr.isatty():
        try:
            from tqdm import tqdm

            return iter(tqdm(iterable, total=total, desc=desc, leave=False))
        except ImportError:
            pass
    return iter(iterable)


def quiet_jieba():
    """jieba with its start-up chatter silenced and its dictionary loaded."""
    import jieba
    import jieba.posseg  # noqa: F401

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


def import_jionlp():
    """JioNLP, or None when it is not installed (`pip install -e ".[bench]"`); its banner goes nowhere."""
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            import jionlp
    except ImportError:
        return None
    return jionlp


def rss_now_mb() -> float:
    """Current resident set size (Linux /proc), in MB."""
    try:
        with open("/proc/self/statm") as f:
            pages = int(f.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError):
        return float("nan")


def rss_peak_mb() -> float:
    """Peak resident set size of this process so far, in MB.

    Linux /proc VmHWM first: `ru_maxrss` survives execve, so a subprocess forked
    from a large parent would report the parent's size.
    """
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 1024


def target(name: str, value: float | None, threshold: float, op: str, unit: str = "") -> dict[str, Any]:
    """One target, in the shape `run_all.py` summarises: value OP threshold → pass."""
    ok = value is not None and (value >= threshold if op == ">=" else value < threshold)
    return {"name": name, "value": value, "threshold": threshold, "op": op, "unit": unit, "pass": bool(ok)}


def format_target(t: dict[str, Any]) -> str:
    value = "n/a" if t["value"] is None else f"{t['value']:.2f}{t['unit']}"
    return f"[{'PASS' if t['pass'] else 'FAIL'}] {t['name']}: {value} (target {t['op']} {t['threshold']:g}{t['unit']})"


def write_json(name: str, data: dict[str, Any]) -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / name
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def machine() -> dict[str, Any]:
    import platform

    try:
        load = os.getloadavg()
    except OSError:
        load = None
    return {"python": platform.python_version(), "cpus": os.cpu_count(), "loadavg": load, "platform": platform.platform()}
