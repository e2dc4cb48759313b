"""The command line: formats, outputs, and bad input (exit 2, one line, nothing written)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import notice_path

SEED = str(notice_path("000_8f12a50087b0eed3"))
PINGTAN = str(notice_path("pingtan-10224"))


def run(*args, stdin: bytes | None = None, cwd: Path | None = None):
    return subprocess.run([sys.executable, "-m", "policynlp", *args], input=stdin, capture_output=True, cwd=cwd)


def test_parse_json_one_document():
    out = run("parse", SEED)
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert doc["schema"] == "policynlp.document/1" and len(doc["items"]) == 31


def test_parse_jsonl_and_table():
    out = run("parse", SEED, PINGTAN)
    lines = out.stdout.decode().splitlines()
    assert len(lines) == 2 and [json.loads(x)["id"] for x in lines] == [Path(SEED).stem, Path(PINGTAN).stem]
    table = run("parse", SEED, "--format", "table").stdout.decode()
    assert "1.1.1" in table and "市财政局" in table


def test_parse_stdin():
    out = run("parse", "-", stdin=Path(SEED).read_bytes())
    assert out.returncode == 0 and json.loads(out.stdout)["id"] == "stdin"


def test_parse_out_dir(tmp_path):
    out = run("parse", SEED, "--out", str(tmp_path / "docs"))
    assert out.returncode == 0
    assert json.loads((tmp_path / "docs" / f"{Path(SEED).stem}.json").read_text(encoding="utf-8"))["items"]


@pytest.mark.parametrize(
    "content,reason",
    [(b"", "empty"), (b"   \n\t", "empty"), (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary")],
)
def test_bad_input_exits_2_with_one_line(tmp_path, content, reason):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    out_dir = tmp_path / "out"
    out = run("parse", str(bad), "--out", str(out_dir))
    assert out.returncode == 2
    err = out.stderr.decode().strip()
    assert len(err.splitlines()) == 1 and reason in err and "Traceback" not in err
    assert not out_dir.exists()


def test_missing_file_and_directory(tmp_path):
    out = run("parse", str(tmp_path / "nope.txt"))
    assert out.returncode == 2 and "no such file" in out.stderr.decode()
    out = run("parse", str(tmp_path))
    assert out.returncode == 2 and "directory" in out.stderr.decode()


def test_a_failed_run_leaves_existing_output_untouched(tmp_path):
    out_dir = tmp_path / "docs"
    assert run("parse", SEED, "--out", str(out_dir)).returncode == 0
    target = out_dir / f"{Path(SEED).stem}.json"
    before = target.read_bytes()
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    assert run("parse", SEED, str(bad), "--out", str(out_dir)).returncode == 2
    assert target.read_bytes() == before
    assert sorted(p.name for p in out_dir.iterdir()) == [target.name]


def test_evaluate_rejects_a_missing_annotation_file(tmp_path):
    out = run("evaluate", str(tmp_path / "none.jsonl"))
    assert out.returncode == 2 and len(out.stderr.decode().strip().splitlines()) == 1
