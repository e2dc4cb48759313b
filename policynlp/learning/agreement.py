"""Agreement between two readings of the same notices (inter-annotator agreement).

For each field, the two readings' sets of annotations are compared as F1 (the
usual agreement measure for spans: symmetric, and equal to the share of
annotations both readers made when they made as many):

- `items`: item text spans; `paths`: each item's path headings;
- `units`: (item, unit span, role); `unit_names`: unit spans;
- `roles`: the role given to each unit span both readers annotated in the
  same item (accuracy over those, the roles alone);
- `deadlines`: span and normalised value; `doc_numbers`: span and attributes;
- `verbs`: (item, verb) over the items both readers delimit alike;
- per notice, the cover fields both readers wrote alike.
"""
from __future__ import annotations

from typing import Any, Iterable, Sequence

from .annotations import AnnotatedNotice

FIELDS = ("items", "paths", "units", "unit_names", "deadlines", "doc_numbers", "verbs")
COVER = ("title", "issuer", "doc_number", "date", "recipients")


def _sets(n: AnnotatedNotice) -> dict[str, set]:
    items = {it.span: it for it in n.items}
    deadline = lambda s: (s.start, s.end, s.attrs.get("kind"), s.attrs.get("date"),  # noqa: E731
                          str(s.attrs.get("duration")), s.attrs.get("frequency"))
    return {
        "items": set(items),
        "paths": {(it.span, tuple(it.path)) for it in n.items},
        "units": {(it.span, u.start, u.end, u.role) for it in n.items for u in it.units},
        "unit_names": {(s.start, s.end) for s in n.spans_of("UNIT")},
        "deadlines": {deadline(s) for s in n.spans_of("DEADLINE")},
        "doc_numbers": {(s.start, s.end, s.attrs.get("issuer_code"), s.attrs.get("year"), s.attrs.get("serial"))
                        for s in n.spans_of("DOC_NUMBER")},
        "verbs": {(it.span, v) for it in n.items for v in it.verbs},
    }


def _f1(a: int, b: int, both: int) -> float:
    return 1.0 if a == b == 0 else 2 * both / (a + b)


def agreement(first: Iterable[AnnotatedNotice], second: Iterable[AnnotatedNotice]) -> dict[str, Any]:
    """Per field and per notice, the agreement of two readings of the same notices (matched by id)."""
    one = {n.id: n for n in first}
    two = {n.id: n for n in second}
    ids = sorted(set(one) & set(two))
    totals = {f: [0, 0, 0] for f in FIELDS}
    role_pairs = role_same = 0
    cover_same = {f: 0 for f in COVER}
    per_notice = {}
    for i in ids:
        a, b = _sets(one[i]), _sets(two[i])
        shared_items = a["items"] & b["items"]
        a["verbs"] = {v for v in a["verbs"] if v[0] in shared_items}
        b["verbs"] = {v for v in b["verbs"] if v[0] in shared_items}
        row = {}
        for f in FIELDS:
            counts = (len(a[f]), len(b[f]), len(a[f] & b[f]))
            totals[f] = [t + c for t, c in zip(totals[f], counts)]
            row[f] = _f1(*counts)
        roles_a = {u[:3]: u[3] for u in a["units"]}
        roles_b = {u[:3]: u[3] for u in b["units"]}
        common = set(roles_a) & set(roles_b)
        role_pairs += len(common)
        role_same += sum(roles_a[k] == roles_b[k] for k in common)
        for f in COVER:
            cover_same[f] += one[i].document.get(f) == two[i].document.get(f)
        per_notice[i] = row
    return {
        "notices": len(ids),
        "fields": {f: {"f1": _f1(*t), "first": t[0], "second": t[1], "both": t[2]} for f, t in totals.items()},
        "roles": {"same": role_same, "pairs": role_pairs, "accuracy": role_same / role_pairs if role_pairs else 1.0},
        "cover": {f: cover_same[f] / len(ids) if ids else 1.0 for f in COVER},
        "per_notice": per_notice,
    }


def format_agreement(result: dict[str, Any], groups: dict[str, str] | None = None) -> str:
    """The pooled table, and per group of notices (a source, say) when `groups` maps ids to groups."""
    lines = [f"agreement between two readings of {result['notices']} notices (F1; first / second / both)"]
    for f, s in result["fields"].items():
        lines.append(f"  {f:12s} {s['f1']:.3f}   ({s['first']} / {s['second']} / {s['both']})")
    r = result["roles"]
    lines.append(f"  {'roles':12s} {r['accuracy']:.3f}   (the same role for {r['same']} of {r['pairs']} units both read in the same item)")
    lines.append("  cover fields written alike: " + ", ".join(f"{f} {v:.3f}" for f, v in result["cover"].items()))
    if groups:
        by: dict[str, list[str]] = {}
        for i in result["per_notice"]:
            by.setdefault(groups.get(i, "unknown"), []).append(i)
        lines.append("")
        lines.append(f"  {'group':16s} " + " ".join(f"{f:>10s}" for f in FIELDS))
        for g, members in sorted(by.items()):
            means = [sum(result["per_notice"][i][f] for i in members) / len(members) for f in FIELDS]
            lines.append(f"  {g[:16]:16s} " + " ".join(f"{m:10.3f}" for m in means) + f"   ({len(members)} notices, mean per notice)")
    return "\n".join(lines)


__all__: Sequence[str] = ["agreement", "format_agreement", "FIELDS"]
