"""Exercises with instant feedback.

A learner writes a function (or computes a number) in a cell and calls the
chapter's check on it. The check compares the answer with a reference on a set
of test cases and answers with a :class:`Feedback`: ✅, or ❌ with a hint that
names the usual mistake (wrong sign, factor of 2, forgot the chain factor,
wrong shape, returned ``None``).

A check never raises and always returns, whatever the learner's code does, so
"Run All" completes even on an unfinished or broken exercise:

- the learner's code runs in a helper thread under a time budget
  (:data:`TIME_LIMIT` seconds per check); a runaway loop is stopped and
  reported, never waited for;
- any exception it raises (``SystemExit`` and ``MemoryError`` included, but not
  ``KeyboardInterrupt``, which stays the learner's way to stop a cell) becomes
  a hint;
- it gets fresh copies of the test data on every call, so changing its
  arguments in place cannot change the check;
- what it prints is captured and shown once, below the verdict;
- only real numbers count as numbers: ``"0.5"``, ``b"0.5"``, ``True``, complex
  numbers and objects that refuse conversion are explained, not converted.

The chapter modules (``calclearn.exercises.derivatives``, ...) define the checks;
this module is the machinery they share.
"""

from __future__ import annotations

import contextlib
import copy
import ctypes
import html
import inspect
import io
import math
import re
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy

__all__ = [
    "EXACT",
    "TIME_LIMIT",
    "Feedback",
    "Mistake",
    "check_function",
    "check_value",
    "sympy_function",
    "to_real_array",
]

#: Seconds that a learner's code may run in total, per check.
TIME_LIMIT = 5.0

#: Relative tolerance of answers that the exercise asks for "exactly": only
#: floating-point round-off is forgiven, so ``0.333`` is not ``1/3``.
EXACT = 1e-9

# Explicit foreground and background colours, so that neither JupyterLab's
# light theme nor its dark theme (white inherited text) can make the feedback
# unreadable. Contrast ratios (WCAG) are tested: all above 7:1.
_COLOURS = {
    True: {"text": "#0b3d1c", "background": "#e3f4e8", "border": "#1e7b3c",
           "code": "#c8e8d2"},
    False: {"text": "#5c1009", "background": "#fde8e6", "border": "#a12a1f",
            "code": "#f6cdc7"},
}  # fmt: skip
_OUTPUT_COLOURS = {"text": "#1f1f1f", "background": "#f3f3f3"}


@dataclass(frozen=True)
class Feedback:
    """The verdict of a check.

    Attributes
    ----------
    passed : bool
        ✅ or ❌.
    message : str
        What to tell the learner; text between backticks is shown as code.
    output : str
        What the learner's code printed while it was checked (shown once,
        below the message); empty if nothing.
    """

    passed: bool
    message: str
    output: str = ""

    def __post_init__(self) -> None:
        # Messages often start with a name ("your gradient ..."): a sentence.
        # Only a word is capitalised: hints may start with maths ("x + h ...",
        # "f″ of 3x² ...") where X or F″ would name something else.
        first = self.message.split(" ", 1)[0]
        if len(first) > 1 and first.isalpha():
            message = self.message[:1].upper() + self.message[1:]
            object.__setattr__(self, "message", message)

    @property
    def _mark(self) -> str:
        return "✅" if self.passed else "❌"

    def __repr__(self) -> str:
        text = f"{self._mark} {self.message}"
        if self.output:
            text += "\nYour code printed:\n" + self.output
        return text

    def _repr_html_(self) -> str:
        colours = _COLOURS[self.passed]
        code = f'<code style="color:inherit;background:{colours["code"]}">'
        text = re.sub(r"`([^`]+)`", code + r"\1</code>", html.escape(self.message))
        printed = ""
        if self.output:
            printed = (
                '<div style="margin-top:4px">Your code printed:</div>'
                f'<pre style="color:{_OUTPUT_COLOURS["text"]};'
                f"background:{_OUTPUT_COLOURS['background']};margin:2px 0 0;"
                f'padding:4px 6px;white-space:pre-wrap">{html.escape(self.output)}'
                "</pre>"
            )
        return (
            f'<div style="color:{colours["text"]};background:{colours["background"]};'
            f"border:1px solid {colours['border']};"
            f"border-left:4px solid {colours['border']};"
            f'padding:6px 10px;margin:4px 0">{self._mark} {text}{printed}</div>'
        )


