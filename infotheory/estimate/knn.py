"""k-nearest-neighbour estimators for continuous samples.

Samples have shape ``(n, d)`` (a 1-D vector is ``d = 1``). They are brought to magnitudes below
1 by a power of two first (exact, and no distance overflows or underflows at 1e+-160), and the
MI and KL estimators standardize each column by default. The neighbour search is a k-d tree
(``scipy.spatial.cKDTree``, O(n log n)) for NumPy arrays and for torch, TensorFlow and MXNet
tensors on the CPU (read on the host) when SciPy is installed; compiled brute-force kernels on
JAX; brute force over row blocks elsewhere (a GPU's tensors: memory O(block), time
O(n^2 d)). Results are 0-d tensors of the input's framework and floating dtype, in units of
``base`` (bits by default).

Duplicate points: a zero distance to the k-th neighbour makes the log-distance terms infinite,
so these estimators raise ``ValueError`` naming the argument instead of returning an infinity
or NaN (data with repeated values is not a sample of a continuous distribution; add a little
noise, as scikit-learn does, or use the discrete estimators).
"""
from __future__ import annotations

import math
from typing import Optional

from .._checks import check_flag
from .._frontend import Function, Input, public
from ._common import check_k, embed, embedding, psi
from ._neighbours import count_within, knn_distance
from .._types import ArrayLike, Int, Real, TensorT



def log_unit_ball_volume(d: int) -> float:
    r""":math:`\log V_d`, :math:`V_d = \pi^{d/2} / \Gamma(d/2 + 1)` (the Euclidean unit d-ball)."""
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


def _scale(B, fn: str, *named) -> int:
    """``e`` such that the samples ``named`` ((name, x) pairs) times ``2**-e`` have magnitudes
    below 1: distances (squared by some searches) then neither overflow at 1e160 nor
    underflow to false duplicates at 1e-160, and a power of two changes no distance ratio and
    breaks no tie. One host read per sample: our error for NaN or infinite samples (SciPy's
    "data must be finite", an IndexError on torch otherwise)."""
    top = 0.0
    for name, x in named:
        value = B.item(B.amax(abs(x), None))
        if not math.isfinite(value):
            raise ValueError(f"{fn}: {name} contains NaN or infinite values")
        top = max(top, value)
    return math.frexp(top)[1]


def _times_power_of_two(x, e: int):
    """``x * 2**e`` exactly, for any exponent of a float64 (in two steps past +-1000)."""
    while e:
        step = max(-1000, min(1000, e))
        x = x * math.ldexp(1.0, step)
        e -= step
    return x


def _column_std(B, x, n: int):
    """Each column's standard deviation, (1, d), computed on the column brought to magnitudes of
    at most 1 first (its square cannot overflow or vanish); 1 for a constant column. As
    scikit-learn's mutual_info_regression scales its features."""
    top = B.amax(abs(x), (0,), keepdims=True)
    top = B.where(top > 0, top, 1.0)
    u = x / top
    mean = B.sum(u, (0,), keepdims=True) / n
    std = (B.sum((u - mean) * (u - mean), (0,), keepdims=True) / n) ** 0.5
    return B.where(std > 0, std * top, top)


def _positive(B, fn: str, name: str, distances) -> None:
    """Our ValueError for a zero neighbour distance (duplicate points); one host read."""
    if B.item(B.amin(distances, None)) <= 0:
        raise ValueError(f"{fn}: {name} has duplicate points (a zero distance to a k-th "
                         f"nearest neighbour), so the log-distances are infinite; the k-NN "
                         f"estimators need continuous samples: add small noise "
                         f"({name} + 1e-10 * std * randn) or use the discrete estimators")


def _plan_differential_entropy(c):
    check_k(c.fn, c.options["k"])
    n, d = _samples(c, "x")
    _need_points(c, "x", n, c.options["k"])
    return {"n": n, "d": d, "k": c.options["k"]}


