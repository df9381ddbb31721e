"""Run by tests/metrics/test_distributed.py: two gloo processes (one spawn for every check).

- Every torch metric of ``infotheory.metrics.SPECS``, with its case's options
  (tests/metrics/cases.py), on uneven shards: rank 0 updates with batches 0 and 1, rank 1 with
  batch 2; after ``compute()`` (which syncs) each rank's value is written out.
- The label metrics without ``num_classes`` (the labels kept, gathered by ``cat``): on the same
  uneven shards, and with rank 1 never calling ``update`` (it gathers an empty state).
- The Python-level host reads of a DDP training step with our losses.

Each rank writes ``{"rank": r, "table": {name: value}, "kept": ..., "kept_idle": ...,
"host_reads": [...]}`` to ``OUT_r.json``."""
import json
import sys

import torch
import torch.distributed as dist
import torch.multiprocessing as mp


def data():
    """Logits (rank, batch, seq, vocab) and labels (rank, batch, seq) for the DDP step."""
    g = torch.Generator().manual_seed(7)
    z = torch.randn(2, 4, 6, 9, generator=g, dtype=torch.float64)
    y = torch.randint(0, 9, (2, 4, 6), generator=g)
    y[0, 0, :3] = -100
    y[1, 2, :5] = -100
    return z, y


def ddp_step_host_reads(rank, z, y):
    """The Python-level host reads (``item``, ``tolist``, ``numpy``, ``bool``) of two DDP
    training steps with our losses, after a first step (which fills the plans)."""
    from torch.nn.parallel import DistributedDataParallel as DDP

    import infotheory as it
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


#: the batches (indices into a case's three) each rank updates with: uneven shards
SHARDS = {0: (0, 1), 1: (2,)}
#: the same, with rank 1 idle (it never calls update)
IDLE = {0: (0, 1, 2), 1: ()}


def _computed(metric_class, options, batches, indices):
    metric = metric_class(**options)
    for i in indices:
        metric.update(*(torch.from_numpy(x) for x in batches[i]))
    return float(metric.compute())  # (syncs: every rank must call it, updated or not)


def worker(rank, rendezvous, out):
    # a file rendezvous needs no port (binding port 0, releasing it and handing it to gloo is a
    # race with every other process on the machine)
    dist.init_process_group("gloo", init_method=f"file://{rendezvous}", rank=rank, world_size=2)
    from infotheory import torchmetrics as itm
    from infotheory.metrics import SPECS
    from tests.metrics.cases import CASES
    values = {"rank": rank, "table": {}, "kept": {}, "kept_idle": {}}
    for spec in SPECS:  # in one order on both ranks: the syncs pair up
        case, cls = CASES[spec.name], getattr(itm, spec.name)
        values["table"][spec.name] = _computed(cls, case.options, case.batches, SHARDS[rank])
        if "num_classes" in case.options:
            kept = {**case.options, "num_classes": None}
            values["kept"][spec.name] = _computed(cls, kept, case.batches, SHARDS[rank])
            values["kept_idle"][spec.name] = _computed(cls, kept, case.batches, IDLE[rank])
    values["host_reads"] = ddp_step_host_reads(rank, *data())
    with open(f"{out}_{rank}.json", "w") as f:
        json.dump(values, f)
    dist.barrier()  # neither process tears the group down while the other still uses it
    dist.destroy_process_group()


if __name__ == "__main__":  # python -m tests.metrics._ddp_worker RENDEZVOUS_FILE OUT_PREFIX
    mp.spawn(worker, args=(sys.argv[1], sys.argv[2]), nprocs=2, join=True)
