"""The documented cases as data: the values of *Dive into Deep Learning* section 22.11, closed
forms, and the random inputs of the agreement check. Importing this imports no framework."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Dict, List, Sequence, Tuple

import numpy as np

DTYPES = ("float32", "float64")

#: Agreement with the independent float64 reference (:mod:`infotheory.testing.reference`) on
#: random distributions, per dtype (atol, rtol): max |a - b| must be at most
#: ``atol + rtol * max |b|``. float32 sums over up to 64 outcomes accumulate a few ulps.
AGREEMENT_TOL = {"float32": (1e-5, 1e-5), "float64": (1e-12, 1e-12)}

#: Extra tolerance for comparing with a value the book printed, beyond its rounding, per dtype.
DTYPE_RTOL = {"float32": 1e-6, "float64": 1e-12}

P_XY = [[0.1, 0.5], [0.1, 0.3]]
PREDS = [[0.3, 0.6, 0.1], [0.2, 0.3, 0.5]]
LOGITS = [[2.0, 0.5, -1.0], [0.1, 0.2, 0.3], [1.0, -1.0, 0.0]]
BOOK_JOINT = [[0.1, 0.5], [0.2, 0.3]]  # the book's conditional-entropy "joint": it sums to 1.1

BOOK_NOTE = ("the book's call; its 1-D marginal broadcast along the LAST axis of p_xy, written "
             "out here as shape (1, 2). It is not a marginal of that joint (")


XOR_X = np.array([0, 0, 1, 1] * 4)
XOR_Y = np.array([0, 1, 0, 1] * 4)
XOR_JOINT = np.array([[[0.25, 0.0], [0.0, 0.25]], [[0.0, 0.25], [0.25, 0.0]]])  # p[x, y, z]
COPIES_JOINT = np.zeros((2, 2, 2))
COPIES_JOINT[0, 0, 0] = COPIES_JOINT[1, 1, 1] = 0.5
COPY_SOURCE = np.array([0, 1, 1, 0, 1, 0, 0, 1, 1, 1, 0, 0, 1, 0, 1, 1, 0, 1, 0, 0])
KSG_X = np.array([0.0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
KSG_Y = np.array([0.3, 2.1, 1.2, 3.5, 5.1, 3.9, 7.2, 6.1, 8.8, 9.4])
KSG_Z = np.array([1.0, 0.2, 2.2, 2.9, 3.1, 5.5, 4.8, 7.7, 7.1, 9.9])
DISAGREE = [[0.9, 0.1], [0.1, 0.9]]
TE_SOURCE = np.array([0.3, -1.2, 0.8, 2.1, -0.4, 0.9, -1.7, 0.2, 1.3, -0.6, 0.5, 1.9, -0.9])
TE_TARGET = np.array([0.1, 0.5, -0.8, 1.0, 1.7, -0.2, 0.6, -1.1, 0.4, 0.9, -0.3, 0.2, 1.4])


def _conditional_entropy_of_pairs(s) -> float:
    """H(S_t | S_{t-1}) in bits over the pairs (s[t-1], s[t]), t >= 1, by counting."""
    pairs, firsts = {}, {}
    for a, b in zip(s[:-1], s[1:]):
        pairs[a, b] = pairs.get((a, b), 0) + 1
        firsts[a] = firsts.get(a, 0) + 1
    n = len(s) - 1
    return -sum(c / n * math.log2(c / firsts[a]) for (a, _), c in pairs.items())


def _frenzel_pompe(x, y, z, k: int) -> float:
    """Conditional KSG (nats) of 1-D samples by brute force: every max-norm distance, the k-th
    joint one, and the counts strictly closer in each subspace; psi of integers exactly."""
    def psi(m):
        return -0.5772156649015329 + sum(1.0 / i for i in range(1, m))

    def closer(*cols):
        m = np.stack(cols, 1)
        d = np.abs(m[:, None, :] - m[None, :, :]).max(-1)
        np.fill_diagonal(d, np.inf)
        return d
    eps = np.sort(closer(x, y, z), 1)[:, k - 1]
    count = lambda *cols: (closer(*cols) < eps[:, None]).sum(1)  # noqa: E731
    return psi(k) - float(np.mean([psi(a + 1) + psi(b + 1) - psi(c + 1) for a, b, c in
                                   zip(count(x, z), count(y, z), count(z))]))


def _gaussian_o_information(x) -> float:
    """O-information (bits) of the Gaussian with the samples' covariance, by slogdet."""
    k = x.shape[1]
    cov = np.cov(x, rowvar=False)

    def h(idx):
        sub = cov[np.ix_(idx, idx)]
        return 0.5 * (len(idx) * math.log(2 * math.pi * math.e) + np.linalg.slogdet(sub)[1])
    every = list(range(k))
    total = (k - 2) * h(every) + sum(h([i]) - h([j for j in every if j != i]) for i in every)
    return total / math.log(2)


