"""The public measures: one function each, its docstring, free argument checks, one backend call.

Conventions (shared by every function here):

* **Axes.** A distribution lies on the last axis (``axis=-1``); a joint distribution on the last
  two, ``p_xy[..., x, y]``. Leading axes are a batch. ``axis=None`` reduces over every axis.
* **Units.** Information measures default to bits (``base=2``); the losses ``cross_entropy`` and
  ``nll_loss`` to nats. ``base`` is any positive number except 1.
* **Zeros.** 0 log 0 = 0 and 0 log(0/q) = 0 exactly, with a gradient contribution of 0 (masked
  before the log); p > 0 with q = 0 gives +inf.
* **Types.** The result is a tensor of the input's framework, floating dtype and device; integer
  input is promoted to the framework's default float; float16/bfloat16 accumulate in float32.
  NumPy arrays and Python values beside a framework tensor join that framework. Full reductions
  give 0-d tensors.
* **Errors.** Structural problems (non-numeric input, shapes, axis, base, reduction) always raise;
  value problems (negative, NaN, > 1, not normalized, bad marginals or labels) only with
  ``validate=True`` or :func:`infotheory.set_validation`.
"""
from __future__ import annotations

import math
import numbers
from typing import Any, Optional, Sequence, Tuple, Union

import numpy as np

from . import _validation
from ._dispatch import backend_of
from .backends._base import log_of_base, normalize_axes

Tensor = Any  # a NumPy array, torch.Tensor, tf.Tensor/tf.Variable, mxnet array, or nested list
Axis = Union[int, Tuple[int, ...], None]

_REDUCTIONS = ("mean", "sum", "none")


# --- free argument checks -----------------------------------------------------------------
_LOG_BASES: dict = {}  # validated base -> ln(base)
_AXES: dict = {}  # (axis, ndim) -> normalized axes


def _log_base(fn: str, base) -> float:
    try:
        return _LOG_BASES[base]
    except (KeyError, TypeError):
        pass
    if isinstance(base, bool) or not isinstance(base, numbers.Real):
        raise TypeError(f"{fn}: base must be a real number, got {type(base).__name__}")
    if not (base > 0 and base != 1 and math.isfinite(base)):
        raise ValueError(f"{fn}: base must be positive, finite and not 1, got {base!r}")
    value = log_of_base(float(base))
    if type(base) in (int, float):
        _LOG_BASES[base] = value
    return value


def _kind(B, x) -> str:
    if B.is_native(x):
        return B.dtype_kind(x)
    try:
        return np.asarray(x).dtype.kind
    except ValueError as e:  # ragged nested lists
        raise ValueError(f"is a ragged nested sequence ({e})") from None


def _floats(B, fn: str, **named) -> list:
    """Convert named inputs to native floating tensors; non-native ones join the first native
    one's dtype and device."""
    if len(named) == 1:
        ((name, x),) = named.items()
        if B.is_float_native(x):  # the common case, kept cheap
            return [x]
    like = None
    out = {}
    order = sorted(named, key=lambda k: not B.is_native(named[k]))  # native ones first
    for name in order:
        x = named[name]
        if x is None:
            raise TypeError(f"{fn}: {name} must be an array, a tensor or a number, got NoneType")
        try:
            kind = _kind(B, x)
        except ValueError as e:
            raise ValueError(f"{fn}: {name} {e}") from None
        if kind == "b":
            raise TypeError(f"{fn}: {name} has a boolean dtype; expected real numbers")
        if kind not in "fiu":
            what = "complex" if kind == "c" else "non-numeric"
            raise TypeError(f"{fn}: {name} has a {what} dtype; expected real numbers")
        out[name] = t = B.float_tensor(x, like)
        if like is None and B.is_native(x):
            like = t
    return [out[name] for name in named]


def _axes(fn: str, axis, shape) -> Tuple[int, ...]:
    key = (axis, len(shape))
    try:
        return _AXES[key]
    except (KeyError, TypeError):
        pass
    try:
        axes = normalize_axes(axis, len(shape))
    except (TypeError, ValueError) as e:
        raise type(e)(f"{fn}: {e}") from None
    if type(axis) in (int, tuple) or axis is None:
        _AXES[key] = axes
    return axes


