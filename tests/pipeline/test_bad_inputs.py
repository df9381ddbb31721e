"""The bad-input catalogue: for each kind of bad or extreme input, on every backend, the exact
value returned (validate=False) or the exception and a message naming the argument; and with
validate=True every invalid value is caught. Structural checks hold either way."""
import math

import numpy as np
import pytest

import infotheory as it
from infotheory import testing as conformance
from tests.conftest import BACKENDS, native, require, to_np

NAN, INF = math.nan, math.inf

# name -> (p, entropy without validation, the validate=True message or None if valid)
VALUES = {
    "nan": ([0.5, NAN, 0.5], NAN, "p contains NaN"),
    # (issue 18: an entry above 1 is no probability: NaN, where it gave -inf and -0.877)
    "+inf": ([0.5, INF], NAN, r"p has entries greater than 1 \(max inf\)"),
    "-inf": ([0.5, -INF], NAN, r"p has negative entries \(min -inf\)"),
    "negative": ([1.5, -0.5], NAN, r"p has negative entries \(min -0.5\)"),
    "greater than 1": ([1.5], NAN, r"p has entries greater than 1"),
    "not normalized": ([0.5, 0.25], 1.0, "p does not sum to 1"),
    "exact zeros": ([0.0, 1.0, 0.0], 0.0, None),
    "subnormal": ([1e-310, 1.0], -1e-310 * math.log2(1e-310), None),
}


@pytest.mark.parametrize("case", VALUES)
def test_bad_values(backend, case):
    p, expected, message = VALUES[case]
    t = native(backend, p)
    got = to_np(it.entropy(t)).reshape(())
    if case == "subnormal" and backend == "tensorflow":
        expected = 0.0  # TF's CPU kernels treat subnormals as 0 (denormals-are-zero)
    if math.isnan(expected):
        assert math.isnan(got)
    else:
        assert got == pytest.approx(expected, rel=1e-12, abs=1e-300)
    if message is None:
        it.entropy(t, validate=True)
    else:
        with pytest.raises(ValueError, match=f"entropy: {message}"):
            it.entropy(t, validate=True)


def test_nan_in_q_and_logits(backend):
    p = native(backend, [0.5, 0.5])
    assert math.isnan(to_np(it.kl_divergence(p, native(backend, [NAN, 1.0]))).reshape(()))
    with pytest.raises(ValueError, match="kl_divergence: q contains NaN"):
        it.kl_divergence(p, native(backend, [NAN, 1.0]), validate=True)
    z = native(backend, [1.0, NAN])
    assert math.isnan(to_np(it.entropy(z, from_logits=True)).reshape(()))


def test_empty_tensors(backend):
    if backend.startswith("mxnet"):
        # Without NumPy shape semantics MXNet reads a 0 in a shape as "unknown" and cannot
        # even create an empty array; with them (npx.set_np()) empties work as elsewhere.
        mx = require(backend)
        with mx.util.np_shape(True), mx.util.np_array(True):
            return _empty_tensors(backend)
    _empty_tensors(backend)


def _empty_tensors(backend):
    assert to_np(it.entropy(native(backend, np.zeros(0)))).reshape(()) == 0.0  # empty sum
    np.testing.assert_array_equal(to_np(it.entropy(native(backend, np.zeros((2, 0))))), [0, 0])
    assert to_np(it.entropy(native(backend, np.zeros((0, 3))))).size == 0
    ce = it.cross_entropy(native(backend, np.zeros((0, 3))), native(backend, np.zeros(0, np.int64)))
    assert math.isnan(to_np(ce).reshape(()))  # the mean of no losses, as every framework
    none = it.cross_entropy(native(backend, np.zeros((0, 3))), native(backend, np.zeros(0, np.int64)),
                            reduction="none")
    assert to_np(none).shape == (0,)


@pytest.mark.parametrize("backend", [b for b in BACKENDS if b != "mxnet.nd"])
def test_zero_dimensional_tensors(backend):  # legacy mx.nd has no 0-d arrays without set_np
    require(backend)
    half = native(backend, np.array(0.5))
    assert to_np(it.self_information(half)).reshape(()) == 1.0
    with pytest.raises(ValueError, match="entropy: axis -1 is out of range for an input with 0 dimension"):
        it.entropy(half)
    assert to_np(it.entropy(half, axis=None)).reshape(()) == 0.5


