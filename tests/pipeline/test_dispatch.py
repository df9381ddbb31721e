"""Dispatch: from input types, never importing a framework, cached, extensible."""
import os
import sys
import textwrap
import threading

import numpy as np
import pytest

import infotheory as it
from infotheory import _dispatch
from tests.conftest import native, require, run_child
from tests.toy_backend import Box, BoxBackend

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FRAMEWORKS = ("torch", "tensorflow", "mxnet", "jax", "dask", "scipy", "keras", "sklearn")


def _run(code: str, **env) -> str:
    return run_child(["-c", textwrap.dedent(code)], env=env, timeout=120).stdout.strip()


def test_import_and_numpy_use_import_no_framework():
    out = _run(f"""
        import sys
        import infotheory as it
        it.entropy([0.5, 0.5]); it.cross_entropy([[0.5, 0.5]], [1]); it.backend_of(1.0)
        it.available_backends()
        try:
            it.entropy("x")
        except TypeError:
            pass
        print(sorted(m for m in {FRAMEWORKS!r} if m in sys.modules))
    """)
    assert out == "[]"


def test_detection_does_not_import_other_frameworks():
    require("torch")
    out = _run("""
        import sys, torch
        import infotheory as it
        it.entropy(torch.tensor([0.5, 0.5]))
        print(sorted(m for m in ("tensorflow", "mxnet") if m in sys.modules))
    """)
    assert out == "[]"


def test_backend_of_each_framework(backend):
    expected = {"mxnet.nd": "mxnet"}.get(backend, backend)
    assert it.backend_of(native(backend, [0.5, 0.5])).name == expected
    assert it.backend_of([0.5], native(backend, [0.5, 0.5]), np.ones(2)).name == expected


def test_python_values_go_to_numpy():
    for x in (0.5, 1, [0.5, 0.5], ((0.5,),), np.float32(0.5), np.ones(3)):
        assert it.backend_of(x).name == "numpy"


def test_lookups_are_cached_per_type():
    torch = require("torch")
    it.backend_of(torch.ones(1))
    assert _dispatch._cache[id(torch.Tensor)][1].name == "torch"
    assert _dispatch._cache[id(np.ndarray)][1] is None  # NumPy-like: joins a framework or goes to NumPy


def test_register_a_toy_backend_at_run_time():
    with pytest.raises(TypeError, match="entropy: p must be an array"):
        it.entropy(Box([0.5, 0.5]))
    toy = it.register_backend(BoxBackend())
    try:
        out = it.entropy(Box([0.5, 0.25, 0.25]))
        assert isinstance(out, Box) and float(out.data) == 1.5
        assert it.backend_of(Box([1.0]), [0.5]).name == "box"
        assert it.available_backends()["box"] == "0.1"
    finally:
        it.unregister_backend(toy)
    with pytest.raises(TypeError):
        it.entropy(Box([0.5, 0.5]))


def test_register_rejects_non_backends():
    with pytest.raises(TypeError, match="register_backend: expected an infotheory.Backend"):
        it.register_backend(object())


def test_entry_point_backend_is_loaded_lazily(tmp_path):
    dist = tmp_path / "toy_backend_dist-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: toy-backend-dist\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text(
        "[infotheory.backends]\nbox = tests.toy_backend:BoxBackend\n")
    out = _run("""
        import infotheory as it
        from infotheory import _dispatch
        from tests.toy_backend import Box
        before = [b.name for b in _dispatch._backends]
        h = it.entropy(Box([0.5, 0.5]))
        print(type(h).__name__, float(h.data), "box" in before)
    """, PYTHONPATH=f"{tmp_path}{os.pathsep}{ROOT}")
    assert out == "Box 1.0 False"


def test_available_backends_lists_installed_frameworks():
    names = it.available_backends()
    assert names["numpy"] == np.__version__
    for b in ("torch", "tensorflow", "mxnet", "jax", "dask"):  # jax, dask: entry points
        require(b)
        fw = sys.modules[b]
        assert names[b] == fw.__version__.split("+")[0] or names[b].startswith(fw.__version__)


def test_jax_and_dask_are_plugged_in_through_entry_points():
    """CI exercises the real plug-in path: the two backends are not in the built-in list, the
    installed distribution declares them, and a fresh process finds them from a tensor."""
    from importlib import metadata

    from infotheory.backends import BUILTIN

    assert not any("jax" in m or "dask" in m for m, _ in BUILTIN)
    points = {ep.name: ep.value for ep in metadata.entry_points(group="infotheory.backends")}
    assert points["jax"] == "infotheory.backends.jax:JaxBackend"
    assert points["dask"] == "infotheory.backends.dask:DaskBackend"
    require("dask")
    out = _run("""
        import infotheory as it
        from infotheory import _dispatch
        import dask.array as da
        before = sorted(b.name for b in _dispatch._backends)
        h = it.entropy(da.from_array([0.5, 0.5], chunks=1))
        print(type(h).__module__.split(".")[0], float(h.compute()), before)
    """)
    assert out == "dask 1.0 ['mxnet', 'tensorflow', 'torch']"


def test_unregister_is_final_for_every_thread():
    from tests.toy_backend import Box, BoxBackend

    box = Box([0.5, 0.5])
    stop = threading.Event()
    stale = []

    def reader():
        while not stop.is_set():
            try:
                it.backend_of(box)
            except TypeError:
                pass

    threads = [threading.Thread(target=reader) for _ in range(2)]
    for t in threads:
        t.start()
    try:
        for _ in range(1500):
            b = it.register_backend(BoxBackend())
            it.backend_of(box)
            it.unregister_backend(b)
            try:
                stale.append(it.backend_of(box))
            except TypeError:
                pass
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert stale == []


