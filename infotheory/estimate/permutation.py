"""Permutation tests of any estimator: the estimate, its null distribution on shuffled data, and
the p-value. What is shuffled is declared per estimator
(``infotheory.estimate.permutation.VARIABLES``)."""
from __future__ import annotations

import inspect
import math
from typing import Any, Callable, Dict, NamedTuple, Optional, Tuple, Union

import numpy as np

from .. import _dispatch, _units
from .._types import Int
from .._convert import category_codes
from ._common import array_like, cmi_of_table
from .bounds import donsker_varadhan, infonce, nwj
from .clustering import (adjusted_mutual_information, homogeneity_completeness_v_measure,
                         normalized_mutual_information)
from .counts import entropy_from_counts, pmi_from_counts
from .gaussian import gaussian_copula, mutual_information_gaussian, o_information_gaussian
from .knn import (conditional_mutual_information_ksg, differential_entropy, kl_divergence_knn,
                  mutual_information_ksg, transfer_entropy_ksg)
from .labels import contingency_table, entropy_from_labels, mutual_information_from_labels
from .multivariate import (conditional_mutual_information_from_labels, o_information_from_labels,
                           total_correlation_from_labels, transfer_entropy_from_labels)

Tensor = Any

#: Permutations counted at once by the batched label path (memory: block x n codes).
_BLOCK_CELLS = 1 << 23
_SHUFFLES = ("samples", "trials", "blocks")


class Variables(NamedTuple):
    """What :func:`permutation_test` shuffles in an estimator's arguments (its declaration).

    ``names``: the arguments that are variables, the leading parameters of the estimator; the
    first is shuffled against the others. ``samples``: the sample axis of the shuffled one
    (-2: the rows of (..., n, d), or the only axis of a vector; -1: the time axis; 0: the first
    axis). ``columns``: for a one-argument multivariate estimator, the axis of its variables:
    each variable is permuted on its own. ``trials``: the axis of trials, where the estimator
    pools them (``shuffle="trials"``)."""
    names: Tuple[str, ...]
    samples: int = -2
    columns: Optional[int] = None
    trials: Optional[int] = None


_PAIR = Variables(("x", "y"))
_SERIES = Variables(("source", "target"), samples=-1, trials=-2)
_JOINT = Variables(("x",), columns=-1)

#: The declarations of ``infotheory.estimate``'s estimators; ``None``: no dependence between
#: variables to test (refused). A function of yours may be added (``VARIABLES[f] = ...``).
VARIABLES: Dict[Callable, Optional[Variables]] = {
    mutual_information_from_labels: _PAIR,
    normalized_mutual_information: _PAIR,
    adjusted_mutual_information: _PAIR,
    mutual_information_ksg: _PAIR,
    mutual_information_gaussian: _PAIR,
    conditional_mutual_information_from_labels: Variables(("x", "y", "z")),
    conditional_mutual_information_ksg: Variables(("x", "y", "z")),
    transfer_entropy_from_labels: _SERIES,
    transfer_entropy_ksg: _SERIES,
    total_correlation_from_labels: _JOINT,
    o_information_from_labels: _JOINT,
    o_information_gaussian: _JOINT,
    **dict.fromkeys([entropy_from_counts, entropy_from_labels, contingency_table,
                     pmi_from_counts, differential_entropy, kl_divergence_knn, gaussian_copula,
                     infonce, nwj, donsker_varadhan,
                     homogeneity_completeness_v_measure]),  # (three values: not one statistic)
}
_YOURS = Variables((), samples=0)  # a function of yours: its first argument's axis 0


class PermutationResult(NamedTuple):
    r"""``value``: the estimate on the data; ``pvalue``:
    :math:`\bigl(1 + \#\{\mathrm{null} \ge \mathrm{value}\}\bigr) / (1 + P)`
    (``correction="maxstat"``: :math:`\#\{\max(\mathrm{null}) \ge \mathrm{value}\}`), of
    ``value``'s shape; ``null``: the :math:`P` estimates on shuffled data, of shape
    ``(P, *value.shape)``. Tensors of the data's framework."""
    value: Tensor
    pvalue: Tensor
    null: Tensor


