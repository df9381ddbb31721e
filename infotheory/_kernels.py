"""Building blocks of the measures, written once over a backend's primitives (``B``).

Everything here returns natural-log values (nats). A block decorated with :func:`fusable` may be
replaced by a backend's fused op: the backend names the block in :attr:`Backend.fused` with the
options its op supports and defines the method ``fused_<block>``. Callers call the block as a
function (``K.neg_sum_xlogx(B, p, axis)``); the block takes the fused op when the backend
declares one that supports the options in use (an option is in use when it differs from the
block's default), else runs the generic code below. The tests run every declared fused op
against the generic one (``kernel.generic``).

Zeros: 0 log 0 = 0 and 0 log(0 / q) = 0 by construction (the log's argument is masked before the
log, so value and gradient are finite and an exact zero contributes a gradient of 0).
"""
from __future__ import annotations

import functools
import inspect
import math
from typing import Callable, Dict

from .backends._base import ROUNDING  # noqa: F401 (the docstrings refer to it)
from .backends._base import LOG_ZERO, probability_high

#: Every fusable block by name (the names a backend may declare in ``Backend.fused``).
FUSABLE: Dict[str, Callable] = {}


def fusable(generic: Callable) -> Callable:
    """Make ``generic(B, *args, **options)`` replaceable by a backend's ``fused_<name>`` op.

    The op is taken when the backend declares ``name`` in ``Backend.fused`` and every option in
    use (one that differs from ``generic``'s default: ``ignore_index=0`` is in use, ``None`` is
    not) is among those it supports; it may return ``NotImplemented`` to decline a call. The op
    takes the block's parameters (after ``B``) in the block's order, options by position or by
    name as the caller gives them. The generic code stays reachable as ``kernel.generic``."""
    name = generic.__name__
    method = "fused_" + name
    params = list(inspect.signature(generic).parameters.values())[1:]  # after B
    defaults = {p.name: p.default for p in params if p.default is not inspect.Parameter.empty}
    positional = len(params) - len(defaults)  # the tensors; options follow, with defaults
    option_names = tuple(defaults)
    by_position = [option_names[:i] for i in range(len(option_names) + 1)]

    @functools.wraps(generic)
    def kernel(B, *args, **options):
        supported = B.fused.get(name)
        if supported is not None and (
                (not options and len(args) == positional)  # the common case: tensors only
                # (then two set tests: the op supports every option given)
                or (supported.issuperset(by_position[len(args) - positional])
                 and supported.issuperset(options))
                or _in_use_supported(supported, args[positional:], option_names, options,
                                     defaults)):
            out = getattr(B, method)(*args, **options)
            if out is not NotImplemented:
                return out
        return generic(B, *args, **options)

    kernel.generic = generic
    FUSABLE[name] = kernel
    return kernel


def _in_use_supported(supported, extra, option_names, options, defaults) -> bool:
    """Every option in use (given by position after the tensors, or by name) is supported."""
    for k, v in zip(option_names, extra):
        if k not in supported and not _is_default(v, defaults[k]):
            return False
    for k, v in options.items():
        if k not in supported and not _is_default(v, defaults.get(k)):
            return False
    return True


def _is_default(v, default) -> bool:
    if v is default:
        return True
    if v is None or default is None or isinstance(v, bool) or isinstance(default, bool):
        return False
    return type(v) in (int, float, str) and type(default) in (int, float, str) and v == default


def xlogy_masked(B, p, q):
    """``p * log q`` with 0 * log q = 0 for every q (0 included), and a 0 gradient there."""
    return p * B.log(B.where(p != 0, q, 1.0))


