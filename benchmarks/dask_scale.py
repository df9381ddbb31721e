"""Mutual information from label columns at scale: Dask on a 2-worker LocalCluster against NumPy
in memory. Reports rows per second and each worker's peak memory, which must not grow with the
number of rows (the columns are generated lazily, per chunk, on the workers).

    python benchmarks/dask_scale.py                 # NumPy 1e7; Dask 1e7, 1e8 and 4e8 rows
    python benchmarks/dask_scale.py --quick         # small sizes, a smoke run (no claims)
    python benchmarks/dask_scale.py --json out.json
"""
from __future__ import annotations

import argparse
import json
import math
import os
import platform
import statistics
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples"))

import infotheory as it  # noqa: E402
from dask_mutual_information import CLASSES, NOISE, label_columns  # noqa: E402

EXACT = math.log2(CLASSES) - math.log2(NOISE)


def peak_rss_mib() -> float:
    """This process's peak resident memory (MiB), run on each worker."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def numpy_case(rows: int, repeats: int) -> dict:
    rng = np.random.default_rng(0)
    x = rng.integers(0, CLASSES, size=rows)
    y = (x + rng.integers(0, NOISE, size=rows)) % CLASSES
    times, value = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        value = float(it.estimate.mutual_information_from_labels(x, y))
        times.append(time.perf_counter() - start)
    t = statistics.median(times)
    return {"backend": "numpy (in memory)", "rows": rows, "seconds": t, "rows_per_s": rows / t,
            "value_bits": value, "peak_worker_mib": None}


def dask_case(rows: int, chunk: int, workers: int, repeats: int) -> dict:
    from dask.distributed import Client, LocalCluster

    with LocalCluster(n_workers=workers, threads_per_worker=1, dashboard_address=None) as cl, \
            Client(cl) as client:
        before = max(client.run(peak_rss_mib).values())
        x, y = label_columns(rows, chunk)
        mi = it.estimate.mutual_information_from_labels(x, y)
        times, value = [], None
        for _ in range(repeats):
            start = time.perf_counter()
            value = float(mi.compute())
            times.append(time.perf_counter() - start)
        peak = max(client.run(peak_rss_mib).values())
    t = statistics.median(times)
    return {"backend": f"dask ({workers} workers, chunks of {chunk:.0e})", "rows": rows,
            "seconds": t, "rows_per_s": rows / t, "value_bits": value,
            "peak_worker_mib": peak, "worker_mib_at_start": before}


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--json")
    args = ap.parse_args(argv)
    scale = 1000 if args.quick else 1
    chunk = 5 * 10**6 // scale
    results = [numpy_case(10**7 // scale, args.repeats)]
    for rows in (10**7 // scale, 10**8 // scale, 4 * 10**8 // scale):
        results.append(dask_case(rows, chunk, args.workers, args.repeats))
    print(f"I(X; Y) of two label columns, exact {EXACT:.4f} bits; medians of {args.repeats}"
          + (" (quick: small sizes, no claims)" if args.quick else ""))
    print(f"{'backend':36s} {'rows':>8s} {'seconds':>8s} {'rows/s':>9s} {'bits':>7s} "
          f"{'peak MiB/worker':>15s}")
    for r in results:
        peak = "-" if r["peak_worker_mib"] is None else f"{r['peak_worker_mib']:.0f}"
        print(f"{r['backend']:36s} {r['rows']:8.0e} {r['seconds']:8.3f} {r['rows_per_s']:9.3g} "
              f"{r['value_bits']:7.4f} {peak:>15s}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"machine": platform.platform(), "exact_bits": EXACT, "results": results},
                      f, indent=1)


if __name__ == "__main__":
    main()
