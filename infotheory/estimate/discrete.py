"""Entropy and mutual information estimated from counts and labels; PMI of co-occurrences.

Counts may be integers (computed in float64, so the result is float64) or floats (their dtype).
Labels are 1-D vectors of any integers (not only 0..K-1); results from labels are float64 tensors
of the labels' framework. Counting reads a few sizes on the host (the number of distinct labels),
so these run eagerly (not inside ``tf.function``); nothing here is differentiable in the labels.
"""
from __future__ import annotations

import math
import numbers
from typing import Optional, Tuple

import numpy as np

from .. import _dispatch
from .. import _kernels as K
from .. import _validation
from .._checks import axes
from .._frontend import Function, Input, public
from ._common import MAX_TABLE_CELLS, array_like, check_method, on_table, same_length

Tensor = object
_FLOAT_LABELS = ("; for continuous samples use infotheory.estimate.differential_entropy or "
                 "mutual_information_ksg (k-nearest neighbours)")

ENTROPY_METHODS = ("plugin", "miller_madow", "chao_shen", "james_stein")
MI_METHODS = ("plugin", "miller_madow")
AVERAGES = ("arithmetic", "geometric", "min", "max")
_EPS = 2.220446049250313e-16  # float64 machine epsilon (scikit-learn's guard in AMI)


# --- entropy ----------------------------------------------------------------------------
@public
def entropy_from_counts(counts: Tensor, *, axis=-1, base: Optional[float] = None, method: str = "plugin",
                        validate: bool = False) -> Tensor:
    """Entropy of a discrete source estimated from the counts of its symbols along ``axis``.

    ``method``:

    - ``"plugin"`` (maximum likelihood): the entropy of ``p = counts / N``,
      ``-sum p log p``; biased low for few samples.
    - ``"miller_madow"``: plugin ``+ (m - 1) / (2 N)`` nats, ``m`` the bins with a nonzero count
      (Miller 1955).
    - ``"chao_shen"``: coverage-adjusted Horvitz-Thompson estimator (Chao & Shen 2003):
      ``C = 1 - f1 / N`` (``f1`` singletons; ``f1 = N - 1`` when every count is 1),
      ``pa = C p``, ``H = -sum pa log pa / (1 - (1 - pa)^N)``.
    - ``"james_stein"``: shrinkage of ``p`` towards the uniform distribution over the bins
      along ``axis`` (Hausser & Strimmer 2009), intensity
      ``lambda = (1 - sum p^2) / ((N - 1) sum (1/K - p)^2)`` clipped to [0, 1] (1 if N <= 1).

    Batched over the other axes: ``counts`` of shape (..., K) gives shape (...). Units of
    ``base`` (bits by default). No observations (N = 0) give NaN. Integer counts are exact in
    float64 up to 2^53.

    >>> round(float(entropy_from_counts([10, 20, 30, 0])), 4)
    1.4591
    """
    check_method("entropy_from_counts", method, ENTROPY_METHODS)
    return _ENTROPY_FROM_COUNTS(counts, base=base, validate=validate, axis=axis, method=method)


def _plan_entropy_counts(c):
    ax = axes(c.fn, c.options["axis"], len(c.shape("counts")))
    return {"axis": ax, "method": c.options["method"], "bins": _bins(c.shape("counts"), ax)}


def _check_counts(c):
    _validation.counts(c.fn, "counts", c.B, c.tensors["counts"])


def _bins(shape, ax) -> Optional[int]:
    sizes = [shape[a] for a in ax]
    return None if None in sizes else math.prod(sizes)


def _plugin_only(options) -> bool:
    """Only the plug-in estimates are clamped at 0 (the corrections may go below)."""
    return options["method"] == "plugin"


def _entropy_counts(B, counts, axis, method, bins=None):
    """The estimate, NaN where there is no observation (N = 0: all-zero or empty counts)."""
    if bins == 0:  # an empty axis: nothing observed anywhere
        return B.sum(counts, axis) * math.nan
    h = _entropy_counts_observed(B, counts, axis, method, bins)
    return B.where(B.sum(counts, axis) > 0, h, math.nan)


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
    # james_stein
    if bins is None:
        raise ValueError("entropy_from_counts: method='james_stein' needs the number of bins "
                         "along axis to be known")
    target = 1.0 / bins
    spread = B.sum((target - p) ** 2, axis, keepdims=True)
    variance = (1.0 - B.sum(p * p, axis, keepdims=True)) / (n - 1.0)
    lam = variance / B.where(spread > 0, spread, 1.0)
    lam = B.where((spread > 0) & (n > 1), lam, 1.0)
    lam = B.where(lam > 1.0, 1.0, B.where(lam < 0.0, 0.0, lam))
    return K.neg_sum_xlogx(B, lam * target + (1.0 - lam) * p, axis)


