r"""Chapter 9 figures and explorer: training a model end to end, mistakes and all.

- :func:`history_figure`, :func:`lr_range_figure`, :func:`gradient_norms_figure`
  and :func:`capacity_figure` draw what :mod:`calclearn.training` measures.
- :func:`train_grid` trains one network architecture for a whole grid of L2
  strengths at once: the weights carry a leading grid axis, so every run
  advances in the same few numpy calls (backpropagation written out as in
  :func:`calclearn.explorers.backprop.mlp_backprop`, with the L2 term
  :math:`\lambda W` added to each weight's gradient). All runs start from the
  same weights, so they differ only in :math:`\lambda`.
- :class:`RegularisationExplorer` scrubs through such a grid: training and
  validation loss against the epoch, the decision boundary, and the final
  losses against :math:`\lambda` (the U of the bias-variance trade-off).
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import matplotlib
import numpy as np
from matplotlib.artist import Artist
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from calclearn._validation import require_choice, require_int, require_real_scalar
from calclearn.autodiff import Tensor
from calclearn.data import two_moons
from calclearn.explorers.backprop import _activate, _activation_slope
from calclearn.nn import ACTIVATIONS, MLP, initial_weights
from calclearn.optim import SGD
from calclearn.plots import COLORS, house_style, new_figure
from calclearn.training import History, LRRangeTest, Split, train_validation_split
from calclearn.widgets import Explorer, log_slider, on_grid

__all__ = [
    "OVERFIT_SPLIT",
    "GridRuns",
    "RegularisationExplorer",
    "capacity_figure",
    "gradient_norms_figure",
    "history_figure",
    "lr_range_figure",
    "regularisation_runs",
    "train_grid",
]

#: The window the decision boundaries are drawn over: (x range, y range).
WINDOW = ((-1.75, 2.75), (-1.25, 1.75))
_GRID_SIZE = 60
_CLASS_COLOURS = ("#2166ac", "#d6604d")


def _grid_points() -> np.ndarray:
    (x0, x1), (y0, y1) = WINDOW
    gx, gy = np.meshgrid(
        np.linspace(x0, x1, _GRID_SIZE), np.linspace(y0, y1, _GRID_SIZE)
    )
    return np.column_stack([gx.ravel(), gy.ravel()])


_GRID_POINTS = _grid_points()

#: Few, noisy points, the setting in which a large network overfits: 60
#: points to train on and 140 to validate with (a large validation set, so
#: that its loss is a steady estimate).
OVERFIT_SPLIT = train_validation_split(*two_moons(200, noise=0.3, seed=3), 0.7, seed=0)


# --------------------------------------------------------------------------
# Many runs at once
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class GridRuns:
    """Training runs of one architecture, one per L2 strength (:func:`train_grid`).

    Attributes
    ----------
    strengths : numpy.ndarray, shape (G,)
        :math:`\\lambda` of each run.
    train_loss, val_loss, train_accuracy, val_accuracy : numpy.ndarray
        Of shape (G, epochs + 1).
        Per run and epoch (epoch 0: the initial weights); the losses are the
        data term, without the penalty.
    weights, biases : list of numpy.ndarray
        The final parameters, each with the grid axis first.
    activation : str
    """

    strengths: np.ndarray
    train_loss: np.ndarray
    val_loss: np.ndarray
    train_accuracy: np.ndarray
    val_accuracy: np.ndarray
    weights: list[np.ndarray]
    biases: list[np.ndarray]
    activation: str

    def probabilities(self, points: np.ndarray) -> np.ndarray:
        """P(class 1) of every run at ``points``: shape (G, len(points))."""
        return np.exp(
            _stacked_log_probs(self.weights, self.biases, points, self.activation)[
                ..., 1
            ]
        )

    def weight_norms(self) -> np.ndarray:
        """:math:`\\sqrt{\\sum_l \\|W_l\\|^2}` of every run's final weights."""
        return np.sqrt(sum(np.sum(W**2, axis=(1, 2)) for W in self.weights))


