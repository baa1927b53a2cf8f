"""Optimisation: the algorithms that turn a gradient into a better point.

- :mod:`calclearn.optim.descent`: plain gradient descent on a learner's
  function, with a plain-words account of how the run went (Chapters 1 and 3).
- :mod:`calclearn.optim.second_order`: Newton's method (pure, damped, line
  search, saddle-free) and BFGS, with the same run record (Chapter 7).
- :mod:`calclearn.optim.optimizers`, :mod:`calclearn.optim.schedulers`,
  :mod:`calclearn.optim.clip`: PyTorch's optimizers (SGD, Adagrad, RMSprop,
  Adam, AdamW), learning-rate schedules and gradient clipping, step for step
  as ``torch.optim`` (Chapter 6); :mod:`calclearn.optim.functional` runs them
  on the 2-D landscapes (:func:`minimize`) and over whole grids of
  hyperparameters at once (:func:`sweep`).
"""

from calclearn.optim.clip import clip_grad_norm_
from calclearn.optim.descent import MAX_STEPS, STATUSES, DescentRun, gradient_descent
from calclearn.optim.functional import SWEEP_STATUSES, Sweep, minimize, sweep
from calclearn.optim.optimizers import (
    OPTIMIZERS,
    SGD,
    Adagrad,
    Adam,
    AdamW,
    Optimizer,
    RMSprop,
)
from calclearn.optim.schedulers import (
    CosineAnnealingLR,
    ExponentialLR,
    LinearLR,
    LRScheduler,
    StepLR,
)
from calclearn.optim.second_order import (
    SADDLE_MODES,
    SECOND_ORDER_STATUSES,
    SecondOrderRun,
    bfgs,
    newton,
)

__all__ = [
    "MAX_STEPS",
    "OPTIMIZERS",
    "SADDLE_MODES",
    "SECOND_ORDER_STATUSES",
    "SGD",
    "STATUSES",
    "SWEEP_STATUSES",
    "Adagrad",
    "Adam",
    "AdamW",
    "CosineAnnealingLR",
    "DescentRun",
    "ExponentialLR",
    "LRScheduler",
    "LinearLR",
    "Optimizer",
    "RMSprop",
    "SecondOrderRun",
    "StepLR",
    "Sweep",
    "bfgs",
    "clip_grad_norm_",
    "gradient_descent",
    "minimize",
    "newton",
    "sweep",
]
