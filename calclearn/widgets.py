"""The explorer framework: controls plus one figure, updated in place.

An :class:`Explorer` owns a few ipywidgets controls and one
:class:`~calclearn.plots.LiveFigure`. Every change of a control calls
:meth:`Explorer.refresh`, which redraws only what moved and puts the PNG in an
``ipywidgets.Image``. The callback prints nothing and displays nothing, so
notebooks stay reproducible under ``nbval``, and nothing a learner sets makes
it raise: a value that cannot be used (NaN, infinity, ``None``, an unknown
option) is refused with a message, a value outside a slider's range is moved
to its end with a note, and an exception inside the drawing becomes a message
rather than a traceback or a blank plot. Messages (``live.say``) are shown as
text right under the figure, in the colours of their kind, where a screen
reader announces them; the live frames leave them out (matplotlib takes
longer to draw a long message than everything else in a frame), and the
still images, below, draw them in the figure.

Where no widget can run (GitHub, nbviewer, an HTML or PDF export) the
explorer's display carries a PNG of its current state as well, which static
viewers show instead of the live widget.

Writing an explorer means three methods::

    class MyExplorer(Explorer):
        def make_controls(self):   # name -> ipywidgets control
            return {"lr": slider("learning rate", 0.1, 0.0, 1.0, 0.01)}

        def build(self, figure):   # axes and artists, once
            ax = figure.add_subplot()
            self.line = self.live.animate(ax.plot([], [])[0])

        def draw(self, lr):        # move the animated artists
            self.line.set_data(...)
"""

from __future__ import annotations

import base64
import html
import itertools
import math
import numbers
import threading
import time
import weakref
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from typing import Any

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from calclearn.plots import MESSAGE_STYLE, LiveFigure

_CONTROL_LAYOUT = {"width": "340px"}
_STYLE = {"description_width": "120px"}

#: The narrowest an explorer's figure is shown, as a share of its natural
#: width: text in the figures is 8.5 to 11 pt at 100 dpi (12 to 15 CSS px), so
#: at 90 % the smallest is still about 10.6 px. A narrower container scrolls
#: the figure sideways instead of shrinking its text out of reach.
MIN_FIGURE_SCALE = 0.9


def slider(
    description: str,
    value: float,
    minimum: float,
    maximum: float,
    step: float,
    readout_format: str = ".3g",
) -> widgets.FloatSlider:
    """A float slider in the course's layout."""
    return widgets.FloatSlider(
        value=value,
        min=minimum,
        max=maximum,
        step=step,
        description=description,
        readout_format=readout_format,
        layout=_CONTROL_LAYOUT,
        style=_STYLE,
    )


def log_slider(
    description: str,
    value: float,
    min_exponent: float,
    max_exponent: float,
    step: float = 0.05,
    readout_format: str = ".4g",
) -> widgets.FloatLogSlider:
    """A slider over ``10**min_exponent .. 10**max_exponent`` on a log scale."""
    control = widgets.FloatLogSlider(
        value=value,
        base=10,
        min=min_exponent,
        max=max_exponent,
        step=step,
        description=description,
        readout_format=readout_format,
        layout=_CONTROL_LAYOUT,
        style=_STYLE,
    )
    control.value = on_grid(control, value)
    return control


def on_grid(
    control: widgets.ValueWidget, value: float, origin: float | None = None
) -> float:
    """``value`` moved to the nearest position the slider can show.

    A value between two positions would be replaced by the browser's slider
    with its nearest position, a change that comes back as a second update.
    The positions are ``origin + k * step`` (default origin: the slider's min).
    """
    origin = control.min if origin is None else origin
    if isinstance(control, widgets.FloatLogSlider):
        exponent = np.log10(value) / np.log10(control.base)
        steps = round((exponent - origin) / control.step)
        return float(control.base ** (origin + steps * control.step))
    if isinstance(control, widgets.FloatSlider):
        steps = round((value - origin) / control.step)
        return round(origin + steps * control.step, 12)  # no 0.99000000002
    return value


def int_slider(
    description: str, value: int, minimum: int, maximum: int, step: int = 1
) -> widgets.IntSlider:
    """An integer slider in the course's layout."""
    return widgets.IntSlider(
        value=value,
        min=minimum,
        max=maximum,
        step=step,
        description=description,
        layout=_CONTROL_LAYOUT,
        style=_STYLE,
    )


