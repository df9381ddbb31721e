r"""Shannon measures of one distribution: self-information, entropy, joint and conditional
entropy, mutual information, pointwise mutual information, binary entropy. Each reads
top-down: its plan (free checks), value checks, math, declaration, public function.

Conventions (shared by every function here and in :mod:`infotheory.divergences`,
:mod:`infotheory.generalized`, :mod:`infotheory.multivariate`, :mod:`infotheory.gaussian` and
:mod:`infotheory.losses`):

* **Axes.** A distribution lies on the last axis (``axis=-1``); a joint distribution on the last
  two, ``p_xy[..., x, y]``. Leading axes are a batch. ``axis=None`` reduces over every axis.
* **Marginals.** A 1-D ``p_x`` is the marginal of X, aligned with axis -2 of ``p_xy``; a 1-D
  ``p_y`` that of Y (axis -1). Marginals with two or more dimensions broadcast as given.
* **Units.** ``base`` is any positive number except 1. Without one (``base=None``, every
  function's default) the unit is the default unit: the book's, bits for the information
  measures and estimators and nats for the losses, unless :func:`infotheory.set_default_base`
  (for the process) or a :func:`infotheory.default_base` block (for a thread) chose another.
* **Zeros.** :math:`0 \log 0 = 0` and :math:`0 \log(0/q) = 0` exactly, with a gradient
  contribution of 0 (masked before the log); :math:`p > 0` with :math:`q = 0` gives
  :math:`+\infty`.
* **Types.** The result is a tensor of the input's framework, floating dtype and device.
  Distributions must have a floating dtype: integer input looks like counts and raises
  ``TypeError`` (normalize first). float16/bfloat16 accumulate in float32. NumPy arrays and
  Python values beside a framework tensor join that framework. Full reductions give 0-d tensors.
* **Never negative.** KL divergence, conditional entropy and mutual information are sums of log
  differences that rounding could push below 0; they are clamped at 0 (NaN and -inf stay).
  Entropy and cross-entropy are sums of terms that are each :math:`\ge 0` in floating point for
  valid input, so they need no clamp.
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

from typing import Optional

from . import _kernels as K
from . import _validation
from ._checks import axes, broadcast, check_flag, need_ndim
from ._frontend import Function, Input, logits_or_dist, public
from ._types import ArrayLike, Axis, Real, TensorT


# --- self-information ----------------------------------------------------------------------
def _self_information(B, p):
    return K.unit_entries(B, 0.0 - B.log(p), p)


def _check_probability_entries(c):
    """Each entry a probability (elementwise functions: no axis sums to 1)."""
    _validation.probabilities(c.fn, "p", c.B, c.tensors["p"])


_SELF_INFORMATION = Function("self_information", [Input("p")], _self_information,
                             checks=_check_probability_entries, unit=2)


@public
def self_information(p: TensorT, *, base: Optional[Real] = None,
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
def entropy(p: TensorT, *, axis: Axis = -1, base: Optional[Real] = None, from_logits: bool = False,
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
def joint_entropy(p_xy: TensorT, *, axis: Axis = (-2, -1), base: Optional[Real] = None,
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
def conditional_entropy(p_xy: TensorT, p_x: Optional[ArrayLike] = None, *, base: Optional[Real] = None,
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
                       p_y: Optional[ArrayLike] = None, *, base: Optional[Real] = None,
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
                                 p_y: Optional[ArrayLike] = None, *, base: Optional[Real] = None,
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


# --- binary entropy ---------------------------------------------------------------------
def _binary_entropy(B, p):
    return 0.0 - (K.xlogy_masked(B, p, p) + K.xlogy_masked(B, 1.0 - p, 1.0 - p))


_BINARY_ENTROPY = Function("binary_entropy", [Input("p")], _binary_entropy,
                           checks=_check_probability_entries, unit=2)


@public
def binary_entropy(p: TensorT, *, base: Optional[Real] = None, validate: bool = False) -> TensorT:
    r"""Binary entropy :math:`H(p) = -p \log_b p - (1 - p) \log_b (1 - p)`, elementwise (bits
    by default).

    NaN for p outside [0, 1] or NaN (``validate=True`` raises and says which).

    >>> float(binary_entropy(0.5))
    1.0
    """
    return _BINARY_ENTROPY(p, base=base, validate=validate)
