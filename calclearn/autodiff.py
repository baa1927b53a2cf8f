r"""Automatic differentiation on numpy arrays, small enough to read in one sitting.

Reverse mode (backpropagation) first, then forward mode with dual numbers.

Reverse mode
------------
A :class:`Tensor` holds a float64 array, ``data``. Every operation on tensors
returns a new tensor that remembers its operands (its *parents*) and a small
function, ``_backward``, written right beside the forward computation: given
the gradient of the final result with respect to the operation's output, it
adds the gradient with respect to each operand (the chain rule, one node at a
time). :meth:`Tensor.backward` visits the graph from the result back to the
inputs in reverse topological order, so that every node has received all of
its gradient before it passes it on.

Three rules keep the engine honest:

- **Broadcasting.** When ``a + b`` broadcasts ``b`` of shape ``(3,)`` to
  ``(4, 3)``, each entry of ``b`` was used four times, so its gradient is the
  sum of four incoming gradients: :func:`_unbroadcast` sums the gradient back
  to the operand's shape.
- **Accumulation.** A tensor used twice receives two gradients, which add up.
  A *leaf* (a tensor you made, such as a weight) keeps adding across backward
  passes, as in PyTorch, until you clear it with :func:`zero_grad`. An
  intermediate tensor's ``.grad`` holds the gradient of the latest pass.
- **No recursion.** The topological order is built with an explicit stack,
  so a graph 10,000 operations deep is fine.

A tensor made by you requires a gradient by default; numbers and arrays mixed
into an expression are constants (``requires_grad=False``) and get none.

Forward mode
------------
A :class:`Dual` number carries a value and a *tangent* (a directional
derivative) through the same operations. One forward pass gives the
derivative of every output along one input direction; reverse mode gives the
derivative of one output with respect to every input. The functions
:func:`exp`, :func:`log`, :func:`tanh`, :func:`sigmoid` and :func:`relu`
accept a Tensor, a Dual or plain numbers alike, so one Python function can be
differentiated both ways: compare :func:`forward_mode_gradient` (one pass per
input) with :func:`reverse_mode_gradient` (one pass in all).

Examples
--------
>>> x = Tensor(2.0)
>>> y = x * x + 3 * x          # y = x² + 3x
>>> y.backward()
>>> float(y.data), float(x.grad)   # y(2) = 10, y'(2) = 2·2 + 3
(10.0, 7.0)
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

__all__ = [
    "Dual",
    "Tensor",
    "backward_pass",
    "cross_entropy",
    "exp",
    "forward_mode_gradient",
    "hessian",
    "hvp",
    "log",
    "relu",
    "reverse_mode_gradient",
    "sigmoid",
    "tanh",
    "topological_order",
    "zero_grad",
]


# --------------------------------------------------------------------------
# Turning what the user passes into float64 arrays
# --------------------------------------------------------------------------


def _as_float_array(value: Any, name: str) -> np.ndarray:
    """``value`` as a new finite float64 array, or a clear error naming ``name``."""
    if isinstance(value, (Tensor, Dual)):
        raise TypeError(
            f"{name} must be a number or an array of real numbers, "
            f"got a {type(value).__name__}; use its .data"
            + (" (or the Tensor itself)" if isinstance(value, Tensor) else "")
        )
    if isinstance(value, (str, bytes)):
        raise TypeError(f"{name} must be a number or an array of numbers, got a string")
    try:
        array = np.array(value)
    except ValueError as exc:  # ragged nested lists
        raise ValueError(
            f"{name} must be a rectangular array of real numbers: {exc}"
        ) from None
    if array.dtype == bool or array.dtype.kind not in "iuf":
        raise TypeError(
            f"{name} must contain real numbers, got {type(value).__name__} "
            f"of dtype {array.dtype}"
        )
    array = array.astype(np.float64, copy=False)
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return array


def _lift(value: Any, operation: str) -> Tensor:
    """A Tensor as it is; a number or array as a constant Tensor."""
    if isinstance(value, Tensor):
        return value
    if isinstance(value, Dual):
        raise TypeError(
            f"cannot combine a Tensor and a Dual in {operation}: "
            "use one mode (reverse or forward) per computation"
        )
    return _constant(_as_float_array(value, f"the other operand of {operation}"))


def _constant(data: np.ndarray) -> Tensor:
    """A tensor that needs no gradient: a number or array in an expression."""
    constant = Tensor.__new__(Tensor)
    _init_node(constant, data, "")
    constant.requires_grad = False
    return constant


def _init_node(node: Tensor, data: np.ndarray, op: str) -> None:
    """Fill the slots of a new node (a leaf until given parents)."""
    node.data = data
    node._grad = None
    node.requires_grad = True
    node.name = ""
    node.op = op
    node._parents = ()
    node._backward = None


def _result(
    data: np.ndarray,
    op: str,
    parents: tuple[Tensor, ...],
    backward: Callable[[np.ndarray], None],
) -> Tensor:
    """The output node of an operation: its value, parents and local rule."""
    out = Tensor.__new__(Tensor)
    if type(data) is not np.ndarray:  # numpy returns scalars for full reductions
        data = np.asarray(data)
    _init_node(out, data, op)
    out._parents = parents
    for parent in parents:
        if parent.requires_grad:
            out._backward = backward
            break
    else:
        out.requires_grad = False
    return out


def _unbroadcast(grad: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Sum ``grad`` back to ``shape``, undoing numpy broadcasting.

    Broadcasting adds leading axes and stretches axes of length 1; an entry
    that was used many times collects the sum of their gradients.
    """
    if grad.shape == shape:  # the common case, at no cost
        return grad
    extra = grad.ndim - len(shape)
    if extra:
        grad = grad.sum(axis=tuple(range(extra)))
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    if stretched:
        grad = grad.sum(axis=stretched, keepdims=True)
    return grad


def _accumulate(tensor: Tensor, grad: np.ndarray) -> None:
    """Add ``grad`` to ``tensor.grad`` (the chain rule's sum over paths)."""
    if tensor._grad is None:
        # A leaf gets its own copy, so that writing into one leaf's gradient
        # in place can never change another's (add hands one array to both).
        tensor._grad = grad.copy() if tensor._backward is None else grad
    else:
        tensor._grad = tensor._grad + grad


