"""Edge cases of the distribution measures on every backend: marginals along their own axis,
no negative information from rounding, infinities and NaN where the formula gives them, rows
independent of their batch, broadcasting and logits of different rank."""

import math

import numpy as np
import pytest
from scipy import special

import infotheory as it
from tests.conftest import native, to_np

LN2 = math.log(2)


def scalar(x):
    return float(to_np(x).reshape(()))


def test_one_dimensional_marginals_run_along_their_own_axis(backend):
    p_x, p_y = [0.3, 0.7], [0.2, 0.8]
    joint = native(backend, np.outer(p_x, p_y))
    mi = scalar(it.mutual_information(joint, native(backend, p_x), native(backend, p_y)))
    assert mi == pytest.approx(0.0, abs=1e-12)  # was -0.1222 bits: p_x broadcast along y
    h = scalar(it.conditional_entropy(joint, native(backend, p_x)))
    assert h == pytest.approx(-sum(v * math.log2(v) for v in p_y), abs=1e-12)  # H(Y|X) = H(Y)
    # two-dimensional marginals broadcast as given: the book's call, written out
    book = scalar(it.mutual_information(native(backend, [[0.1, 0.5], [0.1, 0.3]]),
                                        native(backend, [[0.2, 0.8]]),
                                        native(backend, [[0.75, 0.25]])))
    assert book == pytest.approx(0.7194602975, abs=1e-9)


def test_no_negative_information_from_rounding(backend):
    rng = np.random.default_rng(3)
    for _ in range(20):
        a, b = rng.dirichlet(np.ones(5)), rng.dirichlet(np.ones(7))
        joint = native(backend, np.outer(a, b), "float32")
        assert scalar(it.mutual_information(joint)) >= 0.0
        assert scalar(it.conditional_entropy(joint)) >= 0.0
        z = rng.normal(0, 3, 6)
        for dtype in ("float32", "float64"):  # terms -p log p >= 0: no clamp needed, none used
            assert (to_np(it.entropy(native(backend, rng.dirichlet(np.full(9, 0.3), 4), dtype)))
                    >= 0).all()
            assert (to_np(it.entropy(native(backend, rng.normal(0, 30, (4, 9)), dtype),
                                     from_logits=True)) >= 0).all()
        assert scalar(it.kl_divergence(native(backend, z, "float32"),
                                       native(backend, z + 1e-3, "float32"),
                                       from_logits=True)) >= 0.0
    point = native(backend, [1000.0, 0.0, -1000.0], "float32")
    assert scalar(it.entropy(point, from_logits=True)) == 0.0  # was -2.06e-6 on MXNet
    ce = it.cross_entropy(native(backend, [[30.0, 0.0, 0.0]], "float32"),
                          native(backend, np.array([0])), from_logits=True)
    assert scalar(ce) == 0.0  # was -1.43e-6 on MXNet
    kl = it.kl_divergence(native(backend, [0.0, -1000.0], "float32"),
                          native(backend, [-1000.0, 0.0], "float32"), from_logits=True,
                          base=math.e)
    assert scalar(kl) == 1000.0  # was 1000.0014 on MXNet


def test_kl_is_inf_where_q_is_zero_and_nan_where_p_is_no_probability(backend):
    v = scalar(it.kl_divergence(native(backend, [1.0, 0.0]), native(backend, [0.0, 1.0])))
    assert v == math.inf  # p > 0 = q (TF gave NaN for p = inf there: its xlogy kernel)
    v = scalar(it.kl_divergence(native(backend, [math.inf, 0.0]), native(backend, [1.0, 0.0])))
    assert math.isnan(v)  # issue 18: p = inf is no probability (it gave +inf)


def test_kl_of_negative_entries_is_nan(backend):
    v = scalar(it.kl_divergence(native(backend, np.array([-0.5])), native(backend, [-1.0])))
    assert math.isnan(v)  # NumPy's log(p / q) fast path gave 0.5 bits


def test_a_row_does_not_depend_on_its_batch(backend):
    p_row, q_row = [2.22e-308, 1.0 - 2.22e-308], [1e-310, 1.0]
    alone = scalar(it.kl_divergence(native(backend, p_row), native(backend, q_row), base=math.e))
    batch = to_np(it.kl_divergence(native(backend, [p_row, [1.0, 0.0]]),
                                   native(backend, [q_row, [1e-320, 1.0]]), base=math.e))
    assert batch[0] == alone
    if backend != "tensorflow":  # TF's CPU kernels flush subnormals to 0
        assert alone == pytest.approx(float(special.rel_entr(p_row, q_row).sum()), rel=1e-12)


def test_broadcasts_that_torch_in_place_kernels_refused(backend):
    rng = np.random.default_rng(5)
    p, q = rng.dirichlet(np.ones(3), (2, 1)), rng.dirichlet(np.ones(3), (1, 4))
    got = to_np(it.kl_divergence(native(backend, p), native(backend, q)))
    np.testing.assert_allclose(got, special.rel_entr(p, q).sum(-1) / LN2, rtol=1e-12)
    joint = np.array([[0.1, 0.4], [0.2, 0.3]])
    p_x = np.stack([joint.sum(-1, keepdims=True)] * 3)  # (3, 2, 1)
    got = to_np(it.conditional_entropy(native(backend, joint), native(backend, p_x)))
    expected = (special.entr(joint).sum() - special.entr(joint.sum(-1)).sum()) / LN2
    np.testing.assert_allclose(got, [expected] * 3, rtol=1e-12)


def test_logits_of_different_rank(backend):
    z, w = np.array([1.0, 2.0, 3.0]), np.array([[0.0, 0.0, 0.0], [3.0, 2.0, 1.0]])
    got = to_np(it.kl_divergence(native(backend, z), native(backend, w), from_logits=True))
    ref = special.rel_entr(special.softmax(z), special.softmax(w, axis=-1)).sum(-1) / LN2
    np.testing.assert_allclose(got, ref, rtol=1e-12)
    got = to_np(it.kl_divergence(native(backend, w), native(backend, z), from_logits=True,
                                 axis=(0, 1)))
    pw = special.softmax(w)  # over both axes
    pz = special.softmax(np.broadcast_to(z, w.shape))
    ref = special.rel_entr(pw, pz).sum() / LN2
    assert float(got) == pytest.approx(ref, rel=1e-12)
    got = to_np(it.jensen_shannon_divergence(native(backend, w), native(backend, z),
                                             from_logits=True, axis=(0, 1)))
    m = (pw + pz) / 2
    ref = 0.5 * (special.rel_entr(pw, m).sum() + special.rel_entr(pz, m).sum()) / LN2
    assert float(got) == pytest.approx(ref, rel=1e-12)


def test_kl_divergence_of_probabilities_against_logits(backend):
    """from_logits="q": a target distribution against a prediction's logits (torch's
    F.kl_div(log_softmax(z), p) habit), for distillation from a teacher's probabilities."""
    p = np.array([[0.7, 0.2, 0.1, 0.0], [0.25, 0.25, 0.25, 0.25]])
    z = np.array([[0.5, 1.5, -1.0, 3.0], [2.0, 0.0, 0.3, -0.2]])
    ref = special.rel_entr(p, special.softmax(z, axis=-1)).sum(-1) / LN2
    got = to_np(it.kl_divergence(native(backend, p), native(backend, z), from_logits="q"))
    np.testing.assert_allclose(got, ref, rtol=1e-12)
    with pytest.raises(ValueError, match="kl_divergence: from_logits must be False, True or 'q'"):
        it.kl_divergence(native(backend, p), native(backend, z), from_logits="p")
