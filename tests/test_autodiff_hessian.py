"""Tests of calclearn.autodiff.hessian and hvp (forward over reverse).

Independent routes: the landscapes' hand-written Hessians (closed form),
sympy's exact Hessian, and central differences of values
(calclearn.differentiation.hessian). The landscape functions handed to
autodiff are compiled from each landscape's sympy expression, so they share
no code with the closed forms.
"""

from __future__ import annotations

import numpy as np
import pytest
import sympy
from raising import bad_input_test

from calclearn import autodiff as ad
from calclearn.differentiation import hessian as difference_hessian
from calclearn.landscapes import LANDSCAPES

RNG_SEED = 20261126
X, Y = sympy.symbols("x y")


def tensor_function(expression):
    """A function of a Tensor p = (x, y) from a sympy expression in x and y."""
    compiled = sympy.lambdify((X, Y), expression, modules=[{"exp": ad.exp}])
    return lambda p: compiled(p[0], p[1])


def random_points(landscape, count, seed=RNG_SEED):
    (xmin, xmax), (ymin, ymax) = landscape.window
    rng = np.random.default_rng(seed)
    return rng.uniform([xmin, ymin], [xmax, ymax], size=(count, 2))


def relative_error(a, b):
    scale = np.max(np.abs(b))
    return np.max(np.abs(a - b)) / scale if scale else np.max(np.abs(a))


@pytest.mark.parametrize("name", list(LANDSCAPES))
def test_three_hessians_agree_on_every_landscape(name):
    landscape = LANDSCAPES[name]
    f = tensor_function(landscape.expression)
    for point in random_points(landscape, 12):
        closed_form = landscape.hess(point)
        automatic = ad.hessian(f, point)
        differences = difference_hessian(landscape.f, point)
        # Autodiff is exact to rounding: 1e-12 relative to the largest entry.
        assert relative_error(automatic, closed_form) <= 1e-12
        # Central differences: 1e-6 relative (their error is about 1e-8).
        assert relative_error(differences, closed_form) <= 1e-6
        assert relative_error(differences, automatic) <= 1e-6


@pytest.mark.parametrize("name", list(LANDSCAPES))
def test_critical_points_classified_from_the_autodiff_hessian(name):
    from calclearn.curvature import classify

    landscape = LANDSCAPES[name]
    f = tensor_function(landscape.expression)
    for critical in landscape.critical_points:
        H = ad.hessian(f, critical.point)
        expected = critical.kind if np.any(H) else "degenerate"  # monkey saddle
        assert classify(H) == expected


def smooth_function(p):
    """Uses every smooth operation of the engine: * / ** @ exp log tanh sigmoid,
    indexing, sums and log-softmax."""
    weights = ad.Tensor(np.array([[0.5, -1.0, 0.25], [1.5, 0.3, -0.7]]))
    z = weights @ p
    return (
        (ad.sigmoid(z) * ad.tanh(z)).sum()
        + ad.log(p * p + 1.0).sum()
        + 0.3 * z.log_softmax(axis=0)[1]
        + p[0] / (2.0 + p[1] * p[1])
        + ad.exp(0.2 * p[2]) ** 1.5
        + (p[1] * p[1] + 1.0) ** 0.5
    )


SYMPY_SMOOTH = None


def smooth_sympy():
    """The same function in sympy, for the exact Hessian."""
    p = sympy.symbols("p0:3")
    w = sympy.Matrix([[0.5, -1.0, 0.25], [1.5, 0.3, -0.7]])
    z = w * sympy.Matrix(p)
    sig = [1 / (1 + sympy.exp(-zi)) for zi in z]
    value = sum(s * sympy.tanh(zi) for s, zi in zip(sig, z, strict=True))
    value += sum(sympy.log(pi**2 + 1) for pi in p)
    value += 0.3 * (z[1] - sympy.log(sympy.exp(z[0]) + sympy.exp(z[1])))
    value += p[0] / (2 + p[1] ** 2) + sympy.exp(0.2 * p[2]) ** 1.5
    value += sympy.sqrt(p[1] ** 2 + 1)
    return p, value


def test_hessian_of_every_smooth_operation_matches_sympy_and_differences():
    symbols, expression = smooth_sympy()
    exact = sympy.lambdify([symbols], sympy.hessian(expression, symbols))
    rng = np.random.default_rng(RNG_SEED)
    for point in rng.normal(size=(5, 3)) * 2:
        automatic = ad.hessian(smooth_function, point)
        assert relative_error(automatic, np.array(exact(point), float)) <= 1e-12
        differences = difference_hessian(
            lambda q: float(smooth_function(ad.Tensor(q)).data), point
        )
        assert relative_error(differences, automatic) <= 1e-6


def test_sigmoid_is_analytic_and_unchanged_for_real_numbers():
    # hvp's complex step needs sigmoid analytic; real values must be as before
    x = np.array([-800.0, -30.0, -1.0, -0.0, 0.0, 1e-300, 2.5, 40.0, 800.0])
    small = np.exp(-np.abs(x))
    before = np.where(x >= 0, 1.0 / (1.0 + small), small / (1.0 + small))
    assert np.array_equal(ad.sigmoid(x), before)
    # d²σ/dx² = σ(1-σ)(1-2σ) at a few points
    for t in (-3.0, 0.0, 0.7, 5.0):
        s = 1 / (1 + np.exp(-t))
        H = ad.hessian(lambda p: ad.sigmoid(p).sum(), [t])
        assert H[0, 0] == pytest.approx(s * (1 - s) * (1 - 2 * s), rel=1e-12, abs=1e-16)


