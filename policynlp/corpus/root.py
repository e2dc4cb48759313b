"""Where notice texts live: the corpus root, its manifests, and checksums.

Only the project's own seed notices are bundled (`corpora/notices/seeds/`).
Every other text comes from a third-party archive and is read from a *corpus
root*: a directory laid out as `../shared/corpora` (`notices/<source>/<file>`),
given by `--corpus DIR` or `POLICYNLP_CORPUS`, by default `../shared/corpora`
beside the checkout when present. The project's manifests
(`corpora/manifest.jsonl`, `corpora/dev-manifest.jsonl`) give each notice's
path under the root, its provenance and the SHA-256 of its text, so an edited or
corrupted file is caught wherever it is read.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from ..errors import InputError

REPO_DIR = Path(__file__).resolve().parents[2]
BUNDLED_DIR = REPO_DIR / "corpora"
ENV_VAR = "POLICYNLP_CORPUS"
# The project's manifests, in the order their notices are listed.
MANIFESTS = {"manifest": "manifest.jsonl", "dev": "dev-manifest.jsonl"}


class CorpusMissing(InputError):
    """A notice the manifest lists is not under the corpus root in use."""


def text_sha256(text: str) -> str:
    """The checksum of a notice's text as policynlp reads it (decoded, then UTF-8)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def default_root() -> Path | None:
    """`POLICYNLP_CORPUS` if set, else `../shared/corpora` beside the checkout if present, else None."""
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env)
    beside = REPO_DIR.parent / "shared" / "corpora"
    return beside if beside.is_dir() else None


@dataclass(frozen=True)
class Entry:
    """One manifest line: a notice's id, its path under the root, checksum and metadata."""

    id: str
    path: str
    sha256: str | None
    meta: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def bundled(self) -> bool:
        return self.path.startswith("notices/seeds/")


def read_manifest(path: Path) -> list[Entry]:
    """The entries of one manifest file; a malformed line is an InputError naming it."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(f"{path}: cannot read manifest ({exc.strerror})") from None
    entries = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            meta = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}:{n}: not JSON ({exc.msg})") from None
        if not isinstance(meta, dict) or not isinstance(meta.get("id"), str) or not isinstance(meta.get("path"), str):
            raise InputError(f"{path}:{n}: a manifest line needs string fields id and path")
        entries.append(Entry(meta["id"], meta["path"], meta.get("sha256"), meta))
    return entries


class Corpus:
    """The notices of the project's manifests, read from a corpus root (or the bundled seeds)."""

    def __init__(self, root: str | Path | None = None, *, manifest_dir: Path = BUNDLED_DIR):
        self.root = Path(root) if root is not None else default_root()
        if self.root is not None and not self.root.is_dir():
            raise InputError(f"{self.root}: corpus root is not a directory")
        self.manifest_dir = manifest_dir

    def __repr__(self) -> str:
        return f"Corpus(root={str(self.root) if self.root else None!r})"

    def describe(self) -> str:
        return str(self.root) if self.root else f"the bundled seeds only ({BUNDLED_DIR / 'notices' / 'seeds'})"

    def entries(self, which: Iterable[str] = ("manifest",)) -> list[Entry]:
        out: list[Entry] = []
        for name in which:
            if name not in MANIFESTS:
                raise InputError(f"unknown manifest {name!r} (expected one of {', '.join(MANIFESTS)})")
            out += read_manifest(self.manifest_dir / MANIFESTS[name])
        return out

    def entry(self, notice_id: str) -> Entry:
        for e in self.entries(MANIFESTS):
            if e.id == notice_id:
                return e
        raise InputError(f"{notice_id}: not in the project's manifests")

    def entry_for_path(self, path: str) -> Entry | None:
        for e in self.entries(MANIFESTS):
            if e.path == path:
                return e
        return None

    def locate(self, path: str) -> Path:
        """The file of a corpus-relative path: under the root, or bundled if it is a seed."""
        candidates = [self.root / path] if self.root else []
        if path.startswith("notices/seeds/"):
            candidates.append(BUNDLED_DIR / path)
        for c in candidates:
            if c.is_file():
                return c
        raise CorpusMissing(
            f"{path}: not found under the corpus root ({self.describe()}); "
            f"give --corpus DIR or set {ENV_VAR}, or run `policynlp corpus fetch --to DIR`"
        )

    def available(self, entry: Entry) -> bool:
        try:
            self.locate(entry.path)
        except CorpusMissing:
            return False
        return True

    def read(self, path: str, sha256: str | None = None, *, checked_by: str = "the manifest") -> str:
        """The text of a corpus-relative path, checked against `sha256` (or the manifest's)."""
        from ..text.decode import read_notice

        file = self.locate(path)
        text = read_notice(file).text
        if sha256 is None:
            entry = self.entry_for_path(path)
            sha256 = entry.sha256 if entry else None
        if sha256 is not None and text_sha256(text) != sha256:
            raise InputError(f"{file}: text differs from the SHA-256 in {checked_by} (edited or corrupted)")
        return text

    def read_entry(self, entry: Entry) -> str:
        return self.read(entry.path, entry.sha256)


def notice_text(notice_id: str, corpus: Corpus | None = None) -> str:
    """The text of a notice of the project's manifests, by id, from the corpus root in use."""
    corpus = corpus or Corpus()
    return corpus.read_entry(corpus.entry(notice_id))


def verify(corpus: Corpus, which: Iterable[str] = tuple(MANIFESTS)) -> tuple[list[Entry], list[tuple[Entry, str]]]:
    """Check every manifest entry: (entries that are present and intact, [(entry, problem)])."""
    ok, bad = [], []
    for e in corpus.entries(which):
        try:
            corpus.read_entry(e)
        except CorpusMissing:
            bad.append((e, "missing"))
        except InputError as exc:
            bad.append((e, "SHA-256 mismatch" if "SHA-256" in str(exc) else str(exc)))
        else:
            ok.append(e)
    return ok, bad
