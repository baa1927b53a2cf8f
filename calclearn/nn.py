r"""Neural networks on :mod:`calclearn.autodiff`: layers, an MLP and two losses.

A :class:`Linear` layer computes :math:`y = xW + b` for a batch ``x`` of
shape ``(n, in_features)``; its weight has shape ``(in_features,
out_features)``, so that a row of ``x`` is one example (PyTorch stores the
transpose). An :class:`MLP` stacks such layers with an activation between
them; its last layer has none, so it outputs scores (logits) or regression
values.

Initialisation
--------------
How the weights start decides whether gradients survive a deep network.
With :math:`n_\text{in}` inputs and :math:`n_\text{out}` outputs per layer:

- ``"xavier"`` (Glorot and Bengio, 2010), uniform:
  :math:`W_{ij} \sim U(-a, a)`, :math:`a = \sqrt{6 / (n_\text{in} +
  n_\text{out})}`, i.e. variance :math:`2 / (n_\text{in} + n_\text{out})`;
  PyTorch's ``xavier_uniform_`` with gain 1. Suits tanh and sigmoid.
- ``"he"`` (He et al., 2015), normal:
  :math:`W_{ij} \sim N(0, 2 / n_\text{in})`; PyTorch's
  ``kaiming_normal_(mode="fan_in", nonlinearity="relu")``. Suits ReLU,
  which zeroes half of its inputs and so halves the variance.

Biases start at zero.

Examples
--------
>>> from calclearn.autodiff import cross_entropy
>>> net = MLP([2, 8, 2], activation="tanh", seed=0)
>>> x = np.array([[0.5, -1.0], [1.5, 0.2]])
>>> loss = cross_entropy(net(x), [0, 1])
>>> loss.backward()
>>> [p.grad.shape for p in net.parameters()]
[(2, 8), (8,), (8, 2), (2,)]
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np

from calclearn._validation import require_choice, require_int
from calclearn.autodiff import (
    Tensor,
    _as_float_array,
    _constant,
    cross_entropy,
    zero_grad,
)

__all__ = ["MLP", "Linear", "Module", "cross_entropy", "initial_weights", "mse_loss"]

INITIALISATIONS = ("xavier", "he")
ACTIVATIONS = ("tanh", "sigmoid", "relu")


def _generator(seed: Any) -> np.random.Generator:
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(require_int(seed, "seed"))


def initial_weights(
    fan_in: int, fan_out: int, init: str = "xavier", seed: Any = 0
) -> np.ndarray:
    """A ``(fan_in, fan_out)`` weight matrix drawn by the rule ``init``.

    Parameters
    ----------
    fan_in, fan_out : int
        Inputs and outputs of the layer.
    init : {"xavier", "he"}
        Xavier/Glorot uniform or He normal (formulas in the module's docstring).
    seed : int or numpy.random.Generator

    Returns
    -------
    numpy.ndarray, shape (fan_in, fan_out)
    """
    fan_in = require_int(fan_in, "fan_in", minimum=1)
    fan_out = require_int(fan_out, "fan_out", minimum=1)
    rng = _generator(seed)
    if require_choice(init, "init", INITIALISATIONS) == "xavier":
        bound = np.sqrt(6.0 / (fan_in + fan_out))
        return rng.uniform(-bound, bound, size=(fan_in, fan_out))
    return rng.normal(0.0, np.sqrt(2.0 / fan_in), size=(fan_in, fan_out))


class Module:
    """Something with parameters: :meth:`parameters` and :meth:`zero_grad`."""

    def parameters(self) -> list[Tensor]:
        """The tensors that training updates."""
        raise NotImplementedError

    def zero_grad(self) -> None:
        """Clear every parameter's gradient (:func:`calclearn.autodiff.zero_grad`)."""
        zero_grad(self.parameters())


class Linear(Module):
    r"""The affine layer :math:`y = xW + b`.

    Parameters
    ----------
    in_features, out_features : int
        Sizes of an input row and of an output row.
    init : {"xavier", "he"}
        How the weight is drawn (formulas in the module's docstring).
    seed : int or numpy.random.Generator
        Seed for the weights: the same layer every run.

    Attributes
    ----------
    weight : Tensor, shape (in_features, out_features)
    bias : Tensor, shape (out_features,)

    Examples
    --------
    >>> layer = Linear(3, 2, seed=0)
    >>> layer(np.ones((4, 3))).shape
    (4, 2)
    """

    def __init__(
        self, in_features: int, out_features: int, init: str = "xavier", seed: Any = 0
    ) -> None:
        self.in_features = require_int(in_features, "in_features", minimum=1)
        self.out_features = require_int(out_features, "out_features", minimum=1)
        self.init = require_choice(init, "init", INITIALISATIONS)
        weights = initial_weights(self.in_features, self.out_features, self.init, seed)
        self.weight = Tensor(weights, name="W")
        self.bias = Tensor(np.zeros(self.out_features), name="b")

    def __call__(self, x: Any) -> Tensor:
        """``x @ weight + bias`` for ``x`` of shape ``(n, in_features)`` or
        ``(in_features,)``; a numpy ``x`` is a constant (no gradient)."""
        if not isinstance(x, Tensor):
            x = _constant(_as_float_array(x, "x"))
        if x.ndim not in (1, 2) or x.shape[-1] != self.in_features:
            raise ValueError(
                f"x must have shape (n, {self.in_features}) or "
                f"({self.in_features},), got shape {x.shape}"
            )
        return x @ self.weight + self.bias

    def parameters(self) -> list[Tensor]:
        return [self.weight, self.bias]

    def __repr__(self) -> str:
        return f"Linear({self.in_features}, {self.out_features}, init={self.init!r})"


class MLP(Module):
    """A multilayer perceptron: linear layers with an activation between them.

    Parameters
    ----------
    sizes : sequence of int
        Widths from input to output, e.g. ``[2, 16, 16, 2]``: two hidden
        layers of 16 units. At least two entries.
    activation : {"tanh", "sigmoid", "relu"}
        Applied after every layer but the last.
    init : {"xavier", "he"}
        Weight initialisation of every layer (formulas in the module's
        docstring).
    seed : int or numpy.random.Generator
        Seed of all the weights: the same network every run.

    Attributes
    ----------
    layers : list of Linear

    Examples
    --------
    >>> net = MLP([2, 16, 16, 1], activation="relu", init="he", seed=1)
    >>> net(np.zeros((5, 2))).shape
    (5, 1)
    >>> sum(p.data.size for p in net.parameters())
    337
    """

    def __init__(
        self,
        sizes: Sequence[int],
        activation: str = "tanh",
        init: str = "xavier",
        seed: Any = 0,
    ) -> None:
        if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence):
            raise TypeError(
                f"sizes must be a list of layer widths, got {type(sizes).__name__}"
            )
        if len(sizes) < 2:
            raise ValueError(
                f"sizes must list at least an input and an output width, got {sizes}"
            )
        widths = [require_int(size, "sizes[i]", minimum=1) for size in sizes]
        self.sizes = widths
        self.activation = require_choice(activation, "activation", ACTIVATIONS)
        self.init = require_choice(init, "init", INITIALISATIONS)
        rng = _generator(seed)
        self.layers = [
            Linear(n_in, n_out, init=self.init, seed=rng)
            for n_in, n_out in itertools.pairwise(widths)
        ]

    def __call__(self, x: Any) -> Tensor:
        """The network's output for the batch ``x`` of shape ``(n, sizes[0])``."""
        *hidden, last = self.layers
        for layer in hidden:
            x = getattr(layer(x), self.activation)()
        return last(x)

    def parameters(self) -> list[Tensor]:
        return [p for layer in self.layers for p in layer.parameters()]

    def __repr__(self) -> str:
        return f"MLP({self.sizes}, activation={self.activation!r}, init={self.init!r})"


def mse_loss(prediction: Tensor, target: Any) -> Tensor:
    r"""Mean squared error :math:`\frac1N \sum (\hat y - y)^2` over all entries.

    Parameters
    ----------
    prediction : Tensor
    target : array_like or Tensor
        Of exactly the prediction's shape: a ``(n,)`` target against a
        ``(n, 1)`` prediction would broadcast to ``(n, n)``, so it is refused.

    Returns
    -------
    Tensor
        0-d.

    Examples
    --------
    >>> float(mse_loss(Tensor([1.0, 2.0]), [1.0, 4.0]).data)
    2.0
    """
    if not isinstance(prediction, Tensor):
        raise TypeError(f"prediction must be a Tensor, got {type(prediction).__name__}")
    if not isinstance(target, Tensor):
        target = _constant(_as_float_array(target, "target"))
    if target.shape != prediction.shape:
        raise ValueError(
            f"target must have the prediction's shape {prediction.shape}, got "
            f"shape {target.shape} (reshape it; broadcasting here is a classic bug)"
        )
    error = prediction - target
    return (error * error).mean()
