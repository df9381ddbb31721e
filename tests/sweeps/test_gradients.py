"""Gradients on every autograd backend: finite at exact zeros (the documented convention: an
exact zero contributes 0), equal to analytic gradients and to finite differences elsewhere."""
import math

import numpy as np
import pytest

import infotheory as it
from infotheory import testing as conformance
from infotheory.testing import dirichlet_with_zeros
from tests.conftest import require
from tests.gradients import numeric_grads, value_and_grads

RNG = np.random.default_rng(7)
LN2 = math.log(2)
P0 = np.array([[0.0, 0.2, 0.3, 0.5], [0.25, 0.0, 0.0, 0.75]])  # exact zeros
Q0 = np.array([[0.1, 0.2, 0.2, 0.5], [0.5, 0.0, 0.25, 0.25]])  # q = 0 only where p = 0
J0 = np.array([[[0.0, 0.3], [0.2, 0.5]], [[0.0, 0.0], [0.4, 0.6]]])  # a whole zero row too
LOGITS = np.array([[2.0, -1e4, 0.5], [0.0, 0.0, -math.inf]])
LABELS = np.array([0, 1])

# name -> (function, args with exact zeros, indices to differentiate)
AT_ZEROS = {
    "entropy": (it.entropy, (P0,), (0,)),
    "entropy_logits": (lambda z: it.entropy(z, from_logits=True), (LOGITS,), (0,)),
    "joint_entropy": (it.joint_entropy, (J0,), (0,)),
    "conditional_entropy": (it.conditional_entropy, (J0,), (0,)),
    "conditional_entropy_given": (it.conditional_entropy, (J0, J0.sum(-1, keepdims=True)), (0, 1)),
    "mutual_information": (it.mutual_information, (J0,), (0,)),
    "mutual_information_given": (it.mutual_information,
                                 (J0, J0.sum(-1, keepdims=True), J0.sum(-2, keepdims=True)),
                                 (0, 1, 2)),
    "kl_divergence": (it.kl_divergence, (P0, Q0), (0, 1)),
    "kl_divergence_logits": (lambda a, b: it.kl_divergence(a, b, from_logits=True),
                             (LOGITS, np.array([[0.0, 1.0, -1e4], [1.0, 2.0, -math.inf]])),
                             (0, 1)),
    "cross_entropy_labels": (it.cross_entropy, (Q0 + (Q0 == 0) * 0.1, LABELS), (0,)),
    "cross_entropy_targets": (it.cross_entropy, (Q0, P0), (0, 1)),
    "cross_entropy_logits_labels": (lambda z, y: it.cross_entropy(z, y, from_logits=True),
                                    (LOGITS, np.array([0, 0])), (0,)),
    "cross_entropy_logits_targets": (lambda z, y: it.cross_entropy(z, y, from_logits=True),
                                     (LOGITS, P0[:, :3] / P0[:, :3].sum(-1, keepdims=True)), (0, 1)),
    "nll_loss": (it.nll_loss, (np.log(Q0 + (Q0 == 0) * 0.1), LABELS), (0,)),
    "cross_entropy_options": (lambda z, w: it.cross_entropy(
        z, np.array([0, -100]), from_logits=True, weight=w, ignore_index=-100,
        label_smoothing=0.1), (LOGITS, np.array([1.0, 2.0, 0.5])), (0,)),  # torch: weight
    # is not differentiable in F.cross_entropy
    "perplexity": (lambda z: it.perplexity(z, LABELS, from_logits=True), (LOGITS,), (0,)),
    "jensen_shannon": (it.jensen_shannon_divergence, (P0, Q0[::-1].copy()), (0, 1)),
    "jensen_shannon_logits": (lambda a, b: it.jensen_shannon_divergence(a, b, from_logits=True),
                              (LOGITS, LOGITS[::-1].copy()), (0, 1)),
    "binary_cross_entropy": (it.binary_cross_entropy,
                             (np.array([0.0, 1.0, 0.3, 1.0]), np.array([0.0, 1.0, 0.5, 1.0])),
                             (0, 1)),
    "binary_cross_entropy_logits": (lambda z, y: it.binary_cross_entropy(z, y, from_logits=True),
                                    (np.array([1e4, -1e4, 0.3]), np.array([1.0, 0.0, 0.5])),
                                    (0, 1)),
    "binary_entropy": (it.binary_entropy, (np.array([0.0, 0.5, 1.0]),), (0,)),
    "gaussian_kl": (lambda m, s: it.gaussian_kl_divergence(m, s, 0.0, 1.0),
                    (np.array([0.0, 1.0]), np.array([1.0, 0.5])), (0, 1)),
}


