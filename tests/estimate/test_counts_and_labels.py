"""infotheory.estimate from counts and labels, on every backend, against independent references:
SciPy (plugin entropy), scikit-learn (contingency table, MI, NMI, AMI), pyitlib (entropy from
labels, James-Stein), and plain-Python transcriptions of the published formulas (Miller-Madow,
Chao-Shen as in Hausser & Strimmer's R package ``entropy``)."""
import math

import numpy as np
import pytest
from scipy import stats

pytest.importorskip("sklearn")
from pyitlib import discrete_random_variable as drv  # noqa: E402
from sklearn import metrics  # noqa: E402
from sklearn.metrics.cluster import contingency_matrix  # noqa: E402

import infotheory as it  # noqa: E402
from infotheory import estimate as E  # noqa: E402
from tests.conftest import native, require, run_child, to_np  # noqa: E402

RNG = np.random.default_rng(7)
COUNTS = RNG.integers(0, 6, (4, 9))
COUNTS[0, :3] = 0
COUNTS[1] = [1, 1, 1, 1, 1, 1, 1, 1, 1]  # every symbol a singleton (Chao-Shen's f1 = N case)
X = RNG.integers(-5, 12, 600)  # labels are any integers, not 0..K-1
Y = (3 * X + RNG.integers(0, 5, 600)) % 9 + 100
AVERAGES = ("arithmetic", "geometric", "min", "max")


# --- independent references (plain Python, one row at a time) -----------------------------
def miller_madow(row):
    n, m = sum(row), sum(1 for c in row if c > 0)
    return stats.entropy(row) + (m - 1) / (2 * n)


def chao_shen(row):  # R entropy::entropy.ChaoShen
    yx = [c for c in row if c > 0]
    n = sum(yx)
    f1 = sum(1 for c in yx if c == 1)
    if f1 == n:
        f1 = n - 1
    cov = 1 - f1 / n
    h = 0.0
    for c in yx:
        pa = cov * c / n
        h -= pa * math.log(pa) / (1 - (1 - pa) ** n)
    return h


def james_stein(row):  # R entropy::entropy.shrink
    n, k = sum(row), len(row)
    u = [c / n for c in row]
    msp = sum((1 / k - ui) ** 2 for ui in u)
    lam = 1.0 if n <= 1 or msp == 0 else sum(ui * (1 - ui) for ui in u) / (n - 1) / msp
    lam = min(1.0, max(0.0, lam))
    return stats.entropy([lam / k + (1 - lam) * ui for ui in u])


REFERENCES = {"plugin": stats.entropy, "miller_madow": miller_madow, "chao_shen": chao_shen,
              "james_stein": james_stein}


# --- entropy ------------------------------------------------------------------------------
@pytest.mark.parametrize("method", E.counts.ENTROPY_METHODS)
def test_entropy_from_counts_matches_reference(backend, method):
    got = to_np(E.entropy_from_counts(native(backend, COUNTS), method=method, base=math.e))
    want = [REFERENCES[method](list(row)) for row in COUNTS]
    np.testing.assert_allclose(got, want, rtol=1e-12)


def test_entropy_from_counts_axis_and_base(backend):
    got = to_np(E.entropy_from_counts(native(backend, COUNTS.T), axis=0))
    np.testing.assert_allclose(got, stats.entropy(COUNTS, base=2, axis=1), rtol=1e-12)


def test_float_counts_keep_their_dtype(backend):
    from tests.conftest import dtype_name
    r = E.entropy_from_counts(native(backend, COUNTS.astype(np.float32), "float32"))
    assert dtype_name(r) == "float32"
    np.testing.assert_allclose(to_np(r), stats.entropy(COUNTS, base=2, axis=1), rtol=1e-5)


def test_integer_counts_give_float64(backend):
    r = E.entropy_from_counts(native(backend, COUNTS))
    assert "float64" in str(r.dtype)


