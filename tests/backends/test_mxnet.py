"""MXNet: mxnet.numpy and legacy mx.nd arrays, with or without npx.set_np(), state untouched."""
import os
import textwrap

import numpy as np

import infotheory as it
from tests.conftest import require, run_child

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _run(code: str) -> str:
    return run_child(["-c", textwrap.dedent(code)], timeout=120).stdout.strip()


def test_global_numpy_semantics_are_left_as_they_were():
    mx = require("mxnet")
    before = (mx.util.is_np_shape(), mx.util.is_np_array())
    p = mx.np.array([[0.1, 0.5, 0.1, 0.3]])
    h = it.entropy(p, axis=None)
    assert (mx.util.is_np_shape(), mx.util.is_np_array()) == before == (False, False)
    assert isinstance(h, mx.np.ndarray) and h.shape == ()
    assert abs(float(h.asnumpy()) - 1.6854753) < 1e-6
    legacy = it.entropy(mx.nd.array([[0.1, 0.5, 0.1, 0.3]]), axis=None)
    assert type(legacy) is mx.nd.NDArray and legacy.shape == (1,)


def test_with_set_np_full_reductions_are_0d_for_both_apis():
    require("mxnet")
    out = _run("""
        import infotheory as it
        mx = it.import_mxnet()
        mx.npx.set_np()
        a = it.entropy(mx.np.array([0.5, 0.5]))
        b = it.entropy(mx.nd.array([0.5, 0.5]).as_np_ndarray().as_nd_ndarray())
        print(a.shape, type(b).__name__, b.shape, mx.util.is_np_shape(), mx.util.is_np_array())
    """)
    assert out == "() NDArray () True True"


def test_autograd_with_set_np():
    require("mxnet")
    out = _run("""
        import infotheory as it
        mx = it.import_mxnet()
        mx.npx.set_np()
        p = mx.np.array([0.2, 0.3, 0.5]); p.attach_grad()
        with mx.autograd.record():
            h = it.entropy(p)
        h.backward()
        print(" ".join(f"{g:.6f}" for g in p.grad.asnumpy()))
    """)
    import math
    expected = [-(math.log2(v) + 1 / math.log(2)) for v in (0.2, 0.3, 0.5)]
    np.testing.assert_allclose([float(v) for v in out.split()], expected, rtol=1e-5)


def test_batched_autograd_without_set_np():
    mx = require("mxnet")
    p = mx.np.array([[0.2, 0.3, 0.5], [0.0, 0.5, 0.5]])
    p.attach_grad()
    with mx.autograd.record():
        h = it.entropy(p)  # shape (2,): backward works outside NumPy shape semantics
    h.backward()
    g = p.grad.asnumpy()
    assert np.isfinite(g).all() and g[1, 0] == 0.0
    np.testing.assert_allclose(g[0], -(np.log2([0.2, 0.3, 0.5]) + 1 / np.log(2)), rtol=1e-5)


def test_import_mxnet_helper_is_opt_in():
    require("mxnet")
    out = _run("""
        import numpy
        import infotheory as it
        untouched = "bool" not in numpy.__dict__
        mx = it.import_mxnet()
        print(untouched, numpy.bool is bool, mx.__version__)
    """)
    assert out == "True True 1.9.1"


def test_mxnet_0d_backward_without_set_np_is_a_clear_error_not_a_crash():
    require("mxnet")
    code = textwrap.dedent("""
        import infotheory as it
        mx = it.import_mxnet()
        p = mx.np.array([0.2, 0.3, 0.5]); p.attach_grad()
        for f in (lambda: it.entropy(p), lambda: it.kl_divergence(p, p),
                  lambda: it.mutual_information(p.reshape((1, 3)) / 1.0)):
            try:
                with mx.autograd.record():
                    h = f()
                h.backward()
                print("no error")
            except RuntimeError as e:
                print("refused" if "npx.set_np()" in str(e) else e)
        q = mx.np.array([[0.2, 0.3, 0.5]]); q.attach_grad()
        with mx.autograd.record():
            h = it.entropy(q)  # shape (1,): differentiates without set_np
        h.backward()
        print("batched", q.grad.shape)
    """)
    out = run_child(["-c", code], timeout=120)
    assert out.stdout.split("\n")[:4] == ["refused", "refused", "refused", "batched (1, 3)"]


def test_labels_on_another_cpu_context_join_the_logits():
    # logits on cpu(1), labels on cpu(0): MXNetError from the CachedOp before
    mx = require("mxnet")
    z = [[0.3, -1.0, 2.0], [1.0, 2.0, 0.5], [0.0, 0.0, 3.0]]
    y = [0, 2, 1]
    got = it.cross_entropy(mx.np.array(z, ctx=mx.cpu(1)),
                           mx.np.array(y, dtype="int64", ctx=mx.cpu(0)), from_logits=True)
    torch = require("torch")
    ref = torch.nn.functional.cross_entropy(torch.tensor(z), torch.tensor(y)).item()
    assert got.ctx == mx.cpu(1) and abs(float(got.asnumpy()) - ref) < 1e-6


def test_floating_inputs_on_two_contexts_and_sparse_arrays_are_refused_clearly():
    mx = require("mxnet")
    import pytest
    with pytest.raises(ValueError, match=r"different devices \(p on cpu\(1\), q on cpu\(0\)\)"):
        it.kl_divergence(mx.np.array([0.5, 0.5], ctx=mx.cpu(1)), mx.np.array([0.5, 0.5]))
    p = mx.nd.array([[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]])
    it.entropy(p)
    for stype in ("row_sparse", "csr"):
        with pytest.raises(TypeError, match=rf"p is a sparse array \(stype '{stype}'\); "
                                            r"pass x.tostype\('default'\)"):
            it.entropy(p.tostype(stype))


def test_an_errno_left_by_other_work_does_not_break_mxnet_scalars():
    """MXNet reads errno after parsing an operator's scalar without clearing it: once
    TensorFlow had overflowed a float32 exp in the process, ``inf`` as a fill value was
    "Out of range" (the issue 29 probe's renyi_divergence at order 1e39)."""
    import ctypes

    mx = require("mxnet")
    libc = ctypes.CDLL(None)
    where = libc.__errno_location
    where.restype = ctypes.POINTER(ctypes.c_int)
    where()[0] = 34  # ERANGE, as TensorFlow's overflow leaves it
    got = it.renyi_divergence(mx.np.array([0.5, 0.5]), mx.np.array([0.25, 0.75]), 1e39)
    assert float(got) == 1.0  # log2 max p/q
