"""Kept for compatibility: the conformance cases and runner live in :mod:`infotheory.testing`.

Attributes are looked up there on every access, so ``monkeypatch.setattr`` on either module is
seen by the runner only through :mod:`infotheory.testing`'s own modules.
"""
from .testing import *  # noqa: F401,F403
from .testing import __all__  # noqa: F401
