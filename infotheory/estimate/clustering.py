"""Scores of two labelings of the same samples compared as partitions: normalized and
adjusted mutual information, homogeneity, completeness and V-measure (scikit-learn's
clustering scores, from the contingency table of the labels).

The table statistics are written once, over the backend primitives (``nmi_of_table``,
``_hcv_from_table``); the torchmetrics and Keras metrics call them on the tables they
accumulate (:mod:`infotheory.metrics`), and ``statistic_of_table`` gives the same values on the
host for a NumPy table.
"""
from __future__ import annotations

import math
from typing import Tuple

import numpy as np

from .. import _dispatch
from .. import _kernels as K
from .._frontend import Function, Input, public
from ._common import (FLOAT_LABELS, array_like, on_table, positive_real, same_length,
                      table_entropy)
from .._types import ArrayLike, Real, TensorT
from .labels import LABEL_PAIR, _mi_from_table, _mi_table, _plan_labels

AVERAGES = ("arithmetic", "geometric", "min", "max")
_EPS = 2.220446049250313e-16  # float64 machine epsilon (scikit-learn's guard in AMI)


# --- normalized and adjusted mutual information -----------------------------------------
def _check_average(fn, average):
    if not isinstance(average, str) or average not in AVERAGES:
        raise ValueError(f"{fn}: average must be one of {AVERAGES}, got {average!r}")


def _plan_nmi(c):
    _check_average(c.fn, c.options["average"])
    return _plan_labels(c)


def _average(B, hx, hy, average):
    if average == "arithmetic":
        return (hx + hy) / 2.0
    if average == "geometric":
        return (hx * hy) ** 0.5
    if average == "min":
        return B.where(hx < hy, hx, hy)
    return B.where(hx > hy, hx, hy)


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
    r""":math:`E[I]` (nats) of two labelings with cluster sizes ``a`` and ``b`` (float64
    vectors) over ``n`` samples under the hypergeometric model:

    .. math::

        E[I] = \sum_{i,j} \sum_k \frac{k}{n} \log \frac{n k}{a_i b_j} \, P(k; n, a_i, b_j)

    for :math:`k` from :math:`\max(1, a_i + b_j - n)` to :math:`\min(a_i, b_j)` (Vinh et al.
    2010, eq. 24a).

    The sum over :math:`k` runs over a grid, in blocks of rows of ``a`` (bounded memory), and
    only within :math:`\text{mean} \pm (10\,\text{sd} + 10)` of the hypergeometric :math:`k`
    of each block: the terms left out have probabilities below 1e-17 (and scikit-learn's sum
    of them rounds to the same value within 1e-12 in the tests)."""
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
    normalizer = _average(B, table_entropy(B, a, n, (0,)), table_entropy(B, b, n, (0,)),
                          average)
    emi = expected_mutual_information(B, a, b, n)
    # numerator and denominator kept off 0 as scikit-learn does: for identical partitions
    # I = E[I] = the normalizer up to rounding, and the ratio of two roundings is not 1
    return _off_zero(B, mi - emi) / _off_zero(B, normalizer - emi)


def _nmi(B, x, y, n, average, adjusted):
    name = "adjusted_mutual_information" if adjusted else "normalized_mutual_information"
    return on_table(name, B, lambda B, t, n: _nmi_from_table(B, t, n, average, adjusted),
                    [x, y], n)


_NMI = Function("normalized_mutual_information", LABEL_PAIR, _nmi, plan=_plan_nmi)
_AMI = Function("adjusted_mutual_information", LABEL_PAIR, _nmi, plan=_plan_nmi)


@public
def normalized_mutual_information(x: TensorT, y: ArrayLike, *,
                                  average: str = "arithmetic") -> TensorT:
    r"""Normalized mutual information :math:`I(X;Y) / \operatorname{avg}(H(X), H(Y))` of two
    label vectors, in [0, 1] (unitless), as scikit-learn's ``normalized_mutual_info_score``:
    the average is the ``"arithmetic"`` (default), ``"geometric"``, ``"min"`` or ``"max"``
    mean; 1 when both vectors hold a single value, 0 when one does or the mutual
    information is 0. Empty vectors raise ``ValueError`` (scikit-learn returns 1.0 for them;
    there is nothing to estimate from). A 0-d float64 tensor.

    Labels are integers or categories, so they hold no NaN; floating labels are refused
    (``TypeError``).

    >>> round(float(normalized_mutual_information([0, 0, 1, 1], [1, 1, 0, 0])), 4)
    1.0
    """
    return _NMI(array_like(x), array_like(y), average=average, adjusted=False)


