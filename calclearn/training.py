r"""Training a network end to end, and the instruments that find what goes wrong.

Everything here is built from the course's own parts: the autodiff engine
(:mod:`calclearn.autodiff`), the layers (:mod:`calclearn.nn`) and PyTorch's
optimizers, schedules and clipping (:mod:`calclearn.optim`).

- :func:`train_validation_split` holds out a validation set, class by class.
- :func:`fit` is the training loop: full-batch steps (one epoch is one step
  over the whole training set), with a :class:`History` of the training and
  validation loss and accuracy per epoch, the gradient norm of every layer,
  the learning rate; optional L2 regularisation (a term in the gradient,
  :func:`add_l2_gradient`), gradient clipping, a schedule and early stopping.
  A diverging run stops and says so: it is a result, not a crash.
- :func:`lr_range_test` raises the learning rate step by step and records
  the loss: where it falls fastest and where it blows up.
- :class:`HandWrittenNet` is a network whose hidden layers' backward pass is
  a function you write, so a wrong gradient can be trained with, and caught
  by a gradient check.

The loop, in PyTorch's words (every line has its twin in ``torch``)::

    for epoch in range(epochs):
        optimizer.zero_grad()
        loss = cross_entropy(model(X_train), y_train)
        loss.backward()
        add_l2_gradient(weights, l2)        # or SGD(..., weight_decay=l2)
        clip_grad_norm_(params, max_norm)   # optional
        optimizer.step()
        scheduler.step()                    # optional

Examples
--------
>>> from calclearn.data import two_moons
>>> from calclearn.nn import MLP
>>> from calclearn.optim import Adam
>>> split = train_validation_split(*two_moons(200, noise=0.2, seed=0), seed=0)
>>> net = MLP([2, 16, 16, 2], seed=0)
>>> history = fit(net, Adam(net.parameters(), lr=0.02), split, epochs=200)
>>> history.status, bool(history.val_accuracy[-1] > 0.9)
('finished', True)
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from calclearn._validation import (
    require_callable,
    require_int,
    require_real_array,
    require_real_scalar,
)
from calclearn.autodiff import Tensor, cross_entropy
from calclearn.differentiation import GradientCheck, gradient_check
from calclearn.nn import MLP, initial_weights
from calclearn.optim import SGD, clip_grad_norm_
from calclearn.optim.optimizers import Optimizer
from calclearn.optim.schedulers import LRScheduler

__all__ = [
    "DIVERGED",
    "HandWrittenNet",
    "History",
    "LRRangeTest",
    "Split",
    "accuracy",
    "add_l2_gradient",
    "fit",
    "l2_penalty",
    "lr_range_test",
    "stopping_epoch",
    "tanh_layer_backward",
    "train_validation_split",
]

#: A training loss above this (and above 10 times the initial loss), or not
#: finite, counts as diverged. A mean
#: cross-entropy of 100 gives the right class a probability of about e^-100 on
#: average: the scores have blown up (a network that guesses starts at log 2
#: ≈ 0.69 for two classes).
DIVERGED = 100.0


# --------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Split:
    """A training set and a validation set (from :func:`train_validation_split`).

    Attributes
    ----------
    X_train : numpy.ndarray, shape (n_train, d)
    y_train : numpy.ndarray of int, shape (n_train,)
    X_val : numpy.ndarray, shape (n_val, d)
    y_val : numpy.ndarray of int, shape (n_val,)
    """

    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray

    def __repr__(self) -> str:
        return f"Split({len(self.y_train)} training, {len(self.y_val)} validation)"


def _labels(y: Any, n: int) -> np.ndarray:
    labels = np.asarray(y)
    if labels.dtype.kind not in "iu" or labels.shape != (n,):
        raise ValueError(
            f"y must hold one integer class label per row of X ({n}), got "
            f"shape {labels.shape} and dtype {labels.dtype}"
        )
    if n and labels.min() < 0:
        raise ValueError("y must hold class labels 0, 1, 2, …; got a negative one")
    return labels.astype(np.int64)


def train_validation_split(
    X: Any, y: Any, validation_fraction: float = 0.25, seed: int = 0
) -> Split:
    """Hold out a share of every class as a validation set.

    The validation set is never trained on: its loss estimates how the model
    does on new data. Each class is split separately (a *stratified* split),
    so both sets keep the classes' proportions.

    Parameters
    ----------
    X : array_like, shape (n, d)
    y : array_like of int, shape (n,)
    validation_fraction : float
        Share of each class held out, in (0, 1); rounded to whole points, at
        least one per class in each set.
    seed : int
        Seed of the shuffle.

    Returns
    -------
    Split

    Examples
    --------
    >>> X = np.arange(20.0).reshape(10, 2)
    >>> split = train_validation_split(X, np.repeat([0, 1], 5), 0.4)
    >>> split
    Split(6 training, 4 validation)
    >>> np.bincount(split.y_val).tolist()
    [2, 2]
    """
    X = require_real_array(X, "X")
    if X.ndim != 2 or len(X) < 2:
        raise ValueError(f"X must have shape (n, d) with n >= 2, got {X.shape}")
    y = _labels(y, len(X))
    fraction = require_real_scalar(validation_fraction, "validation_fraction")
    if not 0 < fraction < 1:
        raise ValueError(f"validation_fraction must be in (0, 1), got {fraction}")
    rng = np.random.default_rng(require_int(seed, "seed"))
    held_out = []
    for label in np.unique(y):
        members = rng.permutation(np.flatnonzero(y == label))
        if len(members) < 2:
            raise ValueError(
                f"class {label} has {len(members)} point: each class needs at "
                "least 2, one for each set"
            )
        count = min(max(round(fraction * len(members)), 1), len(members) - 1)
        held_out.append(members[:count])
    val = np.zeros(len(y), dtype=bool)
    val[np.concatenate(held_out)] = True
    order = rng.permutation(len(y))  # mix the classes within each set
    train_rows, val_rows = order[~val[order]], order[val[order]]
    return Split(X[train_rows], y[train_rows], X[val_rows], y[val_rows])


def accuracy(scores: Any, y: Any) -> float:
    """The share of rows whose highest score is their label.

    Parameters
    ----------
    scores : Tensor or array_like, shape (n, classes)
        Logits or probabilities.
    y : array_like of int, shape (n,)

    Returns
    -------
    float

    Examples
    --------
    >>> accuracy([[2.0, 1.0], [0.0, 3.0], [1.0, 0.0]], [0, 1, 1])
    0.6666666666666666
    """
    values = scores.data if isinstance(scores, Tensor) else np.asarray(scores)
    if values.ndim != 2:
        raise ValueError(f"scores must have shape (n, classes), got {values.shape}")
    labels = _labels(y, len(values))
    return float(np.mean(values.argmax(axis=1) == labels))


# --------------------------------------------------------------------------
# L2 regularisation: a term in the gradient
# --------------------------------------------------------------------------


def _weights(model: Any) -> list[Tensor]:
    """The weight matrices of ``model`` (the biases are not regularised)."""
    if not isinstance(model, MLP):
        raise TypeError(f"model must be a calclearn.nn.MLP, got {type(model).__name__}")
    return [layer.weight for layer in model.layers]


def l2_penalty(model: MLP, strength: float) -> float:
    r"""The L2 penalty :math:`\frac{\lambda}{2} \sum_l \|W_l\|_F^2` of the weights.

    Parameters
    ----------
    model : calclearn.nn.MLP
    strength : float
        :math:`\lambda \ge 0`.

    Returns
    -------
    float

    Examples
    --------
    >>> net = MLP([1, 1], seed=0)
    >>> net.layers[0].weight.data[...] = 3.0
    >>> l2_penalty(net, 0.1)  # 0.1 / 2 * 9
    0.45
    """
    strength = require_real_scalar(strength, "strength", nonnegative=True)
    total = sum(float(np.sum(w.data**2)) for w in _weights(model))
    return round(strength / 2 * total, 15)


def add_l2_gradient(parameters: Any, strength: float) -> None:
    r"""Add the gradient of :math:`\frac{\lambda}{2}\|W\|^2` to each ``W.grad``.

    .. math::

        \frac{\partial}{\partial W}\Big(L + \frac{\lambda}{2}\|W\|_F^2\Big)
        = \frac{\partial L}{\partial W} + \lambda W,

    so a gradient step becomes :math:`W \leftarrow (1 - \eta\lambda) W -
    \eta\, \partial L/\partial W`: every step first shrinks the weights by
    the factor :math:`1 - \eta\lambda` (hence "weight decay"), then follows
    the data. This is exactly what ``SGD(params, lr, weight_decay=λ)`` does
    inside its step, in PyTorch and in :mod:`calclearn.optim`.

    Parameters
    ----------
    parameters : iterable of Tensor
        The tensors to regularise, usually the weight matrices only.
    strength : float
        :math:`\lambda \ge 0`.

    Examples
    --------
    >>> w = Tensor([1.0, -2.0])
    >>> w.grad = np.array([0.5, 0.5])
    >>> add_l2_gradient([w], 0.1)
    >>> w.grad
    array([0.6, 0.3])
    """
    strength = require_real_scalar(strength, "strength", nonnegative=True)
    for p in parameters:
        if not isinstance(p, Tensor):
            raise TypeError(f"parameters must hold Tensors, got {type(p).__name__}")
        if p.grad is not None and strength:
            p.grad = p.grad + strength * p.data


# --------------------------------------------------------------------------
# The training loop
# --------------------------------------------------------------------------


@dataclass
class History:
    """What :func:`fit` saw, epoch by epoch.

    Row ``e`` of each array is the model after ``e`` epochs (row 0: as
    initialised). One epoch is one full-batch step.

    Attributes
    ----------
    train_loss, val_loss : numpy.ndarray, shape (epochs_run + 1,)
        Mean cross-entropy on each set (the data term only, without the L2
        penalty, so that runs with different strengths compare).
    train_accuracy, val_accuracy : numpy.ndarray, shape (epochs_run + 1,)
    grad_norms : numpy.ndarray, shape (steps, layers)
        :math:`\\|\\partial L/\\partial W_l\\|_F` of every layer at every step,
        before clipping (layer 1 is next to the input). One step per epoch,
        ``steps = epochs_run``; a diverged run also keeps the step that blew up.
    total_grad_norm : numpy.ndarray, shape (steps,)
        The norm of the whole gradient, what clipping compares with its limit.
    lrs : numpy.ndarray, shape (steps,)
        The learning rate of each step.
    status : str
        ``"finished"``, ``"stopped early"`` or ``"diverged"``.
    best_epoch : int
        The epoch of the lowest validation loss (the weights kept by early
        stopping).
    message : str
        The run in one sentence.
    """

    train_loss: np.ndarray
    val_loss: np.ndarray
    train_accuracy: np.ndarray
    val_accuracy: np.ndarray
    grad_norms: np.ndarray
    total_grad_norm: np.ndarray
    lrs: np.ndarray
    status: str
    best_epoch: int
    message: str

    @property
    def epochs(self) -> int:
        """How many epochs ran."""
        return len(self.train_loss) - 1

    def __repr__(self) -> str:
        return f"History({self.message})"


class _Recorder:
    """Collects the rows of a :class:`History` and applies the stopping rules."""

    def __init__(self, patience: int | None) -> None:
        self.patience = patience
        self.rows: dict[str, list] = {
            k: []
            for k in (
                "train_loss",
                "val_loss",
                "train_accuracy",
                "val_accuracy",
                "grad_norms",
                "total_grad_norm",
                "lrs",
            )
        }
        self.best_epoch = 0
        self.status = "finished"

    def record_epoch(self, train_loss, train_acc, val_loss, val_acc) -> bool:
        """Add one epoch's metrics; True when training must stop here."""
        rows, epoch = self.rows, len(self.rows["train_loss"])
        # A badly scaled network may start above DIVERGED: it diverges when
        # its loss grows tenfold from there.
        limit = max(DIVERGED, 10 * rows["train_loss"][0]) if epoch else math.inf
        if not (math.isfinite(train_loss) and train_loss < limit):
            self.status = "diverged"
            return True
        for key, value in (
            ("train_loss", train_loss),
            ("train_accuracy", train_acc),
            ("val_loss", val_loss),
            ("val_accuracy", val_acc),
        ):
            rows[key].append(value)
        if val_loss < rows["val_loss"][self.best_epoch]:
            self.best_epoch = epoch
        if self.patience is not None and epoch - self.best_epoch >= self.patience:
            self.status = "stopped early"
            return True
        return False

    def record_step(self, layer_norms, total, lr) -> None:
        self.rows["grad_norms"].append(layer_norms)
        self.rows["total_grad_norm"].append(total)
        self.rows["lrs"].append(lr)

    def history(self) -> History:
        rows = {k: np.array(v, dtype=float) for k, v in self.rows.items()}
        epochs = len(rows["train_loss"]) - 1
        # One step per epoch; a diverged run keeps the step that blew up too.
        steps = epochs + (self.status == "diverged")
        for key in ("grad_norms", "total_grad_norm", "lrs"):
            rows[key] = rows[key][:steps]
        if rows["grad_norms"].size == 0:
            rows["grad_norms"] = rows["grad_norms"].reshape(0, 0)
        message = {
            "finished": f"finished {epochs} epochs",
            "stopped early": (
                f"stopped early at epoch {epochs}: no better validation loss "
                f"for {self.patience} epochs; weights of epoch {self.best_epoch} kept"
            ),
            "diverged": (
                f"diverged after epoch {epochs}: the training loss left every "
                "sensible range (steps too large: learning rate or gradient)"
            ),
        }[self.status]
        if rows["val_accuracy"].size:
            # The weights the run leaves behind: the best epoch's after a stop.
            kept = self.best_epoch if self.status == "stopped early" else -1
            message += (
                f"; validation accuracy {rows['val_accuracy'][kept]:.1%}, "
                f"loss {rows['val_loss'][kept]:.3g}"
            )
        return History(
            **rows, status=self.status, best_epoch=self.best_epoch, message=message
        )


