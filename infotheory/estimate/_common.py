"""Checks and table building shared by the estimators (over a backend's primitives, ``B``)."""
from __future__ import annotations

import math
import numbers
from typing import Dict, Optional, Sequence, Tuple

import numpy as np

from .. import _dispatch
from .. import _kernels as K
from .._frontend import Call
from ._chunked import MAX_TABLE_CELLS, check_table_size, lazy_table  # noqa: F401

MI_METHODS = ("plugin", "miller_madow")
FLOAT_LABELS = ("; for continuous samples use infotheory.estimate.differential_entropy or "
                "mutual_information_ksg (k-nearest neighbours)")


def plugin_only(options) -> bool:
    """Only the plug-in estimates are clamped at 0 (the corrections may go below)."""
    return options["method"] == "plugin"


def array_like(x):
    """Labels as scikit-learn takes them: an array-like no backend claims (a pandas Series or
    Categorical, anything with ``__array__``) as its NumPy array, without importing pandas;
    tensors, arrays and lists pass unchanged. A pandas categorical gives the ranks of its
    values among its sorted categories (the order the values themselves would give), from its
    integer codes: its values are never materialized."""
    if isinstance(x, (np.ndarray, list, tuple)) or not hasattr(x, "__array__"):
        return x
    ranks = _categorical_ranks(x)
    if ranks is not None:
        return ranks
    return x if _dispatch.claimed(x) else np.asarray(x)


def _categorical_ranks(x) -> Optional[np.ndarray]:
    """int64 ranks of a pandas Categorical's (or categorical Series') values among its sorted
    categories; None for anything else, for missing values (code -1) and for categories that
    do not sort (mixed kinds): those take the general path."""
    if getattr(getattr(x, "dtype", None), "name", None) != "category":
        return None
    cat = x.cat if hasattr(x, "cat") else x  # a Series' accessor, or the Categorical itself
    codes = np.asarray(getattr(cat, "codes", None))
    if codes.dtype.kind not in "iu" or (codes.size and codes.min() < 0):
        return None
    try:
        rank = np.argsort(np.argsort(np.asarray(cat.categories), kind="stable"), kind="stable")
    except TypeError:
        return None
    return rank[codes].astype(np.int64)


def check_method(fn: str, method, methods) -> str:
    if not isinstance(method, str) or method not in methods:
        raise ValueError(f"{fn}: method must be one of {methods}, got {method!r}")
    return method


