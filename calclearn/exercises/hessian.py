r"""Checks for the exercises of Chapter 7, *The Hessian*.

Exercise 1 asks for the Hessian of :math:`f(x, y) = x^3 + 2xy^2 - y`,
exercise 2 for the kinds of the critical points of
:math:`g(x, y) = x^3 - 3x + y^2`, exercise 3 for a Newton step and
exercise 4 for the largest stable learning rate on Booth's function.
Functions are compared with the exact answers to 7 significant digits,
numbers exactly.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np

from calclearn.curvature import CURVATURE_KINDS
from calclearn.exercises import Feedback, Mistake, check_function, check_value

#: Points where exercise 1's Hessian is checked (none on an axis, so that a
#: term that vanishes there cannot hide).
HESSIAN_POINTS = [(1.0, 2.0), (-0.5, 1.5), (2.0, -3.0), (0.7, 0.3)]


def _cubic_hessian(x: float, y: float) -> np.ndarray:
    """The Hessian of x³ + 2xy² − y."""
    return np.array([[6 * x, 4 * y], [4 * y, 4 * x]])


def check_hessian(hessian_fn: Any) -> Feedback:
    r"""Exercise 1: ``hessian(x, y)`` of :math:`f = x^3 + 2xy^2 - y` is
    :math:`\begin{pmatrix} 6x & 4y \\ 4y & 4x \end{pmatrix}`.

    Examples
    --------
    >>> check_hessian(lambda x, y: [[6 * x, 4 * y], [4 * y, 4 * x]])
    ... # doctest: +ELLIPSIS
    ✅ Correct: f_xx = 6x, f_xy = f_yx = 4y, f_yy = 4x; ...
    """
    return check_function(
        hessian_fn,
        _cubic_hessian,
        HESSIAN_POINTS,
        name="your Hessian",
        success="Correct: f_xx = 6x, f_xy = f_yx = 4y, f_yy = 4x; the mixed "
        "partials agree, as they must for a smooth f.",
        mistakes=[
            Mistake(
                lambda x, y: np.array([[6 * x, 2 * y], [2 * y, 4 * x]]),
                "The mixed partial is off by 2: f_x = 3x² + 2y², and ∂/∂y of 2y² "
                "is 4y.",
            ),
            Mistake(
                lambda x, y: np.array([[6 * x, 4 * y], [0.0, 4 * x]]),
                "One mixed partial is missing: the Hessian is symmetric, "
                "f_yx = f_xy = 4y.",
            ),
            Mistake(
                lambda x, y: np.array([[3 * x * x, 4 * x * y], [4 * x * y, 2 * y]]),
                "That looks like first derivatives, not second: differentiate "
                "f_x = 3x² + 2y² and f_y = 4xy − 1 once more.",
            ),
            Mistake(
                lambda x, y: np.array([[4 * x, 4 * y], [4 * y, 6 * x]]),
                "f_xx and f_yy are swapped: f_xx = ∂²f/∂x² = 6x goes top left.",
            ),
        ],
        shape_hints={
            (2,): "That is a vector: the Hessian is the 2×2 matrix of second "
            "partial derivatives, [[f_xx, f_xy], [f_yx, f_yy]].",
        },
        describe=lambda args: f"(x, y) = ({args[0]:g}, {args[1]:g})",
    )


def _kind(answer: Any) -> str | None:
    if isinstance(answer, str) and answer.strip().lower() in CURVATURE_KINDS:
        return answer.strip().lower()
    return None


def check_critical_kinds(at_plus_one: Any, at_minus_one: Any) -> Feedback:
    r"""Exercise 2: the kinds of the critical points :math:`(\pm 1, 0)` of
    :math:`g = x^3 - 3x + y^2`, whose Hessian is
    :math:`\mathrm{diag}(6x, 2)`: a minimum at (1, 0), a saddle at (−1, 0).

    Examples
    --------
    >>> check_critical_kinds("minimum", "saddle")  # doctest: +ELLIPSIS
    ✅ Correct: at (1, 0) H = diag(6, 2), ...
    >>> check_critical_kinds("minimum", "maximum")  # doctest: +ELLIPSIS
    ❌ At (−1, 0) H = diag(−6, 2): ...
    """
    choices = ", ".join(f'"{kind}"' for kind in CURVATURE_KINDS)
    answers = {"at_plus_one": at_plus_one, "at_minus_one": at_minus_one}
    for name, answer in answers.items():
        if answer is None or answer is Ellipsis:
            return Feedback(False, f"`{name}` is not filled in yet: one of {choices}.")
        if _kind(answer) is None:
            return Feedback(
                False, f"`{name}` must be one of {choices}, got {answer!r}."
            )
    plus, minus = _kind(at_plus_one), _kind(at_minus_one)
    if (plus, minus) == ("minimum", "saddle"):
        return Feedback(
            True,
            "Correct: at (1, 0) H = diag(6, 2), both eigenvalues positive, a "
            "minimum; at (−1, 0) H = diag(−6, 2), one of each sign, a saddle.",
        )
    if (plus, minus) == ("saddle", "minimum"):
        return Feedback(
            False,
            "You swapped them: H = diag(6x, 2) is diag(6, 2) at x = 1 and "
            "diag(−6, 2) at x = −1.",
        )
    if plus != "minimum":
        return Feedback(
            False,
            "At (1, 0) H = diag(6, 2): both eigenvalues are positive, so the "
            "second-derivative test says…",
        )
    if minus == "maximum":
        hint = "only one eigenvalue is negative, the other (2) is positive"
    else:
        hint = "the eigenvalues are nonzero, so the test decides"
    return Feedback(
        False, f"At (−1, 0) H = diag(−6, 2): {hint}. Which kind has both signs?"
    )


def _newton_cases() -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """``(x, gradient, hessian)`` cases in 2 and 3 dimensions, H not diagonal."""
    rng = np.random.default_rng(7)
    cases = []
    for n in (2, 3, 3):
        a = rng.normal(size=(n, n))
        cases.append((rng.normal(size=n), rng.normal(size=n), a @ a.T + np.eye(n)))
    return cases


def check_newton_step(newton_step_fn: Any) -> Feedback:
    r"""Exercise 3: ``newton_step(x, g, H)`` is :math:`x - H^{-1} g`, computed by
    solving :math:`H d = g`.

    Examples
    --------
    >>> check_newton_step(lambda x, g, H: x - np.linalg.solve(H, g))
    ... # doctest: +ELLIPSIS
    ✅ Correct: the step d solves H d = g, and x − d is where ...
    """
    return check_function(
        newton_step_fn,
        lambda x, g, H: x - np.linalg.solve(H, g),
        _newton_cases(),
        name="your Newton step",
        success="Correct: the step d solves H d = g, and x − d is where the "
        "quadratic model is stationary.",
        mistakes=[
            Mistake(
                lambda x, g, H: x + np.linalg.solve(H, g),
                "The step goes the wrong way: x_new = x − H⁻¹g (the model's "
                "gradient g + H d vanishes at d = −H⁻¹g).",
            ),
            Mistake(
                lambda x, g, H: x - H @ g,
                "You multiplied by H; Newton divides by it: solve H d = g "
                "(np.linalg.solve(H, g)), then x − d.",
            ),
            Mistake(
                lambda x, g, H: x - g / np.diag(H),
                "You divided by the diagonal of H only: the off-diagonal entries "
                "matter, solve the whole system H d = g.",
            ),
            Mistake(
                lambda x, g, H: x - g,
                "That is a gradient-descent step with η = 1: Newton scales the "
                "gradient by H⁻¹.",
            ),
            Mistake(
                lambda x, g, H: -np.linalg.solve(H, g),
                "That is the step d alone: return the new point x − H⁻¹g.",
            ),
        ],
        describe=lambda args: f"x of length {len(args[0])}",
    )


#: Exercise 4's answer: 2/λmax with Booth's eigenvalues 2 and 18.
LARGEST_STABLE_LR = Fraction(2, 18)


def check_largest_stable_lr(lr: Any) -> Feedback:
    r"""Exercise 4: on Booth's function (Hessian eigenvalues 2 and 18),
    gradient descent is stable for :math:`\eta < 2/\lambda_{max} = 1/9`.

    Examples
    --------
    >>> check_largest_stable_lr(1 / 9)  # doctest: +ELLIPSIS
    ✅ Correct: ...
    >>> check_largest_stable_lr(1 / 18)  # doctest: +ELLIPSIS
    ❌ ...
    """
    return check_value(
        lr,
        float(LARGEST_STABLE_LR),
        name="your learning rate",
        success="Correct: η = 2/λmax = 2/18 = 1/9; above it |1 − ηλmax| > 1 and "
        "the steep direction blows up.",
        mistakes=[
            Mistake(1 / 18, "That is 1/λmax: the bound is 2/λmax."),
            Mistake(
                2 / 2,
                "That is 2/λmin: the steepest direction (λmax = 18) fails first.",
            ),
            Mistake(
                2 / 20,
                "That is the best fixed step 2/(λmin + λmax), not the largest "
                "stable one, 2/λmax.",
            ),
        ],
    )