@public
def adjusted_mutual_information(x: TensorT, y: ArrayLike, *,
                                average: str = "arithmetic") -> TensorT:
    r"""Mutual information adjusted for chance, as scikit-learn's ``adjusted_mutual_info_score``
    (Vinh, Epps & Bailey 2010):

    .. math::

        \mathrm{AMI} = \frac{I - E[I]}{\operatorname{avg}(H(X), H(Y)) - E[I]}

    with :math:`E[I]` the expected mutual information of two random labelings with the same
    cluster sizes under the hypergeometric model; 1 for identical partitions, about 0 for
    independent ones, 1 when both vectors hold a single value and 0 when one does. The
    numerator and the denominator are kept at least machine epsilon away from 0, as
    scikit-learn does. Empty vectors raise ``ValueError`` (scikit-learn returns 1.0). A 0-d
    float64 tensor.

    Labels are integers or categories, so they hold no NaN; floating labels are refused
    (``TypeError``).

    >>> round(float(adjusted_mutual_information([0, 0, 1, 1], [0, 0, 1, 1])), 4)
    1.0
    """
    return _AMI(array_like(x), array_like(y), average=average, adjusted=True)


# --- homogeneity, completeness, V-measure ------------------------------------------------
def _check_beta(fn: str, beta) -> float:
    return positive_real(fn, "beta", beta)


def _plan_hcv(c):
    return {"beta": _check_beta(c.fn, c.options["beta"]), "n": same_length(c, *c.shapes)}


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


def _hcv(B, labels_true, labels_pred, n, beta):
    return on_table("homogeneity_completeness_v_measure", B,
                    lambda B, t, n: _hcv_from_table(B, t, beta), [labels_true, labels_pred], n,
                    (3,))


_HCV = Function("homogeneity_completeness_v_measure",
                (Input("labels_true", "categories", hint=FLOAT_LABELS),
                 Input("labels_pred", "categories", hint=FLOAT_LABELS)),
                _hcv, plan=_plan_hcv)


@public
def homogeneity_completeness_v_measure(labels_true: TensorT, labels_pred: ArrayLike, *,
                                       beta: Real = 1.0) -> Tuple[TensorT, TensorT, TensorT]:
    r"""Homogeneity, completeness and V-measure of a clustering ``labels_pred`` against the
    classes ``labels_true`` (Rosenberg & Hirschberg 2007), as scikit-learn's
    ``homogeneity_completeness_v_measure``: with :math:`C` the classes and :math:`K` the
    clusters,

    .. math::

        h = 1 - \frac{H(C \mid K)}{H(C)} = \frac{I(C;K)}{H(C)}, \qquad
        c = 1 - \frac{H(K \mid C)}{H(K)} = \frac{I(C;K)}{H(K)}, \qquad
        v = \frac{(1 + \beta)\, h c}{\beta h + c}

    (:math:`\beta` = ``beta``; :math:`\beta > 1` weighs completeness more; :math:`\beta = 1`:
    the normalized mutual information with the arithmetic mean). Unitless, each in [0, 1].
    scikit-learn's conventions: :math:`h = 1` when ``labels_true`` holds a single class
    (:math:`H(C) = 0`), :math:`c = 1` when ``labels_pred`` holds a single cluster
    (:math:`H(K) = 0`), :math:`v = 0` when :math:`h + c = 0`; terms of the mutual information
    below machine epsilon in magnitude count 0, as there. ``beta`` must be a finite real
    number above 0 (``ValueError``; scikit-learn also takes 0, where :math:`v = h`). Empty
    vectors raise ``ValueError`` (scikit-learn returns ``(1.0, 1.0, 1.0)``).

    ``labels_true`` and ``labels_pred`` are 1-D vectors of one length; the result is a tuple
    of three 0-d float64 tensors ``(homogeneity, completeness, v_measure)`` of their framework
    (on Dask, three lazy arrays of one graph: ``dask.compute`` them together to count once).

    Labels are integers or categories, so they hold no NaN; floating labels are refused
    (``TypeError``).

    >>> h, c, v = homogeneity_completeness_v_measure([0, 0, 1, 1, 2, 2], [0, 0, 1, 2, 2, 2])
    >>> round(float(h), 4), round(float(c), 4), round(float(v), 4)
    (0.7103, 0.7716, 0.7397)
    """
    r = _HCV(array_like(labels_true), array_like(labels_pred), beta=beta)
    try:
        return r[0], r[1], r[2]
    except TypeError:  # a third-party tensor without indexing: split its three values
        B = _dispatch.backend_of(r)
        host = np.asarray(B.to_numpy(r))
        return tuple(B.from_numpy(host[i]) for i in range(3))


# --- a NumPy table's statistics ---------------------------------------------------------
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
