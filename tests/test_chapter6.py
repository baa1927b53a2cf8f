"""Chapter 6: every formula the notebook shows, checked by an independent route.

- the heavy-ball theory (calclearn.optim.momentum_theory): closed-form rates
  against numpy's eigenvalues of the 2×2 iteration matrix and against measured
  contraction of real runs; Polyak's optimum against a brute-force search;
- the fast paths the explorers draw against calclearn.optim's optimizers
  (bit for bit), the convergence map against single minimize() runs;
- the schedules against their closed forms, the noise floor against the exact
  stationary covariance (a Lyapunov equation), clipping against
  clip_grad_norm_.

Tolerances are stated at each assertion: 1e-12 relative where both routes are
exact, looser only where one is a limit (a measured rate, a double root).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from raising import bad_input_test

from calclearn import (
    ILL_CONDITIONED_BOWL,
    LANDSCAPES,
    SGD,
    CosineAnnealingLR,
    Tensor,
    clip_grad_norm_,
    clipped_descent,
    component_rate,
    critical_damping_lrs,
    eigen_components,
    heavy_ball_matrix,
    heavy_ball_path,
    heavy_ball_rate,
    minimize,
    noise_floor,
    noisy_descent,
    optimal_heavy_ball,
    quadratic_bowl,
    schedule_factors,
    stability_limit,
    sweep,
)
from calclearn.explorers import optimizers as chapter

RNG = np.random.default_rng(6)


def spectral_radius(matrix: np.ndarray) -> float:
    return float(np.max(np.abs(np.linalg.eigvals(matrix))))


# -- the heavy ball on a quadratic ---------------------------------------------


@pytest.mark.parametrize("seed", range(40))
def test_closed_form_rate_is_the_spectral_radius_of_the_iteration_matrix(seed):
    rng = np.random.default_rng(seed)
    lam, lr, beta = rng.uniform(0.1, 50), rng.uniform(0, 0.1), rng.uniform(0, 0.99)
    a = 1 + beta - lr * lam
    if abs(a * a - 4 * beta) < 1e-6:  # a double root: see the test below
        pytest.skip("too near a double root for a 1e-12 comparison")
    radius = spectral_radius(heavy_ball_matrix(lam, lr, beta))
    assert float(component_rate(lam, lr, beta)) == pytest.approx(radius, rel=1e-12)


def test_matrix_advances_the_recurrence_of_sgd_with_momentum():
    """M (c_t, c_{t-1}) = (c_{t+1}, c_t) along a real SGD(momentum) run."""
    lam, lr, beta = 4.0, 0.2, 0.6
    w = Tensor(np.array([1.0]))
    opt = SGD([w], lr=lr, momentum=beta)
    values = [1.0]
    for _ in range(12):
        w.grad = lam * w.data
        opt.step()
        values.append(float(w.data[0]))
    M = heavy_ball_matrix(lam, lr, beta)
    for t in range(1, 12):
        predicted = M @ [values[t], values[t - 1]]
        assert predicted[0] == pytest.approx(values[t + 1], rel=1e-12, abs=1e-15)


def test_oscillating_components_shrink_by_exactly_root_beta():
    """Complex roots have modulus sqrt(β) whatever η and λ (z1 z2 = β)."""
    beta = 0.49
    low, high = critical_damping_lrs(10.0, beta)
    for lr in np.linspace(float(low), float(high), 12)[1:-1]:
        radius = spectral_radius(heavy_ball_matrix(10.0, lr, beta))
        assert radius == pytest.approx(0.7, rel=1e-12)
        assert float(component_rate(10.0, lr, beta)) == pytest.approx(0.7, rel=1e-14)


def test_critical_damping_rates_give_a_double_root():
    lam, beta = 3.0, 0.36
    for lr in critical_damping_lrs(lam, beta):
        roots = np.roots([1.0, -(1 + beta - float(lr) * lam), beta])
        # A double root: the two agree to the square root of rounding.
        assert abs(roots[0] - roots[1]) < 1e-7
        assert abs(roots[0]) == pytest.approx(0.6, rel=1e-7)


def test_stability_limit_is_where_the_spectral_radius_crosses_one():
    largest = 50.0
    for beta in (0.0, 0.3, 0.9):
        limit = float(stability_limit(largest, beta))
        assert limit == pytest.approx(2 * (1 + beta) / largest, rel=1e-15)
        below = spectral_radius(heavy_ball_matrix(largest, limit * (1 - 1e-6), beta))
        above = spectral_radius(heavy_ball_matrix(largest, limit * (1 + 1e-6), beta))
        assert below < 1 < above


def test_measured_contraction_of_a_run_matches_the_rate():
    """The over-damped shallow component of a real run shrinks by ρ(λmin)."""
    bowl = ILL_CONDITIONED_BOWL
    lr, beta = 0.03, 0.5
    run = minimize(bowl, None, "sgd", 400, lr=lr, momentum=beta, tol=0)
    components = eigen_components(run.path, bowl.center, bowl.A)
    measured = (components[400, 0] / components[300, 0]) ** (1 / 100)
    expected = float(component_rate(bowl.eigenvalues[0], lr, beta))
    # The slower root dominates: the other fades like (ratio of roots)^300.
    assert measured == pytest.approx(expected, rel=1e-10)


def test_optimum_beats_every_setting_of_a_fine_grid():
    small, large = 1.0, 100.0
    best = optimal_heavy_ball(small, large)
    lrs = np.linspace(0.001, 0.06, 600)[:, None]
    betas = np.linspace(0.0, 0.99, 600)[None, :]
    rates = heavy_ball_rate([small, large], lrs, betas)
    # The grid's best is no better than the optimum, and close to it.
    assert rates.min() >= best.rate - 1e-7
    assert rates.min() == pytest.approx(best.rate, abs=2e-3)
    # Closed forms: ρ* = (√κ − 1)/(√κ + 1) = 9/11, β* = ρ*², η* = 4/(√L + √μ)²
    assert best.rate == pytest.approx(9 / 11, rel=1e-15)
    assert best.momentum == pytest.approx((9 / 11) ** 2, rel=1e-15)
    assert best.lr == pytest.approx(4 / 121, rel=1e-15)
    assert best.descent_rate == pytest.approx(99 / 101, rel=1e-15)
    # Both extreme components critically damped at the optimum.
    root = math.sqrt(best.momentum)
    assert best.lr * small == pytest.approx((1 - root) ** 2, rel=1e-12)
    assert best.lr * large == pytest.approx((1 + root) ** 2, rel=1e-12)
    # Double roots: the rate agrees to the square root of rounding.
    rate = float(heavy_ball_rate([small, large], best.lr, best.momentum))
    assert rate == pytest.approx(best.rate, rel=1e-7)


def test_table_of_steps_uses_the_two_rates():
    """The notebook's table: the heavy ball needs about √κ/κ of the steps."""
    for kappa in (100.0, 10_000.0):
        best = optimal_heavy_ball(1.0, kappa)
        plain = math.log(1e6) / -math.log(best.descent_rate)
        ball = math.log(1e6) / -math.log(best.rate)
        assert ball / plain == pytest.approx(1 / math.sqrt(kappa), rel=0.02)


