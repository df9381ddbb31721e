"""infotheory.estimate.homogeneity_completeness_v_measure against scikit-learn's, on every backend:
random label pairs, scikit-learn's own test cases, the edge cases, labels as scikit-learn takes
them, ``beta``, and the table statistic (``statistic_of_table``, ``_hcv_from_table``)."""
import math

import numpy as np
import pytest

pytest.importorskip("sklearn")
from sklearn import metrics  # noqa: E402

from infotheory import estimate as E  # noqa: E402
from infotheory.estimate import clustering  # noqa: E402
from infotheory.testing import get_backend  # noqa: E402
from tests.conftest import is_native, native, to_np  # noqa: E402
from tests.estimate.test_counts_and_labels import LABEL_KINDS, LABELS_A, LABELS_B, labels_of_kind  # noqa: E402,E501

HCV = E.homogeneity_completeness_v_measure
REF = metrics.homogeneity_completeness_v_measure
BETAS = (0.5, 1.0, 2.0)
RNG = np.random.default_rng(11)


def hcv(backend, x, y, **kw):
    """Our three scores as Python floats, from native tensors of ``backend``."""
    r = HCV(native(backend, np.asarray(x)), native(backend, np.asarray(y)), **kw)
    assert isinstance(r, tuple) and len(r) == 3
    return [float(to_np(v).reshape(())) for v in r]


def close(got, want, rel=1e-12):
    # abs: the mutual information's rounding (~1e-16) on a near-independent pair
    assert got == pytest.approx(list(want), rel=rel, abs=1e-14)


def random_pairs():
    """(x, y): sizes from 1 to 3000, 1 to 40 classes and clusters, labels from independent to
    strongly dependent, any integers (not only 0..K-1)."""
    pairs = []
    for n, kc, kk in [(1, 1, 1), (2, 2, 2), (7, 3, 5), (50, 2, 9), (200, 12, 4), (600, 40, 30),
                      (3000, 5, 5), (1000, 1, 6), (1000, 6, 1)]:
        x = RNG.integers(0, kc, n) * 3 - 5
        for mix in (0.0, 0.5, 0.9):
            noise = RNG.integers(0, kk, n)
            y = np.where(RNG.random(n) < mix, (x * 7) % kk, noise) + 100
            pairs.append((x, y))
    return pairs


PAIRS = random_pairs()


# --- against scikit-learn -------------------------------------------------------------------
@pytest.mark.parametrize("beta", BETAS)
def test_random_label_pairs_match_sklearn(backend, beta):
    for x, y in PAIRS:
        close(hcv(backend, x, y, beta=beta), REF(x, y, beta=beta))


# scikit-learn's own cases (sklearn/metrics/cluster/tests/test_supervised.py): the inputs,
# beta, and the expected (h, c, v) to 2 decimals there
SKLEARN_CASES = [
    ([0, 0, 0, 1, 1, 1], [0, 0, 0, 1, 2, 2], 1.0, (1.00, 0.69, 0.81)),  # homogeneous
    ([0, 0, 1, 1, 2, 2], [0, 0, 1, 1, 1, 1], 1.0, (0.58, 1.00, 0.73)),  # complete
    ([0, 0, 0, 1, 1, 1], [0, 1, 0, 1, 2, 2], 1.0, (0.67, 0.42, 0.52)),  # neither
    ([0, 0, 0, 1, 1, 1], [0, 1, 0, 1, 2, 2], 0.2,  # test_beta_parameter
     (0.67, 0.42, (1 + 0.2) * 0.67 * 0.42 / (0.2 * 0.67 + 0.42))),
    ([0, 0, 0, 2, 2, 2], [0, 1, 0, 1, 2, 2], 1.0, (0.67, 0.42, 0.52)),  # non-consecutive
    ([0, 0, 0, 1, 1, 1], [0, 4, 0, 4, 2, 2], 1.0, (0.67, 0.42, 0.52)),
    ([0, 0, 1, 1, 2, 2], [0, 0, 1, 2, 2, 2], 1.0, (0.71, 0.771, 0.74)),  # the docstring's
]


@pytest.mark.parametrize("x, y, beta, expected", SKLEARN_CASES)
def test_sklearn_test_cases(backend, x, y, beta, expected):
    got = hcv(backend, x, y, beta=beta)
    close(got, REF(x, y, beta=beta))
    np.testing.assert_almost_equal(got, expected, decimal=2)


@pytest.mark.parametrize("x, y", [
    ([0], [1]), ([0, 0, 0], [0, 0, 0]), ([0, 1, 0], [42, 7, 42]), ([0, 1, 2], [42, 7, 2]),
])
def test_sklearn_perfect_matches(backend, x, y):
    """scikit-learn's test_perfect_matches (its float labels are refused here, its empty
    vectors raise: tested below)."""
    got = hcv(backend, x, y)
    close(got, REF(x, y))
    assert got == pytest.approx([1.0, 1.0, 1.0], rel=1e-15)


