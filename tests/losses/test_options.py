"""Loss options and the new measures against the peers that define their semantics: torch's
losses (weight, ignore_index, label_smoothing, pos_weight), SciPy (Jensen-Shannon, binary and
Gaussian entropy) and torch.distributions (Gaussian KL), on every backend."""
import math

import numpy as np
import pytest
from scipy import stats
from scipy.spatial.distance import jensenshannon

import infotheory as it
from tests.conftest import native, require, to_np

RNG = np.random.default_rng(23)
LN2 = math.log(2)


def torch_ref():
    torch = require("torch")
    return torch, torch.nn.functional


def _close(got, ref, dtype):
    tol = 2e-5 if dtype == "float32" else 1e-11
    np.testing.assert_allclose(to_np(got).reshape(np.shape(ref)), ref, rtol=tol, atol=tol)


OPTIONS = [{}, {"ignore_index": -100}, {"weight": True}, {"label_smoothing": 0.1},
           {"weight": True, "ignore_index": 3, "label_smoothing": 0.25}]


@pytest.mark.parametrize("options", OPTIONS, ids=str)
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_cross_entropy_options_equal_torch(backend, options, reduction, dtype):
    """A language-model-shaped loss: (batch, seq, vocab) logits, padding labels -100."""
    torch, F = torch_ref()
    z = RNG.normal(0, 3, (2, 4, 6))
    y = RNG.integers(0, 6, (2, 4))
    y[0, 3] = y[1, 2] = options.get("ignore_index", 0) if "ignore_index" in options else y[0, 3]
    w = RNG.random(6) + 0.5
    tkw = {"reduction": reduction, "label_smoothing": options.get("label_smoothing", 0.0)}
    if "ignore_index" in options:
        tkw["ignore_index"] = options["ignore_index"]
    if "weight" in options:
        tkw["weight"] = torch.tensor(w)
    ref = F.cross_entropy(torch.tensor(z).permute(0, 2, 1), torch.tensor(y), **tkw).numpy()
    okw = {k: v for k, v in tkw.items()}
    if "weight" in okw:
        okw["weight"] = native(backend, w, dtype)
    got = it.cross_entropy(native(backend, z, dtype), native(backend, y), from_logits=True,
                           **okw)
    _close(got, ref, dtype)
    # the same on probabilities
    probs = np.exp(z) / np.exp(z).sum(-1, keepdims=True)
    got = it.cross_entropy(native(backend, probs, dtype), native(backend, y), **okw)
    _close(got, ref, dtype)


@pytest.mark.parametrize("smoothing", [0.0, 0.3])
def test_probability_targets_with_weight_and_smoothing_equal_torch(backend, smoothing):
    torch, F = torch_ref()
    z = RNG.normal(0, 2, (5, 4))
    t = RNG.dirichlet(np.ones(4), 5)
    w = RNG.random(4) + 0.5
    ref = F.cross_entropy(torch.tensor(z), torch.tensor(t), weight=torch.tensor(w),
                          label_smoothing=smoothing).numpy()
    got = it.cross_entropy(native(backend, z), native(backend, t), from_logits=True,
                           weight=native(backend, w), label_smoothing=smoothing)
    _close(got, ref, "float64")


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_nll_loss_weight_and_ignore_index_equal_torch(backend, reduction):
    torch, F = torch_ref()
    lp = np.log(RNG.dirichlet(np.ones(5), 7))
    y = RNG.integers(0, 5, 7)
    y[2] = -1
    w = RNG.random(5) + 0.1
    ref = F.nll_loss(torch.tensor(lp), torch.tensor(y), weight=torch.tensor(w), ignore_index=-1,
                     reduction=reduction).numpy()
    got = it.nll_loss(native(backend, lp), native(backend, y), weight=native(backend, w),
                      ignore_index=-1, reduction=reduction)
    _close(got, ref, "float64")


def test_all_ignored_mean_is_nan_and_out_of_range_still_nan(backend):
    z = native(backend, [[1.0, 2.0], [0.0, 0.0]])
    got = to_np(it.cross_entropy(z, native(backend, np.array([-100, -100])), from_logits=True,
                                 ignore_index=-100)).reshape(())
    assert math.isnan(got)  # 0 / 0, as torch
    if backend == "torch":  # torch's CPU kernel checks the indices for free: our ValueError
        with pytest.raises(ValueError, match=r"cross_entropy: y has a class index outside"):
            it.cross_entropy(z, native(backend, np.array([-100, 5])), from_logits=True,
                             ignore_index=-100, reduction="none")
        return
    losses = to_np(it.cross_entropy(z, native(backend, np.array([-100, 5])), from_logits=True,
                                    ignore_index=-100, reduction="none"))
    assert losses[0] == 0.0 and math.isnan(losses[1])


