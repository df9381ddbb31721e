"""Training losses, in nats by default: cross-entropy, negative log-likelihood, binary
cross-entropy and perplexity, with torch's options (``weight``, ``ignore_index``,
``label_smoothing``, ``pos_weight``) and their semantics.

Targets are told apart by dtype, never by shape: an integer ``y`` holds class indices (shape
``y_hat.shape[:-1]``), a floating ``y`` holds probabilities (broadcastable to ``y_hat``'s shape
without enlarging it; binary cross-entropy wants ``y_hat``'s shape, as torch does). A class
index outside ``[0, K)`` (other than ``ignore_index``) gives a NaN loss for that sample
(``validate=True`` raises instead); nothing on the path reads a tensor's values. One exception:
cross-entropy of torch logits on the CPU raises ``ValueError`` there, because torch's own kernel
checks the indices at no cost (clamping them to produce the NaN cost a quarter of a small
training step; on an accelerator, where torch's check is a device-side assert that ends the
process, indices are clamped and the loss is NaN).
"""
from __future__ import annotations

import math
import numbers
from typing import Optional

from . import _kernels as K
from . import _validation
from ._checks import check_contract, check_flag, need_ndim
from ._frontend import Function, Input, logits_or_dist, public
from ._checks import reduction as _reduction
from ._types import ArrayLike, Int, Real, TensorT


# --- free checks -----------------------------------------------------------------------
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
    if len(y_shape) == len(want) and any(a is None or b is None for a, b in zip(y_shape, want)):
        c.runtime_shapes.append((1, 0, f"{c.fn}: y holds class indices, so its shape must be "
                                       f"{pred_name}'s shape without the class axis"))
    if y_shape != want and (len(y_shape) != len(want) or any(
            a is not None and b is not None and a != b for a, b in zip(y_shape, want))):
        layout = ""
        if len(shape) >= 3 and tuple(y_shape) == (shape[0],) + tuple(shape[2:]):
            layout = (f"; classes go on the last axis here: torch's (N, C, d1, ...) layout is "
                      f"(N, d1, ..., C) (move the class axis: {pred_name}.movedim(1, -1))")
        raise c.error(f"y holds class indices, so its shape must be {want} ({pred_name}'s shape "
                      f"without the class axis), got {y_shape}; y was read as class indices "
                      f"because it has an integer dtype{layout}")


def _validate_labels(c, pred_name):
    k = c.B.shape(c.tensors[pred_name])[-1]
    _validation.labels(c.fn, "y", c.B, c.tensors["y"], k, c.options["ignore_index"])


def _check_weight(c, shape):
    if c.has("weight"):
        w = c.shape("weight")
        if len(w) != 1 or (w[0] is not None and shape[-1] is not None and w[0] != shape[-1]):
            raise c.error(f"weight must hold one value per class, shape ({shape[-1]},), got {w}")


def _check_options(fn, ignore_index, label_smoothing, from_logits=False):
    if ignore_index is not None and (isinstance(ignore_index, bool)
                                     or not isinstance(ignore_index, numbers.Integral)):
        raise TypeError(f"{fn}: ignore_index must be an int or None, got {ignore_index!r}")
    if ignore_index is not None and not -2 ** 63 <= ignore_index < 2 ** 63:
        raise ValueError(f"{fn}: ignore_index must be a class index an int64 label can hold, "
                         f"got {ignore_index}")
    check_flag(fn, "from_logits", from_logits)
    if isinstance(label_smoothing, bool) or not isinstance(label_smoothing, numbers.Real) \
            or not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"{fn}: label_smoothing must be a number in [0, 1], got "
                         f"{label_smoothing!r}")


# --- cross-entropy -------------------------------------------------------------------------
# Probability targets' contract (class indices have their own shape, checked in the plan).
_TARGETS = Input("y", "dist", broadcasts_to="y_hat")


def _plan_cross_entropy(c):
    _reduction(c.fn, c.options["reduction"])
    _check_options(c.fn, c.options["ignore_index"], c.options["label_smoothing"], c.options["from_logits"])
    shape = _check_classes(c, "y_hat")
    _check_weight(c, shape)
    labels = c.kinds["y"] == "labels"
    if labels:
        _check_labels(c, shape, "y_hat")
    else:
        if c.options["ignore_index"] is not None:
            raise c.error("ignore_index applies to class indices; y has a floating dtype "
                          "(probability targets)")
        try:
            check_contract(c.fn, _TARGETS, c.shapes)
        except ValueError as e:
            raise ValueError(f"{e}; y was read as probability targets because it has a "
                             f"floating dtype (for class indices pass an integer dtype)"
                             ) from None
    if labels and c.options["from_logits"]:  # the training step's case: straight to the kernel
        c.math = K.cross_entropy_labels
        return {k: c.options[k] for k in ("ignore_index", "label_smoothing", "reduction")}
    return dict(c.options, labels=labels)


