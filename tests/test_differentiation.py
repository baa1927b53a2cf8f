"""Tests of calclearn.differentiation against independent routes.

The expected derivatives come from sympy (``sympy.diff`` compiled with
``sympy.lambdify``), from mpmath, or from closed-form error models computed
here; never from the package itself. All arithmetic is float64 unless a test
says otherwise, and every tolerance is stated next to its assertion.
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from calclearn.differentiation import (
    GRADIENT_CHECK_THRESHOLDS,
    METHODS,
    default_step,
    derivative,
    gradient,
    gradient_check,
    hessian,
    jacobian,
    step_size_errors,
)

X = sympy.Symbol("x")
EPS64 = float(np.finfo(np.float64).eps)
EPS32 = float(np.finfo(np.float32).eps)

# --------------------------------------------------------------------------
# One variable: a table of functions, differentiated by sympy.
# --------------------------------------------------------------------------

REALS = (-1.3, -0.4, 0.7, 1.9)
POSITIVE = (0.3, 1.1, 2.5, 4.0)

# (formula in x, points where it is smooth). Polynomials, exp/log, trig,
# compositions, products and quotients.
FUNCTIONS = [
    ("x**2", REALS),
    ("x**3 - 2*x + 1", REALS),
    ("3*x**5 - x**4 + 2*x**2 - 7", REALS),
    ("exp(x)", REALS),
    ("exp(-x**2/2)", REALS),
    ("log(x)", POSITIVE),
    ("log(1 + x**2)", REALS),
    ("sin(x)", REALS),
    ("cos(3*x)", REALS),
    ("tan(x)", (-1.2, -0.4, 0.7, 1.1)),
    ("sin(x**2)", REALS),
    ("exp(sin(x))", REALS),
    ("x*exp(x)", REALS),
    ("x**2*cos(x)", REALS),
    ("sin(x)*log(x)", POSITIVE),
    ("x/(1 + x**2)", REALS),
    ("sin(x)/x", (-2.2, -0.4, 0.7, 3.1)),
    ("exp(x)/(1 + exp(x))", REALS),
    ("tanh(x)", REALS),
    ("sqrt(1 + x**2)", REALS),
    ("log(cosh(2*x))", REALS),
    ("atan(x)", REALS),
    ("1/(2 + cos(x))", REALS),
    ("x**(3/2)", POSITIVE),
    ("log(1 + exp(x))", REALS),
    ("(x**2 + 1)**3 * exp(-x)", REALS),
]


def compile_pair(formula: str):
    """f and its exact derivative f' as vectorised numpy functions (via sympy)."""
    expr = sympy.sympify(formula, rational=True)
    f = sympy.lambdify(X, expr, "numpy")
    df = sympy.lambdify(X, sympy.diff(expr, X), "numpy")
    return f, df


# Tolerances on |D f(x) - f'(x)|, relative to max(1, |f(x)|, |f'(x)|): the
# round-off part of a difference quotient scales with |f|, the rest with f'.
# Default steps: forward/backward h = sqrt(eps) max(1,|x|) gives ~1e-8, central
# h = cbrt(eps) max(1,|x|) gives ~1e-10. Complex step: purely relative.
DIFFERENCE_RTOL = {"forward": 1e-6, "backward": 1e-6, "central": 1e-8}
COMPLEX_RTOL = 1e-13


def test_function_table_is_big_enough():
    assert len(FUNCTIONS) >= 20
    assert set(METHODS) == {"forward", "backward", "central", "complex"}


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize(
    ("formula", "points"), FUNCTIONS, ids=[f for f, _ in FUNCTIONS]
)
def test_derivative_matches_sympy_on_array(formula, points, method):
    f, df = compile_pair(formula)
    x = np.array(points)
    exact = df(x)
    got = derivative(f, x, method=method)  # vectorised: all points at once
    assert got.shape == x.shape
    assert got.dtype == np.float64
    error = np.abs(got - exact)
    if method == "complex":
        np.testing.assert_array_less(error, COMPLEX_RTOL * np.abs(exact))
    else:
        scale = np.maximum.reduce([np.ones_like(x), np.abs(f(x)), np.abs(exact)])
        np.testing.assert_array_less(error, DIFFERENCE_RTOL[method] * scale)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize(
    ("formula", "points"), FUNCTIONS[::5], ids=[f for f, _ in FUNCTIONS[::5]]
)
def test_derivative_scalar_points_agree_with_array(formula, points, method):
    f, df = compile_pair(formula)
    whole = derivative(f, np.array(points), method=method)
    for i, point in enumerate(points):
        one = derivative(f, point, method=method)
        assert np.shape(one) == ()
        # The same formula on the same numbers: identical up to 1 ulp-ish.
        assert one == pytest.approx(whole[i], rel=1e-14, abs=1e-300)
        assert one == pytest.approx(float(df(point)), rel=1e-5, abs=1e-6)


