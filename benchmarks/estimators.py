"""Benchmarks of infotheory.estimate against the libraries a user would pick instead.

    make bench                                   # runs this after run.py and train_step.py
    python benchmarks/estimators.py --quick      # small sizes, a smoke run (no timing claims)
    python benchmarks/estimators.py --json out.json

Each case times every candidate in one process, interleaved (one call of each per round), and
reports medians and the ratio of each to the reference (scikit-learn where it has the
estimator). Every candidate's value is printed next to its time, and a value that differs from
ours by more than the case's tolerance (1e-4 for the approximate ones: ennemi's digamma,
mutual_info_regression's added noise) is flagged DIFFERENT VALUE. Nothing here is a test.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np  # noqa: E402

from infotheory import estimate as est  # noqa: E402

LN2 = float(np.log(2))


def cases(quick: bool):
    import torch
    from pyitlib import discrete_random_variable as drv
    from sklearn import metrics
    from sklearn.feature_selection import mutual_info_regression
    from sklearn.feature_selection._mutual_info import _compute_mi_cc
    import ennemi

    rng = np.random.default_rng(0)
    scale = 100 if quick else 1
    out = []

    n = 10**7 // scale
    x = rng.integers(0, 100, n)
    y = (x + rng.integers(0, 10, n)) % 100
    tx, ty = torch.as_tensor(x), torch.as_tensor(y)
    out.append(("mutual_information_from_labels, 1e7 labels, 100 classes", "sklearn", 1e-9, {
        "sklearn mutual_info_score": lambda: metrics.mutual_info_score(x, y) / LN2,
        "ours numpy": lambda: float(est.mutual_information_from_labels(x, y)),
        "ours torch": lambda: float(est.mutual_information_from_labels(tx, ty)),
    }))
    out.append(("entropy_from_labels, 1e7 labels, 100 classes", "pyitlib", 1e-9, {
        "pyitlib drv.entropy": lambda: float(drv.entropy(x)),
        "ours numpy": lambda: float(est.entropy_from_labels(x)),
        "ours torch": lambda: float(est.entropy_from_labels(tx)),
    }))
    for classes in (100, 1000):
        m = 10**5 // (10 if quick else 1)
        a, b = rng.integers(0, classes, m), rng.integers(0, classes, m)
        ta, tb = torch.as_tensor(a), torch.as_tensor(b)
        out.append((f"adjusted_mutual_information, 1e5 labels, {classes} classes", "sklearn",
                    1e-9, {
                        "sklearn adjusted_mutual_info_score":
                            lambda a=a, b=b: metrics.adjusted_mutual_info_score(a, b),
                        "ours numpy": lambda a=a, b=b: float(est.adjusted_mutual_information(a, b)),
                        "ours torch": lambda ta=ta, tb=tb: float(
                            est.adjusted_mutual_information(ta, tb)),
                    }))
    k = 10**5 // scale
    u = rng.normal(size=k)
    v = 0.8 * u + 0.6 * rng.normal(size=k)
    tu, tv = torch.as_tensor(u), torch.as_tensor(v)
    out.append(("mutual_information_ksg, n=1e5, d=1+1, k=3", "sklearn", 1e-9, {
        # mutual_info_regression scales the data and adds 1e-10 noise first: close, not equal
        "sklearn mutual_info_regression": lambda: float(mutual_info_regression(
            u[:, None], v, n_neighbors=3, random_state=0)[0]) / LN2,
        "sklearn _compute_mi_cc (same estimator, no noise)": lambda: _compute_mi_cc(u, v, 3) / LN2,
        "ennemi estimate_mi": lambda: np.asarray(ennemi.estimate_mi(v, u, k=3)).item() / LN2,
        # raw units, as _compute_mi_cc (the default standardizes as mutual_info_regression)
        "ours numpy": lambda: float(est.mutual_information_ksg(u, v, standardize=False)),
        "ours torch": lambda: float(est.mutual_information_ksg(tu, tv, standardize=False)),
    }))
    out.append(("differential_entropy, n=1e5, d=1, k=3", "ennemi", 1e-5, {
        "ennemi estimate_entropy": lambda: float(ennemi.estimate_entropy(u, k=3)) / LN2,
        "ours numpy": lambda: float(est.differential_entropy(u)),
        "ours torch": lambda: float(est.differential_entropy(tu)),
    }))
    return out


def run_case(candidates, repeats):
    times = {name: [] for name in candidates}
    values = {name: f() for name, f in candidates.items()}  # warm-up, and the values
    for _ in range(repeats):
        for name, f in candidates.items():
            t = time.perf_counter()
            f()
            times[name].append(time.perf_counter() - t)
    return {name: statistics.median(ts) for name, ts in times.items()}, values


def report(cases_, repeats, tolerance):
    """Time each case's candidates (interleaved), print a table per case with each value,
    flagging one that differs from ours beyond ``tolerance(name, case_tol)`` (relative), and
    return the rows for the JSON file."""
    results = []
    for title, reference, tol, candidates in cases_:
        medians, values = run_case(candidates, repeats)
        ref_name = next(n for n in candidates if n.startswith(reference))
        ours = values["ours numpy"]
        print(f"\n{title}")
        print(f"| candidate | median s | ratio to {ref_name} | value | |")
        print("| --- | --- | --- | --- | --- |")
        differs = []
        for name in candidates:
            flag = ""
            if abs(values[name] - ours) > tolerance(name, tol) * max(1.0, abs(ours)):
                flag = "DIFFERENT VALUE"
                differs.append(name)
            print(f"| {name} | {medians[name]:.4f} | {medians[name] / medians[ref_name]:.2f}x "
                  f"| {values[name]:.10f} | {flag} |")
        results.append({"case": title, "medians_s": medians, "values": values,
                        "reference": ref_name, "differs": differs})
    return results


def _tolerance(name, tol):
    # ennemi (a digamma approximation good to ~1e-6) and mutual_info_regression (noise added
    # to the data) compute the same estimator approximately
    return 1e-4 if "ennemi" in name or "regression" in name else tol


def cli(argv, doc, title, cases_, tolerance, repeats=5, machine_extra=""):
    """The benchmarks' command line: --quick, --repeats, --json PATH; prints the tables."""
    ap = argparse.ArgumentParser(description=doc.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--repeats", type=int, default=repeats)
    ap.add_argument("--json")
    args = ap.parse_args(argv)
    print(f"# {title}: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs"
          f"{machine_extra}" + (" (quick: small sizes, no timing claims)" if args.quick else ""))
    results = report(cases_(args.quick), args.repeats, tolerance)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"machine": platform.platform(), "results": results}, f, indent=1)


def main(argv=None):
    import torch

    cli(argv, __doc__, "estimators", cases, _tolerance,
        machine_extra=f", torch threads {torch.get_num_threads()}")


if __name__ == "__main__":
    main()
