r"""Full-batch, stochastic and mini-batch gradient descent on a line fit.

The model is the line :math:`\hat y = w x + b` and the loss the mean squared
error of Chapter 1, a function of the two parameters :math:`\theta = (w, b)`:

.. math::

    L(\theta) = \frac1n \sum_{i=1}^n (w x_i + b - y_i)^2 .

Mini-batch gradient descent shuffles the examples at the start of every
*epoch* (one pass through the data), cuts them into batches :math:`B` of
``batch_size`` examples (the last one smaller when ``batch_size`` does not
divide ``n``, as PyTorch's ``DataLoader`` without ``drop_last``) and takes one
step per batch with the batch's own gradient:

.. math::

    \theta \leftarrow \theta - \eta \nabla L_B(\theta), \qquad
    \nabla L_B(\theta) = \frac{2}{|B|} \sum_{i \in B}
    (w x_i + b - y_i) \begin{pmatrix} x_i \\ 1 \end{pmatrix}.

``batch_size = 1`` is stochastic gradient descent, ``batch_size = n`` plain
(full-batch) gradient descent. An epoch always costs ``n`` per-example
gradients; what the batch size changes is how many steps they buy.

Why it is fast: the loss is quadratic, so a batch's gradient needs only five
sums over the batch (:math:`\sum x_i^2, \sum x_i, \sum x_i y_i, \sum y_i`
and :math:`|B|`). They are computed for every batch of every epoch at once,
with numpy; the steps themselves, which depend on each other, then cost a few
float operations each.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from calclearn._validation import require_int, require_real_scalar, require_vector

__all__ = ["MinibatchRun", "batch_gradients", "minibatch_sgd"]

# |θ - θ*| beyond this many times the start's distance (at least 1) counts as
# divergence: unambiguous, and far from overflow.
_BLOW_UP = 1e6

#: The most updates one :func:`minibatch_sgd` call takes (epochs × batches).
MAX_UPDATES = 1_000_000


@dataclass(frozen=True)
class MinibatchRun:
    r"""The record of a mini-batch gradient-descent run.

    Attributes
    ----------
    path : numpy.ndarray, shape (k + 1, 2)
        :math:`(w, b)` at the start and after each update; all finite (a
        diverged run stops before the blow-up).
    losses : numpy.ndarray, shape (k + 1,)
        The full-batch loss :math:`L` at each point of the path.
    loss_gaps : numpy.ndarray, shape (k + 1,)
        :math:`L - L^\ast` at each point, computed from the distance to the
        minimum (so accurate even where :math:`L` and :math:`L^\ast` agree to
        many digits).
    batch_losses : numpy.ndarray, shape (k,)
        The loss of the batch each update used, at the point it started from:
        what the algorithm "sees".
    epoch_ends : numpy.ndarray of int, shape (e + 1,)
        Index into :attr:`path` of the start and of the end of each completed
        epoch.
    epoch_losses, epoch_loss_gaps : numpy.ndarray, shape (e + 1,)
        :attr:`losses` and :attr:`loss_gaps` at :attr:`epoch_ends`.
    examples_seen : numpy.ndarray of int, shape (k + 1,)
        Per-example gradients evaluated before each point: the cost.
    batch_size, epochs, n : int
        The settings and the number of examples.
    lr : float
    updates_per_epoch : int
        :math:`\lceil n / \text{batch\_size} \rceil`.
    gradients_per_epoch : int
        Per-example gradients per epoch: always ``n``.
    minimum : numpy.ndarray, shape (2,)
        The least-squares :math:`(w^\ast, b^\ast)`.
    min_loss : float
        :math:`L^\ast = L(w^\ast, b^\ast)`.
    diverged_at : int or None
        The update at which the parameters blew up, if they did.
    """

    path: np.ndarray
    losses: np.ndarray
    loss_gaps: np.ndarray
    batch_losses: np.ndarray
    epoch_ends: np.ndarray
    epoch_losses: np.ndarray
    epoch_loss_gaps: np.ndarray
    examples_seen: np.ndarray
    batch_size: int
    epochs: int
    n: int
    lr: float
    updates_per_epoch: int
    gradients_per_epoch: int
    minimum: np.ndarray
    min_loss: float
    diverged_at: int | None

    @property
    def updates(self) -> int:
        """How many updates the path holds."""
        return len(self.path) - 1

    @property
    def status(self) -> str:
        """``"diverged"`` or ``"finished"``."""
        return "finished" if self.diverged_at is None else "diverged"


def _data(x: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    xs = require_vector(x, "x").astype(np.float64)
    ys = require_vector(y, "y").astype(np.float64)
    if xs.shape != ys.shape:
        raise ValueError(
            f"x and y must have the same length, got {xs.size} and {ys.size}"
        )
    if xs.size < 2 or np.all(xs == xs[0]):
        raise ValueError(
            "x must hold at least 2 different values, or no single line fits best"
        )
    return xs, ys


def _orders(n: int, epochs: int, seed: int, shuffle: bool) -> np.ndarray:
    """The order of the examples in each epoch, shape ``(epochs, n)``.

    Row ``k`` does not depend on how many epochs follow it, so a longer run
    with the same seed starts with the same epochs.
    """
    orders = np.tile(np.arange(n), (epochs, 1))
    if shuffle:
        np.random.default_rng(seed).permuted(orders, axis=1, out=orders)
    return orders


def _batch_sums(
    x: np.ndarray, y: np.ndarray, orders: np.ndarray, batch_size: int
) -> np.ndarray:
    """Sums over each batch of each epoch, shape ``(epochs * batches, 6)``.

    Columns: :math:`|B|, \\sum x, \\sum x^2, \\sum y, \\sum xy, \\sum y^2`, in
    the order the batches are used.
    """
    n = x.size
    if len(orders) == 0:  # no epochs, no batches
        return np.zeros((0, 6))
    xs, ys = x[orders].ravel(), y[orders].ravel()
    columns = np.stack([np.ones_like(xs), xs, xs * xs, ys, xs * ys, ys * ys], axis=1)
    starts = (
        np.arange(0, n, batch_size)[None, :] + n * np.arange(len(orders))[:, None]
    ).ravel()
    return np.add.reduceat(columns, starts, axis=0)


def _gradient_coefficients(sums: np.ndarray) -> tuple[np.ndarray, ...]:
    r"""Per batch, ``(a, c, e, f)`` with :math:`\nabla L_B = (a w + c b - e,\;
    c w + 2 b - f)`."""
    scale = 2.0 / sums[:, 0]
    return (
        scale * sums[:, 2],
        scale * sums[:, 1],
        scale * sums[:, 4],
        scale * sums[:, 3],
    )


def _check_settings(
    x: Any, y: Any, batch_size: Any, seed: Any
) -> tuple[np.ndarray, np.ndarray, int, int]:
    xs, ys = _data(x, y)
    batch_size = require_int(batch_size, "batch_size", minimum=1)
    if batch_size > xs.size:
        raise ValueError(
            f"batch_size must be at most the number of examples, {xs.size}, "
            f"got {batch_size}"
        )
    return xs, ys, batch_size, require_int(seed, "seed")


def batch_gradients(
    x: Any,
    y: Any,
    theta: Any,
    batch_size: int,
    *,
    seed: int = 0,
    epoch: int = 0,
) -> np.ndarray:
    r"""The gradient of each batch of one epoch at a fixed :math:`\theta`.

    The batches are those :func:`minibatch_sgd` uses in epoch ``epoch`` with
    the same ``seed``. Each is an unbiased estimate of the full gradient: when
    ``batch_size`` divides ``n`` their mean *is* the full gradient (each
    example counts once, with weight :math:`1/n`).

    Parameters
    ----------
    x, y : array_like, shape (n,)
        The data.
    theta : array_like, shape (2,)
        :math:`(w, b)`.
    batch_size : int
        1 to n.
    seed : int
        Seed of the shuffle.
    epoch : int
        Which epoch's batches (0 is the first).

    Returns
    -------
    numpy.ndarray, shape (batches, 2)
        :math:`\nabla L_B(\theta)` per batch, in the order they are used.
        With ``batch_size = n`` the one row is the full gradient
        :math:`\nabla L(\theta)`.

    Examples
    --------
    >>> x, y = np.array([0.0, 1.0, 2.0, 3.0]), np.array([1.0, 3.0, 5.0, 7.0])
    >>> grads = batch_gradients(x, y, [0.0, 0.0], 2)
    >>> bool(np.allclose(grads.mean(axis=0), batch_gradients(x, y, [0, 0], 4)[0]))
    True
    """
    xs, ys, batch_size, seed = _check_settings(x, y, batch_size, seed)
    point = require_vector(theta, "theta")
    if point.shape != (2,):
        raise ValueError(f"theta must be a pair (w, b), got shape {point.shape}")
    epoch = require_int(epoch, "epoch", minimum=0)
    shuffle = batch_size < xs.size
    orders = _orders(xs.size, epoch + 1, seed, shuffle)[-1:]
    a, c, e, f = _gradient_coefficients(_batch_sums(xs, ys, orders, batch_size))
    w, b = float(point[0]), float(point[1])
    return np.column_stack([a * w + c * b - e, c * w + 2.0 * b - f])


def minibatch_sgd(
    x: Any,
    y: Any,
    batch_size: int,
    lr: float,
    epochs: int,
    *,
    start: Any = (0.0, 0.0),
    seed: int = 0,
) -> MinibatchRun:
    r"""Fit the line :math:`wx + b` by mini-batch gradient descent on the MSE.

    Every epoch shuffles the examples (seeded; not when ``batch_size = n``,
    where the order cannot matter), then takes one step
    :math:`\theta \leftarrow \theta - \eta \nabla L_B(\theta)` per batch.

    Parameters
    ----------
    x, y : array_like, shape (n,)
        The data (at least two different ``x``).
    batch_size : int
        Examples per step, 1 (stochastic) to n (full batch).
    lr : float
        Learning rate :math:`\eta > 0`.
    epochs : int
        Passes through the data (0 or more).
    start : array_like, shape (2,)
        :math:`(w_0, b_0)`.
    seed : int
        Seed of the shuffles: the same seed gives the same run.

    Returns
    -------
    MinibatchRun
        The path, the losses per update and per epoch, the cost. A run that
        blows up (too large a step for the sharpest batch) stops there, with
        :attr:`MinibatchRun.diverged_at` set: a result, not an error.

    Raises
    ------
    ValueError, TypeError
        Naming the argument: data of different lengths or with one ``x``
        value, ``batch_size`` outside 1 … n, ``lr`` ≤ 0, negative ``epochs``,
        a ``start`` that is not a pair, more than :data:`MAX_UPDATES` updates.

    Examples
    --------
    >>> x, y = np.array([-1.0, 0.0, 1.0, 2.0]), np.array([-3.0, -1.0, 1.0, 3.0])
    >>> run = minibatch_sgd(x, y, batch_size=2, lr=0.1, epochs=50)
    >>> run.updates, run.updates_per_epoch, int(run.examples_seen[-1])
    (100, 2, 200)
    >>> run.path[-1].round(3)  # y = 2x - 1 exactly
    array([ 2., -1.])
    """
    xs, ys, batch_size, seed = _check_settings(x, y, batch_size, seed)
    lr = require_real_scalar(lr, "lr", positive=True)
    epochs = require_int(epochs, "epochs", minimum=0)
    theta = require_vector(start, "start").astype(np.float64)
    if theta.shape != (2,):
        raise ValueError(f"start must be a pair (w, b), got shape {theta.shape}")
    n = xs.size
    per_epoch = math.ceil(n / batch_size)
    if epochs * per_epoch > MAX_UPDATES:
        raise ValueError(
            f"epochs × updates per epoch must be at most {MAX_UPDATES:,}, got "
            f"{epochs} × {per_epoch} = {epochs * per_epoch:,}"
        )
    orders = _orders(n, epochs, seed, shuffle=batch_size < n)
    sums = _batch_sums(xs, ys, orders, batch_size)
    minimum, min_loss, curvature = _least_squares(xs, ys)
    path, diverged_at = _descend(sums, theta, lr, per_epoch, minimum)
    updates = len(path) - 1
    used = sums[:updates]

    offset = path - minimum
    gaps = np.einsum("ki,ij,kj->k", offset, curvature, offset)
    losses = min_loss + gaps
    w, b = path[:-1, 0], path[:-1, 1]
    count, sx, sxx, sy, sxy, syy = used.T
    batch_losses = (
        w * w * sxx + 2 * w * b * sx + b * b * count - 2 * w * sxy - 2 * b * sy + syy
    ) / count
    epoch_ends = np.arange(0, updates + 1, per_epoch)
    seen = np.concatenate([[0], np.cumsum(used[:, 0])]).astype(np.int64)
    return MinibatchRun(
        path=path,
        losses=losses,
        loss_gaps=gaps,
        batch_losses=batch_losses,
        epoch_ends=epoch_ends,
        epoch_losses=losses[epoch_ends],
        epoch_loss_gaps=gaps[epoch_ends],
        examples_seen=seen,
        batch_size=batch_size,
        epochs=epochs,
        n=n,
        lr=lr,
        updates_per_epoch=per_epoch,
        gradients_per_epoch=n,
        minimum=minimum,
        min_loss=min_loss,
        diverged_at=diverged_at,
    )


def _least_squares(
    x: np.ndarray, y: np.ndarray
) -> tuple[np.ndarray, float, np.ndarray]:
    r""":math:`\theta^\ast`, :math:`L^\ast` and the matrix :math:`M` with
    :math:`L(\theta) - L^\ast = (\theta - \theta^\ast)^\top M (\theta -
    \theta^\ast)` (half the Hessian)."""
    x_mean, y_mean = x.mean(), y.mean()
    dx = x - x_mean
    slope = float(dx @ (y - y_mean) / (dx @ dx))
    intercept = float(y_mean - slope * x_mean)
    min_loss = float(np.mean((slope * x + intercept - y) ** 2))
    curvature = np.array([[np.mean(x * x), x_mean], [x_mean, 1.0]])
    return np.array([slope, intercept]), min_loss, curvature


def _descend(
    sums: np.ndarray, theta: np.ndarray, lr: float, per_epoch: int, minimum: np.ndarray
) -> tuple[np.ndarray, int | None]:
    """The path of the updates, stopped before a blow-up, and where it blew up.

    The steps depend on each other, so they run one by one, on Python floats
    (a few operations each, no numpy call per step); divergence is checked
    once per epoch.
    """
    a, c, e, f = (column.tolist() for column in _gradient_coefficients(sums))
    w, b = float(theta[0]), float(theta[1])
    limit = _BLOW_UP * max(1.0, float(np.abs(theta - minimum).max()))
    w_star, b_star = float(minimum[0]), float(minimum[1])
    ws, bs = [w], [b]
    for epoch_start in range(0, len(a), per_epoch):
        for k in range(epoch_start, epoch_start + per_epoch):
            # The batch gradient and the step, as gradient_descent rounds them.
            grad_w = a[k] * w + c[k] * b - e[k]
            grad_b = c[k] * w + 2.0 * b - f[k]
            w, b = w - lr * grad_w, b - lr * grad_b
            ws.append(w)
            bs.append(b)
        if not abs(w - w_star) <= limit or not abs(b - b_star) <= limit:
            path = np.column_stack([ws, bs])
            distance = np.abs(path - minimum).max(axis=1)
            blown = int(np.argmax(~(distance <= limit)))
            return path[:blown], blown
    return np.column_stack([ws, bs]), None
