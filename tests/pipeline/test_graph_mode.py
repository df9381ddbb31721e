"""Graph mode: tf.function (and XLA), torch.compile(fullgraph=True), torch.func.grad/vmap."""
import math
import re
import textwrap

import numpy as np
import pytest
from scipy import special

import infotheory as it
from infotheory.testing import dirichlet_with_zeros
from tests.conftest import require, run_child

RNG = np.random.default_rng(5)
P = dirichlet_with_zeros(RNG, (4, 6))
Q = dirichlet_with_zeros(RNG, (4, 6), zero_fraction=0.0)
J = dirichlet_with_zeros(RNG, (3, 12)).reshape(3, 3, 4)
Z = RNG.normal(0, 3, (4, 6))
Y = np.array([0, 5, 2, 3])

MEASURES = {
    "self_information": (it.self_information, (Q,)),
    "entropy": (it.entropy, (P,)),
    "entropy_logits": (lambda z: it.entropy(z, from_logits=True), (Z,)),
    "joint_entropy": (it.joint_entropy, (J,)),
    "conditional_entropy": (it.conditional_entropy, (J,)),
    "mutual_information": (it.mutual_information, (J,)),
    "pointwise_mutual_information": (it.pointwise_mutual_information, (J,)),
    "kl_divergence": (it.kl_divergence, (P, Q)),
    "kl_divergence_logits": (lambda a, b: it.kl_divergence(a, b, from_logits=True), (Z, Z[::-1].copy())),
    "cross_entropy": (it.cross_entropy, (Q, Y)),
    "cross_entropy_logits": (lambda z, y: it.cross_entropy(z, y, from_logits=True), (Z, Y)),
    "cross_entropy_targets": (it.cross_entropy, (Q, P)),
    "nll_loss": (it.nll_loss, (np.log(Q), Y)),
}


@pytest.mark.parametrize("jit", [False, True], ids=["tf.function", "xla"])
@pytest.mark.parametrize("name", MEASURES)
def test_tf_function_matches_eager(name, jit):
    tf = require("tensorflow")
    f, args = MEASURES[name]
    ts = [tf.constant(a) for a in args]
    eager = f(*ts).numpy()
    graph = tf.function(f, jit_compile=jit)(*ts).numpy()
    np.testing.assert_allclose(graph, eager, rtol=1e-12)


def test_tf_function_gradient_and_keras_symbolic_shapes():
    tf = require("tensorflow")

    @tf.function(input_signature=[tf.TensorSpec([None, 6], tf.float32)])
    def loss(z):
        with tf.GradientTape() as tape:
            tape.watch(z)
            h = tf.reduce_mean(it.entropy(z, from_logits=True))
        return h, tape.gradient(h, z)

    h, g = loss(tf.constant(Z, tf.float32))
    assert np.isfinite(g.numpy()).all() and h.shape == ()


def test_validation_needs_eager_mode():
    tf = require("tensorflow")
    with pytest.raises(RuntimeError, match=r"validate=True or it.validation\(\)\) reads values "
                                           r"on the host and needs eager execution"):
        tf.function(lambda p: it.entropy(p, validate=True))(tf.constant(P))


COMPILED = {
    "entropy": MEASURES["entropy"],
    "kl_divergence": MEASURES["kl_divergence"],
    "cross_entropy_logits": MEASURES["cross_entropy_logits"],
    "cross_entropy": MEASURES["cross_entropy"],
}


@pytest.mark.parametrize("name", COMPILED)
def test_torch_compile_fullgraph_matches_eager(name):
    torch = require("torch")
    f, args = COMPILED[name]
    ts = [torch.tensor(a) for a in args]
    compiled = torch.compile(f, fullgraph=True)
    torch.testing.assert_close(compiled(*ts), f(*ts), rtol=1e-12, atol=1e-12)


def test_torch_func_grad_and_vmap():
    torch = require("torch")
    from torch.func import grad, vmap

    p, q = torch.tensor(P), torch.tensor(Q)
    for f, args in ((it.entropy, (p,)), (it.kl_divergence, (p, q))):
        batched = vmap(f)(*args)
        torch.testing.assert_close(batched, f(*args))
        g = vmap(grad(f))(*args)
        leaf = args[0].clone().requires_grad_(True)
        f(leaf, *args[1:]).sum().backward()
        torch.testing.assert_close(g, leaf.grad)
        assert torch.isfinite(g).all()


def test_autograph_runs_the_library_unconverted():
    """tf.function traces our functions as they are (no AutoGraph conversion): no generated
    code in the traceback of an error raised while tracing, and the error is ours, unwrapped."""
    import traceback

    tf = require("tensorflow")

    @tf.function
    def loss(z):
        return it.entropy(z, axis=5)  # a bad axis: our ValueError, raised while tracing

    with pytest.raises(ValueError, match="entropy: axis 5 is out of range") as info:
        loss(tf.constant(Z))
    frames = "".join(traceback.format_tb(info.value.__traceback__))
    assert "infotheory/measures.py" in frames  # our code ran as written...
    # ...not as AutoGraph's conversions (only the user's own function, loss, is converted)
    assert re.findall(r"in (tf__\w+)", frames) == ["tf__loss"], frames