def _broadcast_error(operation: str, a: np.ndarray, b: np.ndarray) -> ValueError:
    return ValueError(
        f"cannot compute {operation}: shapes {a.shape} and {b.shape} do not "
        "broadcast (each axis, counted from the right, must match or be 1)"
    )


# --------------------------------------------------------------------------
# Checks shared by reverse and forward mode
# --------------------------------------------------------------------------


def _check_log_domain(x: np.ndarray) -> None:
    if np.any(x <= 0):
        raise ValueError(
            "log of a non-positive number: log is defined for positive inputs "
            f"only, got {int(np.sum(x <= 0))} entries ≤ 0 (smallest {np.min(x):g})"
        )


def _check_power_domain(
    base: np.ndarray, exponent: np.ndarray, exponent_varies: bool
) -> None:
    """Refuse powers that are not real numbers, or whose derivative is not."""
    with np.errstate(invalid="ignore"):
        fractional = exponent != np.round(exponent)
    if np.any((base < 0) & fractional):
        raise ValueError(
            "base ** exponent: a negative base to a non-integer exponent is "
            "not a real number"
        )
    if np.any((base == 0) & (exponent < 0)):
        raise ValueError("base ** exponent: 0 to a negative exponent is infinite")
    if exponent_varies and np.any(base <= 0):
        raise ValueError(
            "base ** exponent: the derivative with respect to the exponent is "
            "base**exponent · log(base), so the base must be positive"
        )


def _sigmoid_array(x: np.ndarray) -> np.ndarray:
    """1 / (1 + e^{-x}) without overflow: only e^{-|x|} ≤ 1 is computed."""
    # exp(-x) or exp(x) by sign, rather than exp(-|x|): the same numbers for
    # real x, and an analytic function of x, so that :func:`hvp`'s complex
    # step carries its tangent through (|x| would drop the imaginary part).
    small = np.exp(np.where(x >= 0, -x, x))
    return np.where(x >= 0, 1.0 / (1.0 + small), small / (1.0 + small))


def _log_softmax_array(x: np.ndarray, axis: int) -> np.ndarray:
    r"""log softmax, computed as :math:`z - \log\sum e^{z}` with
    :math:`z = x - \max x`, so that no exponential overflows."""
    shifted = x - x.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def _check_axis(axis: Any, ndim: int) -> None:
    if axis is None:
        return
    if isinstance(axis, bool) or not isinstance(axis, numbers.Integral):
        raise TypeError(f"axis must be None or an integer, got {type(axis).__name__}")
    if not -max(ndim, 1) <= axis < max(ndim, 1):
        raise ValueError(f"axis must lie in [-{ndim}, {ndim}), got {axis}")


def _expand_reduced(
    grad: np.ndarray, shape: tuple[int, ...], axis: Any, keepdims: bool
) -> np.ndarray:
    """Spread the gradient of a sum over ``axis`` back over the summed entries."""
    if axis is not None and not keepdims:
        grad = np.expand_dims(grad, axis)
    return np.broadcast_to(grad, shape)


# --------------------------------------------------------------------------
# Reverse mode: the Tensor
# --------------------------------------------------------------------------