def _differential_entropy(B, x, n, d, k):
    x = _2d(B, x)
    e = _scale(B, "differential_entropy", ("x", x))
    x = _times_power_of_two(x, -e)  # H(x) = H(x 2^-e) + d e log 2: the same estimate
    eps = knn_distance(B, x, x, k, "euclidean", True)
    _positive(B, "differential_entropy", "x", eps)
    return ((psi(n) - psi(k) + log_unit_ball_volume(d) + d * e * math.log(2))
            + B.sum(B.log(eps), None) * (d / n))


_DIFFERENTIAL_ENTROPY = Function("differential_entropy", [Input("x", "real")],
                                 _differential_entropy, plan=_plan_differential_entropy, unit=2)


@public
def differential_entropy(x: TensorT, *, k: Int = 3, base: Optional[Real] = None) -> TensorT:
    r"""Differential entropy of continuous samples, Kozachenko-Leonenko estimator (Kozachenko &
    Leonenko 1987) with Euclidean distances:

    .. math::

        H = \psi(n) - \psi(k) + \log V_d + \frac{d}{n} \sum_i \log \epsilon_i

    :math:`\epsilon_i` the distance from :math:`x_i` to its :math:`k`-th nearest neighbour,
    :math:`V_d` the volume of the unit :math:`d`-ball and :math:`\psi` the digamma function.

    ``x``: (n, d) samples (or a 1-D vector). Can be negative (a density above 1). Not scale
    invariant, by nature: :math:`H(c X) = H(X) + d \log c` (the estimate shifts exactly so, at
    any scale from 1e-160 to 1e160).

    NaN or infinite samples raise ``ValueError``.

    >>> import numpy as np
    >>> x = np.random.default_rng(0).normal(size=20000)
    >>> round(float(differential_entropy(x)), 1)  # N(0, 1): 1/2 log2(2 pi e) = 2.05 bits
    2.0
    """
    return _DIFFERENTIAL_ENTROPY(x, base=base, k=k)


def _plan_mutual_information_ksg(c):
    check_k(c.fn, c.options["k"])
    n, _ = _samples(c, "x")
    m, _ = _samples(c, "y")
    if n != m:
        raise c.error(f"x and y must hold the same number of samples, got {n} and {m}")
    _need_points(c, "x", n, c.options["k"])
    check_flag(c.fn, "standardize", c.options["standardize"])
    return {"n": n, "k": c.options["k"], "standardize": c.options["standardize"]}


def _mutual_information_ksg(B, x, y, n, k, standardize):
    x, y = _2d(B, x), _2d(B, y)
    e = _scale(B, "mutual_information_ksg", ("x", x), ("y", y))
    if standardize:
        x, y = x / _column_std(B, x, n), y / _column_std(B, y, n)
    else:  # one power of two for both: changes no max-norm count
        x, y = _times_power_of_two(x, -e), _times_power_of_two(y, -e)
    return ksg_mi(B, "mutual_information_ksg", "(x, y)", x, y, n, k)


def ksg_mi(B, fn: str, name: str, x, y, n: int, k: int):
    """KSG estimator 1 in nats of samples ``x`` (n, dx) and ``y`` (n, dy) as they are (scaled
    by the caller); ``name`` names the pair in the duplicate-points error."""
    joint = B.concat([x, y], axis=1)
    eps = knn_distance(B, joint, joint, k, "chebyshev", True)
    _positive(B, fn, name, eps)
    n_x = count_within(B, x, eps, "chebyshev")
    n_y = count_within(B, y, eps, "chebyshev")
    return (psi(k) + psi(n)) - B.sum(B.digamma(n_x + 1.0) + B.digamma(n_y + 1.0), None) / n


_MUTUAL_INFORMATION_KSG = Function("mutual_information_ksg",
                                   [Input("x", "real"), Input("y", "real")],
                                   _mutual_information_ksg, plan=_plan_mutual_information_ksg, unit=2)


