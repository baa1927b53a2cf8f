"""Tests of calclearn.autodiff against independent routes.

Every operation's gradient is checked against central finite differences on
random float64 inputs (broadcasting cases included), composed graphs against
sympy, forward mode (Dual) against reverse mode, and, when torch happens to
be installed, both against ``torch.autograd``. Tolerances are stated next to
each assertion.

Finite differences: the central difference with step h = 1e-6 has truncation
error ~h² |f'''| ~ 1e-12 and rounding error ~eps·|f|/h ~ 1e-10 on these
inputs (of order 1), so gradients must agree to rtol 1e-6, atol 1e-8.
"""

from __future__ import annotations

import itertools
import sys
import warnings

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch
from matplotlib.path import Path

from calclearn.autodiff import (
    Dual,
    Tensor,
    backward_pass,
    cross_entropy,
    exp,
    forward_mode_gradient,
    log,
    relu,
    reverse_mode_gradient,
    sigmoid,
    tanh,
    topological_order,
    zero_grad,
)
from calclearn.graph_plot import computational_graph_figure, graph_layout

FD_STEP = 1e-6
FD_RTOL, FD_ATOL = 1e-6, 1e-8


def numeric_gradient(function, arrays, index):
    """Central differences of the scalar ``function(*arrays)`` in arrays[index]."""
    arrays = [a.copy() for a in arrays]
    grad = np.zeros_like(arrays[index])
    for flat in range(arrays[index].size):
        saved = arrays[index].flat[flat]
        arrays[index].flat[flat] = saved + FD_STEP
        upper = function(*arrays)
        arrays[index].flat[flat] = saved - FD_STEP
        lower = function(*arrays)
        arrays[index].flat[flat] = saved
        grad.flat[flat] = (upper - lower) / (2 * FD_STEP)
    return grad


def check_against_finite_differences(operation, arrays, seed=0):
    """Gradients of sum(operation(*tensors) * R), R random, vs finite differences.

    The random weights R make every entry of a non-scalar output count.
    """
    tensors = [Tensor(a) for a in arrays]
    out = operation(*tensors)
    weights = np.random.default_rng(seed).normal(size=out.shape)
    (out * weights).sum().backward()

    def scalar(*values):
        return float(np.sum(operation(*[Tensor(v) for v in values]).data * weights))

    for index, tensor in enumerate(tensors):
        expected = numeric_gradient(scalar, arrays, index)
        assert tensor.grad.shape == arrays[index].shape
        np.testing.assert_allclose(tensor.grad, expected, rtol=FD_RTOL, atol=FD_ATOL)


def random(shape, seed, low=-2.0, high=2.0):
    return np.random.default_rng(seed).uniform(low, high, size=shape)


def positive(shape, seed):
    return random(shape, seed, 0.5, 2.0)


# (id, operation, input arrays, numpy forward). Shapes cover broadcasting:
# leading axes added, axes of length 1 stretched, 0-d scalars.
BINARY_SHAPES = [
    ((3, 4), (3, 4)),
    ((3, 4), (4,)),
    ((3, 1), (1, 4)),
    ((), (2, 3)),
    ((2, 3, 4), (3, 1)),
    ((4,), (2, 1, 4)),
]

ELEMENTWISE_BINARY = [
    ("add", lambda a, b: a + b, random),
    ("sub", lambda a, b: a - b, random),
    ("mul", lambda a, b: a * b, random),
    ("div", lambda a, b: a / b, positive),
    ("pow", lambda a, b: a**b, positive),
]


@pytest.mark.parametrize("shapes", BINARY_SHAPES, ids=str)
@pytest.mark.parametrize(
    "name, operation, draw", ELEMENTWISE_BINARY, ids=[c[0] for c in ELEMENTWISE_BINARY]
)
def test_binary_operation_gradients_with_broadcasting(name, operation, draw, shapes):
    a, b = draw(shapes[0], 1), draw(shapes[1], 2)
    np.testing.assert_array_equal(operation(Tensor(a), Tensor(b)).data, operation(a, b))
    check_against_finite_differences(operation, [a, b])


