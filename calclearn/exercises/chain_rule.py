"""Checks for the exercises of Chapter 4, *The chain rule*.

Functions are compared at the test cases to 7 significant digits; the
gradient of Exercise 3 is asked for exactly (round-off only).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from calclearn.exercises import Feedback, Mistake, check_function, check_value


def _sigmoid(t: float) -> float:
    return 1.0 / (1.0 + math.exp(-t))


def check_softplus_derivative(derivative_fn: Any) -> Feedback:
    r"""Exercise 1: :math:`h(x) = \log(1 + e^{2x})` has
    :math:`h'(x) = \frac{2e^{2x}}{1 + e^{2x}} = 2\sigma(2x)`."""
    cases = [(-1.5,), (0.0,), (0.4,), (2.0,)]
    return check_function(
        derivative_fn,
        lambda x: 2.0 * _sigmoid(2.0 * x),
        cases,
        name="your h′",
        success="Correct: h′(x) = 1/(1 + e²ˣ) · e²ˣ · 2 = 2σ(2x), outer derivative "
        "at the inner value times the inner derivatives.",
        mistakes=[
            Mistake(
                lambda x: _sigmoid(2.0 * x),
                "You forgot the innermost factor: d(2x)/dx = 2, so e²ˣ has "
                "derivative 2e²ˣ.",
            ),
            Mistake(
                lambda x: 1.0 / (1.0 + math.exp(2.0 * x)),
                "That is only the outer derivative 1/u at u = 1 + e²ˣ: multiply by "
                "the derivative of the inside, 2e²ˣ.",
            ),
            Mistake(
                lambda x: 2.0 / (1.0 + math.exp(2.0 * x)),
                "The derivative of e²ˣ is 2e²ˣ, not 2: the exponential stays.",
            ),
            Mistake(
                lambda x: 2.0 * _sigmoid(x),
                "Evaluate the outer derivative at the inner value: σ(2x), not σ(x).",
            ),
        ],
    )


#: The non-symmetric matrix of Exercise 2: A ≠ Aᵀ, so that 2Ax, Ax and Aᵀx
#: all differ from (A + Aᵀ)x.
EXERCISE_MATRIX = np.array([[1.0, 2.0, 0.0], [-1.0, 3.0, 4.0], [0.5, 0.0, -2.0]])


def check_quadratic_form_gradient(gradient_fn: Any) -> Feedback:
    r"""Exercise 2: :math:`\nabla (x^\top A x) = (A + A^\top) x` for the
    non-symmetric :data:`EXERCISE_MATRIX`."""
    A = EXERCISE_MATRIX
    cases = [
        (np.array([1.0, 0.0, 0.0]),),
        (np.array([0.5, -1.0, 2.0]),),
        (np.array([-2.0, 1.5, 0.25]),),
    ]
    return check_function(
        gradient_fn,
        lambda x: (A + A.T) @ x,
        cases,
        name="your gradient",
        success="Correct: ∇(xᵀAx) = (A + Aᵀ)x; only for a symmetric A is it 2Ax.",
        mistakes=[
            Mistake(
                lambda x: 2 * A @ x,
                "2Ax holds only for a symmetric A, and this A is not symmetric: "
                "x appears twice in xᵀAx, once on each side of A.",
            ),
            Mistake(
                lambda x: A @ x,
                "Ax is the derivative with respect to the right-hand x only; the "
                "x on the left contributes Aᵀx too.",
            ),
            Mistake(
                lambda x: A.T @ x,
                "Aᵀx is the derivative with respect to the left-hand x only; the "
                "x on the right contributes Ax too.",
            ),
            Mistake(
                lambda x: 2 * A.T @ x,
                "2Aᵀx holds only for a symmetric A: add the two terms, Ax + Aᵀx.",
            ),
        ],
        describe=lambda a: "x = (" + ", ".join(f"{v:g}" for v in a[0]) + ")",
        shape_hints={
            (3, 3): "Your gradient returned a 3 × 3 matrix (the Hessian A + Aᵀ?); "
            "the gradient of a number with respect to x has the shape of x, (3,): "
            "multiply by x."
        },
    )


#: The neuron of Exercise 3: y = tanh(w·x + b) at these values.
NEURON = {"w": 0.5, "x": 2.0, "b": -0.2}


def check_neuron_weight_gradient(dy_dw: Any) -> Feedback:
    r"""Exercise 3: for :math:`y = \tanh(wx + b)` at :data:`NEURON`,
    :math:`\partial y/\partial w = (1 - \tanh^2(n))\,x` with
    :math:`n = wx + b = 0.8`."""
    w, x, b = NEURON["w"], NEURON["x"], NEURON["b"]
    n = w * x + b
    local = 1.0 - math.tanh(n) ** 2
    return check_value(
        dy_dw,
        local * x,
        name="your ∂y/∂w",
        success="Correct: ∂y/∂w = (1 − tanh²(n)) · x: the gradient at n, times "
        "the local derivative ∂n/∂w = x.",
        mistakes=[
            Mistake(
                local,
                "That is ∂y/∂n (and ∂y/∂b): one more step back to w multiplies "
                "by ∂n/∂w = x.",
            ),
            Mistake(
                local * w,
                "That is ∂y/∂x: the local derivative of w·x with respect to w is "
                "x, not w.",
            ),
            Mistake(
                (1.0 - math.tanh(n)) * x,
                "The derivative of tanh is 1 − tanh², squared.",
            ),
            Mistake(
                math.tanh(n) * x,
                "tanh is not its own derivative: d tanh(n)/dn = 1 − tanh²(n).",
            ),
            Mistake(
                (1.0 - math.tanh(w) ** 2) * x,
                "Evaluate tanh′ at the neuron's input n = wx + b = 0.8, not at w.",
            ),
        ],
    )
