"""infotheory.estimate.permutation_test on every backend: the null of each kind of estimator
(pairs, conditional, one-argument multivariate, transfer entropy, functions of yours), the
p-value against a loop of shuffles and an exact enumeration, batched estimates with the
max-statistic correction, the shuffles of time series, and its errors (issue 29, item 5)."""
import itertools
import math
import re

import numpy as np
import pytest
from scipy import stats

from infotheory import estimate as E
from infotheory.estimate import permutation as permutation_module
from tests.conftest import is_native, native, to_np

from tests.estimate.test_multivariate import N, W, X, Y, Z, labels, value  # noqa: F401

RNG = np.random.default_rng(11)
RNG.integers(0, 4, N), RNG.integers(-2, 1, N), RNG.integers(0, 2, N), RNG.integers(0, 3, N)
# (the draws of the shared data above: the series below are the ones the tests were written on)


def eager(backend):
    if backend == "dask":
        pytest.skip("permutation_test refuses lazy input (test_permutation_test_p_value_and_units)")


def test_permutation_test_p_value_and_units(backend):
    if backend == "dask":
        with pytest.raises(NotImplementedError, match="compute"):
            E.permutation_test(E.mutual_information_from_labels, *labels(backend, X, Y))
        return
    r = E.permutation_test(E.mutual_information_from_labels, *labels(backend, X, Y),
                           n_permutations=99, seed=0)
    assert is_native(backend, r.value) and is_native(backend, r.null)
    assert to_np(r.null).shape == (99,)
    assert value(r.pvalue) == pytest.approx(1 / 100)  # strongly dependent: nothing reaches it
    assert value(r.value) == pytest.approx(value(E.mutual_information_from_labels(
        *labels(backend, X, Y))))
    nats = E.permutation_test(E.mutual_information_from_labels, *labels(backend, X, Y),
                              n_permutations=99, seed=0, base=math.e)
    np.testing.assert_allclose(to_np(nats.null), to_np(r.null) * math.log(2), rtol=1e-12)


def test_permutation_null_is_the_shuffled_estimate():
    """The batched null tables are drawn from the distribution of shuffled data: the null of
    independent labels agrees with a loop of shuffles (two-sample KS), and with the exact
    p-value on a small case by enumerating every permutation."""
    rng = np.random.default_rng(8)
    x, y = rng.integers(0, 3, 500), rng.integers(0, 4, 500)
    r = E.permutation_test(E.mutual_information_from_labels, x, y, n_permutations=2000,
                           seed=1)
    loop = [float(E.mutual_information_from_labels(rng.permutation(x), y)) for _ in range(2000)]
    assert stats.ks_2samp(r.null, loop).pvalue > 1e-3
    # exact: every distinct arrangement of 8 labels
    x8, y8 = np.array([0, 0, 0, 1, 1, 1, 1, 0]), np.array([0, 0, 1, 1, 1, 1, 0, 0])
    observed = float(E.mutual_information_from_labels(x8, y8))
    perms = list(itertools.permutations(range(8)))
    null = np.array([float(E.mutual_information_from_labels(x8[list(p)], y8)) for p in perms])
    exact = (null >= observed - 1e-12).mean()
    r = E.permutation_test(E.mutual_information_from_labels, x8, y8, n_permutations=20000,
                           seed=2)
    assert float(r.pvalue) == pytest.approx(exact, abs=0.015)