def permutation_test(estimator: Callable[..., Any], /, *args: Any, n_permutations: Int = 1000,
                     seed: Union[None, int, np.random.Generator] = None, shuffle: str = "samples",
                     block_length: Optional[Int] = None, correction: Optional[str] = None,
                     **kwargs: Any) -> PermutationResult:
    r"""Test the estimate ``estimator(*args, **kwargs)`` against a null hypothesis of no
    dependence: the estimator on ``n_permutations`` (:math:`P`) copies of the data with samples
    shuffled, and the one-sided p-value with the +1 correction of Phipson & Smyth (2010),

    .. math::

        p = \frac{1 + \#\{\mathrm{null} \ge \mathrm{value}\}}{1 + P}

    (never 0; a null within 100 ulps of the value counts as reaching it, as SciPy's
    ``permutation_test`` does; NaN where the value is NaN).

    What is shuffled, and so the null hypothesis, comes from the estimator's declaration
    (``infotheory.estimate.permutation.VARIABLES``); the variables may be given by position
    or keyword alike:

    - two or three variables (mutual information, conditional MI, transfer entropy): the
      samples of the first (``x``, ``source``) are permuted, the others kept: the null is that
      ``x`` is independent of the others (for conditional MI: of ``y`` and ``z`` jointly);
    - one multivariate argument (:func:`total_correlation_from_labels`,
      :func:`o_information_from_labels`, :func:`o_information_gaussian`): each variable (column
      along its last axis) is permuted on its own: the null is that the variables are
      independent. The test is one-sided: O-information below 0 (synergy) is the lower tail,
      :math:`\bigl(1 + \#\{\mathrm{null} \le \mathrm{value}\}\bigr) / (1 + P)` from the
      returned null;
    - a function of yours: the first argument's samples (axis 0) are permuted against the rest
      (or declare what to shuffle: ``VARIABLES[f] = Variables(...)``);
    - estimators of no dependence (entropies, KL divergence, the copula, the neural bounds):
      refused.

    Args:
        estimator: a function of ``infotheory.estimate``, or one of yours.
        args, kwargs: its arguments (data and options, as it takes them: tensors of any
            backend, NumPy arrays, lists, labels of any kind the estimator takes).
        n_permutations: :math:`P \ge 1`.
        seed: an int >= 0, a NumPy ``Generator``, or None: the draws come from NumPy's
            ``Generator`` on the host, so a seed gives the same null on every backend.
        shuffle: ``"samples"`` (default) permutes single samples (time points for transfer
            entropy, one permutation for every trial; it destroys the source's
            autocorrelation, so the null of an autocorrelated source is off: prefer the next
            two there);
            ``"blocks"`` permutes contiguous blocks of ``block_length`` samples (the last one
            shorter; default ``round(n / 10)``), as IDTxl's block permutation; ``"trials"``
            permutes whole trials of (trials, time) series (transfer entropy), keeping each
            trial intact (IDTxl's surrogates across replications).
        correction: ``None``, or ``"maxstat"`` for an estimator that returns several values (a
            batch): each value is compared with the null distribution of the maximum over all
            of them, which controls the family-wise error rate (Nichols & Holmes 2002).

    For :func:`mutual_information_from_labels` and
    :func:`conditional_mutual_information_from_labels` with ``shuffle="samples"`` the
    permutations are batched, not a Python loop: the contingency table of each shuffle is
    drawn on the host (from its exact distribution, sequential hypergeometric draws given the
    label counts, when the table has fewer than n / 8 cells; else by shuffling the codes of
    ``x``), and the statistic is computed on the backend over the stack of tables. Otherwise
    each permutation is one call on the shuffled data. Lazy (Dask) inputs are refused.

    Returns: a :class:`PermutationResult` ``(value, pvalue, null)``, tensors of the data's
    framework: ``value`` and ``null`` (``(P, *value.shape)``) in the estimator's units (bits by
    default), ``pvalue`` of ``value``'s shape.

    >>> import numpy as np
    >>> from infotheory.estimate import mutual_information_from_labels
    >>> rng = np.random.default_rng(0)
    >>> x = rng.integers(0, 4, 2000); y = (x + rng.integers(0, 3, 2000)) % 4
    >>> r = permutation_test(mutual_information_from_labels, x, y, n_permutations=200, seed=0)
    >>> float(r.pvalue), r.null.shape   # nothing shuffled comes near: the least p-value
    (0.004975124378109453, (200,))
    >>> v = rng.normal(size=(500, 1)) + rng.normal(size=(500, 3))  # 3 redundant variables
    >>> float(permutation_test(o_information_gaussian, v, n_permutations=99, seed=0).pvalue)
    0.01
    """
    fn = "permutation_test"
    if not callable(estimator):
        raise TypeError(f"{fn}: estimator must be a function, got {type(estimator).__name__}")
    _check_int(fn, "n_permutations", n_permutations)
    rng = _generator(fn, seed)
    if not isinstance(shuffle, str) or shuffle not in _SHUFFLES:
        raise ValueError(f"{fn}: shuffle must be one of {_SHUFFLES}, got {shuffle!r}")
    if not (correction is None or (isinstance(correction, str) and correction == "maxstat")):
        raise ValueError(f"{fn}: correction must be None or 'maxstat', got {correction!r}")
    if block_length is not None and shuffle != "blocks":
        raise ValueError(f"{fn}: block_length is for shuffle='blocks', got shuffle={shuffle!r}")
    name = getattr(estimator, "__name__", type(estimator).__name__)
    try:
        spec = VARIABLES.get(estimator, _YOURS)
    except TypeError:  # an unhashable callable object
        spec = _YOURS
    if spec is None:
        raise ValueError(f"{fn}: {name} estimates no dependence between variables, so there "
                         f"is nothing to shuffle; test an estimator of mutual information, "
                         f"conditional MI, transfer entropy, total correlation or O-information")
    args, kwargs, names = _positional(fn, name, estimator, args, kwargs)
    if kwargs.get("sample_axis") not in (None, spec.samples):  # the null shuffles that axis
        raise ValueError(f"{fn}: sample_axis={kwargs['sample_axis']!r} is not supported; move "
                         f"the samples to the estimator's default axis first (np.moveaxis, "
                         f"or the framework's own)")
    if not args:
        raise TypeError(f"{fn}: {name} needs the samples as its first argument")
    count = len(spec.names) or len(args)  # a function of yours: its data among the positionals
    args[:count] = [array_like(a) for a in args[:count]]
    data = args[:count] if spec.names else [args[0]] + [a for a in args[1:]
                                                         if _dispatch.claimed(a)]
    B = _dispatch.backend_for(fn, *data)
    if B.lazy:
        raise NotImplementedError(f"{fn}: the data are lazy {B.name} arrays; compute the "
                                  f"samples into memory first (for Dask: x.compute())")
    shuffled = spec.names[0] if spec.names else (names[0] if names else "the first argument")
    x = args[0]
    with B.scope():
        host = not B.is_native(x) or isinstance(x, np.ndarray)  # shuffled by NumPy, any dtype
        xs = np.asarray(x) if host else _native(B, x)
        shape = tuple(np.shape(xs) if host else B.shape(xs))
        index = _indexer(fn, name, shuffled, spec, shuffle, block_length, shape, rng)
        value = estimator(*args, **kwargs)
        if estimator in _BATCHED and shuffle == "samples":
            null = _batched_null(B, args[:count], kwargs, n_permutations, rng)
        else:
            null = _looped_null(B, estimator, xs, host, index, args, kwargs, n_permutations)
        v = _native(B, value)
        ref = null  # each value against its own null, or against the null's maximum
        if correction == "maxstat" and len(B.shape(v)) > 0:
            ref = B.amax(null, tuple(range(1, len(B.shape(null)))), keepdims=True)
        gamma = abs(v) * (100 * (2.0 ** -52 if B.itemsize(v) >= 8 else 2.0 ** -23))
        above = B.sum(B.where(ref >= v - gamma, 1.0, 0.0 * ref), (0,))
        pvalue = B.where(v != v, math.nan, (above + 1.0) / (n_permutations + 1.0))
        like = x if B.is_native(x) else null
        return PermutationResult(value, B.finish(pvalue, like), B.finish(null, like))


