r"""Curvature: what the Hessian says about a point, and the quadratic model it makes.

Near a point :math:`p` a smooth function is its second-order Taylor model

.. math::

    f(p + \delta) \approx q(\delta) = f(p) + \nabla f(p) \cdot \delta
    + \tfrac12\, \delta^\top H(p)\, \delta ,

with error :math:`O(\|\delta\|^3)`. At a critical point (:math:`\nabla f = 0`)
the model is the quadratic form alone, so the signs of the eigenvalues of the
symmetric matrix :math:`H` decide the shape (the second-derivative test,
:func:`classify`): all positive, a bowl (minimum); all negative, a dome
(maximum); both signs, a saddle; a zero eigenvalue with no sign change, the
test says nothing (degenerate). The spread of the eigenvalues,
:func:`condition_number`, is what slows gradient descent down and what
Newton's method undoes.

Examples
--------
>>> from calclearn.landscapes import LANDSCAPES
>>> himmelblau = LANDSCAPES["Himmelblau"]
>>> [classify(himmelblau.hess(c.point)) for c in himmelblau.critical_points[:6]]
['minimum', 'minimum', 'minimum', 'minimum', 'maximum', 'saddle']
>>> round(condition_number(LANDSCAPES["Booth"].hess([1.0, 3.0])), 12)
9.0
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import numpy as np

from calclearn._validation import (
    require_callable,
    require_int,
    require_numbers,
    require_real_array,
    require_real_scalar,
    require_vector,
)

__all__ = [
    "CURVATURE_KINDS",
    "PowerIteration",
    "TaylorModel",
    "classify",
    "condition_number",
    "power_iteration",
    "require_symmetric",
    "taylor_model",
]

#: The answers :func:`classify` can give.
CURVATURE_KINDS = ("minimum", "maximum", "saddle", "degenerate")

#: Default relative tolerance of :func:`classify`: eigenvalues within
#: ``1e-8 · max|λ|`` of zero count as zero. Hessians from closed forms or
#: automatic differentiation are exact to a few ulps; central differences are
#: good to about ``1e-8`` relative, which this tolerance still resolves.
DEFAULT_TOLERANCE = 1e-8

# Largest |H - Hᵀ| (relative to max |H|) accepted as rounding and symmetrised
# away; finite-difference Hessians of a learner's own code are symmetric only
# to about 1e-9 relative, an asymmetry beyond this is a bug in the formula.
_SYMMETRY_TOLERANCE = 1e-8


def require_symmetric(H: Any, name: str = "H") -> np.ndarray:
    """``H`` as a finite, symmetric float64 matrix, or a clear error.

    Parameters
    ----------
    H : array_like, shape (n, n)
        A real square matrix, symmetric up to rounding
        (:math:`\\max|H - H^\\top| \\le 10^{-8} \\max|H|`).
    name : str
        What the caller calls the argument, for error messages.

    Returns
    -------
    numpy.ndarray, shape (n, n)
        :math:`(H + H^\\top)/2`: exactly symmetric, a new array.

    Raises
    ------
    TypeError
        If ``H`` is not an array of real numbers.
    ValueError
        If it is not square (at least 1×1), not finite, or not symmetric.

    Examples
    --------
    >>> require_symmetric([[2, 1], [1, 3]]).tolist()
    [[2.0, 1.0], [1.0, 3.0]]
    """
    matrix = require_real_array(H, name).astype(np.float64)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1] or matrix.size == 0:
        raise ValueError(
            f"{name} must be a square matrix of shape (n, n), got shape {matrix.shape}"
        )
    asymmetry = float(np.max(np.abs(matrix - matrix.T)))
    scale = float(np.max(np.abs(matrix)))
    if asymmetry > _SYMMETRY_TOLERANCE * scale:
        raise ValueError(
            f"{name} must be symmetric (a Hessian is, since mixed partials agree); "
            f"max |{name} - {name}ᵀ| = {asymmetry:.3g} against max |{name}| = "
            f"{scale:.3g}"
        )
    return 0.5 * (matrix + matrix.T)


def classify(H: Any, tol: float = DEFAULT_TOLERANCE) -> str:
    r"""The second-derivative test: what kind of critical point ``H`` belongs to.

    With :math:`\lambda_1, \dots, \lambda_n` the eigenvalues of the symmetric
    Hessian and :math:`s = \max_i |\lambda_i|`, an eigenvalue counts as zero
    when :math:`|\lambda_i| \le \mathrm{tol} \cdot s` (a *relative* tolerance:
    multiplying :math:`f` by any positive constant does not change the answer).
    Then

    - ``"saddle"`` if some eigenvalue is positive and some negative (even if
      others are zero: :math:`f` rises along one eigenvector and falls along
      another);
    - ``"minimum"`` if all are positive, ``"maximum"`` if all are negative;
    - ``"degenerate"`` otherwise: a zero eigenvalue and no sign change, or
      :math:`H = 0`. The test is inconclusive there: higher derivatives decide
      (the monkey saddle :math:`x^3 - 3xy^2` has :math:`H = 0` at a saddle,
      :math:`x^4 + y^4` at a minimum).

    Applied to the Hessian at a point that is not critical, the answer
    describes the local shape of :math:`f` (convex, concave or neither).

    Parameters
    ----------
    H : array_like, shape (n, n)
        Symmetric Hessian (see :func:`require_symmetric`).
    tol : float
        Relative tolerance, ``0 <= tol < 1``.

    Returns
    -------
    str
        One of :data:`CURVATURE_KINDS`.

    Examples
    --------
    >>> classify([[2.0, 0.0], [0.0, -2.0]]), classify([[1.0, 0.0], [0.0, 1e-12]])
    ('saddle', 'degenerate')
    >>> classify([[-1.0, 0.0], [0.0, -3.0]]), classify([[0.0, 0.0], [0.0, 0.0]])
    ('maximum', 'degenerate')
    """
    eigenvalues = np.linalg.eigvalsh(require_symmetric(H, "H"))
    tol = require_real_scalar(tol, "tol", nonnegative=True)
    if tol >= 1:
        raise ValueError(f"tol must be below 1 (a fraction of max|λ|), got {tol}")
    threshold = tol * float(np.max(np.abs(eigenvalues)))
    positive = bool(np.any(eigenvalues > threshold))
    negative = bool(np.any(eigenvalues < -threshold))
    zero = bool(np.any(np.abs(eigenvalues) <= threshold))
    if positive and negative:
        return "saddle"
    if zero:
        return "degenerate"
    return "minimum" if positive else "maximum"


def condition_number(H: Any) -> float:
    r"""The condition number :math:`\kappa_2(H) = \max|\lambda_i| / \min|\lambda_i|`.

    For a positive-definite Hessian this is :math:`\lambda_{max}/\lambda_{min}`,
    the ratio of the steepest to the flattest curvature: the number that slows
    gradient descent down (its best rate is :math:`(\kappa-1)/(\kappa+1)`) and
    the number of digits :math:`\log_{10}\kappa` a linear solve with :math:`H`
    can lose. For any symmetric matrix the singular values are the
    :math:`|\lambda_i|`, so the same formula is the 2-norm condition number of
    an indefinite :math:`H` too.

    Parameters
    ----------
    H : array_like, shape (n, n)
        Symmetric matrix (see :func:`require_symmetric`).

    Returns
    -------
    float
        :math:`\ge 1`; ``inf`` when :math:`H` is singular (an eigenvalue is
        exactly 0, including :math:`H = 0`).

    Examples
    --------
    >>> condition_number([[1.0, 0.0], [0.0, 100.0]])
    100.0
    >>> condition_number([[2.0, 0.0], [0.0, -4.0]]), condition_number([[1, 0], [0, 0]])
    (2.0, inf)
    """
    magnitudes = np.abs(np.linalg.eigvalsh(require_symmetric(H, "H")))
    smallest = float(magnitudes.min())
    if smallest == 0:
        return float("inf")
    return float(magnitudes.max()) / smallest


def _as_values(values: Any, name: str) -> np.ndarray:
    """What a learner's ``f`` returned at a batch of points, as floats."""
    array = require_numbers(values, name)
    if np.iscomplexobj(array) or array.dtype == bool:
        raise TypeError(f"{name} must return real numbers, got dtype {array.dtype}")
    return array.astype(np.float64)


