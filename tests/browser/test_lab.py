"""Every notebook, run in a real JupyterLab in headless Chromium.

For each ``notebooks/*.ipynb`` (a new chapter is covered as soon as it is
added): open it, Restart Kernel and Run All, wait until the kernel is idle
with every cell run, then check what a learner would see: no error output, no
broken widget, every explorer showing its controls and its figure, every
explorer answering its controls, no console error, no request leaving the
machine. Screenshots go to ``test-artifacts/browser/``, as do the latency
figures (key press on a slider to new figure shown), which are reported, not
asserted.

Run with ``python -m pytest tests/browser -m browser -v``.
"""

from __future__ import annotations

import contextlib
import json
import re
import statistics
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

VIEWPORT = {"width": 1400, "height": 1000}
LIGHT_THEME, DARK_THEME = "JupyterLab Light", "JupyterLab Dark"
KERNEL_START_TIMEOUT_MS = 120_000  # first kernel start and imports, cold caches
RUN_ALL_TIMEOUT_MS = 300_000  # chapters take ~30-60 s on a 2-core machine
FIGURE_TIMEOUT_MS = 30_000  # one redraw; generous for a loaded CI machine
LATENCY_STEPS = 15
LATENCY_TARGET_MEDIAN_MS = 100

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
EXPLORER = ".jp-OutputArea-output .widget-box:has(> img.widget-image)"
CONTROLS = ".widget-slider, .widget-dropdown"
SLIDER_HANDLE = ".widget-slider .noUi-handle"

#: Text ipywidgets shows in place of a widget it could not render.
WIDGET_FAILURES = ("Error displaying widget", "model not found")

#: Console errors that are not the course's doing, each with its reason.
#: Everything else logged as an error in the browser fails the suite.
BENIGN_CONSOLE_ERRORS = {
    "Could not restore the debugger state": (
        "JupyterLab's debugger logs it when the kernel restarts (Restart Kernel "
        "and Run All); it is about the debugger sidebar, not the notebook"
    ),
}

#: The changed traits in a widget "update" message (JupyterLab sends compact JSON).
UPDATE_STATE = re.compile(r'"state":(\{[^{}]*\})')

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}

#: In-page helpers: what the kernel-status and prompts say, and a recorder of
#: "key pressed" to "new image loaded" that times both ends in the browser.
HELPERS = """
window.__e2e = {
  records: [],
  runStarted: false,
  kernelStatus() {
    const items = [...document.querySelectorAll('.jp-StatusBar-TextItem')];
    const status = items.map(e => e.textContent).find(t => t.includes(' | '));
    return status ? status.split(' | ').pop().trim() : null;
  },
  pending() {
    // Cells queued or running show [*] in their input prompt.
    return [...document.querySelectorAll('.jp-Notebook .jp-InputPrompt')]
      .filter(p => p.textContent.includes('*')).length;
  },
  watchRun(codeCells) {
    // Run All marks every code cell [*] at once; remember having seen it, so
    // that the idle kernel from before the restart is never taken for done.
    this.runStarted = codeCells === 0;
    const check = () => {
      if (this.pending() > 0) {
        this.runStarted = true;
        observer.disconnect();
      }
    };
    const observer = new MutationObserver(check);
    observer.observe(document.body,
                     {subtree: true, childList: true, characterData: true});
  },
  indicatorIdle() {
    // The toolbar's execution indicator counts every scheduled cell, hidden
    // ones too (a cell whose source is hidden shows no [*] prompt): it turns
    // idle only once all of them ran and the kernel is idle.
    const indicator = document.querySelector(
      '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook-ExecutionIndicator');
    return indicator === null || indicator.dataset.status === 'idle';
  },
  runFinished() {
    return this.runStarted && this.kernelStatus() === 'Idle' &&
      this.pending() === 0 && this.indicatorIdle();
  },
  widgetOutputs() {
    // Top-level outputs drawn by the widget renderer (they carry no
    // data-mime-type); outputs inside an Output widget are not counted.
    return [...document.querySelectorAll(
      '.jp-Cell-outputArea > .jp-OutputArea-child > ' +
      '.jp-OutputArea-output:not([data-mime-type])')];
  },
  widgetsSettled(expected) {
    // Each widget output shows its view, or ipywidgets' error text (which
    // marks the output itself .jupyter-widgets), no more "Loading widget...".
    const outputs = this.widgetOutputs();
    return outputs.length >= expected && outputs.every(
      o => o.classList.contains('jupyter-widgets') ||
           o.querySelector(':scope > .jupyter-widgets') !== null);
  },
  arm(img, trigger, eventName) {
    // Record when `eventName` fires on `trigger` and when `img` has loaded a
    // new src, both with performance.now().
    const record = {src0: img.src, t0: null, t1: null, src1: null};
    trigger.addEventListener(eventName, () => {
      if (record.t0 === null) record.t0 = performance.now();
    }, {capture: true, once: true});
    const onLoad = () => {
      if (img.src !== record.src0 && img.naturalWidth > 0) {
        record.t1 = performance.now();
        record.src1 = img.src;
        img.removeEventListener('load', onLoad);
      }
    };
    img.addEventListener('load', onLoad);
    this.records.push(record);
    return this.records.length - 1;
  },
};
"""