UNARY = [
    ("neg", lambda x: -x, np.negative, random),
    ("exp", lambda x: x.exp(), np.exp, random),
    ("log", lambda x: x.log(), np.log, positive),
    ("tanh", lambda x: x.tanh(), np.tanh, random),
    ("sigmoid", lambda x: x.sigmoid(), lambda v: 1 / (1 + np.exp(-v)), random),
    ("relu", lambda x: x.relu(), lambda v: np.maximum(v, 0), random),
    ("square", lambda x: x**2, np.square, random),
    ("cube", lambda x: x**3, lambda v: v**3, random),
    ("sqrt", lambda x: x**0.5, np.sqrt, positive),
    ("reciprocal power", lambda x: x**-1.5, lambda v: v**-1.5, positive),
    ("power 0", lambda x: x**0, np.ones_like, random),
    ("number + x", lambda x: 2.5 + x, lambda v: 2.5 + v, random),
    ("number - x", lambda x: 2.5 - x, lambda v: 2.5 - v, random),
    ("number * x", lambda x: 2.5 * x, lambda v: 2.5 * v, random),
    ("number / x", lambda x: 2.5 / x, lambda v: 2.5 / v, positive),
    ("number ** x", lambda x: 2.5**x, lambda v: 2.5**v, random),
    ("x - number", lambda x: x - 1.5, lambda v: v - 1.5, random),
    ("x / number", lambda x: x / 4.0, lambda v: v / 4.0, random),
    ("array + x", lambda x: np.arange(4.0) + x, lambda v: np.arange(4.0) + v, random),
    ("array * x", lambda x: np.arange(4.0) * x, lambda v: np.arange(4.0) * v, random),
]


@pytest.mark.parametrize("shape", [(), (4,), (3, 4)], ids=str)
@pytest.mark.parametrize(
    "name, operation, reference, draw", UNARY, ids=[c[0] for c in UNARY]
)
def test_unary_operation_gradients(name, operation, reference, draw, shape):
    x = draw(shape, 3)
    if name == "relu":  # keep away from the kink at 0, where it has no derivative
        x = np.where(np.abs(x) < 0.1, 0.5, x)
    np.testing.assert_allclose(operation(Tensor(x)).data, reference(x), rtol=1e-15)
    check_against_finite_differences(operation, [x])


MATMUL_SHAPES = [((3, 4), (4, 2)), ((4,), (4, 2)), ((3, 4), (4,)), ((4,), (4,))]


@pytest.mark.parametrize("shapes", MATMUL_SHAPES, ids=str)
def test_matmul_gradients(shapes):
    a, b = random(shapes[0], 4), random(shapes[1], 5)
    np.testing.assert_allclose((Tensor(a) @ Tensor(b)).data, a @ b, rtol=1e-15)
    check_against_finite_differences(lambda p, q: p @ q, [a, b])


def test_matmul_with_a_numpy_array_on_either_side():
    matrix, vector = random((3, 4), 6), random((4,), 7)
    x = Tensor(vector)
    (matrix @ x).sum().backward()  # numpy hands the array to Tensor.__rmatmul__
    np.testing.assert_allclose(x.grad, matrix.sum(axis=0), rtol=1e-15)
    y = Tensor(matrix)
    (y @ vector).sum().backward()
    np.testing.assert_allclose(y.grad, np.tile(vector, (3, 1)), rtol=1e-15)


def test_tensor_exponent_with_a_tensor_base():
    base, exponent = positive((2, 3), 8), random((3,), 9)
    check_against_finite_differences(lambda a, b: a**b, [base, exponent])


REDUCTIONS = [
    ("sum", lambda x: x.sum(), np.sum),
    ("sum axis 0", lambda x: x.sum(axis=0), lambda v: v.sum(axis=0)),
    ("sum axis -1", lambda x: x.sum(axis=-1), lambda v: v.sum(axis=-1)),
    ("sum axes", lambda x: x.sum(axis=(0, 2)), lambda v: v.sum(axis=(0, 2))),
    (
        "sum keepdims",
        lambda x: x.sum(axis=1, keepdims=True),
        lambda v: v.sum(axis=1, keepdims=True),
    ),
    ("mean", lambda x: x.mean(), np.mean),
    ("mean axis 1", lambda x: x.mean(axis=1), lambda v: v.mean(axis=1)),
    (
        "mean keepdims",
        lambda x: x.mean(axis=(1, 2), keepdims=True),
        lambda v: v.mean(axis=(1, 2), keepdims=True),
    ),
    ("max", lambda x: x.max(), np.max),
    ("max axis 0", lambda x: x.max(axis=0), lambda v: v.max(axis=0)),
    (
        "max axis -1 keepdims",
        lambda x: x.max(axis=-1, keepdims=True),
        lambda v: v.max(axis=-1, keepdims=True),
    ),
    ("reshape", lambda x: x.reshape(6, 4), lambda v: v.reshape(6, 4)),
    ("reshape tuple", lambda x: x.reshape((4, -1)), lambda v: v.reshape(4, -1)),
    ("transpose", lambda x: x.T, lambda v: v.T),
    ("index", lambda x: x[1], lambda v: v[1]),
    ("entry", lambda x: x[1, 2, 3], lambda v: v[1, 2, 3]),
    ("slice", lambda x: x[:, 1:3], lambda v: v[:, 1:3]),
    ("negative step", lambda x: x[::-1, :, ::2], lambda v: v[::-1, :, ::2]),
    ("integer array", lambda x: x[[0, 1, 0]], lambda v: v[[0, 1, 0]]),
    (
        "integer arrays, repeated",
        lambda x: x[[0, 0, 1], [2, 2, 0]],
        lambda v: v[[0, 0, 1], [2, 2, 0]],
    ),
    ("boolean mask", lambda x: x[x.data > 0], lambda v: v[v > 0]),
    ("log_softmax", lambda x: x.log_softmax(), lambda v: _log_softmax(v, -1)),
    (
        "log_softmax axis 0",
        lambda x: x.log_softmax(axis=0),
        lambda v: _log_softmax(v, 0),
    ),
]


