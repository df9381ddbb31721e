"""Entropy and pointwise mutual information estimated from counts.

Counts may be integers (computed in float64, so the result is float64) or floats (their dtype),
batched over the axes that are not counted. Each estimator reads top-down: its plan (the option
and shape checks, once per signature), value checks, math, declaration, public function.
"""
from __future__ import annotations

import math
from typing import Optional

from .. import _kernels as K
from .. import _validation
from .._checks import axes, check_flag
from .._frontend import Function, Input, public
from ._common import check_method, plugin_only, positive_real
from .._types import Axis, Real, TensorT

ENTROPY_METHODS = ("plugin", "miller_madow", "chao_shen", "james_stein")


# --- entropy ----------------------------------------------------------------------------
def _bins(shape, ax) -> Optional[int]:
    sizes = [shape[a] for a in ax]
    return None if None in sizes else math.prod(sizes)


def _plan_entropy_counts(c):
    check_method(c.fn, c.options["method"], ENTROPY_METHODS)
    ax = axes(c.fn, c.options["axis"], len(c.shape("counts")))
    bins = _bins(c.shape("counts"), ax)
    if c.options["method"] == "james_stein" and bins is None:
        raise c.error("method='james_stein' needs the number of bins along axis to be known")
    return {"axis": ax, "method": c.options["method"], "bins": bins}


def _check_counts(c):
    _validation.counts(c.fn, "counts", c.B, c.tensors["counts"])


def _entropy_counts(B, counts, axis, method, bins=None):
    """The estimate, NaN where there is no observation (N = 0: all-zero or empty counts) and
    where a count is negative or NaN (not counts: the corrections would give a number)."""
    if bins == 0:  # an empty axis: nothing observed anywhere
        return B.sum(counts, axis) * math.nan
    h = _entropy_counts_observed(B, counts, axis, method, bins)
    return B.where((B.sum(counts, axis) > 0) & (B.amin(counts, axis) >= 0), h, math.nan)


def _entropy_counts_observed(B, counts, axis, method, bins):
    n = B.sum(counts, axis, keepdims=True)
    p = counts / n
    if method == "plugin":
        return K.neg_sum_xlogx(B, p, axis)
    if method == "miller_madow":
        nonzero = B.sum(B.where(counts > 0, 1.0, counts * 0.0), axis)
        return K.neg_sum_xlogx(B, p, axis) + (nonzero - 1.0) / (2.0 * B.sum(counts, axis))
    if method == "chao_shen":
        singletons = B.sum(B.where(counts == 1, 1.0, counts * 0.0), axis, keepdims=True)
        singletons = B.where(singletons == n, n - 1.0, singletons)
        pa = (1.0 - singletons / n) * p
        seen = counts > 0
        pa_safe = B.where(seen, pa, 1.0)
        inclusion = 1.0 - (1.0 - pa_safe) ** n
        return 0.0 - B.sum(B.where(seen, pa_safe * B.log(pa_safe) / inclusion, 0.0), axis)
    # james_stein (the plan made sure the bins are known)
    target = 1.0 / bins
    spread = B.sum((target - p) ** 2, axis, keepdims=True)
    variance = (1.0 - B.sum(p * p, axis, keepdims=True)) / (n - 1.0)
    lam = variance / B.where(spread > 0, spread, 1.0)
    lam = B.where((spread > 0) & (n > 1), lam, 1.0)
    lam = B.where(lam > 1.0, 1.0, B.where(lam < 0.0, 0.0, lam))
    return K.neg_sum_xlogx(B, lam * target + (1.0 - lam) * p, axis)


_ENTROPY_FROM_COUNTS = Function("entropy_from_counts", [Input("counts", "counts")],
                                _entropy_counts, plan=_plan_entropy_counts, checks=_check_counts,
                                nonnegative=plugin_only, unit=2)


