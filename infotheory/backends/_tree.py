"""The k-NN searches by SciPy's k-d tree (``cKDTree``) on NumPy arrays: the fused
``knn_distance`` and ``count_within`` of every backend whose tensors can be read on the host
(NumPy's own; torch, TensorFlow and MXNet tensors on the CPU), through
:meth:`Backend.host_array`. O(n log n) where the generic search is brute force over strips."""
from __future__ import annotations

import numpy as np


def tree_knn_distance(x, ref, k, metric, exclude_self):
    """:func:`infotheory.estimate._neighbours.knn_distance` by ``cKDTree`` (NotImplemented
    without SciPy, and for 1-D samples: the generic search's window of sorted values is
    faster there, 42 ms against 53 ms for 1e5 NumPy values, 28 ms on torch)."""
    spatial = _spatial()
    if spatial is None or x.shape[1] == 1:
        return NotImplemented
    kth = k + 1 if exclude_self else k
    p = np.inf if metric == "chebyshev" else 2
    dist, _ = spatial.cKDTree(ref).query(x, k=[kth], p=p, workers=-1)
    return dist[:, 0].astype(x.dtype, copy=False)


def tree_count_within(x, radius, metric):
    """:func:`infotheory.estimate._neighbours.count_within` by ``cKDTree`` (NotImplemented
    without SciPy, and for 1-D samples: the generic binary search is faster there)."""
    spatial = _spatial()
    if spatial is None or x.shape[1] == 1:
        return NotImplemented
    p = np.inf if metric == "chebyshev" else 2
    limit = np.nextafter(radius, 0)  # at most nextafter(r, 0) is strictly less than r
    inside = spatial.cKDTree(x).query_ball_point(x, limit, p=p, return_length=True,
                                                 workers=-1)
    return np.where(radius > 0, inside - 1, 0).astype(x.dtype)  # less the point itself


def _spatial():
    """``scipy.spatial`` when SciPy is installed, else None."""
    try:
        import scipy.spatial
    except ImportError:  # pragma: no cover - SciPy is in every tested environment
        return None
    return scipy.spatial
