r"""Chapter 4 explorer: the backward pass of a small graph, one node at a time.

:func:`trace_backward` runs :func:`~calclearn.autodiff.backward_pass` on a
graph and records, after every step, each tensor's gradient and what the step
did: the node reached, the local derivative of its operation, and the share of
the gradient each operand received (upstream gradient × local derivative, the
chain rule). :class:`BackwardPassExplorer` shows the record step by step.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch
from matplotlib.text import Text

from calclearn.autodiff import Tensor, backward_pass, topological_order
from calclearn.graph_plot import graph_layout
from calclearn.plots import COLORS, house_style
from calclearn.widgets import Explorer, dropdown, int_slider

__all__ = ["EXAMPLE_GRAPHS", "BackwardPassExplorer", "BackwardTrace", "trace_backward"]


def _neuron() -> Tensor:
    """y = tanh(w₁x₁ + w₂x₂ + b): a neuron with two inputs."""
    x1, w1 = Tensor(2.0, name="x₁"), Tensor(-1.0, name="w₁")
    x2, w2 = Tensor(0.5, name="x₂"), Tensor(3.0, name="w₂")
    b = Tensor(0.2, name="b")
    p1, p2 = x1 * w1, x2 * w2
    p1.name, p2.name = "p₁ = x₁w₁", "p₂ = x₂w₂"
    s = p1 + p2
    s.name = "s = p₁ + p₂"
    n = s + b
    n.name = "n = s + b"
    y = n.tanh()
    y.name = "y = tanh(n)"
    return y


def _sum_times() -> Tensor:
    """f = (x + y)·z, the smallest graph where a gradient branches."""
    x, y, z = Tensor(-2.0, name="x"), Tensor(5.0, name="y"), Tensor(-4.0, name="z")
    q = x + y
    q.name = "q = x + y"
    f = q * z
    f.name = "f = q·z"
    return f


def _reuse() -> Tensor:
    """f = x·x + x: one input used three times, so its gradient adds up."""
    x = Tensor(3.0, name="x")
    s = x * x
    s.name = "s = x·x"
    f = s + x
    f.name = "f = s + x"
    return f


def _cross_entropy() -> Tensor:
    """L = −log softmax(z)₀ with logits z = w·x + b for 3 classes, class 0 right."""
    w = Tensor([1.0, -0.5, 0.3], name="w")
    x = Tensor(1.5, name="x")
    b = Tensor([0.0, 0.5, -0.2], name="b")
    wx = w * x
    wx.name = "w·x"
    z = wx + b
    z.name = "z = w·x + b"
    log_p = z.log_softmax()
    log_p.name = "log softmax(z)"
    picked = log_p[0]
    picked.name = "pick class 0"
    loss = -picked
    loss.name = "L = −log p₀"
    return loss


#: The explorer's graphs, by the name in its dropdown: functions that build
#: the graph afresh (inputs with no gradient yet).
EXAMPLE_GRAPHS: dict[str, Callable[[], Tensor]] = {
    "(x + y)·z": _sum_times,
    "neuron tanh(w₁x₁ + w₂x₂ + b)": _neuron,
    "softmax cross-entropy": _cross_entropy,
    "x·x + x (x used three times)": _reuse,
}

#: The local derivative of each operation, in words (a, b: the operands).
LOCAL_RULES = {
    "+": "∂(a + b)/∂a = ∂(a + b)/∂b = 1",
    "-": "∂(a − b)/∂a = 1, ∂(a − b)/∂b = −1",
    "*": "∂(a·b)/∂a = b, ∂(a·b)/∂b = a",
    "/": "∂(a/b)/∂a = 1/b, ∂(a/b)/∂b = −a/b²",
    "neg": "d(−a)/da = −1",
    "tanh": "d tanh(a)/da = 1 − tanh²(a)",
    "sigmoid": "dσ(a)/da = σ(a)(1 − σ(a))",
    "exp": "d exp(a)/da = exp(a)",
    "log": "d log(a)/da = 1/a",
    "relu": "d relu(a)/da = 1 if a > 0, else 0",
    "sum": "∂(Σa)/∂aᵢ = 1",
    "index": "the entry picked gets g, the others 0",
    "log_softmax": "∂ log softmax(z)ᵢ/∂zⱼ = δᵢⱼ − softmax(z)ⱼ",
}


def _number(array: np.ndarray) -> str:
    """A gradient or value for a box: 3 significant digits, vectors listed."""
    array = np.asarray(array, dtype=float)
    if array.size == 1:
        value = float(array.reshape(()))
        return "0" if value == 0 else f"{value:.3g}"
    return "[" + ", ".join("0" if v == 0 else f"{v:.2g}" for v in array.ravel()) + "]"


def _title(node: Tensor) -> str:
    return node.name or node.op or "constant"


@dataclass(frozen=True)
class BackwardTrace:
    """A backward pass recorded step by step.

    Attributes
    ----------
    root : Tensor
        The result differentiated.
    nodes : list of Tensor
        Every tensor of the graph, inputs first (topological order).
    visits : list of Tensor
        The nodes in the order the backward pass reaches them (``root``
        first); step ``k`` (1-based) is ``visits[k - 1]``.
    grads : list of dict
        ``grads[k]`` maps each tensor to its gradient after ``k`` steps (a
        copy; None where none has arrived yet). ``grads[0]`` is all None.
    explanations : list of str
        ``explanations[k]`` says what step ``k`` did (``[0]``: the forward
        pass).
    """

    root: Tensor
    nodes: list[Tensor]
    visits: list[Tensor]
    grads: list[dict[Tensor, np.ndarray | None]]
    explanations: list[str]

    @property
    def steps(self) -> int:
        """How many steps the backward pass takes: one per tensor."""
        return len(self.visits)


def _copy(grad: np.ndarray | None) -> np.ndarray | None:
    return None if grad is None else np.array(grad, dtype=float)


def _explain(node: Tensor, step: int, total: int, before: dict, after: dict) -> str:
    """What step ``step`` did at ``node``: upstream × local = each operand's share."""
    head = f"Step {step}/{total} · {_title(node)}"
    upstream = after[node]
    if upstream is None:  # a constant: nothing reaches it
        return f"{head}: a constant, it gets no gradient."
    if not node._parents:
        return f"{head} is an input: every path has arrived, its gradient is final."
    lines = [
        f"{head}: g = {_number(upstream)} is complete; pass it back",
        "Local rule: " + LOCAL_RULES.get(node.op, f"the derivative of {node.op}"),
    ]
    for parent in dict.fromkeys(node._parents):  # a tensor used twice: once
        if not parent.requires_grad:
            continue
        share = after[parent] - (0.0 if before[parent] is None else before[parent])
        scalar = upstream.size == 1 and share.size == 1 and float(upstream) != 0
        if scalar:
            local = float(share.reshape(())) / float(upstream.reshape(()))
            product = f"g × {_number(np.array(local))} = {_number(share)}"
        else:
            product = f"receives {_number(share)}"
            if parent.shape != node.shape:  # broadcast: one value, used many times
                product += " (summed over its copies)"
        uses = node._parents.count(parent)
        if uses > 1:  # x·x: both factors are x, each hands it the other
            product += f" (from both of its {uses} uses here)"
        if before[parent] is not None:  # it was used elsewhere too: gradients add
            product += (
                f", added to {_number(before[parent])}: now {_number(after[parent])}"
            )
        lines.append(f"→ {_title(parent)}: {product}")
    return "\n".join(lines[:2]) + "\n" + "    ".join(lines[2:])


