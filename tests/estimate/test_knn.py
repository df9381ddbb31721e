"""k-NN estimators on every backend against independent references: scikit-learn's KSG
(``_compute_mi_cc``, a KD-tree), ennemi's Kozachenko-Leonenko entropy, plain O(n^2) NumPy
transcriptions of the published formulas (SciPy distances and digamma), and Gaussian closed
forms. Also the neighbour search itself (strips, ties, duplicates) and NumPy's cKDTree
kernels against the generic ones."""
import math

import numpy as np
import pytest
from scipy.spatial.distance import cdist
from scipy.special import digamma, gammaln

pytest.importorskip("sklearn")
import ennemi  # noqa: E402
from sklearn.feature_selection._mutual_info import _compute_mi_cc  # noqa: E402

import infotheory as it  # noqa: E402
from infotheory.estimate import _neighbours as NB  # noqa: E402
from infotheory.estimate import (differential_entropy, kl_divergence_knn,  # noqa: E402
                                 mutual_information_ksg)
from tests.conftest import BACKENDS, native, require, to_np  # noqa: E402

_KNN = ("estimate.differential_entropy", "estimate.mutual_information_ksg",
        "estimate.kl_divergence_knn")
# Backends that declare the k-NN estimators unsupported (Dask: no distributed neighbour search)
# are checked by test_declared_unsupported_backends_raise_a_clear_error, the rest everywhere.
_UNSUPPORTED = {n for b in it.registered_backends() for n in (b.name, *b.variants)
                if set(_KNN) & set(b.unsupported)}


@pytest.fixture(params=[b for b in BACKENDS if b not in _UNSUPPORTED])
def backend(request):
    require(request.param)
    return request.param


@pytest.mark.parametrize("name", sorted(_UNSUPPORTED))
def test_declared_unsupported_backends_raise_a_clear_error(name):
    require(name)
    x, y = native(name, X1), native(name, Y1)
    calls = {"differential_entropy": lambda: differential_entropy(x),
             "mutual_information_ksg": lambda: mutual_information_ksg(x, y),
             "kl_divergence_knn": lambda: kl_divergence_knn(x, y)}
    for fn, call in calls.items():
        with pytest.raises(NotImplementedError, match=rf"{fn}: x is a lazy {name} array.*"
                                                      rf"x\.compute\(\)"):
            call()

RNG = np.random.default_rng(11)
N = 500
X1 = RNG.normal(size=N)
Y1 = 0.8 * X1 + 0.6 * RNG.normal(size=N)
X3 = RNG.normal(size=(N, 3))
Y2 = np.stack([X3[:, 0] + 0.5 * RNG.normal(size=N), RNG.normal(size=N)], 1)


# --- plain references: every pairwise distance, then the formulas ---------------------------
def kth(d, k):
    return np.sort(d, axis=1)[:, k - 1]


def ref_entropy(x, k):
    x = x.reshape(len(x), -1)
    n, d = x.shape
    eps = kth(cdist(x, x), k + 1)  # the point itself is at distance 0
    log_vd = d / 2 * math.log(math.pi) - gammaln(d / 2 + 1)
    return digamma(n) - digamma(k) + log_vd + d * np.mean(np.log(eps))


def ref_ksg(x, y, k):
    x, y = x.reshape(len(x), -1), y.reshape(len(y), -1)
    n = len(x)
    dx, dy = cdist(x, x, "chebyshev"), cdist(y, y, "chebyshev")
    eps = kth(np.maximum(dx, dy), k + 1)
    nx = (dx < eps[:, None]).sum(1) - 1
    ny = (dy < eps[:, None]).sum(1) - 1
    return digamma(k) + digamma(n) - np.mean(digamma(nx + 1) + digamma(ny + 1))


def ref_kl(x, y, k):
    x, y = x.reshape(len(x), -1), y.reshape(len(y), -1)
    n, d = x.shape
    rho, nu = kth(cdist(x, x), k + 1), kth(cdist(x, y), k)
    return d * np.mean(np.log(nu / rho)) + math.log(len(y) / (n - 1))


