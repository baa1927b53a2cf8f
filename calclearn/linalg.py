r"""The linear algebra of Chapter 3: a symmetric :math:`2 \times 2` matrix, its
quadratic form, and what its eigenvalues say about gradient descent.

On :math:`f(p) = \tfrac12 p^\top A p - b^\top p` with :math:`A` symmetric,
:math:`\nabla f(p) = A p - b`, and gradient descent moves the error
:math:`e_k = p_k - p^\ast` by :math:`e_{k+1} = (I - \eta A) e_k`. Written in
the eigenvectors of :math:`A`, each component of the error is multiplied by
:math:`1 - \eta\lambda_i` per step (:func:`descent_factors`): every result of
the chapter (the stability bound, the best step, the contraction factor, the
number of steps) is read off those two numbers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from calclearn._validation import require_real_array, require_real_scalar
from calclearn.plots import COLORS, house_style, new_figure

# Relative asymmetry A[0, 1] vs A[1, 0] tolerated as rounding (a matrix built as
# R D R^T is symmetric only to a few ulps).
_SYMMETRY_TOLERANCE = 1e-12


def _require_symmetric_2x2(A: Any) -> np.ndarray:
    matrix = require_real_array(A, "A").astype(np.float64)
    if matrix.shape != (2, 2):
        raise ValueError(f"A must be a 2×2 matrix, got shape {matrix.shape}")
    scale = max(float(np.abs(matrix).max()), np.finfo(float).tiny)
    if abs(matrix[0, 1] - matrix[1, 0]) > _SYMMETRY_TOLERANCE * scale:
        raise ValueError(
            f"A must be symmetric (A[0, 1] == A[1, 0]), got {matrix[0, 1]!r} "
            f"and {matrix[1, 0]!r}"
        )
    return matrix


def _require_point(p: Any, name: str) -> np.ndarray:
    point = require_real_array(p, name).astype(np.float64)
    if point.shape[-1:] != (2,):
        raise ValueError(
            f"{name} must be a point (x, y) or an array of them (shape (..., 2)), "
            f"got shape {point.shape}"
        )
    return point


@dataclass(frozen=True)
class SymmetricEigen:
    r"""The eigen-decomposition :math:`A = V \operatorname{diag}(\lambda) V^\top`.

    Attributes
    ----------
    matrix : numpy.ndarray, shape (2, 2)
        :math:`A`.
    eigenvalues : numpy.ndarray, shape (2,)
        :math:`\lambda_{min} \le \lambda_{max}`.
    eigenvectors : numpy.ndarray, shape (2, 2)
        Unit eigenvectors as columns, in the order of :attr:`eigenvalues`;
        perpendicular to each other.
    """

    matrix: np.ndarray
    eigenvalues: np.ndarray
    eigenvectors: np.ndarray

    @property
    def positive_definite(self) -> bool:
        r"""True when both eigenvalues are positive: :math:`p^\top A p > 0` for
        every :math:`p \ne 0`, and :math:`\tfrac12 p^\top A p` is a bowl."""
        return bool(self.eigenvalues[0] > 0)

    @property
    def condition_number(self) -> float:
        r""":math:`\kappa = \lambda_{max} / \lambda_{min}` (positive definite only).

        Raises
        ------
        ValueError
            If :math:`A` is not positive definite.
        """
        if not self.positive_definite:
            raise ValueError(
                "the condition number λmax/λmin is defined here for a positive "
                f"definite A only; its eigenvalues are {self.eigenvalues.tolist()}"
            )
        return float(self.eigenvalues[1] / self.eigenvalues[0])


def symmetric_eigen(A: Any) -> SymmetricEigen:
    r"""Eigenvalues and unit eigenvectors of a symmetric :math:`2 \times 2` matrix.

    For :math:`A = \begin{pmatrix} a & c \\ c & d \end{pmatrix}`, in closed form:

    .. math::

        \lambda_{max,min} = m \pm r, \quad m = \frac{a + d}{2},\quad
        r = \sqrt{\Big(\frac{a - d}{2}\Big)^2 + c^2}, \qquad
        v_{max} = (\cos\varphi, \sin\varphi),\quad
        \varphi = \tfrac12 \operatorname{atan2}(2c,\, a - d),

    and :math:`v_{min} = (-\sin\varphi, \cos\varphi)`, perpendicular to
    :math:`v_{max}`. When :math:`r = 0` (:math:`A = \lambda I`) every direction
    is an eigenvector; this function then *chooses* the coordinate axes.

    Parameters
    ----------
    A : array_like, shape (2, 2)
        A real symmetric matrix.

    Returns
    -------
    SymmetricEigen

    Raises
    ------
    ValueError
        If ``A`` is not a finite symmetric 2×2 matrix.

    Examples
    --------
    >>> eigen = symmetric_eigen([[3.0, 1.0], [1.0, 3.0]])
    >>> eigen.eigenvalues.tolist()
    [2.0, 4.0]
    >>> eigen.eigenvectors.round(4).tolist()  # columns: v_min, v_max
    [[-0.7071, 0.7071], [0.7071, 0.7071]]
    >>> eigen.positive_definite, eigen.condition_number
    (True, 2.0)
    """
    matrix = _require_symmetric_2x2(A)
    a, c, d = matrix[0, 0], 0.5 * (matrix[0, 1] + matrix[1, 0]), matrix[1, 1]
    mean = 0.5 * (a + d)
    radius = math.hypot(0.5 * (a - d), c)
    # The eigenvalue of larger size from m ± r, the other from the determinant
    # λ₁λ₂ = ad − c²: m ∓ r would lose a tiny eigenvalue to cancellation
    # (diag(1, 1e-20) would look singular).
    big = mean + math.copysign(radius, mean)
    other = (a * d - c * c) / big if big != 0 else 0.0
    smallest, largest = sorted((other, big))
    phi = 0.5 * math.atan2(2 * c, a - d)
    v_max = np.array([math.cos(phi), math.sin(phi)])
    v_min = np.array([-v_max[1], v_max[0]])
    matrix.setflags(write=False)
    return SymmetricEigen(
        matrix=matrix,
        eigenvalues=np.array([smallest, largest]),
        eigenvectors=np.column_stack([v_min, v_max]),
    )


def quadratic_form(A: Any, p: Any) -> np.ndarray:
    r""":math:`p^\top A p = \sum_{ij} p_i A_{ij} p_j`, for one point or many.

    Parameters
    ----------
    A : array_like, shape (2, 2)
        A symmetric matrix.
    p : array_like, shape (..., 2)

    Returns
    -------
    numpy.ndarray, shape p.shape[:-1]

    Examples
    --------
    >>> float(quadratic_form([[3, 1], [1, 3]], [1, 2]))  # 3 + 2·2 + 12
    19.0
    """
    matrix = _require_symmetric_2x2(A)
    point = _require_point(p, "p")
    return np.einsum("...i,ij,...j->...", point, matrix, point)


def quadratic_gradient(A: Any, b: Any, p: Any) -> np.ndarray:
    r"""The gradient :math:`A p - b` of :math:`f(p) = \tfrac12 p^\top A p - b^\top p`.

    Derivation: :math:`\partial_k \sum_{ij} p_i A_{ij} p_j = \sum_j A_{kj} p_j
    + \sum_i p_i A_{ik} = 2 (A p)_k` when :math:`A` is symmetric, and
    :math:`\partial_k\, b^\top p = b_k`.

    Parameters
    ----------
    A : array_like, shape (2, 2)
        A symmetric matrix.
    b : array_like, shape (2,)
    p : array_like, shape (..., 2)

    Returns
    -------
    numpy.ndarray, shape p.shape

    Examples
    --------
    >>> quadratic_gradient([[3, 1], [1, 3]], [1, 0], [1, 2]).tolist()
    [4.0, 7.0]
    """
    matrix = _require_symmetric_2x2(A)
    vector = _require_point(b, "b")
    if vector.shape != (2,):
        raise ValueError(f"b must be a vector of length 2, got shape {vector.shape}")
    point = _require_point(p, "p")
    return point @ matrix.T - vector


def descent_factors(eigenvalues: Any, lr: float) -> np.ndarray:
    r"""The factors :math:`1 - \eta\lambda_i` that multiply each eigen-component
    of the error per gradient-descent step.

    From :math:`e_{k+1} = (I - \eta A) e_k` and :math:`A v_i = \lambda_i v_i`:
    the component along :math:`v_i` after :math:`k` steps is
    :math:`(1 - \eta\lambda_i)^k` times what it was. Descent converges from every
    start iff every :math:`|1 - \eta\lambda_i| < 1`, i.e.
    :math:`0 < \eta < 2/\lambda_{max}`.

    Parameters
    ----------
    eigenvalues : array_like
        The eigenvalues :math:`\lambda_i` of the Hessian.
    lr : float
        The learning rate :math:`\eta > 0`.

    Returns
    -------
    numpy.ndarray

    Examples
    --------
    >>> descent_factors([1.0, 4.0], 0.4).tolist()  # the best step for λ = 1, 4
    [0.6, -0.6000000000000001]
    """
    values = require_real_array(eigenvalues, "eigenvalues").astype(np.float64)
    if values.ndim != 1 or values.size == 0:
        raise ValueError(
            f"eigenvalues must be a non-empty 1-D array, got shape {values.shape}"
        )
    rate = require_real_scalar(lr, "lr", positive=True)
    return 1.0 - rate * values


def contraction_factor(eigenvalues: Any, lr: float) -> float:
    r"""The worst per-step factor :math:`\rho = \max_i |1 - \eta\lambda_i|`.

    The distance to the minimum satisfies
    :math:`\|p_k - p^\ast\| \le \rho^k \|p_0 - p^\ast\|`, with equality in the
    long run from a generic start; the loss gap
    :math:`f(p_k) - f(p^\ast) = \tfrac12 e_k^\top A e_k` is quadratic in the
    error, so it falls like :math:`\rho^{2k}`. With the best step
    :math:`\eta = 2/(\lambda_{min} + \lambda_{max})`,
    :math:`\rho = (\kappa - 1)/(\kappa + 1)`.

    Examples
    --------
    >>> round(contraction_factor([1.0, 10.0], 2 / 11), 12)  # (10 − 1)/(10 + 1)
    0.818181818182
    """
    return float(np.abs(descent_factors(eigenvalues, lr)).max())


def steps_to_shrink(rate: float, factor: float = 1e6) -> float:
    r"""Steps for a per-step factor ``rate`` to shrink an error ``factor``-fold.

    .. math:: k = \frac{\ln(\text{factor})}{-\ln \rho}
              \approx \frac{\kappa}{2} \ln(\text{factor})
              \text{ for } \rho = \frac{\kappa - 1}{\kappa + 1},\ \kappa \gg 1.

    Returns ``0.0`` for ``rate == 0`` (one step lands on the minimum) and
    ``inf`` for ``rate >= 1`` (no progress).

    Examples
    --------
    >>> round(steps_to_shrink(9 / 11), 2)
    68.85
    """
    rho = require_real_scalar(rate, "rate", nonnegative=True)
    shrink = require_real_scalar(factor, "factor", positive=True)
    if shrink <= 1:
        raise ValueError(f"factor must be greater than 1, got {shrink}")
    if rho == 0:
        return 0.0
    if rho >= 1:
        return math.inf
    return math.log(shrink) / -math.log(rho)


def level_set_ellipse(A: Any, level: float, points: int = 90) -> np.ndarray:
    r"""Points on the level set :math:`\tfrac12 p^\top A p = c` (an ellipse).

    In eigen-coordinates :math:`p = s_1 v_1 + s_2 v_2` the level set reads
    :math:`\tfrac12(\lambda_1 s_1^2 + \lambda_2 s_2^2) = c`: an ellipse with
    semi-axis :math:`\sqrt{2c/\lambda_i}` along :math:`v_i`, longest along the
    least curved direction.

    Parameters
    ----------
    A : array_like, shape (2, 2)
        Symmetric positive definite.
    level : float
        :math:`c > 0`.
    points : int
        Number of points (the first is repeated at the end, closing the curve).

    Returns
    -------
    numpy.ndarray, shape (points, 2)
    """
    eigen = symmetric_eigen(A)
    if not eigen.positive_definite:
        raise ValueError(
            "A must be positive definite for its level sets to be ellipses; "
            f"its eigenvalues are {eigen.eigenvalues.tolist()}"
        )
    c = require_real_scalar(level, "level", positive=True)
    t = np.linspace(0.0, 2 * np.pi, points)
    semi_axes = np.sqrt(2 * c / eigen.eigenvalues)
    coordinates = np.column_stack([np.cos(t), np.sin(t)]) * semi_axes
    return coordinates @ eigen.eigenvectors.T


def eigen_figure(A: Any, levels: Any = (0.5, 2.0, 4.5)) -> Figure:
    r"""The level sets of :math:`\tfrac12 p^\top A p` with the eigenvectors of ``A``.

    Each eigenvector :math:`v_i` is drawn along its ellipse axis, as long as
    the semi-axis :math:`\sqrt{2c/\lambda_i}` of the outermost level
    :math:`c`: the smaller eigenvalue, the longer the axis (the bowl is
    flatter that way).

    Parameters
    ----------
    A : array_like, shape (2, 2)
        Symmetric positive definite.
    levels : sequence of float
        The levels :math:`c > 0` drawn.

    Returns
    -------
    matplotlib.figure.Figure
    """
    eigen = symmetric_eigen(A)
    heights = require_real_array(levels, "levels")
    if heights.ndim != 1 or heights.size == 0 or np.any(heights <= 0):
        raise ValueError(f"levels must be positive numbers, got {levels!r}")
    figure = new_figure(4.8, 4.6)
    ax = figure.add_subplot()
    with house_style():
        for level in heights:
            ellipse = level_set_ellipse(eigen.matrix, float(level))
            ax.plot(ellipse[:, 0], ellipse[:, 1], color="#7d9bd1", lw=1.1)
        outer = float(heights.max())
        names = ("λmin", "λmax")
        colors = (COLORS["tangent"], COLORS["path"])
        for i, (name, color) in enumerate(zip(names, colors, strict=True)):
            value = eigen.eigenvalues[i]
            tip = math.sqrt(2 * outer / value) * eigen.eigenvectors[:, i]
            ax.annotate(
                "",
                xy=tuple(tip),
                xytext=(0, 0),
                arrowprops={"arrowstyle": "-|>", "color": color, "lw": 2.2},
            )
            ax.plot(
                [], [], color=color, lw=2.2, label=f"eigenvector, {name} = {value:.4g}"
            )
        reach = 1.15 * math.sqrt(2 * outer / eigen.eigenvalues[0])
    ax.plot([0], [0], "*", color="#f5c518", mec="black", ms=13, zorder=6)
    ax.set_xlim(-reach, reach)
    ax.set_ylim(-reach, reach)
    ax.set_aspect("equal", adjustable="box")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14))
    levels_text = ", ".join(f"{c:g}" for c in heights)
    ax.set_title(f"level sets ½ pᵀAp = {levels_text}\nand the eigenvectors of A")
    return figure
