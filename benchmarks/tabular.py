"""Tabular mutual information: ``infotheory.sklearn.mutual_info_classif`` /
``mutual_info_regression`` against scikit-learn's (default ``n_jobs``), the same data and
``random_state``, alternating calls in one process; the scores are checked equal first.

    python benchmarks/tabular.py            # (10^5 rows, 100 features), two cases
    python benchmarks/tabular.py --quick    # (10^4 rows, 10 features): a smoke run

Cases: 100 continuous features against a class target (3 classes), and 100 mixed features
(80 continuous, 20 discrete) against a continuous target. Nothing here is part of the test
suite; timings depend on the machine (benchmarks/RESULTS.md records where they ran).
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np  # noqa: E402
from sklearn import feature_selection as fs  # noqa: E402

from infotheory import sklearn as isk  # noqa: E402


def cases(n: int, f: int):
    rng = np.random.default_rng(0)
    y = rng.integers(0, 3, n)
    X = rng.normal(size=(n, f)) + y[:, None] * rng.random(f) * 0.5
    yield (f"{f} continuous features, class target", X, y, {},
           isk.mutual_info_classif, fs.mutual_info_classif)
    d = f // 5
    Xm = np.column_stack([rng.normal(size=(n, f - d)), rng.integers(0, 5, (n, d))])
    yr = Xm[:, 0] + Xm[:, f - d] + rng.normal(size=n)
    yield (f"{f} mixed features ({f - d} continuous, {d} discrete), continuous target", Xm, yr,
           {"discrete_features": list(range(f - d, f))},
           isk.mutual_info_regression, fs.mutual_info_regression)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--rounds", type=int, default=None)
    args = ap.parse_args(argv)
    n, f = (10_000, 10) if args.quick else (100_000, 100)
    rounds = args.rounds or (1 if not args.quick else 3)
    print(f"n = {n} rows; medians of {rounds} alternating call(s) each")
    for name, X, y, kw, ours, theirs in cases(n, f):
        got, want = ours(X, y, random_state=0, **kw), theirs(X, y, random_state=0, **kw)
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)
        times = {"ours": [], "scikit-learn": []}
        for _ in range(rounds):
            for label, fn in (("ours", ours), ("scikit-learn", theirs)):
                t0 = time.perf_counter()
                fn(X, y, random_state=0, **kw)
                times[label].append(time.perf_counter() - t0)
        a, b = statistics.median(times["ours"]), statistics.median(times["scikit-learn"])
        print(f"{name}: ours {a:.2f} s, scikit-learn {b:.2f} s, {b / a:.1f}x faster "
              f"(equal scores)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
