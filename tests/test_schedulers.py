"""Learning-rate schedules and gradient clipping, as PyTorch defines them.

Schedules: every rate against the formula evaluated here in 50-digit mpmath
(or exact fractions), to 2 ulp (cosine: 4 ulp of the base rate, as
1 + cos(πt/T) cancels near T); StepLR and ExponentialLR also against
PyTorch's recursive definition (multiply the current rate by gamma when the
step count says so), to 4 ulp after 50 steps. Optional: each against its
torch.optim.lr_scheduler twin, to 1e-15 relative.

Clipping: the total norm and the clipped gradients against the definition
computed here with fractions / mpmath, to 2 ulp.
"""

from __future__ import annotations

import math
from fractions import Fraction

import mpmath
import numpy as np
import pytest

from calclearn.autodiff import Tensor
from calclearn.optim import (
    SGD,
    Adam,
    CosineAnnealingLR,
    ExponentialLR,
    LinearLR,
    StepLR,
    clip_grad_norm_,
)

mpmath.mp.dps = 50


def close(value: float, exact, ulps: int = 2) -> bool:
    return abs(mpmath.mpf(value) - exact) <= ulps * math.ulp(float(exact))


def rates(schedule, count):
    """The rate in force before each of ``count`` epochs."""
    out = []
    for _ in range(count):
        out.append(schedule.get_last_lr()[0])
        schedule.step()
    return out


def make_optimizer(lr=0.1):
    return SGD([Tensor([1.0, 2.0])], lr=lr, momentum=0.9)


def test_steplr():
    got = rates(StepLR(make_optimizer(0.1), step_size=3, gamma=0.5), 12)
    for t, value in enumerate(got):
        assert close(value, mpmath.mpf(0.1) * mpmath.mpf(0.5) ** (t // 3))
    # PyTorch's recursion: multiply by gamma when t is a positive multiple of 3.
    lr = 0.1
    for t, value in enumerate(got):
        if t and t % 3 == 0:
            lr *= 0.5
        assert value == lr


def test_exponentiallr():
    got = rates(ExponentialLR(make_optimizer(0.1), gamma=0.9), 50)
    lr = 0.1
    for t, value in enumerate(got):
        assert close(value, mpmath.mpf(0.1) * mpmath.mpf(0.9) ** t)
        assert abs(value - lr) <= 4 * math.ulp(lr)
        lr *= 0.9


def test_cosine_annealing():
    base, eta_min, t_max = 0.1, 1e-3, 10
    got = rates(
        CosineAnnealingLR(make_optimizer(base), T_max=t_max, eta_min=eta_min), 41
    )
    for t, value in enumerate(got):
        exact = (
            eta_min
            + (mpmath.mpf(base) - eta_min) * (1 + mpmath.cos(mpmath.pi * t / t_max)) / 2
        )
        # 1 + cos(πt/T) cancels near t = T: the rounding is that of base_lr.
        assert abs(mpmath.mpf(value) - exact) <= 4 * math.ulp(base), (t, value)
    # The minimum at T_max, the start again at 2 T_max (not clamped).
    assert got[t_max] == pytest.approx(eta_min, rel=1e-15)
    assert got[2 * t_max] == pytest.approx(base, rel=1e-15)
    assert got[t_max + 1] > got[t_max]


def test_cosine_annealing_is_symmetric_and_halfway_at_half_t_max():
    got = rates(CosineAnnealingLR(make_optimizer(1.0), T_max=8), 9)
    assert got[4] == pytest.approx(0.5, rel=1e-15)
    for t in range(9):
        assert got[t] + got[8 - t] == pytest.approx(1.0, rel=1e-15)


def test_linearlr_default_is_a_five_step_warm_up_from_a_third():
    got = rates(LinearLR(make_optimizer(0.3)), 8)
    for t, value in enumerate(got):
        exact = Fraction(0.3) * (
            Fraction(1, 3) + (1 - Fraction(1, 3)) * Fraction(min(t, 5), 5)
        )
        assert close(value, mpmath.mpf(exact.numerator) / exact.denominator)
    assert got[5:] == [0.3, 0.3, 0.3]


def test_linearlr_can_decay():
    got = rates(LinearLR(make_optimizer(1.0), 1.0, 0.25, total_iters=3), 5)
    assert got == [1.0, 0.75, 0.5, 0.25, 0.25]


def test_scheduler_sets_every_groups_rate_and_records_initial_lr():
    w, b = Tensor(1.0), Tensor(1.0)
    opt = Adam([{"params": [w]}, {"params": [b], "lr": 0.5}], lr=0.1)
    schedule = StepLR(opt, step_size=1, gamma=0.1)
    assert schedule.base_lrs == [0.1, 0.5]
    assert [g["initial_lr"] for g in opt.param_groups] == [0.1, 0.5]
    schedule.step()
    assert [g["lr"] for g in opt.param_groups] == schedule.get_last_lr()
    assert schedule.get_last_lr() == [0.1 * 0.1, 0.5 * 0.1]
    assert schedule.last_epoch == 1


def test_warm_up_starts_at_construction():
    opt = make_optimizer(0.3)
    LinearLR(opt, start_factor=0.5, total_iters=2)
    assert opt.param_groups[0]["lr"] == 0.15


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda o: StepLR(o, step_size=0), ValueError, "step_size must be at least 1"),
        (lambda o: StepLR(o, step_size=2.5), TypeError, "step_size must be an integer"),
        (lambda o: StepLR(o, 2, gamma=-0.1), ValueError, "gamma must be positive"),
        (lambda o: ExponentialLR(o, gamma=0), ValueError, "gamma must be positive"),
        (lambda o: CosineAnnealingLR(o, T_max=0), ValueError, "T_max"),
        (lambda o: CosineAnnealingLR(o, 5, eta_min=-1), ValueError, "eta_min"),
        (lambda o: LinearLR(o, start_factor=0), ValueError, r"start_factor .*\(0, 1\]"),
        (lambda o: LinearLR(o, start_factor=1.5), ValueError, "start_factor"),
        (lambda o: LinearLR(o, end_factor=1.5), ValueError, r"end_factor .*\[0, 1\]"),
        (lambda o: LinearLR(o, total_iters=0), ValueError, "total_iters"),
        (lambda o: StepLR("sgd", 2), TypeError, "optimizer must be a calclearn"),
    ],
)
def test_bad_scheduler_arguments(make, error, message):
    with pytest.raises(error, match=message):
        make(make_optimizer())


