r"""Gaussian and Gaussian-copula estimators (Ince et al. 2017), batched over leading axes.

Layout. Samples are ``(..., n, k)`` by default: ``n`` samples of ``k`` variables on the last
two axes, any leading axes a batch (thousands of multiplets go in one call), or a 1-D vector
of ``n`` samples of one variable. ``sample_axis=a`` puts the samples on axis ``a`` instead:
the variables stay on the last axis, unless ``a`` is the last axis, where each series along it
is one variable (an MNE ``(trials, channels, times)`` array with ``sample_axis=-1`` is
``trials x channels`` series of ``times`` samples); every other axis is a batch. A sample axis
other than the last two is brought next to the variables by one gather (an index of the
array's size, made on the host from its static shape: no value is read).

The entropy of a Gaussian with the samples' covariance :math:`C` (divided by :math:`n - 1`)
is :math:`H = \tfrac12 \log \det(2 \pi e C)`; with ``bias_correction=True`` (default) it is
the unbiased estimate of Ince et al. (2017, eq. 13, their ``ent_g(..., biascorrect=True)``, as
hoi and frites use it):

.. math::

    H - \frac{k}{2} \bigl(\log 2 - \log(n - 1)\bigr)
    - \frac12 \sum_{i=1}^{k} \psi\Bigl(\frac{n - i}{2}\Bigr)

(:math:`\psi` the digamma function). The determinant comes from a Cholesky factorization
written over the backend's elementwise operations (the ``k x k`` loop in Python, every step
batched): it is meant for small ``k``. Mutual information and O-information do not depend on
the variables' scales, so they are computed from the correlation matrix (each variable centred
and scaled first, as the k-NN estimators do): samples in units of 1e-200 or 1e200 give the
same value as in units of 1. A singular covariance (a constant or duplicated variable) gives an
entropy of -inf (NaN where two infinities meet); a NaN sample gives NaN. Results are in bits by
default, of the samples' floating dtype (float64 for integers).

Gaussian copula: :func:`gaussian_copula` replaces each variable by the standard-normal quantile
of its rank, :math:`\Phi^{-1}(\mathrm{rank} / (n + 1))`; the mutual information of the
copula-normalized variables is a lower bound on the true one, exact for Gaussian copulas (Ince
et al. 2017).
"""
from __future__ import annotations

import math
from typing import Optional

import numpy as np

from .._checks import broadcast, check_flag
from .._frontend import Function, Input, public
from .._types import ArrayLike, Int, Real, TensorT
from ._common import psi
from ._layout import columns, layout, move_axis, sample_axis_option


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


_COLUMNS = 16  # up to this many variables are ranked column by column (no gather)


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
        hint = ""
        if c.options["sample_axis"] is not None and k > 2:
            hint = (" (the variables are on the last axis; for one variable per series, add "
                    "a trailing axis: x[..., None])")
        raise c.error(f"{name} has {n} samples of {k} variables; the estimate needs at least "
                      f"{least}{hint}")


# --- the copula ----------------------------------------------------------------------------
def _plan_copula(c):
    lay = layout(c, "x", sample_axis_option(c))
    if lay.n < 1:
        raise c.error("x has no samples")
    nd = len(lay.shape)
    if lay.s == nd - 1:
        mode = "last"
    elif lay.s == nd - 2 and (lay.k <= _COLUMNS or None in lay.shape):
        mode = "columns"
    else:
        mode = "move"
    return {"q": _normal_quantiles(lay.n), "shape": lay.shape, "s": lay.s, "mode": mode}


def _ranked(B, x, q):
    """The quantiles ``q`` of the ranks along the last axis of ``x``; NaN for a series with a
    NaN."""
    nan = B.sum(B.where(x != x, 1.0, 0.0 * x), (len(B.shape(x)) - 1,), keepdims=True) > 0
    return B.where(nan, math.nan, B.take(q, B.argsort(B.argsort(x))))


