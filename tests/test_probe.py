"""Regression tests for the bad and edge inputs found by probing (issue 8, §1).

The package was probed as a careless or curious learner would use it. Each
case found wrong is a row here, so that no later change brings it back:

- ``PROBES``: calls that must raise a ``ValueError``/``TypeError`` whose
  message starts with the name of the argument at fault (no RuntimeWarning on
  the way, no traceback text in the message);
- the tests after it: inputs that must now *work*, each checked against an
  independent route (sympy's ``evalf`` at 30 digits, closed forms of gradient
  descent on quadratics, a longer run).
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pytest
import sympy
from raising import assert_raises_naming

import calclearn as cl
from calclearn.optim import descent as optim
from calclearn.symbolic import MPMATH_FUNCTIONS, plain_symbols

ROOT = Path(__file__).resolve().parents[1]
x, y = sympy.symbols("x y")


def sum_of_squares(p):
    return float(np.sum(np.asarray(p) ** 2))


def double(p):
    return 2 * np.asarray(p)


def one_step_bowl(steps: int = 10, **kwargs):
    """Gradient descent on f = 2x² from x0 = 1 (stable for η < 0.5)."""
    return cl.gradient_descent(
        lambda t: 2 * t**2, lambda t: 4 * t, 1.0, steps=steps, **kwargs
    )


# (id, call, expected exception type, argument the message must start with)
PROBES = [
    # --- symbolic: strings are parsed, not run ---------------------------
    (
        "expr dunder import",
        lambda: cl.as_expression("__import__('os')"),
        ValueError,
        "expr",
    ),
    (
        "expr attribute access",
        lambda: cl.as_expression("x.__class__"),
        ValueError,
        "expr",
    ),
    ("expr subclasses", lambda: cl.as_expression("().__class__"), ValueError, "expr"),
    ("expr lambda", lambda: cl.as_expression("lambda: 0"), ValueError, "expr"),
    ("expr import", lambda: cl.as_expression("import os"), ValueError, "expr"),
    ("expr string literal", lambda: cl.as_expression("exec('1')"), ValueError, "expr"),
    ("expr indexing", lambda: cl.as_expression("x[0]"), ValueError, "expr"),
    ("expr assignment", lambda: cl.as_expression("x = 1"), ValueError, "expr"),
    ("expr semicolon", lambda: cl.as_expression("x; y"), ValueError, "expr"),
    ("expr conditional", lambda: cl.as_expression("x if x else y"), ValueError, "expr"),
    ("expr empty", lambda: cl.as_expression("  "), ValueError, "expr"),
    ("expr too long", lambda: cl.as_expression("x+" * 6000 + "x"), ValueError, "expr"),
    (
        "expr tower of powers",
        lambda: cl.as_expression("9**9**9**9"),
        ValueError,
        "expr",
    ),
    (
        "expr huge factorial",
        lambda: cl.as_expression("factorial(10**9)"),
        ValueError,
        "expr",
    ),
    (
        "expr sin two arguments",
        lambda: cl.as_expression("sin(x, y)"),
        ValueError,
        "expr",
    ),
    ("expr a comparison", lambda: cl.as_expression("x > 0"), ValueError, "expr"),
    ("expr an equation", lambda: cl.as_expression(sympy.Eq(x, 1)), ValueError, "expr"),
    ("expr division by zero", lambda: cl.as_expression("1/0"), ValueError, "expr"),
    ("expr nan", lambda: cl.as_expression(sympy.nan * x), ValueError, "expr"),
    ("expr bytes", lambda: cl.as_expression(b"x**2"), TypeError, "expr"),
    ("expr float", lambda: cl.as_expression(1.5), TypeError, "expr"),
    (
        "order too high",
        lambda: cl.symbolic_derivative("x**2", order=10**9),
        ValueError,
        "order",
    ),
    (
        "variable empty string",
        lambda: cl.symbolic_derivative("x**2", ""),
        ValueError,
        "variable",
    ),
    (
        "variable not a name",
        lambda: cl.symbolic_derivative("x**2", "1x"),
        ValueError,
        "variable",
    ),
    (
        "variables repeated",
        lambda: cl.symbolic_gradient("x*y", "x x"),
        ValueError,
        "variables",
    ),
    (
        "expr two symbols named x",
        lambda: cl.symbolic_derivative(x + sympy.Symbol("x", real=True), "x"),
        ValueError,
        "expr",
    ),
    (
        "to_numpy undefined f",
        lambda: cl.to_numpy(sympy.Function("f")(x)),
        ValueError,
        "expr",
    ),
    (
        "to_numpy unevaluated integral",
        lambda: cl.to_numpy(sympy.Integral(sympy.sin(x * y), (x, 0, 1)), "y"),
        ValueError,
        "expr",
    ),
    ("to_numpy bernoulli", lambda: cl.to_numpy(sympy.bernoulli(x)), ValueError, "expr"),
    ("to_numpy conjugate", lambda: cl.to_numpy(sympy.conjugate(x)), ValueError, "expr"),
    (
        "to_numpy DiracDelta",
        lambda: cl.to_numpy(sympy.DiracDelta(x)),
        ValueError,
        "expr",
    ),
    ("to_numpy empty list", lambda: cl.to_numpy([]), ValueError, "expr"),
    ("to_numpy point bool", lambda: cl.to_numpy("x")(True), TypeError, "point"),
    # --- optim -------------------------------------------------------------
    (
        "loss nan at start",
        lambda: cl.gradient_descent(
            lambda t: math.log(t) if t > 0 else math.nan, lambda t: 1 / t, -1.0, 0.1, 10
        ),
        ValueError,
        "f",
    ),
    (
        "loss -inf at start",
        lambda: cl.gradient_descent(lambda t: -math.inf, double, 1.0, 0.1, 10),
        ValueError,
        "f",
    ),
    (
        "loss inf at start",
        lambda: cl.gradient_descent(lambda t: math.inf, double, 1.0, 0.1, 10),
        ValueError,
        "f",
    ),
    (
        "gradient nan at start",
        lambda: cl.gradient_descent(
            sum_of_squares, lambda p: p * np.nan, [1.0], 0.1, 10
        ),
        ValueError,
        "grad",
    ),
    (
        "gradient -inf at start",
        lambda: cl.gradient_descent(
            sum_of_squares, lambda p: np.full_like(p, -np.inf), [1.0], 0.1, 10
        ),
        ValueError,
        "grad",
    ),
    (
        "loss overflows at start",
        lambda: cl.gradient_descent(math.cosh, math.sinh, 1000.0, 0.1, 10),
        ValueError,
        "f",
    ),
    (
        "steps above the bound",
        lambda: one_step_bowl(optim.MAX_STEPS + 1, lr=0.1),
        ValueError,
        "steps",
    ),
    (
        "x0 empty",
        lambda: cl.gradient_descent(sum_of_squares, double, [], 0.1, 10),
        ValueError,
        "x0",
    ),
    (
        "gradient booleans",
        lambda: cl.gradient_descent(sum_of_squares, lambda p: p > 0, [1.0], 0.1, 10),
        TypeError,
        "grad",
    ),
    (
        "loss a boolean",
        lambda: cl.gradient_descent(lambda p: True, double, 1.0, 0.1, 10),
        ValueError,
        "f",
    ),
    # --- differentiation ---------------------------------------------------
    (
        "math.sin on an array",
        lambda: cl.derivative(math.sin, [1.0, 2.0]),
        TypeError,
        "f",
    ),
    (
        "if on an array",
        lambda: cl.derivative(lambda t: t if t > 0 else -t, [1.0, 2.0]),
        ValueError,
        "f",
    ),
    ("f returns booleans", lambda: cl.derivative(lambda t: t > 0, 1.0), TypeError, "f"),
    (
        "jacobian f returns booleans",
        lambda: cl.jacobian(lambda p: p > 0, [1.0, 2.0]),
        TypeError,
        "f",
    ),
    (
        "hessian f returns a boolean",
        lambda: cl.hessian(lambda p: bool(p[0] > 0), [1.0, 2.0]),
        TypeError,
        "f",
    ),
    (
        "hessian f complex",
        lambda: cl.hessian(lambda p: complex(p[0] ** 2, 1), [1.0, 2.0]),
        TypeError,
        "f",
    ),
    (
        "h 1e308: 2h overflows",
        lambda: cl.derivative(np.sin, 1.0, h=1e308),
        ValueError,
        "h",
    ),
    (
        "h 1e-200: x + h is x",
        lambda: cl.derivative(np.sin, 1.0, h=1e-200),
        ValueError,
        "h",
    ),
    (
        "h 1e-50 is 0 in float32",
        lambda: cl.derivative(np.sin, np.float32(1.0), h=1e-50),
        ValueError,
        "h",
    ),
    (
        "h 1e-10 vanishes beside float32 1",
        lambda: cl.derivative(np.sin, np.float32(1.0), h=1e-10),
        ValueError,
        "h",
    ),
    (
        "forward h vanishes",
        lambda: cl.derivative(np.sin, 1.0, method="forward", h=1e-17),
        ValueError,
        "h",
    ),
    (
        "complex h 1e-50 is 0 in float32",
        lambda: cl.derivative(np.sin, np.float32(1.0), method="complex", h=1e-50),
        ValueError,
        "h",
    ),
    (
        "h so large exp overflows",
        lambda: cl.derivative(np.exp, 1.0, h=1e3),
        ValueError,
        "h",
    ),
    (
        "gradient h vanishes",
        lambda: cl.gradient(sum_of_squares, [1.0, 2.0], h=1e-200),
        ValueError,
        "h",
    ),
    (
        "gradient h overflows f",
        lambda: cl.gradient(sum_of_squares, [1.0, 2.0], h=1e300),
        ValueError,
        "h",
    ),
    (
        "jacobian h overflows",
        lambda: cl.jacobian(double, [1.0], h=1e308),
        ValueError,
        "h",
    ),
    (
        "hessian h vanishes",
        lambda: cl.hessian(sum_of_squares, [1.0, 2.0], h=1e-170),
        ValueError,
        "h",
    ),
    (
        "hessian 4h² overflows",
        lambda: cl.hessian(sum_of_squares, [1.0, 2.0], h=1e200),
        ValueError,
        "h",
    ),
    (
        "steps overflow x + h",
        lambda: cl.step_size_errors(np.sin, math.cos(1.0), 1.0, [1e308]),
        ValueError,
        "steps",
    ),
    (
        "step_size_errors math.sin",
        lambda: cl.step_size_errors(math.sin, math.cos(1.0), 1.0, [1e-3, 1e-4]),
        TypeError,
        "f",
    ),
    # --- plots ---------------------------------------------------------------
    ("surface of a number", lambda: cl.surface_figure(3), TypeError, "landscape"),
    ("surface of None", lambda: cl.surface_figure(None), TypeError, "landscape"),
    (
        "surface of an unknown name",
        lambda: cl.surface_figure("Bothe"),
        ValueError,
        "landscape",
    ),
    (
        "field of a curve",
        lambda: cl.gradient_field_figure(cl.CURVES["sin x"]),
        TypeError,
        "landscape",
    ),
    (
        "field of an unknown name",
        lambda: cl.gradient_field_figure("bowl"),
        ValueError,
        "landscape",
    ),
    (
        "surface resolution 1",
        lambda: cl.surface_figure("Booth", resolution=1),
        ValueError,
        "resolution",
    ),
    (
        "surface resolution huge",
        lambda: cl.surface_figure("Booth", resolution=10**6),
        ValueError,
        "resolution",
    ),
    (
        "field arrows float",
        lambda: cl.gradient_field_figure("Booth", arrows=10.0),
        TypeError,
        "arrows",
    ),
    (
        "field arrows huge",
        lambda: cl.gradient_field_figure("Booth", arrows=10**6),
        ValueError,
        "arrows",
    ),
    # --- landscapes ------------------------------------------------------------
    (
        "bowl kappa 1e20 not definite",
        lambda: cl.quadratic_bowl(1e20, 0.3),
        ValueError,
        "condition_number",
    ),
    (
        "bowl kappa 1e12 eigenvalue lost",
        lambda: cl.quadratic_bowl(1e12, 0.3),
        ValueError,
        "condition_number",
    ),
    (
        "bowl center 1e200",
        lambda: cl.quadratic_bowl(center=(1e200, 0)),
        ValueError,
        "center",
    ),
    (
        "bowl center 1e17",
        lambda: cl.quadratic_bowl(center=(1e17, 0)),
        ValueError,
        "center",
    ),
    ("as_landscape a dict", lambda: cl.as_landscape({}), TypeError, "landscape"),
    # --- registries ----------------------------------------------------------
]


def _registry_mutations():
    # Plain statements, as a learner would type them (not lambdas).
    def set_landscape():
        cl.LANDSCAPES["Booth"] = cl.quadratic_bowl()

    def delete_curve():
        del cl.CURVES["sin x"]

    def set_curve():
        cl.CURVES["sin x"] = cl.CURVES["bowl 2x²"]

    return [
        ("LANDSCAPES item assignment", set_landscape),
        ("CURVES item deletion", delete_curve),
        ("CURVES item assignment", set_curve),
    ]


@pytest.mark.parametrize(
    ("call", "error", "argument"),
    [pytest.param(*row[1:], id=row[0]) for row in PROBES],
)
def test_probe_raises_naming_the_argument(call, error, argument):
    message = assert_raises_naming(call, error, argument)
    assert "Unsupported by" not in message  # no printer internals


def test_probe_ids_are_unique():
    ids = [row[0] for row in PROBES]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize(("name", "mutate"), _registry_mutations())
def test_registries_cannot_be_changed(name, mutate):
    before_landscapes = dict(cl.LANDSCAPES)
    before_curves = dict(cl.CURVES)
    with pytest.raises(TypeError):
        mutate()
    assert dict(cl.LANDSCAPES) == before_landscapes
    assert dict(cl.CURVES) == before_curves


def test_nothing_in_the_package_or_notebooks_mutates_a_registry():
    mutation = re.compile(
        r"(LANDSCAPES|CURVES)\s*(\[[^\]]*\]\s*=(?!=)|\.(update|pop|popitem|clear|"
        r"setdefault)\()|del\s+\S*(LANDSCAPES|CURVES)\["
    )
    files = [*ROOT.glob("calclearn/**/*.py"), *ROOT.glob("notebooks/*.ipynb")]
    assert len(files) > 10
    offenders = [
        str(path.relative_to(ROOT))
        for path in files
        if mutation.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


# ---------------------------------------------------------------------------
# symbolic: what must work
# ---------------------------------------------------------------------------

ASSUMPTIONS = [
    {"real": True},
    {"positive": True},
    {"nonnegative": True},
    {"finite": True},
    {"integer": True},
]


@pytest.mark.parametrize("assumptions", ASSUMPTIONS, ids=lambda a: next(iter(a)))
@pytest.mark.parametrize(
    ("formula", "variable"),
    [("x**2", "x"), ("sin(x)*exp(y)", "y"), ("x**3*y - log(1 + x**2)", "x")],
)
def test_symbols_with_assumptions_are_matched_by_name(assumptions, formula, variable):
    plain = cl.as_expression(formula)
    own = {s: sympy.Symbol(s.name, **assumptions) for s in plain.free_symbols}
    expression = plain.xreplace(own)
    expected = sympy.diff(plain, sympy.Symbol(variable))
    for given in (
        variable,
        sympy.Symbol(variable),
        sympy.Symbol(variable, **assumptions),
    ):
        got = cl.symbolic_derivative(expression, given)
        # In the caller's own symbols, and equal to the plain derivative.
        assert got.free_symbols <= set(own.values())
        assert sympy.simplify(plain_symbols(got) - expected) == 0
    gradient = cl.symbolic_gradient(expression, "x y")
    hessian = cl.symbolic_hessian(expression, "x y")
    for i, s in enumerate((x, y)):
        assert sympy.simplify(plain_symbols(gradient[i]) - sympy.diff(plain, s)) == 0
        for j, t in enumerate((x, y)):
            assert (
                sympy.simplify(plain_symbols(hessian[i, j]) - sympy.diff(plain, s, t))
                == 0
            )
    # Compiled by name too: f at (0.7, 1.3) equals sympy's value of the plain formula.
    point = {x: sympy.Rational(7, 10), y: sympy.Rational(13, 10)}
    value = cl.to_numpy(expression, "x y")(np.array([0.7, 1.3]))
    assert float(value) == pytest.approx(float(plain.subs(point).evalf(30)), rel=1e-14)


def test_the_real_x_square_bug_is_gone():
    x_real = sympy.symbols("x", real=True)
    assert cl.symbolic_derivative(x_real**2, "x") == 2 * x_real


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("x²", x**2),
        ("x³ − 2*x", x**3 - 2 * x),
        ("(x² − 1)²", (x**2 - 1) ** 2),
        ("x⁻¹", 1 / x),
        ("2·x×y", 2 * x * y),
        ("x^2", x**2),
        ("x¹⁰", x**10),
        ("sin(π*x)", sympy.sin(sympy.pi * x)),
    ],
)
def test_course_typography_is_read(text, expected):
    assert cl.as_expression(text) == expected


def test_a_refused_string_runs_nothing(tmp_path):
    marker = tmp_path / "ran"
    attempts = [
        f"__import__('os').system('touch {marker}')",
        "__import__('os').system('echo hi')",
        f"open('{marker}', 'w')",
        f"eval(\"open('{marker}', 'w')\")",
        f"(lambda: open('{marker}', 'w'))()",
    ]
    for attempt in attempts:
        with pytest.raises(ValueError, match=r"^expr"):
            cl.as_expression(attempt)
    assert not marker.exists()
    # Bare names of Python built-ins are just symbols: nothing is called.
    assert cl.as_expression("eval + open") == sympy.Symbol("eval") + sympy.Symbol(
        "open"
    )


def test_derivative_objects_are_carried_out():
    x_real = sympy.Symbol("x", real=True)
    assert cl.as_expression(sympy.Derivative(x**3, x)) == 3 * x**2
    assert cl.as_expression(sympy.Derivative(sympy.sin(x_real), x_real)) == sympy.cos(
        x_real
    )
    assert plain_symbols(sympy.Derivative(x_real**2 * y, x_real, 2)) == 2 * y
    assert cl.as_expression("diff(x**3, x)") == 3 * x**2


def test_abs_is_differentiated_as_a_real_function():
    # d|x|/dx = sign x; sympy's complex-variable answer has re, im and Derivative.
    assert cl.symbolic_derivative("Abs(x)") == sympy.sign(x)
    # Symbols with assumptions keep them: |x| = x for positive x.
    assert cl.symbolic_derivative(sympy.Abs(sympy.Symbol("x", positive=True))) == 1
    relu_like = cl.symbolic_derivative("(x + Abs(x)) / 2")
    g = cl.to_numpy(relu_like)
    np.testing.assert_array_equal(g(np.array([-2.0, 3.0])), [0.0, 1.0])


GELU = "x * (1 + erf(x / sqrt(2))) / 2"

# Formulas that must compile, at points where each is defined.
COMPILED = [
    ("Abs(x)", [-2.5, -0.3, 1.7]),
    ("sign(x)", [-2.5, 0.0, 1.7]),
    ("Heaviside(x)", [-2.5, 0.0, 1.7]),
    ("Piecewise((x**2, x < 0), (sin(x), True))", [-2.5, 0.4, 1.7]),
    ("Max(x, 0) + Min(x, 1)", [-2.5, 0.4, 1.7]),
    (GELU, [-2.5, -0.3, 0.0, 1.7]),
    (f"diff({GELU}, x)", [-2.5, -0.3, 0.0, 1.7]),
    ("erfc(x) * gamma(x + 3)", [-2.5, 0.4, 1.7]),
    ("loggamma(x + 3) + polygamma(1, x + 3)", [-2.5, 0.4, 1.7]),
    ("besselj(0, x) + besseli(1, x)", [-2.5, 0.4, 1.7]),
    ("LambertW(x + 3) + zeta(x + 4)", [-2.5, 0.4, 1.7]),
    ("Si(x) + Ci(x + 3) + fresnels(x)", [-2.5, 0.4, 1.7]),
]


@pytest.mark.parametrize(("formula", "points"), COMPILED, ids=[c[0] for c in COMPILED])
def test_to_numpy_matches_sympy_evalf(formula, points):
    expression = cl.as_expression(formula)
    got = cl.to_numpy(expression, "x")(np.array(points))
    assert got.dtype == np.float64
    for value, point in zip(got, points, strict=True):
        exact = float(expression.subs(x, sympy.Rational(point)).evalf(30))
        # A few ulps: float64 arithmetic in numpy, mpmath at 53 bits.
        assert value == pytest.approx(exact, rel=4e-15, abs=1e-300), point


@pytest.mark.parametrize("function", MPMATH_FUNCTIONS, ids=lambda f: f.__name__)
def test_every_mpmath_function_agrees_with_evalf(function):
    # One-argument calls, or the extra arguments fixed at small values.
    extra = {
        "polygamma": (1,),
        "beta": (2.5,),
        "binomial": (3.5,),
        "besselj": (1,),
        "bessely": (1,),
        "besseli": (1,),
        "besselk": (1,),
        "expint": (2,),
    }.get(function.__name__, ())
    arguments = [
        sympy.Integer(a) if isinstance(a, int) else sympy.Float(a) for a in extra
    ]
    expression = function(*arguments, x)
    # Inside each function's real domain (erfinv: |x| < 1, elliptic: m < 1).
    points = (
        [0.3, 0.7]
        if function.__name__.startswith(("erfinv", "elliptic"))
        else [0.3, 0.7, 1.9]
    )
    got = cl.to_numpy(expression, "x")(np.array(points))
    for value, point in zip(got, points, strict=True):
        exact = complex(expression.subs(x, sympy.Float(point, 30)).evalf(30))
        assert exact.imag == 0
        assert value == pytest.approx(exact.real, rel=1e-13), point


def test_special_functions_take_the_complex_step():
    # d/dx erf(x) = 2/sqrt(pi) exp(-x^2), by Im erf(x + ih) / h.
    g = cl.to_numpy("erf(x)")
    h = 1e-20
    points = np.array([-1.2, 0.3, 2.0])
    slope = g(points + 1j * h).imag / h
    exact = 2 / np.sqrt(np.pi) * np.exp(-(points**2))
    np.testing.assert_allclose(slope, exact, rtol=1e-14)


def test_special_function_outside_its_real_domain_is_nan():
    # LambertW(x) is complex below -1/e: nan for real input, as np.sqrt(-1) is.
    got = cl.to_numpy("LambertW(x)")(np.array([-1.0, 1.0]))
    assert np.isnan(got[0])
    assert got[1] == pytest.approx(float(sympy.LambertW(1).evalf(30)), rel=1e-15)


# ---------------------------------------------------------------------------
# optim: what a run reports
# ---------------------------------------------------------------------------


def test_overflow_in_the_loss_is_divergence_not_an_error():
    # cosh with a large rate: x_1 = 1 - 100 sinh(1) = -116.5, x_2 = +1.6e52 ...
    run = cl.gradient_descent(math.cosh, math.sinh, 1.0, 100.0, 100)
    assert run.status == "diverged"
    assert run.diverged_at is not None
    assert np.all(np.isfinite(run.path))
    assert "Diverged" in run.message
    # The same with numpy functions (inf instead of OverflowError).
    with np.errstate(over="ignore"):
        numpy_run = cl.gradient_descent(np.cosh, np.sinh, 1.0, 100.0, 100)
    assert (numpy_run.status, numpy_run.diverged_at) == ("diverged", run.diverged_at)


def test_a_rate_too_small_to_move_x_is_stalled():
    run = one_step_bowl(100, lr=1e-300)
    assert run.status == "stalled"
    np.testing.assert_array_equal(run.path, np.ones(101))
    assert "has not moved" in run.message and "larger η" in run.message


def test_a_tiny_rate_is_barely_moving():
    lr = 1e-9
    run = one_step_bowl(100, lr=lr)
    # f_k = 2 (1 - 4η)^(2k): the loss fell by 1 - (1 - 4η)^200 ≈ 800 η.
    fallen = 1 - (1 - 4 * lr) ** 200
    assert run.status == "converging"
    assert 1 - run.losses[-1] / run.losses[0] == pytest.approx(fallen, rel=1e-6)
    assert "barely moving" in run.message
    assert f"{fallen:.1e}" in run.message


def test_zero_steps_says_so():
    run = one_step_bowl(0, lr=0.1)
    assert run.status == "not started"
    assert run.steps == 0
    assert "steps = 0" in run.message and "|∇f| = 4" in run.message
    # Started on the minimum, zero steps is still "converged".
    assert cl.gradient_descent(
        lambda t: t * t, lambda t: 2 * t, 0.0, 0.1, 0
    ).status == ("converged")


def test_a_gradient_that_mutates_its_input_cannot_corrupt_the_path():
    def careless_gradient(p):
        g = 2 * p
        p[:] = 99.0  # scribbles on its argument
        return g

    def careless_loss(p):
        value = float(p @ p)
        p *= 0
        return value

    run = cl.gradient_descent(careless_loss, careless_gradient, [1.0, 2.0], 0.1, 5)
    # Closed form: x_k = (1 - 2η)^k x_0.
    expected = 0.8 ** np.arange(6)[:, None] * np.array([1.0, 2.0])
    np.testing.assert_allclose(run.path, expected, rtol=1e-15)
    np.testing.assert_allclose(run.losses, np.sum(expected**2, axis=1), rtol=1e-14)


def test_leaving_the_domain_is_not_called_divergence():
    # f = sqrt(x) from x0 = 1 with η = 10: x_1 = 1 - 10 * 0.5 = -4, where f is nan.
    def f(t):
        return math.sqrt(t) if t >= 0 else math.nan

    run = cl.gradient_descent(f, lambda t: 0.5 / math.sqrt(t), 1.0, 10.0, 10)
    assert run.status == "undefined"
    assert run.steps == 0
    assert "nan" in run.message and "Diverged" not in run.message


def _v_shape(t):
    """|t|, with a gradient of ±1 that overflows (inf) beyond |t| = 5."""
    return float(abs(t))


def _v_shape_gradient(t):
    return math.inf if abs(t) > 5 else float(np.sign(t))


@pytest.mark.parametrize("steps", [1, 2, 3, 10, 11])
def test_a_bounce_is_stuck_on_whichever_point_it_stops(steps):
    # η = 3 from x0 = 1: 1 → -2 → 1 → -2 ..., losses 1, 2, 1, 2, ...: a run
    # stopped on the low point must not read as "still falling".
    run = cl.gradient_descent(_v_shape, _v_shape_gradient, 1.0, 3.0, steps)
    np.testing.assert_array_equal(run.path, np.resize([1.0, -2.0], steps + 1))
    assert run.status == "stuck"
    assert "falling" not in run.message.replace("not falling", "")


def test_a_gradient_that_overflows_mid_run_ends_the_path():
    # η = 7 from x0 = 1: x1 = -6, where the gradient is inf: the path stops at x0.
    run = cl.gradient_descent(_v_shape, _v_shape_gradient, 1.0, 7.0, 10)
    assert (run.status, run.diverged_at) == ("diverged", 1)
    np.testing.assert_array_equal(run.path, [1.0])
    assert len(run.path) == len(run.losses) == len(run.grad_norms)
    assert np.all(np.isfinite(run.grad_norms))


def test_a_short_run_does_not_claim_a_pace():
    run = one_step_bowl(3, lr=0.1)
    assert run.status == "converging"
    assert run.grad_rate is None
    assert "too few steps" in run.message


@pytest.mark.parametrize("lr", [0.51, 0.55, 0.6])
def test_a_growing_zigzag_is_unstable_before_it_blows_up(lr):
    # f = 2x²: x_k = (1 - 4η)^k, so each step's length grows by |1 - 4η| > 1.
    steps = 40
    run = one_step_bowl(steps, lr=lr)
    factor = abs(1 - 4 * lr)
    assert factor**steps < optim._BLOW_UP  # not blown up yet
    assert run.status == "unstable"
    assert run.zigzag
    assert run.step_growth == pytest.approx(factor, rel=1e-9)
    assert f"×{factor:.3f}" in run.message
    assert one_step_bowl(2000, lr=lr).status == "diverged"  # as it said


def test_a_steady_pace_predicts_the_remaining_steps():
    # On diag(1, 10) with η = 0.05 the slow component shrinks by 0.95 per step.
    A = np.diag([1.0, 10.0])
    run = cl.gradient_descent(
        lambda p: 0.5 * p @ A @ p, lambda p: A @ p, [1.0, 1.0], 0.05, 300
    )
    assert run.status == "converging"
    assert run.grad_rate == pytest.approx(0.95, rel=1e-9)
    longer = cl.gradient_descent(
        lambda p: 0.5 * p @ A @ p, lambda p: A @ p, [1.0, 1.0], 0.05, 5000
    )
    assert longer.status == "converged"
    assert math.ceil(run.steps_to_tolerance) == longer.steps - run.steps
    assert f"{longer.steps - run.steps:,} more steps" in run.message


@pytest.mark.parametrize("lr", [0.0019, 0.0021, 0.003])
def test_rosenbrock_after_500_steps_promises_nothing(lr):
    # Issue 7: rates up to about twice the bound 2/λmax(p*) = 0.001997 all look
    # like progress for 500 steps. The run must not extrapolate a step count
    # (at η = 0.0019 the last steps' pace predicts ~5,000; 28,985 are needed).
    rosenbrock = cl.LANDSCAPES["Rosenbrock"]
    run = cl.gradient_descent(rosenbrock.f, rosenbrock.grad, rosenbrock.start, lr, 500)
    assert run.status == "converging"
    assert run.steps_to_tolerance is None
    assert "only more steps can tell" in run.message


def test_rosenbrock_below_the_bound_does_converge_eventually():
    rosenbrock = cl.LANDSCAPES["Rosenbrock"]
    run = cl.gradient_descent(
        rosenbrock.f, rosenbrock.grad, rosenbrock.start, 0.0019, 40_000
    )
    assert run.status == "converged"
    assert 20_000 < run.steps < 40_000


# ---------------------------------------------------------------------------
# differentiation, plots, landscapes: what must work
# ---------------------------------------------------------------------------


def test_math_sin_message_suggests_numpy():
    with pytest.raises(TypeError, match=r"np\.sin"):
        cl.derivative(math.sin, [1.0, 2.0])
    # On a single point math.sin is fine.
    assert float(cl.derivative(math.sin, 1.0)) == pytest.approx(math.cos(1.0), rel=1e-9)


def test_step_size_errors_still_show_the_round_off_plateau():
    # A step below the spacing of floats at x gives an estimate of exactly 0,
    # so its error is |f'(x)|: the plot's flat end, data and not an error.
    errors = cl.step_size_errors(np.sin, math.cos(1.0), 1.0, [1e-20, 1e-3], "forward")
    assert errors[0] == math.cos(1.0)
    assert errors[1] < 1e-3


def test_a_function_that_mutates_its_input_gets_copies():
    def careless(p):
        value = float(p @ p)
        p[:] = 0.0
        return value

    for method in ("forward", "backward", "central"):
        np.testing.assert_allclose(
            cl.gradient(careless, [1.0, 2.0], method=method), [2.0, 4.0], rtol=1e-6
        )


@pytest.mark.parametrize("name", ["Booth", "booth", " BOOTH "])
def test_figures_take_a_landscape_by_name(name):
    by_object = cl.surface_figure(cl.LANDSCAPES["Booth"], resolution=10)
    by_name = cl.surface_figure(name, resolution=10)
    assert by_name._suptitle.get_text() == by_object._suptitle.get_text()
    field = cl.gradient_field_figure(name, arrows=5)
    assert cl.LANDSCAPES["Booth"].latex in field.axes[0].get_title()
    assert cl.as_landscape(name) is cl.LANDSCAPES["Booth"]


@pytest.mark.parametrize("angle", [0.0, math.pi / 2])
def test_a_huge_condition_number_is_fine_when_a_is_exact(angle):
    # At 0° (and 90°: cos is 6e-17) A is diag(1, 1e20) up to rounding that
    # leaves its eigenvalues intact, so the bowl is honest and accepted.
    bowl = cl.quadratic_bowl(1e20, angle)
    computed = np.linalg.eigvalsh(bowl.A)
    np.testing.assert_allclose(computed, bowl.eigenvalues, rtol=1e-6)
    assert np.all(computed > 0)


def test_bowl_eigenvalues_hold_up_to_the_documented_limit():
    for kappa in (1e3, 1e6, 1e9):
        bowl = cl.quadratic_bowl(kappa, 0.3)
        np.testing.assert_allclose(
            np.linalg.eigvalsh(bowl.A), bowl.eigenvalues, rtol=1e-6
        )


def test_a_far_centre_with_its_own_window_is_accepted():
    bowl = cl.quadratic_bowl(center=(1e17, 0), window=((0, 2e17), (-5, 5)))
    assert bowl.center == (1e17, 0.0)
