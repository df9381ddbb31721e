"""infotheory.keras: Keras 3 losses, against Keras built-ins, in fit, saved and loaded, and on
Keras' torch backend (in a subprocess, as Keras picks its backend once per process)."""
import os
import textwrap

import numpy as np
import pytest

from infotheory.testing import dirichlet_with_zeros
from tests.conftest import require, run_child

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RNG = np.random.default_rng(21)
LOGITS = RNG.normal(0, 2, (16, 5)).astype("float32")
LABELS = RNG.integers(0, 5, 16)
P = dirichlet_with_zeros(RNG, (16, 5), zero_fraction=0.0).astype("float32")
Q = (0.5 * dirichlet_with_zeros(RNG, (16, 5), zero_fraction=0.0) + 0.1).astype("float32")


@pytest.fixture(scope="module")
def itk(keras):
    import infotheory.keras as itk

    return itk


def _close(a, b):
    np.testing.assert_allclose(float(a), float(b), atol=1e-6, rtol=1e-6)


def test_agrees_with_keras_builtins(keras, itk):
    L = keras.losses
    _close(itk.CrossEntropy(from_logits=True)(LABELS, LOGITS),
           L.SparseCategoricalCrossentropy(from_logits=True)(LABELS, LOGITS))
    _close(itk.CrossEntropy(from_logits=True)(LABELS[:, None], LOGITS),
           L.SparseCategoricalCrossentropy(from_logits=True)(LABELS[:, None], LOGITS))
    _close(itk.CrossEntropy()(P, Q), L.CategoricalCrossentropy()(P, Q))
    _close(itk.CrossEntropy(from_logits=True)(P, LOGITS),
           L.CategoricalCrossentropy(from_logits=True)(P, LOGITS))
    _close(itk.KLDivergence()(P, Q), L.KLDivergence()(P, Q))
    _close(itk.Entropy()(P, Q), L.CategoricalCrossentropy()(Q, Q))  # H(q) = CE(q, q)
    _close(itk.CrossEntropy(reduction="sum")(LABELS, Q),
           L.SparseCategoricalCrossentropy(reduction="sum")(LABELS, Q))


def test_kl_is_exact_at_zeros_where_keras_clips(keras, itk):
    p = np.array([[0.0, 0.5, 0.5]], "float32")
    assert float(itk.KLDivergence()(p, p)) == 0.0


def test_entropy_weight_and_from_logits(keras, itk):
    soft = np.exp(LOGITS) / np.exp(LOGITS).sum(-1, keepdims=True)
    h = -(soft * np.log(soft)).sum(-1).mean()
    _close(itk.Entropy(from_logits=True)(LABELS, LOGITS), h)
    _close(itk.Entropy(from_logits=True, weight=-0.1)(LABELS, LOGITS), -0.1 * h)


@pytest.mark.parametrize("name", ["CrossEntropy", "KLDivergence", "Entropy", "BinaryCrossEntropy",
                                  "JensenShannonDivergence"])
def test_config_round_trip(keras, itk, name):
    loss = getattr(itk, name)(from_logits=True, base=2.0, name="mine", reduction="sum")
    config = keras.saving.serialize_keras_object(loss)
    assert config["config"]["from_logits"] is True and config["config"]["base"] == 2.0
    back = keras.saving.deserialize_keras_object(config)
    assert type(back) is type(loss) and back.get_config() == loss.get_config()
    assert back.name == "mine" and back.reduction == "sum"
    assert type(loss).from_config(loss.get_config()).get_config() == loss.get_config()


def test_fit_save_and_load(keras, itk, tmp_path):
    x = RNG.normal(size=(64, 4)).astype("float32")
    y = RNG.integers(0, 3, 64)
    for loss, target in ((itk.CrossEntropy(from_logits=True), y),
                         (itk.KLDivergence(from_logits=True), np.eye(3, dtype="float32")[y]),
                         (itk.Entropy(from_logits=True, weight=0.1), y)):
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
        model.compile(optimizer="sgd", loss=loss)
        history = model.fit(x, target, epochs=2, batch_size=16, verbose=0).history["loss"]
        assert np.isfinite(history).all()
        path = tmp_path / f"{type(loss).__name__}.keras"
        model.save(path)
        loaded = keras.models.load_model(path)
        assert type(loaded.loss) is type(loss)
        assert loaded.loss.get_config() == loss.get_config()
        np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