def test_derivative_keeps_the_shape_of_a_2d_array():
    f, df = compile_pair("exp(sin(x))")
    x = np.linspace(-2.0, 2.0, 12).reshape(3, 4)
    for method in METHODS:
        got = derivative(f, x, method=method)
        assert got.shape == (3, 4)
        np.testing.assert_allclose(got, df(x), rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("method", ["forward", "backward", "central"])
def test_derivative_uses_exactly_the_stated_formula(method):
    f = np.exp
    x = np.array([-0.5, 0.25, 1.5])
    h = 1e-3
    formula = {
        "forward": (f(x + h) - f(x)) / h,
        "backward": (f(x) - f(x - h)) / h,
        "central": (f(x + h) - f(x - h)) / (2 * h),
    }[method]
    np.testing.assert_allclose(derivative(f, x, method=method, h=h), formula, rtol=0)


def test_complex_step_is_im_f_over_h():
    x, h = 0.7, 1e-3
    expected = np.sin(x + 1j * h).imag / h
    assert float(derivative(np.sin, x, method="complex", h=h)) == expected


def test_array_of_steps_broadcasts_against_x():
    steps = np.array([1e-1, 1e-2, 1e-3])
    got = derivative(np.sin, 1.0, h=steps)
    assert got.shape == (3,)
    np.testing.assert_allclose(
        got, (np.sin(1.0 + steps) - np.sin(1.0 - steps)) / (2 * steps), rtol=1e-15
    )


def test_float32_input_gives_float32_output():
    x = np.array([0.5, 1.0], dtype=np.float32)
    got = derivative(np.sin, x)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, np.cos(x.astype(np.float64)), rtol=1e-3)


# --------------------------------------------------------------------------
# Order of accuracy, measured.
# --------------------------------------------------------------------------

# (f, f'', f''', point): closed-form higher derivatives for the error models.
ORDER_CASES = [
    (np.sin, lambda t: -np.sin(t), lambda t: -np.cos(t), np.cos, 1.0),
    (np.exp, np.exp, np.exp, np.exp, 0.5),
    (
        lambda t: t**4 - t,
        lambda t: 12 * t**2,
        lambda t: 24 * t,
        lambda t: 4 * t**3 - 1,
        1.5,
    ),
]
ORDER_IDS = ["sin@1", "exp@0.5", "quartic@1.5"]


def fitted_slope(steps: np.ndarray, errors: np.ndarray) -> float:
    slope, _ = np.polyfit(np.log(steps), np.log(errors), 1)
    return float(slope)


@pytest.mark.parametrize(("f", "d2f", "d3f", "df", "x"), ORDER_CASES, ids=ORDER_IDS)
@pytest.mark.parametrize("method", ["forward", "backward"])
def test_one_sided_differences_are_first_order(f, d2f, d3f, df, x, method):
    # Truncation ~ h |f''| / 2 dominates round-off ~ eps |f| / h for these h.
    steps = np.logspace(-2, -5, 13)
    errors = np.abs(
        derivative(f, np.full_like(steps, x), method=method, h=steps) - df(x)
    )
    assert fitted_slope(steps, errors) == pytest.approx(1.0, abs=0.1)
    # And the constant is the textbook one: error / (h |f''| / 2) -> 1.
    model = steps * abs(d2f(x)) / 2
    assert errors[-1] / model[-1] == pytest.approx(1.0, rel=1e-2)


