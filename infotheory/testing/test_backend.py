"""The conformance kit as a pytest module, for a backend author's own CI::

    INFOTHEORY_BACKEND=mypkg.backend:MyBackend pytest --pyargs infotheory.testing

``INFOTHEORY_BACKEND`` names the backend under test: ``MODULE:CLASS`` (a
:class:`infotheory.Backend` subclass, registered for the run) or the name of a registered one
(built-in, or from an ``infotheory.backends`` entry point, such as ``jax``). Its variants
(``Backend.variants``) are tested too.

``INFOTHEORY_KNOWN_FAILURES`` lists known failures: shell patterns (``fnmatch``; ``[`` in an id
is written ``[[]``, as ``glob.escape`` does) separated by ``;`` or newlines, matched against the
test ids (``python -m infotheory crosscheck --backend NAME --list`` prints them), for example
``"case/estimate: KSG*;agreement/cross_entropy/mybackend/float32"``.
They are marked ``xfail(strict=True)``: a known failure that starts to pass is reported, so the
list cannot go stale. Functions the backend declares in ``Backend.unsupported`` must raise
``NotImplementedError`` and are skipped with the declared reason.

Checked: every documented case (the book's values, closed forms, the estimators' references)
and the random agreement cases (random batches with exact zeros against SciPy float64
references), in float32 and float64; that results are native tensors of the input's dtype; that
the backend is found from its tensor's type; and that the measures read no value on the host
(no ``to_numpy``, no ``item``).
"""
from __future__ import annotations

import fnmatch
import os
import re

import numpy as np
import pytest

import infotheory as it
from infotheory import testing as kit

_SPEC = os.environ.get("INFOTHEORY_BACKEND", "")
if not _SPEC:
    pytest.skip("set INFOTHEORY_BACKEND to the backend to check (a registered name or "
                "MODULE:CLASS)", allow_module_level=True)

NAME = kit.load_backend(_SPEC)
BACKEND = next(b for b in it.registered_backends() if NAME in (b.name, *b.variants))
NAMES = (BACKEND.name, *BACKEND.variants)
KNOWN_FAILURES = [p.strip() for p in re.split(r"[;\n]",
                                              os.environ.get("INFOTHEORY_KNOWN_FAILURES", ""))
                  if p.strip()]


def _param(test_id: str, *values):
    known = any(fnmatch.fnmatchcase(test_id, p) for p in KNOWN_FAILURES)
    marks = [pytest.mark.xfail(strict=True, reason="listed in INFOTHEORY_KNOWN_FAILURES")] \
        if known else []
    return pytest.param(*values, id=test_id, marks=marks)


def _check(result: kit.Result) -> None:
    if result.unsupported:
        pytest.skip(f"declared unsupported: {BACKEND.unsupported.get(result.case, '')}"
                    f" ({result.error})")
    assert result.passed, (f"{result.case} on {result.backend} {result.dtype}: got "
                           f"{result.value}, expected {result.expected} (deviation "
                           f"{result.deviation:.3g} > {result.tolerance:.3g}) {result.error}")


@pytest.mark.parametrize("case,name,dtype", [
    _param(kit.case_id(case, name, dtype), case, name, dtype)
    for case in kit.CASES for name in NAMES for dtype in kit.DTYPES if dtype in case.dtypes])
def test_documented_case(case, name, dtype):
    result = kit.run_case(case, name, dtype)
    if result.unsupported:
        pytest.skip(f"declared unsupported: {BACKEND.unsupported[case.measure]}")
    _check(result)


@pytest.mark.parametrize("measure,name,dtype", [
    _param(kit.agreement_id(measure, name, dtype), measure, name, dtype)
    for measure in kit.random_inputs(0) for name in NAMES for dtype in kit.DTYPES])
def test_agreement_with_reference(measure, name, dtype):
    results = [r for r in kit.run_agreement([name], [dtype]) if r.case == f"random {measure}"]
    assert len(results) == 1
    _check(results[0])


@pytest.mark.parametrize("name,dtype", [_param(kit.native_id(name, dtype), name, dtype)
                                        for name in NAMES for dtype in kit.DTYPES])
def test_results_are_native_tensors_of_the_input_dtype(name, dtype):
    p = kit.to_native(name, [[0.5, 0.25, 0.25, 0.0], [0.1, 0.2, 0.3, 0.4]], dtype)
    assert it.backend_of(p) is BACKEND
    for result in (it.entropy(p), it.kl_divergence(p, p), it.cross_entropy(p, p)):
        assert it.backend_of(result) is BACKEND, type(result)
        assert BACKEND.is_native(result), type(result)
        assert np.dtype(str(BACKEND.to_numpy(result).dtype)) == np.dtype(dtype)
    np.testing.assert_allclose(kit.to_numpy(it.entropy(p)), [1.5, 1.8464393], rtol=1e-5)


@pytest.mark.parametrize("name", [_param(kit.host_reads_id(name), name) for name in NAMES])
def test_measures_read_no_value_on_the_host(name, monkeypatch):
    from scipy.spatial.distance import jensenshannon
    from scipy.special import logsumexp

    p_np = np.array([[0.5, 0.25, 0.25, 0.0], [0.1, 0.2, 0.3, 0.4]])
    z_np, y_np = np.array([[1.0, 2.0, 3.0, -1.0], [0.0, 0.0, 0.0, 0.0]]), np.array([2, 0])
    joint_np = np.array([[0.25, 0.25], [0.0, 0.5]])
    p, q, z, y, joint = (kit.to_native(name, a, "float64")
                         for a in (p_np, p_np[::-1].copy(), z_np, y_np, joint_np))

    def refuse(*args, **kwargs):
        raise AssertionError("a measure read a tensor's value on the host")

    with monkeypatch.context() as m:
        m.setattr(type(BACKEND), "to_numpy", refuse)
        m.setattr(type(BACKEND), "item", refuse)
        results = [it.entropy(p), it.kl_divergence(p, p), it.mutual_information(joint),
                   it.cross_entropy(z, y, from_logits=True), it.jensen_shannon_divergence(p, q)]
    expected = [[1.5, 1.8464393], [0.0, 0.0], 0.3112781,
                np.mean(logsumexp(z_np, axis=1) - z_np[[0, 1], y_np]),
                jensenshannon(p_np, p_np[::-1], base=2, axis=1) ** 2]
    for r, e in zip(results, expected):
        np.testing.assert_allclose(kit.to_numpy(r), e, rtol=1e-6, atol=1e-9)
