"""The Gaussian estimators' special values (issue 29, item 7): NaN samples propagate through the
copula, and MI and O-information do not depend on the units of the data (1e-200 to 1e200), on
every backend, without host reads. Their sample axes (item 6): ``sample_axis`` against SciPy's
``rankdata`` and a float64 loop over the batch of the closed form, and a stimulus that
broadcasts over the batch axes of the data. (Their agreement with gcmi, hoi and the
definitions is in test_multivariate.py.)"""
import itertools
import math

import numpy as np
import pytest
from scipy import special, stats

import infotheory as it
from infotheory import estimate as E
from tests.conftest import is_native, native, to_np

RNG = np.random.default_rng(29)
N = 2000
A = RNG.normal(size=N)
B_ = 0.6 * A + 0.8 * RNG.normal(size=N)
DATA = np.stack([A, B_, A + B_ + RNG.normal(size=N), A - 0.5 * B_ + RNG.normal(size=N)], 1)
TRIPLETS = np.array(list(itertools.combinations(range(4), 3)))
# MNE-like epochs (trials, channels, times), a per-trial stimulus that channel 2 carries from
# time 4 on, channel 1 following channel 0 over time
TRIALS, CHANNELS, TIMES = 60, 3, 7
STIM = RNG.normal(size=TRIALS)
EPOCHS = RNG.normal(size=(TRIALS, CHANNELS, TIMES))
EPOCHS[:, 1] += 0.7 * EPOCHS[:, 0]
EPOCHS[:, 2, 4:] += STIM[:, None]


def _eager(backend):
    if backend == "dask":
        pytest.skip("the Gaussian estimators refuse lazy input (test_multivariate.py)")


def test_gaussian_copula_propagates_nan(backend):
    """gaussian_copula([1, nan, 3]) was [-0.674, 0.674, 0]: a NaN now makes its variable NaN,
    as SciPy's rankdata does; the other variables are ranked as before."""
    _eager(backend)
    assert np.isnan(to_np(E.gaussian_copula(native(backend, np.array([1.0, np.nan, 3.0]))))).all()
    x = DATA[:50].copy()
    x[7, 1] = np.nan
    got = to_np(E.gaussian_copula(native(backend, x)))
    want = stats.norm.ppf(stats.rankdata(x, axis=0) / (len(x) + 1))  # NaN in column 1
    assert np.isnan(want[:, 1]).all() and np.isnan(got[:, 1]).all()
    np.testing.assert_allclose(got, want, atol=1e-12)
    batched = np.stack([x, DATA[50:100]])  # (2, n, 4): only column 1 of the first set is NaN
    got = to_np(E.gaussian_copula(native(backend, batched)))
    assert np.isnan(got[0, :, 1]).all() and not np.isnan(np.delete(got[0], 1, 1)).any()
    assert not np.isnan(got[1]).any()


@pytest.mark.parametrize("scale", [1e200, 1e-200])
def test_gaussian_estimators_do_not_depend_on_scale(backend, scale):
    """mutual_information_gaussian of data scaled by 1e200 or 1e-200 was NaN (the covariance
    overflowed or vanished): the variables are standardized first."""
    _eager(backend)
    t = lambda a: native(backend, a)  # noqa: E731
    x, y = DATA[:, :2], DATA[:, 2:]
    calls = {
        "mi": lambda s: E.mutual_information_gaussian(t(s * x), t(s * y)),
        "mi_1d": lambda s: E.mutual_information_gaussian(t(s * A), t(s * B_)),
        "mi_batch": lambda s: E.mutual_information_gaussian(t(s * DATA.T[:, :, None]),
                                                            t(s * DATA.T[::-1, :, None])),
        "o": lambda s: E.o_information_gaussian(t(s * DATA)),
        "o_multiplets": lambda s: E.o_information_gaussian(t(s * DATA), multiplets=TRIPLETS),
        "mi_stimulus": lambda s: E.mutual_information_gaussian(t(s * EPOCHS[..., None]),
                                                               t(s * STIM), sample_axis=0),
        "o_sample_axis": lambda s: E.o_information_gaussian(t(s * np.moveaxis(EPOCHS, 1, -1)),
                                                            sample_axis=0),
    }
    for name, call in calls.items():
        want = to_np(call(1.0))
        got = to_np(call(scale))
        assert np.isfinite(got).all(), name
        np.testing.assert_allclose(got, want, rtol=1e-10, err_msg=name)
    # each variable on its own scale: the same too
    mixed = DATA * np.array([1e200, 1e-200, 1.0, 3e150])
    np.testing.assert_allclose(to_np(E.o_information_gaussian(t(mixed))),
                               to_np(E.o_information_gaussian(t(DATA))), rtol=1e-10)


