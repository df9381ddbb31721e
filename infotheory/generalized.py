"""Measures beyond Shannon: the Rényi and Tsallis entropies and the Rényi divergence, exact at
every order (0, 1 and inf by their limits, and orders close to 1 without cancellation).

Conventions as for the other measures: bits by default, ``base``, ``validate``, batching over
the leading axes, ``from_logits``, NaN for a distribution with an entry outside [0, 1].
"""
from __future__ import annotations

import math
import numbers
from typing import Optional, Union

from . import _kernels as K
from ._checks import axes, check_flag
from ._frontend import Function, Input, logits_or_dist, public
from ._types import ArrayLike, Axis, Real, TensorT
from .divergences import (_DIVERGENCE_INPUTS, _check_divergence, _kl_divergence,
                          _log_softmax_broadcast, _plan_divergence, _to_rank)



# --- Rényi and Tsallis ------------------------------------------------------------------
# Orders other than 0, 1 and inf sum ``sum_i p_i^order - 1`` as ``sum_i p_i expm1((order - 1)
# log p_i)`` (rows sum to 1): terms of one sign, so nothing cancels however close the order is
# to 1, and ``log(sum p^order)`` is ``log1p`` of it. Where that sum nears -1 (or, in the
# divergence, is large) a log-sum-exp with its maximum factored out takes over; coefficients
# such as ``order / (order - 1)`` are Python floats, so that no order overflows the dtype.
_BIG = 80.0  # beyond e^80, p (e^x - 1) is p e^x to 1e-35 (and e^x would overflow float32)
# Inside tensor arithmetic, orders are capped at _HUGE (e^(-1e30 d) is 0 for any two log-
# probabilities d apart, yet 1e30 d stays finite in float32) and, in float32, raised to its
# smallest normal number (below it they would be 0, and 0 * -inf NaN)
_HUGE = 1e30
_TINY32 = 2.0 ** -126


def _order(fn: str, order) -> float:
    if isinstance(order, bool) or not isinstance(order, numbers.Real):  # NumPy scalars too
        raise TypeError(f"{fn}: order must be a real number, got {order!r}")
    try:
        order = float(order)
    except OverflowError:  # an int beyond float range: as good as infinite
        order = math.inf if order > 0 else -math.inf
    if math.isnan(order) or order < 0:
        raise ValueError(f"{fn}: order must be >= 0, got {order!r}")
    return order


def _plan_renyi(c):
    check_flag(c.fn, "from_logits", c.options["from_logits"])
    (name,) = c.shapes
    return {"axis": axes(c.fn, c.options["axis"], len(c.shape(name))),
            "order": _order(c.fn, c.options["order"]), "from_logits": c.options["from_logits"]}


def _check_renyi(c):
    c.validate_dist_or_logits("p", c.planned["axis"], c.planned["from_logits"])


def _log_probabilities(B, p, axis, from_logits):
    return B.log_softmax(p, axis) if from_logits else K.log_or_neg_inf(B, p)


def _expm1_terms(B, logw, x, y=None):
    """``w (e^x - 1)`` with ``w = e^logw``, each of the sign of ``x``; ``e^y`` (``= w e^x``,
    capped at ``e^_BIG``) where ``x > _BIG``: there ``w`` is below the rounding of ``w e^x``
    and ``e^x`` could overflow. ``y = logw + x``, given only where ``x`` can exceed ``_BIG``."""
    if y is None:
        return B.exp(logw) * B.expm1(x)
    over = x > _BIG
    return B.where(over, B.exp(B.where(y > _BIG, _BIG, y)),
                   B.exp(logw) * B.expm1(B.where(over, 0.0, x)))


def _power_sum_m1(B, logp, order, axis):
    """``sum p^order - 1`` over ``axis`` (0 < order < inf, order != 1), without cancellation."""
    logp0 = B.where(logp == -math.inf, 0.0, logp)  # (a term of p = 0 is 0 * expm1(0))
    x = min(order - 1.0, _HUGE) * logp0
    return B.sum(_expm1_terms(B, logp, x, order * logp0 if order < 1 else None), axis)


