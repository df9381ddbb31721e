"""Metrics that are a mean of per-row values over the epoch: each declares the per-row values
(in nats, through the public measures) and the rows that count; the adapters keep their sum in
float64 (float32 where the framework has no float64) and their count."""
from __future__ import annotations

import math

from .. import _dispatch, divergences, losses, measures, uncertainty
from ._declare import (AXIS, BASE, FROM_LOGITS, IGNORE_INDEX, Option, Spec, integer,
                       logits_of_divergence)

_E = math.e


def _in_unit(B, mean_nats, base):
    return mean_nats / math.log(base)


def _exp(B, mean_nats, base=None):
    return B.exp(mean_nats)


def _cross_entropy(preds, target, *, from_logits, ignore_index):
    values = losses.cross_entropy(preds, target, from_logits=from_logits,
                                  ignore_index=ignore_index, reduction="none", base=_E)
    labels = _dispatch.backend_of(target).dtype_kind(target) in "iu"
    return values, (target != ignore_index if labels and ignore_index is not None else None)


def _entropy(p, *, axis, from_logits):
    return measures.entropy(p, axis=axis, from_logits=from_logits, base=_E), None


def _kl(p, q, *, axis, from_logits):
    return divergences.kl_divergence(p, q, axis=axis, from_logits=from_logits, base=_E), None


def _jsd(p, q, *, axis, from_logits):
    return divergences.jensen_shannon_divergence(p, q, axis=axis, from_logits=from_logits,
                                              base=_E), None


def _bald(p, *, sample_axis, axis, from_logits):
    return uncertainty.bald(p, sample_axis=sample_axis, axis=axis, from_logits=from_logits,
                            base=_E), None


def _distinct_axes(fn, options):
    a, b = options["sample_axis"], options["axis"]
    if a == b:  # (-1 and 2 may be one axis too: the update says so, knowing the rank)
        raise ValueError(f"{fn}: sample_axis and axis must be different axes, got {a} for both")


_DIVERGENCE_LOGITS = Option("from_logits", False, logits_of_divergence,
                            "which inputs are logits: False, True (both) or 'q' (the "
                            "predictions); Keras' True means 'q' (y_true is a distribution)")
_TARGET_INPUTS = (("preds", "dist"), ("target", "target"))

CROSS_ENTROPY = Spec(
    name="CrossEntropy", keras_name="cross_entropy", kind="mean",
    doc="Cross-entropy of the epoch, token-weighted: ``sum -log q[y] / number of targets`` "
        "over every non-ignored target (not a mean of batch means). ``preds``: (..., K) "
        "probabilities or logits; ``target``: class indices (...) or probabilities (..., K), "
        "one count per row. Nats by default.",
    inputs=_TARGET_INPUTS, keras_inputs=("y_pred", "y_true"),
    options=(FROM_LOGITS, IGNORE_INDEX, BASE), unit=_E, higher_is_better=False,
    values=_cross_entropy, finish=_in_unit)

PERPLEXITY = Spec(
    name="Perplexity", keras_name="perplexity", kind="mean",
    doc="Perplexity of the epoch: ``exp`` of its token-weighted cross-entropy in nats (not a "
        "mean of batch perplexities), as torchmetrics' ``Perplexity``. Unitless.",
    inputs=_TARGET_INPUTS, keras_inputs=("y_pred", "y_true"),
    options=(FROM_LOGITS, IGNORE_INDEX), unit=None, higher_is_better=False,
    values=_cross_entropy, finish=_exp)

ENTROPY = Spec(
    name="Entropy", keras_name="entropy", kind="mean",
    doc="Mean entropy ``-sum p log p`` of the distributions seen in the epoch (one per row "
        "over ``axis``). Keras reads ``y_pred`` (``y_true`` is not read). Bits by default.",
    inputs=(("p", "dist"),), keras_inputs=("y_pred",),
    options=(AXIS, FROM_LOGITS, BASE), unit=2.0, higher_is_better=None,
    values=_entropy, finish=_in_unit)

KL_DIVERGENCE = Spec(
    name="KLDivergence", keras_name="kl_divergence", kind="mean",
    doc="Mean ``KL(p || q) = sum p log(p / q)`` over the rows of the epoch (Keras: ``p`` is "
        "``y_true``, ``q`` is ``y_pred``). +inf where p > 0 and q = 0. Bits by default "
        "(``base=math.e``: torchmetrics' and Keras' ``KLDivergence``).",
    inputs=(("p", "dist"), ("q", "dist")), keras_inputs=("y_true", "y_pred"),
    options=(AXIS, _DIVERGENCE_LOGITS, BASE), unit=2.0, higher_is_better=False,
    values=_kl, finish=_in_unit)

JENSEN_SHANNON_DIVERGENCE = Spec(
    name="JensenShannonDivergence", keras_name="jensen_shannon_divergence", kind="mean",
    doc="Mean Jensen-Shannon divergence ``KL(p || m) / 2 + KL(q || m) / 2``, ``m = (p + q) / "
        "2``, over the rows of the epoch (Keras: ``p`` is ``y_true``). At most 1 bit. Bits by "
        "default (``base=math.e``: torchmetrics' ``JensenShannonDivergence``).",
    inputs=(("p", "dist"), ("q", "dist")), keras_inputs=("y_true", "y_pred"),
    options=(AXIS, _DIVERGENCE_LOGITS, BASE), unit=2.0, higher_is_better=False,
    values=_jsd, finish=_in_unit)

BALD = Spec(
    name="BALD", keras_name="bald", kind="mean",
    doc="Mean BALD (:func:`infotheory.bald`: the mutual information between the prediction "
        "and the model's parameters) over the epoch's inputs. ``p``: (samples, ..., classes) "
        "predictions of MC-dropout passes or ensemble members along ``sample_axis`` (Keras: "
        "``y_pred``). Bits by default.",
    inputs=(("p", "dist"),), keras_inputs=("y_pred",),
    options=(Option("sample_axis", 0, integer("sample_axis"), "the axis of the samples"),
             AXIS, FROM_LOGITS, BASE),
    unit=2.0, higher_is_better=None, values=_bald, finish=_in_unit, relations=_distinct_axes)

SPECS = (CROSS_ENTROPY, PERPLEXITY, ENTROPY, KL_DIVERGENCE, JENSEN_SHANNON_DIVERGENCE, BALD)
