"""Chapter 3 explorers: the directional derivative, gradient descent in 2-D,
and how ill-conditioning slows it down."""

from __future__ import annotations

import math

import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch
from matplotlib.ticker import LogLocator, MaxNLocator

from calclearn.explorers.contours import (
    ContourExplorer,
    landscape_control,
    point_sliders,
)
from calclearn.landscapes import Landscape, quadratic_bowl
from calclearn.linalg import (
    contraction_factor,
    level_set_ellipse,
    steps_to_shrink,
    symmetric_eigen,
)
from calclearn.optim import DescentRun, gradient_descent
from calclearn.plots import COLORS, LiveFigure
from calclearn.widgets import Explorer, dropdown, int_slider, log_slider, slider

_DIRECTION_LANDSCAPES = ["Himmelblau", "Booth", "Rosenbrock", "Saddle"]
_DESCENT_LANDSCAPES = ["Quadratic bowl", "Booth", "Himmelblau", "Rosenbrock", "Beale"]


#: The upper limits fit_step_xlim gives a step axis: 10, 20, 50, 100, ...
_STEP_LIMITS = [m * 10**e for e in range(1, 6) for m in (1, 2, 5)]


def _arrow(ax, color: str, style: str = "-|>") -> FancyArrowPatch:
    arrow = FancyArrowPatch(
        (0, 0), (0, 0), arrowstyle=style, mutation_scale=16, color=color, lw=2.2
    )
    ax.add_patch(arrow)
    return arrow


class DirectionalDerivativeExplorer(ContourExplorer):
    r"""Turn a unit direction :math:`u = (\cos\theta, \sin\theta)` at a point:
    the slope of :math:`f` in that direction is
    :math:`D_u f = \nabla f \cdot u = \|\nabla f\| \cos(\theta - \theta_{\nabla})`.

    Left: the contours, the point, the direction :math:`u` (orange) and the
    gradient direction (green). Right: :math:`D_u f` against :math:`\theta`, a
    cosine whose peak, :math:`\|\nabla f\|`, sits at the gradient's angle.
    """

    caption = (
        "Turn the direction and watch D_u f follow a cosine: it peaks, at |∇f|, "
        "exactly when u points along the gradient, and is 0 along the contour."
    )
    width, height = 8.8, 4.2

    def make_controls(self):
        return {
            "landscape": landscape_control(_DIRECTION_LANDSCAPES, "Himmelblau"),
            **point_sliders(),
            "angle": slider("angle θ (°)", 30.0, 0.0, 360.0, 1.0, ".0f"),
        }

    def build(self, figure: Figure) -> None:
        self.map_ax, self.slope_ax = figure.subplots(1, 2, width_ratios=[1, 1.15])
        live = self.live
        self.direction = live.animate(_arrow(self.map_ax, COLORS["secant"]))
        self.uphill = live.animate(_arrow(self.map_ax, COLORS["tangent"]))
        self.point = live.animate(
            self.map_ax.plot([], [], "o", color=COLORS["point"], ms=6, zorder=7)[0]
        )
        self.map_ax.legend(
            handles=[
                Line2D([], [], color=COLORS["secant"], lw=2.2, label="direction u"),
                Line2D([], [], color=COLORS["tangent"], lw=2.2, label="∇f / ‖∇f‖"),
            ],
            # Below the map: any corner inside it covers a minimum somewhere.
            loc="upper center",
            bbox_to_anchor=(0.5, -0.13),
            ncol=2,
        )
        self.angles = np.linspace(0.0, 360.0, 361)
        self.cosine = live.animate(
            self.slope_ax.plot([], [], color=COLORS["function"])[0]
        )
        self.current = live.animate(
            self.slope_ax.plot(
                [], [], "o", color=COLORS["secant"], ms=8, zorder=5, clip_on=False
            )[0]
        )
        self.peak = live.animate(
            # Unclipped: a peak at 0° or 358° is drawn whole at the edge.
            self.slope_ax.plot(
                [], [], "*", color=COLORS["tangent"], ms=13, zorder=5, clip_on=False
            )[0]
        )
        self.slope_ax.axhline(0.0, color=COLORS["muted"], lw=0.8)
        self.slope_ax.set_xlim(0, 360)
        self.slope_ax.set_xticks(range(0, 361, 90))
        self.slope_ax.set_xlabel("direction angle θ (degrees)")
        self.slope_ax.set_ylabel("$D_u f$")
        # Its axis on the right: on the left its label would crowd the map's
        # colour bar label.
        self.slope_ax.yaxis.tick_right()
        self.slope_ax.yaxis.set_label_position("right")
        # A fixed place, room for tick labels up to "−250" beside it: wider
        # labels after a rescale then fit without laying the figure out anew.
        self.slope_ax.yaxis.set_label_coords(1.15, 0.5)
        self.slope_ax.spines["left"].set_visible(False)
        self.slope_ax.spines["right"].set_visible(True)
        self.slope_ax.set_title("slope in direction u")
        live.message_box(self.slope_ax)

    def draw(self, landscape: str, x: float, y: float, angle: float) -> None:
        surface, changed = self.show_landscape(self.map_ax, landscape)
        if changed:
            x, y = self.controls["x"].value, self.controls["y"].value
        point = np.array([x, y])
        grad = surface.gradient(point)
        norm = float(np.hypot(*grad))
        theta = math.radians(angle)
        u = np.array([math.cos(theta), math.sin(theta)])
        slope = float(grad @ u)

        (x0, x1), _ = surface.window
        length = 0.18 * (x1 - x0)
        self.direction.set_positions(tuple(point), tuple(point + length * u))
        uphill = grad / norm if norm > 0 else np.zeros(2)
        self.uphill.set_positions(tuple(point), tuple(point + length * uphill))
        self.uphill.set_visible(norm > 0)
        self.point.set_data([x], [y])

        radians = np.radians(self.angles)
        values = grad[0] * np.cos(radians) + grad[1] * np.sin(radians)
        self.cosine.set_data(self.angles, values)
        self.current.set_data([angle], [slope])
        peak_angle = math.degrees(math.atan2(grad[1], grad[0])) % 360
        self.peak.set_data([peak_angle], [norm])
        # Headroom above the peak for the message box.
        self.live.fit_ylim(self.slope_ax, -1.35 * norm, 1.35 * norm, symmetric=True)
        self.live.say(
            self.slope_ax,
            f"D_u f = ∇f·u = {slope:.3f};   |∇f| = {norm:.3f} at θ = {peak_angle:.0f}°",
        )