def dropdown(description: str, options: Sequence[str], value: str) -> widgets.Dropdown:
    """A dropdown in the course's layout."""
    return widgets.Dropdown(
        options=options,
        value=value,
        description=description,
        layout=_CONTROL_LAYOUT,
        style=_STYLE,
    )


def option_values(control: widgets.Dropdown) -> list[Any]:
    """The values a dropdown can take, from its public ``options``.

    ``options`` holds labels (each its own value), ``(label, value)`` pairs,
    or a mapping of labels to values.
    """
    options = control.options
    if isinstance(options, Mapping):
        return list(options.values())
    return [
        option[1] if isinstance(option, tuple) and len(option) == 2 else option
        for option in options
    ]


def _slider_range(control: widgets.ValueWidget) -> tuple[float, float]:
    """The lowest and highest value of a slider (a log slider's are powers)."""
    if isinstance(control, widgets.FloatLogSlider):
        return control.base**control.min, control.base**control.max
    return control.min, control.max


def accept_value(
    control: widgets.ValueWidget, value: Any, name: str = "value"
) -> tuple[Any, str | None]:
    """Check ``value`` for ``control``: the value to set, and a note if moved.

    Parameters
    ----------
    control : ipywidgets control
        A slider (float, log or int) or a dropdown.
    value : object
        What was asked for.
    name : str
        The control's name, for the messages.

    Returns
    -------
    (object, str or None)
        The value to set and, when it had to be moved into the slider's range
        (the nearer end), a sentence saying so.

    Raises
    ------
    ValueError
        When ``value`` cannot be used at all: not a number (``None``, text,
        ``True``), not finite, not a whole number for an integer slider, or not
        one of a dropdown's options. The message names ``name`` and says why.

    Examples
    --------
    >>> x = slider("x", 0.0, -1.0, 1.0, 0.1)
    >>> accept_value(x, 0.5, "x")
    (0.5, None)
    >>> accept_value(x, 7, "x")
    (1.0, "x = 7 is outside the slider's range -1 to 1: set to 1")
    >>> accept_value(x, float("nan"), "x")
    Traceback (most recent call last):
    ...
    ValueError: x = nan is not a finite number
    """
    if isinstance(control, widgets.Dropdown):
        choices = option_values(control)
        if any(value is choice or _same(value, choice) for choice in choices):
            return value, None
        raise ValueError(f"{name} = {value!r} is not one of {choices}")
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} = {value!r} is not a number")
    if not math.isfinite(value):
        raise ValueError(f"{name} = {value!r} is not a finite number")
    if isinstance(control, widgets.IntSlider):
        if value != int(value):
            raise ValueError(f"{name} = {value!r} is not a whole number")
        value = int(value)
    else:
        value = float(value)
    low, high = _slider_range(control)
    if low <= value <= high:
        return value, None
    moved = min(max(value, low), high)
    return moved, (
        f"{name} = {value:.6g} is outside the slider's range {low:.6g} to "
        f"{high:.6g}: set to {moved:.6g}"
    )


def _same(value: Any, choice: Any) -> bool:
    """``value == choice`` as a plain bool, False where that is ambiguous."""
    try:
        return bool(value == choice)
    except (TypeError, ValueError):  # an array compared with a string, say
        return False


def sweep_values(
    control: widgets.ValueWidget, rng: np.random.Generator, n_random: int = 5
) -> list[Any]:
    """Values that exercise ``control``: its ends, its default, random picks.

    Parameters
    ----------
    control : ipywidgets control
        A slider (float, log or int) or a dropdown.
    rng : numpy.random.Generator
        Source of the random picks.
    n_random : int
        How many random values inside the range.

    Returns
    -------
    list
        For a dropdown every option's value; for a slider ``[min, max,
        default]`` followed by ``n_random`` uniform draws (log-uniform for a
        log slider).
    """
    if isinstance(control, widgets.Dropdown):
        return option_values(control)
    if isinstance(control, widgets.FloatLogSlider):
        low, high = _slider_range(control)
        draws = control.base ** rng.uniform(control.min, control.max, n_random)
        return [low, high, control.value, *map(float, draws)]
    if isinstance(control, widgets.IntSlider):
        draws = rng.integers(control.min, control.max, n_random, endpoint=True)
        return [control.min, control.max, control.value, *map(int, draws)]
    if isinstance(control, widgets.FloatSlider):
        draws = rng.uniform(control.min, control.max, n_random)
        return [control.min, control.max, control.value, *map(float, draws)]
    raise TypeError(f"control must be a slider or a dropdown, got {type(control)}")


