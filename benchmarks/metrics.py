"""Training-time metrics and uncertainty: ours against torchmetrics and a hand-written
formulation, interleaved in one process after a warm-up (medians of the rounds).

    python benchmarks/metrics.py                  # the sizes of issue 20
    python benchmarks/metrics.py --quick          # a smoke run (no timing claims)
    python benchmarks/metrics.py --json out.json

Cases:
- ``Perplexity.update``: ours (``from_logits=True``) vs ``torchmetrics.text.Perplexity``, a
  (16, 128, 1000) batch of logits with 10% of the labels ignored;
- ``MutualInformation.update`` with ``num_classes`` (one bincount into a fixed table) and
  without (the labels kept) vs ``torchmetrics.clustering.MutualInfoScore`` (labels kept), 10^5
  label pairs of 10 classes; and a whole epoch of them (20 updates and ``compute``), where
  the metrics that keep the labels do their counting;
- ``VMeasureScore`` epochs likewise, vs ``torchmetrics.clustering.VMeasureScore``, and a
  ``Perplexity`` epoch (10 updates and ``compute``);
- a training step (forward + backward) of BALD from logits, (32 samples, 256, 1000), vs the
  hand-written ``logsumexp`` formulation.
Each pair's values are checked equal before timing. Nothing here is part of the test suite.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import torch  # noqa: E402
import torchmetrics.clustering  # noqa: E402
import torchmetrics.text  # noqa: E402

import infotheory as it  # noqa: E402
from infotheory import torchmetrics as itm  # noqa: E402
from run import time_case  # noqa: E402


def hand_written_bald(z):
    """BALD from logits as papers' code writes it, with logsumexp (not log(mean(softmax)))."""
    logp = torch.log_softmax(z, -1)
    log_mean = torch.logsumexp(logp, 0) - math.log(z.shape[0])
    predictive = -(log_mean.exp() * log_mean).sum(-1)
    expected = -(logp.exp() * logp).sum(-1).mean(0)
    return predictive - expected


def cases(quick):
    g = torch.Generator().manual_seed(0)
    b, t, v = (2, 16, 50) if quick else (16, 128, 1000)
    z = torch.randn(b, t, v, generator=g)
    y = torch.randint(0, v, (b, t), generator=g)
    y[torch.rand(b, t, generator=g) < 0.1] = -100
    ppl, tm_ppl = itm.Perplexity(from_logits=True, ignore_index=-100), \
        torchmetrics.text.Perplexity(ignore_index=-100)
    ppl.update(z, y)
    tm_ppl.update(z, y)
    same = abs(float(ppl.compute()) - float(tm_ppl.compute())) <= 1e-4 * float(tm_ppl.compute())
    out = [("Perplexity.update", {"torchmetrics": lambda: tm_ppl.update(z, y),
                                  "infotheory": lambda: ppl.update(z, y)}, 1.2, same)]

    def ppl_epoch(m):  # 10 updates and the value of the epoch
        def run():
            m.reset()
            for _ in range(10):
                m.update(z, y)
            return m.compute()
        return run
    out.append(("Perplexity epoch (10 updates + compute)", {
        "torchmetrics": ppl_epoch(tm_ppl), "infotheory": ppl_epoch(ppl)}, 1.2, same))

    n = 1000 if quick else 100_000
    x = torch.randint(0, 10, (n,), generator=g)
    c = (x + torch.randint(0, 3, (n,), generator=g)) % 10
    table, kept, tm_mi = itm.MutualInformation(num_classes=10, base=math.e), \
        itm.MutualInformation(base=math.e), torchmetrics.clustering.MutualInfoScore()
    for m in (table, kept, tm_mi):
        m.update(x, c)
    ref = float(tm_mi.compute())
    same = all(abs(float(m.compute()) - ref) <= 1e-5 for m in (table, kept))
    for m in (table, kept, tm_mi):
        m.reset()
    out.append(("MutualInformation.update", {
        "torchmetrics": lambda: tm_mi.update(x, c),
        "infotheory num_classes": lambda: table.update(x, c),
        "infotheory labels kept": lambda: kept.update(x, c)}, 1.2, same))

    def epoch(m):  # 20 updates and the value of the epoch (where the labels-kept metrics count)
        def run():
            m.reset()
            for _ in range(20):
                m.update(x, c)
            return m.compute()
        return run
    out.append(("MutualInformation epoch (20 updates + compute)", {
        "torchmetrics": epoch(tm_mi), "infotheory num_classes": epoch(table),
        "infotheory labels kept": epoch(kept)}, 1.2, same))

    vm_table, vm_kept, tm_vm = itm.VMeasureScore(num_classes=10), itm.VMeasureScore(), \
        torchmetrics.clustering.VMeasureScore()
    for m in (vm_table, vm_kept, tm_vm):
        m.update(c, x)
    ref = float(tm_vm.compute())
    same = all(abs(float(m.compute()) - ref) <= 1e-5 for m in (vm_table, vm_kept))
    out.append(("VMeasureScore epoch (20 updates + compute)", {
        "torchmetrics": epoch(tm_vm), "infotheory num_classes": epoch(vm_table),
        "infotheory labels kept": epoch(vm_kept)}, 1.2, same))

    s, rows, k = (4, 8, 10) if quick else (32, 256, 1000)
    zs = torch.randn(s, rows, k, generator=g, requires_grad=True)

    def step(f):
        def run():
            zs.grad = None
            f(zs).mean().backward()
        return run
    same = torch.allclose(it.bald(zs, from_logits=True, base=math.e), hand_written_bald(zs),
                          atol=1e-5)
    out.append(("BALD training step (logits)", {
        "hand-written logsumexp": step(hand_written_bald),
        "infotheory": step(lambda z: it.bald(z, from_logits=True, base=math.e))}, 1.2, same))
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--repeats", type=int, default=30)
    ap.add_argument("--json", metavar="PATH")
    args = ap.parse_args(argv)
    torch.set_num_threads(max(1, torch.get_num_threads()))
    results = []
    print(f"torch {torch.__version__}, torchmetrics {torchmetrics.__version__}, "
          f"{args.repeats} interleaved rounds")
    for name, cands, target, same in cases(args.quick):
        times = time_case({k: ("native", f) for k, f in cands.items()}, args.repeats, warmup=3)
        base_name = next(iter(cands))
        for label, t in times.items():
            ratio = t / times[base_name]
            print(f"{name:32s} {label:26s} {t * 1e3:9.3f} ms   x{ratio:5.2f}"
                  + ("" if label == base_name else f"  (target <= {target}x)"))
        results.append({"case": name, "times_s": times, "baseline": base_name,
                        "target": target, "same_value": bool(same)})
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"torch": torch.__version__, "results": results}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
