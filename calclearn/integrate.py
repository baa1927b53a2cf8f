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
