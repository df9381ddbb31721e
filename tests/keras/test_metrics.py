"""infotheory.keras.metrics: against Keras' own metrics and our functions on all the batches.
(In model.fit, saved and loaded, under tf.distribute.MirroredStrategy and on Keras' JAX and
torch backends: tests/keras/test_saving.py.)"""
import math

import numpy as np
import pytest

import infotheory as it
from tests.conftest import require

RNG = np.random.default_rng(4)
Z = RNG.normal(0, 2, (3, 8, 6)).astype("float32")  # three batches of 8 rows, 6 classes
Y = RNG.integers(0, 6, (3, 8))
Y[0, :3] = -1


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
