"""Speed of calclearn.optim.sweep: a whole hyperparameter grid at once.

The run behind Chapter 6's convergence map: SGD with momentum (PyTorch's
rule) on an ill-conditioned quadratic bowl (κ = 100, turned 30°), a 100 × 100
grid of learning rate × momentum, 200 steps per cell, stopping a cell when it
converges (|∇f| ≤ 1e-10) or blows up. Timed:

- **sweep**: :func:`calclearn.optim.sweep`, every cell advancing together
  through the landscape's vectorised formulas (best of 5 runs);
- **loop**: :func:`calclearn.optim.minimize` cell by cell, the same runs one
  after the other in Python, as a learner would write it. The full loop takes
  about a minute, so by default it runs every 10th momentum column (1,000
  cells spanning every learning rate) and its time is scaled by the number of
  cells; ``--full`` loops over all 10,000.

Before the timings are compared, the looped cells are checked to give exactly
(==) the sweep's final losses and step counts.

Run it with ``python benchmarks/optimizer_sweep.py``. It reports figures; it
asserts nothing (targets: the sweep well under 1 s, at least 50x the loop).
"""

from __future__ import annotations

import os

# One BLAS thread, set before numpy is imported: the figures should not
# depend on what else the machine's other cores are doing.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import argparse  # noqa: E402
import math  # noqa: E402
import platform  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402

import numpy as np  # noqa: E402

from calclearn.landscapes import quadratic_bowl  # noqa: E402
from calclearn.optim import minimize, sweep  # noqa: E402

BOWL = quadratic_bowl(100, math.pi / 6)
STEPS = 200
LRS = np.linspace(0.0005, 0.04, 100)  # λmax = 100: GD is stable below 0.02
MOMENTA = np.linspace(0.0, 0.99, 100)


def time_sweep(repeats: int = 5):
    best, result = math.inf, None
    for _ in range(repeats):
        start = time.perf_counter()
        result = sweep(BOWL, "sgd", steps=STEPS, lr=LRS, momentum=MOMENTA)
        best = min(best, time.perf_counter() - start)
    return best, result


def time_loop(columns: range):
    """Seconds for minimize over the cells in ``columns``; and their outcomes."""
    outcomes = {}
    start = time.perf_counter()
    for i, lr in enumerate(LRS):
        for j in columns:
            run = minimize(BOWL, None, "sgd", STEPS, lr=float(lr), momentum=MOMENTA[j])
            outcomes[i, j] = (run.losses[-1], run.steps)
    return time.perf_counter() - start, outcomes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="loop over every cell")
    args = parser.parse_args()

    print(f"Python {platform.python_version()}, numpy {np.__version__}, one thread")
    print(
        f"grid {len(LRS)} learning rates × {len(MOMENTA)} momenta, {STEPS} steps, "
        f"bowl κ = {BOWL.condition_number:g}"
    )
    seconds, result = time_sweep()
    counts = Counter(str(status) for status in result.status.flat)
    print(f"sweep: {seconds:.3f} s (best of 5)   cells: {dict(counts)}")

    columns = range(len(MOMENTA)) if args.full else range(0, len(MOMENTA), 10)
    loop_seconds, outcomes = time_loop(columns)
    mismatches = sum(
        (result.final_loss[i, j], result.steps[i, j]) != outcome
        for (i, j), outcome in outcomes.items()
    )
    cells = len(outcomes)
    per_grid = loop_seconds * result.status.size / cells
    label = "" if args.full else f" (measured on {cells:,} cells, scaled)"
    print(f"loop:  {per_grid:.1f} s for the grid{label}")
    print(f"cells differing between sweep and loop: {mismatches} of {cells:,}")
    print(f"speed-up: {per_grid / seconds:.0f}x")


if __name__ == "__main__":
    main()