def test_book_source_entropy_and_the_trap_it_fixes():
    # it.entropy on raw counts is refused and points here
    with pytest.raises(TypeError, match="entropy_from_counts"):
        it.entropy([1, 2, 3])
    assert float(E.entropy_from_counts([1, 2, 3])) == pytest.approx(
        stats.entropy([1, 2, 3], base=2), rel=1e-14)


@pytest.mark.parametrize("method", ["plugin", "james_stein"])
def test_entropy_from_labels_matches_pyitlib(backend, method):
    estimator = {"plugin": "ML", "james_stein": "JAMES-STEIN"}[method]
    x = np.abs(X)
    got = float(to_np(E.entropy_from_labels(native(backend, x), method=method)))
    assert got == pytest.approx(drv.entropy(x, estimator=estimator), rel=1e-12)
    # n_classes: symbols that never occurred are bins of the James-Stein target
    got = float(to_np(E.entropy_from_labels(native(backend, x), method=method, n_classes=40)))
    want = drv.entropy(x, estimator=estimator, Alphabet_X=np.arange(40))
    assert got == pytest.approx(want, rel=1e-12)


@pytest.mark.parametrize("method", E.counts.ENTROPY_METHODS)
def test_entropy_from_labels_is_entropy_of_counts(method):
    counts = np.unique(X, return_counts=True)[1]
    assert float(E.entropy_from_labels(X, method=method)) == pytest.approx(
        REFERENCES[method](list(counts)) / math.log(2), rel=1e-12)


# --- mutual information from labels -------------------------------------------------------
def test_contingency_table_matches_sklearn(backend):
    got = to_np(E.contingency_table(native(backend, X), native(backend, Y)))
    np.testing.assert_array_equal(got, contingency_matrix(X, Y))


def test_labels_spanning_a_huge_range_take_the_sorting_path(backend):
    x = np.array([10**12, -3, 10**12, 7, -3, 7, 7])
    y = np.array([1, 2, 1, 1, 2, 2, 2])
    got = to_np(E.contingency_table(native(backend, x), native(backend, y)))
    np.testing.assert_array_equal(got, contingency_matrix(x, y))
    got = float(to_np(E.mutual_information_from_labels(native(backend, x), native(backend, y),
                                                       base=math.e)))
    assert got == pytest.approx(metrics.mutual_info_score(x, y), abs=1e-12)


def test_mutual_information_matches_sklearn(backend):
    got = float(to_np(E.mutual_information_from_labels(native(backend, X), native(backend, Y),
                                                       base=math.e)))
    assert abs(got - metrics.mutual_info_score(X, Y)) < 1e-10
    bits = float(to_np(E.mutual_information_from_labels(native(backend, X), native(backend, Y))))
    assert abs(bits - metrics.mutual_info_score(X, Y) / math.log(2)) < 1e-10


def test_miller_madow_mutual_information_is_the_sum_of_corrected_entropies():
    def h(labels):
        return miller_madow(list(np.unique(labels, axis=0, return_counts=True)[1]))
    want = h(X) + h(Y) - h(np.stack([X, Y], 1))
    got = float(E.mutual_information_from_labels(X, Y, method="miller_madow", base=math.e))
    assert got == pytest.approx(want, rel=1e-12)


@pytest.mark.parametrize("average", AVERAGES)
def test_nmi_and_ami_match_sklearn(backend, average):
    x, y = native(backend, X), native(backend, Y)
    nmi = float(to_np(E.normalized_mutual_information(x, y, average=average)))
    ami = float(to_np(E.adjusted_mutual_information(x, y, average=average)))
    assert abs(nmi - metrics.normalized_mutual_info_score(X, Y, average_method=average)) < 1e-10
    assert abs(ami - metrics.adjusted_mutual_info_score(X, Y, average_method=average)) < 1e-10


