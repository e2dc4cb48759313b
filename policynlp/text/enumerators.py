"""Enumerators of a plan's hierarchy (一、 / （一） / 1. / （1）) and their repair.

Numbering is sometimes typed in another encoding than the body (a word
processor's list numbering exported on its own), so `（一）` arrives as
`ㄗ珨ㄘ` (GBK bytes shown as Big5) or `锛堜竴锛�` (UTF-8 bytes shown as GBK).
Such a run at the start of a line is decoded back when the bytes allow it; when
a byte was lost, the numeral becomes `?` and the structure stage recovers it
from the sequence of siblings.
"""
from __future__ import annotations

import re
from functools import lru_cache

CN_DIGITS = "零〇一二三四五六七八九"
_CN_VALUES = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
CN_NUMERAL = "[一二三四五六七八九十百零〇]+"

# Level of each enumerator shape, outermost first; `?` is a numeral lost to garbling.
LEVEL_PATTERNS: list[tuple[int, re.Pattern[str]]] = [
    (0, re.compile(rf"(?P<num>{CN_NUMERAL}|\?)[、.．]")),
    (1, re.compile(rf"[（(](?P<num>{CN_NUMERAL}|\?)[）)]")),
    (2, re.compile(r"(?P<num>\d{1,3})(?:[.．、](?!\d)|(?=[\u4e00-\u9fff“《]))")),
    (3, re.compile(r"[（(](?P<num>\d{1,3})[）)]|(?P<num2>[①-⑳])")),
]


def cn_to_int(numeral: str) -> int | None:
    """一 → 1, 十二 → 12, 二十一 → 21; None for anything else."""
    if not numeral or any(c not in "零〇一二三四五六七八九十百两" for c in numeral):
        return None
    total, current = 0, 0
    for c in numeral:
        if c == "百":
            total += (current or 1) * 100
            current = 0
        elif c == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = _CN_VALUES[c]
    return total + current


def int_to_cn(n: int) -> str:
    """1 → 一, 12 → 十二, 21 → 二十一 (1–99)."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")


def numeral_value(numeral: str) -> int | None:
    """The integer value of an enumerator's numeral (arabic, Chinese or circled)."""
    if len(numeral) == 1 and "①" <= numeral <= "⑳":
        return ord(numeral) - ord("①") + 1
    if numeral.isdecimal():  # not isdigit(): "①".isdigit() is True and int("①") raises
        return int(numeral)
    return cn_to_int(numeral)


# (shown as, really): how the numbering's bytes were misread.
_CODEC_PAIRS = [("big5", "gbk"), ("gbk", "utf-8"), ("big5", "utf-8"), ("gbk", "big5"),
                ("cp1252", "utf-8"), ("latin-1", "utf-8"), ("cp1252", "gbk"), ("latin-1", "gbk")]


def _enumerator_samples() -> list[str]:
    cn = [int_to_cn(i) for i in range(1, 31)]
    return [f"{n}、" for n in cn] + [f"（{n}）" for n in cn] + [f"（{i}）" for i in range(1, 31)]


@lru_cache(maxsize=1)
def _garbled_first_chars() -> frozenset[str]:
    """Every character a garbled enumerator can start with: a cheap pre-filter."""
    first = set()
    for sample in _enumerator_samples():
        for shown, really in _CODEC_PAIRS:
            try:
                garbled = sample.encode(really).decode(shown, errors="replace")
            except UnicodeEncodeError:
                continue
            if garbled and garbled[0] not in "\ufffd" and not garbled[0].isascii():
                first.add(garbled[0])
    first.discard("（")
    return frozenset(first - set("一二三四五六七八九十"))


