"""A bridge to sympy: exact derivatives, and fast numpy functions made from them.

Every formula in the course can be checked here symbolically: write the
expression once, let sympy differentiate it exactly, and turn the result into a
vectorised numpy function to compare with finite differences or autodiff.

Strings are read by a restricted parser, not by Python's ``eval`` of whatever
was typed: only numbers, names, arithmetic, comparisons and calls of sympy's
mathematical functions are accepted, so a formula cannot run code.
"""

from __future__ import annotations

import io
import keyword
import math
import re
import tokenize
from collections.abc import Callable, Sequence
from typing import Any

import mpmath
import numpy as np
import sympy
from sympy.core.function import AppliedUndef
from sympy.parsing.sympy_parser import (
    convert_xor,
    parse_expr,
    rationalize,
    standard_transformations,
)
from sympy.printing.numpy import NumPyPrinter

from calclearn._validation import require_int

Variables = sympy.Symbol | Sequence[sympy.Symbol] | str | None

# The course prints powers as superscripts ("x²", "x³ − 2x"), the
# typographic minus and product signs and π: read them as Python.
_SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹⁻"
_SUPERSCRIPTS = str.maketrans(_SUPERSCRIPT_DIGITS, "0123456789-")
_TYPOGRAPHY = str.maketrans({"−": "-", "·": "*", "×": "*", "π": "pi"})

# What a formula may contain, token by token: everything else (strings,
# attribute access, indexing, keywords such as lambda or import, names that
# start with an underscore such as __import__) is refused before evaluation.
_OPERATORS = {"+", "-", "*", "/", "**", "^", "(", ")", ",", "<", ">", "<=", ">="}
_LAYOUT = {tokenize.NEWLINE, tokenize.NL, tokenize.ENDMARKER, tokenize.INDENT}
_MAX_LENGTH = 10_000

# The names a formula may call: sympy's mathematical functions and constants.
# Any other name becomes a Symbol (the parser's auto_symbol step).
_NAMESPACE: dict[str, Any] = {
    name: value
    for name, value in vars(sympy).items()
    if isinstance(value, sympy.FunctionClass) and not name.startswith("_")
}
_NAMESPACE.update(
    {
        name: getattr(sympy, name)
        for name in (
            "pi E I oo zoo nan EulerGamma GoldenRatio Symbol Function Integer Float "
            "Rational Add Mul Pow sqrt root cbrt Derivative diff Eq Ne Lt Le Gt Ge"
        ).split()
    }
)
_NAMESPACE.update({"True": True, "False": False, "__builtins__": {}})

_TRANSFORMATIONS = (*standard_transformations, convert_xor, rationalize)

# Exact integers beyond this many digits take minutes and gigabytes (9**9**9):
# a careless formula must not hang the kernel.
_MAX_EXACT = 10_000
_GROWS_FAST = (sympy.factorial, sympy.factorial2, sympy.subfactorial, sympy.gamma)


def _formula_text(text: str) -> str:
    """``text`` with superscripts and typographic signs made Python operators."""
    text = text.translate(_TYPOGRAPHY)
    return re.sub(
        "[" + _SUPERSCRIPT_DIGITS + "]+",
        lambda power: "**(" + power.group().translate(_SUPERSCRIPTS) + ")",
        text,
    )


