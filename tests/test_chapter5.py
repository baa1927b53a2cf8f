"""Chapter 5 (backpropagation): the hand-written backward pass, the training
and gradient-flow explorers, the saliency figure and the exercise checks.

Every reference value comes from a second route: the autodiff engine
(:mod:`calclearn.autodiff`), central differences, or sympy.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy

from calclearn.autodiff import Tensor, cross_entropy
from calclearn.differentiation import gradient, gradient_check
from calclearn.exercises import backprop as exercises
from calclearn.explorers import backprop
from calclearn.explorers.backprop import (
    MOONS,
    DecisionBoundaryExplorer,
    GradientFlowExplorer,
    layer_gradient_norms,
    mlp_backprop,
    saliency_figure,
    train_classifier,
)
from calclearn.nn import MLP


def _net_arrays(net: MLP) -> tuple[list[np.ndarray], list[np.ndarray]]:
    return (
        [layer.weight.data.copy() for layer in net.layers],
        [layer.bias.data.copy() for layer in net.layers],
    )


# --------------------------------------------------------------------------
# mlp_backprop against the autodiff engine and against finite differences.
# --------------------------------------------------------------------------


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "relu"])
def test_mlp_backprop_matches_autodiff_to_round_off(activation):
    X, y = MOONS
    net = MLP([2, 7, 5, 2], activation=activation, seed=3)
    loss = cross_entropy(net(X), y)
    loss.backward()
    weights, biases = _net_arrays(net)
    by_hand, weight_grads, bias_grads, activations = mlp_backprop(
        weights, biases, X, y, activation
    )
    assert by_hand == pytest.approx(loss.item(), rel=1e-13)
    for layer, dW, db in zip(net.layers, weight_grads, bias_grads, strict=True):
        scale = np.abs(layer.weight.grad).max()
        np.testing.assert_allclose(dW, layer.weight.grad, rtol=0, atol=1e-13 * scale)
        np.testing.assert_allclose(db, layer.bias.grad, rtol=0, atol=1e-13 * scale)
    assert [a.shape for a in activations] == [(200, 2), (200, 7), (200, 5)]


def test_mlp_backprop_passes_a_gradient_check_on_every_weight():
    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(6, 3)), np.array([0, 2, 1, 1, 0, 2])
    net = MLP([3, 4, 3], activation="tanh", seed=2)
    weights, biases = _net_arrays(net)
    shapes = [w.shape for w in weights]
    sizes = [w.size for w in weights]

    def unpack(flat):
        parts = np.split(flat, np.cumsum(sizes)[:-1])
        return [p.reshape(s) for p, s in zip(parts, shapes, strict=True)]

    def loss(flat):
        return mlp_backprop(unpack(flat), biases, X, y, "tanh")[0]

    def grad(flat):
        dW = mlp_backprop(unpack(flat), biases, X, y, "tanh")[1]
        return np.concatenate([g.ravel() for g in dW])

    flat = np.concatenate([w.ravel() for w in weights])
    check = gradient_check(loss, grad, flat)
    assert check.relative_error < 1e-9, check


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "relu"])
def test_stacked_backprop_equals_mlp_backprop_network_by_network(activation):
    """Three different networks stepped at once give each one's own gradients."""
    X, y = MOONS
    nets = [
        _net_arrays(MLP([2, 7, 5, 2], activation=activation, seed=seed))
        for seed in (1, 2, 3)
    ]
    stacked_weights = [np.stack([w[layer] for w, _ in nets]) for layer in range(3)]
    stacked_biases = [np.stack([b[layer] for _, b in nets]) for layer in range(3)]
    losses, weight_grads, bias_grads, logits = backprop._stacked_backprop(
        stacked_weights, stacked_biases, X, y, activation
    )
    for k, (weights, biases) in enumerate(nets):
        loss, dWs, dbs, activations = mlp_backprop(weights, biases, X, y, activation)
        assert losses[k] == pytest.approx(loss, rel=1e-14)
        for dW, db, stacked_dW, stacked_db in zip(
            dWs, dbs, weight_grads, bias_grads, strict=True
        ):
            np.testing.assert_allclose(stacked_dW[k], dW, rtol=1e-13, atol=1e-16)
            np.testing.assert_allclose(stacked_db[k], db, rtol=1e-13, atol=1e-16)
        expected_logits = activations[-1] @ weights[-1] + biases[-1]
        np.testing.assert_allclose(logits[k], expected_logits, rtol=1e-13, atol=1e-15)


