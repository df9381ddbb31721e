"""Uncertainty of a model's predictions from samples of them (MC dropout, deep ensembles).

``p[s, ..., k]``: for each sample ``s`` of the model (a dropout mask, an ensemble member), a
predictive distribution over classes ``k``; other axes are a batch. With ``S`` samples and
``p_bar = (1/S) sum_s p_s`` the mean prediction:

* predictive entropy ``H[p_bar]`` (total uncertainty);
* expected entropy ``(1/S) sum_s H[p_s]`` (aleatoric: the noise every sample predicts);
* BALD ``H[p_bar] - (1/S) sum_s H[p_s]`` (epistemic: the mutual information between the
  prediction and the model's parameters, Houlsby et al. 2011; Gal et al. 2017), equal to
  ``(1/S) sum_s KL(p_s || p_bar)``; exactly 0 from logits when every sample agrees, clamped at
  0 against rounding.

From logits (``from_logits=True``) the mean prediction is a log-mean-exp over the samples of
the log-softmax, never ``log(mean(softmax))``, which underflows to -inf at logits of -1e4.
Units follow ``base`` (default: the default unit, bits unless chosen otherwise).
"""
from __future__ import annotations

import numbers
from typing import Optional

from . import _kernels as K
from ._checks import axes, check_flag
from ._frontend import Function, Input, logits_or_dist, public
from ._types import Int, Real, TensorT


def _plan(c):
    fn, o = c.fn, c.options
    check_flag(fn, "from_logits", o["from_logits"])
    shape = c.shape("p")
    for name in ("sample_axis", "axis"):
        if isinstance(o[name], bool) or not isinstance(o[name], numbers.Integral):
            raise TypeError(f"{fn}: {name} must be an int, got {o[name]!r}")
    if len(shape) < 2:
        raise ValueError(f"{fn}: p needs a sample axis and a class axis, got shape {shape}")
    (s,) = axes(fn, o["sample_axis"], len(shape))
    (a,) = axes(fn, o["axis"], len(shape))
    if s == a:
        raise ValueError(f"{fn}: sample_axis and axis are the same axis ({s})")
    n = shape[s]
    if n is None:
        raise ValueError(f"{fn}: the number of samples (axis {s} of p) must be known when the "
                         f"call is traced")
    if n == 0:
        raise ValueError(f"{fn}: p has no samples (axis {s} has size 0)")
    return {"s": s, "a": a, "n": n, "from_logits": o["from_logits"]}


def _checks(c):
    c.validate_dist_or_logits("p", (c.planned["a"],), c.planned["from_logits"])


def _predictive(B, p, s, a, n, from_logits):
    if from_logits:
        _, log_mean = K.log_softmax_and_mean(B, p, s, a, n)
        return K.entropy_of_log(B, log_mean, (s, a))  # (the sample axis has size 1)
    mean = B.sum(p, (s,), keepdims=True) * (1.0 / n)
    h = K.neg_sum_xlogx(B, mean, (s, a))
    return K.unit_rows(B, h, p, (s, a))


def _expected(B, p, s, a, n, from_logits):
    h = K.entropy_logits(B, p, (a,)) if from_logits else K.neg_sum_xlogx(B, p, (a,))
    e = B.sum(h, (s if s < a else s - 1,)) * (1.0 / n)
    return e if from_logits else K.unit_rows(B, e, p, (s, a))


def _bald(B, p, s, a, n, from_logits):
    if from_logits:
        return K.bald_logits(B, p, s, a, n)
    mean = B.sum(p, (s,), keepdims=True) * (1.0 / n)
    kl = K.sum_xlogratio.generic(B, p, mean, (s, a)) * (1.0 / n)
    return K.unit_rows(B, kl, p, (s, a))


_INPUTS = [Input("p", logits_or_dist)]
_PREDICTIVE = Function("predictive_entropy", _INPUTS, _predictive, plan=_plan, checks=_checks,
                       unit=2)