def _copula(B, x, q, shape, s, mode):
    q = B.float_tensor(q, like=x)
    if mode == "last":
        return _ranked(B, x, q)
    if mode == "columns":
        return B.concat([B.expand_dims(_ranked(B, x[..., j], q), -1)
                         for j in range(shape[-1])], axis=-1)
    last = len(shape) - 1  # the samples to the last axis, ranked there, and back
    moved = shape[:s] + shape[s + 1:] + (shape[s],)
    return move_axis(B, _ranked(B, move_axis(B, x, shape, s, last), q), moved, last, s)


_GAUSSIAN_COPULA = Function("gaussian_copula", [Input("x", "real")], _copula,
                            plan=_plan_copula)


@public
def gaussian_copula(x: TensorT, *, sample_axis: Optional[Int] = None) -> TensorT:
    r"""Gaussian-copula normalization: each series of samples in ``x`` replaced by the
    standard-normal quantiles of its ranks, :math:`\Phi^{-1}(r_i / (n + 1))` (ranks
    :math:`r_i = 1, \ldots, n` along the sample axis; ties broken by position), as gcmi's and
    hoi's ``copnorm``. The result is unitless, of ``x``'s shape, and keeps each series' order;
    its marginals are standard normal whatever the data's were.

    Args:
        x: samples: (n,) one variable, or (..., n, k): ``k`` variables batched over the
            leading axes; with ``sample_axis``, any shape with the samples on that axis.
        sample_axis: the axis of the ``n`` samples; None (default): -2, the rows of
            (..., n, k), or the only axis of a vector. Every series along it is ranked on its
            own (SciPy's ``rankdata(x, method="ordinal", axis=sample_axis)``: tied values get
            distinct ranks in order of position, as gcmi's ``copnorm``).

    NaN rule: a series with a NaN sample is NaN throughout (as SciPy's ``rankdata``
    propagates NaN); the other series are ranked as usual.

    >>> gaussian_copula([10.0, -3.0, 7.0]).round(4).tolist()
    [0.6745, -0.6745, 0.0]

    An MNE-like (trials, channels, times) array, each (trial, channel) series ranked over
    time (the default would rank over channels, the next-to-last axis):

    >>> import numpy as np
    >>> epochs = np.random.default_rng(0).normal(size=(20, 3, 500))
    >>> c = gaussian_copula(epochs, sample_axis=-1)
    >>> c.shape, np.allclose(np.sort(c[4, 1]), np.sort(c[0, 2]))  # the same quantiles
    ((20, 3, 500), True)
    """
    return _GAUSSIAN_COPULA(x, sample_axis=sample_axis)


# --- mutual information -------------------------------------------------------------------
def _plan_mi_gaussian(c):
    check_flag(c.fn, "bias_correction", c.options["bias_correction"])
    axis = sample_axis_option(c)
    lx, ly = layout(c, "x", axis), layout(c, "y", axis)
    if lx.n != ly.n:
        raise c.error(f"x and y must hold the same samples: x has {lx.n} (shape {lx.shape}, "
                      f"axis {lx.s}), y {ly.n} (shape {ly.shape}, axis {ly.s})")
    try:
        broadcast(c.fn, x=lx.batch, y=ly.batch)
    except ValueError:
        raise c.error(f"the batch shapes of x {lx.batch} and y {ly.batch} (their shapes "
                      f"{lx.shape} and {ly.shape} without the sample and variable axes) do "
                      f"not broadcast") from None
    _need_samples(c, "x", lx.n, lx.k + ly.k, c.options["bias_correction"])
    return {"n": lx.n, "bias_correction": c.options["bias_correction"], "lx": lx, "ly": ly}


def _mi_gaussian(B, x, y, n, bias_correction, lx, ly):
    cols = columns(B, x, lx) + columns(B, y, ly)  # (..., n) each, broadcasting over (...)
    cov = _covariance(B, cols, n)
    h = lambda idx: _entropy(B, cov, idx, n, bias_correction)  # noqa: E731
    every = list(range(len(cols)))
    return h(every[:lx.k]) + h(every[lx.k:]) - h(every)


