"""Distribution measures: one function each, its docstring, one pipeline call, and its math.

Conventions (shared by every function here and in :mod:`infotheory.losses`):

* **Axes.** A distribution lies on the last axis (``axis=-1``); a joint distribution on the last
  two, ``p_xy[..., x, y]``. Leading axes are a batch. ``axis=None`` reduces over every axis.
* **Marginals.** A 1-D ``p_x`` is the marginal of X, aligned with axis -2 of ``p_xy``; a 1-D
  ``p_y`` that of Y (axis -1). Marginals with two or more dimensions broadcast as given.
* **Units.** Information measures default to bits (``base=2``); the losses to nats. ``base`` is
  any positive number except 1.
* **Zeros.** 0 log 0 = 0 and 0 log(0/q) = 0 exactly, with a gradient contribution of 0 (masked
  before the log); p > 0 with q = 0 gives +inf.
* **Types.** The result is a tensor of the input's framework, floating dtype and device.
  Distributions must have a floating dtype: integer input looks like counts and raises
  ``TypeError`` (normalize first). float16/bfloat16 accumulate in float32. NumPy arrays and
  Python values beside a framework tensor join that framework. Full reductions give 0-d tensors.
* **Never negative.** KL divergence, conditional entropy and mutual information are sums of log
  differences that rounding could push below 0; they are clamped at 0 (NaN and -inf stay).
  Entropy and cross-entropy are sums of terms that are each >= 0 in floating point for valid
  input, so they need no clamp (invalid input, such as p > 1, gives the formula's value).
* **Errors.** Structural problems (non-numeric or integer distributions, shapes, axis, base,
  rank) always raise; value problems (negative, NaN, > 1, not normalized, bad marginals) only
  with ``validate=True`` or :func:`infotheory.set_validation`.
"""
from __future__ import annotations

import math
from typing import Any, Optional, Tuple, Union

from . import _kernels as K
from . import _validation
from ._frontend import Input, axes, broadcast, need_ndim, remembered, run

Tensor = Any  # a NumPy array, torch.Tensor, tf.Tensor/tf.Variable, mxnet array, or nested list
Axis = Union[int, Tuple[int, ...], None]


# --- self-information ----------------------------------------------------------------------
@remembered
def self_information(p: Tensor, *, base: float = 2) -> Tensor:
    """Self-information (surprisal) of an event of probability ``p``, elementwise.

    ``I(p) = -log_base(p)``; +inf at p = 0. Shape: that of ``p``. Units: bits by default.

    >>> float(self_information(1 / 64))
    6.0
    """
    return run("self_information", _self_information, [Input("p", p)], base=base)


def _self_information(B, p):
    return 0.0 - B.log(p)


# --- entropy ---------------------------------------------------------------------------
@remembered
def entropy(p: Tensor, *, axis: Axis = -1, base: float = 2, from_logits: bool = False,
            validate: bool = False) -> Tensor:
    """Shannon entropy ``H(p) = -sum_i p_i log_base p_i`` over ``axis``.

    Args:
        p: probabilities, floating dtype (or unnormalized log-probabilities with
            ``from_logits=True``, normalized by a log-softmax over ``axis``). Raw counts are not
            a distribution, and integer input raises ``TypeError``: estimate from counts with
            ``it.estimate.entropy_from_counts(counts)`` (the entropy of the normalized counts,
            or a bias-corrected estimate), or from symbols with ``entropy_from_labels``.
        axis: the axis or axes of the distribution; ``None`` for all. Other axes are a batch.
        base: logarithm base; 2 gives bits, ``math.e`` nats.
        validate: check that ``p`` is a distribution over ``axis`` (host copy).

    Returns: shape of ``p`` without ``axis``; 0 log 0 = 0; never below 0 for a distribution.

    >>> round(float(entropy([0.1, 0.5, 0.1, 0.3])), 4)
    1.6855
    """
    return _entropy_call("entropy", p, axis, base, from_logits, validate)