@dataclass
class OpenNotebook:
    """A notebook open in its own browser context, after Restart and Run All."""

    name: str
    page: object
    server: object = field(repr=False)  # conftest.LabServer
    console_errors: list[str] = field(default_factory=list, repr=False)
    external_requests: list[str] = field(default_factory=list, repr=False)
    run_seconds: float = 0.0
    #: The notebook as this run left it (saved from the Lab to the copy).
    executed: dict = field(default_factory=dict, repr=False)
    #: Every widget state update the page sent to the kernel, in order.
    sent_updates: list[str] = field(default_factory=list, repr=False)
    #: What each control change in test_controls_change_figure sent.
    control_log: list[dict] | None = field(default=None, repr=False)

    def outputs_with(self, *mime_types: str) -> int:
        """How many outputs of the run carry every one of ``mime_types``."""
        return sum(
            1
            for cell in self.executed.get("cells", [])
            for output in cell.get("outputs", [])
            if all(mime in output.get("data", {}) for mime in mime_types)
        )

    def record_frame(self, frame: str | bytes) -> None:
        """Keep the state of each widget update sent to the kernel."""
        text = frame.decode("utf-8", "replace") if isinstance(frame, bytes) else frame
        if '"comm_msg"' in text and '"method":"update"' in text:
            found = UPDATE_STATE.search(text)
            self.sent_updates.append(found.group(1) if found else "?")

    def outside(self, url: str) -> None:
        if url not in self.external_requests:
            self.external_requests.append(url)

    @property
    def stem(self) -> str:
        return Path(self.name).stem

    def explorers(self) -> list:
        return self.page.locator(EXPLORER).all()


def _is_local(url: str) -> bool:
    parsed = urllib.parse.urlsplit(url)
    if parsed.scheme in ("data", "blob", "about"):
        return True
    return parsed.hostname in LOCAL_HOSTS


def _restart_and_run_all(page, code_cells: int) -> None:
    page.evaluate("n => window.__e2e.watchRun(n)", code_cells)
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").click()
    page.locator(".lm-Menu-item[data-command='runmenu:restart-and-run-all']").click()
    page.locator(".jp-Dialog button.jp-mod-accept").click()
    page.wait_for_function(
        "window.__e2e.runFinished()", timeout=RUN_ALL_TIMEOUT_MS, polling=100
    )


def _save(page) -> None:
    """File > Save Notebook; return once the server has the file."""
    with page.expect_response(
        lambda r: r.request.method == "PUT" and "/api/contents/" in r.url
    ) as response:
        page.locator(".lm-MenuBar-itemLabel", has_text="File").click()
        page.locator(".lm-Menu-item[data-command='docmanager:save']").click()
    assert response.value.ok, f"saving failed: {response.value.status}"


