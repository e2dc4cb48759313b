"""Obtaining the corpus: each notice from its upstream source, or from a copy of the corpus root.

The manifests name each notice's upstream source: a repository, a commit and a
path, and for texts stored inside a data file the record that holds them (`row
id 45, column article` of a CSV, `table T, row id 7, column html` of an SQL
dump, `array index 6, key article` or `record id doc_10, key original_text` of
a JSON file). `fetch` downloads each distinct file once, takes the record out,
and keeps a text only if its SHA-256 is the manifest's; what it cannot obtain is
reported, with how to provide it (`--from DIR`, a directory laid out as the
corpus root, such as `../shared/corpora`).
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from ..errors import InputError
from .root import Corpus, Entry, text_sha256

# Raw files of a GitHub repository; a mirror can stand in (tests use a local server).
RAW_BASE = os.environ.get("POLICYNLP_FETCH_BASE", "https://raw.githubusercontent.com")
TIMEOUT = 20  # seconds per request


@dataclass
class FetchReport:
    present: list[Entry] = field(default_factory=list)
    fetched: list[Entry] = field(default_factory=list)
    copied: list[Entry] = field(default_factory=list)
    missing: list[tuple[Entry, str]] = field(default_factory=list)

    def summary(self) -> str:
        return (f"{len(self.present)} already present, {len(self.copied)} copied, "
                f"{len(self.fetched)} downloaded, {len(self.missing)} missing")


def raw_url(upstream: dict) -> str:
    ref = upstream.get("commit") or "HEAD"
    return f"{RAW_BASE.rstrip('/')}/{upstream['repository']}/{ref}/{urllib.parse.quote(upstream['path'])}"


def _decode(data: bytes) -> str:
    return data.decode("utf-8-sig")


# --- records inside data files ---------------------------------------------------------

_SQL_STRING = r"'(?:[^'\\]|\\.|'')*'"
_SQL_VALUE = re.compile(rf"\s*({_SQL_STRING}|NULL|-?\d+(?:\.\d+)?)\s*(,|\))", re.S)
_SQL_UNESCAPE = {"0": "\0", "b": "\b", "n": "\n", "r": "\r", "t": "\t", "Z": "\x1a"}


def _sql_unquote(token: str) -> str | None:
    if token == "NULL":
        return None
    if not token.startswith("'"):
        return token
    body = token[1:-1].replace("''", "'")
    return re.sub(r"\\(.)", lambda m: _SQL_UNESCAPE.get(m.group(1), m.group(1)), body, flags=re.S)


def _sql_rows(dump: str, table: str) -> Iterator[list[str | None]]:
    """The rows of `INSERT INTO table VALUES (…),(…);` statements of a MySQL dump."""
    for m in re.finditer(rf"INSERT INTO `?{re.escape(table)}`?(?:\s*\([^)]*\))?\s+VALUES\s*", dump):
        pos = m.end()
        while pos < len(dump) and dump[pos] == "(":
            row: list[str | None] = []
            pos += 1
            while True:
                v = _SQL_VALUE.match(dump, pos)
                if v is None:
                    raise ValueError("malformed INSERT statement")
                row.append(_sql_unquote(v.group(1)))
                pos = v.end()
                if v.group(2) == ")":
                    break
            yield row
            while pos < len(dump) and dump[pos] in ",\r\n ":
                pos += 1


def _sql_columns(dump: str, table: str) -> list[str]:
    m = re.search(rf"CREATE TABLE `?{re.escape(table)}`?\s*\((.*?)\)\s*(?:ENGINE|;)", dump, re.S)
    if not m:
        raise ValueError(f"no CREATE TABLE for {table}")
    return re.findall(r"^\s*`(\w+)`", m.group(1), re.M)


def extract_candidates(data: bytes, record: str | None) -> Iterator[str]:
    """The texts a record description may designate in a downloaded file (the hash picks one)."""
    if not record:
        yield _decode(data)
        return
    text = _decode(data)
    if m := re.fullmatch(r"table (\w+), row id (\d+), column (\w+)", record):
        table, row_id, column = m.groups()
        columns = _sql_columns(text, table)
        key, col = columns.index("id") if "id" in columns else 0, columns.index(column)
        for row in _sql_rows(text, table):
            if row[key] == row_id and row[col] is not None:
                yield row[col]
    elif m := re.fullmatch(r"row id (\d+), column (\w+)", record):
        n, column = int(m.group(1)), m.group(2)
        rows = list(csv.DictReader(io.StringIO(text)))
        if rows and "id" in rows[0]:
            yield from (r[column] for r in rows if r.get("id") == str(n))
        for index in (n, n - 1):  # a row number, from 0 or from 1
            if 0 <= index < len(rows):
                yield rows[index][column]
    elif m := re.fullmatch(r"array index (\d+), key (\w+)", record):
        yield json.loads(text)[int(m.group(1))][m.group(2)]
    elif m := re.fullmatch(r"record id (\S+), key (\w+)", record):
        data_json = json.loads(text)
        records = data_json.values() if isinstance(data_json, dict) else data_json
        yield from (r[m.group(2)] for r in records if isinstance(r, dict) and str(r.get("id")) == m.group(1))
    else:
        raise ValueError(f"unknown record description {record!r}")


# --- fetching ----------------------------------------------------------------------------


def _download(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=TIMEOUT) as response:  # noqa: S310 (a fixed https base)
        return response.read()


def _write(target: Path, text: str) -> None:
    from ..output import atomic_write_text

    atomic_write_text(target, text)


def fetch(
    corpus: Corpus,
    to: Path,
    *,
    source_dir: Path | None = None,
    which: Iterable[str] = ("manifest", "dev"),
    download: Callable[[str], bytes] = _download,
    progress: Callable | None = None,
) -> FetchReport:
    """Fill `to` (laid out as a corpus root) with every notice of the manifests, checked by SHA-256."""
    report = FetchReport()
    files: dict[str, bytes | Exception] = {}
    offline: Exception | None = None
    entries = corpus.entries(which)
    for e in progress(entries, len(entries), "fetch") if progress else entries:
        target = to / e.path
        if target.is_file() and _intact(target, e):
            report.present.append(e)
            continue
        if source_dir is not None or e.bundled:
            src = (source_dir / e.path) if source_dir is not None and (source_dir / e.path).is_file() else None
            if src is None and e.bundled:
                src = corpus.locate(e.path)
            if src is not None and _intact(src, e):
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(src, target)
                report.copied.append(e)
                continue
            if source_dir is not None:
                report.missing.append((e, f"not in {source_dir}" if src is None else f"{src} has another SHA-256"))
                continue
        upstream = e.meta.get("upstream")
        if not upstream:
            report.missing.append((e, "no upstream source recorded"))
            continue
        if offline is not None:
            report.missing.append((e, f"offline ({offline})"))
            continue
        url = raw_url(upstream)
        if url not in files:
            try:
                files[url] = download(url)
            except (urllib.error.URLError, OSError, TimeoutError) as exc:
                reason = getattr(exc, "reason", exc)
                if isinstance(exc, urllib.error.HTTPError):
                    files[url] = exc
                else:
                    offline = reason if isinstance(reason, Exception) else OSError(str(reason))
                    report.missing.append((e, f"offline ({offline})"))
                    continue
        got = files[url]
        if isinstance(got, Exception):
            report.missing.append((e, f"{url}: {got}"))
            continue
        try:
            text = next((t for t in extract_candidates(got, upstream.get("record")) if text_sha256(t) == e.sha256), None)
        except (ValueError, KeyError, IndexError, TypeError, UnicodeDecodeError) as exc:
            report.missing.append((e, f"{url}: cannot read the record ({exc})"))
            continue
        if text is None:
            report.missing.append((e, f"{url}: upstream text differs from the manifest's SHA-256"))
            continue
        _write(target, text)
        report.fetched.append(e)
    return report


def _intact(path: Path, entry: Entry) -> bool:
    from ..text.decode import read_notice

    try:
        return entry.sha256 is None or text_sha256(read_notice(path).text) == entry.sha256
    except InputError:
        return False


def missing_message(report: FetchReport, to: Path) -> str:
    """One line: which notices are missing and how to provide them."""
    ids = [e.id for e, _ in report.missing]
    shown = ", ".join(ids[:5]) + (f" and {len(ids) - 5} more" if len(ids) > 5 else "")
    reason = report.missing[0][1]
    return (f"{len(ids)} notice(s) could not be obtained ({shown}; first reason: {reason}); "
            f"copy them from a directory laid out as the corpus root: "
            f"policynlp corpus fetch --to {to} --from DIR (e.g. ../shared/corpora)")
