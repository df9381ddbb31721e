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