def unit_rows(B, r, x, axis, keepdims: bool = False, low: bool = True):
    """``r`` with NaN where ``x``'s row over ``axis`` has an entry below 0 or above 1 (beyond
    the rounding of a sum: :data:`ROUNDING` ulps): logits or counts passed as probabilities give
    NaN, not a number that looks real. A reduction or two over ``x`` and a select on the result;
    no host read. ``low=False`` where every nonzero entry of ``x`` has its log taken (an entry
    below 0 is NaN already): only the maximum is checked."""
    if 0 in B.shape(x):  # no entry: nothing to check (and some frameworks' min refuses)
        return r
    high = _high(B, x)
    bad = B.outside_unit(x, axis, keepdims, high) if low else B.amax(x, axis, keepdims) > high
    return B.where(bad, math.nan, r)


def unit_entries(B, r, x):
    """``r`` (of ``x``'s shape, or broadcast with it) with NaN where the entry of ``x`` is below
    0 or above 1 (beyond :data:`ROUNDING`): an elementwise measure of a probability that cannot
    be one (``-log 1.2`` would pass for a negative surprisal)."""
    return B.where((x < 0.0) | (x > _high(B, x)), math.nan, r)


def _high(B, x) -> float:
    """The largest value of ``x``'s dtype that still counts as a probability (1 + rounding)."""
    return probability_high(B.itemsize(x))



def log_or_neg_inf(B, x):
    """``log x`` (-inf at 0) whose gradient at an exact 0 is 0, not inf."""
    nz = x != 0
    return B.where(nz, B.log(B.where(nz, x, 1.0)), -math.inf)


def log_pmi(B, p_xy, p_x, p_y, nz):
    """``log p(x,y) - log p(x) - log p(y)`` with p(x,y) masked to 1 where ``nz`` is false.
    Differences of logs: a product of tiny marginals cannot underflow to 0."""
    return B.log(B.where(nz, p_xy, 1.0)) - log_or_neg_inf(B, p_x) - log_or_neg_inf(B, p_y)


def plogq_logits(B, p, logq):
    """``p * logq`` for log-probabilities ``logq`` (may be -inf), 0 where ``p == 0``."""
    return p * B.where(p != 0, logq, 0.0)


@fusable
def entropy_logits(B, z, axis):
    """``-sum p log p`` with ``log p = log_softmax(z)`` over ``axis`` (entropy in nats). A -inf
    logit contributes 0: log-probabilities are raised to at least ``LOG_ZERO``, where the
    probability is exactly 0 in every float dtype, so ``0 * log p`` is 0 with a gradient of 0
    (one op where a mask would take two; raising them to the dtype's lowest value instead
    would overflow to NaN once a gradient factor above 1 multiplies it)."""
    return entropy_of_log(B, B.log_softmax(z, axis), axis)


def entropy_of_log(B, logp, axis):
    """``-sum p log p`` over ``axis`` of normalized log-probabilities ``logp``, floored at
    ``LOG_ZERO`` (see :func:`entropy_logits`)."""
    return 0.0 - B.sum(B.exp(logp) * B.maximum(logp, LOG_ZERO), axis)


def log_softmax_and_mean(B, z, s: int, a: int, n: int):
    """The log-softmax of logits ``z`` over axis ``a``, and the log of its mean probability
    over the ``n`` samples along axis ``s`` (kept, size 1): a log-mean-exp with the maximum
    taken out, so samples that agree give their own log-probabilities exactly (``exp(0) = 1``,
    summed ``n`` times and divided by ``n``)."""
    logp = B.log_softmax(z, (a,))
    m = B.amax(logp, (s,), keepdims=True)
    m = B.where(m == -math.inf, 0.0, m)  # a class no sample gives any probability
    mean = B.sum(B.exp(logp - m), (s,), keepdims=True) * (1.0 / n)
    return logp, m + log_or_neg_inf(B, mean)


@fusable
def bald_logits(B, z, s, a, n):
    """BALD in nats of logits ``z`` (``n`` samples along ``s``, classes along ``a``):
    ``sum_s (H[p_bar] - H[p_s]) / n``, both entropies by one kernel, so that samples that
    agree give 0 exactly."""
    logp, log_mean = log_softmax_and_mean(B, z, s, a, n)
    h = entropy_of_log(B, logp, (a,))
    h_bar = entropy_of_log(B, log_mean, (a,))
    return B.sum(h_bar - h, (s if s < a else s - 1,)) * (1.0 / n)


