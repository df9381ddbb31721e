"""Mutual information of tabular data: Ross's estimator (``estimate.mutual_information_mixed``),
every column against a target (``estimate.mutual_information_features``) and scikit-learn's
``mutual_info_classif`` / ``mutual_info_regression`` (``infotheory.sklearn``). scikit-learn's
own test module for them runs against ours on every backend, and the values equal
scikit-learn's for the same ``random_state``."""
import importlib
import inspect
import math

import numpy as np
import pytest

pytest.importorskip("sklearn")
from scipy import sparse  # noqa: E402
from sklearn.feature_selection import mutual_info_classif, mutual_info_regression  # noqa: E402
from sklearn.feature_selection._mutual_info import _compute_mi_cc, _compute_mi_cd  # noqa: E402

import infotheory as it  # noqa: E402
from infotheory import sklearn as isk  # noqa: E402
from tests.conftest import is_native, native, require, to_np  # noqa: E402

SK_TESTS = importlib.import_module("sklearn.feature_selection.tests.test_mutual_info")
RNG = np.random.default_rng(32)


def _tensor(backend, a):
    a = np.asarray(a)
    if a.dtype.kind == "b":
        a = a.astype(np.int64)
    return native(backend, a) if a.dtype.kind in "iu" else native(backend, a.astype(np.float64))


def _ours_on(backend, f):
    """``f`` (ours) with X and y as the backend's tensors (a sparse X stays as it is); the
    scores back as NumPy for scikit-learn's assertions."""
    def call(X, y, **kw):
        if backend == "numpy" or sparse.issparse(X):
            return to_np(f(X, y, **kw))
        r = f(_tensor(backend, X), _tensor(backend, y), **kw)
        assert is_native(backend, r)
        return to_np(r)
    return call


def _compute_mi_on(backend):
    """scikit-learn's private ``_compute_mi(x, y, x_discrete, y_discrete, n_neighbors)`` from
    our estimators, clipped at 0 as scikit-learn's."""
    E = it.estimate

    def compute(x, y, x_discrete, y_discrete, n_neighbors=3):
        x, y = _tensor(backend, x), _tensor(backend, y)
        if x_discrete and y_discrete:
            mi = E.mutual_information_from_labels(x, y, base=math.e)
        elif x_discrete:
            mi = E.mutual_information_mixed(y, x, k=n_neighbors, base=math.e)
        elif y_discrete:
            mi = E.mutual_information_mixed(x, y, k=n_neighbors, base=math.e)
        else:
            mi = E.mutual_information_ksg(x, y, k=n_neighbors, base=math.e, standardize=False)
        return max(0.0, float(to_np(mi)))
    return compute


def _sk_cases():
    """scikit-learn's test functions with the fixture values they take."""
    values = {"global_dtype": [np.float64], "global_random_seed": [0, 42],
              "csr_container": [sparse.csr_matrix], "correlated": [True, False]}
    cases = []
    for name, fn in inspect.getmembers(SK_TESTS, inspect.isfunction):
        if not name.startswith("test_") or fn.__module__ != SK_TESTS.__name__:
            continue
        params = list(inspect.signature(fn).parameters)
        if "mutual_info_func" in params:  # n_jobs: parametrized over scikit-learn's functions
            for func, gen in (("regression", "make_regression"),
                              ("classif", "make_classification")):
                cases.append(pytest.param(name, {"mutual_info_func": func, "data_generator": gen,
                                                 "global_random_seed": 0}, id=f"{name}-{func}"))
            continue
        combos = [{}]
        for p in params:
            combos = [dict(c, **{p: v}) for c in combos for v in values[p]]
        cases += [pytest.param(name, c, id=f"{name}-{i}") for i, c in enumerate(combos)]
    return cases


