"""The widget sweep: every control of every explorer, driven without a browser.

Each control is set to its minimum, maximum, default and 5 random values (every
option of a dropdown). After each change the explorer must have drawn without
an exception, rendered a new PNG of at most 100 KiB (median at most 40 KiB),
plotted nothing non-finite and printed nothing. Then: an explorer's lifetime
(close, re-runs of a cell, memory), updates from two threads, and the palette
under simulated colour-vision deficiencies. Bad values: test_probe_explorers.
"""

from __future__ import annotations

import base64
import io
import itertools
import json
import subprocess
import sys
import warnings

import ipywidgets as widgets
import matplotlib.colors
import numpy as np
import pytest
from PIL import Image

import calclearn.widgets
from calclearn import (
    CURVES,
    EXPLORERS,
    LANDSCAPES,
    LearningRateExplorer,
    SecantExplorer,
)
from calclearn.plots import COLORS, MESSAGE_STYLE, plotted_arrays
from calclearn.widgets import option_values, sweep_values

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _assert_healthy(explorer, context: str) -> None:
    assert explorer.last_error is None, f"{context}: {explorer.last_error!r}"
    assert bytes(explorer.image.value).startswith(PNG_SIGNATURE), context
    # The palette PNG shows the colours drawn: no area changes hue (a pale
    # blue band must not turn pink because a pink message box is on screen).
    shown = np.asarray(Image.open(io.BytesIO(explorer.image.value)).convert("RGB"))
    drawn = np.asarray(explorer.live.figure.canvas.buffer_rgba())[..., :3]
    error = np.abs(shown.astype(int) - drawn.astype(int)).max(axis=-1)
    assert np.percentile(error, 99.9) <= 24, f"{context}: colours moved in the PNG"
    for artist, data in plotted_arrays(explorer.live.figure):
        assert np.all(np.isfinite(data)), f"{context}: non-finite data in {artist}"


#: Frame budget: on Binder's 10 Mbit/s a 100 KiB frame takes about 80 ms to arrive.
MAX_FRAME_KIB = 100
MEDIAN_FRAME_KIB = 40


@pytest.mark.parametrize("explorer_class", EXPLORERS, ids=lambda c: c.__name__)
def test_every_control_sweeps_cleanly_in_light_frames(explorer_class, capsys):
    explorer = explorer_class()
    default_image = bytes(explorer.image.value)
    defaults = explorer.values()
    rng = np.random.default_rng(20261126)
    sizes = []
    for name in list(explorer.controls):
        images = set()
        for value in sweep_values(explorer.controls[name], rng, n_random=5):
            control = explorer.controls[name]  # a new landscape replaces sliders
            renders, before = explorer.renders, control.value
            control.value = value
            context = f"{explorer_class.__name__}.{name}={value!r}"
            changed = control.value != before  # setting the same value is no change
            assert explorer.renders == renders + changed, f"{context}: no redraw"
            _assert_healthy(explorer, context)
            images.add(bytes(explorer.image.value))
            sizes.append(len(explorer.image.value) / 1024)
        assert images - {default_image}, f"{name} never changed the figure"
        explorer.update(**{name: defaults[name]})  # sweep one control at a time
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == "", "updates must print nothing"
    assert max(sizes) <= MAX_FRAME_KIB, f"largest frame {max(sizes):.1f} KiB"
    median = float(np.median(sizes))
    assert median <= MEDIAN_FRAME_KIB, f"median frame {median:.1f} KiB"
    explorer.close()


def test_frames_are_palette_pngs_with_crisp_text():
    """A live frame is a palette PNG (one byte a pixel) that keeps the figure's
    dark text: near-black pixels survive quantization as they were drawn."""
    explorer = SecantExplorer()
    frame = Image.open(io.BytesIO(bytes(explorer.image.value)))
    assert frame.format == "PNG" and frame.mode == "P"
    canvas = np.asarray(explorer.live.figure.canvas.buffer_rgba())[..., :3]
    shown = np.asarray(frame.convert("RGB"))
    assert shown.shape == canvas.shape
    # Quantization moves a colour by a few levels at most (256 colours, plots
    # use few): the largest per-channel error over the whole frame.
    error = np.abs(shown.astype(int) - canvas.astype(int))
    assert np.percentile(error, 99.9) <= 24, "colours moved too far"
    dark = canvas.max(axis=-1) < 60  # text, ticks, the black points
    assert dark.sum() > 1000
    assert np.abs(shown[dark].astype(int) - canvas[dark]).max() <= 24
    explorer.close()


