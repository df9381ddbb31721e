"""k-nearest-neighbour estimators for continuous samples.

Samples have shape ``(n, d)`` (a 1-D vector is ``d = 1``). The neighbour search is brute force
over row blocks on every backend (memory O(block), time O(n^2 d)), and a k-d tree
(``scipy.spatial.cKDTree``, O(n log n)) on NumPy when SciPy is installed. Results are 0-d tensors
of the input's framework and floating dtype, in units of ``base`` (bits by default).

Duplicate points: a zero distance to the k-th neighbour makes the log-distance terms infinite,
so these estimators raise ``ValueError`` naming the argument instead of returning an infinity
or NaN (data with repeated values is not a sample of a continuous distribution; add a little
noise, as scikit-learn does, or use the discrete estimators).
"""
from __future__ import annotations

import math
from typing import Optional

from .._frontend import Function, Input, public
from ._common import check_k
from ._neighbours import count_within, knn_distance

Tensor = object


def psi(x: float) -> float:
    """The digamma function of a Python number ``x > 0`` (as ``Backend.digamma``)."""
    shift = sum(1.0 / (x + i) for i in range(10))
    y = x + 10.0
    r = 1.0 / (y * y)
    series = r * (1 / 12 - r * (1 / 120 - r * (1 / 252 - r * (1 / 240 - r * (1 / 132)))))
    return math.log(y) - 0.5 / y - series - shift


def log_unit_ball_volume(d: int) -> float:
    """``log V_d``, ``V_d = pi^(d/2) / Gamma(d/2 + 1)`` (the Euclidean unit d-ball)."""
    return d / 2 * math.log(math.pi) - math.lgamma(d / 2 + 1)


def _samples(c, name: str):
    """(n, d) of input ``name``; a 1-D vector is (n, 1) (the math makes it so: :func:`_2d`)."""
    if c.B.lazy:
        raise c.error(f"{name} is a lazy {c.B.name} array: the k-nearest-neighbour estimators "
                      f"search all the samples at once and have no chunked, distributed form "
                      f"here; compute the samples into memory first (for Dask: "
                      f"{name}.compute())", NotImplementedError)
    shape = c.shape(name)
    if len(shape) == 1:
        shape = (shape[0], 1)
    if len(shape) != 2:
        raise c.error(f"{name} must hold samples as (n, d) or a 1-D vector, got shape "
                      f"{tuple(shape)}")
    if None in shape:
        raise c.error(f"{name} needs a known shape (n, d), got {tuple(shape)}")
    if shape[1] == 0:
        raise c.error(f"{name} has samples with no coordinates (shape {tuple(shape)}, d = 0)")
    return shape


def _2d(B, x):
    """Samples as (n, d): a 1-D vector is one column."""
    return B.expand_dims(x, 1) if len(B.shape(x)) == 1 else x


def _need_points(c, name: str, n: int, k: int, extra: int = 1):
    if n < k + extra:
        raise c.error(f"{name} has {n} samples; k={k} needs at least {k + extra}")


def _positive(B, fn: str, name: str, distances) -> None:
    """Our ValueError for a zero neighbour distance (duplicate points); one host read."""
    if B.item(B.amin(distances, None)) <= 0:
        raise ValueError(f"{fn}: {name} has duplicate points (a zero distance to a k-th "
                         f"nearest neighbour), so the log-distances are infinite; the k-NN "
                         f"estimators need continuous samples: add small noise "
                         f"({name} + 1e-10 * std * randn) or use the discrete estimators")


@public
def differential_entropy(x: Tensor, *, k: int = 3, base: Optional[float] = None) -> Tensor:
    """Differential entropy of continuous samples, Kozachenko-Leonenko estimator (Kozachenko &
    Leonenko 1987) with Euclidean distances:
    ``H = psi(n) - psi(k) + log V_d + (d / n) sum_i log eps_i``, ``eps_i`` the distance from
    ``x_i`` to its k-th nearest neighbour and ``V_d`` the volume of the unit d-ball.

    ``x``: (n, d) samples (or a 1-D vector). Can be negative (a density above 1).

    >>> import numpy as np
    >>> x = np.random.default_rng(0).normal(size=20000)
    >>> round(float(differential_entropy(x)), 1)  # N(0, 1): 1/2 log2(2 pi e) = 2.05 bits
    2.0
    """
    check_k("differential_entropy", k)
    return _DIFFERENTIAL_ENTROPY(x, base=base, k=k)


def _plan_differential_entropy(c):
    n, d = _samples(c, "x")
    _need_points(c, "x", n, c.o["k"])
    return {"n": n, "d": d, "k": c.o["k"]}


def _differential_entropy(B, x, n, d, k):
    x = _2d(B, x)
    eps = knn_distance(B, x, x, k, "euclidean", True)
    _positive(B, "differential_entropy", "x", eps)
    return (psi(n) - psi(k) + log_unit_ball_volume(d)) + B.sum(B.log(eps), None) * (d / n)


