"""Read annotated notices: the canonical JSONL, and doccano / Label Studio exports.

Label names map onto the canonical labels and unit roles:

    牵头 / LEAD / 牵头单位            → UNIT, role lead
    配合 / COOPERATE / 配合单位        → UNIT, role cooperate
    责任 / RESPONSIBLE / 责任单位      → UNIT, role responsible
    UNIT / 单位 / ORG                 → UNIT, role mention (name only)
    DEADLINE / 时限 / TIME            → DEADLINE (value normalised by policynlp)
    DOC_NUMBER / 文号 / DOCNO         → DOC_NUMBER (attributes parsed by policynlp)

Exports carry spans only; deadline values and document-number attributes are
filled by policynlp's own parsers, and the notice's date by its cover notice.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterable

from .annotations import AnnotatedNotice, GoldSpan, validate
from ..corpus.root import Corpus
from ..errors import InputError

LABEL_MAP: dict[str, tuple[str, str | None]] = {}
for _names, _target in (
    (("牵头", "LEAD", "牵头单位", "UNIT_LEAD"), ("UNIT", "lead")),
    (("配合", "COOPERATE", "配合单位", "UNIT_COOPERATE"), ("UNIT", "cooperate")),
    (("责任", "RESPONSIBLE", "责任单位", "UNIT_RESPONSIBLE"), ("UNIT", "responsible")),
    (("UNIT", "单位", "ORG", "MENTION"), ("UNIT", "mention")),
    (("DEADLINE", "时限", "TIME"), ("DEADLINE", None)),
    (("DOC_NUMBER", "文号", "DOCNO", "DOCNUMBER"), ("DOC_NUMBER", None)),
):
    for _n in _names:
        LABEL_MAP[_n.upper()] = _target


def load_annotations(paths: Iterable[str | Path], corpus: Corpus | None = None) -> list[AnnotatedNotice]:
    """Load annotated notices from canonical JSONL files (or doccano / Label Studio exports);
    standoff notices read their texts from `corpus` (default: the corpus root in use)."""
    notices: list[AnnotatedNotice] = []
    for path in paths:
        notices.extend(load_any(Path(path), corpus))
    return notices



def load_any(path: Path, corpus: Corpus | None = None) -> list[AnnotatedNotice]:
    """Load annotated notices from the canonical JSONL, a doccano JSONL or a Label Studio JSON export."""
    if not path.exists():
        raise InputError(f"{path}: no such file")
    raw = path.read_text(encoding="utf-8")
    if not raw.strip():
        raise InputError(f"{path}: empty annotation file")
    if raw.lstrip().startswith("["):
        try:
            return [from_label_studio(task, path) for task in json.loads(raw)]
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}: not JSON ({exc.msg})") from None
    notices = []
    for lineno, line in enumerate(raw.splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}:{lineno}: not JSON ({exc.msg})") from None
        if isinstance(record.get("spans"), list) and "document" in record and ("text" in record or "sha256" in record):
            notices.append(AnnotatedNotice.from_dict(record, corpus, where=f"{path}:{lineno}"))
        elif "text" in record and ("label" in record or "entities" in record):
            notices.append(from_doccano(record, f"{path.stem}-{lineno}"))
        else:
            raise InputError(f"{path}:{lineno}: neither policynlp, doccano nor Label Studio format")
    return notices


def _span(text: str, start: int, end: int, label: str, where: str) -> GoldSpan:
    target = LABEL_MAP.get(label.upper())
    if target is None:
        raise InputError(f"{where}: unknown label {label!r} (known: {', '.join(sorted(LABEL_MAP))})")
    if not (0 <= start < end <= len(text)):
        raise InputError(f"{where}: span {start}-{end} outside the text")
    kind, role = target
    attrs: dict[str, Any] = {"role": role} if kind == "UNIT" else {}
    return GoldSpan(start, end, kind, text[start:end], attrs)


def _complete(notice: AnnotatedNotice) -> AnnotatedNotice:
    """Fill deadline values and document-number attributes with policynlp's parsers."""
    from ..entities.deadline import parse_deadline
    from ..entities.docnumber import parse_doc_number
    from ..text.normalize import normalize
    from ..structure.cover import parse_cover

    nt = normalize(notice.text)
    cover = parse_cover(nt.text, *nt.content)
    import datetime

    reference = datetime.date.fromisoformat(cover.date_value) if cover.date_value else None
    for s in notice.spans:
        phrase = normalize(s.text).text
        if s.label == "DEADLINE" and "kind" not in s.attrs:
            try:
                v = parse_deadline(phrase, reference)
            except ValueError:
                raise InputError(f"annotation {notice.id}: {s.text!r} is labelled DEADLINE but is not one") from None
            s.attrs.update({"kind": v.kind, "date": v.date, "duration": v.duration, "frequency": v.frequency})
            s.attrs = {k: val for k, val in s.attrs.items() if val is not None or k == "date"}
        if s.label == "DOC_NUMBER" and "issuer_code" not in s.attrs:
            try:
                code, year, serial = parse_doc_number(phrase)
            except ValueError:
                raise InputError(f"annotation {notice.id}: {s.text!r} is labelled DOC_NUMBER but is not one") from None
            s.attrs.update({"issuer_code": code, "year": year, "serial": serial})
    validate(notice)
    return notice


def from_doccano(record: dict[str, Any], default_id: str) -> AnnotatedNotice:
    """A doccano sequence-labelling record: {"text", "label": [[start, end, label], …]} (or "entities")."""
    text = record["text"]
    doc_id = str(record.get("id", default_id))
    spans = []
    for entry in record.get("label", record.get("entities", [])):
        if isinstance(entry, dict):
            start, end, label = entry["start_offset"], entry["end_offset"], entry["label"]
        else:
            start, end, label = entry
        spans.append(_span(text, int(start), int(end), str(label), f"doccano record {doc_id}"))
    spans.sort(key=lambda s: (s.start, s.end))
    return _complete(AnnotatedNotice(id=doc_id, source=record.get("source"), text=text, spans=spans))


def from_label_studio(task: dict[str, Any], path: Path) -> AnnotatedNotice:
    """A Label Studio task: {"data": {"text"}, "annotations": [{"result": [{"value": {start, end, labels}}]}]}."""
    data = task.get("data") or {}
    text = data.get("text")
    if not isinstance(text, str):
        raise InputError(f"{path}: Label Studio task {task.get('id')} has no data.text")
    doc_id = str(data.get("id") or task.get("id") or path.stem)
    annotations = [a for a in task.get("annotations", []) if not a.get("was_cancelled")]
    spans = []
    for result in (annotations[-1]["result"] if annotations else []):
        value = result.get("value") or {}
        labels = value.get("labels") or []
        if result.get("type", "labels") != "labels" or not labels:
            continue
        spans.append(_span(text, int(value["start"]), int(value["end"]), labels[0], f"Label Studio task {doc_id}"))
    spans.sort(key=lambda s: (s.start, s.end))
    return _complete(AnnotatedNotice(id=doc_id, source=data.get("source"), text=text, spans=spans))
