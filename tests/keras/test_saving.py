"""Every Keras metric of infotheory.metrics.SPECS in ``model.fit``/``evaluate``: saved to
``.keras`` and loaded and evaluated in a fresh process on Keras' TensorFlow, torch and JAX
backends, and under ``tf.distribute.MirroredStrategy`` on two logical CPUs.

One model holds them all (the loop over SPECS puts each metric on the output it reads, with its
case's options from tests/metrics/cases.py), compiled with our losses:

- ``cls``: class logits (5 classes; the labels take 4): ``CrossEntropy(from_logits=True)`` loss;
  the metrics with a target (cross-entropy, perplexity) and the six label metrics
  (``num_classes=(4, 5)``: (y_true's classes, y_pred's); they read the argmax).
- ``dist``: probabilities (softmax) against targets of probabilities: ``KLDivergence`` loss;
  the metrics of distributions (entropy, KL, JSD).
- ``mc``: (batch, samples, classes) probabilities: ``Entropy`` loss; BALD with
  ``sample_axis=1`` (Keras puts the batch first, so the replicas split the inputs, not the
  samples: BALD runs in ``fit`` under the strategy like the others).

Processes (Keras picks its backend once per process): TensorFlow fits and saves here and loads
in one child, which also runs the MirroredStrategy checks; torch and JAX fit and save in one
child and load in another. A loading child imports only Keras, NumPy and ``infotheory.keras``
(and TensorFlow for the strategy). The values are compared here with the references of
tests/metrics/cases.py on the model's own predictions."""
import json
import math
import sys
import textwrap
import zipfile

import numpy as np
import pytest

from tests.conftest import ROOT, require, run_child

N = 45
BATCH = 15             # three equal batches (one trace of each step: JAX compiles per shape)
#: under MirroredStrategy: batches of 16, 16 and 13, the last split 7 + 6 on two replicas (an
#: uneven split is what tells a sum of states from a mean of the replicas' values). (Keras'
#: TensorFlow trainer fails on a model with several outputs when every batch splits unevenly,
#: with its own losses too: "AddN must have the same size and shape" with batches of 15.)
MIRRORED_BATCH = 16
SAMPLES, K = 3, 4      # BALD's output: (batch, SAMPLES, K)
OUTPUTS = ("cls", "dist", "mc")
#: the metrics that earlier versions saved as "infotheory>NAME" with no loss of that name
OLD_METRIC_NAMES = ("Perplexity", "BALD", "MutualInformation", "NormalizedMutualInformation")
OLD_LOSS_NAMES = ("BinaryCrossEntropy", "JensenShannonDivergence")
#: the names a loss and a metric both had ("infotheory>NAME" resolves by the config)
OLD_SHARED_NAMES = ("CrossEntropy", "Entropy", "KLDivergence")
OUR_LOSSES = {"cls": "infotheory.keras.losses.CrossEntropy",
              "dist": "infotheory.keras.losses.KLDivergence",
              "mc": "infotheory.keras.losses.Entropy"}


# --- the model (built here and in the saving children) ---------------------------------------
def _specs():
    from infotheory.metrics import SPECS
    return SPECS


def output_of(spec) -> str:
    """The model output a spec's metric reads (from its declaration, not its name)."""
    roles = [role for _, role in spec.inputs]
    if spec.kind == "table" or "target" in roles:
        return "cls"
    if any(o.name == "sample_axis" for o in spec.options):
        return "mc"
    return "dist"


def options_of(spec) -> dict:
    from tests.metrics.cases import CASES
    case = CASES[spec.name]
    options = dict(case.keras_options or case.options)
    if output_of(spec) == "mc":
        options["sample_axis"] = 1
    return options


def log_key(spec) -> str:
    return f"{output_of(spec)}_{spec.keras_name}"


def data():
    g = np.random.default_rng(3)
    x = g.normal(size=(N, 5)).astype("float32")
    labels = (x[:, 0] > 0).astype("int64") + 2 * (x[:, 1] > 0)  # 4 classes
    t = np.exp(x @ g.normal(size=(5, 6)))
    targets = {"cls": labels, "dist": (t / t.sum(-1, keepdims=True)).astype("float32"),
               "mc": np.zeros((N,), "float32")}  # (the Entropy loss does not read y_true)
    return x, targets


