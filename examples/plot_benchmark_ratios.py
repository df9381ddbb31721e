"""
Benchmarks: our time against the native formulations and the peers
===================================================================

Bar charts of the stored benchmark results (``benchmarks/*.json``, written by ``make bench``
and ``benchmarks/multivariate.py``; this example reads them, it times nothing):

- training steps (forward + backward) of our losses against the framework's own loss
  (``train_step.json``): the ratio ours / native, 1 meaning the same time;
- the estimators against scikit-learn, pyitlib, ennemi, infomeasure and hoi
  (``estimators.json``, ``multivariate.json``): the ratio ours (NumPy) / the reference, below 1
  meaning faster.

    python examples/plot_benchmark_ratios.py [--quick] [--plot PATH]
"""
import argparse
import json
import os
import re

import matplotlib.pyplot as plt

HERE = os.path.dirname(os.path.abspath(__file__)) if "__file__" in globals() else os.getcwd()


def _benchmarks_dir() -> str:
    for base in (HERE, os.getcwd()):
        for up in (".", ".."):
            path = os.path.normpath(os.path.join(base, up, "benchmarks"))
            if os.path.isdir(path):
                return path
    raise FileNotFoundError("benchmarks/ not found next to the examples")


def load(name: str):
    with open(os.path.join(_benchmarks_dir(), name)) as f:
        return json.load(f)["results"]


def short(case: str) -> str:
    """The case's name without its parenthesized remarks, up to its third comma-separated part
    (enough to tell two sizes of one estimator apart)."""
    return ",".join(re.sub(r"\s*\(.*?\)", "", case).split(",")[:3])


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="(reads files only: the same)")
    ap.add_argument("--plot", help="save the figure to this image file")
    args = ap.parse_args(argv)

    steps = [(r["case"], r["ratio"]) for r in load("train_step.json")]
    peers = []
    for r in load("estimators.json") + load("multivariate.json"):
        ref = r["medians_s"][r["reference"]]
        if r["reference"] != "ours numpy":
            peers.append((f"{short(r['case'])} vs {r['reference'].split()[0]}",
                          r["medians_s"]["ours numpy"] / ref))
    for title, rows in (("training step, ours / native", steps),
                        ("estimators, ours (NumPy) / peer", peers)):
        print(title)
        for case, ratio in rows:
            print(f"  {ratio:8.3f}x  {case}")

    fig, axes = plt.subplots(1, 2, figsize=(13, 0.32 * max(len(steps), len(peers)) + 1.6))
    for ax, (title, rows, log) in zip(axes, (("training step: ours / native", steps, False),
                                             ("estimators: ours / peer (log)", peers, True))):
        names, ratios = zip(*rows)
        ax.barh(range(len(rows)), ratios, color=["tab:green" if v <= 1.05 else "tab:orange"
                                                 for v in ratios])
        ax.axvline(1.0, color="k", linewidth=0.8)
        ax.set_yticks(range(len(rows)), names, fontsize=7)
        ax.invert_yaxis()
        ax.set(title=title, xscale="log" if log else "linear", xlabel="time ratio")
    fig.tight_layout()
    if args.plot:
        fig.savefig(args.plot)
    return {"steps": steps, "peers": peers}


if __name__ == "__main__":
    main()
