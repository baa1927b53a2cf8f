"""Bad input across the public API: one clear sentence, never a numpy traceback.

Every call below must raise ``ValueError`` or ``TypeError`` whose message starts
with the name of the offending argument (so a learner knows what to fix), and
must not emit a RuntimeWarning on the way (pytest turns those into errors).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy
from raising import bad_input_test

from calclearn import (
    Curve,
    default_step,
    derivative,
    gradient,
    gradient_check,
    gradient_descent,
    hessian,
    jacobian,
    step_size_errors,
    symbolic_derivative,
    symbolic_gradient,
    symbolic_hessian,
    to_numpy,
)


def square(t):
    return t**2


def sum_of_squares(p):
    return float(np.sum(np.asarray(p) ** 2))


def double(p):
    return 2 * np.asarray(p)


# (id, call, expected exception type, argument the message must start with)
BAD_CALLS = [
    # derivative: f
    ("f not callable", lambda: derivative(3.0, 1.0), TypeError, "f"),
    ("f a string", lambda: derivative("sin", 1.0), TypeError, "f"),
    (
        "f wrong shape",
        lambda: derivative(lambda t: np.array([t, t]), 1.0),
        ValueError,
        "f",
    ),
    (
        "f returns nan",
        lambda: derivative(lambda t: np.full_like(t, np.nan), [1.0, 2.0]),
        ValueError,
        "f",
    ),
    ("f nan from numpy", lambda: derivative(np.log, -1.0), ValueError, "f"),
    ("f inf from numpy", lambda: derivative(np.log, 0.0), ValueError, "f"),
    ("f returns None", lambda: derivative(lambda t: None, 1.0), ValueError, "f"),
    ("f returns text", lambda: derivative(lambda t: "t^2", 1.0), TypeError, "f"),
    # derivative: complex step on functions that drop the imaginary part
    (
        "complex np.abs",
        lambda: derivative(lambda t: np.abs(t) ** 3, 1.0, method="complex"),
        ValueError,
        "f",
    ),
    (
        "complex math.sin",
        lambda: derivative(math.sin, 1.0, method="complex"),
        ValueError,
        "f",
    ),
    (
        "complex math.sin in lambda",
        lambda: derivative(lambda t: math.sin(t), 0.5, method="complex"),
        ValueError,
        "f",
    ),
    (
        "complex math.exp on array",
        lambda: derivative(math.exp, [0.5, 1.0], method="complex"),
        ValueError,
        "f",
    ),
    (
        "complex float()",
        lambda: derivative(lambda t: float(t) ** 2, 0.5, method="complex"),
        ValueError,
        "f",
    ),
    # derivative: h
    ("h zero", lambda: derivative(np.sin, 1.0, h=0.0), ValueError, "h"),
    ("h negative", lambda: derivative(np.sin, 1.0, h=-1e-3), ValueError, "h"),
    (
        "h negative in array",
        lambda: derivative(np.sin, 1.0, h=[1e-3, -1e-3]),
        ValueError,
        "h",
    ),
    ("h nan", lambda: derivative(np.sin, 1.0, h=float("nan")), ValueError, "h"),
    ("h inf", lambda: derivative(np.sin, 1.0, h=np.inf), ValueError, "h"),
    ("h string", lambda: derivative(np.sin, 1.0, h="1e-3"), TypeError, "h"),
    ("h bool", lambda: derivative(np.sin, 1.0, h=True), TypeError, "h"),
    ("h complex", lambda: derivative(np.sin, 1.0, h=1e-3j), TypeError, "h"),
    ("h dict", lambda: derivative(np.sin, 1.0, h={}), TypeError, "h"),
    (
        "h wrong shape",
        lambda: derivative(np.sin, [1.0, 2.0], h=[1e-3, 1e-3, 1e-3]),
        ValueError,
        "h",
    ),
    # derivative: method
    (
        "method unknown",
        lambda: derivative(np.sin, 1.0, method="centre"),
        ValueError,
        "method",
    ),
    (
        "method not a string",
        lambda: derivative(np.sin, 1.0, method=2),
        TypeError,
        "method",
    ),
    ("method None", lambda: derivative(np.sin, 1.0, method=None), TypeError, "method"),
    # derivative: x
    ("x string", lambda: derivative(np.sin, "1.0"), TypeError, "x"),
    ("x strings", lambda: derivative(np.sin, ["a", "b"]), TypeError, "x"),
    ("x complex", lambda: derivative(np.sin, 1 + 2j), TypeError, "x"),
    ("x bool", lambda: derivative(np.sin, np.array([True, False])), TypeError, "x"),
    ("x None", lambda: derivative(np.sin, None), TypeError, "x"),
    ("x ragged", lambda: derivative(np.sin, [1.0, [2.0, 3.0]]), TypeError, "x"),
    ("x nan", lambda: derivative(np.sin, [0.0, np.nan]), ValueError, "x"),
    ("x inf", lambda: derivative(np.sin, -np.inf), ValueError, "x"),
    # default_step
    ("default_step method", lambda: default_step(1.0, "exact"), ValueError, "method"),
    ("default_step x", lambda: default_step("one"), TypeError, "x"),
    # gradient / jacobian / hessian
    ("gradient 2-D x", lambda: gradient(sum_of_squares, [[1.0, 2.0]]), ValueError, "x"),
    ("gradient scalar x", lambda: gradient(sum_of_squares, 1.0), ValueError, "x"),
    ("gradient empty x", lambda: gradient(sum_of_squares, []), ValueError, "x"),
    (
        "gradient x nan",
        lambda: gradient(sum_of_squares, [1.0, np.nan]),
        ValueError,
        "x",
    ),
    ("gradient f vector", lambda: gradient(double, [1.0, 2.0]), ValueError, "f"),
    ("gradient f None", lambda: gradient(lambda p: None, [1.0, 2.0]), ValueError, "f"),
    (
        "gradient f nan",
        lambda: gradient(lambda p: np.log(p[0]), [-1.0, 2.0]),
        ValueError,
        "f",
    ),
    (
        "gradient complex abs",
        lambda: gradient(lambda p: np.sum(np.abs(p)), [1.0, 2.0], method="complex"),
        ValueError,
        "f",
    ),
    (
        "gradient complex math",
        lambda: gradient(lambda p: math.exp(p[0]) * p[1], [1.0, 2.0], method="complex"),
        ValueError,
        "f",
    ),
    ("gradient f not callable", lambda: gradient([1, 2], [1.0, 2.0]), TypeError, "f"),
    (
        "gradient method",
        lambda: gradient(sum_of_squares, [1.0], method="exact"),
        ValueError,
        "method",
    ),
    ("jacobian h negative", lambda: jacobian(double, [1.0], h=-0.1), ValueError, "h"),
    ("jacobian h array", lambda: jacobian(double, [1.0], h=[0.1]), TypeError, "h"),
    ("jacobian f text", lambda: jacobian(lambda p: "p", [1.0]), TypeError, "f"),
    ("jacobian f inf", lambda: jacobian(lambda p: p / 0.0, [1.0]), ValueError, "f"),
    ("hessian h zero", lambda: hessian(sum_of_squares, [1.0], h=0), ValueError, "h"),
    (
        "hessian h nan",
        lambda: hessian(sum_of_squares, [1.0], h=np.nan),
        ValueError,
        "h",
    ),
    ("hessian f vector", lambda: hessian(double, [1.0, 2.0]), ValueError, "f"),
    ("hessian 2-D x", lambda: hessian(sum_of_squares, np.eye(2)), ValueError, "x"),
    # gradient_check
    (
        "grad_f wrong shape",
        lambda: gradient_check(sum_of_squares, lambda p: np.zeros(3), [1.0, 2.0]),
        ValueError,
        "grad_f",
    ),
    (
        "grad_f scalar",
        lambda: gradient_check(sum_of_squares, lambda p: 1.0, [1.0, 2.0]),
        ValueError,
        "grad_f",
    ),
    (
        "grad_f None",
        lambda: gradient_check(sum_of_squares, lambda p: None, [1.0, 2.0]),
        ValueError,
        "grad_f",
    ),
    (
        "grad_f nan",
        lambda: gradient_check(sum_of_squares, lambda p: p * np.nan, [1.0, 2.0]),
        ValueError,
        "grad_f",
    ),
    (
        "grad_f text",
        lambda: gradient_check(sum_of_squares, lambda p: "2p", [1.0, 2.0]),
        TypeError,
        "grad_f",
    ),
    (
        "grad_f complex",
        lambda: gradient_check(sum_of_squares, lambda p: p + 1j, [1.0, 2.0]),
        TypeError,
        "grad_f",
    ),
    (
        "grad_f not callable",
        lambda: gradient_check(sum_of_squares, [2.0, 4.0], [1.0, 2.0]),
        TypeError,
        "grad_f",
    ),
    (
        "gradient_check h",
        lambda: gradient_check(sum_of_squares, double, [1.0, 2.0], h=-1.0),
        ValueError,
        "h",
    ),
    # step_size_errors
    (
        "steps negative",
        lambda: step_size_errors(np.sin, 0.5, 1.0, [1e-3, -1e-3]),
        ValueError,
        "steps",
    ),
    (
        "steps 2-D",
        lambda: step_size_errors(np.sin, 0.5, 1.0, [[1e-3]]),
        ValueError,
        "steps",
    ),
    (
        "steps text",
        lambda: step_size_errors(np.sin, 0.5, 1.0, ["1e-3"]),
        TypeError,
        "steps",
    ),
    (
        "steps vanish in float32",
        lambda: step_size_errors(np.sin, 0.5, 1.0, [1e-50], dtype=np.float32),
        ValueError,
        "steps",
    ),
    (
        "dtype unknown",
        lambda: step_size_errors(np.sin, 0.5, 1.0, [1e-3], dtype="foo"),
        TypeError,
        "dtype",
    ),
    (
        "dtype float16",
        lambda: step_size_errors(np.sin, 0.5, 1.0, [1e-3], dtype=np.float16),
        TypeError,
        "dtype",
    ),
    (
        "exact nan",
        lambda: step_size_errors(np.sin, np.nan, 1.0, [1e-3]),
        ValueError,
        "exact",
    ),
    (
        "exact array",
        lambda: step_size_errors(np.sin, [0.5], 1.0, [1e-3]),
        TypeError,
        "exact",
    ),
    ("sse x text", lambda: step_size_errors(np.sin, 0.5, "1", [1e-3]), TypeError, "x"),
    # gradient_descent
    (
        "lr zero",
        lambda: gradient_descent(square, double, 1.0, 0.0, 10),
        ValueError,
        "lr",
    ),
    (
        "lr negative",
        lambda: gradient_descent(square, double, 1.0, -0.1, 10),
        ValueError,
        "lr",
    ),
    (
        "lr nan",
        lambda: gradient_descent(square, double, 1.0, np.nan, 10),
        ValueError,
        "lr",
    ),
    (
        "lr text",
        lambda: gradient_descent(square, double, 1.0, "0.1", 10),
        TypeError,
        "lr",
    ),
    (
        "gd steps negative",
        lambda: gradient_descent(square, double, 1.0, 0.1, -1),
        ValueError,
        "steps",
    ),
    (
        "gd steps float",
        lambda: gradient_descent(square, double, 1.0, 0.1, 10.0),
        TypeError,
        "steps",
    ),
    (
        "gd steps bool",
        lambda: gradient_descent(square, double, 1.0, 0.1, True),
        TypeError,
        "steps",
    ),
    (
        "tol negative",
        lambda: gradient_descent(square, double, 1.0, 0.1, 10, tol=-1e-9),
        ValueError,
        "tol",
    ),
    (
        "x0 text",
        lambda: gradient_descent(square, double, "1", 0.1, 10),
        TypeError,
        "x0",
    ),
    (
        "x0 nan",
        lambda: gradient_descent(square, double, np.nan, 0.1, 10),
        ValueError,
        "x0",
    ),
    (
        "gd f not callable",
        lambda: gradient_descent(1.0, double, 1.0, 0.1, 10),
        TypeError,
        "f",
    ),
    (
        "gd grad not callable",
        lambda: gradient_descent(square, 2.0, 1.0, 0.1, 10),
        TypeError,
        "grad",
    ),
    (
        "gd grad wrong shape",
        lambda: gradient_descent(
            sum_of_squares, lambda p: np.zeros(3), [1.0, 2.0], 0.1, 10
        ),
        ValueError,
        "grad",
    ),
    (
        "gd grad None",
        lambda: gradient_descent(square, lambda t: None, 1.0, 0.1, 10),
        ValueError,
        "grad",
    ),
    (
        "gd grad text",
        lambda: gradient_descent(square, lambda t: "2x", 1.0, 0.1, 10),
        TypeError,
        "grad",
    ),
    (
        "gd f None",
        lambda: gradient_descent(lambda t: None, double, 1.0, 0.1, 10),
        ValueError,
        "f",
    ),
    (
        "gd f vector",
        lambda: gradient_descent(double, lambda p: np.ones(2), [1.0, 2.0], 0.1, 10),
        ValueError,
        "f",
    ),
    # symbolic
    ("expr unparsable", lambda: symbolic_derivative("x**2 +"), ValueError, "expr"),
    ("expr unbalanced", lambda: symbolic_derivative("sin(x"), ValueError, "expr"),
    ("expr attribute", lambda: symbolic_derivative("x.foo"), ValueError, "expr"),
    ("expr implicit product", lambda: symbolic_derivative("2x"), ValueError, "expr"),
    ("expr int", lambda: symbolic_derivative(3), TypeError, "expr"),
    ("expr None", lambda: symbolic_derivative(None), TypeError, "expr"),
    ("expr function", lambda: symbolic_derivative(np.sin), TypeError, "expr"),
    ("variable two", lambda: symbolic_derivative("x*y"), ValueError, "variable"),
    ("variable int", lambda: symbolic_derivative("x**2", 5), TypeError, "variable"),
    ("order zero", lambda: symbolic_derivative("x**2", order=0), ValueError, "order"),
    ("order float", lambda: symbolic_derivative("x**2", order=1.5), TypeError, "order"),
    (
        "variables strings",
        lambda: symbolic_gradient("x*y", ["x", "y"]),
        TypeError,
        "variables",
    ),
    ("hessian expr", lambda: symbolic_hessian("x*y +* 2"), ValueError, "expr"),
    ("to_numpy missing", lambda: to_numpy("x*y", "x"), ValueError, "variables"),
    ("to_numpy expr", lambda: to_numpy(object()), TypeError, "expr"),
    (
        "point wrong length",
        lambda: to_numpy("x*y", "x y")(np.ones(3)),
        ValueError,
        "point",
    ),
    ("point text", lambda: to_numpy("x*y", "x y")(["a", "b"]), TypeError, "point"),
    # Curve
    ("curve other variable", lambda: Curve("c", "x*y", (-1, 1)), ValueError, "formula"),
    ("curve unparsable", lambda: Curve("c", "x**", (-1, 1)), ValueError, "formula"),
    ("curve formula int", lambda: Curve("c", 3, (-1, 1)), TypeError, "formula"),
    (
        "curve window reversed",
        lambda: Curve("c", "x**2", (1, -1)),
        ValueError,
        "window",
    ),
    ("curve window empty", lambda: Curve("c", "x**2", (1, 1)), ValueError, "window"),
    ("curve window nan", lambda: Curve("c", "x**2", (np.nan, 1)), ValueError, "window"),
    ("curve window text", lambda: Curve("c", "x**2", "ab"), TypeError, "window"),
    ("curve window triple", lambda: Curve("c", "x**2", (0, 1, 2)), TypeError, "window"),
]


test_bad_input_names_the_argument = bad_input_test(BAD_CALLS)


def test_table_is_big_and_ids_are_unique():
    ids = [row[0] for row in BAD_CALLS]
    assert len(ids) >= 15
    assert len(ids) == len(set(ids))


def test_good_calls_next_to_the_bad_ones_work():
    # The same entry points with valid arguments, so the table is not just
    # catching everything.
    assert float(derivative(np.sin, 1.0, h=1e-3)) == pytest.approx(
        math.cos(1.0), rel=1e-6
    )
    assert gradient(sum_of_squares, [1.0, 2.0]) == pytest.approx([2.0, 4.0], rel=1e-8)
    assert gradient_check(sum_of_squares, double, [1.0, 2.0]).passed
    run = gradient_descent(square, double, 1.0, 0.1, 10)
    assert run.steps == 10
    assert symbolic_derivative("x**2") == 2 * sympy.Symbol("x")
    assert Curve("c", "x**2", (-1, 1)).minima.tolist() == [0.0]
    assert step_size_errors(
        np.sin, math.cos(1.0), 1.0, [1e-3], dtype="float32"
    ).shape == (1,)
