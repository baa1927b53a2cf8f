"""A bridge to sympy: exact derivatives, and fast numpy functions made from them.

Every formula in the course can be checked here symbolically: write the
expression once, let sympy differentiate it exactly, and turn the result into a
vectorised numpy function to compare with finite differences or autodiff.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import sympy

from calclearn._validation import require_int

Variables = sympy.Symbol | Sequence[sympy.Symbol] | str | None


def as_expression(expr: Any) -> sympy.Expr:
    """Turn a string such as ``"x**2 * sin(y)"`` or a sympy object into an expression.

    Parameters
    ----------
    expr : str or sympy.Expr
        The expression.

    Returns
    -------
    sympy.Expr

    Examples
    --------
    >>> as_expression("x**2 + 1")
    x**2 + 1
    """
    if isinstance(expr, sympy.Basic):
        return expr
    if isinstance(expr, str):
        try:
            return sympy.sympify(expr, rational=True)
        except Exception as exc:  # sympify evaluates the string: anything can fail
            raise ValueError(f"expr could not be read as a formula: {exc}") from None
    raise TypeError(
        f"expr must be a sympy expression or a string, got {type(expr).__name__}"
    )


def _symbols(
    expr: sympy.Expr, variables: Variables, name: str = "variables"
) -> tuple[sympy.Symbol, ...]:
    """The variables in order: as given, or the expression's, sorted by name.

    ``name`` is what the caller calls the argument, for error messages.
    """
    if variables is None:
        found = sorted(expr.free_symbols, key=lambda s: s.name)
        if not found:
            return (sympy.Symbol("x"),)
        return tuple(found)
    if isinstance(variables, str):
        return tuple(sympy.symbols(variables, seq=True))
    if isinstance(variables, sympy.Symbol):
        return (variables,)
    try:
        symbols = tuple(variables)
    except TypeError:
        symbols = ()
    if not symbols or not all(isinstance(s, sympy.Symbol) for s in symbols):
        raise TypeError(f"{name} must be sympy Symbols or a string like 'x y'")
    return symbols


def symbolic_derivative(expr: Any, variable: Variables = None, order: int = 1):
    r"""Exact derivative :math:`d^n f / dx^n` of an expression.

    Parameters
    ----------
    expr : str or sympy.Expr
        The function.
    variable : sympy.Symbol or str, optional
        With respect to what; default the expression's only variable.
    order : int
        How many times to differentiate (default 1).

    Returns
    -------
    sympy.Expr

    Examples
    --------
    >>> symbolic_derivative("sin(x**2)")
    2*x*cos(x**2)
    """
    expression = as_expression(expr)
    symbols = _symbols(expression, variable, "variable")
    if len(symbols) != 1:
        raise ValueError(
            f"variable must name one variable; the expression has {symbols}"
        )
    order = require_int(order, "order", minimum=1)
    return sympy.simplify(sympy.diff(expression, symbols[0], order))


def symbolic_gradient(expr: Any, variables: Variables = None) -> list[sympy.Expr]:
    r"""The gradient :math:`(\partial f/\partial x_1, \dots, \partial f/\partial x_n)`.

    Parameters
    ----------
    expr : str or sympy.Expr
    variables : sequence of sympy.Symbol or str, optional
        The order of the coordinates; default the free symbols sorted by name.

    Returns
    -------
    list of sympy.Expr

    Examples
    --------
    >>> symbolic_gradient("x**2 * y")
    [2*x*y, x**2]
    """
    expression = as_expression(expr)
    return [sympy.diff(expression, s) for s in _symbols(expression, variables)]


def symbolic_hessian(expr: Any, variables: Variables = None) -> sympy.Matrix:
    r"""The Hessian :math:`H_{ij} = \partial^2 f / \partial x_i \partial x_j`.

    Examples
    --------
    >>> symbolic_hessian("x**2 * y")
    Matrix([
    [2*y, 2*x],
    [2*x,   0]])
    """
    expression = as_expression(expr)
    return sympy.hessian(expression, _symbols(expression, variables))


def to_numpy(expr: Any, variables: Variables = None) -> Callable[..., np.ndarray]:
    r"""Compile an expression (or a list or matrix of them) into a numpy function.

    Parameters
    ----------
    expr : str, sympy.Expr, list of sympy.Expr or sympy.Matrix
        What to compile.
    variables : sequence of sympy.Symbol or str, optional
        The inputs, in order; default the free symbols sorted by name.

    Returns
    -------
    callable
        With one variable, ``g(x)`` works elementwise on an array ``x``. With
        ``n`` variables, ``g(p)`` takes points of shape ``(..., n)``. The result
        has shape ``(...)`` for an expression, ``(..., k)`` for a list of ``k``
        and ``(..., r, c)`` for a matrix; constants are broadcast to that shape.

    Examples
    --------
    >>> import numpy as np
    >>> grad = to_numpy(symbolic_gradient("x**2 * y"), "x y")
    >>> grad(np.array([[1.0, 2.0], [3.0, 1.0]]))
    array([[4., 1.],
           [6., 9.]])
    """
    if isinstance(expr, list | tuple):
        parts = [as_expression(e) for e in expr]
        shape: tuple[int, ...] = (len(parts),)
    elif isinstance(expr, sympy.MatrixBase):
        parts = list(expr)
        shape = expr.shape
    else:
        parts = [as_expression(expr)]
        shape = ()
    free = set().union(*(p.free_symbols for p in parts))
    symbols = _symbols(sympy.Add(*free), variables)
    missing = free - set(symbols)
    if missing:
        raise ValueError(f"variables must include every symbol; missing {missing}")
    compiled = [sympy.lambdify(symbols, p, modules="numpy") for p in parts]

    def evaluate(point: Any) -> np.ndarray:
        try:
            array = np.asarray(point)
            if array.dtype.kind not in "biufc":
                raise TypeError(f"dtype {array.dtype}")
        except (TypeError, ValueError) as exc:
            raise TypeError(f"point must contain numbers: {exc}") from None
        if np.iscomplexobj(array):
            array = array.astype(np.complex128)
        else:
            array = array.astype(np.float64)
        if len(symbols) == 1:
            args = (array,)
            batch = array.shape
        else:
            if array.shape[-1:] != (len(symbols),):
                raise ValueError(
                    f"point must have shape (..., {len(symbols)}) for variables "
                    f"{symbols}, got shape {array.shape}"
                )
            args = tuple(np.moveaxis(array, -1, 0))
            batch = array.shape[:-1]
        values = [np.broadcast_to(g(*args), batch) for g in compiled]
        if shape == ():
            return np.array(values[0])
        return np.stack(values, axis=-1).reshape(batch + shape)

    return evaluate
