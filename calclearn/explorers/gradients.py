"""Chapter 3 explorers: the directional derivative, gradient descent in 2-D,
and how ill-conditioning slows it down."""

from __future__ import annotations

import math

import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch
from matplotlib.ticker import LogLocator

from calclearn.explorers.contours import (
    ContourExplorer,
    landscape_control,
    point_sliders,
)
from calclearn.landscapes import Landscape, quadratic_bowl
from calclearn.optim import DescentRun, gradient_descent
from calclearn.plots import COLORS, step_axis_limit
from calclearn.widgets import Explorer, dropdown, int_slider, log_slider, slider

_DIRECTION_LANDSCAPES = ["Himmelblau", "Booth", "Rosenbrock", "Saddle"]
_DESCENT_LANDSCAPES = ["Quadratic bowl", "Booth", "Himmelblau", "Rosenbrock", "Beale"]


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
            loc="lower left",
            framealpha=0.85,
            frameon=True,
        )
        self.angles = np.linspace(0.0, 360.0, 361)
        self.cosine = live.animate(
            self.slope_ax.plot([], [], color=COLORS["function"])[0]
        )
        self.current = live.animate(
            self.slope_ax.plot([], [], "o", color=COLORS["secant"], ms=8, zorder=5)[0]
        )
        self.peak = live.animate(
            self.slope_ax.plot([], [], "*", color=COLORS["tangent"], ms=13, zorder=5)[0]
        )
        self.slope_ax.axhline(0.0, color=COLORS["muted"], lw=0.8)
        self.slope_ax.set_xlim(0, 360)
        self.slope_ax.set_xticks(range(0, 361, 90))
        self.slope_ax.set_xlabel("direction angle θ (degrees)")
        self.slope_ax.set_ylabel("$D_u f$")
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
        self.live.fit_ylim(self.slope_ax, -norm, norm, symmetric=True)
        self.live.say(
            self.slope_ax,
            f"D_u f = ∇f·u = {slope:.3f};   |∇f| = {norm:.3f} at θ = {peak_angle:.0f}°",
        )


def _describe_run(run: DescentRun, lr: float, largest: float) -> tuple[str, str]:
    """A sentence on the run, set against the stability bound ``2 / largest``."""
    bound = 2 / largest
    ratio = f"η = {lr:.3g} is {lr / bound:.2f} × the bound 2/λmax = {bound:.3g}"
    if run.status == "diverged":
        return (
            f"Diverged at step {run.diverged_at}: {ratio}, so the error along the "
            f"steepest direction grows by |1 − ηλmax| = {abs(1 - lr * largest):.2f} "
            "per step",
            "error",
        )
    if run.status == "stuck":
        return (
            f"Not converging: {ratio}; the iterates bounce without settling",
            "warning",
        )
    return f"{run.message}. {ratio}.", "warning" if run.zigzag else "info"


def _nearest_minimum(surface: Landscape, point: np.ndarray) -> np.ndarray:
    minima = np.array([c.point for c in surface.minima])
    return minima[np.argmin(np.linalg.norm(minima - point, axis=1))]


