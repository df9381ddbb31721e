"""Gaussian and Gaussian-copula estimators (Ince et al. 2017), batched over leading axes.

Samples are ``(..., n, k)``: ``n`` samples of ``k`` variables on the last two axes, any leading
axes a batch (thousands of multiplets go in one call), or a 1-D vector of ``n`` samples of one
variable. The entropy of a Gaussian with the samples' covariance ``C`` (divided by ``n - 1``) is
``H = 1/2 log det(2 pi e C)``; with ``bias_correction=True`` (default) it is the unbiased
estimate of Ince et al. (2017, eq. 13, their ``ent_g(..., biascorrect=True)``, as hoi and
frites use it): ``H - k (log 2 - log(n - 1)) / 2 - sum_{i=1..k} psi((n - i) / 2) / 2``.
The determinant comes from a Cholesky factorization written over the backend's elementwise
operations (the ``k x k`` loop in Python, every step batched): it is meant for small ``k``.
Mutual information and O-information do not depend on the variables' scales, so they are
computed from the correlation matrix (each variable centred and scaled first, as the k-NN
estimators do): samples in units of 1e-200 or 1e200 give the same value as in units of 1.
A singular covariance (a constant or duplicated variable) gives an entropy of -inf (NaN where
two infinities meet); a NaN sample gives NaN. Results are in bits by default, of the samples'
floating dtype (float64 for integers).

Gaussian copula: :func:`gaussian_copula` replaces each variable by the standard-normal quantile
of its rank, ``Phi^-1(rank / (n + 1))``; the mutual information of the copula-normalized
variables is a lower bound on the true one, exact for Gaussian copulas (Ince et al. 2017).
"""
from __future__ import annotations

import math
from typing import List, Optional

import numpy as np

from .._frontend import Function, Input, check_flag, public
from .knn import psi

Tensor = object


def _normal_quantiles(n: int) -> np.ndarray:
    """``Phi^-1(i / (n + 1))`` for ``i = 1..n``, float64, on the host (SciPy's ``ndtri``, else
    the standard library's)."""
    u = np.arange(1, n + 1, dtype=np.float64) / (n + 1)
    try:
        from scipy.special import ndtri
    except ImportError:  # pragma: no cover - SciPy is in the estimate extra
        from statistics import NormalDist
        return np.array([NormalDist().inv_cdf(v) for v in u])
    return ndtri(u)


def _shape(c, name: str):
    """(batch, n, k) of samples ``name``: (n,) is one variable; (..., n, k) otherwise."""
    if c.B.lazy:
        raise c.error(f"{name} is a lazy {c.B.name} array: the Gaussian estimators rank or "
                      f"factor all the samples at once; compute them into memory first (for "
                      f"Dask: {name}.compute())", NotImplementedError)
    shape = tuple(c.shape(name))
    if len(shape) == 0:
        raise c.error(f"{name} must hold samples, (n,) or (..., n, k), got a scalar")
    if None in shape[-2:]:
        raise c.error(f"{name} needs known sample and variable sizes, got {shape}")
    n, k = (shape[0], 1) if len(shape) == 1 else shape[-2:]
    if k == 0:
        raise c.error(f"{name} has no variables (shape {shape}, k = 0)")
    return shape[:-2], n, k


def _columns(B, x) -> List:
    """The variables of (..., n, k) samples, each (..., n); a 1-D vector is one."""
    if len(B.shape(x)) == 1:
        return [x]
    return [x[..., j] for j in range(B.shape(x)[-1])]


def _standardized(B, x, n: int, axis: int):
    """``x`` centred and divided by its norm along the sample ``axis`` (each variable's sum of
    squares 1), computed on ``x`` brought to magnitudes of at most 1 first, as the k-NN
    estimators scale (:func:`~infotheory.estimate.knn._column_std`): no square overflows at
    1e200 or vanishes at 1e-200. A constant variable becomes 0. Mutual information and
    O-information do not depend on the variables' scales, so they are computed from these."""
    top = B.amax(abs(x), (axis,), keepdims=True)
    u = x / B.where(top > 0, top, 1.0)
    u = u - B.sum(u, (axis,), keepdims=True) / n
    norm = B.sum(u * u, (axis,), keepdims=True) ** 0.5
    return u / B.where(norm > 0, norm, 1.0)