def _broadcast(fn: str, **shapes) -> Tuple[Optional[int], ...]:
    """Broadcast static shapes (``None`` = unknown dimension); ``ValueError`` naming the args."""
    ndim = max(len(s) for s in shapes.values())
    out = []
    for i in range(-ndim, 0):
        dims = {s[i] for s in shapes.values() if len(s) >= -i} - {1}
        known = dims - {None}
        if len(known) > 1:
            desc = ", ".join(f"{k} {tuple(v)}" for k, v in shapes.items())
            raise ValueError(f"{fn}: shapes do not broadcast: {desc}")
        out.append(known.pop() if known else (None if None in dims else 1))
    return tuple(out)


def _need_ndim(fn: str, name: str, shape, n: int) -> None:
    if len(shape) < n:
        raise ValueError(f"{fn}: {name} needs at least {n} dimension(s), got shape {tuple(shape)}")


def _reduction(fn: str, reduction) -> None:
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{fn}: reduction must be one of {_REDUCTIONS}, got {reduction!r}")


# --- the measures -------------------------------------------------------------------------
def self_information(p: Tensor, *, base: float = 2) -> Tensor:
    """Self-information (surprisal) of an event of probability ``p``, elementwise.

    ``I(p) = -log_base(p)``; +inf at p = 0. Shape: that of ``p``. Units: bits by default.

    >>> float(self_information(1 / 64))
    6.0
    """
    fn = "self_information"
    log_base = _log_base(fn, base)
    B = backend_of(p, fn=fn, names=("p",))
    with B.scope():
        (x,) = _floats(B, fn, p=p)
        (xc,), out = B.upcast(x)
        return B.finish(B.cast(B.self_information(xc, log_base), out), p)


def entropy(p: Tensor, *, axis: Axis = -1, base: float = 2, from_logits: bool = False,
            validate: bool = False) -> Tensor:
    """Shannon entropy ``H(p) = -sum_i p_i log_base p_i`` over ``axis``.

    Args:
        p: probabilities (or unnormalized log-probabilities with ``from_logits=True``, normalized
            by a log-softmax over ``axis``).
        axis: the axis or axes of the distribution; ``None`` for all. Other axes are a batch.
        base: logarithm base; 2 gives bits, ``math.e`` nats.
        validate: check that ``p`` is a distribution over ``axis`` (host copy).

    Returns: shape of ``p`` without ``axis``; 0 log 0 = 0.

    >>> round(float(entropy([0.1, 0.5, 0.1, 0.3])), 4)
    1.6855
    """
    return _entropy("entropy", p, axis, base, from_logits, validate)


def _entropy(fn, p, axis, base, from_logits, validate):
    log_base = _log_base(fn, base)
    B = backend_of(p, fn=fn, names=("p",))
    with B.scope():
        (x,) = _floats(B, fn, p=p)
        axes = _axes(fn, axis, B.shape(x))
        if _validation.active(validate):
            if from_logits:
                _validation.logits(fn, "p", B, x)
            else:
                _validation.probabilities(fn, "p", B, x, axes)
        (xc,), out = B.upcast(x)
        return B.finish(B.cast(B.entropy(xc, axes, from_logits, log_base), out), p)


def joint_entropy(p_xy: Tensor, *, axis: Axis = (-2, -1), base: float = 2,
                  validate: bool = False) -> Tensor:
    """Joint entropy ``H(X, Y) = -sum_{x,y} p(x,y) log_base p(x,y)``.

    ``p_xy[..., x, y]`` is reduced over ``axis`` (the last two axes by default); leading axes are
    a batch. Returns shape ``p_xy.shape[:-2]`` by default.

    >>> round(float(joint_entropy([[0.1, 0.5], [0.1, 0.3]])), 4)
    1.6855
    """
    return _entropy("joint_entropy", p_xy, axis, base, False, validate)


