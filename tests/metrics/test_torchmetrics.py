"""infotheory.torchmetrics against torchmetrics' own metrics on the same batches and against
our functions on the concatenation of all batches (the shared battery: test_tester.py; two
gloo processes: test_distributed.py)."""
import math

import numpy as np
import pytest

import infotheory as it
from tests.conftest import require

torch = require("torch")
tm = pytest.importorskip("torchmetrics")
import torchmetrics.clustering  # noqa: E402,F401  (tm.clustering, tm.regression, tm.text)
import torchmetrics.regression  # noqa: E402,F401
import torchmetrics.text  # noqa: E402,F401

from infotheory import torchmetrics as itm  # noqa: E402

G = torch.Generator().manual_seed(0)
BATCHES = []
for b in range(3):
    z = torch.randn(2, 5 + b, 7, generator=G, dtype=torch.float64)
    y = torch.randint(0, 7, (2, 5 + b), generator=G)
    y[0, :b] = -100
    BATCHES.append((z, y))
ALL_Z = torch.cat([z.reshape(-1, 7) for z, _ in BATCHES])
ALL_Y = torch.cat([y.reshape(-1) for _, y in BATCHES])


def test_perplexity_and_cross_entropy_are_token_weighted_over_the_epoch():
    ours = itm.Perplexity(from_logits=True, ignore_index=-100)
    ce = itm.CrossEntropy(from_logits=True, ignore_index=-100, compute_with_cache=False)
    theirs = tm.text.Perplexity(ignore_index=-100)
    batch_means = []
    for z, y in BATCHES:
        ours.update(z, y)
        ce.update(z, y)
        theirs.update(z, y)
        batch_means.append(float(it.perplexity(z, y, from_logits=True, ignore_index=-100)))
    ref = torch.nn.functional.cross_entropy(ALL_Z, ALL_Y, ignore_index=-100)
    assert float(ce.compute()) == pytest.approx(float(ref), rel=1e-12)
    assert float(ours.compute()) == pytest.approx(math.exp(float(ref)), rel=1e-12)
    assert float(ours.compute()) == pytest.approx(float(theirs.compute()), rel=1e-5)  # their float32
    assert float(ours.compute()) != pytest.approx(np.mean(batch_means), rel=1e-3)
    with it.default_base(2):
        assert float(ce.compute()) == pytest.approx(float(ref) / math.log(2), rel=1e-12)


def test_probability_targets_count_one_per_row():
    ce = itm.CrossEntropy()
    p = torch.softmax(ALL_Z, -1)
    t = torch.softmax(ALL_Z.flip(0), -1)
    ce.update(p[:10], t[:10])
    ce.update(p[10:], t[10:])
    ref = -(t * p.log()).sum(-1).mean()
    assert float(ce.compute()) == pytest.approx(float(ref), rel=1e-12)


def test_entropy_kl_and_bald_are_means_over_rows():
    p, q = torch.softmax(ALL_Z, -1), torch.softmax(ALL_Z.flip(0), -1)
    ent, kl, theirs = itm.Entropy(base=math.e), itm.KLDivergence(base=math.e), \
        tm.regression.KLDivergence()
    for part in (slice(0, 7), slice(7, None)):
        ent.update(p[part])
        kl.update(p[part], q[part])
        theirs.update(p[part], q[part])
    assert float(ent.compute()) == pytest.approx(float(torch.special.entr(p).sum(-1).mean()),
                                                 rel=1e-12)
    assert float(kl.compute()) == pytest.approx(float(theirs.compute()), rel=1e-6)
    s = torch.randn(8, 10, 4, generator=G, dtype=torch.float64)
    bald = itm.BALD(from_logits=True)
    bald.update(s[:, :4])
    bald.update(s[:, 4:])
    assert float(bald.compute()) == pytest.approx(float(it.bald(s, from_logits=True).mean()),
                                                  rel=1e-12)


