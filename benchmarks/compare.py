"""What a change costs: the standard benchmark cases timed on a base revision and on the working
tree, in alternating processes, with the ratio new/old per case and its spread over rounds.

    python benchmarks/compare.py --base HEAD~3            # every group, full sizes
    python benchmarks/compare.py --base ec3846b --quick   # small sizes, about 2 minutes
    python benchmarks/compare.py --base main --cases step small --rounds 7
    python benchmarks/compare.py --base REV --cases "kl from logits" --json out.json

REV is checked out into a temporary ``git worktree`` (removed afterwards). Each round starts one
process per tree (the order alternates between rounds), and each process imports ``infotheory``
from its tree, by path, and times every selected case: the cases themselves come from this
file and the working tree's benchmark scripts, so both trees run the same code around the
call. The groups:

- ``step``: the training steps of ``train_step.py`` (forward + backward; ours and the native
  formulation, interleaved in the process: the table shows ours/native for each tree too);
- ``forward``: the forward cases of ``run.py`` on every installed backend (``--quick``: its
  small sizes);
- ``small``: per-call cost of small inputs on every installed backend (a 4-vector entropy, KL,
  a (32, 10) cross-entropy, a 4 x 4 mutual information);
- ``estimate``: the estimators of ``estimators.py`` and ``multivariate.py`` (ours only).

``--cases`` keeps the cases whose name contains any of the given strings (a group name keeps
the group). A case the base cannot run (a function it does not have) shows ``n/a``.

Each process times a case as the minimum over samples (noise only adds time) and the table
shows the median over rounds. A process can be 20% slower than the next one on the same code
(MXNet and TensorFlow thread pools, memory layout), so the verdict compares the rounds' ranges:
a case is SLOWER when the fastest round of the working tree is slower than the slowest round of
the base by more than ``--threshold`` (default 1.05), a difference beyond the noise the rounds
measured; "faster" is the mirror image.
The exit status is 1 when a case is slower, 0 otherwise. Timings depend on the machine and its
load; nothing here is a test. A change to the call path, a kernel or an estimator's inner loop
puts this table in its closing note (benchmarks/README.md).
"""
from __future__ import annotations

import argparse
import gc
import importlib.util
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
GROUPS = ("step", "forward", "small", "estimate")


# --- in a worker: load a tree's infotheory, build the cases, time them ---------------------
def load_infotheory(tree: str):
    """Import ``infotheory`` from ``tree`` by path (not through sys.path, which also leads to
    this tree's benchmark scripts), so both trees' processes run the same case code."""
    init = os.path.join(tree, "infotheory", "__init__.py")
    spec = importlib.util.spec_from_file_location(
        "infotheory", init, submodule_search_locations=[os.path.dirname(init)])
    module = importlib.util.module_from_spec(spec)
    sys.modules["infotheory"] = module
    spec.loader.exec_module(module)
    return module


def _small_inputs(backend: str):
    """(entropy input, KL pair, CE logits and labels, joint) as ``backend``'s tensors."""
    import numpy as np
    rng = np.random.default_rng(0)
    p = np.array([0.1, 0.2, 0.3, 0.4], np.float32)
    q = np.array([0.25, 0.25, 0.25, 0.25], np.float32)
    z = rng.normal(size=(32, 10)).astype(np.float32)
    y = rng.integers(0, 10, 32)
    j = (rng.random((4, 4)) + 0.1).astype(np.float32)
    j /= j.sum()
    if backend == "numpy":
        conv = lambda a: a  # noqa: E731
    elif backend == "torch":
        import torch
        conv = torch.from_numpy
    elif backend == "tensorflow":
        import tensorflow as tf
        conv = tf.constant
    elif backend == "mxnet":
        import infotheory as it
        mx = it.import_mxnet() if hasattr(it, "import_mxnet") else __import__("mxnet")
        conv = lambda a: mx.np.array(a, dtype=a.dtype)  # noqa: E731
    elif backend == "jax":
        import jax.numpy as jnp
        conv = jnp.asarray
    else:
        raise KeyError(backend)
    return conv(p), (conv(p), conv(q)), (conv(z), conv(y)), conv(j)