def _joint(fn: str, B, p_xy, **marginals):
    """Convert p_xy and the given marginals, check shapes; returns tensors and output dtype."""
    named = {"p_xy": p_xy, **{k: v for k, v in marginals.items() if v is not None}}
    tensors = dict(zip(named, _floats(B, fn, **named)))
    shapes = {k: B.shape(v) for k, v in tensors.items()}
    _need_ndim(fn, "p_xy", shapes["p_xy"], 2)
    _broadcast(fn, **shapes)
    compute, out = B.upcast(*tensors.values())
    return dict(zip(tensors, compute)), out


def conditional_entropy(p_xy: Tensor, p_x: Optional[Tensor] = None, *, base: float = 2,
                        validate: bool = False) -> Tensor:
    """Conditional entropy ``H(Y|X) = -sum_{x,y} p(x,y) log_base(p(x,y) / p(x))``.

    Args:
        p_xy: joint distribution ``p_xy[..., x, y]``; leading axes are a batch.
        p_x: marginal of X. Omitted, it is ``p_xy.sum(-1, keepdims=True)``. Given, it is used as
            given and broadcast against ``p_xy`` (NumPy rules), exactly as the book's formula
            does; so a vector of p(x) needs shape ``(n_x, 1)`` to run along the x axis.
        validate: check p_xy is a joint distribution and p_x its marginal over y.

    Returns: shape ``p_xy.shape[:-2]`` (broadcast with ``p_x``'s leading axes).

    >>> round(float(conditional_entropy([[0.1, 0.5], [0.2, 0.3]], [0.2, 0.8])), 4)
    0.8635
    """
    fn = "conditional_entropy"
    log_base = _log_base(fn, base)
    B = backend_of(p_xy, p_x, fn=fn, names=("p_xy", "p_x"))
    with B.scope():
        t, out = _joint(fn, B, p_xy, p_x=p_x)
        joint = t["p_xy"]
        computed_x = B.sum(joint, (-1,), keepdims=True)
        if _validation.active(validate):
            _validation.probabilities(fn, "p_xy", B, joint, (-2, -1))
            if "p_x" in t:
                _validation.marginal(fn, "p_x", B, t["p_x"], computed_x, "y")
        r = B.conditional_entropy(joint, t.get("p_x", computed_x), log_base)
        return B.finish(B.cast(r, out), p_xy, p_x)


def _marginals(fn, B, p_xy, p_x, p_y, validate):
    t, out = _joint(fn, B, p_xy, p_x=p_x, p_y=p_y)
    joint = t["p_xy"]
    computed = {"p_x": B.sum(joint, (-1,), keepdims=True),
                "p_y": B.sum(joint, (-2,), keepdims=True)}
    if _validation.active(validate):
        _validation.probabilities(fn, "p_xy", B, joint, (-2, -1))
        for name, over in (("p_x", "y"), ("p_y", "x")):
            if name in t:
                _validation.marginal(fn, name, B, t[name], computed[name], over)
    return joint, t.get("p_x", computed["p_x"]), t.get("p_y", computed["p_y"]), out


def mutual_information(p_xy: Tensor, p_x: Optional[Tensor] = None,
                       p_y: Optional[Tensor] = None, *, base: float = 2,
                       validate: bool = False) -> Tensor:
    """Mutual information ``I(X;Y) = sum_{x,y} p(x,y) log_base(p(x,y) / (p(x) p(y)))``.

    ``p_xy[..., x, y]`` is a joint distribution. Omitted marginals are computed from it
    (``p_x`` over y with shape ``(..., n_x, 1)``, ``p_y`` over x with ``(..., 1, n_y)``); given
    ones are used as given and broadcast against ``p_xy`` (as the book's formula does).
    Returns shape ``p_xy.shape[:-2]``; >= 0 for consistent marginals.

    >>> round(float(mutual_information([[0.1, 0.5], [0.1, 0.3]], [0.2, 0.8], [[0.75, 0.25]])), 4)
    0.7195
    """
    fn = "mutual_information"
    log_base = _log_base(fn, base)
    B = backend_of(p_xy, p_x, p_y, fn=fn, names=("p_xy", "p_x", "p_y"))
    with B.scope():
        joint, mx, my, out = _marginals(fn, B, p_xy, p_x, p_y, validate)
        r = B.mutual_information(joint, mx, my, log_base)
        return B.finish(B.cast(r, out), p_xy, p_x, p_y)