def test_permutation_test_of_cmi_and_of_any_estimator():
    r = E.permutation_test(E.conditional_mutual_information_from_labels, X, Y,
                           np.stack([Z, W], 1), n_permutations=50, seed=0,
                           method="miller_madow")
    assert float(r.pvalue) == pytest.approx(1 / 51)
    assert float(r.value) == pytest.approx(float(
        E.conditional_mutual_information_from_labels(X, Y, np.stack([Z, W], 1),
                                                     method="miller_madow")))
    # a looped estimator: one call per shuffle, same seed, same null
    calls = []

    def mine(a, b):
        calls.append(1)
        return E.mutual_information_ksg(a, b)
    a = np.random.default_rng(0).normal(size=200)
    r1 = E.permutation_test(mine, a, a + np.random.default_rng(1).normal(size=200),
                            n_permutations=30, seed=4)
    assert len(calls) == 31 and r1.null.shape == (30,)
    assert float(r1.pvalue) == pytest.approx(1 / 31)
    r2 = E.permutation_test(mine, a, a + np.random.default_rng(1).normal(size=200),
                            n_permutations=30, seed=4)
    np.testing.assert_array_equal(r1.null, r2.null)


def test_permutation_test_errors():
    with pytest.raises(TypeError, match="estimator must be a function"):
        E.permutation_test("mi", X, Y)
    with pytest.raises(ValueError, match="n_permutations must be a positive int"):
        E.permutation_test(E.mutual_information_from_labels, X, Y, n_permutations=0)
    with pytest.raises(TypeError, match="seed"):
        E.permutation_test(E.mutual_information_from_labels, X, Y, seed=1.5)
    with pytest.raises(TypeError, match="n_permutations must be a positive int"):
        E.permutation_test(E.mutual_information_from_labels, X, Y, n_permutations=1.5)


# --- one-argument multivariate estimators: each variable shuffled on its own ----------------
def _redundant(rng, n=400):
    z = rng.normal(size=(n, 1))
    return z + 0.5 * rng.normal(size=(n, 3))


def _binned(a):
    return np.digitize(a, [-0.5, 0.5])  # 3 labels per variable


ONE_ARGUMENT = {
    "o_information_gaussian": (E.o_information_gaussian, lambda a: a),
    "total_correlation_from_labels": (E.total_correlation_from_labels, _binned),
    "o_information_from_labels": (E.o_information_from_labels, _binned),
}


@pytest.mark.parametrize("name", sorted(ONE_ARGUMENT))
def test_one_argument_estimators_shuffle_each_variable(backend, name):
    """Nothing was shuffled for a one-argument estimator: the null was the value itself and
    p = 1.0 whatever the data. Each variable is now permuted on its own: dependent variables
    give the least p-value, and the null keeps each variable's values."""
    eager(backend)
    estimator, prepare = ONE_ARGUMENT[name]
    data = prepare(_redundant(np.random.default_rng(0)))
    r = E.permutation_test(estimator, native(backend, data), n_permutations=49, seed=1)
    assert is_native(backend, r.pvalue) and to_np(r.null).shape == (49,)
    assert value(r.pvalue) == pytest.approx(1 / 50)
    assert np.all(np.abs(to_np(r.null)) < 0.5 * abs(value(r.value)))


@pytest.mark.parametrize("name", sorted(ONE_ARGUMENT))
def test_one_argument_null_is_calibrated_on_independent_data(name):
    """On independent variables the p-values are about uniform: over 60 data sets, about a
    fifth below 0.2 and a half below 0.5 (seeded: the same numbers every run)."""
    estimator, prepare = ONE_ARGUMENT[name]
    rng = np.random.default_rng(5)
    p = np.array([float(E.permutation_test(estimator, prepare(rng.normal(size=(200, 3))),
                                           n_permutations=39, seed=rng).pvalue)
                  for _ in range(60)])
    assert 0.05 <= (p <= 0.2).mean() <= 0.4
    assert 0.3 <= (p <= 0.5).mean() <= 0.7
    assert stats.kstest(p, "uniform").pvalue > 1e-3


