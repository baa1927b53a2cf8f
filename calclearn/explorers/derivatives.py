"""Chapter 1 explorers: the secant becoming the tangent, the best step size,
and the learning rate of gradient descent in one dimension."""

from __future__ import annotations

import math

import numpy as np
from matplotlib.figure import Figure

from calclearn.curves import CURVES
from calclearn.differentiation import step_size_errors
from calclearn.optim import gradient_descent
from calclearn.plots import COLORS, step_axis_limit
from calclearn.widgets import Explorer, dropdown, int_slider, log_slider, slider

_SECANT_CURVES = ["sin x", "cubic x³ − 2x", "exponential eˣ"]
_DESCENT_CURVES = ["bowl 2x²", "double well (x² − 1)²", "log-cosh log cosh 2x"]


def _curve_limits(
    curve, headroom: float = 0.08
) -> tuple[np.ndarray, np.ndarray, tuple[float, float]]:
    """Sample ``curve`` over its window; y-limits with room above for a message."""
    xs = np.linspace(*curve.window, 400)
    ys = curve.f(xs)
    span = ys.max() - ys.min()
    return xs, ys, (ys.min() - 0.08 * span, ys.max() + headroom * span)


class SecantExplorer(Explorer):
    r"""Move ``x`` and shrink ``h``: the secant through :math:`(x, f(x))` and
    :math:`(x+h, f(x+h))` turns into the tangent, and its slope
    :math:`(f(x+h)-f(x))/h` into :math:`f'(x)`.

    Left: the curve, the secant, the tangent. Right: the error of the secant
    slope against ``h`` on log-log axes, with the current ``h`` marked.
    """

    caption = (
        "Shrink h and watch the orange secant turn into the green tangent; "
        "move x to see the slope change along the curve."
    )
    width, height = 8.4, 3.9

    def make_controls(self):
        return {
            "curve": dropdown("function", _SECANT_CURVES, "sin x"),
            "x": slider("x", 0.6, -1.5, 1.5, 0.01),
            "h": log_slider("h", 0.8, -3, 0),
        }

    def build(self, figure: Figure) -> None:
        live = self.live
        self.ax, self.err_ax = figure.subplots(1, 2, width_ratios=[1.45, 1])
        (self.curve_line,) = self.ax.plot([], [], color=COLORS["function"])
        self.secant = live.animate(
            self.ax.plot([], [], color=COLORS["secant"], label="secant")[0]
        )
        self.tangent = live.animate(
            self.ax.plot(
                [], [], "--", color=COLORS["tangent"], lw=1.6, label="tangent"
            )[0]
        )
        self.rise_run = live.animate(
            self.ax.plot([], [], ":", color=COLORS["secant"], lw=1.2)[0]
        )
        self.points = live.animate(
            self.ax.plot([], [], "o", color=COLORS["point"], ms=5, zorder=5)[0]
        )
        self.ax.legend(loc="lower right")
        self.ax.set_xlabel("x")

        hs = np.logspace(-3, 0, 61)
        self.hs = hs
        self.err_line = live.animate(
            self.err_ax.loglog(hs, hs, color=COLORS["secant"])[0]
        )
        self.err_dot = live.animate(
            self.err_ax.loglog([], [], "o", color=COLORS["point"], ms=6)[0]
        )
        self.err_ax.set_xlabel("step h")
        self.err_ax.set_ylabel("|secant slope − f′(x)|")
        self.err_ax.set_title("error ≈ (h/2)|f″(x)|: it falls like h", fontsize=10)
        live.message_box(
            self.err_ax, "upper left"
        )  # the line runs low-left to up-right
        self.err_ax.set_xlim(hs[0], hs[-1])
        self.err_ax.set_ylim(1e-9, 1e1)  # fixed, so moving a slider never re-lays axes
        self._curve_name = None

    def draw(self, curve: str, x: float, h: float) -> None:
        c = CURVES[curve]
        if curve != self._curve_name:
            xs, ys, ylim = _curve_limits(c, headroom=0.3)
            self.curve_line.set_data(xs, ys)
            self.ax.set_xlim(*c.window)
            self.ax.set_ylim(*ylim)
            self.ax.set_title(f"f(x) = ${c.latex()}$")
            self._curve_name = curve
            self.live.invalidate(self.ax)
        fx, fxh = float(c.f(x)), float(c.f(x + h))
        slope, exact = (fxh - fx) / h, float(c.df(x))
        span = np.array(c.window)
        self.secant.set_data(span, fx + slope * (span - x))
        self.tangent.set_data(span, fx + exact * (span - x))
        self.rise_run.set_data([x, x + h, x + h], [fx, fx, fxh])
        self.points.set_data([x, x + h], [fx, fxh])

        errors = np.abs((c.f(x + self.hs) - fx) / self.hs - exact)
        self.err_line.set_data(self.hs, np.maximum(errors, 1e-16))
        error = abs(slope - exact)
        self.err_dot.set_data([h], [max(error, 1e-16)])
        self.live.say(
            self.err_ax,
            f"secant slope {slope:.5f}\nf′(x) = {exact:.5f}\nerror {error:.1e}",
        )


