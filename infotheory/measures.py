"""Distribution measures: one function each, its docstring, one pipeline call, and its math.

Conventions (shared by every function here and in :mod:`infotheory.losses`):

* **Axes.** A distribution lies on the last axis (``axis=-1``); a joint distribution on the last
  two, ``p_xy[..., x, y]``. Leading axes are a batch. ``axis=None`` reduces over every axis.
* **Marginals.** A 1-D ``p_x`` is the marginal of X, aligned with axis -2 of ``p_xy``; a 1-D
  ``p_y`` that of Y (axis -1). Marginals with two or more dimensions broadcast as given.
* **Units.** ``base`` is any positive number except 1. Without one (``base=None``, every
  function's default) the unit is the default unit: the book's, bits for the information
  measures and estimators and nats for the losses, unless :func:`infotheory.set_default_base`
  (for the process) or a :func:`infotheory.default_base` block (for a thread) chose another.
* **Zeros.** 0 log 0 = 0 and 0 log(0/q) = 0 exactly, with a gradient contribution of 0 (masked
  before the log); p > 0 with q = 0 gives +inf.
* **Types.** The result is a tensor of the input's framework, floating dtype and device.
  Distributions must have a floating dtype: integer input looks like counts and raises
  ``TypeError`` (normalize first). float16/bfloat16 accumulate in float32. NumPy arrays and
  Python values beside a framework tensor join that framework. Full reductions give 0-d tensors.
* **Never negative.** KL divergence, conditional entropy and mutual information are sums of log
  differences that rounding could push below 0; they are clamped at 0 (NaN and -inf stay).
  Entropy and cross-entropy are sums of terms that are each >= 0 in floating point for valid
  input, so they need no clamp.
* **Impossible probabilities give NaN.** A distribution (a row over its axes) with an entry
  below 0 or above 1 (logits or counts passed as probabilities: the default is
  ``from_logits=False``) gives NaN for that row, on every backend, in graph mode too, with no
  host read; a mean over it is NaN. ``validate=True`` raises the error that says why. The sum
  is not checked without it (the book's own conditional-entropy example sums to 1.1).
* **Errors.** Structural problems (non-numeric or integer distributions, shapes, axis, base,
  rank) always raise; value problems (negative, NaN, > 1, not normalized, bad marginals) raise
  only with ``validate=True`` or :func:`infotheory.set_validation`.
"""
from __future__ import annotations

import math
from typing import Optional, Union

from . import _kernels as K
from . import _validation
from ._checks import axes, broadcast, check_flag, need_ndim
from ._frontend import Function, Input, logits_or_dist, public
from ._types import ArrayLike, Axis, TensorT


# --- self-information ----------------------------------------------------------------------
def _self_information(B, p):
    return K.unit_entries(B, 0.0 - B.log(p), p)


def _check_probability_entries(c):
    """Each entry a probability (elementwise functions: no axis sums to 1)."""
    _validation.probabilities(c.fn, "p", c.B, c.tensors["p"])


_SELF_INFORMATION = Function("self_information", [Input("p")], _self_information,
                             checks=_check_probability_entries, unit=2)


@public
def self_information(p: TensorT, *, base: Optional[float] = None,
                     validate: bool = False) -> TensorT:
    r"""Self-information (surprisal) of an event of probability ``p``, elementwise.

    :math:`I(p) = -\log_b p`, with :math:`b` the ``base``; +inf at :math:`p = 0`, NaN for
    :math:`p` outside [0, 1] or NaN (``validate=True`` raises and says which). Shape: that of
    ``p``. Units: bits by default.

    >>> float(self_information(1 / 64))
    6.0
    """
    return _SELF_INFORMATION(p, base=base, validate=validate)


# --- entropy ---------------------------------------------------------------------------
def _plan_entropy(c):
    (name,) = c.shapes
    check_flag(c.fn, "from_logits", c.options["from_logits"])
    return {"axis": axes(c.fn, c.options["axis"], len(c.shape(name))), "from_logits": c.options["from_logits"]}


def _check_entropy(c):
    (name,) = c.tensors
    c.validate_dist_or_logits(name, c.planned["axis"], c.planned["from_logits"])


def _entropy(B, p, axis, from_logits):
    if from_logits:
        return K.entropy_logits(B, p, axis)
    return K.entropy_of_probabilities(B, p, axis)


# No clamp: every term -p log p is >= 0 in floating point for 0 <= p <= 1 (log p <= 0), and an
# exact log-softmax is <= 0; a row with p > 1 is NaN (K.unit_rows).
_ENTROPY = Function("entropy", [Input("p", logits_or_dist)], _entropy, plan=_plan_entropy,
                    checks=_check_entropy, unit=2)