# --------------------------------------------------------------------------
# Training.
# --------------------------------------------------------------------------


def test_training_lowers_the_loss_and_classifies_the_moons():
    run = train_classifier(10**-0.5, 16, "tanh")
    assert run.diverged_at is None
    assert run.losses[-1] < 0.25 * run.losses[0]
    assert run.accuracies[-1] >= 0.95
    assert sorted(run.snapshots) == list(range(0, 301, 10))


def test_training_is_deterministic_and_cached():
    first = train_classifier(0.1, 4, "relu", steps=40)
    assert train_classifier(0.1, 4, "relu", steps=40) is first  # the cache
    backprop._train.cache_clear()
    again = train_classifier(0.1, 4, "relu", steps=40)
    np.testing.assert_array_equal(first.losses, again.losses)


#: The explorer's learning-rate stops, and one rate that diverges.
RATES = (*(10.0 ** (k / 2) for k in range(-4, 2)), 1e4)


def _single_run_losses(lr, width, activation, steps=300):
    """Gradient descent one run at a time, with the chapter's mlp_backprop.

    Returns the losses (nan from a divergence on), the accuracies and the step
    at which the loss left [0, 1e3), as train_classifier defines them.
    """
    X, y = MOONS
    init = "he" if activation == "relu" else "xavier"
    weights, biases = _net_arrays(MLP([2, width, width, 2], activation, init, seed=0))
    losses, accuracies = np.full(steps + 1, np.nan), np.full(steps + 1, np.nan)
    for step in range(steps + 1):
        with np.errstate(all="ignore"):
            loss, dWs, dbs, activations = mlp_backprop(
                weights, biases, X, y, activation
            )
        if not (math.isfinite(loss) and loss < 1e3):
            return losses, accuracies, step
        losses[step] = loss
        logits = activations[-1] @ weights[-1] + biases[-1]
        accuracies[step] = np.mean(logits.argmax(axis=1) == y)
        for W, dW in zip(weights, dWs, strict=True):
            W -= lr * dW
        for b, db in zip(biases, dbs, strict=True):
            b -= lr * db
    return losses, accuracies, None


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "relu"])
def test_training_every_rate_at_once_matches_one_run_at_a_time(activation):
    """The stacked runs (a diverging one among them) equal separate runs.

    Training with tanh or ReLU at η ≥ 1 amplifies round-off (summing the bias
    gradients in another order changed some losses several-fold within 300
    steps; one ulp on them fails this test), so the 1e-10 also checks that
    the stacked step does each run's arithmetic in the same order.
    """
    runs = backprop._train_rates(RATES, 8, activation, 300, 10, 0)
    for lr, run in zip(RATES, runs, strict=True):
        losses, accuracies, diverged_at = _single_run_losses(lr, 8, activation)
        assert run.diverged_at == diverged_at, lr
        np.testing.assert_allclose(run.losses, losses, rtol=1e-10, atol=0)
        np.testing.assert_array_equal(run.accuracies, accuracies)
        stop = 301 if diverged_at is None else diverged_at
        assert sorted(run.snapshots) == [s for s in range(0, 301, 10) if s < stop]
    assert runs[-1].diverged_at is not None  # the diverging rate diverged
    assert all(run.diverged_at is None for run in runs[:-1])
    single = train_classifier(RATES[2], 8, activation)
    np.testing.assert_allclose(single.losses, runs[2].losses, rtol=1e-10, atol=0)


def test_training_matches_gradient_descent_with_the_engine():
    """Ten steps by hand equal ten steps of the autodiff engine on the same MLP."""
    run = train_classifier(0.5, 6, "sigmoid", steps=10, snapshot_every=10)
    X, y = MOONS
    net = MLP([2, 6, 6, 2], activation="sigmoid", init="xavier", seed=0)
    losses = []
    for _ in range(10):
        net.zero_grad()
        loss = cross_entropy(net(X), y)
        loss.backward()
        losses.append(loss.item())
        for p in net.parameters():
            p.data -= 0.5 * p.grad
    np.testing.assert_allclose(run.losses[:10], losses, rtol=1e-12)
    weights, _ = run.parameters_at(10)
    for W, layer in zip(weights, net.layers, strict=True):
        np.testing.assert_allclose(W, layer.weight.data, rtol=1e-11, atol=1e-14)


