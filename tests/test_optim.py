"""Tests of calclearn.optim.gradient_descent against closed forms.

On f(x) = λ/2 x² gradient descent is x_k = (1 - ηλ)^k x_0 exactly, so every
expectation below (iterates, step counts, the step of divergence, contraction
rates) is computed in the test from that closed form, in exact rational
arithmetic where a boundary is involved.
"""

from __future__ import annotations

import math
from fractions import Fraction

import mpmath
import numpy as np
import pytest

from calclearn.optim import DescentRun, gradient_descent
from calclearn.optim import descent as optim

LAM = 4.0  # f'' of the 1-D quadratic: stable iff 0 < η < 2/λ = 0.5


def quadratic(lam: float = LAM):
    return (lambda x: lam / 2 * x**2), (lambda x: lam * x)


def closed_form(lr: float, x0: float, k: np.ndarray) -> np.ndarray:
    return (1 - lr * LAM) ** k * x0


def first_k_exceeding(lr: float, x0: float, limit: float) -> int:
    """Smallest k with |(1 - ηλ)^k x0| > limit, in exact arithmetic.

    Also makes sure the crossing is not within rounding of the limit, so that
    the floating-point iterates cannot land on the other side of it.
    """
    ratio = abs(1 - Fraction(lr) * Fraction(LAM))
    value, k = abs(Fraction(x0)), 0
    while value <= Fraction(limit):
        value *= ratio
        k += 1
    previous = value / ratio
    assert value > Fraction(limit) * Fraction(1 + 10**-9)
    assert previous < Fraction(limit) * Fraction(1 - 10**-9)
    return k


@pytest.mark.parametrize("lr", [0.05, 0.1, 0.2, 0.3, 0.45, 0.49])
@pytest.mark.parametrize("x0", [1.0, -2.5])
def test_iterates_follow_the_closed_form_and_converge(lr, x0):
    f, grad = quadratic()
    run = gradient_descent(f, grad, x0, lr, 2000)
    k = np.arange(run.steps + 1)
    # Rounding grows by a few eps per step: 1e-12 relative is ample.
    np.testing.assert_allclose(run.path, closed_form(lr, x0, k), rtol=1e-12, atol=0)
    assert run.status == "converged"
    assert run.diverged_at is None
    # It stops at the first k with |f'(x_k)| = λ |x_k| <= tol (tol = 1e-10).
    rate = abs(1 - lr * LAM)
    expected_steps = math.ceil(math.log(1e-10 / (LAM * abs(x0))) / math.log(rate))
    assert run.steps == expected_steps
    assert run.grad_norms[-1] <= 1e-10 < run.grad_norms[-2]


@pytest.mark.parametrize("lr", [0.05, 0.3, 0.45])
def test_losses_and_grad_norms_are_those_of_the_path(lr):
    f, grad = quadratic()
    run = gradient_descent(f, grad, 1.5, lr, 40)
    assert run.path.shape == (run.steps + 1,)
    np.testing.assert_allclose(run.losses, LAM / 2 * run.path**2, rtol=1e-15)
    np.testing.assert_allclose(run.grad_norms, LAM * np.abs(run.path), rtol=1e-15)
    assert run.lr == lr


def test_step_of_one_over_lambda_lands_in_one_step():
    f, grad = quadratic()
    run = gradient_descent(f, grad, 1.0, 1 / LAM, 100)
    assert run.status == "converged"
    assert run.steps == 1
    assert run.path[-1] == 0.0


@pytest.mark.parametrize("lr", [0.3, 0.4, 0.45, 0.49])
def test_overshooting_step_zigzags(lr):
    # 1/λ < η < 2/λ: 1 - ηλ is in (-1, 0), so the sign of x flips every step.
    f, grad = quadratic()
    run = gradient_descent(f, grad, 1.0, lr, 200)
    assert run.zigzag is True
    assert np.all(np.sign(run.path[1:]) == -np.sign(run.path[:-1]))


@pytest.mark.parametrize("lr", [0.05, 0.1, 0.2, 0.24])
def test_small_step_does_not_zigzag(lr):
    f, grad = quadratic()
    run = gradient_descent(f, grad, 1.0, lr, 200)
    assert run.zigzag is False
    assert np.all(np.diff(run.path) < 0)


def test_step_of_two_over_lambda_bounces_forever():
    f, grad = quadratic()
    run = gradient_descent(f, grad, 1.0, 2 / LAM, 100)
    # 1 - ηλ = -1: x_k = (-1)^k exactly, the loss never moves.
    np.testing.assert_array_equal(run.path, (-1.0) ** np.arange(101))
    assert run.status == "stuck"
    assert run.zigzag is True
    assert run.diverged_at is None


@pytest.mark.parametrize("lr", [0.51, 0.6, 1.0, 3.0])
@pytest.mark.parametrize("x0", [1.0, -3.0, 0.25])
def test_divergence_is_caught_at_the_right_step(lr, x0):
    f, grad = quadratic()
    run = gradient_descent(f, grad, x0, lr, 1000)
    limit = optim._BLOW_UP * max(1.0, abs(x0))
    expected = first_k_exceeding(lr, x0, limit)
    assert run.status == "diverged"
    assert run.diverged_at == expected
    # The path stops just before the blow-up and is finite.
    assert run.steps == expected - 1
    assert np.all(np.isfinite(run.path))
    assert np.all(np.abs(run.path) <= limit)
    assert str(expected) in run.message


