"""Chapter 6 explorer: full-batch, stochastic and mini-batch gradient descent."""

from __future__ import annotations

import math

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from calclearn.data import noisy_linear
from calclearn.optim.minibatch import MinibatchRun, minibatch_sgd
from calclearn.plots import COLORS, contour_map
from calclearn.widgets import (  # the course's slider layout, for a base-2 slider
    _CONTROL_LAYOUT,
    _STYLE,
    Explorer,
    int_slider,
    log_slider,
)

#: The data: 128 points around y = 2x - 1, so that every power of 2 up to 128
#: cuts an epoch into equal batches.
_N = 128
_START = (-1.5, 2.5)
# Loss gaps are drawn between these (the log axes never rescale).
_GAP_FLOOR, _GAP_TOP = 1e-6, 1e2
_REFERENCE = "#5f6670"


def _batch_size_slider(n: int, value: int) -> widgets.FloatLogSlider:
    """Batch sizes 1, 2, 4, … n on a log-2 slider."""
    return widgets.FloatLogSlider(
        value=value,
        base=2,
        min=0,
        max=math.log2(n),
        step=1,
        description="batch size B",
        readout_format=".0f",
        layout=_CONTROL_LAYOUT,
        style=_STYLE,
    )


def _gaps(values: np.ndarray) -> np.ndarray:
    """Loss gaps kept on the log axes (0 and tiny gaps sit on the floor)."""
    return np.clip(values, _GAP_FLOOR, 1e300)


