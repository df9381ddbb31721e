"""TensorFlow backend: ``tf.Tensor`` and ``tf.Variable``, eagerly or inside ``tf.function``."""
from __future__ import annotations

import math
import os
import sys

import numpy as np

from ._base import Backend, host_read_error


def _tf():
    return sys.modules["tensorflow"]


_CONSTANTS: dict = {}


def _constant(value, dtype):
    """``value`` (a number or a tuple of axes) as a tensor of ``dtype``, cached while executing
    eagerly: an eager op converting a Python number or list costs 5-35 us more than the op
    (``0.0 - x`` 29 us, ``tf.negative(x)`` 8 us; ``reduce_sum(x, [0])`` 57 us, with a cached
    axis 10 us). In a graph the constant is made at tracing, once: nothing is cached."""
    tf = _tf()
    if not tf.executing_eagerly():
        return tf.constant(value, dtype)
    key = (value, dtype)
    c = _CONSTANTS.get(key)
    if c is None:
        if len(_CONSTANTS) > 512:  # (a NaN made afresh is a new key each time)
            _CONSTANTS.clear()
        c = _CONSTANTS[key] = tf.constant(value, dtype)
    return c


_REDUCTIONS = {"Sum": "reduce_sum", "Max": "reduce_max", "Min": "reduce_min"}


def _reduce(op: str, x, axis, keepdims):
    """``tf.raw_ops.<op>`` (``Sum``, ``Max``, ``Min``) over ``axis`` (None: every axis) with the
    axes as a cached constant (``tf.reduce_sum`` converts them on every call)."""
    tf = _tf()
    if axis is None:
        if x.shape.rank is None:
            return getattr(tf, _REDUCTIONS[op])(x, keepdims=keepdims)
        axis = tuple(range(x.shape.rank))
    return getattr(tf.raw_ops, op)(input=x, axis=_constant(tuple(axis), tf.int32),
                                   keep_dims=keepdims)


