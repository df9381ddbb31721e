"""infotheory.keras.metrics: against Keras' own metrics and our functions on all the batches,
in model.fit, serialized, under tf.distribute.MirroredStrategy (two logical CPUs), and on
Keras' JAX and torch backends (subprocesses: Keras picks its backend once per process)."""
import math
import os
import textwrap

import numpy as np
import pytest

import infotheory as it
from tests.conftest import require, run_child

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RNG = np.random.default_rng(4)
Z = RNG.normal(0, 2, (3, 8, 6)).astype("float32")  # three batches of 8 rows, 6 classes
Y = RNG.integers(0, 6, (3, 8))
Y[0, :3] = -1


@pytest.fixture(scope="module")
def keras():
    require("tensorflow")
    import keras

    if keras.backend.backend() != "tensorflow":
        pytest.skip("these run on Keras' TensorFlow backend")
    return keras


@pytest.fixture(scope="module")
def itm(keras):
    import infotheory.keras.metrics as itm

    return itm


def test_perplexity_and_cross_entropy_are_token_weighted(itm, keras):
    ppl = itm.Perplexity(from_logits=True, ignore_index=-1)
    ce = itm.CrossEntropy(from_logits=True, ignore_index=-1)
    for z, y in zip(Z, Y):
        ppl.update_state(y, z)
        ce.update_state(y, z)
    keep = Y.reshape(-1) != -1
    torch = require("torch")
    ref = torch.nn.functional.cross_entropy(torch.tensor(Z.reshape(-1, 6)[keep], dtype=torch.float64),
                                            torch.tensor(Y.reshape(-1)[keep])).item()
    assert float(ce.result()) == pytest.approx(ref, rel=1e-6)
    assert float(ppl.result()) == pytest.approx(math.exp(ref), rel=1e-6)
    builtin = keras.metrics.SparseCategoricalCrossentropy(from_logits=True)
    ours = itm.CrossEntropy(from_logits=True)
    for z, y in zip(Z, np.abs(Y)):
        builtin.update_state(y, z)
        ours.update_state(y, z)
    assert float(ours.result()) == pytest.approx(float(builtin.result()), rel=1e-6)


def test_kl_and_entropy_match_keras_and_the_functions(itm, keras):
    p = it.entropy(Z, from_logits=True)  # (only for the shapes below)
    soft = np.exp(Z) / np.exp(Z).sum(-1, keepdims=True)
    target = soft[::-1].copy()
    kl, builtin, ent = itm.KLDivergence(base=math.e), keras.metrics.KLDivergence(), itm.Entropy()
    for t, s in zip(target, soft):
        kl.update_state(t, s)
        builtin.update_state(t, s)
        ent.update_state(None, s)
    assert float(kl.result()) == pytest.approx(float(builtin.result()), rel=1e-5)
    assert float(ent.result()) == pytest.approx(float(np.mean(it.entropy(soft.astype("float64")))),
                                                rel=1e-6)
    assert p.shape == (3, 8)


def test_label_metrics_match_scikit_learn_and_flag_labels_out_of_range(itm):
    sklearn = pytest.importorskip("sklearn.metrics")
    x = RNG.integers(0, 4, 200)
    y = (x + RNG.integers(0, 2, 200)) % 5
    mi, nmi = itm.MutualInformation(num_classes=(4, 5), base=math.e), \
        itm.NormalizedMutualInformation(num_classes=(4, 5), average="geometric")
    for i in range(0, 200, 50):
        onehot = np.eye(5, dtype="float32")[y[i:i + 50]]  # class scores: argmax is y
        mi.update_state(x[i:i + 50], onehot)
        nmi.update_state(x[i:i + 50], y[i:i + 50])
    assert float(mi.result()) == pytest.approx(sklearn.mutual_info_score(x, y), rel=1e-5)
    assert float(nmi.result()) == pytest.approx(
        sklearn.normalized_mutual_info_score(x, y, average_method="geometric"), rel=1e-5)
    same = itm.NormalizedMutualInformation(num_classes=3)
    same.update_state(np.zeros(5, int), np.zeros(5, int))
    assert float(same.result()) == 1.0  # both constant: scikit-learn's 1
    bad = itm.MutualInformation(num_classes=3)
    bad.update_state(np.array([0, 1]), np.array([0, 3]))
    assert math.isnan(float(bad.result()))


def test_bald_metric_is_the_mean_of_the_function(itm):
    s = RNG.normal(size=(5, 12, 4)).astype("float64")
    m = itm.BALD(from_logits=True, dtype="float64")
    m.update_state(None, s[:, :6])
    m.update_state(None, s[:, 6:])
    assert float(m.result()) == pytest.approx(float(np.mean(it.bald(s, from_logits=True))),
                                              rel=1e-12)


