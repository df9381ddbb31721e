"""The one call path every public function goes through, and the declarations it reads.

A public function is a :class:`Function`: its inputs and their kinds, a pure ``plan``, value
``checks`` and its ``math``. Calling it does, in order:

1. find the backend of the inputs (cached per type, :mod:`infotheory._dispatch`);
2. look up the plan of this signature (function, backend, each input's type, dtype, shape and
   device, ``base`` and the options) in a bounded memo; on a miss, convert the inputs by kind
   and compute the plan: ``plan(c)`` runs the free structural checks on the static shapes and
   kinds and returns the keyword arguments of ``math`` (static axes, sizes, flags). It reads no
   tensor value, so it holds for every call with that signature;
3. convert the inputs where the plan says they need it (lists, NumPy arrays joining a
   framework, integer or low-precision dtypes), and cast floating inputs to one compute dtype;
4. when validating, the value checks (``checks(c)``: host reads, never cached);
5. ``math(B, *tensors, **kwargs)``, in nats over the backend's primitives;
6. finish: clamp at 0 for measures that cannot be negative, divide by ``ln(base)``, cast back,
   hand back the caller's kind of tensor.

The memo is a plain dict (lookups and stores are atomic: no lock on the call path), cleared when
it grows past :data:`MAX_PLANS` and whenever a backend is registered or unregistered. While a
compiler that guards on Python traces the call (``torch.compile``), no cache is read or written.
Shapes may be partly unknown (``None`` or NaN dimensions): free checks raise only on what is
known.
"""
from __future__ import annotations

import math
import numbers
from typing import Any, Callable, Dict, Optional, Sequence, Tuple, Union

import numpy as np

from . import _dispatch, _units, _validation
from ._units import switch as units
from ._validation import switch
from .backends._base import Backend, host_read_error, normalize_axes

# Input kinds. "dist": probabilities (a floating dtype is required: integers look like counts);
# "real": any real values (logits, log-probabilities; integers become floats);
# "labels": integer class indices; "categories": labels as scikit-learn takes them (integers,
# bools, strings, any hashable objects: non-integers become the ranks of their sorted distinct
# values, on the host); "target": labels if its dtype is an integer one, else a
# floating distribution; "counts": integers (computed in float64, as exact counts) or floats.
# A kind may also be a function of the call's options (``from_logits`` picks "real" or "dist").

_REDUCTIONS = ("mean", "sum", "none")
NATS = object()  # the unit of functions without a base argument: natural-log units
MAX_PLANS = 4096
_PLANS: Dict[tuple, "Plan"] = {}
DECLARED: list = []  # every Function made, in order (read by the sweeps over the declarations)


def _clear_plans() -> None:
    _PLANS.clear()


_dispatch.on_registry_change(_clear_plans)


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


def public(f: Callable) -> Callable:
    """Mark a public function so that AutoGraph (``tf.function``) calls it as it is: plain
    Python over the backend's ops, with no control flow on tensor values, needs no conversion
    (converting the call path only slowed tracing, and in a long test process it once resolved a
    call to another cached conversion). The attribute is AutoGraph's own mark, set without
    importing TensorFlow."""
    f.autograph_info__ = None
    return f


def logits_or_dist(options: dict) -> str:
    """The kind of a ``from_logits`` input: logits are any real values."""
    return "real" if options["from_logits"] else "dist"


class Call:
    """What ``plan`` and ``checks`` see: the function's name, the backend, each present input's
    static shape and resolved kind, the ``options``; for ``checks`` also the ``tensors`` and the
    keyword arguments the plan returned (``planned``). A plan may set ``math`` to a kernel that computes the
    same thing for this signature (called as ``math(B, *tensors, **kwargs)``)."""

    def __init__(self, fn: str, B, shapes: Dict[str, tuple], kinds: Dict[str, str],
                 options: dict, tensors=None, planned=None):
        self.fn, self.B, self.shapes, self.kinds, self.options = fn, B, shapes, kinds, options
        self.tensors, self.planned = tensors, planned
        #: (i, j, message): input i's shape must equal input j's leading dimensions, where the
        #: static shapes cannot tell (a graph's unknown dimensions): checked in the graph.
        self.runtime_shapes: list = []

    def shape(self, name: str) -> Tuple[Optional[int], ...]:
        return self.shapes[name]

    def has(self, name: str) -> bool:
        return name in self.shapes

    def error(self, message: str, kind=ValueError):
        return kind(f"{self.fn}: {message}")

    def validate_dist_or_logits(self, name: str, axes, from_logits: bool, x=None) -> None:
        """Value checks of ``name`` (or of ``x`` when given): logits (no NaN, no +inf), or
        probabilities summing to 1 over ``axes`` (entries in [0, 1] only, when ``axes`` is
        None)."""
        x = self.tensors[name] if x is None else x
        if from_logits:
            _validation.logits(self.fn, name, self.B, x)
        else:
            _validation.probabilities(self.fn, name, self.B, x, axes,
                                      takes_logits="from_logits" in self.options)


