"""The course website: ``make site`` builds it from the committed notebooks.

The site is built once for this module, into a temporary folder, with the
command of ``make site`` (Sphinx, warnings as errors, nothing executed). The
HTML is then read as files: every chapter is a page, every figure and every
explorer's still image is on it (the very bytes the notebook stores), the
maths is marked up for MathJax, which the site serves itself, the navigation
lists the chapters in order, each chapter has its Binder and download links,
no internal link is broken and no page loads anything from another host.

``test_pages_in_chromium`` (marked ``browser``) then opens every page in
headless Chromium from a local server: MathJax typesets every formula without
a TeX error, every image loads, the search finds every chapter, and no request
leaves 127.0.0.1. Its screenshots go to ``test-artifacts/site/``.
"""

from __future__ import annotations

import base64
import concurrent.futures
import contextlib
import functools
import http.server
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import nbformat
import pytest

if sys.version_info < (3, 11):  # pyproject's [site] extra: Sphinx 9 needs 3.11
    pytest.skip(
        "the website is built with Python 3.11 or newer", allow_module_level=True
    )

from browser.conftest import CHROMIUM_ARGS, INSTALL_HINT, chromium_path
from test_static_view import PNG, WIDGET_VIEW, explorer_outputs

ROOT = Path(__file__).resolve().parents[1]
# CALCLEARN_SITE_NOTEBOOKS=/some/dir builds another folder of notebooks (for
# developing the suite itself); by default, the course's.
SOURCE = Path(os.environ.get("CALCLEARN_SITE_NOTEBOOKS", ROOT / "notebooks"))
NOTEBOOKS = sorted(SOURCE.glob("*.ipynb"))
ROOT_DOC = "00_start_here"
CHAPTERS = [path for path in NOTEBOOKS if path.stem != ROOT_DOC]
BINDER = (
    "https://mybinder.org/v2/gh/calclearn/calclearn/HEAD?urlpath=lab/tree/notebooks/{}"
)
ARTIFACTS = ROOT / "test-artifacts" / "site"

#: ``make site``'s command, with the output folders as arguments.
SPHINX = [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-b", "html"]

#: Attributes through which a page *loads* something (a link to follow, <a
#: href>, is not a load: the Binder and GitHub buttons point elsewhere).
LOADING = {
    "script": ("src",),
    "link": ("href",),
    "img": ("src", "srcset"),
    "iframe": ("src",),
    "source": ("src", "srcset"),
    "video": ("src", "poster"),
    "audio": ("src",),
    "embed": ("src",),
    "object": ("data",),
}
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)""")
CSS_IMPORT = re.compile(r"""@import\s+['"]([^'"]+)""")

by_notebook = pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)


