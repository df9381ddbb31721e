"""Conformance: the documented cases as data, and a runner for any registered backend.

The test suite, the command line (``python -m infotheory crosscheck``) and third-party backend
authors run the same cases::

    from infotheory import testing
    for result in testing.run(backends=["numpy", "torch"], dtypes=["float32", "float64"]):
        print(result)

``run`` compares with the values the book printed and with closed forms; ``run_agreement``
compares random batches (with exact zeros) with an independent float64 reference (SciPy).
Importing this package imports no framework; running a case on a backend imports that one.
"""
from . import cases as _cases
from .cases import Case, dirichlet_with_zeros, random_inputs
from .runner import (Result, agreement_id, backend_names, case_id, case_ids, get_backend,
                     host_reads_id, installed_backends, load_backend, load_framework, native_id,
                     references, run, run_agreement, run_case, to_native, to_numpy)

#: The tolerances ``(atol, rtol)`` of agreement with the float64 reference, per dtype.
AGREEMENT_TOL = _cases.AGREEMENT_TOL
#: The documented cases (:class:`Case`): the book's values, closed forms and the peers' values.
CASES = _cases.CASES
#: Extra relative tolerance, per dtype, for comparing with a value the book printed.
DTYPE_RTOL = _cases.DTYPE_RTOL
#: The floating dtypes every case runs in, ``("float32", "float64")``.
DTYPES = _cases.DTYPES
#: The book's joint distribution ``[[0.1, 0.5], [0.1, 0.3]]``.
P_XY = _cases.P_XY
#: The book's predictions for its cross-entropy example.
PREDS = _cases.PREDS
#: Keyword arguments of the random agreement check, per measure.
RANDOM_KWARGS = _cases.RANDOM_KWARGS
#: Backend names known at import (the built-in ones); :func:`backend_names` gives the current.
BACKENDS = backend_names()

__all__ = ["AGREEMENT_TOL", "BACKENDS", "CASES", "agreement_id", "case_id", "case_ids",
           "host_reads_id", "native_id", "DTYPES", "DTYPE_RTOL", "P_XY", "PREDS",
           "RANDOM_KWARGS", "Case", "Result", "backend_names", "dirichlet_with_zeros", "get_backend",
           "installed_backends", "load_backend", "load_framework", "references", "random_inputs", "run",
           "run_agreement", "run_case", "to_native", "to_numpy"]
