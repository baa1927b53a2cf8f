"""Speed of calclearn.autodiff: one forward plus backward pass of an MLP.

The network: tanh hidden layers, a linear output layer, mean cross-entropy
against integer labels, all in float64. One *step* is the forward pass, the
loss and the backward pass to every weight and bias. It is timed for

- **hand numpy**: the same network with its backward pass written out by
  hand in numpy, the floor that any engine on numpy pays;
- **calclearn**: :class:`calclearn.nn.MLP` and
  :func:`calclearn.autodiff.cross_entropy`, then ``loss.backward()``;
- **scalar engine**: a minimal micrograd-style engine, one Python object per
  number (written below, the *baseline*, not part of calclearn);
- **PyTorch** (CPU, float64), when torch happens to be installed.

on two sizes: the course's 64×2→64→64→2 and an MNIST-sized 256×784→128→10.
Every library runs on one thread (BLAS and torch), so that the figures do not
depend on what else the machine is doing with its other cores. The
implementations take turns in short bursts, 40 rounds, and each time is the
best round (the least disturbed). Before timing, the gradients of calclearn,
the scalar engine and PyTorch are checked against the hand-written ones.

Run it with ``python benchmarks/autodiff_speed.py`` (``--quick`` for fewer
rounds). It reports figures; it asserts nothing.
"""

from __future__ import annotations

import os

# One BLAS thread, set before numpy is imported (see the docstring).
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import argparse  # noqa: E402
import math  # noqa: E402
import platform  # noqa: E402
import timeit  # noqa: E402

import numpy as np  # noqa: E402

from calclearn.autodiff import Tensor, cross_entropy  # noqa: E402
from calclearn.nn import MLP  # noqa: E402

try:
    import torch
except ImportError:  # torch is never a dependency of the course
    torch = None

#: (label, batch size, layer widths)
NETWORKS = [
    ("course 64×2→64→64→2", 64, [2, 64, 64, 2]),
    ("MNIST-sized 256×784→128→10", 256, [784, 128, 10]),
]
#: The scalar engine takes seconds per step on the larger network: skipped.
SCALAR_MAX_WEIGHTS = 10_000


# --------------------------------------------------------------------------
# The problem: data and weights shared by every implementation
# --------------------------------------------------------------------------


def problem(batch: int, sizes: list[int], seed: int = 0):
    rng = np.random.default_rng(seed)
    inputs = rng.normal(size=(batch, sizes[0]))
    labels = rng.integers(0, sizes[-1], size=batch)
    net = MLP(sizes, activation="tanh", init="xavier", seed=seed)
    weights = [layer.weight.data.copy() for layer in net.layers]
    biases = [rng.normal(scale=0.1, size=layer.bias.data.shape) for layer in net.layers]
    for layer, bias in zip(net.layers, biases, strict=True):
        layer.bias.data[...] = bias  # non-zero biases, so their gradients matter
    return inputs, labels, net, weights, biases


# --------------------------------------------------------------------------
# (a) the floor: the backward pass written by hand
# --------------------------------------------------------------------------


def hand_numpy_step(inputs, labels, weights, biases):
    """Loss and [(dW, db), ...] per layer, by the chain rule written out."""
    activations = [inputs]
    for weight, bias in zip(weights[:-1], biases[:-1], strict=True):
        activations.append(np.tanh(activations[-1] @ weight + bias))
    logits = activations[-1] @ weights[-1] + biases[-1]
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    rows = np.arange(len(labels))
    loss = -log_probs[rows, labels].mean()

    upstream = np.exp(log_probs)  # ∂loss/∂logits = (softmax - onehot) / n
    upstream[rows, labels] -= 1.0
    upstream /= len(labels)
    grads = []
    for layer in range(len(weights) - 1, -1, -1):
        grads.append((activations[layer].T @ upstream, upstream.sum(axis=0)))
        if layer:
            hidden = activations[layer]
            upstream = (upstream @ weights[layer].T) * (1.0 - hidden * hidden)
    return loss, grads[::-1]


# --------------------------------------------------------------------------
# (b) calclearn
# --------------------------------------------------------------------------


def calclearn_step(net, inputs, labels):
    net.zero_grad()
    loss = cross_entropy(net(inputs), labels)
    loss.backward()
    return loss


# --------------------------------------------------------------------------
# (c) the baseline: a scalar engine in the style of micrograd
# --------------------------------------------------------------------------