_LINE_START = re.compile(r"^[ \t]*", re.M)
_FULL_ENUM = re.compile(rf"(?:{CN_NUMERAL}、|（(?:{CN_NUMERAL}|\d{{1,2}})）)")
_NUMERAL = re.compile(rf"{CN_NUMERAL}")
# A garbled run: non-ASCII characters that are not ordinary punctuation.
_RUN = r"[^\x00-\x7f\s、，。；：（）【】“”《》]"
_BRACKETED = re.compile(rf"[(（](?P<inner>{_RUN}{{1,6}})[)）]")
# `、` itself may arrive garbled: 銆 is its first two UTF-8 bytes read as GBK.
_BEFORE_COMMA = re.compile(rf"(?P<inner>{_RUN}{{1,6}}?)(?P<sep>、|\ufffd{{0,2}}[,，]|[銆屻]\ufffd{{0,2}}|﹜)")


def _decode(run: str) -> str | None:
    """Bytes misread as `shown` decoded back as `really`; None when no pair yields text."""
    for shown, really in _CODEC_PAIRS:
        try:
            raw = run.replace("\ufffd", "").encode(shown)
        except UnicodeEncodeError:
            continue
        yield raw.decode(really, errors="replace")


def _numeral(run: str) -> str | None:
    """The Chinese numeral a garbled run stood for; `?` when every byte was lost."""
    if set(run) == {"\ufffd"}:
        return "?"
    lost = "\ufffd" in run
    for decoded in _decode(run):
        core = decoded.replace("\ufffd", "").strip("（）()、")
        if _NUMERAL.fullmatch(core):
            return core
        lost = lost or (decoded and set(decoded) == {"\ufffd"})
    return "?" if lost else None


def _whole_run(text: str, pos: int) -> tuple[int, str] | None:
    """`ㄗ珨ㄘ` / `锛堜竴锛�`: brackets and numeral garbled together; the longest run that decodes.

    A run that lost bytes (it holds U+FFFD) may decode to a partial enumerator,
    whose numeral then comes from the siblings.
    """
    best = None
    for length in range(2, 9):
        run = text[pos : pos + length]
        if len(run) < length:
            break
        for decoded in _decode(run):
            if _FULL_ENUM.fullmatch(decoded):
                best = (length, decoded)
                break
            if "\ufffd" not in run or (best and "\ufffd" not in best[1]):
                continue
            # `三` then lost bytes: the 、 after a numeral is what was lost.
            lossy = re.fullmatch(
                rf"[（(](?P<n>{CN_NUMERAL})?\ufffd*[）)]?\ufffd*|(?P<m>{CN_NUMERAL})?\ufffd*、\ufffd*|(?P<k>{CN_NUMERAL})\ufffd+",
                decoded,
            )
            if lossy and decoded[:1] in "（(" + CN_DIGITS + "十\ufffd":
                n = lossy.group("n") or lossy.group("m") or lossy.group("k") or "?"
                best = (length, f"（{n}）" if decoded[:1] in "（(" else f"{n}、")
                break
    return best


def repair_garbled_enumerators(text: str) -> list[tuple[int, int, str]]:
    """Edits (start, end, replacement) turning garbled line-initial enumerators back."""
    first = _garbled_first_chars()
    edits = []
    for m in _LINE_START.finditer(text):
        pos = m.end()
        if pos >= len(text):
            continue
        bracketed = _BRACKETED.match(text, pos)
        if bracketed and not _NUMERAL.fullmatch(bracketed.group("inner")):
            n = _numeral(bracketed.group("inner"))
            if n is not None:
                edits.append((pos, bracketed.end(), f"（{n}）"))
                continue
        comma = _BEFORE_COMMA.match(text, pos)
        if comma and not _NUMERAL.fullmatch(comma.group("inner")) and (text[pos] in first or text[pos] == "\ufffd"):
            n = _numeral(comma.group("inner"))
            if n is not None:
                edits.append((pos, comma.end(), f"{n}、"))
                continue
        if text[pos] in first:
            found = _whole_run(text, pos)
            if found:
                edits.append((pos, pos + found[0], found[1]))
    return edits
