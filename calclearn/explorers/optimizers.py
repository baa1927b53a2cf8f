r"""Chapter 6 explorers: momentum, the optimizer race, schedules and clipping.

- :class:`MomentumExplorer`: the heavy ball on an ill-conditioned bowl and on
  Rosenbrock: the path, the error's eigen-components as damped oscillators,
  and a convergence map of learning rate × momentum with the theory drawn on
  it (:mod:`calclearn.optim.momentum_theory`).
- :class:`OptimizerRaceExplorer`: SGD, momentum, Nesterov, Adagrad, RMSprop
  and Adam from the same start on the same contours, step by step.
- :class:`ScheduleExplorer`: learning-rate schedules on a bowl with noisy
  gradients, against the noise floor of a constant rate.
- :class:`ClippingExplorer`: gradient descent down a cliff, with and without
  :func:`calclearn.optim.clip_grad_norm_`.

Everything that does not depend on the moving control is computed once
(module-level caches per landscape), so a slider move redraws a few artists.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import matplotlib
import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.colors import BoundaryNorm, ListedColormap
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from calclearn._validation import (
    require_callable,
    require_int,
    require_real_scalar,
    require_vector,
)
from calclearn.autodiff import Tensor
from calclearn.landscapes import LANDSCAPES, Landscape, quadratic_bowl
from calclearn.optim import (
    SGD,
    CosineAnnealingLR,
    ExponentialLR,
    LinearLR,
    StepLR,
    sweep,
)
from calclearn.optim.momentum_theory import (
    critical_damping_lrs,
    eigen_components,
    heavy_ball_path,
    heavy_ball_rate,
    optimal_heavy_ball,
    stability_limit,
)
from calclearn.plots import COLORS, draw_landscape
from calclearn.widgets import Explorer, dropdown, int_slider, log_slider, slider

__all__ = [
    "ILL_CONDITIONED_BOWL",
    "ClippingExplorer",
    "MomentumExplorer",
    "OptimizerRaceExplorer",
    "ScheduleExplorer",
    "clipped_descent",
    "noise_floor",
    "noisy_descent",
    "race_base_lrs",
    "schedule_factors",
]

#: The bowl of the momentum chapter: κ = 50, turned 20° so the valley is not
#: along an axis (momentum's benefit does not depend on the axes).
ILL_CONDITIONED_BOWL = quadratic_bowl(
    50.0, math.radians(20.0), name="Ill-conditioned bowl (κ = 50)"
)

_DIVERGED_COLOR = COLORS["unstable"]
_UNFINISHED_COLOR = "#d0d0d0"


def _landscape(name: str) -> Landscape:
    if name == ILL_CONDITIONED_BOWL.name:
        return ILL_CONDITIONED_BOWL
    return LANDSCAPES[name]


def _minimum(surface: Landscape, near: np.ndarray) -> np.ndarray:
    minima = np.array([c.point for c in surface.minima])
    return minima[np.argmin(np.linalg.norm(minima - near, axis=1))]


def _show_contours(explorer: Explorer, ax, surface: Landscape) -> None:
    """Draw ``surface`` on ``ax`` in place of what was there (a full redraw)."""
    for artist in reversed(getattr(explorer, "_contours", [])):
        artist.remove()
    # Few levels: few colours, so the coloured paths over them quantize well.
    explorer._contours = draw_landscape(ax, surface, levels=8)
    explorer.live.invalidate(relayout=True)


# -- momentum --------------------------------------------------------------


@dataclass(frozen=True)
class _MomentumSetup:
    """What the momentum explorer precomputes per landscape."""

    surface: Landscape
    minimum: np.ndarray
    hessian: np.ndarray
    eigenvalues: np.ndarray
    lr_exponents: tuple[float, float]  # the lr slider's range, log10
    path_steps: int
    map_lrs: np.ndarray
    map_momenta: np.ndarray
    map_steps: np.ndarray  # steps to converge, nan elsewhere
    map_diverged: np.ndarray
    map_max_steps: int
    tol: float


_MOMENTUM_LANDSCAPES = {
    # name: (lr exponents, path steps, map steps)
    ILL_CONDITIONED_BOWL.name: ((-3.0, -1.0), 300, 600),
    "Rosenbrock": ((-4.0, -2.0), 400, 2000),
}
_MAP_SIZE = 32


@functools.lru_cache(maxsize=4)
def _momentum_setup(name: str) -> _MomentumSetup:
    """The landscape's theory and its convergence map (a sweep of lr × β)."""
    surface = _landscape(name)
    exponents, path_steps, map_steps = _MOMENTUM_LANDSCAPES[name]
    minimum = _minimum(surface, np.array(surface.start))
    hessian = surface.hessian(minimum)
    eigenvalues = np.linalg.eigvalsh(hessian)
    lrs = np.logspace(*exponents, _MAP_SIZE)
    momenta = np.linspace(0.0, 0.98, _MAP_SIZE)
    tol = 1e-6
    result = sweep(surface, "sgd", steps=map_steps, tol=tol, lr=lrs, momentum=momenta)
    return _MomentumSetup(
        surface=surface,
        minimum=minimum,
        hessian=hessian,
        eigenvalues=eigenvalues,
        lr_exponents=exponents,
        path_steps=path_steps,
        map_lrs=lrs,
        map_momenta=momenta,
        map_steps=result.steps_to_tolerance,
        map_diverged=result.diverged,
        map_max_steps=map_steps,
        tol=tol,
    )


