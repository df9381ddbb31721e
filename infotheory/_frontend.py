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

from typing import Callable, Dict, Optional, Sequence, Tuple, Union

from . import _dispatch, _units, _validation
from ._checks import Input, check_contract, log_base, shape_of
from ._convert import convert
from ._types import F
from ._units import switch as units
from ._validation import switch
from .backends._base import Backend, host_read_error

# Input kinds: see :mod:`infotheory._convert` ("dist", "real", "labels", "categories", "target",
# "counts"). A kind may also be a function of the call's options (``from_logits`` picks "real"
# or "dist").

NATS = object()  # the unit of functions without a base argument: natural-log units
MAX_PLANS = 4096
_PLANS: Dict[tuple, "Plan"] = {}
DECLARED: list = []  # every Function made, in order (read by the sweeps over the declarations)


def _clear_plans() -> None:
    _PLANS.clear()


_dispatch.on_registry_change(_clear_plans)


def public(f: F) -> F:
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
    types = tuple(map(type, values))
    if not _KEYED_OPTIONS.issuperset(types):  # an array, a tensor, an object: by identity
        return None  # its hash, if any, would not see a change in place: not keyed
    if tuple in types:  # (0, 1) == (0.0, 1.0) == (False, True): the items' types too
        types = tuple(_item_types(v) if t is tuple else t for v, t in zip(values, types))
        if None in types:
            return None
    return (f, B, base, type(base), values, types, *sigs)


def _item_types(value: tuple) -> Optional[tuple]:
    """The types of a tuple option's items, or None when one is not plain (not keyed)."""
    types = tuple(map(type, value))
    return types if _PLAIN_ITEMS.issuperset(types) else None


_PLAIN = frozenset({str, int, float, bool})  # a base of these types is keyed by value
# option values keyed by value (tuples: of axes; a plan never keeps what they hold otherwise)
_KEYED_OPTIONS = _PLAIN | {type(None), tuple}
_PLAIN_ITEMS = _PLAIN | {type(None)}
