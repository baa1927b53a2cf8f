"""The line-fit loss L(w, b): its partials by formula, by sympy and by finite
differences; its minimum against numpy's polyfit."""

from __future__ import annotations

import numpy as np
import pytest
import sympy

from calclearn import (
    gradient,
    least_squares_line,
    line_fit_data,
    mse_loss,
    mse_loss_figure,
    mse_partials,
)

DATA = line_fit_data()
PARAMETERS = [(0.0, 0.0), (1.5, -0.5), (-2.0, 3.0), (0.37, 1.9)]


def _sympy_partials(x, y, w0, b0):
    """dL/dw and dL/db at (w0, b0), with the data as exact rationals."""
    w, b = sympy.symbols("w b")
    n = len(x)
    loss = sum(
        (w * sympy.Rational(xi) + b - sympy.Rational(yi)) ** 2
        for xi, yi in zip(x.tolist(), y.tolist(), strict=True)
    ) / sympy.Integer(n)
    at = {w: sympy.Rational(w0), b: sympy.Rational(b0)}
    return float(loss.subs(at)), [float(sympy.diff(loss, v).subs(at)) for v in (w, b)]


def test_data_are_seeded_and_shaped():
    x, y = DATA
    again = line_fit_data()
    assert x.shape == y.shape == (20,)
    np.testing.assert_array_equal(x, again[0])
    np.testing.assert_array_equal(y, again[1])
    assert not np.array_equal(y, line_fit_data(seed=3)[1])
    assert np.all(np.diff(x) > 0) and x.min() >= 0 and x.max() <= 3


@pytest.mark.parametrize(("w", "b"), PARAMETERS)
def test_loss_and_partials_match_sympy(w, b):
    x, y = DATA
    loss, partials = _sympy_partials(x, y, w, b)
    assert float(mse_loss(w, b, x, y)) == pytest.approx(loss, rel=1e-13)
    np.testing.assert_allclose(mse_partials(w, b, x, y), partials, rtol=1e-12)


@pytest.mark.parametrize(("w", "b"), PARAMETERS)
def test_partials_match_finite_differences(w, b):
    x, y = DATA
    numeric = gradient(lambda p: mse_loss(p[0], p[1], x, y), [w, b])
    # L is quadratic, so the central difference has no truncation error: only
    # round-off, about eps * L / h ~ 1e-10 relative.
    np.testing.assert_allclose(mse_partials(w, b, x, y), numeric, rtol=1e-7)


def test_loss_broadcasts_over_a_grid_of_parameters():
    x, y = DATA
    ws, bs = np.linspace(0, 2, 5), np.linspace(-1, 1, 3)
    grid = mse_loss(ws[None, :], bs[:, None], x, y)
    loop = [[np.mean((w * x + b - y) ** 2) for w in ws] for b in bs]
    np.testing.assert_allclose(grid, loop, rtol=1e-14)
    dw, db = mse_partials(ws[None, :], bs[:, None], x, y)
    assert dw.shape == db.shape == (3, 5)


def test_least_squares_line_is_polyfit_and_zeroes_the_partials():
    x, y = DATA
    w, b = least_squares_line(x, y)
    np.testing.assert_allclose((w, b), np.polyfit(x, y, 1), rtol=1e-12)
    np.testing.assert_allclose(mse_partials(w, b, x, y), 0.0, atol=1e-14)
    # A minimum: every nearby line fits worse.
    best = float(mse_loss(w, b, x, y))
    for dw, db in [(1e-3, 0), (-1e-3, 0), (0, 1e-3), (0, -1e-3)]:
        assert float(mse_loss(w + dw, b + db, x, y)) > best


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: mse_loss(1.0, 0.0, [1, 2], [1]), ValueError, "same length"),
        (lambda: mse_loss("1", 0.0, [1, 2], [1, 2]), TypeError, "w must"),
        (lambda: mse_partials(1.0, np.nan, [1, 2], [1, 2]), ValueError, "b must"),
        (lambda: least_squares_line([1, 1], [0, 2]), ValueError, "all equal"),
        (lambda: line_fit_data(1), ValueError, "n_points"),
        (lambda: line_fit_data(seed=1.5), TypeError, "seed"),
    ],
)
def test_bad_input_names_the_argument(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_figure_marks_the_least_squares_minimum_on_labelled_contours():
    x, y = DATA
    figure = mse_loss_figure(x, y)
    data_ax, loss_ax = figure.axes[:2]
    w, b = least_squares_line(x, y)
    stars = [c for c in loss_ax.collections if c.get_label().startswith("minimum")]
    np.testing.assert_allclose(stars[0].get_offsets()[0], (w, b))
    bars = [a for a in loss_ax.child_axes if a.get_ylabel()]
    assert [a.get_ylabel() for a in bars] == ["L(w, b)"]
    assert (loss_ax.get_xlabel(), loss_ax.get_ylabel()) == ("slope w", "intercept b")
    assert len(data_ax.get_lines()) == 2
