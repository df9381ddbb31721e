"""Benchmarks: infotheory against native formulations, the book's code and built-in functions.

    make bench                                  # or: .venv/bin/python benchmarks/run.py
    python benchmarks/run.py --quick            # small sizes, a smoke run (no timing claims)
    python benchmarks/run.py --json out.json --backends numpy torch

For each backend and case, every candidate is timed in one process, interleaved (one call of
each per round), after a warm-up; the table reports medians and the ratio of ours to the fastest
native formulation that handles zeros correctly. Results depend on the machine: RESULTS.md
records the latest table and where it ran. Nothing here is part of the test suite.
"""
from __future__ import annotations

import argparse
import gc
import json
import math
import os
import platform
import statistics
import sys
import time
import tracemalloc

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np  # noqa: E402

import infotheory as it  # noqa: E402
from infotheory import testing as conformance  # noqa: E402

CASES = {
    "1 entropy 1e7": "entropy of 10,000,000 float32 with 1% exact zeros",
    "2 entropy 1e3": "entropy of 1,000 float32, per call (many calls in a loop)",
    "3 kl 1e7": "kl_divergence of two 10,000,000-element float32 distributions",
    "4 mi 2000x2000": "mutual_information of a 2,000 x 2,000 joint (marginals computed)",
    "5 ce 2048x4096": "cross_entropy from logits, 2,048 x 4,096 float32, integer labels",
}
SMALL_LOOP = 200  # calls per timing of case 2


def make_data(quick: bool, seed: int = 0) -> dict:
    rng = np.random.default_rng(seed)
    n = 100_000 if quick else 10_000_000
    side = 200 if quick else 2000
    rows, cols = (64, 128) if quick else (2048, 4096)

    def dist(size, zeros):
        p = rng.random(size, dtype=np.float32) + np.float32(1e-3)
        if zeros:
            p[rng.random(size) < 0.01] = 0
        return (p / p.sum(dtype=np.float64)).astype(np.float32)

    joint = dist(side * side, True).reshape(side, side)
    return {"p": dist(n, True), "q": dist(n, False), "small": dist(1000, True), "joint": joint,
            "logits": rng.normal(0, 3, (rows, cols)).astype(np.float32),
            "labels": rng.integers(0, cols, rows)}


