"""Epoch metrics for PyTorch training loops: :class:`torchmetrics.Metric` subclasses generated
from the declarations in ``infotheory.metrics`` (whose docstring, with the guide
"Training-time metrics", documents the semantics they share with
:mod:`infotheory.keras.metrics`). Their states are sums (float64), counts, contingency
tables or copies of the labels, synced across processes by torchmetrics' own machinery
(``dist_reduce_fx``), so Lightning, DDP and ``MetricCollection`` handle them as any
torchmetrics metric.

Importing this module imports torch and torchmetrics (``pip install infotheory[torchmetrics]``);
``import infotheory`` alone imports neither.

>>> import torch
>>> from infotheory.torchmetrics import Perplexity
>>> ppl = Perplexity(from_logits=True)
>>> ppl.update(torch.zeros(2, 3, 4), torch.tensor([[0, 1, 2], [3, 0, 1]]))
>>> round(float(ppl.compute()), 4)   # uniform over 4 tokens
4.0
"""
from __future__ import annotations

import inspect
import math
from typing import Any, Dict

import torch
from torchmetrics import Metric
from torchmetrics.utilities.data import dim_zero_cat

from . import _dispatch
from .estimate.labels import contingency_table
from .metrics import SPECS, Spec, fold_table, tables, value_of_mean, value_of_table

__all__ = [s.name for s in SPECS]

_LOW = (torch.float16, torch.bfloat16)


def _wide_float(x: torch.Tensor) -> torch.Tensor:
    """An input below float32 computed in float32 (its epoch sums never overflow)."""
    return x.float() if x.dtype in _LOW else x


def _labels(fn: str, name: str, x) -> torch.Tensor:
    """Integer (or bool) labels, flattened, as an int64 copy (an in-place change after
    ``update`` does not reach the state; int8 labels times a class count do not overflow)."""
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"{fn}: {name} must be a torch.Tensor of integer labels, got "
                        f"{type(x).__name__}")
    if x.is_floating_point() or x.is_complex():
        raise TypeError(f"{fn}: {name} must hold integer labels, got {x.dtype}")
    return x.detach().reshape(-1).to(torch.int64, copy=True)


class _Adapter(Metric):
    """A metric generated from its declaration (``_spec``): the options are checked before
    anything else, and ``compute`` is not cached (its unit may change between calls)."""
    full_state_update = False
    _spec: Spec

    def __init__(self, **kwargs):
        spec = self._spec
        names = [o.name for o in spec.options]
        options = spec.checked({k: kwargs.pop(k) for k in names if k in kwargs})
        kwargs.setdefault("compute_with_cache", False)
        super().__init__(**kwargs)
        self._options: Dict[str, Any] = options
        for name, value in options.items():
            setattr(self, name, value)

    def set_dtype(self, dst_type) -> "_Adapter":
        """Keeps the states as they are (float64 sums, int64 counts and tables): a float16
        sum or table would lose counts; the inputs of any dtype are taken as they come."""
        return self

    def _inputs(self, args, kwargs):
        return self._update_params.bind(*args, **kwargs).args


class _Mean(_Adapter):
    """The sum of per-row values (nats) and their count."""
    is_differentiable = True

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.add_state("total", torch.tensor(0.0, dtype=torch.float64), dist_reduce_fx="sum")
        self.add_state("count", torch.tensor(0, dtype=torch.int64), dist_reduce_fx="sum")

    def update(self, *args, **kwargs) -> None:
        spec = self._spec
        inputs = self._inputs(args, kwargs)
        for x, (name, _) in zip(inputs, spec.inputs):
            if not isinstance(x, torch.Tensor):
                raise TypeError(f"{spec.name}: {name} must be a torch.Tensor, got "
                                f"{type(x).__name__}")
        inputs = [_wide_float(x) for x in inputs]
        values, mask = spec.values(*inputs, **{k: v for k, v in self._options.items()
                                               if k != "base"})
        values = values.detach()
        self.total += values.to(self.total.dtype).sum()
        self.count += values.numel() if mask is None else mask.sum()

    def compute(self) -> torch.Tensor:
        return value_of_mean(_dispatch.backend_of(self.total), self._spec, self.total,
                             self.count, self._options.get("base"))


