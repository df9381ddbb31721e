"""The Backend protocol: the methods every backend implements, the ranks each supports, the
conformance kit on every backend and on third-party ones (the skeleton over a toy tensor type,
the Box backend), and no framework named outside its backend module."""

import numpy as np
import pytest

import infotheory as it
from tests.conftest import BACKENDS, native, require, to_np, run_child


def test_ranks_each_backend_supports(backend):
    b = next(b for b in it.registered_backends() if backend in (b.name, *b.variants))
    if b.max_ndim is None:
        return
    ok = np.full((1,) * b.max_ndim + (2,), 0.5)[..., 0:2]
    ok = ok.reshape((1,) * (b.max_ndim - 1) + (2,))
    assert to_np(it.entropy(native(backend, ok))).size == 1
    too_many = np.full((1,) * b.max_ndim + (2,), 0.5)
    with pytest.raises(ValueError, match=f"entropy: p has {b.max_ndim + 1} dimensions; the "
                                         f"{b.name} backend supports at most {b.max_ndim}"):
        it.entropy(native(backend, too_many))


@pytest.mark.parametrize("name", [b for b in BACKENDS])
def test_every_backend_runs_the_documented_cases_through_the_kit(name):
    require(name)
    from infotheory import testing

    results = list(testing.run(backends=[name], dtypes=["float64"]))
    assert results and all(r.passed for r in results), [r for r in results if not r.passed]


def test_the_kit_runs_on_a_third_party_backend():
    """The first version's run_case imported the backend's name as a module."""
    from infotheory import testing
    from tests.toy_backend import BoxBackend

    b = it.register_backend(BoxBackend())
    try:
        assert "box" in testing.backend_names()
        results = list(testing.run(backends=["box"], dtypes=["float64"]))
        results += list(testing.run_agreement(backends=["box"], dtypes=["float64"]))
        assert len(results) > 20 and all(r.passed for r in results), \
            [r for r in results if not r.passed]
    finally:
        it.unregister_backend(b)


def test_no_framework_name_outside_its_backend_module():
    import os
    import re

    root = os.path.dirname(it.__file__)
    # the framework integrations (infotheory.torchmetrics, infotheory.keras) name theirs
    allowed = {"torchmetrics.py", "mxnet_compat.py", "__init__.py"}
    pattern = re.compile(r"\b(torch|tensorflow|tf|mxnet|mx|npx)\.\w|import (torch|tensorflow|"
                         r"mxnet)|==\s*\"(torch|tensorflow|mxnet)")
    offenders = []
    for dirpath, _, files in os.walk(root):
        if os.path.basename(dirpath) in ("backends", "keras"):
            continue
        for f in files:
            if f.endswith(".py") and not (f in allowed and dirpath == root):
                for i, line in enumerate(open(os.path.join(dirpath, f)), 1):
                    code = line.split("#")[0]
                    if pattern.search(code) and '"""' not in code and "``" not in code:
                        offenders.append(f"{f}:{i}: {line.strip()}")
    assert offenders == []


# --- what a backend implements ----------------------------------------------------------------
def _methods(cls):
    return {n for n, v in vars(cls).items() if callable(v) and not n.startswith("_")}


def _raises_not_implemented(cls, name) -> bool:
    import inspect

    return "raise NotImplementedError" in inspect.getsource(getattr(cls, name))


def test_required_methods_are_exactly_those_without_a_default():
    """REQUIRED and ESTIMATOR are what the base class leaves undone; every other method has a
    working default (the lazy hook ``map_reduce`` aside), so the backend guide's list is complete."""
    from infotheory.backends._base import ESTIMATOR, REQUIRED

    assert len(REQUIRED) == 19 and len(ESTIMATOR) == 15 and not set(REQUIRED) & set(ESTIMATOR)
    undone = {n for n in _methods(it.Backend) if _raises_not_implemented(it.Backend, n)}
    assert undone == set(REQUIRED) | set(ESTIMATOR) | {"map_reduce"}


def test_the_skeleton_implements_exactly_the_required_methods_and_passes_the_kit():
    from infotheory import testing
    from infotheory.backends._base import ESTIMATOR, REQUIRED
    from infotheory.testing.skeleton import SkeletonBackend, ToyArray

    assert _methods(SkeletonBackend) == set(REQUIRED) | set(ESTIMATOR)
    name = testing.load_backend("infotheory.testing.skeleton:SkeletonBackend")
    b = next(b for b in it.registered_backends() if b.name == name)
    try:
        results = list(testing.run(backends=[name]))
        results += list(testing.run_agreement(backends=[name]))
        assert len(results) >= 100 and all(r.passed for r in results), \
            [r for r in results if not r.passed]
        # results are the toy tensor in the input's dtype
        p = ToyArray(np.array([[0.25, 0.75], [0.5, 0.5]], dtype=np.float32))
        h = it.entropy(p)
        assert isinstance(h, ToyArray) and h.dtype == np.float32
        np.testing.assert_allclose(h.data, [0.8112781, 1.0], rtol=1e-6)
    finally:
        it.unregister_backend(b)


@pytest.mark.slow  # a subprocess (make test-fast skips it)
def test_the_pytest_kit_passes_on_the_skeleton(tmp_path):
    import os

    env = dict(os.environ, INFOTHEORY_BACKEND="infotheory.testing.skeleton:SkeletonBackend")
    out = run_child(["-m", "pytest", "-q", "-p", "no:cacheprovider", "--pyargs",
                     "infotheory.testing"], env=env, cwd=tmp_path, timeout=300)
    assert " passed" in out.stdout and "failed" not in out.stdout


def test_the_backend_guide_lists_exactly_the_required_methods():
    import os
    import re

    from infotheory.backends._base import ESTIMATOR, REQUIRED

    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    text = open(os.path.join(root, "docs", "guides", "backend_authors.md")).read()
    section = text[text.index("## Writing a backend"):text.index("Register it in your")]
    for label, names in (("**required**", REQUIRED), ("**for `infotheory.estimate`**", ESTIMATOR)):
        item = section[section.index(label):]
        item = item[:item.index("\n- ")]
        listed = re.findall(r"`(\w+)`", item.split(":", 1)[1])
        listed = [n for n in listed if n not in ("map_reduce", "infotheory")]
        assert tuple(listed) == names, (label, listed)


def test_no_backend_imports_the_frontend_the_dispatcher_the_kernels_or_estimate():
    """The layering: backends sit under everything but the MXNet import helper; nothing they
    import runs back up."""
    import ast
    import os

    above = {"_frontend", "_dispatch", "_kernels", "_validation", "estimate", "measures",
             "losses", "keras", "testing", "__main__"}
    folder = os.path.dirname(it.backends.__file__)
    for name in os.listdir(folder):
        if not name.endswith(".py"):
            continue
        for node in ast.walk(ast.parse(open(os.path.join(folder, name)).read())):
            if isinstance(node, ast.ImportFrom):
                parts = ((node.module or "").split(".") if node.level
                         else (node.module or "").split(".")[1:])
                if node.level == 1 or (node.level == 0 and not
                                       (node.module or "").startswith("infotheory")):
                    continue
                assert not set(parts[:1]) & above, f"backends/{name} imports {node.module}"
            elif isinstance(node, ast.Import):
                for a in node.names:
                    parts = a.name.split(".")
                    assert not (parts[0] == "infotheory" and set(parts[1:2]) & above), \
                        f"backends/{name} imports {a.name}"
