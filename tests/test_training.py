"""Training on annotated notices: a tiny model trains, saves, loads and parses; importers read real export formats."""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import gold_notices, notice_text
from policynlp.learning import load_annotations
from policynlp.learning.annotations import AnnotatedNotice
from policynlp.errors import InputError

DATA = Path(__file__).parent / "data"


def _slice(notice: AnnotatedNotice, item_ids: set[str]) -> AnnotatedNotice:
    """The notice with only a few items' gold (a user's first annotated rows)."""
    items = [it for it in notice.items if it.id in item_ids]
    keep = {(u.start, u.end) for it in items for u in it.units}
    spans = [s for s in notice.spans if s.label != "UNIT" or (s.start, s.end) in keep]
    return AnnotatedNotice(notice.id, notice.source, notice.text, notice.document, notice.content, spans, items)


def test_tiny_model_trains_saves_loads_and_parses(tmp_path):
    import policynlp
    from policynlp.learning.training import train_model

    gold = gold_notices()
    train = [_slice(gold["001_d83b70daa609b1f7"], {"1.1.1", "1.2.8", "1.2.11", "2.1.20"}),
             _slice(gold["000_8f12a50087b0eed3"], {"1.1.2", "1.2.3", "2.2.10"})]
    model_dir = train_model(train, tmp_path / "tiny", max_iterations=30)
    assert (model_dir / "crf.model").exists() and (model_dir / "gazetteer.txt").exists()
    nlp = policynlp.load(model_dir)
    assert "policynlp_unit_recognizer" in nlp.pipe_names
    doc = policynlp.parse(notice_text("001_d83b70daa609b1f7"), nlp=nlp)
    assert len(doc.items) == 68
    names = {u.name for it in doc.items for u in it.units}
    assert {"县府办", "各镇政府（街道办）"} <= names


def test_training_is_deterministic(tmp_path):
    from policynlp.learning.training import train_model

    gold = gold_notices()
    train = [_slice(gold["001_d83b70daa609b1f7"], {"1.1.1", "1.2.8"})]
    a = train_model(train, tmp_path / "a", max_iterations=20)
    b = train_model(train, tmp_path / "b", max_iterations=20)
    assert (a / "crf.model").read_bytes() == (b / "crf.model").read_bytes()


def test_gazetteer_features_are_an_option_the_model_remembers(tmp_path):
    import json

    from policynlp.entities.recognizer import load_crf
    from policynlp.learning.training import train_model

    gold = gold_notices()
    train = [_slice(gold["001_d83b70daa609b1f7"], {"1.1.1", "1.2.8"}), _slice(gold["000_8f12a50087b0eed3"], {"1.2.3"})]
    plain = train_model(train, tmp_path / "plain", max_iterations=20)
    tagged = train_model(train, tmp_path / "tagged", max_iterations=20, gazetteer_features=True)
    assert json.loads((plain / "meta.json").read_text(encoding="utf-8"))["gazetteer_features"] is False
    assert load_crf(tagged).use_gazetteer and not load_crf(plain).use_gazetteer
    assert (plain / "crf.model").read_bytes() != (tagged / "crf.model").read_bytes()


def test_doccano_import():
    (notice,) = load_annotations([DATA / "doccano_001_item8.jsonl"])
    units = notice.spans_of("UNIT")
    assert len(units) == 13
    assert [u.attrs["role"] for u in units] == ["lead"] * 12 + ["responsible"]
    assert units[3].text == "县财政局(县金融局)"


def test_label_studio_import_normalises_deadlines():
    (notice,) = load_annotations([DATA / "labelstudio_001_item2.json"])
    (deadline,) = notice.spans_of("DEADLINE")
    assert deadline.text == "3个工作日内"
    assert deadline.attrs["kind"] == "relative" and deadline.attrs["duration"] == {"value": 3, "unit": "workday"}


def test_imports_score_and_train(tmp_path):
    import policynlp
    from policynlp.learning.evaluation import evaluate_notices

    notices = load_annotations([DATA / "doccano_001_item8.jsonl", DATA / "labelstudio_001_item2.json"])
    scores = evaluate_notices(notices, policynlp.load())
    assert scores["all"]["units"]["f"] >= 0.9
    assert scores["all"]["deadlines"]["f"] == 1.0


