"""Estimators of three or more variables from labels: conditional mutual information, transfer
entropy, total correlation and O-information, from the contingency table of the label columns
(its entropies: :func:`~infotheory.estimate._common.table_entropies`).

Labels are integers or categories, as in :mod:`.labels`; results are float64 tensors of the
labels' framework, in bits by default. Each estimator reads top-down: plan, math, declaration,
public function. Their continuous-sample forms are in :mod:`.knn`.
"""
from __future__ import annotations

from typing import Optional

from .._frontend import Function, Input, public
from ._common import (FLOAT_LABELS, MI_METHODS, array_like, check_method, cmi_of_table, embed,
                      embedding, on_table, plugin_only, same_rows, table_entropies)
from .._types import ArrayLike, Int, Real, TensorT

_LABELS = dict(kind="categories", hint=FLOAT_LABELS)


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


# --- conditional mutual information ------------------------------------------------------
def _plan_cmi(c):
    check_method(c.fn, c.options["method"], MI_METHODS)
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
                    lambda B, t, n: cmi_of_table(B, t, n, (0,), (1,), zs, method), columns, n)


_CMI = Function("conditional_mutual_information_from_labels",
                [Input("x", **_LABELS), Input("y", **_LABELS), Input("z", **_LABELS)], _cmi,
                plan=_plan_cmi, nonnegative=plugin_only, unit=2)


@public
def conditional_mutual_information_from_labels(x: TensorT, y: ArrayLike, z: ArrayLike, *,
                                               base: Optional[Real] = None,
                                               method: str = "plugin") -> TensorT:
    r"""Conditional mutual information :math:`I(X;Y \mid Z)` of label vectors, from their
    contingency table: :math:`H(X,Z) + H(Y,Z) - H(X,Y,Z) - H(Z)` (pyitlib's
    ``information_mutual_conditional``), in bits by default. ``z`` is one label vector (n,) or
    several columns (n, m), conditioned on jointly. ``method``: ``"plugin"`` (:math:`\ge 0`) or
    ``"miller_madow"``. A 0-d float64 tensor of the labels' framework.

    Labels are integers or categories, so they hold no NaN; floating labels are refused
    (``TypeError``).

    >>> x = [0, 0, 1, 1, 0, 0, 1, 1]; y = [0, 1, 0, 1, 0, 1, 0, 1]
    >>> z = [a ^ b for a, b in zip(x, y)]          # XOR: x, y independent, not given z
    >>> float(conditional_mutual_information_from_labels(x, y, z))
    1.0
    """
    return _CMI(array_like(x), array_like(y), array_like(z), base=base, method=method)


# --- transfer entropy ------------------------------------------------------------------
def _plan_te(c):
    check_method(c.fn, c.options["method"], MI_METHODS)
    return {"start": embedding(c), **c.options}


def _te(B, source, target, start, history, source_history, lag, method):
    present, src, past = embed(B, source, target, start, history, source_history, lag)
    columns = present + src + past
    n = B.shape(columns[0])[0]
    ys = tuple(range(1, 1 + source_history))
    zs = tuple(range(1 + source_history, len(columns)))
    return on_table("transfer_entropy_from_labels", B,
                    lambda B, t, n: cmi_of_table(B, t, n, (0,), ys, zs, method), columns, n)


_TE = Function("transfer_entropy_from_labels",
               [Input("source", **_LABELS), Input("target", **_LABELS)], _te, plan=_plan_te,
               nonnegative=plugin_only, unit=2)


@public
def transfer_entropy_from_labels(source: TensorT, target: ArrayLike, *, history: Int = 1,
                                 source_history: Int = 1, lag: Int = 1,
                                 base: Optional[Real] = None,
                                 method: str = "plugin") -> TensorT:
    r"""Transfer entropy from ``source`` to ``target`` (Schreiber 2000), as IDTxl and JIDT
    define it for discrete data:

    .. math::

        \mathrm{TE} = I\bigl(Y_t ; S_{t-\mathrm{lag}}^{(l)} \bigm| Y_{t-1}^{(k)}\bigr)

    the information the source's past (:math:`l` = ``source_history`` values ending at
    :math:`t - \mathrm{lag}`) adds about the target's present :math:`Y_t` beyond the target's
    own past (:math:`k` = ``history`` values ending at :math:`t - 1`). In bits by default.

    Args:
        source, target: label sequences of one length, (time,), or (trials, time) pooled over
            trials (each trial embedded on its own).
        history, source_history, lag: :math:`k \ge 1`, :math:`l \ge 1`,
            :math:`\mathrm{lag} \ge 1`.
        method: ``"plugin"`` (:math:`\ge 0`) or ``"miller_madow"``.

    Returns: a 0-d float64 tensor of the inputs' framework.

    Labels are integers or categories, so they hold no NaN; floating labels are refused
    (``TypeError``).

    >>> s = [0, 1, 1, 0, 1, 0, 0, 1, 1, 1, 0, 0, 1, 0, 1, 1]
    >>> y = [0] + s[:-1]                      # the target copies the source one step later
    >>> round(float(transfer_entropy_from_labels(s, y)), 3)   # H(S) given nothing of Y's past
    0.969
    """
    return _TE(array_like(source), array_like(target), base=base, history=history,
               source_history=source_history, lag=lag, method=method)


# --- total correlation and O-information -------------------------------------------------
def _plan_columns(c):
    check_method(c.fn, c.options["method"], MI_METHODS)
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
            h = table_entropies(B, t, n, [axes] + singles + rests, method)
            return combine(m, h[axes], sum(h[s] for s in singles), sum(h[r] for r in rests))
        return on_table(name, B, finish, _columns(B, x, m), n)
    return math_


_TC = Function("total_correlation_from_labels", [Input("x", **_LABELS)],
               _multi("total_correlation_from_labels", lambda m, h, singles, rests: singles - h),
               plan=_plan_columns, nonnegative=plugin_only, unit=2)
_O = Function("o_information_from_labels", [Input("x", **_LABELS)],
              _multi("o_information_from_labels",
                     lambda m, h, singles, rests: (m - 2) * h + singles - rests),
              plan=_plan_columns, unit=2)


@public
def total_correlation_from_labels(x: TensorT, *, base: Optional[Real] = None,
                                  method: str = "plugin") -> TensorT:
    r"""Total correlation :math:`\sum_i H(X_i) - H(X_1, \ldots, X_m)` of label columns ``x``
    (n, m), from their contingency table, in bits by default (:math:`\ge 0` with
    ``method="plugin"``).

    Labels are integers or categories, so they hold no NaN; floating labels are refused
    (``TypeError``).

    >>> round(float(total_correlation_from_labels([[0, 0, 0], [1, 1, 1]] * 4)), 12)  # copies
    2.0
    """
    return _TC(array_like(x), base=base, method=method)


@public
def o_information_from_labels(x: TensorT, *, base: Optional[Real] = None,
                              method: str = "plugin") -> TensorT:
    r"""O-information of label columns ``x`` (n, m):

    .. math::

        \Omega = \mathrm{TC} - \mathrm{DTC}
        = (m - 2) H(X) + \sum_i \left[ H(X_i) - H(X_{-i}) \right]

    (:math:`X_{-i}` all the columns but the :math:`i`-th): > 0 when redundancy dominates, < 0
    when synergy does. Bits by default.

    Labels are integers or categories, so they hold no NaN; floating labels are refused
    (``TypeError``).

    >>> xor = [[a, b, a ^ b] for a in (0, 1) for b in (0, 1)]
    >>> round(float(o_information_from_labels(xor)), 12)
    -1.0
    """
    return _O(array_like(x), base=base, method=method)
