"""Per-update latency of every explorer, against a naive baseline.

For each explorer in ``calclearn.EXPLORERS`` this drives every control through
a sweep (its ends, its default and random values, every dropdown option; 40
changes per control) and times one update from the control change to the new
PNG bytes, in the kernel's process, and weighs each frame (the bytes sent to
the browser):

- **calclearn**: the explorer as shipped (cached background, blitting, a
  palette PNG);
- **naive**: the same drawing code, but every change re-creates the figure
  with pyplot and saves it as PNG, which is what ``interact`` plus
  ``plt.plot`` does.

Run it with ``python benchmarks/explorer_latency.py`` (``--quick`` for fewer
changes, ``--only SecantExplorer ...`` for some explorers, ``--no-naive`` to
skip the slow baseline, ``--cpu`` to time in CPU seconds of this process, which
a busy machine inflates less than the wall clock). It reports figures; it
asserts nothing.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import time
import warnings
import zlib

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np

from calclearn import EXPLORERS
from calclearn.plots import STYLE, LiveFigure
from calclearn.widgets import sweep_values


def sweep(explorer, rng: np.random.Generator, changes_per_control: int):
    """The (name, value) changes of a sweep over every control."""
    plan = []
    for name, control in explorer.controls.items():
        values = sweep_values(control, rng, n_random=changes_per_control)
        plan += [(name, v) for v in values[: max(changes_per_control, 3)]]
    return plan


#: The clock: wall time, or CPU time of this process with ``--cpu``.
clock = time.perf_counter


def time_live(explorer_class, plan, preset: dict) -> tuple[np.ndarray, np.ndarray]:
    """Seconds per update and bytes per frame, change by change."""
    explorer = explorer_class().update(**preset)
    timings, sizes = [], []
    for name, value in plan:
        start = clock()
        explorer.controls[name].value = value
        timings.append(clock() - start)
        sizes.append(len(explorer.image.value))
    explorer.close()
    return np.array(timings), np.array(sizes)


def time_naive(explorer_class, plan, preset: dict) -> np.ndarray:
    explorer = explorer_class().update(**preset)
    size = explorer.live.figure.get_size_inches()
    values = explorer.values()
    timings = []
    for name, value in plan:
        values[name] = value
        start = clock()
        with matplotlib.rc_context(STYLE), warnings.catch_warnings():
            # The naive figure lays out with the explorers' inset colour bars
            # before their maps have a size: matplotlib warns, and draws anyway.
            warnings.filterwarnings("ignore", "constrained_layout not applied")
            figure = plt.figure(figsize=size, layout="constrained")
            explorer.live = LiveFigure(figure=figure, blit=False)
            explorer.build(figure)
            explorer.draw(**values)
            buffer = io.BytesIO()  # interact's PNG: full colour
            figure.savefig(buffer, format="png")
            plt.close(figure)
        timings.append(clock() - start)
    explorer.close()
    return np.array(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="8 changes per control")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="these explorers")
    parser.add_argument("--no-naive", action="store_true", help="skip the baseline")
    parser.add_argument(
        "--cpu", action="store_true", help="CPU time of this process, not wall time"
    )
    args = parser.parse_args()
    global clock
    clock = time.process_time if args.cpu else time.perf_counter
    per_control = 8 if args.quick else 40
    machine = platform.processor() or platform.machine()
    load = ", load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
    clock_name = "CPU time" if args.cpu else "wall time"
    print(f"{machine}, matplotlib {matplotlib.__version__}{load}, {clock_name}")
    header = (
        f"{'explorer':<30}{'changes':>8}{'median ms':>11}{'p95 ms':>9}"
        f"{'naive median':>14}{'naive p95':>11}{'speed-up':>10}"
        f"{'KiB median':>12}{'KiB p95':>9}{'KiB max':>9}"
    )
    print(header)
    print("-" * len(header))
    for explorer_class in EXPLORERS:
        if args.only and explorer_class.__name__ not in args.only:
            continue
        # Each explorer's own random sweep: the same whichever others run.
        rng = np.random.default_rng([0, zlib.crc32(explorer_class.__name__.encode())])
        explorer = explorer_class()
        runs = [(explorer_class.__name__, {}, sweep(explorer, rng, per_control))]
        if "steps" in explorer.controls:
            # The same sweep of the other controls with the longest runs.
            most = explorer.controls["steps"].max
            others = [(n, v) for n, v in runs[0][2] if n != "steps"]
            runs.append((f"  with steps={most}", {"steps": most}, others))
        explorer.close()
        for label, preset, plan in runs:
            seconds, sizes = time_live(explorer_class, plan, preset)
            live, kib = seconds * 1e3, sizes / 1024
            if args.no_naive:
                naive = np.full(1, np.nan)
            else:
                naive = time_naive(explorer_class, plan, preset) * 1e3
            print(
                f"{label:<30}{len(plan):>8}"
                f"{np.median(live):>11.1f}{np.percentile(live, 95):>9.1f}"
                f"{np.median(naive):>14.1f}{np.percentile(naive, 95):>11.1f}"
                f"{np.median(naive) / np.median(live):>9.1f}x"
                f"{np.median(kib):>12.1f}{np.percentile(kib, 95):>9.1f}"
                f"{kib.max():>9.1f}"
            )


if __name__ == "__main__":
    main()