def _check_split(split: Any) -> Split:
    if not isinstance(split, Split):
        raise TypeError(
            "split must be a Split from train_validation_split, "
            f"got {type(split).__name__}"
        )
    return split


def _optional_int(value: Any, name: str, minimum: int) -> int | None:
    return None if value is None else require_int(value, name, minimum=minimum)


def fit(
    model: MLP,
    optimizer: Optimizer,
    split: Split,
    epochs: int,
    *,
    scheduler: LRScheduler | None = None,
    l2: float = 0.0,
    max_grad_norm: float | None = None,
    patience: int | None = None,
) -> History:
    r"""Train ``model`` on ``split``'s training set, watching the validation set.

    Each epoch is one full-batch step: forward pass, mean cross-entropy,
    backward pass, then (in this order) the L2 term :math:`\lambda W` added to
    every weight's gradient (:func:`add_l2_gradient`), the gradient clipped to
    ``max_grad_norm`` (:func:`calclearn.optim.clip_grad_norm_`), the
    optimizer's step and the scheduler's step.

    Parameters
    ----------
    model : calclearn.nn.MLP
        Trained in place.
    optimizer : calclearn.optim.Optimizer
        Over ``model.parameters()`` (SGD, Adam, ...).
    split : Split
        From :func:`train_validation_split`.
    epochs : int
        At most this many steps (>= 0).
    scheduler : calclearn.optim.LRScheduler, optional
        Stepped once per epoch.
    l2 : float
        The strength :math:`\lambda \ge 0` of the L2 penalty
        :math:`\frac{\lambda}{2}\sum_l \|W_l\|^2` on the weights (not the
        biases).
    max_grad_norm : float, optional
        Clip the whole gradient to this norm.
    patience : int, optional
        Early stopping: stop when the validation loss has not improved for
        this many epochs, and put back the weights of its best epoch.

    Returns
    -------
    History
        Its ``status`` says how the run ended; a divergence stops the run
        (the weights are left as they were before the step that blew up).

    Examples
    --------
    >>> from calclearn.data import two_moons
    >>> split = train_validation_split(*two_moons(100, seed=1), seed=0)
    >>> net = MLP([2, 8, 2], activation="relu", init="he", seed=0)
    >>> fit(net, SGD(net.parameters(), lr=1000.0), split, epochs=20).status
    'diverged'
    """
    if not isinstance(model, MLP):
        raise TypeError(f"model must be a calclearn.nn.MLP, got {type(model).__name__}")
    if not isinstance(optimizer, Optimizer):
        raise TypeError(
            "optimizer must be a calclearn.optim optimizer (SGD, Adam, ...), "
            f"got {type(optimizer).__name__}"
        )
    split = _check_split(split)
    epochs = require_int(epochs, "epochs", minimum=0)
    if scheduler is not None and not isinstance(scheduler, LRScheduler):
        raise TypeError(
            "scheduler must be a calclearn.optim scheduler (StepLR, ...), "
            f"got {type(scheduler).__name__}"
        )
    l2 = require_real_scalar(l2, "l2", nonnegative=True)
    if max_grad_norm is not None:
        max_grad_norm = require_real_scalar(
            max_grad_norm, "max_grad_norm", positive=True
        )
    patience = _optional_int(patience, "patience", 1)
    weights = _weights(model)
    parameters = model.parameters()
    recorder = _Recorder(patience)
    best = [p.data.copy() for p in parameters]
    previous = best
    for epoch in range(epochs + 1):
        optimizer.zero_grad()
        with np.errstate(all="ignore"):  # a divergence is recorded, not raised
            scores = model(split.X_train)
            loss = cross_entropy(scores, split.y_train)
            val_scores = model(split.X_val).data
            val_loss = float(cross_entropy(Tensor(val_scores), split.y_val).data)
        if recorder.record_epoch(
            loss.item(),
            accuracy(scores, split.y_train),
            val_loss,
            accuracy(val_scores, split.y_val),
        ):
            break
        if recorder.best_epoch == epoch:
            best = [p.data.copy() for p in parameters]
        if epoch == epochs:
            break
        with np.errstate(all="ignore"):
            loss.backward()
            add_l2_gradient(weights, l2)
            norms = [float(np.linalg.norm(w.grad)) for w in weights]
            total = math.sqrt(sum(float(np.sum(p.grad**2)) for p in parameters))
            recorder.record_step(norms, total, optimizer.param_groups[0]["lr"])
            if max_grad_norm is not None:
                clip_grad_norm_(parameters, max_grad_norm)
            previous = [p.data.copy() for p in parameters]
            optimizer.step()
        if scheduler is not None:
            scheduler.step()
    if recorder.status == "diverged":
        _restore(parameters, previous)
    elif recorder.status == "stopped early":
        _restore(parameters, best)
    return recorder.history()