@pytest.mark.parametrize("x, y", [
    ([3, 3, 3, 3], [1, 1, 1, 1]),           # one cluster each: 1 by convention
    ([0, 0, 1, 1], [5, 5, 9, 9]),           # identical partitions
    ([0, 1, 0, 1], [0, 0, 1, 1]),           # independent: MI = 0
    ([0, 0, 0, 0], [0, 1, 2, 3]),           # one side a single cluster
    ([0, 1, 2, 3], [0, 1, 2, 3]),           # all singletons
])
def test_special_cases_match_sklearn(backend, x, y):
    xn, yn = native(backend, np.array(x)), native(backend, np.array(y))
    for ours, theirs in [(E.normalized_mutual_information, metrics.normalized_mutual_info_score),
                         (E.adjusted_mutual_information, metrics.adjusted_mutual_info_score)]:
        assert float(to_np(ours(xn, yn))) == pytest.approx(theirs(x, y), abs=1e-12)
    assert float(to_np(E.mutual_information_from_labels(xn, yn, base=math.e))) == \
        pytest.approx(metrics.mutual_info_score(x, y), abs=1e-12)


def test_ami_on_many_classes_and_unequal_clusters():
    x = np.concatenate([np.zeros(3000, int), RNG.integers(1, 300, 4000)])
    y = np.where(RNG.random(7000) < 0.5, x % 37, RNG.integers(0, 50, 7000))
    assert abs(float(E.adjusted_mutual_information(x, y))
               - metrics.adjusted_mutual_info_score(x, y)) < 1e-10


# --- PMI of co-occurrences ------------------------------------------------------------------
def pmi_reference(counts, alpha):
    c = counts.astype(float)
    n_c = c.sum(0) ** alpha
    with np.errstate(divide="ignore"):
        return np.log2(c / c.sum()) - np.log2(c.sum(1, keepdims=True) / c.sum()) \
            - np.log2(n_c / n_c.sum())


@pytest.mark.parametrize("alpha", [1.0, 0.75])
def test_pmi_from_counts(backend, alpha):
    counts = RNG.integers(0, 4, (5, 7))
    want = pmi_reference(counts, alpha)
    got = to_np(E.pmi_from_counts(native(backend, counts), context_smoothing=alpha))
    np.testing.assert_allclose(got, want, rtol=1e-12)
    assert np.isneginf(got[counts == 0]).all()
    ppmi = to_np(E.pmi_from_counts(native(backend, counts), context_smoothing=alpha,
                                   positive=True))
    np.testing.assert_allclose(ppmi, np.maximum(want, 0), rtol=1e-12)


def test_pmi_from_counts_is_batched():
    counts = RNG.integers(1, 4, (3, 4, 5))
    got = E.pmi_from_counts(counts)
    for b in range(3):
        np.testing.assert_allclose(got[b], pmi_reference(counts[b], 1.0), rtol=1e-12,
                                   atol=1e-14)


# --- errors -------------------------------------------------------------------------------
def test_errors_name_the_argument(backend):
    with pytest.raises(TypeError, match="x must hold integer.*differential_entropy"):
        E.entropy_from_labels(native(backend, [0.5, 1.0]))
    with pytest.raises(TypeError, match="y must hold integer.*mutual_information_ksg"):
        E.mutual_information_from_labels(native(backend, np.arange(2)),
                                         native(backend, [0.5, 1.0]))
    with pytest.raises(ValueError, match="1-D"):
        E.mutual_information_from_labels(native(backend, np.zeros((2, 2), int)),
                                         native(backend, np.zeros((2, 2), int)))
    with pytest.raises(ValueError, match="same length"):
        E.adjusted_mutual_information(native(backend, np.arange(3)), native(backend, np.arange(4)))
    with pytest.raises(ValueError, match="method"):
        E.entropy_from_counts(native(backend, COUNTS), method="mle")
    with pytest.raises(ValueError, match="n_classes=2"):  # on Dask: when computed
        to_np(E.entropy_from_labels(native(backend, np.arange(3)), n_classes=2))
    with pytest.raises(ValueError, match="negative counts"):
        E.entropy_from_counts(native(backend, [3.0, -1.0]), validate=True)
    with pytest.raises(ValueError, match="empty"):
        E.entropy_from_labels(native(backend, np.zeros(0, int)))
    with pytest.raises(ValueError, match="average"):
        E.normalized_mutual_information([0, 1], [0, 1], average="harmonic")
    with pytest.raises(ValueError, match="context_smoothing"):
        E.pmi_from_counts([[1, 2]], context_smoothing=0)