@public
def mutual_information_ksg(x: TensorT, y: ArrayLike, *, k: Int = 3, base: Optional[Real] = None,
                           standardize: bool = True) -> TensorT:
    r"""Mutual information of continuous samples, Kraskov-Stoegbauer-Grassberger estimator 1
    (Kraskov et al. 2004):

    .. math::

        I = \psi(k) + \psi(n) - \frac{1}{n} \sum_i \bigl[ \psi(n_x(i) + 1) + \psi(n_y(i) + 1)
        \bigr]

    with max-norm distances: :math:`\epsilon_i` the distance from :math:`(x_i, y_i)` to its
    :math:`k`-th nearest neighbour in the joint space, :math:`n_x(i)` (:math:`n_y(i)`) the
    number of points strictly closer than :math:`\epsilon_i` to :math:`x_i` (:math:`y_i`) in
    the marginal space, :math:`\psi` the digamma function.

    ``x``: (n, dx), ``y``: (n, dy) samples (or 1-D vectors). ``standardize=True`` (default)
    divides each column by its standard deviation first, as scikit-learn's
    ``mutual_info_regression`` does: the max-norm makes the raw estimate depend on the units of
    x against y (:math:`I(1000 a; b)` is not :math:`I(a; b)` raw); ``False`` keeps the raw
    units. Not clipped at 0: for independent variables the estimate scatters around 0
    (scikit-learn clips it).
    NaN or infinite samples raise ``ValueError``.

    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=4000); y = 0.8 * x + 0.6 * rng.normal(size=4000)
    >>> round(float(mutual_information_ksg(x, y)), 1)  # -1/2 log2(1 - 0.8^2) = 0.74 bits
    0.7
    """
    return _MUTUAL_INFORMATION_KSG(x, y, base=base, k=k, standardize=standardize)


def _plan_kl_divergence_knn(c):
    check_k(c.fn, c.options["k"])
    k = c.options["k"]
    n, d = _samples(c, "x")
    m, e = _samples(c, "y")
    if d != e:
        raise c.error(f"x and y must have the same dimension d, got {d} and {e}")
    _need_points(c, "x", n, k)
    _need_points(c, "y", m, k, extra=0)
    check_flag(c.fn, "standardize", c.options["standardize"])
    return {"n": n, "m": m, "d": d, "k": k, "standardize": c.options["standardize"]}


def _kl_divergence_knn(B, x, y, n, m, d, k, standardize):
    x, y = _2d(B, x), _2d(B, y)
    # the same transform of both samples: each column by x's standard deviation, or all by
    # one power of two (changes no distance ratio)
    e = _scale(B, "kl_divergence_knn", ("x", x), ("y", y))
    if standardize:
        std = _column_std(B, x, n)
        x, y = x / std, y / std
    else:
        x, y = _times_power_of_two(x, -e), _times_power_of_two(y, -e)
    rho = knn_distance(B, x, x, k, "euclidean", True)
    nu = knn_distance(B, x, y, k, "euclidean", False)
    _positive(B, "kl_divergence_knn", "x", rho)
    _positive(B, "kl_divergence_knn", "y (a point shared with x)", nu)
    return B.sum(B.log(nu) - B.log(rho), None) * (d / n) + math.log(m / (n - 1))


_KL_DIVERGENCE_KNN = Function("kl_divergence_knn", [Input("x", "real"), Input("y", "real")],
                              _kl_divergence_knn, plan=_plan_kl_divergence_knn, unit=2)


@public
def kl_divergence_knn(x: TensorT, y: ArrayLike, *, k: Int = 1, base: Optional[Real] = None,
                      standardize: bool = True) -> TensorT:
    r"""KL divergence :math:`D(P \,\|\, Q)` from samples :math:`x \sim P` (n, d) and
    :math:`y \sim Q` (m, d), k-NN estimator of Wang, Kulkarni & Verdu (2009), Euclidean
    distances:

    .. math::

        D = \frac{d}{n} \sum_i \log \frac{\nu_k(i)}{\rho_k(i)} + \log \frac{m}{n - 1}

    :math:`\rho_k(i)` the distance from :math:`x_i` to its :math:`k`-th nearest neighbour among
    the other :math:`x`, :math:`\nu_k(i)` to its :math:`k`-th nearest :math:`y`.

    NaN or infinite samples raise ``ValueError``.

    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> p, q = rng.normal(0, 1, 20000), rng.normal(1, 1, 20000)
    >>> round(float(kl_divergence_knn(p, q, k=5)), 1)  # closed form: 0.5 nats = 0.72 bits
    0.7

    ``k = 1`` (the default, as the paper's) has the least bias and the most variance: about
    0.05 bits of standard deviation for the example above; a larger ``k`` trades the other way.
    ``standardize=True`` (default) divides each column of both samples by the standard
    deviation of ``x``'s column (KL is unchanged by one invertible map of both; the estimate
    then does not depend on the units of the columns); ``False`` keeps the raw units.
    """
    return _KL_DIVERGENCE_KNN(x, y, base=base, k=k, standardize=standardize)


