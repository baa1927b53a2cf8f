r"""The tangent plane: the linear model of a differentiable function near a point.

A function :math:`f` of several variables is *differentiable* at :math:`p` when
one plane fits it there better than linearly:

.. math::

    f(p + \delta) = f(p) + \nabla f(p) \cdot \delta + o(\|\delta\|),

and for a function with continuous second partials the error is
:math:`\tfrac12 \delta^\top H(p)\, \delta + O(\|\delta\|^3)`, which shrinks like
:math:`\|\delta\|^2`: halve the step, quarter the error. Partial derivatives
alone do not make a function differentiable: :math:`f = xy/(x^2+y^2)` has both
partials at the origin (they are 0) but no tangent plane there, since
:math:`f = \tfrac12` all along the diagonal.

Examples
--------
>>> from calclearn.landscapes import LANDSCAPES
>>> plane = tangent_plane(LANDSCAPES["Himmelblau"], (1.0, 2.0))
>>> float(plane.value), plane.gradient.tolist()
(68.0, [-36.0, -32.0])
>>> round(float(plane((1.1, 2.0))), 12)  # 68 - 36 * 0.1
64.4
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from calclearn._validation import (
    require_callable,
    require_numbers,
    require_real_array,
    require_vector,
)
from calclearn.differentiation import gradient as finite_difference_gradient
from calclearn.landscapes import Landscape, as_landscape
from calclearn.plots import COLORS, house_style, new_figure

__all__ = [
    "TangentPlane",
    "linearisation_error",
    "tangent_plane",
    "tangent_plane_figure",
]


@dataclass(frozen=True)
class TangentPlane:
    r"""The linear model :math:`T(q) = f(p) + \nabla f(p) \cdot (q - p)`.

    Attributes
    ----------
    point : numpy.ndarray, shape (n,)
        The point :math:`p` where the plane touches the graph.
    value : float
        :math:`f(p)`.
    gradient : numpy.ndarray, shape (n,)
        :math:`\nabla f(p)`, the plane's slopes along the axes.
    """

    point: np.ndarray
    value: float
    gradient: np.ndarray

    def __call__(self, points: Any) -> np.ndarray:
        """The plane's height at ``points`` of shape ``(..., n)``."""
        q = require_real_array(points, "points").astype(np.float64)
        if q.ndim == 0 or q.shape[-1] != self.point.size:
            raise ValueError(
                f"points must have shape (..., {self.point.size}), got shape {q.shape}"
            )
        return self.value + (q - self.point) @ self.gradient


def _evaluate_one(f: Callable, point: np.ndarray) -> float:
    value = require_numbers(f(point.copy()), "f")
    if value.shape != () or not np.isfinite(value):
        raise ValueError(
            f"f must return one finite number at {point.tolist()}, got {value!r}"
        )
    return float(value)


def _as_function(f: Any) -> tuple[Callable, Callable | None]:
    """``f`` as a function of one point, and its exact gradient if known."""
    if isinstance(f, (Landscape, str)):
        landscape = as_landscape(f, "f")
        return landscape.value, landscape.gradient  # exact formulas
    return require_callable(f, "f"), None


def tangent_plane(f: Any, point: Any, gradient: Any = None) -> TangentPlane:
    r"""The tangent plane of ``f`` at ``point``.

    Parameters
    ----------
    f : Landscape, str or callable
        A :class:`~calclearn.landscapes.Landscape` or its name (its exact
        gradient is used), or a function ``f(p)`` of a 1-D array returning
        one number.
    point : array_like, shape (n,)
        The point :math:`p`.
    gradient : array_like, shape (n,), optional
        :math:`\nabla f(p)` if you know it; by default the landscape's formula,
        or central differences for a plain function.

    Returns
    -------
    TangentPlane
        :math:`T(q) = f(p) + \nabla f(p) \cdot (q - p)`. It is the best linear
        model near :math:`p` only if :math:`f` is differentiable there; the
        partials existing is not enough (see :func:`linearisation_error`).

    Examples
    --------
    >>> import numpy as np
    >>> plane = tangent_plane(lambda p: p[0] ** 2 + 3 * p[1], [1.0, 5.0])
    >>> float(plane.value), np.round(plane.gradient, 6).tolist()
    (16.0, [2.0, 3.0])
    """
    function, exact_gradient = _as_function(f)
    p = require_vector(point, "point").astype(np.float64)
    value = _evaluate_one(function, p)
    if gradient is not None:
        slopes = require_vector(gradient, "gradient").astype(np.float64)
    elif exact_gradient is not None:
        slopes = np.asarray(exact_gradient(p), dtype=np.float64)
    else:
        slopes = finite_difference_gradient(function, p)
    if slopes.shape != p.shape:
        raise ValueError(
            f"gradient must have the point's shape {p.shape}, got {slopes.shape}"
        )
    p.setflags(write=False)
    slopes.setflags(write=False)
    return TangentPlane(p, value, slopes)


