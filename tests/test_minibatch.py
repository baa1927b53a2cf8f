"""Mini-batch gradient descent (calclearn.optim.minibatch) and its explorer."""

from __future__ import annotations

import math

import numpy as np
import pytest
from raising import assert_raises_naming

from calclearn.data import noisy_linear
from calclearn.optim import gradient_descent
from calclearn.optim.minibatch import batch_gradients, minibatch_sgd
from calclearn.regression import least_squares_line, mse_loss, mse_partials

X, Y = noisy_linear(24, slope=2.0, intercept=-1.0, noise=0.5, seed=3)
START = (-1.5, 2.5)


def test_full_batch_is_plain_gradient_descent_exactly():
    """B = n: one update per epoch, the very iterates of gradient_descent
    (bit for bit: the same full gradient, the same rounding of the step)."""
    n = len(X)
    run = minibatch_sgd(X, Y, n, 0.3, 40, start=START, seed=7)

    def full_gradient(theta):
        return batch_gradients(X, Y, theta, n)[0]

    def loss(theta):
        return float(mse_loss(theta[0], theta[1], X, Y))

    reference = gradient_descent(loss, full_gradient, START, 0.3, 40, tol=0.0)
    assert run.updates == 40 and run.updates_per_epoch == 1
    assert np.array_equal(run.path, reference.path)
    # And the full gradient is the MSE's, by the independent formula (1e-12).
    for theta in run.path[::8]:
        expected = np.array(mse_partials(theta[0], theta[1], X, Y))
        assert np.allclose(full_gradient(theta), expected, rtol=1e-12, atol=1e-13)


@pytest.mark.parametrize("batch_size", [1, 2, 3, 4, 6, 8, 12, 24])
def test_batch_gradients_average_to_the_full_gradient(batch_size):
    """Equal batches: the mean of an epoch's batch gradients is the full
    gradient (each example once, weight 1/n), at any point, in any epoch."""
    assert len(X) % batch_size == 0
    for theta, epoch in [((0.3, -0.7), 0), ((-2.0, 1.5), 3)]:
        grads = batch_gradients(X, Y, theta, batch_size, seed=5, epoch=epoch)
        assert grads.shape == (len(X) // batch_size, 2)
        expected = np.array(mse_partials(*theta, X, Y))
        assert np.allclose(grads.mean(axis=0), expected, rtol=1e-12, atol=1e-13)


def test_unequal_batches_average_with_weights_not_plainly():
    """B = 5 on 24 points: the last batch has 4, so only the size-weighted
    mean is the full gradient (the plain mean is biased)."""
    theta = (0.3, -0.7)
    grads = batch_gradients(X, Y, theta, 5, seed=1)
    sizes = np.array([5, 5, 5, 5, 4])
    expected = np.array(mse_partials(*theta, X, Y))
    weighted = (sizes[:, None] * grads).sum(axis=0) / sizes.sum()
    assert np.allclose(weighted, expected, rtol=1e-12, atol=1e-13)
    assert not np.allclose(grads.mean(axis=0), expected, rtol=1e-6)


def test_each_step_uses_its_batch_gradient():
    """The run's first epoch, replayed by hand from batch_gradients."""
    run = minibatch_sgd(X, Y, 6, 0.2, 2, start=START, seed=11)
    theta = np.array(START)
    for k in range(run.updates_per_epoch):
        gradient = batch_gradients(X, Y, theta, 6, seed=11)[k]
        theta = theta - 0.2 * gradient
        assert np.allclose(run.path[k + 1], theta, rtol=1e-12, atol=1e-14)


def test_records_losses_and_cost():
    run = minibatch_sgd(X, Y, 5, 0.1, 3, start=START, seed=2)
    assert run.updates_per_epoch == math.ceil(24 / 5) == 5
    assert run.updates == 15 and run.status == "finished"
    assert run.gradients_per_epoch == 24
    assert run.examples_seen.tolist() == [0, 5, 10, 15, 20, 24] + [
        24 + s for s in (5, 10, 15, 20, 24)
    ] + [48 + s for s in (5, 10, 15, 20, 24)]
    assert run.epoch_ends.tolist() == [0, 5, 10, 15]
    # Losses against mse_loss, an independent route (gaps to 1e-12 absolute).
    direct = mse_loss(run.path[:, 0], run.path[:, 1], X, Y)
    assert np.allclose(run.losses, direct, rtol=1e-12)
    assert np.allclose(run.minimum, least_squares_line(X, Y), rtol=1e-12)
    assert np.allclose(run.loss_gaps, direct - run.min_loss, atol=1e-12)
    assert np.array_equal(run.epoch_losses, run.losses[run.epoch_ends])
    # The batch loss of each update: the mean squared error on that batch.
    order = np.random.default_rng(2).permuted(np.tile(np.arange(24), (3, 1)), axis=1)
    first = order[0, :5]
    w, b = START
    assert run.batch_losses[0] == pytest.approx(
        np.mean((w * X[first] + b - Y[first]) ** 2), rel=1e-12
    )


def test_seeded_runs_repeat_and_extend():
    one = minibatch_sgd(X, Y, 4, 0.1, 5, start=START, seed=9)
    two = minibatch_sgd(X, Y, 4, 0.1, 5, start=START, seed=9)
    assert np.array_equal(one.path, two.path)
    longer = minibatch_sgd(X, Y, 4, 0.1, 8, start=START, seed=9)
    assert np.array_equal(longer.path[: one.updates + 1], one.path)
    other = minibatch_sgd(X, Y, 4, 0.1, 5, start=START, seed=10)
    assert not np.array_equal(one.path, other.path)


def test_sgd_settles_in_a_noise_ball_that_shrinks_with_the_rate():
    """A constant rate leaves SGD jittering about the minimum; a smaller rate,
    a smaller jitter (averaged over the last 20 epochs, three seeds)."""
    x, y = noisy_linear(64, noise=1.0, seed=0)

    def late_gap(lr):
        gaps = [
            minibatch_sgd(x, y, 1, lr, 60, start=START, seed=s).epoch_loss_gaps[-20:]
            for s in range(3)
        ]
        return float(np.mean(gaps))

    assert late_gap(0.2) > 4 * late_gap(0.02) > 0
    full = minibatch_sgd(x, y, 64, 0.2, 200, start=START)
    assert full.epoch_loss_gaps[-1] < 1e-12  # no noise: converges


def test_divergence_is_a_result():
    run = minibatch_sgd(X, Y, 1, 1.5, 5, start=START)
    assert run.status == "diverged" and run.diverged_at is not None
    assert len(run.path) == run.diverged_at and np.all(np.isfinite(run.path))
    assert np.all(np.isfinite(run.losses))


def test_zero_epochs_is_the_start():
    run = minibatch_sgd(X, Y, 3, 0.1, 0, start=START)
    assert run.updates == 0 and run.path.tolist() == [list(START)]
    assert run.epoch_ends.tolist() == [0]


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({"x": [1.0, 2.0], "y": [1.0]}, ValueError, ["x", "same length"]),
        ({"x": [1.0, 1.0], "y": [1.0, 2.0]}, ValueError, ["x", "2 different"]),
        ({"x": [1.0, np.nan], "y": [1.0, 2.0]}, ValueError, ["x", "finite"]),
        ({"x": "abc"}, TypeError, ["x"]),
        ({"y": [[1.0, 2.0]]}, ValueError, ["y", "1-D"]),
        ({"batch_size": 0}, ValueError, ["batch_size", "at least 1"]),
        ({"batch_size": 25}, ValueError, ["batch_size", "at most", "24"]),
        ({"batch_size": 2.5}, TypeError, ["batch_size", "integer"]),
        ({"lr": 0.0}, ValueError, ["lr", "positive"]),
        ({"lr": float("inf")}, ValueError, ["lr", "finite"]),
        ({"lr": "0.1"}, TypeError, ["lr", "real number"]),
        ({"epochs": -1}, ValueError, ["epochs", "at least 0"]),
        ({"start": (1.0, 2.0, 3.0)}, ValueError, ["start", "pair"]),
        ({"start": None}, TypeError, ["start"]),
        ({"seed": "0"}, TypeError, ["seed", "integer"]),
        ({"batch_size": 1, "epochs": 50_000}, ValueError, ["epochs", "1,000,000"]),
    ],
)
def test_bad_input_is_named(kwargs, error, words):
    arguments = {"x": X, "y": Y, "batch_size": 4, "lr": 0.1, "epochs": 2}
    arguments.update(kwargs)
    argument, *rest = words
    message = assert_raises_naming(lambda: minibatch_sgd(**arguments), error, argument)
    for word in rest:
        assert word in message, (word, message)


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({"theta": (1.0,)}, ValueError, ["theta", "pair"]),
        ({"epoch": -1}, ValueError, ["epoch", "at least 0"]),
        ({"batch_size": 0}, ValueError, ["batch_size"]),
    ],
)
def test_bad_input_to_batch_gradients_is_named(kwargs, error, words):
    arguments = {"x": X, "y": Y, "theta": (0.0, 0.0), "batch_size": 4}
    arguments.update(kwargs)
    argument, *rest = words
    message = assert_raises_naming(
        lambda: batch_gradients(**arguments), error, argument
    )
    for word in rest:
        assert word in message, (word, message)


