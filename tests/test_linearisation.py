"""The tangent plane against sympy, its error against the Hessian's prediction,
and the classic function with partials but no tangent plane."""

from __future__ import annotations

import numpy as np
import pytest
import sympy

from calclearn import (
    LANDSCAPES,
    linearisation_error,
    tangent_plane,
    tangent_plane_figure,
)
from calclearn.plots import plotted_arrays

X, Y = sympy.symbols("x y")
POINTS = [(1.0, 2.0), (-0.7, 0.4), (0.3, -1.1)]


def _sympy_plane(expression, point):
    """Value and gradient at ``point`` by sympy, exactly, then to float."""
    at = {X: sympy.Rational(str(point[0])), Y: sympy.Rational(str(point[1]))}
    value = float(expression.subs(at))
    slopes = [float(sympy.diff(expression, v).subs(at)) for v in (X, Y)]
    return value, np.array(slopes)


@pytest.mark.parametrize("name", sorted(LANDSCAPES))
@pytest.mark.parametrize("point", POINTS)
def test_plane_of_a_landscape_matches_sympy(name, point):
    landscape = LANDSCAPES[name]
    plane = tangent_plane(landscape, point)
    value, slopes = _sympy_plane(landscape.expression, point)
    scale = max(1.0, abs(value))
    assert plane.value == pytest.approx(value, rel=1e-13, abs=1e-13 * scale)
    np.testing.assert_allclose(plane.gradient, slopes, rtol=1e-12, atol=1e-11)
    # The plane passes through (p, f(p)) and tilts by the gradient.
    delta = np.array([0.3, -0.2])
    expected = value + slopes @ delta
    assert float(plane(np.asarray(point) + delta)) == pytest.approx(
        expected, rel=1e-12, abs=1e-12 * scale
    )


def test_plane_of_a_plain_function_uses_finite_differences():
    def f(p):
        return np.sin(p[0]) * np.exp(p[1])

    plane = tangent_plane(f, [0.4, -0.3])
    value, slopes = _sympy_plane(sympy.sin(X) * sympy.exp(Y), (0.4, -0.3))
    assert plane.value == pytest.approx(value, rel=1e-15)
    np.testing.assert_allclose(plane.gradient, slopes, rtol=1e-8)  # central diff.


@pytest.mark.parametrize("name", ["Himmelblau", "Rosenbrock", "Booth", "Saddle"])
@pytest.mark.parametrize("direction", [(1.0, 0.0), (0.0, 1.0), (1.0, 2.0)])
def test_error_is_half_the_curvature_times_r_squared(name, direction):
    """e(r) / r² -> ½ uᵀ H u (sympy's Hessian), and the log-log slope is 2."""
    landscape = LANDSCAPES[name]
    point = (0.3, 0.8)
    u = np.asarray(direction) / np.linalg.norm(direction)
    at = {X: sympy.Rational(3, 10), Y: sympy.Rational(4, 5)}
    hessian = np.array(sympy.hessian(landscape.expression, (X, Y)).subs(at), float)
    predicted = 0.5 * abs(u @ hessian @ u)
    radii = np.array([2e-3, 1e-3])
    errors = linearisation_error(landscape, point, direction, radii)
    # The next term is O(r³): relative 1e-2 at r = 1e-3 covers it.
    np.testing.assert_allclose(errors / radii**2, predicted, rtol=1e-2)
    slope = np.log(errors[0] / errors[1]) / np.log(2)
    assert slope == pytest.approx(2.0, abs=0.02)


def test_error_of_a_quadratic_is_exactly_the_dropped_square():
    def bowl(p):
        return p[0] ** 2 + 3 * p[1] ** 2

    radii = np.array([0.5, 0.25, 0.125])
    errors = linearisation_error(bowl, [1.0, -1.0], [0.0, 1.0], radii, [2.0, -6.0])
    np.testing.assert_allclose(errors, 3 * radii**2, rtol=1e-14)


def test_partials_alone_do_not_give_a_tangent_plane():
    """f = xy/(x² + y²), f(0, 0) = 0: both partials at 0 are 0 (f vanishes on
    both axes), yet f = ½ all along the diagonal, so the plane z = 0 misses by
    ½ however close one gets: not differentiable."""

    def f(p):
        x, y = p
        r2 = x * x + y * y
        return 0.0 if r2 == 0 else x * y / r2

    plane = tangent_plane(f, [0.0, 0.0])
    np.testing.assert_allclose(plane.gradient, [0.0, 0.0], atol=1e-15)
    radii = np.logspace(-8, 0, 9)
    np.testing.assert_allclose(
        linearisation_error(f, [0, 0], [1, 1], radii), 0.5, rtol=1e-14
    )
    # Along the axes the plane is exact: the partials are right, just not enough.
    np.testing.assert_allclose(linearisation_error(f, [0, 0], [1, 0], radii), 0.0)


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: tangent_plane(3.0, [0, 0]), TypeError, "f must be a function"),
        (lambda: tangent_plane("Nowhere", [0, 0]), ValueError, "f"),
        (lambda: tangent_plane(LANDSCAPES["Booth"], [0, np.nan]), ValueError, "point"),
        (
            lambda: tangent_plane(lambda p: p[0], [0.0, 0.0], [1.0]),
            ValueError,
            "gradient",
        ),
        (
            lambda: linearisation_error(LANDSCAPES["Booth"], [0, 0], [0, 0], [0.1]),
            ValueError,
            "direction must be non-zero",
        ),
        (
            lambda: linearisation_error(LANDSCAPES["Booth"], [0, 0], [1, 0], [-0.1]),
            ValueError,
            "radii must be positive",
        ),
        (
            lambda: linearisation_error(LANDSCAPES["Booth"], [0, 0], [1, 0, 0], [1]),
            ValueError,
            "direction must have",
        ),
        (lambda: tangent_plane(lambda p: "1", [0.0]), TypeError, "f must return"),
        (lambda: tangent_plane_figure(None, (0, 0)), TypeError, "landscape"),
        (
            lambda: tangent_plane_figure(LANDSCAPES["Booth"], (0, 0), radius=-1),
            ValueError,
            "radius",
        ),
    ],
)
def test_bad_input_names_the_argument(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_a_landscape_can_be_named():
    by_name = tangent_plane("booth", (0.5, 1.0))
    by_object = tangent_plane(LANDSCAPES["Booth"], (0.5, 1.0))
    assert by_name.value == by_object.value
    np.testing.assert_array_equal(by_name.gradient, by_object.gradient)


def test_figure_shows_the_plane_through_the_point_and_slope_two_errors():
    figure = tangent_plane_figure("Himmelblau", (1.0, 2.0))
    surface_ax, error_ax = figure.axes
    assert "68 − 36·δx − 32·δy" in surface_ax.get_title()
    assert error_ax.get_xscale() == error_ax.get_yscale() == "log"
    measured = [line for line in error_ax.get_lines() if line.get_linestyle() == "-"]
    assert len(measured) == 3
    for line in measured:
        r, e = line.get_xdata(), line.get_ydata()
        slope = np.polyfit(np.log(r[:10]), np.log(e[:10]), 1)[0]
        assert slope == pytest.approx(2.0, abs=0.01)
    for _, data in plotted_arrays(figure):
        assert np.all(np.isfinite(data))
