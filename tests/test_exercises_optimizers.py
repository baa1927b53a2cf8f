"""Chapter 6 exercise checks (calclearn.exercises.optimizers).

A regression table in the style of tests/test_exercise_regressions.py: each
row is an answer as a learner writes it (not taken from the checks' Mistake
tables) with its verdict and the words its message must contain; then the
probe behaviour (code that raises, hangs, prints or changes its arguments),
the references against the published update rules, and the proof that the
checks take their answers from calclearn.optim.
"""

from __future__ import annotations

import math
import time
from fractions import Fraction

import numpy as np
import pytest

import calclearn.exercises
from calclearn.autodiff import Tensor
from calclearn.exercises import optimizers as chapter
from calclearn.optim import SGD
from calclearn.optim.optimizers import SGD as SGDClass

CHECKS = {
    "momentum": chapter.check_momentum_step,
    "adam": chapter.check_adam_step,
    "beta": chapter.check_best_momentum,
}
TEST_TIME_LIMIT = 0.5
OK, NO = "✅", "❌"


@pytest.fixture(autouse=True)
def short_time_limit(monkeypatch):
    monkeypatch.setattr(calclearn.exercises, "TIME_LIMIT", TEST_TIME_LIMIT)


# ---- learners' momentum steps ------------------------------------------------
def momentum_right(p, g, b, lr, momentum):
    b = momentum * b + g
    return p - lr * b, b


def momentum_in_place(p, g, b, lr, momentum):
    b *= momentum  # changes its argument: harmless, the check passes copies
    b += g
    p -= lr * b
    return p, b


def momentum_as_list(p, g, b, lr, momentum):
    new_b = [momentum * bi + gi for bi, gi in zip(b, g, strict=True)]
    return [pi - lr * bi for pi, bi in zip(p, new_b, strict=True)], new_b


def momentum_textbook(p, g, v, lr, momentum):
    v = momentum * v - lr * g
    return p + v, v


def momentum_old_buffer(p, g, b, lr, momentum):
    p = p - lr * b
    return p, momentum * b + g


def momentum_ema(p, g, b, lr, momentum):
    b = momentum * b + (1 - momentum) * g
    return p - lr * b, b


def momentum_lr_inside(p, g, b, lr, momentum):
    b = momentum * b + lr * g
    return p - b, b


def momentum_uphill(p, g, b, lr, momentum):
    b = momentum * b + g
    return p + lr * b, b


def momentum_no_buffer(p, g, b, lr, momentum):
    return p - lr * g, b


def momentum_grad_step(p, g, b, lr, momentum):
    return p - lr * g, momentum * b + g


def momentum_only_p(p, g, b, lr, momentum):
    return p - lr * (momentum * b + g)


def momentum_prints(p, g, b, lr, momentum):
    print("b is", b)
    return momentum_right(p, g, b, lr, momentum)


def momentum_prints_instead(p, g, b, lr, momentum):
    print(p - lr * (momentum * b + g))


def momentum_raises(p, g, b, lr, momentum):
    raise ValueError("not done yet")


def momentum_hangs(p, g, b, lr, momentum):
    while True:
        pass


def momentum_sleeps(p, g, b, lr, momentum):
    time.sleep(3)


# ---- learners' Adam steps ---------------------------------------------------
def adam_right(p, g, m, v, t, lr, beta1, beta2, eps):
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g**2
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    return p - lr * m_hat / (np.sqrt(v_hat) + eps), m, v


def adam_torch_order(p, g, m, v, t, lr, beta1, beta2, eps):
    """As PyTorch's source writes it: step size and denominator apart."""
    m = m + (g - m) * (1 - beta1)
    v = v * beta2 + (1 - beta2) * g * g
    denom = np.sqrt(v) / math.sqrt(1 - beta2**t) + eps
    return p - (lr / (1 - beta1**t)) * m / denom, m, v


