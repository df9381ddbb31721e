r"""
Active learning with BALD against random acquisition
====================================================

Active learning with BALD on MC-dropout samples, against random acquisition.

    python examples/active_learning_bald.py [--rounds N] [--quick] [--plot PATH]

Data: scikit-learn's 8x8 digits (bundled, no download). A small MLP with dropout starts from
20 labelled images; each round it is retrained from scratch on the labelled set, then
acquires 10 more from the pool: the 10 of highest BALD (``it.bald`` of 20 MC-dropout passes,
the mutual information between the prediction and the network's weights, Gal et al. 2017:
:math:`H[\bar p] - \frac{1}{S} \sum_s H[p_s]` with :math:`\bar p = \frac{1}{S} \sum_s p_s` the
mean of the :math:`S` passes' predictions :math:`p_s`) for one learner, 10 at random for the
other. The test accuracy of both is printed per round and plotted. BALD comes from logits
through a log-mean-exp over the samples, never ``log(mean(softmax))``.
"""
import argparse

import matplotlib.pyplot as plt
import numpy as np
import torch

import infotheory as it


def load_digits(seed: int = 0):
    from sklearn.datasets import load_digits as digits

    x, y = digits(return_X_y=True)
    x = torch.tensor(x / 16.0, dtype=torch.float32)
    y = torch.tensor(y)
    order = torch.randperm(len(y), generator=torch.Generator().manual_seed(seed))
    test, pool = order[:500], order[500:]
    return x, y, pool, test


def make_model():
    return torch.nn.Sequential(torch.nn.Linear(64, 128), torch.nn.ReLU(), torch.nn.Dropout(0.5),
                               torch.nn.Linear(128, 10))


def train(x, y, epochs: int, seed: int):
    torch.manual_seed(seed)
    model = make_model()
    opt = torch.optim.Adam(model.parameters(), lr=3e-3, weight_decay=1e-4)
    model.train()
    for _ in range(epochs):
        for idx in torch.randperm(len(y)).split(32):
            opt.zero_grad()
            it.cross_entropy(model(x[idx]), y[idx], from_logits=True).backward()
            opt.step()
    return model


@torch.no_grad()
def mc_logits(model, x, samples: int):
    model.train()  # dropout on: each pass is a sample of the weights
    return torch.stack([model(x) for _ in range(samples)])  # (samples, n, classes)


@torch.no_grad()
def accuracy(model, x, y) -> float:
    model.eval()
    return float((model(x).argmax(-1) == y).float().mean())


def run(strategy: str, x, y, pool, test, rounds: int, epochs: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    pool = pool.clone()
    labelled, pool = pool[:20], pool[20:]
    accs = []
    for r in range(rounds):
        model = train(x[labelled], y[labelled], epochs, seed + r)
        accs.append(accuracy(model, x[test], y[test]))
        if strategy == "bald":
            scores = it.bald(mc_logits(model, x[pool], 20), from_logits=True)
            pick = scores.topk(10).indices
        else:
            pick = torch.as_tensor(rng.choice(len(pool), 10, replace=False))
        keep = torch.ones(len(pool), dtype=torch.bool)
        keep[pick] = False
        labelled, pool = torch.cat([labelled, pool[pick]]), pool[keep]
    return accs


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=15)
    ap.add_argument("--quick", action="store_true", help="a few short rounds (tests)")
    ap.add_argument("--plot", help="save the plot to this image file")
    args = ap.parse_args(argv)
    rounds, epochs = (12, 50) if args.quick else (args.rounds, 100)
    x, y, pool, test = load_digits()
    curves = {s: run(s, x, y, pool, test, rounds, epochs) for s in ("bald", "random")}
    for r in range(rounds):
        print(f"round {r:2d}: {20 + 10 * r:3d} labels   accuracy BALD {curves['bald'][r]:.3f}"
              f"   random {curves['random'][r]:.3f}")
    print(f"mean accuracy over the rounds: BALD {np.mean(curves['bald']):.3f}, "
          f"random {np.mean(curves['random']):.3f}")
    labels = [20 + 10 * r for r in range(rounds)]
    fig, ax = plt.subplots(figsize=(5, 3.5))
    for name, accs in curves.items():
        ax.plot(labels, accs, marker="o", label=name)
    ax.set_xlabel("labelled images")
    ax.set_ylabel("test accuracy")
    ax.set_title("Active learning on digits: BALD vs random")
    ax.legend()
    fig.tight_layout()
    if args.plot:
        fig.savefig(args.plot, dpi=120)
        print(f"plot saved to {args.plot}")
    return curves


if __name__ == "__main__":
    main()