@pytest.mark.parametrize("name", AT_ZEROS)
def test_gradients_are_finite_at_exact_zeros(autograd_backend, name):
    f, args, wrt = AT_ZEROS[name]
    value, grads = value_and_grads(autograd_backend, f, args, wrt)
    assert math.isfinite(value), value
    for i, g in zip(wrt, grads):
        assert np.isfinite(g).all(), (name, i, g)


def test_exact_zero_contributes_zero_gradient(autograd_backend):
    _, (g,) = value_and_grads(autograd_backend, it.entropy, (P0,), (0,))
    assert g[0, 0] == 0.0 and g[1, 1] == 0.0 and g[1, 2] == 0.0
    _, (gp, gq) = value_and_grads(autograd_backend, it.kl_divergence, (P0, Q0), (0, 1))
    assert gp[0, 0] == 0.0 and gq[0, 0] == 0.0 and gq[1, 1] == 0.0


def test_entropy_of_underflowed_softmax_has_finite_gradient(autograd_backend):
    """The classic entropy-regularizer NaN: softmax(-1e4) underflows to an exact 0."""
    fw = require(autograd_backend)
    z = np.array([[3.0, -1e4, 0.0, 1.0]])
    if autograd_backend == "torch":
        t = fw.tensor(z, requires_grad=True)
        it.entropy(fw.softmax(t, -1)).sum().backward()
        g = t.grad.numpy()
    elif autograd_backend == "tensorflow":
        t = fw.Variable(z)
        with fw.GradientTape() as tape:
            h = it.entropy(fw.nn.softmax(t))
        g = tape.gradient(h, t).numpy()
    elif autograd_backend == "jax":
        g = np.asarray(fw.grad(lambda t: it.entropy(fw.nn.softmax(t)).sum())(
            conformance.to_native("jax", z, "float64")))
    else:
        t = fw.np.array(z)
        t.attach_grad()
        with fw.autograd.record():
            h = it.entropy(fw.npx.softmax(t))
        h.backward()
        g = t.grad.asnumpy()
    assert np.isfinite(g).all(), g
    # matches the gradient of the same entropy with the -1e4 logit dropped
    _, (ref,) = value_and_grads("torch" if autograd_backend == "torch" else autograd_backend,
                                lambda x: it.entropy(x, from_logits=True), (z[:, [0, 2, 3]],), (0,))
    np.testing.assert_allclose(g[:, [0, 2, 3]], ref, rtol=1e-10)
    assert g[0, 1] == 0.0


def test_analytic_gradients(autograd_backend):
    p, q = P0, Q0
    _, (g,) = value_and_grads(autograd_backend, it.entropy, (p,), (0,))
    with np.errstate(divide="ignore"):
        expected = np.where(p > 0, -(np.log(p) + 1) / LN2, 0.0)
    np.testing.assert_allclose(g, expected, rtol=1e-12)

    _, (gp, gq) = value_and_grads(autograd_backend, it.kl_divergence, (p, q), (0, 1))
    with np.errstate(divide="ignore", invalid="ignore"):
        np.testing.assert_allclose(gp, np.where(p > 0, (np.log(p / q) + 1) / LN2, 0.0), rtol=1e-12)
        np.testing.assert_allclose(gq, np.where(p > 0, -p / q / LN2, 0.0), rtol=1e-12)

    z = RNG.normal(0, 3, (4, 5))
    y = np.array([0, 4, 2, 2])
    _, (gz,) = value_and_grads(autograd_backend,
                               lambda a, b: it.cross_entropy(a, b, from_logits=True), (z, y), (0,))
    soft = np.exp(z) / np.exp(z).sum(-1, keepdims=True)
    np.testing.assert_allclose(gz, (soft - np.eye(5)[y]) / len(y), rtol=1e-10, atol=1e-15)

    probs = soft
    _, (gq2,) = value_and_grads(autograd_backend, it.cross_entropy, (probs, y), (0,))
    np.testing.assert_allclose(gq2, -np.eye(5)[y] / probs / len(y), rtol=1e-12)