@contextlib.contextmanager
def open_notebook(
    browser, lab_server, name: str, viewport: dict, theme: str | None = None
) -> Iterator[OpenNotebook]:
    """Open notebook ``name`` in JupyterLab, Restart Kernel and Run All, wait.

    ``viewport``: the window's size. ``theme``: a JupyterLab theme to switch
    to first (e.g. "JupyterLab Dark"); the light theme is put back on leaving,
    since the Lab saves the choice in the (shared) user settings.
    """
    context = browser.new_context(viewport=viewport, service_workers="block")
    opened = OpenNotebook(name=name, page=None, server=lab_server)

    def guard(route) -> None:
        url = route.request.url
        if _is_local(url):
            route.continue_()
        else:
            opened.outside(url)
            route.abort()

    def on_request(req) -> None:  # also catches what no route sees (workers)
        if not _is_local(req.url):
            opened.outside(req.url)

    def on_console(message) -> None:
        if message.type == "error":
            where = message.location.get("url", "")
            opened.console_errors.append(f"{message.text} [{where}]")

    context.route("**/*", guard)
    context.on("request", on_request)
    context.add_init_script(HELPERS)
    page = context.new_page()
    opened.page = page
    page.on("console", on_console)
    page.on("pageerror", lambda error: opened.console_errors.append(str(error)))

    def on_websocket(ws) -> None:
        if not _is_local(ws.url):
            opened.outside(ws.url)
        elif "/api/kernels/" in ws.url:
            ws.on("framesent", opened.record_frame)

    page.on("websocket", on_websocket)
    page.set_default_timeout(FIGURE_TIMEOUT_MS)
    try:
        # A workspace of its own, so the Lab does not reopen earlier notebooks.
        workspace = re.sub(r"[^A-Za-z0-9_-]", "-", f"{opened.stem}-{theme or ''}")
        page.goto(
            f"{lab_server.url}/lab/workspaces/e2e-{workspace}-{viewport['width']}/"
            "tree/" + urllib.parse.quote(name)
        )
        page.wait_for_function(
            "window.__e2e && window.__e2e.kernelStatus() === 'Idle'",
            timeout=KERNEL_START_TIMEOUT_MS,
            polling=100,
        )
        if theme is not None:
            _change_theme(page, theme)
        original = json.loads((lab_server.root / name).read_text())
        code_cells = sum(
            1
            for cell in original["cells"]
            if cell["cell_type"] == "code" and "".join(cell["source"]).strip()
        )
        start = page.evaluate("performance.now()")
        _restart_and_run_all(page, code_cells)
        opened.run_seconds = (page.evaluate("performance.now()") - start) / 1000
        # The outputs of this run, as JupyterLab holds them, saved to the copy.
        _save(page)
        opened.executed = json.loads((lab_server.root / name).read_text())
        # Widget views render after the run ends: wait for each to show.
        page.wait_for_function(
            "n => window.__e2e.widgetsSettled(n)",
            arg=opened.outputs_with(WIDGET_MIME),
            timeout=FIGURE_TIMEOUT_MS,
            polling=100,
        )
        yield opened
    finally:
        if theme is not None:
            with contextlib.suppress(Exception):
                _change_theme(page, LIGHT_THEME)
        context.close()
        # Free the CPU for the next notebook; the server's stop ends it anyway.
        with contextlib.suppress(OSError):
            lab_server.shutdown_session(name)


def _change_theme(page, theme: str) -> None:
    """Switch JupyterLab's theme and wait until its CSS is in force."""
    page.evaluate(
        "theme => window.jupyterapp.commands.execute('apputils:change-theme', {theme})",
        theme,
    )
    light = "true" if theme == LIGHT_THEME else "false"
    page.wait_for_function(
        "([light, name]) => document.body.dataset.jpThemeLight === light "
        "&& document.body.dataset.jpThemeName === name",
        arg=[light, theme],
        timeout=FIGURE_TIMEOUT_MS,
    )


@pytest.fixture(scope="module")
def notebook(notebook_name: str, browser, lab_server) -> Iterator[OpenNotebook]:
    """Open one notebook in JupyterLab, Restart Kernel and Run All, wait.

    ``notebook_name`` runs over every ``notebooks/*.ipynb`` (see conftest.py).
    """
    with open_notebook(browser, lab_server, notebook_name, VIEWPORT) as opened:
        yield opened


# -- the checks, in the order a learner meets them -------------------------------


