r"""Closed forms of normal distributions: the differential entropy of
:math:`\mathcal{N}(\mu, \sigma^2)` and the KL divergence between two, elementwise and
broadcasting (a VAE's regularizer, a Gaussian policy's entropy bonus).

Same conventions as :mod:`infotheory.measures` (units, types, ``validate``); the arguments are
real parameters (``loc``, ``scale``), not distributions, so integers become floats. Estimators
of Gaussian information from samples are in :mod:`infotheory.estimate.gaussian`.
"""
from __future__ import annotations

import math
from typing import Optional

from . import _validation
from ._checks import broadcast
from ._frontend import Function, Input, public
from ._types import ArrayLike, Real, TensorT


# --- differential entropy ------------------------------------------------------------------
_HALF_LOG_2PI_E = 0.5 * math.log(2 * math.pi * math.e)


def _gaussian_entropy(B, scale):
    return B.log(scale) + _HALF_LOG_2PI_E


def _check_scales(c):
    """Standard deviations positive and finite, means finite (inside ``it.validation()``)."""
    for name in ("scale", "scale_p", "scale_q"):
        if c.tensors.get(name) is not None:
            _validation.positive(c.fn, name, c.B, c.tensors[name])
    for name in ("loc_p", "loc_q"):
        if c.tensors.get(name) is not None:
            _validation.finite(c.fn, name, c.B, c.tensors[name])


_GAUSSIAN_ENTROPY = Function("gaussian_entropy", [Input("scale", "real")], _gaussian_entropy,
                             checks=_check_scales, unit=2)


@public
def gaussian_entropy(scale: TensorT, *, base: Optional[Real] = None,
                     validate: bool = False) -> TensorT:
    r"""Differential entropy of a normal distribution,
    :math:`h(\mathcal{N}(\mu, \sigma^2)) = \tfrac12 \log_b (2 \pi e \sigma^2)`, elementwise.

    ``scale`` is the standard deviation :math:`\sigma > 0` (any shape; a VAE sums over its latent
    axis). Bits by default; it is negative for :math:`\sigma < 1 / \sqrt{2 \pi e}`, as
    differential entropy can be.

    A negative or NaN scale gives NaN; a scale of 0 gives -inf (``validate=True`` raises for
    a scale that is not positive).

    >>> round(float(gaussian_entropy(1.0, base=math.e)), 4)
    1.4189
    """
    return _GAUSSIAN_ENTROPY(scale, base=base, validate=validate)


# --- KL divergence ---------------------------------------------------------------------------
def _plan_broadcast(c):
    broadcast(c.fn, **c.shapes)
    return {}


def _gaussian_kl(B, loc_p, scale_p, loc_q, scale_q):
    ratio = scale_p / scale_q
    diff = (loc_p - loc_q) / scale_q
    kl = 0.5 * (ratio * ratio + diff * diff - 1.0) - B.log(ratio)
    # a point mass q under a spread p: +inf (0/0 made it NaN where the means agree)
    return B.where(scale_q == 0.0, B.where(scale_p > 0.0, math.inf, kl), kl)


_GAUSSIAN_KL = Function("gaussian_kl_divergence",
                        [Input(n, "real") for n in ("loc_p", "scale_p", "loc_q", "scale_q")],
                        _gaussian_kl, plan=_plan_broadcast, checks=_check_scales,
                        nonnegative=True, unit=2)


@public
def gaussian_kl_divergence(loc_p: TensorT, scale_p: ArrayLike, loc_q: ArrayLike, scale_q: ArrayLike, *,
                           base: Optional[Real] = None, validate: bool = False) -> TensorT:
    r"""KL divergence between two normal distributions, elementwise and broadcasting; never
    below 0:

    .. math::

        D(\mathcal{N}(\mu_p, \sigma_p^2) \,\|\, \mathcal{N}(\mu_q, \sigma_q^2))
        = \log \frac{\sigma_q}{\sigma_p} + \frac{\sigma_p^2 + (\mu_p - \mu_q)^2}{2 \sigma_q^2}
        - \frac12

    with :math:`\mu` the ``loc`` and :math:`\sigma` the ``scale`` arguments (in nats; divided
    by :math:`\ln b` for ``base`` :math:`b`).

    A VAE's KL term is ``gaussian_kl_divergence(mu, sigma, 0.0, 1.0, base=math.e).sum(-1)``.

    Bits by default (``base``). A scale of 0 gives +inf (a point mass against a spread one,
    either way; two point masses: NaN). A negative or NaN scale gives NaN. ``validate=True``
    raises for a scale that is not positive and finite, or a location that is not finite.

    >>> float(gaussian_kl_divergence(0.0, 1.0, 1.0, 1.0, base=math.e))
    0.5
    """
    return _GAUSSIAN_KL(loc_p, scale_p, loc_q, scale_q, base=base, validate=validate)