@dataclass(frozen=True)
class TaylorModel:
    r"""The quadratic model of :math:`f` at :math:`p` (:math:`\delta = x - p`):

    .. math:: q(x) = f(p) + g \cdot \delta + \tfrac12\, \delta^\top H \delta

    Made by :func:`taylor_model`. Calling it evaluates :math:`q` at points of
    shape ``(..., n)`` (vectorised over the leading axes).

    Attributes
    ----------
    point : numpy.ndarray, shape (n,)
        :math:`p`.
    value : float
        :math:`f(p)`.
    gradient : numpy.ndarray, shape (n,)
        :math:`g = \nabla f(p)`.
    hessian : numpy.ndarray, shape (n, n)
        :math:`H = \nabla^2 f(p)`, symmetric.
    function : callable
        :math:`f` itself, for :meth:`error`.
    """

    point: np.ndarray
    value: float
    gradient: np.ndarray
    hessian: np.ndarray
    function: Callable = field(repr=False, compare=False)
    # Whether `function` takes a batch (..., n) at once (a landscape does).
    vectorised: bool = field(default=False, repr=False, compare=False)

    def _offsets(self, points: Any) -> np.ndarray:
        x = require_real_array(points, "points").astype(np.float64)
        if x.ndim == 0 or x.shape[-1] != self.point.size:
            raise ValueError(
                f"points must have shape (..., {self.point.size}), got shape {x.shape}"
            )
        return x - self.point

    def __call__(self, points: Any) -> np.ndarray:
        """:math:`q` at ``points`` of shape ``(..., n)``; returns shape ``(...)``."""
        delta = self._offsets(points)
        curvature = np.einsum("...i,ij,...j->...", delta, self.hessian, delta)
        return self.value + delta @ self.gradient + 0.5 * curvature

    def error(self, points: Any) -> np.ndarray:
        r""":math:`f(x) - q(x)` at ``points`` of shape ``(..., n)``.

        It shrinks like :math:`\|x - p\|^3` as :math:`x \to p` (for :math:`f`
        with continuous third derivatives).
        """
        delta = self._offsets(points)
        x = delta + self.point
        if self.vectorised:
            values = _as_values(self.function(x), "f")
        else:
            flat = x.reshape(-1, self.point.size)
            values = np.array(
                [float(_as_values(self.function(row.copy()), "f")) for row in flat]
            ).reshape(x.shape[:-1])
        return values - self(x)

    @property
    def kind(self) -> str:
        """:func:`classify` of :attr:`hessian`: a bowl, a dome or a saddle."""
        return classify(self.hessian)

    @property
    def stationary_point(self) -> np.ndarray | None:
        r"""Where :math:`\nabla q = 0`: :math:`p - H^{-1} g`, the Newton step's target.

        None when :math:`H` is singular (no unique stationary point). It is the
        model's minimum only when :attr:`kind` is ``"minimum"``.
        """
        eigenvalues, vectors = np.linalg.eigh(self.hessian)
        scale = float(np.max(np.abs(eigenvalues)))
        if np.min(np.abs(eigenvalues)) <= self.point.size * np.finfo(float).eps * scale:
            return None
        return self.point - vectors @ ((vectors.T @ self.gradient) / eigenvalues)