def test_probabilities_equal_the_engines_softmax():
    run = train_classifier(10**-0.5, 8, "relu")
    X, _ = MOONS
    weights, biases = run.parameters_at(120)
    net = MLP([2, 8, 8, 2], activation="relu", init="he", seed=0)
    for layer, W, b in zip(net.layers, weights, biases, strict=True):
        layer.weight.data, layer.bias.data = W, b
    expected = net(X).log_softmax(axis=-1).exp().data[:, 1]
    np.testing.assert_allclose(run.probabilities(X, 125), expected, rtol=1e-12)


def test_probabilities_over_the_grid_in_pieces_equal_the_engines():
    """3600 points are evaluated 600 rows at a time (see _ROWS_PER_PRODUCT)."""
    run = train_classifier(10**-0.5, 32, "tanh")
    weights, biases = run.parameters_at(300)
    net = MLP([2, 32, 32, 2], activation="tanh", seed=0)
    for layer, W, b in zip(net.layers, weights, biases, strict=True):
        layer.weight.data, layer.bias.data = W, b
    grid = backprop._GRID_POINTS
    expected = net(grid).log_softmax(axis=-1).exp().data[:, 1]
    np.testing.assert_allclose(run.probabilities(grid, 300), expected, rtol=1e-12)
    assert run.probabilities(grid[:0], 300).shape == (0,)


def _dead_units(run) -> list[int]:
    """Hidden units whose input is negative at every training point, by layer."""
    weights, biases = run.parameters_at(300)
    a, dead = MOONS[0], []
    for W, b in zip(weights[:-1], biases[:-1], strict=True):
        z = a @ W + b
        dead.append(int(np.sum((z <= 0).all(axis=0))))
        a = np.maximum(z, 0.0)
    return dead


def test_a_large_rate_kills_relu_units_as_the_notebook_says():
    healthy = train_classifier(10**-0.5, 16, "relu")
    stalled = train_classifier(10**0.5, 16, "relu")
    assert _dead_units(healthy) == [0, 0]
    assert _dead_units(stalled) == [8, 13]
    assert stalled.accuracies[-1] == pytest.approx(0.85)
    assert healthy.accuracies[-1] > 0.95


def test_a_huge_learning_rate_diverges_and_keeps_the_snapshots_before():
    run = train_classifier(1e4, 8, "relu", steps=50)
    assert run.diverged_at is not None
    assert all(step < run.diverged_at for step in run.snapshots)
    assert np.isnan(run.losses[run.diverged_at :]).all()
    assert np.isfinite(run.probabilities(MOONS[0], 50)).all()


@pytest.mark.parametrize(
    ("kwargs", "word"),
    [
        ({"lr": -0.1}, "lr"),
        ({"lr": math.nan}, "lr"),
        ({"lr": 0.1, "width": 0}, "width"),
        ({"lr": 0.1, "activation": "softmax"}, "activation"),
        ({"lr": 0.1, "steps": -1}, "steps"),
        ({"lr": True}, "lr"),
        ({"lr": [0.1]}, "lr"),
        ({"lr": 0.1, "width": [16]}, "width"),
    ],
)
def test_train_classifier_refuses_bad_settings(kwargs, word):
    with pytest.raises((ValueError, TypeError), match=word):
        train_classifier(**kwargs)


# --------------------------------------------------------------------------
# Gradient flow through depth.
# --------------------------------------------------------------------------


def test_layer_gradient_norms_match_the_engine():
    gain = 1.3
    net = MLP([2] + [32] * 6 + [2], activation="tanh", init="xavier", seed=0)
    for layer in net.layers:
        layer.weight.data *= gain
    X, y = MOONS
    cross_entropy(net(X), y).backward()
    expected = [np.linalg.norm(layer.weight.grad) for layer in net.layers]
    np.testing.assert_allclose(
        layer_gradient_norms(6, "tanh", "xavier", gain), expected, rtol=1e-12
    )


def test_sigmoid_vanishes_while_tanh_xavier_and_relu_he_survive():
    sigmoid = layer_gradient_norms(20, "sigmoid", "xavier")
    assert sigmoid[0] / sigmoid[-1] < 1e-9
    for activation, init in [("tanh", "xavier"), ("relu", "he")]:
        norms = layer_gradient_norms(20, activation, init)
        assert norms.max() / norms.min() < 20, (activation, norms)