def test_results_are_native(backend):
    from tests.conftest import is_native
    x = native(backend, X)
    for r in (E.entropy_from_labels(x), E.mutual_information_from_labels(x, x),
              E.contingency_table(x, x), E.entropy_from_counts(native(backend, COUNTS))):
        assert is_native(backend, r)


# --- probe reproductions (issue 18) ---------------------------------------------------------
@pytest.mark.parametrize("n", [10, 17, 50])
def test_ami_of_a_relabeled_partition_is_one(backend, n):
    """0.75 (NumPy) and 0.80 (torch) at n = 10, 1.0556 at n = 17, 1.0064 at n = 50: AMI's
    numerator and denominator are both 0 up to rounding there; scikit-learn gives 1.0."""
    x = np.arange(n)
    y = x[::-1].copy()
    for f, ref in ((E.adjusted_mutual_information, metrics.adjusted_mutual_info_score),
                   (E.normalized_mutual_information, metrics.normalized_mutual_info_score)):
        assert float(to_np(f(native(backend, x), native(backend, y)))) == ref(x, y) == 1.0


@pytest.mark.parametrize("average", ["min", "geometric", "arithmetic", "max"])
def test_a_constant_labeling_shares_no_information(backend, average):
    """TensorFlow: NMI = inf (min, geometric) and AMI = 8.0 for a constant labeling against
    10,000 distinct labels (its MI was 1.78e-15); scikit-learn gives 0.0."""
    x, y = np.ones(10000, dtype=np.int64), np.arange(10000)
    for f, ref in ((E.adjusted_mutual_information, metrics.adjusted_mutual_info_score),
                   (E.normalized_mutual_information, metrics.normalized_mutual_info_score)):
        got = float(to_np(f(native(backend, x), native(backend, y), average=average)))
        assert got == ref(x, y, average_method=average) == 0.0
    assert float(to_np(E.mutual_information_from_labels(native(backend, x),
                                                        native(backend, y)))) == 0.0


@pytest.mark.parametrize("method", ["plugin", "miller_madow", "chao_shen", "james_stein"])
@pytest.mark.parametrize("counts", [np.zeros(0, dtype=np.int64), np.zeros(4, dtype=np.int64),
                                    np.zeros((2, 0))], ids=["empty", "zeros", "empty-2d"])
def test_no_observations_give_nan_for_every_method(backend, method, counts):
    """Empty counts gave plugin 0.0, miller_madow -inf, chao_shen 0.0 and james_stein a
    ZeroDivisionError; all-zero counts gave NaN (as documented)."""
    got = to_np(E.entropy_from_counts(native(backend, counts), method=method))
    if backend == "mxnet.nd" and counts.ndim == 1:  # legacy arrays: no 0-d results
        got = got.reshape(())
    assert got.shape == counts.shape[:-1] and np.isnan(got).all()


def test_uint64_counts_beyond_int64_stay_positive():
    big = np.array([2 ** 63, 2 ** 63], dtype=np.uint64)
    assert float(E.entropy_from_counts(big)) == 1.0  # wrapped negative through int64 before


def test_n_classes_beyond_the_dense_limit_is_refused_before_allocating():
    with pytest.raises(ValueError, match="n_classes=1000000000 is more than"):
        E.entropy_from_labels([0, 1, 2], n_classes=10 ** 9, method="james_stein")