def _edges(values: np.ndarray, log: bool) -> np.ndarray:
    """Cell edges around grid ``values`` (geometric midpoints on a log axis)."""
    v = np.log10(values) if log else values
    middle = 0.5 * (v[1:] + v[:-1])
    edges = np.concatenate([[2 * v[0] - middle[0]], middle, [2 * v[-1] - middle[-1]]])
    return 10.0**edges if log else edges


class MomentumExplorer(Explorer):
    r"""Gradient descent with momentum (``SGD(lr, momentum)``) as a heavy ball.

    Left: the path with momentum :math:`\beta` (red) and without (grey, the
    same learning rate). Middle: the error along each eigenvector of the
    Hessian at the minimum, :math:`u_i^\top(p_t - p^\ast)`, relative to its
    start: each a damped oscillator, inside the theory's envelope
    :math:`\pm\rho(\lambda_i)^t` (dashed; exact on the bowl, local on
    Rosenbrock). Right: the convergence map, steps to :math:`\|\nabla f\|
    \le 10^{-6}` for a grid of :math:`(\eta, \beta)` (computed once by
    :func:`calclearn.optim.sweep`), with the stability limit
    :math:`\eta = 2(1 + \beta)/\lambda_{max}`, the critical-damping curves of
    both components, Polyak's optimum (star) and the current setting (circle).
    """

    caption = (
        "Raise β: the zig-zag across the valley is damped while the ball speeds "
        "along it. The star on the map is the best (η, β) for a quadratic; "
        "the curves through it are where each component is critically damped."
    )
    width, height = 11.2, 4.1
    _SHOWN_STEPS = 120  # of the components panel

    def make_controls(self):
        best = optimal_heavy_ball(
            *_momentum_setup(ILL_CONDITIONED_BOWL.name).eigenvalues
        )
        return {
            # Not "landscape": that name promises x, y sliders of a start point.
            "surface": dropdown(
                "landscape", list(_MOMENTUM_LANDSCAPES), ILL_CONDITIONED_BOWL.name
            ),
            "lr": log_slider("learning rate η", best.descent_lr, -3.0, -1.0, step=0.02),
            "momentum": slider("momentum β", 0.0, 0.0, 0.98, 0.01, ".2f"),
        }

    def build(self, figure: Figure) -> None:
        self.map_ax, self.wave_ax, self.grid_ax = figure.subplots(
            1, 3, width_ratios=[1, 1.05, 1]
        )
        live = self.live
        self.plain = live.animate(
            self.map_ax.plot([], [], "-", color=COLORS["muted"], lw=1.0, zorder=7)[0]
        )
        self.path = live.animate(
            self.map_ax.plot([], [], "-", color=COLORS["path"], lw=1.2, zorder=8)[0]
        )
        self.map_ax.legend(
            handles=[
                Line2D([], [], color=COLORS["path"], lw=1.5, label="momentum β"),
                Line2D([], [], color=COLORS["muted"], lw=1.5, label="β = 0"),
            ],
            loc="upper center",
            bbox_to_anchor=(0.5, -0.14),
            ncol=2,
        )
        colors = (COLORS["function"], COLORS["secant"])
        labels = ("shallow: λmin", "steep: λmax")
        self.waves, self.envelopes = [], []
        for color, label in zip(colors, labels, strict=True):
            self.waves.append(
                live.animate(
                    self.wave_ax.plot(
                        [], [], color=color, lw=1.2, label=label, antialiased=False
                    )[0]
                )
            )
            self.envelopes.append(
                live.animate(self.wave_ax.plot([], [], "--", color=color, lw=0.9)[0])
            )
        self.wave_ax.axhline(0.0, color=COLORS["muted"], lw=0.7)
        self.wave_ax.set_xlim(0, self._SHOWN_STEPS)
        self.wave_ax.set_ylim(-1.2, 2.1)
        self.wave_ax.set_xlabel("step t")
        self.wave_ax.set_ylabel("error along eigenvector ÷ its start")
        self.wave_ax.legend(loc="lower right", fontsize=8.5)
        self.wave_ax.set_title("each eigen-component: a damped oscillator", fontsize=10)
        live.message_box(self.wave_ax, "upper center")
        self.current = live.animate(
            self.grid_ax.plot(
                [], [], "o", ms=9, mfc="none", mec="black", mew=2.0, zorder=9
            )[0]
        )
        self._shown = None
        self._plain_key = None

    def _show_map(self, setup: _MomentumSetup) -> None:
        ax = self.grid_ax
        for artist in reversed(getattr(self, "_map_artists", [])):
            artist.remove()
        lr_edges = _edges(setup.map_lrs, log=True)
        beta_edges = _edges(setup.map_momenta, log=False)
        artists = []
        steps = setup.map_steps.T  # rows: β, columns: lr
        # A few bands of steps, not a continuum: readable, and few colours.
        bounds = np.unique(
            np.round(np.geomspace(np.nanmin(steps), setup.map_max_steps + 1, 7))
        )
        mesh = ax.pcolormesh(
            lr_edges,
            beta_edges,
            steps,
            cmap=ListedColormap(
                matplotlib.colormaps["viridis_r"](np.linspace(0, 1, len(bounds) - 1))
            ),
            norm=BoundaryNorm(bounds, len(bounds) - 1),
            shading="flat",
            zorder=1,
        )
        artists.append(mesh)
        diverged = np.where(setup.map_diverged.T, 1.0, np.nan)
        artists.append(
            ax.pcolormesh(
                lr_edges,
                beta_edges,
                diverged,
                cmap=ListedColormap([_DIVERGED_COLOR]),
                shading="flat",
                zorder=1,
            )
        )
        ax.set_facecolor(_UNFINISHED_COLOR)
        artists.append(self.live.figure.colorbar(mesh, ax=ax, pad=0.02, fraction=0.06))
        artists[-1].set_label("steps to converge")
        small, large = setup.eigenvalues
        betas = np.linspace(0.0, 0.98, 200)
        limit = stability_limit(large, betas)
        artists += ax.plot(limit, betas, color="black", lw=1.6, label="stability limit")
        for lam, style in ((small, ":"), (large, "--")):
            low, high = critical_damping_lrs(lam, betas)
            curve = low if lam == small else high
            artists += ax.plot(curve, betas, style, color="black", lw=1.1)
        best = optimal_heavy_ball(small, large)
        artists += ax.plot(
            [best.lr],
            [best.momentum],
            "*",
            ms=14,
            color="#f5c518",
            mec="black",
            zorder=8,
        )
        artists += ax.plot(
            [best.descent_lr],
            [0.0],
            "*",
            ms=11,
            color="white",
            mec="black",
            zorder=8,
            clip_on=False,
        )
        ax.set_xscale("log")
        ax.set_xlim(lr_edges[0], lr_edges[-1])
        ax.set_ylim(beta_edges[0], beta_edges[-1])
        ax.set_xlabel("learning rate η (log scale)")
        ax.set_ylabel("momentum β")
        ax.set_title(
            f"steps to |∇f| ≤ 1e-6 (grey: > {setup.map_max_steps}, salmon: diverged)",
            fontsize=9,
        )
        self._map_artists = artists
        self._best = best

    def draw(self, surface: str, lr: float, momentum: float) -> None:
        landscape = surface
        setup = _momentum_setup(landscape)
        if self._shown != landscape:
            _show_contours(self, self.map_ax, setup.surface)
            self.map_ax.set_title(setup.surface.name, fontsize=10)
            self._show_map(setup)
            self._shown = landscape
            lr = self.set_range("lr", *setup.lr_exponents, self._best.descent_lr)
            momentum = self.controls["momentum"].value
        surface = setup.surface
        start = np.array(surface.start)
        path = heavy_ball_path(surface.gradient, start, lr, momentum, setup.path_steps)
        if self._plain_key != (landscape, lr):  # β = 0 depends on η alone
            self._plain = heavy_ball_path(
                surface.gradient, start, lr, 0.0, setup.path_steps
            )
            self._plain_key = (landscape, lr)
        plain = self._plain
        self.path.set_data(path[:, 0], path[:, 1])
        self.plain.set_data(plain[:, 0], plain[:, 1])

        shown = path[: self._SHOWN_STEPS + 1]
        components = eigen_components(shown, setup.minimum, setup.hessian)
        t = np.arange(len(shown))
        start_sizes = np.abs(components[0])
        for i, (wave, envelope) in enumerate(
            zip(self.waves, self.envelopes, strict=True)
        ):
            scale = start_sizes[i] if start_sizes[i] > 0 else 1.0
            wave.set_data(t, np.clip(components[:, i] / scale, -1.5, 1.5))
            rho = float(heavy_ball_rate([setup.eigenvalues[i]], lr, momentum))
            with np.errstate(over="ignore", under="ignore"):
                bound = np.minimum(rho ** np.arange(self._SHOWN_STEPS + 1.0), 1.5)
            k = np.arange(len(bound), dtype=float)
            # Out along +ρᵗ and back along −ρᵗ: one line, no nan gap.
            envelope.set_data(
                np.concatenate([k, k[::-1]]), np.concatenate([bound, -bound[::-1]])
            )
        self.current.set_data([lr], [momentum])
        rate = float(heavy_ball_rate(setup.eigenvalues, lr, momentum))
        best = self._best
        local = "" if landscape == ILL_CONDITIONED_BOWL.name else " (at p*)"
        steps = len(path) - 1
        diverged = (
            steps < setup.path_steps
            and np.linalg.norm(surface.gradient(path[-1])) > setup.tol
        )
        if diverged or rate >= 1:
            outcome = (
                f"ρ = {rate:.3f} ≥ 1{local}: diverges"
                if rate >= 1
                else ("left the stable region on the way")
            )
            kind = "error"
        else:
            outcome = f"ρ = {rate:.4f} per step{local}"
            kind = "info"
        self.live.say(
            self.wave_ax,
            f"{outcome}\nbest: ρ* = {best.rate:.4f} at η* = {best.lr:.3g}, "
            f"β* = {best.momentum:.3f}\n(β = 0 at best: {best.descent_rate:.4f})",
            kind,
        )