@dataclass(frozen=True)
class Mistake:
    """A known wrong answer and the hint that goes with it.

    Attributes
    ----------
    answer : callable or number or array
        What the mistaken learner computes: a function taking the same
        arguments as the exercise, or a value.
    hint : str
        What to tell the learner who made it.
    """

    answer: Any
    hint: str


# Mistakes worth recognising in any exercise, as factors on the right answer.
_GENERIC_FACTORS = (
    (-1.0, "The sign is flipped: you have exactly minus the right answer."),
    (2.0, "You are off by a factor of 2 (twice the right answer)."),
    (0.5, "You are off by a factor of 2 (half the right answer)."),
)


# --------------------------------------------------------------------------
# Words and numbers for the learner.
# --------------------------------------------------------------------------


def _article(noun: str) -> str:
    """``noun`` with "a" or "an" in front: "an int", "a float"."""
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


def _type_name(value: Any) -> str:
    """What ``value`` is, in words a learner knows."""
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bytes | bytearray):
        return "bytes"
    if inspect.isroutine(value) or isinstance(value, type):
        return "a function"
    return _article(type(value).__name__)


def _safe_text(value: Any, limit: int = 200) -> str:
    """``str(value)``, shortened; never raises (``str`` may be the learner's)."""
    try:
        text = str(value)
    except KeyboardInterrupt:
        raise
    except BaseException:  # a learner's class whose __str__ fails
        return "(its message could not be shown)"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _number(value: float, digits: int | None = None) -> str:
    """A number as a learner writes it: ``10``, ``0.25``, ``-1.5e-08``.

    With ``digits``, rounded to that many significant digits; without, the
    shortest form that reads back as the same float (``0.333``, not
    ``0.33300000000000002``).
    """
    value = float(value)
    if value == 0:
        return "0"  # never "-0"
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value) if digits is None else f"{value:.{digits}g}"


def _fmt(value: Any, digits: int | None = None) -> str:
    """A number, vector or matrix in learner-readable form, no trailing dot."""
    array = np.asarray(value, dtype=float)
    if array.ndim == 0:
        return _number(array, digits)
    return "[" + ", ".join(_fmt(row, digits) for row in array) + "]"


def _fmt_pair(got: np.ndarray, expected: np.ndarray) -> tuple[str, str, str]:
    """``got`` and ``expected`` with enough digits to see that they differ.

    Returns the two strings and, when they are close (more than 6 digits were
    needed), a note with their relative difference.
    """
    for digits in range(6, 18):
        left, right = _fmt(got, digits), _fmt(expected, digits)
        if left != right:
            break
    note = ""
    if digits > 6:
        scale = max(float(np.max(np.abs(expected))), 1e-300)
        relative = float(np.max(np.abs(got - expected))) / scale
        note = f" (a relative difference of {relative:.1e})"
    return left, right, note


# --------------------------------------------------------------------------
# Real numbers only.
# --------------------------------------------------------------------------


def _elementwise(array: np.ndarray) -> np.ndarray | str:
    """An object array's items as floats, or the reason they are not numbers."""
    values = np.empty(array.shape, dtype=float)
    for index, item in np.ndenumerate(array):
        if isinstance(item, str | bytes | bytearray):
            return "an array with text in it: remove the quotes"
        if isinstance(item, bool | np.bool_):
            return "an array with True/False in it, not only numbers"
        if isinstance(item, sympy.Basic) and item.free_symbols:
            names = ", ".join(sorted(str(s) for s in item.free_symbols))
            return f"an array with the symbol(s) {names} in it, not only numbers"
        if isinstance(item, complex | np.complexfloating) or (
            isinstance(item, sympy.Basic) and item.is_extended_real is False
        ):
            return "an array with a complex number in it"
        try:
            values[index] = float(item)
        except OverflowError:
            return "an array with a number too large for a float in it"
        except Exception:
            return f"an array with {_type_name(item)} in it, which is not a number"
    return values


