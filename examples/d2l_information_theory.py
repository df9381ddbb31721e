r"""
Dive into Deep Learning, section 22.11, on every framework
==========================================================

Section 22.11 of *Dive into Deep Learning* ("Information Theory"), with infotheory, on every
installed framework: each value printed next to the book's.

    python examples/d2l_information_theory.py [--quick] [--plot PATH]

It ends with two curves: the binary entropy
:math:`H(p) = -p \log_2 p - (1 - p) \log_2 (1 - p)` (the book's entropy of a coin), and
:math:`D(\mathcal{N}(0, 1) \,\|\, \mathcal{N}(\mu, 1)) = \mu^2 / (2 \ln 2)` bits against
:math:`\mu`, the closed form next to the k-nearest-neighbour estimate from samples.
"""
import argparse
import math
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import infotheory as it  # noqa: E402
from infotheory import testing as conformance  # noqa: E402
from infotheory.estimate import kl_divergence_knn  # noqa: E402

FRAMEWORKS = [b for b in conformance.installed_backends() if b != "mxnet.nd"]


def show(title: str, book, compute, note: str = "", dtype: str = "float32", post=None) -> None:
    """Print the book's value and ours on each framework. ``compute(t)`` gets a converter ``t``
    that turns NumPy data into that framework's tensors; ``post`` maps the result (as NumPy)."""
    print(f"\n{title}")
    if note:
        print(f"  ({note})")
    print(f"  {'book':12s} {book}")
    for fw in FRAMEWORKS:
        value = compute(lambda a, fw=fw: conformance.to_native(fw, a, dtype))
        v = conformance.to_numpy(value)
        v = np.round(post(v) if post else v, 7)
        print(f"  {fw:12s} {v if v.ndim else float(v)}")


def cards() -> None:
    print("\n== 22.11.1 Information: the deck of cards ==")
    for what, p, book in (("a card we already know", 1.0, "0 bits"),
                          ("its suit (1 of 4)", 1 / 4, "2 bits"),
                          ("one card of 52", 1 / 52, "log2(52) ~ 5.7 bits"),
                          ("an ordering of the deck (1 of 52!)", 1 / math.factorial(52),
                           "log2(52!) ~ 225.6 bits")):
        # Python floats are float64 here: 1/52! = 1.2e-68 would underflow to 0 in float32.
        print(f"  {what:38s} book {book:24s} infotheory {float(it.self_information(p)):.4f} bits")


def measures(quick: bool) -> None:
    print("\n== 22.11.1-22.11.3 The measures ==")
    p_xy = np.array([[0.1, 0.5], [0.1, 0.3]])
    show("self_information(1/64)", 6.0, lambda t: it.self_information(t(1 / 64)))
    show("entropy([0.1, 0.5, 0.1, 0.3])", 1.6855,
         lambda t: it.entropy(t([0.1, 0.5, 0.1, 0.3])))
    show("joint_entropy([[0.1, 0.5], [0.1, 0.3]])", 1.6855, lambda t: it.joint_entropy(t(p_xy)))
    print("\n  The book's joint-measure calls broadcast a 1-D p_x along the LAST axis of p_xy; here")
    print("  a 1-D p_x runs along the x axis, so the book's calls are written with p_x of shape")
    print("  (1, 2). Neither is a real marginal: the conditional-entropy 'joint' sums to 1.1, and")
    print("  p_xy's marginals are p_x = [0.6, 0.4], p_y = [0.2, 0.8].")
    show("conditional_entropy([[0.1, 0.5], [0.2, 0.3]], [[0.2, 0.8]])", 0.8635,
         lambda t: it.conditional_entropy(t([[0.1, 0.5], [0.2, 0.3]]), t([[0.2, 0.8]])),
         note="the book's call, broadcasting written out")
    show("mutual_information(p_xy, [[0.2, 0.8]], [[0.75, 0.25]])", 0.7195,
         lambda t: it.mutual_information(t(p_xy), t([[0.2, 0.8]]), t([[0.75, 0.25]])),
         note="the book's call, broadcasting written out")
    show("mutual_information(p_xy)", 0.0074, lambda t: it.mutual_information(t(p_xy)),
         note="the mutual information of p_xy itself, with its own marginals")
    print("\n  The book's TensorFlow cells printed vectors, not scalars: their nansum reduced only")
    print("  the last axis, giving per-row partial sums. The joint-entropy rows are:")
    show("joint_entropy(p_xy, axis=-1)", [0.8321928, 0.8532826],
         lambda t: it.joint_entropy(t(p_xy), axis=-1))
    show("row sums of p_xy * pointwise_mutual_information(...)", [0.60246783, 0.1169925],
         lambda t: it.pointwise_mutual_information(t(p_xy), t([[0.2, 0.8]]), t([[0.75, 0.25]])),
         post=lambda pmi: (p_xy * pmi).sum(-1),
         note="they add up to the scalar mutual information, 0.7195")
    preds = np.array([[0.3, 0.6, 0.1], [0.2, 0.3, 0.5]])
    labels = np.array([0, 2])
    print("\n== 22.11.5 Cross-entropy ==")
    show("cross_entropy(preds, [0, 2])", 0.9486, lambda t: it.cross_entropy(t(preds), t(labels)))
    show("nll_loss(log(preds), [0, 2])", 0.9486,
         lambda t: it.nll_loss(t(np.log(preds)), t(labels)))