class Plan:
    """What a call with one signature does after its free checks: the math (the function's, or
    the kernel its plan chose) and its keyword arguments, the units, the clamp, and (once a
    first call has run) the output dtype and whether the inputs go to the math as given.
    ``kinds``: the inputs' declared kinds for these options (conversion resolves them per
    call)."""
    __slots__ = ("math", "kwargs", "lb", "nonnegative", "kinds", "out_dtype", "direct", "scoped",
                 "plain_end")

    def __init__(self, math: Callable, kwargs: dict, lb: Optional[float], nonnegative: bool,
                 kinds: tuple):
        self.math, self.kwargs, self.lb, self.nonnegative = math, kwargs, lb, nonnegative
        self.kinds = kinds
        self.out_dtype, self.direct, self.scoped, self.plain_end = None, False, True, False


class Function:
    """A public function's declaration, called by the public function with its tensors
    (positionally, in ``inputs`` order, None for an absent optional one), ``base``,
    ``validate`` and its options (keyword arguments, read by ``plan``).

    ``math(B, *tensors, **plan_kwargs)`` returns nats. ``plan(c)`` (a :class:`Call` without
    tensors) runs the free checks and returns ``math``'s keyword arguments (and may choose a
    kernel for the signature: ``c.math``); without one, the options are passed as they are.
    ``checks(c)`` runs the value checks when validating. ``nonnegative``: clamp the result at
    0 (a bool, or a function of the options). ``unit``: the book's default base of a function
    that takes ``base`` (2 for measures and estimators, ``math.e`` for losses; a call without
    one takes the unit :func:`infotheory.set_default_base` or :func:`infotheory.default_base`
    chose, when set); None for a function in nats with no ``base``."""

    def __init__(self, name: str, inputs: Sequence[Input], math: Callable, *,
                 plan: Optional[Callable] = None, checks: Optional[Callable] = None,
                 nonnegative: Union[bool, Callable[[dict], bool]] = False,
                 unit: Optional[float] = None):
        self.name, self.inputs, self.math = name, tuple(inputs), math
        self.names = tuple(i.name for i in self.inputs)
        self.contracts = tuple(i for i in self.inputs if i.agrees_with or i.broadcasts_to)
        self.plan, self.checks, self.nonnegative = plan, checks, nonnegative
        self.unit = NATS if unit is None else unit
        DECLARED.append(self)

    def __repr__(self):
        return f"<infotheory function {self.name}>"

    def __call__(self, *tensors, base=None, validate: bool = False, **options):
        try:
            tracing = _dispatch.compiler_tracing()
            if base is None:  # the default unit: the book's, or one set for the process or block
                base = self.unit
                if base is not NATS and (units["base"] is not None or units["scopes"]):
                    base = _units.resolve(base, tracing)
            plan = key = None
            # A plan is keyed by every input's type: one found under the backend of the first
            # input's type was made for these types under this registry, by the full lookup
            # below.
            B = None if tracing else _dispatch.cached(tensors[0])
            if B is not None:
                plan, key = _planned(self, B, tensors, base, options)
            if plan is None:
                found = _dispatch.find(tensors, self.name, self.names, tracing)
                if found is not B:
                    B = found
                    if not tracing:
                        plan, key = _planned(self, B, tensors, base, options)
            validating = (validate or switch["enabled"] or switch["scopes"]) and \
                _validation.active(validate, tracing)
            if plan is not None and plan.direct and not validating:
                if plan.scoped:  # MXNet: NumPy semantics around the math
                    with B.scope():
                        r = plan.math(B, *tensors, **plan.kwargs)
                        return B.finish(B.finalize(r, plan.lb, plan.nonnegative, plan.out_dtype),
                                        *tensors)
                r = plan.math(B, *tensors, **plan.kwargs)
                if plan.plain_end and (plan.out_dtype is None or r.dtype == plan.out_dtype):
                    return r  # the common case: no clamp, no units, no cast, no wrapping
                return B.finish(B.finalize(r, plan.lb, plan.nonnegative, plan.out_dtype), *tensors)
            with B.scope():
                return self._convert_and_run(B, tensors, base, options, validating, plan, key)
        except RuntimeError as e:  # a host read under tf.function or jax.jit: name the call
            if not getattr(e, "infotheory_host_read", False) or str(e).startswith(self.name):
                raise
            raise host_read_error(f"{self.name}: {e}") from None

    def _convert_and_run(self, B, tensors, base, options, validating, plan, key):
        fresh = plan is None
        declared = plan.kinds if plan is not None else tuple(
            i.kind(options) if callable(i.kind) else i.kind for i in self.inputs)
        converted, kinds = convert(self.name, B, self.inputs, tensors, declared)
        if fresh:
            plan = self._plan(B, converted, kinds, base, options)
            plan.kinds = declared
        floats = [i for i, k in enumerate(kinds) if k is not None and k != "labels"]
        out_dtype = None  # labels only: the result keeps the dtype the mathematics gives
        if floats:
            compute, out_dtype = B.upcast(*(converted[i] for i in floats))
            for i, t in zip(floats, compute):
                converted[i] = t
        if validating and self.checks is not None:
            self.checks(Call(self.name, B, _shapes(self.name, B, self.names, converted),
                             dict(zip(self.names, kinds)), options,
                             dict(zip(self.names, converted)), plan.kwargs))
        r = plan.math(B, *converted, **plan.kwargs)
        if fresh and key is not None:
            plan.out_dtype = out_dtype
            plan.direct = all(c is t for c, t in zip(converted, tensors))
            kind = type(B)
            plan.scoped = kind.scope is not Backend.scope
            plan.plain_end = (kind.finish is Backend.finish
                              and kind.finalize is Backend.finalize and not plan.nonnegative
                              and plan.lb in (None, 1.0))
            if len(_PLANS) >= MAX_PLANS:
                _PLANS.clear()
            _PLANS[key] = plan
        return B.finish(B.finalize(r, plan.lb, plan.nonnegative, out_dtype), *tensors)

    def _plan(self, B, converted, kinds, base, options) -> Plan:
        lb = None if base is NATS else log_base(self.name, base)
        shapes = _shapes(self.name, B, self.names, converted)
        if not B.pairs_unknown_sizes and len(shapes) > 1 and any(
                None in s for s in shapes.values()):
            raise ValueError(f"{self.name}: an input has chunks of unknown size (as boolean "
                             f"indexing leaves them), so the inputs cannot be paired chunk by "
                             f"chunk; call .compute_chunk_sizes() on each first")
        for i in self.contracts:
            check_contract(self.name, i, shapes)
        c = Call(self.name, B, shapes,
                 {n: k for n, k in zip(self.names, kinds) if k is not None}, options)
        c.math = self.math
        kwargs = self.plan(c) if self.plan is not None else dict(options)
        nonneg = self.nonnegative(options) if callable(self.nonnegative) else self.nonnegative
        math_ = c.math if not c.runtime_shapes else _shapes_checked(c.math, c.runtime_shapes)
        return Plan(math_, kwargs, lb, bool(nonneg), ())


