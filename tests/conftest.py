"""Shared fixtures: a ``backend`` fixture over every backend, and native-tensor helpers.

A framework that is not installed skips its tests on a user's machine; with
``INFOTHEORY_REQUIRE_BACKENDS=all`` (set by ``.ci/run``) it fails them instead.
"""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
# One compute thread per framework in each test process (and the subprocesses, which inherit
# the environment): pytest-xdist already runs one worker per core, and each framework's own pool
# on top of that oversubscribes the cores (an example's training loop took 4x as long). Only the
# speed changes: the tests assert no timing. Set before any framework is imported.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
             "TF_NUM_INTRAOP_THREADS"):
    os.environ.setdefault(_var, "1")
# JAX compiles every primitive for every new shape (about 25 ms each, most of JAX's test time):
# a persistent compilation cache shared by the workers, the subprocesses and later runs
# (the crosscheck of the JAX cases: 29 s cold, 11 s warm). Compiled programs only, keyed by
# the program and the JAX version: results are the same. (Without a size cap JAX writes entries
# unlocked: a process that reads one still being written warns and compiles it itself.)
os.environ.setdefault("JAX_COMPILATION_CACHE_DIR", os.path.join(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))), ".cache", "jax"))
os.environ.setdefault("JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS", "0")
os.environ.setdefault("JAX_PERSISTENT_CACHE_MIN_ENTRY_SIZE_BYTES", "0")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from infotheory import testing as conformance  # noqa: E402

BACKENDS = conformance.BACKENDS  # numpy, torch, tensorflow, mxnet, mxnet.nd
AUTOGRAD = ("torch", "tensorflow", "mxnet", "jax")
# "all", or a comma-separated list of backends that must be present (CI sets it); others skip.
_REQUIRED = os.environ.get("INFOTHEORY_REQUIRE_BACKENDS", "")


def _required(backend: str) -> bool:
    names = {n.strip() for n in _REQUIRED.split(",")}
    return "all" in names or backend in names or (backend == "mxnet.nd" and "mxnet" in names)


def require(backend: str):
    """Import a backend's framework, or skip (fail where CI requires it) if it is missing."""
    try:
        return conformance.load_framework(backend)
    except ImportError as e:
        if _required(backend):
            pytest.fail(f"backend {backend} is required (INFOTHEORY_REQUIRE_BACKENDS="
                        f"{_REQUIRED}): {e}")
        pytest.skip(f"{backend} is not installed")


def present_backends():
    """The backends installed here, after failing the test if one that CI requires here is
    missing (for tests that run every backend of the environment at once)."""
    present = conformance.installed_backends()
    for b in BACKENDS:
        if b not in present and _required(b):
            require(b)  # fails, saying why
    return present


def require_module(backend: str):
    """:func:`require` for a whole test module (at import): skips the module, or fails its
    collection where CI requires the backend."""
    try:
        return conformance.load_framework(backend)
    except ImportError as e:
        if _required(backend):
            raise ImportError(f"backend {backend} is required (INFOTHEORY_REQUIRE_BACKENDS="
                              f"{_REQUIRED}): {e}") from e
        pytest.skip(f"{backend} is not installed", allow_module_level=True)


#: The slowest files, slowest first (about 15-90 s each on 2 cores). pytest-xdist hands whole
#: files to the workers in collection order, so these go first and the short ones fill in
#: behind them: the two workers finish together (collected in path order, one of them ran
#: alone for the last minute).
SLOWEST_FIRST = (
    "tests/integration/test_docs_site.py", "tests/measures/test_properties.py",
    "tests/integration/test_examples.py", "tests/integration/test_benchmarks_run.py",
    "tests/integration/test_cli.py", "tests/sweeps/test_declarations.py",
    "tests/sweeps/test_table.py", "tests/estimate/test_permutation.py",
    "tests/estimate/test_multivariate.py", "tests/measures/test_orders.py",
    "tests/estimate/test_gaussian.py", "tests/sweeps/test_low_precision.py", "tests/conformance/test_documented_cases.py",
    "tests/estimate/test_counts_and_labels.py", "tests/integration/test_docs.py",
    "tests/keras/test_saving.py", "tests/metrics/test_tester.py",
    "tests/keras/test_keras.py", "tests/metrics/test_distributed.py",
    "tests/keras/test_metrics.py", "tests/sweeps/test_threads.py",
    "tests/integration/test_packaging.py", "tests/pipeline/test_graph_mode.py",
    "tests/metrics/test_torchmetrics.py",
)