def _installed(names):
    out = []
    for name in names:
        if name == "numpy" or importlib.util.find_spec(name) is not None:
            out.append(name)
    if "jax" in out:  # JAX is tested in the NumPy 2 environment; MXNet in the NumPy 1 one
        import numpy as np
        if int(np.__version__.split(".")[0]) < 2:
            out.remove("jax")
    return out


def build_cases(groups, quick):
    """name -> {"ours": fn, optionally "native": fn}; a builder that fails (the base lacks
    something) gives name -> error string."""
    import infotheory as it
    sys.path.insert(0, HERE)
    cases: dict = {}

    def guard(prefix, build):
        try:
            build()
        except Exception as e:  # noqa: BLE001 (reported, not raised: the other cases go on)
            cases[prefix] = f"{type(e).__name__}: {e}"

    if "step" in groups:
        import train_step
        backends = _installed(["torch", "tensorflow", "mxnet"])
        for fw in backends:
            def build(fw=fw):
                for name, native, ours, _target, _values in train_step.FRAMEWORKS[fw](quick):
                    cases[f"step  {name}"] = {"ours": ours, "native": native}
            guard(f"step  {fw}", build)
    if "forward" in groups:
        import run
        data = run.make_data(quick)
        for b in _installed(list(run.CANDIDATES)):
            def build(b=b):
                for case, cands in run.CANDIDATES[b](data).items():
                    if case.startswith("2 "):  # a loop of small calls: the small group's job
                        continue
                    cases[f"fwd   {b} {case}"] = {"ours": cands["infotheory"][1]}
            guard(f"fwd   {b}", build)
    if "small" in groups:
        for b in _installed(["numpy", "torch", "tensorflow", "mxnet", "jax"]):
            def build(b=b):
                p, (pp, qq), (z, y), j = _small_inputs(b)
                cases[f"small {b} entropy (4,)"] = {"ours": lambda: it.entropy(p)}
                cases[f"small {b} kl_divergence (4,)"] = {"ours": lambda: it.kl_divergence(pp, qq)}
                cases[f"small {b} cross_entropy logits (32, 10)"] = {
                    "ours": lambda: it.cross_entropy(z, y, from_logits=True)}
                cases[f"small {b} mutual_information (4, 4)"] = {
                    "ours": lambda: it.mutual_information(j)}
            guard(f"small {b}", build)
    if "estimate" in groups:
        for script in ("estimators", "multivariate"):
            def build(script=script):
                module = __import__(script)
                for title, _ref, _tol, cands in module.cases(quick):
                    short = ", ".join(title.split(" (")[0].split(", ")[:3])
                    for label, fn in cands.items():
                        if label.startswith("ours"):
                            cases[f"est   {short} [{label[5:]}]"] = {"ours": fn}
            guard(f"est   {script}", build)
    return cases


def _sync(x):
    """Wait for an asynchronous result (MXNet, JAX) so that the time is the computation's."""
    for name in ("wait_to_read", "block_until_ready"):
        if hasattr(x, name):
            getattr(x, name)()
            break
    return x


class TooSlow(Exception):
    """A call slower than ``--quick`` allows (timed in the full mode only)."""


def time_fns(fns: dict, samples: int, target_s: float, max_call_s: float = math.inf) -> dict:
    """Seconds per call of each function: the minimum over ``samples`` samples (noise only adds
    time), the functions interleaved sample by sample, garbage collection off while timing (as
    timeit). A sample repeats a call enough times to last about ``target_s``; a call that alone
    takes longer than 20 samples' worth is sampled 3 times, one longer than ``max_call_s`` not
    at all (:class:`TooSlow`)."""
    loops = {}
    for k, f in fns.items():  # warm-up, and how many calls make one sample
        t = time.perf_counter()
        _sync(f())
        first = time.perf_counter() - t
        if first > max_call_s:
            raise TooSlow(f"{first:.2f} s a call")
        if first < 20 * target_s:  # a second call: the first may have compiled or cached
            t = time.perf_counter()
            _sync(f())
            first = time.perf_counter() - t
        loops[k] = max(1, min(10_000, int(target_s / max(first, 1e-7))))
        if first > 20 * target_s:
            samples = min(samples, 3)
    times: dict = {k: [] for k in fns}
    enabled = gc.isenabled()
    gc.disable()
    try:
        for _ in range(samples):
            for k, f in fns.items():
                n = loops[k]
                t = time.perf_counter()
                for _ in range(n):
                    r = f()
                _sync(r)
                times[k].append((time.perf_counter() - t) / n)
    finally:
        if enabled:
            gc.enable()
    return {k: min(v) for k, v in times.items()}