def _restore(parameters: list[Tensor], values: list[np.ndarray]) -> None:
    for p, value in zip(parameters, values, strict=True):
        p.data[...] = value


def stopping_epoch(val_losses: Any, patience: int) -> int:
    """The epoch at which early stopping with ``patience`` halts training.

    The first epoch :math:`e` with :math:`e - e^* \\ge` ``patience``, where
    :math:`e^*` is the epoch of the lowest validation loss so far (the first,
    on a tie); the last epoch if there is none. This is :func:`fit`'s rule.

    Parameters
    ----------
    val_losses : array_like, shape (epochs + 1,)
        The validation loss after each epoch, epoch 0 first.
    patience : int
        At least 1.

    Returns
    -------
    int

    Examples
    --------
    >>> stopping_epoch([1.0, 0.8, 0.7, 0.75, 0.72, 0.9], patience=2)
    4
    """
    losses = require_real_array(val_losses, "val_losses")
    if losses.ndim != 1 or losses.size == 0:
        raise ValueError(f"val_losses must be a 1-D list, got shape {losses.shape}")
    patience = require_int(patience, "patience", minimum=1)
    best = 0
    for epoch, loss in enumerate(losses):
        if loss < losses[best]:
            best = epoch
        if epoch - best >= patience:
            return epoch
    return len(losses) - 1


