"""Training-step benchmarks: forward + backward of a loss, ours against the native formulation,
interleaved in one process (one step of each per round) after a warm-up.

    python benchmarks/train_step.py                 # every installed framework
    python benchmarks/train_step.py --quick         # a smoke run (no timing claims)
    python benchmarks/train_step.py --json out.json --frameworks torch

Cases: torch eager (cross-entropy with labels at (32, 10) and (256, 1000), with ignore_index and
label_smoothing; entropy, KL and JSD from logits at (256, 1000), KL against
``F.kl_div(log_target=True)`` with and without a gradient for the second input), torch.compile (cross-entropy),
a Keras `train_on_batch` step on TensorFlow, and MXNet under `autograd.record`. Each pair's
forward values are checked equal before timing. Nothing here is part of the test suite.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402

import infotheory as it  # noqa: E402
from run import time_case  # noqa: E402  (benchmarks/run.py: the same interleaved timing)

E = math.e


def torch_cases(quick):
    import torch
    F = torch.nn.functional
    torch.manual_seed(0)
    out = []

    def pair(name, shape, native, ours, target):
        z = torch.randn(*shape, requires_grad=True)
        w = torch.randn(*shape, requires_grad=True)
        y = torch.randint(0, shape[-1], shape[:-1])
        y[::7] = -100 if "ignore" in name else y[::7]

        def step(f):
            def run():
                z.grad = w.grad = None
                f(z, w, y).backward()
            return run
        values = (float(native(z, w, y).detach()), float(ours(z, w, y).detach()))
        out.append((name, step(native), step(ours), target, values))

    def ent(z, w, y):
        lp = z.log_softmax(-1)
        return -(lp.exp() * lp).sum(-1).mean()

    def kl(z, w, y):
        lp, lq = z.log_softmax(-1), w.log_softmax(-1)
        return (lp.exp() * (lp - lq)).sum(-1).mean()

    def jsd(z, w, y):
        p, q = z.softmax(-1), w.softmax(-1)
        m = 0.5 * (p + q)
        return (0.5 * (F.kl_div(m.log(), p, reduction="none").sum(-1)
                       + F.kl_div(m.log(), q, reduction="none").sum(-1))).mean()

    for shape, target in (((32, 10), 1.15), ((256, 1000), 1.1)):
        pair(f"torch cross_entropy {shape}", shape, lambda z, w, y: F.cross_entropy(z, y),
             lambda z, w, y: it.cross_entropy(z, y, from_logits=True), target)
        pair(f"torch cross_entropy ignore+smoothing {shape}", shape,
             lambda z, w, y: F.cross_entropy(z, y, ignore_index=-100, label_smoothing=0.1),
             lambda z, w, y: it.cross_entropy(z, y, from_logits=True, ignore_index=-100,
                                              label_smoothing=0.1), target)
    big = (256, 1000)
    pair("torch entropy from logits (256, 1000)", big, ent,
         lambda z, w, y: it.entropy(z, from_logits=True, base=E).mean(), 1.1)
    pair("torch kl from logits (256, 1000)", big, kl,
         lambda z, w, y: it.kl_divergence(z, w, from_logits=True, base=E).mean(), 1.1)
    # torch's own fused KL of two log-probability tensors: F.kl_div(input, target) is
    # KL(target || input)
    pair("torch kl vs F.kl_div(log_target=True) (256, 1000)", big,
         lambda z, w, y: F.kl_div(w.log_softmax(-1), z.log_softmax(-1), log_target=True,
                                  reduction="none").sum(-1).mean(),
         lambda z, w, y: it.kl_divergence(z, w, from_logits=True, base=E).mean(), 1.1)
    # distillation: the teacher's logits need no gradient
    pair("torch kl distillation, teacher detached (256, 1000)", big,
         lambda z, w, y: F.kl_div(w.detach().log_softmax(-1), z.log_softmax(-1),
                                  log_target=True, reduction="none").sum(-1).mean(),
         lambda z, w, y: it.kl_divergence(z, w.detach(), from_logits=True, base=E).mean(), 1.1)
    # The hand-written formulas above are NaN (value and gradient) for a -inf logit, which
    # masked vocabularies use; torch's own correct formulations handle it:
    Cat = torch.distributions.Categorical
    pair("torch entropy vs Categorical.entropy (256, 1000)", big,
         lambda z, w, y: Cat(logits=z).entropy().mean(),
         lambda z, w, y: it.entropy(z, from_logits=True, base=E).mean(), 1.1)
    pair("torch kl vs distributions.kl_divergence (256, 1000)", big,
         lambda z, w, y: torch.distributions.kl_divergence(Cat(logits=z), Cat(logits=w)).mean(),
         lambda z, w, y: it.kl_divergence(z, w, from_logits=True, base=E).mean(), 1.1)
    targets = torch.rand(*big)  # binary cross-entropy's probability targets
    pair("torch binary_cross_entropy from logits (256, 1000)", big,
         lambda z, w, y: F.binary_cross_entropy_with_logits(z, targets),
         lambda z, w, y: it.binary_cross_entropy(z, targets, from_logits=True), 1.1)
    pair("torch binary_cross_entropy on probabilities (256, 1000)", big,
         lambda z, w, y: F.binary_cross_entropy(z.sigmoid(), targets),
         lambda z, w, y: it.binary_cross_entropy(z.sigmoid(), targets), 1.1)
    # probabilities (a softmax output) against class indices, with the row check
    pair("torch cross_entropy on probabilities (256, 1000)", big,
         lambda z, w, y: F.nll_loss(z.softmax(-1).log(), y),
         lambda z, w, y: it.cross_entropy(z.softmax(-1), y), 1.1)
    pair("torch jsd from logits (256, 1000)", big, jsd,
         lambda z, w, y: it.jensen_shannon_divergence(z, w, from_logits=True, base=E).mean(), 1.1)
    if not quick:
        native = torch.compile(lambda z, w, y: F.cross_entropy(z, y), fullgraph=True)
        ours = torch.compile(lambda z, w, y: it.cross_entropy(z, y, from_logits=True),
                             fullgraph=True)
        pair("torch.compile cross_entropy (256, 1000)", big, native, ours, 1.03)
    return out


def keras_cases(quick):
    import keras

    import infotheory.keras as itk
    rng = np.random.default_rng(0)
    x = rng.normal(size=(256, 64)).astype("float32")
    y = rng.integers(0, 100, 256)
    out = []
    models = {}
    for name, loss in (("native", keras.losses.SparseCategoricalCrossentropy(from_logits=True)),
                       ("ours", itk.CrossEntropy(from_logits=True))):
        keras.utils.set_random_seed(0)
        m = keras.Sequential([keras.Input((64,)), keras.layers.Dense(100)])
        m.compile(optimizer="sgd", loss=loss)
        models[name] = m
    values = tuple(float(m.evaluate(x, y, verbose=0)) for m in models.values())
    out.append(("keras train_on_batch cross_entropy (256, 100)",
                lambda: models["native"].train_on_batch(x, y),
                lambda: models["ours"].train_on_batch(x, y), 1.05, values))
    return out


def mxnet_cases(quick):
    mx = it.import_mxnet()
    npx = mx.npx
    rng = np.random.default_rng(0)
    z = mx.np.array(rng.normal(size=(256, 1000)).astype("float32"))
    y = mx.np.array(rng.integers(0, 1000, 256), dtype="int64")
    z.attach_grad()

    def native():
        with mx.util.np_shape(True), mx.util.np_array(True):
            return -npx.pick(npx.log_softmax(z, axis=-1), y, axis=-1)

    def ours():
        return it.cross_entropy(z, y, from_logits=True, reduction="none")

    def step(f):
        def run():
            with mx.autograd.record():
                loss = f()
            loss.backward()
            z.grad.wait_to_read()
        return run
    values = (float(native().mean().asnumpy()), float(ours().mean().asnumpy()))
    return [("mxnet cross_entropy (256, 1000), per-sample, autograd", step(native), step(ours),
             1.2, values)]


FRAMEWORKS = {"torch": torch_cases, "tensorflow": keras_cases, "mxnet": mxnet_cases}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--repeats", type=int, default=None)
    ap.add_argument("--frameworks", nargs="+", choices=list(FRAMEWORKS), default=None)
    ap.add_argument("--json", metavar="PATH")
    args = ap.parse_args(argv)
    repeats = args.repeats or (5 if args.quick else 200)
    names = args.frameworks or [f for f in FRAMEWORKS if f in it.available_backends()]
    rows = []
    print(f"forward + backward, median of {repeats} interleaved steps; ratio = ours / native\n")
    for fw in names:
        for name, native, ours, target, (v_native, v_ours) in FRAMEWORKS[fw](args.quick):
            same = abs(v_native - v_ours) <= 1e-5 * max(1.0, abs(v_native))
            med = time_case({"native": (None, native), "ours": (None, ours)}, repeats,
                            warmup=3 if args.quick else 20)
            ratio = med["ours"] / med["native"]
            verdict = "met" if ratio <= target else "MISSED"
            print(f"{name:52s} native {med['native'] * 1e6:9.0f} us  ours "
                  f"{med['ours'] * 1e6:9.0f} us  {ratio:5.2f}x  target <= {target}x {verdict}"
                  + ("" if same else f"  DIFFERENT VALUE {v_ours} vs {v_native}"))
            rows.append({"case": name, "native_s": med["native"], "ours_s": med["ours"],
                         "ratio": ratio, "target": target, "values": [v_native, v_ours],
                         "same_value": same})
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"repeats": repeats, "quick": args.quick, "results": rows}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
