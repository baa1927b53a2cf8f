"""The course's explorers, one module per chapter topic.

Each explorer is an :class:`~calclearn.widgets.Explorer`: controls plus one
figure updated in place. :data:`EXPLORERS` lists every one of them, so tests
and the latency benchmark cover a new explorer as soon as it is added here.
"""

from calclearn.explorers.backprop import (
    DecisionBoundaryExplorer,
    GradientFlowExplorer,
)
from calclearn.explorers.capstone import RegularisationExplorer
from calclearn.explorers.chain_rule import BackwardPassExplorer
from calclearn.explorers.curvature import NewtonExplorer, TaylorExplorer
from calclearn.explorers.derivatives import (
    LearningRateExplorer,
    SecantExplorer,
    StepSizeExplorer,
)
from calclearn.explorers.gradients import (
    ConditioningExplorer,
    DirectionalDerivativeExplorer,
    GradientDescentExplorer,
)
from calclearn.explorers.integration import AreaExplorer, MonteCarloExplorer
from calclearn.explorers.minibatch import BatchSizeExplorer
from calclearn.explorers.optimizers import (
    ClippingExplorer,
    MomentumExplorer,
    OptimizerRaceExplorer,
    ScheduleExplorer,
)
from calclearn.explorers.partials import SliceExplorer

#: Every explorer class of the course (constructible with no arguments).
EXPLORERS = (
    SecantExplorer,
    StepSizeExplorer,
    LearningRateExplorer,
    SliceExplorer,
    DirectionalDerivativeExplorer,
    GradientDescentExplorer,
    ConditioningExplorer,
    BackwardPassExplorer,
    DecisionBoundaryExplorer,
    GradientFlowExplorer,
    AreaExplorer,
    MonteCarloExplorer,
    TaylorExplorer,
    NewtonExplorer,
    BatchSizeExplorer,
    MomentumExplorer,
    OptimizerRaceExplorer,
    ScheduleExplorer,
    ClippingExplorer,
    RegularisationExplorer,
)

__all__ = [
    "EXPLORERS",
    "AreaExplorer",
    "BackwardPassExplorer",
    "BatchSizeExplorer",
    "ClippingExplorer",
    "ConditioningExplorer",
    "DecisionBoundaryExplorer",
    "DirectionalDerivativeExplorer",
    "GradientDescentExplorer",
    "GradientFlowExplorer",
    "LearningRateExplorer",
    "MomentumExplorer",
    "MonteCarloExplorer",
    "NewtonExplorer",
    "OptimizerRaceExplorer",
    "RegularisationExplorer",
    "ScheduleExplorer",
    "SecantExplorer",
    "SliceExplorer",
    "StepSizeExplorer",
    "TaylorExplorer",
]