def to_real_array(value: Any) -> tuple[np.ndarray | None, str | None]:
    """``value`` as a float array, or ``(None, reason)`` if it is not real numbers.

    Text, bytes, booleans, complex numbers, symbols and objects that refuse
    conversion are not numbers; the reason says which, in words for a learner.
    Exact numbers (``Fraction(1, 3)``, ``sympy.Rational(1, 3)``) are numbers.

    Parameters
    ----------
    value : Any
        A learner's answer: a number, a (nested) list, an array, a sympy number
        or matrix.

    Returns
    -------
    (numpy.ndarray, None) or (None, str)
        The float64 array, or the reason as a noun phrase, to follow "Your
        answer is ..." or "Your function returned ...".
        Never raises an ``Exception`` (the learner's ``__float__`` may run).

    Examples
    --------
    >>> to_real_array([1, 2.5])
    (array([1. , 2.5]), None)
    >>> print(to_real_array("0.5")[1])
    the text '0.5', not a number: remove the quotes
    """
    if isinstance(value, str | bytes | bytearray):
        shown = _safe_text(repr(value), 40)
        return None, f"the text {shown}, not a number: remove the quotes"
    if isinstance(value, bool | np.bool_):
        return None, f"{value}, not a number"
    if inspect.isroutine(value) or isinstance(value, type):
        return None, "a function, not a number: call it, or give its value"
    if isinstance(value, sympy.MatrixBase):
        value = np.array(value.tolist(), dtype=object)
    try:
        array = np.asarray(value)
    except Exception as exc:  # ragged lists, a learner's __array__ that raises
        if isinstance(exc, ValueError) and "inhomogeneous" in _safe_text(exc):
            return None, "a list with rows of different lengths"
        return None, (
            f"{_type_name(value)} that could not be turned into numbers "
            f"({type(exc).__name__})"
        )
    kind = array.dtype.kind
    if kind in "US":
        return None, "text, not numbers: remove the quotes"
    if kind == "b":
        return None, "True/False, not a number"
    if kind == "c":  # casting would silently drop the imaginary part
        return None, "a complex number, not a real number"
    if kind in "iuf":
        return array.astype(float), None
    if kind == "O":
        values = _elementwise(array)
        if isinstance(values, str):
            if array.ndim == 0:
                return None, f"{_type_name(value)}, not a real number"
            return None, values
        return values, None
    return None, f"{_type_name(value)}, not a real number"


def _check_shape_and_values(
    got: Any,
    expected: np.ndarray,
    where: str,
    shape_hints: Mapping[tuple[int, ...], str] | None = None,
    verb: str = "returned",
) -> tuple[np.ndarray | None, str | None]:
    """Convert ``got``; on trouble return the message that explains it.

    ``where`` names the answer ("your step at x = 0"), ``verb`` joins it to
    what it is ("returned" for a function's result, "is" for a value).
    """
    if got is None:
        return None, f"{where} returned `None`. Did you forget the `return` line?"
    array, reason = to_real_array(got)
    if array is None:
        return None, f"{where} {verb} {reason}."
    if array.shape != expected.shape:
        hint = (shape_hints or {}).get(array.shape)
        return None, hint or (
            f"{where} {verb} {_shape_words(array.shape)}, "
            f"but the answer is {_shape_words(expected.shape)}."
        )
    if not np.all(np.isfinite(array)):
        what = "nan or inf" if array.ndim == 0 else "an array with nan or inf in it"
        return None, f"{where} {verb} {what}."
    return array, None


def _shape_words(shape: tuple[int, ...]) -> str:
    """``()`` as "a single number", else "an array of shape (2,)"."""
    return "a single number" if shape == () else f"an array of shape {shape}"


