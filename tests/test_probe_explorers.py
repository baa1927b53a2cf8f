"""Explorers probed as a careless or curious user would: values never raise.

One row per (explorer, control, value) for every explorer in
``calclearn.EXPLORERS``: NaN, ±infinity, ``None``, text, ``True``, values
outside a slider's range, unknown options, set through ``update()`` and
directly on the control. Each must leave the explorer consistent (the figure
drawn for the values its controls hold), with one message in the figure that
names the value refused or moved, and the same text under the figure for
screen readers. Issue 8, section 1.
"""

from __future__ import annotations

import html
import math

import ipywidgets as widgets
import numpy as np
import pytest

from calclearn import EXPLORERS, LANDSCAPES, GradientDescentExplorer, SecantExplorer
from calclearn.plots import plotted_arrays
from calclearn.widgets import RejectedValues

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
NAN, INF = math.nan, math.inf

#: Values no control can use, by what they are.
UNUSABLE = {
    "nan": NAN,
    "+inf": INF,
    "-inf": -INF,
    "None": None,
    "text": "0.5",
    "bool": True,
    "array": np.array([0.1, 0.2]),
}


def _controls(explorer_class) -> dict[str, widgets.ValueWidget]:
    explorer = explorer_class()
    controls = dict(explorer.controls)
    explorer.close()
    return controls


CONTROLS = {cls: _controls(cls) for cls in EXPLORERS}
SLIDERS = [
    (cls, name)
    for cls, controls in CONTROLS.items()
    for name, control in controls.items()
    if not isinstance(control, widgets.Dropdown)
]
CHOICES = [
    (cls, name)
    for cls, controls in CONTROLS.items()
    for name, control in controls.items()
    if isinstance(control, widgets.Dropdown)
]


def _id(value) -> str:
    return value.__name__ if isinstance(value, type) else str(value)


@pytest.fixture(scope="module")
def explorers():
    """One explorer per class for the module, put back to its defaults per row."""
    built = {}
    yield built
    for explorer in built.values():
        explorer.close()


@pytest.fixture
def explorer_of(explorers):
    def get(explorer_class):
        if explorer_class not in explorers:
            explorers[explorer_class] = explorer_class()
            explorers[explorer_class].defaults = explorers[explorer_class].values()
        explorer = explorers[explorer_class]
        explorer.update(**explorer.defaults)
        assert explorer.last_error is None, explorer.last_error
        return explorer

    return get


def _assert_one_message(explorer, *fragments: str) -> str:
    """Exactly one message in the figure, holding every fragment; the same
    text under the figure, for screen readers."""
    messages = explorer.live.messages()
    assert len(messages) == 1, f"expected one message, the figure shows {messages}"
    (message,) = messages
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"
    assert message in html.unescape(explorer.message.value)
    assert 'role="status"' in explorer.message.value
    assert bytes(explorer.image.value).startswith(PNG_SIGNATURE)
    return message


def _plotted(explorer) -> list[np.ndarray]:
    return [data for _, data in plotted_arrays(explorer.live.figure)]


def _assert_drawn_for_current_values(explorer) -> None:
    """The figure matches the controls: a fresh draw for them moves nothing."""
    shown = _plotted(explorer)
    explorer.refresh()
    assert explorer.last_error is None, explorer.last_error
    again = _plotted(explorer)
    assert len(again) == len(shown)
    for before, after in zip(shown, again, strict=True):
        np.testing.assert_array_equal(before, after)


@pytest.mark.parametrize(
    ("explorer_class", "name", "label"),
    [(cls, name, label) for cls, name in SLIDERS + CHOICES for label in UNUSABLE],
    ids=_id,
)
def test_unusable_value_in_update_is_refused_with_a_reason(
    explorer_of, explorer_class, name, label
):
    explorer = explorer_of(explorer_class)
    before = explorer.values()
    explorer.update(**{name: UNUSABLE[label]})  # must not raise
    assert explorer.values() == before, "a refused value must change nothing"
    assert isinstance(explorer.last_error, RejectedValues)
    reason = explorer.last_error.reasons[name]
    assert reason.startswith(f"{name} = ") and len(reason) > len(name) + 10
    _assert_one_message(explorer, "Not applied", f"{name} = ")
    _assert_drawn_for_current_values(explorer)


FLOAT_SLIDERS = [
    (cls, name)
    for cls, name in SLIDERS
    if not isinstance(CONTROLS[cls][name], widgets.IntSlider)
]


@pytest.mark.parametrize(("explorer_class", "name"), FLOAT_SLIDERS, ids=_id)
def test_nan_set_on_a_float_control_is_put_back(explorer_of, explorer_class, name):
    """A float slider takes NaN from code (±inf it clamps itself; an int slider
    refuses all three with a TraitError): the explorer puts the value back."""
    explorer = explorer_of(explorer_class)
    control = explorer.controls[name]
    before = control.value
    control.value = NAN  # as a learner's code might
    assert explorer.controls[name].value == before
    assert isinstance(explorer.last_error, RejectedValues)
    _assert_one_message(explorer, "Not applied", f"{name} = ")