def build(keras):
    """The model with every metric of SPECS, compiled with our losses (seeded initializers:
    no global seed is set)."""
    import infotheory.keras as itk

    def dense(units, seed, **kw):
        return keras.layers.Dense(units, kernel_initializer=keras.initializers.GlorotUniform(
            seed=seed), **kw)
    x = keras.Input((5,))
    samples = keras.layers.Reshape((SAMPLES, K))(dense(SAMPLES * K, 3)(x))
    outputs = {"cls": dense(5, 1, name="cls")(x),
               "dist": dense(6, 2, activation="softmax", name="dist")(x),
               "mc": keras.layers.Softmax(name="mc")(samples)}
    model = keras.Model(x, outputs)
    metrics = {o: [] for o in OUTPUTS}
    for spec in _specs():
        metrics[output_of(spec)].append(getattr(itk.metrics, spec.name)(**options_of(spec)))
    model.compile(optimizer="sgd", metrics=metrics,
                  loss={"cls": itk.CrossEntropy(from_logits=True), "dist": itk.KLDivergence(),
                        "mc": itk.Entropy()})
    return model


def _old_names(path, old_path):
    """A copy of a saved model whose losses and metrics carry the names earlier versions
    saved (``"infotheory>NAME"``) where those were unambiguous."""
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(old_path, "w") as dst:
        for item in src.infolist():
            content = src.read(item.filename)
            if item.filename == "config.json":
                text = content.decode()
                for name in OLD_LOSS_NAMES:
                    text = text.replace(f'"infotheory.losses>{name}"', f'"infotheory>{name}"')
                for name in OLD_METRIC_NAMES + OLD_SHARED_NAMES:
                    text = text.replace(f'"infotheory.metrics>{name}"', f'"infotheory>{name}"')
                for name in OLD_SHARED_NAMES:
                    text = text.replace(f'"infotheory.losses>{name}"', f'"infotheory>{name}"')
                assert '"infotheory>CrossEntropy"' in text and '"infotheory>BALD"' in text
                content = text.encode()
            dst.writestr(item, content)


def _predictions(keras, model, x) -> dict:
    return {k: keras.ops.convert_to_numpy(v) for k, v in model(x).items()}


def fit_and_save(keras, out) -> dict:
    """Fit one epoch, evaluate and save to ``out``: ``model.keras``, ``old_names.keras`` (the
    same under the old names), ``loss_only.keras`` (our loss, no metric), the data, the
    predictions and ``report.json`` (the logs)."""
    import infotheory.keras as itk
    x, targets = data()
    model = build(keras)
    history = model.fit(x, targets, batch_size=BATCH, epochs=1, shuffle=False, verbose=0)
    report = {"backend": keras.backend.backend(), "seen": [s.name for s in _specs()],
              "fit": {k: v[-1] for k, v in history.history.items()},
              "evaluate": model.evaluate(x, targets, batch_size=BATCH, verbose=0,
                                         return_dict=True)}
    np.savez(f"{out}/predictions.npz", **_predictions(keras, model, x))
    model.save(f"{out}/model.keras")
    _old_names(f"{out}/model.keras", f"{out}/old_names.keras")
    np.savez(f"{out}/data.npz", x=x, **targets)
    loss_only = keras.Sequential([keras.Input((5,)), keras.layers.Dense(
        5, kernel_initializer=keras.initializers.GlorotUniform(seed=4))])
    loss_only.compile(optimizer="sgd", loss=itk.CrossEntropy(from_logits=True))
    loss_only.fit(x, targets["cls"], batch_size=BATCH, epochs=1, shuffle=False, verbose=0)
    report["loss_only"] = loss_only.evaluate(x, targets["cls"], batch_size=BATCH, verbose=0,
                                             return_dict=True)
    loss_only.save(f"{out}/loss_only.keras")
    with open(f"{out}/report.json", "w") as f:
        json.dump(report, f)
    return report


