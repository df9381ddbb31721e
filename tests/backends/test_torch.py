"""The torch backend's own paths: torch.func transforms."""

import math

import numpy as np
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
