"""The NumPy backend's reductions: the terms of its fused entropy, cross-entropy and KL kernels
written into given buffers (no masked ufunc), summed with float64 accumulation, and long flat
reductions over cache-sized chunks."""
from __future__ import annotations

import contextlib

import numpy as np

from ._base import ROUNDING, probability_high

_PAIRWISE_BLOCK = 8192  # NumPy's pairwise summation works on blocks of this many terms


#: A KL row below this is recomputed with ``log1p((p - q) / q)`` for the terms where p/q is
#: in [1/2, 2] (SciPy's ``rel_entr``): a difference of logs has an absolute error of about
#: eps * |log p|, which is most of a KL of 1e-13.
_NEARLY_EQUAL = 0.0625


def _nearly_equal_rows(terms, p, q, nz, small, axis):
    """The KL rows flagged ``small`` (keepdims shape), with their close terms recomputed."""
    idx = np.flatnonzero(np.broadcast_to(small, terms.shape) & nz)
    pp = np.broadcast_to(p, terms.shape).flat[idx]
    qq = np.broadcast_to(q, terms.shape).flat[idx]
    with np.errstate(divide="ignore", invalid="ignore"):
        r = (pp - qq) / qq  # exact but for one rounding where p ~ q (Sterbenz)
        close = (r >= -0.5) & (r <= 1.0)
        terms.flat[idx[close]] = pp[close] * np.log1p(r[close])
    return _total(terms, axis, keepdims=True)


def _total(terms, axis, keepdims=False):
    """Sum. Past one pairwise block of float16/float32 terms the sum is accumulated in float64:
    a float32 entropy of 10^7 uniform outcomes was 2.2e-4 bits off with NumPy's own float32
    sum, and is below 2e-6 bits with this (``tests/pipeline/test_bad_inputs.py`` pins it)."""
    if terms.dtype.itemsize < 8 and terms.size > _PAIRWISE_BLOCK:
        return terms.sum(axis, dtype=np.float64, keepdims=keepdims).astype(terms.dtype)
    return np.add.reduce(terms, axis=axis, keepdims=keepdims)


#: The largest probability the row checks let through, per dtype size (ROUNDING above 1).
_HIGH = {size: probability_high(size) for size in ROUNDING}


# --- the terms of the fused reductions, written into given buffers --------------------------
# No masked ufunc: NumPy's ``where=`` loops are not vectorized (a masked log of 10^7 float32
# took 2.4x a plain one). Where p = 0 the logs are taken of ``x + 1`` (finite for x in [0, 1]),
# so that ``p * log`` is 0 for any q; a negative or NaN p still gives NaN.
def _xlogx_into(p, out):
    """``p log p`` per entry into ``out``: 0 where p = 0, NaN where p < 0 or NaN."""
    np.add(p, ~p.astype(bool), out=out)  # p + 1 where p = 0 (astype: 4x faster than p == 0)
    np.log(out, out=out)  # negative p: NaN (NumPy warns), as everywhere
    return np.multiply(out, p, out=out)


def _xlogy_into(p, q, out, zero):
    """``p log q`` per entry into ``out`` (``q``'s broadcast with ``p``), 0 where p = 0."""
    np.logical_not(p, out=zero)
    np.add(q, zero, out=out)
    np.log(out, out=out, **_QUIET)
    return np.multiply(out, p, out=out)


def _xlogratio_into(p, q, out, log_q, zero):
    """``p (log p - log q)`` per entry into ``out``, 0 where p = 0: a difference of logs,
    never ``log(p / q)`` (the ratio can overflow or lose subnormal accuracy)."""
    np.logical_not(p, out=zero)
    np.add(p, zero, out=out)
    np.log(out, out=out, **_QUIET)
    np.add(q, zero, out=log_q)
    np.log(log_q, out=log_q, **_QUIET)
    np.subtract(out, log_q, out=out, **_QUIET)
    return np.multiply(out, p, out=out, **_QUIET)


def _xlogx(p):
    """``p log p`` per entry (a fresh array). A small array takes a masked log: one NumPy
    call less (a small call's cost is its calls: 4-vector entropy 10.5 -> 10.0 us)."""
    if p.size <= 4096:
        out = np.zeros(p.shape, p.dtype)
        np.log(p, out=out, where=p.astype(bool))  # negative p: NaN (NumPy warns)
        return np.multiply(out, p, out=out)
    return _xlogx_into(p, np.empty(p.shape, p.dtype))


def _shape(p, q):
    return p.shape if p.shape == q.shape else np.broadcast_shapes(p.shape, q.shape)


def _dtype(p, q):
    return p.dtype if p.dtype == q.dtype else np.result_type(p, q)


if np.lib.NumpyVersion(np.__version__) < "2.0.0":
    # NumPy 1's errstate costs 2.5 us a call (a fifth of a small KL); an ufunc's own error
    # mask (extobj, gone in NumPy 2, whose errstate is cheap) costs nothing
    _QUIET = {"extobj": [np.getbufsize(), 0, None]}
    _quiet = contextlib.nullcontext
else:
    _QUIET = {}

    def _quiet():
        return np.errstate(divide="ignore", invalid="ignore")


#: Entries per chunk of a long flat reduction: its buffers stay in the cache, each input is
#: read once, and no full-size temporary is allocated (10^7 float32: KL 39 -> 24 ms).
_CHUNK = 1 << 16


#: The most cells of a table over the labels' ranges that ``label_table`` counts (32 MiB).
_MAX_SPANNED_TABLE = 1 << 22


def _long_and_flat(axis, *xs):
    """True for a reduction of everything over C-contiguous arrays of one shape, longer than
    two chunks: the one :func:`_sum_by_chunks` computes."""
    x = xs[0]
    return x.size > 2 * _CHUNK and (axis is None or x.ndim == 1) \
        and all(y.shape == x.shape and y.flags.c_contiguous for y in xs)


def _sum_by_chunks(terms_into, xs, buffer_dtypes) -> float:
    """``sum(terms_into(*xs, *buffers))`` over chunks of the flat arrays ``xs``, accumulated in
    float64 (as :func:`_total`), with buffers of one chunk of ``buffer_dtypes``."""
    flat = [x.reshape(-1) for x in xs]
    buffers = [np.empty(_CHUNK, d) for d in buffer_dtypes]
    n, s = flat[0].size, 0.0
    for i in range(0, n, _CHUNK):
        m = min(_CHUNK, n - i)
        s += float(terms_into(*[f[i:i + m] for f in flat], *[b[:m] for b in buffers])
                   .sum(dtype=np.float64))
    return s
