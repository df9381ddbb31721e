"""JAX backend: ``jax.Array`` in, ``jax.Array`` out; works under ``jax.jit``, ``jax.grad`` and
``jax.vmap``.

Plugged in through the ``infotheory.backends`` entry-point group (``pyproject.toml``), as a third
party would. Float64 needs ``jax_enable_x64`` (JAX's default is 32-bit); the conformance runner
turns it on when it loads JAX (:meth:`JaxBackend.import_framework`), a user's program decides for
itself (without it, labels are int32 and the estimators' counts float32, exact below 2^24).
Everything is written with ``jax.numpy``: XLA fuses the generic kernels, and their masks keep
gradients finite at exact zeros, as on the other autograd backends. The data estimators
from labels and samples read sizes on the host (``item``), so they run eagerly, not under
``jax.jit`` (as on TensorFlow).
"""
from __future__ import annotations

import functools
import sys

import numpy as np

from ._base import Backend, host_read_error, NumpyDtypes


def _jax():
    return sys.modules["jax"]


def _jnp():
    return sys.modules["jax"].numpy


class JaxBackend(NumpyDtypes, Backend):
    name = "jax"
    module_name = "jax"
    distributions = ("jax",)
    #: XLA fuses the generic measure kernels (and jax's xlogy has a NaN derivative at 0). The
    #: k-NN searches are one compiled brute force over fixed-size blocks of queries: the
    #: generic search slices data-dependent strips, and eager JAX compiles every new shape.
    fused = {"knn_distance": frozenset(), "count_within": frozenset()}

    def is_native(self, x):
        jax = sys.modules.get("jax")
        return jax is not None and isinstance(x, jax.Array)

    def version(self):
        return _jax().__version__

    def import_framework(self):
        import jax

        # The conformance runner's float64 cases need 64-bit arrays (JAX's default is 32-bit).
        jax.config.update("jax_enable_x64", True)
        return jax

    def from_numpy(self, a, variant=None):
        return _jnp().asarray(np.array(a))

    def to_numpy(self, x):
        _no_tracer(x, "validation (validate=True or it.validation()) reads values on the host")
        return np.asarray(x)

    def float_tensor(self, x, like=None):
        jnp = _jnp()
        if self.is_native(x):
            return x if jnp.issubdtype(x.dtype, jnp.floating) else x.astype(jnp.result_type(float))
        if like is not None:
            return jnp.asarray(np.asarray(x), dtype=like.dtype)
        a = np.asarray(x)
        return jnp.asarray(a if a.dtype.kind == "f" else a.astype(np.float64),
                           dtype=None if a.dtype.kind == "f" else jnp.result_type(float))

    def is_float_native(self, x):
        return self.is_native(x) and self.dtype_kind(x) == "f"

    def label_tensor(self, y, like):
        jnp = _jnp()
        int_type = jnp.result_type(int)  # int64 with jax_enable_x64, else int32
        if self.is_native(y):
            return y if y.dtype == int_type else y.astype(int_type)
        return jnp.asarray(np.asarray(y).astype(np.int64), dtype=int_type)

    def dtype_kind(self, x):
        return np.dtype(x.dtype).kind if x.dtype.name != "bfloat16" else "f"

    def shape(self, x):
        return tuple(x.shape)

    def signature(self, x):
        jax = sys.modules.get("jax")
        # A tracer (inside jit, grad, vmap) has no signature: each trace plans its call anew.
        if jax is None or not isinstance(x, jax.Array) or isinstance(x, jax.core.Tracer):
            return None
        return (type(x), x.dtype, x.shape)

    def result_type(self, *xs):
        return _jnp().result_type(*xs)  # knows bfloat16

    def log(self, x):
        return _jnp().log(x)

    def exp(self, x):
        return _jnp().exp(x)

    def expm1(self, x):
        return _jnp().expm1(x)

    def log1p(self, x):
        return _jnp().log1p(x)

    def where(self, cond, a, b):
        return _jnp().where(cond, a, b)

    def sum(self, x, axis, keepdims=False):
        return _jnp().sum(x, axis=axis, keepdims=keepdims)

    def amax(self, x, axis, keepdims=False):
        jnp = _jnp()
        return jnp.max(x, axis=axis, keepdims=keepdims, initial=-jnp.inf)

    def amin(self, x, axis, keepdims=False):
        jnp = _jnp()
        return jnp.min(x, axis=axis, keepdims=keepdims)

    def logsumexp(self, x, axis):
        return _jax().scipy.special.logsumexp(x, axis=axis)

    def maximum(self, x, value):
        return _jnp().maximum(x, value)

    def take_last(self, x, idx):
        return _jnp().take_along_axis(x, idx[..., None], axis=-1)[..., 0]

    def expand_dims(self, x, axis):
        return _jnp().expand_dims(x, axis)

    def take(self, x, idx):
        return _jnp().take(x, idx)

    def softplus(self, x):
        return _jnp().logaddexp(0.0, x)

    def mean(self, x):
        return _jnp().mean(x)

    # --- estimator primitives ---------------------------------------------------------
    def item(self, x):
        _no_tracer(x, "the estimators from data (labels, counts' sizes, k-NN samples) read "
                      "sizes on the host")
        return x.item()

    def has_float64(self):
        return bool(sys.modules["jax"].config.jax_enable_x64)

    def to_float64(self, x):
        # float32 when jax_enable_x64 is off (JAX then has no float64): counts stay exact
        # below 2^24 per cell
        jnp = _jnp()
        return x.astype(jnp.result_type(float))

    def bincount(self, x, length):
        jnp = _jnp()
        return jnp.bincount(x, length=length).astype(jnp.result_type(int))

    def cumsum(self, x):
        jnp = _jnp()
        return jnp.cumsum(x, dtype=None if x.dtype.kind == "f" else jnp.result_type(int))

    def flatnonzero(self, x):
        jnp = _jnp()
        return jnp.flatnonzero(x).astype(jnp.result_type(int))

    def sorted_unique_inverse(self, x):
        jnp = _jnp()
        values, inverse = jnp.unique(x, return_inverse=True)
        return values, inverse.reshape(-1).astype(jnp.result_type(int))

    def arange(self, n, like):
        return _jnp().arange(n, dtype=like.dtype)

    def gammaln(self, x):
        return _jax().scipy.special.gammaln(x)

    def digamma(self, x):
        return _jax().scipy.special.digamma(x)

    def argsort(self, x):
        return _jnp().argsort(x, stable=True)

    def searchsorted(self, sorted_x, v, side):
        return _jnp().searchsorted(sorted_x, v, side=side)

    def take_rows(self, x, idx):
        return x[idx]

    def kth_smallest(self, x, k):
        return 0.0 - _jax().lax.top_k(0.0 - x, k)[0][..., k - 1]

    def concat(self, xs, axis=0):
        return _jnp().concatenate(list(xs), axis=axis)

    def reshape(self, x, shape):
        return _jnp().reshape(x, shape)

    def diagonal(self, x):
        return _jnp().diagonal(x, axis1=-2, axis2=-1)

    def eye(self, n, like):
        return _jnp().eye(n, dtype=bool)

    def fused_knn_distance(self, x, ref, k, metric, exclude_self):
        return _compiled()["knn"](x, ref, k + 1 if exclude_self else k, metric)

    def fused_count_within(self, x, radius, metric):
        return _compiled()["count"](x, radius, metric)


