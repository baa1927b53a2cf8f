"""Tests of calclearn.optim.newton and calclearn.optim.bfgs.

Independent routes: Newton steps against exact rational arithmetic (sympy)
and against np.linalg.solve; Newton's error law against its prediction
e_{k+1} ≈ ½ H⁻¹ T[e_k, e_k] from the third derivatives; the iterations
x ← -x³ (Newton on √(1 + x²)) and x ← x/2 (the monkey saddle) in closed form;
the Wolfe conditions re-checked on every BFGS step with the exact gradient;
critical points against the list in calclearn.landscapes (mpmath roots).
"""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest
import sympy

from calclearn.landscapes import LANDSCAPES
from calclearn.optim import (
    SECOND_ORDER_STATUSES,
    DescentRun,
    SecondOrderRun,
    bfgs,
    newton,
)

HIMMELBLAU = LANDSCAPES["Himmelblau"]
BEALE = LANDSCAPES["Beale"]
ROSENBROCK = LANDSCAPES["Rosenbrock"]


def point_of_kind(landscape, kind):
    return [np.array(c.point) for c in landscape.critical_points if c.kind == kind]


def nearest_critical(landscape, x):
    """The listed critical point nearest to x, and its distance."""
    points = [np.array(c.point) for c in landscape.critical_points]
    distances = [np.linalg.norm(x - p) for p in points]
    best = int(np.argmin(distances))
    return landscape.critical_points[best], distances[best]


# --- A strongly convex function with minimiser (0, 0) ------------------------
# f = eˣ - x + e²ʸ - 2y + (x - y)²: H = diag(eˣ, 4e²ʸ) + 2[[1, -1], [-1, 1]] ≻ 0.


def convex_f(p):
    x, y = p
    return np.exp(x) - x + np.exp(2 * y) - 2 * y + (x - y) ** 2


def convex_grad(p):
    x, y = p
    return np.array([np.exp(x) - 1 + 2 * (x - y), 2 * np.exp(2 * y) - 2 - 2 * (x - y)])


def convex_hess(p):
    x, y = p
    return np.array([[np.exp(x) + 2, -2.0], [-2.0, 4 * np.exp(2 * y) + 2]])


def test_run_record_has_the_shape_of_a_descent_run():
    run = newton(convex_f, convex_grad, convex_hess, [1.0, -0.5], 20)
    assert isinstance(run, SecondOrderRun) and isinstance(run, DescentRun)
    k = run.steps
    assert run.path.shape == (k + 1, 2)
    assert run.losses.shape == run.grad_norms.shape == run.min_curvature.shape
    assert run.losses.shape == (k + 1,)
    assert run.step_lengths.shape == (k,)
    np.testing.assert_array_equal(run.step_lengths, 1.0)
    np.testing.assert_allclose(run.losses, [convex_f(p) for p in run.path], rtol=0)
    assert run.status in SECOND_ORDER_STATUSES
    assert run.status == "converged" and run.final_kind == "minimum"
    assert run.message.startswith(f"Converged in {k} steps (newton;")


def test_newton_converges_quadratically_on_a_strongly_convex_function():
    run = newton(convex_f, convex_grad, convex_hess, [1.0, -0.5], 20, tol=0.0)
    errors = np.linalg.norm(run.path, axis=1)  # the minimiser is (0, 0)
    # Before rounding takes over (errors above 1e-7):
    live = np.flatnonzero(errors[:-1] > 1e-7)
    ratio = errors[live + 1] / errors[live]
    quadratic = errors[live + 1] / errors[live] ** 2
    assert len(live) >= 4
    assert np.all(quadratic < 1.0)  # measured: 0.41 … 0.71
    assert np.all(np.diff(ratio) < 0) and ratio[-1] < 1e-4  # e_{k+1}/e_k → 0
    # And the constant is Newton's: e_{k+1} ≈ ½ H⁻¹ T[e_k, e_k] with T the
    # third derivatives at 0 (∂³f/∂x³ = 1, ∂³f/∂y³ = 8, mixed 0), to O(e_k).
    H0 = convex_hess([0.0, 0.0])
    for k in live[2:]:
        e = run.path[k]
        predicted = 0.5 * np.linalg.solve(H0, [e[0] ** 2, 8 * e[1] ** 2])
        error = np.linalg.norm(run.path[k + 1] - predicted)
        assert error < 5 * np.linalg.norm(e) * np.linalg.norm(predicted)