@pytest.mark.parametrize(("f", "d2f", "d3f", "df", "x"), ORDER_CASES, ids=ORDER_IDS)
@pytest.mark.parametrize("method", ["central", "complex"])
def test_central_and_complex_step_are_second_order(f, d2f, d3f, df, x, method):
    steps = np.logspace(-1.5, -3.5, 11)
    errors = np.abs(
        derivative(f, np.full_like(steps, x), method=method, h=steps) - df(x)
    )
    assert fitted_slope(steps, errors) == pytest.approx(2.0, abs=0.1)
    model = steps**2 * abs(d3f(x)) / 6  # leading error term of both formulas
    assert errors[-1] / model[-1] == pytest.approx(1.0, rel=1e-2)


@pytest.mark.parametrize(("f", "d2f", "d3f", "df", "x"), ORDER_CASES, ids=ORDER_IDS)
def test_complex_step_is_exact_at_default_step(f, d2f, d3f, df, x):
    exact = float(df(x))
    got = float(derivative(f, x, method="complex"))
    assert abs(got - exact) < 1e-13 * abs(exact)


def test_complex_step_matches_mpmath_to_machine_precision():
    # mpmath at 50 digits: an exact route that shares no code with numpy.
    mpmath.mp.dps = 50
    try:
        for x in (0.3, 1.0, 2.7):
            exact = float(mpmath.diff(lambda t: mpmath.exp(mpmath.sin(t)), x))
            got = float(derivative(lambda t: np.exp(np.sin(t)), x, method="complex"))
            assert abs(got - exact) <= 4 * EPS64 * abs(exact)
    finally:
        mpmath.mp.dps = 15


# --------------------------------------------------------------------------
# Rules of differentiation, as properties (hypothesis).
# --------------------------------------------------------------------------

SMOOTH = {
    "sin": np.sin,
    "cos": np.cos,
    "exp": np.exp,
    "tanh": np.tanh,
    "cubic": lambda t: t**3 - t,
    "log1p_sq": lambda t: np.log1p(t**2),
}
names = st.sampled_from(sorted(SMOOTH))
points = st.floats(min_value=-2.0, max_value=2.0, allow_nan=False, width=64)
coefficients = st.floats(min_value=-5.0, max_value=5.0, allow_nan=False, width=64)

# Central differences at the default step are accurate to ~1e-10 relative for
# these functions (values up to e^(e^2) ~ 1.6e3 in the chain rule); 1e-7 leaves
# room while a wrong rule is off by O(1).
RULE_RTOL, RULE_ATOL = 1e-7, 1e-7


@settings(max_examples=60, deadline=None)
@given(f=names, g=names, a=coefficients, b=coefficients, x=points)
def test_linearity(f, g, a, b, x):
    F, G = SMOOTH[f], SMOOTH[g]
    combined = derivative(lambda t: a * F(t) + b * G(t), x)
    separate = a * derivative(F, x) + b * derivative(G, x)
    atol = RULE_ATOL * (1 + abs(a) + abs(b))
    assert float(combined) == pytest.approx(float(separate), rel=RULE_RTOL, abs=atol)


@settings(max_examples=60, deadline=None)
@given(f=names, g=names, x=points)
def test_product_rule(f, g, x):
    F, G = SMOOTH[f], SMOOTH[g]
    product = derivative(lambda t: F(t) * G(t), x)
    rule = derivative(F, x) * G(x) + F(x) * derivative(G, x)
    assert float(product) == pytest.approx(float(rule), rel=RULE_RTOL, abs=RULE_ATOL)


@settings(max_examples=60, deadline=None)
@given(f=names, g=names, x=points)
def test_chain_rule(f, g, x):
    F, G = SMOOTH[f], SMOOTH[g]
    composed = derivative(lambda t: F(G(t)), x)
    rule = derivative(F, G(x)) * derivative(G, x)
    assert float(composed) == pytest.approx(float(rule), rel=RULE_RTOL, abs=RULE_ATOL)


@settings(max_examples=40, deadline=None)
@given(f=names, x=points)
def test_complex_step_and_central_agree(f, x):
    F = SMOOTH[f]
    central = float(derivative(F, x, method="central"))
    assert float(derivative(F, x, method="complex")) == pytest.approx(
        central, rel=1e-8, abs=1e-9
    )


# --------------------------------------------------------------------------
# Several variables: gradient, jacobian, hessian against sympy.
# --------------------------------------------------------------------------

