"""The torch backend's own paths: torch.func transforms."""

import math

import numpy as np
import pytest
from scipy import special

import infotheory as it
from tests.conftest import require

LN2 = math.log(2)


def test_torch_vmap_over_q_and_over_a_marginal():
    torch = require("torch")
    p = torch.tensor([0.2, 0.3, 0.5], dtype=torch.float64)
    qs = torch.tensor(np.random.default_rng(1).dirichlet(np.ones(3), 4))
    got = torch.func.vmap(lambda q: it.kl_divergence(p, q))(qs)
    np.testing.assert_allclose(got.numpy(), special.rel_entr(p.numpy(), qs.numpy()).sum(-1) / LN2,
                               rtol=1e-12)
    joint = torch.tensor([[0.1, 0.4], [0.2, 0.3]], dtype=torch.float64)
    p_xs = torch.stack([joint.sum(-1)] * 2)
    got = torch.func.vmap(lambda px: it.mutual_information(joint, px))(p_xs)
    ref = special.rel_entr(joint.numpy(), np.outer([0.5, 0.5], [0.3, 0.7])).sum() / LN2
    np.testing.assert_allclose(got.numpy(), [ref, ref], rtol=1e-12)


# --- tensors torch cannot compute logs on: our error, naming the argument and the fix -------
def _layouts(torch):
    p = torch.tensor([[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]])
    return {
        "sparse COO": (p.to_sparse(), "x.to_dense()"),
        "sparse CSR": (p.to_sparse_csr(), "x.to_dense()"),
        "nested": (torch.nested.nested_tensor([p[0], p[1, :2]]), "to_padded_tensor"),
        "masked": (torch.masked.masked_tensor(p, p > 0.15), "x.to_tensor(0.0)"),
        "float8": (p.to(torch.float8_e4m3fn), "cast it to bfloat16"),
    }


def test_unsupported_layouts_and_dtypes_are_refused_clearly():
    import warnings
    torch = require("torch")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # MaskedTensor's prototype warning
        cases = _layouts(torch)
        for what, (x, fix) in cases.items():
            for f in (it.entropy, lambda x: it.kl_divergence(x, x)):
                with pytest.raises(TypeError, match=r"p is a|p has dtype") as e:
                    f(x)
                assert fix in str(e.value), what
    q = torch.quantize_per_tensor(torch.tensor([0.0, 1.0]), 1.0, 0, torch.qint8)
    with pytest.raises(TypeError, match=r"cross_entropy: y is a quantized tensor.*dequantize"):
        it.cross_entropy(torch.zeros(2, 3), q, from_logits=True)


def test_a_dense_plan_is_not_reused_for_a_sparse_tensor():
    torch = require("torch")
    p = torch.tensor([[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]])
    it.entropy(p)  # remembers the plan of a dense (2, 3) float32 tensor on the CPU
    with pytest.raises(TypeError, match="sparse"):
        it.entropy(p.to_sparse())


def test_inputs_on_two_devices_are_refused_before_torch_sees_them():
    torch = require("torch")
    p = torch.tensor([0.5, 0.5])
    with pytest.raises(ValueError, match=r"different devices \(p on cpu, q on meta\)"):
        it.kl_divergence(p, p.to("meta"))


def test_a_label_at_int64_min_is_out_of_range_not_ignored():
    # int64's minimum is what a NaN becomes when cast to int64; with ignore_index=None it was
    # the internal "no index" sentinel and was silently ignored (1.6094 here).
    torch = require("torch")
    z = torch.tensor([[0.3, -1.0, 2.0], [1.0, 2.0, 0.5]])
    y = torch.tensor([0, -2 ** 63])
    assert torch.tensor(float("nan")).long().item() == -2 ** 63
    for reduction in ("mean", "sum", "none"):
        with pytest.raises(ValueError, match=r"class index outside \[0, 3\)"):
            it.cross_entropy(z, y, from_logits=True, reduction=reduction)
    ref = torch.nn.functional.cross_entropy(z[:1], y[:1])  # the valid row alone still computes
    assert torch.allclose(it.cross_entropy(z[:1], y[:1], from_logits=True), ref)
