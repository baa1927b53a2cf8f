r"""Numerical integration: Riemann sums, the trapezoid and Simpson rules, Monte Carlo.

A quadrature rule replaces :math:`I = \int_a^b f(x)\,dx` by a weighted sum of
values of :math:`f` at *nodes*. With :math:`n` subintervals of width
:math:`h = (b - a)/n`, the error :math:`I - Q_n` of each rule here is, for some
:math:`\xi` between :math:`a` and :math:`b` (if :math:`f` is smooth enough),

=============== ========================================== ===============
rule            error :math:`I - Q_n`                      order
=============== ========================================== ===============
left            :math:`+(b-a)\,h\,f'(\xi)/2`               :math:`O(h)`
right           :math:`-(b-a)\,h\,f'(\xi)/2`               :math:`O(h)`
midpoint        :math:`+(b-a)\,h^2 f''(\xi)/24`            :math:`O(h^2)`
trapezoid       :math:`-(b-a)\,h^2 f''(\xi)/12`            :math:`O(h^2)`
Simpson         :math:`-(b-a)\,h^4 f^{(4)}(\xi)/180`       :math:`O(h^4)`
=============== ========================================== ===============

so halving :math:`h` divides the error by 2, 4 and 16 respectively, and the
midpoint and trapezoid rules are exact for polynomials of degree at most 1,
Simpson's for degree at most 3.

The trapezoid rule has a hidden strength. By the Euler–Maclaurin formula its
error is an expansion in the odd derivatives *at the end points*,

.. math:: I - T_n = -\frac{h^2}{12}\bigl(f'(b) - f'(a)\bigr)
   + \frac{h^4}{720}\bigl(f'''(b) - f'''(a)\bigr) - \cdots,

so on a smooth integrand whose derivatives all vanish at both ends (a Gaussian
over a wide interval, a periodic function over a period) every term vanishes and
the error falls faster than any power of :math:`h`. Simpson's rule,
:math:`S_n = (4T_n - T_{n/2})/3`, mixes in the coarser :math:`T_{n/2}` and
loses that: there the trapezoid rule wins by many digits.

Monte Carlo estimates an expectation :math:`E[f(X)]` by the mean of
:math:`f` at :math:`n` random draws of :math:`X`; its standard error falls like
:math:`n^{-1/2}` whatever the dimension of :math:`X`, which is why it wins in
high dimensions where a grid needs :math:`m^d` nodes. Importance sampling draws
from another distribution and reweights.

For Chapter 8's measurements: :func:`quadrature` picks a rule by name,
:func:`quadrature_errors` and :func:`convergence_order` measure an order as a
slope on log-log axes, :func:`monte_carlo_rms_errors` averages Monte Carlo's
error over repeated runs, :func:`running_estimates` follows one run as the
sample grows, and :func:`grid_midpoint` with :func:`dimension_study` pits a
grid against Monte Carlo as the dimension grows.

Every function calls the integrand **once**, on a numpy array of all the nodes
(or sample points), so it must be vectorised: ``np.sin``, not ``math.sin``.
"""

from __future__ import annotations

import math
import numbers
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

import numpy as np

from calclearn._validation import (
    require_callable,
    require_choice,
    require_int,
    require_numbers,
    require_real_array,
    require_real_scalar,
)

RULES = ("left", "right", "midpoint")


# --------------------------------------------------------------------------
# Calling the learner's functions
# --------------------------------------------------------------------------


def _call(
    func: Callable, name: str, description: str, type_hint: str, *args: Any
) -> Any:
    """Call a learner's function; turn any exception into one naming ``name``.

    A ``TypeError`` stays a ``TypeError`` and gets ``type_hint`` appended (it
    usually means a wrong signature or a non-vectorised function). numpy's
    warnings (log of a negative number, ...) are silenced: the caller checks
    the result for nan and inf and says where they appeared.
    """
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        try:
            return func(*args)
        except Exception as exc:
            message = (
                f"{name} raised {type(exc).__name__} when called {description}: {exc}"
            )
            if isinstance(exc, TypeError):
                raise TypeError(f"{message} ({type_hint})") from exc
            raise ValueError(message) from exc


def _one_value_per_point(
    func: Callable, name: str, points: np.ndarray, what: str
) -> np.ndarray:
    """``func(points)`` as a finite float array with one value per point.

    ``func`` gets a fresh copy of ``points``, so a function that changes its
    argument in place cannot change the points reported in error messages.
    ``what`` names a point in messages ("node", "sample point").
    """
    count = len(points)
    raw = _call(
        func,
        name,
        f"on the {count} {what}s (an array of shape {points.shape})",
        f"{name} must work on a whole numpy array at once: np.sin, not math.sin",
        points.copy(),
    )
    values = require_numbers(raw, name)
    if np.iscomplexobj(values):
        raise TypeError(f"{name} must return real numbers, got complex values")
    if values.shape != (count,):
        hint = (
            " (for a constant c, return np.full(len(x), c))" if values.ndim == 0 else ""
        )
        raise ValueError(
            f"{name} must return one number per {what}: for {count} {what}s "
            f"(an array of shape {points.shape}) it returned shape "
            f"{values.shape}{hint}"
        )
    values = values.astype(np.float64)
    finite = np.isfinite(values)
    if not finite.all():
        index = int(np.argmin(finite))
        point = points[index]
        shown = float(point) if point.ndim == 0 else point.tolist()
        raise ValueError(
            f"{name} returned {values[index]} at {what} {index} of {count}, "
            f"x = {shown}; it must be finite at every {what}"
        )
    return values


# --------------------------------------------------------------------------
# Quadrature rules on [a, b]
# --------------------------------------------------------------------------


