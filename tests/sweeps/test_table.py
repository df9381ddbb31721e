"""The sweeps' table (``tests/functions.py``) covers every public function on tensors, and each
entry of it gives the same value on a repeated call (a planned call) as on a fresh one, in
eight threads at once, on every backend."""
import threading

import numpy as np
import pytest

from infotheory import _frontend, divergences, gaussian, losses, measures
from infotheory.estimate import bounds
from tests.conftest import native, to_np
from tests.functions import CALLS


def test_every_public_function_on_tensors_is_in_the_table():
    public = {name for module in (measures, divergences, gaussian, losses, bounds) for name, f in vars(module).items()
              if callable(f) and hasattr(f, "autograph_info__")}
    assert len(public) == 18
    assert public <= set(CALLS)


@pytest.mark.parametrize("name", sorted(CALLS))
def test_planned_calls_in_eight_threads_equal_a_fresh_call(backend, name):
    def t(a):
        return native(backend, a)
    _frontend._PLANS.clear()
    fresh = to_np(CALLS[name](t))
    results, errors = [], []
    barrier = threading.Barrier(8)
    # A Dask call builds its graph in about 0.1 s (500 tasks for the multivariate measures), so
    # eight of them overlap on the first call; faster backends repeat to overlap at all.
    repeats = 1 if backend == "dask" else 5

    def work():
        try:
            barrier.wait()
            for _ in range(repeats):
                results.append(to_np(CALLS[name](t)))
        except Exception as e:  # noqa: BLE001
            errors.append(repr(e))
    threads = [threading.Thread(target=work) for _ in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors and len(results) == 8 * repeats
    for r in results:
        np.testing.assert_array_equal(r, fresh)