def test_a_newton_step_is_the_exact_rational_one():
    # Rosenbrock from (-6/5, 1) and Beale from (1, 1), in exact arithmetic.
    x, y = sympy.symbols("x y")
    for landscape, start, steps in ((ROSENBROCK, (-1.2, 1.0), 1), (BEALE, (1, 1), 1)):
        expression = landscape.expression
        gradient = sympy.Matrix([expression.diff(v) for v in (x, y)])
        hessian = sympy.hessian(expression, (x, y))
        exact = {x: sympy.nsimplify(start[0]), y: sympy.nsimplify(start[1])}
        step = sympy.Matrix([exact[x], exact[y]]) - hessian.subs(exact).solve(
            gradient.subs(exact)
        )
        run = newton(landscape.f, landscape.grad, landscape.hess, start, steps)
        expected = np.array([float(v) for v in step])
        np.testing.assert_allclose(run.path[1], expected, rtol=1e-14, atol=1e-15)


def test_newton_solves_a_quadratic_in_one_step():
    rng = np.random.default_rng(7)
    M = rng.normal(size=(6, 6))
    A = M @ M.T + 6 * np.eye(6)
    b = rng.normal(size=6)
    run = newton(
        lambda x: 0.5 * x @ A @ x - b @ x,
        lambda x: A @ x - b,
        lambda x: A,
        rng.normal(size=6),
        10,
        tol=1e-9,
    )
    assert run.status == "converged" and run.steps == 1
    np.testing.assert_allclose(run.path[1], np.linalg.solve(A, b), rtol=1e-12)
    # On the indefinite quadratic x² - y² the one step lands on the saddle.
    saddle = LANDSCAPES["Saddle"]
    run = newton(saddle.f, saddle.grad, saddle.hess, saddle.start, 10)
    assert run.steps == 1 and np.all(run.path[1] == 0.0)
    assert run.final_kind == "saddle" and "at a saddle, not a minimum" in run.message


def test_newton_is_affine_invariant():
    # g(z) = f(Az + c): Newton on g from z0 = A⁻¹(x0 - c) follows x_k = A z_k + c.
    A = np.array([[3.0, 1.0], [-0.5, 0.2]])  # badly scaled and skewed
    c = np.array([0.3, -2.0])
    f, grad, hess = ROSENBROCK.f, ROSENBROCK.grad, ROSENBROCK.hess
    x0 = np.array([-1.2, 1.0])
    run_x = newton(f, grad, hess, x0, 20)
    run_z = newton(
        lambda z: f(A @ z + c),
        lambda z: A.T @ grad(A @ z + c),
        lambda z: A.T @ hess(A @ z + c) @ A,
        np.linalg.solve(A, x0 - c),
        20,
    )
    assert run_x.status == "converged" and run_x.steps == 7
    mapped = run_z.path[: run_x.steps + 1] @ A.T + c
    np.testing.assert_allclose(mapped, run_x.path, rtol=0, atol=1e-9)


def test_pure_newton_from_the_origin_climbs_to_himmelblaus_maximum():
    run = newton(HIMMELBLAU.f, HIMMELBLAU.grad, HIMMELBLAU.hess, [0.0, 0.0], 50)
    (maximum,) = point_of_kind(HIMMELBLAU, "maximum")
    assert run.status == "converged" and run.steps == 5
    np.testing.assert_allclose(run.path[-1], maximum, atol=1e-12)
    np.testing.assert_allclose(run.path[-1], [-0.270845, -0.923039], atol=1e-6)
    assert run.losses[-1] > run.losses[0]  # it went uphill, from 170 to 181.6
    assert run.final_kind == "maximum"
    assert "at a maximum, not a minimum" in run.message
    assert np.all(run.min_curvature < 0)  # concave all the way


