"""Mutual information between continuous samples and discrete labels: Ross's k-nearest-neighbour
estimator (Ross 2014), the one scikit-learn's ``mutual_info_classif`` uses for a continuous
feature against a class target.

For each sample, the distance :math:`d_i` to its :math:`k`-th nearest neighbour among the
samples of its own label fixes a ball; :math:`m_i` counts the samples of any label strictly
inside it (itself included). Samples whose label occurs once have no neighbour and are left out
(as scikit-learn does). The search is the k-NN estimators' (:mod:`.knn`): SciPy's k-d tree on
the CPU, brute force over strips on a GPU, the window of sorted values in 1-D.
"""
from __future__ import annotations

from typing import Optional

from .._checks import check_flag
from .._frontend import Function, Input, public
from .._types import ArrayLike, Int, Real, TensorT
from ._common import FLOAT_LABELS, check_k, codes, psi, vector
from ._neighbours import count_within, knn_distance
from .knn import _2d, _column_std, _positive, _samples, _scale, _times_power_of_two


def _plan_mutual_information_mixed(c):
    check_k(c.fn, c.options["k"])
    n, _ = _samples(c, "x")
    m = vector(c, "labels")
    if n != m:
        raise c.error(f"x and labels must hold the same number of samples, got {n} and {m}")
    check_flag(c.fn, "standardize", c.options["standardize"])
    return {"n": n, "k": c.options["k"], "standardize": c.options["standardize"]}


def mixed_mi(B, fn: str, x, labels, n: int, k: int, standardize: bool):
    """Ross's estimate in nats (0-d tensor of ``x``'s framework) of samples ``x`` (n, d) and
    1-D integer ``labels``; one k-NN search per label and one count over all kept samples."""
    x = _2d(B, x)
    e = _scale(B, fn, ("x", x))
    x = x / _column_std(B, x, n) if standardize else _times_power_of_two(x, -e)
    n_labels, inverse = codes(B, labels, n)
    counts = B.to_numpy(B.bincount(inverse, n_labels))  # host: the sizes of the searches
    parts, radii = [], []
    kept, psi_k, psi_n = 0, 0.0, 0.0
    for label, count in enumerate(int(v) for v in counts):
        if count < 2:  # a label seen once has no neighbour of its own: left out
            continue
        k_label = min(k, count - 1)
        xs = B.take_rows(x, B.flatnonzero(inverse == label))
        parts.append(xs)
        radii.append(knn_distance(B, xs, xs, k_label, "chebyshev", True))
        kept += count
        psi_k += count * psi(k_label)
        psi_n += count * psi(count)
    if not kept:
        raise ValueError(f"{fn}: every label occurs once, so no sample has a neighbour of its "
                         f"own label; Ross's estimator needs a label seen at least twice")
    xs, radius = B.concat(parts), B.concat(radii)
    _positive(B, fn, "x", radius)
    m = count_within(B, xs, radius, "chebyshev") + 1.0  # the sample itself is inside
    return (psi(kept) + (psi_k - psi_n) / kept) - B.sum(B.digamma(m), None) / kept


def _mutual_information_mixed(B, x, labels, n, k, standardize):
    return mixed_mi(B, "mutual_information_mixed", x, labels, n, k, standardize)


_MUTUAL_INFORMATION_MIXED = Function(
    "mutual_information_mixed", [Input("x", "real"), Input("labels", "categories",
                                                           hint=FLOAT_LABELS)],
    _mutual_information_mixed, plan=_plan_mutual_information_mixed, unit=2)


@public
def mutual_information_mixed(x: TensorT, labels: ArrayLike, *, k: Int = 3,
                             base: Optional[Real] = None, standardize: bool = True) -> TensorT:
    r"""Mutual information between continuous samples and discrete labels, Ross's k-NN
    estimator (Ross 2014, PLoS ONE 9(2); scikit-learn's ``_compute_mi_cd``):

    .. math::

        I = \psi(N) + \langle \psi(k_i) \rangle - \langle \psi(N_{\ell_i}) \rangle
            - \langle \psi(m_i) \rangle

    with :math:`N` the samples whose label occurs at least twice (the others are left out),
    :math:`N_{\ell_i}` the count of sample i's label, :math:`k_i = \min(k, N_{\ell_i} - 1)`,
    :math:`d_i` the max-norm distance to its :math:`k_i`-th nearest neighbour of the same
    label, :math:`m_i` the samples of any label strictly closer than :math:`d_i` (itself
    included), :math:`\psi` the digamma function and :math:`\langle\cdot\rangle` the mean over
    the :math:`N` samples.

    Args:
        x: continuous samples, (n,) or (n, d). With ``d > 1`` distances are max-norm (as
            the KSG estimators'); in 1-D they are scikit-learn's.
        labels: (n,) discrete labels (integers, strings, bools, a pandas categorical).
        k: neighbours (scikit-learn's ``n_neighbors``), >= 1.
        base: the logarithm's base (default: bits, or the one set by ``set_default_base``).
        standardize: divide each column of x by its standard deviation first (it changes no
            1-D estimate).

    Returns:
        A 0-d tensor of x's framework and floating dtype. Not clipped at 0 (scikit-learn's
        clips it): for independent variables the estimate scatters around 0. Duplicate
        samples within a label (a zero distance) and NaN or infinite samples raise
        ``ValueError``.

    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> labels = rng.integers(0, 2, 5000)
    >>> x = rng.normal(size=5000) + 2.0 * labels  # two classes 2 standard deviations apart
    >>> round(float(mutual_information_mixed(x, labels)), 1)
    0.5
    """
    return _MUTUAL_INFORMATION_MIXED(x, labels, base=base, k=k, standardize=standardize)