def _fit_log_ylim(
    live: LiveFigure, ax, low: float, high: float, headroom: float = 0.0
) -> None:
    """Fit a log axis to data between ``low`` and ``high``, in whole decades.

    ``headroom`` is the share of the axis height kept free above the data
    (for a message box); a decade is kept free below the data (for a legend).
    The limits move (a redraw) only when the data leaves them or they are more
    than a decade wider than needed, so dragging a slider rarely rescales.
    """
    # A decade of room below the data too, for the legend.
    bottom = math.floor(math.log10(max(low, 1e-300))) - 1
    data_top = math.log10(max(high, low, 1e-300))
    top = math.ceil(bottom + (data_top - bottom) / (1.0 - headroom))
    top = max(top, math.ceil(data_top), bottom + 2)  # two decades: three ticks
    current_bottom, current_top = (math.log10(v) for v in ax.get_ylim())
    room = current_bottom + (1.0 - headroom) * (current_top - current_bottom)
    fits = current_bottom <= bottom and data_top <= room
    if fits and current_top - current_bottom <= top - bottom + 1:
        return
    ax.set_ylim(10.0**bottom, 10.0**top)
    live.invalidate_limits(ax)


def _describe_run(
    run: DescentRun, lr: float, eigenvalues: np.ndarray, distances: np.ndarray
) -> tuple[str, str]:
    """Two short lines on the run, set against the theory at the minimum approached.

    Honest about what a few hundred steps can show: above the local bound
    ``2 / λmax`` the path cannot settle at p* (it may still wander towards it
    while far away); below it, the distance shrinks in the long run by
    ``ρ = max |1 − ηλᵢ|`` per step, and the message says how many steps that
    takes when the run stopped short.
    """
    largest = eigenvalues[1]
    ratio = f"η = {lr * largest / 2:.3g} × 2/λmax"
    factor = abs(1 - lr * largest)
    shown = f"{factor:,.0f}" if factor >= 1000 else f"{factor:.3g}"  # not 1e+03
    growth = f"|1 − ηλmax| = {shown}"
    if run.status == "diverged":
        if lr >= 2 / largest:
            why = f"so {growth} > 1"
        else:  # stable at p*, but the path left through more sharply curved ground
            why = "but where the path was, f curves more sharply than at p*"
        return f"Diverged at step {run.diverged_at}: {ratio},\n{why}", "error"
    if lr >= 2 / largest:
        return (
            f"{ratio}: near p*, {growth} ≥ 1,\nso the path cannot settle at p*",
            "error",
        )
    how = " with zig-zags" if run.zigzag else ""
    kind = "warning" if run.zigzag else "info"
    steps = f"{run.steps} step{'' if run.steps == 1 else 's'}"
    if run.status == "converged":
        return f"Converged{how} in {steps}\n({ratio}, |∇f| below tolerance)", kind
    if run.status == "converging":
        rate = contraction_factor(eigenvalues, lr)
        return (
            f"Distance {distances[0]:.2g} → {distances[-1]:.2g} in {steps}{how};\n"
            f"near p*, ρ = {rate:.5g} per step: 10⁶× closer takes "
            f"≈ {steps_to_shrink(rate):,.0f} steps",
            kind,
        )
    return f"{run.message} ({ratio})", "warning"


