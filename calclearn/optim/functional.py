r"""The optimizers on the 2-D landscapes: one run, or a whole grid of settings.

- :func:`minimize` runs one optimizer (by name, with PyTorch's
  hyperparameters) from a start point and returns the same record as
  :func:`calclearn.optim.gradient_descent`: path, losses, gradient norms,
  status, and where and why it diverged.
- :func:`sweep` runs a whole grid of hyperparameters (say learning rate ×
  momentum) at once, every cell a separate run, through the leading axes of
  the landscapes' vectorised formulas: the data behind a convergence map.
  Each cell follows exactly (to the bit) the path :func:`minimize` takes.
"""

from __future__ import annotations

import inspect
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from calclearn._validation import (
    require_choice,
    require_int,
    require_real_scalar,
    require_vector,
)
from calclearn.autodiff import Tensor
from calclearn.optim.descent import _BLOW_UP, MAX_STEPS, DescentRun, _descend
from calclearn.optim.optimizers import OPTIMIZERS, Optimizer

if TYPE_CHECKING:
    from calclearn.landscapes import Landscape

#: The most cells one :func:`sweep` runs (memory: a few arrays of this size
#: per optimizer buffer).
MAX_CELLS = 1_000_000

#: The values :attr:`Sweep.status` takes per cell.
SWEEP_STATUSES = ("converged", "diverged", "undefined", "unfinished")


def _surface(landscape: Any) -> Landscape:
    # Imported here: landscapes needs sympy, which calclearn.optim does not.
    from calclearn.landscapes import as_landscape

    return as_landscape(landscape)


def _optimizer_class(optimizer: Any) -> type[Optimizer]:
    name = require_choice(
        optimizer.lower() if isinstance(optimizer, str) else optimizer,
        "optimizer",
        tuple(OPTIMIZERS),
    )
    return OPTIMIZERS[name]


def _check_names(cls: type[Optimizer], hyperparameters: dict[str, Any]) -> None:
    """``TypeError`` naming any keyword the optimizer does not take."""
    known = set(inspect.signature(cls).parameters) - {"params"}
    unknown = sorted(set(hyperparameters) - known)
    if unknown:
        raise TypeError(
            f"{cls.__name__} has no hyperparameter {', '.join(unknown)}; "
            f"it takes {', '.join(sorted(known))}"
        )


def _start(surface: Landscape, x0: Any) -> np.ndarray:
    point = require_vector(surface.start if x0 is None else x0, "x0")
    if point.shape != (2,):
        raise ValueError(f"x0 must be a point (x, y), got {x0!r}")
    return point.astype(np.float64)


def _steps(steps: Any) -> int:
    steps = require_int(steps, "steps", minimum=0)
    if steps > MAX_STEPS:
        raise ValueError(f"steps must be at most {MAX_STEPS:,}, got {steps:,}")
    return steps