def _log_softmax(v, axis):
    """The textbook formula, fine for the moderate inputs used here."""
    return v - np.log(np.exp(v).sum(axis=axis, keepdims=True))


@pytest.mark.parametrize(
    "name, operation, reference", REDUCTIONS, ids=[c[0] for c in REDUCTIONS]
)
def test_reduction_shape_and_indexing_gradients(name, operation, reference):
    x = random((2, 3, 4), 10)  # distinct entries: no ties for max
    np.testing.assert_allclose(operation(Tensor(x)).data, reference(x), rtol=1e-14)
    check_against_finite_differences(operation, [x])


@st.composite
def broadcast_pairs(draw):
    """A shape and a shape that broadcasts to it: leading axes dropped, some
    axes shrunk to length 1."""
    full = draw(st.lists(st.integers(1, 3), min_size=0, max_size=3))
    dropped = draw(st.integers(0, len(full)))
    small = [1 if draw(st.booleans()) else n for n in full[dropped:]]
    return tuple(full), tuple(small)


@settings(max_examples=60, deadline=None)
@given(shapes=broadcast_pairs(), swap=st.booleans())
def test_broadcast_gradients_count_every_use(shapes, swap):
    big_shape, small_shape = shapes
    rng = np.random.default_rng(0)
    big, small = (
        Tensor(rng.normal(size=big_shape)),
        Tensor(rng.normal(size=small_shape)),
    )
    weights = rng.normal(size=big_shape)
    total = (small + big) if swap else (big * 1.0 + small)
    (total * weights).sum().backward()
    # independent route: entry j of `small` was used at every position of the
    # result that numpy's broadcasting maps to j; add up the weights there
    owner = np.broadcast_to(np.arange(small.data.size).reshape(small_shape), big_shape)
    expected = np.zeros(small.data.size)
    np.add.at(expected, owner.ravel(), weights.ravel())
    np.testing.assert_allclose(small.grad, expected.reshape(small_shape), rtol=1e-13)
    np.testing.assert_array_equal(big.grad, weights)


def test_repeated_integer_indices_add_their_gradients():
    x = Tensor([1.0, 2.0, 3.0])
    x[[0, 0, 2, 0]].sum().backward()
    np.testing.assert_array_equal(x.grad, [3.0, 0.0, 1.0])


def test_max_gives_a_tie_to_the_first_maximal_entry():
    x = Tensor([[1.0, 5.0, 5.0], [2.0, 2.0, 0.0]])
    x.max(axis=1).sum().backward()
    np.testing.assert_array_equal(x.grad, [[0, 1, 0], [1, 0, 0]])
    y = Tensor([3.0, 1.0, 3.0])
    y.max().backward()
    np.testing.assert_array_equal(y.grad, [1, 0, 0])


def test_cross_entropy_matches_its_composition_and_finite_differences():
    logits = random((5, 3), 11)
    labels = np.array([0, 2, 1, 2, 2])
    fused = Tensor(logits)
    loss = cross_entropy(fused, labels)
    loss.backward()
    composed = Tensor(logits)
    reference = -composed.log_softmax()[np.arange(5), labels].mean()
    reference.backward()
    assert float(loss.data) == pytest.approx(float(reference.data), rel=1e-15)
    np.testing.assert_allclose(fused.grad, composed.grad, rtol=1e-14, atol=1e-16)
    check_against_finite_differences(lambda z: cross_entropy(z, labels), [logits])
    # against the definition -mean log softmax, softmax written out
    probabilities = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    expected = -np.mean(np.log(probabilities[np.arange(5), labels]))
    assert float(loss.data) == pytest.approx(expected, rel=1e-14)