def _stacked_forward(weights, biases, X, activation):
    """Hidden activations (each (G, n, width)) and the log-probabilities."""
    activations = [np.broadcast_to(X, (len(weights[0]), *X.shape))]
    for W, b in zip(weights[:-1], biases[:-1], strict=True):
        activations.append(_activate(activations[-1] @ W + b[:, None, :], activation))
    logits = activations[-1] @ weights[-1] + biases[-1][:, None, :]
    shifted = logits - logits.max(axis=2, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=2, keepdims=True))
    return activations, log_probs


def _stacked_log_probs(weights, biases, X, activation):
    return _stacked_forward(weights, biases, X, activation)[1]


def _losses_and_accuracies(log_probs: np.ndarray, y: np.ndarray):
    rows = np.arange(len(y))
    loss = -log_probs[:, rows, y].mean(axis=1)
    hits = (log_probs.argmax(axis=2) == y).mean(axis=1)
    return loss, hits


def train_grid(
    sizes: Sequence[int],
    strengths: Any,
    split: Split,
    epochs: int = 400,
    lr: float = 0.3,
    momentum: float = 0.9,
    activation: str = "relu",
    seed: int = 0,
) -> GridRuns:
    r"""Train ``sizes`` once per L2 strength, all runs in step.

    Full-batch SGD with momentum, PyTorch's rule
    (:class:`calclearn.optim.SGD`), on the loss

    .. math:: L(\theta) + \frac{\lambda}{2}\sum_l \|W_l\|_F^2 ,

    whose gradient adds :math:`\lambda W_l` to each weight's (the biases are
    not regularised). The hand-written backward pass is checked against the
    autodiff engine in the tests.

    Parameters
    ----------
    sizes : sequence of int
        Layer widths, e.g. ``[2, 64, 64, 2]``.
    strengths : array_like, shape (G,)
        :math:`\lambda \ge 0` of each run.
    split : Split
    epochs : int
    lr, momentum : float
        Of SGD.
    activation : {"tanh", "sigmoid", "relu"}
    seed : int
        Seed of the initial weights (He for ReLU, Xavier otherwise), shared
        by every run.

    Returns
    -------
    GridRuns

    Examples
    --------
    >>> runs = train_grid([2, 8, 2], [0.0, 0.1], OVERFIT_SPLIT, epochs=50)
    >>> runs.train_loss.shape, bool(runs.weight_norms()[1] < runs.weight_norms()[0])
    ((2, 51), True)
    """
    widths = MLP(sizes, seed=0).sizes  # the same checks of the widths
    lam = np.asarray(strengths, dtype=float)
    if lam.ndim != 1 or lam.size == 0 or not np.all(np.isfinite(lam) & (lam >= 0)):
        raise ValueError(
            f"strengths must be a 1-D list of numbers >= 0, got {strengths!r}"
        )
    epochs = require_int(epochs, "epochs", minimum=0)
    lr = require_real_scalar(lr, "lr", positive=True)
    momentum = require_real_scalar(momentum, "momentum", nonnegative=True)
    activation = require_choice(activation, "activation", ACTIVATIONS)
    seed = require_int(seed, "seed")
    return _train_grid(
        tuple(widths),
        tuple(lam.tolist()),
        split,
        epochs,
        lr,
        momentum,
        activation,
        seed,
    )


