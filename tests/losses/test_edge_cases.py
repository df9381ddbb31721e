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
    with pytest.raises(ValueError, match=r"cross_entropy: shapes do not broadcast.*y was read as "
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
