"""Every example runs, in its short mode, and prints what it promises."""
import os
import re

import numpy as np
import pytest

from tests.conftest import require, run_child

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _run(script, *args, **env):
    return run_child([os.path.join(ROOT, "examples", script), *args], timeout=300,
                     env={"TF_CPP_MIN_LOG_LEVEL": "3", **env}).stdout


def _losses(text, pattern):
    return [float(v) for v in re.findall(pattern, text)]


def test_torch_training_loop():
    require("torch")
    out = _run("torch_training_loop.py", "--quick")
    ce = _losses(out, r"cross-entropy ([\d.]+) nats")
    assert len(ce) == 3 and ce[-1] < ce[0]  # it learns


@pytest.mark.parametrize("keras_backend", ["tensorflow", "torch"])
def test_keras_fit(keras_backend):
    require(keras_backend)
    require("tensorflow")
    out = _run("keras_fit.py", "--quick", KERAS_BACKEND=keras_backend)
    ce = _losses(out, r"cross-entropy ([\d.]+) nats")
    assert len(ce) == 3 and ce[-1] < ce[0]
    assert f"Keras backend: {keras_backend}" in out


def test_d2l_walkthrough():
    for b in ("torch", "tensorflow", "mxnet"):
        require(b)
    out = _run("d2l_information_theory.py", "--quick")
    frameworks = re.search(r"frameworks: (.*)", out).group(1).split(", ")
    assert frameworks[:4] == ["numpy", "torch", "tensorflow", "mxnet"]  # (+ jax, dask)
    for value in ("5.7004", "225.5810", "1.6854753", "0.8635473", "0.94856", "0.7213"):
        assert value in out, value
    # the MI rows, on each framework
    assert out.count("[0.6024678 0.1169925]") == len(frameworks)
    mc = float(re.search(r"Monte Carlo .*: ([\d.]+) bits", out).group(1))
    assert abs(mc - 0.7213) < 0.02
    # k=1 nearest neighbours on 10^4 samples: standard error ~0.02 bits here
    knn = float(re.search(r"k-NN estimate .*: ([\d.]+) bits", out).group(1))
    assert abs(knn - 0.7213) < 0.08


def test_torch_language_model_and_vae():
    require("torch")
    out = _run("torch_lm_and_vae.py", "--quick")
    ppl = _losses(out, r"perplexity ([\d.]+)")
    assert len(ppl) == 5 and ppl[-1] < 0.2 * ppl[0]  # padding ignored: the model learns
    recon = _losses(out, r"reconstruction ([\d.]+)")
    kl = _losses(out, r"KL ([\d.]+) nats")
    assert recon[-1] < recon[0] and all(v >= 0 for v in kl)


def test_torch_infonce_critic_approaches_the_true_mi():
    require("torch")
    out = _run("torch_infonce_critic.py", "--quick")
    true_mi = float(re.search(r"true I\(X;Y\) = ([\d.]+) bits", out).group(1))
    bounds = _losses(out, r"InfoNCE ([\d.]+) bits on")
    assert len(bounds) == 5
    # the bound rises towards the truth; 300 steps get within 0.15 bits (1.459 of 1.474 here)
    assert bounds[-1] > bounds[0] and abs(bounds[-1] - true_mi) < 0.15


def test_dask_mutual_information_on_a_local_cluster():
    require("dask")
    pytest.importorskip("distributed")
    out = _run("dask_mutual_information.py", "--quick")
    assert "1e+06 rows in 10 chunks on 2 workers; lazy results: Array () float64" in out
    mi = float(re.search(r"I\(X; Y\) = ([\d.]+) bits \(exact 4\.6439\)", out).group(1))
    # plug-in MI of 10^6 samples from 100 x 4 cells: bias ~ (cells - 1) / (2 N ln 2) = 2.9e-4
    assert abs(mi - 4.6439) < 3e-3, out
    assert 0.5 < float(re.search(r"NMI = ([\d.]+)", out).group(1)) < 1.0
    assert "Completed" not in out  # no progress bar outside a terminal (the docs page had 19 lines)


