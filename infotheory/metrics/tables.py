"""Metrics of label pairs over the epoch: statistics of one contingency table (rows: the
target's classes, columns: the predictions'), summed over batches and processes.

The statistics are written over the backend primitives without a host read, so Keras computes
them in its compiled step; a table of fixed size has rows and columns of classes that never
occurred, which change nothing here (0 log 0 = 0, and the special cases count the classes that
occur). They equal the label estimators of :mod:`infotheory.estimate` on the same labels, which
the metric tester checks. The adjusted mutual information's expectation term needs the host
(:func:`infotheory.estimate.clustering.statistic_of_table`)."""
from __future__ import annotations

import math

import numpy as np

from ..estimate.clustering import _hcv_from_table, nmi_of_table, statistic_of_table
from ..estimate.labels import _mi_table
from ._declare import AVERAGE, BASE, BETA, IGNORE_INDEX, NUM_CLASSES, Spec


_HCV = ("homogeneity", "completeness", "v_measure")


def table_statistic(B, name: str, counts, *, beta: float = 1.0,
                    average: str = "arithmetic"):
    """``name`` of a float64 contingency table ``counts`` (target x predictions), 0-d: the
    mutual information (nats), "normalized_mutual_information", "homogeneity",
    "completeness" or "v_measure", by the label estimators' own table statistics. NaN for an
    empty table."""
    if name == "mutual_information":
        return B.nonnegative(_mi_table(B, counts))
    if name == "normalized_mutual_information":
        return nmi_of_table(B, counts, average)
    return _hcv_from_table(B, counts, beta)[_HCV.index(name)]


def host_statistic(name: str, counts: np.ndarray, **options) -> np.ndarray:
    """``name`` of a NumPy table on the host (float64; NaN when empty): what the adjusted
    mutual information needs (its expectation term)."""
    if counts.sum() == 0:
        return np.float64(math.nan)
    return np.float64(statistic_of_table(name, counts, **options))


_LABEL_INPUTS = (("preds", "labels"), ("target", "labels"))
_KERAS = ("y_pred", "y_true")
_TABLE_OPTIONS = (NUM_CLASSES, IGNORE_INDEX)


def _table_spec(name, keras_name, statistic, doc, options=(), unit=None):
    return Spec(name=name, keras_name=keras_name, kind="table", doc=doc, inputs=_LABEL_INPUTS,
                keras_inputs=_KERAS, options=_TABLE_OPTIONS + options, unit=unit,
                higher_is_better=None if statistic == "mutual_information" else True,
                statistic=statistic)


MUTUAL_INFORMATION = _table_spec(
    "MutualInformation", "mutual_information", "mutual_information",
    "Mutual information of the epoch's label pairs (scikit-learn's ``mutual_info_score`` on all "
    "of them). Bits by default (``base=math.e``: torchmetrics' ``MutualInfoScore``).",
    options=(BASE,), unit=2.0)
NORMALIZED_MUTUAL_INFORMATION = _table_spec(
    "NormalizedMutualInformation", "normalized_mutual_information",
    "normalized_mutual_information",
    "Normalized mutual information ``I / avg(H(target), H(preds))`` of the epoch's label "
    "pairs, in [0, 1], as :func:`infotheory.estimate.normalized_mutual_information`.",
    options=(AVERAGE,))
ADJUSTED_MUTUAL_INFORMATION = _table_spec(
    "AdjustedMutualInformation", "adjusted_mutual_information", "adjusted_mutual_information",
    "Mutual information adjusted for chance ``(I - E[I]) / (avg(H) - E[I])`` of the epoch's "
    "label pairs, as :func:`infotheory.estimate.adjusted_mutual_information`; its expectation "
    "term is computed on the host (Keras: a host callback, so not under XLA).",
    options=(AVERAGE,))
HOMOGENEITY = _table_spec(
    "HomogeneityScore", "homogeneity", "homogeneity",
    "Homogeneity ``1 - H(target | preds) / H(target)`` of the epoch's label pairs (each "
    "predicted cluster holds one class), in [0, 1], as scikit-learn's ``homogeneity_score``.")
COMPLETENESS = _table_spec(
    "CompletenessScore", "completeness", "completeness",
    "Completeness ``1 - H(preds | target) / H(preds)`` of the epoch's label pairs (each class "
    "in one predicted cluster), in [0, 1], as scikit-learn's ``completeness_score``.")
V_MEASURE = _table_spec(
    "VMeasureScore", "v_measure", "v_measure",
    "V-measure ``(1 + beta) h c / (beta h + c)`` of the epoch's homogeneity ``h`` and "
    "completeness ``c``, in [0, 1], as scikit-learn's ``v_measure_score``.",
    options=(BETA,))

SPECS = (MUTUAL_INFORMATION, NORMALIZED_MUTUAL_INFORMATION, ADJUSTED_MUTUAL_INFORMATION,
         HOMOGENEITY, COMPLETENESS, V_MEASURE)
