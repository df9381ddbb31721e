"""float16 and bfloat16: results in the input dtype, accumulated in float32, within a documented
tolerance of float64 (LOW_PRECISION_RTOL), and no overflow for logits across the float16 range."""
import math

import numpy as np
import pytest

import infotheory as it
from infotheory.testing import dirichlet_with_zeros
from tests.conftest import BACKENDS, dtype_name, native, require, to_np
from tests import functions
from tests.functions import CALLS

#: The documented tolerance: a few roundings of the result to its own dtype (eps 2**-11, 2**-8);
#: accumulating in float32 keeps the sum's own error far below that.
LOW_PRECISION_RTOL = {"float16": 4 * 2 ** -11, "bfloat16": 4 * 2 ** -8}
CASES = [(b, "float16") for b in ("numpy", "torch", "tensorflow", "mxnet")] + \
    [("torch", "bfloat16"), ("tensorflow", "bfloat16")]

RNG = np.random.default_rng(3)
P = dirichlet_with_zeros(RNG, (4, 256))
Q = 0.5 * dirichlet_with_zeros(RNG, (4, 256), zero_fraction=0.0) + 0.5 / 256  # no q rounds to 0
# logits near the float16 limit (65504); the loss 30000 - (-30000) is itself representable
Z = np.array([[30000.0, -30000.0, 0.0, 1.0], [-65000.0, -65000.0, -65000.0, -65000.0]])
LABELS = Q.argmax(-1)  # probable classes: a tiny q may round to 0 in float16, where -log q = inf


def _t(backend, a, dtype):
    fw = require(backend)
    if dtype == "bfloat16":
        if backend == "torch":
            return fw.tensor(a, dtype=fw.bfloat16)
        return fw.constant(a, dtype=fw.bfloat16)
    return native(backend, a, dtype)


def _check(out, ref, dtype):
    assert dtype_name(out) == dtype
    got = to_np(out)
    assert np.isfinite(got).all(), got
    np.testing.assert_allclose(got, ref, rtol=LOW_PRECISION_RTOL[dtype], atol=1e-3)


@pytest.mark.parametrize("backend,dtype", CASES)
def test_measures_in_low_precision(backend, dtype):
    # references on the same rounded inputs, in float64
    p64 = to_np(_t(backend, P, dtype))
    q64 = to_np(_t(backend, Q, dtype))
    _check(it.entropy(_t(backend, P, dtype)), it.entropy(p64), dtype)
    _check(it.kl_divergence(_t(backend, P, dtype), _t(backend, Q, dtype)),
           it.kl_divergence(p64, q64), dtype)
    labels = native(backend, LABELS) if backend != "numpy" else LABELS
    _check(it.cross_entropy(_t(backend, Q, dtype), labels), it.cross_entropy(q64, LABELS), dtype)


@pytest.mark.parametrize("backend,dtype", CASES)
def test_logits_across_the_float16_range_do_not_overflow(backend, dtype):
    z64 = to_np(_t(backend, Z, dtype))
    _check(it.entropy(_t(backend, Z, dtype), from_logits=True), [0.0, 2.0], dtype)
    labels = np.array([1, 0])
    y = native(backend, labels) if backend != "numpy" else labels
    ce = it.cross_entropy(_t(backend, Z, dtype), y, from_logits=True, reduction="none")
    _check(ce, [z64[0, 0] - z64[0, 1], math.log(4)], dtype)
    kl = it.kl_divergence(_t(backend, Z, dtype), _t(backend, Z[::-1].copy(), dtype), from_logits=True)
    assert np.isfinite(to_np(kl)).all()


def scalar(x):
    return float(to_np(x).reshape(()))


@pytest.mark.parametrize("backend", [b for b in BACKENDS if b != "mxnet.nd"])  # as mxnet
def test_float16_infinite_logits_agree(backend):
    require(backend)
    z = native(backend, [[math.inf, -math.inf, 0.0]], "float32")
    z = z.astype("float16") if backend in ("numpy", "mxnet", "jax", "dask") else (
        z.half() if backend == "torch" else require("tensorflow").cast(z, "float16"))
    got = scalar(it.cross_entropy(z, native(backend, np.array([1])), from_logits=True))
    assert math.isnan(got)  # a row with a +inf logit is NaN on every backend


def test_tensorflow_mixed_half_precisions_give_float32():
    tf = require("tensorflow")
    out = it.kl_divergence(tf.constant([0.5, 0.5], tf.float16), tf.constant([0.5, 0.5],
                                                                             tf.bfloat16))
    assert out.dtype == tf.float32  # as torch's promotion


WIDE = 64  # the table's last axes, 64 times as long: 256 classes, where a float16 sum drifts
_PROBABILITIES = [id(a) for a in (functions.P, functions.Q, functions.J, functions.S,
                                  functions.J3)]


def _wide(a):
    """``a`` with its last axis repeated WIDE times (a distribution's entries divided by WIDE,
    so it still sums to 1); class indices stay valid."""
    if a.dtype.kind != "f" or a.ndim == 0 or a.shape[-1] == 1:  # (a weight broadcast as is)
        return a
    w = np.tile(a, (1,) * (a.ndim - 1) + (WIDE,))
    return w / WIDE if id(a) in _PROBABILITIES else w


def _low(backend, dtype, wide):
    def t(a):
        a = np.asarray(_wide(a) if wide else a)
        return _t(backend, a, dtype) if a.dtype.kind == "f" else native(backend, a)
    return t


def _rounded(backend, dtype, wide):
    """The table's inputs rounded to ``dtype`` and back to float64: the reference sees the same
    numbers, so the comparison measures the accumulation, not the inputs' rounding."""
    def t(a):
        a = np.asarray(_wide(a) if wide else a)
        return to_np(_t(backend, a, dtype)) if a.dtype.kind == "f" else a
    return t


@pytest.mark.parametrize("name", sorted(CALLS))
@pytest.mark.parametrize("backend,dtype", CASES)
def test_every_function_accumulates_low_precision_in_float32(backend, dtype, name):
    """Each function of the table on float16/bfloat16 inputs: the input dtype back, finite where
    float64 is finite, and within a few roundings of the result of float64 on the same rounded
    inputs (a sum in float16 is off by percents after 100 terms, or overflows)."""
    try:  # wide inputs; an entry whose inputs cannot widen (a square score matrix) as given
        ref = to_np(CALLS[name](_rounded(backend, dtype, True)))
        wide = True
    except ValueError:
        ref, wide = to_np(CALLS[name](_rounded(backend, dtype, False))), False
    assert wide or name in ("infonce", "nwj", "donsker_varadhan", "gaussian_kl_divergence")
    out = CALLS[name](_low(backend, dtype, wide))
    got = to_np(out)
    if dtype_name(out) not in ("int64", "int32"):
        assert dtype_name(out) == dtype, (name, dtype_name(out))
    assert (np.isfinite(got) == np.isfinite(ref)).all(), (got, ref)
    scale = np.abs(ref).max(initial=1.0)  # a difference of sums rounds against its terms' size
    np.testing.assert_allclose(got, ref, rtol=LOW_PRECISION_RTOL[dtype],
                               atol=LOW_PRECISION_RTOL[dtype] * scale)
