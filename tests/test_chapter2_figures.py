"""Chapter 2's figures as a reader sees them: contour levels that can be read,
labelled colour bars, and a slice explorer that never prints "-0", never hides
its point, and fits its y-range to what f can take."""

from __future__ import annotations

import math

import numpy as np
import pytest

from calclearn import LANDSCAPES, SliceExplorer, surface_figure
from calclearn.explorers.contours import (
    format_number,
    known_nonnegative,
    require_finite_point,
)
from calclearn.plots import contour_levels, draw_landscape, new_figure
from calclearn.widgets import sweep_values


def _grid_values(landscape, resolution=160):
    (x0, x1), (y0, y1) = landscape.window
    xs, ys = np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution)
    return landscape.value(np.stack(np.meshgrid(xs, ys), axis=-1))


# -- contour levels ----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "scale"),
    [
        ("Rosenbrock", "log"),
        ("Beale", "log"),
        ("Himmelblau", "linear"),
        ("Booth", "linear"),
        ("Quadratic bowl", "linear"),
        ("Saddle", "linear"),
        ("Monkey saddle", "linear"),
    ],
)
def test_levels_are_evenly_spaced_in_f_or_in_log_f(name, scale):
    values = _grid_values(LANDSCAPES[name])
    levels, used = contour_levels(values)
    assert used == scale
    spaced = np.log10(levels) if scale == "log" else levels
    steps = np.diff(spaced)
    np.testing.assert_allclose(steps, steps[0], rtol=1e-9)
    assert 6 <= len(levels) <= 20, "readable: neither a handful nor a smear"
    assert levels[-1] >= values.max()
    if scale == "linear":
        assert levels[0] <= values.min()
        # Round steps a reader can count in: 1, 2, 2.5 or 5 times a power of 10.
        mantissa = steps[0] / 10 ** math.floor(math.log10(steps[0]))
        assert min(abs(mantissa - m) for m in (1, 2, 2.5, 5)) < 1e-9
    else:
        assert levels[0] <= np.quantile(values, 0.05)


def test_crowded_contours_mean_steep_on_evenly_spaced_levels():
    """Level lines crossed per unit length, along the gradient, grow like |∇f|."""
    himmelblau = LANDSCAPES["Himmelblau"]
    levels, scale = contour_levels(_grid_values(himmelblau))
    assert scale == "linear"
    counts, norms = [], []
    for point in [(0.0, -4.5), (4.5, 4.5), (1.0, 1.0), (-1.0, 4.0)]:
        grad = himmelblau.grad(point)
        u = grad / np.linalg.norm(grad)
        ends = himmelblau.f(np.array([point - 0.25 * u, point + 0.25 * u]))
        counts.append(np.sum((levels > ends.min()) & (levels < ends.max())))
        norms.append(np.linalg.norm(grad))
    step = levels[1] - levels[0]
    predicted = 0.5 * np.array(norms) / step  # levels per 0.5 units of length
    # Each count is the prediction up to the curvature over the segment and
    # one level of rounding.
    np.testing.assert_allclose(counts, predicted, atol=1.5 + 0.2 * predicted.max())
    assert counts[int(np.argmax(norms))] > counts[int(np.argmin(norms))]


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"values": [-1.0, 2.0], "scale": "log"}, ValueError, "scale='log'"),
        ({"values": [1.0, 2.0], "scale": "cubic"}, ValueError, "scale must be one"),
        ({"values": [1.0, 2.0], "levels": 1}, ValueError, "levels"),
        ({"values": [1.0]}, ValueError, "at least 2"),
        ({"values": ["a", "b"]}, TypeError, "values"),
        ({"values": [0.0, 0.0], "scale": "log"}, ValueError, "values > 0"),
    ],
)
def test_contour_levels_bad_input(kwargs, error, match):
    with pytest.raises(error, match=match):
        contour_levels(**kwargs)


def test_flat_values_still_get_two_levels():
    levels, scale = contour_levels(np.full(10, 3.0))
    assert scale == "linear" and levels.tolist() == [2.0, 4.0]


@pytest.mark.parametrize(
    ("name", "suffix"), [("Himmelblau", ""), ("Beale", ", log scale")]
)
def test_surface_figure_has_a_labelled_colour_bar(name, suffix):
    figure = surface_figure(LANDSCAPES[name])
    bars = [a for ax in figure.axes for a in ax.child_axes]
    assert [bar.get_ylabel() for bar in bars] == [f"f(x, y){suffix}"]


def test_draw_landscape_colour_bar_is_optional_and_removable():
    figure = new_figure()
    ax = figure.add_subplot()
    assert not [a for a in ax.child_axes]
    artists = draw_landscape(ax, LANDSCAPES["Booth"], colorbar=False)
    assert not ax.child_axes
    for artist in artists:
        artist.remove()
    artists = draw_landscape(ax, LANDSCAPES["Booth"], colorbar=True)
    assert len(ax.child_axes) == 1
    for artist in reversed(artists):
        artist.remove()
    assert not ax.child_axes and not ax.collections


