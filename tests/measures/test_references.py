"""Values against independent references: SciPy, closed forms, the frameworks' own losses."""
import math

import numpy as np
import pytest
from scipy import special, stats

import infotheory as it
from infotheory.testing import dirichlet_with_zeros
from tests.conftest import native, require, to_np

RNG = np.random.default_rng(1)
P = dirichlet_with_zeros(RNG, (5, 40))
Q = dirichlet_with_zeros(RNG, (5, 40), zero_fraction=0.0)


def test_entropy_matches_scipy(backend):
    got = to_np(it.entropy(native(backend, P)))
    np.testing.assert_allclose(got, stats.entropy(P, base=2, axis=-1), rtol=1e-12)


@pytest.mark.parametrize("base", [2, math.e, 10, 0.5])
def test_entropy_base_matches_scipy(base):
    np.testing.assert_allclose(it.entropy(P, base=base), stats.entropy(P, base=base, axis=-1),
                               rtol=1e-12)


def test_kl_matches_scipy_rel_entr(backend):
    got = to_np(it.kl_divergence(native(backend, P), native(backend, Q), base=math.e))
    np.testing.assert_allclose(got, special.rel_entr(P, Q).sum(-1), rtol=1e-12)


def test_kl_is_inf_where_p_positive_and_q_zero(backend):
    got = to_np(it.kl_divergence(native(backend, [0.5, 0.5, 0.0]), native(backend, [0.5, 0.0, 0.5])))
    assert got == np.inf
    # and 0 log(0/q) = 0, even for q = 0
    got = to_np(it.kl_divergence(native(backend, [0.5, 0.5, 0.0]), native(backend, [0.5, 0.5, 0.0])))
    assert got == 0.0


def test_entropy_closed_forms(backend):
    for k in (1, 2, 7, 1000):
        got = to_np(it.entropy(native(backend, np.full(k, 1.0 / k))))
        assert abs(got - math.log2(k)) < 1e-12 * max(1, k)
    point_mass = native(backend, [0.0, 1.0, 0.0, 0.0])
    assert to_np(it.entropy(point_mass)) == 0.0
    assert not np.signbit(to_np(it.entropy(point_mass)))  # +0, not -0


def test_mutual_information_of_independent_is_zero(backend):
    px, py = np.array([0.2, 0.3, 0.5]), np.array([0.6, 0.4])
    got = to_np(it.mutual_information(native(backend, np.outer(px, py))))
    assert abs(got) < 1e-15


def test_mutual_information_identities(backend):
    joint = dirichlet_with_zeros(RNG, (3, 12)).reshape(3, 3, 4)
    t = native(backend, joint)
    mi = to_np(it.mutual_information(t))
    h_x = stats.entropy(joint.sum(-1), base=2, axis=-1)
    h_y = stats.entropy(joint.sum(-2), base=2, axis=-1)
    h_xy = stats.entropy(joint.reshape(3, -1), base=2, axis=-1)
    np.testing.assert_allclose(mi, h_x + h_y - h_xy, atol=1e-12)
    np.testing.assert_allclose(to_np(it.conditional_entropy(t)), h_xy - h_x, atol=1e-12)


def test_pointwise_mutual_information_closed_form(backend):
    joint = np.array([[0.1, 0.5], [0.0, 0.4]])
    got = to_np(it.pointwise_mutual_information(native(backend, joint)))
    px, py = joint.sum(1, keepdims=True), joint.sum(0, keepdims=True)
    with np.errstate(divide="ignore"):
        np.testing.assert_allclose(got, np.log2(joint / (px * py)))
    assert got[1, 0] == -np.inf


def test_cross_entropy_matches_torch_functional():
    torch = require("torch")
    F = torch.nn.functional
    logits = torch.randn(6, 5, dtype=torch.float64) * 4
    labels = torch.randint(0, 5, (6,))
    for reduction in ("mean", "sum", "none"):
        ours = it.cross_entropy(logits, labels, from_logits=True, reduction=reduction)
        torch.testing.assert_close(ours, F.cross_entropy(logits, labels, reduction=reduction))
        probs = logits.softmax(-1)
        torch.testing.assert_close(it.cross_entropy(probs, labels, reduction=reduction),
                                   F.cross_entropy(logits, labels, reduction=reduction))
        torch.testing.assert_close(it.nll_loss(logits.log_softmax(-1), labels, reduction=reduction),
                                   F.nll_loss(logits.log_softmax(-1), labels, reduction=reduction))
    soft = torch.softmax(torch.randn(6, 5, dtype=torch.float64), -1)
    torch.testing.assert_close(it.cross_entropy(logits, soft, from_logits=True),
                               F.cross_entropy(logits, soft))


