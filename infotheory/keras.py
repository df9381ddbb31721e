"""Keras 3 losses over the infotheory measures: ``CrossEntropy``, ``KLDivergence``, ``Entropy``.

They follow Keras conventions (``name``, ``reduction``, ``dtype``, ``get_config``/``from_config``)
and are registered as serializable (package ``"infotheory"``), so a ``.keras`` model saved with
them loads back once this module is imported. They dispatch on the tensors Keras hands them, so
they work on Keras' TensorFlow backend and on its torch backend alike.

>>> import keras, infotheory.keras as itk                       # doctest: +SKIP
>>> model.compile(optimizer="adam", loss=itk.CrossEntropy(from_logits=True))  # doctest: +SKIP

This module imports Keras; ``import infotheory`` alone does not.
"""
from __future__ import annotations

import math

import keras

from . import losses, measures

_PACKAGE = "infotheory"


def _labels_or_targets(y_true, y_pred):
    """Keras hands ``y_true`` over cast to the loss dtype. Targets with ``y_pred``'s shape are
    probabilities; otherwise (shape ``y_pred.shape[:-1]``, or that plus a trailing 1) they are
    class indices, cast back to integers."""
    t_shape, p_shape = tuple(y_true.shape), tuple(y_pred.shape)
    if len(t_shape) == len(p_shape) and t_shape[-1] == p_shape[-1] and p_shape[-1] != 1:
        return y_true
    if len(t_shape) == len(p_shape) and t_shape[-1] == 1:
        y_true = keras.ops.squeeze(y_true, axis=-1)
    return keras.ops.cast(y_true, "int64")


class _MeasureLoss(keras.losses.Loss):
    """Shared by the losses below: ``from_logits`` and ``base``, kept in the config."""

    def __init__(self, from_logits: bool, base: float, name: str, reduction, dtype):
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.from_logits = from_logits
        self.base = base

    def get_config(self):
        return {**super().get_config(), "from_logits": self.from_logits, "base": self.base}


@keras.saving.register_keras_serializable(package=_PACKAGE)
class CrossEntropy(_MeasureLoss):
    """Cross-entropy ``-sum_k y_k log q_k`` (nats by default), via :func:`infotheory.cross_entropy`.

    ``y_true``: integer class indices (shape ``(batch,)`` or ``(batch, 1)``) or probability
    targets of ``y_pred``'s shape. ``y_pred``: probabilities, or logits with ``from_logits=True``.
    """

    def __init__(self, from_logits: bool = False, base: float = math.e,
                 name: str = "infotheory_cross_entropy", reduction="sum_over_batch_size",
                 dtype=None):
        super().__init__(from_logits, base, name, reduction, dtype)

    def call(self, y_true, y_pred):
        return losses.cross_entropy(y_pred, _labels_or_targets(y_true, y_pred),
                                      from_logits=self.from_logits, reduction="none",
                                      base=self.base)


@keras.saving.register_keras_serializable(package=_PACKAGE)
class KLDivergence(_MeasureLoss):
    """``D(y_true || y_pred)`` over the last axis (nats by default), via
    :func:`infotheory.kl_divergence`: exact at zeros, no epsilon clipping. With
    ``from_logits=True`` both are logits (distillation)."""

    def __init__(self, from_logits: bool = False, base: float = math.e,
                 name: str = "infotheory_kl_divergence", reduction="sum_over_batch_size",
                 dtype=None):
        super().__init__(from_logits, base, name, reduction, dtype)

    def call(self, y_true, y_pred):
        return measures.kl_divergence(y_true, y_pred, from_logits=self.from_logits,
                                      base=self.base)


@keras.saving.register_keras_serializable(package=_PACKAGE)
class Entropy(_MeasureLoss):
    """Entropy regularization loss: ``weight * H(y_pred)`` over the last axis; ``y_true`` is
    ignored. A positive weight rewards confident predictions; a negative one is an entropy
    bonus (exploration, label smoothing-like)."""

    def __init__(self, from_logits: bool = False, base: float = math.e, weight: float = 1.0,
                 name: str = "infotheory_entropy", reduction="sum_over_batch_size", dtype=None):
        super().__init__(from_logits, base, name, reduction, dtype)
        self.weight = weight

    def call(self, y_true, y_pred):
        return measures.entropy(y_pred, from_logits=self.from_logits, base=self.base) * self.weight

    def get_config(self):
        return {**super().get_config(), "weight": self.weight}


__all__ = ["CrossEntropy", "KLDivergence", "Entropy"]