def _refuse_unsafe_tokens(text: str) -> None:
    """Raise ``ValueError`` unless ``text`` holds only formula tokens."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError) as exc:
        raise ValueError(f"expr could not be read as a formula: {exc}") from None
    for token in tokens:
        kind, word = token.type, token.string
        if kind in _LAYOUT or kind == tokenize.NUMBER:
            continue
        if kind == tokenize.NAME:
            if word.startswith("_") or (
                keyword.iskeyword(word) and word not in ("True", "False")
            ):
                raise ValueError(
                    f"expr may contain only a formula; {word!r} is not allowed"
                )
            continue
        if kind == tokenize.OP and word in _OPERATORS:
            continue
        hint = " (attribute access)" if word == "." else ""
        raise ValueError(
            f"expr may contain only numbers, names, + - * / ** ( ) , and "
            f"comparisons; {word!r}{hint} is not allowed"
        )


def _refuse_huge_numbers(tree: sympy.Basic) -> None:
    """Raise ``ValueError`` for exact numbers too large to compute (9**9**9)."""

    def magnitude(number: sympy.Basic) -> float:
        try:
            return abs(complex(number.evalf(5)))
        except OverflowError:
            return math.inf
        except (TypeError, ValueError):  # not a finite number (zoo, nan)
            return 0.0

    for node in sympy.preorder_traversal(tree):
        if isinstance(node, sympy.Pow) and node.base.is_number and node.exp.is_number:
            if magnitude(node.base) not in (0.0, 1.0) and (
                magnitude(node.exp) > _MAX_EXACT
            ):
                raise ValueError(
                    f"expr has a number too large to compute exactly: {node}"
                )
        if isinstance(node, _GROWS_FAST) and all(a.is_number for a in node.args):
            if any(magnitude(a) > _MAX_EXACT for a in node.args):
                raise ValueError(
                    f"expr has a number too large to compute exactly: {node}"
                )


def _parse(text: str) -> sympy.Basic:
    """Read a formula from text without running arbitrary Python."""
    if len(text) > _MAX_LENGTH:
        raise ValueError(
            f"expr is {len(text)} characters long; a formula has at most {_MAX_LENGTH}"
        )
    text = _formula_text(text.strip())
    if not text:
        raise ValueError("expr is empty; write a formula such as 'x**2 + 1'")
    _refuse_unsafe_tokens(text)

    def read(evaluate: bool) -> sympy.Basic:
        return parse_expr(
            text,
            local_dict={},
            global_dict=dict(_NAMESPACE),
            transformations=_TRANSFORMATIONS,
            evaluate=evaluate,
        )

    try:
        tree = read(evaluate=False)
    except Exception as exc:  # the parser's errors come in many kinds
        raise ValueError(f"expr could not be read as a formula: {exc}") from None
    _refuse_huge_numbers(tree)
    try:
        return read(evaluate=True)
    except Exception as exc:  # e.g. sin(x, y): a function given too many arguments
        raise ValueError(f"expr could not be read as a formula: {exc}") from None


def as_expression(expr: Any) -> sympy.Expr:
    """Turn a string such as ``"x**2 * sin(y)"`` or a sympy object into an expression.

    Strings may use ``^`` or superscripts for powers (``"x²"``), the
    typographic ``−``, ``·``, ``×`` and ``π``; they are parsed without running
    Python code (no ``eval`` of what was typed).
    Unevaluated derivatives (``sympy.Derivative``) are carried out. Symbols
    keep their assumptions (``sympy.symbols("x", real=True)``); the functions
    of this module match variables by name, so they work with any.

    Parameters
    ----------
    expr : str or sympy.Expr
        The expression.

    Returns
    -------
    sympy.Expr

    Raises
    ------
    TypeError
        If ``expr`` is neither a string nor a sympy expression.
    ValueError
        If the string is not a formula, or the object is not an expression
        (an equation, a set, ...).

    Examples
    --------
    >>> as_expression("x**2 + 1")
    x**2 + 1
    >>> as_expression("x³ − 2x".replace("2x", "2*x"))
    x**3 - 2*x
    >>> x = sympy.Symbol("x")
    >>> as_expression(sympy.Derivative(x**3, x))
    3*x**2
    """
    if isinstance(expr, str):
        expression = _parse(expr)
    elif isinstance(expr, sympy.Basic):
        expression = expr
    else:
        raise TypeError(
            f"expr must be a sympy expression or a string, got {type(expr).__name__}"
        )
    if not isinstance(expression, sympy.Expr):
        raise ValueError(
            "expr must be a formula with a value, not a "
            f"{type(expression).__name__}: {expression}"
        )
    if expression.has(sympy.Derivative):
        expression = expression.doit()
    if expression.has(sympy.nan, sympy.zoo):
        raise ValueError(
            f"expr has no value: {expression} (a division by zero or nan in it)"
        )
    return expression


def plain_symbols(expr: Any) -> sympy.Expr:
    """The expression with every symbol replaced by a plain one of the same name.

    ``sympy.symbols("x", real=True)`` and ``sympy.Symbol("x")`` are different
    symbols to sympy, so ``x_real - x`` does not simplify to zero. Comparing
    two formulas after this step compares them by the names of their variables,
    whatever assumptions each was made with.

    Parameters
    ----------
    expr : str or sympy.Expr
        As for :func:`as_expression`.

    Returns
    -------
    sympy.Expr

    Examples
    --------
    >>> x_real = sympy.Symbol("x", real=True)
    >>> plain_symbols(x_real**2) == sympy.Symbol("x") ** 2
    True
    """
    expression = as_expression(expr)
    return expression.xreplace(
        {s: sympy.Symbol(s.name) for s in expression.free_symbols}
    )


def _by_name(expr: sympy.Expr) -> dict[str, sympy.Symbol]:
    """The expression's symbols by name; two symbols with one name is an error."""
    found: dict[str, sympy.Symbol] = {}
    for symbol in expr.free_symbols:
        if symbol.name in found:
            raise ValueError(
                f"expr has two different symbols named {symbol.name!r} (made with "
                "different assumptions); use one"
            )
        found[symbol.name] = symbol
    return found