def _quadrature(
    f: Any,
    a: Any,
    b: Any,
    n: Any,
    nodes_and_weights: Callable[[float, float, int], tuple[np.ndarray, np.ndarray]],
    *,
    even: bool = False,
) -> float:
    """Check the arguments, orient the interval and apply a rule.

    ``nodes_and_weights(lo, hi, n)`` gives the nodes in ``[lo, hi]`` and their
    weights as multiples of ``h = (hi - lo) / n``.
    """
    f = require_callable(f, "f")
    lo = require_real_scalar(a, "a")
    hi = require_real_scalar(b, "b")
    n = require_int(n, "n", minimum=2 if even else 1)
    if even and n % 2:
        raise ValueError(
            f"n must be even for Simpson's rule (it fits a parabola to each "
            f"pair of subintervals), got {n}"
        )
    if lo == hi:
        return 0.0
    if not np.isfinite(hi - lo):
        raise ValueError(f"b - a must be a finite float, but {hi} - {lo} overflows")
    # Integrate left to right and flip the sign, so that "left" always means
    # the left end of each piece on the real line, and every rule satisfies
    # the integral's own rule that swapping the bounds flips the sign.
    sign = 1.0 if lo < hi else -1.0
    lo, hi = min(lo, hi), max(lo, hi)
    nodes, weights = nodes_and_weights(lo, hi, n)
    values = _one_value_per_point(f, "f", nodes, "node")
    h = (hi - lo) / n
    return sign * h * float(np.sum(weights * values))


def _riemann_nodes(rule: str) -> Callable[[float, float, int], tuple]:
    """The nodes of ``rule``, one per rectangle, each of weight 1."""

    def nodes_and_weights(lo: float, hi: float, n: int) -> tuple:
        edges = np.linspace(lo, hi, n + 1)
        if rule == "left":
            return edges[:-1], np.ones(n)
        if rule == "right":
            return edges[1:], np.ones(n)
        return edges[:-1] + np.diff(edges) / 2, np.ones(n)

    return nodes_and_weights


def riemann(f: Callable, a: float, b: float, n: int, rule: str = "midpoint") -> float:
    r"""A Riemann sum: the area of ``n`` rectangles of width ``h = (b - a)/n``.

    .. math:: R_n = h \sum_{i=0}^{n-1} f(x_i^*), \qquad
       x_i^* = \begin{cases} a + i h & \text{left} \\ a + (i+1) h & \text{right}
       \\ a + (i + \tfrac12) h & \text{midpoint} \end{cases}

    Errors :math:`I - R_n` (for some :math:`\xi \in [a, b]`):
    left :math:`(b-a)\,h\,f'(\xi)/2`, right :math:`-(b-a)\,h\,f'(\xi)/2`, both
    :math:`O(h)`; midpoint :math:`(b-a)\,h^2 f''(\xi)/24`, :math:`O(h^2)`, exact
    for polynomials of degree at most 1.

    Parameters
    ----------
    f : callable
        The integrand, vectorised: called once on the array of the ``n``
        nodes, it must return an array of ``n`` finite numbers.
    a, b : float
        The bounds, finite. If ``a > b`` the result is minus the sum over
        ``[b, a]`` (so "left" always means the left end of each piece on the
        real line); if ``a == b`` it is 0 and ``f`` is not called.
    n : int
        The number of subintervals (rectangles), at least 1.
    rule : {"midpoint", "left", "right"}
        Where each rectangle touches the curve.

    Returns
    -------
    float
        The Riemann sum.

    Raises
    ------
    TypeError
        If ``f`` is not callable, ``n`` is not an integer, or ``a``, ``b`` are
        not real numbers.
    ValueError
        If ``n < 1``, ``rule`` is unknown, a bound is not finite, or ``f``
        returns the wrong shape or a nan/inf at a node (the message says which).

    Examples
    --------
    >>> import numpy as np
    >>> round(riemann(np.exp, 0.0, 1.0, 100, rule="left"), 6)  # e - 1 = 1.718282
    1.709705
    >>> round(riemann(np.exp, 0.0, 1.0, 100), 6)
    1.718275
    >>> riemann(lambda x: 3 * x + 1, 0.0, 2.0, 1)  # exact on straight lines
    8.0
    """
    rule = require_choice(rule, "rule", RULES)
    return _quadrature(f, a, b, n, _riemann_nodes(rule))


def _trapezoid_nodes(lo: float, hi: float, n: int) -> tuple:
    weights = np.ones(n + 1)
    weights[[0, -1]] = 0.5
    return np.linspace(lo, hi, n + 1), weights


def trapezoid(f: Callable, a: float, b: float, n: int) -> float:
    r"""The composite trapezoid rule with ``n`` subintervals.

    Joins the points :math:`(x_i, f(x_i))`, :math:`x_i = a + i h`,
    :math:`h = (b-a)/n`, by straight lines and adds the areas of the trapezoids:

    .. math:: T_n = h \left( \tfrac12 f(x_0) + f(x_1) + \cdots + f(x_{n-1})
       + \tfrac12 f(x_n) \right).

    Error :math:`I - T_n = -(b-a)\,h^2 f''(\xi)/12`, :math:`O(h^2)`: exact for
    polynomials of degree at most 1, and twice the midpoint rule's error with
    the opposite sign. By Euler–Maclaurin the error is
    :math:`-\tfrac{h^2}{12}(f'(b) - f'(a)) + \tfrac{h^4}{720}(f'''(b) - f'''(a))
    - \cdots`; when the odd derivatives vanish at both ends (a smooth integrand
    that decays to zero, or a periodic one over a period) it falls faster than
    any power of :math:`h`.

    Parameters
    ----------
    f : callable
        The integrand, vectorised: called once on the array of the ``n + 1``
        nodes, it must return ``n + 1`` finite numbers.
    a, b : float
        The bounds, finite; ``a > b`` flips the sign, ``a == b`` gives 0.
    n : int
        The number of subintervals, at least 1.

    Returns
    -------
    float
        The trapezoid-rule estimate of the integral.

    Raises
    ------
    TypeError, ValueError
        As :func:`riemann`.

    Examples
    --------
    >>> import numpy as np
    >>> round(trapezoid(np.sin, 0.0, np.pi, 100), 6)  # 2 - pi**2 / 60000
    1.999836
    >>> trapezoid(np.sin, 1.0, 0.0, 8) == -trapezoid(np.sin, 0.0, 1.0, 8)
    True
    """
    return _quadrature(f, a, b, n, _trapezoid_nodes)


