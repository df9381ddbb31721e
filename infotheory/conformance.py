"""The documented cases of *Dive into Deep Learning* section 22.11, as data, and a runner.

The test suite (``tests/conformance/``), the command line (``python -m infotheory crosscheck``)
and third-party backend authors all run these same cases::

    from infotheory import conformance
    for result in conformance.run(backends=["numpy", "torch"], dtypes=["float32", "float64"]):
        print(result)

Each case is given as NumPy data; the runner turns it into native tensors of a backend and dtype
(integer arrays, class labels, stay int64), calls the measure, and compares with the book's value.
Importing this module imports no framework; running a case on a backend imports that framework.
"""
from __future__ import annotations

import importlib
import math
import os
from dataclasses import dataclass, field
from typing import Callable, Dict, Iterable, Iterator, List, Optional, Sequence

import numpy as np

import infotheory as it

#: Backend names the runner knows how to feed, in table order. "mxnet.nd" is the legacy API.
BACKENDS = ("numpy", "torch", "tensorflow", "mxnet", "mxnet.nd")
DTYPES = ("float32", "float64")

#: Agreement with the NumPy float64 reference on random distributions, per dtype (atol, rtol):
#: max |a - b| must be at most ``atol + rtol * max |b|``. float32 sums over up to 64 outcomes
#: accumulate a few ulps of the largest term.
AGREEMENT_TOL = {"float32": (1e-5, 1e-5), "float64": (1e-12, 1e-12)}

#: Extra tolerance for comparing with a value the book printed, beyond its rounding, per dtype.
DTYPE_RTOL = {"float32": 1e-6, "float64": 1e-12}

P_XY = [[0.1, 0.5], [0.1, 0.3]]
PREDS = [[0.3, 0.6, 0.1], [0.2, 0.3, 0.5]]


@dataclass(frozen=True)
class Case:
    """One documented value.

    ``kind``: ``"value"`` compares ``measure(*args, **kwargs)`` with ``expected``;
    ``"rows_sum"`` checks that the book's printed rows ``expected`` add up to the scalar measure;
    ``"rows_pmi"`` checks that they equal the row sums of ``p_xy * pointwise MI``.
    """

    name: str
    measure: str
    args: tuple
    expected: object
    atol: float
    kwargs: dict = field(default_factory=dict)
    kind: str = "value"
    dtypes: Sequence[str] = DTYPES
    note: str = ""


CASES: List[Case] = [
    Case("self_information(1/64)", "self_information", (1 / 64,), 6.0, 1e-6),
    Case("entropy", "entropy", ([0.1, 0.5, 0.1, 0.3],), 1.6855, 5e-5),
    Case("joint_entropy", "joint_entropy", (P_XY,), 1.6855, 5e-5),
    Case("conditional_entropy", "conditional_entropy", ([[0.1, 0.5], [0.2, 0.3]], [0.2, 0.8]),
         0.8635, 5e-5, note="p_x is used as given and broadcast against p_xy, as the book does"),
    Case("mutual_information", "mutual_information", (P_XY, [0.2, 0.8], [[0.75, 0.25]]),
         0.7195, 5e-5, note="the book's explicitly passed marginals"),
    Case("cross_entropy", "cross_entropy", (PREDS, np.array([0, 2])), 0.9486, 5e-5),
    Case("nll_loss", "nll_loss", (np.log(PREDS), np.array([0, 2])), 0.9486, 5e-5),
    Case("card: a known card", "self_information", (1.0,), 0.0, 1e-12),
    Case("card: its suit", "self_information", (1 / 4,), 2.0, 1e-6),
    Case("card: one card of 52", "self_information", (1 / 52,), 5.7, 0.05,
         note="log2(52) = 5.7004"),
    Case("card: uniform over 52 cards", "entropy", ([1 / 52] * 52,), 5.7, 0.05),
    Case("card: an order of the deck", "self_information", (1 / math.factorial(52),), 225.6,
         0.05, dtypes=("float64",),
         note="log2(52!) = 225.58; 1/52! = 1.2e-68 underflows float32, so float64 only"),
    Case("book TF rows: joint_entropy", "joint_entropy", (P_XY,), [0.8321928, 0.8532826], 5e-7,
         kwargs={"axis": -1},
         note="the book's TensorFlow cell used nansum over the last axis only, so it printed "
              "per-row partial sums: joint_entropy(p_xy, axis=-1)"),
    Case("book TF rows: conditional_entropy", "conditional_entropy",
         ([[0.1, 0.5], [0.2, 0.3]], [0.2, 0.8]), [0.43903595, 0.42451128], 5e-7,
         kind="rows_sum", note="per-row partial sums; they add up to the scalar 0.8635"),
    Case("book TF rows: mutual_information", "mutual_information",
         (P_XY, [0.2, 0.8], [[0.75, 0.25]]), [0.60246783, 0.1169925], 5e-7, kind="rows_pmi",
         note="per-row partial sums: the row sums of p_xy * pointwise MI; they add up to 0.7195"),
]


