"""Tests of calclearn.curvature: the second-derivative test, the condition
number and the quadratic Taylor model.

Independent routes: the kind of every critical point is checked against the
sign of f(p + δ) - f(p) on a small circle (no Hessian involved); condition
numbers against numpy's 2-norm condition number (singular values) and against
matrices built from chosen eigenvalues; the Taylor model against the
landscapes' closed forms, central differences, and its O(r³) error law.
"""

from __future__ import annotations

import numpy as np
import pytest

from calclearn.curvature import (
    CURVATURE_KINDS,
    TaylorModel,
    classify,
    condition_number,
    power_iteration,
    require_symmetric,
    taylor_model,
)
from calclearn.differentiation import gradient as difference_gradient
from calclearn.landscapes import LANDSCAPES

RNG_SEED = 20261126

CRITICAL = [
    (name, index)
    for name, landscape in LANDSCAPES.items()
    for index in range(len(landscape.critical_points))
]


def rotated(eigenvalues, seed=RNG_SEED):
    """Q diag(λ) Qᵀ for a random orthogonal Q: a symmetric matrix with known λ."""
    rng = np.random.default_rng(seed)
    q, _ = np.linalg.qr(rng.normal(size=(len(eigenvalues), len(eigenvalues))))
    matrix = q @ np.diag(eigenvalues) @ q.T
    return 0.5 * (matrix + matrix.T)


def kind_from_values(landscape, point, radius):
    """The kind of a critical point from f on a circle around it (no Hessian)."""
    angles = np.linspace(0, 2 * np.pi, 720, endpoint=False)
    circle = np.asarray(point) + radius * np.column_stack(
        [np.cos(angles), np.sin(angles)]
    )
    rise = landscape.f(circle) - landscape.f(point)
    if np.all(rise > 0):
        return "minimum"
    if np.all(rise < 0):
        return "maximum"
    assert np.any(rise > 0) and np.any(rise < 0)
    return "saddle"


@pytest.mark.parametrize(("name", "index"), CRITICAL)
def test_every_known_critical_point_is_classified_correctly(name, index):
    landscape = LANDSCAPES[name]
    critical = landscape.critical_points[index]
    H = landscape.hess(critical.point)
    # Sanity: it is a critical point (closed-form gradient, 1e-9 absolute at
    # points given as float64 roots of a polynomial system).
    assert np.linalg.norm(landscape.grad(critical.point)) < 1e-9
    # Independent route: f on a circle of radius 1e-3 around the point.
    assert kind_from_values(landscape, critical.point, 1e-3) == critical.kind
    if not np.any(H):
        # The monkey saddle: H = 0, the test is inconclusive, as its note says.
        assert classify(H) == "degenerate"
        assert "inconclusive" in critical.note
    else:
        assert classify(H) == critical.kind


@pytest.mark.parametrize(
    ("eigenvalues", "kind"),
    [
        ([1.0, 2.0, 3.0], "minimum"),
        ([-1.0, -2.0, -30.0], "maximum"),
        ([5.0, -1e-3, 2.0], "saddle"),
        ([4.0, 0.0, -4.0], "saddle"),  # a zero eigenvalue does not hide a sign change
        ([4.0, 0.0, 1.0], "degenerate"),
        ([-4.0, -1.0, 0.0], "degenerate"),
        ([0.0, 0.0, 0.0], "degenerate"),
        ([1.0, 1e-9, 2.0], "degenerate"),  # 1e-9 / 2 below the 1e-8 tolerance
        ([1.0, 1e-7, 2.0], "minimum"),  # 5e-8 relative: above it
    ],
)
def test_classify_from_chosen_eigenvalues(eigenvalues, kind):
    assert classify(rotated(eigenvalues)) == kind
    assert kind in CURVATURE_KINDS


@pytest.mark.parametrize("scale", [1e-200, 1e-8, 1.0, 1e8, 1e200])
def test_classify_tolerance_is_relative(scale):
    # Multiplying f by a positive constant cannot change the kind of a point.
    assert classify(scale * np.diag([1.0, 3.0])) == "minimum"
    assert classify(scale * np.diag([1.0, -3.0])) == "saddle"
    assert classify(scale * np.diag([1.0, 1e-10])) == "degenerate"