def linearisation_error(
    f: Any, point: Any, direction: Any, radii: Any, gradient: Any = None
) -> np.ndarray:
    r"""How far ``f`` is from its tangent plane at distance ``r`` along a direction.

    .. math::

        e(r) = \bigl| f(p + r u) - f(p) - r\, \nabla f(p) \cdot u \bigr|,
        \qquad u = \frac{d}{\|d\|}.

    For a differentiable ``f``, :math:`e(r)/r \to 0`; with continuous second
    partials :math:`e(r) \approx \tfrac12 r^2 |u^\top H(p)\, u|`, a line of
    slope 2 on log-log axes. Where ``f`` is not differentiable it need not
    shrink at all.

    Parameters
    ----------
    f, point, gradient
        As in :func:`tangent_plane`.
    direction : array_like, shape (n,)
        The direction :math:`d` (any non-zero length).
    radii : array_like, shape (m,)
        The distances :math:`r > 0`.

    Returns
    -------
    numpy.ndarray, shape (m,)

    Examples
    --------
    >>> import numpy as np
    >>> def bowl(p):
    ...     return p[0] ** 2 + p[1] ** 2
    >>> e = linearisation_error(bowl, [1, 1], [1, 0], [0.1, 0.2], gradient=[2, 2])
    >>> np.round(e, 12).tolist()  # exactly r²: (1 + r)² - (1 + 2r)
    [0.01, 0.04]
    """
    function, _ = _as_function(f)
    plane = tangent_plane(f, point, gradient)
    d = require_vector(direction, "direction").astype(np.float64)
    if d.shape != plane.point.shape:
        raise ValueError(
            f"direction must have the point's shape {plane.point.shape}, got {d.shape}"
        )
    length = float(np.linalg.norm(d))
    if length == 0:
        raise ValueError("direction must be non-zero, got the zero vector")
    r = require_vector(radii, "radii").astype(np.float64)
    if np.any(r <= 0):
        raise ValueError(f"radii must be positive, got {r.tolist()}")
    u = d / length
    moved = plane.point + r[:, None] * u
    heights = np.array([_evaluate_one(function, q) for q in moved])
    return np.abs(heights - plane(moved))


def _term(coefficient: float, name: str) -> str:
    """`` + 3·δx`` or `` − 3·δx``: a signed term of a formula, for a title."""
    sign = "−" if coefficient < 0 else "+"
    return f" {sign} {abs(coefficient):.4g}·{name}"


def tangent_plane_figure(
    landscape: Any, point: Any, radius: float | None = None
) -> Figure:
    r"""The tangent plane touching a landscape, and how its error shrinks.

    Left: the surface near ``point`` with its tangent plane (orange) resting on
    it. Right: the error :math:`e(r)` of the plane along the two axes and the
    diagonal, on log-log axes, beside the prediction
    :math:`\tfrac12 r^2 |u^\top H u|` from the Hessian (dashed): slope 2, so
    halving the step quarters the error.

    Parameters
    ----------
    landscape : Landscape or str
        The surface, or its name in :data:`~calclearn.landscapes.LANDSCAPES`.
    point : array_like, shape (2,)
    radius : float, optional
        Half-width of the patch of surface shown (default: a fifth of the
        window's width).

    Returns
    -------
    matplotlib.figure.Figure
    """
    landscape = as_landscape(landscape)
    plane = tangent_plane(landscape, point)
    p = plane.point
    if p.shape != (2,):
        raise ValueError(f"point must be (x, y), got shape {p.shape}")
    (x0, x1), _ = landscape.window
    half = 0.2 * (x1 - x0) if radius is None else float(radius)
    if not (np.isfinite(half) and half > 0):
        raise ValueError(f"radius must be a positive number, got {radius!r}")

    figure = new_figure(9.6, 4.2)
    surface_ax = figure.add_subplot(1, 2, 1, projection="3d")
    error_ax = figure.add_subplot(1, 2, 2)

    offsets = np.linspace(-half, half, 41)
    grid = p + np.stack(np.meshgrid(offsets, offsets), axis=-1)
    with house_style():
        surface_ax.plot_surface(
            grid[..., 0],
            grid[..., 1],
            landscape.value(grid),
            cmap="Blues_r",
            linewidth=0,
            alpha=0.55,
        )
        # A wireframe stays visible where the plane dips under the surface.
        inner = p + np.stack(np.meshgrid(offsets[8:33:4], offsets[8:33:4]), axis=-1)
        surface_ax.plot_wireframe(
            inner[..., 0], inner[..., 1], plane(inner), color=COLORS["secant"], lw=1.4
        )
        surface_ax.scatter(
            *p, plane.value, color=COLORS["point"], s=40, depthshade=False, zorder=10
        )
    surface_ax.view_init(elev=25, azim=-60)
    surface_ax.set_xlabel("x")
    surface_ax.set_ylabel("y")
    surface_ax.set_zlabel("f(x, y)")
    surface_ax.set_title(
        f"tangent plane at ({p[0]:g}, {p[1]:g}):\n"
        f"T = {plane.value:.4g}{_term(plane.gradient[0], 'δx')}"
        f"{_term(plane.gradient[1], 'δy')}",
        fontsize=10,
    )

    radii = half * np.logspace(-4, 0, 40)
    hess = np.asarray(landscape.hessian(p), dtype=np.float64)
    directions = {"along x": (1.0, 0.0), "along y": (0.0, 1.0), "diagonal": (1.0, 1.0)}
    colors = (COLORS["function"], COLORS["tangent"], COLORS["path"])
    with house_style():
        for (label, d), color in zip(directions.items(), colors, strict=True):
            u = np.asarray(d) / np.linalg.norm(d)
            errors = linearisation_error(landscape, p, u, radii)
            curvature = 0.5 * abs(float(u @ hess @ u))
            shown = errors > 0  # log axes cannot show an exact zero
            error_ax.loglog(radii[shown], errors[shown], color=color, label=label)
            if curvature > 0:
                error_ax.loglog(
                    radii, curvature * radii**2, "--", color=color, lw=1.2, alpha=0.8
                )
        error_ax.plot([], [], "--", color=COLORS["muted"], label="½ r² |uᵀHu|")
        error_ax.legend(loc="upper left")
    error_ax.set_xlabel("distance r = |δ| from the point")
    error_ax.set_ylabel("|f(p + δ) − T(p + δ)|")
    error_ax.set_title("error of the linear model: slope 2, O(r²)", fontsize=10)
    return figure
