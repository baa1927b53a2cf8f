r"""Learning-rate schedules with PyTorch's names, arguments and ``step()``.

A scheduler changes ``group["lr"]`` in its optimizer's ``param_groups``, as
``torch.optim.lr_scheduler`` does. Call ``scheduler.step()`` once per epoch
(or per update), after ``optimizer.step()``::

    opt = SGD(params, lr=0.1, momentum=0.9)
    schedule = CosineAnnealingLR(opt, T_max=100)
    for epoch in range(100):
        ...                      # forward, backward, opt.step()
        schedule.step()

Creating the scheduler counts as step 0 and sets the rate for it (for
:class:`LinearLR`, ``base_lr * start_factor``); after :math:`t` calls of
``step()`` the rate is the closed form at :math:`t`, with ``base_lr`` the
group's learning rate when the scheduler was made.

Difference from PyTorch: PyTorch updates most rates recursively from the
current ``group["lr"]`` (so schedulers can be chained, and a rate set by hand
between steps carries on); here every rate is its closed form in :math:`t`
(PyTorch's ``_get_closed_form_lr``), which agrees with the recursion to
rounding (a few ulp). Chaining two schedulers on one optimizer is therefore not
supported, nor is resuming with ``last_epoch``.
"""

from __future__ import annotations

import math

from calclearn._validation import require_int, require_real_scalar
from calclearn.optim.optimizers import Optimizer


class LRScheduler:
    """The shared machinery: base rates, the step count, ``get_last_lr``.

    Attributes
    ----------
    optimizer : Optimizer
        The optimizer whose ``param_groups`` it changes.
    base_lrs : list of float
        Each group's learning rate when the scheduler was made (stored in
        the group as ``"initial_lr"``, as PyTorch does).
    last_epoch : int
        How many times :meth:`step` has been called (0 after construction).
    """

    def __init__(self, optimizer: Optimizer) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(
                "optimizer must be a calclearn.optim optimizer (SGD, Adam, ...), "
                f"got {type(optimizer).__name__}"
            )
        self.optimizer = optimizer
        for group in optimizer.param_groups:
            group.setdefault("initial_lr", group["lr"])
        self.base_lrs = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = -1
        self.step()

    def step(self) -> None:
        """Advance one epoch and set every group's learning rate."""
        self.last_epoch += 1
        self._last_lr = [self._lr_at(base, self.last_epoch) for base in self.base_lrs]
        for group, lr in zip(self.optimizer.param_groups, self._last_lr, strict=True):
            group["lr"] = lr

    def get_last_lr(self) -> list[float]:
        """The learning rate of each group set by the last :meth:`step`."""
        return list(self._last_lr)

    def _lr_at(self, base_lr: float, t: int) -> float:
        """The closed form: the rate after ``t`` steps from ``base_lr``."""
        raise NotImplementedError


