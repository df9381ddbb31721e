"""Keras 3 epoch metrics: ``keras.metrics.Metric`` classes generated from the declarations in
``infotheory.metrics`` (whose docstring, with the guide "Training-time metrics", documents the
semantics they share with :mod:`infotheory.torchmetrics`). The value over an epoch is the
function on all its batches, not a mean of batch values.

States are Keras variables (a sum in float64 where the backend has it, a count, or a
contingency table) with Keras' default ``aggregation="sum"``, so ``tf.distribute`` strategies
sum them across replicas. They work on Keras' TensorFlow, JAX and torch backends, inside
``model.compile(metrics=[...])``, and are serializable (registered as
``"infotheory.metrics>NAME"`` when :mod:`infotheory.keras` is imported).

>>> import infotheory.keras.metrics as itm                          # doctest: +SKIP
>>> model.compile(loss=..., metrics=[itm.Perplexity(from_logits=True)])  # doctest: +SKIP

``update_state(y_true, y_pred, sample_weight=None)``; ``sample_weight`` is not supported
(``ValueError``). The label metrics need ``num_classes`` (a table of static size).
"""
from __future__ import annotations

import inspect
import math
from typing import Any, Dict

import keras
import numpy as np

from .. import _dispatch
from ..metrics import SPECS, Spec, fold_table, tables, value_of_mean, value_of_table
from ._shapes import _labels_or_targets

__all__ = [s.name for s in SPECS]

_PACKAGE = "infotheory.metrics"
ops = keras.ops


def _wide() -> str:
    """float64 where the Keras backend has it (JAX only with x64 enabled)."""
    if keras.backend.backend() == "jax":
        import jax
        return "float64" if jax.config.jax_enable_x64 else "float32"
    return "float64"


def _floating(x) -> bool:
    return "float" in str(keras.backend.standardize_dtype(x.dtype))


def _at_least_float32(x):
    dtype = keras.backend.standardize_dtype(x.dtype)
    return ops.cast(x, "float32") if dtype in ("float16", "bfloat16") else x


def _classes(x):
    """Labels from class scores or one-hot rows (argmax), binary probabilities (> 0.5) or
    labels (as they are), flattened to int32."""
    if _floating(x):
        x = ops.greater(x, 0.5)
    return ops.reshape(ops.cast(x, "int32"), (-1,))


def _label_pair(y_true, y_pred):
    """(target, prediction) labels from Keras' tensors (see ``infotheory.metrics``)."""
    t, p = len(y_true.shape), len(y_pred.shape)
    if p == t + 1 and y_pred.shape[-1] == 1:  # Dense(1, "sigmoid") against (N,) labels
        y_pred = ops.squeeze(y_pred, -1)
    elif p == t + 1 or (p == t >= 2 and y_pred.shape[-1] != 1):  # class scores
        y_pred = ops.argmax(y_pred, axis=-1)
        if p == t and y_true.shape[-1] == 1:
            y_true = ops.squeeze(y_true, -1)
        elif p == t:  # one-hot targets
            y_true = ops.argmax(y_true, axis=-1)
    elif t == p + 1:
        y_true = ops.squeeze(y_true, -1) if y_true.shape[-1] == 1 else \
            ops.argmax(y_true, axis=-1)
    target = ops.reshape(ops.cast(y_true, "int32"), (-1,))
    return target, _classes(y_pred)


def _read(variable):
    """A variable's value as a tensor of the backend (in a compiled step too)."""
    return ops.convert_to_tensor(variable.value)


def _host(fn, x, out: str):
    """``fn`` (NumPy in, a float64 scalar out) on the host, from a compiled step too: TF's
    ``numpy_function`` (so not under XLA), JAX's ``pure_callback``, torch eagerly."""
    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf
        if tf.executing_eagerly():
            return tf.constant(fn(x.numpy()), dtype=out)
        r = tf.numpy_function(lambda a: np.asarray(fn(a), dtype=out), [x], out, stateful=False)
        r.set_shape(())
        return r
    if backend == "jax":
        import jax
        return jax.pure_callback(lambda a: np.asarray(fn(np.asarray(a)), dtype=out),
                                 jax.ShapeDtypeStruct((), out), x)
    return ops.convert_to_tensor(fn(ops.convert_to_numpy(x)), dtype=out)


class _Adapter(keras.metrics.Metric):
    """A metric generated from its declaration (``_spec``): options checked first."""
    _spec: Spec

    def __init__(self, name=None, dtype=None, **options):
        spec = self._spec
        checked = spec.checked(options)
        if "num_classes" in checked and checked["num_classes"] is None:
            raise ValueError(f"{spec.name}: num_classes is required in Keras (the table has a "
                             f"static size); infotheory.torchmetrics can keep the labels")
        super().__init__(name=name or spec.keras_name, dtype=dtype)
        self._options: Dict[str, Any] = checked
        for key, value in checked.items():
            setattr(self, key, value)

    def _value_options(self):
        options = {k: v for k, v in self._options.items() if k != "base"}
        if options.get("from_logits") is True and any(
                name == "y_true" and role == "dist" for name, (_, role) in
                zip(self._spec.keras_inputs, self._spec.inputs)):
            options["from_logits"] = "q"  # Keras' from_logits is about y_pred only
        return options

    def merge_state(self, metrics) -> None:
        """Add the states of other metrics of this class (Keras 2's ``merge_state``): the
        result is that of all their batches and this one's."""
        for other in metrics:
            if type(other) is not type(self) or other._options != self._options:
                raise ValueError(f"{self._spec.name}: merge_state takes metrics of the same "
                                 f"class and options, got {other!r}")
            for mine, theirs in zip(self.variables, other.variables):
                mine.assign_add(theirs.value)

    @classmethod
    def from_config(cls, config):
        # (earlier versions saved options that are no longer any, as None: Perplexity's base)
        known = {o.name for o in cls._spec.options} | {"name", "dtype"}
        return cls(**{k: v for k, v in config.items() if k in known or v is not None})

    def get_config(self):
        config = {**super().get_config(), **self._options}
        if config.get("num_classes") is not None:
            config["num_classes"] = list(config["num_classes"])
        return config


