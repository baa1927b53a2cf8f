"""Chapter 7 explorers (the quadratic Taylor model at a point; Newton's method
and its repairs) and the chapter's static figures."""

from __future__ import annotations

from typing import Any

import contourpy  # matplotlib's own contouring library (a dependency of it)
import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import LogLocator, NullLocator

from calclearn.curvature import taylor_model
from calclearn.explorers.contours import (
    ContourExplorer,
    format_number,
    landscape_control,
    point_sliders,
)
from calclearn.explorers.gradients import _fit_log_ylim
from calclearn.landscapes import Landscape
from calclearn.plots import COLORS, contour_levels
from calclearn.widgets import dropdown

# Not the quadratic saddle x² − y²: on a quadratic the model is exact, which Booth
# shows, and Beale and Himmelblau have saddles of their own. Each landscape is a
# whole-figure redraw (about 130 ms) the first time it is chosen.
_TAYLOR_LANDSCAPES = [
    "Himmelblau",
    "Rosenbrock",
    "Beale",
    "Monkey saddle",
    "Booth",
]

#: What the model's surface looks like, by the kind of its Hessian.
MODEL_SHAPES = {
    "minimum": "a bowl (H positive definite)",
    "maximum": "a dome (H negative definite)",
    "saddle": "a saddle (H indefinite)",
    "degenerate": "flat along an eigenvector (H singular)",
}

#: The second-derivative test's verdict at a critical point, by kind.
_VERDICTS = {
    "minimum": "a minimum",
    "maximum": "a maximum",
    "saddle": "a saddle point",
    "degenerate": "inconclusive",
}

# The grid the model's contours are traced on (the true map uses 160 x 160,
# traced once per landscape); 70 x 70 keeps an update near a millisecond.
_MODEL_GRID = 70
_TRUE_GRID = 160
# The model's contours drawn: this many map levels below and above f(p).
_LEVELS_EACH_SIDE = 2
# Directions around p over which the model's error is maximised.
_DIRECTIONS = 24
_RADII = 40


def _segments(generator: contourpy.ContourGenerator, level: float) -> list:
    """The contour lines of ``generator`` at ``level``, as polylines."""
    return [line for line in generator.lines(level) if len(line) > 1]