# -- the race ---------------------------------------------------------------

#: The racers: label, optimizer, fixed hyperparameters, colour.
RACERS = (
    ("SGD", "sgd", {}, "#6b6b6b"),
    ("momentum 0.9", "sgd", {"momentum": 0.9}, "#d62728"),
    ("Nesterov 0.9", "sgd", {"momentum": 0.9, "nesterov": True}, "#ff7f0e"),
    ("Adagrad", "adagrad", {}, "#2ca02c"),
    ("RMSprop", "rmsprop", {}, "#9467bd"),
    ("Adam", "adam", {}, "#17becf"),
)
_RACE_LANDSCAPES = ["Rosenbrock", ILL_CONDITIONED_BOWL.name, "Beale", "Himmelblau"]
_RACE_STEPS = 500
#: The lr slider: a factor on each racer's base rate, 10^-1 .. 10^1.
_RACE_FACTORS = 10.0 ** np.arange(-1.0, 1.0001, 0.25)


def race_base_lrs(surface: Landscape) -> dict[str, float]:
    r"""Each racer's learning rate at factor 1 on ``surface``.

    Plain SGD: :math:`1/\lambda_{max}`, with :math:`\lambda_{max}` the
    largest Hessian eigenvalue at the start and at the minimum (half the
    stability bound where it is largest); with momentum 0.9, 0.3 of that
    (the buffer sums up to :math:`1/(1 - \beta) = 10` gradients, and the
    stability bound grows to :math:`2(1 + \beta)/\lambda_{max}`). The
    adaptive methods move each coordinate by about the learning rate per
    step, whatever the curvature: a fixed share of the window's width
    (Adagrad's steps shrink as :math:`1/\sqrt t`, so it gets more).
    """
    start = np.array(surface.start)
    points = (start, _minimum(surface, start))
    largest = max(float(np.linalg.eigvalsh(surface.hessian(p)).max()) for p in points)
    (x0, x1), _ = surface.window
    width = x1 - x0
    sgd = 1.0 / largest
    return {
        "SGD": sgd,
        "momentum 0.9": 0.3 * sgd,
        "Nesterov 0.9": 0.3 * sgd,
        "Adagrad": 0.3 * width,
        "RMSprop": 0.006 * width,
        "Adam": 0.03 * width,
    }


