"""Checks for the exercises of Chapter 3, *The gradient and gradient descent*.

Functions are compared at the test cases to 7 significant digits; the learning
rates of Exercises 3 and 4 are asked for exactly (round-off only).
"""

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
                "That is the largest slope, ‖∇f‖, reached only along ∇f itself.",
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


#: The matrix of Exercises 3 and 4: eigenvalues 2 and 8, chosen so that every
#: wrong quantity the hints name differs from the answer (with eigenvalues 2
#: and 4, the best step and the contraction factor were both 1/3).
EXERCISE_MATRIX = np.array([[5.0, 3.0], [3.0, 5.0]])

_TWO_A = (
    "If you took the Hessian of ½pᵀAp to be 2A: the ½ cancels the 2 that "
    "differentiating pᵀAp brings down, so the Hessian is A itself."
)


def check_largest_stable_lr(lr: Any) -> Feedback:
    """Exercise 3: on :math:`\\tfrac12 p^\\top A p` with
    :math:`A = [[5, 3], [3, 5]]` (eigenvalues 2 and 8) the bound is
    :math:`2/\\lambda_{max} = 1/4`."""
    smallest, largest = np.linalg.eigvalsh(EXERCISE_MATRIX)
    return check_value(
        lr,
        2 / largest,
        name="your learning rate",
        success="Correct: λ = 2 and 8, so gradient descent is stable for "
        "η < 2/8 = 0.25.",
        mistakes=[
            Mistake(
                2 / smallest,
                "2/λmin suits only the gently curved direction: the most sharply "
                "curved direction (λmax) sets the bound.",
            ),
            Mistake(
                2 / np.max(np.diag(EXERCISE_MATRIX)),
                "Use the eigenvalues of A, not its diagonal entries.",
            ),
            Mistake(1 / largest, f"1/λmax is half the bound. {_TWO_A}"),
            Mistake(
                2 / (smallest + largest),
                "That is the best fixed step (Exercise 4), not the largest stable "
                "one: the bound is set by λmax alone.",
            ),
        ],
    )


def check_best_lr(lr: Any) -> Feedback:
    """Exercise 4: the best fixed step on the same bowl is
    :math:`\\eta^* = 2/(\\lambda_{min} + \\lambda_{max}) = 1/5`; it contracts
    the error by :math:`\\rho = (\\lambda_{max} - \\lambda_{min}) /
    (\\lambda_{max} + \\lambda_{min}) = 0.6` per step."""
    smallest, largest = np.linalg.eigvalsh(EXERCISE_MATRIX)
    return check_value(
        lr,
        2 / (smallest + largest),
        name="your learning rate",
        success="Correct: η* = 2/(2 + 8) = 0.2 shrinks both directions by the same "
        "factor ρ = 0.6 per step.",
        mistakes=[
            Mistake(
                2 / largest,
                "That is the stability bound 2/λmax (Exercise 3): the largest rate "
                "that still converges, not the fastest.",
            ),
            Mistake(
                (largest - smallest) / (largest + smallest),
                "That is the contraction factor ρ = (λmax − λmin)/(λmax + λmin) "
                "at the best step; the question asks for the step η* itself.",
            ),
            Mistake(
                1 / largest,
                "1/λmax settles the most sharply curved direction in one step but "
                "leaves the gently curved one slow; balance the two.",
            ),
            Mistake(
                1 / smallest,
                "1/λmin would settle the gently curved direction in one step, but "
                "it is above the stability bound 2/λmax: the most sharply curved "
                "direction diverges.",
            ),
            Mistake(
                2 / smallest,
                "2/λmin is far above the stability bound 2/λmax: the most sharply "
                "curved direction diverges.",
            ),
            Mistake(1 / (smallest + largest), f"That is half the best step. {_TWO_A}"),
        ],
    )