_ENTROPY_FROM_COUNTS = Function("entropy_from_counts", [Input("counts", "counts")],
                                _entropy_counts, plan=_plan_entropy_counts, checks=_check_counts,
                                nonnegative=_plugin_only, unit=2)


@public
def entropy_from_labels(x: Tensor, *, base: Optional[float] = None, method: str = "plugin",
                        n_classes: Optional[int] = None) -> Tensor:
    """Entropy of a discrete source estimated from a 1-D vector ``x`` of integer symbols:
    :func:`entropy_from_counts` of the counts of its distinct values. The bins (which only
    ``"james_stein"`` reads) are the observed symbols, or ``n_classes`` of them when given
    (symbols that never occurred count 0). A 0-d float64 tensor.

    Bits by default (``base``). Labels are integers or categories, so they hold no NaN;
    floating labels are refused (``TypeError``).

    >>> round(float(entropy_from_labels([1, 1, 2, 3])), 4)
    1.5
    """
    fn = "entropy_from_labels"
    check_method(fn, method, ENTROPY_METHODS)
    if n_classes is not None and (isinstance(n_classes, bool)
                                  or not isinstance(n_classes, numbers.Integral) or n_classes < 1):
        raise ValueError(f"{fn}: n_classes must be a positive int or None, got {n_classes!r}")
    if n_classes is not None and n_classes > MAX_TABLE_CELLS:
        raise ValueError(f"{fn}: n_classes={n_classes} is more than the {MAX_TABLE_CELLS} bins "
                         f"this estimator builds densely")
    x = array_like(x)
    return _ENTROPY_FROM_LABELS(x, base=base, method=method, n_classes=n_classes)


def _plan_labels(c):
    """The label vectors' common length ``n``, with the options."""
    return dict(c.options, n=same_length(c, *c.shapes))


def _entropy_labels(B, x, n, method, n_classes):
    def finish(B, counts, n):
        k = B.shape(counts)[0]
        counts = B.to_float64(counts)
        if n_classes is not None:
            if n_classes < k:
                raise ValueError(f"entropy_from_labels: n_classes={n_classes} but x has {k} "
                                 f"distinct values")
            if n_classes > k:
                counts = B.concat([counts, B.arange(n_classes - k, counts) * 0.0])
        return _entropy_counts(B, counts, (0,), method, n_classes or k)

    return on_table("entropy_from_labels", B, finish, [x], n)


_ENTROPY_FROM_LABELS = Function("entropy_from_labels",
                                [Input("x", "categories", hint=_FLOAT_LABELS)], _entropy_labels,
                                plan=_plan_labels, nonnegative=_plugin_only, unit=2)
_LABEL_PAIR = (Input("x", "categories", hint=_FLOAT_LABELS),
               Input("y", "categories", hint=_FLOAT_LABELS))


# --- mutual information from labels -----------------------------------------------------
@public
def contingency_table(x: Tensor, y: Tensor) -> Tensor:
    """Counts of each pair of values of two label vectors of the same length: ``table[i, j]``
    counts the samples with the i-th distinct value of ``x`` and the j-th of ``y`` (both in
    sorted order), as scikit-learn's ``contingency_matrix``. An int64 tensor.

    Labels are integers or categories, so they hold no NaN; floating labels are refused
    (``TypeError``).

    >>> contingency_table([0, 0, 5, 5], [1, 2, 2, 2]).tolist()
    [[1, 1], [0, 2]]
    """
    x, y = array_like(x), array_like(y)
    return _CONTINGENCY_TABLE(x, y)


def _contingency_table(B, x, y, n):
    return on_table("contingency_table", B, lambda B, t, n: t, [x, y], n, (math.nan, math.nan),
                    "int64")


_CONTINGENCY_TABLE = Function("contingency_table", _LABEL_PAIR, _contingency_table,
                              plan=_plan_labels)