def pointwise_mutual_information(p_xy: Tensor, p_x: Optional[Tensor] = None,
                                 p_y: Optional[Tensor] = None, *, base: float = 2) -> Tensor:
    """Pointwise mutual information ``pmi(x, y) = log_base(p(x,y) / (p(x) p(y)))``, elementwise.

    Marginals as in :func:`mutual_information`. Returns the broadcast shape of the inputs;
    exactly -inf where ``p_xy == 0``.
    """
    fn = "pointwise_mutual_information"
    log_base = _log_base(fn, base)
    B = backend_of(p_xy, p_x, p_y, fn=fn, names=("p_xy", "p_x", "p_y"))
    with B.scope():
        joint, mx, my, out = _marginals(fn, B, p_xy, p_x, p_y, False)
        r = B.pointwise_mutual_information(joint, mx, my, log_base)
        return B.finish(B.cast(r, out), p_xy, p_x, p_y)


def kl_divergence(p: Tensor, q: Tensor, *, axis: Axis = -1, base: float = 2,
                  from_logits: bool = False, validate: bool = False) -> Tensor:
    """Kullback-Leibler divergence ``D(P||Q) = sum_i p_i log_base(p_i / q_i)`` over ``axis``.

    Summed term by term (no H(p, q) - H(p) cancellation, no epsilon clipping); 0 log(0/q) = 0 and
    +inf where p > 0 and q = 0. ``p`` and ``q`` broadcast; with ``from_logits=True`` both are
    unnormalized log-probabilities (as in distillation), normalized by a log-softmax over
    ``axis``. Returns the broadcast shape without ``axis``.

    >>> float(kl_divergence([0.5, 0.5], [0.5, 0.5]))
    0.0
    """
    fn = "kl_divergence"
    log_base = _log_base(fn, base)
    B = backend_of(p, q, fn=fn, names=("p", "q"))
    with B.scope():
        x, y = _floats(B, fn, p=p, q=q)
        shape = _broadcast(fn, p=B.shape(x), q=B.shape(y))
        axes = _axes(fn, axis, shape)
        if _validation.active(validate):
            for name, t in (("p", x), ("q", y)):
                if from_logits:
                    _validation.logits(fn, name, B, t)
                else:
                    _validation.probabilities(fn, name, B, t, _axes(fn, axis, B.shape(t)))
        (xc, yc), out = B.upcast(x, y)
        r = B.kl_divergence(xc, yc, axes, from_logits, log_base)
        return B.finish(B.cast(r, out), p, q)


def _predictions(fn: str, B, name: str, x, y):
    """The prediction tensor (classes on the last axis), its shape, and the dtype kind of y."""
    (t,) = _floats(B, fn, **{name: x})
    shape = B.shape(t)
    _need_ndim(fn, name, shape, 1)
    try:
        kind = _kind(B, y)
    except ValueError as e:
        raise ValueError(f"{fn}: y {e}") from None
    return t, shape, kind


def _class_indices(fn: str, B, shape, y, like):
    """Integer class indices ``y`` of shape ``shape[:-1]`` as a native int64 tensor."""
    y_shape = B.shape(y) if B.is_native(y) else np.shape(y)
    want = tuple(shape[:-1])
    if len(y_shape) != len(want) or any(a is not None and b is not None and a != b
                                        for a, b in zip(y_shape, want)):
        raise ValueError(f"{fn}: y holds class indices, so its shape must be "
                         f"{want} (the input's shape without the class axis), got {tuple(y_shape)}")
    return B.label_tensor(y, like)


def _per_label(B, losses_of, labels, n_classes):
    """``losses_of(labels)`` with out-of-range labels clamped, then their losses set to NaN."""
    safe, valid = B.safe_labels(labels, n_classes)
    return B.where(valid, losses_of(safe), math.nan)


