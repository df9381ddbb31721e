"""NumPy backend: also the home of Python scalars and nested lists (as float64)."""
from __future__ import annotations

import math

import numpy as np

from ._base import Backend
from ._numpy_sums import (_CHUNK, _HIGH, _MAX_SPANNED_TABLE, _NEARLY_EQUAL, _dtype,
                          _long_and_flat, _nearly_equal_rows, _quiet, _shape, _sum_by_chunks,
                          _total, _xlogratio_into, _xlogx, _xlogx_into, _xlogy_into)

_LOW_PRECISION = (np.dtype(np.float16),)


class NumpyBackend(Backend):
    name = "numpy"
    module_name = "numpy"
    distributions = ("numpy",)
    # NumPy has no autograd: its kernels write into given buffers (ufuncs with out=, no
    # masked loops; backends/_numpy_sums.py), long flat reductions chunk by chunk.
    # The k-NN kernels use SciPy's k-d tree (cKDTree, backends/_tree.py) when SciPy is
    # installed: O(n log n) instead of the generic brute force's O(n^2).
    fused = {"neg_sum_xlogx": frozenset(), "entropy_of_probabilities": frozenset(),
             "kl_of_probabilities": frozenset(),
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
        if p.size > 2 * _CHUNK and _long_and_flat(axis, p):
            return p.dtype.type(0.0 - _sum_by_chunks(_xlogx_into, (p,), (p.dtype,)))
        return 0.0 - _total(_xlogx(p), axis)

    def fused_entropy_of_probabilities(self, p, axis):
        if p.size > 2 * _CHUNK and _long_and_flat(axis, p):
            s = _sum_by_chunks(_xlogx_into, (p,), (p.dtype,))
        else:
            s = _total(_xlogx(p), axis)
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
        return p.dtype.type(math.nan if bad else 0.0 - float(s))

    def fused_neg_sum_xlogy(self, p, q, axis):
        dtype = _dtype(p, q)
        with _quiet():
            if _long_and_flat(axis, p, q):
                return dtype.type(0.0 - _sum_by_chunks(_xlogy_into, (p, q), (dtype, bool)))
            terms = _xlogy_into(p, q, np.empty(_shape(p, q), dtype), np.empty(p.shape, bool))
        return 0.0 - _total(terms, axis)

    def fused_kl_of_probabilities(self, p, q, axis):
        # the row checks in the same call, on the host (the generic block's two checks and
        # selects took half of a small call)
        kl = self.fused_sum_xlogratio(p, q, axis)
        bad = False
        if p.size:
            bad = np.maximum.reduce(p, axis) > _HIGH[p.itemsize]
        if q.size:
            top = np.maximum.reduce(q, axis)
            bad = bad | ~(top <= _HIGH[q.itemsize]) | (np.minimum.reduce(q, axis) < 0.0)
        if kl.ndim:
            return np.where(bad, math.nan, kl)
        return kl.dtype.type(math.nan) if bad else kl

    def fused_sum_xlogratio(self, p, q, axis):
        dtype = _dtype(p, q)
        with _quiet():
            if _long_and_flat(axis, p, q):
                kl = _sum_by_chunks(_xlogratio_into, (p, q), (dtype, dtype, bool))
                if abs(kl) >= _NEARLY_EQUAL:  # (else its close terms are recomputed below)
                    return np.asarray(kl, dtype)
            shape = _shape(p, q)
            terms = _xlogratio_into(p, q, np.empty(shape, dtype), np.empty(shape, dtype),
                                    np.empty(p.shape, bool))
        kl = _total(terms, axis, keepdims=True)
        small = np.abs(kl) < _NEARLY_EQUAL
        if small.any():
            nz = np.broadcast_to(p != 0, terms.shape)
            kl = _nearly_equal_rows(terms, p, q, nz, small, axis)
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

    def label_table(self, columns):
        # Each column's range, then the mixed-radix code of the offsets from its low end,
        # counted chunk by chunk: the labels are read twice, from the cache after the first
        # touch of each chunk, and no code array is made (10^7 label pairs: 67 -> 30 ms,
        # where ranking each column first took three passes per column and a code array).
        n = columns[0].size
        if n <= 2 * _CHUNK:
            return NotImplemented
        lows, highs = [], []
        for c in columns:
            ends = np.array([(c[i:i + _CHUNK].min(), c[i:i + _CHUNK].max())
                             for i in range(0, n, _CHUNK)])
            lows.append(int(ends[:, 0].min()))
            highs.append(int(ends[:, 1].max()))
        spans = [hi - lo + 1 for lo, hi in zip(lows, highs)]
        if max(spans) > max(4 * n, 1 << 16) or math.prod(spans) > _MAX_SPANNED_TABLE:
            return NotImplemented  # sparse labels: ranked first (generic)
        cells = math.prod(spans)
        if max(max(abs(lo), abs(hi)) for lo, hi in zip(lows, highs)) * cells >= 1 << 62:
            return NotImplemented  # (label * stride would overflow int64)
        # code = sum of label * stride - offset: one op per column and one for the offset
        strides = [math.prod(spans[j + 1:]) for j in range(len(spans))]
        offset = sum(lo * st for lo, st in zip(lows, strides))
        counts = np.zeros(cells, np.int64)
        code = np.empty(_CHUNK, np.int64)
        for i in range(0, n, _CHUNK):
            m = min(_CHUNK, n - i)
            b = code[:m]
            np.multiply(columns[0][i:i + m], strides[0], out=b)
            for c, st in zip(columns[1:], strides[1:]):
                if st == 1:
                    b += c[i:i + m]
                else:
                    b += c[i:i + m] * st
            if offset:
                b -= offset
            counts += np.bincount(b, minlength=cells)
        t = counts.reshape(spans)
        for axis in range(t.ndim):  # keep the values that occur (the generic table's axes)
            others = tuple(a for a in range(t.ndim) if a != axis)
            t = np.compress(t.sum(axis=others) > 0, t, axis=axis)
        return t.reshape(-1), list(t.shape)

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


def _special():
    """``scipy.special`` when SciPy is installed (faster special functions), else None."""
    try:
        import scipy.special
    except ImportError:  # pragma: no cover - SciPy is in every tested environment
        return None
    return scipy.special