def _plan_cmi_ksg(c):
    check_k(c.fn, c.options["k"])
    sizes = {name: _samples(c, name)[0] for name in ("x", "y", "z")}
    if len(set(sizes.values())) > 1:
        desc = ", ".join(f"{k} has {v}" for k, v in sizes.items())
        raise c.error(f"x, y and z must hold the same number of samples: {desc}")
    n = sizes["x"]
    _need_points(c, "x", n, c.options["k"])
    check_flag(c.fn, "standardize", c.options["standardize"])
    return {"n": n, "k": c.options["k"], "standardize": c.options["standardize"]}


def cmi_ksg(B, fn: str, x, y, z, n: int, k: int, standardize: bool):
    """The Frenzel-Pompe estimate (nats) of (n, d) samples ``x``, ``y``, ``z``."""
    x, y, z = _2d(B, x), _2d(B, y), _2d(B, z)
    e = _scale(B, fn, ("x", x), ("y", y), ("z", z))
    if standardize:
        x, y, z = (v / _column_std(B, v, n) for v in (x, y, z))
    else:
        x, y, z = (_times_power_of_two(v, -e) for v in (x, y, z))
    xz, yz = B.concat([x, z], axis=1), B.concat([y, z], axis=1)
    joint = B.concat([x, yz], axis=1)
    eps = knn_distance(B, joint, joint, k, "chebyshev", True)
    _positive(B, fn, "(x, y, z)", eps)
    n_xz = count_within(B, xz, eps, "chebyshev")
    n_yz = count_within(B, yz, eps, "chebyshev")
    n_z = count_within(B, z, eps, "chebyshev")
    return psi(k) - B.sum(B.digamma(n_xz + 1.0) + B.digamma(n_yz + 1.0)
                          - B.digamma(n_z + 1.0), None) / n


def _cmi_ksg(B, x, y, z, n, k, standardize):
    return cmi_ksg(B, "conditional_mutual_information_ksg", x, y, z, n, k, standardize)


_CMI_KSG = Function("conditional_mutual_information_ksg",
                    [Input("x", "real"), Input("y", "real"), Input("z", "real")], _cmi_ksg,
                    plan=_plan_cmi_ksg, unit=2)


@public
def conditional_mutual_information_ksg(x: TensorT, y: ArrayLike, z: ArrayLike, *, k: Int = 3,
                                       base: Optional[Real] = None,
                                       standardize: bool = True) -> TensorT:
    r"""Conditional mutual information :math:`I(X;Y \mid Z)` of continuous samples, the KSG
    estimator conditioned as Frenzel & Pompe (2007) do, max-norm distances:

    .. math::

        I = \psi(k) - \frac{1}{n} \sum_i \bigl[ \psi(n_{xz}(i) + 1) + \psi(n_{yz}(i) + 1)
        - \psi(n_z(i) + 1) \bigr]

    :math:`\epsilon_i` the distance from :math:`(x_i, y_i, z_i)` to its :math:`k`-th nearest
    neighbour in the joint space and :math:`n_{xz}(i)` (:math:`n_{yz}`, :math:`n_z`) the number
    of points strictly closer than :math:`\epsilon_i` in that subspace (ennemi's
    ``estimate_mi(..., cond=z)``).

    ``x``, ``y``, ``z``: (n, d) samples each (or 1-D vectors). ``standardize=True`` divides each
    column by its standard deviation first (as :func:`mutual_information_ksg`). Not clipped at 0.
    Returns a 0-d tensor, in bits by default (``base``). NaN or infinite samples raise
    ``ValueError``.

    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> z = rng.normal(size=4000); x = z + rng.normal(size=4000); y = z + rng.normal(size=4000)
    >>> round(float(conditional_mutual_information_ksg(x, y, z)), 1)  # x, y independent given z
    0.0
    """
    return _CMI_KSG(x, y, z, base=base, k=k, standardize=standardize)


