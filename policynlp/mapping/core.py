"""`align`: one child document against one parent document."""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from ..document import Document, Item
from .alignment import Alignment, Link, Passage
from .assign import decide_links, default_params, gather, link_probability, relation, relation_inputs
from .text import PreparedItem, prepare_many


def align(child: Document, parent: Document, **options: Any) -> Alignment:
    """Align `child`'s items with the items of `parent` they implement.

    Options: `k` (candidate parent items per child item), `min_score` (the
    least local-alignment score of a passage), `params` (a parameter dict as
    in `params.json`; by default the tuned one shipped with the package) and
    `workers` (processes for large alignment jobs; by default every usable CPU).
    """
    return align_prepared(child.id, parent.id, prepare_many(child.items), prepare_many(parent.items), **options)


def align_items(child_items: Sequence[Item], parent_items: Sequence[Item], **options: Any) -> Alignment:
    """`align` on bare item lists (documents "child" and "parent")."""
    return align_prepared("child", "parent", prepare_many(child_items), prepare_many(parent_items), **options)


def align_prepared(
    child_id: str,
    parent_id: str,
    children: list[PreparedItem],
    parents: list[PreparedItem],
    *,
    k: int | None = None,
    min_score: int | None = None,
    params: dict[str, Any] | None = None,
    workers: int | None = None,
) -> Alignment:
    """`align` on items already in comparison form (`text.prepare_many`), so a corpus prepares each item once."""
    params = params or default_params()
    k = int(k if k is not None else params["k"])
    min_score = int(min_score if min_score is not None else params["min_score"])
    ev = gather(children, parents, k, min_score, workers)
    prob = link_probability(ev.features, params) if len(ev.child) else np.zeros(0)
    linked = decide_links(ev, params, prob)
    # Links in reading order of the child, then of the parent.
    linked = linked[np.lexsort((ev.parent[linked], ev.child[linked]))]
    rels = [relation(x, params["relation"]) for x in relation_inputs(ev, linked, children, parents)]
    links = []
    for pair, rel in zip(linked.tolist(), rels):
        c, p = children[int(ev.child[pair])], parents[int(ev.parent[pair])]
        passages = []
        for r in ev.rows_of(pair).tolist():
            qs, qe, ts, te = (int(x[r]) for x in (ev.q_start, ev.q_end, ev.t_start, ev.t_end))
            c_field, c_span = c.locate(qs, qe)
            p_field, p_span = p.locate(ts, te)
            passages.append(Passage(c_field, c_span, p_field, p_span, round(min(1.0, int(ev.score[r]) / max(1, qe - qs)), 3)))
        links.append(Link(c.id, p.id, round(float(prob[pair]), 3), rel, passages))
    linked_c = {link.child_item for link in links}
    linked_p = {link.parent_item for link in links}
    return Alignment(
        child=child_id,
        parent=parent_id,
        links=links,
        child_unmatched=[c.id for c in children if c.id not in linked_c],
        parent_unmatched=[p.id for p in parents if p.id not in linked_p],
    )
