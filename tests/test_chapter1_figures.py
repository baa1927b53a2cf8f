"""What a reader sees in the chapter-1 explorers, checked against the maths.

Issue 7 §3 and issue 8 §1: the secant explorer's title must follow the case
shown (error like h, or like h² where f''(x) = 0), the step-size explorer's
labels and message must sit clear of the curves on axes fitted to the data,
and the learning-rate explorer must not call a run that sits on a maximum
"converged near x*". Each claim a figure makes is checked against an
independent route: a slope fitted to the measured errors, the run itself,
the data plotted.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from calclearn import (
    CURVES,
    LearningRateExplorer,
    SecantExplorer,
    StepSizeExplorer,
    gradient_descent,
)
from calclearn.explorers.derivatives import secant_error_law

SECANT_CURVES = ["sin x", "cubic x³ − 2x", "exponential eˣ"]


def measured_slope(curve, x: float, h_min: float, h_max: float) -> float:
    """Slope of log|forward-difference error| against log h, fitted."""
    c = CURVES[curve]
    hs = np.logspace(math.log10(h_min), math.log10(h_max), 25)
    errors = np.abs((c.f(x + hs) - c.f(x)) / hs - c.df(x))
    return float(np.polyfit(np.log(hs), np.log(errors), 1)[0])


def covered(explorer, ax, box, lines) -> list[str]:
    """The labels of ``lines`` with a point under the message ``box``.

    Also checks that the box lies whole inside ``ax``.
    """
    canvas = explorer.live.figure.canvas
    explorer.static_png()  # the still image draws the box (live frames: as text)
    frame = box.get_bbox_patch().get_window_extent(canvas.get_renderer())
    axes_box = ax.get_window_extent()
    assert axes_box.x0 <= frame.x0 and frame.x1 <= axes_box.x1
    assert axes_box.y0 <= frame.y0 and frame.y1 <= axes_box.y1
    hidden = []
    for line in lines:
        data = np.column_stack([line.get_xdata(), line.get_ydata()])
        if not len(data):
            continue
        points = ax.transData.transform(data)
        inside = (
            (points[:, 0] > frame.x0)
            & (points[:, 0] < frame.x1)
            & (points[:, 1] > frame.y0)
            & (points[:, 1] < frame.y1)
        )
        if inside.any():
            hidden.append(line.get_label())
    return hidden


# (curve, x, slope the law must give): f'' ≠ 0 -> 1; f''(x) = 0 -> 2.
LAW_CASES = [
    ("sin x", 0.6, 1),
    ("sin x", 0.0, 2),
    ("cubic x³ − 2x", 0.0, 2),
    ("cubic x³ − 2x", 0.8, 1),
    ("exponential eˣ", -1.0, 1),
    ("exponential eˣ", 1.5, 1),
]


@pytest.mark.parametrize(("curve", "x", "slope"), LAW_CASES)
def test_error_law_matches_the_slope_measured_on_its_range(curve, x, slope):
    c = CURVES[curve]
    f3 = float(sympy_third_derivative(curve)(x))
    title, law = secant_error_law(float(c.d2f(x)), f3)
    assert law == slope, title
    assert f"slope {slope}" in title
    # Fitted over the explorer's range 1e-3..1e-1 (h³ terms stay small there).
    assert measured_slope(curve, x, 1e-3, 1e-1) == pytest.approx(slope, abs=0.1)


def sympy_third_derivative(curve: str):
    """f''' differentiated by sympy here, independently of the explorer."""
    import sympy

    x = sympy.Symbol("x")
    expression = sympy.sympify(CURVES[curve].formula)
    return sympy.lambdify(x, sympy.diff(expression, x, 3), "numpy")


def test_error_law_names_the_crossover_when_both_terms_show():
    # sin at x = 0.2: f'' = -sin 0.2, f''' = -cos 0.2, so h_c = 3 tan 0.2 = 0.608.
    title, law = secant_error_law(-math.sin(0.2), -math.cos(0.2))
    assert law is None
    assert "slope 1 for small h, 2 for larger h" in title
    explorer = SecantExplorer().update(curve="sin x", x=0.2, h=0.1)
    assert explorer.err_ax.get_title() == title
    assert f"equal at h ≈ {3 * math.tan(0.2):.2g}" in explorer.live.messages()[0]
    # Below h_c the measured slope is near 1, above it steeper.
    assert measured_slope("sin x", 0.2, 1e-3, 1e-2) == pytest.approx(1, abs=0.1)
    assert measured_slope("sin x", 0.2, 0.6, 1.0) > 1.4


