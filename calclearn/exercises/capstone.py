r"""Checks for the exercises of Chapter 9, *Capstone: training a model end to end*.

1. :func:`check_l2_gradient`: the gradient of the L2 penalty.
2. :func:`check_layer_backward`: repair a hand-written layer's backward pass.
3. :func:`check_chosen_lr`: choose a learning rate from a range-test curve.
4. :func:`check_stopping_epoch`: the epoch at which early stopping halts.

Functions are compared with the exact answer to 7 significant digits.
"""

from __future__ import annotations

import functools
import math
from typing import Any

import numpy as np

from calclearn.exercises import Feedback, Mistake, check_function, to_real_array
from calclearn.exercises.backprop import layer_cases
from calclearn.training import LRRangeTest, stopping_epoch, tanh_layer_backward

__all__ = [
    "check_chosen_lr",
    "check_l2_gradient",
    "check_layer_backward",
    "check_stopping_epoch",
    "exercise_range_test",
]


# --------------------------------------------------------------------------
# Exercise 1: the gradient of the L2 penalty
# --------------------------------------------------------------------------


def _penalty_cases() -> list[tuple[np.ndarray, float]]:
    rng = np.random.default_rng(9)
    return [
        (rng.normal(size=(3, 2)), 0.1),
        (rng.normal(size=(2, 4)), 0.025),
        (rng.normal(size=(5, 1)), 1.5),
    ]


def check_l2_gradient(l2_gradient_fn: Any) -> Feedback:
    r"""Exercise 1: ``l2_gradient(W, strength)`` is the gradient of
    :math:`\frac{\lambda}{2}\|W\|_F^2 = \frac{\lambda}{2}\sum_{ij} W_{ij}^2`,
    that is :math:`\lambda W`."""
    return check_function(
        l2_gradient_fn,
        lambda W, strength: strength * W,
        _penalty_cases(),
        name="your L2 gradient",
        success="Correct: ∂/∂W (λ/2)‖W‖² = λW. Each step then shrinks every weight "
        "by the factor 1 − ηλ before following the data: weight decay.",
        mistakes=[
            Mistake(
                lambda W, strength: 2 * strength * W,
                "That is the gradient of λ‖W‖², without the ½: the ½ in (λ/2)‖W‖² "
                "is there to cancel the 2 of the square's derivative.",
            ),
            Mistake(
                lambda W, strength: strength * np.sign(W),
                "λ·sign(W) is the gradient of the L1 penalty λ Σ|W_ij|; the L2 "
                "penalty squares each weight.",
            ),
            Mistake(
                lambda W, strength: strength / 2 * W**2,
                "That is the penalty of each entry, (λ/2)W², not its derivative.",
            ),
            Mistake(
                lambda W, strength: np.full_like(W, strength),
                "The derivative of (λ/2)W² with respect to W is λW: keep the W.",
            ),
        ],
        shape_hints={
            (): "The gradient has the shape of W, one entry per weight; you "
            "returned a single number (the penalty, or a sum?).",
        },
        describe=lambda args: f"W of shape {args[0].shape}, λ = {args[1]}",
    )


# --------------------------------------------------------------------------
# Exercise 2: repair a hand-written layer
# --------------------------------------------------------------------------


def _three_gradients(layer_backward: Any) -> Any:
    """``layer_backward`` returning one flat array ``[dW, db, dx]``, checked.

    Each part must have the shape of what it is the gradient of; otherwise
    the message names the part (the check turns it into a hint).
    """

    @functools.wraps(layer_backward)
    def flat(x, W, b, delta):
        result = layer_backward(x, W, b, delta)
        if result is None:
            return None
        if not isinstance(result, (tuple, list)) or len(result) != 3:
            raise ValueError("return three arrays: dW, db, dx (in this order)")
        parts = []
        for name, part, like in zip(("dW", "db", "dx"), result, (W, b, x), strict=True):
            array, reason = to_real_array(part)
            if array is None:
                raise ValueError(f"{name} is {reason}")
            if array.shape != np.shape(like):
                raise ValueError(
                    f"{name} has shape {array.shape}, but it must have the shape "
                    f"of {name[1:]}, {np.shape(like)}"
                )
            parts.append(array.ravel())
        return np.concatenate(parts)

    return flat


