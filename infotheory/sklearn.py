"""scikit-learn's ``mutual_info_classif`` and ``mutual_info_regression``, with its signatures and
its values (nats, clipped at 0), computed by :func:`infotheory.estimate.mutual_information_features`
on any backend: usable as ``SelectKBest(score_func=mutual_info_classif)``.

Needs scikit-learn (``pip install infotheory[sklearn]``); ``import infotheory`` does not import
it. NumPy arrays, lists, pandas frames and SciPy sparse matrices are checked and converted as
scikit-learn does (``check_X_y``); a framework's tensor (torch, TensorFlow, JAX, MXNet) is
computed on as it is, on its device, and the scores come back as a tensor of that framework.
"""
from __future__ import annotations

import math
from typing import Any, Optional

import numpy as np

from scipy.sparse import issparse

from . import _dispatch
from .estimate.features import mutual_information_features

__all__ = ["mutual_info_classif", "mutual_info_regression"]


def mutual_info_classif(X: Any, y: Any, *, discrete_features: Any = "auto",
                        n_neighbors: int = 3, copy: bool = True, random_state: Any = None,
                        n_jobs: Optional[int] = None):
    """Mutual information (nats) between each feature of ``X`` and the class labels ``y``, as
    ``sklearn.feature_selection.mutual_info_classif`` computes it: the same estimators, the
    same scaling and tie-breaking noise from ``check_random_state(random_state)``, each score
    clipped at 0. ``copy`` is accepted for compatibility (``X`` is never modified) and
    ``n_jobs`` is ignored (the columns are computed in one process, each search vectorized).

    Returns:
        (n_features,) float64 NumPy array, or a tensor of X's framework when X is one.

    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> y = rng.integers(0, 2, 1000)
    >>> X = np.column_stack([y + 0.5 * rng.normal(size=1000), rng.normal(size=1000)])
    >>> mutual_info_classif(X, y, random_state=0).round(2)
    array([0.38, 0.01])
    """
    return _mutual_info(X, y, discrete_features, True, n_neighbors, random_state)


def mutual_info_regression(X: Any, y: Any, *, discrete_features: Any = "auto",
                           n_neighbors: int = 3, copy: bool = True, random_state: Any = None,
                           n_jobs: Optional[int] = None):
    """Mutual information (nats) between each feature of ``X`` and the continuous target
    ``y``, as ``sklearn.feature_selection.mutual_info_regression`` computes it (see
    :func:`mutual_info_classif`).

    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(1000, 2))
    >>> y = X[:, 0] + 0.5 * rng.normal(size=1000)
    >>> mutual_info_regression(X, y, random_state=0).round(1)
    array([0.9, 0. ])
    """
    return _mutual_info(X, y, discrete_features, False, n_neighbors, random_state)


def _mutual_info(X, y, discrete_features, discrete_target, n_neighbors, random_state):
    from sklearn.utils import check_random_state, check_X_y
    from sklearn.utils.multiclass import check_classification_targets

    if not _is_tensor(X):
        X, y = check_X_y(X, y, accept_sparse="csc", y_numeric=not discrete_target)
        if discrete_target:
            check_classification_targets(y)
        if not issparse(X) and X.dtype != np.float64:  # bools, ints, float32: as scikit-learn
            X = X.astype(np.float64)  # computes (and returns) them, in float64
    elif len(X.shape) != 2:
        raise ValueError(f"Expected a 2D array (n_samples, n_features), got shape "
                         f"{tuple(X.shape)}")
    if isinstance(discrete_features, str):
        if discrete_features != "auto":
            raise ValueError(f"discrete_features must be 'auto', a bool or an array-like, got "
                             f"{discrete_features!r}")
        discrete_features = bool(issparse(X))
    mask = _mask(discrete_features, X.shape[1])
    if discrete_target:
        y = _class_codes(y)
    if issparse(X):
        if not mask.all():
            raise ValueError("Sparse matrix `X` can't have continuous features.")
        X = X.toarray()
    mi = mutual_information_features(
        X, y, discrete_features=mask, discrete_target=discrete_target, k=n_neighbors,
        base=math.e, random_state=check_random_state(random_state))
    return _dispatch.backend_of(mi).where(mi > 0, mi, 0.0)  # (NaN too, as max(0, mi))


def _is_tensor(X) -> bool:
    """A framework's tensor (computed on as it is), not an array-like scikit-learn checks."""
    if issparse(X) or isinstance(X, (np.ndarray, list, tuple)) or not _dispatch.claimed(X):
        return False
    return _dispatch.backend_of(X) is not _dispatch.numpy_backend()


def _class_codes(y):
    """Class labels as scikit-learn takes them: floating ones (``[0.0, 1.0, ...]``) become
    the ranks of their distinct values (on the host); integers, bools and strings pass."""
    if isinstance(y, np.ndarray) or not _dispatch.claimed(y):
        y = np.asarray(y)
        return np.unique(y, return_inverse=True)[1].reshape(-1) if y.dtype.kind == "f" else y
    B = _dispatch.backend_of(y)
    if B.dtype_kind(y) != "f":
        return y
    codes = np.unique(B.to_numpy(y), return_inverse=True)[1].reshape(-1)
    return B.label_tensor(codes, y)


def _mask(discrete_features, f: int) -> np.ndarray:
    """scikit-learn's discrete mask: IndexError for a mask of another length or an index out
    of range, as scikit-learn raises."""
    if isinstance(discrete_features, (bool, np.bool_)):
        return np.full(f, bool(discrete_features))
    a = np.asarray(discrete_features)
    if a.dtype == bool:
        if a.shape != (f,):
            raise IndexError(f"discrete_features has {a.size} entries for {f} features")
        return a
    mask = np.zeros(f, bool)
    mask[a] = True
    return mask