class Tensor:
    """A float64 array that records the operations applied to it.

    Parameters
    ----------
    data : float or array_like of real numbers
        The value; copied into a new float64 array (0-d for a number).
    requires_grad : bool
        Whether :meth:`backward` computes a gradient for this tensor.
    name : str
        A label for the computational-graph figure.

    Attributes
    ----------
    data : numpy.ndarray
        The value. Optimizers may update it in place (``w.data -= lr * w.grad``).
    grad : numpy.ndarray or None
        The gradient with respect to this tensor of the result that
        :meth:`backward` was called on, of the same shape as ``data``; None
        before any backward pass. A leaf (a tensor you made) adds up the
        gradients of successive passes until :func:`zero_grad`; an
        intermediate tensor holds the latest pass's. Assignable, as in
        PyTorch (a float array of the same shape, or None).

    Examples
    --------
    >>> w = Tensor([1.0, -2.0], name="w")
    >>> loss = (w * w).sum()
    >>> loss.backward()
    >>> w.grad
    array([ 2., -4.])
    """

    __slots__ = (
        "_backward",
        "_grad",
        "_parents",
        "data",
        "name",
        "op",
        "requires_grad",
    )
    # Make numpy hand `array + tensor` to Tensor.__radd__ instead of looping.
    __array_ufunc__ = None

    def __init__(self, data: Any, requires_grad: bool = True, name: str = "") -> None:
        if not isinstance(requires_grad, bool):
            raise TypeError(
                "requires_grad must be True or False, "
                f"got {type(requires_grad).__name__}"
            )
        if not isinstance(name, str):
            raise TypeError(f"name must be a string, got {type(name).__name__}")
        _init_node(self, _as_float_array(data, "data"), "")
        self.requires_grad = requires_grad
        self.name = name

    # -- the gradient --------------------------------------------------------

    @property
    def grad(self) -> np.ndarray | None:
        return self._grad

    @grad.setter
    def grad(self, value: Any) -> None:
        if value is None:
            self._grad = None
            return
        array = _as_float_array(value, "grad")
        if array.shape != self.data.shape:
            raise ValueError(
                f"grad must have the tensor's shape {self.data.shape}, "
                f"got shape {array.shape}"
            )
        self._grad = array

    def backward(self, gradient: Any = None) -> None:
        """Compute the gradient of this tensor with respect to every tensor
        it was computed from, and add it to their ``.grad``.

        Parameters
        ----------
        gradient : array_like, optional
            The seed: the gradient of some final scalar with respect to this
            tensor, of this tensor's shape. May be omitted only when this
            tensor holds a single number (then it is 1).

        Raises
        ------
        ValueError
            If the tensor holds more than one number and ``gradient`` is
            missing, or it has the wrong shape, or nothing requires a gradient.
        """
        for _ in backward_pass(self, gradient):
            pass

    # -- a few conveniences -------------------------------------------------

    @property
    def shape(self) -> tuple[int, ...]:
        return self.data.shape

    @property
    def ndim(self) -> int:
        return self.data.ndim

    def item(self) -> float:
        """The single number this tensor holds, as a Python float."""
        if self.data.size != 1:
            raise ValueError(
                f"item() needs a tensor holding one number, got shape {self.data.shape}"
            )
        return float(self.data.reshape(()))

    def __repr__(self) -> str:
        label = f", name={self.name!r}" if self.name else ""
        grad = "" if self._grad is None else f", grad={self._grad!r}"
        return f"Tensor({self.data!r}{label}{grad})"

    # -- arithmetic: each forward with its local derivative ------------------

    def __add__(self, other: Any) -> Tensor:
        other = _lift(other, "+")
        a, b = self.data, other.data
        try:
            data = a + b
        except ValueError:
            raise _broadcast_error("a + b", a, b) from None

        def _backward(grad: np.ndarray) -> None:  # ∂(a+b)/∂a = ∂(a+b)/∂b = 1
            if self.requires_grad:
                _accumulate(self, _unbroadcast(grad, a.shape))
            if other.requires_grad:
                _accumulate(other, _unbroadcast(grad, b.shape))

        return _result(data, "+", (self, other), _backward)

    def __mul__(self, other: Any) -> Tensor:
        other = _lift(other, "*")
        a, b = self.data, other.data
        try:
            data = a * b
        except ValueError:
            raise _broadcast_error("a * b", a, b) from None

        def _backward(grad: np.ndarray) -> None:  # ∂(ab)/∂a = b, ∂(ab)/∂b = a
            if self.requires_grad:
                _accumulate(self, _unbroadcast(grad * b, a.shape))
            if other.requires_grad:
                _accumulate(other, _unbroadcast(grad * a, b.shape))

        return _result(data, "*", (self, other), _backward)

    def __neg__(self) -> Tensor:
        def _backward(grad: np.ndarray) -> None:  # ∂(-a)/∂a = -1
            _accumulate(self, -grad)

        return _result(-self.data, "neg", (self,), _backward)

    def __sub__(self, other: Any) -> Tensor:
        other = _lift(other, "-")
        a, b = self.data, other.data
        try:
            data = a - b
        except ValueError:
            raise _broadcast_error("a - b", a, b) from None

        def _backward(grad: np.ndarray) -> None:  # ∂(a-b)/∂a = 1, ∂(a-b)/∂b = -1
            if self.requires_grad:
                _accumulate(self, _unbroadcast(grad, a.shape))
            if other.requires_grad:
                _accumulate(other, _unbroadcast(-grad, b.shape))

        return _result(data, "-", (self, other), _backward)

    def __truediv__(self, other: Any) -> Tensor:
        other = _lift(other, "/")
        a, b = self.data, other.data
        try:
            data = a / b
        except ValueError:
            raise _broadcast_error("a / b", a, b) from None

        def _backward(grad: np.ndarray) -> None:  # ∂(a/b)/∂a = 1/b, ∂/∂b = -a/b²
            if self.requires_grad:
                _accumulate(self, _unbroadcast(grad / b, a.shape))
            if other.requires_grad:
                _accumulate(other, _unbroadcast(-grad * data / b, b.shape))

        return _result(data, "/", (self, other), _backward)

    def __pow__(self, exponent: Any) -> Tensor:
        return _power(self, _lift(exponent, "**"))

    def __matmul__(self, other: Any) -> Tensor:
        other = _lift(other, "@")
        a, b = self.data, other.data
        if not (1 <= a.ndim <= 2 and 1 <= b.ndim <= 2):
            raise ValueError(
                f"a @ b needs 1-D or 2-D tensors, got shapes {a.shape} and {b.shape}"
            )
        if a.shape[-1] != b.shape[0]:
            raise ValueError(
                f"cannot compute a @ b: a has shape {a.shape} and b has shape "
                f"{b.shape}; the last axis of a ({a.shape[-1]}) must equal the "
                f"first axis of b ({b.shape[0]})"
            )

        def _backward(grad: np.ndarray) -> None:
            # For matrices, ∂L/∂a = ∂L/∂out · bᵀ and ∂L/∂b = aᵀ · ∂L/∂out;
            # a vector operand turns the matrix product into an outer one.
            if self.requires_grad:
                if b.ndim == 2:
                    _accumulate(self, grad @ b.T)
                else:
                    _accumulate(self, np.outer(grad, b) if a.ndim == 2 else grad * b)
            if other.requires_grad:
                if a.ndim == 2:
                    _accumulate(other, a.T @ grad)
                else:
                    _accumulate(other, np.outer(a, grad) if b.ndim == 2 else grad * a)

        return _result(a @ b, "@", (self, other), _backward)

    # A number on the left: 2 * x calls x.__rmul__(2), and so on.
    def __radd__(self, other: Any) -> Tensor:
        return _lift(other, "+") + self

    def __rsub__(self, other: Any) -> Tensor:
        return _lift(other, "-") - self

    def __rmul__(self, other: Any) -> Tensor:
        return _lift(other, "*") * self

    def __rtruediv__(self, other: Any) -> Tensor:
        return _lift(other, "/") / self

    def __rpow__(self, base: Any) -> Tensor:
        return _power(_lift(base, "**"), self)

    def __rmatmul__(self, other: Any) -> Tensor:
        return _lift(other, "@") @ self

    # -- elementwise functions -------------------------------------------------

    def exp(self) -> Tensor:
        """:math:`e^x`, whose derivative is itself."""
        data = np.exp(self.data)

        def _backward(grad: np.ndarray) -> None:
            _accumulate(self, grad * data)

        return _result(data, "exp", (self,), _backward)

    def log(self) -> Tensor:
        """Natural logarithm, derivative :math:`1/x`; ValueError unless x > 0."""
        x = self.data
        _check_log_domain(x)

        def _backward(grad: np.ndarray) -> None:
            _accumulate(self, grad / x)

        return _result(np.log(x), "log", (self,), _backward)

    def tanh(self) -> Tensor:
        r""":math:`\tanh x`, derivative :math:`1 - \tanh^2 x`."""
        data = np.tanh(self.data)

        def _backward(grad: np.ndarray) -> None:
            _accumulate(self, grad * (1.0 - data * data))

        return _result(data, "tanh", (self,), _backward)

    def sigmoid(self) -> Tensor:
        r""":math:`\sigma(x) = 1/(1 + e^{-x})`, derivative :math:`\sigma(1-\sigma)`.

        Computed without overflow for any finite x.
        """
        data = _sigmoid_array(self.data)

        def _backward(grad: np.ndarray) -> None:
            _accumulate(self, grad * data * (1.0 - data))

        return _result(data, "sigmoid", (self,), _backward)

    def relu(self) -> Tensor:
        """max(x, 0), derivative 1 where x > 0 and 0 elsewhere (0 at x = 0,
        as in PyTorch)."""
        x = self.data

        def _backward(grad: np.ndarray) -> None:
            _accumulate(self, grad * (x > 0))

        return _result(np.maximum(x, 0.0), "relu", (self,), _backward)

    # -- reductions ------------------------------------------------------------

    def sum(self, axis: int | tuple[int, ...] | None = None, keepdims: bool = False):
        """Sum over ``axis`` (all entries by default); every entry gets the
        gradient of the sum, since ∂(Σ xᵢ)/∂xᵢ = 1."""
        shape = self.data.shape

        def _backward(grad: np.ndarray) -> None:
            _accumulate(self, _expand_reduced(grad, shape, axis, keepdims))

        return _result(
            self.data.sum(axis=axis, keepdims=keepdims), "sum", (self,), _backward
        )

    def mean(self, axis: int | tuple[int, ...] | None = None, keepdims: bool = False):
        """Mean over ``axis`` (all entries by default); each of the n averaged
        entries gets 1/n of the gradient."""
        shape = self.data.shape
        data = self.data.mean(axis=axis, keepdims=keepdims)
        count = self.data.size // max(data.size, 1)

        def _backward(grad: np.ndarray) -> None:
            _accumulate(self, _expand_reduced(grad / count, shape, axis, keepdims))

        return _result(data, "mean", (self,), _backward)

    def max(self, axis: int | None = None, keepdims: bool = False) -> Tensor:
        """Largest entry over ``axis`` (all entries by default).

        The gradient goes to the entry that attains the maximum. With ties it
        goes to the *first* such entry (numpy's ``argmax``), all of it: a valid
        subgradient, and the sum of gradients is kept.
        """
        _check_axis(axis, self.data.ndim)
        x = self.data

        def _backward(grad: np.ndarray) -> None:
            local = np.zeros_like(x)
            if axis is None:
                local.flat[np.argmax(x)] = grad.item()
            else:
                first = np.expand_dims(np.argmax(x, axis=axis), axis)
                spread = grad if keepdims else np.expand_dims(grad, axis)
                np.put_along_axis(local, first, spread, axis)
            _accumulate(self, local)

        return _result(x.max(axis=axis, keepdims=keepdims), "max", (self,), _backward)

    # -- shapes and indexing ---------------------------------------------------

    def reshape(self, *shape: Any) -> Tensor:
        """The same entries in a new shape: ``x.reshape(2, 3)`` or
        ``x.reshape((2, 3))``; the gradient is reshaped back."""
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = tuple(shape[0])
        original = self.data.shape
        try:
            data = self.data.reshape(shape)
        except (TypeError, ValueError) as exc:
            raise ValueError(
                f"cannot reshape a tensor of shape {original} to {shape}: {exc}"
            ) from None

        def _backward(grad: np.ndarray) -> None:
            _accumulate(self, grad.reshape(original))

        return _result(data, "reshape", (self,), _backward)

    @property
    def T(self) -> Tensor:
        """The transpose (axes reversed); its gradient is transposed back."""

        def _backward(grad: np.ndarray) -> None:
            _accumulate(self, grad.T)

        return _result(self.data.T, "T", (self,), _backward)

    def __getitem__(self, index: Any) -> Tensor:
        """Entries ``x[i]``, slices ``x[1:3]``, integer arrays ``x[[0, 0, 2]]``."""
        if isinstance(index, (Tensor, Dual)):
            raise TypeError(
                "index must be an integer, a slice or an integer array, "
                f"not a {type(index).__name__} (use its .data)"
            )
        x = self.data
        data = x[index]

        def _backward(grad: np.ndarray) -> None:
            local = np.zeros_like(x)
            # add.at, not local[index] += grad: an entry picked twice by an
            # integer array must collect both gradients.
            np.add.at(local, index, grad)
            _accumulate(self, local)

        return _result(data, "index", (self,), _backward)

    def log_softmax(self, axis: int = -1) -> Tensor:
        r"""Log-probabilities :math:`x_i - \log\sum_j e^{x_j}` along ``axis``.

        The derivative: :math:`\partial L/\partial x = g - \mathrm{softmax}(x)
        \sum_j g_j`, with g the incoming gradient.
        """
        _check_axis(axis, self.data.ndim)
        data = _log_softmax_array(self.data, axis)

        def _backward(grad: np.ndarray) -> None:
            total = grad.sum(axis=axis, keepdims=True)
            _accumulate(self, grad - np.exp(data) * total)

        return _result(data, "log_softmax", (self,), _backward)