def kl_of_samples(quick: bool) -> None:
    print("\n== 22.11.4 KL divergence: the book's sorted normal samples ==")
    n = 10_000
    rng = np.random.default_rng(1)
    p = np.sort(rng.normal(0, 1, n))
    q1 = np.sort(rng.normal(-1, 1, n))
    q2 = np.sort(rng.normal(1, 1, n))

    def book_kl(a, b):  # the book's arithmetic: abs(nansum(a * log2(a / b)))
        with np.errstate(invalid="ignore", divide="ignore"):
            return abs(np.nansum(a * np.log2(a / b)))

    print(f"  book's arithmetic on 10,000 sorted samples: {book_kl(p, q1):.1f} and "
          f"{book_kl(p, q2):.1f} (the book printed 8470.6 and 8665.0 with its own seed)")
    print("  This is not a KL divergence of the sampled distributions: it treats raw sample")
    print("  values (negative ones included, summing to ~0, not 1) as probabilities, pairs them")
    print("  by rank, drops the NaN terms of negative ratios with nansum and takes abs() of the")
    print("  rest, so it grows with the number of samples instead of converging.")

    # What it meant to show: KL(N(0,1) || N(1,1)) = (mu_p - mu_q)^2 / (2 sigma^2) = 0.5 nats.
    closed = 0.5 / math.log(2)
    m = 100_000 if quick else 2_000_000
    xs = rng.normal(0, 1, m)
    ys = rng.normal(1, 1, m)
    mc = np.mean((1 - 2 * xs) / 2) / math.log(2)  # E_p[log p(x) - log q(x)], x ~ N(0,1)
    edges = np.linspace(-2.5, 3.5, 41)
    hp = np.bincount(np.clip(np.digitize(xs, edges), 1, 40) - 1, minlength=40) / m
    hq = np.bincount(np.clip(np.digitize(ys, edges), 1, 40) - 1, minlength=40) / m
    binned = float(it.kl_divergence(hp, hq))
    print(f"  closed form KL(N(0,1) || N(1,1)) = 0.5 nats = {closed:.4f} bits")
    print(f"  Monte Carlo E_p[log p/q] over {m:,} samples: {mc:.4f} bits")
    print(f"  it.kl_divergence of 40-bin histograms of the samples: {binned:.4f} bits "
          f"(binning loses a little information, so it is slightly lower)")
    # The estimate the book's example needed: from the two samples themselves, no binning.
    knn = float(kl_divergence_knn(rng.normal(0, 1, n), rng.normal(1, 1, n)))
    print(f"  k-NN estimate (Wang-Kulkarni-Verdu, k=1) from two samples of {n:,}: "
          f"{knn:.4f} bits (infotheory.estimate.kl_divergence_knn)")


def curves(quick: bool, plot=None) -> None:
    """The binary entropy, and the KL divergence of two unit Gaussians against the distance of
    their means: closed form and k-NN estimate."""
    p = np.linspace(0.0, 1.0, 201)
    h = it.binary_entropy(p)  # 0 at p = 0 and 1 (0 log 0 = 0), 1 bit at p = 1/2
    mus = np.linspace(0.0, 3.0, 7 if quick else 13)
    n = 2000 if quick else 10_000
    rng = np.random.default_rng(2)
    closed = [float(it.gaussian_kl_divergence(0.0, 1.0, mu, 1.0)) for mu in mus]
    knn = [float(kl_divergence_knn(rng.normal(0, 1, n), rng.normal(mu, 1, n)))
           for mu in mus]
    print("\n== Curves ==")
    print("  KL(N(0,1) || N(mu,1)) bits, closed form / k-NN:",
          ", ".join(f"mu={m:.1f}: {c:.3f}/{k:.3f}" for m, c, k in zip(mus, closed, knn)))
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.6))
    axes[0].plot(p, h)
    axes[0].set(xlabel="p", ylabel="bits", title="binary entropy H(p) = it.binary_entropy(p)")
    axes[1].plot(mus, closed, "k--", label="closed form mu^2 / (2 ln 2)")
    axes[1].plot(mus, knn, "o", label=f"k-NN estimate from {n} samples each")
    axes[1].set(xlabel="mu", ylabel="bits", title="KL(N(0, 1) || N(mu, 1))")
    axes[1].legend()
    fig.tight_layout()
    if plot:
        fig.savefig(plot)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="fewer samples (tests)")
    ap.add_argument("--plot", help="save the curves to this image file")
    args = ap.parse_args(argv)
    print(f"frameworks: {', '.join(FRAMEWORKS)}")
    cards()
    measures(args.quick)
    kl_of_samples(args.quick)
    curves(args.quick, args.plot)


if __name__ == "__main__":
    main()
