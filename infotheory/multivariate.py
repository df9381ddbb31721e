"""Measures beyond pairs: conditional mutual information and the multivariate measures of a
joint distribution (total correlation, dual total correlation, co-information, O-information).
Rényi and Tsallis: :mod:`infotheory.generalized`.

The multivariate measures take a joint distribution whose variables lie on ``axis`` (default:
every axis; the other axes are a batch) and are sums of the entropies ``H(X_S)`` of its
marginals, each computed by summing the other variables out:

* total correlation ``TC = sum_i H(X_i) - H(X)`` (>= 0: the redundancy of all the variables);
* dual total correlation ``DTC = H(X) - sum_i H(X_i | X_rest)`` (>= 0, the binding information);
* co-information ``I(X_1; ...; X_n) = -sum_{S != {}} (-1)^|S| H(X_S)`` (dit's sign: for three
  variables ``I(X;Y) - I(X;Y|Z)``; negative for synergy, -1 bit for XOR);
* O-information ``Omega = TC - DTC`` (Rosas et al. 2019: > 0 when redundancy dominates, < 0
  when synergy does).

Conventions as for the other measures: bits by default, ``base``, ``validate``, batching,
NaN for a distribution with an entry outside [0, 1], gradients finite at zeros.
"""
from __future__ import annotations

import itertools
import warnings
from typing import Any, Optional

import numpy as np  # noqa: F401  (the docstring examples)

from . import _kernels as K
from ._checks import axes
from ._frontend import Function, Input, public
from ._types import Axis, Real, TensorT


# --- entropies of marginals ----------------------------------------------------------------
def _marginal_entropy(B, p, keep, variables):
    """``H(X_keep)`` (nats): the other variables summed out (kept as size-1 axes)."""
    if not keep:
        return None
    out = tuple(a for a in variables if a not in keep)
    m = B.sum(p, out, keepdims=True) if out else p
    return K.neg_sum_xlogx(B, m, variables)


def _plan_variables(c, minimum=2):
    shape = c.shape("p")
    variables = axes(c.fn, tuple(range(len(shape))) if c.options["axes"] is None else c.options["axes"],
                     len(shape))
    if len(variables) < minimum:
        raise ValueError(f"{c.fn}: needs at least {minimum} variables (axes), got "
                         f"{len(variables)}")
    if len(variables) > 12:
        raise ValueError(f"{c.fn}: at most 12 variables (2^n marginals), got {len(variables)}")
    return {"variables": variables}


def _check_joint(c):
    c.validate_dist_or_logits("p", c.planned["variables"], False)


def _total_correlation(B, p, variables):
    h = K.neg_sum_xlogx(B, p, variables)
    singles = sum(_marginal_entropy(B, p, (v,), variables) for v in variables)
    return K.unit_rows(B, singles - h, p, variables)


def _dual_total_correlation(B, p, variables):
    h = K.neg_sum_xlogx(B, p, variables)
    rests = sum(_marginal_entropy(B, p, tuple(w for w in variables if w != v), variables)
                for v in variables)
    return K.unit_rows(B, rests - (len(variables) - 1) * h, p, variables)


def _co_information(B, p, variables):
    total = None
    for size in range(1, len(variables) + 1):
        for keep in itertools.combinations(variables, size):
            term = _marginal_entropy(B, p, keep, variables)
            term = term if size % 2 else 0.0 - term  # -(-1)^|S| H(X_S)
            total = term if total is None else total + term
    return K.unit_rows(B, total, p, variables)


def _o_information(B, p, variables):
    # TC - DTC = (n - 2) H(X) + sum_i H(X_i) - sum_i H(X_rest)
    n = len(variables)
    h = K.neg_sum_xlogx(B, p, variables)
    singles = sum(_marginal_entropy(B, p, (v,), variables) for v in variables)
    rests = sum(_marginal_entropy(B, p, tuple(w for w in variables if w != v), variables)
                for v in variables)
    return K.unit_rows(B, (n - 2) * h + singles - rests, p, variables)


_JOINT = [Input("p")]
_TC = Function("total_correlation", _JOINT, _total_correlation, plan=_plan_variables,
               checks=_check_joint, nonnegative=True, unit=2)
_DTC = Function("dual_total_correlation", _JOINT, _dual_total_correlation, plan=_plan_variables,
                checks=_check_joint, nonnegative=True, unit=2)