def _power(base: Tensor, exponent: Tensor) -> Tensor:
    r"""``base ** exponent`` with

    .. math:: \partial(a^b)/\partial a = b\,a^{b-1}, \qquad
              \partial(a^b)/\partial b = a^b \log a.
    """
    a, b = base.data, exponent.data
    _check_power_domain(a, b, exponent.requires_grad)
    try:
        data = a**b
    except ValueError:
        raise _broadcast_error("a ** b", a, b) from None

    def _backward(grad: np.ndarray) -> None:
        if base.requires_grad:
            # b·a^(b-1) is 0 for b = 0 even at a = 0 (where 0·0^(-1) is nan).
            with np.errstate(divide="ignore", invalid="ignore"):
                local = np.where(b == 0, 0.0, b * a ** (b - 1.0))
            _accumulate(base, _unbroadcast(grad * local, a.shape))
        if exponent.requires_grad:
            _accumulate(exponent, _unbroadcast(grad * data * np.log(a), b.shape))

    return _result(data, "**", (base, exponent), _backward)


def cross_entropy(logits: Tensor, targets: Any) -> Tensor:
    r"""Mean cross-entropy of class scores against integer class labels.

    .. math::

        L = -\frac1n \sum_{i=1}^n \log \mathrm{softmax}(z_i)_{y_i},
        \qquad
        \frac{\partial L}{\partial z_{ij}} = \frac1n\bigl(\mathrm{softmax}(z_i)_j
        - [j = y_i]\bigr).

    One node in the graph (log-softmax, picking and averaging fused), so that
    a training step stays cheap; the tests check it against the composition
    of :meth:`Tensor.log_softmax`, indexing and :meth:`Tensor.mean`.

    Parameters
    ----------
    logits : Tensor, shape (n, classes)
        Unnormalised scores, one row per example.
    targets : array_like of int, shape (n,)
        The class of each example, in ``range(classes)``.

    Returns
    -------
    Tensor
        A 0-d tensor, the loss.

    Examples
    --------
    >>> z = Tensor([[0.0, 0.0], [0.0, 0.0]])
    >>> loss = cross_entropy(z, [0, 1])
    >>> round(float(loss.data), 6)     # log 2: both classes equally likely
    0.693147
    """
    if not isinstance(logits, Tensor):
        logits = _constant(_as_float_array(logits, "logits"))
    z = logits.data
    if z.ndim != 2 or z.shape[0] == 0:
        raise ValueError(
            f"logits must have shape (n, classes) with n ≥ 1, got shape {z.shape}"
        )
    labels = _class_labels(targets, z.shape)
    rows = np.arange(z.shape[0])
    log_probs = _log_softmax_array(z, axis=1)

    def _backward(grad: np.ndarray) -> None:
        local = np.exp(log_probs)
        local[rows, labels] -= 1.0
        _accumulate(logits, local * (grad / z.shape[0]))

    loss = -log_probs[rows, labels].mean()
    return _result(loss, "cross_entropy", (logits,), _backward)


