"""Tests for calclearn.landscapes.

Every expectation comes from a route independent of the hand-written numpy
formulas: sympy (exact differentiation, Groebner bases, 30-digit root
polishing), finite differences from calclearn.differentiation, numpy's
eigvalsh, or formulas written out again here.

Tolerances (float64 throughout):

- numpy formulas vs sympy: ``|ours - sympy| <= 1e-13 * max(1, max|sympy|)``,
  the scale taken over the sampled points of one surface (observed: 3e-15).
- gradient vs central differences of ``f``, and Hessian vs central differences
  of the gradient: ``<= 1e-8 * max(1, |f|, ||grad f||, ||H||)`` at the point
  (observed: below 2e-10).
- Hessian vs second differences of ``f``: ``<= 1e-6 * max(1, |f|, ||grad f||,
  ||H||)`` (observed: below 1e-7).
- critical points: ``||grad f|| <= 1e-14 * max(1, ||H||)``, Newton step
  ``||H^-1 grad f|| <= 1e-14`` (observed: below 5e-16, about one ulp of the
  coordinates), and within ``1e-13`` of a 30-digit sympy root.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from io import BytesIO

import numpy as np
import pytest
import sympy
from matplotlib import mathtext

from calclearn.differentiation import gradient, hessian, jacobian
from calclearn.landscapes import (
    LANDSCAPES,
    CriticalPoint,
    Landscape,
    QuadraticBowl,
    quadratic_bowl,
)
from calclearn.optim import gradient_descent

X, Y = sympy.symbols("x y")

FIXED = ["Rosenbrock", "Beale", "Himmelblau", "Booth", "Saddle", "Monkey saddle"]

# The surfaces as written in the literature, typed again here so that a typo
# in the module's sympy expressions cannot hide behind a matching typo in its
# numpy formulas.
TEXTBOOK = {
    "Rosenbrock": "(1 - x)**2 + 100*(y - x**2)**2",
    "Beale": "(3/2 - x + x*y)**2 + (9/4 - x + x*y**2)**2 + (21/8 - x + x*y**3)**2",
    "Himmelblau": "(x**2 + y - 11)**2 + (x + y**2 - 7)**2",
    "Booth": "(x + 2*y - 7)**2 + (2*x + y - 5)**2",
    "Saddle": "x**2 - y**2",
    "Monkey saddle": "x**3 - 3*x*y**2",
}

EXTRA_BOWLS = [
    quadratic_bowl(100.0, math.pi / 6, center=(1.0, -2.0), name="bowl k=100 30deg"),
    quadratic_bowl(
        3.5, -1.0, center=(-0.3, 2.0), smallest_eigenvalue=0.5, name="bowl k=3.5"
    ),
    quadratic_bowl(1.0, 0.7, name="round bowl"),
]
SURFACES = list(LANDSCAPES.values()) + EXTRA_BOWLS
by_name = pytest.mark.parametrize("surface", SURFACES, ids=lambda s: s.name)


def rotation(theta: float) -> np.ndarray:
    return np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])


def points_in(surface: Landscape, n: int, seed: int) -> np.ndarray:
    """``n`` seeded uniform points in the surface's plotting window."""
    (xmin, xmax), (ymin, ymax) = surface.window
    rng = np.random.default_rng(seed)
    return np.column_stack([rng.uniform(xmin, xmax, n), rng.uniform(ymin, ymax, n)])


@functools.cache
def sympy_oracle(surface: Landscape):
    """Value, gradient and Hessian by lambdify of sympy.diff, shape (n, ...)."""
    expr = surface.expression
    value = sympy.lambdify((X, Y), expr, "numpy")
    grads = [sympy.lambdify((X, Y), sympy.diff(expr, v), "numpy") for v in (X, Y)]
    hessians = [
        [sympy.lambdify((X, Y), sympy.diff(expr, a, b), "numpy") for b in (X, Y)]
        for a in (X, Y)
    ]

    def at(fn, points):
        # Constant derivatives come back as Python numbers: broadcast them.
        return np.broadcast_to(fn(points[:, 0], points[:, 1]), points.shape[:1])

    return (
        lambda p: at(value, p),
        lambda p: np.stack([at(g, p) for g in grads], axis=-1),
        lambda p: np.stack(
            [np.stack([at(h, p) for h in row], axis=-1) for row in hessians], axis=-2
        ),
    )