@public
def mutual_information_from_labels(x: Tensor, y: Tensor, *, base: Optional[float] = None,
                                   method: str = "plugin") -> Tensor:
    """Mutual information of two label vectors, from their contingency table ``n_ij``:
    ``I = sum_ij (n_ij / N) log(N n_ij / (a_i b_j))`` with row and column sums ``a``, ``b``
    (scikit-learn's ``mutual_info_score``, in units of ``base``: bits by default).
    ``method="miller_madow"`` adds the Miller-Madow corrections of the three entropies,
    ``(m_x + m_y - m_xy - 1) / (2 N)`` nats (``m`` the nonzero cells); it can be below 0.
    Counting is O(N) when the labels span a range of about N values or less. A 0-d float64
    tensor.

    Labels are integers or categories, so they hold no NaN; floating labels are refused
    (``TypeError``).

    >>> round(float(mutual_information_from_labels([0, 0, 1, 1], [5, 5, 7, 7])), 4)
    1.0
    """
    fn = "mutual_information_from_labels"
    check_method(fn, method, MI_METHODS)
    x, y = array_like(x), array_like(y)
    return _MI_FROM_LABELS(x, y, base=base, method=method)


def _mi_labels(B, x, y, n, method):
    return on_table("mutual_information_from_labels", B,
                    lambda B, t, n: _mi_from_table(B, t, n, method), [x, y], n)


_MI_FROM_LABELS = Function("mutual_information_from_labels", _LABEL_PAIR, _mi_labels,
                           plan=_plan_labels, nonnegative=_plugin_only, unit=2)


def _mi_from_table(B, counts, n, method):
    counts = B.to_float64(counts)
    if 1 in B.shape(counts):  # one labeling constant: 0 exactly (rounding could say 1e-15)
        return B.sum(counts, None) * 0.0  # (the Miller-Madow correction is 0 there too)
    mi = _mi_table(B, counts)
    if method == "miller_madow":
        cells = B.sum(B.where(counts > 0, 1.0, 0.0 * counts), None)
        nx, ny = B.shape(counts)
        mi = mi + (nx + ny - 1.0 - cells) / (2.0 * n)
    return mi


def _mi_table(B, counts):
    p = counts / B.sum(counts, None)
    return K.sum_pmi_terms(B, p, B.sum(p, (1,), keepdims=True),
                  B.sum(p, (0,), keepdims=True), (0, 1))


def _label_entropy(B, marginal_counts):
    return K.neg_sum_xlogx(B, marginal_counts / B.sum(marginal_counts, None), (0,))


def _average(B, hx, hy, average):
    if average == "arithmetic":
        return (hx + hy) / 2.0
    if average == "geometric":
        return (hx * hy) ** 0.5
    if average == "min":
        return B.where(hx < hy, hx, hy)
    return B.where(hx > hy, hx, hy)


def _check_average(fn, average):
    if not isinstance(average, str) or average not in AVERAGES:
        raise ValueError(f"{fn}: average must be one of {AVERAGES}, got {average!r}")


@public
def normalized_mutual_information(x: Tensor, y: Tensor, *,
                                  average: str = "arithmetic") -> Tensor:
    """Normalized mutual information ``I(X;Y) / avg(H(X), H(Y))`` of two label vectors, in
    [0, 1] (unitless), as scikit-learn's ``normalized_mutual_info_score``: the average is the
    ``"arithmetic"`` (default), ``"geometric"``, ``"min"`` or ``"max"`` mean; 1 when both
    vectors hold a single value, 0 when one does or the mutual information is 0. Empty vectors
    raise ``ValueError`` (scikit-learn returns 1.0 for them; there is nothing to estimate from).
    A 0-d float64 tensor.

    Labels are integers or categories, so they hold no NaN; floating labels are refused
    (``TypeError``).

    >>> round(float(normalized_mutual_information([0, 0, 1, 1], [1, 1, 0, 0])), 4)
    1.0
    """
    fn = "normalized_mutual_information"
    _check_average(fn, average)
    x, y = array_like(x), array_like(y)
    return _NMI(x, y, average=average, adjusted=False)