class BatchSizeExplorer(Explorer):
    r"""Mini-batch gradient descent on a line fit, from SGD (B = 1) to full batch.

    The loss is the mean squared error :math:`L(w, b)` of the line
    :math:`wx + b` on 128 seeded points. Each epoch shuffles them and takes
    :math:`\lceil 128/B \rceil` steps :math:`\theta \leftarrow \theta - \eta
    \nabla L_B(\theta)`, each with the gradient of one batch of ``B`` points.

    Left: the path on the contours of the full-batch loss (dots at the end of
    each epoch). Middle: :math:`L - L^\ast` after each update. Right:
    :math:`L - L^\ast` after each epoch (the same cost, 128 per-example
    gradients, whatever ``B``), against full-batch descent and SGD at the same
    learning rate.
    """

    caption = (
        "Halve the batch size: each epoch buys twice the steps for the same "
        "128 gradients, but each step is noisier; watch where the noise stops "
        "the loss, then lower the learning rate."
    )
    width, height = 10.4, 4.2

    def make_controls(self):
        return {
            "batch_size": _batch_size_slider(_N, 8),
            "lr": log_slider("learning rate η", 0.1, -3, 0),
            "epochs": int_slider("epochs", 10, 1, 30),
            "seed": int_slider("shuffle seed", 0, 0, 20),
        }

    def build(self, figure: Figure) -> None:
        self.x, self.y = noisy_linear(_N, slope=2.0, intercept=-1.0, noise=1.0)
        self.map_ax, self.update_ax, self.epoch_ax = figure.subplots(
            1, 3, width_ratios=[1.15, 1, 1]
        )
        # Everything that does not move is drawn once: the contours of the
        # full-batch loss over a fixed window.
        reference = minibatch_sgd(self.x, self.y, _N, 0.1, 0, start=_START)
        self.minimum = reference.minimum
        self.min_loss = reference.min_loss
        # Full batch is stable for η < 2/λmax, λ the Hessian's eigenvalues:
        # 2 [[mean x², mean x], [mean x, 1]] for the mean squared error.
        hessian = 2 * np.array([[np.mean(self.x**2), np.mean(self.x)],
                                [np.mean(self.x), 1.0]])  # fmt: skip
        self.full_batch_bound = 2 / np.linalg.eigvalsh(hessian)[-1]
        ws = np.linspace(-2.5, 4.5, 121)
        bs = np.linspace(-4.0, 3.5, 121)
        grid_w, grid_b = np.meshgrid(ws, bs)
        residuals = grid_w[..., None] * self.x + grid_b[..., None] - self.y
        contour_map(
            self.map_ax,
            ws,
            bs,
            np.mean(residuals**2, axis=-1),
            levels=12,
            label="L(w, b)",
        )
        self.map_ax.set_aspect("equal", adjustable="box")
        self.map_ax.set_xlim(ws[0], ws[-1])
        self.map_ax.set_ylim(bs[0], bs[-1])
        self.map_ax.grid(False)
        self.map_ax.plot(*_START, "s", color=COLORS["point"], ms=6, zorder=9)
        self.map_ax.set_xlabel("slope w")
        self.map_ax.set_ylabel("intercept b")
        self.map_ax.set_title("path on the full-batch loss", fontsize=10)
        live = self.live
        self.path = live.animate(
            self.map_ax.plot([], [], "-", color=COLORS["path"], lw=0.8, zorder=7)[0]
        )
        self.epoch_marks = live.animate(
            self.map_ax.plot(
                [], [], "o", color=COLORS["path"], mec="white", mew=0.5, ms=4, zorder=8
            )[0]
        )
        # Animated after the path, so that the path never hides the minimum.
        self.star = live.animate(
            self.map_ax.plot(
                *self.minimum, "*", color="#f5c518", mec="black", mew=0.7, ms=13
            )[0]
        )

        ax = self.update_ax
        self.update_line = live.animate(
            ax.loglog([], [], color=COLORS["path"], lw=1.0, label="batch size B")[0]
        )
        self.update_reference = live.animate(
            ax.loglog(
                [], [], "--", color=_REFERENCE, lw=1.1, label="full batch (B = 128)"
            )[0]
        )
        ax.set_xlim(1, 5000)
        ax.set_ylim(_GAP_FLOOR, _GAP_TOP)
        # Minor ticks of log axes are dozens of labels to lay out: off.
        ax.minorticks_off()
        ax.set_xlabel("update k (log scale)")
        ax.set_ylabel("L − L*  (log scale)")
        ax.set_title("loss per update", fontsize=10)
        ax.legend(loc="lower left", fontsize=8.5)

        ax = self.epoch_ax
        self.epoch_line = live.animate(
            ax.semilogy([], [], "-o", color=COLORS["path"], ms=3, lw=1.2)[0]
        )
        self.epoch_full = live.animate(
            ax.semilogy([], [], "--", color=_REFERENCE, lw=1.1)[0]
        )
        self.epoch_sgd = live.animate(
            ax.semilogy([], [], ":", color=COLORS["secant"], lw=1.4)[0]
        )
        ax.set_ylim(_GAP_FLOOR, _GAP_TOP)
        ax.minorticks_off()
        # Fixed limits: a rescaled log axis costs a full redraw of the panel.
        ax.set_xlim(0, self.controls["epochs"].max)
        ax.set_xlabel(f"epoch (= {_N} example gradients)")
        ax.legend(
            handles=[
                Line2D([], [], color=COLORS["path"], marker="o", ms=3, label="B"),
                Line2D([], [], ls="--", color=_REFERENCE, label="full batch"),
                Line2D(
                    [], [], ls=":", color=COLORS["secant"], lw=1.4, label="SGD (B = 1)"
                ),
            ],
            loc="lower left",
            fontsize=8.5,
        )
        ax.set_title("loss per epoch (equal cost)", fontsize=10)
        live.message_box(self.epoch_ax, "upper right")

    def draw(self, batch_size: float, lr: float, epochs: int, seed: int) -> None:
        size = min(max(round(batch_size), 1), _N)
        kwargs = {"start": _START, "seed": seed}
        run = minibatch_sgd(self.x, self.y, size, lr, epochs, **kwargs)
        full = minibatch_sgd(self.x, self.y, _N, lr, epochs, **kwargs)
        sgd = minibatch_sgd(self.x, self.y, 1, lr, epochs, **kwargs)

        self.path.set_data(run.path[:, 0], run.path[:, 1])
        ends = run.path[run.epoch_ends]
        self.epoch_marks.set_data(ends[:, 0], ends[:, 1])
        updates = np.arange(1, run.updates + 1)
        self.update_line.set_data(updates, _gaps(run.loss_gaps[1:]))
        self.update_reference.set_data(
            np.arange(1, full.updates + 1), _gaps(full.loss_gaps[1:])
        )
        for line, record in (
            (self.epoch_line, run),
            (self.epoch_full, full),
            (self.epoch_sgd, sgd),
        ):
            epochs_done = np.arange(len(record.epoch_ends))
            line.set_data(epochs_done, _gaps(record.epoch_loss_gaps))
        self.live.say(self.epoch_ax, *self._describe(run, full, lr))

    def _describe(
        self, run: MinibatchRun, full: MinibatchRun, lr: float
    ) -> tuple[str, str]:
        """The cost of an epoch, and what happened, in two short lines."""
        batches = run.updates_per_epoch
        cost = (
            f"B = {run.batch_size}: {batches} update{'s' * (batches != 1)} "
            f"per epoch of {run.gradients_per_epoch} gradients"
        )
        if run.diverged_at is not None:
            epoch = run.diverged_at // run.updates_per_epoch + 1
            return (
                f"{cost}\ndiverged at update {run.diverged_at} (epoch {epoch}): "
                f"η = {lr:.3g} is too large for batches of {run.batch_size} "
                f"(full batch is stable for η < {self.full_batch_bound:.2f})",
                "error",
            )
        epochs = f"{run.epochs} epoch{'s' * (run.epochs != 1)}"
        result = f"after {epochs} L − L* = {run.epoch_loss_gaps[-1]:.1e}"
        if lr >= self.full_batch_bound:
            return (
                f"{cost}\n{result}: η ≥ 2/λmax = {self.full_batch_bound:.2f}, "
                "so not even full batch can settle",
                "warning",
            )
        if run.batch_size < run.n:
            result += f" (full batch {full.epoch_loss_gaps[-1]:.1e})"
        return f"{cost}\n{result}", "info"