def _simpson_nodes(lo: float, hi: float, n: int) -> tuple:
    weights = np.ones(n + 1)
    weights[1:-1:2] = 4.0
    weights[2:-1:2] = 2.0
    return np.linspace(lo, hi, n + 1), weights / 3


def simpson(f: Callable, a: float, b: float, n: int) -> float:
    r"""Composite Simpson's rule with ``n`` subintervals (``n`` even).

    Fits a parabola through each pair of subintervals:

    .. math:: S_n = \frac{h}{3} \bigl( f(x_0) + 4 f(x_1) + 2 f(x_2) + 4 f(x_3)
       + \cdots + 4 f(x_{n-1}) + f(x_n) \bigr), \qquad h = \frac{b - a}{n}.

    Error :math:`I - S_n = -(b-a)\,h^4 f^{(4)}(\xi)/180`, :math:`O(h^4)`: exact
    for polynomials of degree at most 3 (one more than the parabolas, by
    symmetry). It equals :math:`(4 T_n - T_{n/2})/3`, Richardson extrapolation
    of the trapezoid rule, which is why it can lose to the trapezoid rule on
    integrands whose derivatives vanish at both ends (see :func:`trapezoid`).

    Parameters
    ----------
    f : callable
        The integrand, vectorised: called once on the array of the ``n + 1``
        nodes, it must return ``n + 1`` finite numbers.
    a, b : float
        The bounds, finite; ``a > b`` flips the sign, ``a == b`` gives 0.
    n : int
        The number of subintervals: even, at least 2.

    Returns
    -------
    float
        Simpson's estimate of the integral.

    Raises
    ------
    TypeError, ValueError
        As :func:`riemann`, and ``ValueError`` if ``n`` is odd.

    Examples
    --------
    >>> import numpy as np
    >>> round(simpson(np.sin, 0.0, np.pi, 100), 10)  # 2 + pi**4 / 9e9
    2.0000000108
    >>> simpson(lambda x: x**3, 0.0, 2.0, 2)  # exact on cubics: 2**4 / 4
    4.0
    """
    return _quadrature(f, a, b, n, _simpson_nodes, even=True)


# --------------------------------------------------------------------------
# Monte Carlo
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class MonteCarloEstimate:
    r"""The result of :func:`monte_carlo`: an estimate and its standard error.

    Attributes
    ----------
    estimate : float
        The sample mean :math:`\hat\mu`.
    stderr : float
        Its standard error, :math:`s / \sqrt{n}` with :math:`s` the sample
        standard deviation (``ddof=1``).
    n : int
        The number of sample points.
    """

    estimate: float
    stderr: float
    n: int

    def confidence_interval(self, level: float = 0.95) -> tuple[float, float]:
        r"""The normal-approximation confidence interval
        :math:`\hat\mu \pm z\,\mathrm{stderr}`.

        Parameters
        ----------
        level : float
            The coverage, strictly between 0 and 1; ``z`` is the normal
            quantile (1.96 for 0.95). By the central limit theorem the interval
            contains the true value with probability close to ``level`` for
            large ``n``.

        Returns
        -------
        tuple of float
            ``(low, high)``.

        Examples
        --------
        >>> result = MonteCarloEstimate(estimate=1.0, stderr=0.5, n=100)
        >>> [round(end, 4) for end in result.confidence_interval()]  # 1 -/+ 1.96/2
        [0.02, 1.98]
        """
        level = require_real_scalar(level, "level")
        if not 0 < level < 1:
            raise ValueError(
                f"level must be strictly between 0 and 1 (0.95 for 95 %), got {level}"
            )
        z = NormalDist().inv_cdf(0.5 + level / 2)
        return (self.estimate - z * self.stderr, self.estimate + z * self.stderr)


@dataclass(frozen=True)
class ImportanceEstimate(MonteCarloEstimate):
    r"""The result of :func:`importance_sampling`.

    Attributes
    ----------
    estimate, stderr, n
        As :class:`MonteCarloEstimate`.
    effective_sample_size : float
        Kish's :math:`(\sum_i w_i)^2 / \sum_i w_i^2` for the weights
        :math:`w_i = p(x_i)/q(x_i)`: ``n`` when the proposal matches the
        target, much less than ``n`` when a few points carry all the weight
        (a warning that the estimate is unreliable).
    """

    effective_sample_size: float


def _generator(seed: Any) -> np.random.Generator:
    """A Generator from ``seed``: None, a non-negative integer or a Generator."""
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is not None and (
        isinstance(seed, bool) or not isinstance(seed, numbers.Integral)
    ):
        raise TypeError(
            "seed must be None, a non-negative integer or a numpy.random.Generator, "
            f"got {type(seed).__name__}"
        )
    if seed is not None and seed < 0:
        raise ValueError(f"seed must be non-negative, got {seed}")
    return np.random.default_rng(seed)


def _draw(sample: Any, n: int, seed: Any) -> np.ndarray:
    """``sample(rng, n)``, checked: ``n`` finite points of shape (n,) or (n, d)."""
    sample = require_callable(sample, "sample")
    rng = _generator(seed)
    raw = _call(
        sample,
        "sample",
        f"as sample(rng, {n})",
        "sample must take a numpy.random.Generator and a count, sample(rng, n)",
        rng,
        n,
    )
    if raw is None:
        raise ValueError("sample returned None; did the function forget to `return`?")
    try:
        points = np.array(raw)  # a copy: the learner's array stays theirs
    except (TypeError, ValueError) as exc:
        raise TypeError(f"sample must return an array of points: {exc}") from None
    if points.dtype == bool or points.dtype.kind not in "iuf":
        raise TypeError(
            f"sample must return real numbers, got an array of dtype {points.dtype}"
        )
    if points.ndim not in (1, 2) or len(points) != n or points.size == 0:
        raise ValueError(
            f"sample must return n points, an array of shape ({n},) or ({n}, d); "
            f"asked for {n}, it returned shape {points.shape}"
        )
    points = points.astype(np.float64)
    finite = np.isfinite(points).reshape(n, -1).all(axis=1)
    if not finite.all():
        index = int(np.argmin(finite))
        raise ValueError(
            f"sample returned a non-finite point (nan or inf) at index {index}: "
            f"{points[index].tolist()}"
        )
    return points