def test_docstring_example_is_the_closed_form():
    # f = 2x² (λ = 4), η = 0.6, x0 = 1: |x_k| = 1.4^k exceeds 1e6 at k = 42.
    run = gradient_descent(lambda x: 2 * x**2, lambda x: 4 * x, 1.0, 0.6, 100)
    expected = math.floor(math.log(optim._BLOW_UP) / math.log(1.4)) + 1
    assert (run.status, run.diverged_at) == ("diverged", expected)


@pytest.mark.parametrize("lr", [0.01, 0.1, 0.3, 0.5, 0.7, 5.0, 1e3])
def test_path_is_always_finite(lr):
    # x^4 blows up super-exponentially once it overshoots.
    run = gradient_descent(lambda x: x**4, lambda x: 4 * x**3, 2.0, lr, 300)
    assert np.all(np.isfinite(run.path))
    assert np.all(np.isfinite(run.losses))
    assert np.all(np.isfinite(run.grad_norms))
    assert len(run.losses) == len(run.grad_norms) == len(run.path)


def test_too_large_step_on_x4_diverges():
    run = gradient_descent(lambda x: x**4, lambda x: 4 * x**3, 2.0, 1.0, 300)
    assert run.status == "diverged"
    assert run.diverged_at == run.steps + 1


@pytest.mark.parametrize("x0", [0.3, 2.0, -1.0])
def test_bounded_gradient_with_large_step_gets_stuck_in_a_two_cycle(x0):
    # f = log cosh 2x has |f'| = 2 |tanh 2x| < 2, so the iterates cannot blow
    # up; with η = 1 they settle on the 2-cycle x -> -x, where x = η tanh(2x).
    lr = 1.0
    run = gradient_descent(
        lambda t: np.log(np.cosh(2 * t)), lambda t: 2 * np.tanh(2 * t), x0, lr, 200
    )
    cycle = float(mpmath.findroot(lambda t: t - lr * mpmath.tanh(2 * t), 1.0))
    assert run.status == "stuck"
    assert run.diverged_at is None
    assert run.zigzag is True
    assert abs(run.path[-1]) == pytest.approx(cycle, rel=1e-12)
    assert run.path[-1] == pytest.approx(-run.path[-2], rel=1e-12)
    assert run.losses[-1] == pytest.approx(math.log(math.cosh(2 * cycle)), rel=1e-12)
    assert np.all(run.grad_norms < 2)


def rotation(degrees: float) -> np.ndarray:
    t = math.radians(degrees)
    return np.array([[math.cos(t), -math.sin(t)], [math.sin(t), math.cos(t)]])


@pytest.mark.parametrize("degrees", [0.0, 30.0])
def test_optimal_step_contracts_at_kappa_rate(degrees):
    mu, L = 1.0, 100.0
    R = rotation(degrees)
    A = R @ np.diag([mu, L]) @ R.T
    lr = 2 / (mu + L)
    kappa = L / mu
    rate = (kappa - 1) / (kappa + 1)
    run = gradient_descent(
        lambda p: 0.5 * p @ A @ p, lambda p: A @ p, np.array([1.0, 1.0]), lr, 200
    )
    norms = np.linalg.norm(run.path, axis=1)
    # Both eigen-components scale by ±(κ-1)/(κ+1) each step, so the norm does.
    np.testing.assert_allclose(norms[1:] / norms[:-1], rate, rtol=1e-9)
    assert run.path.shape == (201, 2)
    assert run.status == "converging"


def test_step_one_over_L_contracts_at_one_minus_mu_over_L():
    mu, L = 1.0, 100.0
    A = np.diag([mu, L])
    run = gradient_descent(
        lambda p: 0.5 * p @ A @ p, lambda p: A @ p, np.array([1.0, 1.0]), 1 / L, 300
    )
    norms = np.linalg.norm(run.path, axis=1)
    # The stiff component is gone after one step; the slow one shrinks by 1 - μ/L.
    np.testing.assert_allclose(norms[2:] / norms[1:-1], 1 - mu / L, rtol=1e-12)
    assert run.zigzag is False


def test_two_d_zigzag_across_the_valley():
    # η just below 2/L: the stiff component flips sign each step and dominates.
    A = np.diag([1.0, 100.0])
    run = gradient_descent(
        lambda p: 0.5 * p @ A @ p, lambda p: A @ p, np.array([1.0, 1.0]), 0.019, 50
    )
    assert run.zigzag is True
    assert np.all(np.sign(run.path[1:, 1]) == -np.sign(run.path[:-1, 1]))


def test_zero_steps_returns_the_start():
    f, grad = quadratic()
    run = gradient_descent(f, grad, 2.0, 0.1, 0)
    assert isinstance(run, DescentRun)
    assert run.steps == 0
    np.testing.assert_array_equal(run.path, [2.0])
    np.testing.assert_array_equal(run.grad_norms, [LAM * 2.0])
