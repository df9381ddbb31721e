"""Estimators from data: counts, labels, samples and critic scores.

Every function takes any backend's tensors (or NumPy arrays and lists) and returns a tensor of
the same framework; entropies and informations are in bits by default (``base=2``).

- From counts (:mod:`.counts`): :func:`entropy_from_counts`, :func:`pmi_from_counts`.
- From labels (:mod:`.labels`): :func:`entropy_from_labels`, :func:`contingency_table`,
  :func:`mutual_information_from_labels`; two labelings compared as partitions
  (:mod:`.clustering`): :func:`normalized_mutual_information`,
  :func:`adjusted_mutual_information`, :func:`homogeneity_completeness_v_measure`.
- Beyond pairs, from label columns (:mod:`.multivariate`):
  :func:`conditional_mutual_information_from_labels`, :func:`transfer_entropy_from_labels`,
  :func:`total_correlation_from_labels`, :func:`o_information_from_labels`.
- From continuous samples, k-nearest-neighbour estimators (:mod:`.knn`):
  :func:`differential_entropy`, :func:`mutual_information_ksg`, :func:`kl_divergence_knn`,
  :func:`conditional_mutual_information_ksg`, :func:`transfer_entropy_ksg`.
- Continuous samples against labels (:mod:`.mixed`): :func:`mutual_information_mixed`
  (Ross); every column of a table against a target, as scikit-learn's ``mutual_info_classif``
  and ``mutual_info_regression`` (:mod:`.features`): :func:`mutual_information_features`.
- Gaussian and Gaussian-copula estimators, batched over multiplets (:mod:`.gaussian`):
  :func:`gaussian_copula`, :func:`mutual_information_gaussian`, :func:`o_information_gaussian`.
- Significance of any estimate: :func:`permutation_test` (batched for the label estimators).
- Neural MI bounds from a critic's scores (:mod:`.bounds`): :func:`infonce`, :func:`nwj`,
  :func:`donsker_varadhan`.
"""
from .multivariate import (
    conditional_mutual_information_from_labels,
    o_information_from_labels,
    total_correlation_from_labels,
    transfer_entropy_from_labels,
)
from .gaussian import gaussian_copula, mutual_information_gaussian, o_information_gaussian
from .permutation import PermutationResult, permutation_test
from .bounds import donsker_varadhan, infonce, nwj
from .knn import (
    conditional_mutual_information_ksg,
    differential_entropy,
    kl_divergence_knn,
    mutual_information_ksg,
    transfer_entropy_ksg,
)
from .mixed import mutual_information_mixed
from .features import mutual_information_features
from .counts import entropy_from_counts, pmi_from_counts
from .labels import contingency_table, entropy_from_labels, mutual_information_from_labels
from .clustering import (
    adjusted_mutual_information,
    homogeneity_completeness_v_measure,
    normalized_mutual_information,
)

__all__ = [
    "PermutationResult",
    "permutation_test",
    "gaussian_copula",
    "mutual_information_gaussian",
    "o_information_gaussian",
    "conditional_mutual_information_ksg",
    "transfer_entropy_ksg",
    "conditional_mutual_information_from_labels",
    "o_information_from_labels",
    "total_correlation_from_labels",
    "transfer_entropy_from_labels",
    "mutual_information_ksg",
    "mutual_information_mixed",
    "mutual_information_features",
    "kl_divergence_knn",
    "differential_entropy",
    "adjusted_mutual_information",
    "contingency_table",
    "donsker_varadhan",
    "entropy_from_counts",
    "entropy_from_labels",
    "homogeneity_completeness_v_measure",
    "infonce",
    "mutual_information_from_labels",
    "normalized_mutual_information",
    "nwj",
    "pmi_from_counts",
]
