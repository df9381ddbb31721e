"""
DistributedDataParallel: an epoch perplexity synced across processes
====================================================================

A small language model trained with DistributedDataParallel on two CPU processes, its
epoch perplexity synced across them by ``infotheory.torchmetrics.Perplexity``.

    python examples/ddp_perplexity.py [--epochs N] [--quick] [--plot PATH]

(Two processes: shown here, not run when the documentation is built.)

The text is drawn from a random Markov chain over 50 tokens (so the best possible perplexity,
the exponential of the chain's entropy rate, is known and printed). Each process trains on its
own shard with ``it.cross_entropy(logits, targets, from_logits=True, ignore_index=-100)`` (the
padding of ragged sequences ignored); after each epoch the metric's ``compute()`` sums its
(token log-loss, token count) state over both processes through torch.distributed (gloo), so
both print the perplexity of all the tokens of the epoch, which a mean of per-batch or
per-process perplexities is not.
"""
import argparse
import math
import os
import tempfile

import torch
import torch.distributed as dist
import torch.multiprocessing as mp

import infotheory as it

VOCAB = 50


def markov_chain(seed: int = 0):
    g = torch.Generator().manual_seed(seed)
    logits = torch.randn(VOCAB, VOCAB, generator=g) * 2.5
    return torch.softmax(logits, -1)


def entropy_rate_nats(transitions) -> float:
    """H(X_t | X_{t-1}) under the chain's stationary distribution, in nats."""
    evals, evecs = torch.linalg.eig(transitions.T.double())
    pi = evecs[:, evals.real.argmax()].real
    pi = pi / pi.sum()
    return float((pi * it.entropy(transitions.double(), base=math.e)).sum())


def sequences(transitions, n: int, length: int, seed: int):
    g = torch.Generator().manual_seed(seed)
    x = torch.empty(n, length, dtype=torch.long)
    x[:, 0] = torch.randint(0, VOCAB, (n,), generator=g)
    for t in range(1, length):
        x[:, t] = torch.multinomial(transitions[x[:, t - 1]], 1, generator=g).squeeze(1)
    lengths = torch.randint(length // 2, length + 1, (n,), generator=g)
    targets = x[:, 1:].clone()
    targets[torch.arange(length - 1) >= (lengths[:, None] - 1)] = -100  # padding
    return x[:, :-1], targets


def worker(rank: int, world: int, rendezvous: str, epochs: int, n: int, plot=None):
    # the processes meet through a file: no port to pick (a free port found by binding port 0
    # can be taken by another process before gloo binds it)
    dist.init_process_group("gloo", init_method=f"file://{rendezvous}", rank=rank,
                            world_size=world)
    from torch.nn.parallel import DistributedDataParallel as DDP

    from infotheory.torchmetrics import Perplexity

    chain = markov_chain()
    inputs, targets = sequences(chain, n, 33, seed=rank + 1)  # each process: its own shard
    torch.manual_seed(0)  # the same initial weights on both (DDP also broadcasts them)
    model = DDP(torch.nn.Sequential(torch.nn.Embedding(VOCAB, 64), torch.nn.Linear(64, VOCAB)))
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    ppl = Perplexity(from_logits=True, ignore_index=-100)
    curve = []
    for epoch in range(epochs):
        ppl.reset()
        for xb, yb in zip(inputs.split(64), targets.split(64)):
            opt.zero_grad()
            logits = model(xb)
            it.cross_entropy(logits, yb, from_logits=True, ignore_index=-100).backward()
            opt.step()
            ppl.update(logits.detach(), yb)
        value = float(ppl.compute())  # synced: all tokens of both processes
        curve.append(value)
        tokens = ppl.count.clone()  # (compute restores each process' own state afterwards)
        dist.all_reduce(tokens)
        if rank == 0:
            print(f"epoch {epoch}: perplexity {value:.3f} over {int(tokens)} tokens of "
                  f"{world} processes (this one: {int(ppl.count)})")
    if rank == 0:
        best = math.exp(entropy_rate_nats(chain))
        print(f"best possible (the chain's entropy rate): {best:.3f}")
        if plot:
            import matplotlib.pyplot as plt
            fig, ax = plt.subplots(figsize=(5, 3.5))
            ax.plot(range(1, epochs + 1), curve, marker="o", label="synced epoch perplexity")
            ax.axhline(best, color="k", linestyle="--", label="the chain's entropy rate")
            ax.set(xlabel="epoch", ylabel="perplexity", title=f"DDP over {world} processes")
            ax.legend()
            fig.tight_layout()
            fig.savefig(plot)
    dist.barrier()  # neither process tears the group down while the other still uses it
    dist.destroy_process_group()


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=8)
    ap.add_argument("--quick", action="store_true", help="few epochs, little data (tests)")
    ap.add_argument("--plot", help="save the perplexity curve to this image file")
    args = ap.parse_args(argv)
    epochs, n = (3, 256) if args.quick else (args.epochs, 2048)
    with tempfile.TemporaryDirectory() as tmp:
        mp.spawn(worker, args=(2, os.path.join(tmp, "rendezvous"), epochs, n, args.plot),
                 nprocs=2, join=True)


if __name__ == "__main__":
    main()
