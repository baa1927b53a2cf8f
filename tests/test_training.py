"""calclearn.training: the split, the training loop and its instruments.

Every reference comes from a second route: a training loop written out here
with the autodiff engine and the optimizers (what ``fit`` must reproduce step
for step), central differences, the optimizers' own weight decay, or the
closed form of a schedule. Tolerances are stated where they are not exact.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from raising import assert_raises_naming

from calclearn.autodiff import Tensor, cross_entropy
from calclearn.data import two_moons
from calclearn.differentiation import gradient
from calclearn.nn import MLP
from calclearn.optim import SGD, Adam, CosineAnnealingLR, clip_grad_norm_
from calclearn.training import (
    DIVERGED,
    HandWrittenNet,
    Split,
    accuracy,
    add_l2_gradient,
    fit,
    l2_penalty,
    lr_range_test,
    stopping_epoch,
    tanh_layer_backward,
    train_validation_split,
)

#: The capstone's data and split (notebooks/09_capstone.ipynb, section 1).
SPLIT = train_validation_split(*two_moons(300, noise=0.2, seed=0), 1 / 3, seed=0)


def small_network(activation: str = "relu", seed: int = 0) -> MLP:
    init = "he" if activation == "relu" else "xavier"
    return MLP([2, 8, 8, 2], activation=activation, init=init, seed=seed)


def reference_loop(net, optimizer, split, epochs, l2=0.0, max_norm=None, sched=None):
    """The training loop written out: the losses before each step."""
    losses = []
    for _ in range(epochs):
        optimizer.zero_grad()
        loss = cross_entropy(net(split.X_train), split.y_train)
        losses.append(loss.item())
        loss.backward()
        for layer in net.layers:
            layer.weight.grad = layer.weight.grad + l2 * layer.weight.data
        if max_norm is not None:
            clip_grad_norm_(net.parameters(), max_norm)
        optimizer.step()
        if sched is not None:
            sched.step()
    losses.append(cross_entropy(net(split.X_train), split.y_train).item())
    return np.array(losses)


# --------------------------------------------------------------------------
# The stated result of the capstone
# --------------------------------------------------------------------------


def test_the_capstone_model_reaches_95_percent_validation_accuracy():
    """Chapter 9, section 2: the stated result, with the seed fixed."""
    net = MLP([2, 16, 16, 2], activation="relu", init="he", seed=0)
    history = fit(net, Adam(net.parameters(), lr=0.01), SPLIT, epochs=300)
    assert history.status == "finished"
    assert history.val_accuracy[-1] >= 0.95
    # Recomputed from the trained network, not read from the history.
    assert accuracy(net(SPLIT.X_val), SPLIT.y_val) == history.val_accuracy[-1]
    assert history.val_accuracy[-1] == pytest.approx(0.97, abs=1e-12)


# --------------------------------------------------------------------------
# The split
# --------------------------------------------------------------------------


def test_split_is_stratified_disjoint_and_complete():
    X, y = two_moons(101, seed=4)
    split = train_validation_split(X, y, 0.3, seed=2)
    assert len(split.y_train) + len(split.y_val) == 101
    # Every row lands in exactly one set: compare the sorted rows.
    rows = np.vstack([split.X_train, split.X_val])
    np.testing.assert_array_equal(rows[np.lexsort(rows.T)], X[np.lexsort(X.T)])
    for label in (0, 1):
        members = int(np.sum(y == label))
        assert np.sum(split.y_val == label) == round(0.3 * members)
    again = train_validation_split(X, y, 0.3, seed=2)
    np.testing.assert_array_equal(again.X_val, split.X_val)


def test_split_keeps_one_point_of_each_class_in_each_set():
    split = train_validation_split(np.zeros((4, 1)), [0, 0, 1, 1], 0.01)
    assert np.bincount(split.y_train).tolist() == [1, 1]
    assert np.bincount(split.y_val).tolist() == [1, 1]


def test_accuracy_counts_the_rows_whose_top_score_is_the_label():
    scores = np.array([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7], [0.6, 0.4]])
    assert accuracy(scores, [1, 0, 0, 0]) == 0.75
    assert accuracy(Tensor(scores), [1, 0, 1, 0]) == 1.0


# --------------------------------------------------------------------------
# L2 regularisation
# --------------------------------------------------------------------------


def test_l2_gradient_is_the_derivative_of_the_penalty():
    net = small_network(seed=3)
    strength = 0.07
    weights = [layer.weight for layer in net.layers]
    sizes = [w.data.size for w in weights]

    def penalty(flat):
        for w, part in zip(weights, np.split(flat, np.cumsum(sizes)[:-1]), strict=True):
            w.data[...] = part.reshape(w.data.shape)
        return l2_penalty(net, strength)

    start = np.concatenate([w.data.ravel() for w in weights])
    numerical = gradient(penalty, start, method="central")
    penalty(start)
    for w in weights:
        w.grad = np.zeros_like(w.data)
    add_l2_gradient(weights, strength)
    analytic = np.concatenate([w.grad.ravel() for w in weights])
    # The penalty is quadratic: central differences are exact up to round-off.
    np.testing.assert_allclose(analytic, numerical, rtol=1e-7, atol=1e-9)


def test_l2_penalty_is_half_lambda_times_the_squared_norms():
    net = small_network(seed=1)
    total = sum(np.sum(layer.weight.data**2) for layer in net.layers)
    assert l2_penalty(net, 0.3) == pytest.approx(0.15 * total, rel=1e-14)


def test_fit_with_l2_is_sgd_with_weight_decay_on_the_weights():
    lam = 0.02
    by_hook, by_optimizer = small_network(), small_network()
    fit(by_hook, SGD(by_hook.parameters(), lr=0.3, momentum=0.5), SPLIT, 25, l2=lam)
    groups = [
        {
            "params": [layer.weight for layer in by_optimizer.layers],
            "weight_decay": lam,
        },
        {"params": [layer.bias for layer in by_optimizer.layers]},
    ]
    fit(by_optimizer, SGD(groups, lr=0.3, momentum=0.5), SPLIT, 25)
    for p, q in zip(by_hook.parameters(), by_optimizer.parameters(), strict=True):
        np.testing.assert_allclose(p.data, q.data, rtol=0, atol=1e-14)


# --------------------------------------------------------------------------
# The loop
# --------------------------------------------------------------------------


def test_fit_is_the_written_out_loop():
    net, twin = small_network(), small_network()
    history = fit(net, Adam(net.parameters(), lr=0.02), SPLIT, 30, l2=1e-3,
                  max_grad_norm=0.5)  # fmt: skip
    losses = reference_loop(twin, Adam(twin.parameters(), lr=0.02), SPLIT, 30,
                            l2=1e-3, max_norm=0.5)  # fmt: skip
    np.testing.assert_allclose(history.train_loss, losses, rtol=1e-13)
    for p, q in zip(net.parameters(), twin.parameters(), strict=True):
        np.testing.assert_allclose(p.data, q.data, rtol=0, atol=1e-13)
    val = cross_entropy(net(SPLIT.X_val), SPLIT.y_val).item()
    assert history.val_loss[-1] == pytest.approx(val, rel=1e-13)


def test_recorded_gradient_norms_are_those_of_the_first_backward_pass():
    net = small_network(seed=2)
    probe = small_network(seed=2)
    cross_entropy(probe(SPLIT.X_train), SPLIT.y_train).backward()
    expected = [np.linalg.norm(layer.weight.grad) for layer in probe.layers]
    total = math.sqrt(sum(np.sum(p.grad**2) for p in probe.parameters()))
    history = fit(net, SGD(net.parameters(), lr=0.1), SPLIT, 5)
    assert history.grad_norms.shape == (5, 3)
    np.testing.assert_allclose(history.grad_norms[0], expected, rtol=1e-13)
    assert history.total_grad_norm[0] == pytest.approx(total, rel=1e-13)


def test_scheduled_rates_follow_the_closed_form():
    net = small_network()
    optimizer = SGD(net.parameters(), lr=0.4)
    history = fit(net, optimizer, SPLIT, 10,
                  scheduler=CosineAnnealingLR(optimizer, T_max=10))  # fmt: skip
    t = np.arange(10)
    np.testing.assert_allclose(
        history.lrs, 0.4 * (1 + np.cos(np.pi * t / 10)) / 2, rtol=1e-14
    )


def test_early_stopping_stops_where_the_rule_says_and_keeps_the_best_weights():
    full = small_network(seed=5)
    long_run = fit(full, SGD(full.parameters(), lr=2.0, momentum=0.9), SPLIT, 120)
    patience = 10
    expected = stopping_epoch(long_run.val_loss, patience)
    assert expected < 120, "the setting must overfit or oscillate to test this"
    best = int(np.argmin(long_run.val_loss[: expected + 1]))

    stopped = small_network(seed=5)
    history = fit(stopped, SGD(stopped.parameters(), lr=2.0, momentum=0.9), SPLIT,
                  120, patience=patience)  # fmt: skip
    assert history.status == "stopped early"
    assert history.epochs == expected
    assert history.best_epoch == best
    np.testing.assert_array_equal(history.val_loss, long_run.val_loss[: expected + 1])
    # The weights kept are those of a run that trained for `best` epochs.
    short = small_network(seed=5)
    fit(short, SGD(short.parameters(), lr=2.0, momentum=0.9), SPLIT, best)
    for p, q in zip(stopped.parameters(), short.parameters(), strict=True):
        np.testing.assert_array_equal(p.data, q.data)
    assert f"weights of epoch {best} kept" in history.message


def test_a_diverging_run_stops_and_says_so():
    net = small_network()
    history = fit(net, SGD(net.parameters(), lr=30.0), SPLIT, 50)
    assert history.status == "diverged"
    assert "diverged" in history.message
    assert history.epochs < 50
    assert np.all(np.isfinite(history.train_loss))
    # The weights are those before the step that blew up: finite, loss sane.
    assert cross_entropy(net(SPLIT.X_train), SPLIT.y_train).item() < DIVERGED
    # The step that blew up is kept in the gradient record.
    assert len(history.grad_norms) == history.epochs + 1


def test_a_badly_scaled_network_may_start_above_the_threshold():
    net = MLP([2] + [16] * 10 + [2], activation="relu", init="he", seed=0)
    for p in net.parameters():
        p.data *= 1.5
    history = fit(net, SGD(net.parameters(), lr=0.05, momentum=0.9), SPLIT, 20,
                  max_grad_norm=1.0)  # fmt: skip
    assert history.train_loss[0] > 10  # far above a fresh network's log 2
    assert history.status == "finished"
    assert history.train_loss[-1] < 0.5


def test_stopping_epoch_examples():
    assert stopping_epoch([1.0, 0.8, 0.7, 0.75, 0.72, 0.9], 2) == 4
    assert stopping_epoch([1.0, 0.9, 0.8], 1) == 2  # never stops: the last epoch
    assert stopping_epoch([0.5, 0.5, 0.5], 2) == 2  # a tie is no improvement
    assert stopping_epoch([0.5], 3) == 0


# --------------------------------------------------------------------------
# The range test
# --------------------------------------------------------------------------


def test_range_test_replays_as_plain_gradient_descent_and_restores_the_model():
    net = small_network()
    before = [p.data.copy() for p in net.parameters()]
    test = lr_range_test(net, SPLIT, 1e-3, 100.0, steps=60)
    for p, q in zip(net.parameters(), before, strict=True):
        np.testing.assert_array_equal(p.data, q)
    rates = np.geomspace(1e-3, 100.0, 60)[: len(test.lrs)]
    np.testing.assert_allclose(test.lrs, rates, rtol=1e-15)
    # Replay: one step of plain gradient descent per rate.
    replay = small_network()
    for lr, loss in zip(test.lrs, test.losses, strict=True):
        replay.zero_grad()
        value = cross_entropy(replay(SPLIT.X_train), SPLIT.y_train)
        assert value.item() == pytest.approx(loss, rel=1e-12)
        value.backward()
        for p in replay.parameters():
            p.data -= lr * p.grad
    assert test.diverged_at is not None and test.diverged_at > test.lr_at_minimum
    assert test.lr_at_minimum == test.lrs[np.argmin(test.losses)]
    assert test.suggested_lr == test.lr_at_minimum / 10


def test_range_test_on_the_capstone_brackets_the_useful_rates():
    test = lr_range_test(small_network(), SPLIT)
    slow = small_network()
    crawl = fit(slow, SGD(slow.parameters(), lr=test.lrs[0]), SPLIT, 50)
    good = small_network()
    learns = fit(good, SGD(good.parameters(), lr=test.suggested_lr), SPLIT, 50)
    bad = small_network()
    blows = fit(bad, SGD(bad.parameters(), lr=30 * test.diverged_at), SPLIT, 50)
    assert learns.train_loss[-1] < crawl.train_loss[-1] - 0.1
    assert blows.status == "diverged"


# --------------------------------------------------------------------------
# The hand-written network
# --------------------------------------------------------------------------


def test_hand_written_net_is_the_tanh_mlp_with_the_same_seed():
    hand = HandWrittenNet([2, 5, 4, 2], tanh_layer_backward, seed=7)
    net = MLP([2, 5, 4, 2], activation="tanh", init="xavier", seed=7)
    X, y = SPLIT.X_train[:30], SPLIT.y_train[:30]
    loss, dW, db = hand.loss_and_gradients(X, y)
    value = cross_entropy(net(X), y)
    value.backward()
    assert loss == pytest.approx(value.item(), rel=1e-13)
    for layer, gW, gb in zip(net.layers, dW, db, strict=True):
        np.testing.assert_allclose(gW, layer.weight.grad, rtol=0, atol=1e-14)
        np.testing.assert_allclose(gb, layer.bias.grad, rtol=0, atol=1e-14)
    np.testing.assert_allclose(hand.scores(X), net(X).data, rtol=1e-14)


def test_gradient_check_tells_the_right_layer_from_a_buggy_one():
    def buggy(x, W, b, delta):
        h = np.tanh(x @ W + b)
        dz = delta * (1 - h)
        return x.T @ dz, dz.sum(axis=0), dz @ W.T

    X, y = SPLIT.X_train[:20], SPLIT.y_train[:20]
    right = HandWrittenNet([2, 6, 6, 2], tanh_layer_backward).check(X, y)
    wrong_net = HandWrittenNet([2, 6, 6, 2], buggy)
    wrong = wrong_net.check(X, y)
    assert right.verdict == "correct" and right.relative_error < 1e-9
    assert wrong.verdict == "wrong"
    # The output layer is written correctly: the worst entry is a hidden one.
    assert not wrong_net.parameter_name(wrong.worst_index).startswith(("W3", "b3"))
    # Checking leaves the parameters as they were.
    np.testing.assert_array_equal(
        wrong_net.weights[0], HandWrittenNet([2, 6, 6, 2], buggy).weights[0]
    )


def test_hand_written_fit_is_gradient_descent_on_its_gradients():
    hand = HandWrittenNet([2, 6, 2], tanh_layer_backward, seed=1)
    net = MLP([2, 6, 2], activation="tanh", seed=1)
    history = hand.fit(SPLIT, lr=0.5, epochs=20)
    losses = reference_loop(net, SGD(net.parameters(), lr=0.5), SPLIT, 20)
    np.testing.assert_allclose(history.train_loss, losses, rtol=1e-12)


def test_parameter_names_cover_every_flat_index():
    hand = HandWrittenNet([2, 3, 2], tanh_layer_backward)
    names = [hand.parameter_name(i) for i in range(6 + 6 + 3 + 2)]
    assert names[:3] == ["W1[0, 0]", "W1[0, 1]", "W1[0, 2]"]
    assert names[6] == "W2[0, 0]" and names[12] == "b1[0]" and names[-1] == "b2[1]"
    assert len(set(names)) == len(names)


# --------------------------------------------------------------------------
# Bad input: one sentence naming the argument
# --------------------------------------------------------------------------

_NET = small_network()
_OPT = SGD(_NET.parameters(), lr=0.1)

BAD_CALLS = [
    (lambda: train_validation_split(np.zeros((4, 2)), [0, 0, 1, 1], 1.5),
     ValueError, "validation_fraction"),
    (lambda: train_validation_split(np.zeros((4, 2)), [0.0, 0, 1, 1]),
     ValueError, "y"),
    (lambda: train_validation_split(np.zeros((4, 2)), [0, 0, 1]), ValueError, "y"),
    (lambda: train_validation_split(np.zeros((3, 2)), [0, 1, 1]), ValueError,
     "class"),
    (lambda: train_validation_split([[np.nan, 0], [1, 1]], [0, 1]), ValueError, "X"),
    (lambda: fit("net", _OPT, SPLIT, 3), TypeError, "model"),
    (lambda: fit(_NET, "adam", SPLIT, 3), TypeError, "optimizer"),
    (lambda: fit(_NET, _OPT, (1, 2), 3), TypeError, "split"),
    (lambda: fit(_NET, _OPT, SPLIT, -1), ValueError, "epochs"),
    (lambda: fit(_NET, _OPT, SPLIT, 3, l2=-0.1), ValueError, "l2"),
    (lambda: fit(_NET, _OPT, SPLIT, 3, max_grad_norm=0), ValueError,
     "max_grad_norm"),
    (lambda: fit(_NET, _OPT, SPLIT, 3, patience=0), ValueError, "patience"),
    (lambda: fit(_NET, _OPT, SPLIT, 3, scheduler="cosine"), TypeError, "scheduler"),
    (lambda: lr_range_test(_NET, SPLIT, 1.0, 0.1), ValueError, "lr_max"),
    (lambda: lr_range_test(_NET, SPLIT, steps=1), ValueError, "steps"),
    (lambda: lr_range_test(_NET, SPLIT, lr_min=0), ValueError, "lr_min"),
    (lambda: stopping_epoch([], 2), ValueError, "val_losses"),
    (lambda: stopping_epoch([1.0, 2.0], 0), ValueError, "patience"),
    (lambda: l2_penalty(_NET, -1), ValueError, "strength"),
    (lambda: l2_penalty("net", 1), TypeError, "model"),
    (lambda: add_l2_gradient([np.zeros(2)], 0.1), TypeError, "parameters"),
    (lambda: accuracy([1.0, 2.0], [0]), ValueError, "scores"),
    (lambda: HandWrittenNet([2, 3, 2], "backward"), TypeError, "layer_backward"),
    (lambda: HandWrittenNet([2, 3, 2], tanh_layer_backward).fit(SPLIT, -1.0, 3),
     ValueError, "lr"),
    (lambda: HandWrittenNet([2, 3, 2], tanh_layer_backward).parameter_name(99),
     ValueError, "index"),
]  # fmt: skip


@pytest.mark.parametrize(("call", "error", "argument"), BAD_CALLS)
def test_bad_input_names_the_argument(call, error, argument):
    assert_raises_naming(call, error, argument)


def test_split_repr_and_type():
    assert isinstance(SPLIT, Split)
    assert repr(SPLIT) == "Split(200 training, 100 validation)"
