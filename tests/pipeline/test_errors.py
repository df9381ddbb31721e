"""The free structural checks: always on, on every backend, with messages naming the argument."""
import math

import numpy as np
import pytest

import infotheory as it
from tests.conftest import native, require, to_np

P = [[0.1, 0.5, 0.1, 0.3], [0.25, 0.25, 0.25, 0.25]]


@pytest.mark.parametrize("bad", ["abc", None, {"a": 1}, object(), b"xy"])
def test_non_numeric_input_is_a_type_error(bad):
    for fn in (it.entropy, it.self_information, it.joint_entropy):
        with pytest.raises(TypeError, match=rf"{fn.__name__}: p(_xy)? must be an array"):
            fn(bad)
    with pytest.raises(TypeError, match="kl_divergence: q must be an array"):
        it.kl_divergence([0.5, 0.5], bad if bad is not None else "x")
    with pytest.raises(TypeError, match="cross_entropy: y must be an array"):
        it.cross_entropy([[0.5, 0.5]], bad if bad is not None else "x")


def test_nested_strings_bool_and_complex_are_type_errors(backend):
    with pytest.raises(TypeError, match="entropy: p has a non-numeric dtype"):
        it.entropy([["a", "b"]])
    with pytest.raises(TypeError, match="entropy: p has a complex dtype"):
        it.entropy(np.array([0.5 + 0j, 0.5]))
    fw = require(backend)
    b = native(backend, [0.5, 0.5]) != 0 if backend != "mxnet.nd" else \
        fw.nd.array([1, 0], dtype="bool") if hasattr(fw.nd, "bool") else None
    if b is not None:
        with pytest.raises(TypeError, match="entropy: p has a boolean dtype"):
            it.entropy(b)


def test_ragged_lists_are_value_errors():
    with pytest.raises(ValueError, match="entropy: p is a ragged nested sequence"):
        it.entropy([[0.5, 0.5], [1.0]])


def test_shapes_that_do_not_broadcast(backend):
    p = native(backend, P)
    q = native(backend, [0.5, 0.5, 0.0])
    with pytest.raises(ValueError, match=r"kl_divergence: shapes do not broadcast: p \(2, 4\), q \(3,\)"):
        it.kl_divergence(p, q)
    with pytest.raises(ValueError, match="conditional_entropy: shapes do not broadcast"):
        it.conditional_entropy(native(backend, [[0.1, 0.5], [0.2, 0.2]]), native(backend, [1.0, 0, 0]))
    with pytest.raises(ValueError, match="mutual_information: shapes do not broadcast"):
        it.mutual_information(native(backend, [[0.1, 0.5], [0.2, 0.2]]), None, native(backend, [1.0, 0, 0]))


@pytest.mark.parametrize("axis", [2, -3, (0, 5), (0, 0), ()])
def test_axis_out_of_range_or_repeated(backend, axis):
    with pytest.raises(ValueError, match="entropy: axis"):
        it.entropy(native(backend, P), axis=axis)


@pytest.mark.parametrize("axis", [1.0, "0", (0, None), True])
def test_axis_of_wrong_type(axis):
    with pytest.raises(TypeError, match="entropy: axis must be an int"):
        it.entropy(P, axis=axis)


def test_joint_measures_need_two_dimensions(backend):
    for fn in (it.conditional_entropy, it.mutual_information, it.pointwise_mutual_information):
        with pytest.raises(ValueError, match=f"{fn.__name__}: p_xy needs at least 2 dimension"):
            fn(native(backend, [0.5, 0.5]))
    with pytest.raises(ValueError, match="joint_entropy: axis -2 is out of range"):
        it.joint_entropy(native(backend, [0.5, 0.5]))


@pytest.mark.parametrize("base", [0, -2, 1, 1.0, math.inf, math.nan])
def test_bad_base_is_a_value_error(backend, base):
    with pytest.raises(ValueError, match="entropy: base must be positive, finite and not 1"):
        it.entropy(native(backend, P), base=base)
    with pytest.raises(ValueError, match="cross_entropy: base must be"):
        it.cross_entropy(native(backend, P), native(backend, np.array([0, 1])), base=base)


@pytest.mark.parametrize("base", ["2", True, 2j])  # (None: the default unit)
def test_base_of_wrong_type(base):
    with pytest.raises(TypeError, match="self_information: base must be a real number"):
        it.self_information(0.5, base=base)