def test_each_variable_gets_its_own_permutation(monkeypatch):
    """The shuffled copies of a one-argument estimator's input: each column a permutation of
    its own values, the columns shuffled differently; the batch axes shuffled alike."""
    seen = []

    def mine(x):
        seen.append(np.array(x))
        return 0.0
    monkeypatch.setitem(permutation_module.VARIABLES, mine,
                        permutation_module.VARIABLES[E.o_information_gaussian])
    data = np.arange(2 * 50 * 3, dtype=float).reshape(2, 50, 3)  # (batch, n, k)
    E.permutation_test(mine, data, n_permutations=3, seed=0)
    for s in seen[1:]:
        assert s.shape == data.shape
        for j in range(3):
            np.testing.assert_array_equal(np.sort(s[0, :, j]), data[0, :, j])
            np.testing.assert_array_equal(s[1, :, j] - s[0, :, j], 150.0)  # the same order
        rows = (s[0] - data[0, 0]) // 3  # the sample each entry came from, per column
        assert len({tuple(rows[:, j]) for j in range(3)}) == 3


# --- arguments by keyword, labels of any kind, a seed --------------------------------------
def test_variables_by_keyword_work_like_positionals(backend):
    """y= and z= by keyword leaked TypeError / IndexError."""
    eager(backend)
    x, y, z = labels(backend, X, Y, Z)
    for estimator, args in ((E.mutual_information_from_labels, {"y": y}),
                            (E.conditional_mutual_information_from_labels, {"y": y, "z": z}),
                            (E.normalized_mutual_information, {"y": y})):
        want = E.permutation_test(estimator, x, *args.values(), n_permutations=20, seed=3)
        for got in (E.permutation_test(estimator, x, **args, n_permutations=20, seed=3),
                    E.permutation_test(estimator, x=x, **args, n_permutations=20, seed=3)):
            np.testing.assert_array_equal(to_np(got.null), to_np(want.null))
            assert value(got.pvalue) == value(want.pvalue)
    s, t = labels(backend, SOURCE, TARGET)
    want = E.permutation_test(E.transfer_entropy_from_labels, s, t, lag=2, n_permutations=10,
                              seed=0)
    got = E.permutation_test(E.transfer_entropy_from_labels, target=t, source=s, lag=2,
                             n_permutations=10, seed=0)
    np.testing.assert_array_equal(to_np(got.null), to_np(want.null))


def test_a_function_of_yours_by_keyword():
    def mine(a, b, *, k=3):
        return E.mutual_information_ksg(a, b, k=k)
    a = np.random.default_rng(0).normal(size=200)
    b = a + np.random.default_rng(1).normal(size=200)
    want = E.permutation_test(mine, a, b, n_permutations=10, seed=2)
    got = E.permutation_test(mine, b=b, a=a, k=3, n_permutations=10, seed=2)
    np.testing.assert_array_equal(got.null, want.null)


STRINGS = np.array(["apple", "kiwi", "fig", "plum", "pear"])


@pytest.mark.parametrize("estimator", [E.mutual_information_from_labels,
                                       E.normalized_mutual_information,
                                       E.conditional_mutual_information_from_labels])
def test_labels_of_any_kind(estimator):
    """String labels leaked NumPy's int() error though the estimator takes them: the null of
    string labels (an array or a list) is the null of their integer codes."""
    rest = [Y, np.stack([Z, W], 1)] if estimator is E.conditional_mutual_information_from_labels \
        else [Y]
    codes = np.unique(STRINGS[X], return_inverse=True)[1]
    want = E.permutation_test(estimator, codes, *rest, n_permutations=30, seed=5)
    for x in (STRINGS[X], list(STRINGS[X]), STRINGS[X].astype(object)):
        got = E.permutation_test(estimator, x, *rest, n_permutations=30, seed=5)
        np.testing.assert_allclose(got.null, want.null, rtol=1e-12)
        assert float(got.pvalue) == float(want.pvalue)
    strings_y = list(STRINGS[Y - 10])
    y_codes = np.unique(strings_y, return_inverse=True)[1]  # (the strings sort otherwise)
    want = E.permutation_test(estimator, codes, y_codes, *rest[1:], n_permutations=30, seed=5)
    got = E.permutation_test(estimator, STRINGS[X], strings_y, *rest[1:], n_permutations=30,
                             seed=5)
    np.testing.assert_allclose(got.null, want.null, rtol=1e-12)


