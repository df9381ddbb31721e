"""Predictive entropy, expected entropy and BALD on every backend, against float64 NumPy
references written from the definitions (log of the mean of softmax, in float64), and torch's
own `torch.special.entr`/`logsumexp` formulation for gradients."""
import math

import numpy as np
import pytest

import infotheory as it
from tests.conftest import native, require, to_np
from tests.gradients import value_and_grads

FUNCS = {"predictive_entropy": it.predictive_entropy, "expected_entropy": it.expected_entropy,
         "bald": it.bald}


def _softmax(z, axis=-1):
    e = np.exp(z - z.max(axis, keepdims=True))
    return e / e.sum(axis, keepdims=True)


def _reference(p, sample_axis=0):
    """Definitions in float64: H[mean], mean of H, and their difference (nats)."""
    p = np.moveaxis(p, sample_axis, 0)

    def h(q):
        with np.errstate(divide="ignore", invalid="ignore"):
            return -np.where(q > 0, q * np.log(q), 0.0).sum(-1)
    pred, exp_ = h(p.mean(0)), h(p).mean(0)
    return {"predictive_entropy": pred, "expected_entropy": exp_, "bald": pred - exp_}


RNG = np.random.default_rng(5)
Z = RNG.normal(size=(6, 3, 5)) * 2  # 6 MC-dropout samples, a batch of 3, 5 classes


@pytest.mark.parametrize("name", sorted(FUNCS))
@pytest.mark.parametrize("from_logits", [False, True])
def test_matches_the_definition_on_every_backend(backend, name, from_logits):
    p = _softmax(Z)
    ref = _reference(p)[name] / math.log(2)
    x = native(backend, Z if from_logits else p)
    got = FUNCS[name](x, from_logits=from_logits)
    np.testing.assert_allclose(to_np(got), ref, rtol=1e-12, atol=1e-14)


def test_sample_axis_and_units():
    p = _softmax(Z)
    moved = np.moveaxis(p, 0, 1)  # (batch, samples, classes)
    ref = _reference(p)
    for name, f in FUNCS.items():
        np.testing.assert_allclose(f(moved, sample_axis=1, base=math.e), ref[name], rtol=1e-12)
        with it.default_base(math.e):
            np.testing.assert_allclose(f(p), ref[name], rtol=1e-12)


def test_bald_is_exactly_zero_for_identical_samples_and_one_bit_for_total_disagreement():
    same = np.repeat(Z[:1], 7, axis=0)  # 7 identical ensemble members: no epistemic part
    for backend in ("numpy", "torch"):
        require(backend)
        got = to_np(it.bald(native(backend, same), from_logits=True))
        assert (got == 0).all(), (backend, got)
    disagree = np.array([[[1.0, 0.0]], [[0.0, 1.0]]])
    assert it.bald(disagree)[0] == pytest.approx(1.0, abs=1e-15)
    assert it.expected_entropy(disagree)[0] == 0.0
    one = _softmax(Z[:1])  # one sample: no disagreement, BALD 0, predictive = expected
    np.testing.assert_allclose(it.bald(one), 0.0, atol=1e-15)
    np.testing.assert_allclose(it.predictive_entropy(one), it.entropy(one[0]), rtol=1e-14)


def test_stable_from_logits_where_log_mean_softmax_underflows():
    # log(mean(softmax)) of logits -1e4 is -inf, and the entropy NaN; ours is exact.
    z = np.full((4, 2, 3), -1e4)
    z[..., 0] = 0.0
    z[1, :, 1] = 0.0  # one sample of four puts half its mass on class 1
    torch = require("torch")
    naive = torch.log(torch.softmax(torch.tensor(z), -1).mean(0))
    assert torch.isinf(naive).any()
    pred = -(7 / 8 * math.log2(7 / 8) + 1 / 8 * math.log2(1 / 8))
    np.testing.assert_allclose(it.predictive_entropy(z, from_logits=True), [pred] * 2, rtol=1e-14)
    np.testing.assert_allclose(it.expected_entropy(z, from_logits=True), [0.25] * 2, rtol=1e-14)
    np.testing.assert_allclose(it.bald(z, from_logits=True), [pred - 0.25] * 2, rtol=1e-14)
    got = it.bald(torch.tensor(z, dtype=torch.float32), from_logits=True)
    assert got.dtype == torch.float32 and torch.isfinite(got).all()


def test_gradients_match_torchs_logsumexp_formulation(autograd_backend):
    torch = require("torch")
    zt = torch.tensor(Z, requires_grad=True)
    logp = torch.log_softmax(zt, -1)
    log_mean = torch.logsumexp(logp, 0) - math.log(Z.shape[0])
    ref = ((-(log_mean.exp() * log_mean).sum(-1)) + (logp.exp() * logp).sum(-1).mean(0)).sum()
    ref.backward()
    value, (grad,) = value_and_grads(autograd_backend,
                                     lambda z: it.bald(z, from_logits=True, base=math.e), [Z], [0])
    assert value == pytest.approx(ref.item(), rel=1e-12)
    np.testing.assert_allclose(grad, zt.grad.numpy(), rtol=1e-9, atol=1e-12)


def test_logits_as_probabilities_give_nan_and_validate_says_why():
    np.testing.assert_equal(it.bald(Z), np.full(3, np.nan))
    with pytest.raises(ValueError, match="bald: p has negative entries"):
        it.bald(Z, validate=True)


@pytest.mark.parametrize("kwargs, message", [
    ({"sample_axis": -1}, "sample_axis and axis are the same axis"),
    ({"axis": 1.0}, "axis must be an int"),
    ({"from_logits": "yes"}, "from_logits must be True or False"),
])
def test_bad_options_are_refused(kwargs, message):
    with pytest.raises((TypeError, ValueError), match=message):
        it.bald(_softmax(Z), **kwargs)
    with pytest.raises(ValueError, match="needs a sample axis and a class axis"):
        it.bald(np.array([0.5, 0.5]))
    with pytest.raises(ValueError, match="has no samples"):
        it.bald(np.zeros((0, 3)))


def test_torchs_fused_bald_matches_the_generic_kernel_in_value_gradient_and_hessian():
    torch = require("torch")
    from infotheory import _kernels as K
    B = it.backend_of(torch.zeros(1))
    z = torch.tensor(Z, requires_grad=True)
    z_masked = z.detach().clone()
    z_masked[0, :, 0] = -math.inf  # a class one sample rules out: finite gradient, no NaN
    for x in (z, z_masked.requires_grad_()):
        for s, a in ((0, 2), (1, 2), (2, 0)):
            n = x.shape[s]
            fused = B.fused_bald_logits(x, s, a, n)
            generic = K.bald_logits.generic(B, x, s, a, n)
            torch.testing.assert_close(fused, generic, rtol=1e-12, atol=1e-14)
            g = torch.randn(fused.shape, dtype=torch.float64)
            (gf,) = torch.autograd.grad(fused, x, g, create_graph=True)
            (gg,) = torch.autograd.grad(generic, x, g, create_graph=True)
            assert torch.isfinite(gf).all()
            torch.testing.assert_close(gf, gg, rtol=1e-10, atol=1e-12)
            v = torch.randn(x.shape, dtype=torch.float64)
            (hf,) = torch.autograd.grad((gf * v).sum(), x)
            (hg,) = torch.autograd.grad((gg * v).sum(), x)
            torch.testing.assert_close(hf, hg, rtol=1e-9, atol=1e-11)