def _sample_size(n: Any) -> int:
    """At least 2 points: the standard error needs a sample variance."""
    return require_int(n, "n", minimum=2)


def monte_carlo(
    f: Callable, sample: Callable, n: int, *, seed: Any = None
) -> MonteCarloEstimate:
    r"""Estimate :math:`E[f(X)]` by the mean of ``f`` at ``n`` random draws of ``X``.

    .. math:: \hat\mu = \frac1n \sum_{i=1}^n f(X_i), \qquad
       \mathrm{stderr} = \frac{s}{\sqrt n}, \qquad
       s^2 = \frac{1}{n-1} \sum_{i=1}^n \bigl(f(X_i) - \hat\mu\bigr)^2.

    The error is :math:`O(n^{-1/2})` in any dimension. To integrate over a
    region instead, sample uniformly from it and multiply ``f`` by its volume:
    :math:`\int_a^b f = (b - a)\,E[f(U)]`, :math:`U \sim \mathrm{Uniform}(a, b)`.

    Parameters
    ----------
    f : callable
        Called once on all the points (shape ``(n,)`` or ``(n, d)``); must
        return ``n`` finite real numbers (booleans count as 0 and 1).
    sample : callable
        ``sample(rng, n)`` draws ``n`` points of ``X`` with the
        ``numpy.random.Generator`` ``rng``, as an array of shape ``(n,)`` or
        ``(n, d)``; e.g. ``lambda rng, n: rng.normal(size=n)``.
    n : int
        The number of points, at least 2.
    seed : None, int or numpy.random.Generator, optional
        Makes the draw reproducible; a Generator is used (and advanced) as is.

    Returns
    -------
    MonteCarloEstimate
        ``.estimate``, ``.stderr``, ``.n`` and ``.confidence_interval()``.

    Raises
    ------
    TypeError, ValueError
        If ``f`` or ``sample`` is not callable, raises, or returns the wrong
        shape or a non-finite value (the message says at which point), if
        ``n`` is not an integer at least 2, or ``seed`` is not a valid seed.

    Examples
    --------
    >>> import numpy as np
    >>> result = monte_carlo(lambda x: x**2, lambda rng, n: rng.normal(size=n),
    ...                      10_000, seed=0)          # E[X^2] = 1 for X ~ N(0, 1)
    >>> round(result.estimate, 2), round(result.stderr, 3)
    (1.0, 0.014)
    >>> disc = monte_carlo(lambda p: 4.0 * (p[:, 0]**2 + p[:, 1]**2 <= 1),
    ...                    lambda rng, n: rng.uniform(-1, 1, size=(n, 2)),
    ...                    10_000, seed=0)             # the area of the unit disc
    >>> low, high = disc.confidence_interval()
    >>> bool(low < np.pi < high)
    True
    """
    f = require_callable(f, "f")
    n = _sample_size(n)
    points = _draw(sample, n, seed)
    values = _one_value_per_point(f, "f", points, "sample point")
    stderr = float(np.std(values, ddof=1)) / math.sqrt(n)
    return MonteCarloEstimate(float(np.mean(values)), stderr, n)


def _density(func: Any, name: str, points: np.ndarray) -> np.ndarray:
    """A density's values at the sample points: finite and non-negative."""
    func = require_callable(func, name)
    values = _one_value_per_point(func, name, points, "sample point")
    if np.any(values < 0):
        index = int(np.argmax(values < 0))
        raise ValueError(
            f"{name} must be a density (non-negative), but returned "
            f"{values[index]} at sample point {index}, x = {points[index].tolist()}"
        )
    return values


