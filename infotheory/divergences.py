r"""Divergences between two distributions on the same outcomes: Kullback-Leibler and
Jensen-Shannon, from probabilities or logits (``from_logits=True`` both, ``"q"`` only ``q``).

Same conventions as :mod:`infotheory.measures` (axes, units, zeros, NaN for impossible rows,
``validate``). KL is summed from :math:`p (\log p - \log q)` terms, never as
:math:`H(p, q) - H(p)`, and is +inf where :math:`p > 0 = q`. The Rényi divergence
(:mod:`infotheory.generalized`) shares the declaration of the two inputs and their plan.
"""
from __future__ import annotations

import math
from typing import Optional, Union

from . import _kernels as K
from ._checks import axes, broadcast
from ._frontend import Function, Input, public
from ._types import ArrayLike, Axis, Real, TensorT


# --- the two inputs, their plan and checks ----------------------------------------------
def _check_from_logits(fn: str, from_logits) -> None:
    if from_logits is not False and from_logits is not True and from_logits != "q":
        raise ValueError(f"{fn}: from_logits must be False, True or 'q', got {from_logits!r}")


def _reads_logits(from_logits) -> dict:
    """Which of p and q hold logits: ``True`` both, ``"q"`` only q."""
    return {"p": from_logits is True, "q": bool(from_logits)}


def _p_kind(options):
    return "real" if _reads_logits(options["from_logits"])["p"] else "dist"


def _q_kind(options):
    return "real" if _reads_logits(options["from_logits"])["q"] else "dist"


_DIVERGENCE_INPUTS = (Input("p", _p_kind), Input("q", _q_kind))


def _plan_divergence(c):
    """p and q broadcast; axes of the broadcast shape; the dimensions each needs in front to
    reach its rank (``lead``). Logits are normalized over the broadcast shape: a size-1 axis
    that broadcasts to n copies divides each probability by n (``log_repeats``: log n for p
    and for q)."""
    _check_from_logits(c.fn, c.options["from_logits"])
    shape = broadcast(c.fn, p=c.shape("p"), q=c.shape("q"))
    ax = axes(c.fn, c.options["axis"], len(shape))
    lead, repeats = [], []
    logits = _reads_logits(c.options["from_logits"])
    for name, other in (("p", "q"), ("q", "p")):
        own = c.shape(name)
        lead.append(len(shape) - len(own))
        own = (1,) * lead[-1] + tuple(own)
        theirs = (1,) * (len(shape) - len(c.shape(other))) + tuple(c.shape(other))
        if logits[name] and any(own[a] is None and theirs[a] not in (None, 1) for a in ax):
            raise c.error(f"{name} holds logits with a dimension of unknown size on axis "
                          f"{ax} where {other}'s is {tuple(theirs)}: if it is 1 at run time the "
                          f"logits are normalized over the broadcast shape, if not they are "
                          f"not; give {name} a static size there (a TensorSpec with it)")
        n = 1
        for a in ax:
            if own[a] == 1 and shape[a] is not None:
                n *= shape[a]
        repeats.append(math.log(n))
    return {"axis": ax, "from_logits": c.options["from_logits"], "log_repeats": tuple(repeats),
            "lead": tuple(lead)}


def _check_divergence(c):
    logits = _reads_logits(c.planned["from_logits"])
    for name, lead in zip(("p", "q"), c.planned["lead"]):
        c.validate_dist_or_logits(name, c.planned["axis"], logits[name],
                                  _to_rank(c.B, c.tensors[name], lead))


def _to_rank(B, x, lead: int):
    for _ in range(lead):
        x = B.expand_dims(x, 0)
    return x


def _log_softmax_broadcast(B, z, axis, log_repeat: float):
    """Log-softmax of ``z`` over ``axis`` of the broadcast shape (``log_repeat``: see
    :func:`_divergence`)."""
    logp = B.log_softmax(z, axis)
    return logp - log_repeat if log_repeat else logp


# --- Kullback-Leibler ---------------------------------------------------------------------------
def _kl_divergence(B, p, q, axis, from_logits, log_repeats, lead):
    p, q = _to_rank(B, p, lead[0]), _to_rank(B, q, lead[1])
    if not from_logits:
        return K.kl_of_probabilities(B, p, q, axis)
    if from_logits is True and not any(log_repeats):
        return K.kl_logits(B, p, q, axis)
    logq = _log_softmax_broadcast(B, q, axis, log_repeats[1])
    if from_logits == "q":  # p holds probabilities
        nz = p != 0
        return K.unit_rows(B, B.sum(p * (B.log(B.where(nz, p, 1.0)) - B.where(nz, logq, 0.0)),
                                    axis), p, axis, low=False)
    logp = _log_softmax_broadcast(B, p, axis, log_repeats[0])
    return B.sum(K.plogq_logits(B, B.exp(logp), logp - logq), axis)