def _buggy(dz_rule: Any, bias_sum: bool = True, pass_dz: bool = True) -> Any:
    """A tanh layer backward with one rule changed, as a flat answer."""

    def backward(x, W, b, delta):
        h = np.tanh(x @ W + b)
        dz = dz_rule(h, delta)
        db = dz.sum(axis=0) if bias_sum else dz.mean(axis=0)
        dx = (dz if pass_dz else delta) @ W.T
        return np.concatenate([(x.T @ dz).ravel(), db, dx.ravel()])

    return backward


def check_layer_backward(layer_backward_fn: Any) -> Feedback:
    r"""Exercise 2: the repaired backward pass of :math:`h = \tanh(xW + b)`.

    ``layer_backward(x, W, b, delta)`` returns ``(dW, db, dx)`` given
    ``delta`` :math:`= \partial L/\partial h`: with
    :math:`\delta_z = \delta \odot (1 - h^2)`, :math:`(x^\top\delta_z,
    \sum_i \delta_{z,i}, \delta_z W^\top)`.
    """
    if not callable(layer_backward_fn):
        return check_function(
            layer_backward_fn,
            _flat_reference,
            layer_cases(seed=11),
            name="your layer_backward",
        )
    right = lambda h, delta: delta * (1 - h**2)  # noqa: E731
    return check_function(
        _three_gradients(layer_backward_fn),
        _flat_reference,
        layer_cases(seed=11),
        name="your layer_backward",
        success="Correct: δ_z = δ ⊙ (1 − h²) first, then every gradient of the "
        "linear map uses δ_z, including the one passed on to the layer below.",
        mistakes=[
            Mistake(
                _buggy(right, pass_dz=False),
                "Your dW and db are right, but dx is still δWᵀ: the gradient passed on "
                "to the layer below must go through tanh′ too, δ_z Wᵀ.",
            ),
            Mistake(
                _buggy(lambda h, delta: delta * (1 - h)),
                "tanh′(z) = 1 − h², with h squared: you have 1 − h.",
            ),
            Mistake(
                _buggy(lambda h, delta: delta * h * (1 - h)),
                "h(1 − h) is the sigmoid's derivative; tanh′(z) = 1 − h².",
            ),
            Mistake(
                _buggy(right, bias_sum=False),
                "db must sum δ_z over the batch, not average it: the 1/n of the "
                "mean loss is already inside δ.",
            ),
            Mistake(
                _buggy(lambda h, delta: delta),
                "You left out tanh′ altogether: δ_z = δ ⊙ (1 − h²).",
            ),
        ],
        describe=lambda args: "x (4, 3), W (3, 2), b (2,), delta (4, 2)",
    )


def _flat_reference(x, W, b, delta) -> np.ndarray:
    return np.concatenate([np.ravel(g) for g in tanh_layer_backward(x, W, b, delta)])


# --------------------------------------------------------------------------
# Exercise 3: a learning rate from a range test
# --------------------------------------------------------------------------


@functools.cache
def exercise_range_test() -> LRRangeTest:
    """The range test of Exercise 3: an MLP ``[2, 32, 2]`` with tanh on the
    two moons (200 points, noise 0.2, seed 5), 80 steps from 1e-4 to 100."""
    from calclearn.data import two_moons
    from calclearn.nn import MLP
    from calclearn.training import lr_range_test, train_validation_split

    split = train_validation_split(*two_moons(200, noise=0.2, seed=5), seed=0)
    net = MLP([2, 32, 2], activation="tanh", seed=5)
    return lr_range_test(net, split, 1e-4, 100.0, steps=80)


