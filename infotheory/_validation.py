"""Value checks behind ``validate=True`` or the global switch.

They read values on the host (one copy per checked argument), which is why they are off by
default: the default path never syncs a GPU and runs inside ``tf.function``.
"""
from __future__ import annotations

import contextlib
import contextvars
import threading
from typing import Iterator, Optional

import numpy as np

#: The innermost ``validation()`` block's setting in the caller's context (None: no block): a
#: context variable, so that each thread and each asyncio task sees only its own blocks.
_BLOCK: "contextvars.ContextVar[Optional[bool]]" = contextvars.ContextVar(
    "infotheory_validation", default=None)
#: The global switch, whether a ``validation()`` block was ever opened and how many are open
#: now: when the first two are off (the common case) no call validates unless asked, and the
#: call path reads no more. ``scopes`` stays set: a context copied inside a block keeps the
#: block's setting after it exits (while a compiler traces, only open blocks count, as for
#: :data:`infotheory._units.switch`).
switch = {"enabled": False, "scopes": 0, "open": 0}
_lock = threading.Lock()

# How far sums may be from 1 (and entries above 1) per dtype size in bytes.
TOLERANCE = {2: 1e-2, 4: 1e-4, 8: 1e-8}


def set_validation(enabled: bool) -> None:
    """Turn value checks on (or off) for every call, as if each passed ``validate=True``."""
    switch["enabled"] = bool(enabled)


@contextlib.contextmanager
def validation(enabled: bool = True) -> Iterator[None]:
    """Context manager: value checks on (or off) for calls in the caller's context (its thread,
    its asyncio task), inside the block."""
    token = _BLOCK.set(bool(enabled))
    with _lock:
        switch["open"] += 1
        switch["scopes"] = 1
    try:
        yield
    finally:
        _BLOCK.reset(token)
        with _lock:
            switch["open"] -= 1


def active(validate: bool, tracing: bool = False) -> bool:
    if validate:
        return True
    if not (switch["open"] if tracing else switch["scopes"]):
        return switch["enabled"]
    local = _BLOCK.get()
    return bool(validate) or (local if local is not None else switch["enabled"])


def _host(B, x) -> tuple:
    a = np.asarray(B.to_numpy(x))
    return a.astype(np.float64), TOLERANCE.get(B.itemsize(x), 1e-4)


def _no_nan(fn, name, a):
    if np.isnan(a).any():
        raise ValueError(f"{fn}: {name} contains NaN")


def probabilities(fn: str, name: str, B, x, axes=None, takes_logits: bool = False) -> None:
    """Entries in [0, 1], no NaN, and (when ``axes`` is given) summing to 1 over ``axes``.
    ``takes_logits``: the function has ``from_logits``, which the messages then suggest."""
    a, tol = _host(B, x)
    _no_nan(fn, name, a)
    logits = f"; if {name} holds logits, pass from_logits=True" if takes_logits else ""
    if a.size and a.min() < 0:
        raise ValueError(f"{fn}: {name} has negative entries (min {a.min():.6g}){logits}")
    if a.size and a.max() > 1 + tol:
        counts = f"; if {name} holds counts, divide them by their total{_FROM_DATA.get(fn, '')}" \
            if name.startswith("p") else ""
        raise ValueError(f"{fn}: {name} has entries greater than 1 (max {a.max():.6g}){logits}"
                         f"{counts}")
    if axes is not None:
        s = a.sum(axis=tuple(axes))  # an empty distribution sums to 0, not 1
        dev = np.abs(s - 1.0)
        if not np.all(dev <= tol):
            raise ValueError(
                f"{fn}: {name} does not sum to 1 over axis {axes if len(axes) > 1 else axes[0]} "
                f"(sums range from {np.min(s):.6g} to {np.max(s):.6g}; tolerance {tol:g})")


#: The estimator from data that a measure given counts may have meant.
_FROM_DATA = {
    "entropy": " or estimate with infotheory.estimate.entropy_from_counts",
    "joint_entropy": " or estimate with infotheory.estimate.entropy_from_counts",
    "mutual_information": " or estimate from the labels with "
                          "infotheory.estimate.mutual_information_from_labels",
    "conditional_mutual_information":
        " or estimate from the labels with "
        "infotheory.estimate.conditional_mutual_information_from_labels",
}


def logits(fn: str, name: str, B, x) -> None:
    a, _ = _host(B, x)
    _no_nan(fn, name, a)
    if np.isposinf(a).any():
        raise ValueError(f"{fn}: {name} contains +inf logits")


def log_probabilities(fn: str, name: str, B, x) -> None:
    a, tol = _host(B, x)
    _no_nan(fn, name, a)
    if a.size and a.max() > tol:
        raise ValueError(f"{fn}: {name} has positive log-probabilities (max {a.max():.6g})")


def counts(fn: str, name: str, B, x) -> None:
    """Finite counts, none negative."""
    a, _ = _host(B, x)
    if not np.isfinite(a).all():
        raise ValueError(f"{fn}: {name} contains NaN or infinite counts")
    if a.size and a.min() < 0:
        raise ValueError(f"{fn}: {name} has negative counts (min {a.min():.6g})")


def labels(fn: str, name: str, B, y, n_classes, ignore_index=None) -> None:
    a = np.asarray(B.to_numpy(y))
    if ignore_index is not None:
        a = a[a != ignore_index]
    if a.size == 0 or n_classes is None:
        return
    if a.min() < 0 or a.max() >= n_classes:
        fix = ""
        if a.min() < 0 and ignore_index is None:  # a padding index, as -100 for torch
            fix = f"; to leave those samples out, pass ignore_index={a.min()}"
        raise ValueError(f"{fn}: {name} has class indices outside [0, {n_classes}) "
                         f"(min {a.min()}, max {a.max()}){fix}")


def marginal(fn: str, name: str, B, given, p_xy, over: str) -> None:
    """``given`` must equal the marginal of ``p_xy`` over ``over`` ("y": the last axis, "x": the
    one before), once broadcast to p_xy's shape."""
    g, tol = _host(B, given)
    j, _ = _host(B, p_xy)
    c = j.sum(axis=-1 if over == "y" else -2, keepdims=True)
    probabilities(fn, name, B, given)
    try:
        dev = np.max(np.abs(g - c)) if np.broadcast(g, c).size else 0.0
    except ValueError:
        dev = np.inf
    if dev > tol:
        raise ValueError(
            f"{fn}: {name} does not match p_xy summed over {over} (max deviation {dev:.6g}); "
            f"{name} is broadcast against p_xy[..., x, y] as given")


def finite(fn: str, name: str, B, x) -> None:
    """Finite values (locations, means)."""
    a, _ = _host(B, x)
    _no_nan(fn, name, a)
    if a.size and not np.isfinite(a).all():
        raise ValueError(f"{fn}: {name} contains infinite values")


def positive(fn: str, name: str, B, x) -> None:
    """Finite values above 0 (scales, standard deviations)."""
    a, _ = _host(B, x)
    _no_nan(fn, name, a)
    if a.size and not (a > 0).all():
        raise ValueError(f"{fn}: {name} must be positive (min {a.min():.6g})")
    if a.size and not np.isfinite(a).all():
        raise ValueError(f"{fn}: {name} contains infinite values")