# --- transfer entropy of continuous samples ------------------------------------------------
def _plan_te_ksg(c):
    if c.B.lazy:
        raise c.error(f"source is a lazy {c.B.name} array: the k-nearest-neighbour estimators "
                      f"search all the samples at once; compute it into memory first (for "
                      f"Dask: .compute())", NotImplementedError)
    check_k(c.fn, c.options["k"])
    check_flag(c.fn, "standardize", c.options["standardize"])
    plan = {"start": embedding(c), **c.options}
    s = c.shape("source")
    if None in s:
        raise c.error(f"source needs a known shape, got {tuple(s)}")
    plan["n"] = (s[-1] - plan["start"]) * (s[0] if len(s) == 2 else 1)
    if plan["n"] < plan["k"] + 1:
        raise c.error(f"the embedded sequences have {plan['n']} samples; k={plan['k']} needs "
                      f"at least {plan['k'] + 1}")
    return plan


def _series_std(B, v):
    """The standard deviation of all the values of a series (or of its trials), (1, 1)."""
    flat = B.reshape(v, (-1, 1))
    return B.reshape(_column_std(B, flat, B.shape(flat)[0]), ())


def _te_ksg(B, source, target, start, history, source_history, lag, k, standardize, n):
    _scale(B, "transfer_entropy_ksg", ("source", source), ("target", target))  # NaN: named
    if standardize:  # each series by its own deviation: the target's present and past columns
        # on one scale, so that a distance the two share is the same number in both (a tie
        # the "strictly closer" counts then break alike on every backend)
        source, target = (v / _series_std(B, v) for v in (source, target))
    present, src, past = embed(B, source, target, start, history, source_history, lag)
    stack = lambda cols: B.concat([B.expand_dims(c, 1) for c in cols], axis=1)  # noqa: E731
    return cmi_ksg(B, "transfer_entropy_ksg", stack(present), stack(src), stack(past), n, k,
                   False)


_TE_KSG = Function("transfer_entropy_ksg", [Input("source", "real"), Input("target", "real")],
                   _te_ksg, plan=_plan_te_ksg, unit=2)


@public
def transfer_entropy_ksg(source: TensorT, target: ArrayLike, *, history: Int = 1,
                         source_history: Int = 1, lag: Int = 1, k: Int = 4,
                         base: Optional[Real] = None, standardize: bool = True) -> TensorT:
    r"""Transfer entropy from ``source`` to ``target`` of continuous samples,
    :math:`I\bigl(Y_t ; S_{t-\mathrm{lag}}^{(l)} \bigm| Y_{t-1}^{(k)}\bigr)` (as
    :func:`transfer_entropy_from_labels` embeds it) by the conditional KSG estimator
    (:func:`~infotheory.estimate.conditional_mutual_information_ksg`; JIDT's and IDTxl's
    default, with their default ``k = 4`` neighbours). Bits by default.

    ``source``, ``target``: (time,) or (trials, time), one shape, pooled over trials.
    ``standardize=True`` divides each series by its standard deviation (over all its values)
    first, so the target's present and past share one scale; ``False`` keeps the raw units.

    NaN or infinite samples raise ``ValueError``.

    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> s = rng.normal(size=3001); y = np.r_[0.0, 0.8 * s[:-1]] + 0.6 * rng.normal(size=3001)
    >>> round(float(transfer_entropy_ksg(s, y)), 1)  # -1/2 log2(1 - 0.64) = 0.74 bits
    0.7
    """
    return _TE_KSG(source, target, base=base, history=history, source_history=source_history,
                   lag=lag, k=k, standardize=standardize)