def test_nesterov_recurrence_and_stability_limit_stated_in_the_notebook():
    lam, lr, beta = 3.0, 0.2, 0.7
    w = Tensor(np.array([1.0]))
    opt = SGD([w], lr=lr, momentum=beta, nesterov=True)
    values = [1.0]
    for _ in range(30):
        w.grad = lam * w.data
        opt.step()
        values.append(float(w.data[0]))
    q = 1 - lr * lam
    for t in range(1, 30):
        predicted = (1 + beta) * q * values[t] - beta * q * values[t - 1]
        assert predicted == pytest.approx(values[t + 1], rel=1e-12, abs=1e-15)
    limit = 2 * (1 + beta) / (1 + 2 * beta) / lam

    def radius(step):
        q = 1 - step * lam
        return spectral_radius(np.array([[(1 + beta) * q, -beta * q], [1.0, 0.0]]))

    assert radius(limit * (1 - 1e-6)) < 1 < radius(limit * (1 + 1e-6))


# -- the fast paths of the explorers --------------------------------------------


@pytest.mark.parametrize(
    ("name", "lr", "beta", "steps"),
    [
        ("Rosenbrock", 0.002, 0.9, 400),
        ("Rosenbrock", 0.004, 0.5, 400),  # diverges
        ("Ill-conditioned bowl (κ = 50)", 0.05, 0.0, 300),
        ("Ill-conditioned bowl (κ = 50)", 0.09, 0.6, 300),  # diverges
    ],
)
def test_heavy_ball_path_is_minimizes_path_bit_for_bit(name, lr, beta, steps):
    surface = chapter._landscape(name)
    run = minimize(surface, None, "sgd", steps, lr=lr, momentum=beta, tol=0)
    path = heavy_ball_path(surface.gradient, surface.start, lr, beta, steps)
    assert np.array_equal(path, run.path)


