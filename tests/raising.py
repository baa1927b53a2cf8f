"""The one check behind every bad-input table: the call raises, naming the argument."""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable

import pytest


def assert_raises_naming(
    call: Callable[[], object], error: type, argument: str
) -> None:
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
