"""Figures: one house style, fast redraws for explorers, and the static plots.

Explorers redraw on every slider step, so they cannot afford to rebuild a
figure each time (about 90 ms). :class:`LiveFigure` renders the unchanging part
of a figure once, keeps that bitmap, and per update only restores it and draws
the few artists that move (matplotlib's *blitting*), then encodes a
palette PNG. That takes a few milliseconds. An axes whose limits or content
change is redrawn alone, or restored from an earlier drawing of that state,
and text is drawn from a cache of rendered strings.
"""

from __future__ import annotations

import io
import math
import textwrap
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import matplotlib
import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import (
    FigureCanvasAgg,
    RendererAgg,
    get_hinting_flag,
)
from matplotlib.colors import LogNorm
from matplotlib.figure import Figure
from matplotlib.ft2font import RenderMode
from matplotlib.patches import Rectangle
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import Bbox
from PIL import Image

from calclearn._validation import require_choice, require_int, require_real_array
from calclearn.landscapes import as_landscape

#: The palette: one colour per role, used the same way in every chapter.
COLORS = {
    "function": "#1f3b73",
    "secant": "#e07a1f",
    "tangent": "#2a9d5c",
    "path": "#c0392b",
    "point": "#111111",
    # The zones of a learning rate: pale blue, yellow, salmon, in falling
    # lightness, so that they stay apart under every colour-vision deficiency
    # (tested by simulation); the strip labels its zones in words too.
    "stable": "#dbeaf7",
    "oscillating": "#fde7a3",
    "unstable": "#ee9a86",
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

#: Message boxes by kind: pale fills under dark text, edges that differ under
#: every colour-vision deficiency (tested); the words say the kind as well.
MESSAGE_STYLE = {
    "info": {"facecolor": "#eef4ff", "edgecolor": "#7d9bd1"},
    "warning": {"facecolor": "#fff4d6", "edgecolor": "#d9a400"},
    "error": {"facecolor": "#fde2e0", "edgecolor": "#c0392b"},
}


@contextmanager
def house_style() -> Iterator[None]:
    """Context in which new figures and artists take the course's style."""
    with matplotlib.rc_context(STYLE):
        yield


class _TextCache:
    """Rendered strings by what decides their pixels: text, font, angle.

    Shared by every figure of the process (tick labels, titles and axis
    labels repeat across figures), least recently used out first.
    """

    def __init__(self, capacity: int = 4096) -> None:
        self.capacity = capacity
        self._items: dict[tuple, tuple] = {}
        self._lock = threading.Lock()

    def get(self, key: tuple) -> tuple | None:
        with self._lock:
            item = self._items.pop(key, None)
            if item is not None:
                self._items[key] = item  # now the most recent
            return item

    def put(self, key: tuple, item: tuple) -> None:
        with self._lock:
            self._items[key] = item
            while len(self._items) > self.capacity:
                del self._items[next(iter(self._items))]


_TEXT_CACHE = _TextCache()


class _TextCachingRenderer(RendererAgg):
    """Matplotlib's Agg renderer, drawing each string from a cache of bitmaps.

    Agg renders every glyph of every string afresh (about 60 µs a glyph), so
    text is most of the cost of redrawing an axes: its tick labels, labels and
    title. Here a string is rasterised once, at a whole-pixel origin, into
    one coverage bitmap (its glyphs combined as successive blending would),
    and later drawn from it in one call. Text lands up to half a pixel from
    where matplotlib would put it, as before matplotlib 3.11; the result does
    not depend on whether the string was cached. TeX goes the usual way.
    """

    def draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):
        if ismath == "TeX" or not s:
            return super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)
        features = mtext.get_fontfeatures() if mtext is not None else None
        language = mtext.get_language() if mtext is not None else None
        antialiased = bool(gc.get_antialiased())
        key = (
            s,
            bool(ismath),
            tuple(prop.__dict__.values()),
            float(angle),
            antialiased,
            self.dpi,
            get_hinting_flag(),
            features if features is None else tuple(features),
            language
            if language is None or isinstance(language, str)
            else str(language),
        )
        cached = _TEXT_CACHE.get(key)
        if cached is None:
            if ismath:
                parse = self.mathtext_parser.parse(
                    s, self.dpi, prop, antialiased=antialiased
                )
                glyphs = [
                    (font, size, index, dx, dy)
                    for font, size, _char, index, dx, dy in parse.glyphs
                ]
                boxes = tuple(parse.rects)
            else:
                font = self._prepare_font(prop)
                size = prop.get_size_in_points()
                glyphs = [
                    (item.ft_object, size, item.glyph_index, item.x, item.y)
                    for item in font._layout(
                        s,
                        flags=get_hinting_flag(),
                        features=features,
                        language=language,
                    )
                ]
                boxes = ()
            cached = (_rasterise(glyphs, angle, self.dpi, antialiased), boxes)
            _TEXT_CACHE.put(key, cached)
        (coverage, left, top), boxes = cached
        # The origin on whole pixels; FreeType's y runs upwards.
        origin_x, origin_y = round(x), round(self.height - y)
        if coverage is not None:
            self._renderer.draw_text_image(
                coverage,
                origin_x + left,
                int(self.height) - (origin_y + top) + coverage.shape[0],
                0,
                gc,
            )
        if boxes:  # a fraction's bar, a root's line: drawn as usual
            self._draw_text_glyphs_and_boxes(
                gc, origin_x, self.height - origin_y, angle, (), boxes
            )