def _renyi_finite(B, logp, order, axis):
    eps = order - 1.0
    u = _power_sum_m1(B, logp, order, axis)
    if eps < 0:  # u >= 0: log1p is well conditioned
        return B.log1p(u) * (-1.0 / eps)
    # u in [-1, 0]: log1p is ill-conditioned near -1; below -1/2, where |log sum p^order| >=
    # log 2, the log-sum-exp -(order log max p + log sum e^(order d)) / eps, d = log p/max p
    far = u < -0.5
    top = B.amax(logp, axis, keepdims=True)
    rest = B.log(B.sum(B.exp(min(order, _HUGE) * (logp - top)), axis))
    lse = B.sum(top, axis) * (-order / eps) - rest * (1.0 / eps)
    return B.where(far, lse, B.log1p(B.where(far, 0.0, u)) * (-1.0 / eps))


def _renyi_entropy(B, p, axis, order, from_logits):
    if order == 1.0:
        if from_logits:
            return K.entropy_logits(B, p, axis)
        return K.unit_rows(B, K.neg_sum_xlogx(B, p, axis), p, axis)
    logp = _log_probabilities(B, p, axis, from_logits)
    if order == 0.0:  # the log of the support's size
        support = B.sum(B.where(logp > -math.inf, 1.0, B.exp(logp)), axis)  # (exp(-inf) = 0)
        h = B.log(support)
    elif order == math.inf:  # min-entropy
        h = 0.0 - B.amax(logp, axis)
    else:
        h = _renyi_finite(B, logp, order, axis)
    return h if from_logits else K.unit_rows(B, h, p, axis)


def _tsallis_entropy(B, p, axis, order, from_logits):
    if order == 1.0:
        return _renyi_entropy(B, p, axis, 1.0, from_logits)
    logp = _log_probabilities(B, p, axis, from_logits)
    if order == 0.0:  # the support's size - 1
        s = B.sum(B.where(logp > -math.inf, 1.0, B.exp(logp)), axis) - 1.0
    elif order == math.inf:  # (1 - sum p^q) / (q - 1) with 0 <= sum p^q <= 1: 0 (NaN stays)
        s = B.sum(B.exp(logp), axis) * 0.0
    else:
        s = _power_sum_m1(B, logp, order, axis) * (-1.0 / (order - 1.0))
    return s if from_logits else K.unit_rows(B, s, p, axis)


_RENYI = Function("renyi_entropy", [Input("p", logits_or_dist)], _renyi_entropy,
                  plan=_plan_renyi, checks=_check_renyi, nonnegative=True, unit=2)


@public
def renyi_entropy(p: TensorT, order: Real, *, axis: Axis = -1, base: Optional[Real] = None,
                  from_logits: bool = False, validate: bool = False) -> TensorT:
    r"""Rényi entropy of order :math:`\alpha`,
    :math:`H_\alpha(p) = \frac{1}{1 - \alpha} \log_b \sum_i p_i^\alpha`, over ``axis``, in bits
    by default. Its limits are exact: order 0 is the log of the support's size (Hartley), 1 is
    Shannon's entropy, ``math.inf`` the min-entropy :math:`H_\infty(p) = -\log_b \max_i p_i`.
    Non-increasing in the order, and accurate to a few ulps at every order: the sum is taken as
    :math:`1 + \sum_i p_i \operatorname{expm1}((\alpha - 1) \log p_i)` (rows sum to 1), which
    does not cancel near order 1, and huge orders approach the min-entropy without overflow.

    Args:
        p: probabilities (floating dtype), or logits with ``from_logits=True`` (taken through
            ``log_softmax``: stable at any magnitude).
        order: :math:`\alpha \ge 0`, a Python number; ``math.inf``, or an int beyond float
            range, gives the min-entropy.
        axis, base, validate: as :func:`infotheory.entropy` (bits by default).

    Returns: ``p``'s shape without ``axis``.
    A row with an entry below 0, above 1 or NaN gives NaN, at every order, as in every measure;
    ``validate=True`` raises ``ValueError`` naming the argument instead.

    >>> round(float(renyi_entropy([0.5, 0.25, 0.25], 2)), 4)   # -log2(0.375)
    1.415
    >>> float(renyi_entropy([0.5, 0.25, 0.25], math.inf))
    1.0
    """
    return _RENYI(p, base=base, validate=validate, order=order, axis=axis,
                  from_logits=from_logits)