@dataclass(frozen=True)
class _Race:
    surface: Landscape
    floor: float  # f at the minimum approached
    paths: dict[str, np.ndarray]  # racer -> (factors, steps + 1, 2)
    steps: dict[str, np.ndarray]  # racer -> (factors,) steps taken
    statuses: dict[str, np.ndarray]
    gaps: dict[str, np.ndarray]  # racer -> (factors, steps + 1) f - f*
    base_lrs: dict[str, float]


@functools.lru_cache(maxsize=8)
def _race(name: str) -> _Race:
    """Every racer at every lr factor on landscape ``name``: one sweep each."""
    surface = _landscape(name)
    start = np.array(surface.start)
    base = race_base_lrs(surface)
    floor = float(surface.value(_minimum(surface, start)))
    paths, steps, statuses, gaps = {}, {}, {}, {}
    for label, optimizer, fixed, _ in RACERS:
        result = sweep(
            surface,
            optimizer,
            steps=_RACE_STEPS,
            tol=1e-10,
            keep_paths=True,
            lr=base[label] * _RACE_FACTORS,
            **fixed,
        )
        paths[label] = result.paths
        steps[label] = result.steps
        statuses[label] = result.status
        gaps[label] = np.maximum(surface.value(result.paths) - floor, 1e-16)
    return _Race(surface, floor, paths, steps, statuses, gaps, base)