class TaylorExplorer(ContourExplorer):
    r"""The second-order Taylor model of a landscape at a point you choose.

    .. math::

        q(p + \delta) = f(p) + \nabla f(p)\cdot\delta
        + \tfrac12\,\delta^\top H(p)\,\delta

    Left: the true contours (filled, white lines) with the model's contours
    at the same levels (orange), the level through the point for both
    (solid), the eigenvectors of :math:`H(p)` (green, the principal curvature
    directions) and the model's stationary point :math:`p - H^{-1}\nabla f`
    (×, where a Newton step would land). Right: the largest error
    :math:`|f - q|` on a circle of radius :math:`r` around :math:`p`, against
    :math:`r`, on log scales, with the :math:`r^3` law it must follow for small
    :math:`r`. The message gives the point's classification.
    """

    caption = (
        "Move the point: near it the orange model contours lie on the true ones, "
        "further away they part; the error grows like r³. At a critical point "
        "the model's shape is the second-derivative test."
    )
    width, height = 8.4, 4.2

    def make_controls(self):
        return {
            "landscape": landscape_control(_TAYLOR_LANDSCAPES, "Himmelblau"),
            **point_sliders(),
        }

    def build(self, figure: Figure) -> None:
        self.map_ax, self.error_ax = figure.subplots(1, 2, width_ratios=[1, 1.1])
        live, orange = self.live, COLORS["secant"]
        self.model_lines = live.animate(
            LineCollection([], colors=orange, linewidths=1.4)
        )
        self.model_level = live.animate(
            LineCollection([], colors=orange, linewidths=2.2)
        )
        self.true_level = live.animate(
            LineCollection([], colors=COLORS["point"], linewidths=1.4)
        )
        self.principal = live.animate(
            LineCollection([], colors=COLORS["tangent"], linewidths=2.4)
        )
        for collection in (
            self.model_lines,
            self.true_level,
            self.model_level,
            self.principal,
        ):
            collection.set_zorder(7)
            self.map_ax.add_collection(collection, autolim=False)
        self.target = live.animate(
            self.map_ax.plot([], [], "X", color=orange, mec="black", ms=9, zorder=9)[0]
        )
        self.point = live.animate(
            self.map_ax.plot([], [], "o", color=COLORS["point"], ms=6, zorder=9)[0]
        )
        self.map_ax.legend(
            handles=[
                Line2D([], [], color=orange, lw=1.4, label="model q"),
                Line2D([], [], color=COLORS["point"], lw=1.4, label="f = f(p)"),
                Line2D([], [], color=COLORS["tangent"], lw=2.4, label="eigenvectors"),
            ],
            loc="upper center",
            bbox_to_anchor=(0.5, -0.13),
            ncol=3,
            fontsize=8.5,
        )
        ax = self.error_ax
        self.error_curve = live.animate(
            ax.loglog([], [], color=COLORS["function"], lw=1.8, label="max |f − q|")[0]
        )
        self.cubic = live.animate(
            ax.loglog([], [], color=COLORS["secant"], lw=1.0, label="∝ r³")[0]
        )
        ax.set_ylim(1e-8, 1e2)
        ax.yaxis.set_major_locator(LogLocator(numticks=8))
        ax.minorticks_off()
        ax.set_xlabel("distance r from p")
        ax.set_ylabel("model error on the circle of radius r")
        ax.yaxis.set_label_coords(-0.13, 0.5)
        ax.legend(loc="lower right")
        live.message_box(ax, "upper left")
        self._shown = None

    def _prepare(self, surface: Landscape) -> None:
        """Once per landscape: the true map's levels, its contour tracer, radii."""
        (x0, x1), (y0, y1) = surface.window
        xs, ys = np.linspace(x0, x1, _TRUE_GRID), np.linspace(y0, y1, _TRUE_GRID)
        values = surface.value(np.stack(np.meshgrid(xs, ys), axis=-1))
        # The levels draw_landscape used for the filled map behind.
        self.levels, _ = contour_levels(values)
        self.true_contours = contourpy.contour_generator(xs, ys, values)
        mx, my = np.linspace(x0, x1, _MODEL_GRID), np.linspace(y0, y1, _MODEL_GRID)
        self.model_grid = np.stack(np.meshgrid(mx, my), axis=-1)
        self.model_axes = (mx, my)
        size = max(x1 - x0, y1 - y0)
        self.radii = np.geomspace(1e-3 * size, 0.5 * size, _RADII)
        angles = np.linspace(0.0, 2 * np.pi, _DIRECTIONS, endpoint=False)
        self.directions = np.column_stack([np.cos(angles), np.sin(angles)])
        self.error_ax.set_xlim(self.radii[0], self.radii[-1])
        self.axis_length = 0.12 * size
        self.live.invalidate(self.error_ax)

    def draw(self, landscape: str, x: float, y: float) -> None:
        surface, changed = self.show_landscape(self.map_ax, landscape)
        if changed:
            x, y = self.controls["x"].value, self.controls["y"].value
        if self._shown != landscape:
            self._prepare(surface)
            self._shown = landscape
        p = np.array([x, y], dtype=float)
        model = taylor_model(surface, p)
        value = model.value

        # The model's contours at the map's levels nearest f(p), and both
        # level sets through p (which touch there: same value, same gradient).
        q = model(self.model_grid)
        tracer = contourpy.contour_generator(*self.model_axes, q)
        below = int(np.searchsorted(self.levels, value))
        nearby = self.levels[
            max(below - _LEVELS_EACH_SIDE, 0) : below + _LEVELS_EACH_SIDE
        ]
        self.model_lines.set_segments(
            [line for level in nearby for line in _segments(tracer, level)]
        )
        self.model_level.set_segments(_segments(tracer, value))
        self.true_level.set_segments(_segments(self.true_contours, value))

        eigenvalues, vectors = np.linalg.eigh(model.hessian)
        half = self.axis_length * vectors.T  # one row per eigenvector
        self.principal.set_segments([np.array([p - v, p + v]) for v in half])
        target = model.stationary_point
        inside = target is not None and _inside(surface, target)
        self.target.set_visible(inside)
        if inside:
            self.target.set_data([target[0]], [target[1]])
        self.point.set_data([x], [y])

        circles = p + self.radii[:, None, None] * self.directions  # (r, u, 2)
        errors = np.abs(model.error(circles)).max(axis=1)
        # Below rounding the error is noise: show it at a floor, not as 0.
        floor = 1e-14 * max(1.0, abs(value), float(np.abs(model.gradient).max()))
        shown = np.maximum(errors, floor)
        self.error_curve.set_data(self.radii, shown)
        above = np.flatnonzero(errors > 1e3 * floor)
        if above.size:
            first = above[0]
            law = errors[first] * (self.radii / self.radii[first]) ** 3
            self.cubic.set_data(self.radii, np.clip(law, 1e-300, 1e300))
        self.cubic.set_visible(bool(above.size))
        _fit_log_ylim(self.live, self.error_ax, float(shown.min()), float(shown.max()))
        self.live.say(self.error_ax, _describe(model.kind, eigenvalues, model, above))