def _class_labels(targets: Any, logits_shape: tuple[int, int]) -> np.ndarray:
    if isinstance(targets, (Tensor, Dual, str)):
        raise TypeError(
            "targets must be an array of integer class labels, "
            f"got {type(targets).__name__}"
        )
    labels = np.asarray(targets)
    if labels.dtype == bool or labels.dtype.kind not in "iu":
        raise TypeError(
            f"targets must be integer class labels, got dtype {labels.dtype}"
        )
    n, classes = logits_shape
    if labels.shape != (n,):
        raise ValueError(
            f"targets must have shape ({n},), one label per row of logits, "
            f"got shape {labels.shape}"
        )
    lowest, highest = labels.min(), labels.max()
    if lowest < 0 or highest >= classes:
        raise ValueError(
            f"targets must lie in range({classes}), got values from "
            f"{lowest} to {highest}"
        )
    return labels


# --------------------------------------------------------------------------
# The backward pass
# --------------------------------------------------------------------------


def topological_order(root: Tensor) -> list[Tensor]:
    """Every tensor ``root`` was computed from, each after its parents.

    Depth-first search with an explicit stack instead of recursion, so the
    depth of the graph is not limited by Python's recursion limit.

    Parameters
    ----------
    root : Tensor

    Returns
    -------
    list of Tensor
        Inputs first, ``root`` last.
    """
    if not isinstance(root, Tensor):
        raise TypeError(f"root must be a Tensor, got {type(root).__name__}")
    order: list[Tensor] = []
    seen = {root}
    # Each entry: a node and whether its parents have been pushed already.
    stack = [(root, False)]
    while stack:
        node, parents_done = stack.pop()
        if parents_done:
            order.append(node)  # all its parents are in `order` by now
            continue
        stack.append((node, True))
        for parent in node._parents:
            if parent not in seen:
                seen.add(parent)
                stack.append((parent, False))
    return order


def backward_pass(root: Tensor, gradient: Any = None) -> Iterator[Tensor]:
    """Run the backward pass from ``root``, one node at a time.

    :meth:`Tensor.backward` runs it to the end; iterating over it yourself
    shows the pass step by step.

    Parameters
    ----------
    root : Tensor
        The result to differentiate.
    gradient : array_like, optional
        The seed, of ``root``'s shape; omitted, it is 1 (``root`` must then
        hold a single number).

    Yields
    ------
    Tensor
        Each node in reverse topological order, just after it has passed
        its gradient on to its parents.
    """
    order = topological_order(root)
    if not root.requires_grad:
        raise ValueError(
            "backward(): this tensor does not depend on any tensor that requires "
            "a gradient (numbers and arrays in an expression are constants)"
        )
    if gradient is None:
        if root.data.size != 1:
            raise ValueError(
                f"backward() on a tensor of shape {root.data.shape} needs "
                "gradient=..., the gradient of the final scalar with respect to "
                "this tensor (only a single number has the implicit seed 1)"
            )
        seed = np.ones_like(root.data)
    else:
        seed = _as_float_array(gradient, "gradient")
        if seed.shape != root.data.shape:
            raise ValueError(
                f"gradient must have the tensor's shape {root.data.shape}, "
                f"got shape {seed.shape}"
            )
    for node in order:  # intermediate gradients are per pass
        if node._backward is not None:
            node._grad = None
    _accumulate(root, seed)
    for node in reversed(order):
        if node._backward is not None and node._grad is not None:
            node._backward(node._grad)
        yield node


def zero_grad(parameters: Any) -> None:
    """Clear the gradients of ``parameters`` before the next backward pass.

    Gradients accumulate: without this, a second ``loss.backward()`` adds its
    gradients to those of the first. The gradients are set to None (as
    PyTorch's ``zero_grad(set_to_none=True)``), so the next pass stores fresh
    arrays instead of adding to zeros.

    Parameters
    ----------
    parameters : iterable of Tensor
    """
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    for index, parameter in enumerate(parameters):
        if not isinstance(parameter, Tensor):
            raise TypeError(
                f"parameters must hold Tensors, item {index} is a "
                f"{type(parameter).__name__}"
            )
        parameter.grad = None


# --------------------------------------------------------------------------
# Forward mode: dual numbers
# --------------------------------------------------------------------------


