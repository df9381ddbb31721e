"""
InfoNCE: a critic trained to bound the mutual information
=========================================================

Train a critic with the InfoNCE bound on correlated Gaussians and watch the bound approach
the true mutual information.

x and y are d-dimensional with independent coordinate pairs of correlation rho, so
I(X; Y) = -d/2 log2(1 - rho^2) bits. A separable critic f(x, y) = g(x) . h(y) (two small MLPs)
scores every pair of a batch; ``infotheory.estimate.infonce`` turns the (N, N) score matrix into
the bound (at most log2 N). (``donsker_varadhan`` and ``nwj`` take the same scores; they need a
critic trained for them: InfoNCE's optimum is only defined up to a function of x.)

    python examples/torch_infonce_critic.py            # 1500 steps
    python examples/torch_infonce_critic.py --quick    # 300 steps (what the tests run)
"""
import argparse
import math

import torch

from infotheory.estimate import infonce


def sample(n, d, rho, generator):
    x = torch.randn(n, d, generator=generator)
    y = rho * x + math.sqrt(1 - rho ** 2) * torch.randn(n, d, generator=generator)
    return x, y


def mlp(d, width=64, out=32):
    return torch.nn.Sequential(torch.nn.Linear(d, width), torch.nn.ReLU(),
                               torch.nn.Linear(width, width), torch.nn.ReLU(),
                               torch.nn.Linear(width, out))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="300 steps")
    parser.add_argument("--steps", type=int, default=1500)
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--rho", type=float, default=0.8)
    parser.add_argument("--dim", type=int, default=2)
    parser.add_argument("--plot", help="save the curve to this image file")
    args = parser.parse_args()
    steps = 300 if args.quick else args.steps
    torch.manual_seed(0)
    gen = torch.Generator().manual_seed(1)
    true_mi = -args.dim / 2 * math.log2(1 - args.rho ** 2)
    g, h = mlp(args.dim), mlp(args.dim)
    opt = torch.optim.Adam([*g.parameters(), *h.parameters()], lr=1e-3)
    print(f"true I(X;Y) = {true_mi:.4f} bits; InfoNCE is at most log2 N = "
          f"{math.log2(args.batch):.4f} bits")
    curve = []
    for step in range(1, steps + 1):
        x, y = sample(args.batch, args.dim, args.rho, gen)
        scores = g(x) @ h(y).T  # scores[i, j] = f(x_i, y_j); the diagonal holds the pairs
        loss = -infonce(scores)  # maximize the bound
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % (steps // 10) == 0:
            with torch.no_grad():
                x, y = sample(4096, args.dim, args.rho, gen)
                s = g(x) @ h(y).T
                curve.append((step, float(infonce(s))))
            if step % (steps // 5) == 0:
                print(f"step {step:5d}: InfoNCE {curve[-1][1]:.4f} bits on a held-out "
                      f"batch of 4096 (true {true_mi:.4f})")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(5.5, 3.5))
    ax.plot(*zip(*curve), marker="o", label="InfoNCE on held-out batches of 4096")
    ax.axhline(true_mi, color="k", linestyle="--", label="true I(X; Y)")
    ax.axhline(math.log2(4096), color="gray", linestyle=":", label="log2 4096 (the bound's cap)")
    ax.set(xlabel="training step", ylabel="bits", title=f"InfoNCE critic, rho={args.rho}, "
                                                          f"d={args.dim}")
    ax.legend()
    fig.tight_layout()
    if args.plot:
        fig.savefig(args.plot)


if __name__ == "__main__":
    main()
