"""The corpus root: no third-party text in the repository, standoff annotations checked by
hash, verification and fetching of the corpus, notices by id."""
from __future__ import annotations

import csv
import functools
import http.server
import io
import json
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from conftest import ANNOTATIONS, CORPUS, ROOT, require_corpus

from policynlp.learning import load_annotations
from policynlp.corpus import Corpus, CorpusMissing, load_corpus, notice_text, text_sha256, verify
from policynlp.corpus.fetch import extract_candidates, fetch, missing_message
from policynlp.corpus.root import read_manifest
from policynlp.errors import InputError

SEED = "000_8f12a50087b0eed3"


def run(*args, env=None):
    return subprocess.run([sys.executable, "-m", "policynlp", *args], capture_output=True, env=env)


def _tracked() -> list[str]:
    out = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return out.splitlines()


def test_the_repository_holds_no_third_party_notice_file():
    """Every file under corpora/ is a seed, a manifest, a standoff annotation, an alignment or documentation."""
    for path in (p for p in _tracked() if p.startswith("corpora/")):
        kind = (path.startswith("corpora/notices/seeds/")
                or path in ("corpora/manifest.jsonl", "corpora/dev-manifest.jsonl")
                or path.startswith(("corpora/annotations/src/", "corpora/alignments/")) and path.endswith((".yaml", ".md"))
                or path == "corpora/annotations/notices.jsonl"
                or path.endswith(".md"))
        assert kind, f"{path} is not a seed, manifest, annotation, alignment or documentation"
    for line in ANNOTATIONS.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        assert record["source"].startswith("notices/seeds/") or "text" not in record, record["id"]
        assert all("path" not in it for it in record["items"]), record["id"]


def _titles() -> list[str]:
    """Metadata a manifest and an annotation may carry: titles (the notices' own and those they
    cite), issuers and recipients."""
    titles = [e.meta.get(key) or "" for e in CORPUS.entries(("manifest", "dev")) for key in ("title", "issuer")]
    for record in map(json.loads, ANNOTATIONS.read_text(encoding="utf-8").splitlines()):
        titles += [record["document"].get("title") or "", record["document"].get("issuer") or ""]
        titles += ["".join(record["document"].get("recipients") or [])]
        titles += [c.get("title") or "" for c in record.get("cited_documents", [])]
    return titles


def _cjk(text: str) -> str:
    return "".join(ch for ch in text if "\u4e00" <= ch <= "\u9fff")


def test_no_tracked_file_quotes_a_third_party_notice():
    """No run of 30 Chinese characters of any non-seed notice (punctuation and markup aside),
    other than a title, appears in a tracked file: the annotations are standoff and the
    authoring files quote only short strings."""
    require_corpus()
    width = 30
    windows = set()
    for entry in CORPUS.entries(("manifest", "dev")):
        if entry.bundled or not CORPUS.available(entry):
            continue
        text = _cjk(CORPUS.read_entry(entry))
        windows |= {hash(text[i : i + width]) for i in range(0, len(text) - width + 1)}
    title_windows = {hash(t[i : i + width]) for t in map(_cjk, _titles()) for i in range(0, len(t) - width + 1)}
    for path in _tracked():
        if path.startswith("corpora/notices/seeds/") or not path.endswith((".py", ".md", ".yaml", ".jsonl", ".json", ".txt", ".ipynb", ".cfg")):
            continue
        # Each quoted string on its own: a file's ASCII syntax (quotes, commas, keys) separates them.
        for piece in re.split(r"[\x00-\x1f\x21-\x2f\x3a-\x7f]+", (ROOT / path).read_text(encoding="utf-8", errors="replace")):
            text = _cjk(piece)
            starts = [i for i in range(0, len(text) - width + 1) if hash(text[i : i + width]) in windows]
            if not starts:
                continue
            # A title (with a few characters around it, as anchors need) is metadata, not a quotation.
            covered = [False] * len(text)
            for i in range(0, len(text) - width + 1):
                if hash(text[i : i + width]) in title_windows:
                    covered[i : i + width] = [True] * width
            hits = [text[i : i + width] for i in starts
                    if covered[i : i + width].count(False) >= 20 and len(set(text[i : i + width])) >= 12]
            assert not hits, f"{path} quotes a notice: {hits[0]!r}"


def test_manifests_give_each_notice_its_provenance_and_hash():
    entries = CORPUS.entries(("manifest", "dev"))
    assert len(entries) == 176 and len({e.id for e in entries}) == 176
    for e in entries:
        assert e.sha256 and len(e.sha256) == 64, e.id
        for key in ("title", "source", "source_group", "layout_family"):
            assert e.meta.get(key), (e.id, key)
        assert e.bundled or e.meta["upstream"]["repository"], e.id