def test_every_code_cell_ran(notebook: OpenNotebook) -> None:
    """Every code cell ran once, top to bottom, in the fresh kernel.

    Read from the notebook as JupyterLab saved it after the run (hidden
    solution cells show no prompt in the page, but their count is saved).
    """
    code = [cell for cell in notebook.executed["cells"] if cell["cell_type"] == "code"]
    not_run = [
        f"code cell {index}: {''.join(cell['source']).strip()[:60]!r}"
        for index, cell in enumerate(code, start=1)
        if "".join(cell["source"]).strip() and cell.get("execution_count") is None
    ]
    assert not not_run, (
        f"{notebook.name}: cells not run by Restart and Run All (an earlier cell "
        f"raised?): {not_run}"
    )
    counts = [cell["execution_count"] for cell in code if cell.get("execution_count")]
    assert counts == list(range(1, len(counts) + 1)), (
        f"{notebook.name}: execution counts {counts} are not 1..n in order"
    )
    print(
        f"{notebook.name}: {len(counts)} code cells ran in {notebook.run_seconds:.1f} s"
    )


def test_no_error_outputs(notebook: OpenNotebook) -> None:
    stderr = notebook.page.locator(
        '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'
    ).all_text_contents()
    # A traceback is an error; anything else on stderr (a RuntimeWarning, say)
    # is a red box a learner cannot act on: both fail.
    assert not stderr, f"{notebook.name} shows output on stderr:\n" + "\n---\n".join(
        text.strip()[:300] for text in stderr
    )


def test_no_broken_widgets(notebook: OpenNotebook) -> None:
    outputs = notebook.page.locator(".jp-OutputArea-output").all_text_contents()
    found = sorted({f for text in outputs for f in WIDGET_FAILURES if f in text})
    assert not found, f"{notebook.name} shows {found}"


def _wait_image_loaded(page, image) -> None:
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0 && img.src.startsWith('blob:')",
        arg=image.element_handle(),
        timeout=FIGURE_TIMEOUT_MS,
        polling=100,
    )


def test_explorers_render(notebook: OpenNotebook, artifacts: Path) -> None:
    page = notebook.page
    for old in artifacts.glob(f"{notebook.stem}-explorer-*.png"):
        old.unlink()  # from an earlier run, maybe with more explorers
    # The top of the notebook (Run All leaves it scrolled to the end).
    page.evaluate(
        "document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) "
        ".jp-WindowedPanel-outer')?.scrollTo(0, 0)"
    )
    page.screenshot(path=artifacts / f"{notebook.stem}.png")
    # An explorer's display carries the widget *and* a PNG for static viewers.
    expected = notebook.outputs_with(WIDGET_MIME, "image/png")
    explorers = notebook.explorers()
    assert len(explorers) == expected, (
        f"{notebook.name}: the run displayed {expected} explorers, "
        f"{len(explorers)} render as live widgets"
    )
    problems = []
    for index, explorer in enumerate(explorers, start=1):
        explorer.scroll_into_view_if_needed()
        controls = explorer.locator(CONTROLS)
        visible = [c for c in controls.all() if c.is_visible()]
        if not visible:
            problems.append(f"explorer {index}: no visible control")
        image = explorer.locator("> img.widget-image")
        _wait_image_loaded(page, image)
        state = image.evaluate(
            "img => ({src: img.src, width: img.naturalWidth, shown: img.width})"
        )
        if not state["src"].startswith("blob:") or state["width"] <= 0:
            problems.append(f"explorer {index}: no figure ({state})")
        explorer.screenshot(path=artifacts / f"{notebook.stem}-explorer-{index}.png")
    assert not problems, f"{notebook.name}: {problems}"


def _change_and_wait(
    notebook: OpenNotebook, image, trigger, event: str, action
) -> tuple[dict, list[str]]:
    """Do ``action``; wait until ``image`` shows a new, loaded figure.

    Returns the timing record and the widget updates the page sent meanwhile.
    """
    page = notebook.page
    index = page.evaluate(
        "([img, trigger, event]) => window.__e2e.arm(img, trigger, event)",
        [image.element_handle(), trigger.element_handle(), event],
    )
    already_sent = len(notebook.sent_updates)
    action()
    page.wait_for_function(
        "i => window.__e2e.records[i].t1 !== null",
        arg=index,
        timeout=FIGURE_TIMEOUT_MS,
    )
    record = page.evaluate("i => window.__e2e.records[i]", index)
    return record, notebook.sent_updates[already_sent:]


def _slider_key(handle) -> str:
    """ArrowRight, or ArrowLeft when the handle is already at its maximum."""
    now = float(handle.get_attribute("aria-valuenow"))
    top = float(handle.get_attribute("aria-valuemax"))
    return "ArrowLeft" if now >= top - 1e-12 else "ArrowRight"


