"""Chapter 7: the Taylor explorer, the chapter's figures and its exercises.

Independent routes: the explorer's classification against the landscapes'
stored kinds; its model contours and stationary point against the Taylor
formula and a Newton step of calclearn.optim; its error curve against the
cubic law; the figures' plotted data against sympy's derivatives; the cost
counts against numpy's own byte counts; each exercise check against the right
answer written another way and against every listed mistake.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
import sympy

import calclearn as cl
from calclearn.exercises import hessian as exercises
from calclearn.explorers import TaylorExplorer
from calclearn.explorers import curvature as figures


@pytest.fixture(scope="module")
def explorer():
    built = TaylorExplorer()
    yield built
    built.close()


# Critical points on the sliders' 0.05 grid, with the kind the message names.
ON_GRID = [
    ("Himmelblau", (3.0, 2.0), "a minimum"),
    ("Rosenbrock", (1.0, 1.0), "a minimum"),
    ("Beale", (3.0, 0.5), "a minimum"),
    ("Beale", (0.0, 1.0), "a saddle point"),
    ("Booth", (1.0, 3.0), "a minimum"),
    ("Monkey saddle", (0.0, 0.0), "inconclusive"),
]


@pytest.mark.parametrize(("landscape", "point", "verdict"), ON_GRID)
def test_explorer_classifies_critical_points(explorer, landscape, point, verdict):
    explorer.update(landscape=landscape, x=point[0], y=point[1])
    assert explorer.last_error is None
    (message,) = explorer.live.messages()
    assert f"second-derivative test: {verdict}" in message
    stored = next(
        c.kind for c in cl.LANDSCAPES[landscape].critical_points if c.point == point
    )
    if verdict != "inconclusive":
        assert verdict.split()[-1] == stored or verdict == "a saddle point"
        assert stored in verdict


def test_explorer_says_a_point_is_not_critical(explorer):
    explorer.update(landscape="Himmelblau", x=0.0, y=0.0)
    (message,) = explorer.live.messages()
    assert "not a critical point" in message and "dome" in message


def _cross(a, b):
    """The z component of a × b for plane vectors (0 when they are parallel)."""
    return a[0] * b[1] - a[1] * b[0]


def _distance_to_segments(point, segments):
    return min(np.linalg.norm(np.asarray(s) - point, axis=1).min() for s in segments)


@pytest.mark.parametrize(
    ("landscape", "point"),
    [("Himmelblau", (1.0, -0.5)), ("Rosenbrock", (0.5, 0.5)), ("Beale", (1.0, 1.0))],
)
def test_explorer_draws_the_taylor_model(explorer, landscape, point):
    explorer.update(landscape=landscape, x=point[0], y=point[1])
    surface = cl.LANDSCAPES[landscape]
    p = np.array(point)
    value, g, H = surface.f(p), surface.grad(p), surface.hess(p)
    # Every vertex of the model's contours lies on one of the map's levels of
    # the Taylor formula q = f + g·δ + ½ δᵀHδ, evaluated here independently,
    # up to the error of interpolating q linearly along a grid edge of length
    # h (marching squares): h²/8 · max |∂²q/∂x²|, |∂²q/∂y²|.
    (x0, x1), (y0, y1) = surface.window
    h = max(x1 - x0, y1 - y0) / 69
    bound = h * h / 8 * np.abs(np.diag(H)).max() + 1e-9
    segments = explorer.model_lines.get_segments()
    assert segments
    for segment in segments:
        delta = np.asarray(segment) - p
        q = value + delta @ g + 0.5 * np.einsum("ki,ij,kj->k", delta, H, delta)
        gaps = np.abs(q[:, None] - explorer.levels[None, :]).min(axis=1)
        assert gaps.max() <= bound
    # Both level sets through p pass within a grid cell of p.
    assert _distance_to_segments(p, explorer.model_level.get_segments()) < h
    assert _distance_to_segments(p, explorer.true_level.get_segments()) < h
    # The principal directions are eigenvectors of H.
    for segment in explorer.principal.get_segments():
        d = segment[1] - segment[0]
        assert abs(_cross(d, H @ d)) <= 1e-9 * np.linalg.norm(d) * np.linalg.norm(H @ d)
    # The × is where one pure Newton step from p lands.
    step = cl.newton(surface.f, surface.grad, surface.hess, p, 1, tol=0.0)
    if explorer.target.get_visible():
        np.testing.assert_allclose(
            np.ravel(explorer.target.get_xydata()), step.path[1], rtol=1e-12
        )


def test_error_curve_follows_the_cubic_law(explorer):
    explorer.update(landscape="Himmelblau", x=1.0, y=-0.5)
    r, error = explorer.error_curve.get_data()
    slopes = np.diff(np.log(error[:10])) / np.diff(np.log(r[:10]))
    np.testing.assert_allclose(slopes, 3.0, atol=0.05)
    # The largest error on the circle of the smallest radius, computed directly.
    model = cl.taylor_model("Himmelblau", [1.0, -0.5])
    angles = np.linspace(0, 2 * np.pi, 24, endpoint=False)
    circle = [1.0, -0.5] + r[0] * np.column_stack([np.cos(angles), np.sin(angles)])
    assert error[0] == pytest.approx(np.abs(model.error(circle)).max(), rel=1e-12)


def test_monkey_saddle_error_is_exactly_cubic(explorer):
    # f is a cubic: f − q is its cubic part, |f − q| = r³ |cos 3θ| at the origin.
    explorer.update(landscape="Monkey saddle", x=0.0, y=0.0)
    r, error = explorer.error_curve.get_data()
    np.testing.assert_allclose(error, r**3, rtol=1e-12)


def test_quadratic_landscapes_have_an_exact_model(explorer):
    explorer.update(landscape="Booth", x=-2.0, y=4.0)
    (message,) = explorer.live.messages()
    assert "q = f" in message
    assert not explorer.cubic.get_visible()


def test_curvature_1d_figure_draws_the_taylor_parabolas():
    figure = figures.curvature_1d_figure()
    top = figure.axes[0]
    x = sympy.Symbol("x")
    f = x**4 - 3 * x**2 + x
    dashed = [line for line in top.get_lines() if line.get_linestyle() == "--"]
    assert len(dashed) == 3
    for line, a in zip(dashed, (-1.3, 0.1, 0.5**0.5), strict=True):
        xs, ys = line.get_data()
        model = sum(
            sympy.diff(f, x, k).subs(x, a) / math.factorial(k) * (x - a) ** k
            for k in range(3)
        )
        expected = sympy.lambdify(x, model)(np.asarray(xs))
        np.testing.assert_allclose(ys, expected, rtol=1e-12, atol=1e-12)


def test_principal_curvature_figure_draws_eigenvectors():
    figure = figures.principal_curvature_figure("Himmelblau")
    ax = figure.axes[0]
    segments = [line for line in ax.get_lines() if len(line.get_xydata()) == 2]
    himmelblau = cl.LANDSCAPES["Himmelblau"]
    assert len(segments) == 2 * len(himmelblau.critical_points)
    for line in segments:
        ends = line.get_xydata()
        centre = ends.mean(axis=0)
        H = himmelblau.hess(centre)
        d = ends[1] - ends[0]
        assert abs(_cross(d, H @ d)) <= 1e-9 * np.linalg.norm(d) * np.linalg.norm(H @ d)


def test_hessian_costs_are_exact_counts():
    costs = figures.hessian_costs([1, 7, 300], samples=50)
    for n, memory, vector in zip(
        costs["n"], costs["hessian_bytes"], costs["vector_bytes"], strict=True
    ):
        assert memory == np.zeros((n, n)).nbytes and vector == np.zeros(n).nbytes
    assert costs["form_flops"].tolist() == [2 * 50 * n * n for n in (1, 7, 300)]
    assert costs["solve_flops"].tolist() == [
        int(Fraction(2, 3) * n**3) for n in (1, 7, 300)
    ]
    assert costs["hvp_flops"].tolist() == [4 * 50 * n for n in (1, 7, 300)]
    figure = figures.hessian_cost_figure(costs)
    assert len(figure.axes) == 2


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [
        ({"sizes": []}, "sizes"),
        ({"sizes": [0, 3]}, "sizes"),
        ({"sizes": [3], "samples": 0}, "samples"),
    ],
)
def test_hessian_costs_bad_input(kwargs, argument):
    with pytest.raises(ValueError, match=f"^{argument}"):
        figures.hessian_costs(**kwargs)


def test_traps_and_race_figures_plot_the_runs():
    himmelblau = cl.LANDSCAPES["Himmelblau"]
    pure = cl.newton(himmelblau.f, himmelblau.grad, himmelblau.hess, (0.0, 0.0), 20)
    figure = figures.newton_traps_figure([("Himmelblau", {"pure": pure}, "trap")])
    (path,) = [
        line for line in figure.axes[0].get_lines() if line.get_label() == "pure"
    ]
    np.testing.assert_array_equal(path.get_xydata(), pure.path)
    race = figures.optimizer_race_figure({"pure": pure}, "Himmelblau")
    distance = race.axes[1].get_lines()[0].get_ydata()
    expected = np.linalg.norm(pure.path - np.array([3.0, 2.0]), axis=1)
    np.testing.assert_allclose(distance, np.maximum(expected, 1e-16))


# --- exercises: the right answers in other forms, and each listed mistake -----


def test_hessian_exercise():
    x, y = sympy.symbols("x y")
    exact = sympy.lambdify((x, y), sympy.hessian(x**3 + 2 * x * y**2 - y, (x, y)))
    assert exercises.check_hessian(lambda a, b: np.array(exact(a, b), float)).passed
    wrong = exercises.check_hessian(lambda a, b: [[6 * a, 2 * b], [2 * b, 4 * a]])
    assert not wrong.passed and "4y" in wrong.message
    missing = exercises.check_hessian(lambda a, b: [[6 * a, 4 * b], [0, 4 * a]])
    assert "symmetric" in missing.message
    gradient = exercises.check_hessian(
        lambda a, b: [3 * a * a + 2 * b * b, 4 * a * b - 1]
    )
    assert not gradient.passed and "2×2" in gradient.message
    assert not exercises.check_hessian(lambda a, b: None).passed


def test_critical_kinds_exercise():
    assert exercises.check_critical_kinds(" Minimum", "SADDLE").passed
    assert "swapped" in exercises.check_critical_kinds("saddle", "minimum").message
    assert "negative" in exercises.check_critical_kinds("minimum", "maximum").message
    assert not exercises.check_critical_kinds("maximum", "saddle").passed
    assert not exercises.check_critical_kinds("minimum", "degenerate").passed
    assert "must be one of" in exercises.check_critical_kinds("bowl", "saddle").message
    assert "not filled in" in exercises.check_critical_kinds(None, "saddle").message
    assert "must be one of" in exercises.check_critical_kinds(3, "saddle").message


def test_newton_step_exercise():
    right = exercises.check_newton_step(lambda x, g, H: x - np.linalg.inv(H) @ g)
    assert right.passed
    hints = {
        "wrong way": lambda x, g, H: x + np.linalg.solve(H, g),
        "multiplied by H": lambda x, g, H: x - H @ g,
        "diagonal": lambda x, g, H: x - g / np.diag(H),
        "gradient-descent": lambda x, g, H: x - g,
        "step d alone": lambda x, g, H: -np.linalg.solve(H, g),
    }
    for words, answer in hints.items():
        feedback = exercises.check_newton_step(answer)
        assert not feedback.passed and words in feedback.message, feedback.message


def test_largest_stable_lr_exercise():
    booth = cl.LANDSCAPES["Booth"]
    right = 2 / np.linalg.eigvalsh(booth.hess([0.0, 0.0])).max()
    assert exercises.check_largest_stable_lr(right).passed
    assert exercises.check_largest_stable_lr(Fraction(1, 9)).passed
    assert "1/λmax" in exercises.check_largest_stable_lr(1 / 18).message
    assert "2/λmin" in exercises.check_largest_stable_lr(1.0).message
    assert "best fixed step" in exercises.check_largest_stable_lr(0.1).message
    assert not exercises.check_largest_stable_lr(0.111).passed


# --- the Newton explorer ---------------------------------------------------------


@pytest.fixture(scope="module")
def newton_explorer():
    built = cl.NewtonExplorer()
    yield built
    built.close()


@pytest.mark.parametrize(
    ("landscape", "start", "method", "words"),
    [
        ("Himmelblau", (0.0, 0.0), "pure Newton", "to (-0.271, -0.923): a maximum"),
        ("Himmelblau", (0.0, 0.0), "Newton + line search", "points uphill"),
        ("Himmelblau", (0.0, 0.0), "saddle-free Newton", "to (3, 2): a minimum"),
        ("Beale", (1.0, 1.0), "pure Newton", "in 1 step to (0, 1): a saddle"),
        ("Beale", (1.0, 1.0), "saddle-free Newton", "to (3, 0.5): a minimum"),
        ("Saddle", (1.5, 0.05), "pure Newton", "in 1 step to (0, 0): a saddle"),
    ],
)
def test_newton_explorer_names_where_each_method_lands(
    newton_explorer, landscape, start, method, words
):
    newton_explorer.update(landscape=landscape, method=method, x=start[0], y=start[1])
    assert newton_explorer.last_error is None
    (message,) = newton_explorer.live.messages()
    assert message.startswith(method) and words in message, message
    # The path drawn is the run of calclearn.optim, computed here again.
    surface = cl.LANDSCAPES[landscape]
    functions = (surface.f, surface.grad, surface.hess, start, 60)
    options = {
        "pure Newton": {},
        "Newton + line search": {"line_search": True},
        "saddle-free Newton": {"saddle": "abs", "line_search": True},
    }[method]
    run = cl.newton(*functions, **options)
    np.testing.assert_array_equal(newton_explorer.path.get_xydata(), run.path)
    np.testing.assert_array_equal(
        newton_explorer.norms.get_ydata(), np.maximum(run.grad_norms, 1e-16)
    )


def test_newton_explorer_gradient_descent_uses_half_the_stability_limit(
    newton_explorer,
):
    newton_explorer.update(
        landscape="Himmelblau", method="gradient descent", x=0.0, y=0.0
    )
    surface = cl.LANDSCAPES["Himmelblau"]
    lr = 1 / np.linalg.eigvalsh(surface.hess((3.0, 2.0))).max()
    run = cl.gradient_descent(surface.f, surface.grad, (0.0, 0.0), lr, 300)
    np.testing.assert_array_equal(newton_explorer.path.get_xydata(), run.path)
    (message,) = newton_explorer.live.messages()
    assert f"converged in {run.steps} steps to (3, 2): a minimum" in message


def test_run_method_refuses_an_unknown_method():
    with pytest.raises(ValueError, match=r"^method"):
        figures.run_method(cl.LANDSCAPES["Booth"], "adam", (0.0, 0.0))