def test_explorer_draws_what_the_run_records():
    from calclearn.explorers.minibatch import BatchSizeExplorer

    explorer = BatchSizeExplorer().update(batch_size=4, lr=0.05, epochs=6, seed=3)
    try:
        run = minibatch_sgd(
            explorer.x, explorer.y, 4, 0.05, 6, start=(-1.5, 2.5), seed=3
        )
        assert np.array_equal(np.column_stack(explorer.path.get_data()), run.path)
        assert explorer.last_error is None
        assert "32 updates per epoch of 128" in explorer.live.messages()[0]
        # Too large a rate: said, not raised.
        explorer.update(batch_size=1, lr=1.0)
        assert explorer.last_error is None
        assert "diverged at update" in explorer.live.messages()[0]
        # Above full batch's bound 2/λmax (λ of the MSE's Hessian) it is said.
        hessian = 2 * np.array(
            [[np.mean(explorer.x**2), np.mean(explorer.x)], [np.mean(explorer.x), 1]]
        )
        bound = 2 / np.linalg.eigvalsh(hessian)[-1]
        explorer.update(batch_size=128, lr=1.0, epochs=10)
        assert bound < 1.0 and explorer.last_error is None
        assert f"2/λmax = {bound:.2f}" in explorer.live.messages()[0]
        explorer.update(lr=0.5)
        assert "full batch" not in explorer.live.messages()[0]  # it is full batch
        # A batch size between the slider's powers of 2 is rounded.
        explorer.update(batch_size=3.0)
        assert explorer.last_error is None
        assert "B = 3:" in explorer.live.messages()[0]
    finally:
        explorer.close()