@pytest.mark.parametrize(("curve", "x", "slope"), LAW_CASES)
def test_secant_title_follows_the_case_shown(curve, x, slope):
    explorer = SecantExplorer().update(curve=curve, x=x, h=0.01)
    title = explorer.err_ax.get_title()
    assert f"slope {slope}" in title
    assert ("h²" in title.split("\n")[1]) == (slope == 2)
    # The band of Taylor's leading terms lies on the measured error line.
    measured = explorer.err_line.get_ydata()
    taylor = explorer.err_taylor.get_ydata()
    small = explorer.hs <= 0.05
    np.testing.assert_allclose(taylor[small], measured[small], rtol=0.1)


def test_secant_title_stays_put_while_x_moves_within_a_case():
    # A new title costs a redraw of the panel: it may change with the case
    # only, never with the numbers.
    explorer = SecantExplorer()
    titles = {
        explorer.update(curve="sin x", x=x, h=0.01).err_ax.get_title()
        for x in np.arange(0.5, 1.5, 0.05)
    }
    assert len(titles) == 1


@pytest.mark.parametrize("curve", SECANT_CURVES)
def test_secant_message_covers_no_error_point(curve):
    explorer = SecantExplorer()
    ax = explorer.err_ax
    for x in (-1.5, 0.0, 0.2, 1.5):
        for h in (1e-3, 0.03, 1.0):
            explorer.update(curve=curve, x=x, h=h)
            (box,) = [t for t in ax.texts if t.get_visible() and t.get_text()]
            lines = [explorer.err_line, explorer.err_dot, explorer.err_taylor]
            assert covered(explorer, ax, box, lines) == [], (x, h)


@pytest.mark.parametrize("curve", SECANT_CURVES)
def test_secant_second_point_is_always_in_view(curve):
    explorer = SecantExplorer()
    x_control = explorer.controls["x"]
    for x in (x_control.min, 0.0, x_control.max):
        for h in (1e-3, 1.0):
            explorer.update(curve=curve, x=x, h=h)
            assert explorer.last_error is None
            low, high = explorer.ax.get_xlim()
            assert low <= x and x + h < high, (curve, x, h)
            bottom, top = explorer.ax.get_ylim()
            f_xh = float(CURVES[curve].f(x + h))
            assert bottom < f_xh < top, (curve, x, h)


@pytest.mark.parametrize("precision", ["float64", "float32"])
@pytest.mark.parametrize("curve", SECANT_CURVES)
def test_step_size_axes_fit_the_data_and_labels_stay_clear(curve, precision):
    explorer = StepSizeExplorer().update(curve=curve, precision=precision)
    ax = explorer.ax
    bottom, top = ax.get_ylim()
    # Fitted to the function and precision, so moving x never rescales: the
    # data over the whole x slider spans most of the decades shown (the top
    # quarter is kept for the message), not 1e-17 .. 1e2 whatever the precision.
    everywhere = []
    for x in (-1.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5):
        explorer.update(x=x)
        assert explorer.last_error is None
        assert ax.get_ylim() == (bottom, top)
        data = np.concatenate([line.get_ydata() for line in explorer.lines.values()])
        assert np.all((data >= bottom) & (data <= top)), x
        everywhere.append(data)
        # The message box is the only text in the plot, whole, covering nothing.
        (box,) = [t for t in ax.texts if t.get_visible() and t.get_text()]
        lines = [*explorer.lines.values(), *explorer.best.values()]
        assert covered(explorer, ax, box, lines) == [], x
    everywhere = np.concatenate(everywhere)
    used = math.log10(everywhere.max() / everywhere.min()) / math.log10(top / bottom)
    assert used >= 0.65, f"data fill {used:.0%} of the y-axis"
    # The rules of thumb are named above the plot, not on the curves.
    eps = np.finfo(np.float32 if precision == "float32" else np.float64).eps
    ticks = explorer.rule_axis.get_xticks()
    np.testing.assert_allclose(sorted(ticks), [eps**0.5, eps ** (1 / 3)], rtol=1e-12)
    labels = [t.get_text() for t in explorer.rule_axis.get_xticklabels()]
    assert labels == ["√ε", "∛ε"]
    # The legend sits outside the plot.
    renderer = explorer.live.figure.canvas.get_renderer()
    (legend,) = explorer.live.figure.legends
    assert not legend.get_window_extent(renderer).overlaps(ax.get_window_extent())