def _check_int(fn: str, name: str, value, low: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{fn}: {name} must be a positive int, got {type(value).__name__}")
    if value < low:
        raise ValueError(f"{fn}: {name} must be a positive int, got {value!r}")
    return int(value)


def _generator(fn: str, seed) -> np.random.Generator:
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer))):
        raise TypeError(f"{fn}: seed must be an int, a NumPy Generator or None, got "
                        f"{type(seed).__name__}")
    if seed is not None and seed < 0:
        raise ValueError(f"{fn}: seed must be >= 0, got {seed}")
    return np.random.default_rng(seed)


def _positional(fn: str, name: str, estimator, args, kwargs):
    """The call's arguments with every parameter that can be given by position given so (a
    variable passed by keyword, ``y=``, takes its place), the keyword-only rest, and the names
    of the positional parameters (none when the estimator has no signature to read)."""
    try:
        signature = inspect.signature(estimator)
    except (TypeError, ValueError):  # no signature to read: as given
        return list(args), dict(kwargs), []
    try:
        bound = signature.bind(*args, **kwargs)
    except TypeError as e:
        raise TypeError(f"{fn}: the arguments do not fit {name}{signature}: {e}") from None
    names = [p.name for p in signature.parameters.values()
             if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return list(bound.args), dict(bound.kwargs), names


def _native(B, x):
    """``x`` as a tensor of backend ``B`` in its computing form (lists and NumPy arrays join a
    framework's; a legacy MXNet NDArray becomes an mxnet.numpy one)."""
    if not B.is_native(x):
        x = np.asarray(x)
    if B.dtype_kind(x) == "f":
        return B.float_tensor(x)
    return B.label_tensor(x, None)


# --- the shuffles ---------------------------------------------------------------------------
def _indexer(fn, estimator, name, spec, shuffle, block_length, shape, rng):
    """A function giving, per call, the flat source index of each entry of the shuffled
    argument (an int64 array of its ``shape``), after checking the shuffle fits it."""
    nd = len(shape)
    if nd == 0:
        raise ValueError(f"{fn}: {name} must hold samples, got a scalar")
    if shuffle == "trials":
        if spec.trials is None or nd < -spec.trials:
            what = (f"{name} has shape {shape}" if spec.trials is not None else
                    f"{estimator} has no trials axis")
            raise ValueError(f"{fn}: shuffle='trials' permutes the trials of (trials, time) "
                             f"series (transfer_entropy_from_labels, transfer_entropy_ksg); "
                             f"{what}")
        axis = spec.trials % nd
    else:
        axis = (spec.samples if spec.samples >= 0 else max(spec.samples, -nd)) % nd
    n = shape[axis]
    if n is None or n < 2:
        raise ValueError(f"{fn}: {name} has {n} {'trials' if shuffle == 'trials' else 'samples'}"
                         f" on axis {axis}; a permutation needs at least 2")
    if shuffle == "blocks":
        length = max(1, round(n / 10)) if block_length is None else block_length
        _check_int(fn, "block_length", length)
        if length > n:
            raise ValueError(f"{fn}: block_length must be at most the {n} samples of {name}, "
                             f"got {length}")
        starts = np.arange(0, n, length)
        pieces = [np.arange(s, min(s + length, n)) for s in starts]
        def draw():
            return np.concatenate([pieces[i] for i in rng.permutation(len(pieces))])
    else:
        def draw():
            return rng.permutation(n)
    source = np.arange(math.prod(shape), dtype=np.int64).reshape(shape)
    columns = None if spec.columns is None or nd < 2 else spec.columns % nd
    if columns is None or shuffle == "trials":
        return lambda: np.take(source, draw(), axis=axis)

    def each_variable():
        perms = np.stack([draw() for _ in range(shape[columns])])  # (k, n)
        perms = perms.T if axis < columns else perms
        perms = perms.reshape([shape[d] if d in (axis, columns) else 1 for d in range(nd)])
        return np.take_along_axis(source, perms, axis=axis)
    return each_variable


def _looped_null(B, estimator, x, host, index, args, kwargs, P):
    shape = np.shape(x) if host else tuple(B.shape(x))
    flat = x.reshape(-1) if host else B.reshape(x, (-1,))
    out = []
    for _ in range(P):
        idx = index()
        if host:
            args[0] = flat[idx]
        else:
            args[0] = B.reshape(B.take(flat, B.label_tensor(idx.reshape(-1), x)), shape)
        v = _native(B, estimator(*args, **kwargs))
        out.append(B.reshape(v, (1,) + tuple(B.shape(v))))
    return B.concat(out)


# --- the batched null of the label estimators ------------------------------------------------
def _batched_null(B, variables, kwargs, P, rng):
    """MI or CMI from labels on ``P`` shuffles of the labels ``x`` (``variables[0]``) against
    the others, as a (P,) stack: the labels' codes are read on the host (labels of any kind
    the estimator takes: :func:`~infotheory._convert.category_codes`), the tables of the
    shuffled data drawn there (:func:`_null_tables`, from the label counts only, or by
    shuffling ``x``'s codes), and the statistic computed on the stack of tables on the
    backend. Units and the clamp at 0 as the estimator has them."""
    method = kwargs.get("method", "plugin")
    base = kwargs.get("base")
    base = _units.resolve(2.0) if base is None else base
    like = next((v for v in variables if B.is_native(v) and not isinstance(v, np.ndarray)),
                None)
    host = [np.asarray(B.to_numpy(v) if B.is_native(v) and not isinstance(v, np.ndarray)
                       else v) for v in variables]
    columns = [c for a in host for c in (a.T if a.ndim == 2 else [a])]  # z: (n, m) columns
    host_x, *columns = [category_codes(c) for c in columns]
    n, nx = len(host_x), int(host_x.max()) + 1
    sizes, host_rest = [], np.zeros(n, dtype=np.int64)
    for column in columns:  # codes 0..k-1, every one present
        k = int(column.max()) + 1
        sizes.append(k)
        host_rest = host_rest * k + column
    cells = math.prod(sizes)
    block = max(1, min(P, _BLOCK_CELLS // max(n, nx * cells)))
    out = []
    for start in range(0, P, block):
        size = min(block, P - start)
        tables = _null_tables(host_x, nx, host_rest, cells, size, rng)
        tables = B.reshape(B.label_tensor(tables, like), (size, nx) + tuple(sizes))
        # I(X; Y) (one other column) or I(X; Y | Z...) of each table of the stack
        out.append(cmi_of_table(B, tables, n, (0,), (1,), tuple(range(2, 1 + len(sizes))),
                                 method, lead=1))
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


_BATCHED = (mutual_information_from_labels, conditional_mutual_information_from_labels)
