"""GPU benchmark, prepared to run once on a CUDA device: training steps and large reductions,
ours against the native formulations, interleaved in one process, written as JSON.

    python benchmarks/gpu.py --json benchmarks/gpu.json        # on a machine with CUDA
    python benchmarks/gpu.py --quick                           # a smoke run at small sizes

Without CUDA it prints why and exits 0 (``--allow-cpu`` runs the same cases on the CPU, at
``--quick`` sizes, to check the script itself). Cases:
- training steps (forward + backward), torch eager and ``torch.compile``: cross-entropy,
  entropy and KL from logits at (256, 1000) and (4096, 32000), against ``F.cross_entropy``
  and the hand-written log-softmax formulations;
- ``entropy`` of 10^9 probabilities (forward) against ``torch.special.entr(p).sum()``;
- ``estimate.mutual_information_from_labels`` of 10^8 label pairs against a
  ``torch.bincount`` contingency table and its plug-in formula.
Timings use CUDA events around each call (a synchronize after each), medians of interleaved
rounds after a warm-up. Each pair's values are compared before timing.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import infotheory as it  # noqa: E402


def _timer(torch, device):
    if device.type == "cuda":
        def timed(fn):
            start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            start.record()
            fn()
            end.record()
            torch.cuda.synchronize()
            return start.elapsed_time(end) / 1e3
    else:
        import time

        def timed(fn):
            t = time.perf_counter()
            fn()
            return time.perf_counter() - t
    return timed


def interleaved(timed, cands, repeats, warmup=3):
    for _ in range(warmup):
        for fn in cands.values():
            timed(fn)
    times = {k: [] for k in cands}
    for _ in range(repeats):
        for k, fn in cands.items():
            times[k].append(timed(fn))
    return {k: statistics.median(v) for k, v in times.items()}


def training_cases(torch, device, quick, compiled):
    F = torch.nn.functional
    shapes = [(8, 50), (64, 320)] if quick else [(256, 1000), (4096, 32000)]
    native = {
        "cross_entropy": lambda z, w, y: F.cross_entropy(z, y),
        "entropy": lambda z, w, y: -(z.log_softmax(-1).exp() * z.log_softmax(-1)).sum(-1).mean(),
        "kl": lambda z, w, y: (z.log_softmax(-1).exp()
                               * (z.log_softmax(-1) - w.log_softmax(-1))).sum(-1).mean(),
    }
    ours = {
        "cross_entropy": lambda z, w, y: it.cross_entropy(z, y, from_logits=True),
        "entropy": lambda z, w, y: it.entropy(z, from_logits=True, base=math.e).mean(),
        "kl": lambda z, w, y: it.kl_divergence(z, w, from_logits=True, base=math.e).mean(),
    }
    for shape in shapes:
        g = torch.Generator(device=device).manual_seed(0)
        z = torch.randn(*shape, device=device, generator=g, requires_grad=True)
        w = torch.randn(*shape, device=device, generator=g, requires_grad=True)
        y = torch.randint(0, shape[-1], shape[:-1], device=device, generator=g)
        for name in native:
            fns = {"native": native[name], "infotheory": ours[name]}
            if compiled:
                fns = {k: torch.compile(f) for k, f in fns.items()}
            values = [float(f(z, w, y)) for f in fns.values()]

            def step(f):
                def run():
                    z.grad = w.grad = None
                    f(z, w, y).backward()
                return run
            mode = "compiled" if compiled else "eager"
            yield (f"{name} {shape} {mode} step", {k: step(f) for k, f in fns.items()},
                   abs(values[0] - values[1]) <= 1e-4 * max(1.0, abs(values[0])))


def reduction_cases(torch, device, quick):
    n = 10 ** 6 if quick else 10 ** 9
    g = torch.Generator(device=device).manual_seed(0)
    p = torch.rand(n, device=device, generator=g)
    p /= p.sum()
    fns = {"native entr": lambda: torch.special.entr(p).sum(),
           "infotheory": lambda: it.entropy(p, axis=None, base=math.e)}
    values = [float(f()) for f in fns.values()]
    yield f"entropy of {n:.0e} values", fns, abs(values[0] - values[1]) <= 1e-4 * values[0]
    del p
    m = 10 ** 6 if quick else 10 ** 8
    x = torch.randint(0, 10, (m,), device=device, generator=g)
    c = (x + torch.randint(0, 3, (m,), device=device, generator=g)) % 10

    def native_mi():
        t = torch.bincount(x * 10 + c, minlength=100).reshape(10, 10).double() / m
        px, py = t.sum(1, keepdim=True), t.sum(0, keepdim=True)
        nz = t > 0
        return (t[nz] * (t[nz] / (px * py)[nz]).log()).sum()
    fns = {"native bincount": native_mi,
           "infotheory": lambda: it.estimate.mutual_information_from_labels(x, c, base=math.e)}
    values = [float(f()) for f in fns.values()]
    yield f"MI from {m:.0e} labels", fns, abs(values[0] - values[1]) <= 1e-9


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--allow-cpu", action="store_true",
                    help="run on the CPU when there is no CUDA device (quick sizes)")
    ap.add_argument("--repeats", type=int, default=20)
    ap.add_argument("--json", metavar="PATH")
    args = ap.parse_args(argv)
    try:
        import torch
    except ImportError:
        print("gpu.py: torch is not installed; nothing to run")
        return 0
    if torch.cuda.is_available():
        device = torch.device("cuda")
        name = torch.cuda.get_device_name(0)
    elif args.allow_cpu:
        device, name, args.quick = torch.device("cpu"), "cpu (--allow-cpu)", True
    else:
        print("gpu.py: no CUDA device here (torch.cuda.is_available() is False); skipped. "
              "Run it on a machine with one, or with --allow-cpu to check the script.")
        return 0
    timed = _timer(torch, device)
    print(f"torch {torch.__version__} on {name}; {args.repeats} interleaved rounds")
    results = []
    groups = [training_cases(torch, device, args.quick, False),
              training_cases(torch, device, args.quick, True),
              reduction_cases(torch, device, args.quick)]
    for group in groups:
        for case, fns, same in group:
            times = interleaved(timed, fns, args.repeats)
            base = next(iter(fns))
            for label, t in times.items():
                print(f"{case:40s} {label:16s} {t * 1e3:10.3f} ms  x{t / times[base]:5.2f}")
            results.append({"case": case, "times_s": times, "baseline": base,
                            "same_value": bool(same)})
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"device": name, "torch": torch.__version__, "results": results}, f,
                      indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
