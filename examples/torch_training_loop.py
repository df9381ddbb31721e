"""
A PyTorch training loop: cross-entropy and an entropy regularizer
==================================================================

A small PyTorch classifier trained with infotheory's cross-entropy and an entropy regularizer,
with the loss and the mean predictive entropy plotted per epoch.

    python examples/torch_training_loop.py [--epochs N] [--quick] [--plot PATH]

The loss is ``it.cross_entropy(logits, labels, from_logits=True)`` (the fused F.cross_entropy
kernel underneath) plus ``beta * mean entropy`` of the predictive distribution, a confidence
penalty (Pereyra et al., 2017) when ``beta < 0`` rewards higher entropy. Both are native torch
ops: gradients flow and nothing syncs with the host until we print.
"""
import argparse

import matplotlib.pyplot as plt
import torch

import infotheory as it


def make_data(n: int, n_classes: int = 4, dim: int = 8, seed: int = 0):
    g = torch.Generator().manual_seed(seed)
    centers = torch.randn(n_classes, dim, generator=g) * 2
    labels = torch.randint(0, n_classes, (n,), generator=g)
    x = centers[labels] + torch.randn(n, dim, generator=g)
    return x, labels


def main(argv=None) -> float:
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=20)
    ap.add_argument("--beta", type=float, default=-0.05, help="weight of the entropy term")
    ap.add_argument("--quick", action="store_true", help="a few epochs on little data (tests)")
    ap.add_argument("--plot", help="save the curves to this image file")
    args = ap.parse_args(argv)
    n, epochs = (256, 3) if args.quick else (4096, args.epochs)

    torch.manual_seed(0)
    x, y = make_data(n)
    model = torch.nn.Sequential(torch.nn.Linear(8, 32), torch.nn.ReLU(), torch.nn.Linear(32, 4))
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    curves = {"cross-entropy (nats)": [], "mean predictive entropy (bits)": [], "accuracy": []}
    for epoch in range(epochs):
        total = torch.zeros(())
        for xb, yb in zip(x.split(128), y.split(128)):
            logits = model(xb)
            ce = it.cross_entropy(logits, yb, from_logits=True)          # nats
            h = it.entropy(logits, from_logits=True, base=torch.e).mean()  # nats
            loss = ce + args.beta * h
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += ce.detach() * len(yb)
        with torch.no_grad():
            logits = model(x)
            acc = (logits.argmax(-1) == y).float().mean()
            h = it.entropy(logits, from_logits=True).mean()  # bits
        print(f"epoch {epoch + 1:3d}  cross-entropy {float(total) / n:.4f} nats  "
              f"accuracy {float(acc):.3f}  mean predictive entropy {float(h):.3f} bits")
        for key, v in zip(curves, (float(total) / n, float(h), float(acc))):
            curves[key].append(v)
    fig, axes = plt.subplots(1, 3, figsize=(11, 3.2))
    for ax, (key, values) in zip(axes, curves.items()):
        ax.plot(range(1, epochs + 1), values, marker="o")
        ax.set(xlabel="epoch", title=key)
    fig.suptitle(f"training with it.cross_entropy + {args.beta} * it.entropy")
    fig.tight_layout()
    if args.plot:
        fig.savefig(args.plot)
    return float(total) / n


if __name__ == "__main__":
    main()
