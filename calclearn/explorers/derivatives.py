"""Chapter 1 explorers: the secant becoming the tangent, the best step size,
and the learning rate of gradient descent in one dimension."""

from __future__ import annotations

import math

import numpy as np
from matplotlib.figure import Figure

from calclearn.curves import CURVES
from calclearn.differentiation import derivative, step_size_errors
from calclearn.optim import gradient_descent
from calclearn.plots import COLORS
from calclearn.widgets import Explorer, dropdown, int_slider, log_slider, slider

_SECANT_CURVES = ["sin x", "cubic x³ − 2x", "exponential eˣ"]
_DESCENT_CURVES = ["bowl 2x²", "double well (x² − 1)²", "log-cosh log cosh 2x"]


def _curve_limits(
    curve, headroom: float = 0.08, window: tuple[float, float] | None = None
) -> tuple[np.ndarray, np.ndarray, tuple[float, float]]:
    """Sample ``curve`` over ``window`` (default: its own); y-limits with room
    above for a message."""
    xs = np.linspace(*(curve.window if window is None else window), 400)
    ys = curve.f(xs)
    span = ys.max() - ys.min()
    return xs, ys, (ys.min() - 0.08 * span, ys.max() + headroom * span)


def secant_error_law(
    f2: float, f3: float, h_min: float = 1e-3, h_max: float = 1.0
) -> tuple[str, int | None]:
    r"""How the secant slope's error falls with ``h`` over ``[h_min, h_max]``.

    Taylor's expansion gives the error of the forward difference,

    .. math:: \frac{f(x+h) - f(x)}{h} - f'(x)
              = \frac{h}{2} f''(x) + \frac{h^2}{6} f'''(x) + O(h^3),

    so it falls like :math:`h` (slope 1 on log-log axes) unless
    :math:`f''(x) = 0`, and then like :math:`h^2` (slope 2). The two terms
    are equal at :math:`h_c = 3|f''|/|f'''|`: the first term rules below
    :math:`h_c`, the second above.

    Parameters
    ----------
    f2, f3 : float
        :math:`f''(x)` and :math:`f'''(x)`.
    h_min, h_max : float
        The range of steps shown.

    Returns
    -------
    title : str
        Two lines naming the term that rules and the slope it gives. It
        depends on the case only, not on the numbers, so that it changes
        rarely as ``x`` moves (a new title costs a redraw).
    slope : int or None
        1 or 2 when one term rules over the whole range, None when the
        crossover :math:`h_c` lies inside it.

    Examples
    --------
    >>> secant_error_law(0.0, 6.0)[1]  # the cubic x³ − 2x at x = 0
    2
    >>> secant_error_law(1.0, 1.0)[1]  # eˣ at x = 0
    1
    """
    if f2 == 0 and f3 == 0:
        return "f″(x) = f‴(x) = 0: the error\nfalls faster than h²", None
    if f3 == 0 or 3 * abs(f2) >= h_max * abs(f3):
        return "f″(x) ≠ 0: error ≈ (h/2)|f″(x)|\nfalls like h: slope 1", 1
    if 3 * abs(f2) <= h_min * abs(f3):
        f2_is = "= 0" if f2 == 0 else "≈ 0"
        return f"f″(x) {f2_is}: error ≈ (h²/6)|f‴(x)|\nfalls like h²: slope 2", 2
    return (
        "error ≈ |(h/2) f″(x) + (h²/6) f‴(x)|\nslope 1 for small h, 2 for larger h"
    ), None