def test_pure_newton_from_one_one_jumps_to_beales_saddle_in_one_step():
    run = newton(BEALE.f, BEALE.grad, BEALE.hess, [1.0, 1.0], 50)
    assert run.status == "converged" and run.steps == 1
    # Exactly (0, 1) in rational arithmetic (see the test above); to rounding here.
    np.testing.assert_allclose(run.path[1], [0.0, 1.0], rtol=0, atol=1e-15)
    assert nearest_critical(BEALE, run.path[1])[0].kind == "saddle"
    assert run.final_kind == "saddle" and "saddle" in run.message


# Pure Newton to |∇f| ≤ 1e-10: steps and where it lands, as an independent
# implementation (plain numpy.linalg.solve, written for the course notes) found.
NEWTON_LANDINGS = [
    ("Rosenbrock", (-1.2, 1.0), 7, (1.0, 1.0), "minimum"),
    ("Rosenbrock", (-1.5, 2.0), 7, (1.0, 1.0), "minimum"),
    ("Rosenbrock", (0.0, 0.0), 2, (1.0, 1.0), "minimum"),
    ("Rosenbrock", (2.0, 2.0), 5, (1.0, 1.0), "minimum"),
    ("Beale", (2.0, 0.0), 6, (3.0, 0.5), "minimum"),
    ("Beale", (1.0, 1.0), 1, (0.0, 1.0), "saddle"),
    ("Beale", (0.5, 0.5), 21, (0.0, 1.0), "saddle"),
    ("Beale", (-1.5, 2.0), 10, (0.0, 1.0), "saddle"),
    ("Himmelblau", (0.0, 0.0), 5, (-0.270845, -0.923039), "maximum"),
    ("Himmelblau", (-1.0, -1.0), 5, (-0.270845, -0.923039), "maximum"),
    ("Himmelblau", (4.0, 4.0), 7, (3.0, 2.0), "minimum"),
    ("Himmelblau", (-1.5, 2.0), 8, (3.0, 2.0), "minimum"),
    ("Himmelblau", (1.0, 1.0), 8, (-3.779310, -3.283186), "minimum"),
    ("Himmelblau", (-4.0, -4.0), 5, (-3.779310, -3.283186), "minimum"),
    ("Himmelblau", (-4.0, 4.0), 6, (-2.805118, 3.131313), "minimum"),
    ("Himmelblau", (4.0, -4.0), 7, (3.584428, -1.848127), "minimum"),
    ("Booth", (-8.0, 8.0), 1, (1.0, 3.0), "minimum"),
    ("Saddle", (1.5, 0.05), 1, (0.0, 0.0), "saddle"),
]


@pytest.mark.parametrize(("name", "start", "steps", "end", "kind"), NEWTON_LANDINGS)
def test_pure_newton_lands_where_an_independent_implementation_does(
    name, start, steps, end, kind
):
    landscape = LANDSCAPES[name]
    run = newton(landscape.f, landscape.grad, landscape.hess, start, 100)
    assert run.status == "converged" and run.steps == steps
    np.testing.assert_allclose(run.path[-1], end, atol=1e-6)
    critical, distance = nearest_critical(landscape, run.path[-1])
    assert critical.kind == kind and distance < 1e-9
    assert run.final_kind == kind


@pytest.mark.parametrize("line_search", [False, True])
@pytest.mark.parametrize(
    ("landscape", "start"), [(HIMMELBLAU, (0.0, 0.0)), (BEALE, (1.0, 1.0))]
)
def test_saddle_free_newton_escapes_to_a_minimum(landscape, start, line_search):
    run = newton(
        landscape.f,
        landscape.grad,
        landscape.hess,
        start,
        100,
        saddle="abs",
        line_search=line_search,
    )
    critical, distance = nearest_critical(landscape, run.path[-1])
    assert run.status == "converged"
    assert critical.kind == "minimum" and distance < 1e-9
    assert run.final_kind == "minimum"
    assert run.losses[-1] < run.losses[0]
    # With |λ| every direction points downhill, even where H is indefinite
    # (pure Newton's first step from these starts points uphill or to a saddle).
    moves = np.diff(run.path, axis=0)
    slopes = np.einsum("ij,ij->i", landscape.grad(run.path[:-1]), moves)
    assert np.all(slopes < 0)
    assert np.any(run.min_curvature < 0)  # it did cross non-convex ground
    if line_search:  # and then a step length makes every step lower f
        assert np.all(np.diff(run.losses) < 0)


