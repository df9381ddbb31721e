"""Fused kernels (``Backend.fused``) against the generic blocks of ``infotheory._kernels``
(``kernel.generic``): every reduction a backend declares gives the generic result (values,
zeros, infinities, broadcasting, axes), the fused cross-entropy kernels and torch's entropy and
KL of logits agree in value and gradient, and the public functions really run the fused ops.
Only declared kernels are compared, so no case compares a kernel with itself; the choice between
fused and generic (options in use) is tested on a spy block."""
import math

import numpy as np
import pytest

import infotheory as it
import infotheory.backends._torch_autograd as tb
from infotheory import _kernels as K
from infotheory import estimate  # noqa: F401 - registers the neighbour-search blocks
from infotheory.testing import dirichlet_with_zeros
from tests.conftest import BACKENDS, native, require, to_np

RNG = np.random.default_rng(11)
SHAPES = [(5,), (4, 5), (2, 3, 5)]


def _data(shape):
    z = RNG.normal(0, 4, shape)
    z.flat[0] = 1000.0  # large logits stay finite
    z.flat[-1] = -1000.0
    y = RNG.integers(0, shape[-1], shape[:-1])
    return z, y


def test_which_backends_declare_a_fused_cross_entropy():
    declared = {b.name: {k for k in b.fused if k.startswith("cross_entropy")}
                for b in it.registered_backends()}
    assert declared["torch"] == {"cross_entropy_labels"}  # F.cross_entropy, reduced
    assert declared["tensorflow"] == {"cross_entropy_logits"}  # per sample
    # npx.log_softmax + pick, corrected (see test_mxnet_fused_cross_entropy_equals_generic)
    assert declared["mxnet"] == {"cross_entropy_logits", "cross_entropy_labels"}


@pytest.mark.parametrize("shape", SHAPES)
def test_torch_cross_entropy_uses_and_matches_f_cross_entropy(shape):
    torch = require("torch")
    B = it.backend_of(torch.ones(1))
    z, y = _data(shape)
    outs = []
    for impl in (B.fused_cross_entropy_labels, lambda *a, **kw: K.cross_entropy_labels.generic(B, *a,
                                                                                         **kw)):
        t = torch.tensor(z, requires_grad=True)
        losses = impl(t, torch.tensor(y), reduction="none")
        losses.sum().backward()
        outs.append((losses.detach().numpy(), t.grad.numpy(), losses.grad_fn))
    (fused, g_fused, fn), (generic, g_generic, _) = outs
    np.testing.assert_allclose(fused, generic, rtol=1e-12)
    np.testing.assert_allclose(g_fused, g_generic, rtol=1e-12, atol=1e-15)
    names, todo = [], [fn]  # the fused kernel is really on the graph
    while todo:
        node = todo.pop()
        names.append(type(node).__name__)
        todo += [n for n, _ in node.next_functions if n is not None]
    assert any("NllLoss" in n for n in names), names


@pytest.mark.parametrize("shape", SHAPES)
def test_tensorflow_cross_entropy_uses_and_matches_sparse_softmax_kernel(shape, monkeypatch):
    tf = require("tensorflow")
    B = it.backend_of(tf.ones(1))
    calls = []
    kernel = tf.nn.sparse_softmax_cross_entropy_with_logits
    monkeypatch.setattr(tf.nn, "sparse_softmax_cross_entropy_with_logits",
                        lambda **kw: calls.append(1) or kernel(**kw))
    z, y = _data(shape)
    outs = []
    for impl in (B.fused_cross_entropy_logits, lambda *a: K.cross_entropy_logits.generic(B, *a)):
        v = tf.Variable(z)
        with tf.GradientTape() as tape:
            losses = impl(v, tf.constant(y))
            total = tf.reduce_sum(losses)
        outs.append((losses.numpy(), tape.gradient(total, v).numpy()))
    (fused, g_fused), (generic, g_generic) = outs
    assert calls == [1]
    np.testing.assert_allclose(fused, generic, rtol=1e-12)
    np.testing.assert_allclose(g_fused, g_generic, rtol=1e-12, atol=1e-15)
    it.cross_entropy(tf.constant(z), tf.constant(y), from_logits=True)
    assert calls == [1, 1]  # the public function goes through it


def test_public_api_goes_through_the_fused_path_with_base():
    torch = require("torch")
    z, y = _data((4, 5))
    t = torch.tensor(z)
    ours = it.cross_entropy(t, torch.tensor(y), from_logits=True, base=2, reduction="none")
    ref = torch.nn.functional.cross_entropy(t, torch.tensor(y), reduction="none") / math.log(2)
    torch.testing.assert_close(ours, ref)