def test_in_fit_and_serialized(itm, keras, tmp_path):
    x = RNG.normal(size=(64, 5)).astype("float32")
    y = (x[:, 0] > 0).astype("int64") + 2 * (x[:, 1] > 0)
    model = keras.Sequential([keras.Input((5,)), keras.layers.Dense(4)])
    metrics = [itm.Perplexity(from_logits=True), itm.CrossEntropy(from_logits=True),
               itm.Entropy(from_logits=True), itm.MutualInformation(num_classes=4)]
    model.compile(optimizer="sgd",
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=metrics)
    model.fit(x, y, batch_size=16, epochs=2, verbose=0)
    logs = model.evaluate(x, y, batch_size=16, verbose=0, return_dict=True)
    z = model.predict(x, verbose=0)
    ce = float(it.cross_entropy(z.astype("float64"), y, from_logits=True))
    assert logs["cross_entropy"] == pytest.approx(ce, rel=1e-5)
    assert logs["loss"] == pytest.approx(ce, rel=1e-5)
    assert logs["perplexity"] == pytest.approx(math.exp(ce), rel=1e-5)
    mi = float(it.estimate.mutual_information_from_labels(y, z.argmax(-1)))
    assert logs["mutual_information"] == pytest.approx(mi, rel=1e-5)
    path = str(tmp_path / "m.keras")
    model.save(path)
    loaded = keras.saving.load_model(path)
    again = loaded.evaluate(x, y, batch_size=16, verbose=0, return_dict=True)
    for key in ("cross_entropy", "perplexity", "entropy", "mutual_information"):
        assert again[key] == pytest.approx(logs[key], rel=1e-6)
    cfg = itm.NormalizedMutualInformation(num_classes=(3, 4), average="min").get_config()
    back = itm.NormalizedMutualInformation.from_config(cfg)
    assert back.num_classes == (3, 4) and back.average == "min"


def _run(code, **env):
    out = run_child(["-c", textwrap.dedent(code)], timeout=300,
                    env={"TF_CPP_MIN_LOG_LEVEL": "3", **env})
    return out.stdout.strip().splitlines()[-1]


@pytest.mark.slow  # a subprocess (make test-fast skips it)
def test_mirrored_strategy_on_two_logical_cpus_equals_the_built_ins():
    require("tensorflow")
    got = _run("""
        import math, numpy as np, tensorflow as tf
        cpu = tf.config.list_physical_devices("CPU")[0]
        tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
        import keras, infotheory as it, infotheory.keras as itk, infotheory.keras.metrics as itm
        rng = np.random.default_rng(0)
        x = rng.normal(size=(64, 5)).astype("float32")
        y = ((x[:, 0] > 0) + 2 * (x[:, 1] > 0)).astype("int64")
        def run(ours):
            keras.utils.set_random_seed(1)
            strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
            with strategy.scope():
                model = keras.Sequential([keras.Input((5,)), keras.layers.Dense(4)])
                loss = itk.CrossEntropy(from_logits=True) if ours else \\
                    keras.losses.SparseCategoricalCrossentropy(from_logits=True)
                metrics = [itm.CrossEntropy(from_logits=True), itm.Perplexity(from_logits=True),
                           itm.MutualInformation(num_classes=4)] if ours else \\
                    [keras.metrics.SparseCategoricalCrossentropy(from_logits=True)]
                model.compile(optimizer="sgd", loss=loss, metrics=metrics)
            model.fit(x, y, batch_size=16, epochs=2, verbose=0, shuffle=False)
            return model, model.evaluate(x, y, batch_size=16, verbose=0, return_dict=True)
        (m1, ours), (m2, theirs) = run(True), run(False)
        z = m1.predict(x, verbose=0).astype("float64")
        ce = float(it.cross_entropy(z, y, from_logits=True))
        mi = float(it.estimate.mutual_information_from_labels(y, z.argmax(-1)))
        assert abs(ours["loss"] - theirs["loss"]) < 1e-5, (ours, theirs)
        assert abs(ours["cross_entropy"] - theirs["sparse_categorical_crossentropy"]) < 1e-5
        assert abs(ours["cross_entropy"] - ce) < 1e-5 and abs(ours["perplexity"] - math.exp(ce)) < 1e-4
        assert abs(ours["mutual_information"] - mi) < 1e-5, (ours, mi)
        print("ok", len(tf.config.list_logical_devices("CPU")))
    """)
    assert got == "ok 2"


@pytest.mark.slow  # a subprocess (make test-fast skips it)
@pytest.mark.parametrize("keras_backend", ["jax", "torch"])
def test_on_keras_jax_and_torch_backends(keras_backend):
    require("jax" if keras_backend == "jax" else "torch")
    pytest.importorskip("keras")
    got = _run("""
        import math, numpy as np, keras, infotheory as it, infotheory.keras.metrics as itm
        assert keras.backend.backend() == "%s"
        rng = np.random.default_rng(0)
        x = rng.normal(size=(48, 5)).astype("float32")
        y = ((x[:, 0] > 0) + 2 * (x[:, 1] > 0)).astype("int64")
        model = keras.Sequential([keras.Input((5,)), keras.layers.Dense(4)])
        model.compile(optimizer="sgd",
                      loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                      metrics=[itm.Perplexity(from_logits=True), itm.Entropy(from_logits=True),
                               itm.MutualInformation(num_classes=4)])
        model.fit(x, y, batch_size=16, epochs=1, verbose=0)
        logs = model.evaluate(x, y, batch_size=16, verbose=0, return_dict=True)
        z = np.asarray(model.predict(x, verbose=0), dtype="float64")
        ce = float(it.cross_entropy(z, y, from_logits=True))
        assert abs(logs["perplexity"] - math.exp(ce)) < 1e-4 * math.exp(ce), (logs, ce)
        assert abs(logs["entropy"] - float(np.mean(it.entropy(z, from_logits=True)))) < 1e-5
        mi = float(it.estimate.mutual_information_from_labels(y, z.argmax(-1)))
        assert abs(logs["mutual_information"] - mi) < 1e-5, (logs, mi)
        print("ok")
    """ % keras_backend, KERAS_BACKEND=keras_backend)
    assert got == "ok"
