"""HanLP 2.1.5's BiLSTM-CRF named-entity recogniser, with its CRF corrected, as a peer learner.

Needs the optional extra `policynlp[hanlp]` (hanlp==2.1.5; install torch first,
see benchmarks/bench_units_learned.py). Nothing is downloaded: the character
embeddings are random and trained with the model (`embed` is an int).

The bug, in the installed hanlp 2.1.5
-------------------------------------
`hanlp/components/taggers/rnn/rnntaggingmodel.py`, `RNNTaggingModel.__init__`::

    def __init__(self, embed, rnn_input, rnn_hidden, n_out, drop=0.5, crf=True, crf_constraints=None):
        ...
        self.word_lstm = nn.LSTM(input_size=rnn_input, hidden_size=rnn_hidden,
                                 batch_first=True, bidirectional=True)
        ...
        self.crf = CRF(n_out, crf_constraints) if crf else None

while `hanlp/layers/crf/crf.py` (a copy of pytorch-crf 0.7.2) declares::

    class CRF(nn.Module):
        def __init__(self, num_tags: int, batch_first: bool = True) -> None:

so the second positional argument, meant as transition constraints, lands in
`batch_first`. `RNNTagger.build_model` never passes constraints, hence
`batch_first=None`, which is falsy: `CRF.forward` and `CRF.decode` then take the
LSTM's `(batch, seq_len, n_tags)` emissions as `(seq_len, batch, n_tags)`. The
likelihood is computed and Viterbi decodes along the *batch* axis (chaining
transitions from one sentence to the next at each position), and `decode`
returns one "sequence" per character position rather than one per sentence.
Trained that way the model's predicted tags bear no relation to its sentences;
peers.md measured unit-name F1 = 0 for `RNNNamedEntityRecognizer` as shipped.

The fix
-------
`FixedRNNTaggingModel` builds the same network and then gives it a CRF with
`batch_first=True`, matching the LSTM (`batch_first=True`) and the
`(batch, seq_len)` masks the tagger feeds it. `crf_constraints` is rejected if
given, since this CRF has no support for constraints (the shipped code would
silently have used them as a truth value). `FixedRNNNamedEntityRecognizer`
overrides `build_model` (used both by `fit` and by `load`) to build that model;
everything else, training loop, vocabularies, decoding of BIO tags into spans,
saving and loading, is HanLP's own. The installed package is not edited.
"""
from __future__ import annotations

import contextlib
import io
import tempfile
import warnings
from pathlib import Path
from typing import Any, Sequence

try:
    import torch
    from hanlp.common.transform import EmbeddingNamedTransform
    from hanlp.components.ner.rnn_ner import RNNNamedEntityRecognizer
    from hanlp.components.taggers.rnn.rnntaggingmodel import RNNTaggingModel
    from hanlp.layers.crf.crf import CRF
    from hanlp.layers.embeddings.embedding import Embedding
    from hanlp.layers.embeddings.util import build_word2vec_with_vocab
    from hanlp.utils import log_util
    from hanlp.utils.time_util import CountdownTimer
except ImportError as e:  # pragma: no cover - depends on the environment
    raise ImportError(
        "policynlp.learning.learners.hanlp_ner needs HanLP 2.1.5: pip install torch==2.13.0 'policynlp[hanlp]' "
        "(install torch first, so pip does not pull a CUDA build)"
    ) from e

from .sequences import CharSequence, Span, bio_spans

SPACE = "␣"  # stands in for whitespace characters, which HanLP's TSV-minded vocabulary should not see
HANLP_VERSION = "2.1.5"


class FixedRNNTaggingModel(RNNTaggingModel):
    """HanLP's BiLSTM(-CRF) tagging network with the CRF decoding along the right axis.

    Identical to `hanlp.components.taggers.rnn.rnntaggingmodel.RNNTaggingModel`
    except that its CRF is `CRF(n_out, batch_first=True)`: the upstream class
    passes `crf_constraints` (None) positionally into the CRF's `batch_first`
    parameter, so the CRF reads batch-first emissions as sequence-first.
    """

    def __init__(self, embed, rnn_input, rnn_hidden, n_out, drop=0.5, crf=True, crf_constraints=None):
        if crf_constraints is not None:
            raise ValueError("hanlp's CRF has no transition constraints; crf_constraints must be None")
        super().__init__(embed, rnn_input, rnn_hidden, n_out, drop, crf, None)
        if crf:
            self.crf = CRF(n_out, batch_first=True)


