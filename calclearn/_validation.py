"""Argument checks shared by the public functions.

Every public function validates its inputs here first, so a learner who passes
the wrong thing sees one sentence naming the argument and what was expected,
instead of a NaN or a traceback from deep inside numpy.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable
from typing import Any

import numpy as np


def require_callable(value: Any, name: str) -> Callable:
    """Return ``value`` if it can be called, else raise ``TypeError``."""
    if not callable(value):
        raise TypeError(
            f"{name} must be a function (callable), got {type(value).__name__}"
        )
    return value


def require_choice(value: Any, name: str, choices: tuple[str, ...]) -> str:
    """Return ``value`` if it is one of ``choices``, else raise."""
    if not isinstance(value, str):
        raise TypeError(
            f"{name} must be a string, one of {choices}, got {type(value).__name__}"
        )
    if value not in choices:
        raise ValueError(f"{name} must be one of {choices}, got {value!r}")
    return value


def require_real_scalar(
    value: Any,
    name: str,
    *,
    positive: bool = False,
    nonnegative: bool = False,
) -> float:
    """Return ``value`` as a finite float, checking its sign if asked."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    number = float(value)
    if not np.isfinite(number):
        raise ValueError(f"{name} must be finite, got {number}")
    if positive and number <= 0:
        raise ValueError(f"{name} must be positive, got {number}")
    if nonnegative and number < 0:
        raise ValueError(f"{name} must be non-negative, got {number}")
    return number


def require_int(
    value: Any, name: str, *, minimum: int = 0, maximum: int | None = None
) -> int:
    """Return ``value`` as an int in ``[minimum, maximum]``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be at most {maximum:,}, got {value:,}")
    return int(value)


def require_real_array(value: Any, name: str) -> np.ndarray:
    """Return ``value`` as a finite float array (float32 kept, else float64)."""
    try:
        array = np.asarray(value)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be an array of real numbers: {exc}") from None
    if array.dtype == bool or array.dtype.kind not in "iuf":
        raise TypeError(
            f"{name} must contain real numbers, got an array of dtype {array.dtype}"
        )
    if array.dtype != np.float32:
        array = array.astype(np.float64)
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return array


def require_vector(value: Any, name: str) -> np.ndarray:
    """Return ``value`` as a finite 1-D float array with at least one entry."""
    array = require_real_array(value, name)
    if array.ndim != 1 or array.size == 0:
        raise ValueError(
            f"{name} must be a 1-D array (a point in R^n), got shape {array.shape}"
        )
    return array


def require_numbers(value: Any, what: str) -> np.ndarray:
    """What the function ``what`` returned, as an array of numbers, or raise.

    For results of a learner's function: None (a forgotten ``return``),
    strings and other objects get a sentence naming the function.
    """
    if value is None:
        raise ValueError(f"{what} returned None; did the function forget to `return`?")
    try:
        array = np.asarray(value)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{what} must return numbers: {exc}") from None
    if array.dtype.kind not in "biufc":
        raise TypeError(
            f"{what} must return numbers, got {type(value).__name__} "
            f"of dtype {array.dtype}"
        )
    return array
