"""Conditional MI, total and dual total correlation, co-information, O-information, Rényi and
Tsallis entropies and the Rényi divergence: against dit (where it installs), closed forms and
SciPy, on every backend, with gradients and the impossible-probability rule."""
import math

import numpy as np
import pytest
from scipy import special

import infotheory as it
from tests.conftest import native, to_np
from tests.gradients import value_and_grads

RNG = np.random.default_rng(19)
P3 = RNG.dirichlet(np.ones(24), size=2).reshape(2, 2, 3, 4)  # a batch of two joints (x, y, z)
P4 = RNG.dirichlet(np.ones(16)).reshape(2, 2, 2, 2)

MULTI = {"total_correlation": it.total_correlation,
         "dual_total_correlation": it.dual_total_correlation,
         "co_information": it.co_information, "o_information": it.o_information}


def _xor():
    p = np.zeros((2, 2, 2))
    for x in (0, 1):
        for y in (0, 1):
            p[x, y, x ^ y] = 0.25
    return p


def _copies(n=3):
    p = np.zeros((2,) * n)
    p[(0,) * n] = p[(1,) * n] = 0.5
    return p


def _h(p, keep):
    """Entropy in bits of the marginal of p on the axes ``keep`` (closed form reference)."""
    out = tuple(a for a in range(p.ndim) if a not in keep)
    m = p.sum(out) if out else p
    return float(special.entr(m).sum() / math.log(2))


def _definitions(p):
    n = p.ndim
    full = _h(p, tuple(range(n)))
    singles = sum(_h(p, (i,)) for i in range(n))
    rests = sum(_h(p, tuple(j for j in range(n) if j != i)) for i in range(n))
    tc, dtc = singles - full, rests - (n - 1) * full
    co = 0.0
    import itertools
    for size in range(1, n + 1):
        for s in itertools.combinations(range(n), size):
            co -= (-1) ** size * _h(p, s)
    return {"total_correlation": tc, "dual_total_correlation": dtc, "co_information": co,
            "o_information": tc - dtc}