def _symbols(
    expr: sympy.Expr, variables: Variables, name: str = "variables"
) -> tuple[sympy.Symbol, ...]:
    """The variables in order: as given, or the expression's, sorted by name.

    Given variables are matched to the expression's symbols by name, so
    ``"x"`` finds ``sympy.Symbol("x", real=True)``. ``name`` is what the
    caller calls the argument, for error messages.
    """
    own = _by_name(expr)
    if variables is None:
        if not own:
            return (sympy.Symbol("x"),)
        return tuple(own[key] for key in sorted(own))
    if isinstance(variables, str):
        names = variables.replace(",", " ").split()
        if not names or not all(n.isidentifier() for n in names):
            raise ValueError(
                f"{name} must be variable names like 'x y', got {variables!r}"
            )
        symbols: tuple = tuple(sympy.Symbol(n) for n in names)
    elif isinstance(variables, sympy.Symbol):
        symbols = (variables,)
    else:
        try:
            symbols = tuple(variables)
        except TypeError:
            symbols = ()
        if not symbols or not all(isinstance(s, sympy.Symbol) for s in symbols):
            raise TypeError(f"{name} must be sympy Symbols or a string like 'x y'")
    names = [s.name for s in symbols]
    if len(set(names)) != len(names):
        raise ValueError(f"{name} must name each variable once, got {names}")
    return tuple(own.get(s.name, s) for s in symbols)


# Derivatives are taken in real stand-ins for symbols made without
# assumptions: the course's variables are real, and sympy's derivative of
# Abs(x) for a complex x is a formula in re(x), im(x) and unevaluated
# Derivatives that no one can read or compile.
def _real_stand_ins(
    expression: sympy.Expr, symbols: tuple[sympy.Symbol, ...]
) -> tuple[sympy.Expr, tuple[sympy.Symbol, ...], dict]:
    """``expression`` and ``symbols`` in real symbols, and the map back."""
    forward = {
        s: sympy.Symbol(s.name, real=True)
        for s in expression.free_symbols | set(symbols)
        if s.assumptions0.keys() <= {"commutative"}  # made without assumptions
    }
    back = {real: s for s, real in forward.items()}
    real_symbols = tuple(forward.get(s, s) for s in symbols)
    return expression.xreplace(forward), real_symbols, back


#: The highest order :func:`symbolic_derivative` takes; beyond it the
#: expressions grow for minutes without teaching anything.
MAX_ORDER = 100


def symbolic_derivative(expr: Any, variable: Variables = None, order: int = 1):
    r"""Exact derivative :math:`d^n f / dx^n` of an expression.

    Variables made without assumptions are treated as real (the derivative
    of :math:`|x|` is :math:`\operatorname{sign} x`), and variables are matched
    by name, so symbols made with assumptions (``sympy.Symbol("x",
    real=True)``) work as well as plain ones.

    Parameters
    ----------
    expr : str or sympy.Expr
        The function.
    variable : sympy.Symbol or str, optional
        With respect to what; default the expression's only variable.
    order : int
        How many times to differentiate, 1 to :data:`MAX_ORDER` (default 1).

    Returns
    -------
    sympy.Expr
        Simplified, in the expression's own symbols.

    Examples
    --------
    >>> symbolic_derivative("sin(x**2)")
    2*x*cos(x**2)
    >>> symbolic_derivative("Abs(x)")
    sign(x)
    """
    expression = as_expression(expr)
    symbols = _symbols(expression, variable, "variable")
    if len(symbols) != 1:
        raise ValueError(
            f"variable must name one variable; the expression has {symbols}"
        )
    order = require_int(order, "order", minimum=1)
    if order > MAX_ORDER:
        raise ValueError(f"order must be at most {MAX_ORDER}, got {order}")
    real, (symbol,), back = _real_stand_ins(expression, symbols)
    return sympy.simplify(sympy.diff(real, symbol, order).xreplace(back))