def cross_entropy(y_hat: Tensor, y: Tensor, *, from_logits: bool = False,
                  reduction: str = "mean", base: float = math.e, validate: bool = False) -> Tensor:
    """Cross-entropy loss ``-sum_k y_k log_base q_k`` of predictions ``y_hat`` against ``y``.

    Args:
        y_hat: predicted probabilities ``q`` over the last axis, shape ``(..., K)``; or logits
            with ``from_logits=True`` (log-softmax, stable for any magnitude).
        y: integer class indices of shape ``y_hat.shape[:-1]`` (an index outside
            ``[0, K)`` gives a NaN loss; ``validate=True`` raises instead), or probability
            targets broadcastable to ``y_hat``'s shape (0 log q = 0 where a target is 0).
        reduction: ``"mean"`` (over the batch), ``"sum"`` or ``"none"`` (shape ``y_hat.shape[:-1]``).
        base: natural log (nats) by default, like every framework's loss.

    >>> round(float(cross_entropy([[0.3, 0.6, 0.1], [0.2, 0.3, 0.5]], [0, 2])), 4)
    0.9486
    """
    fn = "cross_entropy"
    log_base = _log_base(fn, base)
    _reduction(fn, reduction)
    B = backend_of(y_hat, y, fn=fn, names=("y_hat", "y"))
    with B.scope():
        q, q_shape, kind = _predictions(fn, B, "y_hat", y_hat, y)
        if kind in "iu":
            labels = _class_indices(fn, B, q_shape, y, q)
            if _validation.active(validate):
                _check_pred(fn, B, q, from_logits)
                _validation.labels(fn, "y", B, labels, q_shape[-1])
            (qc,), out = B.upcast(q)
            losses = _per_label(
                B, lambda t: B.cross_entropy_labels(qc, t, from_logits, log_base), labels,
                q_shape[-1])
        elif kind == "f":
            y_shape = B.shape(y) if B.is_native(y) else np.shape(y)
            if tuple(y_shape) == tuple(q_shape[:-1]) and tuple(y_shape) != tuple(q_shape):
                raise TypeError(f"{fn}: y has the shape of class indices {tuple(y_shape)} but a "
                                f"floating dtype; pass integer class indices, or probability "
                                f"targets of shape {tuple(q_shape)}")
            (t,) = _floats(B, fn, y=y) if B.is_native(y) else [B.float_tensor(y, q)]
            _broadcast(fn, y_hat=q_shape, y=B.shape(t))
            if _validation.active(validate):
                _check_pred(fn, B, q, from_logits)
                _validation.probabilities(fn, "y", B, t, (-1,))
            (qc, tc), out = B.upcast(q, t)
            losses = B.cross_entropy_probs(qc, tc, from_logits, log_base)
        else:
            raise TypeError(f"{fn}: y must hold integer class indices or floating probability "
                            f"targets, got a {'boolean' if kind == 'b' else 'non-numeric'} dtype")
        return B.finish(B.cast(B.reduce(losses, reduction), out), y_hat, y)


def _check_pred(fn, B, q, from_logits):
    if from_logits:
        _validation.logits(fn, "y_hat", B, q)
    else:
        _validation.probabilities(fn, "y_hat", B, q, (-1,))


def nll_loss(log_probs: Tensor, y: Tensor, *, reduction: str = "mean",
             validate: bool = False) -> Tensor:
    """Negative log-likelihood loss ``-log_probs[..., y]``, with the semantics of torch's NLLLoss.

    ``log_probs`` has shape ``(..., K)`` (classes on the last axis; for 2-D input this is
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
    B = backend_of(log_probs, y, fn=fn, names=("log_probs", "y"))
    with B.scope():
        lp, shape, kind = _predictions(fn, B, "log_probs", log_probs, y)
        if kind not in "iu":
            what = {"f": "floating", "b": "boolean", "c": "complex"}.get(kind, "non-numeric")
            raise TypeError(f"{fn}: y must hold integer class indices, got a {what} dtype")
        labels = _class_indices(fn, B, shape, y, lp)
        if _validation.active(validate):
            _validation.log_probabilities(fn, "log_probs", B, lp)
            _validation.labels(fn, "y", B, labels, shape[-1])
        (lpc,), out = B.upcast(lp)
        losses = _per_label(B, lambda t: B.nll_loss(lpc, t), labels, shape[-1])
        return B.finish(B.cast(B.reduce(losses, reduction), out), log_probs, y)