# --------------------------------------------------------------------------
# Running the learner's code: a time budget, every exception, printed output.
# --------------------------------------------------------------------------


class _TimeUp(Exception):
    """Raised inside a learner's runaway code to stop it."""


def _stop(thread: threading.Thread) -> None:
    """Ask a runaway thread to stop: raise :class:`_TimeUp` inside it.

    CPython delivers it at the thread's next Python instruction; code stuck in
    C (``time.sleep``) stops when it returns. The thread is a daemon either way,
    so it cannot keep the kernel from exiting.
    """
    if thread.ident is not None:
        ctypes.pythonapi.PyThreadState_SetAsyncExc(
            ctypes.c_ulong(thread.ident), ctypes.py_object(_TimeUp)
        )


@dataclass
class _Outcome:
    value: Any = None
    error: BaseException | None = None
    error_text: str = ""
    timed_out: bool = False


class _Sandbox:
    """Runs a learner's code for one check: shared time budget, captured output.

    Parameters
    ----------
    time_limit : float
        Seconds for all the calls of this check together.
    """

    def __init__(self, time_limit: float) -> None:
        self.time_limit = time_limit
        self.deadline = time.monotonic() + time_limit
        self.first_output = ""
        self.printing_calls = 0

    def run(self, task: Callable[[], Any]) -> _Outcome:
        """Run ``task()`` in a helper thread; never raises but KeyboardInterrupt."""
        outcome = _Outcome()

        def target() -> None:
            try:
                with np.errstate(all="ignore"):
                    outcome.value = task()
            except BaseException as exc:  # every learner error becomes a hint
                outcome.error = exc
                # str() runs the learner's code too: here, under the time limit.
                outcome.error_text = _safe_text(exc)

        printed = io.StringIO()
        thread = threading.Thread(target=target, name="calclearn-check", daemon=True)
        with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
            try:
                thread.start()
            except RuntimeError:  # no thread to be had: run here, without a limit
                target()
            else:
                try:
                    thread.join(max(0.0, self.deadline - time.monotonic()))
                except KeyboardInterrupt:  # the learner pressed stop: stop all
                    _stop(thread)
                    raise
        self._record(printed.getvalue())
        if thread.is_alive():
            _stop(thread)
            outcome.timed_out = True
        elif isinstance(outcome.error, KeyboardInterrupt):
            raise outcome.error
        return outcome

    def _record(self, text: str) -> None:
        if text:
            self.printing_calls += 1
            if not self.first_output:
                self.first_output = text

    def feedback(self, passed: bool, message: str) -> Feedback:
        """The verdict, with what the learner's code printed (once)."""
        output = self.first_output.rstrip("\n")
        if len(output) > 600:
            output = output[:600] + "\n…"
        if self.printing_calls > 1:
            output += (
                f"\n(That is the output of the first call; "
                f"{self.printing_calls - 1} more call(s) printed too.)"
            )
        return Feedback(passed, message, output)

    def explain(self, outcome: _Outcome, where: str) -> str | None:
        """Why the run went wrong, for the learner; None if it did not."""
        if outcome.timed_out:
            return (
                f"{where} was still running after {self.time_limit:g} "
                f"second{'s' * (self.time_limit != 1)}, so "
                "the check gave up. Is there a loop that never ends?"
            )
        if outcome.error is not None:
            return _explain_error(outcome.error, outcome.error_text, where)
        return None


def _explain_error(error: BaseException, text: str, where: str) -> str:
    """What to tell a learner whose code raised ``error``, whose str is ``text``."""
    if isinstance(error, SystemExit):
        return f"{where} called `exit()` or `sys.exit()`: return a value instead."
    if isinstance(error, MemoryError):
        return f"{where} ran out of memory (MemoryError)."
    text = text.rstrip(". ")
    message = f"Calling {where} raised {type(error).__name__}"
    message += f": {text}." if text else "."
    if isinstance(error, TypeError) and ("^" in text or "bitwise_xor" in text):
        return message + " In Python `^` is not a power: write `x**2` for x²."
    if isinstance(error, RecursionError):
        return message + " Does it call itself without end?"
    if isinstance(error, NameError):
        return message + " Is the name spelled right, and was its cell run?"
    return message


