"""Tests for calclearn.linalg, each against an independent route.

Routes: numpy.linalg.eigh (LAPACK) for the closed-form eigen-decomposition,
sympy (exact eigenvalues, exact differentiation of ½pᵀAp − bᵀp), central
differences from calclearn.differentiation, and gradient descent itself
(calclearn.optim) for the per-step factors.

Tolerances (float64):

- eigenvalues vs eigh and vs sympy: ``|ours - theirs| <= 1e-13 * max(1, max|λ|)``.
- eigenvectors: ``||A v - λ v|| <= 1e-13 * max|λ|``, unit length and
  perpendicular to ``1e-14``.
- gradient vs sympy: ``1e-13`` relative; vs central differences ``1e-8`` relative.
- measured per-step factor of a descent run vs ``contraction_factor``: ``1e-9``.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from calclearn.differentiation import gradient
from calclearn.landscapes import quadratic_bowl
from calclearn.linalg import (
    contraction_factor,
    descent_factors,
    eigen_figure,
    level_set_ellipse,
    quadratic_form,
    quadratic_gradient,
    steps_to_shrink,
    symmetric_eigen,
)
from calclearn.optim import gradient_descent

entries = st.floats(-50, 50, allow_nan=False, allow_infinity=False)


@settings(max_examples=300, deadline=None)
@given(entries, entries, entries)
def test_eigen_decomposition_matches_lapack(a, c, d):
    A = np.array([[a, c], [c, d]])
    eigen = symmetric_eigen(A)
    expected = np.linalg.eigh(A).eigenvalues
    scale = max(1.0, float(np.abs(expected).max()))
    assert np.all(np.abs(eigen.eigenvalues - expected) <= 1e-13 * scale)
    V = eigen.eigenvectors
    assert np.allclose(V.T @ V, np.eye(2), rtol=0, atol=1e-14)
    for i in range(2):
        residual = A @ V[:, i] - eigen.eigenvalues[i] * V[:, i]
        assert np.linalg.norm(residual) <= 1e-13 * scale
    if abs(expected[0]) > 1e-13 * scale:  # else its sign is rounding noise
        assert eigen.positive_definite == bool(expected[0] > 0)


def test_tiny_eigenvalue_keeps_its_digits():
    # m − r would return 0 here and call the matrix singular.
    eigen = symmetric_eigen([[1.0, 0.0], [0.0, 1e-20]])
    assert eigen.eigenvalues.tolist() == [1e-20, 1.0]
    assert eigen.positive_definite


@pytest.mark.parametrize(
    "A",
    [
        [[3, 1], [1, 3]],
        [[2, -1], [-1, 5]],
        [[sympy.Rational(7, 2), sympy.Rational(1, 3)], [sympy.Rational(1, 3), 1]],
        [[802, -400], [-400, 200]],  # Rosenbrock's Hessian at its minimum
    ],
)
def test_eigenvalues_match_sympy(A):
    exact = sorted(sympy.Matrix(A).eigenvals(multiple=True), key=float)
    ours = symmetric_eigen(np.array(A, dtype=float)).eigenvalues
    for got, want in zip(ours, exact, strict=True):
        assert abs(got - float(want)) <= 1e-13 * max(1.0, abs(float(want)))


def test_ill_conditioned_eigenvalues_match_sympy_on_the_stored_matrix():
    # The float entries, taken exactly as rationals: sympy's eigenvalues are
    # those of the very matrix we decompose. Bound: 1e-13 * λmax (absolute),
    # what any method can promise from entries rounded at that scale.
    A = quadratic_bowl(1e4, 0.3).A
    exact = sympy.Matrix(2, 2, [sympy.Rational(v) for v in A.ravel()])
    want = sorted(float(v) for v in exact.eigenvals(multiple=True))
    got = symmetric_eigen(A).eigenvalues
    assert np.all(np.abs(got - want) <= 1e-13 * want[1])


def test_equal_eigenvalues_choose_the_axes():
    eigen = symmetric_eigen([[2.0, 0.0], [0.0, 2.0]])
    assert eigen.eigenvalues.tolist() == [2.0, 2.0]
    assert np.array_equal(np.abs(eigen.eigenvectors), [[0, 1], [1, 0]])
    assert eigen.condition_number == 1.0


def test_eigenvectors_follow_the_bowl_rotation():
    # quadratic_bowl builds A = R diag(1, κ) Rᵀ: its shallow axis is (cos θ, sin θ).
    theta = math.radians(30)
    eigen = symmetric_eigen(quadratic_bowl(10, theta).A)
    shallow = np.array([math.cos(theta), math.sin(theta)])
    assert abs(abs(eigen.eigenvectors[:, 0] @ shallow) - 1) <= 1e-14
    assert eigen.condition_number == pytest.approx(10, rel=1e-13)


def test_indefinite_matrix_has_no_condition_number():
    eigen = symmetric_eigen([[1.0, 2.0], [2.0, 1.0]])
    assert eigen.eigenvalues.tolist() == pytest.approx([-1.0, 3.0], abs=1e-15)
    assert not eigen.positive_definite
    with pytest.raises(ValueError, match="positive definite"):
        eigen.condition_number  # noqa: B018


def test_quadratic_form_and_gradient_match_sympy():
    x, y = sympy.symbols("x y")
    A = sympy.Matrix([[3, 1], [1, 2]])
    b = sympy.Matrix([1, -2])
    p = sympy.Matrix([x, y])
    f = (p.T * A * p)[0] / 2 - (b.T * p)[0]
    exact_gradient = sympy.lambdify((x, y), [f.diff(x), f.diff(y)])
    exact_form = sympy.lambdify((x, y), (p.T * A * p)[0])
    A_np, b_np = np.array(A.tolist(), float), np.array(b.tolist(), float).ravel()
    rng = np.random.default_rng(7)
    for point in rng.uniform(-3, 3, (20, 2)):
        want = np.array(exact_gradient(*point))
        got = quadratic_gradient(A_np, b_np, point)
        assert np.all(np.abs(got - want) <= 1e-13 * max(1, np.abs(want).max()))
        form = exact_form(*point)
        assert abs(quadratic_form(A_np, point) - form) <= 1e-13 * max(1, abs(form))


def test_gradient_matches_central_differences():
    A = np.array([[2.0, -0.7], [-0.7, 0.5]])
    b = np.array([0.3, 1.1])

    def f(p):
        return 0.5 * quadratic_form(A, p) - b @ p

    for point in ([0.4, -1.2], [2.0, 3.0], [-1.5, 0.1]):
        numeric = gradient(f, np.array(point))
        exact = quadratic_gradient(A, b, point)
        assert np.all(np.abs(numeric - exact) <= 1e-8 * max(1, np.abs(exact).max()))


def test_gradient_and_form_work_on_many_points():
    A = [[1.0, 0.5], [0.5, 2.0]]
    points = np.arange(12.0).reshape(3, 2, 2)
    assert quadratic_form(A, points).shape == (3, 2)
    assert quadratic_gradient(A, [0, 0], points).shape == (3, 2, 2)
    assert quadratic_form(A, points)[1, 1] == pytest.approx(
        points[1, 1] @ np.array(A) @ points[1, 1], rel=1e-15
    )


@pytest.mark.parametrize("kappa, rule", [(10, "best"), (10, "cautious"), (100, "best")])
def test_contraction_factor_is_what_descent_measures(kappa, rule):
    bowl = quadratic_bowl(kappa, math.radians(30))
    lr = bowl.best_step if rule == "best" else 1 / bowl.eigenvalues[1]
    run = gradient_descent(bowl.f, bowl.grad, bowl.start, lr, 60, tol=0.0)
    distances = np.linalg.norm(run.path, axis=1)
    measured = (distances[60] / distances[40]) ** (1 / 20)
    assert abs(measured - contraction_factor(bowl.eigenvalues, lr)) <= 1e-9


def test_each_eigen_component_is_multiplied_by_its_factor():
    bowl = quadratic_bowl(10, math.radians(30))
    lr = 0.15
    V = symmetric_eigen(bowl.A).eigenvectors
    run = gradient_descent(bowl.f, bowl.grad, bowl.start, lr, 5, tol=0.0)
    components = run.path @ V  # coordinates along v_min, v_max
    ratios = components[1:] / components[:-1]
    expected = descent_factors(bowl.eigenvalues, lr)
    assert np.allclose(ratios, expected, rtol=1e-12, atol=0)


def test_best_step_factor_is_kappa_formula_and_balances():
    for kappa in (2.0, 10.0, 1000.0):
        eigenvalues = [1.0, kappa]
        best = 2 / (1 + kappa)
        factors = descent_factors(eigenvalues, best)
        assert factors[0] == pytest.approx(-factors[1], rel=1e-13)
        expected = (kappa - 1) / (kappa + 1)
        assert contraction_factor(eigenvalues, best) == pytest.approx(
            expected, rel=1e-13
        )
        # Any other step is worse.
        for other in (0.9 * best, 1.1 * best):
            assert contraction_factor(eigenvalues, other) > expected


def test_stability_bound_from_the_factors():
    eigenvalues = [1.0, 4.0]
    assert contraction_factor(eigenvalues, 0.4999) < 1
    assert contraction_factor(eigenvalues, 0.5) == 1
    assert contraction_factor(eigenvalues, 0.5001) > 1


def test_steps_to_shrink():
    # ln(1e6) / -ln(9/11) written out.
    assert steps_to_shrink(9 / 11) == pytest.approx(
        13.815510557964274 / 0.2006706954621511
    )
    rate = 999 / 1001
    assert steps_to_shrink(rate) == pytest.approx(1000 / 2 * math.log(1e6), rel=1e-5)
    assert steps_to_shrink(0.0) == 0.0
    assert steps_to_shrink(1.0) == math.inf
    bowl = quadratic_bowl(10)
    run = gradient_descent(bowl.f, bowl.grad, bowl.start, bowl.best_step, 200, tol=0.0)
    distances = np.linalg.norm(run.path, axis=1)
    k = math.ceil(steps_to_shrink(contraction_factor(bowl.eigenvalues, bowl.best_step)))
    assert distances[k] <= 1e-6 * distances[0] < distances[k - 3]


def test_level_set_ellipse_is_on_the_level():
    A = quadratic_bowl(7, 0.4).A
    points = level_set_ellipse(A, 2.5, points=50)
    assert points.shape == (50, 2)
    values = 0.5 * quadratic_form(A, points)
    assert np.all(np.abs(values - 2.5) <= 1e-13 * 2.5)
    # Longest semi-axis √(2c/λmin) = √5, along the shallow direction.
    assert np.linalg.norm(points, axis=1).max() == pytest.approx(math.sqrt(5), rel=1e-3)


def test_eigen_figure_draws_the_levels_and_both_eigenvectors():
    figure = eigen_figure([[3.0, 1.0], [1.0, 3.0]], levels=(1.0, 2.0))
    ax = figure.axes[0]
    ellipses = [line for line in ax.get_lines() if len(line.get_xdata()) > 2]
    assert len(ellipses) == 2
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert labels == ["eigenvector, λmin = 2", "eigenvector, λmax = 4"]
    tips = [np.array(arrow.xy) for arrow in ax.texts]
    # Tips on the outer level set: ½ tipᵀ A tip = 2.
    for tip in tips:
        assert 0.5 * quadratic_form([[3, 1], [1, 3]], tip) == pytest.approx(2.0)


@pytest.mark.parametrize(
    "call, error, words",
    [
        (lambda: symmetric_eigen([[1, 2], [3, 4]]), ValueError, "symmetric"),
        (lambda: symmetric_eigen([1, 2, 3]), ValueError, "2×2"),
        (lambda: symmetric_eigen([["a", 1], [1, 2]]), TypeError, "A must"),
        (lambda: symmetric_eigen([[np.nan, 1], [1, 2]]), ValueError, "finite"),
        (lambda: quadratic_form([[1, 0], [0, 1]], [1, 2, 3]), ValueError, "p must"),
        (
            lambda: quadratic_gradient(np.eye(2), [1, 2, 3], [0, 0]),
            ValueError,
            "b must",
        ),
        (lambda: descent_factors([1.0, 2.0], -0.1), ValueError, "lr must"),
        (lambda: descent_factors([[1.0]], 0.1), ValueError, "eigenvalues must"),
        (lambda: steps_to_shrink(-0.5), ValueError, "rate must"),
        (lambda: steps_to_shrink(0.5, 0.5), ValueError, "factor must"),
        (lambda: level_set_ellipse([[1, 0], [0, -1]], 1.0), ValueError, "positive def"),
        (lambda: level_set_ellipse(np.eye(2), 0.0), ValueError, "level must"),
        (lambda: eigen_figure(np.eye(2), levels=(1, -1)), ValueError, "levels must"),
    ],
)
def test_bad_input_names_the_argument(call, error, words):
    with pytest.raises(error, match=words):
        call()