def _covariance(B, cols, n: int):
    """The samples' correlation matrix (each variable standardized: :func:`_standardized`) as a
    k x k list of (...) tensors: the covariance up to each variable's scale."""
    z = [_standardized(B, c, n, -1) for c in cols]
    k = len(cols)
    cov = [[None] * k for _ in range(k)]
    for i in range(k):
        for j in range(i + 1):
            cov[i][j] = cov[j][i] = B.sum(z[i] * z[j], (-1,))
    return cov


def _half_logdet(B, cov, idx):
    """``1/2 log det`` of the covariance's submatrix over the variables ``idx``, by Cholesky:
    the sum of the logs of the factor's diagonal."""
    L = {}
    total = None
    for a, j in enumerate(idx):
        d = cov[j][j]
        for b in range(a):
            d = d - L[a, b] * L[a, b]
        diag = B.where(d < 0, 0.0, d) ** 0.5  # (rounding below 0: 0; NaN stays NaN)
        for a2 in range(a + 1, len(idx)):
            off = cov[idx[a2]][j]
            for b in range(a):
                off = off - L[a2, b] * L[a, b]
            L[a2, a] = off / diag
        L[a, a] = diag
        term = B.log(diag)
        total = term if total is None else total + term
    return total


def _entropy(B, cov, idx, n: int, bias_correction: bool):
    """Gaussian entropy (nats) of the variables ``idx`` of a covariance."""
    k = len(idx)
    h = _half_logdet(B, cov, idx) + 0.5 * k * (math.log(2 * math.pi) + 1.0)
    if bias_correction:
        dterm = (math.log(2.0) - math.log(n - 1.0)) / 2.0
        h = h - (k * dterm + sum(psi((n - i) / 2.0) / 2.0 for i in range(1, k + 1)))
    return h


def _need_samples(c, name: str, n: int, k: int, bias_correction: bool):
    least = k + 2 if bias_correction else 2
    if n < least:
        raise c.error(f"{name} has {n} samples of {k} variables; the estimate needs at least "
                      f"{least}")


# --- the copula ----------------------------------------------------------------------------
@public
def gaussian_copula(x: Tensor) -> Tensor:
    """Gaussian-copula normalization: each variable of the samples ``x`` replaced by the
    standard-normal quantile of its rank, ``Phi^-1(rank / (n + 1))`` (ranks 1..n along the
    sample axis; ties broken by position), as gcmi's and hoi's ``copnorm``. The result is
    unitless, of ``x``'s shape, and keeps each variable's order; its marginals are standard
    normal whatever the data's were. A variable with a NaN sample is NaN throughout (as
    SciPy's ``rankdata`` propagates NaN).

    ``x``: (n,) one variable, or (..., n, k): ``k`` variables, batched over leading axes.

    >>> gaussian_copula([10.0, -3.0, 7.0]).round(4).tolist()
    [0.6745, -0.6745, 0.0]
    """
    return _GAUSSIAN_COPULA(x)


def _plan_copula(c):
    _, n, _ = _shape(c, "x")
    if n < 1:
        raise c.error("x has no samples")
    return {"q": _normal_quantiles(n)}


def _copula(B, x, q):
    q = B.float_tensor(q, like=x)
    cols = []
    for col in _columns(B, x):
        nan = B.sum(B.where(col != col, 1.0, 0.0 * col), (-1,), keepdims=True) > 0
        cols.append(B.where(nan, math.nan, B.take(q, B.argsort(B.argsort(col)))))
    if len(B.shape(x)) == 1:
        return cols[0]
    return B.concat([B.expand_dims(col, -1) for col in cols], axis=-1)


_GAUSSIAN_COPULA = Function("gaussian_copula", [Input("x", "real")], _copula,
                            plan=_plan_copula)


