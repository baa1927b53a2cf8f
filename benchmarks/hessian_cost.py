"""What a Newton step costs as the number of parameters n grows, against a
Hessian-vector product.

The model: L2-regularised logistic regression with n weights on m = 1000
fixed samples (a stand-in for any smooth loss with n parameters),

    L(w) = mean(log(1 + exp(-s ⊙ Xw))) + (λ/2)|w|²,   s = ±1 labels,
    ∇L(w) = -Xᵀ(s ⊙ σ(-s ⊙ Xw)) / m + λw,
    H(w) = Xᵀ D X / m + λI,                            D = diag(σ(Xw)(1 - σ(Xw))).

For each n it measures

- **memory of H**: n² float64 numbers, 8n² bytes; and the peak that
  ``tracemalloc`` sees while forming H and solving with it (H, the weighted
  m×n copy of X, the step; LAPACK's own workspace is not traced);
- **form**: computing the dense n×n Hessian, O(m n²) flops;
- **solve**: the Newton step, solving H d = -∇L with ``numpy.linalg.solve``
  (LU, about 2n³/3 flops; Cholesky would halve it, not change the power);
- **HVP**: the product Hv *without forming H*, as Xᵀ(D(Xv))/m + λv, O(mn)
  flops and O(m + n) memory. (A Hessian-vector product of any loss costs a
  small multiple of a gradient: by automatic differentiation, or, as checked
  here too, by central differences of two gradients.)

and fits the log-log slopes over n ≥ 500 (expected: 2 for memory and form
at fixed m, 3 for the solve, 1 for the HVP). Before timing, Hv from the
formula is checked against H @ v and the finite-difference product.

BLAS runs on one thread (set before numpy is imported), so the figures do not
depend on what else the machine is doing with its other cores. Each time is
the best of a few repetitions. Run with ``python benchmarks/hessian_cost.py``
(``--max-n 1000`` for a quick look). It reports figures; it asserts nothing.
"""

from __future__ import annotations

import os

# One BLAS thread, set before numpy is imported (see the docstring).
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import argparse  # noqa: E402
import platform  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402
from collections.abc import Callable  # noqa: E402

import numpy as np  # noqa: E402

SAMPLES = 1000
REGULARISATION = 1e-3
SIZES = (125, 250, 500, 1000, 2000, 4000)
# Slopes are fitted from this n on: below it, call overheads blur the powers.
FIT_FROM = 500
# Repeat a measurement while the repetitions together take less than this.
BUDGET_SECONDS = 0.5


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))  # no overflow for large |z|


class LogisticRegression:
    """The loss, gradient, dense Hessian and Hessian-vector product above."""

    def __init__(self, n: int, seed: int = 0):
        rng = np.random.default_rng(seed)
        self.X = rng.normal(size=(SAMPLES, n)) / np.sqrt(n)
        self.signs = np.where(rng.random(SAMPLES) < 0.5, -1.0, 1.0)
        self.w = rng.normal(size=n)

    def gradient(self, w: np.ndarray) -> np.ndarray:
        margins = self.signs * (self.X @ w)
        return -(self.X.T @ (self.signs * sigmoid(-margins))) / SAMPLES + (
            REGULARISATION * w
        )

    def _curvature(self) -> np.ndarray:
        p = sigmoid(self.X @ self.w)
        return p * (1.0 - p)

    def hessian(self) -> np.ndarray:
        weighted = self.X * self._curvature()[:, None]
        H = self.X.T @ weighted / SAMPLES
        H[np.diag_indices_from(H)] += REGULARISATION
        return H

    def hvp(self, v: np.ndarray) -> np.ndarray:
        return self.X.T @ (self._curvature() * (self.X @ v)) / SAMPLES + (
            REGULARISATION * v
        )

    def hvp_by_differences(self, v: np.ndarray) -> np.ndarray:
        # Step balancing O(ε²) truncation against O(eps/ε) round-off.
        step = np.finfo(float).eps ** (1 / 3) / np.linalg.norm(v)
        return (self.gradient(self.w + step * v) - self.gradient(self.w - step * v)) / (
            2 * step
        )


def best_time(action: Callable[[], object]) -> float:
    """The least of a few timings of ``action()`` (the least disturbed)."""
    times = []
    while not times or (sum(times) < BUDGET_SECONDS and len(times) < 5):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def measure(n: int) -> dict[str, float]:
    model = LogisticRegression(n)
    v = np.random.default_rng(1).normal(size=n)
    g = model.gradient(model.w)
    H = model.hessian()
    exact = H @ v
    scale = np.linalg.norm(exact)
    tracemalloc.start()
    step = np.linalg.solve(model.hessian(), -g)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "n": n,
        "memory_mb": H.nbytes / 1e6,
        "peak_mb": peak / 1e6,
        "form_s": best_time(model.hessian),
        "solve_s": best_time(lambda: np.linalg.solve(H, -g)),
        "hvp_s": best_time(lambda: model.hvp(v)),
        "hvp_error": np.linalg.norm(model.hvp(v) - exact) / scale,
        "difference_error": np.linalg.norm(model.hvp_by_differences(v) - exact) / scale,
        "residual": np.linalg.norm(H @ step + g) / np.linalg.norm(g),
    }


def slope(rows: list[dict[str, float]], key: str) -> float:
    fitted = [row for row in rows if row["n"] >= FIT_FROM]
    if len(fitted) < 2:
        return float("nan")
    n = np.log([row["n"] for row in fitted])
    return float(np.polyfit(n, np.log([row[key] for row in fitted]), 1)[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-n", type=int, default=max(SIZES))
    arguments = parser.parse_args()
    sizes = [n for n in SIZES if n <= arguments.max_n]
    print(
        f"Dense Hessian vs Hessian-vector product: logistic regression, m = "
        f"{SAMPLES} samples, float64, one BLAS thread, numpy {np.__version__}, "
        f"{platform.processor() or platform.machine()}"
    )
    header = (
        "| n | H (MB) | peak (MB) | form H (s) | solve (s) | HVP (s) "
        "| solve / HVP | HVP rel. err | FD-HVP rel. err |"
    )
    print(header)
    print("|---" * (header.count("|") - 1) + "|")
    rows = []
    for n in sizes:
        row = measure(n)
        rows.append(row)
        print(
            f"| {n} | {row['memory_mb']:.2f} | {row['peak_mb']:.1f} "
            f"| {row['form_s']:.2e} | {row['solve_s']:.2e} | {row['hvp_s']:.2e} "
            f"| {row['solve_s'] / row['hvp_s']:,.0f} | {row['hvp_error']:.1e} "
            f"| {row['difference_error']:.1e} |",
            flush=True,
        )
    print(
        f"\nlog-log slopes over n ≥ {FIT_FROM}: memory {slope(rows, 'memory_mb'):.2f} "
        f"(expected 2), form {slope(rows, 'form_s'):.2f} (2 at fixed m), "
        f"solve {slope(rows, 'solve_s'):.2f} (3), HVP {slope(rows, 'hvp_s'):.2f} (1)"
    )
    worst = max(row["residual"] for row in rows)
    print(f"largest relative residual |H d + g| / |g| of the Newton steps: {worst:.1e}")


if __name__ == "__main__":
    main()