def assert_close_scaled(actual, expected, rtol):
    """``|actual - expected| <= rtol * max(1, max|expected|)`` everywhere."""
    scale = max(1.0, float(np.max(np.abs(expected))))
    np.testing.assert_allclose(actual, expected, rtol=0, atol=rtol * scale)


# --- agreement with sympy ----------------------------------------------------


@pytest.mark.parametrize("name", FIXED)
def test_expression_is_the_textbook_formula(name):
    textbook = sympy.sympify(TEXTBOOK[name], rational=True)
    assert sympy.expand(LANDSCAPES[name].expression - textbook) == 0


@pytest.mark.parametrize("name", FIXED)
def test_value_is_the_textbook_formula(name):
    surface = LANDSCAPES[name]
    textbook = sympy.lambdify((X, Y), sympy.sympify(TEXTBOOK[name]), "numpy")
    points = points_in(surface, 200, seed=1)
    expected = textbook(points[:, 0], points[:, 1])
    assert_close_scaled(surface.f(points), expected, 1e-13)


@by_name
def test_value_gradient_hessian_match_sympy(surface):
    value, grad, hess = sympy_oracle(surface)
    points = points_in(surface, 300, seed=2)
    assert_close_scaled(surface.f(points), value(points), 1e-13)
    assert_close_scaled(surface.grad(points), grad(points), 1e-13)
    assert_close_scaled(surface.hess(points), hess(points), 1e-13)


@by_name
def test_single_points_match_sympy(surface):
    """The pure-Python path for one point (shape (2,)) against sympy too."""
    value, grad, hess = sympy_oracle(surface)
    points = points_in(surface, 50, seed=3)
    ours_f = np.array([surface.f(p) for p in points])
    ours_g = np.array([surface.grad(p) for p in points])
    ours_h = np.array([surface.hess(p) for p in points])
    assert_close_scaled(ours_f, value(points), 1e-13)
    assert_close_scaled(ours_g, grad(points), 1e-13)
    assert_close_scaled(ours_h, hess(points), 1e-13)


# --- agreement with finite differences ---------------------------------------


@by_name
def test_derivatives_match_finite_differences(surface):
    for p in points_in(surface, 25, seed=4):
        f, g, h = float(surface.f(p)), surface.grad(p), surface.hess(p)
        scale = max(1.0, abs(f), np.linalg.norm(g), np.linalg.norm(h))
        assert np.max(np.abs(gradient(surface.f, p) - g)) <= 1e-8 * scale, p
        # Central differences of the (exact) gradient: a Jacobian.
        assert np.max(np.abs(jacobian(surface.grad, p) - h)) <= 1e-8 * scale, p
        # Second differences of f: round-off ~ eps |f| / h^2, hence looser.
        assert np.max(np.abs(hessian(surface.f, p) - h)) <= 1e-6 * scale, p


@by_name
def test_hessian_is_symmetric(surface):
    h = surface.hess(points_in(surface, 100, seed=5))
    np.testing.assert_array_equal(h, np.swapaxes(h, -1, -2))


# --- vectorisation -----------------------------------------------------------


@by_name
@pytest.mark.parametrize("batch", [(), (5,), (3, 4), (0,)], ids=str)
def test_shapes_and_agreement_with_a_loop(surface, batch):
    n = math.prod(batch)
    points = points_in(surface, n, seed=6).reshape((*batch, 2))
    f, g, h = surface.f(points), surface.grad(points), surface.hess(points)
    assert np.shape(f) == batch
    assert g.shape == (*batch, 2)
    assert h.shape == (*batch, 2, 2)
    flat = points.reshape(n, 2)
    # The batch and single-point paths do the same float64 operations in the
    # same order, so they agree to the last bit.
    np.testing.assert_array_equal(
        np.reshape(f, n), [surface.f(p) for p in flat] if n else []
    )
    for k, p in enumerate(flat):
        np.testing.assert_array_equal(g.reshape(n, 2)[k], surface.grad(p))
        np.testing.assert_array_equal(h.reshape(n, 2, 2)[k], surface.hess(p))


@by_name
def test_fast_fields_equal_checked_methods(surface):
    single, batch = np.array([0.25, -0.5]), points_in(surface, 7, seed=7)
    for points in (single, batch, (0.25, -0.5), batch.tolist(), [[1, -2], [3, 4]]):
        np.testing.assert_array_equal(surface.value(points), surface.f(points))
        np.testing.assert_array_equal(surface.gradient(points), surface.grad(points))
        np.testing.assert_array_equal(surface.hessian(points), surface.hess(points))


