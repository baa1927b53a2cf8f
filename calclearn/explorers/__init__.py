"""The course's explorers, one module per chapter topic.

Each explorer is an :class:`~calclearn.widgets.Explorer`: controls plus one
figure updated in place. :data:`EXPLORERS` lists every one of them, so tests
and the latency benchmark cover a new explorer as soon as it is added here.
"""

from calclearn.explorers.derivatives import (
    LearningRateExplorer,
    SecantExplorer,
    StepSizeExplorer,
)

#: Every explorer class of the course (constructible with no arguments).
EXPLORERS = (SecantExplorer, StepSizeExplorer, LearningRateExplorer)

__all__ = [
    "EXPLORERS",
    "LearningRateExplorer",
    "SecantExplorer",
    "StepSizeExplorer",
]