def adam_in_place(p, g, m, v, t, lr, beta1, beta2, eps):
    m *= beta1
    m += (1 - beta1) * g
    v *= beta2
    v += (1 - beta2) * g * g
    p -= lr * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps)
    return p, m, v


def adam_no_correction(p, g, m, v, t, lr, beta1, beta2, eps):
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g**2
    return p - lr * m / (np.sqrt(v) + eps), m, v


def adam_eps_in_sqrt(p, g, m, v, t, lr, beta1, beta2, eps):
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g**2
    m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
    return p - lr * m_hat / np.sqrt(v_hat + eps), m, v


def adam_paper_efficient(p, g, m, v, t, lr, beta1, beta2, eps):
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g**2
    alpha = lr * np.sqrt(1 - beta2**t) / (1 - beta1**t)
    return p - alpha * m / (np.sqrt(v) + eps), m, v


def adam_swapped_betas(p, g, m, v, t, lr, beta1, beta2, eps):
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g**2
    m_hat, v_hat = m / (1 - beta2**t), v / (1 - beta1**t)
    return p - lr * m_hat / (np.sqrt(v_hat) + eps), m, v


def adam_no_power(p, g, m, v, t, lr, beta1, beta2, eps):
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g**2
    m_hat, v_hat = m / (1 - beta1), v / (1 - beta2)
    return p - lr * m_hat / (np.sqrt(v_hat) + eps), m, v


def adam_unsquared(p, g, m, v, t, lr, beta1, beta2, eps):
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g
    m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
    return p - lr * m_hat / (np.sqrt(v_hat) + eps), m, v


def adam_old_moments(p, g, m, v, t, lr, beta1, beta2, eps):
    p = p - lr * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps)
    return p, beta1 * m + (1 - beta1) * g, beta2 * v + (1 - beta2) * g**2


def adam_only_p(p, g, m, v, t, lr, beta1, beta2, eps):
    return adam_right(p, g, m, v, t, lr, beta1, beta2, eps)[0]


def adam_p_and_m(p, g, m, v, t, lr, beta1, beta2, eps):
    return adam_right(p, g, m, v, t, lr, beta1, beta2, eps)[:2]


def adam_off_by_a_little(p, g, m, v, t, lr, beta1, beta2, eps):
    new_p, m, v = adam_right(p, g, m, v, t, lr, beta1, beta2, eps)
    return new_p + 1e-4, m, v


def adam_eight_arguments(p, g, m, v, lr, beta1, beta2, eps):
    return p, m, v


ROOT = math.sqrt(chapter.KAPPA)