def importance_sampling(
    f: Callable,
    sample: Callable,
    n: int,
    *,
    target: Callable,
    proposal: Callable,
    seed: Any = None,
    self_normalised: bool = False,
) -> ImportanceEstimate:
    r"""Estimate :math:`E_p[f(X)]` from draws of another distribution :math:`q`.

    Draw :math:`X_i \sim q` with ``sample`` and weight each point by
    :math:`w_i = p(X_i)/q(X_i)`, since

    .. math:: E_p[f] = \int f\,p = \int f\,\frac{p}{q}\,q
       = E_q\!\left[f\,\frac pq\right].

    **Plain** (``self_normalised=False``): the mean of :math:`f(X_i) w_i`,

    .. math:: \hat\mu = \frac1n \sum_i f(X_i)\, w_i, \qquad
       \mathrm{stderr} = \frac{s}{\sqrt n},

    with :math:`s` the sample standard deviation (``ddof=1``) of the
    :math:`f(X_i) w_i`. Unbiased; it estimates :math:`\int f\,p`, which is
    :math:`E_p[f]` only if ``target`` integrates to 1, and the normalising
    constant :math:`Z = \int p` itself with ``f = 1``.

    **Self-normalised** (``self_normalised=True``): for a target known only up
    to a constant, :math:`p = \tilde p / Z` (a Bayesian posterior is prior
    times likelihood), the constants cancel in

    .. math:: \hat\mu = \frac{\sum_i w_i f(X_i)}{\sum_i w_i}, \qquad
       \mathrm{stderr} = \frac{\sqrt{\sum_i w_i^2 \bigl(f(X_i) - \hat\mu\bigr)^2}}
       {\sum_i w_i}

    (the delta-method standard error of a ratio). Slightly biased,
    :math:`O(1/n)`; ``proposal`` may be unnormalised too.

    A good proposal puts its points where :math:`|f|\,p` is large: the
    variance drops, often by orders of magnitude for rare events. A bad one
    (lighter tails than :math:`p`) gives a few huge weights; then
    ``effective_sample_size`` is much smaller than ``n``.

    Parameters
    ----------
    f : callable
        Called once on the points (shape ``(n,)`` or ``(n, d)``), ``n`` finite
        real numbers back.
    sample : callable
        ``sample(rng, n)`` draws ``n`` points from the proposal :math:`q`.
    n : int
        The number of points, at least 2.
    target : callable
        The density :math:`p` (or :math:`\tilde p`), vectorised like ``f``;
        finite and non-negative at every point.
    proposal : callable
        The density :math:`q` of what ``sample`` draws, vectorised; positive
        and finite at every point drawn.
    seed : None, int or numpy.random.Generator, optional
        Makes the draw reproducible.
    self_normalised : bool
        Use the self-normalised estimator (see above).

    Returns
    -------
    ImportanceEstimate
        ``.estimate``, ``.stderr``, ``.n``, ``.effective_sample_size`` and
        ``.confidence_interval()``.

    Raises
    ------
    TypeError, ValueError
        As :func:`monte_carlo`, and if ``target`` is negative, ``proposal`` is
        not positive at a drawn point, or (self-normalised) ``target`` is zero
        at every point.

    Examples
    --------
    The tail probability :math:`P(X > 3)`, :math:`X \sim N(0, 1)`, is
    0.0013499. Plain Monte Carlo sees about 13 such points in 10 000, a
    standard error of :math:`\sqrt{0.00135 / 10^4} \approx 4 \times 10^{-4}`;
    draws from :math:`N(3, 1)` land there half the time:

    >>> import numpy as np
    >>> def normal(mean):
    ...     return lambda x: np.exp(-((x - mean) ** 2) / 2) / np.sqrt(2 * np.pi)
    >>> tail = importance_sampling(
    ...     lambda x: x > 3, lambda rng, n: rng.normal(3.0, 1.0, size=n), 10_000,
    ...     target=normal(0.0), proposal=normal(3.0), seed=1)
    >>> f"{tail.estimate:.2g} ± {tail.stderr:.1g}"
    '0.0013 ± 2e-05'
    """
    f = require_callable(f, "f")
    target = require_callable(target, "target")
    proposal = require_callable(proposal, "proposal")
    if not isinstance(self_normalised, bool):
        raise TypeError(
            "self_normalised must be True or False, "
            f"got {type(self_normalised).__name__}"
        )
    n = _sample_size(n)
    points = _draw(sample, n, seed)
    values = _one_value_per_point(f, "f", points, "sample point")
    p = _density(target, "target", points)
    q = _density(proposal, "proposal", points)
    if np.any(q == 0):
        index = int(np.argmax(q == 0))
        raise ValueError(
            f"proposal must be positive wherever sample draws, but returned 0 at "
            f"sample point {index}, x = {points[index].tolist()} (is it the density "
            "of what sample draws?)"
        )
    with np.errstate(over="ignore"):
        weights = p / q
    _require_finite(weights, points, "proposal is too small", "target / proposal")
    if not np.any(weights > 0):
        raise ValueError(
            "target is zero at every sample point: the proposal misses the "
            "target's mass; draw where the target is large"
        )
    # The normalised weights w_i / sum(w), computed without overflowing the sum.
    relative = weights / weights.max()
    normalised = relative / relative.sum()
    effective = 1.0 / float(np.sum(normalised**2))
    if self_normalised:
        estimate = float(np.sum(normalised * values))
        stderr = float(np.sqrt(np.sum(normalised**2 * (values - estimate) ** 2)))
        return ImportanceEstimate(estimate, stderr, n, effective)
    with np.errstate(over="ignore"):
        weighted = weights * values
    _require_finite(weighted, points, "f * target / proposal is too large", "it")
    stderr = float(np.std(weighted, ddof=1)) / math.sqrt(n)
    return ImportanceEstimate(float(np.mean(weighted)), stderr, n, effective)


def _require_finite(
    values: np.ndarray, points: np.ndarray, problem: str, what: str
) -> None:
    """Raise if an importance weight (or weighted value) overflowed to inf."""
    finite = np.isfinite(values)
    if not finite.all():
        index = int(np.argmin(finite))
        raise ValueError(
            f"{problem} at sample point {index}, x = {points[index].tolist()}: "
            f"{what} overflows there (the proposal's tails must not be much "
            "lighter than the target's)"
        )


# --------------------------------------------------------------------------
# The rules by name, and measured orders of convergence
# --------------------------------------------------------------------------

#: Every one-dimensional rule of this module, by the name :func:`quadrature` takes.
QUADRATURE_RULES = ("left", "right", "midpoint", "trapezoid", "simpson")

#: The order :math:`p` of each rule's error :math:`O(h^p)` on a smooth integrand.
RULE_ORDERS = {"left": 1, "right": 1, "midpoint": 2, "trapezoid": 2, "simpson": 4}


def quadrature(f: Callable, a: float, b: float, n: int, rule: str) -> float:
    """Integrate ``f`` over ``[a, b]`` with ``n`` subintervals by the named rule.

    Parameters
    ----------
    f : callable
        The integrand, vectorised (see :func:`riemann`).
    a, b : float
        The bounds, finite.
    n : int
        The number of subintervals (even for ``"simpson"``).
    rule : {"left", "right", "midpoint", "trapezoid", "simpson"}
        :func:`riemann` for the first three, :func:`trapezoid`, :func:`simpson`.

    Returns
    -------
    float
        The estimate of :math:`\\int_a^b f(x)\\,dx`.

    Raises
    ------
    TypeError, ValueError
        As the rule itself, and ``ValueError`` naming ``rule`` if it is unknown.

    Examples
    --------
    >>> quadrature(lambda x: x**2, 0.0, 1.0, 2, "simpson")  # exact: 1/3
    0.3333333333333333
    """
    rule = require_choice(rule, "rule", QUADRATURE_RULES)
    if rule == "trapezoid":
        return trapezoid(f, a, b, n)
    if rule == "simpson":
        return simpson(f, a, b, n)
    return riemann(f, a, b, n, rule=rule)