class OptimizerRaceExplorer(Explorer):
    r"""Six optimizers from the same start, side by side, step by step.

    Left: every path on the contours up to the chosen step (a dot marks
    where each is). Right: :math:`f(p_t) - f^\ast` on a log scale, the whole
    run, with the chosen step marked. The learning-rate factor multiplies
    every optimizer's base rate (:func:`race_base_lrs`); all the runs are
    computed once per landscape (:func:`calclearn.optim.sweep`), so the
    sliders only move lines.
    """

    caption = (
        "Drag the step to race them; change the learning-rate factor to see "
        "who is robust to it (Adam, RMSprop) and who is not (SGD)."
    )
    width, height = 9.4, 4.2

    def make_controls(self):
        return {
            "surface": dropdown("landscape", _RACE_LANDSCAPES, "Rosenbrock"),
            "factor": log_slider("lr factor", 1.0, -1.0, 1.0, step=0.25),
            "step": int_slider("step", 100, 0, _RACE_STEPS, 1),
        }

    def build(self, figure: Figure) -> None:
        self.map_ax, self.loss_ax = figure.subplots(1, 2, width_ratios=[1, 1.2])
        live = self.live
        colors = [color for *_, color in RACERS]
        # One artist per kind, not per racer: a step change draws four artists.
        self.lines = live.animate(
            LineCollection([], colors=colors, linewidths=1.3, zorder=7)
        )
        self.map_ax.add_collection(self.lines)
        self.heads = live.animate(
            self.map_ax.scatter(
                np.zeros(len(RACERS)),
                np.zeros(len(RACERS)),
                c=colors,
                s=36,
                edgecolors="black",
                linewidths=0.6,
                zorder=9,
            )
        )
        # Not antialiased: six crossing curves would blend into more colours
        # than a palette PNG holds.
        self.curves = live.animate(
            LineCollection([], colors=colors, linewidths=1.3, antialiased=False)
        )
        self.loss_ax.add_collection(self.curves)
        self.loss_ax.set_yscale("log")
        self.marks = live.animate(
            self.loss_ax.scatter(
                np.zeros(len(RACERS)),
                np.ones(len(RACERS)),
                c=colors,
                s=25,
                edgecolors="black",
                linewidths=0.6,
                zorder=9,
            )
        )
        self.now = live.animate(self.loss_ax.axvline(0, color="black", lw=0.8))
        self.loss_ax.set_xlim(0, _RACE_STEPS)
        self.loss_ax.set_ylim(1e-16, 1e4)
        self.loss_ax.set_xlabel("step t")
        self.loss_ax.set_ylabel("f(pₜ) − f* (log scale)")
        self.loss_ax.legend(
            handles=[
                Line2D([], [], color=color, lw=1.3, label=label)
                for label, _, _, color in RACERS
            ],
            loc="lower left",
            fontsize=8,
            ncol=2,
        )
        live.message_box(self.loss_ax, "upper right")
        self._shown = None

    def draw(self, surface: str, factor: float, step: int) -> None:
        race = _race(surface)
        column = int(np.argmin(np.abs(np.log10(_RACE_FACTORS) - math.log10(factor))))
        if self._shown != (surface, column):
            if self._shown is None or self._shown[0] != surface:
                _show_contours(self, self.map_ax, race.surface)
                self.map_ax.set_title(race.surface.name, fontsize=10)
                top = max(float(g[:, 0].max()) for g in race.gaps.values())
                self.loss_ax.set_ylim(1e-16, 10 ** math.ceil(math.log10(top) + 2))
                self.live.invalidate(self.loss_ax)
            t = np.arange(_RACE_STEPS + 1.0)
            curves = []
            for label, *_ in RACERS:
                taken = int(race.steps[label][column])
                gaps = race.gaps[label][column, : taken + 1]
                curves.append(np.column_stack([t[: taken + 1], gaps]))
            self.curves.set_segments(curves)
            self._shown = (surface, column)
        segments, heads, marks, leaders = [], [], [], []
        for label, *_ in RACERS:
            taken = int(race.steps[label][column])
            now = min(step, taken)
            path = race.paths[label][column]
            segments.append(path[: now + 1])
            heads.append(path[now])
            gap = float(race.gaps[label][column, now])
            marks.append((now, gap))
            diverged = race.statuses[label][column] == "diverged"
            leaders.append((diverged, gap, label))
        self.lines.set_segments(segments)
        self.heads.set_offsets(heads)
        self.marks.set_offsets(marks)
        self.now.set_xdata([step, step])
        leaders.sort()
        _, best_gap, best_label = leaders[0]
        gone = [label for diverged, _, label in leaders if diverged]
        text = f"step {step}: lowest f − f* = {best_gap:.2g} ({best_label})"
        if gone:
            text += "\ndiverged: " + ", ".join(gone)
        self.live.say(self.loss_ax, text, "warning" if gone else "info")


# -- schedules ---------------------------------------------------------------

SCHEDULES = ("constant", "step", "exponential", "cosine", "linear warm-up")
_SCHEDULE_STEPS = 200


def schedule_factors(schedule: str, steps: int = _SCHEDULE_STEPS) -> np.ndarray:
    r"""The rate of step :math:`t = 0, \dots, \text{steps} - 1` over the base rate.

    Computed with the course's PyTorch schedulers on an :class:`SGD` of rate
    1, calling ``step()`` after each update as a training loop does:

    - ``"step"``: ``StepLR(step_size=50, gamma=0.3)``;
    - ``"exponential"``: ``ExponentialLR(gamma=0.98)``;
    - ``"cosine"``: ``CosineAnnealingLR(T_max=steps)``;
    - ``"linear warm-up"``: ``LinearLR(start_factor=0.05, total_iters=40)``.

    Examples
    --------
    >>> schedule_factors("step", 4).tolist()
    [1.0, 1.0, 1.0, 1.0]
    >>> schedule_factors("exponential", 3).round(6).tolist()
    [1.0, 0.98, 0.9604]
    """
    steps = require_int(steps, "steps", minimum=1)
    optimizer = SGD([Tensor(0.0)], lr=1.0)
    makers = {
        "constant": lambda: None,
        "step": lambda: StepLR(optimizer, step_size=50, gamma=0.3),
        "exponential": lambda: ExponentialLR(optimizer, gamma=0.98),
        "cosine": lambda: CosineAnnealingLR(optimizer, T_max=steps),
        "linear warm-up": lambda: LinearLR(
            optimizer, start_factor=0.05, total_iters=40
        ),
    }
    if schedule not in makers:
        raise ValueError(f"schedule must be one of {list(makers)}, got {schedule!r}")
    scheduler = makers[schedule]()
    factors = np.empty(steps)
    for t in range(steps):
        factors[t] = optimizer.param_groups[0]["lr"]
        if scheduler is not None:
            scheduler.step()
    return factors


