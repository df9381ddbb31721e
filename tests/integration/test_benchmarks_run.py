"""The benchmark script runs (a smoke run at small sizes). No timing is asserted: benchmarks
are not tests; this only keeps the script from rotting."""
import json
import os

import pytest

import infotheory as it
from tests.conftest import require, run_child

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run_quick(tmp_path, script, repeats, timeout=300):
    """Run a benchmark script in its quick mode; its stdout and its JSON results."""
    path = tmp_path / "out.json"
    out = run_child([os.path.join(ROOT, "benchmarks", script), "--quick", "--repeats", repeats,
                     "--json", path], timeout=timeout)
    return out.stdout, json.loads(path.read_text())


def test_benchmark_script_runs_quick(tmp_path):
    stdout, data = run_quick(tmp_path, "run.py", 1)
    assert "ratio of medians, ours / best native" in stdout
    assert {r["case"] for r in data["results"]} == {"1 entropy 1e7", "2 entropy 1e3", "3 kl 1e7",
                                                    "4 mi 2000x2000", "5 ce 2048x4096"}
    assert {r["backend"] for r in data["results"]} == set(
        b for b in ("numpy", "torch", "tensorflow", "mxnet") if b in it.available_backends())
    for r in data["results"]:  # every timed equal computed the same quantity on its inputs
        assert r["differs"] == [], (r["backend"], r["case"], r["differs"])
        ours = r["values"]["infotheory"]
        for name, v in r["values"].items():
            if r["kinds"][name] in ("native", "builtin"):
                assert abs(v - ours) <= 1e-3 * max(1.0, abs(ours)), (r["case"], name, v, ours)


def test_training_step_script_runs_quick_and_each_pair_agrees(tmp_path):
    rows = run_quick(tmp_path, "train_step.py", 2, timeout=600)[1]["results"]
    assert len(rows) >= 7
    for r in rows:  # ours and the native formulation compute the same loss
        assert r["same_value"], r


def test_estimator_benchmark_runs_quick_and_values_agree(tmp_path):
    pytest.importorskip("sklearn")
    require("torch")
    rows = run_quick(tmp_path, "estimators.py", 1)[1]["results"]
    assert len(rows) == 6
    for r in rows:  # each candidate computed the same estimate
        assert r["differs"] == [], (r["case"], r["differs"])


def test_multivariate_benchmark_runs_quick_and_values_agree(tmp_path):
    pytest.importorskip("infomeasure")
    require("torch")
    rows = run_quick(tmp_path, "multivariate.py", 1)[1]["results"]
    assert len(rows) == 5
    for r in rows:  # each candidate computed the same estimate (the p-values: any)
        assert r["differs"] == [], (r["case"], r["differs"])


def test_dask_scale_benchmark_runs_quick(tmp_path):
    require("dask")
    pytest.importorskip("distributed")
    stdout, data = run_quick(tmp_path, "dask_scale.py", 1)
    assert "peak MiB/worker" in stdout
    rows = data["results"]
    assert [r["rows"] for r in rows] == [10**4, 10**4, 10**5, 4 * 10**5]
    for r in rows:  # each measured the same quantity: the plug-in MI near the exact value
        assert abs(r["value_bits"] - data["exact_bits"]) < 0.1, r
        assert r["rows_per_s"] > 0
    assert all(r["peak_worker_mib"] > 0 for r in rows[1:])