def rule_nodes_and_weights(
    a: float, b: float, n: int, rule: str
) -> tuple[np.ndarray, np.ndarray]:
    r"""The nodes of a rule on ``[a, b]`` (``a < b``) and their weights.

    Every rule is :math:`Q_n = \sum_i w_i f(x_i)`: this gives the
    :math:`x_i` and the :math:`w_i` (the step :math:`h` included), for
    drawing a rule or evaluating it for many ``n`` with one call of ``f``.

    Parameters
    ----------
    a, b : float
        The interval, finite, ``a < b``.
    n : int
        The number of subintervals (even for ``"simpson"``).
    rule : str
        One of :data:`QUADRATURE_RULES`.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        The nodes and the weights.

    Examples
    --------
    >>> nodes, weights = rule_nodes_and_weights(0.0, 1.0, 2, "simpson")
    >>> nodes.tolist(), (6 * weights).round(12).tolist()  # h/3 (1, 4, 1)
    ([0.0, 0.5, 1.0], [1.0, 4.0, 1.0])
    """
    rule = require_choice(rule, "rule", QUADRATURE_RULES)
    lo = require_real_scalar(a, "a")
    hi = require_real_scalar(b, "b")
    if not lo < hi:
        raise ValueError(f"a must be less than b, got a = {lo}, b = {hi}")
    n = require_int(n, "n", minimum=2 if rule == "simpson" else 1)
    if rule == "simpson" and n % 2:
        raise ValueError(f"n must be even for Simpson's rule, got {n}")
    rules = {"trapezoid": _trapezoid_nodes, "simpson": _simpson_nodes}
    nodes, weights = rules.get(rule, _riemann_nodes(rule))(lo, hi, n)
    return nodes, weights * (hi - lo) / n


def quadrature_errors(
    f: Callable, a: float, b: float, exact: float, ns: Any, rule: str
) -> np.ndarray:
    r"""The absolute errors :math:`|I - Q_n|` of a rule for each ``n`` in ``ns``.

    Parameters
    ----------
    f : callable
        The integrand, vectorised.
    a, b : float
        The bounds.
    exact : float
        The true integral :math:`I`.
    ns : sequence of int
        Numbers of subintervals (even ones for ``"simpson"``).
    rule : str
        One of :data:`QUADRATURE_RULES`.

    Returns
    -------
    numpy.ndarray
        One error per ``n``.

    Examples
    --------
    >>> import numpy as np
    >>> errors = quadrature_errors(np.exp, 0.0, 1.0, np.e - 1, [10, 20], "trapezoid")
    >>> round(float(errors[0] / errors[1]), 2)  # halving h divides it by 4
    4.0
    """
    exact = require_real_scalar(exact, "exact")
    return np.array([abs(exact - quadrature(f, a, b, n, rule)) for n in ns])


def convergence_order(steps: Any, errors: Any) -> float:
    r"""The measured order :math:`p` in :math:`\text{error} \approx C\,h^p`.

    The least-squares slope of :math:`\log(\text{error})` against
    :math:`\log h`: a straight line of slope :math:`p` on log-log axes. (For
    Monte Carlo pass the sample sizes as ``steps``: the slope is then about
    :math:`-1/2`.)

    Parameters
    ----------
    steps : array_like
        The step sizes :math:`h` (or sample sizes), positive, at least two
        different ones.
    errors : array_like
        The errors, positive, one per step.

    Returns
    -------
    float
        The slope.

    Raises
    ------
    ValueError
        If the arrays differ in length, hold fewer than two points, or a value
        is not positive (an error of exactly 0 has no logarithm: leave out the
        steps where the rule is exact, or round-off rules).

    Examples
    --------
    >>> convergence_order([0.1, 0.05, 0.025], [3e-3, 7.5e-4, 1.875e-4])
    2.0
    """
    h = require_real_array(steps, "steps").astype(np.float64).ravel()
    e = require_real_array(errors, "errors").astype(np.float64).ravel()
    if h.size != e.size or h.size < 2:
        raise ValueError(
            "steps and errors must have the same length, at least 2, got "
            f"{h.size} and {e.size}"
        )
    for values, name in ((h, "steps"), (e, "errors")):
        if np.any(values <= 0):
            raise ValueError(
                f"{name} must all be positive (their logarithms are fitted)"
            )
    if np.ptp(h) == 0:
        raise ValueError("steps must hold at least two different values")
    slope = np.polyfit(np.log(h), np.log(e), 1)[0]
    return round(float(slope), 12)


def monte_carlo_rms_errors(
    f: Callable,
    sample: Callable,
    exact: float,
    ns: Any,
    *,
    repetitions: int = 20,
    seed: Any = None,
) -> np.ndarray:
    r"""The root-mean-square error of :func:`monte_carlo` for each sample size.

    .. math:: \mathrm{rms}(n) = \sqrt{\frac1R \sum_{r=1}^R
       \bigl(\hat\mu_n^{(r)} - E[f(X)]\bigr)^2} \approx \frac{\sigma_f}{\sqrt n}

    over ``R = repetitions`` independent runs: one run's error is random, the
    average shows the law.

    Parameters
    ----------
    f, sample : callable
        As :func:`monte_carlo`.
    exact : float
        The true :math:`E[f(X)]`.
    ns : sequence of int
        Sample sizes, each at least 2.
    repetitions : int
        Runs per sample size, at least 1.
    seed : None, int or numpy.random.Generator
        Makes the whole study reproducible.

    Returns
    -------
    numpy.ndarray
        One rms error per sample size.

    Examples
    --------
    >>> import numpy as np
    >>> rms = monte_carlo_rms_errors(lambda x: x, lambda rng, n: rng.normal(size=n),
    ...                              0.0, [100, 10_000], repetitions=50, seed=0)
    >>> [round(float(r), 2) for r in rms]  # sigma / sqrt(n) = 0.1 and 0.01
    [0.1, 0.01]
    """
    exact = require_real_scalar(exact, "exact")
    repetitions = require_int(repetitions, "repetitions", minimum=1)
    rng = _generator(seed)
    return np.array(
        [
            math.sqrt(
                sum(
                    (monte_carlo(f, sample, n, seed=rng).estimate - exact) ** 2
                    for _ in range(repetitions)
                )
                / repetitions
            )
            for n in ns
        ]
    )


