"""
PyTorch: a padded language-model loss and a VAE
===============================================

Two training losses from infotheory in PyTorch: a padded language-model loss and a VAE.

    python examples/torch_lm_and_vae.py [--steps N] [--quick] [--plot PATH]

1. A tiny next-token model on sequences of different lengths, padded with -100: the loss is
   ``it.cross_entropy(logits, tokens, from_logits=True, ignore_index=-100, label_smoothing=0.1)``
   over (batch, seq, vocab) logits (torch's semantics: padding counts nowhere), and the
   perplexity ``it.perplexity(..., ignore_index=-100)`` is printed as it falls.
2. A small VAE on 2-D points: reconstruction error plus the KL term
   ``it.gaussian_kl_divergence(mu, sigma, 0, 1, base=e).sum(-1).mean()`` (nats).
"""
import argparse
import math

import torch

import infotheory as it


def language_model(steps: int, seed: int = 0) -> list:
    g = torch.Generator().manual_seed(seed)
    vocab, length, batch = 12, 10, 32
    # sequences count up modulo the vocabulary from a random start; lengths vary
    start = torch.randint(0, vocab, (batch, 1), generator=g)
    seq = (start + torch.arange(length)) % vocab
    lengths = torch.randint(4, length + 1, (batch,), generator=g)
    targets = seq[:, 1:].clone()
    targets[torch.arange(length - 1) >= (lengths[:, None] - 1)] = -100  # padding
    model = torch.nn.Sequential(torch.nn.Embedding(vocab, 32), torch.nn.Linear(32, vocab))
    opt = torch.optim.Adam(model.parameters(), lr=0.05)
    curve = []
    for step in range(steps + 1):
        logits = model(seq[:, :-1])  # (batch, seq, vocab)
        loss = it.cross_entropy(logits, targets, from_logits=True, ignore_index=-100,
                                label_smoothing=0.1)
        ppl = it.perplexity(logits.detach(), targets, from_logits=True, ignore_index=-100)
        curve.append((float(loss.detach()), float(ppl.detach())))
        if step % max(1, steps // 4) == 0:
            print(f"lm step {step:3d}: loss {curve[-1][0]:.4f} nats, perplexity "
                  f"{curve[-1][1]:.3f}")
        opt.zero_grad()
        loss.backward()
        opt.step()
    return curve


def vae(steps: int, seed: int = 0) -> list:
    torch.manual_seed(seed)
    x = torch.randn(256, 2) @ torch.tensor([[1.0, 0.8], [0.0, 0.6]])
    enc, dec = torch.nn.Linear(2, 4), torch.nn.Linear(2, 2)  # 2 latent dims: (mu, log sigma)
    opt = torch.optim.Adam([*enc.parameters(), *dec.parameters()], lr=0.05)
    curve = []
    for step in range(steps + 1):
        mu, log_sigma = enc(x).chunk(2, dim=-1)
        sigma = log_sigma.exp()
        z = mu + sigma * torch.randn_like(sigma)
        recon = ((dec(z) - x) ** 2).sum(-1).mean()
        kl = it.gaussian_kl_divergence(mu, sigma, 0.0, 1.0, base=math.e).sum(-1).mean()
        curve.append((float(recon.detach()), float(kl.detach())))
        if step % max(1, steps // 4) == 0:
            print(f"vae step {step:3d}: reconstruction {curve[-1][0]:.4f}, KL "
                  f"{curve[-1][1]:.4f} nats")
        opt.zero_grad()
        (recon + kl).backward()
        opt.step()
    return curve


def main(argv=None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=200)
    ap.add_argument("--quick", action="store_true", help="few steps (tests)")
    ap.add_argument("--plot", help="save the curves to this image file")
    args = ap.parse_args(argv)
    steps = 40 if args.quick else args.steps
    lm, v = language_model(steps), vae(steps)
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.5))
    for ax, curve, names, title in ((axes[0], lm, ("loss (nats)", "perplexity"), "language model"),
                                    (axes[1], v, ("reconstruction", "KL (nats)"), "VAE")):
        for i, name in enumerate(names):
            ax.plot([c[i] for c in curve], label=name)
        ax.set(xlabel="step", title=title, yscale="log")
        ax.legend()
    fig.tight_layout()
    if args.plot:
        fig.savefig(args.plot)


if __name__ == "__main__":
    main()