def test_unknown_reduction(backend):
    with pytest.raises(ValueError, match=r"cross_entropy: reduction must be one of \('mean', 'sum', 'none'\), got 'avg'"):
        it.cross_entropy(native(backend, P), native(backend, np.array([0, 1])), reduction="avg")
    with pytest.raises(ValueError, match="nll_loss: reduction must be one of"):
        it.nll_loss(native(backend, P), native(backend, np.array([0, 1])), reduction=None)


def test_labels_whose_shape_does_not_fit(backend):
    q = native(backend, P)
    with pytest.raises(ValueError, match=r"cross_entropy: y holds class indices, so its shape must be \(2,\)"):
        it.cross_entropy(q, native(backend, np.array([0, 1, 2])))
    with pytest.raises(ValueError, match=r"nll_loss: y holds class indices, so its shape must be \(2,\)"):
        it.nll_loss(q, native(backend, np.array([[0], [1]])))


def test_floating_labels_are_rejected(backend):
    q = native(backend, P)
    # second pass: a floating y is read as probability targets whatever its shape, and the
    # shape error says so
    with pytest.raises(ValueError, match="cross_entropy: y of shape .* must broadcast.*y was read as "
                                         "probability targets because it has a floating dtype"):
        it.cross_entropy(q, native(backend, [0.0, 1.0]))
    with pytest.raises(TypeError, match="nll_loss: y must hold integer class indices, got a floating"):
        it.nll_loss(q, native(backend, [0.0, 1.0]))


def test_probability_targets_must_broadcast(backend):
    with pytest.raises(ValueError, match=r"cross_entropy: y of shape \(1, 3\) must broadcast to "
                                         r"y_hat's shape"):
        it.cross_entropy(native(backend, P), native(backend, [[1.0, 0.0, 0.0]]))


def test_mixed_frameworks_name_both():
    torch = require("torch")
    tf = require("tensorflow")
    with pytest.raises(TypeError, match=r"kl_divergence: inputs mix torch \(p\) and tensorflow \(q\)"):
        it.kl_divergence(torch.tensor([0.5, 0.5]), tf.constant([0.5, 0.5]))
    mx = require("mxnet")
    with pytest.raises(TypeError, match=r"inputs mix tensorflow \(y_hat\) and mxnet \(y\)"):
        it.cross_entropy(tf.constant([[0.5, 0.5]]), mx.np.array([1]))


def test_errors_change_nothing(backend):
    p = native(backend, P)
    from tests.conftest import to_np

    before = to_np(p).copy()
    with pytest.raises(ValueError):
        it.entropy(p, axis=3)
    with pytest.raises(ValueError):
        it.entropy(p, validate=True, axis=0)
    assert np.array_equal(to_np(p), before)


@pytest.mark.parametrize("axis", [1.0, True, "1"])
def test_axis_type_is_checked_whatever_came_before(axis):
    p = np.array([[0.5, 0.5]])
    it.entropy(p, axis=1)
    for _ in range(2):
        with pytest.raises(TypeError, match="entropy: axis must be an int"):
            it.entropy(p, axis=axis)


def test_base_edge_cases():
    with pytest.raises(TypeError, match="entropy: base must be a real number"):
        it.entropy([0.5, 0.5], base=np.array(2.0))
    h = it.entropy([0.5, 0.5], base=10 ** 400)  # an int beyond float range: ln = 921.03
    assert float(h) == pytest.approx(math.log(2) / (400 * math.log(10)), rel=1e-12)
    assert float(it.entropy([0.5, 0.5], base=np.float32(2))) == 1.0


def test_mxnet_base_tensor_is_our_type_error():
    mx = require("mxnet")
    with pytest.raises(TypeError, match="entropy: base must be a real number"):
        it.entropy(mx.np.array([0.5, 0.5]), base=mx.np.array(2.0))


def test_masked_arrays_are_refused():
    p = np.ma.masked_array([0.5, 0.5, 0.2], mask=[0, 0, 1])
    with pytest.raises(TypeError, match=r"entropy: p is a NumPy masked array.*np.ma.filled"):
        it.entropy(p)


# --- probe reproductions (issue 18) ---------------------------------------------------------
def test_a_python_int_beyond_any_float_is_our_error():
    """self_information(10**400) raised OverflowError from NumPy."""
    with pytest.raises(ValueError, match="self_information: p holds a number too large"):
        it.self_information(10 ** 400)