# --------------------------------------------------------------------------
# Many dimensions: a grid against Monte Carlo
# --------------------------------------------------------------------------


def grid_midpoint(f: Callable, dimension: int, points_per_axis: int) -> float:
    r"""The tensor-product midpoint rule on the unit cube :math:`[0, 1]^d`.

    The cube is cut into :math:`m^d` small cubes of side :math:`h = 1/m`, and
    ``f`` is taken at their centres:

    .. math:: \int_{[0,1]^d} f \approx h^d \sum_{i_1, \dots, i_d = 0}^{m-1}
       f\bigl((i_1 + \tfrac12) h, \dots, (i_d + \tfrac12) h\bigr).

    The error is :math:`O(h^2) = O(N^{-2/d})` with :math:`N = m^d` nodes: for
    a fixed budget of nodes, the grid's accuracy collapses as :math:`d` grows,
    while Monte Carlo's :math:`O(N^{-1/2})` does not depend on :math:`d`.

    Parameters
    ----------
    f : callable
        Called once on the array of the :math:`m^d` nodes, shape
        ``(m**d, d)``; returns one finite number per node.
    dimension : int
        :math:`d \ge 1`.
    points_per_axis : int
        :math:`m \ge 1`; :math:`m^d` may not exceed 10 million.

    Returns
    -------
    float
        The estimate.

    Raises
    ------
    TypeError, ValueError
        As :func:`riemann`; ``ValueError`` if :math:`m^d` is too large.

    Examples
    --------
    >>> import numpy as np
    >>> grid_midpoint(lambda p: p.sum(axis=1), 3, 4)  # exact on x + y + z: 3/2
    1.5
    >>> grid = grid_midpoint(lambda p: np.exp(p).prod(axis=1), 2, 50)
    >>> f"{grid:.6f} vs (e - 1)**2 = {(np.e - 1) ** 2:.6f}"  # error O(h**2)
    '2.952394 vs (e - 1)**2 = 2.952492'
    """
    f = require_callable(f, "f")
    d = require_int(dimension, "dimension", minimum=1)
    m = require_int(points_per_axis, "points_per_axis", minimum=1)
    if m**d > 10_000_000:
        raise ValueError(
            f"points_per_axis ** dimension must be at most 10 million nodes, got "
            f"{m}**{d} = {m**d:.3g}: a grid in {d} dimensions is too large (the "
            "curse of dimensionality; Monte Carlo does not need a grid)"
        )
    axis = (np.arange(m) + 0.5) / m
    nodes = np.stack(np.meshgrid(*[axis] * d, indexing="ij"), axis=-1).reshape(-1, d)
    return float(np.mean(_one_value_per_point(f, "f", nodes, "node")))


def _exponential_product(points: np.ndarray) -> np.ndarray:
    """The integrand of :func:`dimension_study`, normalised to integrate to 1."""
    return np.prod(np.exp(points) / (math.e - 1), axis=1)


@dataclass(frozen=True)
class DimensionStudy:
    r"""The result of :func:`dimension_study`: one entry per dimension.

    Attributes
    ----------
    dimensions : numpy.ndarray
        The dimensions :math:`d`.
    points_per_axis : numpy.ndarray
        The grid's :math:`m = \lfloor N^{1/d} \rfloor`.
    nodes : numpy.ndarray
        The grid's number of nodes, :math:`m^d \le N`: a grid cannot use
        the whole budget unless :math:`N` is a perfect :math:`d`-th power.
    grid_errors : numpy.ndarray
        :math:`|1 - Q_{\text{grid}}|` (deterministic).
    monte_carlo_errors : numpy.ndarray
        The root-mean-square error of Monte Carlo with the whole budget of
        :math:`N` points, over the repetitions.
    monte_carlo_stderrs : numpy.ndarray
        The mean standard error Monte Carlo reported about itself.
    repetitions : int
        Monte Carlo runs per dimension.
    budget : int
        :math:`N`, the most evaluations of :math:`f` each method may make.
    """

    dimensions: np.ndarray
    points_per_axis: np.ndarray
    nodes: np.ndarray
    grid_errors: np.ndarray
    monte_carlo_errors: np.ndarray
    monte_carlo_stderrs: np.ndarray
    repetitions: int
    budget: int


