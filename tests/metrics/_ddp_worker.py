"""Run by tests/metrics/test_torchmetrics.py: two gloo processes, each updating the metrics
with its own shard; after sync, every metric must equal the function on all the data."""
import json
import math
import sys

import torch
import torch.distributed as dist
import torch.multiprocessing as mp


def data():
    g = torch.Generator().manual_seed(7)
    z = torch.randn(2, 4, 6, 9, generator=g, dtype=torch.float64)  # (rank, batch, seq, vocab)
    y = torch.randint(0, 9, (2, 4, 6), generator=g)
    y[0, 0, :3] = -100
    y[1, 2, :5] = -100
    s = torch.randn(2, 5, 3, 4, generator=g, dtype=torch.float64)  # (rank, samples, batch, K)
    x = torch.randint(0, 4, (2, 50), generator=g)
    c = (x + torch.randint(0, 3, (2, 50), generator=g)) % 5
    return z, y, s, x, c


def ddp_step_host_reads(rank, z, y):
    """The Python-level host reads (``item``, ``tolist``, ``numpy``, ``bool``) of two DDP
    training steps with our losses, after a first step (which fills the plans)."""
    import infotheory as it
    from torch.nn.parallel import DistributedDataParallel as DDP
    torch.manual_seed(0)
    model = DDP(torch.nn.Linear(9, 9).double())
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    x, labels = z[rank].reshape(-1, 9), y[rank].reshape(-1)

    def step():
        opt.zero_grad()
        out = model(x)
        loss = it.cross_entropy(out, labels, from_logits=True, ignore_index=-100) + \
            0.1 * it.entropy(out, from_logits=True).mean()
        loss.backward()
        opt.step()
    step()
    calls = []
    saved = {n: getattr(torch.Tensor, n) for n in ("item", "tolist", "numpy", "__bool__")}
    try:
        for n in saved:
            setattr(torch.Tensor, n, lambda self, *a, _n=n, **k: calls.append(_n)
                    or saved[_n](self, *a, **k))
        step()
        step()
    finally:
        for n, f in saved.items():
            setattr(torch.Tensor, n, f)
    return calls


def worker(rank, rendezvous, out):
    # a file rendezvous needs no port (binding port 0, releasing it and handing it to gloo is a
    # race with every other process on the machine)
    dist.init_process_group("gloo", init_method=f"file://{rendezvous}", rank=rank, world_size=2)
    from infotheory import torchmetrics as itm
    z, y, s, x, c = data()
    metrics = {
        "perplexity": itm.Perplexity(from_logits=True, ignore_index=-100),
        "cross_entropy": itm.CrossEntropy(from_logits=True, ignore_index=-100),
        "entropy": itm.Entropy(from_logits=True),
        "bald": itm.BALD(from_logits=True),
        "mi_table": itm.MutualInformation(num_classes=5, base=math.e),
        "mi_labels": itm.MutualInformation(base=math.e),
        "nmi": itm.NormalizedMutualInformation(num_classes=5),
        "ami": itm.AdjustedMutualInformation(),
    }
    for half in (slice(0, 2), slice(2, 4)):  # two batches per process
        metrics["perplexity"].update(z[rank, half], y[rank, half])
        metrics["cross_entropy"].update(z[rank, half], y[rank, half])
        metrics["entropy"].update(z[rank, half])
    metrics["bald"].update(s[rank])
    for name in ("mi_table", "mi_labels", "nmi", "ami"):
        metrics[name].update(x[rank, :25], c[rank, :25])
        metrics[name].update(x[rank, 25:], c[rank, 25:])
    values = {k: float(m.compute()) for k, m in metrics.items()}
    values["host_reads"] = ddp_step_host_reads(rank, z, y)
    if rank == 0:
        with open(out, "w") as f:
            json.dump(values, f)
    dist.barrier()  # neither process tears the group down while the other still uses it
    dist.destroy_process_group()


if __name__ == "__main__":  # python -m tests.metrics._ddp_worker RENDEZVOUS_FILE OUT_JSON
    mp.spawn(worker, args=(sys.argv[1], sys.argv[2]), nprocs=2, join=True)
