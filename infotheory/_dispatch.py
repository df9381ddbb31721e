"""Find the backend of some inputs from their types, without importing any framework.

Each built-in backend answers "is this object one of mine?" only when its framework is already in
``sys.modules`` (the einops approach), so detection never imports a framework. Answers are cached
per ``type(x)``. Third-party backends come from ``register_backend`` or the entry-point group
``infotheory.backends``, read once, on the first lookup that no known backend answers.
"""
from __future__ import annotations

import importlib
import numbers
import threading
import weakref
import warnings
from importlib import metadata
from typing import Any, Callable, Dict, List, Optional, Tuple

import numpy as np

from .backends._base import Backend

ENTRY_POINT_GROUP = "infotheory.backends"

from .backends import BUILTIN as _BUILTIN  # (module, class) pairs; they import no framework

_lock = threading.RLock()
_backends: List[Backend] = []  # framework backends, first match wins
_numpy: Optional[Backend] = None
# id(type) -> (registry generation, framework backend or None for "NumPy-like"). An entry of an
# older generation is stale: lookups read and write it without a lock (the call path takes none,
# which torch.compile needs) and still never answer with a backend unregistered before they began.
# Keyed by the type's id, with the entry dropped when the type dies: a tensor subclass made on
# the fly (one per call, as some tracing wrappers do) is not kept alive by the cache.
_cache: Dict[int, Tuple[int, Optional[Backend]]] = {}
_entry_points_loaded = False
_generation = 0  # bumped under the lock by every registry change; stale lookups are not cached
_NOT_NUMERIC = object()
_guarded: Tuple[Backend, ...] = ()  # the registered backends whose compiler guards on Python
_listeners: List[Callable[[], None]] = []  # told of every registry change (the plan memo)
_first: List[Backend] = []  # registered with first=True: they may claim NumPy-like values


def on_registry_change(listener: Callable[[], None]) -> None:
    """Call ``listener()`` after every change of the registry (caches keyed by backend)."""
    _listeners.append(listener)


def _registry_changed() -> None:
    """Under the lock, after any change of ``_backends``."""
    global _generation, _guarded
    _generation += 1
    _cache.clear()
    _guarded = tuple(b for b in _backends if b.guards_python)
    for listener in _listeners:
        listener()


def _init() -> None:
    """Instantiate the built-in backends (their modules import no framework)."""
    global _numpy
    from .backends.numpy import NumpyBackend

    for module, cls in _BUILTIN:
        _backends.append(getattr(importlib.import_module(module), cls)())
    _numpy = NumpyBackend()
    _registry_changed()


def register_backend(backend: Backend, *, first: bool = False) -> Backend:
    """Add a backend (an instance of :class:`infotheory.Backend`) for some tensor type.

    It is asked after the built-in backends and those of the ``infotheory.backends`` entry
    points (JAX and Dask among them: they are loaded first, so a backend whose ``is_native``
    claims too much does not take their tensors), or before all of them with ``first=True``.
    NumPy arrays, Python numbers and lists stay with NumPy unless a backend registered with
    ``first=True`` claims them. Returns it: ``register_backend(MyBackend())``.
    """
    if not isinstance(backend, Backend):
        raise TypeError(f"register_backend: expected an infotheory.Backend instance, got "
                        f"{type(backend).__name__}")
    if not first:
        _load_entry_points()
    return _register(backend, first)


def _register(backend: Backend, first: bool) -> Backend:
    with _lock:
        if first:
            _backends.insert(0, backend)
            _first.append(backend)
        else:
            _backends.append(backend)
        _registry_changed()
    return backend


def unregister_backend(backend: Backend) -> None:
    """Remove a backend added by :func:`register_backend`. Once this returns, no lookup in any
    thread answers with it."""
    with _lock:
        if backend in _backends:
            _backends.remove(backend)
        if backend in _first:
            _first.remove(backend)
        _registry_changed()


def _load_entry_points() -> bool:
    """Register the backends of the entry-point group, once. True if any was added.

    A plug-in that fails to load (any exception, ``SystemExit`` included) is skipped with a
    warning and the others still load. A ``KeyboardInterrupt`` undoes this call's registrations
    and leaves the group unread (a later lookup reads it again) before it propagates."""
    global _entry_points_loaded
    with _lock:
        if _entry_points_loaded:
            return False
        added: List[Backend] = []
        try:
            for ep in metadata.entry_points(group=ENTRY_POINT_GROUP):
                if any(type(b).__module__ + ":" + type(b).__qualname__ == ep.value
                       for b in _backends):
                    continue  # already registered by hand (the conformance kit's --backend)
                try:
                    obj = ep.load()
                    backend = obj() if isinstance(obj, type) else obj
                    if not isinstance(backend, Backend):
                        raise TypeError(f"{ep.value} is not an infotheory.Backend")
                except KeyboardInterrupt:
                    raise
                except BaseException as e:  # noqa: BLE001 - one broken plug-in, not the rest
                    warnings.warn(f"infotheory: the backend entry point {ep.name!r} ({ep.value}) "
                                  f"failed to load and is skipped: {type(e).__name__}: {e}",
                                  RuntimeWarning, stacklevel=3)
                    continue
                _register(backend, False)
                added.append(backend)
        except KeyboardInterrupt:
            for b in added:
                unregister_backend(b)
            raise
        _entry_points_loaded = True
        return bool(added)


def _claims(b: Backend, x: Any) -> bool:
    """``b.is_native(x)``; a backend whose check raises does not claim ``x`` (a warning says
    so, once per backend and type)."""
    try:
        return bool(b.is_native(x))
    except Exception as e:  # noqa: BLE001 - a broken plug-in must not break other calls
        key = (id(b), type(x))
        if key not in _warned:
            _warned.add(key)
            warnings.warn(f"infotheory: the {b.name!r} backend's is_native raised "
                          f"{type(e).__name__}: {e}; it is taken as not claiming "
                          f"{type(x).__name__}", RuntimeWarning, stacklevel=4)
        return False