@pytest.mark.slow  # a subprocess (make test-fast skips it)
def test_on_keras_torch_backend():
    require("torch")
    code = textwrap.dedent("""
        import numpy as np, keras, torch
        import infotheory.keras as itk
        assert keras.backend.backend() == "torch"
        rng = np.random.default_rng(0)
        x = rng.normal(size=(64, 4)).astype("float32"); y = rng.integers(0, 3, 64)
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
        model.compile(optimizer="adam", loss=itk.CrossEntropy(from_logits=True))
        hist = model.fit(x, y, epochs=2, verbose=0).history["loss"]
        assert np.isfinite(hist).all()
        out = model(x)
        assert isinstance(out, torch.Tensor)
        ours = itk.CrossEntropy(from_logits=True)(y, out)
        ref = keras.losses.SparseCategoricalCrossentropy(from_logits=True)(y, out)
        assert isinstance(ours, torch.Tensor), type(ours)
        assert abs(float(ours.detach()) - float(ref.detach())) < 1e-6
        kl = itk.KLDivergence()(np.full((2, 3), 1 / 3, "float32"), np.full((2, 3), 1 / 3, "float32"))
        assert float(kl) == 0.0
        import os, tempfile
        path = os.path.join(tempfile.mkdtemp(), "m.keras")
        model.save(path)
        loaded = keras.models.load_model(path)
        assert type(loaded.loss).__name__ == "CrossEntropy"
        print("ok")
    """)
    out = run_child(["-c", code], timeout=300, env={"KERAS_BACKEND": "torch"})
    assert out.stdout.strip().endswith("ok"), out.stderr[-3000:]


def test_kl_divergence_from_logits_reads_y_true_as_probabilities(keras, itk):
    """Distillation from a teacher's probabilities: the first version read both as logits."""
    from scipy.special import rel_entr, softmax

    teacher = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]], "float32")
    student = np.array([[0.5, 1.5, -1.0], [2.0, 0.0, 0.3]], "float32")
    expected = rel_entr(teacher, softmax(student.astype(float), axis=-1)).sum(-1).mean()
    got = float(itk.KLDivergence(from_logits=True)(teacher, student))
    assert got == pytest.approx(expected, rel=1e-5)


@pytest.mark.parametrize("reduction", ["sum_over_batch_size", "sum", None])
def test_options_agree_with_keras_builtins(keras, itk, reduction):
    L = keras.losses
    labels = LABELS.copy()
    labels[::3] = 2  # an ignored class present several times
    for smoothing in (0.0, 0.2):
        _close_all(itk.CrossEntropy(from_logits=True, label_smoothing=smoothing,
                                    reduction=reduction)(P, LOGITS),
                   L.CategoricalCrossentropy(from_logits=True, label_smoothing=smoothing,
                                             reduction=reduction)(P, LOGITS))
        _close_all(itk.CrossEntropy(label_smoothing=smoothing, reduction=reduction)(P, Q),
                   L.CategoricalCrossentropy(label_smoothing=smoothing,
                                             reduction=reduction)(P, Q))
    for logits in (True, False):
        pred = LOGITS if logits else Q
        _close_all(itk.CrossEntropy(from_logits=logits, ignore_class=2,
                                    reduction=reduction)(labels, pred),
                   L.SparseCategoricalCrossentropy(from_logits=logits, ignore_class=2,
                                                   reduction=reduction)(labels, pred))
    t = (RNG.random((16, 5)) > 0.5).astype("float32")
    for smoothing in (0.0, 0.1):
        _close_all(itk.BinaryCrossEntropy(from_logits=True, label_smoothing=smoothing,
                                          reduction=reduction)(t, LOGITS),
                   L.BinaryCrossentropy(from_logits=True, label_smoothing=smoothing,
                                        reduction=reduction)(t, LOGITS))
        _close_all(itk.BinaryCrossEntropy(label_smoothing=smoothing, reduction=reduction)(t, Q),
                   L.BinaryCrossentropy(label_smoothing=smoothing, reduction=reduction)(t, Q))