def test_eigen_components_are_the_projections_on_the_eigenvectors():
    bowl = ILL_CONDITIONED_BOWL
    path = heavy_ball_path(bowl.gradient, bowl.start, 0.03, 0.5, 50)
    components = eigen_components(path, bowl.center, bowl.A)
    vectors = np.linalg.eigh(bowl.A)[1]  # numpy's, ascending eigenvalues
    projections = (path - bowl.center) @ vectors
    # The same up to the sign of each eigenvector.
    assert np.allclose(np.abs(components), np.abs(projections), rtol=1e-12, atol=1e-14)
    # An orthonormal basis keeps lengths.
    lengths = np.sum((path - bowl.center) ** 2, axis=1)
    assert np.allclose(np.sum(components**2, axis=1), lengths, rtol=1e-12)


def test_sweep_keeps_the_paths_minimize_takes():
    lrs, momenta = [0.01, 0.05, 0.09], [0.0, 0.6]
    result = sweep(
        ILL_CONDITIONED_BOWL,
        "sgd",
        steps=120,
        lr=lrs,
        momentum=momenta,
        keep_paths=True,
    )
    for i, lr in enumerate(lrs):
        for j, beta in enumerate(momenta):
            run = minimize(ILL_CONDITIONED_BOWL, None, "sgd", 120, lr=lr, momentum=beta)
            taken = result.steps[i, j]
            assert np.array_equal(result.paths[i, j, : taken + 1], run.path)
            # After it stopped, the last point repeats.
            assert np.all(result.paths[i, j, taken:] == run.path[-1])


def test_convergence_map_agrees_with_single_runs_and_the_theory():
    setup = chapter._momentum_setup(ILL_CONDITIONED_BOWL.name)
    cells = RNG.integers(0, len(setup.map_lrs), size=(12, 2))
    for i, j in cells:
        lr, beta = setup.map_lrs[i], setup.map_momenta[j]
        run = minimize(
            setup.surface,
            None,
            "sgd",
            setup.map_max_steps,
            lr=lr,
            momentum=beta,
            tol=setup.tol,
        )
        if run.status == "converged":
            assert setup.map_steps[i, j] == run.steps
        else:
            assert np.isnan(setup.map_steps[i, j])
        assert setup.map_diverged[i, j] == (run.status == "diverged")
    # Theory: ρ > 1 never converges, and blows up within the budget once the
    # growth ρ^600 passes the blow-up size 1e6 (ρ > 1.05 gives 5e12);
    # ρ well below 1 converges within the budget.
    rates = heavy_ball_rate(
        setup.eigenvalues, setup.map_lrs[:, None], setup.map_momenta[None, :]
    )
    assert np.all(np.isnan(setup.map_steps[rates > 1 + 1e-9]))
    assert np.all(setup.map_diverged[rates > 1.05])
    fast = rates < 0.95
    assert fast.any() and np.all(np.isfinite(setup.map_steps[fast]))