def test_perplexity_equals_exp_of_torch_cross_entropy(backend):
    torch, F = torch_ref()
    z = RNG.normal(0, 2, (3, 5, 8))
    y = RNG.integers(0, 8, (3, 5))
    y[:, -1] = -100
    ref = math.exp(F.cross_entropy(torch.tensor(z).permute(0, 2, 1), torch.tensor(y),
                                   ignore_index=-100).item())
    got = it.perplexity(native(backend, z), native(backend, y), from_logits=True,
                        ignore_index=-100)
    _close(got, ref, "float64")
    uniform = it.perplexity(native(backend, np.full((4, 10), 0.1)), native(backend, np.arange(4)))
    _close(uniform, 10.0, "float64")  # a uniform guess over 10 classes: perplexity 10


@pytest.mark.parametrize("options", [{}, {"label_smoothing": 0.1, "ignore_index": 3},
                                     {"weight": True}])
def test_one_sample_of_logits_and_a_0d_label_equals_torch(backend, options):
    """1-D logits (one sample) with a 0-d label: a 0-d loss (shape (1,) for legacy mx.nd),
    as torch's. MXNet's pick takes no 0-d index: this raised MXNetError there."""
    torch, F = torch_ref()
    z = np.array([1.0, 2.0, 0.5, -1.0, 0.0])
    w = np.array([0.5, 2.0, 1.0, 1.0, 3.0])
    opts = dict(options, weight=native(backend, w)) if "weight" in options else options
    topts = dict(options, weight=torch.tensor(w)) if "weight" in options else options
    y = np.array(1)
    ref = F.cross_entropy(torch.tensor(z), torch.tensor(y), **topts).item()
    got = it.cross_entropy(native(backend, z), native(backend, y), from_logits=True, **opts)
    assert np.shape(to_np(got)) == ((1,) if backend == "mxnet.nd" else ())
    _close(got, ref, "float64")
    p = np.exp(z - z.max()) / np.exp(z - z.max()).sum()
    _close(it.cross_entropy(native(backend, p), native(backend, y), **opts), ref, "float64")
    lp = torch.log_softmax(torch.tensor(z), -1)
    nll_opts = {k: v for k, v in opts.items() if k != "label_smoothing"}
    nll_ref = F.nll_loss(lp, torch.tensor(y), **{k: v for k, v in topts.items()
                                                  if k != "label_smoothing"}).item()
    _close(it.nll_loss(native(backend, lp.numpy()), native(backend, y), **nll_opts), nll_ref,
           "float64")


@pytest.mark.parametrize("weights", [False, True])
def test_binary_cross_entropy_equals_torch(backend, weights):
    torch, F = torch_ref()
    z = RNG.normal(0, 3, (4, 3))
    t = RNG.random((4, 3))
    pw, w = RNG.random(3) + 0.5, RNG.random((4, 1)) + 0.5
    kw = {"pos_weight": torch.tensor(pw), "weight": torch.tensor(w)} if weights else {}
    ref = F.binary_cross_entropy_with_logits(torch.tensor(z), torch.tensor(t), **kw).numpy()
    okw = {"pos_weight": native(backend, pw), "weight": native(backend, w)} if weights else {}
    got = it.binary_cross_entropy(native(backend, z), native(backend, t), from_logits=True, **okw)
    _close(got, ref, "float64")
    q = 1 / (1 + np.exp(-z))
    wkw = {"weight": torch.tensor(w)} if weights else {}
    ref = F.binary_cross_entropy(torch.tensor(q), torch.tensor(t), reduction="none", **wkw)
    got = it.binary_cross_entropy(native(backend, q), native(backend, t), reduction="none",
                                  **({"weight": native(backend, w)} if weights else {}))
    _close(got, ref.numpy(), "float64")


def test_binary_cross_entropy_extremes(backend):
    z = native(backend, [1e4, -1e4, 1e4, -1e4], "float32")
    t = native(backend, [1.0, 0.0, 0.0, 1.0], "float32")
    got = to_np(it.binary_cross_entropy(z, t, from_logits=True, reduction="none"))
    np.testing.assert_allclose(got, [0.0, 0.0, 1e4, 1e4])
    exact = to_np(it.binary_cross_entropy(native(backend, [0.0, 1.0, 0.0]),
                                          native(backend, [1.0, 1.0, 0.0]), reduction="none"))
    assert exact[0] == math.inf and exact[1] == 0.0 and exact[2] == 0.0  # torch: 100, 0, 0