ROWS = [
    # ---- Exercise 1: a momentum step, PyTorch's form ----
    ("momentum", momentum_right, OK, ["Correct", "torch.optim.SGD"]),
    ("momentum", momentum_in_place, OK, ["Correct"]),
    ("momentum", momentum_as_list, OK, ["Correct"]),
    ("momentum", momentum_textbook, NO, ["textbook velocity", "b = βb + g"]),
    ("momentum", momentum_old_buffer, NO, ["old buffer"]),
    ("momentum", momentum_ema, NO, ["dampening", "b = βb + g"]),
    ("momentum", momentum_lr_inside, NO, ["learning rate into the buffer"]),
    ("momentum", momentum_uphill, NO, ["uphill"]),
    ("momentum", momentum_no_buffer, NO, ["forgot the buffer"]),
    ("momentum", momentum_grad_step, NO, ["gradient alone"]),
    ("momentum", momentum_only_p, NO, ["Return both", "`return p_new, b_new`"]),
    ("momentum", momentum_prints_instead, NO, ["`None`", "`print` shows"]),
    ("momentum", momentum_raises, NO, ["raised ValueError", "not done yet"]),
    ("momentum", momentum_hangs, NO, ["still running", "gave up"]),
    ("momentum", momentum_sleeps, NO, ["still running"]),
    ("momentum", lambda p, g: p, NO, ["should take 5 arguments"]),
    ("momentum", 0.9, NO, ["should be a function", "a float"]),
    ("momentum", None, NO, ["not defined yet"]),
    # ---- Exercise 2: an Adam step ----
    ("adam", adam_right, OK, ["Correct", "torch.optim.Adam"]),
    ("adam", adam_torch_order, OK, ["Correct"]),
    ("adam", adam_in_place, OK, ["Correct"]),
    ("adam", adam_no_correction, NO, ["No bias correction", "1 − β₁ᵗ"]),
    ("adam", adam_eps_in_sqrt, NO, ["outside the square root"]),
    ("adam", adam_paper_efficient, NO, ["'efficient' form", "TensorFlow"]),
    ("adam", adam_swapped_betas, NO, ["swapped"]),
    ("adam", adam_no_power, NO, ["power of the step number"]),
    ("adam", adam_unsquared, NO, ["*squared* gradient"]),
    ("adam", adam_old_moments, NO, ["old moments"]),
    ("adam", adam_only_p, NO, ["Return all three"]),
    ("adam", adam_p_and_m, NO, ["Return all three"]),
    ("adam", adam_off_by_a_little, NO, ["Not yet", "step t = 1"]),
    ("adam", adam_eight_arguments, NO, ["should take 9 arguments"]),
    ("adam", lambda *a: "p - lr * m / v", NO, ["remove the quotes"]),
    # ---- Exercise 3: β* for κ = 16 ----
    ("beta", ((ROOT - 1) / (ROOT + 1)) ** 2, OK, ["Correct", "0.36", "0.6"]),
    ("beta", Fraction(9, 25), OK, ["Correct"]),
    ("beta", 0.36, OK, ["Correct"]),
    ("beta", np.float64(9) / 25, OK, ["Correct"]),
    ("beta", 3 / 5, NO, ["the momentum is its square"]),
    ("beta", (15 / 17) ** 2, NO, ["Use √κ, not κ"]),
    ("beta", 15 / 17, NO, ["plain gradient descent"]),
    ("beta", 25 / 9, NO, ["Upside down"]),
    ("beta", 0.75, NO, ["rule of thumb"]),
    ("beta", 0.9, NO, ["habit"]),
    ("beta", 0.3599, NO, ["3 significant digits", "exactly"]),
    ("beta", 0.5, NO, ["Not yet: 0.5 is not the answer."]),
    ("beta", "0.36", NO, ["remove the quotes"]),
    ("beta", None, NO, ["not filled in yet"]),
    ("beta", lambda: 0.36, NO, ["is a function, not a number"]),
]


@pytest.mark.parametrize(
    ("check", "answer", "verdict", "words"),
    [pytest.param(*row, id=f"{row[0]}-{i}") for i, row in enumerate(ROWS)],
)
def test_regression_table(check, answer, verdict, words):
    feedback = CHECKS[check](answer)
    assert repr(feedback).startswith(verdict), feedback
    for word in words:
        assert word in feedback.message, (word, feedback.message)
    message = feedback.message
    assert ".." not in message and "Traceback" not in message
    assert not any(f" a {v}" in f" {message}" for v in ("int", "array", "ndarray"))


def test_table_covers_every_check_and_both_verdicts():
    for name in CHECKS:
        verdicts = {verdict for check, _, verdict, _ in ROWS if check == name}
        assert verdicts == {OK, NO}, name


def test_printed_output_is_shown_once_below_the_verdict():
    feedback = chapter.check_momentum_step(momentum_prints)
    assert feedback.passed
    assert feedback.output.count("b is") == 1
    assert "2 more call(s) printed" in feedback.output


def test_a_runaway_step_is_stopped_within_the_time_limit():
    start = time.monotonic()
    feedback = chapter.check_adam_step(lambda *a: momentum_hangs(*a[:5]))
    assert not feedback.passed and "still running" in feedback.message
    assert time.monotonic() - start < TEST_TIME_LIMIT + 1.0


