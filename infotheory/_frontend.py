"""The one call pipeline every public function goes through.

``run`` does, in order: check ``base`` -> find the backend of the inputs -> enter its scope ->
convert each input by its kind (floating distributions, real values, integer labels, or targets
told apart by dtype) -> the measure's free structural checks and, when validation is on, its
value checks (``prepare``) -> cast the floating inputs to one compute dtype -> the measure's
mathematics (``math``, in nats, over the backend's primitives) -> clamp at 0 for measures that
cannot be negative -> divide by ln(base) -> cast back -> hand back the caller's kind of tensor.

Nothing here reads a tensor's values (no host sync) except the validation that ``prepare`` runs
when asked to. Shapes may be partly unknown (``None`` or NaN dimensions): free checks raise only
on what is known.
"""
from __future__ import annotations

import functools
import inspect
import itertools
import math
import numbers
import threading
import types
from dataclasses import dataclass
from typing import Any, Callable, Dict, Optional, Sequence, Tuple

import numpy as np

from . import _dispatch, _validation
from ._dispatch import _cache as _dispatch_cache
from ._dispatch import backend_of
from .backends._base import Backend, normalize_axes

# Input kinds. "dist": probabilities (a floating dtype is required: integers look like counts);
# "real": any real values (logits, log-probabilities; integers become floats);
# "labels": integer class indices; "target": labels if its dtype is an integer one, else a
# floating distribution; "counts": integers (computed in float64, as exact counts) or floats.

_REDUCTIONS = ("mean", "sum", "none")


@dataclass
class Input:
    name: str
    value: Any
    kind: str = "dist"
    optional: bool = False
    hint: str = ""  # appended to a dtype error: what to call instead


class Call:
    """What ``prepare`` sees: the backend, converted tensors by name, and helpers for checks."""

    def __init__(self, fn: str, B, tensors: Dict[str, Any], kinds: Dict[str, str],
                 validating: bool):
        self.fn, self.B, self.t, self.kinds, self.validating = fn, B, tensors, kinds, validating

    def shape(self, name: str) -> Tuple[Optional[int], ...]:
        return shape_of(self.fn, name, self.B, self.t[name])

    def error(self, message: str, kind=ValueError):
        return kind(f"{self.fn}: {message}")

    def validate_dist_or_logits(self, name: str, axes, from_logits: bool) -> None:
        """Value checks of ``name``: logits (no NaN, no +inf), or probabilities summing to 1
        over ``axes`` (entries in [0, 1] only, when ``axes`` is None)."""
        if from_logits:
            _validation.logits(self.fn, name, self.B, self.t[name])
        else:
            _validation.probabilities(self.fn, name, self.B, self.t[name], axes)


# --- free checks -------------------------------------------------------------------------
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


def reduction(fn: str, value) -> str:
    if not isinstance(value, str) or value not in _REDUCTIONS:
        raise ValueError(f"{fn}: reduction must be one of {_REDUCTIONS}, got {value!r}")
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


def need_ndim(fn: str, name: str, shape, n: int) -> None:
    if len(shape) < n:
        raise ValueError(f"{fn}: {name} needs at least {n} dimension(s), got shape {tuple(shape)}")


# --- conversion --------------------------------------------------------------------------
def _dtype_kind(fn: str, name: str, B, x) -> str:
    if isinstance(x, np.ma.MaskedArray):
        raise TypeError(f"{fn}: {name} is a NumPy masked array, whose mask would be ignored; "
                        f"pass np.ma.filled({name}, 0) (masked entries as 0) or "
                        f"{name}.compressed()")
    if B.is_native(x):
        return B.dtype_kind(x)
    if isinstance(x, numbers.Number) and not isinstance(x, bool):
        return "c" if isinstance(x, complex) else "f"  # a Python number is a value, not counts
    try:
        return np.asarray(x).dtype.kind
    except ValueError as e:  # ragged nested lists
        raise ValueError(f"{fn}: {name} is a ragged nested sequence ({e})") from None


def _counts_error(fn: str, name: str) -> TypeError:
    return TypeError(
        f"{fn}: {name} has an integer dtype, so it looks like counts, not probabilities; "
        f"normalize it first ({name} / {name}.sum(axis, keepdims=True)) or pass floating values; "
        f"to estimate from counts use infotheory.estimate.entropy_from_counts")