def _signature_problem(learner: Callable, args: tuple, name: str) -> str | None:
    """A message if ``learner`` cannot take the exercise's arguments."""
    try:
        signature = inspect.signature(learner)
    except (TypeError, ValueError):  # builtins without a signature: just call
        return None
    try:
        signature.bind(*args)
    except TypeError:
        wanted = len(args)
        return (
            f"{name} should take {wanted} argument{'s' * (wanted != 1)}, "
            f"but it is defined as `{_safe_text(signature, 80)}`."
        )
    return None


# --------------------------------------------------------------------------
# The checks.
# --------------------------------------------------------------------------


def _same(a: np.ndarray, b: np.ndarray, rtol: float, atol: float) -> bool:
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=rtol, atol=atol))


def _diagnose(
    got: list[np.ndarray],
    expected: list[np.ndarray],
    mistaken: list[tuple[list[np.ndarray], str]],
    rtol: float,
    atol: float,
) -> str | None:
    """The hint of the first known mistake that explains every answer."""
    for answers, hint in mistaken:
        if all(_same(g, a, rtol, atol) for g, a in zip(got, answers, strict=True)):
            return hint
    for factor, hint in _GENERIC_FACTORS:
        if all(
            _same(g, factor * e, rtol, atol) for g, e in zip(got, expected, strict=True)
        ) and any(np.any(e != 0) for e in expected):
            return hint
    return None


def _describe(args: tuple) -> str:
    """Test arguments in words: numbers and arrays as numbers, functions by name."""
    words = []
    for arg in args:
        try:
            words.append(_fmt(arg))
        except (TypeError, ValueError):
            words.append(getattr(arg, "__name__", type(arg).__name__))
    return ", ".join(words)


def _not_a_function(learner: Any, name: str) -> str | None:
    if learner is None or learner is Ellipsis:
        return f"{name} is not defined yet: write it, then run again."
    if not callable(learner):
        return (
            f"{name} should be a function (defined with `def`), "
            f"but it is {_type_name(learner)}."
        )
    return None