def test_log_softmax_and_sigmoid_are_stable_for_large_inputs():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow warning may appear
        logits = Tensor([[1000.0, 0.0, -1000.0], [-800.0, -800.0, -800.0]])
        log_probs = logits.log_softmax()
        np.testing.assert_allclose(
            log_probs.data, [[0.0, -1000.0, -2000.0], [-np.log(3)] * 3], rtol=1e-15
        )
        loss = cross_entropy(logits, [1, 0])
        assert float(loss.data) == pytest.approx((1000.0 + np.log(3)) / 2, rel=1e-15)
        s = Tensor([-800.0, -30.0, 0.0, 30.0, 800.0]).sigmoid()
        s.sum().backward()
    # relative accuracy in both tails: σ(-30) = e^-30 / (1 + e^-30)
    np.testing.assert_allclose(
        s.data,
        [0.0, np.exp(-30) / (1 + np.exp(-30)), 0.5, 1 / (1 + np.exp(-30)), 1.0],
        rtol=1e-15,
    )


# --------------------------------------------------------------------------
# Composed graphs against sympy
# --------------------------------------------------------------------------

X, Y, Z = sympy.symbols("x y z")
SYMPY_CASES = [
    # (sympy expression, the same written for the engine, point)
    (
        sympy.tanh(X * Y + sympy.exp(Z)) / (1 + 1 / (1 + sympy.exp(-X))),
        lambda x, y, z: tanh(x * y + exp(z)) / (1 + sigmoid(x)),
        (0.3, -0.7, 0.2),
    ),
    (
        sympy.log(X**2 + Y**2 + 1) * sympy.exp(-Z / 2) - X**3 * Z,
        lambda x, y, z: log(x**2 + y**2 + 1) * exp(-z / 2) - x**3 * z,
        (1.1, 0.4, -0.6),
    ),
    (
        (X * Y * Z + 2) ** sympy.Rational(3, 2) + Y**Z,
        lambda x, y, z: (x * y * z + 2) ** 1.5 + y**z,
        (0.8, 1.7, 0.9),
    ),
    (  # a node used many times: gradients from every path must add up
        (lambda a: a * a + sympy.tanh(a) * a - 3 / a)(X * Y + Z),
        lambda x, y, z: (lambda a: a * a + tanh(a) * a - 3 / a)(x * y + z),
        (0.5, 2.0, 0.25),
    ),
]


@pytest.mark.parametrize("expression, engine, point", SYMPY_CASES)
def test_composed_graphs_against_sympy(expression, engine, point):
    inputs = [Tensor(value) for value in point]
    result = engine(*inputs)
    result.backward()
    values = dict(zip((X, Y, Z), point, strict=True))
    assert float(result.data) == pytest.approx(
        float(expression.subs(values)), rel=1e-14
    )
    for symbol, tensor in zip((X, Y, Z), inputs, strict=True):
        exact = float(sympy.diff(expression, symbol).subs(values))
        assert float(tensor.grad) == pytest.approx(exact, rel=1e-13, abs=1e-15)


# --------------------------------------------------------------------------
# Forward mode against reverse mode
# --------------------------------------------------------------------------


def _shared_function(v):
    """Written once against calclearn.autodiff's functions: runs on Tensor and Dual."""
    x, y, z = v[0], v[1], v[2]
    return tanh(x * y) + sigmoid(z) * log(1 + x * x) - relu(y - z) / (2 + exp(-x))


def _matrix_function(v):
    A = np.array([[2.0, -1.0, 0.5], [0.3, 1.0, -2.0]])
    hidden = tanh(A @ v)
    return (hidden * hidden).sum() + v.mean() ** 2


@pytest.mark.parametrize("function", [_shared_function, _matrix_function])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_forward_mode_agrees_with_reverse_mode(function, seed):
    point = random((3,), seed)
    forward = forward_mode_gradient(function, point)
    reverse = reverse_mode_gradient(function, point)
    np.testing.assert_allclose(forward, reverse, rtol=1e-13, atol=1e-15)
    # and both with finite differences on plain numbers (the same function)
    expected = numeric_gradient(lambda p: float(function(p)), [point], 0)
    np.testing.assert_allclose(forward, expected, rtol=FD_RTOL, atol=FD_ATOL)


