r"""
Mutual information of correlated Gaussians: KSG, a histogram and scikit-learn
=============================================================================

For a bivariate Gaussian with correlation :math:`\rho` the mutual information is
:math:`I(X;Y) = -\tfrac12 \log_2 (1 - \rho^2)` bits. This example estimates it from ``n``
samples with the KSG estimator (:func:`infotheory.estimate.mutual_information_ksg`), with
scikit-learn's ``mutual_info_regression`` (the same estimator, with noise added), with the
Gaussian estimator (:func:`infotheory.estimate.mutual_information_gaussian`), and with the
plug-in MI of a 2-D
histogram (:func:`infotheory.mutual_information` of the binned joint), against the closed form.
The histogram's estimate depends on the bins and is biased; the k-NN estimate tracks the truth.

    python examples/plot_ksg_gaussian.py [--quick] [--plot PATH]
"""
import argparse
import math

import matplotlib.pyplot as plt
import numpy as np

import infotheory as it
from infotheory import estimate as est


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="fewer points (tests)")
    ap.add_argument("--plot", help="save the figure to this image file")
    args = ap.parse_args(argv)
    n = 1000 if args.quick else 5000
    rhos = np.linspace(0.0, 0.95, 5 if args.quick else 12)

    rng = np.random.default_rng(0)
    rows = {"closed form": [], "KSG (k=3)": [], "Gaussian": [], "histogram, 20 x 20 bins": []}
    try:
        from sklearn.feature_selection import mutual_info_regression
        rows["scikit-learn mutual_info_regression"] = []
    except ImportError:  # scikit-learn is optional here
        mutual_info_regression = None
    for rho in rhos:
        x = rng.normal(size=n)
        y = rho * x + math.sqrt(1 - rho ** 2) * rng.normal(size=n)
        joint, _, _ = np.histogram2d(x, y, bins=20)
        rows["closed form"].append(-0.5 * math.log2(1 - rho ** 2))
        rows["KSG (k=3)"].append(float(est.mutual_information_ksg(x, y)))
        rows["Gaussian"].append(float(est.mutual_information_gaussian(x, y)))
        rows["histogram, 20 x 20 bins"].append(float(it.mutual_information(joint / n)))
        if mutual_info_regression is not None:
            nats = mutual_info_regression(x[:, None], y, n_neighbors=3, random_state=0)[0]
            rows["scikit-learn mutual_info_regression"].append(nats / math.log(2))
    for name, values in rows.items():
        print(f"{name:38s} " + " ".join(f"{v:6.3f}" for v in values))

    fig, ax = plt.subplots(figsize=(6.4, 4))
    markers = iter("osD^")  # KSG and scikit-learn's (also KSG) nearly coincide: tell them apart
    for name, values in rows.items():
        style = ({"color": "k", "linestyle": "--"} if name == "closed form" else
                 {"marker": next(markers), "fillstyle": "none", "alpha": 0.85})
        ax.plot(rhos, values, label=name, **style)
    ax.set(xlabel="correlation rho", ylabel="I(X; Y) (bits)",
           title=f"MI of correlated Gaussians from {n} samples")
    ax.legend()
    fig.tight_layout()
    if args.plot:
        fig.savefig(args.plot)
    return {"rho": list(rhos), **rows}


if __name__ == "__main__":
    main()
