"""What every explorer over a 2-D landscape shares: the contour map behind it."""

from __future__ import annotations

from matplotlib.axes import Axes

from calclearn.landscapes import LANDSCAPES, Landscape
from calclearn.plots import draw_landscape
from calclearn.widgets import Explorer, dropdown, slider


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
        for artist in getattr(self, "_contour_artists", []):
            artist.remove()
        self._contour_artists = draw_landscape(ax, landscape)
        self._landscape_shown = name
        ax.set_title(f"${landscape.latex}$", fontsize=10)
        for axis, (low, high), start in zip(
            ("x", "y"), landscape.window, landscape.start, strict=True
        ):
            if axis in self.controls:
                self.set_range(axis, low, high, start)
        self.live.invalidate(relayout=True)
        return landscape, True
