"""Epoch metrics for PyTorch training loops: :class:`torchmetrics.Metric` subclasses whose
states are sums (and, for label metrics without ``num_classes``, the labels), synced across
processes by torchmetrics' own machinery (``dist_reduce_fx``), so Lightning, DDP and
``MetricCollection`` handle them as any torchmetrics metric.

A metric over an epoch is the function on the concatenation of all its batches: the
cross-entropy is token-weighted (not a mean of batch means), the perplexity is ``exp`` of that
cross-entropy (not a mean of batch perplexities), the mutual information is that of one
contingency table summed over batches and processes.

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

import math
from typing import Optional, Sequence, Tuple, Union

import torch
from torchmetrics import Metric

import infotheory as it

from . import _units
from ._frontend import check_flag
from .estimate.discrete import AVERAGES, statistic_of_table

__all__ = ["AdjustedMutualInformation", "BALD", "CrossEntropy", "Entropy", "KLDivergence",
           "MutualInformation", "NormalizedMutualInformation", "Perplexity"]

_E = math.e


class _Mean(Metric):
    """A sum of per-row values and the number of rows, summed across processes."""
    full_state_update = False
    is_differentiable = True
    #: the book's default unit of the metric (resolved at ``compute``, so that
    #: ``infotheory.default_base`` around ``compute`` applies)
    _unit: Optional[float] = 2.0

    def __init__(self, base: Optional[float] = None, **kwargs):
        super().__init__(**kwargs)
        if base is not None:
            _units._checked(type(self).__name__, base)
        self.base = base
        self.add_state("total", torch.tensor(0.0, dtype=torch.float64), dist_reduce_fx="sum")
        self.add_state("count", torch.tensor(0, dtype=torch.int64), dist_reduce_fx="sum")

    def _add(self, values: torch.Tensor, count) -> None:
        self.total += values.detach().sum().to(self.total.dtype)  # (values in nats)
        self.count += count

    def _nats(self) -> torch.Tensor:
        return self.total / self.count

    def compute(self) -> torch.Tensor:
        nats = self._nats()
        if self._unit is None:
            return nats
        base = self.base if self.base is not None else _units.resolve(self._unit)
        return nats / math.log(base)


class CrossEntropy(_Mean):
    """Mean cross-entropy over every non-ignored prediction of the epoch (token-weighted):
    ``sum of -log q[y] / number of targets``, in nats by default (as the losses; ``base``
    for another unit). ``update(preds, target)``: ``preds`` (..., K) probabilities or logits
    (``from_logits=True``), ``target`` class indices (...) or probabilities (..., K), as
    :func:`infotheory.cross_entropy` takes them; ``ignore_index``: a class index whose
    targets are skipped (not counted)."""
    higher_is_better = False
    _unit = _E

    def __init__(self, *, from_logits: bool = False, ignore_index: Optional[int] = None,
                 base: Optional[float] = None, **kwargs):
        super().__init__(base=base, **kwargs)
        check_flag(type(self).__name__, "from_logits", from_logits)
        self.from_logits, self.ignore_index = from_logits, ignore_index

    def update(self, preds: torch.Tensor, target: torch.Tensor) -> None:
        losses = it.cross_entropy(preds, target, from_logits=self.from_logits,
                                  ignore_index=self.ignore_index, reduction="sum", base=_E)
        if target.is_floating_point():  # probability targets: one per row
            count = target.numel() // max(target.shape[-1], 1)
        elif self.ignore_index is None:
            count = target.numel()
        else:
            count = (target != self.ignore_index).sum()
        self._add(losses, count)


class Perplexity(CrossEntropy):
    """Perplexity of the epoch: ``exp`` of its token-weighted cross-entropy in nats (as
    torchmetrics' ``Perplexity``, with ``from_logits`` and ``ignore_index``). Unitless."""
    _unit = None

    def __init__(self, *, from_logits: bool = False, ignore_index: Optional[int] = None,
                 **kwargs):
        super().__init__(from_logits=from_logits, ignore_index=ignore_index, **kwargs)

    def compute(self) -> torch.Tensor:
        return torch.exp(self._nats())


class Entropy(_Mean):
    """Mean entropy of the distributions seen in the epoch (one per row over ``axis``), bits
    by default. ``update(p)``: probabilities, or logits with ``from_logits=True``."""
    higher_is_better = None

    def __init__(self, *, axis: int = -1, from_logits: bool = False,
                 base: Optional[float] = None, **kwargs):
        super().__init__(base=base, **kwargs)
        self.axis, self.from_logits = axis, from_logits

    def update(self, p: torch.Tensor) -> None:
        h = it.entropy(p, axis=self.axis, from_logits=self.from_logits, base=_E)
        self._add(h, h.numel())


class KLDivergence(_Mean):
    """Mean ``KL(p || q)`` over the rows of the epoch, bits by default. ``update(p, q)``
    with ``from_logits`` as :func:`infotheory.kl_divergence` (False, True or ``"q"``)."""
    higher_is_better = False

    def __init__(self, *, axis: int = -1, from_logits: Union[bool, str] = False,
                 base: Optional[float] = None, **kwargs):
        super().__init__(base=base, **kwargs)
        self.axis, self.from_logits = axis, from_logits

    def update(self, p: torch.Tensor, q: torch.Tensor) -> None:
        kl = it.kl_divergence(p, q, axis=self.axis, from_logits=self.from_logits, base=_E)
        self._add(kl, kl.numel())


class BALD(_Mean):
    """Mean BALD (:func:`infotheory.bald`, the mutual information between the prediction and
    the model's parameters) over the inputs of the epoch, bits by default. ``update(p)``:
    ``(samples, ..., classes)`` predictions of MC-dropout passes or ensemble members."""
    higher_is_better = None

    def __init__(self, *, sample_axis: int = 0, axis: int = -1, from_logits: bool = False,
                 base: Optional[float] = None, **kwargs):
        super().__init__(base=base, **kwargs)
        self.sample_axis, self.axis, self.from_logits = sample_axis, axis, from_logits

    def update(self, p: torch.Tensor) -> None:
        b = it.bald(p, sample_axis=self.sample_axis, axis=self.axis,
                    from_logits=self.from_logits, base=_E)
        self._add(b, b.numel())


class _Labels(Metric):
    """A statistic of the contingency table of label pairs. With ``num_classes`` (an int, or a
    pair for ``x`` and ``y``) the state is that table, one ``bincount`` per update and summed
    across processes; labels outside ``[0, num_classes)`` are counted apart and make
    ``compute`` raise. Without it the labels are kept (concatenated across processes), as
    torchmetrics' ``MutualInfoScore`` does, and may be any integers."""
    full_state_update = False
    is_differentiable = False
    higher_is_better = None
    _statistic = ""

    def __init__(self, *, num_classes: Union[int, Tuple[int, int], None] = None, **kwargs):
        super().__init__(**kwargs)
        name = type(self).__name__
        if num_classes is not None:
            pair = (num_classes, num_classes) if isinstance(num_classes, int) else \
                tuple(num_classes)
            if len(pair) != 2 or not all(isinstance(k, int) and not isinstance(k, bool)
                                         and k >= 1 for k in pair):
                raise ValueError(f"{name}: num_classes must be a positive int or a pair of "
                                 f"them, got {num_classes!r}")
            self.num_classes = pair
            # one cell more: pairs with a label out of range (checked at compute, no host read)
            self.add_state("table", torch.zeros(pair[0] * pair[1] + 1, dtype=torch.int64),
                           dist_reduce_fx="sum")
        else:
            self.num_classes = None
            self.add_state("x", [], dist_reduce_fx="cat")
            self.add_state("y", [], dist_reduce_fx="cat")

    def update(self, x: torch.Tensor, y: torch.Tensor) -> None:
        if x.shape != y.shape or x.dim() != 1:
            raise ValueError(f"{type(self).__name__}: x and y must be 1-D label vectors of one "
                             f"length, got shapes {tuple(x.shape)} and {tuple(y.shape)}")
        if self.num_classes is None:  # (their dtype is checked when they are counted)
            self.x.append(x)
            self.y.append(y)
            return
        if x.dtype.is_floating_point or y.dtype.is_floating_point:
            raise TypeError(f"{type(self).__name__}: x and y must hold integer labels")
        kx, ky = self.num_classes
        ok = (x >= 0) & (x < kx) & (y >= 0) & (y < ky)
        cell = torch.where(ok, x * ky + y, kx * ky)
        self.table += torch.bincount(cell, minlength=kx * ky + 1)

    def _table(self):
        """The contingency table (host NumPy)."""
        name = type(self).__name__
        if self.num_classes is None:
            x = torch.cat(self.x) if isinstance(self.x, list) else self.x
            y = torch.cat(self.y) if isinstance(self.y, list) else self.y
            return it.estimate.contingency_table(x, y).cpu().numpy()
        table = self.table.cpu().numpy()
        if table[-1]:
            raise ValueError(f"{name}: {int(table[-1])} label pair(s) outside [0, num_classes) "
                             f"= {self.num_classes} were seen")
        return table[:-1].reshape(self.num_classes)

    def _value(self, table) -> float:
        return statistic_of_table(self._statistic, table)

    def compute(self) -> torch.Tensor:
        device = self.table.device if self.num_classes is not None else None
        return torch.tensor(self._value(self._table()), dtype=torch.float64, device=device)


class MutualInformation(_Labels):
    """Mutual information of label pairs over the epoch (scikit-learn's ``mutual_info_score``
    on all of them), bits by default (``base=math.e``: torchmetrics' ``MutualInfoScore``)."""
    _statistic = "mutual_information"

    def __init__(self, *, num_classes: Union[int, Tuple[int, int], None] = None,
                 base: Optional[float] = None, **kwargs):
        super().__init__(num_classes=num_classes, **kwargs)
        if base is not None:
            _units._checked(type(self).__name__, base)
        self.base = base

    def _value(self, table) -> float:
        base = self.base if self.base is not None else _units.resolve(2.0)
        return statistic_of_table(self._statistic, table) / math.log(base)


class NormalizedMutualInformation(_Labels):
    """Normalized mutual information of label pairs over the epoch, in [0, 1], as
    :func:`infotheory.estimate.normalized_mutual_information` (``average``: "arithmetic",
    "geometric", "min" or "max")."""
    _statistic = "normalized_mutual_information"

    def __init__(self, *, num_classes: Union[int, Tuple[int, int], None] = None,
                 average: str = "arithmetic", **kwargs):
        if average not in AVERAGES:
            raise ValueError(f"{type(self).__name__}: average must be one of {AVERAGES}, got "
                             f"{average!r}")
        super().__init__(num_classes=num_classes, **kwargs)
        self.average = average

    def _value(self, table) -> float:
        return statistic_of_table(self._statistic, table, average=self.average)


class AdjustedMutualInformation(NormalizedMutualInformation):
    """Mutual information adjusted for chance over the epoch's label pairs, as
    :func:`infotheory.estimate.adjusted_mutual_information`."""
    _statistic = "adjusted_mutual_information"