@public
def entropy_from_counts(counts: TensorT, *, axis: Axis = -1, base: Optional[Real] = None,
                        method: str = "plugin", validate: bool = False) -> TensorT:
    r"""Entropy of a discrete source estimated from the counts of its symbols along ``axis``.

    With :math:`n_i` the counts of the :math:`K` bins, :math:`N = \sum_i n_i` and
    :math:`p_i = n_i / N`, ``method``:

    - ``"plugin"`` (maximum likelihood): the entropy of :math:`p` (``counts / N``),
      :math:`H = -\sum_i p_i \log p_i`; biased low for few samples.
    - ``"miller_madow"``: plugin :math:`+ \frac{m - 1}{2 N}` nats, :math:`m` the bins with a
      nonzero count (Miller 1955).
    - ``"chao_shen"``: coverage-adjusted Horvitz-Thompson estimator (Chao & Shen 2003):
      :math:`C = 1 - f_1 / N` (:math:`f_1` singletons; :math:`f_1 = N - 1` when every count is
      1), :math:`\tilde p_i = C p_i`,
      :math:`H = -\sum_i \frac{\tilde p_i \log \tilde p_i}{1 - (1 - \tilde p_i)^N}`.
    - ``"james_stein"``: shrinkage of :math:`p` towards the uniform distribution over the bins
      along ``axis`` (Hausser & Strimmer 2009), intensity
      :math:`\lambda = \frac{1 - \sum_i p_i^2}{(N - 1) \sum_i (1/K - p_i)^2}` clipped to
      [0, 1] (1 if :math:`N \le 1`).

    Batched over the other axes: ``counts`` of shape (..., K) gives shape (...). Units of
    ``base`` (bits by default). No observations (:math:`N = 0`) give NaN. Integer counts are
    exact in float64 up to :math:`2^{53}`.

    >>> round(float(entropy_from_counts([10, 20, 30, 0])), 4)
    1.4591
    """
    return _ENTROPY_FROM_COUNTS(counts, base=base, validate=validate, axis=axis, method=method)


# --- co-occurrences ----------------------------------------------------------------------
def _plan_pmi_counts(c):
    shape = c.shape("counts")
    if len(shape) < 2:
        raise c.error(f"counts must be a (words, contexts) matrix, got shape {tuple(shape)}")
    alpha = positive_real(c.fn, "context_smoothing", c.options["context_smoothing"])
    check_flag(c.fn, "positive", c.options["positive"])
    return {"positive": c.options["positive"], "alpha": alpha}


def _pmi_counts(B, counts, positive, alpha):
    total = B.sum(counts, (-2, -1), keepdims=True)
    p_wc = counts / total
    p_w = B.sum(counts, (-1,), keepdims=True) / total
    n_c = B.sum(counts, (-2,), keepdims=True)
    if alpha != 1.0:
        n_c = n_c ** alpha
    p_c = n_c / B.sum(n_c, (-1,), keepdims=True)
    nz = counts != 0
    pmi = K.log_pmi(B, p_wc, p_w, p_c, nz)
    pmi = B.where(nz & (pmi > 0), pmi, 0.0) if positive else B.where(nz, pmi, -math.inf)
    # a negative or NaN count makes the whole matrix NaN (its totals are no counts' totals)
    return B.where(B.amin(counts, (-2, -1), keepdims=True) >= 0, pmi, math.nan)


_PMI_FROM_COUNTS = Function("pmi_from_counts", [Input("counts", "counts")], _pmi_counts,
                            plan=_plan_pmi_counts, checks=_check_counts, unit=2)


@public
def pmi_from_counts(counts: TensorT, *, base: Optional[Real] = None, positive: bool = False,
                    context_smoothing: Real = 1.0, validate: bool = False) -> TensorT:
    r"""Pointwise mutual information of a (words x contexts) co-occurrence count matrix:

    .. math::

        \operatorname{PMI}(w, c) = \log_b \frac{p(w, c)}{p(w)\, p_\alpha(c)}

    with :math:`b` the ``base``, :math:`p(w, c) = n_{wc} / N`, :math:`p(w) = n_w / N` and the
    context distribution smoothed as :math:`p_\alpha(c) = n_c^\alpha / \sum_{c'} n_{c'}^\alpha`
    (:math:`\alpha` = ``context_smoothing``; Levy, Goldberg & Dagan 2015 recommend 0.75).
    :math:`-\infty` where :math:`n_{wc} = 0`; with ``positive=True`` the PPMI
    :math:`\max(\operatorname{PMI}, 0)` (0 there). ``counts`` of shape (..., W, C), batched
    over the leading axes; the result has its shape.

    Bits by default (``base``). A NaN count makes every cell NaN (the totals carry it).

    >>> pmi_from_counts([[2, 0], [0, 2]]).tolist()
    [[1.0, -inf], [-inf, 1.0]]
    """
    return _PMI_FROM_COUNTS(counts, base=base, validate=validate, positive=positive,
                            context_smoothing=context_smoothing)
