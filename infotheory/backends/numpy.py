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
        return tuple(np.shape(x))

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

    def scope(self):
        # log(0) = -inf and p / 0 = inf are intended results here, not accidents to warn about.
        return np.errstate(divide="ignore", invalid="ignore", over="ignore")

    def log(self, x):
        return np.log(x)

    def exp(self, x):
        return np.exp(x)

    def where(self, cond, a, b):
        return np.where(cond, a, b)

    def sum(self, x, axis, keepdims=False):
        return np.sum(x, axis=axis, keepdims=keepdims)

    def logsumexp(self, x, axis, keepdims=False):
        m = np.max(x, axis=axis, keepdims=True)
        m = np.where(np.isfinite(m), m, 0.0)
        out = np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True)) + m
        return out if keepdims else np.squeeze(out, axis=axis)

    def is_float_native(self, x):
        return type(x) is np.ndarray and x.dtype.kind == "f"

    # Kernels: one output buffer, ufuncs with where= and out=, no temporaries beyond a mask.
    def _plogq(self, p, q):
        out = np.zeros(np.broadcast_shapes(p.shape, q.shape), np.result_type(p, q))
        np.log(q, out=out, where=p != 0)
        return np.multiply(out, p, out=out)

    def neg_sum_xlogx(self, p, axis):
        return 0.0 - np.sum(self._plogq(p, p), axis=axis)

    def neg_sum_xlogy(self, p, q, axis):
        return 0.0 - np.sum(self._plogq(p, q), axis=axis)

    def sum_xlogratio(self, p, q, axis):
        out = np.ones(np.broadcast_shapes(p.shape, q.shape), np.result_type(p, q))
        np.divide(p, q, out=out, where=p != 0)
        np.log(out, out=out)
        return np.sum(np.multiply(out, p, out=out), axis=axis)

    def take_last(self, x, idx):
        return np.take_along_axis(x, idx[..., None], axis=-1)[..., 0]

    def mean(self, x):
        return np.mean(x)

    def to_numpy(self, x):
        return np.asarray(x)
