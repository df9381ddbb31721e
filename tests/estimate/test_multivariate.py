"""infotheory.estimate beyond pairs (conditional MI, transfer entropy, total correlation,
O-information from labels and samples, the Gaussian-copula estimators) on every backend,
against independent references: pyitlib, dit, infomeasure, ennemi, hoi where they install,
plain transcriptions of the published formulas (gcmi's ``ent_g``) and closed forms. (The
permutation tests are in test_permutation.py.)"""
import itertools
import math

import numpy as np
import pytest
from scipy import special, stats

from infotheory import estimate as E
from tests.conftest import is_native, native, to_np

RNG = np.random.default_rng(11)
N = 3000
X = RNG.integers(0, 4, N)
Z = RNG.integers(-2, 1, N)  # any integers
Y = (X + Z + RNG.integers(0, 2, N)) % 5 + 10
W = (Y + RNG.integers(0, 3, N)) % 3


def labels(backend, *arrays):
    return [native(backend, np.asarray(a)) for a in arrays]


def value(x) -> float:
    return float(np.asarray(to_np(x)).reshape(()))


def h(*columns) -> float:
    """Plug-in joint entropy (nats) of label columns, by counting tuples in Python."""
    counts = {}
    for row in zip(*columns):
        counts[row] = counts.get(row, 0) + 1
    n = len(columns[0])
    return -sum(c / n * math.log(c / n) for c in counts.values())


def mm(*columns) -> float:
    """Miller-Madow joint entropy (nats): plug-in + (m - 1) / (2 N)."""
    return h(*columns) + (len(set(zip(*columns))) - 1) / (2 * len(columns[0]))


# --- conditional mutual information from labels ------------------------------------------------
def test_cmi_from_labels_matches_pyitlib(backend):
    from pyitlib import discrete_random_variable as drv
    got = value(E.conditional_mutual_information_from_labels(*labels(backend, X, Y, Z)))
    # (pyitlib reads -1 as a missing value: its labels shifted to 0..2, the same partition)
    assert got == pytest.approx(drv.information_mutual_conditional(X, Y, Z + 2), abs=1e-12)
    r = E.conditional_mutual_information_from_labels(*labels(backend, X, Y, Z), base=math.e)
    assert is_native(backend, r)
    want = h(X, Z) + h(Y, Z) - h(X, Y, Z) - h(Z)
    assert value(r) == pytest.approx(want, abs=1e-12)


def test_cmi_miller_madow_and_several_conditions(backend):
    zs = np.stack([Z, W], 1)
    got = value(E.conditional_mutual_information_from_labels(
        *labels(backend, X, Y, zs), method="miller_madow", base=math.e))
    want = mm(X, Z, W) + mm(Y, Z, W) - mm(X, Y, Z, W) - mm(Z, W)
    assert got == pytest.approx(want, abs=1e-12)


def test_cmi_of_xor_is_one_bit_where_mi_is_zero():
    x = np.array([0, 0, 1, 1] * 8)
    y = np.array([0, 1, 0, 1] * 8)
    assert float(E.conditional_mutual_information_from_labels(x, y, x ^ y)) == pytest.approx(1.0)
    assert float(E.mutual_information_from_labels(x, y)) == pytest.approx(0.0, abs=1e-15)


def test_cmi_errors_name_the_argument():
    with pytest.raises(ValueError, match="same number of samples"):
        E.conditional_mutual_information_from_labels(X, Y, Z[:-1])
    with pytest.raises(ValueError, match="z must be"):
        E.conditional_mutual_information_from_labels(X, Y, Z.reshape(-1, 1, 1))
    with pytest.raises(TypeError, match="x"):
        E.conditional_mutual_information_from_labels(X + 0.5, Y, Z)
    with pytest.raises(ValueError, match="method"):
        E.conditional_mutual_information_from_labels(X, Y, Z, method="chao_shen")