def trace_backward(root: Tensor) -> BackwardTrace:
    """Run the backward pass of ``root`` step by step and record every step.

    Parameters
    ----------
    root : Tensor
        A single-number result whose graph has not been through a backward
        pass yet (its inputs' gradients would otherwise add up).

    Returns
    -------
    BackwardTrace

    Raises
    ------
    TypeError
        If ``root`` is not a Tensor.
    ValueError
        If ``root`` is not a single number, or its inputs already hold
        gradients.

    Examples
    --------
    >>> trace = trace_backward(EXAMPLE_GRAPHS["(x + y)·z"]())
    >>> trace.steps, [t.name for t in trace.visits][:2]
    (5, ['f = q·z', 'q = x + y'])
    """
    if not isinstance(root, Tensor):
        raise TypeError(f"root must be a Tensor, got {type(root).__name__}")
    if root.data.size != 1:
        raise ValueError(f"root must hold a single number, got shape {root.shape}")
    nodes = topological_order(root)
    if any(not n._parents and n.grad is not None for n in nodes):
        raise ValueError(
            "root's inputs already hold gradients: build the graph afresh "
            "(or zero_grad its inputs) before tracing its backward pass"
        )
    grads = [dict.fromkeys(nodes)]
    visits: list[Tensor] = []
    explanations = [
        f"Forward pass done: {_title(root)} = {_number(root.data)}. The backward "
        "pass starts at the output with ∂out/∂out = 1 and visits each node once, "
        "output to inputs."
    ]
    for node in backward_pass(root):
        visits.append(node)
        grads.append({n: _copy(n.grad) for n in nodes})
    for step, node in enumerate(visits, start=1):
        explanations.append(
            _explain(node, step, len(visits), grads[step - 1], grads[step])
        )
    return BackwardTrace(root, nodes, visits, grads, explanations)


