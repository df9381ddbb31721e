"""MXNet backend: ``mxnet.numpy`` arrays and legacy ``mxnet.nd.NDArray`` arrays.

Every call runs inside MXNet's thread-local NumPy-semantics scopes (``np_shape`` and
``np_array``), entered and restored around the call, so it works whether or not the user called
``npx.set_np()`` and never changes the user's global MXNet state. Legacy ``mx.nd`` inputs are
computed as ``mxnet.numpy`` views and handed back as ``mx.nd`` arrays; where the user's session has
no NumPy shape semantics a full reduction comes back with shape ``(1,)``, as ``mx.nd.sum`` does.

MXNet's elementwise ops and reductions are slow next to its fused kernels (an exact generic
log-softmax of a (256, 1000) batch takes 5 ms, ``npx.log_softmax`` 0.35 ms), so the cross-entropy
of logits and class indices, the training loss, uses ``npx.log_softmax`` and ``npx.pick``. That
kernel is less exact than the generic one in float32 (up to 5e-6 off, +1.4e-6 for a point mass)
and mishandles NaN and +inf logits (a NaN row gives 89.7); the fused kernel corrects both (losses
clamped at 0, rows with a NaN or +inf logit NaN), and the tests compare it with the generic one.
"""
from __future__ import annotations

import contextlib
import math
import sys
import threading

import numpy as np

from ._base import Backend


def _mx():
    return sys.modules["mxnet"]