@public
def predictive_entropy(p: TensorT, *, sample_axis: Int = 0, axis: Int = -1,
                       base: Optional[Real] = None, from_logits: bool = False,
                       validate: bool = False) -> TensorT:
    r"""Predictive entropy (total uncertainty), the entropy of the mean prediction:

    .. math:: H[\bar p] = -\sum_k \bar p_k \log_b \bar p_k, \quad
              \bar p = \frac{1}{S} \sum_s p_s

    Args:
        p: predictive distributions of ``S`` samples of a model (MC dropout passes, ensemble
            members), ``S`` along ``sample_axis`` and classes along ``axis``; or logits with
            ``from_logits=True``. Floating dtype.
        sample_axis: the axis of the samples (default 0); its size must be known when the
            call is traced.
        axis: the class axis (default -1); one axis, not ``sample_axis``.
        base: logarithm base; None (default): the default unit (bits unless
            :func:`infotheory.set_default_base` chose another).
        from_logits: ``p`` holds unnormalized log-probabilities (a log-softmax over ``axis``).
        validate: check each sample's distribution (host copy).

    Returns: shape of ``p`` without ``sample_axis`` and ``axis``. A row with an entry outside
    [0, 1] (logits passed as probabilities) gives NaN; ``validate=True`` says why.

    >>> round(float(predictive_entropy([[[1.0, 0.0]], [[0.0, 1.0]]])[0]), 4)
    1.0
    """
    return _PREDICTIVE(p, base=base, validate=validate, sample_axis=sample_axis, axis=axis,
                       from_logits=from_logits)


_EXPECTED = Function("expected_entropy", _INPUTS, _expected, plan=_plan, checks=_checks, unit=2)


@public
def expected_entropy(p: TensorT, *, sample_axis: Int = 0, axis: Int = -1,
                     base: Optional[Real] = None, from_logits: bool = False,
                     validate: bool = False) -> TensorT:
    r"""Expected entropy (aleatoric uncertainty), the mean of the samples' entropies:
    :math:`\frac{1}{S} \sum_s H[p_s]`.

    Args:
        p: predictive distributions of ``S`` samples of a model (MC dropout passes, ensemble
            members), ``S`` along ``sample_axis`` and classes along ``axis``; or logits with
            ``from_logits=True``. Floating dtype.
        sample_axis: the axis of the samples (default 0); its size must be known when the
            call is traced.
        axis: the class axis (default -1); one axis, not ``sample_axis``.
        base: logarithm base; None (default): the default unit (bits unless
            :func:`infotheory.set_default_base` chose another).
        from_logits: ``p`` holds unnormalized log-probabilities (a log-softmax over ``axis``).
        validate: check each sample's distribution (host copy).

    Returns: shape of ``p`` without ``sample_axis`` and ``axis``. A row with an entry outside
    [0, 1] (logits passed as probabilities) gives NaN; ``validate=True`` says why.

    >>> round(float(expected_entropy([[[1.0, 0.0]], [[0.0, 1.0]]])[0]), 4)
    0.0
    """
    return _EXPECTED(p, base=base, validate=validate, sample_axis=sample_axis, axis=axis,
                     from_logits=from_logits)


_BALD = Function("bald", _INPUTS, _bald, plan=_plan, checks=_checks, nonnegative=True, unit=2)


@public
def bald(p: TensorT, *, sample_axis: Int = 0, axis: Int = -1, base: Optional[Real] = None,
         from_logits: bool = False, validate: bool = False) -> TensorT:
    r"""BALD (epistemic uncertainty): the mutual information between the prediction and the
    model's parameters, predictive minus expected entropy, never below 0:

    .. math:: H[\bar p] - \frac{1}{S} \sum_s H[p_s] = \frac{1}{S} \sum_s D(p_s \,\|\, \bar p)

    Args:
        p: predictive distributions of ``S`` samples of a model (MC dropout passes, ensemble
            members), ``S`` along ``sample_axis`` and classes along ``axis``; or logits with
            ``from_logits=True``. Floating dtype.
        sample_axis: the axis of the samples (default 0); its size must be known when the
            call is traced.
        axis: the class axis (default -1); one axis, not ``sample_axis``.
        base: logarithm base; None (default): the default unit (bits unless
            :func:`infotheory.set_default_base` chose another).
        from_logits: ``p`` holds unnormalized log-probabilities (a log-softmax over ``axis``).
        validate: check each sample's distribution (host copy).

    Returns: shape of ``p`` without ``sample_axis`` and ``axis``. A row with an entry outside
    [0, 1] (logits passed as probabilities) gives NaN; ``validate=True`` says why.

    Two samples that disagree completely carry one bit; samples that agree carry none:

    >>> round(float(bald([[[1.0, 0.0]], [[0.0, 1.0]]])[0]), 4)
    1.0
    >>> float(bald([[[0.3, 0.7]], [[0.3, 0.7]]])[0])
    0.0
    """
    return _BALD(p, base=base, validate=validate, sample_axis=sample_axis, axis=axis,
                 from_logits=from_logits)
