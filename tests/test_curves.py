"""Tests of calclearn.curves: derivatives and minima of the chapter-1 curves.

Derivatives are checked against sympy (differentiated and compiled in the test),
mpmath's numerical differentiation and finite differences. Minima are checked
for f' ≈ 0 and f'' > 0, and against the critical points sympy finds exactly:
real roots of f' for polynomials, ``solveset`` otherwise.
"""

from __future__ import annotations

import mpmath
import numpy as np
import pytest
import sympy

from calclearn.curves import CURVES, Curve
from calclearn.differentiation import derivative

X = sympy.Symbol("x")

EXTRA = [
    Curve("asymmetric quartic", "x**4 - 3*x**2 + x", (-2.5, 2.5)),
    Curve("tilted double well", "(x - 0.3)**2 * (x + 1)**2 + x/10", (-2.0, 2.0)),
    Curve("gaussian dip", "-exp(-(x - 0.4)**2)", (-3.0, 3.0)),
    Curve("wavy bowl", "x**2/4 + sin(3*x)", (-4.0, 4.0)),
]
ALL = list(CURVES.values()) + EXTRA
IDS = [c.formula for c in ALL]


def grid(curve: Curve, n: int = 25) -> np.ndarray:
    return np.linspace(*curve.window, n)


def exact(curve: Curve, order: int):
    """The order-th derivative, differentiated and compiled here."""
    expr = sympy.sympify(curve.formula, rational=True)
    return sympy.lambdify(X, sympy.diff(expr, X, order), "numpy")


def test_the_chapter_offers_the_expected_kinds_of_curve():
    assert len(CURVES) >= 6
    for name, curve in CURVES.items():
        assert curve.name == name
        assert curve.window[0] < curve.window[1]


@pytest.mark.parametrize("curve", ALL, ids=IDS)
def test_f_df_d2f_match_sympy(curve):
    t = grid(curve)
    for order, compiled in enumerate((curve.f, curve.df, curve.d2f)):
        got = compiled(t)
        assert got.shape == t.shape
        np.testing.assert_allclose(
            got,
            np.broadcast_to(exact(curve, order)(t), t.shape),
            rtol=1e-12,
            atol=1e-12,
        )


@pytest.mark.parametrize("curve", ALL, ids=IDS)
def test_df_and_d2f_match_mpmath(curve):
    f = sympy.lambdify(X, sympy.sympify(curve.formula), "mpmath")
    mpmath.mp.dps = 30
    try:
        for point in grid(curve, 7):
            p = mpmath.mpf(float(point))
            assert float(curve.df(point)) == pytest.approx(
                float(mpmath.diff(f, p, 1)), rel=1e-12, abs=1e-12
            )
            assert float(curve.d2f(point)) == pytest.approx(
                float(mpmath.diff(f, p, 2)), rel=1e-12, abs=1e-12
            )
    finally:
        mpmath.mp.dps = 15


@pytest.mark.parametrize("curve", ALL, ids=IDS)
def test_df_and_d2f_match_finite_differences(curve):
    t = grid(curve)
    # Central differences of f: ~1e-10 relative to max(1, |f|, |f'|).
    fd = derivative(curve.f, t)
    scale = np.maximum.reduce([np.ones_like(t), np.abs(curve.f(t)), np.abs(fd)])
    np.testing.assert_array_less(np.abs(fd - curve.df(t)), 1e-8 * scale)
    # Complex step on df (compiled with numpy, so complex-safe): to rounding.
    cs = derivative(curve.df, t, method="complex")
    np.testing.assert_allclose(cs, curve.d2f(t), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("curve", ALL, ids=IDS)
def test_minima_are_true_local_minima(curve):
    a, b = curve.window
    for m in curve.minima:
        assert a < m < b
        scale = max(1.0, abs(float(curve.d2f(m))))
        assert abs(float(curve.df(m))) <= 1e-10 * scale
        assert float(curve.d2f(m)) > 0
        # Lower than its neighbours.
        assert float(curve.f(m)) < float(curve.f(m - 1e-3))
        assert float(curve.f(m)) < float(curve.f(m + 1e-3))


def sympy_minima(curve: Curve) -> list[float]:
    """Critical points in the open window with f'' > 0, found exactly by sympy."""
    expr = sympy.sympify(curve.formula, rational=True)
    slope, curvature = sympy.diff(expr, X), sympy.diff(expr, X, 2)
    a, b = (sympy.nsimplify(end) for end in curve.window)
    if expr.is_polynomial(X):
        candidates = sympy.Poly(slope, X).real_roots()
    else:
        candidates = list(sympy.solveset(slope, X, sympy.Interval.open(a, b)))
    return sorted(
        float(r) for r in candidates if a < r < b and curvature.subs(X, r).evalf() > 0
    )


POLYNOMIAL = [c for c in ALL if sympy.sympify(c.formula).is_polynomial(X)]
SOLVABLE = [c for c in ALL if c.formula in ("sin(x)", "exp(x)", "log(cosh(2*x))")]


@pytest.mark.parametrize("curve", POLYNOMIAL, ids=[c.formula for c in POLYNOMIAL])
def test_polynomial_minima_match_sympy_real_roots(curve):
    expected = sympy_minima(curve)
    assert len(curve.minima) == len(expected)
    np.testing.assert_allclose(curve.minima, expected, rtol=0, atol=1e-12)


@pytest.mark.parametrize("curve", SOLVABLE, ids=[c.formula for c in SOLVABLE])
def test_transcendental_minima_match_sympy_solveset(curve):
    expected = sympy_minima(curve)
    assert len(curve.minima) == len(expected)
    np.testing.assert_allclose(curve.minima, expected, rtol=0, atol=1e-12)


def test_polynomial_table_covers_several_minima():
    assert len(POLYNOMIAL) >= 4
    assert max(len(c.minima) for c in POLYNOMIAL) >= 2


def test_minima_of_numeric_curves_match_mpmath_roots():
    for curve in EXTRA[2:]:
        f = sympy.lambdify(X, sympy.diff(sympy.sympify(curve.formula), X), "mpmath")
        assert len(curve.minima) >= 1
        for m in curve.minima:
            root = float(mpmath.findroot(f, float(m)))
            assert m == pytest.approx(root, abs=1e-12)


@pytest.mark.parametrize("window", [(-1.0, 1.0), (-1.5, 1.5), (-1.0, 2.0)])
def test_degenerate_minimum_is_found_without_nan(window):
    # f = x^4 has f''(0) = 0: Newton on f' must not divide 0 by 0 when the grid
    # lands on the minimum (it does for symmetric windows).
    curve = Curve("flat", "x**4", window)
    assert curve.minima.shape == (1,)
    assert np.all(np.isfinite(curve.minima))
    assert abs(curve.minima[0]) < 1e-6


def test_curve_without_minimum_has_empty_minima():
    curve = Curve("line", "3*x + 1", (-1.0, 1.0))
    assert curve.minima.shape == (0,)
    np.testing.assert_array_equal(curve.df(np.array([0.0, 0.5])), [3.0, 3.0])
    np.testing.assert_array_equal(curve.d2f(np.array([0.0, 0.5])), [0.0, 0.0])


@pytest.mark.parametrize("curve", ALL, ids=IDS)
def test_latex_is_sympys(curve):
    assert curve.latex() == sympy.latex(sympy.sympify(curve.formula, rational=True))