def test_validation_refuses_non_positive_scales(backend):
    """gaussian_kl_divergence(mu, -sigma, ...) was NaN even inside it.validation()."""
    mu, s = native(backend, [0.0, 1.0]), native(backend, [-1.0, 0.5])
    assert np.isnan(to_np(it.gaussian_kl_divergence(mu, s, 0.0, 1.0))[0])  # NaN unvalidated
    with it.validation():
        with pytest.raises(ValueError, match="gaussian_kl_divergence: scale_p must be positive"):
            it.gaussian_kl_divergence(mu, s, 0.0, 1.0)
        with pytest.raises(ValueError, match="gaussian_entropy: scale must be positive"):
            it.gaussian_entropy(s)


def test_messages_name_the_real_cause(backend):
    """cross_entropy(labels, probs) said "looks like counts"; BCE with integer 0/1 targets
    advised "normalize it first"; torch's (N, C, T) layout did not say classes go last."""
    torch = require("torch")
    probs, labels = np.array([[0.5, 0.5], [0.2, 0.8]]), np.array([0, 1])
    with pytest.raises(TypeError, match="are the arguments swapped"):
        it.cross_entropy(native(backend, labels), native(backend, probs))
    got = to_np(it.binary_cross_entropy(native(backend, [0.9, 0.2]),
                                        native(backend, np.array([1, 0]))))
    want = torch.nn.functional.binary_cross_entropy(torch.tensor([0.9, 0.2]),
                                                    torch.tensor([1.0, 0.0])).item()
    assert float(got.reshape(-1)[0]) == pytest.approx(want, rel=1e-6)
    z = native(backend, np.zeros((2, 3, 4)))
    with pytest.raises(ValueError, match=r"classes go on the last axis.*movedim\(1, -1\)"):
        it.cross_entropy(z, native(backend, np.zeros((2, 4), dtype=np.int64)), from_logits=True)


def test_host_reads_in_graph_mode_say_what_reads():
    """tf.function(mutual_information_from_labels) said "validate=True needs eager execution"
    with no validate given; under jax.jit the label estimators gave raw tracer errors."""
    tf = require("tensorflow")
    f = tf.function(it.estimate.mutual_information_from_labels)
    with pytest.raises(RuntimeError, match="mutual_information_from_labels: the estimators from "
                                           "data .* outside tf.function"):
        f(tf.constant([0, 1, 1]), tf.constant([1, 0, 1]))
    g = tf.function(lambda p: it.entropy(p, validate=True))
    with pytest.raises(RuntimeError, match=r"entropy: validation \(validate=True or "
                                           r"it.validation\(\)\)"):
        g(tf.constant([0.5, 0.5]))
    h = tf.function(lambda x, y: it.estimate.mutual_information_ksg(x, y))
    with pytest.raises(RuntimeError, match=r"mutual_information_ksg: the estimators from data"):
        h(tf.zeros(10), tf.zeros(10))


def test_host_reads_under_jax_jit_say_what_reads():
    jax = require("jax")
    import jax.numpy as jnp

    f = jax.jit(lambda x, y: it.estimate.mutual_information_from_labels(x, y))
    with pytest.raises(RuntimeError, match="mutual_information_from_labels: the estimators "
                                           "from data .* under jax.jit"):
        f(jnp.array([0, 1, 1]), jnp.array([1, 0, 1]))
    g = jax.jit(lambda p: it.entropy(p, validate=True))
    with pytest.raises(RuntimeError, match="validation .* under jax.jit"):
        g(jnp.array([0.5, 0.5]))


def test_labels_of_another_length_in_a_graph_of_unknown_sizes_get_our_message():
    """Inside tf.function with unknown dimensions the plan cannot compare the label vector with
    the predictions; an assertion in the graph does, before TF's own kernel fails."""
    tf = require("tensorflow")
    spec = [tf.TensorSpec([None, 3]), tf.TensorSpec([None], tf.int64)]
    for f in (lambda z, y: it.cross_entropy(z, y, from_logits=True),
              lambda z, y: it.nll_loss(z, y), lambda z, y: it.perplexity(z, y, from_logits=True)):
        g = tf.function(f, input_signature=spec)
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match=r"(cross_entropy|nll_loss|perplexity): y holds class indices, so "
                                 r"its shape must be"):
            g(tf.zeros((4, 3)), tf.constant([0, 1, 2], tf.int64))
        assert np.isfinite(float(g(tf.zeros((3, 3)), tf.constant([0, 1, 2], tf.int64))))