def save(out):
    """The saving child (``KERAS_BACKEND`` picks the backend)."""
    import keras
    fit_and_save(keras, out)


#: The loading child: a fresh process with only Keras, NumPy and ``import infotheory.keras``.
#: With --mirrored (TensorFlow), the model is also loaded under MirroredStrategy on two
#: logical CPUs, then fitted and evaluated there with a learning rate of 0: the saved weights
#: at every step, so each metric of fit and evaluate must equal the loaded model's evaluate on
#: one device. (A learning rate of 0, as Keras averages the replicas' mean losses: an uneven
#: split changes the update, for its own losses too.)
LOAD = """
import json, sys
import numpy as np
out, mirrored = sys.argv[1], sys.argv[2:] == ["--mirrored"]
if mirrored:  # two logical CPUs, before TensorFlow starts
    import tensorflow as tf
    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
import keras
import infotheory.keras
d = np.load(out + "/data.npz")
x, targets = d["x"], {k: d[k] for k in ("cls", "dist", "mc")}
got = {"backend": keras.backend.backend()}

def evaluate(model, y=targets):
    return model.evaluate(x, y, batch_size=BATCH, verbose=0, return_dict=True)

def name(obj):
    return type(obj).__module__ + "." + type(obj).__name__

for saved in ("model", "old_names") if mirrored else ("model",):
    model = keras.saving.load_model(f"{out}/{saved}.keras")
    got[saved] = evaluate(model)
    got[saved + "_losses"] = {k: name(v) for k, v in model.loss.items()}
if mirrored:
    model = keras.saving.load_model(f"{out}/loss_only.keras")
    got["loss_only"], got["loss_only_loss"] = evaluate(model, targets["cls"]), name(model.loss)
    strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    with strategy.scope():
        twin = keras.saving.load_model(f"{out}/model.keras")
    twin.optimizer.learning_rate.assign(0.0)
    history = twin.fit(x, targets, batch_size=MIRRORED_BATCH, epochs=1, shuffle=False,
                       verbose=0)
    got["mirrored"] = {"fit": {k: v[-1] for k, v in history.history.items()},
                       "evaluate": twin.evaluate(x, targets, batch_size=MIRRORED_BATCH,
                                                 verbose=0, return_dict=True)}
    got["replicas"] = strategy.num_replicas_in_sync
    got["distributed_metric_variables"] = [
        isinstance(v.value, tf.distribute.DistributedValues) for v in twin.metrics_variables]
    np.savez(out + "/mirrored_predictions.npz",
             **{k: keras.ops.convert_to_numpy(v) for k, v in twin(x).items()})
print(json.dumps(got))
""".replace("MIRRORED_BATCH", str(MIRRORED_BATCH)).replace("BATCH", str(BATCH))


# --- the references --------------------------------------------------------------------------
def reference(spec, y_true, y_pred) -> float:
    """The case's reference on Keras' (y_true, y_pred) of the whole epoch, in the metric's
    default unit."""
    from tests.metrics.cases import CASES
    given = {"y_true": np.asarray(y_true), "y_pred": np.asarray(y_pred, "float64")}
    inputs = []
    for (_, role), keras_name in zip(spec.inputs, spec.keras_inputs):
        v = given[keras_name]
        if role == "labels" and v.dtype.kind == "f":
            v = v.argmax(-1)  # class scores: the metric reads their argmax
        if output_of(spec) == "mc":
            v = np.moveaxis(v, 1, 0)  # the reference takes (samples, batch, K)
        inputs.append(v.astype("float64") if v.dtype.kind == "f" else v)
    value = CASES[spec.name].reference(*inputs)
    return value if spec.unit is None else value / math.log(spec.unit)


def references(out, predictions="predictions.npz") -> dict:
    """{log key: reference on the saved predictions} for every spec. (Not the losses: Keras
    logs a per-output loss of ``evaluate`` as the mean of its batch means, for its own losses
    too; tests/keras/test_keras.py checks ours against Keras'.)"""
    _, targets = data()
    preds = np.load(out / predictions)
    return {log_key(s): reference(s, targets[output_of(s)], preds[output_of(s)])
            for s in _specs()}