class StepSizeExplorer(Explorer):
    r"""The error of forward, central and complex-step derivatives against ``h``.

    Truncation error falls like :math:`h^p` as ``h`` shrinks, round-off error
    :math:`\approx \varepsilon |f| / h` rises: the best step sits near
    :math:`\sqrt{\varepsilon}` (forward) or :math:`\sqrt[3]{\varepsilon}`
    (central). Switch to float32 to see :math:`\varepsilon` jump from
    :math:`2.2 \times 10^{-16}` to :math:`1.2 \times 10^{-7}`.
    """

    caption = (
        "Switch precision between float64 and float32, change the function or "
        "the point: the V-shaped curves keep their best step near √ε and ∛ε."
    )
    width, height = 7.4, 4.4
    _METHODS = (
        ("forward", COLORS["secant"], "forward  O(h)"),
        ("central", COLORS["function"], "central  O(h²)"),
        ("complex", COLORS["tangent"], "complex step  O(h²) (error 0 drawn at 10⁻¹⁷)"),
    )

    def make_controls(self):
        return {
            "curve": dropdown("function", _SECANT_CURVES, "sin x"),
            "x": slider("x", 1.0, -1.5, 1.5, 0.05),
            "precision": dropdown("precision", ["float64", "float32"], "float64"),
        }

    def build(self, figure: Figure) -> None:
        self.ax = figure.add_subplot()
        self.hs = np.logspace(-16, 0, 161)
        self.lines = {}
        self.best = {}
        for method, color, label in self._METHODS:
            self.lines[method] = self.live.animate(
                self.ax.loglog([], [], color=color, lw=1.6, label=label)[0]
            )
            self.best[method] = self.live.animate(
                self.ax.loglog([], [], "o", color=color, ms=7, mec="white")[0]
            )
        # The rules of thumb change only with the precision: static artists.
        self.rules = {
            name: (
                self.ax.axvline(1.0, color=COLORS["muted"], ls=":", lw=1.2),
                self.ax.text(
                    1.0,
                    0.97,
                    "",
                    transform=self.ax.get_xaxis_transform(),
                    rotation=90,
                    ha="right",
                    va="top",
                    fontsize=8.5,
                    color=COLORS["muted"],
                ),
            )
            for name in ("√ε", "∛ε")
        }
        self.ax.set_xlim(self.hs[0], self.hs[-1])
        self.ax.set_ylim(1e-17, 1e2)
        self.ax.minorticks_off()  # 8 minor ticks a decade over 17 decades is noise
        self.ax.set_xlabel("step h")
        self.ax.set_ylabel("absolute error of f′(x)")
        self.ax.legend(loc="lower left", bbox_to_anchor=(0.0, 0.08))
        self.live.message_box(self.ax, "lower right")
        self._shown = None

    def draw(self, curve: str, x: float, precision: str) -> None:
        c = CURVES[curve]
        dtype = np.float32 if precision == "float32" else np.float64
        eps = np.finfo(dtype).eps
        if self._shown != (curve, precision):
            for name, value in (("√ε", eps**0.5), ("∛ε", eps ** (1 / 3))):
                line, label = self.rules[name]
                line.set_xdata([value, value])
                label.set_x(value)
                label.set_text(f"{name} = {value:.1e}")
            self.ax.set_title(f"f(x) = ${c.latex()}$ in {precision} (ε = {eps:.1e})")
            self._shown = (curve, precision)
            self.live.invalidate(self.ax)
        exact = float(c.df(x))
        f = c.f if dtype is np.float64 else (lambda t: c.f(t).astype(t.dtype))
        summary = [f"x = {x:g}:"]
        for method, _, _ in self._METHODS:
            errors = step_size_errors(f, exact, x, self.hs, method, dtype)
            shown = np.clip(errors, 1e-17, 1e2)  # exact zeros drawn at the floor
            self.lines[method].set_data(self.hs, shown)
            i = int(np.argmin(errors[: len(self.hs) - 10]))  # ignore huge h
            self.best[method].set_data([self.hs[i]], [shown[i]])
            if method != "complex":
                summary.append(f"{method} best h ≈ {self.hs[i]:.0e}")
        self.live.say(self.ax, "   ".join(summary))