def test_relu_with_xavier_vanishes_in_every_layer_as_the_notebook_says():
    norms = layer_gradient_norms(30, "relu", "xavier")
    assert 1e-6 < norms.min() and norms.max() < 1e-5


def test_weight_scale_makes_relu_explode_or_vanish_in_every_layer():
    big = layer_gradient_norms(20, "relu", "he", gain=1.6)
    small = layer_gradient_norms(20, "relu", "he", gain=0.6)
    assert big.min() > 1e2
    assert small.max() < 1e-4


@pytest.mark.parametrize(
    ("kwargs", "word"),
    [
        ({"depth": 0}, "depth"),
        ({"depth": 3, "gain": 0.0}, "gain"),
        ({"depth": 3, "gain": math.inf}, "gain"),
        ({"depth": 3, "init": "zeros"}, "init"),
        ({"depth": 3, "gain": "1"}, "gain"),
    ],
)
def test_layer_gradient_norms_refuses_bad_settings(kwargs, word):
    with pytest.raises((ValueError, TypeError), match=word):
        layer_gradient_norms(**kwargs)


@pytest.mark.parametrize(
    ("ratio", "smallest", "largest", "kind", "word"),
    [
        (1e-6, 1e-7, 0.5, "error", "vanishing"),
        (1e5, 1e-1, 1e4, "error", "exploding"),
        (0.5, 200.0, 400.0, "error", "exploding"),
        (0.5, 1e-6, 2e-6, "error", "vanishing"),
        (0.05, 0.01, 0.5, "warning", "uneven"),
        (2.0, 0.2, 0.6, "info", "healthy"),
    ],
)
def test_flow_verdicts(ratio, smallest, largest, kind, word):
    verdict, got_kind = backprop._flow_verdict(ratio, smallest, largest)
    assert got_kind == kind and word in verdict


# --------------------------------------------------------------------------
# The explorers say what they draw.
# --------------------------------------------------------------------------


def test_boundary_explorer_reports_the_runs_loss_and_accuracy():
    explorer = DecisionBoundaryExplorer()
    explorer.update(step=120)
    run = train_classifier(10**-0.5, 16, "tanh")
    text = " ".join(explorer.live.messages())
    assert f"loss {run.losses[120]:.3g}" in text
    assert f"accuracy {run.accuracies[120]:.0%}" in text
    expected = run.probabilities(backprop._GRID_POINTS, 120).reshape(60, 60)
    np.testing.assert_array_equal(explorer.surface.get_array(), expected)
    explorer.close()


def test_boundary_explorer_shows_off_grid_rates_at_the_nearest_stop():
    explorer = DecisionBoundaryExplorer()
    explorer.update(lr=0.12)  # between the stops 0.1 and 0.316
    assert explorer.last_error is None
    nearest = train_classifier(10.0**-1, 16, "tanh")
    assert f"loss {nearest.losses[300]:.3g}" in " ".join(explorer.live.messages())
    explorer.close()


def test_boundary_explorer_trains_only_when_the_width_changes():
    """A new width trains its 3 blocks (one per activation, every rate in each)."""
    backprop._train_rates.cache_clear()
    explorer = DecisionBoundaryExplorer()
    assert backprop._train_rates.cache_info().misses == 3
    assert explorer.rates == pytest.approx(RATES[:-1], rel=1e-15)
    for change in (
        {"lr": 0.01},
        {"activation": "relu"},
        {"lr": 10**0.5, "step": 40},
        {"activation": "sigmoid", "lr": 0.1},
    ):
        explorer.update(**change)
    assert backprop._train_rates.cache_info().misses == 3
    explorer.update(width=4)
    assert backprop._train_rates.cache_info().misses == 6
    explorer.update(width=16, activation="tanh")
    assert backprop._train_rates.cache_info().misses == 6
    assert explorer.last_error is None
    explorer.close()


def test_boundary_explorer_names_a_divergence(monkeypatch):
    real = backprop._train_rates
    monkeypatch.setattr(
        backprop,
        "_train_rates",
        lambda rates, *settings: real((1e4,) * len(rates), *settings),
    )
    explorer = DecisionBoundaryExplorer()
    text = " ".join(explorer.live.messages())
    assert explorer.last_error is None
    assert "Diverged at step" in text
    explorer.close()


