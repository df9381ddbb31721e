"""Every fused kernel a backend declares (``Backend.fused``) gives the generic kernel's result
(``infotheory._kernels``): same values, zeros, infinities, broadcasting and axes. Only declared
kernels are tested, so no case compares a kernel with itself."""
import numpy as np
import pytest

import infotheory as it
from infotheory import _kernels as K
from infotheory import estimate  # noqa: F401 - registers the neighbour-search blocks
from infotheory.testing import dirichlet_with_zeros
from tests.conftest import BACKENDS, native, require, to_np

RNG = np.random.default_rng(17)
P = dirichlet_with_zeros(RNG, (3, 7))
Q = dirichlet_with_zeros(RNG, (3, 7))  # zeros where P > 0 too: infinite KL rows
Q_ROW = dirichlet_with_zeros(RNG, (1, 7), zero_fraction=0.0)  # broadcasts
Q_3D = dirichlet_with_zeros(RNG, (2, 1, 7))  # broadcasts to a higher rank
AXES = [(1,), (0,), (0, 1), None]
REDUCTIONS = ["neg_sum_xlogx", "neg_sum_xlogy", "sum_xlogratio"]


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
    args = (p,) if kernel == "neg_sum_xlogx" else (p, other)
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
                         [c for c in REDUCTION_CASES if c[1] != "neg_sum_xlogx"], ids=str)
def test_fused_reduction_broadcasts_to_a_higher_rank(backend, kernel):
    """The first version's in-place torch kernels refused (2, 1, 7) against (3, 7)."""
    B = _backend(backend)
    with B.scope():
        p, q = B.float_tensor(native(backend, P)), B.float_tensor(native(backend, Q_3D))
        fused = to_np(getattr(B, "fused_" + kernel)(p, q, (2,)))
        with np.errstate(all="ignore"):
            generic = to_np(K.FUSABLE[kernel].generic(B, p, q, (2,)))
    assert fused.shape == (2, 3)
    np.testing.assert_allclose(fused, generic, rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("backend", [b for b, k in DECLARED if k == "sum_pmi_terms"])
@pytest.mark.parametrize("given", [False, True])
def test_fused_mutual_information_equals_generic(backend, given):
    B = _backend(backend)
    joint = dirichlet_with_zeros(RNG, (2, 12)).reshape(2, 3, 4)
    joint[0, 1, :] = 0  # a zero marginal
    p_x = joint.sum(-1, keepdims=True) if not given else np.array([[0.2], [0.0], [0.8]])
    p_y = joint.sum(-2, keepdims=True)
    with B.scope(), np.errstate(all="ignore"):
        args = [B.float_tensor(native(backend, a)) for a in (joint, p_x, p_y)]
        fused = to_np(B.fused_sum_pmi_terms(*args, (-2, -1)))
        generic = to_np(K.sum_pmi_terms.generic(B, *args, (-2, -1)))
    np.testing.assert_array_equal(np.isinf(fused), np.isinf(generic))
    np.testing.assert_allclose(fused, generic, rtol=1e-13, atol=1e-15)


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

        def fused_spy_block(self, p, axis, **options):
            calls.append(options)
            return NotImplemented if options.get("label_smoothing") == 0.5 else "fused"

    B, p = Spy(), np.array([0.5, 0.5])
    try:
        assert spy_block(B, p, (0,)) == "fused"
        assert spy_block(B, p, (0,), weight=None, ignore_index=None) == "fused"
        assert spy_block(B, p, (0,), label_smoothing=0.0) == "fused"
        assert spy_block(B, p, (0,), label_smoothing=0.1) == "fused"
        assert spy_block(B, p, (0,), ignore_index=0) == "generic"
        assert spy_block(B, p, (0,), weight=p) == "generic"
        assert spy_block(B, p, (0,), label_smoothing=0.5) == "generic"  # declined
        assert spy_block.generic(B, p, (0,)) == "generic"
    finally:
        del K.FUSABLE["spy_block"]
    assert calls == [{}, {"weight": None, "ignore_index": None}, {"label_smoothing": 0.0},
                     {"label_smoothing": 0.1}, {"label_smoothing": 0.5}]


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
