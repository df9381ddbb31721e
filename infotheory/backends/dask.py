"""Dask backend: ``dask.array.Array`` in, a lazy ``dask.array.Array`` out.

Plugged in through the ``infotheory.backends`` entry-point group (``pyproject.toml``), as a third
party would. Nothing is computed until the caller calls ``.compute()`` (or ``dask.compute``),
on the threaded scheduler or a ``dask.distributed`` cluster:

- the measures and losses are the generic kernels over ``dask.array``: elementwise work runs
  per chunk and reductions are Dask's tree reductions, so a distribution axis split across
  chunks is reduced correctly (the conformance runner splits every axis in two chunks);
- the estimators from labels count per chunk (:meth:`DaskBackend.map_reduce`): each chunk's
  distinct (x, y) pairs and their counts, merged pairwise in a tree, then one task turns the
  merged counts into the contingency table and finishes the estimator with the NumPy backend.
  Memory per task grows with the number of distinct pairs, not with the number of rows;
- the k-nearest-neighbour estimators raise ``NotImplementedError`` (a distributed neighbour
  search is out of reach here: compute the sample into memory first).

``validate=True`` reads values, so it computes the checks (and only the checks) when called.
"""
from __future__ import annotations

import math
import sys

import numpy as np

from ._base import Backend, NumpyDtypes

_FAN_IN = 8  # chunk summaries merged per task


def _da():
    return sys.modules["dask.array"]


def _quiet(fn):
    """A NumPy function run per chunk without warnings: log(0) = -inf and overflow to inf are
    the intended results (as on the NumPy backend)."""
    def run(x):
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            return fn(x)
    return run


_log, _exp = _quiet(np.log), _quiet(np.exp)
_expm1, _log1p = _quiet(np.expm1), _quiet(np.log1p)