#: The methods of :class:`NewtonExplorer`, by the label shown.
NEWTON_METHODS = (
    "pure Newton",
    "Newton + line search",
    "saddle-free Newton",
    "gradient descent",
)
_NEWTON_LANDSCAPES = ["Himmelblau", "Beale", "Rosenbrock", "Monkey saddle", "Saddle"]
_NEWTON_STEPS = 60
_DESCENT_STEPS = 300


def run_method(surface: Landscape, method: str, start: Any):
    r"""One run of ``method`` (a label of :data:`NEWTON_METHODS`) from ``start``.

    Newton's variants take at most 60 steps; gradient descent takes up to 300
    with the learning rate :math:`1/\lambda_{max}` of the Hessian at the
    landscape's first minimum (half the stability limit there).

    Returns
    -------
    calclearn.optim.DescentRun
    """
    from calclearn.optim import gradient_descent, newton

    functions = (surface.value, surface.gradient, surface.hessian, start)
    if method == "pure Newton":
        return newton(*functions, _NEWTON_STEPS)
    if method == "Newton + line search":
        return newton(*functions, _NEWTON_STEPS, line_search=True)
    if method == "saddle-free Newton":
        return newton(*functions, _NEWTON_STEPS, saddle="abs", line_search=True)
    if method == "gradient descent":
        minimum = surface.minima[0].point if surface.minima else start
        largest = float(np.abs(np.linalg.eigvalsh(surface.hessian(minimum))).max())
        lr = 1.0 / max(largest, 1e-12)
        return gradient_descent(
            surface.value, surface.gradient, start, lr, _DESCENT_STEPS
        )
    raise ValueError(f"method must be one of {NEWTON_METHODS}, got {method!r}")


def _landing(surface: Landscape, run) -> str:
    """Where a run ended, in a few words (the kind of point when it settled)."""
    from calclearn.curvature import classify

    end = np.round(run.path[-1], 10) + 0.0  # 1.1e-16 is 0 to the reader
    where = f"({format_number(end[0], '.3g')}, {format_number(end[1], '.3g')})"
    steps = f"{run.steps} step{'' if run.steps == 1 else 's'}"
    if run.status == "uphill":
        return (
            f"stopped at {where}: H is not positive definite there and the "
            "Newton direction points uphill, so no step length helps"
        )
    if run.status == "singular":
        return f"stopped at {where}: H is singular, there is no Newton step"
    if run.status != "converged":
        return f"{run.status} after {steps}, at {where}"
    kind = classify(surface.hessian(end))
    article = "an" if kind[0] in "aeiou" else "a"
    return f"converged in {steps} to {where}: {article} {kind}"