@pytest.mark.parametrize(
    ("explorer_class", "name", "side"),
    [(cls, name, side) for cls, name in SLIDERS for side in ("below", "above")],
    ids=_id,
)
def test_value_outside_the_range_is_moved_to_the_end_with_a_note(
    explorer_of, explorer_class, name, side
):
    explorer = explorer_of(explorer_class)
    control = explorer.controls[name]
    if isinstance(control, widgets.FloatLogSlider):
        low, high = control.base**control.min, control.base**control.max
        asked = low / 1000 if side == "below" else high * 1000
    else:
        low, high = control.min, control.max
        span = high - low
        asked = low - 10 * span if side == "below" else high + 10 * span
        if isinstance(control, widgets.IntSlider):
            asked = int(asked)
    explorer.update(**{name: asked})
    end = low if side == "below" else high
    assert explorer.values()[name] == pytest.approx(end, rel=1e-12)
    assert explorer.last_error is None
    assert explorer.notes and name in explorer.notes[0]
    _assert_one_message(explorer, f"{name} = ", "outside the slider's range")
    _assert_drawn_for_current_values(explorer)


@pytest.mark.parametrize(
    ("explorer_class", "name"),
    [(cls, name) for cls, name in SLIDERS if sum(c is cls for c, _ in SLIDERS) > 1],
    ids=_id,
)
def test_one_refused_value_leaves_the_others_applied(explorer_of, explorer_class, name):
    explorer = explorer_of(explorer_class)
    other, control = next(
        (n, c)
        for n, c in explorer.controls.items()
        if n != name and not isinstance(c, widgets.Dropdown)
    )
    low, high = (control.min, control.max)
    if isinstance(control, widgets.FloatLogSlider):
        low, high = control.base**low, control.base**high
    target = high if control.value != high else low
    explorer.update(**{name: NAN, other: target})
    assert explorer.values()[other] == pytest.approx(target)
    assert set(explorer.last_error.reasons) == {name}
    _assert_one_message(explorer, "Not applied", f"{name} = nan")
    _assert_drawn_for_current_values(explorer)


@pytest.mark.parametrize(("explorer_class", "name"), SLIDERS + CHOICES, ids=_id)
def test_a_good_value_after_a_refused_one_clears_the_message(
    explorer_of, explorer_class, name
):
    explorer = explorer_of(explorer_class)
    explorer.update(**{name: None})
    assert explorer.last_error is not None
    explorer.update(**explorer.defaults)
    assert explorer.last_error is None
    messages = explorer.live.messages()
    assert not any("Not applied" in m for m in messages), messages
    assert len(messages) <= 1


@pytest.mark.parametrize("explorer_class", EXPLORERS, ids=_id)
def test_unknown_control_name_is_a_type_error(explorer_of, explorer_class):
    """A misspelt name is a mistake in the code, not a value: it raises."""
    with pytest.raises(TypeError, match="no control named"):
        explorer_of(explorer_class).update(no_such_control=1.0)


LANDSCAPE_EXPLORERS = [cls for cls, name in CHOICES if name == "landscape"]


@pytest.mark.parametrize("explorer_class", LANDSCAPE_EXPLORERS, ids=_id)
def test_new_landscape_keeps_the_values_given_with_it(explorer_of, explorer_class):
    explorer = explorer_of(explorer_class)
    options = list(explorer.controls["landscape"].options)
    other = next(o for o in options if o != explorer.values()["landscape"])
    (x0, x1), (y0, y1) = LANDSCAPES[other].window
    asked = {"x": round(x0 + 0.25 * (x1 - x0), 2), "y": round(y0 + 0.75 * (y1 - y0), 2)}
    if "lr" in explorer.controls:
        asked["lr"] = 0.001
    explorer.update(landscape=other, **asked)
    assert explorer.last_error is None
    values = explorer.values()
    assert values["landscape"] == other
    for name, value in asked.items():
        assert values[name] == pytest.approx(value), name


def test_new_landscape_moves_values_outside_its_window_with_a_note(explorer_of):
    explorer = explorer_of(GradientDescentExplorer)
    explorer.update(landscape="Booth", x=1000.0, lr=0.002)
    (_, x1), _ = LANDSCAPES["Booth"].window
    assert explorer.values()["x"] == x1
    assert explorer.values()["lr"] == pytest.approx(0.002)
    _assert_one_message(explorer, "x = 1000", "set to")


def test_unknown_landscape_is_refused_and_the_rest_applied(explorer_of):
    explorer = explorer_of(GradientDescentExplorer)
    landscape = explorer.values()["landscape"]
    explorer.update(landscape="Nowhere", lr=0.002)
    assert explorer.values()["landscape"] == landscape
    assert explorer.values()["lr"] == pytest.approx(0.002)
    assert set(explorer.last_error.reasons) == {"landscape"}
    _assert_one_message(explorer, "landscape = 'Nowhere'", "is not one of")


def test_a_draw_that_raises_shows_its_error_alone(monkeypatch):
    explorer = SecantExplorer()
    assert explorer.live.messages(), "the secant explorer shows its slope"

    def broken_draw(**values):
        raise ValueError("this setting is impossible")

    monkeypatch.setattr(explorer, "draw", broken_draw)
    explorer.update(x=0.1)
    assert isinstance(explorer.last_error, ValueError)
    _assert_one_message(explorer, "cannot be drawn", "this setting is impossible")
    explorer.close()


def test_an_artist_that_cannot_be_drawn_becomes_a_message(monkeypatch):
    """Drawing fails inside the render itself (a NaN arrow raised StopIteration
    there): the figure is rendered without the moving parts, with the error."""
    explorer = SecantExplorer()

    def broken(renderer):
        raise StopIteration

    monkeypatch.setattr(explorer.secant, "draw", broken)
    explorer.update(x=0.2)  # must not raise
    assert isinstance(explorer.last_error, StopIteration)
    _assert_one_message(explorer, "cannot be drawn")
    monkeypatch.undo()
    explorer.update(x=0.3)
    assert explorer.last_error is None
    assert explorer.secant.get_visible(), "hidden only for the failed render"
    explorer.close()
