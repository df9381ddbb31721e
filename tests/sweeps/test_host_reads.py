"""The computation path reads nothing on the host: every measure, loss and neural bound runs
with the backend's ``item`` and ``to_numpy`` made to fail (only validation and the data
estimators of ``infotheory.estimate``, which count, may read values)."""
import numpy as np
import pytest

import infotheory as it
from tests.conftest import native
from tests.functions import CALLS, P

@pytest.mark.parametrize("name", sorted(CALLS))
def test_no_host_read(backend, name, monkeypatch):
    def t(a):
        return native(backend, a)
    B = it.backend_of(t(P))
    expected = CALLS[name](t)  # computed normally first (its plan is then remembered too)

    def forbidden(self, *args, **kwargs):
        raise AssertionError(f"{name} read a value on the host")
    monkeypatch.setattr(type(B), "item", forbidden)
    monkeypatch.setattr(type(B), "to_numpy", forbidden)
    from infotheory import _frontend
    monkeypatch.setattr(_frontend, "_PLANS", {})  # the full pipeline, not a replay
    got = CALLS[name](t)
    monkeypatch.undo()
    np.testing.assert_allclose(it.backend_of(got).to_numpy(got),
                               it.backend_of(expected).to_numpy(expected), rtol=1e-12)
