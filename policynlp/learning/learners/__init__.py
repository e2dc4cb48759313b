"""Peer learners for unit names, trained on the same annotations as ours.

These exist to compare policynlp's own statistical unit recogniser (the CRF in
`policynlp.entities.recognizer`) side by side with other learners on the same
leave-one-notice-out folds (`benchmarks/bench_units_learned.py`):

- `policynlp.learning.learners.hanlp_ner`: HanLP 2.1.5's BiLSTM-CRF named-entity
  recogniser with random (not pretrained) character embeddings, through a
  documented subclass that corrects the CRF's decoding axis. Needs the
  optional extra `policynlp[hanlp]` (hanlp==2.1.5 on torch 2.x).
- `policynlp.learning.learners.spacy_ner`: spaCy's own NER trained from scratch on
  character tokens with spaCy's own training loop, from the config kept in
  `configs/unit_ner.cfg` (usable as is with `spacy train`).
- `policynlp.learning.learners.sequences`: the shared data: item regions of the parsed
  notices as character sequences with BIO tags of the gold unit names.

Nothing here is imported by `import policynlp`, and the HanLP module imports
hanlp (and torch) only when it is itself imported.
"""
from __future__ import annotations

__all__ = ["sequences", "hanlp_ner", "spacy_ner"]