# --------------------------------------------------------------------------
# The explorer
# --------------------------------------------------------------------------

_BOX_WIDTH, _BOX_HEIGHT, _STEP = 1.95, 0.84, 2.3
#: Frames of the graph region kept for reuse (about 1 MB each): a graph's steps.
_KEPT_FRAMES = 11
_FILL = {"input": "#dbeaf7", "operation": "#ffffff"}


@dataclass
class _DrawnGraph:
    """One example graph on its own axes: the static boxes, the moving texts."""

    ax: Axes
    trace: BackwardTrace
    centres: dict[Tensor, tuple[float, float]]
    grad_texts: dict[Tensor, Text]
    current: FancyBboxPatch


def _grid(root: Tensor) -> tuple[dict[Tensor, tuple[int, int]], int, int]:
    """The graph's layout, its number of columns, the rows of its tallest column."""
    layout = graph_layout(root)
    columns = 1 + max(column for column, _ in layout.values())
    rows = 1 + max(row for _, row in layout.values())
    return layout, columns, rows


def _centres(root: Tensor, columns: int) -> dict[Tensor, tuple[float, float]]:
    """Box centres: columns by depth, each column centred vertically, the
    graph centred in a width of ``columns`` columns."""
    layout, used, _ = _grid(root)
    height: dict[int, int] = {}
    for column, row in layout.values():
        height[column] = max(height.get(column, 0), row + 1)
    shift = (columns - used) / 2.0
    return {
        node: (_STEP * (column + shift), (height[column] - 1) / 2.0 - row)
        for node, (column, row) in layout.items()
    }


class _Pixels(Artist):
    """RGBA pixels pasted at a place of the figure, as they are: no resampling."""

    def __init__(self) -> None:
        super().__init__()
        self.pixels = np.zeros((1, 1, 4), dtype=np.uint8)
        self.corner = (0, 0)

    def show(self, pixels: np.ndarray, left: int, bottom: int) -> None:
        """Paste ``pixels`` (rows top first) with their lower left corner there."""
        self.pixels, self.corner = pixels, (left, bottom)

    def draw(self, renderer) -> None:
        if not self.get_visible():
            return
        gc = renderer.new_gc()
        renderer.draw_image(gc, *self.corner, self.pixels[::-1])
        gc.restore()