def check_function(
    learner: Any,
    reference: Callable,
    cases: Sequence[tuple],
    *,
    mistakes: Sequence[Mistake] = (),
    name: str = "your function",
    success: str = "Correct.",
    rtol: float = 1e-7,
    atol: float = 1e-10,
    describe: Callable[[tuple], str] | None = None,
    shape_hints: Mapping[tuple[int, ...], str] | None = None,
    time_limit: float | None = None,
) -> Feedback:
    """Check a learner's function against a reference on test cases.

    The learner's function gets a deep copy of each argument tuple, runs under
    a time budget, and may print (shown once); whatever it does, the result is
    a :class:`Feedback`.

    Parameters
    ----------
    learner : callable
        The learner's function.
    reference : callable
        The right function, called with the same arguments.
    cases : sequence of tuple
        Argument tuples to call both with.
    mistakes : sequence of Mistake
        Known wrong functions and their hints; tried before the generic
        diagnoses (sign, factor of 2).
    name : str
        How to call the learner's function in messages.
    success : str
        Message on success.
    rtol, atol : float
        Tolerances of the comparison (``numpy.allclose``): the answer passes
        where ``|got - right| <= atol + rtol * |right|`` at every case. The
        default ``rtol = 1e-7`` is "7 significant digits".
    describe : callable, optional
        Turns an argument tuple into words for messages (default ``x = ...``).
    shape_hints : mapping, optional
        A hint for an answer of a given wrong shape, e.g. ``{(2,): "That is
        the gradient ..."}``; other wrong shapes get a generic message.
    time_limit : float, optional
        Seconds for all calls together; default :data:`TIME_LIMIT`.

    Returns
    -------
    Feedback
        Never raises (except ``KeyboardInterrupt``): every problem becomes a ❌
        with a hint.

    Examples
    --------
    >>> check_function(lambda x: 2 * x, lambda x: 2 * x, [(1.0,), (2.0,)])
    ✅ Correct.
    >>> check_function(lambda x: x, lambda x: 2 * x, [(1.0,), (2.0,)])
    ❌ You are off by a factor of 2 (half the right answer).
    """
    describe = describe or _describe
    problem = _not_a_function(learner, name)
    if problem:
        return Feedback(False, problem)
    problem = _signature_problem(learner, cases[0], name)
    if problem:
        return Feedback(False, problem)
    expected = [
        np.asarray(reference(*copy.deepcopy(args)), dtype=float) for args in cases
    ]
    sandbox = _Sandbox(TIME_LIMIT if time_limit is None else time_limit)
    got = []
    for args, right in zip(cases, expected, strict=True):
        where = f"{name} at {describe(args)}"
        fresh = copy.deepcopy(args)  # the learner may change its arguments
        outcome = sandbox.run(
            lambda fresh=fresh, right=right, where=where: _check_shape_and_values(
                learner(*fresh), right, where, shape_hints
            )
        )
        problem = sandbox.explain(outcome, where)
        if problem is None:
            array, problem = outcome.value
        if problem:
            if "returned `None`" in problem and sandbox.printing_calls:
                problem += " (`print` shows a value; `return` hands it back.)"
            return sandbox.feedback(False, problem)
        got.append(array)
    if all(_same(g, e, rtol, atol) for g, e in zip(got, expected, strict=True)):
        return sandbox.feedback(True, success)
    mistaken = []
    for mistake in mistakes:
        with np.errstate(all="ignore"):
            answers = [
                np.asarray(mistake.answer(*copy.deepcopy(args)), dtype=float)
                for args in cases
            ]
        mistaken.append((answers, mistake.hint))
    hint = _diagnose(got, expected, mistaken, rtol, atol)
    if hint:
        return sandbox.feedback(False, hint)
    for args, g, e in zip(cases, got, expected, strict=True):
        if not _same(g, e, rtol, atol):
            left, right, note = _fmt_pair(g, e)
            return sandbox.feedback(
                False,
                f"Not yet: at {describe(args)} {name} gives {left}, "
                f"but the answer is {right}{note}.",
            )
    raise AssertionError("unreachable: some case must differ")  # pragma: no cover


def check_value(
    learner: Any,
    expected: Any,
    *,
    mistakes: Sequence[Mistake] = (),
    name: str = "your answer",
    success: str = "Correct.",
    rtol: float = EXACT,
    atol: float = 1e-12,
    time_limit: float | None = None,
) -> Feedback:
    """Check a number (or an array) against the expected one.

    Parameters
    ----------
    learner : number or array_like
        The learner's answer.
    expected : number or array_like
        The right answer.
    mistakes : sequence of Mistake
        Known wrong values with their hints.
    name, success, time_limit
        As in :func:`check_function`.
    rtol, atol : float
        Tolerances. The default ``rtol`` is :data:`EXACT`: the exercise asks
        for the exact value, and an answer that agrees to a few digits only is
        told that it "looks rounded".

    Returns
    -------
    Feedback
        Never raises (except ``KeyboardInterrupt``).

    Examples
    --------
    >>> check_value(2 / 6, 1 / 3)
    ✅ Correct.
    >>> check_value(0.333, 1 / 3)  # doctest: +ELLIPSIS
    ❌ Close: 0.333 agrees with the answer to 3 significant digits, but ...
    """
    if learner is None or learner is Ellipsis:
        return Feedback(False, f"{name} is not filled in yet: compute it, then run.")
    right = np.asarray(expected, dtype=float)
    sandbox = _Sandbox(TIME_LIMIT if time_limit is None else time_limit)
    outcome = sandbox.run(
        lambda: _check_shape_and_values(learner, right, name, verb="is")
    )
    problem = sandbox.explain(outcome, f"converting {name} to a number")
    if problem is None:
        array, problem = outcome.value
    if problem:
        return sandbox.feedback(False, problem)
    if _same(array, right, rtol, atol):
        return sandbox.feedback(True, success)
    mistaken = [([np.asarray(m.answer, dtype=float)], m.hint) for m in mistakes]
    hint = _diagnose([array], [right], mistaken, rtol, atol)
    if hint is None and np.allclose(array, right, rtol=0.02, atol=0):
        scale = max(float(np.max(np.abs(right))), 1e-300)
        relative = float(np.max(np.abs(array - right))) / scale
        digits = max(1, math.floor(-math.log10(relative)))
        hint = (
            f"Close: {_fmt(array)} agrees with the answer to {digits} "
            "significant digit" + "s" * (digits != 1) + ", but the check wants "
            "it exactly: write a fraction or the formula in code (like "
            "`2 / 6`), not a rounded decimal."
        )
    return sandbox.feedback(
        False, hint or f"Not yet: {_fmt(array, 6)} is not the answer."
    )