def test_torch_fused_cross_entropy_with_its_declared_options_equals_generic():
    torch = require("torch")
    B = it.backend_of(torch.ones(1))
    assert B.fused["cross_entropy_labels"] == {"weight", "ignore_index", "label_smoothing",
                                               "reduction"}
    z, y = _data((4, 6))
    y[1], y[2] = -100, 9  # ignored, and out of range (NaN)
    w = torch.tensor(RNG.random(6) + 0.5)
    for opts in ({"weight": w}, {"label_smoothing": 0.3}, {"weight": w, "label_smoothing": 0.1},
                 {"weight": w, "ignore_index": -100, "label_smoothing": 0.2}):
        options = {"weight": None, "label_smoothing": 0.0, "ignore_index": -100, **opts}
        for reduction in ("none", "sum", "mean"):
            # on the CPU torch's kernel checks the indices: our ValueError, never a NaN
            with pytest.raises(ValueError, match=r"y has a class index outside \[0, 6\)"):
                B.fused_cross_entropy_labels(torch.tensor(z), torch.tensor(y),
                                             reduction=reduction, **opts)
            # on an accelerator (a device-side assert) indices are clamped, their losses NaN:
            # that path, run here on the CPU, equals the generic kernel
            clamped = tb.clamped_cross_entropy(
                torch.tensor(z), torch.tensor(y), 6, opts.get("ignore_index"),
                {**options, "reduction": reduction,
                 "ignore_index": opts.get("ignore_index", tb.NO_INDEX)})
            generic = K.cross_entropy_labels.generic(B, torch.tensor(z), torch.tensor(y),
                                             reduction=reduction, **opts)
            torch.testing.assert_close(clamped, generic, rtol=1e-12, atol=1e-12, equal_nan=True)
    y[2] = 0  # no index out of range: a finite mean
    fused = B.fused_cross_entropy_labels(torch.tensor(z), torch.tensor(y), weight=w,
                                         ignore_index=-100, label_smoothing=0.2)
    generic = K.cross_entropy_labels.generic(B, torch.tensor(z), torch.tensor(y), weight=w,
                                     ignore_index=-100, label_smoothing=0.2)
    assert torch.isfinite(fused)
    torch.testing.assert_close(fused, generic, rtol=1e-12, atol=1e-12)


def test_an_option_a_fused_kernel_lacks_takes_the_generic_kernel(monkeypatch):
    tf = require("tensorflow")
    B = it.backend_of(tf.ones(1))
    assert B.fused["cross_entropy_logits"] == frozenset()
    calls = []
    kernel = tf.nn.sparse_softmax_cross_entropy_with_logits
    monkeypatch.setattr(tf.nn, "sparse_softmax_cross_entropy_with_logits",
                        lambda **kw: calls.append(1) or kernel(**kw))
    z, y = _data((4, 6))
    it.cross_entropy(tf.constant(z), tf.constant(y), from_logits=True, label_smoothing=0.1)
    assert calls == []
    it.cross_entropy(tf.constant(z), tf.constant(y), from_logits=True)
    assert calls == [1]


@pytest.mark.parametrize("dtype, tol", [("float32", 1e-5), ("float64", 1e-12)])
def test_mxnet_fused_cross_entropy_equals_generic(dtype, tol):
    """MXNet's npx.log_softmax is off by up to 5e-6 in float32, +1.4e-6 for a point mass, and
    gives 89.7 for a row with a NaN logit; the fused kernel must still match the generic one."""
    mx = require("mxnet")
    from tests.gradients import value_and_grads
    B = it.backend_of(mx.np.ones(1))
    assert "cross_entropy_logits" in B.fused
    z, y = _data((6, 7))
    z[1, 3] = np.nan
    z[2, 0] = np.inf
    z[3, 5] = -np.inf
    z[4] = [1e4, 0, 0, 0, 0, 0, 0]  # a point mass: loss exactly 0, not -1.4e-6
    y[4] = 0
    zn = mx.np.array(z, dtype=dtype)
    yn = mx.np.array(y, dtype="int64")
    with B.scope():
        fused = B.fused_cross_entropy_logits(zn, yn).asnumpy()
        generic = K.cross_entropy_logits.generic(B, zn, yn).asnumpy()
    np.testing.assert_array_equal(np.isnan(fused), np.isnan(generic))
    assert np.isnan(fused[1]) and np.isnan(fused[2]) and fused[4] == 0.0
    ok = ~np.isnan(generic)
    np.testing.assert_allclose(fused[ok], generic[ok], rtol=tol, atol=tol)
    assert (fused[ok] >= 0).all()
    # gradients through the public function (which takes the fused kernel) against torch
    torch = require("torch")
    zc, yc = _data((5, 7))
    _, (g,) = value_and_grads("mxnet", lambda t: it.cross_entropy(t, mx.np.array(yc),
                                                                  from_logits=True),
                              [zc], [0], dtype=dtype)
    zt = torch.tensor(zc, requires_grad=True)
    torch.nn.functional.cross_entropy(zt, torch.tensor(yc)).backward()
    np.testing.assert_allclose(g, zt.grad.numpy(), rtol=tol * 10, atol=tol)