@by_name
def test_lists_ints_and_float32_are_accepted(surface):
    exact = np.array([[1.0, -2.0], [0.5, 0.25]])
    for given in ([[1, -2], [0.5, 0.25]], exact.astype(np.float32), exact.tolist()):
        np.testing.assert_array_equal(surface.f(given), surface.f(exact))
        np.testing.assert_array_equal(surface.grad(given), surface.grad(exact))
        np.testing.assert_array_equal(surface.hess(given), surface.hess(exact))
    single = surface.grad((1, -2))
    assert single.dtype == np.float64 and single.shape == (2,)
    np.testing.assert_array_equal(single, surface.grad(exact[0]))
    assert surface.f([1, -2]).shape == ()


def test_strided_views_are_read_correctly():
    surface = LANDSCAPES["Beale"]
    grid = points_in(surface, 12, seed=8).reshape(3, 4, 2)
    view = grid[:, ::2, :]  # non-contiguous
    np.testing.assert_array_equal(surface.grad(view), surface.grad(view.copy()))
    columns = np.asfortranarray(grid)
    np.testing.assert_array_equal(surface.hess(columns), surface.hess(grid))


# --- critical points ---------------------------------------------------------

CRITICAL = [
    pytest.param(surface, point, id=f"{surface.name}-{point.kind}-{point.point}")
    for surface in SURFACES
    for point in surface.critical_points
]


@pytest.mark.parametrize(("surface", "critical"), CRITICAL)
def test_gradient_vanishes_at_critical_points(surface, critical):
    g, h = surface.grad(critical.point), surface.hess(critical.point)
    assert np.linalg.norm(g) <= 1e-14 * max(1.0, np.linalg.norm(h))
    if np.any(h):  # a Newton step measures the distance to the exact root
        assert np.linalg.norm(np.linalg.solve(h, g)) <= 1e-14


@pytest.mark.parametrize(("surface", "critical"), CRITICAL)
def test_critical_point_kind_matches_hessian_eigenvalues(surface, critical):
    h = surface.hess(critical.point)
    eigenvalues = np.linalg.eigvalsh(h)
    if critical.kind == "minimum":
        assert np.all(eigenvalues > 0)
    elif critical.kind == "maximum":
        assert np.all(eigenvalues < 0)
    elif np.any(h):
        assert eigenvalues[0] < 0 < eigenvalues[1]
    else:  # degenerate saddle: only the monkey saddle, and it says so
        assert surface.name == "Monkey saddle"
        assert "inconclusive" in critical.note


@pytest.mark.parametrize(("surface", "critical"), CRITICAL)
def test_critical_points_agree_with_30_digit_roots(surface, critical):
    expr = surface.expression
    grad = [sympy.diff(expr, X), sympy.diff(expr, Y)]
    if surface.name == "Monkey saddle":  # a triple root: Newton is too slow
        assert sympy.solve(grad, [X, Y], dict=True) == [{X: 0, Y: 0}]
        return
    root = sympy.nsolve(grad, (X, Y), critical.point, prec=30)
    np.testing.assert_allclose(
        critical.point, [float(root[0]), float(root[1])], rtol=0, atol=1e-13
    )


@pytest.mark.parametrize("name", ["Rosenbrock", "Beale", "Himmelblau", "Booth"])
def test_every_real_critical_point_is_listed(name):
    """Eliminate x with a lex Groebner basis and count the real roots in y."""
    surface = LANDSCAPES[name]
    expr = surface.expression
    basis = sympy.groebner(
        [sympy.diff(expr, X), sympy.diff(expr, Y)], X, Y, order="lex"
    ).exprs
    # Shape lemma: the basis is [c x - p(y), q(y)] with a constant c != 0,
    # so there is exactly one x for every root of q.
    assert len(basis) == 2
    linear = sympy.Poly(basis[0], X)
    assert linear.degree() == 1
    assert linear.LC().is_number and linear.LC() != 0
    q = sympy.Poly(basis[1], Y)
    x_of_y = sympy.solve(basis[0], X)[0]
    roots = sorted(
        (float(x_of_y.subs(Y, r).evalf(30)), float(r.evalf(30)))
        for r in set(q.real_roots())
    )
    listed = sorted(c.point for c in surface.critical_points)
    assert len(listed) == len(roots)
    np.testing.assert_allclose(listed, roots, rtol=0, atol=1e-13)