XY = sympy.symbols("x y")
XYZ = sympy.symbols("x y z")

FIELDS = [
    ("(1 - x)**2 + 100*(y - x**2)**2", XY, [(-1.5, 2.0), (0.3, -0.7), (1.0, 1.0)]),
    ("x*y*z", XYZ, [(1.0, -2.0, 0.5), (0.3, 0.4, -1.7)]),
    ("exp(x)*sin(y) + z**2*cos(x)", XYZ, [(0.2, 1.1, -0.6), (-1.0, 2.5, 1.3)]),
    ("log(1 + x**2 + y**2) + x*y", XY, [(0.5, -1.5), (2.0, 0.1)]),
    ("x/(1 + y**2) + tanh(x*y)", XY, [(1.2, 0.4), (-0.7, -2.0)]),
    (
        "(x**2 + y - 11)**2 + (x + y**2 - 7)**2",
        XY,
        [(3.0, 2.0), (-0.27, -0.92), (1.0, 1.0)],
    ),
]
FIELD_IDS = ["rosenbrock", "xyz", "exp-trig", "log", "quotient", "himmelblau"]


def field_cases():
    return [
        pytest.param(formula, symbols, point, id=f"{name}-{point}")
        for (formula, symbols, pts), name in zip(FIELDS, FIELD_IDS, strict=True)
        for point in pts
    ]


def numpy_field(formula: str, symbols):
    """f(p), exact gradient and exact Hessian at a point, from sympy."""
    expr = sympy.sympify(formula)
    f = sympy.lambdify([symbols], expr, "numpy")
    grad = sympy.lambdify([symbols], [sympy.diff(expr, s) for s in symbols], "numpy")
    hess = sympy.lambdify([symbols], sympy.hessian(expr, symbols), "numpy")
    return f, grad, hess


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize(("formula", "symbols", "point"), field_cases())
def test_gradient_matches_sympy(formula, symbols, point, method):
    f, grad, hess = numpy_field(formula, symbols)
    p = np.array(point)
    exact = np.array(grad(p), dtype=float)
    curvature = float(np.max(np.abs(np.array(hess(p), dtype=float))))
    got = gradient(f, p, method=method)
    assert got.shape == p.shape
    error = np.abs(got - exact)
    if method == "complex":
        # Relative to the largest component: a component may be ~0.
        assert np.max(error) <= COMPLEX_RTOL * max(1.0, np.max(np.abs(exact)))
    else:
        # Truncation of a one-sided difference is ~ h |f''| / 2, so the scale
        # includes the curvature (large at Rosenbrock's minimum, where f = 0).
        scale = max(1.0, abs(float(f(p))), float(np.max(np.abs(exact))), curvature)
        assert np.max(error) <= DIFFERENCE_RTOL[method] * scale


@pytest.mark.parametrize(("formula", "symbols", "point"), field_cases())
def test_hessian_matches_sympy(formula, symbols, point):
    f, _, hess = numpy_field(formula, symbols)
    p = np.array(point)
    exact = np.array(hess(p), dtype=float)
    got = hessian(f, p)
    assert got.shape == (p.size, p.size)
    np.testing.assert_array_equal(got, got.T)
    # h = eps**(1/4): truncation ~ h^2 f'''' and round-off ~ eps |f| / h^2,
    # both ~1e-8 relative to the scale below.
    scale = max(1.0, abs(float(f(p))), float(np.max(np.abs(exact))))
    assert np.max(np.abs(got - exact)) <= 1e-6 * scale


VECTOR_FIELD = sympy.Matrix(
    [
        XYZ[0] * XYZ[1] * XYZ[2],
        sympy.sin(XYZ[0]) + XYZ[1] ** 2,
        sympy.exp(XYZ[1] - XYZ[2]),
    ]
)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("point", [(0.5, -1.0, 2.0), (1.3, 0.2, -0.4)])
def test_jacobian_matches_sympy(point, method):
    F = sympy.lambdify([XYZ], list(VECTOR_FIELD), "numpy")
    J = sympy.lambdify([XYZ], VECTOR_FIELD.jacobian(XYZ), "numpy")
    p = np.array(point)
    exact = np.array(J(p), dtype=float)
    got = jacobian(lambda q: np.array(F(q)), p, method=method)
    assert got.shape == (3, 3)
    rtol = COMPLEX_RTOL if method == "complex" else DIFFERENCE_RTOL[method]
    assert np.max(np.abs(got - exact)) <= rtol * max(1.0, np.max(np.abs(exact)))