def symbolic_gradient(expr: Any, variables: Variables = None) -> list[sympy.Expr]:
    r"""The gradient :math:`(\partial f/\partial x_1, \dots, \partial f/\partial x_n)`.

    Parameters
    ----------
    expr : str or sympy.Expr
    variables : sequence of sympy.Symbol or str, optional
        The order of the coordinates; default the free symbols sorted by name.
        Matched to the expression's symbols by name.

    Returns
    -------
    list of sympy.Expr

    Examples
    --------
    >>> symbolic_gradient("x**2 * y")
    [2*x*y, x**2]
    """
    expression = as_expression(expr)
    real, symbols, back = _real_stand_ins(expression, _symbols(expression, variables))
    return [sympy.diff(real, s).xreplace(back) for s in symbols]


def symbolic_hessian(expr: Any, variables: Variables = None) -> sympy.Matrix:
    r"""The Hessian :math:`H_{ij} = \partial^2 f / \partial x_i \partial x_j`.

    Parameters
    ----------
    expr : str or sympy.Expr
    variables : sequence of sympy.Symbol or str, optional
        As in :func:`symbolic_gradient`.

    Returns
    -------
    sympy.Matrix, shape (n, n)

    Examples
    --------
    >>> symbolic_hessian("x**2 * y")
    Matrix([
    [2*y, 2*x],
    [2*x,   0]])
    """
    expression = as_expression(expr)
    real, symbols, back = _real_stand_ins(expression, _symbols(expression, variables))
    return sympy.hessian(real, symbols).xreplace(back)


# numpy has no erf, gamma, Bessel functions, ...; sympy's numpy printer then
# names Python's math module (scalars only) or nothing at all. These functions
# are evaluated element by element with mpmath instead: each is one whose
# mpmath namesake has the same definition (tests compare them with sympy's
# evalf). Other functions without a numpy form are refused, not guessed.
_PRINTER = NumPyPrinter()
MPMATH_FUNCTIONS = (
    sympy.erf,
    sympy.erfc,
    sympy.erfi,
    sympy.erfinv,
    sympy.gamma,
    sympy.loggamma,
    sympy.polygamma,
    sympy.beta,
    sympy.factorial,
    sympy.binomial,
    sympy.besselj,
    sympy.bessely,
    sympy.besseli,
    sympy.besselk,
    sympy.airyai,
    sympy.airybi,
    sympy.LambertW,
    sympy.zeta,
    sympy.Ei,
    sympy.Si,
    sympy.Ci,
    sympy.Shi,
    sympy.Chi,
    sympy.expint,
    sympy.fresnels,
    sympy.fresnelc,
    sympy.elliptic_k,
    sympy.elliptic_e,
)


def _numpy_knows(application: sympy.Function) -> bool:
    """Whether sympy's numpy printer writes ``application`` with numpy."""
    name = type(application).__name__
    stand_ins = sympy.symbols(f"a0:{len(application.args)}", cls=sympy.Dummy)
    try:
        generic = application.func(*stand_ins)
    except Exception:  # e.g. Piecewise needs conditions: print it as it is
        generic = application
    try:
        code = _PRINTER.doprint(generic)
    except Exception:  # the printer refuses: it has no numpy form
        return False
    return "math." not in code and not code.startswith(f"{name}(")


def _elementwise(function: type, arity: int) -> Callable[..., np.ndarray]:
    """``function`` as a numpy-broadcasting function, evaluated with mpmath.

    Real input gives real output (nan where the value is not real, as numpy
    does); complex input, as in the complex step, gives complex output.
    """
    arguments = sympy.symbols(f"a0:{arity}", cls=sympy.Dummy)
    scalar = sympy.lambdify(arguments, function(*arguments), modules="mpmath")

    def one(*values: Any) -> complex:
        # 30 digits, then rounded: float64 accuracy also in the tiny imaginary
        # part that the complex step reads (53 bits lose 5 digits of it).
        try:
            with mpmath.workdps(30):
                return complex(scalar(*values))
        except (ValueError, ArithmeticError):  # a pole: no value
            return complex(np.nan, np.nan)

    ufunc = np.frompyfunc(one, arity, 1)

    def apply(*args: Any) -> np.ndarray:
        values = np.asarray(ufunc(*args)).astype(np.complex128)
        if any(np.iscomplexobj(a) for a in args):
            return values
        return np.where(values.imag == 0, values.real, np.nan)

    return apply


