"""Neural MI bounds: values against SciPy logsumexp formulas and closed forms, gradients on
every autograd backend against central differences, InfoNCE against torch's own fused
cross-entropy (value and gradient)."""
import math

import numpy as np
import pytest
from scipy.special import logsumexp, log_softmax

from infotheory.estimate import donsker_varadhan, infonce, nwj
from tests.conftest import native, require, to_np
from tests.gradients import numeric_grads, value_and_grads

RNG = np.random.default_rng(3)
S = RNG.normal(size=(3, 6, 6)) * 2.0


def ref_infonce(s):
    n = s.shape[-1]
    return math.log(n) + np.diagonal(log_softmax(s, -1), axis1=-2, axis2=-1).mean(-1)


def _off(s):
    n = s.shape[-1]
    return s[..., ~np.eye(n, dtype=bool)]


def ref_nwj(s):
    return np.diagonal(s, axis1=-2, axis2=-1).mean(-1) - np.exp(_off(s) - 1.0).mean(-1)


def ref_dv(s):
    n = s.shape[-1]
    return np.diagonal(s, axis1=-2, axis2=-1).mean(-1) - (logsumexp(_off(s), -1)
                                                          - math.log(n * (n - 1)))


BOUNDS = [(infonce, ref_infonce), (nwj, ref_nwj), (donsker_varadhan, ref_dv)]


@pytest.mark.parametrize("bound, ref", BOUNDS)
def test_values_match_reference(backend, bound, ref):
    got = to_np(bound(native(backend, S), base=math.e))
    np.testing.assert_allclose(got, ref(S), rtol=1e-12)
    np.testing.assert_allclose(to_np(bound(native(backend, S))), ref(S) / math.log(2),
                               rtol=1e-12)


def test_closed_forms():
    n, c = 8, 3.0
    s = np.eye(n) * c
    assert float(infonce(s, base=math.e)) == pytest.approx(math.log(n) + c - math.log(math.exp(c) + n - 1))
    assert float(donsker_varadhan(s, base=math.e)) == pytest.approx(c)
    assert float(nwj(s, base=math.e)) == pytest.approx(c - math.exp(-1))
    # a constant critic (independent variables): every bound is 0 (NWJ at its optimum 1)
    for bound in (infonce, donsker_varadhan):
        assert float(bound(np.full((5, 5), 0.3))) == pytest.approx(0.0, abs=1e-15)
    assert float(nwj(np.ones((5, 5)))) == pytest.approx(0.0, abs=1e-15)
    # InfoNCE never exceeds log N
    assert float(infonce(np.eye(n) * 1e4)) == pytest.approx(math.log2(n))


def test_dv_is_finite_for_large_scores():
    s = np.eye(4) * 1000.0 + 800.0
    assert float(donsker_varadhan(s, base=math.e)) == pytest.approx(1000.0)


@pytest.mark.parametrize("bound, ref", BOUNDS)
def test_gradients_match_finite_differences(autograd_backend, bound, ref):
    s = S[0]
    _, (g,) = value_and_grads(autograd_backend, lambda t: bound(t, base=math.e), [s], [0])
    (want,) = numeric_grads(ref, [s], [0])
    np.testing.assert_allclose(g, want, rtol=1e-6, atol=1e-8)


def test_infonce_is_log_n_minus_torch_cross_entropy():
    torch = require("torch")
    s = torch.tensor(S, requires_grad=True)
    ours = infonce(s, base=math.e)
    labels = torch.arange(6).repeat(3)
    theirs = math.log(6) - torch.nn.functional.cross_entropy(
        s.reshape(-1, 6), labels, reduction="none").reshape(3, 6).mean(-1)
    torch.testing.assert_close(ours, theirs, rtol=1e-12, atol=1e-12)
    g1, = torch.autograd.grad(ours.sum(), s)
    g2, = torch.autograd.grad(theirs.sum(), s)
    torch.testing.assert_close(g1, g2, rtol=1e-12, atol=1e-12)


def test_errors(backend):
    with pytest.raises(ValueError, match="square"):
        infonce(native(backend, np.zeros((3, 4))))
    with pytest.raises(ValueError, match="N >= 2"):
        nwj(native(backend, np.zeros((1, 1))))
    with pytest.raises(ValueError, match="at least 2 dimension"):
        donsker_varadhan(native(backend, np.zeros(3)))