# --- native tensors -----------------------------------------------------------------------
def load_framework(backend: str):
    """Import a backend's framework (MXNet through :func:`infotheory.import_mxnet`)."""
    if backend == "numpy":
        return np
    if backend.startswith("mxnet"):
        return it.import_mxnet()
    if backend == "tensorflow":
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    return importlib.import_module(backend)


def to_native(backend: str, value, dtype: str):
    """``value`` as a tensor of ``backend``; floating data in ``dtype``, integers as int64."""
    a = np.asarray(value)
    a = a.astype(np.int64 if a.dtype.kind in "iu" else dtype)
    fw = load_framework(backend)
    if backend == "numpy":
        return a
    if backend == "torch":
        return fw.from_numpy(a.copy())
    if backend == "tensorflow":
        return fw.constant(a)
    if backend == "mxnet":
        return fw.np.array(a, dtype=a.dtype)
    if backend == "mxnet.nd":
        return fw.nd.array(a, dtype=a.dtype)
    raise ValueError(f"unknown backend {backend!r}")


def to_numpy(x) -> np.ndarray:
    """A NumPy float64 copy of a result of any backend (host copy; for comparisons only)."""
    if isinstance(x, np.ndarray) or np.isscalar(x):
        return np.asarray(x, dtype=np.float64)
    b = it.backend_of(x)
    with b.scope():
        return np.asarray(b.to_numpy(x), dtype=np.float64)


def installed_backends() -> List[str]:
    """The names in :data:`BACKENDS` whose framework can be imported here."""
    out = []
    for name in BACKENDS:
        try:
            load_framework(name)
        except Exception:  # noqa: BLE001 - any import failure means "not installed here"
            continue
        out.append(name)
    return out


# --- running -----------------------------------------------------------------------------
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

    def as_dict(self) -> dict:
        v = None if self.value is None else np.asarray(self.value).tolist()
        e = np.asarray(self.expected, dtype=float).tolist()
        return {"case": self.case, "backend": self.backend, "dtype": self.dtype, "value": v,
                "expected": e, "deviation": self.deviation, "tolerance": self.tolerance,
                "passed": self.passed, "error": self.error}


def _call(case: Case, backend: str, dtype: str, measure: Optional[str] = None, **kw):
    fn = getattr(it, measure or case.measure)
    args = [to_native(backend, a, dtype) for a in case.args]
    value = to_numpy(fn(*args, **{**case.kwargs, **kw}))
    # Legacy mx.nd arrays without NumPy shape semantics have no 0-d: a scalar comes as (1,).
    return value.reshape(()) if backend == "mxnet.nd" and value.shape == (1,) else value


def run_case(case: Case, backend: str, dtype: str) -> Result:
    """Run one case on one backend and dtype; never raises (an exception is a failure)."""
    expected = np.asarray(case.expected, dtype=np.float64)
    tol = case.atol + DTYPE_RTOL[dtype] * float(np.max(np.abs(expected)))
    try:
        if case.kind == "value":
            value = _call(case, backend, dtype)
            deviation = float(np.max(np.abs(value - expected)))
        elif case.kind == "rows_sum":
            value = _call(case, backend, dtype)
            deviation = float(np.abs(expected.sum() - value))
        elif case.kind == "rows_pmi":
            p_xy = np.asarray(case.args[0], dtype=np.float64)
            pmi = _call(case, backend, dtype, "pointwise_mutual_information")
            value = (p_xy * pmi).sum(axis=-1)
            scalar = _call(case, backend, dtype)
            deviation = max(float(np.max(np.abs(value - expected))),
                            float(np.abs(expected.sum() - scalar)))
        else:
            raise ValueError(f"unknown case kind {case.kind!r}")
    except Exception as e:  # noqa: BLE001 - reported as a failed cell
        return Result(case.name, backend, dtype, None, case.expected, math.inf, tol, False,
                      f"{type(e).__name__}: {e}")
    passed = bool(np.all(np.isfinite(value))) and deviation <= tol
    return Result(case.name, backend, dtype, value, case.expected, deviation, tol, passed)