def test_string_columns_of_a_multivariate_estimator():
    cols = np.stack([X, Y, W], 1)
    want = E.permutation_test(E.total_correlation_from_labels, cols, n_permutations=20, seed=1)
    got = E.permutation_test(E.total_correlation_from_labels, STRINGS[cols % 5].tolist(),
                             n_permutations=20, seed=1)
    np.testing.assert_allclose(got.null, want.null, rtol=1e-12)


def test_seed():
    a = E.permutation_test(E.mutual_information_from_labels, X, Y, n_permutations=20, seed=7)
    b = E.permutation_test(E.mutual_information_from_labels, X, Y, n_permutations=20,
                           seed=np.random.default_rng(7))
    np.testing.assert_array_equal(a.null, b.null)
    with pytest.raises(ValueError, match="permutation_test: seed must be >= 0, got -1"):
        E.permutation_test(E.mutual_information_from_labels, X, Y, seed=-1)
    with pytest.raises(TypeError, match="permutation_test: seed must be an int"):
        E.permutation_test(E.mutual_information_from_labels, X, Y, seed="0")


# --- estimators that return several values ---------------------------------------------------
def _batch(rng, n=300):
    x = rng.normal(size=(4, n, 1))
    y = rng.normal(size=(4, n, 1))
    y[0] += x[0]  # only the first pair depends
    return x, y


def test_a_vector_of_estimates_gets_a_vector_of_p_values(backend):
    """An estimator returning a vector (a batch of pairs) leaked NumPy's reshape error."""
    eager(backend)
    x, y = _batch(np.random.default_rng(3))
    r = E.permutation_test(E.mutual_information_gaussian, native(backend, x), native(backend, y),
                           n_permutations=99, seed=0)
    assert is_native(backend, r.pvalue)
    p, null, v = to_np(r.pvalue), to_np(r.null), to_np(r.value)
    assert p.shape == (4,) and null.shape == (99, 4)
    assert p[0] == pytest.approx(1 / 100) and (p[1:] > 0.05).all()
    np.testing.assert_allclose(p, (1 + (null >= v - 1e-12).sum(0)) / 100)
    # each batch member's null is the estimator on its own shuffled pair, one shuffle for all
    one = E.permutation_test(E.mutual_information_gaussian, native(backend, x[2]),
                             native(backend, y[2]), n_permutations=99, seed=0)
    np.testing.assert_allclose(null[:, 2], to_np(one.null), rtol=1e-10)


def test_max_statistic_correction(backend):
    eager(backend)
    x, y = _batch(np.random.default_rng(3))
    plain = E.permutation_test(E.mutual_information_gaussian, native(backend, x),
                               native(backend, y), n_permutations=99, seed=0)
    r = E.permutation_test(E.mutual_information_gaussian, native(backend, x), native(backend, y),
                           n_permutations=99, seed=0, correction="maxstat")
    null, v, p = to_np(r.null), to_np(r.value), to_np(r.pvalue)
    np.testing.assert_array_equal(null, to_np(plain.null))
    np.testing.assert_allclose(p, (1 + (null.max(1)[:, None] >= v - 1e-12).sum(0)) / 100)
    assert p[0] == pytest.approx(1 / 100)
    assert (p >= to_np(plain.pvalue)).all() and (p[1:] > to_np(plain.pvalue)[1:]).any()
    # one value: the correction changes nothing
    one = E.permutation_test(E.mutual_information_from_labels, X, Y, n_permutations=20, seed=0,
                             correction="maxstat")
    assert float(one.pvalue) == pytest.approx(1 / 21)