# --- candidates per backend: case -> {label: (kind, fn)} -----------------------------------
# kind: "ours", "native" (correct at zeros; the best of them is the reference), "book",
# "builtin" (the framework's or SciPy's own function).
def numpy_candidates(d):
    from scipy import special, stats

    p, q, s, j = d["p"], d["q"], d["small"], d["joint"]
    z, y = d["logits"], d["labels"]
    ln2 = math.log(2)

    def ent_where(x):
        return -np.sum(x * np.log(np.where(x > 0, x, 1))) / ln2

    def ent_dot(x):
        return -np.dot(x, np.log(x, out=np.zeros_like(x), where=x > 0)) / ln2

    def book_entropy(x):
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.nansum(-x * np.log2(x))

    def kl_where(a, b):
        nz = a > 0
        return np.sum(a * np.log(np.where(nz, a, 1) / np.where(nz, b, 1))) / ln2

    def kl_dot(a, b):
        with np.errstate(divide="ignore"):
            return np.dot(a, np.log(a / b, out=np.zeros_like(a), where=a > 0)) / ln2

    def book_kl(a, b):
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.abs(np.nansum(a * np.log2(a / b)))

    def mi_where(pxy):
        pq = pxy.sum(1, keepdims=True) * pxy.sum(0, keepdims=True)
        nz = pxy > 0
        return np.sum(pxy * np.log(np.where(nz, pxy, 1) / np.where(nz, pq, 1))) / ln2

    def mi_dot(pxy):
        pq = pxy.sum(1, keepdims=True) * pxy.sum(0, keepdims=True)
        with np.errstate(divide="ignore"):
            r = np.log(pxy / pq, out=np.zeros_like(pxy), where=pxy > 0)
        return np.dot(pxy.ravel(), r.ravel()) / ln2

    def book_mi(pxy):
        px, py = pxy.sum(1, keepdims=True), pxy.sum(0, keepdims=True)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.nansum(pxy * np.log2(pxy / (px * py)))

    def ce_native(logits, labels):
        m = logits.max(-1, keepdims=True)
        lse = np.log(np.exp(logits - m).sum(-1)) + m[:, 0]
        return np.mean(lse - np.take_along_axis(logits, labels[:, None], -1)[:, 0])

    def book_ce(logits, labels):
        e = np.exp(logits - logits.max(-1, keepdims=True))
        y_hat = e / e.sum(-1, keepdims=True)
        return -np.mean(np.log(y_hat[np.arange(len(y_hat)), labels]))

    def small_loop(f):
        return lambda: [f(s) for _ in range(SMALL_LOOP)][-1]

    return {
        "1 entropy 1e7": {"infotheory": ("ours", lambda: it.entropy(p)),
                          "where+log": ("native", lambda: ent_where(p)),
                          "log(where=)+dot": ("native", lambda: ent_dot(p)),
                          "book nansum": ("book", lambda: book_entropy(p)),
                          "scipy.special.entr": ("builtin", lambda: special.entr(p).sum() / ln2),
                          "scipy.stats.entropy": ("builtin", lambda: stats.entropy(p, base=2))},
        "2 entropy 1e3": {"infotheory": ("ours", small_loop(it.entropy)),
                          "where+log": ("native", small_loop(ent_where)),
                          "log(where=)+dot": ("native", small_loop(ent_dot)),
                          "book nansum": ("book", small_loop(book_entropy)),
                          "scipy.stats.entropy": ("builtin", small_loop(
                              lambda x: stats.entropy(x, base=2)))},
        "3 kl 1e7": {"infotheory": ("ours", lambda: it.kl_divergence(p, q)),
                     "where+log": ("native", lambda: kl_where(p, q)),
                     "log(where=)+dot": ("native", lambda: kl_dot(p, q)),
                     "book nansum": ("book", lambda: book_kl(p, q)),
                     "scipy.special.rel_entr": ("builtin",
                                                lambda: special.rel_entr(p, q).sum() / ln2),
                     "scipy.stats.entropy(p, q)": ("builtin",
                                                   lambda: stats.entropy(p, q, base=2))},
        "4 mi 2000x2000": {"infotheory": ("ours", lambda: it.mutual_information(j)),
                           "where+log": ("native", lambda: mi_where(j)),
                           "log(where=)+dot": ("native", lambda: mi_dot(j)),
                           "book nansum": ("book", lambda: book_mi(j))},
        "5 ce 2048x4096": {"infotheory": ("ours", lambda: it.cross_entropy(z, y, from_logits=True)),
                           "logsumexp+take": ("native", lambda: ce_native(z, y)),
                           "book softmax+index": ("book", lambda: book_ce(z, y))},
    }


def torch_candidates(d):
    import torch
    F = torch.nn.functional

    p, q, s, j = (torch.from_numpy(d[k]) for k in ("p", "q", "small", "joint"))
    z, y = torch.from_numpy(d["logits"]), torch.from_numpy(d["labels"])
    ln2 = math.log(2)

    def book_nansum(x):
        return x[~torch.isnan(x)].sum()

    def small_loop(f):
        return lambda: [f(s) for _ in range(SMALL_LOOP)][-1]

    def mi_xlogy(pxy):
        pq = pxy.sum(1, keepdim=True) * pxy.sum(0, keepdim=True)
        return (torch.xlogy(pxy, pxy) - torch.xlogy(pxy, pq)).sum() / ln2

    def book_mi(pxy):
        px, py = pxy.sum(1, keepdim=True), pxy.sum(0, keepdim=True)
        return book_nansum(pxy * torch.log2(pxy / (px * py)))

    def ent_xlogy(x):
        return -torch.xlogy(x, x).sum() / ln2

    def ent_entr(x):
        return torch.special.entr(x).sum() / ln2

    def ent_where(x):
        return -(x * torch.log(torch.where(x > 0, x, 1))).sum() / ln2

    return {
        "1 entropy 1e7": {"infotheory": ("ours", lambda: it.entropy(p)),
                          "xlogy": ("native", lambda: ent_xlogy(p)),
                          "special.entr": ("native", lambda: ent_entr(p)),
                          "where+log": ("native", lambda: ent_where(p)),
                          "book nansum": ("book", lambda: book_nansum(-p * torch.log2(p))),
                          "Categorical.entropy": ("builtin", lambda: torch.distributions.Categorical(
                              probs=p, validate_args=False).entropy() / ln2)},
        "2 entropy 1e3": {"infotheory": ("ours", small_loop(it.entropy)),
                          "xlogy": ("native", small_loop(ent_xlogy)),
                          "special.entr": ("native", small_loop(ent_entr)),
                          "where+log": ("native", small_loop(ent_where)),
                          "book nansum": ("book", small_loop(
                              lambda x: book_nansum(-x * torch.log2(x))))},
        "3 kl 1e7": {"infotheory": ("ours", lambda: it.kl_divergence(p, q)),
                     "xlogy-xlogy": ("native",
                                     lambda: (torch.xlogy(p, p) - torch.xlogy(p, q)).sum() / ln2),
                     "where+log": ("native", lambda: (p * torch.log(
                         torch.where(p > 0, p, 1) / torch.where(p > 0, q, 1))).sum() / ln2),
                     "book nansum": ("book", lambda: book_nansum(p * torch.log2(p / q)).abs()),
                     "F.kl_div": ("builtin",
                                  lambda: F.kl_div(q.log(), p, reduction="sum") / ln2)},
        "4 mi 2000x2000": {"infotheory": ("ours", lambda: it.mutual_information(j)),
                           "xlogy-xlogy": ("native", lambda: mi_xlogy(j)),
                           "book nansum": ("book", lambda: book_mi(j))},
        "5 ce 2048x4096": {"infotheory": ("ours", lambda: it.cross_entropy(z, y, from_logits=True)),
                           "F.cross_entropy": ("native", lambda: F.cross_entropy(z, y)),
                           "log_softmax+gather": ("native", lambda: -z.log_softmax(-1).gather(
                               1, y[:, None]).mean()),
                           "book softmax+index": ("book", lambda: -torch.log(
                               z.softmax(-1)[range(len(y)), y]).mean())},
    }


