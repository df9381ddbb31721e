"""Keras 3 losses and metrics over the infotheory measures.

- Losses (:mod:`infotheory.keras.losses`, re-exported here): ``CrossEntropy``,
  ``BinaryCrossEntropy``, ``KLDivergence``, ``JensenShannonDivergence``, ``Entropy``, with Keras'
  conventions (``name``, ``reduction``, ``dtype``, ``get_config``).
- Epoch metrics (:mod:`infotheory.keras.metrics`): generated from the declarations in
  ``infotheory.metrics``, the same as :mod:`infotheory.torchmetrics`.

Importing this package registers both for serialization, under distinct packages
(``"infotheory.losses>CrossEntropy"``, ``"infotheory.metrics>CrossEntropy"``), so a ``.keras``
model compiled with our loss and our metrics loads back after ``import infotheory.keras``.
Models saved by earlier versions (``"infotheory>..."``) load too.

>>> import keras, infotheory.keras as itk                       # doctest: +SKIP
>>> model.compile(optimizer="adam", loss=itk.CrossEntropy(from_logits=True),
...               metrics=[itk.metrics.Perplexity(from_logits=True)])  # doctest: +SKIP

This package imports Keras; ``import infotheory`` alone does not.
"""
from __future__ import annotations

import keras

from . import metrics
from .losses import BinaryCrossEntropy, CrossEntropy, Entropy, JensenShannonDivergence, \
    KLDivergence

__all__ = ["BinaryCrossEntropy", "CrossEntropy", "Entropy", "JensenShannonDivergence",
           "KLDivergence"]

def _loss_or_metric(name: str):
    """What an earlier version's ``"infotheory>NAME"`` was when a loss and a metric shared the
    name (CrossEntropy, Entropy, KLDivergence): a loss's config has a ``reduction``."""
    loss, metric = globals()[name], getattr(metrics, name)

    class LossOrMetric:
        @classmethod
        def from_config(cls, config):
            return (loss if "reduction" in config else metric).from_config(config)
    LossOrMetric.__name__ = LossOrMetric.__qualname__ = f"{name}LossOrMetric"
    return LossOrMetric


# the names earlier versions saved under: the losses, the metrics whose names no loss had, and
# the three names both had
_OLD = {cls.__name__: cls for cls in (BinaryCrossEntropy, JensenShannonDivergence)}
_OLD.update({name: getattr(metrics, name) for name in (
    "Perplexity", "BALD", "MutualInformation", "NormalizedMutualInformation")})
_OLD.update({name: _loss_or_metric(name) for name in ("CrossEntropy", "Entropy", "KLDivergence")})
for _name, _cls in _OLD.items():
    keras.saving.get_custom_objects().setdefault(f"infotheory>{_name}", _cls)
del _name, _cls
