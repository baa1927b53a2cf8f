"""calclearn.optim's PyTorch-style optimizers against their published rules.

Route 1: the first three steps of every optimizer, under every hyperparameter,
derived here from the update rules as PyTorch's documentation states them,
in 50-digit mpmath arithmetic, one coordinate at a time. The float64 result
must agree to 8 ulp of the value or of the value before the step, whichever
is larger (a step that nearly cancels the value leaves the rounding of the
value before it; each step rounds about a dozen operations, and
PyTorch's code orders some of them differently from the textbook formula,
e.g. m + (1 - β1)(g - m) for β1 m + (1 - β1) g).

Route 2 (when PyTorch is installed): each optimizer and its torch.optim twin
for 100 steps on Rosenbrock in float64, agreeing to 1e-12 relative.

Route 3: SGD with momentum against the heavy-ball recurrence
x+ = x - α∇f + β(x - x-), written independently.
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest

from calclearn.autodiff import Tensor
from calclearn.optim import (
    SGD,
    Adagrad,
    Adam,
    AdamW,
    Optimizer,
    RMSprop,
    StepLR,
)

mpmath.mp.dps = 50
mpf = mpmath.mpf

# The test problem: gradient A θ - b + offset_t (a quadratic plus a push at
# step 1 that makes later gradients smaller, so amsgrad's maximum matters).
A = ((3.0, 1.0), (1.0, 2.0))
B = (1.0, -1.0)
OFFSETS = ((8.0, -6.0), (0.0, 0.0), (0.0, 0.0))
THETA0 = (1.5, -0.5)
ULPS = 8


def float_gradient(theta: np.ndarray, t: int) -> np.ndarray:
    return np.array(A) @ theta - np.array(B) + np.array(OFFSETS[t])


def exact_gradient(theta: list, t: int) -> list:
    return [
        sum(mpf(A[i][j]) * theta[j] for j in range(2)) - B[i] + OFFSETS[t][i]
        for i in range(2)
    ]


# -- the published rules, one scalar coordinate at a time ----------------------


def sgd_reference(
    steps, lr, momentum=0, dampening=0, weight_decay=0, nesterov=False, maximize=False
):
    theta = [mpf(v) for v in THETA0]
    buf = [None, None]
    out = []
    for t in range(steps):
        grads = exact_gradient(theta, t)
        for i in range(2):
            g = -grads[i] if maximize else grads[i]
            g = g + weight_decay * theta[i]
            if momentum != 0:
                buf[i] = g if t == 0 else momentum * buf[i] + (1 - mpf(dampening)) * g
                g = g + momentum * buf[i] if nesterov else buf[i]
            theta[i] = theta[i] - lr * g
        out.append(list(theta))
    return out


def adagrad_reference(
    steps,
    lr=0.01,
    lr_decay=0,
    weight_decay=0,
    initial_accumulator_value=0,
    eps=1e-10,
    maximize=False,
):
    theta = [mpf(v) for v in THETA0]
    total = [mpf(initial_accumulator_value)] * 2
    out = []
    for t in range(steps):
        grads = exact_gradient(theta, t)
        clr = mpf(lr) / (1 + t * mpf(lr_decay))  # t here is PyTorch's t - 1
        for i in range(2):
            g = -grads[i] if maximize else grads[i]
            g = g + weight_decay * theta[i]
            total[i] = total[i] + g * g
            theta[i] = theta[i] - clr * g / (mpmath.sqrt(total[i]) + eps)
        out.append(list(theta))
    return out


def rmsprop_reference(
    steps,
    lr=0.01,
    alpha=0.99,
    eps=1e-8,
    weight_decay=0,
    momentum=0,
    centered=False,
    maximize=False,
):
    theta = [mpf(v) for v in THETA0]
    v, gbar, buf = [mpf(0)] * 2, [mpf(0)] * 2, [mpf(0)] * 2
    alpha = mpf(alpha)
    out = []
    for t in range(steps):
        grads = exact_gradient(theta, t)
        for i in range(2):
            g = -grads[i] if maximize else grads[i]
            g = g + weight_decay * theta[i]
            v[i] = alpha * v[i] + (1 - alpha) * g * g
            v_tilde = v[i]
            if centered:
                gbar[i] = alpha * gbar[i] + (1 - alpha) * g
                v_tilde = v_tilde - gbar[i] ** 2
            if momentum > 0:
                buf[i] = momentum * buf[i] + g / (mpmath.sqrt(v_tilde) + eps)
                theta[i] = theta[i] - lr * buf[i]
            else:
                theta[i] = theta[i] - lr * g / (mpmath.sqrt(v_tilde) + eps)
        out.append(list(theta))
    return out


def adam_reference(
    steps,
    lr=1e-3,
    betas=(0.9, 0.999),
    eps=1e-8,
    weight_decay=0,
    amsgrad=False,
    maximize=False,
    decoupled=False,
):
    theta = [mpf(v) for v in THETA0]
    m, v, vmax = [mpf(0)] * 2, [mpf(0)] * 2, [mpf(0)] * 2
    beta1, beta2 = mpf(betas[0]), mpf(betas[1])
    out = []
    for step in range(1, steps + 1):
        grads = exact_gradient(theta, step - 1)
        for i in range(2):
            g = -grads[i] if maximize else grads[i]
            if decoupled:
                theta[i] = theta[i] * (1 - lr * mpf(weight_decay))
            else:
                g = g + weight_decay * theta[i]
            m[i] = beta1 * m[i] + (1 - beta1) * g
            v[i] = beta2 * v[i] + (1 - beta2) * g * g
            m_hat = m[i] / (1 - beta1**step)
            if amsgrad:
                vmax[i] = max(vmax[i], v[i])
                v_hat = vmax[i] / (1 - beta2**step)
            else:
                v_hat = v[i] / (1 - beta2**step)
            theta[i] = theta[i] - lr * m_hat / (mpmath.sqrt(v_hat) + eps)
        out.append(list(theta))
    return out


def adamw_reference(steps, weight_decay=1e-2, **kwargs):
    return adam_reference(steps, weight_decay=weight_decay, decoupled=True, **kwargs)


# (optimizer, its keyword arguments, reference, its keyword arguments)
CASES = {
    "SGD": (SGD, {"lr": 0.1}, sgd_reference, {"lr": 0.1}),
    "SGD momentum": (
        SGD,
        {"lr": 0.1, "momentum": 0.9},
        sgd_reference,
        {"lr": 0.1, "momentum": 0.9},
    ),
    "SGD dampening": (
        SGD,
        {"lr": 0.1, "momentum": 0.9, "dampening": 0.3},
        sgd_reference,
        {"lr": 0.1, "momentum": 0.9, "dampening": 0.3},
    ),
    "SGD nesterov": (
        SGD,
        {"lr": 0.1, "momentum": 0.8, "nesterov": True},
        sgd_reference,
        {"lr": 0.1, "momentum": 0.8, "nesterov": True},
    ),
    "SGD weight_decay": (
        SGD,
        {"lr": 0.1, "weight_decay": 0.5, "momentum": 0.5},
        sgd_reference,
        {"lr": 0.1, "weight_decay": 0.5, "momentum": 0.5},
    ),
    "SGD maximize": (
        SGD,
        {"lr": 0.1, "momentum": 0.5, "maximize": True},
        sgd_reference,
        {"lr": 0.1, "momentum": 0.5, "maximize": True},
    ),
    "Adagrad": (Adagrad, {"lr": 0.5}, adagrad_reference, {"lr": 0.5}),
    "Adagrad lr_decay": (
        Adagrad,
        {"lr": 0.5, "lr_decay": 0.7},
        adagrad_reference,
        {"lr": 0.5, "lr_decay": 0.7},
    ),
    "Adagrad weight_decay": (
        Adagrad,
        {"lr": 0.5, "weight_decay": 0.3},
        adagrad_reference,
        {"lr": 0.5, "weight_decay": 0.3},
    ),
    "Adagrad initial_accumulator_value": (
        Adagrad,
        {"lr": 0.5, "initial_accumulator_value": 2.0},
        adagrad_reference,
        {"lr": 0.5, "initial_accumulator_value": 2.0},
    ),
    "Adagrad eps": (
        Adagrad,
        {"lr": 0.5, "eps": 0.25},
        adagrad_reference,
        {"lr": 0.5, "eps": 0.25},
    ),
    "Adagrad maximize": (
        Adagrad,
        {"lr": 0.5, "maximize": True},
        adagrad_reference,
        {"lr": 0.5, "maximize": True},
    ),
    "RMSprop": (RMSprop, {"lr": 0.01}, rmsprop_reference, {"lr": 0.01}),
    "RMSprop alpha eps": (
        RMSprop,
        {"lr": 0.01, "alpha": 0.9, "eps": 0.5},
        rmsprop_reference,
        {"lr": 0.01, "alpha": 0.9, "eps": 0.5},
    ),
    "RMSprop centered": (
        RMSprop,
        {"lr": 0.01, "centered": True},
        rmsprop_reference,
        {"lr": 0.01, "centered": True},
    ),
    "RMSprop momentum": (
        RMSprop,
        {"lr": 0.01, "momentum": 0.9},
        rmsprop_reference,
        {"lr": 0.01, "momentum": 0.9},
    ),
    "RMSprop all": (
        RMSprop,
        {
            "lr": 0.01,
            "alpha": 0.8,
            "weight_decay": 0.4,
            "momentum": 0.7,
            "centered": True,
        },
        rmsprop_reference,
        {
            "lr": 0.01,
            "alpha": 0.8,
            "weight_decay": 0.4,
            "momentum": 0.7,
            "centered": True,
        },
    ),
    "RMSprop maximize": (
        RMSprop,
        {"lr": 0.01, "maximize": True},
        rmsprop_reference,
        {"lr": 0.01, "maximize": True},
    ),
    "Adam": (Adam, {"lr": 0.1}, adam_reference, {"lr": 0.1}),
    "Adam betas eps": (
        Adam,
        {"lr": 0.1, "betas": (0.5, 0.7), "eps": 0.3},
        adam_reference,
        {"lr": 0.1, "betas": (0.5, 0.7), "eps": 0.3},
    ),
    "Adam weight_decay": (
        Adam,
        {"lr": 0.1, "weight_decay": 0.5},
        adam_reference,
        {"lr": 0.1, "weight_decay": 0.5},
    ),
    "Adam amsgrad": (
        Adam,
        {"lr": 0.1, "betas": (0.9, 0.5), "amsgrad": True},
        adam_reference,
        {"lr": 0.1, "betas": (0.9, 0.5), "amsgrad": True},
    ),
    "Adam maximize": (
        Adam,
        {"lr": 0.1, "maximize": True},
        adam_reference,
        {"lr": 0.1, "maximize": True},
    ),
    "Adam decoupled_weight_decay": (
        Adam,
        {"lr": 0.1, "weight_decay": 0.5, "decoupled_weight_decay": True},
        adam_reference,
        {"lr": 0.1, "weight_decay": 0.5, "decoupled": True},
    ),
    "AdamW": (AdamW, {"lr": 0.1}, adamw_reference, {"lr": 0.1}),
    "AdamW weight_decay amsgrad": (
        AdamW,
        {"lr": 0.1, "weight_decay": 0.5, "betas": (0.9, 0.5), "amsgrad": True},
        adamw_reference,
        {"lr": 0.1, "weight_decay": 0.5, "betas": (0.9, 0.5), "amsgrad": True},
    ),
}


def run(cls, kwargs, steps=3):
    """Drive the optimizer as a training loop does; the path after each step."""
    theta = Tensor(THETA0)
    opt = cls([theta], **kwargs)
    path = []
    for t in range(steps):
        opt.zero_grad()
        theta.grad = float_gradient(theta.data, t)
        opt.step()
        path.append(theta.data.copy())
    return np.array(path)


@pytest.mark.parametrize("case", CASES)
def test_first_three_steps_follow_the_published_rule(case):
    cls, kwargs, reference, reference_kwargs = CASES[case]
    got = run(cls, kwargs)
    expected = reference(3, **reference_kwargs)
    before = [mpf(v) for v in THETA0]
    for t in range(3):
        for i in range(2):
            exact = expected[t][i]
            error = abs(mpf(float(got[t, i])) - exact)
            scale = float(max(abs(exact), abs(before[i])))
            assert error <= ULPS * math.ulp(scale), (case, t, i, error)
        before = expected[t]


@pytest.mark.parametrize("case", CASES)
def test_every_hyperparameter_of_a_case_changes_the_path(case):
    # Otherwise the test above would not exercise it.
    cls, kwargs, _, _ = CASES[case]
    path = run(cls, kwargs)
    for key in set(kwargs) - {"lr"}:
        rest = {k: v for k, v in kwargs.items() if k != key}
        if rest.get("nesterov") and "momentum" not in rest:
            continue  # nesterov needs momentum
        assert not np.array_equal(path, run(cls, rest)), (case, key)


def test_adamw_decays_differently_from_adam_with_l2():
    kwargs = {"lr": 0.1, "weight_decay": 0.5}
    adamw = run(AdamW, kwargs)
    assert np.array_equal(adamw, run(Adam, {**kwargs, "decoupled_weight_decay": True}))
    assert not np.allclose(adamw, run(Adam, kwargs), rtol=1e-3)


def test_amsgrad_case_really_takes_the_maximum():
    # v falls from step 1 to 2 here, so max(v) differs from v: amsgrad acts.
    g1 = float_gradient(np.array(THETA0), 0)
    assert np.all(0.5 * 0.5 * g1**2 < 0.5 * g1**2)  # v2 < v1 needs g2² < v1 / 2
    assert not np.array_equal(
        run(Adam, {"lr": 0.1, "betas": (0.9, 0.5), "amsgrad": True}),
        run(Adam, {"lr": 0.1, "betas": (0.9, 0.5)}),
    )


def test_defaults_are_pytorchs():
    # From the torch.optim 2.x documentation, written out here.
    torch_defaults = {
        SGD: {
            "lr": 1e-3,
            "momentum": 0,
            "dampening": 0,
            "weight_decay": 0,
            "nesterov": False,
            "maximize": False,
        },
        Adagrad: {
            "lr": 1e-2,
            "lr_decay": 0,
            "weight_decay": 0,
            "initial_accumulator_value": 0,
            "eps": 1e-10,
            "maximize": False,
        },
        RMSprop: {
            "lr": 1e-2,
            "alpha": 0.99,
            "eps": 1e-8,
            "weight_decay": 0,
            "momentum": 0,
            "centered": False,
            "maximize": False,
        },
        Adam: {
            "lr": 1e-3,
            "betas": (0.9, 0.999),
            "eps": 1e-8,
            "weight_decay": 0,
            "amsgrad": False,
            "maximize": False,
            "decoupled_weight_decay": False,
        },
        AdamW: {
            "lr": 1e-3,
            "betas": (0.9, 0.999),
            "eps": 1e-8,
            "weight_decay": 1e-2,
            "amsgrad": False,
            "maximize": False,
            "decoupled_weight_decay": True,
        },
    }
    for cls, expected in torch_defaults.items():
        assert cls([Tensor(0.0)]).defaults == expected, cls.__name__


def test_positional_arguments_are_in_pytorchs_order():
    w = Tensor(0.0)
    assert SGD([w], 0.1, 0.9, 0.1, 0.01, False).defaults["weight_decay"] == 0.01
    assert Adagrad([w], 0.1, 0.2, 0.3, 0.4, 0.5).defaults["eps"] == 0.5
    rms = RMSprop([w], 0.1, 0.9, 1e-6, 0.3, 0.4, True).defaults
    assert (rms["momentum"], rms["centered"]) == (0.4, True)
    assert Adam([w], 0.1, (0.8, 0.9), 1e-6, 0.3, True).defaults["amsgrad"] is True


# -- bad hyperparameters --------------------------------------------------------

BAD = [
    (SGD, {"lr": -0.1}, ValueError, "lr must be non-negative"),
    (SGD, {"lr": math.nan}, ValueError, "lr must be finite"),
    (SGD, {"lr": "0.1"}, TypeError, "lr must be a real number"),
    (SGD, {"momentum": -0.5}, ValueError, r"momentum must be in \[0, 1\)"),
    (SGD, {"momentum": 1.0}, ValueError, r"momentum must be in \[0, 1\)"),
    (SGD, {"dampening": 1.5}, ValueError, r"dampening must be in \[0, 1\]"),
    (SGD, {"weight_decay": -1e-4}, ValueError, "weight_decay must be non-negative"),
    (SGD, {"nesterov": True}, ValueError, "nesterov=True needs momentum > 0"),
    (
        SGD,
        {"nesterov": True, "momentum": 0.9, "dampening": 0.1},
        ValueError,
        "dampening = 0",
    ),
    (SGD, {"nesterov": 1}, TypeError, "nesterov must be True or False"),
    (Adagrad, {"eps": 0.0}, ValueError, r"eps must be positive \(> 0\)"),
    (Adagrad, {"eps": -1e-10}, ValueError, "eps must be positive"),
    (Adagrad, {"lr_decay": -1.0}, ValueError, "lr_decay must be non-negative"),
    (
        Adagrad,
        {"initial_accumulator_value": -1.0},
        ValueError,
        "initial_accumulator_value must be non-negative",
    ),
    (RMSprop, {"alpha": 1.0}, ValueError, r"alpha must be in \[0, 1\)"),
    (RMSprop, {"alpha": -0.1}, ValueError, "alpha"),
    (RMSprop, {"eps": 0}, ValueError, "eps must be positive"),
    (RMSprop, {"momentum": 1.2}, ValueError, "momentum"),
    (RMSprop, {"centered": "yes"}, TypeError, "centered must be True or False"),
    (Adam, {"betas": (1.0, 0.999)}, ValueError, r"betas\[0\] must be in \[0, 1\)"),
    (Adam, {"betas": (0.9, -0.1)}, ValueError, r"betas\[1\] must be in \[0, 1\)"),
    (Adam, {"betas": (0.9, 1.0)}, ValueError, r"betas\[1\]"),
    (Adam, {"betas": 0.9}, TypeError, "betas must be a pair"),
    (Adam, {"eps": 0.0}, ValueError, "eps must be positive"),
    (Adam, {"lr": -1e-3}, ValueError, "lr must be non-negative"),
    (Adam, {"amsgrad": None}, TypeError, "amsgrad must be True or False"),
    (AdamW, {"weight_decay": -0.01}, ValueError, "weight_decay must be non-negative"),
    (AdamW, {"betas": (0.9, 1.5)}, ValueError, r"betas\[1\]"),
]


@pytest.mark.parametrize(("cls", "kwargs", "error", "message"), BAD)
def test_bad_hyperparameters_are_refused_at_construction(cls, kwargs, error, message):
    with pytest.raises(error, match=message):
        cls([Tensor([1.0, 2.0])], **kwargs)


@pytest.mark.parametrize("cls", [SGD, Adagrad, RMSprop, Adam, AdamW])
@pytest.mark.parametrize(
    ("params", "error", "message"),
    [
        ([], ValueError, "params is empty"),
        ([np.zeros(2)], TypeError, "Tensor objects, got ndarray"),
        ([1.0], TypeError, "Tensor objects, got float"),
        (Tensor(1.0), TypeError, r"wrap a single tensor as \[w\]"),
        (np.zeros(3), TypeError, "params must be a list of Tensors"),
        (None, TypeError, "params must be a list of Tensors"),
        ([{"lr": 0.1}], TypeError, "'params' list"),
        ([{"params": [Tensor(1.0)], "lr": -1.0}], ValueError, "lr"),
        ([{"params": [Tensor(1.0)], "gamma": 1.0}], TypeError, "no hyperparameter"),
    ],
)
def test_bad_params_are_refused(cls, params, error, message):
    with pytest.raises(error, match=message):
        cls(params)


def test_a_computed_tensor_is_refused():
    w = Tensor([1.0, 2.0])
    with pytest.raises(ValueError, match="params must be leaf tensors"):
        Adam([w * 2.0])


def test_a_tensor_twice_is_refused():
    w = Tensor(1.0)
    with pytest.raises(ValueError, match="more than once"):
        SGD([w, w])
    with pytest.raises(ValueError, match="more than once"):
        SGD([{"params": [w]}, {"params": [w]}])


def test_a_bad_learning_rate_set_between_steps_is_refused_at_step():
    w = Tensor(1.0)
    opt = SGD([w], lr=0.1)
    opt.param_groups[0]["lr"] = -0.1
    w.grad = 1.0
    with pytest.raises(ValueError, match="lr must be non-negative"):
        opt.step()


# -- PyTorch habits -------------------------------------------------------------


def test_step_updates_data_in_place_and_skips_params_without_grad():
    w, b = Tensor([1.0, 2.0]), Tensor(5.0)
    data = w.data
    opt = SGD([w, b], lr=0.5)
    w.grad = [1.0, -2.0]
    opt.step()
    assert w.data is data  # references to w.data stay valid, as in torch
    assert w.data.tolist() == [0.5, 3.0]
    assert float(b.data) == 5.0 and b not in opt.state


def test_zero_grad_sets_none_by_default_or_zeros():
    w = Tensor([1.0, 2.0])
    opt = Adam([w])
    w.grad = [1.0, 1.0]
    opt.zero_grad()
    assert w.grad is None
    w.grad = [1.0, 1.0]
    opt.zero_grad(set_to_none=False)
    assert w.grad.tolist() == [0.0, 0.0]


def test_zero_grad_then_backward_trains_a_tensor():
    # The PyTorch loop, with calclearn.autodiff filling .grad: minimise
    # (w - 3)² with SGD; the minimiser is 3.
    w = Tensor(0.0)
    opt = SGD([w], lr=0.1, momentum=0.5)
    for _ in range(200):
        opt.zero_grad()
        loss = (w - 3.0) * (w - 3.0)
        loss.backward()
        opt.step()
    assert abs(float(w.data) - 3.0) < 1e-12


def test_param_groups_have_their_own_hyperparameters():
    w, b = Tensor(1.0), Tensor(1.0)
    opt = SGD([{"params": [w]}, {"params": [b], "lr": 0.5}], lr=0.1, momentum=0.0)
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.5]
    assert opt.param_groups[1]["momentum"] == 0.0
    w.grad, b.grad = 1.0, 1.0
    opt.step()
    assert (float(w.data), float(b.data)) == (0.9, 0.5)


def test_state_holds_pytorchs_buffers():
    w = Tensor([1.0, 2.0])
    for cls, kwargs, keys in [
        (SGD, {"momentum": 0.9}, {"momentum_buffer"}),
        (Adagrad, {}, {"step", "sum"}),
        (
            RMSprop,
            {"centered": True, "momentum": 0.5},
            {"step", "square_avg", "grad_avg", "momentum_buffer"},
        ),
        (Adam, {"amsgrad": True}, {"step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"}),
    ]:
        opt = cls([w], **kwargs)
        w.grad = [1.0, 1.0]
        opt.step()
        assert set(opt.state[w]) == keys, cls.__name__


def test_momentum_buffer_starts_as_the_gradient_not_zero():
    w = Tensor(0.0)
    opt = SGD([w], lr=1.0, momentum=0.9, dampening=0.5)
    w.grad = 2.0
    opt.step()
    assert float(opt.state[w]["momentum_buffer"]) == 2.0  # not (1 - 0.5) * 2
    w.grad = 2.0
    opt.step()
    assert float(opt.state[w]["momentum_buffer"]) == 0.9 * 2.0 + 0.5 * 2.0


def test_a_schedule_changes_the_rate_the_optimizer_uses():
    w = Tensor(0.0)
    opt = SGD([w], lr=1.0)
    schedule = StepLR(opt, step_size=1, gamma=0.5)
    moves = []
    for _ in range(3):
        before = float(w.data)
        w.grad = 1.0
        opt.step()
        schedule.step()
        moves.append(before - float(w.data))
    assert moves == [1.0, 0.5, 0.25]


def test_sgd_momentum_is_the_heavy_ball():
    # Polyak: x+ = x - α∇f + β(x - x-), on f = ½ xᵀAx - bᵀx; PyTorch's
    # buffer form gives the same iterates at constant lr (to rounding).
    a, b = np.array(A), np.array(B)
    alpha, beta = 0.1, 0.7
    w = Tensor(THETA0)
    opt = SGD([w], lr=alpha, momentum=beta)
    previous = current = np.array(THETA0)
    for _ in range(200):
        w.grad = a @ w.data - b
        opt.step()
        following = current - alpha * (a @ current - b) + beta * (current - previous)
        previous, current = current, following
        assert np.allclose(w.data, current, rtol=0, atol=1e-13)


def test_repr_lists_the_groups():
    text = repr(SGD([Tensor(0.0)], lr=0.1))
    assert text.startswith("SGD (\nParameter Group 0") and "lr: 0.1" in text


def test_base_optimizer_is_abstract():
    with pytest.raises(NotImplementedError):
        Optimizer([Tensor(0.0)], {"lr": 0.1})


# -- against PyTorch ------------------------------------------------------------

TORCH_CASES = {
    "SGD": ("SGD", {"lr": 1e-3}),
    "SGD momentum dampening weight_decay": (
        "SGD",
        {"lr": 5e-4, "momentum": 0.9, "dampening": 0.2, "weight_decay": 0.01},
    ),
    "SGD nesterov": ("SGD", {"lr": 5e-4, "momentum": 0.9, "nesterov": True}),
    "SGD maximize": ("SGD", {"lr": 1e-6, "maximize": True}),
    "Adagrad": ("Adagrad", {"lr": 0.1}),
    "Adagrad all": (
        "Adagrad",
        {
            "lr": 0.1,
            "lr_decay": 0.01,
            "weight_decay": 0.1,
            "initial_accumulator_value": 0.5,
            "eps": 1e-6,
        },
    ),
    "RMSprop": ("RMSprop", {"lr": 1e-3}),
    "RMSprop centered momentum": (
        "RMSprop",
        {
            "lr": 1e-3,
            "alpha": 0.9,
            "momentum": 0.8,
            "centered": True,
            "weight_decay": 0.05,
        },
    ),
    "Adam": ("Adam", {"lr": 1e-2}),
    "Adam amsgrad weight_decay": (
        "Adam",
        {"lr": 1e-2, "betas": (0.8, 0.9), "amsgrad": True, "weight_decay": 0.1},
    ),
    "Adam maximize": ("Adam", {"lr": 1e-3, "maximize": True}),
    "AdamW": ("AdamW", {"lr": 1e-2}),
    "AdamW amsgrad": ("AdamW", {"lr": 1e-2, "weight_decay": 0.3, "amsgrad": True}),
}


def rosenbrock_gradient(p):
    x, y = p
    return np.array([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)])


@pytest.mark.parametrize("case", TORCH_CASES)
def test_against_torch_optim_on_rosenbrock(case):
    torch = pytest.importorskip(
        "torch", reason="PyTorch is not installed (an optional cross-check)"
    )
    name, kwargs = TORCH_CASES[case]
    ours = Tensor([-1.2, 1.0])
    theirs = torch.tensor([-1.2, 1.0], dtype=torch.float64, requires_grad=True)
    opt = globals()[name]([ours], **kwargs)
    torch_opt = getattr(torch.optim, name)([theirs], **kwargs)
    for _ in range(100):
        ours.grad = rosenbrock_gradient(ours.data)
        opt.step()
        with torch.no_grad():
            theirs.grad = torch.tensor(rosenbrock_gradient(theirs.detach().numpy()))
        torch_opt.step()
        expected = theirs.detach().numpy()
        assert np.allclose(ours.data, expected, rtol=1e-12, atol=0), (case, expected)
    assert not np.array_equal(ours.data, [-1.2, 1.0])  # it did move
