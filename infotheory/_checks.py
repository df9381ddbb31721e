"""The free structural checks: what a plan verifies on static shapes, kinds and options, with
no tensor value read. Each raises our error naming the function and the argument. Also the
declaration of a tensor argument (:class:`Input`: its kind and shape contract), which these
checks and the conversion read.

Used by the declarations' ``plan`` functions and by :mod:`infotheory._frontend` itself.
"""
from __future__ import annotations

import math
import numbers
from typing import Callable, Dict, Optional, Tuple, Union

from .backends._base import normalize_axes

REDUCTIONS = ("mean", "sum", "none")


class Input:
    """A tensor argument: its name, kind (a string, or a function of the options giving one),
    whether it may be None, a hint appended to a dtype error, and its shape contract with
    another input, checked on the static shapes before ``plan``: ``agrees_with="y_hat"``, the
    same shape (as torch's losses require of a target); ``broadcasts_to="y_hat"``, a shape that
    broadcasts to that input's without enlarging it (a weight). A contract never lets a
    (N, 1) prediction and a (N,) target broadcast to (N, N)."""
    __slots__ = ("name", "kind", "optional", "hint", "agrees_with", "broadcasts_to")

    def __init__(self, name: str, kind: Union[str, Callable[[dict], str]] = "dist",
                 optional: bool = False, hint: str = "", *, agrees_with: Optional[str] = None,
                 broadcasts_to: Optional[str] = None):
        self.name, self.kind, self.optional, self.hint = name, kind, optional, hint
        self.agrees_with, self.broadcasts_to = agrees_with, broadcasts_to


def log_base(fn: str, base) -> float:
    """``ln(base)`` for a real base > 0, != 1 (a Python or NumPy number, not a tensor)."""
    if type(base) is int or type(base) is float:  # the common case, checked cheaply
        if base > 0 and base != 1 and base != math.inf:
            return math.log(base)
    if isinstance(base, bool) or not isinstance(base, numbers.Real):
        raise TypeError(f"{fn}: base must be a real number (a Python or NumPy scalar), got "
                        f"{type(base).__name__}")
    try:
        ok = base > 0 and base != 1 and math.isfinite(base)
    except OverflowError:  # an int too large for a float is finite
        ok = True
    if not ok:
        raise ValueError(f"{fn}: base must be positive, finite and not 1, got {base!r}")
    return math.log(base)


def check_flag(fn: str, name: str, value) -> None:
    """A True/False option (``from_logits="yes"`` is a mistake, not a truthy value)."""
    if value is not True and value is not False:
        raise TypeError(f"{fn}: {name} must be True or False, got {value!r}")


def reduction(fn: str, value) -> str:
    if not isinstance(value, str) or value not in REDUCTIONS:
        raise ValueError(f"{fn}: reduction must be one of {REDUCTIONS}, got {value!r}")
    return value


def axes(fn: str, axis, ndim: int) -> Tuple[int, ...]:
    if type(axis) is int and -ndim <= axis < ndim:  # the common case, checked cheaply
        return (axis % ndim,)
    try:
        return normalize_axes(axis, ndim)
    except (TypeError, ValueError) as e:
        raise type(e)(f"{fn}: {e}") from None


def _known(d) -> Optional[int]:
    if d is None or (isinstance(d, float) and math.isnan(d)):
        return None
    return int(d)


def shape_of(fn: str, name: str, B, x) -> Tuple[Optional[int], ...]:
    """Static shape with unknown dimensions as ``None``; our error for an unknown rank or a
    rank the backend does not support."""
    try:
        shape = B.shape(x)
    except ValueError as e:
        raise ValueError(f"{fn}: {name} {e}") from None
    if not all(type(d) is int for d in shape):  # unknown (None, NaN) or non-int dimensions
        shape = tuple(_known(d) for d in shape)
    if B.max_ndim is not None and len(shape) > B.max_ndim:
        raise ValueError(f"{fn}: {name} has {len(shape)} dimensions; the {B.name} backend "
                         f"supports at most {B.max_ndim}")
    return shape


def broadcast(fn: str, **shapes) -> Tuple[Optional[int], ...]:
    """Broadcast static shapes (``None`` = unknown); ``ValueError`` naming the arguments."""
    ndim = max(len(s) for s in shapes.values())
    out = []
    for i in range(-ndim, 0):
        dims = {s[i] for s in shapes.values() if len(s) >= -i} - {1}
        known = dims - {None}
        if len(known) > 1:
            desc = ", ".join(f"{k} {tuple(v)}" for k, v in shapes.items())
            raise ValueError(f"{fn}: shapes do not broadcast: {desc}")
        out.append(known.pop() if known else (None if None in dims else 1))
    return tuple(out)


def _same(a, b) -> bool:
    return len(a) == len(b) and all(x is None or y is None or x == y for x, y in zip(a, b))


def check_contract(fn: str, inp: Input, shapes: Dict[str, tuple]) -> None:
    """``inp``'s declared shape contract (see :class:`Input`) on the static shapes present."""
    other = inp.agrees_with or inp.broadcasts_to
    if inp.name not in shapes or other not in shapes:
        return
    mine, want = shapes[inp.name], shapes[other]
    if inp.agrees_with:
        if _same(mine, want):
            return
        fix = ""
        if mine == want[:-1] and want[-1:] == (1,):
            fix = (f"; drop {other}'s trailing axis of size 1 ({other}[..., 0]) or reshape "
                   f"{inp.name}")
        elif want == mine[:-1] and mine[-1:] == (1,):
            fix = f"; drop {inp.name}'s trailing axis of size 1 ({inp.name}[..., 0])"
        raise ValueError(f"{fn}: {inp.name} must have {other}'s shape {want}, got {mine}{fix}")
    try:
        out = broadcast(fn, **{other: want, inp.name: mine})
    except ValueError:
        out = None
    if out is None or not _same(out, want):
        raise ValueError(f"{fn}: {inp.name} of shape {mine} must broadcast to {other}'s shape "
                         f"{want} without enlarging it")


def need_ndim(fn: str, name: str, shape, n: int) -> None:
    if len(shape) < n:
        raise ValueError(f"{fn}: {name} needs at least {n} dimension(s), got shape {tuple(shape)}")