@dataclass(frozen=True)
class Case:
    """One documented value.

    ``kind``: ``"value"`` compares ``measure(*args, **kwargs)`` with ``expected``;
    ``"rows_sum"`` checks that the book's printed rows ``expected`` add up to the scalar measure;
    ``"rows_pmi"`` checks that they equal the row sums of ``p_xy * pointwise MI``;
    ``"weighted"`` passes the last argument as ``weight=``.
    """

    name: str
    measure: str
    args: tuple
    expected: object
    atol: float
    kwargs: dict = field(default_factory=dict)
    kind: str = "value"
    dtypes: Sequence[str] = DTYPES
    note: str = ""


# Ross's estimator: 12 samples of 3 labels (4-decimal values with no tied distances)
ROSS_LABELS = np.array([0, 0, 0, 1, 1, 1, 0, 1, 2, 2, 2, 2])
ROSS_X = np.array([[-0.8019, -1.3244, -0.2484, 1.4204, 2.136, 1.1097, -0.5526, 0.2152, 2.7487,
                    3.6348, 2.2728, 0.7667],
                   [2.1252, 9.8001, 5.6086, -0.1964, 4.7489, 1.5103, 3.1121, 3.536, 2.8601,
                    6.6601, 4.8107, 3.2317]]).T


CASES: List[Case] = [
    Case("self_information(1/64)", "self_information", (1 / 64,), 6.0, 1e-6),
    Case("entropy", "entropy", ([0.1, 0.5, 0.1, 0.3],), 1.6855, 5e-5),
    Case("joint_entropy", "joint_entropy", (P_XY,), 1.6855, 5e-5),
    Case("book: conditional_entropy", "conditional_entropy", (BOOK_JOINT, [[0.2, 0.8]]),
         0.8635, 5e-5,
         note=BOOK_NOTE + "the book's joint sums to 1.1, so it is no distribution at all)"),
    Case("book: mutual_information", "mutual_information", (P_XY, [[0.2, 0.8]], [[0.75, 0.25]]),
         0.7195, 5e-5,
         note=BOOK_NOTE + "p_xy's marginals are p_x = [0.6, 0.4], p_y = [0.2, 0.8]); the mutual "
              "information of that joint is 0.0074 bits"),
    Case("mutual_information of the book's joint", "mutual_information", (P_XY,),
         sum(v * math.log2(v / (px * py)) for v, px, py in
             ((0.1, 0.6, 0.2), (0.5, 0.6, 0.8), (0.1, 0.4, 0.2), (0.3, 0.4, 0.8))),
         1e-6, note="closed form (0.0074 bits), its marginals computed from it"),
    Case("mutual_information, 1-D marginals", "mutual_information",
         (np.outer([0.3, 0.7], [0.2, 0.8]), [0.3, 0.7], [0.2, 0.8]), 0.0, 1e-6,
         note="independent: a 1-D p_x runs along the x axis"),
    Case("mutual_information of a copy", "mutual_information", ([[0.5, 0.0], [0.0, 0.5]],), 1.0,
         1e-6, note="Y = X, a fair bit: I = H(X) = 1 bit"),
    Case("conditional_entropy, 1-D marginal", "conditional_entropy",
         ([[0.1, 0.4], [0.2, 0.3]], [0.5, 0.5]),
         0.5 * (-0.2 * math.log2(0.2) - 0.8 * math.log2(0.8))
         + 0.5 * (-0.4 * math.log2(0.4) - 0.6 * math.log2(0.6)), 1e-6),
    Case("kl_divergence", "kl_divergence", ([1.0, 0.0], [0.5, 0.5]), 1.0, 1e-6),
    Case("cross_entropy", "cross_entropy", (PREDS, np.array([0, 2])), 0.9486, 5e-5),
    Case("nll_loss", "nll_loss", (np.log(PREDS), np.array([0, 2])), 0.9486, 5e-5),
    # Loss options and measures of the training-losses issue; golden values from the peers that
    # define them (torch.nn.functional, scipy.spatial.distance.jensenshannon squared).
    Case("cross_entropy, ignore_index=-100", "cross_entropy", (LOGITS, np.array([0, -100, 2])),
         0.8244586305507687, 1e-6, kwargs={"from_logits": True, "ignore_index": -100},
         note="torch F.cross_entropy(..., ignore_index=-100)"),
    Case("cross_entropy, label_smoothing=0.1", "cross_entropy", (LOGITS, np.array([0, 1, 2])),
         0.9669533697769271, 1e-6, kwargs={"from_logits": True, "label_smoothing": 0.1},
         note="torch F.cross_entropy(..., label_smoothing=0.1)"),
    Case("cross_entropy, weight", "cross_entropy",
         (LOGITS, np.array([0, 1, 2]), [1.0, 2.0, 0.5]), 0.899714278667953, 1e-6,
         kwargs={"from_logits": True}, kind="weighted",
         note="torch F.cross_entropy(..., weight=[1, 2, 0.5]): divided by the weights' sum"),
    Case("perplexity, ignore_index=-100", "perplexity", (LOGITS, np.array([0, -100, 2])),
         2.2806457591236438, 1e-6, kwargs={"from_logits": True, "ignore_index": -100},
         note="exp of torch's mean cross-entropy over the tokens that count"),
    Case("binary_cross_entropy from logits", "binary_cross_entropy",
         ([2.0, -1.0, 0.5], [1.0, 0.0, 0.3]), 0.42142222758043396, 1e-6,
         kwargs={"from_logits": True}, note="torch F.binary_cross_entropy_with_logits"),
    Case("binary_entropy(1/2)", "binary_entropy", (0.5,), 1.0, 1e-7),
    Case("jensen_shannon_divergence", "jensen_shannon_divergence",
         ([0.1, 0.5, 0.1, 0.3], [0.25, 0.25, 0.25, 0.25]), 0.08018855507508252, 1e-7,
         note="scipy.spatial.distance.jensenshannon(p, q, base=2) ** 2"),
    Case("gaussian_kl_divergence N(0,1) || N(1,1)", "gaussian_kl_divergence",
         (0.0, 1.0, 1.0, 1.0), 0.5, 1e-7, kwargs={"base": math.e},
         note="the book's exercise: 0.5 nats"),
    Case("gaussian_entropy N(0,1)", "gaussian_entropy", (1.0,), 0.5 * math.log(2 * math.pi * math.e),
         1e-6, kwargs={"base": math.e}, note="1/2 log(2 pi e) nats"),
    Case("card: a known card", "self_information", (1.0,), 0.0, 1e-12),
    Case("card: its suit", "self_information", (1 / 4,), 2.0, 1e-6),
    Case("card: one card of 52", "self_information", (1 / 52,), 5.7, 0.05,
         note="log2(52) = 5.7004"),
    Case("card: uniform over 52 cards", "entropy", ([1 / 52] * 52,), 5.7, 0.05),
    Case("card: an order of the deck", "self_information", (1 / math.factorial(52),), 225.6,
         0.05, dtypes=("float64",),
         note="log2(52!) = 225.58; 1/52! = 1.2e-68 underflows float32, so float64 only"),
    Case("book TF rows: joint_entropy", "joint_entropy", (P_XY,), [0.8321928, 0.8532826], 5e-7,
         kwargs={"axis": -1},
         note="the book's TensorFlow cell used nansum over the last axis only, so it printed "
              "per-row partial sums: joint_entropy(p_xy, axis=-1)"),
    Case("book TF rows: conditional_entropy", "conditional_entropy",
         (BOOK_JOINT, [[0.2, 0.8]]), [0.43903595, 0.42451128], 5e-7,
         kind="rows_sum", note="per-row partial sums; they add up to the scalar 0.8635"),
    Case("book TF rows: mutual_information", "mutual_information",
         (P_XY, [[0.2, 0.8]], [[0.75, 0.25]]), [0.60246783, 0.1169925], 5e-7, kind="rows_pmi",
         note="per-row partial sums: the row sums of p_xy * pointwise MI; they add up to 0.7195"),
    # Estimators from data (infotheory.estimate): closed forms and scikit-learn's values.
    Case("estimate: entropy of counts [10, 20, 30, 0]", "estimate.entropy_from_counts",
         ([10.0, 20.0, 30.0, 0.0],), -sum(p * math.log2(p) for p in (1 / 6, 1 / 3, 1 / 2)), 1e-6,
         note="the entropy of the normalized counts"),
    Case("estimate: Miller-Madow entropy of counts", "estimate.entropy_from_counts",
         ([3.0, 1.0, 1.0, 0.0, 0.0],),
         -sum(c / 5 * math.log(c / 5) for c in (3, 1, 1)) + 2 / 10, 1e-6,
         kwargs={"method": "miller_madow", "base": math.e}, note="plugin + (m - 1) / (2 N) nats"),
    Case("estimate: MI of two copies of a fair bit", "estimate.mutual_information_from_labels",
         (np.array([0, 0, 1, 1]), np.array([5, 5, 7, 7])), 1.0, 1e-9),
    Case("estimate: NMI", "estimate.normalized_mutual_information",
         (np.array([0, 0, 1, 1, 2, 2]), np.array([0, 0, 1, 1, 1, 1])), 0.7336804366512113,
         1e-9, note="sklearn normalized_mutual_info_score"),
    Case("estimate: AMI", "estimate.adjusted_mutual_information",
         (np.array([0, 0, 1, 1, 2, 2]), np.array([0, 0, 1, 1, 1, 1])), 0.6153846153846159,
         1e-9, note="sklearn adjusted_mutual_info_score"),
    Case("estimate: homogeneity, completeness, V-measure",
         "estimate.homogeneity_completeness_v_measure",
         (np.array([0, 0, 1, 1, 2, 2]), np.array([0, 0, 1, 1, 1, 1])),
         [0.5793801642856953, 1.0, 0.7336804366512113], 1e-9,
         note="sklearn homogeneity_completeness_v_measure"),
    Case("estimate: PPMI of a diagonal", "estimate.pmi_from_counts",
         ([[2.0, 0.0], [0.0, 2.0]],), [[1.0, 0.0], [0.0, 1.0]], 1e-6,
         kwargs={"positive": True}),
    Case("estimate: Kozachenko-Leonenko on [0, 1, 3, 7], k=1", "estimate.differential_entropy",
         ([0.0, 1.0, 3.0, 7.0],), (1 + 1 / 2 + 1 / 3) + math.log(2) + math.log(8) / 4, 1e-5,
         kwargs={"k": 1, "base": math.e},
         note="psi(4) - psi(1) + log V_1 + mean log eps, eps = [1, 1, 2, 4]"),
    Case("estimate: k-NN KL of [0, 1, 3] from [0.5, 2, 5], k=1", "estimate.kl_divergence_knn",
         ([0.0, 1.0, 3.0], [0.5, 2.0, 5.0]), math.log(0.5) + math.log(3 / 2), 1e-6,
         kwargs={"k": 1, "base": math.e},
         note="rho = [1, 1, 2], nu = [0.5, 0.5, 1]: mean log(nu / rho) + log(m / (n - 1))"),
    Case("estimate: entropy of symbols [1, 1, 2, 3]", "estimate.entropy_from_labels",
         (np.array([1, 1, 2, 3]),), 1.5, 1e-9),
    Case("estimate: contingency table", "estimate.contingency_table",
         (np.array([0, 0, 5, 5]), np.array([1, 2, 2, 2])), [[1, 1], [0, 2]], 0.0),
    Case("estimate: KSG on 10 points, k=3", "estimate.mutual_information_ksg",
         ([0.0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [0.3, 2.1, 1.2, 3.5, 5.1, 3.9, 7.2, 6.1, 8.8, 9.4]),
         0.720634920634921, 1e-6, kwargs={"base": math.e, "standardize": False},
         note="scikit-learn's _compute_mi_cc (the same estimator, a KD-tree), raw units"),
    Case("estimate: Ross MI of 12 samples of 3 labels, k=2", "estimate.mutual_information_mixed",
         (ROSS_X[:, 0], ROSS_LABELS), 0.6100559163059167, 1e-6, kwargs={"k": 2, "base": math.e},
         note="Ross's formula transcribed with exact distances (scikit-learn's _compute_mi_cd "
              "gives 0.566 on so few samples: its brute-force search rounds the k-th distance)"),
    Case("estimate: each column's MI with 3 labels, k=2", "estimate.mutual_information_features",
         (ROSS_X, ROSS_LABELS), [0.6100559163059167, -0.26246392496392446], 1e-6,
         kwargs={"discrete_target": True, "k": 2, "base": math.e},
         note="the same transcription on each column divided by its standard deviation"),
    Case("estimate: NWJ of 3 I_8", "estimate.nwj", (np.eye(8) * 3.0,), 3 - math.exp(-1), 1e-5,
         kwargs={"base": math.e}, note="mean s_ii - e^-1 mean_{i != j} exp(s_ij)"),
    Case("estimate: Donsker-Varadhan of 3 I_8", "estimate.donsker_varadhan",
         (np.eye(8) * 3.0,), 3.0, 1e-5, kwargs={"base": math.e}),
    Case("estimate: InfoNCE of 5 I_4", "estimate.infonce", (np.eye(4) * 5.0,),
         2 + (5 - math.log(math.exp(5) + 3)) / math.log(2), 1e-5,
         note="log N + mean(s_ii - logsumexp_j s_ij)"),
    # Beyond pairs: closed forms, definitions counted in plain Python, and the peers' values.
    Case("estimate: conditional MI of XOR labels",
         "estimate.conditional_mutual_information_from_labels",
         (XOR_X, XOR_Y, XOR_X ^ XOR_Y), 1.0, 1e-9,
         note="x, y independent fair bits, z = x XOR y: I(X;Y|Z) = 1 bit"),
    Case("estimate: transfer entropy of a delayed copy", "estimate.transfer_entropy_from_labels",
         (COPY_SOURCE, np.r_[0, COPY_SOURCE[:-1]]), _conditional_entropy_of_pairs(COPY_SOURCE),
         1e-9, note="Y_t = S_{t-1}: TE = H(S_{t-1} | S_{t-2}), counted over the pairs"),
    Case("estimate: total correlation of three copies", "estimate.total_correlation_from_labels",
         (np.stack([XOR_X] * 3, 1),), 2.0, 1e-9, note="3 H(X) - H(X) = 2 bits"),
    Case("estimate: O-information of XOR labels", "estimate.o_information_from_labels",
         (np.stack([XOR_X, XOR_Y, XOR_X ^ XOR_Y], 1),), -1.0, 1e-9,
         note="synergy: TC - DTC = 1 - 2 bits"),
    Case("estimate: conditional KSG on 10 points, k=3",
         "estimate.conditional_mutual_information_ksg",
         (KSG_X, KSG_Y, KSG_Z), 0.2116667866798253, 1e-6, kwargs={"base": math.e},
         note="ennemi.estimate_mi(y, x, cond=z, k=3), which rounds to float32"),
    Case("estimate: KSG transfer entropy of 13 steps, k=4", "estimate.transfer_entropy_ksg",
         (TE_SOURCE, TE_TARGET), _frenzel_pompe(TE_TARGET[1:] / TE_TARGET.std(),
                                                TE_SOURCE[:-1] / TE_SOURCE.std(),
                                                TE_TARGET[:-1] / TE_TARGET.std(), 4), 1e-6,
         kwargs={"base": math.e}, dtypes=("float64",),
         note="I(Y_t; S_t-1 | Y_t-1), each series divided by its deviation, by brute force; "
              "float64 only: at 13 samples float32 rounding reorders distances that decide "
              "the counts"),
    Case("estimate: Gaussian copula of [10, -3, 7]", "estimate.gaussian_copula",
         ([10.0, -3.0, 7.0],), [0.6744897501960817, -0.6744897501960817, 0.0], 1e-6,
         note="Phi^-1(rank / 4): scipy.special.ndtri([3/4, 1/4, 1/2])"),
    Case("estimate: Gaussian MI, no bias correction", "estimate.mutual_information_gaussian",
         (KSG_X, KSG_Y), -0.5 * math.log2(1 - np.corrcoef(KSG_X, KSG_Y)[0, 1] ** 2), 1e-6,
         kwargs={"bias_correction": False}, note="-1/2 log2(1 - r^2) of the sample correlation"),
    Case("estimate: Gaussian O-information, no bias correction",
         "estimate.o_information_gaussian", (np.stack([KSG_X, KSG_Y, KSG_Z], 1),),
         _gaussian_o_information(np.stack([KSG_X, KSG_Y, KSG_Z], 1)), 1e-5,
         kwargs={"bias_correction": False},
         note="(k - 2) H(X) + sum_i H(X_i) - H(X_-i), entropies from numpy.linalg.slogdet"),
    # Multivariate and Renyi/Tsallis measures on distributions: closed forms.
    Case("conditional_mutual_information of XOR", "conditional_mutual_information",
         (XOR_JOINT,), 1.0, 1e-6, note="p(x, y, z) = 1/4 where z = x XOR y"),
    Case("total_correlation of three copies", "total_correlation", (COPIES_JOINT,), 2.0, 1e-6),
    Case("dual_total_correlation of three copies", "dual_total_correlation", (COPIES_JOINT,),
         1.0, 1e-6),
    Case("co_information of XOR", "co_information", (XOR_JOINT,), -1.0, 1e-6,
         note="dit's sign: I(X;Y) - I(X;Y|Z) = 0 - 1"),
    Case("o_information of three copies", "o_information", (COPIES_JOINT,), 1.0, 1e-6,
         note="redundancy: TC - DTC = 2 - 1"),
    Case("renyi_entropy order 2", "renyi_entropy", ([0.1, 0.5, 0.1, 0.3],),
         -math.log2(0.01 + 0.25 + 0.01 + 0.09), 1e-6, kwargs={"order": 2.0}, note="collision entropy -log2 sum p^2"),
    Case("renyi_entropy order inf", "renyi_entropy", ([0.1, 0.5, 0.1, 0.3],), 1.0,
         1e-6, kwargs={"order": math.inf}, note="min-entropy -log2 max p"),
    Case("renyi_divergence order 2", "renyi_divergence", ([0.5, 0.5], [0.25, 0.75]),
         math.log2(0.25 / 0.25 + 0.25 / 0.75), 1e-6, kwargs={"order": 2.0}, note="log2 sum p^2 / q"),
    Case("tsallis_entropy order 2", "tsallis_entropy", ([0.1, 0.5, 0.1, 0.3],),
         1 - (0.01 + 0.25 + 0.01 + 0.09), 1e-6, kwargs={"order": 2.0}, note="(1 - sum p^q) / (q - 1), unitless"),
    # Uncertainty of an ensemble's predictions (S samples x C classes).
    Case("predictive_entropy of two disagreeing samples", "predictive_entropy",
         (DISAGREE,), 1.0, 1e-6, note="the mean prediction is uniform over two classes"),
    Case("expected_entropy of two disagreeing samples", "expected_entropy", (DISAGREE,),
         -(0.9 * math.log2(0.9) + 0.1 * math.log2(0.1)), 1e-6),
    Case("bald of two disagreeing samples", "bald", (DISAGREE,),
         1.0 + 0.9 * math.log2(0.9) + 0.1 * math.log2(0.1), 1e-6,
         note="predictive - expected entropy"),
]


def dirichlet_with_zeros(rng: np.random.Generator, shape: Tuple[int, ...],
                         zero_fraction: float = 0.2) -> np.ndarray:
    """Random distributions over the last axis with exact zeros (at least one nonzero)."""
    p = rng.dirichlet(np.full(shape[-1], 0.5), size=shape[:-1])
    p[rng.random(p.shape) < zero_fraction] = 0.0
    p[..., 0] += (p.sum(-1) == 0)
    return p / p.sum(-1, keepdims=True)


def random_inputs(seed: int = 0) -> Dict[str, tuple]:
    """Measure name -> args on random float64 data, for the agreement check."""
    rng = np.random.default_rng(seed)
    p = dirichlet_with_zeros(rng, (8, 64))
    q = dirichlet_with_zeros(rng, (8, 64))
    joint = dirichlet_with_zeros(rng, (4, 36)).reshape(4, 6, 6)
    logits = rng.normal(0, 5, size=(8, 10))
    labels = rng.integers(0, 10, size=8)
    return {
        "self_information": (p,),
        "entropy": (p,),
        "joint_entropy": (joint,),
        "conditional_entropy": (joint,),
        "mutual_information": (joint,),
        "kl_divergence": (p, np.where(p > 0, 0.5 * (p + q), q)),
        "jensen_shannon_divergence": (p, q),
        "cross_entropy": (logits, labels),
        "nll_loss": (logits - np.log(np.exp(logits).sum(-1, keepdims=True)), labels),
    }


RANDOM_KWARGS = {"cross_entropy": {"from_logits": True}}
