"""spaCy's own NER, trained from scratch on character tokens, as a peer learner.

The model is defined by `configs/unit_ner.cfg` (kept in the repository, usable
as is with `spacy train`) and trained with spaCy's own initialisation and loop,
exactly what `spacy.cli.train.train` runs, with the console output captured:

    config = spacy.util.load_config(cfg, overrides={paths.train, paths.dev, system.seed})
    nlp = spacy.training.initialize.init_nlp(config)
    nlp, _ = spacy.training.loop.train(nlp, output_path)

Training and development data are DocBin files of the notices' item sentences,
tokenised by the config's own tokenizer (one character a token) with the gold
unit names as entities and every other token explicitly outside.
"""
from __future__ import annotations

import io
import tempfile
from pathlib import Path
from typing import Any, Sequence

from spacy.language import Language
from spacy.tokens import DocBin

from .sequences import LABEL, CharSequence, Span, bio_spans

DEFAULT_CONFIG = Path(__file__).resolve().parents[3] / "configs" / "unit_ner.cfg"


def load_config(config_path: str | Path = DEFAULT_CONFIG, overrides: dict[str, Any] | None = None):
    """The config, uninterpolated, as `spacy train` reads it."""
    from spacy import util

    path = Path(config_path)
    if not path.exists():
        raise FileNotFoundError(f"spaCy NER config not found: {path} (configs/unit_ner.cfg ships with the repository)")
    return util.load_config(path, overrides=dict(overrides or {}), interpolate=False)


def tokenizer_nlp(config_path: str | Path = DEFAULT_CONFIG) -> Language:
    """An untrained pipeline built from the config: its tokenizer is the one training and prediction use."""
    from spacy import util

    return util.load_model_from_config(load_config(config_path), auto_fill=True, validate=True)


def write_docbin(nlp: Language, seqs: Sequence[CharSequence], path: str | Path) -> int:
    """Write the sequences as a DocBin with their gold unit names as entities; returns the number of docs."""
    db = DocBin(store_user_data=False)
    n = 0
    for seq in seqs:
        if not seq.text:
            continue
        doc = nlp.make_doc(seq.text)
        ents = []
        for a, b in bio_spans(seq.tags()):
            span = doc.char_span(a, b, label=LABEL, alignment_mode="strict")
            if span is not None:
                ents.append(span)
        doc.set_ents(ents, default="outside")
        db.add(doc)
        n += 1
    db.to_disk(path)
    return n


def train(
    train_seqs: Sequence[CharSequence],
    dev_seqs: Sequence[CharSequence] | None = None,
    *,
    config_path: str | Path = DEFAULT_CONFIG,
    output_path: str | Path | None = None,
    seed: int = 0,
    overrides: dict[str, Any] | None = None,
    log: io.TextIOBase | None = None,
) -> Language:
    """Train spaCy's NER from the config on character sequences; returns the trained pipeline.

    `dev_seqs` are only scored during training (the config keeps the last
    model, no early stopping); by default a sample of the training sequences,
    so no held-out data is looked at. `output_path` also writes model-last
    (and model-best) there, as `spacy train` does. The loop's console output
    goes to `log` (discarded when None).
    """
    from spacy.training.initialize import init_nlp
    from spacy.training.loop import train as train_loop

    if not train_seqs:
        raise ValueError("no training sequences")
    dev_seqs = list(dev_seqs) if dev_seqs else list(train_seqs)[:: max(1, len(train_seqs) // 50)]
    base = tokenizer_nlp(config_path)
    with tempfile.TemporaryDirectory(prefix="unit_ner_") as tmp:
        train_file, dev_file = Path(tmp) / "train.spacy", Path(tmp) / "dev.spacy"
        write_docbin(base, train_seqs, train_file)
        write_docbin(base, dev_seqs, dev_file)
        config = load_config(
            config_path,
            {"paths.train": str(train_file), "paths.dev": str(dev_file), "system.seed": seed, **(overrides or {})},
        )
        nlp = init_nlp(config, use_gpu=-1)
        out = Path(output_path) if output_path is not None else None
        if out is not None:
            out.mkdir(parents=True, exist_ok=True)
        sink = log if log is not None else io.StringIO()
        nlp, _ = train_loop(nlp, out, use_gpu=-1, stdout=sink, stderr=sink)
    return nlp


def predict(nlp: Language, seqs: Sequence[CharSequence], batch_size: int = 256) -> list[Span]:
    """Unit-name spans (absolute offsets) that the pipeline's NER finds in the sequences."""
    todo = [s for s in seqs if s.text]
    out: list[Span] = []
    for seq, doc in zip(todo, nlp.pipe((s.text for s in todo), batch_size=batch_size)):
        out.extend((seq.start + e.start_char, seq.start + e.end_char) for e in doc.ents if e.label_ == LABEL)
    return out