def check_chosen_lr(chosen_lr: Any) -> Feedback:
    r"""Exercise 3: a learning rate read off :func:`exercise_range_test`'s curve.

    Accepted: from a hundredth to half of the rate at the lowest loss
    :math:`\eta^*`, an order of magnitude below it give or take (the rule of
    thumb is :math:`\eta^*/10`; the curve is flat near its bottom, so a reading
    by eye may land a decade off either way). Below :math:`\eta^*/100` the loss
    falls slowly; above :math:`\eta^*/2` a step sits near the edge where the loss
    turns up.
    """
    test = exercise_range_test()
    best = test.lr_at_minimum
    if chosen_lr is None or chosen_lr is Ellipsis:
        return Feedback(
            False, "chosen_lr is not filled in yet: read the curve, then run."
        )
    array, reason = to_real_array(chosen_lr)
    if array is None:
        return Feedback(False, f"chosen_lr is {reason}.")
    if array.shape != ():
        return Feedback(False, "chosen_lr must be a single number, one learning rate.")
    lr = float(array)
    if not math.isfinite(lr) or lr <= 0:
        return Feedback(
            False, f"A learning rate must be a positive number, got {lr:g}."
        )
    if test.diverged_at is not None and lr >= test.diverged_at:
        return Feedback(
            False,
            f"At η = {lr:.3g} the loss blew up during the test (from η ≈ "
            f"{test.diverged_at:.3g} on): training would diverge.",
        )
    if lr > best / 2:
        return Feedback(
            False,
            f"η = {lr:.3g} is too close to the lowest point of the curve "
            f"(η* ≈ {best:.3g}): just past it the loss turns up, so a rate there "
            "is on the edge of instability. Go about ten times lower.",
        )
    if lr < best / 100:
        return Feedback(
            False,
            f"η = {lr:.3g} is safe but slow: the curve still falls steeply far "
            f"above it. Take about a tenth of η* ≈ {best:.3g}.",
        )
    return Feedback(
        True,
        f"Good: η = {lr:.3g} is about an order of magnitude below the lowest point "
        f"of the curve (η* ≈ {best:.3g}), in the steep part where the loss falls "
        "fast, with room to spare before it blows up.",
    )


# --------------------------------------------------------------------------
# Exercise 4: early stopping
# --------------------------------------------------------------------------

_STOPPING_CASES = [
    ([1.0, 0.8, 0.7, 0.75, 0.72, 0.9, 0.6], 2),
    ([0.9, 0.5, 0.5, 0.5, 0.4, 0.45, 0.46, 0.47], 3),
    ([1.0, 0.9, 0.8, 0.7], 2),
    ([0.5, 0.6, 0.7, 0.8, 0.9], 1),
    ([0.7, 0.3, 0.35, 0.2, 0.25, 0.26, 0.27, 0.28, 0.1], 4),
]


def _best_epoch(val_losses, patience):
    return int(np.argmin(val_losses))


def _stop_after(val_losses, patience, ties_improve=False, extra=0):
    best = 0
    for epoch, loss in enumerate(val_losses):
        if loss < val_losses[best] or (ties_improve and loss == val_losses[best]):
            best = epoch
        if epoch - best >= patience + extra:
            return epoch
    return len(val_losses) - 1


def check_stopping_epoch(stopping_epoch_fn: Any) -> Feedback:
    r"""Exercise 4: ``stopping_epoch(val_losses, patience)`` as
    :func:`calclearn.training.stopping_epoch`: the first epoch :math:`e` with
    :math:`e - e^* \ge` ``patience``, :math:`e^*` the epoch of the lowest
    validation loss so far (the earlier one on a tie); the last epoch if
    training never stops."""
    return check_function(
        stopping_epoch_fn,
        stopping_epoch,
        [(list(losses), patience) for losses, patience in _STOPPING_CASES],
        name="your stopping_epoch",
        success="Correct: training stops as soon as the best validation loss is "
        "`patience` epochs old; the weights of that best epoch are the ones kept.",
        mistakes=[
            Mistake(
                _best_epoch,
                "That is the epoch of the lowest validation loss over the whole "
                "run, the weights early stopping keeps; the question is when it "
                "stops, which it decides without seeing the future.",
            ),
            Mistake(
                lambda v, p: _stop_after(v, p, extra=1),
                "One epoch too late: stop when epoch − best epoch reaches "
                "`patience` (≥), not when it exceeds it.",
            ),
            Mistake(
                lambda v, p: _stop_after(v, p, ties_improve=True),
                "A tie is not an improvement: the best epoch changes only when "
                "the loss is strictly lower.",
            ),
        ],
        describe=lambda args: f"val_losses = {args[0]}, patience = {args[1]}",
    )