def _rasterise(glyphs, angle: float, dpi: float, antialiased: bool):
    """One coverage bitmap of ``glyphs`` laid out from the origin (0, 0).

    Returns ``(bitmap, left, top)``: the uint8 bitmap and the pixel position
    of its top-left corner relative to the origin (``top`` upwards), or
    ``(None, 0, 0)`` when nothing is inked.
    """
    cos, sin = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    rotation = (0x10000 * np.array([[cos, -sin], [sin, cos]])).round().astype(int)
    mode = RenderMode.NORMAL if antialiased else RenderMode.MONO
    pieces = []
    for font, size, index, dx, dy in glyphs:
        font.set_size(size, dpi)
        font._set_transform(
            rotation,
            [round(0x40 * (dx * cos - dy * sin)), round(0x40 * (dx * sin + dy * cos))],
        )
        bitmap = font._render_glyph(index, get_hinting_flag(), mode)
        buffer = np.array(bitmap.buffer, dtype=np.uint8)
        if not antialiased:
            buffer *= 0xFF
        if buffer.size:
            pieces.append((buffer, bitmap.left, bitmap.top))
    if not pieces:
        return None, 0, 0
    left = min(x for _, x, _ in pieces)
    right = max(x + b.shape[1] for b, x, _ in pieces)
    top = max(t for _, _, t in pieces)
    bottom = min(t - b.shape[0] for b, _, t in pieces)
    coverage = np.zeros((top - bottom, right - left), dtype=np.uint16)
    for buffer, x, t in pieces:
        region = coverage[
            top - t : top - t + buffer.shape[0], x - left : x - left + buffer.shape[1]
        ]
        # Two glyphs over one pixel cover it as blending one after the other.
        region += buffer - (region * buffer + 127) // 255
    return coverage.astype(np.uint8), left, top


class _TextCachingCanvas(FigureCanvasAgg):
    """The Agg canvas, with the text-caching renderer."""

    def get_renderer(self):
        width, height = self.get_width_height(physical=True)
        key = width, height, self.figure.dpi
        if self._lastKey != key:
            self.renderer = _TextCachingRenderer(width, height, self.figure.dpi)
            self._lastKey = key
        return self.renderer


