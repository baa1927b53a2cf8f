r"""Checks for the exercises of Chapter 8, *Integration for machine learning*.

Functions are compared with the exact answers to 7 significant digits on
several test cases (different integrands, intervals and numbers of pieces, odd
and even); the posterior mean is a number asked for exactly.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np

from calclearn.exercises import Feedback, Mistake, check_function, check_value


def _bump(x):
    return np.exp(-(x**2) / 2)


def _cubic(x):
    return x**3 - x


def _beta_shape(x):
    return x**2 * (1 - x) ** 3


def _name(f) -> str:
    return {np.exp: "eˣ", np.sin: "sin x", _bump: "e^(−x²/2)", _cubic: "x³ − x"}.get(
        f, "x²(1 − x)³"
    )


def _describe_rule(args: tuple) -> str:
    f, a, b, n = args
    return f"f = {_name(f)} on [{a:g}, {b:g}] with n = {n}"


_RULE_CASES = [(np.exp, 0.0, 1.0, 4), (np.sin, 0.0, 2.0, 7), (_cubic, -1.0, 2.0, 5)]


def _weights_times_values(f, a, b, n, weights):
    x = np.linspace(a, b, n + 1)
    return (b - a) / n * float(np.sum(weights(n) * f(x)))


def _trapezoid_weights(n: int) -> np.ndarray:
    weights = np.ones(n + 1)
    weights[[0, -1]] = 0.5
    return weights


def _reference_trapezoid(f, a, b, n):
    return _weights_times_values(f, a, b, n, _trapezoid_weights)


def check_trapezoid(trapezoid_fn: Any) -> Feedback:
    r"""Exercise 1: ``trapezoid(f, a, b, n)`` is
    :math:`h\bigl(\tfrac12 f(x_0) + f(x_1) + \dots + f(x_{n-1}) +
    \tfrac12 f(x_n)\bigr)`, :math:`h = (b - a)/n`."""
    return check_function(
        trapezoid_fn,
        _reference_trapezoid,
        _RULE_CASES,
        name="your trapezoid rule",
        success="Correct: h times the sum of the values, the two end values "
        "counted half, since each is a corner of one trapezoid only.",
        mistakes=[
            Mistake(
                lambda f, a, b, n: _weights_times_values(
                    f, a, b, n, lambda m: np.ones(m + 1)
                ),
                "You counted the end values fully: each inner node is a corner of "
                "two trapezoids, but f(a) and f(b) belong to one each, so they "
                "get weight ½.",
            ),
            Mistake(
                lambda f, a, b, n: (
                    (b - a) / n * float(np.sum(f(np.linspace(a, b, n + 1)[:-1])))
                ),
                "That is the left Riemann sum (rectangles): the trapezoid rule "
                "averages the two ends of each piece, (f(xᵢ) + f(xᵢ₊₁))/2.",
            ),
            Mistake(
                lambda f, a, b, n: (
                    (b - a)
                    / (n + 1)
                    * float(np.sum(_trapezoid_weights(n) * f(np.linspace(a, b, n + 1))))
                ),
                "n subintervals have n + 1 nodes but width h = (b − a)/n, not "
                "(b − a)/(n + 1).",
            ),
            Mistake(
                lambda f, a, b, n: float(
                    np.sum(_trapezoid_weights(n) * f(np.linspace(a, b, n + 1)))
                ),
                "You forgot to multiply by the width h = (b − a)/n: the sum of "
                "the heights is not an area.",
            ),
            Mistake(
                lambda f, a, b, n: _reference_trapezoid(f, a, b, n - 1),
                "You used n nodes (n − 1 pieces): np.linspace(a, b, n + 1) gives "
                "the n + 1 nodes of n pieces.",
            ),
        ],
        describe=_describe_rule,
    )


_DENSITY_CASES = [
    (_bump, -5.0, 5.0, 50),
    (_beta_shape, 0.0, 1.0, 40),
    (np.exp, 0.0, 1.0, 10),
]


def _reference_normalise(p_tilde, a, b, n):
    values = p_tilde(np.linspace(a, b, n + 1))
    return values / _reference_trapezoid(p_tilde, a, b, n)


def check_normalise(normalise_fn: Any) -> Feedback:
    r"""Exercise 2: ``normalise(p_tilde, a, b, n)`` returns the values of
    :math:`p = \tilde p / Z` at the ``n + 1`` nodes, with
    :math:`Z = \int_a^b \tilde p` by the trapezoid rule."""

    def nodes_values(p_tilde, a, b, n):
        return p_tilde(np.linspace(a, b, n + 1))

    return check_function(
        normalise_fn,
        _reference_normalise,
        _DENSITY_CASES,
        name="your normalised density",
        success="Correct: divided by Z = ∫ p̃, the density now integrates to 1 "
        "(check: the trapezoid rule of your values gives 1).",
        mistakes=[
            Mistake(
                lambda p, a, b, n: (
                    nodes_values(p, a, b, n) / np.sum(nodes_values(p, a, b, n))
                ),
                "You divided by the sum of the values: that makes them sum to 1 "
                "(a probability vector), not integrate to 1. Z is an area: "
                "multiply by the width h (trapezoid rule).",
            ),
            Mistake(
                lambda p, a, b, n: (
                    nodes_values(p, a, b, n) / np.max(nodes_values(p, a, b, n))
                ),
                "You divided by the largest value: the peak becomes 1, but a "
                "density must have area 1. Divide by Z = ∫ p̃(x) dx.",
            ),
            Mistake(
                lambda p, a, b, n: (
                    nodes_values(p, a, b, n) * _reference_trapezoid(p, a, b, n)
                ),
                "You multiplied by Z: divide by it.",
            ),
            Mistake(
                lambda p, a, b, n: (
                    nodes_values(p, a, b, n)
                    / ((b - a) / n * np.sum(nodes_values(p, a, b, n)))
                ),
                "Close: your Z counts the end values fully; with the trapezoid "
                "rule they get weight ½.",
            ),
        ],
        shape_hints={
            (): "Return the normalised values at all n + 1 nodes (an array), not "
            "the constant Z alone.",
        },
        describe=_describe_rule,
    )


def _sample_cases() -> list[tuple[np.ndarray]]:
    rng = np.random.default_rng(8)
    return [(rng.normal(2.0, 3.0, size=size),) for size in (10, 50, 7)]


def _reference_estimate(values):
    return np.array([values.mean(), values.std(ddof=1) / np.sqrt(len(values))])


def check_monte_carlo_estimate(estimate_fn: Any) -> Feedback:
    r"""Exercise 3: ``mc_estimate(values)`` returns ``(estimate, stderr)``: the
    mean of the :math:`f(X_i)` and :math:`s/\sqrt n`, ``s`` their sample
    standard deviation (``ddof=1``)."""
    return check_function(
        estimate_fn,
        _reference_estimate,
        _sample_cases(),
        name="your (estimate, stderr)",
        success="Correct: the standard error s/√n shrinks like 1/√n, so 100 "
        "times the points buy one more correct digit.",
        mistakes=[
            Mistake(
                lambda v: np.array([v.mean(), v.std(ddof=0) / np.sqrt(len(v))]),
                "Almost: np.std divides by n by default; the sample standard "
                "deviation divides by n − 1 (np.std(values, ddof=1)).",
            ),
            Mistake(
                lambda v: np.array([v.mean(), v.std(ddof=1)]),
                "That is the spread of one value f(X), not of their mean: divide "
                "the standard deviation by √n.",
            ),
            Mistake(
                lambda v: np.array([v.mean(), v.std(ddof=1) / len(v)]),
                "Divide by √n, not n: the variance of a mean is σ²/n, so its "
                "standard deviation is σ/√n.",
            ),
            Mistake(
                lambda v: np.array([v.mean(), v.var(ddof=1) / np.sqrt(len(v))]),
                "You used the variance s² where the standard deviation s belongs: "
                "stderr = s/√n.",
            ),
        ],
        shape_hints={
            (): "Return two numbers, (estimate, stderr), not one.",
        },
        describe=lambda args: f"{len(args[0])} values",
    )


#: Exercise 4's data: heads and flips.
COIN_HEADS, COIN_FLIPS = 7, 10


def check_posterior_mean(answer: Any) -> Feedback:
    r"""Exercise 4: the posterior mean of a coin's bias after 7 heads in 10 flips
    with a uniform prior, :math:`(k + 1)/(N + 2) = 8/12 = 2/3`."""
    k, n = COIN_HEADS, COIN_FLIPS
    return check_value(
        answer,
        Fraction(k + 1, n + 2),
        name="your posterior mean",
        success="Correct: the posterior is Beta(8, 4), whose mean 8/12 = 2/3 "
        "sits between the prior's ½ and the data's 7/10 (Laplace's rule of "
        "succession).",
        mistakes=[
            Mistake(
                Fraction(k, n),
                "7/10 is the fraction of heads, the maximum-likelihood estimate: "
                "the uniform prior adds one head and one tail, (k + 1)/(N + 2).",
            ),
            Mistake(
                Fraction(k, n + 2),
                "Add one to the heads as well: the mean of Beta(k + 1, N − k + 1) "
                "is (k + 1)/(N + 2).",
            ),
            Mistake(
                Fraction(k + 1, n + 1),
                "The denominator is N + 2 (both parameters of Beta(k + 1, N − k + "
                "1) added): (k + 1)/(N + 2).",
            ),
        ],
    )
