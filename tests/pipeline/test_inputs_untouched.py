"""Inputs are never modified, on any backend, and results never alias them."""
import numpy as np
import pytest

import infotheory as it
from infotheory.testing import dirichlet_with_zeros
from tests.conftest import native, require, to_np

RNG = np.random.default_rng(9)
P = dirichlet_with_zeros(RNG, (3, 5))
Q = dirichlet_with_zeros(RNG, (3, 5), zero_fraction=0.0)
J = dirichlet_with_zeros(RNG, (2, 6)).reshape(2, 2, 3)
Z = RNG.normal(0, 3, (3, 5))
Y = np.array([0, 4, 2])

CALLS = {
    "self_information": (it.self_information, (P,)),
    "entropy": (it.entropy, (P,)),
    "entropy_logits": (lambda z: it.entropy(z, from_logits=True), (Z,)),
    "joint_entropy": (it.joint_entropy, (J,)),
    "conditional_entropy": (it.conditional_entropy, (J, J.sum(-1, keepdims=True))),
    "mutual_information": (it.mutual_information, (J,)),
    "pointwise_mutual_information": (it.pointwise_mutual_information, (J,)),
    "kl_divergence": (it.kl_divergence, (P, Q)),
    "cross_entropy": (it.cross_entropy, (Q, Y)),
    "cross_entropy_targets": (it.cross_entropy, (Q, P)),
    "cross_entropy_logits": (lambda z, y: it.cross_entropy(z, y, from_logits=True, reduction="none"), (Z, Y)),
    "nll_loss": (lambda l, y: it.nll_loss(l, y, reduction="none"), (np.log(Q), Y)),
}


def _storage(backend, x):
    """An address identifying the memory a tensor lives in (None where not exposed)."""
    if backend == "numpy":
        return x.__array_interface__["data"][0]
    if backend == "torch":
        return x.untyped_storage().data_ptr()
    return None


@pytest.mark.parametrize("name", CALLS)
@pytest.mark.parametrize("validate", [False, True])
def test_inputs_unchanged_and_not_aliased(backend, name, validate):
    f, args = CALLS[name]
    ts = [native(backend, a) for a in args]
    before = [to_np(t).copy() for t in ts]
    kwargs = {"validate": True} if validate and name not in (
        "self_information", "pointwise_mutual_information", "entropy_logits",
        "cross_entropy_logits") and "lambda" not in repr(f) else {}
    out = f(*ts, **kwargs)
    for t, b in zip(ts, before):
        np.testing.assert_array_equal(to_np(t), b)
    ptr = _storage(backend, out)
    if ptr is not None:
        assert all(ptr != _storage(backend, t) for t in ts)
    if backend == "numpy" and isinstance(out, np.ndarray):  # (0-d results are NumPy scalars)
        assert not any(np.shares_memory(out, t) for t in ts)
        out[...] = -1  # writing into the result leaves the inputs alone
        for t, b in zip(ts, before):
            np.testing.assert_array_equal(t, b)


def test_in_place_capable_inputs_keep_their_gradients_and_versions():
    torch = require("torch")
    p = torch.tensor(P, requires_grad=True)
    q = torch.tensor(Q)
    v = (p._version, q._version)
    it.kl_divergence(p, q).sum().backward()
    with torch.no_grad():
        it.kl_divergence(p, q)  # the in-place fast path works on its own buffers
        it.mutual_information(torch.tensor(J))
    assert (p._version, q._version) == v
    assert torch.isfinite(p.grad).all()