def _all_names():
    names = [s.name for s in _specs()]
    assert len(names) == 12
    return names


def _assert_close(got: dict, want: dict, rel, what):
    bad = {k: (got.get(k), v) for k, v in want.items()
           if k not in got or got[k] != pytest.approx(v, rel=rel)}
    assert not bad, f"{what}: {bad}"


def _load(backend, out, *flags):
    """The loading child's results."""
    child = run_child(["-c", textwrap.dedent(LOAD), out, *flags], timeout=300,
                      env={"KERAS_BACKEND": backend, "TF_CPP_MIN_LOG_LEVEL": "3"})
    got = json.loads(child.stdout.strip().splitlines()[-1])
    assert got["backend"] == backend
    return got


# --- the tests -------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def tensorflow_run(keras, tmp_path_factory):
    """Fitted and saved here (TensorFlow); loaded in one child, with the MirroredStrategy
    run."""
    pytest.importorskip("sklearn")  # (the references of the label metrics)
    out = tmp_path_factory.mktemp("keras_tensorflow")
    report = fit_and_save(keras, out)
    return out, report, _load("tensorflow", out, "--mirrored")


def _other_backend_run(backend, tmp_path_factory):
    """Fitted and saved in one child, loaded in another."""
    require(backend)
    pytest.importorskip("keras")
    pytest.importorskip("sklearn")
    out = tmp_path_factory.mktemp(f"keras_{backend}")
    run_child(["-c", f"from tests.keras.test_saving import save; save({str(out)!r})"],
              env={"KERAS_BACKEND": backend, "PYTHONPATH": ROOT, "TF_CPP_MIN_LOG_LEVEL": "3"},
              timeout=300)
    with open(out / "report.json") as f:
        report = json.load(f)
    assert report["backend"] == backend
    return out, report, _load(backend, out)


@pytest.mark.slow  # a subprocess (make test-fast skips it)
def test_every_metric_under_mirrored_strategy_equals_the_model_without_it(tensorflow_run):
    out, _, got = tensorflow_run
    assert got["replicas"] == 2
    variables = got["distributed_metric_variables"]
    assert len(variables) >= 12 and all(variables)  # every state is a replicated variable
    keys = [log_key(s) for s in _specs()]
    mirrored, one_device = got["mirrored"], got["model"]
    # fit and evaluate (the saved weights throughout): every metric as on one device
    for step in ("fit", "evaluate"):
        assert set(keys) <= set(mirrored[step]), step
        _assert_close(mirrored[step], {k: one_device[k] for k in keys}, 1e-6,
                      f"{step}: mirrored vs one device")
    # and the references on the mirrored model's own predictions
    _assert_close(mirrored["evaluate"], references(out, "mirrored_predictions.npz"), 1e-5,
                  "mirrored vs reference")


@pytest.mark.slow  # subprocesses (make test-fast skips it)
@pytest.mark.parametrize("backend", ["tensorflow", "torch", "jax"])
def test_saved_and_loaded_in_a_fresh_process(backend, request, tmp_path_factory):
    """The logs of the fitted model equal the references on its predictions, and those of the
    model loaded in a fresh process, which holds our losses."""
    if backend == "tensorflow":
        out, report, got = request.getfixturevalue("tensorflow_run")
    else:
        out, report, got = _other_backend_run(backend, tmp_path_factory)
    assert report["seen"] == _all_names()
    assert {log_key(s) for s in _specs()} <= set(report["evaluate"])
    _assert_close(report["evaluate"], references(out), 1e-5, "fitted vs reference")
    assert set(got["model"]) == set(report["evaluate"])
    _assert_close(got["model"], report["evaluate"], 1e-6, "loaded vs saved")
    assert got["model_losses"] == OUR_LOSSES