@pytest.mark.parametrize("bad,error,message", [
    ([[0.5, 0.5], [1.0]], ValueError, "entropy: p is a ragged nested sequence"),
    ("0.5", TypeError, "entropy: p must be an array"),
    (None, TypeError, "entropy: p must be an array"),
    ([["a", "b"]], TypeError, "entropy: p has a non-numeric dtype"),
    ([True, False], TypeError, "entropy: p has a boolean dtype"),
    ([0.5 + 0j, 0.5], TypeError, "entropy: p has a complex dtype"),
])
def test_non_numbers(bad, error, message):
    with pytest.raises(error, match=message):
        it.entropy(bad)


def _typed(backend, values, kind):
    fw = require(backend)
    a = np.array(values)
    if backend == "numpy":
        return a.astype(kind)
    if backend == "torch":
        return fw.tensor(a.astype(kind))
    if backend == "tensorflow":
        return fw.constant(a.astype(kind))
    if backend == "mxnet":
        return fw.np.array(a, dtype=kind)
    if backend == "mxnet.nd":
        return fw.nd.array(a, dtype=kind)
    return conformance.get_backend(backend).from_numpy(a.astype(kind))


def test_bool_and_complex_tensors(backend):
    if backend not in ("mxnet", "mxnet.nd"):  # MXNet 1.9 has no complex arrays
        with pytest.raises(TypeError, match="entropy: p has a complex dtype"):
            it.entropy(_typed(backend, [0.5, 0.5], "complex64"))
    if backend != "mxnet.nd":  # nor legacy boolean NDArrays
        with pytest.raises(TypeError, match="entropy: p has a boolean dtype"):
            it.entropy(_typed(backend, [True, False], "bool"))


def test_integer_tensors_are_refused_or_promoted(backend):
    # second pass: an integer distribution looks like counts and raises; integer logits and
    # log-probabilities are still promoted
    with pytest.raises(TypeError, match="entropy: p has an integer dtype"):
        it.entropy(_typed(backend, [1, 0, 0], "int32"))
    with pytest.raises(TypeError, match="self_information: p has an integer dtype"):
        it.self_information(_typed(backend, [1, 2], "int64"), base=2)
    out = it.nll_loss(_typed(backend, [[-1, 0]], "int32"), native(backend, np.array([0])))
    assert to_np(out).reshape(()) == 1.0


@pytest.mark.parametrize("labels", [[0, 3], [-1, 0], [0, 1000]])
def test_labels_out_of_range_give_nan_or_raise_with_validate(backend, labels):
    q = native(backend, [[0.5, 0.5, 0.0], [0.2, 0.3, 0.5]])
    y = native(backend, np.array(labels))
    losses = to_np(it.cross_entropy(q, y, reduction="none"))
    bad = [not 0 <= v < 3 for v in labels]
    assert all(math.isnan(l) == b for l, b in zip(losses, bad)), losses
    assert math.isnan(to_np(it.nll_loss(q, y)).reshape(()))
    with pytest.raises(ValueError, match=r"cross_entropy: y has class indices outside \[0, 3\)"):
        it.cross_entropy(q, y, validate=True)


def test_floating_labels(backend):
    # second pass: the dtype decides. A float y of the labels' shape (1,) is a probability
    # target broadcast over the classes, so its loss is -1.0 * (log 0.5 + log 0.5)...
    got = to_np(it.cross_entropy(native(backend, [[0.5, 0.5]]), native(backend, [1.0]))).reshape(())
    assert got == pytest.approx(2 * math.log(2), rel=1e-12)
    # ...and one that cannot broadcast says which reading was assumed
    with pytest.raises(ValueError, match="y was read as probability targets"):
        it.cross_entropy(native(backend, [[0.5, 0.5, 0.0]] * 2), native(backend, [1.0, 2.0]))


def test_subnormal_probabilities_float32(backend):
    tiny = float(np.float32(1e-45))  # the smallest float32 subnormal, 2**-149
    si = to_np(it.self_information(native(backend, [tiny], "float32")))[0]
    # TensorFlow's CPU kernels treat subnormals as 0 (denormals-are-zero), so log gives the
    # value at 2**-150; XLA (JAX) flushes the input itself to 0, so -log2(0) = inf; everywhere
    # else it is exact.
    assert si == {"tensorflow": 150.0, "jax": math.inf}.get(backend, 149.0)
    h = to_np(it.entropy(native(backend, [tiny, 1.0], "float32"))).reshape(())
    # -2**-149 log2(2**-149) = 149 * 2**-149, exactly representable; TF and XLA flush it to 0
    assert h == (0.0 if backend in ("tensorflow", "jax") else 149 * tiny)


