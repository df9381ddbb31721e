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