def worker(tree: str, groups, filters, quick: bool, out: str) -> int:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    it = load_infotheory(tree)
    where = os.path.dirname(os.path.abspath(it.__file__))
    assert where == os.path.join(os.path.abspath(tree), "infotheory"), where
    cases = build_cases(groups, quick)
    results = {}
    samples, target = (7, 0.002) if quick else (15, 0.01)
    for name, fns in cases.items():
        if filters and not any(f in name for f in filters):
            continue
        if isinstance(fns, str):
            results[name] = {"error": fns}
            continue
        try:
            results[name] = time_fns(fns, samples, target, 0.3 if quick else math.inf)
        except TooSlow as e:
            results[name] = {"skipped": f"skipped in --quick ({e})"}
        except Exception as e:  # noqa: BLE001
            results[name] = {"error": f"{type(e).__name__}: {e}"}
    with open(out, "w") as f:
        json.dump(results, f)
    return 0


# --- the driver ----------------------------------------------------------------------------
def _git(*args, cwd=ROOT) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                          text=True).stdout.strip()


def quartiles(values):
    v = sorted(values)
    if len(v) == 1:
        return v[0], v[0], v[0]
    q = statistics.quantiles(v, n=4, method="inclusive")
    return q[0], q[1], q[2]


def compare(old: dict, new: dict, threshold: float) -> list:
    """Rows per case: medians over rounds of old and new, the ratios' quartiles, verdict."""
    rows = []
    for name in new[0]:
        olds = [r.get(name, {}) for r in old]
        news = [r.get(name, {}) for r in new]
        row = {"case": name}
        skipped = next((r["skipped"] for r in news + olds if "skipped" in r), None)
        if skipped:
            row.update(verdict=skipped)
            rows.append(row)
            continue
        if any("error" in r for r in news) or any("error" in r for r in olds) or \
                any("ours" not in r for r in olds + news):
            bad = next((r["error"] for r in news + olds if "error" in r), "missing")
            side = "new" if any("error" in r for r in news) else "old"
            row.update(verdict=f"n/a ({side}: {bad[:60]})")
            rows.append(row)
            continue
        ratios = [n["ours"] / o["ours"] for n, o in zip(news, olds)]
        lo, mid, hi = quartiles(ratios)
        row.update(old_s=statistics.median(r["ours"] for r in olds),
                   new_s=statistics.median(r["ours"] for r in news),
                   ratio=mid, ratio_lo=lo, ratio_hi=hi, ratios=ratios)
        if "native" in news[0]:
            row["old_vs_native"] = statistics.median(r["ours"] / r["native"] for r in olds)
            row["new_vs_native"] = statistics.median(r["ours"] / r["native"] for r in news)
        o, n = [r["ours"] for r in olds], [r["ours"] for r in news]
        row["verdict"] = ("SLOWER" if min(n) > threshold * max(o) else
                          "faster" if max(n) * threshold < min(o) else "same")
        rows.append(row)
    return rows


def _t(s: float) -> str:
    return f"{s * 1e6:9.1f} us" if s < 1e-3 else f"{s * 1e3:9.2f} ms"