def test_monkey_saddle_is_a_saddle_with_zero_hessian():
    monkey = LANDSCAPES["Monkey saddle"]
    [origin] = monkey.critical_points
    assert origin.kind == "saddle"
    assert "inconclusive" in origin.note
    np.testing.assert_array_equal(monkey.hess(origin.point), np.zeros((2, 2)))
    # Not an extremum: f takes both signs in every neighbourhood.
    for r in (1e-1, 1e-3, 1e-6):
        assert monkey.f([r, 0.0]) > 0 > monkey.f([-r, 0.0])


def test_himmelblau_has_four_minima_at_zero():
    surface = LANDSCAPES["Himmelblau"]
    minima = surface.minima
    assert len(minima) == 4
    assert len({c.point for c in minima}) == 4
    for c in minima:
        assert surface.f(c.point) <= 1e-25
    kinds = [c.kind for c in surface.critical_points]
    assert kinds.count("maximum") == 1
    assert kinds.count("saddle") == 4


def test_known_values_from_the_literature():
    rosen = LANDSCAPES["Rosenbrock"]
    assert rosen.f([-1.5, 2.0]) == 12.5
    np.testing.assert_array_equal(rosen.grad([-1.5, 2.0]), [-155.0, -50.0])
    np.testing.assert_array_equal(rosen.hess([-1.5, 2.0]), [[1902, 600], [600, 200]])
    assert LANDSCAPES["Beale"].f([3.0, 0.5]) == 0.0
    assert LANDSCAPES["Beale"].f([0.0, 1.0]) == 14.203125
    np.testing.assert_allclose(
        np.linalg.eigvalsh(LANDSCAPES["Booth"].hess([0.0, 0.0])), [2.0, 18.0]
    )


# --- the registry and the dataclasses ----------------------------------------


def test_registry_holds_the_surfaces_by_name():
    assert set(LANDSCAPES) == {*FIXED, "Quadratic bowl"}
    for name, surface in LANDSCAPES.items():
        assert isinstance(surface, Landscape)
        assert surface.name == name
    assert isinstance(LANDSCAPES["Quadratic bowl"], QuadraticBowl)


@by_name
def test_window_contains_start_and_critical_points(surface):
    (xmin, xmax), (ymin, ymax) = surface.window
    assert xmin < xmax and ymin < ymax
    for x, y in [surface.start, *(c.point for c in surface.critical_points)]:
        assert xmin <= x <= xmax and ymin <= y <= ymax
    saddles_only = surface.name in ("Saddle", "Monkey saddle")
    assert bool(surface.minima) != saddles_only


@by_name
def test_latex_renders_with_mathtext(surface):
    assert surface.latex and "$" not in surface.latex
    mathtext.math_to_image(f"${surface.latex}$", BytesIO(), format="png")


