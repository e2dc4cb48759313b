"""Bytes to text: read a notice from a file or standard input and detect its encoding.

The decoded string is the *original* text every span points into, so nothing
here rewrites it: no newline translation, no normalisation (that is
`normalize.py`'s job, with an offset map).
"""
from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import charset_normalizer

from ..errors import InputError

_LEGACY_ENCODINGS = ("gb18030", "big5")


@dataclass(frozen=True)
class Source:
    """A notice as read: its original text, an id and where it came from."""

    text: str
    id: str
    path: str | None = None
    encoding: str = "utf-8"


def decode(data: bytes) -> tuple[str, str]:
    """Decode notice bytes; returns (text, encoding).

    Raises InputError for empty, binary or undecodable input.
    """
    if not data.strip():
        raise InputError("input is empty")
    if b"\x00" in data[:4096]:
        raise InputError("input looks binary (NUL bytes), not a text notice")
    try:
        if data.startswith(b"\xef\xbb\xbf"):
            return data[3:].decode("utf-8"), "utf-8-sig"
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    # GB18030 accepts almost any byte pair, so a strict decode proves nothing:
    # charset-normalizer weighs how plausible each decoding's characters are.
    best = charset_normalizer.from_bytes(data, cp_isolation=list(_LEGACY_ENCODINGS)).best()
    if best is None:
        raise InputError("cannot decode input as UTF-8, GB18030/GBK or Big5")
    return data.decode(best.encoding), best.encoding


def read_notice(path: str | Path) -> Source:
    """Read a notice file (or standard input for "-") as its original text."""
    if str(path) == "-":
        data = sys.stdin.buffer.read()
        text, encoding = decode(data)
        return Source(text=text, id="stdin", path=None, encoding=encoding)
    p = Path(path)
    if not p.exists():
        raise InputError(f"{p}: no such file")
    if p.is_dir():
        raise InputError(f"{p}: is a directory, not a notice")
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(f"{p}: cannot read ({exc.strerror})") from None
    try:
        text, encoding = decode(data)
    except InputError as exc:
        raise InputError(f"{p}: {exc}") from None
    return Source(text=text, id=p.stem, path=str(p), encoding=encoding)