# Interior points (every probability > 0), where finite differences are meaningful.
P = dirichlet_with_zeros(RNG, (3, 5), zero_fraction=0.0)
Q = dirichlet_with_zeros(RNG, (3, 5), zero_fraction=0.0)
J = dirichlet_with_zeros(RNG, (2, 6), zero_fraction=0.0).reshape(2, 2, 3)
Z = RNG.normal(0, 2, (3, 5))
INTERIOR = {
    "entropy": (it.entropy, (P,), (0,)),
    "entropy_logits": (lambda z: it.entropy(z, from_logits=True), (Z,), (0,)),
    "joint_entropy": (it.joint_entropy, (J,), (0,)),
    "conditional_entropy": (it.conditional_entropy, (J, J.sum(-1, keepdims=True)), (0, 1)),
    "mutual_information": (it.mutual_information,
                           (J, J.sum(-1, keepdims=True), J.sum(-2, keepdims=True)), (0, 1, 2)),
    "mutual_information_computed": (it.mutual_information, (J,), (0,)),
    "kl_divergence": (it.kl_divergence, (P, Q), (0, 1)),
    "kl_divergence_logits": (lambda a, b: it.kl_divergence(a, b, from_logits=True), (Z, Z[::-1].copy()), (0, 1)),
    "cross_entropy_targets": (it.cross_entropy, (Q, P), (0, 1)),
    "cross_entropy_logits": (lambda z, y: it.cross_entropy(z, y, from_logits=True),
                             (Z, np.array([1, 0, 4])), (0,)),
    "nll_loss": (it.nll_loss, (np.log(P), np.array([1, 0, 4])), (0,)),
}


@pytest.mark.parametrize("name", INTERIOR)
def test_gradients_match_finite_differences(autograd_backend, name):
    f, args, wrt = INTERIOR[name]
    _, grads = value_and_grads(autograd_backend, f, args, wrt)
    numeric = numeric_grads(lambda *a: np.asarray(f(*a)), args, wrt)
    for g, n in zip(grads, numeric):
        np.testing.assert_allclose(g, n, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name", INTERIOR)
def test_torch_gradcheck(name):
    torch = require("torch")
    f, args, wrt = INTERIOR[name]
    ts = [torch.tensor(a, dtype=torch.float64 if np.asarray(a).dtype.kind == "f" else None,
                       requires_grad=i in wrt) for i, a in enumerate(args)]
    assert torch.autograd.gradcheck(lambda *t: f(*t), ts)


@pytest.mark.parametrize("name", ["binary_cross_entropy_logits", "gaussian_kl", "jensen_shannon",
                                  "binary_entropy"])
def test_new_measures_gradients_equal_finite_differences(autograd_backend, name):
    from scipy.special import expit, rel_entr

    refs = {
        "binary_cross_entropy_logits": (
            lambda z, y: it.binary_cross_entropy(z, y, from_logits=True, reduction="sum"),
            lambda z, y: -(y * np.log(expit(z)) + (1 - y) * np.log(expit(-z))),
            (np.array([1.5, -0.7, 0.3]), np.array([1.0, 0.0, 0.5]))),
        "gaussian_kl": (
            lambda m, s: it.gaussian_kl_divergence(m, s, 0.5, 2.0, base=math.e),
            lambda m, s: np.log(2.0 / s) + (s ** 2 + (m - 0.5) ** 2) / 8.0 - 0.5,
            (np.array([0.0, 1.0]), np.array([1.0, 0.5]))),
        "jensen_shannon": (
            it.jensen_shannon_divergence,
            # not scipy's jensenshannon here: it renormalizes p and q, which changes the
            # gradient off the simplex (the values agree: tests/test_losses_options.py)
            lambda p, q: 0.5 * (rel_entr(p, (p + q) / 2) + rel_entr(q, (p + q) / 2)).sum(-1)
            / LN2,
            (RNG.dirichlet(np.ones(4), 2), RNG.dirichlet(np.ones(4), 2))),
        "binary_entropy": (
            it.binary_entropy,
            lambda p: -(p * np.log2(p) + (1 - p) * np.log2(1 - p)),
            (np.array([0.1, 0.5, 0.8]),)),
    }
    f, f_numpy, args = refs[name]
    wrt = tuple(range(len(args)))
    _, grads = value_and_grads(autograd_backend, f, args, wrt)
    for g, ref in zip(grads, numeric_grads(f_numpy, args, wrt)):
        np.testing.assert_allclose(g, ref, rtol=1e-5, atol=1e-7)