def tensorflow_candidates(d):
    import tensorflow as tf

    p, q, s, j = (tf.constant(d[k]) for k in ("p", "q", "small", "joint"))
    z, y = tf.constant(d["logits"]), tf.constant(d["labels"])
    ln2 = math.log(2)

    def book_nansum(x):
        return tf.reduce_sum(tf.where(tf.math.is_nan(x), tf.zeros_like(x), x))

    def log2(x):
        return tf.math.log(x) / ln2

    def small_loop(f):
        return lambda: [f(s) for _ in range(SMALL_LOOP)][-1]

    def ent_xlogy(x):
        return -tf.reduce_sum(tf.math.xlogy(x, x)) / ln2

    def ent_where(x):
        return -tf.reduce_sum(x * tf.math.log(tf.where(x > 0, x, tf.ones_like(x)))) / ln2

    def mi_xlogy(pxy):
        pq = tf.reduce_sum(pxy, 1, keepdims=True) * tf.reduce_sum(pxy, 0, keepdims=True)
        return tf.reduce_sum(tf.math.xlogy(pxy, pxy) - tf.math.xlogy(pxy, pq)) / ln2

    def book_mi(pxy):
        pq = tf.reduce_sum(pxy, 1, keepdims=True) * tf.reduce_sum(pxy, 0, keepdims=True)
        return book_nansum(pxy * log2(pxy / pq))


    return {
        "1 entropy 1e7": {"infotheory": ("ours", lambda: it.entropy(p)),
                          "xlogy": ("native", lambda: ent_xlogy(p)),
                          "where+log": ("native", lambda: ent_where(p)),
                          "book nansum": ("book", lambda: book_nansum(-p * log2(p)))},
        "2 entropy 1e3": {"infotheory": ("ours", small_loop(it.entropy)),
                          "xlogy": ("native", small_loop(ent_xlogy)),
                          "where+log": ("native", small_loop(ent_where)),
                          "book nansum": ("book", small_loop(lambda x: book_nansum(-x * log2(x))))},
        "3 kl 1e7": {"infotheory": ("ours", lambda: it.kl_divergence(p, q)),
                     "xlogy-xlogy": ("native", lambda: tf.reduce_sum(
                         tf.math.xlogy(p, p) - tf.math.xlogy(p, q)) / ln2),
                     "book nansum": ("book", lambda: tf.abs(book_nansum(p * log2(p / q))))},
        # keras.losses.kl_divergence is not a candidate: it clips p and q to [1e-7, 1], so on
        # these inputs it computes another number (0.72228 vs 0.725964 bits in the quick run).
        "4 mi 2000x2000": {"infotheory": ("ours", lambda: it.mutual_information(j)),
                           "xlogy-xlogy": ("native", lambda: mi_xlogy(j)),
                           "book nansum": ("book", lambda: book_mi(j))},
        "5 ce 2048x4096": {"infotheory": ("ours", lambda: it.cross_entropy(z, y, from_logits=True)),
                           "sparse_softmax_ce": ("native", lambda: tf.reduce_mean(
                               tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=z))),
                           "book softmax+index": ("book", lambda: -tf.reduce_mean(tf.math.log(
                               tf.gather(tf.nn.softmax(z), y, batch_dims=1))))},
    }


