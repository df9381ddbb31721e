"""Measures beyond pairs and beyond Shannon: conditional mutual information, the multivariate
measures of a joint distribution (total correlation, dual total correlation, co-information,
O-information), and Rényi and Tsallis entropies and the Rényi divergence.

The multivariate measures take a joint distribution whose variables lie on ``axes`` (default:
every axis; the other axes are a batch) and are sums of the entropies ``H(X_S)`` of its
marginals, each computed by summing the other variables out:

* total correlation ``TC = sum_i H(X_i) - H(X)`` (>= 0: the redundancy of all the variables);
* dual total correlation ``DTC = H(X) - sum_i H(X_i | X_rest)`` (>= 0, the binding information);
* co-information ``I(X_1; ...; X_n) = -sum_{S != {}} (-1)^|S| H(X_S)`` (dit's sign: for three
  variables ``I(X;Y) - I(X;Y|Z)``; negative for synergy, -1 bit for XOR);
* O-information ``Omega = TC - DTC`` (Rosas et al. 2019: > 0 when redundancy dominates, < 0
  when synergy does).

Conventions as for the other measures: bits by default, ``base``, ``validate``, batching,
NaN for a distribution with an entry outside [0, 1], gradients finite at zeros.
"""
from __future__ import annotations

import itertools
import math
from typing import Any, Optional, Sequence, Union

import numpy as np  # noqa: F401  (the docstring examples)

from . import _kernels as K
from ._frontend import Function, Input, axes, check_flag, logits_or_dist, public
from .measures import _DIVERGENCE_INPUTS, _check_divergence, _plan_divergence

Tensor = Any
Axes = Union[int, Sequence[int], None]


# --- entropies of marginals ----------------------------------------------------------------
def _marginal_entropy(B, p, keep, variables):
    """``H(X_keep)`` (nats): the other variables summed out (kept as size-1 axes)."""
    if not keep:
        return None
    out = tuple(a for a in variables if a not in keep)
    m = B.sum(p, out, keepdims=True) if out else p
    return K.neg_sum_xlogx(B, m, variables)


def _plan_variables(c, minimum=2):
    shape = c.shape("p")
    variables = axes(c.fn, tuple(range(len(shape))) if c.o["axes"] is None else c.o["axes"],
                     len(shape))
    if len(variables) < minimum:
        raise ValueError(f"{c.fn}: needs at least {minimum} variables (axes), got "
                         f"{len(variables)}")
    if len(variables) > 12:
        raise ValueError(f"{c.fn}: at most 12 variables (2^n marginals), got {len(variables)}")
    return {"variables": variables}


def _check_joint(c):
    c.validate_dist_or_logits("p", c.kw["variables"], False)


def _total_correlation(B, p, variables):
    h = K.neg_sum_xlogx(B, p, variables)
    singles = sum(_marginal_entropy(B, p, (v,), variables) for v in variables)
    return K.unit_rows(B, singles - h, p, variables)


def _dual_total_correlation(B, p, variables):
    h = K.neg_sum_xlogx(B, p, variables)
    rests = sum(_marginal_entropy(B, p, tuple(w for w in variables if w != v), variables)
                for v in variables)
    return K.unit_rows(B, rests - (len(variables) - 1) * h, p, variables)


def _co_information(B, p, variables):
    total = None
    for size in range(1, len(variables) + 1):
        for keep in itertools.combinations(variables, size):
            term = _marginal_entropy(B, p, keep, variables)
            term = term if size % 2 else 0.0 - term  # -(-1)^|S| H(X_S)
            total = term if total is None else total + term
    return K.unit_rows(B, total, p, variables)


def _o_information(B, p, variables):
    # TC - DTC = (n - 2) H(X) + sum_i H(X_i) - sum_i H(X_rest)
    n = len(variables)
    h = K.neg_sum_xlogx(B, p, variables)
    singles = sum(_marginal_entropy(B, p, (v,), variables) for v in variables)
    rests = sum(_marginal_entropy(B, p, tuple(w for w in variables if w != v), variables)
                for v in variables)
    return K.unit_rows(B, (n - 2) * h + singles - rests, p, variables)


_JOINT = [Input("p")]
_TC = Function("total_correlation", _JOINT, _total_correlation, plan=_plan_variables,
               checks=_check_joint, nonnegative=True, unit=2)
_DTC = Function("dual_total_correlation", _JOINT, _dual_total_correlation, plan=_plan_variables,
                checks=_check_joint, nonnegative=True, unit=2)
_CO = Function("co_information", _JOINT, _co_information, plan=_plan_variables,
               checks=_check_joint, unit=2)
_O = Function("o_information", _JOINT, _o_information, plan=_plan_variables,
              checks=_check_joint, unit=2)