def _compile(part: sympy.Expr, symbols: tuple[sympy.Symbol, ...]) -> Callable[..., Any]:
    """One expression as a numpy function of ``symbols``, or ``ValueError``."""
    undefined = part.atoms(AppliedUndef)
    if undefined:
        raise ValueError(
            f"expr uses functions that have no formula: {sorted(map(str, undefined))}"
        )
    stand_ins: dict[str, Callable] = {}
    replacements = {}
    for application in part.atoms(sympy.Function):
        if _numpy_knows(application):
            continue
        name = type(application).__name__
        if application.func not in MPMATH_FUNCTIONS:
            raise ValueError(
                f"expr cannot be compiled to numpy: {name} has no numpy form "
                "(numpy has no such function, and calclearn evaluates only the "
                "special functions in calclearn.symbolic.MPMATH_FUNCTIONS)"
            )
        stand_ins[name] = _elementwise(application.func, len(application.args))
        replacements[application] = sympy.Function(name)(*application.args)
    try:
        return sympy.lambdify(
            symbols, part.xreplace(replacements), modules=[stand_ins, "numpy"]
        )
    except Exception as exc:  # the printer's errors come in many kinds
        raise ValueError(
            f"expr cannot be compiled to numpy: {part} has no numerical form "
            f"({type(exc).__name__})"
        ) from None


def to_numpy(expr: Any, variables: Variables = None) -> Callable[..., np.ndarray]:
    r"""Compile an expression (or a list or matrix of them) into a numpy function.

    Everything with a numerical value compiles: elementary functions,
    ``Abs``, ``sign``, ``Heaviside``, ``Piecewise``, ``Max``/``Min``, and
    special functions numpy lacks (``erf``, ``gamma``, ...), which are
    evaluated element by element with mpmath (slower, same float64 accuracy).

    Parameters
    ----------
    expr : str, sympy.Expr, list of sympy.Expr or sympy.Matrix
        What to compile.
    variables : sequence of sympy.Symbol or str, optional
        The inputs, in order; default the free symbols sorted by name.
        Matched to the expression's symbols by name.

    Returns
    -------
    callable
        With one variable, ``g(x)`` works elementwise on an array ``x``. With
        ``n`` variables, ``g(p)`` takes points of shape ``(..., n)``. The result
        has shape ``(...)`` for an expression, ``(..., k)`` for a list of ``k``
        and ``(..., r, c)`` for a matrix; constants are broadcast to that shape.

    Raises
    ------
    ValueError
        If a variable is missing, or ``expr`` has no numerical form (an
        undefined function ``f(x)``, an unevaluated integral, ...).

    Examples
    --------
    >>> import numpy as np
    >>> grad = to_numpy(symbolic_gradient("x**2 * y"), "x y")
    >>> grad(np.array([[1.0, 2.0], [3.0, 1.0]]))
    array([[4., 1.],
           [6., 9.]])
    >>> gelu = to_numpy("x * (1 + erf(x / sqrt(2))) / 2")
    >>> gelu(np.array([-1.0, 0.0, 2.0])).round(6)
    array([-0.158655,  0.      ,  1.9545  ])
    """
    if isinstance(expr, list | tuple):
        if not expr:
            raise ValueError(
                "expr must hold at least one expression, got an empty list"
            )
        parts = [as_expression(e) for e in expr]
        shape: tuple[int, ...] = (len(parts),)
    elif isinstance(expr, sympy.MatrixBase):
        parts = [as_expression(e) for e in expr]
        shape = expr.shape
    else:
        parts = [as_expression(expr)]
        shape = ()
    free = set().union(*(p.free_symbols for p in parts))
    symbols = _symbols(sympy.Add(*free), variables)
    missing = free - set(symbols)
    if missing:
        raise ValueError(f"variables must include every symbol; missing {missing}")
    compiled = [_compile(p, symbols) for p in parts]

    def evaluate(point: Any) -> np.ndarray:
        try:
            array = np.asarray(point)
            if array.dtype.kind not in "iufc":
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
