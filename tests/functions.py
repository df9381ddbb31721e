"""One table of the public functions on tensors (measures, losses, neural bounds), read by the
cross-cutting sweeps: host reads, threads, plans. Each entry computes the function on inputs
made by ``t`` (a NumPy array to a native tensor of the backend under test); a function with
several paths (logits, options) has an entry per path. ``tests/sweeps/test_table.py`` checks that
every public function is in it."""
import math

import numpy as np

import infotheory as it
from infotheory.estimate import donsker_varadhan, infonce, nwj

RNG = np.random.default_rng(31)
P = RNG.dirichlet(np.ones(4), size=3)
Q = RNG.dirichlet(np.ones(4), size=3)
Z = RNG.normal(size=(3, 4))
Y = np.array([0, 3, 1])
J = RNG.dirichlet(np.ones(6), size=2).reshape(2, 2, 3)
S = RNG.dirichlet(np.ones(4), size=(3, 2))  # 3 samples of a model, a batch of 2, 4 classes
ZS = RNG.normal(size=(3, 2, 4))
J3 = RNG.dirichlet(np.ones(12), size=2).reshape(2, 2, 2, 3)  # a batch of joints of 3 variables
CALLS = {
    "self_information": lambda t: it.self_information(t(P)),
    "entropy": lambda t: it.entropy(t(P)),
    "entropy_logits": lambda t: it.entropy(t(Z), from_logits=True, base=math.e),
    "joint_entropy": lambda t: it.joint_entropy(t(J)),
    "conditional_entropy": lambda t: it.conditional_entropy(t(J)),
    "mutual_information": lambda t: it.mutual_information(t(J)),
    "pointwise_mutual_information": lambda t: it.pointwise_mutual_information(t(J)),
    "kl_divergence": lambda t: it.kl_divergence(t(P), t(Q)),
    "kl_divergence_logits": lambda t: it.kl_divergence(t(Z), t(Z[::-1].copy()), from_logits=True),
    "jensen_shannon_divergence": lambda t: it.jensen_shannon_divergence(t(P), t(Q)),
    "cross_entropy": lambda t: it.cross_entropy(t(Z), t(Y), from_logits=True),
    "cross_entropy_options": lambda t: it.cross_entropy(
        t(Z), t(Y), from_logits=True, ignore_index=3, label_smoothing=0.1,
        weight=t(np.array([1.0, 2.0, 0.5, 1.0]))),
    "nll_loss": lambda t: it.nll_loss(t(np.log(P)), t(Y)),
    "perplexity": lambda t: it.perplexity(t(Z), t(Y), from_logits=True),
    "binary_cross_entropy": lambda t: it.binary_cross_entropy(t(Z), t(P), from_logits=True),
    "binary_cross_entropy_weights": lambda t: it.binary_cross_entropy(
        t(Q), t(P), pos_weight=t(np.array([1.0, 2.0, 0.5, 1.0])), weight=t(Z[:, :1] ** 2)),
    "binary_entropy": lambda t: it.binary_entropy(t(P)),
    "gaussian_entropy": lambda t: it.gaussian_entropy(t(np.array([0.5, 2.0]))),
    "gaussian_kl_divergence": lambda t: it.gaussian_kl_divergence(
        t(np.array([0.0])), t(np.array([1.0])), t(np.array([1.0])), t(np.array([2.0]))),
    "predictive_entropy": lambda t: it.predictive_entropy(t(S)),
    "predictive_entropy_logits": lambda t: it.predictive_entropy(t(ZS), from_logits=True),
    "expected_entropy": lambda t: it.expected_entropy(t(S)),
    "expected_entropy_logits": lambda t: it.expected_entropy(t(ZS), from_logits=True),
    "bald": lambda t: it.bald(t(S)),
    "bald_logits": lambda t: it.bald(t(ZS), from_logits=True),
    "conditional_mutual_information": lambda t: it.conditional_mutual_information(t(J3)),
    "total_correlation": lambda t: it.total_correlation(t(J3), axis=(1, 2, 3)),
    "dual_total_correlation": lambda t: it.dual_total_correlation(t(J3), axis=(1, 2, 3)),
    "co_information": lambda t: it.co_information(t(J3), axis=(1, 2, 3)),
    "o_information": lambda t: it.o_information(t(J3), axis=(1, 2, 3)),
    "renyi_entropy": lambda t: it.renyi_entropy(t(P), 2),
    "renyi_entropy_logits": lambda t: it.renyi_entropy(t(Z), 0.5, from_logits=True),
    "renyi_divergence": lambda t: it.renyi_divergence(t(P), t(Q), 2),
    "tsallis_entropy": lambda t: it.tsallis_entropy(t(P), 2),
    "infonce": lambda t: infonce(t(Z[:, :3])),
    "nwj": lambda t: nwj(t(Z[:, :3])),
    "donsker_varadhan": lambda t: donsker_varadhan(t(Z[:, :3])),
}