@public
def adjusted_mutual_information(x: Tensor, y: Tensor, *,
                                average: str = "arithmetic") -> Tensor:
    """Mutual information adjusted for chance, as scikit-learn's ``adjusted_mutual_info_score``
    (Vinh, Epps & Bailey 2010): ``(I - E[I]) / (avg(H(X), H(Y)) - E[I])``, with ``E[I]`` the
    expected mutual information of two random labelings with the same cluster sizes under the
    hypergeometric model; 1 for identical partitions, about 0 for independent ones, 1 when both
    vectors hold a single value and 0 when one does. The numerator and the denominator are kept
    at least machine epsilon away from 0, as scikit-learn does. Empty vectors raise
    ``ValueError`` (scikit-learn returns 1.0). A 0-d float64 tensor.

    Labels are integers or categories, so they hold no NaN; floating labels are refused
    (``TypeError``).

    >>> round(float(adjusted_mutual_information([0, 0, 1, 1], [0, 0, 1, 1])), 4)
    1.0
    """
    fn = "adjusted_mutual_information"
    _check_average(fn, average)
    x, y = array_like(x), array_like(y)
    return _AMI(x, y, average=average, adjusted=True)


def _nmi(B, x, y, n, average, adjusted):
    name = "adjusted_mutual_information" if adjusted else "normalized_mutual_information"
    return on_table(name, B, lambda B, t, n: _nmi_from_table(B, t, n, average, adjusted),
                    [x, y], n)


_NMI = Function("normalized_mutual_information", _LABEL_PAIR, _nmi, plan=_plan_labels)
_AMI = Function("adjusted_mutual_information", _LABEL_PAIR, _nmi, plan=_plan_labels)


def _nmi_from_table(B, counts, n, average, adjusted):
    counts = B.to_float64(counts)
    if not adjusted:
        return nmi_of_table(B, counts, average)
    nx, ny = B.shape(counts)
    if nx == ny == 1:  # one cluster each: a perfect match (scikit-learn's convention)
        return B.sum(counts, None) * 0.0 + 1.0
    if nx == 1 or ny == 1:  # one labeling constant: I = 0 exactly (rounding could say 1e-15)
        return B.sum(counts, None) * 0.0
    if nx == ny and B.item(B.sum(B.where(counts > 0, 1.0, 0.0 * counts), None)) == nx:
        # one nonzero cell per row and column: the same partition, relabeled. 1 exactly (AMI's
        # I - E[I] and H - E[I] are both 0 up to rounding there: their ratio would be noise)
        return B.sum(counts, None) * 0.0 + 1.0
    mi = B.nonnegative(_mi_table(B, counts))
    a, b = B.sum(counts, (1,)), B.sum(counts, (0,))
    normalizer = _average(B, _label_entropy(B, a), _label_entropy(B, b), average)
    emi = expected_mutual_information(B, a, b, n)
    # numerator and denominator kept off 0 as scikit-learn does: for identical partitions
    # I = E[I] = the normalizer up to rounding, and the ratio of two roundings is not 1
    return _off_zero(B, mi - emi) / _off_zero(B, normalizer - emi)


def _occurring(B, marginal):
    """How many entries of ``marginal`` are above 0 (a float tensor, 0-d)."""
    return B.sum(B.where(marginal > 0, 1.0 + 0.0 * marginal, 0.0 * marginal), None)


def nmi_of_table(B, counts, average):
    """The normalized mutual information of a float contingency table, as
    :func:`normalized_mutual_information` of labels with these counts, with no host read (the
    Keras metrics run it in a compiled step): rows and columns of zeros allowed (classes that
    never occurred), NaN for an empty table. 1 when the two partitions are the same up to
    relabeling (both constant included), 0 when one is constant."""
    p = counts / B.sum(counts, None)
    p_t, p_p = B.sum(p, (1,), keepdims=True), B.sum(p, (0,), keepdims=True)
    mi = B.nonnegative(K.sum_pmi_terms(B, p, p_t, p_p, (0, 1)))
    h_t, h_p = K.neg_sum_xlogx(B, p_t, (0, 1)), K.neg_sum_xlogx(B, p_p, (0, 1))
    occur_t, occur_p = _occurring(B, p_t), _occurring(B, p_p)
    same = (occur_t == occur_p) & (_occurring(B, p) == occur_t)
    one = (occur_t == 1.0) | (occur_p == 1.0)
    ratio = B.where(mi == 0.0, 0.0 * mi, mi / B.where(mi == 0.0, 1.0 + 0.0 * mi,
                                                       _average(B, h_t, h_p, average)))
    return B.where(same, 1.0 + 0.0 * mi, B.where(one, 0.0 * mi, ratio))


