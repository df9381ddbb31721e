"""Every torch metric of infotheory.metrics.SPECS under DDP (two gloo processes, one spawn,
tests/metrics/_ddp_worker.py): synced over uneven shards, each equals the reference of
tests/metrics/cases.py on all the batches, on both ranks."""
import json

import pytest

from tests.conftest import ROOT, require, run_child


@pytest.fixture(scope="module")
def ddp(tmp_path_factory):
    """The two ranks' results ([rank 0, rank 1]): one spawn for the whole module."""
    require("torch")
    pytest.importorskip("torchmetrics")
    pytest.importorskip("sklearn")  # (the references of the label metrics)
    tmp = tmp_path_factory.mktemp("ddp")
    out = tmp / "values"
    run_child(["-m", "tests.metrics._ddp_worker", tmp / "rendezvous", out],
              env={"PYTHONPATH": ROOT}, timeout=300)
    ranks = [json.loads((tmp / f"values_{r}.json").read_text()) for r in (0, 1)]
    assert [r["rank"] for r in ranks] == [0, 1]
    return ranks


def _names(kind=None):
    from infotheory.metrics import SPECS
    return [s.name for s in SPECS if kind is None or s.kind == kind]


@pytest.mark.slow  # a subprocess (make test-fast skips it)
def test_every_metric_synced_over_uneven_shards_equals_the_reference(ddp):
    from tests.metrics import cases
    names = _names()
    assert len(names) == 12  # (a spec left out of SPECS fails here too)
    for got in ddp:
        assert sorted(got["table"]) == sorted(names), "a spec is missing from the worker"
        for name in names:
            assert got["table"][name] == pytest.approx(cases.expected(name), rel=1e-9), name


@pytest.mark.slow  # a subprocess (make test-fast skips it)
def test_label_metrics_without_num_classes_gather_the_kept_labels(ddp):
    """num_classes=None: the labels are kept and gathered (``cat``), over uneven shards and
    with a rank that never called update (it must not abort the gather)."""
    from tests.metrics import cases
    names = _names("table")
    assert len(names) == 6
    for got in ddp:
        for key in ("kept", "kept_idle"):
            assert sorted(got[key]) == sorted(names), f"a label metric is missing ({key})"
            for name in names:
                assert got[key][name] == pytest.approx(cases.expected(name), rel=1e-9), \
                    (key, name)


@pytest.mark.slow  # a subprocess (make test-fast skips it)
def test_a_ddp_training_step_with_our_losses_reads_nothing_on_the_host(ddp):
    for got in ddp:
        assert got["host_reads"] == []


def test_every_spec_has_a_case_and_a_torch_class():
    """Without a spawn (in the fast tests too): the worker takes its metrics from SPECS and
    their options from the cases, so a spec without either fails here first."""
    require("torch")
    pytest.importorskip("torchmetrics")
    from infotheory import torchmetrics as itm
    from infotheory.metrics import SPECS
    from tests.metrics.cases import CASES
    assert {s.name for s in SPECS} == set(CASES) and len(SPECS) == 12
    for spec in SPECS:
        getattr(itm, spec.name)(**CASES[spec.name].options)