def test_in_place_answers_do_not_corrupt_the_next_check():
    assert chapter.check_momentum_step(momentum_in_place).passed
    assert chapter.check_momentum_step(momentum_right).passed
    assert not chapter.check_momentum_step(momentum_textbook).passed
    assert chapter.check_adam_step(adam_in_place).passed
    assert chapter.check_adam_step(adam_right).passed


# ---- the references, by hand from the published rules ----------------------
def test_momentum_reference_is_the_published_rule():
    """torch.optim.SGD: b ← βb + g, p ← p − lr·b (dampening 0), by hand."""
    p, g, b = np.array([1.0, -2.0]), np.array([0.5, 4.0]), np.array([-1.0, 0.25])
    new_p, new_b = chapter.torch_momentum_step(p, g, b, 0.1, 0.9)
    assert new_b.tolist() == [0.9 * -1.0 + 0.5, 0.9 * 0.25 + 4.0]
    assert np.allclose(new_p, p - 0.1 * new_b, rtol=1e-15, atol=0)


def test_adam_reference_is_the_published_rule():
    """torch.optim.Adam at step 3, by hand in exact fractions (ε outside √)."""
    p, g, m, v = 0.5, -0.25, 0.125, 0.0625
    lr, beta1, beta2, eps, t = 0.01, 0.9, 0.99, 1e-3, 3
    got = chapter.torch_adam_step(
        np.array([p]), np.array([g]), np.array([m]), np.array([v]),
        t, lr, beta1, beta2, eps,
    )  # fmt: skip
    F = Fraction
    m1 = F(beta1) * F(m) + (1 - F(beta1)) * F(g)
    v1 = F(beta2) * F(v) + (1 - F(beta2)) * F(g) ** 2
    m_hat = m1 / (1 - F(beta1) ** t)
    v_hat = v1 / (1 - F(beta2) ** t)
    expected = float(F(p) - F(lr) * m_hat / (F(math.sqrt(v_hat)) + F(eps)))
    assert got[1][0] == pytest.approx(float(m1), rel=1e-15)
    assert got[2][0] == pytest.approx(float(v1), rel=1e-15)
    assert got[0][0] == pytest.approx(expected, rel=1e-14)


def test_best_momentum_is_exactly_nine_over_twenty_five():
    from calclearn.optim.momentum_theory import optimal_heavy_ball

    assert Fraction(optimal_heavy_ball(1.0, 16.0).momentum).limit_denominator(
        1000
    ) == Fraction(9, 25)
    assert optimal_heavy_ball(1.0, 16.0).momentum == pytest.approx(0.36, rel=1e-15)


def test_best_momentum_shrinks_the_error_by_its_root_under_sgd():
    """calclearn.optim.SGD with β* = 9/25 and lr = 4/(√16 + √1)² on the bowl
    diag(1, 16): the error shrinks by √β* = 3/5 per step (critically damped:
    like k·0.6ᵏ, so the ratio over 50 steps is 0.6⁵⁰·(k+50)/k)."""
    w = Tensor(np.array([1.0, 1.0]))
    optimizer = SGD([w], lr=4 / 25, momentum=0.36)
    curvature = np.array([1.0, 16.0])
    norms = []
    for _ in range(151):
        norms.append(np.linalg.norm(w.data))
        w.grad = curvature * w.data
        optimizer.step()
    measured = (norms[150] / norms[100]) ** (1 / 50)
    assert measured == pytest.approx(0.6 * (151 / 101) ** (1 / 50), rel=0.01)


def test_the_checks_take_their_answers_from_calclearn_optim(monkeypatch):
    """Break calclearn.optim's SGD and the right hand-written step fails."""
    assert chapter.check_momentum_step(momentum_right).passed
    monkeypatch.setattr(
        SGDClass, "_update", staticmethod(lambda param, grad, state, settings: param)
    )
    assert not chapter.check_momentum_step(momentum_right).passed
