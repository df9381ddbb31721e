"""The benchmark script runs (a smoke run at small sizes). No timing is asserted: benchmarks
are not tests; this only keeps the script from rotting."""
import json
import os
import subprocess

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


def _compare_module():
    import importlib.util
    spec = importlib.util.spec_from_file_location(
        "compare", os.path.join(ROOT, "benchmarks", "compare.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_compare_flags_a_slowdown_beyond_the_rounds_noise_and_nothing_else():
    compare = _compare_module().compare
    old = [{"a": {"ours": t}, "b": {"ours": t}, "c": {"ours": t}} for t in (1.0, 1.03, 0.98, 1.01)]
    new = [{"a": {"ours": 1.2 * t}, "b": {"ours": t * f}, "c": {"error": "AttributeError: x"}}
           for t, f in zip((1.0, 1.03, 0.98, 1.01), (1.06, 0.95, 1.04, 1.0))]
    rows = {r["case"]: r for r in compare(old, new, 1.05)}
    assert rows["a"]["verdict"] == "SLOWER" and rows["a"]["ratio"] == pytest.approx(1.2)
    assert rows["b"]["verdict"] == "same"  # inside the noise of the rounds
    assert rows["c"]["verdict"].startswith("n/a (new: AttributeError")
    faster = compare(old, [{"a": {"ours": 0.5 * t}} for t in (1.0, 1.03, 0.98, 1.01)], 1.05)
    assert faster[0]["verdict"] == "faster"


def test_compare_against_head_runs_in_a_worktree_and_passes(tmp_path):
    """The tool end to end on one case: a worktree of HEAD, a process per tree, the table,
    exit status 0 (this tree's call path against HEAD's: 'same' or 'faster', or, with
    uncommitted work, whatever it is; the status only fails on SLOWER)."""
    out = run_child([os.path.join(ROOT, "benchmarks", "compare.py"), "--base", "HEAD",
                     "--quick", "--rounds", "1", "--cases", "small", "numpy entropy",
                     "--json", tmp_path / "rows.json"], timeout=300, ok=(0, 1))
    rows = json.loads((tmp_path / "rows.json").read_text())["rows"]
    assert [r["case"] for r in rows] == ["small numpy entropy (4,)"]
    assert rows[0]["old_s"] > 0 and rows[0]["new_s"] > 0
    assert "small numpy entropy (4,)" in out.stdout
    assert out.returncode == (1 if rows[0]["verdict"] == "SLOWER" else 0)
    worktrees = subprocess.run(["git", "worktree", "list"], capture_output=True, text=True,
                               cwd=ROOT, timeout=60, check=True).stdout
    assert "infotheory-compare-" not in worktrees  # removed afterwards
