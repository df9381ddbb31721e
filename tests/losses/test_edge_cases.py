"""Edge cases of the losses on every backend: targets told apart by dtype, NaN logits, empty
class axes."""

import math

import numpy as np
import pytest

import infotheory as it
from tests.conftest import native, require, to_np


def scalar(x):
    return float(to_np(x).reshape(()))


def test_cross_entropy_targets_are_told_apart_by_dtype(backend):
    q = np.array([[0.2, 0.3, 0.5], [0.1, 0.6, 0.3], [0.4, 0.4, 0.2]])
    soft = np.array([0.25, 0.25, 0.5])  # float, shape (3,) == q.shape[:-1]: still probabilities
    got = to_np(it.cross_entropy(native(backend, q), native(backend, soft), reduction="none"))
    np.testing.assert_allclose(got, -(soft * np.log(q)).sum(-1), rtol=1e-12)
    q4 = np.vstack([q, [[0.3, 0.3, 0.4]]])
    got = to_np(it.cross_entropy(native(backend, q4), native(backend, soft), reduction="none"))
    np.testing.assert_allclose(got, -(soft * np.log(q4)).sum(-1), rtol=1e-12)
    with pytest.raises(ValueError, match=r"cross_entropy: y of shape \(4,\) must broadcast.*y was read as "
                                         r"probability targets because it has a floating dtype"):
        it.cross_entropy(native(backend, q4), native(backend, [0.0, 1.0, 2.0, 0.0]))
    with pytest.raises(ValueError, match=r"cross_entropy: y holds class indices, so its shape must "
                                         r"be \(4,\).*because it has an integer dtype"):
        it.cross_entropy(native(backend, q4), native(backend, np.array([0, 1, 2])))


def test_nan_logit_outside_the_label_gives_nan(backend):
    z = native(backend, [[1.0, math.nan, 2.0]])
    assert math.isnan(scalar(it.cross_entropy(z, native(backend, np.array([0])),
                                              from_logits=True)))  # MXNet gave 88.72
    assert math.isnan(scalar(it.entropy(z, from_logits=True)))


@pytest.mark.parametrize("fn", ["cross_entropy", "nll_loss"])
def test_an_empty_class_axis_is_our_value_error(backend, fn):
    def check():
        pred = native(backend, np.zeros((2, 0)), "float32")
        with pytest.raises(ValueError, match=f"{fn}: (y_hat|log_probs) has an empty class axis"):
            getattr(it, fn)(pred, native(backend, np.array([0, 0])))  # MXNet: segfault

    if backend.startswith("mxnet"):  # MXNet makes empty arrays only with NumPy shapes
        mx = require(backend)
        with mx.util.np_shape(True), mx.util.np_array(True):
            return check()
    check()


# --- probe reproductions (issue 18) ---------------------------------------------------------
def test_ignore_index_zero_is_honoured_on_every_backend(backend):
    """MXNet's kernel chooser read ignore_index=0 as "option unused" and dropped it: 2.322771
    where torch gives 2.529646, and the ignored sample's loss 1.909 under reduction='none'."""
    torch = require("torch")
    F = torch.nn.functional
    z = np.array([[0.3, -1.0, 2.0], [1.0, 2.0, 0.5], [0.0, 0.0, 3.0]])
    y = np.array([0, 2, 1])
    for reduction in ("mean", "sum", "none"):
        want = F.cross_entropy(torch.tensor(z), torch.tensor(y), ignore_index=0,
                               reduction=reduction).numpy()
        got = to_np(it.cross_entropy(native(backend, z), native(backend, y), from_logits=True,
                                     ignore_index=0, reduction=reduction))
        np.testing.assert_allclose(got, want, rtol=1e-6)
    assert scalar(it.perplexity(native(backend, z), native(backend, y), from_logits=True,
                                ignore_index=0)) == pytest.approx(math.exp(2.529646), rel=1e-6)


@pytest.mark.parametrize("index", [2 ** 63, -(2 ** 63) - 1, 10 ** 30])
def test_an_ignore_index_no_int64_label_can_hold_is_our_error(backend, index):
    z, y = native(backend, [[0.3, 0.7]]), native(backend, np.array([1]))
    with pytest.raises(ValueError, match="cross_entropy: ignore_index must be a class index an "
                                         "int64 label can hold"):
        it.cross_entropy(z, y, from_logits=True, ignore_index=index)


@pytest.mark.parametrize("call", [
    lambda t: it.entropy(t([0.5, 0.5]), from_logits="yes"),
    lambda t: it.cross_entropy(t([[0.5, 0.5]]), t(np.array([0])), from_logits="q"),
    lambda t: it.perplexity(t([[0.5, 0.5]]), t(np.array([0])), from_logits=1),
    lambda t: it.binary_cross_entropy(t([0.5]), t([1.0]), from_logits=None),
])
def test_from_logits_flags_are_true_or_false(backend, call):
    with pytest.raises(TypeError, match="from_logits must be True or False"):
        call(lambda a: native(backend, a))


def test_binary_cross_entropy_of_infinite_logits_is_inf_not_nan(backend):
    """MXNet and Dask gave NaN at +inf (target 0) and -inf (target 1), where torch gives +inf.
    A certain, right prediction costs 0 (0 log 0 = 0: torch's formula gives NaN there)."""
    torch = require("torch")
    z = np.array([math.inf, -math.inf, math.inf, -math.inf, 3.0, -2.0])
    y = np.array([0.0, 1.0, 1.0, 0.0, 0.5, 1.0])
    want = torch.nn.functional.binary_cross_entropy_with_logits(
        torch.tensor(z), torch.tensor(y), reduction="none").numpy()
    got = to_np(it.binary_cross_entropy(native(backend, z), native(backend, y), from_logits=True,
                                        reduction="none"))
    np.testing.assert_array_equal(got[:4], [math.inf, math.inf, 0.0, 0.0])
    assert np.isinf(want[0]) and np.isnan(want[2:4]).all()  # torch: inf, and NaN for the 0s
    np.testing.assert_allclose(got[4:], want[4:], rtol=1e-6)


@pytest.mark.parametrize("from_logits", [False, True])
def test_binary_cross_entropy_refuses_a_target_of_another_shape_as_torch_does(from_logits):
    torch = pytest.importorskip("torch")
    import torch.nn.functional as F
    z = torch.zeros(8, 1)
    y = torch.ones(8)
    q = z if from_logits else torch.sigmoid(z)
    torch_f = F.binary_cross_entropy_with_logits if from_logits else F.binary_cross_entropy
    with pytest.raises((ValueError, RuntimeError)):
        torch_f(q, y)
    with pytest.raises(ValueError, match=r"binary_cross_entropy: y must have y_hat's shape "
                                         r"\(8, 1\), got \(8,\); drop y_hat's trailing axis"):
        it.binary_cross_entropy(q, y, from_logits=from_logits)
    with pytest.raises(ValueError, match="weight of shape"):
        it.binary_cross_entropy(q, y[:, None], from_logits=from_logits, weight=torch.ones(8, 8))
    # the right value once the shapes agree: ln 2 for a logit of 0, as torch gives
    got = it.binary_cross_entropy(q[:, 0], y, from_logits=from_logits)
    assert torch.allclose(got, torch_f(q[:, 0], y))
