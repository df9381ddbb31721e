"""Importing MXNet 1.9.1 on NumPy >= 1.24.

MXNet 1.9.1 (its last release) refers to ``numpy.bool``, an alias NumPy 1.24 removed, so a plain
``import mxnet`` fails there with ``AttributeError: module 'numpy' has no attribute 'bool'``.
:func:`import_mxnet` restores that one alias (as the builtin ``bool``, which it always was) and
imports MXNet. It is opt-in: ``import infotheory`` never patches NumPy.
"""
from __future__ import annotations

import importlib
import sys

__all__ = ["import_mxnet"]


def import_mxnet():
    """Import and return ``mxnet``, first restoring ``numpy.bool`` if NumPy removed it.

    This sets the attribute ``numpy.bool = bool`` process-wide when it is missing (nothing else);
    call it only where you would import MXNet anyway.

    >>> mx = import_mxnet()  # doctest: +SKIP
    """
    if "mxnet" in sys.modules:
        return sys.modules["mxnet"]
    import numpy

    if "bool" not in numpy.__dict__:
        numpy.bool = bool
    return importlib.import_module("mxnet")