def _step_slider(notebook: OpenNotebook, image, handle) -> tuple[dict, list[str]]:
    key = _slider_key(handle)
    return _change_and_wait(
        notebook, image, handle, "keydown", lambda: handle.press(key)
    )


def _explain(explorer, artifacts: Path, name: str) -> str:
    """Screenshot a misbehaving explorer; return its readouts, for the message."""
    path = artifacts / f"{name}.png"
    try:
        explorer.screenshot(path=path)
        readouts = explorer.locator(".widget-readout").all_inner_texts()
    except Exception as exc:
        return f"(no screenshot: {exc})"
    return f"readouts {readouts}, see {path.name}"


def _control_label(control) -> str:
    label = control.locator(".widget-label").first
    return (label.inner_text().strip() if label.count() else "") or "unlabelled"


def test_controls_change_figure(notebook: OpenNotebook, artifacts: Path) -> None:
    """One slider step, and every dropdown, each give a new figure."""
    failures = []
    notebook.control_log = []
    for index, explorer in enumerate(notebook.explorers(), start=1):
        explorer.scroll_into_view_if_needed()
        image = explorer.locator("> img.widget-image")
        sliders = explorer.locator(".widget-slider")
        dropdowns = explorer.locator(".widget-dropdown").all()
        if not sliders.count() and not dropdowns:
            failures.append(f"explorer {index}: no slider and no dropdown to move")
        # (what, element whose event starts the clock, that event, action)
        changes = []
        if sliders.count():
            handle = sliders.first.locator(".noUi-handle")
            key = _slider_key(handle)
            changes.append(
                (
                    f"slider {_control_label(sliders.first)!r} {key}",
                    handle,
                    "keydown",
                    partial(handle.press, key),
                )
            )
        for dropdown in dropdowns:
            select = dropdown.locator("select")
            options = select.locator("option").all_inner_texts()
            if len(options) < 2:
                continue
            target = (select.evaluate("s => s.selectedIndex") + 1) % len(options)
            changes.append(
                (
                    f"dropdown {_control_label(dropdown)!r} -> {options[target]!r}",
                    select,
                    "change",
                    partial(select.select_option, index=target),
                )
            )
        for what, trigger, event, action in changes:
            try:
                _, sent = _change_and_wait(notebook, image, trigger, event, action)
            except Exception as exc:
                seen = _explain(
                    explorer, artifacts, f"{notebook.stem}-explorer-{index}-failed"
                )
                failures.append(f"explorer {index}: {what}: {exc} ({seen})")
                continue
            notebook.control_log.append(
                {"explorer": index, "change": what, "sent": sent}
            )
        explorer.screenshot(
            path=artifacts / f"{notebook.stem}-explorer-{index}-moved.png"
        )
    assert not failures, f"{notebook.name}: figure did not change: {failures}"


def test_controls_stay_in_sync(notebook: OpenNotebook) -> None:
    """Each control change sends the kernel exactly one update: its own.

    More means a widget view pushed a value back that the learner never set
    (typically a slider answering a new range from the kernel with its old
    position), so the kernel's state, the figure and the sliders disagree.
    """
    if notebook.control_log is None:
        pytest.skip("test_controls_change_figure did not run")
    out_of_sync = [
        f"explorer {entry['explorer']}: {entry['change']} sent {entry['sent']}"
        for entry in notebook.control_log
        if len(entry["sent"]) != 1
    ]
    assert not out_of_sync, (
        f"{notebook.name}: a control change made the page send more than its own "
        "update to the kernel (front end and kernel disagree afterwards): "
        + "; ".join(out_of_sync)
    )


def _summary(values: list[float]) -> dict:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "n": len(ordered),
        "median_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(p95, 1),
        "max_ms": round(ordered[-1], 1),
    }


