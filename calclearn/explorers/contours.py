"""What every explorer over a 2-D landscape shares: the contour map behind it."""

from __future__ import annotations

import functools
import math
import numbers

import sympy
from matplotlib.axes import Axes

from calclearn.landscapes import LANDSCAPES, Landscape
from calclearn.plots import draw_landscape
from calclearn.widgets import Explorer, dropdown, slider


def format_number(value: float, spec: str = ".4f") -> str:
    """``value`` formatted with ``spec``, never as "-0" (a negative zero or a
    small negative number that rounds to zero prints as 0).

    Examples
    --------
    >>> format_number(-0.0), format_number(-1e-9, ".2f"), format_number(-0.5, ".2f")
    ('0.0000', '0.00', '-0.50')
    """
    text = format(value, spec)
    if text.startswith("-") and float(text) == 0:
        return text[1:]
    return text


@functools.lru_cache(maxsize=32)
def _nonnegative(expression: sympy.Expr) -> bool:
    real = {s: sympy.Symbol(s.name, real=True) for s in expression.free_symbols}
    return bool(expression.subs(real).is_nonnegative)


def known_nonnegative(landscape: Landscape) -> bool:
    """Whether sympy proves ``f >= 0`` for all real ``x, y`` (e.g. a sum of
    squares); ``False`` when it cannot tell.

    Examples
    --------
    >>> known_nonnegative(LANDSCAPES["Himmelblau"])
    True
    >>> known_nonnegative(LANDSCAPES["Saddle"])  # x² - y² takes both signs
    False
    """
    return _nonnegative(landscape.expression)


def require_finite_point(**coordinates: float) -> None:
    """Raise ``ValueError`` naming the first coordinate that is not a finite number."""
    for name, value in coordinates.items():
        if not (isinstance(value, numbers.Real) and math.isfinite(value)):
            raise ValueError(
                f"{name} = {value!r} is not a finite number, so there is no point "
                f"to draw: set {name} to a number inside the window"
            )


def landscape_control(names: list[str], value: str):
    """A dropdown of landscapes by name."""
    return dropdown("landscape", names, value)


def point_sliders(label: str = "") -> dict:
    """Sliders ``x`` and ``y`` for a point on a landscape (``label`` prefixes them).

    Their range and value are set by :meth:`ContourExplorer.show_landscape`;
    their step, 0.05, is one every landscape's window and start point lie on.
    """
    return {
        axis: slider(f"{label}{axis}".strip(), 0.0, -5.0, 5.0, 0.05) for axis in "xy"
    }


class ContourExplorer(Explorer):
    """An explorer drawn over the contour map of a landscape.

    Subclasses call :meth:`show_landscape` at the start of :meth:`draw`: the
    contours are redrawn (into the cached background) only when the landscape
    changes, and the point sliders named ``x`` and ``y`` (:func:`point_sliders`),
    if any, take the new landscape's window and start point.
    """

    def show_landscape(self, ax: Axes, name: str) -> tuple[Landscape, bool]:
        """Draw landscape ``name`` on ``ax`` if it is not already there.

        Returns
        -------
        (Landscape, bool)
            The landscape, and whether it just changed (then slider values
            passed to ``draw`` are stale: read them from :attr:`controls`).
        """
        landscape = LANDSCAPES[name]
        if getattr(self, "_landscape_shown", None) == name:
            return landscape, False
        # A new colour bar, with tick labels of another width: place the axes
        # afresh so that its label keeps clear of the next panel.
        self.live.invalidate(relayout=True)
        # In reverse: the colour bar goes before the contours it describes.
        for artist in reversed(getattr(self, "_contour_artists", [])):
            artist.remove()
        self._contour_artists = draw_landscape(ax, landscape, colorbar=True)
        self._landscape_shown = name
        ax.set_title(f"${landscape.latex}$", fontsize=10)
        for axis, (low, high), start in zip(
            ("x", "y"), landscape.window, landscape.start, strict=True
        ):
            if axis in self.controls:
                self.set_range(axis, low, high, start)
        return landscape, True