@pytest.mark.parametrize(
    ("settings", "word"),
    [
        ({}, "vanishing"),
        ({"activation": "tanh"}, "healthy"),
        ({"activation": "relu", "init": "he"}, "healthy"),
        ({"activation": "relu", "init": "he", "gain": 1.5}, "exploding"),
        ({"activation": "relu", "init": "he", "gain": 0.7}, "vanishing"),
    ],
)
def test_gradient_flow_explorer_message(settings, word):
    explorer = GradientFlowExplorer().update(**settings)
    text = " ".join(explorer.live.messages())
    values = explorer.values()
    norms = layer_gradient_norms(
        values["depth"], values["activation"], values["init"], values["gain"]
    )
    assert f"first / last layer: {norms[0] / norms[-1]:.2g}" in text
    assert word in text
    low, high = explorer.norm_ax.get_ylim()
    assert low <= norms.min() and norms.max() <= high
    explorer.close()


# --------------------------------------------------------------------------
# Saliency: the input gradient of Section 7.
# --------------------------------------------------------------------------


def test_input_gradient_of_the_probability_matches_finite_differences():
    net = MLP([2, 8, 8, 2], activation="tanh", seed=4)
    X = MOONS[0][:5]
    inputs = Tensor(X)
    net(inputs).log_softmax(axis=-1)[:, 1].exp().sum().backward()

    def probability(point):
        logits = net(point[None, :]).data[0]
        return 1.0 / (1.0 + np.exp(logits[0] - logits[1]))

    for row, grad in zip(X, inputs.grad, strict=True):
        np.testing.assert_allclose(grad, gradient(probability, row), rtol=1e-7)


def test_saliency_figure_draws_and_refuses_other_models():
    net = MLP([2, 8, 2], seed=0)
    figure = saliency_figure(net, *MOONS)
    assert len(figure.axes) == 3  # two panels and a colour bar
    assert all(p.grad is None for p in net.parameters())
    with pytest.raises(TypeError, match="net"):
        saliency_figure(lambda x: x, *MOONS)
    with pytest.raises(TypeError, match="net"):
        saliency_figure(MLP([3, 4, 2]), *MOONS)


# --------------------------------------------------------------------------
# Exercise checks: right answers by independent routes, every mistake's hint,
# odd answers.
# --------------------------------------------------------------------------


def _numerical_weight_gradient(x, delta):
    """∂/∂W of L = Σ δ ⊙ (xW): central differences on the linear map."""
    W0 = np.zeros((x.shape[1], delta.shape[1]))
    flat = gradient(lambda w: np.sum(delta * (x @ w.reshape(W0.shape))), W0.ravel())
    return flat.reshape(W0.shape)


def _numerical_input_gradient(delta, W):
    x0 = np.zeros((delta.shape[0], W.shape[0]))
    flat = gradient(lambda v: np.sum(delta * (v.reshape(x0.shape) @ W)), x0.ravel())
    return flat.reshape(x0.shape)


def _numerical_tanh_backward(x, W, b, delta):
    flat = gradient(
        lambda v: np.sum(delta * np.tanh(v.reshape(x.shape) @ W + b)), x.ravel()
    )
    return flat.reshape(x.shape)


def _sympy_swish_derivative():
    t = sympy.symbols("t", real=True)
    derivative = sympy.lambdify(t, sympy.diff(t / (1 + sympy.exp(-t)), t), "numpy")
    return lambda x: derivative(np.asarray(x, dtype=float))


@pytest.mark.parametrize(
    ("check", "answer"),
    [
        (exercises.check_weight_gradient, _numerical_weight_gradient),
        (exercises.check_input_gradient, _numerical_input_gradient),
        (exercises.check_tanh_layer_backward, _numerical_tanh_backward),
        (exercises.check_swish_derivative, _sympy_swish_derivative()),
    ],
)
def test_independently_derived_answers_pass(check, answer):
    feedback = check(answer)
    assert feedback.passed, feedback.message


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