def _check_cross_entropy(c):
    if c.kinds["y"] == "labels":
        _validate_labels(c, "y_hat")
    else:
        _validation.probabilities(c.fn, "y", c.B, c.tensors["y"], (-1,))
    c.validate_dist_or_logits("y_hat", (-1,), c.options["from_logits"])


def _cross_entropy(B, y_hat, y, weight, labels, from_logits, reduction, ignore_index,
                   label_smoothing):
    if labels:
        if from_logits:
            return K.cross_entropy_labels(B, y_hat, y, weight=weight, ignore_index=ignore_index,
                                          label_smoothing=label_smoothing, reduction=reduction)

        def per_sample(t):  # NaN for a row of y_hat that holds no probabilities
            return K.unit_rows(B, K.label_losses_of_probabilities(B, y_hat, t, weight,
                                                                  label_smoothing),
                               y_hat, (len(B.shape(y_hat)) - 1,))
        return K.labelled(B, per_sample, y_hat, y, weight, ignore_index, reduction)
    targets = y  # (the probabilities given, checked below)
    if label_smoothing:
        y = y * (1.0 - label_smoothing) + K.per_class(B, label_smoothing, y_hat)
    if weight is not None:
        y = y * weight
    if from_logits:
        losses = 0.0 - B.sum(K.plogq_logits(B, y, B.log_softmax(y_hat, (-1,))), (-1,))
    else:
        losses = K.unit_rows(B, K.neg_sum_xlogy(B, y, y_hat, (-1,)), y_hat,
                             (len(B.shape(y_hat)) - 1,))
    losses = K.unit_rows(B, losses, targets, (len(B.shape(targets)) - 1,))
    return K.reduce(B, losses, reduction)


_SWAPPED = ("{fn}: {name} has an integer dtype, and it holds the predictions: are the "
            "arguments swapped? The predictions come first, the targets (class indices or "
            "probabilities) second: {fn}(y_hat, y)")
_CROSS_ENTROPY = Function(
    "cross_entropy", [Input("y_hat", logits_or_dist, hint=_SWAPPED), Input("y", "target"),
                      Input("weight", "real", optional=True)],
    _cross_entropy, plan=_plan_cross_entropy, checks=_check_cross_entropy, unit=math.e)


@public
def cross_entropy(y_hat: TensorT, y: ArrayLike, *, from_logits: bool = False,
                  reduction: str = "mean", base: Optional[Real] = None, weight: Optional[ArrayLike] = None,
                  ignore_index: Optional[Int] = None, label_smoothing: Real = 0.0,
                  validate: bool = False) -> TensorT:
    r"""Cross-entropy loss :math:`-\sum_k y_k \log_b q_k` of predictions ``y_hat`` (:math:`q`)
    against ``y``.

    Args:
        y_hat: predicted probabilities ``q`` over the last axis, shape ``(..., K)``, K >= 1; or
            logits with ``from_logits=True`` (log-softmax, stable for any magnitude).
        y: an integer dtype means class indices, of shape ``y_hat.shape[:-1]`` (an index outside
            ``[0, K)`` gives a NaN loss, except for torch logits on the CPU, which raise
            ``ValueError``; ``validate=True`` raises everywhere); a floating dtype
            means probability targets, broadcastable to ``y_hat``'s shape without enlarging it
            (0 log q = 0 where a target is 0). The dtype decides, whatever the shapes.
        reduction: ``"mean"`` (over the batch), ``"sum"`` or ``"none"`` (shape
            ``y_hat.shape[:-1]``).
        base: None (default): nats, like every framework's loss, unless
            :func:`infotheory.set_default_base` or ``default_base`` chose another unit.
        weight: one weight per class, shape ``(K,)``: a sample's loss is multiplied by the
            weight of its class (of each class, for probability targets); the mean over class
            indices is then divided by the sum of the weights of the samples that count, as
            ``torch.nn.functional.cross_entropy`` does.
        ignore_index: a class index whose samples count nowhere: loss 0 under
            ``reduction="none"``, left out of the sum and of the mean's denominator (torch's
            ``ignore_index``, Keras' ``ignore_class``). Class indices only. ``None`` (default):
            no index is ignored.
        label_smoothing: :math:`\varepsilon` in [0, 1]: the target becomes
            :math:`(1 - \varepsilon)\, y + \varepsilon / K` (for class indices as for
            probability targets), as torch's ``label_smoothing``.

    Returns: per-sample losses are never below 0 for valid input: each term
    :math:`-y_k \log q_k` is >= 0
    and the log-softmax is exact (it is 0, not +1e-6, for a point mass on every backend).

    >>> round(float(cross_entropy([[0.3, 0.6, 0.1], [0.2, 0.3, 0.5]], [0, 2])), 4)
    0.9486
    >>> round(float(cross_entropy([[0.3, 0.6, 0.1], [0.2, 0.3, 0.5]], [0, -100],
    ...                           ignore_index=-100)), 4)
    1.204
    """
    return _CROSS_ENTROPY(y_hat, y, weight, base=base, validate=validate,
                          from_logits=from_logits, reduction=reduction,
                          ignore_index=ignore_index, label_smoothing=label_smoothing)


