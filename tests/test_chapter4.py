"""Chapter 4 (the chain rule): its explorer, its three-way checks and its exercises.

Right answers are derived independently of the code under test: with sympy,
with finite differences, or from a closed form written out here. Tolerances
are stated where they are used.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy

from calclearn.autodiff import Tensor
from calclearn.differentiation import gradient as fd_gradient
from calclearn.exercises import chain_rule as exercises
from calclearn.explorers.chain_rule import (
    EXAMPLE_GRAPHS,
    BackwardPassExplorer,
    trace_backward,
)
from calclearn.matrix_calculus import (
    agreement,
    gradient_three_ways,
    jacobian_three_ways,
    tanh,
)
from calclearn.plots import COLORS

# --------------------------------------------------------------------------
# trace_backward: the record the explorer shows
# --------------------------------------------------------------------------


def _sympy_gradients(name: str) -> dict[str, float]:
    """The example graphs' input gradients, derived with sympy from formulas
    written out here (not from the graphs)."""
    if name == "(x + y)·z":
        x, y, z = sympy.symbols("x y z")
        f = (x + y) * z
        point = {x: -2.0, y: 5.0, z: -4.0}
        return {str(s): float(sympy.diff(f, s).subs(point)) for s in (x, y, z)}
    if name.startswith("neuron"):
        x1, w1, x2, w2, b = sympy.symbols("x1 w1 x2 w2 b")
        y = sympy.tanh(w1 * x1 + w2 * x2 + b)
        point = {x1: 2.0, w1: -1.0, x2: 0.5, w2: 3.0, b: 0.2}
        names = {"x1": "x₁", "w1": "w₁", "x2": "x₂", "w2": "w₂", "b": "b"}
        return {names[str(s)]: float(sympy.diff(y, s).subs(point)) for s in point}
    if name.startswith("x·x + x"):
        x = sympy.Symbol("x")
        return {"x": float(sympy.diff(x * x + x, x).subs(x, 3.0))}
    raise KeyError(name)


@pytest.mark.parametrize(
    "name",
    ["(x + y)·z", "neuron tanh(w₁x₁ + w₂x₂ + b)", "x·x + x (x used three times)"],
)
def test_traced_gradients_match_sympy(name):
    trace = trace_backward(EXAMPLE_GRAPHS[name]())
    final = trace.grads[-1]
    inputs = {node.name: final[node] for node in trace.nodes if not node._parents}
    expected = _sympy_gradients(name)
    assert set(inputs) == set(expected)
    for key, value in expected.items():
        assert float(inputs[key]) == pytest.approx(value, rel=1e-12, abs=1e-15), key


def test_traced_cross_entropy_gradients_match_the_closed_form():
    """L = −log softmax(wx + b)₀: ∂L/∂z = softmax(z) − e₀, so ∂L/∂b = that,
    ∂L/∂w = x (softmax − e₀), ∂L/∂x = w · (softmax − e₀)."""
    trace = trace_backward(EXAMPLE_GRAPHS["softmax cross-entropy"]())
    final = trace.grads[-1]
    leaves = {node.name: node for node in trace.nodes if not node._parents}
    w, x, b = (leaves[n].data for n in ("w", "x", "b"))
    z = w * x + b
    softmax = np.exp(z) / np.exp(z).sum()
    delta = softmax - np.array([1.0, 0.0, 0.0])
    np.testing.assert_allclose(final[leaves["b"]], delta, rtol=1e-12)
    np.testing.assert_allclose(final[leaves["w"]], x * delta, rtol=1e-12)
    np.testing.assert_allclose(final[leaves["x"]], w @ delta, rtol=1e-12)
    assert float(trace.root.data) == pytest.approx(-math.log(softmax[0]), rel=1e-12)
    # x was broadcast over the three logits: the text says its share is a sum.
    assert (
        f"→ x: receives {w @ delta:.3g} (summed over its copies)"
        in (trace.explanations[5])
    )


@pytest.mark.parametrize("name", list(EXAMPLE_GRAPHS))
def test_trace_visits_every_node_once_output_first(name):
    trace = trace_backward(EXAMPLE_GRAPHS[name]())
    assert trace.steps == len(trace.nodes) == len(set(trace.visits))
    assert trace.visits[0] is trace.root
    assert all(grad is None for grad in trace.grads[0].values())
    assert len(trace.grads) == len(trace.explanations) == trace.steps + 1
    position = {node: i for i, node in enumerate(trace.visits)}
    for node in trace.nodes:  # every operand is visited after its result
        for parent in node._parents:
            assert position[parent] > position[node]
    for step, node in enumerate(trace.visits, start=1):
        # A node is visited once its gradient is complete: it never changes after.
        np.testing.assert_array_equal(trace.grads[step][node], trace.grads[-1][node])


def test_explanations_give_the_local_derivatives_and_products():
    """f = (x + y)·z at (−2, 5, −4): the product hands each factor the other
    (q = 3, z = −4), the sum copies its gradient −4."""
    trace = trace_backward(EXAMPLE_GRAPHS["(x + y)·z"]())
    assert "f = q·z = -12" in trace.explanations[0]
    step1, step2 = trace.explanations[1], trace.explanations[2]
    assert step1.startswith("Step 1/5 · f = q·z: g = 1")
    assert "→ q = x + y: g × -4 = -4" in step1
    assert "→ z: g × 3 = 3" in step1
    assert "∂(a·b)/∂a = b" in step1
    assert "→ x: g × 1 = -4" in step2 and "→ y: g × 1 = -4" in step2
    assert "is an input" in trace.explanations[3]


def test_explanations_say_how_the_gradient_of_a_reused_input_adds_up():
    """f = x·x + x at x = 3: the sum hands x 1, then x·x hands it 2x = 6 (both
    factors), so its gradient goes 1 → 7 = 2x + 1."""
    trace = trace_backward(EXAMPLE_GRAPHS["x·x + x (x used three times)"]())
    assert "→ x: g × 1 = 1" in trace.explanations[1]
    assert (
        "→ x: g × 6 = 6 (from both of its 2 uses here), added to 1: now 7"
        in trace.explanations[2]
    )


def test_explanation_local_derivative_of_tanh_matches_finite_differences():
    trace = trace_backward(EXAMPLE_GRAPHS["neuron tanh(w₁x₁ + w₂x₂ + b)"]())
    n = -0.3  # w₁x₁ + w₂x₂ + b at the example's values
    local = float(fd_gradient(lambda v: np.tanh(v[0]), np.array([n]))[0])
    assert f"g × {local:.3g} = {local:.3g}" in trace.explanations[1]
    assert "1 − tanh²(a)" in trace.explanations[1]


def test_trace_refuses_bad_input():
    with pytest.raises(TypeError, match="root must be a Tensor"):
        trace_backward(3.0)
    with pytest.raises(ValueError, match="single number"):
        trace_backward(Tensor([1.0, 2.0]) * 2)
    root = EXAMPLE_GRAPHS["(x + y)·z"]()
    root.backward()
    with pytest.raises(ValueError, match="already hold gradients"):
        trace_backward(root)


# --------------------------------------------------------------------------
# The explorer
# --------------------------------------------------------------------------


def _pixels(explorer) -> np.ndarray:
    """What was drawn, before encoding: a frame's palette may follow the one
    before it, so the encoded PNGs of the same drawing can differ by a shade."""
    return np.asarray(explorer.live.figure.canvas.buffer_rgba())[..., :3].copy()


@pytest.mark.parametrize("name", list(EXAMPLE_GRAPHS))
def test_explorer_shows_each_step_of_the_trace(name):
    explorer = BackwardPassExplorer().update(graph=name)
    trace = explorer.graphs[name].trace
    assert explorer.controls["step"].max == trace.steps
    drawn = explorer.graphs[name]
    for step in range(trace.steps + 1):
        explorer.update(step=step)
        assert explorer.last_error is None
        shown = " ".join(explorer.live.messages())
        assert shown == trace.explanations[step].replace("\n", " ") or (
            # the box wraps long lines: compare the words
            shown.split() == trace.explanations[step].split()
        )
        for node, text in drawn.grad_texts.items():
            assert text.get_visible() == (trace.grads[step][node] is not None)
        assert drawn.current.get_visible() == (step > 0)
        if step:
            x, y = drawn.centres[trace.visits[step - 1]]
            box = drawn.current
            assert box.get_x() + box.get_width() / 2 == pytest.approx(x)
            assert box.get_y() + box.get_height() / 2 == pytest.approx(y)
    explorer.close()


def test_gradient_colours_say_arrived_waiting_final():
    explorer = BackwardPassExplorer().update(graph="(x + y)·z", step=1)
    drawn = explorer.graphs["(x + y)·z"]
    by_name = {node.name: text for node, text in drawn.grad_texts.items()}
    assert by_name["z"].get_color() == COLORS["secant"]  # just arrived
    assert by_name["q = x + y"].get_color() == COLORS["secant"]
    assert by_name["f = q·z"].get_color() == COLORS["tangent"]  # visited: final
    explorer.update(step=2)
    assert by_name["z"].get_color() == COLORS["function"]  # waiting for its visit
    assert by_name["q = x + y"].get_color() == COLORS["tangent"]
    explorer.close()


def test_a_step_shown_again_is_the_same_picture():
    """Revisited steps are pasted from a kept frame: pixel for pixel what the
    texts drew the first time."""
    name = "neuron tanh(w₁x₁ + w₂x₂ + b)"
    explorer = BackwardPassExplorer().update(graph=name)
    first = {}
    for step in (3, 7, 0, 10):
        explorer.update(step=step)
        first[step] = _pixels(explorer)
    for step in (7, 3, 10, 0, 3):
        explorer.update(step=step)
        assert (name, step) in explorer._frames
        np.testing.assert_array_equal(_pixels(explorer), first[step])
    explorer.close()


def test_kept_frames_are_bounded():
    explorer = BackwardPassExplorer()
    for name in EXAMPLE_GRAPHS:
        explorer.update(graph=name)
        for step in range(explorer.controls["step"].max + 1):
            explorer.update(step=step)
    explorer.update(step=0)
    assert 0 < len(explorer._frames) <= 11
    explorer.close()


def test_switching_graphs_refits_the_step_slider():
    explorer = BackwardPassExplorer().update(
        graph="neuron tanh(w₁x₁ + w₂x₂ + b)", step=9
    )
    explorer.update(graph="(x + y)·z")
    assert explorer.controls["step"].max == 5
    assert explorer.controls["step"].value == 5  # moved into the new range
    explorer.update(graph="softmax cross-entropy", step=6)
    assert explorer.values() == {"graph": "softmax cross-entropy", "step": 6}
    assert explorer.last_error is None
    explorer.close()


# --------------------------------------------------------------------------
# matrix_calculus: three routes against closed forms
# --------------------------------------------------------------------------

RNG = np.random.default_rng(11)
VECTOR_A = RNG.normal(size=4)
MATRIX_A = RNG.normal(size=(4, 4))
MATRIX_B = RNG.normal(size=(3, 4))
POINT = RNG.normal(size=4)

IDENTITIES = [
    ("a·x", lambda x: VECTOR_A @ x, lambda x: VECTOR_A),
    ("xᵀAx", lambda x: x @ MATRIX_A @ x, lambda x: (MATRIX_A + MATRIX_A.T) @ x),
    ("‖x‖²", lambda x: (x * x).sum(), lambda x: 2 * x),
]


@pytest.mark.parametrize("label, function, closed", IDENTITIES, ids=lambda v: v)
def test_three_routes_agree_with_each_gradient_identity(label, function, closed):
    results = gradient_three_ways(function, POINT)
    expected = closed(POINT)
    np.testing.assert_allclose(results["sympy"], expected, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(results["autodiff"], expected, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(
        results["finite differences"], expected, rtol=1e-7, atol=1e-9
    )
    assert "DIFFERS" not in agreement(results, expected)


def test_three_routes_agree_with_the_jacobians():
    linear = jacobian_three_ways(lambda x: MATRIX_B @ x, POINT)
    elementwise = jacobian_three_ways(tanh, POINT)
    diagonal = np.diag(1 - np.tanh(POINT) ** 2)
    for route in ("sympy", "autodiff"):
        np.testing.assert_allclose(linear[route], MATRIX_B, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(elementwise[route], diagonal, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(linear["finite differences"], MATRIX_B, atol=1e-8)
    np.testing.assert_allclose(elementwise["finite differences"], diagonal, atol=1e-8)


def test_agreement_reports_a_wrong_identity_and_a_wrong_shape():
    results = gradient_three_ways(lambda x: x @ MATRIX_A @ x, POINT)
    report = agreement(results, 2 * MATRIX_A @ POINT)  # the symmetric-A mistake
    assert report.count("DIFFERS") == 3
    with pytest.raises(ValueError, match="shape"):
        agreement(results, MATRIX_A)


def test_matrix_calculus_refuses_bad_input():
    with pytest.raises(ValueError, match="1-D vector"):
        gradient_three_ways(lambda x: x.sum(), [[1.0, 2.0]])
    with pytest.raises(ValueError, match="finite"):
        gradient_three_ways(lambda x: x.sum(), [1.0, np.nan])
    with pytest.raises(TypeError, match="array of sympy symbols"):
        gradient_three_ways(lambda x: np.tanh(x).sum(), [1.0])
    # Fine on numbers and symbols, but leaves the Tensor out of its result:
    with pytest.raises(TypeError, match="Tensor operations"):
        jacobian_three_ways(
            lambda x: np.ones(1) if isinstance(x, Tensor) else 2 * x, [1.0]
        )


def test_tanh_on_symbols_is_sympys():
    symbols = np.array(sympy.symbols("a b"), dtype=object)
    assert list(tanh(symbols)) == [sympy.tanh(s) for s in symbols]
    np.testing.assert_allclose(tanh(np.array([0.3])), np.tanh([0.3]), rtol=1e-15)


# --------------------------------------------------------------------------
# The exercises
# --------------------------------------------------------------------------


def _softplus_derivative():
    x = sympy.Symbol("x")
    return sympy.lambdify(x, sympy.diff(sympy.log(1 + sympy.exp(2 * x)), x))


def test_exercise_1_accepts_the_sympy_derivative():
    assert exercises.check_softplus_derivative(_softplus_derivative()).passed


@pytest.mark.parametrize(
    "answer, hint",
    [
        (lambda x: 1 / (1 + math.exp(-2 * x)), "innermost factor"),
        (lambda x: 1 / (1 + math.exp(2 * x)), "only the outer derivative"),
        (lambda x: 2 / (1 + math.exp(2 * x)), "not 2: the exponential stays"),
        (lambda x: 2 / (1 + math.exp(-x)), "σ(2x), not σ(x)"),
        (lambda x: -2 / (1 + math.exp(-2 * x)), "sign is flipped"),
        (lambda x: None, "`return`"),
        (lambda x, y: 0.0, None),  # wrong signature: explained, not raised
        (lambda x: "0.5", "text"),
        (lambda x: 1 / 0, "ZeroDivisionError"),
        (lambda x: [2 / (1 + math.exp(-2 * x))], "shape"),
    ],
)
def test_exercise_1_explains_each_mistake(answer, hint):
    feedback = exercises.check_softplus_derivative(answer)
    assert not feedback.passed
    if hint:
        assert hint in feedback.message, feedback.message


def _quadratic_form_gradient():
    symbols = sympy.symbols("x0:3")
    A = sympy.Matrix(exercises.EXERCISE_MATRIX.tolist())
    x = sympy.Matrix(symbols)
    form = (x.T * A * x)[0]
    gradient = sympy.lambdify([symbols], [sympy.diff(form, s) for s in symbols])
    return lambda v: np.array(gradient(list(v)), dtype=float)


def test_exercise_2_accepts_the_sympy_gradient_and_needs_a_non_symmetric_matrix():
    A = exercises.EXERCISE_MATRIX
    assert not np.allclose(A, A.T)
    assert exercises.check_quadratic_form_gradient(_quadratic_form_gradient()).passed


@pytest.mark.parametrize(
    "answer, hint",
    [
        (lambda x: 2 * exercises.EXERCISE_MATRIX @ x, "2Ax holds only"),
        (lambda x: exercises.EXERCISE_MATRIX @ x, "right-hand x only"),
        (lambda x: exercises.EXERCISE_MATRIX.T @ x, "left-hand x only"),
        (lambda x: 2 * exercises.EXERCISE_MATRIX.T @ x, "2Aᵀx holds only"),
        (
            lambda x: exercises.EXERCISE_MATRIX + exercises.EXERCISE_MATRIX.T,
            "Hessian",
        ),
        (lambda x: x @ exercises.EXERCISE_MATRIX @ x, "single number"),
        (lambda x: None, "`return`"),
    ],
)
def test_exercise_2_explains_each_mistake(answer, hint):
    feedback = exercises.check_quadratic_form_gradient(answer)
    assert not feedback.passed
    assert hint in feedback.message, feedback.message


def test_exercise_2_accepts_a_list_and_a_sympy_matrix():
    A = exercises.EXERCISE_MATRIX
    assert exercises.check_quadratic_form_gradient(lambda x: list((A + A.T) @ x)).passed
    assert exercises.check_quadratic_form_gradient(
        lambda x: sympy.Matrix((A + A.T) @ x)
    ).message.startswith("Your gradient")  # a 3×1 matrix: a shape message


def _neuron_weight_gradient() -> float:
    w, x, b = sympy.symbols("w x b")
    y = sympy.tanh(w * x + b)
    values = {
        w: exercises.NEURON["w"],
        x: exercises.NEURON["x"],
        b: exercises.NEURON["b"],
    }
    return float(sympy.diff(y, w).subs(values))


def test_exercise_3_accepts_the_sympy_value_and_formulas_in_code():
    assert exercises.check_neuron_weight_gradient(_neuron_weight_gradient()).passed
    assert exercises.check_neuron_weight_gradient((1 - np.tanh(0.8) ** 2) * 2).passed
    assert exercises.check_neuron_weight_gradient(
        sympy.Float(_neuron_weight_gradient())
    ).passed


def _tanh_prime(v: float) -> float:
    return 1 - math.tanh(v) ** 2


@pytest.mark.parametrize(
    "answer, hint",
    [
        (_tanh_prime(0.8), "∂y/∂n"),
        (_tanh_prime(0.8) * 0.5, "That is ∂y/∂x"),
        ((1 - math.tanh(0.8)) * 2, "squared"),
        (math.tanh(0.8) * 2, "not its own derivative"),
        (_tanh_prime(0.5) * 2, "not at w"),
        (round(_tanh_prime(0.8) * 2, 3), "Close"),
        (-_tanh_prime(0.8) * 2, "sign is flipped"),
        ("0.9", "remove the quotes"),
        (None, "not filled in"),
        ([_tanh_prime(0.8) * 2], "shape"),
        (float("nan"), "nan"),
    ],
)
def test_exercise_3_explains_each_mistake(answer, hint):
    feedback = exercises.check_neuron_weight_gradient(answer)
    assert not feedback.passed
    assert hint in feedback.message, feedback.message


def test_exercise_3_mistakes_all_differ_from_the_answer():
    """Each listed mistake must be a different number from the answer (and from
    each other), or its hint could never be reached or would shadow another."""
    right = _neuron_weight_gradient()
    wrong = [_tanh_prime(0.8), _tanh_prime(0.8) * 0.5, (1 - math.tanh(0.8)) * 2,
             math.tanh(0.8) * 2, _tanh_prime(0.5) * 2]  # fmt: skip
    values = [right, *wrong]
    for i, a in enumerate(values):
        for b in values[i + 1 :]:
            assert not math.isclose(a, b, rel_tol=1e-6)


def test_switching_graphs_draws_the_same_picture_as_a_fresh_explorer():
    """A new graph redraws only the graph's region: nothing of the previous
    graph may be left over."""
    name = "neuron tanh(w₁x₁ + w₂x₂ + b)"
    fresh = BackwardPassExplorer().update(graph=name, step=4)
    travelled = BackwardPassExplorer().update(graph="softmax cross-entropy", step=8)
    travelled.update(graph=name, step=4)
    np.testing.assert_array_equal(_pixels(travelled), _pixels(fresh))
    travelled.update(graph="(x + y)·z", step=2)
    travelled.update(graph=name, step=4)  # now from the kept frame
    np.testing.assert_array_equal(_pixels(travelled), _pixels(fresh))
    fresh.close()
    travelled.close()