def test_jacobian_of_a_matrix_valued_function_has_shape_out_plus_n():
    p = np.array([1.0, -2.0, 0.5])
    got = jacobian(lambda q: np.outer(q, q), p)
    # d(q_i q_j)/dq_k = delta_ik q_j + q_i delta_jk
    eye = np.eye(3)
    exact = np.einsum("ik,j->ijk", eye, p) + np.einsum("i,jk->ijk", p, eye)
    assert got.shape == (3, 3, 3)
    np.testing.assert_allclose(got, exact, atol=1e-9)


def test_jacobian_with_a_given_step_is_the_central_formula():
    p = np.array([0.4, -1.1])
    h = 1e-2

    def F(q):
        return np.array([np.sin(q[0]) * q[1], np.exp(q[0] + q[1])])

    expected = np.column_stack(
        [(F(p + h * e) - F(p - h * e)) / (2 * h) for e in np.eye(2)]
    )
    np.testing.assert_allclose(jacobian(F, p, h=h), expected, rtol=1e-15)


# --------------------------------------------------------------------------
# gradient_check
# --------------------------------------------------------------------------

CHECK_EXPR = sympy.sympify("x**2 * y + sin(x * y) + exp(y) / 3")


def _check_functions():
    f = sympy.lambdify([XY], CHECK_EXPR, "numpy")
    grad = sympy.lambdify([XY], [sympy.diff(CHECK_EXPR, s) for s in XY], "numpy")
    return f, lambda p: np.array(grad(p), dtype=float)


def test_gradient_check_accepts_a_correct_gradient():
    f, grad = _check_functions()
    check = gradient_check(f, grad, [0.7, -1.2])
    assert check.verdict == "correct"
    assert check.passed
    assert check.relative_error < 1e-7
    assert "correct" in str(check)


def test_gradient_check_rejects_a_dropped_term():
    f, _ = _check_functions()
    x, y = sympy.symbols("x y")
    # The sin(xy) term dropped from the gradient.
    dropped = sympy.lambdify([XY], [2 * x * y, x**2 + sympy.exp(y) / 3], "numpy")
    check = gradient_check(f, lambda p: np.array(dropped(p)), [0.7, -1.2])
    assert check.verdict in ("wrong", "suspicious")
    assert not check.passed


def test_gradient_check_rejects_a_wrong_factor():
    check = gradient_check(lambda p: np.sum(p**2), lambda p: p, [1.0, -2.0, 0.5])
    # |2p - p| / (|2p| + |p|) = 1/3 for every component.
    assert check.relative_error == pytest.approx(1 / 3, rel=1e-8)
    assert check.verdict == "wrong"


def test_gradient_check_relative_error_formula():
    f, grad = _check_functions()
    p = np.array([0.9, 0.4])
    exact = grad(p)
    wrong = exact * np.array([1.0, 1.01])  # 1 % off in the second component
    check = gradient_check(f, lambda _: wrong, p)
    # Independent computation with the exact gradient in place of the numerical
    # one: r = max|g_exact - g| / max(|g_exact| + |g|).
    independent = np.max(np.abs(exact - wrong)) / np.max(np.abs(exact) + np.abs(wrong))
    assert check.relative_error == pytest.approx(independent, rel=1e-6)
    # And from the reported arrays, to rounding.
    reported = np.max(np.abs(check.numerical - check.analytic)) / np.max(
        np.abs(check.numerical) + np.abs(check.analytic)
    )
    assert check.relative_error == pytest.approx(reported, rel=1e-14)
    np.testing.assert_array_equal(check.analytic, wrong)
    assert check.worst_index == (1,)