@public
def entropy(p: TensorT, *, axis: Axis = -1, base: Optional[float] = None, from_logits: bool = False,
            validate: bool = False) -> TensorT:
    r"""Shannon entropy :math:`H(p) = -\sum_i p_i \log_b p_i` over ``axis``.

    :math:`b` is the ``base`` (2 by default: bits).

    Args:
        p: probabilities, floating dtype (or unnormalized log-probabilities with
            ``from_logits=True``, normalized by a log-softmax over ``axis``). Raw counts are not
            a distribution, and integer input raises ``TypeError``: estimate from counts with
            ``it.estimate.entropy_from_counts(counts)`` (the entropy of the normalized counts,
            or a bias-corrected estimate), or from symbols with ``entropy_from_labels``.
        axis: the axis or axes of the distribution; ``None`` for all. Other axes are a batch.
        base: logarithm base (2: bits, ``math.e``: nats); None (default): the default unit,
            bits unless :func:`infotheory.set_default_base` or ``default_base`` chose another.
        validate: check that ``p`` is a distribution over ``axis`` (host copy).

    Returns: shape of ``p`` without ``axis``; :math:`0 \log 0 = 0`; never below 0 for a
    distribution.

    A row (over the distribution's axes) with an entry below 0, above 1 or NaN gives NaN for
    that row; ``validate=True`` raises instead.

    >>> round(float(entropy([0.1, 0.5, 0.1, 0.3])), 4)
    1.6855
    """
    return _ENTROPY(p, base=base, validate=validate, axis=axis, from_logits=from_logits)


_JOINT_ENTROPY = Function("joint_entropy", [Input("p_xy")], _entropy, plan=_plan_entropy,
                          checks=_check_entropy, unit=2)


@public
def joint_entropy(p_xy: TensorT, *, axis: Axis = (-2, -1), base: Optional[float] = None,
                  validate: bool = False) -> TensorT:
    r"""Joint entropy :math:`H(X, Y) = -\sum_{x,y} p(x,y) \log_b p(x,y)`.

    ``p_xy[..., x, y]`` is reduced over ``axis`` (the last two axes by default); leading axes are
    a batch. Returns shape ``p_xy.shape[:-2]`` by default.

    Bits by default (``base``). A row (over the distribution's axes) with an entry below 0,
    above 1 or NaN gives NaN for that row; ``validate=True`` raises instead.

    >>> round(float(joint_entropy([[0.1, 0.5], [0.1, 0.3]])), 4)
    1.6855
    """
    return _JOINT_ENTROPY(p_xy, base=base, validate=validate, axis=axis, from_logits=False)


# --- joint measures ----------------------------------------------------------------------
_JOINT_INPUTS = (Input("p_xy"), Input("p_x", optional=True), Input("p_y", optional=True))


def _plan_joint(c):
    """Shapes of p_xy and its marginals (a 1-D p_x runs along axis -2: ``x_column``)."""
    need_ndim(c.fn, "p_xy", c.shape("p_xy"), 2)
    shapes = dict(c.shapes)
    column = c.has("p_x") and len(shapes["p_x"]) == 1
    if column:
        shapes["p_x"] = shapes["p_x"] + (1,)
    broadcast(c.fn, **shapes)
    return {"x_column": column}


def _check_joint(c):
    fn, B, p_xy = c.fn, c.B, c.tensors["p_xy"]
    _validation.probabilities(fn, "p_xy", B, p_xy, (-2, -1))
    for name, over in (("p_x", "y"), ("p_y", "x")):
        if c.tensors.get(name) is not None:
            given = c.tensors[name]
            if name == "p_x" and c.planned["x_column"]:
                given = B.expand_dims(given, -1)
            _validation.marginal(fn, name, B, given, p_xy, over)


def _marginal_x(B, p_xy, p_x, x_column=False):
    if p_x is None:
        return B.sum(p_xy, (-1,), keepdims=True)
    return B.expand_dims(p_x, -1) if x_column else p_x


def _marginal_y(B, p_xy, p_y):
    return B.sum(p_xy, (-2,), keepdims=True) if p_y is None else p_y


def _conditional_entropy(B, p_xy, p_x, x_column):
    marginal = _marginal_x(B, p_xy, p_x, x_column)
    h = 0.0 - K.sum_xlogratio(B, p_xy, marginal, (-2, -1))
    return _unit_joint(B, h, p_xy, None if p_x is None else marginal)


def _unit_joint(B, r, *dists, keepdims=False):
    """``r``, NaN where the joint (or a marginal given, (..., n, 1) or (..., 1, n)) has an
    entry outside [0, 1] over its last two axes."""
    for d in dists:
        if d is not None:
            n = len(B.shape(d))
            r = K.unit_rows(B, r, d, tuple(range(max(0, n - 2), n)), keepdims)
    return r


