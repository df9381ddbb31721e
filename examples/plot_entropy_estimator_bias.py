"""
Entropy estimators: bias against the sample size
================================================

The plug-in entropy of counts is biased low when the samples are few against the number of
symbols. This example draws ``n`` samples from a Zipf-like distribution over ``K = 100``
symbols, estimates the entropy with each method of
:func:`infotheory.estimate.entropy_from_counts` (plug-in, Miller-Madow, Chao-Shen,
James-Stein), and plots the mean estimate over repetitions against the true entropy.

    python examples/plot_entropy_estimator_bias.py [--quick] [--plot PATH]
"""
import argparse

import matplotlib.pyplot as plt
import numpy as np

import infotheory as it
from infotheory import estimate as est

METHODS = ("plugin", "miller_madow", "chao_shen", "james_stein")


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="fewer sizes and repetitions (tests)")
    ap.add_argument("--plot", help="save the figure to this image file")
    args = ap.parse_args(argv)
    sizes = [20, 100, 1000] if args.quick else [10, 20, 50, 100, 200, 500, 1000, 3000, 10000]
    reps = 20 if args.quick else 200

    k = 100
    p = 1.0 / np.arange(1, k + 1)
    p /= p.sum()
    truth = float(it.entropy(p))
    rng = np.random.default_rng(0)
    means = {m: [] for m in METHODS}
    for n in sizes:
        # every repetition's counts in one (reps, K) batch: the estimators are batched
        counts = np.stack([np.bincount(rng.choice(k, n, p=p), minlength=k) for _ in range(reps)])
        for m in METHODS:
            means[m].append(float(np.mean(est.entropy_from_counts(counts, method=m))))
    print(f"true entropy {truth:.4f} bits over {k} symbols")
    for m in METHODS:
        print(f"{m:13s} " + "  ".join(f"n={n}: {v:.3f}" for n, v in zip(sizes, means[m])))

    fig, ax = plt.subplots(figsize=(6.4, 4))
    for m in METHODS:
        ax.plot(sizes, means[m], marker="o", label=m)
    ax.axhline(truth, color="k", linestyle="--", label="true entropy")
    ax.set(xscale="log", xlabel="samples n", ylabel="mean estimate (bits)",
           title=f"entropy of a Zipf distribution over {k} symbols ({reps} draws per n)")
    ax.legend()
    fig.tight_layout()
    if args.plot:
        fig.savefig(args.plot)
    return {"truth": truth, "sizes": sizes, **means}


if __name__ == "__main__":
    main()