def test_verify_accepts_the_corpus_root():
    require_corpus()
    ok, bad = verify(CORPUS)
    assert not bad and len(ok) == 176


@pytest.fixture(scope="module")
def copied_root(tmp_path_factory) -> Path:
    """A copy of the corpus root, to damage."""
    require_corpus()
    target = tmp_path_factory.mktemp("root")
    for e in CORPUS.entries(("manifest", "dev")):
        dst = target / e.path
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(CORPUS.locate(e.path), dst)
    return target


def test_an_edited_notice_is_caught_by_verify_and_by_annotation_loading(copied_root: Path):
    path = copied_root / "notices/pingtan/10224.txt"
    original = path.read_bytes()
    try:
        path.write_bytes(original.replace("牵头单位".encode(), "牵头部门".encode(), 1))
        out = run("--corpus", str(copied_root), "corpus", "verify")
        err = out.stderr.decode().strip()
        assert out.returncode == 2 and len(err.splitlines()) == 1 and "notices/pingtan/10224.txt" in err, err
        assert "notices/pingtan/10224.txt\tpingtan-10224\tSHA-256 mismatch" in out.stdout.decode()
        with pytest.raises(InputError, match=r"10224\.txt: text differs from the SHA-256 in annotation pingtan-10224"):
            load_annotations([ANNOTATIONS], Corpus(copied_root))
        out = run("--corpus", str(copied_root), "evaluate", str(ANNOTATIONS))
        assert out.returncode == 2 and b"10224.txt" in out.stderr and len(out.stderr.strip().splitlines()) == 1
    finally:
        path.write_bytes(original)
    assert not verify(Corpus(copied_root))[1]


def test_a_missing_notice_is_named_with_how_to_provide_it(copied_root: Path):
    path = copied_root / "notices/gov-policy-lib/zyplat-3.html"
    saved = path.read_bytes()
    path.unlink()
    try:
        ok, bad = verify(Corpus(copied_root))
        assert [(e.id, problem) for e, problem in bad] == [("zyplat-3", "missing")]
        with pytest.raises(CorpusMissing, match="corpus fetch"):
            Corpus(copied_root).read("notices/gov-policy-lib/zyplat-3.html")
    finally:
        path.write_bytes(saved)


def test_without_a_root_only_the_seeds_load(tmp_path: Path):
    empty = Corpus(tmp_path)
    ds = load_corpus(empty)
    assert sorted(ds["id"]) == ["000_8f12a50087b0eed3", "001_d83b70daa609b1f7", "003_ad4744f501b6ea9b"]
    assert all(row["text"] for row in ds)
    from policynlp.corpus import missing

    assert len(missing(empty)) == 21


def test_load_corpus_reads_the_manifest_from_the_root():
    require_corpus()
    ds = load_corpus()
    assert len(ds) == 24 and ds.features["text"].dtype == "string"
    row = ds[ds["id"].index("pingtan-10224")]
    assert row["collection"] == "pingtan" and row["year"] == 2018 and row["level"] == "city"
    assert text_sha256(row["text"]) == CORPUS.entry("pingtan-10224").sha256
    assert len(load_corpus(manifests=("manifest", "dev"))) == 176


def test_notices_by_id_on_the_command_line():
    require_corpus()
    out = run("parse", "pingtan-10224", "--format", "table")
    assert out.returncode == 0 and out.stdout.decode().startswith("pingtan-10224: 平潭综合实验区管委会办公室关于印发2018年")
    out = run("parse", "no-such-notice")
    assert out.returncode == 2 and out.stderr.decode().strip() == "policynlp: no-such-notice: no such file or notice id"
    assert notice_text("pingtan-10224") == (CORPUS.root / "notices/pingtan/10224.txt").read_text(encoding="utf-8")


