"""Sphinx configuration of the course website (``make site``).

The website is built from the committed, executed notebooks as they are:
``sphinx-build -W -c docs notebooks build/site``. The source folder is
``notebooks/`` itself, so every ``notebooks/*.ipynb`` is a page without a
list to keep up to date; this folder holds only the configuration.

- Nothing is executed (``nb_execution_mode = "off"``): the pages show the
  outputs a learner gets, as ``make refresh`` stored them.
- An explorer's output holds a widget view, which needs a kernel, and a PNG
  of the explorer's state (``calclearn.widgets``); the widget view is dropped
  for HTML so that the page shows the PNG.
- The start page (``00_start_here``) is the root of the site and its landing
  page (also written as ``index.html``); the chapters follow it in the
  navigation bar in file-name order, which is chapter order.
- MathJax is served from the site itself (the copy that the
  ``sphinx-mathjax-offline`` package ships), so that no page loads anything
  from another host.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path

REPOSITORY_URL = "https://github.com/calclearn/calclearn"
# The branch Binder builds: HEAD, as in the README's Binder links.
REPOSITORY_BRANCH = "HEAD"

project = "Calculus for Machine Learning"
author = "The calclearn authors"
copyright = "the calclearn authors, MIT licence"

# githubpages: a .nojekyll file, so that GitHub Pages serves _static/ as is.
extensions = ["myst_nb", "sphinx.ext.githubpages"]

root_doc = "00_start_here"
exclude_patterns = ["**/.ipynb_checkpoints", "_build", "jupyter_execute"]

# -- notebooks ----------------------------------------------------------------
nb_execution_mode = "off"
# The explorers' widget views cannot run without a kernel and the notebooks
# store no widget state: drop the view so that the explorer's PNG, stored in
# the same output, is what the page shows.
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
nb_mime_priority_overrides = [
    (builder, WIDGET_VIEW, None) for builder in ("html", "dirhtml", "singlehtml")
]
# With no widget state on any page, no page needs the widget manager's
# scripts (which MyST-NB would otherwise load from a CDN).
nb_ipywidgets_js = {}

myst_enable_extensions = ["dollarmath", "amsmath"]
# Every chapter opens with its title (H1) and then "### Learning objectives",
# a small heading on purpose (tests/test_notebooks.py's template); MyST would
# warn about the skipped level on every chapter.
suppress_warnings = ["myst.header"]

# -- HTML -----------------------------------------------------------------------
html_theme = "sphinx_book_theme"
html_title = project
html_copy_source = True  # `_sources/NN_name.ipynb`: the download button's file
html_theme_options = {
    "repository_url": REPOSITORY_URL,
    "repository_branch": REPOSITORY_BRANCH,
    "path_to_docs": "notebooks",
    "use_repository_button": True,
    "use_download_button": True,
    "launch_buttons": {
        "binderhub_url": "https://mybinder.org",
        "notebook_interface": "jupyterlab",
    },
    "home_page_in_toc": True,
    "show_navbar_depth": 1,
}
html_last_updated_fmt = None

# -- MathJax, from the site itself ----------------------------------------------
# What MathJax's `tex-chtml.js` loads at run time: TeX extensions (autoload),
# the CHTML fonts, the menu, and the accessibility modules the menu offers.
MATHJAX_PARTS = ("tex-chtml.js", "input", "output", "ui", "a11y", "sre")
mathjax_path = "mathjax/tex-chtml.js"


def _mathjax_source() -> Path:
    spec = importlib.util.find_spec("sphinx-mathjax-offline")
    if spec is None or spec.origin is None:
        raise RuntimeError(
            "MathJax is bundled from the sphinx-mathjax-offline package: "
            'install the site extra, `pip install -e ".[site]"`'
        )
    return Path(spec.origin).parent / "static" / "mathjax"


def _copy_mathjax(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    target = Path(app.outdir) / "_static" / "mathjax"
    source = _mathjax_source()
    for part in MATHJAX_PARTS:
        if (source / part).is_dir():
            shutil.copytree(source / part, target / part, dirs_exist_ok=True)
        else:
            target.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source / part, target / part)


# -- navigation: every chapter, in order, found in the source folder ------------
def _chapters(srcdir: Path) -> list[str]:
    """The docnames of every notebook but the root, in file-name order."""
    return [
        path.stem
        for path in sorted(srcdir.glob("*.ipynb"))
        if path.stem != root_doc and not path.name.startswith(".")
    ]


def _add_toctree(app, docname: str, source: list[str]) -> None:
    """Give the start page a hidden toctree of the chapters: the navigation bar.

    The notebooks themselves link to each other in prose; this toctree, made
    from the folder's contents, orders them for Sphinx.
    """
    if docname != root_doc:
        return
    notebook = json.loads(source[0])
    entries = "\n".join(_chapters(Path(app.srcdir)))
    notebook["cells"].append(
        {
            "cell_type": "markdown",
            "id": "calclearn-site-chapters",
            "metadata": {},
            "source": f"```{{toctree}}\n:hidden:\n:maxdepth: 1\n\n{entries}\n```\n",
        }
    )
    source[0] = json.dumps(notebook)


def _write_index(app, exception) -> None:
    """``index.html``: the start page again, so that the site's root is it."""
    if exception is not None or app.builder.format != "html" or root_doc == "index":
        return
    outdir = Path(app.outdir)
    shutil.copy2(outdir / f"{root_doc}.html", outdir / "index.html")


def setup(app):
    _mathjax_source()  # fail early, with the install command, when it is missing
    app.connect("source-read", _add_toctree)
    app.connect("build-finished", _copy_mathjax)
    app.connect("build-finished", _write_index)