def convert(fn: str, B, inputs: Sequence[Input]) -> Tuple[Dict[str, Any], Dict[str, str]]:
    """Native tensors by name, and each input's resolved kind ("dist", "real" or "labels").
    Floating inputs that are not native join the first native one's dtype and device."""
    if len(inputs) == 1 and inputs[0].kind == "dist" and B.is_float_native(inputs[0].value):
        return {inputs[0].name: inputs[0].value}, {inputs[0].name: "dist"}  # the common case
    tensors: Dict[str, Any] = {}
    kinds: Dict[str, str] = {}
    like = None
    floats = []
    native = [B.is_native(i.value) for i in inputs]
    order = [i for i, n in zip(inputs, native) if n] + [i for i, n in zip(inputs, native) if not n]
    for inp in order:  # native ones first
        x = inp.value
        if x is None:
            if inp.optional:
                continue
            raise TypeError(f"{fn}: {inp.name} must be an array, a tensor or a number, got NoneType")
        if inp.kind == "dist" and B.is_float_native(x):  # the common case, kept cheap
            tensors[inp.name], kinds[inp.name] = x, "dist"
            like = like if like is not None else x
            continue
        kind = _dtype_kind(fn, inp.name, B, x)
        if kind == "b":
            raise TypeError(f"{fn}: {inp.name} has a boolean dtype; expected real numbers")
        if kind not in "fiu":
            what = "complex" if kind == "c" else "non-numeric"
            raise TypeError(f"{fn}: {inp.name} has a {what} dtype; expected real numbers")
        resolved = inp.kind
        if resolved == "target":
            resolved = "labels" if kind in "iu" else "dist"
        if resolved == "counts":
            if kind in "iu":
                kinds[inp.name] = "counts"
                tensors[inp.name] = x  # converted below, as labels are
                continue
            resolved = "real"
        if resolved == "labels":
            if kind not in "iu":
                raise TypeError(f"{fn}: {inp.name} must hold integer class indices, got a "
                                f"floating dtype{inp.hint}")
            kinds[inp.name] = "labels"
            tensors[inp.name] = x  # converted below, once a native float gives the device
            continue
        if resolved == "dist" and kind in "iu":
            raise _counts_error(fn, inp.name)
        kinds[inp.name] = resolved
        tensors[inp.name] = t = B.float_tensor(x, like)
        floats.append(inp.name)
        if like is None and B.is_native(x):
            like = t
    if like is None and floats:
        like = tensors[floats[0]]
    for name, kind in kinds.items():
        if kind == "labels":
            tensors[name] = B.label_tensor(tensors[name], like)
        elif kind == "counts":
            tensors[name] = B.to_float64(B.label_tensor(tensors[name], like))
            kinds[name] = "real"
    return tensors, kinds


# --- the pipeline ------------------------------------------------------------------------
NATS = object()  # ``run``'s base for functions without one: natural-log units


# --- remembered calls -----------------------------------------------------------------------
_PLAIN = frozenset({str, int, float, bool, type(None), types.FunctionType, types.CodeType})
_PLANS: Dict[tuple, "_Plan"] = {}
_MAX_PLANS = 4096
_recording = threading.local()
_TRACING = object()  # _call_key's answer while a compiler traces


def _plain(v) -> bool:
    """A value that may sit in a plan's key or result: no tensor, nothing mutable."""
    t = type(v)
    return t in _PLAIN or (t is tuple and all(_plain(i) for i in v))