class GradientDescentExplorer(ContourExplorer):
    r"""Gradient descent :math:`p_{k+1} = p_k - \eta \nabla f(p_k)` on a landscape.

    Left: the path on the contours. Right: the loss gap
    :math:`f(p_k) - f(p^\ast)` on a log scale. The title states the theory for
    the Hessian at the minimum :math:`p^\ast` (exact on the quadratics, local
    elsewhere): stable for :math:`\eta < 2/\lambda_{max}`, fastest fixed step
    :math:`2/(\lambda_{min} + \lambda_{max})`. The message names what happened.
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
        self.map_ax, self.loss_ax = figure.subplots(1, 2, width_ratios=[1, 1.1])
        live = self.live
        self.path = live.animate(
            self.map_ax.plot(
                [], [], "-o", color=COLORS["path"], ms=2.5, lw=1.2, zorder=8
            )[0]
        )
        self.start = live.animate(
            self.map_ax.plot([], [], "s", color=COLORS["point"], ms=6, zorder=9)[0]
        )
        self.loss_line = live.animate(
            self.loss_ax.semilogy([], [], color=COLORS["path"], lw=1.6)[0]
        )
        self.loss_ax.set_ylim(1e-16, 1e12)
        self.loss_ax.yaxis.set_major_locator(LogLocator(numticks=8))
        self.loss_ax.minorticks_off()
        self.loss_ax.set_xlabel("step k")
        self.loss_ax.set_ylabel("f(pₖ) − f(p*)")
        live.message_box(self.loss_ax, "upper right")
        self._theory_shown = None

    def _show_theory(self, surface: Landscape, minimum: np.ndarray) -> float:
        smallest, largest = np.linalg.eigvalsh(surface.hessian(minimum))
        key = (surface.name, tuple(minimum))
        if self._theory_shown != key:
            self.loss_ax.set_title(
                f"at p* = ({minimum[0]:.3g}, {minimum[1]:.3g}): stable for η < "
                f"{2 / largest:.4g}, best η = {2 / (smallest + largest):.4g}",
                fontsize=9.5,
            )
            self._theory_shown = key
            self.live.invalidate(self.loss_ax)
        return float(largest)

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
        largest = self._show_theory(surface, minimum)

        self.path.set_data(run.path[:, 0], run.path[:, 1])
        self.start.set_data([start[0]], [start[1]])
        gaps = np.maximum(run.losses - float(surface.value(minimum)), 1e-16)
        self.loss_line.set_data(np.arange(len(gaps)), gaps)
        limit = step_axis_limit(steps)
        if self.loss_ax.get_xlim() != (0, limit):
            self.loss_ax.set_xlim(0, limit)
            self.live.invalidate(self.loss_ax)
        self.live.say(self.loss_ax, *_describe_run(run, lr, largest))


class ConditioningExplorer(Explorer):
    r"""Gradient descent on a quadratic bowl whose condition number you choose.

    With eigenvalues :math:`\lambda_{min} = 1` and :math:`\lambda_{max} = \kappa`
    and the best fixed step :math:`\eta = 2/(\lambda_{min} + \lambda_{max})`,
    the error shrinks by :math:`(\kappa - 1)/(\kappa + 1)` per step, so the
    number of steps to gain a factor :math:`10^6` grows like
    :math:`\tfrac{\kappa}{2} \ln 10^6`. Left: the level sets and the zig-zag
    path. Right: :math:`\|p_k - p^\ast\|` against the theory's straight line.
    """

    caption = (
        "Stretch the bowl with κ: with the best step the path zig-zags more, and "
        "the error shrinks by (κ − 1)/(κ + 1) per step, as the dashed theory line says."
    )
    width, height = 8.8, 4.3
    _STEPS = 500
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
        self.map_ax.plot([0], [0], "*", color="#f5c518", mec="black", ms=13, zorder=6)
        self.map_ax.set_xlim(-5, 5)
        self.map_ax.set_ylim(-5, 5)
        self.map_ax.set_aspect("equal", adjustable="box")
        self.map_ax.set_xlabel("x")
        self.map_ax.set_ylabel("y")
        self.map_ax.set_title("level sets of ½ pᵀAp, λ = 1 and κ", fontsize=10)
        self.error = live.animate(
            self.err_ax.semilogy(
                [], [], color=COLORS["path"], lw=1.8, label="measured"
            )[0]
        )
        self.theory = live.animate(
            self.err_ax.semilogy(
                [], [], "--", color=COLORS["point"], lw=1.2, label="theory"
            )[0]
        )
        self.err_ax.set_xlim(0, self._STEPS)
        self.err_ax.set_ylim(1e-9, 1e2)
        self.err_ax.set_xlabel("step k")
        self.err_ax.set_ylabel("‖pₖ − p*‖")
        self.err_ax.legend(loc="upper right")
        live.message_box(self.err_ax, "lower left")

    def draw(self, kappa: float, angle: float, rule: str) -> None:
        bowl = quadratic_bowl(kappa, math.radians(angle))
        smallest, largest = bowl.eigenvalues
        lr = 2 / (smallest + largest) if rule == self._STEP_RULES[0] else 1 / largest
        rate = max(abs(1 - lr * smallest), abs(1 - lr * largest))

        # Level sets f = c are ellipses with semi-axes sqrt(2c / λ) along the
        # eigenvectors: drawn as lines, they move without a new background.
        t = np.linspace(0, 2 * np.pi, 90)
        shallow = np.array(
            [math.cos(math.radians(angle)), math.sin(math.radians(angle))]
        )
        steep = np.array([-shallow[1], shallow[0]])
        for line, level in zip(self.levels, np.geomspace(0.05, 12.0, 8), strict=True):
            ellipse = (
                np.sqrt(2 * level / smallest) * np.cos(t)[:, None] * shallow
                + np.sqrt(2 * level / largest) * np.sin(t)[:, None] * steep
            )
            line.set_data(ellipse[:, 0], ellipse[:, 1])

        run = gradient_descent(
            bowl.value, bowl.gradient, np.array(bowl.start), lr, self._STEPS, tol=0.0
        )
        self.path.set_data(run.path[:, 0], run.path[:, 1])
        errors = np.maximum(np.linalg.norm(run.path, axis=1), 1e-300)
        steps = np.arange(len(errors))
        self.error.set_data(steps, errors)
        self.theory.set_data(steps, np.maximum(errors[0] * rate**steps, 1e-300))
        if rate < 1e-12:  # κ = 1 with the best step: one step lands on p*
            self.live.say(
                self.err_ax,
                f"κ = {kappa:.3g}: a round bowl, and η = 1/λ reaches p* in one step",
            )
            return
        # Over steps 1 to 11: after step 1 the cautious rule has removed the
        # steep component, and both rules still are far from underflow.
        measured = (errors[11] / errors[1]) ** 0.1
        needed = math.log(1e-6) / math.log(rate)
        self.live.say(
            self.err_ax,
            f"η = {lr:.3g}: error × {measured:.4f} per step (theory {rate:.4f});\n"
            f"10⁶× smaller in ≈ {needed:.0f} steps",
        )