class RejectedValues(ValueError):
    """Values :meth:`Explorer.update` (or a control change) did not apply.

    Attributes
    ----------
    reasons : dict of str to str
        By control name, why its value was refused.
    """

    def __init__(self, reasons: dict[str, str]) -> None:
        self.reasons = dict(reasons)
        super().__init__("; ".join(reasons.values()))


def _close_widget(widget: widgets.Widget) -> None:
    """Close ``widget`` and the layout and style widgets it owns."""
    for part in ("layout", "style"):
        owned = getattr(widget, part, None)
        if isinstance(owned, widgets.Widget):
            owned.close()
    widget.close()


def _kernel_cell() -> tuple[str, str] | None:
    """``(cell id, request id)`` of the notebook cell being run, if any.

    JupyterLab, Notebook 7 and VS Code send the cell's id with each execute
    request; a script, a test or a console has none (then ``None``).
    """
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with Jupyter
        return None
    kernel = getattr(get_ipython(), "kernel", None)
    if kernel is None:
        return None
    parent = kernel.get_parent() or {}
    cell = (parent.get("metadata") or {}).get("cellId")
    request = (parent.get("header") or {}).get("msg_id")
    return (str(cell), str(request)) if cell and request else None


class _CellRegistry:
    """The explorers each notebook cell built, so that a re-run can close them.

    Re-running a cell builds new explorers; the old ones would live on in
    ipywidgets' registry of widgets (about 5 MB each, with their figures).
    An explorer is known by its class, its cell and its place among the
    explorers of that class the cell built in one run (the second
    ``SecantExplorer()`` of a cell replaces only the second of the run before).
    Only weak references are held, and only inside a kernel that says which
    cell is running: in scripts and tests nothing is ever closed behind the
    caller's back.
    """

    def __init__(self) -> None:
        self._explorers: dict[tuple, weakref.ref] = {}
        self._request: str | None = None
        self._counts: dict[type, int] = {}
        self._lock = threading.Lock()

    def replace(self, explorer: Explorer, cell: tuple[str, str] | None) -> None:
        """Register ``explorer`` for ``cell``; close the one it replaces."""
        if cell is None:
            return
        cell_id, request = cell
        with self._lock:
            if request != self._request:
                self._request, self._counts = request, {}
            kind = type(explorer)
            self._counts[kind] = self._counts.get(kind, 0) + 1
            key = (kind.__module__, kind.__qualname__, cell_id, self._counts[kind])
            previous = self._explorers.get(key)
            self._explorers[key] = weakref.ref(explorer)
            # Drop the entries of explorers already gone.
            for stale in [k for k, ref in self._explorers.items() if ref() is None]:
                del self._explorers[stale]
        old = previous() if previous is not None else None
        if old is not None and old is not explorer:
            old.close()


_CELLS = _CellRegistry()


#: How a message reads out of a kind, for a screen reader and at a glance.
_MESSAGE_PREFIX = {"info": "", "warning": "⚠ ", "error": "✖ "}


def _message_markup(text: str, kind: str) -> str:
    """One message as a box in the figure's colours for ``kind``.

    Dark text on a pale fill, both set, so it reads (contrast above 10:1)
    in JupyterLab's light and dark themes alike; line breaks are kept.
    """
    style = MESSAGE_STYLE[kind]
    css = (
        f"background:{style['facecolor']};border:1px solid {style['edgecolor']};"
        f"border-left-width:5px;color:#1a1a1a;border-radius:4px;"
        "padding:3px 8px;margin:3px 0;white-space:pre-line;line-height:1.35;"
        "font-size:13px"
    )
    return (
        f'<div class="calclearn-message-{kind}" style="{css}">'
        f"{_MESSAGE_PREFIX[kind]}{html.escape(text)}</div>"
    )