class _Mean(_Adapter):
    def __init__(self, name=None, dtype=None, **options):
        super().__init__(name=name, dtype=dtype, **options)
        wide = _wide()
        self.total = self.add_variable(shape=(), initializer="zeros", dtype=wide, name="total")
        self.count = self.add_variable(shape=(), initializer="zeros", dtype=wide, name="count")

    def update_state(self, y_true, y_pred, sample_weight=None):
        spec = self._spec
        if sample_weight is not None:
            raise ValueError(f"{spec.name}: sample_weight is not supported")
        given = {"y_true": y_true, "y_pred": ops.convert_to_tensor(y_pred)}
        inputs = []
        for name, (_, role) in zip(spec.keras_inputs, spec.inputs):
            x = ops.convert_to_tensor(given[name])
            if role == "target":
                x = _labels_or_targets(x, given["y_pred"])
            inputs.append(_at_least_float32(x))
        values, mask = spec.values(*inputs, **self._value_options())
        wide = self.total.dtype
        self.total.assign_add(ops.sum(ops.cast(values, wide)))
        self.count.assign_add(ops.cast(ops.size(values), wide) if mask is None else
                              ops.sum(ops.cast(mask, wide)))

    def result(self):
        total, count = _read(self.total), _read(self.count)
        value = value_of_mean(_dispatch.backend_of(total), self._spec, total, count,
                              self._options.get("base"))
        return ops.cast(value, self.dtype)


class _Table(_Adapter):
    def __init__(self, name=None, dtype=None, **options):
        super().__init__(name=name, dtype=dtype, **options)
        self._shape = self._options["num_classes"]  # (y_true's classes, y_pred's)
        cells = self._shape[0] * self._shape[1] + 1  # the last: pairs outside the table
        self.table = self.add_variable(shape=(cells,), initializer="zeros", dtype="int32",
                                       name="table")

    def update_state(self, y_true, y_pred, sample_weight=None):
        if sample_weight is not None:
            raise ValueError(f"{self._spec.name}: sample_weight is not supported")
        target, preds = _label_pair(ops.convert_to_tensor(y_true), ops.convert_to_tensor(y_pred))
        counts = fold_table(_dispatch.backend_of(target), target, preds, self._shape,
                            self._options["ignore_index"])
        self.table.assign_add(ops.cast(counts, "int32"))

    def result(self):
        spec, options = self._spec, self._options
        flat = _read(self.table)
        if spec.statistic == "adjusted_mutual_information":  # E[I] on the host
            shape, average = self._shape, options["average"]

            def ami(host):
                host = np.asarray(host)
                return math.nan if host[-1] else tables.host_statistic(
                    spec.statistic, host[:-1].reshape(shape), average=average)
            return ops.cast(_host(ami, flat, _wide()), self.dtype)
        flat = ops.cast(flat, _wide())
        value = value_of_table(_dispatch.backend_of(flat), spec, flat, self._shape, options)
        return ops.cast(value, self.dtype)


def _generate(spec: Spec):
    base = _Mean if spec.kind == "mean" else _Table
    roles = ", ".join(f"``{name}``: {arg}" for name, (arg, _) in
                      zip(spec.keras_inputs, spec.inputs))
    options = "\n".join(f"- ``{o.name}`` (default ``{o.default!r}``): {o.doc}"
                        for o in spec.options)
    doc = (f"{spec.doc}\n\n``update_state(y_true, y_pred)`` ({roles}); ``result()`` gives the "
           f"value of the epoch (NaN before any row). Options:\n\n{options}\n\nExample::\n\n"
           f"    import infotheory.keras as itk\n"
           f"    model.compile(optimizer='adam', loss=...,\n"
           f"                  metrics=[itk.metrics.{spec.name}({spec.example_options()})])\n"
           f"    model.fit(x, y)  # logs '{spec.keras_name}', the value of each epoch\n\n"
           f"Semantics shared with torchmetrics: ``infotheory.metrics``, the guide "
           f"'Training-time metrics'.")
    params = [inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
    params += [inspect.Parameter(o.name, inspect.Parameter.KEYWORD_ONLY, default=o.default)
               for o in spec.options]
    params += [inspect.Parameter("name", inspect.Parameter.KEYWORD_ONLY, default=None),
               inspect.Parameter("dtype", inspect.Parameter.KEYWORD_ONLY, default=None)]

    def __init__(self, *args, name=None, dtype=None, **options):
        spec.refuse_positional(args)
        base.__init__(self, name=name, dtype=dtype, **options)
    __init__.__signature__ = inspect.Signature(params)
    namespace = {"__init__": __init__, "__doc__": doc, "_spec": spec, "__module__": __name__,
                 "__qualname__": spec.name}
    cls = type(spec.name, (base,), namespace)
    return keras.saving.register_keras_serializable(package=_PACKAGE)(cls)


for _spec in SPECS:
    globals()[_spec.name] = _generate(_spec)
del _spec