def dimension_study(
    dimensions: Any = tuple(range(1, 13)),
    budget: int = 4096,
    *,
    repetitions: int = 20,
    seed: Any = 0,
) -> DimensionStudy:
    r"""A grid against Monte Carlo on :math:`[0, 1]^d`, with the same budget.

    The integrand is :math:`f(x) = \prod_{i=1}^d e^{x_i}/(e - 1)`, whose
    integral is exactly 1 in every dimension (so the errors compare across
    dimensions) and whose variance under the uniform distribution,
    :math:`\bigl(\tfrac{e+1}{2(e-1)}\bigr)^d - 1`, grows slowly. Both methods
    may evaluate :math:`f` at most :math:`N` times. For each :math:`d` the grid
    takes :math:`m = \lfloor N^{1/d} \rfloor` points per axis
    (:func:`grid_midpoint`; its :math:`m^d` nodes may fall far short of
    :math:`N`, which is part of its curse) and Monte Carlo :math:`N` uniform
    points, ``repetitions`` times.

    Parameters
    ----------
    dimensions : sequence of int
        The dimensions, each at least 1.
    budget : int
        :math:`N`, the most function evaluations allowed, at least 2 (and at
        most 1 million).
    repetitions : int
        Monte Carlo runs per dimension, at least 2.
    seed : None, int or numpy.random.Generator
        Makes the Monte Carlo runs reproducible.

    Returns
    -------
    DimensionStudy

    Examples
    --------
    >>> study = dimension_study([1, 10], budget=1024, repetitions=10, seed=0)
    >>> study.points_per_axis.tolist(), study.nodes.tolist()
    ([1024, 2], [1024, 1024])
    >>> bool(study.grid_errors[0] < study.monte_carlo_errors[0])  # 1-D: grid wins
    True
    >>> bool(study.grid_errors[1] > study.monte_carlo_errors[1])  # 10-D: MC wins
    True
    """
    budget = require_int(budget, "budget", minimum=2, maximum=1_000_000)
    repetitions = require_int(repetitions, "repetitions", minimum=2)
    dims = [require_int(d, "dimensions", minimum=1) for d in dimensions]
    if not dims:
        raise ValueError("dimensions must hold at least one dimension")
    rng = _generator(seed)
    per_axis, nodes, grid, mc, stderr = [], [], [], [], []
    for d in dims:
        # The integer m with m**d <= budget, free of floating-point roots.
        m = max(1, round(budget ** (1 / d)))
        while m**d > budget:
            m -= 1
        while (m + 1) ** d <= budget:
            m += 1
        per_axis.append(m)
        nodes.append(m**d)
        grid.append(abs(1.0 - grid_midpoint(_exponential_product, d, m)))
        runs = [
            monte_carlo(
                _exponential_product,
                lambda generator, n, d=d: generator.random((n, d)),
                budget,
                seed=rng,
            )
            for _ in range(repetitions)
        ]
        mc.append(math.sqrt(np.mean([(run.estimate - 1.0) ** 2 for run in runs])))
        stderr.append(float(np.mean([run.stderr for run in runs])))
    return DimensionStudy(
        np.array(dims),
        np.array(per_axis),
        np.array(nodes),
        np.array(grid),
        np.array(mc),
        np.array(stderr),
        repetitions,
        budget,
    )


# --------------------------------------------------------------------------
# The integrands of Chapter 8
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Integrand:
    r"""A function on an interval with its exact integral, for the chapter's figures.

    Attributes
    ----------
    name : str
        What the explorer's menu shows.
    f : callable
        Vectorised.
    a, b : float
        The interval.
    exact : float
        :math:`\int_a^b f(x)\,dx`, in closed form.
    latex : str
        The formula, for titles.
    """

    name: str
    f: Callable[[np.ndarray], np.ndarray]
    a: float
    b: float
    exact: float
    latex: str


def _bump(x: np.ndarray) -> np.ndarray:
    return np.exp(-(x**2) / 2)


#: The integrands of the AreaExplorer and the convergence figures, by name: a
#: smooth growing one, a cubic (Simpson is exact), a Gaussian bump over a wide
#: interval (the trapezoid rule's exponential convergence) and :math:`\sqrt x`,
#: whose infinite slope at 0 slows every rule.
INTEGRANDS = {
    item.name: item
    for item in (
        Integrand("eˣ on [0, 2]", np.exp, 0.0, 2.0, math.e**2 - 1, r"e^x"),
        Integrand(
            "cubic x³ − 2x + 1 on [−1, 2]",
            lambda x: x**3 - 2 * x + 1,
            -1.0,
            2.0,
            3.75,
            r"x^3 - 2x + 1",
        ),
        Integrand(
            "bump e^(−x²/2) on [−10, 10]",
            _bump,
            -10.0,
            10.0,
            math.sqrt(2 * math.pi) * math.erf(10 / math.sqrt(2)),
            r"e^{-x^2/2}",
        ),
        Integrand("√x on [0, 1]", np.sqrt, 0.0, 1.0, 2 / 3, r"\sqrt{x}"),
    )
}


def _relu(x: np.ndarray) -> np.ndarray:
    return np.maximum(x, 0.0)


def _above(x: np.ndarray) -> np.ndarray:
    return (x > 1.5).astype(np.float64)


#: Expectations :math:`E[f(X)]` under :math:`X \sim N(0, 1)` with closed forms,
#: for the MonteCarloExplorer: name -> (f, exact value).
GAUSSIAN_EXPECTATIONS: dict[str, tuple[Callable[[np.ndarray], np.ndarray], float]] = {
    "X²": (np.square, 1.0),
    "ReLU max(X, 0)": (_relu, 1 / math.sqrt(2 * math.pi)),
    "eˣ (heavy right tail)": (np.exp, math.exp(0.5)),
    "indicator X > 1.5": (_above, 1 - NormalDist().cdf(1.5)),
}


def running_estimates(values: Any) -> tuple[np.ndarray, np.ndarray]:
    r"""The Monte Carlo estimate and its standard error after each new point.

    For :math:`k = 1, \dots, n`: the mean :math:`\hat\mu_k` of the first
    :math:`k` values and :math:`s_k / \sqrt k`, with :math:`s_k` their sample
    standard deviation (``ddof=1``), what :func:`monte_carlo` would report
    with those :math:`k` points. The first standard error (one point) is nan.

    Parameters
    ----------
    values : array_like, shape (n,) or (runs, n)
        :math:`f(X_1), \dots, f(X_n)`, finite; a 2-D array holds one run
        per row, each treated on its own.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        The running means and standard errors, of the shape of ``values``.

    Examples
    --------
    >>> means, stderrs = running_estimates([1.0, 3.0, 2.0])
    >>> means.tolist(), [round(s, 4) for s in stderrs[1:].tolist()]
    ([1.0, 2.0, 2.0], [1.0, 0.5774])
    """
    y = require_real_array(values, "values").astype(np.float64)
    if y.ndim not in (1, 2) or y.shape[-1] == 0:
        raise ValueError(
            f"values must be a 1-D array or a 2-D array of runs, got shape {y.shape}"
        )
    # Sums about each run's first value: the variance does not change, and
    # cancellation stays small because the shift is a typical value.
    shift = y[..., :1]
    shifted = y - shift
    k = np.arange(1, y.shape[-1] + 1)
    means = np.cumsum(shifted, axis=-1) / k
    squares = np.cumsum(shifted**2, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        variance = np.maximum(squares - k * means**2, 0.0) / (k - 1)
        stderrs = np.sqrt(variance / k)
    stderrs[..., 0] = math.nan
    return means + shift, stderrs
