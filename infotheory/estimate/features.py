"""Mutual information of every feature (column) of a table with a target, as scikit-learn's
``mutual_info_classif`` and ``mutual_info_regression`` score them: KSG for a continuous feature
against a continuous target, Ross's estimator (:mod:`.mixed`) for a continuous one against a
discrete one, counts for two discrete ones.

Continuous columns (and a continuous target) are divided by their standard deviation first, as
scikit-learn does; with ``random_state`` given, scikit-learn's tie-breaking noise is added too,
drawn in the same order from the same ``numpy.random.RandomState`` stream, so the scores equal
scikit-learn's for that seed (before its clipping at 0).
"""
from __future__ import annotations

import numbers
from typing import Any, Optional, Sequence, Union

import numpy as np

from .._checks import check_flag
from .._frontend import Function, Input, public
from .._types import ArrayLike, Int, Real, TensorT
from ._common import FLOAT_LABELS, check_k, table, vector
from .knn import _need_points, _scale, _times_power_of_two, ksg_mi
from .labels import _mi_from_table
from .mixed import mixed_mi

DiscreteFeatures = Union[str, bool, Sequence[int], Sequence[bool], Any]


def _target_kind(options) -> str:
    return "categories" if options["discrete_target"] else "real"


def _discrete_mask(c, value, f: int) -> tuple:
    """scikit-learn's ``discrete_features`` as one bool per column: ``"auto"`` (dense: none),
    a bool for all, column indices or a boolean mask."""
    if isinstance(value, str):
        if value != "auto":
            raise c.error(f"discrete_features must be 'auto', a bool, column indices or a "
                          f"boolean mask, got {value!r}")
        return (False,) * f
    if isinstance(value, (bool, np.bool_)):
        return (bool(value),) * f
    a = np.asarray(value)
    if a.dtype == bool:
        if a.shape != (f,):
            raise c.error(f"discrete_features as a boolean mask must have one entry per column "
                          f"({f}), got shape {a.shape}")
        return tuple(bool(v) for v in a)
    if a.ndim != 1 or (a.size and a.dtype.kind not in "iu"):
        raise c.error(f"discrete_features must be 'auto', a bool, column indices or a boolean "
                      f"mask, got {value!r}")
    mask = [False] * f
    for j in a.tolist():
        if not -f <= j < f:
            raise c.error(f"discrete_features has column index {j}, but X has {f} columns")
        mask[j] = True
    return tuple(mask)


def _plan_features(c):
    shape = c.shape("X")
    if len(shape) != 2 or None in shape:
        raise c.error(f"X must be a table (n_samples, n_features), got shape {tuple(shape)}")
    n, f = shape
    m = vector(c, "y")
    if n != m:
        raise c.error(f"X and y must hold the same number of samples, got {n} and {m}")
    if c.B.lazy:
        raise c.error("X is a lazy array: the k-NN searches need the samples in memory; "
                      "compute it first (for Dask: X.compute())", NotImplementedError)
    check_k(c.fn, c.options["k"])
    check_flag(c.fn, "discrete_target", c.options["discrete_target"])
    if n == 0:
        raise c.error("X has no samples: there is nothing to estimate from")
    seed = c.options["random_state"]
    if seed is not None and not isinstance(seed, (numbers.Integral, np.random.RandomState)):
        raise c.error(f"random_state must be None, an int or a numpy RandomState, got "
                      f"{type(seed).__name__}")
    discrete = _discrete_mask(c, c.options["discrete_features"], f)
    if not c.options["discrete_target"] and not all(discrete):  # a KSG pair: k + 1 samples
        _need_points(c, "X", n, c.options["k"])
    return {"n": n, "discrete": discrete, "discrete_target": c.options["discrete_target"],
            "k": c.options["k"], "random_state": seed}


def _scaled(B, x, n: int):
    """``x`` (n, m) divided by each column's standard deviation (NumPy's: ddof 0), 1 where it
    is 0, as ``sklearn.preprocessing.scale(x, with_mean=False)``; computed on ``x`` times a
    power of two (exact: the quotient is the same, and no square overflows)."""
    e = _scale(B, "mutual_information_features", ("X", x))
    u = _times_power_of_two(x, -e)
    centred = u - B.sum(u, (0,), keepdims=True) / n
    std = (B.sum(centred * centred, (0,), keepdims=True) / n) ** 0.5
    # scikit-learn's _handle_zeros_in_scale: a std below 10 eps (in x's units) counts as 0
    small = _times_power_of_two(std, e) < 10 * np.finfo(np.float64).eps
    return u / B.where(small, 1.0, std)


def _with_noise(B, x, n: int, rng):
    """scikit-learn's tie-breaking noise: ``1e-10 * max(1, mean |x|) * N(0, 1)`` per column,
    drawn from ``rng`` as one (n, m) array."""
    noise = rng.standard_normal(size=(n, B.shape(x)[1]))
    means = B.sum(abs(x), (0,), keepdims=True) / n
    return x + 1e-10 * B.where(means > 1.0, means, 1.0) * B.float_tensor(noise, x)