def test_dual_numbers_carry_directional_derivatives():
    # d/dt f(x + t d) at t = 0 equals ∇f · d
    point, direction = random((3,), 5), random((3,), 6)
    directional = _shared_function(Dual(point, direction)).tangent
    gradient = reverse_mode_gradient(_shared_function, point)
    assert float(directional) == pytest.approx(float(gradient @ direction), rel=1e-13)


# Each function uses both arguments, so that both get a gradient.
DUAL_OPERATIONS = [
    ("x / y", lambda x, y: x / y),
    ("x ** y", lambda x, y: x**y),
    ("x * y ** 2.5", lambda x, y: x * y**2.5),
    ("2 ** x + y", lambda x, y: 2.0**x + y),
    ("3 - x / 4 * y", lambda x, y: 3 - x / 4 * y),
    ("1 / x - y", lambda x, y: 1 / x - y),
    ("-x * y", lambda x, y: -x * y),
    ("x @ y", lambda x, y: x @ y),
    ("sum, mean", lambda x, y: (x * y).sum(axis=0).mean()),
    ("reshape, T, index", lambda x, y: (x.reshape(3, 1).T @ y.reshape(3, 1))[0, 0]),
]


@pytest.mark.parametrize(
    "name, function", DUAL_OPERATIONS, ids=[c[0] for c in DUAL_OPERATIONS]
)
def test_every_dual_operation_against_reverse_mode(name, function):
    x, y = positive((3,), 7), positive((3,), 8)
    for wrt in range(2):
        tangents = [np.zeros(3), np.zeros(3)]
        for i in range(3):
            tangents[wrt] = np.eye(3)[i]
            forward = function(Dual(x, tangents[0]), Dual(y, tangents[1]))
            tensors = [Tensor(x), Tensor(y)]
            out = function(*tensors)
            weights = np.ones(out.shape)
            (out * weights).sum().backward()
            expected = tensors[wrt].grad[i]
            assert float(np.sum(forward.tangent)) == pytest.approx(
                float(expected), rel=1e-13, abs=1e-15
            )


def test_elementwise_functions_work_on_plain_numbers():
    assert exp(0.0) == 1.0
    assert float(log(np.e)) == pytest.approx(1.0, rel=1e-15)
    assert float(sigmoid(0.0)) == 0.5
    np.testing.assert_array_equal(relu([-1.0, 2.0]), [0.0, 2.0])
    assert float(tanh(0.5)) == pytest.approx(np.tanh(0.5), rel=1e-15)


# --------------------------------------------------------------------------
# Accumulation, zero_grad, deep graphs, the backward pass
# --------------------------------------------------------------------------


def test_gradients_accumulate_in_leaves_until_zero_grad():
    w = Tensor([1.0, -2.0])
    hidden = w * 3.0
    loss = (hidden * hidden).sum()  # 9 Σ w², gradient 18 w
    loss.backward()
    np.testing.assert_array_equal(w.grad, [18.0, -36.0])
    loss.backward()  # a second pass adds, as in PyTorch
    np.testing.assert_array_equal(w.grad, [36.0, -72.0])
    # an intermediate tensor holds the gradient of the latest pass only
    np.testing.assert_array_equal(hidden.grad, 2 * hidden.data)
    zero_grad([w])
    assert w.grad is None
    loss.backward()
    np.testing.assert_array_equal(w.grad, [18.0, -36.0])


def test_a_leaf_owns_its_gradient_array():
    a, b = Tensor([1.0, 2.0]), Tensor([3.0, 4.0])
    (a + b).sum().backward()  # + hands the same upstream array to both
    a.grad[0] = 100.0
    np.testing.assert_array_equal(b.grad, [1.0, 1.0])


def test_a_graph_ten_thousand_nodes_deep():
    assert sys.getrecursionlimit() < 10_000
    x = Tensor(0.5)
    y = x
    for _ in range(10_000):
        y = y * 1.0001
    y.backward()
    assert len(topological_order(y)) == 20_001  # x, 10 000 products and constants
    assert float(x.grad) == pytest.approx(1.0001**10_000, rel=1e-12)


def test_backward_pass_visits_each_node_after_everything_it_feeds():
    a = Tensor(2.0, name="a")
    b = a * a
    c = b.exp() + b
    visited = list(backward_pass(c))
    assert visited[0] is c
    assert visited.index(b) > visited.index(c)
    assert visited[-1] is a or visited.index(a) > visited.index(b)
    assert float(a.grad) == pytest.approx((np.exp(4.0) + 1) * 4.0, rel=1e-15)