def test_sklearn_exactly_zero_info_score(backend):
    """A constant labeling against distinct labels: v = 0 exactly (h = 1: one class)."""
    for i in np.logspace(1, 4, 4).astype(int):
        x, y = np.ones(i, dtype=int), np.arange(i, dtype=int)
        assert hcv(backend, x, y) == list(REF(x, y)) == [1.0, 0.0, 0.0]
        assert hcv(backend, y, x) == list(REF(y, x)) == [0.0, 1.0, 0.0]


def test_sklearn_v_measure_is_nmi_with_the_arithmetic_mean():
    for i in np.logspace(1, 4, 4).astype(int):
        random_state = np.random.RandomState(36)
        a, b = random_state.randint(0, 10, i), random_state.randint(0, 10, i)
        v = float(HCV(a, b)[2])
        assert v == pytest.approx(float(E.normalized_mutual_information(a, b)), rel=1e-12)
        assert v == pytest.approx(metrics.v_measure_score(a, b), rel=1e-12, abs=1e-14)


# --- edge cases -----------------------------------------------------------------------------
@pytest.mark.parametrize("x, y, want", [
    ([3, 3, 3, 3], [1, 1, 1, 1], [1.0, 1.0, 1.0]),   # one class, one cluster
    ([3, 3, 3, 3], [0, 1, 2, 3], [1.0, 0.0, 0.0]),   # one class, all distinct clusters
    ([0, 1, 2, 3], [5, 5, 5, 5], [0.0, 1.0, 0.0]),   # all distinct classes, one cluster
    ([0, 1, 2, 3], [9, 8, 7, 6], [1.0, 1.0, 1.0]),   # all distinct both: a perfect match
    ([0, 0, 1, 1], [5, 5, 9, 9], [1.0, 1.0, 1.0]),   # the same partition, relabeled
    ([0, 1, 0, 1], [0, 0, 1, 1], [0.0, 0.0, 0.0]),   # independent: h + c = 0, v = 0
    ([0, 1, 2, 0, 1, 2, 0, 1, 2], [0, 0, 0, 1, 1, 1, 2, 2, 2], [0.0, 0.0, 0.0]),
])
@pytest.mark.parametrize("beta", BETAS)
def test_edge_cases(backend, x, y, want, beta):
    got = hcv(backend, x, y, beta=beta)
    close(got, REF(x, y, beta=beta))
    assert got == pytest.approx(want, rel=1e-15, abs=1e-300)  # 0 and 1 exactly (within ulps)


def test_homogeneity_and_completeness_swap_and_v_measure_is_symmetric():
    x, y = PAIRS[-4]
    h, c, v = (float(s) for s in HCV(x, y, beta=2.0))
    h2, c2, v2 = (float(s) for s in HCV(y, x, beta=0.5))
    assert (h2, c2) == pytest.approx((c, h), rel=1e-14)
    assert v2 == pytest.approx(v, rel=1e-14)  # v(x, y; beta) = v(y, x; 1 / beta)


# --- results --------------------------------------------------------------------------------
def test_results_are_three_native_float64_tensors(backend):
    x, y = PAIRS[12]
    r = HCV(native(backend, x), native(backend, y))
    assert isinstance(r, tuple) and len(r) == 3
    for s in r:
        assert is_native(backend, s)
        assert "float64" in str(s.dtype)
        assert to_np(s).size == 1  # 0-d (legacy mx.nd: shape (1,), as its other scalars)
    if backend == "dask":
        import dask
        computed = dask.compute(*r)
        close([float(v) for v in computed], REF(x, y))


def test_numpy_scores_are_numpy_scalars():
    r = HCV([0, 0, 1, 1, 2, 2], [0, 0, 1, 2, 2, 2])
    assert all(isinstance(s, np.float64) and np.ndim(s) == 0 for s in r)


@pytest.mark.parametrize("kind", LABEL_KINDS)
def test_string_bool_and_category_labels_match_sklearn(kind):
    a, b = labels_of_kind(kind)
    for beta in BETAS:
        close([float(s) for s in HCV(a, b, beta=beta)], REF(LABELS_A, LABELS_B, beta=beta))
        close([float(s) for s in HCV(b, a, beta=beta)], REF(LABELS_B, LABELS_A, beta=beta))


# --- errors ---------------------------------------------------------------------------------
@pytest.mark.parametrize("beta", [0, 0.0, -1.0, math.nan, math.inf, -math.inf, True, "1",
                                  None, 1j, np.array([1.0, 2.0])])