class Dual:
    r"""A dual number :math:`a + a'\varepsilon` with :math:`\varepsilon^2 = 0`.

    Arithmetic on dual numbers carries the derivative along:
    :math:`f(a + a'\varepsilon) = f(a) + f'(a)\,a'\,\varepsilon`. Seed the
    input's tangent with a direction and every result's tangent is its
    directional derivative (forward mode).

    Supports ``+ - * / ** @``, unary minus, :meth:`exp`, :meth:`log`,
    :meth:`tanh`, :meth:`sigmoid`, :meth:`relu`, :meth:`sum`, :meth:`mean`,
    :meth:`reshape`, ``.T`` and indexing: what the course's forward-mode
    examples need (not ``max`` or ``log_softmax``).

    Parameters
    ----------
    value : float or array_like
    tangent : float or array_like
        The derivative of ``value`` along the chosen direction; broadcast to
        ``value``'s shape (0 by default: a constant).

    Examples
    --------
    >>> x = Dual(2.0, 1.0)         # seed dx/dx = 1
    >>> y = x * x + 3 * x
    >>> float(y.value), float(y.tangent)
    (10.0, 7.0)
    """

    __slots__ = ("tangent", "value")
    __array_ufunc__ = None

    def __init__(self, value: Any, tangent: Any = 0.0) -> None:
        self.value = _as_float_array(value, "value")
        direction = _as_float_array(tangent, "tangent")
        try:
            self.tangent = np.broadcast_to(direction, self.value.shape).copy()
        except ValueError:
            raise ValueError(
                f"tangent must have the shape of value {self.value.shape} (or "
                f"broadcast to it), got shape {direction.shape}"
            ) from None

    def __repr__(self) -> str:
        return f"Dual({self.value!r}, tangent={self.tangent!r})"

    @property
    def shape(self) -> tuple[int, ...]:
        return self.value.shape

    def __add__(self, other: Any) -> Dual:
        other = _lift_dual(other, "+")
        try:
            return _dual(self.value + other.value, self.tangent + other.tangent)
        except ValueError:
            raise _broadcast_error("a + b", self.value, other.value) from None

    def __sub__(self, other: Any) -> Dual:
        other = _lift_dual(other, "-")
        try:
            return _dual(self.value - other.value, self.tangent - other.tangent)
        except ValueError:
            raise _broadcast_error("a - b", self.value, other.value) from None

    def __mul__(self, other: Any) -> Dual:
        other = _lift_dual(other, "*")
        a, b = self, other
        try:
            return _dual(a.value * b.value, a.tangent * b.value + a.value * b.tangent)
        except ValueError:
            raise _broadcast_error("a * b", a.value, b.value) from None

    def __truediv__(self, other: Any) -> Dual:
        other = _lift_dual(other, "/")
        a, b = self, other
        try:
            value = a.value / b.value
            return _dual(value, (a.tangent - value * b.tangent) / b.value)
        except ValueError:
            raise _broadcast_error("a / b", a.value, b.value) from None

    def __pow__(self, exponent: Any) -> Dual:
        return _dual_power(self, _lift_dual(exponent, "**"))

    def __matmul__(self, other: Any) -> Dual:
        other = _lift_dual(other, "@")
        a, b = self, other
        try:
            return _dual(a.value @ b.value, a.tangent @ b.value + a.value @ b.tangent)
        except ValueError:
            raise ValueError(
                f"cannot compute a @ b for shapes {a.value.shape} and "
                f"{b.value.shape}: the last axis of a must equal the first of b"
            ) from None

    def __neg__(self) -> Dual:
        return _dual(-self.value, -self.tangent)

    def __radd__(self, other: Any) -> Dual:
        return _lift_dual(other, "+") + self

    def __rsub__(self, other: Any) -> Dual:
        return _lift_dual(other, "-") - self

    def __rmul__(self, other: Any) -> Dual:
        return _lift_dual(other, "*") * self

    def __rtruediv__(self, other: Any) -> Dual:
        return _lift_dual(other, "/") / self

    def __rpow__(self, base: Any) -> Dual:
        return _dual_power(_lift_dual(base, "**"), self)

    def __rmatmul__(self, other: Any) -> Dual:
        return _lift_dual(other, "@") @ self

    def exp(self) -> Dual:
        value = np.exp(self.value)
        return _dual(value, value * self.tangent)

    def log(self) -> Dual:
        _check_log_domain(self.value)
        return _dual(np.log(self.value), self.tangent / self.value)

    def tanh(self) -> Dual:
        value = np.tanh(self.value)
        return _dual(value, (1.0 - value * value) * self.tangent)

    def sigmoid(self) -> Dual:
        value = _sigmoid_array(self.value)
        return _dual(value, value * (1.0 - value) * self.tangent)

    def relu(self) -> Dual:
        return _dual(np.maximum(self.value, 0.0), (self.value > 0) * self.tangent)

    def sum(self, axis: int | tuple[int, ...] | None = None, keepdims: bool = False):
        return _dual(
            self.value.sum(axis=axis, keepdims=keepdims),
            self.tangent.sum(axis=axis, keepdims=keepdims),
        )

    def mean(self, axis: int | tuple[int, ...] | None = None, keepdims: bool = False):
        return _dual(
            self.value.mean(axis=axis, keepdims=keepdims),
            self.tangent.mean(axis=axis, keepdims=keepdims),
        )

    def reshape(self, *shape: Any) -> Dual:
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = tuple(shape[0])
        return _dual(self.value.reshape(shape), self.tangent.reshape(shape))

    @property
    def T(self) -> Dual:
        return _dual(self.value.T, self.tangent.T)

    def __getitem__(self, index: Any) -> Dual:
        return _dual(self.value[index], self.tangent[index])


def _dual(value: np.ndarray, tangent: np.ndarray) -> Dual:
    """A Dual from arrays already checked (no copies, no validation)."""
    out = Dual.__new__(Dual)
    out.value = np.asarray(value)
    out.tangent = np.asarray(tangent)
    return out


def _lift_dual(value: Any, operation: str) -> Dual:
    if type(value) is Dual:
        return value
    if isinstance(value, Tensor):
        raise TypeError(
            f"cannot combine a Dual and a Tensor in {operation}: "
            "use one mode (forward or reverse) per computation"
        )
    constant = _as_float_array(value, f"the other operand of {operation}")
    return _dual(constant, np.zeros_like(constant))


