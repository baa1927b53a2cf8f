r"""Checks for the exercises of Chapter 6, *Optimizers*.

The right answers are not written here: each check asks
:mod:`calclearn.optim` for them, so an exercise passes exactly when the
learner's step is the step ``torch.optim`` takes.

- Exercise 1, a momentum step as PyTorch takes it:
  :math:`b \leftarrow \beta b + g`, :math:`p \leftarrow p - \eta b`
  (:class:`calclearn.optim.SGD`).
- Exercise 2, an Adam step (:class:`calclearn.optim.Adam`).
- Exercise 3, the best heavy-ball momentum for condition number
  :math:`\kappa`: :math:`\beta^\ast = \left(\frac{\sqrt\kappa - 1}{\sqrt\kappa
  + 1}\right)^2` (:func:`calclearn.optim.momentum_theory.optimal_heavy_ball`).

Functions are compared to 7 significant digits, the number exactly.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from calclearn.autodiff import Tensor
from calclearn.exercises import Feedback, Mistake, check_function, check_value
from calclearn.optim import SGD, Adam

#: Exercise 3's condition number: √16 = 4, so β* = (3/5)² = 9/25.
KAPPA = 16


def _momentum_cases() -> list[tuple]:
    """Three seeded ``(p, g, b, lr, momentum)`` cases, vectors of length 3."""
    rng = np.random.default_rng(6)
    settings = [(0.1, 0.9), (0.05, 0.5), (0.3, 0.99)]
    return [
        (rng.normal(size=3), rng.normal(size=3), rng.normal(size=3), lr, mu)
        for lr, mu in settings
    ]


def _adam_cases() -> list[tuple]:
    """``(p, g, m, v, t, lr, beta1, beta2, eps)``: the first step (m = v = 0)
    and later ones. Small gradients and a large ε, so that where ε sits shows
    in the 7 digits compared; positive gradients, so that a v averaging g
    instead of g² stays positive and is recognised, not reported as nan."""
    rng = np.random.default_rng(7)
    cases = []
    for t, eps, (beta1, beta2) in [
        (1, 1e-3, (0.9, 0.999)),
        (3, 1e-3, (0.8, 0.99)),
        (10, 1e-2, (0.9, 0.95)),
    ]:
        scale = 0.01
        m = np.zeros(3) if t == 1 else scale * rng.normal(size=3)
        v = np.zeros(3) if t == 1 else scale**2 * rng.uniform(0.5, 2.0, size=3)
        cases.append(
            (rng.normal(size=3), scale * rng.uniform(0.2, 2.0, size=3), m, v, t, 0.01,
             beta1, beta2, eps)
        )  # fmt: skip
    return cases


_MOMENTUM_CASES = _momentum_cases()
_ADAM_CASES = _adam_cases()


def torch_momentum_step(p, g, b, lr, momentum) -> tuple[np.ndarray, np.ndarray]:
    r"""One step of :class:`calclearn.optim.SGD` (``torch.optim.SGD``) with
    momentum from the buffer ``b``: the new parameter and buffer.

    Examples
    --------
    >>> p, b = torch_momentum_step(np.array([1.0]), np.array([2.0]),
    ...                            np.array([1.0]), 0.1, 0.9)
    >>> p, b  # b = 0.9 * 1 + 2 = 2.9; p = 1 - 0.1 * 2.9
    (array([0.71]), array([2.9]))
    """
    w = Tensor(np.array(p, dtype=float))
    optimizer = SGD([w], lr=lr, momentum=momentum)
    optimizer.state[w] = {"momentum_buffer": np.array(b, dtype=float)}
    w.grad = np.array(g, dtype=float)
    optimizer.step()
    return w.data.copy(), optimizer.state[w]["momentum_buffer"]


def torch_adam_step(p, g, m, v, t, lr, beta1, beta2, eps) -> tuple[np.ndarray, ...]:
    r"""Step ``t`` (counted from 1) of :class:`calclearn.optim.Adam`
    (``torch.optim.Adam``) from the moments ``m`` and ``v``: the new
    parameter, ``m`` and ``v``.

    Examples
    --------
    >>> p, m, v = torch_adam_step(np.array([1.0]), np.array([0.5]), np.zeros(1),
    ...                           np.zeros(1), 1, 0.1, 0.9, 0.999, 1e-8)
    >>> p.round(6), m, v.round(6)  # the first step moves by lr: m̂/√v̂ = 1
    (array([0.9]), array([0.05]), array([0.00025]))
    """
    w = Tensor(np.array(p, dtype=float))
    optimizer = Adam([w], lr=lr, betas=(beta1, beta2), eps=eps)
    optimizer.state[w] = {
        "step": t - 1,
        "exp_avg": np.array(m, dtype=float),
        "exp_avg_sq": np.array(v, dtype=float),
    }
    w.grad = np.array(g, dtype=float)
    optimizer.step()
    state = optimizer.state[w]
    return w.data.copy(), state["exp_avg"], state["exp_avg_sq"]


def _momentum_words(args: tuple) -> str:
    p, g, b, lr, mu = args

    def show(array):
        return "[" + ", ".join(f"{value:.3g}" for value in np.ravel(array)) + "]"

    return f"p = {show(p)}, g = {show(g)}, b = {show(b)}, lr = {lr:g}, β = {mu:g}"


def check_momentum_step(momentum_step_fn: Any) -> Feedback:
    r"""Exercise 1: ``momentum_step(p, g, b, lr, momentum)`` returns the new
    ``(p, b)`` of PyTorch's SGD: :math:`b \leftarrow \mu b + g`,
    :math:`p \leftarrow p - \eta b`."""

    def stepped(new_p, new_b):
        return np.array([new_p, new_b])

    return check_function(
        momentum_step_fn,
        lambda *a: stepped(*torch_momentum_step(*a)),
        _MOMENTUM_CASES,
        name="your momentum step",
        success="Correct: that is torch.optim.SGD's step: the buffer first, "
        "b = βb + g, then p −= lr·b.",
        mistakes=[
            Mistake(
                lambda p, g, b, lr, mu: stepped(p + mu * b - lr * g, mu * b - lr * g),
                "That is the textbook velocity, v = βv − lr·g and p += v. PyTorch "
                "keeps the buffer without the learning rate and with the other "
                "sign: b = βb + g, then p −= lr·b (the same path while lr is fixed, "
                "but a different b).",
            ),
            Mistake(
                lambda p, g, b, lr, mu: stepped(p - lr * b, mu * b + g),
                "You stepped with the old buffer: update it first, b = βb + g, then "
                "step with the new one, p −= lr·b.",
            ),
            Mistake(
                lambda p, g, b, lr, mu: stepped(p - lr * g, mu * b + g),
                "Your step uses the gradient alone, so the momentum does nothing: "
                "the step is lr times the updated buffer, p −= lr·b.",
            ),
            Mistake(
                lambda p, g, b, lr, mu: stepped(p - lr * g, b),
                "You forgot the buffer: that is a plain gradient step. Update "
                "b = βb + g, then step p −= lr·b.",
            ),
            Mistake(
                lambda p, g, b, lr, mu: stepped(
                    p - lr * (mu * b + (1 - mu) * g), mu * b + (1 - mu) * g
                ),
                "That is an average, b = βb + (1 − β)g: dampening τ = β. PyTorch's "
                "default dampening is 0, so the gradient enters whole: b = βb + g.",
            ),
            Mistake(
                lambda p, g, b, lr, mu: stepped(p - (mu * b + lr * g), mu * b + lr * g),
                "You put the learning rate into the buffer (b = βb + lr·g, p −= b). "
                "PyTorch keeps lr out of it: b = βb + g, then p −= lr·b.",
            ),
            Mistake(
                lambda p, g, b, lr, mu: stepped(p + lr * (mu * b + g), mu * b + g),
                "The buffer is right, but the step goes uphill: p −= lr·b.",
            ),
        ],
        shape_hints={
            (3,): "Return both the new parameter and the new buffer: "
            "`return p_new, b_new`.",
        },
        describe=_momentum_words,
    )


def _adam_words(args: tuple) -> str:
    *_, t, lr, beta1, beta2, eps = args
    return (
        f"step t = {t} (β₁ = {beta1:g}, β₂ = {beta2:g}, ε = {eps:g}, lr = {lr:g}, "
        f"{'m = v = 0' if t == 1 else 'm, v from earlier steps'})"
    )


def _adam_variant(
    p, g, m, v, t, lr, beta1, beta2, eps, *, correct=True, corrections=None,
    eps_inside=False, eps_before=False, square=True,
):  # fmt: skip
    """An Adam step done right or wrong in one named way: (p, m, v)."""
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * (g * g if square else g)
    one, two = corrections or (1 - beta1**t, 1 - beta2**t)
    if not correct:
        one = two = 1.0
    if eps_before:  # Kingma and Ba's "efficient" form, TensorFlow's
        step = lr * np.sqrt(two) / one * m / (np.sqrt(v) + eps)
    elif eps_inside:
        step = lr * (m / one) / np.sqrt(v / two + eps)
    else:
        step = lr * (m / one) / (np.sqrt(v / two) + eps)
    return np.array([p - step, m, v])


def check_adam_step(adam_step_fn: Any) -> Feedback:
    r"""Exercise 2: ``adam_step(p, g, m, v, t, lr, beta1, beta2, eps)`` returns
    the new ``(p, m, v)`` of PyTorch's Adam at step ``t`` (from 1)."""

    def reference(*args):
        return np.array(torch_adam_step(*args))

    def variant(**how):
        return lambda *args: _adam_variant(*args, **how)

    def swapped(p, g, m, v, t, lr, beta1, beta2, eps):
        corrections = (1 - beta2**t, 1 - beta1**t)
        return _adam_variant(
            p, g, m, v, t, lr, beta1, beta2, eps, corrections=corrections
        )

    def no_power(p, g, m, v, t, lr, beta1, beta2, eps):
        corrections = (1 - beta1, 1 - beta2)
        return _adam_variant(
            p, g, m, v, t, lr, beta1, beta2, eps, corrections=corrections
        )

    def old_moments(p, g, m, v, t, lr, beta1, beta2, eps):
        new = _adam_variant(p, g, m, v, t, lr, beta1, beta2, eps)
        with np.errstate(divide="ignore", invalid="ignore"):
            step = lr * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps)
        return np.array([p - step, new[1], new[2]])

    return check_function(
        adam_step_fn,
        reference,
        _ADAM_CASES,
        name="your Adam step",
        success="Correct: that is torch.optim.Adam's step: both moments, their "
        "bias corrections 1 − βᵗ, and ε added after the square root.",
        mistakes=[
            Mistake(
                variant(correct=False),
                "No bias correction: m and v start at 0, so early on they are too "
                "small. Divide by 1 − β₁ᵗ and 1 − β₂ᵗ: m̂ = m/(1 − β₁ᵗ), "
                "v̂ = v/(1 − β₂ᵗ).",
            ),
            Mistake(
                variant(eps_inside=True),
                "ε sits outside the square root in PyTorch: m̂ / (√v̂ + ε), not "
                "m̂ / √(v̂ + ε).",
            ),
            Mistake(
                variant(eps_before=True),
                "That is the Adam paper's 'efficient' form (and TensorFlow's): ε "
                "added to √v before the bias correction. PyTorch corrects first and "
                "adds ε after: m̂ / (√v̂ + ε).",
            ),
            Mistake(
                swapped,
                "The corrections are swapped: m̂ = m/(1 − β₁ᵗ) goes with β₁, "
                "v̂ = v/(1 − β₂ᵗ) with β₂.",
            ),
            Mistake(
                no_power,
                "The correction needs the power of the step number: 1 − β₁ᵗ and "
                "1 − β₂ᵗ, not 1 − β₁ and 1 − β₂.",
            ),
            Mistake(
                variant(square=False),
                "v averages the *squared* gradient: v = β₂v + (1 − β₂)g².",
            ),
            Mistake(
                old_moments,
                "You stepped with the old moments: update m and v with this "
                "gradient first, then correct and step.",
            ),
        ],
        shape_hints={
            (3,): "Return all three: `return p_new, m_new, v_new`.",
            (2, 3): "Return all three: `return p_new, m_new, v_new`.",
        },
        describe=_adam_words,
    )


