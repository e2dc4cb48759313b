"""The README's tour runs as printed, and gives the values its comments show."""
from __future__ import annotations

import ast
import re

import pytest
from conftest import ROOT, require_corpus


def tour() -> list[tuple[str, object | None]]:
    """The README's first Python block as (statement, the literal its comment shows or None).

    A shown value is a comment after the statement or on the lines below it that
    parses as a Python literal; `← …` asides are not part of it.
    """
    block = re.search(r"```python\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S).group(1)
    steps: list[tuple[str, list[str]]] = []
    for line in block.splitlines():
        code, _, comment = line.partition("#")
        if code.strip():
            steps.append((code.strip(), [comment.strip()]))
        elif comment and steps:
            steps[-1][1].append(comment.strip())
    out = []
    for code, comments in steps:
        shown = " ".join(re.sub(r"←.*", "", c) for c in comments).strip()
        try:
            value = ast.literal_eval(shown)
        except (ValueError, SyntaxError):
            value = None
        out.append((code, value))
    return out


def test_the_tour_shows_values_to_check() -> None:
    assert sum(value is not None for _, value in tour()) >= 5


def test_the_readme_tour_runs_as_printed(monkeypatch: pytest.MonkeyPatch) -> None:
    require_corpus()
    monkeypatch.chdir(ROOT)  # the tour's paths are relative to the checkout
    namespace: dict = {}
    for code, shown in tour():
        tree = ast.parse(code)
        if shown is not None and isinstance(tree.body[-1], ast.Expr):
            assert eval(compile(ast.Expression(tree.body[-1].value), "README", "eval"), namespace) == shown, code
        else:
            exec(compile(tree, "README", "exec"), namespace)
