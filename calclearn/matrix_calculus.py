r"""Derivatives of functions of a vector, computed three independent ways.

Chapter 4 checks the identities of matrix calculus that machine learning uses
every day, such as :math:`\nabla(x^\top A x) = (A + A^\top)x`, by computing
the same gradient (or Jacobian) three ways that share no code:

- **sympy**: the function applied to a vector of symbols, differentiated
  exactly, then evaluated at the point;
- **finite differences**: :func:`calclearn.differentiation.gradient` and
  :func:`~calclearn.differentiation.jacobian` (central differences);
- **autodiff**: reverse mode with :class:`calclearn.autodiff.Tensor`, one
  backward pass per output.

One Python function serves all three, because numpy's ``@``, ``*`` and
``.sum()`` work on arrays of floats, on Tensors and on arrays of sympy symbols
alike; for an elementwise non-linearity use :func:`tanh` from this module,
which accepts all three.

Examples
--------
>>> import numpy as np
>>> a = np.array([1.0, -2.0, 3.0])
>>> results = gradient_three_ways(lambda x: a @ x, [0.5, 1.0, 2.0])
>>> list(results)
['sympy', 'finite differences', 'autodiff']
>>> print(agreement(results, a))
sympy               agrees to 1e-12
finite differences  agrees to 1e-08
autodiff            agrees to 1e-12
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import sympy

from calclearn import autodiff
from calclearn.autodiff import Tensor
from calclearn.differentiation import gradient, jacobian

__all__ = ["agreement", "gradient_three_ways", "jacobian_three_ways", "tanh"]


def tanh(x: Any) -> Any:
    """Elementwise tanh of floats, a Tensor, a Dual, or an array of sympy symbols."""
    if isinstance(x, np.ndarray) and x.dtype == object:
        return np.array([sympy.tanh(entry) for entry in x.ravel()]).reshape(x.shape)
    return autodiff.tanh(x)


def _point(x: Any) -> np.ndarray:
    point = np.array(x, dtype=float)
    if point.ndim != 1 or point.size == 0:
        raise ValueError(f"x must be a non-empty 1-D vector, got shape {point.shape}")
    if not np.all(np.isfinite(point)):
        raise ValueError(f"x must be finite, got {point}")
    return point


def _symbols(n: int) -> np.ndarray:
    return np.array(sympy.symbols(f"x0:{n}", real=True), dtype=object)


def _sympy_jacobian(function: Callable, point: np.ndarray) -> np.ndarray:
    """Exact Jacobian, rows = outputs (a 1-D array for a scalar function)."""
    x = _symbols(point.size)
    values = dict(zip(x, point, strict=True))
    try:
        output = np.asarray(function(x), dtype=object)
    except (TypeError, ValueError, AttributeError) as exc:
        raise TypeError(
            "function must also run on an array of sympy symbols: write it with "
            "@, *, +, -, .sum() and calclearn.matrix_calculus.tanh (numpy "
            f"functions such as np.tanh need numbers); it raised {exc!r}"
        ) from exc
    rows = [
        [float(sympy.diff(entry, xi).subs(values)) for xi in x]
        for entry in output.ravel()
    ]
    result = np.array(rows)
    return result[0] if output.ndim == 0 else result


def _autodiff_jacobian(function: Callable, point: np.ndarray) -> np.ndarray:
    """Reverse mode: one backward pass per output, seeded with a unit vector."""
    probe = function(Tensor(point))
    if not isinstance(probe, Tensor):
        raise TypeError(
            "function must compute its result from its argument with Tensor "
            f"operations, got {type(probe).__name__}"
        )
    rows = []
    for i in range(probe.data.size):
        x = Tensor(point)
        seed = np.zeros(probe.shape)
        seed.flat[i] = 1.0
        function(x).backward(seed)
        rows.append(np.zeros_like(point) if x.grad is None else x.grad)
    result = np.array(rows)
    return result[0] if probe.ndim == 0 else result


def gradient_three_ways(function: Callable, x: Any) -> dict[str, np.ndarray]:
    """The gradient of a scalar ``function`` at ``x``: sympy, differences, autodiff.

    Parameters
    ----------
    function : callable
        ``function(x)`` of a 1-D vector, returning one number; written with
        ``@``, ``*``, ``+``, ``.sum()`` and this module's :func:`tanh`, so that
        it runs on floats, Tensors and sympy symbols.
    x : array_like, shape (n,)
        The point.

    Returns
    -------
    dict
        ``{"sympy": ..., "finite differences": ..., "autodiff": ...}``, each
        an array of shape ``(n,)``.
    """
    point = _point(x)
    return {
        "sympy": _sympy_jacobian(function, point),
        "finite differences": gradient(function, point),
        "autodiff": _autodiff_jacobian(function, point),
    }


def jacobian_three_ways(function: Callable, x: Any) -> dict[str, np.ndarray]:
    r"""The Jacobian :math:`J_{ij} = \partial f_i / \partial x_j` three ways.

    As :func:`gradient_three_ways` for a vector-valued ``function`` (output of
    shape ``(m,)``); each result has shape ``(m, n)``.
    """
    point = _point(x)
    return {
        "sympy": _sympy_jacobian(function, point),
        "finite differences": jacobian(function, point),
        "autodiff": _autodiff_jacobian(function, point),
    }


def agreement(
    results: dict[str, np.ndarray], closed_form: Any, exact: float = 1e-12
) -> str:
    """How closely each route agrees with ``closed_form``, one line each.

    A route agrees "to 1e-12" (exact routes) or "to 1e-08" (finite
    differences, whose truncation and round-off error is about 1e-10 at
    moderate scales) when its largest deviation, relative to the largest
    entry of ``closed_form``, is below that; otherwise the deviation itself
    is given. The lines are stable from run to run, so a notebook can print
    them.

    Parameters
    ----------
    results : dict of str to array
        As returned by :func:`gradient_three_ways` or
        :func:`jacobian_three_ways`.
    closed_form : array_like
        The identity's formula, evaluated at the same point.
    exact : float
        The tolerance of the exact routes (sympy, autodiff).

    Returns
    -------
    str

    Raises
    ------
    ValueError
        If a result's shape differs from ``closed_form``'s.
    """
    expected = np.asarray(closed_form, dtype=float)
    scale = max(float(np.max(np.abs(expected))), 1.0)
    lines = []
    for route, value in results.items():
        value = np.asarray(value, dtype=float)
        if value.shape != expected.shape:
            raise ValueError(
                f"closed_form has shape {expected.shape} but the {route} result "
                f"has shape {value.shape}"
            )
        tolerance = 1e-8 if route == "finite differences" else exact
        deviation = float(np.max(np.abs(value - expected))) / scale
        verdict = (
            f"agrees to {tolerance:.0e}"
            if deviation <= tolerance
            else f"DIFFERS: relative deviation {deviation:.1e}"
        )
        lines.append(f"{route:<20}{verdict}")
    return "\n".join(lines)