_warned: set = set()


def _is_numpy_like(x: Any) -> bool:
    return isinstance(x, (np.ndarray, np.generic, numbers.Number, list, tuple)) \
        and not isinstance(x, (str, bytes))


def _lookup(x: Any, tracing: bool):
    """The framework backend of ``x``, None for NumPy-like values, or _NOT_NUMERIC. While a
    compiler traces (``compiler_tracing()``), the cache is neither read nor written."""
    t = type(x)
    generation = _generation  # read before the registry: a later change makes this entry stale
    entry = None if tracing else _cache.get(id(t))
    if entry is not None and entry[0] == generation:
        return entry[1]
    numpy_like = _is_numpy_like(x)
    # NumPy arrays, lists and numbers stay NumPy's unless a backend registered first claims
    # them (a plug-in that claims everything must not silently take them over)
    found = next((b for b in list(_backends) if (not numpy_like or b in _first)
                  and _claims(b, x)), None)
    if found is None and not numpy_like:
        if _load_entry_points():
            return _lookup(x, tracing)
        if not hasattr(t, "__array__") or isinstance(x, (str, bytes)):
            return _NOT_NUMERIC  # not cached: a framework imported later may claim this type
        # an array-like no backend claims (a pandas Series or DataFrame, an xarray DataArray):
        # NumPy's, as its __array__ (the value comes back as NumPy's)
    if not tracing:
        _cache_type(t, (generation, found))
    return found


def _cache_type(t: type, entry) -> None:
    key = id(t)
    if key not in _cache:
        try:
            weakref.finalize(t, _cache.pop, key, None)
        except TypeError:  # a type that takes no weak reference: not cached
            return
    _cache[key] = entry


def compiler_tracing() -> bool:
    """True while a compiler that guards on the Python it traces (``Backend.guards_python``,
    as ``torch.compile``) traces this call. The call path then reads no cache of ours: a cache
    filled after the trace (as the first call fills this one) would fail its guard and
    recompile the caller."""
    for b in _guarded:
        if b.compiling():
            return True
    return False


def numpy_backend() -> Backend:
    """The NumPy backend (the home of NumPy arrays, lists and Python numbers)."""
    if _numpy is None:
        _init()
    return _numpy


def backend_of(*tensors: Any) -> Backend:
    """The backend that computes on these inputs.

    Framework tensors decide; NumPy arrays, Python numbers and nested lists join them, and alone
    go to NumPy. ``None`` entries are ignored. Raises ``TypeError`` for non-numeric input or for
    tensors of two frameworks.

    >>> backend_of([0.5, 0.5]).name
    'numpy'
    """
    return find(tensors, "backend_of", None, compiler_tracing())


def backend_for(fn: str, *tensors: Any) -> Backend:
    """:func:`backend_of` whose errors name the calling function ``fn`` (internal)."""
    return find(tensors, fn, None, compiler_tracing())


def claimed(x: Any) -> bool:
    """True if a backend (or NumPy, for arrays, numbers and lists) computes on ``x``."""
    return _lookup(x, compiler_tracing()) is not _NOT_NUMERIC


def cached(x: Any) -> Optional[Backend]:
    """The backend of ``x``'s type if the type cache knows it for the current registry, else
    None (no lookup: the call path's fast guess, confirmed by a plan made with :func:`find`)."""
    entry = _cache.get(id(type(x)))
    if entry is None or entry[0] != _generation:
        return None
    return _numpy if entry[1] is None else entry[1]


def find(tensors, fn: str, names, tracing: bool) -> Backend:
    """:func:`backend_of` for the call path, which has asked :func:`compiler_tracing` once."""
    found: Optional[Backend] = None
    found_at = 0
    generation = _generation
    for i, x in enumerate(tensors):
        if x is None:
            continue
        entry = None if tracing else _cache.get(id(type(x)))
        b = entry[1] if entry is not None and entry[0] == generation else _lookup(x, tracing)
        if b is None:
            continue
        if b is _NOT_NUMERIC:
            raise TypeError(f"{fn}: {_arg_name(names, i)} must be an array, a tensor or a "
                            f"number, got {type(x).__name__}")
        if found is not None and b is not found:
            raise TypeError(f"{fn}: inputs mix {found.name} ({_arg_name(names, found_at)}) and "
                            f"{b.name} ({_arg_name(names, i)}) tensors; convert them to one "
                            f"framework")
        found, found_at = b, i
    return _numpy if found is None else found


def _arg_name(names, i: int) -> str:
    return names[i] if names else f"argument {i}"


def available_backends() -> Dict[str, str]:
    """Backends whose framework is installed, as ``{name: version}``. Imports nothing: a
    framework's version is read from its installed distribution metadata."""
    _load_entry_points()
    out = {"numpy": np.__version__}
    for b in list(_backends):
        if not b.distributions:  # no distribution to read: ask the backend itself
            try:
                out[b.name] = b.version()
            except Exception:  # noqa: BLE001 - its framework is not importable here
                pass
            continue
        for d in b.distributions:
            try:
                out[b.name] = metadata.version(d)
                break
            except metadata.PackageNotFoundError:
                continue
    return out


def registered_backends() -> List[Backend]:
    """Every backend in lookup order: NumPy first, then the framework backends (the built-in
    ones, then those of the ``infotheory.backends`` entry points, loaded here if they were not
    yet; loading a backend imports no framework)."""
    _load_entry_points()
    with _lock:
        return [_numpy, *_backends]


_init()