@remembered
def joint_entropy(p_xy: Tensor, *, axis: Axis = (-2, -1), base: float = 2,
                  validate: bool = False) -> Tensor:
    """Joint entropy ``H(X, Y) = -sum_{x,y} p(x,y) log_base p(x,y)``.

    ``p_xy[..., x, y]`` is reduced over ``axis`` (the last two axes by default); leading axes are
    a batch. Returns shape ``p_xy.shape[:-2]`` by default.

    >>> round(float(joint_entropy([[0.1, 0.5], [0.1, 0.3]])), 4)
    1.6855
    """
    return _entropy_call("joint_entropy", p_xy, axis, base, False, validate, name="p_xy")


def _entropy_call(fn, p, axis, base, from_logits, validate, name="p"):
    def prepare(c):
        ax = axes(fn, axis, len(c.shape(name)))
        if c.validating:
            c.validate_dist_or_logits(name, ax, from_logits)
        return {"axis": ax}

    kind = "real" if from_logits else "dist"
    # No clamp: every term -p log p is >= 0 in floating point for 0 <= p <= 1 (log p <= 0), and
    # an exact log-softmax is <= 0, so only invalid input (p > 1) gives a negative entropy.
    return run(fn, _entropy, [Input(name, p, kind)], base=base, validate=validate,
               prepare=prepare, from_logits=from_logits)


def _entropy(B, axis, from_logits, p=None, p_xy=None):
    p = p if p is not None else p_xy
    if from_logits:
        return K.call(B, "entropy_logits", p, axis)
    return K.call(B, "neg_sum_xlogx", p, axis)


# --- joint measures ----------------------------------------------------------------------
def _prepare_joint(c):
    """Shapes of p_xy and its marginals: 1-D p_x runs along axis -2; validation."""
    fn, B = c.fn, c.B
    need_ndim(fn, "p_xy", c.shape("p_xy"), 2)
    if "p_x" in c.t and len(c.shape("p_x")) == 1:
        c.t["p_x"] = B.expand_dims(c.t["p_x"], -1)
    names = [n for n in ("p_xy", "p_x", "p_y") if n in c.t]
    broadcast(fn, **{n: c.shape(n) for n in names})
    if c.validating:
        _validation.probabilities(fn, "p_xy", B, c.t["p_xy"], (-2, -1))
        for name, over in (("p_x", "y"), ("p_y", "x")):
            if name in c.t:
                _validation.marginal(fn, name, B, c.t[name], c.t["p_xy"], over)
    return {}


def _marginal_x(B, p_xy, p_x):
    return B.sum(p_xy, (-1,), keepdims=True) if p_x is None else p_x


def _marginal_y(B, p_xy, p_y):
    return B.sum(p_xy, (-2,), keepdims=True) if p_y is None else p_y


@remembered
def conditional_entropy(p_xy: Tensor, p_x: Optional[Tensor] = None, *, base: float = 2,
                        validate: bool = False) -> Tensor:
    """Conditional entropy ``H(Y|X) = -sum_{x,y} p(x,y) log_base(p(x,y) / p(x))``.

    Args:
        p_xy: joint distribution ``p_xy[..., x, y]``; leading axes are a batch.
        p_x: marginal of X. Omitted, it is ``p_xy.sum(-1)``. A 1-D ``p_x`` of length ``n_x``
            runs along the x axis (-2); one with more dimensions broadcasts against ``p_xy`` as
            given (``(..., n_x, 1)``).
        validate: check p_xy is a joint distribution and p_x its marginal over y.

    Returns: shape ``p_xy.shape[:-2]`` (broadcast with ``p_x``'s leading axes); never below 0.

    >>> round(float(conditional_entropy([[0.1, 0.4], [0.2, 0.3]], [0.5, 0.5])), 4)
    0.8464
    """
    return run("conditional_entropy", _conditional_entropy,
               [Input("p_xy", p_xy), Input("p_x", p_x, optional=True)], base=base,
               validate=validate, prepare=_prepare_joint, nonnegative=True)


