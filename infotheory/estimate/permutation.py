"""Permutation tests of any estimator: the estimate, its null distribution under shuffled
samples of ``x``, and the p-value."""
from __future__ import annotations

import math
from typing import Any, Callable, NamedTuple, Optional

import numpy as np

from .. import _dispatch, _units
from ._common import array_like, check_k, codes
from .multivariate import _entropies

Tensor = Any

#: Permutations counted at once by the batched label path (memory: block x n codes).
_BLOCK_CELLS = 1 << 23


class PermutationResult(NamedTuple):
    """``value``: the estimate on the data; ``pvalue``: ``(1 + #{null >= value}) / (1 + P)``;
    ``null``: the ``P`` estimates on shuffled data, a (P,) tensor. Tensors of the data's
    framework."""
    value: Tensor
    pvalue: Tensor
    null: Tensor


def permutation_test(estimator: Callable, x: Tensor, *args, n_permutations: int = 1000,
                     seed: Optional[int] = None, **kwargs) -> PermutationResult:
    """Test the estimate ``estimator(x, *args, **kwargs)`` against the null hypothesis that
    ``x`` is independent of the other arguments: the estimator on ``n_permutations`` copies
    of the data with the samples (rows) of ``x`` shuffled, and the one-sided p-value with the
    +1 correction of Phipson & Smyth (2010), ``(1 + #{null >= value}) / (1 + P)`` (never 0;
    a null within 100 ulps of the value counts as reaching it, as SciPy's
    ``permutation_test`` does).

    ``estimator``: any function of ``infotheory.estimate`` (or one of yours) whose first
    argument holds samples on axis 0. For :func:`mutual_information_from_labels` and
    :func:`conditional_mutual_information_from_labels` the permutations are batched, not a
    Python loop: the contingency table of each shuffle is drawn on the host (from its exact
    distribution, sequential hypergeometric draws given the label counts, when the table has
    fewer than n / 8 cells; else by shuffling the codes of ``x``), and the statistic is
    computed on the backend over the stack of tables. For the other estimators each
    permutation is one call on the shuffled rows. The draws come from NumPy's ``Generator``
    seeded with ``seed``, so a seed gives the same null on every backend. Lazy (Dask) inputs
    are refused.

    Returns: a :class:`PermutationResult` ``(value, pvalue, null)``, tensors of the data's
    framework; ``value`` and ``null`` in the estimator's units.

    >>> import numpy as np
    >>> from infotheory.estimate import mutual_information_from_labels
    >>> rng = np.random.default_rng(0)
    >>> x = rng.integers(0, 4, 2000); y = (x + rng.integers(0, 3, 2000)) % 4
    >>> r = permutation_test(mutual_information_from_labels, x, y, n_permutations=200, seed=0)
    >>> float(r.pvalue), r.null.shape   # nothing shuffled comes near: the least p-value
    (0.004975124378109453, (200,))
    """
    fn = "permutation_test"
    if not callable(estimator):
        raise TypeError(f"{fn}: estimator must be a function, got {type(estimator).__name__}")
    check_k(fn, n_permutations, "n_permutations")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer))):
        raise TypeError(f"{fn}: seed must be an int or None, got {type(seed).__name__}")
    x = array_like(x)
    B = _dispatch.backend_of(x, *args, fn=fn)
    if B.lazy:
        raise NotImplementedError(f"{fn}: x is a lazy {B.name} array; compute the samples into "
                                  f"memory first (for Dask: x.compute())")
    value = estimator(x, *args, **kwargs)
    rng = np.random.default_rng(seed)
    batched = _BATCHED.get(getattr(estimator, "__name__", None))
    with B.scope():
        xs = _native(B, x)
        if batched is not None and getattr(estimator, "__module__", "").startswith(
                "infotheory.estimate"):
            null = _batched_null(B, batched, xs, args, kwargs, n_permutations, rng)
        else:
            null = _looped_null(B, estimator, xs, args, kwargs, n_permutations, rng)
        v = _native(B, value)
        gamma = abs(v) * (100 * (2.0 ** -52 if B.itemsize(v) >= 8 else 2.0 ** -23))
        above = B.sum(B.where(null >= v - gamma, 1.0, 0.0 * null), None)
        pvalue = (above + 1.0) / (n_permutations + 1.0)
        like = x if B.is_native(x) else null
        return PermutationResult(value, B.finish(pvalue, like), B.finish(null, like))


def _native(B, x):
    """``x`` as a tensor of backend ``B`` in its computing form (lists and NumPy arrays join a
    framework's; a legacy MXNet NDArray becomes an mxnet.numpy one)."""
    if not B.is_native(x):
        x = np.asarray(x)
    if B.dtype_kind(x) == "f":
        return B.float_tensor(x)
    return B.label_tensor(x, None)