def test_sweep_values_of_a_dropdown_are_its_option_values():
    """Public ipywidgets API only: labels, (label, value) pairs, or a mapping."""
    rng = np.random.default_rng(0)
    assert sweep_values(widgets.Dropdown(options=["a", "b"]), rng) == ["a", "b"]
    pairs = widgets.Dropdown(options=[("one", 1), ("two", 2)])
    assert sweep_values(pairs, rng) == [1, 2]
    assert option_values(widgets.Dropdown(options={"x": 10, "y": 20})) == [10, 20]


@pytest.mark.parametrize("explorer_class", EXPLORERS, ids=lambda c: c.__name__)
def test_static_fallback_is_the_current_figure(explorer_class):
    explorer = explorer_class()
    bundle = explorer._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["text/plain"] == repr(explorer)
    image = Image.open(io.BytesIO(base64.b64decode(bundle["image/png"])))
    width, height = explorer.live.figure.canvas.get_width_height()
    assert image.size == (width, height)


def test_update_sets_several_controls_with_one_redraw():
    explorer = SecantExplorer()
    renders = explorer.renders
    explorer.update(x=0.2, h=0.01)
    assert explorer.renders == renders + 1
    assert explorer.values()["x"] == pytest.approx(0.2)


def test_update_rejects_an_unknown_control():
    with pytest.raises(TypeError, match="no control named"):
        SecantExplorer().update(learning_rate=0.1)


def test_a_failing_draw_becomes_a_message_not_a_traceback(monkeypatch):
    explorer = SecantExplorer()

    def broken_draw(**values):
        raise ValueError("this setting is impossible")

    monkeypatch.setattr(explorer, "draw", broken_draw)
    explorer.controls["x"].value = 0.1
    assert isinstance(explorer.last_error, ValueError)
    assert bytes(explorer.image.value).startswith(PNG_SIGNATURE)
    assert any("this setting is impossible" in m for m in explorer.live.messages())


def test_secant_slope_reported_matches_the_difference_quotient():
    explorer = SecantExplorer().update(curve="sin x", x=0.5, h=0.1)
    slope = (np.sin(0.6) - np.sin(0.5)) / 0.1
    (message,) = explorer.live.messages()
    assert f"secant slope {slope:.5f}" in message
    assert f"f′(x) = {np.cos(0.5):.5f}" in message


@pytest.mark.parametrize(
    ("lr_times_curvature", "expected"),
    [(0.4, "Converged in"), (1.6, "Converged with zig-zags"), (2.2, "Diverged at")],
)
def test_learning_rate_explorer_names_the_regime(lr_times_curvature, expected):
    curvature = float(CURVES["bowl 2x²"].d2f(0.0))
    explorer = LearningRateExplorer().update(
        curve="bowl 2x²", lr=lr_times_curvature / curvature, x0=1.0, steps=100
    )
    (message,) = explorer.live.messages()
    assert message.startswith(expected), message
    if expected == "Diverged at":
        assert f"2/f″(x*) = {2 / curvature:.3g}" in message


def test_divergence_keeps_the_plot_finite_and_readable():
    explorer = LearningRateExplorer().update(lr=0.7, x0=1.6, steps=100)
    _assert_healthy(explorer, "lr=0.7")
    path_x = explorer.path.get_xdata()
    assert np.max(np.abs(path_x)) > 1e3  # it really diverged, yet all finite


def test_landscape_windows_and_starts_lie_on_the_slider_grid():
    # The point sliders keep their step of 0.05 when the landscape changes
    # (see Explorer.set_range), so every window edge and start must be on it.
    for landscape in LANDSCAPES.values():
        values = [*np.ravel(landscape.window), *landscape.start]
        steps = np.array(values) / 0.05
        assert np.allclose(steps, np.round(steps), atol=1e-9), landscape.name


# -- lifetime: close(), re-runs of a cell, memory ------------------------------


def _live_widgets() -> int:
    with warnings.catch_warnings():  # Widget.widgets: deprecated, still the registry
        warnings.simplefilter("ignore", DeprecationWarning)
        return len(widgets.Widget.widgets)


class FakeCell:
    """Stands in for the kernel: which cell runs, in which execute request."""

    def __init__(self, monkeypatch, cell_id: str = "cell-1") -> None:
        self.cell_id, self.runs = cell_id, 0
        monkeypatch.setattr(calclearn.widgets, "_kernel_cell", self)

    def rerun(self) -> None:
        self.runs += 1

    def __call__(self) -> tuple[str, str]:
        return self.cell_id, f"request-{self.runs}"


