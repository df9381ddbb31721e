"""Where the samples of an array are, for the Gaussian estimators: its sample axis, variables
and batch (a plan's :class:`Layout`, from the static shape), and the gathers that bring a
sample axis next to the variables (indices made on the host from the shape: no value read).
See :mod:`infotheory.estimate.gaussian` for the layout rules."""
from __future__ import annotations

import functools
import math
import numbers
from typing import List, NamedTuple, Optional, Tuple

import numpy as np


class Layout(NamedTuple):
    """Where the samples of one input are (a plan's, from its static shape): ``s`` the sample
    axis (>= 0), ``n`` samples of ``k`` variables (the last axis, or 1 where ``s`` is the last
    axis), ``batch`` the shape without the sample and variable axes."""
    shape: Tuple[Optional[int], ...]
    s: int
    n: int
    k: int
    batch: Tuple[Optional[int], ...]


def sample_axis_option(c):
    """The ``sample_axis`` option: None or an int (a NumPy integer too; not a bool)."""
    a = c.options["sample_axis"]
    if a is None:
        return None
    if isinstance(a, bool) or not isinstance(a, numbers.Integral):
        raise c.error(f"sample_axis must be an int or None, got {a!r}", TypeError)
    return int(a)


def layout(c, name: str, sample_axis: Optional[int]) -> Layout:
    """The free checks of the samples ``name`` and their layout: samples on ``sample_axis``
    (None: -2, or the only axis of a vector), variables on the last axis unless the samples
    are there."""
    if c.B.lazy:
        raise c.error(f"{name} is a lazy {c.B.name} array: the Gaussian estimators rank or "
                      f"factor all the samples at once; compute them into memory first (for "
                      f"Dask: {name}.compute())", NotImplementedError)
    shape = tuple(c.shape(name))
    nd = len(shape)
    if nd == 0:
        raise c.error(f"{name} must hold samples, (n,) or (..., n, k), got a scalar")
    if sample_axis is None:
        s = max(nd - 2, 0)
    elif -nd <= sample_axis < nd:
        s = sample_axis % nd
    else:
        fix = (f"; a 1-D {name} is n samples of one variable: give it as {name}[:, None], or "
               f"use sample_axis=0 or -1" if nd == 1 else "")
        raise c.error(f"sample_axis {sample_axis} is out of range for {name} of shape {shape} "
                      f"({nd} dimension(s)){fix}")
    last = s == nd - 1
    n, k = shape[s], 1 if last else shape[-1]
    if n is None or k is None:
        raise c.error(f"{name} needs known sample and variable sizes, got shape {shape} with "
                      f"the samples on axis {s}")
    if k == 0:
        raise c.error(f"{name} has no variables (shape {shape}, k = 0 on its last axis)")
    if not last and s != nd - 2 and None in shape:
        raise c.error(f"{name} of shape {shape} has its samples on axis {s}; bringing them "
                      f"next to the variables needs every size known: move them to axis -2 "
                      f"first")
    batch = tuple(d for i, d in enumerate(shape) if i != s and (last or i != nd - 1))
    return Layout(shape, s, n, k, batch)


_CACHED_INDEX = 1 << 18  # gather indices up to this size are kept (8 of them, 2 MiB each)


def _move_index(shape: tuple, src: int, dst: int) -> np.ndarray:
    """Flat positions of an array of ``shape`` with axis ``src`` moved to ``dst`` (int64, C
    order); the small ones cached, never modified."""
    if math.prod(shape) <= _CACHED_INDEX:
        return _cached_move_index(shape, src, dst)
    return _index_moved(shape, src, dst)


def _index_moved(shape: tuple, src: int, dst: int) -> np.ndarray:
    flat = np.arange(math.prod(shape), dtype=np.int64).reshape(shape)
    return np.ascontiguousarray(np.moveaxis(flat, src, dst))


_cached_move_index = functools.lru_cache(maxsize=8)(_index_moved)


def move_axis(B, x, shape: tuple, src: int, dst: int):
    """``x`` of the static ``shape`` with axis ``src`` moved to ``dst``: a gather of its flat
    entries (the backends share no transpose; the index comes from the shape, no value is
    read)."""
    return B.take(B.reshape(x, (-1,)), B.label_tensor(_move_index(shape, src, dst), x))


def columns(B, x, lay: Layout) -> List:
    """The variables of samples laid out as ``lay`` says, each (..., n) with the samples on
    its last axis and the batch axes before them, in order."""
    nd = len(lay.shape)
    if lay.s == nd - 1:
        return [x]
    if lay.s != nd - 2:
        x = move_axis(B, x, lay.shape, lay.s, nd - 2)
    return [x[..., j] for j in range(lay.k)]