def test_line_search_newton_refuses_an_uphill_direction():
    run = newton(
        HIMMELBLAU.f, HIMMELBLAU.grad, HIMMELBLAU.hess, [0.0, 0.0], 50, line_search=True
    )
    assert run.status == "uphill" and run.steps == 0
    assert "eigenvalues [-42, -26]" in run.message
    assert "points uphill" in run.message and "saddle='abs'" in run.message


def test_line_search_keeps_the_loss_falling_and_still_converges():
    run = newton(
        ROSENBROCK.f,
        ROSENBROCK.grad,
        ROSENBROCK.hess,
        [-1.2, 1.0],
        100,
        line_search=True,
    )
    assert run.status == "converged"
    np.testing.assert_allclose(run.path[-1], [1.0, 1.0], atol=1e-10)
    assert np.all(np.diff(run.losses) <= 0)
    assert np.all((run.step_lengths > 0) & (run.step_lengths <= 1))
    assert run.step_lengths[-1] == 1.0  # full Newton steps near the minimum


def test_a_singular_hessian_stops_the_run_with_a_message():
    # f = x + y: H = 0, no Newton step anywhere.
    run = newton(
        lambda p: p[0] + p[1],
        lambda p: np.array([1.0, 1.0]),
        lambda p: np.zeros((2, 2)),
        [1.0, 2.0],
        10,
    )
    assert run.status == "singular" and run.steps == 0
    assert "singular" in run.message and "damping" in run.message
    # f = x² in the plane: H = diag(2, 0) is singular; damping makes it solvable.
    args = (
        lambda p: p[0] ** 2,
        lambda p: np.array([2 * p[0], 0.0]),
        lambda p: np.diag([2.0, 0.0]),
        [1.0, 5.0],
        100,
    )
    assert newton(*args).status == "singular"
    damped = newton(*args, damping=1.0)
    assert damped.status == "converged" and damped.method == "damped newton"
    # (H + I) step: x ← x - 2x/3 = x/3 exactly; y untouched.
    np.testing.assert_allclose(
        damped.path[:4, 0], [1, 1 / 3, 1 / 9, 1 / 27], rtol=1e-15
    )
    assert np.all(damped.path[:, 1] == 5.0)


def test_newton_on_the_monkey_saddle_halves_x_each_step():
    # x³ - 3xy² is homogeneous of degree 3, so H x = 2 ∇f: x ← x - x/2.
    monkey = LANDSCAPES["Monkey saddle"]
    run = newton(monkey.f, monkey.grad, monkey.hess, [-1.5, 2.0], 100)
    k = np.arange(run.steps + 1)[:, None]
    np.testing.assert_allclose(run.path, [-1.5, 2.0] * 0.5**k, rtol=1e-15)
    # |∇f| = 3|x|² = 18.75 · 4⁻ᵏ ≤ 1e-10 first at k = 19.
    assert run.status == "converged" and run.steps == 19


def test_newton_divergence_and_leaving_the_domain_are_run_results():
    # f = √(1 + x²): the Newton step is x ← -x³; from 2: -8, 512, -1.3e8 (blow-up).
    f = lambda x: np.sqrt(1 + x**2)  # noqa: E731
    grad = lambda x: x / np.sqrt(1 + x**2)  # noqa: E731
    hess = lambda x: (1 + x**2) ** -1.5  # noqa: E731
    run = newton(f, grad, hess, 2.0, 20)
    assert run.status == "diverged" and run.diverged_at == 3
    np.testing.assert_allclose(run.path, [2.0, -8.0, 512.0], rtol=1e-12)
    assert run.path.shape == (3,)  # a scalar start gives a path of scalars
    assert "Diverged at step 3" in run.message
    # From 0.5 the same map converges cubically: 0.5, -0.125, 0.00195, -7.5e-9, ...
    run = newton(f, grad, hess, 0.5, 20)
    assert run.status == "converged"
    np.testing.assert_allclose(run.path[:4], [0.5, -0.125, 0.125**3, -(0.125**9)])
    # f = x - log x: step x ← 2x - x²; from 3 it lands on -3, where log is nan.
    with np.errstate(invalid="ignore"):
        run = newton(
            lambda x: x - np.log(x), lambda x: 1 - 1 / x, lambda x: x**-2.0, 3.0, 10
        )
    assert run.status == "undefined" and run.path.tolist() == [3.0]
    assert "nan" in run.message


