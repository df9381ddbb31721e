"""NumPy backend: also the home of Python scalars and nested lists (as float64)."""
from __future__ import annotations

import math

import numpy as np

from ._base import ROUNDING, Backend

_LOW_PRECISION = (np.dtype(np.float16),)
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
_HIGH = {size: 1.0 + eps for size, eps in ROUNDING.items()}


class NumpyBackend(Backend):
    name = "numpy"
    module_name = "numpy"
    distributions = ("numpy",)
    # NumPy has no autograd: its kernels write into one output buffer (ufuncs with out= and
    # where=), with no temporaries beyond a mask.
    # The k-NN kernels use SciPy's k-d tree (cKDTree, backends/_tree.py) when SciPy is
    # installed: O(n log n) instead of the generic brute force's O(n^2).
    fused = {"neg_sum_xlogx": frozenset(), "entropy_of_probabilities": frozenset(),
             "neg_sum_xlogy": frozenset(),
             "sum_xlogratio": frozenset(), "sum_pmi_terms": frozenset(),
             "knn_distance": frozenset(), "count_within": frozenset()}

    def is_native(self, x):
        return isinstance(x, (np.ndarray, np.generic))

    def signature(self, x):
        if type(x) is np.ndarray:  # (the common case, without the generic checks)
            return (np.ndarray, x.dtype, x.shape)
        return super().signature(x)

    def version(self):
        return np.__version__

    def import_framework(self):
        return np

    def from_numpy(self, a, variant=None):
        return np.array(a)

    def to_numpy(self, x):
        return np.asarray(x)

    def float_tensor(self, x, like=None):
        a = np.asarray(x)
        if a.dtype.kind == "f":
            return a
        return a.astype(like.dtype if like is not None else np.float64)

    def is_float_native(self, x):
        return type(x) is np.ndarray and x.dtype.kind == "f"

    def label_tensor(self, y, like):
        return np.asarray(y).astype(np.int64, copy=False)

    def dtype_kind(self, x):
        return np.asarray(x).dtype.kind

    def shape(self, x):
        return x.shape if type(x) is np.ndarray else tuple(np.shape(x))

    def upcast(self, *xs):
        if len(xs) == 1 and xs[0].dtype.itemsize >= 4:
            return list(xs), xs[0].dtype
        out = xs[0].dtype if len(xs) == 1 else np.result_type(*xs)
        compute = np.float32 if out in _LOW_PRECISION else out
        return [x.astype(compute, copy=False) for x in xs], out

    def cast(self, x, dtype):
        return x if getattr(x, "dtype", None) == dtype else np.asarray(x).astype(dtype)

    def itemsize(self, x):
        return np.asarray(x).dtype.itemsize

    def finish(self, x, *inputs):
        # a 0-d result is a NumPy scalar, as np.sum gives (round(), json, hashing, pandas)
        a = np.asarray(x)
        return a[()] if a.ndim == 0 else a

    # log(0) = -inf and p / 0 = inf are intended results here, not accidents to warn about.
    def log(self, x):
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log(x)

    def exp(self, x):
        with np.errstate(over="ignore"):
            return np.exp(x)

    def expm1(self, x):
        with np.errstate(over="ignore"):
            return np.expm1(x)

    def log1p(self, x):
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log1p(x)

    def where(self, cond, a, b):
        return np.where(cond, a, b)

    def sum(self, x, axis, keepdims=False):
        return _total(np.asarray(x), axis, keepdims)

    def amax(self, x, axis, keepdims=False):
        if np.size(x) == 0:
            shape = np.sum(x, axis=axis, keepdims=keepdims).shape
            return np.full(shape, -np.inf, x.dtype)
        return np.max(x, axis=axis, keepdims=keepdims)

    def log_softmax(self, x, axis):
        with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
            return super().log_softmax(x, axis)

    def maximum(self, x, value):
        return np.maximum(x, value)

    def take_last(self, x, idx):
        return np.take_along_axis(x, idx[..., None], axis=-1)[..., 0]

    def expand_dims(self, x, axis):
        return np.expand_dims(x, axis)

    def take(self, x, idx):
        return np.take(x, idx)

    def softplus(self, x):
        return np.logaddexp(0.0, x)

    def mean(self, x):
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.mean(x) if np.size(x) else np.asarray(np.nan, x.dtype)

    # --- fused kernels (same results as infotheory._kernels, one buffer) -----------------
    @staticmethod
    def _buffer(*xs):
        shape = np.broadcast_shapes(*(x.shape for x in xs))
        return np.zeros(shape, np.result_type(*xs))

    def finalize(self, r, log_base, nonnegative, dtype):
        if type(r) is not np.ndarray or r.ndim == 0:  # a full reduction: Python arithmetic (NumPy's values are on the host)
            v = float(r)
            if nonnegative and -math.inf < v < 0:
                v = 0.0
            if log_base is not None:
                v = v / log_base
            return np.asarray(v, dtype=dtype)
        return super().finalize(np.asarray(r), log_base, nonnegative, dtype)

    def fused_neg_sum_xlogx(self, p, axis):
        return 0.0 - _total(_xlogx(p), axis)

    def fused_entropy_of_probabilities(self, p, axis):
        t = _xlogx(p)
        s = _total(t, axis)
        if p.size == 0:
            return 0.0 - s
        # the row check in the same call, on the host as NumPy's values are (the generic
        # block's amax and select cost as much again on a small input)
        bad = np.maximum.reduce(p, axis) > _HIGH[p.itemsize]
        if type(s) is np.ndarray and s.ndim:
            h = 0.0 - s  # (0 - 0 is +0, where -0.0 would be -0)
            h[bad] = math.nan
            return h
        # one value: negated as a Python float (a NumPy scalar's arithmetic costs 20x more)
        return s.dtype.type(math.nan if bad else 0.0 - float(s))

    def fused_neg_sum_xlogy(self, p, q, axis):
        out = self._buffer(p, q)
        with np.errstate(divide="ignore", invalid="ignore"):
            np.log(q, out=out, where=np.broadcast_to(p != 0, out.shape))
            np.multiply(out, p, out=out)
        return 0.0 - _total(out, axis)

    def fused_sum_xlogratio(self, p, q, axis):
        # log p - log q, never log(p / q): the ratio can overflow or lose subnormal accuracy.
        nz = np.broadcast_to(p != 0, np.broadcast_shapes(p.shape, q.shape))
        out = self._buffer(p, q)
        with np.errstate(divide="ignore", invalid="ignore"):
            np.log(np.broadcast_to(p, out.shape), out=out, where=nz)
            np.subtract(out, np.log(q), out=out, where=nz)
            np.multiply(out, p, out=out)
        kl = _total(out, axis, keepdims=True)
        small = np.abs(kl) < _NEARLY_EQUAL
        if small.any():
            kl = _nearly_equal_rows(out, p, q, nz, small, axis)
        return kl.reshape(()) if axis is None else np.squeeze(kl, axis)

    def fused_sum_pmi_terms(self, p_xy, p_x, p_y, axis):
        out = self._buffer(p_xy, p_x, p_y)
        nz = np.broadcast_to(p_xy != 0, out.shape)
        with np.errstate(divide="ignore", invalid="ignore"):
            np.log(np.broadcast_to(p_xy, out.shape), out=out, where=nz)
            np.subtract(out, np.log(p_x), out=out, where=nz)  # marginals: small arrays
            np.subtract(out, np.log(p_y), out=out, where=nz)
            np.multiply(out, p_xy, out=out)
        return _total(out, axis)

    # --- estimator primitives ---------------------------------------------------------
    def amin(self, x, axis, keepdims=False):
        return np.min(x, axis=axis, keepdims=keepdims)

    def item(self, x):
        return np.asarray(x).item()

    def to_float64(self, x):
        return np.asarray(x, dtype=np.float64)

    def bincount(self, x, length):
        return np.bincount(x, minlength=length).astype(np.int64, copy=False)

    def cumsum(self, x):
        return np.cumsum(x, dtype=np.int64 if x.dtype.kind in "biu" else None)

    def flatnonzero(self, x):
        return np.flatnonzero(x).astype(np.int64, copy=False)

    def sorted_unique_inverse(self, x):
        values, inverse = np.unique(x, return_inverse=True)
        return values, inverse.reshape(-1).astype(np.int64, copy=False)

    def arange(self, n, like):
        return np.arange(n, dtype=like.dtype)

    def gammaln(self, x):
        special = _special()
        if special is not None:
            return special.gammaln(x)
        return np.vectorize(math.lgamma, otypes=[x.dtype])(x)

    def digamma(self, x):
        special = _special()
        return special.digamma(x) if special is not None else super().digamma(x)

    def argsort(self, x):
        return np.argsort(x, kind="stable")

    def searchsorted(self, sorted_x, v, side):
        return np.searchsorted(sorted_x, v, side).astype(np.int64, copy=False)

    def take_rows(self, x, idx):
        return x[idx]

    def kth_smallest(self, x, k):
        return np.partition(x, k - 1, axis=-1)[..., k - 1]

    def concat(self, xs, axis=0):
        return np.concatenate(xs, axis=axis)

    def reshape(self, x, shape):
        return np.reshape(x, shape)

    def diagonal(self, x):
        return np.diagonal(x, axis1=-2, axis2=-1)

    def eye(self, n, like):
        return np.eye(n, dtype=bool)

    def host_array(self, x):
        return x


def _xlogx(p):
    """``p log p`` per entry: 0 where p = 0, NaN where p < 0 (a fresh array). The mask is
    ``p.astype(bool)`` (true where p != 0, NaN included): a quarter of ``p != 0``'s cost on a
    small input, where the per-call overhead is the cost."""
    out = np.zeros(p.shape, p.dtype)
    np.log(p, out=out, where=p.astype(bool))  # negative p: NaN (NumPy warns), as everywhere
    return np.multiply(out, p, out=out)


def _special():
    """``scipy.special`` when SciPy is installed (faster special functions), else None."""
    try:
        import scipy.special
    except ImportError:  # pragma: no cover - SciPy is in every tested environment
        return None
    return scipy.special
