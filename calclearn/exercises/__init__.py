"""Exercises with instant feedback.

A learner writes a function (or computes a number) in a cell and calls the
chapter's check on it. The check compares the answer with a reference on a set
of test cases and answers with a :class:`Feedback`: ✅, or ❌ with a hint that
names the usual mistake (wrong sign, factor of 2, forgot the chain factor,
wrong shape, returned ``None``). A check never raises, so "Run All" always
completes, even on an unfinished exercise.

The chapter modules (``calclearn.exercises.derivatives``, ...) define the checks;
this module is the machinery they share.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["Feedback", "Mistake", "check_function", "check_value"]


@dataclass(frozen=True)
class Feedback:
    """The verdict of a check: ``passed`` and a message for the learner."""

    passed: bool
    message: str

    def __post_init__(self) -> None:
        # Messages often start with a name ("your gradient ..."): a sentence.
        # Only a word is capitalised: hints may start with maths ("x + h ...",
        # "f″ of 3x² ...") where X or F″ would name something else.
        first = self.message.split(" ", 1)[0]
        if len(first) > 1 and first.isalpha():
            message = self.message[:1].upper() + self.message[1:]
            object.__setattr__(self, "message", message)

    def __repr__(self) -> str:
        return f"{'✅' if self.passed else '❌'} {self.message}"

    def _repr_html_(self) -> str:
        color, background = (
            ("#1e7b3c", "#e9f7ee") if self.passed else ("#a12a1f", "#fdecea")
        )
        text = re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(self.message))
        return (
            f'<div style="border-left:4px solid {color};background:{background};'
            f'padding:6px 10px;margin:4px 0">{"✅" if self.passed else "❌"} '
            f"{text}</div>"
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


def _as_array(value: Any) -> np.ndarray | None:
    """``value`` as a float array, or None if it is not real numbers."""
    try:
        array = np.asarray(value)
        if array.dtype.kind == "c":  # casting would silently drop the imaginary part
            return None
        return np.asarray(array, dtype=float)
    except (TypeError, ValueError, OverflowError):  # e.g. None, "abc", 10**400
        return None


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


def _check_shape_and_values(
    got: Any, expected: np.ndarray, where: str
) -> tuple[np.ndarray | None, str | None]:
    """Convert ``got``; on trouble return the message that explains it."""
    if got is None:
        return None, f"{where} returned `None`. Did you forget the `return` line?"
    array = _as_array(got)
    if array is None:
        return None, (
            f"{where} returned a {type(got).__name__}, not a real number "
            "or an array of real numbers."
        )
    if array.shape != expected.shape:
        return None, (
            f"{where} has shape {array.shape}, but the answer has shape "
            f"{expected.shape}."
        )
    if not np.all(np.isfinite(array)):
        return None, f"{where} contains nan or inf."
    return array, None


def _fmt(value: np.ndarray) -> str:
    return np.array2string(np.asarray(value), precision=6, separator=", ")


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
) -> Feedback:
    """Check a learner's function against a reference on test cases.

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
        Tolerances of the comparison (``numpy.allclose``).
    describe : callable, optional
        Turns an argument tuple into words for messages (default ``x = ...``).

    Returns
    -------
    Feedback
        Never raises: every problem becomes a ❌ with a hint.
    """
    describe = describe or (lambda args: ", ".join(f"{a:g}" for a in args))
    if learner is None or learner is Ellipsis:
        return Feedback(False, f"{name} is not defined yet: write it, then run again.")
    if not callable(learner):
        return Feedback(
            False,
            f"{name} should be a function (defined with `def`), "
            f"but it is a {type(learner).__name__}.",
        )
    expected = [np.asarray(reference(*args), dtype=float) for args in cases]
    got = []
    for args, right in zip(cases, expected, strict=True):
        where = f"{name} at {describe(args)}"
        try:
            with np.errstate(all="ignore"):
                answer = learner(*args)
        except Exception as exc:  # the learner's bug, reported as a hint
            return Feedback(
                False,
                f"Calling {name} at {describe(args)} raised "
                f"{type(exc).__name__}: {exc}",
            )
        array, problem = _check_shape_and_values(answer, right, where)
        if problem:
            return Feedback(False, problem)
        got.append(array)
    if all(_same(g, e, rtol, atol) for g, e in zip(got, expected, strict=True)):
        return Feedback(True, success)
    mistaken = []
    for mistake in mistakes:
        with np.errstate(all="ignore"):
            answers = [np.asarray(mistake.answer(*args), dtype=float) for args in cases]
        mistaken.append((answers, mistake.hint))
    hint = _diagnose(got, expected, mistaken, rtol, atol)
    if hint:
        return Feedback(False, hint)
    for args, g, e in zip(cases, got, expected, strict=True):
        if not _same(g, e, rtol, atol):
            return Feedback(
                False,
                f"Not yet: at {describe(args)} {name} gives {_fmt(g)}, "
                f"but the answer is {_fmt(e)}.",
            )
    raise AssertionError("unreachable: some case must differ")  # pragma: no cover


def check_value(
    learner: Any,
    expected: Any,
    *,
    mistakes: Sequence[Mistake] = (),
    name: str = "your answer",
    success: str = "Correct.",
    rtol: float = 1e-6,
    atol: float = 1e-12,
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
    name, success, rtol, atol
        As in :func:`check_function`.

    Returns
    -------
    Feedback
        Never raises.
    """
    if learner is None or learner is Ellipsis:
        return Feedback(False, f"{name} is not filled in yet: compute it, then run.")
    right = np.asarray(expected, dtype=float)
    array, problem = _check_shape_and_values(learner, right, name)
    if problem:
        return Feedback(False, problem)
    if _same(array, right, rtol, atol):
        return Feedback(True, success)
    mistaken = [([np.asarray(m.answer, dtype=float)], m.hint) for m in mistakes]
    hint = _diagnose([array], [right], mistaken, rtol, atol)
    if hint is None and np.allclose(array, right, rtol=0.02):
        hint = (
            f"Close, but {_fmt(array)} looks rounded: write the exact value in "
            "code (a fraction like `a / b`, or the formula itself)."
        )
    return Feedback(False, hint or f"Not yet: {_fmt(array)} is not the answer.")