class LearningRateExplorer(Explorer):
    r"""Gradient descent :math:`x_{k+1} = x_k - \eta f'(x_k)` on a curve.

    Near a minimum :math:`x^*` the error obeys
    :math:`x_{k+1} - x^* \approx (1 - \eta f''(x^*))(x_k - x^*)`: it shrinks
    steadily for :math:`\eta < 1/f''`, shrinks while flipping side for
    :math:`1/f'' < \eta < 2/f''`, and grows for :math:`\eta > 2/f''`. The strip
    under the plots shows these three zones and where the chosen rate sits.
    """

    caption = (
        "Raise the learning rate step by step: smooth descent, then oscillation, "
        "then divergence once it crosses 2/f″(x*)."
    )
    width, height = 8.6, 4.8
    _LR_MAX = 0.7
    _STEPS_MAX = 100

    def make_controls(self):
        return {
            "curve": dropdown("loss", _DESCENT_CURVES, "bowl 2x²"),
            "lr": slider("learning rate", 0.1, 0.005, self._LR_MAX, 0.005),
            "x0": slider("start x₀", 1.2, -1.6, 1.6, 0.02),
            "steps": int_slider("steps", 30, 1, self._STEPS_MAX),
        }

    def build(self, figure: Figure) -> None:
        grid = figure.add_gridspec(2, 2, height_ratios=[5, 1], width_ratios=[1.3, 1])
        self.ax = figure.add_subplot(grid[0, 0])
        self.err_ax = figure.add_subplot(grid[0, 1])
        self.lr_ax = figure.add_subplot(grid[1, :])
        live = self.live
        (self.curve_line,) = self.ax.plot([], [], color=COLORS["function"])
        self.path = live.animate(
            self.ax.plot(
                [], [], "-o", color=COLORS["path"], ms=3.5, lw=1.0, alpha=0.85
            )[0]
        )
        self.start = live.animate(
            self.ax.plot([], [], "s", color=COLORS["point"], ms=6, zorder=5)[0]
        )
        self.ax.set_xlabel("x")
        live.message_box(self.ax)

        self.err_line = live.animate(
            self.err_ax.semilogy([], [], "-o", color=COLORS["path"], ms=2.5, lw=1.2)[0]
        )
        self.err_ax.set_ylim(1e-17, 1e7)  # room for convergence and blow-up alike
        self.err_ax.minorticks_off()
        self.err_ax.set_xlabel("step k")
        self.err_ax.set_ylabel("|xₖ − x*|")

        self.zones = [
            self.lr_ax.axvspan(0, 1, color=COLORS[name], lw=0)
            for name in ("stable", "oscillating", "unstable")
        ]
        self.zone_labels = [
            self.lr_ax.text(0, 0.5, text, ha="center", va="center", fontsize=8.5)
            for text in ("smooth", "oscillates", "unstable at x*")
        ]
        self.lr_marker = live.animate(
            self.lr_ax.axvline(0.1, color=COLORS["point"], lw=2.5)
        )
        self.lr_ax.set_xlim(0, self._LR_MAX)
        self.lr_ax.set_yticks([])
        self.lr_ax.grid(False)
        self.lr_ax.set_xlabel("learning rate η")
        self._shown = None

    def _show_curve(self, name: str, curvature: float) -> None:
        c = CURVES[name]
        xs, ys, ylim = _curve_limits(c, headroom=0.45)
        self.curve_line.set_data(xs, ys)
        self.ax.set_xlim(*c.window)
        self.ax.set_ylim(*ylim)
        self.ax.set_title(f"loss f(x) = ${c.latex()}$")
        bounds = [0.0, 1 / curvature, 2 / curvature, self._LR_MAX]
        for zone, label, low, high in zip(
            self.zones, self.zone_labels, bounds[:-1], bounds[1:], strict=True
        ):
            zone.set_x(low)
            zone.set_width(max(min(high, self._LR_MAX) - low, 0.0))
            label.set_x((low + min(high, self._LR_MAX)) / 2)
        self.lr_ax.set_title(
            f"stable while η < 2/f″(x*) = {2 / curvature:.3g};  "
            f"best η = 1/f″(x*) = {1 / curvature:.3g}",
            fontsize=9.5,
        )
        self.live.invalidate(self.ax)
        self.live.invalidate(self.lr_ax)

    def _explain(self, run, lr: float, curvature: float, target: float):
        """The message for ``run``, in terms of the factor 1 − η f″(x*)."""
        factor = 1 - lr * curvature
        bound = f"2/f″(x*) = {2 / curvature:.3g}"
        if run.status == "diverged":
            return (
                f"Diverged at step {run.diverged_at}: η = {lr:.3g} > {bound}, so "
                f"each step multiplies the error by |1 − η f″| = {abs(factor):.2f} > 1"
            ), "error"
        if math.isclose(factor, -1.0, abs_tol=1e-9):
            return (
                f"On the edge: η = {bound} exactly, so the factor 1 − η f″ is −1 "
                "and the iterates bounce between two points forever"
            ), "warning"
        if run.status == "stuck":
            return (
                f"Not converging: η = {lr:.3g} > {bound} makes x* repel, but far "
                "from x* the slope |f′| is bounded, so the iterates bounce between "
                "two points instead of blowing up"
            ), "warning"
        return (
            f"{run.message}: error × {factor:+.2f} per step near x* = {target:.3g}",
            "warning" if run.zigzag else "info",
        )

    def draw(self, curve: str, lr: float, x0: float, steps: int) -> None:
        c = CURVES[curve]
        x0 = float(np.clip(x0, *c.window))
        run = gradient_descent(c.f, c.df, x0, lr, steps)
        # The minimum the run heads for (for a diverged run, the one it left).
        end = x0 if run.status == "diverged" else float(run.path[-1])
        target = float(c.minima[np.argmin(np.abs(c.minima - end))])
        curvature = float(c.d2f(target))
        if self._shown != (curve, curvature):
            self._show_curve(curve, curvature)
            self._shown = (curve, curvature)
        limit = step_axis_limit(steps)
        if self.err_ax.get_xlim() != (0, limit):
            self.err_ax.set_xlim(0, limit)
            self.live.invalidate(self.err_ax)
        self.path.set_data(run.path, run.losses)
        self.start.set_data([x0], [float(c.f(x0))])
        gaps = np.maximum(np.abs(run.path - target), 1e-16)
        self.err_line.set_data(np.arange(len(gaps)), gaps)
        self.lr_marker.set_xdata([lr, lr])
        self.live.say(self.ax, *self._explain(run, lr, curvature, target))