def _train_grid(widths, strengths, split, epochs, lr, momentum, activation, seed):
    lam = np.array(strengths)
    count = len(lam)
    rng = np.random.default_rng(seed)
    init = "he" if activation == "relu" else "xavier"
    shapes = list(itertools.pairwise(widths))
    weights = [
        np.repeat(initial_weights(a, b, init, rng)[None], count, axis=0)
        for a, b in shapes
    ]
    biases = [np.zeros((count, b)) for _, b in shapes]
    # The optimizer sees the stacked arrays as ordinary tensors: its update
    # is elementwise, so each run follows its own SGD path.
    tensors = [Tensor(a) for a in (*weights, *biases)]
    weights, biases = (
        [t.data for t in tensors[: len(shapes)]],
        [t.data for t in tensors[len(shapes) :]],
    )
    optimizer = SGD(tensors, lr=lr, momentum=momentum)
    X, y = split.X_train, split.y_train
    rows, n = np.arange(len(y)), len(y)
    shape = (count, epochs + 1)
    record = {k: np.empty(shape) for k in ("tl", "vl", "ta", "va")}
    for epoch in range(epochs + 1):
        activations, log_probs = _stacked_forward(weights, biases, X, activation)
        record["tl"][:, epoch], record["ta"][:, epoch] = _losses_and_accuracies(
            log_probs, y
        )
        val = _stacked_log_probs(weights, biases, split.X_val, activation)
        record["vl"][:, epoch], record["va"][:, epoch] = _losses_and_accuracies(
            val, split.y_val
        )
        if epoch == epochs:
            break
        delta = np.exp(log_probs)
        delta[:, rows, y] -= 1.0
        delta /= n
        for layer in range(len(weights) - 1, -1, -1):
            below = activations[layer]
            tensors[layer].grad = (
                below.transpose(0, 2, 1) @ delta + lam[:, None, None] * weights[layer]
            )
            tensors[len(shapes) + layer].grad = delta.sum(axis=1)
            if layer > 0:
                delta = (delta @ weights[layer].transpose(0, 2, 1)) * (
                    _activation_slope(below, activation)
                )
        optimizer.step()
    return GridRuns(
        lam,
        record["tl"],
        record["vl"],
        record["ta"],
        record["va"],
        [W.copy() for W in weights],
        [b.copy() for b in biases],
        activation,
    )


#: The strengths of the explorer: 10^-4 to 10^-0.5 in quarter decades.
STRENGTH_EXPONENTS = np.arange(-4.0, -0.5 + 1e-9, 0.25)
#: The network and training of the explorer's runs.
OVERFIT_SIZES = (2, 32, 32, 2)
OVERFIT_EPOCHS = 400


@functools.cache
def regularisation_runs() -> GridRuns:
    r"""The runs behind :class:`RegularisationExplorer` (computed once, cached).

    An MLP ``[2, 32, 32, 2]`` with ReLU on :data:`OVERFIT_SPLIT`, 400 epochs
    of SGD (rate 0.3, momentum 0.9), for
    :math:`\lambda = 10^{-4}, 10^{-3.75}, \dots, 10^{-0.5}` (1.5 to 3 s).
    """
    return train_grid(
        OVERFIT_SIZES, 10.0**STRENGTH_EXPONENTS, OVERFIT_SPLIT, OVERFIT_EPOCHS
    )


# --------------------------------------------------------------------------
# Figures
# --------------------------------------------------------------------------

#: Colours of successive runs in one figure, dark enough on white.
RUN_COLOURS = ("#1f3b73", "#e07a1f", "#2a9d5c", "#c0392b", "#7b4ea3", "#8a8f98")


def _check_histories(histories: Any) -> dict[str, History]:
    if not isinstance(histories, Mapping) or not histories:
        raise TypeError("histories must be a non-empty dict of label -> History")
    for label, history in histories.items():
        if not isinstance(history, History):
            raise TypeError(
                f"histories[{label!r}] must be a History from fit, "
                f"got {type(history).__name__}"
            )
    if len(histories) > len(RUN_COLOURS):
        raise ValueError(f"histories can hold at most {len(RUN_COLOURS)} runs")
    return dict(histories)


def _draw_points(ax, X: np.ndarray, y: np.ndarray, size: float = 4.0) -> list:
    """The two classes as markers (lines without lines: far cheaper to draw
    than a scatter); returns the two artists."""
    return [
        ax.plot(
            *X[y == label].T,
            marker,
            ls="none",
            ms=size,
            mfc=_CLASS_COLOURS[label],
            mec="white",
            mew=0.5,
            zorder=4,
            label=f"class {label}",
        )[0]
        for label, marker in ((0, "o"), (1, "s"))
    ]