# --- plug-ins that misbehave (issue 18) -------------------------------------------------------
def _plugins(tmp_path, source, entries):
    """A distribution with the entry points ``entries`` (name -> object in module ``bad``)."""
    (tmp_path / "bad.py").write_text(textwrap.dedent(source))
    dist = tmp_path / "bad_plugins-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: bad-plugins\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text(
        "[infotheory.backends]\n" + "".join(f"{k} = bad:{v}\n" for k, v in entries.items()))
    return f"{tmp_path}{os.pathsep}{ROOT}"


def test_a_plugin_that_exits_at_import_is_skipped_and_the_others_load(tmp_path):
    """A plug-in raising SystemExit ended the process, or left the built-in Dask backend
    unloaded for the life of the process (the "loaded" flag was set before the loop)."""
    path = _plugins(tmp_path, """
        raise SystemExit("a plug-in that exits")
    """, {"aaa_exits": "Nothing"})
    out = _run("""
        import warnings
        import infotheory as it
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            names = [b.name for b in it.registered_backends()]
        print("dask" in names, "jax" in names, any("aaa_exits" in str(x.message) for x in w))
    """, PYTHONPATH=path)
    assert out == "True True True"


def test_an_interrupt_while_loading_plugins_leaves_no_half_registry(tmp_path):
    path = _plugins(tmp_path, """
        import infotheory as it
        class Interrupts(it.Backend):
            def __init__(self):
                raise KeyboardInterrupt
    """, {"zzz_interrupts": "Interrupts"})
    out = _run("""
        import infotheory as it
        from infotheory import _dispatch
        try:
            it.registered_backends()
        except KeyboardInterrupt:
            print("interrupted", [b.name for b in _dispatch._backends], _dispatch._entry_points_loaded)
    """, PYTHONPATH=path)
    assert out == "interrupted ['torch', 'tensorflow', 'mxnet'] False"


def test_a_plugin_whose_is_native_raises_claims_nothing(tmp_path):
    """One whose is_native raised broke every later NumPy, list and Dask call."""
    path = _plugins(tmp_path, """
        import infotheory as it
        class Broken(it.Backend):
            name = "broken"
            def is_native(self, x):
                raise RuntimeError("broken is_native")
    """, {"broken": "Broken"})
    out = _run("""
        import warnings
        import numpy as np
        import infotheory as it
        class Thing: pass
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            a = float(it.entropy(np.array([0.5, 0.5])))
            b = float(it.entropy([0.25, 0.75]))
            try:
                it.entropy(Thing())
            except TypeError as e:
                c = "must be an array" in str(e)
        print(a, round(b, 4), c, any("broken" in str(x.message) for x in w))
    """, PYTHONPATH=path)
    assert out == "1.0 0.8113 True True"


def test_a_plugin_claiming_everything_does_not_take_numpy_arrays():
    class Greedy(it.Backend):
        name = "greedy"

        def is_native(self, x):
            return True

    greedy = it.register_backend(Greedy())
    try:
        assert it.backend_of(np.ones(3)).name == "numpy"
        assert float(it.entropy([0.5, 0.5])) == 1.0
        assert it.backend_of(Box([1.0])).name == "greedy"  # a type nobody else claims
    finally:
        it.unregister_backend(greedy)
    first = it.register_backend(BoxBackend(), first=True)  # asked first: it may claim them
    try:
        assert it.backend_of(np.ones(3)).name == "numpy"  # BoxBackend claims only Box
    finally:
        it.unregister_backend(first)


def test_the_type_cache_does_not_keep_made_up_tensor_types_alive():
    """Issue 29: one entry per dynamically made subclass kept every such class alive. (The plan
    memo holds the types of its signatures too, bounded by MAX_PLANS; it is cleared here.)"""
    import gc
    import weakref

    from infotheory import _frontend

    before = len(_dispatch._cache)
    refs = []
    for _ in range(50):
        cls = type("Made", (np.ndarray,), {})
        x = np.array([0.5, 0.5]).view(cls)
        assert float(it.entropy(x)) == 1.0
        refs.append(weakref.ref(cls))
        del cls, x
    _frontend._PLANS.clear()
    gc.collect()
    assert all(r() is None for r in refs)
    assert len(_dispatch._cache) <= before + 1


@pytest.mark.slow  # a subprocess (a fresh registry, entry points not yet read)
def test_a_plug_in_that_claims_everything_does_not_take_dask_or_numpy():
    """Issue 29: registered before the entry points were read, such a plug-in was asked before
    the Dask backend (an entry point) and took Dask arrays."""
    require("dask")
    out = _run("""
        import numpy as np, dask.array as da, infotheory as it
        from tests.toy_backend import Box, BoxBackend
        class Greedy(BoxBackend):
            name = "greedy"
            def is_native(self, x):
                return True
        it.register_backend(Greedy())
        x = da.from_array(np.array([[0.5, 0.5], [0.25, 0.75]]), chunks=1)
        print(type(it.entropy(x)).__module__.split(".")[0], it.backend_of(x).name,
              float(it.entropy(np.array([0.5, 0.5]))), float(it.entropy(Box([0.5, 0.5])).data))
    """)
    assert out == "dask dask 1.0 1.0"
