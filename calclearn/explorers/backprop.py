r"""Chapter 5 explorers: training a small network, and gradients through depth.

Both explorers run backpropagation written by hand in numpy, exactly the
formulas the chapter derives: for a layer :math:`z = aW + b`,
:math:`a' = \phi(z)` and the upstream gradient :math:`\delta = \partial L /
\partial z`,

.. math::

    \frac{\partial L}{\partial W} = a^\top \delta, \qquad
    \frac{\partial L}{\partial b} = \textstyle\sum_{\text{rows}} \delta, \qquad
    \frac{\partial L}{\partial a} = \delta W^\top, \qquad
    \delta_{\text{below}} = \frac{\partial L}{\partial a} \odot \phi'(z).

The tests check :func:`mlp_backprop` against :mod:`calclearn.autodiff`
(which it matches to round-off); written out in numpy it is about five times
faster. The training explorer steps all its learning rates at once: the
same formulas on stacks of weight matrices, one batched product per layer.

- :func:`train_classifier` trains an MLP on the two moons by full-batch
  gradient descent and keeps snapshots; :class:`DecisionBoundaryExplorer`
  scrubs through them.
- :func:`layer_gradient_norms` measures :math:`\|\partial L/\partial W_l\|`
  layer by layer; :class:`GradientFlowExplorer` plots it against depth.
- :func:`saliency_figure` draws the input gradient :math:`\partial s/\partial x`
  of a trained network over the data.
"""

from __future__ import annotations

import functools
import itertools
import math
from dataclasses import dataclass, field

import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from calclearn._validation import require_choice, require_int, require_real_scalar
from calclearn.autodiff import Tensor
from calclearn.data import two_moons
from calclearn.nn import ACTIVATIONS, INITIALISATIONS, MLP, initial_weights
from calclearn.plots import COLORS, house_style, new_figure
from calclearn.widgets import (
    Explorer,
    dropdown,
    int_slider,
    log_slider,
    on_grid,
    slider,
)

__all__ = [
    "DecisionBoundaryExplorer",
    "GradientFlowExplorer",
    "TrainingRun",
    "layer_gradient_norms",
    "mlp_backprop",
    "saliency_figure",
    "train_classifier",
]

#: The data set of the training explorer: 200 points, two classes.
MOONS = two_moons(200, noise=0.15, seed=0)
#: The window the decision boundary is drawn over: (x range, y range).
WINDOW = ((-1.75, 2.75), (-1.25, 1.75))
_GRID_SIZE = 60
#: A loss above this (or not finite) counts as diverged: training stops there.
_DIVERGED = 1e3
#: Rows per matrix product when evaluating a network on many points. OpenBLAS
#: hands a product of more than about 10⁶ multiply-adds to a second thread;
#: on a busy two-core machine the 60 × 60 grid through a width-32 layer then
#: took 2-7 ms instead of 0.2 ms in pieces, and left the thread spinning (and
#: burning a core) for a tenth of a second after.
_ROWS_PER_PRODUCT = 600


def _activate(z: np.ndarray, activation: str) -> np.ndarray:
    if activation == "tanh":
        return np.tanh(z)
    if activation == "sigmoid":
        return 0.5 * (1.0 + np.tanh(0.5 * z))  # σ(z), without overflow in exp
    return np.maximum(z, 0.0)


def _activation_slope(a: np.ndarray, activation: str) -> np.ndarray:
    """φ'(z) written with the output a = φ(z): what backprop has at hand."""
    if activation == "tanh":
        return 1.0 - a**2
    if activation == "sigmoid":
        return a * (1.0 - a)
    return (a > 0).astype(float)  # ReLU: the subgradient 0 at z = 0