TORCH_SCHEDULES = {
    "StepLR": {"step_size": 3, "gamma": 0.5},
    "ExponentialLR": {"gamma": 0.9},
    "CosineAnnealingLR": {"T_max": 10, "eta_min": 1e-3},
    "LinearLR": {"start_factor": 0.25, "total_iters": 4},
}


@pytest.mark.parametrize("name", TORCH_SCHEDULES)
def test_against_torch_schedulers(name):
    torch = pytest.importorskip(
        "torch", reason="PyTorch is not installed (an optional cross-check)"
    )
    import calclearn.optim as ours_module

    kwargs = TORCH_SCHEDULES[name]
    ours = getattr(ours_module, name)(make_optimizer(0.1), **kwargs)
    param = torch.zeros(2, dtype=torch.float64, requires_grad=True)
    torch_opt = torch.optim.SGD([param], lr=0.1)
    theirs = getattr(torch.optim.lr_scheduler, name)(torch_opt, **kwargs)
    for _ in range(30):
        assert ours.get_last_lr()[0] == pytest.approx(
            theirs.get_last_lr()[0], rel=1e-15
        )
        torch_opt.step()
        theirs.step()
        ours.step()


# -- clip_grad_norm_ --------------------------------------------------------------


def with_grads(*grads):
    tensors = [Tensor(np.zeros(np.shape(g))) for g in grads]
    for t, g in zip(tensors, grads, strict=True):
        t.grad = g
    return tensors


def test_clip_returns_the_norm_before_and_scales_by_max_over_norm_plus_1e_6():
    a, b = with_grads([3.0, 4.0], 12.0)
    total = clip_grad_norm_([a, b], max_norm=1.0)
    assert total == 13.0
    factor = Fraction(1) / (13 + Fraction(1e-6))
    for got, original in ((a.grad[0], 3), (a.grad[1], 4), (b.grad, 12)):
        exact = original * factor
        assert close(float(got), mpmath.mpf(exact.numerator) / exact.denominator)
    norm = math.sqrt(float(a.grad @ a.grad) + float(b.grad) ** 2)
    assert norm == pytest.approx(13 / (13 + 1e-6), rel=1e-15)