def _off_zero(B, d):
    """``d`` with its magnitude raised to at least machine epsilon, its sign kept (0: +eps)."""
    return B.where(d < 0.0, B.where(d < -_EPS, d, -_EPS), B.where(d > _EPS, d, _EPS))


def expected_mutual_information(B, a, b, n: int):
    """``E[I]`` (nats) of two labelings with cluster sizes ``a`` and ``b`` (float64 vectors)
    over ``n`` samples under the hypergeometric model:
    ``sum_ij sum_k (k / n) log(n k / (a_i b_j)) P(k; n, a_i, b_j)`` for ``k`` from
    ``max(1, a_i + b_j - n)`` to ``min(a_i, b_j)`` (Vinh et al. 2010, eq. 24a).

    The sum over ``k`` runs over a grid, in blocks of rows of ``a`` (bounded memory), and only
    within ``mean +- (10 sd + 10)`` of the hypergeometric ``k`` of each block: the terms left
    out have probabilities below 1e-17 (and scikit-learn's sum of them rounds to the same
    value within 1e-12 in the tests)."""
    ai_all, bj = B.reshape(a, (-1, 1)), B.reshape(b, (1, -1))
    mean = ai_all * bj / n
    reach = 10.0 * (mean * (n - ai_all) * (n - bj) / (n * max(n - 1.0, 1.0))) ** 0.5 + 10.0
    top = min(B.item(B.amax(a, None)), B.item(B.amax(b, None)))
    width = min(int(top), int(math.ceil(B.item(B.amax(2.0 * reach, None)))) + 1)
    nx, ny = B.shape(a)[0], B.shape(b)[0]
    rows = max(1, (1 << 21) // (ny * width))
    bj = B.reshape(b, (1, -1, 1))
    fixed_b = B.gammaln(bj + 1.0) + B.gammaln(n - bj + 1.0) - math.lgamma(n + 1.0)
    total = []
    for start in range(0, nx, rows):
        m, r = mean[start:start + rows], reach[start:start + rows]
        first = max(1, int(math.floor(B.item(0.0 - B.amax(r - m, None)))))
        last = min(int(top), int(math.ceil(B.item(B.amax(m + r, None)))))
        if last < first:
            continue
        k = B.reshape(B.arange(last - first + 1, a) + float(first), (1, 1, -1))
        ai = B.reshape(a[start:start + rows], (-1, 1, 1))
        low = ai + bj - n  # (rows, ny, 1), as high: the two masks below have one shape
        high = B.where(ai < bj, ai + 0.0 * bj, bj + 0.0 * ai)
        valid = (k >= low) & (k <= high)
        ks = B.where(valid, k, 1.0)
        log_p = (B.gammaln(ai + 1.0) + B.gammaln(n - ai + 1.0) + fixed_b - B.gammaln(ks + 1.0)
                 - B.gammaln(B.where(valid, ai - ks + 1.0, 1.0))
                 - B.gammaln(B.where(valid, bj - ks + 1.0, 1.0))
                 - B.gammaln(B.where(valid, n - ai - bj + ks + 1.0, 1.0)))
        term = (ks / n) * (B.log(ks * float(n)) - B.log(ai * bj)) * B.exp(log_p)
        total.append(B.reshape(B.sum(B.where(valid, term, 0.0), None), (1,)))
    if not total:
        return B.sum(a, None) * 0.0
    return B.sum(B.concat(total), None)


# --- clustering scores ------------------------------------------------------------------
@public
def homogeneity_completeness_v_measure(labels_true: Tensor, labels_pred: Tensor, *,
                                       beta: float = 1.0) -> Tuple[Tensor, Tensor, Tensor]:
    """Homogeneity, completeness and V-measure of a clustering ``labels_pred`` against the
    classes ``labels_true`` (Rosenberg & Hirschberg 2007), as scikit-learn's
    ``homogeneity_completeness_v_measure``: with ``C`` the classes and ``K`` the clusters,
    ``h = 1 - H(C|K) / H(C) = I(C;K) / H(C)``, ``c = 1 - H(K|C) / H(K) = I(C;K) / H(K)`` and
    ``v = (1 + beta) h c / (beta h + c)`` (``beta`` > 1 weighs completeness more; ``beta = 1``:
    the normalized mutual information with the arithmetic mean). Unitless, each in [0, 1].
    scikit-learn's conventions: ``h = 1`` when ``labels_true`` holds a single class
    (``H(C) = 0``), ``c = 1`` when ``labels_pred`` holds a single cluster (``H(K) = 0``),
    ``v = 0`` when ``h + c = 0``; terms of the mutual information below machine epsilon in
    magnitude count 0, as there. ``beta`` must be a finite real number > 0 (``ValueError``;
    scikit-learn also takes 0, where ``v = h``). Empty vectors raise ``ValueError``
    (scikit-learn returns ``(1.0, 1.0, 1.0)``).

    ``labels_true`` and ``labels_pred`` are 1-D vectors of one length; the result is a tuple
    of three 0-d float64 tensors ``(homogeneity, completeness, v_measure)`` of their framework
    (on Dask, three lazy arrays of one graph: ``dask.compute`` them together to count once).

    Labels are integers or categories, so they hold no NaN; floating labels are refused
    (``TypeError``).

    >>> h, c, v = homogeneity_completeness_v_measure([0, 0, 1, 1, 2, 2], [0, 0, 1, 2, 2, 2])
    >>> round(float(h), 4), round(float(c), 4), round(float(v), 4)
    (0.7103, 0.7716, 0.7397)
    """
    fn = "homogeneity_completeness_v_measure"
    beta = _check_beta(fn, beta)
    labels_true, labels_pred = array_like(labels_true), array_like(labels_pred)
    r = _HCV(labels_true, labels_pred, beta=beta)
    try:
        return r[0], r[1], r[2]
    except TypeError:  # a third-party tensor without indexing: split its three values
        B = _dispatch.backend_of(r)
        host = np.asarray(B.to_numpy(r))
        return tuple(B.from_numpy(host[i]) for i in range(3))


def _check_beta(fn: str, beta) -> float:
    if isinstance(beta, bool) or not isinstance(beta, numbers.Real) \
            or not (0.0 < float(beta) < math.inf):
        raise ValueError(f"{fn}: beta must be a finite real number > 0, got {beta!r}")
    return float(beta)


def _hcv(B, labels_true, labels_pred, n, beta):
    return on_table("homogeneity_completeness_v_measure", B,
                    lambda B, t, n: _hcv_from_table(B, t, beta), [labels_true, labels_pred], n,
                    (3,))


_HCV = Function("homogeneity_completeness_v_measure",
                (Input("labels_true", "categories", hint=_FLOAT_LABELS),
                 Input("labels_pred", "categories", hint=_FLOAT_LABELS)),
                _hcv, plan=_plan_labels)


def _at_most_one(B, r):
    return B.where(r > 1.0, 1.0 + 0.0 * r, r)


def _hcv_from_table(B, counts, beta):
    """``(homogeneity, completeness, v_measure)`` as one (3,) float64 tensor, of a contingency
    table ``counts`` (rows: classes, columns: clusters), rows and columns of zeros allowed
    (they count nothing: ``0 log 0 = 0``). Backend primitives only, no host read."""
    counts = B.to_float64(counts)
    total = B.sum(counts, None)
    p = counts / total
    # the marginals from the counts (sums of integers, exact): a single nonzero row has
    # p_c = N / N = 1 exactly, so H(C) is 0 exactly (and above 0 for two or more rows): the
    # test of scikit-learn's single class
    p_c = B.sum(counts, (1,), keepdims=True) / total
    p_k = B.sum(counts, (0,), keepdims=True) / total
    h_c, h_k = K.neg_sum_xlogx(B, p_c, None), K.neg_sum_xlogx(B, p_k, None)
    one_c, one_k = h_c == 0.0, h_k == 0.0
    nz = counts != 0
    terms = p * B.where(nz, K.log_pmi(B, p, p_c, p_k, nz), 0.0)
    terms = B.where((terms < _EPS) & (terms > -_EPS), 0.0, terms)  # as scikit-learn
    mi = B.nonnegative(B.sum(terms, None))
    mi = B.where(one_c | one_k, 0.0, mi)  # a single class or cluster: I = 0 exactly
    # (I <= H up to rounding: a ratio of 1 + 2e-16 is 1, as scikit-learn's)
    hom = B.where(one_c, 1.0, _at_most_one(B, mi / B.where(one_c, 1.0, h_c)))
    com = B.where(one_k, 1.0, _at_most_one(B, mi / B.where(one_k, 1.0, h_k)))
    den = beta * hom + com  # 0 only where h = c = 0 (beta > 0)
    # (0 * den: 0 where h = c = 0, NaN for an empty table, as h and c)
    v = B.where(den > 0.0, (1.0 + beta) * hom * com / B.where(den > 0.0, den, 1.0), 0.0 * den)
    return B.concat([B.reshape(hom, (1,)), B.reshape(com, (1,)), B.reshape(v, (1,))])


# --- co-occurrences ----------------------------------------------------------------------
@public
def pmi_from_counts(counts: Tensor, *, base: Optional[float] = None, positive: bool = False,
                    context_smoothing: float = 1.0, validate: bool = False) -> Tensor:
    """Pointwise mutual information of a (words x contexts) co-occurrence count matrix:
    ``PMI(w, c) = log_base(p(w, c) / (p(w) p_alpha(c)))`` with ``p(w, c) = n_wc / N``,
    ``p(w) = n_w / N`` and the context distribution smoothed as
    ``p_alpha(c) = n_c^alpha / sum_c' n_c'^alpha`` (``alpha = context_smoothing``; Levy,
    Goldberg & Dagan 2015 recommend 0.75). -inf where ``n_wc = 0``; with ``positive=True``
    the PPMI ``max(PMI, 0)`` (0 there). ``counts`` of shape (..., W, C), batched over the
    leading axes; the result has its shape.

    Bits by default (``base``). A NaN count makes every cell NaN (the totals carry it).

    >>> pmi_from_counts([[2, 0], [0, 2]]).tolist()
    [[1.0, -inf], [-inf, 1.0]]
    """
    fn = "pmi_from_counts"
    if isinstance(context_smoothing, bool) or not isinstance(context_smoothing, (int, float)) \
            or not context_smoothing > 0:
        raise ValueError(f"{fn}: context_smoothing must be a number > 0, got "
                         f"{context_smoothing!r}")

    return _PMI_FROM_COUNTS(counts, base=base, validate=validate, positive=bool(positive),
                            alpha=float(context_smoothing))


def _plan_pmi_counts(c):
    shape = c.shape("counts")
    if len(shape) < 2:
        raise c.error(f"counts must be a (words, contexts) matrix, got shape {tuple(shape)}")
    return dict(c.options)


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
    if positive:
        return B.where(nz & (pmi > 0), pmi, 0.0)
    return B.where(nz, pmi, -math.inf)


_PMI_FROM_COUNTS = Function("pmi_from_counts", [Input("counts", "counts")], _pmi_counts,
                            plan=_plan_pmi_counts, checks=_check_counts, unit=2)


_HCV_NAMES = ("homogeneity", "completeness", "v_measure")


def statistic_of_table(name: str, table, **options) -> float:
    """``name`` ("mutual_information" in nats, "normalized_mutual_information",
    "adjusted_mutual_information", "homogeneity", "completeness", "v_measure") of a
    contingency table of label counts (a NumPy integer array; for the last three, rows are the
    true classes and columns the clusters, option ``beta``): the value the label estimators
    give for labels with these counts. Rows and columns of classes that never occur are
    dropped first (a fixed-size table, as the torchmetrics and Keras metrics accumulate, has
    them; the labels' own table has not). Raises ``ValueError`` for an empty table."""
    t = np.asarray(table, dtype=np.int64)
    t = t[t.sum(1) > 0][:, t.sum(0) > 0]
    n = int(t.sum())
    if n == 0:
        raise ValueError(f"{name}: no labels were counted")
    NB = _dispatch.numpy_backend()
    if name == "mutual_information":
        return float(NB.nonnegative(_mi_from_table(NB, t, n, options.get("method", "plugin"))))
    if name in _HCV_NAMES:
        beta = _check_beta(name, options.get("beta", 1.0))
        return float(_hcv_from_table(NB, t, beta)[_HCV_NAMES.index(name)])
    if name not in ("normalized_mutual_information", "adjusted_mutual_information"):
        raise ValueError(f"statistic_of_table: unknown statistic {name!r}")
    adjusted = name == "adjusted_mutual_information"
    return float(_nmi_from_table(NB, t, n, options.get("average", "arithmetic"), adjusted))
