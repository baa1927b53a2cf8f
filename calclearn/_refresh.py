"""Re-execute the course notebooks and save their outputs: ``make refresh``.

Each notebook runs top to bottom in a fresh kernel started from this Python,
so the stored outputs are exactly what a learner's "Restart and Run All" gives.
Widget state is not stored: each explorer's output already carries a PNG of
its figure, which GitHub, nbviewer and nbconvert's exports show, and without a
stored state they show that PNG rather than a widget that needs JavaScript
from the web. Metadata that changes from run to run (the execution timestamps
nbclient would write into every cell) or from machine to machine (Python's
patch version) is not stored, and consecutive prints of a cell are stored as one
output, so that a refresh diff shows only real changes.

Usage: ``python -m calclearn._refresh [NOTEBOOK_OR_FOLDER ...]``
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbconvert.preprocessors import CoalesceStreamsPreprocessor

KERNEL_NAME = "python3"
TIMEOUT_SECONDS = 600


def refresh(path: Path) -> float:
    """Execute the notebook at ``path`` in place; return the seconds it took."""
    notebook = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(
        notebook,
        kernel_name=KERNEL_NAME,
        timeout=TIMEOUT_SECONDS,
        resources={"metadata": {"path": str(path.parent)}},
        store_widget_state=False,
        record_timing=False,
    ).execute()
    seconds = time.perf_counter() - start
    # A cell's prints arrive in as many stream outputs as the kernel flushed:
    # one output per stream, as nbval compares them, keeps the file the same
    # from refresh to refresh.
    notebook, _ = CoalesceStreamsPreprocessor().preprocess(notebook, {})
    for cell in notebook.cells:  # timings stored by an older refresh or by hand
        cell.metadata.pop("execution", None)
    notebook.metadata["kernelspec"] = {
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
        "name": KERNEL_NAME,
    }
    notebook.metadata["language_info"] = {"name": "python"}
    notebook.metadata.pop("widgets", None)
    nbformat.validate(notebook)
    nbformat.write(notebook, path)
    return seconds


def notebooks(arguments: list[str]) -> list[Path]:
    """The notebooks named, or found in the folders named (default notebooks/)."""
    found: list[Path] = []
    for argument in arguments or ["notebooks"]:
        path = Path(argument)
        if path.is_dir():
            found += sorted(
                p for p in path.glob("*.ipynb") if ".ipynb_checkpoints" not in p.parts
            )
        elif path.suffix == ".ipynb" and path.exists():
            found.append(path)
        else:
            raise SystemExit(f"not a notebook or a folder of notebooks: {argument}")
    return found


def main(arguments: list[str]) -> None:
    for path in notebooks(arguments):
        print(f"{path}: ", end="", flush=True)
        print(f"executed in {refresh(path):.1f} s")


if __name__ == "__main__":
    main(sys.argv[1:])
