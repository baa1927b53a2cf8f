"""The environment self-check that the start page runs."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from importlib import metadata

import numpy as np

#: The course's runtime dependencies (distribution names, as in pyproject.toml)
#: with the oldest version each is tested against. tests/test_packaging.py
#: checks that this is exactly pyproject's ``dependencies``.
REQUIRED = {
    "numpy": "1.24",
    "matplotlib": "3.7",
    "ipywidgets": "8.1",
    "sympy": "1.12",
    "mpmath": "1.1",
    "pillow": "9.1",
}


def _version_tuple(version: str) -> tuple[int, ...]:
    parts = []
    for piece in version.split(".")[:3]:
        digits = "".join(ch for ch in piece if ch.isdigit())
        parts.append(int(digits) if digits else 0)
    return tuple(parts)


@dataclass(frozen=True)
class SelfCheck:
    """What :func:`self_check` found: one line per check, and whether all passed."""

    lines: tuple[tuple[bool, str], ...]

    @property
    def passed(self) -> bool:
        """True when every check passed."""
        return all(ok for ok, _ in self.lines)

    def __repr__(self) -> str:
        body = "\n".join(f"{'✅' if ok else '❌'} {text}" for ok, text in self.lines)
        verdict = (
            "All set: the course will run here."
            if self.passed
            else "Something is missing: see the ❌ lines and the README's set-up."
        )
        return f"{body}\n{verdict}"


def self_check() -> SelfCheck:
    """Check Python, the packages and a first derivative; never raises.

    Returns
    -------
    SelfCheck
        Its ``repr`` is the report shown in the start page.

    Examples
    --------
    >>> self_check().passed
    True
    """
    lines = [
        (
            sys.version_info >= (3, 10),
            f"Python {sys.version.split()[0]} (3.10 or newer needed)",
        )
    ]
    for name, minimum in REQUIRED.items():
        # The installed distribution's metadata, not the module's __version__:
        # it names the package as pip does (pillow, not PIL) and imports nothing.
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            lines.append((False, f"{name} is not installed"))
            continue
        ok = _version_tuple(version) >= _version_tuple(minimum)
        lines.append((ok, f"{name} {version} ({minimum} or newer needed)"))
    try:
        from calclearn.differentiation import derivative

        slope = float(derivative(np.sin, 0.0, method="complex"))
        lines.append((slope == 1.0, f"calclearn computes d/dx sin(x) at 0 = {slope}"))
    except Exception as exc:  # a broken install is what this check is for
        lines.append((False, f"calclearn failed: {exc}"))
    return SelfCheck(tuple(lines))
