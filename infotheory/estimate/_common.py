"""Checks and table building shared by the estimators (over a backend's primitives, ``B``)."""
from __future__ import annotations

from .._frontend import Call

#: The most cells a dense contingency table may have (2^27 float64 cells = 1 GiB).
MAX_TABLE_CELLS = 1 << 27


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


def table(fn: str, B, x, y, n: int):
    """The (distinct x) x (distinct y) contingency table of two label vectors, int64, rows and
    columns in sorted order of the values: a ``bincount`` of the combined code ``i * ny + j``."""
    nx, ix = codes(B, x, n)
    ny, iy = codes(B, y, n)
    if nx * ny > MAX_TABLE_CELLS:
        raise ValueError(f"{fn}: the labels have {nx} and {ny} distinct values, a "
                         f"{nx} x {ny} table is more than the {MAX_TABLE_CELLS} cells this "
                         f"estimator builds densely")
    return B.reshape(B.bincount(ix * ny + iy, nx * ny), (nx, ny))
