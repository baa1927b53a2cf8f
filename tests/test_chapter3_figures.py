"""What a reader of Chapter 3 sees: one test per figure problem fixed (issue 7 §2-3).

Each test renders the explorer or figure and measures the drawing itself
(display coordinates of the message boxes, legends, markers and curves; the
colours drawn; the axis limits against the data) rather than the code's
intentions.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import matplotlib.colors as mcolors
import nbformat
import numpy as np
import pytest

from calclearn.explorers.gradients import (
    ConditioningExplorer,
    DirectionalDerivativeExplorer,
    GradientDescentExplorer,
)
from calclearn.landscapes import LANDSCAPES, quadratic_bowl
from calclearn.linalg import contraction_factor, steps_to_shrink, symmetric_eigen
from calclearn.plots import gradient_field_figure


def _renderer(explorer):
    explorer.live.render(messages=True)  # as in the still image
    return explorer.live.figure.canvas.get_renderer()


def _message_box(explorer, ax):
    box = explorer.live._messages[ax]
    assert box.get_visible() and box.get_text()
    return box.get_bbox_patch().get_window_extent(_renderer(explorer))


def _points_inside(ax, line, box):
    """The points of ``line`` that are inside both the axes and ``box``."""
    xy = np.asarray(line.get_xydata(), dtype=float)
    xy = xy[np.all(np.isfinite(xy), axis=1)]
    if ax.get_yscale() == "log":
        xy = xy[xy[:, 1] > 0]
    pixels = ax.transData.transform(xy)
    frame = ax.get_window_extent()
    inside_axes = (
        (pixels[:, 0] >= frame.x0)
        & (pixels[:, 0] <= frame.x1)
        & (pixels[:, 1] >= frame.y0)
        & (pixels[:, 1] <= frame.y1)
    )
    inside_box = (
        (pixels[:, 0] >= box.x0)
        & (pixels[:, 0] <= box.x1)
        & (pixels[:, 1] >= box.y0)
        & (pixels[:, 1] <= box.y1)
    )
    return xy[inside_axes & inside_box]


# --- Directional derivative explorer ----------------------------------------


@pytest.mark.parametrize("landscape", ["Himmelblau", "Booth", "Rosenbrock", "Saddle"])
def test_directional_legend_covers_no_critical_point(landscape):
    explorer = DirectionalDerivativeExplorer()
    explorer.update(landscape=landscape)
    renderer = _renderer(explorer)
    legend = explorer.map_ax.get_legend().get_window_extent(renderer)
    frame = explorer.map_ax.get_window_extent(renderer)
    assert legend.y1 < frame.y0  # below the map, not on it
    for point in LANDSCAPES[landscape].critical_points:
        x, y = explorer.map_ax.transData.transform(point.point)
        assert not legend.contains(x, y), point


@pytest.mark.parametrize("landscape", ["Himmelblau", "Booth", "Rosenbrock", "Saddle"])
@pytest.mark.parametrize("angle", [0.0, 90.0, 180.0, 270.0, 360.0])
def test_directional_message_covers_neither_curve_nor_peak(landscape, angle):
    explorer = DirectionalDerivativeExplorer()
    explorer.update(landscape=landscape, angle=angle)
    box = _message_box(explorer, explorer.slope_ax)
    for line in (explorer.cosine, explorer.peak, explorer.current):
        assert len(_points_inside(explorer.slope_ax, line, box)) == 0


# --- Gradient field figure ------------------------------------------------------


def _is_warm(rgba) -> bool:
    red, _, blue = rgba[:3]
    return red > blue + 0.2


@pytest.mark.parametrize("landscape", ["Himmelblau", "Saddle", "Rosenbrock", "Booth"])
def test_gradient_arrows_contrast_with_the_map_and_bars_are_labelled(landscape):
    figure = gradient_field_figure(LANDSCAPES[landscape])
    ax = figure.axes[0]
    figure.canvas.draw()
    (field,) = [c for c in ax.collections if type(c).__name__ == "Quiver"]
    arrow_colours = field.to_rgba(field.get_array())
    # Warm arrows on a blue map: contrast in hue wherever an arrow sits,
    # near minima (dark blue) and saddles alike, and a white edge besides.
    assert all(_is_warm(colour) for colour in arrow_colours)
    filled = ax.collections[0]
    map_colours = filled.to_rgba(filled.get_array())
    assert not any(_is_warm(colour) for colour in map_colours)
    assert mcolors.same_color(field.get_edgecolor()[0], "white")
    bars = [other for other in figure.axes if other is not ax] + ax.child_axes
    bar_labels = [bar.get_ylabel() or bar.get_xlabel() for bar in bars]
    assert len(bar_labels) == 2 and all(bar_labels), bar_labels
    assert any("∇f" in label for label in bar_labels)


def test_gradient_colour_scale_ignores_the_critical_point_on_the_grid():
    # The saddle (0, 0) is a grid point where ∇f = 0: it must not stretch
    # the colour scale down to the 1e-12 floor.
    figure = gradient_field_figure(LANDSCAPES["Saddle"])
    (field,) = [c for c in figure.axes[0].collections if type(c).__name__ == "Quiver"]
    low, high = field.get_clim()
    assert high - low < 2, (low, high)


# --- Gradient descent explorer --------------------------------------------------


def _descent(**values):
    explorer = GradientDescentExplorer()
    explorer.update(**values)
    assert explorer.last_error is None, explorer.last_error
    return explorer


_DESCENT_CASES = [
    {"landscape": "Quadratic bowl"},
    {"landscape": "Quadratic bowl", "lr": 10**-0.7, "steps": 500},
    {"landscape": "Quadratic bowl", "lr": 10**-0.65, "steps": 500},
    {"landscape": "Quadratic bowl", "lr": 1e-4, "steps": 1},
    {"landscape": "Himmelblau"},
    {"landscape": "Booth", "steps": 500},
    {"landscape": "Beale", "steps": 500},
    {"landscape": "Rosenbrock", "steps": 500},
    {"landscape": "Rosenbrock", "x": 1.0, "y": 1.05, "lr": 10**-2.7, "steps": 500},
    {"landscape": "Rosenbrock", "x": 1.0, "y": 1.05, "lr": 10**-2.65, "steps": 500},
]


@pytest.mark.parametrize("values", _DESCENT_CASES)
def test_descent_distance_axis_fits_the_data_and_message_covers_no_curve(values):
    explorer = _descent(**values)
    ax = explorer.distance_ax
    data = explorer.distance_line.get_ydata()
    low, high = float(np.min(data)), float(np.max(data))
    bottom, top = (math.log10(v) for v in ax.get_ylim())
    assert bottom <= math.log10(low) and math.log10(high) <= top
    # Fitted: the empty decades are at most a quarter of the axis (kept for
    # the message box) plus 4: a decade below for the legend, up to one each
    # from rounding to whole decades at either end, and one of hysteresis.
    empty = (top - bottom) - (math.log10(high) - math.log10(low))
    assert empty <= 0.25 * (top - bottom) + 4, (bottom, top, low, high)
    box = _message_box(explorer, ax)
    assert len(_points_inside(ax, explorer.distance_line, box)) == 0


def test_descent_plots_the_distance_which_falls_like_rho_to_the_k():
    explorer = _descent(landscape="Quadratic bowl", lr=0.1, steps=100)
    bowl = LANDSCAPES["Quadratic bowl"]
    plotted = explorer.distance_line.get_ydata()
    path = explorer.path.get_xydata()
    assert np.allclose(plotted, np.linalg.norm(path - bowl.center, axis=1), rtol=1e-14)
    rate = contraction_factor(bowl.eigenvalues, 0.1)
    measured = (plotted[100] / plotted[50]) ** (1 / 50)
    assert abs(measured - rate) < 1e-9  # ρ, not ρ² (the loss gap's rate)
    assert "distance" in explorer.distance_ax.get_ylabel()


def test_bowl_task_largest_converging_rate_shows_within_500_steps():
    bowl = LANDSCAPES["Quadratic bowl"]
    below, above = 10**-0.7, 10**-0.65  # neighbouring slider positions
    assert below < bowl.stability_bound < above
    converging = _descent(landscape="Quadratic bowl", lr=below, steps=500)
    distances = converging.distance_line.get_ydata()
    assert distances[-1] < distances[0] / 10
    diverging = _descent(landscape="Quadratic bowl", lr=above, steps=500)
    assert "Diverged" in diverging.live.messages()[0]


def test_rosenbrock_task_shows_the_local_bound_within_500_steps():
    rosenbrock = LANDSCAPES["Rosenbrock"]
    largest = symmetric_eigen(rosenbrock.hessian(np.array([1.0, 1.0]))).eigenvalues[1]
    below, above = 10**-2.7, 10**-2.65  # neighbouring slider positions
    assert below < 2 / largest < above
    start = {"landscape": "Rosenbrock", "x": 1.0, "y": 1.05, "steps": 500}
    settling = _descent(lr=below, **start)
    distances = settling.distance_line.get_ydata()
    assert distances[-1] < 0.6 * distances[0]
    (message,) = settling.live.messages()
    # Honest: 500 steps show the trend; the message says how long the rest takes.
    needed = steps_to_shrink(contraction_factor([0.3994, largest], below))
    assert needed > 10_000 and f"{needed:,.0f}"[:3] in message
    bouncing = _descent(lr=above, **start)
    distances = bouncing.distance_line.get_ydata()
    assert distances[:50].max() > 3 * distances[0]  # thrown off within 50 steps
    assert distances[-1] > 2 * distances[0]  # and not back by step 500
    assert "cannot settle" in bouncing.live.messages()[0]


# --- Conditioning explorer ------------------------------------------------------


@pytest.mark.parametrize("kappa", [1.0, 10.0, 10**1.5, 100.0, 1000.0])
@pytest.mark.parametrize("rule", ConditioningExplorer._STEP_RULES)
def test_conditioning_runs_to_the_predicted_count_and_message_is_clear(kappa, rule):
    explorer = ConditioningExplorer()
    explorer.update(kappa=kappa, rule=rule)
    assert explorer.last_error is None
    bowl = quadratic_bowl(kappa, math.radians(30))
    smallest, largest = bowl.eigenvalues
    lr = 2 / (smallest + largest) if rule.startswith("best") else 1 / largest
    needed = steps_to_shrink(contraction_factor(bowl.eigenvalues, lr))
    errors = explorer.error.get_ydata()
    # The run and the step axis reach the predicted count (6,908 at κ = 1000).
    assert len(errors) - 1 >= needed
    assert explorer.err_ax.get_xlim()[1] >= len(errors) - 1
    if needed > 0:
        reached = int(np.flatnonzero(errors <= errors[0] * 1e-6)[0])
        assert reached <= math.ceil(needed)
        if rule.startswith("best"):  # both components shrink at exactly ρ
            assert reached == math.ceil(needed)
        assert f"after {reached:,} steps" in explorer.live.messages()[0]
    box = _message_box(explorer, explorer.err_ax)
    for line in (explorer.error, explorer.theory):
        assert len(_points_inside(explorer.err_ax, line, box)) == 0
    # The data reach 10⁶ times closer, inside the axis.
    bottom, top = explorer.err_ax.get_ylim()
    assert bottom <= errors[0] * 1e-6 and errors[0] <= top


def test_conditioning_path_is_thinned_and_says_so():
    explorer = ConditioningExplorer()
    explorer.update(kappa=1000.0)
    line_points = len(explorer.path.get_xdata())
    dots = len(explorer.later.get_xdata())
    assert line_points <= 41 and dots <= 61
    note = explorer.path_note.get_text()
    assert "as a line" in note and "dots" in note
    # The dots are every k-th iterate, an odd k, so both sides of the valley show.
    stride = int(note.split("every ")[1].split("th")[0])
    assert stride % 2 == 1
    steep = symmetric_eigen(quadratic_bowl(1000.0, math.radians(30)).A).eigenvectors[
        :, 1
    ]
    sides = np.sign(explorer.later.get_xydata() @ steep)
    assert {-1.0, 1.0} <= set(sides)


# --- The chapter's words agree with its figures ---------------------------------

_CHAPTER = Path(__file__).parent.parent / "notebooks" / "03_gradient.ipynb"


def _chapter_markdown() -> str:
    notebook = nbformat.read(_CHAPTER, as_version=4)
    return "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")


def test_steepest_means_the_gradient_only():
    # "Steepest" is the gradient's word (ascent, descent, slope); the largest
    # curvature is "the most sharply curved direction (λmax)".
    text = _chapter_markdown()
    uses = re.findall(r"steepest\s+(\w+)", text, flags=re.IGNORECASE)
    assert uses and set(uses) <= {"ascent", "descent", "slope"}, uses
    assert "most sharply curved" in text


def test_the_bowl_in_the_text_is_the_bowl_in_the_explorer_title():
    text = _chapter_markdown()
    assert r"\tfrac12 p^\top A p - b^\top p" in text
    assert "b^{T}p" in LANDSCAPES["Quadratic bowl"].latex


def test_the_text_does_not_claim_arrows_point_to_the_maximum():
    text = _chapter_markdown()
    assert "and towards the maximum" not in text  # the old, wrong claim
    assert "only the" in text and "rim" in text


def test_divergence_below_the_local_bound_is_not_blamed_on_it():
    # Below 2/λmax at p*, yet started where Rosenbrock curves far more sharply:
    # the message must not claim |1 − ηλmax| > 1.
    explorer = _descent(landscape="Rosenbrock", lr=10**-2.8, x=2.0, y=-1.0, steps=100)
    (message,) = explorer.live.messages()
    assert message.startswith("Diverged")
    assert "> 1" not in message and "more sharply than at p*" in message
    curvature_at_start = np.linalg.eigvalsh(
        LANDSCAPES["Rosenbrock"].hessian(np.array([2.0, -1.0]))
    ).max()
    assert 10**-2.8 > 2 / curvature_at_start  # unstable where it started