def test_classify_tolerance_argument():
    H = np.diag([1.0, 1e-6])
    assert classify(H) == "minimum"
    assert classify(H, tol=1e-5) == "degenerate"
    assert classify(H, tol=0.0) == "minimum"


@pytest.mark.parametrize("n", [2, 5, 12])
def test_condition_number_of_a_matrix_with_chosen_eigenvalues(n):
    eigenvalues = np.geomspace(0.5, 0.5 * 10**n, n)
    H = rotated(eigenvalues, seed=n)
    # Rounding in Q D Qᵀ perturbs λmin by ~eps·λmax, i.e. κ by eps·κ relative.
    expected = eigenvalues[-1] / eigenvalues[0]
    assert condition_number(H) == pytest.approx(expected, rel=1e-15 * expected + 1e-12)


@pytest.mark.parametrize("seed", range(5))
def test_condition_number_is_the_two_norm_one_for_indefinite_matrices(seed):
    rng = np.random.default_rng(seed)
    A = rng.normal(size=(6, 6))
    H = A + A.T  # symmetric, indefinite in general
    singular_values = np.linalg.svd(H, compute_uv=False)
    assert classify(H) == "saddle"
    assert condition_number(H) == pytest.approx(
        singular_values[0] / singular_values[-1], rel=1e-10
    )
    np.testing.assert_allclose(condition_number(H), np.linalg.cond(H, 2), rtol=1e-10)


def test_condition_number_of_singular_matrices_is_infinite():
    assert condition_number([[1.0, 0.0], [0.0, 0.0]]) == np.inf
    assert condition_number(np.zeros((3, 3))) == np.inf
    # Booth: eigenvalues 2 and 18 (its Hessian is [[10, 8], [8, 10]]).
    assert condition_number(LANDSCAPES["Booth"].hess([0.0, 0.0])) == pytest.approx(
        9.0, rel=1e-15
    )


@pytest.mark.parametrize("name", ["Rosenbrock", "Beale", "Himmelblau", "Booth"])
def test_taylor_model_matches_the_closed_form_derivatives(name):
    landscape = LANDSCAPES[name]
    rng = np.random.default_rng(RNG_SEED)
    (x0, x1), (y0, y1) = landscape.window
    point = np.array([rng.uniform(x0, x1) / 2, rng.uniform(y0, y1) / 2])
    model = taylor_model(landscape, point)
    assert isinstance(model, TaylorModel)
    assert model.value == landscape.f(point)
    np.testing.assert_array_equal(model.gradient, landscape.grad(point))
    np.testing.assert_array_equal(model.hessian, landscape.hess(point))
    assert model(point) == model.value
    assert model.kind == classify(landscape.hess(point))
    # The same model from a plain function, by central differences: the
    # gradient to ~1e-9 and the Hessian to ~1e-6 relative to their size.
    plain = taylor_model(lambda p: float(landscape.f(p)), point)
    scale_g = np.abs(model.gradient).max() + 1
    scale_h = np.abs(model.hessian).max() + 1
    np.testing.assert_allclose(plain.gradient, model.gradient, atol=1e-8 * scale_g)
    np.testing.assert_allclose(plain.hessian, model.hessian, atol=1e-6 * scale_h)


def test_taylor_model_is_vectorised_over_leading_axes():
    model = taylor_model("Himmelblau", [1.0, -2.0])
    rng = np.random.default_rng(RNG_SEED)
    points = rng.uniform(-3, 3, size=(4, 5, 2))
    values = model(points)
    assert values.shape == (4, 5)
    for index in np.ndindex(4, 5):
        delta = points[index] - model.point
        expected = (
            model.value + model.gradient @ delta + 0.5 * delta @ model.hessian @ delta
        )
        assert values[index] == pytest.approx(expected, rel=1e-13, abs=1e-12)
    # error() agrees for a vectorised landscape and a point-by-point function.
    plain = taylor_model(
        lambda p: float(LANDSCAPES["Himmelblau"].f(p)),
        [1.0, -2.0],
        gradient=model.gradient,
        hessian=model.hessian,
    )
    np.testing.assert_allclose(plain.error(points), model.error(points), rtol=1e-13)


