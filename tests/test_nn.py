"""Tests of calclearn.nn: an MLP's gradients against a backward pass derived
by hand in numpy, the initialisation formulas against their statistics, and
a short training run. Tolerances are stated next to each assertion."""

from __future__ import annotations

import numpy as np
import pytest

from calclearn.autodiff import Tensor, cross_entropy
from calclearn.data import two_moons
from calclearn.nn import MLP, Linear, initial_weights, mse_loss

ACTIVATIONS = {
    # activation and its derivative written in terms of its output a
    "tanh": (np.tanh, lambda a: 1.0 - a * a),
    "sigmoid": (lambda z: 1.0 / (1.0 + np.exp(-z)), lambda a: a * (1.0 - a)),
    "relu": (lambda z: np.maximum(z, 0.0), lambda a: (a > 0).astype(float)),
}


def hand_backward(net, X, loss_gradient_of_output, activation):
    """Gradients of every parameter and of X, by the chain rule, layer by layer.

    Forward: a₀ = X, zₗ = aₗ₋₁ Wₗ + bₗ, aₗ = φ(zₗ) except at the last layer.
    Backward: δ = ∂L/∂z_last; ∂L/∂Wₗ = aₗ₋₁ᵀ δ, ∂L/∂bₗ = Σ_rows δ,
    ∂L/∂aₗ₋₁ = δ Wₗᵀ, and δ for the layer below is that times φ'(zₗ₋₁).
    """
    forward, derivative = ACTIVATIONS[activation]
    weights = [layer.weight.data for layer in net.layers]
    biases = [layer.bias.data for layer in net.layers]
    activations = [X]
    for W, b in zip(weights[:-1], biases[:-1], strict=True):
        activations.append(forward(activations[-1] @ W + b))
    output = activations[-1] @ weights[-1] + biases[-1]
    delta = loss_gradient_of_output(output)
    grads = []
    for layer in range(len(weights) - 1, -1, -1):
        grads.append((activations[layer].T @ delta, delta.sum(axis=0)))
        upstream = delta @ weights[layer].T
        if layer:
            delta = upstream * derivative(activations[layer])
    return grads[::-1], upstream


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "relu"])
@pytest.mark.parametrize("loss", ["cross_entropy", "mse"])
def test_mlp_gradients_match_a_hand_derived_backward_pass(activation, loss):
    rng = np.random.default_rng(3)
    X = rng.normal(size=(7, 3))
    net = MLP([3, 5, 4, 2], activation=activation, seed=4)
    for layer in net.layers:  # non-zero biases, so that they matter
        layer.bias.data[...] = rng.normal(scale=0.3, size=layer.bias.shape)
    inputs = Tensor(X)
    output = net(inputs)
    if loss == "cross_entropy":
        labels = np.array([0, 1, 1, 0, 1, 0, 0])
        cross_entropy(output, labels).backward()

        def gradient_of_output(z):  # (softmax − one-hot) / n
            p = np.exp(z - z.max(axis=1, keepdims=True))
            p /= p.sum(axis=1, keepdims=True)
            p[np.arange(len(labels)), labels] -= 1.0
            return p / len(labels)

    else:
        target = rng.normal(size=(7, 2))
        mse_loss(output, target).backward()

        def gradient_of_output(z):  # 2 (ŷ − y) / N over all N entries
            return 2.0 * (z - target) / target.size

    expected, input_gradient = hand_backward(net, X, gradient_of_output, activation)
    # same operations in another order: agreement to rounding, rtol 1e-12
    for layer, (dW, db) in zip(net.layers, expected, strict=True):
        np.testing.assert_allclose(layer.weight.grad, dW, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(layer.bias.grad, db, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(inputs.grad, input_gradient, rtol=1e-12, atol=1e-15)


def test_input_gradient_against_finite_differences():
    net = MLP([2, 8, 1], activation="tanh", seed=5)
    point = np.array([[0.3, -0.8]])
    x = Tensor(point)
    net(x).sum().backward()
    h = 1e-6
    for i in range(2):
        step = np.zeros((1, 2))
        step[0, i] = h
        upper = float(net(point + step).data.sum())
        lower = float(net(point - step).data.sum())
        # central difference: error ~h² ≈ 1e-12 plus rounding ~1e-10
        assert x.grad[0, i] == pytest.approx((upper - lower) / (2 * h), rel=1e-7)


def test_xavier_uniform_has_the_glorot_bound_and_variance():
    fan_in, fan_out = 400, 600
    W = Linear(fan_in, fan_out, init="xavier", seed=1).weight.data
    bound = np.sqrt(6.0 / (fan_in + fan_out))
    assert np.abs(W).max() <= bound
    assert np.abs(W).max() > 0.999 * bound  # 240 000 draws reach the edge
    # variance bound²/3 = 2/(fan_in + fan_out); the sample variance of 240 000
    # uniform draws has a relative standard deviation of 0.2 %: 1 % is 5 σ
    assert W.var() == pytest.approx(2.0 / (fan_in + fan_out), rel=0.01)


def test_he_normal_has_variance_two_over_fan_in():
    fan_in, fan_out = 500, 400
    W = Linear(fan_in, fan_out, init="he", seed=2).weight.data
    std = np.sqrt(2.0 / fan_in)
    # 200 000 draws: relative s.d. of the sample std 0.16 %, so 1 % is 6 σ
    assert W.std() == pytest.approx(std, rel=0.01)
    assert abs(W.mean()) < 5 * std / np.sqrt(W.size)
    # normal, not uniform: about 4.6 % of the draws beyond 2 σ
    assert np.mean(np.abs(W) > 2 * std) == pytest.approx(0.0455, abs=0.003)


def test_biases_start_at_zero_and_seeds_repeat():
    a, b, c = MLP([2, 4, 3], seed=7), MLP([2, 4, 3], seed=7), MLP([2, 4, 3], seed=8)
    for p, q, r in zip(a.parameters(), b.parameters(), c.parameters(), strict=True):
        np.testing.assert_array_equal(p.data, q.data)
        if p.name == "W":
            assert not np.array_equal(p.data, r.data)
        else:
            np.testing.assert_array_equal(p.data, 0.0)


def test_mlp_structure_and_parameters():
    net = MLP([2, 16, 16, 3], activation="relu", init="he", seed=0)
    assert [layer.weight.shape for layer in net.layers] == [(2, 16), (16, 16), (16, 3)]
    assert len(net.parameters()) == 6
    assert net(np.zeros((5, 2))).shape == (5, 3)
    assert net(np.zeros(2)).shape == (3,)  # a single example
    assert repr(net) == "MLP([2, 16, 16, 3], activation='relu', init='he')"


def test_the_last_layer_has_no_activation():
    net = MLP([1, 1], activation="sigmoid", seed=0)
    net.layers[0].weight.data[...] = 10.0
    # a sigmoid output could not exceed 1
    assert float(net(np.array([[1.0]])).data[0, 0]) == 10.0


def test_zero_grad_clears_every_parameter():
    net = MLP([2, 3, 1], seed=0)
    mse_loss(net(np.ones((4, 2))), np.zeros((4, 1))).backward()
    assert all(p.grad is not None for p in net.parameters())
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())


def test_mse_loss_value_and_gradient():
    prediction = Tensor([[1.0], [2.0], [4.0]])
    loss = mse_loss(prediction, [[1.0], [0.0], [1.0]])
    assert float(loss.data) == pytest.approx((0 + 4 + 9) / 3, rel=1e-15)
    loss.backward()
    np.testing.assert_allclose(prediction.grad, [[0.0], [4 / 3], [2.0]], rtol=1e-15)


def test_training_separates_the_two_moons():
    X, y = two_moons(200, noise=0.1, seed=0)
    net = MLP([2, 16, 16, 2], activation="tanh", seed=0)
    losses = []
    for _ in range(300):
        net.zero_grad()
        loss = cross_entropy(net(X), y)
        loss.backward()
        for p in net.parameters():
            p.data -= 0.5 * p.grad  # plain gradient descent, the PyTorch way
        losses.append(float(loss.data))
    accuracy = np.mean(np.argmax(net(X).data, axis=1) == y)
    assert losses[-1] < 0.1 * losses[0]
    assert accuracy > 0.97


@pytest.mark.parametrize(
    "make, error, message",
    [
        (lambda: MLP([2]), ValueError, "sizes must list at least"),
        (lambda: MLP("2, 3"), TypeError, "sizes must be a list"),
        (lambda: MLP([2, 0, 1]), ValueError, r"sizes\[i\] must be at least 1"),
        (lambda: MLP([2, 2.5, 1]), TypeError, r"sizes\[i\] must be an integer"),
        (lambda: MLP([2, 3], activation="softplus"), ValueError, "activation must"),
        (lambda: MLP([2, 3], init="glorot"), ValueError, "init must be one of"),
        (lambda: MLP([2, 3], seed="0"), TypeError, "seed must be an integer"),
        (lambda: Linear(0, 3), ValueError, "in_features must be at least 1"),
        (lambda: initial_weights(0, 3), ValueError, "fan_in must be at least 1"),
        (lambda: initial_weights(2, 3, init="lecun"), ValueError, "init must be"),
        (
            lambda: Linear(2, 3)(np.ones((4, 3))),
            ValueError,
            r"x must have shape \(n, 2\)",
        ),
        (lambda: Linear(2, 3)("x"), TypeError, "x must be a number"),
        (
            lambda: mse_loss(Tensor(np.ones((3, 1))), np.ones(3)),
            ValueError,
            r"target must have the prediction's shape \(3, 1\)",
        ),
        (lambda: mse_loss(np.ones(3), np.ones(3)), TypeError, "prediction must be"),
        (lambda: mse_loss(Tensor(np.ones(3)), ["a"] * 3), TypeError, "target must"),
    ],
)
def test_bad_input_raises_a_clear_error(make, error, message):
    with pytest.raises(error, match=message):
        make()