# --- values -------------------------------------------------------------------------------
def test_ksg_matches_sklearn(backend):
    got = float(to_np(mutual_information_ksg(native(backend, X1), native(backend, Y1),
                                             base=math.e, standardize=False)))
    assert got == pytest.approx(_compute_mi_cc(X1, Y1, 3), rel=1e-12)


@pytest.mark.parametrize("k", [1, 3, 6])
def test_ksg_multivariate_matches_reference(backend, k):
    got = float(to_np(mutual_information_ksg(native(backend, X3), native(backend, Y2), k=k,
                                             base=math.e, standardize=False)))
    assert got == pytest.approx(ref_ksg(X3, Y2, k), rel=1e-12)


def test_entropy_matches_ennemi_and_reference(backend):
    got = float(to_np(differential_entropy(native(backend, X1), base=math.e)))
    assert got == pytest.approx(ref_entropy(X1, 3), rel=1e-12)
    # ennemi (max-norm form, the same for d = 1) uses a digamma approximation good to ~1e-6
    assert got == pytest.approx(float(ennemi.estimate_entropy(X1, k=3)), abs=1e-5)
    got = float(to_np(differential_entropy(native(backend, X3), k=5, base=math.e)))
    assert got == pytest.approx(ref_entropy(X3, 5), rel=1e-12)


@pytest.mark.parametrize("k", [1, 4])
def test_kl_matches_reference(backend, k):
    y = RNG.normal(size=(300, 3)) * 1.5 + 0.3
    got = float(to_np(kl_divergence_knn(native(backend, X3), native(backend, y), k=k,
                                        base=math.e, standardize=False)))
    assert got == pytest.approx(ref_kl(X3, y, k), rel=1e-12)


def test_gaussian_closed_forms():
    """n = 20000 samples: the estimators' standard errors are about sqrt(var / n) with a
    per-sample variance of order 1 (trigamma(k) for the log-distances), i.e. ~0.01 nats;
    the tolerances are 5 such errors, and the seed is fixed."""
    rng = np.random.default_rng(0)
    n, sigma, rho = 20000, 2.0, 0.8
    x = rng.normal(0, sigma, n)
    assert float(differential_entropy(x, base=math.e)) == pytest.approx(
        0.5 * math.log(2 * math.pi * math.e * sigma ** 2), abs=0.05)
    y = rho * x / sigma + math.sqrt(1 - rho ** 2) * rng.normal(size=n)
    assert float(mutual_information_ksg(x, y, base=math.e)) == pytest.approx(
        -0.5 * math.log(1 - rho ** 2), abs=0.05)
    p, q = rng.normal(0, 1, n), rng.normal(1, 1, n)
    assert float(kl_divergence_knn(p, q, base=math.e)) == pytest.approx(0.5, abs=0.05)


def test_independent_ksg_is_not_clipped():
    rng = np.random.default_rng(5)
    vals = [float(mutual_information_ksg(rng.normal(size=400), rng.normal(size=400)))
            for _ in range(8)]
    assert min(vals) < 0 < max(vals) and max(abs(v) for v in vals) < 0.1


def test_results_keep_dtype_and_framework(backend):
    from tests.conftest import dtype_name, is_native
    r = differential_entropy(native(backend, X1, "float32"))
    assert is_native(backend, r)
    if backend != "mxnet.nd":
        assert dtype_name(r) == "float32"
    assert float(to_np(r)) == pytest.approx(ref_entropy(X1, 3) / math.log(2), rel=1e-5)