# --- labels as scikit-learn takes them (issue 18) ---------------------------------------------
LABELS_A = ["a", "b", "a", "c", "b", "b", "c", "a"]
LABELS_B = [True, False, True, True, False, False, True, True]


LABEL_KINDS = ["list", "str-array", "object-array", "pandas"]


def labels_of_kind(kind):
    """LABELS_A and LABELS_B as a list, a str array, an object array or pandas."""
    if kind == "list":
        return LABELS_A, LABELS_B
    if kind == "str-array":
        return np.array(LABELS_A), np.array(LABELS_B)
    if kind == "object-array":
        return np.array(LABELS_A, dtype=object), np.array(LABELS_B, dtype=object)
    pd = pytest.importorskip("pandas")
    return pd.Series(LABELS_A), pd.Categorical(LABELS_B)


def test_pandas_categoricals_are_counted_from_their_codes(monkeypatch):
    """A Categorical went through its materialized values (1.1 s for 1e6 labels against 0.3 s
    for a string array, issue 33): its codes are ranked among its sorted categories instead
    (11 ms), with the tables and values of the strings, whatever the categories' order, unused
    categories included; missing values take the general path."""
    pd = pytest.importorskip("pandas")
    values, other = ["b", "a", "c", "a", "b", "b"], [1, 2, 1, 1, 2, 1]
    cat = pd.Categorical(values, categories=["c", "z", "b", "a"])  # unsorted, one unused
    want = E.contingency_table(np.array(values), other).tolist()
    monkeypatch.setattr(pd.Categorical, "__array__",
                        lambda *a, **k: pytest.fail("the values were materialized"))
    for x in (cat, pd.Series(cat)):
        assert E.contingency_table(x, other).tolist() == want
        assert float(E.mutual_information_from_labels(x, other)) == pytest.approx(
            float(E.mutual_information_from_labels(np.array(values), other)), rel=1e-15)
    monkeypatch.undo()
    missing = pd.Categorical(["a", None, "b", "a"])
    assert E.contingency_table(missing, [0, 1, 0, 0]).tolist() == [[2, 0], [0, 1], [1, 0]]


@pytest.mark.parametrize("kind", LABEL_KINDS)
def test_string_bool_and_object_labels_match_sklearn(kind):
    """They were refused ("non-numeric dtype", "got Series")."""
    a, b = labels_of_kind(kind)
    with it.default_base(math.e):
        assert float(E.mutual_information_from_labels(a, b)) == pytest.approx(
            metrics.mutual_info_score(LABELS_A, LABELS_B), rel=1e-12)
        assert float(E.entropy_from_labels(a)) == pytest.approx(
            stats.entropy(np.unique(LABELS_A, return_counts=True)[1]), rel=1e-12)
    assert float(E.adjusted_mutual_information(a, b)) == pytest.approx(
        metrics.adjusted_mutual_info_score(LABELS_A, LABELS_B), rel=1e-10)
    assert float(E.normalized_mutual_information(a, b)) == pytest.approx(
        metrics.normalized_mutual_info_score(LABELS_A, LABELS_B), rel=1e-10)
    np.testing.assert_array_equal(E.contingency_table(a, b),
                                  contingency_matrix(LABELS_A, LABELS_B))


def test_unorderable_labels_and_bool_tensors(backend):
    mixed = [1, "x", None, 1, "x", 2.5]
    y = [0, 1, 1, 0, 1, 0]
    want = metrics.mutual_info_score([repr(v) for v in mixed], y)
    with it.default_base(math.e):
        assert float(E.mutual_information_from_labels(mixed, y)) == pytest.approx(want, rel=1e-12)
        from infotheory import testing
        flags = testing.get_backend(backend).from_numpy(np.array(LABELS_B), backend)  # bool
        got = float(to_np(E.entropy_from_labels(flags)).reshape(()))
    assert got == pytest.approx(stats.entropy([3, 5]), rel=1e-12)


