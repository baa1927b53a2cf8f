r"""Second-order optimisation: Newton's method and BFGS.

Newton's method jumps to the stationary point of the quadratic Taylor model
(:func:`calclearn.curvature.taylor_model`) at each iterate,

.. math:: x_{k+1} = x_k - H(x_k)^{-1} \nabla f(x_k),

which converges quadratically near a minimum with a positive-definite Hessian
and does not care how badly the problem is scaled (it is affine invariant).
It also solves :math:`\nabla f = 0` without asking which kind of critical point
it finds: from the wrong start it converges to a maximum or a saddle, and a
singular Hessian has no Newton step at all. :func:`newton` offers the three
classic repairs (a Levenberg shift, a backtracking line search, saddle-free
|eigenvalue| curvature) and says in the run record when pure Newton hit one of
these problems.

BFGS (:func:`bfgs`) needs no Hessian: it builds an approximation to
:math:`H^{-1}` from the gradients it has seen, and moves along
:math:`-H_k \nabla f` with a step length satisfying the strong Wolfe
conditions.

Both return a :class:`SecondOrderRun`, a :class:`~calclearn.optim.DescentRun`
with a few more fields, so plots and explorers treat every optimiser alike.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
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
from calclearn.curvature import classify, require_symmetric
from calclearn.optim.descent import (
    _BLOW_UP,
    MAX_STEPS,
    STATUSES,
    DescentRun,
    _check_start,
    _gradient,
    _late_rate,
    _loss,
    _steady_rate,
    _unfinished_status,
)

__all__ = [
    "SADDLE_MODES",
    "SECOND_ORDER_STATUSES",
    "SecondOrderRun",
    "bfgs",
    "newton",
]

#: Every value :attr:`SecondOrderRun.status` can take.
SECOND_ORDER_STATUSES = (*STATUSES, "singular", "uphill", "line search failed")

#: The values of ``newton(..., saddle=...)``.
SADDLE_MODES = ("none", "abs")

# The Armijo (sufficient decrease) and curvature constants of the line
# searches: the usual choices for Newton and quasi-Newton methods (Nocedal &
# Wright, Numerical Optimization, §3.1).
_ARMIJO = 1e-4
_WOLFE = 0.9
# Backtracking halves the step at most this many times (down to ~1e-15 of the
# full step, below which x + αd rounds to x anyway).
_HALVINGS = 50
# The strong Wolfe search: at most this many trial steps in all.
_WOLFE_TRIALS = 40
# BFGS skips an update whose curvature yᵀs is not clearly positive (relative
# to |y||s|): it would make the inverse-Hessian estimate indefinite.
_CURVATURE_GUARD = 1e-10


@dataclass(frozen=True)
class SecondOrderRun(DescentRun):
    r"""The run record of :func:`newton` and :func:`bfgs`.

    Everything of :class:`~calclearn.optim.DescentRun` (``path``, ``losses``,
    ``grad_norms``, ``status``, ``message``, ...), with ``lr = 1.0`` (the full
    Newton step, and the first step length BFGS tries), and:

    Attributes
    ----------
    method : str
        ``"newton"`` or ``"saddle-free newton"``, with ``"damped "`` before
        it when ``damping > 0`` and ``" + line search"`` after it when used;
        or ``"bfgs"``.
    step_lengths : numpy.ndarray, shape (k,)
        The step length :math:`\alpha_i` of each step
        (:math:`x_{i+1} = x_i + \alpha_i d_i`); all 1 without a line search.
    min_curvature : numpy.ndarray, shape (k + 1,), or None
        Newton: the smallest eigenvalue of the Hessian at each iterate
        (negative where :math:`f` is not convex). None for BFGS.
    final_kind : str or None
        Newton: :func:`calclearn.curvature.classify` of the Hessian at the
        last iterate, so a run that converged to a maximum or saddle says so.
    evaluations : int
        How many times ``f`` was called (line-search trials included).
    skipped_updates : int
        BFGS: updates skipped by the curvature guard (:math:`y^\top s` not
        positive).
    detail : str
        For the statuses ``"singular"``, ``"uphill"`` and
        ``"line search failed"``: what happened, with numbers.

    Notes
    -----
    Statuses (:data:`SECOND_ORDER_STATUSES`) beyond those of gradient descent:

    - ``"singular"``: the (shifted) Hessian is singular, so the Newton step
      does not exist;
    - ``"uphill"``: with a line search, the Newton direction points uphill
      (the Hessian is not positive definite), so no step length helps;
    - ``"line search failed"``: no step length gave enough decrease.

    "converging" and "stuck" judge Newton by :math:`\|\nabla f\|` (pure Newton
    looks for :math:`\nabla f = 0`, and its loss may rise on the way) and BFGS
    by the loss.
    """

    method: str = "newton"
    step_lengths: np.ndarray | None = None
    min_curvature: np.ndarray | None = None
    final_kind: str | None = None
    evaluations: int = 0
    skipped_updates: int = 0
    detail: str = ""

    @property
    def message(self) -> str:
        """What happened, in one or two sentences."""
        steps = f"{self.steps} step{'' if self.steps == 1 else 's'}"
        last = float(self.grad_norms[-1])
        if self.status in ("singular", "uphill", "line search failed"):
            return self.detail
        if self.status == "converged":
            return f"Converged in {steps} ({self.method}; |∇f| below tolerance)" + (
                self._landing()
            )
        if self.status == "diverged":
            return (
                f"Diverged at step {self.diverged_at}: the iterates blew up (beyond "
                "10⁶ times the start's size): f may be unbounded below along the "
                "way, or a step trusted the quadratic model far from where it holds"
            )
        if self.status == "stalled":
            return (
                f"Stalled: after {steps} x has not moved at all: the steps are below "
                "the spacing of floating-point numbers near x"
            )
        if self.status == "unstable":
            return (
                f"Unstable: after {steps} the steps zig-zag and grow "
                f"×{self.step_growth:.3f} per step; the iterates are not settling"
            )
        if self.status == "converging":
            return (
                f"Converging: |∇f| = {last:.2g} is still falling after {steps}; "
                "more steps are needed to reach the tolerance"
            )
        if self.status == "stuck":
            judged = "the loss" if self.method == "bfgs" else "|∇f|"
            return (
                f"Stuck: after {steps} {judged} is no longer falling "
                f"(|∇f| = {last:.2g})"
            )
        return super().message  # "undefined", "not started": as for descent

    def _landing(self) -> str:
        """Where a converged Newton run ended, when that is not a minimum."""
        if self.final_kind in ("maximum", "saddle"):
            hessian = (
                "negative definite" if self.final_kind == "maximum" else "indefinite"
            )
            return (
                f", but at a {self.final_kind}, not a minimum: the Hessian there is "
                f"{hessian}. Newton's step solves ∇f = 0 and is drawn to any "
                "critical point"
                + (
                    ""
                    if "saddle-free" in self.method
                    else "; saddle='abs' steps downhill"
                )
            )
        if self.final_kind == "degenerate":
            return (
                ", at a point where the Hessian is singular, so the second-derivative "
                "test cannot tell what kind of point it is"
            )
        return ""


class _Problem:
    """``f``, ``grad`` and (for Newton) ``hess`` on flat iterates, counted.

    The optimisers work on 1-D arrays; the learner's functions get (a copy
    of) the iterate in the shape of ``x0``, so a scalar start works too.
    """

    def __init__(self, f: Callable, grad: Callable, shape: tuple[int, ...]):
        self.f, self.grad, self.shape = f, grad, shape
        self.evaluations = 0

    def start(self, x: np.ndarray) -> tuple[float, np.ndarray]:
        self.evaluations += 1
        loss, g = _check_start(self.f, self.grad, x.reshape(self.shape))
        return loss, g.reshape(-1)

    def loss(self, x: np.ndarray) -> float:
        """``f(x)``; ``inf`` if it overflows (e.g. ``math.exp`` of a huge x)."""
        self.evaluations += 1
        try:
            return _loss(self.f, x.reshape(self.shape))
        except OverflowError:
            return math.inf

    def gradient(self, x: np.ndarray) -> np.ndarray:
        """``grad(x)``, flat; all ``inf`` if it overflows."""
        try:
            return _gradient(self.grad, x.reshape(self.shape)).reshape(-1)
        except OverflowError:
            return np.full(x.size, np.inf)


def _hessian(hess: Callable, x: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """``hess(x)`` as a symmetric (n, n) float matrix; nan/inf entries kept."""
    try:
        H = require_numbers(hess(x.reshape(shape).copy()), "hess")
    except OverflowError:
        return np.full((x.size, x.size), np.inf)
    if np.iscomplexobj(H) or H.dtype == bool:
        raise TypeError(f"hess must return real numbers, got dtype {H.dtype}")
    n = x.size
    if H.size == 1 and n == 1:
        H = H.reshape(1, 1)
    if H.shape != (n, n):
        raise ValueError(
            f"hess must return an array of shape ({n}, {n}) for x0 of shape "
            f"{shape}, got {H.shape}"
        )
    H = H.astype(np.float64)
    if not np.all(np.isfinite(H)):
        return H
    return require_symmetric(H, "hess(x)")


def _arguments(
    f: Any, grad: Any, x0: Any, steps: Any, tol: Any
) -> tuple[Callable, Callable, np.ndarray, int, float]:
    """The arguments every optimiser here shares, checked."""
    f = require_callable(f, "f")
    grad = require_callable(grad, "grad")
    x = require_real_array(x0, "x0").astype(np.float64)
    if x.size == 0 or x.ndim > 1:
        raise ValueError(
            f"x0 must be a number or a 1-D array (a point in R^n), got shape {x.shape}"
        )
    steps = require_int(steps, "steps", minimum=0, maximum=MAX_STEPS)
    tol = require_real_scalar(tol, "tol", nonnegative=True)
    return f, grad, x, steps, tol


def _newton_direction(
    g: np.ndarray, H: np.ndarray, damping: float, saddle: str
) -> tuple[np.ndarray | None, np.ndarray]:
    r"""The step :math:`d = -\tilde H^{-1} g` and the eigenvalues of :math:`H`.

    :math:`\tilde H = V \operatorname{diag}(\mu) V^\top` with
    :math:`\mu_i = \lambda_i + \text{damping}` (or :math:`|\lambda_i| +`
    damping for ``saddle="abs"``). None for the step when :math:`\tilde H` is
    numerically singular: some :math:`|\mu_i| \le n \varepsilon \max|\lambda|`,
    numpy's rank rule.
    """
    eigenvalues, vectors = np.linalg.eigh(H)
    scale = float(np.max(np.abs(eigenvalues)))
    floor = H.shape[0] * np.finfo(float).eps * scale
    curvatures = (np.abs(eigenvalues) if saddle == "abs" else eigenvalues) + damping
    if not np.all(np.abs(curvatures) > floor) or (scale == 0 and damping == 0):
        return None, eigenvalues
    return -(vectors @ ((vectors.T @ g) / curvatures)), eigenvalues


def _numbers(values: np.ndarray) -> str:
    """``[a, b, …]`` with 6 significant digits (tiny eigenvalues stay visible)."""
    return "[" + ", ".join(f"{value:.6g}" for value in values) + "]"


def _describe(x: np.ndarray, k: int) -> str:
    return f"x_{k} = {_numbers(x)}"


def newton(
    f: Callable,
    grad: Callable,
    hess: Callable,
    x0: Any,
    steps: int,
    *,
    damping: float = 0.0,
    line_search: bool = False,
    saddle: str = "none",
    tol: float = 1e-10,
) -> SecondOrderRun:
    r"""Newton's method :math:`x_{k+1} = x_k - \alpha_k \tilde H_k^{-1} \nabla f(x_k)`.

    With the defaults this is **pure Newton**: :math:`\tilde H = H(x_k)`,
    :math:`\alpha_k = 1`. Three independent options repair its failures:

    - ``damping = λ > 0`` (Levenberg): :math:`\tilde H = H + \lambda I`. Each
      eigenvalue :math:`\lambda_i` becomes :math:`\lambda_i + \lambda`, so a
      singular :math:`H` becomes solvable, and a large :math:`\lambda` turns the
      step into gradient descent with learning rate :math:`1/\lambda`.
      (A positive-definite :math:`\tilde H` needs :math:`\lambda > -\lambda_{min}`.)
    - ``line_search=True``: backtracking from :math:`\alpha = 1`, halving until
      the Armijo condition
      :math:`f(x + \alpha d) \le f(x) + 10^{-4} \alpha \nabla f \cdot d` holds.
      The full step is tried first, so quadratic convergence near a minimum is
      kept. A direction that points uphill (:math:`\nabla f \cdot d \ge 0`,
      possible when :math:`\tilde H` is not positive definite) cannot be
      repaired by a step length: the run stops with status ``"uphill"``.
    - ``saddle="abs"`` (saddle-free Newton, Dauphin et al. 2014):
      :math:`\tilde H = V |\Lambda| V^\top`, the eigenvalues replaced by their
      absolute values. Along a direction of negative curvature the step then
      goes *downhill* (by :math:`|g_i| / |\lambda_i|`) instead of uphill towards
      the maximum or saddle of the model; where :math:`H` is positive
      definite it is the Newton step. The direction always descends, so it
      pairs well with ``line_search=True``. A zero eigenvalue still leaves no
      step (status ``"singular"``): add ``damping``.

    Parameters
    ----------
    f : callable
        The loss; ``f(x)`` returns a number. It gets a copy of the iterate.
    grad : callable
        Its gradient; ``grad(x)`` returns an array of the shape of ``x``.
    hess : callable
        Its Hessian; ``hess(x)`` returns an (n, n) symmetric array (a number
        for a scalar ``x0``).
    x0 : float or array_like, shape (n,)
        Start point, where ``f``, ``grad`` and ``hess`` must be finite.
    steps : int
        Maximum number of steps, 0 to :data:`~calclearn.optim.MAX_STEPS`.
    damping : float
        The shift :math:`\lambda \ge 0` added to every eigenvalue.
    line_search : bool
        Backtrack from :math:`\alpha = 1` until the Armijo condition holds.
    saddle : {"none", "abs"}
        ``"abs"`` for saddle-free Newton.
    tol : float
        Stop when :math:`\|\nabla f(x_k)\| \le` ``tol``.

    Returns
    -------
    SecondOrderRun
        Status ``"singular"`` (with the eigenvalues in the message) when the
        Newton step does not exist; ``"diverged"``/``"undefined"`` when the
        iterates blow up or leave the domain, as for gradient descent. A run
        that converged to a maximum or saddle says so in its message
        (:attr:`SecondOrderRun.final_kind`).

    Raises
    ------
    TypeError, ValueError
        Naming the argument, for bad arguments, or when ``f``, ``grad`` or
        ``hess`` is not finite at ``x0`` or returns the wrong shape.

    Examples
    --------
    One step solves a quadratic; on Himmelblau pure Newton from the origin
    climbs to the maximum, and the saddle-free variant goes down instead:

    >>> from calclearn.landscapes import LANDSCAPES
    >>> booth = LANDSCAPES["Booth"]
    >>> run = newton(booth.f, booth.grad, booth.hess, [-8.0, 8.0], 10)
    >>> run.status, run.steps, run.path[-1].round(12).tolist()
    ('converged', 1, [1.0, 3.0])
    >>> h = LANDSCAPES["Himmelblau"]
    >>> run = newton(h.f, h.grad, h.hess, [0.0, 0.0], 50)
    >>> run.final_kind, run.path[-1].round(6).tolist()
    ('maximum', [-0.270845, -0.923039])
    >>> newton(h.f, h.grad, h.hess, [0.0, 0.0], 50, saddle="abs").final_kind
    'minimum'
    """
    f, grad, x, steps, tol = _arguments(f, grad, x0, steps, tol)
    hess = require_callable(hess, "hess")
    damping = require_real_scalar(damping, "damping", nonnegative=True)
    if not isinstance(line_search, bool):
        raise TypeError(f"line_search must be True or False, got {line_search!r}")
    saddle = require_choice(saddle, "saddle", SADDLE_MODES)
    method = "saddle-free newton" if saddle == "abs" else "newton"
    if damping > 0:
        method = "damped " + method
    if line_search:
        method += " + line search"

    shape = x.shape
    x = x.reshape(-1)
    problem = _Problem(f, grad, shape)
    loss, g = problem.start(x)
    H = _hessian(hess, x, shape)
    if not np.all(np.isfinite(H)):
        raise ValueError(
            f"hess(x0) is not finite at the start point x0 = {x.tolist()}: "
            f"{H.tolist()}; start where the Hessian is finite"
        )
    limit = _BLOW_UP * max(1.0, float(np.max(np.abs(x))))
    path, losses, norms, lowest, alphas = [x], [loss], [], [], []
    status, diverged_at, detail = "converging", None, ""
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(steps + 1):
            norms.append(math.sqrt(float(g @ g)))
            direction, eigenvalues = _newton_direction(g, H, damping, saddle)
            lowest.append(float(eigenvalues[0]))
            if norms[-1] <= tol:
                status = "converged"
                break
            if k == steps:
                break
            if direction is None:
                status = "singular"
                detail = (
                    f"Stopped at step {k + 1}: the Hessian at {_describe(x, k)} has "
                    f"eigenvalues {_numbers(eigenvalues)}"
                    + (f" (+ damping {damping:g})" if damping else "")
                    + ", so it is singular (to working precision) and the Newton step "
                    "H⁻¹∇f does not exist; "
                    + ("a larger damping" if damping else "damping > 0 (H + λI)")
                    + " makes it solvable"
                )
                break
            alpha, loss = 1.0, None
            if line_search:
                slope = float(g @ direction)
                if not slope < 0:
                    status = "uphill"
                    detail = (
                        f"Stopped at step {k + 1}: the Hessian at {_describe(x, k)} "
                        f"has eigenvalues {_numbers(eigenvalues)}, not all "
                        f"positive, and the Newton direction points uphill "
                        f"(∇f·d = {slope:.3g} ≥ 0), so no step length can lower f; "
                        "use saddle='abs' or damping > "
                        f"{max(0.0, -float(eigenvalues[0])):.3g}"
                    )
                    break
                alpha, loss = _backtrack(problem, x, losses[-1], direction, slope)
                if alpha is None:
                    status = "line search failed"
                    detail = _line_search_failure(k, x, losses[-1], "Armijo")
                    break
            candidate = x + alpha * direction
            if loss is None:
                loss = problem.loss(candidate)
            size = float(np.abs(candidate).max())
            # Comparisons with nan are False: nan sizes count as blow-up.
            if not (size <= limit) or loss == math.inf:
                status, diverged_at = "diverged", k + 1
                break
            g_new = problem.gradient(candidate)
            H_new = _hessian(hess, candidate, shape)
            if (
                not math.isfinite(loss)
                or np.any(np.isnan(g_new))
                or np.any(np.isnan(H_new))
            ):
                status = "undefined"
                break
            if not (np.all(np.isfinite(g_new)) and np.all(np.isfinite(H_new))):
                status, diverged_at = "diverged", k + 1
                break
            x, g, H = candidate, g_new, H_new
            path.append(x)
            losses.append(loss)
            alphas.append(alpha)

    return _record(
        problem,
        path,
        losses,
        norms,
        alphas,
        status=status,
        diverged_at=diverged_at,
        tol=tol,
        method=method,
        min_curvature=np.array(lowest[: len(path)]),
        final_kind=classify(H) if np.all(np.isfinite(H)) else None,
        detail=detail,
        # Pure Newton looks for ∇f = 0; whether it is getting there shows in
        # |∇f|, not in the loss (which rises on the way to a maximum).
        progress="gradient",
    )


def _backtrack(
    problem: _Problem, x: np.ndarray, loss: float, direction: np.ndarray, slope: float
) -> tuple[float | None, float | None]:
    """The first of α = 1, ½, ¼, … meeting the Armijo condition, and f there."""
    alpha = 1.0
    for _ in range(_HALVINGS):
        trial = problem.loss(x + alpha * direction)
        if trial <= loss + _ARMIJO * alpha * slope:
            return alpha, trial
        alpha *= 0.5
    return None, None


def _line_search_failure(k: int, x: np.ndarray, loss: float, conditions: str) -> str:
    return (
        f"Stopped at step {k + 1}: at {_describe(x, k)} (f = {loss:.6g}) the line "
        f"search found no step length satisfying the {conditions} conditions "
        "along the search direction; usually f is already as low as floating-point "
        "arithmetic can resolve there, or the gradient does not match f"
    )


def _record(
    problem: _Problem,
    path: list,
    losses: list,
    norms: list,
    alphas: list,
    *,
    status: str,
    diverged_at: int | None,
    tol: float,
    method: str,
    min_curvature: np.ndarray | None,
    final_kind: str | None,
    detail: str,
    progress: str,
    skipped_updates: int = 0,
) -> SecondOrderRun:
    """Assemble the run record, judging an unfinished run as gradient descent does."""
    path_array = np.array(path).reshape((len(path), *problem.shape))
    losses_array = np.array(losses)
    norms_array = np.array(norms[: len(path)])
    moves = np.diff(path_array.reshape(len(path_array), -1), axis=0)
    lengths = np.sqrt(np.sum(moves * moves, axis=1))
    turns = np.sum(moves[1:] * moves[:-1], axis=1) < 0
    step_growth = _late_rate(lengths)
    if status == "converging":
        falling = norms_array if progress == "gradient" else losses_array
        status = _unfinished_status(falling, lengths, turns, step_growth)
    return SecondOrderRun(
        path=path_array,
        losses=losses_array,
        grad_norms=norms_array,
        lr=1.0,
        status=status,
        diverged_at=diverged_at,
        zigzag=bool(turns.size >= 2 and np.mean(turns) > 0.5),
        tol=tol,
        grad_rate=_steady_rate(norms_array),
        step_growth=step_growth,
        method=method,
        step_lengths=np.array(alphas, dtype=np.float64),
        min_curvature=min_curvature,
        final_kind=final_kind if status == "converged" else None,
        evaluations=problem.evaluations,
        skipped_updates=skipped_updates,
        detail=detail,
    )


def _strong_wolfe(
    problem: _Problem,
    x: np.ndarray,
    loss: float,
    g: np.ndarray,
    direction: np.ndarray,
    limit: float,
) -> tuple[float, float, np.ndarray] | None:
    r"""A step length meeting the strong Wolfe conditions, with f and ∇f there.

    .. math::

        f(x + \alpha d) \le f(x) + c_1 \alpha \nabla f(x) \cdot d, \qquad
        |\nabla f(x + \alpha d) \cdot d| \le c_2 |\nabla f(x) \cdot d|

    with :math:`c_1 = 10^{-4}`, :math:`c_2 = 0.9` (Nocedal & Wright,
    Algorithm 3.5): try :math:`\alpha = 1, 2, 4, \dots` until a step is
    acceptable or an interval containing acceptable steps is bracketed, then
    shrink that interval (:func:`_zoom`). A trial where f or ∇f is not finite
    counts as too long a step. A trial beyond ``limit`` (the blow-up size) is
    returned as it is: f is still falling that far out. None if nothing
    acceptable is found.
    """
    slope0 = float(g @ direction)
    wolfe = _Wolfe(problem, x, loss, direction, slope0)
    previous = (0.0, loss, slope0)
    alpha = 1.0
    for trial in range(_WOLFE_TRIALS):
        value, gradient, slope = wolfe.phi(alpha)
        if not float(np.max(np.abs(x + alpha * direction))) <= limit:
            # Still going down this far out: f looks unbounded below along d.
            # The caller sees the step leave the blow-up limit and says so.
            return alpha, value, gradient
        if not wolfe.sufficient(alpha, value) or (trial > 0 and value >= previous[1]):
            return wolfe.zoom(previous, (alpha, value))
        if wolfe.flat(slope):
            return alpha, value, gradient
        if slope >= 0:
            return wolfe.zoom((alpha, value, slope), previous[:2])
        previous = (alpha, value, slope)
        alpha *= 2.0
    return None


class _Wolfe:
    """The one-dimensional function :math:`\varphi(\alpha) = f(x + \alpha d)`
    of a strong Wolfe line search, and its tests."""

    def __init__(
        self,
        problem: _Problem,
        x: np.ndarray,
        loss: float,
        direction: np.ndarray,
        slope0: float,
    ):
        self.problem, self.x, self.loss = problem, x, loss
        self.direction, self.slope0 = direction, slope0

    def phi(self, alpha: float) -> tuple[float, np.ndarray, float]:
        """φ(α), ∇f at x + αd, and φ'(α); (inf, ∇f, nan) where not finite."""
        point = self.x + alpha * self.direction
        value = self.problem.loss(point)
        gradient = self.problem.gradient(point)
        if not (math.isfinite(value) and np.all(np.isfinite(gradient))):
            return math.inf, gradient, math.nan
        return value, gradient, float(gradient @ self.direction)

    def sufficient(self, alpha: float, value: float) -> bool:
        """The Armijo condition."""
        return value <= self.loss + _ARMIJO * alpha * self.slope0

    def flat(self, slope: float) -> bool:
        """The strong curvature condition."""
        return abs(slope) <= -_WOLFE * self.slope0

    def zoom(
        self, lo: tuple[float, float, float], hi: tuple[float, float]
    ) -> tuple[float, float, np.ndarray] | None:
        """Shrink [lo, hi] (Nocedal & Wright, Algorithm 3.6) to a strong Wolfe step.

        ``lo`` meets the Armijo condition and has the lowest φ seen; φ'(lo)
        points towards ``hi``. Each trial is the minimum of the quadratic
        through φ(lo), φ'(lo), φ(hi), kept in the middle 80 % of the interval
        (bisection when the quadratic has no minimum).
        """
        (lo_alpha, lo_value, lo_slope), (hi_alpha, hi_value) = lo, hi
        for _ in range(_WOLFE_TRIALS):
            width = hi_alpha - lo_alpha
            if abs(width) <= 1e-16 * max(1.0, abs(lo_alpha)):
                return None
            bend = (hi_value - lo_value - lo_slope * width) / (width * width)
            if math.isfinite(bend) and bend > 0:
                alpha = lo_alpha - lo_slope / (2 * bend)
            else:
                alpha = lo_alpha + 0.5 * width
            low, high = sorted((lo_alpha + 0.1 * width, hi_alpha - 0.1 * width))
            alpha = min(max(alpha, low), high)
            value, gradient, slope = self.phi(alpha)
            if not self.sufficient(alpha, value) or value >= lo_value:
                hi_alpha, hi_value = alpha, value
                continue
            if self.flat(slope):
                return alpha, value, gradient
            if slope * width >= 0:
                hi_alpha, hi_value = lo_alpha, lo_value
            lo_alpha, lo_value, lo_slope = alpha, value, slope
        return None