def test_a_bad_beta_is_refused_before_any_computation(beta):
    # (checked in the plan, with the shapes: before any count)
    with pytest.raises(ValueError, match=r"^homogeneity_completeness_v_measure: beta must"):
        HCV([0, 1, 2], [0, 1, 1], beta=beta)
    with pytest.raises(ValueError, match="beta"):
        clustering.statistic_of_table("v_measure", [[1, 0], [0, 1]], beta=beta)


def test_numpy_and_integer_betas_are_taken():
    x, y = PAIRS[10]
    for beta in (np.float32(2.0), np.float64(2.0), np.int64(2), 2):
        close([float(s) for s in HCV(x, y, beta=beta)], REF(x, y, beta=2.0))


def test_errors_name_the_argument(backend):
    with pytest.raises(TypeError, match="labels_pred must hold integer.*mutual_information_ksg"):
        HCV(native(backend, np.arange(2)), native(backend, [0.5, 1.0]))
    with pytest.raises(ValueError, match="same length"):
        HCV(native(backend, np.arange(3)), native(backend, np.arange(4)))
    with pytest.raises(ValueError, match="1-D"):
        HCV(native(backend, np.zeros((2, 2), int)), native(backend, np.zeros((2, 2), int)))
    with pytest.raises(ValueError, match="empty"):
        HCV(native(backend, np.zeros(0, int)), native(backend, np.zeros(0, int)))


# --- the table statistic --------------------------------------------------------------------
def table_with_empty_rows():
    """A fixed-size table (as a streaming metric accumulates) with classes and clusters that
    never occur, and the labels it counts."""
    x, y = PAIRS[13]
    xs, ys = np.unique(x, return_inverse=True)[1], np.unique(y, return_inverse=True)[1]
    t = np.zeros((xs.max() + 3, ys.max() + 2), dtype=np.int64)
    np.add.at(t, (xs + 1, ys), 1)  # row 0, the last two rows and the last column stay empty
    t = t[:, np.r_[ys.max() + 1, 0:ys.max() + 1]]  # an empty first column too
    assert (t[0] == 0).all() and (t[:, 0] == 0).all() and (t[-1] == 0).all()
    return t, x, y


@pytest.mark.parametrize("beta", BETAS)
def test_statistic_of_table_with_empty_rows_matches_sklearn(beta):
    t, x, y = table_with_empty_rows()
    want = REF(x, y, beta=beta)
    got = [clustering.statistic_of_table(name, t, beta=beta)
           for name in ("homogeneity", "completeness", "v_measure")]
    close(got, want)
    assert clustering.statistic_of_table("v_measure", t, beta=2) == pytest.approx(
        metrics.v_measure_score(x, y, beta=2), rel=1e-12)
    assert clustering.statistic_of_table("v_measure", t) == pytest.approx(
        REF(x, y)[2], rel=1e-12)  # beta 1 by default


@pytest.mark.parametrize("case", ["empty-rows", "one-class", "one-cluster", "one-cell"])
def test_the_table_helper_takes_empty_rows_and_columns_on_every_backend(backend, case):
    """``_hcv_from_table`` over the backend's own primitives, on the table with its empty rows
    and columns kept (the streaming metrics' table): the labels' values."""
    t, x, y = table_with_empty_rows()
    if case != "empty-rows":  # a single nonzero row, column or cell among zeros
        t = np.zeros((4, 5), dtype=np.int64)
        x, y = {"one-class": ([2] * 6, [0, 1, 1, 3, 3, 3]),
                "one-cluster": ([0, 1, 1, 3, 3, 3], [2] * 6),
                "one-cell": ([1] * 6, [3] * 6)}[case]
        np.add.at(t, (np.array(x), np.array(y)), 1)
    if backend == "mxnet.nd":
        pytest.skip("the MXNet backend's primitives take mx.np arrays: tested as mxnet")
    B = get_backend(backend)
    table = native(backend, t)
    with B.scope():
        for beta in BETAS:
            r = to_np(clustering._hcv_from_table(B, table, beta))
            assert r.shape == (3,)
            close(list(r), REF(x, y, beta=beta))


def test_the_table_helper_reads_nothing_on_the_host(monkeypatch):
    """No ``B.item`` and no ``B.to_numpy`` (the streaming metrics run it in a graph)."""
    NB = get_backend("numpy")
    t, x, y = table_with_empty_rows()

    def refuse(*a, **k):
        raise AssertionError("a host read")
    monkeypatch.setattr(type(NB), "item", refuse)
    monkeypatch.setattr(type(NB), "to_numpy", refuse)
    close(list(np.asarray(clustering._hcv_from_table(NB, t, 1.0))), REF(x, y))

