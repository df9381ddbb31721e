"""Run the documented cases and the random agreement check on any registered backend.

A backend is named by :attr:`Backend.name` or one of its :attr:`Backend.variants`; the runner
makes native tensors with ``Backend.from_numpy`` and reads results back with
``Backend.to_numpy``, so a third-party backend needs nothing more than its own class.
"""
from __future__ import annotations

import importlib
import math
from dataclasses import dataclass
from types import ModuleType
from typing import Any, Dict, Iterable, Iterator, List, Optional, Tuple

import numpy as np

import infotheory as it
from infotheory.backends._base import Backend

from . import cases as _cases
from .cases import AGREEMENT_TOL, DTYPE_RTOL, DTYPES, RANDOM_KWARGS, Case
from .reference import REFERENCES


def backend_names() -> Tuple[str, ...]:
    """Every registered backend and variant name, in lookup order (NumPy first)."""
    return tuple(n for b in it.registered_backends() for n in (b.name, *b.variants))


def load_backend(spec: str) -> str:
    """The name of the backend ``spec`` names, registering it first if needed: a registered
    name or variant (built-in, or from an ``infotheory.backends`` entry point), or
    ``"MODULE:CLASS"`` (a :class:`~infotheory.Backend` subclass, instantiated and registered
    ahead of the others, so it computes on its tensor type even where another backend, such as
    an installed release of the same package, claims that type too)."""
    if ":" not in spec:
        _resolve(spec)  # ValueError for an unknown name
        return spec
    module, _, cls_name = spec.partition(":")
    cls = importlib.import_module(module)
    for part in cls_name.split("."):
        cls = getattr(cls, part)
    if not (isinstance(cls, type) and issubclass(cls, it.Backend)):
        raise TypeError(f"{spec} is not an infotheory.Backend subclass")
    from ..backends._base import REQUIRED
    missing = [m for m in REQUIRED if getattr(cls, m) is getattr(it.Backend, m)]
    if missing:
        raise TypeError(f"{spec} does not implement the required methods "
                        f"{', '.join(missing)}; name a complete Backend subclass "
                        f"(infotheory.Backend itself is abstract)")
    registered = it.registered_backends()
    if registered[1:] and type(registered[1]) is cls:
        return registered[1].name
    return it.register_backend(cls(), first=True).name


def get_backend(name: str) -> Backend:
    """The registered :class:`~infotheory.Backend` of a backend or variant name."""
    return _resolve(name)[0]


def _resolve(name: str):
    for b in it.registered_backends():
        if name == b.name:
            return b, None
        if name in b.variants:
            return b, name
    raise ValueError(f"unknown backend {name!r}; known: {', '.join(backend_names())}")


def load_framework(backend: str) -> ModuleType:
    """Import a backend's framework and return its module."""
    return _resolve(backend)[0].import_framework()


def to_native(backend: str, value: Any, dtype: str) -> Any:
    """``value`` as a tensor of ``backend``; floating data in ``dtype``, integers as int64."""
    a = np.asarray(value)
    a = a.astype(np.int64 if a.dtype.kind in "iu" else dtype)
    b, variant = _resolve(backend)
    b.import_framework()
    return b.from_numpy(a, variant)


def to_numpy(x: Any) -> np.ndarray:
    """A NumPy float64 copy of a result of any backend (host copy; for comparisons only); a
    tuple of results (``homogeneity_completeness_v_measure``) as one vector."""
    if isinstance(x, tuple):
        return np.concatenate([to_numpy(v).reshape(-1) for v in x])
    if isinstance(x, np.ndarray) or np.isscalar(x):
        return np.asarray(x, dtype=np.float64)
    return np.asarray(it.backend_of(x).to_numpy(x), dtype=np.float64)


def installed_backends() -> List[str]:
    """The backend names whose framework can be imported here."""
    out = []
    for name in backend_names():
        try:
            load_framework(name)
        except Exception:  # noqa: BLE001 - any import failure means "not installed here"
            continue
        out.append(name)
    return out


def case_id(case: Case, backend: str, dtype: str) -> str:
    """The conformance kit's test id of a documented case (what ``INFOTHEORY_KNOWN_FAILURES``
    patterns match)."""
    return f"case/{case.name}/{backend}/{dtype}"


def agreement_id(measure: str, backend: str, dtype: str) -> str:
    return f"agreement/{measure}/{backend}/{dtype}"


def native_id(backend: str, dtype: str) -> str:
    return f"native/{backend}/{dtype}"


def host_reads_id(backend: str) -> str:
    return f"host-reads/{backend}"


def case_ids(backends: Iterable[str]) -> List[str]:
    """Every test id of the conformance kit for these backend (or variant) names, in the kit's
    order: ``python -m infotheory crosscheck --list`` prints them."""
    backends = list(backends)
    ids = [case_id(c, b, d) for c in _cases.CASES for b in backends for d in DTYPES
           if d in c.dtypes]
    ids += [agreement_id(m, b, d) for m in _cases.random_inputs(0) for b in backends
            for d in DTYPES]
    ids += [native_id(b, d) for b in backends for d in DTYPES]
    ids += [host_reads_id(b) for b in backends]
    return ids


@dataclass
class Result:
    case: str
    backend: str
    dtype: str
    value: Optional[np.ndarray]
    expected: object
    deviation: float
    tolerance: float
    passed: bool
    error: str = ""
    #: The backend declares the function unsupported (``Backend.unsupported``) and it raised
    #: ``NotImplementedError``: not a failure, reported apart.
    unsupported: bool = False

    def as_dict(self) -> dict:
        v = None if self.value is None else np.asarray(self.value).tolist()
        e = np.asarray(self.expected, dtype=float).tolist()
        return {"case": self.case, "backend": self.backend, "dtype": self.dtype, "value": v,
                "expected": e, "deviation": self.deviation, "tolerance": self.tolerance,
                "passed": self.passed, "error": self.error, "unsupported": self.unsupported}