def _conditional_entropy(B, p_xy, p_x=None):
    return 0.0 - K.call(B, "sum_xlogratio", p_xy, _marginal_x(B, p_xy, p_x), (-2, -1))


@remembered
def mutual_information(p_xy: Tensor, p_x: Optional[Tensor] = None,
                       p_y: Optional[Tensor] = None, *, base: float = 2,
                       validate: bool = False) -> Tensor:
    """Mutual information ``I(X;Y) = sum_{x,y} p(x,y) log_base(p(x,y) / (p(x) p(y)))``.

    ``p_xy[..., x, y]`` is a joint distribution. Omitted marginals are computed from it. A 1-D
    ``p_x`` runs along the x axis (-2) and a 1-D ``p_y`` along the y axis (-1); marginals with
    more dimensions broadcast as given. Returns shape ``p_xy.shape[:-2]``; never below 0.

    >>> round(float(mutual_information([[0.1, 0.5], [0.1, 0.3]])), 4)
    0.0074
    >>> round(float(mutual_information([[0.5, 0.0], [0.0, 0.5]])), 4)
    1.0
    """
    return run("mutual_information", _mutual_information,
               [Input("p_xy", p_xy), Input("p_x", p_x, optional=True),
                Input("p_y", p_y, optional=True)], base=base, validate=validate,
               prepare=_prepare_joint, nonnegative=True)


def _mutual_information(B, p_xy, p_x=None, p_y=None):
    return K.call(B, "sum_pmi_terms", p_xy, _marginal_x(B, p_xy, p_x), _marginal_y(B, p_xy, p_y),
                  (-2, -1))


@remembered
def pointwise_mutual_information(p_xy: Tensor, p_x: Optional[Tensor] = None,
                                 p_y: Optional[Tensor] = None, *, base: float = 2) -> Tensor:
    """Pointwise mutual information ``pmi(x, y) = log_base(p(x,y) / (p(x) p(y)))``, elementwise.

    Marginals as in :func:`mutual_information`. Returns the broadcast shape of the inputs;
    exactly -inf where ``p_xy == 0``.

    >>> pointwise_mutual_information([[0.5, 0.0], [0.0, 0.5]]).tolist()
    [[1.0, -inf], [-inf, 1.0]]
    """
    return run("pointwise_mutual_information", _pointwise_mutual_information,
               [Input("p_xy", p_xy), Input("p_x", p_x, optional=True),
                Input("p_y", p_y, optional=True)], base=base,
               prepare=_prepare_joint)


def _pointwise_mutual_information(B, p_xy, p_x=None, p_y=None):
    nz = p_xy != 0  # exactly -inf where p(x,y) = 0, even if a marginal is 0
    pmi = K.log_pmi(B, p_xy, _marginal_x(B, p_xy, p_x), _marginal_y(B, p_xy, p_y), nz)
    return B.where(nz, pmi, float("-inf"))