def test_binary_entropy_equals_scipy(backend):
    p = np.array([0.0, 0.1, 0.5, 0.93, 1.0])
    ref = [stats.entropy([v, 1 - v], base=2) for v in p]
    _close(it.binary_entropy(native(backend, p)), ref, "float64")


def test_jensen_shannon_equals_scipy_squared(backend):
    p = RNG.dirichlet(np.ones(6), 3)
    q = RNG.dirichlet(np.ones(6), 3)
    p[0, :2] = 0
    p /= p.sum(-1, keepdims=True)
    q[1, 3] = 0
    q /= q.sum(-1, keepdims=True)
    ref = [jensenshannon(a, b, base=2) ** 2 for a, b in zip(p, q)]
    _close(it.jensen_shannon_divergence(native(backend, p), native(backend, q)), ref, "float64")
    disjoint = it.jensen_shannon_divergence(native(backend, [1.0, 0.0]),
                                            native(backend, [0.0, 1.0]))
    assert to_np(disjoint).reshape(()) == 1.0  # the bound: 1 bit
    z, w = RNG.normal(0, 2, (2, 5)), RNG.normal(0, 2, (2, 5))
    soft = lambda a: np.exp(a) / np.exp(a).sum(-1, keepdims=True)  # noqa: E731
    ref = [jensenshannon(a, b) ** 2 / LN2 for a, b in zip(soft(z), soft(w))]
    _close(it.jensen_shannon_divergence(native(backend, z), native(backend, w),
                                        from_logits=True), ref, "float64")


def test_jensen_shannon_gradient_is_finite_at_zeros():
    torch = require("torch")
    p = torch.tensor([0.5, 0.5, 0.0], dtype=torch.float64, requires_grad=True)
    q = torch.tensor([0.0, 0.5, 0.5], dtype=torch.float64, requires_grad=True)
    it.jensen_shannon_divergence(p, q).backward()
    assert torch.isfinite(p.grad).all() and torch.isfinite(q.grad).all()
    assert torch.autograd.gradcheck(
        lambda a, b: it.jensen_shannon_divergence(a.softmax(-1), b.softmax(-1)),
        (torch.randn(4, dtype=torch.float64, requires_grad=True),
         torch.randn(4, dtype=torch.float64, requires_grad=True)))


def test_gaussian_closed_forms(backend):
    torch = require("torch")
    mu_p, s_p = RNG.normal(0, 1, 5), RNG.random(5) + 0.2
    mu_q, s_q = RNG.normal(0, 1, 5), RNG.random(5) + 0.2
    D = torch.distributions
    ref = D.kl_divergence(D.Normal(torch.tensor(mu_p), torch.tensor(s_p)),
                          D.Normal(torch.tensor(mu_q), torch.tensor(s_q))).numpy()
    got = it.gaussian_kl_divergence(*(native(backend, a) for a in (mu_p, s_p, mu_q, s_q)),
                                    base=math.e)
    _close(got, ref, "float64")
    book = it.gaussian_kl_divergence(native(backend, [0.0]), native(backend, [1.0]),
                                     native(backend, [1.0]), native(backend, [1.0]), base=math.e)
    _close(book, [0.5], "float64")  # KL(N(0,1) || N(1,1)) = 0.5 nats, the book's exercise
    _close(it.gaussian_entropy(native(backend, s_p)), stats.norm(scale=s_p).entropy() / LN2,
           "float64")


def test_option_errors(backend):
    q = native(backend, [[0.5, 0.5]])
    y = native(backend, np.array([1]))
    with pytest.raises(ValueError, match=r"cross_entropy: weight must hold one value per class, "
                                         r"shape \(2,\)"):
        it.cross_entropy(q, y, weight=native(backend, [1.0, 2.0, 3.0]))
    with pytest.raises(TypeError, match="cross_entropy: ignore_index must be an int or None"):
        it.cross_entropy(q, y, ignore_index=True)
    with pytest.raises(ValueError, match=r"cross_entropy: label_smoothing must be a number in "
                                         r"\[0, 1\]"):
        it.cross_entropy(q, y, label_smoothing=1.5)
    with pytest.raises(ValueError, match="cross_entropy: ignore_index applies to class indices"):
        it.cross_entropy(q, native(backend, [[0.5, 0.5]]), ignore_index=0)
    with pytest.raises(ValueError, match=r"cross_entropy: y has class indices outside \[0, 2\)"):
        it.cross_entropy(q, native(backend, np.array([-100])), ignore_index=-1, validate=True)
    it.cross_entropy(q, native(backend, np.array([-100])), ignore_index=-100, validate=True)