def minimize(
    landscape: Any,
    x0: Any = None,
    optimizer: str = "adam",
    steps: int = 100,
    *,
    tol: float = 1e-10,
    **hyperparameters: Any,
) -> DescentRun:
    r"""Run a PyTorch-style optimizer on a 2-D landscape.

    Each step sets the parameter's ``.grad`` to :math:`\nabla f` and calls
    the optimizer's ``step()``, exactly as a PyTorch training loop would. The
    run stops, diverges and is described by the same rules as
    :func:`~calclearn.optim.gradient_descent`.

    Parameters
    ----------
    landscape : Landscape or str
        The surface, or its name in :data:`calclearn.landscapes.LANDSCAPES`.
    x0 : (float, float), optional
        Start point; default the landscape's ``start``.
    optimizer : str
        ``"sgd"``, ``"adagrad"``, ``"rmsprop"``, ``"adam"`` or ``"adamw"``.
    steps : int
        Most steps, 0 to :data:`~calclearn.optim.MAX_STEPS`.
    tol : float
        Stop when :math:`\|\nabla f\| \le` ``tol``.
    **hyperparameters
        The optimizer's arguments, with PyTorch's names and defaults
        (``lr``, ``momentum``, ``betas``, ...).

    Returns
    -------
    DescentRun
        The path, losses, gradient norms and status; ``lr`` is the learning
        rate used.

    Raises
    ------
    TypeError, ValueError
        Naming the argument: an unknown optimizer or hyperparameter, a bad
        value, a start where the loss or gradient is not finite.

    Examples
    --------
    >>> run = minimize("Booth", (0.0, 0.0), "sgd", 500, lr=0.05, momentum=0.5)
    >>> run.status, run.path[-1].round(6).tolist()
    ('converged', [1.0, 3.0])
    """
    surface = _surface(landscape)
    cls = _optimizer_class(optimizer)
    _check_names(cls, hyperparameters)
    x = _start(surface, x0)
    steps = _steps(steps)
    tol = require_real_scalar(tol, "tol", nonnegative=True)
    param = Tensor(x)
    opt = cls([param], **hyperparameters)

    def update(point: np.ndarray, gradient: np.ndarray) -> np.ndarray:
        np.copyto(param.data, point)
        param.grad = gradient
        opt.step()
        return param.data.copy()

    return _descend(
        surface.value,
        surface.gradient,
        x,
        update,
        steps,
        tol=tol,
        lr=opt.param_groups[0]["lr"],
    )


@dataclass(frozen=True)
class Sweep:
    """The outcome of every cell of a :func:`sweep`.

    Each array has the grid's shape: one axis per swept hyperparameter, in
    the order they were given.

    Attributes
    ----------
    optimizer : str
        The optimizer's name.
    axes : dict of str to numpy.ndarray
        The swept hyperparameters and their values (one 1-D array each).
    settings : dict
        Every other hyperparameter, as the optimizer used it.
    final_loss : numpy.ndarray
        The loss at each cell's last point (for a diverged cell, the last
        point before it blew up).
    final_point : numpy.ndarray, shape grid + (2,)
        That point.
    steps : numpy.ndarray of int
        Steps taken (to convergence, or before blowing up).
    status : numpy.ndarray of str
        ``"converged"`` (:math:`\\|\\nabla f\\| \\le` ``tol``), ``"diverged"``,
        ``"undefined"`` (a step left the function's domain) or
        ``"unfinished"`` (the steps ran out first); see
        :data:`SWEEP_STATUSES`.
    diverged_at : numpy.ndarray of int
        The step at which a diverged cell blew up, -1 elsewhere.
    tol : float
    max_steps : int
    paths : numpy.ndarray or None, shape grid + (max_steps + 1, 2)
        With ``keep_paths=True``: every cell's iterates, step by step; after
        a cell stops (converged, diverged, undefined) its last point repeats.
        ``paths[..., :steps + 1, :]`` is the path :func:`minimize` returns.
    """

    optimizer: str
    axes: dict[str, np.ndarray] = field(repr=False)
    settings: dict[str, Any] = field(repr=False)
    final_loss: np.ndarray = field(repr=False)
    final_point: np.ndarray = field(repr=False)
    steps: np.ndarray = field(repr=False)
    status: np.ndarray = field(repr=False)
    diverged_at: np.ndarray = field(repr=False)
    tol: float = 1e-10
    max_steps: int = 0
    paths: np.ndarray | None = field(default=None, repr=False)

    @property
    def shape(self) -> tuple[int, ...]:
        """The grid's shape."""
        return self.status.shape

    @property
    def converged(self) -> np.ndarray:
        """True where the cell converged."""
        return self.status == "converged"

    @property
    def diverged(self) -> np.ndarray:
        """True where the cell blew up."""
        return self.status == "diverged"

    @property
    def steps_to_tolerance(self) -> np.ndarray:
        """Steps to convergence as floats, nan where the cell did not converge
        (so a colour map leaves those cells blank)."""
        return np.where(self.converged, self.steps, np.nan)