# --- divergences -------------------------------------------------------------------------
def _divergence(fn: str, math_fn, p, q, axis, base, from_logits, validate):
    """A divergence of p and q through the pipeline: ``from_logits`` False, True (both) or "q";
    shapes broadcast, axes of the broadcast shape, both brought to its rank. Logits are
    normalized over the broadcast shape: a size-1 axis that broadcasts to n copies divides each
    probability by n (``log_repeats``: log n for p and for q)."""
    if from_logits not in (False, True, "q"):
        raise ValueError(f"{fn}: from_logits must be False, True or 'q', got {from_logits!r}")
    logits = {"p": from_logits is True, "q": bool(from_logits)}

    def prepare(c):
        shape = broadcast(fn, p=c.shape("p"), q=c.shape("q"))
        ax = axes(fn, axis, len(shape))
        repeats = []
        for name in ("p", "q"):  # same rank, so axes mean the same on both
            for _ in range(len(shape) - len(c.shape(name))):
                c.t[name] = c.B.expand_dims(c.t[name], 0)
            own, n = c.shape(name), 1
            for a in ax:
                if own[a] == 1 and shape[a] is not None:
                    n *= shape[a]
            repeats.append(math.log(n))
        if c.validating:
            for name in ("p", "q"):
                c.validate_dist_or_logits(name, ax, logits[name])
        return {"axis": ax, "log_repeats": tuple(repeats)}

    return run(fn, math_fn, [Input("p", p, "real" if logits["p"] else "dist"),
                             Input("q", q, "real" if logits["q"] else "dist")],
               base=base, validate=validate, prepare=prepare, nonnegative=True,
               from_logits=from_logits)


def _log_softmax_broadcast(B, z, axis, log_repeat: float):
    """Log-softmax of ``z`` over ``axis`` of the broadcast shape (``log_repeat``: see
    :func:`_divergence`)."""
    logp = B.log_softmax(z, axis)
    return logp - log_repeat if log_repeat else logp


@remembered
def kl_divergence(p: Tensor, q: Tensor, *, axis: Axis = -1, base: float = 2,
                  from_logits: Union[bool, str] = False, validate: bool = False) -> Tensor:
    """Kullback-Leibler divergence ``D(P||Q) = sum_i p_i log_base(p_i / q_i)`` over ``axis``.

    Summed term by term as ``p (log p - log q)`` (no H(p, q) - H(p) cancellation, no epsilon
    clipping); 0 log(0/q) = 0 and +inf where p > 0 and q = 0. ``p`` and ``q`` broadcast (``axis``
    refers to the broadcast shape, and logits are normalized over it).

    ``from_logits``: ``False`` (both are probabilities), ``True`` (both are unnormalized
    log-probabilities, as a teacher's and a student's logits in distillation), or ``"q"``
    (``p`` holds probabilities and ``q`` logits: a target distribution against a prediction,
    as Keras' ``from_logits`` and torch's ``F.kl_div(log_softmax(z), p)``). Returns the broadcast
    shape without ``axis``; never below 0.

    >>> float(kl_divergence([0.5, 0.5], [0.5, 0.5]))
    0.0
    >>> float(kl_divergence([1.0, 0.0], [0.5, 0.5]))
    1.0
    >>> float(kl_divergence([1.0, 0.0], [0.0, 0.0], from_logits="q"))
    1.0
    """
    return _divergence("kl_divergence", _kl_divergence, p, q, axis, base, from_logits, validate)


def _kl_divergence(B, p, q, axis, from_logits, log_repeats):
    if not from_logits:
        return K.call(B, "sum_xlogratio", p, q, axis)
    if from_logits is True and not any(log_repeats):
        return K.call(B, "kl_logits", p, q, axis)
    logq = _log_softmax_broadcast(B, q, axis, log_repeats[1])
    if from_logits == "q":  # p holds probabilities
        nz = p != 0
        return B.sum(p * (B.log(B.where(nz, p, 1.0)) - B.where(nz, logq, 0.0)), axis)
    logp = _log_softmax_broadcast(B, p, axis, log_repeats[0])
    return B.sum(K.plogq_logits(B, B.exp(logp), logp - logq), axis)