@pytest.mark.parametrize("dtype,tol", [("float32", 1e-6), ("float64", 1e-12)])
def test_mxnet_fused_cross_entropy_of_labels_checks_them(dtype, tol):
    """MXNet's pick clips an index out of range; the fused labels kernel makes its loss NaN
    (as the generic path does), as it does for a row with a NaN, +inf or only -inf logits,
    keeps masked (-inf) classes finite, and reduces as the generic kernel, on any rank."""
    mx = require("mxnet")
    z, y = _data((2, 5, 4))
    z[0, 0, 2] = -np.inf  # a masked class: finite
    z[0, 2, 1] = np.nan
    z[1, 0, 3] = np.inf
    z[1, 4, :] = -np.inf
    B = it.backend_of(mx.np.ones(1))
    assert B.fused["cross_entropy_labels"] == {"reduction"}
    zn = mx.np.array(z, dtype=dtype)
    bad = y.copy()
    bad[1, 1], bad[1, 3] = 4, -1
    for labels in (y, bad):
        yn = mx.np.array(labels, dtype="int64")
        for reduction in ("none", "sum", "mean"):
            got = it.cross_entropy(zn, yn, from_logits=True, reduction=reduction).asnumpy()
            with B.scope():
                want = K.cross_entropy_labels.generic(B, zn, yn, reduction=reduction).asnumpy()
            assert got.dtype == np.dtype(dtype)
            np.testing.assert_allclose(got, want, rtol=tol, atol=tol, equal_nan=True)
    losses = it.cross_entropy(zn, mx.np.array(bad), from_logits=True, reduction="none").asnumpy()
    nan = np.zeros((2, 5), bool)
    nan[0, 2] = nan[1, 0] = nan[1, 4] = nan[1, 1] = nan[1, 3] = True
    np.testing.assert_array_equal(np.isnan(losses), nan)
    torch = require("torch")
    ref = torch.nn.functional.cross_entropy(torch.tensor(z[~nan]), torch.tensor(bad[~nan]),
                                            reduction="none").numpy()
    np.testing.assert_allclose(losses[~nan], ref, rtol=max(tol, 1e-5), atol=tol)  # vs float64
    assert (losses[~nan] >= 0).all()


@pytest.mark.parametrize("dtype,tol", [("float32", 1e-5), ("float64", 1e-12)])
def test_mxnet_fused_cross_entropy_gradient_equals_torch(dtype, tol):
    """The fused kernel is one MXNet CachedOp: two calls recorded before
    one backward keep their own intermediates (gradients equal torch's); 3-D logits too."""
    mx = require("mxnet")
    torch = require("torch")
    z, y = _data((3, 4, 6))
    z[0, 0, 2] = -np.inf  # a masked class
    zn, yn = mx.np.array(z, dtype=dtype), mx.np.array(y, dtype="int64")
    zn.attach_grad()
    with mx.autograd.record():
        a = it.cross_entropy(zn, yn, from_logits=True, reduction="none")
        b = it.cross_entropy(zn * 3.0, yn, from_logits=True, reduction="none")
        loss = a + 2.0 * b
    loss.backward()
    zt = torch.tensor(z, requires_grad=True)
    F = torch.nn.functional
    ref = (F.cross_entropy(zt.transpose(1, 2), torch.tensor(y), reduction="none")
           + 2.0 * F.cross_entropy((zt * 3.0).transpose(1, 2), torch.tensor(y), reduction="none"))
    ref.sum().backward()
    np.testing.assert_allclose(loss.asnumpy(), ref.detach().numpy(), rtol=tol, atol=tol)
    np.testing.assert_allclose(zn.grad.asnumpy(), zt.grad.numpy(), rtol=tol, atol=tol)
    assert zn.grad.asnumpy()[0, 0, 2] == 0.0


# --- torch: entropy of logits as one autograd node ---------------------------------------
def _entropy_logits_data(dtype):
    torch = require("torch")
    z = RNG.normal(0, 3, (7, 6))
    z[0, 1] = z[0, 4] = -np.inf  # masked classes
    z[1, :] = -np.inf
    z[1, 2] = 0.5  # a point mass
    z[2, 0] = 80.0  # large logits stay finite
    z[3, 3] = np.nan  # NaN row
    z[4, 5] = np.inf  # +inf row: NaN
    z[5, :] = -np.inf  # no finite logit: NaN
    return torch.tensor(z, dtype=getattr(torch, dtype))


@pytest.mark.parametrize("dtype,tol", [("float32", 1e-6), ("float64", 1e-13)])
def test_torch_fused_entropy_of_logits_equals_generic_in_value_and_gradient(dtype, tol):
    torch = require("torch")
    B = it.backend_of(torch.zeros(1))
    assert "entropy_logits" in B.fused
    z0 = _entropy_logits_data(dtype)
    results = []
    for kernel in (B.fused_entropy_logits, lambda z, ax: K.entropy_logits.generic(B, z, ax)):
        z = z0.clone().requires_grad_()
        h = kernel(z, (1,))
        w = torch.arange(1.0, 8.0, dtype=z.dtype)  # a weighted sum: distinct upstream grads
        (torch.nan_to_num(h, nan=0.0) * w).sum().backward()
        results.append((h.detach().numpy(), z.grad.numpy()))
    (hf, gf), (hg, gg) = results
    np.testing.assert_array_equal(np.isnan(hf), np.isnan(hg))
    assert list(np.flatnonzero(np.isnan(hf))) == [3, 4, 5]
    np.testing.assert_allclose(hf, hg, rtol=tol, atol=tol)
    assert hf[1] == 0.0 and np.all(gf[1] == 0.0)  # a point mass: 0, gradient 0
    assert gf[0, 1] == 0.0 and gf[0, 4] == 0.0  # a -inf logit: gradient exactly 0
    finite = ~np.isnan(hg)
    np.testing.assert_allclose(gf[finite], gg[finite], rtol=tol, atol=tol)


