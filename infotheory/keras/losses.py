"""Keras 3 losses over the infotheory measures: ``CrossEntropy``, ``BinaryCrossEntropy``,
``KLDivergence``, ``JensenShannonDivergence``, ``Entropy``.

They follow Keras conventions (``name``, ``reduction``, ``dtype``, ``get_config``/``from_config``)
and are registered as serializable under the package ``"infotheory.losses"`` (the metrics of
:mod:`infotheory.keras.metrics` under ``"infotheory.metrics"``: a loss and a metric may share a
class name). ``import infotheory.keras`` registers both, so a ``.keras`` model saved with them
loads back. They dispatch on the tensors Keras hands them, so they work on Keras' TensorFlow,
JAX and torch backends alike.
"""
from __future__ import annotations

import math
from typing import Optional

import keras

from .. import _units, divergences, losses, measures
from ._shapes import _labels_or_targets, _same_rank

_PACKAGE = "infotheory.losses"

try:  # Keras 3's own way to mask a per-sample loss (what its ignore_class uses)
    from keras.src.backend import set_keras_mask as _set_keras_mask
except ImportError:  # pragma: no cover - a Keras without it: ignored samples still count 0
    _set_keras_mask = None


class _MeasureLoss(keras.losses.Loss):
    """Shared by the losses below: ``from_logits`` and ``base``, kept in the config. ``base``
    None (the default) is nats, or the unit chosen by :func:`infotheory.set_default_base` or
    :func:`infotheory.default_base` when the loss is computed (a loss's default: the book's
    measures default to bits, losses to nats)."""

    def __init__(self, from_logits: bool, base: Optional[float], name: str, reduction, dtype):
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.from_logits = from_logits
        self.base = base

    def _base(self) -> float:
        return _units.resolve(math.e) if self.base is None else self.base

    def get_config(self):
        return {**super().get_config(), "from_logits": self.from_logits, "base": self.base}


@keras.saving.register_keras_serializable(package=_PACKAGE)
class CrossEntropy(_MeasureLoss):
    """Cross-entropy ``-sum_k y_k log q_k`` (nats by default), via :func:`infotheory.cross_entropy`.

    ``y_true``: integer class indices (shape ``(batch,)`` or ``(batch, 1)``) or probability
    targets of ``y_pred``'s shape. ``y_pred``: probabilities, or logits with ``from_logits=True``.
    ``label_smoothing`` as Keras' ``CategoricalCrossentropy`` (for class indices too);
    ``ignore_class`` as Keras' ``SparseCategoricalCrossentropy``: those samples' losses are 0 and
    masked, so the mean runs over the others.
    """

    def __init__(self, from_logits: bool = False, base: Optional[float] = None,
                 label_smoothing: float = 0.0, ignore_class=None,
                 name: str = "infotheory_cross_entropy", reduction="sum_over_batch_size",
                 dtype=None):
        super().__init__(from_logits, base, name, reduction, dtype)
        self.label_smoothing = label_smoothing
        self.ignore_class = ignore_class

    def call(self, y_true, y_pred):
        y = _labels_or_targets(y_true, y_pred)
        res = losses.cross_entropy(y_pred, y, from_logits=self.from_logits, reduction="none",
                                   base=self._base(), label_smoothing=self.label_smoothing,
                                   ignore_index=self.ignore_class)
        if self.ignore_class is not None and _set_keras_mask is not None:
            _set_keras_mask(res, mask=keras.ops.not_equal(y, self.ignore_class))
        return res

    def get_config(self):
        return {**super().get_config(), "label_smoothing": self.label_smoothing,
                "ignore_class": self.ignore_class}


