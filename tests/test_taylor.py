"""Tests of calclearn.taylor against sympy's series and the leading error term.

The coefficients are checked against ``sympy.series`` (an independent route to
the same expansion), the polynomial against closed forms, and the fitted order
of the error against n + 1 and against the first omitted term
|f^(n+1)(x0)| h^(n+1) / (n+1)!, evaluated by sympy here.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy

from calclearn.plots import plotted_arrays
from calclearn.taylor import (
    MAX_DEGREE,
    taylor_coefficients,
    taylor_errors,
    taylor_figure,
    taylor_polynomial,
)

X, H = sympy.symbols("x h")

CASES = [
    ("exp(x)", 0.0),
    ("sin(x)", 1.0),
    ("log(1 + x)", 0.5),
    ("1/(1 + x**2)", -0.7),
    ("log(cosh(2*x))", 0.3),
]


@pytest.mark.parametrize(("formula", "x0"), CASES)
def test_coefficients_match_sympy_series(formula, x0):
    expression = sympy.sympify(formula)
    degree = 4
    series = sympy.series(
        expression.subs(X, sympy.nsimplify(x0) + H), H, 0, degree + 1
    ).removeO()
    expected = [float(series.coeff(H, k)) for k in range(degree + 1)]
    np.testing.assert_allclose(
        taylor_coefficients(formula, x0, degree), expected, rtol=1e-13, atol=1e-15
    )


def test_polynomial_matches_closed_forms():
    # x² about 3: T1 = 9 + 6h (the tangent), T2 = (3 + h)² exactly.
    h = np.array([-0.5, 0.0, 0.25, 2.0])
    np.testing.assert_allclose(taylor_polynomial("x**2", 3.0, 1)(h), 9 + 6 * h)
    np.testing.assert_allclose(taylor_polynomial("x**2", 3.0, 2)(h), (3 + h) ** 2)
    # eˣ about 0 to degree 3 at h = 0.1: 1 + 0.1 + 0.005 + 0.1³/6.
    assert float(taylor_polynomial("exp(x)", 0.0, 3)(0.1)) == pytest.approx(
        1.1051666666666666, rel=1e-15
    )


@pytest.mark.parametrize("degree", range(1, MAX_DEGREE + 1))
@pytest.mark.parametrize(("formula", "x0"), CASES[1:])
def test_error_has_order_n_plus_1_and_the_leading_term(formula, x0, degree):
    # Small enough for the first omitted term to rule, large enough for the
    # error (down to ~1e-13 at degree 4) to stay clear of rounding.
    hs = np.logspace(-2.5, -1.5, 9)
    errors, slope = taylor_errors(formula, x0, degree, hs)
    assert slope == pytest.approx(degree + 1, abs=0.15)
    # The first omitted term, by sympy, predicts the error at the small end.
    next_derivative = sympy.diff(sympy.sympify(formula), X, degree + 1)
    coefficient = abs(float(next_derivative.subs(X, x0))) / math.factorial(degree + 1)
    if coefficient > 1e-3:  # (skip a vanishing leading term: the next one rules)
        assert errors[0] == pytest.approx(coefficient * hs[0] ** (degree + 1), rel=0.1)


def test_figure_shows_each_degree_with_its_order():
    figure = taylor_figure("sin(x)", 1.0, degrees=[1, 2, 3])
    curve_ax, error_ax = figure.axes
    labels = [t.get_text() for t in error_ax.get_legend().get_texts()]
    slopes = [float(label.rsplit(" ", 1)[1]) for label in labels]
    np.testing.assert_allclose(slopes, [2, 3, 4], atol=0.05)
    assert len(curve_ax.get_lines()) == 1 + 3 + 1  # f, three polynomials, x0
    for artist, data in plotted_arrays(figure):
        assert np.all(np.isfinite(data)), artist


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: taylor_figure("sin(x)", 1.0, degrees="12"), TypeError, "degrees"),
        (lambda: taylor_figure("sin(x)", 1.0, degrees=[0]), ValueError, "degrees"),
        (lambda: taylor_figure("sin(x)", 1.0, degrees=[9]), ValueError, "degrees"),
        (lambda: taylor_figure("sin(x)", 1.0, half_width=0), ValueError, "half_width"),
        (lambda: taylor_coefficients("sin(x)", float("nan"), 2), ValueError, "x0"),
        (lambda: taylor_coefficients("log(x)", 0.0, 2), ValueError, "x0"),
        (lambda: taylor_coefficients("sin(x)", 1.0, -1), ValueError, "degree"),
        (lambda: taylor_errors("sin(x)", 1.0, 1, [0.1, -0.1]), ValueError, "steps"),
        (lambda: taylor_errors("x**2", 1.0, 2, [0.1, 0.2]), ValueError, "steps"),
    ],
)
def test_bad_input_names_the_argument(call, error, match):
    with pytest.raises(error, match=match):
        call()
