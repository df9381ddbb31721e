"""The Gaussian estimators' special values (issue 29, item 7): NaN samples propagate through the
copula, and MI and O-information do not depend on the units of the data (1e-200 to 1e200), on
every backend, without host reads. (Their agreement with gcmi, hoi and the definitions is in
test_multivariate.py.)"""
import itertools
import math

import numpy as np
import pytest
from scipy import stats

import infotheory as it
from infotheory import estimate as E
from tests.conftest import native, to_np

RNG = np.random.default_rng(29)
N = 2000
A = RNG.normal(size=N)
B_ = 0.6 * A + 0.8 * RNG.normal(size=N)
DATA = np.stack([A, B_, A + B_ + RNG.normal(size=N), A - 0.5 * B_ + RNG.normal(size=N)], 1)
TRIPLETS = np.array(list(itertools.combinations(range(4), 3)))


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
             lambda: E.o_information_gaussian(t(DATA), multiplets=TRIPLETS)]
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