@pytest.mark.parametrize("scale", [1.0, 1e200, 1e-200])
def test_mutual_information_gaussian_closed_form(scale):
    """Without the bias correction, the bivariate estimate is exactly -1/2 log(1 - r^2) of the
    samples' correlation r, at any scale."""
    r = np.corrcoef(A, B_)[0, 1]
    got = float(E.mutual_information_gaussian(scale * A, scale * B_, bias_correction=False,
                                              base=math.e))
    assert got == pytest.approx(-0.5 * math.log(1 - r * r), rel=1e-10)


@pytest.mark.parametrize("backend_name", ["torch", "tensorflow"])
def test_gaussian_estimators_read_nothing_on_the_host(backend_name, monkeypatch):
    from tests.conftest import require
    require(backend_name)
    t = lambda a: native(backend_name, a)  # noqa: E731
    calls = [lambda: E.gaussian_copula(t(DATA)),
             lambda: E.mutual_information_gaussian(t(DATA[:, :2]), t(1e200 * DATA[:, 2:])),
             lambda: E.o_information_gaussian(t(DATA)),
             lambda: E.o_information_gaussian(t(DATA), multiplets=TRIPLETS),
             # the sample axes: in place (-1, -2) and moved by a gather (0), and broadcasting
             lambda: E.gaussian_copula(t(EPOCHS), sample_axis=-1),
             lambda: E.gaussian_copula(t(EPOCHS), sample_axis=np.int64(0)),
             lambda: E.gaussian_copula(t(EPOCHS.transpose(0, 2, 1)), sample_axis=-2),
             lambda: E.mutual_information_gaussian(t(EPOCHS[..., None]), t(STIM),
                                                   sample_axis=0),
             lambda: E.mutual_information_gaussian(t(EPOCHS[:, 0]), t(EPOCHS[:, 1]),
                                                   sample_axis=-1),
             lambda: E.mutual_information_gaussian(t(np.moveaxis(EPOCHS, 0, -1)[..., None]),
                                                   t(STIM[:, None])),
             lambda: E.o_information_gaussian(t(np.moveaxis(EPOCHS, 1, -1)), sample_axis=0)]
    expected = [to_np(call()) for call in calls]
    B = it.backend_of(t(DATA))

    def forbidden(self, *args, **kwargs):
        raise AssertionError("a Gaussian estimator read a value on the host")
    monkeypatch.setattr(type(B), "item", forbidden)
    monkeypatch.setattr(type(B), "to_numpy", forbidden)
    from infotheory import _frontend
    monkeypatch.setattr(_frontend, "_PLANS", {})
    got = [call() for call in calls]
    monkeypatch.undo()
    for g, e in zip(got, expected):
        np.testing.assert_allclose(to_np(g), e, rtol=1e-12)


# --- sample axes (issue 29, item 6) -------------------------------------------------------------
def _bias(k, n):
    """The bias of the plug-in Gaussian entropy of k variables from n samples (nats): Ince et
    al. (2017, eq. 13), k (log 2 - log(n - 1)) / 2 + sum_{i=1..k} psi((n - i) / 2) / 2."""
    psi_terms = special.psi((n - np.arange(1, k + 1)) / 2).sum() / 2
    return k * (math.log(2) - math.log(n - 1)) / 2 + psi_terms


def _entropy_reference(x, bias_correction=True):
    """Gaussian entropy (nats) of samples x (n, k): 1/2 log det(2 pi e C) of np.cov, float64."""
    n, k = x.shape
    c = np.atleast_2d(np.cov(x.astype(np.float64), rowvar=False))
    h = 0.5 * (k * math.log(2 * math.pi * math.e) + math.log(np.linalg.det(c)))
    return h - _bias(k, n) if bias_correction else h