_CONDITIONAL_ENTROPY = Function("conditional_entropy", _JOINT_INPUTS[:2], _conditional_entropy,
                                plan=_plan_joint, checks=_check_joint, nonnegative=True, unit=2)


@public
def conditional_entropy(p_xy: TensorT, p_x: Optional[ArrayLike] = None, *, base: Optional[float] = None,
                        validate: bool = False) -> TensorT:
    r"""Conditional entropy :math:`H(Y \mid X) = -\sum_{x,y} p(x,y) \log_b \frac{p(x,y)}{p(x)}`.

    Args:
        p_xy: joint distribution ``p_xy[..., x, y]``; leading axes are a batch.
        p_x: marginal of X. Omitted, it is ``p_xy.sum(-1)``. A 1-D ``p_x`` of length ``n_x``
            runs along the x axis (-2); one with more dimensions broadcasts against ``p_xy`` as
            given (``(..., n_x, 1)``).
        validate: check p_xy is a joint distribution and p_x its marginal over y.

    Returns: shape ``p_xy.shape[:-2]`` (broadcast with ``p_x``'s leading axes); never below 0.

    Bits by default (``base``). A row (over the distribution's axes) with an entry below 0,
    above 1 or NaN gives NaN for that row; ``validate=True`` raises instead.

    >>> round(float(conditional_entropy([[0.1, 0.4], [0.2, 0.3]], [0.5, 0.5])), 4)
    0.8464
    """
    return _CONDITIONAL_ENTROPY(p_xy, p_x, base=base, validate=validate)


def _mutual_information(B, p_xy, p_x, p_y, x_column):
    marginal = _marginal_x(B, p_xy, p_x, x_column)
    mi = K.sum_pmi_terms(B, p_xy, marginal, _marginal_y(B, p_xy, p_y), (-2, -1))
    return _unit_joint(B, mi, p_xy, None if p_x is None else marginal, p_y)


_MUTUAL_INFORMATION = Function("mutual_information", _JOINT_INPUTS, _mutual_information,
                               plan=_plan_joint, checks=_check_joint, nonnegative=True, unit=2)


@public
def mutual_information(p_xy: TensorT, p_x: Optional[ArrayLike] = None,
                       p_y: Optional[ArrayLike] = None, *, base: Optional[float] = None,
                       validate: bool = False) -> TensorT:
    r"""Mutual information :math:`I(X;Y) = \sum_{x,y} p(x,y) \log_b \frac{p(x,y)}{p(x)\,p(y)}`.

    ``p_xy[..., x, y]`` is a joint distribution. Omitted marginals are computed from it. A 1-D
    ``p_x`` runs along the x axis (-2) and a 1-D ``p_y`` along the y axis (-1); marginals with
    more dimensions broadcast as given. Returns shape ``p_xy.shape[:-2]``; never below 0.

    Bits by default (``base``). A row (over the distribution's axes) with an entry below 0,
    above 1 or NaN gives NaN for that row; ``validate=True`` raises instead.

    >>> round(float(mutual_information([[0.1, 0.5], [0.1, 0.3]])), 4)
    0.0074
    >>> round(float(mutual_information([[0.5, 0.0], [0.0, 0.5]])), 4)
    1.0
    """
    return _MUTUAL_INFORMATION(p_xy, p_x, p_y, base=base, validate=validate)


def _pointwise_mutual_information(B, p_xy, p_x, p_y, x_column):
    nz = p_xy != 0  # exactly -inf where p(x,y) = 0, even if a marginal is 0
    p_x = _marginal_x(B, p_xy, p_x, x_column) if p_x is not None else None
    pmi = K.log_pmi(B, p_xy, _marginal_x(B, p_xy, p_x), _marginal_y(B, p_xy, p_y), nz)
    return _unit_joint(B, B.where(nz, pmi, float("-inf")), p_xy, p_x, p_y, keepdims=True)


_POINTWISE_MUTUAL_INFORMATION = Function("pointwise_mutual_information", _JOINT_INPUTS,
                                         _pointwise_mutual_information, plan=_plan_joint,
                                         checks=_check_joint, unit=2)


@public
def pointwise_mutual_information(p_xy: TensorT, p_x: Optional[ArrayLike] = None,
                                 p_y: Optional[ArrayLike] = None, *, base: Optional[float] = None,
                                 validate: bool = False) -> TensorT:
    r"""Pointwise mutual information, elementwise:
    :math:`\operatorname{pmi}(x, y) = \log_b \frac{p(x,y)}{p(x)\,p(y)}`.

    Marginals as in :func:`mutual_information`. Returns the broadcast shape of the inputs;
    exactly -inf where ``p_xy == 0``.

    Bits by default (``base``). A row (over the distribution's axes) with an entry below 0,
    above 1 or NaN gives NaN for that row; ``validate=True`` raises instead.

    >>> pointwise_mutual_information([[0.5, 0.0], [0.0, 0.5]]).tolist()
    [[1.0, -inf], [-inf, 1.0]]
    """
    return _POINTWISE_MUTUAL_INFORMATION(p_xy, p_x, p_y, base=base, validate=validate)


