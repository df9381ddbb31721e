"""Epoch metrics, declared once for every framework: :mod:`infotheory.torchmetrics`
(``torchmetrics.Metric`` classes) and :mod:`infotheory.keras.metrics` (``keras.metrics.Metric``
classes) are generated from the declarations here. This package imports no framework.

A metric over an epoch is the function on the concatenation of all its batches: the
cross-entropy is token-weighted (not a mean of batch means), the perplexity is ``exp`` of that
cross-entropy, the mutual information is that of one contingency table summed over batches
and processes.

The semantics, the same in both frameworks:

- **Arguments.** torch: torchmetrics' order, ``update(preds, target)`` (``update(p)``,
  ``update(p, q)`` for the measures of distributions). Keras: ``update_state(y_true, y_pred)``,
  mapped to the same inputs (each class's docstring says how).
- **States.** Sums of per-row values in nats, kept in float64 (float32 where the framework has
  no float64: JAX without x64); inputs below float32 (float16, bfloat16) are computed in
  float32, so an epoch of float16 logits never overflows. Counts in int64 (torch) or float64.
  Label metrics keep a table of ``num_classes`` cells (at most 2**27) or, in torch without
  ``num_classes``, copies of the labels (an in-place change after ``update`` changes nothing).
- **Units.** ``base`` if given, else the default unit (:func:`infotheory.default_base`) in
  force when the value is computed; a torch ``compute()`` is not cached across units. Keras'
  compiled step reads the unit when it is traced.
- **Labels.** ``ignore_index`` skips the rows whose target is that index. Label pairs outside
  ``[0, num_classes)`` make the value NaN (no host read; count them with ``num_classes`` large
  enough). Keras: class scores ``(..., K)`` are reduced by ``argmax``, a one-hot ``y_true``
  too (as Keras' categorical metrics do); a ``y_pred`` of probabilities with a last axis of
  size 1 is thresholded at 0.5 (as Keras' ``BinaryAccuracy``).
- **Logits.** ``from_logits=True``: the predictions are logits (for the divergences, ``True``
  reads both inputs as logits and ``"q"`` only the predictions; Keras' ``True`` means ``"q"``).
- **Empty.** A metric that has seen no rows is NaN (0 / 0), in both frameworks.
- **Errors.** Every option is checked at construction, with a message naming it.
"""
from __future__ import annotations

import math

from .. import _units
from . import means, tables
from ._declare import Spec

__all__ = ["SPECS", "Spec", "fold_table", "value_of_mean", "value_of_table"]

#: every metric, in the order the adapters list them
SPECS = means.SPECS + tables.SPECS


def resolved_base(spec: Spec, base):
    """The base of a value computed now (None: unitless)."""
    if spec.unit is None:
        return None
    return base if base is not None else _units.resolve(spec.unit)


def value_of_mean(B, spec: Spec, total, count, base):
    """The value of a ``"mean"`` metric from its sum (nats) and count."""
    return spec.finish(B, total / count, resolved_base(spec, base))


def fold_table(B, target, preds, shape, ignore_index):
    """The counts a batch adds to a flat table of ``shape[0] * shape[1] + 1`` cells: cell
    ``t * shape[1] + p`` for each pair (integer labels of one shape), the last for a pair
    outside the table; pairs whose target is ``ignore_index`` are not counted."""
    kt, kp = shape
    inside = (target >= 0) & (target < kt) & (preds >= 0) & (preds < kp)
    cell = B.where(inside, target * kp + preds, 0 * target + kt * kp)
    if ignore_index is None:
        return B.bincount(cell, kt * kp + 1)
    cell = B.where(target != ignore_index, cell, 0 * target + kt * kp + 1)
    return B.bincount(cell, kt * kp + 2)[:kt * kp + 1]


def value_of_table(B, spec: Spec, flat, shape, options):
    """The value of a ``"table"`` metric from its flat float counts (see :func:`fold_table`):
    NaN when a pair fell outside the table or none was counted."""
    counts = B.reshape(flat[:-1], tuple(shape))
    value = tables.table_statistic(B, spec.statistic, counts,
                                   **{k: options[k] for k in ("beta", "average") if k in options})
    base = resolved_base(spec, options.get("base"))
    if base is not None:
        value = value / math.log(base)
    return B.where(flat[-1] > 0, value * math.nan, value)