class NewtonExplorer(ContourExplorer):
    r"""Newton's method and its repairs from a start you choose.

    Left: the path on the contours (start ■, end ●). Right:
    :math:`\|\nabla f(x_k)\|` per step on a log scale: quadratic convergence
    shows as a plunge, gradient descent as a slope. The message says where
    the run ended and what kind of point that is (pure Newton from
    Himmelblau's (0, 0) lands on its maximum).
    """

    caption = (
        "Move the start and switch the method: pure Newton settles on whatever "
        "critical point is near, maxima and saddles included; the saddle-free "
        "variant only goes downhill."
    )
    width, height = 8.4, 4.2

    def make_controls(self):
        return {
            "landscape": landscape_control(_NEWTON_LANDSCAPES, "Himmelblau"),
            "method": dropdown("method", list(NEWTON_METHODS), "pure Newton"),
            **point_sliders("start "),
        }

    def build(self, figure: Figure) -> None:
        self.map_ax, self.norm_ax = figure.subplots(1, 2, width_ratios=[1, 1.1])
        live = self.live
        self.path = live.animate(
            self.map_ax.plot(
                [], [], "-o", color=COLORS["path"], ms=2.5, lw=1.2, zorder=8
            )[0]
        )
        self.start = live.animate(
            self.map_ax.plot([], [], "s", color=COLORS["point"], ms=6, zorder=9)[0]
        )
        self.end = live.animate(
            self.map_ax.plot(
                [], [], "o", color=COLORS["secant"], mec="black", ms=8, zorder=9
            )[0]
        )
        self.norms = live.animate(
            self.norm_ax.semilogy([], [], "-o", color=COLORS["path"], ms=2.5, lw=1.4)[0]
        )
        self.norm_ax.set_ylim(1e-12, 1e4)
        self.norm_ax.yaxis.set_major_locator(LogLocator(numticks=8))
        self.norm_ax.minorticks_off()
        self.norm_ax.set_xlabel("step k")
        self.norm_ax.set_ylabel("‖∇f(xₖ)‖")
        # Its axis on the right, clear of the map's colour bar label.
        self.norm_ax.yaxis.tick_right()
        self.norm_ax.yaxis.set_label_position("right")
        self.norm_ax.spines["left"].set_visible(False)
        self.norm_ax.spines["right"].set_visible(True)
        live.message_box(self.norm_ax, "upper right")

    def draw(self, landscape: str, method: str, x: float, y: float) -> None:
        surface, changed = self.show_landscape(self.map_ax, landscape)
        if changed:
            x, y = self.controls["x"].value, self.controls["y"].value
        run = run_method(surface, method, (x, y))
        path = run.path[np.all(np.isfinite(run.path), axis=1)]
        self.path.set_data(path[:, 0], path[:, 1])
        self.start.set_data([x], [y])
        self.end.set_data([path[-1, 0]], [path[-1, 1]])
        norms = np.clip(run.grad_norms, 1e-16, 1e300)
        steps = np.arange(len(norms))
        self.norms.set_data(steps, norms)
        _fit_log_ylim(
            self.live, self.norm_ax, float(norms.min()), float(norms.max()), 0.3
        )
        self.live.fit_step_xlim(self.norm_ax, max(len(norms) - 1, 10))
        kind = "info"
        if run.status != "converged":
            kind = (
                "error"
                if run.status in ("diverged", "uphill", "singular")
                else "warning"
            )
        elif "a minimum" not in _landing(surface, run):
            kind = "warning"
        self.live.say(self.norm_ax, f"{method}: {_landing(surface, run)}", kind)


def _inside(surface: Landscape, point: np.ndarray) -> bool:
    (x0, x1), (y0, y1) = surface.window
    return bool(x0 <= point[0] <= x1 and y0 <= point[1] <= y1)