# --- transfer entropy from labels ----------------------------------------------------------------
def _te_definition(s, y, k, l, lag):
    """I(Y_t; S_{t-lag..t-lag-l+1} | Y_{t-1..t-k}) by the plug-in entropies of tuples."""
    start = max(k, lag + l - 1)
    t = np.arange(start, len(y))
    yt = [y[t]]
    sp = [s[t - lag - i] for i in range(l)]
    yp = [y[t - i] for i in range(1, k + 1)]
    return (h(*yt, *yp) + h(*sp, *yp) - h(*yt, *sp, *yp) - h(*yp)) / math.log(2)


SOURCE = RNG.integers(0, 3, 2000)
TARGET = np.r_[0, 0, (SOURCE[:-2] + RNG.integers(0, 2, 1998)) % 3]  # lag 2


@pytest.mark.parametrize("k,l,lag", [(1, 1, 1), (1, 1, 2), (2, 1, 2), (1, 2, 1), (3, 2, 1)])
def test_transfer_entropy_matches_definition(backend, k, l, lag):
    got = E.transfer_entropy_from_labels(*labels(backend, SOURCE, TARGET), history=k,
                                         source_history=l, lag=lag)
    assert is_native(backend, got)
    assert value(got) == pytest.approx(_te_definition(SOURCE, TARGET, k, l, lag), abs=1e-12)


# infomeasure's first embedded sample is t = max(k, l) + lag - 1, ours (IDTxl's) max(k, lag + l - 1):
# they count the same samples where k <= l
@pytest.mark.parametrize("k,l,lag", [(1, 1, 1), (1, 1, 2), (1, 2, 1), (1, 2, 2), (2, 2, 3)])
def test_transfer_entropy_matches_infomeasure(k, l, lag):
    im = pytest.importorskip("infomeasure")
    want = im.transfer_entropy(SOURCE, TARGET, approach="discrete", src_hist_len=l,
                               dest_hist_len=k, prop_time=lag - 1, base=2)
    got = float(E.transfer_entropy_from_labels(SOURCE, TARGET, history=k, source_history=l,
                                               lag=lag))
    assert got == pytest.approx(want, abs=1e-12)


def test_transfer_entropy_is_directed_and_pools_trials():
    forward = float(E.transfer_entropy_from_labels(SOURCE, TARGET, lag=2))
    backward = float(E.transfer_entropy_from_labels(TARGET, SOURCE, lag=2))
    assert forward > 0.5 and backward < 0.01
    trials_s, trials_y = SOURCE.reshape(4, 500), TARGET.reshape(4, 500)
    got = float(E.transfer_entropy_from_labels(trials_s, trials_y, lag=2))
    # pooled: the embedded samples of each trial, counted together
    t = np.arange(2, 500)
    cols = [np.concatenate([y[t] for y in trials_y]), np.concatenate([s[t - 2] for s in trials_s]),
            np.concatenate([y[t - 1] for y in trials_y])]
    want = (h(cols[0], cols[2]) + h(cols[1], cols[2]) - h(*cols) - h(cols[2])) / math.log(2)
    assert got == pytest.approx(want, abs=1e-12)


def test_transfer_entropy_errors():
    with pytest.raises(ValueError, match="history must be a positive int"):
        E.transfer_entropy_from_labels(SOURCE, TARGET, history=0)
    with pytest.raises(ValueError, match="one shape"):
        E.transfer_entropy_from_labels(SOURCE, TARGET[:-1])
    with pytest.raises(ValueError, match="need more than 3"):
        E.transfer_entropy_from_labels(SOURCE[:3], TARGET[:3], lag=3)


# --- total correlation and O-information from labels ----------------------------------------
COLUMNS = np.stack([X, Y, Z, W], 1)


def test_total_correlation_matches_pyitlib(backend):
    from pyitlib import discrete_random_variable as drv
    got = value(E.total_correlation_from_labels(native(backend, COLUMNS)))
    assert got == pytest.approx(drv.information_multi((COLUMNS - COLUMNS.min(0)).T), abs=1e-11)


