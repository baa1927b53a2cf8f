"""calclearn.integrate against independent routes.

Exact integrals come from sympy's symbolic integration, error constants from
sympy's derivatives, the trapezoid rule's error on a Gaussian from the Poisson
summation formula, Monte Carlo standard errors from closed-form variances.
Everything is float64; each tolerance is stated where it is used.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy
from raising import bad_input_test

from calclearn import (
    GAUSSIAN_EXPECTATIONS,
    INTEGRANDS,
    QUADRATURE_RULES,
    RULE_ORDERS,
    ImportanceEstimate,
    MonteCarloEstimate,
    convergence_order,
    dimension_study,
    grid_midpoint,
    importance_sampling,
    monte_carlo,
    monte_carlo_rms_errors,
    quadrature,
    quadrature_errors,
    riemann,
    rule_nodes_and_weights,
    running_estimates,
    simpson,
    trapezoid,
)

X = sympy.Symbol("x")


def numpy_function(expr):
    """``expr`` in ``x`` as a vectorised numpy function (constants broadcast)."""
    compiled = sympy.lambdify(X, expr, "numpy")
    return lambda x: compiled(x) + np.zeros_like(x)


def exact_integral(expr, a, b) -> float:
    return float(sympy.integrate(expr, (X, a, b)))


def rule(name):
    """Every rule as ``integrate(f, a, b, n)``."""
    if name in ("left", "right", "midpoint"):
        return lambda f, a, b, n: riemann(f, a, b, n, rule=name)
    return {"trapezoid": trapezoid, "simpson": simpson}[name]


ALL_RULES = ("left", "right", "midpoint", "trapezoid", "simpson")

# rule -> (order p, the constant C of the leading error term I - Q ~ C h^p as a
# function of the end-point values of f and its derivatives)
LEADING_TERMS = {
    "left": (1, lambda d, a, b: (d[0](b) - d[0](a)) / 2),
    "right": (1, lambda d, a, b: -(d[0](b) - d[0](a)) / 2),
    "midpoint": (2, lambda d, a, b: (d[1](b) - d[1](a)) / 24),
    "trapezoid": (2, lambda d, a, b: -(d[1](b) - d[1](a)) / 12),
    "simpson": (4, lambda d, a, b: -(d[3](b) - d[3](a)) / 180),
}

# Smooth integrands whose leading error terms do not vanish on their intervals
# (checked in test_leading_error_constants); one runs from right to left.
SMOOTH_CASES = [
    ("exp(x)", 0, 1),
    ("1/(1 + x**2)", 0, 2),
    ("exp(x)*cos(3*x)", 1, -1),
]


# --------------------------------------------------------------------------
# Orders of accuracy
# --------------------------------------------------------------------------


def fitted_order(name, text, a, b):
    """Slope of log|error| against log h, least squares over 5-6 halvings."""
    expr = sympy.sympify(text)
    f = numpy_function(expr)
    exact = exact_integral(expr, a, b)
    counts = [16, 32, 64, 128, 256] if name == "simpson" else [8, 16, 32, 64, 128, 256]
    steps = [abs(b - a) / n for n in counts]
    errors = [abs(exact - rule(name)(f, a, b, n)) for n in counts]
    return np.polyfit(np.log(steps), np.log(errors), 1)[0]


@pytest.mark.parametrize(("text", "a", "b"), SMOOTH_CASES)
@pytest.mark.parametrize("name", ALL_RULES)
def test_fitted_order_of_accuracy(name, text, a, b):
    # Measured: 0.98-1.02, 2.00-2.01, 2.00-2.005, 3.999-4.006; tolerance 0.1.
    order = LEADING_TERMS[name][0]
    assert fitted_order(name, text, a, b) == pytest.approx(order, abs=0.1)


@pytest.mark.parametrize(("text", "a", "b"), SMOOTH_CASES)
@pytest.mark.parametrize("name", ALL_RULES)
def test_leading_error_constants(name, text, a, b):
    # (I - Q_n) / h^p tends to the Euler-Maclaurin constant C, computed from
    # sympy's derivatives at the ends. The next term is O(h) relative for
    # left/right and O(h^2) for the others: 2 % at the n used is ample.
    expr = sympy.sympify(text)
    derivatives = [numpy_function(sympy.diff(expr, X, k)) for k in range(4)]
    order, constant = LEADING_TERMS[name]
    n = 64 if name == "simpson" else 1024
    # With a > b both the error and C (a difference of end-point values) flip
    # sign, so I - Q ~ C |h|^p holds either way.
    h = abs(b - a) / n
    error = exact_integral(expr, a, b) - rule(name)(numpy_function(expr), a, b, n)
    at_ends = [lambda t, d=d: float(d(np.float64(t))) for d in derivatives]
    expected = constant(at_ends, a, b)
    assert abs(expected) > 1e-3  # the leading term really is there
    assert error / h**order == pytest.approx(expected, rel=2e-2)


# The mean-value forms of the error, exact when the derivative in them is
# constant: a line for left/right, a parabola for midpoint/trapezoid, a quartic
# for Simpson. (rule, polynomial, the derivative order k in the error term,
# the error as a function of (b - a), h and that derivative)
MEAN_VALUE_FORMS = [
    ("left", "5*x - 2", 1, lambda span, h, d: span * h * d / 2),
    ("right", "5*x - 2", 1, lambda span, h, d: -span * h * d / 2),
    ("midpoint", "3*x**2 - x + 2", 2, lambda span, h, d: span * h**2 * d / 24),
    ("trapezoid", "3*x**2 - x + 2", 2, lambda span, h, d: -span * h**2 * d / 12),
    ("simpson", "2*x**4 - x**3 + 1", 4, lambda span, h, d: -span * h**4 * d / 180),
]


@pytest.mark.parametrize(("name", "text", "k", "error_term"), MEAN_VALUE_FORMS)
def test_documented_error_formula_is_exact_when_the_derivative_is_constant(
    name, text, k, error_term
):
    expr = sympy.sympify(text)
    derivative = float(sympy.diff(expr, X, k))  # a constant
    a, b, n = -1.0, 2.0, 6
    h = (b - a) / n
    error = exact_integral(expr, a, b) - rule(name)(numpy_function(expr), a, b, n)
    # relative 1e-10: the error is O(1e-2) and the sums carry ~1e-15 round-off
    assert error == pytest.approx(error_term(b - a, h, derivative), rel=1e-10)


# --------------------------------------------------------------------------
# Exactness on polynomials
# --------------------------------------------------------------------------

POLYNOMIALS = {
    0: "7/3",
    1: "5*x/2 + 3",
    2: "3*x**2 - x + 1",
    3: "x**3 - 2*x**2 + x/3 + 4",
    4: "x**4 + x**3 - 3*x + 2",
}
INTERVALS = [(0, 1), (-2, 3), (1.5, -0.5), (10, 12)]
EXACT_UP_TO = {"midpoint": 1, "trapezoid": 1, "simpson": 3}


@pytest.mark.parametrize(("a", "b"), INTERVALS)
@pytest.mark.parametrize("name", EXACT_UP_TO)
def test_exact_on_low_degree_polynomials(name, a, b):
    counts = (2, 4, 10) if name == "simpson" else (1, 2, 3, 7)
    for degree in range(EXACT_UP_TO[name] + 1):
        expr = sympy.sympify(POLYNOMIALS[degree])
        exact = exact_integral(expr, a, b)
        for n in counts:
            value = rule(name)(numpy_function(expr), a, b, n)
            # relative 1e-13 (the integrals here are all at least 1 in size)
            assert value == pytest.approx(exact, rel=1e-13, abs=0), (degree, n)


@pytest.mark.parametrize("name", EXACT_UP_TO)
def test_not_exact_one_degree_higher(name):
    expr = sympy.sympify(POLYNOMIALS[EXACT_UP_TO[name] + 1])
    n = 2
    exact = exact_integral(expr, -2, 3)
    value = rule(name)(numpy_function(expr), -2, 3, n)
    assert abs(value - exact) > 1e-3 * abs(exact)


# --------------------------------------------------------------------------
# The trapezoid rule beats Simpson's on a Gaussian over a wide interval
# --------------------------------------------------------------------------


def gaussian(x):
    return np.exp(-(x**2))


GAUSSIAN_INTEGRAL = float(sympy.integrate(sympy.exp(-(X**2)), (X, -10, 10)))


def poisson_error(h):
    """T_h - I for exp(-x^2) over the whole line, by Poisson summation.

    sum_j h exp(-(jh)^2) = sqrt(pi) * (1 + 2 sum_k exp(-(pi k / h)^2)); two
    terms are plenty for h <= 1.25, and the tails beyond |x| = 10 are e^-100.
    """
    return (
        2
        * math.sqrt(math.pi)
        * sum(math.exp(-((math.pi * k / h) ** 2)) for k in (1, 2))
    )


@pytest.mark.parametrize("n", [16, 20, 24, 30])
def test_trapezoid_error_on_a_gaussian_is_exponentially_small(n):
    # The error is the Poisson-summation aliasing term, exp(-pi^2/h^2), not the
    # h^2 of the textbook bound: the Euler-Maclaurin end-point terms vanish.
    h = 20 / n
    error = trapezoid(gaussian, -10, 10, n) - GAUSSIAN_INTEGRAL
    assert error == pytest.approx(poisson_error(h), rel=1e-6)


@pytest.mark.parametrize("n", [16, 20, 24, 30, 40, 60])
def test_trapezoid_beats_simpson_on_a_gaussian(n):
    trapezoid_error = abs(trapezoid(gaussian, -10, 10, n) - GAUSSIAN_INTEGRAL)
    simpson_error = abs(simpson(gaussian, -10, 10, n) - GAUSSIAN_INTEGRAL)
    # Simpson = (4 T_n - T_{n/2}) / 3 inherits a third of T_{n/2}'s much larger
    # error; measured ratios from 37 (n = 16) to 3e11 (n = 40).
    assert simpson_error > 30 * trapezoid_error
    eps = np.finfo(float).eps
    if n >= 40:  # from h = 0.5 the trapezoid rule is at round-off ...
        assert trapezoid_error <= 4 * eps * GAUSSIAN_INTEGRAL
        # ... while Simpson is 6e-5 (n = 40) and 3e-10 (n = 60) off
        assert simpson_error > 1e5 * eps * GAUSSIAN_INTEGRAL


def test_simpson_error_on_a_gaussian_is_a_third_of_the_coarse_trapezoid_error():
    n = 40
    simpson_error = simpson(gaussian, -10, 10, n) - GAUSSIAN_INTEGRAL
    expected = (4 * poisson_error(20 / n) - poisson_error(40 / n)) / 3
    assert simpson_error == pytest.approx(expected, rel=1e-6)


def test_simpson_beats_trapezoid_when_the_end_points_matter():
    # The contrast: exp(x) on [0, 1] has f' != 0 at the ends, and then the
    # orders h^4 vs h^2 decide.
    exact = math.e - 1
    assert abs(simpson(np.exp, 0, 1, 16) - exact) < 1e-3 * abs(
        trapezoid(np.exp, 0, 1, 16) - exact
    )


# --------------------------------------------------------------------------
# How the rules call f; bounds
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "count"),
    [("left", 10), ("right", 10), ("midpoint", 10), ("trapezoid", 11), ("simpson", 11)],
)
def test_f_is_called_once_on_an_array_of_all_nodes(name, count):
    calls = []

    def f(x):
        calls.append(x)
        return np.cos(x)

    rule(name)(f, 0.0, 1.0, 10)
    assert len(calls) == 1
    assert isinstance(calls[0], np.ndarray)
    assert calls[0].shape == (count,)
    assert calls[0].dtype == np.float64


@pytest.mark.parametrize(
    ("name", "first", "last"),
    [("left", 0.0, 0.9), ("right", 0.1, 1.0), ("midpoint", 0.05, 0.95)],
)
def test_riemann_nodes(name, first, last):
    seen = []
    riemann(lambda x: seen.append(x.copy()) or x, 0.0, 1.0, 10, rule=name)
    assert seen[0][[0, -1]] == pytest.approx([first, last], abs=1e-15)


@pytest.mark.parametrize("name", ALL_RULES)
def test_swapping_the_bounds_flips_the_sign_exactly(name):
    integrate = rule(name)
    assert integrate(np.exp, 2.0, -1.0, 6) == -integrate(np.exp, -1.0, 2.0, 6)


@pytest.mark.parametrize("name", ALL_RULES)
def test_empty_interval_is_zero_without_calling_f(name):
    def f(x):
        raise AssertionError("f must not be called on an empty interval")

    assert rule(name)(f, 1.5, 1.5, 4) == 0.0


def test_integer_and_numpy_arguments_are_accepted():
    value = trapezoid(np.exp, np.int64(0), 1, np.int64(8))
    assert value == trapezoid(np.exp, 0.0, 1.0, 8)
    assert isinstance(value, float)


def test_a_function_that_mutates_or_prints_its_input_still_works(capsys):
    def noisy(x):
        print("called with", len(x), "nodes")
        values = np.exp(x)
        x[:] = 99.0  # a learner's in-place slip must not move our nodes
        return values

    assert simpson(noisy, 0.0, 1.0, 8) == simpson(np.exp, 0.0, 1.0, 8)
    assert "called with 9 nodes" in capsys.readouterr().out

    def mutate_then_log(x):
        values = np.log(x)
        x[:] = 99.0
        return values

    with pytest.raises(ValueError, match=r"node 0 of 5, x = -1\.0"):
        trapezoid(mutate_then_log, -1.0, 1.0, 4)


def test_the_message_names_the_first_bad_node():
    with pytest.raises(ValueError) as info:
        trapezoid(np.sqrt, -1.0, 1.0, 4)  # nan at -1 and -0.5
    assert str(info.value).startswith("f returned nan at node 0 of 5, x = -1.0")
    with pytest.raises(ValueError, match=r"f returned inf at node 2 of 5, x = 0\.0"):
        trapezoid(lambda x: 1 / x, -1.0, 1.0, 4)


# --------------------------------------------------------------------------
# Monte Carlo
# --------------------------------------------------------------------------


def uniform(rng, n):
    return rng.uniform(0.0, 1.0, size=n)


def binomial_central_range(trials, p, mass=0.99):
    """The counts k with P(K < k) and P(K > k) both below (1 - mass)/2."""
    pmf = [
        math.comb(trials, k) * p**k * (1 - p) ** (trials - k) for k in range(trials + 1)
    ]
    cdf = np.cumsum(pmf)
    tail = (1 - mass) / 2
    low = int(np.searchsorted(cdf, tail))  # first k with P(K <= k) >= tail
    high = int(np.searchsorted(cdf, 1 - tail))
    return low, high


def coverage(results, truth):
    hits = 0
    for result in results:
        low, high = result.confidence_interval(0.95)
        hits += low <= truth <= high
    return hits


EXP_MEAN = math.e - 1  # E[exp(U)], U ~ Uniform(0, 1)
EXP_SD = math.sqrt(
    float(sympy.integrate(sympy.exp(2 * X), (X, 0, 1)) - (sympy.E - 1) ** 2)
)


def test_result_is_a_small_frozen_dataclass():
    result = monte_carlo(np.exp, uniform, 100, seed=0)
    assert isinstance(result, MonteCarloEstimate)
    assert isinstance(result.estimate, float)
    assert isinstance(result.stderr, float)
    assert result.n == 100
    with pytest.raises(AttributeError):
        result.estimate = 0.0  # frozen


def test_estimate_and_stderr_are_the_sample_mean_and_its_standard_error():
    points = np.random.default_rng(3).uniform(size=500)
    result = monte_carlo(np.exp, uniform, 500, seed=3)
    values = np.exp(points)
    assert result.estimate == pytest.approx(values.mean(), rel=1e-14)
    assert result.stderr == pytest.approx(
        values.std(ddof=1) / math.sqrt(500), rel=1e-14
    )


def test_confidence_interval_is_estimate_plus_minus_z_stderr():
    result = MonteCarloEstimate(estimate=2.0, stderr=0.1, n=50)
    low, high = result.confidence_interval()
    z95 = float(sympy.sqrt(2) * sympy.erfinv(sympy.Rational(95, 100)))  # 1.95996...
    assert (low, high) == pytest.approx((2.0 - 0.1 * z95, 2.0 + 0.1 * z95), rel=1e-14)
    low99, high99 = result.confidence_interval(0.99)
    assert low99 < low and high99 > high


def test_monte_carlo_coverage_of_the_95_percent_interval():
    # 400 independent seeded runs of n = 100; the number of intervals holding
    # the truth must lie in the central 99 % of Binomial(400, 0.95), a
    # coverage between 0.92 and 0.98. (Deterministic with the seeds.)
    runs = 400
    results = [monte_carlo(np.exp, uniform, 100, seed=seed) for seed in range(runs)]
    low, high = binomial_central_range(runs, 0.95)
    assert 0.92 <= low / runs < high / runs <= 0.98
    assert low <= coverage(results, EXP_MEAN) <= high


def test_monte_carlo_error_falls_like_one_over_root_n():
    # RMS error over 200 seeded runs at each n; the fitted slope must be -1/2
    # within 0.05 (the RMS over 200 runs is itself known to ~5 %), and the
    # reported stderr must match both the RMS error and sigma / sqrt(n), with
    # sigma from sympy, within 10 %.
    counts = [64, 256, 1024, 4096]
    rng = np.random.default_rng(12)
    rms, mean_stderr = [], []
    for n in counts:
        results = [monte_carlo(np.exp, uniform, n, seed=rng) for _ in range(200)]
        errors = np.array([r.estimate - EXP_MEAN for r in results])
        rms.append(math.sqrt(np.mean(errors**2)))
        mean_stderr.append(np.mean([r.stderr for r in results]))
    slope = np.polyfit(np.log(counts), np.log(rms), 1)[0]
    assert slope == pytest.approx(-0.5, abs=0.05)
    sigma_over_root_n = EXP_SD / np.sqrt(counts)
    assert np.array(mean_stderr) == pytest.approx(sigma_over_root_n, rel=0.02)
    assert np.array(rms) == pytest.approx(sigma_over_root_n, rel=0.1)


def test_monte_carlo_in_several_dimensions():
    seen = []

    def in_ball(points):
        seen.append(points.shape)
        return 8.0 * (np.sum(points**2, axis=1) <= 1)  # cube volume 8

    ball = monte_carlo(
        in_ball, lambda rng, n: rng.uniform(-1, 1, size=(n, 3)), 20_000, seed=5
    )
    assert seen == [(20_000, 3)]
    assert abs(ball.estimate - 4 * math.pi / 3) < 4 * ball.stderr
    assert ball.stderr < 0.03
    # E|X|^2 = d for X ~ N(0, I_d)
    norm2 = monte_carlo(
        lambda p: np.sum(p**2, axis=1),
        lambda rng, n: rng.normal(size=(n, 5)),
        5_000,
        seed=6,
    )
    assert abs(norm2.estimate - 5.0) < 4 * norm2.stderr


def test_seed_makes_the_result_reproducible_and_a_generator_advances():
    assert monte_carlo(np.exp, uniform, 50, seed=7) == monte_carlo(
        np.exp, uniform, 50, seed=7
    )
    rng = np.random.default_rng(7)
    first = monte_carlo(np.exp, uniform, 50, seed=rng)
    second = monte_carlo(np.exp, uniform, 50, seed=rng)
    assert first == monte_carlo(np.exp, uniform, 50, seed=7)
    assert second != first


def test_sample_output_is_copied_before_f_sees_it():
    drawn = np.linspace(0.0, 1.0, 10)

    def f(x):
        values = x**2
        x[:] = -1.0
        return values

    result = monte_carlo(f, lambda rng, n: drawn, 10)
    assert drawn == pytest.approx(np.linspace(0.0, 1.0, 10))
    assert result.estimate == pytest.approx(np.mean(drawn**2), rel=1e-14)


# --------------------------------------------------------------------------
# Importance sampling
# --------------------------------------------------------------------------


def normal_pdf(mean):
    return lambda x: np.exp(-((x - mean) ** 2) / 2) / math.sqrt(2 * math.pi)


def upper_tail(t):
    """P(Z > t) for Z ~ N(0, 1)."""
    return 0.5 * math.erfc(t / math.sqrt(2))


def above_three(x):
    return x > 3


def test_importance_sampling_reduces_variance_on_a_rare_event():
    # P(Z > 3) = 0.00135: plain Monte Carlo's stderr is sqrt(p(1-p)/n) =
    # 3.7e-4 at n = 10 000; drawing from N(3, 1) and reweighting by p/q puts
    # half the points in the event. Its per-point variance is, in closed form,
    # E_q[(1{x>3} p/q)^2] - p^2 = e^(mu^2) P(Z > 3 + mu) - P(Z > 3)^2.
    n, mu, truth = 10_000, 3.0, upper_tail(3.0)
    plain = monte_carlo(above_three, lambda rng, n: rng.normal(size=n), n, seed=1)
    shifted = importance_sampling(
        above_three,
        lambda rng, n: rng.normal(mu, 1.0, size=n),
        n,
        target=normal_pdf(0.0),
        proposal=normal_pdf(mu),
        seed=1,
    )
    assert isinstance(shifted, ImportanceEstimate)
    assert shifted.stderr < plain.stderr / 10  # measured ratio: 18
    for result in (plain, shifted):
        assert abs(result.estimate - truth) < 4 * result.stderr
    sd = math.sqrt(math.exp(mu**2) * upper_tail(3 + mu) - truth**2)
    assert shifted.stderr == pytest.approx(sd / math.sqrt(n), rel=0.1)


def test_importance_sampling_coverage():
    # Plain estimator, tail probability again, 300 runs of n = 2000: the
    # interval-hit count must lie in the central 99 % of Binomial(300, 0.95).
    runs = 300
    results = [
        importance_sampling(
            above_three,
            lambda rng, n: rng.normal(3.0, 1.0, size=n),
            2_000,
            target=normal_pdf(0.0),
            proposal=normal_pdf(3.0),
            seed=seed,
        )
        for seed in range(runs)
    ]
    low, high = binomial_central_range(runs, 0.95)
    assert low <= coverage(results, upper_tail(3.0)) <= high


# The posterior of a coin's bias after 7 heads in 10 tosses, uniform prior:
# known only as theta^7 (1 - theta)^3 up to its normalising constant.
HEADS, TOSSES = 7, 10
THETA = sympy.Symbol("theta")
UNNORMALISED_POSTERIOR = THETA**HEADS * (1 - THETA) ** (TOSSES - HEADS)
EVIDENCE = sympy.integrate(UNNORMALISED_POSTERIOR, (THETA, 0, 1))  # B(8, 4)
POSTERIOR_MEAN = (
    sympy.integrate(THETA * UNNORMALISED_POSTERIOR, (THETA, 0, 1)) / EVIDENCE
)


def unnormalised_posterior(theta):
    return theta**HEADS * (1 - theta) ** (TOSSES - HEADS)


def flat(theta):
    return np.ones_like(theta)


def test_self_normalised_importance_sampling_of_a_posterior_mean():
    assert POSTERIOR_MEAN == sympy.Rational(HEADS + 1, TOSSES + 2)  # Beta(8, 4)
    runs = 300
    results = [
        importance_sampling(
            lambda t: t,
            uniform,
            1_000,
            target=unnormalised_posterior,
            proposal=flat,
            seed=seed,
            self_normalised=True,
        )
        for seed in range(runs)
    ]
    low, high = binomial_central_range(runs, 0.95)
    assert low <= coverage(results, float(POSTERIOR_MEAN)) <= high
    # The scale of the target cancels, to round-off.
    scaled = importance_sampling(
        lambda t: t,
        uniform,
        1_000,
        target=lambda t: 1e6 * unnormalised_posterior(t),
        proposal=flat,
        seed=0,
        self_normalised=True,
    )
    assert scaled.estimate == pytest.approx(results[0].estimate, rel=1e-13)
    assert scaled.stderr == pytest.approx(results[0].stderr, rel=1e-13)


def test_the_normalising_constant_by_importance_sampling_and_by_quadrature():
    evidence = float(EVIDENCE)  # 1/1320
    assert EVIDENCE == sympy.Rational(1, 1320)
    by_sampling = importance_sampling(
        lambda t: np.ones_like(t),
        uniform,
        20_000,
        target=unnormalised_posterior,
        proposal=flat,
        seed=2,
    )
    assert abs(by_sampling.estimate - evidence) < 4 * by_sampling.stderr
    # The same by Simpson's rule (measured relative error 2.7e-8 at n = 200).
    assert simpson(unnormalised_posterior, 0, 1, 200) == pytest.approx(
        evidence, rel=1e-6
    )


def test_effective_sample_size():
    same = importance_sampling(np.sin, uniform, 500, target=flat, proposal=flat, seed=0)
    assert same.effective_sample_size == pytest.approx(500, rel=1e-14)
    skewed = importance_sampling(
        np.sin,
        uniform,
        500,
        target=lambda t: np.exp(-50 * (t - 0.9) ** 2),
        proposal=flat,
        seed=0,
    )
    assert 1 < skewed.effective_sample_size < 250


# --------------------------------------------------------------------------
# Bad input: one row per case
# --------------------------------------------------------------------------


def exp_on_points(points):
    return np.exp(points)


def normal_draws(rng, n):
    return rng.normal(size=n)


def importance(**changes):
    """importance_sampling with good arguments, some of them replaced."""
    arguments = {
        "f": np.sin,
        "sample": uniform,
        "n": 100,
        "target": flat,
        "proposal": flat,
        "seed": 0,
    }
    arguments.update(changes)
    return lambda: importance_sampling(**arguments)


def wrong_signature(n):
    return np.zeros(n)


def scale_negative(rng, n):
    return rng.normal(scale=-1.0, size=n)


# (id, call, expected exception type, argument the message must start with)
BAD_CALLS = [
    # the integrand
    ("f not callable", lambda: trapezoid(3.0, 0, 1, 4), TypeError, "f"),
    ("f a string", lambda: riemann("sin", 0, 1, 4), TypeError, "f"),
    ("f not vectorised (math.sin)", lambda: simpson(math.sin, 0, 1, 4), TypeError, "f"),
    ("f returns a scalar", lambda: trapezoid(lambda x: 2.0, 0, 1, 4), ValueError, "f"),
    (
        "f returns wrong shape",
        lambda: riemann(lambda x: x[:-1], 0, 1, 4),
        ValueError,
        "f",
    ),
    ("f returns None", lambda: trapezoid(lambda x: None, 0, 1, 4), ValueError, "f"),
    (
        "f returns text",
        lambda: trapezoid(lambda x: ["a"] * len(x), 0, 1, 4),
        TypeError,
        "f",
    ),
    ("f returns complex", lambda: simpson(lambda x: x + 1j, 0, 1, 4), TypeError, "f"),
    ("f nan at a node", lambda: trapezoid(np.log, -1, 1, 4), ValueError, "f"),
    ("f inf at a node", lambda: simpson(lambda x: 1 / x, 0, 1, 4), ValueError, "f"),
    ("f raises", lambda: riemann(lambda x: 1 // 0, 0, 1, 4), ValueError, "f"),
    # n
    ("n zero", lambda: riemann(np.exp, 0, 1, 0), ValueError, "n"),
    ("n negative", lambda: trapezoid(np.exp, 0, 1, -3), ValueError, "n"),
    ("n fractional", lambda: trapezoid(np.exp, 0, 1, 2.5), TypeError, "n"),
    ("n a whole float", lambda: riemann(np.exp, 0, 1, 4.0), TypeError, "n"),
    ("n a bool", lambda: trapezoid(np.exp, 0, 1, True), TypeError, "n"),
    ("n a string", lambda: simpson(np.exp, 0, 1, "10"), TypeError, "n"),
    ("n odd for Simpson", lambda: simpson(np.exp, 0, 1, 5), ValueError, "n"),
    ("n zero for Simpson", lambda: simpson(np.exp, 0, 1, 0), ValueError, "n"),
    # rule
    (
        "rule unknown",
        lambda: riemann(np.exp, 0, 1, 4, rule="centre"),
        ValueError,
        "rule",
    ),
    ("rule not a string", lambda: riemann(np.exp, 0, 1, 4, rule=2), TypeError, "rule"),
    # bounds
    ("a infinite", lambda: trapezoid(np.exp, -np.inf, 1, 4), ValueError, "a"),
    ("b nan", lambda: simpson(np.exp, 0, np.nan, 4), ValueError, "b"),
    ("a a string", lambda: riemann(np.exp, "0", 1, 4), TypeError, "a"),
    ("b complex", lambda: trapezoid(np.exp, 0, 1j, 4), TypeError, "b"),
    ("b - a overflows", lambda: trapezoid(np.exp, -1e308, 1e308, 4), ValueError, "b"),
    # Monte Carlo: the sample function
    (
        "sample not callable",
        lambda: monte_carlo(np.exp, [0.5], 10),
        TypeError,
        "sample",
    ),
    (
        "sample wrong count",
        lambda: monte_carlo(np.exp, lambda rng, n: rng.normal(size=n - 1), 10),
        ValueError,
        "sample",
    ),
    (
        "sample wrong shape",
        lambda: monte_carlo(np.exp, lambda rng, n: rng.normal(size=(n, 2, 2)), 10),
        ValueError,
        "sample",
    ),
    (
        "sample a scalar",
        lambda: monte_carlo(np.exp, lambda rng, n: rng.normal(), 10),
        ValueError,
        "sample",
    ),
    (
        "sample returns None",
        lambda: monte_carlo(np.exp, lambda rng, n: None, 10),
        ValueError,
        "sample",
    ),
    (
        "sample wrong signature",
        lambda: monte_carlo(np.exp, wrong_signature, 10),
        TypeError,
        "sample",
    ),
    (
        "sample raises",
        lambda: monte_carlo(np.exp, scale_negative, 10),
        ValueError,
        "sample",
    ),
    (
        "sample nan point",
        lambda: monte_carlo(np.exp, lambda rng, n: np.full(n, np.nan), 10),
        ValueError,
        "sample",
    ),
    (
        "sample returns text",
        lambda: monte_carlo(np.exp, lambda rng, n: ["x"] * n, 10),
        TypeError,
        "sample",
    ),
    # Monte Carlo: f, n, seed
    ("mc f not callable", lambda: monte_carlo(None, normal_draws, 10), TypeError, "f"),
    (
        "mc f wrong shape in 2-D",
        lambda: monte_carlo(exp_on_points, lambda rng, n: rng.normal(size=(n, 2)), 10),
        ValueError,
        "f",
    ),
    (
        "mc f nan at a point",
        lambda: monte_carlo(np.log, normal_draws, 50, seed=0),
        ValueError,
        "f",
    ),
    ("mc n one", lambda: monte_carlo(np.exp, normal_draws, 1), ValueError, "n"),
    ("mc n fractional", lambda: monte_carlo(np.exp, normal_draws, 1.5), TypeError, "n"),
    ("mc n a bool", lambda: monte_carlo(np.exp, normal_draws, True), TypeError, "n"),
    (
        "seed negative",
        lambda: monte_carlo(np.exp, normal_draws, 10, seed=-1),
        ValueError,
        "seed",
    ),
    (
        "seed a float",
        lambda: monte_carlo(np.exp, normal_draws, 10, seed=1.5),
        TypeError,
        "seed",
    ),
    (
        "seed a string",
        lambda: monte_carlo(np.exp, normal_draws, 10, seed="0"),
        TypeError,
        "seed",
    ),
    # confidence interval level
    (
        "level above 1",
        lambda: MonteCarloEstimate(1.0, 0.1, 10).confidence_interval(95),
        ValueError,
        "level",
    ),
    (
        "level zero",
        lambda: MonteCarloEstimate(1.0, 0.1, 10).confidence_interval(0.0),
        ValueError,
        "level",
    ),
    # importance sampling
    ("target not callable", importance(target=0.5), TypeError, "target"),
    ("proposal not callable", importance(proposal="uniform"), TypeError, "proposal"),
    ("target negative", importance(target=lambda t: t - 0.5), ValueError, "target"),
    ("target wrong shape", importance(target=lambda t: 1.0), ValueError, "target"),
    ("target nan", importance(target=lambda t: np.log(t - 0.5)), ValueError, "target"),
    (
        "proposal zero at a draw",
        importance(proposal=lambda t: t > 0.5),
        ValueError,
        "proposal",
    ),
    (
        "proposal too small",
        importance(proposal=lambda t: np.full_like(t, 1e-320)),
        ValueError,
        "proposal",
    ),
    (
        "target zero everywhere",
        importance(target=np.zeros_like, self_normalised=True),
        ValueError,
        "target",
    ),
    (
        "self_normalised not a bool",
        importance(self_normalised="yes"),
        TypeError,
        "self_normalised",
    ),
    ("is n one", importance(n=1), ValueError, "n"),
    (
        "is sample wrong count",
        importance(sample=lambda rng, n: np.ones(3)),
        ValueError,
        "sample",
    ),
    ("is f raises", importance(f=lambda t: t.undefined), ValueError, "f"),
    # the rules by name, orders, studies (Chapter 8)
    ("quadrature unknown rule", lambda: quadrature(np.exp, 0, 1, 4, "gauss"),
     ValueError, "rule"),
    ("quadrature rule not text", lambda: quadrature(np.exp, 0, 1, 4, 2), TypeError,
     "rule"),
    ("quadrature odd simpson", lambda: quadrature(np.exp, 0, 1, 3, "simpson"),
     ValueError, "n"),
    ("errors exact nan",
     lambda: quadrature_errors(np.exp, 0, 1, math.nan, [2], "left"), ValueError,
     "exact"),
    ("order lengths differ", lambda: convergence_order([1, 2], [1]), ValueError,
     "steps"),
    ("order one point", lambda: convergence_order([1], [1]), ValueError, "steps"),
    ("order zero error", lambda: convergence_order([1, 2], [0.0, 1.0]), ValueError,
     "errors"),
    ("order negative step", lambda: convergence_order([-1, 2], [1, 1]), ValueError,
     "steps"),
    ("order equal steps", lambda: convergence_order([1, 1], [1, 2]), ValueError,
     "steps"),
    ("order text", lambda: convergence_order(["a", "b"], [1, 2]), TypeError, "steps"),
    ("rms repetitions 0",
     lambda: monte_carlo_rms_errors(np.sin, normal_draws, 0.0, [10], repetitions=0),
     ValueError, "repetitions"),
    ("rms n 1", lambda: monte_carlo_rms_errors(np.sin, normal_draws, 0.0, [1]),
     ValueError, "n"),
    ("grid f not callable", lambda: grid_midpoint(1.0, 2, 3), TypeError, "f"),
    ("grid dimension 0", lambda: grid_midpoint(np.sum, 0, 3), ValueError,
     "dimension"),
    ("grid m float", lambda: grid_midpoint(np.sum, 2, 3.5), TypeError,
     "points_per_axis"),
    ("grid too large",
     lambda: grid_midpoint(lambda p: p[:, 0], 20, 10), ValueError, "points_per_axis"),
    ("grid f wrong shape", lambda: grid_midpoint(lambda p: p, 2, 3), ValueError, "f"),
    ("study budget 1", lambda: dimension_study([1], budget=1), ValueError, "budget"),
    ("study repetitions 1", lambda: dimension_study([1], repetitions=1), ValueError,
     "repetitions"),
    ("study dimension 0", lambda: dimension_study([0]), ValueError, "dimensions"),
    ("study no dimensions", lambda: dimension_study([]), ValueError, "dimensions"),
    ("running empty", lambda: running_estimates([]), ValueError, "values"),
    ("nodes a >= b", lambda: rule_nodes_and_weights(1, 0, 4, "left"), ValueError, "a"),
    ("nodes odd simpson", lambda: rule_nodes_and_weights(0, 1, 3, "simpson"),
     ValueError, "n"),
    ("nodes bad rule", lambda: rule_nodes_and_weights(0, 1, 3, "gauss"), ValueError,
     "rule"),
    ("running 3-D", lambda: running_estimates(np.ones((2, 2, 2))), ValueError,
     "values"),
    ("running nan", lambda: running_estimates([1.0, math.nan]), ValueError, "values"),
]  # fmt: skip


test_bad_input_names_the_argument = bad_input_test(BAD_CALLS)


def test_bad_input_table_ids_are_unique():
    ids = [row[0] for row in BAD_CALLS]
    assert len(ids) == len(set(ids))


def test_a_raising_function_keeps_its_own_error_as_the_cause():
    with pytest.raises(ValueError, match="f raised ZeroDivisionError") as info:
        trapezoid(lambda x: 1 // 0, 0, 1, 4)
    assert isinstance(info.value.__cause__, ZeroDivisionError)


# --------------------------------------------------------------------------
# Chapter 8 additions: the rules by name, measured orders, many dimensions
# --------------------------------------------------------------------------


@pytest.mark.parametrize("rule", QUADRATURE_RULES)
def test_quadrature_dispatches_to_the_rule_itself(rule):
    direct = {
        "trapezoid": lambda: trapezoid(np.exp, -1.0, 2.0, 6),
        "simpson": lambda: simpson(np.exp, -1.0, 2.0, 6),
    }.get(rule, lambda: riemann(np.exp, -1.0, 2.0, 6, rule=rule))
    assert quadrature(np.exp, -1.0, 2.0, 6, rule) == direct()  # the same float


@pytest.mark.parametrize("rule", QUADRATURE_RULES)
def test_quadrature_errors_are_the_absolute_errors(rule):
    exact = exact_integral(sympy.exp(X), 0, 1)
    ns = [2, 4, 8]
    errors = quadrature_errors(np.exp, 0.0, 1.0, exact, ns, rule)
    expected = [abs(exact - quadrature(np.exp, 0.0, 1.0, n, rule)) for n in ns]
    np.testing.assert_array_equal(errors, expected)


@pytest.mark.parametrize("order", [-0.5, 1.0, 2.0, 4.0, 3.7])
def test_convergence_order_recovers_an_exact_power_law(order):
    steps = np.array([0.3, 0.1, 0.03, 0.01])
    assert convergence_order(steps, 2.5 * steps**order) == pytest.approx(
        order, abs=1e-10
    )


@pytest.mark.parametrize("rule", QUADRATURE_RULES)
def test_measured_orders_match_the_documented_orders(rule):
    # Exact integral by sympy; h from 1/8 to 1/128, far above round-off for
    # Simpson (its error at h = 1/128 is about 1e-11).
    exact = exact_integral(sympy.exp(X) * sympy.sin(X), 0, 1)
    ns = np.array([8, 16, 32, 64, 128])
    f = numpy_function(sympy.exp(X) * sympy.sin(X))
    slope = convergence_order(1 / ns, quadrature_errors(f, 0.0, 1.0, exact, ns, rule))
    assert slope == pytest.approx(RULE_ORDERS[rule], abs=0.05)


def test_monte_carlo_rms_errors_are_the_rms_of_repeated_runs():
    # The same generator stream, run by hand: the function adds nothing else.
    rng = np.random.default_rng(3)
    by_hand = [
        math.sqrt(
            np.mean(
                [
                    (monte_carlo(np.cos, normal_draws, n, seed=rng).estimate - 0.5) ** 2
                    for _ in range(5)
                ]
            )
        )
        for n in (10, 40)
    ]
    measured = monte_carlo_rms_errors(
        np.cos, normal_draws, 0.5, [10, 40], repetitions=5, seed=3
    )
    np.testing.assert_allclose(measured, by_hand, rtol=1e-14)


def test_monte_carlo_rms_error_is_sigma_over_root_n():
    # X ~ N(0, 1), f = x: sigma = 1. Over R = 400 runs the rms has a relative
    # standard deviation of about 1/sqrt(2R) = 3.5 %: 15 % is over 4 of them.
    ns = np.array([16, 256])
    rms = monte_carlo_rms_errors(
        lambda x: x, normal_draws, 0.0, ns, repetitions=400, seed=1
    )
    np.testing.assert_allclose(rms, 1 / np.sqrt(ns), rtol=0.15)


def _midpoint_product_exactly(m: int, d: int) -> float:
    """The grid midpoint rule on prod e^x_i/(e - 1), by a sympy sum: exact."""
    i = sympy.Symbol("i", integer=True)
    one_axis = sympy.summation(sympy.exp((i + sympy.Rational(1, 2)) / m), (i, 0, m - 1))
    return float((one_axis / (m * (sympy.E - 1))) ** d)


@pytest.mark.parametrize(("d", "m"), [(1, 7), (2, 5), (3, 4), (5, 3), (8, 2)])
def test_grid_midpoint_matches_the_exact_sum(d, m):
    value = grid_midpoint(lambda p: np.prod(np.exp(p) / (math.e - 1), axis=1), d, m)
    assert value == pytest.approx(_midpoint_product_exactly(m, d), rel=1e-13)


def test_grid_midpoint_is_exact_on_multilinear_functions():
    # x1 x2 + 3 x3 - x1 x2 x3 over [0, 1]^3: 1/4 + 3/2 - 1/8 (sympy).
    x1, x2, x3 = sympy.symbols("x1 x2 x3")
    expr = x1 * x2 + 3 * x3 - x1 * x2 * x3
    exact = float(sympy.integrate(expr, (x1, 0, 1), (x2, 0, 1), (x3, 0, 1)))
    value = grid_midpoint(
        lambda p: p[:, 0] * p[:, 1] + 3 * p[:, 2] - p[:, 0] * p[:, 1] * p[:, 2], 3, 3
    )
    assert value == pytest.approx(exact, rel=1e-14)


def test_grid_midpoint_in_one_dimension_is_the_midpoint_rule():
    assert grid_midpoint(lambda p: np.sin(p[:, 0]), 1, 9) == pytest.approx(
        riemann(np.sin, 0.0, 1.0, 9), rel=1e-15
    )


def test_dimension_study_grid_errors_and_budget():
    study = dimension_study(range(1, 9), budget=1000, repetitions=4, seed=0)
    for d, m, nodes, error in zip(
        study.dimensions,
        study.points_per_axis,
        study.nodes,
        study.grid_errors,
        strict=True,
    ):
        assert nodes == m**d <= 1000 < (m + 1) ** d
        assert error == pytest.approx(
            abs(1 - _midpoint_product_exactly(m, d)), rel=1e-9
        )
    assert study.budget == 1000 and study.repetitions == 4


def test_dimension_study_monte_carlo_error_is_sigma_over_root_n():
    # Var f = ((e + 1) / (2 (e - 1)))^d - 1 (sympy below). The mean reported
    # stderr over 40 runs is within a few per cent of sigma/sqrt(N); the rms
    # error over 40 runs has a relative spread of about 1/sqrt(80) = 11 %.
    u = sympy.Symbol("u")
    second_moment = sympy.integrate((sympy.exp(u) / (sympy.E - 1)) ** 2, (u, 0, 1))
    dims = np.array([1, 3, 6, 10])
    study = dimension_study(dims, budget=2000, repetitions=40, seed=5)
    sigma = np.sqrt(float(second_moment) ** dims - 1)
    np.testing.assert_allclose(
        study.monte_carlo_stderrs, sigma / np.sqrt(2000), rtol=0.05
    )
    np.testing.assert_allclose(
        study.monte_carlo_errors, sigma / np.sqrt(2000), rtol=0.4
    )


def test_dimension_study_shows_the_curse_of_dimensionality():
    # What Chapter 8 claims from its figure (budget 4096, 20 runs, seed 0).
    study = dimension_study(range(1, 13), budget=4096, repetitions=20, seed=0)
    grid, mc = study.grid_errors, study.monte_carlo_errors
    assert np.all(grid[:5] < mc[:5]), "the grid wins up to 5 dimensions"
    assert np.all(grid[5:] > mc[5:]), "Monte Carlo wins from 6 dimensions on"
    assert grid[-1] / mc[-1] > 5
    assert grid[-1] / grid[0] > 1e7, "the grid loses eight orders of magnitude"


@pytest.mark.parametrize("n", [2, 3, 17, 200])
def test_running_estimates_are_what_monte_carlo_reports_on_each_prefix(n):
    values = np.random.default_rng(n).gamma(2.0, 3.0, size=200) + 100.0
    means, stderrs = running_estimates(values)
    assert means[n - 1] == pytest.approx(np.mean(values[:n]), rel=1e-13)
    expected = np.std(values[:n], ddof=1) / math.sqrt(n)
    assert stderrs[n - 1] == pytest.approx(expected, rel=1e-9)
    assert math.isnan(stderrs[0])


def test_running_estimates_treat_each_row_as_a_run():
    rows = np.random.default_rng(0).normal(size=(3, 50))
    means, stderrs = running_estimates(rows)
    for row, m, s in zip(rows, means, stderrs, strict=True):
        one_means, one_stderrs = running_estimates(row)
        np.testing.assert_array_equal(m, one_means)
        np.testing.assert_array_equal(s[1:], one_stderrs[1:])


@pytest.mark.parametrize("name", list(INTEGRANDS))
def test_integrands_exact_values_against_sympy(name):
    expressions = {
        "eˣ on [0, 2]": sympy.exp(X),
        "cubic x³ − 2x + 1 on [−1, 2]": X**3 - 2 * X + 1,
        "bump e^(−x²/2) on [−10, 10]": sympy.exp(-(X**2) / 2),
        "√x on [0, 1]": sympy.sqrt(X),
    }
    item = INTEGRANDS[name]
    expr = expressions[name]
    assert item.exact == pytest.approx(exact_integral(expr, item.a, item.b), rel=1e-15)
    xs = np.linspace(item.a, item.b, 7)
    np.testing.assert_allclose(item.f(xs), numpy_function(expr)(xs), rtol=1e-15)


@pytest.mark.parametrize("name", list(GAUSSIAN_EXPECTATIONS))
def test_gaussian_expectations_against_sympy(name):
    density = sympy.exp(-(X**2) / 2) / sympy.sqrt(2 * sympy.pi)
    expressions = {
        "X²": X**2,
        "ReLU max(X, 0)": sympy.Max(X, 0),
        "eˣ (heavy right tail)": sympy.exp(X),
        "indicator X > 1.5": sympy.Piecewise((1, X > sympy.Rational(3, 2)), (0, True)),
    }
    f, exact = GAUSSIAN_EXPECTATIONS[name]
    expr = expressions[name]
    integral = sympy.integrate(expr * density, (X, -sympy.oo, sympy.oo))
    assert exact == pytest.approx(float(integral), rel=1e-14)
    xs = np.array([-2.0, -0.3, 0.0, 1.2, 1.6])
    np.testing.assert_allclose(f(xs), [float(expr.subs(X, x)) for x in xs], rtol=1e-15)


@pytest.mark.parametrize("rule", QUADRATURE_RULES)
def test_nodes_and_weights_reproduce_the_rule(rule):
    nodes, weights = rule_nodes_and_weights(-1.0, 2.0, 6, rule)
    assert float(np.sum(weights * np.cosh(nodes))) == pytest.approx(
        quadrature(np.cosh, -1.0, 2.0, 6, rule), rel=1e-15
    )
    assert float(np.sum(weights)) == pytest.approx(3.0, rel=1e-15)  # exact on 1