@pytest.mark.parametrize("name,kwargs", _sk_cases())
def test_scikit_learns_own_tests_pass_on_every_backend(backend, name, kwargs, monkeypatch):
    if backend in ("dask", "mxnet.nd"):
        pytest.skip("the tabular MI takes in-memory tensors (Dask: compute X first)")
    require(backend)
    ours = {"classif": _ours_on(backend, isk.mutual_info_classif),
            "regression": _ours_on(backend, isk.mutual_info_regression)}
    monkeypatch.setattr(SK_TESTS, "mutual_info_classif", ours["classif"])
    monkeypatch.setattr(SK_TESTS, "mutual_info_regression", ours["regression"])
    monkeypatch.setattr(SK_TESTS, "_compute_mi", _compute_mi_on(backend))
    if "mutual_info_func" in kwargs:
        from sklearn import datasets
        kwargs = dict(kwargs, mutual_info_func=ours[kwargs["mutual_info_func"]],
                      data_generator=getattr(datasets, kwargs["data_generator"]))
    getattr(SK_TESTS, name)(**kwargs)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_scores_equal_scikit_learns_for_the_same_random_state(seed):
    """Continuous, discrete and mixed columns against class and continuous targets, with
    the same seed: scikit-learn's values to 1e-10 (its scaling and noise reproduced)."""
    rng = np.random.default_rng(seed)
    n = 500
    y_class = rng.integers(0, 3, n)
    X = np.column_stack([rng.normal(size=n) + y_class, rng.normal(size=n),
                         rng.integers(0, 4, n) + (y_class == 2), rng.exponential(size=n) * 50,
                         rng.integers(-2, 2, n)]).astype(float)
    y_real = X[:, 0] * 2 + X[:, 2] + rng.normal(size=n)
    for discrete in ("auto", [2, 4], np.array([False, False, True, False, True])):
        got = isk.mutual_info_classif(X, y_class, discrete_features=discrete, random_state=seed)
        want = mutual_info_classif(X, y_class, discrete_features=discrete, random_state=seed)
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)
        got = isk.mutual_info_regression(X, y_real, discrete_features=discrete,
                                         random_state=seed, n_neighbors=5)
        want = mutual_info_regression(X, y_real, discrete_features=discrete, random_state=seed,
                                      n_neighbors=5)
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)
    assert want[0] > 0.3 and want[2] > 0.05  # (informative columns: not all clipped zeros)


def test_string_class_labels_and_select_k_best():
    from sklearn.feature_selection import SelectKBest

    rng = np.random.default_rng(3)
    y = rng.choice(np.array(["a", "b"]), 300)
    X = np.column_stack([rng.normal(size=300), rng.normal(size=300) + (y == "b") * 2])
    want = mutual_info_classif(X, y, random_state=0)
    np.testing.assert_allclose(isk.mutual_info_classif(X, y, random_state=0), want, rtol=1e-10)
    sel = SelectKBest(lambda X, y: isk.mutual_info_classif(X, y, random_state=0), k=1).fit(X, y)
    assert list(sel.get_support()) == [False, True]


@pytest.mark.parametrize("d", [1, 3])
def test_mixed_estimator_equals_scikit_learns_compute_mi_cd(backend, d):
    """Ross's estimator: scikit-learn's ``_compute_mi_cd`` in 1-D (where it is positive; it
    clips at 0); in d dimensions the max-norm transcription below. A label seen once is left
    out; the units and the input's dtype as the other estimators'."""
    if backend in ("dask", "mxnet.nd"):
        pytest.skip("k-NN estimators take in-memory tensors")
    require(backend)
    rng = np.random.default_rng(d)
    n = 400
    labels = rng.integers(0, 3, n)
    labels[7] = 9  # seen once: left out
    x = rng.normal(size=(n, d)) + labels[:, None]
    got = float(to_np(it.estimate.mutual_information_mixed(
        native(backend, x if d > 1 else x[:, 0]), native(backend, labels), base=math.e,
        standardize=False)))
    want = _compute_mi_cd(x[:, 0], labels, 3) if d == 1 else _ross_max_norm(x, labels, 3)
    assert want > 0.1 and got == pytest.approx(want, rel=1e-9)
    if d == 1:  # scale-free in 1-D: standardizing changes nothing; bits by default
        bits = float(to_np(it.estimate.mutual_information_mixed(native(backend, x[:, 0]),
                                                                native(backend, labels))))
        assert bits == pytest.approx(want / math.log(2), rel=1e-9)


def _ross_max_norm(x, labels, k):
    """Ross's formula with max-norm distances, from the full distance matrix."""
    from scipy.special import digamma

    dist = np.abs(x[:, None, :] - x[None, :, :]).max(-1)
    values, counts = np.unique(labels, return_counts=True)
    keep = np.isin(labels, values[counts > 1])
    x, labels, dist = x[keep], labels[keep], dist[np.ix_(keep, keep)]
    n = len(x)
    terms = []
    for i in range(n):
        same = np.flatnonzero(labels == labels[i])
        ki = min(k, len(same) - 1)
        r = np.sort(dist[i, same])[ki]  # (index 0 is the point itself)
        m = np.sum(dist[i] < r)
        terms.append(digamma(ki) - digamma(len(same)) - digamma(m))
    return digamma(n) + np.mean(terms)


