"""The widget sweep: every control of every explorer, driven without a browser.

Each control is set to its minimum, maximum, default and 5 random values (every
option of a dropdown). After each change the explorer must have drawn without
an exception, rendered a new PNG, plotted nothing non-finite and printed nothing.
"""

from __future__ import annotations

import base64
import io

import numpy as np
import pytest
from PIL import Image

from calclearn import (
    CURVES,
    EXPLORERS,
    LANDSCAPES,
    LearningRateExplorer,
    SecantExplorer,
)
from calclearn.plots import plotted_arrays
from calclearn.widgets import sweep_values

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _assert_healthy(explorer, context: str) -> None:
    assert explorer.last_error is None, f"{context}: {explorer.last_error!r}"
    assert bytes(explorer.image.value).startswith(PNG_SIGNATURE), context
    for artist, data in plotted_arrays(explorer.live.figure):
        assert np.all(np.isfinite(data)), f"{context}: non-finite data in {artist}"


@pytest.mark.parametrize("explorer_class", EXPLORERS, ids=lambda c: c.__name__)
def test_every_control_sweeps_cleanly(explorer_class, capsys):
    explorer = explorer_class()
    default_image = bytes(explorer.image.value)
    defaults = explorer.values()
    rng = np.random.default_rng(20261126)
    for name, control in explorer.controls.items():
        images = set()
        for value in sweep_values(control, rng, n_random=5):
            renders, before = explorer.renders, control.value
            control.value = value
            context = f"{explorer_class.__name__}.{name}={value!r}"
            changed = control.value != before  # setting the same value is no change
            assert explorer.renders == renders + changed, f"{context}: no redraw"
            _assert_healthy(explorer, context)
            images.add(bytes(explorer.image.value))
        assert images - {default_image}, f"{name} never changed the figure"
        explorer.update(**{name: defaults[name]})  # sweep one control at a time
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == "", "updates must print nothing"


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