def _mi_reference(x, y, bias_correction=True):
    """MI (bits) of x (n, dx) and y (n, dy): 1/2 log(det Cx det Cy / det Cxy) of np.cov
    (-1/2 log(1 - rho^2) for two variables), and with the bias correction each entropy's bias
    removed (Ince et al. 2017)."""
    n, dx, dy = len(x), x.shape[1], y.shape[1]
    det = lambda a: np.linalg.det(np.atleast_2d(np.cov(a, rowvar=False)))  # noqa: E731
    mi = 0.5 * math.log(det(x) * det(y) / det(np.concatenate([x, y], 1)))
    if bias_correction:
        mi += _bias(dx + dy, n) - _bias(dx, n) - _bias(dy, n)
    return mi / math.log(2)


def _mi_loop(x, y, bias_correction=True):
    """The reference over a batch: x (..., n, dx), y (..., n, dy), the batches broadcast."""
    batch = np.broadcast_shapes(x.shape[:-2], y.shape[:-2])
    x = np.broadcast_to(x, batch + x.shape[-2:])
    y = np.broadcast_to(y, batch + y.shape[-2:])
    out = np.empty(batch)
    for i in np.ndindex(*batch):
        out[i] = _mi_reference(x[i], y[i], bias_correction)
    return out


def _o_reference(x):
    """O-information (bits) of x (n, k) by its definition, bias-corrected entropies."""
    k = x.shape[1]
    h = lambda idx: _entropy_reference(x[:, idx])  # noqa: E731
    every = list(range(k))
    o = (k - 2) * h(every) + sum(h([i]) - h([j for j in every if j != i]) for i in every)
    return o / math.log(2)


def _copula_reference(x, axis):
    """SciPy: ranks along ``axis`` to standard-normal quantiles."""
    return special.ndtri(stats.rankdata(x, axis=axis) / (x.shape[axis] + 1))


@pytest.mark.parametrize("axis", [-1, 0, 1, -2, -3, np.int64(-1), np.int64(0)])
def test_gaussian_copula_ranks_along_the_sample_axis(backend, axis):
    """gaussian_copula(x, sample_axis=a) ranks every series along a on its own, as SciPy's
    rankdata(x, axis=a) and ndtri(r / (n + 1)); native in, native out."""
    _eager(backend)
    got = E.gaussian_copula(native(backend, EPOCHS), sample_axis=axis)
    assert is_native(backend, got)
    np.testing.assert_allclose(to_np(got), _copula_reference(EPOCHS, int(axis)), atol=1e-12)


def test_large_arrays_are_moved_by_an_index_made_per_call(backend, monkeypatch):
    """Above the cached size the gather index is made per call: the same values."""
    _eager(backend)
    from infotheory.estimate import _layout
    monkeypatch.setattr(_layout, "_CACHED_INDEX", 0)
    np.testing.assert_allclose(to_np(E.gaussian_copula(native(backend, EPOCHS), sample_axis=0)),
                               _copula_reference(EPOCHS, 0), atol=1e-12)
    np.testing.assert_allclose(
        to_np(E.mutual_information_gaussian(native(backend, EPOCHS[..., None]),
                                            native(backend, STIM), sample_axis=0)),
        _mi_loop(np.moveaxis(EPOCHS, 0, -1)[..., None], STIM[:, None]), rtol=1e-9, atol=1e-12)


def test_gaussian_copula_default_layout_and_the_mne_example(backend):
    """The default is today's: ranks along axis -2 (an MNE (trials, channels, times) array is
    ranked over channels), a vector along its only axis; more than 16 variables take the
    gathered path. The issue's example: the MI of two channels over time in each trial, from
    the copula over time (sample_axis=-1), is the closed form on SciPy's copula over time, and
    is not the default's (which ranks over channels: 0.128 bits there, against 0.147)."""
    _eager(backend)
    t = lambda a: native(backend, a)  # noqa: E731
    np.testing.assert_allclose(to_np(E.gaussian_copula(t(EPOCHS))), _copula_reference(EPOCHS, -2),
                               atol=1e-12)
    wide = RNG.normal(size=(3, 25, 40))  # 40 > 16 variables on the last axis
    for axis in (None, -2, 1):
        np.testing.assert_allclose(to_np(E.gaussian_copula(t(wide), sample_axis=axis)),
                                   _copula_reference(wide, -2), atol=1e-12)
    for axis in (None, 0, -1):
        np.testing.assert_allclose(to_np(E.gaussian_copula(t(A[:30]), sample_axis=axis)),
                                   _copula_reference(A[:30], 0), atol=1e-12)
    epochs = RNG.normal(size=(4, 2, 300))
    epochs[:, 1] += 0.8 * epochs[:, 0] ** 3  # not Gaussian: the copula matters
    c = E.gaussian_copula(t(epochs), sample_axis=-1)
    got = to_np(E.mutual_information_gaussian(c[:, 0], c[:, 1], sample_axis=-1))
    ref = _copula_reference(epochs, -1)
    want = _mi_loop(ref[:, 0, :, None], ref[:, 1, :, None])
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-12)
    assert not np.allclose(to_np(E.gaussian_copula(t(epochs))), ref)  # over the channels