class MXNetBackend(Backend):
    name = "mxnet"
    module_name = "mxnet"
    distributions = ("mxnet",)
    variants = ("mxnet.nd",)
    max_ndim = 5  # from rank 6, MXNet 1.9.1 returns arrays whose reads fail or give garbage
    fused = {"cross_entropy_logits": frozenset(),
             "cross_entropy_labels": frozenset({"reduction"}),
             # CPU arrays: SciPy's k-d tree on the host (host_array)
             "knn_distance": frozenset(), "count_within": frozenset()}

    def __init__(self):
        self._user_np_shape = threading.local()
        self._ones_cache = {}
        self._ops = threading.local()

    def is_native(self, x):
        mx = sys.modules.get("mxnet")
        # mxnet.numpy.ndarray subclasses mxnet.nd.NDArray, so this one check covers both.
        return mx is not None and isinstance(x, mx.nd.NDArray)

    def version(self):
        return _mx().__version__

    def import_framework(self):
        from ..mxnet_compat import import_mxnet

        return import_mxnet()

    def from_numpy(self, a, variant=None):
        mx = _mx()
        if variant == "mxnet.nd":
            return mx.nd.array(a, dtype=a.dtype)
        return mx.np.array(a, dtype=a.dtype)

    def to_numpy(self, x):
        with self.scope():
            return self._np(x).asnumpy()

    @contextlib.contextmanager
    def scope(self):
        mx = _mx()
        _clear_errno()
        self._user_np_shape.value = mx.util.is_np_shape()
        with mx.util.np_shape(True), mx.util.np_array(True):
            yield

    def _np(self, x):
        mx = _mx()
        return x if isinstance(x, mx.np.ndarray) else x.as_np_ndarray()

    def float_tensor(self, x, like=None):
        mx = _mx()
        if self.is_native(x):
            x = self._np(x)
            return x if np.dtype(x.dtype).kind == "f" else x.astype(np.float32)
        a = np.asarray(x)
        if like is not None:
            return mx.np.array(a, dtype=like.dtype, ctx=like.ctx)
        return mx.np.array(a, dtype=a.dtype if a.dtype.kind == "f" else np.float32)

    def is_float_native(self, x):
        mx = sys.modules.get("mxnet")
        return mx is not None and isinstance(x, mx.np.ndarray) and np.dtype(x.dtype).kind == "f"

    def label_tensor(self, y, like):
        mx = _mx()
        if self.is_native(y):
            y = self._np(y)
            if like is not None and y.ctx != like.ctx:
                y = y.as_in_context(like.ctx)
            return y if y.dtype == np.int64 else y.astype(np.int64)
        ctx = None if like is None else like.ctx
        return mx.np.array(np.asarray(y).astype(np.int64), dtype=np.int64, ctx=ctx)

    def dtype_kind(self, x):
        return np.dtype(x.dtype).kind

    def signature(self, x):
        if not self.is_native(x):
            return None
        return (type(x), x.dtype, x.shape, x.ctx)

    def refuses(self, x):
        stype = getattr(x, "stype", "default")
        if stype != "default":
            return f"is a sparse array (stype {stype!r}); pass x.tostype('default')"
        return None

    def device(self, x):
        return x.ctx

    def shape(self, x):
        return tuple(x.shape)

    def upcast(self, *xs):
        out = np.result_type(*(x.dtype for x in xs))
        compute = np.float32 if out == np.float16 else out
        return [x if x.dtype == compute else x.astype(compute) for x in xs], out

    def cast(self, x, dtype):
        return x if x.dtype == dtype else x.astype(dtype)

    def itemsize(self, x):
        return np.dtype(x.dtype).itemsize

    def finish(self, x, *inputs):
        mx = _mx()
        user_np_shape = self._user_np_shape.value
        if x.ndim == 0 and not user_np_shape and mx.autograd.is_recording():
            # MXNet 1.9.1 aborts the interpreter in backward() through ops on a 0-d array
            # outside NumPy shape semantics; refuse instead.
            raise RuntimeError("MXNet cannot differentiate a 0-d result without NumPy shape "
                               "semantics: call mx.npx.set_np() first, or keep a batch axis "
                               "(reduction='none', or axis= that leaves one)")
        if any(isinstance(i, mx.np.ndarray) for i in inputs):
            return x
        if x.ndim == 0 and not user_np_shape:
            x = x.reshape((1,))
        return x.as_nd_ndarray()

    def log(self, x):
        return _mx().np.log(x)

    def exp(self, x):
        return _mx().np.exp(x)

    def expm1(self, x):
        return _mx().np.expm1(x)

    def log1p(self, x):
        return _mx().np.log1p(x)

    def where(self, cond, a, b):
        # mx.np.where with a Python scalar branch drops the gradient of the tensor branch
        # (MXNet 1.9.1), so scalars become tensors first.
        np_ = _mx().np
        if not self.is_native(a):
            a = np_.full_like(b, a)
        if not self.is_native(b):
            b = np_.full_like(a, b)
        return np_.where(cond, a, b)

    def _empty_reduction(self, x, axis, keepdims, fill):
        axes = {a % x.ndim for a in (range(x.ndim) if axis is None else axis)}
        shape = tuple(1 if i in axes else d for i, d in enumerate(x.shape)
                      if keepdims or i not in axes)
        return _mx().np.full(shape, fill, dtype=x.dtype, ctx=x.ctx)

    def sum(self, x, axis, keepdims=False):
        # mx.np.sum compensates (Kahan) and so turns [inf, 1] into NaN; the legacy reduction
        # does not. It keeps autograd; its full reduction has shape (1,), made 0-d here.
        mx = _mx()
        if x.size == 0:  # neither reduction handles empty input; an empty sum is 0
            return self._empty_reduction(x, axis, keepdims, 0.0)
        out = mx.nd.sum(x.as_nd_ndarray(), axis=axis, keepdims=keepdims).as_np_ndarray()
        full = axis is None or len(axis) == x.ndim
        return out.reshape(()) if full and not keepdims else out

    def amax(self, x, axis, keepdims=False):
        mx = _mx()
        if x.size == 0:
            return self._empty_reduction(x, axis, keepdims, -np.inf)
        # (mx.np.max may skip NaN; the log-softmax still gives NaN: exp(NaN - m) enters its sum)
        return mx.np.max(x, axis=axis, keepdims=keepdims)

    def maximum(self, x, value):
        return _mx().np.maximum(x, value)

    def take_last(self, x, idx):
        if x.ndim == 1 and idx.ndim == 0:  # pick takes no 0-d index: one row, then 0-d
            return _mx().npx.pick(x.reshape((1, -1)), idx.reshape((1,)), axis=-1).reshape(())
        return _mx().npx.pick(x, idx, axis=-1)

    def expand_dims(self, x, axis):
        return _mx().np.expand_dims(x, axis)

    def take(self, x, idx):
        return _mx().np.take(x, idx)

    def mean(self, x):
        return self.sum(x, None) / float(x.size)  # 0 / 0 = NaN for empty input, as elsewhere

    # --- estimator primitives ---------------------------------------------------------
    def host_array(self, x):
        return self.to_numpy(x) if x.ctx.device_type == "cpu" else None

    def amin(self, x, axis, keepdims=False):
        return _mx().np.min(x, axis=axis, keepdims=keepdims)

    def item(self, x):
        return self._np(x).asnumpy().item()

    def to_float64(self, x):
        return self._np(x).astype(np.float64)

    def bincount(self, x, length):
        return _mx().np.bincount(x, minlength=length).astype(np.int64)

    def cumsum(self, x):
        kind = np.dtype(x.dtype).kind
        return _mx().np.cumsum(x if kind == "f" else x.astype(np.int64))

    def flatnonzero(self, x):
        return _mx().np.nonzero(x)[0].astype(np.int64)

    def sorted_unique_inverse(self, x):
        values, inverse = _mx().np.unique(x, return_inverse=True)
        return values, inverse.astype(np.int64)

    def arange(self, n, like):
        return _mx().np.arange(n, dtype=like.dtype, ctx=like.ctx)

    def gammaln(self, x):
        return _mx().npx.gammaln(x)

    # digamma: MXNet has none; the generic series (error below 1e-14) runs.

    def argsort(self, x):
        return _mx().np.argsort(x).astype(np.int64)

    def searchsorted(self, sorted_x, v, side):
        return _mx().np.searchsorted(sorted_x, v, side=side).astype(np.int64)

    def take_rows(self, x, idx):
        return _mx().np.take(x, idx, axis=0)

    def kth_smallest(self, x, k):
        return _mx().npx.topk(x, k=k, axis=-1, ret_typ="value", is_ascend=True)[..., k - 1]

    def concat(self, xs, axis=0):
        return _mx().np.concatenate(list(xs), axis=axis)

    def reshape(self, x, shape):
        return x.reshape(shape)

    def diagonal(self, x):
        return _mx().np.diagonal(x, axis1=-2, axis2=-1)

    def eye(self, n, like):
        return _mx().np.eye(n, ctx=like.ctx) > 0

    # --- fused kernels ----------------------------------------------------------------
    def fused_cross_entropy_logits(self, z, y, weight=None, label_smoothing=0.0):
        return self._cross_entropy(z, y, check_labels=False)

    def fused_cross_entropy_labels(self, z, y, weight=None, ignore_index=None,
                                   label_smoothing=0.0, reduction="mean"):
        # one kernel (one CachedOp) for the loss and its label check, then the reduction
        loss = self._cross_entropy(z, y, check_labels=True)
        if reduction == "none":
            return loss
        return self.sum(loss, None) if reduction == "sum" else self.mean(loss)

    def _cross_entropy(self, z, y, check_labels):
        # one MXNet CachedOp (one call, one autograd node) instead of about ten imperative ops
        # at ~65 us of Python each; one per thread (MXNet does not document a CachedOp as safe
        # to call from several threads). No static_alloc: ~3% faster, but it would keep a
        # logits-sized buffer alive between calls.
        k = z.shape[-1]
        if z.ndim == 1:  # (as in take_last)
            return self._cross_entropy(z.reshape((1, k)), y.reshape((1,)),
                                       check_labels).reshape(())
        ops = getattr(self._ops, "d", None)
        if ops is None:
            ops = self._ops.d = {}
        op = _memo(ops, (k, check_labels), lambda: _cross_entropy_op(k, check_labels))
        # the vector of ones of the row sums' matrix-vector product
        ones = _memo(self._ones_cache, (k, z.dtype, str(z.ctx)),
                     lambda: _mx().np.ones((k,), dtype=z.dtype, ctx=z.ctx))
        return op(z, y, ones)