@fusable
def kl_logits(B, z, w, axis):
    """``sum p (log p - log q)`` over ``axis`` with ``log p``, ``log q`` the log-softmax of the
    logits ``z`` and ``w`` (KL divergence in nats): 0 where p = 0, +inf where p > 0 = q."""
    logp = B.log_softmax(z, axis)
    return B.sum(plogq_logits(B, B.exp(logp), logp - B.log_softmax(w, axis)), axis)


# --- reductions (a backend may declare a fused replacement) --------------------------------
@fusable
def neg_sum_xlogx(B, p, axis):
    """``-sum p log p`` over ``axis`` (entropy in nats)."""
    return 0.0 - B.sum(xlogy_masked(B, p, p), axis)


@fusable
def entropy_of_probabilities(B, p, axis):
    """:func:`neg_sum_xlogx` (entropy in nats) with NaN for a row that has an entry above 1
    (an entry below 0 has its log taken: NaN already). One block, so that a backend can check
    the rows in the pass that computes the terms."""
    return unit_rows(B, neg_sum_xlogx(B, p, axis), p, axis, low=False)


@fusable
def neg_sum_xlogy(B, p, q, axis):
    """``-sum p log q`` over ``axis`` (cross-entropy in nats), 0 log q = 0."""
    return 0.0 - B.sum(xlogy_masked(B, p, q), axis)


@fusable
def sum_xlogratio(B, p, q, axis):
    """``sum p (log p - log q)`` over ``axis`` (KL divergence in nats); +inf where p > 0 = q.
    A difference of logs, never the log of ``p / q`` (which can overflow or underflow)."""
    nz = p != 0
    return B.sum(p * (B.log(B.where(nz, p, 1.0)) - B.log(B.where(nz, q, 1.0))), axis)


@fusable
def kl_of_probabilities(B, p, q, axis):
    """:func:`sum_xlogratio` (KL in nats) with NaN for a row where p has an entry above 1 or q
    an entry outside [0, 1] or NaN (q < 0 where p = 0 has no log taken). One block, so that a
    backend can check the rows in the call that computes the terms."""
    kl = unit_rows(B, sum_xlogratio(B, p, q, axis), p, axis, low=False)
    return unit_rows(B, kl, q, axis)


@fusable
def sum_pmi_terms(B, p_xy, p_x, p_y, axis):
    """``sum p(x,y) log(p(x,y) / (p(x) p(y)))`` over ``axis`` (mutual information in nats)."""
    nz = p_xy != 0
    return B.sum(p_xy * B.where(nz, log_pmi(B, p_xy, p_x, p_y, nz), 0.0), axis)


@fusable
def cross_entropy_logits(B, z, y, weight=None, label_smoothing=0.0):
    """Per-sample ``-w[y] log_softmax(z)[..., y]`` for logits ``z`` and valid class indices
    ``y``; with label smoothing ``eps``, mixed as ``(1 - eps) * that + eps / K * sum_k -w_k
    log_softmax(z)_k`` (torch's ``F.cross_entropy(..., reduction="none")``)."""
    return label_losses(B, B.log_softmax(z, (-1,)), y, weight, label_smoothing)


def label_losses(B, logq, y, weight=None, label_smoothing=0.0):
    """Per-sample ``-w[y] logq[..., y]`` for log-probabilities ``logq`` and valid indices ``y``,
    mixed with ``-sum_k w_k logq_k / K`` by label smoothing."""
    nll = 0.0 - B.take_last(logq, y)
    if weight is not None:
        nll = nll * B.take(weight, y)
    if not label_smoothing:
        return nll
    smooth = 0.0 - B.sum(logq if weight is None else logq * weight, (-1,))
    return nll * (1.0 - label_smoothing) + smooth * per_class(B, label_smoothing, logq)