def test_landscapes_are_frozen_and_hashable():
    surface = LANDSCAPES["Booth"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        surface.name = "other"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        surface.critical_points[0].kind = "maximum"  # type: ignore[misc]
    assert len({hash(s) for s in SURFACES}) == len(SURFACES)
    bowl = LANDSCAPES["Quadratic bowl"]
    with pytest.raises(ValueError, match="read-only"):
        bowl.A[0, 0] = 5.0


def test_critical_point_normalises_its_point():
    point = CriticalPoint(np.array([1, 3]), "minimum")
    assert point.point == (1.0, 3.0)
    assert isinstance(point.point[0], float)


def test_a_landscape_can_be_built_by_hand():
    surface = Landscape(
        name="paraboloid",
        latex="x^2 + y^2",
        expression=X**2 + Y**2,
        value=lambda p: np.sum(p**2, axis=-1),
        gradient=lambda p: 2 * p,
        hessian=lambda p: np.broadcast_to(2 * np.eye(2), (*p.shape, 2)),
        window=[[-1, 1], [-1, 1]],
        start=[0.5, 0.5],
        critical_points=[CriticalPoint((0, 0), "minimum")],
    )
    assert surface.window == ((-1.0, 1.0), (-1.0, 1.0))
    assert surface.start == (0.5, 0.5)
    assert surface.f([[1, 2]]).tolist() == [5.0]


# --- quadratic bowls ---------------------------------------------------------

BOWL_CASES = [
    (kappa, angle)
    for kappa in (1.0, 2.5, 10.0, 100.0, 1e4)
    for angle in (0.0, math.pi / 6, math.pi / 2, -1.0, 3.0)
]


@pytest.mark.parametrize(("kappa", "angle"), BOWL_CASES)
def test_bowl_eigenvalues_and_step_sizes(kappa, angle):
    bowl = quadratic_bowl(kappa, angle)
    eigenvalues = np.linalg.eigvalsh(bowl.A)
    np.testing.assert_allclose(eigenvalues, [1.0, kappa], rtol=0, atol=1e-12 * kappa)
    assert bowl.eigenvalues == (1.0, kappa)
    assert bowl.condition_number == pytest.approx(kappa, rel=1e-15)
    assert bowl.stability_bound == pytest.approx(2 / eigenvalues[1], rel=1e-12)
    assert bowl.best_step == pytest.approx(2 / eigenvalues.sum(), rel=1e-12)
    # A is R(theta) diag(1, kappa) R(theta)^T, built here independently.
    R = rotation(angle)
    expected_A = R @ np.diag([1.0, kappa]) @ R.T
    np.testing.assert_allclose(bowl.A, expected_A, rtol=0, atol=1e-13 * kappa)
    np.testing.assert_array_equal(bowl.A, bowl.A.T)
    # The shallow direction is (cos theta, sin theta).
    shallow = np.array([np.cos(angle), np.sin(angle)])
    np.testing.assert_allclose(bowl.A @ shallow, shallow, atol=1e-12 * kappa)


@pytest.mark.parametrize(("kappa", "angle"), BOWL_CASES[::3])
@pytest.mark.parametrize("center", [(0.0, 0.0), (1.5, -2.0)])
def test_bowl_minimum_is_at_the_centre(kappa, angle, center):
    bowl = quadratic_bowl(kappa, angle, center=center, smallest_eigenvalue=0.5)
    np.testing.assert_allclose(np.linalg.eigvalsh(bowl.A), [0.5, 0.5 * kappa])
    assert bowl.center == center
    assert [c.point for c in bowl.critical_points] == [center]
    np.testing.assert_array_equal(bowl.grad(center), [0.0, 0.0])
    np.testing.assert_allclose(bowl.b, bowl.A @ center, rtol=1e-15)
    # f = 1/2 p^T A p - b^T p, written out here, on random points ...
    points = points_in(bowl, 100, seed=9)
    textbook = 0.5 * np.einsum("ni,ij,nj->n", points, bowl.A, points) - points @ bowl.b
    assert_close_scaled(bowl.f(points), textbook, 1e-12)
    # ... and every one of them is higher than the centre.
    assert np.all(bowl.f(points) > bowl.f(center))
    np.testing.assert_allclose(np.linalg.solve(bowl.A, bowl.b), center, atol=1e-12)


def test_bowl_hessian_from_sympy_is_A():
    for bowl in [LANDSCAPES["Quadratic bowl"], *EXTRA_BOWLS]:
        exact = np.array(sympy.hessian(bowl.expression, (X, Y)), dtype=float)
        np.testing.assert_allclose(exact, bowl.A, rtol=1e-14, atol=1e-14)
        np.testing.assert_array_equal(bowl.hess(points_in(bowl, 3, seed=10)[0]), bowl.A)


@pytest.mark.parametrize("kappa", [4.0, 10.0, 50.0])
def test_stability_bound_separates_convergence_from_divergence(kappa):
    bowl = quadratic_bowl(kappa, 0.4, center=(1.0, 1.0))
    run = gradient_descent(
        bowl.f, bowl.grad, bowl.start, 0.98 * bowl.stability_bound, 5000
    )
    assert run.status == "converged"
    run = gradient_descent(
        bowl.f, bowl.grad, bowl.start, 1.02 * bowl.stability_bound, 5000
    )
    assert run.status == "diverged"


@pytest.mark.parametrize("kappa", [2.0, 10.0, 100.0])
def test_best_step_contracts_by_the_optimal_rate(kappa):
    bowl = quadratic_bowl(kappa, -0.3, center=(0.5, -0.5))
    rate = (kappa - 1) / (kappa + 1)
    x, center = np.array(bowl.start), np.array(bowl.center)
    # Stop at 1e-6 from the centre: below ~1e-13 rounding dominates the ratio.
    while np.linalg.norm(x - center) > 1e-6:
        step = x - bowl.best_step * bowl.grad(x)
        ratio = np.linalg.norm(step - center) / np.linalg.norm(x - center)
        assert ratio <= rate * (1 + 1e-9) + 1e-15
        x = step


def test_default_bowl():
    bowl = quadratic_bowl()
    assert bowl.eigenvalues == (1.0, 10.0)
    assert bowl.center == (0.0, 0.0)
    assert bowl.window == ((-5.0, 5.0), (-5.0, 5.0))
    assert bowl.start == (-4.0, 1.5)
    assert LANDSCAPES["Quadratic bowl"] == bowl


# --- bad input ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("point", "error"),
    [
        ([1.0, 2.0, 3.0], ValueError),
        ([[1.0, 2.0, 3.0]], ValueError),
        (np.zeros((2, 3)), ValueError),
        (1.0, ValueError),
        ([], ValueError),
        ([np.nan, 0.0], ValueError),
        (np.array([0.0, np.inf]), ValueError),
        ("ab", TypeError),
        ([True, False], TypeError),
        ([[1.0, 2.0], [3.0]], TypeError),
        (None, TypeError),
    ],
    ids=repr,
)
@pytest.mark.parametrize("method", ["f", "grad", "hess"])
def test_bad_points_are_rejected_with_the_argument_named(point, error, method):
    with pytest.raises(error, match="point"):
        getattr(LANDSCAPES["Himmelblau"], method)(point)