@pytest.mark.parametrize("name", ["Rosenbrock", "Beale", "Himmelblau"])
def test_taylor_model_error_shrinks_like_the_cube_of_the_distance(name):
    landscape = LANDSCAPES[name]
    point = np.array([0.7, 0.4])
    model = taylor_model(landscape, point)
    direction = np.array([0.6, 0.8])
    radii = 1e-2 * 0.5 ** np.arange(6)
    errors = np.abs(model.error(point + radii[:, None] * direction))
    # Halving r divides the error by 8 (up to an O(r) correction): 8 ± 10 %.
    np.testing.assert_allclose(errors[:-1] / errors[1:], 8.0, rtol=0.1)


def test_taylor_model_of_a_quadratic_is_exact():
    model = taylor_model("Booth", [-3.0, 4.0])
    points = np.random.default_rng(RNG_SEED).uniform(-10, 10, size=(50, 2))
    scale = np.abs(LANDSCAPES["Booth"].f(points)).max()
    assert np.abs(model.error(points)).max() <= 1e-13 * scale
    # Its stationary point is the minimum (1, 3), one Newton step away.
    np.testing.assert_allclose(model.stationary_point, [1.0, 3.0], rtol=1e-14)


def test_stationary_point_is_none_for_a_singular_hessian():
    model = taylor_model(lambda p: p[0] + p[1], [1.0, 2.0], hessian=np.zeros((2, 2)))
    assert model.stationary_point is None
    assert model.kind == "degenerate"


def test_require_symmetric_symmetrises_rounding_and_returns_a_copy():
    H = np.array([[2.0, 1.0], [1.0 + 1e-15, 3.0]])
    result = require_symmetric(H)
    np.testing.assert_array_equal(result, result.T)
    assert result is not H


@pytest.mark.parametrize("top", [50.0, -50.0])
def test_power_iteration_finds_the_eigenvalue_of_largest_magnitude(top):
    eigenvalues = np.concatenate([np.linspace(1.0, 25.0, 19), [top]])
    H = rotated(eigenvalues, seed=3)
    start = np.random.default_rng(4).normal(size=20)
    result = power_iteration(lambda v: H @ v, start, tol=1e-14)
    assert result.converged
    assert result.eigenvalue == pytest.approx(top, rel=1e-12)
    # The eigenvector (up to sign) against numpy's.
    _, vectors = np.linalg.eigh(H)
    expected = vectors[:, np.argmax(np.abs(np.linalg.eigvalsh(H)))]
    assert abs(result.eigenvector @ expected) == pytest.approx(1.0, abs=1e-10)
    # Error of the Rayleigh quotient shrinks like (λ₂/λ₁)^(2k) = (1/2)^(2k):
    # ×1/4 per product once the top two components dominate (k = 4 … 14).
    errors = np.abs(result.estimates - top)[4:15]
    np.testing.assert_allclose(errors[1:] / errors[:-1], 0.25, rtol=0.1)
    # The matrix itself works as well as the product.
    assert power_iteration(H, start, tol=1e-14).eigenvalue == result.eigenvalue


def test_power_iteration_on_gradient_differences_gives_the_stability_bound():
    # Rosenbrock at its minimum: H = [[802, -400], [-400, 200]], from products
    # Hv ≈ (∇f(p + εv) - ∇f(p - εv)) / 2ε, without forming H.
    rosenbrock = LANDSCAPES["Rosenbrock"]
    p, eps = np.array([1.0, 1.0]), 1e-5

    def hvp(v):
        return (rosenbrock.grad(p + eps * v) - rosenbrock.grad(p - eps * v)) / (2 * eps)

    result = power_iteration(hvp, [1.0, 0.0])
    top = np.linalg.eigvalsh(rosenbrock.hess(p))[-1]
    assert result.eigenvalue == pytest.approx(top, rel=1e-8)
    assert 2 / result.eigenvalue == pytest.approx(2 / top, rel=1e-8)  # η < 0.001997

    # With gradients by finite differences too (a plain function): 1e-5 relative.
    def hvp_plain(v):
        f = lambda q: float(rosenbrock.f(q))  # noqa: E731
        return (
            difference_gradient(f, p + 1e-3 * v) - difference_gradient(f, p - 1e-3 * v)
        ) / 2e-3

    assert power_iteration(hvp_plain, [1.0, 0.0], tol=1e-8).eigenvalue == pytest.approx(
        top, rel=1e-5
    )


