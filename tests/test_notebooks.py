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
        collapsed = solution.metadata.get("jupyter", {})
        assert collapsed.get("source_hidden"), "solutions are collapsed"
        assert collapsed.get("outputs_hidden"), (
            "a solution's ✅ output is collapsed too: it would give the answer away"
        )
        stub_says = "".join(_text(o) for o in stub.outputs)
        solution_says = "".join(_text(o) for o in solution.outputs)
        assert stub_says.startswith("❌"), f"cell {index - 1}: {stub_says!r}"
        assert solution_says.startswith("✅"), f"cell {index}: {solution_says!r}"


def _heading(path: Path) -> str:
    """The notebook's title, from its first level-1 heading."""
    notebook = nbformat.read(path, as_version=4)
    return re.search(r"^# (.+)$", _markdown(notebook), re.MULTILINE).group(1)


def _links(source: str) -> dict[str, str]:
    """Target notebook → link text, for every link to a notebook in ``source``."""
    return {
        target: text.strip()
        for text, target in re.findall(r"\[([^\]]+)\]\(([\w.]+\.ipynb)\)", source)
    }


def _names_the_chapter(text: str, path: Path) -> bool:
    """Whether a link's text is the chapter's heading or a shortening of it."""
    heading = _heading(path)
    short = text.replace("←", "").replace("→", "").replace("\n", " ").strip()
    short = re.sub(r"\s+", " ", short)
    return path.name.startswith("00_") or heading.startswith(short)


@pytest.mark.parametrize(
    "index", range(len(NOTEBOOKS)), ids=lambda i: NOTEBOOKS[i].name
)
def test_previous_and_next_links_follow_the_chapter_order(index):
    """The top line links back and on; the last cell leads to the next chapter."""
    path = NOTEBOOKS[index]
    notebook = nbformat.read(path, as_version=4)
    previous = NOTEBOOKS[index - 1] if index > 0 else None
    following = NOTEBOOKS[index + 1] if index + 1 < len(NOTEBOOKS) else NOTEBOOKS[0]
    if previous is not None:
        top = _links(notebook.cells[0].source.strip().splitlines()[0])
        assert previous.name in top, f"{path.name}'s top line links back"
        assert "←" in top[previous.name]
        assert _names_the_chapter(top[previous.name], previous), top[previous.name]
        if following is not NOTEBOOKS[0]:
            assert following.name in top, f"{path.name}'s top line links on"
            assert _names_the_chapter(top[following.name], following)
    ending = _links(notebook.cells[-1].source)
    assert following.name in ending, f"{path.name} ends with a link to {following.name}"
    assert _names_the_chapter(ending[following.name], following), ending


def test_start_page_lists_every_chapter_in_order():
    start = nbformat.read(NOTEBOOKS[0], as_version=4)
    listed = re.findall(
        r"^\| (\d+) \| \[([^\]]+)\]\(([\w.]+\.ipynb)\)", _markdown(start), re.MULTILINE
    )
    assert [(n, target) for n, _, target in listed] == [
        (str(n), p.name) for n, p in enumerate(NOTEBOOKS) if n > 0
    ]
    for n, title, _ in listed:
        assert _names_the_chapter(f"Chapter {n} · {title}", NOTEBOOKS[int(n)]), title


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_each_cell_stores_its_prints_as_one_output_per_stream(path):
    """`make refresh` coalesces streams, so a refresh diff shows only real changes."""
    notebook = nbformat.read(path, as_version=4)
    for index, cell in enumerate(notebook.cells):
        names = [o.name for o in cell.get("outputs", []) if o.output_type == "stream"]
        assert len(names) == len(set(names)), f"cell {index}: {names}"