_DIFFERENTIAL_ENTROPY = Function("differential_entropy", [Input("x", "real")],
                                 _differential_entropy, plan=_plan_differential_entropy, unit=2)


@public
def mutual_information_ksg(x: Tensor, y: Tensor, *, k: int = 3, base: Optional[float] = None) -> Tensor:
    """Mutual information of continuous samples, Kraskov-Stoegbauer-Grassberger estimator 1
    (Kraskov et al. 2004): ``I = psi(k) + psi(n) - mean_i(psi(n_x(i) + 1) + psi(n_y(i) + 1))``,
    with max-norm distances: ``eps_i`` the distance from ``(x_i, y_i)`` to its k-th nearest
    neighbour in the joint space, ``n_x(i)`` (``n_y(i)``) the number of points strictly
    closer than ``eps_i`` to ``x_i`` (``y_i``) in the marginal space.

    ``x``: (n, dx), ``y``: (n, dy) samples (or 1-D vectors). Not clipped at 0: for independent
    variables the estimate scatters around 0 (scikit-learn's ``mutual_info_regression``
    clips it).

    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=4000); y = 0.8 * x + 0.6 * rng.normal(size=4000)
    >>> round(float(mutual_information_ksg(x, y)), 1)  # -1/2 log2(1 - 0.8^2) = 0.74 bits
    0.7
    """
    check_k("mutual_information_ksg", k)
    return _MUTUAL_INFORMATION_KSG(x, y, base=base, k=k)


def _plan_mutual_information_ksg(c):
    n, _ = _samples(c, "x")
    m, _ = _samples(c, "y")
    if n != m:
        raise c.error(f"x and y must hold the same number of samples, got {n} and {m}")
    _need_points(c, "x", n, c.o["k"])
    return {"n": n, "k": c.o["k"]}


def _mutual_information_ksg(B, x, y, n, k):
    x, y = _2d(B, x), _2d(B, y)
    joint = B.concat([x, y], axis=1)
    eps = knn_distance(B, joint, joint, k, "chebyshev", True)
    _positive(B, "mutual_information_ksg", "(x, y)", eps)
    n_x = count_within(B, x, eps, "chebyshev")
    n_y = count_within(B, y, eps, "chebyshev")
    return (psi(k) + psi(n)) - B.sum(B.digamma(n_x + 1.0) + B.digamma(n_y + 1.0), None) / n


_MUTUAL_INFORMATION_KSG = Function("mutual_information_ksg",
                                   [Input("x", "real"), Input("y", "real")],
                                   _mutual_information_ksg, plan=_plan_mutual_information_ksg, unit=2)


@public
def kl_divergence_knn(x: Tensor, y: Tensor, *, k: int = 1, base: Optional[float] = None) -> Tensor:
    """KL divergence ``D(P || Q)`` from samples ``x ~ P`` (n, d) and ``y ~ Q`` (m, d), k-NN
    estimator of Wang, Kulkarni & Verdu (2009), Euclidean distances:
    ``D = (d / n) sum_i log(nu_k(i) / rho_k(i)) + log(m / (n - 1))``, ``rho_k(i)`` the distance
    from ``x_i`` to its k-th nearest neighbour among the other ``x``, ``nu_k(i)`` to its k-th
    nearest ``y``.

    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> p, q = rng.normal(0, 1, 20000), rng.normal(1, 1, 20000)
    >>> round(float(kl_divergence_knn(p, q, k=5)), 1)  # closed form: 0.5 nats = 0.72 bits
    0.7

    ``k = 1`` (the default, as the paper's) has the least bias and the most variance: about
    0.05 bits of standard deviation for the example above; a larger ``k`` trades the other way.
    """
    check_k("kl_divergence_knn", k)
    return _KL_DIVERGENCE_KNN(x, y, base=base, k=k)


def _plan_kl_divergence_knn(c):
    k = c.o["k"]
    n, d = _samples(c, "x")
    m, e = _samples(c, "y")
    if d != e:
        raise c.error(f"x and y must have the same dimension d, got {d} and {e}")
    _need_points(c, "x", n, k)
    _need_points(c, "y", m, k, extra=0)
    return {"n": n, "m": m, "d": d, "k": k}


def _kl_divergence_knn(B, x, y, n, m, d, k):
    x, y = _2d(B, x), _2d(B, y)
    rho = knn_distance(B, x, x, k, "euclidean", True)
    nu = knn_distance(B, x, y, k, "euclidean", False)
    _positive(B, "kl_divergence_knn", "x", rho)
    _positive(B, "kl_divergence_knn", "y (a point shared with x)", nu)
    return B.sum(B.log(nu) - B.log(rho), None) * (d / n) + math.log(m / (n - 1))


_KL_DIVERGENCE_KNN = Function("kl_divergence_knn", [Input("x", "real"), Input("y", "real")],
                              _kl_divergence_knn, plan=_plan_kl_divergence_knn, unit=2)