@pytest.mark.parametrize(
    ("delta", "verdict"),
    [
        (2e-9, "correct"),
        (2e-6, "acceptable only with kinks"),
        (2e-3, "suspicious"),
        (0.5, "wrong"),
    ],
)
def test_gradient_check_verdict_bands(delta, verdict):
    # Scaling the true gradient by (1 + delta) gives r = delta / (2 + delta),
    # which lands in the middle (on a log scale) of each band.
    f, grad = _check_functions()
    p = np.array([0.3, 1.4])
    check = gradient_check(f, lambda q: grad(q) * (1 + delta), p)
    assert check.relative_error == pytest.approx(delta / (2 + delta), rel=1e-3)
    assert check.verdict == verdict
    expected = next(row for row in GRADIENT_CHECK_THRESHOLDS if row[1] == verdict)
    assert check.advice == expected[2]


def test_gradient_check_of_a_zero_gradient_passes():
    check = gradient_check(lambda p: 3.0 + 0 * p[0], lambda p: np.zeros(2), [1.0, 2.0])
    assert check.relative_error == 0.0
    assert check.verdict == "correct"


# --------------------------------------------------------------------------
# default_step and step_size_errors
# --------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_default_step_values(dtype):
    x = np.array([0.0, 0.5, -1.0, 3.0, -250.0], dtype=dtype)
    eps = mpmath.mpf(float(np.finfo(dtype).eps))
    scale = np.maximum(1.0, np.abs(x.astype(np.float64)))
    # Roots of eps computed by mpmath, so rounding of eps**(1/3) cannot hide.
    sqrt_eps = float(mpmath.sqrt(eps))
    cbrt_eps = float(mpmath.cbrt(eps))
    ulp = float(np.finfo(dtype).eps)
    for method in ("forward", "backward"):
        got = default_step(x, method)
        assert got.dtype == dtype
        np.testing.assert_allclose(got, sqrt_eps * scale, rtol=ulp)
    got = default_step(x, "central")
    assert got.dtype == dtype
    np.testing.assert_allclose(got, cbrt_eps * scale, rtol=ulp)
    np.testing.assert_array_equal(default_step(x, "complex"), np.full(x.shape, 1e-20))


def test_default_step_float32_uses_float32_eps():
    step32 = float(default_step(np.float32(1.0), "central"))
    step64 = float(default_step(1.0, "central"))
    assert step32 == pytest.approx(EPS32 ** (1 / 3), rel=1e-6)
    assert step64 == pytest.approx(EPS64 ** (1 / 3), rel=1e-12)
    assert step32 > 100 * step64


def test_default_step_is_the_default_of_derivative():
    x = np.array([0.3, 7.0])
    for method in METHODS:
        h = default_step(x, method)
        np.testing.assert_array_equal(
            derivative(np.sin, x, method=method),
            derivative(np.sin, x, method=method, h=h),
        )


def test_step_size_errors_shape_and_truncation_regime():
    steps = np.logspace(-1, -4, 7)
    errors = step_size_errors(np.sin, math.cos(1.0), 1.0, steps)
    assert errors.shape == steps.shape
    assert errors.dtype == np.float64
    # Truncation regime: strictly decreasing, following h^2 |f'''| / 6.
    assert np.all(np.diff(errors) < 0)
    model = steps**2 * math.cos(1.0) / 6
    np.testing.assert_allclose(errors, model, rtol=1e-2)


def test_step_size_errors_forward_is_first_order():
    steps = np.logspace(-1, -5, 9)
    errors = step_size_errors(np.exp, 1.0, 0.0, steps, method="forward")
    assert np.all(np.diff(errors) < 0)
    assert fitted_slope(steps, errors) == pytest.approx(1.0, abs=0.1)


def test_step_size_errors_are_the_derivative_errors():
    steps = np.array([1e-2, 1e-3])
    exact = math.cos(0.4)
    errors = step_size_errors(np.sin, exact, 0.4, steps, method="backward")
    np.testing.assert_allclose(
        errors, np.abs((np.sin(0.4) - np.sin(0.4 - steps)) / steps - exact), rtol=1e-12
    )


def test_float32_is_worse_than_float64_at_small_steps():
    steps = np.array([1e-4, 1e-5])
    e64 = step_size_errors(np.sin, math.cos(1.0), 1.0, steps, dtype=np.float64)
    e32 = step_size_errors(np.sin, math.cos(1.0), 1.0, steps, dtype=np.float32)
    # Round-off ~ eps |f| / h: float32's eps is 2**29 times float64's.
    assert np.all(e32 > 100 * e64)
