"""calclearn: the package behind the course *Calculus for Machine Learning*.

The notebooks call it for every computation, figure and explorer:

- :mod:`calclearn.differentiation`: finite differences, complex step, gradient checks
- :mod:`calclearn.symbolic`: exact derivatives with sympy, compiled to numpy
- :mod:`calclearn.curves`: the functions of one variable used in Chapter 1
- :mod:`calclearn.landscapes`: the loss surfaces of two variables used from Chapter 2
- :mod:`calclearn.optim`: gradient descent and an account of how a run went
- :mod:`calclearn.plots` and :mod:`calclearn.widgets`: figures and the explorer
  framework; :mod:`calclearn.explorers`: the explorers themselves
- :mod:`calclearn.exercises`: instant-feedback checks
- :mod:`calclearn.environment`: the start page's self-check
"""

from calclearn.curves import CURVES, Curve
from calclearn.differentiation import (
    GRADIENT_CHECK_THRESHOLDS,
    GradientCheck,
    default_step,
    derivative,
    gradient,
    gradient_check,
    hessian,
    jacobian,
    step_size_errors,
)
from calclearn.environment import self_check
from calclearn.explorers import (
    EXPLORERS,
    ConditioningExplorer,
    DirectionalDerivativeExplorer,
    GradientDescentExplorer,
    LearningRateExplorer,
    SecantExplorer,
    SliceExplorer,
    StepSizeExplorer,
)
from calclearn.landscapes import (
    LANDSCAPES,
    CriticalPoint,
    Landscape,
    QuadraticBowl,
    quadratic_bowl,
)
from calclearn.optim import DescentRun, gradient_descent
from calclearn.plots import gradient_field_figure, surface_figure
from calclearn.symbolic import (
    as_expression,
    symbolic_derivative,
    symbolic_gradient,
    symbolic_hessian,
    to_numpy,
)
from calclearn.widgets import Explorer

__version__ = "0.1.0"

__all__ = [
    "CURVES",
    "EXPLORERS",
    "GRADIENT_CHECK_THRESHOLDS",
    "LANDSCAPES",
    "ConditioningExplorer",
    "CriticalPoint",
    "Curve",
    "DescentRun",
    "DirectionalDerivativeExplorer",
    "Explorer",
    "GradientCheck",
    "GradientDescentExplorer",
    "Landscape",
    "LearningRateExplorer",
    "QuadraticBowl",
    "SecantExplorer",
    "SliceExplorer",
    "StepSizeExplorer",
    "as_expression",
    "default_step",
    "derivative",
    "gradient",
    "gradient_check",
    "gradient_descent",
    "gradient_field_figure",
    "hessian",
    "jacobian",
    "quadratic_bowl",
    "self_check",
    "step_size_errors",
    "surface_figure",
    "symbolic_derivative",
    "symbolic_gradient",
    "symbolic_hessian",
    "to_numpy",
]