class BackwardPassExplorer(Explorer):
    r"""Step through the backward pass of a small graph, one node at a time.

    Step 0 is the forward pass: every box shows its value. Each step visits
    the next node in reverse topological order (outlined in orange); the node
    multiplies its gradient :math:`g = \partial L/\partial \text{node}` by the
    local derivative of its operation and adds the product to each operand's
    gradient (the chain rule). The text under the graph gives the local rule
    and the numbers; a gradient that has just arrived is orange, one still
    waiting for other paths blue, one that is final (its node visited) green.
    """

    caption = (
        "Move the step slider: each step, the orange node multiplies its gradient "
        "by its local derivative and passes the product back to its operands."
    )
    width, height = 8.8, 4.2
    prerender = ("graph",)  # each graph drawn ahead: choosing one is instant

    def make_controls(self):
        names = list(EXAMPLE_GRAPHS)
        steps = max(len(topological_order(make())) for make in EXAMPLE_GRAPHS.values())
        return {
            "graph": dropdown("graph", names, names[0]),
            "step": int_slider("backward step", 0, 0, steps),
        }

    def build(self, figure: Figure) -> None:
        figure.set_layout_engine("none")
        traces = {name: trace_backward(make()) for name, make in EXAMPLE_GRAPHS.items()}
        # One scale for every graph: the widest and the tallest fit.
        sizes = [_grid(trace.root)[1:] for trace in traces.values()]
        columns, rows = (max(size) for size in zip(*sizes, strict=True))
        self.graphs: dict[str, _DrawnGraph] = {}
        for name, trace in traces.items():
            ax = figure.add_axes((0.0, 0.3, 1.0, 0.7))
            ax.set_xlim(
                -_BOX_WIDTH / 2 - 0.2, _STEP * (columns - 1) + _BOX_WIDTH / 2 + 0.2
            )
            ax.set_ylim(-rows / 2.0 - 0.05, rows / 2.0 + 0.05)
            self.graphs[name] = self._draw_graph(ax, trace, columns)
        text_ax = figure.add_axes((0.0, 0.0, 1.0, 0.29))
        text_ax.set_axis_off()
        text_ax.text(
            0.03,
            0.04,
            "box: name, = value, grad = ∂output/∂box · orange outline: visited "
            "now · grad orange: just arrived, blue: waiting, green: final",
            transform=text_ax.transAxes,
            fontsize=8.5,
            color=COLORS["muted"],
        )
        self.text_ax = text_ax
        self.live.message_box(text_ax, "upper left")
        # A step drawn once is shown again as its pixels: one image instead of
        # a dozen texts (text is most of the cost of a frame).
        self.snapshot = self.live.animate(figure.add_artist(_Pixels()))
        self._shown: str | None = None
        self._to_remember: tuple[str, int, int] | None = None
        self._frames: dict[tuple[str, int], np.ndarray] = {}

    def _draw_graph(self, ax: Axes, trace: BackwardTrace, columns: int) -> _DrawnGraph:
        """Boxes, values and arrows once; the gradient lines as animated texts."""
        ax.set_axis_off()
        centres = _centres(trace.root, columns)
        grad_texts = {}
        with house_style():
            for node in trace.nodes:
                x, y = centres[node]
                for parent in dict.fromkeys(node._parents):
                    px, py = centres[parent]
                    # An arrow past a column bends over the boxes in between.
                    bend = 0.0 if x - px < 1.5 * _STEP else -0.6
                    ax.add_patch(
                        FancyArrowPatch(
                            (px + _BOX_WIDTH / 2, py),
                            (x - _BOX_WIDTH / 2, y),
                            arrowstyle="-|>",
                            connectionstyle=f"arc3,rad={bend}",
                            mutation_scale=10,
                            color=COLORS["muted"],
                            lw=1.0,
                            zorder=1,
                        )
                    )
                    uses = node._parents.count(parent)
                    if uses > 1:  # x·x: one arrow, used twice
                        ax.text(
                            (px + x) / 2,
                            (py + y) / 2 - 0.08,
                            f"×{uses}",
                            ha="center",
                            va="top",
                            fontsize=8,
                            color=COLORS["muted"],
                        )
                kind = "operation" if node._parents else "input"
                ax.add_patch(
                    FancyBboxPatch(
                        (x - _BOX_WIDTH / 2, y - _BOX_HEIGHT / 2),
                        _BOX_WIDTH,
                        _BOX_HEIGHT,
                        boxstyle="round,pad=0,rounding_size=0.08",
                        facecolor=_FILL[kind],
                        edgecolor=COLORS["path"] if node is trace.root else "#1f3b73",
                        linewidth=2.0 if node is trace.root else 1.0,
                        zorder=2,
                    )
                )
                ax.text(
                    x,
                    y + 0.22,
                    _title(node),
                    ha="center",
                    va="center",
                    fontsize=9,
                    fontweight="bold",
                    color=COLORS["point"],
                    zorder=3,
                )
                size = 8 if node.data.size == 1 else 7  # vectors: 3 entries
                ax.text(
                    x,
                    y,
                    f"= {_number(node.data)}",
                    ha="center",
                    va="center",
                    fontsize=size,
                    color=COLORS["function"],
                    zorder=3,
                )
                text = ax.text(
                    x, y - 0.22, "", ha="center", va="center", fontsize=size, zorder=3
                )
                grad_texts[node] = self.live.animate(text)
        current = FancyBboxPatch(
            (0, 0),
            _BOX_WIDTH,
            _BOX_HEIGHT,
            boxstyle="round,pad=0.04,rounding_size=0.1",
            facecolor="none",
            edgecolor=COLORS["secant"],
            linewidth=3.0,
            zorder=5,
        )
        ax.add_patch(self.live.animate(current))
        return _DrawnGraph(ax, trace, centres, grad_texts, current)

    def _show_graph(self, name: str) -> _DrawnGraph:
        """Make ``name``'s axes the visible one; the step slider fits its steps."""
        drawn = self.graphs[name]
        if name == self._shown:
            return drawn
        # Hidden graphs keep their (visible, empty) axes: hiding an axes would
        # leave the figure's redraw without its extent.
        for other, graph in self.graphs.items():
            for artist in (*graph.ax.patches, *graph.ax.texts):
                artist.set_visible(other == name)
        # Only its region: the others are empty.
        self.live.invalidate(drawn.ax, key=name)
        self.set_range("step", 0, drawn.trace.steps, self.controls["step"].value)
        self._shown = name
        return drawn

    def _remember_last_frame(self) -> None:
        """Keep the graph region of the frame just rendered, if it was drawn
        from texts without trouble, for when its step is shown again."""
        if self._to_remember is None:
            return
        name, step, renders = self._to_remember
        self._to_remember = None
        if self.renders != renders + 1 or self.last_error is not None:
            return
        box = self.graphs[name].ax.bbox
        pixels = np.asarray(self.live.figure.canvas.buffer_rgba())
        top = pixels.shape[0] - round(box.y1)
        rows = slice(max(top, 0), pixels.shape[0] - round(box.y0))
        columns = slice(round(box.x0), round(box.x1))
        self._frames[name, step] = pixels[rows, columns].copy()
        if len(self._frames) > _KEPT_FRAMES:  # forget the oldest
            del self._frames[next(iter(self._frames))]

    def draw(self, graph: str, step: int) -> None:
        self._remember_last_frame()
        drawn = self._show_graph(graph)
        trace = drawn.trace
        step = min(self.controls["step"].value, trace.steps)
        self.live.say(self.text_ax, trace.explanations[step])
        frame = self._frames.get((graph, step))
        self.snapshot.set_visible(frame is not None)
        if frame is not None:
            self.snapshot.show(frame, round(drawn.ax.bbox.x0), round(drawn.ax.bbox.y0))
            for text in drawn.grad_texts.values():
                text.set_visible(False)
            drawn.current.set_visible(False)
            return
        self._to_remember = (graph, step, self.renders)
        visited = set(trace.visits[:step])
        grads, previous = trace.grads[step], trace.grads[max(step - 1, 0)]
        node_now = trace.visits[step - 1] if step else None
        for node, text in drawn.grad_texts.items():
            grad = grads[node]
            text.set_visible(grad is not None)
            if grad is None:
                continue
            text.set_text(f"grad {_number(grad)}")
            arrived = step and (
                previous[node] is None or not np.array_equal(grad, previous[node])
            )
            final = node in visited
            if final:  # the root too, whose seed arrives as it is visited
                colour = COLORS["tangent"]
            else:
                colour = COLORS["secant"] if arrived else COLORS["function"]
            text.set_color(colour)
        drawn.current.set_visible(node_now is not None)
        if node_now is not None:
            x, y = drawn.centres[node_now]
            drawn.current.set_bounds(
                x - _BOX_WIDTH / 2, y - _BOX_HEIGHT / 2, _BOX_WIDTH, _BOX_HEIGHT
            )