def noisy_descent(
    A: np.ndarray, x0: np.ndarray, lrs: np.ndarray, noise: np.ndarray
) -> np.ndarray:
    r"""SGD on :math:`\tfrac12 p^\top A p` with a noisy gradient :math:`Ap_t + \xi_t`.

    .. math:: p_{t+1} = p_t - \eta_t (A p_t + \xi_t)

    Parameters
    ----------
    A : numpy.ndarray, shape (2, 2)
    x0 : numpy.ndarray, shape (2,)
    lrs : numpy.ndarray, shape (n,)
        :math:`\eta_0, \dots, \eta_{n-1}`.
    noise : numpy.ndarray, shape (n, 2)
        :math:`\xi_0, \dots, \xi_{n-1}`.

    Returns
    -------
    numpy.ndarray, shape (n + 1, 2)

    Examples
    --------
    >>> noise = np.array([[1.0, 0.0]])
    >>> noisy_descent(np.eye(2), np.ones(2), np.array([0.5]), noise).tolist()
    [[1.0, 1.0], [0.0, 0.5]]
    """
    path = np.empty((len(lrs) + 1, 2))
    path[0] = x0
    point = np.asarray(x0, dtype=np.float64)
    for t, (lr, xi) in enumerate(zip(lrs.tolist(), noise, strict=True)):
        point = point - lr * (A @ point + xi)
        path[t + 1] = point
    return path


def noise_floor(eigenvalues, lr: float, sigma: float) -> float:
    r"""The mean loss :math:`E[f]` that SGD with a constant rate settles at.

    With independent gradient noise of variance :math:`\sigma^2` per
    coordinate, each eigen-component :math:`e` of the error obeys
    :math:`e_{t+1} = (1 - \eta\lambda) e_t - \eta\xi_t`, whose stationary
    variance is :math:`\eta\sigma^2 / (\lambda(2 - \eta\lambda))`; so

    .. math:: E[f] = \sum_i \frac{\lambda_i}{2} \operatorname{Var} e_i
              = \sum_i \frac{\eta\sigma^2}{2(2 - \eta\lambda_i)},

    proportional to :math:`\eta` for small rates: only a falling rate gets
    below it. Infinite when :math:`\eta \ge 2/\lambda_{max}`.

    Examples
    --------
    >>> noise_floor([1.0, 10.0], 0.1, 1.0)  # 0.1/(2·1.9) + 0.1/(2·1)
    0.07631578947368421
    """
    lr = require_real_scalar(lr, "lr", nonnegative=True)
    sigma = require_real_scalar(sigma, "sigma", nonnegative=True)
    total = 0.0
    for lam in np.asarray(eigenvalues, dtype=np.float64).tolist():
        if lr * lam >= 2:
            return math.inf
        total += lr * sigma * sigma / (2 * (2 - lr * lam))
    return total


_SCHEDULE_BOWL = quadratic_bowl(10.0, math.radians(30.0))


@functools.lru_cache(maxsize=1)
def _schedule_noise() -> np.ndarray:
    return np.random.default_rng(6).standard_normal((_SCHEDULE_STEPS, 2))


