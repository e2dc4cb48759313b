"""Plain-text tables of alignments (`policynlp align --format table`, `policynlp map`)."""
from __future__ import annotations

import unicodedata
from typing import Any, Sequence

from ..document import Document
from .alignment import Alignment


def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _clip(s: str, width: int) -> str:
    out, w = "", 0
    for ch in s.replace("\n", " "):
        cw = _width(ch)
        if w + cw > width - 1:
            return out + "…"
        out, w = out + ch, w + cw
    return out


def table(rows: Sequence[Sequence[Any]], headers: Sequence[str]) -> str:
    """Columns padded to their widest cell (CJK characters count double)."""
    cells = [[str(h) for h in headers]] + [[str(c) for c in r] for r in rows]
    widths = [max(_width(r[i]) for r in cells) for i in range(len(headers))]
    lines = []
    for n, r in enumerate(cells):
        lines.append("  ".join(c + " " * (w - _width(c)) for c, w in zip(r, widths)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _item_text(doc: Document | None, item_id: str, width: int = 28) -> str:
    if doc is None:
        return ""
    try:
        it = doc.item(item_id)
    except KeyError:
        return ""
    return _clip((it.title + "：" if it.title else "") + it.text, width)


def alignment_table(alignment: Alignment, child: Document | None = None, parent: Document | None = None) -> str:
    """One row per link (with the items' opening words when the documents are given), then the unmatched items."""
    rows = [
        [x.child_item, _item_text(child, x.child_item), x.relation, f"{x.score:.2f}", x.parent_item, _item_text(parent, x.parent_item)]
        for x in alignment.links
    ]
    counts = alignment.counts()
    head = (
        f"{alignment.child} → {alignment.parent}: {len(alignment.links)} links "
        f"({counts['verbatim']} verbatim, {counts['adapted']} adapted, {counts['partial']} partial)"
    )
    out = [head, table(rows, ["child", "", "relation", "score", "parent", ""])]
    out.append(f"added in the child ({counts['added']}): {' '.join(alignment.child_unmatched) or '-'}")
    out.append(f"dropped from the parent ({counts['dropped']}): {' '.join(alignment.parent_unmatched) or '-'}")
    return "\n".join(out)


def summary_table(alignments: Sequence[Alignment], via: dict[tuple[str, str], str] | None = None) -> str:
    """Per child → parent pair: how the parent was found, and verbatim / adapted / partial / added / dropped counts."""
    rows = []
    for a in alignments:
        c = a.counts()
        rows.append([a.child, a.parent, (via or {}).get((a.child, a.parent), ""), len(a.links),
                     c["verbatim"], c["adapted"], c["partial"], c["added"], c["dropped"]])
    return table(rows, ["child", "parent", "via", "links", "verbatim", "adapted", "partial", "added", "dropped"])
