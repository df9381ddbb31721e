"""A complete backend over a toy tensor type: the skeleton to start a new backend from.

``ToyArray`` is a tensor type the library has never heard of (it wraps a NumPy array, which it
does not expose as one), and :class:`SkeletonBackend` implements exactly what a backend must:
the :data:`~infotheory.backends._base.REQUIRED` methods, the
:data:`~infotheory.backends._base.ESTIMATOR` methods for :mod:`infotheory.estimate`, and nothing
optional. It passes the conformance kit::

    python -m infotheory crosscheck --backend infotheory.testing.skeleton:SkeletonBackend
    INFOTHEORY_BACKEND=infotheory.testing.skeleton:SkeletonBackend pytest --pyargs infotheory.testing

What the tensor type itself must support (the measures are written with Python operators on
the backend's tensors, as with NumPy arrays), each shown by ``ToyArray``:

- arithmetic ``+ - * / **`` between tensors, and with Python numbers on either side; unary ``-``
  and ``abs()``;
- comparisons ``< <= > >= == !=`` (tensors or numbers) giving boolean tensors, and ``& | ~`` on
  those;
- indexing with integers, slices and integer tensors (``x[:, 0]``, ``x[a:b]``, ``x[idx]``), used
  by the estimators;
- a ``dtype`` attribute, compared with ``==`` against what ``Backend.upcast`` returns.

Everything else goes through the backend's methods. Copy this file, replace ``ToyArray`` by
your framework's tensor and each ``np.`` call by your framework's op.
"""
from __future__ import annotations

import math
import operator

import numpy as np

from ..backends._base import Backend


class ToyArray:
    """A minimal tensor: a NumPy array inside, Python operators outside."""

    __array_ufunc__ = None  # NumPy defers to our reflected operators (np_array * toy)

    def __init__(self, data):
        self.data = np.asarray(data)

    dtype = property(lambda self: self.data.dtype)
    shape = property(lambda self: self.data.shape)

    def __getitem__(self, key):
        if isinstance(key, tuple):
            key = tuple(_raw(k) for k in key)
        return ToyArray(self.data[_raw(key)])

    def __repr__(self):
        return f"ToyArray({self.data!r})"


def _raw(x):
    return x.data if isinstance(x, ToyArray) else x


def _binary(op, reflected=False):
    if reflected:
        return lambda self, other: ToyArray(op(_raw(other), self.data))
    return lambda self, other: ToyArray(op(self.data, _raw(other)))


for _name, _op in (("add", operator.add), ("sub", operator.sub), ("mul", operator.mul),
                   ("truediv", operator.truediv), ("pow", operator.pow),
                   ("and", operator.and_), ("or", operator.or_)):
    setattr(ToyArray, f"__{_name}__", _binary(_op))
    setattr(ToyArray, f"__r{_name}__", _binary(_op, reflected=True))
for _name, _op in (("lt", operator.lt), ("le", operator.le), ("gt", operator.gt),
                   ("ge", operator.ge), ("eq", operator.eq), ("ne", operator.ne)):
    setattr(ToyArray, f"__{_name}__", _binary(_op))
ToyArray.__neg__ = lambda self: ToyArray(-self.data)
ToyArray.__abs__ = lambda self: ToyArray(np.abs(self.data))
ToyArray.__invert__ = lambda self: ToyArray(~self.data)
ToyArray.__hash__ = None  # == is elementwise


def _np(x):
    return x.data if isinstance(x, ToyArray) else np.asarray(x)


def _quiet(f):
    """log(0) = -inf and exp overflow to inf are intended results: no NumPy warnings."""
    def run(*args, **kwargs):
        with np.errstate(all="ignore"):
            return f(*args, **kwargs)
    return run