_MI_GAUSSIAN = Function("mutual_information_gaussian", [Input("x", "real"), Input("y", "real")],
                        _mi_gaussian, plan=_plan_mi_gaussian, unit=2)


@public
def mutual_information_gaussian(x: TensorT, y: ArrayLike, *, sample_axis: Optional[Int] = None,
                                base: Optional[Real] = None,
                                bias_correction: bool = True) -> TensorT:
    r"""Mutual information of samples under a Gaussian model,
    :math:`I(X;Y) = H(X) + H(Y) - H(X, Y)` with each entropy that of a Gaussian with the
    samples' covariance:
    :math:`I(X;Y) = \tfrac12 \log_b \frac{\det C_X \det C_Y}{\det C_{XY}}`
    (:math:`-\tfrac12 \log_b (1 - \rho^2)` for two variables of correlation :math:`\rho`),
    bias-corrected as Ince et al. (2017) do (gcmi's
    ``mi_gg(..., biascorrect=True)``). For the Gaussian-copula MI of any continuous data, pass
    :func:`gaussian_copula` of each (gcmi's ``gcmi_cc``).

    Args:
        x: samples (..., n, dx), or a 1-D vector of ``n`` samples of one variable.
        y: samples (..., n, dy) (or a vector), paired with ``x``'s: the same ``n``.
        sample_axis: the axis of the samples in ``x`` and in ``y`` (an axis of each); None
            (default): -2, or a vector's only axis. The variables are on the last axis, unless
            the samples are there: then each series is one variable (``x`` (..., n)). For one
            variable per series on another axis, add a trailing axis (``x[..., None]``).
        base: the unit's base; None: bits (or the default set by ``set_default_base``).
        bias_correction: Ince et al.'s (2017, eq. 13) unbiased Gaussian entropies.

    Shapes: each input's batch shape is its shape without the sample and variable axes
    (``(...)`` above); ``x``'s and ``y``'s batch shapes broadcast against each other (NumPy's
    rules), so one stimulus ``y`` of shape (n,) or (n, 1) serves every channel and time of
    ``x`` (channels, times, n, 1). The result has the broadcast batch shape (a 0-d value for
    none). Bits by default.

    Standardized first, so the value does not depend on the data's scale. A NaN sample makes
    the value NaN (of that batch entry, and of every entry it broadcasts to).

    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=10000); y = 0.8 * x + 0.6 * rng.normal(size=10000)
    >>> round(float(mutual_information_gaussian(x, y)), 1)  # -1/2 log2(1 - 0.64) = 0.74 bits
    0.7

    MNE-like epochs (trials, channels, times): the MI of channels 0 and 1 over time in each
    trial, and the MI of a per-trial stimulus with every channel at every time (over trials):

    >>> epochs = rng.normal(size=(200, 3, 50))
    >>> epochs[:, 1] += epochs[:, 0]  # rho^2 = 1/2: 0.5 bits
    >>> stim = rng.normal(size=200)
    >>> epochs[:, 2, 25:] += stim[:, None]  # channel 2 carries it from time 25 on
    >>> c = gaussian_copula(epochs, sample_axis=-1)
    >>> mi = mutual_information_gaussian(c[:, 0], c[:, 1], sample_axis=-1)  # (trials,)
    >>> mi.shape, round(float(mi.mean()), 1)
    ((200,), 0.5)
    >>> c = gaussian_copula(epochs, sample_axis=0)  # over trials now
    >>> mi = mutual_information_gaussian(c[..., None], gaussian_copula(stim), sample_axis=0)
    >>> mi.shape, bool(mi[2, 25:].min() > 0.2 > mi[:2].max())
    ((3, 50), True)
    """
    return _MI_GAUSSIAN(x, y, base=base, bias_correction=bias_correction,
                        sample_axis=sample_axis)


