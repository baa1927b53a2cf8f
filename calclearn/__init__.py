"""calclearn: the package behind the course *Calculus for Machine Learning*.

The notebooks call it for every computation, figure and explorer:

- :mod:`calclearn.differentiation`: finite differences, complex step, gradient checks
- :mod:`calclearn.symbolic`: exact derivatives with sympy, compiled to numpy
- :mod:`calclearn.taylor`: Taylor polynomials and the order of their error (Chapter 1)
- :mod:`calclearn.curves`: the functions of one variable used in Chapter 1
- :mod:`calclearn.landscapes`: the loss surfaces of two variables used from Chapter 2
- :mod:`calclearn.linearisation`: the tangent plane and the error of the linear model
- :mod:`calclearn.regression`: the mean squared error of a line fit, the first loss
- :mod:`calclearn.optim`: gradient descent and an account of how a run went;
  Newton's method and BFGS (Chapter 7)
- :mod:`calclearn.curvature`: the second-derivative test, the condition
  number and the quadratic Taylor model of a function at a point
- :mod:`calclearn.linalg`: symmetric 2×2 matrices, their eigenvalues and what
  they say about gradient descent (Chapter 3)
- :mod:`calclearn.autodiff`: reverse-mode automatic differentiation on numpy
  arrays (``Tensor``) and forward mode with dual numbers (``Dual``);
  :mod:`calclearn.graph_plot` draws its computational graphs
- :mod:`calclearn.matrix_calculus`: gradients and Jacobians three ways (sympy,
  finite differences, autodiff) to check matrix-calculus identities (Chapter 4)
- :mod:`calclearn.nn` and :mod:`calclearn.data`: layers, MLPs, losses and toy
  data sets for Chapters 4 and 5
- :mod:`calclearn.plots` and :mod:`calclearn.widgets`: figures and the explorer
  framework; :mod:`calclearn.explorers`: the explorers themselves
- :mod:`calclearn.exercises`: instant-feedback checks
- :mod:`calclearn.environment`: the start page's self-check
- :mod:`calclearn.classroom`: the nbgitpuller link that gives a class a chapter
  on a JupyterHub (``python -m calclearn.classroom HUB_URL CHAPTER``)
- :mod:`calclearn.integrate`: Riemann sums, the trapezoid and Simpson rules,
  Monte Carlo and importance sampling (Chapter 8)
- :mod:`calclearn.training`: the training loop with a validation set, early
  stopping, L2 regularisation and the learning-rate range test (Chapter 9)

Importing the package is cheap: every public name below (and every submodule,
``calclearn.plots`` say) is imported from its module on first use (PEP 562), so
that ``import calclearn`` loads neither sympy nor matplotlib nor ipywidgets
until a notebook asks for something that needs them. ``from calclearn import *``
imports them all.

To export a new name, add it to its module's entry in ``_EXPORTS``.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

__version__ = "0.1.0"

#: The public names, by the module that defines them.
_EXPORTS: dict[str, tuple[str, ...]] = {
    "calclearn.classroom": ("nbgitpuller_link",),
    "calclearn.autodiff": (
        "Dual",
        "Tensor",
        "backward_pass",
        "cross_entropy",
        "forward_mode_gradient",
        "hvp",
        "reverse_mode_gradient",
        "topological_order",
        "zero_grad",
    ),
    "calclearn.curvature": (
        "PowerIteration",
        "TaylorModel",
        "classify",
        "condition_number",
        "power_iteration",
        "taylor_model",
    ),
    "calclearn.curves": ("CURVES", "Curve"),
    "calclearn.data": (
        "blobs",
        "noisy_linear",
        "noisy_polynomial",
        "spirals",
        "two_moons",
    ),
    "calclearn.differentiation": (
        "GRADIENT_CHECK_THRESHOLDS",
        "GradientCheck",
        "default_step",
        "derivative",
        "gradient",
        "gradient_check",
        "hessian",
        "jacobian",
        "step_size_errors",
    ),
    "calclearn.environment": ("self_check",),
    "calclearn.explorers": (
        "EXPLORERS",
        "AreaExplorer",
        "BackwardPassExplorer",
        "BatchSizeExplorer",
        "ConditioningExplorer",
        "DecisionBoundaryExplorer",
        "DirectionalDerivativeExplorer",
        "GradientDescentExplorer",
        "GradientFlowExplorer",
        "LearningRateExplorer",
        "MomentumExplorer",
        "OptimizerRaceExplorer",
        "RegularisationExplorer",
        "ScheduleExplorer",
        "ClippingExplorer",
        "MonteCarloExplorer",
        "NewtonExplorer",
        "SecantExplorer",
        "SliceExplorer",
        "StepSizeExplorer",
        "TaylorExplorer",
    ),
    "calclearn.integrate": (
        "GAUSSIAN_EXPECTATIONS",
        "INTEGRANDS",
        "QUADRATURE_RULES",
        "RULE_ORDERS",
        "DimensionStudy",
        "ImportanceEstimate",
        "Integrand",
        "MonteCarloEstimate",
        "convergence_order",
        "dimension_study",
        "grid_midpoint",
        "importance_sampling",
        "monte_carlo",
        "monte_carlo_rms_errors",
        "quadrature",
        "quadrature_errors",
        "riemann",
        "rule_nodes_and_weights",
        "running_estimates",
        "simpson",
        "trapezoid",
    ),
    "calclearn.explorers.integration": (
        "coin_posterior_figure",
        "convergence_figure",
        "dimension_figure",
        "rule_pieces",
        "trapezoid_versus_simpson_figure",
    ),
    "calclearn.explorers.optimizers": (
        "ILL_CONDITIONED_BOWL",
        "clipped_descent",
        "noise_floor",
        "noisy_descent",
        "race_base_lrs",
        "schedule_factors",
    ),
    "calclearn.optim.minibatch": ("MinibatchRun", "batch_gradients", "minibatch_sgd"),
    "calclearn.optim.momentum_theory": (
        "HeavyBallSettings",
        "component_rate",
        "critical_damping_lrs",
        "eigen_components",
        "heavy_ball_matrix",
        "heavy_ball_path",
        "heavy_ball_rate",
        "optimal_heavy_ball",
        "stability_limit",
    ),
    "calclearn.explorers.curvature": (
        "MEASURED_HESSIAN_SECONDS",
        "curvature_1d_figure",
        "hessian_cost_figure",
        "hessian_cost_table",
        "hessian_costs",
        "newton_traps_figure",
        "optimizer_race_figure",
        "principal_curvature_figure",
    ),
    "calclearn.explorers.backprop": (
        "layer_gradient_norms",
        "mlp_backprop",
        "saliency_figure",
        "train_classifier",
    ),
    "calclearn.graph_plot": ("computational_graph_figure",),
    "calclearn.matrix_calculus": (
        "agreement",
        "gradient_three_ways",
        "jacobian_three_ways",
    ),
    "calclearn.landscapes": (
        "LANDSCAPES",
        "CriticalPoint",
        "Landscape",
        "QuadraticBowl",
        "as_landscape",
        "quadratic_bowl",
    ),
    "calclearn.linalg": (
        "SymmetricEigen",
        "contraction_factor",
        "descent_factors",
        "eigen_figure",
        "level_set_ellipse",
        "quadratic_form",
        "quadratic_gradient",
        "steps_to_shrink",
        "symmetric_eigen",
    ),
    "calclearn.linearisation": (
        "TangentPlane",
        "linearisation_error",
        "tangent_plane",
        "tangent_plane_figure",
    ),
    "calclearn.nn": ("MLP", "Linear"),
    "calclearn.optim": (
        "SGD",
        "Adagrad",
        "Adam",
        "AdamW",
        "CosineAnnealingLR",
        "DescentRun",
        "ExponentialLR",
        "LinearLR",
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
    ),
    "calclearn.plots": ("gradient_field_figure", "surface_figure"),
    "calclearn.regression": (
        "least_squares_line",
        "line_fit_data",
        "mse_loss",
        "mse_loss_figure",
        "mse_partials",
    ),
    "calclearn.symbolic": (
        "as_expression",
        "plain_symbols",
        "symbolic_derivative",
        "symbolic_gradient",
        "symbolic_hessian",
        "to_numpy",
    ),
    "calclearn.taylor": (
        "taylor_coefficients",
        "taylor_errors",
        "taylor_figure",
        "taylor_polynomial",
    ),
    "calclearn.training": (
        "HandWrittenNet",
        "History",
        "LRRangeTest",
        "Split",
        "accuracy",
        "add_l2_gradient",
        "fit",
        "l2_penalty",
        "lr_range_test",
        "stopping_epoch",
        "tanh_layer_backward",
        "train_validation_split",
    ),
    "calclearn.explorers.capstone": (
        "OVERFIT_SPLIT",
        "capacity_figure",
        "gradient_norms_figure",
        "history_figure",
        "lr_range_figure",
        "train_grid",
    ),
    "calclearn.widgets": ("Explorer",),
}

_HOME = {name: module for module, names in _EXPORTS.items() for name in names}

__all__ = sorted(_HOME)


def __getattr__(name: str) -> Any:
    """Import a public name, or a submodule, the first time it is asked for."""
    if name in _HOME:
        value = getattr(importlib.import_module(_HOME[name]), name)
    elif not name.startswith("__") and name in _submodules():
        value = importlib.import_module(f"{__name__}.{name}")
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value  # later look-ups find it without calling this
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__, *_submodules()})


def _submodules() -> set[str]:
    return {module.name for module in pkgutil.iter_modules(__path__)}
