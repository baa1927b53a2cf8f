"""Numerical differentiation: finite differences, the complex step, gradient checks.

The derivative is a limit, ``f'(x) = lim_{h->0} (f(x+h) - f(x)) / h``. A computer
cannot take the limit, so it picks a small ``h``. Too large an ``h`` and the
*truncation error* of the formula dominates; too small and the *round-off error*
of subtracting two nearly equal floats does. The default steps below balance
the two for each formula.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from calclearn._validation import (
    require_callable,
    require_choice,
    require_numbers,
    require_real_array,
    require_real_scalar,
    require_vector,
)

METHODS = ("forward", "backward", "central", "complex")

# The step whose total error (truncation + round-off) is smallest is about
# eps**(1/(p+1)) for a formula of order p; complex step subtracts nothing, so
# its step can be as tiny as we like. (np.cbrt, not ``eps ** (1/3)``: 1/3 is
# not exact in binary, and the power is then a few ulps off the cube root.)
_STEP_ROOT = {"forward": np.sqrt, "backward": np.sqrt, "central": np.cbrt}
_COMPLEX_STEP = 1e-20


def default_step(x: Any, method: str = "central") -> np.ndarray:
    """The step ``h`` that :func:`derivative` uses when none is given.

    Parameters
    ----------
    x : array_like
        Points where the derivative is taken. float32 input gets float32's eps.
    method : {"forward", "backward", "central", "complex"}

    Returns
    -------
    numpy.ndarray
        ``eps**(1/2) * max(1, |x|)`` for one-sided differences,
        ``eps**(1/3) * max(1, |x|)`` for central differences and ``1e-20`` for
        the complex step, with the shape of ``x``.

    Examples
    --------
    >>> float(default_step(0.0, "central"))  # cube root of 2**-52
    6.0554544523933395e-06
    """
    method = require_choice(method, "method", METHODS)
    points = require_real_array(x, "x")
    if method == "complex":
        return np.full(points.shape, _COMPLEX_STEP)
    eps = np.finfo(points.dtype).eps
    scale = np.maximum(1.0, np.abs(points)).astype(points.dtype)
    return (_STEP_ROOT[method](eps) * scale).astype(points.dtype)


def _call(f: Callable, x: np.ndarray, *, complex_ok: bool = False) -> Any:
    """Call ``f(x)`` quietly: the caller checks the result for nan and inf.

    With ``complex_ok``, dropping the imaginary part (math.*, float()) is an error.
    """
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        if complex_ok:
            warnings.simplefilter("error", np.exceptions.ComplexWarning)
        try:
            # A copy: an f that changes its argument in place cannot change
            # the point the next formula term is evaluated at.
            return f(x.copy())
        except (TypeError, np.exceptions.ComplexWarning) as exc:
            if complex_ok:
                raise ValueError(
                    "f is not complex-safe: it dropped or refused the imaginary "
                    f"part of complex input ({exc}); write it with numpy functions "
                    "or use method='central'"
                ) from None
            raise


def _evaluate(f: Callable, x: np.ndarray, *, complex_ok: bool = False) -> np.ndarray:
    """Call ``f(x)``; insist on the shape of ``x`` and finite values."""
    try:
        result = _call(f, x, complex_ok=complex_ok)
    except (TypeError, ValueError) as exc:
        if x.ndim == 0 or (complex_ok and str(exc).startswith("f is not")):
            raise
        # math.sin(array) raises TypeError, `if x > 0` on an array ValueError.
        raise (TypeError if isinstance(exc, TypeError) else ValueError)(
            f"f must accept a numpy array of points (it failed on x of shape "
            f"{x.shape}: {exc}); write it with numpy functions, e.g. np.sin "
            "instead of math.sin and np.where instead of if"
        ) from None
    value = _no_booleans(require_numbers(result, "f"))
    if value.shape != x.shape:
        raise ValueError(
            f"f must return one number per point: for x of shape {x.shape}, "
            f"f(x) had shape {value.shape} (is f vectorised with numpy?)"
        )
    if complex_ok and not np.iscomplexobj(value):
        raise ValueError(
            "f is not complex-safe: f(x + ih) came back real, so the imaginary part "
            "was dropped (abs(), math.*, float() or np.real do that); "
            "use method='central'"
        )
    if not np.all(np.isfinite(value)):
        bad = np.asarray(x)[~np.isfinite(value)].ravel()[0]
        raise ValueError(f"f returned a non-finite value (nan or inf) at x={bad}")
    return value


def _step_sizes(h: Any, points: np.ndarray) -> np.ndarray:
    """Check a user-given step: positive and finite, broadcastable to ``x``."""
    if isinstance(h, bool) or not (
        np.isscalar(h) or isinstance(h, np.ndarray | list | tuple)
    ):
        raise TypeError(f"h must be a positive number, got {type(h).__name__}")
    steps = require_real_array(h, "h")
    if np.any(steps <= 0):
        raise ValueError(f"h must be positive, got {h!r}")
    try:
        np.broadcast_shapes(steps.shape, points.shape)
    except ValueError:
        raise ValueError(
            f"h must be a number or an array broadcastable to x's shape "
            f"{points.shape}, got shape {steps.shape}"
        ) from None
    return steps


def _require_resolving_step(
    points: np.ndarray, steps: np.ndarray, signs: tuple[int, ...]
) -> None:
    """Raise ``ValueError`` naming ``h`` unless each shift ``x ± h`` is usable.

    A step that underflows to 0 in the points' precision gives 0/0 = nan; one
    so small that ``x + h`` rounds to ``x`` gives a difference of exactly 0;
    one so large that ``x + h`` overflows gives inf or nan.
    """
    steps = np.broadcast_to(np.asarray(steps, dtype=points.dtype), points.shape)
    if np.any(steps == 0):
        raise ValueError(
            f"h underflows to 0 in {points.dtype} (smallest positive: "
            f"{np.finfo(points.dtype).smallest_subnormal:.3g}); use a larger h"
        )
    with np.errstate(over="ignore"):
        for sign in signs:
            shifted = points + sign * steps
            if not np.all(np.isfinite(shifted)) or not np.all(np.isfinite(2 * steps)):
                raise ValueError(
                    f"h is too large: x {'+' if sign > 0 else '-'} h or 2h "
                    f"overflows {points.dtype}; use a smaller h"
                )
            same = shifted == points
            if np.any(same):
                at = points[same].ravel()[0]
                spacing = np.spacing(np.abs(at).astype(points.dtype))
                raise ValueError(
                    f"h is too small: x {'+' if sign > 0 else '-'} h rounds back "
                    f"to x = {at} in {points.dtype}, so the difference is 0; h "
                    f"must exceed the spacing of floats there ({spacing:.3g}), "
                    "and the default step is far better"
                )


def _blaming_a_large_step(
    compute: Callable[[], np.ndarray], h: Any, at_x: Callable[[], Any]
) -> np.ndarray:
    """``compute()``; if f is not finite at ``x ± h`` but is at ``x``, blame ``h``.

    ``at_x`` evaluates f at the unshifted point (and raises if f is not finite
    there, in which case the error stays f's).
    """
    try:
        return compute()
    except ValueError as exc:
        if h is None or not str(exc).startswith("f returned a non-finite"):
            raise
        try:
            at_x()
        except ValueError:
            raise exc from None
        raise ValueError(
            f"h = {h!r} is too large here: f is finite at x, but at x ± h {exc}"
        ) from None


#: The shifts each difference formula makes: x + h, x - h or both.
_SHIFTS = {"forward": (1,), "backward": (-1,), "central": (1, -1), "complex": ()}


def derivative(
    f: Callable,
    x: Any,
    method: str = "central",
    h: float | None = None,
) -> np.ndarray:
    r"""Derivative of a function of one variable, by differences or complex step.

    Parameters
    ----------
    f : callable
        A function of one real variable, vectorised with numpy:
        ``f(x)`` must return an array of the shape of ``x``.
    x : array_like
        Point(s) where the derivative is taken.
    method : {"central", "forward", "backward", "complex"}
        The formula:

        - forward: :math:`(f(x+h) - f(x)) / h`, error :math:`O(h)`
        - backward: :math:`(f(x) - f(x-h)) / h`, error :math:`O(h)`
        - central: :math:`(f(x+h) - f(x-h)) / 2h`, error :math:`O(h^2)`
        - complex: :math:`\operatorname{Im} f(x + ih) / h`, error :math:`O(h^2)`
          with no subtraction, hence no subtractive cancellation: with a tiny
          ``h`` it is accurate to about machine precision, provided ``f`` is
          complex-safe (numpy functions; no ``abs``, comparisons or ``np.real``).
    h : float or array_like, optional
        Step size, positive and finite (an array of steps broadcasts against
        ``x``). Default: :func:`default_step`. A given step must change ``x``
        (``x + h != x`` in the precision of ``x``) and keep ``x ± h``, ``2h``
        and ``f(x ± h)`` finite; otherwise the result would be 0 or nan, and a
        ``ValueError`` naming ``h`` says which.

    Returns
    -------
    numpy.ndarray
        :math:`f'(x)` with the shape of ``x`` (broadcast with ``h``).

    Raises
    ------
    TypeError
        If ``f`` cannot take an array of points (``math.sin``: use ``np.sin``)
        or returns something other than numbers.
    ValueError
        If ``f`` is not finite at the points, or ``h`` is unusable (above).

    Examples
    --------
    >>> import numpy as np
    >>> bool(derivative(np.sin, 1.0, method="complex") == np.cos(1.0))
    True
    """
    f = require_callable(f, "f")
    method = require_choice(method, "method", METHODS)
    points = require_real_array(x, "x")
    if h is None:
        step = default_step(points, method)
    else:
        step = _step_sizes(h, points)
        shape = np.broadcast_shapes(points.shape, step.shape)
        _require_resolving_step(np.broadcast_to(points, shape), step, _SHIFTS[method])
    return _blaming_a_large_step(
        lambda: _difference(f, points, step, method), h, lambda: _evaluate(f, points)
    )


def _difference(
    f: Callable, points: np.ndarray, step: np.ndarray, method: str
) -> np.ndarray:
    """The difference formula ``method`` at ``points`` with steps ``step``.

    No check of the step: :func:`step_size_errors` wants the errors of steps
    too small to resolve ``x`` (the flat round-off end of its plot).
    """
    if method == "complex":
        complex_type = np.complex64 if points.dtype == np.float32 else np.complex128
        shifted = points.astype(complex_type) + 1j * step
        return (_evaluate(f, shifted, complex_ok=True).imag / step).astype(points.dtype)
    step = np.asarray(step, dtype=points.dtype)
    if method == "forward":
        return (_evaluate(f, points + step) - _evaluate(f, points)) / step
    if method == "backward":
        return (_evaluate(f, points) - _evaluate(f, points - step)) / step
    return (_evaluate(f, points + step) - _evaluate(f, points - step)) / (2 * step)


def _no_booleans(value: np.ndarray) -> np.ndarray:
    """``value``, unless it is booleans (``p > 0``), which are not a function value."""
    if value.dtype == bool:
        raise TypeError("f must return numbers, got booleans (True/False)")
    return value


def _scalar_field(f: Callable, point: np.ndarray) -> float | complex:
    """Evaluate a function of a vector that must return one finite number."""
    value = _no_booleans(require_numbers(_call(f, point), "f"))
    if value.shape != ():
        raise ValueError(
            f"f must return a single number for a point of shape {point.shape}, "
            f"got shape {value.shape}"
        )
    if not np.isfinite(value):
        raise ValueError(f"f returned a non-finite value (nan or inf) at {point}")
    return value[()]


def _vector_field(
    f: Callable, point: np.ndarray, *, complex_ok: bool = False
) -> np.ndarray:
    value = _no_booleans(require_numbers(_call(f, point, complex_ok=complex_ok), "f"))
    value = value.astype(np.result_type(value, np.float64))
    if not np.all(np.isfinite(value)):
        raise ValueError(f"f returned a non-finite value (nan or inf) at {point}")
    return value


def jacobian(
    f: Callable,
    x: Any,
    method: str = "central",
    h: float | None = None,
) -> np.ndarray:
    r"""Jacobian matrix of a function of a vector, by finite differences.

    Parameters
    ----------
    f : callable
        ``f(x)`` takes a 1-D array of length ``n`` and returns an array.
    x : array_like, shape (n,)
        The point.
    method : {"central", "forward", "backward", "complex"}
        Difference formula, as in :func:`derivative`, applied along each
        coordinate direction :math:`e_j`.
    h : float, optional
        Step size (default as in :func:`default_step`).

    Returns
    -------
    numpy.ndarray, shape ``f(x).shape + (n,)``
        :math:`J_{ij} = \partial f_i / \partial x_j`.

    Examples
    --------
    >>> import numpy as np
    >>> J = jacobian(lambda p: np.array([p[0] * p[1], p[0] + p[1]]), [2.0, 3.0])
    >>> np.allclose(J, [[3.0, 2.0], [1.0, 1.0]])
    True
    """
    f = require_callable(f, "f")
    method = require_choice(method, "method", METHODS)
    point = require_vector(x, "x").astype(np.float64)
    if h is None:
        steps = default_step(point, method)
    else:
        steps = np.full(point.shape, require_real_scalar(h, "h", positive=True))
        _require_resolving_step(point, steps, _SHIFTS[method])
    return _blaming_a_large_step(
        lambda: _jacobian(f, point, steps, method),
        h,
        lambda: _vector_field(f, point),
    )


def _jacobian(
    f: Callable, point: np.ndarray, steps: np.ndarray, method: str
) -> np.ndarray:
    """The columns of :func:`jacobian`, one difference quotient per coordinate."""
    columns = []
    for j, step in enumerate(steps):
        direction = np.zeros_like(point)
        direction[j] = 1.0
        if method == "complex":
            value = _vector_field(f, point + 1j * step * direction, complex_ok=True)
            if not np.iscomplexobj(value):
                raise ValueError(
                    "f is not complex-safe: f(x + ih e_j) came back real; "
                    "use method='central'"
                )
            columns.append(value.imag / step)
        elif method == "forward":
            columns.append(
                (_vector_field(f, point + step * direction) - _vector_field(f, point))
                / step
            )
        elif method == "backward":
            columns.append(
                (_vector_field(f, point) - _vector_field(f, point - step * direction))
                / step
            )
        else:
            columns.append(
                (
                    _vector_field(f, point + step * direction)
                    - _vector_field(f, point - step * direction)
                )
                / (2 * step)
            )
    return np.stack(columns, axis=-1)


def gradient(
    f: Callable,
    x: Any,
    method: str = "central",
    h: float | None = None,
) -> np.ndarray:
    r"""Gradient of a scalar function of a vector, by finite differences.

    Parameters
    ----------
    f : callable
        ``f(x)`` takes a 1-D array of length ``n`` and returns one number.
    x : array_like, shape (n,)
        The point.
    method, h
        As in :func:`jacobian`.

    Returns
    -------
    numpy.ndarray, shape (n,)
        :math:`\nabla f(x) = (\partial f/\partial x_1, \dots, \partial f/\partial x_n)`.

    Examples
    --------
    >>> import numpy as np
    >>> np.allclose(gradient(lambda p: p[0] ** 2 + 3 * p[1], [1.0, 5.0]), [2.0, 3.0])
    True
    """
    f = require_callable(f, "f")
    point = require_vector(x, "x")
    _scalar_field(f, point.astype(np.float64))
    return jacobian(f, point, method=method, h=h)


def hessian(f: Callable, x: Any, h: float | None = None) -> np.ndarray:
    r"""Hessian matrix of a scalar function of a vector, by central differences.

    Parameters
    ----------
    f : callable
        ``f(x)`` takes a 1-D array of length ``n`` and returns one number.
    x : array_like, shape (n,)
        The point.
    h : float, optional
        Step size. Default ``eps**(1/4) * max(1, |x_i|)``, which balances the
        :math:`O(h^2)` truncation error against :math:`O(\varepsilon / h^2)`
        round-off.

    Returns
    -------
    numpy.ndarray, shape (n, n)
        Symmetric matrix with

        .. math:: H_{ij} \approx \frac{f(x + h_i e_i + h_j e_j) - f(x + h_i e_i
           - h_j e_j) - f(x - h_i e_i + h_j e_j) + f(x - h_i e_i - h_j e_j)}
           {4 h_i h_j}.

    Examples
    --------
    >>> import numpy as np
    >>> H = hessian(lambda p: p[0] ** 2 * p[1], [1.0, 2.0])
    >>> np.allclose(H, [[4.0, 2.0], [2.0, 0.0]], atol=1e-6)
    True
    """
    f = require_callable(f, "f")
    point = require_vector(x, "x").astype(np.float64)
    if h is None:
        steps = np.finfo(np.float64).eps ** 0.25 * np.maximum(1.0, np.abs(point))
    else:
        steps = np.full(point.shape, require_real_scalar(h, "h", positive=True))
        _require_resolving_step(point, steps, (1, -1))
        with np.errstate(over="ignore", under="ignore"):
            denominator = 4 * steps[0] * steps[0]
        if not (0 < denominator < np.inf):
            raise ValueError(
                f"h must keep 4h² a positive finite number (the formula divides by "
                f"it), got h = {steps[0]:.3g}"
            )
    if np.iscomplexobj(_scalar_field(f, point)):
        raise TypeError("f must return real numbers for its Hessian, got complex")
    return _blaming_a_large_step(
        lambda: _hessian(f, point, steps), h, lambda: _scalar_field(f, point)
    )


def _hessian(f: Callable, point: np.ndarray, steps: np.ndarray) -> np.ndarray:
    """The matrix of :func:`hessian`, entry by entry (the upper triangle)."""
    n = point.size
    basis = np.eye(n) * steps
    result = np.empty((n, n))
    for i in range(n):
        for j in range(i, n):
            a, b = basis[i], basis[j]
            value = (
                _scalar_field(f, point + a + b)
                - _scalar_field(f, point + a - b)
                - _scalar_field(f, point - a + b)
                + _scalar_field(f, point - a - b)
            ) / (4 * steps[i] * steps[j])
            result[i, j] = result[j, i] = value
    return result


# Thresholds on the relative error of a gradient check (CS231n's rule of thumb,
# for float64 with central differences): where the learner's gradient sits.
GRADIENT_CHECK_THRESHOLDS = (
    (1e-7, "correct", "agrees to about 7 digits or better: the gradient is right"),
    (
        1e-4,
        "acceptable only with kinks",
        "fine for ReLU/hinge losses with kinks; too high for smooth functions "
        "like tanh or softmax, so look for a small bug",
    ),
    (
        1e-2,
        "suspicious",
        "something is probably off: check each term of the gradient",
    ),
    (np.inf, "wrong", "the gradient is wrong: a term, sign or factor is off"),
)


@dataclass(frozen=True)
class GradientCheck:
    """Result of :func:`gradient_check`.

    Attributes
    ----------
    relative_error : float
        ``max|g_num - g| / max(max(|g_num| + |g|), tiny)``.
    verdict : str
        ``"correct"``, ``"acceptable only with kinks"``, ``"suspicious"``
        or ``"wrong"``.
    advice : str
        What the verdict means.
    numerical, analytic : numpy.ndarray
        The finite-difference and the supplied gradient.
    worst_index : tuple
        Where the two differ most.
    """

    relative_error: float
    verdict: str
    advice: str
    numerical: np.ndarray
    analytic: np.ndarray
    worst_index: tuple

    @property
    def passed(self) -> bool:
        """True when the verdict is ``"correct"``."""
        return self.verdict == "correct"

    def __str__(self) -> str:
        return (
            f"relative error {self.relative_error:.2e}: {self.verdict} ({self.advice})"
        )


def gradient_check(
    f: Callable,
    grad_f: Callable,
    x: Any,
    h: float | None = None,
) -> GradientCheck:
    r"""Compare a hand-written gradient with central differences.

    Parameters
    ----------
    f : callable
        Scalar function of a 1-D array.
    grad_f : callable
        The gradient to check: ``grad_f(x)`` returns an array of the shape of ``x``.
    x : array_like, shape (n,)
        Where to check. Avoid kinks (e.g. ReLU at 0) and symmetric points.
    h : float, optional
        Step for the central differences (default ``cbrt(eps) * max(1, |x|)``).

    Returns
    -------
    GradientCheck
        With

        .. math:: r = \frac{\max_i |g^{num}_i - g_i|}
                           {\max(\max_i (|g^{num}_i| + |g_i|), \text{tiny})}

        and the verdict from :data:`GRADIENT_CHECK_THRESHOLDS`:
        ``r <= 1e-7`` correct, ``<= 1e-4`` acceptable only with kinks,
        ``<= 1e-2`` suspicious, otherwise wrong.

    Examples
    --------
    >>> import numpy as np
    >>> check = gradient_check(lambda p: np.sum(p**2), lambda p: 2 * p, [1.0, -2.0])
    >>> check.verdict
    'correct'
    """
    f = require_callable(f, "f")
    grad_f = require_callable(grad_f, "grad_f")
    point = require_vector(x, "x").astype(np.float64)
    numerical = gradient(f, point, method="central", h=h)
    analytic = require_numbers(_call(grad_f, point.copy()), "grad_f")
    if np.iscomplexobj(analytic):
        raise TypeError("grad_f must return real numbers, got complex ones")
    analytic = analytic.astype(np.float64)
    if analytic.shape != point.shape:
        raise ValueError(
            f"grad_f must return an array of the shape of x {point.shape}, "
            f"got shape {analytic.shape}"
        )
    if not np.all(np.isfinite(analytic)):
        raise ValueError("grad_f returned a non-finite value (nan or inf)")
    difference = np.abs(numerical - analytic)
    scale = max(
        float(np.max(np.abs(numerical) + np.abs(analytic))), np.finfo(float).tiny
    )
    relative = float(np.max(difference)) / scale
    _, verdict, advice = next(
        row for row in GRADIENT_CHECK_THRESHOLDS if relative <= row[0]
    )
    worst = np.unravel_index(int(np.argmax(difference)), difference.shape)
    return GradientCheck(relative, verdict, advice, numerical, analytic, worst)


def step_size_errors(
    f: Callable,
    exact: float,
    x: float,
    steps: Any,
    method: str = "central",
    dtype: Any = np.float64,
) -> np.ndarray:
    r"""Absolute error of :func:`derivative` for each step size in ``steps``.

    This is the data of the classic log-log plot: the error falls like
    :math:`h^p` (truncation) until round-off, about :math:`\varepsilon |f| / h`,
    takes over.

    Parameters
    ----------
    f : callable
        Vectorised function of one variable.
    exact : float
        The true :math:`f'(x)`, from calculus or sympy.
    x : float
        The point.
    steps : array_like
        Positive step sizes.
    method : {"central", "forward", "backward", "complex"}
    dtype : {numpy.float64, numpy.float32}
        Precision of the arithmetic.

    Returns
    -------
    numpy.ndarray
        :math:`|D_h f(x) - f'(x)|` for each step, in float64.

    Examples
    --------
    >>> import numpy as np
    >>> errors = step_size_errors(np.sin, np.cos(1.0), 1.0, [1e-1, 1e-2])
    >>> bool(errors[1] < errors[0] / 50)  # central: error ~ h**2
    True
    """
    f = require_callable(f, "f")
    exact = require_real_scalar(exact, "exact")
    x = require_real_scalar(x, "x")
    hs = require_real_array(steps, "steps")
    if hs.ndim != 1 or np.any(hs <= 0):
        raise ValueError("steps must be a 1-D array of positive step sizes")
    try:
        resolved = np.dtype(dtype)
    except TypeError:  # not a dtype at all, e.g. "foo"
        resolved = None
    if resolved is None or resolved not in (np.float32, np.float64):
        raise TypeError(f"dtype must be numpy.float32 or numpy.float64, got {dtype}")
    dtype = resolved
    if np.any(hs.astype(dtype) <= 0):
        raise ValueError(f"steps must be representable as positive {dtype} numbers")
    method = require_choice(method, "method", METHODS)
    points = np.full(hs.shape, x, dtype=dtype)
    hs = hs.astype(dtype)
    with np.errstate(over="ignore"):
        overflows = ~np.isfinite(np.abs(points) + hs) | ~np.isfinite(2 * hs)
    if method != "complex" and np.any(overflows):
        raise ValueError(
            f"steps must be small enough that x + h and 2h stay finite in {dtype}, "
            f"got h = {hs[overflows][0]:.3g}"
        )
    estimates = _difference(f, points, hs, method)
    return np.abs(estimates.astype(np.float64) - exact)