BAD_INPUT = [
    (classify, ("abc",), {}, TypeError, "H"),
    (classify, ([[1.0, 2.0, 3.0]],), {}, ValueError, "H must be a square"),
    (classify, ([[1.0, 2.0], [0.0, 1.0]],), {}, ValueError, "H must be symmetric"),
    (classify, ([[np.nan]],), {}, ValueError, "H must be finite"),
    (classify, (np.zeros((0, 0)),), {}, ValueError, "H must be a square"),
    (classify, ([[True]],), {}, TypeError, "H"),
    (classify, (np.eye(2),), {"tol": -1.0}, ValueError, "tol"),
    (classify, (np.eye(2),), {"tol": 1.0}, ValueError, "tol"),
    (classify, (np.eye(2),), {"tol": "small"}, TypeError, "tol"),
    (condition_number, ([1.0, 2.0],), {}, ValueError, "H must be a square"),
    (condition_number, ([[1.0, np.inf], [np.inf, 1.0]],), {}, ValueError, "H"),
    (condition_number, ([[1.0, 5.0], [0.0, 1.0]],), {}, ValueError, "symmetric"),
    (taylor_model, (3.0, [0.0, 0.0]), {}, TypeError, "f must be a function"),
    (taylor_model, ("Nope", [0.0, 0.0]), {}, ValueError, "f must be a Landscape"),
    (taylor_model, ("Booth", [0.0, 0.0, 1.0]), {}, ValueError, "point"),
    (taylor_model, ("Booth", [[0.0, 0.0]]), {}, ValueError, "point must be a 1-D"),
    (taylor_model, ("Booth", ["a", "b"]), {}, TypeError, "point"),
    (taylor_model, (np.sum, [0.0, 0.0]), {"gradient": [1.0]}, ValueError, "gradient"),
    (
        taylor_model,
        (np.sum, [0.0, 0.0]),
        {"hessian": np.eye(3)},
        ValueError,
        "hessian must have shape (2, 2)",
    ),
    (
        taylor_model,
        (np.sum, [0.0, 0.0]),
        {"hessian": [[0.0, 1.0], [0.0, 0.0]]},
        ValueError,
        "hessian must be symmetric",
    ),
    (taylor_model, (lambda p: np.nan, [0.0, 0.0]), {}, ValueError, "f must return"),
    (taylor_model, (lambda p: "x", [0.0, 0.0]), {}, TypeError, "f must return"),
    (power_iteration, ("H", [1.0]), {}, TypeError, "hvp"),
    (power_iteration, (np.eye(2), [0.0, 0.0]), {}, ValueError, "start must not be"),
    (
        power_iteration,
        (np.eye(2), [1.0, 0.0, 0.0]),
        {},
        ValueError,
        "start must have shape (2,)",
    ),
    (power_iteration, (lambda v: v[:1], [1.0, 0.0]), {}, ValueError, "hvp must return"),
    (power_iteration, (lambda v: v * np.nan, [1.0]), {}, ValueError, "hvp returned"),
    (power_iteration, (np.eye(2), [1.0, 0.0]), {"steps": 0}, ValueError, "steps"),
    (power_iteration, (np.eye(2), [1.0, 0.0]), {"tol": -1}, ValueError, "tol"),
]


@pytest.mark.parametrize(("function", "args", "kwargs", "error", "text"), BAD_INPUT)
def test_bad_input_names_the_argument(function, args, kwargs, error, text):
    with pytest.raises(error, match=None) as info:
        function(*args, **kwargs)
    assert text in str(info.value)


def test_model_call_with_points_of_the_wrong_size_names_points():
    model = taylor_model("Booth", [0.0, 0.0])
    with pytest.raises(ValueError, match=r"points must have shape \(\.\.\., 2\)"):
        model([1.0, 2.0, 3.0])
    with pytest.raises(TypeError, match="points"):
        model("here")
