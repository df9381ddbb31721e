"""Building blocks of the measures, written once over a backend's primitives (``B``).

Everything here returns natural-log values (nats). The reduction kernels in :data:`GENERIC` may
be replaced by a backend's fused op (see :attr:`infotheory.Backend.fused`); :func:`call` picks the
fused op when the backend declares it and supports the options of the call, else the generic
version below. The tests run every declared fused op against these.

Zeros: 0 log 0 = 0 and 0 log(0 / q) = 0 by construction (the log's argument is masked before the
log, so value and gradient are finite and an exact zero contributes a gradient of 0).
"""
from __future__ import annotations

import functools
import math
from typing import Callable


def xlogy_masked(B, p, q):
    """``p * log q`` with 0 * log q = 0 for every q (0 included), and a 0 gradient there."""
    return p * B.log(B.where(p != 0, q, 1.0))


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


def entropy_logits(B, z, axis):
    """``-sum p log p`` with ``log p = log_softmax(z)`` over ``axis`` (entropy in nats). A -inf
    logit contributes 0: log-probabilities are raised to at least ``LOG_ZERO``, where the
    probability is exactly 0 in every float dtype, so ``0 * log p`` is 0 with a gradient of 0
    (one op where a mask would take two; raising them to the dtype's lowest value instead
    would overflow to NaN once a gradient factor above 1 multiplies it)."""
    logp = B.log_softmax(z, axis)
    return 0.0 - B.sum(B.exp(logp) * B.maximum(logp, LOG_ZERO), axis)


def kl_logits(B, z, w, axis):
    """``sum p (log p - log q)`` over ``axis`` with ``log p``, ``log q`` the log-softmax of the
    logits ``z`` and ``w`` (KL divergence in nats): 0 where p = 0, +inf where p > 0 = q."""
    logp = B.log_softmax(z, axis)
    return B.sum(plogq_logits(B, B.exp(logp), logp - B.log_softmax(w, axis)), axis)


#: A log-probability below the log of the smallest float64 subnormal (-745): exp gives 0.
LOG_ZERO = -1e4


# --- reduction kernels (a backend may declare a fused replacement) ------------------------
def neg_sum_xlogx(B, p, axis):
    """``-sum p log p`` over ``axis`` (entropy in nats)."""
    return 0.0 - B.sum(xlogy_masked(B, p, p), axis)


def neg_sum_xlogy(B, p, q, axis):
    """``-sum p log q`` over ``axis`` (cross-entropy in nats), 0 log q = 0."""
    return 0.0 - B.sum(xlogy_masked(B, p, q), axis)


def sum_xlogratio(B, p, q, axis):
    """``sum p (log p - log q)`` over ``axis`` (KL divergence in nats); +inf where p > 0 = q.
    A difference of logs, never the log of ``p / q`` (which can overflow or underflow)."""
    nz = p != 0
    return B.sum(p * (B.log(B.where(nz, p, 1.0)) - B.log(B.where(nz, q, 1.0))), axis)


def sum_pmi_terms(B, p_xy, p_x, p_y, axis):
    """``sum p(x,y) log(p(x,y) / (p(x) p(y)))`` over ``axis`` (mutual information in nats)."""
    nz = p_xy != 0
    return B.sum(p_xy * B.where(nz, log_pmi(B, p_xy, p_x, p_y, nz), 0.0), axis)


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


def cross_entropy_labels(B, z, y, weight=None, ignore_index=None, label_smoothing=0.0,
                         reduction="mean"):
    """Cross-entropy of logits ``z`` against class indices ``y`` with torch's options, reduced:
    out-of-range indices give NaN, ``ignore_index`` counts nowhere, the weighted mean divides
    by the counted samples' weights."""
    def per_sample(t):
        return call(B, "cross_entropy_logits", z, t, weight=weight,
                    label_smoothing=label_smoothing)
    return labelled(B, per_sample, z, y, weight, ignore_index, reduction)


# --- neighbour search (the k-NN estimators) ---------------------------------------------------
# Exact, without an n x n matrix. The reference points and the queries are sorted by their first
# coordinate; a block of consecutive sorted queries is compared with one contiguous slice of the
# sorted points, the block +- about sqrt(k n) points (a superset of real points: a k-th smallest
# distance over it can only be too large, never too small). A query whose k-th distance reaches
# past the slice along the first coordinate (a sparse region) is then done over its own strip,
# the sorted points within that distance. For continuous low-dimensional data this is about
# O(n sqrt(k n) d) work in blocks of bounded size; 1-D data takes a window of 2k sorted values.
_BLOCK = 1 << 21  # distance entries computed at once