def mxnet_candidates(d):
    mx = it.import_mxnet()
    mnp, npx = mx.np, mx.npx
    with mx.util.np_shape(True), mx.util.np_array(True):
        p, q, s, j = (mnp.array(d[k]) for k in ("p", "q", "small", "joint"))
        z, y = mnp.array(d["logits"]), mnp.array(d["labels"], dtype="int64")
    ln2 = math.log(2)

    def scoped(f):
        def g():
            with mx.util.np_shape(True), mx.util.np_array(True):
                return f()
        return g

    def small_loop(f):
        return lambda: [f(s) for _ in range(SMALL_LOOP)][-1]

    def ent_where(x):
        return -(x * mnp.log(mnp.where(x > 0, x, mnp.ones_like(x)))).sum() / ln2

    def book_nansum(x):
        return mnp.where(mnp.isnan(x), mnp.zeros_like(x), x).sum()

    def mi_where(pxy):
        pq = pxy.sum(1, keepdims=True) * pxy.sum(0, keepdims=True)
        nz = pxy > 0
        one = mnp.ones_like(pxy)
        return (pxy * mnp.log(mnp.where(nz, pxy, one) / mnp.where(nz, pq * one, one))).sum() / ln2

    def book_mi(pxy):
        pq = pxy.sum(1, keepdims=True) * pxy.sum(0, keepdims=True)
        return book_nansum(pxy * mnp.log2(pxy / pq))

    return {
        "1 entropy 1e7": {"infotheory": ("ours", lambda: it.entropy(p)),
                          "where+log": ("native", scoped(lambda: ent_where(p))),
                          "book nansum": ("book", scoped(lambda: book_nansum(-p * mnp.log2(p))))},
        "2 entropy 1e3": {"infotheory": ("ours", small_loop(it.entropy)),
                          "where+log": ("native", scoped(small_loop(ent_where))),
                          "book nansum": ("book", scoped(small_loop(
                              lambda x: book_nansum(-x * mnp.log2(x)))))},
        "3 kl 1e7": {"infotheory": ("ours", lambda: it.kl_divergence(p, q)),
                     "where+log": ("native", scoped(lambda: (p * mnp.log(
                         mnp.where(p > 0, p, mnp.ones_like(p)) /
                         mnp.where(p > 0, q, mnp.ones_like(p)))).sum() / ln2)),
                     "book nansum": ("book", scoped(lambda: mnp.abs(book_nansum(
                         p * mnp.log2(p / q)))))},
        "4 mi 2000x2000": {"infotheory": ("ours", lambda: it.mutual_information(j)),
                           "where+log": ("native", scoped(lambda: mi_where(j))),
                           "book nansum": ("book", scoped(lambda: book_mi(j)))},
        "5 ce 2048x4096": {"infotheory": ("ours", lambda: it.cross_entropy(z, y, from_logits=True)),
                           "log_softmax+pick": ("native", scoped(lambda: -npx.pick(
                               npx.log_softmax(z, axis=-1), y, axis=-1).mean())),
                           "nd.softmax_cross_entropy": ("builtin", lambda: mx.nd.softmax_cross_entropy(
                               z.as_nd_ndarray(), y.as_nd_ndarray().astype("float32")) / len(d["labels"])),
                           "book softmax+index": ("book", scoped(lambda: -mnp.log(npx.pick(
                               npx.softmax(z, axis=-1), y, axis=-1)).mean()))},
    }


CANDIDATES = {"numpy": numpy_candidates, "torch": torch_candidates,
              "tensorflow": tensorflow_candidates, "mxnet": mxnet_candidates}


def _sync(x):
    """Wait for the result (MXNet is asynchronous) with a tiny host read, the same for all."""
    if hasattr(x, "wait_to_read"):
        x.wait_to_read()
    elif hasattr(x, "numpy") and not isinstance(x, np.ndarray):
        x.numpy() if "tensorflow" in type(x).__module__ else None
    return x


def _value(x) -> float:
    return float(conformance.to_numpy(x).ravel()[0])