_JOINT_DOC = """

    Args:
        p: a joint distribution (floating dtype) with one axis per variable.
        axes: the variables' axes (default: every axis; the others are a batch).
        base: logarithm base; None: the default unit (bits unless chosen otherwise).
        validate: check that ``p`` sums to 1 over ``axes`` (host copy).

    Returns: ``p``'s shape without ``axes``. NaN for a distribution with an entry outside
    [0, 1] (``validate=True`` says why)."""


@public
def total_correlation(p: Tensor, *, axes: Axes = None, base: Optional[float] = None,
                      validate: bool = False) -> Tensor:
    return _TC(p, base=base, validate=validate, axes=axes)


@public
def dual_total_correlation(p: Tensor, *, axes: Axes = None, base: Optional[float] = None,
                           validate: bool = False) -> Tensor:
    return _DTC(p, base=base, validate=validate, axes=axes)


@public
def co_information(p: Tensor, *, axes: Axes = None, base: Optional[float] = None,
                   validate: bool = False) -> Tensor:
    return _CO(p, base=base, validate=validate, axes=axes)


@public
def o_information(p: Tensor, *, axes: Axes = None, base: Optional[float] = None,
                  validate: bool = False) -> Tensor:
    return _O(p, base=base, validate=validate, axes=axes)


total_correlation.__doc__ = """Total correlation (multi-information) ``TC = sum_i H(X_i) -
    H(X_1, ..., X_n)``, >= 0: 0 for independent variables, ``(n - 1) H`` for n copies of one.
    """ + _JOINT_DOC + """

    >>> copies = np.zeros((2, 2, 2)); copies[0, 0, 0] = copies[1, 1, 1] = 0.5
    >>> round(float(total_correlation(copies)), 12)
    2.0
    """
dual_total_correlation.__doc__ = """Dual total correlation (binding information) ``DTC =
    H(X) - sum_i H(X_i | X_rest)``, >= 0.
    """ + _JOINT_DOC + """

    >>> copies = np.zeros((2, 2, 2)); copies[0, 0, 0] = copies[1, 1, 1] = 0.5
    >>> round(float(dual_total_correlation(copies)), 12)
    1.0
    """
co_information.__doc__ = """Co-information (interaction information with dit's sign)
    ``I(X_1; ...; X_n) = -sum_{S != {}} (-1)^|S| H(X_S)``: ``I(X;Y)`` for two variables,
    ``I(X;Y) - I(X;Y|Z)`` for three; negative when the variables are synergistic.
    """ + _JOINT_DOC + """

    >>> xor = np.zeros((2, 2, 2))
    >>> for x in (0, 1):
    ...     for y in (0, 1):
    ...         xor[x, y, x ^ y] = 0.25
    >>> round(float(co_information(xor)), 12)
    -1.0
    """
o_information.__doc__ = """O-information ``Omega = TC - DTC`` (Rosas et al. 2019): > 0 when
    redundancy dominates the dependencies, < 0 when synergy does (-1 bit for XOR).
    """ + _JOINT_DOC + """

    >>> xor = np.zeros((2, 2, 2))
    >>> for x in (0, 1):
    ...     for y in (0, 1):
    ...         xor[x, y, x ^ y] = 0.25
    >>> round(float(o_information(xor)), 12)
    -1.0
    """


# --- conditional mutual information ------------------------------------------------------
@public
def conditional_mutual_information(p_xyz: Tensor, *, base: Optional[float] = None,
                                   validate: bool = False) -> Tensor:
    """Conditional mutual information ``I(X;Y|Z) = H(X,Z) + H(Y,Z) - H(X,Y,Z) - H(Z)`` of a
    joint distribution ``p_xyz[..., x, y, z]`` over its last three axes (leading axes are a
    batch), >= 0.

    Args:
        p_xyz: probabilities, floating dtype, at least 3 dimensions.
        base: logarithm base; None: the default unit (bits unless chosen otherwise).
        validate: check that ``p_xyz`` sums to 1 over its last three axes (host copy).

    Returns: ``p_xyz.shape[:-3]``; NaN for a distribution with an entry outside [0, 1].

    >>> xor = np.zeros((2, 2, 2))
    >>> for x in (0, 1):
    ...     for y in (0, 1):
    ...         xor[x, y, x ^ y] = 0.25
    >>> float(conditional_mutual_information(xor))   # X and Y independent, but not given Z
    1.0
    """
    return _CMI(p_xyz, base=base, validate=validate)


def _plan_cmi(c):
    shape = c.shape("p_xyz")
    if len(shape) < 3:
        raise ValueError(f"{c.fn}: p_xyz needs at least 3 dimensions (x, y, z), got shape "
                         f"{shape}")
    n = len(shape)
    return {"variables": (n - 3, n - 2, n - 1)}