def test_o_information_of_multiplets_and_a_nan_value():
    rng = np.random.default_rng(4)
    data = np.concatenate([_redundant(rng, 500), rng.normal(size=(500, 2))], 1)  # 5 variables
    triplets = np.array(list(itertools.combinations(range(5), 3)))
    r = E.permutation_test(E.o_information_gaussian, data, multiplets=triplets,
                           n_permutations=49, seed=0, correction="maxstat")
    assert r.pvalue.shape == (10,) and r.null.shape == (49, 10)
    assert r.pvalue[0] == pytest.approx(1 / 50)  # (0, 1, 2): the redundant triplet
    data[3, 1] = np.nan
    r = E.permutation_test(E.o_information_gaussian, data[:, :3], n_permutations=9, seed=0)
    assert np.isnan(float(r.value)) and np.isnan(float(r.pvalue))


# --- time series: samples, blocks, trials ---------------------------------------------------
SOURCE = RNG.integers(0, 3, 2000)
TARGET = np.r_[0, 0, (SOURCE[:-2] + RNG.integers(0, 2, 1998)) % 3]  # lag 2


def _recorded(monkeypatch, spec_of):
    seen = []

    def mine(source, target):
        seen.append(np.array(source))
        return 0.0
    monkeypatch.setitem(permutation_module.VARIABLES, mine,
                        permutation_module.VARIABLES[spec_of])
    return mine, seen


