"""The notebooks under notebooks/ run from top to bottom, make their figures and say what the package computes.

Each notebook is executed with nbclient on the `python3` kernel (the Makefile
registers the venv's), with a time limit per cell; any error fails the test.
Figures go to a temporary directory (POLICYNLP_FIGURES). The sentences the
notebooks print are checked against the same functions run here.
"""
from __future__ import annotations

import json
import time
from pathlib import Path

import nbclient  # the notebooks extra: `make test` installs it, and a run without it must not pass silently
import nbformat
import pytest

from conftest import require_corpus

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
CELL_TIMEOUT = 240  # seconds; the slowest cell (the learning curve) takes about 20 s
FIGURES = {
    "01_read_a_notice": {"units_by_role", "deadline_timeline"},
    "02_propagation": {"propagation_graph", "relation_shares", "lead_units", "deadline_shifts", "verb_classes"},
    "03_train_on_your_notices": {"learning_curve"},
}


def _outputs_text(nb) -> str:
    """Every text output of the executed notebook (stream, text/plain, text/markdown, text/html)."""
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream":
                parts.append(out.get("text", ""))
            for key in ("text/plain", "text/markdown", "text/html"):
                value = out.get("data", {}).get(key)
                if value:
                    parts.append(value if isinstance(value, str) else "".join(value))
    return "\n".join(parts)


def test_notebooks_are_stored_without_outputs():
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                assert cell.get("outputs") == [] and cell.get("execution_count") is None, f"{path.name}: outputs stored"
    assert {p.stem for p in NOTEBOOKS.glob("*.ipynb")} == set(FIGURES)


def _execute(name: str, figures_dir: Path, monkeypatch) -> tuple[object, float]:
    monkeypatch.setenv("POLICYNLP_FIGURES", str(figures_dir))
    nb = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    client = nbclient.NotebookClient(
        nb, timeout=CELL_TIMEOUT, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}}
    )
    start = time.monotonic()
    client.execute()  # raises CellExecutionError on any error
    return nb, time.monotonic() - start


def _stderr(nb) -> str:
    return "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []) if o.get("name") == "stderr")


def _check_figures(name: str, figures_dir: Path) -> None:
    made = {p.stem for p in figures_dir.glob("*.png")}
    assert made == FIGURES[name]
    for p in figures_dir.glob("*.png"):
        assert p.stat().st_size > 20_000, p  # a real figure, not an empty canvas


def test_01_read_a_notice(tmp_path, monkeypatch):
    require_corpus()  # the notebooks read the Pingtan chains
    from conftest import parsed
    from policynlp.analysis import propagation as analysis

    nb, seconds = _execute("01_read_a_notice", tmp_path, monkeypatch)
    _check_figures("01_read_a_notice", tmp_path)
    text = _outputs_text(nb)
    assert "MissingGlyphsWarning" not in _stderr(nb)
    doc = parsed("pingtan-80962")
    assert analysis.describe_units(analysis.units_by_role(doc), doc) in text
    assert analysis.describe_timeline(analysis.deadline_timeline(doc)) in text
    assert "('省财政厅', '牵头 lead')" in text  # the displaCy cell's spans
    html = [o["data"]["text/html"] for c in nb.cells for o in c.get("outputs", []) if "text/html" in o.get("data", {})]
    assert any("牵头 lead" in h and "时限 DEADLINE" in h for h in html)  # rendered inline by displaCy
    print(f"01_read_a_notice: {seconds:.0f} s")


@pytest.fixture(scope="module")
def corpus():
    from policynlp.mapping import map_corpus
    from policynlp.corpus import load_corpus, parse_corpus

    docs = parse_corpus(load_corpus())
    return docs, map_corpus(list(docs.values()))


def test_02_propagation(tmp_path, monkeypatch, corpus):
    require_corpus()  # the notebooks read the Pingtan chains
    from policynlp.analysis import propagation as analysis

    nb, seconds = _execute("02_propagation", tmp_path, monkeypatch)
    _check_figures("02_propagation", tmp_path)
    text = _outputs_text(nb)
    assert "MissingGlyphsWarning" not in _stderr(nb)
    docs, alignments = corpus
    assert analysis.describe_graph(analysis.propagation_graph(docs, alignments)) in text
    assert analysis.describe_relation_shares(analysis.relation_shares(alignments, docs)) in text
    assert analysis.describe_lead_units(analysis.lead_units_by_level(docs), analysis.lead_items_by_level(docs)) in text
    assert analysis.describe_deadline_shifts(analysis.deadline_shifts(alignments, docs)) in text
    assert analysis.describe_verb_classes(analysis.verb_classes_by_level(docs)) in text
    print(f"02_propagation: {seconds:.0f} s")


def test_03_train_on_your_notices(tmp_path, monkeypatch):
    require_corpus()  # the notebooks read the Pingtan chains
    nb, seconds = _execute("03_train_on_your_notices", tmp_path, monkeypatch)
    _check_figures("03_train_on_your_notices", tmp_path)
    text = _outputs_text(nb)
    assert "MissingGlyphsWarning" not in _stderr(nb)
    assert "Unit-name F1 on 3 held-out notices" in text
    assert "Unit-name F1 of the statistical recogniser alone goes from" in text
    assert "crf.model" in text and "gazetteer.txt" in text
    print(f"03_train_on_your_notices: {seconds:.0f} s")


def test_figures_have_their_cjk_font_and_build_from_the_corpus(tmp_path):
    require_corpus()  # the notebooks read the Pingtan chains
    """The figures module finds the CJK font of the installed PyPI package and every label's glyphs."""
    import warnings

    from policynlp.analysis import figures

    assert figures.cjk_font_file() is not None, "install the notebooks extra (mplfonts ships the CJK font)"
    assert figures.setup_fonts() == "Noto Sans CJK SC"
    fig = figures._figure(2, 1)
    fig.add_subplot().set_title("省级 → 市级 · 牵头单位 (n=42)")
    assert figures.missing_glyphs(fig) == set()
    fig.axes[0].set_xlabel("\ue000")  # a private-use character no font has
    with pytest.warns(figures.MissingGlyphsWarning, match="\ue000"):
        figures.check_glyphs(fig)
    # `make demo`'s figures (the learning curve aside, which notebook 03 covers), without a glyph warning
    with warnings.catch_warnings():
        warnings.simplefilter("error", figures.MissingGlyphsWarning)
        assert figures.main([str(tmp_path), "--no-curve"]) == 0
    made = {p.stem for p in (tmp_path / "figures").glob("*.png")}
    assert made == FIGURES["01_read_a_notice"] | FIGURES["02_propagation"]
    captions = (tmp_path / "figures" / "captions.md").read_text(encoding="utf-8")
    assert captions.count("![") == len(made)