def agrees(value: float, ours: float) -> bool:
    """Same quantity as ours on the same inputs (float32 sums over up to 10^7 terms)."""
    if math.isinf(ours) or math.isinf(value):
        return value == ours
    return abs(value - ours) <= 1e-4 * max(1.0, abs(ours))


def time_case(cands: dict, repeats: int, warmup: int = 1) -> dict:
    """Medians of ``repeats`` interleaved rounds (one call of each candidate per round), after
    ``warmup`` rounds. ``cands``: label -> (kind, fn)."""
    for _ in range(warmup):
        for _, fn in cands.values():
            _sync(fn())
    times = {k: [] for k in cands}
    for _ in range(repeats):
        for k, (_, fn) in cands.items():
            t = time.perf_counter()
            _sync(fn())
            times[k].append(time.perf_counter() - t)
    return {k: statistics.median(v) for k, v in times.items()}


def _rss_kib(field: str) -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field):
                return int(line.split()[1])
    return 0


def extra_memory(backend: str, fn) -> float:
    """Bytes a call allocates beyond its inputs: tracemalloc for NumPy; the process' peak RSS
    (reset through /proc/self/clear_refs) for torch."""
    gc.collect()
    if backend == "numpy":
        tracemalloc.start()
        fn()
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return float(peak)
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")  # resets VmHWM (the peak) to the current RSS
    except OSError:
        return math.nan
    before = _rss_kib("VmRSS")
    fn()
    return float(_rss_kib("VmHWM") - before) * 1024


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small sizes, few repeats")
    ap.add_argument("--repeats", type=int, default=None)
    ap.add_argument("--backends", nargs="+", choices=list(CANDIDATES), default=None)
    ap.add_argument("--json", metavar="PATH")
    args = ap.parse_args(argv)
    repeats = args.repeats or (3 if args.quick else 15)
    installed = [b for b in conformance.installed_backends() if b in CANDIDATES]
    backends = args.backends or installed
    data = make_data(args.quick)
    results = []
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}; " + ", ".join(
              f"{k} {v}" for k, v in it.available_backends().items()))
    print(f"median of {repeats} interleaved runs after a warm-up; case 2 times {SMALL_LOOP} "
          f"calls\n")
    header = f"{'backend':11s} {'case':15s} {'candidate':26s} {'kind':8s} {'median':>11s} " \
             f"{'ours/this':>9s}"
    print(header)
    print("-" * len(header))
    for backend in backends:
        cands_by_case = CANDIDATES[backend](data)
        for case, cands in cands_by_case.items():
            values = {k: _value(fn()) for k, (_, fn) in cands.items()}
            # A candidate that computes another number is no equal: it is timed and shown, but
            # never the "best native" (the book's code is shown whatever it computes).
            differs = [k for k, v in values.items()
                       if cands[k][0] != "book" and not agrees(v, values["infotheory"])]
            med = time_case(cands, repeats)
            ours = med["infotheory"]
            natives = {k: v for k, v in med.items() if cands[k][0] == "native" and k not in differs}
            best = min(natives, key=natives.get)
            for k, t in med.items():
                kind = cands[k][0] + (" (best)" if k == best else "")
                note = f"  DIFFERENT VALUE {values[k]:.6g} (ours {values['infotheory']:.6g})" \
                    if k in differs else ""
                print(f"{backend:11s} {case:15s} {k:26s} {kind:8s} {t * 1e3:9.3f}ms "
                      f"{ours / t:9.2f}{note}")
            row = {"backend": backend, "case": case, "medians_s": med, "best_native": best,
                   "ratio_vs_best_native": ours / natives[best], "values": values,
                   "differs": differs, "kinds": {k: v[0] for k, v in cands.items()}}
            if backend in ("numpy", "torch") and case in ("1 entropy 1e7", "3 kl 1e7"):
                extra = extra_memory(backend, cands["infotheory"][1])
                row["extra_memory_bytes"] = extra
                row["input_bytes"] = int(data["p"].nbytes)
                print(f"{'':11s} {'':15s} extra memory of a call: {extra / 2**20:.1f} MiB "
                      f"({extra / data['p'].nbytes:.2f}x one input)")
            results.append(row)
        print()
    print("ratio of medians, ours / best native:")
    for r in results:
        print(f"  {r['backend']:11s} {r['case']:15s} {r['ratio_vs_best_native']:.2f}x "
              f"(best native: {r['best_native']})")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"repeats": repeats, "quick": args.quick, "results": results}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