# --- the neighbour search -------------------------------------------------------------------
def test_ties_on_a_grid_match_sklearn(backend):
    """Every distance a multiple of 0.25: ties everywhere, and 'strictly closer' decides."""
    rng = np.random.default_rng(2)
    x = rng.permutation(400) * 0.25
    y = (x + rng.integers(-20, 20, 400)) * 0.25
    got = float(to_np(mutual_information_ksg(native(backend, x), native(backend, y),
                                             base=math.e, standardize=False)))
    assert got == pytest.approx(_compute_mi_cc(x, y, 3), rel=1e-12)


def test_sparse_regions_and_clusters(backend):
    """Two far clusters and outliers: some queries reach past their first slice."""
    rng = np.random.default_rng(4)
    x = np.concatenate([rng.normal(0, 0.01, (300, 2)), rng.normal(50, 5, (200, 2)),
                        [[1e3, -1e3], [-1e3, 1e3]]])
    y = x[:, :1] + rng.normal(size=(502, 1))
    got = float(to_np(mutual_information_ksg(native(backend, x), native(backend, y), k=2,
                                             base=math.e, standardize=False)))
    assert got == pytest.approx(ref_ksg(x, y, 2), rel=1e-12)
    got = float(to_np(differential_entropy(native(backend, x), base=math.e)))
    assert got == pytest.approx(ref_entropy(x, 3), rel=1e-12)


@pytest.mark.parametrize("metric", ["euclidean", "chebyshev"])
@pytest.mark.parametrize("d", [1, 2, 4])
def test_numpy_tree_kernels_equal_the_generic_search(metric, d):
    B = it.backend_of(np.ones(1))
    assert "knn_distance" in B.fused and "count_within" in B.fused
    x, ref = RNG.normal(size=(300, d)), RNG.normal(size=(250, d))
    for args in [(x, x, 3, metric, True), (x, ref, 2, metric, False)]:
        if d == 1:  # (1-D: the tree declines, the window of sorted values is faster)
            assert B.fused_knn_distance(*args) is NotImplemented
            continue
        np.testing.assert_allclose(B.fused_knn_distance(*args), NB.knn_distance.generic(B, *args),
                                   rtol=1e-15)
    radius = NB.knn_distance.generic(B, x, x, 3, metric, True)
    if d > 1:  # (1-D counts: the tree kernel declines, the binary search runs)
        np.testing.assert_array_equal(B.fused_count_within(x, radius, metric),
                                      NB.count_within.generic(B, x, radius, metric))
    np.testing.assert_allclose(NB.knn_distance.generic(B, x, ref, 2, metric, False),
                               kth(cdist(x, ref, metric), 2), rtol=1e-15)
    np.testing.assert_array_equal(NB.count_within.generic(B, x, radius, metric),
                                  (cdist(x, x, metric) < radius[:, None]).sum(1) - 1)


def _assert_counts(got, generic, x, radius, metric):
    """Neighbour counts within ``radius`` (a search's and the generic one's) against brute force
    on the NumPy samples ``x``."""
    full, r = cdist(x, x, metric), radius[:, None]
    if metric == "chebyshev":  # exact (KSG's metric): every search gives the same counts
        np.testing.assert_array_equal(got, generic)
        np.testing.assert_array_equal(got, (full < r).sum(1) - 1)
    else:  # Euclidean sums may round differently by an ulp: a point at the radius may flip
        low, high = (full < r * (1 - 1e-13)).sum(1) - 1, (full < r * (1 + 1e-13)).sum(1) - 1
        assert np.all((low <= got) & (got <= high)) and np.all((low <= generic) & (generic <= high))


HOST_TREE = [b for b in ("torch", "tensorflow", "mxnet") if b in BACKENDS]