# --- mutual information -------------------------------------------------------------------
@public
def mutual_information_gaussian(x: Tensor, y: Tensor, *, base: Optional[float] = None,
                                bias_correction: bool = True) -> Tensor:
    """Mutual information of samples under a Gaussian model, ``I = H(X) + H(Y) - H(X, Y)``
    with each entropy that of a Gaussian with the samples' covariance (``-1/2 log(1 - rho^2)``
    for two variables of correlation ``rho``), bias-corrected as Ince et al. (2017) do (gcmi's
    ``mi_gg(..., biascorrect=True)``). For the Gaussian-copula MI of any continuous data, pass
    :func:`gaussian_copula` of each (gcmi's ``gcmi_cc``).

    ``x``: (..., n, dx), ``y``: (..., n, dy) (or 1-D vectors); the leading axes, one shape for
    both, are a batch: the result has their shape. Bits by default.

    Standardized first, so the value does not depend on the data's scale. A NaN sample makes
    the value NaN.

    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=10000); y = 0.8 * x + 0.6 * rng.normal(size=10000)
    >>> round(float(mutual_information_gaussian(x, y)), 1)  # -1/2 log2(1 - 0.64) = 0.74 bits
    0.7
    """
    return _MI_GAUSSIAN(x, y, base=base, bias_correction=bias_correction)


def _plan_mi_gaussian(c):
    check_flag(c.fn, "bias_correction", c.o["bias_correction"])
    bx, n, kx = _shape(c, "x")
    by, m, ky = _shape(c, "y")
    if n != m or bx != by:
        raise c.error(f"x and y must hold the same samples over the same batch, got shapes "
                      f"{tuple(c.shape('x'))} and {tuple(c.shape('y'))}")
    _need_samples(c, "x", n, kx + ky, c.o["bias_correction"])
    return {"n": n, "bias_correction": c.o["bias_correction"]}


def _mi_gaussian(B, x, y, n, bias_correction):
    cols = _columns(B, x) + _columns(B, y)
    kx = len(cols) - len(_columns(B, y))
    cov = _covariance(B, cols, n)
    h = lambda idx: _entropy(B, cov, idx, n, bias_correction)  # noqa: E731
    every = list(range(len(cols)))
    return h(every[:kx]) + h(every[kx:]) - h(every)


_MI_GAUSSIAN = Function("mutual_information_gaussian", [Input("x", "real"), Input("y", "real")],
                        _mi_gaussian, plan=_plan_mi_gaussian, unit=2)


# --- O-information ------------------------------------------------------------------------
@public
def o_information_gaussian(x: Tensor, *, multiplets=None, base: Optional[float] = None,
                           bias_correction: bool = True) -> Tensor:
    """O-information of ``k`` variables under a Gaussian model (Rosas et al. 2019),
    ``Omega = (k - 2) H(X) + sum_i [H(X_i) - H(X_-i)]`` (``X_-i`` all but the i-th), each
    entropy a bias-corrected Gaussian entropy (as hoi's ``Oinfo`` with ``method="gc"``, which
    copula-normalizes first: pass :func:`gaussian_copula` of the data for that). > 0 when
    redundancy dominates, < 0 when synergy does; 0 for two variables.

    Args:
        x: samples (..., n, k), ``k >= 2``, batched over the leading axes: the result has their
            shape. With ``multiplets``, one data set (n, N) of ``N`` variables.
        multiplets: ``None``, or integer indices (M, k) of the variables of each multiplet
            (each row distinct): the result is (M,), the O-information of each. The covariance
            of the ``N`` variables is computed once and each multiplet's entropies come from its
            entries, batched, so the samples are not copied per multiplet.

    Bits by default.

    Standardized first, so the value does not depend on the data's scale. A NaN sample makes
    the value NaN.

    >>> import numpy as np, itertools
    >>> rng = np.random.default_rng(0)
    >>> z = rng.normal(size=(5000, 1)); x = z + 0.5 * rng.normal(size=(5000, 3))  # redundancy
    >>> float(o_information_gaussian(x)) > 0
    True
    >>> triplets = np.array(list(itertools.combinations(range(3), 3)))
    >>> np.allclose(o_information_gaussian(x, multiplets=triplets), o_information_gaussian(x))
    True
    """
    if multiplets is not None:
        multiplets = _check_multiplets(multiplets)
    return _O_GAUSSIAN(x, base=base, bias_correction=bias_correction, multiplets=multiplets)


