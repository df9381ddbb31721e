"""Estimators beyond pairs from labels: conditional mutual information, transfer entropy, total
correlation and O-information, each from the contingency table of the label columns it needs
(counted on the backend; on Dask chunk by chunk), in bits by default.

Each is a sum of entropies of marginals of that table: ``I(X;Y|Z) = H(X,Z) + H(Y,Z) -
H(X,Y,Z) - H(Z)``. ``method="miller_madow"`` adds to each entropy its Miller-Madow correction
``(m - 1) / (2 N)`` nats (``m`` the nonzero cells of that marginal); the corrected value can be
below 0.
"""
from __future__ import annotations

from typing import Dict, Optional, Sequence, Tuple

from .. import _kernels as K
from .._checks import check_flag
from .._frontend import Function, Input, public
from ._common import array_like, check_k, check_method, on_table, same_rows
from .discrete import _FLOAT_LABELS, MI_METHODS
from .knn import _column_std as column_std, _scale, cmi_ksg

Tensor = object


def _entropies(B, counts, n, subsets: Sequence[Tuple[int, ...]], method, lead: int = 0) -> Dict:
    """``H(X_S)`` in nats for each subset ``S`` of the table's axes (with the Miller-Madow
    correction when asked); the first ``lead`` axes of ``counts`` are a batch of tables."""
    counts = B.to_float64(counts)
    axes = tuple(range(len(B.shape(counts)) - lead))
    out = {}
    for keep in subsets:
        if not keep:
            out[keep] = 0.0
            continue
        rest = tuple(a + lead for a in axes if a not in keep)
        m = B.sum(counts, rest, keepdims=True) if rest else counts
        table_axes = tuple(a + lead for a in axes)
        h = K.neg_sum_xlogx(B, m * (1.0 / n), table_axes)
        if method == "miller_madow":
            cells = B.sum(B.where(m > 0, 1.0, 0.0 * m), table_axes)
            h = h + (cells - 1.0) * (0.5 / n)
        out[keep] = h
    return out


def _cmi_of_table(B, counts, n, x, y, z, method, lead: int = 0):
    """``I(X;Y|Z)`` (nats) of a table whose axes ``x``, ``y``, ``z`` (tuples) are the groups;
    the first ``lead`` axes of ``counts`` are a batch of tables (the permutation test's)."""
    xz, yz, xyz = tuple(sorted(x + z)), tuple(sorted(y + z)), tuple(sorted(x + y + z))
    h = _entropies(B, counts, n, [xz, yz, xyz, z], method, lead=lead)
    return h[xz] + h[yz] - h[xyz] - h[z]


def _columns(B, x, n_columns):
    """The label columns of a 1-D vector (one) or an (n, m) array (m)."""
    return [x] if n_columns is None else [x[:, j] for j in range(n_columns)]


def _width(c, name) -> Optional[int]:
    """None for a 1-D input, else its number of columns (an (n, m) input)."""
    shape = c.shape(name)
    if len(shape) == 1:
        return None
    if len(shape) != 2 or shape[1] is None or shape[1] < 1:
        raise c.error(f"{name} must be a vector of labels (n,) or label columns (n, m), got "
                      f"shape {tuple(shape)}")
    return shape[1]


_LABELS = dict(kind="categories", hint=_FLOAT_LABELS)


# --- conditional mutual information ------------------------------------------------------
@public
def conditional_mutual_information_from_labels(x: Tensor, y: Tensor, z: Tensor, *,
                                               base: Optional[float] = None,
                                               method: str = "plugin") -> Tensor:
    """Conditional mutual information ``I(X;Y|Z)`` of label vectors, from their contingency
    table: ``H(X,Z) + H(Y,Z) - H(X,Y,Z) - H(Z)`` (pyitlib's
    ``information_mutual_conditional``), in bits by default. ``z`` is one label vector (n,) or
    several columns (n, m), conditioned on jointly. ``method``: ``"plugin"`` (>= 0) or
    ``"miller_madow"``. A 0-d float64 tensor of the labels' framework.

    Labels are integers or categories, so they hold no NaN; floating labels are refused
    (``TypeError``).

    >>> x = [0, 0, 1, 1, 0, 0, 1, 1]; y = [0, 1, 0, 1, 0, 1, 0, 1]
    >>> z = [a ^ b for a, b in zip(x, y)]          # XOR: x, y independent, not given z
    >>> float(conditional_mutual_information_from_labels(x, y, z))
    1.0
    """
    fn = "conditional_mutual_information_from_labels"
    check_method(fn, method, MI_METHODS)
    return _CMI(array_like(x), array_like(y), array_like(z), base=base, method=method)


def _plan_cmi(c):
    for name in ("x", "y"):
        if len(c.shape(name)) != 1:
            raise c.error(f"{name} must be a 1-D vector of labels, got shape "
                          f"{tuple(c.shape(name))}")
    m = _width(c, "z")
    return {"n": same_rows(c, "x", "y", "z"), "m": m, "method": c.options["method"]}


