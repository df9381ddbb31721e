"""Impossible probabilities give NaN, in the graph, with no host read (issue 18): a row with an
entry below 0 or above 1 (logits or counts passed where probabilities are expected) is NaN for
that row on every backend, eager and in graph mode, and through reductions; the other rows keep
their values (SciPy's); ``validate=True`` still says why."""
import math

import numpy as np
import pytest
from scipy import special, stats

import infotheory as it
from tests.conftest import native, require, to_np

GOOD = np.array([0.1, 0.5, 0.1, 0.3])
LOGITS = np.array([2.0, -1.0, 0.5, 3.0])  # a habit from training code
COUNTS = np.array([20.0, 30.0, 0.0, 50.0])  # entropy([20, 30, 50]) was -515.84 bits
P = np.stack([GOOD, LOGITS, COUNTS, GOOD[::-1]])
Q = np.stack([GOOD[::-1], GOOD, GOOD, COUNTS])  # the last row of q is no distribution
Y = np.array([1, 2, 0, 3])
BAD_P = [False, True, True, False]
BAD_PQ = [False, True, True, True]


def _rows(got, bad, want):
    got = np.asarray(got, dtype=np.float64).reshape(-1)
    assert np.isnan(got[bad]).all(), got
    np.testing.assert_allclose(got[~np.asarray(bad)], np.asarray(want)[~np.asarray(bad)],
                               rtol=1e-12)


def test_every_measure_on_probabilities_gives_nan_rows(backend):
    p, q = native(backend, P), native(backend, Q)
    _rows(to_np(it.entropy(p, base=math.e)), BAD_P, stats.entropy(P.clip(0, None).T))
    _rows(to_np(it.kl_divergence(p, q, base=math.e)), BAD_PQ,
          special.rel_entr(P, Q).sum(-1))
    _rows(to_np(it.kl_divergence(p, native(backend, np.zeros((4, 4))), from_logits="q",
                                 base=math.e)), BAD_P,
          special.rel_entr(P, np.full((4, 4), 0.25)).sum(-1))
    m = (P + Q) / 2
    _rows(to_np(it.jensen_shannon_divergence(p, q, base=math.e)), BAD_PQ,
          (special.rel_entr(P, m).sum(-1) + special.rel_entr(Q, m).sum(-1)) / 2)
    _rows(to_np(it.cross_entropy(p, native(backend, Y), reduction="none")), BAD_P,
          -np.log(P[np.arange(4), Y]))
    _rows(to_np(it.cross_entropy(q, p, reduction="none")), BAD_PQ,
          -(P * np.log(Q)).sum(-1))
    joints = P.reshape(4, 2, 2)
    ref = [stats.entropy(j.ravel()) - stats.entropy(j.sum(1)) for j in joints.clip(0, None)]
    _rows(to_np(it.conditional_entropy(native(backend, joints), base=math.e)), BAD_P, ref)
    _rows(to_np(it.joint_entropy(native(backend, joints), base=math.e)), BAD_P,
          [stats.entropy(j.ravel()) for j in joints.clip(0, None)])
    mi = to_np(it.mutual_information(native(backend, joints)))
    assert np.isnan(mi[BAD_P]).all() and np.isfinite(mi[~np.asarray(BAD_P)]).all()
    pmi = to_np(it.pointwise_mutual_information(native(backend, joints)))
    assert np.isnan(pmi[BAD_P]).all() and not np.isnan(pmi[~np.asarray(BAD_P)]).any()


def test_a_reduction_over_a_nan_row_is_nan_and_the_mean_of_good_rows_is_not(backend):
    p = native(backend, P)
    assert math.isnan(float(to_np(it.cross_entropy(p, native(backend, Y))).reshape(())))
    good = native(backend, P[[0, 3]])
    assert math.isfinite(float(to_np(it.cross_entropy(good, native(backend, Y[[0, 3]])))
                               .reshape(())))
    assert math.isnan(float(to_np(it.perplexity(p, native(backend, Y))).reshape(())))