def test_steps_zero_and_starting_at_the_minimum():
    run = newton(convex_f, convex_grad, convex_hess, [1.0, 1.0], 0)
    assert run.status == "not started" and run.path.shape == (1, 2)
    run = newton(convex_f, convex_grad, convex_hess, [0.0, 0.0], 5)
    assert run.status == "converged" and run.steps == 0
    run = bfgs(convex_f, convex_grad, [1.0, 1.0], 0)
    assert run.status == "not started" and run.path.shape == (1, 2)


def test_unfinished_newton_run_says_so():
    run = newton(HIMMELBLAU.f, HIMMELBLAU.grad, HIMMELBLAU.hess, [4.0, 4.0], 3)
    assert run.status == "converging"
    assert run.message.startswith("Converging: |∇f| = ")


# --- BFGS ---------------------------------------------------------------------


def test_bfgs_reaches_the_rosenbrock_minimum():
    run = bfgs(ROSENBROCK.f, ROSENBROCK.grad, [-1.2, 1.0], 200)
    assert run.status == "converged" and run.method == "bfgs"
    np.testing.assert_allclose(run.path[-1], [1.0, 1.0], atol=1e-6)
    # Measured: 39 iterations and 56 evaluations of f and grad (pure Newton
    # needs 7 iterations but also 7 Hessians and 7 solves).
    assert run.steps <= 50
    assert run.evaluations <= 2 * run.steps
    assert run.skipped_updates == 0
    assert np.all(np.diff(run.losses) < 0)


@pytest.mark.parametrize(
    ("name", "start"),
    [
        ("Rosenbrock", (-1.2, 1.0)),
        ("Beale", (1.0, 1.0)),
        ("Himmelblau", (0.0, 0.0)),
        ("Booth", (-8.0, 8.0)),
    ],
)
def test_every_bfgs_step_satisfies_the_strong_wolfe_conditions(name, start):
    landscape = LANDSCAPES[name]
    run = bfgs(landscape.f, landscape.grad, start, 200)
    assert run.status == "converged"
    critical, distance = nearest_critical(landscape, run.path[-1])
    assert critical.kind == "minimum" and distance < 1e-8
    for k in range(run.steps):
        x, x_next, alpha = run.path[k], run.path[k + 1], run.step_lengths[k]
        direction = (x_next - x) / alpha
        slope = landscape.grad(x) @ direction
        assert slope < 0
        decrease = landscape.f(x) + 1e-4 * alpha * slope - landscape.f(x_next)
        # Sufficient decrease, up to rounding of f (|f| · 1e-15).
        assert decrease >= -1e-15 * abs(landscape.f(x))
        assert abs(landscape.grad(x_next) @ direction) <= 0.9 * abs(slope) * (1 + 1e-9)


def test_bfgs_on_an_unbounded_function_diverges_with_a_message():
    monkey = LANDSCAPES["Monkey saddle"]
    run = bfgs(monkey.f, monkey.grad, monkey.start, 50)
    assert run.status == "diverged"
    assert "unbounded below" in run.message


def test_bfgs_with_a_wrong_gradient_reports_a_failed_line_search():
    run = bfgs(convex_f, lambda p: -convex_grad(p), [1.0, -0.5], 50)
    assert run.status == "line search failed"
    assert "strong Wolfe" in run.message and "gradient does not match f" in run.message


