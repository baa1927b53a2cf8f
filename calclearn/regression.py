r"""The first loss of the course: the mean squared error of a straight-line fit.

A line :math:`\hat y = w x + b` fitted to points :math:`(x_i, y_i)`,
:math:`i = 1, \dots, n`, is judged by

.. math::

    L(w, b) = \frac1n \sum_{i=1}^n (w x_i + b - y_i)^2,

a function of the two parameters with partial derivatives

.. math::

    \frac{\partial L}{\partial w} = \frac2n \sum_i (w x_i + b - y_i)\, x_i, \qquad
    \frac{\partial L}{\partial b} = \frac2n \sum_i (w x_i + b - y_i).

Both vanish at the least-squares line
:math:`w^\ast = \sum_i (x_i - \bar x)(y_i - \bar y) / \sum_i (x_i - \bar x)^2`,
:math:`b^\ast = \bar y - w^\ast \bar x`.

Examples
--------
>>> x, y = line_fit_data()
>>> w, b = least_squares_line(x, y)
>>> [abs(float(g)) < 1e-12 for g in mse_partials(w, b, x, y)]
[True, True]
"""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.figure import Figure

from calclearn._validation import require_int, require_real_array, require_vector
from calclearn.plots import COLORS, contour_map, house_style, new_figure

__all__ = [
    "least_squares_line",
    "line_fit_data",
    "mse_loss",
    "mse_loss_figure",
    "mse_partials",
]


def line_fit_data(
    n_points: int = 20,
    seed: int = 2,
    slope: float = 1.5,
    intercept: float = -0.5,
    noise: float = 0.5,
) -> tuple[np.ndarray, np.ndarray]:
    r"""A small, seeded data set for a line fit: :math:`y = \text{slope}\, x +
    \text{intercept} + \text{noise}\cdot\varepsilon`.

    Parameters
    ----------
    n_points : int
        How many points (at least 2).
    seed : int
        Seed of :func:`numpy.random.default_rng`: the same data every run.
    slope, intercept : float
        The line the data scatter around.
    noise : float
        Standard deviation of the Gaussian scatter :math:`\varepsilon`.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        ``x`` (sorted, uniform on [0, 3]) and ``y``, each of shape ``(n_points,)``.

    Examples
    --------
    >>> x, y = line_fit_data(5)
    >>> x.shape, y.shape, bool(np.all(np.diff(x) > 0))
    ((5,), (5,), True)
    """
    count = require_int(n_points, "n_points", minimum=2)
    rng = np.random.default_rng(require_int(seed, "seed"))
    x = np.sort(rng.uniform(0.0, 3.0, count))
    y = slope * x + intercept + noise * rng.standard_normal(count)
    return x, y