_CO = Function("co_information", _JOINT, _co_information, plan=_plan_variables,
               checks=_check_joint, unit=2)
_O = Function("o_information", _JOINT, _o_information, plan=_plan_variables,
              checks=_check_joint, unit=2)


class _NotGiven:
    """The default of the deprecated ``axes``: told apart from any value a caller passes, and
    shown as ``axes=<not given>`` in signatures and on the site."""

    def __repr__(self) -> str:
        return "<not given>"


_NOT_GIVEN: Any = _NotGiven()


def _variables_axis(fn: str, axis, axes):
    """``axis``, or the deprecated ``axes`` (its name before every function took ``axis``)."""
    if axes is _NOT_GIVEN:
        return axis
    if axis is not None:
        raise TypeError(f"{fn}: got both axis and axes (the deprecated name of axis)")
    warnings.warn(f"{fn}: axes= is deprecated and will be removed in the next release; use "
                  f"axis= (the same values)", DeprecationWarning, stacklevel=3)
    return axes


@public
def total_correlation(p: TensorT, *, axis: Axis = None, base: Optional[Real] = None,
                      validate: bool = False, axes: Axis = _NOT_GIVEN) -> TensorT:
    r"""Total correlation (multi-information)
    :math:`\mathrm{TC}(X_1, \ldots, X_n) = \sum_i H(X_i) - H(X_1, \ldots, X_n)`, >= 0: 0 for
    independent variables, :math:`(n - 1) H` for :math:`n` copies of one.

    Args:
        p: a joint distribution (floating dtype) with one axis per variable.
        axis: the variables' axes, an int or a tuple (default: every axis; the others are a
            batch).
        base: logarithm base; None: the default unit (bits unless chosen otherwise).
        validate: check that ``p`` sums to 1 over ``axis`` (host copy).
        axes: the deprecated name of ``axis`` (a ``DeprecationWarning``; removed in the next
            release).

    Returns: ``p``'s shape without ``axis``. NaN for a distribution with an entry outside
    [0, 1] (``validate=True`` says why).

    >>> copies = np.zeros((2, 2, 2)); copies[0, 0, 0] = copies[1, 1, 1] = 0.5
    >>> round(float(total_correlation(copies)), 12)
    2.0
    """
    axis = _variables_axis("total_correlation", axis, axes)
    return _TC(p, base=base, validate=validate, axes=axis)


@public
def dual_total_correlation(p: TensorT, *, axis: Axis = None, base: Optional[Real] = None,
                           validate: bool = False, axes: Axis = _NOT_GIVEN) -> TensorT:
    r"""Dual total correlation (binding information)
    :math:`\mathrm{DTC}(X) = H(X) - \sum_i H(X_i \mid X_{-i})`, >= 0, where :math:`X_{-i}` is
    every variable but :math:`X_i`.

    Args:
        p: a joint distribution (floating dtype) with one axis per variable.
        axis: the variables' axes, an int or a tuple (default: every axis; the others are a
            batch).
        base: logarithm base; None: the default unit (bits unless chosen otherwise).
        validate: check that ``p`` sums to 1 over ``axis`` (host copy).
        axes: the deprecated name of ``axis`` (a ``DeprecationWarning``; removed in the next
            release).

    Returns: ``p``'s shape without ``axis``. NaN for a distribution with an entry outside
    [0, 1] (``validate=True`` says why).

    >>> copies = np.zeros((2, 2, 2)); copies[0, 0, 0] = copies[1, 1, 1] = 0.5
    >>> round(float(dual_total_correlation(copies)), 12)
    1.0
    """
    axis = _variables_axis("dual_total_correlation", axis, axes)
    return _DTC(p, base=base, validate=validate, axes=axis)