_TSALLIS = Function("tsallis_entropy", [Input("p", logits_or_dist)], _tsallis_entropy,
                    plan=_plan_renyi, checks=_check_renyi, nonnegative=True)


@public
def tsallis_entropy(p: TensorT, order: Real, *, axis: Axis = -1, from_logits: bool = False,
                    validate: bool = False) -> TensorT:
    r"""Tsallis entropy :math:`S_q(p) = \frac{1 - \sum_i p_i^q}{q - 1}` over ``axis``, of order
    :math:`q \ge 0`. Its limits are exact: order 0 is the support's size minus 1, 1 is
    Shannon's entropy in nats, ``math.inf`` gives 0 (:math:`\sum_i p_i^q` stays in [0, 1] while
    :math:`1 / (q - 1)` goes to 0). Accurate to a few ulps at every order: summed as
    :math:`-\sum_i p_i \operatorname{expm1}((q - 1) \log p_i) / (q - 1)` (rows sum to 1),
    terms of one sign, with no cancellation near order 1. Tsallis entropy has no base: it is
    not a logarithm (its values are nats only at order 1).

    Args:
        p: probabilities (floating dtype), or logits with ``from_logits=True``.
        order: :math:`q \ge 0`, a Python number; ``math.inf``, or an int beyond float range,
            gives 0.
        axis, validate: as :func:`infotheory.entropy`.

    Returns: ``p``'s shape without ``axis``.
    A row with an entry below 0, above 1 or NaN gives NaN, at every order, as in every measure;
    ``validate=True`` raises ``ValueError`` naming the argument instead.

    >>> float(tsallis_entropy([0.5, 0.5], 2))
    0.5
    """
    return _TSALLIS(p, validate=validate, order=order, axis=axis, from_logits=from_logits)


def _plan_renyi_divergence(c):
    kwargs = _plan_divergence(c)
    kwargs["order"] = _order(c.fn, c.options["order"])
    return kwargs


def _renyi_divergence(B, p, q, axis, from_logits, log_repeats, lead, order):
    if order == 1.0:
        return _kl_divergence(B, p, q, axis, from_logits, log_repeats, lead)
    p, q = _to_rank(B, p, lead[0]), _to_rank(B, q, lead[1])
    logp = _log_softmax_broadcast(B, p, axis, log_repeats[0]) if from_logits is True else \
        K.log_or_neg_inf(B, p)
    logq = _log_softmax_broadcast(B, q, axis, log_repeats[1]) if from_logits else \
        K.log_or_neg_inf(B, q)
    if order in (0.0, math.inf):
        on = ~(logp == -math.inf)  # the support of p (a NaN entry stays in, and gives NaN)
        if order == 0.0:  # -log Q(supp P)
            logq_on = B.where(on, logq, -math.inf) + B.where(on, logp, 0.0) * 0.0  # (NaN stays)
            d = 0.0 - B.log(B.sum(B.exp(logq_on), axis))
        else:  # log max p/q
            d = B.amax(B.where(on, logp - B.where(on, logq, 0.0), -math.inf), axis)
    else:
        d = _renyi_divergence_finite(B, logp, logq, order, axis)
    if from_logits is True:
        return d
    d = K.unit_rows(B, d, p, axis)
    return d if from_logits else K.unit_rows(B, d, q, axis)