@remembered
def jensen_shannon_divergence(p: Tensor, q: Tensor, *, axis: Axis = -1, base: float = 2,
                              from_logits: Union[bool, str] = False,
                              validate: bool = False) -> Tensor:
    """Jensen-Shannon divergence ``1/2 D(P||M) + 1/2 D(Q||M)`` with ``M = (P + Q) / 2``.

    The divergence, not SciPy's ``jensenshannon`` distance (its square root). Symmetric, at most
    1 bit (``ln 2`` nats), finite with finite gradients where p or q has zeros (m > 0 wherever p
    or q is). ``p`` and ``q`` broadcast; ``from_logits`` as in :func:`kl_divergence` (``True``:
    both logits, ``"q"``: only ``q``). Returns the broadcast shape without ``axis``; never
    below 0.

    >>> float(jensen_shannon_divergence([1.0, 0.0], [0.0, 1.0]))
    1.0
    """
    return _divergence("jensen_shannon_divergence", _jensen_shannon, p, q, axis, base,
                       from_logits, validate)


def _jensen_shannon(B, p, q, axis, from_logits, log_repeats):
    if from_logits is True:
        p = B.exp(_log_softmax_broadcast(B, p, axis, log_repeats[0]))
    if from_logits:
        q = B.exp(_log_softmax_broadcast(B, q, axis, log_repeats[1]))
    m = (p + q) * 0.5
    return (K.sum_xlogratio(B, p, m, axis) + K.sum_xlogratio(B, q, m, axis)) * 0.5


@remembered
def binary_entropy(p: Tensor, *, base: float = 2) -> Tensor:
    """Binary entropy ``H(p) = -p log p - (1 - p) log(1 - p)``, elementwise (bits by default).

    >>> float(binary_entropy(0.5))
    1.0
    """
    return run("binary_entropy", _binary_entropy, [Input("p", p)], base=base)


def _binary_entropy(B, p):
    return 0.0 - (K.xlogy_masked(B, p, p) + K.xlogy_masked(B, 1.0 - p, 1.0 - p))


_HALF_LOG_2PI_E = 0.5 * math.log(2 * math.pi * math.e)


@remembered
def gaussian_entropy(scale: Tensor, *, base: float = 2) -> Tensor:
    """Differential entropy of a normal distribution, ``1/2 log(2 pi e sigma^2)``, elementwise.

    ``scale`` is the standard deviation sigma > 0 (any shape; a VAE sums over its latent axis).
    Bits by default; it is negative for sigma < 1 / sqrt(2 pi e), as differential entropy can be.

    >>> round(float(gaussian_entropy(1.0, base=math.e)), 4)
    1.4189
    """
    return run("gaussian_entropy", _gaussian_entropy, [Input("scale", scale, "real")], base=base)


def _gaussian_entropy(B, scale):
    return B.log(scale) + _HALF_LOG_2PI_E


@remembered
def gaussian_kl_divergence(loc_p: Tensor, scale_p: Tensor, loc_q: Tensor, scale_q: Tensor, *,
                           base: float = 2) -> Tensor:
    """``D(N(loc_p, scale_p^2) || N(loc_q, scale_q^2))``, elementwise and broadcasting:
    ``log(s_q / s_p) + (s_p^2 + (m_p - m_q)^2) / (2 s_q^2) - 1/2``; never below 0.

    A VAE's KL term is ``gaussian_kl_divergence(mu, sigma, 0.0, 1.0, base=math.e).sum(-1)``.

    >>> float(gaussian_kl_divergence(0.0, 1.0, 1.0, 1.0, base=math.e))
    0.5
    """
    fn = "gaussian_kl_divergence"

    def prepare(c):
        broadcast(fn, **{n: c.shape(n) for n in ("loc_p", "scale_p", "loc_q", "scale_q")})
        return {}

    return run(fn, _gaussian_kl, [Input(n, v, "real") for n, v in (
        ("loc_p", loc_p), ("scale_p", scale_p), ("loc_q", loc_q), ("scale_q", scale_q))],
        base=base, prepare=prepare, nonnegative=True)


def _gaussian_kl(B, loc_p, scale_p, loc_q, scale_q):
    ratio = scale_p / scale_q
    diff = (loc_p - loc_q) / scale_q
    return 0.5 * (ratio * ratio + diff * diff - 1.0) - B.log(ratio)
