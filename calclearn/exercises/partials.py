"""Checks for the exercises of Chapter 2, *Partial derivatives*.

Functions and sympy expressions are compared at the test points to 7
significant digits, the difference formula of Exercise 3 to 12; the notebook
states each tolerance.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import sympy

from calclearn.exercises import Feedback, Mistake, check_function, sympy_function
from calclearn.exercises.derivatives import (
    BACKWARD_HINT,
    FORWARD_HINT,
    PRECEDENCE_HINT,
)

_POINTS = [(x, y) for x, y in ((-2.0, 1.0), (0.5, -1.5), (1.0, 3.0), (2.5, 0.25))]


def _at(args: tuple) -> str:
    return f"(x, y) = ({args[0]:g}, {args[1]:g})"


def check_partials_by_hand(partials_fn: Any) -> Feedback:
    """Exercise 1: for :math:`f(x, y) = x^2 y + 3y`,
    ``partials(x, y)`` returns :math:`(2xy,\\; x^2 + 3)`."""
    return check_function(
        partials_fn,
        lambda x, y: np.array([2 * x * y, x**2 + 3]),
        _POINTS,
        name="your partials",
        success="Correct: ∂f/∂x = 2xy (y is a constant), ∂f/∂y = x² + 3.",
        mistakes=[
            Mistake(
                lambda x, y: np.array([x**2 + 3, 2 * x * y]),
                "Both entries are right but swapped: return (∂f/∂x, ∂f/∂y) "
                "in that order.",
            ),
            Mistake(
                lambda x, y: np.array([2 * x * y, x**2]),
                "∂f/∂y misses a term: the derivative of 3y with respect to y is 3.",
            ),
            Mistake(
                lambda x, y: np.array([2 * x * y + x**2, x**2 + 3]),
                "For ∂f/∂x, hold y fixed: x²y differentiates to 2xy and nothing else.",
            ),
        ],
        describe=_at,
    )


def check_booth_gradient(gradient_fn: Any) -> Feedback:
    """Exercise 2: the gradient of Booth's function
    :math:`(x + 2y - 7)^2 + (2x + y - 5)^2`."""
    return check_function(
        gradient_fn,
        lambda x, y: np.array([10 * x + 8 * y - 34, 8 * x + 10 * y - 38]),
        _POINTS,
        name="your gradient",
        success="Correct: ∇f = (10x + 8y − 34, 8x + 10y − 38); it vanishes at (1, 3).",
        mistakes=[
            Mistake(
                lambda x, y: np.array(
                    [
                        2 * (x + 2 * y - 7) + 2 * (2 * x + y - 5),
                        2 * (x + 2 * y - 7) + 2 * (2 * x + y - 5),
                    ]
                ),
                "You forgot the inner derivatives (the chain rule): "
                "∂/∂x (2x + y − 5) = 2 and ∂/∂y (x + 2y − 7) = 2.",
            ),
            Mistake(
                lambda x, y: np.array([8 * x + 10 * y - 38, 10 * x + 8 * y - 34]),
                "The two partials are swapped: the first entry is ∂f/∂x.",
            ),
        ],
        describe=_at,
    )


def check_partial_difference(partial_fn: Any) -> Feedback:
    """Exercise 3: ``partial_x(f, x, y, h)`` is the central difference along x."""
    cases = [
        (lambda x, y: x**2 * y, 1.0, 2.0, 1e-4),
        (lambda x, y: np.sin(x) * np.exp(y), 0.3, -0.5, 1e-3),
        (lambda x, y: x * y**3, -1.5, 0.7, 1e-2),
    ]
    return check_function(
        partial_fn,
        lambda f, x, y, h: (f(x + h, y) - f(x - h, y)) / (2 * h),
        cases,
        name="partial_x",
        success="Correct: move x by ±h, keep y where it is, divide by 2h.",
        mistakes=[
            Mistake(
                lambda f, x, y, h: (f(x, y + h) - f(x, y - h)) / (2 * h),
                "You moved y: that is ∂f/∂y. For ∂f/∂x, step in x and hold y.",
            ),
            Mistake(
                lambda f, x, y, h: (f(x + h, y) - f(x - h, y)) / h,
                "x + h and x − h are 2h apart: divide by 2h.",
            ),
            Mistake(
                lambda f, x, y, h: (f(x + h, y) - f(x - h, y)) / 2 * h, PRECEDENCE_HINT
            ),
            Mistake(lambda f, x, y, h: (f(x + h, y) - f(x, y)) / h, FORWARD_HINT),
            Mistake(lambda f, x, y, h: (f(x, y) - f(x - h, y)) / h, BACKWARD_HINT),
        ],
        rtol=1e-12,
        atol=1e-12,
        describe=lambda a: f"x = {a[1]:g}, y = {a[2]:g}, h = {a[3]:g}",
    )


_x, _y = sympy.symbols("x y")
#: The function of Exercise 4.
SYMPY_EXERCISE = _x**2 * sympy.sin(_y) + sympy.exp(_x * _y)
#: The function of Exercise 5.
HESSIAN_EXERCISE = _x**3 * _y + _x * _y**2


def _at_point(expression: Any):
    """Our own ``expression`` in x and y as a function of two numbers."""
    compiled, problem = sympy_function(expression, [_x, _y])
    assert problem is None, problem  # the exercise's own formulas compile
    return compiled


def check_sympy_partial(expression: Any) -> Feedback:
    """Exercise 4: with sympy, :math:`\\partial f/\\partial y` of
    :math:`f = x^2 \\sin y + e^{xy}` is :math:`x^2 \\cos y + x e^{xy}`.

    Symbols are matched by name whatever their assumptions, and a
    ``Derivative`` is evaluated.
    """
    if expression is None or expression is Ellipsis:
        return Feedback(False, "Your expression is not filled in yet: compute it.")
    learner, problem = sympy_function(expression, [_x, _y])
    if problem:
        return Feedback(False, f"Your expression {problem}.")
    return check_function(
        learner,
        _at_point(sympy.diff(SYMPY_EXERCISE, _y)),
        _POINTS,
        name="your expression",
        success="Correct: sympy's ∂f/∂y is x² cos y + x e^(xy).",
        mistakes=[
            Mistake(
                _at_point(sympy.diff(SYMPY_EXERCISE, _x)),
                "That is ∂f/∂x: differentiate with respect to y, `sp.diff(f, y)`.",
            ),
            Mistake(
                _at_point(sympy.diff(SYMPY_EXERCISE, _y, 2)),
                "You differentiated twice: once, `sp.diff(f, y)`, is enough.",
            ),
        ],
        describe=_at,
    )


def _hessian(xx: Any, xy: Any, yy: Any) -> np.ndarray:
    return np.array([[xx, xy], [xy, yy]], dtype=float)


def check_hessian(hessian: Any) -> Feedback:
    """Exercise 5: the Hessian of :math:`f(x, y) = x^3 y + x y^2`,

    .. math::

        H = \\begin{pmatrix} 6xy & 3x^2 + 2y \\\\ 3x^2 + 2y & 2x \\end{pmatrix}.

    Parameters
    ----------
    hessian : callable or sympy.Matrix
        ``hessian(x, y)`` returning ``[[f_xx, f_xy], [f_yx, f_yy]]`` (a nested
        list, tuple or array), or a sympy matrix in ``x`` and ``y`` such as
        ``sp.hessian(f, (x, y))``.

    Returns
    -------
    Feedback
    """
    if isinstance(hessian, sympy.MatrixBase | sympy.Basic):
        hessian, problem = sympy_function(hessian, [_x, _y])
        if problem:
            return Feedback(False, f"Your Hessian {problem}.")
    elif hessian is not None and not callable(hessian):
        return Feedback(
            False,
            "Write `hessian` as a function of x and y (with `def`): the check "
            "evaluates it at several points.",
        )
    return check_function(
        hessian,
        lambda x, y: _hessian(6 * x * y, 3 * x**2 + 2 * y, 2 * x),
        _POINTS,
        name="your Hessian",
        success="Correct: H = [[6xy, 3x² + 2y], [3x² + 2y, 2x]]; the two mixed "
        "partials agree, so H is symmetric.",
        mistakes=[
            Mistake(
                lambda x, y: _hessian(6 * x * y, 0, 2 * x),
                "The off-diagonal entries are not 0: they are the mixed partials, "
                "∂/∂y of ∂f/∂x and ∂/∂x of ∂f/∂y.",
            ),
            Mistake(
                lambda x, y: _hessian(6 * x * y, 2 * (3 * x**2 + 2 * y), 2 * x),
                "The mixed partials are twice too large: each off-diagonal entry "
                "is one mixed partial, ∂/∂y of ∂f/∂x, not the sum of both orders.",
            ),
            Mistake(
                lambda x, y: _hessian(2 * x, 3 * x**2 + 2 * y, 6 * x * y),
                "The diagonal is swapped: the top-left entry is ∂²f/∂x² (x twice), "
                "the bottom-right one ∂²f/∂y².",
            ),
            Mistake(
                lambda x, y: _hessian(6 * x * y, 3 * x**2, 2 * x),
                "The mixed partial misses a term: ∂f/∂x = 3x²y + y² has two terms "
                "that depend on y.",
            ),
            Mistake(
                lambda x, y: np.array([[6 * x * y, 2 * x], [3 * x**2 + 2 * y] * 2]),
                "The entries are in the wrong places: the first row is "
                "(∂²f/∂x², ∂²f/∂x∂y), the second (∂²f/∂y∂x, ∂²f/∂y²).",
            ),
        ],
        shape_hints={
            (): "Your Hessian is a single number: return the 2×2 matrix "
            "`[[f_xx, f_xy], [f_yx, f_yy]]` of second partials.",
            (2,): "Your Hessian has 2 entries: that looks like the gradient (the "
            "first partials). The Hessian is the 2×2 matrix of second partials.",
            (3,): "Your Hessian has 3 entries: return the full 2×2 matrix "
            "`[[f_xx, f_xy], [f_yx, f_yy]]`, the mixed partial in both places.",
            (4,): "Your Hessian is flat: return it as a 2×2 nested list "
            "`[[f_xx, f_xy], [f_yx, f_yy]]`.",
        },
        describe=_at,
    )