def test_slider_latency(
    notebook: OpenNotebook, latency_report, artifacts: Path
) -> None:
    """Key press on a slider to the new figure loaded, timed in the browser.

    Reported (printed, and written to latency.json), not asserted: the target
    is a median under 100 ms.
    """
    per_explorer = []
    everything: list[float] = []
    for index, explorer in enumerate(notebook.explorers(), start=1):
        handles = explorer.locator(SLIDER_HANDLE)
        if not handles.count():
            continue
        explorer.scroll_into_view_if_needed()
        image = explorer.locator("> img.widget-image")
        handle = handles.first
        label = explorer.locator(".widget-slider").first.locator(".widget-label")
        samples = []
        for step in range(1, LATENCY_STEPS + 1):
            try:
                record, _ = _step_slider(notebook, image, handle)
            except Exception as exc:
                seen = _explain(
                    explorer, artifacts, f"{notebook.stem}-explorer-{index}-failed"
                )
                pytest.fail(
                    f"{notebook.name}: explorer {index}, slider step {step}: no new "
                    f"figure: {exc} ({seen})"
                )
            samples.append(record["t1"] - record["t0"])
        everything += samples
        per_explorer.append(
            {
                "index": index,
                "control": label.inner_text().strip() or "slider",
                **_summary(samples),
                "samples_ms": [round(s, 1) for s in samples],
            }
        )
    assert everything, f"{notebook.name} makes an explorer, but none has a slider"
    latency_report[notebook.name] = {
        "what": "keydown on a slider handle to the new figure's img load event",
        "target_median_ms": LATENCY_TARGET_MEDIAN_MS,
        "overall": _summary(everything),
        "explorers": per_explorer,
    }
    latency_report.write()
    overall = latency_report[notebook.name]["overall"]
    print(
        f"{notebook.name}: latency median {overall['median_ms']} ms, "
        f"p95 {overall['p95_ms']} ms, max {overall['max_ms']} ms"
    )


def test_no_console_errors(notebook: OpenNotebook) -> None:
    errors = [
        text
        for text in notebook.console_errors
        if not any(benign in text for benign in BENIGN_CONSOLE_ERRORS)
    ]
    assert not errors, f"{notebook.name}: browser console errors: {errors}"


def test_no_external_requests(notebook: OpenNotebook) -> None:
    assert not notebook.external_requests, (
        f"{notebook.name}: requests to outside 127.0.0.1 (aborted): "
        f"{notebook.external_requests}"
    )


# -- readable for everyone: the dark theme and a narrow window -------------------

#: Exercises with feedback, and explorers: the dark-theme pass.
THEMED_NOTEBOOK = "01_derivatives.ipynb"
#: The widest explorers (two panels, 880 px): the narrow-window pass.
NARROW_NOTEBOOK = "03_gradient.ipynb"
NARROW_VIEWPORT = {"width": 800, "height": 900}
#: WCAG 2 AA for normal text.
MIN_CONTRAST = 4.5
#: An explorer's figure may shrink to this share of its natural width and no
#: further (calclearn.widgets.MIN_FIGURE_SCALE): its smallest text, 8.5 pt at
#: 100 dpi (11.8 px), stays at 10.6 px or more, about the size of JupyterLab's
#: own smallest UI text; a narrower container scrolls the figure sideways.
MIN_FIGURE_SCALE = 0.9

#: WCAG contrast of every element with text of its own against the background
#: it is painted on (the nearest ancestor with an opaque background colour).
CONTRAST_JS = """
root => {
  const parse = c => {
    const m = c.match(/[\\d.]+/g).map(Number);
    return {rgb: m.slice(0, 3), alpha: m.length > 3 ? m[3] : 1};
  };
  const luminance = rgb => {
    const [r, g, b] = rgb.map(v => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const backdrop = el => {
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c.alpha >= 0.99) return c.rgb;
    }
    return [255, 255, 255];
  };
  const found = [];
  for (const el of [root, ...root.querySelectorAll('*')]) {
    const hasText = [...el.childNodes].some(
      n => n.nodeType === Node.TEXT_NODE && n.textContent.trim());
    if (!hasText) continue;
    const style = getComputedStyle(el);
    const fg = parse(style.color).rgb, bg = backdrop(el);
    const [hi, lo] = [luminance(fg), luminance(bg)].sort((a, b) => b - a);
    found.push({text: el.textContent.trim().slice(0, 50), color: style.color,
                background: `rgb(${bg.join(', ')})`,
                ratio: (hi + 0.05) / (lo + 0.05)});
  }
  return found;
}
"""


@pytest.fixture(scope="module")
def dark_notebook(browser, lab_server) -> Iterator[OpenNotebook]:
    """THEMED_NOTEBOOK run in JupyterLab's dark theme."""
    with open_notebook(
        browser, lab_server, THEMED_NOTEBOOK, VIEWPORT, theme=DARK_THEME
    ) as opened:
        yield opened