def test_ten_million_outcomes(backend):
    k = 10 ** 7
    h = to_np(it.entropy(native(backend, np.full(k, 1.0 / k), "float32"))).reshape(())
    if backend in ("numpy", "mxnet", "mxnet.nd"):
        # NumPy accumulates float32 sums past 8192 terms in float64 (a plain float32 sum is
        # 2.2e-4 bits off here); MXNet's legacy reduction accumulates exactly enough too
        assert abs(h - math.log2(k)) < 2e-6
    else:  # torch and TensorFlow: their own float32 reductions (measured 7e-6 and 1.7e-5 bits)
        assert abs(h - math.log2(k)) < 2e-5 * math.log2(k)


def test_free_checks_hold_without_validation(backend):
    p = native(backend, [[0.5, 0.5]])
    with pytest.raises(ValueError, match="axis"):
        it.entropy(p, axis=2, validate=False)
    with pytest.raises(ValueError, match="shapes do not broadcast"):
        it.kl_divergence(p, native(backend, [0.2, 0.3, 0.5]), validate=False)
    with pytest.raises(ValueError, match="base"):
        it.entropy(p, base=1, validate=False)


# issue 31's probe: bad values that gave a number
@pytest.mark.parametrize("method", ["plugin", "miller_madow", "chao_shen", "james_stein"])
def test_negative_or_nan_counts_give_nan_with_every_method(backend, method):
    """chao_shen gave -0.404 for [5, -1, 0] and james_stein 1.585 for [1, 1, -1]: a row of
    counts with a negative or NaN entry is no counts' row (the other rows keep their value)."""
    counts = native(backend, np.array([[5.0, -1.0, 0.0], [1.0, 1.0, -1.0], [1.0, NAN, 2.0],
                                       [1.0, 2.0, 3.0]]))
    got = to_np(it.estimate.entropy_from_counts(counts, method=method))
    assert np.isnan(got[:3]).all() and np.isfinite(got[3])


def test_pmi_of_negative_counts_is_nan(backend):
    """PPMI turned the negative cell into 0 (and kept the other cells' values)."""
    for positive in (False, True):
        got = to_np(it.estimate.pmi_from_counts(native(backend, np.array([[3.0, -1.0],
                                                                           [2.0, 2.0]])),
                                                positive=positive))
        assert np.isnan(got).all()


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("from_logits", [False, True])
def test_binary_cross_entropy_targets_outside_0_1_give_nan(backend, reduction, from_logits):
    """y = -1 gave 4.4998 and y = 2 gave 0.693 (torch's F.binary_cross_entropy raises)."""
    y_hat = native(backend, np.array([0.9, 0.3, 0.6]))
    y = native(backend, np.array([-1.0, 2.0, 1.0]))
    got = to_np(it.binary_cross_entropy(y_hat, y, reduction=reduction, from_logits=from_logits))
    if reduction == "none":
        assert np.isnan(got[:2]).all() and np.isfinite(got[2])
    else:
        assert np.isnan(got)
    with pytest.raises(ValueError, match="binary_cross_entropy: y"):
        it.binary_cross_entropy(y_hat, y, reduction=reduction, from_logits=from_logits,
                                validate=True)


def test_gaussian_kl_of_point_masses_and_validation(backend):
    """scale_q = 0 gave NaN where the means agree (0/0); validate=True let a NaN or infinite
    location through."""
    one, zero = native(backend, np.array([1.0])), native(backend, np.array([0.0]))
    assert to_np(it.gaussian_kl_divergence(zero, one, zero, zero)).reshape(()) == INF
    assert to_np(it.gaussian_kl_divergence(zero, zero, zero, one)).reshape(()) == INF
    for bad in (NAN, INF):
        loc = native(backend, np.array([bad]))
        with pytest.raises(ValueError, match="gaussian_kl_divergence: loc_p contains"):
            it.gaussian_kl_divergence(loc, one, zero, one, validate=True)
        with pytest.raises(ValueError, match="gaussian_kl_divergence: scale_q"):
            it.gaussian_kl_divergence(zero, one, zero, native(backend, np.array([bad])),
                                      validate=True)