@pytest.mark.slow  # a subprocess (make test-fast skips it)
def test_torch_compile_traces_once_from_a_fresh_process():
    """Dynamo guards on every value the traced Python reads: a library cache read during the
    trace and filled afterwards (the dispatch cache, dtype kinds, the remembered-call stack)
    fails its guard on the next call and recompiles the caller, whose every later call then
    checks the stale entries' guards first. The first call of a fresh process is traced, then
    eager calls fill every cache: no recompilation."""
    require("torch")
    code = textwrap.dedent("""
        import torch, torch._dynamo
        import infotheory as it
        torch._dynamo.config.error_on_recompile = True
        f = torch.compile(lambda z, y: it.cross_entropy(z, y, from_logits=True)
                          + it.entropy(z, from_logits=True).mean(), fullgraph=True)
        z = torch.randn(8, 5, requires_grad=True)
        y = torch.randint(0, 5, (8,))
        for _ in range(3):
            f(z, y).backward()
            it.cross_entropy(z, y, from_logits=True).backward()  # eager: fills the caches
            it.entropy(z.detach().softmax(-1))
        print("graphs", torch._dynamo.utils.counters["stats"]["unique_graphs"])
    """)
    out = run_child(["-c", code], timeout=300)
    assert "graphs 1" in out.stdout


def test_tf_function_with_an_unknown_class_dimension():
    tf = require("tensorflow")
    spec = tf.TensorSpec([None, None], tf.float32)
    lab = tf.TensorSpec([None], tf.int64)
    ce = tf.function(lambda z, y: it.cross_entropy(z, y, from_logits=True, reduction="none"),
                     input_signature=[spec, lab])
    nll = tf.function(lambda z, y: it.nll_loss(z, y, reduction="none"),
                      input_signature=[spec, lab])
    z = np.array([[1.0, 2.0, 0.5], [0.0, 0.0, 3.0]], np.float32)
    y = np.array([2, 5])  # 5 is out of range: NaN, decided inside the graph
    got = ce(tf.constant(z), tf.constant(y)).numpy()
    assert got[0] == pytest.approx(-special.log_softmax(z[0].astype(float))[2], rel=1e-6)
    assert math.isnan(got[1])
    got = nll(tf.constant(z), tf.constant(y)).numpy()
    assert got[0] == -z[0, 2] and math.isnan(got[1])
    unknown = tf.function(lambda p: it.entropy(p), input_signature=[tf.TensorSpec(None)])
    with pytest.raises(ValueError, match="entropy: p has an unknown rank"):
        unknown.get_concrete_function()


def test_logits_of_unknown_size_against_a_known_broadcast_are_refused():
    """tf.function with TensorSpec([None]) for p (one logit at run time) and q of shape (3,):
    KL 3.2958 where known shapes give 0.0 (JSD 0.2616 vs 0.0): the size-1 broadcast rule of
    logits was skipped. Ambiguous, so refused; known shapes keep the rule."""
    tf = require("tensorflow")
    for f in (it.kl_divergence, it.jensen_shannon_divergence):
        g = tf.function(lambda p, q: f(p, q, from_logits=True),
                        input_signature=[tf.TensorSpec([None], tf.float64),
                                         tf.TensorSpec([3], tf.float64)])
        with pytest.raises(ValueError, match="p holds logits with a dimension of unknown size"):
            g(tf.constant([0.5], tf.float64), tf.constant([1.0, 2.0, 3.0], tf.float64))
        known = f(tf.constant([0.5], tf.float64), tf.constant([1.0, 1.0, 1.0], tf.float64),
                  from_logits=True)
        assert float(known) == pytest.approx(0.0, abs=1e-12)
    both = tf.function(lambda p, q: it.kl_divergence(p, q, from_logits=True),
                       input_signature=[tf.TensorSpec([None], tf.float64)] * 2)
    assert float(both(tf.constant([0.5, 1.0], tf.float64),
                      tf.constant([0.5, 1.0], tf.float64))) == pytest.approx(0.0, abs=1e-12)


def test_torch_compile_fullgraph_after_a_default_base_block():
    """Once a block was opened, eager calls read the context variable (a copied context keeps
    the block's unit); torch.compile cannot trace that read, so while it traces only an open
    block is read: fullgraph works after blocks closed."""
    torch = require("torch")
    with it.default_base(math.e), it.validation(False):
        pass
    f = torch.compile(lambda p: it.entropy(p), fullgraph=True)
    p = torch.tensor([0.5, 0.5])
    assert float(f(p)) == 1.0