def _nearest_minimum(surface: Landscape, point: np.ndarray) -> np.ndarray:
    minima = np.array([c.point for c in surface.minima])
    return minima[np.argmin(np.linalg.norm(minima - point, axis=1))]


class GradientDescentExplorer(ContourExplorer):
    r"""Gradient descent :math:`p_{k+1} = p_k - \eta \nabla f(p_k)` on a landscape.

    Left: the path on the contours. Right: the distance
    :math:`\|p_k - p^\ast\|` to the minimum approached, on a log scale, with
    the local theory :math:`\rho^k \|p_0 - p^\ast\|` (dashed), where
    :math:`\rho = \max_i |1 - \eta\lambda_i|` from the Hessian at :math:`p^\ast`
    (exact on the quadratics, a long-run prediction elsewhere). The title
    states the bound :math:`2/\lambda_{max}` and the best fixed step
    :math:`2/(\lambda_{min} + \lambda_{max})`; the message names what happened.
    """

    caption = (
        "Change the learning rate (log scale) and the start point: watch the path "
        "converge, zig-zag, or leave the map; the message says which, and why."
    )
    width, height = 8.8, 4.4

    def make_controls(self):
        return {
            "landscape": landscape_control(_DESCENT_LANDSCAPES, "Quadratic bowl"),
            "lr": log_slider("learning rate η", 0.1, -4, 0),
            "steps": int_slider("steps", 100, 1, 500),
            **point_sliders("start "),
        }

    def build(self, figure: Figure) -> None:
        self.map_ax, self.distance_ax = figure.subplots(1, 2, width_ratios=[1, 1.1])
        live = self.live
        self.path = live.animate(
            self.map_ax.plot(
                [], [], "-o", color=COLORS["path"], ms=2.5, lw=1.2, zorder=8
            )[0]
        )
        self.start = live.animate(
            self.map_ax.plot([], [], "s", color=COLORS["point"], ms=6, zorder=9)[0]
        )
        self.distance_line = live.animate(
            self.distance_ax.semilogy(
                [], [], color=COLORS["path"], lw=1.6, label="measured"
            )[0]
        )
        self.theory_line = live.animate(
            self.distance_ax.semilogy(
                [], [], "--", color=COLORS["point"], lw=1.1, label="ρᵏ ‖p₀ − p*‖"
            )[0]
        )
        self.distance_ax.set_ylim(1e-8, 1e1)
        self.distance_ax.yaxis.set_major_locator(LogLocator(numticks=8))
        self.distance_ax.minorticks_off()
        self.distance_ax.set_xlabel("step k")
        self.distance_ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        self.distance_ax.set_ylabel("distance to the minimum ‖pₖ − p*‖")
        # A fixed place: tick labels of another width (after fit_log_ylim)
        # would otherwise push it onto the map's colour bar label.
        self.distance_ax.yaxis.set_label_coords(-0.13, 0.5)
        self.distance_ax.legend(loc="lower left")
        live.message_box(self.distance_ax, "upper right")
        self._theory_shown = None

    def _show_theory(self, surface: Landscape, minimum: np.ndarray) -> np.ndarray:
        eigenvalues = symmetric_eigen(surface.hessian(minimum)).eigenvalues
        smallest, largest = eigenvalues
        key = (surface.name, tuple(minimum))
        if self._theory_shown != key:
            self.distance_ax.set_title(
                f"at p* = ({minimum[0]:.3g}, {minimum[1]:.3g}): stable for "
                f"η < {2 / largest:.4g},\n"
                f"best fixed η = {2 / (smallest + largest):.4g}",
                fontsize=9.5,
            )
            self._theory_shown = key
            self.live.invalidate(self.distance_ax, key=key)
        return eigenvalues

    def draw(self, landscape: str, lr: float, steps: int, x: float, y: float) -> None:
        surface, changed = self.show_landscape(self.map_ax, landscape)
        start = np.array([x, y])
        if changed:
            start = np.array([self.controls["x"].value, self.controls["y"].value])
            # Half the local stability bound: converges on each landscape's scale.
            target = _nearest_minimum(surface, start)
            largest = max(
                np.linalg.eigvalsh(surface.hessian(p)).max() for p in (start, target)
            )
            lr = self.set_range("lr", -4, 0, 1 / largest)
        run = gradient_descent(surface.value, surface.gradient, start, lr, steps)
        minimum = _nearest_minimum(surface, run.path[-1])
        eigenvalues = self._show_theory(surface, minimum)

        self.path.set_data(run.path[:, 0], run.path[:, 1])
        self.start.set_data([start[0]], [start[1]])
        # One measure throughout the chapter: the distance, which falls like
        # ρᵏ (the loss gap, quadratic in it, would fall like ρ²ᵏ).
        distances = np.linalg.norm(run.path - minimum, axis=1)
        floor = 1e-12 * max(1.0, float(np.abs(minimum).max()))
        shown = np.maximum(distances, floor)
        k = np.arange(len(shown))
        self.distance_line.set_data(k, shown)
        rate = contraction_factor(eigenvalues, lr)
        with np.errstate(over="ignore", under="ignore"):
            theory = shown[0] * rate ** k.astype(float)
        low = max(float(shown.min()), floor)
        high = float(shown.max())
        # Off the axes where it grows or shrinks past the data: clipped there.
        self.theory_line.set_data(k, np.clip(theory, 1e-300, 1e300))
        _fit_log_ylim(self.live, self.distance_ax, low, high, headroom=0.25)
        # The run may stop before `steps`; at least 10, whole steps.
        self.live.fit_step_xlim(self.distance_ax, max(run.steps, 10))
        self.live.say(self.distance_ax, *_describe_run(run, lr, eigenvalues, distances))


