"""Checks and table building shared by the estimators (over a backend's primitives, ``B``)."""
from __future__ import annotations

from typing import Optional

import numpy as np

from .. import _dispatch
from .._frontend import Call
from ._chunked import MAX_TABLE_CELLS, check_table_size, lazy_table  # noqa: F401

def array_like(x):
    """Labels as scikit-learn takes them: an array-like no backend claims (a pandas Series or
    Categorical, anything with ``__array__``) as its NumPy array, without importing pandas;
    tensors, arrays and lists pass unchanged."""
    if isinstance(x, (np.ndarray, list, tuple)) or not hasattr(x, "__array__") \
            or _dispatch.claimed(x):
        return x
    return np.asarray(x)


def check_method(fn: str, method, methods) -> str:
    if not isinstance(method, str) or method not in methods:
        raise ValueError(f"{fn}: method must be one of {methods}, got {method!r}")
    return method


def check_k(fn: str, k, name: str = "k") -> int:
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ValueError(f"{fn}: {name} must be a positive int, got {k!r}")
    return k


def vector(c: Call, name: str) -> int:
    """The length of the 1-D input ``name`` (ValueError otherwise)."""
    shape = c.shape(name)
    if len(shape) != 1:
        raise c.error(f"{name} must be a 1-D vector of labels, got shape {tuple(shape)}")
    return shape[0]


def same_length(c: Call, *names: str) -> int:
    lengths = {name: vector(c, name) for name in names}
    known = {n for n in lengths.values() if n is not None}
    if len(known) > 1:
        desc = ", ".join(f"{k} has {v}" for k, v in lengths.items())
        raise c.error(f"the label vectors must have the same length: {desc}")
    n = known.pop() if known else None
    if n == 0:
        raise c.error(f"{names[0]} is empty: there is nothing to estimate from")
    return n


def codes(B, x, n: int):
    """``(k, inverse)``: the number of distinct labels and each label's rank among them."""
    values, inverse = B.unique_inverse(x, n)
    return B.shape(values)[0], inverse


def table(fn: str, B, x, y=None, n: Optional[int] = None):
    """The (distinct x) x (distinct y) contingency table of two label vectors, int64, rows and
    columns in sorted order of the values: a ``bincount`` of the combined code ``i * ny + j``.
    With ``y`` None, the counts of the distinct values of ``x``."""
    nx, ix = codes(B, x, n)
    if y is None:
        return B.bincount(ix, nx)
    ny, iy = codes(B, y, n)
    check_table_size(fn, (nx, ny))
    return B.reshape(B.bincount(ix * ny + iy, nx * ny), (nx, ny))


def on_table(fn: str, B, finish, columns, n: Optional[int], shape=(), dtype="float64"):
    """``finish(B, table, n)`` on the contingency table of the label ``columns`` (one or two
    1-D vectors of ``n`` labels). On a lazy backend (Dask) the table is counted chunk by chunk
    and ``finish`` runs on it with the NumPy backend, in one task: the result is a lazy tensor
    of ``shape`` and ``dtype``. A backend without float64 (``Backend.has_float64``) has its
    float64 statistics computed on the host, and the result in its default float."""
    if B.lazy:
        return lazy_table(B, fn, columns, lambda NB, t: finish(NB, t, int(t.sum())), shape,
                          dtype)
    t = table(fn, B, *columns, n=n)
    if dtype == "float64" and not B.has_float64():
        # (JAX without x64) the statistics in float64 on the host, where the table's sizes
        # are read anyway; the result in the backend's default float
        NB = _dispatch.numpy_backend()
        return B.float_tensor(np.asarray(finish(NB, np.asarray(B.to_numpy(t)), n)))
    return finish(B, t, n)
