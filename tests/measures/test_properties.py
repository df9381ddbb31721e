"""Property-based tests (hypothesis) on every backend, in float32 and float64.

Distributions are drawn with exact zeros, near-zeros (down to 1e-30 before normalizing) and
supports up to 300 outcomes. Each property states its tolerance per dtype (TOL); a failure
prints the falsifying example, and the CI profile is derandomized so it reproduces.
"""
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import infotheory as it
from tests.conftest import BACKENDS, native, require, to_np

settings.register_profile("infotheory", max_examples=25, deadline=None, derandomize=True,
                          print_blob=True,
                          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                 HealthCheck.too_slow])
settings.load_profile("infotheory")

#: absolute tolerance in bits, per dtype, scaled by log2 of the support size where noted
TOL = {"float32": 2e-5, "float64": 1e-10}
DTYPES = ("float32", "float64")
CASES = [(b, d) for b in BACKENDS for d in DTYPES]
ids = [f"{b}-{d}" for b, d in CASES]

#: Examples per property: JAX compiles every new shape and Dask builds a graph per call, so
#: they run 8 derandomized examples (each property took up to 24 s on JAX with 25).
EXAMPLES = {"jax": 8, "dask": 8}


def property_test(**strategies):
    """A hypothesis property over every (backend, dtype) of CASES: ``fn(backend, dtype, **drawn)``
    with the profile's examples (fewer for the backends in EXAMPLES)."""
    def decorate(fn):
        @pytest.mark.parametrize("backend,dtype", CASES, ids=ids)
        def test(backend, dtype):
            require(backend)

            def check(**drawn):
                fn(backend, dtype, **drawn)
            limited = settings(max_examples=EXAMPLES.get(backend, 25))
            limited(given(**strategies)(check))()
        test.__name__ = test.__qualname__ = fn.__name__  # (no __wrapped__: pytest would read
        test.__doc__ = fn.__doc__                         # fn's drawn arguments as fixtures)
        return test
    return decorate


weights = st.one_of(st.just(0.0), st.just(1e-30), st.floats(1e-12, 1e-6), st.floats(0.0, 1.0))


@st.composite
def distributions(draw, min_k=1, max_k=300, k=None):
    k = k or draw(st.integers(min_k, max_k))
    w = np.array(draw(st.lists(weights, min_size=k, max_size=k)), dtype=np.float64)
    if w.sum() == 0:
        w[draw(st.integers(0, k - 1))] = 1.0
    return w / w.sum()


@st.composite
def pairs(draw):
    k = draw(st.integers(1, 100))
    return draw(distributions(k=k)), draw(distributions(k=k))


@st.composite
def joints(draw):
    nx, ny = draw(st.integers(1, 12)), draw(st.integers(1, 12))
    return draw(distributions(k=nx * ny)).reshape(nx, ny)


def _t(backend, a, dtype):
    """The input as the backend sees it, and the same rounded values in float64."""
    t = native(backend, a, dtype)
    return t, to_np(t)


def _tol(dtype, k=2):
    return TOL[dtype] * max(1.0, math.log2(k))


@property_test(p=distributions())
def test_entropy_bounds(backend, dtype, p):
    require(backend)
    t, p64 = _t(backend, p, dtype)
    k = p.size
    h = float(to_np(it.entropy(t)))
    assert 0.0 <= h <= math.log2(k) + _tol(dtype, k)  # never below 0, not even by rounding
    if np.count_nonzero(p64) == 1:
        assert h == 0.0  # a point mass
    uniform = native(backend, np.full(k, 1.0 / k), dtype)
    assert abs(float(to_np(it.entropy(uniform))) - math.log2(k)) <= _tol(dtype, k)


@property_test(pq=pairs())
def test_gibbs_and_kl(backend, dtype, pq):
    require(backend)
    (p, p64), (q, q64) = _t(backend, pq[0], dtype), _t(backend, pq[1], dtype)
    k = pq[0].size
    d = float(to_np(it.kl_divergence(p, q)))
    assert d >= -_tol(dtype, k)
    assert float(to_np(it.kl_divergence(p, p))) == 0.0  # exactly, zeros and all
    h = float(to_np(it.entropy(p)))
    ce = float(to_np(it.cross_entropy(native(backend, q64[None], dtype),
                                      native(backend, p64[None], dtype), base=2)))
    assert h <= ce + _tol(dtype, k)  # Gibbs
    if math.isfinite(d):
        assert abs(ce - (h + d)) <= _tol(dtype, k) * max(1.0, abs(ce))  # CE = H + D
    else:
        assert ce == math.inf and np.any((p64 > 0) & (q64 == 0))
    if np.max(np.abs(p64 - q64)) > 0.05:
        assert d > 0