def test_race_base_rate_of_sgd_is_safe_on_every_landscape():
    """Factor 1 gives plain SGD 1/λmax: it must not blow up anywhere."""
    middle = int(np.argmin(np.abs(chapter._RACE_FACTORS - 1.0)))
    for name in chapter._RACE_LANDSCAPES:
        race = chapter._race(name)
        assert race.statuses["SGD"][middle] != "diverged", name


# -- schedules, noise floor, clipping --------------------------------------------


def test_schedule_factors_follow_their_closed_forms():
    t = np.arange(200)
    expected = {
        "constant": np.ones(200),
        "step": 0.3 ** (t // 50),
        "exponential": 0.98**t,
        "cosine": (1 + np.cos(np.pi * t / 200)) / 2,
        "linear warm-up": 0.05 + 0.95 * np.minimum(t, 40) / 40,
    }
    for name, closed in expected.items():
        assert np.allclose(schedule_factors(name, 200), closed, rtol=1e-12, atol=0)


def test_cosine_schedule_of_the_notebook_matches_the_closed_form():
    optimizer = SGD([Tensor(0.0)], lr=0.1)
    schedule = CosineAnnealingLR(optimizer, T_max=200)
    rates = []
    for _ in range(201):
        rates.append(schedule.get_last_lr()[0])
        schedule.step()
    t = np.arange(201)
    assert np.allclose(rates, 0.1 * (1 + np.cos(np.pi * t / 200)) / 2, atol=1e-15)


def test_noise_floor_is_the_stationary_mean_of_the_loss():
    """E[f] = ½ tr(AΣ), Σ solving Σ = (I − ηA)Σ(I − ηA)ᵀ + η²σ²I (vectorised)."""
    bowl = quadratic_bowl(10.0, math.radians(30.0))
    lr, sigma = 0.12, 1.7
    B = np.eye(2) - lr * bowl.A
    lyapunov = np.eye(4) - np.kron(B, B)
    covariance = np.linalg.solve(lyapunov, (lr * sigma) ** 2 * np.eye(2).ravel())
    exact = 0.5 * np.trace(bowl.A @ covariance.reshape(2, 2))
    assert noise_floor(bowl.eigenvalues, lr, sigma) == pytest.approx(exact, rel=1e-12)
    assert noise_floor(bowl.eigenvalues, 0.2, sigma) == math.inf  # ηλmax = 2


def test_noise_floor_matches_a_long_simulation():
    bowl = quadratic_bowl(10.0, math.radians(30.0))
    lr, sigma, steps = 0.1, 1.0, 200_000
    noise = sigma * np.random.default_rng(0).standard_normal((steps, 2))
    path = noisy_descent(bowl.A, np.zeros(2), np.full(steps, lr), noise)
    mean = float(np.mean(bowl.value(path[1000:])))
    # Correlated samples: a few hundred effective per 1,000 steps; 3 % is
    # about five standard errors.
    assert mean == pytest.approx(noise_floor(bowl.eigenvalues, lr, sigma), rel=0.03)


def test_noisy_descent_is_sgd_with_a_noisy_gradient():
    bowl = quadratic_bowl(10.0, math.radians(30.0))
    lrs = 0.1 * schedule_factors("cosine", 50)
    noise = np.random.default_rng(3).standard_normal((50, 2))
    path = noisy_descent(bowl.A, np.array(bowl.start), lrs, noise)
    w = Tensor(np.array(bowl.start))
    opt = SGD([w], lr=0.1)
    schedule = CosineAnnealingLR(opt, T_max=50)
    for t in range(50):
        w.grad = bowl.A @ w.data + noise[t]
        opt.step()
        schedule.step()
        assert np.allclose(w.data, path[t + 1], rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("max_norm", [None, 1.0, 30.0, 1e4])
def test_clipped_descent_is_clip_grad_norm_then_sgd(max_norm):
    surface = LANDSCAPES["Rosenbrock"]
    lr = 10**-2.7
    path, norms = clipped_descent(surface.gradient, (-1.5, -1.0), lr, max_norm, 60)
    w = Tensor(np.array([-1.5, -1.0]))
    opt = SGD([w], lr=lr)
    for t in range(len(path) - 1):
        w.grad = surface.gradient(w.data)
        total = clip_grad_norm_([w], max_norm) if max_norm else None
        if total is not None:
            assert total == pytest.approx(norms[t], rel=1e-15)
        opt.step()
        assert np.array_equal(w.data, path[t + 1])
    assert len(norms) == len(path)


def test_clipping_caps_every_step_at_lr_times_threshold():
    surface = LANDSCAPES["Rosenbrock"]
    lr, cap = 0.002, 30.0
    path, _ = clipped_descent(surface.gradient, (-1.5, -1.0), lr, cap, 400)
    steps = np.linalg.norm(np.diff(path, axis=0), axis=1)
    assert steps.max() <= lr * cap * (1 + 1e-12)
    plain, _ = clipped_descent(surface.gradient, (-1.5, -1.0), lr, None, 400)
    assert len(plain) < 10 < len(path)  # thrown off at once; clipped survives


def test_adam_with_l2_ends_at_the_ridge_minimum_and_adamw_does_not():
    bowl = quadratic_bowl(10.0, 0.5, center=(2.0, 1.0))
    decay = 0.5
    ridge = np.linalg.solve(bowl.A + decay * np.eye(2), bowl.A @ np.array(bowl.center))
    adam = minimize(bowl, (0.0, 0.0), "adam", 3000, lr=0.01, weight_decay=decay, tol=0)
    adamw = minimize(
        bowl, (0.0, 0.0), "adamw", 3000, lr=0.01, weight_decay=decay, tol=0
    )
    assert np.allclose(adam.path[-1], ridge, atol=1e-4)
    assert np.linalg.norm(adamw.path[-1] - ridge) > 0.1


# -- bad input -------------------------------------------------------------------

BAD_CALLS = [
    ("momentum 1", lambda: component_rate(1.0, 0.1, 1.0), ValueError, "momentum"),
    ("negative lr", lambda: heavy_ball_matrix(1.0, -0.1, 0.5), ValueError, "lr"),
    ("smallest 0", lambda: optimal_heavy_ball(0.0, 1.0), ValueError, "smallest"),
    ("largest < smallest", lambda: optimal_heavy_ball(2.0, 1.0), ValueError, "largest"),
    ("curvature text", lambda: critical_damping_lrs("a", 0.5), TypeError, "curvature"),
    (
        "no eigenvalues",
        lambda: heavy_ball_rate([], 0.1, 0.5),
        ValueError,
        "eigenvalues",
    ),
    (
        "x0 3-D",
        lambda: heavy_ball_path(lambda p: p, [1.0, 2.0, 3.0], 0.1, 0.5, 5),
        ValueError,
        "x0",
    ),
    (
        "gradient",
        lambda: heavy_ball_path(3.0, [1.0, 2.0], 0.1, 0.5, 5),
        TypeError,
        "gradient",
    ),
    (
        "steps",
        lambda: heavy_ball_path(lambda p: p, [1.0, 2.0], 0.1, 0.5, -1),
        ValueError,
        "steps",
    ),
    (
        "points shape",
        lambda: eigen_components([1.0, 2.0], [0.0, 0.0], np.eye(2)),
        ValueError,
        "points",
    ),
    ("schedule", lambda: schedule_factors("linear"), ValueError, "schedule"),
    (
        "max_norm 0",
        lambda: clipped_descent(lambda p: p, [1.0, 1.0], 0.1, 0.0, 5),
        ValueError,
        "max_norm",
    ),
    ("sigma", lambda: noise_floor([1.0], 0.1, -1.0), ValueError, "sigma"),
    (
        "keep_paths",
        lambda: sweep("Booth", "sgd", steps=2, lr=[0.1], keep_paths="yes"),
        TypeError,
        "keep_paths",
    ),
]


test_bad_input_names_the_argument = bad_input_test(BAD_CALLS)