class StepLR(LRScheduler):
    r"""Multiply the rate by ``gamma`` every ``step_size`` steps.

    .. math::

        \gamma_t = \gamma_0 \cdot \text{gamma}^{\lfloor t / \text{step\_size} \rfloor}

    Parameters
    ----------
    optimizer : Optimizer
    step_size : int
        Steps between decays, at least 1.
    gamma : float
        The factor, > 0 (default 0.1).

    Examples
    --------
    >>> from calclearn.autodiff import Tensor
    >>> from calclearn.optim import SGD
    >>> schedule = StepLR(SGD([Tensor(0.0)], lr=1.0), step_size=2, gamma=0.5)
    >>> rates = []
    >>> for _ in range(5):
    ...     rates.append(schedule.get_last_lr()[0])
    ...     schedule.step()
    >>> rates
    [1.0, 1.0, 0.5, 0.5, 0.25]
    """

    def __init__(
        self, optimizer: Optimizer, step_size: int, gamma: float = 0.1
    ) -> None:
        self.step_size = require_int(step_size, "step_size", minimum=1)
        self.gamma = require_real_scalar(gamma, "gamma", positive=True)
        super().__init__(optimizer)

    def _lr_at(self, base_lr: float, t: int) -> float:
        return base_lr * self.gamma ** (t // self.step_size)


class ExponentialLR(LRScheduler):
    r"""Multiply the rate by ``gamma`` every step.

    .. math:: \gamma_t = \gamma_0 \cdot \text{gamma}^{t}

    Parameters
    ----------
    optimizer : Optimizer
    gamma : float
        The factor per step, > 0.

    Examples
    --------
    >>> from calclearn.autodiff import Tensor
    >>> from calclearn.optim import SGD
    >>> schedule = ExponentialLR(SGD([Tensor(0.0)], lr=1.0), gamma=0.5)
    >>> schedule.step(); schedule.step()
    >>> schedule.get_last_lr()
    [0.25]
    """

    def __init__(self, optimizer: Optimizer, gamma: float) -> None:
        self.gamma = require_real_scalar(gamma, "gamma", positive=True)
        super().__init__(optimizer)

    def _lr_at(self, base_lr: float, t: int) -> float:
        return base_lr * self.gamma**t


class CosineAnnealingLR(LRScheduler):
    r"""Lower the rate along half a cosine from ``base_lr`` to ``eta_min``.

    .. math::

        \gamma_t = \eta_{min} + (\gamma_0 - \eta_{min})
        \frac{1 + \cos(\pi t / T_{max})}{2}

    It reaches :math:`\eta_{min}` at :math:`t = T_{max}` and, as in PyTorch,
    is not clamped after that: it rises again, with period :math:`2T_{max}`
    (warm restarts are ``CosineAnnealingWarmRestarts`` in PyTorch).

    Parameters
    ----------
    optimizer : Optimizer
    T_max : int
        Steps to the minimum, at least 1.
    eta_min : float
        The lowest rate, >= 0.

    Examples
    --------
    >>> from calclearn.autodiff import Tensor
    >>> from calclearn.optim import SGD
    >>> schedule = CosineAnnealingLR(SGD([Tensor(0.0)], lr=1.0), T_max=2)
    >>> schedule.step()
    >>> schedule.get_last_lr()  # (1 + cos(pi/2)) / 2
    [0.5]
    """

    def __init__(self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0) -> None:
        self.T_max = require_int(T_max, "T_max", minimum=1)
        self.eta_min = require_real_scalar(eta_min, "eta_min", nonnegative=True)
        super().__init__(optimizer)

    def _lr_at(self, base_lr: float, t: int) -> float:
        return (
            self.eta_min
            + (base_lr - self.eta_min) * (1 + math.cos(math.pi * t / self.T_max)) / 2
        )


class LinearLR(LRScheduler):
    r"""Change the rate's factor linearly over ``total_iters`` steps (warm-up).

    .. math::

        \gamma_t = \gamma_0 \left(s + (e - s)\frac{\min(t, T)}{T}\right)

    with :math:`s` = ``start_factor``, :math:`e` = ``end_factor``, :math:`T` =
    ``total_iters``; constant after :math:`T`.

    Parameters
    ----------
    optimizer : Optimizer
    start_factor : float
        In (0, 1] (default 1/3).
    end_factor : float
        In [0, 1] (default 1).
    total_iters : int
        At least 1 (default 5).

    Examples
    --------
    >>> from calclearn.autodiff import Tensor
    >>> from calclearn.optim import SGD
    >>> schedule = LinearLR(SGD([Tensor(0.0)], lr=1.0), start_factor=0.5, total_iters=2)
    >>> rates = []
    >>> for _ in range(4):
    ...     rates.append(schedule.get_last_lr()[0])
    ...     schedule.step()
    >>> rates
    [0.5, 0.75, 1.0, 1.0]
    """

    def __init__(
        self,
        optimizer: Optimizer,
        start_factor: float = 1.0 / 3,
        end_factor: float = 1.0,
        total_iters: int = 5,
    ) -> None:
        start = require_real_scalar(start_factor, "start_factor")
        if not 0 < start <= 1:
            raise ValueError(f"start_factor must be in (0, 1], got {start}")
        end = require_real_scalar(end_factor, "end_factor")
        if not 0 <= end <= 1:
            raise ValueError(f"end_factor must be in [0, 1], got {end}")
        self.start_factor, self.end_factor = start, end
        self.total_iters = require_int(total_iters, "total_iters", minimum=1)
        super().__init__(optimizer)

    def _lr_at(self, base_lr: float, t: int) -> float:
        return base_lr * (
            self.start_factor
            + (self.end_factor - self.start_factor)
            * min(self.total_iters, t)
            / self.total_iters
        )
