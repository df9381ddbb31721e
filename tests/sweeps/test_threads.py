"""Thread safety: 8 threads calling measures on every backend at once get correct results, and
the registry and dispatch cache survive concurrent first use (in a fresh interpreter)."""
import os
import textwrap

import pytest

from tests.conftest import present_backends, run_child

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.mark.slow  # a subprocess (make test-fast skips it)
def test_eight_threads_on_all_backends():
    present_backends()  # (each environment runs all it holds; CI fails on a missing one)
    code = textwrap.dedent("""
        import math, threading
        import numpy as np
        import infotheory as it
        from infotheory import testing as c
        from infotheory import _dispatch
        from tests.toy_backend import Box, BoxBackend
        BACKENDS = c.installed_backends()  # imports happen here; first *use* is concurrent
        assert not _dispatch._cache  # nothing looked up yet
        P = [[0.1, 0.5, 0.1, 0.3], [0.25, 0.25, 0.25, 0.25]]
        J = [[0.1, 0.5], [0.1, 0.3]]
        # references: SciPy in this (main) thread; entropy of the book's rows is 1.6855 and 2
        from scipy import special, stats
        L = [[1.0, 2.0, 0.5, -1.0], [0.0, 3.0, 1.0, 1.0]]  # logits (a fused kernel's path)
        Jn, Pn = np.array(J), np.array(P)
        expected = {"entropy": stats.entropy(Pn, base=2, axis=-1),
                    "joint": stats.entropy(Jn.ravel(), base=2),
                    "mi": stats.entropy(Jn.ravel(), np.outer(Jn.sum(1), Jn.sum(0)).ravel(), base=2),
                    "ce": -np.mean(np.log([P[0][0], P[1][1]])),
                    "ce_logits": -special.log_softmax(np.array(L), axis=-1)[[0, 1], [0, 1]]}
        barrier = threading.Barrier(8)
        errors = []
        def work(i):
            try:
                barrier.wait()
                for rnd in range(20):
                    b = BACKENDS[(i + rnd) % len(BACKENDS)]
                    dtype = "float64" if rnd % 2 else "float32"
                    tol = 1e-5 if dtype == "float32" else 1e-12
                    p = c.to_native(b, P, dtype)
                    got = {"entropy": c.to_numpy(it.entropy(p)),
                           "joint": c.to_numpy(it.joint_entropy(c.to_native(b, J, dtype))),
                           "mi": c.to_numpy(it.mutual_information(c.to_native(b, J, dtype))),
                           "ce": c.to_numpy(it.cross_entropy(p, c.to_native(b, np.array([0, 1]), dtype))),
                           "ce_logits": c.to_numpy(it.cross_entropy(
                               c.to_native(b, L, dtype), c.to_native(b, np.array([0, 1]), dtype),
                               from_logits=True, reduction="none"))}
                    for k, v in got.items():
                        if not np.allclose(v.ravel(), np.ravel(expected[k]), atol=tol, rtol=tol):
                            errors.append((i, b, dtype, k, v))
                    if rnd == 5 and i % 2:  # registry changes while others dispatch
                        toy = it.register_backend(BoxBackend())
                        assert float(it.entropy(Box([0.5, 0.5])).data) == 1.0
                        it.unregister_backend(toy)
            except Exception as e:  # noqa: BLE001
                errors.append((i, repr(e)))
        threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
        for t in threads: t.start()
        for t in threads: t.join()
        print("errors:", errors)
        assert not errors
        print("ok")
    """)
    out = run_child(["-c", code], timeout=600, env={"TF_CPP_MIN_LOG_LEVEL": "3"})
    assert out.stdout.strip().endswith("ok"), out.stdout[-3000:] + out.stderr[-3000:]