def _cmi(B, x, y, z, n, m, method):
    columns = [x, y] + _columns(B, z, m)
    zs = tuple(range(2, len(columns)))
    return on_table("conditional_mutual_information_from_labels", B,
                    lambda B, t, n: _cmi_of_table(B, t, n, (0,), (1,), zs, method), columns, n)


_CMI = Function("conditional_mutual_information_from_labels",
                [Input("x", **_LABELS), Input("y", **_LABELS), Input("z", **_LABELS)], _cmi,
                plan=_plan_cmi, nonnegative=lambda o: o["method"] == "plugin", unit=2)


# --- transfer entropy ------------------------------------------------------------------
@public
def transfer_entropy_from_labels(source: Tensor, target: Tensor, *, history: int = 1,
                                 source_history: int = 1, lag: int = 1,
                                 base: Optional[float] = None,
                                 method: str = "plugin") -> Tensor:
    """Transfer entropy from ``source`` to ``target`` (Schreiber 2000), as IDTxl and JIDT
    define it for discrete data: ``TE = I(Y_t ; S_{t-lag}^{(l)} | Y_{t-1}^{(k)})``, the
    information the source's past (``l = source_history`` values ending at ``t - lag``) adds
    about the target's present ``Y_t`` beyond the target's own past (``k = history`` values
    ending at ``t - 1``). In bits by default.

    Args:
        source, target: label sequences of one length, (time,), or (trials, time) pooled over
            trials (each trial embedded on its own).
        history, source_history, lag: ``k >= 1``, ``l >= 1``, ``lag >= 1``.
        method: ``"plugin"`` (>= 0) or ``"miller_madow"``.

    Returns: a 0-d float64 tensor of the inputs' framework.

    Labels are integers or categories, so they hold no NaN; floating labels are refused
    (``TypeError``).

    >>> s = [0, 1, 1, 0, 1, 0, 0, 1, 1, 1, 0, 0, 1, 0, 1, 1]
    >>> y = [0] + s[:-1]                      # the target copies the source one step later
    >>> round(float(transfer_entropy_from_labels(s, y)), 3)   # H(S) given nothing of Y's past
    0.969
    """
    fn = "transfer_entropy_from_labels"
    check_method(fn, method, MI_METHODS)
    for name, v in (("history", history), ("source_history", source_history), ("lag", lag)):
        check_k(fn, v, name)
    return _TE(array_like(source), array_like(target), base=base, history=history, source_history=source_history,
               lag=lag, method=method)


