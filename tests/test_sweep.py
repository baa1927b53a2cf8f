"""calclearn.optim.minimize and the vectorised sweep.

- minimize with plain SGD is gradient descent: the same path, to the bit.
- minimize drives the optimizer classes as a hand-written PyTorch loop does:
  the same path, to the bit.
- Every cell of a sweep equals minimize run alone with that cell's values:
  final loss, point, steps and divergence step identical (==), the status the
  same (or "unfinished" where the run reports why it is unfinished).
- The sweep's diverged region for heavy ball on a quadratic is the one theory
  predicts: lr·λmax > 2(1 + μ) (cells near the boundary left out).
- Diverging cells raise no warning (the project turns RuntimeWarnings from
  calclearn into errors; here every warning is).
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from calclearn.autodiff import Tensor
from calclearn.landscapes import LANDSCAPES, quadratic_bowl
from calclearn.optim import (
    SGD,
    SWEEP_STATUSES,
    Adam,
    gradient_descent,
    minimize,
    sweep,
)

BOWL = quadratic_bowl(25, math.pi / 6)
ROSENBROCK = LANDSCAPES["Rosenbrock"]
UNFINISHED = {"converging", "unstable", "stuck", "stalled", "not started"}


def test_minimize_with_plain_sgd_is_gradient_descent():
    ours = minimize(BOWL, None, "sgd", 150, lr=0.05)
    theirs = gradient_descent(BOWL.f, BOWL.grad, BOWL.start, 0.05, 150)
    assert np.array_equal(ours.path, theirs.path)
    assert np.array_equal(ours.losses, theirs.losses)
    assert (ours.status, ours.lr, ours.message) == (
        theirs.status,
        theirs.lr,
        theirs.message,
    )


def test_minimize_is_the_pytorch_loop():
    run = minimize(ROSENBROCK, (-1.2, 1.0), "adam", 300, lr=0.02, amsgrad=True)
    w = Tensor([-1.2, 1.0])
    opt = Adam([w], lr=0.02, amsgrad=True)
    path = [w.data.copy()]
    for _ in range(300):
        opt.zero_grad()
        w.grad = ROSENBROCK.grad(w.data)
        opt.step()
        path.append(w.data.copy())
    assert np.array_equal(run.path, np.array(path))
    assert run.losses[-1] < run.losses[0] / 5
    assert run.lr == 0.02 and len(run.grad_norms) == len(run.path)


def test_minimize_reports_divergence_where_and_why():
    run = minimize(BOWL, None, "sgd", 200, lr=0.13, momentum=0.5)  # 0.13·25 > 2·1.5
    assert run.status == "diverged" and run.diverged_at is not None
    assert run.steps == run.diverged_at - 1
    assert np.all(np.isfinite(run.path)) and "Diverged at step" in run.message


def test_minimize_accepts_names_and_default_start():
    run = minimize("booth", optimizer="SGD", steps=400, lr=0.05, momentum=0.5)
    assert run.status == "converged"
    assert run.path[0].tolist() == list(LANDSCAPES["Booth"].start)
    assert np.allclose(run.path[-1], [1.0, 3.0], atol=1e-10)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"optimizer": "lbfgs"}, ValueError, "optimizer must be one of"),
        ({"optimizer": 3}, TypeError, "optimizer must be a string"),
        ({"beta": 0.9}, TypeError, "Adam has no hyperparameter beta"),
        ({"lr": -1.0}, ValueError, "lr must be non-negative"),
        ({"x0": (1.0, 2.0, 3.0)}, ValueError, r"x0 must be a point \(x, y\)"),
        ({"x0": (1.0, math.nan)}, ValueError, "x0 must be finite"),
        ({"steps": -1}, ValueError, "steps must be at least 0"),
        ({"steps": 2.5}, TypeError, "steps must be an integer"),
        ({"landscape": "nowhere"}, ValueError, "nowhere"),
    ],
)
def test_minimize_bad_arguments(kwargs, error, message):
    arguments = {"landscape": BOWL, **kwargs}
    with pytest.raises(error, match=message):
        minimize(**arguments)


SWEEPS = {
    "SGD lr × momentum on the bowl": (
        BOWL,
        "sgd",
        {"lr": np.linspace(0.01, 0.13, 7), "momentum": [0.0, 0.3, 0.6, 0.9]},
        200,
    ),
    "SGD nesterov lr × weight_decay": (
        BOWL,
        "sgd",
        {
            "lr": [0.02, 0.07, 0.12],
            "weight_decay": [0.0, 0.5],
            "momentum": 0.8,
            "nesterov": True,
        },
        150,
    ),
    "Adam lr × weight_decay on Rosenbrock": (
        ROSENBROCK,
        "adam",
        {
            "lr": [1e-3, 1e-2, 0.1, 1.0, 1e7],
            "weight_decay": [0.0, 0.1],
            "amsgrad": True,
        },
        300,
    ),
    "AdamW lr on Rosenbrock": (ROSENBROCK, "adamw", {"lr": [0.01, 0.3, 1e7]}, 200),
    "RMSprop lr × alpha × momentum, centered": (
        BOWL,
        "rmsprop",
        {
            "lr": [0.01, 0.3, 1e7],
            "alpha": [0.3, 0.6, 0.9],
            "momentum": [0.0, 0.5],
            "centered": True,
        },
        100,
    ),
    "Adagrad lr × lr_decay × initial_accumulator_value": (
        LANDSCAPES["Himmelblau"],
        "adagrad",
        {
            "lr": [0.1, 2.0, 1e8],
            "lr_decay": [0.0, 0.1],
            "initial_accumulator_value": [0.0, 1.0],
        },
        100,
    ),
}


@pytest.mark.parametrize("name", SWEEPS)
def test_every_cell_is_the_single_run(name):
    surface, optimizer, grid, steps = SWEEPS[name]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = sweep(surface, optimizer, steps=steps, **grid)
    axes = {k: v for k, v in grid.items() if np.ndim(v) == 1}
    fixed = {k: v for k, v in grid.items() if np.ndim(v) == 0}
    assert list(result.axes) == list(axes)
    assert result.shape == tuple(len(v) for v in axes.values())
    for index in np.ndindex(result.shape):
        cell = {
            k: float(np.asarray(v)[i])
            for (k, v), i in zip(axes.items(), index, strict=True)
        }
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            run = minimize(surface, None, optimizer, steps, **fixed, **cell)
        where = (name, cell)
        assert result.final_loss[index] == run.losses[-1], where
        assert np.array_equal(result.final_point[index], run.path[-1]), where
        assert result.steps[index] == run.steps, where
        status = result.status[index]
        if status == "unfinished":
            assert run.status in UNFINISHED, where
        else:
            assert status == run.status, where
        expected_at = -1 if run.diverged_at is None else run.diverged_at
        assert result.diverged_at[index] == expected_at, where
    # Not a vacuous grid: some cells blow up, others do not.
    assert {"diverged", "unfinished"} <= set(result.status.flat)


def test_heavy_ball_diverges_where_theory_says():
    # SGD with momentum μ on a quadratic converges iff 0 < lr·λ < 2(1 + μ)
    # for every eigenvalue λ; λmax = 25 here.
    lrs = np.linspace(0.005, 0.2, 40)
    momenta = np.linspace(0.0, 0.95, 20)
    result = sweep(BOWL, "sgd", steps=300, lr=lrs, momentum=momenta)
    margin = lrs[:, None] * 25 / (2 * (1 + momenta[None, :]))
    clear = np.abs(margin - 1) > 0.05  # away from the boundary
    assert np.array_equal(result.diverged[clear], (margin > 1)[clear])
    assert not np.any(result.status[margin < 1] == "diverged")


def test_steps_to_tolerance_and_status_values():
    result = sweep(BOWL, "sgd", steps=50, lr=[0.01, 0.07, 0.2], momentum=0.5)
    assert set(result.status.flat) <= set(SWEEP_STATUSES)
    converged = result.converged
    assert np.array_equal(np.isnan(result.steps_to_tolerance), ~converged)
    assert np.array_equal(result.steps_to_tolerance[converged], result.steps[converged])
    assert result.diverged.tolist() == [False, False, True]
    assert result.settings["momentum"] == 0.5 and "lr" not in result.settings


def test_a_start_at_the_minimum_converges_in_zero_steps():
    result = sweep(BOWL, "adam", x0=BOWL.center, lr=[0.1, 0.2])
    assert result.status.tolist() == ["converged", "converged"]
    assert result.steps.tolist() == [0, 0]


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"lr": [[0.1, 0.2]]}, ValueError, "lr must be a number, or a 1-D sequence"),
        ({"lr": []}, ValueError, "lr must be a number, or a 1-D sequence"),
        (
            {"lr": [0.1, -0.1]},
            ValueError,
            r"lr must be non-negative \(>= 0\), got -0.1",
        ),
        ({"momentum": [0.5, 1.0]}, ValueError, r"momentum must be in \[0, 1\), got 1"),
        ({"nesterov": [True, False], "momentum": 0.5}, TypeError, "nesterov"),
        ({"momentum": [0.0, 0.5], "nesterov": True}, ValueError, "nesterov=True"),
        ({"lr": np.ones(1001), "momentum": np.zeros(1000)}, ValueError, "at most"),
        ({"lr": ["a", "b"]}, TypeError, "lr must hold real numbers"),
        ({"gamma": [0.1]}, TypeError, "SGD has no hyperparameter gamma"),
        ({"steps": 10**7}, ValueError, "steps must be at most"),
    ],
)
def test_sweep_bad_arguments(kwargs, error, message):
    with pytest.raises(error, match=message):
        sweep(BOWL, "sgd", **{"lr": 0.1, **kwargs})


def test_sweep_keeps_the_optimizer_classes_untouched():
    # The sweep calls the same update as SGD.step: one cell, by hand.
    result = sweep(BOWL, "sgd", steps=3, lr=[0.03], momentum=0.9, dampening=0.1)
    w = Tensor(BOWL.start)
    opt = SGD([w], lr=0.03, momentum=0.9, dampening=0.1)
    for _ in range(3):
        w.grad = BOWL.grad(w.data)
        opt.step()
    assert np.array_equal(result.final_point[0], w.data)