def _norm(g: np.ndarray) -> np.ndarray:
    """|g| over the last axis, rounded as gradient_descent rounds it."""
    return np.sqrt(g[..., 0] * g[..., 0] + g[..., 1] * g[..., 1])


def _grid(
    hyperparameters: dict[str, Any], flags: tuple[str, ...]
) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """Split the keywords into grid axes (1-D sequences) and fixed values."""
    axes, fixed = {}, {}
    for name, value in hyperparameters.items():
        if name == "betas" or name in flags or np.ndim(value) == 0:
            fixed[name] = value
            continue
        values = np.asarray(value)
        if values.ndim != 1 or values.size == 0:
            raise ValueError(
                f"{name} must be a number, or a 1-D sequence of values to sweep, "
                f"got shape {values.shape}"
            )
        axes[name] = values
    return axes, fixed


def sweep(
    landscape: Any,
    optimizer: str = "sgd",
    *,
    x0: Any = None,
    steps: int = 200,
    tol: float = 1e-10,
    keep_paths: bool = False,
    **hyperparameters: Any,
) -> Sweep:
    r"""Run an optimizer for every combination of hyperparameters, all at once.

    Give each hyperparameter to sweep as a 1-D sequence and the others as
    numbers; the grid is their outer product, one axis per sequence in the
    order given. Every cell is an independent run from ``x0``, identical to
    :func:`minimize` with that cell's values (same stopping and divergence
    rules, same rounding), but all cells advance together as arrays of shape
    ``grid + (2,)`` through the landscape's vectorised formulas: a 100 × 100
    grid costs little more than one run.

    A cell stops updating once it converges or diverges, so nothing
    overflows; its last finite point and loss are kept.

    Parameters
    ----------
    landscape : Landscape or str
        The surface or its name.
    optimizer : str
        As for :func:`minimize`.
    x0 : (float, float), optional
        Start point; default the landscape's ``start``.
    steps : int
        Most steps per cell.
    tol : float
        A cell converges when :math:`\|\nabla f\| \le` ``tol``.
    keep_paths : bool
        Also keep every cell's path (:attr:`Sweep.paths`), for explorers
        that draw many runs.
    **hyperparameters
        Numbers, or 1-D sequences to sweep. The True/False options
        (``nesterov``, ``amsgrad``, ...) and ``betas`` can only be fixed.

    Returns
    -------
    Sweep
        Per cell: final loss and point, steps, status, where it diverged.

    Raises
    ------
    TypeError, ValueError
        Naming the argument: as for the optimizer's constructor, for every
        value of a swept axis; an empty or 2-D axis; more than
        :data:`MAX_CELLS` cells.

    Examples
    --------
    Heavy ball on a bowl with :math:`\kappa = 10`: the rate must stay below
    :math:`2(1 + \mu)/\lambda_{max} = 2(1+\mu)/10`.

    >>> from calclearn.landscapes import quadratic_bowl
    >>> bowl = quadratic_bowl(10)
    >>> result = sweep(bowl, "sgd", steps=100, lr=[0.1, 0.25, 0.35], momentum=[0, 0.5])
    >>> result.status.tolist()
    [['unfinished', 'converged'], ['diverged', 'converged'], ['diverged', 'diverged']]
    >>> result.steps.tolist()  # to convergence, or before blowing up
    [[100, 74], [36, 75], [16, 26]]
    """
    surface = _surface(landscape)
    cls = _optimizer_class(optimizer)
    _check_names(cls, hyperparameters)
    x_start = _start(surface, x0)
    steps = _steps(steps)
    tol = require_real_scalar(tol, "tol", nonnegative=True)
    axes, fixed = _grid(hyperparameters, cls._FLAGS)
    shape = tuple(len(values) for values in axes.values())
    if math.prod(shape) > MAX_CELLS:
        raise ValueError(
            f"the grid has {math.prod(shape):,} cells; at most {MAX_CELLS:,}"
        )
    # The constructor checks the fixed values and supplies the defaults; the
    # same rules then check every value of every axis.
    defaults = cls([Tensor(x_start)], **fixed).defaults
    settings = dict(defaults)
    for i, (name, values) in enumerate(axes.items()):
        broadcast = [1] * (len(shape) + 1)  # + 1: the (x, y) axis
        broadcast[i] = len(values)
        settings[name] = values.reshape(broadcast)
    settings = cls._validate(settings)

    loss0 = surface.value(x_start)
    g0 = surface.gradient(x_start)
    if not (math.isfinite(loss0) and np.all(np.isfinite(g0))):
        raise ValueError(
            f"f or its gradient is not finite at the start point x0 = "
            f"{x_start.tolist()}: start where both are finite numbers"
        )
    limit = _BLOW_UP * max(1.0, float(np.max(np.abs(x_start))))
    x = np.broadcast_to(x_start, (*shape, 2)).copy()
    g = np.broadcast_to(g0, (*shape, 2)).copy()
    loss = np.full(shape, float(loss0))
    taken = np.zeros(shape, dtype=np.int64)
    status = np.full(shape, "unfinished", dtype="<U10")
    diverged_at = np.full(shape, -1, dtype=np.int64)
    if _norm(g0) <= tol:
        status[...] = "converged"
    active = status == "unfinished"
    if not isinstance(keep_paths, bool):
        raise TypeError(f"keep_paths must be True or False, got {keep_paths!r}")
    paths = np.empty((*shape, steps + 1, 2)) if keep_paths else None
    if paths is not None:
        paths[...] = x[..., None, :]
    state: dict[str, Any] = {}
    # Cells that blow up produce inf and nan on the way; they are masked out
    # below, so the warnings say nothing.
    with np.errstate(all="ignore"):
        for k in range(steps):
            if not active.any():
                break
            new_state = dict(state)
            candidate = cls._update(x, g, new_state, settings)
            candidate_loss = surface.value(candidate)
            size = np.max(np.abs(candidate), axis=-1)
            blown = ~(size <= limit) | (candidate_loss == np.inf)
            outside = ~blown & ~np.isfinite(candidate_loss)
            candidate_g = surface.gradient(candidate)
            bad_g = ~np.all(np.isfinite(candidate_g), axis=-1)
            nan_g = np.any(np.isnan(candidate_g), axis=-1)
            # As gradient_descent: a blow-up at step k + 1, or a gradient that
            # is inf (diverged) or nan (undefined) at the new point.
            diverged = active & (blown | (~outside & bad_g & ~nan_g))
            undefined = active & ~blown & (outside | (bad_g & nan_g))
            diverged_at[diverged] = k + 1
            status[diverged] = "diverged"
            status[undefined] = "undefined"
            moved = active & ~diverged & ~undefined
            moved2 = moved[..., None]
            x = np.where(moved2, candidate, x)
            g = np.where(moved2, candidate_g, g)
            loss = np.where(moved, candidate_loss, loss)
            for key, value in new_state.items():
                old = state.get(key)
                if old is None or np.ndim(value) == 0:
                    state[key] = value
                else:
                    state[key] = np.where(moved2, value, old)
            taken[moved] = k + 1
            status[moved & (_norm(g) <= tol)] = "converged"
            active = status == "unfinished"
            if paths is not None:
                paths[..., k + 1, :] = x
    if paths is not None:  # every cell stopped early: their last points repeat
        paths[..., int(taken.max(initial=0)) + 1 :, :] = x[..., None, :]
    return Sweep(
        optimizer=cls.__name__,
        axes={name: values.copy() for name, values in axes.items()},
        settings={k: v for k, v in defaults.items() if k not in axes},
        final_loss=loss,
        final_point=x,
        steps=taken,
        status=status,
        diverged_at=diverged_at,
        tol=tol,
        max_steps=steps,
        paths=paths,
    )
