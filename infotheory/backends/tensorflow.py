"""TensorFlow backend: ``tf.Tensor`` and ``tf.Variable``, eagerly or inside ``tf.function``."""
from __future__ import annotations

import sys

import numpy as np

from ._base import Backend


def _tf():
    return sys.modules["tensorflow"]


class TensorflowBackend(Backend):
    name = "tensorflow"
    module_name = "tensorflow"

    def is_native(self, x):
        tf = sys.modules.get("tensorflow")
        return tf is not None and isinstance(x, (tf.Tensor, tf.Variable))

    def version(self):
        return _tf().__version__

    def float_tensor(self, x, like=None):
        tf = _tf()
        if self.is_native(x):
            return x if x.dtype.is_floating else tf.cast(x, tf.float32)
        a = np.asarray(x)
        if like is not None:
            return tf.cast(tf.convert_to_tensor(a), like.dtype)
        t = tf.convert_to_tensor(a)
        return t if t.dtype.is_floating else tf.cast(t, tf.float32)

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
        dims = x.shape.as_list() if x.shape.rank is not None else None
        if dims is None:
            raise ValueError("inputs of unknown rank are not supported")
        return tuple(dims)

    def upcast(self, *xs):
        tf = _tf()
        out = max((x.dtype for x in xs), key=lambda d: d.size)
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

    def where(self, cond, a, b):
        tf = _tf()
        dtype = (a if self.is_native(a) else b).dtype
        return tf.where(cond, tf.cast(a, dtype), tf.cast(b, dtype))

    def sum(self, x, axis, keepdims=False):
        return _tf().reduce_sum(x, axis=None if axis is None else list(axis), keepdims=keepdims)

    def logsumexp(self, x, axis, keepdims=False):
        return _tf().reduce_logsumexp(x, axis=None if axis is None else list(axis),
                                      keepdims=keepdims)

    def log_softmax(self, x, axis):
        if axis is not None and len(axis) == 1:
            return _tf().nn.log_softmax(x, axis=axis[0])
        return super().log_softmax(x, axis)

    def take_last(self, x, idx):
        return _tf().gather(x, idx, batch_dims=len(idx.shape))

    def is_float_native(self, x):
        return self.is_native(x) and x.dtype.is_floating

    # Kernels on tf.math.xlogy (0 log y = 0). Its registered gradient is xlogy(x != 0, y) for x
    # and xdivy(x, y) for y: an exact zero of x contributes 0, our convention (tests pin it).
    def neg_sum_xlogx(self, p, axis):
        return 0.0 - self.sum(_tf().math.xlogy(p, p), axis)

    def neg_sum_xlogy(self, p, q, axis):
        return 0.0 - self.sum(_tf().math.xlogy(p, q), axis)

    def sum_xlogratio(self, p, q, axis):
        xlogy = _tf().math.xlogy
        return self.sum(xlogy(p, p) - xlogy(p, q), axis)

    def sum_pmi_terms(self, p_xy, p_x, p_y, axis):
        xlogy = _tf().math.xlogy
        return self.sum(xlogy(p_xy, p_xy) - xlogy(p_xy, p_x) - xlogy(p_xy, p_y), axis)

    def cross_entropy_labels(self, y_hat, y, from_logits, log_base):
        """Fused kernel: ``tf.nn.sparse_softmax_cross_entropy_with_logits``."""
        if not from_logits:
            return super().cross_entropy_labels(y_hat, y, from_logits, log_base)
        losses = _tf().nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=y_hat)
        return losses / log_base

    def mean(self, x):
        return _tf().reduce_mean(x)

    def to_numpy(self, x):
        tf = _tf()
        if not tf.executing_eagerly():
            raise RuntimeError("validate=True needs eager execution; it cannot run inside "
                               "tf.function (it reads values on the host)")
        return x.numpy()
