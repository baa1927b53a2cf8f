"""Tests of calclearn.symbolic: exact derivatives and their numpy compilation.

Expected values come from derivatives written out by hand in the test (checked
with ``sympy.simplify(a - b) == 0``), from mpmath's numerical differentiation,
and from evaluating the sympy expressions point by point with ``subs``.
"""

from __future__ import annotations

import mpmath
import numpy as np
import pytest
import sympy

from calclearn.symbolic import (
    as_expression,
    symbolic_derivative,
    symbolic_gradient,
    symbolic_hessian,
    to_numpy,
)

x, y, z = sympy.symbols("x y z")


def same(a, b) -> bool:
    """Symbolic equality: the difference simplifies to zero (also via exp)."""
    difference = sympy.sympify(a) - sympy.sympify(b)
    return (
        sympy.simplify(difference) == 0
        or sympy.simplify(difference.rewrite(sympy.exp)) == 0
    )


# (formula, its derivative written out by hand)
HAND_DERIVATIVES = [
    ("x**3 - 2*x", 3 * x**2 - 2),
    ("sin(x**2)", 2 * x * sympy.cos(x**2)),
    ("exp(-x**2/2)", -x * sympy.exp(-(x**2) / 2)),
    ("log(1 + x**2)", 2 * x / (1 + x**2)),
    ("x*exp(x)", (1 + x) * sympy.exp(x)),
    ("x/(1 + x**2)", (1 - x**2) / (1 + x**2) ** 2),
    ("tanh(x)", 1 - sympy.tanh(x) ** 2),
    ("log(cosh(2*x))", 2 * sympy.tanh(2 * x)),
    ("1/(1 + exp(-x))", sympy.exp(-x) / (1 + sympy.exp(-x)) ** 2),
]


@pytest.mark.parametrize(("formula", "expected"), HAND_DERIVATIVES)
def test_symbolic_derivative_matches_hand_derivative(formula, expected):
    got = symbolic_derivative(formula)
    assert isinstance(got, sympy.Expr)
    assert same(got, expected)


@pytest.mark.parametrize(("formula", "expected"), HAND_DERIVATIVES)
def test_symbolic_derivative_matches_mpmath(formula, expected):
    got = sympy.lambdify(x, symbolic_derivative(formula), "mpmath")
    f = sympy.lambdify(x, sympy.sympify(formula), "mpmath")
    mpmath.mp.dps = 30
    try:
        for point in (-1.1, 0.4, 1.7):
            numeric = mpmath.diff(f, mpmath.mpf(point))
            assert abs(got(mpmath.mpf(point)) - numeric) < mpmath.mpf(10) ** -20
    finally:
        mpmath.mp.dps = 15


def test_symbolic_derivative_higher_order():
    # d^n/dx^n x^5 = 5!/(5-n)! x^(5-n), and d^4/dx^4 sin = sin.
    for n in range(1, 6):
        coefficient = sympy.factorial(5) / sympy.factorial(5 - n)
        assert same(symbolic_derivative("x**5", order=n), coefficient * x ** (5 - n))
    assert same(symbolic_derivative("sin(x)", order=4), sympy.sin(x))


def test_symbolic_derivative_partial_with_named_variable():
    assert same(symbolic_derivative("x**2 * sin(y)", "y"), x**2 * sympy.cos(y))
    assert same(symbolic_derivative("x**2 * sin(y)", x), 2 * x * sympy.sin(y))


def test_symbolic_derivative_of_a_constant_is_zero():
    assert symbolic_derivative("7") == 0


def test_symbolic_derivative_needs_one_variable():
    with pytest.raises(ValueError, match="variable"):
        symbolic_derivative("x * y")


def test_symbolic_gradient_in_sorted_and_given_order():
    grad = symbolic_gradient("x**2 * y + exp(z)")
    assert len(grad) == 3
    for got, expected in zip(grad, [2 * x * y, x**2, sympy.exp(z)], strict=True):
        assert same(got, expected)
    reordered = symbolic_gradient("x**2 * y + exp(z)", "z x y")
    for got, expected in zip(reordered, [sympy.exp(z), 2 * x * y, x**2], strict=True):
        assert same(got, expected)


def test_symbolic_gradient_of_rosenbrock():
    grad = symbolic_gradient("(1 - x)**2 + 100*(y - x**2)**2")
    assert same(grad[0], -2 * (1 - x) - 400 * x * (y - x**2))
    assert same(grad[1], 200 * (y - x**2))


def test_symbolic_hessian_of_rosenbrock():
    H = symbolic_hessian("(1 - x)**2 + 100*(y - x**2)**2")
    expected = sympy.Matrix([[2 - 400 * y + 1200 * x**2, -400 * x], [-400 * x, 200]])
    assert H.shape == (2, 2)
    assert (H - expected).applyfunc(sympy.simplify) == sympy.zeros(2, 2)