def test_a_bad_corpus_option_is_one_line(tmp_path: Path):
    out = run("--corpus", str(tmp_path / "none"), "parse", str(ROOT / "corpora/notices/seeds" / f"{SEED}.txt"))
    assert out.returncode == 2 and out.stderr.decode().strip().endswith("corpus root is not a directory")
    bad = tmp_path / "manifest.jsonl"
    bad.write_text('{"id": "x"}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"manifest.jsonl:1: a manifest line needs string fields id and path"):
        read_manifest(bad)


# --- fetching from upstream sources ------------------------------------------------------


def _upstream_files(seed_text: str) -> dict[str, bytes]:
    """A fake upstream repository holding the seed's text in each storage the manifests name."""
    csv_buf = io.StringIO()
    writer = csv.DictWriter(csv_buf, fieldnames=["label", "article"])
    writer.writeheader()
    writer.writerows([{"label": "0", "article": "别的文本"}, {"label": "1", "article": seed_text}])
    escaped = seed_text.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n")
    dump = ("CREATE TABLE `pages` (\n  `id` int NOT NULL,\n  `html` longtext\n) ENGINE=InnoDB;\n"
            f"INSERT INTO `pages` VALUES (1,'其他'),(7,'{escaped}');\n")
    return {
        "plain.txt": seed_text.encode(),
        "data.csv": csv_buf.getvalue().encode(),
        "dump.sql": dump.encode(),
        "array.json": json.dumps([{"article": "x"}, {"article": seed_text}], ensure_ascii=False).encode(),
        "records.json": json.dumps([{"id": "doc_3", "original_text": seed_text}], ensure_ascii=False).encode(),
    }


@pytest.mark.parametrize("name,record", [
    ("plain.txt", None), ("data.csv", "row id 1, column article"), ("dump.sql", "table pages, row id 7, column html"),
    ("array.json", "array index 1, key article"), ("records.json", "record id doc_3, key original_text"),
])
def test_records_are_taken_out_of_their_files(name: str, record: str | None):
    text = (ROOT / "corpora/notices/seeds" / f"{SEED}.txt").read_text(encoding="utf-8")
    assert text in list(extract_candidates(_upstream_files(text)[name], record))


def test_fetch_downloads_each_file_once_and_keeps_only_texts_with_the_right_hash(tmp_path: Path):
    text = (ROOT / "corpora/notices/seeds" / f"{SEED}.txt").read_text(encoding="utf-8")
    files = _upstream_files(text)
    repo = tmp_path / "upstream" / "owner" / "repo" / "c0ffee"
    repo.mkdir(parents=True)
    for name, data in files.items():
        (repo / name).write_bytes(data)
    manifest_dir = tmp_path / "manifests"
    manifest_dir.mkdir()
    lines = []
    for i, (name, record) in enumerate([("plain.txt", None), ("data.csv", "row id 1, column article"),
                                        ("dump.sql", "table pages, row id 7, column html"),
                                        ("array.json", "array index 1, key article"),
                                        ("records.json", "record id doc_3, key original_text"),
                                        ("data.csv", "row id 0, column article")]):
        upstream = {"repository": "owner/repo", "commit": "c0ffee", "path": name, **({"record": record} if record else {})}
        lines.append({"id": f"n{i}", "path": f"notices/x/n{i}.txt", "upstream": upstream, "sha256": text_sha256(text)})
    (manifest_dir / "manifest.jsonl").write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    (manifest_dir / "dev-manifest.jsonl").write_text("", encoding="utf-8")

    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path / "upstream"))
    handler.log_message = lambda *a: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    requested: list[str] = []

    def download(url: str) -> bytes:
        import urllib.request

        requested.append(url)
        local = url.replace("https://raw.githubusercontent.com", f"http://127.0.0.1:{server.server_port}")
        with urllib.request.urlopen(local, timeout=10) as r:
            return r.read()

    try:
        report = fetch(Corpus(tmp_path, manifest_dir=manifest_dir), tmp_path / "root", download=download)
    finally:
        server.shutdown()
    assert [e.id for e in report.fetched] == ["n0", "n1", "n2", "n3", "n4"]
    assert [(e.id, why) for e, why in report.missing] == [("n5", f"{requested[1]}: upstream text differs from the manifest's SHA-256")]
    assert len(requested) == 5  # data.csv once for two notices
    assert (tmp_path / "root/notices/x/n2.txt").read_text(encoding="utf-8") == text


def test_fetch_offline_names_what_is_missing_and_how_to_provide_it(tmp_path: Path):
    import urllib.error

    def offline(url: str) -> bytes:
        raise urllib.error.URLError(OSError("Name or service not known"))

    report = fetch(Corpus(tmp_path / "empty" if False else None), tmp_path / "root", which=("manifest",), download=offline)
    assert len(report.copied) == 3 and len(report.missing) == 21
    message = missing_message(report, tmp_path / "root")
    assert "\n" not in message and "21 notice(s) could not be obtained" in message and "--from DIR" in message


def test_fetch_from_a_copy_then_verify(tmp_path: Path):
    require_corpus()
    out = run("corpus", "fetch", "--to", str(tmp_path / "root"), "--from", str(CORPUS.root))
    assert out.returncode == 0, out.stderr
    assert out.stdout.decode().strip().endswith("0 already present, 176 copied, 0 downloaded, 0 missing")
    out = run("corpus", "verify", str(tmp_path / "root"))
    assert out.returncode == 0 and "176 notices present and intact" in out.stdout.decode()