def test_o_information_from_labels_matches_dit_and_definition(backend):
    cols = [COLUMNS[:, j] for j in range(4)]
    every = h(*cols)
    tc = sum(h(c) for c in cols) - every
    dtc = every - sum(every - h(*[d for j, d in enumerate(cols) if j != i]) for i in range(4))
    got = value(E.o_information_from_labels(native(backend, COLUMNS), base=math.e))
    assert got == pytest.approx(tc - dtc, abs=1e-12)
    dit = pytest.importorskip("dit")
    from dit.multivariate import o_information
    outcomes, counts = np.unique(COLUMNS, axis=0, return_counts=True)
    d = dit.Distribution([tuple(o) for o in outcomes], counts / counts.sum())
    assert value(E.o_information_from_labels(native(backend, COLUMNS))) == pytest.approx(
        o_information(d), abs=1e-10)


def test_o_information_closed_forms():
    bits = np.array([0, 1] * 8)
    copies = np.stack([bits] * 3, 1)
    xor = np.array([[a, b, a ^ b] for a in (0, 1) for b in (0, 1)] * 4)
    assert float(E.total_correlation_from_labels(copies)) == pytest.approx(2.0)
    assert float(E.o_information_from_labels(copies)) == pytest.approx(1.0)  # redundancy
    assert float(E.o_information_from_labels(xor)) == pytest.approx(-1.0)  # synergy
    mm_value = float(E.total_correlation_from_labels(copies, method="miller_madow",
                                                     base=math.e))
    assert mm_value == pytest.approx(2 * math.log(2) + 3 / (2 * 16) - 1 / (2 * 16))


def test_multivariate_label_estimators_on_dask_count_chunk_by_chunk():
    da = pytest.importorskip("dask.array")
    x, y, z = (da.from_array(a, chunks=700) for a in (X, Y, Z))
    cmi = E.conditional_mutual_information_from_labels(x, y, z)
    assert isinstance(cmi, da.Array)
    want = float(E.conditional_mutual_information_from_labels(X, Y, Z))
    assert float(cmi.compute()) == pytest.approx(want, abs=1e-12)
    cols = da.from_array(COLUMNS, chunks=(700, 4))
    assert float(E.o_information_from_labels(cols).compute()) == pytest.approx(
        float(E.o_information_from_labels(COLUMNS)), abs=1e-12)
    assert float(E.transfer_entropy_from_labels(da.from_array(SOURCE, chunks=600),
                                                da.from_array(TARGET, chunks=600),
                                                lag=2).compute()) == pytest.approx(
        _te_definition(SOURCE, TARGET, 1, 1, 2), abs=1e-12)


# --- KSG conditional MI and transfer entropy ------------------------------------------------
G = np.random.default_rng(3)
GZ = G.normal(size=1500)
GX = GZ + G.normal(size=1500)
GY = GZ + 0.5 * GX + G.normal(size=1500)


def test_cmi_ksg_matches_ennemi(backend):
    if backend == "dask":
        pytest.skip("the k-NN estimators refuse lazy input (tested below)")
    ennemi = pytest.importorskip("ennemi")
    want = float(ennemi.estimate_mi(GY, GX, cond=GZ, k=3, normalize=False)[0, 0])
    got = E.conditional_mutual_information_ksg(native(backend, GX), native(backend, GY),
                                               native(backend, GZ), base=math.e)
    assert is_native(backend, got)
    assert value(got) == pytest.approx(want, abs=2e-6)  # ennemi rounds its distances to float32


def test_cmi_ksg_tracks_the_gaussian_closed_form():
    # given z, y = 0.5 x + noise with var(x | z) = 1: I = 1/2 log(1 + 0.25) nats
    rng = np.random.default_rng(0)
    z = rng.normal(size=20000)
    x = z + rng.normal(size=20000)
    y = z + 0.5 * x + rng.normal(size=20000)
    got = float(E.conditional_mutual_information_ksg(x, y, z, base=math.e))
    assert got == pytest.approx(0.5 * math.log(1.25), abs=0.02)
    # independent given z: about 0 (and the unconditioned MI is not)
    y2 = z + rng.normal(size=20000)
    assert abs(float(E.conditional_mutual_information_ksg(x, y2, z))) < 0.02
    assert float(E.mutual_information_ksg(x, y2)) > 0.2


