"""The command line: formats, outputs, and bad input (exit 2, one line, nothing written)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ANNOTATIONS as ANNOTATIONS_PATH, notice_path, require_corpus

from policynlp.mapping.gold import GOLD_DIR

SEED = str(notice_path("000_8f12a50087b0eed3"))


def pingtan() -> str:
    """A third-party notice from the corpus root (the calling test is skipped without it)."""
    return str(notice_path("pingtan-10224"))


def run(*args, stdin: bytes | None = None, cwd: Path | None = None):
    return subprocess.run([sys.executable, "-m", "policynlp", *args], input=stdin, capture_output=True, cwd=cwd)


def test_parse_json_one_document():
    out = run("parse", SEED)
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert doc["schema"] == "policynlp.document/1" and len(doc["items"]) == 31


def test_parse_jsonl_and_table():
    out = run("parse", SEED, pingtan())
    lines = out.stdout.decode().splitlines()
    assert len(lines) == 2 and [json.loads(x)["id"] for x in lines] == [Path(SEED).stem, "10224"]
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


# --- learning the aligner on one's own gold alignments -------------------------

ANNOTATIONS = str(ANNOTATIONS_PATH)
TWO_PAIRS = ("pingtan-80913__pingtan-38733", "pingtan-10224__pingtan-80965")  # two child documents: held out needs them


def _gold_subset(tmp_path: Path, names=TWO_PAIRS) -> Path:
    gold = tmp_path / "gold"
    gold.mkdir()
    for name in names:
        (gold / f"{name}.yaml").write_bytes((GOLD_DIR / f"{name}.yaml").read_bytes())
    return gold


def in_process(capsys, *args) -> tuple[int, str, str]:
    """`policynlp ARGS` run in this process (no interpreter start-up, the pipeline loaded once): status, stdout, stderr."""
    from policynlp.cli import main

    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_train_aligner_writes_parameters_that_evaluate_aligner_and_align_read(tmp_path, capsys):
    from policynlp.mapping.assign import load_params
    from policynlp.mapping.gold import evaluate

    require_corpus()
    gold = _gold_subset(tmp_path)
    params_path = tmp_path / "params.json"
    out = run("train-aligner", str(gold), ANNOTATIONS, "--output", str(params_path))
    assert out.returncode == 0, out.stderr
    assert "held-out" in out.stdout.decode()
    params = load_params(params_path)
    assert params["trained_on"] == sorted(TWO_PAIRS) and params["scores"]["pairs"] == 2

    scores = tmp_path / "scores.json"
    code, _, err = in_process(capsys, "evaluate-aligner", str(gold), ANNOTATIONS, "--params", str(params_path), "--json", str(scores))
    assert code == 0, err
    by_pair = json.loads(scores.read_text(encoding="utf-8"))
    assert sorted(by_pair) == sorted(TWO_PAIRS)
    # The tuner scores on its own evidence; `align` recomputes it: the two must agree.
    correct = sum(r["correct"] for r in by_pair.values())
    assert round(correct / sum(r["links"] for r in by_pair.values()), 4) == params["scores"]["in_sample"]["recall"]
    assert round(correct / sum(r["predicted"] for r in by_pair.values()), 4) == params["scores"]["in_sample"]["precision"]
    assert {k: v["recall"] for k, v in evaluate(params, gold).items()} == {k: v["recall"] for k, v in by_pair.items()}


def test_align_and_map_follow_the_given_parameters(tmp_path, capsys):
    from policynlp.mapping.assign import default_params

    strict = {k: v for k, v in default_params().items() if k != "merge"}
    strict["link"] = dict(strict["link"], threshold=0.999)
    path = tmp_path / "strict.json"
    path.write_text(json.dumps(strict), encoding="utf-8")
    # The Pingtan finance bureau's plan and the Pingtan table it cites by number: links of every strength.
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("pingtan-65675", "pingtan-10224"):
        (corpus / notice_path(name).name).write_bytes(notice_path(name).read_bytes())
    child, parent = (str(corpus / notice_path(n).name) for n in ("pingtan-65675", "pingtan-10224"))
    found = {}
    for params in (None, path):
        extra = ["--params", str(path)] if params else []
        code, out, err = in_process(capsys, "align", child, parent, *extra)
        assert code == 0, err
        links = json.loads(out)["links"]
        code, _, err = in_process(capsys, "map", str(corpus), "--out", str(tmp_path / "out"), *extra)
        assert code == 0, err
        (mapped,) = [json.loads(x) for x in (tmp_path / "out" / "alignments.jsonl").read_text(encoding="utf-8").splitlines()]
        assert mapped["links"] == links
        found[params] = links
    assert found[path] and all(x["score"] >= 0.999 for x in found[path]) and len(found[path]) < len(found[None])


def test_evaluate_aligner_reads_parsed_notices_with_their_own_ids(tmp_path, capsys):
    # A user's gold file names the documents as `policynlp parse` does (the file name) and its item ids.
    gold = tmp_path / "gold"
    gold.mkdir()
    text = (GOLD_DIR / "pingtan-80913__pingtan-38733.yaml").read_text(encoding="utf-8")
    (gold / "80913__38733.yaml").write_text(
        text.replace("child: pingtan-80913", 'child: "80913"').replace("parent: pingtan-38733", 'parent: "38733"'), encoding="utf-8"
    )
    notices = [str(notice_path("pingtan-80913")), str(notice_path("pingtan-38733"))]
    code, out, _ = in_process(capsys, "parse", *notices)
    parsed = tmp_path / "docs.jsonl"
    parsed.write_text(out, encoding="utf-8")
    for data in (notices, [str(parsed)]):
        code, out, err = in_process(capsys, "evaluate-aligner", str(gold), *data)
        assert code == 0, err
        assert out.splitlines()[-1].split()[-4:] == ["18", "1.000", "1.000", "1.000"]


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _bad_gold(tmp_path: Path, edit) -> Path:
    gold = _gold_subset(tmp_path)
    path = gold / f"{TWO_PAIRS[1]}.yaml"
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    return gold


@pytest.mark.parametrize(
    "args,reason",
    [
        (lambda t: ["align", pingtan(), pingtan(), "--params", str(t / "none.json")], "no such file"),
        (lambda t: ["align", pingtan(), pingtan(), "--params", str(_write(t / "p.json", '{"k": 8}'))], "not aligner parameters"),
        (lambda t: ["map", str(t), "--params", str(_write(t / "p.json", "[1, 2"))], "cannot read aligner parameters"),
        (lambda t: ["evaluate-aligner", str(t / "none"), ANNOTATIONS], "not a directory"),
        (lambda t: ["evaluate-aligner", str(_write(t / "g" / "x.txt", "").parent), ANNOTATIONS], "no gold alignment files"),
        (lambda t: ["evaluate-aligner", str(_bad_gold(t, lambda s: s.replace("child_item: 4.14.42", "child_item: 9.99", 1))), ANNOTATIONS],
         "'9.99' is not an item"),
        (lambda t: ["evaluate-aligner", str(_bad_gold(t, lambda s: s.replace("verbatim", "copied", 1))), ANNOTATIONS],
         "unknown relation 'copied'"),
        (lambda t: ["evaluate-aligner", str(_bad_gold(t, lambda s: s.replace("links:", "links: [", 1))), ANNOTATIONS], "not a gold alignment"),
        (lambda t: ["evaluate-aligner", str(_gold_subset(t)), pingtan()], "is not among the documents given"),
        (lambda t: ["train-aligner", str(_gold_subset(t, TWO_PAIRS[:1])), ANNOTATIONS, "--output", str(t / "out.json")], "two child documents"),
    ],
)
def test_aligner_commands_reject_bad_input_with_one_line(tmp_path, capsys, args, reason):
    require_corpus()  # the gold documents of the annotations
    code, _, err = in_process(capsys, *args(tmp_path))
    assert code == 2 and len(err.strip().splitlines()) == 1 and reason in err, err
    assert not (tmp_path / "out.json").exists()
