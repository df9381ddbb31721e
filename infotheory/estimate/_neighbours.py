"""Exact k-nearest-neighbour search over a backend's primitives, for the k-NN estimators.

Distances are in the samples' units (not nats). ``knn_distance`` and ``count_within`` are
fusable blocks (:func:`infotheory._kernels.fusable`): SciPy's k-d tree replaces them for NumPy
arrays and for torch, TensorFlow and MXNet tensors on the CPU (``Backend.host_array``), compiled
brute-force kernels for JAX; the search below runs for the rest (a GPU's tensors). Unlike the measures, the search reads a few sizes on the
host (a strip's width, whether any query needs a second pass), so it runs eagerly.

The search, without an n x n matrix: the reference points and the queries are sorted by their
first coordinate; a block of consecutive sorted queries is compared with one contiguous slice of
the sorted points, the block +- about sqrt(k n) points (a superset of real points: a k-th
smallest distance over it can only be too large, never too small). A query whose k-th distance
reaches past the slice along the first coordinate (a sparse region) is then done over its own
strip, the sorted points within that distance. For continuous low-dimensional data this is about
O(n sqrt(k n) d) work in blocks of bounded size; 1-D data takes a window of 2k sorted values.
"""
from __future__ import annotations

import math

from .._kernels import fusable

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


@fusable
def knn_distance(B, x, ref, k, metric, exclude_self):
    """Distance from each row of ``x`` (m, d) to its k-th nearest row of ``ref`` (n, d); with
    ``exclude_self`` (``ref`` is ``x``) the point itself does not count. ``metric``:
    ``"euclidean"`` or ``"chebyshev"`` (max-norm).

    Each block of consecutive sorted queries is first compared with one slice of the sorted
    points around it; the few queries whose k-th distance reaches past that slice along the
    first coordinate (sparse regions) are then done over their own strip."""
    kth = k + 1 if exclude_self else k
    s, first, order = _sorted(B, ref)
    xs, q, order = (s, first, order) if x is ref else _sorted(B, x)
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


@fusable
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
    k-d tree computes it). A move crosses a whole run of equal values at once (tied data: a
    value at the boundary may be repeated any number of times), and the test is monotone in
    the sorted values, so two moves each way settle the ends."""
    order = B.argsort(v)
    s = B.take(v, order)
    # the queries in sorted order too: each binary search then walks near the last one (3x
    # faster than random queries at 1e5), and the counts are put back in v's order at the end
    v, radius = s, B.take(radius, order)
    n = B.shape(s)[0]
    last = n - 1
    run_start = B.searchsorted(s, s, "left")  # of the run of equal values at each index
    run_end = B.searchsorted(s, s, "right")  # one past it
    hi = B.searchsorted(s, v + radius, "left")  # first index past the range
    lo = B.searchsorted(s, v - radius, "right")  # first index in the range
    for _ in range(2):
        at = B.where(hi < n, hi, last)
        hi = B.where((hi < n) & (B.take(s, at) - v < radius), B.take(run_end, at), hi)
        before = B.where(hi > 0, hi - 1, 0)
        hi = B.where((hi > 0) & (B.take(s, before) - v >= radius), B.take(run_start, before), hi)
        before = B.where(lo > 0, lo - 1, 0)
        lo = B.where((lo > 0) & (v - B.take(s, before) < radius), B.take(run_start, before), lo)
        at = B.where(lo < n, lo, last)
        lo = B.where((lo < n) & (v - B.take(s, at) >= radius), B.take(run_end, at), lo)
    inside = B.cast(hi - lo, v.dtype) - 1.0  # less the point itself
    return _unsort(B, B.where(radius > 0, inside, 0.0 * radius), order)  # none closer than 0