@pytest.fixture(scope="module")
def narrow_notebook(browser, lab_server) -> Iterator[OpenNotebook]:
    """NARROW_NOTEBOOK run in an 800 px window (the Lab's default layout)."""
    with open_notebook(browser, lab_server, NARROW_NOTEBOOK, NARROW_VIEWPORT) as opened:
        yield opened


def test_dark_theme_exercise_feedback_is_readable(
    dark_notebook: OpenNotebook, artifacts: Path
) -> None:
    """Every ✅/❌ verdict, and all text inside it, at 4.5:1 or more."""
    page = dark_notebook.page
    assert page.evaluate("document.body.dataset.jpThemeLight") == "false"
    page.screenshot(path=artifacts / "dark-theme.png")
    verdicts = (
        page.locator(".jp-OutputArea-output[data-mime-type='text/html']")
        .filter(has_text=re.compile(r"^\s*[✅❌]"))
        .all()
    )
    assert verdicts, f"{dark_notebook.name} shows no exercise feedback"
    unreadable = []
    for index, verdict in enumerate(verdicts, start=1):
        verdict.scroll_into_view_if_needed()
        verdict.screenshot(path=artifacts / f"dark-theme-feedback-{index}.png")
        for item in verdict.evaluate(CONTRAST_JS):
            if item["ratio"] < MIN_CONTRAST:
                unreadable.append(f"feedback {index}: {item}")
    assert not unreadable, f"contrast below {MIN_CONTRAST}:1: {unreadable}"


def test_dark_theme_explorers_render(
    dark_notebook: OpenNotebook, artifacts: Path
) -> None:
    """Explorers keep their (light) figure and readable controls in the dark."""
    page = dark_notebook.page
    explorers = dark_notebook.explorers()
    assert explorers, f"{dark_notebook.name} shows no explorer"
    unreadable = []
    for index, explorer in enumerate(explorers, start=1):
        explorer.scroll_into_view_if_needed()
        _wait_image_loaded(page, explorer.locator("> img.widget-image"))
        explorer.screenshot(path=artifacts / f"dark-theme-explorer-{index}.png")
        for item in explorer.evaluate(CONTRAST_JS):
            if item["ratio"] < MIN_CONTRAST:
                unreadable.append(f"explorer {index}: {item}")
    assert not unreadable, f"contrast below {MIN_CONTRAST}:1: {unreadable}"


def test_narrow_window_keeps_figures_readable(
    narrow_notebook: OpenNotebook, artifacts: Path
) -> None:
    """At 800 px every figure is shown at MIN_FIGURE_SCALE of its size or more,
    its controls all within the explorer, and its message is also text."""
    page = narrow_notebook.page
    page.screenshot(path=artifacts / "narrow-window.png")
    explorers = narrow_notebook.explorers()
    assert explorers, f"{narrow_notebook.name} shows no explorer"
    problems = []
    for index, explorer in enumerate(explorers, start=1):
        explorer.scroll_into_view_if_needed()
        image = explorer.locator("> img.widget-image")
        _wait_image_loaded(page, image)
        size = image.evaluate(
            "img => ({natural: img.naturalWidth, "
            "shown: img.getBoundingClientRect().width, "
            "container: img.parentElement.getBoundingClientRect().width})"
        )
        explorer.screenshot(path=artifacts / f"narrow-window-explorer-{index}.png")
        scale = size["shown"] / size["natural"]
        if scale < MIN_FIGURE_SCALE:
            problems.append(f"explorer {index}: figure at {scale:.0%} ({size})")
        box = explorer.bounding_box()
        for control in explorer.locator(CONTROLS).all():
            edge = control.bounding_box()
            if edge["x"] + edge["width"] > box["x"] + box["width"] + 1:
                problems.append(f"explorer {index}: {_control_label(control)} cut off")
        # The figure's message as text (ipywidgets.Image has no alt text).
        status = explorer.locator("[role='status']")
        if not status.count() or not status.inner_text().strip():
            problems.append(f"explorer {index}: no message as text under the figure")
        print(f"explorer {index}: figure at {scale:.0%} of {size}")
    assert not problems, f"{narrow_notebook.name} at 800 px: {problems}"