def _describe(kind: str, eigenvalues: np.ndarray, model, above: np.ndarray) -> str:
    """Two or three short lines: the curvature, the classification, the error."""
    slope = float(np.linalg.norm(model.gradient))
    low, high = (format_number(v, ".3g") for v in eigenvalues)
    lines = [f"λ(H) = {low}, {high}: the model is {MODEL_SHAPES[kind]}"]
    if slope <= 1e-9 * max(1.0, abs(model.value)):
        lines.append(f"∇f = 0, so the second-derivative test: {_VERDICTS[kind]}")
    else:
        lines.append(f"|∇f| = {slope:.3g}: not a critical point")
    if not above.size:
        lines.append("f is quadratic: q = f, error at rounding level")
    return "\n".join(lines)


# --------------------------------------------------------------------------
# The chapter's static figures
# --------------------------------------------------------------------------


def _quartic(x: np.ndarray) -> np.ndarray:
    """f(x) = x⁴ − 3x² + x, the 1-D example: two minima, one maximum."""
    return x**4 - 3 * x**2 + x


def curvature_1d_figure(points: tuple[float, ...] = (-1.3, 0.1, 0.5**0.5)) -> Figure:
    r"""A 1-D function with its second-order Taylor parabolas, and its f″.

    .. math::

        f(x) = x^4 - 3x^2 + x, \qquad
        q_a(x) = f(a) + f'(a)(x - a) + \tfrac12 f''(a)(x - a)^2

    The parabola at :math:`a` opens upwards where :math:`f''(a) > 0`,
    downwards where :math:`f''(a) < 0`, and is the tangent line where
    :math:`f''(a) = 0` (the inflection point :math:`a = 1/\sqrt2`).

    Parameters
    ----------
    points : tuple of float
        Where to draw the parabolas (in [-2, 2]).

    Returns
    -------
    matplotlib.figure.Figure
    """
    from calclearn.plots import house_style, new_figure

    x = np.linspace(-2.1, 2.1, 400)
    figure = new_figure(7.0, 4.6)
    top, bottom = figure.subplots(2, 1, sharex=True, height_ratios=[2, 1])
    colours = (COLORS["tangent"], COLORS["path"], COLORS["secant"])
    with house_style():
        top.plot(x, _quartic(x), color=COLORS["function"], lw=2.2, label="f(x)")
        second = 12 * x**2 - 6
        bottom.plot(x, second, color=COLORS["function"], lw=1.8)
        bottom.axhline(0.0, color=COLORS["muted"], lw=0.8)
        bottom.fill_between(x, second, 0, where=second > 0, color=COLORS["stable"])
        bottom.fill_between(x, second, 0, where=second < 0, color=COLORS["unstable"])
        for a, colour in zip(points, colours, strict=False):
            slope, curvature = 4 * a**3 - 6 * a + 1, 12 * a**2 - 6
            near = np.linspace(a - 1.0, a + 1.0, 100)
            parabola = (
                _quartic(a) + slope * (near - a) + 0.5 * curvature * (near - a) ** 2
            )
            top.plot(
                near,
                parabola,
                "--",
                color=colour,
                lw=1.6,
                label=f"model at {a:.2f}: f″ = {format_number(curvature, '.2f')}",
            )
            top.plot([a], [_quartic(a)], "o", color=colour, ms=6)
            bottom.plot([a], [curvature], "o", color=colour, ms=6)
        top.set_ylim(-4.5, 5.5)
        top.set_ylabel("f(x)")
        top.legend(loc="upper center", fontsize=8.5)
        top.set_title(r"$f(x) = x^4 - 3x^2 + x$ and its quadratic models")
        bottom.set_xlabel("x")
        bottom.set_ylabel("f″(x) = 12x² − 6")
        bottom.set_ylim(-10, 50)
    return figure