def _cmi(B, p, variables):
    x, y, z = variables
    h = K.neg_sum_xlogx(B, p, variables)
    h_xz = _marginal_entropy(B, p, (x, z), variables)
    h_yz = _marginal_entropy(B, p, (y, z), variables)
    h_z = _marginal_entropy(B, p, (z,), variables)
    return K.unit_rows(B, h_xz + h_yz - h - h_z, p, variables)


def _check_cmi(c):
    c.validate_dist_or_logits("p_xyz", c.kw["variables"], False)


_CMI = Function("conditional_mutual_information", [Input("p_xyz")], _cmi, plan=_plan_cmi,
                checks=_check_cmi, nonnegative=True, unit=2)


# --- Rényi and Tsallis ------------------------------------------------------------------
def _order(fn: str, order, infinite: bool) -> float:
    if isinstance(order, bool) or not isinstance(order, (int, float)):
        raise TypeError(f"{fn}: order must be a real number, got {order!r}")
    order = float(order)
    if math.isnan(order) or order < 0 or (order == math.inf and not infinite):
        raise ValueError(f"{fn}: order must be {'>= 0' if infinite else 'finite and >= 0'}, "
                         f"got {order!r}")
    return order


def _plan_renyi(c, infinite=True):
    check_flag(c.fn, "from_logits", c.o["from_logits"])
    (name,) = c.shapes
    return {"axis": axes(c.fn, c.o["axis"], len(c.shape(name))),
            "order": _order(c.fn, c.o["order"], infinite), "from_logits": c.o["from_logits"]}


def _plan_tsallis(c):
    return _plan_renyi(c, infinite=False)


def _check_renyi(c):
    c.validate_dist_or_logits("p", c.kw["axis"], c.kw["from_logits"])


def _log_probabilities(B, p, axis, from_logits):
    return B.log_softmax(p, axis) if from_logits else K.log_or_neg_inf(B, p)


def _log_power_sum(B, logp, order, axis):
    """``log sum p^order`` over ``axis`` (0^order = 0 for order > 0: the -inf logs stay -inf)."""
    return B.logsumexp(order * logp, axis)


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
        h = _log_power_sum(B, logp, order, axis) * (1.0 / (1.0 - order))
    return h if from_logits else K.unit_rows(B, h, p, axis)


def _tsallis_entropy(B, p, axis, order, from_logits):
    if order == 1.0:
        return _renyi_entropy(B, p, axis, 1.0, from_logits)
    logp = _log_probabilities(B, p, axis, from_logits)
    if order == 0.0:
        power = B.sum(B.where(logp > -math.inf, 1.0, B.exp(logp)), axis)
    else:
        power = B.exp(_log_power_sum(B, logp, order, axis))
    s = (1.0 - power) * (1.0 / (order - 1.0))
    return s if from_logits else K.unit_rows(B, s, p, axis)


@public
def renyi_entropy(p: Tensor, order: float, *, axis: Axes = -1, base: Optional[float] = None,
                  from_logits: bool = False, validate: bool = False) -> Tensor:
    """Rényi entropy of order ``alpha`` ``H_alpha = log(sum_i p_i^alpha) / (1 - alpha)`` over
    ``axis``. Exact at the limits: order 0 is the log of the support's size (Hartley), 1 is
    Shannon's entropy, ``math.inf`` the min-entropy ``-log max p``. Non-increasing in the order.

    Args:
        p: probabilities (floating dtype), or logits with ``from_logits=True`` (computed as a
            log-sum-exp of ``alpha * log_softmax``: stable at any magnitude).
        order: ``alpha >= 0`` (a Python number, ``math.inf`` allowed).
        axis, base, validate: as :func:`infotheory.entropy` (bits by default).

    Returns: ``p``'s shape without ``axis``.
    Impossible probabilities (negative, NaN) give NaN, as in every measure; ``validate=True``
    raises ``ValueError`` naming the argument instead.

    >>> round(float(renyi_entropy([0.5, 0.25, 0.25], 2)), 4)   # -log2(0.375)
    1.415
    >>> float(renyi_entropy([0.5, 0.25, 0.25], math.inf))
    1.0
    """
    return _RENYI(p, base=base, validate=validate, order=order, axis=axis,
                  from_logits=from_logits)


