"""NumPy backend: also the home of Python scalars and nested lists (as float64)."""
from __future__ import annotations

import numpy as np

from ._base import Backend

_LOW_PRECISION = (np.dtype(np.float16),)


class NumpyBackend(Backend):
    name = "numpy"
    module_name = "numpy"

    def is_native(self, x):
        return isinstance(x, (np.ndarray, np.generic))

    def version(self):
        return np.__version__

    def float_tensor(self, x, like=None):
        a = np.asarray(x)
        if a.dtype.kind == "f":
            return a
        dtype = like.dtype if like is not None else np.float64
        return a.astype(dtype)

    def label_tensor(self, y, like):
        return np.asarray(y).astype(np.int64, copy=False)

    def dtype_kind(self, x):
        return np.asarray(x).dtype.kind

    def shape(self, x):
        return x.shape if type(x) is np.ndarray else tuple(np.shape(x))

    def upcast(self, *xs):
        out = xs[0].dtype if len(xs) == 1 else np.result_type(*xs)
        compute = np.float32 if out in _LOW_PRECISION else out
        return [x.astype(compute, copy=False) for x in xs], out

    def cast(self, x, dtype):
        return x if getattr(x, "dtype", None) == dtype else np.asarray(x).astype(dtype)

    def itemsize(self, x):
        return np.asarray(x).dtype.itemsize

    def finish(self, x, *inputs):
        return np.asarray(x)

    # log(0) = -inf and p / 0 = inf are intended results here, not accidents to warn about;
    # each primitive that can meet them silences NumPy itself (a global errstate per call
    # would cost more than the arithmetic on small inputs).
    def log(self, x):
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log(x)

    def exp(self, x):
        with np.errstate(over="ignore"):
            return np.exp(x)

    def where(self, cond, a, b):
        return np.where(cond, a, b)

    def sum(self, x, axis, keepdims=False):
        return np.sum(x, axis=axis, keepdims=keepdims)

    def logsumexp(self, x, axis, keepdims=False):
        m = np.max(x, axis=axis, keepdims=True)
        m = np.where(np.isfinite(m), m, 0.0)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            out = np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True)) + m
        return out if keepdims else np.squeeze(out, axis=axis)

    def is_float_native(self, x):
        return type(x) is np.ndarray and x.dtype.kind == "f"

    # Kernels: one output buffer, ufuncs with where= and out=, no temporaries beyond a mask.
    @staticmethod
    def _total(terms, axis):
        """Sum. NumPy's float32 sum of 10^7 terms was measured 1e-5 relative off (2.2e-4 bits
        on a uniform entropy); past 8192 terms, float16/float32 terms are accumulated in
        float64 instead (7.5e-7 bits there), at a measured cost in speed (RESULTS.md)."""
        if terms.dtype.itemsize < 8 and terms.size > 8192:
            return terms.sum(axis, dtype=np.float64)
        return terms.sum(axis)

    @staticmethod
    def _buffer(p, q, fill):
        shape = p.shape if q is p or q.shape == p.shape else np.broadcast_shapes(p.shape, q.shape)
        dtype = p.dtype if q.dtype == p.dtype else np.result_type(p, q)
        return (np.zeros if fill == 0 else np.ones)(shape, dtype)

    def neg_sum_xlogx(self, p, axis):
        out = self._buffer(p, p, 0)
        np.log(p, out=out, where=p != 0)  # warns only for invalid (negative) p, then NaN
        return 0.0 - self._total(np.multiply(out, p, out=out), axis)

    def neg_sum_xlogy(self, p, q, axis):
        out = self._buffer(p, q, 0)
        with np.errstate(divide="ignore", invalid="ignore"):
            np.log(q, out=out, where=p != 0)
        return 0.0 - self._total(np.multiply(out, p, out=out), axis)

    def sum_xlogratio(self, p, q, axis):
        # Fast path: log of the ratio, in one buffer. The ratio can overflow (q in the
        # subnormal range) or underflow; then the sum is not finite, and only then the terms are
        # recomputed as differences of logs (rare; NumPy values can be inspected for free).
        nz = p != 0
        out = self._buffer(p, q, 1)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
            np.divide(p, q, out=out, where=nz)
            np.log(out, out=out)
            s = self._total(np.multiply(out, p, out=out), axis)
            if np.all(np.isfinite(s)):
                return s
            np.log(p, out=out, where=nz)
            np.subtract(out, np.log(q), out=out, where=nz)
            return self._total(np.multiply(out, p, out=out), axis)

    def sum_pmi_terms(self, p_xy, p_x, p_y, axis):
        nz = p_xy != 0
        out = np.zeros(np.broadcast_shapes(p_xy.shape, p_x.shape, p_y.shape),
                       np.result_type(p_xy, p_x, p_y))
        with np.errstate(divide="ignore", invalid="ignore"):
            np.log(p_xy, out=out, where=nz)
            np.subtract(out, np.log(p_x), out=out, where=nz)  # marginals: small arrays
            np.subtract(out, np.log(p_y), out=out, where=nz)
        return self._total(np.multiply(out, p_xy, out=out), axis)

    def take_last(self, x, idx):
        return np.take_along_axis(x, idx[..., None], axis=-1)[..., 0]

    def mean(self, x):
        return np.mean(x)

    def to_numpy(self, x):
        return np.asarray(x)