def test_unknown_label_is_a_clear_error(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "县府办牵头", "label": [[0, 3, "PERSON"]]}\n', encoding="utf-8")
    with pytest.raises(InputError, match="unknown label"):
        load_annotations([bad])


def test_canonical_annotations_round_trip():
    for notice in list(gold_notices().values())[:3]:
        again = AnnotatedNotice.from_dict(notice.to_dict())
        assert again.to_dict() == notice.to_dict()


def test_authoring_files_compile_to_the_canonical_jsonl():
    from policynlp.learning.authoring import compile_authoring

    root = Path(__file__).resolve().parent.parent / "corpora" / "annotations"
    for src in sorted((root / "src").glob("*.yaml")):
        compiled = compile_authoring(src)
        assert compiled.to_dict() == gold_notices()[compiled.id].to_dict(), src.name


def test_folds_hold_out_a_notice_with_its_copies():
    """80913 and 38733 are one notice published twice: neither trains a model scored on the other."""
    from policynlp.learning.evaluation import training_notices

    notices = list(gold_notices().values())
    by_id = {n.id: n for n in notices}
    train = {n.id for n in training_notices([by_id["pingtan-80913"]], notices)}
    assert "pingtan-80913" not in train and "pingtan-38733" not in train
    assert len(train) == len(notices) - 2
    # A child plan that copies much of its parent is another notice.
    assert "pingtan-80965" in {n.id for n in training_notices([by_id["pingtan-10224"]], notices)}


def test_cross_validation_held_out_by_source_trains_each_fold_without_its_source(monkeypatch):
    """`evaluate --cv --by source` on a small grouping: a fold never trains on a notice of the
    source it scores, and reports per group and pooled, for both runs."""
    from policynlp.learning import training
    from policynlp.learning.evaluation import cross_validate, folds, group_of

    gold = gold_notices()
    notices = [gold[i] for i in ("000_8f12a50087b0eed3", "003_ad4744f501b6ea9b", "pingtan-80968", "pingtan-2528")]
    assert [(name, [n.id for n in held]) for name, held in folds(notices, "source")] == [
        ("pingtan", ["pingtan-80968", "pingtan-2528"]), ("seeds", ["000_8f12a50087b0eed3", "003_ad4744f501b6ea9b"])]
    assert group_of(gold["pingtan-80958"], "province") == "全国" and group_of(gold["001_d83b70daa609b1f7"], "layout") == "table-merged-rows"
    trained: list[list[str]] = []
    real = training.train_model

    def recording(train, output, **kw):
        trained.append(sorted(n.id for n in train))
        return real(train, output, max_iterations=20)

    monkeypatch.setattr(training, "train_model", recording)
    runs = cross_validate(notices, by="source")
    assert trained == [["000_8f12a50087b0eed3", "003_ad4744f501b6ea9b"], ["pingtan-2528", "pingtan-80968"]]
    for run in runs.values():
        assert set(run["per_group"]) == {"pingtan", "seeds"}
        assert run["per_group"]["seeds"]["notices"] == ["000_8f12a50087b0eed3", "003_ad4744f501b6ea9b"]
        assert set(run["per_document"]) == {n.id for n in notices}
        assert 0 <= run["all"]["units"]["f"] <= 1 and set(run["documents"]) >= {"title", "items_exact"}


def test_cross_validation_needs_two_groups():
    from policynlp.errors import InputError
    from policynlp.learning.evaluation import folds

    gold = gold_notices()
    with pytest.raises(InputError, match="at least two are needed"):
        folds([gold["000_8f12a50087b0eed3"], gold["001_d83b70daa609b1f7"]], "source")


def test_agreement_between_two_readings():
    """Identical readings agree fully; a changed role and a dropped unit show in their fields."""
    import copy

    from policynlp.learning.agreement import agreement

    first = [gold_notices()["pingtan-80968"]]
    assert all(f["f1"] == 1.0 for f in agreement(first, first)["fields"].values())
    second = copy.deepcopy(first)
    item = next(it for it in second[0].items if len(it.units) >= 2)
    item.units[0].role = "mention" if item.units[0].role != "mention" else "lead"
    item.units.pop()
    result = agreement(first, second)
    units = result["fields"]["units"]
    assert units["both"] == units["first"] - 2 and units["second"] == units["first"] - 1
    assert result["roles"]["same"] == result["roles"]["pairs"] - 1
    assert result["fields"]["items"]["f1"] == 1.0