def test_close_frees_the_widgets_and_the_figure():
    before = _live_widgets()
    explorer = SecantExplorer()
    assert _live_widgets() > before
    explorer.close()
    assert _live_widgets() == before, "every widget, layouts and styles included"
    assert explorer.closed and not explorer.live.figure.axes
    explorer.close()  # twice is harmless
    with pytest.raises(RuntimeError, match="closed"):
        explorer.update(x=0.1)


def test_rerunning_a_cell_closes_the_explorers_it_built(monkeypatch):
    cell = FakeCell(monkeypatch)
    first, second = SecantExplorer(), SecantExplorer()  # two in one cell: both live
    other = LearningRateExplorer()
    assert not (first.closed or second.closed or other.closed)
    cell.rerun()
    again = SecantExplorer()
    assert first.closed and not second.closed, "the first replaces the first"
    again_second = SecantExplorer()
    assert second.closed and not other.closed
    for explorer in (again, again_second, other):
        explorer.close()


def test_without_a_kernel_cell_nothing_is_closed():
    """Scripts and tests build explorers freely: none closes another."""
    first, second = SecantExplorer(), SecantExplorer()
    assert not first.closed and not second.closed
    first.close()
    second.close()


MEMORY_SCRIPT = """
import gc, json, weakref
import psutil
import calclearn.widgets
from calclearn import GradientDescentExplorer
import ipywidgets as widgets

runs = 0
calclearn.widgets._kernel_cell = lambda: ("cell-1", f"request-{runs}")
process = psutil.Process()
for _ in range(3):  # warm caches (fonts, compiled curves) first
    runs += 1
    explorer = GradientDescentExplorer()
gc.collect()
widgets_before = len(widgets.Widget.widgets)
replaced = []
for run in range(50):
    runs += 1
    explorer = GradientDescentExplorer()
    replaced.append((weakref.ref(explorer), weakref.ref(explorer.live.figure)))
    if run == 9:
        gc.collect()
        rss_settled = process.memory_info().rss
gc.collect()
alive = [i for i, refs in enumerate(replaced[:-1]) if any(r() for r in refs)]
print(json.dumps({
    "still_alive": alive,
    "widgets_grown": len(widgets.Widget.widgets) - widgets_before,
    "per_rerun_mib": (process.memory_info().rss - rss_settled) / 40 / 2**20,
}))
"""