def _memo(cache: dict, key, make):
    """``cache[key]``, made by ``make()`` when missing; the cache is cleared past 64 entries
    (one per class count in practice)."""
    value = cache.get(key)
    if value is None:
        if len(cache) >= 64:
            cache.clear()
        value = cache[key] = make()
    return value


def _cross_entropy_op(k, check_labels):
    """A function of (z, y, ones) calling one MXNet CachedOp (one autograd node):
    ``-log_softmax(z)[y]`` over the last axis, clamped at 0 (MXNet's log-softmax can exceed 0
    by rounding), NaN for a row with a NaN, +inf or only -inf logits and, if ``check_labels``,
    for a label outside [0, k) (``pick`` would clip it)."""
    mx = _mx()
    F = mx.sym
    with mx.util.np_shape(True), mx.util.np_array(True):
        z, y, ones = (F.var(n).as_np_ndarray() for n in ("z", "y", "ones"))
        logp = F.npx.log_softmax(z, axis=-1)
        # a bad row, and only such a row, has a NaN log-probability, so its sum (a
        # matrix-vector product: fast where MXNet's reductions are not) is NaN
        s = F.np.dot(_stop_gradient(logp), ones)
        if check_labels:
            s = F.np.where(F.np.clip(y, 0, k - 1) == y, s, F.np.full_like(s, math.nan))
        floor = _stop_gradient(F.np.clip(s, 0.0, 0.0))  # 0, or NaN: clip keeps NaN
        out = F.np.maximum(0.0 - F.npx.pick(logp, y, axis=-1), floor)
        op = mx.nd.CachedOp(out)
        order = [("z", "y", "ones").index(n) for n in out.list_inputs()]
    return lambda *args: op(*[args[i] for i in order])  # args: z, y, ones


def _stop_gradient(x):
    return _mx().sym.stop_gradient(x.as_nd_ndarray()).as_np_ndarray()


def _errno_pointer():
    """The C library's ``errno`` (glibc's ``__errno_location``, macOS' ``__error``), or None."""
    import ctypes

    try:
        libc = ctypes.CDLL(None)
    except OSError:  # pragma: no cover
        return None
    for name in ("__errno_location", "__error"):
        f = getattr(libc, name, None)
        if f is not None:
            f.restype = ctypes.POINTER(ctypes.c_int)
            return f
    return None  # pragma: no cover


_ERRNO = []


def _clear_errno() -> None:
    """MXNet parses an operator's scalar (``inf`` as a ``where`` fill, a comparison) with
    ``strtod`` and reads ``errno`` without clearing it first, so an ``ERANGE`` left by earlier
    work in the process (TensorFlow overflowing a float32 exp) made it refuse ``inf``: "Out of
    range value for scalar". Cleared at the start of each call (thread-local in C)."""
    if not _ERRNO:
        _ERRNO.append(_errno_pointer())
    where = _ERRNO[0]
    if where is not None:
        where()[0] = 0
