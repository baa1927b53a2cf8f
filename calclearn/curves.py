"""Functions of one variable used in the first chapter, with exact derivatives.

Each :class:`Curve` is written once as a formula; sympy differentiates it
exactly, and the results are compiled to numpy, so the value, slope and
curvature shown in a figure can never disagree with each other.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np
import sympy

from calclearn._validation import require_real_scalar
from calclearn.symbolic import as_expression, to_numpy

_x = sympy.Symbol("x")


@dataclass(frozen=True)
class Curve:
    r"""A function of one variable with its first two derivatives.

    Parameters
    ----------
    name : str
        What the learner sees in a dropdown.
    formula : str
        The expression in ``x``, in sympy syntax (``"x**3 - 2*x"``).
    window : tuple of float
        The plotting interval ``(a, b)``.

    Attributes
    ----------
    f, df, d2f : callable
        Vectorised :math:`f`, :math:`f'` and :math:`f''`.
    minima : numpy.ndarray
        The local minima inside the window, found as the sign changes of
        :math:`f'` from - to + and polished by Newton's method.

    Examples
    --------
    >>> c = Curve("bowl", "2*x**2", (-1.5, 1.5))
    >>> float(c.df(1.0)), float(c.d2f(0.0)), c.minima.tolist()
    (4.0, 4.0, [0.0])
    """

    name: str
    formula: str
    window: tuple[float, float]
    expression: sympy.Expr = field(init=False, repr=False)
    f: object = field(init=False, repr=False)
    df: object = field(init=False, repr=False)
    d2f: object = field(init=False, repr=False)
    minima: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        try:
            expression = as_expression(self.formula)
        except (TypeError, ValueError) as exc:
            raise type(exc)(f"formula: {exc}") from None
        if not isinstance(self.window, tuple | list) or len(self.window) != 2:
            raise TypeError(f"window must be a pair (a, b), got {self.window!r}")
        a, b = (require_real_scalar(end, "window") for end in self.window)
        if not a < b:
            raise ValueError(f"window must be (a, b) with a < b, got {self.window}")
        extra = expression.free_symbols - {_x}
        if extra:
            raise ValueError(f"formula must use only the variable x, found {extra}")
        set_ = object.__setattr__
        set_(self, "expression", expression)
        set_(self, "f", to_numpy(expression, [_x]))
        set_(self, "df", to_numpy(sympy.diff(expression, _x), [_x]))
        set_(self, "d2f", to_numpy(sympy.diff(expression, _x, 2), [_x]))
        set_(self, "minima", self._local_minima())

    def _local_minima(self) -> np.ndarray:
        grid = np.linspace(*self.window, 4001)
        slope = self.df(grid)
        minima = []
        for i in np.flatnonzero((slope[:-1] < 0) & (slope[1:] >= 0)):
            x = grid[i + 1] if slope[i + 1] == 0 else grid[i]
            for _ in range(50):  # Newton on f' = 0, started next to the root
                gradient, curvature = self.df(x), self.d2f(x)
                if gradient == 0 or curvature <= 0:  # on the root, or flat f''
                    break
                step = gradient / curvature
                x = x - step
                if abs(step) < 1e-15 * max(1.0, abs(x)):
                    break
            minima.append(float(x))
        return np.array(minima)

    def latex(self) -> str:
        """The formula in LaTeX, for titles."""
        return sympy.latex(self.expression)


#: The curves the chapter-1 explorers offer, by name (read-only: a
#: ``types.MappingProxyType``, so a notebook cannot replace one by accident).
CURVES: Mapping[str, Curve] = MappingProxyType(
    {
        c.name: c
        for c in (
            Curve("sin x", "sin(x)", (-3.5, 3.5)),
            Curve("cubic x³ − 2x", "x**3 - 2*x", (-2.0, 2.0)),
            Curve("exponential eˣ", "exp(x)", (-2.5, 2.0)),
            Curve("bowl 2x²", "2*x**2", (-1.5, 1.5)),
            Curve("double well (x² − 1)²", "(x**2 - 1)**2", (-1.8, 1.8)),
            Curve("log-cosh log cosh 2x", "log(cosh(2*x))", (-3.0, 3.0)),
        )
    }
)