# --- negative log-likelihood ---------------------------------------------------------------
def _plan_nll_loss(c):
    _reduction(c.fn, c.options["reduction"])
    _check_options(c.fn, c.options["ignore_index"], 0.0)
    shape = _check_classes(c, "log_probs")
    _check_weight(c, shape)
    _check_labels(c, shape, "log_probs")
    return dict(c.options)


def _check_nll_loss(c):
    _validate_labels(c, "log_probs")
    _validation.log_probabilities(c.fn, "log_probs", c.B, c.tensors["log_probs"])


def _nll_loss(B, log_probs, y, weight, reduction, ignore_index):
    return K.labelled(B, lambda t: K.label_losses(B, log_probs, t, weight, 0.0), log_probs,
                      y, weight, ignore_index, reduction)


_NLL_LOSS = Function("nll_loss", [Input("log_probs", "real"), Input("y", "labels"),
                                  Input("weight", "real", optional=True)],
                     _nll_loss, plan=_plan_nll_loss, checks=_check_nll_loss)


@public
def nll_loss(log_probs: TensorT, y: ArrayLike, *, reduction: str = "mean",
             weight: Optional[ArrayLike] = None, ignore_index: Optional[Int] = None,
             validate: bool = False) -> TensorT:
    r"""Negative log-likelihood loss :math:`-w_y \log q_y`, torch's NLLLoss: ``-weight[y] *
    log_probs[..., y]``.

    ``log_probs`` has shape ``(..., K)``, K >= 1 (classes on the last axis; for 2-D input this is
    exactly ``torch.nn.NLLLoss``), ``y`` integer class indices of shape ``log_probs.shape[:-1]``
    (an index outside ``[0, K)`` gives a NaN loss; ``validate=True`` raises instead). ``weight``
    and ``ignore_index`` as in :func:`cross_entropy`. Natural log units, as its input.
    ``reduction``: ``"mean"``, ``"sum"`` or ``"none"``.

    >>> import math
    >>> q = [[math.log(0.3), math.log(0.6), math.log(0.1)], [math.log(0.2), math.log(0.3), math.log(0.5)]]
    >>> round(float(nll_loss(q, [0, 2])), 4)
    0.9486
    """
    return _NLL_LOSS(log_probs, y, weight, validate=validate, reduction=reduction,
                     ignore_index=ignore_index)


# --- perplexity ----------------------------------------------------------------------------
def _plan_perplexity(c):
    _check_options(c.fn, c.options["ignore_index"], 0.0, c.options["from_logits"])
    shape = _check_classes(c, "y_hat")
    _check_labels(c, shape, "y_hat")
    return dict(c.options, labels=True)


def _perplexity(B, y_hat, y, weight, **kw):
    return B.exp(_cross_entropy(B, y_hat, y, weight, **kw))


_PERPLEXITY = Function("perplexity", [Input("y_hat", logits_or_dist, hint=_SWAPPED),
                                      Input("y", "labels"),
                                      Input("weight", "real", optional=True)],
                       _perplexity, plan=_plan_perplexity, checks=_check_cross_entropy)


@public
def perplexity(y_hat: TensorT, y: ArrayLike, *, from_logits: bool = False,
               ignore_index: Optional[Int] = None, validate: bool = False) -> TensorT:
    r"""Perplexity :math:`\exp\bigl(-\frac{1}{N} \sum_{t=1}^{N} \ln q_t(y_t)\bigr)`, the
    exponential of the mean cross-entropy in nats over the :math:`N` tokens that count.

    ``y_hat``: probabilities (or logits with ``from_logits=True``) of shape ``(..., K)``; ``y``:
    integer class indices of shape ``y_hat.shape[:-1]``; tokens equal to ``ignore_index`` are
    left out. What torchmetrics' ``Perplexity`` computes; the book's exercise. A 0-d tensor.

    A probability row with an entry below 0, above 1 or NaN (anywhere in the row) gives NaN, as
    for :func:`cross_entropy`.

    >>> round(float(perplexity([[0.5, 0.5], [0.25, 0.75]], [0, 1])), 4)
    1.633
    """
    return _PERPLEXITY(y_hat, y, None, validate=validate, from_logits=from_logits,
                       reduction="mean", ignore_index=ignore_index, label_smoothing=0.0)