class SecantExplorer(Explorer):
    r"""Move ``x`` and shrink ``h``: the secant through :math:`(x, f(x))` and
    :math:`(x+h, f(x+h))` turns into the tangent, and its slope
    :math:`(f(x+h)-f(x))/h` into :math:`f'(x)`.

    Left: the curve, the secant, the tangent (the view widens when
    :math:`x + h` runs past the curve's window). Right: the error of the secant
    slope against ``h`` on log-log axes, with the current ``h`` marked, on a
    pale band of Taylor's prediction :math:`|\tfrac{h}{2} f'' + \tfrac{h^2}{6}
    f'''|`; the title names the term that rules here (see
    :func:`secant_error_law`).
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
            "h": log_slider("step h", 0.8, -3, 0),
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
        # A wide pale band under the measured line: where they agree, the
        # measured line runs inside the band.
        self.err_taylor = live.animate(
            self.err_ax.loglog(
                [], [], color=COLORS["muted"], lw=5, alpha=0.35, label="Taylor's terms"
            )[0]
        )
        self.err_line = live.animate(
            self.err_ax.loglog(hs, hs, color=COLORS["secant"])[0]
        )
        self.err_dot = live.animate(
            self.err_ax.loglog([], [], "o", color=COLORS["point"], ms=6)[0]
        )
        self.err_line.set_label("measured")
        self.err_ax.legend(loc="lower right", fontsize=8.5)
        self.err_ax.set_xlabel("step h")
        self.err_ax.set_ylabel("|secant slope − f′(x)|")
        # Two lines always, so a change of case never needs a new layout.
        self.err_ax.set_title("\n", fontsize=10)
        live.message_box(
            self.err_ax, "upper left"
        )  # the line runs low-left to up-right
        self.err_ax.set_xlim(hs[0], hs[-1])
        # Fixed, so moving a slider never re-lays the axes: the errors lie in
        # 1e-7 .. 1e1, the decades above hold the message box.
        self.err_ax.set_ylim(1e-8, 1e4)
        self._curve_name = None
        self._view = None
        self._law = None

    def draw(self, curve: str, x: float, h: float) -> None:
        c = CURVES[curve]
        # Widen the view (in steps of 0.25) when x + h runs past the window,
        # so the secant's second point is never off the picture.
        a, b = c.window
        view = (a, max(b, math.ceil((x + h) * 4 + 0.5) / 4))
        if (curve, view) != (self._curve_name, self._view):
            xs, ys, ylim = _curve_limits(c, headroom=0.3, window=view)
            self.curve_line.set_data(xs, ys)
            self.ax.set_xlim(*view)
            self.ax.set_ylim(*ylim)
            self.ax.set_title(f"f(x) = ${c.latex()}$")
            self._curve_name, self._view = curve, view
            self.live.invalidate(self.ax, key=(curve, view))
        fx, fxh = float(c.f(x)), float(c.f(x + h))
        slope, exact = (fxh - fx) / h, float(c.df(x))
        f2 = float(c.d2f(x))
        f3 = float(derivative(c.d2f, x, method="complex"))  # exact: f'' is compiled
        title, law = secant_error_law(f2, f3, self.hs[0], self.hs[-1])
        if title != self._law:
            self.err_ax.set_title(title, fontsize=10)
            self._law = title
            self.live.invalidate(self.err_ax, key=title)
        span = np.array(view)
        self.secant.set_data(span, fx + slope * (span - x))
        self.tangent.set_data(span, fx + exact * (span - x))
        self.rise_run.set_data([x, x + h, x + h], [fx, fx, fxh])
        self.points.set_data([x, x + h], [fx, fxh])

        errors = np.abs((c.f(x + self.hs) - fx) / self.hs - exact)
        self.err_line.set_data(self.hs, np.maximum(errors, 1e-16))
        taylor = np.abs(self.hs / 2 * f2 + self.hs**2 / 6 * f3)
        self.err_taylor.set_data(self.hs, np.maximum(taylor, 1e-16))
        error = abs(slope - exact)
        self.err_dot.set_data([h], [max(error, 1e-16)])
        lines = [
            f"secant slope {slope:.5f}",
            f"f′(x) = {exact:.5f}",
            f"error {error:.1e}",
            f"f″(x) = {f2 + 0.0:.3g}",  # no "-0"
        ]
        if law is None and f3 != 0:  # both terms show: where they are equal
            lines.append(f"the terms are equal at h ≈ {3 * abs(f2 / f3):.2g}")
        self.live.say(self.err_ax, "\n".join(lines))


class StepSizeExplorer(Explorer):
    r"""The error of forward, central and complex-step derivatives against ``h``.

    Truncation error falls like :math:`h^p` as ``h`` shrinks, round-off error
    :math:`\approx \varepsilon |f| / h` rises: the best step sits near
    :math:`\sqrt{\varepsilon}` (forward) or :math:`\sqrt[3]{\varepsilon}`
    (central). Switch to float32 to see :math:`\varepsilon` jump from
    :math:`2.2 \times 10^{-16}` to :math:`1.2 \times 10^{-7}`.

    The error axis is fitted to the errors of the function and precision over
    the whole ``x`` slider; errors of 0 (or below the bottom line) are drawn on
    the bottom line, labelled "≤". The rules of thumb are named above the plot.
    """

    caption = (
        "Switch precision between float64 and float32, change the function or "
        "the point: the V-shaped curves keep their best step near √ε and ∛ε."
    )
    width, height = 7.4, 4.4
    # Each function and precision drawn ahead: a choice then costs a restore.
    prerender = ("curve", "precision")
    _METHODS = (
        ("forward", COLORS["secant"], "forward  O(h)"),
        ("central", COLORS["function"], "central  O(h²)"),
        ("complex", COLORS["tangent"], "complex step  O(h²)"),
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
        # The rules of thumb change only with the precision: static artists,
        # named on a second h-axis above the plot, where no curve runs.
        self.rules = {
            name: self.ax.axvline(1.0, color=COLORS["muted"], ls=":", lw=1.2)
            for name in ("√ε", "∛ε")
        }
        self.rule_axis = self.ax.secondary_xaxis("top")
        self.rule_axis.tick_params(labelsize=10, labelcolor=COLORS["muted"])
        self.ax.set_xlim(self.hs[0], self.hs[-1])
        self.ax.minorticks_off()  # 8 minor ticks a decade over 17 decades is noise
        self.ax.set_xlabel("step h")
        self.ax.set_ylabel("absolute error of f′(x)")
        # Below the plot: inside, every corner holds a curve at some setting.
        figure.legend(loc="outside lower center", ncols=3)
        self.live.message_box(self.ax, "upper left")
        self._shown = None
        self._floor = 1e-17

    def _fit_error_axis(self, f, exact, dtype) -> None:
        """Fit the error axis to the errors over the whole x slider.

        Limits that depend on the function and precision only, so moving x
        never rescales. Errors at or below the floor (exact zeros among them)
        are drawn on the bottom line, labelled with a ≤.
        """
        x_control = self.controls["x"]
        errors = np.concatenate(
            [
                step_size_errors(f, exact(t), t, self.hs, method, dtype)
                for t in np.linspace(x_control.min, x_control.max, 13)
                for method, _, _ in self._METHODS
            ]
        )
        positive = errors[errors > 0]
        # Round-off makes errors below eps/100 rare, except where f(x) = 0.
        eps_decade = math.floor(math.log10(np.finfo(dtype).eps))
        low = max(math.floor(math.log10(positive.min())), eps_decade - 2)
        high = math.ceil(math.log10(errors.max()))
        floor = low - 1
        self._floor = 10.0**floor
        # The top quarter is left free for the message box.
        self.ax.set_ylim(10 ** (floor - 0.4), 10 ** (high + (high - floor) / 3))
        stride = max(1, math.ceil((high - low) / 6))
        # Labelled decades down from the top, none crowding the floor's label.
        decades = list(range(high, floor + stride - 1, -stride))[::-1]
        self.ax.set_yticks(
            [self._floor] + [10.0**k for k in decades],
            [f"≤ $10^{{{floor}}}$"] + [f"$10^{{{k}}}$" for k in decades],
        )
        self.ax.minorticks_off()

    def draw(self, curve: str, x: float, precision: str) -> None:
        c = CURVES[curve]
        dtype = np.float32 if precision == "float32" else np.float64
        eps = np.finfo(dtype).eps
        f = c.f if dtype is np.float64 else (lambda t: c.f(t).astype(t.dtype))
        rules = {"√ε": eps**0.5, "∛ε": eps ** (1 / 3)}
        if self._shown != (curve, precision):
            for name, value in rules.items():
                self.rules[name].set_xdata([value, value])
            self.rule_axis.set_xticks(list(rules.values()), list(rules))
            self.rule_axis.minorticks_off()
            self._fit_error_axis(f, lambda t: float(c.df(t)), dtype)
            self.ax.set_title(f"f(x) = ${c.latex()}$ in {precision} (ε = {eps:.1e})")
            self._shown = (curve, precision)
            self.live.invalidate(self.ax, key=self._shown)
        exact = float(c.df(x))
        best = {}
        for method, _, _ in self._METHODS:
            errors = step_size_errors(f, exact, x, self.hs, method, dtype)
            shown = np.clip(errors, self._floor, None)  # zeros on the floor line
            self.lines[method].set_data(self.hs, shown)
            i = int(np.argmin(errors[: len(self.hs) - 10]))  # ignore huge h
            self.best[method].set_data([self.hs[i]], [shown[i]])
            best[method] = self.hs[i]
        lines = [
            f"best h at x = {x:g}: forward ≈ {best['forward']:.0e}, "
            f"central ≈ {best['central']:.0e}",
            f"rules of thumb: √ε = {rules['√ε']:.1e}, ∛ε = {rules['∛ε']:.1e}",
        ]
        scale = max(1.0, abs(exact))
        if abs(float(c.f(x))) <= 1e-12 * scale:
            lines.append(
                "f(x) = 0 here, so the round-off ε|f(x)|/h vanishes: "
                "the errors keep falling as h shrinks"
            )
        if abs(float(c.d2f(x))) <= 1e-12 * scale:
            lines.append("f″(x) = 0 here, so forward falls like h², as central does")
        self.live.say(self.ax, "\n".join(lines))


class LearningRateExplorer(Explorer):
    r"""Gradient descent :math:`x_{k+1} = x_k - \eta f'(x_k)` on a curve.

    Near a minimum :math:`x^*` the error obeys
    :math:`x_{k+1} - x^* \approx (1 - \eta f''(x^*))(x_k - x^*)`: it shrinks
    steadily for :math:`\eta < 1/f''`, shrinks while flipping side for
    :math:`1/f'' < \eta < 2/f''`, and grows for :math:`\eta > 2/f''`. The strip
    under the plots shows these three zones and where the chosen rate sits.

    A start on a maximum (the double well's :math:`x_0 = 0`) is a stationary
    point too: the run never moves, and the message says so rather than
    calling it converged. The distance axis is fitted to each run.
    """

    caption = (
        "Raise the learning rate step by step: smooth descent, then oscillation, "
        "then divergence once it crosses 2/f″(x*)."
    )
    width, height = 8.6, 4.8
    _LR_MAX = 0.7
    _LR_VIEW = 0.71
    _STEPS_MAX = 100

    def make_controls(self):
        return {
            "curve": dropdown("loss", _DESCENT_CURVES, "bowl 2x²"),
            "lr": slider("learning rate η", 0.1, 0.005, self._LR_MAX, 0.005),
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
        live.message_box(self.err_ax)  # for a run without a minimum to measure to
        self._gap_decades = (-1, 1)  # fitted to each run by _fit_gap_axis
        self.err_ax.set_ylim(10**-1.3, 10**1.3)
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
        self.lr_ax.set_xlim(0, self._LR_VIEW)  # the marker at the end stays whole
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
        bounds = [0.0, 1 / curvature, 2 / curvature, self._LR_VIEW]
        for zone, label, low, high in zip(
            self.zones, self.zone_labels, bounds[:-1], bounds[1:], strict=True
        ):
            zone.set_x(low)
            zone.set_width(max(min(high, self._LR_VIEW) - low, 0.0))
            label.set_x((low + min(high, self._LR_VIEW)) / 2)
        self.lr_ax.set_title(
            f"stable while η < 2/f″(x*) = {2 / curvature:.3g};  "
            f"best η = 1/f″(x*) = {1 / curvature:.3g}",
            fontsize=9.5,
        )
        self.live.invalidate(self.ax, key=(name, curvature))
        self.live.invalidate(self.lr_ax, key=(name, curvature))

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
        repels = (
            f"η = {lr:.3g} > {bound}, so x* repels: near it each step multiplies "
            f"the error by |1 − η f″| = {abs(factor):.2f} > 1"
        )
        if run.status == "unstable":  # the zig-zag grows, not yet past blow-up
            return (
                f"Unstable: {repels}. After {run.steps} steps the zig-zag is still "
                "growing; with more steps it blows up or ends bouncing between points"
            ), "error"
        if run.status != "converged" and abs(factor) > 1:
            # What the run shows beyond the local factor: still moving away
            # (the later half strays further than the earlier), too short to
            # tell, or bounded.
            gaps = np.abs(run.path - target)
            half = len(gaps) // 2
            if gaps[half:].max() > 1.5 * gaps[:half].max():
                return (
                    f"Moving away: {repels}. After {run.steps} "
                    f"step{'' if run.steps == 1 else 's'} |xₖ − x*| has "
                    f"grown from {gaps[0]:.2g} to {gaps[-1]:.2g}; raise the steps to "
                    "see whether it blows up or stays bounded"
                ), "warning"
            if run.steps < 10:
                return (
                    f"Not converging: {repels}. {run.steps} steps are too few to "
                    "show where the run ends: raise the steps"
                ), "warning"
            return (
                f"Not converging: {repels}. Far from x* the steps η f′ do not grow "
                "fast enough to blow up, so the iterates stay bounded and bounce "
                "without settling"
            ), "warning"
        if run.status == "converged" and run.steps == 0:
            return (
                f"x₀ = {run.path[0] + 0.0:.3g} is already the minimum x*: "
                "f′(x₀) = 0, so gradient descent has nothing to do"
            ), "info"
        return (
            f"{run.message}: error × {factor:+.2f} per step near x* = {target:.3g}",
            "warning" if run.zigzag else "info",
        )

    @staticmethod
    def _explain_maximum(run, curvature: float, minima: np.ndarray):
        """The message for a run that stopped on a maximum, where f′ = 0 too."""
        end = float(run.path[-1]) + 0.0  # no "-0"
        where = (
            f"x₀ = {end:.3g} is"
            if run.steps == 0
            else f"After {run.steps} steps, x = {end:.3g} is"
        )
        downhill = " or ".join(f"{m + 0.0:.3g}" for m in minima)
        return (
            f"{where} a stationary point: f′ = 0 there, so gradient descent never "
            f"moves off it. It is a maximum (f″ = {curvature:.3g} < 0), not a "
            f"minimum: the smallest nudge would roll downhill to x* = {downhill}"
        ), "warning"

    def _fit_gap_axis(self, gaps: np.ndarray) -> None:
        """Fit the log axis of |xₖ − x*| to ``gaps``, in whole decades.

        The limits move (a redraw of that axes) only when the run leaves them,
        or fills them so little that over 2 decades would stay empty.
        """
        low = math.floor(math.log10(gaps.min()))
        high = max(math.ceil(math.log10(gaps.max())), low + 2)
        shown_low, shown_high = self._gap_decades
        fits = shown_low <= low and high <= shown_high
        if fits and shown_high - shown_low <= high - low + 2:
            return
        self._gap_decades = (low, high)
        self.err_ax.set_ylim(10 ** (low - 0.3), 10 ** (high + 0.3))
        self.live.invalidate_limits(self.err_ax)

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
        self.live.fit_step_xlim(self.err_ax, steps)
        self.path.set_data(run.path, run.losses)
        self.start.set_data([x0], [float(c.f(x0))])
        self.lr_marker.set_xdata([lr, lr])
        end_curvature = float(c.d2f(float(run.path[-1])))
        if run.status == "converged" and end_curvature < 0:  # f' = 0 on a maximum
            self.err_line.set_data([], [])
            self.live.say(
                self.err_ax, "no x* to measure from:\nthe run sits on a maximum"
            )
            message = self._explain_maximum(run, end_curvature, c.minima)
        else:
            gaps = np.abs(run.path - target)
            hit = gaps == 0  # landed exactly on x*: no log of 0
            gaps = np.maximum(gaps, 1e-16)
            self.err_line.set_data(np.arange(len(gaps)), gaps)
            self._fit_gap_axis(gaps)
            self.live.say(
                self.err_ax, "xₖ = x* exactly: drawn at 10⁻¹⁶" if hit.any() else ""
            )
            message = self._explain(run, lr, curvature, target)
        self.live.say(self.ax, *message)