def _discrete_codes(B, column, like):
    """A discrete column's values as integer labels: the ranks of its distinct values (any
    values, as scikit-learn takes them), counted on the host."""
    values = np.asarray(B.to_numpy(column))
    if not np.isfinite(values).all():
        raise ValueError("mutual_information_features: X contains NaN or infinite values (in "
                         "a discrete column)")
    _, inverse = np.unique(values, return_inverse=True)
    return B.label_tensor(inverse.reshape(-1), like)


def _mi_features(B, X, y, n, discrete, discrete_target, k, random_state):
    fn = "mutual_information_features"
    dtype = X.dtype
    X = B.to_float64(X)
    cont = [j for j, d in enumerate(discrete) if not d]
    rng = None
    if random_state is not None:  # scikit-learn's check_random_state
        rng = random_state if isinstance(random_state, np.random.RandomState) \
            else np.random.RandomState(random_state)
    columns = {}
    if cont:
        block = _scaled(B, B.concat([X[:, j:j + 1] for j in cont], axis=1), n)
        if rng is not None:
            block = _with_noise(B, block, n, rng)
        for i, j in enumerate(cont):
            columns[j] = block[:, i:i + 1]
    target = y
    if not discrete_target:
        target = _scaled(B, B.reshape(B.to_float64(y), (n, 1)), n)
        if rng is not None:
            target = _with_noise(B, target, n, rng)
    out = []
    for j, is_discrete in enumerate(discrete):
        if is_discrete:
            labels = _discrete_codes(B, X[:, j], X)
            if discrete_target:
                v = _mi_from_table(B, table(fn, B, labels, target, n=n), n, "plugin")
            else:
                v = mixed_mi(B, fn, target, labels, n, k, False)
        elif discrete_target:
            v = mixed_mi(B, fn, columns[j], target, n, k, False)
        else:
            v = ksg_mi(B, fn, "(X[:, j], y)", columns[j], target, n, k)
        out.append(B.reshape(v, (1,)))
    return B.cast(B.concat(out), dtype) if out else B.cast(X[0, :0], dtype)


_MI_FEATURES = Function(
    "mutual_information_features",
    [Input("X", "real"), Input("y", _target_kind, hint=FLOAT_LABELS)],
    _mi_features, plan=_plan_features, unit=2)


@public
def mutual_information_features(X: TensorT, y: ArrayLike, *,
                                discrete_features: DiscreteFeatures = "auto",
                                discrete_target: bool = False, k: Int = 3,
                                base: Optional[Real] = None,
                                random_state: Optional[Any] = None) -> TensorT:
    r"""Mutual information between each column of ``X`` and the target ``y``, with
    scikit-learn's choice of estimator per pair (``mutual_info_classif`` /
    ``mutual_info_regression``):

    - continuous column, continuous target: KSG estimator 1 (:func:`mutual_information_ksg`);
    - continuous column, discrete target (or the reverse): Ross's estimator
      (:func:`mutual_information_mixed`);
    - discrete column, discrete target: the plug-in MI of their contingency table.

    Continuous columns and a continuous target are divided by their standard deviation
    (ddof 0; 1 for a constant one) first. With ``random_state`` (an int or a
    ``numpy.random.RandomState``), scikit-learn's tie-breaking noise
    :math:`10^{-10} \max(1, \overline{|x|}) \, \mathcal{N}(0, 1)` is added to each continuous
    column and then to a continuous target, drawn from that stream in scikit-learn's order:
    the scores then equal scikit-learn's for the same seed (scikit-learn also clips them at 0;
    these are not clipped). Without it no noise is added: tied values raise ``ValueError``
    in the k-NN searches.

    Args:
        X: (n_samples, n_features) table of any backend.
        y: (n_samples,) target: real values, or labels with ``discrete_target=True``.
        discrete_features: which columns are discrete: ``"auto"`` (none, as scikit-learn for
            dense X), a bool for all, column indices or a boolean mask. A discrete column's
            distinct values are its labels (counted on the host).
        discrete_target: whether ``y`` holds class labels.
        k: neighbours of the k-NN estimators (scikit-learn's ``n_neighbors``).
        base: the logarithm's base (default: bits, or the one set by ``set_default_base``).
        random_state: None (no noise), an int or a ``numpy.random.RandomState``.

    Returns:
        A tensor (n_features,) of X's framework and floating dtype. NaN or infinite values
        in X or in a continuous target raise ``ValueError``.

    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> y = rng.integers(0, 2, 2000)
    >>> X = np.column_stack([rng.normal(size=2000) + 3 * y, rng.normal(size=2000)])
    >>> mi = mutual_information_features(X, y, discrete_target=True)
    >>> round(float(mi[0]), 1), abs(float(mi[1])) < 0.05  # the noise column: about 0
    (0.8, True)
    """
    return _MI_FEATURES(X, y, base=base, discrete_features=discrete_features,
                        discrete_target=discrete_target, k=k, random_state=random_state)