def test_float_labels_are_still_refused_with_the_hint():
    with pytest.raises(TypeError, match="must hold integer class indices.*mutual_information_ksg"):
        E.mutual_information_from_labels([0.5, 1.5], [0, 1])


@pytest.mark.slow  # a subprocess (make test-fast skips it)
def test_jax_without_x64_counts_in_float64_on_the_host():
    """AMI of 10^6 labels was 0.69782 and 0.69759 in two runs (0.69868 in scikit-learn): the
    table's statistics were float32. Now float64 on the host, returned in float32."""
    require("jax")

    code = """
import numpy as np, jax, jax.numpy as jnp, infotheory as it
from sklearn.metrics import adjusted_mutual_info_score, mutual_info_score
assert not jax.config.jax_enable_x64
rng = np.random.default_rng(0)
x = rng.integers(0, 30, 10**6); y = (x + rng.integers(0, 6, 10**6)) % 40
runs = [it.estimate.adjusted_mutual_information(jnp.asarray(x), jnp.asarray(y)) for _ in range(2)]
mi = it.estimate.mutual_information_from_labels(jnp.asarray(x), jnp.asarray(y), base=np.e)
print(runs[0].dtype, float(runs[0]) == float(runs[1]),
      abs(float(runs[0]) - adjusted_mutual_info_score(x, y)) < 6e-8,
      abs(float(mi) - mutual_info_score(x, y)) < 2e-7)
"""
    out = run_child(["-c", code], timeout=300, env={"JAX_ENABLE_X64": "0"})
    assert out.stdout.split() == ["float32", "True", "True", "True"]


@pytest.mark.parametrize("columns", [1, 2, 3])
def test_numpy_single_pass_label_table_equals_the_ranked_table(columns, monkeypatch):
    """NumPy counts long label columns in one pass over their ranges (``label_table``): the
    same table as ranking each column and counting its codes (the generic path), with gaps
    in the values, negative labels and a large offset; sklearn's MI of the pair agrees."""
    import infotheory.backends.numpy as nb
    from infotheory.estimate import _common

    B = it.backend_of(np.zeros(1))
    n = 2 * nb._CHUNK + 1001
    cols = [RNG.integers(-5, 40, n) * 3, RNG.integers(0, 7, n) + 10 ** 12,
            RNG.integers(-3, 3, n)][:columns]
    cols[0][::5] = cols[-1][::5] % 11  # dependence between the columns
    fast = B.label_table(cols)
    assert fast is not NotImplemented
    monkeypatch.setattr(type(B), "label_table", lambda self, c: NotImplemented)
    want = _common.flat_table("t", B, *cols, n=n)
    np.testing.assert_array_equal(fast[0], want[0])
    assert fast[1] == want[1] == [len(np.unique(c)) for c in cols]
    if columns == 2:
        monkeypatch.undo()
        mi = float(E.mutual_information_from_labels(cols[0], cols[1], base=math.e))
        assert mi == pytest.approx(metrics.mutual_info_score(cols[0], cols[1]), rel=1e-12)


def test_numpy_single_pass_label_table_declines_sparse_or_huge_labels():
    import infotheory.backends.numpy as nb

    B = it.backend_of(np.zeros(1))
    n = 2 * nb._CHUNK + 1
    dense = RNG.integers(0, 10, n)
    sparse = dense * 10 ** 9  # a range far beyond 4 n: the generic path ranks by sorting
    huge = dense + 2 ** 62  # label * stride would overflow int64
    assert B.label_table([dense, dense]) is not NotImplemented
    assert B.label_table([sparse, dense]) is NotImplemented
    assert B.label_table([huge, dense]) is NotImplemented
    assert B.label_table([dense[:1000], dense[:1000]]) is NotImplemented  # short: generic
    h = float(E.entropy_from_labels(sparse, base=math.e))
    assert h == pytest.approx(stats.entropy(np.bincount(dense)), rel=1e-12)