def _call(case: Case, backend: str, dtype: str, measure: Optional[str] = None,
          scalar: bool = False, **kw):
    fn = it
    for part in (measure or case.measure).split("."):  # "estimate.entropy_from_counts"
        fn = getattr(fn, part)
    args = [to_native(backend, a, dtype) for a in case.args]
    if case.kind == "weighted":
        kw = {**kw, "weight": args.pop()}
    value = to_numpy(fn(*args, **{**case.kwargs, **kw}))
    # Arrays without 0-d (legacy mx.nd outside NumPy shape semantics) give a scalar as (1,).
    return value.reshape(()) if value.shape == (1,) and scalar else value


def check_dtypes(dtypes: Iterable[str]) -> List[str]:
    """The dtypes as a list; ``ValueError`` for one the kit has no tolerance for (it would
    otherwise run nothing, or everything in a dtype the cases never meant)."""
    dtypes = [dtypes] if isinstance(dtypes, str) else list(dtypes)
    unknown = [d for d in dtypes if d not in DTYPE_RTOL]
    if unknown:
        raise ValueError(f"infotheory.testing: the conformance cases run in {', '.join(DTYPES)}; "
                         f"got {', '.join(map(repr, unknown))}")
    return dtypes


def run_case(case: Case, backend: str, dtype: str) -> Result:
    """Run one case on one backend and dtype. A failure of the backend (any exception the case
    raises) is a failed :class:`Result`, never an exception; a dtype the kit does not test is
    a ``ValueError``."""
    check_dtypes([dtype])
    expected = np.asarray(case.expected, dtype=np.float64)
    tol = case.atol + DTYPE_RTOL[dtype] * float(np.max(np.abs(expected)))
    try:
        if case.kind in ("value", "weighted"):
            value = _call(case, backend, dtype, scalar=expected.ndim == 0)
            deviation = float(np.max(np.abs(value - expected)))
        elif case.kind == "rows_sum":
            value = _call(case, backend, dtype, scalar=True)
            deviation = float(np.abs(expected.sum() - value))
        elif case.kind == "rows_pmi":
            p_xy = np.asarray(case.args[0], dtype=np.float64)
            pmi = _call(case, backend, dtype, "pointwise_mutual_information")
            value = (p_xy * pmi).sum(axis=-1)
            scalar = _call(case, backend, dtype, scalar=True)
            deviation = max(float(np.max(np.abs(value - expected))),
                            float(np.abs(expected.sum() - scalar)))
        else:
            raise ValueError(f"unknown case kind {case.kind!r}")
    except Exception as e:  # noqa: BLE001 - reported as a failed cell
        declared = isinstance(e, NotImplementedError) and case.measure in \
            _resolve(backend)[0].unsupported
        return Result(case.name, backend, dtype, None, case.expected, math.inf, tol, declared,
                      f"{type(e).__name__}: {e}", unsupported=declared)
    passed = bool(np.all(np.isfinite(value))) and deviation <= tol
    return Result(case.name, backend, dtype, value, case.expected, deviation, tol, passed)


def run(backends: Optional[Iterable[str]] = None, dtypes: Iterable[str] = DTYPES,
        cases: Optional[Iterable[Case]] = None) -> Iterator[Result]:
    """Every case (default :data:`CASES`) on every (installed, by default) backend and dtype
    the case allows."""
    backends = list(backends) if backends is not None else installed_backends()
    dtypes = check_dtypes(dtypes)
    for case in _cases.CASES if cases is None else cases:
        for backend in backends:
            for dtype in dtypes:
                if dtype in case.dtypes:
                    yield run_case(case, backend, dtype)


def references(seed: int = 0) -> Dict[str, Tuple[tuple, np.ndarray]]:
    """Measure -> (args, float64 reference value) for the random agreement check."""
    out = {}
    for measure, args in _cases.random_inputs(seed).items():
        ref = REFERENCES[measure](*args, **RANDOM_KWARGS.get(measure, {}))
        out[measure] = (args, np.asarray(ref, dtype=np.float64))
    return out


def run_agreement(backends: Optional[Iterable[str]] = None, dtypes: Iterable[str] = DTYPES,
                  seed: int = 0) -> Iterator[Result]:
    """Each measure on random batches (with exact zeros): every backend and dtype against an
    independent float64 reference (SciPy, closed forms), within :data:`AGREEMENT_TOL`."""
    backends = list(backends) if backends is not None else installed_backends()
    dtypes = check_dtypes(dtypes)
    for measure, (args, ref) in references(seed).items():
        kwargs = RANDOM_KWARGS.get(measure, {})
        case = Case(f"random {measure}", measure, args, ref, 0.0, kwargs=kwargs)
        finite = np.isfinite(ref)
        for backend in backends:
            for dtype in dtypes:
                atol, rtol = AGREEMENT_TOL[dtype]
                tol = atol + rtol * float(np.max(np.abs(ref[finite]), initial=0.0))
                try:
                    value = _call(case, backend, dtype, scalar=ref.ndim == 0)
                    same_inf = np.array_equal(np.isfinite(value), finite) and np.array_equal(
                        value[~finite], ref[~finite])
                    dev = float(np.max(np.abs(value[finite] - ref[finite]), initial=0.0))
                    yield Result(case.name, backend, dtype, value, ref, dev, tol,
                                 same_inf and dev <= tol)
                except Exception as e:  # noqa: BLE001
                    yield Result(case.name, backend, dtype, None, ref, math.inf, tol, False,
                                 f"{type(e).__name__}: {e}")