def test_cmi_ksg_does_not_depend_on_units():
    a = float(E.conditional_mutual_information_ksg(GX, GY, GZ))
    b = float(E.conditional_mutual_information_ksg(1000 * GX, GY / 1e6, 3e4 * GZ))
    assert a == pytest.approx(b, abs=1e-12)


def test_transfer_entropy_ksg_of_a_linear_gaussian_process(backend):
    if backend == "dask":
        with pytest.raises(NotImplementedError, match="compute"):
            E.transfer_entropy_ksg(native(backend, GX), native(backend, GY))
        return
    rng = np.random.default_rng(1)
    s = rng.normal(size=6001)
    y = np.r_[0.0, 0.8 * s[:-1]] + 0.6 * rng.normal(size=6001)
    got = E.transfer_entropy_ksg(native(backend, s), native(backend, y))
    assert is_native(backend, got)
    assert value(got) == pytest.approx(-0.5 * math.log2(1 - 0.64), abs=0.04)
    # the conditional KSG of the embedded columns, each series on one scale, by brute force
    from infotheory.testing.cases import _frenzel_pompe
    s, y = s[:400], y[:400]
    got = E.transfer_entropy_ksg(native(backend, s), native(backend, y), base=math.e)
    want = _frenzel_pompe(y[1:] / y.std(), s[:-1] / s.std(), y[:-1] / y.std(), 4)
    assert value(got) == pytest.approx(want, abs=1e-12)
    got = E.transfer_entropy_ksg(native(backend, s), native(backend, y), history=2, lag=2,
                                 base=math.e, standardize=False)
    # two target-past columns: as the conditional estimator on the embedded columns
    want = float(E.conditional_mutual_information_ksg(
        y[2:], s[:-2], np.stack([y[1:-1], y[:-2]], 1), k=4, standardize=False, base=math.e))
    assert value(got) == pytest.approx(want, abs=1e-12)


# --- Gaussian and Gaussian-copula estimators ------------------------------------------------
def ent_g(x, bias_correction=True):
    """gcmi's ent_g (Ince et al. 2017), transcribed: x is (k, n); nats."""
    k, n = x.shape
    x = x - x.mean(1, keepdims=True)
    c = x @ x.T / (n - 1)
    hx = np.log(np.diag(np.linalg.cholesky(c))).sum() + 0.5 * k * (math.log(2 * math.pi) + 1)
    if bias_correction:
        psiterms = special.psi((n - np.arange(1, k + 1)) / 2.0) / 2.0
        hx = hx - k * (math.log(2) - math.log(n - 1)) / 2.0 - psiterms.sum()
    return hx


MV = np.random.default_rng(5).normal(size=(400, 4)) @ np.array(
    [[1.0, 0.5, 0.0, 0.2], [0.0, 1.0, 0.3, 0.0], [0.0, 0.0, 1.0, 0.7], [0.0, 0.0, 0.0, 1.0]])


def test_gaussian_copula_matches_scipy(backend):
    if backend == "dask":
        pytest.skip("refused for lazy input (test below)")
    got = to_np(E.gaussian_copula(native(backend, MV)))
    want = stats.norm.ppf(stats.rankdata(MV, axis=0) / (len(MV) + 1))
    np.testing.assert_allclose(got, want, atol=1e-12)
    np.testing.assert_allclose(to_np(E.gaussian_copula(native(backend, MV[:, 0]))), want[:, 0],
                               atol=1e-12)


@pytest.mark.parametrize("bias_correction", [True, False])
def test_mutual_information_gaussian_matches_gcmi(backend, bias_correction):
    if backend == "dask":
        pytest.skip("refused for lazy input (test below)")
    x, y = MV[:, :2], MV[:, 2:]
    got = E.mutual_information_gaussian(native(backend, x), native(backend, y), base=math.e,
                                        bias_correction=bias_correction)
    assert is_native(backend, got)
    want = (ent_g(x.T, bias_correction) + ent_g(y.T, bias_correction)
            - ent_g(MV.T, bias_correction))
    assert value(got) == pytest.approx(want, abs=1e-10)


