"""Read annotated notices: the canonical JSONL, and doccano / Label Studio exports."""
from __future__ import annotations

import json
from pathlib import Path

from .annotations import AnnotatedNotice
from .errors import InputError


def load_any(path: Path) -> list[AnnotatedNotice]:
    """Load a canonical JSONL file of annotated notices."""
    if not path.exists():
        raise InputError(f"{path}: no such file")
    notices = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}:{lineno}: not JSON ({exc.msg})") from None
        notices.append(AnnotatedNotice.from_dict(record))
    return notices
