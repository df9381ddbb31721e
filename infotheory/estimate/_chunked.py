"""Contingency tables of lazy, chunked label columns (Dask), counted chunk by chunk.

The lazy backend offers one generic hook, ``B.map_reduce(columns, chunk, merge, finish, shape,
dtype)``: :func:`_chunk_counts` runs on each chunk (its distinct label tuples and their counts),
:func:`_merge` combines summaries in a tree, and :func:`_finish_table` turns the merged counts
into the dense NumPy table and finishes the estimator on it with the NumPy backend. Memory per
task grows with the number of distinct tuples, not with the number of rows. Everything here runs
on the workers, on NumPy arrays.
"""
from __future__ import annotations

import functools
import math

import numpy as np

from .._dispatch import numpy_backend as _numpy_backend

#: The most cells a dense contingency table may have (2^27 float64 cells = 1 GiB).
MAX_TABLE_CELLS = 1 << 27


def check_table_size(fn: str, sizes) -> None:
    cells = math.prod(sizes)
    if cells > MAX_TABLE_CELLS:
        desc = " and ".join(str(s) for s in sizes)
        raise ValueError(f"{fn}: the labels have {desc} distinct values, a table of {cells} "
                         f"cells is more than the {MAX_TABLE_CELLS} this estimator builds "
                         f"densely")


def lazy_table(B, fn: str, columns, finish, shape, dtype):
    """``finish(numpy_backend, table)`` as a lazy array of ``shape`` and ``dtype``, ``table``
    the NumPy int64 contingency table of the 1-D label ``columns`` (the counts of the distinct
    values for one column), rows and columns in sorted order of the values."""
    columns = list(columns)
    if len(columns) > 1 and any(None in B.shape(c) for c in columns):
        raise ValueError(f"{fn}: the label vectors have chunks of unknown size (as boolean "
                         f"indexing leaves them), so their rows cannot be paired chunk by "
                         f"chunk; call .compute_chunk_sizes() on each first")
    return B.map_reduce(columns, _chunk_counts, _merge,
                        functools.partial(_finish_table, fn, finish=finish), shape, dtype)


def _group(keys, weights=None):
    """Distinct key tuples of the 1-D ``keys`` columns and their total weight (count)."""
    NB = _numpy_backend()
    n = len(keys[0])
    uniques, codes, sizes = [], [], []
    for k in keys:
        values, inverse = NB.unique_inverse(k, n) if n else (k, k)
        uniques.append(values)
        codes.append(inverse)
        sizes.append(len(values))
    cells = math.prod(sizes)
    code = codes[0]
    for c, s in zip(codes[1:], sizes[1:]):
        code = code * s + c
    if cells <= max(4 * n, 1 << 16):  # dense counting, as the eager table
        counts = np.bincount(code, weights, minlength=cells)
        present = np.flatnonzero(counts)
        counts = counts[present]
    else:
        present, inverse = np.unique(code, return_inverse=True)
        counts = np.bincount(inverse.reshape(-1), weights, minlength=len(present))
    idx = np.unravel_index(present, sizes) if sizes else ()
    return tuple(u[i] for u, i in zip(uniques, idx)), counts.astype(np.int64)


def _chunk_counts(*columns):
    return _group([np.asarray(c, dtype=np.int64).reshape(-1) for c in columns])


def _merge(*summaries):
    keys = [np.concatenate(col) for col in zip(*(s[0] for s in summaries))]
    counts = np.concatenate([s[1] for s in summaries])
    return _group(keys, counts.astype(np.float64))  # float64 weights: exact below 2^53


def _finish_table(fn, summary, finish):
    keys, counts = summary
    NB = _numpy_backend()
    sizes, codes = [], []
    for k in keys:
        values, inverse = NB.sorted_unique_inverse(k)
        sizes.append(len(values))
        codes.append(inverse)
    check_table_size(fn, sizes)
    table = np.zeros(sizes, dtype=np.int64)
    table[tuple(codes)] = counts
    return NB.finish(finish(NB, table))  # a 0-d result computes to a NumPy scalar