def test_torch_fused_entropy_of_logits_gradients_and_hessians():
    torch = require("torch")
    B = it.backend_of(torch.zeros(1))
    z = torch.tensor(RNG.normal(0, 2, (3, 5)), requires_grad=True)

    def fused(t):
        return B.fused_entropy_logits(t, (1,))
    assert torch.autograd.gradcheck(fused, (z,))
    assert torch.autograd.gradgradcheck(fused, (z,))  # differentiable backward (Hessians)
    v = torch.tensor(RNG.normal(size=(3, 5)))
    hvp = []
    for f in (fused, lambda t: K.entropy_logits.generic(B, t, (1,))):
        (g,) = torch.autograd.grad(f(z).sum(), z, create_graph=True)
        (h,) = torch.autograd.grad((g * v).sum(), z)
        hvp.append(h.numpy())
    np.testing.assert_allclose(hvp[0], hvp[1], rtol=1e-12, atol=1e-14)


def test_public_entropy_of_logits_runs_the_fused_node_except_under_transforms():
    torch = require("torch")
    z = torch.randn(4, 6, requires_grad=True)
    h = it.entropy(z, from_logits=True, base=math.e)
    assert _reaches(h.grad_fn, "EntropyFromLogits")
    assert not _reaches(it.entropy(z, axis=(0, 1), from_logits=True).grad_fn,
                        "EntropyFromLogits")  # two axes: the generic kernel
    from torch.func import grad
    g = grad(lambda t: it.entropy(t, from_logits=True).sum())(z.detach())
    lp = torch.log_softmax(z.detach(), -1)
    ref = -(lp.exp() * (lp + (-(lp.exp() * lp).sum(-1, keepdim=True)))) / math.log(2)
    np.testing.assert_allclose(g.numpy(), ref.numpy(), rtol=1e-5, atol=1e-7)


def _reaches(fn, name, depth=8):
    if fn is None or depth == 0:
        return False
    if name in type(fn).__name__:
        return True
    return any(_reaches(f, name, depth - 1) for f, _ in fn.next_functions)


@pytest.mark.parametrize("dtype,tol", [("float32", 2e-6), ("float64", 1e-13)])
def test_torch_fused_kl_of_logits_equals_generic_in_value_and_gradient(dtype, tol):
    torch = require("torch")
    B = it.backend_of(torch.zeros(1))
    assert "kl_logits" in B.fused
    z0 = _entropy_logits_data(dtype)
    w0 = torch.tensor(RNG.normal(0, 3, (7, 6)), dtype=z0.dtype)
    w0[0, 1] = -np.inf  # q = 0 where p = 0: the term is 0
    w0[6, 2] = -np.inf  # q = 0 where p > 0: +inf
    w0[1, 3] = np.nan  # a NaN or +inf in w alone makes its row NaN
    w0[2, 0] = np.inf
    results = []
    for kernel in (B.fused_kl_logits, lambda z, w, ax: K.kl_logits.generic(B, z, w, ax)):
        z, w = z0.clone().requires_grad_(), w0.clone().requires_grad_()
        d = kernel(z, w, (1,))
        weights = torch.arange(1.0, 8.0, dtype=z.dtype)
        (torch.nan_to_num(d, nan=0.0, posinf=0.0) * weights).sum().backward()
        results.append((d.detach().numpy(), z.grad.numpy(), w.grad.numpy()))
    (df, gzf, gwf), (dg, gzg, gwg) = results
    np.testing.assert_array_equal(np.isnan(df), np.isnan(dg))
    assert list(np.flatnonzero(np.isnan(df))) == [1, 2, 3, 4, 5] and df[6] == np.inf == dg[6]
    finite = np.isfinite(dg)
    np.testing.assert_allclose(df[finite], dg[finite], rtol=tol, atol=tol)
    np.testing.assert_allclose(gzf[finite], gzg[finite], rtol=tol, atol=tol)
    np.testing.assert_allclose(gwf[finite], gwg[finite], rtol=tol, atol=tol)
    assert gzf[0, 1] == 0.0 and gwf[0, 1] == 0.0  # a class both give probability 0


def test_torch_fused_kl_of_logits_gradient_of_logits_alone():
    """Distillation: the teacher's logits need no gradient; the student's is the generic
    kernel's, and none is made for the teacher."""
    torch = require("torch")
    B = it.backend_of(torch.zeros(1))
    teacher = torch.tensor(RNG.normal(0, 2, (4, 6)))
    student = torch.tensor(RNG.normal(0, 2, (4, 6)))
    grads = []
    for f in (B.fused_kl_logits, lambda a, b, ax: K.kl_logits.generic(B, a, b, ax)):
        z = student.clone().requires_grad_()
        f(z, teacher, (1,)).sum().backward()
        grads.append(z.grad.numpy())
        assert teacher.grad is None
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-12, atol=1e-14)
    z = torch.zeros(4, 6, requires_grad=True)
    (gz,) = torch.autograd.grad(B.fused_kl_logits(z, teacher, (1,)).sum(), (z,),
                                create_graph=True)
    assert gz.requires_grad  # create_graph: the gradient is differentiable without the teacher's