@pytest.mark.parametrize("backend_name", HOST_TREE)
@pytest.mark.parametrize("metric", ["euclidean", "chebyshev"])
@pytest.mark.parametrize("d", [1, 3])
def test_cpu_tensors_search_with_the_host_tree_as_the_generic_search(backend_name, metric, d):
    """torch, TensorFlow and MXNet tensors on the CPU: SciPy's k-d tree on their host arrays
    (issue 33: the brute-force strips made torch's KSG CMI 6.8x ennemi's time), the same
    distances and counts as the generic search, in the tensors' framework and dtype."""
    require(backend_name)
    x_np, ref_np = RNG.normal(size=(300, d)), RNG.normal(size=(250, d))
    x, ref = native(backend_name, x_np), native(backend_name, ref_np)
    B = it.backend_of(x)
    assert "knn_distance" in B.fused and "count_within" in B.fused
    x, ref = B.float_tensor(x), B.float_tensor(ref)  # (legacy mx.nd: its numpy-style array)
    assert B.host_array(x) is not None
    for args in [(x, x, 3, metric, True), (x, ref, 2, metric, False)]:
        got = B.fused_knn_distance(*args)
        if d == 1:  # (1-D: the tree declines, the window of sorted values is faster)
            assert got is NotImplemented
            continue
        assert it.backend_of(got) is B and B.dtype_kind(got) == "f"
        np.testing.assert_allclose(to_np(got), to_np(NB.knn_distance.generic(B, *args)),
                                   rtol=1e-14)
    if d == 1:  # (1-D counts: the binary search is faster)
        radius = NB.knn_distance.generic(B, x, x, 3, metric, True)
        assert B.fused_count_within(x, radius, metric) is NotImplemented
        return
    radius = B.fused_knn_distance(x, x, 3, metric, True)
    got = to_np(B.fused_count_within(x, radius, metric))
    generic = to_np(NB.count_within.generic(B, x, radius, metric))
    _assert_counts(got, generic, x_np, to_np(radius), metric)


def test_the_estimators_take_the_host_tree_and_a_device_tensor_the_generic_search(monkeypatch):
    torch = require("torch")
    from infotheory.backends import _tree
    calls = []
    real = _tree.tree_knn_distance
    monkeypatch.setattr(_tree, "tree_knn_distance", lambda *a: calls.append(1) or real(*a))
    x = torch.tensor(RNG.normal(size=(200, 2)))
    y = x + torch.tensor(RNG.normal(size=(200, 2)))
    got = float(it.estimate.mutual_information_ksg(x, y))
    assert calls and got == pytest.approx(float(it.estimate.mutual_information_ksg(
        x.numpy(), y.numpy())), rel=1e-12)
    B = it.backend_of(x)
    assert B.host_array(torch.empty(3, 2, device="meta")) is None  # not on the host
    assert B.fused_knn_distance(torch.empty(3, 2, device="meta"), x, 1, "euclidean",
                                False) is NotImplemented


@pytest.mark.parametrize("metric", ["euclidean", "chebyshev"])
@pytest.mark.parametrize("d", [1, 3])
def test_jax_compiled_kernels_equal_the_generic_search(metric, d):
    require("jax")
    B = it.backend_of(native("jax", [1.0]))
    assert "knn_distance" in B.fused and "count_within" in B.fused
    x_np = np.round(RNG.normal(size=(60, d)), 1)  # ties at the radius
    x_np += RNG.normal(size=x_np.shape) * 1e-9  # (but no duplicate points)
    ref_np = RNG.normal(size=(50, d))
    x, ref = native("jax", x_np), native("jax", ref_np)
    # (the generic search runs in 1-D only: on eager JAX it compiles each strip's shape, 30 s
    # for d = 3; the brute-force references below cover every d)
    generic = d == 1
    for args in [(x, x, 3, metric, True), (x, ref, 2, metric, False)]:
        if generic:
            np.testing.assert_allclose(to_np(B.fused_knn_distance(*args)),
                                       to_np(NB.knn_distance.generic(B, *args)), rtol=1e-14)
    np.testing.assert_allclose(to_np(B.fused_knn_distance(x, ref, 2, metric, False)),
                               kth(cdist(x_np, ref_np, metric), 2), rtol=1e-14)
    np.testing.assert_allclose(to_np(B.fused_knn_distance(x, x, 3, metric, True)),
                               kth(cdist(x_np, x_np, metric), 4), rtol=1e-14)
    radius = B.fused_knn_distance(x, x, 3, metric, True)
    got = to_np(B.fused_count_within(x, radius, metric))
    generic = to_np(NB.count_within.generic(B, x, radius, metric)) if generic else got
    _assert_counts(got, generic, x_np, to_np(radius), metric)


