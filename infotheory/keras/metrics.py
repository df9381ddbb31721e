"""Keras 3 metrics over the infotheory measures, accumulated over an epoch: the value of the
function on all the batches seen, not a mean of batch values (``Perplexity`` is ``exp`` of the
token-weighted cross-entropy of the epoch).

States are Keras variables (a sum and a count, or a contingency table) with Keras' default
``aggregation="sum"``, so ``tf.distribute`` strategies sum them across replicas. They work on
Keras' TensorFlow, JAX and torch backends (the measures dispatch on the tensors Keras hands
them), inside ``model.compile(metrics=[...])``, and are serializable (package "infotheory":
import this module before ``keras.saving.load_model``).

>>> import infotheory.keras.metrics as itm                          # doctest: +SKIP
>>> model.compile(loss=..., metrics=[itm.Perplexity(from_logits=True)])  # doctest: +SKIP

``update_state(y_true, y_pred, sample_weight=None)``; ``sample_weight`` is not supported
(``ValueError``).
"""
from __future__ import annotations

import math
from typing import Optional, Tuple, Union

import keras

from .. import _units, losses, measures, uncertainty
from ..estimate.discrete import AVERAGES
from . import _PACKAGE, _labels_or_targets

__all__ = ["BALD", "CrossEntropy", "Entropy", "KLDivergence",
           "MutualInformation", "NormalizedMutualInformation", "Perplexity"]

_E = math.e
ops = keras.ops


def _no_weights(metric, sample_weight):
    if sample_weight is not None:
        raise ValueError(f"{type(metric).__name__}: sample_weight is not supported")