_KL_DIVERGENCE = Function("kl_divergence", _DIVERGENCE_INPUTS, _kl_divergence,
                          plan=_plan_divergence, checks=_check_divergence, nonnegative=True, unit=2)


@public
def kl_divergence(p: TensorT, q: ArrayLike, *, axis: Axis = -1, base: Optional[Real] = None,
                  from_logits: Union[bool, str] = False, validate: bool = False) -> TensorT:
    r"""Kullback-Leibler divergence :math:`D(P \,\|\, Q) = \sum_i p_i \log_b \frac{p_i}{q_i}`
    over ``axis``.

    Summed term by term as :math:`p_i (\log p_i - \log q_i)` (no :math:`H(P, Q) - H(P)`
    cancellation, no epsilon clipping); :math:`0 \log(0/q) = 0` and :math:`+\infty` where
    :math:`p > 0` and :math:`q = 0`. ``p`` and ``q`` broadcast (``axis`` refers to the
    broadcast shape, and logits are normalized over it). A difference of logs is accurate to
    about :math:`\epsilon H` in absolute terms; on NumPy a row whose divergence is below 1/16
    nat is recomputed with ``log1p((p - q) / q)`` where :math:`p/q \in [1/2, 2]`, as
    SciPy's ``rel_entr`` does, so that nearly equal distributions keep their relative
    accuracy (a divergence of 1e-13 nats to 1e-13 relative); other backends keep the absolute
    bound.

    ``from_logits``: ``False`` (both are probabilities), ``True`` (both are unnormalized
    log-probabilities, as a teacher's and a student's logits in distillation), or ``"q"``
    (``p`` holds probabilities and ``q`` logits: a target distribution against a prediction,
    as Keras' ``from_logits`` and torch's ``F.kl_div(log_softmax(z), p)``). Returns the broadcast
    shape without ``axis``; never below 0.

    Bits by default (``base``). A row (over the distribution's axes) with an entry below 0,
    above 1 or NaN gives NaN for that row; ``validate=True`` raises instead.

    >>> float(kl_divergence([0.5, 0.5], [0.5, 0.5]))
    0.0
    >>> float(kl_divergence([1.0, 0.0], [0.5, 0.5]))
    1.0
    >>> float(kl_divergence([1.0, 0.0], [0.0, 0.0], from_logits="q"))
    1.0
    """
    return _KL_DIVERGENCE(p, q, base=base, validate=validate, axis=axis,
                          from_logits=from_logits)


# --- Jensen-Shannon -----------------------------------------------------------------------------
def _jensen_shannon(B, p, q, axis, from_logits, log_repeats, lead):
    p, q = _to_rank(B, p, lead[0]), _to_rank(B, q, lead[1])
    if from_logits is True:
        p = B.exp(_log_softmax_broadcast(B, p, axis, log_repeats[0]))
    if from_logits:
        q = B.exp(_log_softmax_broadcast(B, q, axis, log_repeats[1]))
    m = (p + q) * 0.5
    jsd = (K.sum_xlogratio.generic(B, p, m, axis) + K.sum_xlogratio.generic(B, q, m, axis)) * 0.5
    if from_logits is not True:  # (every nonzero entry has its log taken: only the maxima)
        jsd = K.unit_rows(B, jsd, p, axis, low=False)
    return jsd if from_logits else K.unit_rows(B, jsd, q, axis, low=False)


_JENSEN_SHANNON = Function("jensen_shannon_divergence", _DIVERGENCE_INPUTS, _jensen_shannon,
                           plan=_plan_divergence, checks=_check_divergence, nonnegative=True, unit=2)


@public
def jensen_shannon_divergence(p: TensorT, q: ArrayLike, *, axis: Axis = -1, base: Optional[Real] = None,
                              from_logits: Union[bool, str] = False,
                              validate: bool = False) -> TensorT:
    r"""Jensen-Shannon divergence
    :math:`\mathrm{JSD}(P, Q) = \tfrac12 D(P \,\|\, M) + \tfrac12 D(Q \,\|\, M)` with
    :math:`M = \tfrac12 (P + Q)`.

    The divergence, not SciPy's ``jensenshannon`` distance (its square root). Symmetric, at most
    1 bit (:math:`\ln 2` nats), finite with finite gradients where p or q has zeros
    (:math:`m > 0` wherever p or q is). ``p`` and ``q`` broadcast; ``from_logits`` as in
    :func:`kl_divergence` (``True``:
    both logits, ``"q"``: only ``q``). Returns the broadcast shape without ``axis``; never
    below 0.

    Bits by default (``base``). A row (over the distribution's axes) with an entry below 0,
    above 1 or NaN gives NaN for that row; ``validate=True`` raises instead.

    >>> float(jensen_shannon_divergence([1.0, 0.0], [0.0, 1.0]))
    1.0
    """
    return _JENSEN_SHANNON(p, q, base=base, validate=validate, axis=axis, from_logits=from_logits)