def test_torch_fused_kl_of_logits_gradients_hessians_and_dispatch():
    torch = require("torch")
    B = it.backend_of(torch.zeros(1))
    z = torch.tensor(RNG.normal(0, 2, (3, 5)), requires_grad=True)
    w = torch.tensor(RNG.normal(0, 2, (3, 5)), requires_grad=True)

    def fused(a, b):
        return B.fused_kl_logits(a, b, (1,))
    assert torch.autograd.gradcheck(fused, (z, w))
    assert torch.autograd.gradgradcheck(fused, (z, w))
    v = torch.tensor(RNG.normal(size=(3, 5)))
    hvp = []
    for f in (fused, lambda a, b: K.kl_logits.generic(B, a, b, (1,))):
        gz, gw = torch.autograd.grad(f(z, w).sum(), (z, w), create_graph=True)
        hvp.append([h.numpy() for h in torch.autograd.grad((gz * v + gw * v).sum(), (z, w))])
    for a, b in zip(*hvp):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)
    assert _reaches(it.kl_divergence(z, w, from_logits=True).grad_fn, "KLFromLogits")
    # broadcast shapes and probability inputs keep the generic kernels
    assert not _reaches(it.kl_divergence(z, w[:1], from_logits=True).grad_fn, "KLFromLogits")
    assert not _reaches(it.kl_divergence(z.softmax(-1), w, from_logits="q").grad_fn,
                        "KLFromLogits")


def test_mxnet_fused_cross_entropy_of_one_row():
    """1-D logits with a 0-d label (MXNet's pick takes no 0-d index: it failed before): a 0-d
    loss equal to torch's, on any reduction."""
    mx = require("mxnet")
    torch = require("torch")
    z = np.array([1.0, 2.0, 0.5, -1.0, 0.0])
    ref = float(torch.nn.functional.cross_entropy(torch.tensor(z), torch.tensor(1)))
    for reduction in ("none", "mean", "sum"):
        got = it.cross_entropy(mx.np.array(z), mx.np.array(1, dtype="int64"), from_logits=True,
                               reduction=reduction)
        assert got.shape == ()
        assert abs(float(got) - ref) < 1e-6
    bad = it.cross_entropy(mx.np.array(z), mx.np.array(5, dtype="int64"), from_logits=True)
    assert np.isnan(float(bad))


# --- reductions and the fused-or-generic choice ----------------------------------------
RNG17 = np.random.default_rng(17)
P = dirichlet_with_zeros(RNG17, (3, 7))
Q = dirichlet_with_zeros(RNG17, (3, 7))  # zeros where P > 0 too: infinite KL rows
Q_ROW = dirichlet_with_zeros(RNG17, (1, 7), zero_fraction=0.0)  # broadcasts
Q_3D = dirichlet_with_zeros(RNG17, (2, 1, 7))  # broadcasts to a higher rank
AXES = [(1,), (0,), (0, 1), None]
REDUCTIONS = ["neg_sum_xlogx", "entropy_of_probabilities", "neg_sum_xlogy", "sum_xlogratio",
              "kl_of_probabilities"]
ONE_INPUT = ("neg_sum_xlogx", "entropy_of_probabilities")


def _declared():
    """(backend, kernel) for every fused kernel a built-in backend declares."""
    out = []
    for name in BACKENDS:
        b = next(b for b in it.registered_backends() if name in (b.name, *b.variants))
        out += [(name, k) for k in b.fused]
    return out


DECLARED = _declared()
REDUCTION_CASES = [(b, k) for b, k in DECLARED if k in REDUCTIONS]


def _backend(backend):
    require(backend)
    return it.backend_of(native(backend, [0.5]))


def test_every_backend_declares_only_known_kernels():
    assert DECLARED, "no fused kernel is declared: these tests would test nothing"
    for backend, kernel in DECLARED:
        assert kernel in K.FUSABLE, (backend, kernel)


@pytest.mark.parametrize("backend,kernel", REDUCTION_CASES, ids=lambda v: str(v))
@pytest.mark.parametrize("axis", AXES, ids=str)
@pytest.mark.parametrize("q", ["q", "q_row"])
def test_fused_reduction_equals_generic(backend, kernel, axis, q):
    B = _backend(backend)
    p = native(backend, P)
    other = native(backend, Q if q == "q" else Q_ROW)
    args = (p,) if kernel in ONE_INPUT else (p, other)
    with B.scope():
        args = [B.float_tensor(a) for a in args]
        fused = getattr(B, "fused_" + kernel)(*args, axis)
        assert fused is not NotImplemented
        fused = to_np(fused)
        with np.errstate(all="ignore"):  # the generic version on NumPy warns of log(0)
            generic = to_np(K.FUSABLE[kernel].generic(B, *args, axis))
    np.testing.assert_array_equal(np.isinf(fused), np.isinf(generic))
    np.testing.assert_allclose(fused, generic, rtol=1e-13, atol=1e-15)
    assert not np.signbit(fused[fused == 0]).any()  # +0, not -0


@pytest.mark.parametrize("backend,kernel",
                         [c for c in REDUCTION_CASES if c[1] not in ONE_INPUT], ids=str)