# --------------------------------------------------------------------------
# The learning-rate range test
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class LRRangeTest:
    """The result of :func:`lr_range_test`.

    Attributes
    ----------
    lrs : numpy.ndarray
        The learning rate of each step (geometric), as far as the test ran.
    losses : numpy.ndarray
        The training loss before each step.
    lr_at_minimum : float
        The rate of the step with the lowest loss.
    suggested_lr : float
        ``lr_at_minimum / 10``: safely below the rates where the loss turns
        back up.
    diverged_at : float or None
        The rate at which the loss exceeded 4 times its lowest value (the
        test stops there), if it did.
    """

    lrs: np.ndarray
    losses: np.ndarray
    lr_at_minimum: float
    suggested_lr: float
    diverged_at: float | None


def lr_range_test(
    model: MLP,
    split: Split,
    lr_min: float = 1e-4,
    lr_max: float = 100.0,
    steps: int = 100,
) -> LRRangeTest:
    r"""Raise the learning rate step by step and watch the loss.

    Step :math:`k` of ``steps`` uses :math:`\eta_k = \eta_{min}
    (\eta_{max}/\eta_{min})^{k/(\text{steps}-1)}` (plain gradient descent on
    the training set, from wherever the previous steps left the weights).
    While :math:`\eta` is too small the loss hardly moves; then it falls
    fast; past the largest stable rate it turns up and explodes (the test
    stops once the loss exceeds 4 times its lowest value). The rule of thumb
    (L. Smith, 2017): train at about a tenth of the rate where the loss was
    lowest, in the steep part of the curve.

    The model's weights are put back as they were afterwards.

    Parameters
    ----------
    model : calclearn.nn.MLP
    split : Split
    lr_min, lr_max : float
        The range, ``0 < lr_min < lr_max``.
    steps : int
        At least 2.

    Returns
    -------
    LRRangeTest

    Examples
    --------
    >>> from calclearn.data import two_moons
    >>> split = train_validation_split(*two_moons(100, seed=1), seed=0)
    >>> test = lr_range_test(MLP([2, 8, 2], seed=0), split, steps=50)
    >>> bool(test.losses[0] > test.losses.min()), test.diverged_at is not None
    (True, True)
    """
    if not isinstance(model, MLP):
        raise TypeError(f"model must be a calclearn.nn.MLP, got {type(model).__name__}")
    split = _check_split(split)
    lr_min = require_real_scalar(lr_min, "lr_min", positive=True)
    lr_max = require_real_scalar(lr_max, "lr_max", positive=True)
    if lr_max <= lr_min:
        raise ValueError(f"lr_max must be larger than lr_min, got {lr_max} <= {lr_min}")
    steps = require_int(steps, "steps", minimum=2)
    parameters = model.parameters()
    start = [p.data.copy() for p in parameters]
    schedule = np.geomspace(lr_min, lr_max, steps)
    optimizer = SGD(parameters, lr=lr_min)
    losses: list[float] = []
    diverged_at = None
    for lr in schedule:
        optimizer.zero_grad()
        with np.errstate(all="ignore"):
            loss = cross_entropy(model(split.X_train), split.y_train)
        value = loss.item()
        if not math.isfinite(value) or (losses and value > 4 * min(losses)):
            diverged_at = float(lr)
            break
        losses.append(value)
        loss.backward()
        optimizer.param_groups[0]["lr"] = float(lr)
        with np.errstate(all="ignore"):
            optimizer.step()
    _restore(parameters, start)
    tried = schedule[: len(losses)]
    lr_at_minimum = float(tried[int(np.argmin(losses))])
    return LRRangeTest(
        tried, np.array(losses), lr_at_minimum, lr_at_minimum / 10, diverged_at
    )


