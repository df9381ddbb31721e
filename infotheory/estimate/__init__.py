"""Estimators from data: counts, labels, samples and critic scores.

Every function takes any backend's tensors (or NumPy arrays and lists) and returns a tensor of
the same framework; entropies and informations are in bits by default (``base=2``).

- From counts and labels (:mod:`.discrete`): :func:`entropy_from_counts`,
  :func:`entropy_from_labels`, :func:`contingency_table`, :func:`mutual_information_from_labels`,
  :func:`normalized_mutual_information`, :func:`adjusted_mutual_information`,
  :func:`pmi_from_counts`.
- From continuous samples, k-nearest-neighbour estimators (:mod:`.knn`):
  :func:`differential_entropy`, :func:`mutual_information_ksg`, :func:`kl_divergence_knn`.
- Neural MI bounds from a critic's scores (:mod:`.bounds`): :func:`infonce`, :func:`nwj`,
  :func:`donsker_varadhan`.
"""
from .bounds import donsker_varadhan, infonce, nwj
from .knn import differential_entropy, kl_divergence_knn, mutual_information_ksg
from .discrete import (
    adjusted_mutual_information,
    contingency_table,
    entropy_from_counts,
    entropy_from_labels,
    mutual_information_from_labels,
    normalized_mutual_information,
    pmi_from_counts,
)

__all__ = [
    "mutual_information_ksg",
    "kl_divergence_knn",
    "differential_entropy",
    "adjusted_mutual_information",
    "contingency_table",
    "donsker_varadhan",
    "entropy_from_counts",
    "entropy_from_labels",
    "infonce",
    "mutual_information_from_labels",
    "normalized_mutual_information",
    "nwj",
    "pmi_from_counts",
]