def principal_curvature_figure(landscape: str = "Himmelblau") -> Figure:
    r"""A landscape's contours with the eigenvectors of the Hessian at its
    critical points: the principal curvature directions.

    Each eigenvector :math:`v_i` is drawn as a segment of length proportional
    to :math:`\sqrt{|\lambda_i|}` (green for :math:`\lambda_i > 0`, the surface
    curves up along it; red for :math:`\lambda_i < 0`, it curves down).

    Parameters
    ----------
    landscape : str
        A name in :data:`calclearn.landscapes.LANDSCAPES`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from calclearn.landscapes import as_landscape
    from calclearn.plots import draw_landscape, house_style, new_figure

    surface = as_landscape(landscape, "landscape")
    figure = new_figure(5.6, 4.8)
    ax = figure.add_subplot()
    draw_landscape(ax, surface, colorbar=True)
    (x0, x1), (y0, y1) = surface.window
    scale = 0.04 * max(x1 - x0, y1 - y0)
    hessians = [surface.hess(c.point) for c in surface.critical_points]
    largest = max(float(np.abs(np.linalg.eigvalsh(H)).max()) for H in hessians)
    with house_style():
        for critical, H in zip(surface.critical_points, hessians, strict=True):
            eigenvalues, vectors = np.linalg.eigh(H)
            for value, vector in zip(eigenvalues, vectors.T, strict=True):
                half = scale * 3 * np.sqrt(abs(value) / largest) * vector
                p = np.asarray(critical.point)
                colour = COLORS["tangent"] if value > 0 else COLORS["path"]
                ax.plot(
                    *np.transpose([p - half, p + half]), color=colour, lw=2.6, zorder=7
                )
        ax.legend(
            handles=[
                Line2D(
                    [], [], color=COLORS["tangent"], lw=2.6, label="λ > 0: curves up"
                ),
                Line2D(
                    [], [], color=COLORS["path"], lw=2.6, label="λ < 0: curves down"
                ),
            ],
            loc="upper center",
            bbox_to_anchor=(0.5, -0.12),
            ncol=2,
        )
        ax.set_title(
            "eigenvectors of H at the critical points (length ∝ √|λ|)", fontsize=10
        )
    return figure


# Paths with at most this many points are drawn with a marker per iterate.
_MARKED_STEPS = 300


def _paths_panel(ax, landscape: str, runs: dict, title: str) -> None:
    """Contours of ``landscape`` with the labelled paths of ``runs``."""
    from calclearn.plots import draw_landscape

    draw_landscape(ax, landscape)
    styles = [
        (COLORS["path"], "o", 2.5),
        (COLORS["secant"], "s", 3.0),
        (COLORS["tangent"], "D", 3.0),
        ("#7b3fa0", "^", 3.0),
    ]
    for (label, run), (colour, marker, size) in zip(runs.items(), styles, strict=False):
        ax.plot(
            run.path[:, 0],
            run.path[:, 1],
            # Markers show the step sizes; on long paths they would only
            # cost drawing time and hide the contours.
            "-" + (marker if len(run.path) <= _MARKED_STEPS else ""),
            color=colour,
            ms=size,
            lw=1.3,
            label=label,
            zorder=8,
        )
    ax.set_title(title, fontsize=10)
    ax.legend(
        loc="upper center",
        bbox_to_anchor=(0.5, -0.14),
        ncol=3 if len(runs) == 3 else 2,
        fontsize=8.5,
    )


def optimizer_race_figure(runs: dict, landscape: str = "Rosenbrock") -> Figure:
    r"""Paths of several optimisers on a landscape, and their distance to the
    minimum :math:`\|x_k - x^\ast\|` per iteration (log scales).

    Parameters
    ----------
    runs : dict of str to DescentRun
        Label → run (at most four), all on ``landscape``.
    landscape : str
        A name in :data:`calclearn.landscapes.LANDSCAPES`; its first minimum
        is :math:`x^\ast`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from calclearn.landscapes import as_landscape
    from calclearn.plots import house_style, new_figure

    surface = as_landscape(landscape, "landscape")
    minimum = np.asarray(surface.minima[0].point)
    figure = new_figure(9.0, 4.3)
    left, right = figure.subplots(1, 2, width_ratios=[1, 1.15])
    _paths_panel(left, landscape, runs, "paths")
    colours = [COLORS["path"], COLORS["secant"], COLORS["tangent"], "#7b3fa0"]
    with house_style():
        for (label, run), colour in zip(runs.items(), colours, strict=False):
            distance = np.maximum(np.linalg.norm(run.path - minimum, axis=1), 1e-16)
            steps = np.arange(1, len(distance) + 1)
            right.loglog(steps, distance, color=colour, lw=1.6, label=label)
        right.set_xlabel("iteration k + 1")
        right.set_ylabel("distance to the minimum ‖xₖ − x*‖")
        right.set_ylim(1e-16, 1e1)
        right.legend(loc="lower left", fontsize=8.5)
        right.set_title("the same runs, per iteration", fontsize=10)
    return figure


