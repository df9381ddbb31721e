"""Training losses: cross-entropy and negative log-likelihood, in nats by default.

Targets are told apart by dtype, never by shape: an integer ``y`` holds class indices (shape
``y_hat.shape[:-1]``), a floating ``y`` holds probabilities (broadcastable to ``y_hat``'s shape).
A class index outside ``[0, K)`` gives a NaN loss for that sample (``validate=True`` raises
instead); nothing on the path reads a tensor's values.
"""
from __future__ import annotations

import math
from typing import Any

from . import _kernels as K
from . import _validation
from ._frontend import Input, broadcast, need_ndim, reduction as _reduction
from ._frontend import run

Tensor = Any


def _check_classes(c, name):
    """``name`` has a class axis (the last) that is not empty, where its size is known."""
    shape = c.shape(name)
    need_ndim(c.fn, name, shape, 1)
    if shape[-1] == 0:
        raise c.error(f"{name} has an empty class axis (shape {shape}); there is no class to "
                      f"predict")
    return shape


def _check_labels(c, shape, pred_name):
    """Class indices ``y`` of shape ``shape[:-1]``."""
    y_shape, want = c.shape("y"), tuple(shape[:-1])
    if len(y_shape) != len(want) or any(a is not None and b is not None and a != b
                                        for a, b in zip(y_shape, want)):
        raise c.error(f"y holds class indices, so its shape must be {want} ({pred_name}'s shape "
                      f"without the class axis), got {y_shape}; y was read as class indices "
                      f"because it has an integer dtype")
    if c.validating:
        _validation.labels(c.fn, "y", c.B, c.t["y"], shape[-1])


def _per_label(B, losses_of, pred, y):
    """``losses_of(labels)`` with out-of-range labels replaced by 0, then their losses by NaN."""
    valid = (y >= 0) & (y < B.dim(pred, -1))
    return B.where(valid, losses_of(B.where(valid, y, 0)), math.nan)


def reduce(B, losses, reduction: str):
    if reduction == "mean":
        return B.mean(losses)
    if reduction == "sum":
        return B.sum(losses, None)
    return losses


def cross_entropy(y_hat: Tensor, y: Tensor, *, from_logits: bool = False,
                  reduction: str = "mean", base: float = math.e, validate: bool = False) -> Tensor:
    """Cross-entropy loss ``-sum_k y_k log_base q_k`` of predictions ``y_hat`` against ``y``.

    Args:
        y_hat: predicted probabilities ``q`` over the last axis, shape ``(..., K)``, K >= 1; or
            logits with ``from_logits=True`` (log-softmax, stable for any magnitude).
        y: an integer dtype means class indices, of shape ``y_hat.shape[:-1]`` (an index outside
            ``[0, K)`` gives a NaN loss; ``validate=True`` raises instead); a floating dtype
            means probability targets, broadcastable to ``y_hat``'s shape (0 log q = 0 where a
            target is 0). The dtype decides, whatever the shapes.
        reduction: ``"mean"`` (over the batch), ``"sum"`` or ``"none"`` (shape
            ``y_hat.shape[:-1]``).
        base: natural log (nats) by default, like every framework's loss.

    Returns: per-sample losses are never below 0 for valid input: each term -y log q is >= 0
    and the log-softmax is exact (it is 0, not +1e-6, for a point mass on every backend).

    >>> round(float(cross_entropy([[0.3, 0.6, 0.1], [0.2, 0.3, 0.5]], [0, 2])), 4)
    0.9486
    """
    fn = "cross_entropy"
    _reduction(fn, reduction)

    def prepare(c):
        shape = _check_classes(c, "y_hat")
        if c.kinds["y"] == "labels":
            _check_labels(c, shape, "y_hat")
        else:
            try:
                broadcast(fn, y_hat=shape, y=c.shape("y"))
            except ValueError as e:
                raise ValueError(f"{e}; y was read as probability targets because it has a "
                                 f"floating dtype (for class indices pass an integer dtype)"
                                 ) from None
            if c.validating:
                _validation.probabilities(fn, "y", c.B, c.t["y"], (-1,))
        if c.validating:
            if from_logits:
                _validation.logits(fn, "y_hat", c.B, c.t["y_hat"])
            else:
                _validation.probabilities(fn, "y_hat", c.B, c.t["y_hat"], (-1,))
        return {"labels": c.kinds["y"] == "labels"}

    return run(fn, _cross_entropy, [Input("y_hat", y_hat, "real" if from_logits else "dist"),
                                    Input("y", y, "target")],
               base=base, validate=validate, prepare=prepare, from_logits=from_logits,
               reduction=reduction)


def _cross_entropy(B, y_hat, y, labels, from_logits, reduction):
    if labels:
        if from_logits:
            def losses_of(t):
                return K.call(B, "cross_entropy_logits", y_hat, t)
        else:
            def losses_of(t):
                return 0.0 - B.log(B.take_last(y_hat, t))
        losses = _per_label(B, losses_of, y_hat, y)
    elif from_logits:
        losses = B.sum(0.0 - K.plogq_logits(B, y, B.log_softmax(y_hat, (-1,))), (-1,))
    else:
        losses = K.call(B, "neg_sum_xlogy", y, y_hat, (-1,))
    return reduce(B, losses, reduction)


def nll_loss(log_probs: Tensor, y: Tensor, *, reduction: str = "mean",
             validate: bool = False) -> Tensor:
    """Negative log-likelihood loss ``-log_probs[..., y]``, with the semantics of torch's NLLLoss.

    ``log_probs`` has shape ``(..., K)``, K >= 1 (classes on the last axis; for 2-D input this is
    exactly ``torch.nn.NLLLoss``), ``y`` integer class indices of shape ``log_probs.shape[:-1]``
    (an index outside ``[0, K)`` gives a NaN loss; ``validate=True`` raises instead).
    Natural log units, as its input. ``reduction``: ``"mean"``, ``"sum"`` or ``"none"``.

    >>> import math
    >>> q = [[math.log(0.3), math.log(0.6), math.log(0.1)], [math.log(0.2), math.log(0.3), math.log(0.5)]]
    >>> round(float(nll_loss(q, [0, 2])), 4)
    0.9486
    """
    fn = "nll_loss"
    _reduction(fn, reduction)

    def prepare(c):
        shape = _check_classes(c, "log_probs")
        _check_labels(c, shape, "log_probs")
        if c.validating:
            _validation.log_probabilities(fn, "log_probs", c.B, c.t["log_probs"])
        return {}

    return run(fn, _nll_loss, [Input("log_probs", log_probs, "real"), Input("y", y, "labels")],
               validate=validate, prepare=prepare, reduction=reduction)


def _nll_loss(B, log_probs, y, reduction):
    losses = _per_label(B, lambda t: 0.0 - B.take_last(log_probs, t), log_probs, y)
    return reduce(B, losses, reduction)