def taylor_model(
    f: Any, point: Any, gradient: Any = None, hessian: Any = None
) -> TaylorModel:
    r"""The second-order Taylor model of ``f`` at ``point``.

    .. math::

        q(p + \delta) = f(p) + \nabla f(p) \cdot \delta
        + \tfrac12\, \delta^\top \nabla^2 f(p)\, \delta

    Parameters
    ----------
    f : Landscape, str or callable
        A :class:`~calclearn.landscapes.Landscape` or its name (its exact
        gradient and Hessian are used), or a function ``f(p)`` of a 1-D array
        returning one number.
    point : array_like, shape (n,)
        The point :math:`p`.
    gradient : array_like, shape (n,), optional
        :math:`\nabla f(p)`; by default the landscape's formula, or central
        differences (:func:`calclearn.differentiation.gradient`) for a function.
    hessian : array_like, shape (n, n), optional
        :math:`\nabla^2 f(p)`, symmetric; by default the landscape's formula,
        or central differences (:func:`calclearn.differentiation.hessian`).

    Returns
    -------
    TaylorModel

    Raises
    ------
    TypeError, ValueError
        Naming the argument: ``f`` not a function or landscape, ``point`` not a
        finite vector, ``gradient``/``hessian`` of the wrong shape, not finite
        or not symmetric.

    Examples
    --------
    >>> model = taylor_model("Himmelblau", [0.0, 0.0])
    >>> float(model.value), model.gradient.tolist(), model.kind
    (170.0, [-14.0, -22.0], 'maximum')
    >>> float(model([0.1, 0.0]))  # 170 - 1.4 + ½ · (-42) · 0.01
    168.39
    """
    from calclearn.differentiation import gradient as difference_gradient
    from calclearn.differentiation import hessian as difference_hessian
    from calclearn.landscapes import Landscape, as_landscape

    p = require_vector(point, "point").astype(np.float64)
    n = p.size
    if isinstance(f, (Landscape, str)):
        landscape = as_landscape(f, "f")
        if n != 2:
            raise ValueError(
                f"point must be (x, y) for a landscape, got shape {p.shape}"
            )
        function, vectorised = landscape.value, True
        exact_gradient, exact_hessian = landscape.gradient, landscape.hessian
    else:
        function, vectorised = require_callable(f, "f"), False
        exact_gradient = partial(difference_gradient, function)
        exact_hessian = partial(difference_hessian, function)
    value = _as_values(function(p.copy()), "f")
    if value.shape != () or not np.isfinite(value):
        raise ValueError(
            f"f must return one finite number at {p.tolist()}, got {value!r}"
        )
    if gradient is None:
        gradient = exact_gradient(p.copy())
    slopes = require_real_array(gradient, "gradient").astype(np.float64)
    if slopes.shape != (n,):
        raise ValueError(f"gradient must have shape ({n},), got {slopes.shape}")
    if hessian is None:
        hessian = exact_hessian(p.copy())
    curvature = require_symmetric(hessian, "hessian")
    if curvature.shape != (n, n):
        raise ValueError(f"hessian must have shape ({n}, {n}), got {curvature.shape}")
    for array in (p, slopes, curvature):
        array.setflags(write=False)
    return TaylorModel(p, float(value), slopes, curvature, function, vectorised)