def _close_all(a, b):
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), atol=1e-6, rtol=1e-6)


def test_jensen_shannon_loss(keras, itk):
    from scipy.spatial.distance import jensenshannon
    from scipy.special import softmax

    ref = np.mean([jensenshannon(a, b) ** 2 for a, b in zip(P.astype(float), Q.astype(float))])
    _close(itk.JensenShannonDivergence()(P, Q), ref)
    soft = softmax(LOGITS.astype(float), axis=-1)
    ref = np.mean([jensenshannon(a, b) ** 2 for a, b in zip(P.astype(float), soft)])
    _close(itk.JensenShannonDivergence(from_logits=True)(P, LOGITS), ref)
    loss = itk.JensenShannonDivergence(from_logits=True, base=2.0)
    again = keras.losses.deserialize(keras.losses.serialize(loss))
    assert type(again) is type(loss) and again.get_config() == loss.get_config()


def test_sample_weight_and_loss_dtype_as_keras(keras, itk):
    L = keras.losses
    sw = RNG.random(16).astype("float32")
    labels = LABELS.copy()
    labels[::4] = 1
    pairs = ((itk.CrossEntropy(from_logits=True), L.SparseCategoricalCrossentropy(from_logits=True),
              labels, LOGITS),
             (itk.CrossEntropy(from_logits=True, ignore_class=1),
              L.SparseCategoricalCrossentropy(from_logits=True, ignore_class=1), labels, LOGITS),
             (itk.CrossEntropy(label_smoothing=0.1), L.CategoricalCrossentropy(label_smoothing=0.1),
              P, Q),
             (itk.KLDivergence(), L.KLDivergence(), P, Q))
    for ours, theirs, y_true, y_pred in pairs:
        _close(ours(y_true, y_pred, sample_weight=sw), theirs(y_true, y_pred, sample_weight=sw))
    for dtype in ("float64", "float16"):
        ours = itk.CrossEntropy(from_logits=True, dtype=dtype)(LABELS, LOGITS)
        theirs = L.SparseCategoricalCrossentropy(from_logits=True, dtype=dtype)(LABELS, LOGITS)
        assert ours.dtype == theirs.dtype
        np.testing.assert_allclose(float(ours), float(theirs), rtol=2e-3 if dtype == "float16"
                                   else 1e-6)


@pytest.mark.parametrize("from_logits", [False, True])
@pytest.mark.parametrize("shapes", [((16, 1), (16,)), ((16,), (16, 1)), ((16,), (16,)),
                                    ((16, 3), (16, 3)), ((16, 1), (16, 1))])
def test_binary_cross_entropy_shapes_as_keras(keras, itk, shapes, from_logits):
    """A Dense(1) output (N, 1) against labels (N,) (Keras' standard model) is N losses, not an
    N x N broadcast: the value Keras' own loss gives, for every rank pairing it accepts."""
    pred_shape, true_shape = shapes
    z = RNG.normal(0, 2, pred_shape).astype("float32")
    pred = z if from_logits else 1 / (1 + np.exp(-z))
    y = RNG.integers(0, 2, true_shape).astype("float32")
    ours = itk.BinaryCrossEntropy(from_logits=from_logits)(y, pred)
    theirs = keras.losses.BinaryCrossentropy(from_logits=from_logits)(y, pred)
    np.testing.assert_allclose(float(ours), float(theirs), rtol=1e-4)  # Keras clips q at 1e-7


def test_binary_cross_entropy_fit_on_a_dense_1_model(keras, itk):
    """The issue's case: Dense(1, "sigmoid") and y of shape (N,) train as with Keras' loss."""
    x = RNG.normal(size=(256, 4)).astype("float32")
    y = (x[:, 0] + x[:, 1] > 0).astype("float32")
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.SGD(0.5), loss=itk.BinaryCrossEntropy(),
                  metrics=["accuracy"])
    history = model.fit(x, y, epochs=30, batch_size=64, verbose=0)
    assert history.history["accuracy"][-1] > 0.95
    ours = float(itk.BinaryCrossEntropy()(y, model(x)))
    assert abs(ours - float(keras.losses.BinaryCrossentropy()(y, model(x)))) < 1e-4