class _PixelMap(Artist):
    """Grids of colours drawn over an axes pixel for pixel, one grid at a time.

    ``imshow`` resamples its image in Python on every draw (about 10 ms for
    a third of an explorer's figure); this artist upsamples each grid to the
    axes' size in pixels once (nearest neighbour, the look of ``imshow``
    with ``interpolation="nearest"``) and then only copies it.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Drawn over its whole area (its limits must be :data:`WINDOW`).
    grids : numpy.ndarray, shape (count, rows, columns, 3), uint8
        The colour grids, row 0 at the bottom.
    """

    def __init__(self, ax, grids: np.ndarray) -> None:
        super().__init__()
        self.grids = grids
        self.index = 0
        self._pixels: dict[tuple[int, int, int], np.ndarray] = {}
        ax.add_artist(self)
        self.set_zorder(1)

    def show(self, index: int) -> None:
        """Draw grid ``index`` from now on."""
        self.index = index
        self.stale = True

    def _upsampled(self, width: int, height: int) -> np.ndarray:
        key = (self.index, width, height)
        if key not in self._pixels:
            grid = self.grids[self.index]
            # Agg's image rows run from the bottom of the canvas up, as the
            # grid's do.
            rows = np.arange(height) * grid.shape[0] // height
            columns = np.arange(width) * grid.shape[1] // width
            pixels = np.full((height, width, 4), 255, dtype=np.uint8)
            pixels[..., :3] = grid[rows][:, columns]
            self._pixels[key] = pixels
        return self._pixels[key]

    def draw(self, renderer) -> None:
        if not self.get_visible():
            return
        box = self.axes.bbox
        left, bottom = round(box.x0), round(box.y0)
        width, height = round(box.x1) - left, round(box.y1) - bottom
        gc = renderer.new_gc()
        renderer.draw_image(gc, left, bottom, self._upsampled(width, height))
        gc.restore()
        self.stale = False


def _boundary_axes(ax) -> None:
    (x0, x1), (y0, y1) = WINDOW
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.grid(False)


def _probability_colours(probabilities: np.ndarray) -> np.ndarray:
    """P(class 1) on the grid as opaque RGB bytes: RdBu_r at 60 % over white.

    Blended once here, so that drawing the image needs neither a colour map
    nor transparency (a third of an explorer update's cost otherwise).
    """
    rgba = matplotlib.colormaps["RdBu_r"](probabilities)
    rgb = 1.0 - 0.6 * (1.0 - rgba[..., :3])
    shape = (*probabilities.shape[:-1], _GRID_SIZE, _GRID_SIZE, 3)
    return np.round(255 * rgb).astype(np.uint8).reshape(shape)


def _probability_image(ax, colours: np.ndarray):
    """Show the colours of :func:`_probability_colours` over :data:`WINDOW`."""
    (x0, x1), (y0, y1) = WINDOW
    return ax.imshow(
        colours,
        extent=(x0, x1, y0, y1),
        origin="lower",
        interpolation="nearest",
        aspect="auto",
        zorder=1,
    )


def _run_label(label: str, history: History) -> str:
    return f"{label} (diverged)" if history.status == "diverged" else label


def _mark_divergence(ax, history: History, colour: str) -> None:
    """A cross at the last finite training loss of a run that diverged."""
    if history.status == "diverged":
        ax.plot(
            [history.epochs],
            [history.train_loss[-1]],
            "X",
            color=colour,
            ms=9,
            zorder=5,
        )