def test_hessian_of_a_cross_entropy_loss_matches_differences():
    rng = np.random.default_rng(RNG_SEED)
    inputs = rng.normal(size=(6, 2))
    labels = np.array([0, 1, 2, 0, 1, 2])

    def loss(w):
        return ad.cross_entropy(ad.Tensor(inputs) @ w.reshape(2, 3), labels)

    w = rng.normal(size=6)
    automatic = ad.hessian(loss, w)
    differences = difference_hessian(lambda q: float(loss(ad.Tensor(q)).data), w)
    assert relative_error(differences, automatic) <= 1e-6
    # a convex loss: the Hessian is positive semidefinite
    assert np.linalg.eigvalsh(automatic).min() >= -1e-12


@pytest.mark.parametrize("name", ["Rosenbrock", "Beale", "Himmelblau", "Monkey saddle"])
def test_hvp_is_the_hessian_times_v(name):
    landscape = LANDSCAPES[name]
    f = tensor_function(landscape.expression)
    rng = np.random.default_rng(RNG_SEED)
    for point in random_points(landscape, 6):
        v = rng.normal(size=2) * 10.0 ** rng.integers(-5, 5)
        expected = landscape.hess(point) @ v
        assert relative_error(ad.hvp(f, point, v), expected) <= 1e-12


def test_hvp_in_many_dimensions_without_the_matrix():
    rng = np.random.default_rng(RNG_SEED)
    n = 40
    A = rng.normal(size=(n, n))
    A = A @ A.T

    def f(p):  # ½ pᵀAp + Σ p⁴/4, Hessian A + diag(3p²)
        return 0.5 * (p @ (ad.Tensor(A) @ p)) + 0.25 * (p**4).sum()

    p, v = rng.normal(size=n), rng.normal(size=n)
    expected = (A + np.diag(3 * p**2)) @ v
    assert relative_error(ad.hvp(f, p, v), expected) <= 1e-12
    assert relative_error(ad.hessian(f, p), A + np.diag(3 * p**2)) <= 1e-12


def test_hessian_is_exactly_symmetric_and_zero_for_linear_and_constant_f():
    H = ad.hessian(smooth_function, [0.3, -1.1, 0.8])
    assert np.array_equal(H, H.T)
    assert np.array_equal(
        ad.hessian(lambda p: 3.0 * p[0] - p[1], [1.0, 2.0]), np.zeros((2, 2))
    )
    constant = ad.Tensor(5.0, requires_grad=False)
    assert np.array_equal(ad.hessian(lambda p: constant, [1.0, 2.0]), np.zeros((2, 2)))
    assert np.array_equal(
        ad.hvp(smooth_function, [1.0, 2.0, 3.0], [0, 0, 0]), np.zeros(3)
    )


def test_tensors_f_closes_over_keep_their_gradient():
    weight = ad.Tensor([2.0, -1.0])
    weight.grad = np.array([7.0, 8.0])
    ad.hessian(lambda p: ((weight * p) ** 2).sum(), [1.0, 1.0])
    assert weight.grad.dtype == np.float64
    assert weight.grad.tolist() == [7.0, 8.0]


def test_domain_errors_are_raised_not_hidden_by_the_complex_step():
    with pytest.raises(ValueError, match="log of a non-positive number"):
        ad.hessian(lambda p: ad.log(p).sum(), [0.0, 1.0])
    with pytest.raises(ValueError, match="0 to a negative exponent"):
        ad.hvp(lambda p: (p**-1.0).sum(), [0.0, 1.0], [1.0, 0.0])


def two_d(p):
    return p[0] * p[1]


BAD_CALLS = [
    ("x-string", lambda: ad.hessian(two_d, "ab"), TypeError, "x"),
    ("x-matrix", lambda: ad.hessian(two_d, [[1.0, 2.0]]), ValueError, "x"),
    ("x-scalar", lambda: ad.hessian(two_d, 1.0), ValueError, "x"),
    ("x-empty", lambda: ad.hessian(two_d, []), ValueError, "x"),
    ("x-nan", lambda: ad.hessian(two_d, [np.nan, 1.0]), ValueError, "x"),
    ("x-tensor", lambda: ad.hessian(two_d, ad.Tensor([1.0, 2.0])), TypeError, "x"),
    ("x-bool", lambda: ad.hvp(two_d, [True, False], [1.0, 0.0]), TypeError, "x"),
    ("v-length", lambda: ad.hvp(two_d, [1.0, 2.0], [1.0]), ValueError, "v"),
    ("v-inf", lambda: ad.hvp(two_d, [1.0, 2.0], [np.inf, 0.0]), ValueError, "v"),
    ("v-missing-shape", lambda: ad.hvp(two_d, [1.0, 2.0], 1.0), ValueError, "v"),
    ("f-not-callable", lambda: ad.hessian(3, [1.0, 2.0]), TypeError, "f"),
    ("f-returns-float", lambda: ad.hessian(lambda p: 1.0, [1.0, 2.0]), TypeError, "f"),
    (
        "f-returns-vector",
        lambda: ad.hessian(lambda p: p * p, [1.0, 2.0]),
        ValueError,
        "f",
    ),
    (
        "f-kink",
        lambda: ad.hessian(lambda p: (p * p).sum() ** 0.5, [0.0, 0.0]),
        ValueError,
        "f",
    ),
]


test_bad_input_names_the_argument = bad_input_test(BAD_CALLS)