def _bowl_descent_path(A: np.ndarray, start: np.ndarray, lr: float, steps: int):
    r"""The iterates of gradient descent on :math:`\tfrac12 p^\top A p`, in closed form.

    :math:`p_{k+1} = p_k - \eta A p_k = (I - \eta A) p_k`, so in the
    eigenbasis :math:`A = V \Lambda V^\top` each component is scaled by
    :math:`(1 - \eta\lambda_i)` per step:
    :math:`p_k = V \operatorname{diag}((1 - \eta\lambda_i)^k) V^\top p_0`.
    The same path as the loop of :func:`calclearn.optim.gradient_descent`,
    for thousands of steps at numpy speed (the explorer runs up to 14,000).

    Parameters
    ----------
    A : numpy.ndarray, shape (2, 2)
        The bowl's symmetric positive definite matrix (minimum at 0).
    start : numpy.ndarray, shape (2,)
        :math:`p_0`.
    lr : float
        The step size :math:`\eta`.
    steps : int
        How many steps.

    Returns
    -------
    numpy.ndarray, shape (steps + 1, 2)
        :math:`p_0, \dots, p_{steps}`.

    Examples
    --------
    >>> path = _bowl_descent_path(np.diag([1.0, 4.0]), np.array([1.0, 1.0]), 0.25, 2)
    >>> (path.round(12) + 0.0).tolist()
    [[1.0, 1.0], [0.75, 0.0], [0.5625, 0.0]]

    It agrees with the loop to rounding:

    >>> A = np.array([[2.0, 1.0], [1.0, 3.0]])
    >>> loop = gradient_descent(
    ...     lambda p: 0.5 * p @ A @ p, lambda p: A @ p, [1.0, -2.0], 0.3, 50, tol=0.0
    ... )
    >>> closed = _bowl_descent_path(A, np.array([1.0, -2.0]), 0.3, 50)
    >>> bool(np.allclose(closed, loop.path, rtol=1e-12, atol=1e-15))
    True
    """
    eigen = symmetric_eigen(A)
    factors = 1 - lr * eigen.eigenvalues
    k = np.arange(steps + 1, dtype=float)[:, None]
    with np.errstate(under="ignore"):
        scaled = np.power(factors, k) * (eigen.eigenvectors.T @ start)
    return scaled @ eigen.eigenvectors.T