def check_best_momentum(beta: Any) -> Feedback:
    r"""Exercise 3: the best heavy-ball momentum for :math:`\kappa` =
    :data:`KAPPA` = 16, :math:`\beta^\ast = ((4 - 1)/(4 + 1))^2 = 9/25`."""
    from calclearn.optim.momentum_theory import optimal_heavy_ball

    best = optimal_heavy_ball(1.0, float(KAPPA))
    root = KAPPA**0.5
    return check_value(
        beta,
        best.momentum,
        name="your β",
        success=f"Correct: β* = ((√κ − 1)/(√κ + 1))² = {best.momentum:g} for κ = "
        f"{KAPPA}; with η* = 4/(√λmax + √λmin)² every component shrinks by "
        f"√β* = {best.rate:g} per step, against {best.descent_rate:.4g} without "
        "momentum.",
        mistakes=[
            Mistake(
                best.rate,
                f"That is the rate √β* = (√κ − 1)/(√κ + 1) = {best.rate:g}: the "
                "momentum is its square.",
            ),
            Mistake(
                ((KAPPA - 1) / (KAPPA + 1)) ** 2,
                "Use √κ, not κ: β* = ((√κ − 1)/(√κ + 1))².",
            ),
            Mistake(
                best.descent_rate,
                "(κ − 1)/(κ + 1) is the rate of plain gradient descent at its best "
                "step, not a momentum.",
            ),
            Mistake(
                ((root + 1) / (root - 1)) ** 2,
                "Upside down: β* < 1, ((√κ − 1)/(√κ + 1))².",
            ),
            Mistake(
                1 - 1 / root,
                "1 − 1/√κ is a rule of thumb for large κ; the exact optimum is "
                "((√κ − 1)/(√κ + 1))².",
            ),
            Mistake(
                0.9,
                "0.9 is PyTorch users' habit, not the optimum for κ = 16: compute "
                "((√κ − 1)/(√κ + 1))².",
            ),
        ],
    )
