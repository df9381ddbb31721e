"""Keras' own loss test cases (keras/src/losses/losses_test.py: CategoricalCrossentropyTest,
SparseCategoricalCrossentropyTest, BinaryCrossentropyTest) run on our classes with Keras'
golden values and tolerances. The cases whose y_pred rows do not sum to 1 differ by design (we do
not renormalize y_pred, README "Keras"): for them we check the renormalized prediction gives
Keras' value. Masks (``_keras_mask``), every reduction and sample-weight shape are compared with
Keras' classes on the same inputs."""
import numpy as np
import pytest

from tests.keras.test_keras import itk  # noqa: F401  (a fixture; keras: conftest.py)

Y_ONEHOT = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1]])
Y_SPARSE = np.array([[0], [1], [2]])
LOGITS = np.array([[8.0, 1.0, 1.0], [0.0, 9.0, 1.0], [2.0, 3.0, 5.0]])
PROBS = np.array([[0.9, 0.05, 0.05], [0.5, 0.89, 0.6], [0.05, 0.01, 0.94]], dtype="float32")
SW = np.array([[1.2], [3.4], [5.6]])


def close(got, want, atol=1e-3):  # Keras' assertAlmostEqual tolerance in these tests
    np.testing.assert_allclose(np.asarray(got, dtype=np.float64), want, atol=atol)


@pytest.mark.parametrize("y_true", [Y_ONEHOT, Y_SPARSE, Y_SPARSE[:, 0]],
                         ids=["one-hot", "sparse (N, 1)", "sparse (N,)"])
def test_logits_cases(itk, y_true):
    y = y_true.astype("float32") if y_true.ndim == 2 and y_true.shape[1] == 3 else y_true
    ce = itk.CrossEntropy(from_logits=True)
    close(ce(y, LOGITS), 0.0573)                                  # test_unweighted
    close(ce(y, LOGITS, sample_weight=2.3), 0.1317)               # test_scalar_weighted
    close(ce(y, LOGITS, sample_weight=SW), 0.31829)               # test_sample_weighted
    close(itk.CrossEntropy(from_logits=True, reduction=None)(y, LOGITS),
          [0.001822, 0.000459, 0.169846])                         # test_no_reduction
    close(ce(y, np.eye(3) * 10.0), 0.0)                           # test_all_correct_unweighted


def test_probability_cases_differ_only_by_renormalization(itk):
    ce = itk.CrossEntropy()
    renormalized = PROBS / PROBS.sum(-1, keepdims=True)
    close(ce(Y_ONEHOT.astype("float32"), renormalized), 0.3239)
    close(ce(Y_SPARSE, renormalized, sample_weight=2.3), 0.7449)
    close(ce(Y_SPARSE, renormalized, sample_weight=SW), 1.0696)
    close(ce(Y_SPARSE, np.eye(3, dtype="float32")), 0.0)


def test_label_smoothing_and_ignore_class(itk):
    got = itk.CrossEntropy(from_logits=True, label_smoothing=0.1)(
        np.array([[1.0, 0.0, 0.0]]), np.array([[100.0, -100.0, -100.0]]))
    close(got, 400.0 * 0.1 / 3.0, atol=1e-4)
    logits = np.array([[[0.854, 0.698, 0.598], [0.088, 0.86, 0.018]]])
    for y in (np.array([[-1, 2]]), np.array([[[-1], [2]]])):
        got = itk.CrossEntropy(from_logits=True, ignore_class=-1, reduction=None)(y, logits)
        close(got, [[0.0, 1.480129]], atol=1e-5)


def test_binary_cases(itk):
    y = np.array([[1, 0, 1], [0, 1, 1]], dtype="float32")
    logits = np.array([[10.0, -10.0, 10.0], [10.0, 10.0, -10.0]])
    close(itk.BinaryCrossEntropy(from_logits=True)(y, logits, sample_weight=np.array([4, 3])),
          10.0)
    close(itk.BinaryCrossEntropy(from_logits=True, reduction=None)(y, logits), [0.0, 6.666])
    close(itk.BinaryCrossEntropy(from_logits=True, label_smoothing=0.1)(
        np.array([[1.0, 0.0, 1.0]]), np.array([[10.0, -10.0, -10.0]])), (10.0 + 0.5) / 3.0)


@pytest.mark.parametrize("dtype", ["bfloat16", "float16", "float64"])
def test_dtype_arg(itk, dtype):
    loss = itk.CrossEntropy(dtype=dtype)(Y_SPARSE, np.eye(3, dtype="float32"))
    assert loss.dtype.name == dtype


@pytest.mark.parametrize("reduction", ["sum_over_batch_size", "sum", "mean",
                                       "mean_with_sample_weight", None])
@pytest.mark.parametrize("weights", ["none", "scalar", "per-sample", "timestep", "zero"])
def test_reductions_weights_and_masks_as_keras(keras, itk, reduction, weights):
    """Sequence logits (2, 3, 3) with labels (2, 3), a _keras_mask on y_pred, and each
    sample-weight shape Keras' tests use: ours equals Keras' own class."""
    import tensorflow as tf

    rng = np.random.default_rng(4)
    z = rng.normal(0, 2, (2, 3, 3)).astype("float32")
    y = rng.integers(0, 3, (2, 3))
    sw = {"none": None, "scalar": 2.3, "per-sample": np.array([[1.2], [3.4]]),
          "timestep": np.array([[3, 6, 5], [0, 4, 2]]).astype("float32"), "zero": 0.0}[weights]
    for masked in (False, True):
        pred = tf.constant(z)
        if masked:
            pred._keras_mask = tf.constant([[True, True, False], [True, False, True]])
        ours = itk.CrossEntropy(from_logits=True, reduction=reduction)(y, pred, sample_weight=sw)
        theirs = keras.losses.SparseCategoricalCrossentropy(from_logits=True,
                                                            reduction=reduction)(
            y, pred, sample_weight=sw)
        np.testing.assert_allclose(np.asarray(ours), np.asarray(theirs), rtol=1e-5, atol=1e-6)
