"""Plain-text tables of alignments (`policynlp align --format table`, `policynlp map`)."""
from __future__ import annotations

from typing import Sequence

from ..document import Document
from ..texttable import clip as _clip
from ..texttable import table
from .alignment import Alignment


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