def bfgs(
    f: Callable,
    grad: Callable,
    x0: Any,
    steps: int,
    *,
    tol: float = 1e-10,
) -> SecondOrderRun:
    r"""BFGS: a quasi-Newton method that learns the inverse Hessian from gradients.

    Each step moves along :math:`d_k = -B_k \nabla f(x_k)`, where :math:`B_k`
    approximates :math:`H^{-1}`, by a step length :math:`\alpha_k` satisfying
    the strong Wolfe conditions (sufficient decrease with :math:`c_1 = 10^{-4}`,
    curvature :math:`|\nabla f(x_{k+1}) \cdot d_k| \le 0.9\, |\nabla f(x_k)
    \cdot d_k|`). With :math:`s = x_{k+1} - x_k`, :math:`y = \nabla f(x_{k+1})
    - \nabla f(x_k)` and :math:`\rho = 1 / y^\top s`,

    .. math:: B_{k+1} = (I - \rho\, s y^\top)\, B_k\, (I - \rho\, y s^\top)
              + \rho\, s s^\top ,

    the positive-definite matrix closest to :math:`B_k` that maps :math:`y` to
    :math:`s` (the secant condition). It stays positive definite when
    :math:`y^\top s > 0`, which the Wolfe conditions guarantee; as a guard
    against rounding, an update with :math:`y^\top s \le 10^{-10} \|y\|\|s\|`
    is skipped (counted in :attr:`SecondOrderRun.skipped_updates`).
    :math:`B_0 = I`, rescaled to :math:`(y^\top s / y^\top y)\, I` before the
    first update (Nocedal & Wright, eq. 6.20), so the first trial steps are of
    the right length.

    Parameters
    ----------
    f : callable
        The loss; ``f(x)`` returns a number. It gets a copy of the iterate.
    grad : callable
        Its gradient; ``grad(x)`` returns an array of the shape of ``x``.
    x0 : float or array_like, shape (n,)
        Start point, where ``f`` and ``grad`` must be finite.
    steps : int
        Maximum number of steps (iterations), 0 to
        :data:`~calclearn.optim.MAX_STEPS`.
    tol : float
        Stop when :math:`\|\nabla f(x_k)\| \le` ``tol``.

    Returns
    -------
    SecondOrderRun
        ``method = "bfgs"``; ``step_lengths`` holds the Wolfe step lengths and
        ``evaluations`` the number of calls of ``f`` (and of ``grad``).
        Status ``"line search failed"`` when no Wolfe step is found (typically
        at the limit of floating-point resolution, or when ``grad`` is not the
        gradient of ``f``).

    Raises
    ------
    TypeError, ValueError
        Naming the argument, for bad arguments, or when ``f`` or ``grad`` is
        not finite at ``x0``.

    Examples
    --------
    >>> from calclearn.landscapes import LANDSCAPES
    >>> rosen = LANDSCAPES["Rosenbrock"]
    >>> run = bfgs(rosen.f, rosen.grad, [-1.2, 1.0], 200)
    >>> run.status, run.path[-1].round(8).tolist()
    ('converged', [1.0, 1.0])
    """
    f, grad, x, steps, tol = _arguments(f, grad, x0, steps, tol)
    shape = x.shape
    x = x.reshape(-1)
    problem = _Problem(f, grad, shape)
    loss, g = problem.start(x)
    inverse = np.eye(x.size)
    first_update, skipped = True, 0
    path, losses, norms, alphas = [x], [loss], [], []
    status, diverged_at, detail = "converging", None, ""
    limit = _BLOW_UP * max(1.0, float(np.max(np.abs(x))))
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(steps + 1):
            norms.append(math.sqrt(float(g @ g)))
            if norms[-1] <= tol:
                status = "converged"
                break
            if k == steps:
                break
            direction = -(inverse @ g)
            if not float(g @ direction) < 0:
                # Rounding made B indefinite: restart from steepest descent.
                inverse = np.eye(x.size)
                direction = -g
            found = _strong_wolfe(problem, x, loss, g, direction, limit)
            if found is None:
                status = "line search failed"
                detail = _line_search_failure(k, x, loss, "strong Wolfe")
                break
            alpha, loss_new, g_new = found
            candidate = x + alpha * direction
            if not float(np.abs(candidate).max()) <= limit:
                status, diverged_at = "diverged", k + 1
                break
            s, y = candidate - x, g_new - g
            curvature = float(y @ s)
            if curvature > _CURVATURE_GUARD * math.sqrt(float(y @ y) * float(s @ s)):
                if first_update:
                    inverse *= curvature / float(y @ y)
                    first_update = False
                rho = 1.0 / curvature
                left = np.eye(x.size) - rho * np.outer(s, y)
                inverse = left @ inverse @ left.T + rho * np.outer(s, s)
            else:
                skipped += 1
            x, loss, g = candidate, loss_new, g_new
            path.append(x)
            losses.append(loss)
            alphas.append(alpha)

    return _record(
        problem,
        path,
        losses,
        norms,
        alphas,
        status=status,
        diverged_at=diverged_at,
        tol=tol,
        method="bfgs",
        min_curvature=None,
        final_kind=None,
        detail=detail,
        progress="loss",
        skipped_updates=skipped,
    )
