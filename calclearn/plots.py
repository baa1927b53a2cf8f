"""Figures: one house style, fast redraws for explorers, and the static plots.

Explorers redraw on every slider step, so they cannot afford to rebuild a
figure each time (about 90 ms). :class:`LiveFigure` renders the unchanging part
of a figure once, keeps that bitmap, and per update only restores it and draws
the few artists that move (matplotlib's *blitting*), then encodes the PNG with
light compression. That takes a few milliseconds.
"""

from __future__ import annotations

import io
import struct
import textwrap
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import matplotlib
import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.transforms import Bbox
from PIL import Image

#: The palette: one colour per role, used the same way in every chapter.
COLORS = {
    "function": "#1f3b73",
    "secant": "#e07a1f",
    "tangent": "#2a9d5c",
    "path": "#c0392b",
    "point": "#111111",
    "stable": "#d8f0df",
    "oscillating": "#fdf0cf",
    "unstable": "#f8d7d4",
    "muted": "#8a8f98",
}

STYLE = {
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.25,
    "legend.frameon": False,
    "legend.fontsize": 9,
    "lines.linewidth": 2.0,
    "mathtext.fontset": "dejavusans",
}

_MESSAGE_STYLE = {
    "info": {"facecolor": "#eef4ff", "edgecolor": "#7d9bd1"},
    "warning": {"facecolor": "#fff4d6", "edgecolor": "#d9a400"},
    "error": {"facecolor": "#fde2e0", "edgecolor": "#c0392b"},
}


@contextmanager
def house_style() -> Iterator[None]:
    """Context in which new figures and artists take the course's style."""
    with matplotlib.rc_context(STYLE):
        yield


def new_figure(width: float = 7.0, height: float = 4.2) -> Figure:
    """A figure with an Agg canvas and no pyplot state (nothing to close).

    Parameters
    ----------
    width, height : float
        Size in inches, at 100 dpi.

    Returns
    -------
    matplotlib.figure.Figure
    """
    with house_style():
        figure = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def figure_to_png(figure: Figure, compress_level: int = 6) -> bytes:
    """Render ``figure`` and return PNG bytes."""
    canvas = figure.canvas
    if not isinstance(canvas, FigureCanvasAgg):
        canvas = FigureCanvasAgg(figure)
    canvas.draw()
    return rgba_to_png(canvas.buffer_rgba(), compress_level)


def rgba_to_png(buffer: Any, compress_level: int) -> bytes:
    """Encode an RGBA buffer of shape (height, width, 4) as PNG bytes.

    Written out by hand because the general encoders spend most of their time
    choosing a filter per row; for plots, no filter and fast zlib is both
    quicker (about 2.5 ms for 840x390) and smaller.
    """
    pixels = np.asarray(buffer, dtype=np.uint8)
    height, width = pixels.shape[:2]
    rows = np.zeros((height, 1 + 4 * width), dtype=np.uint8)  # filter byte 0
    rows[:, 1:] = pixels.reshape(height, -1)

    def chunk(kind: bytes, data: bytes) -> bytes:
        checksum = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", checksum)

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows.tobytes(), compress_level))
        + chunk(b"IEND", b"")
    )


def compact_png(png: bytes) -> bytes:
    """Re-encode a PNG with a 256-colour palette: about 3x smaller for plots.

    For images that are stored (in a notebook, a static export), not for the
    live updates, where encoding speed matters more than size.
    """
    image = Image.open(io.BytesIO(png)).convert("RGB")
    palette = image.quantize(colors=256, method=Image.Quantize.FASTOCTREE)
    out = io.BytesIO()
    palette.save(out, format="PNG", optimize=True)
    return out.getvalue()