class _Mean(keras.metrics.Metric):
    """A sum of per-row values (nats) and their number. ``base``: None (default) is the
    metric's default unit (bits, or nats for the cross-entropy), or the one chosen by
    :func:`infotheory.set_default_base` / ``default_base`` when ``result`` is computed."""
    _unit: Optional[float] = 2.0

    def __init__(self, base: Optional[float] = None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        if base is not None:
            _units._checked(type(self).__name__, base)
        self.base = base
        self.total = self.add_variable(shape=(), initializer="zeros", dtype=self.dtype,
                                       name="total")
        self.count = self.add_variable(shape=(), initializer="zeros", dtype=self.dtype,
                                       name="count")

    def _add(self, values, count) -> None:
        self.total.assign_add(ops.cast(ops.sum(values), self.dtype))
        self.count.assign_add(ops.cast(count, self.dtype))

    def _nats(self):
        return ops.divide(self.total, self.count)

    def result(self):
        nats = self._nats()
        if self._unit is None:
            return nats
        base = self.base if self.base is not None else _units.resolve(self._unit)
        return nats / math.log(base)

    def get_config(self):
        return {**super().get_config(), "base": self.base}


@keras.saving.register_keras_serializable(package=_PACKAGE)
class CrossEntropy(_Mean):
    """Token-weighted cross-entropy of the epoch (nats by default): ``update_state(y_true,
    y_pred)`` with class indices (``y_pred.shape[:-1]``) or probabilities (``y_pred``'s
    shape) as ``y_true``; ``ignore_index`` skips those targets (not counted)."""
    _unit = _E

    def __init__(self, from_logits: bool = False, ignore_index: Optional[int] = None,
                 base: Optional[float] = None, name: str = "cross_entropy", dtype=None):
        super().__init__(base=base, name=name, dtype=dtype)
        self.from_logits, self.ignore_index = from_logits, ignore_index

    def update_state(self, y_true, y_pred, sample_weight=None):
        _no_weights(self, sample_weight)
        y = _labels_or_targets(y_true, y_pred)
        loss = losses.cross_entropy(y_pred, y, from_logits=self.from_logits,
                                    ignore_index=self.ignore_index, reduction="sum", base=_E)
        if len(y.shape) == len(y_pred.shape):  # probability targets: one per row
            count = ops.size(y) // y.shape[-1]
        elif self.ignore_index is None:
            count = ops.size(y)
        else:
            count = ops.sum(ops.cast(ops.not_equal(y, self.ignore_index), "int32"))
        self._add(loss, count)

    def get_config(self):
        return {**super().get_config(), "from_logits": self.from_logits,
                "ignore_index": self.ignore_index}


@keras.saving.register_keras_serializable(package=_PACKAGE)
class Perplexity(CrossEntropy):
    """Perplexity of the epoch: ``exp`` of its token-weighted cross-entropy (nats)."""
    _unit = None

    def __init__(self, from_logits: bool = False, ignore_index: Optional[int] = None,
                 name: str = "perplexity", dtype=None, base=None):
        super().__init__(from_logits=from_logits, ignore_index=ignore_index, name=name,
                         dtype=dtype)

    def result(self):
        return ops.exp(self._nats())


@keras.saving.register_keras_serializable(package=_PACKAGE)
class Entropy(_Mean):
    """Mean entropy of the predicted distributions (rows of ``y_pred``) over the epoch, bits
    by default; ``y_true`` is not read."""

    def __init__(self, from_logits: bool = False, base: Optional[float] = None,
                 name: str = "entropy", dtype=None):
        super().__init__(base=base, name=name, dtype=dtype)
        self.from_logits = from_logits

    def update_state(self, y_true, y_pred, sample_weight=None):
        _no_weights(self, sample_weight)
        h = measures.entropy(y_pred, from_logits=self.from_logits, base=_E)
        self._add(h, ops.size(h))

    def get_config(self):
        return {**super().get_config(), "from_logits": self.from_logits}


@keras.saving.register_keras_serializable(package=_PACKAGE)
class KLDivergence(_Mean):
    """Mean ``KL(y_true || y_pred)`` over the rows of the epoch (Keras' ``KLDivergence``
    metric is the same, in nats: ``base=math.e``), bits by default; ``from_logits=True`` reads
    ``y_pred`` as logits (``"q"`` in :func:`infotheory.kl_divergence`)."""

    def __init__(self, from_logits: bool = False, base: Optional[float] = None,
                 name: str = "kl_divergence", dtype=None):
        super().__init__(base=base, name=name, dtype=dtype)
        self.from_logits = from_logits

    def update_state(self, y_true, y_pred, sample_weight=None):
        _no_weights(self, sample_weight)
        kl = measures.kl_divergence(y_true, y_pred, from_logits="q" if self.from_logits
                                    else False, base=_E)
        self._add(kl, ops.size(kl))

    def get_config(self):
        return {**super().get_config(), "from_logits": self.from_logits}


@keras.saving.register_keras_serializable(package=_PACKAGE)
class BALD(_Mean):
    """Mean BALD over the epoch's inputs (bits by default): ``update_state(None, samples)``
    with ``samples`` of shape ``(S, ..., K)`` (MC-dropout passes or ensemble members along
    ``sample_axis``); ``y_true`` is not read."""

    def __init__(self, sample_axis: int = 0, from_logits: bool = False,
                 base: Optional[float] = None, name: str = "bald", dtype=None):
        super().__init__(base=base, name=name, dtype=dtype)
        self.sample_axis, self.from_logits = sample_axis, from_logits

    def update_state(self, y_true, y_pred, sample_weight=None):
        _no_weights(self, sample_weight)
        b = uncertainty.bald(y_pred, sample_axis=self.sample_axis,
                             from_logits=self.from_logits, base=_E)
        self._add(b, ops.size(b))

    def get_config(self):
        return {**super().get_config(), "sample_axis": self.sample_axis,
                "from_logits": self.from_logits}


class _Labels(keras.metrics.Metric):
    """A statistic of the contingency table of (``y_true``, predicted class) pairs over the
    epoch, the table a Keras variable of ``num_classes`` cells (an int, or a pair for
    ``y_true`` and the prediction) summed across replicas. ``y_pred``: class scores
    (``(..., K)``: the predicted class is their argmax) or labels of ``y_true``'s shape. Pairs
    outside ``[0, num_classes)`` are counted apart and make ``result`` NaN. The statistic is
    computed from the table with the measures, in graph mode too (no adjusted mutual
    information: its expectation term needs the host; use ``infotheory.torchmetrics`` or
    :func:`infotheory.estimate.adjusted_mutual_information` at the end of the epoch)."""

    def __init__(self, num_classes: Union[int, Tuple[int, int]], name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        pair = (num_classes, num_classes) if isinstance(num_classes, int) else \
            tuple(num_classes)
        if len(pair) != 2 or not all(isinstance(k, int) and not isinstance(k, bool) and k >= 1
                                     for k in pair):
            raise ValueError(f"{type(self).__name__}: num_classes must be a positive int or "
                             f"a pair of them, got {num_classes!r}")
        self.num_classes = pair
        self.table = self.add_variable(shape=(pair[0] * pair[1] + 1,), initializer="zeros",
                                       dtype="int32", name="table")

    def update_state(self, y_true, y_pred, sample_weight=None):
        _no_weights(self, sample_weight)
        kx, ky = self.num_classes
        x = ops.reshape(ops.cast(y_true, "int32"), (-1,))
        if len(y_pred.shape) == len(y_true.shape) + 1 or (
                len(y_pred.shape) == len(y_true.shape) and y_pred.shape[-1] != 1
                and y_true.shape[-1] == 1):
            y_pred = ops.argmax(y_pred, axis=-1)
        y = ops.reshape(ops.cast(y_pred, "int32"), (-1,))
        ok = ops.logical_and(ops.logical_and(x >= 0, x < kx), ops.logical_and(y >= 0, y < ky))
        cell = ops.where(ok, x * ky + y, kx * ky)
        # a segment sum with a static number of cells (bincount's size depends on the values,
        # which jax.jit refuses)
        counts = ops.segment_sum(ops.ones_like(cell), cell, num_segments=kx * ky + 1)
        self.table.assign_add(ops.cast(counts, "int32"))

    def _joint(self):
        """The joint distribution of the table (``float32`` or the metric's dtype), its
        number of pairs out of range, and the number of pairs."""
        table = ops.convert_to_tensor(self.table)
        counts = ops.cast(ops.reshape(table[:-1], self.num_classes), self.dtype)
        n = ops.sum(counts)
        return counts / n, table[-1], n

    def result(self):
        p, outside, n = self._joint()
        value = self._statistic_of(p)
        return ops.where(ops.logical_or(outside > 0, n == 0), math.nan, value)

    def reset_state(self):
        self.table.assign(ops.zeros(self.table.shape, dtype="int32"))

    def get_config(self):
        return {**super().get_config(), "num_classes": self.num_classes}


@keras.saving.register_keras_serializable(package=_PACKAGE)
class MutualInformation(_Labels):
    """Mutual information of (label, predicted class) over the epoch, bits by default."""

    def __init__(self, num_classes, base: Optional[float] = None,
                 name: str = "mutual_information", dtype=None):
        super().__init__(num_classes, name=name, dtype=dtype)
        if base is not None:
            _units._checked(type(self).__name__, base)
        self.base = base

    def _statistic_of(self, p):
        base = self.base if self.base is not None else _units.resolve(2.0)
        return measures.mutual_information(p, base=base)

    def get_config(self):
        return {**super().get_config(), "base": self.base}


@keras.saving.register_keras_serializable(package=_PACKAGE)
class NormalizedMutualInformation(_Labels):
    """Normalized mutual information of (label, predicted class) over the epoch, in [0, 1]."""

    def __init__(self, num_classes, average: str = "arithmetic",
                 name: str = "normalized_mutual_information", dtype=None):
        if average not in AVERAGES:
            raise ValueError(f"{type(self).__name__}: average must be one of {AVERAGES}, got "
                             f"{average!r}")
        super().__init__(num_classes, name=name, dtype=dtype)
        self.average = average

    def _statistic_of(self, p):
        # scikit-learn's normalized_mutual_info_score on the table's labels: 1 when both
        # labelings are constant, 0 when one is, I / mean(H(X), H(Y)) otherwise
        mi = measures.mutual_information(p, base=_E)
        hx = measures.entropy(ops.sum(p, axis=1), base=_E)
        hy = measures.entropy(ops.sum(p, axis=0), base=_E)
        if self.average == "arithmetic":
            mean = (hx + hy) / 2
        elif self.average == "geometric":
            mean = ops.sqrt(hx * hy)
        elif self.average == "min":
            mean = ops.minimum(hx, hy)
        else:
            mean = ops.maximum(hx, hy)
        both_constant = ops.logical_and(hx == 0, hy == 0)
        ratio = ops.where(mi == 0, 0.0, mi / ops.where(mean == 0, 1.0, mean))
        return ops.where(both_constant, 1.0, ratio)

    def get_config(self):
        return {**super().get_config(), "average": self.average}