def new_figure(width: float = 7.0, height: float = 4.2) -> Figure:
    """A figure with an Agg canvas and no pyplot state (nothing to close).

    The canvas draws text from a cache of rendered strings (see
    :class:`_TextCachingRenderer`).

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
    _TextCachingCanvas(figure)
    return figure


def figure_to_png(figure: Figure) -> bytes:
    """Render ``figure`` and return compact PNG bytes (see :func:`encode_png`)."""
    canvas = figure.canvas
    if not isinstance(canvas, FigureCanvasAgg):
        canvas = FigureCanvasAgg(figure)
    canvas.draw()
    return encode_png(canvas.buffer_rgba(), optimize=True)


def encode_png(buffer: Any, optimize: bool = False) -> bytes:
    """Encode an RGBA buffer of shape (height, width, 4) as a palette PNG.

    Plots hold few colours, so Pillow's fast octree quantizer maps them onto a
    palette of 256 without visible loss (text keeps its anti-aliasing in up
    to 256 shades), and one byte per pixel instead of four compresses about
    3x smaller than full-colour PNG, in about the same time. Lossless WebP
    was larger, lossy WebP blurs text, and static viewers need PNG anyway.

    Parameters
    ----------
    buffer : array_like of uint8, shape (height, width, 4)
        The pixels, e.g. ``canvas.buffer_rgba()``.
    optimize : bool
        Spend more time for a smaller file (for images that are stored: a
        notebook's static fallback). Live frames use the fast setting.

    Returns
    -------
    bytes
    """
    pixels = _rgba_pixels(buffer)
    return _save_png(_quantize(pixels), optimize)


#: A frame quantized with the palette of an earlier frame is kept when at
#: most 1 in 1000 sampled pixels moved by more than the first bound (per
#: channel) and none by more than the second; a fresh octree palette moves
#: 99.9 % of them by at most about 14, and a few rare colours by up to 43.
_PALETTE_TOLERANCE = 16
_PALETTE_WORST = 48


def _rgba_pixels(buffer: Any) -> np.ndarray:
    pixels = np.asarray(buffer, dtype=np.uint8)
    if pixels.ndim != 3 or pixels.shape[2] != 4:
        raise ValueError(
            f"buffer must have shape (height, width, 4), got {pixels.shape}"
        )
    return pixels


def _quantize(pixels: np.ndarray, palette: Image.Image | None = None) -> Image.Image:
    """The palette image of ``pixels``: with ``palette`` if given, else octree."""
    # Figures are opaque: no alpha, so no transparency chunk to carry.
    rgb = Image.fromarray(pixels).convert("RGB")
    if palette is not None:
        return rgb.quantize(palette=palette, dither=Image.Dither.NONE)
    return rgb.quantize(
        colors=256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE
    )


def _palette_fits(frame: Image.Image, pixels: np.ndarray) -> bool:
    """Whether ``frame`` shows ``pixels`` within the tolerance, on a sample.

    The sample is every k-th pixel in reading order, with k not dividing the
    width: it visits every row and, a few rows apart, every column, so that
    one-pixel lines (a box's edge, a tick) cross it whichever way they run.
    """
    width = pixels.shape[1]
    step = next(k for k in range(5, width + 2) if width % k)
    colours = np.asarray(frame.getpalette()[:768], dtype=np.int16).reshape(-1, 3)
    index = np.asarray(frame).reshape(-1)[::step]
    drawn = pixels.reshape(-1, 4)[::step]
    # Channel by channel: 3x faster than one reduction over an axis of 3.
    error = np.abs(colours[index, 0] - drawn[:, 0])
    for channel in (1, 2):
        moved_by = np.abs(colours[index, channel] - drawn[:, channel])
        np.maximum(error, moved_by, out=error)
    moved = np.count_nonzero(error > _PALETTE_TOLERANCE)
    return moved <= error.size // 1000 and int(error.max()) <= _PALETTE_WORST


def _save_png(frame: Image.Image, optimize: bool) -> bytes:
    out = io.BytesIO()
    if optimize:
        frame.save(out, format="PNG", optimize=True)
    else:
        # zlib level 3: about 6 % smaller than level 1 for 0.2 ms more.
        frame.save(out, format="PNG", compress_level=3)
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
    frame_messages : bool
        Whether :meth:`render` draws the message boxes into the frame. An
        :class:`~calclearn.widgets.Explorer` passes ``False``: it shows the
        messages as text beside the image (drawing a 200-character message
        costs matplotlib 6 to 30 ms a frame, more than all the rest), and
        draws them into its still images only (``render(messages=True)``).

    Notes
    -----
    Build the axes and artists on :attr:`figure`, register the ones that
    change with :meth:`animate`, and call :meth:`render` after each change.
    When anything else changes (a new landscape, a title), call
    :meth:`invalidate` so the background is rendered again; after limits
    change call :meth:`invalidate_limits` (or use :meth:`fit_ylim`,
    :meth:`fit_step_xlim`), which reuses the axes' earlier drawings.
    """

    #: Bytes of axes drawings kept for reuse (see :meth:`invalidate_limits`).
    snapshot_budget = 16 * 2**20

    def __init__(
        self,
        width: float = 7.0,
        height: float = 4.2,
        figure: Figure | None = None,
        blit: bool = True,
        frame_messages: bool = True,
    ) -> None:
        self.figure = new_figure(width, height) if figure is None else figure
        self.blit = blit
        self.frame_messages = frame_messages
        self._animated: list[Artist] = []
        self._background = None
        self._stale_axes: set[Axes] = set()
        self._extents: dict[Axes, Bbox] = {}
        self._messages: dict[Axes, Artist] = {}
        # What each box says, unwrapped, and its kind: for the text version.
        self._said: dict[Axes, tuple[str, str]] = {}
        # The palette of a recent frame: reused while it fits (0.7 ms), as
        # the octree quantizer costs about 8 ms a frame.
        self._palette: Image.Image | None = None
        # Drawings of single axes by state (see invalidate_limits), oldest
        # first, and what each axes shows (a key given to invalidate, or a
        # token of its own).
        self._snapshots: dict[tuple, tuple[Any, int]] = {}
        self._snapshot_bytes = 0
        self._content: dict[Axes, Any] = {}
        #: How many times the whole background has been drawn.
        self.backgrounds = 0
        self._views: dict[Axes, list[tuple[Any, Any]]] = {}  # see keep_views

    def animate(self, artist: Artist) -> Artist:
        """Mark ``artist`` as one that changes on updates; return it."""
        artist.set_animated(self.blit)
        self._animated.append(artist)
        return artist

    def invalidate(
        self, ax: Axes | None = None, relayout: bool = False, key: Any = None
    ) -> None:
        """Mark the background stale: the next render redraws it.

        Parameters
        ----------
        ax : Axes, optional
            Only this axes changed (its title, its static artists): the next
            render redraws just its region, at a fraction of the cost of the
            whole. (After a change of its limits only, call
            :meth:`invalidate_limits`.)
        relayout : bool
            Place the axes afresh too (for tick labels or titles of another
            size), which costs about twice a plain full redraw.
        key : hashable, optional
            What the axes shows now, in full: equal keys (with equal limits)
            promise equal drawings, so a drawing of this key made earlier is
            reused instead of drawn again (e.g. ``key=(curve, window)`` when a
            dropdown chose the curve). Without a key, earlier drawings are
            never reused.
        """
        if ax is None or relayout:
            self._background = None
        else:
            self._stale_axes.add(ax)
        if ax is not None:
            self._content[ax] = object() if key is None else ("key", key)
        if relayout:
            self.figure.set_layout_engine("constrained")

    def invalidate_limits(self, ax: Axes) -> None:
        """Mark ``ax`` stale after its limits (and nothing else) changed.

        Redraws that axes alone, or reuses its drawing at these limits when it
        has been drawn so before (dragging a slider back and forth revisits a
        few limits). Tick labels wider than the room the last layout left them
        ("125" after "4") would run into the neighbour: then the figure is
        laid out afresh (about 10x the cost of one axes).
        """
        self._stale_axes.add(ax)
        if self._snapshot_key(ax) in self._snapshots:
            return  # drawn at this layout before: its labels fit
        if not self._labels_fit(ax):
            self.invalidate(relayout=True)

    def _labels_fit(self, ax: Axes) -> bool:
        """Whether the y axis of ``ax`` (tick labels, label) fits its region."""
        region = self._extents.get(ax)
        if region is None or self._background is None:
            return True  # the next render lays the figure out anyway
        drawn = ax.yaxis.get_tightbbox(self.figure.canvas.get_renderer())
        return drawn is None or (region.x0 <= drawn.x0 and drawn.x1 <= region.x1)

    def keep_views(self, ax: Axes, views: Iterable[tuple[Any, Any]]) -> None:
        """Draw ``ax`` at each of ``views`` ahead, after each whole redraw.

        ``views`` are ``(xlim, ylim)`` pairs (``None`` keeps that axis's
        current limits): the few limits a slider can lead to, e.g.
        ``[((0, n), None) for n in (10, 20, 50, 100)]`` for
        :meth:`fit_step_xlim`. Moving to one of them later restores its
        drawing (about 1 ms) instead of drawing it (20 to 40 ms), at the cost
        of drawing them all once when the explorer is built.
        """
        self._views[ax] = list(views)

    def _draw_views(self, canvas: FigureCanvasAgg) -> None:
        """Keep drawings of the views asked for by :meth:`keep_views`."""
        renderer = canvas.get_renderer()
        for ax, views in self._views.items():
            shown = ax.get_xlim(), ax.get_ylim()
            for xlim, ylim in views:
                ax.set_xlim(shown[0] if xlim is None else xlim)
                ax.set_ylim(shown[1] if ylim is None else ylim)
                drawn = self._snapshot_key(ax) in self._snapshots
                if drawn or not self._labels_fit(ax):
                    continue  # or it needs a layout of its own
                _paint_over(self.figure, renderer, self._extents[ax])
                ax.draw(renderer)
                self._store_snapshot(canvas, ax)
            ax.set_xlim(shown[0])
            ax.set_ylim(shown[1])
        if self._views:
            canvas.restore_region(self._background)

    def _snapshot_key(self, ax: Axes) -> tuple:
        """What decides the drawing of ``ax``: its content and its view."""
        return (
            id(ax),
            self._content.setdefault(ax, object()),
            tuple(ax.get_xlim()),
            tuple(ax.get_ylim()),
            ax.get_xscale(),
            ax.get_yscale(),
        )

    def _store_snapshot(self, canvas: FigureCanvasAgg, ax: Axes) -> None:
        """Keep the drawing of ``ax`` (its region, without animated artists)."""
        box = Bbox.intersection(self._extents[ax], self.figure.bbox)
        if box is None:
            return
        size = 4 * int(box.width + 2) * int(box.height + 2)
        self._snapshots[self._snapshot_key(ax)] = (canvas.copy_from_bbox(box), size)
        self._snapshot_bytes += size
        while self._snapshot_bytes > self.snapshot_budget and len(self._snapshots) > 1:
            oldest = next(iter(self._snapshots))
            self._snapshot_bytes -= self._snapshots.pop(oldest)[1]

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
                bbox={"boxstyle": "round,pad=0.4", **MESSAGE_STYLE["info"]},
            )
        self._messages[ax] = self.animate(text)
        return text

    def fit_ylim(
        self, ax: Axes, low: float, high: float, symmetric: bool = False
    ) -> None:
        """Keep ``[low, high]`` in view on ``ax``, rescaling only when needed.

        The limits move (a redraw of ``ax``) only when the data leaves them or
        shrinks to less than a quarter of them, and then to coarsely rounded
        values (multiples of a quarter of a 1-2-5 span), so that dragging a
        slider rarely rescales and mostly revisits limits drawn before.
        """
        if symmetric:
            high = max(abs(low), abs(high))
            low = -high
        bottom, top = ax.get_ylim()
        span = max(high - low, 1e-12)
        fits = bottom <= low and high <= top
        if fits and span >= 0.25 * (top - bottom):
            return
        step = nice_ceiling(span) / 4
        margin = 0.1 * span
        bottom = np.floor((low - margin) / step) * step
        top = np.ceil((high + margin) / step) * step
        ax.set_ylim(-top if symmetric else bottom, top)
        self.invalidate_limits(ax)

    def fit_step_xlim(self, ax: Axes, steps: int) -> None:
        """Show steps 0 to ``steps`` on ``ax``'s x axis, rescaling only when needed.

        The upper limit is a round number (:func:`step_axis_limit`); it grows
        as soon as the steps pass it, but shrinks only once they fill less
        than a fifth of it, so dragging a slider rarely redraws the axes.
        """
        needed = step_axis_limit(steps)
        start, end = ax.get_xlim()
        if start == 0 and needed <= end < 5 * needed:
            return
        ax.set_xlim(0, needed)
        self.invalidate_limits(ax)

    def say(self, ax: Axes, text: str, kind: str = "info") -> None:
        """Show ``text`` in the message box of ``ax`` (empty text hides it)."""
        box = self._messages.get(ax) or self.message_box(ax)
        # Wrap to the axes' width (about 6.5 px per character at this size),
        # keeping the line breaks the text asks for.
        width = ax.get_position().width * self.figure.get_figwidth() * 100
        columns = max(20, int(width / 6.5))
        if self._said.get(ax) != (text, kind):
            box.set_text(
                "\n".join(textwrap.fill(line, columns) for line in text.split("\n"))
            )
            box.get_bbox_patch().set(**MESSAGE_STYLE[kind])
            self._said[ax] = (text, kind)
        box.set_visible(bool(text))

    def hide_messages(self) -> None:
        """Hide every message box (the next :meth:`say` shows its own again)."""
        for box in self._messages.values():
            box.set_visible(False)

    def alert(self, text: str, kind: str = "error") -> None:
        """Show ``text`` alone: in the first message box, every other one hidden.

        For what overrides the explorer's own messages (a refused value, a
        drawing that failed), so that no earlier message stays beside it.
        """
        first = next(iter(self._messages), None)
        self.hide_messages()
        self.say(first if first is not None else self.figure.axes[0], text, kind)

    @contextmanager
    def messages_only(self) -> Iterator[None]:
        """Inside, the animated artists but the message boxes are hidden.

        For a render after one of them could not be drawn (a failing artist
        would make every render fail); they are shown again on leaving.
        """
        boxes = set(self._messages.values())
        hidden = [a for a in self._animated if a not in boxes and a.get_visible()]
        for artist in hidden:
            artist.set_visible(False)
        try:
            yield
        finally:
            for artist in hidden:
                artist.set_visible(True)

    def _redraw_axes(self, canvas: FigureCanvasAgg) -> None:
        """Repaint the stale axes' regions (ticks and titles included) in place,
        from an earlier drawing of the same state when there is one."""
        renderer = canvas.get_renderer()
        for ax in self._stale_axes:
            snapshot = self._snapshots.pop(self._snapshot_key(ax), None)
            if snapshot is not None:
                self._snapshots[self._snapshot_key(ax)] = snapshot  # most recent
                canvas.restore_region(snapshot[0])
                continue
            _paint_over(self.figure, renderer, self._extents[ax])
            ax.draw(renderer)  # its animated artists are skipped, as in a full draw
            self._store_snapshot(canvas, ax)
        self._stale_axes.clear()
        self._background = canvas.copy_from_bbox(self.figure.bbox)

    def messages(self) -> list[str]:
        """The texts of the visible message boxes (what the learner reads)."""
        return [text.replace("\n", " ") for text, _ in self.message_items()]

    def message_items(self) -> list[tuple[str, str]]:
        """``(text, kind)`` of each visible message, line breaks kept, unwrapped."""
        return [
            self._said[ax]
            for ax, box in self._messages.items()
            if box.get_visible() and self._said.get(ax, ("", ""))[0]
        ]

    def render(self, optimize: bool = False, messages: bool | None = None) -> bytes:
        """Draw what changed and return the whole figure as PNG bytes.

        ``optimize``: a smaller, slower PNG (see :func:`encode_png`).
        ``messages``: draw the message boxes (default :attr:`frame_messages`).
        """
        canvas = self.figure.canvas
        messages = self.frame_messages if messages is None else messages
        if not self.blit:
            canvas.draw()
            return encode_png(canvas.buffer_rgba(), optimize)
        self.draw_frame(messages)
        return self._encode(canvas.buffer_rgba(), optimize)

    def draw_frame(self, messages: bool | None = None) -> None:
        """Draw what changed into the canvas, without encoding a PNG.

        For drawing a state ahead of need (its axes drawings are kept: see
        :meth:`invalidate_limits`); :meth:`render` is this plus the PNG.
        """
        canvas = self.figure.canvas
        messages = self.frame_messages if messages is None else messages
        if not self.blit:
            canvas.draw()
            return
        if self._background is None:
            self.backgrounds += 1
            self._palette = None  # new colours behind: a new palette
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
            # Drawings of another layout no longer fit; this one's do.
            self._snapshots.clear()
            self._snapshot_bytes = 0
            for ax in self.figure.axes:
                self._store_snapshot(canvas, ax)
            self._draw_views(canvas)
        else:
            canvas.restore_region(self._background)
            if self._stale_axes:
                self._redraw_axes(canvas)
        boxes = () if messages else self._messages.values()
        for artist in self._animated:
            if artist.get_visible() and artist not in boxes:
                self.figure.draw_artist(artist)

    def _encode(self, buffer: Any, optimize: bool) -> bytes:
        """:func:`encode_png`, reusing the last palette while it fits the frame."""
        pixels = _rgba_pixels(buffer)
        if optimize:
            return encode_png(pixels, optimize)
        frame = None
        if self._palette is not None:
            frame = _quantize(pixels, self._palette)
            if not _palette_fits(frame, pixels):
                frame = None
        if frame is None:
            frame = _quantize(pixels)
            self._palette = frame
        return _save_png(frame, optimize)

    def close(self) -> None:
        """Free the figure: its artists, the cached background, the canvas."""
        self._animated.clear()
        self._messages.clear()
        self._said.clear()
        self._extents.clear()
        self._snapshots.clear()
        self._snapshot_bytes = 0
        self._content.clear()
        self._views.clear()
        self._stale_axes.clear()
        self._background = None
        self._palette = None
        self.figure.clear()
        FigureCanvasAgg(self.figure)  # a fresh canvas drops the renderer's buffer


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


#: Contour scales :func:`contour_levels` knows.
CONTOUR_SCALES = ("auto", "linear", "log")

# Linear levels leave a valley floor blank when more than this share of the
# window lies in the lowest band; "auto" then spaces the levels in log f.
_BLANK_FLOOR_SHARE = 0.4


def contour_levels(
    values: Any, levels: int = 18, scale: str = "auto"
) -> tuple[np.ndarray, str]:
    r"""Contour levels a reader can read: evenly spaced in f, or in log f.

    Evenly spaced levels keep the hiking-map rule: where the lines crowd, the
    surface is steep. Some surfaces (Rosenbrock, Beale) rise by orders of
    magnitude from a long flat valley; evenly spaced levels would leave that
    valley one blank band. For them the levels are evenly spaced in
    :math:`\log_{10} f`: equal *ratios* of height, so crowding means a steep
    rise *relative to the height*.

    Parameters
    ----------
    values : array_like
        The function's values on a grid (finite).
    levels : int
        About how many levels (at least 2).
    scale : {"auto", "linear", "log"}
        ``"linear"``: round steps (1, 2, 2.5 or 5 times a power of ten) from
        the minimum to the maximum. ``"log"``: steps of 1/4, 1/3, 1/2 or 1
        decade from the 5 % quantile (rounded down to the step) to the
        maximum (lower values share the lowest colour); needs
        ``values >= 0``. ``"auto"``: ``"log"`` when the values are
        non-negative and linear levels would leave more than 40 % of the grid
        in the lowest band, else ``"linear"``.

    Returns
    -------
    (numpy.ndarray, str)
        The increasing levels, and the scale used (``"linear"`` or ``"log"``).

    Examples
    --------
    >>> import numpy as np
    >>> levels, scale = contour_levels(np.linspace(0, 90, 50), levels=9)
    >>> scale, levels.tolist()
    ('linear', [0.0, 10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0, 90.0])
    >>> levels, scale = contour_levels(10.0 ** np.linspace(-2, 4, 200), levels=6)
    >>> scale, np.log10(levels).round(6).tolist()
    ('log', [-2.0, -1.0, 0.0, 1.0, 2.0, 3.0, 4.0])
    """
    grid = require_real_array(values, "values").astype(np.float64).ravel()
    if grid.size < 2:
        raise ValueError(f"values must hold at least 2 numbers, got {grid.size}")
    count = require_int(levels, "levels", minimum=2)
    require_choice(scale, "scale", CONTOUR_SCALES)
    low, high = float(grid.min()), float(grid.max())
    if scale == "log" and low < 0:
        raise ValueError(
            f"scale='log' needs values >= 0, got a minimum of {low:.3g}; "
            "use scale='linear'"
        )
    if scale == "auto":
        floor_share = np.mean(grid < low + (high - low) / count) if high > low else 0
        scale = "log" if low >= 0 and floor_share > _BLANK_FLOOR_SHARE else "linear"
    if scale == "linear":
        if high == low:  # a flat map: one level below, one above
            return np.array([low - 1.0, low + 1.0]), "linear"
        locator = MaxNLocator(nbins=count, steps=[1, 2, 2.5, 5, 10])
        return np.asarray(locator.tick_values(low, high), dtype=float), "linear"
    positive = grid[grid > 0]
    if positive.size == 0:
        raise ValueError("scale='log' needs some values > 0, got none")
    bottom = np.log10(max(float(np.quantile(grid, 0.05)), float(positive.min())))
    top = np.log10(high)
    for per_decade in (4, 3, 2, 1):
        start = np.floor(bottom * per_decade) / per_decade
        stop = np.ceil(top * per_decade) / per_decade
        if (stop - start) * per_decade <= count:
            break
    exponents = np.arange(round((stop - start) * per_decade) + 1) / per_decade
    return 10.0 ** (start + exponents), "log"


def contour_map(
    ax: Axes,
    xs: Any,
    ys: Any,
    values: Any,
    *,
    levels: int = 18,
    scale: str = "auto",
    colorbar: bool = True,
    label: str = "f(x, y)",
) -> list[Any]:
    """Filled contours of ``values`` on the grid ``xs`` by ``ys``, darker is lower.

    The levels come from :func:`contour_levels`; contour lines are solid
    whatever their sign.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    xs, ys : array_like
        The grid's coordinates, shapes ``(nx,)`` and ``(ny,)``.
    values : array_like, shape (ny, nx)
        The function's values on the grid.
    levels, scale
        As in :func:`contour_levels`.
    colorbar : bool
        Add a colour bar labelled ``label`` (with ", log scale" for log levels).
    label : str
        What the colours measure.

    Returns
    -------
    list
        The artists drawn, the colour bar last if there is one; each has
        ``remove()``.
    """
    bounds, used = contour_levels(values, levels, scale)
    log = used == "log"
    with house_style():
        filled = ax.contourf(
            xs,
            ys,
            values,
            bounds,
            cmap="Blues_r",
            norm=LogNorm(bounds[0], bounds[-1]) if log else None,
            alpha=0.85,
            extend="min" if log else "neither",  # log levels start above min
        )
        lines = ax.contour(
            xs,
            ys,
            values,
            bounds,
            colors="white",
            linewidths=0.6,
            negative_linestyles="solid",
        )
        drawn: list[Any] = [filled, lines]
        if colorbar:
            suffix = ", log scale" if log else ""
            # In an inset beside the map, not an axes of the figure's own: it
            # follows the map's (equal-aspect) box, and explorers can redraw
            # it without asking the figure's layout engine for a colour bar.
            bar = ax.figure.colorbar(filled, cax=ax.inset_axes((1.04, 0, 0.05, 1)))
            bar.set_label(f"{label}{suffix}")
            if not log:
                bar.locator = MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10])
                bar.update_ticks()
            drawn.append(bar)
    return drawn


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
    scale: str = "auto",
    colorbar: bool = False,
) -> list[Any]:
    """Draw the filled contour map of a landscape on ``ax``; return the artists.

    Levels are evenly spaced in f, or in log f for surfaces that rise by
    orders of magnitude from a flat valley (Rosenbrock, Beale): see
    :func:`contour_levels`. The aspect ratio is 1, so right angles look
    right: the gradient must *look* perpendicular to the level sets.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    landscape : calclearn.landscapes.Landscape or str
        The surface, or its name in :data:`calclearn.LANDSCAPES`.
    levels : int
        About how many contour levels (see :func:`contour_levels`).
    resolution : int
        Grid points per axis.
    critical_points : bool
        Mark the landscape's minima, maxima and saddles.
    scale : {"auto", "linear", "log"}
        Spacing of the levels, as in :func:`contour_levels`.
    colorbar : bool
        Add a labelled colour bar beside the map.

    Returns
    -------
    list
        The artists drawn (contours, the colour bar if any, the markers); each
        has ``remove()``. Remove them in reverse order: the colour bar before
        the contours it describes.
    """
    landscape = as_landscape(landscape)
    (x0, x1), (y0, y1) = landscape.window
    xs, ys = np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution)
    grid = np.stack(np.meshgrid(xs, ys), axis=-1)
    values = landscape.value(grid)
    artists = contour_map(
        ax, xs, ys, values, levels=levels, scale=scale, colorbar=colorbar
    )
    with house_style():
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

    Parameters
    ----------
    landscape : calclearn.landscapes.Landscape or str
        The surface, or its name in :data:`calclearn.LANDSCAPES` ("Booth").
    resolution : int
        Grid points per axis of the surface, 2 to 1000.

    Returns
    -------
    matplotlib.figure.Figure
    """
    landscape = as_landscape(landscape)
    resolution = require_int(resolution, "resolution", minimum=2, maximum=1000)
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
    draw_landscape(map_ax, landscape, critical_points=False, colorbar=True)
    map_ax.set_title("the contour map: the surface seen from above")
    figure.suptitle(f"${landscape.latex}$")
    return figure


#: Warm colours for the gradient arrows on the blue contour maps.
_ARROW_COLORS = matplotlib.colors.ListedColormap(
    matplotlib.colormaps["YlOrRd"](np.linspace(0.4, 1.0, 256)), name="arrows"
)


def gradient_field_figure(landscape: Any, arrows: int = 15) -> Figure:
    r"""Contours of ``landscape`` with the gradient direction drawn on a grid.

    Each arrow is :math:`\nabla f / \|\nabla f\|`: unit length, so the
    direction is readable everywhere, and colour-coded by
    :math:`\|\nabla f\|` on a log scale (colour bar below the map), in warm
    colours with a white edge that stand out on every shade of the blue map
    (colour bar on the right: :math:`f`).

    Parameters
    ----------
    landscape : calclearn.landscapes.Landscape or str
        The surface, or its name in :data:`calclearn.LANDSCAPES` ("Booth").
    arrows : int
        Arrows per axis, 2 to 100.

    Returns
    -------
    matplotlib.figure.Figure
    """
    landscape = as_landscape(landscape)
    arrows = require_int(arrows, "arrows", minimum=2, maximum=100)
    figure = new_figure(6.4, 6.2)
    ax = figure.add_subplot()
    draw_landscape(ax, landscape, colorbar=True)
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
            # Orange to dark red: no blue, no white, so it contrasts with the
            # dark blue of minima as well as the pale blue of high ground.
            cmap=_ARROW_COLORS,
            angles="xy",
            pivot="mid",
            width=0.0055,
            edgecolor="white",
            linewidth=0.4,
            zorder=5,  # under the critical-point markers (zorder 6)
        )
        # A grid point on a critical point (∇f = 0) has no arrow: keep it from
        # stretching the colour scale down to the 1e-12 floor.
        moving = norm[norm > 0]
        if moving.size:
            field.set_clim(np.log10(moving.min()), np.log10(moving.max()))
        figure.colorbar(
            field,
            ax=ax,
            location="bottom",
            shrink=0.7,
            pad=0.02,
            label="arrow colour: log₁₀ ‖∇f‖ (every arrow has length 1)",
        )
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
    formatter.for_type(Figure, figure_to_png)


_register_png_formatter()