class Explorer:
    """Base class of every explorer: controls plus one figure updated in place.

    Subclasses define :meth:`make_controls`, :meth:`build` and :meth:`draw`,
    and may set :attr:`caption` (a sentence of what to try), :attr:`width`
    and :attr:`height` (inches).

    Attributes
    ----------
    controls : dict of str to ipywidgets control
        The controls by name; set ``controls[name].value`` or call
        :meth:`update` to drive the explorer from code.
    live : LiveFigure
        The figure.
    image : ipywidgets.Image
        What the learner sees.
    message : ipywidgets.HTML
        The figure's messages as text, right under the figure, in a
        ``role="status"`` region that screen readers announce when it changes.
        The live frames do not draw them (:meth:`static_png` does).
        (``ipywidgets.Image`` has no alt text, and its ``tooltip`` breaks the
        view in ipywidgets 8.1: the image has no description to check.)
    last_error : Exception or None
        Why the last update was not drawn as asked: a :class:`RejectedValues`
        naming each value refused, or what went wrong in :meth:`draw`. Shown
        in the figure.
    notes : list of str
        What the last update adjusted (a value moved into a slider's range).
    renders : int
        How many times the figure has been rendered.
    last_update_seconds : float
        Time of the last refresh, drawing and PNG encoding included.

    Notes
    -----
    **Values never raise.** :meth:`update` and every control change accept
    any value without raising: a value that cannot be used is refused (the
    control keeps its value, the others given with it are applied) and the
    figure says which and why; a number outside a slider's range is set to
    the nearer end, with a note. (A control's own checks still apply when its
    ``value`` is assigned directly: an ``IntSlider`` refuses ``None`` with a
    ``TraitError`` before the explorer sees it. :meth:`update` checks first.)

    **Lifetime.** :meth:`close` frees the widgets and the figure. Inside a
    notebook, re-running the cell that built an explorer closes the explorer
    the re-run replaces (see :class:`_CellRegistry`).

    **Threads.** Updates are serialised by a lock: two threads may drive one
    explorer (matplotlib's renderer must never run twice at once on one
    figure).
    """

    caption: str = ""
    width: float = 7.0
    height: float = 4.2
    #: Dropdowns whose options (every combination of them) are drawn ahead,
    #: whenever the whole figure has been drawn afresh: choosing one later
    #: restores its axes from the drawings kept (about 1 ms) instead of
    #: drawing them (30 to 80 ms). Only for dropdowns whose drawing changes
    #: single axes with :meth:`LiveFigure.invalidate` and a ``key`` (or their
    #: limits) and touches no control (no :meth:`set_range`).
    prerender: tuple[str, ...] = ()

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._holding = False
        self._closed = False
        self.controls: dict[str, widgets.ValueWidget] = self.make_controls()
        # Messages are shown as text under the image, not drawn in each frame.
        self.live = LiveFigure(self.width, self.height, frame_messages=False)
        self.build(self.live.figure)
        natural = round(self.width * self.live.figure.dpi)
        self.image = widgets.Image(
            format="png",
            layout={
                "width": "100%",
                "max_width": f"{natural}px",
                "min_width": f"{round(MIN_FIGURE_SCALE * natural)}px",
                "height": "auto",
            },
        )
        self.message = widgets.HTML(layout={"max_width": f"{natural}px"})
        self.last_error: Exception | None = None
        self.notes: list[str] = []
        self.renders = 0
        self.last_update_seconds = 0.0
        self._prerendered = -1  # live.backgrounds at the last prerendering
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        parts: list[widgets.Widget] = []
        if self.caption:
            parts.append(widgets.HTML(f"<em>{html.escape(self.caption)}</em>"))
        self._controls_box = widgets.HBox(
            list(self.controls.values()), layout={"flex_flow": "row wrap"}
        )
        parts += [self._controls_box, self.image, self.message]
        # Controls wrap into a column in a narrow window; the figure scrolls
        # sideways rather than shrink below MIN_FIGURE_SCALE.
        self.widget = widgets.VBox(parts, layout={"overflow": "auto hidden"})
        self.refresh()
        _CELLS.replace(self, _kernel_cell())

    # -- to be defined by each explorer -------------------------------------
    def make_controls(self) -> dict[str, widgets.ValueWidget]:
        """Create the controls, by name (the names are :meth:`draw`'s arguments)."""
        raise NotImplementedError

    def build(self, figure: Figure) -> None:
        """Create axes and artists on ``figure``; animate the moving ones."""
        raise NotImplementedError

    def draw(self, **values: Any) -> None:
        """Update the artists for the control values given."""
        raise NotImplementedError

    # -- the machinery ------------------------------------------------------
    def values(self) -> dict[str, Any]:
        """The current value of every control, by name."""
        return {name: control.value for name, control in self.controls.items()}

    def update(self, **values: Any) -> Explorer:
        """Set several controls at once and redraw once; never raises for a value.

        Choices (dropdowns) are applied first, so that a new choice can give
        the sliders their new ranges (another landscape, another window)
        before the slider values given with it are applied, moved into those
        ranges with a note if needed. A value that cannot be used is refused:
        its control keeps its value, the other values are applied, and the
        figure and :attr:`last_error` (a :class:`RejectedValues`) say which
        and why.

        Raises
        ------
        TypeError
            If a name is not one of :attr:`controls` (a mistake in the code,
            not a value).
        RuntimeError
            If the explorer was closed.
        """
        unknown = set(values) - set(self.controls)
        if unknown:
            raise TypeError(
                f"{type(self).__name__} has no control named {sorted(unknown)}; "
                f"its controls are {list(self.controls)}"
            )
        with self._lock:
            self._require_open()
            rejected: dict[str, str] = {}
            notes: list[str] = []
            choices = {
                name: value
                for name, value in values.items()
                if isinstance(self.controls[name], widgets.Dropdown)
            }
            rest = {
                name: value for name, value in values.items() if name not in choices
            }
            if self._apply(choices, rejected, notes) and rest:
                # Let draw() re-range the sliders for the new choice first.
                # An exception here is dropped: the redraw below meets it again.
                with self._hold(), suppress(Exception):
                    self.draw(**self.values())
            self._apply(rest, rejected, notes)
            self._refresh(rejected, notes)
        return self

    def _apply(
        self, values: dict[str, Any], rejected: dict[str, str], notes: list[str]
    ) -> bool:
        """Set the acceptable ``values`` without a redraw; whether any changed."""
        changed = False
        with self._hold():
            for name, value in values.items():
                control = self.controls[name]  # read now: draw() may replace it
                try:
                    value, note = accept_value(control, value, name)
                except ValueError as exc:
                    rejected[name] = f"{exc}; {name} stays {control.value!r}"
                    continue
                if note:
                    notes.append(note)
                changed |= not _same(control.value, value)
                control.value = value
        return changed

    def set_range(self, name: str, minimum: float, maximum: float, value: Any) -> Any:
        """Give slider ``name`` a new range and value, without a redraw.

        For :meth:`draw` to call when a choice (another landscape, say) changes
        which values make sense. Returns the value the slider took.

        The slider is replaced by a new one rather than changed: the browser's
        slider answers a change of its range by sending its old position back,
        which would undo the new value.
        """
        old = self.controls[name]
        low, high = minimum, maximum
        if isinstance(old, widgets.FloatLogSlider):  # its range is in exponents
            low, high = old.base**minimum, old.base**maximum
        new = type(old)(
            value=on_grid(old, min(max(value, low), high), origin=minimum),
            min=minimum,
            max=maximum,
            step=old.step,
            description=old.description,
            readout_format=old.readout_format,
            layout=old.layout,
            style=old.style,
        )
        old.unobserve(self._on_change, names="value")
        new.observe(self._on_change, names="value")
        self.controls[name] = new
        self._controls_box.children = tuple(
            new if child is old else child for child in self._controls_box.children
        )
        old.close()  # not its layout and style: the new slider has them
        return new.value

    @contextmanager
    def _hold(self) -> Iterator[None]:
        """Control changes inside do not redraw (the caller redraws once)."""
        held, self._holding = self._holding, True
        try:
            yield
        finally:
            self._holding = held

    def _on_change(self, change: dict) -> None:
        with self._lock:
            if self._holding or self._closed:
                return
            control = change["owner"]
            name = next((n for n, c in self.controls.items() if c is control), None)
            if name is None:  # a slider set_range has just replaced
                return
            rejected: dict[str, str] = {}
            notes: list[str] = []
            try:
                value, note = accept_value(control, change["new"], name)
            except ValueError as exc:
                rejected[name] = f"{exc}; {name} stays {change['old']!r}"
                value, note = change["old"], None
            if note:
                notes.append(note)
            if not _same(value, change["new"]):
                with self._hold():
                    control.value = value
            self._refresh(rejected, notes)

    def refresh(self) -> None:
        """Redraw for the current control values and show the new image."""
        with self._lock:
            self._require_open()
            self._refresh({}, [])

    def _refresh(self, rejected: dict[str, str], notes: list[str]) -> None:
        start = time.perf_counter()
        live = self.live
        live.hide_messages()  # draw() says what holds now
        error: Exception | None = None
        try:
            self.draw(**self.values())
        except Exception as exc:  # shown to the learner, kept for tests
            error = exc
        self.notes = list(notes)
        self.last_error = RejectedValues(rejected) if rejected else error
        problems = [f"Not applied: {reason}." for reason in rejected.values()]
        if error is not None:
            problems.append(f"This setting cannot be drawn: {error}")
        if problems:
            live.alert(" ".join(problems), "error")
        elif notes:
            live.alert(". ".join(notes) + ".", "warning")
        try:
            png = live.render()
        except Exception as exc:  # an artist that cannot be drawn at all
            self.last_error = self.last_error or exc
            with live.messages_only():
                live.alert(f"This setting cannot be drawn: {exc}", "error")
                png = live.render()
        self.image.value = png
        self._show_message(live.message_items())
        self.renders += 1
        if live.backgrounds != self._prerendered and self.last_error is None:
            self._prerender()
        self.last_update_seconds = time.perf_counter() - start

    def _prerender(self) -> None:
        """Draw the other options of the :attr:`prerender` dropdowns ahead.

        Each is drawn into the canvas only (no PNG, no control touched), so
        that its axes' drawings are kept; then the current values are drawn
        again, which restores the canvas from those drawings.
        """
        self._prerendered = self.live.backgrounds
        names = [n for n in self.prerender if n in self.controls]
        if not names:
            return
        current = self.values()
        # Limits fitted with hysteresis depend on the limits before: restored
        # below, so that drawing the current values again gives the same.
        axes = self.live.figure.axes
        limits = [(ax, ax.get_xlim(), ax.get_ylim()) for ax in axes]
        choices = itertools.product(*(option_values(self.controls[n]) for n in names))
        for choice in choices:
            trial = {**current, **dict(zip(names, choice, strict=True))}
            if all(_same(trial[n], current[n]) for n in names):
                continue
            with suppress(Exception):  # an option that fails fails when chosen
                self.live.hide_messages()
                self.draw(**trial)
                self.live.draw_frame()
        for ax, xlim, ylim in limits:
            if (ax.get_xlim(), ax.get_ylim()) != (xlim, ylim):
                ax.set_xlim(xlim)
                ax.set_ylim(ylim)
                self.live.invalidate_limits(ax)
        self.live.hide_messages()
        try:
            self.draw(**current)  # drew without an error just before
            self.live.draw_frame()
        except Exception:  # pragma: no cover - draw() is deterministic
            self.live.invalidate()  # the next render draws everything afresh
        self._prerendered = self.live.backgrounds

    def _show_message(self, items: list[tuple[str, str]]) -> None:
        """The figure's messages as text under it (sent only when changed)."""
        markup = (
            '<div role="status" aria-live="polite" class="calclearn-message">'
            + "".join(_message_markup(text, kind) for text, kind in items)
            + "</div>"
        )
        if self.message.value != markup:
            self.message.value = markup

    def _require_open(self) -> None:
        if self._closed:
            raise RuntimeError(
                f"this {type(self).__name__} was closed (a re-run of its cell "
                "replaced it?): build a new one"
            )

    def close(self) -> None:
        """Close the widgets and free the figure; the explorer is then unusable.

        Called for the explorer a re-run of its cell replaces. Closing twice
        is harmless.
        """
        with self._lock:
            if self._closed:
                return
            self._closed = True
            for control in self.controls.values():
                control.unobserve(self._on_change, names="value")
            for widget in (
                *self.controls.values(),
                self.image,
                self.message,
                *self.widget.children,
                self._controls_box,
                self.widget,
            ):
                _close_widget(widget)
            self.live.close()

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
        return self._closed

    def static_png(self) -> bytes:
        """A PNG of the current state, compact, for static viewers."""
        with self._lock:
            self._require_open()
            return self.live.render(optimize=True, messages=True)

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        png = self.static_png()
        bundle = self.widget._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = repr(self)
        bundle["image/png"] = base64.b64encode(png).decode("ascii")
        return bundle

    def __repr__(self) -> str:
        settings = ", ".join(
            f"{name}={value:.4g}" if isinstance(value, float) else f"{name}={value!r}"
            for name, value in self.values().items()
        )
        closed = ", closed" if self._closed else ""
        return f"{type(self).__name__}({settings}{closed})"
