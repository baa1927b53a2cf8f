r"""Gradient descent, and a plain-words account of how a run went.

.. math:: x_{k+1} = x_k - \eta \nabla f(x_k)

A learning rate :math:`\eta` that is too large makes the iterates grow without
bound. That is a result to explain, not an error: :func:`gradient_descent` stops
as soon as the iterates blow up and says so in :attr:`DescentRun.message`.
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
        ``"converged"`` (gradient below ``tol``), ``"converging"`` (loss still
        falling when the steps ran out), ``"stuck"`` (neither falling nor
        blowing up, e.g. bouncing between two points) or ``"diverged"``.
    diverged_at : int or None
        The step at which the iterates blew up.
    zigzag : bool
        True when most consecutive steps point in opposite directions
        (oscillation across the valley).
    """

    path: np.ndarray
    losses: np.ndarray
    grad_norms: np.ndarray
    lr: float
    status: str
    diverged_at: int | None
    zigzag: bool

    @property
    def steps(self) -> int:
        """Number of steps taken (``len(path) - 1``)."""
        return len(self.path) - 1

    @property
    def message(self) -> str:
        """What happened, in one sentence."""
        if self.status == "diverged":
            return (
                f"Diverged at step {self.diverged_at}: each step overshot the "
                "minimum by more than it corrected, so the iterates grew without bound"
            )
        how = " with zig-zags" if self.zigzag else ""
        steps = f"{self.steps} step{'' if self.steps == 1 else 's'}"
        if self.status == "converged":
            return f"Converged{how} in {steps} (|∇f| below tolerance)"
        if self.status == "converging":
            return f"Converging{how}: the loss is still falling after {steps}"
        return (
            f"Stuck{how}: after {steps} the loss is not falling and "
            "the iterates are bouncing without settling"
        )


def _loss(f: Callable, x: np.ndarray) -> float:
    """``f(x)`` as a float; the loss must be a single real number."""
    value = require_numbers(f(x), "f")
    if value.shape != () or np.iscomplexobj(value):
        raise ValueError(f"f must return a single real number, got {value!r}")
    return float(value)


def _gradient(grad: Callable, x: np.ndarray) -> np.ndarray:
    """``grad(x)`` as a float array of the shape of ``x``."""
    g = require_numbers(grad(x), "grad")
    if np.iscomplexobj(g):
        raise TypeError("grad must return real numbers, got complex ones")
    if g.shape != x.shape:
        raise ValueError(f"grad must return an array of shape {x.shape}, got {g.shape}")
    return g.astype(np.float64, copy=False)


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
        The loss; ``f(x)`` returns a number.
    grad : callable
        Its gradient; ``grad(x)`` returns an array of the shape of ``x``.
    x0 : float or array_like
        Start point.
    lr : float
        Learning rate :math:`\eta > 0`.
    steps : int
        Maximum number of steps.
    tol : float
        Stop when :math:`\|\nabla f(x_k)\| \le` ``tol``.

    Returns
    -------
    DescentRun
        The path (stopped early on convergence or divergence) and its status.

    Examples
    --------
    On :math:`f(x) = 2x^2` (:math:`f'' = 4`) the run is stable for
    :math:`\eta < 2/4`:

    >>> run = gradient_descent(lambda x: 2 * x**2, lambda x: 4 * x, 1.0, 0.6, 100)
    >>> run.status, run.diverged_at
    ('diverged', 42)
    """
    f = require_callable(f, "f")
    grad = require_callable(grad, "grad")
    x = require_real_array(x0, "x0").astype(np.float64)
    lr = require_real_scalar(lr, "lr", positive=True)
    steps = require_int(steps, "steps", minimum=0)
    tol = require_real_scalar(tol, "tol", nonnegative=True)

    limit = _BLOW_UP * max(1.0, float(np.max(np.abs(x))))
    path, losses, norms = [x], [_loss(f, x)], []
    status, diverged_at = "converging", None
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(steps + 1):
            g = _gradient(grad, x)
            norms.append(math.sqrt(float(np.vdot(g, g))))
            if norms[-1] <= tol:
                status = "converged"
                break
            if k == steps:
                break
            candidate = x - lr * g
            loss = _loss(f, candidate)
            # One test for inf, nan (comparisons with nan are False) and blow-up.
            if not (float(np.abs(candidate).max()) <= limit and math.isfinite(loss)):
                status, diverged_at = "diverged", k + 1
                break
            x = candidate
            path.append(x)
            losses.append(loss)

    path_array = np.array(path)
    losses_array = np.array(losses)
    if status == "converging":
        recent = losses_array[-max(2, len(losses_array) // 10) :]
        if len(losses_array) > 2 and not recent[-1] < recent[0]:
            status = "stuck"
    moves = np.diff(path_array.reshape(len(path_array), -1), axis=0)
    turns = np.sum(moves[1:] * moves[:-1], axis=1) < 0
    zigzag = bool(turns.size >= 2 and np.mean(turns) > 0.5)
    return DescentRun(
        path=path_array,
        losses=losses_array,
        grad_norms=np.array(norms[: len(path_array)]),
        lr=lr,
        status=status,
        diverged_at=diverged_at,
        zigzag=zigzag,
    )