class DaskBackend(NumpyDtypes, Backend):
    name = "dask"
    module_name = "dask.array"
    distributions = ("dask",)
    lazy = True
    fused = {}
    unsupported = {
        **{f"estimate.{f}": "k-nearest neighbours: no chunked, distributed search"
           for f in ("differential_entropy", "mutual_information_ksg", "kl_divergence_knn",
                     "conditional_mutual_information_ksg", "transfer_entropy_ksg",
                     "mutual_information_mixed", "mutual_information_features")},
        **{f"estimate.{f}": "ranks and factors all the samples at once"
           for f in ("gaussian_copula", "mutual_information_gaussian",
                     "o_information_gaussian")}}

    def is_native(self, x):
        da = sys.modules.get("dask.array")
        return da is not None and isinstance(x, da.Array)

    def version(self):
        import dask

        return dask.__version__

    def from_numpy(self, a, variant=None):
        a = np.array(a)
        # two chunks along every axis: the runner checks reductions across chunk boundaries
        return _da().from_array(a, chunks=tuple(max(1, (s + 1) // 2) for s in a.shape))

    def to_numpy(self, x):
        return np.asarray(x.compute() if self.is_native(x) else x)

    def float_tensor(self, x, like=None):
        da = _da()
        if self.is_native(x):
            return x if x.dtype.kind == "f" else x.astype(np.float64)
        a = np.asarray(x)
        a = a.astype(like.dtype if like is not None else
                     (a.dtype if a.dtype.kind == "f" else np.float64), copy=False)
        return da.from_array(a, chunks=-1)

    def label_tensor(self, y, like):
        if self.is_native(y):
            return y if y.dtype == np.int64 else y.astype(np.int64)
        return _da().from_array(np.asarray(y).astype(np.int64), chunks=-1)

    def dtype_kind(self, x):
        return x.dtype.kind

    def shape(self, x):
        return tuple(None if math.isnan(s) else int(s) for s in x.shape)

    pairs_unknown_sizes = False

    # --- primitives ---------------------------------------------------------------------
    def log(self, x):
        return x.map_blocks(_log, dtype=x.dtype)

    def exp(self, x):
        return x.map_blocks(_exp, dtype=x.dtype)

    def expm1(self, x):
        return x.map_blocks(_expm1, dtype=x.dtype)

    def log1p(self, x):
        return x.map_blocks(_log1p, dtype=x.dtype)

    def where(self, cond, a, b):
        return _da().where(cond, a, b)

    def sum(self, x, axis, keepdims=False):
        return _da().sum(x, axis=axis, keepdims=keepdims)

    def amax(self, x, axis, keepdims=False):
        if x.size == 0:  # the maximum of nothing is -inf (dask: "zero-size array" at compute)
            shape = _da().sum(x, axis=axis, keepdims=keepdims).shape
            return _da().full(shape, -math.inf, dtype=x.dtype)
        return _da().max(x, axis=axis, keepdims=keepdims)

    def amin(self, x, axis, keepdims=False):
        return _da().min(x, axis=axis, keepdims=keepdims)

    def maximum(self, x, value):
        return _da().maximum(x, value)

    def take_last(self, x, idx):
        # a one-hot selection: elementwise per chunk, so the class axis may be chunked
        da = _da()
        k = x.shape[-1]
        classes = da.arange(k, chunks=x.chunks[-1])
        return da.sum(da.where(idx[..., None] == classes, x, 0.0), axis=-1)

    def expand_dims(self, x, axis):
        return _da().expand_dims(x, axis)

    def take(self, x, idx):
        # x: a small 1-D tensor (per-class weights), idx: labels of any shape and chunking
        da = _da()
        index = "abcdefghijklmnopqrstuvwxy"[:idx.ndim]
        return da.blockwise(lambda i, w: w[i], index, idx, index, x.rechunk(-1), "z",
                            dtype=x.dtype, concatenate=True)

    def mean(self, x):
        return _da().mean(x)

    # --- estimator primitives ---------------------------------------------------------
    def item(self, x):
        raise NotImplementedError("a host read of a lazy Dask array (this estimator needs "
                                  "sizes from the data: compute its input first)")

    def to_float64(self, x):
        return x.astype(np.float64)

    def cumsum(self, x):
        return _da().cumsum(x, dtype=np.int64 if x.dtype.kind in "biu" else None)

    def arange(self, n, like):
        return _da().arange(n, dtype=like.dtype)

    def gammaln(self, x):
        import scipy.special

        return x.map_blocks(scipy.special.gammaln, dtype=x.dtype)

    def digamma(self, x):
        import scipy.special

        return x.map_blocks(scipy.special.digamma, dtype=x.dtype)

    def concat(self, xs, axis=0):
        return _da().concatenate(list(xs), axis=axis)

    def reshape(self, x, shape):
        return x.reshape(shape)

    def diagonal(self, x):
        return _da().diagonal(x, axis1=-2, axis2=-1)

    def eye(self, n, like):
        return _da().eye(n, dtype=bool)

    def map_reduce(self, columns, chunk, merge, finish, shape, dtype):
        """The lazy-backend hook of the chunked estimators (:mod:`infotheory.estimate._chunked`):
        ``chunk(*blocks)`` on each chunk of the 1-D ``columns`` (aligned to the first one's
        chunks, as NumPy arrays), the results merged ``merge(*summaries)`` in a tree of fan-in
        8, then ``finish(summary)``: a lazy array of ``shape`` and ``dtype``."""
        import dask

        da = _da()
        first = columns[0]
        columns = [first] + [c.rechunk(first.chunks) for c in columns[1:]]
        blocks = [c.to_delayed().ravel() for c in columns]
        summaries = [dask.delayed(chunk, pure=True)(*parts) for parts in zip(*blocks)]
        while len(summaries) > 1:
            summaries = [dask.delayed(merge, pure=True)(*summaries[i:i + _FAN_IN])
                         for i in range(0, len(summaries), _FAN_IN)]
        result = dask.delayed(finish, pure=True)(summaries[0])
        return da.from_delayed(result, shape=shape, dtype=dtype)