class _Table(_Adapter):
    """A contingency table of (target, prediction) label pairs, or the labels kept."""
    is_differentiable = False

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        pair = self._options["num_classes"]
        # (the table's rows are the target's classes: the pair is in update order)
        self._shape = None if pair is None else (pair[1], pair[0])
        if self._shape is None:
            self.add_state("kept_preds", [], dist_reduce_fx="cat")
            self.add_state("kept_target", [], dist_reduce_fx="cat")
        else:
            cells = self._shape[0] * self._shape[1] + 1  # the last: pairs outside the table
            self.add_state("table", torch.zeros(cells, dtype=torch.int64), dist_reduce_fx="sum")

    def update(self, *args, **kwargs) -> None:
        name = self._spec.name
        preds, target = self._inputs(args, kwargs)
        p, t = _labels(name, "preds", preds), _labels(name, "target", target)
        if preds.shape != target.shape:
            raise ValueError(f"{name}: preds and target must have one shape, got "
                             f"{tuple(preds.shape)} and {tuple(target.shape)}")
        if self._shape is None:
            self.kept_preds.append(p)
            self.kept_target.append(t)
        else:
            self.table += fold_table(_dispatch.backend_of(t), t, p, self._shape,
                                     self._options["ignore_index"])

    def _flat_table(self):
        """The flat table (see :func:`infotheory.metrics.fold_table`) and its shape."""
        if self._shape is not None:
            return self.table, self._shape
        kept = [self.kept_preds, self.kept_target]
        p, t = (dim_zero_cat(x) if isinstance(x, list) and x else x for x in kept)
        ignore = self._options["ignore_index"]
        if isinstance(p, torch.Tensor) and ignore is not None:
            keep = t != ignore
            p, t = p[keep], t[keep]
        if not isinstance(p, torch.Tensor) or p.numel() == 0:
            return torch.zeros(2, dtype=torch.int64, device=self.device), (1, 1)
        counts = contingency_table(t, p)
        zero = torch.zeros(1, dtype=counts.dtype, device=counts.device)
        return torch.cat([counts.reshape(-1), zero]), tuple(counts.shape)

    def compute(self) -> torch.Tensor:
        flat, shape = self._flat_table()
        spec, options = self._spec, self._options
        if spec.statistic == "adjusted_mutual_information":  # E[I] on the host
            host = flat.cpu().numpy()
            value = math.nan if host[-1] else tables.host_statistic(
                spec.statistic, host[:-1].reshape(shape), average=options["average"])
            return torch.tensor(value, dtype=torch.float64, device=flat.device)
        flat = flat.to(torch.float64)
        return value_of_table(_dispatch.backend_of(flat), spec, flat, shape, options)

    def _sync_dist(self, dist_sync_fn=None, process_group=None) -> None:
        # a process that kept no labels gathers an empty int64 tensor, as the others' dtype
        # (torchmetrics fills an empty list with the metric's float dtype: the gather aborts)
        if self._shape is None:
            for name in ("kept_preds", "kept_target"):
                if isinstance(getattr(self, name), list) and not getattr(self, name):
                    setattr(self, name, [torch.zeros(0, dtype=torch.int64,
                                                     device=self.device)])
        kwargs = {} if dist_sync_fn is None else {"dist_sync_fn": dist_sync_fn}
        super()._sync_dist(process_group=process_group, **kwargs)


def _options_doc(spec: Spec) -> str:
    lines = [f"- ``{o.name}`` (default ``{o.default!r}``): {o.doc}" for o in spec.options]
    return "\n".join(lines)


def _generate(spec: Spec):
    base = _Mean if spec.kind == "mean" else _Table
    inputs = ", ".join(name for name, _ in spec.inputs)
    doc = (f"{spec.doc}\n\n``update({inputs})``; ``compute()`` gives the value of the epoch "
           f"(NaN before any row). Options (keyword-only; the rest go to "
           f"``torchmetrics.Metric``):\n\n{_options_doc(spec)}\n\nExample::\n\n"
           f"    from infotheory.torchmetrics import {spec.name}\n"
           f"    metric = {spec.name}({spec.example_options()})\n"
           f"    for {inputs} in batches:  # an epoch (or self.log(..., metric) in Lightning)\n"
           f"        metric.update({inputs})\n"
           f"    value = metric.compute()  # the value of the epoch\n\n"
           f"Semantics shared with Keras: ``infotheory.metrics``, the guide 'Training-time "
           f"metrics'.")
    params = [inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
    params += [inspect.Parameter(o.name, inspect.Parameter.KEYWORD_ONLY, default=o.default)
               for o in spec.options]
    params.append(inspect.Parameter("kwargs", inspect.Parameter.VAR_KEYWORD))

    def __init__(self, *args, **kwargs):
        spec.refuse_positional(args)
        base.__init__(self, **kwargs)
    __init__.__signature__ = inspect.Signature(params)
    update_params = inspect.Signature(
        [inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD)
         for name, _ in spec.inputs])

    def update(self, *args, **kwargs) -> None:
        base.update(self, *args, **kwargs)
    update.__signature__ = inspect.Signature(
        [params[0]] + list(update_params.parameters.values()), return_annotation=None)
    update.__doc__ = f"Fold a batch ``({inputs})`` into the states."
    namespace = {"__init__": __init__, "update": update, "__doc__": doc, "_spec": spec,
                 "_update_params": update_params, "__module__": __name__,
                 "__qualname__": spec.name, "higher_is_better": spec.higher_is_better}
    return type(spec.name, (base,), namespace)


for _spec in SPECS:
    globals()[_spec.name] = _generate(_spec)
del _spec