def _renyi_divergence_finite(B, logp, logq, order, axis):
    """``log(sum p^order q^(1 - order)) / (order - 1)``, the sum taken as ``sum w e^(c r)``
    with ``r = log p/q``: weights ``w = p``, ``c = order - 1`` from order 1/2 up, ``w = q``,
    ``c = order`` below, so that ``log1p(sum w expm1(c r))`` is exact near order 1 and near 0;
    a log-sum-exp where that sum nears -1 or (order > 1) exceeds 1."""
    eps = order - 1.0
    if order >= 0.5:
        logw, c = logp, eps
    else:
        logw, c = logq, order if B.itemsize(logp) >= 8 else max(order, _TINY32)
    on = ~(logw == -math.inf)
    logp0 = B.where(on, logp, 0.0)
    ratio = logp0 - B.where(on, logq, 0.0)  # 0 off w's support, +inf at q = 0
    x = min(c, _HUGE) * ratio
    y = logw + x  # log(p^order q^(1 - order)), -inf off w's support
    u = B.sum(_expm1_terms(B, logw, x, y), axis)
    if eps < 0:  # y <= 0; u in [-1, 0]
        far = u < -0.5
        return B.where(far, B.logsumexp(y, axis), B.log1p(B.where(far, 0.0, u))) * (1.0 / eps)
    # u >= 0. Above 1 (a term capped at e^_BIG included): y / eps = r + log p / eps with its
    # maximum factored out, and +inf where q = 0 < p
    far = u > 1.0
    z = B.where(on, ratio + logp0 * (1.0 / eps), -math.inf)
    infinite = B.amax(z, axis) == math.inf
    z = B.where(z == math.inf, 0.0, z)
    top = B.amax(z, axis, keepdims=True)
    lse = B.sum(top, axis) + B.log(B.sum(B.exp(min(eps, _HUGE) * (z - top)), axis)) * (1.0 / eps)
    lse = B.where(infinite, math.inf, lse)
    return B.where(far, lse, B.log1p(B.where(far, 0.0, u)) * (1.0 / eps))


_RENYI_DIVERGENCE = Function("renyi_divergence", _DIVERGENCE_INPUTS, _renyi_divergence,
                             plan=_plan_renyi_divergence, checks=_check_divergence,
                             nonnegative=True, unit=2)


@public
def renyi_divergence(p: TensorT, q: ArrayLike, order: Real, *, axis: Axis = -1,
                     base: Optional[Real] = None, from_logits: Union[bool, str] = False,
                     validate: bool = False) -> TensorT:
    r"""Rényi divergence of order :math:`\alpha`,
    :math:`D_\alpha(P \,\|\, Q) = \frac{1}{\alpha - 1} \log_b \sum_i p_i^\alpha q_i^{1 - \alpha}`,
    over ``axis``, >= 0, in bits by default. Its limits are exact: order 0 is
    :math:`-\log_b Q(\operatorname{supp} P)`, 1 is the KL divergence, ``math.inf`` is
    :math:`\log_b \max_i p_i / q_i`. Where :math:`q_i = 0 < p_i` it is +inf for orders >= 1;
    for orders below 1 such terms contribute 0 (the definition's value). Accurate at every
    order: the sum is taken as
    :math:`1 + \sum_i p_i \operatorname{expm1}((\alpha - 1) \log(p_i / q_i))` from order 1/2 up
    and :math:`1 + \sum_i q_i \operatorname{expm1}(\alpha \log(p_i / q_i))` below (rows sum to
    1), so nothing cancels near order 1 or 0, and huge orders approach
    :math:`\log_b \max_i p_i / q_i`.

    Args:
        p, q: probabilities (floating dtype), broadcasting; ``from_logits`` as
            :func:`infotheory.kl_divergence` (True: both logits, ``"q"``: q logits).
        order: :math:`\alpha \ge 0`, a Python number; ``math.inf``, or an int beyond float
            range, gives :math:`\log_b \max_i p_i / q_i`.
        axis, base, validate: as :func:`infotheory.kl_divergence` (bits by default).

    Returns: the broadcast shape without ``axis``.
    A row of ``p`` or ``q`` with an entry below 0, above 1 or NaN gives NaN, at every order, as
    in every measure; ``validate=True`` raises ``ValueError`` naming the argument instead.

    >>> round(float(renyi_divergence([0.5, 0.5], [0.25, 0.75], 2)), 4)   # log2(4/3)
    0.415
    """
    return _RENYI_DIVERGENCE(p, q, base=base, validate=validate, order=order, axis=axis,
                             from_logits=from_logits)