class LiveFigure:
    """A figure redrawn by blitting: a cached background plus moving artists.

    Parameters
    ----------
    width, height : float
        Size in inches.
    figure : matplotlib.figure.Figure, optional
        Draw on this figure instead of a new one.
    blit : bool
        With ``False`` every render draws the whole figure, as a naive
        explorer would; the benchmark uses it as the baseline.

    Notes
    -----
    Build the axes and artists on :attr:`figure`, register the ones that
    change with :meth:`animate`, and call :meth:`render` after each change.
    When anything else changes (limits, a new landscape), call
    :meth:`invalidate` so the background is rendered again.
    """

    def __init__(
        self,
        width: float = 7.0,
        height: float = 4.2,
        figure: Figure | None = None,
        blit: bool = True,
    ) -> None:
        self.figure = new_figure(width, height) if figure is None else figure
        self.blit = blit
        self._animated: list[Artist] = []
        self._background = None
        self._stale_axes: set[Axes] = set()
        self._extents: dict[Axes, Bbox] = {}
        self._messages: dict[Axes, Artist] = {}

    def animate(self, artist: Artist) -> Artist:
        """Mark ``artist`` as one that changes on updates; return it."""
        artist.set_animated(self.blit)
        self._animated.append(artist)
        return artist

    def invalidate(self, ax: Axes | None = None, relayout: bool = False) -> None:
        """Mark the background stale: the next render redraws it.

        Parameters
        ----------
        ax : Axes, optional
            Only this axes changed (its limits, its title): the next render
            redraws just its region, at a fraction of the cost of the whole.
        relayout : bool
            Place the axes afresh too (for tick labels or titles of another
            size), which costs about twice a plain full redraw.
        """
        if ax is None or relayout:
            self._background = None
        else:
            self._stale_axes.add(ax)
        if relayout:
            self.figure.set_layout_engine("constrained")

    def message_box(self, ax: Axes, loc: str = "upper center") -> Artist:
        """An (initially empty) message box in ``ax``, placed where data is not.

        ``loc`` is one of ``"upper center"``, ``"upper left"``, ``"upper right"``,
        ``"lower left"``, ``"lower right"``.
        """
        vertical, horizontal = loc.split()
        x = {"left": 0.03, "center": 0.5, "right": 0.97}[horizontal]
        y = 0.97 if vertical == "upper" else 0.03
        with house_style():
            text = ax.text(
                x,
                y,
                "",
                transform=ax.transAxes,
                ha=horizontal,
                va="top" if vertical == "upper" else "bottom",
                multialignment="left",
                fontsize=9.5,
                zorder=10,
                bbox={"boxstyle": "round,pad=0.4", **_MESSAGE_STYLE["info"]},
            )
        self._messages[ax] = self.animate(text)
        return text

    def fit_ylim(
        self, ax: Axes, low: float, high: float, symmetric: bool = False
    ) -> None:
        """Keep ``[low, high]`` in view on ``ax``, rescaling only when needed.

        The limits move (a full redraw) only when the data leaves them or
        shrinks to less than a quarter of them, and then to rounded values, so
        dragging a slider rarely rescales.
        """
        if symmetric:
            high = max(abs(low), abs(high))
            low = -high
        bottom, top = ax.get_ylim()
        span = max(high - low, 1e-12)
        fits = bottom <= low and high <= top
        if fits and span >= 0.25 * (top - bottom):
            return
        step = nice_ceiling(span) / 10
        margin = 0.15 * span
        bottom = np.floor((low - margin) / step) * step
        top = np.ceil((high + margin) / step) * step
        ax.set_ylim(-top if symmetric else bottom, top)
        self.invalidate(ax)

    def say(self, ax: Axes, text: str, kind: str = "info") -> None:
        """Show ``text`` in the message box of ``ax`` (empty text hides it)."""
        box = self._messages.get(ax) or self.message_box(ax)
        # Wrap to the axes' width (about 6.5 px per character at this size),
        # keeping the line breaks the text asks for.
        width = ax.get_position().width * self.figure.get_figwidth() * 100
        columns = max(20, int(width / 6.5))
        box.set_text(
            "\n".join(textwrap.fill(line, columns) for line in text.split("\n"))
        )
        box.set_visible(bool(text))
        box.get_bbox_patch().set(**_MESSAGE_STYLE[kind])

    def _redraw_axes(self, canvas: FigureCanvasAgg) -> None:
        """Repaint the stale axes' regions (ticks and titles included) in place."""
        renderer = canvas.get_renderer()
        for ax in self._stale_axes:
            _paint_over(self.figure, renderer, self._extents[ax])
            ax.draw(renderer)  # its animated artists are skipped, as in a full draw
        self._stale_axes.clear()
        self._background = canvas.copy_from_bbox(self.figure.bbox)

    def messages(self) -> list[str]:
        """The texts of the visible message boxes (what the learner reads)."""
        return [
            box.get_text().replace("\n", " ")
            for box in self._messages.values()
            if box.get_visible() and box.get_text()
        ]

    def render(self, compress_level: int = 1) -> bytes:
        """Draw what changed and return the whole figure as PNG bytes."""
        canvas = self.figure.canvas
        if not self.blit:
            canvas.draw()
            return rgba_to_png(canvas.buffer_rgba(), compress_level)
        if self._background is None:
            canvas.draw()  # animated artists are skipped by a full draw
            # Constrained layout has placed the axes; solving it again on every
            # later full draw would double the cost of a new background.
            self.figure.set_layout_engine("none")
            self._background = canvas.copy_from_bbox(self.figure.bbox)
            self._stale_axes.clear()
            # Each axes' region, ticks and titles included, with some room for
            # labels that grow a little: what a partial redraw paints over.
            # (Measured once: measuring again costs as much as drawing.)
            self._extents = {
                ax: ax.get_tightbbox(canvas.get_renderer()).padded(6)
                for ax in self.figure.axes
            }
        else:
            canvas.restore_region(self._background)
            if self._stale_axes:
                self._redraw_axes(canvas)
        for artist in self._animated:
            if artist.get_visible():
                self.figure.draw_artist(artist)
        return rgba_to_png(canvas.buffer_rgba(), compress_level)


