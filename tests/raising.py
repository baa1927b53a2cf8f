"""The one check behind every bad-input table: the call raises, naming the argument."""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable

import pytest


def assert_raises_naming(call: Callable[[], object], error: type, argument: str) -> str:
    """``call()`` raises ``error`` (ValueError or TypeError) whose message starts
    with ``argument``, with no warning on the way and no traceback in the text.

    Returns the message, for checks of its own that a table may add.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no RuntimeWarning (or any) on the way
        with pytest.raises((ValueError, TypeError)) as info:
            call()
    assert info.type is error or issubclass(info.type, error), info.value
    message = str(info.value)
    assert re.match(rf"{re.escape(argument)}(\b|\W)", message), message
    assert "Traceback" not in message
    return message


def bad_input_test(rows: list[tuple]) -> Callable[..., None]:
    """A test running every ``(id, call, error, argument)`` row of a bad-input
    table through :func:`assert_raises_naming`, one test case per row.

    A test module binds it to a ``test_`` name for pytest to collect::

        test_bad_input_names_the_argument = bad_input_test(BAD_CALLS)
    """

    @pytest.mark.parametrize(
        ("call", "error", "argument"),
        [pytest.param(*row[1:], id=row[0]) for row in rows],
    )
    def test(call: Callable[[], object], error: type, argument: str) -> None:
        assert_raises_naming(call, error, argument)

    return test
