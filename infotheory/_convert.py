"""Conversion of the inputs of a call to native tensors of its backend, by declared kind.

Kinds: "dist" (probabilities; a floating dtype is required: integers look like counts); "real"
(any real values: logits, log-probabilities; integers become floats); "labels" (integer class
indices); "categories" (labels as scikit-learn takes them: integers, bools, strings, any
hashable objects; non-integers become the ranks of their sorted distinct values, on the host);
"target" (labels if its dtype is an integer one, else a floating distribution); "counts"
(integers, computed in float64 as exact counts, or floats).
"""
from __future__ import annotations

import numbers
from typing import Any, Dict, Optional, Sequence, Tuple

import numpy as np

from ._checks import Input

_INTEGRAL_KINDS = ("labels", "target", "categories", "counts")


def _dtype_kind(fn: str, name: str, B, x, kind: str = "dist") -> str:
    if isinstance(x, np.ma.MaskedArray):
        raise TypeError(f"{fn}: {name} is a NumPy masked array, whose mask would be ignored; "
                        f"pass np.ma.filled({name}, 0) (masked entries as 0) or "
                        f"{name}.compressed()")
    if B.is_native(x):
        return B.dtype_kind(x)
    if isinstance(x, numbers.Number) and not isinstance(x, bool):
        if kind in _INTEGRAL_KINDS and isinstance(x, numbers.Integral):
            return "i"  # a class index (or a count) given as a Python int
        return "c" if isinstance(x, complex) else "f"  # a Python number is a value, not counts
    if kind in _INTEGRAL_KINDS and isinstance(x, (list, tuple)) and len(x) == 0:
        return "i"  # no labels: NumPy would call an empty list float64
    try:
        return np.asarray(x).dtype.kind
    except ValueError as e:  # ragged nested lists
        raise ValueError(f"{fn}: {name} is a ragged nested sequence ({e})") from None


def category_codes(values) -> np.ndarray:
    """int64 codes of labels of any hashable kind: the rank of each value among the sorted
    distinct values (scikit-learn's order), or, for values that do not sort (mixed kinds), the
    order of first appearance."""
    a = np.asarray(values)
    if a.dtype.kind == "b":
        return a.astype(np.int64)
    try:
        _, inverse = np.unique(a, return_inverse=True)
    except TypeError:  # values that do not compare (1 and "a", None)
        index: Dict[Any, int] = {}
        flat = a.reshape(-1).tolist()
        inverse = np.fromiter((index.setdefault(v, len(index)) for v in flat), np.int64,
                              len(flat))
    return inverse.reshape(a.shape).astype(np.int64)


def _same_device(fn: str, B, named) -> None:
    """Floating inputs on different devices: our error, before the framework's (labels are
    moved to the floating inputs' device instead)."""
    if len(named) < 2:
        return
    where = [(n, B.device(x)) for n, x in named]
    if any(d != where[0][1] for _, d in where[1:]):
        desc = ", ".join(f"{n} on {d}" for n, d in where)
        raise ValueError(f"{fn}: the inputs are on different devices ({desc}); move them to "
                         f"one device first")


def _counts_error(fn: str, name: str, hint: str = "") -> TypeError:
    return TypeError(
        hint.format(fn=fn, name=name) if hint.startswith("{fn}") else
        f"{fn}: {name} has an integer dtype, so it looks like counts, not probabilities; "
        f"normalize it first ({name} / {name}.sum(axis, keepdims=True)) or pass floating values; "
        f"to estimate from counts use infotheory.estimate.entropy_from_counts{hint}")


def convert(fn: str, B, inputs: Sequence[Input], values: Sequence[Any],
            kinds: Sequence[Optional[str]]) -> Tuple[list, tuple]:
    """Native tensors (a list in ``inputs`` order, None for absent ones) and each input's
    resolved kind ("dist", "real", "labels"; None when absent). Floating inputs that are not
    native join the first native one's dtype and device."""
    n = len(inputs)
    out: list = [None] * n
    resolved: list = [None] * n
    like = None
    floats = []
    native = [B.is_native(x) for x in values]
    order = [i for i in range(n) if native[i]] + [i for i in range(n) if not native[i]]
    deferred = []
    for i in order:  # native ones first
        inp, x, kind = inputs[i], values[i], kinds[i]
        if x is None:
            if inp.optional:
                continue
            raise TypeError(f"{fn}: {inp.name} must be an array, a tensor or a number, "
                            f"got NoneType")
        if native[i]:
            why = B.refuses(x)
            if why is not None:
                raise TypeError(f"{fn}: {inp.name} {why}")
        elif isinstance(x, np.ndarray) and not x.dtype.isnative:  # big-endian: frameworks refuse
            x = x.astype(x.dtype.newbyteorder("="))
        if kind == "dist" and B.is_float_native(x):  # the common case, kept cheap
            out[i], resolved[i] = x, "dist"
            like = like if like is not None else x
            continue
        dk = _dtype_kind(fn, inp.name, B, x, kind)
        if dk == "b" and kind != "categories":
            raise TypeError(f"{fn}: {inp.name} has a boolean dtype; expected real numbers")
        if dk not in "fiu" and kind != "categories":
            what = "complex" if dk == "c" else "non-numeric"
            raise TypeError(f"{fn}: {inp.name} has a {what} dtype; expected real numbers")
        if kind == "target":
            kind = "labels" if dk in "iu" else "dist"
        if kind == "categories":
            if dk not in "iuf":  # bools, strings, objects: their codes, on the host
                x = category_codes(B.to_numpy(x) if native[i] else x)
                dk = "i"
            kind = "labels"
        if kind == "counts":
            if dk == "u" and native[i]:  # straight to float64: through int64, 2^63 wraps
                out[i], resolved[i] = B.to_float64(x), "real"
                continue
            if dk in "iu":
                deferred.append((i, "counts"))
                out[i], resolved[i] = x, "real"
                continue
            kind = "real"
        if kind == "labels":
            if dk not in "iu":
                raise TypeError(f"{fn}: {inp.name} must hold integer class indices, got a "
                                f"floating dtype{inp.hint}")
            deferred.append((i, "labels"))  # converted below, once a native float gives the device
            out[i], resolved[i] = x, "labels"
            continue
        if kind == "dist" and dk in "iu":
            raise _counts_error(fn, inp.name, inp.hint)
        resolved[i] = kind
        try:
            out[i] = t = B.float_tensor(x, like)
        except OverflowError:  # a Python int beyond any float (10**400)
            raise ValueError(f"{fn}: {inp.name} holds a number too large for a floating "
                             f"dtype") from None
        floats.append(i)
        if like is None and native[i]:
            like = t
    if like is None and floats:
        like = out[floats[0]]
    _same_device(fn, B, [(inputs[i].name, out[i]) for i in range(n)
                         if native[i] and resolved[i] in ("dist", "real")])
    for i, kind in deferred:
        try:
            t = B.label_tensor(out[i], like)
        except (NotImplementedError, RuntimeError) as e:  # torch's meta device: no data to move
            raise ValueError(f"{fn}: {inputs[i].name} cannot be moved to the device of the "
                             f"other inputs ({type(e).__name__}: {e}); put the inputs on one "
                             f"device first") from None
        out[i] = B.to_float64(t) if kind == "counts" else t
    return out, tuple(resolved)