def _log_softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def mlp_backprop(
    weights: list[np.ndarray],
    biases: list[np.ndarray],
    X: np.ndarray,
    y: np.ndarray,
    activation: str,
) -> tuple[float, list[np.ndarray], list[np.ndarray], list[np.ndarray]]:
    r"""The mean cross-entropy of an MLP and its gradients, by hand.

    The network is :math:`a_0 = X`, :math:`a_l = \phi(a_{l-1} W_l + b_l)` for
    the hidden layers and logits :math:`a_{L-1} W_L + b_L` (no activation on
    the last layer), as in :class:`calclearn.nn.MLP`.

    Parameters
    ----------
    weights, biases : list of numpy.ndarray
        ``weights[l]`` of shape ``(n_l, n_{l+1})``, ``biases[l]`` of shape
        ``(n_{l+1},)``.
    X : numpy.ndarray, shape (n, n_0)
    y : numpy.ndarray of int, shape (n,)
        Class labels, ``0 <= y < n_L``.
    activation : {"tanh", "sigmoid", "relu"}

    Returns
    -------
    loss : float
        :math:`L = -\frac1n \sum_i \log \operatorname{softmax}(s_i)_{y_i}`.
    weight_grads, bias_grads : list of numpy.ndarray
        :math:`\partial L / \partial W_l` and :math:`\partial L / \partial b_l`.
    activations : list of numpy.ndarray
        :math:`a_0, \dots, a_{L-1}` (the input and every hidden layer's output).

    Notes
    -----
    The backward pass starts from
    :math:`\delta_L = (\operatorname{softmax}(s) - \operatorname{onehot}(y)) / n`
    and repeats, layer by layer from the top,
    :math:`\partial L/\partial W_l = a_{l-1}^\top \delta_l`,
    :math:`\partial L/\partial b_l = \sum_i \delta_{l,i}` and
    :math:`\delta_{l-1} = (\delta_l W_l^\top) \odot \phi'(z_{l-1})`.

    Examples
    --------
    >>> W, b, X = [np.eye(2)], [np.zeros(2)], np.zeros((1, 2))
    >>> loss, dW, db, _ = mlp_backprop(W, b, X, np.array([0]), "tanh")
    >>> round(loss, 6), db[0].tolist()
    (0.693147, [-0.5, 0.5])
    """
    activations = [X]
    for W, b in zip(weights[:-1], biases[:-1], strict=True):
        activations.append(_activate(activations[-1] @ W + b, activation))
    log_probs = _log_softmax(activations[-1] @ weights[-1] + biases[-1])
    n = len(y)
    rows = np.arange(n)
    loss = -float(log_probs[rows, y].mean())
    delta = np.exp(log_probs)
    delta[rows, y] -= 1.0
    delta /= n
    weight_grads: list[np.ndarray] = [None] * len(weights)  # type: ignore[list-item]
    bias_grads: list[np.ndarray] = [None] * len(weights)  # type: ignore[list-item]
    for layer in range(len(weights) - 1, -1, -1):
        below = activations[layer]
        weight_grads[layer] = below.T @ delta
        bias_grads[layer] = delta.sum(axis=0)
        if layer > 0:
            delta = (delta @ weights[layer].T) * _activation_slope(below, activation)
    return loss, weight_grads, bias_grads, activations


def _stacked_backprop(
    weights: list[np.ndarray],
    biases: list[np.ndarray],
    X: np.ndarray,
    y: np.ndarray,
    activation: str,
) -> tuple[np.ndarray, list[np.ndarray], list[np.ndarray], np.ndarray]:
    """:func:`mlp_backprop` for ``r`` networks of one shape at once.

    The same formulas with a leading run axis: ``weights[l]`` of shape
    ``(r, n_l, n_{l+1})``, ``biases[l]`` of shape ``(r, n_{l+1})``; one batched
    matrix product per layer replaces ``r`` small ones, which is what makes
    training every learning rate of the explorer together cheap. Returns the
    ``r`` losses, the stacked gradients and the logits ``(r, n, n_L)``.
    """
    activations = [X]
    for W, b in zip(weights[:-1], biases[:-1], strict=True):
        activations.append(_activate(activations[-1] @ W + b[:, None, :], activation))
    logits = activations[-1] @ weights[-1] + biases[-1][:, None, :]
    log_probs = _log_softmax(logits)
    n = len(y)
    rows = np.arange(n)
    losses = -log_probs[:, rows, y].mean(axis=-1)
    delta = np.exp(log_probs)
    delta[:, rows, y] -= 1.0
    delta /= n
    weight_grads: list[np.ndarray] = [None] * len(weights)  # type: ignore[list-item]
    bias_grads: list[np.ndarray] = [None] * len(weights)  # type: ignore[list-item]
    for layer in range(len(weights) - 1, -1, -1):
        below = activations[layer]
        weight_grads[layer] = np.swapaxes(below, -1, -2) @ delta
        bias_grads[layer] = delta.sum(axis=-2)
        if layer > 0:
            delta = (delta @ np.swapaxes(weights[layer], -1, -2)) * _activation_slope(
                below, activation
            )
    return losses, weight_grads, bias_grads, logits