# -- the slice explorer --------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "spec", "text"),
    [
        (-0.0, ".4f", "0.0000"),
        (-1e-9, ".2f", "0.00"),
        (-0.004, ".2f", "0.00"),
        (-0.005001, ".2f", "-0.01"),
        (-0.0, ".3g", "0"),
        (2.5, ".3g", "2.5"),
        (-3.25, ".1f", "-3.2"),
    ],
)
def test_format_number_never_prints_minus_zero(value, spec, text):
    assert format_number(value, spec) == text


@pytest.mark.parametrize(
    ("name", "nonnegative"),
    [
        ("Himmelblau", True),
        ("Rosenbrock", True),
        ("Booth", True),
        ("Beale", True),
        ("Quadratic bowl", True),
        ("Saddle", False),
        ("Monkey saddle", False),
    ],
)
def test_known_nonnegative_agrees_with_the_grid(name, nonnegative):
    assert known_nonnegative(LANDSCAPES[name]) is nonnegative
    assert bool(_grid_values(LANDSCAPES[name]).min() >= 0) is nonnegative


def test_require_finite_point_names_the_coordinate():
    require_finite_point(x=1.0, y=np.float64(2.0))
    for bad in (math.nan, math.inf, None, "1"):
        with pytest.raises(ValueError, match=r"^y = .* is not a finite number"):
            require_finite_point(x=0.0, y=bad)


@pytest.fixture(scope="module")
def explorer():
    return SliceExplorer()


@pytest.mark.parametrize("name", ["Saddle", "Monkey saddle"])
@pytest.mark.parametrize("along", ["x (y held fixed)", "y (x held fixed)"])
def test_no_minus_zero_at_a_saddle_and_it_says_what_the_point_is(explorer, name, along):
    explorer.update(landscape=name, along=along, x=0.0, y=0.0)
    assert explorer.last_error is None
    (message,) = explorer.live.messages()
    assert "-0" not in message and "−0" not in message, message
    assert "∇f = (0, 0)" in message
    assert "This is a saddle of f" in message


def test_the_point_stays_visible_on_a_saddle_marker(explorer):
    explorer.update(landscape="Saddle", x=0.0, y=0.0)
    explorer.live.render()
    canvas = explorer.live.figure.canvas
    pixels = np.asarray(canvas.buffer_rgba())[..., :3].astype(int)
    height = pixels.shape[0]
    cx, cy = explorer.map_ax.transData.transform((0.0, 0.0))
    row, col = round(height - cy), round(cx)
    centre = pixels[row - 1 : row + 2, col - 1 : col + 2].reshape(-1, 3)
    assert np.all(centre.max(axis=1) < 80), "the point (black) is on top"
    around = pixels[row - 9 : row + 10, col - 9 : col + 10].reshape(-1, 3)
    yellow = (around[:, 0] > 200) & (around[:, 1] > 160) & (around[:, 2] < 90)
    assert yellow.sum() >= 10, "the saddle marker still shows around it"


@pytest.mark.parametrize("name", ["Himmelblau", "Booth", "Rosenbrock", "Saddle"])
def test_y_range_fits_the_slice_and_stays_above_zero_when_f_cannot_go_below(
    explorer, name
):
    explorer.update(landscape=name)
    rng = np.random.default_rng(7)
    nonnegative = known_nonnegative(LANDSCAPES[name])
    for along in ("x (y held fixed)", "y (x held fixed)"):
        for x in sweep_values(explorer.controls["x"], rng, n_random=3):
            explorer.update(along=along, x=x)
            bottom, top = explorer.slice_ax.get_ylim()
            profile = explorer.curve.get_ydata()
            assert bottom <= profile.min() and profile.max() <= top
            if nonnegative:
                assert bottom == 0.0, (along, x)
            # Fitted: the curve fills a good part of the view (the rest is room
            # for the message, and slack so that dragging rarely rescales).
            assert profile.max() - profile.min() >= 0.15 * (top - bottom) or (
                np.ptp(profile) < 1e-9
            )
    if not nonnegative:
        explorer.update(along="y (x held fixed)", x=0.0)
        assert explorer.slice_ax.get_ylim()[0] < 0  # x² - y² goes below zero


def test_nan_gives_a_reason_and_no_stale_reading(explorer):
    explorer.update(landscape="Himmelblau", x=1.0, y=1.0)
    explorer.update(y=math.nan)
    messages = explorer.live.messages()
    assert messages, "an empty reason"
    assert all("∂f/∂" not in m for m in messages), messages
    assert any("y = nan" in m for m in messages), messages
    with pytest.raises(ValueError, match="y = nan is not a finite number"):
        explorer.draw(
            landscape="Himmelblau", along="x (y held fixed)", x=1.0, y=math.nan
        )
    explorer.update(y=1.0)
    assert explorer.last_error is None and explorer.live.messages()


def test_update_with_a_landscape_keeps_the_point_given_with_it(explorer):
    explorer.update(landscape="Booth", x=9.0, y=-3.0)
    assert explorer.values()["x"] == 9.0 and explorer.values()["y"] == -3.0
    explorer.update(landscape="Himmelblau")  # alone: the landscape's start point
    assert (explorer.values()["x"], explorer.values()["y"]) == LANDSCAPES[
        "Himmelblau"
    ].start
