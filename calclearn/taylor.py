r"""Taylor's expansion of a function of one variable, and how fast its error falls.

Near a point :math:`x_0` a smooth function is, up to order :math:`n`, the
polynomial in the offset :math:`h` whose coefficients are its derivatives,

.. math:: T_n(h) = \sum_{k=0}^{n} \frac{f^{(k)}(x_0)}{k!}\, h^k,
   \qquad f(x_0 + h) = T_n(h) + O(h^{n+1}).

Chapter 1 derives the error of every finite-difference formula from it. The
figure shows the polynomials hugging the curve, and their errors falling on
log-log axes along straight lines of slope :math:`n + 1`: the order of a
power law is the slope of its log-log plot.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import sympy
from matplotlib.figure import Figure

from calclearn._validation import require_int, require_real_scalar
from calclearn.plots import COLORS, new_figure
from calclearn.symbolic import as_expression, symbolic_derivative, to_numpy

# One colour and one line style per degree, so the curves differ without colour.
_DEGREE_STYLES = (
    (COLORS["tangent"], "--"),
    (COLORS["secant"], "-."),
    ("#7b4fa0", ":"),
    (COLORS["path"], (0, (5, 1, 1, 1))),
)
MAX_DEGREE = len(_DEGREE_STYLES)
_SUBSCRIPTS = dict(enumerate("₀₁₂₃₄"))


def _degrees(degrees: Any) -> tuple[int, ...]:
    if isinstance(degrees, str) or not isinstance(degrees, Sequence) or not degrees:
        raise TypeError(
            f"degrees must be a non-empty list of integers, got {degrees!r}"
        )
    checked = tuple(require_int(d, "degrees", minimum=1) for d in degrees)
    if max(checked) > MAX_DEGREE:
        raise ValueError(f"degrees must be at most {MAX_DEGREE}, got {max(checked)}")
    return checked


def taylor_coefficients(expr: Any, x0: float, degree: int) -> np.ndarray:
    r"""The coefficients :math:`f^{(k)}(x_0) / k!` for :math:`k = 0, \dots, n`.

    Parameters
    ----------
    expr : str or sympy.Expr
        A function of one variable.
    x0 : float
        The point of expansion.
    degree : int
        :math:`n`, at least 0.

    Returns
    -------
    numpy.ndarray, shape (degree + 1,)
        Lowest power first; the derivatives are sympy's, evaluated in float64.

    Examples
    --------
    >>> taylor_coefficients("exp(x)", 0.0, 3).tolist()  # 1 + h + h²/2 + h³/6
    [1.0, 1.0, 0.5, 0.16666666666666666]
    """
    expression = as_expression(expr)
    x0 = require_real_scalar(x0, "x0")
    degree = require_int(degree, "degree")
    derivatives = [expression] + [
        symbolic_derivative(expression, order=k) for k in range(1, degree + 1)
    ]
    with np.errstate(all="ignore"):  # a pole at x0 is reported below
        values = [float(to_numpy(d)(np.float64(x0))) for d in derivatives]
    if not all(map(math.isfinite, values)):
        raise ValueError(f"x0: the derivatives of {expression} at {x0} are not finite")
    return np.array([v / math.factorial(k) for k, v in enumerate(values)])


def taylor_polynomial(expr: Any, x0: float, degree: int) -> Callable[[Any], np.ndarray]:
    r"""The Taylor polynomial :math:`T_n(h)` of ``expr`` about ``x0``.

    Parameters
    ----------
    expr : str or sympy.Expr
        A function of one variable.
    x0 : float
        The point of expansion.
    degree : int
        :math:`n`.

    Returns
    -------
    callable
        :math:`h \mapsto \sum_k f^{(k)}(x_0) h^k / k!`, vectorised; note that
        it takes the offset :math:`h`, not :math:`x = x_0 + h`.

    Examples
    --------
    >>> tangent = taylor_polynomial("x**2", 3.0, 1)  # 9 + 6h
    >>> float(tangent(0.5))
    12.0
    """
    coefficients = taylor_coefficients(expr, x0, degree)

    def polynomial(h: Any) -> np.ndarray:
        return np.polynomial.polynomial.polyval(
            np.asarray(h, dtype=float), coefficients
        )

    return polynomial


def taylor_errors(
    expr: Any, x0: float, degree: int, steps: Any
) -> tuple[np.ndarray, float]:
    r"""The error :math:`|f(x_0 + h) - T_n(h)|` for each step, and its order.

    Parameters
    ----------
    expr : str or sympy.Expr
        A function of one variable.
    x0 : float
        The point of expansion.
    degree : int
        :math:`n`.
    steps : array_like
        Positive offsets :math:`h`, at least two.

    Returns
    -------
    errors : numpy.ndarray
        One per step.
    slope : float
        The slope of :math:`\log(\text{error})` against :math:`\log h`, fitted
        by least squares: about :math:`n + 1` when the steps are small enough
        for the first omitted term to rule, and large enough to stay clear of
        rounding.

    Examples
    --------
    >>> errors, slope = taylor_errors("sin(x)", 1.0, 1, [1e-3, 1e-2])
    >>> round(slope, 2)  # the tangent line errs by about h²|f''|/2
    2.0
    """
    f = to_numpy(as_expression(expr))
    hs = np.asarray(steps, dtype=float)
    if hs.ndim != 1 or len(hs) < 2 or np.any(~(hs > 0)) or np.any(~np.isfinite(hs)):
        raise ValueError("steps must be a 1-D array of at least 2 positive numbers")
    polynomial = taylor_polynomial(expr, x0, degree)
    errors = np.abs(f(x0 + hs) - polynomial(hs))
    if np.any(errors == 0):
        raise ValueError(
            f"steps: the degree-{degree} polynomial is exact at some steps "
            "(f is a polynomial of that degree?), so the error has no order"
        )
    slope = float(np.polyfit(np.log(hs), np.log(errors), 1)[0])
    return errors, slope


def taylor_figure(
    expr: Any,
    x0: float,
    degrees: Sequence[int] = (1, 2, 3),
    half_width: float = 1.5,
) -> Figure:
    r"""Taylor polynomials of ``expr`` about ``x0``, and how fast they err.

    Left: :math:`f` and :math:`T_n` for each degree over
    :math:`[x_0 - w, x_0 + w]`. Right: :math:`|f(x_0 + h) - T_n(h)|` against
    :math:`h` on log-log axes; each legend entry gives the slope fitted over
    :math:`10^{-2} \le h \le 10^{-1}`, about :math:`n + 1`.

    Parameters
    ----------
    expr : str or sympy.Expr
        A function of one variable.
    x0 : float
        The point of expansion.
    degrees : sequence of int
        The degrees to draw, each 1 to :data:`MAX_DEGREE`.
    half_width : float
        :math:`w`, half the width of the left panel.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> figure = taylor_figure("sin(x)", 1.0, degrees=[1, 2])
    >>> [ax.get_xlabel() for ax in figure.axes]
    ['x', 'step h']
    """
    expression = as_expression(expr)
    x0 = require_real_scalar(x0, "x0")
    degrees = _degrees(degrees)
    half_width = require_real_scalar(half_width, "half_width")
    if not half_width > 0:
        raise ValueError(f"half_width must be positive, got {half_width}")
    f = to_numpy(expression)
    figure = new_figure(8.4, 3.6)
    curve_ax, error_ax = figure.subplots(1, 2, width_ratios=[1.2, 1])
    xs = np.linspace(x0 - half_width, x0 + half_width, 301)
    ys = f(xs)
    curve_ax.plot(xs, ys, color=COLORS["function"], lw=2.4, label="f(x)")
    span = np.ptp(ys) if np.ptp(ys) > 0 else 1.0
    curve_ax.set_ylim(ys.min() - 0.5 * span, ys.max() + 0.35 * span)  # legend below
    hs = np.logspace(-3, 0, 61)
    fit = (hs >= 1e-2) & (hs <= 1e-1)
    for degree in degrees:
        color, style = _DEGREE_STYLES[degree - 1]
        polynomial = taylor_polynomial(expression, x0, degree)
        curve_ax.plot(
            xs,
            polynomial(xs - x0),
            ls=style,
            color=color,
            lw=1.8,
            label=f"T{_SUBSCRIPTS[degree]}, degree {degree}",
        )
        _, slope = taylor_errors(expression, x0, degree, hs[fit])
        all_errors = np.abs(f(x0 + hs) - polynomial(hs))
        error_ax.loglog(
            hs,
            np.maximum(all_errors, 1e-17),
            ls=style,
            color=color,
            lw=1.8,
            label=f"T{_SUBSCRIPTS[degree]}: slope {slope:.2f}",
        )
    curve_ax.plot([x0], [f(np.float64(x0))], "o", color=COLORS["point"], ms=5)
    curve_ax.set_xlim(xs[0], xs[-1])
    curve_ax.set_xlabel("x")
    curve_ax.set_title(
        f"f(x) = ${sympy.latex(expression)}$ and its Taylor polynomials about "
        f"x₀ = {x0:g}",
        fontsize=10,
    )
    curve_ax.legend(loc="lower center", ncols=2, fontsize=8.5)
    error_ax.set_xlabel("step h")
    error_ax.set_ylabel("|f(x₀ + h) − Tₙ(h)|")
    error_ax.set_title("error falls like hⁿ⁺¹: slope n + 1", fontsize=10)
    error_ax.legend(loc="lower right", fontsize=8.5)
    return figure