def test_constants_get_no_gradient():
    x = Tensor([1.0, 2.0])
    constant = Tensor([3.0, 4.0], requires_grad=False)
    (x * constant).sum().backward()
    assert constant.grad is None
    np.testing.assert_array_equal(x.grad, [3.0, 4.0])


def test_grad_is_assignable_with_checks():
    x = Tensor([[1.0, 2.0]])
    x.grad = [[0.5, 0.25]]
    assert x.grad.dtype == np.float64
    np.testing.assert_array_equal(x.grad, [[0.5, 0.25]])
    with pytest.raises(ValueError, match=r"grad must have the tensor's shape \(1, 2\)"):
        x.grad = np.zeros(2)
    with pytest.raises(TypeError, match="grad must"):
        x.grad = "zeros"
    x.grad = None
    assert x.grad is None


def test_non_scalar_backward_with_a_seed_is_a_vector_jacobian_product():
    x = Tensor([1.0, 2.0, 3.0])
    y = x * x
    y.backward(gradient=[1.0, 0.5, 0.0])
    np.testing.assert_array_equal(x.grad, [2.0, 2.0, 0.0])


# --------------------------------------------------------------------------
# Bad input: clear errors naming the argument
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make, error, message",
    [
        (lambda: Tensor("3"), TypeError, "data must be a number"),
        (lambda: Tensor(["a", "b"]), TypeError, "data must contain real numbers"),
        (lambda: Tensor([1.0, None]), TypeError, "data must contain real numbers"),
        (lambda: Tensor([[1.0], [2.0, 3.0]]), ValueError, "data must be a rectangular"),
        (lambda: Tensor(1 + 2j), TypeError, "data must contain real numbers"),
        (lambda: Tensor(True), TypeError, "data must contain real numbers"),
        (lambda: Tensor(float("nan")), ValueError, "data must be finite"),
        (lambda: Tensor(1.0, requires_grad=1), TypeError, "requires_grad"),
        (lambda: Tensor(1.0) + "a", TypeError, "other operand of \\+"),
        (lambda: "a" * Tensor(1.0), TypeError, "other operand of \\*"),
        (
            lambda: Tensor(1.0) + Dual(1.0),
            TypeError,
            "cannot combine a Tensor and a Dual",
        ),
        (
            lambda: Dual(1.0) * Tensor(1.0),
            TypeError,
            "cannot combine a Dual and a Tensor",
        ),
        (
            lambda: Tensor(np.ones((2, 3))) + Tensor(np.ones((2, 4))),
            ValueError,
            r"cannot compute a \+ b: shapes \(2, 3\) and \(2, 4\) do not broadcast",
        ),
        (
            lambda: Tensor(np.ones((2, 3))) * np.ones(2),
            ValueError,
            r"a \* b: shapes \(2, 3\) and \(2,\)",
        ),
        (
            lambda: Tensor(np.ones((2, 3))) @ Tensor(np.ones((2, 3))),
            ValueError,
            r"the last axis of a \(3\) must equal the first axis of b \(2\)",
        ),
        (lambda: Tensor(2.0) @ Tensor(3.0), ValueError, "1-D or 2-D"),
        (
            lambda: Tensor(np.ones((2, 2, 2))) @ Tensor(np.ones((2, 2))),
            ValueError,
            "1-D or 2-D",
        ),
        (lambda: Tensor([1.0, -1.0]).log(), ValueError, "log of a non-positive"),
        (lambda: Tensor(0.0).log(), ValueError, "log of a non-positive"),
        (lambda: log(Dual(-1.0, 1.0)), ValueError, "log of a non-positive"),
        (lambda: log(-2.0), ValueError, "log of a non-positive"),
        (lambda: Tensor(-2.0) ** 0.5, ValueError, "negative base to a non-integer"),
        (lambda: Tensor(0.0) ** -1, ValueError, "0 to a negative exponent"),
        (lambda: (-2.0) ** Tensor(1.0), ValueError, "base must be positive"),
        (lambda: Tensor([1.0, 2.0]).backward(), ValueError, "needs gradient="),
        (
            lambda: Tensor([1.0, 2.0]).backward(gradient=[1.0]),
            ValueError,
            r"gradient must have the tensor's shape \(2,\)",
        ),
        (
            lambda: Tensor(1.0, requires_grad=False).exp().backward(),
            ValueError,
            "does not depend on any tensor that requires",
        ),
        (lambda: Tensor([1.0, 2.0]).max(axis=1.5), TypeError, "axis must be None"),
        (lambda: Tensor([1.0, 2.0]).max(axis=1), ValueError, "axis must lie in"),
        (lambda: Tensor([1.0, 2.0]).reshape(3), ValueError, "cannot reshape"),
        (lambda: Tensor([1.0, 2.0])[Tensor(0.0)], TypeError, "index must be"),
        (
            lambda: cross_entropy(Tensor(np.zeros((2, 3))), [0, 3]),
            ValueError,
            r"targets must lie in range\(3\)",
        ),
        (
            lambda: cross_entropy(Tensor(np.zeros((2, 3))), [0.0, 1.0]),
            TypeError,
            "targets must be integer class labels",
        ),
        (
            lambda: cross_entropy(Tensor(np.zeros((2, 3))), [0, 1, 2]),
            ValueError,
            r"targets must have shape \(2,\)",
        ),
        (
            lambda: cross_entropy(Tensor(np.zeros(3)), [0]),
            ValueError,
            "logits must have shape",
        ),
        (lambda: cross_entropy("logits", [0]), TypeError, "logits must"),
        (lambda: Dual([1.0, 2.0], [1.0, 2.0, 3.0]), ValueError, "tangent must have"),
        (lambda: Dual("x"), TypeError, "value must"),
        (lambda: zero_grad([Tensor(1.0), 2.0]), TypeError, "item 1 is a float"),
        (
            lambda: reverse_mode_gradient(lambda v: 3.0, [1.0]),
            TypeError,
            "function must return a Tensor",
        ),
        (
            lambda: forward_mode_gradient(lambda v: v * 2, [1.0, 2.0]),
            ValueError,
            "function must return a single number",
        ),
        (lambda: topological_order(2.0), TypeError, "root must be a Tensor"),
    ],
)
def test_bad_input_raises_a_clear_error(make, error, message):
    with pytest.raises(error, match=message):
        make()