def test_gaussian_copula_nan_stays_in_its_series(backend):
    _eager(backend)
    x = EPOCHS.copy()
    x[5, 1, 3] = np.nan
    for axis in (0, -1, -2):
        got = to_np(E.gaussian_copula(native(backend, x), sample_axis=axis))
        want = _copula_reference(x, axis)
        assert np.array_equal(np.isnan(got), np.isnan(want)), axis
        assert np.isnan(got).sum() == x.shape[axis]
        np.testing.assert_allclose(got, want, atol=1e-12)


@pytest.mark.parametrize("bias_correction", [True, False])
def test_mutual_information_gaussian_broadcasts_a_stimulus(backend, bias_correction):
    """A (n, 1) stimulus against (channels, times, n, 1) data was refused ('the same batch'):
    y's batch axes broadcast against x's, one stimulus for every channel and time. Every layout
    of the same samples gives the float64 loop over the batch of the closed form."""
    _eager(backend)
    t = lambda a: native(backend, a)  # noqa: E731
    mi = lambda *a, **k: E.mutual_information_gaussian(  # noqa: E731
        *a, bias_correction=bias_correction, **k)
    data = np.moveaxis(EPOCHS, 0, -1)[..., None]  # (channels, times, trials, 1)
    want = _mi_loop(data, STIM[:, None], bias_correction)  # (channels, times)
    assert want[2, 4:].min() > 0.2 > np.abs(want[:2]).max()  # the reference sees the code
    cases = {
        "(C, T, n, 1), (n, 1)": mi(t(data), t(STIM[:, None])),
        "(C, T, n, 1), (n,)": mi(t(data), t(STIM)),
        "(n,), (C, T, n, 1)": mi(t(STIM), t(data)),
        "sample_axis=0: (n, C, T, 1), (n,)": mi(t(EPOCHS[..., None]), t(STIM), sample_axis=0),
        "sample_axis=0: (n, C, T, 1), (n, 1, 1)": mi(t(EPOCHS[..., None]),
                                                     t(STIM[:, None, None]), sample_axis=0),
        "sample_axis=-1: (C, T, n), (n,)": mi(t(data[..., 0]), t(STIM), sample_axis=-1),
        "sample_axis=int64(2): (C, T, n), (1, 1, n)": mi(t(data[..., 0]), t(STIM[None, None]),
                                                         sample_axis=np.int64(2)),
    }
    for name, got in cases.items():
        assert is_native(backend, got), name
        np.testing.assert_allclose(to_np(got), want, rtol=1e-9, atol=1e-12, err_msg=name)
    # a stimulus per time (T, n, 1) against (C, T, n, 1); two variables of x against one
    per_time = STIM + RNG.normal(size=(TIMES, TRIALS))  # (T, n)
    np.testing.assert_allclose(to_np(mi(t(data), t(per_time[..., None]))),
                               _mi_loop(data, per_time[..., None], bias_correction),
                               rtol=1e-9, atol=1e-12)
    pair = np.moveaxis(EPOCHS[:, [0, 2]], 1, -1)  # (trials, times, 2 channels)
    np.testing.assert_allclose(
        to_np(mi(t(pair), t(STIM[:, None, None]), sample_axis=0)),
        _mi_loop(np.moveaxis(pair, 0, -2), STIM[:, None], bias_correction),
        rtol=1e-9, atol=1e-12)
    # over time within each trial: (trials, times) pairs, the samples last
    np.testing.assert_allclose(
        to_np(mi(t(EPOCHS[:, 0]), t(EPOCHS[:, 1]), sample_axis=-1)),
        _mi_loop(EPOCHS[:, 0, :, None], EPOCHS[:, 1, :, None], bias_correction),
        rtol=1e-9, atol=1e-12)