def label_losses_of_probabilities(B, q, y, weight=None, label_smoothing=0.0):
    """:func:`label_losses` of ``log q`` for probabilities ``q``; without smoothing only the
    picked probabilities' logs are taken (a full-size log and its backward were a third of a
    training step, and its gradient was NaN at a probability of 0 elsewhere in the row)."""
    if label_smoothing:
        return label_losses(B, log_or_neg_inf(B, q), y, weight, label_smoothing)
    nll = 0.0 - B.log(B.take_last(q, y))
    return nll if weight is None else nll * B.take(weight, y)


@fusable
def bce_logits(B, z, y, pos_weight=None):
    """Per-element binary cross-entropy of logits ``z`` against targets ``y`` (nats):
    ``-(c y log sigmoid(z) + (1 - y) log(1 - sigmoid(z)))``, ``c`` the ``pos_weight`` (1 if
    None); at an infinite logit a certain, right prediction costs 0 (0 log 0 = 0)."""
    log_q, log_not_q = 0.0 - B.softplus(0.0 - z), 0.0 - B.softplus(z)
    pos = zero_times_inf(B, y, log_q)
    if pos_weight is not None:
        pos = pos * pos_weight
    return 0.0 - (pos + zero_times_inf(B, 1.0 - y, log_not_q))


def zero_times_inf(B, y, log_q):
    """``y * log_q``, 0 where ``y`` is 0 and ``log_q`` is -inf (an infinite logit: a certain,
    right prediction costs 0). Only that product is replaced, so the gradient in ``y`` stays
    ``log_q`` at ``y = 0`` for finite logits; a NaN logit stays NaN through the other term."""
    t = y * log_q
    return B.where((y == 0) & (t != t), 0.0, t)


def per_class(B, amount: float, like):
    """``amount / K`` for the size K of ``like``'s last axis (a tensor when K is unknown until
    run time, as in a TensorFlow graph)."""
    n = B.dim(like, -1)
    return amount / (n if isinstance(n, int) else B.cast(n, like.dtype))


# --- losses over class indices -------------------------------------------------------------
def reduce(B, losses, reduction: str, denominator=None):
    """``"mean"`` (over the samples, or ``sum(losses) / denominator`` when given), ``"sum"``
    or ``"none"``."""
    if reduction == "mean":
        if denominator is None:
            return B.mean(losses)
        return B.sum(losses, None) / denominator
    if reduction == "sum":
        return B.sum(losses, None)
    return losses


def labelled(B, per_sample, pred, y, weight, ignore_index, reduction):
    """Per-sample losses for class indices: ``per_sample(safe_labels)`` (weighted by
    ``weight[y]`` inside), 0 for ``ignore_index``, NaN for other indices outside ``[0, K)``;
    reduced with torch's weighted mean (divided by the weights of the samples that count)."""
    inrange = (y >= 0) & (y < B.dim(pred, -1))
    safe = B.where(inrange, y, 0)
    losses = per_sample(safe)
    if ignore_index is None:
        losses = B.where(inrange, losses, math.nan)
        counted = None
    else:
        counted = y != ignore_index
        losses = B.where(counted, B.where(inrange, losses, math.nan), 0.0)
    if reduction != "mean" or (weight is None and counted is None):
        return reduce(B, losses, reduction)
    if weight is None:
        denominator = B.sum(B.cast(counted, pred.dtype), None)  # samples that count
    else:
        w = B.take(weight, safe)
        denominator = B.sum(w if counted is None else B.where(counted, w, 0.0), None)
    return reduce(B, losses, reduction, denominator)


@fusable
def cross_entropy_labels(B, z, y, weight=None, ignore_index=None, label_smoothing=0.0,
                         reduction="mean"):
    """Cross-entropy of logits ``z`` against class indices ``y`` with torch's options, reduced:
    out-of-range indices give NaN, ``ignore_index`` counts nowhere, the weighted mean divides
    by the counted samples' weights."""
    def per_sample(t):
        return cross_entropy_logits(B, z, t, weight=weight, label_smoothing=label_smoothing)
    return labelled(B, per_sample, z, y, weight, ignore_index, reduction)