def history_figure(
    histories: Mapping[str, History],
    model: MLP | None = None,
    split: Split | None = None,
) -> Figure:
    """Training (solid) and validation (dashed) loss and accuracy per epoch.

    A run that diverged is marked with a cross at its last finite loss.

    Parameters
    ----------
    histories : dict of str to History
        Up to six runs, by label.
    model : calclearn.nn.MLP, optional
        With ``split``: a third panel shows its probability of class 1 over
        the plane, with the training points.
    split : Split, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    histories = _check_histories(histories)
    with_map = model is not None and split is not None
    with house_style():
        figure = new_figure(10.0 if with_map else 8.8, 3.7)
        axes = figure.subplots(1, 3 if with_map else 2)
        loss_ax, accuracy_ax = axes[-2:]
        for colour, (label, history) in zip(
            RUN_COLOURS, histories.items(), strict=False
        ):
            epochs = np.arange(history.epochs + 1)
            _mark_divergence(loss_ax, history, colour)
            loss_ax.plot(epochs, history.train_loss, color=colour, lw=1.5, label=label)
            loss_ax.plot(epochs, history.val_loss, color=colour, lw=1.3, ls="--")
            accuracy_ax.plot(epochs, history.train_accuracy, color=colour, lw=1.5)
            accuracy_ax.plot(
                epochs, history.val_accuracy, color=colour, lw=1.3, ls="--"
            )
        loss_ax.set_yscale("log")
        loss_ax.set_xlabel("epoch")
        loss_ax.set_ylabel("cross-entropy loss")
        loss_ax.set_title("loss")
        accuracy_ax.set_xlabel("epoch")
        accuracy_ax.set_ylabel("accuracy")
        accuracy_ax.set_ylim(0.4, 1.01)
        accuracy_ax.set_title("accuracy")
        handles = [
            Line2D([], [], color="#333333", lw=1.5, label="training"),
            Line2D([], [], color="#333333", lw=1.3, ls="--", label="validation"),
        ]
        if len(histories) > 1:
            handles += [
                Line2D([], [], color=c, lw=2.5, label=_run_label(label, history))
                for c, (label, history) in zip(
                    RUN_COLOURS, histories.items(), strict=False
                )
            ]
        accuracy_ax.legend(handles=handles, loc="lower right", fontsize=8.5)
        if with_map:
            map_ax = axes[0]
            scores = model(_GRID_POINTS).log_softmax(axis=-1).data
            _probability_image(map_ax, _probability_colours(np.exp(scores[:, 1])))
            _draw_points(map_ax, split.X_train, split.y_train, 3.5)
            _boundary_axes(map_ax)
            map_ax.set_title("P(class 1) and the training set")
    return figure


def lr_range_figure(test: LRRangeTest, marks: bool = True) -> Figure:
    """The loss against the learning rate in a range test, with the rule's marks.

    Parameters
    ----------
    test : calclearn.training.LRRangeTest
    marks : bool
        Mark the rate of the lowest loss, a tenth of it and where the loss
        blew up (False: the bare curve, for an exercise).

    Returns
    -------
    matplotlib.figure.Figure
    """
    if not isinstance(test, LRRangeTest):
        raise TypeError(f"test must be an LRRangeTest, got {type(test).__name__}")
    with house_style():
        figure = new_figure(7.0, 3.8)
        ax = figure.subplots()
        ax.semilogx(
            test.lrs,
            test.losses,
            color=COLORS["function"],
            lw=1.8,
            label="training loss before the step",
        )
        if marks:
            ax.axvline(
                test.lr_at_minimum,
                color=COLORS["path"],
                lw=1.2,
                ls="--",
                label=f"lowest loss: η = {test.lr_at_minimum:.3g}",
            )
            ax.axvline(
                test.suggested_lr,
                color=COLORS["tangent"],
                lw=1.6,
                label=f"a tenth of it: η = {test.suggested_lr:.3g}",
            )
            if test.diverged_at is not None:
                ax.axvspan(
                    test.diverged_at,
                    test.lrs[-1] * 100,
                    color=COLORS["unstable"],
                    alpha=0.5,
                    lw=0,
                    label="loss blew up",
                )
        ax.set_xlim(test.lrs[0], test.lrs[-1] * 3)
        ax.set_xlabel("learning rate η (log scale), raised every step")
        ax.set_ylabel("cross-entropy loss")
        ax.set_title("learning-rate range test")
        ax.legend(loc="lower left", fontsize=8.5)
        ax.grid(True, which="both", alpha=0.2)
    return figure


def gradient_norms_figure(histories: Mapping[str, History]) -> Figure:
    r"""Per-layer gradient norms at the first step, and the training loss.

    Left: :math:`\|\partial L/\partial W_l\|` against the layer at the first
    step of each run (log scale). Right: the training loss per epoch. A run
    that diverged is marked with a cross at its last finite loss.

    Parameters
    ----------
    histories : dict of str to History

    Returns
    -------
    matplotlib.figure.Figure
    """
    histories = _check_histories(histories)
    with house_style():
        figure = new_figure(8.8, 3.7)
        norm_ax, loss_ax = figure.subplots(1, 2)
        for colour, (label, history) in zip(
            RUN_COLOURS, histories.items(), strict=False
        ):
            if history.grad_norms.size:
                norms = history.grad_norms[0]
                norm_ax.semilogy(
                    np.arange(1, len(norms) + 1),
                    norms,
                    "-o",
                    color=colour,
                    ms=3,
                    lw=1.3,
                    label=_run_label(label, history),
                )
            loss_ax.plot(history.train_loss, color=colour, lw=1.5)
            _mark_divergence(loss_ax, history, colour)
        norm_ax.set_xlabel("layer l (1 = next to the input)")
        norm_ax.set_ylabel(r"$\|\partial L / \partial W_l\|$ at the first step")
        norm_ax.set_title("gradient norm per layer")
        norm_ax.legend(fontsize=8.5)
        loss_ax.set_yscale("log")
        loss_ax.set_xlabel("epoch")
        loss_ax.set_ylabel("training loss")
        loss_ax.set_title("training")
    return figure


def capacity_figure(widths: Sequence[int], runs: Sequence[GridRuns]) -> Figure:
    """Training and validation loss against the width of the hidden layers.

    Left: the final training loss, the final validation loss and the lowest
    validation loss of the run (what early stopping would keep), per width.
    Right: the decision boundary of the widest network over its training set.

    Parameters
    ----------
    widths : sequence of int
    runs : sequence of GridRuns
        One single-run grid per width (from :func:`train_grid` on
        :data:`OVERFIT_SPLIT`).

    Returns
    -------
    matplotlib.figure.Figure
    """
    if len(widths) != len(runs) or not runs:
        raise ValueError("widths and runs must have the same, non-zero length")
    train = [r.train_loss[0, -1] for r in runs]
    final = [r.val_loss[0, -1] for r in runs]
    lowest = [r.val_loss[0].min() for r in runs]
    with house_style():
        figure = new_figure(9.0, 3.8)
        loss_ax, map_ax = figure.subplots(1, 2)
        loss_ax.semilogx(
            widths,
            train,
            "-o",
            color=COLORS["function"],
            ms=4,
            label="training loss",
            base=2,
        )
        loss_ax.semilogx(
            widths,
            final,
            "--s",
            color=COLORS["path"],
            ms=4,
            label="validation loss",
            base=2,
        )
        loss_ax.semilogx(
            widths,
            lowest,
            ":^",
            color=COLORS["tangent"],
            ms=4,
            label="validation, best epoch",
            base=2,
        )
        loss_ax.set_xticks(list(widths), [str(w) for w in widths])
        loss_ax.set_xlabel("units per hidden layer (log scale)")
        loss_ax.set_ylabel("cross-entropy after training")
        loss_ax.set_title("bigger models fit the training set better")
        loss_ax.legend(fontsize=8.5)
        widest = runs[-1]
        _probability_image(
            map_ax, _probability_colours(widest.probabilities(_GRID_POINTS)[0])
        )
        _draw_points(map_ax, OVERFIT_SPLIT.X_train, OVERFIT_SPLIT.y_train)
        _boundary_axes(map_ax)
        map_ax.set_title(f"width {widths[-1]}: the boundary chases single points")
    return figure


# --------------------------------------------------------------------------
# The explorer
# --------------------------------------------------------------------------


class RegularisationExplorer(Explorer):
    r"""L2 regularisation (weight decay): its strength against overfitting.

    The network ``[2, 32, 32, 2]`` (ReLU) is trained on 60 noisy points
    (:data:`OVERFIT_SPLIT`) once per strength :math:`\lambda` of the penalty
    :math:`\frac{\lambda}{2}\sum_l\|W_l\|^2`, all runs precomputed together
    when the explorer is first built (:func:`regularisation_runs`, 1.5 to
    3 s); moving the slider only swaps the drawn data. Left: the network's
    probability of class 1 and the training points. Middle: training
    (solid) and validation (dashed) loss per epoch, with the epoch of the
    lowest validation loss (where early stopping would keep the weights).
    Right: the final losses against :math:`\lambda`, the current one marked.
    """

    caption = (
        "Drag the L2 strength λ: small λ fits every training point (training "
        "loss near 0, validation loss high: overfitting); large λ flattens the "
        "model (both losses high: underfitting); in between the validation "
        "loss is lowest."
    )
    width, height = 9.8, 3.7

    def make_controls(self):
        low, high = STRENGTH_EXPONENTS[0], STRENGTH_EXPONENTS[-1]
        return {"strength": log_slider("L2 strength λ", 1e-2, low, high, step=0.25)}

    def build(self, figure: Figure) -> None:
        self.runs = runs = regularisation_runs()
        self.boundaries = _probability_colours(runs.probabilities(_GRID_POINTS))
        self.best_epochs = runs.val_loss.argmin(axis=1)
        live = self.live
        self.map_ax, self.loss_ax, self.u_ax = figure.subplots(
            1, 3, width_ratios=[1.0, 1.1, 1.0]
        )
        _boundary_axes(self.map_ax)
        self.surface = live.animate(_PixelMap(self.map_ax, self.boundaries))
        # Drawn after the map, so animated too.
        for points in _draw_points(
            self.map_ax, OVERFIT_SPLIT.X_train, OVERFIT_SPLIT.y_train
        ):
            live.animate(points)
        self.map_ax.set_title("P(class 1), training points")

        epochs = np.arange(runs.train_loss.shape[1])
        self.train_line = live.animate(
            self.loss_ax.plot(
                epochs, runs.train_loss[0], color=COLORS["function"], lw=1.6
            )[0]
        )
        self.val_line = live.animate(
            self.loss_ax.plot(
                epochs, runs.val_loss[0], color=COLORS["path"], lw=1.4, ls="--"
            )[0]
        )
        self.best_line = live.animate(
            self.loss_ax.axvline(0, color=COLORS["tangent"], lw=1.2, ls=":")
        )
        self.loss_ax.set_xlim(0, epochs[-1])
        self.loss_ax.set_ylim(0.0, 1.0)
        self.loss_ax.set_xlabel("epoch")
        self.loss_ax.set_ylabel("cross-entropy loss")
        self.loss_ax.set_title("loss during training")
        self.loss_ax.legend(
            handles=[
                Line2D([], [], color=COLORS["function"], lw=1.6, label="training"),
                Line2D(
                    [], [], color=COLORS["path"], lw=1.4, ls="--", label="validation"
                ),
                Line2D(
                    [], [], color=COLORS["tangent"], lw=1.2, ls=":", label="best epoch"
                ),
            ],
            loc="upper right",
            fontsize=8.5,
        )

        strengths = runs.strengths
        self.u_ax.semilogx(
            strengths, runs.train_loss[:, -1], "-", color=COLORS["function"], lw=1.4
        )
        self.u_ax.semilogx(
            strengths, runs.val_loss[:, -1], "--", color=COLORS["path"], lw=1.4
        )
        self.train_dot = live.animate(
            self.u_ax.plot([], [], "o", color=COLORS["function"], ms=7, zorder=5)[0]
        )
        self.val_dot = live.animate(
            self.u_ax.plot([], [], "s", color=COLORS["path"], ms=7, zorder=5)[0]
        )
        self.u_ax.set_ylim(0.0, 1.0)
        self.u_ax.set_xlabel("L2 strength λ (log scale)")
        self.u_ax.set_ylabel("loss after training")
        self.u_ax.set_title("final loss against λ")
        live.message_box(self.u_ax)

    def draw(self, strength: float) -> None:
        strength = on_grid(self.controls["strength"], strength)
        exponents = STRENGTH_EXPONENTS
        index = int(np.argmin(np.abs(exponents - math.log10(strength))))
        runs = self.runs
        self.surface.show(index)
        train, val = runs.train_loss[index], runs.val_loss[index]
        self.train_line.set_ydata(train)
        self.val_line.set_ydata(val)
        best = int(self.best_epochs[index])
        self.best_line.set_xdata([best, best])
        lam = runs.strengths[index]
        self.train_dot.set_data([lam], [train[-1]])
        self.val_dot.set_data([lam], [val[-1]])
        verdict, kind = _fit_verdict(train[-1], val[-1])
        self.live.say(
            self.u_ax,
            f"λ = {lam:.2g}: training loss {train[-1]:.2f}\n"
            f"validation loss {val[-1]:.2f}, accuracy "
            f"{runs.val_accuracy[index, -1]:.0%}\n{verdict}",
            kind,
        )


def _fit_verdict(train_loss: float, val_loss: float) -> tuple[str, str]:
    """Overfitting, underfitting or a good fit, from the two final losses."""
    if val_loss > 2.0 * train_loss and val_loss - train_loss > 0.1:
        return "overfitting: fits noise", "warning"
    if train_loss > 0.3:
        return "underfitting: too constrained", "warning"
    return "a good fit", "info"