def test_symbolic_hessian_is_symmetric_with_given_order():
    H = symbolic_hessian("x*y*z + sin(x)*exp(z)", [z, y, x])
    assert H.shape == (3, 3)
    assert (H - H.T).applyfunc(sympy.simplify) == sympy.zeros(3, 3)
    assert same(H[0, 0], sympy.sin(x) * sympy.exp(z))  # d2/dz2
    assert same(H[2, 0], y + sympy.cos(x) * sympy.exp(z))  # d2/dx dz


def test_as_expression_passes_sympy_through_and_reads_strings():
    expr = x**2 + 1
    assert as_expression(expr) is expr
    assert as_expression("x**2 + 1") == expr
    # rational=True keeps 1/3 exact.
    assert as_expression("x/3") == x * sympy.Rational(1, 3)


# --------------------------------------------------------------------------
# to_numpy
# --------------------------------------------------------------------------


def evaluate(expr, symbols, point):
    """The expression at one point, by sympy substitution (no lambdify)."""
    return float(sympy.sympify(expr).subs(dict(zip(symbols, point, strict=True))))


def test_to_numpy_scalar_expression_of_one_variable():
    g = to_numpy("sin(x) * exp(x)")
    grid = np.linspace(-2.0, 2.0, 12).reshape(3, 4)
    got = g(grid)
    assert got.shape == (3, 4)
    expected = [[evaluate("sin(x)*exp(x)", [x], [v]) for v in row] for row in grid]
    np.testing.assert_allclose(got, expected, rtol=1e-14)
    zero_d = g(0.5)
    assert np.shape(zero_d) == ()
    assert float(zero_d) == pytest.approx(evaluate("sin(x)*exp(x)", [x], [0.5]))


def test_to_numpy_points_of_shape_batch_by_n():
    g = to_numpy("x**2 * y - z", "x y z")
    rng = np.random.default_rng(0)
    points = rng.normal(size=(4, 5, 3))
    got = g(points)
    assert got.shape == (4, 5)
    for index in np.ndindex(4, 5):
        assert got[index] == pytest.approx(
            evaluate("x**2*y - z", [x, y, z], points[index]), rel=1e-14
        )


def test_to_numpy_list_gives_trailing_axis_k():
    grad = to_numpy(symbolic_gradient("x**2 * y"), "x y")
    points = np.array([[1.0, 2.0], [3.0, 1.0], [-0.5, 4.0]])
    got = grad(points)
    assert got.shape == (3, 2)
    # Gradient of x^2 y is (2xy, x^2), computed here directly.
    expected = np.column_stack([2 * points[:, 0] * points[:, 1], points[:, 0] ** 2])
    np.testing.assert_allclose(got, expected, rtol=1e-15)
    single = grad(np.array([1.0, 2.0]))
    assert single.shape == (2,)


def test_to_numpy_matrix_gives_trailing_axes_r_c_with_constants_broadcast():
    H = symbolic_hessian("x**2 * y")  # [[2y, 2x], [2x, 0]]: contains a constant
    g = to_numpy(H, "x y")
    points = np.array([[1.0, 2.0], [3.0, -1.0]])
    got = g(points)
    assert got.shape == (2, 2, 2)
    for p, matrix in zip(points, got, strict=True):
        expected = [[2 * p[1], 2 * p[0]], [2 * p[0], 0.0]]
        np.testing.assert_allclose(matrix, expected, rtol=1e-15)
    assert g(np.array([1.0, 2.0])).shape == (2, 2)


def test_to_numpy_non_square_matrix_keeps_row_major_layout():
    M = sympy.Matrix([[x, 1, 2 * x], [3, x**2, -x]])
    got = to_numpy(M, "x")(np.array([2.0, -1.0]))
    assert got.shape == (2, 2, 3)
    np.testing.assert_array_equal(got[0], [[2.0, 1.0, 4.0], [3.0, 4.0, -2.0]])
    np.testing.assert_array_equal(got[1], [[-1.0, 1.0, -2.0], [3.0, 1.0, 1.0]])


def test_to_numpy_constant_broadcasts_to_batch():
    g = to_numpy("3", "x")
    got = g(np.zeros((2, 5)))
    assert got.shape == (2, 5)
    np.testing.assert_array_equal(got, 3.0)
    constants = to_numpy([sympy.Integer(1), x], "x")(np.array([0.5, 2.0, 4.0]))
    np.testing.assert_array_equal(constants, [[1.0, 0.5], [1.0, 2.0], [1.0, 4.0]])


def test_to_numpy_accepts_complex_input_for_the_complex_step():
    g = to_numpy("exp(x) * sin(x)")
    h = 1e-20
    slope = g(np.array([0.3 + 1j * h])).imag / h
    exact = evaluate("exp(x) * (sin(x) + cos(x))", [x], [0.3])
    assert float(slope[0]) == pytest.approx(exact, rel=1e-14)


def test_to_numpy_rejects_a_point_of_the_wrong_length():
    g = to_numpy("x * y", "x y")
    with pytest.raises(ValueError, match="point"):
        g(np.ones(3))


def test_to_numpy_needs_every_symbol():
    with pytest.raises(ValueError, match="variables"):
        to_numpy("x * y", "x")