def pytest_collection_modifyitems(items):
    rank = {path: i for i, path in enumerate(SLOWEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::")[0], len(rank)))  # (stable)


@pytest.fixture(params=BACKENDS)
def backend(request):
    require(request.param)
    return request.param


@pytest.fixture(params=AUTOGRAD)
def autograd_backend(request):
    require(request.param)
    return request.param


def native(backend: str, value, dtype: str = "float64"):
    """A native tensor of ``backend`` (integers stay int64)."""
    return conformance.to_native(backend, value, dtype)


def to_np(x) -> np.ndarray:
    """Any backend's result as float64 NumPy (legacy mx.nd scalars keep their shape (1,))."""
    return conformance.to_numpy(x)


def is_native(backend: str, x) -> bool:
    fw = conformance.load_framework(backend)
    if backend == "numpy":  # an array, or a NumPy scalar for a 0-d result (as np.sum gives)
        return isinstance(x, np.ndarray) or (isinstance(x, np.generic) and np.ndim(x) == 0)
    if backend == "torch":
        return isinstance(x, fw.Tensor)
    if backend == "tensorflow":
        return isinstance(x, fw.Tensor)
    if backend == "mxnet":
        return isinstance(x, fw.np.ndarray)
    if backend == "mxnet.nd":
        return isinstance(x, fw.nd.NDArray) and not isinstance(x, fw.np.ndarray)
    if backend == "jax":
        return isinstance(x, fw.Array)
    if backend == "dask":
        return isinstance(x, fw.Array)  # (load_framework gives dask.array)
    raise ValueError(f"no is_native check for {backend}")


def dtype_name(x) -> str:
    """'float32', 'float64', 'float16', 'bfloat16' for a tensor of any backend."""
    dt = x.dtype
    if isinstance(dt, type):  # mxnet reports NumPy scalar types
        dt = np.dtype(dt)
    return str(getattr(dt, "name", dt)).replace("torch.", "")


ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _text(s) -> str:
    return s.decode(errors="replace") if isinstance(s, bytes) else (s or "")


def run_child(args, *, timeout: float, ok=(0,), cwd=ROOT, env=None, python=None):
    """Run ``python ARGS`` (this interpreter unless ``python`` is given) in ``cwd`` with
    ``os.environ`` updated by ``env`` (a value of None removes the variable), and return the finished process (text output). An exit
    status not in ``ok`` (None: any), or running past ``timeout`` seconds, fails the test
    with the child's stderr and stdout, so that a red run says why."""
    import subprocess
    import sys
    cmd = [str(python or sys.executable), *map(str, args)]
    shown = " ".join(cmd)[:300]
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, cwd=cwd, timeout=timeout,
                             env={k: v for k, v in {**os.environ, **(env or {})}.items()
                                  if v is not None})
    except subprocess.TimeoutExpired as e:
        pytest.fail(f"{shown}\nran past its timeout of {timeout} s\n--- stderr ---\n"
                    f"{_text(e.stderr)[-4000:]}\n--- stdout ---\n{_text(e.stdout)[-2000:]}",
                    pytrace=False)
    if ok is not None and out.returncode not in ok:
        pytest.fail(f"{shown}\nexited with status {out.returncode}\n--- stderr ---\n"
                    f"{out.stderr[-4000:]}\n--- stdout ---\n{out.stdout[-2000:]}", pytrace=False)
    return out
