"""Checks for the exercises of Chapter 1, *Derivatives*.

Functions are compared at the test points to 7 significant digits, difference
formulas to 12, and the number of Exercise 4 exactly (round-off only); the
notebook states each tolerance.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from calclearn.exercises import Feedback, Mistake, check_function, check_value

_POINTS = [(x,) for x in (-2.0, -1.3, -0.5, 0.0, 0.7, 1.5, 2.4)]


def check_cubic_derivative(derivative_fn: Any) -> Feedback:
    """Exercise 1: the derivative of :math:`f(x) = x^3 - 2x` is :math:`3x^2 - 2`."""
    return check_function(
        derivative_fn,
        lambda x: 3 * x**2 - 2,
        _POINTS,
        name="your derivative",
        success="Correct: d/dx (x³ − 2x) = 3x² − 2 at every test point.",
        mistakes=[
            Mistake(
                lambda x: 3 * x**2,
                "Close: the x³ part is right, but the derivative of −2x is −2.",
            ),
            Mistake(
                lambda x: x**2 - 2,
                "Power rule: d/dx xⁿ = n·xⁿ⁻¹, so the exponent 3 comes down "
                "as a factor.",
            ),
            Mistake(
                lambda x: 3 * x**2 - 2 * x,
                "The derivative of 2x is the constant 2, not 2x.",
            ),
            Mistake(
                lambda x: x**4 / 4 - x**2,
                "That is an antiderivative (the integral), not the derivative.",
            ),
        ],
        describe=lambda args: f"x = {args[0]:g}",
    )


def check_chain_rule(derivative_fn: Any) -> Feedback:
    """Exercise 2: the derivative of :math:`\\sin(x^2)` is :math:`2x\\cos(x^2)`."""
    return check_function(
        derivative_fn,
        lambda x: 2 * x * np.cos(x**2),
        _POINTS,
        name="your derivative",
        success="Correct: outer derivative cos(x²) times inner derivative 2x.",
        mistakes=[
            Mistake(
                lambda x: np.cos(x**2),
                "You forgot the chain factor: multiply cos(x²) by the "
                "derivative of the inside, d/dx x² = 2x.",
            ),
            Mistake(
                lambda x: 2 * x * np.sin(x**2),
                "The derivative of sin is cos: the outer factor should be cos(x²).",
            ),
            Mistake(
                lambda x: np.cos(2 * x),
                "Differentiate the outside at the *unchanged* inside: cos(x²), "
                "then multiply by the inside's derivative 2x.",
            ),
        ],
        describe=lambda args: f"x = {args[0]:g}",
    )


_DIFFERENCE_CASES = [
    (np.sin, 1.0, 1e-3),
    (np.exp, 0.5, 1e-2),
    (lambda t: t**3, 2.0, 0.1),
    (np.cos, -0.3, 0.05),
]


def _describe_difference(args: tuple) -> str:
    f, x, h = args
    name = getattr(f, "__name__", "f")
    name = "t³" if name == "<lambda>" else name
    return f"f = {name}, x = {x:g}, h = {h:g}"


#: Hints for the difference-quotient exercises (Chapters 1 and 2).
PRECEDENCE_HINT = "Operator precedence: `/ 2 * h` multiplies by h; write `/ (2 * h)`."
FORWARD_HINT = (
    "That is the forward difference (error O(h)); use the points x + h and "
    "x − h on both sides of x."
)
BACKWARD_HINT = (
    "That is the backward difference (error O(h)); use the points x + h and "
    "x − h on both sides of x."
)


def check_central_difference(central_fn: Any) -> Feedback:
    """Exercise 3: ``central(f, x, h)`` returns :math:`(f(x+h) - f(x-h)) / 2h`."""
    return check_function(
        central_fn,
        lambda f, x, h: (f(x + h) - f(x - h)) / (2 * h),
        _DIFFERENCE_CASES,
        name="central",
        success="Correct: the symmetric difference, with error O(h²).",
        mistakes=[
            Mistake(
                lambda f, x, h: (f(x + h) - f(x - h)) / h,
                "x + h and x − h are 2h apart: divide by 2h, not h.",
            ),
            Mistake(lambda f, x, h: (f(x + h) - f(x)) / h, FORWARD_HINT),
            Mistake(lambda f, x, h: (f(x) - f(x - h)) / h, BACKWARD_HINT),
            Mistake(lambda f, x, h: (f(x + h) - f(x - h)) / 2 * h, PRECEDENCE_HINT),
        ],
        rtol=1e-12,
        atol=1e-12,
        describe=_describe_difference,
    )


def check_stable_learning_rate(lr: Any) -> Feedback:
    """Exercise 4: on :math:`f(x) = 3x^2 - 4x + 1`, the largest stable
    learning rate is :math:`2/f'' = 2/6 = 1/3`."""
    return check_value(
        lr,
        1 / 3,  # asked for exactly: check_value's default tolerance
        name="your learning rate",
        success="Correct: f″ = 6, so gradient descent is stable for η < 2/6 = 1/3.",
        mistakes=[
            Mistake(
                1 / 6,
                "1/f″ = 1/6 is the rate that lands on the minimum in one step; "
                "stability allows up to twice that.",
            ),
            Mistake(2 / 3, "f″ of 3x² is 6, not 3: the bound is 2/f″."),
            Mistake(3.0, "Upside down: the bound is 2 divided by f″."),
        ],
    )


def check_gradient_step(step_fn: Any) -> Feedback:
    """Exercise 5: one step of gradient descent on :math:`f(x) = (x-3)^2`:
    ``step(x, lr) = x - lr * 2 * (x - 3)``."""
    return check_function(
        step_fn,
        lambda x, lr: x - lr * 2 * (x - 3),
        [(0.0, 0.1), (5.0, 0.25), (-1.5, 0.05), (3.5, 0.4)],
        name="your step",
        success="Correct: x ← x − η f′(x) with f′(x) = 2(x − 3).",
        mistakes=[
            Mistake(
                lambda x, lr: x + lr * 2 * (x - 3),
                "This moves uphill: gradient descent *subtracts* η f′(x).",
            ),
            Mistake(
                lambda x, lr: x - 2 * (x - 3),
                "You forgot the learning rate: the step is η f′(x), not f′(x).",
            ),
            Mistake(
                lambda x, lr: x - lr * (x - 3),
                "The derivative of (x − 3)² is 2(x − 3): the chain rule brings "
                "down the 2.",
            ),
            Mistake(
                lambda x, lr: lr * 2 * (x - 3),
                "That is the step η f′(x) itself: return the new position, "
                "x minus the step.",
            ),
            Mistake(
                lambda x, lr: -lr * 2 * (x - 3),
                "That is the change −η f′(x): add it to x and return the new position.",
            ),
        ],
        describe=lambda args: f"x = {args[0]:g}, lr = {args[1]:g}",
    )