@pytest.mark.parametrize(
    ("check", "wrong", "hint"),
    [
        # Exercise 1
        (exercises.check_weight_gradient, lambda x, d: d.T @ x, "transpose"),
        (exercises.check_weight_gradient, lambda x, d: x.T @ d / 4, "batch size"),
        (exercises.check_weight_gradient, lambda x, d: d @ np.ones((2, 3)), "∂L/∂x"),
        (exercises.check_weight_gradient, lambda x, d: -(x.T @ d), "sign"),
        # Exercise 2
        (exercises.check_input_gradient, lambda d, W: W @ d.T, "wrong order"),
        (exercises.check_input_gradient, lambda d, W: np.ones((3, 2)), "∂L/∂W"),
        (exercises.check_input_gradient, lambda d, W: 2 * d @ W.T, "factor of 2"),
        # Exercise 3
        (
            exercises.check_tanh_layer_backward,
            lambda x, W, b, d: d @ W.T,
            "forgot the activation",
        ),
        (
            exercises.check_tanh_layer_backward,
            lambda x, W, b, d: (d * (1 - (x @ W + b) ** 2)) @ W.T,
            "not 1 − z²",
        ),
        (
            exercises.check_tanh_layer_backward,
            lambda x, W, b, d: (
                (d * np.tanh(x @ W + b) * (1 - np.tanh(x @ W + b))) @ W.T
            ),
            "sigmoid's derivative",
        ),
        (
            exercises.check_tanh_layer_backward,
            lambda x, W, b, d: (d * (1 - np.tanh(x @ W + b))) @ W.T,
            "h squared",
        ),
        (
            exercises.check_tanh_layer_backward,
            lambda x, W, b, d: (d @ W.T) * (1 - x**2),
            "output side",
        ),
        (
            exercises.check_tanh_layer_backward,
            lambda x, W, b, d: d * (1 - np.tanh(x @ W + b) ** 2),
            "∂L/∂z",
        ),
        (
            exercises.check_tanh_layer_backward,
            lambda x, W, b, d: W @ (d * (1 - np.tanh(x @ W + b) ** 2)).T,
            "wrong order",
        ),
        # Exercise 4
        (exercises.check_swish_derivative, _sigmoid, "first term"),
        (
            exercises.check_swish_derivative,
            lambda x: x * _sigmoid(x) * (1 - _sigmoid(x)),
            "second term",
        ),
        (
            exercises.check_swish_derivative,
            lambda x: _sigmoid(x) * (1 - _sigmoid(x)),
            "sigmoid's own derivative",
        ),
        (
            exercises.check_swish_derivative,
            lambda x: _sigmoid(x) + x * _sigmoid(x),
            "σ′(x) is σ(x)(1 − σ(x))",
        ),
    ],
)
def test_every_known_mistake_gets_its_hint(check, wrong, hint):
    feedback = check(wrong)
    assert not feedback.passed
    assert hint in feedback.message, feedback.message


@pytest.mark.parametrize(
    ("check", "odd", "says"),
    [
        # The right answer as nested lists passes.
        (exercises.check_weight_gradient, lambda x, d: (x.T @ d).tolist(), "✅"),
        # Both gradients at once: not one array.
        (exercises.check_weight_gradient, lambda x, d: (x.T @ d, d), "❌"),
        (exercises.check_weight_gradient, lambda x, d: float(np.sum(x.T @ d)), "❌"),
        (exercises.check_weight_gradient, lambda x, d: "x.T @ delta", "❌"),
        (exercises.check_weight_gradient, lambda x, d: None, "return"),
        # A missing transpose that numpy refuses: the error is explained.
        (exercises.check_input_gradient, lambda d, W: d @ W, "❌"),
        (exercises.check_input_gradient, lambda d: d, "❌"),
        (exercises.check_tanh_layer_backward, lambda x, W, b, d: math.nan * x, "❌"),
        (exercises.check_swish_derivative, lambda x: 1 / 0, "ZeroDivisionError"),
        (exercises.check_swish_derivative, "sigmoid(x)", "❌"),
    ],
)
def test_odd_answers_get_a_verdict_never_an_exception(check, odd, says):
    feedback = check(odd)
    text = repr(feedback)
    assert says in text, text


@pytest.mark.parametrize(
    ("explorer_class", "settings"),
    [
        (DecisionBoundaryExplorer, {"lr": 1.0, "width": 8, "step": 50}),
        (GradientFlowExplorer, {"depth": 12, "activation": "tanh", "gain": 1.2}),
    ],
)
def test_explorers_draw_the_same_frame_every_time(explorer_class, settings):
    backprop._train_rates.cache_clear()
    backprop._gradient_profile.cache_clear()
    first = explorer_class().update(**settings)
    backprop._train_rates.cache_clear()
    backprop._gradient_profile.cache_clear()
    second = explorer_class().update(**settings)
    assert first.last_error is None
    assert bytes(first.image.value) == bytes(second.image.value)
    first.close()
    second.close()
