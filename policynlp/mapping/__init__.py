"""Parent mapping: which items of a local plan implement which items of its parent.

    from policynlp.mapping import align, resolve_parents, map_corpus
    aln = align(child_doc, parent_doc)          # -> Alignment (SPEC.md)
    parents = resolve_parents(doc, corpus_docs) # -> parent document ids
    alignments = map_corpus(docs)               # every child → parent alignment

The method (see each module): character 3-gram TF-IDF retrieval of candidate
parent items (`retrieval`), Smith-Waterman local alignment of each child
segment against its candidates on a normalised form that ignores punctuation
and unit, level and place names (`text`, `local`), word-level evidence for
reworded tasks (rare character bigrams shared in any order, `words`), a
learned link decision that allows splits and merges and rule-ordered
relations read clause by clause (`assign`), with parameters tuned on the
gold alignments in `corpora/alignments/` (`tune`).
"""
from __future__ import annotations


from .alignment import Alignment, Link, Passage
from .core import align, align_items, align_prepared
from .report import alignment_table
from .resolve import map_corpus, map_dataset, map_directory, resolve_parents, summary_table

__all__ = [
    "Alignment",
    "Link",
    "Passage",
    "align",
    "align_items",
    "align_prepared",
    "alignment_table",
    "map_corpus",
    "map_dataset",
    "map_directory",
    "resolve_parents",
    "summary_table",
]