def test_tf_function_with_ignore_index_and_smoothing_and_unknown_classes():
    tf = require("tensorflow")
    torch, F = torch_ref()
    f = tf.function(lambda z, y: it.cross_entropy(z, y, from_logits=True, ignore_index=-100,
                                                  label_smoothing=0.2),
                    input_signature=[tf.TensorSpec([None, None], tf.float64),
                                     tf.TensorSpec([None], tf.int64)])
    z = RNG.normal(0, 2, (4, 5))
    y = np.array([1, -100, 4, 0])
    ref = F.cross_entropy(torch.tensor(z), torch.tensor(y), ignore_index=-100,
                          label_smoothing=0.2).item()
    assert f(tf.constant(z), tf.constant(y)).numpy() == pytest.approx(ref, rel=1e-12)


def test_torch_gradients_with_options_equal_f_cross_entropy():
    torch, F = torch_ref()
    z = torch.randn(6, 5, dtype=torch.float64)
    y = torch.tensor([0, 4, -100, 2, 2, 1])
    w = torch.rand(5, dtype=torch.float64) + 0.5
    grads = []
    for f in (lambda t: F.cross_entropy(t, y, weight=w, ignore_index=-100, label_smoothing=0.2),
              lambda t: it.cross_entropy(t, y, from_logits=True, weight=w, ignore_index=-100,
                                         label_smoothing=0.2)):
        t = z.clone().requires_grad_(True)
        f(t).backward()
        grads.append(t.grad)
    torch.testing.assert_close(grads[1], grads[0], rtol=1e-12, atol=1e-14)


def test_torch_cross_entropy_of_probabilities_gradient_is_nll_loss_s():
    """Probabilities against class indices: the value and gradient of F.nll_loss(log q, y),
    weighted; where another probability of the row is 0 the gradient is still finite (only the
    picked probabilities' logs are taken; log q then nll_loss gives 0 / 0 = NaN there)."""
    torch, F = torch_ref()
    q = torch.softmax(torch.randn(5, 4, dtype=torch.float64), -1)
    y = torch.tensor([0, 3, 1, 1, 2])
    w = torch.rand(4, dtype=torch.float64) + 0.5
    results = []
    for f in (lambda t: F.nll_loss(t.log(), y, weight=w),
              lambda t: it.cross_entropy(t, y, weight=w)):
        t = q.clone().requires_grad_(True)
        v = f(t)
        v.backward()
        results.append((v.detach(), t.grad))
    torch.testing.assert_close(results[1][0], results[0][0], rtol=1e-12, atol=0)
    torch.testing.assert_close(results[1][1], results[0][1], rtol=1e-12, atol=1e-15)
    q0 = torch.tensor([[0.5, 0.5, 0.0], [0.0, 0.25, 0.75]], dtype=torch.float64,
                      requires_grad=True)
    it.cross_entropy(q0, torch.tensor([0, 2])).backward()
    want = torch.tensor([[-1 / 0.5, 0, 0], [0, 0, -1 / 0.75]], dtype=torch.float64) / 2
    torch.testing.assert_close(q0.grad, want, rtol=1e-12, atol=0)


@pytest.mark.parametrize("ignore", [None, -100])
def test_perplexity_equals_torchmetrics(backend, ignore):
    """torchmetrics' Perplexity (the peer the training-losses issue names): logits (N, S, K),
    labels (N, S), ignore_index, on every backend."""
    torch = require("torch")
    tm = pytest.importorskip("torchmetrics.text")
    z = RNG.normal(0, 2, (3, 6, 9))
    y = RNG.integers(0, 9, (3, 6))
    if ignore is not None:
        y[:, -2:] = ignore
    ref = float(tm.Perplexity(ignore_index=ignore)(torch.tensor(z), torch.tensor(y)))
    got = it.perplexity(native(backend, z), native(backend, y), from_logits=True,
                        ignore_index=ignore)
    # torchmetrics accumulates its state in float32 (tensor(0.0)): 1e-7 relative apart
    assert float(to_np(got).reshape(())) == pytest.approx(ref, rel=1e-6)