def test_kl_from_logits_matches_torch_kl_div():
    torch = require("torch")
    a, b = torch.randn(4, 7, dtype=torch.float64), torch.randn(4, 7, dtype=torch.float64)
    ref = torch.nn.functional.kl_div(b.log_softmax(-1), a.log_softmax(-1), log_target=True,
                                     reduction="none").sum(-1)
    torch.testing.assert_close(it.kl_divergence(a, b, from_logits=True, base=math.e), ref)


def test_cross_entropy_matches_tensorflow_losses():
    tf = require("tensorflow")
    logits = tf.constant(np.random.default_rng(2).normal(0, 3, (6, 5)))
    labels = tf.constant([0, 4, 2, 2, 1, 3])
    ref = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)
    np.testing.assert_allclose(it.cross_entropy(logits, labels, from_logits=True,
                                                reduction="none").numpy(), ref.numpy())
    onehot = tf.one_hot(labels, 5, dtype=tf.float64)
    ref = tf.nn.softmax_cross_entropy_with_logits(labels=onehot, logits=logits)
    np.testing.assert_allclose(it.cross_entropy(logits, onehot, from_logits=True,
                                                reduction="none").numpy(), ref.numpy())


def test_cross_entropy_matches_mxnet_softmax_cross_entropy():
    mx = require("mxnet")
    logits = np.random.default_rng(3).normal(0, 3, (6, 5)).astype("float32")
    labels = np.array([0, 4, 2, 2, 1, 3])
    ref = mx.nd.softmax_cross_entropy(mx.nd.array(logits), mx.nd.array(labels)).asnumpy()
    ours = it.cross_entropy(mx.np.array(logits), mx.np.array(labels), from_logits=True,
                            reduction="sum")
    np.testing.assert_allclose(float(ours), ref[0], rtol=1e-5)


def test_cross_entropy_probability_targets_zero_convention(backend):
    # 0 * log q = 0 where a target is 0, even where q = 0
    y_hat = native(backend, [[0.5, 0.5, 0.0]])
    y = native(backend, [[1.0, 0.0, 0.0]])
    assert abs(to_np(it.cross_entropy(y_hat, y)) - math.log(2)) < 1e-12


def test_from_logits_is_stable_for_large_logits(backend):
    z = native(backend, [[1000.0, -1000.0, 0.0], [-1000.0, -1000.0, -1000.0]])
    h = to_np(it.entropy(z, from_logits=True))
    np.testing.assert_allclose(h, [0.0, math.log2(3)], atol=1e-12)
    kl = to_np(it.kl_divergence(z, native(backend, [[0.0, 0.0, 0.0]]), from_logits=True))
    np.testing.assert_allclose(kl, [math.log2(3), 0.0], atol=1e-12)
    ce = to_np(it.cross_entropy(z, native(backend, np.array([1, 2])), from_logits=True,
                                reduction="none"))
    np.testing.assert_allclose(ce, [2000.0, math.log(3)], rtol=1e-12)


def _kl_mpmath(p, q):
    mpmath = pytest.importorskip("mpmath")
    with mpmath.workdps(50):
        return float(sum(mpmath.mpf(a) * mpmath.log(mpmath.mpf(a) / mpmath.mpf(b))
                         for a, b in zip(p, q) if a != 0))


def test_kl_of_nearly_equal_distributions_keeps_its_relative_accuracy_on_numpy():
    # SciPy's own rel_entr test: 1.64313008e-13 (rtol 1e-13); the difference of logs gave
    # 1.64305581e-13 (and 1.643274e-13 here), relative error 4.5e-5.
    got = it.kl_divergence([0.786048657854401], [0.7860486578542367], base=math.e)
    assert type(got) is np.float64
    np.testing.assert_allclose(got, 1.64313008e-13, rtol=1e-8)
    np.testing.assert_allclose(got, _kl_mpmath([0.786048657854401], [0.7860486578542367]),
                               rtol=1e-13)
    rng = np.random.default_rng(3)
    p = rng.dirichlet(np.ones(200), 4)
    q = p * (1 + 1e-7 * rng.standard_normal(p.shape))
    q /= q.sum(-1, keepdims=True)
    got = it.kl_divergence(p, q, base=math.e)
    ref = [_kl_mpmath(a, b) for a, b in zip(p, q)]
    # terms of 1e-9 summing to 4e-15: the sum's own rounding bounds the relative error near
    # 1e-9 (SciPy's sum of rel_entr too); the difference of logs was off by 1e-2 and more
    np.testing.assert_allclose(got, ref, rtol=1e-8)
    far = rng.dirichlet(np.ones(200), 4)  # rows far apart in one batch with the near ones
    both = it.kl_divergence(np.concatenate([p, far]), np.concatenate([q, p]), base=math.e)
    np.testing.assert_allclose(both[:4], ref, rtol=1e-8)
    np.testing.assert_allclose(both[4:], special.rel_entr(far, p).sum(-1), rtol=1e-12)
