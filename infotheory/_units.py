"""The default unit of every function that takes ``base``: the book's (bits for measures and
estimators, nats for losses), or one chosen once for the process or a block of code.

>>> import math, infotheory as it
>>> with it.default_base(math.e):                # nats everywhere inside the block
...     round(float(it.entropy([0.5, 0.5])), 6)
0.693147
>>> float(it.entropy([0.5, 0.5]))               # the book's bits again
1.0
"""
from __future__ import annotations

import contextlib
import contextvars
import math
import numbers
import threading
from typing import Iterator, Optional

from ._types import Real

#: The process-wide default (None: the book's), whether a ``default_base`` block was ever
#: opened (``scopes``) and how many are open now in any thread or task (``open``). When the
#: first two are unset (the common case) the call path reads no more. ``scopes`` stays set once
#: a block opened: a context copied inside a block (a task created there,
#: ``contextvars.copy_context()``) keeps the block's base after the block exits, as
#: ``decimal.localcontext`` does, so the context variable is read from then on; except while a
#: compiler that cannot trace a context variable traces the call (``torch.compile``), which
#: reads it only while a block is open (a graph break there, as before).
switch = {"base": None, "scopes": 0, "open": 0}
_lock = threading.Lock()
_UNSET = object()
#: The innermost ``default_base`` block's base in the caller's context: a context variable,
#: so that each thread and each asyncio task sees its own blocks (a thread-local was shared by
#: the tasks of one thread, and a block's exit in one task restored another task's base).
_BLOCK: contextvars.ContextVar = contextvars.ContextVar("infotheory_default_base",
                                                        default=_UNSET)


def _checked(fn: str, base):
    if base is None:
        return None
    if isinstance(base, bool) or not isinstance(base, numbers.Real):
        raise TypeError(f"{fn}: base must be a real number or None, got {type(base).__name__}")
    if not (base > 0 and base != 1 and math.isfinite(base)):
        raise ValueError(f"{fn}: base must be positive, finite and not 1, got {base!r}")
    return float(base)


def set_default_base(base: Optional[Real]) -> None:
    """Use ``base`` for every function called without one, in every thread (``math.e``: nats
    everywhere, as torch and scikit-learn users expect; 2: bits, losses included). ``None``
    restores the book's defaults: bits for the measures and estimators, nats for the losses.
    A :func:`default_base` block overrides it in its thread or task."""
    switch["base"] = _checked("set_default_base", base)


@contextlib.contextmanager
def default_base(base: Optional[Real]) -> Iterator[None]:
    """Context manager: ``base`` for every function called without one in the caller's
    context, inside the block (``None``: the book's defaults there). Blocks nest; other
    threads and other asyncio tasks are unaffected (a context variable, as
    ``decimal.localcontext``)."""
    value = _checked("default_base", base)
    token = _BLOCK.set(value)
    with _lock:
        switch["open"] += 1
        switch["scopes"] = 1
    try:
        yield
    finally:
        _BLOCK.reset(token)
        with _lock:
            switch["open"] -= 1


def resolve(book_default, tracing: bool = False):
    """The base a call without one uses: the caller's innermost block's, else the process
    default, else ``book_default`` (2 for measures and estimators, ``math.e`` for losses).
    ``tracing``: a compiler traces the call (see :data:`switch`)."""
    if switch["open"] if tracing else switch["scopes"]:
        local = _BLOCK.get()
        if local is not _UNSET:
            return book_default if local is None else local
    chosen = switch["base"]
    return book_default if chosen is None else chosen
