r"""PyTorch's optimizers, step for step: SGD, Adagrad, RMSprop, Adam and AdamW.

What a learner writes here carries over to ``torch.optim`` unchanged: the
class names, argument names, defaults and update rules are PyTorch's (2.x),
down to the order of the floating-point operations, so the two agree to
rounding (the tests run each against its ``torch.optim`` twin when PyTorch is
installed)::

    params = [w, b]                                  # calclearn.autodiff.Tensor
    opt = Adam(params, lr=1e-2)
    for _ in range(100):
        opt.zero_grad()
        loss = model(x).mean()
        loss.backward()
        opt.step()

Each class's docstring gives its update in LaTeX, with :math:`g_t` the
gradient, :math:`\theta` the parameter, :math:`\gamma` the learning rate and
:math:`\lambda` the weight decay, and says where PyTorch differs from the
textbook form.

Differences from ``torch.optim`` (all on the side of clearer errors):

- ``eps`` must be positive (PyTorch accepts 0, which divides by zero where a
  gradient is 0); betas, ``alpha`` (RMSprop) and ``momentum`` must lie in
  :math:`[0, 1)` (PyTorch accepts any ``momentum >= 0`` and ``alpha >= 0``,
  although :math:`\mu \ge 1` never converges and :math:`\alpha \ge 1` never
  learns the second moment); ``dampening`` in :math:`[0, 1]`.
- The GPU and compiler options (``foreach``, ``fused``, ``capturable``,
  ``differentiable``) do not exist: there is one implementation, PyTorch's
  single-tensor one. ``maximize`` does.
- ``state[p]["step"]`` is an int, not a tensor.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Iterable
from typing import Any, ClassVar

import numpy as np

from calclearn.autodiff import Tensor

Hyperparameter = Any  # a float, or (in a sweep) an array broadcasting over the grid


# -- hyperparameter checks -----------------------------------------------------
# They take a number, or an array of numbers (one per cell of a sweep), so that
# a class and calclearn.optim.sweep check their arguments with the same rules.


def _real(value: Any, name: str) -> float | np.ndarray:
    """``value`` as a finite float, or a finite float64 array for a grid axis."""
    if isinstance(value, np.ndarray):
        if value.dtype == bool or value.dtype.kind not in "iuf":
            raise TypeError(
                f"{name} must hold real numbers, got an array of dtype {value.dtype}"
            )
        array = value.astype(np.float64)
        if not np.all(np.isfinite(array)):
            raise ValueError(f"{name} must be finite, got {value.tolist()}")
        return array
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    number = float(value)
    if not np.isfinite(number):
        raise ValueError(f"{name} must be finite, got {number}")
    return number


def _within(
    value: Any, name: str, accept: Callable[[np.ndarray], np.ndarray], expected: str
) -> float | np.ndarray:
    """``value`` checked by ``accept``, else ``ValueError`` naming ``name``."""
    number = _real(value, name)
    if isinstance(number, float):  # the common case, without numpy's overhead
        if not accept(number):
            raise ValueError(f"{name} must be {expected}, got {number!r}")
        return number
    bad = ~accept(np.asarray(number))
    if np.any(bad):
        offender = np.asarray(number)[bad].flat[0]
        raise ValueError(f"{name} must be {expected}, got {float(offender)!r}")
    return number


def _nonnegative(value: Any, name: str) -> float | np.ndarray:
    return _within(value, name, lambda v: v >= 0, "non-negative (>= 0)")


def _positive(value: Any, name: str) -> float | np.ndarray:
    return _within(value, name, lambda v: v > 0, "positive (> 0)")


def _fraction(value: Any, name: str) -> float | np.ndarray:
    return _within(value, name, lambda v: (v >= 0) & (v < 1), "in [0, 1)")


def _flag(value: Any, name: str) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {type(value).__name__}")
    return bool(value)


def _betas(value: Any) -> tuple[float | np.ndarray, float | np.ndarray]:
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise TypeError(f"betas must be a pair (beta1, beta2), got {value!r}")
    return _fraction(value[0], "betas[0]"), _fraction(value[1], "betas[1]")


def _any_nonzero(value: Hyperparameter) -> bool:
    """Whether a hyperparameter (or any cell of a swept one) is not 0."""
    return value != 0 if isinstance(value, float) else bool(np.any(value != 0))


def _zeros(state: dict, key: str, like: np.ndarray) -> np.ndarray:
    """``state[key]``, or zeros of ``like``'s shape on the first step."""
    value = state.get(key)
    return np.zeros_like(like) if value is None else value