class ScheduleExplorer(Explorer):
    r"""A learning-rate schedule, and what it does to SGD with noisy gradients.

    Left: the rate :math:`\eta_t` of the chosen schedule (the constant rate
    dashed). Right: the loss :math:`f(p_t)` of SGD on a bowl
    (:math:`\kappa = 10`) whose gradients carry noise of size :math:`\sigma`
    (the same noise for both runs), with the constant rate's noise floor
    :func:`noise_floor` (dotted): a constant rate stalls there, a falling one
    goes below.
    """

    caption = (
        "With noise, a constant rate stalls at a floor proportional to η; "
        "schedules that lower η late go below it. Too fast a decay stops early."
    )
    width, height = 9.6, 4.0

    def make_controls(self):
        return {
            "schedule": dropdown("schedule", SCHEDULES, "cosine"),
            "lr": slider("base rate η₀", 0.1, 0.01, 0.19, 0.01, ".2f"),
            "noise": slider("noise σ", 1.0, 0.0, 3.0, 0.1, ".1f"),
        }

    def build(self, figure: Figure) -> None:
        self.rate_ax, self.loss_ax = figure.subplots(1, 2, width_ratios=[1, 1.3])
        live = self.live
        steps = np.arange(_SCHEDULE_STEPS)
        self.constant_rate = live.animate(
            self.rate_ax.plot(
                [], [], "--", color=COLORS["muted"], lw=1.2, label="constant"
            )[0]
        )
        self.rate = live.animate(
            self.rate_ax.plot([], [], color=COLORS["path"], lw=1.8, label="schedule")[0]
        )
        self.rate_ax.set_xlim(0, _SCHEDULE_STEPS)
        self.rate_ax.set_ylim(0, 0.2)
        self.rate_ax.set_xlabel("step t")
        self.rate_ax.set_ylabel("learning rate ηₜ")
        self.rate_ax.legend(loc="upper right")
        self.constant_loss = live.animate(
            self.loss_ax.semilogy(
                [], [], color=COLORS["muted"], lw=1.0, label="constant η₀"
            )[0]
        )
        self.loss = live.animate(
            self.loss_ax.semilogy(
                [], [], color=COLORS["path"], lw=1.2, label="schedule"
            )[0]
        )
        self.floor = live.animate(
            self.loss_ax.axhline(
                1.0, color="black", ls=":", lw=1.2, label="noise floor of η₀"
            )
        )
        self.loss_ax.set_xlim(0, _SCHEDULE_STEPS)
        self.loss_ax.set_ylim(1e-6, 1e2)
        self.loss_ax.set_xlabel("step t")
        self.loss_ax.set_ylabel("loss f(pₜ) (log scale)")
        self.loss_ax.legend(loc="lower left", fontsize=8.5)
        live.message_box(self.loss_ax, "upper right")
        self._steps = steps

    def draw(self, schedule: str, lr: float, noise: float) -> None:
        factors = _schedule_factors_cached(schedule)
        bowl = _SCHEDULE_BOWL
        x0 = np.array(bowl.start)
        xi = noise * _schedule_noise()
        rates = lr * factors
        constant = np.full(_SCHEDULE_STEPS, lr)
        scheduled = noisy_descent(bowl.A, x0, rates, xi)
        plain = noisy_descent(bowl.A, x0, constant, xi)
        t = np.arange(_SCHEDULE_STEPS + 1)
        self.rate.set_data(self._steps, rates)
        self.constant_rate.set_data(self._steps, constant)
        self.loss.set_data(t, np.maximum(bowl.value(scheduled), 1e-300))
        self.constant_loss.set_data(t, np.maximum(bowl.value(plain), 1e-300))
        floor = noise_floor(bowl.eigenvalues, lr, noise)
        self.floor.set_ydata([floor, floor])
        self.floor.set_visible(floor > 0)
        tail = slice(-40, None)
        late = float(np.mean(bowl.value(scheduled)[tail]))
        late_plain = float(np.mean(bowl.value(plain)[tail]))
        self.live.say(
            self.loss_ax,
            f"mean loss, last 40 steps:\nschedule {late:.2g}, constant {late_plain:.2g}"
            f"\n(floor of η₀: {floor:.2g})",
        )


@functools.lru_cache(maxsize=len(SCHEDULES))
def _schedule_factors_cached(schedule: str) -> np.ndarray:
    return schedule_factors(schedule)


# -- clipping ----------------------------------------------------------------


def clipped_descent(
    gradient, x0, lr: float, max_norm: float | None, steps: int
) -> tuple[np.ndarray, np.ndarray]:
    r"""Gradient descent whose gradient is clipped by norm before each step.

    .. math::

        g_t = \nabla f(p_t) \min\Big(1, \frac{c}{\|\nabla f(p_t)\| + 10^{-6}}\Big),
        \qquad p_{t+1} = p_t - \eta g_t

    exactly as :func:`calclearn.optim.clip_grad_norm_` then ``SGD.step()``
    (``max_norm=None``: no clipping). Stops at a step that blows up
    (:math:`|p|` beyond :math:`10^6`) or meets a non-finite gradient.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        The path :math:`p_0, \dots, p_k` and the norms
        :math:`\|\nabla f(p_t)\|` before clipping, :math:`t = 0, \dots, k`.

    Examples
    --------
    >>> path, norms = clipped_descent(lambda p: 10 * p, [1.0, 0.0], 0.1, 1.0, 1)
    >>> path[1].round(6).tolist()  # |∇f| = 10 clipped to 1: a step of 0.1
    [0.9, 0.0]
    >>> norms.round(6).tolist()  # before clipping, at p0 and p1
    [10.0, 9.0]
    """
    gradient = require_callable(gradient, "gradient")
    point = require_vector(x0, "x0").astype(np.float64)
    lr = require_real_scalar(lr, "lr", nonnegative=True)
    if max_norm is not None:
        max_norm = require_real_scalar(max_norm, "max_norm", positive=True)
    steps = require_int(steps, "steps", minimum=0)
    limit = 1e6 * max(1.0, float(np.max(np.abs(point))))
    path, norms = [point], []
    with np.errstate(all="ignore"):
        for _ in range(steps + 1):
            g = np.asarray(gradient(point), dtype=np.float64)
            norm = math.sqrt(float(np.sum(g * g)))
            norms.append(norm)
            if len(path) == steps + 1 or not math.isfinite(norm):
                break
            if max_norm is not None:
                g = g * min(max_norm / (norm + 1e-6), 1.0)
            point = point - lr * g
            if not (np.all(np.isfinite(point)) and np.max(np.abs(point)) <= limit):
                break
            path.append(point)
    path_array = np.array(path)
    return path_array, np.array(norms[: len(path_array)])