class SkeletonBackend(Backend):
    name = "skeleton"
    module_name = "infotheory.testing.skeleton"  # detection looks in sys.modules only
    distributions = ()

    # --- required: detection, conversion, dtypes --------------------------------------
    def is_native(self, x):
        return isinstance(x, ToyArray)

    def version(self):
        return "0"

    def to_numpy(self, x):
        return np.array(_np(x))

    def float_tensor(self, x, like=None):
        if self.is_native(x) and x.dtype.kind == "f":
            return x
        a = _np(x)
        if like is not None and not self.is_native(x):
            return ToyArray(a.astype(like.dtype))
        return ToyArray(a if a.dtype.kind == "f" else a.astype(np.float64))

    def label_tensor(self, y, like):
        if self.is_native(y) and y.dtype == np.int64:
            return y
        return ToyArray(_np(y).astype(np.int64))

    def dtype_kind(self, x):
        return _np(x).dtype.kind

    def shape(self, x):
        return tuple(_np(x).shape)

    def upcast(self, *xs):
        out = np.result_type(*(x.dtype for x in xs))
        compute = np.dtype(np.float32) if out.itemsize < 4 else out
        return [self.cast(x, compute) for x in xs], out

    def cast(self, x, dtype):
        return x if x.dtype == dtype else ToyArray(x.data.astype(dtype))

    def itemsize(self, x):
        return _np(x).dtype.itemsize

    # --- required: the primitives of the measures and losses --------------------------
    @_quiet
    def log(self, x):
        return ToyArray(np.log(_np(x)))

    @_quiet
    def exp(self, x):
        return ToyArray(np.exp(_np(x)))

    def where(self, cond, a, b):
        return ToyArray(np.where(_np(cond), _np(a), _np(b)))

    def sum(self, x, axis, keepdims=False):
        return ToyArray(np.sum(_np(x), axis=axis, keepdims=keepdims))

    def amax(self, x, axis, keepdims=False):
        a = _np(x)
        if a.size == 0:  # the maximum of nothing is -inf
            return ToyArray(np.full(np.sum(a, axis=axis, keepdims=keepdims).shape, -np.inf,
                                    a.dtype))
        return ToyArray(np.max(a, axis=axis, keepdims=keepdims))

    def take_last(self, x, idx):
        return ToyArray(np.take_along_axis(_np(x), _np(idx)[..., None], axis=-1)[..., 0])

    def expand_dims(self, x, axis):
        return ToyArray(np.expand_dims(_np(x), axis))

    def take(self, x, idx):
        return ToyArray(np.take(_np(x), _np(idx)))

    @_quiet
    def mean(self, x):
        a = _np(x)
        return ToyArray(np.mean(a) if a.size else np.asarray(np.nan, a.dtype))

    # --- for infotheory.estimate ------------------------------------------------------
    def to_float64(self, x):
        return self.cast(x, np.dtype(np.float64))

    def bincount(self, x, length):
        return ToyArray(np.bincount(_np(x), minlength=length).astype(np.int64))

    def cumsum(self, x):
        a = _np(x)
        return ToyArray(np.cumsum(a, dtype=None if a.dtype.kind == "f" else np.int64))

    def flatnonzero(self, x):
        return ToyArray(np.flatnonzero(_np(x)).astype(np.int64))

    def sorted_unique_inverse(self, x):
        values, inverse = np.unique(_np(x), return_inverse=True)
        return ToyArray(values), ToyArray(inverse.reshape(-1).astype(np.int64))

    def arange(self, n, like):
        return ToyArray(np.arange(n, dtype=like.dtype))

    def gammaln(self, x):
        a = _np(x)
        return ToyArray(np.frompyfunc(math.lgamma, 1, 1)(a).astype(a.dtype))

    def argsort(self, x):
        return ToyArray(np.argsort(_np(x), kind="stable").astype(np.int64))

    def searchsorted(self, sorted_x, v, side):
        return ToyArray(np.searchsorted(_np(sorted_x), _np(v), side=side).astype(np.int64))

    def take_rows(self, x, idx):
        return ToyArray(_np(x)[_np(idx)])

    def kth_smallest(self, x, k):
        return ToyArray(np.partition(_np(x), k - 1, axis=-1)[..., k - 1])

    def concat(self, xs, axis=0):
        return ToyArray(np.concatenate([_np(x) for x in xs], axis=axis))

    def reshape(self, x, shape):
        return ToyArray(_np(x).reshape(shape))

    def diagonal(self, x):
        return ToyArray(np.diagonal(_np(x), axis1=-2, axis2=-1))

    def eye(self, n, like):
        return ToyArray(np.eye(n, dtype=bool))