class Scalar:
    """BASELINE ONLY: one number in a graph of numbers (micrograd's design)."""

    __slots__ = ("_backward", "grad", "parents", "value")

    def __init__(self, value, parents=()):
        self.value = value
        self.grad = 0.0
        self.parents = parents
        self._backward = None

    def __add__(self, other):
        other = other if isinstance(other, Scalar) else Scalar(other)
        out = Scalar(self.value + other.value, (self, other))

        def _backward():
            self.grad += out.grad
            other.grad += out.grad

        out._backward = _backward
        return out

    __radd__ = __add__

    def __mul__(self, other):
        other = other if isinstance(other, Scalar) else Scalar(other)
        out = Scalar(self.value * other.value, (self, other))

        def _backward():
            self.grad += other.value * out.grad
            other.grad += self.value * out.grad

        out._backward = _backward
        return out

    __rmul__ = __mul__

    def __neg__(self):
        return self * -1.0

    def __sub__(self, other):
        return self + (-other)

    def _unary(self, value, derivative):
        out = Scalar(value, (self,))

        def _backward():
            self.grad += derivative * out.grad

        out._backward = _backward
        return out

    def tanh(self):
        value = math.tanh(self.value)
        return self._unary(value, 1.0 - value * value)

    def exp(self):
        value = math.exp(self.value)
        return self._unary(value, value)

    def log(self):
        return self._unary(math.log(self.value), 1.0 / self.value)

    def backward(self):
        order, seen, stack = [], {self}, [(self, False)]
        while stack:
            node, parents_done = stack.pop()
            if parents_done:
                order.append(node)
                continue
            stack.append((node, True))
            for parent in node.parents:
                if parent not in seen:
                    seen.add(parent)
                    stack.append((parent, False))
        self.grad = 1.0
        for node in reversed(order):
            if node._backward is not None:
                node._backward()


def scalar_step(inputs, labels, weights, biases):
    """Loss and the scalar parameters, after a backward pass."""
    params = [
        ([[Scalar(w) for w in row] for row in weight], [Scalar(b) for b in bias])
        for weight, bias in zip(weights, biases, strict=True)
    ]
    losses = []
    for x, label in zip(inputs.tolist(), labels.tolist(), strict=True):
        units = x
        for layer, (weight, bias) in enumerate(params):
            outputs = []
            for j, b in enumerate(bias):
                total = b
                for i, unit in enumerate(units):
                    total = total + weight[i][j] * unit
                outputs.append(total.tanh() if layer < len(params) - 1 else total)
            units = outputs
        # log-softmax with the maximum subtracted as a constant (for stability)
        top = max(unit.value for unit in units)
        shifted = [unit - top for unit in units]
        normaliser = shifted[0].exp()
        for unit in shifted[1:]:
            normaliser = normaliser + unit.exp()
        losses.append(normaliser.log() - shifted[label])
    loss = losses[0]
    for term in losses[1:]:
        loss = loss + term
    loss = loss * (1.0 / len(losses))
    loss.backward()
    return loss, params


# --------------------------------------------------------------------------
# (d) PyTorch, when present
# --------------------------------------------------------------------------


def torch_setup(inputs, labels, weights, biases):
    torch.set_num_threads(1)
    x = torch.tensor(inputs, dtype=torch.float64)
    y = torch.tensor(labels)
    params = [
        (
            torch.tensor(w, dtype=torch.float64, requires_grad=True),
            torch.tensor(b, dtype=torch.float64, requires_grad=True),
        )
        for w, b in zip(weights, biases, strict=True)
    ]
    return x, y, params


def torch_step(x, y, params):
    for weight, bias in params:
        weight.grad = None
        bias.grad = None
    h = x
    for weight, bias in params[:-1]:
        h = torch.tanh(h @ weight + bias)
    weight, bias = params[-1]
    loss = torch.nn.functional.cross_entropy(h @ weight + bias, y)
    loss.backward()
    return loss


# --------------------------------------------------------------------------
# Checking, timing, reporting
# --------------------------------------------------------------------------


def worst_relative_error(grads, reference) -> float:
    worst = 0.0
    for (dw, db), (rw, rb) in zip(grads, reference, strict=True):
        for got, want in ((dw, rw), (db, rb)):
            scale = np.max(np.abs(want))
            worst = max(worst, float(np.max(np.abs(np.asarray(got) - want)) / scale))
    return worst