# --------------------------------------------------------------------------
# sympy answers.
# --------------------------------------------------------------------------


def sympy_function(
    expression: Any, variables: Sequence[sympy.Symbol]
) -> tuple[Callable | None, str | None]:
    """A learner's sympy expression (or matrix) as a numpy function of ``variables``.

    Symbols are matched by name, whatever their assumptions
    (``sympy.symbols("x", real=True)`` is the exercise's ``x``); unevaluated
    ``Derivative`` objects are evaluated; strings are parsed safely. All three
    come from :mod:`calclearn.symbolic`; this function only puts its errors in
    a learner's words: nothing from sympy's internals reaches the learner.

    Parameters
    ----------
    expression : sympy.Expr, sympy.Matrix, nested list or str
        The learner's answer.
    variables : sequence of sympy.Symbol
        The exercise's variables, in the order the function takes them.

    Returns
    -------
    (callable, None) or (None, str)
        The function ``g(*numbers)``, or the reason there is none, worded to
        follow "Your answer ...".

    Examples
    --------
    >>> x = sympy.Symbol("x", positive=True)
    >>> g, problem = sympy_function(sympy.Derivative(x**3, x), [sympy.Symbol("x")])
    >>> float(g(2.0)), problem
    (12.0, None)
    """
    from calclearn.symbolic import plain_symbols, to_numpy

    if isinstance(expression, sympy.MatrixBase):
        expression = expression.tolist()
    try:
        entries = np.array(expression, dtype=object)
    except ValueError:
        return None, "has rows of different lengths"
    plain = []
    for entry in entries.flat:
        try:
            plain.append(plain_symbols(entry))
        except TypeError:
            return None, f"is {_type_name(entry)}, not a sympy expression"
        except ValueError:
            if isinstance(entry, str):
                return None, "could not be read as a formula: check its brackets"
            return None, (
                "is a comparison or logical operation, not a formula with a "
                "value (in Python `^` is not a power, `**` is)"
            )
    names = [v.name for v in variables]
    stray = sorted({s.name for p in plain for s in p.free_symbols} - set(names))
    if stray:
        return None, (
            f"contains {', '.join(stray)}: the exercise's function depends on "
            f"{' and '.join(names)} only"
        )
    if entries.ndim == 0:
        whole: Any = plain[0]
    elif entries.ndim == 1:
        whole = plain
    else:
        whole = sympy.ImmutableMatrix(*entries.shape, plain)
    try:
        compiled = to_numpy(whole, " ".join(names))
    except Exception:  # a printer's internal error is no help to a learner
        return None, (
            "could not be turned into numbers (does it use a function without "
            "a formula, such as an undefined f(x)?)"
        )

    def evaluate(*numbers: float) -> np.ndarray:
        point = float(numbers[0]) if len(numbers) == 1 else np.array(numbers, float)
        try:
            return compiled(point)
        except Exception:
            raise ValueError("sympy could not evaluate it at this point") from None

    return evaluate, None
