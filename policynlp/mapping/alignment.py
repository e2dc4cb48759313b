"""The alignment result: `Alignment.to_dict()` is SPEC.md's alignment object.

Extension: each link also lists its copied `passages`, every one a child range
and the parent range it was aligned with, as `{"field", "span"}` on the item's
own strings (`field` is `title`, `heading` (the last element of `path`) or
`text`; `span` is `[start, end)` in that string), and a `score` in [0, 1]:
the local-alignment score per aligned child character (1.0 for an exact copy).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..document import ALIGNMENT_SCHEMA

RELATIONS = ("verbatim", "adapted", "partial")


@dataclass
class Passage:
    """One copied passage of a link."""

    child_field: str
    child_span: tuple[int, int]
    parent_field: str
    parent_span: tuple[int, int]
    score: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "child": {"field": self.child_field, "span": list(self.child_span)},
            "parent": {"field": self.parent_field, "span": list(self.parent_span)},
            "score": self.score,
        }


@dataclass
class Link:
    """A child item that implements (part of) a parent item."""

    child_item: str
    parent_item: str
    score: float
    relation: str
    passages: list[Passage] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "child_item": self.child_item,
            "parent_item": self.parent_item,
            "score": self.score,
            "relation": self.relation,
            "passages": [p.to_dict() for p in self.passages],
        }


@dataclass
class Alignment:
    """Links between a child document's items and a parent document's items."""

    child: str
    parent: str
    links: list[Link]
    child_unmatched: list[str]
    parent_unmatched: list[str]

    def counts(self) -> dict[str, int]:
        """Links by relation, and the unmatched items on each side (`added`, `dropped`)."""
        out = {r: 0 for r in RELATIONS}
        for link in self.links:
            out[link.relation] += 1
        out["added"] = len(self.child_unmatched)
        out["dropped"] = len(self.parent_unmatched)
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": ALIGNMENT_SCHEMA,
            "child": self.child,
            "parent": self.parent,
            "links": [link.to_dict() for link in self.links],
            "child_unmatched": list(self.child_unmatched),
            "parent_unmatched": list(self.parent_unmatched),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Alignment":
        if d.get("schema") != ALIGNMENT_SCHEMA:
            raise ValueError(f"not a {ALIGNMENT_SCHEMA} object")
        links = [
            Link(
                x["child_item"],
                x["parent_item"],
                x["score"],
                x["relation"],
                [
                    Passage(p["child"]["field"], tuple(p["child"]["span"]), p["parent"]["field"], tuple(p["parent"]["span"]), p["score"])
                    for p in x.get("passages", [])
                ],
            )
            for x in d["links"]
        ]
        return cls(d["child"], d["parent"], links, list(d["child_unmatched"]), list(d["parent_unmatched"]))
