"""The peer learners of benchmarks/bench_units_learned.py: data helpers, HanLP's CRF fix, the spaCy config."""
from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from policynlp.learning.learners.sequences import CharSequence, bio_spans, bio_tags, score, sentences

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "configs" / "unit_ner.cfg"


# --- shared data -------------------------------------------------------------------------------


def test_bio_round_trip():
    tags = bio_tags(10, [(0, 3), (5, 9)])
    assert tags == ["B-UNIT", "I-UNIT", "I-UNIT", "O", "O", "B-UNIT", "I-UNIT", "I-UNIT", "I-UNIT", "O"]
    assert bio_spans(tags) == [(0, 3), (5, 9)]
    assert bio_spans(["I-UNIT", "I-UNIT", "O", "B-UNIT"]) == [(0, 2), (3, 4)]  # a stray I- opens a span


def test_sentences_keep_offsets_and_gold():
    text = "市财政局负责。区政府配合；\n县府办"
    seq = CharSequence(100, text, [(100, 104), (107, 110), (114, 117)])
    parts = sentences([seq])
    assert [p.text for p in parts] == ["市财政局负责。", "区政府配合；\n", "县府办"]
    for p in parts:
        assert all(text[s - 100 : e - 100] == p.text[s - p.start : e - p.start] for s, e in p.gold)
    assert sorted(g for p in parts for g in p.gold) == seq.gold


def test_score_counts_exact_spans():
    s = score([(0, 3), (5, 8)], [(0, 3), (5, 9)])
    assert (s["tp"], s["p"], s["r"]) == (1, 0.5, 0.5)


# --- HanLP: the CRF decodes along the sequence axis --------------------------------------------


def _brute_force_path(crf, emissions, length):
    """The highest-scoring tag path of one sequence, by enumeration, with the CRF's own parameters."""
    best, best_path = None, None
    n = crf.num_tags
    for path in itertools.product(range(n), repeat=length):
        s = crf.start_transitions[path[0]] + emissions[0, path[0]] + crf.end_transitions[path[-1]]
        for i in range(1, length):
            s = s + crf.transitions[path[i - 1], path[i]] + emissions[i, path[i]]
        if best is None or s > best:
            best, best_path = s, list(path)
    return best_path


def test_hanlp_crf_fix_decodes_each_sentence():
    pytest.importorskip("hanlp")
    torch = pytest.importorskip("torch")
    from hanlp.components.taggers.rnn.rnntaggingmodel import RNNTaggingModel

    from policynlp.learning.learners.hanlp_ner import FixedRNNTaggingModel

    torch.manual_seed(0)
    embed = torch.nn.Embedding(20, 8, padding_idx=0)
    shipped = RNNTaggingModel(embed, None, 6, 3)
    fixed = FixedRNNTaggingModel(embed, None, 6, 3)
    assert not shipped.crf.batch_first  # the bug: crf_constraints=None went into batch_first
    assert fixed.crf.batch_first is True

    # A batch of three sentences of lengths 5, 3 and 2, as the BiLSTM emits it: (batch, seq_len, tags).
    x = torch.tensor([[1, 2, 3, 4, 5], [6, 7, 8, 0, 0], [9, 10, 0, 0, 0]])
    with torch.no_grad():
        emissions, mask = fixed(x)
        paths = fixed.crf.decode(emissions, mask)
        assert [len(p) for p in paths] == [5, 3, 2]
        for b, length in enumerate([5, 3, 2]):
            assert paths[b] == _brute_force_path(fixed.crf, emissions[b], length)
        # The shipped CRF reads the same tensor as (seq_len, batch, tags): one "path" per position.
        shipped.crf.load_state_dict(fixed.crf.state_dict())
        assert len(shipped.crf.decode(emissions, mask)) == 5

    with pytest.raises(ValueError):
        FixedRNNTaggingModel(embed, None, 6, 3, crf_constraints=[(0, 1)])


def test_hanlp_fixed_recognizer_learns_and_reloads(tmp_path):
    pytest.importorskip("hanlp")
    from policynlp.learning.learners import hanlp_ner

    units = ["市财政局", "区政府", "县府办", "市教育局", "市公安局", "区卫健局"]
    verbs = ["负责", "牵头", "配合", "落实"]
    seqs, pos = [], 0
    for i, (u, v) in enumerate(itertools.product(units, verbs)):
        text = f"由{u}{v}。"
        seqs.append(CharSequence(pos, text, [(pos + 1, pos + 1 + len(u))]))
        pos += len(text) + 10
    model = hanlp_ner.train(seqs, tmp_path / "m", epochs=30, embed=16, rnn_hidden=32, batch_size=8, lr=0.01, seed=0)
    assert isinstance(model.model, hanlp_ner.FixedRNNTaggingModel)
    gold = sorted(g for s in seqs for g in s.gold)
    assert score(hanlp_ner.predict(model, seqs), gold)["f"] > 0.9

    reloaded = hanlp_ner.FixedRNNNamedEntityRecognizer()
    reloaded.load(str(tmp_path / "m"), devices=-1)
    assert isinstance(reloaded.model, hanlp_ner.FixedRNNTaggingModel)
    assert sorted(hanlp_ner.predict(reloaded, seqs)) == sorted(hanlp_ner.predict(model, seqs))


# --- spaCy: configs/unit_ner.cfg ---------------------------------------------------------------


def test_unit_ner_config_loads_with_expected_components():
    from spacy.util import load_config

    cfg = load_config(CONFIG)
    assert cfg["nlp"]["lang"] == "zh"
    assert cfg["nlp"]["pipeline"] == ["tok2vec", "ner"]
    assert cfg["nlp"]["tokenizer"]["segmenter"] == "char"
    assert cfg["components"]["tok2vec"]["factory"] == "tok2vec"
    assert cfg["components"]["ner"]["factory"] == "ner"
    assert cfg["components"]["ner"]["model"]["tok2vec"]["@architectures"] == "spacy.Tok2VecListener.v1"
    assert cfg["paths"]["vectors"] is None  # nothing pretrained, nothing downloaded
    assert isinstance(cfg["system"]["seed"], int)
    assert cfg["training"]["max_steps"] > 0


def test_unit_ner_config_builds_and_trains_with_spacys_loop():
    from policynlp.learning.learners import spacy_ner

    nlp = spacy_ner.tokenizer_nlp(CONFIG)
    assert nlp.pipe_names == ["tok2vec", "ner"]
    assert [t.text for t in nlp.make_doc("市财政局")] == list("市财政局")
    seqs = [CharSequence(0, "由市财政局负责。", [(1, 5)]), CharSequence(20, "区政府配合。", [(20, 23)])]
    trained = spacy_ner.train(seqs, config_path=CONFIG, overrides={"training.max_steps": 3, "training.eval_frequency": 3})
    assert trained.get_pipe("ner").labels == ("UNIT",)
    assert all(seqs[0].start <= s < e for s, e in spacy_ner.predict(trained, seqs))
