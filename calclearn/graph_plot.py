"""The computational graph of a :class:`~calclearn.autodiff.Tensor`, drawn
with matplotlib alone.

Each tensor is a box showing what made it (an operation, or its name for an
input), its value and, after ``backward()``, its gradient. Boxes stand in
columns by depth: inputs at the left, each operation one column right of its
deepest operand, the result at the right; arrows run forward, the way the
values flow. Gradients flow back against the arrows.

Examples
--------
>>> from calclearn.autodiff import Tensor
>>> x, w = Tensor(2.0, name="x"), Tensor(-1.5, name="w")
>>> y = (w * x).tanh()
>>> y.backward()
>>> figure = computational_graph_figure(y)
>>> len(figure.axes)
1
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch
from matplotlib.path import Path

from calclearn._validation import require_int
from calclearn.autodiff import Tensor, topological_order
from calclearn.plots import COLORS, house_style, new_figure

__all__ = ["computational_graph_figure", "graph_layout"]

#: How operations are written in the boxes.
SYMBOLS = {"*": "×", "/": "÷", "-": "−", "neg": "−x"}

_BOX_WIDTH, _BOX_HEIGHT = 1.6, 0.78
_STEP = 2.2  # from one column's centre to the next
_GAP = _STEP - _BOX_WIDTH
_FILL = {
    "input": "#dbeaf7",  # a tensor you made, that gets a gradient
    "constant": "#eeeeee",  # a number or array mixed into the expression
    "operation": "#ffffff",
}


def graph_layout(root: Tensor) -> dict[Tensor, tuple[int, int]]:
    """Column and row of every tensor in the graph of ``root``.

    The column of an operation is its depth: one more than its deepest
    operand's. A tensor with no parents (an input, a constant) stands just
    left of the first operation that uses it, so that its arrow is short.
    Within a column, rows follow the order in which the tensors were computed.

    Parameters
    ----------
    root : Tensor

    Returns
    -------
    dict
        ``{tensor: (column, row)}``.
    """
    order = topological_order(root)
    column: dict[Tensor, int] = {}
    for node in order:
        column[node] = 1 + max((column[p] for p in node._parents), default=-1)
    first_use: dict[Tensor, int] = {}
    for node in order:
        for parent in node._parents:
            if not parent._parents:
                first_use[parent] = min(
                    first_use.get(parent, column[node]), column[node]
                )
    for leaf, use in first_use.items():
        column[leaf] = use - 1
    shift = min(column.values())
    rows_used: dict[int, int] = {}
    layout = {}
    for node in order:
        place = column[node] - shift
        layout[node] = (place, rows_used.get(place, 0))
        rows_used[place] = rows_used.get(place, 0) + 1
    return layout


def _describe(array: np.ndarray) -> str:
    """A number as 4 significant digits; up to three entries listed; else a shape."""
    if array.size == 1:
        return f"{float(array.reshape(())):.4g}"
    if array.size <= 3:
        return "[" + ", ".join(f"{v:.3g}" for v in array.ravel()) + "]"
    return "array " + "×".join(str(n) for n in array.shape)


def _kind(node: Tensor) -> str:
    if node._parents:
        return "operation"
    return "input" if node.requires_grad else "constant"


def _title(node: Tensor) -> str:
    operation = SYMBOLS.get(node.op, node.op)
    if node.name and operation:
        return f"{node.name} = {operation}"
    return (
        node.name or operation or ("constant" if _kind(node) == "constant" else "input")
    )


def computational_graph_figure(
    root: Tensor, highlight: Tensor | None = None, max_nodes: int = 40
) -> Figure:
    """Draw the graph that computed ``root``: values and, after
    ``root.backward()``, gradients.

    Parameters
    ----------
    root : Tensor
        The result (red outline); every tensor it was computed from is drawn.
    highlight : Tensor, optional
        A tensor of the graph to outline in orange, e.g. the node that a
        step-by-step :func:`~calclearn.autodiff.backward_pass` has reached.
    max_nodes : int
        Refuse larger graphs, which would not be legible (a network's graph
        is better drawn layer by layer).

    Returns
    -------
    matplotlib.figure.Figure
    """
    if not isinstance(root, Tensor):
        raise TypeError(f"root must be a Tensor, got {type(root).__name__}")
    max_nodes = require_int(max_nodes, "max_nodes", minimum=1)
    layout = graph_layout(root)
    if len(layout) > max_nodes:
        raise ValueError(
            f"the graph has {len(layout)} tensors, more than max_nodes={max_nodes}; "
            "draw a smaller expression (or raise max_nodes)"
        )
    if highlight is not None and highlight not in layout:
        raise ValueError("highlight must be a tensor of root's graph (or None)")
    columns = 1 + max(column for column, _ in layout.values())
    height = {}
    for column, row in layout.values():
        height[column] = max(height.get(column, 0), row + 1)
    tallest = max(height.values())

    def centre(node: Tensor) -> tuple[float, float]:
        column, row = layout[node]
        # centre each column vertically; row 0 on top
        return _STEP * column, (height[column] - 1) / 2.0 - row

    # Neighbouring columns: a straight arrow. An arrow that skips columns runs
    # in a lane of its own above (or below) all the boxes, leaving and
    # reaching its boxes through the gaps between columns.
    arrows = []
    lanes = {1: 0, -1: 0}  # lanes taken above (+1) and below (-1)
    clear = (tallest - 1) / 2.0 + _BOX_HEIGHT / 2 + 0.15
    for node in layout:
        x, y = centre(node)
        for parent in node._parents:
            px, py = centre(parent)
            start, end = (px + _BOX_WIDTH / 2, py), (x - _BOX_WIDTH / 2, y)
            if layout[node][0] - layout[parent][0] == 1:
                arrows.append([start, end])
                continue
            side = 1 if py + y >= 0 else -1
            lane = side * (clear + 0.2 * lanes[side])
            lanes[side] += 1
            out_x, in_x = start[0] + _GAP / 2, end[0] - _GAP / 2
            arrows.append(
                [start, (out_x, py), (out_x, lane), (in_x, lane), (in_x, y), end]
            )
    reach_up = clear + 0.2 * lanes[1] if lanes[1] else (tallest - 1) / 2 + 0.55
    reach_down = clear + 0.2 * lanes[-1] if lanes[-1] else (tallest - 1) / 2 + 0.55

    figure = new_figure(
        max(3.0, 2.0 * columns + 0.2), max(1.6, 1.05 * (reach_up + reach_down) + 0.5)
    )
    with house_style():
        ax = figure.add_subplot()
    ax.set_axis_off()
    ax.set_xlim(-_BOX_WIDTH / 2 - 0.1, _STEP * (columns - 1) + _BOX_WIDTH / 2 + 0.1)
    ax.set_ylim(-reach_down, reach_up)
    for vertices in arrows:
        ax.add_patch(
            FancyArrowPatch(
                path=Path(vertices),
                arrowstyle="-|>",
                mutation_scale=10,
                color=COLORS["muted"],
                linewidth=1.0,
                zorder=1,
            )
        )

    for node in layout:
        x, y = centre(node)
        outlined = node is root or node is highlight
        edge = COLORS["secant"] if node is highlight else COLORS["path"]
        if not outlined:
            edge = COLORS["function"]
        ax.add_patch(
            FancyBboxPatch(
                (x - _BOX_WIDTH / 2, y - _BOX_HEIGHT / 2),
                _BOX_WIDTH,
                _BOX_HEIGHT,
                boxstyle="round,pad=0,rounding_size=0.08",
                facecolor=_FILL[_kind(node)],
                edgecolor=edge,
                linewidth=2.0 if outlined else 1.0,
                zorder=2,
            )
        )
        lines = [
            (0.2, _title(node), 9, "bold", COLORS["point"]),
            (0.0, f"value {_describe(node.data)}", 7.5, "normal", COLORS["function"]),
        ]
        if node.grad is not None:
            lines.append(
                (-0.2, f"grad {_describe(node.grad)}", 7.5, "normal", COLORS["secant"])
            )
        for offset, text, size, weight, colour in lines:
            ax.text(
                x,
                y + offset,
                text,
                ha="center",
                va="center",
                fontsize=size,
                fontweight=weight,
                color=colour,
                zorder=3,
            )
    return figure