def _dual_power(base: Dual, exponent: Dual) -> Dual:
    r""":math:`(a^b)' = b\,a^{b-1} a' + a^b \log(a)\, b'`."""
    a, b = base.value, exponent.value
    exponent_varies = bool(np.any(exponent.tangent))
    _check_power_domain(a, b, exponent_varies)
    value = a**b
    with np.errstate(divide="ignore", invalid="ignore"):
        tangent = np.where(b == 0, 0.0, b * a ** (b - 1.0)) * base.tangent
    if exponent_varies:
        tangent = tangent + value * np.log(a) * exponent.tangent
    return _dual(value, tangent)


# --------------------------------------------------------------------------
# One function, both modes
# --------------------------------------------------------------------------


# A function written with these (instead of numpy's) runs on plain numbers,
# records a graph on Tensors (reverse mode) and carries tangents on Duals
# (forward mode): each asks its argument for the method of the same name.


def _is_differentiable(x: Any) -> bool:
    return isinstance(x, (Tensor, Dual))


def exp(x: Any) -> Any:
    """:math:`e^x` of a Tensor, a Dual or plain numbers."""
    return x.exp() if _is_differentiable(x) else np.exp(_as_float_array(x, "x"))


def log(x: Any) -> Any:
    """Natural logarithm of a Tensor, a Dual or plain numbers (all > 0)."""
    if _is_differentiable(x):
        return x.log()
    x = _as_float_array(x, "x")
    _check_log_domain(x)
    return np.log(x)


def tanh(x: Any) -> Any:
    r""":math:`\tanh x` of a Tensor, a Dual or plain numbers."""
    return x.tanh() if _is_differentiable(x) else np.tanh(_as_float_array(x, "x"))


def sigmoid(x: Any) -> Any:
    """:math:`1/(1 + e^{-x})` of a Tensor, a Dual or plain numbers (stable)."""
    if _is_differentiable(x):
        return x.sigmoid()
    return _sigmoid_array(_as_float_array(x, "x"))


def relu(x: Any) -> Any:
    r""":math:`\max(x, 0)` of a Tensor, a Dual or plain numbers."""
    if _is_differentiable(x):
        return x.relu()
    return np.maximum(_as_float_array(x, "x"), 0.0)


def forward_mode_gradient(function: Callable, x: Any) -> np.ndarray:
    """Gradient of a scalar ``function`` at ``x`` by forward mode.

    One forward pass per input entry, each seeding the tangent with a unit
    vector: n passes for n inputs.

    Parameters
    ----------
    function : callable
        Maps an array-like of the shape of ``x`` (a Dual here) to one number.
    x : float or array_like

    Returns
    -------
    numpy.ndarray
        The gradient, of ``x``'s shape.

    Examples
    --------
    >>> forward_mode_gradient(lambda v: (v * v).sum(), [1.0, 2.0])
    array([2., 4.])
    """
    point = _as_float_array(x, "x")
    gradient = np.empty_like(point)
    for i in range(point.size):
        direction = np.zeros_like(point)
        direction.flat[i] = 1.0
        result = _scalar_result(function(Dual(point, direction)), Dual)
        gradient.flat[i] = result.tangent
    return gradient


def reverse_mode_gradient(function: Callable, x: Any) -> np.ndarray:
    """Gradient of a scalar ``function`` at ``x`` by reverse mode: one
    forward pass that records the graph and one backward pass.

    Parameters
    ----------
    function : callable
        Maps an array-like of the shape of ``x`` (a Tensor here) to one number.
    x : float or array_like

    Returns
    -------
    numpy.ndarray
        The gradient, of ``x``'s shape.

    Examples
    --------
    >>> reverse_mode_gradient(lambda v: (v * v).sum(), [1.0, 2.0])
    array([2., 4.])
    """
    point = Tensor(x)
    _scalar_result(function(point), Tensor).backward()
    return point.grad if point.grad is not None else np.zeros_like(point.data)


def _scalar_result(result: Any, kind: type) -> Any:
    if not isinstance(result, kind):
        raise TypeError(
            f"function must return a {kind.__name__} computed from its argument "
            f"(use calclearn.autodiff.exp etc.), got {type(result).__name__}"
        )
    size = result.value.size if kind is Dual else result.data.size
    if size != 1:
        raise ValueError(
            f"function must return a single number, got shape {result.shape}"
        )
    return result


# --------------------------------------------------------------------------
# Second derivatives: Hessian-vector products, forward over reverse
# --------------------------------------------------------------------------

# The size h of the complex step in :func:`hvp`. Any h with h² far below the
# rounding of the numbers involved makes complex arithmetic on a + i·h·a' the
# arithmetic of dual numbers: the h² terms, about 1e-300 times a product of
# tangents, vanish against float64 rounding, and nothing is ever subtracted
# from the tangent, so there is no truncation or cancellation error (unlike a
# finite difference). 1e-150 keeps the tangents h·a' far above the subnormal
# range (1e-308) for tangents of any sensible size.
_COMPLEX_STEP = 1e-150


def _vector_point(x: Any, name: str) -> np.ndarray:
    """``x`` as a finite float64 vector of shape (n,), n ≥ 1, or a clear error."""
    point = _as_float_array(x, name)
    if point.ndim != 1 or point.size == 0:
        raise ValueError(
            f"{name} must be a vector of shape (n,) with n ≥ 1, got shape {point.shape}"
        )
    return point


def _complex_leaf(data: np.ndarray) -> Tensor:
    """An input Tensor holding complex numbers (Tensor() accepts real ones only)."""
    leaf = Tensor.__new__(Tensor)
    _init_node(leaf, data, "")
    return leaf


def _check_domain(f: Callable, point: np.ndarray) -> None:
    """Differentiate ``f`` once on real numbers: log(0), 0⁻¹ and kinks raise.

    On complex numbers the engine's domain checks compare lexicographically:
    log(0 + i·h) would pass them and return a finite, meaningless number.
    """
    if not callable(f):
        raise TypeError(f"f must be a function of a Tensor, got {type(f).__name__}")
    if not np.all(np.isfinite(_gradient_at(f, Tensor(point)))):
        raise ValueError(
            f"f is not differentiable at x = {point.tolist()}: "
            "its gradient there is not finite"
        )


