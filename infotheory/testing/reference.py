"""Independent float64 references for the agreement check: SciPy's ``entr``, ``rel_entr`` and
``log_softmax`` and textbook identities, never infotheory's own code. Needs SciPy."""
from __future__ import annotations

import math

import numpy as np


def _special():
    try:
        from scipy import special
    except ImportError as e:  # pragma: no cover - SciPy is a test dependency
        raise ImportError("the agreement check compares with SciPy; install it "
                          "(pip install 'infotheory[test]')") from e
    return special


LN2 = math.log(2)


def self_information(p):
    with np.errstate(divide="ignore"):
        return -np.log2(p)


def entropy(p):
    return _special().entr(p).sum(-1) / LN2


def joint_entropy(p_xy):
    return _special().entr(p_xy).sum((-2, -1)) / LN2


def conditional_entropy(p_xy):
    """Chain rule: H(Y|X) = H(X, Y) - H(X)."""
    return joint_entropy(p_xy) - entropy(p_xy.sum(-1))


def mutual_information(p_xy):
    """KL divergence of the joint from the product of its marginals."""
    prod = p_xy.sum(-1, keepdims=True) * p_xy.sum(-2, keepdims=True)
    return _special().rel_entr(p_xy, prod).sum((-2, -1)) / LN2


def kl_divergence(p, q):
    return _special().rel_entr(p, q).sum(-1) / LN2


def nll_loss(log_probs, y):
    return -np.take_along_axis(log_probs, y[..., None], -1)[..., 0].mean()


def cross_entropy(logits, y, from_logits=True):
    return nll_loss(_special().log_softmax(logits, axis=-1), y)


def jensen_shannon_divergence(p, q):
    """SciPy's Jensen-Shannon distance, squared."""
    from scipy.spatial.distance import jensenshannon

    return jensenshannon(p, q, base=2, axis=-1) ** 2


REFERENCES = {f.__name__: f for f in (self_information, entropy, joint_entropy,
                                      conditional_entropy, mutual_information, kl_divergence,
                                      cross_entropy, nll_loss, jensen_shannon_divergence)}
