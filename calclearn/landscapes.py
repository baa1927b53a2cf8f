r"""Two-dimensional loss surfaces with exact gradients, Hessians and critical points.

Every chapter after the first runs its optimisers on these surfaces. Each
:class:`Landscape` carries its value, gradient and Hessian as hand-written
numpy formulas, vectorised over leading axes (a point has shape ``(..., 2)``;
the value has shape ``(...)``, the gradient ``(..., 2)`` and the Hessian
``(..., 2, 2)``), together with its known critical points, a plotting window,
a start point, a LaTeX formula and the sympy expression.

The formulas are written by hand rather than compiled from sympy because
gradient descent calls them hundreds of times per slider movement; sympy is
kept as the independent check (see the tests and :attr:`Landscape.expression`).

Examples
--------
>>> rosen = LANDSCAPES["Rosenbrock"]
>>> float(rosen.f([-1.5, 2.0])), rosen.grad([-1.5, 2.0]).tolist()
(12.5, [-155.0, -50.0])
>>> [c.kind for c in LANDSCAPES["Himmelblau"].critical_points].count("minimum")
4
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np
import sympy

from calclearn._validation import (
    require_callable,
    require_choice,
    require_real_array,
    require_real_scalar,
    require_vector,
)

__all__ = [
    "LANDSCAPES",
    "CriticalPoint",
    "Landscape",
    "QuadraticBowl",
    "as_landscape",
    "quadratic_bowl",
]

#: The kinds a :class:`CriticalPoint` can have.
KINDS = ("minimum", "maximum", "saddle")

# Every expression is written in these plain symbols, so that
# ``sympy.symbols("x y")`` in a notebook or a test finds the same variables.
_X, _Y = sympy.symbols("x y")

_FLOAT64 = np.dtype(np.float64)

Window = tuple[tuple[float, float], tuple[float, float]]


@dataclass(frozen=True)
class CriticalPoint:
    """A point where the gradient vanishes, and what kind of point it is.

    Parameters
    ----------
    point : tuple of float
        The coordinates ``(x, y)``.
    kind : {"minimum", "maximum", "saddle"}
        The classification (from the eigenvalues of the Hessian where the
        second-derivative test decides it).
    note : str, optional
        Anything a learner should know, e.g. why the second-derivative test
        says nothing at this point.

    Examples
    --------
    >>> CriticalPoint([1, 3], "minimum")
    CriticalPoint(point=(1.0, 3.0), kind='minimum', note='')
    """

    point: tuple[float, float]
    kind: str
    note: str = ""

    def __post_init__(self) -> None:
        coordinates = require_vector(self.point, "point")
        if coordinates.shape != (2,):
            raise ValueError(
                f"point must be two coordinates (x, y), got shape {coordinates.shape}"
            )
        require_choice(self.kind, "kind", KINDS)
        if not isinstance(self.note, str):
            raise TypeError(f"note must be a string, got {type(self.note).__name__}")
        # A tuple keeps the frozen dataclass hashable and truly immutable.
        object.__setattr__(
            self, "point", (float(coordinates[0]), float(coordinates[1]))
        )


def _as_points(point: Any) -> np.ndarray:
    """``point`` as a finite float64 array of shape ``(..., 2)``, or raise."""
    # Hot path: gradient descent hands over one float64 point of shape (2,) per
    # step, so check that case with two float comparisons (~0.2 µs) instead of
    # the general conversion (~2 µs).
    if type(point) is np.ndarray and point.shape == (2,) and point.dtype == _FLOAT64:
        x, y = point.tolist()
        if math.isfinite(x) and math.isfinite(y):
            return point
    array = require_real_array(point, "point").astype(np.float64, copy=False)
    if array.ndim == 0 or array.shape[-1] != 2:
        raise ValueError(
            "point must have shape (..., 2), with x and y along the last axis, "
            f"got shape {array.shape}"
        )
    return array


def _vectorise(
    value_xy: Callable, gradient_xy: Callable, hessian_xy: Callable
) -> tuple[Callable, Callable, Callable]:
    """Turn formulas in ``x`` and ``y`` into functions of points ``(..., 2)``.

    The formulas use only ``+``, ``-`` and ``*`` (no ``**``, which raises
    ``OverflowError`` on Python floats), so they run unchanged on Python
    floats and on numpy arrays. A single point takes the Python-float path:
    scalar arithmetic costs tens of nanoseconds where each numpy operation on
    a 0-d array costs about half a microsecond. Both paths round identically
    (IEEE double, same operations in the same order), so they agree to the bit.
    """

    def value(points: Any) -> np.ndarray:
        if type(points) is not np.ndarray or points.dtype != _FLOAT64:
            points = np.asarray(points, dtype=np.float64)  # e.g. `start`, ints
        if points.ndim == 1:
            x, y = points.tolist()
            return np.float64(value_xy(x, y))
        return value_xy(points[..., 0], points[..., 1])

    def gradient(points: Any) -> np.ndarray:
        if type(points) is not np.ndarray or points.dtype != _FLOAT64:
            points = np.asarray(points, dtype=np.float64)  # e.g. `start`, ints
        if points.ndim == 1:
            x, y = points.tolist()
            return np.array(gradient_xy(x, y), dtype=np.float64)
        gx, gy = gradient_xy(points[..., 0], points[..., 1])
        out = np.empty(points.shape)
        out[..., 0] = gx
        out[..., 1] = gy
        return out

    def hessian(points: Any) -> np.ndarray:
        if type(points) is not np.ndarray or points.dtype != _FLOAT64:
            points = np.asarray(points, dtype=np.float64)  # e.g. `start`, ints
        if points.ndim == 1:
            x, y = points.tolist()
            hxx, hxy, hyy = hessian_xy(x, y)
            return np.array(((hxx, hxy), (hxy, hyy)), dtype=np.float64)
        hxx, hxy, hyy = hessian_xy(points[..., 0], points[..., 1])
        # Assignment broadcasts, so constant entries (Booth, the bowl) just work.
        out = np.empty((*points.shape, 2))
        out[..., 0, 0] = hxx
        out[..., 0, 1] = hxy
        out[..., 1, 0] = hxy
        out[..., 1, 1] = hyy
        return out

    return value, gradient, hessian


def _window(value: Any) -> Window:
    array = require_real_array(value, "window")
    if array.shape != (2, 2):
        raise ValueError(
            f"window must be ((xmin, xmax), (ymin, ymax)), got shape {array.shape}"
        )
    (xmin, xmax), (ymin, ymax) = array.tolist()
    if not (xmin < xmax and ymin < ymax):
        raise ValueError(
            f"window must have xmin < xmax and ymin < ymax, got {array.tolist()}"
        )
    return (float(xmin), float(xmax)), (float(ymin), float(ymax))


def _pair(value: Any, name: str) -> tuple[float, float]:
    array = require_vector(value, name)
    if array.shape != (2,):
        raise ValueError(f"{name} must be two coordinates (x, y), got {value!r}")
    return float(array[0]), float(array[1])


@dataclass(frozen=True)
class Landscape:
    r"""A loss surface :math:`f(x, y)` with its derivatives and landmarks.

    Parameters
    ----------
    name : str
        Display name, e.g. for a dropdown; also the key in :data:`LANDSCAPES`.
    latex : str
        The formula in LaTeX (without dollar signs), for titles.
    expression : sympy.Expr
        The same formula in sympy, in the symbols ``x, y = sympy.symbols("x y")``,
        for exact checks in tests and notebooks.
    value, gradient, hessian : callable
        The fast formulas. They take points of shape ``(..., 2)`` (a float
        array, or a tuple or list) and return shapes ``(...)``, ``(..., 2)``
        and ``(..., 2, 2)``, in float64. They do not check their argument
        (for speed in inner loops); :meth:`f`, :meth:`grad` and :meth:`hess`
        do, and raise a clear error on a wrong shape, nan or text.
    window : ((float, float), (float, float))
        Suggested plotting window ``((xmin, xmax), (ymin, ymax))``.
    start : (float, float)
        Suggested start point for an optimiser.
    critical_points : tuple of CriticalPoint
        The known minima, and the maxima and saddles that matter.

    Notes
    -----
    Two landscapes are equal when everything but the numpy functions is: the
    sympy expression stands for the function.

    Examples
    --------
    >>> booth = LANDSCAPES["Booth"]
    >>> booth.latex
    '(x + 2y - 7)^2 + (2x + y - 5)^2'
    >>> booth.grad([[1.0, 3.0], [0.0, 0.0]]).tolist()
    [[0.0, 0.0], [-34.0, -38.0]]
    >>> booth.expression.subs({"x": 1, "y": 3})
    0
    """

    name: str
    latex: str
    expression: sympy.Expr = field(repr=False)
    # Equality goes by the formula, not by function identity, so that
    # quadratic_bowl() == quadratic_bowl() although each builds new closures.
    value: Callable[[np.ndarray], Any] = field(repr=False, compare=False)
    gradient: Callable[[np.ndarray], np.ndarray] = field(repr=False, compare=False)
    hessian: Callable[[np.ndarray], np.ndarray] = field(repr=False, compare=False)
    window: Window
    start: tuple[float, float]
    critical_points: tuple[CriticalPoint, ...] = field(repr=False)

    def __post_init__(self) -> None:
        for label in ("name", "latex"):
            text = getattr(self, label)
            if not isinstance(text, str):
                raise TypeError(f"{label} must be a string, got {type(text).__name__}")
        if not isinstance(self.expression, sympy.Expr):
            raise TypeError(
                "expression must be a sympy expression in x and y, got "
                f"{type(self.expression).__name__}"
            )
        extra = self.expression.free_symbols - {_X, _Y}
        if extra:
            raise ValueError(f"expression must use only x and y, found {extra}")
        for label in ("value", "gradient", "hessian"):
            require_callable(getattr(self, label), label)
        points = tuple(self.critical_points)
        if not all(isinstance(c, CriticalPoint) for c in points):
            raise TypeError("critical_points must be a sequence of CriticalPoint")
        set_ = object.__setattr__
        set_(self, "window", _window(self.window))
        set_(self, "start", _pair(self.start, "start"))
        set_(self, "critical_points", points)

    def f(self, point: Any) -> np.ndarray:
        """The value :math:`f(p)` at points of shape ``(..., 2)`` (lists welcome).

        Returns
        -------
        numpy.ndarray or numpy.float64, shape (...)
        """
        return self.value(_as_points(point))

    def grad(self, point: Any) -> np.ndarray:
        r"""The gradient :math:`\nabla f(p)`, shape ``(..., 2)``."""
        return self.gradient(_as_points(point))

    def hess(self, point: Any) -> np.ndarray:
        r"""The Hessian :math:`\nabla^2 f(p)`, shape ``(..., 2, 2)``, symmetric."""
        return self.hessian(_as_points(point))

    @property
    def minima(self) -> tuple[CriticalPoint, ...]:
        """The critical points of kind ``"minimum"``."""
        return tuple(c for c in self.critical_points if c.kind == "minimum")


def _fixed(
    name: str,
    latex: str,
    expression: sympy.Expr,
    formulas: tuple[Callable, Callable, Callable],
    window: Window,
    start: tuple[float, float],
    critical_points: list[tuple[tuple[float, float], str]],
    notes: dict[int, str] | None = None,
) -> Landscape:
    value, gradient, hessian = _vectorise(*formulas)
    notes = notes or {}
    points = [
        CriticalPoint(p, kind, notes.get(i, ""))
        for i, (p, kind) in enumerate(critical_points)
    ]
    return Landscape(
        name, latex, expression, value, gradient, hessian, window, start, points
    )


# --- Rosenbrock: a curved, narrow valley (kappa ~ 2500 at the minimum) -------


def _rosenbrock(x, y):
    d = y - x * x
    return (1 - x) * (1 - x) + 100 * d * d


def _rosenbrock_gradient(x, y):
    d = y - x * x
    return -2 * (1 - x) - 400 * x * d, 200 * d


def _rosenbrock_hessian(x, y):
    return 2 - 400 * y + 1200 * x * x, -400 * x, 200.0


_ROSENBROCK = _fixed(
    "Rosenbrock",
    r"(1 - x)^2 + 100\,(y - x^2)^2",
    (1 - _X) ** 2 + 100 * (_Y - _X**2) ** 2,
    (_rosenbrock, _rosenbrock_gradient, _rosenbrock_hessian),
    ((-2.0, 2.0), (-1.0, 3.0)),
    (-1.2, 1.0),  # the classic start (Rosenbrock 1960)
    [((1.0, 1.0), "minimum")],
)


# --- Beale: flat plateaus and steep walls ------------------------------------
# f = t1² + t2² + t3² with t_i = c_i - x + x y^i, c = (1.5, 2.25, 2.625); each
# t_i is linear in x, so the x-x entry of the Hessian is 2 Σ (y^i - 1)².


def _beale(x, y):
    y2 = y * y
    t1 = 1.5 - x + x * y
    t2 = 2.25 - x + x * y2
    t3 = 2.625 - x + x * y2 * y
    return t1 * t1 + t2 * t2 + t3 * t3


def _beale_gradient(x, y):
    y2 = y * y
    y3 = y2 * y
    t1 = 1.5 - x + x * y
    t2 = 2.25 - x + x * y2
    t3 = 2.625 - x + x * y3
    gx = 2 * (t1 * (y - 1) + t2 * (y2 - 1) + t3 * (y3 - 1))
    gy = 2 * x * (t1 + 2 * y * t2 + 3 * y2 * t3)
    return gx, gy


def _beale_hessian(x, y):
    y2 = y * y
    y3 = y2 * y
    t1 = 1.5 - x + x * y
    t2 = 2.25 - x + x * y2
    t3 = 2.625 - x + x * y3
    a1, a2, a3 = y - 1, y2 - 1, y3 - 1  # dt_i/dx
    b1, b2, b3 = x, 2 * x * y, 3 * x * y2  # dt_i/dy
    hxx = 2 * (a1 * a1 + a2 * a2 + a3 * a3)
    hxy = 2 * (a1 * b1 + a2 * b2 + a3 * b3 + t1 + 2 * y * t2 + 3 * y2 * t3)
    hyy = 2 * (b1 * b1 + b2 * b2 + b3 * b3 + 2 * x * t2 + 6 * x * y * t3)
    return hxx, hxy, hyy


_BEALE = _fixed(
    "Beale",
    r"(1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2",
    (sympy.Rational(3, 2) - _X + _X * _Y) ** 2
    + (sympy.Rational(9, 4) - _X + _X * _Y**2) ** 2
    + (sympy.Rational(21, 8) - _X + _X * _Y**3) ** 2,
    (_beale, _beale_gradient, _beale_hessian),
    ((-4.5, 4.5), (-4.5, 4.5)),
    (1.0, 1.0),
    # These are all three real critical points (a Groebner basis of the
    # gradient leaves a degree-7 polynomial in y with three real roots); the
    # irrational saddle is the float64 nearest to a 40-digit root.
    [
        ((3.0, 0.5), "minimum"),
        ((0.0, 1.0), "saddle"),
        ((0.10053793732415836, -2.644513585023125), "saddle"),
    ],
)


# --- Himmelblau: four global minima, one maximum, four saddles ---------------


def _himmelblau(x, y):
    u = x * x + y - 11
    v = x + y * y - 7
    return u * u + v * v


def _himmelblau_gradient(x, y):
    u = x * x + y - 11
    v = x + y * y - 7
    return 4 * x * u + 2 * v, 2 * u + 4 * y * v


def _himmelblau_hessian(x, y):
    return 12 * x * x + 4 * y - 42, 4 * (x + y), 12 * y * y + 4 * x - 26


_HIMMELBLAU = _fixed(
    "Himmelblau",
    r"(x^2 + y - 11)^2 + (x + y^2 - 7)^2",
    (_X**2 + _Y - 11) ** 2 + (_X + _Y**2 - 7) ** 2,
    (_himmelblau, _himmelblau_gradient, _himmelblau_hessian),
    ((-5.0, 5.0), (-5.0, 5.0)),
    (0.0, 0.0),
    # The nine real solutions of grad f = 0 (a degree-9 polynomial in y after
    # elimination), each the float64 nearest to a 40-digit mpmath root.
    [
        ((3.0, 2.0), "minimum"),
        ((-2.805118086952745, 3.131312518250573), "minimum"),
        ((-3.779310253377747, -3.2831859912861696), "minimum"),
        ((3.5844283403304917, -1.8481265269644036), "minimum"),
        ((-0.2708445906673476, -0.9230385564799815), "maximum"),
        ((-3.0730257507643897, -0.08135304428796751), "saddle"),
        ((-0.12796134673068008, -1.9537149802445763), "saddle"),
        ((0.08667750455539636, 2.884254701174776), "saddle"),
        ((3.385154183607021, 0.07385187983774928), "saddle"),
    ],
)


# --- Booth: a plain quadratic, eigenvalues 2 and 18 --------------------------


def _booth(x, y):
    u = x + 2 * y - 7
    v = 2 * x + y - 5
    return u * u + v * v


def _booth_gradient(x, y):
    return 10 * x + 8 * y - 34, 8 * x + 10 * y - 38


def _booth_hessian(x, y):
    return 10.0, 8.0, 10.0


_BOOTH = _fixed(
    "Booth",
    r"(x + 2y - 7)^2 + (2x + y - 5)^2",
    (_X + 2 * _Y - 7) ** 2 + (2 * _X + _Y - 5) ** 2,
    (_booth, _booth_gradient, _booth_hessian),
    ((-10.0, 10.0), (-10.0, 10.0)),
    (-8.0, 8.0),
    [((1.0, 3.0), "minimum")],
)


# --- The saddle x² - y² and the monkey saddle x³ - 3xy² ----------------------


def _saddle(x, y):
    return x * x - y * y


def _saddle_gradient(x, y):
    return 2 * x, -2 * y


def _saddle_hessian(x, y):
    return 2.0, 0.0, -2.0


_SADDLE = _fixed(
    "Saddle",
    r"x^2 - y^2",
    _X**2 - _Y**2,
    (_saddle, _saddle_gradient, _saddle_hessian),
    ((-2.0, 2.0), (-2.0, 2.0)),
    # Close to the x-axis, the attracting direction: descent first heads for
    # the saddle, slows down, then escapes along y.
    (1.5, 0.05),
    [((0.0, 0.0), "saddle")],
)


def _monkey(x, y):
    return x * (x * x - 3 * y * y)


def _monkey_gradient(x, y):
    return 3 * (x * x - y * y), -6 * x * y


def _monkey_hessian(x, y):
    return 6 * x, -6 * y, -6 * x


_MONKEY_SADDLE = _fixed(
    "Monkey saddle",
    r"x^3 - 3xy^2",
    _X**3 - 3 * _X * _Y**2,
    (_monkey, _monkey_gradient, _monkey_hessian),
    ((-1.5, 1.5), (-1.5, 1.5)),
    # On the ridge y = 0 the step shrinks like x², so descent crawls towards
    # the flat origin before the small y sends it down a valley.
    (1.0, 0.1),
    [((0.0, 0.0), "saddle")],
    notes={
        0: "H = 0 here, so the second-derivative test is inconclusive; it is a "
        "saddle because f = r³ cos 3φ takes both signs arbitrarily close to "
        "the origin (three valleys, three ridges)"
    },
)


# --- Quadratic bowls ---------------------------------------------------------


@dataclass(frozen=True)
class QuadraticBowl(Landscape):
    r"""A :class:`Landscape` :math:`f(p) = \tfrac12 p^\top A p - b^\top p`.

    Made by :func:`quadratic_bowl`. On top of the landscape it knows the
    quantities that decide how gradient descent behaves on it.

    Attributes
    ----------
    A : numpy.ndarray, shape (2, 2)
        The (symmetric, positive definite) Hessian, read-only.
    b : numpy.ndarray, shape (2,)
        ``A @ center``, read-only.
    center : (float, float)
        The minimiser.
    eigenvalues : (float, float)
        :math:`(\lambda_{min}, \lambda_{max})` of ``A``.
    """

    A: np.ndarray = field(repr=False, compare=False)
    b: np.ndarray = field(repr=False, compare=False)
    center: tuple[float, float]
    eigenvalues: tuple[float, float]

    @property
    def condition_number(self) -> float:
        r""":math:`\kappa = \lambda_{max} / \lambda_{min}`."""
        return self.eigenvalues[1] / self.eigenvalues[0]

    @property
    def stability_bound(self) -> float:
        r"""The bound :math:`2/\lambda_{max}` on the learning rate.

        Gradient descent converges from every start iff
        :math:`0 < \eta < 2/\lambda_{max}`.
        """
        return 2.0 / self.eigenvalues[1]

    @property
    def best_step(self) -> float:
        r"""The learning rate :math:`2/(\lambda_{min} + \lambda_{max})`.

        It minimises the contraction factor of gradient descent,
        :math:`\max_i |1 - \eta\lambda_i|`, which becomes
        :math:`(\kappa - 1)/(\kappa + 1)`.
        """
        return 2.0 / (self.eigenvalues[0] + self.eigenvalues[1])


# The stored matrix A must have the eigenvalues the bowl reports, to this
# relative accuracy: beyond κ ~ 1e9 (at angles other than multiples of 90°)
# rounding A's entries moves λmin by more, and at κ = 1e20 A is not even
# positive definite in float64.
_EIGENVALUE_TOLERANCE = 1e-6


def _require_stated_eigenvalues(A: np.ndarray, smallest: float, largest: float) -> None:
    """Raise ``ValueError`` if rounding gave ``A`` other eigenvalues than stated."""
    with np.errstate(all="ignore"):
        computed = np.linalg.eigvalsh(A)
    error = np.abs(computed - (smallest, largest)) / np.array((smallest, largest))
    if not np.all(error <= _EIGENVALUE_TOLERANCE):
        raise ValueError(
            f"condition_number = {largest / smallest:g} is too large for float64 "
            f"at this angle: A rounds to a matrix with eigenvalues "
            f"{computed[0]:.6g} and {computed[1]:.6g} instead of {smallest:g} and "
            f"{largest:g}; use a condition number up to about 1e9"
        )


def quadratic_bowl(
    condition_number: float = 10.0,
    angle: float = 0.0,
    *,
    center: Any = (0.0, 0.0),
    smallest_eigenvalue: float = 1.0,
    name: str = "Quadratic bowl",
    window: Any = None,
    start: Any = None,
) -> QuadraticBowl:
    r"""A quadratic bowl with a chosen condition number and orientation.

    .. math::

        f(p) = \tfrac12 p^\top A p - b^\top p, \qquad
        A = R(\theta) \begin{pmatrix} \lambda & 0 \\ 0 & \kappa\lambda
        \end{pmatrix} R(\theta)^\top, \qquad b = A c,

    where :math:`R(\theta)` rotates by :math:`\theta`, so the shallow
    direction (eigenvalue :math:`\lambda`) is :math:`(\cos\theta, \sin\theta)`
    and the minimum :math:`-\tfrac12 c^\top A c` is at the centre :math:`c`.

    Parameters
    ----------
    condition_number : float
        :math:`\kappa = \lambda_{max} / \lambda_{min} \ge 1`.
    angle : float
        :math:`\theta`, in radians.
    center : (float, float)
        The minimiser :math:`c`.
    smallest_eigenvalue : float
        :math:`\lambda = \lambda_{min} > 0`; the largest is :math:`\kappa\lambda`.
    name : str
        Display name.
    window, start : optional
        Default: the square of half-width 5 around the centre, and the point
        4 units from the centre along the shallow direction and 1.5 along the
        steep one, so that descent visibly zig-zags.

    Returns
    -------
    QuadraticBowl

    Raises
    ------
    ValueError
        Naming the argument at fault: ``condition_number`` below 1, or so
        large that the float64 matrix ``A`` no longer has the eigenvalues
        :math:`\lambda, \kappa\lambda` to 6 digits (beyond about 1e9 at
        angles off the axes; at κ = 1e20 ``A`` is not even positive
        definite); ``center`` so far out that :math:`c^\top A c` overflows or
        the default window ``center ± 5`` rounds to a point.

    Examples
    --------
    >>> import numpy as np
    >>> bowl = quadratic_bowl(100, np.pi / 6, center=(1, -2))
    >>> np.allclose(np.linalg.eigvalsh(bowl.A), [1, 100])
    True
    >>> bowl.stability_bound, round(bowl.best_step, 6)
    (0.02, 0.019802)
    >>> bowl.grad([1, -2]).tolist()
    [0.0, 0.0]
    """
    kappa = require_real_scalar(condition_number, "condition_number")
    if kappa < 1:
        raise ValueError(
            f"condition_number must be at least 1 (it is λmax/λmin), got {kappa}"
        )
    theta = require_real_scalar(angle, "angle")
    smallest = require_real_scalar(
        smallest_eigenvalue, "smallest_eigenvalue", positive=True
    )
    largest = kappa * smallest
    if not math.isfinite(largest):
        raise ValueError(
            "condition_number * smallest_eigenvalue must be finite, got "
            f"{kappa} * {smallest}"
        )
    cx, cy = _pair(center, "center")
    if not isinstance(name, str):
        raise TypeError(f"name must be a string, got {type(name).__name__}")

    cos, sin = math.cos(theta), math.sin(theta)
    rotation = np.array([[cos, -sin], [sin, cos]])
    A = (rotation * [smallest, largest]) @ rotation.T
    A = 0.5 * (A + A.T)  # exactly symmetric, whatever the rounding
    _require_stated_eigenvalues(A, smallest, largest)
    with np.errstate(over="ignore", invalid="ignore"):
        b = A @ [cx, cy]
        f_min = -0.5 * float(b @ [cx, cy])
    if not math.isfinite(f_min):
        raise ValueError(
            f"center must be nearer the origin: at center = {(cx, cy)} the "
            "minimum value -½ cᵀAc overflows float64"
        )
    a11, a12, a22 = float(A[0, 0]), float(A[0, 1]), float(A[1, 1])

    # Written around the centre, A (p - c) instead of A p - b: the same
    # function, but the gradient is exactly zero at the minimum instead of a
    # rounding error of size |b| * eps.
    def value_xy(x, y):
        dx, dy = x - cx, y - cy
        return 0.5 * (a11 * dx * dx + 2 * a12 * dx * dy + a22 * dy * dy) + f_min

    def gradient_xy(x, y):
        dx, dy = x - cx, y - cy
        return a11 * dx + a12 * dy, a12 * dx + a22 * dy

    def hessian_xy(x, y):
        return a11, a12, a22

    # The sympy expression goes the other way, from the eigen-decomposition
    # sum_i lambda_i (1/2 (u_i.p)^2 - (u_i.c)(u_i.p)), so that sympy's Hessian
    # and the numpy matrix A are two independent computations.
    F = sympy.Float
    expression = sympy.Integer(0)
    for lam, (ux, uy) in ((smallest, (cos, sin)), (largest, (-sin, cos))):
        along_p = F(ux) * _X + F(uy) * _Y
        along_c = F(ux) * F(cx) + F(uy) * F(cy)
        expression += F(lam) * (along_p**2 / 2 - along_c * along_p)

    if window is None:
        if not (cx - 5.0 < cx + 5.0 and cy - 5.0 < cy + 5.0):
            raise ValueError(
                f"center = {(cx, cy)} is so large that center ± 5 rounds to "
                "center: the default window is empty; pass window="
            )
        window = ((cx - 5.0, cx + 5.0), (cy - 5.0, cy + 5.0))
    if start is None:
        # c - 4 u_shallow + 1.5 u_steep, with u_shallow = (cos, sin) and
        # u_steep = (-sin, cos): inside the window at every angle (|.| < 4.3).
        start = (cx - 4.0 * cos - 1.5 * sin, cy - 4.0 * sin + 1.5 * cos)
    A.setflags(write=False)
    b.setflags(write=False)
    # Say when b = 0, so the title agrees with texts that write ½pᵀAp alone.
    linear_term = r",\ b = 0" if not np.any(b) else ""
    latex = (
        rf"\frac{{1}}{{2}}\,p^{{T}}\!A\,p - b^{{T}}p{linear_term},\quad "
        rf"\kappa = {kappa:g},\ \theta = {math.degrees(theta):g}^\circ"
    )
    value, gradient, hessian = _vectorise(value_xy, gradient_xy, hessian_xy)
    return QuadraticBowl(
        name=name,
        latex=latex,
        expression=expression,
        value=value,
        gradient=gradient,
        hessian=hessian,
        window=window,
        start=start,
        critical_points=(CriticalPoint((cx, cy), "minimum"),),
        A=A,
        b=b,
        center=(cx, cy),
        eigenvalues=(smallest, largest),
    )


#: The surfaces the explorers offer, by display name (read-only: a
#: ``types.MappingProxyType``, so a notebook cannot replace one by accident).
LANDSCAPES: Mapping[str, Landscape] = MappingProxyType(
    {
        surface.name: surface
        for surface in (
            _ROSENBROCK,
            _BEALE,
            _HIMMELBLAU,
            _BOOTH,
            quadratic_bowl(),
            _SADDLE,
            _MONKEY_SADDLE,
        )
    }
)


def as_landscape(value: Any, name: str = "landscape") -> Landscape:
    """A :class:`Landscape` given itself or its name in :data:`LANDSCAPES`.

    Parameters
    ----------
    value : Landscape or str
        The surface, or its name (case and surrounding spaces do not matter).
    name : str
        What the caller calls the argument, for error messages.

    Returns
    -------
    Landscape

    Raises
    ------
    TypeError
        If ``value`` is neither a landscape nor a string.
    ValueError
        If no landscape has that name; the message lists the names.

    Examples
    --------
    >>> as_landscape("booth").name
    'Booth'
    """
    if isinstance(value, Landscape):
        return value
    if isinstance(value, str):
        wanted = value.strip().casefold()
        for key, surface in LANDSCAPES.items():
            if key.casefold() == wanted:
                return surface
        raise ValueError(
            f"{name} must be a Landscape or one of the names {list(LANDSCAPES)}, "
            f"got {value!r}"
        )
    raise TypeError(
        f"{name} must be a Landscape (e.g. calclearn.LANDSCAPES['Booth'] or "
        f"calclearn.quadratic_bowl()) or its name, got {type(value).__name__}"
    )