@public
def co_information(p: TensorT, *, axis: Axis = None, base: Optional[Real] = None,
                   validate: bool = False, axes: Axis = _NOT_GIVEN) -> TensorT:
    r"""Co-information (interaction information with dit's sign)
    :math:`I(X_1; \ldots; X_n) = -\sum_{S \neq \emptyset} (-1)^{|S|} H(X_S)`: :math:`I(X;Y)`
    for two variables, :math:`I(X;Y) - I(X;Y \mid Z)` for three; negative when the variables
    are synergistic.

    Args:
        p: a joint distribution (floating dtype) with one axis per variable.
        axis: the variables' axes, an int or a tuple (default: every axis; the others are a
            batch).
        base: logarithm base; None: the default unit (bits unless chosen otherwise).
        validate: check that ``p`` sums to 1 over ``axis`` (host copy).
        axes: the deprecated name of ``axis`` (a ``DeprecationWarning``; removed in the next
            release).

    Returns: ``p``'s shape without ``axis``. NaN for a distribution with an entry outside
    [0, 1] (``validate=True`` says why).

    >>> xor = np.zeros((2, 2, 2))
    >>> for x in (0, 1):
    ...     for y in (0, 1):
    ...         xor[x, y, x ^ y] = 0.25
    >>> round(float(co_information(xor)), 12)
    -1.0
    """
    axis = _variables_axis("co_information", axis, axes)
    return _CO(p, base=base, validate=validate, axes=axis)


@public
def o_information(p: TensorT, *, axis: Axis = None, base: Optional[Real] = None,
                  validate: bool = False, axes: Axis = _NOT_GIVEN) -> TensorT:
    r"""O-information :math:`\Omega = \mathrm{TC} - \mathrm{DTC}`
    (Rosas et al. 2019): > 0 when redundancy dominates the dependencies, < 0 when synergy does
    (-1 bit for XOR).

    Args:
        p: a joint distribution (floating dtype) with one axis per variable.
        axis: the variables' axes, an int or a tuple (default: every axis; the others are a
            batch).
        base: logarithm base; None: the default unit (bits unless chosen otherwise).
        validate: check that ``p`` sums to 1 over ``axis`` (host copy).
        axes: the deprecated name of ``axis`` (a ``DeprecationWarning``; removed in the next
            release).

    Returns: ``p``'s shape without ``axis``. NaN for a distribution with an entry outside
    [0, 1] (``validate=True`` says why).

    >>> xor = np.zeros((2, 2, 2))
    >>> for x in (0, 1):
    ...     for y in (0, 1):
    ...         xor[x, y, x ^ y] = 0.25
    >>> round(float(o_information(xor)), 12)
    -1.0
    """
    axis = _variables_axis("o_information", axis, axes)
    return _O(p, base=base, validate=validate, axes=axis)


# --- conditional mutual information ------------------------------------------------------
def _plan_cmi(c):
    shape = c.shape("p_xyz")
    if len(shape) < 3:
        raise ValueError(f"{c.fn}: p_xyz needs at least 3 dimensions (x, y, z), got shape "
                         f"{shape}")
    n = len(shape)
    return {"variables": (n - 3, n - 2, n - 1)}


def _cmi(B, p, variables):
    x, y, z = variables
    h = K.neg_sum_xlogx(B, p, variables)
    h_xz = _marginal_entropy(B, p, (x, z), variables)
    h_yz = _marginal_entropy(B, p, (y, z), variables)
    h_z = _marginal_entropy(B, p, (z,), variables)
    return K.unit_rows(B, h_xz + h_yz - h - h_z, p, variables)


def _check_cmi(c):
    c.validate_dist_or_logits("p_xyz", c.planned["variables"], False)


_CMI = Function("conditional_mutual_information", [Input("p_xyz")], _cmi, plan=_plan_cmi,
                checks=_check_cmi, nonnegative=True, unit=2)


@public
def conditional_mutual_information(p_xyz: TensorT, *, base: Optional[Real] = None,
                                   validate: bool = False) -> TensorT:
    r"""Conditional mutual information
    :math:`I(X;Y \mid Z) = H(X,Z) + H(Y,Z) - H(X,Y,Z) - H(Z)` of a joint distribution
    ``p_xyz[..., x, y, z]`` over its last three axes (leading axes are a batch), >= 0.

    Args:
        p_xyz: probabilities, floating dtype, at least 3 dimensions.
        base: logarithm base; None: the default unit (bits unless chosen otherwise).
        validate: check that ``p_xyz`` sums to 1 over its last three axes (host copy).

    Returns: ``p_xyz.shape[:-3]``; NaN for a distribution with an entry outside [0, 1].

    >>> xor = np.zeros((2, 2, 2))
    >>> for x in (0, 1):
    ...     for y in (0, 1):
    ...         xor[x, y, x ^ y] = 0.25
    >>> float(conditional_mutual_information(xor))   # X and Y independent, but not given Z
    1.0
    """
    return _CMI(p_xyz, base=base, validate=validate)