def run(backends: Optional[Iterable[str]] = None, dtypes: Iterable[str] = DTYPES,
        cases: Optional[Iterable[Case]] = None) -> Iterator[Result]:
    """Every case (default :data:`CASES`) on every (installed, by default) backend and dtype
    the case allows."""
    backends = list(backends) if backends is not None else installed_backends()
    for case in CASES if cases is None else cases:
        for backend in backends:
            for dtype in dtypes:
                if dtype in case.dtypes:
                    yield run_case(case, backend, dtype)


# --- random agreement --------------------------------------------------------------------
def dirichlet_with_zeros(rng: np.random.Generator, shape, zero_fraction: float = 0.2):
    """Random distributions over the last axis with exact zeros (at least one nonzero)."""
    p = rng.dirichlet(np.full(shape[-1], 0.5), size=shape[:-1])
    p[rng.random(p.shape) < zero_fraction] = 0.0
    p[..., 0] += (p.sum(-1) == 0)
    return p / p.sum(-1, keepdims=True)


def random_inputs(seed: int = 0) -> Dict[str, Callable]:
    """Measure name -> (args) on random float64 data, for backend agreement checks."""
    rng = np.random.default_rng(seed)
    p = dirichlet_with_zeros(rng, (8, 64))
    q = dirichlet_with_zeros(rng, (8, 64))
    joint = dirichlet_with_zeros(rng, (4, 36)).reshape(4, 6, 6)
    logits = rng.normal(0, 5, size=(8, 10))
    labels = rng.integers(0, 10, size=8)
    return {
        "self_information": (p,),
        "entropy": (p,),
        "joint_entropy": (joint,),
        "conditional_entropy": (joint,),
        "mutual_information": (joint,),
        "kl_divergence": (p, np.where(p > 0, 0.5 * (p + q), q)),
        "cross_entropy": (logits, labels),
        "nll_loss": (logits - np.log(np.exp(logits).sum(-1, keepdims=True)), labels),
    }


RANDOM_KWARGS = {"cross_entropy": {"from_logits": True}}


def run_agreement(backends: Optional[Iterable[str]] = None, dtypes: Iterable[str] = DTYPES,
                  seed: int = 0) -> Iterator[Result]:
    """Each measure on random batches (with exact zeros): every backend and dtype against the
    NumPy float64 result, within :data:`AGREEMENT_TOL`."""
    backends = list(backends) if backends is not None else installed_backends()
    for measure, args in random_inputs(seed).items():
        kwargs = RANDOM_KWARGS.get(measure, {})
        ref = np.asarray(getattr(it, measure)(*args, **kwargs), dtype=np.float64)
        case = Case(f"random {measure}", measure, args, ref, 0.0, kwargs=kwargs)
        for backend in backends:
            for dtype in dtypes:
                atol, rtol = AGREEMENT_TOL[dtype]
                tol = atol + rtol * float(np.max(np.abs(ref[np.isfinite(ref)]), initial=0.0))
                try:
                    value = _call(case, backend, dtype)
                    finite = np.isfinite(ref)
                    same_inf = np.array_equal(np.isfinite(value), finite) and np.array_equal(
                        value[~finite], ref[~finite])
                    dev = float(np.max(np.abs(value[finite] - ref[finite]), initial=0.0))
                    yield Result(case.name, backend, dtype, value, ref, dev, tol,
                                 same_inf and dev <= tol)
                except Exception as e:  # noqa: BLE001
                    yield Result(case.name, backend, dtype, None, ref, math.inf, tol, False,
                                 f"{type(e).__name__}: {e}")