def test_rounding_above_one_is_not_impossible(backend):
    """A marginal summed in float32 may read 1 + a few ulps: still a probability."""
    for dtype, eps in (("float32", 2.0 ** -23), ("float64", 2.0 ** -52)):
        p = native(backend, np.array([1.0 + 4 * eps, 0.0]), dtype)
        assert float(to_np(it.entropy(p)).reshape(())) == pytest.approx(0.0, abs=1e-5)


def test_validate_still_says_why(backend):
    with pytest.raises(ValueError, match="entropy: p has entries greater than 1"):
        it.entropy(native(backend, COUNTS), validate=True)
    with pytest.raises(ValueError, match="kl_divergence: q has negative entries"):
        it.kl_divergence(native(backend, GOOD), native(backend, LOGITS - 1.0), validate=True)


def test_in_graph_mode_too():
    tf = require("tensorflow")
    torch = require("torch")
    f = tf.function(lambda p: it.entropy(p))
    _rows(f(tf.constant(P)).numpy(), BAD_P, stats.entropy(P.clip(0, None).T, base=2))
    g = torch.compile(lambda p, q: it.kl_divergence(p, q), fullgraph=True)
    _rows(g(torch.tensor(P), torch.tensor(Q)).numpy(), BAD_PQ,
          special.rel_entr(P, Q).sum(-1) / math.log(2))


def test_gradients_of_good_rows_are_unchanged():
    torch = require("torch")
    p = torch.tensor(P[[0, 3]], requires_grad=True)
    (g,) = torch.autograd.grad(it.entropy(p, base=math.e).sum(), p)
    torch.testing.assert_close(g, -(torch.log(p.detach()) + 1), rtol=1e-12, atol=0)


def test_elementwise_measures_give_nan_outside_the_unit_interval(backend):
    """Issue 29: self_information(1.2) was -0.263 bits and BCE of q = 1.5 against y = 1 was
    -0.405 (the masked log hid 1 - q < 0); both are NaN now, the good entries keep torch's and
    the closed form's values."""
    p = np.array([1.2, 0.5, -0.1, 1.0, 0.0, math.nan])
    bad = [True, False, True, False, False, True]
    _rows(to_np(it.self_information(native(backend, p))), bad,
          -np.log2(np.where(bad, 0.5, p)))
    q = np.array([1.5, 0.9, -0.5, 0.2, math.nan, 1.0])
    y = np.array([1.0, 1.0, 0.0, 0.0, 1.0, 1.0])
    got = to_np(it.binary_cross_entropy(native(backend, q), native(backend, y), reduction="none"))
    qq = np.where(np.isnan(q) | (q < 0) | (q > 1), 0.5, q)
    _rows(got, [True, False, True, False, True, False],
          -(special.xlogy(y, qq) + special.xlogy(1 - y, 1 - qq)))
    assert math.isnan(float(to_np(it.binary_cross_entropy(native(backend, q),
                                                             native(backend, y)))))


def test_a_nan_away_from_the_target_class_makes_the_row_nan(backend):
    """Issue 29: cross-entropy and perplexity read one entry of a probability row per label, so a
    NaN elsewhere in the row was lost; the row is no distribution, so its loss is NaN."""
    q = np.array([[0.2, math.nan, 0.8], [0.1, 0.2, 0.7], [0.5, 0.5, 0.0]])
    y = np.array([0, 2, 1])
    want = -np.log(q[np.arange(3), y])
    got = to_np(it.cross_entropy(native(backend, q), native(backend, y), reduction="none"))
    _rows(got, [True, False, False], want)
    assert math.isnan(float(to_np(it.perplexity(native(backend, q), native(backend, y)))))
    good = to_np(it.perplexity(native(backend, q[1:]), native(backend, y[1:])))
    np.testing.assert_allclose(good, np.exp(want[1:].mean()), rtol=1e-12)
