r"""Gradient descent, and a plain-words account of how a run went.

.. math:: x_{k+1} = x_k - \eta \nabla f(x_k)

A learning rate :math:`\eta` that is too large makes the iterates grow without
bound. That is a result to explain, not an error: :func:`gradient_descent` stops
as soon as the iterates blow up and says so in :attr:`DescentRun.message`.

A finite run can only show so much. Besides "converged" and "diverged", the
status says when the loss is still falling (and how many more steps the
recent pace would need), when a zig-zag is growing (the rate is above the
stability limit where the iterates are, even if they have not blown up yet),
when the iterates bounce without settling, and when they cannot move at all.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from calclearn._validation import (
    require_callable,
    require_int,
    require_numbers,
    require_real_array,
    require_real_scalar,
)

# |x| beyond this (relative to where the run started) counts as divergence:
# far enough to be unambiguous, far from overflow so nothing non-finite is stored.
_BLOW_UP = 1e6

#: The most steps :func:`gradient_descent` takes in one call. A million steps
#: of a cheap 2-D loss take a few seconds; more is a typo, not an experiment.
MAX_STEPS = 1_000_000

#: Every value :attr:`DescentRun.status` can take.
STATUSES = (
    "converged",
    "converging",
    "unstable",
    "stuck",
    "stalled",
    "diverged",
    "undefined",
    "not started",
)

# The late part of a run that the rates are measured on: its last tenth, and
# at least this many steps (fewer give no trustworthy rate).
_WINDOW = 10
# A zig-zag whose step length grows by more than this factor per step is
# growing, not a steady bounce (which has factor 1 up to rounding).
_GROWING = 1.001
# Two late windows whose log-rates differ by at most this fraction: a steady pace.
_STEADY = 0.05


@dataclass(frozen=True)
class DescentRun:
    """The trajectory of a gradient-descent run and what it did.

    Attributes
    ----------
    path : numpy.ndarray, shape (k + 1,) + x0.shape
        The iterates :math:`x_0, \\dots, x_k`; all finite.
    losses : numpy.ndarray, shape (k + 1,)
        :math:`f(x_i)` along the path.
    grad_norms : numpy.ndarray, shape (k + 1,)
        :math:`\\|\\nabla f(x_i)\\|`.
    lr : float
        The learning rate.
    status : str
        One of :data:`STATUSES`:

        - ``"converged"``: the gradient fell below ``tol``;
        - ``"converging"``: the loss is still falling when the steps ran out
          (:attr:`steps_to_tolerance` estimates how many more are needed);
        - ``"unstable"``: the steps zig-zag and grow geometrically
          (:attr:`step_growth` > 1): the rate is above the stability limit
          :math:`2/\\lambda_{max}` where the iterates are, so the run cannot
          converge there, although it has not blown up yet;
        - ``"stuck"``: neither falling nor growing, e.g. bouncing between
          two points;
        - ``"stalled"``: the iterates never moved, because
          :math:`\\eta \\nabla f` is below the spacing of floating-point
          numbers at :math:`x`;
        - ``"diverged"``: the iterates blew up (or the loss overflowed);
        - ``"undefined"``: a step landed where ``f`` or ``grad`` is nan
          (outside the function's domain); the path stops before it;
        - ``"not started"``: ``steps=0`` and the start is not a minimum.
    diverged_at : int or None
        The step at which the iterates blew up.
    zigzag : bool
        True when most consecutive steps point in opposite directions
        (oscillation across the valley).
    tol : float
        The tolerance on :math:`\\|\\nabla f\\|` the run was given.
    grad_rate : float or None
        :math:`\\|\\nabla f\\|` shrinks (< 1) or grows (> 1) by this factor per
        step over the last tenth of the run (at least 10 steps), from a
        least-squares fit of :math:`\\log \\|\\nabla f\\|`. None for runs of
        fewer than 20 steps, and when the pace is not steady: the tenth
        before gave a rate more than 5 % different (in log).
    step_growth : float or None
        The same for the step length :math:`\\|x_{k+1} - x_k\\|`.
    """

    path: np.ndarray
    losses: np.ndarray
    grad_norms: np.ndarray
    lr: float
    status: str
    diverged_at: int | None
    zigzag: bool
    tol: float = 1e-10
    grad_rate: float | None = None
    step_growth: float | None = None

    @property
    def steps(self) -> int:
        """Number of steps taken (``len(path) - 1``)."""
        return len(self.path) - 1

    @property
    def steps_to_tolerance(self) -> float | None:
        """How many more steps the recent pace needs to reach ``tol``.

        ``log(tol / |∇f_k|) / log(grad_rate)`` when the gradient is shrinking,
        0 once converged, else None (no steady pace to extrapolate).
        """
        if self.status == "converged":
            return 0.0
        last = float(self.grad_norms[-1])
        rate = self.grad_rate
        if rate is None or not 0 < rate < 1 or not last > self.tol:
            return None
        return math.log(self.tol / last) / math.log(rate)

    @property
    def message(self) -> str:
        """What happened, in one or two sentences."""
        how = " with zig-zags" if self.zigzag else ""
        steps = f"{self.steps} step{'' if self.steps == 1 else 's'}"
        last = float(self.grad_norms[-1])
        if self.status == "diverged":
            return (
                f"Diverged at step {self.diverged_at}: each step overshot the "
                "minimum by more than it corrected, so the iterates grew without bound"
            )
        if self.status == "undefined":
            return (
                f"Stopped at step {self.steps + 1}: f or its gradient is nan there, "
                "so the step left the region where f is defined"
            )
        if self.status == "not started":
            return (
                f"No steps taken (steps = 0): the path is the start point alone, "
                f"where |∇f| = {last:.3g}"
            )
        if self.status == "stalled":
            return (
                f"Stalled: after {steps} x has not moved at all, because "
                f"η·|∇f| = {self.lr * last:.2g} is below the spacing of "
                "floating-point numbers near x (x − η∇f rounds back to x); "
                "use a larger η"
            )
        if self.status == "converged":
            return f"Converged{how} in {steps} (|∇f| below tolerance)"
        if self.status == "unstable":
            return (
                f"Unstable{how}: after {steps} the zig-zag grows "
                f"×{self.step_growth:.3f} per step, so η is above the stability "
                "limit 2/λmax where the iterates are; the run cannot converge "
                "there (it will blow up or end bouncing between points)"
            )
        if self.status == "converging":
            return f"Converging{how}: the loss is still falling after {steps}; " + (
                self._pace()
            )
        return (
            f"Stuck{how}: after {steps} the loss is not falling and "
            "the iterates are bouncing without settling"
        )

    def _pace(self) -> str:
        """How far a still-converging run is from done, in words."""
        last = float(self.grad_norms[-1])
        start, end = float(self.losses[0]), float(self.losses[-1])
        fallen = (start - end) / abs(start) if start else None
        if fallen is not None and 0 < fallen < 1e-6:
            return (
                f"barely moving: the loss fell by only {fallen:.1e} of its value "
                f"(η = {self.lr:.3g} is very small for this function)"
            )
        remaining = self.steps_to_tolerance
        if remaining is None and self.steps < 2 * _WINDOW:
            return f"|∇f| = {last:.2g}; too few steps to measure a steady pace"
        if remaining is None:
            return (
                f"|∇f| = {last:.2g} is not shrinking at a steady pace yet, so "
                "only more steps can tell whether and when this rate converges"
            )
        rate = self.grad_rate
        # Near 1, four decimals would show ×1.0000: give the shortfall instead.
        factor = f"{rate:.4f}" if rate < 0.999 else f"(1 − {1 - rate:.1e})"
        return (
            f"|∇f| = {last:.2g} shrinks steadily ×{factor} per step; "
            f"if that pace holds, about {math.ceil(remaining):,} more steps reach "
            "the tolerance"
        )


def _loss(f: Callable, x: np.ndarray) -> float:
    """``f(x)`` as a float; the loss must be a single real number.

    ``f`` gets a copy of ``x``: a function that changes its argument in place
    cannot change the recorded path.
    """
    value = require_numbers(f(x.copy()), "f")
    if value.shape != () or np.iscomplexobj(value) or value.dtype == bool:
        raise ValueError(f"f must return a single real number, got {value!r}")
    return float(value)


def _gradient(grad: Callable, x: np.ndarray) -> np.ndarray:
    """``grad(x)`` as a float array of the shape of ``x`` (given a copy of ``x``)."""
    g = require_numbers(grad(x.copy()), "grad")
    if np.iscomplexobj(g):
        raise TypeError("grad must return real numbers, got complex ones")
    if g.dtype == bool:
        raise TypeError("grad must return numbers, got booleans (True/False)")
    if g.shape != x.shape:
        raise ValueError(f"grad must return an array of shape {x.shape}, got {g.shape}")
    return g.astype(np.float64)


def _check_start(
    f: Callable, grad: Callable, x: np.ndarray
) -> tuple[float, np.ndarray]:
    """Loss and gradient at the start point, or ``ValueError`` if either fails."""
    where = f"the start point x0 = {x.tolist()}"
    try:
        loss = _loss(f, x)
        g = _gradient(grad, x)
    except OverflowError as exc:
        raise ValueError(f"f or grad overflowed at {where}: {exc}") from None
    if not math.isfinite(loss):
        raise ValueError(
            f"f(x0) is {loss} at {where}: start where the loss is a finite number"
        )
    if not np.all(np.isfinite(g)):
        raise ValueError(
            f"grad(x0) is {g.tolist()} at {where}: start where the gradient is finite"
        )
    return loss, g


def _fit_rate(values: np.ndarray) -> float | None:
    """Per-step factor of positive ``values``, by a least-squares fit of the log."""
    if len(values) < 2 or not np.all(values > 0):
        return None
    slope = np.polyfit(np.arange(len(values)), np.log(values), 1)[0]
    return float(math.exp(slope))


def _late_rate(values: np.ndarray) -> float | None:
    """Per-step factor of ``values`` over the run's last tenth (>= 10 steps)."""
    window = max(_WINDOW, len(values) // 10)
    return _fit_rate(values[-window:]) if len(values) >= _WINDOW else None


def _steady_rate(values: np.ndarray) -> float | None:
    """The late per-step factor, if the window before it had the same one.

    On a curved valley the pace keeps changing, and extrapolating the last
    steps would promise far too few (Rosenbrock at η = 0.0019: 5,000 steps
    predicted after 500, 28,500 needed). So the rate counts only when the last
    two windows agree to 5 % in log.
    """
    window = max(_WINDOW, len(values) // 10)
    if len(values) < 2 * window:
        return None
    last = _fit_rate(values[-window:])
    before = _fit_rate(values[-2 * window : -window])
    if last is None or before is None or last == 1:
        return None
    if abs(math.log(last) - math.log(before)) > _STEADY * abs(math.log(last)):
        return None
    return last


def gradient_descent(
    f: Callable,
    grad: Callable,
    x0: Any,
    lr: float,
    steps: int,
    *,
    tol: float = 1e-10,
) -> DescentRun:
    r"""Run gradient descent :math:`x_{k+1} = x_k - \eta \nabla f(x_k)`.

    Parameters
    ----------
    f : callable
        The loss; ``f(x)`` returns a number. It gets a copy of the iterate.
    grad : callable
        Its gradient; ``grad(x)`` returns an array of the shape of ``x``. It
        gets a copy of the iterate, so changing it in place is harmless.
    x0 : float or array_like
        Start point, where ``f`` and ``grad`` must be finite.
    lr : float
        Learning rate :math:`\eta > 0`.
    steps : int
        Maximum number of steps, 0 to :data:`MAX_STEPS`.
    tol : float
        Stop when :math:`\|\nabla f(x_k)\| \le` ``tol``.

    Returns
    -------
    DescentRun
        The path (stopped early on convergence or divergence) and its status.

    Raises
    ------
    ValueError
        If ``f`` or ``grad`` is not finite at ``x0``, or an argument is out of
        range. (A run that blows up later is a result, not an error.)

    Examples
    --------
    On :math:`f(x) = 2x^2` (:math:`f'' = 4`) the run is stable for
    :math:`\eta < 2/4`:

    >>> run = gradient_descent(lambda x: 2 * x**2, lambda x: 4 * x, 1.0, 0.6, 100)
    >>> run.status, run.diverged_at
    ('diverged', 42)
    >>> gradient_descent(lambda x: 2 * x**2, lambda x: 4 * x, 1.0, 0.6, 20).status
    'unstable'
    """
    f = require_callable(f, "f")
    grad = require_callable(grad, "grad")
    x = require_real_array(x0, "x0").astype(np.float64)
    if x.size == 0:
        raise ValueError("x0 must hold at least one number, got an empty array")
    lr = require_real_scalar(lr, "lr", positive=True)
    steps = require_int(steps, "steps", minimum=0)
    if steps > MAX_STEPS:
        raise ValueError(f"steps must be at most {MAX_STEPS:,}, got {steps:,}")
    tol = require_real_scalar(tol, "tol", nonnegative=True)
    return _descend(f, grad, x, lambda x, g: x - lr * g, steps, tol=tol, lr=lr)


def _descend(
    f: Callable,
    grad: Callable,
    x: np.ndarray,
    update: Callable[[np.ndarray, np.ndarray], np.ndarray],
    steps: int,
    *,
    tol: float,
    lr: float,
) -> DescentRun:
    """Iterate ``x <- update(x, grad(x))`` and judge the run (arguments checked).

    Shared by :func:`gradient_descent` and the optimizers' front end
    :func:`calclearn.optim.minimize`, so that every method stops, diverges and
    is described by the same rules. ``update`` must return a new array.
    """
    limit = _BLOW_UP * max(1.0, float(np.max(np.abs(x))))
    start_loss, g = _check_start(f, grad, x)
    path, losses, norms = [x], [start_loss], []
    status, diverged_at = "converging", None
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(steps + 1):
            if k > 0:
                try:
                    g = _gradient(grad, x)
                except OverflowError:  # e.g. math.sinh of a huge iterate
                    g = np.full(x.shape, np.inf)
                if not np.all(np.isfinite(g)):
                    # x_k has no usable gradient: the path ends at x_{k-1}.
                    status = "undefined" if np.any(np.isnan(g)) else "diverged"
                    diverged_at = k if status == "diverged" else None
                    path.pop()
                    losses.pop()
                    break
            # np.sum, not np.vdot: BLAS may fuse the multiply-adds, and then
            # calclearn.optim.sweep's elementwise norms would differ by an ulp.
            norms.append(math.sqrt(float(np.sum(g * g))))
            if norms[-1] <= tol:
                status = "converged"
                break
            if k == steps:
                break
            candidate = update(x, g)
            try:
                loss = _loss(f, candidate)
            except OverflowError:  # e.g. math.cosh of a huge iterate
                loss = math.inf
            size = float(np.abs(candidate).max())
            # Comparisons with nan are False: nan sizes count as blow-up.
            if not (size <= limit) or loss == math.inf:
                status, diverged_at = "diverged", k + 1
                break
            if not math.isfinite(loss):
                status = "undefined"
                break
            x = candidate
            path.append(x)
            losses.append(loss)

    path_array = np.array(path)
    losses_array = np.array(losses)
    norms_array = np.array(norms[: len(path_array)])
    moves = np.diff(path_array.reshape(len(path_array), -1), axis=0)
    lengths = np.sqrt(np.sum(moves * moves, axis=1))
    turns = np.sum(moves[1:] * moves[:-1], axis=1) < 0
    zigzag = bool(turns.size >= 2 and np.mean(turns) > 0.5)
    step_growth = _late_rate(lengths)
    if status == "converging":
        status = _unfinished_status(losses_array, lengths, turns, step_growth)
    return DescentRun(
        path=path_array,
        losses=losses_array,
        grad_norms=norms_array,
        lr=lr,
        status=status,
        diverged_at=diverged_at,
        zigzag=zigzag,
        tol=tol,
        grad_rate=_steady_rate(norms_array),
        step_growth=step_growth,
    )


def _unfinished_status(
    losses: np.ndarray,
    lengths: np.ndarray,
    turns: np.ndarray,
    step_growth: float | None,
) -> str:
    """The status of a run whose steps ran out before it converged."""
    if len(lengths) == 0:
        return "not started"
    if not np.any(lengths):
        return "stalled"
    window = max(_WINDOW, len(lengths) // 10)
    late_turns = turns[-(window - 1) :]
    if (
        step_growth is not None
        and step_growth > _GROWING
        and late_turns.size
        and np.mean(late_turns) > 0.5
    ):
        return "unstable"
    # Falling: the late losses reach below the ones just before them. Halves of
    # a window, not two single losses, so a bounce between two points is not
    # mistaken for progress when the run happens to stop on its lower point.
    recent = losses[-max(4, len(losses) // 10) :]
    half = len(recent) // 2
    if not recent[half:].min() < recent[:half].min():
        return "stuck"
    return "converging"
