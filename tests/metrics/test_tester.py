"""The shared metric tester: every metric of infotheory.metrics, through both adapters
(torchmetrics and Keras on TensorFlow), through one battery of checks against the independent
references of tests/metrics/cases.py. The subprocess checks (two gloo processes, Keras'
MirroredStrategy, save/load in a fresh process on three Keras backends) are in
test_distributed.py and tests/keras/test_saving.py; they loop over the same SPECS."""
from __future__ import annotations

import math
import pickle
import warnings

import numpy as np
import pytest

import infotheory as it
from infotheory.metrics import SPECS
from tests.conftest import require
from tests.metrics import cases as C

SPEC = {s.name: s for s in SPECS}
NAMES = [s.name for s in SPECS]
LOW = [n for n in NAMES if C.CASES[n].low_precision]
LABELS = [n for n in NAMES if SPEC[n].kind == "table"]


class Torch:
    name = "torch"

    def __init__(self):
        self.torch = require("torch")
        pytest.importorskip("torchmetrics")
        from infotheory import torchmetrics
        self.module = torchmetrics

    def make(self, name, **override):
        return getattr(self.module, name)(**{**C.CASES[name].options, **override})

    def tensor(self, x, dtype=None):
        t = self.torch.as_tensor(np.asarray(x))
        return t.to(getattr(self.torch, dtype)) if dtype and t.is_floating_point() else t

    def update(self, m, batch, dtype=None):
        m.update(*[self.tensor(x, dtype) for x in batch])

    def value(self, m):
        with warnings.catch_warnings():  # (torchmetrics warns of a compute before update)
            warnings.simplefilter("ignore", UserWarning)
            return float(m.compute())

    def reset(self, m):
        m.reset()

    def merge(self, a, b):
        a.merge_state(b)

    def copies(self, m, name):
        """A pickled copy and a fresh metric loaded from a persistent state_dict."""
        m.persistent(True)
        fresh = self.make(name)
        fresh.persistent(True)
        fresh.load_state_dict(m.state_dict())
        return [pickle.loads(pickle.dumps(m)), fresh]


class Keras:
    name = "keras"

    def __init__(self):
        require("tensorflow")
        self.keras = pytest.importorskip("keras")
        import infotheory.keras.metrics as module
        self.module = module

    def make(self, name, **override):
        case = C.CASES[name]
        return getattr(self.module, name)(**{**(case.keras_options or case.options),
                                             **override})

    def update(self, m, batch, dtype=None):
        ops = self.keras.ops
        arrays = [ops.convert_to_tensor(np.asarray(x)) for x in batch]
        if dtype:
            arrays = [ops.cast(x, dtype) if "float" in str(x.dtype) else x for x in arrays]
        y_true, y_pred = C.keras_args(m._spec, arrays)
        m.update_state(y_true, y_pred)

    def value(self, m):
        return float(m.result())

    def reset(self, m):
        m.reset_state()

    def merge(self, a, b):
        a.merge_state([b])

    def copies(self, m, name):
        """A metric from the config, with the variables' values copied."""
        fresh = type(m).from_config(m.get_config())
        for mine, theirs in zip(fresh.variables, m.variables):
            mine.assign(theirs.value)
        return [fresh]


FRAMEWORKS = {"torch": Torch, "keras": Keras}
#: the relative tolerance of each framework's results (Keras: float32 results)
REL = {"torch": 1e-10, "keras": 2e-6}


@pytest.fixture(scope="module", params=list(FRAMEWORKS))
def fw(request):
    return FRAMEWORKS[request.param]()


def _variants(fw, name):
    """The metric's configurations to check: torch's label metrics also keep the labels."""
    out = [{}]
    if fw.name == "torch" and SPEC[name].kind == "table":
        out.append({"num_classes": None})
    return out


