"""The course's explorers, one module per chapter topic.

Each explorer is an :class:`~calclearn.widgets.Explorer`: controls plus one
figure updated in place. :data:`EXPLORERS` lists every one of them, so tests
and the latency benchmark cover a new explorer as soon as it is added here.
"""

from calclearn.explorers.backprop import (
    DecisionBoundaryExplorer,
    GradientFlowExplorer,
)
from calclearn.explorers.chain_rule import BackwardPassExplorer
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
)

__all__ = [
    "EXPLORERS",
    "BackwardPassExplorer",
    "ConditioningExplorer",
    "DecisionBoundaryExplorer",
    "DirectionalDerivativeExplorer",
    "GradientDescentExplorer",
    "GradientFlowExplorer",
    "LearningRateExplorer",
    "SecantExplorer",
    "SliceExplorer",
    "StepSizeExplorer",
]