def test_active_learning_bald_beats_random_acquisition():
    require("torch")
    pytest.importorskip("sklearn")
    out = _run("active_learning_bald.py", "--quick", "--plot", os.devnull)
    bald = _losses(out, r"accuracy BALD ([\d.]+)")
    rand = _losses(out, r"   random ([\d.]+)\n")
    assert len(bald) == len(rand) == 12
    # the last three rounds (100-130 labels): BALD's picks teach more (0.895 vs 0.883 here)
    assert np.mean(bald[-3:]) > np.mean(rand[-3:]), out
    assert bald[-1] > bald[0] + 0.2  # it learns (0.61 to 0.91 here)


def test_ddp_perplexity_is_synced_over_two_processes():
    require("torch")
    out = _run("ddp_perplexity.py", "--quick")
    ppl = _losses(out, r"perplexity ([\d.]+) over")
    total = [int(v) for v in re.findall(r"over (\d+) tokens", out)]
    own = [int(v) for v in re.findall(r"this one: (\d+)", out)]
    assert len(ppl) == 3 and ppl[-1] < ppl[0]
    assert all(t > o > 0 for t, o in zip(total, own))  # the epoch's value covers both shards
    best = float(re.search(r"entropy rate\): ([\d.]+)", out).group(1))
    assert ppl[-1] > best  # no model beats the source's entropy rate


def _example(name):
    """An example module, loaded in this process (its main returns what it plots)."""
    import importlib.util
    import matplotlib
    matplotlib.use("Agg")
    spec = importlib.util.spec_from_file_location(name, os.path.join(ROOT, "examples", f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_entropy_estimator_bias_shrinks_and_the_corrections_help():
    from scipy import stats  # a test requirement: missing, the test fails
    r = _example("plot_entropy_estimator_bias").main(["--quick", "--plot", os.devnull])
    truth, plugin = r["truth"], np.array(r["plugin"])
    zipf = 1.0 / np.arange(1, 101)  # the example's Zipf(1) over 100 symbols, here by SciPy
    assert truth == pytest.approx(stats.entropy(zipf, base=2), abs=1e-12)
    assert (plugin < truth).all()  # the plug-in estimate is biased down ...
    assert (np.diff(truth - plugin) < 0).all()  # ... less as n grows
    assert (np.abs(np.array(r["miller_madow"]) - truth) < truth - plugin).all()
    for method in ("miller_madow", "chao_shen", "james_stein"):
        assert abs(r[method][-1] - truth) < 0.05, method  # n = 1000: within 0.05 bits


def test_ksg_tracks_the_gaussian_closed_form_and_equals_scikit_learn():
    pytest.importorskip("sklearn")
    r = _example("plot_ksg_gaussian").main(["--quick", "--plot", os.devnull])
    truth = -0.5 * np.log2(1 - np.array(r["rho"]) ** 2)
    np.testing.assert_allclose(r["closed form"], truth, atol=1e-12)
    # n = 1000, seed 0: the largest gap is 0.061 bits (KSG's standard error here is ~0.03)
    np.testing.assert_allclose(r["KSG (k=3)"], truth, atol=0.08)
    np.testing.assert_allclose(r["Gaussian"], truth, atol=0.05)
    assert r["histogram, 20 x 20 bins"][0] > 0.1  # a 20 x 20 histogram is biased up at rho = 0
    # scikit-learn's mutual_info_regression is KSG too (it clips negative estimates at 0)
    np.testing.assert_allclose(r["scikit-learn mutual_info_regression"],
                               np.maximum(r["KSG (k=3)"], 0.0), atol=1e-6)


def test_benchmark_ratios_name_each_case_once():
    r = _example("plot_benchmark_ratios").main(["--quick", "--plot", os.devnull])
    names = [name for name, _ in r["peers"]]
    assert len(set(names)) == len(names), names  # two sizes of one estimator stay apart
    assert any("1000 classes" in name for name in names)
    assert not any("(" in name for name in names)  # remarks in parentheses are dropped
    assert all(ratio > 0 for _, ratio in r["steps"] + r["peers"])