@public
def tsallis_entropy(p: Tensor, order: float, *, axis: Axes = -1, from_logits: bool = False,
                    validate: bool = False) -> Tensor:
    """Tsallis entropy ``S_q = (1 - sum_i p_i^q) / (q - 1)`` over ``axis``, of finite order
    ``q >= 0``; order 1 is Shannon's entropy in nats. Tsallis entropy has no base: it is not a
    logarithm (its values are nats only at order 1).

    Args:
        p: probabilities (floating dtype), or logits with ``from_logits=True``.
        order: ``q >= 0``, finite (a Python number).
        axis, validate: as :func:`infotheory.entropy`.

    Returns: ``p``'s shape without ``axis``.
    Impossible probabilities (negative, NaN) give NaN, as in every measure; ``validate=True``
    raises ``ValueError`` naming the argument instead.

    >>> float(tsallis_entropy([0.5, 0.5], 2))
    0.5
    """
    return _TSALLIS(p, validate=validate, order=order, axis=axis, from_logits=from_logits)


_RENYI = Function("renyi_entropy", [Input("p", logits_or_dist)], _renyi_entropy,
                  plan=_plan_renyi, checks=_check_renyi, nonnegative=True, unit=2)
_TSALLIS = Function("tsallis_entropy", [Input("p", logits_or_dist)], _tsallis_entropy,
                    plan=_plan_tsallis, checks=_check_renyi, nonnegative=True)


@public
def renyi_divergence(p: Tensor, q: Tensor, order: float, *, axis: Axes = -1,
                     base: Optional[float] = None, from_logits: Union[bool, str] = False,
                     validate: bool = False) -> Tensor:
    """Rényi divergence of order ``alpha``
    ``D_alpha(P||Q) = log(sum_i p_i^alpha q_i^(1 - alpha)) / (alpha - 1)`` over ``axis``, >= 0.
    Exact at the limits: order 0 is ``-log Q(supp P)``, 1 is the KL divergence, ``math.inf``
    is ``log max_i p_i / q_i``. Where ``q = 0 < p`` it is +inf for orders >= 1; for orders
    below 1 such terms contribute 0 (the definition's value).

    Args:
        p, q: probabilities (floating dtype), broadcasting; ``from_logits`` as
            :func:`infotheory.kl_divergence` (True: both logits, ``"q"``: q logits).
        order: ``alpha >= 0`` (a Python number, ``math.inf`` allowed).
        axis, base, validate: as :func:`infotheory.kl_divergence` (bits by default).

    Returns: the broadcast shape without ``axis``.
    Impossible probabilities (negative, NaN) give NaN, as in every measure; ``validate=True``
    raises ``ValueError`` naming the argument instead.

    >>> round(float(renyi_divergence([0.5, 0.5], [0.25, 0.75], 2)), 4)   # log2(4/3)
    0.415
    """
    return _RENYI_DIVERGENCE(p, q, base=base, validate=validate, order=order, axis=axis,
                             from_logits=from_logits)


def _plan_renyi_divergence(c):
    kwargs = _plan_divergence(c)
    kwargs["order"] = _order(c.fn, c.o["order"], True)
    return kwargs


def _renyi_divergence(B, p, q, axis, from_logits, log_repeats, lead, order):
    if order == 1.0:
        from .measures import _kl_divergence
        return _kl_divergence(B, p, q, axis, from_logits, log_repeats, lead)
    from .measures import _log_softmax_broadcast, _to_rank
    p, q = _to_rank(B, p, lead[0]), _to_rank(B, q, lead[1])
    logp = _log_softmax_broadcast(B, p, axis, log_repeats[0]) if from_logits is True else \
        K.log_or_neg_inf(B, p)
    logq = _log_softmax_broadcast(B, q, axis, log_repeats[1]) if from_logits else \
        K.log_or_neg_inf(B, q)
    on = logp > -math.inf  # the support of p
    if order == 0.0:
        d = 0.0 - B.log(B.sum(B.exp(B.where(on, logq, -math.inf)), axis))
    elif order == math.inf:
        d = B.amax(B.where(on, logp - B.where(on, logq, 0.0), -math.inf), axis)
    else:
        safe_p, safe_q = B.where(on, logp, 0.0), B.where(on, logq, 0.0)
        terms = B.where(on, order * safe_p + (1.0 - order) * safe_q, -math.inf)
        # q = 0 < p at an order above 1: a +inf term, which a log-sum-exp would make NaN
        infinite = B.amax(terms, axis) == math.inf
        lse = B.logsumexp(B.where(terms == math.inf, 0.0, terms), axis)
        d = B.where(infinite, math.inf, lse) * (1.0 / (order - 1.0))
    if from_logits is True:
        return d
    d = K.unit_rows(B, d, p, axis, low=False)
    return d if from_logits else K.unit_rows(B, d, q, axis)


_RENYI_DIVERGENCE = Function("renyi_divergence", _DIVERGENCE_INPUTS, _renyi_divergence,
                             plan=_plan_renyi_divergence, checks=_check_divergence,
                             nonnegative=True, unit=2)