_CLIFF_START = (-1.5, -1.0)
_CLIP_STEPS = 400


class ClippingExplorer(Explorer):
    r"""Gradient descent down Rosenbrock's steep wall, with and without clipping.

    From :math:`(-1.5, -1)` the gradient has norm about 2,000: one plain step
    at a learning rate that suits the valley floor jumps off the map. Left:
    both paths. Right: :math:`\|\nabla f(p_t)\|` before clipping, on a log
    scale, with the threshold :math:`c` (dotted): clipping rescales every
    gradient above it to length :math:`c`, so no step is longer than
    :math:`\eta c`, and leaves the others alone.
    """

    caption = (
        "Lower the threshold c: the clipped run walks down the cliff in steps "
        "of at most η·c instead of being thrown off it."
    )
    width, height = 9.2, 4.1

    def make_controls(self):
        return {
            "lr": log_slider("learning rate η", 10**-2.7, -4.0, -2.5, step=0.05),
            "max_norm": log_slider("threshold c", 30.0, 0.0, 3.0, step=0.1),
        }

    def build(self, figure: Figure) -> None:
        self.map_ax, self.norm_ax = figure.subplots(1, 2, width_ratios=[1, 1.2])
        live = self.live
        surface = LANDSCAPES["Rosenbrock"]
        self._contours = draw_landscape(self.map_ax, surface, levels=10)
        self.map_ax.set_title("Rosenbrock, starting on the wall", fontsize=10)
        self.map_ax.plot(*_CLIFF_START, "s", color=COLORS["point"], ms=6, zorder=9)
        self.plain = live.animate(
            self.map_ax.plot(
                [], [], "-o", color=COLORS["muted"], lw=1.0, ms=2, zorder=7
            )[0]
        )
        self.clipped = live.animate(
            self.map_ax.plot(
                [], [], "-o", color=COLORS["path"], lw=1.1, ms=2, zorder=8
            )[0]
        )
        self.plain_norms = live.animate(
            self.norm_ax.semilogy(
                [], [], color=COLORS["muted"], lw=1.2, label="no clipping"
            )[0]
        )
        self.clipped_norms = live.animate(
            self.norm_ax.semilogy(
                [], [], color=COLORS["path"], lw=1.4, label="clipped"
            )[0]
        )
        self.threshold = live.animate(
            self.norm_ax.axhline(
                1.0, color="black", ls=":", lw=1.2, label="threshold c"
            )
        )
        self.norm_ax.set_xlim(0, _CLIP_STEPS)
        self.norm_ax.set_ylim(1e-3, 1e8)
        self.norm_ax.set_xlabel("step t")
        self.norm_ax.set_ylabel("‖∇f(pₜ)‖ before clipping")
        self.norm_ax.legend(loc="lower left", fontsize=8.5)
        live.message_box(self.norm_ax, "upper right")
        self._surface = surface

    def _plain_run(self, lr: float):
        # The unclipped run depends on the rate alone: kept while c moves.
        if getattr(self, "_plain_lr", None) != lr:
            self._plain = clipped_descent(
                self._surface.gradient, _CLIFF_START, lr, None, _CLIP_STEPS
            )
            self._plain_lr = lr
        return self._plain

    def draw(self, lr: float, max_norm: float) -> None:
        plain, plain_norms = self._plain_run(lr)
        path, norms = clipped_descent(
            self._surface.gradient, _CLIFF_START, lr, max_norm, _CLIP_STEPS
        )
        self.plain.set_data(plain[:, 0], plain[:, 1])
        self.clipped.set_data(path[:, 0], path[:, 1])
        self.plain_norms.set_data(np.arange(len(plain_norms)), plain_norms)
        self.clipped_norms.set_data(np.arange(len(norms)), norms)
        self.threshold.set_ydata([max_norm, max_norm])
        clipped_steps = int(np.sum(norms[:-1] > max_norm))
        if len(plain) <= _CLIP_STEPS:
            fate = f"without: thrown off at step {len(plain)}"
            kind = "warning"
        else:
            fate = (
                f"without: f = {float(self._surface.value(plain[-1])):.3g} at the end"
            )
            kind = "info"
        ending = (
            f"clipped: f = {float(self._surface.value(path[-1])):.3g} after "
            f"{len(path) - 1} steps"
            if len(path) > _CLIP_STEPS
            else f"clipped: thrown off at step {len(path)}"
        )
        self.live.say(
            self.norm_ax,
            f"{ending}\n({clipped_steps} steps clipped, each at most η·c = "
            f"{lr * max_norm:.2g} long)\n{fate}",
            kind,
        )
