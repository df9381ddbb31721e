"""The JAX backend under its transformations: jax.jit, jax.grad and jax.vmap give the eager
values (checked against SciPy), and results keep JAX's dtype."""
import math

import numpy as np
import pytest

import infotheory as it
from tests.conftest import require_module, run_child

jax = require_module("jax")  # the conformance loader turns on jax_enable_x64 (float64 cases)
jnp = jax.numpy

RNG = np.random.default_rng(3)
P = RNG.dirichlet(np.ones(5), size=4)
P[:, 1] = 0.0
P /= P.sum(1, keepdims=True)
Q = RNG.dirichlet(np.ones(5), size=4)
Z = RNG.normal(size=(4, 5))
Y = np.array([0, 4, 2, 1])


def references():
    from scipy.spatial.distance import jensenshannon
    from scipy.special import log_softmax, rel_entr
    from scipy.stats import entropy

    return {"entropy": entropy(P, base=2, axis=1),
            "kl_divergence": rel_entr(P, Q).sum(1) / math.log(2),
            "jensen_shannon_divergence": jensenshannon(P, Q, base=2, axis=1) ** 2,
            "cross_entropy": -log_softmax(Z, axis=1)[np.arange(4), Y].mean()}


def calls():
    return {"entropy": (it.entropy, (P,), {}),
            "kl_divergence": (it.kl_divergence, (P, Q), {}),
            "jensen_shannon_divergence": (it.jensen_shannon_divergence, (P, Q), {}),
            "cross_entropy": (lambda z, y: it.cross_entropy(z, y, from_logits=True), (Z, Y), {})}


@pytest.mark.parametrize("name", ["entropy", "kl_divergence", "jensen_shannon_divergence",
                                  "cross_entropy"])
def test_jit_and_vmap_give_the_reference_values(name):
    ref = references()[name]
    fn, args, _ = calls()[name]
    jargs = [jnp.asarray(a) for a in args]
    eager = fn(*jargs)
    assert isinstance(eager, jax.Array)
    np.testing.assert_allclose(np.asarray(eager), ref, rtol=1e-12)
    np.testing.assert_allclose(np.asarray(jax.jit(fn)(*jargs)), ref, rtol=1e-12)
    if name != "cross_entropy":  # per-row functions: vmap over the rows gives each row
        np.testing.assert_allclose(np.asarray(jax.vmap(fn)(*jargs)), ref, rtol=1e-12)


def test_grad_under_jit_is_finite_at_zeros_and_matches_finite_differences():
    def loss(p):
        return it.entropy(p).sum() + it.kl_divergence(p, jnp.asarray(Q)).sum()

    g = np.asarray(jax.jit(jax.grad(loss))(jnp.asarray(P)))
    assert np.isfinite(g).all()
    assert np.all(g[:, 1] == 0.0)  # an exact zero contributes a zero gradient (as elsewhere)
    # central differences on the nonzero entries
    from scipy.special import entr, rel_entr

    def ref(p):  # unnormalized, as the measures (scipy.stats.entropy would normalize p)
        return (entr(p).sum() + rel_entr(p, Q).sum()) / math.log(2)
    for i, j in [(0, 0), (2, 3), (3, 4)]:
        h = 1e-6
        hi, lo = P.copy(), P.copy()
        hi[i, j] += h
        lo[i, j] -= h
        assert g[i, j] == pytest.approx((ref(hi) - ref(lo)) / (2 * h), rel=1e-6)


def test_dtype_is_kept_and_float32_computes_in_float32():
    p32 = jnp.asarray(P, dtype=jnp.float32)
    for out in (it.entropy(p32), jax.jit(it.entropy)(p32), it.kl_divergence(p32, p32)):
        assert out.dtype == jnp.float32
    assert it.entropy(jnp.asarray(P, dtype=jnp.bfloat16)).dtype == jnp.bfloat16


def test_tracers_are_not_remembered_and_repeated_calls_see_new_values():
    f = jax.jit(lambda p: it.entropy(p))
    a, b = f(jnp.asarray(P)), f(jnp.asarray(Q))
    from scipy.stats import entropy
    np.testing.assert_allclose(np.asarray(b), entropy(Q, base=2, axis=1), rtol=1e-12)
    assert not np.allclose(np.asarray(a), np.asarray(b))
    assert it.backend_of(jnp.asarray(P)).signature(jax.core.Tracer) is None


def test_estimators_run_eagerly_on_jax():
    from sklearn.metrics import mutual_info_score

    x = RNG.integers(0, 7, size=3000)
    y = (x + RNG.integers(0, 3, size=3000)) % 7
    mi = it.estimate.mutual_information_from_labels(jnp.asarray(x), jnp.asarray(y), base=math.e)
    assert isinstance(mi, jax.Array)
    assert float(mi) == pytest.approx(mutual_info_score(x, y), rel=1e-10)


@pytest.mark.slow  # a subprocess (make test-fast skips it)
def test_without_x64_everything_runs_in_32_bits_without_warnings():
    """JAX's default (no jax_enable_x64): labels int32, counts float32, no truncation warning."""
    code = """
import jax.numpy as jnp, infotheory as it
x = jnp.array([0, 0, 1, 1, 2])
for r in (it.estimate.mutual_information_from_labels(x, x), it.estimate.entropy_from_labels(x),
          it.estimate.entropy_from_counts(jnp.array([10, 20, 30, 0])),
          it.cross_entropy(jnp.array([[1.0, 2.0, 3.0]]), [2], from_logits=True, weight=[1., 2., 3.])):
    print(r.dtype, round(float(r), 5))
"""
    # (without the tests' shared compilation cache: JAX warns when it reads an entry another
    # process is still writing, and every warning is an error here)
    out = run_child(["-W", "error", "-c", code], timeout=120,
                    env={"JAX_ENABLE_X64": None, "JAX_COMPILATION_CACHE_DIR": None})
    assert out.stdout.split("\n")[:4] == ["float32 1.52193", "float32 1.52193", "float32 1.45915",
                                          "float32 0.40761"]
