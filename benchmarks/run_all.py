"""Run every benchmarks/bench_*.py in turn, each in its own process, and summarise (`make bench`).

    .venv/bin/python benchmarks/run_all.py [--only NAME ...] [--timeout SECONDS]

Each script runs in a subprocess, so each reports its own memory (peak RSS
below comes from the kernel's accounting of that child alone). Scripts that
need the peers' environment (hanlp, torch) run with .venv-peers/bin/python
when that environment exists and are skipped with a message when it does not;
the others run with this interpreter.

Exit status: 0 when every script ran to completion, whatever its targets say
(targets are reported, from the `targets` list a script writes into
out/<script>.json); 1 when a script crashed (non-zero exit, killed, timed out).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
OUT = REPO / "out"
PEERS_PYTHON = REPO / ".venv-peers" / "bin" / "python"
# Scripts that import hanlp / torch, which only the peers' environment has.
NEEDS_PEERS = {"bench_units_learned.py"}
STARTED = time.time()


def interpreter(script: Path) -> tuple[str | None, str]:
    if script.name in NEEDS_PEERS:
        if PEERS_PYTHON.exists():
            return str(PEERS_PYTHON), str(PEERS_PYTHON.relative_to(REPO))
        return None, f"needs hanlp/torch from {PEERS_PYTHON.relative_to(REPO)}, which does not exist"
    return sys.executable, "this interpreter"


def run_script(script: Path, python: str, timeout: float | None) -> dict:
    """Run one script, streaming its output; its own peak RSS via wait4."""
    start = time.perf_counter()
    proc = subprocess.Popen([python, str(script)], cwd=REPO)
    deadline = None if timeout is None else time.monotonic() + timeout
    timed_out = False
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if deadline is not None and time.monotonic() > deadline:
            proc.kill()
            timed_out = True
            pid, status, usage = os.wait4(proc.pid, 0)
            break
        time.sleep(0.2)
    proc.returncode = os.waitstatus_to_exitcode(status)  # the child is reaped: keep Popen from waiting again
    peak_mb = usage.ru_maxrss / 2**20 if sys.platform == "darwin" else usage.ru_maxrss / 1024
    return {"returncode": proc.returncode, "seconds": time.perf_counter() - start, "peak_rss_mb": peak_mb,
            "timed_out": timed_out}


def targets_of(script: Path) -> list[dict]:
    """The `targets` a script wrote into out/<script>.json during this run, if any."""
    path = OUT / f"{script.stem}.json"
    try:
        if path.stat().st_mtime < STARTED:
            return []  # left over from an earlier run
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    targets = data.get("targets") if isinstance(data, dict) else None
    return targets if isinstance(targets, list) else []


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--only", nargs="*", help="script names (bench_throughput or bench_throughput.py)")
    ap.add_argument("--timeout", type=float, default=None, help="seconds per script before it counts as crashed")
    args = ap.parse_args(argv)

    scripts = sorted(HERE.glob("bench_*.py"))
    if args.only:
        wanted = {n if n.endswith(".py") else n + ".py" for n in args.only}
        scripts = [s for s in scripts if s.name in wanted]
    rows = []
    for script in scripts:
        python, how = interpreter(script)
        print(f"\n{'=' * 78}\n{script.name}  ({how})\n{'=' * 78}", flush=True)
        if python is None:
            print(f"skipped: {how}")
            rows.append({"script": script.name, "status": "skipped", "reason": how})
            continue
        result = run_script(script, python, args.timeout)
        if result["timed_out"]:
            status = f"CRASHED (timed out after {args.timeout:g}s)"
        elif result["returncode"] != 0:
            status = f"CRASHED (exit {result['returncode']})"
        else:
            status = "ok"
        rows.append({"script": script.name, "status": status, **result, "targets": targets_of(script)})

    print(f"\n{'=' * 78}\nSummary\n{'=' * 78}")
    print(f"{'script':28s} {'status':30s} {'time':>8s} {'peak RSS*':>10s}")
    for r in rows:
        if r["status"] == "skipped":
            print(f"{r['script']:28s} skipped: {r['reason']}")
            continue
        print(f"{r['script']:28s} {r['status']:30s} {r['seconds']:7.0f}s {r['peak_rss_mb']:8.0f} MB")
        for t in r.get("targets", []):
            value = "n/a" if t.get("value") is None else f"{t['value']:.2f}{t.get('unit', '')}"
            note = f"  -- {t['note']}" if t.get("note") else ""
            print(f"    [{'PASS' if t.get('pass') else 'FAIL'}] {t.get('name')}: {value} "
                  f"(target {t.get('op', '')} {t.get('threshold')}{t.get('unit', '')}){note}")
    print("* of the script's process and any subprocess it ran")
    crashed = [r["script"] for r in rows if r["status"].startswith("CRASHED")]
    missed = sum(1 for r in rows for t in r.get("targets", []) if not t.get("pass") and not t.get("advisory"))
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "bench_summary.json").write_text(json.dumps(rows, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"\n{len(rows)} script(s); {len(crashed)} crashed; {missed} target(s) missed (reported, not an error). "
          f"Wrote {OUT / 'bench_summary.json'}")
    return 1 if crashed else 0


if __name__ == "__main__":
    sys.exit(main())