def test_one_dimensional_counts_equal_brute_force(backend):
    v = np.round(RNG.normal(size=300), 1)  # many equal values: ties at the radius
    r = np.abs(RNG.normal(size=300)) * 0.3
    r[:5] = 0.0
    B = it.backend_of(native(backend, v))
    with B.scope():  # kernels take what the pipeline hands them (mx.nd arrays become mx.np)
        got = to_np(NB.count_within.generic(B, B.float_tensor(native(backend, v[:, None])),
                                   B.float_tensor(native(backend, r)), "chebyshev"))
    want = (np.abs(v[None, :] - v[:, None]) < r[:, None]).sum(1) - (r > 0)
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_one_dimensional_counts_at_tied_boundaries_equal_brute_force(backend, seed):
    """Radii that are distances to other points of tied decimal data: a value at the boundary
    repeated many times (the first search moved an end at most 2 positions: miscounts)."""
    rng = np.random.default_rng(seed)
    v = np.round(rng.normal(size=200) * 3, 0)
    r = np.abs(v - v[rng.integers(0, 200, 200)])
    B = it.backend_of(native(backend, v))
    with B.scope():
        got = to_np(NB.count_within.generic(B, B.float_tensor(native(backend, v[:, None])),
                                   B.float_tensor(native(backend, r)), "chebyshev"))
    want = (np.abs(v[None, :] - v[:, None]) < r[:, None]).sum(1) - (r > 0)
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("seed", [0, 7])
def test_ksg_on_tied_decimal_data_matches_sklearn(backend, seed):
    """infomeasure's kind of case (k = 4, one-decimal data): every seed was 3-6% off."""
    rng = np.random.default_rng(seed)
    x = np.round(rng.normal(size=200), 1)
    y = np.round(x + rng.normal(size=200) * 0.5, 1)
    got = float(to_np(mutual_information_ksg(native(backend, x), native(backend, y), k=4,
                                             base=math.e, standardize=False)))
    assert got == pytest.approx(_compute_mi_cc(x, y, 4), rel=1e-9)


# --- errors ---------------------------------------------------------------------------------
def test_duplicates_raise_instead_of_infinities(backend):
    x = native(backend, np.array([0.0, 0.0, 1.0, 2.0, 3.0, 3.0]))
    with pytest.raises(ValueError, match="duplicate points"):
        differential_entropy(x, k=1)
    with pytest.raises(ValueError, match="duplicate"):
        kl_divergence_knn(x, native(backend, np.array([0.5, 1.5, 2.5])), k=1)
    with pytest.raises(ValueError, match="duplicate"):
        mutual_information_ksg(x, x, k=1)


def test_argument_errors(backend):
    x = native(backend, X3)
    with pytest.raises(ValueError, match="same number of samples"):
        mutual_information_ksg(x, native(backend, X1[:10]))
    with pytest.raises(ValueError, match="same dimension"):
        kl_divergence_knn(x, native(backend, X1))
    with pytest.raises(ValueError, match="k must be a positive int"):
        differential_entropy(x, k=0)
    with pytest.raises(ValueError, match="needs at least"):
        differential_entropy(native(backend, X1[:3]), k=3)
    with pytest.raises(ValueError, match=r"\(n, d\)"):
        differential_entropy(native(backend, np.zeros((2, 2, 2))))