def test_mutual_information_gaussian_nan_reaches_what_it_broadcasts_to(backend):
    _eager(backend)
    t = lambda a: native(backend, a)  # noqa: E731
    x = EPOCHS.copy()
    x[5, 1, 3] = np.nan
    got = to_np(E.mutual_information_gaussian(t(x[..., None]), t(STIM), sample_axis=0))
    assert np.isnan(got[1, 3]) and np.isnan(got).sum() == 1
    stim = STIM.copy()
    stim[0] = np.nan
    assert np.isnan(to_np(E.mutual_information_gaussian(t(EPOCHS[..., None]), t(stim),
                                                        sample_axis=0))).all()


def test_o_information_gaussian_sample_axis(backend):
    """The O-information of the channels at each time, over trials (sample_axis=0 of a
    (trials, times, channels) array) is the loop of the definition over the times."""
    _eager(backend)
    x = np.moveaxis(EPOCHS, 1, -1)  # (trials, times, channels)
    want = [_o_reference(x[:, i]) for i in range(TIMES)]
    for axis in (0, -3, np.int64(0)):
        got = E.o_information_gaussian(native(backend, x), sample_axis=axis)
        assert is_native(backend, got)
        np.testing.assert_allclose(to_np(got), want, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(  # the default layout, (times, trials, channels)
        to_np(E.o_information_gaussian(native(backend, x.transpose(1, 0, 2)), sample_axis=-2)),
        want, rtol=1e-9, atol=1e-12)


_SAMPLE_AXIS_CALLS = {
    "gaussian_copula": lambda a: E.gaussian_copula(EPOCHS, sample_axis=a),
    "mutual_information_gaussian": lambda a: E.mutual_information_gaussian(
        EPOCHS, EPOCHS, sample_axis=a),
    "o_information_gaussian": lambda a: E.o_information_gaussian(EPOCHS, sample_axis=a),
}


@pytest.mark.parametrize("bad,kind", [(3, ValueError), (-4, ValueError), (True, TypeError),
                                      (np.bool_(False), TypeError), (1.0, TypeError),
                                      ("0", TypeError), ((0,), TypeError)])
@pytest.mark.parametrize("name", sorted(_SAMPLE_AXIS_CALLS))
def test_a_bad_sample_axis_is_our_error(name, bad, kind):
    with pytest.raises(kind, match=rf"^{name}: sample_axis "):
        _SAMPLE_AXIS_CALLS[name](bad)


def test_gaussian_shape_errors_are_ours():
    mi = E.mutual_information_gaussian
    fn = "^mutual_information_gaussian: "
    data = np.moveaxis(EPOCHS, 0, -1)[..., None]  # (channels, times, trials, 1)
    with pytest.raises(ValueError, match=fn + r"the batch shapes of x \(3, 7\) and y \(4,\)"):
        mi(data, np.zeros((4, TRIALS, 1)))
    with pytest.raises(ValueError, match=fn + "x and y must hold the same samples"):
        mi(data, STIM[:-1])
    with pytest.raises(ValueError,
                       match=fn + r"sample_axis -2 is out of range for y .*y\[:, None\]"):
        mi(data, STIM, sample_axis=-2)
    with pytest.raises(ValueError, match=fn + "x has 8 samples of 8 variables.*x\\[..., None\\]"):
        mi(EPOCHS[:8], STIM[:8], sample_axis=0)  # 7 times as variables, and the stimulus
    fn = "^o_information_gaussian: "
    with pytest.raises(ValueError, match=fn + "x must hold samples of at least two variables"):
        E.o_information_gaussian(EPOCHS, sample_axis=-1)
    with pytest.raises(ValueError, match=fn + "with multiplets, x must be one data set"):
        E.o_information_gaussian(DATA.T, sample_axis=-1, multiplets=TRIPLETS)
    with pytest.raises(ValueError, match=fn + "with multiplets, x must be one data set"):
        E.o_information_gaussian(EPOCHS, multiplets=TRIPLETS)