def print_table(rows, base: str, rounds: int, threshold: float) -> None:
    width = max(len(r["case"]) for r in rows)
    print(f"\nnew = working tree, old = {base}; medians over {rounds} rounds of alternating "
          f"processes; ratio new/old: median [quartiles of the rounds]; SLOWER when the fastest new "
          f"round is slower than the slowest old one by more than "
          f"{threshold}")
    print(f"{'case':{width}s}  {'old':>12s}  {'new':>12s}  {'new/old':>7s}  "
          f"{'spread':>13s}  verdict")
    for r in rows:
        if "ratio" not in r:
            print(f"{r['case']:{width}s}  {r['verdict']}")
            continue
        native = (f"   (vs native {r['old_vs_native']:.2f}x -> {r['new_vs_native']:.2f}x)"
                  if "new_vs_native" in r else "")
        print(f"{r['case']:{width}s}  {_t(r['old_s'])}  {_t(r['new_s'])}  {r['ratio']:6.2f}x  "
              f"[{r['ratio_lo']:.2f}, {r['ratio_hi']:.2f}]  {r['verdict']}{native}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--base", help="the revision to compare with (a commit, branch, HEAD~1)")
    ap.add_argument("--quick", action="store_true", help="small sizes, 3 rounds (~2 minutes)")
    ap.add_argument("--cases", nargs="+", default=[],
                    help="keep cases whose name contains one of these (or a group: "
                         + ", ".join(GROUPS) + ")")
    ap.add_argument("--rounds", type=int, default=None, help="processes per tree (default 3 "
                    "with --quick, else 5)")
    ap.add_argument("--threshold", type=float, default=1.05)
    ap.add_argument("--json", metavar="PATH", help="also write the rows to this file")
    ap.add_argument("--worker", metavar="TREE", help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    ap.add_argument("--groups", nargs="+", default=list(GROUPS), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    groups = [g for g in GROUPS if g in args.cases] or list(GROUPS)
    filters = [c for c in args.cases if c not in GROUPS]
    if args.worker:
        return worker(args.worker, args.groups, filters, args.quick, args.out)
    if not args.base:
        ap.error("--base REV is required")
    rounds = args.rounds or (4 if args.quick else 6)
    try:
        rev = _git("rev-parse", "--verify", "--quiet", f"{args.base}^{{commit}}")
    except subprocess.CalledProcessError:
        ap.error(f"--base {args.base}: not a commit of this repository")
    tmp = tempfile.mkdtemp(prefix="infotheory-compare-")
    base_tree = os.path.join(tmp, "base")
    _git("worktree", "add", "--detach", base_tree, rev)
    start = time.perf_counter()
    try:
        old, new = [], []
        for i in range(rounds):
            order = [("old", base_tree), ("new", ROOT)]
            for side, tree in (order if i % 2 == 0 else order[::-1]):
                out = os.path.join(tmp, f"{side}{i}.json")
                cmd = [sys.executable, os.path.abspath(__file__), "--worker", tree, "--out", out,
                       "--groups", *groups, *(["--quick"] if args.quick else [])]
                if filters:
                    cmd += ["--cases", *filters]
                proc = subprocess.run(cmd, cwd=tmp, capture_output=True, text=True)
                if proc.returncode != 0:
                    print(proc.stdout[-3000:] + proc.stderr[-3000:], file=sys.stderr)
                    print(f"compare: the {side} tree's worker failed (exit {proc.returncode})",
                          file=sys.stderr)
                    return 2
                with open(out) as f:
                    (old if side == "old" else new).append(json.load(f))
            print(f"round {i + 1}/{rounds} done ({time.perf_counter() - start:.0f} s)",
                  file=sys.stderr)
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", base_tree], cwd=ROOT,
                       capture_output=True)
        shutil.rmtree(tmp, ignore_errors=True)
    if not new[0]:
        print("compare: no case matches --cases " + " ".join(args.cases), file=sys.stderr)
        return 2
    rows = compare(old, new, args.threshold)
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}; base {args.base} = {rev[:10]}")
    print_table(rows, args.base, rounds, args.threshold)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"base": args.base, "rev": rev, "rounds": rounds, "quick": args.quick,
                       "threshold": args.threshold, "rows": rows}, f, indent=1)
    slower = [r["case"] for r in rows if r["verdict"] == "SLOWER"]
    if slower:
        print(f"\n{len(slower)} case(s) slower than {args.threshold}x beyond the noise: "
              + "; ".join(slower))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