def test_memory_is_bounded_no_n_by_n_matrix(monkeypatch):
    """n = 20000 points in 2-D (n^2 = 4e8): every distance block computed stays below the
    kernel's block size, whatever the data."""
    B = it.backend_of(np.ones(1))
    seen = []
    real = type(B).distances

    def spy(self, a, b, metric):
        out = real(self, a, b, metric)
        seen.append(out.size)
        return out
    monkeypatch.setattr(type(B), "distances", spy)
    monkeypatch.setitem(type(B).fused, "knn_distance", frozenset({"never"}))  # generic search
    rng = np.random.default_rng(8)
    x = rng.normal(size=(20000, 2))
    r = NB.knn_distance.generic(B, x, x, 3, "chebyshev", True)
    # and far fewer distances than brute force: 2.5e7 here, 6% of n^2
    assert seen and max(seen) <= NB._BLOCK and sum(seen) < 20000 ** 2 / 10
    np.testing.assert_allclose(r[:50], kth(cdist(x[:50], x, "chebyshev"), 4), rtol=1e-15)


def test_samples_without_coordinates_are_our_error():
    """differential_entropy(np.zeros((5, 0))) raised an IndexError."""
    with pytest.raises(ValueError, match="x has samples with no coordinates"):
        differential_entropy(np.zeros((5, 0)))


# --- units and scales (issue 18) -------------------------------------------------------------
SCALES = [1e-160, 1e-3, 1.0, 1e3, 1e160]


@pytest.mark.parametrize("scale", SCALES)
def test_ksg_and_knn_kl_do_not_depend_on_units(backend, scale):
    """I(1000 a; b) was 0.163 bits against I(a; b) = 0.746 (exact 0.737); at 1e160 the NumPy
    search overflowed (KL NaN). Standardized by default, as scikit-learn's
    mutual_info_regression; the raw estimator on standardized samples is the reference."""
    x, y = X3[:, :1] * scale, Y2
    got = float(to_np(mutual_information_ksg(native(backend, x), native(backend, y),
                                             base=math.e)))
    std = lambda a: a / a.std(axis=0)  # noqa: E731
    assert got == pytest.approx(ref_ksg(std(X3[:, :1]), std(Y2), 3), rel=1e-9)
    q = X3 * [1.0, 2.0, 0.5] + 0.25
    got = float(to_np(kl_divergence_knn(native(backend, X3 * scale), native(backend, q * scale),
                                        base=math.e)))
    s = X3.std(axis=0)
    assert got == pytest.approx(ref_kl(X3 / s, q / s, 1), rel=1e-9)


def test_ksg_standardized_agrees_with_sklearn_mutual_info_regression():
    from sklearn.feature_selection import mutual_info_regression

    for scale in (1e-3, 1.0, 1e3):
        got = float(mutual_information_ksg(X1 * scale, Y1, base=math.e))
        want = mutual_info_regression((X1 * scale)[:, None], Y1, n_neighbors=3,
                                      random_state=0)[0]
        assert got == pytest.approx(want, abs=1e-6)  # (sklearn adds 1e-10 relative noise)


@pytest.mark.parametrize("scale", SCALES)
def test_differential_entropy_shifts_by_the_log_of_the_scale(scale):
    """differential_entropy(a * 1e160) was inf on NumPy and a * 1e-160 raised a false
    "duplicate points" error. H(c X) = H(X) + d log c, estimate for estimate."""
    for x in (X1, X3):
        d = 1 if x.ndim == 1 else x.shape[1]
        got = float(differential_entropy(x * scale, base=math.e))
        assert got == pytest.approx(ref_entropy(x, 3) + d * math.log(scale), rel=1e-9, abs=1e-9)


def test_nan_or_infinite_samples_are_our_error(backend):
    """One NaN in y gave +inf on torch (SciPy's "data must be finite" on NumPy)."""
    y = Y1.copy()
    y[3] = np.nan
    for f, args in ((mutual_information_ksg, (X1, y)), (kl_divergence_knn, (X1, y)),
                    (differential_entropy, (np.where(X1 > 2, np.inf, X1),))):
        with pytest.raises(ValueError, match="contains NaN or infinite values"):
            f(*(native(backend, a) for a in args))
