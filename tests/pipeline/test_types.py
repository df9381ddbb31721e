"""Native in, native out: framework, dtype, device, 0-d results, promotion, joining."""
import math

import numpy as np
import pytest

import infotheory as it
from tests.conftest import BACKENDS, dtype_name, is_native, native, require, to_np

FRAMEWORKS = [b for b in BACKENDS if b != "numpy"]

P = [[0.1, 0.5, 0.1, 0.3], [0.25, 0.25, 0.25, 0.25]]
J = [[0.1, 0.5], [0.1, 0.3]]


def _calls(b, dtype):
    p = native(b, P, dtype)
    j = native(b, J, dtype)
    labels = native(b, np.array([0, 3]))
    return {
        "self_information": (it.self_information(p), (2, 4)),
        "entropy": (it.entropy(p), (2,)),
        "entropy_all": (it.entropy(p, axis=None), ()),
        "joint_entropy": (it.joint_entropy(j), ()),
        "conditional_entropy": (it.conditional_entropy(j), ()),
        "mutual_information": (it.mutual_information(j), ()),
        "pointwise_mutual_information": (it.pointwise_mutual_information(j), (2, 2)),
        "kl_divergence": (it.kl_divergence(p, native(b, P[::-1], dtype)), (2,)),
        "cross_entropy": (it.cross_entropy(p, labels), ()),
        "cross_entropy_none": (it.cross_entropy(p, labels, reduction="none"), (2,)),
        "nll_loss": (it.nll_loss(p, labels, reduction="sum"), ()),
    }


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_native_type_dtype_and_shape(backend, dtype):
    for name, (out, shape) in _calls(backend, dtype).items():
        assert is_native(backend, out), (name, type(out))
        assert dtype_name(out) == dtype, (name, out.dtype)
        if backend == "mxnet.nd" and shape == ():
            shape = (1,)  # legacy mx.nd without NumPy shape semantics has no 0-d arrays
        assert tuple(out.shape) == shape, (name, out.shape)


def test_integer_logits_promote_to_default_float(backend):
    out = it.entropy(native(backend, np.array([1, 1, 0])) if backend != "numpy"
                     else np.array([1, 1, 0]), base=math.e, from_logits=True)
    expected = {"numpy": "float64", "torch": "float32", "tensorflow": "float32",
                "mxnet": "float32", "mxnet.nd": "float32",
                "jax": "float64", "dask": "float64"}[backend]  # JAX's default with x64 on
    assert dtype_name(out) == expected
    q = np.exp([1, 1, 0]) / np.exp([1, 1, 0]).sum()
    assert abs(to_np(out) - -(q * np.log(q)).sum()) < 1e-6


def test_integer_distributions_are_refused_as_counts(backend):
    """Second pass: an integer distribution looks like counts (entropy([10, 20, 30, 0]) was
    -266.86 bits); it raises, naming the argument and the fix."""
    counts = native(backend, np.array([10, 20, 30, 0]))
    with pytest.raises(TypeError, match=r"entropy: p has an integer dtype, so it looks like "
                                        r"counts.*normalize it first"):
        it.entropy(counts)
    for call, name in ((lambda: it.kl_divergence(counts, native(backend, [.25] * 4)), "p"),
                       (lambda: it.kl_divergence(native(backend, [.25] * 4), counts), "q"),
                       (lambda: it.mutual_information(native(backend, [[1, 0], [0, 1]])), "p_xy"),
                       (lambda: it.conditional_entropy(native(backend, [[.5, 0], [0, .5]]),
                                                       native(backend, np.array([1, 1]))), "p_x"),
                       (lambda: it.self_information(counts), "p"),
                       (lambda: it.cross_entropy(counts, native(backend, np.array(1))), "y_hat")):
        with pytest.raises(TypeError, match=f": {name} has an integer dtype"):
            call()
    # class indices keep taking integers; a Python number is a value, not counts
    it.cross_entropy(native(backend, [[0.5, 0.5]]), native(backend, np.array([1])))
    assert float(to_np(it.self_information(1))) == 0.0


def test_python_values_are_float64_so_tiny_probabilities_survive():
    out = it.self_information(1 / math.factorial(52))
    assert type(out) is np.float64
    assert abs(float(out) - math.log2(math.factorial(52))) < 1e-9


@pytest.mark.parametrize("backend", FRAMEWORKS)
def test_numpy_and_lists_join_the_framework_tensor(backend):
    require(backend)
    p = native(backend, [0.5, 0.25, 0.25], "float32")
    for q in ([0.25, 0.5, 0.25], np.array([0.25, 0.5, 0.25], dtype=np.float64)):
        out = it.kl_divergence(p, q)
        assert is_native(backend, out) and dtype_name(out) == "float32"
        out = it.kl_divergence(q, p)
        assert is_native(backend, out) and dtype_name(out) == "float32"
    labels = it.cross_entropy(native(backend, [[0.5, 0.5]], "float32"), [1])
    assert is_native(backend, labels)