@pytest.mark.parametrize("name", sorted(MULTI))
def test_multivariate_measures_match_their_definitions_on_every_backend(backend, name):
    got = to_np(MULTI[name](native(backend, P3), axis=(1, 2, 3)))
    ref = [_definitions(p)[name] for p in P3]
    np.testing.assert_allclose(got, ref, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(to_np(MULTI[name](native(backend, P4))), _definitions(P4)[name],
                               rtol=1e-10, atol=1e-12)


def test_closed_forms_xor_and_copies():
    xor, copies = _xor(), _copies()
    assert it.co_information(xor) == pytest.approx(-1.0)  # synergy
    assert it.o_information(xor) == pytest.approx(-1.0)
    assert it.total_correlation(xor) == pytest.approx(1.0)
    assert it.dual_total_correlation(xor) == pytest.approx(2.0)
    assert it.conditional_mutual_information(xor) == pytest.approx(1.0)
    assert it.total_correlation(copies) == pytest.approx(2.0)  # redundancy
    assert it.dual_total_correlation(copies) == pytest.approx(1.0)
    assert it.co_information(copies) == pytest.approx(1.0)
    assert it.o_information(copies) == pytest.approx(1.0)
    assert it.total_correlation(_copies(5)) == pytest.approx(4.0)
    independent = np.einsum("i,j,k->ijk", [0.3, 0.7], [0.5, 0.5], [0.1, 0.2, 0.7])
    for f in MULTI.values():
        assert abs(float(f(independent))) < 1e-12


def test_against_dit():
    dit = pytest.importorskip("dit")
    from dit import multivariate as mv, other
    for p in (P3[0], P3[1], P4, _xor()):
        d = dit.Distribution.from_ndarray(p)
        assert float(it.total_correlation(p)) == pytest.approx(mv.total_correlation(d), abs=1e-12)
        assert float(it.dual_total_correlation(p)) == pytest.approx(
            mv.dual_total_correlation(d), abs=1e-12)
        assert float(it.co_information(p)) == pytest.approx(mv.coinformation(d), abs=1e-12)
        assert float(it.o_information(p)) == pytest.approx(mv.o_information(d), abs=1e-12)
        for order in (0, 0.5, 2, 3.5):
            assert float(it.renyi_entropy(p, order, axis=None)) == pytest.approx(
                other.renyi_entropy(d, order), abs=1e-12)
            assert float(it.tsallis_entropy(p, order, axis=None)) == pytest.approx(
                other.tsallis_entropy(d, order), abs=1e-12)
    for p in (P3[0], P3[1], _xor()):
        d = dit.Distribution.from_ndarray(p)
        assert float(it.conditional_mutual_information(p)) == pytest.approx(
            mv.coinformation(d, [[0], [1]], [2]), abs=1e-12)


def test_conditional_mi_on_every_backend_and_against_pyitlib(backend):
    def cmi(p):
        return _h(p, (0, 2)) + _h(p, (1, 2)) - _h(p, (0, 1, 2)) - _h(p, (2,))
    got = to_np(it.conditional_mutual_information(native(backend, P3)))
    np.testing.assert_allclose(got, [cmi(p) for p in P3], rtol=1e-10)
    drv = pytest.importorskip("pyitlib.discrete_random_variable")
    rng = np.random.default_rng(0)
    z = rng.integers(0, 3, 4000)
    x = (z + rng.integers(0, 2, 4000)) % 3
    y = (x + z + rng.integers(0, 2, 4000)) % 3
    table = np.zeros((3, 3, 3))
    np.add.at(table, (x, y, z), 1)
    assert float(it.conditional_mutual_information(table / table.sum())) == pytest.approx(
        drv.information_mutual_conditional(x, y, z), rel=1e-10)


def test_renyi_and_tsallis_orders_and_limits(backend):
    p = RNG.dirichlet(np.ones(6), size=3)
    p[0, 2] = 0.0
    p[0] /= p[0].sum()
    x = native(backend, p)
    shannon = special.entr(p).sum(-1) / math.log(2)
    np.testing.assert_allclose(to_np(it.renyi_entropy(x, 1)), shannon, rtol=1e-12)
    np.testing.assert_allclose(to_np(it.renyi_entropy(x, 0)), np.log2((p > 0).sum(-1)),
                               rtol=1e-12)
    np.testing.assert_allclose(to_np(it.renyi_entropy(x, math.inf)), -np.log2(p.max(-1)),
                               rtol=1e-12)
    np.testing.assert_allclose(to_np(it.renyi_entropy(x, 2)), -np.log2((p ** 2).sum(-1)),
                               rtol=1e-12)
    near = to_np(it.renyi_entropy(x, 1 + 1e-7))  # continuous at 1
    np.testing.assert_allclose(near, shannon, rtol=1e-5)
    orders = [0, 0.5, 1, 2, 10, math.inf]
    values = np.array([to_np(it.renyi_entropy(x, a)) for a in orders])
    assert (np.diff(values, axis=0) <= 1e-12).all()  # non-increasing in the order
    np.testing.assert_allclose(to_np(it.tsallis_entropy(x, 1)), shannon * math.log(2), rtol=1e-12)
    np.testing.assert_allclose(to_np(it.tsallis_entropy(x, 2)), 1 - (p ** 2).sum(-1), rtol=1e-12)
    np.testing.assert_allclose(to_np(it.tsallis_entropy(x, 0)), (p > 0).sum(-1) - 1.0, rtol=1e-12)


def test_renyi_divergence_orders_limits_and_zeros(backend):
    p = RNG.dirichlet(np.ones(5), size=3)
    q = RNG.dirichlet(np.ones(5), size=3)
    P, Q = native(backend, p), native(backend, q)
    kl = special.rel_entr(p, q).sum(-1) / math.log(2)
    np.testing.assert_allclose(to_np(it.renyi_divergence(P, Q, 1)), kl, rtol=1e-12)
    np.testing.assert_allclose(to_np(it.renyi_divergence(P, Q, 2)),
                               np.log2((p ** 2 / q).sum(-1)), rtol=1e-12)
    np.testing.assert_allclose(to_np(it.renyi_divergence(P, Q, 0.5)),
                               -2 * np.log2(np.sqrt(p * q).sum(-1)), rtol=1e-12)
    np.testing.assert_allclose(to_np(it.renyi_divergence(P, Q, math.inf)),
                               np.log2((p / q).max(-1)), rtol=1e-12)
    np.testing.assert_allclose(to_np(it.renyi_divergence(P, Q, 0)), 0.0, atol=1e-12)  # full support
    z = np.array([[0.5, 0.5, 0.0]])
    w = np.array([[0.5, 0.0, 0.5]])  # q = 0 < p on the second entry
    Z, W = native(backend, z), native(backend, w)
    assert np.isinf(to_np(it.renyi_divergence(Z, W, 2))).all()
    assert np.isinf(to_np(it.renyi_divergence(Z, W, math.inf))).all()
    np.testing.assert_allclose(to_np(it.renyi_divergence(Z, W, 0.5)), -2 * np.log2(0.5),
                               rtol=1e-12)  # sum sqrt(p q) = 0.25
    np.testing.assert_allclose(to_np(it.renyi_divergence(Z, W, 0)), 1.0, rtol=1e-12)  # -log2 0.5


def test_from_logits_is_stable_and_equals_probabilities():
    z = RNG.normal(size=(4, 6)) * 3
    p = special.softmax(z, -1)
    w = RNG.normal(size=(4, 6))
    q = special.softmax(w, -1)
    for order in (0.5, 2, math.inf):
        np.testing.assert_allclose(it.renyi_entropy(z, order, from_logits=True),
                                   it.renyi_entropy(p, order), rtol=1e-12)
        np.testing.assert_allclose(it.renyi_divergence(z, w, order, from_logits=True),
                                   it.renyi_divergence(p, q, order), rtol=1e-10)
        np.testing.assert_allclose(it.renyi_divergence(p, w, order, from_logits="q"),
                                   it.renyi_divergence(p, q, order), rtol=1e-10)
    np.testing.assert_allclose(it.tsallis_entropy(z, 2, from_logits=True),
                               it.tsallis_entropy(p, 2), rtol=1e-12)
    big = np.array([[0.0, -1e4, 1e4]])
    assert np.isfinite(it.renyi_entropy(big, 2, from_logits=True)).all()


def test_gradients_are_finite_at_zeros_and_match_finite_differences(autograd_backend):
    p = np.array([[0.5, 0.3, 0.2, 0.0], [0.1, 0.2, 0.3, 0.4]])
    for f in (lambda x: it.renyi_entropy(x, 2), lambda x: it.tsallis_entropy(x, 0.5),
              lambda x: it.renyi_entropy(x, 0.5)):
        _, (g,) = value_and_grads(autograd_backend, f, [p], [0])
        assert np.isfinite(g).all()
    joint = P4 * 0.999
    joint[0, 0, 0, 0] = 0.0
    joint /= joint.sum()
    _, (g,) = value_and_grads(autograd_backend, lambda x: it.o_information(x), [joint], [0])
    assert np.isfinite(g).all()
    eps = 1e-6
    e = np.zeros_like(joint)
    e[1, 0, 1, 0], e[0, 1, 1, 1] = eps, -eps  # a direction along the simplex
    fd = (float(it.o_information(joint + e)) - float(it.o_information(joint - e))) / (2 * eps)
    assert float((g * e).sum() / eps) == pytest.approx(fd, rel=1e-5)


def test_impossible_probabilities_give_nan_and_bad_options_are_refused():
    assert np.isnan(it.total_correlation(P4 * 30))
    assert np.isnan(it.renyi_entropy([20.0, 30.0, 50.0], 2))
    assert np.isnan(it.renyi_divergence([20.0, 30.0, 50.0], [0.2, 0.3, 0.5], 2))
    with pytest.raises(ValueError, match="conditional_mutual_information: p_xyz does not sum to 1"):
        it.conditional_mutual_information(P3[0] * 1.1, validate=True)
    with pytest.raises(ValueError, match="needs at least 2 variables"):
        it.total_correlation(P4, axis=(0,))
    with pytest.raises(ValueError, match="p_xyz needs at least 3 dimensions"):
        it.conditional_mutual_information(np.full((2, 2), 0.25))
    with pytest.raises(ValueError, match="order must be >= 0"):
        it.renyi_entropy([0.5, 0.5], -1)
    assert it.tsallis_entropy([0.5, 0.5], math.inf) == 0.0  # its limit (issue 29), not refused
    with pytest.raises(TypeError, match="order must be a real number"):
        it.renyi_entropy([0.5, 0.5], "2")
    with pytest.raises(TypeError, match="got an unexpected keyword argument 'base'"):
        it.tsallis_entropy([0.5, 0.5], 2, base=2)


@pytest.mark.parametrize("name", ["total_correlation", "dual_total_correlation",
                                  "co_information", "o_information"])
def test_axis_is_the_name_and_axes_a_deprecated_alias(name):
    """Every function takes ``axis`` (an int or a tuple); the multivariate ones took ``axes``:
    kept for one release with a DeprecationWarning that names the function and the new name."""
    fn = getattr(it, name)
    p = np.stack([P4, np.full_like(P4, 1.0 / P4.size)])  # a batch of two on axis 0
    want = fn(p, axis=(1, 2, 3, 4))
    with pytest.warns(DeprecationWarning, match=rf"^{name}: axes= is deprecated.*use axis="):
        old = fn(p, axes=(1, 2, 3, 4))
    np.testing.assert_array_equal(old, want)
    assert want.shape == (2,) and want[1] == pytest.approx(0.0, abs=1e-12)
    with pytest.raises(TypeError, match=rf"^{name}: got both axis and axes"):
        fn(p, axis=(1, 2), axes=(1, 2))