@functools.cache
def build(folder: Path) -> tuple[int, str]:
    """Run ``make site``'s command into ``folder``/html: (exit code, output)."""
    result = subprocess.run(
        [
            *SPHINX,
            "-c",
            str(ROOT / "docs"),
            "-d",
            str(folder / "doctrees"),
            str(SOURCE),
            str(folder / "html"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    return result.returncode, result.stdout + result.stderr


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The website, built once by ``make site``'s command into a temporary folder."""
    folder = tmp_path_factory.getbasetemp() / "site"
    folder.mkdir(exist_ok=True)
    returncode, output = build(folder)
    assert returncode == 0, f"the site build failed:\n{output[-6000:]}"
    assert "WARNING" not in output, f"the site build warned:\n{output[-6000:]}"
    return folder / "html"


class Page(HTMLParser):
    """Every start tag of a page, its ids, and the text of its <script>s."""

    def __init__(self, path: Path) -> None:
        super().__init__(convert_charrefs=True)
        self.path = path
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.ids: set[str] = set()
        self.feed(path.read_text(encoding="utf-8"))

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = {name: value or "" for name, value in attrs}
        self.tags.append((tag, attributes))
        for key in ("id", "name"):
            if attributes.get(key):
                self.ids.add(attributes[key])

    def values(self, tag: str, attribute: str) -> list[str]:
        return [
            attrs[attribute]
            for name, attrs in self.tags
            if name == tag and attribute in attrs
        ]

    def classes(self, tag: str, css_class: str) -> list[dict[str, str]]:
        return [
            attrs
            for name, attrs in self.tags
            if name == tag and css_class in attrs.get("class", "").split()
        ]


@functools.cache
def parse(path: Path) -> Page:
    return Page(path)


def pages(site: Path) -> list[Path]:
    return sorted(site.glob("*.html"))


def is_external(url: str) -> bool:
    return bool(urlsplit(url).scheme or url.startswith("//")) and not url.startswith(
        ("data:", "#", "mailto:")
    )


def local_target(page: Path, url: str) -> tuple[Path, str]:
    """The file a relative URL of ``page`` points to, and its fragment."""
    parts = urlsplit(url)
    target = page if not parts.path else (page.parent / unquote(parts.path)).resolve()
    return target, unquote(parts.fragment)


def read_notebook(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def has_maths(path: Path) -> bool:
    """Whether a markdown cell of the notebook writes maths ($...$)."""
    return any(
        cell.cell_type == "markdown" and "$" in cell.source
        for cell in read_notebook(path).cells
    )


def png_outputs(path: Path) -> list[tuple[int, bytes]]:
    """(cell number, PNG bytes) of every output that shows a PNG."""
    return [
        (number, base64.b64decode(output.data[PNG]))
        for number, cell in enumerate(read_notebook(path).cells, 1)
        if cell.cell_type == "code"
        for output in cell.outputs
        if PNG in output.get("data", {})
    ]


def page_images(site: Path, page: Path) -> set[bytes]:
    return {
        (site / unquote(src)).read_bytes()
        for src in parse(page).values("img", "src")
        if not is_external(src) and src.endswith(".png")
    }


def nav_pages(page: Path) -> list[str]:
    """The pages the navigation bar lists, in its order (``#`` is this page)."""
    parser = parse(page)
    links, inside = [], False
    for tag, attrs in parser.tags:
        if tag == "nav":
            inside = "bd-docs-nav" in attrs.get("class", "")
        elif inside and tag == "a" and "reference" in attrs.get("class", ""):
            href = attrs["href"]
            links.append(page.name if href.startswith("#") else href.split("#")[0])
    return links


# -- the build and its pages -----------------------------------------------------
def test_the_makefile_builds_the_site_with_this_command():
    recipe = (ROOT / "Makefile").read_text()
    assert re.search(r"^site:", recipe, re.MULTILINE), (
        "the Makefile has no `site` target"
    )
    command = " ".join(SPHINX[1:])
    assert (
        command in recipe and "-c docs" in recipe and "notebooks $(SITE_DIR)" in recipe
    ), f"`make site` should run `python {command} -c docs ... notebooks $(SITE_DIR)`"


@by_notebook
def test_every_notebook_is_a_page(site, notebook):
    page = site / f"{notebook.stem}.html"
    assert page.is_file(), f"{notebook.name} has no page in the site"
    title = next(
        line[2:].strip()
        for cell in read_notebook(notebook).cells
        if cell.cell_type == "markdown"
        for line in cell.source.splitlines()
        if line.startswith("# ")
    )
    assert f"<h1>{title}" in page.read_text(encoding="utf-8").replace("¶", ""), (
        f"{page.name} does not show the title {title!r}"
    )


def test_the_start_page_is_the_landing_page(site):
    start = (site / f"{ROOT_DOC}.html").read_text(encoding="utf-8")
    assert (site / "index.html").read_text(encoding="utf-8") == start


@by_notebook
def test_every_figure_and_explorer_image_is_on_the_page(site, notebook):
    """Each PNG output, explorers' stills included, is an <img> with its bytes."""
    images = page_images(site, site / f"{notebook.stem}.html")
    missing = [number for number, png in png_outputs(notebook) if png not in images]
    assert not missing, (
        f"{notebook.name}: the PNGs of cells {missing} are not on the page"
    )


@pytest.mark.parametrize(
    "notebook",
    [path for path in NOTEBOOKS if explorer_outputs(read_notebook(path))],
    ids=lambda p: p.stem,
)
def test_every_explorer_shows_its_still_image_not_a_widget(site, notebook):
    page = site / f"{notebook.stem}.html"
    images = page_images(site, page)
    explorers = explorer_outputs(read_notebook(notebook))
    for number, output in explorers:
        png = base64.b64decode(output.data[PNG])
        assert png in images, f"{notebook.name}, cell {number}: explorer image missing"
    text = page.read_text(encoding="utf-8")
    assert WIDGET_VIEW not in text and "jupyter-widgets" not in text, (
        f"{page.name} holds a widget view, which cannot run without a kernel"
    )


@by_notebook
def test_the_maths_is_marked_up_for_the_bundled_mathjax(site, notebook):
    page = site / f"{notebook.stem}.html"
    if has_maths(notebook):
        assert 'class="math' in page.read_text(encoding="utf-8"), (
            f"{notebook.name}'s maths is not marked up as maths"
        )
    scripts = parse(page).values("script", "src")
    mathjax = [src for src in scripts if "mathjax" in src.lower()]
    assert mathjax == ["_static/mathjax/tex-chtml.js"], f"MathJax loaded from {mathjax}"
    fonts = site / "_static" / "mathjax" / "output" / "chtml" / "fonts" / "woff-v2"
    assert (site / "_static" / "mathjax" / "tex-chtml.js").is_file() and fonts.is_dir()


def test_the_navigation_lists_every_chapter_in_order(site):
    expected = [f"{path.stem}.html" for path in NOTEBOOKS]
    for page in NOTEBOOKS:
        listed = nav_pages(site / f"{page.stem}.html")
        assert listed == expected, f"{page.stem}.html's navigation: {listed}"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_every_chapter_has_binder_and_download_links(site, chapter):
    page = site / f"{chapter.stem}.html"
    hrefs = parse(page).values("a", "href")
    binder = BINDER.format(chapter.name)
    assert binder in hrefs, f"{page.name} has no 'launch on Binder' link to {binder}"
    download = f"_sources/{chapter.name}"
    assert download in hrefs, f"{page.name} has no 'download notebook' link"
    assert (site / download).read_bytes() == chapter.read_bytes(), (
        f"{download} is not the committed notebook"
    )


def test_search_is_built_over_every_chapter(site):
    index = (site / "searchindex.js").read_text(encoding="utf-8")
    for path in NOTEBOOKS:
        assert f'"{path.stem}"' in index, f"{path.stem} is not in the search index"
    assert (site / "search.html").is_file()


def test_no_internal_link_is_broken(site):
    broken = []
    for page in pages(site):
        parser = parse(page)
        urls = parser.values("a", "href") + [
            value
            for tag, attributes in LOADING.items()
            for attribute in attributes
            for value in parser.values(tag, attribute)
            if attribute != "srcset"
        ]
        for url in urls:
            if not url or is_external(url) or url.startswith(("data:", "mailto:")):
                continue
            target, fragment = local_target(page, url)
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{page.name}: {url} (no file)")
            elif (
                fragment
                and target.suffix == ".html"
                and fragment not in parse(target).ids
            ):
                broken.append(f"{page.name}: {url} (no #{fragment})")
    assert not broken, "broken internal links:\n" + "\n".join(broken)


def test_no_page_loads_anything_from_another_host(site):
    external = []
    for page in pages(site):
        parser = parse(page)
        for tag, attributes in LOADING.items():
            for attribute in attributes:
                for value in parser.values(tag, attribute):
                    urls = [
                        part.split()[0] for part in value.split(",") if part.strip()
                    ]
                    external += [
                        f"{page.name}: <{tag} {attribute}={url}>"
                        for url in urls
                        if is_external(url)
                    ]
    for sheet in (site / "_static").rglob("*.css"):
        text = sheet.read_text(encoding="utf-8", errors="replace")
        for url in CSS_URL.findall(text) + CSS_IMPORT.findall(text):
            if is_external(url):
                external.append(f"{sheet.relative_to(site)}: {url}")
    assert not external, "pages load from other hosts:\n" + "\n".join(external)


# -- in a browser ------------------------------------------------------------------
class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep the test's output clean
        pass


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve ``folder`` on 127.0.0.1 (a free port) while the block runs."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


TYPESET = """async () => {
    await window.MathJax.startup.promise;
    const images = [...document.querySelectorAll('article img')];
    await Promise.all(images.map((img) => img.decode().catch(() => null)));
    return {
        formulas: document.querySelectorAll('mjx-container').length,
        errors: [...document.querySelectorAll('mjx-merror')].map((e) => e.textContent),
        untypeset: document.querySelectorAll('.math:not(:has(mjx-container))').length,
        broken: images.filter((img) => !img.naturalWidth).map((img) => img.src),
    };
}"""


def in_chromium(function, *args):
    """``function(chromium, *args)``, run with a Chromium of its own, in a thread.

    The browser suite's Chromium (its session fixture, Debian's package, its
    flags) lives for the whole session of a pytest worker, and Playwright's
    sync API cannot start a second one in the same thread while it runs; in a
    thread of its own, this one can, whichever test files share the worker.
    """
    executable = chromium_path()
    if executable is None:
        pytest.skip(INSTALL_HINT)
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="Playwright for Python is not installed"
    )

    def work():
        with sync_api.sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=executable, headless=True, args=CHROMIUM_ARGS
            )
            try:
                return function(chromium, *args)
            finally:
                chromium.close()

    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work).result()


@pytest.mark.browser
def test_pages_in_chromium(site):
    in_chromium(check_pages, site)


def check_pages(browser, site: Path) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with serve(site) as url:
        local = urlsplit(url).netloc
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        outside: list[str] = []

        def only_local(route) -> None:
            if urlsplit(route.request.url).netloc == local:
                route.continue_()
            else:
                outside.append(route.request.url)
                route.abort()

        context.route("**/*", only_local)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        try:
            for path in NOTEBOOKS:
                page.goto(f"{url}/{path.stem}.html", wait_until="load")
                result = page.evaluate(TYPESET)
                where = f"{path.stem}.html"
                if has_maths(path):
                    assert result["formulas"] > 0, f"{where}: MathJax typeset nothing"
                assert not result["errors"], f"{where}: TeX errors {result['errors']}"
                assert result["untypeset"] == 0, f"{where}: formulas left untypeset"
                assert not result["broken"], (
                    f"{where}: images not shown {result['broken']}"
                )
                page.screenshot(path=str(ARTIFACTS / f"{path.stem}.png"))

            page.goto(f"{url}/search.html?q=derivative", wait_until="load")
            found = page.locator("#search-results ul.search li a")
            found.first.wait_for(timeout=30_000)
            hits = {
                href.split("#")[0].split("?")[0]
                for href in found.evaluate_all(
                    "links => links.map((a) => a.getAttribute('href'))"
                )
            }
            assert f"{CHAPTERS[0].stem}.html" in hits, (
                f"search for 'derivative' found {hits}"
            )
            page.screenshot(path=str(ARTIFACTS / "search.png"))
        finally:
            context.close()
    assert not outside, f"requests left 127.0.0.1: {outside}"
    assert not errors, f"JavaScript errors: {errors}"