def test_item_and_numpy_functions_on_tensors():
    assert Tensor([[2.5]]).item() == 2.5
    with pytest.raises(ValueError, match="item\\(\\) needs a tensor holding one"):
        Tensor([1.0, 2.0]).item()
    # numpy's own functions cannot record a gradient: refused, not looped over
    with pytest.raises(TypeError, match="Tensor"):
        np.exp(Tensor(1.0))


def test_a_python_list_is_accepted_on_either_side():
    x = Tensor([1.0, 2.0])
    np.testing.assert_array_equal(([3.0, 4.0] - x).data, [2.0, 2.0])
    np.testing.assert_array_equal((x / [2.0, 4.0]).data, [0.5, 0.5])


# --------------------------------------------------------------------------
# The computational-graph figure
# --------------------------------------------------------------------------


def _texts(figure):
    return [text.get_text() for text in figure.axes[0].texts]


def test_graph_figure_shows_values_then_gradients():
    x, w = Tensor(2.0, name="x"), Tensor(-1.5, name="w")
    y = (w * x + 1.0).tanh()
    before = computational_graph_figure(y)
    assert isinstance(before, Figure)
    texts = _texts(before)
    assert {"x", "w", "×", "+", "tanh", "constant"} <= set(texts)
    assert f"value {np.tanh(-2.0):.4g}" in texts
    assert not any(t.startswith("grad") for t in texts)
    y.backward()
    texts = _texts(computational_graph_figure(y))
    assert f"grad {1 - np.tanh(-2.0) ** 2:.4g}" in texts  # ∂y/∂(w·x + 1)
    assert f"grad {-1.5 * (1 - np.tanh(-2.0) ** 2):.4g}" in texts  # ∂y/∂x
    assert len(before.axes[0].patches) == 6 + 5  # six boxes, five arrows


def test_graph_figure_follows_a_step_by_step_backward_pass():
    x = Tensor(0.5, name="x")
    y = x.exp() * x
    steps = backward_pass(y)
    current = next(steps)  # y has passed its gradient to its two parents
    figure = computational_graph_figure(y, highlight=current)
    boxes = [p for p in figure.axes[0].patches if p.get_linewidth() == 2.0]
    assert len(boxes) == 1  # the root is the current node: one thick outline
    texts = _texts(figure)
    assert f"grad {0.5:.4g}" in texts  # ∂y/∂exp(x) = x, arrived at exp
    assert f"grad {np.exp(0.5):.4g}" in texts  # the direct path to x, so far
    for _ in steps:
        pass
    assert float(x.grad) == pytest.approx(np.exp(0.5) * 1.5, rel=1e-15)
    with pytest.raises(ValueError, match="highlight must be a tensor of root"):
        computational_graph_figure(y, highlight=Tensor(1.0))