# --- estimators from data (infotheory.estimate) ---------------------------------------------
N = 48
XL = RNG.integers(0, 3, N)
YL = (XL + RNG.integers(0, 2, N)) % 3
ZL = RNG.integers(0, 2, N)
XL3 = np.stack([XL, YL, ZL], axis=1)
COUNTS = RNG.integers(0, 9, (3, 4))
XC = RNG.normal(size=N)
YC = XC + 0.5 * RNG.normal(size=N)
ZC = RNG.normal(size=N)
XC3 = np.stack([XC, YC, ZC], axis=1)
ESTIMATES = {
    "entropy_from_counts": lambda t: it.estimate.entropy_from_counts(t(COUNTS)),
    "entropy_from_labels": lambda t: it.estimate.entropy_from_labels(t(XL)),
    "contingency_table": lambda t: it.estimate.contingency_table(t(XL), t(YL)),
    "mutual_information_from_labels":
        lambda t: it.estimate.mutual_information_from_labels(t(XL), t(YL)),
    "normalized_mutual_information":
        lambda t: it.estimate.normalized_mutual_information(t(XL), t(YL)),
    "adjusted_mutual_information":
        lambda t: it.estimate.adjusted_mutual_information(t(XL), t(YL)),
    # a tuple (homogeneity, completeness, v_measure): the sweeps compare one tensor, and the
    # V-measure with beta != 1 depends on the other two
    "homogeneity_completeness_v_measure":
        lambda t: it.estimate.homogeneity_completeness_v_measure(t(XL), t(YL), beta=2.0)[2],
    "conditional_mutual_information_from_labels":
        lambda t: it.estimate.conditional_mutual_information_from_labels(t(XL), t(YL), t(ZL)),
    "total_correlation_from_labels": lambda t: it.estimate.total_correlation_from_labels(t(XL3)),
    "o_information_from_labels": lambda t: it.estimate.o_information_from_labels(t(XL3)),
    "transfer_entropy_from_labels":
        lambda t: it.estimate.transfer_entropy_from_labels(t(XL), t(YL)),
    "pmi_from_counts": lambda t: it.estimate.pmi_from_counts(t(COUNTS)),
    "differential_entropy": lambda t: it.estimate.differential_entropy(t(XC3)),
    "mutual_information_ksg": lambda t: it.estimate.mutual_information_ksg(t(XC), t(YC)),
    "kl_divergence_knn": lambda t: it.estimate.kl_divergence_knn(t(XC), t(YC)),
    "mutual_information_mixed": lambda t: it.estimate.mutual_information_mixed(t(XC), t(XL)),
    "mutual_information_features":
        lambda t: it.estimate.mutual_information_features(t(XC3), t(XL), discrete_target=True),
    "conditional_mutual_information_ksg":
        lambda t: it.estimate.conditional_mutual_information_ksg(t(XC), t(YC), t(ZC)),
    "transfer_entropy_ksg": lambda t: it.estimate.transfer_entropy_ksg(t(XC), t(YC)),
    "gaussian_copula": lambda t: it.estimate.gaussian_copula(t(XC)),
    "mutual_information_gaussian":
        lambda t: it.estimate.mutual_information_gaussian(t(XC), t(YC)),
    "o_information_gaussian": lambda t: it.estimate.o_information_gaussian(t(XC3)),
}
#: Estimators of two samples that need not have the same number of samples.
SAMPLES_MAY_DIFFER = {"kl_divergence_knn"}
#: Public names that are not functions of tensors, each tested where it lives.
NOT_FUNCTIONS_OF_TENSORS = {
    "Backend", "available_backends", "backend_of", "register_backend",
    "registered_backends", "unregister_backend",  # dispatch: tests/backends, tests/pipeline
    "default_base", "set_default_base", "set_validation", "validation",  # settings: pipeline
    "PermutationResult", "permutation_test",  # a test around an estimator: tests/estimate
}