def test_mutual_information_gaussian_closed_form_and_batch():
    rng = np.random.default_rng(2)
    rho = np.array([0.0, 0.3, 0.6, 0.9])
    x = rng.normal(size=(4, 20000))
    y = rho[:, None] * x + np.sqrt(1 - rho[:, None] ** 2) * rng.normal(size=(4, 20000))
    got = E.mutual_information_gaussian(x[..., None], y[..., None])
    assert got.shape == (4,)
    np.testing.assert_allclose(got, -0.5 * np.log2(1 - rho ** 2), atol=0.02)


def _o_definition(x, bias_correction=True):
    k = x.shape[1]
    every = ent_g(x.T, bias_correction)
    out = (k - 2) * every
    for i in range(k):
        rest = [j for j in range(k) if j != i]
        out += ent_g(x[:, [i]].T, bias_correction) - ent_g(x[:, rest].T, bias_correction)
    return out / math.log(2)


def test_o_information_gaussian_matches_definition_batched(backend):
    if backend == "dask":
        with pytest.raises(NotImplementedError, match="compute"):
            E.o_information_gaussian(native(backend, MV))
        return
    got = E.o_information_gaussian(native(backend, MV))
    assert is_native(backend, got)
    assert value(got) == pytest.approx(_o_definition(MV), abs=1e-10)
    triplets = np.array(list(itertools.combinations(range(4), 3)))
    stacked = np.stack([MV[:, t] for t in triplets])  # (4, n, 3)
    want = [_o_definition(MV[:, t]) for t in triplets]
    np.testing.assert_allclose(to_np(E.o_information_gaussian(native(backend, stacked))), want,
                               atol=1e-10)
    np.testing.assert_allclose(
        to_np(E.o_information_gaussian(native(backend, MV), multiplets=triplets)), want,
        atol=1e-10)


def test_o_information_gaussian_signs_and_errors():
    rng = np.random.default_rng(4)
    z = rng.normal(size=(5000, 1))
    redundant = z + 0.5 * rng.normal(size=(5000, 3))
    a, b = rng.normal(size=(2, 5000))
    synergistic = np.stack([a, b, a + b + 0.1 * rng.normal(size=5000)], 1)
    assert float(E.o_information_gaussian(redundant)) > 0.5
    assert float(E.o_information_gaussian(synergistic)) < -0.5
    assert float(E.o_information_gaussian(MV[:, :2])) == pytest.approx(0.0, abs=1e-12)
    with pytest.raises(ValueError, match="distinct"):
        E.o_information_gaussian(MV, multiplets=[[0, 0, 1]])
    with pytest.raises(ValueError, match="index variables 0..3"):
        E.o_information_gaussian(MV, multiplets=[[0, 1, 4]])
    with pytest.raises(ValueError, match="at least two variables"):
        E.o_information_gaussian(MV[:, 0])
    with pytest.raises(ValueError, match="needs at least"):
        E.o_information_gaussian(MV[:4])


def test_o_information_gaussian_matches_hoi():
    pytest.importorskip("hoi")
    from hoi.metrics import Oinfo
    rng = np.random.default_rng(6)
    d = rng.normal(size=(3000, 5))
    d[:, 1] += d[:, 0]
    d[:, 2] += d[:, 0] + d[:, 1]
    d[:, 4] = d[:, 3] + d[:, 2] + 0.5 * d[:, 4]
    want = np.asarray(Oinfo(d, verbose=False).fit(minsize=3, maxsize=3, method="gc"))[:, 0]
    triplets = np.array(list(itertools.combinations(range(5), 3)))
    got = E.o_information_gaussian(E.gaussian_copula(d), multiplets=triplets)
    np.testing.assert_allclose(got, want, atol=2e-4, rtol=1e-4)  # hoi computes in float32