# --- O-information ------------------------------------------------------------------------
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
    o = c.options
    check_flag(c.fn, "bias_correction", o["bias_correction"])
    lay = layout(c, "x", sample_axis_option(c))
    nd, n, k = len(lay.shape), lay.n, lay.k
    m = o["multiplets"]
    if m is not None:
        m = _check_multiplets(m)
        if nd != 2 or lay.s != 0:
            raise c.error(f"with multiplets, x must be one data set (n, N) with the samples on "
                          f"axis 0, got shape {lay.shape} with the samples on axis {lay.s}")
        if m.min() < 0 or m.max() >= k:
            raise c.error(f"multiplets index variables 0..{k - 1} of x, got "
                          f"{m.min()}..{m.max()}")
        k = m.shape[1]
    elif nd < 2 or k < 2:
        where = (" (the variables are on the last axis, which sample_axis names here)"
                 if nd >= 2 and lay.s == nd - 1 else "")
        raise c.error(f"x must hold samples of at least two variables, (..., n, k >= 2), got "
                      f"shape {lay.shape}{where}")
    _need_samples(c, "x", n, k, o["bias_correction"])
    return {"n": n, "bias_correction": o["bias_correction"], "multiplets": m, "lay": lay}


def _o_gaussian(B, x, n, bias_correction, multiplets, lay):
    if multiplets is None:
        cols = columns(B, x, lay)
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


@public
def o_information_gaussian(x: TensorT, *, sample_axis: Optional[Int] = None, multiplets: Optional[ArrayLike] = None,
                           base: Optional[Real] = None, bias_correction: bool = True) -> TensorT:
    r"""O-information of :math:`k` variables under a Gaussian model (Rosas et al. 2019),
    :math:`\Omega = (k - 2) H(X) + \sum_i \left[ H(X_i) - H(X_{-i}) \right]` (:math:`X_{-i}`
    all but the :math:`i`-th), each entropy :math:`\tfrac12 \log_b \det(2 \pi e C)` of the
    samples' covariance :math:`C`, bias-corrected (as
    hoi's ``Oinfo`` with ``method="gc"``, which copula-normalizes first: pass
    :func:`gaussian_copula` of the data for that). > 0 when redundancy dominates, < 0 when
    synergy does; 0 for two variables.

    Args:
        x: samples (..., n, k), :math:`k \ge 2` variables on the last axis, batched over the
            other axes: the result has the batch shape (``x``'s shape without the sample and
            variable axes). With ``multiplets``, one data set (n, N) of ``N`` variables.
        sample_axis: the axis of the ``n`` samples; None (default): -2. Not the last axis,
            which holds the variables.
        multiplets: ``None``, or integer indices (M, k) of the variables of each multiplet
            (each row distinct): the result is (M,), the O-information of each. The covariance
            of the ``N`` variables is computed once and each multiplet's entropies come from its
            entries, batched, so the samples are not copied per multiplet.
        base: the unit's base; None: bits (or the default set by ``set_default_base``).
        bias_correction: Ince et al.'s (2017, eq. 13) unbiased Gaussian entropies.

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

    MNE-like epochs (trials, channels, times): the O-information of the channels at each time
    point, over trials (the samples on axis 0; the variables, channels, moved to the last axis):

    >>> epochs = rng.normal(size=(300, 3, 40)) + rng.normal(size=(300, 1, 40))  # shared: redundant
    >>> x = np.moveaxis(epochs, 1, -1)  # (trials, times, channels)
    >>> o = o_information_gaussian(gaussian_copula(x, sample_axis=0), sample_axis=0)
    >>> o.shape, bool(o.min() > 0)
    ((40,), True)
    """
    return _O_GAUSSIAN(x, base=base, bias_correction=bias_correction, multiplets=multiplets,
                       sample_axis=sample_axis)