def _sorted(B, x):
    """``x``'s rows sorted by the first coordinate, that coordinate, and the order."""
    order = B.argsort(x[:, 0])
    s = B.take_rows(x, order)
    return s, s[:, 0], order


def _unsort(B, values, order):
    return B.take(values, B.argsort(order))


def _strip(B, first, q, reach):
    """``[lo, hi)``: the sorted points whose first coordinate is within ``reach`` of each
    query's (one more each side: the rounding of ``q +- reach`` must not leave one out)."""
    n = B.shape(first)[0]
    lo = B.searchsorted(first, q - reach, "left") - 1
    hi = B.searchsorted(first, q + reach, "right") + 1
    return B.where(lo < 0, 0, lo), B.where(hi > n, n, hi)


def _over_strips(B, s, queries, lo, hi, metric, reduce):
    """``reduce(dist, valid, rows)`` of the distances from each query to the sorted points
    ``s[lo:hi]`` (its own strip: gathered, padded to the widest, ``valid`` marking the real
    entries), in chunks of queries ``rows`` of bounded size; concatenated."""
    n, d = B.shape(s)
    width = max(1, B.item(B.amax(hi - lo, None)))  # host: a size
    offsets = B.expand_dims(B.arange(width, lo), 0)
    step = max(1, _BLOCK // (width * d))
    out = []
    for start in range(0, B.shape(queries)[0], step):
        rows = slice(start, start + step)
        idx = B.expand_dims(lo[rows], 1) + offsets
        valid = idx < B.expand_dims(hi[rows], 1)
        cand = B.take_rows(s, B.where(valid, idx, n - 1))
        dist = B.distances(B.expand_dims(queries[rows], 1), cand, metric)[:, 0]
        out.append(reduce(dist, valid, rows))
    return B.concat(out)


def knn_distance(B, x, ref, k, metric, exclude_self):
    """Distance from each row of ``x`` (m, d) to its k-th nearest row of ``ref`` (n, d); with
    ``exclude_self`` (``ref`` is ``x``) the point itself does not count. ``metric``:
    ``"euclidean"`` or ``"chebyshev"`` (max-norm).

    Each block of consecutive sorted queries is first compared with one slice of the sorted
    points around it; the few queries whose k-th distance reaches past that slice along the
    first coordinate (sparse regions) are then done over their own strip."""
    kth = k + 1 if exclude_self else k
    s, first, _ = _sorted(B, ref)
    xs, q, order = _sorted(B, x)
    m, d = B.shape(x)
    n = B.shape(ref)[0]
    if d == 1:  # the k nearest of a scalar are among the kth sorted values on each side
        window = min(n, 2 * kth)
        start = B.searchsorted(first, q, "left") - kth
        start = B.where(start < 0, 0, B.where(start > n - window, n - window, start))
        idx = B.expand_dims(start, 1) + B.expand_dims(B.arange(window, start), 0)
        near = B.take(first, idx)
        return _unsort(B, B.kth_smallest(abs(near - B.expand_dims(q, 1)), kth), order)
    pos = B.to_numpy(B.searchsorted(first, q, "left"))  # host: slice bounds only
    half = max(kth, int(math.sqrt(kth * n)))
    rows = max(1, min(2 * half, _BLOCK // max(1, 4 * half * d)))
    out = []
    for start in range(0, m, rows):
        stop = min(start + rows, m)
        qb, fb = xs[start:stop], q[start:stop]
        lo = max(0, int(pos[start]) - half)
        hi = min(n, max(int(pos[stop - 1]) + half, lo + kth))
        lo = min(lo, hi - kth)
        kd = B.kth_smallest(B.distances(qb, s[lo:hi], metric), kth)
        slo, shi = _strip(B, first, fb, kd)  # kd is exact where this strip is in [lo, hi)
        outside = (slo < lo) | (shi > hi)
        if B.item(B.sum(B.where(outside, 1.0, 0.0 * kd), None)):
            redo = B.flatnonzero(outside)
            exact = _over_strips(B, s, B.take_rows(qb, redo), B.take(slo, redo),
                                 B.take(shi, redo), metric, lambda dist, valid, rows:
                                 B.kth_smallest(B.where(valid, dist, math.inf), kth))
            rank = B.cumsum(outside) - 1
            kd = B.where(outside, B.take(exact, B.where(rank < 0, 0, rank)), kd)
        out.append(kd)
    return _unsort(B, B.concat(out), order)


def count_within(B, x, radius, metric):
    """For each row i of ``x`` (n, d): the number of other rows strictly closer than
    ``radius[i]`` (by binary search for d = 1, over each point's strip otherwise)."""
    if B.shape(x)[1] == 1:
        return _count_within_1d(B, x[:, 0], radius)
    s, first, order = _sorted(B, x)
    r = B.take(radius, order)
    lo, hi = _strip(B, first, first, r)

    def inside(dist, valid, rows):
        closer = valid & (dist < B.expand_dims(r[rows], 1))
        return B.sum(B.where(closer, 1.0, 0.0 * dist), (1,))
    counted = _unsort(B, _over_strips(B, s, s, lo, hi, metric, inside), order)
    return counted - B.where(radius > 0, 1.0, 0.0 * radius)  # the point itself, at distance 0


def _count_within_1d(B, v, radius):
    """:func:`count_within` for scalars by binary search in the sorted values: the points with
    ``|v_j - v_i| < r_i`` form a contiguous range; its ends from ``v_i -+ r_i`` are moved past
    values that the rounding of that sum misplaced (the test is the rounded difference, as a
    k-d tree computes it)."""
    s = B.take(v, B.argsort(v))
    n = B.shape(s)[0]
    last = n - 1
    hi = B.searchsorted(s, v + radius, "left")  # first index past the range
    lo = B.searchsorted(s, v - radius, "right")  # first index in the range
    for _ in range(2):
        hi = B.where((hi < n) & (B.take(s, B.where(hi < n, hi, last)) - v < radius), hi + 1, hi)
        hi = B.where((hi > 0) & (B.take(s, B.where(hi > 0, hi - 1, 0)) - v >= radius), hi - 1, hi)
        lo = B.where((lo > 0) & (v - B.take(s, B.where(lo > 0, lo - 1, 0)) < radius), lo - 1, lo)
        lo = B.where((lo < n) & (v - B.take(s, B.where(lo < n, lo, last)) >= radius), lo + 1, lo)
    inside = B.cast(hi - lo, v.dtype) - 1.0  # less the point itself
    return B.where(radius > 0, inside, 0.0 * radius)  # nothing is closer than 0


GENERIC = {
    "entropy_logits": entropy_logits,
    "kl_logits": kl_logits,
    "knn_distance": knn_distance,
    "count_within": count_within,
    "cross_entropy_labels": cross_entropy_labels,
    "neg_sum_xlogx": neg_sum_xlogx,
    "neg_sum_xlogy": neg_sum_xlogy,
    "sum_xlogratio": sum_xlogratio,
    "sum_pmi_terms": sum_pmi_terms,
    "cross_entropy_logits": cross_entropy_logits,
}


_NUMBERS = (bool, int, float)
_FUSED = {name: "fused_" + name for name in GENERIC}  # method names, made once


def call(B, name: str, *args, **options):
    """Kernel ``name`` on ``args``: the backend's fused op if it declares one that supports the
    options given (those with a truthy value), else the generic kernel."""
    fused = _fused_op(B, name, options)
    if fused is not None:
        out = fused(*args, **options)
        if out is not NotImplemented:
            return out
    return GENERIC[name](B, *args, **options)


def resolve(B, name: str, **options) -> Callable:
    """:func:`call` with the kernel chosen once, for a remembered call's plan: a function of
    the kernel's positional arguments (a fused op that returns NotImplemented for them falls
    back to the generic kernel, as in ``call``)."""
    generic = functools.partial(GENERIC[name], B, **options)
    fused = _fused_op(B, name, options)
    if fused is None:
        return generic
    fused = functools.partial(fused, **options)

    def kernel(*args):
        out = fused(*args)
        return generic(*args) if out is NotImplemented else out
    return kernel


def _fused_op(B, name: str, options):
    """The backend's fused op for kernel ``name`` if it declares one that supports the options
    given (those in use), else None."""
    supported = B.fused.get(name)
    if supported is not None and (options.keys() <= supported or _unused(options, supported)):
        return getattr(B, _FUSED[name])
    return None


def _unused(options, supported) -> bool:
    """True if every option the fused op lacks is not in use (None, False or 0; a tensor always
    is)."""
    for k, v in options.items():
        if k not in supported and v is not None and (v != 0 if type(v) in _NUMBERS else True):
            return False
    return True
