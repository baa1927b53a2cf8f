r"""Chapter 8 explorers and figures: areas under curves and Monte Carlo.

:class:`AreaExplorer` draws the rectangles, trapezoids or parabolas of a
quadrature rule with the error against the number of pieces;
:class:`MonteCarloExplorer` grows a Monte Carlo sample and shows the running
estimate of :math:`E[f(X)]`, :math:`X \sim N(0, 1)`, inside its 95 % band.
The figure functions draw the chapter's static plots: measured orders of
convergence, the trapezoid rule against Simpson's on a Gaussian, a grid
against Monte Carlo as the dimension grows, and the posterior of a coin.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import cache

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.patches import Polygon
from matplotlib.ticker import FormatStrFormatter

from calclearn._validation import require_choice, require_int
from calclearn.integrate import (
    GAUSSIAN_EXPECTATIONS,
    INTEGRANDS,
    QUADRATURE_RULES,
    RULE_ORDERS,
    DimensionStudy,
    convergence_order,
    monte_carlo_rms_errors,
    quadrature_errors,
    rule_nodes_and_weights,
    running_estimates,
    simpson,
)
from calclearn.plots import COLORS, house_style, new_figure
from calclearn.widgets import Explorer, dropdown, int_slider, log_slider

#: Each rule's colour and line style, the same in every figure of the chapter.
RULE_STYLES = {
    "left": {"color": COLORS["muted"], "ls": "-"},
    "right": {"color": COLORS["muted"], "ls": "--"},
    "midpoint": {"color": COLORS["tangent"], "ls": "-"},
    "trapezoid": {"color": COLORS["secant"], "ls": "-"},
    "simpson": {"color": COLORS["function"], "ls": "-"},
}

#: Errors below this are drawn on it: round-off leaves nothing to see lower.
ERROR_FLOOR = 1e-16

_SIMPSON_SAMPLES = 9  # points along each parabola of Simpson's rule


def rule_pieces(f, a: float, b: float, n: int, rule: str) -> list[np.ndarray]:
    r"""The regions whose signed areas a rule adds up, as polygons.

    Rectangles for the Riemann rules (height :math:`f` at the left end, right
    end or midpoint), trapezoids for the trapezoid rule, and for Simpson's rule
    one region per pair of subintervals under the parabola through the three
    nodes. Each polygon runs along the x-axis and back over the top.

    Parameters
    ----------
    f : callable
        The integrand, vectorised.
    a, b : float
        The interval, ``a < b``.
    n : int
        The number of subintervals (even for ``"simpson"``).
    rule : str
        One of :data:`~calclearn.integrate.QUADRATURE_RULES`.

    Returns
    -------
    list of numpy.ndarray
        One ``(k, 2)`` array of vertices per piece; the sum of their signed
        areas (shoelace formula) is ``quadrature(f, a, b, n, rule)``.

    Examples
    --------
    >>> import numpy as np
    >>> pieces = rule_pieces(np.exp, 0.0, 1.0, 2, "left")
    >>> pieces[1].round(3).tolist()  # the second rectangle, f(0.5) high
    [[0.5, 0.0], [0.5, 1.649], [1.0, 1.649], [1.0, 0.0]]
    """
    rule = require_choice(rule, "rule", QUADRATURE_RULES)
    n = require_int(n, "n", minimum=2 if rule == "simpson" else 1)
    edges = np.linspace(a, b, n + 1)
    if rule == "simpson":
        pairs = n // 2
        t = np.linspace(-1.0, 1.0, _SIMPSON_SAMPLES)
        mids = edges[1::2][:pairs]
        h = (b - a) / n
        y0, y1, y2 = f(edges[0:-1:2]), f(mids), f(edges[2::2])
        # The parabola through (-1, y0), (0, y1), (1, y2) in the local t.
        tops = (
            y1[:, None]
            + (y2 - y0)[:, None] / 2 * t
            + (y0 + y2 - 2 * y1)[:, None] / 2 * t**2
        )
        xs = mids[:, None] + h * t
        return [
            np.column_stack([np.r_[x[0], x, x[-1]], np.r_[0.0, top, 0.0]])
            for x, top in zip(xs, tops, strict=True)
        ]
    if rule == "trapezoid":
        ys = f(edges)
        left_heights, right_heights = ys[:-1], ys[1:]
    else:
        nodes = {
            "left": edges[:-1],
            "right": edges[1:],
            "midpoint": (edges[:-1] + edges[1:]) / 2,
        }[rule]
        left_heights = right_heights = f(nodes)
    zeros = np.zeros(n)
    return list(
        np.stack(
            [
                np.column_stack([edges[:-1], zeros]),
                np.column_stack([edges[:-1], left_heights]),
                np.column_stack([edges[1:], right_heights]),
                np.column_stack([edges[1:], zeros]),
            ],
            axis=1,
        )
    )


def pieces_outline(pieces: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """One polygon around all the pieces, and the lines that divide them.

    Drawing one filled polygon and one broken line is several times cheaper
    than drawing each piece as its own patch, and looks the same.

    Parameters
    ----------
    pieces : sequence of numpy.ndarray
        From :func:`rule_pieces`: each starts and ends on the x-axis.

    Returns
    -------
    outline : numpy.ndarray, shape (k, 2)
        The base-to-top-to-base boundary of the union of the pieces.
    dividers : numpy.ndarray, shape (m, 2, 2)
        One vertical segment per inner edge, from the axis up to the lower of
        the two neighbouring tops (of length 0 where the tops lie on opposite
        sides of the axis: the outline crosses it there).

    Examples
    --------
    >>> import numpy as np
    >>> outline, dividers = pieces_outline(rule_pieces(np.exp, 0.0, 1.0, 2, "left"))
    >>> len(outline), dividers[0].round(3).tolist()
    (6, [[0.5, 0.0], [0.5, 1.0]])
    """
    tops = [piece[1:-1] for piece in pieces]
    start, end = pieces[0][0], pieces[-1][-1]
    outline = np.vstack([start, *tops, end])
    left = np.array([top[-1, 1] for top in tops[:-1]])
    right = np.array([top[0, 1] for top in tops[1:]])
    x = np.array([top[-1, 0] for top in tops[:-1]])
    height = np.where(
        left * right > 0, np.sign(left) * np.minimum(abs(left), abs(right)), 0.0
    )
    bottoms = np.column_stack([x, np.zeros_like(x)])
    return outline, np.stack([bottoms, np.column_stack([x, height])], axis=1)


@cache
def _rule_estimates(name: str, n_max: int) -> dict[str, np.ndarray]:
    """Every rule's estimate for n = 1 .. n_max (nan for odd n with Simpson).

    All the nodes of all the n go to the integrand in one call (a few
    thousand points): a new integrand costs about a millisecond.
    """
    item = INTEGRANDS[name]
    estimates = {}
    for rule in QUADRATURE_RULES:
        ns = range(2, n_max + 1, 2) if rule == "simpson" else range(1, n_max + 1)
        parts = [rule_nodes_and_weights(item.a, item.b, n, rule) for n in ns]
        nodes = np.concatenate([nodes for nodes, _ in parts])
        weights = np.concatenate([weights for _, weights in parts])
        starts = np.cumsum([0] + [len(nodes) for nodes, _ in parts[:-1]])
        values = np.full(n_max, np.nan)
        values[np.array(ns) - 1] = np.add.reduceat(weights * item.f(nodes), starts)
        values.setflags(write=False)
        estimates[rule] = values
    return estimates


class AreaExplorer(Explorer):
    r"""The area under a curve as a sum of simple pieces, and the error.

    Left: the integrand with the pieces a rule adds up (rectangles for the
    left, right and midpoint rules, trapezoids, Simpson's parabolas) and the
    nodes where it evaluates :math:`f`. Right: the error :math:`|I - Q_n|`
    of every rule against the number of pieces on log-log axes (each order
    :math:`h^p` is a straight line of slope :math:`-p`), the chosen rule
    highlighted and the current ``n`` marked. Simpson's rule pairs the pieces:
    an odd ``n`` is drawn with ``n + 1``, and the message says so.
    """

    caption = (
        "Add pieces and switch rules: the left and right sums creep towards the "
        "area, the midpoint and trapezoid rules fall 4x per doubling, Simpson 16x. "
        "Then try the bump."
    )
    width, height = 8.4, 3.9
    N_MAX = 64

    def make_controls(self):
        return {
            "integrand": dropdown("integrand", list(INTEGRANDS), "eˣ on [0, 2]"),
            "rule": dropdown("rule", list(QUADRATURE_RULES), "midpoint"),
            "n": int_slider("pieces n", 4, 1, self.N_MAX),
        }

    def build(self, figure: Figure) -> None:
        live = self.live
        self.ax, self.err_ax = figure.subplots(1, 2, width_ratios=[1.25, 1])
        self.area = live.animate(
            self.ax.add_patch(
                Polygon(
                    [[0.0, 0.0], [1.0, 0.0]],
                    closed=True,
                    facecolor="#f3cfae",
                    edgecolor="#8a4a10",
                    lw=0.8,
                )
            )
        )
        self.dividers = live.animate(
            self.ax.add_collection(LineCollection([], colors="#8a4a10", lw=0.8))
        )
        self.curve_line = live.animate(
            self.ax.plot([], [], color=COLORS["function"], zorder=3)[0]
        )
        self.nodes = live.animate(
            self.ax.plot([], [], "o", color=COLORS["point"], ms=3.5, zorder=4)[0]
        )
        # The formula as an animated title: a new integrand then costs a
        # redraw of this axes only, and no stale pixels of a longer title.
        self.title = live.animate(
            self.ax.text(
                0.5, 1.02, "", transform=self.ax.transAxes, ha="center", fontsize=11
            )
        )
        self.ax.axhline(0.0, color=COLORS["point"], lw=0.8)
        self.ax.set_xlabel("x")
        # One decimal on every integrand: tick labels of one width, so that a
        # new integrand never needs a new layout.
        self.ax.yaxis.set_major_formatter(FormatStrFormatter("%.1f"))

        self.ns = np.arange(1, self.N_MAX + 1)
        # Animated too, so that a new integrand leaves this axes' background.
        self.rule_lines = {
            rule: live.animate(
                self.err_ax.loglog([1, 2], [1, 1], lw=1.2, label=rule, **style)[0]
            )
            for rule, style in RULE_STYLES.items()
        }
        self.chosen = live.animate(self.err_ax.loglog([], [], lw=6, alpha=0.3)[0])
        self.dot = live.animate(
            self.err_ax.loglog([], [], "o", color=COLORS["point"], ms=6, zorder=5)[0]
        )
        self.err_ax.set_xlim(0.8, self.N_MAX * 1.25)
        # Errors stay below 10; the decades above hold the legend.
        self.err_ax.set_ylim(1e-17, 1e7)
        self.err_ax.set_xlabel("pieces n")
        self.err_ax.set_ylabel("error |I − Qₙ|")
        self.err_ax.legend(loc="upper right", fontsize=8, ncols=2)
        live.message_box(self.err_ax, "lower left")
        self._shown = None
        self._errors: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for name in INTEGRANDS:  # once per session: a new integrand is then free
            _rule_estimates(name, self.N_MAX)

    def _show_integrand(self, name: str) -> None:
        """Curve, limits and every rule's errors: only when the integrand changes."""
        item = INTEGRANDS[name]
        xs = np.linspace(item.a, item.b, 400)
        ys = item.f(xs)
        self.curve_line.set_data(xs, ys)
        low, high = min(0.0, float(ys.min())), float(ys.max())
        span = high - low
        self.ax.set_xlim(item.a, item.b)
        self.ax.set_ylim(low - 0.05 * span, high + 0.12 * span)
        # Plain text, not mathtext: parsing a new formula costs tens of ms.
        self.title.set_text(f"area under {name}")
        self.estimates = _rule_estimates(name, self.N_MAX)
        for rule, line in self.rule_lines.items():
            done = ~np.isnan(self.estimates[rule])  # Simpson: even n only
            errors = np.abs(item.exact - self.estimates[rule][done])
            self._errors[rule] = (self.ns[done], np.maximum(errors, ERROR_FLOOR))
            line.set_data(*self._errors[rule])
        self.live.invalidate_limits(self.ax)
        self._shown = name

    def draw(self, integrand: str, rule: str, n: int) -> None:
        if integrand != self._shown:
            self._show_integrand(integrand)
        item = INTEGRANDS[integrand]
        used = n + 1 if rule == "simpson" and n % 2 else n
        outline, dividers = pieces_outline(
            rule_pieces(item.f, item.a, item.b, used, rule)
        )
        self.area.set_xy(outline)
        self.dividers.set_segments(dividers)
        nodes, _ = rule_nodes_and_weights(item.a, item.b, used, rule)
        self.nodes.set_data(nodes, item.f(nodes))
        self.chosen.set_data(*self._errors[rule])
        self.chosen.set_color(RULE_STYLES[rule]["color"])
        estimate = float(self.estimates[rule][used - 1])
        error = abs(item.exact - estimate)
        self.dot.set_data([used], [max(error, ERROR_FLOOR)])
        lines = []
        if used != n:
            lines.append(f"Simpson pairs the pieces: n = {n} is odd, drawn with {used}")
        lines += [
            f"{rule}, n = {used}, h = {(item.b - item.a) / used:.3g}",
            f"Qₙ = {estimate:.10f}",
            f"I  = {item.exact:.10f}",
            f"error {error:.1e}",
        ]
        if 2 * used <= self.N_MAX:
            finer = abs(item.exact - self.estimates[rule][2 * used - 1])
            order = RULE_ORDERS[rule]
            if min(error, finer) > 1e-13:
                lines.append(
                    f"doubling n divides it by {error / finer:.3g} "
                    f"(2^{order} = {2**order} for O(h^{order}))"
                )
            else:
                lines.append("at round-off level: nothing left to gain")
        self.live.say(self.err_ax, "\n".join(lines))


class MonteCarloExplorer(Explorer):
    r"""A Monte Carlo estimate of :math:`E[f(X)]`, :math:`X \sim N(0, 1)`, as
    the sample grows.

    Left: the running estimate :math:`\hat\mu_k` for :math:`k = 10, \dots, N`
    (log axis) inside its band :math:`\hat\mu_k \pm 1.96\,s_k/\sqrt k`, and the
    exact value. Right: the error :math:`|\hat\mu_k - E[f(X)]|` of this run
    (bold) and of all 20 runs (pale) on log-log axes, against
    :math:`1.96\,\sigma/\sqrt k` (dashed): every run falls like
    :math:`k^{-1/2}`, a slope of :math:`-1/2`. The message counts in how many
    of the 20 runs the band at :math:`N` holds the true value (about 19 of 20
    on average). The draws are fixed by the run number (seeded).
    """

    caption = (
        "Grow the sample N: the band narrows like 1/√N and (19 times in 20) holds "
        "the true value. Try other runs, and the heavy-tailed eˣ."
    )
    width, height = 8.4, 3.9
    RUNS = 20
    N_MAX = 10_000
    N_MIN = 10

    def make_controls(self):
        return {
            "f": dropdown("f(X)", list(GAUSSIAN_EXPECTATIONS), "X²"),
            "N": log_slider(
                "sample size N", 100, 1, 4, step=0.05, readout_format=".0f"
            ),
            "run": int_slider("run (seed)", 1, 1, self.RUNS),
        }

    def build(self, figure: Figure) -> None:
        live = self.live
        rng = np.random.default_rng(8)
        self.draws = rng.normal(size=(self.RUNS, self.N_MAX))
        self.ks = np.arange(1, self.N_MAX + 1)
        # Where the curves are drawn: log-spaced sample sizes (every k would
        # cost 10 000 vertices a line for no visible difference).
        self.shown_ks = np.unique(
            np.geomspace(self.N_MIN, self.N_MAX, 200).round().astype(int)
        )
        self.ax, self.err_ax = figure.subplots(1, 2, width_ratios=[1.2, 1])
        self.ax.set_xlim(self.N_MIN, self.N_MAX)
        self.ax.set_xscale("log")
        self.band = live.animate(
            self.ax.add_patch(
                Polygon(
                    [[self.N_MIN, 0.0], [self.N_MAX, 0.0]],
                    closed=True,
                    facecolor=COLORS["stable"],
                    edgecolor="#7d9bd1",
                    lw=0.8,
                    label="± 1.96 stderr",
                )
            )
        )
        self.estimate_line = live.animate(
            self.ax.plot([], [], color=COLORS["path"], lw=1.5, label="estimate")[0]
        )
        self.exact_line = self.ax.axhline(
            0.0, color=COLORS["point"], ls="--", lw=1.2, label="exact E[f(X)]"
        )
        self.end = live.animate(
            self.ax.plot([], [], "o", color=COLORS["path"], ms=5, zorder=5)[0]
        )
        self.ax.set_xlabel("sample size k")
        self.ax.legend(loc="lower right", fontsize=8.5)
        self.ax.yaxis.set_major_formatter(FormatStrFormatter("%.1f"))
        # An animated title: a new f redraws the axes, never the layout.
        self.title = live.animate(
            self.ax.text(
                0.5, 1.02, "", transform=self.ax.transAxes, ha="center", fontsize=11
            )
        )
        live.message_box(self.ax, "upper right")

        self.all_runs = [
            self.err_ax.loglog([], [], color=COLORS["muted"], lw=0.6, alpha=0.35)[0]
            for _ in range(self.RUNS)
        ]
        (self.theory,) = self.err_ax.loglog(
            [], [], "--", color=COLORS["point"], lw=1.4, label="1.96 σ/√k"
        )
        self.run_line = live.animate(
            self.err_ax.loglog([], [], color=COLORS["path"], lw=1.5, label="this run")[
                0
            ]
        )
        self.err_ax.set_xlim(self.N_MIN, self.N_MAX)
        self.err_ax.set_xlabel("sample size k")
        self.err_ax.set_ylabel("|estimate − exact|")
        self.err_ax.legend(loc="lower left", fontsize=8.5)
        self._shown = None

    def _show_function(self, name: str) -> None:
        """Every run's running estimates for ``f``: only when ``f`` changes."""
        f, exact = GAUSSIAN_EXPECTATIONS[name]
        values = f(self.draws)
        self.means, self.stderrs = running_estimates(values)
        self.exact = exact
        sigma = float(np.std(values, ddof=1))
        self.sigma = sigma
        self.exact_line.set_ydata([exact, exact])
        half = 2.2 * 1.96 * sigma / math.sqrt(self.N_MIN)
        self.ax.set_ylim(exact - half, exact + 1.3 * half)
        self.title.set_text(f"E[{name.split(' (')[0]}] = {exact:.6f}, X ~ N(0, 1)")
        index = self.shown_ks - 1
        floor = 1.96 * sigma / math.sqrt(self.N_MAX) / 1e3
        for line, means in zip(self.all_runs, self.means, strict=True):
            line.set_data(
                self.shown_ks, np.maximum(np.abs(means[index] - exact), floor)
            )
        self.theory.set_data(self.shown_ks, 1.96 * sigma / np.sqrt(self.shown_ks))
        self.err_ax.set_ylim(floor, 1.96 * sigma / math.sqrt(self.N_MIN) * 10)
        self._floor = floor
        self.live.invalidate_limits(self.ax)
        self.live.invalidate_limits(self.err_ax)
        self._shown = name

    def draw(self, f: str, N: float, run: int) -> None:
        if f != self._shown:
            self._show_function(f)
        size = round(N)
        means, stderrs = self.means[run - 1], self.stderrs[run - 1]
        ks = np.r_[self.shown_ks[self.shown_ks < size], size]
        shown_means, shown_half = means[ks - 1], 1.96 * stderrs[ks - 1]
        self.estimate_line.set_data(ks, shown_means)
        self.band.set_xy(
            np.r_[
                np.column_stack([ks, shown_means + shown_half]),
                np.column_stack([ks[::-1], (shown_means - shown_half)[::-1]]),
            ]
        )
        estimate, half = means[size - 1], 1.96 * stderrs[size - 1]
        self.end.set_data([size], [estimate])
        self.run_line.set_data(
            ks, np.maximum(np.abs(shown_means - self.exact), self._floor)
        )
        inside = np.abs(self.means[:, size - 1] - self.exact) <= (
            1.96 * self.stderrs[:, size - 1]
        )
        error = abs(estimate - self.exact)
        verdict = "inside" if error <= half else "OUTSIDE"
        self.live.say(
            self.ax,
            f"N = {size:,}: {estimate:.4f} ± {half:.4f}\n"
            f"exact {self.exact:.4f} is {verdict} the band\n"
            f"error {error:.1e}, 1.96·stderr {half:.1e}\n"
            f"band holds it in {int(inside.sum())} of {self.RUNS} runs",
        )


# --------------------------------------------------------------------------
# The chapter's static figures
# --------------------------------------------------------------------------


def convergence_figure(
    integrand: str = "eˣ on [0, 2]",
    ns: Sequence[int] = (4, 8, 16, 32, 64, 128, 256, 512),
    sample_sizes: Sequence[int] = (10, 30, 100, 300, 1000, 3000, 10_000),
    repetitions: int = 40,
    seed: int = 0,
) -> tuple[Figure, dict[str, float]]:
    r"""Measured orders of convergence on log-log axes.

    Left: :math:`|I - Q_n|` against :math:`h = (b - a)/n` for the left,
    midpoint, trapezoid and Simpson rules, each labelled with its fitted
    slope (:func:`~calclearn.integrate.convergence_order`). Right: the
    root-mean-square error of Monte Carlo for :math:`\int_a^b f =
    (b - a)\,E[f(U)]`, :math:`U \sim \mathrm{Uniform}(a, b)`, over
    ``repetitions`` runs, against the sample size, with its fitted slope
    (about :math:`-1/2`).

    Returns
    -------
    (Figure, dict of str to float)
        The figure and the fitted slopes by rule (and ``"monte carlo"``).
    """
    item = INTEGRANDS[require_choice(integrand, "integrand", tuple(INTEGRANDS))]
    ns = np.asarray(ns)
    hs = (item.b - item.a) / ns
    slopes: dict[str, float] = {}
    with house_style():
        figure = new_figure(8.8, 3.8)
        quad_ax, mc_ax = figure.subplots(1, 2)
        for rule in ("left", "midpoint", "trapezoid", "simpson"):
            errors = quadrature_errors(item.f, item.a, item.b, item.exact, ns, rule)
            slopes[rule] = convergence_order(hs, errors)
            quad_ax.loglog(
                hs,
                errors,
                marker="o",
                ms=3.5,
                lw=1.5,
                label=f"{rule}: slope {slopes[rule]:.2f}",
                **RULE_STYLES[rule],
            )
        quad_ax.set_xlabel("step h")
        quad_ax.set_ylabel("error |I − Qₙ|")
        quad_ax.set_title(f"${item.latex}$ on [{item.a:g}, {item.b:g}]: error ∝ $h^p$")
        quad_ax.legend(loc="lower right", fontsize=8.5)

        width = item.b - item.a
        rms = monte_carlo_rms_errors(
            lambda u: width * item.f(u),
            lambda rng, n: rng.uniform(item.a, item.b, size=n),
            item.exact,
            sample_sizes,
            repetitions=repetitions,
            seed=seed,
        )
        slopes["monte carlo"] = convergence_order(sample_sizes, rms)
        sizes = np.asarray(sample_sizes, dtype=float)
        mc_ax.loglog(
            sizes,
            rms,
            "o-",
            color=COLORS["path"],
            ms=3.5,
            lw=1.5,
            label=f"measured: slope {slopes['monte carlo']:.2f}",
        )
        mc_ax.loglog(
            sizes,
            rms[0] * np.sqrt(sizes[0] / sizes),
            ":",
            color=COLORS["muted"],
            label="$N^{-1/2}$",
        )
        mc_ax.set_xlabel("sample size N")
        mc_ax.set_ylabel(f"rms error over {repetitions} runs")
        mc_ax.set_title("Monte Carlo: error ∝ $N^{-1/2}$")
        mc_ax.legend(loc="lower left", fontsize=8.5)
    return figure, slopes


def trapezoid_versus_simpson_figure(
    ns: Sequence[int] = tuple(range(4, 65, 4)),
) -> Figure:
    r"""The trapezoid rule against Simpson's on :math:`e^{-x^2/2}` over
    :math:`[-10, 10]`.

    Left: the integrand with the trapezoid rule's nodes at :math:`n = 16`.
    Right: both errors against :math:`n` on a log scale (exponential
    convergence is a straight line there), floored at
    :data:`ERROR_FLOOR`.
    """
    item = INTEGRANDS["bump e^(−x²/2) on [−10, 10]"]
    ns = np.asarray(ns)
    with house_style():
        figure = new_figure(8.8, 3.6)
        curve_ax, err_ax = figure.subplots(1, 2, width_ratios=[1, 1.2])
        xs = np.linspace(item.a, item.b, 600)
        curve_ax.plot(xs, item.f(xs), color=COLORS["function"])
        nodes = np.linspace(item.a, item.b, 17)
        curve_ax.plot(nodes, item.f(nodes), "o", color=COLORS["secant"], ms=4)
        curve_ax.set_title("$e^{-x^2/2}$ on [−10, 10], 16 trapezoids")
        curve_ax.set_xlabel("x")
        for rule in ("trapezoid", "simpson"):
            errors = quadrature_errors(item.f, item.a, item.b, item.exact, ns, rule)
            err_ax.semilogy(
                ns,
                np.maximum(errors, ERROR_FLOOR),
                marker="o",
                ms=3.5,
                lw=1.5,
                label=rule,
                **RULE_STYLES[rule],
            )
        err_ax.set_xlabel("subintervals n")
        err_ax.set_ylabel("error (floored at 1e-16)")
        err_ax.set_title("the trapezoid rule wins by many digits")
        err_ax.legend(loc="upper right")
    return figure


def dimension_figure(study: DimensionStudy) -> Figure:
    r"""Error against dimension: a grid against Monte Carlo, same budget.

    Semilog axes: the grid's error (:func:`~calclearn.integrate.grid_midpoint`)
    and Monte Carlo's root-mean-square error over the repetitions, with the
    standard error Monte Carlo reported; each grid point is labelled with its
    points per axis :math:`m`.
    """
    if not isinstance(study, DimensionStudy):
        raise TypeError(
            "study must be a DimensionStudy (from calclearn.dimension_study), "
            f"got {type(study).__name__}"
        )
    with house_style():
        figure = new_figure(7.4, 3.9)
        ax = figure.add_subplot()
        d = study.dimensions
        ax.semilogy(
            d,
            study.grid_errors,
            "s-",
            color=COLORS["function"],
            label="grid: midpoint rule, mᵈ ≤ N nodes",
        )
        ax.semilogy(
            d,
            study.monte_carlo_errors,
            "o-",
            color=COLORS["path"],
            label=f"Monte Carlo, N points: rms over {study.repetitions} runs",
        )
        ax.semilogy(
            d,
            study.monte_carlo_stderrs,
            ":",
            color=COLORS["path"],
            label="Monte Carlo's own stderr (mean)",
        )
        for dim, m, error in zip(
            d, study.points_per_axis, study.grid_errors, strict=True
        ):
            ax.annotate(
                f"m={m}",
                (dim, error),
                textcoords="offset points",
                xytext=(0, 7),
                ha="center",
                fontsize=7.5,
                color=COLORS["function"],
            )
        ax.set_xticks(d)
        ax.set_xlabel("dimension d")
        ax.set_ylabel("error of ∫ over [0, 1]ᵈ")
        ax.set_title(f"at most {study.budget:,} evaluations of f in every dimension")
        ax.legend(loc="lower right", fontsize=8.5)
    return figure


def coin_posterior_figure(heads: int, flips: int, n: int = 200) -> Figure:
    r"""The posterior of a coin's bias :math:`\theta` under a uniform prior.

    The unnormalised posterior :math:`\theta^k (1-\theta)^{N-k}` (left: tiny
    numbers, not a density), divided by its integral computed with Simpson's
    rule, against the closed-form :math:`\mathrm{Beta}(k + 1, N - k + 1)`
    density (right: the two curves coincide).

    Parameters
    ----------
    heads, flips : int
        :math:`k` heads in :math:`N` flips, :math:`0 \le k \le N`.
    n : int
        Simpson's subintervals (even).
    """
    flips = require_int(flips, "flips", minimum=1)
    heads = require_int(heads, "heads", minimum=0, maximum=flips)
    tails = flips - heads

    def unnormalised(theta):
        return theta**heads * (1 - theta) ** tails

    constant = simpson(unnormalised, 0.0, 1.0, n)
    log_beta = math.lgamma(heads + 1) + math.lgamma(tails + 1) - math.lgamma(flips + 2)
    thetas = np.linspace(0.0, 1.0, 400)
    with house_style():
        figure = new_figure(8.8, 3.4)
        raw_ax, post_ax = figure.subplots(1, 2)
        raw_ax.plot(thetas, unnormalised(thetas), color=COLORS["muted"])
        raw_ax.set_title(
            f"$\\theta^{{{heads}}}(1-\\theta)^{{{tails}}}$: area {constant:.3e}"
        )
        raw_ax.set_xlabel("bias θ")
        post_ax.plot(
            thetas,
            unnormalised(thetas) / constant,
            color=COLORS["function"],
            lw=4,
            alpha=0.45,
            label="divided by Simpson's Z",
        )
        post_ax.plot(
            thetas,
            np.exp(
                heads * np.log(np.maximum(thetas, 1e-300))
                + tails * np.log(np.maximum(1 - thetas, 1e-300))
                - log_beta
            ),
            "--",
            color=COLORS["secant"],
            lw=1.5,
            label=f"Beta({heads + 1}, {tails + 1}) density",
        )
        post_ax.axvline(
            (heads + 1) / (flips + 2), color=COLORS["point"], lw=0.8, ls=":"
        )
        post_ax.set_title(f"posterior after {heads} heads in {flips} flips")
        post_ax.set_xlabel("bias θ")
        post_ax.legend(loc="upper left", fontsize=8.5)
    return figure