@property_test(pxy=joints())
def test_chain_rule_and_mutual_information(backend, dtype, pxy):
    require(backend)
    t, j = _t(backend, pxy, dtype)
    tol = _tol(dtype, pxy.size)
    h_xy = float(to_np(it.joint_entropy(t)))
    h_x = float(to_np(it.entropy(native(backend, j.sum(1), dtype))))  # (a float32 sum is no
    # float64 distribution: off 1 by more than float64 rounding, it would be NaN there)
    h_y = float(to_np(it.entropy(native(backend, j.sum(0), dtype))))
    h_y_given_x = float(to_np(it.conditional_entropy(t)))
    assert abs(h_xy - (h_x + h_y_given_x)) <= 4 * tol  # chain rule
    mi = float(to_np(it.mutual_information(t)))
    assert mi >= -4 * tol
    assert abs(mi - (h_x + h_y - h_xy)) <= 4 * tol
    h_x_given_y = float(to_np(it.conditional_entropy(native(backend, j.T.copy(), dtype))))
    assert abs(mi - (h_x - h_x_given_y)) <= 4 * tol
    assert abs(mi - float(to_np(it.mutual_information(native(backend, j.T.copy(), dtype))))) <= 4 * tol


@property_test(p=distributions(max_k=40), q=distributions(max_k=40))
def test_independence_and_additivity(backend, dtype, p, q):
    require(backend)
    outer = np.outer(p, q)
    t = native(backend, outer, dtype)
    tol = _tol(dtype, outer.size)
    assert abs(float(to_np(it.mutual_information(t)))) <= 4 * tol
    hp = float(to_np(it.entropy(native(backend, p, "float64"))))
    hq = float(to_np(it.entropy(native(backend, q, "float64"))))
    assert abs(float(to_np(it.joint_entropy(t))) - (hp + hq)) <= 4 * tol


@property_test(pq=pairs(), seed=st.integers(0, 2 ** 32 - 1))
def test_permutation_invariance(backend, dtype, pq, seed):
    require(backend)
    perm = np.random.default_rng(seed).permutation(pq[0].size)
    p, q = pq
    tol = _tol(dtype, p.size)
    for f, args in ((it.entropy, (p,)), (it.kl_divergence, (p, q))):
        a = to_np(f(*(native(backend, x, dtype) for x in args)))
        b = to_np(f(*(native(backend, x[perm], dtype) for x in args)))
        assert (np.isinf(a) and a == b) or abs(a - b) <= tol


@property_test(pxy=joints(), base=st.sampled_from([2, math.e, 10, 0.5, 3.7]))
def test_base_scales_every_measure(backend, dtype, pxy, base):
    require(backend)
    t = native(backend, pxy, dtype)
    flat = native(backend, pxy.ravel(), dtype)
    other = native(backend, pxy.ravel()[::-1].copy(), dtype)  # KL(p || p) = 0 scales trivially
    calls = [lambda b: it.entropy(flat, base=b), lambda b: it.joint_entropy(t, base=b),
             lambda b: it.conditional_entropy(t, base=b),
             lambda b: it.mutual_information(t, base=b),
             lambda b: it.kl_divergence(flat, other, base=b),
             lambda b: it.self_information(flat, base=b)]
    for f in calls:
        nats = to_np(f(math.e))
        scaled = to_np(f(base))
        finite = np.isfinite(nats)
        np.testing.assert_array_equal(scaled[~finite], np.sign(math.log(base)) * nats[~finite])
        np.testing.assert_allclose(scaled[finite], nats[finite] / math.log(base),
                                   rtol=1e-5 if dtype == "float32" else 1e-12, atol=1e-6)


@property_test(batch=st.lists(distributions(k=6), min_size=1, max_size=5))
def test_batching_equals_looping(backend, dtype, batch):
    require(backend)
    ps = np.stack(batch)
    qs = ps[::-1].copy()
    def ce(q, p):
        return it.cross_entropy(q, p, reduction="none")

    for f, args in ((it.entropy, (ps,)), (it.kl_divergence, (ps, qs)), (ce, (qs, ps))):
        batched = to_np(f(*(native(backend, a, dtype) for a in args)))
        looped = [to_np(f(*(native(backend, a[i:i + 1], dtype) for a in args)))
                  for i in range(len(ps))]
        # float32: terms of size ~1 cancel to values near 0, so a few ulps of them (1e-7 each)
        # are the absolute error of a sum, whatever the batch size
        np.testing.assert_allclose(batched.ravel(), np.ravel(looped),
                                   rtol=1e-6 if dtype == "float32" else 1e-12,
                                   atol=1e-6 if dtype == "float32" else 1e-12)