@dataclass
class _Plan:
    """What one call did after its checks passed: enough to do it again for another call
    with the same signature (same function, argument dtypes, shapes and plain arguments)."""
    B: Any
    math_fn: Callable
    inputs: Tuple[str, ...]  # the names of the tensors math_fn takes
    extra: dict
    options: dict
    lb: Optional[float]
    nonnegative: bool
    out_dtype: Any
    present: Tuple[str, ...] = ()  # the inputs the call gave (not None), in ``inputs`` order

    def __post_init__(self):
        self.kwargs = {**self.extra, **self.options}
        kind = type(self.B)
        self.scoped = kind.scope is not Backend.scope  # MXNet's: enter it
        # the last steps do nothing but a cast check: done here, one attribute compare
        self.plain_end = (kind.finalize is Backend.finalize and kind.finish is Backend.finish
                          and not self.nonnegative and self.lb in (None, 1.0))
        # a math function may choose its kernel once for the plan (``specialize``): a
        # function of the present tensors, in order
        specialize = getattr(self.math_fn, "specialize", None)
        self.kernel = None
        if specialize is not None and self.plain_end and not self.scoped:
            self.kernel = specialize(self.B, self.present, **self.kwargs)

    def __call__(self, args: tuple, kwargs: dict, names: Tuple[str, ...]):
        B = self.B
        if self.kernel is not None:
            bound = dict(zip(names, args))
            bound.update(kwargs)
            tensors = [bound[n] for n in self.present]
            r = self.kernel(*tensors)
            if self.out_dtype is None or r.dtype == self.out_dtype:
                return r
            return B.finish(B.finalize(r, self.lb, self.nonnegative, self.out_dtype), *tensors)
        call_kwargs = dict(self.kwargs)
        tensors = []
        for n, v in itertools.chain(zip(names, args), kwargs.items()):
            if n in self.inputs and v is not None:
                call_kwargs[n] = v
                tensors.append(v)
        if self.scoped:
            with B.scope():
                r = self.math_fn(B, **call_kwargs)
                return B.finish(B.finalize(r, self.lb, self.nonnegative, self.out_dtype),
                                *tensors)
        r = self.math_fn(B, **call_kwargs)
        if self.plain_end and (self.out_dtype is None or r.dtype == self.out_dtype):
            return r
        return B.finish(B.finalize(r, self.lb, self.nonnegative, self.out_dtype), *tensors)


def remembered(f: Callable) -> Callable:
    """Decorate a public function so that a call with the signature of an earlier call (same
    function, same argument types, dtypes, shapes and devices, same plain arguments) skips the
    dispatch, the conversions and the checks, which passed for that signature, and goes
    straight to the mathematics on the new tensors. A call is remembered only if it ran one
    :func:`run` on its own tensor arguments unchanged (no conversion, no cast), with validation
    off and no compiler tracing. The decorated function must read nothing but the dtypes and
    shapes of its tensor arguments before :func:`run` (true of every function here)."""
    names = tuple(inspect.signature(f).parameters)

    @functools.wraps(f)
    def call(*args, **kwargs):
        key = _call_key(f, args, kwargs)
        if key is _TRACING:  # a compiler traces the call: nothing to remember or replay
            return f(*args, **kwargs)
        if key is not None:
            plan = _PLANS.get(key)
            if plan is not None:
                return plan(args, kwargs, names)
        stack = getattr(_recording, "stack", None)
        if stack is None:
            stack = _recording.stack = []
        stack.append([])
        try:
            out = f(*args, **kwargs)
        finally:
            records = stack.pop()
        if key is not None and len(records) == 1 and records[0] is not None:
            plan, values = records[0]
            bound = dict(zip(names, args))
            bound.update(kwargs)
            # every tensor argument (keyed by signature, not value) must reach the mathematics
            # as one of the plan's inputs, unchanged: a replay hands it the new tensors
            if all(n in names and bound.get(n) is values[n] for n in plan.inputs) and all(
                    n in plan.inputs for n, a in bound.items() if _is_tensor_argument(a)):
                if len(_PLANS) >= _MAX_PLANS:
                    _PLANS.clear()
                _PLANS[key] = plan
        return out
    # AutoGraph (tf.function) calls this as it is: plain Python over the backend's ops, with
    # no control flow on tensor values, needs no conversion (converting the pipeline only
    # slowed tracing, and in a long test process it once resolved a call to another cached
    # conversion). The attribute is AutoGraph's own mark, set without importing TensorFlow.
    call.autograph_info__ = None
    return call


