r"""Gradient clipping by norm, as ``torch.nn.utils.clip_grad_norm_``."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np

from calclearn._validation import require_real_scalar
from calclearn.autodiff import Tensor


def _vector_norm(values: np.ndarray, norm_type: float) -> float:
    """The p-norm of all the numbers in ``values`` (p may be inf)."""
    flat = np.abs(values.ravel())
    if norm_type == math.inf:
        return float(flat.max(initial=0.0))
    if norm_type == 2:
        return math.sqrt(float(np.sum(flat * flat)))
    return float(np.sum(flat**norm_type) ** (1 / norm_type))


def clip_grad_norm_(
    parameters: Any,
    max_norm: float,
    norm_type: float = 2.0,
    error_if_nonfinite: bool = False,
) -> float:
    r"""Scale all the gradients together so that their total norm is <= ``max_norm``.

    .. math::

        N = \big\| (\|g_1\|_p, \dots, \|g_k\|_p) \big\|_p, \qquad
        g_i \leftarrow g_i \cdot \min\!\Big(1, \frac{\text{max\_norm}}{N + 10^{-6}}\Big)

    The gradients are changed in place (hence the trailing underscore, as in
    PyTorch) and keep their direction: clipping shortens the step, it does
    not turn it. Parameters whose ``grad`` is None are left out.

    As in PyTorch, the factor is :math:`\min(1, \text{max\_norm}/(N + 10^{-6}))`,
    so a total norm just below ``max_norm`` (within :math:`10^{-6}`) is
    already scaled, very slightly.

    Parameters
    ----------
    parameters : Tensor or iterable of Tensor
        The parameters whose ``.grad`` to clip.
    max_norm : float
        The largest total norm allowed, > 0.
    norm_type : float
        :math:`p > 0`, or ``math.inf`` for the largest absolute value.
    error_if_nonfinite : bool
        Raise ``ValueError`` if the total norm is nan or infinite (else the
        gradients are scaled by a nan or zero factor, as in PyTorch).

    Returns
    -------
    float
        The total norm :math:`N` before clipping (0.0 when no gradient is set).

    Examples
    --------
    >>> from calclearn.autodiff import Tensor
    >>> a, b = Tensor([0.0, 0.0]), Tensor(0.0)
    >>> a.grad, b.grad = [3.0, 4.0], 12.0
    >>> clip_grad_norm_([a, b], max_norm=1.0)
    13.0
    >>> round(float(b.grad), 9)  # 12 / (13 + 1e-6)
    0.923076852
    """
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    if not isinstance(parameters, Iterable):
        raise TypeError(
            "parameters must be a Tensor or a list of Tensors, "
            f"got {type(parameters).__name__}"
        )
    params = list(parameters)
    for p in params:
        if not isinstance(p, Tensor):
            raise TypeError(
                "parameters must be calclearn.autodiff.Tensor objects, "
                f"got {type(p).__name__}"
            )
    max_norm = require_real_scalar(max_norm, "max_norm", positive=True)
    if isinstance(norm_type, bool) or not isinstance(norm_type, (int, float)):
        raise TypeError(
            f"norm_type must be a number (or math.inf), got {type(norm_type).__name__}"
        )
    if not norm_type > 0:
        raise ValueError(f"norm_type must be positive or math.inf, got {norm_type}")
    norm_type = float(norm_type)
    grads = [p.grad for p in params if p.grad is not None]
    if not grads:
        return 0.0
    with np.errstate(over="ignore", invalid="ignore"):
        norms = np.array([_vector_norm(g, norm_type) for g in grads])
        total = _vector_norm(norms, norm_type)
    if error_if_nonfinite and not math.isfinite(total):
        raise ValueError(
            f"the total norm of the gradients is {total}, so clipping them is "
            "meaningless; set error_if_nonfinite=False to scale them anyway"
        )
    factor = min(max_norm / (total + 1e-6), 1.0)
    with np.errstate(invalid="ignore"):  # inf * 0 is nan, as in PyTorch
        for g in grads:
            g *= factor
    return total
