r"""
Dask: mutual information of 10^8 labels on a cluster
====================================================

Mutual information of two label columns of 10^8 rows on a dask.distributed cluster.

The columns are generated lazily, chunk by chunk, on the workers (never whole in memory): ``x``
uniform over 100 classes, ``y = (x + noise) mod 100`` with ``noise`` uniform over {0, 1, 2, 3},
so :math:`I(X;Y) = H(Y) - H(Y \mid X) = \log_2 100 - 2 = 4.6439` bits exactly.
``infotheory`` builds one lazy graph per estimator (each chunk's distinct pairs and their
counts, merged in a tree, then the estimator on the merged table); in a terminal, Dask's
progress bar shows the computation.

    python examples/dask_mutual_information.py            # 10^8 rows, 2 workers
    python examples/dask_mutual_information.py --quick    # 10^6 rows (the tests run this)
    python examples/dask_mutual_information.py --plot throughput.png

It then times the same rows in chunks of other sizes and plots the throughput.
"""
from __future__ import annotations

import argparse
import logging
import math
import sys
import time

import dask.array as da
import matplotlib.pyplot as plt
from dask.distributed import Client, LocalCluster, progress

import infotheory as it

CLASSES, NOISE = 100, 4


def label_columns(rows: int, chunk: int, seed: int = 0):
    """Two lazy int64 label columns of ``rows`` rows, in chunks of ``chunk``."""
    x = da.random.default_rng(seed).integers(0, CLASSES, size=rows, chunks=chunk)
    noise = da.random.default_rng(seed + 1).integers(0, NOISE, size=rows, chunks=chunk)
    return x, (x + noise) % CLASSES


def main(argv=None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10**8)
    parser.add_argument("--chunk", type=int, default=5 * 10**6)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="10^6 rows in chunks of 10^5")
    parser.add_argument("--plot", help="save the throughput plot to this image file")
    args = parser.parse_args(argv)
    rows, chunk = (10**6, 10**5) if args.quick else (args.rows, args.chunk)

    with LocalCluster(n_workers=args.workers, threads_per_worker=1, dashboard_address=None,
                      processes=True, silence_logs=logging.WARNING) as cluster, \
            Client(cluster) as client:
        x, y = label_columns(rows, chunk)
        mi = it.estimate.mutual_information_from_labels(x, y)  # lazy: nothing computed yet
        nmi = it.estimate.normalized_mutual_information(x, y)
        print(f"{rows:.0e} rows in {x.numblocks[0]} chunks on {args.workers} workers; "
              f"lazy results: {type(mi).__name__} {mi.shape} {mi.dtype}")
        start = time.perf_counter()
        futures = client.compute([mi, nmi])
        if sys.stdout.isatty():  # Dask's own progress bar, in a terminal (not in the docs)
            progress(futures)
        mi_value, nmi_value = (f.result() for f in futures)
        seconds = time.perf_counter() - start
        # throughput against the chunk size (the same rows): per-chunk counting amortizes
        # the scheduler's cost per task
        chunks = [c for c in (chunk // 10, chunk // 4, chunk, chunk * 4) if 0 < c <= rows]
        speeds = []
        for c in chunks:
            xs, ys = label_columns(rows, c)
            t = time.perf_counter()
            float(it.estimate.mutual_information_from_labels(xs, ys).compute())
            speeds.append(rows / (time.perf_counter() - t))
    exact = math.log2(CLASSES) - math.log2(NOISE)
    print(f"\nI(X; Y) = {float(mi_value):.4f} bits (exact {exact:.4f}), "
          f"NMI = {float(nmi_value):.4f}, {rows / seconds:.3g} rows/s")
    for c, v in zip(chunks, speeds):
        print(f"chunks of {c:.0e} rows: {v:.3g} rows/s")
    fig, ax = plt.subplots(figsize=(5, 3.5))
    ax.plot(chunks, speeds, marker="o")
    ax.set(xscale="log", xlabel="rows per chunk", ylabel="rows per second",
           title=f"MI of {rows:.0e} labels on {args.workers} workers")
    fig.tight_layout()
    if args.plot:
        fig.savefig(args.plot)


if __name__ == "__main__":
    main()