@pytest.mark.slow  # a subprocess (make test-fast skips it)
def test_the_old_names_and_a_model_with_the_loss_only_load_in_a_fresh_process(tensorflow_run):
    """In the TensorFlow child (the names do not depend on the backend): the model saved under
    the names of earlier versions ("infotheory>NAME") gives the same logs, with our losses; a
    model compiled with our loss only loads, with that loss."""
    _, report, got = tensorflow_run
    assert set(got["old_names"]) == set(report["evaluate"])
    _assert_close(got["old_names"], report["evaluate"], 1e-6, "old names: loaded vs saved")
    assert got["old_names_losses"] == OUR_LOSSES
    assert got["loss_only_loss"] == "infotheory.keras.losses.CrossEntropy"
    _assert_close(got["loss_only"], report["loss_only"], 1e-6, "loss only: loaded vs saved")


# --- without a subprocess --------------------------------------------------------------------
def test_the_model_holds_every_spec_and_each_config_round_trips(keras):
    """The loops above cover SPECS: every spec has a case, an output of the model (which logs
    it) and a Keras class whose config (its case's options) round-trips."""
    import infotheory.keras.metrics as itm
    from tests.metrics.cases import CASES
    names = _all_names()
    assert set(names) == set(CASES)
    model = build(keras)
    x, targets = data()
    logs = model.evaluate(x[:BATCH], {k: v[:BATCH] for k, v in targets.items()}, verbose=0,
                          return_dict=True)
    assert {log_key(s) for s in _specs()} <= set(logs)
    for spec in _specs():
        metric = getattr(itm, spec.name)(**options_of(spec))
        back = type(metric).from_config(metric.get_config())
        assert back._options == metric._options and back.name == metric.name, spec.name
        restored = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(
            metric))
        assert type(restored) is type(metric) and restored._options == metric._options
    nmi = itm.NormalizedMutualInformation(num_classes=(3, 4), average="min")  # not the defaults
    back = itm.NormalizedMutualInformation.from_config(nmi.get_config())
    assert back.num_classes == (3, 4) and back.average == "min"


def test_a_model_with_the_loss_only_loads_with_the_metrics_module_imported(keras, tmp_path):
    """With ``infotheory.keras.metrics`` imported, our loss still deserializes as the loss (it
    did not when both registered "infotheory>CrossEntropy"); the names of earlier versions
    resolve to the losses, and to the metrics no loss shared a name with. (No import order can
    differ: ``import infotheory.keras.metrics`` runs ``infotheory/keras/__init__.py`` first,
    which imports the metrics. A fresh process with only ``import infotheory.keras``: the
    subprocess tests above.)"""
    import infotheory.keras as itk
    import infotheory.keras.metrics  # noqa: F401
    objects = keras.saving.get_custom_objects()
    for name in OLD_LOSS_NAMES:
        assert objects[f"infotheory>{name}"] is getattr(itk, name), name
        assert objects[f"infotheory.losses>{name}"] is getattr(itk, name), name
    for name in OLD_METRIC_NAMES:
        assert objects[f"infotheory>{name}"] is getattr(itk.metrics, name), name
    for name in OLD_SHARED_NAMES:  # a loss's config has a reduction, a metric's has not
        old = objects[f"infotheory>{name}"]
        assert type(old.from_config(getattr(itk, name)().get_config())) is getattr(itk, name)
        assert type(old.from_config(getattr(itk.metrics, name)().get_config())) is \
            getattr(itk.metrics, name)
    for spec in _specs():
        assert objects[f"infotheory.metrics>{spec.name}"] is getattr(itk.metrics, spec.name)
    x, targets = data()
    model = keras.Sequential([keras.Input((5,)), keras.layers.Dense(5)])
    model.compile(optimizer="sgd", loss=itk.CrossEntropy(from_logits=True))
    before = model.evaluate(x, targets["cls"], verbose=0)
    model.save(tmp_path / "loss.keras")
    loaded = keras.saving.load_model(tmp_path / "loss.keras")
    assert type(loaded.loss) is itk.CrossEntropy
    assert loaded.evaluate(x, targets["cls"], verbose=0) == pytest.approx(before, rel=1e-6)


if __name__ == "__main__":  # pragma: no cover - by hand: python -m tests.keras.test_saving OUT
    save(sys.argv[1])