def test_mixed_float_dtypes_promote(backend):
    if backend == "tensorflow":
        pass  # TF has no implicit promotion; we promote explicitly
    out = it.kl_divergence(native(backend, [0.5, 0.5], "float32"), native(backend, [0.25, 0.75]))
    assert dtype_name(out) == "float64"


LOW_PRECISION = [(b, "float16") for b in ("numpy", "torch", "tensorflow", "mxnet", "mxnet.nd")] + \
    [("torch", "bfloat16"), ("tensorflow", "bfloat16")]  # NumPy and MXNet have no bfloat16


@pytest.mark.parametrize("backend,dtype", LOW_PRECISION)
def test_low_precision_keeps_dtype_and_accumulates_in_float32(backend, dtype):
    fw = require(backend)
    p = np.full(4096, 1 / 4096)
    if backend == "torch":
        t = fw.tensor(p, dtype=getattr(fw, dtype))
    elif backend == "tensorflow":
        t = fw.constant(p, dtype=getattr(fw, dtype))
    else:
        t = native(backend, p, dtype)
    out = it.entropy(t)
    assert dtype_name(out) == dtype
    # accumulating 4096 terms in float16 would be off by far more than one rounding of 12.0
    tol = {"float16": 2 ** -11 * 12, "bfloat16": 2 ** -8 * 12}[dtype] * 2
    assert abs(to_np(out) - 12.0) <= tol


def test_torch_keeps_device_and_autograd():
    torch = require("torch")
    p = torch.tensor([0.2, 0.3, 0.5], requires_grad=True)
    h = it.entropy(p)
    assert h.device == p.device and h.requires_grad and h.grad_fn is not None
    h.backward()
    torch.testing.assert_close(p.grad, -(torch.log2(p.detach()) + 1 / math.log(2)))


def test_tensorflow_variable_and_tf_function():
    tf = require("tensorflow")
    v = tf.Variable([0.2, 0.3, 0.5], dtype=tf.float64)
    with tf.GradientTape() as tape:
        h = it.entropy(v)
    g = tape.gradient(h, v)
    np.testing.assert_allclose(g.numpy(), -(np.log2([0.2, 0.3, 0.5]) + 1 / math.log(2)))

    @tf.function
    def f(p, y):
        return it.entropy(p), it.cross_entropy(p, y), it.kl_divergence(p, p)

    h, ce, kl = f(tf.constant([[0.5, 0.5]]), tf.constant([1]))
    assert abs(h.numpy()[0] - 1.0) < 1e-6 and abs(ce.numpy() - math.log(2)) < 1e-6
    assert kl.numpy()[0] == 0.0


def test_results_do_not_alias_inputs(backend):
    p = native(backend, [0.25, 0.25, 0.5])
    before = to_np(p).copy()
    out = it.self_information(p)
    assert np.array_equal(to_np(p), before)
    assert out is not p


# --- return types users expect (issue 18) ---------------------------------------------------
def test_numpy_and_list_inputs_give_numpy_scalars_for_0d_results():
    """They gave 0-d arrays: round(v, 3) raised TypeError, values were unhashable and a pandas
    Series of results had dtype object. NumPy's own reductions return NumPy scalars."""
    import json

    p = np.array([[0.1, 0.5, 0.1, 0.3], [0.25, 0.25, 0.25, 0.25]])
    values = [it.entropy(p[0]), it.entropy([0.5, 0.5]), it.kl_divergence(p[0], p[1]),
              it.cross_entropy(p, np.array([1, 2])),
              it.estimate.mutual_information_from_labels([0, 0, 1, 1], [0, 1, 0, 1]),
              it.estimate.adjusted_mutual_information([0, 0, 1, 1], [0, 0, 1, 1])]
    for v in values:
        assert type(v) is np.float64, type(v)
        assert round(v, 3) == round(float(v), 3)
        assert hash(v) == hash(float(v))
    assert json.loads(json.dumps({"h": values[0]})) == {"h": float(values[0])}
    assert type(it.entropy(p.astype(np.float32)[0])) is np.float32  # as np.sum of float32
    assert type(np.sum(p.astype(np.float32)[0])) is np.float32
    batched = it.entropy(p)
    assert type(batched) is np.ndarray and batched.shape == (2,)


def test_dask_results_compute_to_the_numpy_backends_types():
    da = require("dask")
    import dask.array as dda

    x, y = np.array([0, 0, 1, 1, 2, 2]), np.array([0, 1, 1, 1, 2, 0])
    p = np.array([[0.1, 0.5, 0.1, 0.3], [0.25, 0.25, 0.25, 0.25]])
    del da
    for f, args in ((it.entropy, (p[0],)), (it.entropy, (p,)),
                    (it.estimate.mutual_information_from_labels, (x, y)),
                    (it.estimate.normalized_mutual_information, (x, y)),
                    (it.estimate.adjusted_mutual_information, (x, y))):
        want = f(*args)
        got = f(*(dda.from_array(a, chunks=2) for a in args)).compute()
        assert type(got) is type(want), (f.__name__, type(got), type(want))
        np.testing.assert_allclose(got, want, rtol=1e-12)