_BLOCK_ENTRIES = 1 << 21  # distances per block of queries (16 MiB in float64)


@functools.lru_cache(maxsize=None)
def _compiled():
    """The jitted brute-force k-NN kernels, ``{"knn": ..., "count": ...}`` (built once)."""
    jax, jnp = _jax(), _jnp()

    def blocks(x, n_ref):
        """x's rows padded to whole blocks: (blocks, rows per block, d), and the row count."""
        m, d = x.shape
        rows = max(1, min(m, _BLOCK_ENTRIES // max(1, n_ref * d)))
        pad = (-m) % rows
        return jnp.pad(x, ((0, pad), (0, 0))).reshape(-1, rows, d), m

    def distances(q, ref, metric):
        diff = q[:, None, :] - ref[None, :, :]
        if metric == "chebyshev":
            return jnp.max(jnp.abs(diff), axis=-1)
        return jnp.sqrt(jnp.sum(diff * diff, axis=-1))

    @functools.partial(jax.jit, static_argnums=(2, 3))
    def knn(x, ref, kth, metric):
        qs, m = blocks(x, ref.shape[0])
        out = jax.lax.map(lambda q: -jax.lax.top_k(-distances(q, ref, metric), kth)[0][:, -1],
                          qs)
        return out.reshape(-1)[:m]

    @functools.partial(jax.jit, static_argnums=(2,))
    def count(x, radius, metric):
        qs, n = blocks(x, x.shape[0])
        rs = jnp.pad(radius, (0, qs.shape[0] * qs.shape[1] - n)).reshape(qs.shape[:2])

        def inside(args):
            q, r = args
            closer = jnp.sum(distances(q, x, metric) < r[:, None], axis=-1)
            return jnp.where(r > 0, closer - 1, 0).astype(x.dtype)  # less the point itself
        return jax.lax.map(inside, (qs, rs)).reshape(-1)[:n]

    return {"knn": knn, "count": count}


def _no_tracer(x, what: str) -> None:
    """Our error for a host read under a JAX transformation (a raw tracer error otherwise)."""
    if isinstance(x, sys.modules["jax"].core.Tracer):
        raise host_read_error(f"{what}: that cannot run under jax.jit or another transformation; "
                           f"call it on concrete arrays")