def _shapes_checked(math_: Callable, checks) -> Callable:
    """``math_`` preceded by the backend's in-graph check of each (i, j, message)."""
    def checked(B, *tensors, **kwargs):
        tensors = list(tensors)
        for i, j, message in checks:
            tensors[i] = B.check_leading_dims(tensors[i], tensors[j], message)
        return math_(B, *tensors, **kwargs)
    return checked


def _shapes(fn, B, names, tensors) -> Dict[str, tuple]:
    return {n: shape_of(fn, n, B, x) for n, x in zip(names, tensors) if x is not None}


def _planned(f: Function, B, tensors, base, options) -> Tuple[Optional[Plan], Optional[tuple]]:
    """The memo's plan for this call (or None) and the call's key (None: not keyed)."""
    key = _key(f, B, tensors, base, options)
    if key is None:
        return None, None
    try:
        return _PLANS.get(key), key
    except TypeError:  # an unhashable option (a list): not keyed
        return None, None


def _key(f: Function, B, tensors, base, options) -> Optional[tuple]:
    """The call's signature, or None when it cannot be told (an input that is not a native
    tensor, a base that is not a Python number)."""
    if base is not NATS and type(base) not in _PLAIN:  # a NumPy scalar, or a wrong kind
        return None
    signature = B.signature
    sigs = []
    for x in tensors:
        s = None if x is None else signature(x)
        if s is None and x is not None:  # not native (a list, a NumPy array joining torch)
            return None
        sigs.append(s)
    values = tuple(options.values())  # by value and type (True, 1, 1.0 are equal otherwise)
    return (f, B, base, type(base), values, tuple(map(type, values)), *sigs)


_PLAIN = frozenset({str, int, float, bool})  # a base of these types is keyed by value


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


def check_flag(fn: str, name: str, value) -> None:
    """A True/False option (``from_logits="yes"`` is a mistake, not a truthy value)."""
    if value is not True and value is not False:
        raise TypeError(f"{fn}: {name} must be True or False, got {value!r}")


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


# --- conversion --------------------------------------------------------------------------
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
