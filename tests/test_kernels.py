"""Every backend kernel that overrides a generic one (infotheory.backends._base.Backend) gives
the generic result: same values, zeros, infinities, broadcasting and axes."""
import numpy as np
import pytest

import infotheory as it
from infotheory.backends._base import Backend
from infotheory.conformance import dirichlet_with_zeros
from tests.conftest import native, require, to_np

RNG = np.random.default_rng(17)
P = dirichlet_with_zeros(RNG, (3, 7))
Q = dirichlet_with_zeros(RNG, (3, 7))  # zeros where P > 0 too: infinite KL rows
Q_ROW = dirichlet_with_zeros(RNG, (1, 7), zero_fraction=0.0)  # broadcasts
AXES = [(1,), (0,), (0, 1), None]
KERNELS = ["neg_sum_xlogx", "neg_sum_xlogy", "sum_xlogratio"]


def _backend(backend):
    B = it.backend_of(native(backend, [0.5]))
    return B


@pytest.mark.parametrize("kernel", KERNELS)
@pytest.mark.parametrize("axis", AXES, ids=str)
@pytest.mark.parametrize("q", ["q", "q_row"])
def test_kernel_override_equals_generic(backend, kernel, axis, q):
    B = _backend(backend)
    p = native(backend, P)
    other = native(backend, Q if q == "q" else Q_ROW)
    args = (p,) if kernel == "neg_sum_xlogx" else (p, other)
    with B.scope(), np.errstate(all="ignore"):  # the generic version on NumPy warns of log(0)
        args = [B.float_tensor(a) for a in args]
        fast = to_np(getattr(B, kernel)(*args, axis))
        generic = to_np(getattr(Backend, kernel)(B, *args, axis))
    np.testing.assert_array_equal(np.isinf(fast), np.isinf(generic))
    np.testing.assert_allclose(fast, generic, rtol=1e-13, atol=1e-15)
    assert not np.signbit(fast[fast == 0]).any()  # +0, not -0


def test_torch_entr_path_and_grad_path_agree():
    torch = require("torch")
    B = it.backend_of(torch.ones(1))
    p = torch.tensor(P)
    no_grad = B.neg_sum_xlogx(p, (1,))
    with_grad = B.neg_sum_xlogx(p.clone().requires_grad_(True), (1,))
    assert with_grad.requires_grad and not no_grad.requires_grad
    torch.testing.assert_close(no_grad, with_grad.detach(), rtol=1e-14, atol=0)


@pytest.mark.parametrize("given", [False, True])
def test_mutual_information_kernel_equals_generic(backend, given):
    B = _backend(backend)
    joint = dirichlet_with_zeros(RNG, (2, 12)).reshape(2, 3, 4)
    joint[0, 1, :] = 0  # a zero marginal
    p_x = joint.sum(-1, keepdims=True) if not given else np.array([[0.2], [0.0], [0.8]])
    p_y = joint.sum(-2, keepdims=True)
    with B.scope(), np.errstate(all="ignore"):
        args = [B.float_tensor(native(backend, a)) for a in (joint, p_x, p_y)]
        fast = to_np(B.sum_pmi_terms(*args, (-2, -1)))
        generic = to_np(Backend.sum_pmi_terms(B, *args, (-2, -1)))
    np.testing.assert_array_equal(np.isinf(fast), np.isinf(generic))
    np.testing.assert_allclose(fast, generic, rtol=1e-13, atol=1e-15)


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
    assert np.isfinite(kl)
    if backend != "tensorflow":  # TF's CPU kernels treat subnormals as 0 (denormals-are-zero)
        assert abs(kl - (-np.log2(q32))) < 1e-4
