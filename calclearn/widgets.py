"""The explorer framework: controls plus one figure, updated in place.

An :class:`Explorer` owns a few ipywidgets controls and one
:class:`~calclearn.plots.LiveFigure`. Every change of a control calls
:meth:`Explorer.refresh`, which redraws only what moved and puts the PNG in an
``ipywidgets.Image``. The callback prints nothing and displays nothing, so
notebooks stay reproducible under ``nbval``, and an exception inside it becomes
a message in the figure rather than a traceback or a blank plot.

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
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from calclearn.plots import LiveFigure, compact_png

_CONTROL_LAYOUT = {"width": "340px"}
_STYLE = {"description_width": "120px"}


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
    readout_format: str = ".2e",
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
        For a dropdown every option; for a slider ``[min, max, default]``
        followed by ``n_random`` uniform draws (log-uniform for a log slider).
    """
    if isinstance(control, widgets.Dropdown):
        return [value for _, value in control._options_full]
    if isinstance(control, widgets.FloatLogSlider):
        low, high = control.base**control.min, control.base**control.max
        draws = control.base ** rng.uniform(control.min, control.max, n_random)
        return [low, high, control.value, *map(float, draws)]
    if isinstance(control, widgets.IntSlider):
        draws = rng.integers(control.min, control.max, n_random, endpoint=True)
        return [control.min, control.max, control.value, *map(int, draws)]
    if isinstance(control, widgets.FloatSlider):
        draws = rng.uniform(control.min, control.max, n_random)
        return [control.min, control.max, control.value, *map(float, draws)]
    raise TypeError(f"control must be a slider or a dropdown, got {type(control)}")


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
    last_error : Exception or None
        What went wrong in the last :meth:`draw`, shown in the figure.
    renders : int
        How many times the figure has been rendered.
    last_update_seconds : float
        Time of the last refresh, drawing and PNG encoding included.
    """

    caption: str = ""
    width: float = 7.0
    height: float = 4.2

    def __init__(self) -> None:
        self.controls: dict[str, widgets.ValueWidget] = self.make_controls()
        self.live = LiveFigure(self.width, self.height)
        self.build(self.live.figure)
        self.image = widgets.Image(
            format="png", layout={"width": f"{round(self.width * 100)}px"}
        )
        self.last_error: Exception | None = None
        self.renders = 0
        self.last_update_seconds = 0.0
        self._holding = False
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        parts: list[widgets.Widget] = []
        if self.caption:
            parts.append(widgets.HTML(f"<em>{self.caption}</em>"))
        self._controls_box = widgets.HBox(
            list(self.controls.values()), layout={"flex_flow": "row wrap"}
        )
        parts.append(self._controls_box)
        parts.append(self.image)
        self.widget = widgets.VBox(parts)
        self.refresh()

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
        """Set several controls at once and redraw once.

        Raises
        ------
        TypeError
            If a name is not one of :attr:`controls`.
        """
        unknown = set(values) - set(self.controls)
        if unknown:
            raise TypeError(
                f"{type(self).__name__} has no control named {sorted(unknown)}; "
                f"its controls are {list(self.controls)}"
            )
        with self._hold():
            for name, value in values.items():
                self.controls[name].value = value
        self.refresh()
        return self

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
        old.close()
        return new.value

    @contextmanager
    def _hold(self) -> Iterator[None]:
        self._holding = True
        try:
            yield
        finally:
            self._holding = False

    def _on_change(self, _change: dict) -> None:
        if not self._holding:
            self.refresh()

    def refresh(self) -> None:
        """Redraw for the current control values and show the new image."""
        start = time.perf_counter()
        try:
            self.draw(**self.values())
            self.last_error = None
        except Exception as exc:  # shown to the learner, kept for tests
            self.last_error = exc
            self.live.say(
                self.live.figure.axes[0],
                f"This setting cannot be drawn: {exc}",
                "error",
            )
        self.image.value = self.live.render()
        self.renders += 1
        self.last_update_seconds = time.perf_counter() - start

    def static_png(self) -> bytes:
        """A PNG of the current state, compact, for static viewers."""
        return compact_png(self.live.render())

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
        return f"{type(self).__name__}({settings})"
