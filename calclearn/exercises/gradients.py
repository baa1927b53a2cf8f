"""Checks for the exercises of Chapter 3, *The gradient and gradient descent*."""

from __future__ import annotations

from typing import Any

import numpy as np

from calclearn.exercises import Feedback, Mistake, check_function, check_value

_GRADIENTS = [
    (np.array([3.0, 4.0]), np.array([1.0, 1.0])),
    (np.array([-2.0, 0.5]), np.array([0.0, 3.0])),
    (np.array([1.0, -1.0]), np.array([-4.0, 2.0])),
]


def _vectors(args: tuple) -> str:
    return ", ".join(f"({a[0]:g}, {a[1]:g})" for a in args)


def check_directional_derivative(directional_fn: Any) -> Feedback:
    """Exercise 1: ``directional(grad, v)`` is :math:`\\nabla f \\cdot v / \\|v\\|`."""
    return check_function(
        directional_fn,
        lambda g, v: g @ v / np.linalg.norm(v),
        _GRADIENTS,
        name="your directional derivative",
        success="Correct: the slope along the unit vector u = v / ‖v‖ is ∇f · u.",
        mistakes=[
            Mistake(
                lambda g, v: g @ v,
                "v is not a unit vector: divide it by its length first.",
            ),
            Mistake(
                lambda g, v: np.linalg.norm(g),
                "That is the largest slope, |∇f|, reached only along ∇f itself.",
            ),
        ],
        describe=lambda a: f"∇f, v = {_vectors(a)}",
    )


def check_steepest_descent(direction_fn: Any) -> Feedback:
    """Exercise 2: the unit direction of steepest descent is
    :math:`-\\nabla f / \\|\\nabla f\\|`."""
    cases = [(np.array(g),) for g in ((3.0, 4.0), (-1.0, 2.0), (0.5, -0.5))]
    return check_function(
        direction_fn,
        lambda g: -g / np.linalg.norm(g),
        cases,
        name="your direction",
        success="Correct: straight down the slope, −∇f / ‖∇f‖.",
        mistakes=[
            Mistake(
                lambda g: g / np.linalg.norm(g),
                "That points uphill: steepest *descent* is minus the gradient.",
            ),
            Mistake(
                lambda g: -g,
                "Right direction, wrong length: divide by ‖∇f‖ for a unit vector.",
            ),
        ],
        describe=lambda a: f"∇f = {_vectors(a)}",
    )


_A = np.array([[3.0, 1.0], [1.0, 3.0]])  # eigenvalues 2 and 4


def check_largest_stable_lr(lr: Any) -> Feedback:
    """Exercise 3: on :math:`\\tfrac12 p^\\top A p` with
    :math:`A = [[3, 1], [1, 3]]` the bound is :math:`2/\\lambda_{max} = 0.5`."""
    smallest, largest = np.linalg.eigvalsh(_A)
    return check_value(
        lr,
        2 / largest,
        name="your learning rate",
        success="Correct: λ = 2 and 4, so gradient descent is stable for η < 2/4.",
        mistakes=[
            Mistake(2 / smallest, "The *steepest* direction decides: use λmax."),
            Mistake(2 / 3, "Use the eigenvalues of A, not its diagonal entries."),
            Mistake(1 / largest, "1/λmax is safe, but the bound is twice that."),
        ],
        rtol=1e-3,
    )


def check_best_lr(lr: Any) -> Feedback:
    """Exercise 4: the best fixed step on the same bowl is
    :math:`2/(\\lambda_{min} + \\lambda_{max}) = 1/3`."""
    smallest, largest = np.linalg.eigvalsh(_A)
    return check_value(
        lr,
        2 / (smallest + largest),
        name="your learning rate",
        success="Correct: 2/(2 + 4) = 1/3 shrinks both directions by the same 1/3.",
        mistakes=[
            Mistake(2 / largest, "That is the stability bound, not the best step."),
            Mistake(
                1 / largest,
                "1/λmax fixes the steep direction in one step but "
                "leaves the shallow one slow; balance the two.",
            ),
        ],
        rtol=1e-3,
    )