# --------------------------------------------------------------------------
# A network with a hand-written backward pass
# --------------------------------------------------------------------------


def tanh_layer_backward(
    x: np.ndarray, W: np.ndarray, b: np.ndarray, delta: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""The backward pass of :math:`h = \tanh(xW + b)`, by hand.

    With :math:`\delta = \partial L/\partial h` and
    :math:`\delta_z = \delta \odot (1 - h^2)`:
    :math:`\partial L/\partial W = x^\top\delta_z`,
    :math:`\partial L/\partial b = \sum_i \delta_{z,i}`,
    :math:`\partial L/\partial x = \delta_z W^\top`.

    Returns
    -------
    (dW, db, dx)
        Of the shapes of ``W``, ``b`` and ``x``.

    Examples
    --------
    >>> dW, db, dx = tanh_layer_backward(
    ...     np.ones((4, 3)), np.zeros((3, 2)), np.zeros(2), np.ones((4, 2))
    ... )
    >>> dW.shape, db.tolist(), dx.shape  # at z = 0, tanh′ = 1
    ((3, 2), [4.0, 4.0], (4, 3))
    """
    h = np.tanh(x @ W + b)
    dz = delta * (1.0 - h**2)
    return x.T @ dz, dz.sum(axis=0), dz @ W.T


class HandWrittenNet:
    r"""An MLP whose hidden layers :math:`h = \tanh(xW + b)` use *your* backward pass.

    The output layer (scores :math:`s = hW + b`, softmax cross-entropy, with
    :math:`\partial L/\partial s = (\text{softmax}(s) - \text{onehot}(y))/n`)
    is written correctly here; each hidden layer's gradients come from
    ``layer_backward(x, W, b, delta)``, which must return
    :math:`(\partial L/\partial W, \partial L/\partial b, \partial L/\partial x)`
    given :math:`\delta = \partial L/\partial h`. A wrong ``layer_backward``
    still trains (often worse); :meth:`check` compares it with central
    differences. (The first hidden layer's :math:`\partial L/\partial x`,
    the gradient with respect to the data, is not used: a mistake in it
    shows only with two hidden layers or more.)

    Parameters
    ----------
    sizes : sequence of int
        Widths, e.g. ``[2, 16, 16, 2]``.
    layer_backward : callable
        ``layer_backward(x, W, b, delta) -> (dW, db, dx)``.
    seed : int
        Weights drawn as :class:`calclearn.nn.MLP` draws them (Xavier).

    Attributes
    ----------
    weights, biases : list of numpy.ndarray

    Examples
    --------
    >>> from calclearn.data import two_moons
    >>> X, y = two_moons(20, seed=0)
    >>> net = HandWrittenNet([2, 4, 2], tanh_layer_backward, seed=0)
    >>> net.check(X, y).verdict
    'correct'
    """

    def __init__(self, sizes: Any, layer_backward: Callable, seed: int = 0) -> None:
        self.sizes = MLP(sizes, seed=0).sizes  # the same checks of the widths
        self.layer_backward = require_callable(layer_backward, "layer_backward")
        rng = np.random.default_rng(require_int(seed, "seed"))
        pairs = list(zip(self.sizes[:-1], self.sizes[1:], strict=True))
        self.weights = [initial_weights(a, b, "xavier", rng) for a, b in pairs]
        self.biases = [np.zeros(b) for _, b in pairs]

    def scores(self, X: np.ndarray) -> np.ndarray:
        """The output scores (logits) for the batch ``X``."""
        a = X
        for W, b in zip(self.weights[:-1], self.biases[:-1], strict=True):
            a = np.tanh(a @ W + b)
        return a @ self.weights[-1] + self.biases[-1]

    def loss_and_gradients(
        self, X: np.ndarray, y: np.ndarray
    ) -> tuple[float, list[np.ndarray], list[np.ndarray]]:
        """The mean cross-entropy and its gradients for every W and b."""
        inputs = [X]
        for W, b in zip(self.weights[:-1], self.biases[:-1], strict=True):
            inputs.append(np.tanh(inputs[-1] @ W + b))
        scores = inputs[-1] @ self.weights[-1] + self.biases[-1]
        shifted = scores - scores.max(axis=1, keepdims=True)
        log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        rows = np.arange(len(y))
        loss = -float(log_probs[rows, y].mean())
        delta = np.exp(log_probs)
        delta[rows, y] -= 1.0
        delta /= len(y)
        dW = [inputs[-1].T @ delta]
        db = [delta.sum(axis=0)]
        delta = delta @ self.weights[-1].T
        for layer in range(len(self.weights) - 2, -1, -1):
            gW, gb, delta = self.layer_backward(
                inputs[layer], self.weights[layer], self.biases[layer], delta
            )
            dW.insert(0, np.asarray(gW, dtype=float))
            db.insert(0, np.asarray(gb, dtype=float))
        return loss, dW, db

    def _flat(self) -> np.ndarray:
        return np.concatenate([a.ravel() for a in (*self.weights, *self.biases)])

    def _set_flat(self, theta: np.ndarray) -> None:
        offset = 0
        for array in (*self.weights, *self.biases):
            array[...] = theta[offset : offset + array.size].reshape(array.shape)
            offset += array.size

    def parameter_name(self, index: Any) -> str:
        """Which weight or bias entry a flat index of :meth:`check` is.

        The flat order is every weight matrix (layer 1 first, row by row),
        then every bias; ``check.worst_index`` says where to look.

        Examples
        --------
        >>> net = HandWrittenNet([2, 3, 2], tanh_layer_backward)
        >>> net.parameter_name(4), net.parameter_name(12)
        ('W1[1, 1]', 'b1[0]')
        """
        if isinstance(index, tuple) and len(index) == 1:
            index = index[0]
        index = require_int(index, "index")
        arrays = [(f"W{i}", W) for i, W in enumerate(self.weights, 1)]
        arrays += [(f"b{i}", b) for i, b in enumerate(self.biases, 1)]
        for name, array in arrays:
            if index < array.size:
                where = np.unravel_index(index, array.shape)
                return f"{name}[{', '.join(str(int(i)) for i in where)}]"
            index -= array.size
        raise ValueError("index must be smaller than the number of parameters")

    def check(self, X: Any, y: Any) -> GradientCheck:
        """Gradient-check every weight and bias at the current parameters.

        Use a few examples (each parameter costs two loss evaluations).

        Returns
        -------
        calclearn.differentiation.GradientCheck
        """
        X = require_real_array(X, "X")
        y = _labels(y, len(X))
        start = self._flat()

        def loss(theta):
            self._set_flat(theta)
            return self.loss_and_gradients(X, y)[0]

        def grad(theta):
            self._set_flat(theta)
            _, dW, db = self.loss_and_gradients(X, y)
            return np.concatenate([g.ravel() for g in (*dW, *db)])

        try:
            return gradient_check(loss, grad, start)
        finally:
            self._set_flat(start)

    def fit(self, split: Split, lr: float, epochs: int) -> History:
        """Full-batch gradient descent with the hand-written gradients.

        Returns
        -------
        History
            As :func:`fit`'s.
        """
        split = _check_split(split)
        lr = require_real_scalar(lr, "lr", positive=True)
        epochs = require_int(epochs, "epochs", minimum=0)
        recorder = _Recorder(None)
        for epoch in range(epochs + 1):
            with np.errstate(all="ignore"):
                loss, dW, db = self.loss_and_gradients(split.X_train, split.y_train)
                val_scores = self.scores(split.X_val)
                val_loss = float(cross_entropy(Tensor(val_scores), split.y_val).data)
            train_accuracy = accuracy(self.scores(split.X_train), split.y_train)
            if recorder.record_epoch(
                loss, train_accuracy, val_loss, accuracy(val_scores, split.y_val)
            ):
                break
            if epoch == epochs:
                break
            norms = [float(np.linalg.norm(g)) for g in dW]
            total = math.sqrt(sum(float(np.sum(g**2)) for g in (*dW, *db)))
            recorder.record_step(norms, total, lr)
            for array, g in zip((*self.weights, *self.biases), (*dW, *db), strict=True):
                array -= lr * g
        return recorder.history()

    def __repr__(self) -> str:
        name = getattr(self.layer_backward, "__name__", "layer_backward")
        return f"HandWrittenNet({self.sizes}, {name})"