def test_fused_reduction_broadcasts_to_a_higher_rank(backend, kernel):
    """The first version's in-place torch kernels refused (2, 1, 7) against (3, 7)."""
    B = _backend(backend)
    with B.scope():
        p, q = B.float_tensor(native(backend, P)), B.float_tensor(native(backend, Q_3D))
        if kernel == "kl_of_probabilities":  # its inputs come at one rank (the row checks)
            p = B.expand_dims(p, 0)
        fused = to_np(getattr(B, "fused_" + kernel)(p, q, (2,)))
        with np.errstate(all="ignore"):
            generic = to_np(K.FUSABLE[kernel].generic(B, p, q, (2,)))
    assert fused.shape == (2, 3)
    np.testing.assert_allclose(fused, generic, rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("backend", [b for b, k in DECLARED if k == "sum_pmi_terms"])
@pytest.mark.parametrize("given", [False, True])
def test_fused_mutual_information_equals_generic(backend, given):
    B = _backend(backend)
    joint = dirichlet_with_zeros(RNG17, (2, 12)).reshape(2, 3, 4)
    joint[0, 1, :] = 0  # a zero marginal
    p_x = joint.sum(-1, keepdims=True) if not given else np.array([[0.2], [0.0], [0.8]])
    p_y = joint.sum(-2, keepdims=True)
    with B.scope(), np.errstate(all="ignore"):
        args = [B.float_tensor(native(backend, a)) for a in (joint, p_x, p_y)]
        fused = to_np(B.fused_sum_pmi_terms(*args, (-2, -1)))
        generic = to_np(K.sum_pmi_terms.generic(B, *args, (-2, -1)))
    np.testing.assert_array_equal(np.isinf(fused), np.isinf(generic))
    np.testing.assert_allclose(fused, generic, rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("backend", [b for b, k in DECLARED if k == "entropy_of_probabilities"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_fused_entropy_of_probabilities_flags_the_rows_the_generic_block_flags(backend, dtype):
    """Rows with an entry above 1 beyond rounding are NaN in the fused op as in the generic
    block (its row check), in a batch and in a full reduction; rows at the limit are not."""
    from infotheory.backends._base import ROUNDING
    B = _backend(backend)
    eps = np.float64(ROUNDING[np.dtype(dtype).itemsize])
    rows = np.array([[0.5, 0.5, 0.0], [1.0 + eps, 0.0, 0.0], [1.0 + 4 * eps, 0.0, 0.0],
                     [0.2, 1.5, -0.7], [np.nan, 0.5, 0.5]], dtype)
    with B.scope(), np.errstate(all="ignore"):
        for x, axis in ((rows, (1,)), (rows[2], (0,)), (rows[:2], (0, 1)), (rows[:1], (0, 1))):
            t = B.float_tensor(native(backend, x, dtype))
            fused = to_np(B.fused_entropy_of_probabilities(t, axis))
            generic = to_np(K.entropy_of_probabilities.generic(B, t, axis))
            np.testing.assert_array_equal(np.isnan(fused), np.isnan(generic))
            np.testing.assert_allclose(fused, generic, rtol=1e-6, atol=0)
        flagged = np.isnan(to_np(B.fused_entropy_of_probabilities(
            B.float_tensor(native(backend, rows, dtype)), (1,))))
        # past NumPy's small-input path (SciPy's xlogy up to 256 terms): the masked log
        big = RNG.dirichlet(np.ones(300), size=3)
        big[0, :10] = 0
        big[1, 5] = 1.5
        t = B.float_tensor(native(backend, big, dtype))
        fused = to_np(B.fused_entropy_of_probabilities(t, (1,)))
        generic = to_np(K.entropy_of_probabilities.generic(B, t, (1,)))
    assert list(flagged) == [False, False, True, True, True]
    assert list(np.isnan(fused)) == list(np.isnan(generic)) == [False, True, False]
    np.testing.assert_allclose(fused[[0, 2]], generic[[0, 2]], rtol=1e-6)
    np.testing.assert_allclose(fused[[0, 2]], -np.sum(big[[0, 2]] * np.log(
        np.where(big[[0, 2]] > 0, big[[0, 2]], 1)), axis=1), rtol=1e-6)


@pytest.mark.parametrize("backend", [b for b, k in DECLARED if k == "kl_of_probabilities"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_fused_kl_of_probabilities_flags_the_rows_the_generic_block_flags(backend, dtype):
    """KL's row checks in the fused op: p above 1 beyond rounding, q below 0 (also where p is
    0), above 1 or NaN give NaN rows as the generic block's checks do; rows at the limit and
    q = 0 under p > 0 (+inf) do not."""
    from infotheory.backends._base import ROUNDING
    B = _backend(backend)
    eps = np.float64(ROUNDING[np.dtype(dtype).itemsize])
    p = np.array([[0.5, 0.5, 0.0], [1.0 + eps, 0.0, 0.0], [1.0 + 4 * eps, 0.0, 0.0],
                  [0.5, 0.5, 0.0], [0.5, 0.5, 0.0], [0.5, 0.5, 0.0], [0.5, 0.5, 0.0]], dtype)
    q = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [1.0, 0.0, 0.0], [0.5, 0.7, -0.2],
                  [0.2, 0.2, 1.0 + 4 * eps], [np.nan, 0.5, 0.5], [0.25, 0.25, 0.5]], dtype)
    with B.scope(), np.errstate(all="ignore"):
        for axis, rows in (((1,), slice(None)), ((0, 1), slice(0, 2)), ((0, 1), slice(3, 4)),
                           (None, slice(6, 7))):
            pt, qt = (B.float_tensor(native(backend, x[rows], dtype)) for x in (p, q))
            fused = to_np(B.fused_kl_of_probabilities(pt, qt, axis))
            generic = to_np(K.kl_of_probabilities.generic(B, pt, qt, axis))
            np.testing.assert_array_equal(np.isnan(fused), np.isnan(generic))
            np.testing.assert_allclose(fused, generic, rtol=1e-6, atol=0)
        flagged = to_np(B.fused_kl_of_probabilities(
            B.float_tensor(native(backend, p, dtype)), B.float_tensor(native(backend, q, dtype)),
            (1,)))
    assert list(np.isnan(flagged)) == [False, False, True, True, True, True, False]
    assert flagged[0] == np.inf


def test_torch_xlogy_path_and_grad_path_agree():
    torch = require("torch")
    B = it.backend_of(torch.ones(1))
    p = torch.tensor(P)
    no_grad = K.neg_sum_xlogx(B, p, (1,))
    with_grad = K.neg_sum_xlogx(B, p.clone().requires_grad_(True), (1,))
    assert with_grad.requires_grad and not no_grad.requires_grad
    assert B.fused_neg_sum_xlogx(p.clone().requires_grad_(True), (1,)) is NotImplemented
    torch.testing.assert_close(no_grad, with_grad.detach(), rtol=1e-14, atol=0)


def test_an_option_in_use_that_the_fused_op_lacks_takes_the_generic_block():
    """The fused op runs only when every option in use (different from the block's default)
    is one it supports: ``ignore_index=0`` is in use (MXNet once read 0 as unused and dropped
    it), ``None`` is not; an op returning NotImplemented declines."""
    calls = []

    @K.fusable
    def spy_block(B, p, axis, weight=None, ignore_index=None, label_smoothing=0.0):
        return "generic"

    class Spy(type(it.backend_of(np.ones(1)))):
        fused = {"spy_block": frozenset({"label_smoothing"})}

        def fused_spy_block(self, p, axis, weight=None, ignore_index=None, label_smoothing=0.0):
            calls.append((weight, ignore_index, label_smoothing))
            return NotImplemented if label_smoothing == 0.5 else "fused"

    B, p = Spy(), np.array([0.5, 0.5])
    try:
        assert spy_block(B, p, (0,)) == "fused"
        assert spy_block(B, p, (0,), weight=None, ignore_index=None) == "fused"
        assert spy_block(B, p, (0,), label_smoothing=0.0) == "fused"
        assert spy_block(B, p, (0,), label_smoothing=0.1) == "fused"
        assert spy_block(B, p, (0,), ignore_index=0) == "generic"
        assert spy_block(B, p, (0,), weight=p) == "generic"
        assert spy_block(B, p, (0,), label_smoothing=0.5) == "generic"  # declined
        assert spy_block(B, p, (0,), p) == "generic"  # weight given by position is in use
        assert spy_block(B, p, (0,), None, None, 0.1) == "fused"
        assert spy_block.generic(B, p, (0,)) == "generic"
    finally:
        del K.FUSABLE["spy_block"]
    # the fused op takes the block's parameters, in its order
    assert calls == [(None, None, 0.0), (None, None, 0.0), (None, None, 0.0), (None, None, 0.1),
                     (None, None, 0.5), (None, None, 0.1)]


def test_tiny_marginals_do_not_underflow(backend):
    """Found by the property tests: p(x) p(y) = 1e-48 underflows float32 to 0, which made the
    mutual information of a valid distribution +inf. Logs are now subtracted instead."""
    joint = np.zeros((3, 3))
    joint[1, 1], joint[2, 2] = 1.44e-24, 1.0
    mi = to_np(it.mutual_information(native(backend, joint, "float32")))
    assert np.isfinite(mi) and abs(mi - 0.0) < 1e-6
    pmi = to_np(it.pointwise_mutual_information(native(backend, joint, "float32")))
    assert np.isfinite(pmi[1, 1]) and abs(pmi[1, 1] - np.log2(1 / 1.44e-24)) < 1e-3


def test_kl_with_a_subnormal_q_is_finite(backend):
    """q = 1e-40 is subnormal in float32: p / q overflows, log p - log q does not."""
    p = native(backend, [1.0, 0.0], "float32")
    q = native(backend, [1e-40, 1.0], "float32")
    kl = to_np(it.kl_divergence(p, q))
    q32 = float(np.float32(1e-40))
    if backend == "jax":  # XLA on the CPU flushes subnormal inputs to 0: q = 0 under p > 0
        assert kl == np.inf
        return
    assert np.isfinite(kl)
    if backend != "tensorflow":  # TF's CPU kernels treat subnormals as 0 (denormals-are-zero)
        assert abs(kl - (-np.log2(q32))) < 1e-4


def test_every_fused_op_takes_its_blocks_parameters_in_order():
    """Options reach a fused op by position as well as by name (a plan's kernel gets the
    tensors positionally): its parameters must be the block's, in the block's order."""
    import inspect

    for backend, kernel in DECLARED:
        B = next(b for b in it.registered_backends() if backend in (b.name, *b.variants))
        ours = list(inspect.signature(getattr(B, "fused_" + kernel)).parameters)
        block = list(inspect.signature(K.FUSABLE[kernel].generic).parameters)[1:]
        assert ours == block, (backend, kernel, ours, block)


@pytest.mark.parametrize("dtype,rel", [("float32", 2e-6), ("float64", 1e-12)])
def test_numpy_long_flat_reductions_run_by_chunks_and_equal_scipy(dtype, rel, monkeypatch):
    """A long reduction of everything runs over cache-sized chunks (``_sum_by_chunks``): the
    same sums as SciPy's elementwise terms summed in float64, with zeros, q = 0 under p = 0 and
    under p > 0 on chunk boundaries and in the last, partial chunk."""
    from scipy import special

    import infotheory.backends.numpy as nb

    calls = []
    real = nb._sum_by_chunks
    monkeypatch.setattr(nb, "_sum_by_chunks", lambda *a: calls.append(a[0]) or real(*a))
    n, c = 3 * nb._CHUNK + 123, nb._CHUNK
    p = RNG.random(n).astype(dtype)
    p[RNG.random(n) < 0.05] = 0.0
    p[[c - 1, c, 2 * c, n - 1]] = 0.0
    p /= p.sum(dtype=np.float64)
    q = RNG.random(n).astype(dtype)
    q /= q.sum(dtype=np.float64)
    q[[c - 1, c, n - 1]] = 0.0  # under p = 0: terms of 0
    p64, q64 = p.astype(np.float64), q.astype(np.float64)
    ln2 = math.log(2)
    h = float(it.entropy(p))
    assert h == pytest.approx(special.entr(p64).sum() / ln2, rel=rel)
    ce = float(it.cross_entropy(q, p))  # the loss: predictions q, targets p, in nats
    assert ce == pytest.approx(-special.xlogy(p64, q64).sum(), rel=rel)
    kl = float(it.kl_divergence(p, q))
    assert kl == pytest.approx(special.rel_entr(p64, q64).sum() / ln2, rel=rel)
    assert calls == [nb._xlogx_into, nb._xlogy_into, nb._xlogratio_into]
    q_inf = q.copy()
    q_inf[np.flatnonzero(p[2 * c:])[0] + 2 * c] = 0.0  # under p > 0 in the third chunk
    assert float(it.kl_divergence(p, q_inf)) == math.inf
    # nearly equal: the chunked sum is below the threshold, so the terms close to each other
    # are recomputed on the full path (log1p of the relative difference)
    near = p * (1 + 1e-3 * RNG.standard_normal(n)).astype(dtype)
    near /= near.sum(dtype=np.float64)
    kl_near = float(it.kl_divergence(p, near))
    want = special.rel_entr(p64, near.astype(np.float64)).sum() / ln2
    assert 0 < want < nb._NEARLY_EQUAL
    assert kl_near == pytest.approx(want, rel=1e-3 if dtype == "float32" else 1e-9)


@pytest.mark.parametrize("pos_weight", [None, "vector"])
def test_torch_fused_bce_of_logits_equals_generic_in_value_and_gradient(pos_weight):
    """F.binary_cross_entropy_with_logits with the limits at infinite logits (torch gives NaN
    there): the generic block's values everywhere, its gradient at finite logits."""
    torch = require("torch")
    B = it.backend_of(torch.zeros(1))
    assert "bce_logits" in B.fused
    z0 = torch.tensor(RNG.normal(0, 4, (6, 5)))
    z0[0, :4] = torch.tensor([np.inf, -np.inf, np.inf, -np.inf])
    z0[1, :2] = torch.tensor([1000.0, -1000.0])
    y = torch.tensor(RNG.random((6, 5)))
    y[0, :4] = torch.tensor([1.0, 0.0, 0.3, 0.7])
    y[2, :2] = torch.tensor([0.0, 1.0])
    c = None if pos_weight is None else torch.tensor(RNG.random(5) * 3)
    results = []
    for kernel in (B.fused_bce_logits, lambda *a: K.bce_logits.generic(B, *a)):
        z = z0.clone().requires_grad_()
        losses = kernel(z, y, c)
        assert losses.grad_fn is not None
        finite = torch.isfinite(losses.detach())
        (torch.where(finite, losses, 0.0) * torch.arange(1.0, 31.0).reshape(6, 5)).sum() \
            .backward()
        results.append((losses.detach().numpy(), z.grad.numpy()))
    (lf, gf), (lg, gg) = results
    np.testing.assert_allclose(lf, lg, rtol=1e-12, atol=1e-12)
    assert lf[0, 0] == lf[0, 1] == 0 and lf[0, 2] == lf[0, 3] == np.inf
    finite_z = np.isfinite(z0.numpy())
    np.testing.assert_allclose(gf[finite_z], gg[finite_z], rtol=1e-10, atol=1e-12)