# --- binary cross-entropy ------------------------------------------------------------------
def _plan_binary_cross_entropy(c):  # shapes: the inputs' contracts
    _reduction(c.fn, c.options["reduction"])
    check_flag(c.fn, "from_logits", c.options["from_logits"])
    return dict(c.options)


def _check_binary_cross_entropy(c):
    _validation.probabilities(c.fn, "y", c.B, c.tensors["y"])
    c.validate_dist_or_logits("y_hat", None, c.planned["from_logits"])


def _binary_cross_entropy(B, y_hat, y, pos_weight, weight, from_logits, reduction):
    if from_logits:
        losses = K.bce_logits(B, y_hat, y, pos_weight)
    else:
        pos, neg = K.xlogy_masked(B, y, y_hat), K.xlogy_masked(B, 1.0 - y, 1.0 - y_hat)
        if pos_weight is not None:
            pos = pos * pos_weight
        losses = 0.0 - (pos + neg)
    if weight is not None:
        losses = losses * weight
    # A masked log hides q outside [0, 1] (q = 1.5, y = 1 gave -0.405), and a target outside
    # [0, 1] is no probability (y = -1 gave 4.5; torch raises): NaN there. A sum or mean is
    # checked once on the extremes (no select in the backward pass).
    checked = (y,) if from_logits else (y, y_hat)
    if reduction == "none":
        for x in checked:
            losses = K.unit_entries(B, losses, x)
        return losses
    r = K.reduce(B, losses, reduction)
    for x in checked:
        r = K.unit_rows(B, r, x, None)
    return r


_BINARY_CROSS_ENTROPY = Function(
    "binary_cross_entropy", [Input("y_hat", logits_or_dist, hint=_SWAPPED),
                             Input("y", "real", agrees_with="y_hat"),
                             Input("pos_weight", "real", optional=True, broadcasts_to="y_hat"),
                             Input("weight", "real", optional=True, broadcasts_to="y_hat")],
    _binary_cross_entropy, plan=_plan_binary_cross_entropy, checks=_check_binary_cross_entropy, unit=math.e)


@public
def binary_cross_entropy(y_hat: TensorT, y: ArrayLike, *, from_logits: bool = False,
                         pos_weight: Optional[ArrayLike] = None, weight: Optional[ArrayLike] = None,
                         reduction: str = "mean", base: Optional[Real] = None,
                         validate: bool = False) -> TensorT:
    r"""Elementwise Bernoulli cross-entropy
    :math:`-w \left[ c\, y \log_b q + (1 - y) \log_b (1 - q) \right]` (:math:`w` the
    ``weight``, :math:`c` the ``pos_weight``), torch's ``binary_cross_entropy`` and
    ``binary_cross_entropy_with_logits``.

    Args:
        y_hat: probabilities ``q`` (any shape), or logits :math:`z` with ``from_logits=True``: then
            :math:`\log q = -\operatorname{softplus}(-z)` and
            :math:`\log(1 - q) = -\operatorname{softplus}(z)`, finite for logits of +-1e4.
        y: targets in [0, 1] (floating), of ``y_hat``'s shape (as torch requires: a (N, 1)
            prediction against (N,) targets would broadcast to N x N; it raises ``ValueError``).
        pos_weight: weight of the positive term, broadcastable to ``y_hat``'s shape (per class
            on the last axis).
        weight: weight of each element's loss, broadcastable to ``y_hat``'s shape.
        reduction: ``"mean"`` over all elements, ``"sum"``, or ``"none"`` (``y_hat``'s shape).

    On probabilities it is exact: :math:`0 \log 0 = 0`, and +inf where the target is certain and the
    prediction calls it impossible (torch clamps each log at -100; Keras clips q). A prediction
    outside [0, 1] or NaN gives NaN for that element (logits passed without
    ``from_logits=True``).

    Nats by default (``base``), as every framework's loss.

    >>> round(float(binary_cross_entropy([0.9, 0.2], [1.0, 0.0])), 4)
    0.1643
    """
    return _BINARY_CROSS_ENTROPY(y_hat, y, pos_weight, weight, base=base, validate=validate,
                                 from_logits=from_logits, reduction=reduction)