def _paint_over(figure: Figure, renderer: Any, box: Bbox) -> None:
    patch = Rectangle(
        (box.x0, box.y0),
        box.width,
        box.height,
        transform=None,  # display pixels
        facecolor=figure.get_facecolor(),
        edgecolor="none",
    )
    patch.set_figure(figure)
    patch.draw(renderer)


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 5 times a power of ten that is at least ``value``."""
    if value <= 0:
        return 1.0
    power = 10.0 ** np.floor(np.log10(value))
    return float(next(m * power for m in (1, 2, 5, 10) if m * power >= value))


def step_axis_limit(steps: int) -> int:
    """A round upper limit (10, 20, 50, 100, ...) for an axis of ``steps`` steps."""
    return int(nice_ceiling(max(steps, 1)))


_CRITICAL_MARKERS = {
    "minimum": {"marker": "*", "s": 150, "label": "minimum"},
    "maximum": {"marker": "^", "s": 70, "label": "maximum"},
    "saddle": {"marker": "X", "s": 70, "label": "saddle"},
}


def draw_landscape(
    ax: Axes,
    landscape: Any,
    *,
    levels: int = 18,
    resolution: int = 160,
    critical_points: bool = True,
) -> list[Artist]:
    """Draw the filled contour map of a landscape on ``ax``; return the artists.

    Levels are quantiles of the values over the window, so surfaces whose
    values span many orders of magnitude (Rosenbrock) still show their
    valleys. The aspect ratio is 1, so right angles look right: the gradient
    must *look* perpendicular to the level sets.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    landscape : calclearn.landscapes.Landscape
    levels : int
        Number of contour levels.
    resolution : int
        Grid points per axis.
    critical_points : bool
        Mark the landscape's minima, maxima and saddles.
    """
    (x0, x1), (y0, y1) = landscape.window
    xs, ys = np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution)
    grid = np.stack(np.meshgrid(xs, ys), axis=-1)
    values = landscape.value(grid)
    bounds = np.unique(np.quantile(values, np.linspace(0, 1, levels + 1) ** 1.5))
    with house_style():
        artists: list[Artist] = [
            ax.contourf(xs, ys, values, bounds, cmap="Blues_r", alpha=0.85),
            ax.contour(xs, ys, values, bounds, colors="white", linewidths=0.6),
        ]
        if critical_points:
            for point in landscape.critical_points:
                style = _CRITICAL_MARKERS[point.kind]
                artists.append(
                    ax.scatter(
                        *point.point,
                        marker=style["marker"],
                        s=style["s"],
                        color="#f5c518",
                        edgecolor="black",
                        linewidths=0.7,
                        zorder=6,
                    )
                )
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal", adjustable="box")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.grid(False)
    return artists


def surface_figure(landscape: Any, resolution: int = 80) -> Figure:
    """A landscape twice: as a surface in 3-D and as a contour map from above.

    Returns
    -------
    matplotlib.figure.Figure
    """
    figure = new_figure(9.0, 4.0)
    surface_ax = figure.add_subplot(1, 2, 1, projection="3d")
    map_ax = figure.add_subplot(1, 2, 2)
    (x0, x1), (y0, y1) = landscape.window
    xs, ys = np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution)
    grid = np.stack(np.meshgrid(xs, ys), axis=-1)
    values = landscape.value(grid)
    with house_style():
        surface_ax.plot_surface(
            grid[..., 0], grid[..., 1], values, cmap="Blues_r", linewidth=0
        )
    surface_ax.set_xlabel("x")
    surface_ax.set_ylabel("y")
    surface_ax.set_zlabel("f(x, y)")
    surface_ax.set_title("the surface z = f(x, y)")
    draw_landscape(map_ax, landscape, critical_points=False)
    map_ax.set_title("the contour map: the surface seen from above")
    figure.suptitle(f"${landscape.latex}$")
    return figure


def gradient_field_figure(landscape: Any, arrows: int = 15) -> Figure:
    r"""Contours of ``landscape`` with the gradient direction drawn on a grid.

    Each arrow is :math:`\nabla f / \|\nabla f\|`: unit length, so the
    direction is readable everywhere, and colour-coded by
    :math:`\|\nabla f\|` on a log scale.

    Returns
    -------
    matplotlib.figure.Figure
    """
    figure = new_figure(6.2, 5.2)
    ax = figure.add_subplot()
    draw_landscape(ax, landscape)
    (x0, x1), (y0, y1) = landscape.window
    xs, ys = np.linspace(x0, x1, arrows), np.linspace(y0, y1, arrows)
    grid = np.stack(np.meshgrid(xs, ys), axis=-1)
    gradient = landscape.gradient(grid)
    norm = np.linalg.norm(gradient, axis=-1)
    unit = gradient / np.where(norm > 0, norm, 1.0)[..., None]
    with house_style():
        field = ax.quiver(
            grid[..., 0],
            grid[..., 1],
            unit[..., 0],
            unit[..., 1],
            np.log10(np.maximum(norm, 1e-12)),
            cmap="RdPu",
            angles="xy",
            pivot="mid",
            width=0.004,
        )
        figure.colorbar(field, ax=ax, label="log₁₀ |∇f|", shrink=0.8)
    ax.set_title(f"${landscape.latex}$: ∇f points uphill, across the contours")
    return figure


def plotted_arrays(figure: Figure) -> Iterable[tuple[Artist, np.ndarray]]:
    """Every visible line's and scatter's data in ``figure``, for sanity checks."""
    for ax in figure.axes:
        for line in ax.get_lines():
            if line.get_visible():
                yield line, np.asarray(line.get_xydata(), dtype=float)
        for collection in ax.collections:
            if collection.get_visible() and hasattr(collection, "get_offsets"):
                yield collection, np.asarray(collection.get_offsets(), dtype=float)


def _register_png_formatter() -> None:
    """Let a bare :class:`~matplotlib.figure.Figure` display as PNG in Jupyter.

    Our static plots return figures made without pyplot; this teaches IPython
    to show them, without pulling in pyplot's global state.
    """
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with Jupyter
        return
    shell = get_ipython()
    if shell is None:
        return
    formatter = shell.display_formatter.formatters["image/png"]
    formatter.for_type(Figure, lambda figure: compact_png(figure_to_png(figure)))


_register_png_formatter()
