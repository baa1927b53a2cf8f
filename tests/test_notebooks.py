"""Every chapter follows the course template, and its exercises are wired right.

nbval (run over notebooks/ by the same test command) checks that the stored
outputs are reproduced; these tests check what the stored outputs must *be*.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = sorted(Path(__file__).parent.parent.glob("notebooks/*.ipynb"))
CHAPTERS = [path for path in NOTEBOOKS if not path.name.startswith("00_")]


def _text(output) -> str:
    if output.output_type == "stream":
        return output.text
    return output.get("data", {}).get("text/plain", "")


def _markdown(notebook) -> str:
    return "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")


def test_there_are_chapters():
    assert len(CHAPTERS) >= 3


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_chapter_follows_the_template(path):
    notebook = nbformat.read(path, as_version=4)
    text = _markdown(notebook)
    assert "Learning objectives" in text
    assert "## Summary" in text
    assert "## Exercises" in text
    assert "$$" in text, "the maths is written in LaTeX"
    code = "\n".join(c.source for c in notebook.cells if c.cell_type == "code")
    assert re.search(r"cl\.\w+Explorer\(", code), "at least one explorer"
    first = notebook.cells[0].source
    assert "←" in first and "Chapter" in first, "navigation at the top"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_links_between_notebooks_resolve(path):
    notebook = nbformat.read(path, as_version=4)
    targets = re.findall(r"\]\(([\w.]+\.ipynb)\)", _markdown(notebook))
    assert targets, "every notebook links to another"
    for target in targets:
        assert (path.parent / target).exists(), f"{path.name} links to {target}"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_each_exercise_fails_as_given_and_passes_with_its_solution(path):
    notebook = nbformat.read(path, as_version=4)
    cells = notebook.cells
    solutions = [
        i for i, c in enumerate(cells) if "solution" in c.metadata.get("tags", [])
    ]
    assert len(solutions) >= 3, "at least three exercises"
    for index in solutions:
        solution = cells[index]
        stub = cells[index - 1]
        assert stub.cell_type == "code", "the solution follows the exercise cell"
        assert solution.metadata.get("jupyter", {}).get("source_hidden"), (
            "solutions are collapsed"
        )
        stub_says = "".join(_text(o) for o in stub.outputs)
        solution_says = "".join(_text(o) for o in solution.outputs)
        assert stub_says.startswith("❌"), f"cell {index - 1}: {stub_says!r}"
        assert solution_says.startswith("✅"), f"cell {index}: {solution_says!r}"