def _plan_te(c):
    s, t = c.shape("source"), c.shape("target")
    if len(s) not in (1, 2) or tuple(s) != tuple(t):
        raise c.error(f"source and target must be label sequences (time,) or (trials, time) of "
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
    return {"start": start, **o}


def _embedded(B, x, offsets, start):
    """Columns ``x[..., t + d]`` for ``t`` from ``start`` to the end, one per offset ``d``
    (<= 0), pooled over trials."""
    time = B.shape(x)[-1]
    out = []
    for d in offsets:
        col = x[..., start + d:time + d] if d < 0 else x[..., start:]
        out.append(B.reshape(col, (-1,)) if len(B.shape(x)) == 2 else col)
    return out


def _embed(B, source, target, start, history, source_history, lag):
    """The target's present, the source's past and the target's past as lists of columns."""
    present = _embedded(B, target, [0], start)
    past = _embedded(B, target, [-i for i in range(1, history + 1)], start)
    src = _embedded(B, source, [-(lag + i) for i in range(source_history)], start)
    return present, src, past


def _te(B, source, target, start, history, source_history, lag, method):
    present, src, past = _embed(B, source, target, start, history, source_history, lag)
    columns = present + src + past
    n = B.shape(columns[0])[0]
    ys = tuple(range(1, 1 + source_history))
    zs = tuple(range(1 + source_history, len(columns)))
    return on_table("transfer_entropy_from_labels", B,
                    lambda B, t, n: _cmi_of_table(B, t, n, (0,), ys, zs, method), columns, n)


_TE = Function("transfer_entropy_from_labels",
               [Input("source", **_LABELS), Input("target", **_LABELS)], _te, plan=_plan_te,
               nonnegative=lambda o: o["method"] == "plugin", unit=2)


# --- total correlation and O-information -------------------------------------------------
def _plan_columns(c):
    width = _width(c, "x")
    if width is None or width < 2:
        raise c.error(f"x must hold at least two label columns (n, m), got shape "
                      f"{tuple(c.shape('x'))}")
    return {"n": same_rows(c, "x"), "m": width, "method": c.options["method"]}


def _multi(name, combine):
    def math_(B, x, n, m, method):
        def finish(B, t, n):
            axes = tuple(range(m))
            singles = [(a,) for a in axes]
            rests = [tuple(b for b in axes if b != a) for a in axes]
            h = _entropies(B, t, n, [axes] + singles + rests, method)
            return combine(m, h[axes], sum(h[s] for s in singles), sum(h[r] for r in rests))
        return on_table(name, B, finish, _columns(B, x, m), n)
    return math_


_TC = Function("total_correlation_from_labels", [Input("x", **_LABELS)],
               _multi("total_correlation_from_labels", lambda m, h, singles, rests: singles - h),
               plan=_plan_columns, nonnegative=lambda o: o["method"] == "plugin", unit=2)
_O = Function("o_information_from_labels", [Input("x", **_LABELS)],
              _multi("o_information_from_labels",
                     lambda m, h, singles, rests: (m - 2) * h + singles - rests),
              plan=_plan_columns, unit=2)


@public
def total_correlation_from_labels(x: Tensor, *, base: Optional[float] = None,
                                  method: str = "plugin") -> Tensor:
    """Total correlation ``sum_i H(X_i) - H(X_1, ..., X_m)`` of label columns ``x`` (n, m),
    from their contingency table, in bits by default (>= 0 with ``method="plugin"``).

    Labels are integers or categories, so they hold no NaN; floating labels are refused
    (``TypeError``).

    >>> round(float(total_correlation_from_labels([[0, 0, 0], [1, 1, 1]] * 4)), 12)  # copies
    2.0
    """
    check_method("total_correlation_from_labels", method, MI_METHODS)
    return _TC(array_like(x), base=base, method=method)


@public
def o_information_from_labels(x: Tensor, *, base: Optional[float] = None,
                              method: str = "plugin") -> Tensor:
    """O-information ``TC - DTC = (m - 2) H(X) + sum_i [H(X_i) - H(X_rest)]`` of label
    columns ``x`` (n, m): > 0 when redundancy dominates, < 0 when synergy does. Bits by
    default.

    Labels are integers or categories, so they hold no NaN; floating labels are refused
    (``TypeError``).

    >>> xor = [[a, b, a ^ b] for a in (0, 1) for b in (0, 1)]
    >>> round(float(o_information_from_labels(xor)), 12)
    -1.0
    """
    check_method("o_information_from_labels", method, MI_METHODS)
    return _O(array_like(x), base=base, method=method)


# --- transfer entropy of continuous samples ------------------------------------------------
@public
def transfer_entropy_ksg(source: Tensor, target: Tensor, *, history: int = 1,
                         source_history: int = 1, lag: int = 1, k: int = 4,
                         base: Optional[float] = None, standardize: bool = True) -> Tensor:
    """Transfer entropy from ``source`` to ``target`` of continuous samples,
    ``I(Y_t ; S_{t-lag}^{(l)} | Y_{t-1}^{(k)})`` (as :func:`transfer_entropy_from_labels`
    embeds it) by the conditional KSG estimator
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
    fn = "transfer_entropy_ksg"
    for name, v in (("history", history), ("source_history", source_history), ("lag", lag),
                    ("k", k)):
        check_k(fn, v, name)
    return _TE_KSG(source, target, base=base, history=history, source_history=source_history,
                   lag=lag, k=k, standardize=standardize)


def _plan_te_ksg(c):
    if c.B.lazy:
        raise c.error(f"source is a lazy {c.B.name} array: the k-nearest-neighbour estimators "
                      f"search all the samples at once; compute it into memory first (for "
                      f"Dask: .compute())", NotImplementedError)
    plan = _plan_te(c)
    check_flag(c.fn, "standardize", c.options["standardize"])
    s = c.shape("source")
    if None in s:
        raise c.error(f"source needs a known shape, got {tuple(s)}")
    plan["n"] = (s[-1] - plan["start"]) * (s[0] if len(s) == 2 else 1)
    if plan["n"] < plan["k"] + 1:
        raise c.error(f"the embedded sequences have {plan['n']} samples; k={plan['k']} needs "
                      f"at least {plan['k'] + 1}")
    return plan


def _te_ksg(B, source, target, start, history, source_history, lag, k, standardize, n):
    _scale(B, "transfer_entropy_ksg", ("source", source), ("target", target))  # NaN: named
    if standardize:  # each series by its own deviation: the target's present and past columns
        # on one scale, so that a distance the two share is the same number in both (a tie
        # the "strictly closer" counts then break alike on every backend)
        source, target = (v / _series_std(B, v) for v in (source, target))
    present, src, past = _embed(B, source, target, start, history, source_history, lag)
    stack = lambda cols: B.concat([B.expand_dims(c, 1) for c in cols], axis=1)  # noqa: E731
    return cmi_ksg(B, "transfer_entropy_ksg", stack(present), stack(src), stack(past), n, k,
                   False)


def _series_std(B, v):
    """The standard deviation of all the values of a series (or of its trials), (1, 1)."""
    flat = B.reshape(v, (-1, 1))
    return B.reshape(column_std(B, flat, B.shape(flat)[0]), ())


_TE_KSG = Function("transfer_entropy_ksg", [Input("source", "real"), Input("target", "real")],
                   _te_ksg, plan=_plan_te_ksg, unit=2)