def _single_number(result: Any) -> Tensor:
    """What ``f`` returned, if it is a Tensor holding one number."""
    if not isinstance(result, Tensor):
        raise TypeError(
            "f must return a Tensor computed from its argument with the engine's "
            f"operators and functions (calclearn.autodiff.exp etc.), got "
            f"{type(result).__name__}"
        )
    if result.data.size != 1:
        raise ValueError(f"f must return a single number, got shape {result.shape}")
    return result


def _gradient_at(f: Callable, leaf: Tensor) -> np.ndarray:
    """The gradient of ``f`` at ``leaf``, leaving other tensors' .grad alone."""
    result = _single_number(f(leaf))
    if not result.requires_grad:  # f does not depend on x
        return np.zeros_like(leaf.data)
    # Other tensors f closes over (a model's weights) would receive gradients
    # too (complex ones in the complex step): keep their .grad as it was.
    others = [
        node
        for node in topological_order(result)
        if node._backward is None and node.requires_grad and node is not leaf
    ]
    saved = [node._grad for node in others]
    try:
        # inf and nan at a kink are reported by the caller, not warned about
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            result.backward()
    finally:
        for node, grad in zip(others, saved, strict=True):
            node._grad = grad
    return leaf._grad if leaf._grad is not None else np.zeros_like(leaf.data)


def _directional_gradient(
    f: Callable, point: np.ndarray, direction: np.ndarray
) -> np.ndarray:
    r""":math:`H(x)\,u` for a unit vector ``u``: the reverse pass on x + i·h·u."""
    leaf = _complex_leaf(point + (1j * _COMPLEX_STEP) * direction)
    product = _gradient_at(f, leaf).imag / _COMPLEX_STEP
    if not np.all(np.isfinite(product)):
        raise ValueError(
            f"f is not twice differentiable at x = {point.tolist()}: "
            "its Hessian there is not finite"
        )
    return product


def hvp(f: Callable, x: Any, v: Any) -> np.ndarray:
    r"""The Hessian-vector product :math:`\nabla^2 f(x)\, v`, without the Hessian.

    .. math::

        \nabla^2 f(x)\, v = \frac{d}{dt}\, \nabla f(x + t v) \Big|_{t=0}

    The product is the derivative of the gradient along :math:`v`: forward
    mode (a directional derivative) over reverse mode (the gradient), at the
    cost of a few gradients (one real pass that checks the domain, one
    complex one), whatever the number n of parameters, and with O(n) memory
    where the Hessian needs :math:`n^2`.

    **Which way round, and why.** Reverse over reverse would differentiate
    the backward pass itself, but this engine's backward rules compute with
    plain numpy arrays and build no graph, so it is not available. Forward
    over reverse only needs the backward pass to run on numbers that carry a
    tangent. :class:`Dual` numbers are the textbook carrier, but the backward
    rules call numpy functions, which do not accept Duals; they do accept
    complex numbers, and :math:`a + i h a'` with :math:`h = 10^{-150}` *is* a
    dual number for every operation of the engine: the :math:`h^2` terms drop
    below float64 rounding and nothing is subtracted from the tangent (the
    *complex step*), so the imaginary part of the gradient at
    :math:`x + i h v` is exactly :math:`h\, \nabla^2 f(x)\, v` up to rounding,
    with no step-size error, unlike a finite difference of gradients.

    Parameters
    ----------
    f : callable
        Maps a :class:`Tensor` of shape (n,) to a single-number Tensor,
        written with the engine's operators, indexing and functions
        (:func:`exp`, :func:`log`, :func:`tanh`, ...), not numpy's.
    x : array_like, shape (n,)
        The point.
    v : array_like, shape (n,)
        The direction.

    Returns
    -------
    numpy.ndarray, shape (n,)

    Raises
    ------
    TypeError, ValueError
        Naming the argument: ``x`` or ``v`` not a finite real vector, of
        different lengths; ``f`` not returning one number computed from
        its argument, or not twice differentiable at ``x``.

    Examples
    --------
    >>> f = lambda p: p[0] * p[0] * p[1] + exp(p[1])    # H = [[2y, 2x], [2x, e^y]]
    >>> hvp(f, [1.0, 0.0], [1.0, 0.0])
    array([0., 2.])
    """
    point = _vector_point(x, "x")
    direction = _vector_point(v, "v")
    if direction.shape != point.shape:
        raise ValueError(
            f"v must have the shape of x {point.shape}, got shape {direction.shape}"
        )
    _check_domain(f, point)
    # H v is linear in v: differentiate along the unit vector and scale back,
    # so the tangent's size stays far from overflow and underflow.
    length = float(np.linalg.norm(direction))
    if length == 0:
        return np.zeros_like(point)
    return length * _directional_gradient(f, point, direction / length)


def hessian(f: Callable, x: Any) -> np.ndarray:
    r"""The Hessian :math:`\nabla^2 f(x)` by automatic differentiation.

    .. math:: H_{ij} = \frac{\partial^2 f}{\partial x_i\, \partial x_j},
              \qquad H e_j = \text{column } j

    Column j is the Hessian-vector product with the j-th unit vector
    (:func:`hvp`, forward over reverse): n products for n parameters. The
    columns are exact to rounding, so H is symmetric to a few ulps; it is
    returned as :math:`(H + H^\top)/2`, exactly symmetric.

    Parameters
    ----------
    f : callable
        Maps a :class:`Tensor` of shape (n,) to a single-number Tensor,
        written with the engine's operators and functions.
    x : array_like, shape (n,)
        The point.

    Returns
    -------
    numpy.ndarray, shape (n, n)

    Raises
    ------
    TypeError, ValueError
        As :func:`hvp`.

    Examples
    --------
    >>> f = lambda p: p[0] * p[0] * p[1] + exp(p[1])    # H = [[2y, 2x], [2x, e^y]]
    >>> hessian(f, [1.0, 0.0])
    array([[0., 2.],
           [2., 1.]])
    """
    point = _vector_point(x, "x")
    _check_domain(f, point)
    columns = [_directional_gradient(f, point, unit) for unit in np.eye(point.size)]
    matrix = np.column_stack(columns)
    return 0.5 * (matrix + matrix.T)