@pytest.mark.parametrize("ours, theirs", [
    (lambda **k: itm.MutualInformation(base=math.e, **k), tm.clustering.MutualInfoScore),
    (itm.NormalizedMutualInformation, tm.clustering.NormalizedMutualInfoScore),
    (itm.AdjustedMutualInformation, tm.clustering.AdjustedMutualInfoScore),
    (itm.HomogeneityScore, tm.clustering.HomogeneityScore),
    (itm.CompletenessScore, tm.clustering.CompletenessScore),
    (itm.VMeasureScore, tm.clustering.VMeasureScore),
])
@pytest.mark.parametrize("num_classes", [None, 6])
def test_label_metrics_match_torchmetrics_and_scikit_learn(ours, theirs, num_classes):
    sklearn = pytest.importorskip("sklearn.metrics")
    x = torch.randint(0, 4, (300,), generator=G)
    y = (x + torch.randint(0, 3, (300,), generator=G)) % 6
    m, r = ours(num_classes=num_classes), theirs()
    for i in range(0, 300, 70):
        m.update(x[i:i + 70], y[i:i + 70])
        r.update(x[i:i + 70], y[i:i + 70])
    assert float(m.compute()) == pytest.approx(float(r.compute()), rel=1e-5)  # their float32
    ref = {"MutualInfoScore": sklearn.mutual_info_score,
           "NormalizedMutualInfoScore": sklearn.normalized_mutual_info_score,
           "AdjustedMutualInfoScore": sklearn.adjusted_mutual_info_score,
           "HomogeneityScore": sklearn.homogeneity_score,
           "CompletenessScore": sklearn.completeness_score,
           "VMeasureScore": sklearn.v_measure_score}[theirs.__name__]
    # update(preds, target) as torchmetrics: scikit-learn's labels_true is the target
    assert float(m.compute()) == pytest.approx(ref(y.numpy(), x.numpy()), rel=1e-10)


def test_jensen_shannon_divergence_matches_torchmetrics():
    p, q = torch.softmax(ALL_Z, -1), torch.softmax(ALL_Z.flip(0), -1)
    ours, theirs = itm.JensenShannonDivergence(base=math.e), \
        tm.regression.JensenShannonDivergence()
    for part in (slice(0, 7), slice(7, None)):
        ours.update(p[part], q[part])
        theirs.update(p[part], q[part])
    assert float(ours.compute()) == pytest.approx(float(theirs.compute()), rel=1e-6)


def test_label_updates_refuse_mismatched_shapes_and_float_labels():
    with pytest.raises(ValueError, match="preds and target must have one shape"):
        itm.MutualInformation().update(torch.tensor([0, 1]), torch.tensor([0]))
    with pytest.raises(TypeError, match="target must hold integer labels"):
        itm.MutualInformation(num_classes=3).update(torch.tensor([0, 1]),
                                                    torch.tensor([0.0, 1.0]))


def test_updates_read_nothing_on_the_host():
    """The loss metrics' ``update`` keeps the step free of host syncs: no .item(), no
    .tolist(), no .numpy() (the host-read test's rule, by patching those methods)."""
    metrics = [itm.Perplexity(from_logits=True, ignore_index=-100),
               itm.CrossEntropy(from_logits=True), itm.Entropy(from_logits=True),
               itm.MutualInformation(num_classes=7), itm.VMeasureScore(num_classes=7),
               itm.MutualInformation()]
    z, y = BATCHES[1]
    y = y.clamp_min(0)
    calls = []
    saved = {n: getattr(torch.Tensor, n) for n in ("item", "tolist", "numpy", "__bool__")}
    try:
        for n in saved:
            setattr(torch.Tensor, n, lambda self, *a, _n=n, **k: calls.append(_n)
                    or saved[_n](self, *a, **k))
        metrics[0].update(z, y)
        metrics[1].update(z, y)
        metrics[2].update(z)
        for m in metrics[3:]:
            m.update(y[0], y[1])
    finally:
        for n, f in saved.items():
            setattr(torch.Tensor, n, f)
    assert calls == []


@pytest.mark.slow  # a subprocess (make test-fast skips it)
def test_logged_from_a_lightning_module_equals_the_function_on_the_epoch():
    pl = pytest.importorskip("lightning.pytorch")

    class LM(pl.LightningModule):
        def __init__(self):
            super().__init__()
            self.layer = torch.nn.Linear(7, 7).double()
            self.ppl = itm.Perplexity(from_logits=True, ignore_index=-100)
            self.outputs = []

        def training_step(self, batch, _):
            z, y = batch
            logits = self.layer(z)
            self.outputs.append((logits.detach().reshape(-1, 7), y.reshape(-1)))
            self.ppl.update(logits, y)
            self.log("ppl", self.ppl, on_step=False, on_epoch=True)
            return it.cross_entropy(logits, y, from_logits=True, ignore_index=-100)

        def configure_optimizers(self):
            return torch.optim.SGD(self.parameters(), lr=0.0)  # no change: one model, all epoch

    module = LM()
    trainer = pl.Trainer(max_epochs=1, accelerator="cpu", logger=False,
                         enable_checkpointing=False, enable_progress_bar=False,
                         enable_model_summary=False)
    loader = torch.utils.data.DataLoader([(z[0], y[0]) for z, y in BATCHES], batch_size=None)
    trainer.fit(module, loader)
    z = torch.cat([o[0] for o in module.outputs])
    y = torch.cat([o[1] for o in module.outputs])
    ref = it.perplexity(z, y, from_logits=True, ignore_index=-100)
    assert float(trainer.callback_metrics["ppl"]) == pytest.approx(float(ref), rel=1e-6)