def _initial_parameters(
    sizes: list[int], init: str, seed: int
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """The weights :class:`calclearn.nn.MLP` starts from with the same seed."""
    rng = np.random.default_rng(seed)
    weights = [initial_weights(a, b, init, rng) for a, b in itertools.pairwise(sizes)]
    return weights, [np.zeros(b) for b in sizes[1:]]


def _default_init(activation: str) -> str:
    return "he" if activation == "relu" else "xavier"


@dataclass
class TrainingRun:
    """A training run of :func:`train_classifier`.

    Attributes
    ----------
    losses : numpy.ndarray, shape (steps + 1,)
        The loss before each step (and after the last); ``nan`` after a
        divergence.
    accuracies : numpy.ndarray, shape (steps + 1,)
        The share of training points classified right, likewise.
    snapshots : dict of int to (weights, biases)
        The parameters every ``snapshot_every`` steps (step 0 included).
    activation : str
    diverged_at : int or None
        The step at which the loss left every sensible range, if it did.
    """

    losses: np.ndarray
    accuracies: np.ndarray
    snapshots: dict[int, tuple[list[np.ndarray], list[np.ndarray]]]
    activation: str
    diverged_at: int | None = None
    _boundaries: dict[int, np.ndarray] = field(default_factory=dict, repr=False)

    def parameters_at(self, step: int) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """The last snapshot at or before ``step`` (before a divergence)."""
        usable = [s for s in self.snapshots if s <= step]
        return self.snapshots[max(usable)]

    def probabilities(self, points: np.ndarray, step: int) -> np.ndarray:
        """The network's probability of class 1 at ``points`` after ``step`` steps."""
        weights, biases = self.parameters_at(step)
        pieces = np.array_split(points, max(1, -(-len(points) // _ROWS_PER_PRODUCT)))
        for_each_piece = []
        for a in pieces:
            for W, b in zip(weights[:-1], biases[:-1], strict=True):
                a = _activate(a @ W + b, self.activation)
            logits = a @ weights[-1] + biases[-1]
            for_each_piece.append(np.exp(_log_softmax(logits)[:, 1]))
        return np.concatenate(for_each_piece)


def train_classifier(
    lr: float,
    width: int = 16,
    activation: str = "tanh",
    steps: int = 300,
    snapshot_every: int = 10,
    seed: int = 0,
) -> TrainingRun:
    r"""Train an MLP ``[2, width, width, 2]`` on :data:`MOONS` by gradient descent.

    Full-batch steps :math:`\theta \leftarrow \theta - \eta \nabla L(\theta)`
    with the gradients of :func:`mlp_backprop`; weights start as
    :class:`calclearn.nn.MLP` starts them (He for ReLU, Xavier otherwise).
    Runs are cached (the last 128): asking again for the same settings costs
    nothing.

    Parameters
    ----------
    lr : float
        The learning rate :math:`\eta > 0`.
    width : int
        Units in each of the two hidden layers.
    activation : {"tanh", "sigmoid", "relu"}
    steps, snapshot_every : int
        How long to train and how often to keep the parameters.
    seed : int
        Seed of the initial weights.

    Returns
    -------
    TrainingRun

    Examples
    --------
    >>> run = train_classifier(0.5, width=8, steps=100)
    >>> bool(run.losses[-1] < run.losses[0])
    True
    """
    return _train(
        require_real_scalar(lr, "lr", positive=True),
        require_int(width, "width", minimum=1),
        require_choice(activation, "activation", ACTIVATIONS),
        require_int(steps, "steps", minimum=0),
        require_int(snapshot_every, "snapshot_every", minimum=1),
        require_int(seed, "seed"),
    )


@functools.lru_cache(maxsize=128)
def _train(
    lr: float, width: int, activation: str, steps: int, snapshot_every: int, seed: int
) -> TrainingRun:
    """:func:`train_classifier` for checked arguments, cached."""
    return _train_rates((lr,), width, activation, steps, snapshot_every, seed)[0]


@functools.lru_cache(maxsize=32)
def _train_rates(
    rates: tuple[float, ...],
    width: int,
    activation: str,
    steps: int,
    snapshot_every: int,
    seed: int,
) -> tuple[TrainingRun, ...]:
    """One training run per learning rate in ``rates``, side by side, cached.

    Every run starts from the same weights and takes the steps of
    :func:`train_classifier`; the runs are stacked on a leading axis and
    stepped together by :func:`_stacked_backprop`. A run whose loss leaves
    the sensible range is frozen there (its parameters zeroed, its rate set
    to 0, so that it computes nothing but finite numbers) while the others
    go on; training stops when every run has finished or diverged.
    """
    X, y = MOONS
    start_weights, start_biases = _initial_parameters(
        [2, width, width, 2], _default_init(activation), seed
    )
    runs = len(rates)
    weights = [np.repeat(W[None], runs, axis=0) for W in start_weights]
    biases = [np.repeat(b[None], runs, axis=0) for b in start_biases]
    step_sizes = np.array(rates, dtype=float)
    losses = np.full((runs, steps + 1), np.nan)
    accuracies = np.full((runs, steps + 1), np.nan)
    snapshots = {}
    diverged_at: list[int | None] = [None] * runs
    training = np.ones(runs, dtype=bool)
    for step in range(steps + 1):
        if step % snapshot_every == 0 or step == steps:
            snapshots[step] = ([W.copy() for W in weights], [b.copy() for b in biases])
        with np.errstate(all="ignore"):
            loss, weight_grads, bias_grads, logits = _stacked_backprop(
                weights, biases, X, y, activation
            )
        for run in np.flatnonzero(training & ~(np.isfinite(loss) & (loss < _DIVERGED))):
            diverged_at[run] = step
            training[run] = False
            step_sizes[run] = 0.0
            for parameter in (*weights, *biases):
                parameter[run] = 0.0
        losses[training, step] = loss[training]
        correct = logits.argmax(axis=-1) == y
        accuracies[training, step] = correct[training].mean(axis=-1)
        if step == steps or not training.any():
            break
        for W, dW in zip(weights, weight_grads, strict=True):
            W -= step_sizes[:, None, None] * dW
        for b, db in zip(biases, bias_grads, strict=True):
            b -= step_sizes[:, None] * db
    return tuple(
        TrainingRun(
            losses[run],
            accuracies[run],
            _snapshots_of(run, snapshots, diverged_at[run]),
            activation,
            diverged_at[run],
        )
        for run in range(runs)
    )


def _snapshots_of(
    run: int,
    stacked: dict[int, tuple[list[np.ndarray], list[np.ndarray]]],
    diverged_at: int | None,
) -> dict[int, tuple[list[np.ndarray], list[np.ndarray]]]:
    """One run's snapshots out of the stacked ones, only those before a blow-up."""
    kept = [s for s in stacked if diverged_at is None or s < diverged_at] or [0]
    return {
        s: ([W[run] for W in stacked[s][0]], [b[run] for b in stacked[s][1]])
        for s in kept
    }


def _grid() -> np.ndarray:
    (x0, x1), (y0, y1) = WINDOW
    xs = np.linspace(x0, x1, _GRID_SIZE)
    ys = np.linspace(y0, y1, _GRID_SIZE)
    gx, gy = np.meshgrid(xs, ys)
    return np.column_stack([gx.ravel(), gy.ravel()])


_GRID_POINTS = _grid()
_CLASS_COLOURS = ("#2166ac", "#d6604d")  # the ends of the RdBu map, reversed


def _draw_data(ax, X: np.ndarray, y: np.ndarray, animate=None) -> None:
    for label, marker in ((0, "o"), (1, "s")):
        points = ax.scatter(
            *X[y == label].T,
            s=14,
            marker=marker,
            color=_CLASS_COLOURS[label],
            edgecolors="white",
            linewidths=0.5,
            zorder=4,
            label=f"class {label}",
        )
        if animate is not None:
            animate(points)


class DecisionBoundaryExplorer(Explorer):
    r"""Train a ``[2, width, width, 2]`` MLP on the two moons and watch it learn.

    Left: the probability of class 1 over the plane (the decision boundary is
    where it crosses ½) after the chosen number of steps. Right: the loss
    against the step, on a log scale, with the current step marked. A width,
    when first shown, is trained for every learning rate the slider can stop
    at and every activation (3 × 6 runs of 300 full-batch steps, backprop by
    hand, each activation's 6 rates stacked and stepped together: 0.3 s for
    width 2 to 0.8 s for width 32 of one core) and cached, so moving the
    rate, the activation or the step never trains: it costs only the redraw.
    """

    caption = (
        "Pick a learning rate, a width and an activation, then drag 'step' to "
        "replay training: the boundary bends around the moons as the loss falls. "
        "A new width trains every rate and activation at once (0.3–0.8 s); after "
        "that every change is a replay."
    )
    width, height = 8.8, 4.2

    def make_controls(self):
        return {
            "lr": log_slider("learning rate η", 10**-0.5, -2, 0.5, step=0.5),
            "width": dropdown("hidden width", [2, 4, 8, 16, 32], 16),
            "activation": dropdown("activation", list(ACTIVATIONS), "tanh"),
            "step": int_slider("step", 300, 0, 300, 10),
        }

    def build(self, figure: Figure) -> None:
        self.map_ax, self.loss_ax = figure.subplots(1, 2, width_ratios=[1.15, 1])
        rate = self.controls["lr"]
        # Every stop of the slider, computed as on_grid() computes it.
        stops = round((rate.max - rate.min) / rate.step) + 1
        self.rates = tuple(
            float(rate.base ** (rate.min + k * rate.step)) for k in range(stops)
        )
        live = self.live
        (x0, x1), (y0, y1) = WINDOW
        self.surface = live.animate(
            self.map_ax.imshow(
                np.full((_GRID_SIZE, _GRID_SIZE), 0.5),
                extent=(x0, x1, y0, y1),
                origin="lower",
                cmap="RdBu_r",
                vmin=0.0,
                vmax=1.0,
                alpha=0.6,
                interpolation="nearest",
                aspect="auto",
                zorder=1,
            )
        )
        X, y = MOONS
        _draw_data(self.map_ax, X, y, animate=live.animate)
        self.map_ax.set_xlim(x0, x1)
        self.map_ax.set_ylim(y0, y1)
        self.map_ax.set_xlabel("$x_1$")
        self.map_ax.set_ylabel("$x_2$")
        self.map_ax.set_title("P(class 1): red 1, blue 0")
        self.map_ax.grid(False)
        self.map_ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2)

        self.loss_line = live.animate(
            self.loss_ax.plot([], [], color=COLORS["function"], lw=1.6)[0]
        )
        self.accuracy_line = live.animate(
            self.loss_ax.plot([], [], color=COLORS["tangent"], lw=1.2, ls="--")[0]
        )
        self.now = live.animate(
            self.loss_ax.plot(
                [], [], "o", color=COLORS["secant"], ms=7, zorder=5, clip_on=False
            )[0]
        )
        self.now_line = live.animate(
            self.loss_ax.axvline(0.0, color=COLORS["secant"], lw=1.0, alpha=0.8)
        )
        self.loss_ax.set_yscale("log")
        self.loss_ax.set_ylim(1e-3, 1e2)
        self.loss_ax.set_xlim(0, 300)
        self.loss_ax.set_xlabel("gradient-descent step")
        self.loss_ax.set_ylabel("cross-entropy loss")
        self.loss_ax.set_title("training loss")
        self.loss_ax.legend(
            handles=[
                Line2D([], [], color=COLORS["function"], lw=1.6, label="loss"),
                Line2D(
                    [], [], color=COLORS["tangent"], lw=1.2, ls="--", label="error rate"
                ),
            ],
            loc="lower left",
        )
        live.message_box(self.loss_ax)

    def _runs(self, width: int, activation: str) -> tuple[TrainingRun, ...]:
        """The runs of ``width`` and ``activation``, one per learning-rate stop.

        The first call for a width trains the whole block of that width (every
        activation, every rate) at once, so that only a width change waits for
        training.
        """
        step = self.controls["step"]
        block = {
            name: _train_rates(self.rates, width, name, step.max, step.step, 0)
            for name in ACTIVATIONS
        }
        return block[activation]

    def draw(self, lr: float, width: int, activation: str, step: int) -> None:
        # The slider stops at powers of √10 only; a value set from code between
        # two stops shows the run of the nearest stop.
        lr = on_grid(self.controls["lr"], lr)
        run = self._runs(int(width), activation)[self.rates.index(lr)]
        step = int(step)
        snapshot = max(s for s in run.snapshots if s <= step)
        if snapshot not in run._boundaries:
            run._boundaries[snapshot] = run.probabilities(
                _GRID_POINTS, snapshot
            ).reshape(_GRID_SIZE, _GRID_SIZE)
        self.surface.set_data(run._boundaries[snapshot])
        steps = np.arange(len(run.losses))
        # The error rate on the same log axis: 0 errors are drawn at the floor.
        errors = np.clip(1.0 - run.accuracies, 1e-3, None)
        self.loss_line.set_data(steps, run.losses)
        self.accuracy_line.set_data(steps, errors)
        self.now_line.set_xdata([step, step])
        if run.diverged_at is not None and step >= run.diverged_at:
            self.now.set_data([], [])
            self.live.say(
                self.loss_ax,
                f"Diverged at step {run.diverged_at}:\nη = {lr:.3g} is too large.\n"
                f"The map shows step {snapshot}.",
                "error",
            )
            return
        loss, accuracy = run.losses[step], run.accuracies[step]
        self.now.set_data([step], [loss])
        kind = "info" if accuracy >= 0.95 else "warning"
        self.live.say(
            self.loss_ax,
            f"step {step}: loss {loss:.3g}, training accuracy {accuracy:.0%}",
            kind,
        )


@functools.lru_cache(maxsize=256)
def _gradient_profile(
    depth: int, width: int, activation: str, init: str, gain: float, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    X, y = MOONS
    weights, biases = _initial_parameters([2] + [width] * depth + [2], init, seed)
    weights = [gain * W for W in weights]
    with np.errstate(all="ignore"):
        _, weight_grads, _, activations = mlp_backprop(
            weights, biases, X, y, activation
        )
    norms = np.array([np.linalg.norm(g) for g in weight_grads])
    slopes = np.array(
        [_activation_slope(a, activation).mean() for a in activations[1:]]
    )
    return norms, slopes


def layer_gradient_norms(
    depth: int,
    activation: str = "sigmoid",
    init: str = "xavier",
    gain: float = 1.0,
    width: int = 32,
    seed: int = 0,
) -> np.ndarray:
    r"""The norm :math:`\|\partial L/\partial W_l\|_F` of every layer's weight gradient.

    For the MLP ``[2, width × depth, 2]`` at initialisation (weights drawn by
    ``init`` and multiplied by ``gain``) with the mean cross-entropy on the
    two moons (:data:`MOONS`).

    Parameters
    ----------
    depth : int
        Hidden layers (≥ 1); the network has ``depth + 1`` weight matrices.
    activation : {"sigmoid", "tanh", "relu"}
    init : {"xavier", "he"}
    gain : float
        Factor on every initial weight (> 0): above 1 the signal grows layer
        by layer, below 1 it shrinks.
    width : int
    seed : int

    Returns
    -------
    numpy.ndarray, shape (depth + 1,)
        From the first layer (next to the input) to the last.

    Examples
    --------
    >>> norms = layer_gradient_norms(20, "sigmoid", "xavier")
    >>> bool(norms[0] / norms[-1] < 1e-9)
    True
    """
    depth = require_int(depth, "depth", minimum=1)
    activation = require_choice(activation, "activation", ACTIVATIONS)
    init = require_choice(init, "init", INITIALISATIONS)
    gain = require_real_scalar(gain, "gain", positive=True)
    width = require_int(width, "width", minimum=1)
    seed = require_int(seed, "seed")
    return _gradient_profile(depth, width, activation, init, gain, seed)[0].copy()


class GradientFlowExplorer(Explorer):
    r"""How large the gradient is in each layer of a deep network at the start.

    Left: :math:`\|\partial L / \partial W_l\|` for every layer :math:`l`, on
    a log scale. Backprop multiplies the gradient, layer by layer, by
    :math:`W_l^\top` and by :math:`\phi'(z)`; where that product shrinks (or
    grows) on average, the gradient vanishes (or explodes) towards the input.
    Right: the mean slope :math:`\phi'(z)` in each hidden layer, the factor
    the activation contributes (at most ¼ for the sigmoid), and the verdict.

    The log axis is fitted, per activation and initialisation, to the whole
    range the depth and weight-scale sliders can reach, so that dragging
    them moves the curve, not the axis.
    """

    caption = (
        "Deepen the network and compare sigmoid + Xavier (the gradient collapses "
        "towards the input) with tanh + Xavier and ReLU + He (it survives); then "
        "move the weight scale away from 1 to make it vanish or explode."
    )
    width, height = 8.8, 4.2

    def make_controls(self):
        return {
            "depth": int_slider("hidden layers", 20, 1, 30),
            "activation": dropdown("activation", list(ACTIVATIONS), "sigmoid"),
            "init": dropdown("initialisation", list(INITIALISATIONS), "xavier"),
            "gain": slider("weight scale ×", 1.0, 0.7, 1.5, 0.05, ".2f"),
        }

    def build(self, figure: Figure) -> None:
        self.norm_ax, self.slope_ax = figure.subplots(1, 2, width_ratios=[1.15, 1])
        live = self.live
        self.norms = live.animate(
            self.norm_ax.plot([], [], "-o", color=COLORS["function"], ms=3.5, lw=1.4)[0]
        )
        self.norm_ax.set_yscale("log")
        self.norm_ax.set_ylim(1e-6, 1e2)
        self.norm_ax.set_xlim(0, 31)
        self.norm_ax.set_xlabel("layer l (1 = next to the input)")
        self.norm_ax.set_ylabel(r"$\|\partial L / \partial W_l\|$")
        self.norm_ax.set_title("gradient norm per layer")
        self.slopes = live.animate(
            self.slope_ax.plot([], [], "-s", color=COLORS["tangent"], ms=3, lw=1.2)[0]
        )
        # Room above the slopes (at most 1) for the message.
        self.slope_ax.set_ylim(0.0, 1.6)
        self.slope_ax.set_yticks([0.0, 0.25, 0.5, 0.75, 1.0])
        self.slope_ax.set_xlim(0, 31)
        self.slope_ax.axhline(0.25, color=COLORS["muted"], lw=0.8, ls=":")
        self.slope_ax.text(
            30.5,
            0.27,
            "¼: the sigmoid's largest slope",
            ha="right",
            fontsize=8.5,
            color=COLORS["muted"],
        )
        self.slope_ax.set_xlabel("hidden layer")
        self.slope_ax.set_ylabel("mean of φ′(z) over the batch")
        self.slope_ax.set_title("what each activation passes back")
        live.message_box(self.slope_ax)

    def draw(self, depth: int, activation: str, init: str, gain: float) -> None:
        gain = round(float(gain), 6)
        norms, slopes = _gradient_profile(int(depth), 32, activation, init, gain, 0)
        layers = np.arange(1, len(norms) + 1)
        finite = norms[np.isfinite(norms) & (norms > 0)]
        if finite.size == 0:
            raise ValueError("every gradient underflowed to 0 or overflowed")
        self.norms.set_data(layers, np.where(norms > 0, norms, np.nan))
        self.slopes.set_data(np.arange(1, len(slopes) + 1), slopes)
        scale = self.controls["gain"]
        deepest = [
            _gradient_profile(self.controls["depth"].max, 32, activation, init, g, 0)[0]
            for g in (scale.min, gain, scale.max)
        ]
        shown = np.concatenate([finite, *deepest])
        shown = shown[np.isfinite(shown) & (shown > 0)]
        self._fit_decades(float(shown.min()), float(shown.max()))
        ratio = norms[0] / norms[-1] if norms[-1] > 0 else math.inf
        verdict, kind = _flow_verdict(ratio, float(finite.min()), float(finite.max()))
        self.live.say(
            self.slope_ax,
            f"first / last layer: {ratio:.2g}\nlargest ‖∂L/∂W‖: {finite.max():.2g}\n"
            f"{verdict}",
            kind,
        )

    def _fit_decades(self, low: float, high: float) -> None:
        """Show ``low .. high`` between whole decades, a decade to spare each side.

        The limits stay while the data fits and fills most of them, so that
        only a new activation or initialisation rescales (a rescale redraws
        the axes, the costly part of an update).
        """
        ax = self.norm_ax
        lo, hi = math.log10(low), math.log10(high)
        current_bottom, current_top = (math.log10(v) for v in ax.get_ylim())
        fits = current_bottom <= lo - 0.5 and hi + 0.5 <= current_top
        if fits and current_top - current_bottom <= hi - lo + 5:
            return
        ax.set_ylim(10.0 ** math.floor(lo - 1), 10.0 ** math.ceil(hi + 1))
        self.live.invalidate_limits(ax)


def _flow_verdict(ratio: float, smallest: float, largest: float) -> tuple[str, str]:
    """What the gradient norms say, and the message kind.

    The ratio alone misses a network whose every layer is scaled up (or down)
    alike: with ReLU and too large weights the forward signal grows as fast as
    the gradient shrinks, so ∂L/∂W_l = a_{l-1}ᵀ δ_l is huge in every layer.
    """
    if ratio < 1e-3:
        return "vanishing: the first layers barely learn", "error"
    if ratio > 1e3:
        return "exploding towards the input", "error"
    if largest > 1e2:
        return "exploding: huge gradients in every layer", "error"
    if largest < 1e-2:
        return "vanishing: tiny gradients in every layer", "error"
    if largest / smallest > 30:
        return "uneven: some layers learn much faster than others", "warning"
    return "healthy: every layer gets a usable gradient", "info"


def saliency_figure(net: MLP, X: np.ndarray, y: np.ndarray) -> Figure:
    r"""The input gradient of a trained 2-class network, as a saliency map.

    The score is the predicted probability of class 1,
    :math:`p(x) = \operatorname{softmax}(s(x))_1`. Left: the predicted class
    over the plane with the data and, at every data point, an arrow along
    :math:`\partial p/\partial x` (scaled to a common maximum length): the
    direction in which a nudge of the input changes the prediction fastest.
    Right: :math:`\|\partial p/\partial x\|` over the plane on a log colour
    scale (four decades), with the decision boundary :math:`p = \tfrac12`:
    the prediction is sensitive only near the boundary, where
    :math:`\sigma'` is large. Every gradient comes from one backward pass
    through ``Tensor(points)``: the rows of a batch do not interact, so the
    gradient of the summed scores holds each row's own gradient.

    Parameters
    ----------
    net : calclearn.nn.MLP
        With 2 inputs and 2 outputs.
    X : numpy.ndarray, shape (n, 2)
    y : numpy.ndarray, shape (n,)

    Returns
    -------
    matplotlib.figure.Figure
    """
    if not isinstance(net, MLP) or net.sizes[0] != 2 or net.sizes[-1] != 2:
        raise TypeError("net must be a calclearn.nn.MLP with 2 inputs and 2 outputs")

    def score_and_gradient(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        x = Tensor(points)
        probability = net(x).log_softmax(axis=-1)[:, 1].exp()
        probability.sum().backward()
        return probability.data, x.grad

    _, data_grads = score_and_gradient(np.asarray(X, dtype=float))
    grid_score, grid_grads = score_and_gradient(_GRID_POINTS)
    net.zero_grad()  # the parameters' gradients are not this figure's business
    shape = (_GRID_SIZE, _GRID_SIZE)
    (x0, x1), (y0, y1) = WINDOW
    extent = (x0, x1, y0, y1)
    with house_style():
        figure = new_figure(9.0, 3.9)
        map_ax, sense_ax = figure.subplots(1, 2)
        map_ax.imshow(
            (grid_score > 0.5).reshape(shape),
            extent=extent,
            origin="lower",
            cmap="RdBu_r",
            alpha=0.3,
            aspect="auto",
            interpolation="nearest",
        )
        _draw_data(map_ax, X, y)
        lengths = np.linalg.norm(data_grads, axis=1)
        scale = 0.35 / max(float(lengths.max()), 1e-300)
        map_ax.quiver(
            X[:, 0],
            X[:, 1],
            scale * data_grads[:, 0],
            scale * data_grads[:, 1],
            angles="xy",
            scale_units="xy",
            scale=1.0,
            width=0.004,
            color="#333333",
            zorder=5,
        )
        map_ax.set_title("∂p/∂x at each point (arrows)")
        sensitivity = np.linalg.norm(grid_grads, axis=1).reshape(shape)
        logs = np.log10(np.maximum(sensitivity, 1e-300))
        shown = sense_ax.imshow(
            np.maximum(logs, logs.max() - 4),
            extent=extent,
            origin="lower",
            cmap="magma",
            aspect="auto",
            interpolation="bilinear",
        )
        sense_ax.contour(
            *np.meshgrid(
                np.linspace(x0, x1, _GRID_SIZE), np.linspace(y0, y1, _GRID_SIZE)
            ),
            grid_score.reshape(shape),
            levels=[0.5],
            colors=COLORS["function"],
            linewidths=1.4,
            linestyles="--",
        )
        sense_ax.set_title("log₁₀ ‖∂p/∂x‖ (dashed: the boundary)")
        figure.colorbar(shown, ax=sense_ax, shrink=0.85)
        for ax in (map_ax, sense_ax):
            ax.set_xlim(x0, x1)
            ax.set_ylim(y0, y1)
            ax.set_xlabel("$x_1$")
            ax.grid(False)
        map_ax.set_ylabel("$x_2$")
    return figure
