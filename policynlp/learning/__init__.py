"""Learning: the annotation format (`annotations`), its authoring form (`authoring`), readers of
annotated notices (`importers`), training the unit recogniser (`training`), scoring
(`evaluation`), the model card (`modelcard`), and other learners (`learners`).

    from policynlp.learning import load_annotations
    notices = load_annotations(["corpora/annotations/notices.jsonl"])
"""
from __future__ import annotations

from .importers import load_annotations

__all__ = ["load_annotations"]