def test_mixed_and_features_errors_name_the_argument():
    E = it.estimate
    x = RNG.normal(size=20)
    with pytest.raises(ValueError, match="mutual_information_mixed: x and labels must hold"):
        E.mutual_information_mixed(x, np.zeros(19, int))
    with pytest.raises(ValueError, match="every label occurs once"):
        E.mutual_information_mixed(x, np.arange(20))
    with pytest.raises(ValueError, match="duplicate points"):
        E.mutual_information_mixed(np.repeat(x[:4], 5), np.zeros(20, int))  # k-th at 0
    with pytest.raises(ValueError, match="NaN or infinite"):
        E.mutual_information_mixed(np.r_[x[:-1], np.nan], np.zeros(20, int))
    with pytest.raises(TypeError, match="labels"):
        E.mutual_information_mixed(x, x)
    X = RNG.normal(size=(20, 3))
    with pytest.raises(ValueError, match="mutual_information_features: X must be a table"):
        E.mutual_information_features(x, x)
    with pytest.raises(ValueError, match="discrete_features has column index 5"):
        E.mutual_information_features(X, x, discrete_features=[5])
    with pytest.raises(ValueError, match="random_state must be"):
        E.mutual_information_features(X, x, random_state="seed")
    with pytest.raises(IndexError):
        isk.mutual_info_regression(X, x, discrete_features=[True, False])


def test_features_without_random_state_add_no_noise():
    """Without random_state no noise is drawn: the same call twice is the same, and the
    scores are the estimators' on the standardized columns."""
    X = RNG.normal(size=(300, 2))
    y = X[:, 0] + RNG.normal(size=300)
    a = it.estimate.mutual_information_features(X, y, base=math.e)
    b = it.estimate.mutual_information_features(X, y, base=math.e)
    np.testing.assert_array_equal(a, b)
    want = [_compute_mi_cc(X[:, j] / X[:, j].std(), y / y.std(), 3) for j in range(2)]
    assert a[0] == pytest.approx(want[0], rel=1e-10)


def test_probe_findings_too_few_samples_bool_list_and_nan_in_discrete_columns():
    """Found by issue 32's probe: k >= n with a continuous target gave every column the same
    positive score (scikit-learn raises); boolean X and a list X failed where scikit-learn
    takes them; NaN in a discrete column of a tensor was counted as a label."""
    torch = require("torch")
    rng = np.random.default_rng(4)
    X, yc, yr = rng.normal(size=(200, 3)), rng.integers(0, 2, 200), rng.normal(size=200)
    with pytest.raises(ValueError, match="X has 1 samples; k=3 needs at least 4"):
        isk.mutual_info_regression(X[:1], yr[:1], random_state=0)
    with pytest.raises(ValueError, match="X has 2 samples; k=3 needs at least 4"):
        it.estimate.mutual_information_features(X[:2], yr[:2])
    np.testing.assert_allclose(
        isk.mutual_info_classif(X > 0, yc, discrete_features=True, random_state=0),
        mutual_info_classif(X > 0, yc, discrete_features=True, random_state=0), rtol=1e-10)
    np.testing.assert_allclose(isk.mutual_info_classif(X.tolist(), yc, random_state=0),
                               mutual_info_classif(X.tolist(), yc, random_state=0), rtol=1e-10)
    got = isk.mutual_info_classif(X.astype(np.float32), yc, random_state=0)
    want = mutual_info_classif(X.astype(np.float32), yc, random_state=0)
    assert got.dtype == want.dtype == np.float64
    np.testing.assert_allclose(got, want, rtol=1e-10)
    Xd = rng.integers(0, 3, (200, 2)).astype(float)
    Xd[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN or infinite"):
        isk.mutual_info_classif(torch.tensor(Xd), torch.tensor(yc), discrete_features=True)
    with pytest.raises(ValueError, match="Expected a 2D array"):
        isk.mutual_info_classif(torch.tensor(X[:, 0]), torch.tensor(yc))