@pytest.mark.parametrize("curve", ["sin x", "cubic x³ − 2x"])
def test_step_size_message_explains_a_point_where_f_is_zero(curve):
    # f(0) = 0 for both: round-off ε|f|/h vanishes, so no best step exists.
    explorer = StepSizeExplorer().update(curve=curve, x=0.0)
    (message,) = explorer.live.messages()
    assert "round-off ε|f(x)|/h vanishes" in message
    assert "f″(x) = 0 here" in message  # both have f''(0) = 0 too
    forward = explorer.lines["forward"].get_ydata()
    small = explorer.hs <= 1e-6
    assert np.all(forward[small] <= 1e-11)  # still falling, no round-off floor


def test_step_size_best_steps_reported_are_the_plotted_minima():
    explorer = StepSizeExplorer().update(curve="sin x", x=1.0, precision="float64")
    (message,) = explorer.live.messages()
    for method in ("forward", "central"):
        (best_h,) = explorer.best[method].get_xdata()
        assert f"{method} ≈ {best_h:.0e}" in message
    # and they lie within a factor 10 of the rules of thumb
    eps = np.finfo(np.float64).eps
    assert 0.1 < explorer.best["forward"].get_xdata()[0] / eps**0.5 < 10
    assert 0.1 < explorer.best["central"].get_xdata()[0] / eps ** (1 / 3) < 10


def test_descent_started_on_the_maximum_says_so():
    curve = CURVES["double well (x² − 1)²"]
    explorer = LearningRateExplorer().update(
        curve="double well (x² − 1)²", x0=0.0, lr=0.1, steps=30
    )
    assert explorer.last_error is None
    message = explorer.live.messages()[0]
    assert "maximum" in message and "never moves" in message
    assert "onverged" not in message and "near x* = -1" not in message
    # The claims, checked on the run itself: f'(0) = 0, f''(0) < 0, x stays 0.
    run = gradient_descent(curve.f, curve.df, 0.0, 0.1, 30)
    assert np.all(run.path == 0.0)
    assert float(curve.d2f(0.0)) < 0
    assert len(explorer.err_line.get_xdata()) == 0  # no distance to x* drawn


def test_descent_started_on_the_minimum_says_so():
    explorer = LearningRateExplorer().update(curve="bowl 2x²", x0=0.0)
    message, distance_note = explorer.live.messages()
    assert "already the minimum" in message
    assert "exactly" in distance_note  # |x₀ − x*| = 0 has no logarithm


def test_descent_started_next_to_the_maximum_rolls_to_a_minimum():
    explorer = LearningRateExplorer().update(
        curve="double well (x² − 1)²", x0=0.02, lr=0.1, steps=100
    )
    (message,) = explorer.live.messages()
    assert "maximum" not in message and "x* = 1" in message


@pytest.mark.parametrize(
    ("settings", "kind"),
    [
        ({"lr": 0.1, "steps": 30}, "converging"),
        ({"lr": 0.2, "steps": 100}, "converged"),
        ({"lr": 0.7, "steps": 100}, "diverged"),
        ({"lr": 0.005, "steps": 1}, "one step"),
        ({"curve": "log-cosh log cosh 2x", "lr": 0.6, "steps": 100}, "stuck"),
    ],
)
def test_distance_axis_is_fitted_to_the_run(settings, kind):
    explorer = LearningRateExplorer().update(**settings)
    bottom, top = explorer.err_ax.get_ylim()
    gaps = explorer.err_line.get_ydata()
    assert np.all((gaps >= bottom) & (gaps <= top)), kind
    empty = math.log10(top / bottom) - math.log10(gaps.max() / gaps.min())
    assert empty <= 2.6, f"{kind}: {empty:.1f} empty decades"  # 2 + margins


