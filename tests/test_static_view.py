"""What a learner sees where no kernel runs: GitHub, nbviewer, an HTML export.

The committed notebooks are rendered with nbconvert's HTMLExporter as they
are (no execution). Every explorer's display carries a PNG of its state next
to the widget view; these tests check that the PNG is there, that it reaches
the HTML as an ``<img>``, and that it is a real figure. They also check that
the committed outputs are those of one clean run: no errors, and every code
cell executed top to bottom in a fresh kernel.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from nbconvert import HTMLExporter
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(
    path
    for path in (ROOT / "notebooks").glob("*.ipynb")
    if ".ipynb_checkpoints" not in path.parts
)

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
PNG = "image/png"

# An explorer's figure is meant to be read: at least this many pixels wide
# and high, and at most this many bytes (the PNG is stored in the notebook).
MIN_WIDTH, MIN_HEIGHT = 400, 200
MAX_PNG_BYTES = 1_000_000

# A call that makes an explorer, e.g. `cl.SecantExplorer()` (not `class X(...)`).
EXPLORER_CALL = re.compile(r"(?<!class )\b\w*Explorer\s*\(")

WITH_EXPLORERS = [path for path in NOTEBOOKS if EXPLORER_CALL.search(path.read_text())]

by_name = pytest.mark.parametrize(
    "path", NOTEBOOKS, ids=[path.name for path in NOTEBOOKS]
)


def read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def code_cells(notebook: nbformat.NotebookNode) -> list[tuple[int, dict]]:
    """(cell number from 1, cell) for every code cell."""
    return [
        (number, cell)
        for number, cell in enumerate(notebook.cells, 1)
        if cell.cell_type == "code"
    ]


def explorer_outputs(notebook: nbformat.NotebookNode) -> list[tuple[int, dict]]:
    """(cell number, output) for every output that shows a widget with a figure.

    An explorer cell is a code cell with an output that carries the widget
    view; each such output must also carry the static PNG.
    """
    return [
        (number, output)
        for number, cell in code_cells(notebook)
        for output in cell.outputs
        if WIDGET_VIEW in output.get("data", {})
        and (PNG in output.data or EXPLORER_CALL.search(cell.source))
    ]


def calls_an_explorer(notebook: nbformat.NotebookNode) -> bool:
    return any(EXPLORER_CALL.search(cell.source) for _, cell in code_cells(notebook))


def png_of(output: dict, where: str) -> str:
    """The output's PNG, base64 without whitespace, as an HTML data URI has it."""
    assert PNG in output.data, f"{where}: the explorer has no image/png fallback"
    return re.sub(r"\s", "", output.data[PNG])


def to_html(notebook: nbformat.NotebookNode) -> str:
    html, _ = HTMLExporter().from_notebook_node(notebook)
    return html


class _Images(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.sources: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "img":
            self.sources += [value for name, value in attrs if name == "src"]


def inline_pngs(html: str) -> set[str]:
    """The base64 data of every ``<img src="data:image/png;base64,...">``."""
    parser = _Images()
    parser.feed(html)
    prefix = "data:image/png;base64,"
    return {
        re.sub(r"\s", "", src[len(prefix) :])
        for src in parser.sources
        if src.startswith(prefix)
    }


def check_png(data: str, where: str) -> None:
    """``data`` (base64) decodes to a valid PNG of a readable size."""
    try:
        raw = base64.b64decode(data, validate=True)
    except binascii.Error as error:
        pytest.fail(f"{where}: the PNG is not valid base64: {error}")
    assert raw.startswith(b"\x89PNG\r\n\x1a\n"), f"{where}: not a PNG"
    assert len(raw) <= MAX_PNG_BYTES, (
        f"{where}: the PNG is {len(raw)} bytes, more than {MAX_PNG_BYTES}"
    )
    try:
        with Image.open(io.BytesIO(raw)) as image:
            image.verify()  # checks the chunks' CRCs
        with Image.open(io.BytesIO(raw)) as image:
            image.load()  # and that the pixels decode
            width, height = image.size
    except Exception as error:
        pytest.fail(f"{where}: the PNG does not decode: {error}")
    assert width >= MIN_WIDTH and height >= MIN_HEIGHT, (
        f"{where}: the PNG is {width}x{height} px, smaller than "
        f"{MIN_WIDTH}x{MIN_HEIGHT}"
    )


# -- the tests -----------------------------------------------------------------
def test_there_are_notebooks():
    assert NOTEBOOKS, "no notebooks in notebooks/"


@by_name
def test_no_error_outputs(path):
    errors = [
        f"cell {number}: {output.get('ename')}: {output.get('evalue')}"
        for number, cell in code_cells(read(path))
        for output in cell.outputs
        if output.output_type == "error"
    ]
    assert not errors, f"{path.name} is committed with errors: {errors}"


@by_name
def test_executed_top_to_bottom_in_one_fresh_kernel(path):
    counts, problems = [], []
    for number, cell in code_cells(read(path)):
        if not cell.source.strip():
            if cell.execution_count is not None or cell.outputs:
                problems.append(f"empty cell {number} has a count or outputs")
            continue
        counts.append(cell.execution_count)
        for output in cell.outputs:
            if output.output_type == "execute_result" and (
                output.execution_count != cell.execution_count
            ):
                problems.append(f"cell {number}'s result is from another run")
    expected = list(range(1, len(counts) + 1))
    assert counts == expected and not problems, (
        f"{path.name}: execution counts {counts}, expected {expected} "
        f"{problems or ''}: run `make refresh`"
    )


@by_name
def test_every_explorer_carries_a_static_png(path):
    notebook = read(path)
    explorers = explorer_outputs(notebook)
    if calls_an_explorer(notebook):
        assert explorers, (
            f"{path.name} calls an explorer but no output shows one: "
            "is the notebook executed (`make refresh`)?"
        )
    missing = [number for number, output in explorers if PNG not in output.data]
    assert not missing, (
        f"{path.name}: the explorers of cells {missing} have no image/png fallback"
    )


@pytest.mark.parametrize(
    "path", WITH_EXPLORERS, ids=[path.name for path in WITH_EXPLORERS]
)
def test_html_export_shows_every_explorer_figure(path):
    """`jupyter nbconvert --to html` shows each explorer's figure as an <img>.

    That is also what GitHub and nbviewer show: the notebooks are committed
    without widget state, so no viewer tries to draw a widget it cannot run.
    """
    notebook = read(path)
    explorers = explorer_outputs(notebook)
    assert explorers, f"{path.name} calls an explorer but shows none"
    images = inline_pngs(to_html(notebook))
    for number, output in explorers:
        where = f"{path.name}, cell {number}"
        data = png_of(output, where)
        assert data in images, (
            f"{where}: the explorer's PNG is not an "
            '<img src="data:image/png;base64,..."> in the HTML'
        )
        check_png(data, where)


@by_name
def test_no_widget_state_is_stored(path):
    assert "widgets" not in read(path).metadata, (
        f"{path.name} stores widget state: run `make refresh`"
    )
