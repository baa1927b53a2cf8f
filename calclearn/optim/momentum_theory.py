r"""Momentum as a heavy ball: the theory of Chapter 6, on a quadratic.

On :math:`f(p) = \tfrac12 (p - p^\ast)^\top A (p - p^\ast)`, gradient descent
with momentum in PyTorch's form (:class:`calclearn.optim.SGD` with
``momentum`` :math:`\beta`, no dampening)

.. math::

    b_t = \beta b_{t-1} + \nabla f(p_{t-1}), \qquad p_t = p_{t-1} - \eta b_t

is, eliminating the buffer, the heavy-ball recurrence
:math:`p_{t+1} = p_t - \eta\nabla f(p_t) + \beta(p_t - p_{t-1})`. In the
eigenbasis of :math:`A` the error :math:`e = p - p^\ast` splits into
independent components, one per eigenvalue :math:`\lambda`, each a damped
oscillator

.. math::

    \begin{pmatrix} e_{t+1} \\ e_t \end{pmatrix} =
    \underbrace{\begin{pmatrix} 1 + \beta - \eta\lambda & -\beta \\ 1 & 0
    \end{pmatrix}}_{M(\lambda)}
    \begin{pmatrix} e_t \\ e_{t-1} \end{pmatrix},

which shrinks like :math:`\rho(\lambda)^t`, :math:`\rho` the spectral radius of
:math:`M`: the larger modulus of the roots of
:math:`z^2 - (1 + \beta - \eta\lambda) z + \beta`. Complex roots (an
under-damped, oscillating component) have modulus :math:`\sqrt\beta` exactly.
The best setting (Polyak) makes both extreme components critically damped:

.. math::

    \eta^\ast = \frac{4}{(\sqrt{\lambda_{max}} + \sqrt{\lambda_{min}})^2},\quad
    \beta^\ast = \Big(\frac{\sqrt\kappa - 1}{\sqrt\kappa + 1}\Big)^2,\quad
    \rho^\ast = \frac{\sqrt\kappa - 1}{\sqrt\kappa + 1},

against :math:`(\kappa - 1)/(\kappa + 1)` for the best plain gradient descent.
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
    require_real_array,
    require_real_scalar,
    require_vector,
)


def _momentum(value: Any, name: str = "momentum") -> np.ndarray:
    beta = require_real_array(value, name)
    if np.any((beta < 0) | (beta >= 1)):
        raise ValueError(f"{name} must lie in [0, 1), got {value!r}")
    return beta


def _nonnegative(value: Any, name: str) -> np.ndarray:
    array = require_real_array(value, name)
    if np.any(array < 0):
        raise ValueError(f"{name} must be >= 0, got {value!r}")
    return array


def heavy_ball_matrix(curvature: float, lr: float, momentum: float) -> np.ndarray:
    r"""The 2×2 matrix :math:`M` that advances one eigen-component one step.

    .. math::

        M = \begin{pmatrix} 1 + \beta - \eta\lambda & -\beta \\ 1 & 0
        \end{pmatrix}, \qquad
        (e_{t+1}, e_t) = M\,(e_t, e_{t-1})

    Parameters
    ----------
    curvature : float
        The eigenvalue :math:`\lambda` of the Hessian for this component.
    lr : float
        The learning rate :math:`\eta \ge 0`.
    momentum : float
        :math:`\beta \in [0, 1)`.

    Returns
    -------
    numpy.ndarray, shape (2, 2)

    Examples
    --------
    >>> heavy_ball_matrix(4.0, 0.25, 0.5).tolist()
    [[0.5, -0.5], [1.0, 0.0]]
    """
    lam = float(require_real_scalar(curvature, "curvature"))
    eta = float(_nonnegative(lr, "lr"))
    beta = float(_momentum(momentum))
    return np.array([[1.0 + beta - eta * lam, -beta], [1.0, 0.0]])


def component_rate(curvature: Any, lr: Any, momentum: Any) -> np.ndarray:
    r"""Per-step factor :math:`\rho(\lambda)` of one eigen-component, in closed form.

    The larger modulus of the roots of :math:`z^2 - a z + \beta`,
    :math:`a = 1 + \beta - \eta\lambda`: :math:`\sqrt\beta` when
    :math:`a^2 < 4\beta` (complex roots: the component oscillates), else
    :math:`(|a| + \sqrt{a^2 - 4\beta})/2`. Broadcasts over its arguments
    (for a map of :math:`\eta \times \beta`).

    Parameters
    ----------
    curvature : float or array_like
        :math:`\lambda`.
    lr : float or array_like
        :math:`\eta \ge 0`.
    momentum : float or array_like
        :math:`\beta \in [0, 1)`.

    Returns
    -------
    numpy.ndarray
        :math:`\rho`; the component shrinks iff :math:`\rho < 1`.

    Examples
    --------
    >>> float(component_rate(1.0, 0.5, 0.0))  # plain descent: |1 - ηλ|
    0.5
    >>> float(component_rate(1.0, 1.0, 0.25))  # complex roots: sqrt(β)
    0.5
    """
    lam = require_real_array(curvature, "curvature")
    eta = _nonnegative(lr, "lr")
    beta = _momentum(momentum)
    a = 1.0 + beta - eta * lam
    discriminant = a * a - 4.0 * beta
    real = 0.5 * (np.abs(a) + np.sqrt(np.maximum(discriminant, 0.0)))
    return np.where(discriminant < 0, np.sqrt(beta), real)


def heavy_ball_rate(eigenvalues: Any, lr: Any, momentum: Any) -> np.ndarray:
    r"""The worst per-step factor :math:`\max_i \rho(\lambda_i)` on a quadratic.

    The error shrinks like :math:`\rho^t` in the long run (for :math:`\beta = 0`
    this is :func:`calclearn.linalg.contraction_factor`).

    Parameters
    ----------
    eigenvalues : sequence of float
        The Hessian's eigenvalues.
    lr, momentum : float or array_like
        As for :func:`component_rate` (they broadcast together).

    Returns
    -------
    numpy.ndarray

    Examples
    --------
    >>> best = optimal_heavy_ball(1.0, 100.0)
    >>> # A double root there: rounding of order 1e-16 in the discriminant
    >>> # shows as 1e-8 after its square root.
    >>> round(float(heavy_ball_rate([1.0, 100.0], best.lr, best.momentum)), 6)
    0.818182
    """
    values = require_real_array(eigenvalues, "eigenvalues").ravel()
    if values.size == 0:
        raise ValueError("eigenvalues must hold at least one value")
    return np.max(
        [component_rate(lam, lr, momentum) for lam in values.tolist()], axis=0
    )


@dataclass(frozen=True)
class HeavyBallSettings:
    r"""The best heavy-ball settings for a quadratic, and what they achieve.

    Attributes
    ----------
    lr : float
        :math:`\eta^\ast = 4/(\sqrt{\lambda_{max}} + \sqrt{\lambda_{min}})^2`.
    momentum : float
        :math:`\beta^\ast = ((\sqrt\kappa - 1)/(\sqrt\kappa + 1))^2`.
    rate : float
        :math:`\rho^\ast = (\sqrt\kappa - 1)/(\sqrt\kappa + 1)`.
    descent_lr : float
        The best plain step :math:`2/(\lambda_{min} + \lambda_{max})`.
    descent_rate : float
        What it achieves: :math:`(\kappa - 1)/(\kappa + 1)`.
    """

    lr: float
    momentum: float
    rate: float
    descent_lr: float
    descent_rate: float


def optimal_heavy_ball(smallest: float, largest: float) -> HeavyBallSettings:
    r"""Polyak's best learning rate and momentum for eigenvalues in
    :math:`[\lambda_{min}, \lambda_{max}]`.

    Parameters
    ----------
    smallest, largest : float
        :math:`0 < \lambda_{min} \le \lambda_{max}`.

    Returns
    -------
    HeavyBallSettings

    Raises
    ------
    ValueError
        Naming the argument: a non-positive ``smallest``, or ``largest`` below
        ``smallest``.

    Examples
    --------
    >>> best = optimal_heavy_ball(1.0, 100.0)  # κ = 100, √κ = 10
    >>> round(best.rate, 12), round(best.descent_rate, 12)  # 9/11 vs 99/101
    (0.818181818182, 0.980198019802)
    >>> round(best.lr, 12), round(best.momentum, 12)  # 4/121, (9/11)²
    (0.03305785124, 0.669421487603)
    """
    low = require_real_scalar(smallest, "smallest", positive=True)
    high = require_real_scalar(largest, "largest", positive=True)
    if high < low:
        raise ValueError(f"largest must be >= smallest = {low}, got {high}")
    root_low, root_high = math.sqrt(low), math.sqrt(high)
    rate = (root_high - root_low) / (root_high + root_low)
    return HeavyBallSettings(
        lr=4.0 / (root_high + root_low) ** 2,
        momentum=rate * rate,
        rate=rate,
        descent_lr=2.0 / (low + high),
        descent_rate=(high - low) / (high + low),
    )


def stability_limit(largest: float, momentum: Any) -> np.ndarray:
    r"""The largest stable rate with momentum: :math:`2(1 + \beta)/\lambda_{max}`.

    Every component shrinks iff :math:`0 < \eta\lambda_i < 2(1 + \beta)` for
    all :math:`i` (and :math:`0 \le \beta < 1`): momentum roughly doubles the
    room that plain descent's :math:`2/\lambda_{max}` leaves.

    Examples
    --------
    >>> stability_limit(10.0, [0.0, 0.5]).tolist()
    [0.2, 0.3]
    """
    high = require_real_scalar(largest, "largest", positive=True)
    return 2.0 * (1.0 + _momentum(momentum)) / high


def critical_damping_lrs(curvature: float, momentum: Any) -> tuple[Any, Any]:
    r"""The learning rates at which the component of ``curvature`` is critically damped.

    :math:`\eta\lambda = (1 - \sqrt\beta)^2` and :math:`(1 + \sqrt\beta)^2`
    (a double root). Between them the component oscillates with modulus
    :math:`\sqrt\beta`; below the first it crawls (over-damped), above the
    second it flips sign every step.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        The lower and upper learning rate.

    Examples
    --------
    >>> low, high = critical_damping_lrs(4.0, 0.25)
    >>> float(low), float(high)  # (1 ∓ 0.5)² / 4
    (0.0625, 0.5625)
    """
    lam = require_real_scalar(curvature, "curvature", positive=True)
    root = np.sqrt(_momentum(momentum))
    return (1.0 - root) ** 2 / lam, (1.0 + root) ** 2 / lam


#: |p| beyond this (relative to the start) counts as divergence, as in
#: :func:`calclearn.optim.gradient_descent`.
_BLOW_UP = 1e6


def heavy_ball_path(
    gradient: Callable[[np.ndarray], np.ndarray],
    x0: Any,
    lr: float,
    momentum: float,
    steps: int,
) -> np.ndarray:
    r"""The iterates of :class:`~calclearn.optim.SGD` with momentum, fast.

    The same arithmetic as ``SGD(lr=lr, momentum=momentum)`` (PyTorch's
    buffer :math:`b_1 = g_1`, :math:`b_t = \beta b_{t-1} + g_t`,
    :math:`p_t = p_{t-1} - \eta b_t`), without the tensors: the path is the
    one :func:`calclearn.optim.minimize` takes, to the bit, at a tenth of the
    cost, for explorers that recompute it on every slider move. It stops
    early at a step that blows up (:math:`|p|` beyond :math:`10^6`) or leaves
    the function's domain.

    Parameters
    ----------
    gradient : callable
        :math:`\nabla f`, point (2,) to array (2,).
    x0 : (float, float)
        Start point.
    lr : float
        :math:`\eta \ge 0`.
    momentum : float
        :math:`\beta \in [0, 1)`.
    steps : int
        Most steps.

    Returns
    -------
    numpy.ndarray, shape (k + 1, 2)
        :math:`p_0, \dots, p_k`, all finite (:math:`k \le` ``steps``).

    Examples
    --------
    >>> path = heavy_ball_path(lambda p: 2 * p, [1.0, -2.0], 0.1, 0.9, 2)
    >>> path.round(12).tolist()  # b1 = (2, -4), p1 = (0.8, -1.6); b2 = 0.9 b1 + 2 p1
    [[1.0, -2.0], [0.8, -1.6], [0.46, -0.92]]
    """
    gradient = require_callable(gradient, "gradient")
    point = require_vector(x0, "x0").astype(np.float64)
    if point.shape != (2,):
        raise ValueError(f"x0 must be a point (x, y), got {x0!r}")
    eta = float(_nonnegative(lr, "lr"))
    beta = float(_momentum(momentum))
    steps = require_int(steps, "steps", minimum=0)
    limit = _BLOW_UP * max(1.0, float(np.max(np.abs(point))))
    path = np.empty((steps + 1, 2))
    path[0] = point
    buffer = None
    taken = 0
    with np.errstate(all="ignore"):
        for k in range(steps):
            g = np.asarray(gradient(point), dtype=np.float64)
            if not np.all(np.isfinite(g)):
                break
            if beta == 0:
                step = g
            else:
                # (1 - dampening) * g with dampening 0, as SGD computes it.
                buffer = g.copy() if buffer is None else buffer * beta + 1.0 * g
                step = buffer
            point = point - eta * step
            if not (np.all(np.isfinite(point)) and np.max(np.abs(point)) <= limit):
                break
            path[k + 1] = point
            taken = k + 1
    return path[: taken + 1]


def eigen_components(points: Any, minimum: Any, hessian: Any) -> np.ndarray:
    r"""The error :math:`p - p^\ast` in the Hessian's eigenbasis.

    Column :math:`i` is :math:`u_i^\top (p - p^\ast)` for the unit eigenvector
    :math:`u_i` of the :math:`i`-th smallest eigenvalue (sign fixed so that
    its largest entry is positive): on a quadratic, each column evolves on
    its own, as a damped oscillator.

    Parameters
    ----------
    points : array_like, shape (k, 2)
    minimum : (float, float)
        :math:`p^\ast`.
    hessian : array_like, shape (2, 2)
        Symmetric.

    Returns
    -------
    numpy.ndarray, shape (k, 2)

    Examples
    --------
    >>> hessian = [[1.0, 0.0], [0.0, 5.0]]
    >>> components = eigen_components([[3.0, 1.0]], [1.0, 1.0], hessian)
    >>> (components.round(12) + 0.0).tolist()
    [[2.0, 0.0]]
    """
    from calclearn.linalg import symmetric_eigen

    path = require_real_array(points, "points")
    if path.ndim != 2 or path.shape[1] != 2:
        raise ValueError(f"points must have shape (k, 2), got {path.shape}")
    center = require_vector(minimum, "minimum")
    vectors = symmetric_eigen(hessian).eigenvectors.copy()
    for i in range(2):  # a fixed sign: curves do not flip between landscapes
        if vectors[np.argmax(np.abs(vectors[:, i])), i] < 0:
            vectors[:, i] *= -1
    return (path - center) @ vectors
