"""Chapter 2 explorer: a partial derivative is the slope of a slice."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from calclearn.differentiation import derivative
from calclearn.explorers.contours import (
    ContourExplorer,
    format_number,
    known_nonnegative,
    landscape_control,
    point_sliders,
    require_finite_point,
)
from calclearn.plots import COLORS
from calclearn.widgets import dropdown

_SLICE_LANDSCAPES = ["Himmelblau", "Booth", "Saddle", "Monkey saddle", "Rosenbrock"]
_ALONG = ["x (y held fixed)", "y (x held fixed)"]


class SliceExplorer(ContourExplorer):
    r"""Hold one variable fixed and the surface becomes a curve: its slope is
    the partial derivative.

    Left: the contour map with the slice (the line where ``y`` is held fixed,
    or ``x``) and the point. Right: the slice curve :math:`t \mapsto f(t, y_0)`
    (or :math:`f(x_0, t)`) with its tangent at the point, whose slope is
    :math:`\partial f/\partial x` (or :math:`\partial f/\partial y`).
    """

    caption = (
        "Move y to choose the slice, move x along it: the slope of the green "
        "tangent on the right is ∂f/∂x at the point. Switch to slicing along y "
        "for ∂f/∂y."
    )
    width, height = 8.8, 4.2
    # The other slice drawn ahead (again after each new landscape).
    prerender = ("along",)

    def make_controls(self):
        return {
            "landscape": landscape_control(_SLICE_LANDSCAPES, "Himmelblau"),
            "along": dropdown("slice along", _ALONG, _ALONG[0]),
            **point_sliders(),
        }

    def build(self, figure: Figure) -> None:
        self.map_ax, self.slice_ax = figure.subplots(1, 2, width_ratios=[1, 1.15])
        live = self.live
        self.slice_line = live.animate(
            self.map_ax.plot([], [], color=COLORS["secant"], lw=2.2)[0]
        )
        # A white ring keeps the point visible on a critical-point marker, which
        # is larger and still shows around it; unclipped, it shows at the edge.
        self.map_point = live.animate(
            self.map_ax.plot(
                [],
                [],
                "o",
                color=COLORS["point"],
                ms=4.5,
                mec="white",
                mew=1.0,
                clip_on=False,
            )[0]
        )
        self.curve = live.animate(self.slice_ax.plot([], [], color=COLORS["secant"])[0])
        self.tangent = live.animate(
            self.slice_ax.plot([], [], "--", color=COLORS["tangent"], lw=1.8)[0]
        )
        self.slice_point = live.animate(
            self.slice_ax.plot(
                [], [], "o", color=COLORS["point"], ms=6, zorder=5, clip_on=False
            )[0]
        )
        self.slice_ax.set_ylabel("f on the slice")
        # A fixed place, room for tick labels up to "−2500" beside it: wider
        # labels after a rescale then fit without laying the figure out anew.
        self.slice_ax.yaxis.set_label_coords(-0.17, 0.5)
        live.message_box(self.slice_ax)
        self._along_shown = None

    def draw(self, landscape: str, along: str, x: float, y: float) -> None:
        surface, changed = self.show_landscape(self.map_ax, landscape)
        if changed:
            x, y = self.controls["x"].value, self.controls["y"].value
        self.live.say(self.slice_ax, "")  # no stale reading beside an error
        require_finite_point(x=x, y=y)
        axis = 0 if along == _ALONG[0] else 1
        window = surface.window[axis]
        if changed or self._along_shown != along:
            self.slice_ax.set_xlim(*window)
            name = "xy"[axis]
            fixed = "xy"[1 - axis]
            self.slice_ax.set_xlabel(name)
            self.slice_ax.set_title(f"the slice: f along {name}, {fixed} held fixed")
            self._along_shown = along
            self.live.invalidate(self.slice_ax, key=(landscape, along))

        point = np.array([x, y])
        ts = np.linspace(*window, 300)
        line = np.repeat(point[None, :], len(ts), axis=0)
        line[:, axis] = ts
        self.slice_line.set_data(line[:, 0], line[:, 1])
        self.map_point.set_data([x], [y])

        value = float(surface.value(point))
        grad = surface.gradient(point)
        slope = float(grad[axis])
        profile = surface.value(line)
        self.curve.set_data(ts, profile)
        low, high = float(profile.min()), float(profile.max())
        shown = self.slice_ax.get_ylim()
        self.live.fit_ylim(self.slice_ax, low, high + 0.45 * (high - low))  # + message
        bottom, top = self.slice_ax.get_ylim()
        if bottom < 0 <= low and known_nonnegative(surface):
            # f >= 0 everywhere: no room for values it never takes.
            self.slice_ax.set_ylim(0.0, top)
        if self.slice_ax.get_ylim() != shown:
            # Longer tick labels ("12.5" after "4") would run into the colour
            # bar's label: the figure is then laid out afresh.
            self.live.invalidate_limits(self.slice_ax)
        self.tangent.set_data(ts, value + slope * (ts - point[axis]))
        self.slice_point.set_data([point[axis]], [value])

        def along_slice(t):
            moved = np.repeat(point[None, :], np.size(t), axis=0)
            moved[:, axis] = np.ravel(t)
            return surface.value(moved).reshape(np.shape(t))

        numeric = float(derivative(along_slice, point[axis]))
        name = "xy"[axis]
        text = (
            f"∂f/∂{name}({format_number(x, '.2f')}, {format_number(y, '.2f')}) = "
            f"{format_number(slope)}   (central difference {format_number(numeric)});"
            f"   ∇f = ({format_number(grad[0], '.4g')}, "
            f"{format_number(grad[1], '.4g')})"
        )
        for critical in surface.critical_points:
            if np.allclose(point, critical.point, atol=0.025):  # half a slider step
                text += f"\nThis is a {critical.kind} of f: both partials vanish here."
        self.live.say(self.slice_ax, text)
