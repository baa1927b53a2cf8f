"""The machinery that makes explorer updates fast, checked against the slow way.

Each shortcut of :class:`calclearn.plots.LiveFigure` (cached text bitmaps,
reused axes drawings, options drawn ahead, messages as text) must give the
pixels the plain way gives, or differ by no more than stated.
"""

from __future__ import annotations

import io

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from PIL import Image

from calclearn.explorers.derivatives import LearningRateExplorer, StepSizeExplorer
from calclearn.explorers.partials import SliceExplorer
from calclearn.plots import LiveFigure, new_figure


def _pixels(canvas) -> np.ndarray:
    return np.asarray(canvas.buffer_rgba())[..., :3].astype(int).copy()


def _text_figure():
    figure = new_figure(4.0, 2.0)
    ax = figure.add_subplot()
    ax.set_title("loss f(x) = $2x^2$")
    ax.set_ylabel("|xₖ − x*|")  # rotated text
    ax.set_xlim(0, 0.7)
    return figure


def test_cached_text_matches_matplotlib_to_half_a_pixel():
    """Same glyphs as matplotlib's renderer, moved by at most half a pixel:
    the ink of every row and column agrees after a shift of at most 1 px."""
    figure = _text_figure()
    figure.canvas.draw()
    cached = 255 - _pixels(figure.canvas).min(axis=-1)  # ink
    FigureCanvasAgg(figure)
    figure.canvas.draw()
    plain = 255 - _pixels(figure.canvas).min(axis=-1)
    assert abs(int(cached.sum()) - int(plain.sum())) <= 0.02 * plain.sum()
    for axis in (0, 1):
        a, b = cached.sum(axis=axis), plain.sum(axis=axis)
        best = min(np.abs(np.roll(a, shift) - b).sum() for shift in (-1, 0, 1))
        assert best <= 0.35 * b.sum(), axis


def test_cached_text_is_the_same_drawn_twice():
    """A string drawn from the cache gives the pixels of its first drawing."""
    first = _text_figure()
    first.canvas.draw()
    second = _text_figure()  # now every string is in the cache
    second.canvas.draw()
    np.testing.assert_array_equal(_pixels(first.canvas), _pixels(second.canvas))


def test_reused_axes_drawing_equals_a_fresh_one():
    """Back at earlier limits, the restored drawing is the one drawn afresh."""
    live = LiveFigure(5.0, 3.0)
    ax = live.figure.add_subplot()
    ax.plot([0, 1, 2], [0, 1, 4])
    live.animate(ax.plot([0, 2], [1, 3], "o")[0])
    live.render()
    fresh = []
    for top in (5.0, 10.0, 5.0, 10.0):
        ax.set_ylim(0, top)
        live.invalidate_limits(ax)
        live.render()
        fresh.append(_pixels(live.figure.canvas))
    assert live._snapshots, "no drawing was kept"
    np.testing.assert_array_equal(fresh[0], fresh[2])
    np.testing.assert_array_equal(fresh[1], fresh[3])
    assert not np.array_equal(fresh[0], fresh[1])
    live.close()


def test_live_frames_leave_messages_to_the_text_line_still_images_draw_them():
    explorer = LearningRateExplorer().update(lr=0.4)
    (text, kind), *_ = explorer.live.message_items()
    assert kind == "warning" and "zig-zags" in text
    # The text under the figure: the message, in its kind, escaped.
    assert "calclearn-message-warning" in explorer.message.value
    assert 'role="status"' in explorer.message.value
    assert "x* = 0" in explorer.message.value
    frame = np.asarray(Image.open(io.BytesIO(explorer.image.value)).convert("RGB"))
    still = np.asarray(Image.open(io.BytesIO(explorer.static_png())).convert("RGB"))
    # The warning box's pale yellow fill is in the still image only.
    fill = np.array([0xFF, 0xF4, 0xD6])
    assert np.sum(np.all(np.abs(still.astype(int) - fill) <= 3, axis=-1)) > 2000
    assert np.sum(np.all(np.abs(frame.astype(int) - fill) <= 3, axis=-1)) < 50
    explorer.close()


def test_options_drawn_ahead_give_the_frame_drawn_directly():
    """Choosing an option drawn ahead shows what a fresh explorer shows."""
    for explorer_class, settings in (
        (StepSizeExplorer, {"curve": "cubic x³ − 2x", "precision": "float32"}),
        (SliceExplorer, {"along": "y (x held fixed)"}),
    ):
        ahead = explorer_class()
        assert len(ahead.live._snapshots) > len(ahead.live.figure.axes)
        ahead.update(**settings)
        # The same explorer drawing nothing ahead: the option is drawn when chosen.
        direct = type("Direct", (explorer_class,), {"prerender": ()})()
        direct.update(**settings)
        np.testing.assert_array_equal(
            _pixels(ahead.live.figure.canvas), _pixels(direct.live.figure.canvas)
        )
        ahead.close()
        direct.close()