@keras.saving.register_keras_serializable(package=_PACKAGE)
class BinaryCrossEntropy(_MeasureLoss):
    """Binary cross-entropy, mean over the last axis (Keras' ``BinaryCrossentropy``), via
    :func:`infotheory.binary_cross_entropy`: exact on probabilities (no epsilon clipping: a
    certain target predicted impossible is +inf; use ``from_logits=True`` for the finite path).
    ``label_smoothing`` moves targets towards 1/2, as Keras does. ``y_true`` of shape (N,) meets a
    ``Dense(1)`` output (N, 1) as Keras' own losses do (ranks made equal by a trailing axis of
    size 1); other shapes must be equal."""

    def __init__(self, from_logits: bool = False, base: Optional[float] = None,
                 label_smoothing: float = 0.0, name: str = "infotheory_binary_cross_entropy",
                 reduction="sum_over_batch_size", dtype=None):
        super().__init__(from_logits, base, name, reduction, dtype)
        self.label_smoothing = label_smoothing

    def call(self, y_true, y_pred):
        y_true, y_pred = _same_rank(keras.ops.cast(y_true, y_pred.dtype), y_pred)
        if self.label_smoothing:
            y_true = y_true * (1.0 - self.label_smoothing) + 0.5 * self.label_smoothing
        res = losses.binary_cross_entropy(y_pred, y_true, from_logits=self.from_logits,
                                          reduction="none", base=self._base())
        return keras.ops.mean(res, axis=-1)

    def get_config(self):
        return {**super().get_config(), "label_smoothing": self.label_smoothing}


@keras.saving.register_keras_serializable(package=_PACKAGE)
class JensenShannonDivergence(_MeasureLoss):
    """Jensen-Shannon divergence between ``y_true`` (probabilities) and ``y_pred`` over the last
    axis (nats by default), via :func:`infotheory.jensen_shannon_divergence`; with
    ``from_logits=True``, ``y_pred`` holds logits. Bounded by ln 2 nats, finite at zeros."""

    def __init__(self, from_logits: bool = False, base: Optional[float] = None,
                 name: str = "infotheory_jensen_shannon_divergence",
                 reduction="sum_over_batch_size", dtype=None):
        super().__init__(from_logits, base, name, reduction, dtype)

    def call(self, y_true, y_pred):
        return divergences.jensen_shannon_divergence(
            keras.ops.cast(y_true, y_pred.dtype), y_pred,
            from_logits="q" if self.from_logits else False, base=self._base())


@keras.saving.register_keras_serializable(package=_PACKAGE)
class KLDivergence(_MeasureLoss):
    """``D(y_true || y_pred)`` over the last axis (nats by default), via
    :func:`infotheory.kl_divergence`: exact at zeros, no epsilon clipping. ``y_true`` is a
    probability distribution (a teacher's probabilities in distillation); with
    ``from_logits=True``, ``y_pred`` holds logits (Keras' convention; the first version read
    both as logits)."""

    def __init__(self, from_logits: bool = False, base: Optional[float] = None,
                 name: str = "infotheory_kl_divergence", reduction="sum_over_batch_size",
                 dtype=None):
        super().__init__(from_logits, base, name, reduction, dtype)

    def call(self, y_true, y_pred):
        # Keras' from_logits is about y_pred: y_true stays a probability distribution.
        return divergences.kl_divergence(y_true, y_pred, from_logits="q" if self.from_logits
                                      else False, base=self._base())


@keras.saving.register_keras_serializable(package=_PACKAGE)
class Entropy(_MeasureLoss):
    """Entropy regularization loss: ``weight * H(y_pred)`` over the last axis; ``y_true`` is
    ignored. A positive weight rewards confident predictions; a negative one is an entropy
    bonus (exploration, label smoothing-like)."""

    def __init__(self, from_logits: bool = False, base: Optional[float] = None, weight: float = 1.0,
                 name: str = "infotheory_entropy", reduction="sum_over_batch_size", dtype=None):
        super().__init__(from_logits, base, name, reduction, dtype)
        self.weight = weight

    def call(self, y_true, y_pred):
        return measures.entropy(y_pred, from_logits=self.from_logits, base=self._base()) * self.weight

    def get_config(self):
        return {**super().get_config(), "weight": self.weight}


__all__ = ["BinaryCrossEntropy", "CrossEntropy", "Entropy", "JensenShannonDivergence",
           "KLDivergence"]