def test_clip_leaves_small_gradients_alone():
    a, b = with_grads([0.3, -0.4], 1.2)
    before = a.grad.copy(), b.grad.copy()
    assert clip_grad_norm_([a, b], max_norm=5.0) == pytest.approx(1.3, rel=1e-15)
    assert np.array_equal(a.grad, before[0]) and np.array_equal(b.grad, before[1])


def test_clip_changes_grads_in_place_and_keeps_direction():
    (a,) = with_grads([30.0, -40.0])
    grad = a.grad
    clip_grad_norm_(a, 5.0)  # a single tensor is accepted, as in torch
    assert a.grad is grad
    assert np.allclose(a.grad, [3.0, -4.0], rtol=1e-6)
    assert a.grad[0] / a.grad[1] == pytest.approx(-0.75, rel=1e-15)


@pytest.mark.parametrize(
    ("norm_type", "expected"),
    [(1, 3 + 4 + 12), (math.inf, 12), (3, (27 + 64 + 1728) ** (1 / 3))],
)
def test_clip_other_norms(norm_type, expected):
    a, b = with_grads([3.0, -4.0], -12.0)
    total = clip_grad_norm_([a, b], max_norm=1.0, norm_type=norm_type)
    assert total == pytest.approx(expected, rel=1e-14)
    assert abs(float(b.grad)) == pytest.approx(12 / (expected + 1e-6), rel=1e-14)


def test_clip_skips_params_without_grad_and_returns_zero_without_any():
    a, b = with_grads([3.0, 4.0], 1.0)
    b.grad = None
    assert clip_grad_norm_([a, b], 1.0) == pytest.approx(5.0, rel=1e-15)
    assert b.grad is None
    assert clip_grad_norm_([Tensor(1.0)], 1.0) == 0.0


def test_clip_nonfinite_norm():
    (a,) = with_grads([3.0, 4.0])
    a.grad = None
    a.grad = [1e308, 1e308]  # finite numbers whose norm overflows
    with pytest.raises(ValueError, match="total norm of the gradients is inf"):
        clip_grad_norm_(a, 1.0, error_if_nonfinite=True)
    assert clip_grad_norm_(a, 1.0) == math.inf  # as torch: scaled by 0


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"parameters": 3.0}, TypeError, "parameters must be a Tensor"),
        ({"parameters": [np.zeros(2)]}, TypeError, "Tensor objects, got ndarray"),
        ({"max_norm": 0.0}, ValueError, "max_norm must be positive"),
        ({"max_norm": -1.0}, ValueError, "max_norm must be positive"),
        ({"max_norm": math.nan}, ValueError, "max_norm must be finite"),
        ({"norm_type": 0}, ValueError, "norm_type must be positive"),
        ({"norm_type": "fro"}, TypeError, "norm_type must be a number"),
    ],
)
def test_bad_clip_arguments(kwargs, error, message):
    arguments = {"parameters": with_grads([1.0]), "max_norm": 1.0, **kwargs}
    with pytest.raises(error, match=message):
        clip_grad_norm_(**arguments)


def test_clip_against_torch():
    torch = pytest.importorskip(
        "torch", reason="PyTorch is not installed (an optional cross-check)"
    )
    rng = np.random.default_rng(0)
    grads = [rng.normal(size=(3, 4)), rng.normal(size=5)]
    for max_norm, norm_type in [(1.0, 2.0), (0.5, 1.0), (2.0, math.inf), (100.0, 2.0)]:
        ours = with_grads(*[g.copy() for g in grads])
        theirs = [torch.zeros(g.shape, dtype=torch.float64) for g in grads]
        for t, g in zip(theirs, grads, strict=True):
            t.grad = torch.tensor(g)
        total = clip_grad_norm_(ours, max_norm, norm_type)
        expected = torch.nn.utils.clip_grad_norm_(theirs, max_norm, norm_type)
        assert total == pytest.approx(float(expected), rel=1e-14)
        for o, t in zip(ours, theirs, strict=True):
            assert np.allclose(o.grad, t.grad.numpy(), rtol=1e-14, atol=0)