def newton_traps_figure(panels: list[tuple[str, dict, str]]) -> Figure:
    """One contour map per ``(landscape, runs, title)``, with the runs' paths.

    Parameters
    ----------
    panels : list of (str, dict of str to DescentRun, str)
        The landscape's name, label → run, and the panel's title.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from calclearn.plots import new_figure

    figure = new_figure(4.0 * len(panels), 4.8)
    for ax, (landscape, runs, title) in zip(
        figure.subplots(1, len(panels), squeeze=False)[0], panels, strict=True
    ):
        _paths_panel(ax, landscape, runs, title)
    return figure


#: The model problem of the cost comparison: logistic regression on this many
#: samples (as in ``benchmarks/hessian_cost.py``).
COST_SAMPLES = 1000


def hessian_costs(sizes: Any, samples: int = COST_SAMPLES) -> dict[str, np.ndarray]:
    r"""Exact memory and flop counts of a Newton step against a Hessian-vector
    product, for a loss of n parameters over m samples (logistic regression).

    .. math::

        \text{memory of } H = 8n^2 \text{ bytes}, \quad
        \text{form } H = X^\top D X:\ 2mn^2, \quad
        \text{solve } H d = g:\ \tfrac23 n^3, \quad
        Hv = X^\top (D (X v)):\ 4mn \text{ flops}

    Parameters
    ----------
    sizes : array_like of int
        The numbers of parameters n.
    samples : int
        m.

    Returns
    -------
    dict of str to numpy.ndarray
        ``"n"``, ``"hessian_bytes"``, ``"vector_bytes"`` (8n, what an HVP
        returns), ``"form_flops"``, ``"solve_flops"``, ``"hvp_flops"``, and
        ``"samples"`` (m).

    Examples
    --------
    >>> costs = hessian_costs([1000])
    >>> int(costs["hessian_bytes"][0]), int(costs["solve_flops"][0])
    (8000000, 666666666)
    """
    n = np.asarray(sizes, dtype=np.int64)
    if n.ndim != 1 or n.size == 0 or np.any(n < 1):
        raise ValueError(f"sizes must be positive integers, got {sizes!r}")
    m = int(samples)
    if m < 1:
        raise ValueError(f"samples must be a positive integer, got {samples!r}")
    return {
        "n": n,
        "hessian_bytes": 8 * n**2,
        "vector_bytes": 8 * n,
        "form_flops": 2 * m * n**2,
        "solve_flops": 2 * n**3 // 3,
        "hvp_flops": 4 * m * n,
        "samples": m,
    }


#: Seconds measured by ``python benchmarks/hessian_cost.py`` (logistic
#: regression, m = 1000, one BLAS thread, best of several runs) on the course's
#: idle 2-core x86_64 machine, 2026-11-26. Times depend on the machine, so the
#: notebook draws these rather than timing anything while it runs.
MEASURED_HESSIAN_SECONDS = {
    "n": [125, 250, 500, 1000, 2000, 4000],
    "form_seconds": [1.30e-03, 2.72e-03, 8.68e-03, 3.40e-02, 1.15e-01, 4.55e-01],
    "solve_seconds": [1.96e-04, 5.53e-04, 3.28e-03, 1.94e-02, 1.25e-01, 9.29e-01],
    "hvp_seconds": [9.09e-05, 1.61e-04, 4.57e-04, 1.01e-03, 1.85e-03, 3.99e-03],
}


def hessian_cost_table(costs: dict) -> str:
    """The counts of :func:`hessian_costs` as a plain-text table, a row per n.

    Examples
    --------
    >>> print(hessian_cost_table(hessian_costs([1000])))
             n   memory of H    form H flops   solve flops   H v flops
         1,000    8.0e+06 B        2.0e+09       6.7e+08     4.0e+06
    """
    rows = ["         n   memory of H    form H flops   solve flops   H v flops"]
    for n, memory, form, solve, product in zip(
        costs["n"],
        costs["hessian_bytes"],
        costs["form_flops"],
        costs["solve_flops"],
        costs["hvp_flops"],
        strict=True,
    ):
        rows.append(
            f"{n:10,} {memory:10.1e} B {form:14.1e} {solve:13.1e} {product:11.1e}"
        )
    return "\n".join(rows)


def hessian_cost_figure(costs: dict, measured: dict | None = None) -> Figure:
    """Log-log plots of the exact counts of :func:`hessian_costs` (memory and
    flops against n) and, if given, of measured seconds.

    Parameters
    ----------
    costs : dict
        What :func:`hessian_costs` returns.
    measured : dict, optional
        ``"n"``, ``"form_seconds"``, ``"solve_seconds"`` and ``"hvp_seconds"``:
        times measured elsewhere (``benchmarks/hessian_cost.py``), drawn as
        given.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from calclearn.plots import house_style, new_figure

    panels = 3 if measured is not None else 2
    figure = new_figure(4.0 * panels, 4.0)
    axes = figure.subplots(1, panels)
    n = costs["n"]
    with house_style():
        memory, flops = axes[0], axes[1]
        memory.loglog(
            n, costs["hessian_bytes"], "-o", color=COLORS["path"], label="H: 8n²"
        )
        memory.loglog(
            n, costs["vector_bytes"], "-s", color=COLORS["tangent"], label="Hv: 8n"
        )
        memory.axhline(16e9, color=COLORS["muted"], ls=":", lw=1)
        memory.text(n[0], 16e9, " 16 GB of RAM", va="bottom", fontsize=8.5)
        memory.set_ylabel("bytes")
        memory.set_title("memory", fontsize=10)
        flops.loglog(
            n, costs["form_flops"], "-o", color=COLORS["secant"], label="form H: 2mn²"
        )
        flops.loglog(
            n, costs["solve_flops"], "-^", color=COLORS["path"], label="solve: ⅔n³"
        )
        flops.loglog(
            n, costs["hvp_flops"], "-s", color=COLORS["tangent"], label="Hv: 4mn"
        )
        flops.set_ylabel("floating-point operations")
        flops.set_title(f"arithmetic (m = {costs['samples']} samples)", fontsize=10)
        if measured is not None:
            timed = axes[2]
            k = measured["n"]
            timed.loglog(
                k,
                measured["form_seconds"],
                "-o",
                color=COLORS["secant"],
                label="form H",
            )
            timed.loglog(
                k,
                measured["solve_seconds"],
                "-^",
                color=COLORS["path"],
                label="solve H d = g",
            )
            timed.loglog(
                k, measured["hvp_seconds"], "-s", color=COLORS["tangent"], label="Hv"
            )
            timed.set_ylabel("seconds (one core)")
            timed.set_xticks(k, [str(size) for size in k], fontsize=8)
            timed.xaxis.set_minor_locator(NullLocator())
            timed.set_title("measured", fontsize=10)
        for ax in axes:
            ax.set_xlabel("parameters n")
            ax.legend(loc="upper left", fontsize=8.5)
    return figure
