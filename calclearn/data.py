r"""Toy data sets for training small networks, generated on the spot.

Every function draws from ``numpy.random.default_rng(seed)``, so the same
seed gives the same data on every machine and every run; nothing is ever
downloaded.

Classification sets return ``(X, y)``: ``X`` of shape ``(n, 2)``, float64,
and ``y`` of shape ``(n,)``, int64 class labels ``0, 1, …``, with the classes
as equal in size as ``n`` allows (the first classes get one more point).
Regression sets return ``(x, y)``, both of shape ``(n,)``, float64, with
``x`` sorted.

Examples
--------
>>> X, y = two_moons(100, seed=0)
>>> X.shape, X.dtype, y.shape, sorted(set(y.tolist()))
((100, 2), dtype('float64'), (100,), [0, 1])
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from calclearn._validation import require_int, require_real_scalar

__all__ = ["blobs", "noisy_linear", "noisy_polynomial", "spirals", "two_moons"]


def _class_sizes(n: int, classes: int) -> np.ndarray:
    """Sizes of ``classes`` groups that add up to ``n``, as equal as possible."""
    return np.full(classes, n // classes) + (np.arange(classes) < n % classes)


def _labels(n: int, classes: int) -> np.ndarray:
    return np.repeat(np.arange(classes), _class_sizes(n, classes)).astype(np.int64)


def two_moons(
    n: int = 200, noise: float = 0.1, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    r"""Two interleaved half circles, one per class.

    Class 0: :math:`(\cos t, \sin t)`; class 1: :math:`(1 - \cos t,\;
    \tfrac12 - \sin t)`, with :math:`t` uniform on :math:`[0, \pi]`, plus
    Gaussian noise of standard deviation ``noise`` on each coordinate. Not
    separable by a line: the first data set that needs a hidden layer.

    Parameters
    ----------
    n : int
        Number of points (at least 2).
    noise : float
        Standard deviation of the noise (≥ 0).
    seed : int
        Seed of the generator.

    Returns
    -------
    X : numpy.ndarray, shape (n, 2), float64
    y : numpy.ndarray, shape (n,), int64, labels 0 and 1
    """
    n = require_int(n, "n", minimum=2)
    noise = require_real_scalar(noise, "noise", nonnegative=True)
    rng = np.random.default_rng(require_int(seed, "seed"))
    y = _labels(n, 2)
    t = rng.uniform(0.0, np.pi, size=n)
    upper = np.column_stack([np.cos(t), np.sin(t)])
    lower = np.column_stack([1.0 - np.cos(t), 0.5 - np.sin(t)])
    X = np.where(y[:, None] == 0, upper, lower)
    return X + noise * rng.normal(size=X.shape), y


def spirals(
    n: int = 300, arms: int = 2, noise: float = 0.05, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    r"""Interleaved spiral arms, one class per arm.

    Arm :math:`k` of :math:`K`: radius :math:`r \in [0.1, 1]` and angle
    :math:`\theta = 4r + 2\pi k / K` (a little under two thirds of a turn),
    point :math:`r(\cos\theta, \sin\theta)` plus Gaussian noise.

    Parameters
    ----------
    n : int
        Number of points (at least ``arms``).
    arms : int
        Number of arms and classes (at least 2).
    noise : float
        Standard deviation of the noise (≥ 0).
    seed : int
        Seed of the generator.

    Returns
    -------
    X : numpy.ndarray, shape (n, 2), float64
    y : numpy.ndarray, shape (n,), int64, labels ``0 … arms - 1``
    """
    arms = require_int(arms, "arms", minimum=2)
    n = require_int(n, "n", minimum=arms)
    noise = require_real_scalar(noise, "noise", nonnegative=True)
    rng = np.random.default_rng(require_int(seed, "seed"))
    y = _labels(n, arms)
    radius = rng.uniform(0.1, 1.0, size=n)
    angle = 4.0 * radius + 2.0 * np.pi * y / arms
    X = radius[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])
    return X + noise * rng.normal(size=X.shape), y


def blobs(
    n: int = 200,
    centers: int | Sequence[Sequence[float]] = 3,
    spread: float = 0.5,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    r"""Gaussian clusters, one class per cluster.

    Parameters
    ----------
    n : int
        Number of points (at least the number of clusters).
    centers : int or sequence of (x, y) pairs
        The cluster centres, or how many: then they sit evenly on the circle
        of radius 2 around the origin, the first at :math:`(2, 0)`.
    spread : float
        Standard deviation of each cluster along each axis (> 0).
    seed : int
        Seed of the generator.

    Returns
    -------
    X : numpy.ndarray, shape (n, 2), float64
    y : numpy.ndarray, shape (n,), int64, labels ``0 … len(centers) - 1``
    """
    if isinstance(centers, (int, np.integer)) and not isinstance(centers, bool):
        count = require_int(centers, "centers", minimum=1)
        angles = 2.0 * np.pi * np.arange(count) / count
        middles = 2.0 * np.column_stack([np.cos(angles), np.sin(angles)])
    else:
        try:
            middles = np.asarray(centers, dtype=np.float64)
        except (TypeError, ValueError):
            raise TypeError(
                "centers must be a number of clusters or a list of (x, y) pairs"
            ) from None
        if middles.ndim != 2 or middles.shape[1] != 2 or len(middles) == 0:
            raise ValueError(
                f"centers must be a list of (x, y) pairs, got shape {middles.shape}"
            )
        if not np.all(np.isfinite(middles)):
            raise ValueError("centers must be finite")
    n = require_int(n, "n", minimum=len(middles))
    spread = require_real_scalar(spread, "spread", positive=True)
    rng = np.random.default_rng(require_int(seed, "seed"))
    y = _labels(n, len(middles))
    return middles[y] + spread * rng.normal(size=(n, 2)), y


def noisy_linear(
    n: int = 50,
    slope: float = 2.0,
    intercept: float = -1.0,
    noise: float = 0.3,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    r"""Points around a line: :math:`y = \text{slope}\,x + \text{intercept} +
    \varepsilon`, :math:`\varepsilon \sim N(0, \text{noise}^2)`, x uniform on
    [-1, 1].

    Parameters
    ----------
    n : int
        Number of points (at least 2).
    slope, intercept : float
    noise : float
        Standard deviation of the noise (≥ 0).
    seed : int

    Returns
    -------
    x, y : numpy.ndarray, each of shape (n,), float64, x sorted
    """
    slope = require_real_scalar(slope, "slope")
    intercept = require_real_scalar(intercept, "intercept")
    return noisy_polynomial(n, (intercept, slope), noise=noise, seed=seed)


def noisy_polynomial(
    n: int = 50,
    coefficients: Sequence[float] = (0.5, -1.0, 0.0, 1.5),
    noise: float = 0.2,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    r"""Points around a polynomial :math:`y = \sum_k c_k x^k + \varepsilon`,
    :math:`\varepsilon \sim N(0, \text{noise}^2)`, x uniform on [-1, 1].

    Parameters
    ----------
    n : int
        Number of points (at least 2).
    coefficients : sequence of float
        :math:`c_0, c_1, \dots`, constant term first.
    noise : float
        Standard deviation of the noise (≥ 0).
    seed : int

    Returns
    -------
    x, y : numpy.ndarray, each of shape (n,), float64, x sorted

    Examples
    --------
    >>> x, y = noisy_polynomial(5, (1.0, 2.0), noise=0.0)
    >>> bool(np.allclose(y, 1.0 + 2.0 * x))
    True
    """
    n = require_int(n, "n", minimum=2)
    noise = require_real_scalar(noise, "noise", nonnegative=True)
    if isinstance(coefficients, (str, bytes)):
        raise TypeError("coefficients must be a list of numbers, got a string")
    try:
        powers = np.asarray(coefficients, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError("coefficients must be a list of numbers") from None
    if powers.ndim != 1 or powers.size == 0 or not np.all(np.isfinite(powers)):
        raise ValueError(
            "coefficients must be a non-empty list of finite numbers, constant "
            f"term first, got {coefficients!r}"
        )
    rng = np.random.default_rng(require_int(seed, "seed"))
    x = np.sort(rng.uniform(-1.0, 1.0, size=n))
    y = np.polynomial.polynomial.polyval(x, powers)
    return x, y + noise * rng.normal(size=n)