def test_graph_layout_puts_each_operation_right_of_its_operands():
    a = Tensor(1.0, name="a")
    b = a.exp()
    c = (b * a).log()
    layout = graph_layout(c)
    for node, (column, _) in layout.items():
        for parent in node._parents:
            assert layout[parent][0] < column
    assert layout[c][0] == max(column for column, _ in layout.values())
    rows = [(column, row) for column, row in layout.values()]
    assert len(set(rows)) == len(rows)  # no two boxes in one place


def test_graph_arrows_never_cross_a_box():
    x, w, b = Tensor(2.0, name="x"), Tensor(-1.5, name="w"), Tensor(0.5, name="b")
    h = (w * x + b).tanh()
    loss = (h * x + h * h).sum()  # x is used again four columns later
    loss.backward()
    ax = computational_graph_figure(loss).axes[0]
    boxes = [p.get_bbox() for p in ax.patches if isinstance(p, FancyBboxPatch)]
    arrows = [p for p in ax.patches if isinstance(p, FancyArrowPatch)]
    assert len(boxes) == 10 and len(arrows) == 12
    for arrow in arrows:
        path = arrow.get_path()  # in data coordinates, arrowhead included
        drawn = path.vertices[path.codes != Path.CLOSEPOLY]
        for start, end in itertools.pairwise(drawn):
            for t in np.linspace(0.0, 1.0, 41):
                px, py = (1 - t) * start + t * end
                for box in boxes:  # the interior, 0.02 inside the outline
                    inside_x = box.x0 + 0.02 < px < box.x1 - 0.02
                    assert not (inside_x and box.y0 + 0.02 < py < box.y1 - 0.02)


def test_graph_figure_refuses_huge_graphs():
    x = Tensor(np.ones(3))
    y = x
    for _ in range(30):
        y = y * 2.0
    with pytest.raises(ValueError, match="more than max_nodes=40"):
        computational_graph_figure(y)
    with pytest.raises(TypeError, match="root must be a Tensor"):
        computational_graph_figure(np.ones(3))


# --------------------------------------------------------------------------
# PyTorch, when installed (never a dependency)
# --------------------------------------------------------------------------


def _graph_for_engine(a, b, c, labels):
    h = tanh(a @ b + c) * sigmoid(a.sum(axis=1, keepdims=True))
    h = h + relu(a @ b) / c - log(c) ** 2 + exp(-h * h)
    scores = h[:, [0, 1, 1, 3]] * c[:4] ** 1.5 + h.max(axis=1, keepdims=True)
    return cross_entropy(scores, labels) + h.log_softmax().mean() + (h.T @ h).mean()


def _graph_for_torch(a, b, c, labels, torch):
    h = torch.tanh(a @ b + c) * torch.sigmoid(a.sum(dim=1, keepdim=True))
    h = h + torch.relu(a @ b) / c - torch.log(c) ** 2 + torch.exp(-h * h)
    scores = h[:, [0, 1, 1, 3]] * c[:4] ** 1.5 + torch.amax(h, dim=1, keepdim=True)
    loss = torch.nn.functional.cross_entropy(scores, torch.tensor(labels))
    return loss + torch.log_softmax(h, dim=-1).mean() + (h.T @ h).mean()


def test_against_torch_autograd():
    torch = pytest.importorskip(
        "torch", reason="PyTorch is not installed (an optional cross-check)"
    )
    rng = np.random.default_rng(12)
    arrays = [
        rng.normal(size=(4, 3)),
        rng.normal(size=(3, 5)),
        rng.uniform(0.5, 2.0, size=5),
    ]
    labels = np.array([0, 3, 2, 2])
    ours = [Tensor(v) for v in arrays]
    result = _graph_for_engine(*ours, labels)
    result.backward()
    theirs = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in arrays]
    expected = _graph_for_torch(*theirs, labels, torch)
    expected.backward()
    # float64 throughout; the two libraries round differently, 1e-12 relative
    assert float(result.data) == pytest.approx(expected.item(), rel=1e-12)
    for mine, reference in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(mine.grad, reference.grad.numpy(), rtol=1e-12)