def _lerp(start: np.ndarray, end: np.ndarray, weight: Hyperparameter) -> np.ndarray:
    """``start + weight (end - start)`` rounded as ``torch.lerp`` rounds it.

    PyTorch's CPU kernel switches formula at weight 0.5, so that the result
    is exact at both ends; the two agree up to rounding.
    """
    low = start + weight * (end - start)
    if (isinstance(weight, float) and weight < 0.5) or np.all(weight < 0.5):
        return low
    high = end - (end - start) * (1 - weight)
    return np.where(np.asarray(weight) < 0.5, low, high)


# -- the base class ------------------------------------------------------------


class Optimizer:
    """What every optimizer shares: parameter groups, state, ``zero_grad``.

    Parameters
    ----------
    params : iterable of Tensor, or iterable of dict
        The tensors to optimize, or, as in PyTorch, parameter groups: dicts
        with a ``"params"`` list and any hyperparameters that differ from the
        defaults for that group (say, no weight decay on biases).
    defaults : dict
        The hyperparameters given to the constructor.

    Attributes
    ----------
    param_groups : list of dict
        One dict per group: ``"params"`` and every hyperparameter. Learning-rate
        schedulers change ``group["lr"]``; so may you, between steps.
    state : dict
        Per parameter (keyed by the tensor), the optimizer's buffers, under
        PyTorch's names (``"momentum_buffer"``, ``"exp_avg"``, ...).
    defaults : dict
        The constructor's hyperparameters.
    """

    #: Names of the hyperparameters that take only True/False.
    _FLAGS: ClassVar[tuple[str, ...]] = ("maximize",)

    def __init__(self, params: Any, defaults: dict[str, Any]) -> None:
        self.defaults = self._validate(dict(defaults))
        self.state: dict[Tensor, dict[str, Any]] = {}
        # Per group (by id): the settings last checked, and their checked form.
        self._checked: dict[int, tuple[dict, dict]] = {}
        self.param_groups: list[dict[str, Any]] = []
        if isinstance(params, (Tensor, np.ndarray)) or not isinstance(params, Iterable):
            raise TypeError(
                "params must be a list of Tensors (or of parameter-group dicts), "
                f"got {type(params).__name__}; wrap a single tensor as [w]"
            )
        groups = list(params)
        if not groups:
            raise ValueError("params is empty: the optimizer got no tensors to update")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group of parameters with its own hyperparameters (as PyTorch).

        Parameters
        ----------
        param_group : dict
            ``{"params": [tensors], "lr": ..., ...}``; hyperparameters left
            out take the constructor's values.
        """
        if not isinstance(param_group, dict) or "params" not in param_group:
            raise TypeError(
                "a parameter group must be a dict with a 'params' list, "
                f"got {type(param_group).__name__}"
            )
        unknown = set(param_group) - set(self.defaults) - {"params", "initial_lr"}
        if unknown:
            raise TypeError(
                f"{type(self).__name__} has no hyperparameter {sorted(unknown)}; "
                f"it takes {sorted(self.defaults)}"
            )
        params = param_group["params"]
        params = [params] if isinstance(params, Tensor) else list(params)
        for p in params:
            if not isinstance(p, Tensor):
                raise TypeError(
                    "params must be calclearn.autodiff.Tensor objects, "
                    f"got {type(p).__name__}"
                )
        if not params:
            raise ValueError("params is empty: the optimizer got no tensors to update")
        for p in params:
            if p._parents:  # as PyTorch: "can't optimize a non-leaf Tensor"
                raise ValueError(
                    "params must be leaf tensors (made with Tensor(...)), not "
                    "results of operations such as w * 2, which the next "
                    "forward pass recomputes"
                )
        seen = {id(p) for group in self.param_groups for p in group["params"]}
        if len({id(p) for p in params}) < len(params) or seen & {id(p) for p in params}:
            raise ValueError("a tensor appears more than once in params")
        settings = {k: v for k, v in param_group.items() if k != "params"}
        group = {"params": params, **self._validate({**self.defaults, **settings})}
        self.param_groups.append(group)

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Clear every parameter's gradient before the next backward pass.

        Parameters
        ----------
        set_to_none : bool
            As in PyTorch 2, the default sets ``p.grad = None`` (so a
            parameter that the next loss does not reach is skipped by
            :meth:`step`); False fills the gradients with zeros instead (then
            such a parameter still decays with weight decay and momentum).
        """
        _flag(set_to_none, "set_to_none")
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is not None:
                    if set_to_none:
                        p.grad = None
                    else:
                        p.grad[...] = 0.0

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update every parameter whose ``.grad`` is set, in place.

        Parameters with ``grad`` None are skipped, as in PyTorch.

        Parameters
        ----------
        closure : callable, optional
            Called first (it should recompute the loss and call
            ``backward``); its result is returned.

        Returns
        -------
        The closure's result, or None.
        """
        loss = closure() if closure is not None else None
        for group in self.param_groups:
            # Checked again whenever a scheduler or the learner changed them.
            given = {k: group[k] for k in self.defaults}
            last = self._checked.get(id(group))
            if last is None or last[0] != given:
                last = self._checked[id(group)] = (given, self._validate(given))
            settings = last[1]
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state.setdefault(p, {})
                np.copyto(p.data, self._update(p.data, p.grad, state, settings))
        return loss

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            lines += [f"    {k}: {group[k]}" for k in sorted(self.defaults)]
        return "\n".join([*lines, ")"])

    # -- what each optimizer defines --------------------------------------

    @classmethod
    def _validate(cls, settings: dict[str, Any]) -> dict[str, Any]:
        """The hyperparameters checked (numbers, or arrays in a sweep)."""
        raise NotImplementedError

    @staticmethod
    def _update(
        param: np.ndarray, grad: np.ndarray, state: dict, settings: dict
    ) -> np.ndarray:
        """The new parameter value; stores new buffers in ``state``.

        Pure apart from ``state`` (whose entries it replaces, never changes in
        place), and elementwise, so that a sweep can run a whole grid of
        hyperparameters through it at once.
        """
        raise NotImplementedError


# -- the optimizers ------------------------------------------------------------


class SGD(Optimizer):
    r"""Stochastic gradient descent with momentum, as ``torch.optim.SGD``.

    .. math::

        g_t &\leftarrow \nabla f(\theta_{t-1}) + \lambda\theta_{t-1} \\
        b_t &= \begin{cases} g_t & t = 1 \\
               \mu b_{t-1} + (1 - \tau) g_t & t > 1 \end{cases} \\
        g_t &\leftarrow \begin{cases} g_t + \mu b_t & \text{nesterov} \\
               b_t & \text{otherwise} \end{cases} \\
        \theta_t &= \theta_{t-1} - \gamma g_t

    (with ``momentum`` :math:`\mu = 0` there is no buffer: :math:`\theta_t =
    \theta_{t-1} - \gamma g_t`).

    Where this differs from the textbook:

    - The textbook heavy ball keeps a velocity :math:`v = \mu v - \gamma g`
      and moves :math:`\theta \mathrel{+}= v`; PyTorch keeps the buffer
      :math:`b = \mu b + g` and moves :math:`\theta \mathrel{-}= \gamma b`.
      The two give the same path while :math:`\gamma` is constant; when a
      schedule changes :math:`\gamma`, PyTorch's rescales the accumulated
      velocity at once.
    - The first buffer is :math:`g_1` itself: dampening :math:`\tau` is not
      applied on the first step (and the buffer does not start at 0).
    - Nesterov is taken at :math:`\theta`, not at the look-ahead point
      :math:`\theta + \mu v` (Sutskever's form): PyTorch's iterate is the
      look-ahead point, and :math:`g + \mu b` is the resulting step.
    - Weight decay :math:`\lambda` is L2 regularisation added to the
      gradient (coupled; compare :class:`AdamW`).

    Parameters
    ----------
    params : iterable of Tensor or of dict
        The parameters (see :class:`Optimizer`).
    lr : float
        Learning rate :math:`\gamma \ge 0` (default ``1e-3``, as PyTorch 2).
    momentum : float
        :math:`\mu \in [0, 1)`.
    dampening : float
        :math:`\tau \in [0, 1]`.
    weight_decay : float
        :math:`\lambda \ge 0`.
    nesterov : bool
        Nesterov momentum; needs ``momentum > 0`` and ``dampening = 0``.
    maximize : bool
        Climb instead: use :math:`-\nabla f`.

    Raises
    ------
    ValueError, TypeError
        Naming the argument: a negative ``lr``, ``momentum`` outside [0, 1),
        ``nesterov`` without momentum or with dampening, params that are not
        tensors or empty.

    Examples
    --------
    >>> from calclearn.autodiff import Tensor
    >>> w = Tensor([1.0, -2.0])
    >>> opt = SGD([w], lr=0.1, momentum=0.9)
    >>> for _ in range(2):
    ...     w.grad = 2 * w.data  # the gradient of |w|^2
    ...     opt.step()
    >>> w.data  # b1 = (2, -4); w1 = (0.8, -1.6); b2 = 0.9 b1 + 2 w1
    array([ 0.46, -0.92])
    """

    _FLAGS = ("nesterov", "maximize")

    def __init__(
        self,
        params: Any,
        lr: float = 1e-3,
        momentum: float = 0,
        dampening: float = 0,
        weight_decay: float = 0,
        nesterov: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        super().__init__(
            params,
            {
                "lr": lr,
                "momentum": momentum,
                "dampening": dampening,
                "weight_decay": weight_decay,
                "nesterov": nesterov,
                "maximize": maximize,
            },
        )

    @classmethod
    def _validate(cls, settings: dict[str, Any]) -> dict[str, Any]:
        checked = {
            "lr": _nonnegative(settings["lr"], "lr"),
            "momentum": _fraction(settings["momentum"], "momentum"),
            "dampening": _within(
                settings["dampening"],
                "dampening",
                lambda v: (v >= 0) & (v <= 1),
                "in [0, 1]",
            ),
            "weight_decay": _nonnegative(settings["weight_decay"], "weight_decay"),
            "nesterov": _flag(settings["nesterov"], "nesterov"),
            "maximize": _flag(settings["maximize"], "maximize"),
        }
        if checked["nesterov"] and (
            np.any(np.asarray(checked["momentum"]) <= 0)
            or np.any(np.asarray(checked["dampening"]) != 0)
        ):
            raise ValueError(
                "nesterov=True needs momentum > 0 and dampening = 0, got "
                f"momentum={settings['momentum']!r}, "
                f"dampening={settings['dampening']!r}"
            )
        return checked

    @staticmethod
    def _update(param, grad, state, settings):
        lr, mu = settings["lr"], settings["momentum"]
        tau, decay = settings["dampening"], settings["weight_decay"]
        if settings["maximize"]:
            grad = -grad
        if _any_nonzero(decay):
            grad = grad + decay * param
        if _any_nonzero(mu):
            buffer = state.get("momentum_buffer")
            buffer = grad.copy() if buffer is None else buffer * mu + (1 - tau) * grad
            state["momentum_buffer"] = buffer
            step = grad + mu * buffer if settings["nesterov"] else buffer
            # Cells of a sweep without momentum have no buffer in PyTorch.
            grad = np.where(mu != 0, step, grad)
        return param - lr * grad


class Adagrad(Optimizer):
    r"""Adagrad, as ``torch.optim.Adagrad``.

    .. math::

        g_t &\leftarrow \nabla f(\theta_{t-1}) + \lambda\theta_{t-1} \\
        \tilde\gamma_t &= \frac{\gamma}{1 + (t - 1)\,\eta} \\
        s_t &= s_{t-1} + g_t^2, \qquad s_0 = \text{initial\_accumulator\_value} \\
        \theta_t &= \theta_{t-1} - \tilde\gamma_t \frac{g_t}{\sqrt{s_t} + \epsilon}

    with :math:`\eta` = ``lr_decay``. Where this differs from the textbook:
    :math:`\epsilon` sits outside the square root (Duchi et al. write
    :math:`\sqrt{\delta + s}`), and the learning rate itself may decay as
    :math:`1/(1 + (t-1)\eta)` on top of the automatic :math:`1/\sqrt{s_t}`.

    Parameters
    ----------
    params : iterable of Tensor or of dict
    lr : float
        :math:`\gamma \ge 0` (default ``1e-2``).
    lr_decay : float
        :math:`\eta \ge 0`.
    weight_decay : float
        :math:`\lambda \ge 0` (coupled L2, added to the gradient).
    initial_accumulator_value : float
        :math:`s_0 \ge 0`.
    eps : float
        :math:`\epsilon > 0` (PyTorch also accepts 0).
    maximize : bool

    Examples
    --------
    >>> from calclearn.autodiff import Tensor
    >>> w = Tensor(3.0)
    >>> opt = Adagrad([w], lr=0.5)
    >>> w.grad = 4.0
    >>> opt.step()
    >>> round(float(w.data), 9)  # 3 - 0.5 * 4 / (sqrt(16) + 1e-10)
    2.5
    """

    def __init__(
        self,
        params: Any,
        lr: float = 1e-2,
        lr_decay: float = 0,
        weight_decay: float = 0,
        initial_accumulator_value: float = 0,
        eps: float = 1e-10,
        *,
        maximize: bool = False,
    ) -> None:
        super().__init__(
            params,
            {
                "lr": lr,
                "lr_decay": lr_decay,
                "weight_decay": weight_decay,
                "initial_accumulator_value": initial_accumulator_value,
                "eps": eps,
                "maximize": maximize,
            },
        )

    @classmethod
    def _validate(cls, settings: dict[str, Any]) -> dict[str, Any]:
        return {
            "lr": _nonnegative(settings["lr"], "lr"),
            "lr_decay": _nonnegative(settings["lr_decay"], "lr_decay"),
            "weight_decay": _nonnegative(settings["weight_decay"], "weight_decay"),
            "initial_accumulator_value": _nonnegative(
                settings["initial_accumulator_value"], "initial_accumulator_value"
            ),
            "eps": _positive(settings["eps"], "eps"),
            "maximize": _flag(settings["maximize"], "maximize"),
        }

    @staticmethod
    def _update(param, grad, state, settings):
        decay = settings["weight_decay"]
        state["step"] = step = state.get("step", 0) + 1
        if settings["maximize"]:
            grad = -grad
        if _any_nonzero(decay):
            grad = grad + decay * param
        clr = settings["lr"] / (1 + (step - 1) * settings["lr_decay"])
        total = state.get("sum")
        if total is None:
            total = np.zeros_like(param) + settings["initial_accumulator_value"]
        state["sum"] = total = total + grad * grad
        std = np.sqrt(total) + settings["eps"]
        return param - clr * grad / std


class RMSprop(Optimizer):
    r"""RMSprop, as ``torch.optim.RMSprop``.

    .. math::

        g_t &\leftarrow \nabla f(\theta_{t-1}) + \lambda\theta_{t-1} \\
        v_t &= \alpha v_{t-1} + (1 - \alpha) g_t^2 \\
        \tilde v_t &= \begin{cases} v_t - \bar g_t^2,\quad
            \bar g_t = \alpha \bar g_{t-1} + (1 - \alpha) g_t & \text{centered} \\
            v_t & \text{otherwise} \end{cases} \\
        \theta_t &= \begin{cases}
            \theta_{t-1} - \gamma b_t,\quad
            b_t = \mu b_{t-1} + g_t / (\sqrt{\tilde v_t} + \epsilon) & \mu > 0 \\
            \theta_{t-1} - \gamma g_t / (\sqrt{\tilde v_t} + \epsilon)
            & \text{otherwise} \end{cases}

    (:math:`v_0 = \bar g_0 = b_0 = 0`). Where this differs from the textbook
    (Hinton's lecture): :math:`\epsilon` sits outside the square root,
    :math:`\alpha` defaults to 0.99 (Hinton: 0.9), and there is no bias
    correction, so the first step is :math:`\gamma g / \sqrt{(1-\alpha)g^2}`
    = 10 :math:`\gamma` per coordinate at :math:`\alpha = 0.99`. With
    momentum, the learning rate multiplies the buffer (Caffe and others put it
    inside).

    Parameters
    ----------
    params : iterable of Tensor or of dict
    lr : float
        :math:`\gamma \ge 0` (default ``1e-2``).
    alpha : float
        :math:`\alpha \in [0, 1)`.
    eps : float
        :math:`\epsilon > 0`.
    weight_decay : float
        :math:`\lambda \ge 0` (coupled L2).
    momentum : float
        :math:`\mu \in [0, 1)`.
    centered : bool
        Divide by the estimated standard deviation of the gradient instead of
        its root mean square.
    maximize : bool

    Examples
    --------
    >>> from calclearn.autodiff import Tensor
    >>> w = Tensor(1.0)
    >>> opt = RMSprop([w], lr=0.01)
    >>> w.grad = 3.0
    >>> opt.step()
    >>> round(float(w.data), 6)  # 1 - 0.01 * 3 / (sqrt(0.01 * 9) + 1e-8)
    0.9
    """

    _FLAGS = ("centered", "maximize")

    def __init__(
        self,
        params: Any,
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0,
        momentum: float = 0,
        centered: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        super().__init__(
            params,
            {
                "lr": lr,
                "alpha": alpha,
                "eps": eps,
                "weight_decay": weight_decay,
                "momentum": momentum,
                "centered": centered,
                "maximize": maximize,
            },
        )

    @classmethod
    def _validate(cls, settings: dict[str, Any]) -> dict[str, Any]:
        return {
            "lr": _nonnegative(settings["lr"], "lr"),
            "alpha": _fraction(settings["alpha"], "alpha"),
            "eps": _positive(settings["eps"], "eps"),
            "weight_decay": _nonnegative(settings["weight_decay"], "weight_decay"),
            "momentum": _fraction(settings["momentum"], "momentum"),
            "centered": _flag(settings["centered"], "centered"),
            "maximize": _flag(settings["maximize"], "maximize"),
        }

    @staticmethod
    def _update(param, grad, state, settings):
        lr, alpha, mu = settings["lr"], settings["alpha"], settings["momentum"]
        decay = settings["weight_decay"]
        state["step"] = state.get("step", 0) + 1
        if settings["maximize"]:
            grad = -grad
        if _any_nonzero(decay):
            grad = grad + decay * param
        square_avg = _zeros(state, "square_avg", param)
        square_avg = square_avg * alpha + (1 - alpha) * grad * grad
        state["square_avg"] = square_avg
        if settings["centered"]:
            grad_avg = _zeros(state, "grad_avg", param)
            state["grad_avg"] = grad_avg = _lerp(grad_avg, grad, 1 - alpha)
            avg = np.sqrt(square_avg - grad_avg * grad_avg)
        else:
            avg = np.sqrt(square_avg)
        avg = avg + settings["eps"]
        plain = param - lr * grad / avg
        if not _any_nonzero(mu):
            return plain
        buffer = _zeros(state, "momentum_buffer", param)
        state["momentum_buffer"] = buffer = buffer * mu + grad / avg
        return np.where(mu > 0, param - lr * buffer, plain)


class Adam(Optimizer):
    r"""Adam, as ``torch.optim.Adam``.

    .. math::

        g_t &\leftarrow \nabla f(\theta_{t-1}) + \lambda\theta_{t-1} \\
        m_t &= \beta_1 m_{t-1} + (1 - \beta_1) g_t \\
        v_t &= \beta_2 v_{t-1} + (1 - \beta_2) g_t^2 \\
        \hat m_t &= \frac{m_t}{1 - \beta_1^t}, \qquad
        \hat v_t = \frac{v_t}{1 - \beta_2^t} \quad\text{or, with amsgrad,}\quad
        \hat v_t = \frac{\max(v_1, \dots, v_t)}{1 - \beta_2^t} \\
        \theta_t &= \theta_{t-1} - \gamma \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}

    (:math:`m_0 = v_0 = 0`). Where this differs from the textbook:

    - :math:`\epsilon` is added after the square root of the bias-corrected
      :math:`\hat v_t` (as in Algorithm 1 of Kingma and Ba; their "efficient"
      form and TensorFlow add :math:`\hat\epsilon = \epsilon\sqrt{1-\beta_2^t}`
      to :math:`\sqrt{v_t}` instead). The code computes it as
      :math:`\sqrt{v_t}/\sqrt{1-\beta_2^t} + \epsilon` with step size
      :math:`\gamma/(1 - \beta_1^t)`.
    - amsgrad keeps the running maximum of the raw :math:`v_t` and
      bias-corrects that (Reddi et al. use no bias correction).
    - Weight decay :math:`\lambda` is L2 added to the gradient, so it is
      rescaled by :math:`1/\sqrt{\hat v}` like the rest of the gradient; for
      decay that shrinks every weight at the same rate use :class:`AdamW`
      (or ``decoupled_weight_decay=True``).

    Parameters
    ----------
    params : iterable of Tensor or of dict
    lr : float
        :math:`\gamma \ge 0` (default ``1e-3``).
    betas : (float, float)
        :math:`(\beta_1, \beta_2)`, each in [0, 1).
    eps : float
        :math:`\epsilon > 0`.
    weight_decay : float
        :math:`\lambda \ge 0`.
    amsgrad : bool
        Use the running maximum of :math:`v_t`.
    maximize : bool
    decoupled_weight_decay : bool
        Decay as :class:`AdamW` does.

    Examples
    --------
    The first step moves each coordinate by about ``lr`` whatever the
    gradient's size (:math:`\hat m_1 / \sqrt{\hat v_1} = g/|g|`):

    >>> from calclearn.autodiff import Tensor
    >>> w = Tensor([1.0, 1.0])
    >>> opt = Adam([w], lr=0.1)
    >>> w.grad = [1000.0, -0.001]
    >>> opt.step()
    >>> w.data.round(4)  # eps = 1e-8 shows against |g| = 0.001: 1.099999
    array([0.9, 1.1])
    """

    _FLAGS = ("amsgrad", "maximize", "decoupled_weight_decay")

    def __init__(
        self,
        params: Any,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
        decoupled_weight_decay: bool = False,
    ) -> None:
        super().__init__(
            params,
            {
                "lr": lr,
                "betas": betas,
                "eps": eps,
                "weight_decay": weight_decay,
                "amsgrad": amsgrad,
                "maximize": maximize,
                "decoupled_weight_decay": decoupled_weight_decay,
            },
        )

    @classmethod
    def _validate(cls, settings: dict[str, Any]) -> dict[str, Any]:
        return {
            "lr": _nonnegative(settings["lr"], "lr"),
            "betas": _betas(settings["betas"]),
            "eps": _positive(settings["eps"], "eps"),
            "weight_decay": _nonnegative(settings["weight_decay"], "weight_decay"),
            "amsgrad": _flag(settings["amsgrad"], "amsgrad"),
            "maximize": _flag(settings["maximize"], "maximize"),
            "decoupled_weight_decay": _flag(
                settings["decoupled_weight_decay"], "decoupled_weight_decay"
            ),
        }

    @staticmethod
    def _update(param, grad, state, settings):
        lr, (beta1, beta2) = settings["lr"], settings["betas"]
        decay = settings["weight_decay"]
        state["step"] = step = state.get("step", 0) + 1
        if settings["maximize"]:
            grad = -grad
        if _any_nonzero(decay):
            if settings["decoupled_weight_decay"]:
                param = param * (1 - lr * decay)
            else:
                grad = grad + decay * param
        exp_avg = _zeros(state, "exp_avg", param)
        exp_avg_sq = _zeros(state, "exp_avg_sq", param)
        state["exp_avg"] = exp_avg = _lerp(exp_avg, grad, 1 - beta1)
        state["exp_avg_sq"] = exp_avg_sq = (
            exp_avg_sq * beta2 + (1 - beta2) * grad * grad
        )
        # beta ** step as PyTorch computes it: a Python power per value, so
        # that a sweep's cells round exactly as single runs do.
        bias_correction1 = 1 - _power(beta1, step)
        bias_correction2 = 1 - _power(beta2, step)
        step_size = lr / bias_correction1
        bias_correction2_sqrt = _power(bias_correction2, 0.5)
        if settings["amsgrad"]:
            largest = np.maximum(state.get("max_exp_avg_sq", exp_avg_sq), exp_avg_sq)
            state["max_exp_avg_sq"] = largest
            denom = np.sqrt(largest) / bias_correction2_sqrt + settings["eps"]
        else:
            denom = np.sqrt(exp_avg_sq) / bias_correction2_sqrt + settings["eps"]
        return param - step_size * exp_avg / denom


class AdamW(Adam):
    r"""Adam with decoupled weight decay, as ``torch.optim.AdamW``.

    .. math::

        \theta &\leftarrow \theta_{t-1}(1 - \gamma\lambda) \\
        \theta_t &= \theta - \gamma \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}

    with :math:`\hat m_t, \hat v_t` as in :class:`Adam`, computed from the
    raw gradient :math:`g_t = \nabla f(\theta_{t-1})`. The decay shrinks
    every weight by the same factor, instead of being divided by
    :math:`\sqrt{\hat v}` as L2 in Adam is. Loshchilov and Hutter write the
    decay as :math:`\eta_t\lambda\theta` with a separate schedule
    :math:`\eta_t`; PyTorch ties it to the learning rate, so their
    :math:`\lambda` is PyTorch's :math:`\gamma\lambda`.

    Parameters are those of :class:`Adam`, but ``weight_decay`` defaults to
    ``1e-2`` (PyTorch's default).

    Examples
    --------
    With a zero gradient only the decay acts:

    >>> from calclearn.autodiff import Tensor
    >>> w = Tensor(2.0)
    >>> opt = AdamW([w], lr=0.1, weight_decay=0.5)
    >>> w.grad = 0.0
    >>> opt.step()
    >>> float(w.data)  # 2 * (1 - 0.1 * 0.5)
    1.9
    """

    def __init__(
        self,
        params: Any,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        super().__init__(
            params,
            lr=lr,
            betas=betas,
            eps=eps,
            weight_decay=weight_decay,
            amsgrad=amsgrad,
            maximize=maximize,
            decoupled_weight_decay=True,
        )


def _power(base: Hyperparameter, exponent: float) -> Hyperparameter:
    """``base ** exponent`` with Python's float power, elementwise on arrays."""
    if isinstance(base, np.ndarray):
        return np.array([b**exponent for b in base.ravel().tolist()]).reshape(
            base.shape
        )
    return base**exponent


#: The optimizers by the names :func:`calclearn.optim.minimize` accepts.
OPTIMIZERS: dict[str, type[Optimizer]] = {
    "sgd": SGD,
    "adagrad": Adagrad,
    "rmsprop": RMSprop,
    "adam": Adam,
    "adamw": AdamW,
}