def test_distance_axis_stays_fitted_while_the_controls_move():
    explorer = LearningRateExplorer()
    settings = [
        {"lr": 0.7, "steps": 100},
        {"lr": 0.2},
        {"lr": 0.005, "steps": 1},
        {"curve": "double well (x² − 1)²", "x0": 1.6, "lr": 0.24, "steps": 100},
        {"curve": "log-cosh log cosh 2x", "x0": -1.6, "lr": 0.005},
        {"lr": 0.3},
    ]
    for values in settings:
        explorer.update(**values)
        bottom, top = explorer.err_ax.get_ylim()
        gaps = explorer.err_line.get_ydata()
        assert np.all((gaps >= bottom) & (gaps <= top)), values
        # At most 2 decades kept from an earlier run, 2 of minimum span, margins.
        empty = math.log10(top / bottom) - math.log10(gaps.max() / gaps.min())
        assert empty <= 4.6, f"{values}: {empty:.1f} empty decades"


def test_distance_axis_refits_when_the_run_changes():
    explorer = LearningRateExplorer().update(lr=0.7, steps=100)  # up to ~1e6
    explorer.update(lr=0.2)  # converges to ~1e-11
    bottom, top = explorer.err_ax.get_ylim()
    gaps = explorer.err_line.get_ydata()
    assert np.all((gaps >= bottom) & (gaps <= top))
    assert top < 1e3


def test_learning_rate_marker_at_the_slider_end_is_whole():
    explorer = LearningRateExplorer()
    lr_max = explorer.controls["lr"].max
    explorer.update(lr=lr_max)
    low, high = explorer.lr_ax.get_xlim()
    assert low < lr_max < high
    # The unstable zone reaches the right edge: no white sliver.
    zone = explorer.zones[-1]
    assert zone.get_x() + zone.get_width() == pytest.approx(high)


def test_a_rate_past_the_bound_is_never_called_converging():
    # Bowl 2x², η = 0.51: factor 1 − 0.51·4 = −1.04, growing but not yet blown up
    # after 100 steps; the run itself shows the growth factor.
    explorer = LearningRateExplorer().update(curve="bowl 2x²", lr=0.51, x0=1.2)
    explorer.update(steps=100)
    (message,) = explorer.live.messages()
    assert message.startswith("Unstable") and "|1 − η f″| = 1.04" in message
    path = explorer.path.get_xdata()
    assert abs(path[-1] / path[-2]) == pytest.approx(1.04, rel=1e-9)
    # Double well, η = 0.3 > 2/8: x* = 1 repels, the iterates stay bounded.
    explorer.update(curve="double well (x² − 1)²", lr=0.3, x0=1.2, steps=100)
    (message,) = explorer.live.messages()
    assert message.startswith("Not converging") and "x* repels" in message
    assert np.max(np.abs(explorer.path.get_xdata())) < 2


@pytest.mark.parametrize(
    ("settings", "start"),
    [
        # 1.2 -> -2.16 -> 3.89 -> -7.0: growing, not yet past the blow-up test.
        ({"curve": "bowl 2x²", "x0": 1.2, "lr": 0.7, "steps": 3}, "Moving away"),
        ({"curve": "bowl 2x²", "x0": 1.2, "lr": 0.7, "steps": 1}, "Moving away"),
        # Near x* = 1 the first steps shrink: too few to tell.
        ({"curve": "double well (x² − 1)²", "x0": 1.2, "lr": 0.3, "steps": 5}, "Not"),
    ],
)
def test_a_short_run_past_the_bound_claims_only_what_it_shows(settings, start):
    explorer = LearningRateExplorer().update(**settings)
    (message,) = explorer.live.messages()
    assert message.startswith(start), message
    assert "stay bounded" not in message  # a claim a short run cannot back
    gaps = np.abs(explorer.path.get_xdata() - 1.0 * ("double" in settings["curve"]))
    if start == "Moving away":
        assert gaps[-1] > gaps[0]
        assert f"grown from {gaps[0]:.2g} to {gaps[-1]:.2g}" in message
    else:
        assert "too few" in message