def _data(x: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    xs = require_vector(x, "x").astype(np.float64)
    ys = require_vector(y, "y").astype(np.float64)
    if xs.shape != ys.shape:
        raise ValueError(
            f"x and y must have the same length, got {xs.size} and {ys.size}"
        )
    return xs, ys


def _residuals(w: Any, b: Any, x: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    """Residuals ``w x_i + b - y_i`` along a new last axis, and ``x``."""
    xs, ys = _data(x, y)
    weights = require_real_array(w, "w").astype(np.float64)
    biases = require_real_array(b, "b").astype(np.float64)
    return weights[..., None] * xs + biases[..., None] - ys, xs


def mse_loss(w: Any, b: Any, x: Any, y: Any) -> np.ndarray:
    r"""The mean squared error :math:`L(w, b) = \frac1n \sum_i (w x_i + b - y_i)^2`.

    Parameters
    ----------
    w, b : float or array_like
        Slope and intercept; arrays broadcast against each other (a grid of
        parameters gives a grid of losses).
    x, y : array_like, shape (n,)
        The data.

    Returns
    -------
    numpy.ndarray
        Shape of ``w`` and ``b`` broadcast.

    Examples
    --------
    >>> float(mse_loss(1.0, 0.0, [0.0, 1.0], [1.0, 1.0]))  # residuals -1 and 0
    0.5
    """
    residuals, _ = _residuals(w, b, x, y)
    return np.mean(residuals**2, axis=-1)


def mse_partials(w: Any, b: Any, x: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    r"""The partials :math:`(\partial L/\partial w, \partial L/\partial b)`.

    .. math::

        \frac{\partial L}{\partial w} = \frac2n \sum_i (w x_i + b - y_i)\, x_i,
        \qquad
        \frac{\partial L}{\partial b} = \frac2n \sum_i (w x_i + b - y_i).

    Parameters
    ----------
    w, b, x, y
        As in :func:`mse_loss`.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)

    Examples
    --------
    >>> [float(g) for g in mse_partials(1.0, 0.0, [0.0, 1.0], [1.0, 1.0])]
    [0.0, -1.0]
    """
    residuals, xs = _residuals(w, b, x, y)
    n = xs.size
    return 2 / n * residuals @ xs, 2 / n * residuals.sum(axis=-1)


def least_squares_line(x: Any, y: Any) -> tuple[float, float]:
    r"""The minimiser :math:`(w^\ast, b^\ast)` of :func:`mse_loss`, in closed form.

    .. math::

        w^\ast = \frac{\sum_i (x_i - \bar x)(y_i - \bar y)}{\sum_i (x_i - \bar x)^2},
        \qquad b^\ast = \bar y - w^\ast \bar x.

    Raises
    ------
    ValueError
        If all ``x`` are equal (then no single line is best).

    Examples
    --------
    >>> least_squares_line([0.0, 1.0, 2.0], [1.0, 3.0, 5.0])
    (2.0, 1.0)
    """
    xs, ys = _data(x, y)
    dx = xs - xs.mean()
    spread = float(dx @ dx)
    if spread == 0:
        raise ValueError("x must not be all equal: then every slope fits as well")
    w = float(dx @ (ys - ys.mean())) / spread
    return w, float(ys.mean() - w * xs.mean())


def mse_loss_figure(x: Any, y: Any, resolution: int = 120) -> Figure:
    r"""The data with its best line, and the contour map of :math:`L(w, b)`.

    Left: the points and the least-squares line. Right: the contours of the
    loss over the parameters (evenly spaced in :math:`L`, with a colour bar),
    the minimum :math:`(w^\ast, b^\ast)` starred.

    Parameters
    ----------
    x, y : array_like, shape (n,)
        The data.
    resolution : int
        Grid points per axis of the contour map.

    Returns
    -------
    matplotlib.figure.Figure
    """
    xs, ys = _data(x, y)
    count = require_int(resolution, "resolution", minimum=10)
    w_best, b_best = least_squares_line(xs, ys)
    figure = new_figure(9.6, 4.0)
    data_ax, loss_ax = figure.subplots(1, 2, width_ratios=[1, 1.1])
    with house_style():
        data_ax.plot(xs, ys, "o", color=COLORS["function"], ms=5, label="data")
        line_x = np.array([xs.min(), xs.max()])
        data_ax.plot(
            line_x,
            w_best * line_x + b_best,
            color=COLORS["secant"],
            label=f"best line: ŷ = {w_best:.3f} x {'−' if b_best < 0 else '+'} "
            f"{abs(b_best):.3f}",
        )
        data_ax.legend(loc="upper left")
    data_ax.set_xlabel("x")
    data_ax.set_ylabel("y")
    data_ax.set_title(f"{xs.size} data points and the least-squares line")

    ws = np.linspace(w_best - 1.0, w_best + 1.0, count)
    bs = np.linspace(b_best - 1.0, b_best + 1.0, count)
    losses = mse_loss(ws[None, :], bs[:, None], xs, ys)
    contour_map(loss_ax, ws, bs, losses, label="L(w, b)")
    with house_style():
        loss_ax.scatter(
            w_best,
            b_best,
            marker="*",
            s=160,
            color="#f5c518",
            edgecolor="black",
            linewidths=0.7,
            zorder=6,
            label=f"minimum ({w_best:.3f}, {b_best:.3f})",
        )
        loss_ax.legend(loc="upper right", framealpha=0.85, frameon=True)
    loss_ax.set_aspect("equal", adjustable="box")
    loss_ax.set_xlabel("slope w")
    loss_ax.set_ylabel("intercept b")
    loss_ax.set_title("the loss L(w, b) over the parameters")
    return figure
