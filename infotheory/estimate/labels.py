"""Entropy and mutual information estimated from labels (1-D vectors of symbols).

Labels are integers of any values (not only 0..K-1) or categories (strings, bools, pandas
categoricals); results are float64 tensors of the labels' framework. Counting reads a few sizes
on the host (the number of distinct labels), so these run eagerly (not inside ``tf.function``);
nothing here is differentiable in the labels. Scores comparing two labelings as partitions
(NMI, AMI, homogeneity) are in :mod:`.clustering`, label columns of three or more variables in
:mod:`.multivariate`.
"""
from __future__ import annotations

import math
import numbers
from typing import Optional

from .. import _kernels as K
from .._frontend import Function, Input, public
from ._common import (FLOAT_LABELS, MAX_TABLE_CELLS, MI_METHODS, array_like, check_method,
                      on_table, plugin_only, same_length)
from .._types import ArrayLike, Int, Real, TensorT
from .counts import ENTROPY_METHODS, _entropy_counts

LABEL_PAIR = (Input("x", "categories", hint=FLOAT_LABELS),
              Input("y", "categories", hint=FLOAT_LABELS))


def _plan_labels(c):
    """The label vectors' common length ``n``, with the options."""
    return dict(c.options, n=same_length(c, *c.shapes))


# --- entropy ----------------------------------------------------------------------------
def _plan_entropy_labels(c):
    check_method(c.fn, c.options["method"], ENTROPY_METHODS)
    n_classes = c.options["n_classes"]
    if n_classes is not None and (isinstance(n_classes, bool)
                                  or not isinstance(n_classes, numbers.Integral) or n_classes < 1):
        raise c.error(f"n_classes must be a positive int or None, got {n_classes!r}")
    if n_classes is not None and n_classes > MAX_TABLE_CELLS:
        raise c.error(f"n_classes={n_classes} is more than the {MAX_TABLE_CELLS} bins this "
                      f"estimator builds densely")
    return _plan_labels(c)


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
                                [Input("x", "categories", hint=FLOAT_LABELS)], _entropy_labels,
                                plan=_plan_entropy_labels, nonnegative=plugin_only, unit=2)


@public
def entropy_from_labels(x: TensorT, *, base: Optional[Real] = None, method: str = "plugin",
                        n_classes: Optional[Int] = None) -> TensorT:
    """Entropy of a discrete source estimated from a 1-D vector ``x`` of integer symbols:
    :func:`entropy_from_counts` of the counts of its distinct values. The bins (which only
    ``"james_stein"`` reads) are the observed symbols, or ``n_classes`` of them when given
    (symbols that never occurred count 0). A 0-d float64 tensor.

    Bits by default (``base``). Labels are integers or categories, so they hold no NaN;
    floating labels are refused (``TypeError``).

    >>> round(float(entropy_from_labels([1, 1, 2, 3])), 4)
    1.5
    """
    return _ENTROPY_FROM_LABELS(array_like(x), base=base, method=method, n_classes=n_classes)


# --- the contingency table --------------------------------------------------------------
def _contingency_table(B, x, y, n):
    return on_table("contingency_table", B, lambda B, t, n: t, [x, y], n, (math.nan, math.nan),
                    "int64")


_CONTINGENCY_TABLE = Function("contingency_table", LABEL_PAIR, _contingency_table,
                              plan=_plan_labels)


@public
def contingency_table(x: TensorT, y: ArrayLike) -> TensorT:
    """Counts of each pair of values of two label vectors of the same length: ``table[i, j]``
    counts the samples with the i-th distinct value of ``x`` and the j-th of ``y`` (both in
    sorted order), as scikit-learn's ``contingency_matrix``. An int64 tensor.

    Labels are integers or categories, so they hold no NaN; floating labels are refused
    (``TypeError``).

    >>> contingency_table([0, 0, 5, 5], [1, 2, 2, 2]).tolist()
    [[1, 1], [0, 2]]
    """
    return _CONTINGENCY_TABLE(array_like(x), array_like(y))


# --- mutual information -----------------------------------------------------------------
def _plan_mi_labels(c):
    check_method(c.fn, c.options["method"], MI_METHODS)
    return _plan_labels(c)


def _mi_table(B, counts):
    p = counts / B.sum(counts, None)
    return K.sum_pmi_terms(B, p, B.sum(p, (1,), keepdims=True),
                  B.sum(p, (0,), keepdims=True), (0, 1))


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


def _mi_labels(B, x, y, n, method):
    return on_table("mutual_information_from_labels", B,
                    lambda B, t, n: _mi_from_table(B, t, n, method), [x, y], n)


_MI_FROM_LABELS = Function("mutual_information_from_labels", LABEL_PAIR, _mi_labels,
                           plan=_plan_mi_labels, nonnegative=plugin_only, unit=2)


@public
def mutual_information_from_labels(x: TensorT, y: ArrayLike, *, base: Optional[Real] = None,
                                   method: str = "plugin") -> TensorT:
    r"""Mutual information of two label vectors, from their contingency table :math:`n_{ij}`:

    .. math::

        I = \sum_{i,j} \frac{n_{ij}}{N} \log \frac{N n_{ij}}{a_i b_j}

    with row and column sums :math:`a`, :math:`b` (scikit-learn's ``mutual_info_score``, in
    units of ``base``: bits by default). ``method="miller_madow"`` adds the Miller-Madow
    corrections of the three entropies, :math:`\frac{m_x + m_y - m_{xy} - 1}{2 N}` nats
    (:math:`m` the nonzero cells); it can be below 0.
    Counting is O(N) when the labels span a range of about N values or less. A 0-d float64
    tensor.

    Labels are integers or categories, so they hold no NaN; floating labels are refused
    (``TypeError``).

    >>> round(float(mutual_information_from_labels([0, 0, 1, 1], [5, 5, 7, 7])), 4)
    1.0
    """
    return _MI_FROM_LABELS(array_like(x), array_like(y), base=base, method=method)