# --- divergences -------------------------------------------------------------------------
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


def _kl_divergence(B, p, q, axis, from_logits, log_repeats, lead):
    p, q = _to_rank(B, p, lead[0]), _to_rank(B, q, lead[1])
    if not from_logits:
        kl = K.unit_rows(B, K.sum_xlogratio(B, p, q, axis), p, axis, low=False)
        return K.unit_rows(B, kl, q, axis)  # (q < 0 where p = 0 has no log taken)
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
def kl_divergence(p: TensorT, q: ArrayLike, *, axis: Axis = -1, base: Optional[float] = None,
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
def jensen_shannon_divergence(p: TensorT, q: ArrayLike, *, axis: Axis = -1, base: Optional[float] = None,
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


def _binary_entropy(B, p):
    return 0.0 - (K.xlogy_masked(B, p, p) + K.xlogy_masked(B, 1.0 - p, 1.0 - p))


_BINARY_ENTROPY = Function("binary_entropy", [Input("p")], _binary_entropy,
                           checks=_check_probability_entries, unit=2)


@public
def binary_entropy(p: TensorT, *, base: Optional[float] = None, validate: bool = False) -> TensorT:
    r"""Binary entropy :math:`H(p) = -p \log_b p - (1 - p) \log_b (1 - p)`, elementwise (bits
    by default).

    NaN for p outside [0, 1] or NaN (``validate=True`` raises and says which).

    >>> float(binary_entropy(0.5))
    1.0
    """
    return _BINARY_ENTROPY(p, base=base, validate=validate)


_HALF_LOG_2PI_E = 0.5 * math.log(2 * math.pi * math.e)


def _gaussian_entropy(B, scale):
    return B.log(scale) + _HALF_LOG_2PI_E


def _check_scales(c):
    """Standard deviations are positive (inside ``it.validation()``)."""
    for name in ("scale", "scale_p", "scale_q"):
        if c.tensors.get(name) is not None:
            _validation.positive(c.fn, name, c.B, c.tensors[name])


_GAUSSIAN_ENTROPY = Function("gaussian_entropy", [Input("scale", "real")], _gaussian_entropy,
                             checks=_check_scales, unit=2)


@public
def gaussian_entropy(scale: TensorT, *, base: Optional[float] = None,
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


def _plan_broadcast(c):
    broadcast(c.fn, **c.shapes)
    return {}


def _gaussian_kl(B, loc_p, scale_p, loc_q, scale_q):
    ratio = scale_p / scale_q
    diff = (loc_p - loc_q) / scale_q
    return 0.5 * (ratio * ratio + diff * diff - 1.0) - B.log(ratio)


_GAUSSIAN_KL = Function("gaussian_kl_divergence",
                        [Input(n, "real") for n in ("loc_p", "scale_p", "loc_q", "scale_q")],
                        _gaussian_kl, plan=_plan_broadcast, checks=_check_scales,
                        nonnegative=True, unit=2)


@public
def gaussian_kl_divergence(loc_p: TensorT, scale_p: ArrayLike, loc_q: ArrayLike, scale_q: ArrayLike, *,
                           base: Optional[float] = None, validate: bool = False) -> TensorT:
    r"""KL divergence between two normal distributions, elementwise and broadcasting; never
    below 0:

    .. math::

        D(\mathcal{N}(\mu_p, \sigma_p^2) \,\|\, \mathcal{N}(\mu_q, \sigma_q^2))
        = \log \frac{\sigma_q}{\sigma_p} + \frac{\sigma_p^2 + (\mu_p - \mu_q)^2}{2 \sigma_q^2}
        - \frac12

    with :math:`\mu` the ``loc`` and :math:`\sigma` the ``scale`` arguments (in nats; divided
    by :math:`\ln b` for ``base`` :math:`b`).

    A VAE's KL term is ``gaussian_kl_divergence(mu, sigma, 0.0, 1.0, base=math.e).sum(-1)``.

    Bits by default (``base``). A negative or NaN scale gives NaN (``validate=True`` raises for
    a scale that is not positive).

    >>> float(gaussian_kl_divergence(0.0, 1.0, 1.0, 1.0, base=math.e))
    0.5
    """
    return _GAUSSIAN_KL(loc_p, scale_p, loc_q, scale_q, base=base, validate=validate)