def _call_key(f, args, kwargs):
    """The call's signature, or None when it must not be remembered."""
    if not args:
        return None
    if _dispatch.compiler_tracing():
        return _TRACING
    entry = _dispatch_cache.get(type(args[0]))
    if entry is None or entry[0] != _dispatch._generation:
        return None
    B = entry[1] or _dispatch.numpy_backend()
    checks = _validation._global  # validation on anywhere (or asked for): run every check
    if checks["enabled"] or checks["scopes"] or kwargs.get("validate"):
        return None
    parts = [f]
    for a in args:
        s = _part(B, a)
        if s is None:
            return None
        parts.append(s)
    for k, a in kwargs.items():
        s = _part(B, a)
        if s is None:
            return None
        parts.append((k, s))
    return tuple(parts)


_TENSOR_TYPES: set = set()  # types _part has found to be tensor arguments (the fast case)


def _part(B, a):
    """One argument in a key: a plain value or number with its type (its value matters, as a
    NumPy scalar base does), a tuple item by item, a tensor by its signature."""
    t = type(a)
    if t in _TENSOR_TYPES:
        return B.signature(a)
    if t in _PLAIN:
        return (t, a)
    if _is_tensor_argument(a):
        _TENSOR_TYPES.add(t)
        return B.signature(a)
    return _typed(a) if t is tuple else (t, a)


def _is_tensor_argument(a) -> bool:
    """An argument that ``_call_key`` keys by signature (not by value)."""
    t = type(a)
    return not (t in _PLAIN or t is tuple or isinstance(a, numbers.Number))


def _typed(v):
    """A plain value with its type (``True``, ``1`` and ``1.0`` are equal keys otherwise, and
    the checks tell them apart); None if it is not plain."""
    t = type(v)
    if t is tuple:
        items = tuple(_typed(i) for i in v)
        return None if None in items else (t, items)
    return (t, v) if t in _PLAIN else None


def _record(B, math_fn, inputs, tensors, extra, options, lb, nonnegative, out_dtype) -> None:
    """Offer this run to the enclosing remembered call (if any)."""
    stack = getattr(_recording, "stack", None)
    if not stack:
        return
    records = stack[-1]
    plain = (all(tensors.get(i.name) is i.value for i in inputs if i.value is not None)
             and all(_plain(v) for v in extra.values())
             and all(_plain(v) for v in options.values())
             and (math_fn.__closure__ is None
                  or all(_plain(c.cell_contents) for c in math_fn.__closure__)))
    if not plain:
        records.append(None)
        return
    plan = _Plan(B, math_fn, tuple(i.name for i in inputs), extra, options, lb, nonnegative,
                 out_dtype, tuple(i.name for i in inputs if i.value is not None))
    records.append((plan, {i.name: i.value for i in inputs}))


def run(fn: str, math_fn: Callable, inputs: Sequence[Input], *, base=NATS,
        validate: bool = False, prepare: Optional[Callable] = None, nonnegative: bool = False,
        **options):
    """Compute ``math_fn(B, **tensors, **prepared, **options)`` (nats) through the pipeline.

    ``prepare(call)`` runs the measure's free checks (and, if ``call.validating``, its value
    checks), may replace tensors in ``call.t``, and returns extra keyword arguments for
    ``math_fn``. Returns the caller's kind of tensor, in units of ``base`` (default nats).
    Inside a :func:`remembered` function, the run is offered to it as a plan.
    """
    validating = _validation.active(validate)
    lb = None if base is NATS else log_base(fn, base)
    values = [i.value for i in inputs]
    B = backend_of(*values, fn=fn, names=[i.name for i in inputs])
    with B.scope():
        tensors, kinds = convert(fn, B, inputs)
        call = Call(fn, B, tensors, kinds, validating)
        extra = prepare(call) if prepare is not None else {}
        floats = [k for k in tensors if kinds[k] != "labels"]
        out_dtype = None  # labels only: the result keeps the dtype the mathematics gives
        if floats:
            compute, out_dtype = B.upcast(*(tensors[k] for k in floats))
            tensors.update(zip(floats, compute))
        if not validating and not B.compiling():  # (a compiler's trace reads no record stack)
            _record(B, math_fn, inputs, tensors, extra, options, lb, nonnegative, out_dtype)
        r = math_fn(B, **tensors, **extra, **options)
        return B.finish(B.finalize(r, lb, nonnegative, out_dtype), *values)