class ConditioningExplorer(Explorer):
    r"""Gradient descent on a quadratic bowl whose condition number you choose.

    On :math:`f(p) = \tfrac12 p^\top A p` (:math:`b = 0`, so :math:`p^\ast = 0`)
    with eigenvalues :math:`\lambda_{min} = 1` and :math:`\lambda_{max} = \kappa`
    and the best fixed step :math:`\eta = 2/(\lambda_{min} + \lambda_{max})`,
    the distance to the minimum shrinks by :math:`(\kappa - 1)/(\kappa + 1)`
    per step, so the number of steps to get :math:`10^6` times closer grows
    like :math:`\tfrac{\kappa}{2} \ln 10^6`. Left: the level sets and the path
    (the first steps as a line, then every few iterates as dots: thousands of
    zig-zags would fill the valley). Right: :math:`\|p_k - p^\ast\|` against
    the theory's straight line, run until it is :math:`10^6` times smaller.
    """

    caption = (
        "Stretch the bowl with κ: with the best step the path zig-zags more, and "
        "the distance shrinks by (κ − 1)/(κ + 1) per step, as the dashed theory "
        "line says."
    )
    width, height = 8.8, 4.3
    _SHRINK = 1e6
    _LINE_STEPS = 40  # drawn as a line; later iterates as dots
    _MAX_DOTS = 60
    _STEP_RULES = ("best: 2/(λmin+λmax)", "cautious: 1/λmax")

    def make_controls(self):
        return {
            "kappa": log_slider("condition κ", 10.0, 0, 3, readout_format=".3g"),
            "angle": slider("rotation (°)", 30.0, 0.0, 90.0, 1.0, ".0f"),
            "rule": dropdown("step size", self._STEP_RULES, self._STEP_RULES[0]),
        }

    def build(self, figure: Figure) -> None:
        self.map_ax, self.err_ax = figure.subplots(1, 2, width_ratios=[1, 1.1])
        live = self.live
        self.levels = [
            live.animate(self.map_ax.plot([], [], color="#7d9bd1", lw=0.9)[0])
            for _ in range(8)
        ]
        self.path = live.animate(
            self.map_ax.plot([], [], color=COLORS["path"], lw=1.0)[0]
        )
        self.later = live.animate(
            self.map_ax.plot([], [], "o", color=COLORS["path"], ms=2.2, alpha=0.6)[0]
        )
        self.path_note = live.animate(
            self.map_ax.text(
                0.02,
                0.02,
                "",
                transform=self.map_ax.transAxes,
                fontsize=8.5,
                bbox={"facecolor": "white", "alpha": 0.85, "edgecolor": "none"},
            )
        )
        self.map_ax.plot([0], [0], "*", color="#f5c518", mec="black", ms=13, zorder=6)
        self.map_ax.set_xlim(-5, 5)
        self.map_ax.set_ylim(-5, 5)
        self.map_ax.set_aspect("equal", adjustable="box")
        self.map_ax.set_xlabel("x")
        self.map_ax.set_ylabel("y")
        self.map_ax.set_title("level sets of ½ pᵀAp (b = 0), λ = 1 and κ", fontsize=10)
        self.error = live.animate(
            self.err_ax.semilogy(
                [], [], color=COLORS["path"], lw=1.8, label="measured"
            )[0]
        )
        self.theory = live.animate(
            self.err_ax.semilogy(
                [], [], "--", color=COLORS["point"], lw=1.2, label="theory ρᵏ‖p₀‖"
            )[0]
        )
        # From ‖p₀‖ ≈ 4.3 (the bowl's start) to 10⁶ times closer.
        self.err_ax.set_ylim(1e-6, 1e1)
        # Decades only: 50 minor ticks would triple the cost of a rescale.
        self.err_ax.minorticks_off()
        # Every step axis κ can lead to, drawn ahead: up to 14,000 steps (κ =
        # 1000 with the cautious step), so limits up to 20,000.
        live.keep_views(
            self.err_ax,
            [((0, limit), None) for limit in _STEP_LIMITS if limit <= 20_000],
        )
        self.err_ax.set_xlabel("step k")
        self.err_ax.set_ylabel("distance to the minimum ‖pₖ − p*‖")
        self.err_ax.legend(loc="lower left")
        live.message_box(self.err_ax, "upper right")

    def draw(self, kappa: float, angle: float, rule: str) -> None:
        bowl = quadratic_bowl(kappa, math.radians(angle))
        smallest, largest = bowl.eigenvalues
        lr = 2 / (smallest + largest) if rule == self._STEP_RULES[0] else 1 / largest
        rate = contraction_factor(bowl.eigenvalues, lr)
        # Levels from the start's down to 1000 times lower: the path starts on
        # the outermost one whatever κ.
        top = float(bowl.value(np.array(bowl.start)))
        for line, level in zip(
            self.levels, np.geomspace(1e-3 * top, top, len(self.levels)), strict=True
        ):
            ellipse = level_set_ellipse(bowl.A, level)
            line.set_data(ellipse[:, 0], ellipse[:, 1])

        # Run until 10⁶ times closer (and a little beyond), however long it takes.
        needed = steps_to_shrink(rate, self._SHRINK)
        steps = max(10, math.ceil(1.05 * needed))
        path = _bowl_descent_path(bowl.A, np.array(bowl.start), lr, steps)
        # Thousands of zig-zags would fill the valley with red: the first steps
        # as a line (fewer, the more alike the steps), then every few iterates
        # as dots, an odd stride so that they fall on both sides of the valley.
        line_steps = int(np.clip(400 / kappa, 4, self._LINE_STEPS))
        first = path[: line_steps + 1]
        self.path.set_data(first[:, 0], first[:, 1])
        stride = max(1, len(path) // self._MAX_DOTS) | 1
        later = path[line_steps + stride :: stride]
        self.later.set_data(later[:, 0], later[:, 1])
        every = "every step" if stride == 1 else f"every {stride}th step"
        self.path_note.set_text(
            f"path: steps 0–{line_steps} as a line, then dots at {every}"
            if len(later)
            else ""
        )

        errors = np.maximum(np.linalg.norm(path, axis=1), 1e-300)
        k = np.arange(len(errors))
        self.error.set_data(k, errors)
        with np.errstate(under="ignore"):
            self.theory.set_data(
                k, np.maximum(errors[0] * rate ** k.astype(float), 1e-300)
            )
        self.live.fit_step_xlim(self.err_ax, steps)
        if rate < 1e-12:  # κ = 1 with the best step: one step lands on p*
            self.live.say(
                self.err_ax,
                f"κ = {kappa:.3g}: a round bowl, and η = 1/λ reaches p* in one step",
            )
            return
        hits = np.flatnonzero(errors <= errors[0] / self._SHRINK)
        measured = f"after {hits[0]:,} steps" if hits.size else "not yet"
        self.live.say(
            self.err_ax,
            f"η = {lr:.3g}, ρ = {rate:.4f} per step:\n"
            f"10⁶× closer {measured}\n(theory: at most {math.ceil(needed):,})",
        )
