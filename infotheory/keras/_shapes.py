"""How Keras' two tensors (``y_true``, ``y_pred``) become the measures' inputs: shared by the
losses and the metrics."""
from __future__ import annotations

import keras


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


def _same_rank(y_true, y_pred):
    """Keras' own rule for a loss's two tensors (``squeeze_or_expand_to_same_rank``): when the
    ranks differ by one and the larger ends in an axis of size 1, squeeze it, except that a rank-1
    tensor is expanded instead. So ``Dense(1)`` outputs (N, 1) meet (N,) labels as (N, 1)."""
    t, p = len(y_true.shape), len(y_pred.shape)
    if t == p + 1 and y_true.shape[-1] == 1:
        return (keras.ops.squeeze(y_true, -1), y_pred) if p != 1 else \
            (y_true, keras.ops.expand_dims(y_pred, -1))
    if p == t + 1 and y_pred.shape[-1] == 1:
        return (keras.ops.expand_dims(y_true, -1), y_pred) if t == 1 else \
            (y_true, keras.ops.squeeze(y_pred, -1))
    return y_true, y_pred