def _check_multiplets(m) -> np.ndarray:
    fn = "o_information_gaussian"
    try:
        a = np.asarray(m)
    except Exception as e:  # a tensor that needs .cpu() first, and the like
        raise TypeError(f"{fn}: multiplets must be integer indices (M, k), got "
                        f"{type(m).__name__}: {e}") from None
    if a.dtype.kind not in "iu" or a.ndim != 2 or a.shape[0] < 1 or a.shape[1] < 2:
        raise ValueError(f"{fn}: multiplets must be integer indices of shape (M, k >= 2), got "
                         f"dtype {a.dtype} and shape {a.shape}")
    if (np.sort(a, 1)[:, 1:] == np.sort(a, 1)[:, :-1]).any():
        raise ValueError(f"{fn}: multiplets must name distinct variables in each row")
    return a.astype(np.int64)


def _plan_o_gaussian(c):
    o = c.o
    check_flag(c.fn, "bias_correction", o["bias_correction"])
    _, n, k = _shape(c, "x")
    m = o["multiplets"]
    if m is not None:
        if len(c.shape("x")) != 2:
            raise c.error(f"with multiplets, x must be one data set (n, N), got shape "
                          f"{tuple(c.shape('x'))}")
        if m.min() < 0 or m.max() >= k:
            raise c.error(f"multiplets index variables 0..{k - 1} of x, got "
                          f"{m.min()}..{m.max()}")
        k = m.shape[1]
    elif len(c.shape("x")) < 2 or k < 2:
        raise c.error(f"x must hold samples of at least two variables, (..., n, k >= 2), got "
                      f"shape {tuple(c.shape('x'))}")
    _need_samples(c, "x", n, k, o["bias_correction"])
    return {"n": n, "bias_correction": o["bias_correction"], "multiplets": m}


def _o_gaussian(B, x, n, bias_correction, multiplets):
    if multiplets is None:
        cols = _columns(B, x)
        k = len(cols)
        cov = _covariance(B, cols, n)
    else:
        k = multiplets.shape[1]
        cov = _multiplet_covariances(B, x, n, multiplets)
    h = lambda idx: _entropy(B, cov, idx, n, bias_correction)  # noqa: E731
    every = list(range(k))
    total = h(every) * (k - 2.0)
    for i in every:
        total = total + h([i]) - h([j for j in every if j != i])
    return total


_COV_BLOCK = 1 << 22  # products computed at once for a covariance matrix


def _multiplet_covariances(B, x, n, multiplets):
    """The k x k correlation matrix of each multiplet, a list of lists of (M,) tensors,
    gathered from the (N, N) one of all the variables (computed once, in blocks of rows)."""
    N = B.shape(x)[1]
    xc = _standardized(B, x, n, 0)
    rows = max(1, _COV_BLOCK // (N * N))
    cov = None
    for start in range(0, n, rows):
        block = xc[start:start + rows]
        part = B.sum(B.expand_dims(block, 2) * B.expand_dims(block, 1), (0,))
        cov = part if cov is None else cov + part
    flat = B.reshape(cov, (N * N,))
    k = multiplets.shape[1]
    out = [[None] * k for _ in range(k)]
    for a in range(k):
        for b in range(a + 1):
            idx = B.label_tensor(multiplets[:, a] * N + multiplets[:, b], x)
            out[a][b] = out[b][a] = B.take(flat, idx)
    return out


_O_GAUSSIAN = Function("o_information_gaussian", [Input("x", "real")], _o_gaussian,
                       plan=_plan_o_gaussian, unit=2)