def test_shuffles_of_a_time_series(monkeypatch):
    """What the estimator sees: "blocks" keeps runs of block_length consecutive samples (the
    last one shorter), "trials" keeps each trial whole, "samples" permutes time points (one
    permutation for every trial)."""
    mine, seen = _recorded(monkeypatch, E.transfer_entropy_from_labels)
    t = np.arange(95)
    E.permutation_test(mine, t, t, n_permutations=5, seed=0, shuffle="blocks", block_length=10)
    for s in seen[1:]:
        starts = s[np.r_[0, np.flatnonzero(np.diff(s) != 1) + 1]]
        assert set(starts) <= set(range(0, 95, 10)) and sorted(s) == list(t)
        assert not np.array_equal(s, t)
    seen.clear()
    E.permutation_test(mine, t, t, n_permutations=3, seed=0, shuffle="blocks")  # n / 10
    assert all(set(s[np.r_[0, np.flatnonzero(np.diff(s) != 1) + 1]]) <= set(range(0, 95, 10))
               for s in seen[1:])
    trials = np.arange(4 * 30).reshape(4, 30)
    seen.clear()
    E.permutation_test(mine, trials, trials, n_permutations=5, seed=0, shuffle="trials")
    for s in seen[1:]:
        assert sorted(s[:, 0] // 30) == [0, 1, 2, 3]
        np.testing.assert_array_equal(s - s[:, :1], trials - trials[:, :1])  # whole trials
    seen.clear()
    E.permutation_test(mine, trials, trials, n_permutations=5, seed=0)
    for s in seen[1:]:
        np.testing.assert_array_equal(s - s[:1], trials - trials[:1])  # one time permutation
        np.testing.assert_array_equal(np.sort(s, 1), trials)


@pytest.mark.parametrize("shuffle", ["samples", "blocks", "trials"])
def test_transfer_entropy_null(backend, shuffle):
    eager(backend)
    s, t = labels(backend, SOURCE.reshape(4, 500), TARGET.reshape(4, 500))
    r = E.permutation_test(E.transfer_entropy_from_labels, s, t, lag=2, shuffle=shuffle,
                           n_permutations=23, seed=0)
    assert value(r.pvalue) == pytest.approx(1 / 24)  # coupled: nothing shuffled comes near
    back = E.permutation_test(E.transfer_entropy_from_labels, t, s, lag=2, shuffle=shuffle,
                              n_permutations=23, seed=0)
    assert value(back.pvalue) > 0.05  # the other way: no transfer


def test_transfer_entropy_ksg_with_blocks():
    rng = np.random.default_rng(1)
    s = np.zeros(600)
    for i in range(1, 600):  # an autocorrelated source
        s[i] = 0.8 * s[i - 1] + rng.normal()
    y = np.r_[0.0, 0.5 * s[:-1]] + rng.normal(size=600)
    r = E.permutation_test(E.transfer_entropy_ksg, s, y, shuffle="blocks", block_length=30,
                           n_permutations=19, seed=0)
    assert float(r.pvalue) == pytest.approx(1 / 20)


# --- errors -------------------------------------------------------------------------------
@pytest.mark.parametrize("kwargs,kind,message", [
    ({"n_permutations": 0}, ValueError, "n_permutations must be a positive int, got 0"),
    ({"n_permutations": 10.0}, TypeError, "n_permutations must be a positive int"),
    ({"n_permutations": True}, TypeError, "n_permutations must be a positive int"),
    ({"shuffle": "time"}, ValueError, "shuffle must be one of"),
    ({"shuffle": "blocks", "block_length": 0}, ValueError, "block_length must be a positive"),
    ({"shuffle": "blocks", "block_length": 2.5}, TypeError, "block_length must be a positive"),
    ({"shuffle": "blocks", "block_length": N + 1}, ValueError,
     f"block_length must be at most the {N} samples of x"),
    ({"block_length": 10}, ValueError, "block_length is for shuffle='blocks'"),
    ({"shuffle": "trials"}, ValueError, "shuffle='trials' permutes the trials of (trials, time) "
     "series (transfer_entropy_from_labels, transfer_entropy_ksg); "
     "mutual_information_from_labels has no trials axis"),
    ({"correction": "bonferroni"}, ValueError, "correction must be None or 'maxstat'"),
    ({"correction": ["maxstat"]}, ValueError, "correction must be None or 'maxstat'"),
    ({"seed": -1}, ValueError, "seed must be >= 0"),
    ({"w": W}, TypeError, "the arguments do not fit mutual_information_from_labels"),
])
def test_errors_name_the_function_and_argument(kwargs, kind, message):
    with pytest.raises(kind, match=re.escape("permutation_test: " + message)):
        E.permutation_test(E.mutual_information_from_labels, X, Y, **kwargs)


def test_errors_of_the_estimator_and_the_data():
    with pytest.raises(TypeError, match="permutation_test: estimator must be a function"):
        E.permutation_test(None, X, Y)
    with pytest.raises(ValueError, match="permutation_test: entropy_from_labels estimates no "
                                         "dependence"):
        E.permutation_test(E.entropy_from_labels, X)
    with pytest.raises(ValueError, match="shuffle='trials' .* source has shape"):
        E.permutation_test(E.transfer_entropy_from_labels, SOURCE, TARGET, shuffle="trials")
    with pytest.raises(TypeError, match="permutation_test: mine needs the samples"):
        def mine(*a):
            return 0.0
        E.permutation_test(mine)
    with pytest.raises(ValueError, match="permutation_test: a has 1 samples on axis 0"):
        E.permutation_test(lambda a, b: 0.0, [1.0], [2.0])


def test_a_sample_axis_is_refused_not_ignored():
    """The null shuffles the declared sample axis; a sample_axis elsewhere was passed through
    and gave p = 0.1 for a strong effect (the wrong axis shuffled)."""
    x = np.random.default_rng(0).normal(size=(100, 3, 5, 1))
    with pytest.raises(ValueError, match=r"^permutation_test: sample_axis=0 is not supported"):
        E.permutation_test(E.mutual_information_gaussian, x, x, sample_axis=0,
                                  n_permutations=9)
    got = E.permutation_test(E.mutual_information_gaussian, x[0], x[0], sample_axis=-2,
                             n_permutations=9, seed=0)  # the declared axis itself is fine
    assert got.pvalue.shape == (3,) and (got.pvalue == 0.1).all()  # 3 batches of 5 samples
