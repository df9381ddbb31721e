"""Benchmarks of the estimators beyond pairs against the peers a user would pick instead.

    python benchmarks/multivariate.py --quick          # small sizes, a smoke run
    python benchmarks/multivariate.py --json benchmarks/multivariate.json

Run it in ``.venv-numpy2`` to include hoi (it needs JAX). Each case times every candidate in one
process, interleaved, as ``benchmarks/estimators.py`` does, prints each one's value next to its
time, and flags a value that differs from ours beyond the case's tolerance. Nothing here is a
test.
"""
from __future__ import annotations

import itertools
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np  # noqa: E402

from benchmarks.estimators import cli  # noqa: E402
from infotheory import estimate as est  # noqa: E402

LN2 = float(np.log(2))


def _numpy_o_information_loop(data, triplets):
    """Copula-normalize, then each triplet's covariance and Cholesky factors in a loop (the
    bias-corrected entropies, as ours): the formulation without batching."""
    from scipy import special, stats
    n = len(data)
    cop = stats.norm.ppf(stats.rankdata(data, axis=0, method="ordinal") / (n + 1))

    def h(c):
        k = len(c)
        psi = special.psi((n - np.arange(1, k + 1)) / 2.0).sum() / 2.0
        return (np.log(np.diag(np.linalg.cholesky(c))).sum() + 0.5 * k * np.log(2 * np.pi * np.e)
                - k * (np.log(2) - np.log(n - 1)) / 2 - psi)
    out = []
    for t in triplets:
        c = np.cov(cop[:, t], rowvar=False)
        total = h(c)
        for i in range(3):
            rest = [j for j in range(3) if j != i]
            total += h(c[[i]][:, [i]]) - h(c[np.ix_(rest, rest)])
        out.append(total / LN2)
    return np.array(out)


def cases(quick: bool):
    import torch
    from pyitlib import discrete_random_variable as drv

    rng = np.random.default_rng(0)
    scale = 100 if quick else 1
    out = []

    n = 10**6 // scale
    x, y, z = (rng.integers(0, 10, n) for _ in range(3))
    y = (x + z + y % 3) % 10
    tx, ty, tz = (torch.as_tensor(a) for a in (x, y, z))
    out.append(("conditional_mutual_information_from_labels, 1e6 labels, 3 x 10 classes",
                "pyitlib", 1e-9, {
                    "pyitlib information_mutual_conditional":
                        lambda: float(drv.information_mutual_conditional(x, y, z)),
                    "ours numpy": lambda: float(
                        est.conditional_mutual_information_from_labels(x, y, z)),
                    "ours torch": lambda: float(
                        est.conditional_mutual_information_from_labels(tx, ty, tz)),
                }))
    try:
        import infomeasure as im
    except ImportError:
        im = None
    s = rng.integers(0, 4, n)
    t = np.r_[0, (s[:-1] + rng.integers(0, 2, n - 1)) % 4]
    ts, tt = torch.as_tensor(s), torch.as_tensor(t)
    te = {"ours numpy": lambda: float(est.transfer_entropy_from_labels(s, t)),
          "ours torch": lambda: float(est.transfer_entropy_from_labels(ts, tt))}
    if im is not None:
        te = {"infomeasure transfer_entropy": lambda: float(im.transfer_entropy(
            s, t, approach="discrete", base=2)), **te}
    out.append(("transfer_entropy_from_labels, 1e6 labels, 4 classes, k = l = lag = 1",
                "infomeasure" if im is not None else "ours numpy", 1e-9, te))

    import ennemi
    m = 10**4 // (10 if quick else 1)
    gz = rng.normal(size=m)
    gx = gz + rng.normal(size=m)
    gy = gz + 0.5 * gx + rng.normal(size=m)
    tgx, tgy, tgz = (torch.as_tensor(a) for a in (gx, gy, gz))
    out.append(("conditional_mutual_information_ksg, n=1e4, d=1+1+1, k=3", "ennemi", 1e-9, {
        "ennemi estimate_mi(cond=)": lambda: float(
            ennemi.estimate_mi(gy, gx, cond=gz, k=3)[0, 0]) / LN2,
        "ours numpy": lambda: float(est.conditional_mutual_information_ksg(gx, gy, gz)),
        "ours torch": lambda: float(est.conditional_mutual_information_ksg(tgx, tgy, tgz)),
    }))

    d = rng.normal(size=(10**4 // (10 if quick else 1), 20))
    d[:, 1] += d[:, 0]
    d[:, 2] += d[:, 0] * d[:, 1]
    triplets = np.array(list(itertools.combinations(range(20), 3)))
    td = torch.as_tensor(d)
    oinfo = {
        "numpy loop over triplets": lambda: float(_numpy_o_information_loop(d, triplets).sum()),
        "ours numpy": lambda: float(est.o_information_gaussian(
            est.gaussian_copula(d), multiplets=triplets).sum()),
        "ours torch": lambda: float(est.o_information_gaussian(
            est.gaussian_copula(td), multiplets=triplets).sum()),
    }
    try:
        from hoi.metrics import Oinfo
        oinfo["hoi Oinfo(method='gc')"] = lambda: float(np.asarray(Oinfo(d, verbose=False).fit(
            minsize=3, maxsize=3, method="gc")).sum())
    except ImportError:
        pass
    out.append(("o_information_gaussian, 1140 triplets of 20 variables x 1e4 samples "
                "(sum over the triplets)", "numpy loop", 1e-6, oinfo))

    p = 10**5 // scale
    a = rng.integers(0, 10, p)
    b = rng.integers(0, 10, p)

    def loop_pvalue():
        g = np.random.default_rng(1)
        value = float(est.mutual_information_from_labels(a, b))
        null = [float(est.mutual_information_from_labels(g.permutation(a), b))
                for _ in range(1000)]
        return (1 + sum(v >= value for v in null)) / 1001
    out.append(("permutation_test of mutual_information_from_labels, 1e5 labels, 1000 "
                "permutations (value: the p-value)", "loop", 1.0, {
                    "loop of 1000 shuffles": loop_pvalue,
                    "ours numpy": lambda: float(est.permutation_test(
                        est.mutual_information_from_labels, a, b, seed=0).pvalue),
                    "ours torch": lambda: float(est.permutation_test(
                        est.mutual_information_from_labels, torch.as_tensor(a),
                        torch.as_tensor(b), seed=0).pvalue),
                }))
    return out


def _tolerance(name, tol):
    # ennemi's float32 distances; hoi sums 1140 float32 values (about 1e-6 each)
    return 1e-4 if "ennemi" in name else 1e-2 if "hoi" in name else tol


def main(argv=None):
    cli(argv, __doc__, "multivariate estimators", cases, _tolerance, repeats=3)


if __name__ == "__main__":
    main()