@pytest.mark.skipif(
    importlib.util.find_spec("scipy") is None,
    reason="SciPy is not installed (it is not a dependency of calclearn)",
)
@pytest.mark.parametrize("start", [(-1.2, 1.0), (-1.5, 2.0), (2.0, 2.0)])
def test_bfgs_agrees_with_scipy(start):
    from scipy.optimize import minimize

    ours = bfgs(ROSENBROCK.f, ROSENBROCK.grad, start, 500, tol=1e-8)
    theirs = minimize(
        ROSENBROCK.f,
        start,
        jac=ROSENBROCK.grad,
        method="BFGS",
        options={"gtol": 1e-8, "norm": 2},
    )
    assert ours.status == "converged" and theirs.success
    np.testing.assert_allclose(ours.path[-1], theirs.x, atol=1e-7)
    # Same algorithm, different line-search details: iteration counts within 2x.
    assert 0.5 <= ours.steps / theirs.nit <= 2.0


# --- Bad input ---------------------------------------------------------------

F, G, H = convex_f, convex_grad, convex_hess
START = [1.0, -0.5]

BAD_NEWTON = [
    ((1.0, G, H, START, 5), {}, TypeError, "f must be a function"),
    ((F, None, H, START, 5), {}, TypeError, "grad must be a function"),
    ((F, G, "H", START, 5), {}, TypeError, "hess must be a function"),
    ((F, G, H, [[1.0, 2.0]], 5), {}, ValueError, "x0 must be a number or a 1-D"),
    ((F, G, H, [], 5), {}, ValueError, "x0"),
    ((F, G, H, ["a", "b"], 5), {}, TypeError, "x0"),
    ((F, G, H, [np.nan, 0.0], 5), {}, ValueError, "x0 must be finite"),
    ((F, G, H, START, -1), {}, ValueError, "steps"),
    ((F, G, H, START, 2.5), {}, TypeError, "steps"),
    ((F, G, H, START, 10**7), {}, ValueError, "steps"),
    ((F, G, H, START, 5), {"damping": -1.0}, ValueError, "damping"),
    ((F, G, H, START, 5), {"damping": np.nan}, ValueError, "damping"),
    ((F, G, H, START, 5), {"damping": "a"}, TypeError, "damping"),
    ((F, G, H, START, 5), {"line_search": "yes"}, TypeError, "line_search"),
    ((F, G, H, START, 5), {"saddle": "free"}, ValueError, "saddle"),
    ((F, G, H, START, 5), {"saddle": None}, TypeError, "saddle"),
    ((F, G, H, START, 5), {"tol": -1.0}, ValueError, "tol"),
    ((F, G, lambda p: np.eye(3), START, 5), {}, ValueError, "hess must return"),
    ((F, G, lambda p: None, START, 5), {}, ValueError, "hess returned None"),
    ((F, G, lambda p: [[1, 2], [0, 1]], START, 5), {}, ValueError, "symmetric"),
    ((F, G, lambda p: np.full((2, 2), np.nan), START, 5), {}, ValueError, "hess(x0)"),
    ((F, G, lambda p: np.eye(2) * 1j, START, 5), {}, TypeError, "hess"),
    ((F, lambda p: [1.0], H, START, 5), {}, ValueError, "grad must return"),
    ((lambda p: np.inf, G, H, START, 5), {}, ValueError, "f(x0) is inf"),
]


@pytest.mark.parametrize(("args", "kwargs", "error", "text"), BAD_NEWTON)
def test_newton_bad_input_names_the_argument(args, kwargs, error, text):
    with pytest.raises(error) as info:
        newton(*args, **kwargs)
    assert text in str(info.value)


BAD_BFGS = [
    (("f", G, START, 5), {}, TypeError, "f must be a function"),
    ((F, 3, START, 5), {}, TypeError, "grad must be a function"),
    ((F, G, np.zeros((2, 2)), 5), {}, ValueError, "x0"),
    ((F, G, START, -3), {}, ValueError, "steps"),
    ((F, G, START, 5), {"tol": "tiny"}, TypeError, "tol"),
    ((F, lambda p: np.array([np.nan, 0.0]), START, 5), {}, ValueError, "grad(x0)"),
]


@pytest.mark.parametrize(("args", "kwargs", "error", "text"), BAD_BFGS)
def test_bfgs_bad_input_names_the_argument(args, kwargs, error, text):
    with pytest.raises(error) as info:
        bfgs(*args, **kwargs)
    assert text in str(info.value)