def test_every_metric_has_a_case_and_both_adapters():
    assert set(C.CASES) == set(NAMES)
    torch_module = pytest.importorskip("infotheory.torchmetrics")
    assert sorted(torch_module.__all__) == sorted(NAMES)
    require("tensorflow")
    import infotheory.keras.metrics as keras_module
    assert sorted(keras_module.__all__) == sorted(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_batches_equal_the_reference_on_their_concatenation(fw, name):
    for override in _variants(fw, name):
        m = fw.make(name, **override)
        for batch in C.CASES[name].batches:
            fw.update(m, batch)
        assert fw.value(m) == pytest.approx(C.expected(name), rel=REL[fw.name], abs=1e-12), \
            override


def _rounded(x, dtype):
    """``x`` rounded to ``dtype`` (float16 or bfloat16, round to nearest even), in float64."""
    torch = require("torch")
    t = torch.as_tensor(np.asarray(x))
    return t.to(getattr(torch, dtype)).double().numpy() if t.is_floating_point() else x


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
@pytest.mark.parametrize("name", LOW)
def test_low_precision_inputs_are_summed_without_overflow(fw, name, dtype):
    """Enough copies of the batches that the epoch's sum of values passes float16's 65504."""
    inputs = C.concatenated(name)
    axis = 1 if name == "BALD" else 0
    copies = int(70000 / (C.CASES[name].reference(*inputs) * inputs[0].shape[axis])) + 1
    inputs = [np.concatenate([x] * copies, axis=axis) for x in inputs]
    rows = inputs[0].shape[axis]
    nats = C.CASES[name].reference(*[_rounded(x, dtype) for x in inputs])
    if name not in ("Perplexity",):
        assert nats * rows > 65504  # (what the float16 sums of the first version overflowed)
    want = nats if name in C.UNITLESS else nats / math.log(2.0 if name in C.BITS else math.e)
    m = fw.make(name)
    fw.update(m, inputs, dtype)
    got = fw.value(m)
    assert math.isfinite(got) and got == pytest.approx(want, rel=1e-5)


@pytest.mark.parametrize("name", NAMES)
def test_the_unit_is_read_when_the_value_is_computed(fw, name):
    m = fw.make(name)
    for batch in C.CASES[name].batches:
        fw.update(m, batch)
    first = fw.value(m)
    with it.default_base(10):
        tens = fw.value(m)
    again = fw.value(m)
    assert again == first
    if name in C.UNITLESS:
        assert tens == first
    else:
        assert tens == pytest.approx(C.expected(name, 10), rel=REL[fw.name])
        fixed = fw.make(name, base=2)
        for batch in C.CASES[name].batches:
            fw.update(fixed, batch)
        with it.default_base(10):  # an explicit base wins
            assert fw.value(fixed) == pytest.approx(C.expected(name, 2), rel=REL[fw.name])


@pytest.mark.parametrize("name", NAMES)
def test_empty_reset_and_compute_before_update_are_nan(fw, name):
    batches = C.CASES[name].batches
    for override in _variants(fw, name):
        m = fw.make(name, **override)
        assert math.isnan(fw.value(m)), override
        fw.update(m, batches[0])
        fw.reset(m)
        assert math.isnan(fw.value(m)), override
        fw.update(m, batches[2])
        only = C.CASES[name].reference(*(batches[2] if name != "BALD" else batches[2]))
        if name not in C.UNITLESS:
            only /= math.log(2.0 if name in C.BITS else math.e)
        assert fw.value(m) == pytest.approx(only, rel=REL[fw.name], abs=1e-12), override


@pytest.mark.parametrize("name", NAMES)
def test_merged_and_copied_states_give_the_epoch_value(fw, name):
    batches = C.CASES[name].batches
    for override in _variants(fw, name):
        a, b = fw.make(name, **override), fw.make(name, **override)
        fw.update(a, batches[0])
        fw.update(a, batches[1])
        fw.update(b, batches[2])
        fw.merge(a, b)
        want = C.expected(name)
        assert fw.value(a) == pytest.approx(want, rel=REL[fw.name], abs=1e-12), override
        if override.get("num_classes", 1) is None:
            continue  # (kept labels: the state_dict of a list state is not loadable)
        for copy in fw.copies(a, name):
            assert fw.value(copy) == pytest.approx(want, rel=REL[fw.name], abs=1e-12)


BAD = {"from_logits": "yes", "ignore_index": 1.5, "base": 1, "axis": "-1",
       "sample_axis": 0.5, "num_classes": 0, "average": "mean", "beta": -1.0}


@pytest.mark.parametrize("name", NAMES)
def test_bad_options_raise_at_construction_naming_them(fw, name):
    for option in SPEC[name].options:
        with pytest.raises((TypeError, ValueError), match=rf"^{name}: .*{option.name}"):
            fw.make(name, **{option.name: BAD[option.name]})
    with pytest.raises((TypeError, ValueError), match="no_such_option"):
        fw.make(name, no_such_option=1)  # (torchmetrics' own ValueError for its kwargs)
    if SPEC[name].kind == "table":  # the size cap: 50000^2 cells would be 20 GB
        with pytest.raises(ValueError, match=r"more than the 134217728"):
            fw.make(name, num_classes=50000)
        m = fw.make(name, num_classes=np.int64(5))  # a NumPy integer is an int
        assert tuple(m.num_classes) == (5, 5)


# --- reproductions of the metrics issue (each failed before it) ---------------------------
def test_keras_one_hot_targets_are_their_argmax():
    k = Keras()
    rng = np.random.default_rng(1)
    y = rng.integers(0, 4, 200)
    scores = np.eye(4)[(y + rng.integers(0, 2, 200)) % 4] + rng.random((200, 4)) * 0.1
    labels, one_hot = k.module.MutualInformation(num_classes=4), \
        k.module.MutualInformation(num_classes=4)
    labels.update_state(y, scores)
    one_hot.update_state(np.eye(4, dtype="float32")[y], scores)
    from sklearn.metrics import mutual_info_score
    want = mutual_info_score(y, scores.argmax(-1)) / math.log(2)
    assert float(one_hot.result()) == pytest.approx(want, rel=1e-5)
    assert float(labels.result()) == pytest.approx(want, rel=1e-5)


@pytest.mark.parametrize("y_shape", ["(N,)", "(N, 1)"])
def test_keras_binary_probabilities_are_thresholded(y_shape):
    """A Dense(1, "sigmoid") output (N, 1) against labels (N,) or (N, 1) (the first version
    took (N, 1) for class scores of one class against (N,): argmax 0, a silent 0.0)."""
    k = Keras()
    y = np.array([0, 1, 1, 0, 1, 0])
    prob = np.array([[0.2], [0.9], [0.6], [0.4], [0.3], [0.1]], dtype="float32")
    from sklearn.metrics import homogeneity_score
    m = k.module.HomogeneityScore(num_classes=2)
    m.update_state(y if y_shape == "(N,)" else y[:, None], prob)
    want = homogeneity_score(y, (prob[:, 0] > 0.5))
    assert want > 0.4 and float(m.result()) == pytest.approx(want, rel=1e-6)


def test_options_are_keyword_only_and_related_options_are_checked_together(fw):
    with pytest.raises(TypeError, match="^CrossEntropy: the options are keyword-only"):
        getattr(fw.module, "CrossEntropy")(True)
    with pytest.raises(ValueError, match="^BALD: sample_axis and axis must be different"):
        fw.make("BALD", sample_axis=-1)


def test_torch_inputs_must_be_tensors_and_bool_labels_are_labels():
    t = Torch()
    with pytest.raises(TypeError, match="^CrossEntropy: preds must be a torch.Tensor"):
        t.module.CrossEntropy().update(np.array([[0.5, 0.5]]), np.array([0]))
    b = t.torch.tensor([True, False, True, True])
    m = t.module.NormalizedMutualInformation()
    m.update(b, b)
    assert float(m.compute()) == 1.0


def test_torch_set_dtype_keeps_the_wide_states():
    t = Torch()
    m = t.module.CrossEntropy().set_dtype(t.torch.float16)
    table = t.module.MutualInformation(num_classes=3).set_dtype(t.torch.float16)
    assert (m.total.dtype, m.count.dtype, table.table.dtype) == \
        (t.torch.float64, t.torch.int64, t.torch.int64)


def test_clustering_scores_of_identical_partitions_are_one_exactly(fw):
    a = np.arange(50) % 5
    for name in ("HomogeneityScore", "CompletenessScore", "VMeasureScore"):
        m = fw.make(name, num_classes=5)
        fw.update(m, ((a + 1) % 5, a))
        assert fw.value(m) == 1.0, name


def test_torch_narrow_integer_labels_with_many_classes():
    t = Torch()
    x = t.torch.arange(120, dtype=t.torch.int8) % 7
    y = (x * 3 + 1) % 5
    m = t.module.MutualInformation(num_classes=300, base=math.e)
    m.update(x.to(t.torch.int16), y.to(t.torch.int8))
    from sklearn.metrics import mutual_info_score
    assert float(m.compute()) == pytest.approx(mutual_info_score(y.numpy(), x.numpy()),
                                               rel=1e-12)


def test_torch_kept_labels_are_copies():
    t = Torch()
    x, y = t.torch.tensor([0, 0, 1, 1, 2]), t.torch.tensor([0, 0, 1, 1, 1])
    m = t.module.MutualInformation(base=math.e)
    from sklearn.metrics import mutual_info_score
    want = mutual_info_score(y.numpy(), x.numpy())
    m.update(x, y)
    x.fill_(0)  # the caller reuses its buffer (no compute before: it could be cached)
    assert float(m.compute()) == pytest.approx(want, rel=1e-12) and want > 0


def test_labels_outside_the_table_make_the_value_nan_in_both():
    for fw in (Torch(), Keras()):
        m = fw.make("MutualInformation", num_classes=3)
        fw.update(m, (np.array([0, 1, 2]), np.array([0, 3, 1])))
        assert math.isnan(fw.value(m)), fw.name


def test_ignore_index_skips_label_pairs_in_both():
    from sklearn.metrics import normalized_mutual_info_score
    preds, target = np.array([0, 1, 1, 2, 0, 2]), np.array([0, 1, -1, 2, 1, -1])
    keep = target != -1
    want = normalized_mutual_info_score(target[keep], preds[keep])
    for fw in (Torch(), Keras()):
        for n in (3, None) if fw.name == "torch" else (3,):
            m = fw.make("NormalizedMutualInformation", num_classes=n, ignore_index=-1)
            fw.update(m, (preds, target))
            assert fw.value(m) == pytest.approx(want, rel=1e-6), (fw.name, n)


def test_scikit_learns_own_clustering_cases_through_both_adapters():
    from tests.estimate.test_clustering_scores import SKLEARN_CASES
    for fw in (Torch(), Keras()):
        for true, pred, beta, want in SKLEARN_CASES:
            for n in (5, None) if fw.name == "torch" else (5,):
                got = []
                for name in ("HomogeneityScore", "CompletenessScore", "VMeasureScore"):
                    extra = {"beta": beta} if name == "VMeasureScore" else {}
                    m = getattr(fw.module, name)(num_classes=n, **extra)
                    fw.update(m, (np.array(pred), np.array(true)))  # (preds, target)
                    got.append(fw.value(m))
                assert got == pytest.approx(want, abs=0.01), (fw.name, true, pred, n)