class FixedRNNNamedEntityRecognizer(RNNNamedEntityRecognizer):
    """`RNNNamedEntityRecognizer` whose model is `FixedRNNTaggingModel` (see the module's docstring).

    `build_model` repeats `RNNTagger.build_model` (hanlp 2.1.5) line for line
    but for the model class, so fitting and loading both get the corrected CRF.
    """

    def build_model(self, rnn_input, rnn_hidden, drop, crf, **kwargs) -> torch.nn.Module:
        vocabs = self.vocabs
        token_embed = self._convert_embed()
        if isinstance(token_embed, EmbeddingNamedTransform):
            token_embed = token_embed.output_dim
        elif isinstance(token_embed, Embedding):
            token_embed = token_embed.module(vocabs=vocabs)
        else:
            token_embed = build_word2vec_with_vocab(token_embed, vocabs[self.config.token_key])
        return FixedRNNTaggingModel(token_embed, rnn_input, rnn_hidden, len(vocabs["tag"]), drop, crf)


def tokens(text: str) -> list[str]:
    """Character tokens, whitespace replaced by a visible stand-in (offsets unchanged)."""
    return [SPACE if c.isspace() else c for c in text]


def samples(seqs: Sequence[CharSequence]) -> list[dict[str, list[str]]]:
    """HanLP tagging samples (`{"token": [...], "tag": [...]}`) of character sequences."""
    return [{"token": tokens(s.text), "tag": s.tags()} for s in seqs if s.text]


def train(
    train_seqs: Sequence[CharSequence],
    save_dir: str | Path | None = None,
    *,
    dev_seqs: Sequence[CharSequence] | None = None,
    epochs: int = 5,
    embed: int = 100,
    rnn_hidden: int = 256,
    drop: float = 0.5,
    lr: float = 0.003,
    batch_size: int = 16,
    seed: int = 0,
    fixed: bool = True,
    **kwargs: Any,
) -> RNNNamedEntityRecognizer:
    """Train HanLP's BiLSTM-CRF on character sequences with random embeddings, on the CPU, quietly.

    Network as HanLP ships it (embed 100, BiLSTM hidden 256, dropout 0.5, Adam);
    epochs, batch size and learning rate default to the benchmark's settings.

    HanLP keeps the weights that score best on `dev_seqs` (checked after every
    epoch; a sample of the training sequences when not given, so no held-out
    data is ever looked at). `fixed=False` trains the recogniser as shipped,
    with the misplaced CRF axis, to show the bug.
    """
    train_data = samples(train_seqs)
    if not train_data:
        raise ValueError("no training sequences")
    dev_data = samples(dev_seqs) if dev_seqs else train_data[:: max(1, len(train_data) // 50)]
    save_dir = str(save_dir or tempfile.mkdtemp(prefix="hanlp_ner_"))
    cls = FixedRNNNamedEntityRecognizer if fixed else RNNNamedEntityRecognizer
    model = cls()
    # HanLP prints progress per batch to the console whatever the logger, partly through streams
    # bound at import (its `flash` printer holds stderr, CountdownTimer's erasures default to the
    # stdout of the time): point all of them at a sink while fitting.
    sink = io.StringIO()
    printer, printer_out = log_util._printer, log_util._printer.out
    timer_defaults = CountdownTimer.__init__.__defaults__
    with warnings.catch_warnings(), contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
        warnings.simplefilter("ignore")
        printer.out = sink
        CountdownTimer.__init__.__defaults__ = (sink,)
        try:
            model.fit(
                train_data, dev_data, save_dir,
                batch_size=batch_size, epochs=epochs, embed=embed, rnn_hidden=rnn_hidden, drop=drop, lr=lr,
                crf=True, tagging_scheme="BIO", patience=epochs, devices=-1, seed=seed, verbose=False,
                logger=_quiet_logger(), **kwargs,
            )
        finally:
            printer.out = printer_out
            printer._last_print_width = 0
            CountdownTimer.__init__.__defaults__ = timer_defaults
    model.model.eval()
    return model


def predict(model: RNNNamedEntityRecognizer, seqs: Sequence[CharSequence], batch_size: int = 64) -> list[Span]:
    """Unit-name spans (absolute offsets) that the model finds in the sequences."""
    todo = [s for s in seqs if s.text]
    if not todo:
        return []
    out: list[Span] = []
    with torch.no_grad():
        # Tags rather than HanLP's own span output, so offsets come from one BIO decoder for every learner.
        tagged = super(RNNNamedEntityRecognizer, model).predict_data([tokens(s.text) for s in todo], batch_size)
    for seq, tags in zip(todo, tagged):
        out.extend((seq.start + a, seq.start + b) for a, b in bio_spans(tags))
    return out


def _quiet_logger():
    import logging

    logger = logging.getLogger("policynlp.learning.learners.hanlp")
    logger.handlers[:] = [logging.NullHandler()]
    logger.propagate = False
    return logger