def _looped_null(B, estimator, x, args, kwargs, P, rng):
    n = B.shape(x)[0]
    out = []
    for _ in range(P):
        perm = B.label_tensor(rng.permutation(n), x)
        v = estimator(B.take_rows(x, perm), *args, **kwargs)
        out.append(B.reshape(v, (1,)))
    return B.concat(out)


# --- the batched null of the label estimators ------------------------------------------------
def _batched_null(B, name, x, args, kwargs, P, rng):
    """The estimator ``name`` on ``P`` shuffles of ``x``'s labels, as a (P,) stack: the tables
    of the shuffled data are drawn on the host (:func:`_null_tables`, from the label counts
    only, or by shuffling ``x``'s codes), and the statistic is computed on the stack of tables
    on the backend. Units and the clamp at 0 as the estimator has them."""
    method = kwargs.get("method", "plugin")
    base = kwargs.get("base")
    base = _units.resolve(2.0) if base is None else base
    columns = [_native(B, array_like(a)) for a in args]
    if name == "conditional_mutual_information_from_labels" and len(B.shape(columns[1])) == 2:
        z = columns[1]
        columns = [columns[0]] + [z[:, j] for j in range(B.shape(z)[1])]
    n = B.shape(x)[0]
    nx, ix = codes(B, x, n)
    sizes, rest = [], None
    for column in columns:
        k, inverse = codes(B, column, n)
        sizes.append(k)
        rest = inverse if rest is None else rest * k + inverse
    cells = math.prod(sizes)
    host_x = np.asarray(B.to_numpy(ix)).astype(np.int64)
    host_rest = np.asarray(B.to_numpy(rest)).astype(np.int64)
    block = max(1, min(P, _BLOCK_CELLS // max(n, nx * cells)))
    out = []
    for start in range(0, P, block):
        size = min(block, P - start)
        tables = _null_tables(host_x, nx, host_rest, cells, size, rng)
        tables = B.reshape(B.label_tensor(tables, rest), (size, nx) + tuple(sizes))
        out.append(_statistic(B, tables, n, len(sizes), method))
    null = B.concat(out) * (1.0 / math.log(base))
    return B.nonnegative(null) if method == "plugin" else null


def _null_tables(x, nx, rest, cells, P, rng):
    """``P`` contingency tables (P, nx, cells) of the codes ``x`` against ``rest`` with ``x``
    shuffled. When the table is small against the samples, drawn from their exact distribution
    without touching the samples: row ``i`` (the ``a_i`` samples of class ``i``) takes its
    cells from those the earlier rows left, multivariate hypergeometric, as a chain of
    univariate draws vectorized over the ``P`` tables (``O(nx * cells)`` NumPy calls).
    Otherwise by shuffling the ``n`` codes of ``x`` (``O(n)`` each)."""
    n = len(x)
    if nx * cells > max(64, n // 8):
        offsets = np.arange(P, dtype=np.int64)[:, None] * (nx * cells)
        shuffled = np.stack([rng.permutation(x) for _ in range(P)])
        code = (shuffled * cells + rest[None, :] + offsets).ravel()
        return np.bincount(code, minlength=P * nx * cells).reshape(P, nx, cells)
    a = np.bincount(x, minlength=nx)
    b = np.bincount(rest, minlength=cells)
    present = np.flatnonzero(b)
    left_cells = np.broadcast_to(b[present], (P, len(present))).copy()
    drawn = np.zeros((P, nx, len(present)), dtype=np.int64)
    for i in range(nx - 1):
        wanted = np.full(P, a[i], dtype=np.int64)
        pool = left_cells.sum(1)
        for j in range(len(present) - 1):
            pool = pool - left_cells[:, j]
            take = rng.hypergeometric(left_cells[:, j], pool, wanted)
            drawn[:, i, j] = take
            wanted -= take
        drawn[:, i, -1] = wanted
        left_cells -= drawn[:, i]
    drawn[:, nx - 1] = left_cells
    tables = np.zeros((P, nx, cells), dtype=np.int64)
    tables[:, :, present] = drawn
    return tables


def _statistic(B, tables, n, n_rest, method):
    """I(X; Y) (one other column) or I(X; Y | Z...) in nats of each table of the stack."""
    lead = 1
    x, y, z = (0,), (1,), tuple(range(2, 1 + n_rest))
    xz, yz, xyz = x + z, y + z, x + y + z
    h = _entropies(B, tables, n, [xz, yz, xyz, z], method, lead=lead)
    return h[xz] + h[yz] - h[xyz] - h[z]


_BATCHED = {"mutual_information_from_labels": "mutual_information_from_labels",
            "conditional_mutual_information_from_labels":
                "conditional_mutual_information_from_labels"}