def report_agreement(name, grads, reference) -> None:
    error = worst_relative_error(grads, reference)
    print(f"  {name} gradients vs hand numpy: max relative error {error:.1e}")


def interleaved_best_times(steps: dict, seconds: float, rounds: int) -> dict:
    """Best time of one call of each step, in seconds.

    The steps take turns, a burst of about ``seconds`` each per round, so
    that a change in the machine's load touches all of them alike; the best
    round of each is the least disturbed.
    """
    calls = {}
    for name, step in steps.items():
        step()  # warm up (allocations, caches)
        single = min(timeit.repeat(step, number=1, repeat=3))
        calls[name] = max(1, int(seconds / max(single, 1e-9)))
    best = dict.fromkeys(steps, math.inf)
    for _ in range(rounds):
        for name, step in steps.items():
            elapsed = timeit.timeit(step, number=calls[name]) / calls[name]
            best[name] = min(best[name], elapsed)
    return best


def benchmark(label, batch, sizes, seconds, rounds) -> dict[str, float]:
    inputs, labels, net, weights, biases = problem(batch, sizes)
    constant_inputs = Tensor(inputs, requires_grad=False)  # made once, like data
    _, reference = hand_numpy_step(inputs, labels, weights, biases)

    calclearn_step(net, constant_inputs, labels)
    ours = [(layer.weight.grad, layer.bias.grad) for layer in net.layers]
    print(f"\n{label}")
    report_agreement("calclearn", ours, reference)

    steps = {
        "hand numpy": lambda: hand_numpy_step(inputs, labels, weights, biases),
        "calclearn": lambda: calclearn_step(net, constant_inputs, labels),
    }
    if torch is not None:
        x, y, params = torch_setup(inputs, labels, weights, biases)
        torch_step(x, y, params)
        theirs = [(w.grad.numpy(), b.grad.numpy()) for w, b in params]
        report_agreement("PyTorch", theirs, reference)
        steps["PyTorch"] = lambda: torch_step(x, y, params)
    times = interleaved_best_times(steps, seconds, rounds)
    n_weights = sum(w.size + b.size for w, b in zip(weights, biases, strict=True))
    if n_weights <= SCALAR_MAX_WEIGHTS:
        _, scalars = scalar_step(inputs, labels, weights, biases)
        grads = [
            ([[v.grad for v in row] for row in w], [v.grad for v in b])
            for w, b in scalars
        ]
        report_agreement("scalar engine", grads, reference)
        # Seconds per step: two runs, no warm-up, are plenty.
        times["scalar engine"] = min(
            timeit.repeat(
                lambda: scalar_step(inputs, labels, weights, biases), number=1, repeat=2
            )
        )
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds")
    args = parser.parse_args()
    seconds, rounds = (0.03, 5) if args.quick else (0.05, 40)

    print(
        f"numpy {np.__version__}, Python {platform.python_version()}, "
        f"torch {torch.__version__ if torch else 'not installed'}; one thread"
    )
    rows = []
    for label, batch, sizes in NETWORKS:
        times = benchmark(label, batch, sizes, seconds, rounds)
        rows.append((label, times))

    print("\nms per forward+backward step (best of rounds); ratio to hand numpy")
    for label, times in rows:
        floor = times["hand numpy"]
        print(f"\n{label}")
        for name, seconds_taken in times.items():
            milliseconds, ratio = seconds_taken * 1e3, seconds_taken / floor
            print(f"  {name:<14} {milliseconds:10.3f} ms   {ratio:8.2f}x")

    print("\nTargets (reported, not asserted):")
    course, mnist = (times for _, times in rows)
    ratio = mnist["calclearn"] / mnist["hand numpy"]
    print(f"  MNIST-sized: calclearn / hand numpy = {ratio:.2f} (target ≤ 1.3)")
    if "PyTorch" in course:
        ratio = course["calclearn"] / course["PyTorch"]
        print(f"  course-sized: calclearn / PyTorch = {ratio:.2f} (target ≤ 1.0)")
    else:
        print("  course-sized: calclearn / PyTorch: torch not installed")
    ratio = course["scalar engine"] / course["calclearn"]
    print(f"  course-sized: scalar engine / calclearn = {ratio:.0f} (target ≥ 100)")


if __name__ == "__main__":
    main()