@dataclass(frozen=True)
class PowerIteration:
    r"""The result of :func:`power_iteration`.

    Attributes
    ----------
    eigenvalue : float
        The estimate of the eigenvalue of largest magnitude (the last
        Rayleigh quotient :math:`v^\top H v`).
    eigenvector : numpy.ndarray, shape (n,)
        The unit vector :math:`v` it belongs to.
    estimates : numpy.ndarray, shape (k,)
        The Rayleigh quotient after each product, to plot the convergence.
    converged : bool
        Whether two successive estimates agreed to the tolerance.
    """

    eigenvalue: float
    eigenvector: np.ndarray
    estimates: np.ndarray
    converged: bool

    @property
    def products(self) -> int:
        """How many Hessian-vector products were used."""
        return len(self.estimates)


def power_iteration(
    hvp: Any, start: Any, *, steps: int = 1000, tol: float = 1e-10
) -> PowerIteration:
    r"""The eigenvalue of largest magnitude of a symmetric H, from products Hv only.

    .. math::

        v_{k+1} = \frac{H v_k}{\|H v_k\|}, \qquad
        \lambda \approx v_k^\top H v_k

    The component of :math:`v_k` along the top eigenvector grows by
    :math:`|\lambda_1 / \lambda_2|` per step relative to the next one, so the
    convergence is linear with that ratio (and the Rayleigh quotient's error
    shrinks with its square). No n×n matrix is formed: ``hvp`` may be a
    Hessian-vector product from automatic differentiation or from
    differences of gradients. For a positive-definite Hessian this is
    :math:`\lambda_{max}`, and :math:`2/\lambda_{max}` is the largest stable
    learning rate of gradient descent near that point.

    Parameters
    ----------
    hvp : callable or array_like, shape (n, n)
        ``hvp(v)`` returns :math:`Hv` (shape (n,)); or the symmetric matrix.
    start : array_like, shape (n,)
        The start vector; not zero (and, to find the top eigenvalue, not
        orthogonal to its eigenvector: a random vector almost surely is not).
    steps : int
        Maximum number of products, 1 to 1,000,000.
    tol : float
        Stop when two successive estimates differ by at most
        ``tol · |estimate|``.

    Returns
    -------
    PowerIteration

    Raises
    ------
    TypeError, ValueError
        Naming the argument: ``hvp`` not a function or matrix, ``start`` zero
        or of the wrong length, ``hvp`` returning the wrong shape or non-finite
        numbers.

    Examples
    --------
    >>> result = power_iteration(lambda v: [10 * v[0] + 8 * v[1], 8 * v[0] + 10 * v[1]],
    ...                          [1.0, 0.0])
    >>> round(result.eigenvalue, 10), result.converged  # Booth's Hessian: 2 and 18
    (18.0, True)
    """
    if callable(hvp):
        product = hvp
    else:
        matrix = require_symmetric(hvp, "hvp")
        product = matrix.__matmul__
    v = require_vector(start, "start").astype(np.float64)
    if not callable(hvp) and v.shape != (len(matrix),):
        raise ValueError(
            f"start must have shape ({len(matrix)},) to match hvp, got {v.shape}"
        )
    size = float(np.linalg.norm(v))
    if size == 0:
        raise ValueError("start must not be the zero vector")
    steps = require_int(steps, "steps", minimum=1, maximum=1_000_000)
    tol = require_real_scalar(tol, "tol", nonnegative=True)
    v = v / size
    estimates: list[float] = []
    converged = False
    for _ in range(steps):
        w = _as_values(product(v.copy()), "hvp")
        if w.shape != v.shape:
            raise ValueError(f"hvp must return shape {v.shape}, got {w.shape}")
        if not np.all(np.isfinite(w)):
            raise ValueError(f"hvp returned non-finite numbers: {w.tolist()}")
        estimates.append(float(v @ w))
        if len(estimates) > 1 and abs(estimates[-1] - estimates[-2]) <= tol * abs(
            estimates[-1]
        ):
            converged = True
            break
        length = float(np.linalg.norm(w))
        if length == 0:  # v is in the null space: H v = 0, eigenvalue 0
            converged = True
            break
        v = w / length
    v.setflags(write=False)
    return PowerIteration(estimates[-1], v, np.array(estimates), converged)