def test_memory_stays_flat_over_50_reruns():
    """Issue 8: each re-run leaked about 4.8 MB and 18 widgets (240 MB for 50).

    Every explorer a re-run replaced must be garbage (its figure included), the
    widget registry must be back where it started, and the process must stop
    growing: RSS over the last 40 re-runs may rise by allocator noise only (the
    leak added about 7.6 MiB per re-run). In a fresh interpreter, so that what
    earlier tests left in the allocator does not count.
    """
    result = subprocess.run(
        [sys.executable, "-W", "ignore::DeprecationWarning", "-c", MEMORY_SCRIPT],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    measured = json.loads(result.stdout.strip().splitlines()[-1])
    assert not measured["still_alive"], f"re-runs {measured['still_alive']} live on"
    assert measured["widgets_grown"] == 0
    assert measured["per_rerun_mib"] < 2.0, measured


# -- threads --------------------------------------------------------------------

THREADS_SCRIPT = """
import threading
from calclearn import GradientDescentExplorer
explorer = GradientDescentExplorer()
errors = []

def drive(values):
    try:
        for value in values:
            explorer.update(lr=value)
            explorer.controls["steps"].value = 50 + int(value * 1000) % 400
    except BaseException as exc:
        errors.append(exc)

threads = [
    threading.Thread(target=drive, args=([0.001 * (k + 1) for k in range(40)],)),
    threading.Thread(target=drive, args=([0.0015 * (k + 1) for k in range(40)],)),
]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
assert not errors, errors
assert explorer.last_error is None, explorer.last_error
# Every update() redraws; a steps value equal to the last one does not.
assert 1 + 2 * 40 <= explorer.renders <= 1 + 2 * 40 * 2, explorer.renders
print("ok", explorer.renders)
"""


def test_two_threads_updating_one_explorer():
    """Issue 8: this crashed the interpreter in 3 of 3 runs. In a subprocess,
    so that a crash fails this test instead of ending the test run."""
    result = subprocess.run(
        [sys.executable, "-c", THREADS_SCRIPT],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.startswith("ok")


# -- the palette under colour-vision deficiencies ----------------------------------

#: Machado, Oliveira & Fernandes (2009), severity 1.0, on linear RGB.
CVD_MATRICES = {
    "protanopia": [
        [0.152286, 1.052583, -0.204868],
        [0.114503, 0.786281, 0.099216],
        [-0.003882, -0.048116, 1.051998],
    ],
    "deuteranopia": [
        [0.367322, 0.860646, -0.227968],
        [0.280085, 0.672501, 0.047413],
        [-0.011820, 0.042940, 0.968881],
    ],
    "tritanopia": [
        [1.255528, -0.076749, -0.178779],
        [-0.078411, 0.930809, 0.147602],
        [0.004733, 0.691367, 0.303900],
    ],
    "normal vision": np.eye(3),
}


def cielab_as_seen(color: str, vision: str) -> np.ndarray:
    """CIELAB (D65) of ``color`` as seen with ``vision`` (a CVD_MATRICES key)."""
    srgb = np.array(matplotlib.colors.to_rgb(color))
    linear = np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)
    seen = np.clip(np.asarray(CVD_MATRICES[vision]) @ linear, 0, 1)
    to_xyz = np.array(
        [
            [0.4124564, 0.3575761, 0.1804375],
            [0.2126729, 0.7151522, 0.0721750],
            [0.0193339, 0.1191920, 0.9503041],
        ]
    )
    t = to_xyz @ seen / np.array([0.95047, 1.0, 1.08883])
    f = np.where(t > (6 / 29) ** 3, np.cbrt(t), t / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def test_cvd_simulation_against_known_values():
    # Independent anchors: white and black are fixed points of every
    # simulation; pure red and green collapse under deuteranopia to colours
    # much closer than with normal vision; Lab of sRGB red is (53.24, 80.09, 67.20).
    for vision in CVD_MATRICES:
        white = cielab_as_seen("#ffffff", vision)
        np.testing.assert_allclose(white, [100, 0, 0], atol=0.6)
        np.testing.assert_allclose(cielab_as_seen("#000000", vision), 0, atol=1e-9)
    np.testing.assert_allclose(
        cielab_as_seen("#ff0000", "normal vision"), [53.24, 80.09, 67.20], atol=0.05
    )

    def distance(vision):
        red, green = (cielab_as_seen(c, vision) for c in ("#ff0000", "#00ff00"))
        return np.linalg.norm(red - green)

    assert distance("deuteranopia") < 0.5 * distance("normal vision")


#: Colours that carry a meaning and appear side by side, with the least
#: CIE76 colour difference they must keep under every simulated vision
#: (about 2.3 is just noticeable; 20 is plainly different at a glance).
SEMANTIC_GROUPS = {
    "learning-rate zones": (["stable", "oscillating", "unstable"], 20.0),
    "lines": (["function", "secant", "tangent", "path", "point"], 20.0),
}


@pytest.mark.parametrize("vision", list(CVD_MATRICES))
@pytest.mark.parametrize("group", list(SEMANTIC_GROUPS))
def test_semantic_colours_stay_apart_under_colour_vision_deficiency(group, vision):
    names, least = SEMANTIC_GROUPS[group]
    seen = {name: cielab_as_seen(COLORS[name], vision) for name in names}
    for a, b in itertools.combinations(names, 2):
        difference = float(np.linalg.norm(seen[a] - seen[b]))
        assert difference >= least, f"{group}: {a} vs {b} ΔE = {difference:.1f}"


def test_learning_rate_zones_differ_in_lightness_and_are_labelled():
    """Lightness alone tells the zones apart (no hue needed), and each is
    named in words on the strip."""
    for vision in CVD_MATRICES:
        lightness = [
            cielab_as_seen(COLORS[z], vision)[0]
            for z in ("stable", "oscillating", "unstable")
        ]
        assert lightness[0] - lightness[2] >= 10, (vision, lightness)
        assert lightness[1] - lightness[2] >= 10, (vision, lightness)
    explorer = LearningRateExplorer()
    labels = [text.get_text() for text in explorer.lr_ax.texts]
    assert {"smooth", "oscillates"} <= set(labels)
    assert any(label.startswith("unstable") for label in labels)
    explorer.close()


def test_message_kinds_differ_by_edge_colour_under_every_vision():
    edges = {kind: style["edgecolor"] for kind, style in MESSAGE_STYLE.items()}
    for vision in CVD_MATRICES:
        for a, b in itertools.combinations(edges, 2):
            difference = np.linalg.norm(
                cielab_as_seen(edges[a], vision) - cielab_as_seen(edges[b], vision)
            )
            assert difference >= 20, (vision, a, b, difference)