def positive_real(fn: str, name: str, value) -> float:
    """A finite real number > 0 (a Python or NumPy number), as a float."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) \
            or not 0.0 < float(value) < math.inf:
        raise ValueError(f"{fn}: {name} must be a finite real number > 0, got {value!r}")
    return float(value)


def check_k(fn: str, k, name: str = "k") -> int:
    if isinstance(k, bool) or not isinstance(k, numbers.Integral) or k < 1:
        raise ValueError(f"{fn}: {name} must be a positive int, got {k!r}")
    return k


def vector(c: Call, name: str) -> int:
    """The length of the 1-D input ``name`` (ValueError otherwise)."""
    shape = c.shape(name)
    if len(shape) != 1:
        raise c.error(f"{name} must be a 1-D vector of labels, got shape {tuple(shape)}")
    return shape[0]


def same_length(c: Call, *names: str) -> int:
    """The common length of the 1-D label vectors ``names`` (ValueError otherwise)."""
    for name in names:
        vector(c, name)
    return same_rows(c, *names, what="the label vectors must have the same length",
                     empty=f"{names[0]} is empty: there is nothing to estimate from")


def same_rows(c: Call, *names: str, what: str = "the inputs must have the same number of "
              "samples", empty: str = "there are no samples to estimate from") -> int:
    """The common number of rows (axis 0) of the inputs ``names``: None when unknown (a lazy
    array's chunks); ValueError, starting with ``what``, when two differ, or ``empty`` when
    there are none."""
    lengths = {name: c.shape(name)[0] for name in names}
    known = {n for n in lengths.values() if n is not None}
    if len(known) > 1:
        desc = ", ".join(f"{k} has {v}" for k, v in lengths.items())
        raise c.error(f"{what}: {desc}")
    n = known.pop() if known else None
    if n == 0:
        raise c.error(empty)
    return n


def codes(B, x, n: int):
    """``(k, inverse)``: the number of distinct labels and each label's rank among them."""
    values, inverse = B.unique_inverse(x, n)
    return B.shape(values)[0], inverse


def table(fn: str, B, *columns, n: Optional[int] = None):
    """The contingency table of the 1-D label ``columns`` (of one length ``n``), int64, one
    axis per column, each in sorted order of its distinct values: a ``bincount`` of the
    mixed-radix code ``(i0 * n1 + i1) * n2 + ...``. One column gives the counts of its distinct
    values."""
    counts, sizes = flat_table(fn, B, *columns, n=n)
    return counts if len(sizes) == 1 else B.reshape(counts, tuple(sizes))


def flat_table(fn: str, B, *columns, n: Optional[int] = None):
    """:func:`table` flattened (C order), and its sizes."""
    counted = B.label_table(columns)  # a backend's single pass, where it has one
    if counted is not NotImplemented:
        return counted
    sizes, code = [], None
    for column in columns:
        k, inverse = codes(B, column, n)
        sizes.append(k)
        code = inverse if code is None else code * k + inverse
    if len(sizes) > 1:
        check_table_size(fn, sizes)
    return B.bincount(code, math.prod(sizes)), sizes


def on_table(fn: str, B, finish, columns, n: Optional[int], shape=(), dtype="float64"):
    """``finish(B, table, n)`` on the contingency table of the label ``columns`` (1-D vectors
    of ``n`` labels). On a lazy backend (Dask) the table is counted chunk by chunk
    and ``finish`` runs on it with the NumPy backend, in one task: the result is a lazy tensor
    of ``shape`` and ``dtype``. A backend without float64 (``Backend.has_float64``) has its
    float64 statistics computed on the host, and the result in its default float."""
    if B.lazy:
        return lazy_table(B, fn, columns, lambda NB, t: finish(NB, t, int(t.sum())), shape,
                          dtype)
    if B.max_ndim is not None and len(columns) > B.max_ndim:
        # more label columns than the backend has tensor axes (MXNet: 5): the statistics of
        # the table on the host, where its sizes are read anyway
        counts, sizes = flat_table(fn, B, *columns, n=n)
        NB = _dispatch.numpy_backend()
        r = np.asarray(finish(NB, np.asarray(B.to_numpy(counts)).reshape(sizes), n))
        return B.float_tensor(r) if dtype == "float64" else B.label_tensor(r, None)
    t = table(fn, B, *columns, n=n)
    if dtype == "float64" and not B.has_float64():
        # (JAX without x64) the statistics in float64 on the host, where the table's sizes
        # are read anyway; the result in the backend's default float
        NB = _dispatch.numpy_backend()
        return B.float_tensor(np.asarray(finish(NB, np.asarray(B.to_numpy(t)), n)))
    return finish(B, t, n)


def psi(x: float) -> float:
    """The digamma function of a Python number ``x > 0`` (as ``Backend.digamma``)."""
    shift = sum(1.0 / (x + i) for i in range(10))
    y = x + 10.0
    r = 1.0 / (y * y)
    series = r * (1 / 12 - r * (1 / 120 - r * (1 / 252 - r * (1 / 240 - r * (1 / 132)))))
    return math.log(y) - 0.5 / y - series - shift


# --- the entropies of a contingency table ---------------------------------------------------
def table_entropy(B, counts, n, keep: Tuple[int, ...], method: str = "plugin", lead: int = 0):
    """``H(X_keep)`` in nats of the table ``counts`` (float, ``n`` samples): the entropy of its
    marginal over the axes ``keep``, with the Miller-Madow correction when asked; the first
    ``lead`` axes of ``counts`` are a batch of tables."""
    axes = tuple(range(len(B.shape(counts)) - lead))
    rest = tuple(a + lead for a in axes if a not in keep)
    m = B.sum(counts, rest, keepdims=True) if rest else counts
    table_axes = tuple(a + lead for a in axes)
    h = K.neg_sum_xlogx(B, m * (1.0 / n), table_axes)
    if method == "miller_madow":
        cells = B.sum(B.where(m > 0, 1.0, 0.0 * m), table_axes)
        h = h + (cells - 1.0) * (0.5 / n)
    return h


def table_entropies(B, counts, n, subsets: Sequence[Tuple[int, ...]], method,
                    lead: int = 0) -> Dict:
    """:func:`table_entropy` of each subset of the table's axes (0 for the empty one)."""
    counts = B.to_float64(counts)
    return {keep: table_entropy(B, counts, n, keep, method, lead) if keep else 0.0
            for keep in subsets}


def cmi_of_table(B, counts, n, x, y, z, method, lead: int = 0):
    """``I(X;Y|Z)`` (nats) of a table whose axes ``x``, ``y``, ``z`` (tuples) are the groups;
    the first ``lead`` axes of ``counts`` are a batch of tables (the permutation test's)."""
    xz, yz, xyz = tuple(sorted(x + z)), tuple(sorted(y + z)), tuple(sorted(x + y + z))
    h = table_entropies(B, counts, n, [xz, yz, xyz, z], method, lead=lead)
    return h[xz] + h[yz] - h[xyz] - h[z]


# --- time series, embedded (transfer entropy) --------------------------------------------------
def embedding(c: Call) -> int:
    """The first time step of the embedded series ``source``, ``target`` of a call with options
    ``history``, ``source_history`` and ``lag`` (checked here, with the shapes)."""
    for name in ("history", "source_history", "lag"):
        check_k(c.fn, c.options[name], name)
    s, t = c.shape("source"), c.shape("target")
    if len(s) not in (1, 2) or tuple(s) != tuple(t):
        raise c.error(f"source and target must be sequences (time,) or (trials, time) of "
                      f"one shape, got {tuple(s)} and {tuple(t)}")
    if len(s) == 2 and s[0] == 0:
        raise c.error(f"source and target hold no trials (shape {tuple(s)}): there is nothing "
                      f"to estimate from")
    o = c.options
    start = max(o["history"], o["lag"] + o["source_history"] - 1)
    time = s[-1]
    if time is not None and time <= start:
        raise c.error(f"the sequences have {time} time steps; history={o['history']}, "
                      f"source_history={o['source_history']} and lag={o['lag']} need more than "
                      f"{start}")
    return start


def _embedded(B, x, offsets, start):
    """Columns ``x[..., t + d]`` for ``t`` from ``start`` to the end, one per offset ``d``
    (<= 0), pooled over trials."""
    time = B.shape(x)[-1]
    out = []
    for d in offsets:
        col = x[..., start + d:time + d] if d < 0 else x[..., start:]
        out.append(B.reshape(col, (-1,)) if len(B.shape(x)) == 2 else col)
    return out


def embed(B, source, target, start, history, source_history, lag):
    """The target's present, the source's past and the target's past as lists of columns."""
    present = _embedded(B, target, [0], start)
    past = _embedded(B, target, [-i for i in range(1, history + 1)], start)
    src = _embedded(B, source, [-(lag + i) for i in range(source_history)], start)
    return present, src, past
