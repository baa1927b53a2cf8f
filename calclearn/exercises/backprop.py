r"""Checks for the exercises of Chapter 5, *Backpropagation*.

The layer is :math:`z = xW + b` with a batch ``x`` of shape ``(n, m)``, a
weight ``W`` of shape ``(m, k)`` and the upstream gradient
``delta`` :math:`= \partial L / \partial z` of shape ``(n, k)``. The test
shapes are all different (n = 4, m = 3, k = 2), so a missing or extra
transpose shows as a wrong shape or a failing ``@``. Answers are compared
with the exact ones to 7 significant digits.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from calclearn.exercises import Feedback, Mistake, check_function


def layer_cases(
    seed: int = 5,
) -> list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
    """Three seeded ``(x, W, b, delta)`` cases with n = 4, m = 3, k = 2.

    Every shape differs, so a missing transpose cannot go unnoticed. Shared
    with the layer exercise of Chapter 9 (:mod:`calclearn.exercises.capstone`).
    """
    rng = np.random.default_rng(seed)
    return [
        (
            rng.normal(size=(4, 3)),
            rng.normal(size=(3, 2)),
            rng.normal(size=2),
            rng.normal(size=(4, 2)),
        )
        for _ in range(3)
    ]


_CASES = layer_cases()


def _shapes(names: str, arrays: tuple) -> str:
    """``"x of shape (4, 3), delta of shape (4, 2)"`` for the messages."""
    return ", ".join(
        f"{name} of shape {np.shape(array)}"
        for name, array in zip(names.split(), arrays, strict=True)
    )


def check_weight_gradient(weight_gradient_fn: Any) -> Feedback:
    r"""Exercise 1: ``weight_gradient(x, delta)`` is :math:`x^\top \delta`."""
    return check_function(
        weight_gradient_fn,
        lambda x, delta: x.T @ delta,
        [(x, delta) for x, _, _, delta in _CASES],
        name="your ∂L/∂W",
        success="Correct: ∂L/∂W = xᵀδ, of the shape of W; the product sums over "
        "the batch, one outer product per example.",
        mistakes=[
            Mistake(
                lambda x, delta: x.T @ delta / len(x),
                "You divided by the batch size: δ = ∂L/∂z already carries the 1/n "
                "of a mean loss, so xᵀδ needs no extra averaging.",
            ),
        ],
        shape_hints={
            (2, 3): "That is δᵀx, the transpose: ∂L/∂W must have the shape of W, "
            "(3, 2), so the batch axis has to be summed away as xᵀδ.",
            (4, 3): "That has the shape of x: it looks like ∂L/∂x. The weight "
            "gradient has the shape of W, (3, 2).",
        },
        describe=lambda a: _shapes("x delta", a),
    )


def check_input_gradient(input_gradient_fn: Any) -> Feedback:
    r"""Exercise 2: ``input_gradient(delta, W)`` is :math:`\delta W^\top`."""
    return check_function(
        input_gradient_fn,
        lambda delta, W: delta @ W.T,
        [(delta, W) for _, W, _, delta in _CASES],
        name="your ∂L/∂x",
        success="Correct: ∂L/∂x = δWᵀ, of the shape of x: each input receives "
        "the upstream gradients weighted by the weights it feeds.",
        shape_hints={
            (3, 4): "That is W δᵀ, the transpose of the answer (the factors in the "
            "wrong order): ∂L/∂x must have the shape of x, (4, 3).",
            (3, 2): "That has the shape of W: it looks like ∂L/∂W. The input "
            "gradient has the shape of x, (4, 3).",
        },
        describe=lambda a: _shapes("delta W", a),
    )


def _tanh_layer(x: np.ndarray, W: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.tanh(x @ W + b)


def check_tanh_layer_backward(tanh_backward_fn: Any) -> Feedback:
    r"""Exercise 3: for :math:`h = \tanh(xW + b)` and ``delta`` :math:`=
    \partial L/\partial h`, ``tanh_backward(x, W, b, delta)`` returns
    :math:`\partial L / \partial x = (\delta \odot (1 - h^2)) W^\top`."""

    def reference(x, W, b, delta):
        h = _tanh_layer(x, W, b)
        return (delta * (1 - h**2)) @ W.T

    return check_function(
        tanh_backward_fn,
        reference,
        _CASES,
        name="your ∂L/∂x",
        success="Correct: first through tanh (δ ⊙ (1 − h²)), then through the "
        "linear map (· Wᵀ).",
        mistakes=[
            Mistake(
                lambda x, W, b, delta: delta @ W.T,
                "You forgot the activation's derivative: multiply δ elementwise "
                "by tanh′(z) = 1 − h² before going through Wᵀ.",
            ),
            Mistake(
                lambda x, W, b, delta: (delta * (1 - (x @ W + b) ** 2)) @ W.T,
                "tanh′(z) is 1 − tanh(z)², not 1 − z²: square the layer's output h, "
                "not its input z.",
            ),
            Mistake(
                lambda x, W, b, delta: (
                    (delta * _tanh_layer(x, W, b) * (1 - _tanh_layer(x, W, b))) @ W.T
                ),
                "h(1 − h) is the sigmoid's derivative; tanh′(z) = 1 − h².",
            ),
            Mistake(
                lambda x, W, b, delta: (delta * (1 - _tanh_layer(x, W, b))) @ W.T,
                "tanh′(z) = 1 − h², with h squared.",
            ),
            Mistake(
                lambda x, W, b, delta: (delta @ W.T) * (1 - x**2),
                "The derivative applies on the output side, before Wᵀ: "
                "(δ ⊙ (1 − h²)) Wᵀ, with h = tanh(xW + b), not 1 − x² after it.",
            ),
        ],
        shape_hints={
            (4, 2): "That has the shape of z (or h): it looks like ∂L/∂z. Carry it "
            "on through the linear map, · Wᵀ, to reach x.",
            (3, 4): "The factors are in the wrong order (a transpose of the "
            "answer): ∂L/∂x must have the shape of x, (4, 3).",
        },
        describe=lambda a: _shapes("x W b delta", a),
    )


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def check_swish_derivative(swish_derivative_fn: Any) -> Feedback:
    r"""Exercise 4: the derivative of swish, :math:`\frac{d}{dx}\, x\sigma(x) =
    \sigma(x) + x\sigma(x)(1 - \sigma(x))`."""
    cases = [
        (np.array([-3.0, -0.5, 0.0, 0.7, 2.5]),),
        (np.linspace(-6.0, 6.0, 7),),
        (np.array([1.3]),),
    ]

    def reference(x):
        s = _sigmoid(x)
        return s + x * s * (1 - s)

    return check_function(
        swish_derivative_fn,
        reference,
        cases,
        name="your swish′",
        success="Correct: the product rule gives σ(x) + x σ′(x), and σ′ = σ(1 − σ).",
        mistakes=[
            Mistake(
                lambda x: _sigmoid(x),
                "That is only the first term of the product rule: add x σ′(x).",
            ),
            Mistake(
                lambda x: x * _sigmoid(x) * (1 - _sigmoid(x)),
                "That is only the second term of the product rule: add σ(x), the "
                "derivative of x times σ(x).",
            ),
            Mistake(
                lambda x: _sigmoid(x) * (1 - _sigmoid(x)),
                "That is the sigmoid's own derivative; swish is x σ(x), a "
                "product: use the product rule.",
            ),
            Mistake(
                lambda x: _sigmoid(x) + x * _sigmoid(x),
                "σ′(x) is σ(x)(1 − σ(x)), not σ(x).",
            ),
        ],
        describe=lambda a: f"x = {np.array2string(a[0], precision=3)}",
    )