class TensorflowBackend(Backend):
    name = "tensorflow"
    module_name = "tensorflow"
    distributions = ("tensorflow", "tensorflow-cpu")
    max_ndim = 8  # TensorFlow's CPU kernels raise UnimplementedError from rank 9
    #: ``tf.math.xlogy`` (0 log y = 0; its registered gradient gives an exact zero of x a zero
    #: gradient, our convention) and ``tf.nn.sparse_softmax_cross_entropy_with_logits``.
    fused = {"neg_sum_xlogx": frozenset(), "neg_sum_xlogy": frozenset(),
             "kl_of_probabilities": frozenset(),
             "cross_entropy_logits": frozenset(),
             # eager CPU tensors: SciPy's k-d tree on the host (host_array)
             "knn_distance": frozenset(), "count_within": frozenset()}

    def is_native(self, x):
        tf = sys.modules.get("tensorflow")
        return tf is not None and isinstance(x, (tf.Tensor, tf.Variable))

    def version(self):
        return _tf().__version__

    def import_framework(self):
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        return super().import_framework()

    def from_numpy(self, a, variant=None):
        return _tf().constant(a)

    def to_numpy(self, x):
        if not _tf().executing_eagerly():
            raise host_read_error("validation (validate=True or it.validation()) reads values on "
                               "the host and needs eager execution; it cannot run inside "
                               "tf.function")
        return x.numpy()

    def float_tensor(self, x, like=None):
        tf = _tf()
        if self.is_native(x):
            return x if x.dtype.is_floating else tf.cast(x, tf.float32)
        a = np.asarray(x)
        if like is not None:
            return tf.cast(tf.convert_to_tensor(a), like.dtype)
        t = tf.convert_to_tensor(a)
        return t if t.dtype.is_floating else tf.cast(t, tf.float32)

    def is_float_native(self, x):
        return self.is_native(x) and x.dtype.is_floating

    def label_tensor(self, y, like):
        tf = _tf()
        if self.is_native(y):
            return tf.cast(y, tf.int64)
        return tf.convert_to_tensor(np.asarray(y).astype(np.int64))

    def dtype_kind(self, x):
        dt = x.dtype
        if dt.is_bool:
            return "b"
        if dt.is_complex:
            return "c"
        if dt.is_floating:
            return "f"
        if dt.is_integer:
            return "u" if dt.is_unsigned else "i"
        return "O"

    def shape(self, x):
        if x.shape.rank is None:
            raise ValueError("has an unknown rank (a tf.TensorSpec without a shape); give it a "
                             "known rank, for example TensorSpec([None, None])")
        return tuple(x.shape.as_list())

    def signature(self, x):
        if not self.is_native(x) or x.shape.rank is None:
            return None
        return (type(x), x.dtype, tuple(x.shape.as_list()))

    def dim(self, x, axis):
        static = x.shape[axis]
        return static if static is not None else _tf().shape(x, out_type=_tf().int64)[axis]

    def upcast(self, *xs):
        tf = _tf()
        dtypes = {x.dtype for x in xs}
        out = max(dtypes, key=lambda d: d.size)
        if len(dtypes) > 1 and len({d.size for d in dtypes}) == 1 and out.size == 2:
            out = tf.float32  # float16 with bfloat16: neither holds the other (torch's rule)
        compute = tf.float32 if out.size < 4 else out
        return [x if x.dtype == compute else tf.cast(x, compute) for x in xs], out

    def cast(self, x, dtype):
        return x if x.dtype == dtype else _tf().cast(x, dtype)

    def itemsize(self, x):
        return x.dtype.size

    def log(self, x):
        return _tf().math.log(x)

    def exp(self, x):
        return _tf().math.exp(x)

    def expm1(self, x):
        return _tf().math.expm1(x)

    def log1p(self, x):
        return _tf().math.log1p(x)

    def where(self, cond, a, b):
        dtype = (a if self.is_native(a) else b).dtype
        return _tf().raw_ops.SelectV2(condition=cond, t=self._as(a, dtype), e=self._as(b, dtype))

    def _as(self, x, dtype):
        if isinstance(x, (float, int)):
            return _constant(x, dtype)
        return x if self.is_native(x) and x.dtype == dtype else _tf().cast(x, dtype)

    def sum(self, x, axis, keepdims=False):
        return _reduce("Sum", x, axis, keepdims)

    def amax(self, x, axis, keepdims=False):
        return _reduce("Max", x, axis, keepdims)

    def log_softmax(self, x, axis):
        if axis is not None and len(axis) == 1:
            return _tf().nn.log_softmax(x, axis=axis[0])
        return super().log_softmax(x, axis)

    def logsumexp(self, x, axis):
        return _tf().reduce_logsumexp(x, axis=None if axis is None else list(axis))

    def maximum(self, x, value):
        return _tf().maximum(x, value)

    def take_last(self, x, idx):
        return _tf().gather(x, idx, batch_dims=len(idx.shape))

    def expand_dims(self, x, axis):
        return _tf().expand_dims(x, axis)

    def take(self, x, idx):
        return _tf().gather(x, idx)

    def softplus(self, x):
        return _tf().math.softplus(x)

    def mean(self, x):
        return _tf().reduce_mean(x)

    # --- fused kernels ----------------------------------------------------------------
    def fused_neg_sum_xlogx(self, p, axis):
        return self._negated(self.sum(_tf().math.xlogy(p, p), axis))

    def fused_neg_sum_xlogy(self, p, q, axis):
        return self._negated(self.sum(_tf().math.xlogy(p, q), axis))

    def fused_kl_of_probabilities(self, p, q, axis):
        # xlogy - xlogy (its registered gradient gives an exact zero of p a zero gradient) and
        # the row checks of the generic block: a tenth of its ops
        tf = _tf()
        kl = self.sum(tf.math.xlogy(p, p) - tf.math.xlogy(p, q), axis)
        bad = self.kl_rows_outside(p, q, axis)
        return kl if bad is None else self.where(bad, math.nan, kl)

    @staticmethod
    def _negated(s):  # 0 - s: +0 where s is 0 (tf.negative would give -0)
        return _tf().raw_ops.Sub(x=_constant(0.0, s.dtype), y=s)

    def finalize(self, r, log_base, nonnegative, dtype):
        if nonnegative:
            r = self.nonnegative(r)
        if log_base is not None and log_base != 1.0:
            r = _tf().raw_ops.RealDiv(x=r, y=_constant(log_base, r.dtype))
        return r if dtype is None else self.cast(r, dtype)

    def fused_cross_entropy_logits(self, z, y, weight=None, label_smoothing=0.0):
        return _tf().nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=z)

    # --- estimator primitives ---------------------------------------------------------
    def check_leading_dims(self, a, b, message):
        tf = _tf()
        check = tf.debugging.assert_equal(tf.shape(a), tf.shape(b)[:len(a.shape)],
                                          message=message)
        with tf.control_dependencies([check]):
            return tf.identity(a)

    def host_array(self, x):
        tf = _tf()
        if not tf.executing_eagerly() or "GPU" in x.device.upper():
            return None
        return x.numpy()

    def amin(self, x, axis, keepdims=False):
        return _reduce("Min", x, axis, keepdims)

    def item(self, x):
        if not _tf().executing_eagerly():
            raise host_read_error("the estimators from data (labels, counts' sizes, k-NN samples) "
                               "read sizes on the host: call them eagerly, outside tf.function")
        return x.numpy().item()

    def to_float64(self, x):
        return _tf().cast(x, _tf().float64)

    def bincount(self, x, length):
        tf = _tf()
        return tf.math.bincount(x, minlength=length, maxlength=length, dtype=tf.int64)

    def cumsum(self, x):
        tf = _tf()
        return tf.cumsum(x if x.dtype.is_floating else tf.cast(x, tf.int64))

    def flatnonzero(self, x):
        return _tf().reshape(_tf().where(x), [-1])

    def sorted_unique_inverse(self, x):
        tf = _tf()
        values, idx = tf.unique(x, out_idx=tf.int64)  # in order of appearance
        order = tf.cast(tf.argsort(values), tf.int64)
        return tf.gather(values, order), tf.gather(tf.math.invert_permutation(order), idx)

    def arange(self, n, like):
        return _tf().range(n, dtype=like.dtype)

    def gammaln(self, x):
        return _tf().math.lgamma(x)

    def digamma(self, x):
        return _tf().math.digamma(x)

    def argsort(self, x):
        tf = _tf()
        return tf.cast(tf.argsort(x, stable=True), tf.int64)

    def searchsorted(self, sorted_x, v, side):
        tf = _tf()
        return tf.searchsorted(sorted_x, v, side=side, out_type=tf.int64)

    def take_rows(self, x, idx):
        return _tf().gather(x, idx)

    def kth_smallest(self, x, k):
        return 0.0 - _tf().math.top_k(0.0 - x, k=k).values[..., k - 1]

    def concat(self, xs, axis=0):
        return _tf().concat(list(xs), axis)

    def reshape(self, x, shape):
        return _tf().reshape(x, shape)

    def diagonal(self, x):
        return _tf().linalg.diag_part(x)

    def eye(self, n, like):
        return _tf().eye(n) > 0
