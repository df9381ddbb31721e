"""The public signatures are typed: every public function's parameters and result are
annotated, the first tensor argument and the result share a type variable, and mypy infers the
caller's tensor type from a call (``usage.py``) and refuses wrong calls (``misuse.py``)."""
import inspect
import os
import re
import subprocess
import sys
import typing

import pytest

import infotheory
import infotheory.estimate
import infotheory.testing
from infotheory._types import TensorT

HERE = os.path.dirname(os.path.abspath(__file__))
PUBLIC = [(m.__name__, name, getattr(m, name))
          for m in (infotheory, infotheory.estimate, infotheory.testing) for name in m.__all__
          if callable(getattr(m, name)) and not inspect.isclass(getattr(m, name))]


@pytest.mark.parametrize("module, name, fn", PUBLIC, ids=[f"{m}.{n}" for m, n, _ in PUBLIC])
def test_every_public_function_is_annotated(module, name, fn):
    sig = inspect.signature(fn)
    missing = [p for p in sig.parameters if sig.parameters[p].annotation is inspect._empty]
    assert not missing, f"{module}.{name}: parameters without a type: {missing}"
    assert sig.return_annotation is not inspect._empty, f"{module}.{name}: no return type"


# the functions on tensors: every one declared through the call path (``@public``)
TENSOR_FUNCTIONS = [(f"{m}.{n}", fn) for m, n, fn in PUBLIC if hasattr(fn, "autograph_info__")]


def test_the_tensor_functions_are_found():
    assert len(TENSOR_FUNCTIONS) >= 45  # (49 when written)


@pytest.mark.parametrize("name, fn", TENSOR_FUNCTIONS, ids=[n for n, _ in TENSOR_FUNCTIONS])
def test_the_result_has_the_first_tensor_arguments_type(name, fn):
    hints = typing.get_type_hints(fn)
    first = next(iter(inspect.signature(fn).parameters))
    assert hints[first] is TensorT, f"{name}: {first} is {hints[first]}, not TensorT"
    ret = hints["return"]
    assert ret is TensorT or TensorT in typing.get_args(ret), f"{name} returns {ret}"


def _mypy(path, tmp_path):
    """mypy on ``path`` run from a directory of the user's (not the repository): it finds
    infotheory where it is installed, as a user's checker does (``make`` installs it editable
    in the mode checkers can read; py.typed marks it typed)."""
    pytest.importorskip("mypy", reason="mypy (the test extra) is not installed here")
    pytest.importorskip("torch")
    code = open(path).read()
    (tmp_path / os.path.basename(path)).write_text(code)
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--no-incremental", "--follow-imports=silent",
         "--python-version", "3.11", "--no-error-summary", "--hide-error-context",
         "--show-column-numbers", "--cache-dir", str(tmp_path / ".mypy_cache"),
         os.path.basename(path)],
        cwd=tmp_path, capture_output=True, text=True, timeout=600)


@pytest.mark.slow
def test_mypy_infers_the_callers_tensor_type(tmp_path):
    r = _mypy(os.path.join(HERE, "usage.py"), tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr


@pytest.mark.slow
def test_mypy_refuses_wrong_calls(tmp_path):
    path = os.path.join(HERE, "misuse.py")
    expected = {i for i, line in enumerate(open(path), 1) if "# E:" in line}
    r = _mypy(path, tmp_path)
    got = {int(m.group(1)) for m in re.finditer(r"misuse\.py:(\d+):\d+: error", r.stdout)}
    assert got == expected, r.stdout + r.stderr