@pytest.mark.parametrize(
    ("kwargs", "error", "argument"),
    [
        ({"condition_number": 0.5}, ValueError, "condition_number"),
        ({"condition_number": -3}, ValueError, "condition_number"),
        ({"condition_number": np.inf}, ValueError, "condition_number"),
        ({"condition_number": "10"}, TypeError, "condition_number"),
        ({"angle": np.nan}, ValueError, "angle"),
        ({"angle": "30deg"}, TypeError, "angle"),
        ({"center": (1.0, 2.0, 3.0)}, ValueError, "center"),
        ({"center": (1.0, np.nan)}, ValueError, "center"),
        ({"smallest_eigenvalue": 0.0}, ValueError, "smallest_eigenvalue"),
        ({"smallest_eigenvalue": -1.0}, ValueError, "smallest_eigenvalue"),
        (
            {"condition_number": 1e300, "smallest_eigenvalue": 1e10},
            ValueError,
            "condition_number",
        ),
        ({"window": ((1.0, -1.0), (0.0, 1.0))}, ValueError, "window"),
        ({"window": (0.0, 1.0)}, ValueError, "window"),
        ({"start": (0.0,)}, ValueError, "start"),
        ({"name": 3}, TypeError, "name"),
    ],
)
def test_bad_bowl_arguments_are_rejected_with_the_argument_named(
    kwargs, error, argument
):
    with pytest.raises(error, match=argument):
        quadratic_bowl(**kwargs)


def test_bad_critical_points_are_rejected():
    with pytest.raises(ValueError, match="kind"):
        CriticalPoint((0.0, 0.0), "peak")
    with pytest.raises(ValueError, match="point"):
        CriticalPoint((0.0, 0.0, 0.0), "minimum")
    with pytest.raises(TypeError, match="note"):
        CriticalPoint((0.0, 0.0), "minimum", note=None)  # type: ignore[arg-type]


def test_bad_landscape_fields_are_rejected():
    good = LANDSCAPES["Saddle"]
    fields = {f.name: getattr(good, f.name) for f in dataclasses.fields(good)}
    for change, error, argument in [
        ({"name": None}, TypeError, "name"),
        ({"expression": "x**2 - y**2"}, TypeError, "expression"),
        ({"expression": X**2 - sympy.Symbol("z")}, ValueError, "expression"),
        ({"gradient": 3}, TypeError, "gradient"),
        ({"window": ((0, 1), (1, 1))}, ValueError, "window"),
        ({"start": (0.0, 1.0, 2.0)}, ValueError, "start"),
        ({"critical_points": [(0.0, 0.0)]}, TypeError, "critical_points"),
    ]:
        with pytest.raises(error, match=argument):
            Landscape(**{**fields, **change})


def test_bowl_title_says_when_b_is_zero():
    """The explorers' titles and the text agree: ½pᵀAp alone means b = 0."""
    centred, shifted = quadratic_bowl(), quadratic_bowl(center=(1.0, 0.0))
    assert not np.any(centred.b) and "b = 0" in centred.latex
    assert np.any(shifted.b) and "b = 0" not in shifted.latex
