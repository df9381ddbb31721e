"""The backend interface: a small set of primitives, and every measure written once on top of them.

A backend subclass supplies the primitives in its framework's own ops (``log``, ``where``,
``sum``...). The measures below use nothing else, so their mathematics lives in exactly one place.
A subclass may override a measure only with a real fused kernel of its framework, and a test must
show that the override equals the generic version here.

Every measure receives native tensors already in the compute dtype (see ``upcast``) and returns
natural-log values divided by ``log_base`` (``ln(base)``), so results are in units of ``base``.
"""
from __future__ import annotations

import contextlib
import math
from typing import Any, Optional, Sequence, Tuple

Axes = Optional[Tuple[int, ...]]  # normalized, non-negative axes; None means all


class Backend:
    """One framework's primitives. Subclasses set ``name`` and ``module_name``."""

    name: str = "?"
    #: The top-level module a tensor of this backend comes from. Detection only looks at
    #: ``sys.modules[module_name]``, so it never imports the framework itself.
    module_name: str = "?"

    # --- detection and conversion -------------------------------------------------------
    def is_native(self, x: Any) -> bool:
        """True if ``x`` is a tensor of this framework (its module must already be imported)."""
        raise NotImplementedError

    def version(self) -> str:
        raise NotImplementedError

    def scope(self):
        """A context entered around every measure (MXNet uses it for NumPy semantics)."""
        return contextlib.nullcontext()

    def float_tensor(self, x: Any, like: Any = None) -> Any:
        """``x`` as a native floating tensor. Native floating tensors pass unchanged; native
        integers become the framework's default float; NumPy arrays and Python values take the
        dtype and device of ``like`` when given, else the framework's default float (float64 for
        the NumPy backend). Non-real dtypes are rejected earlier, by ``dtype_kind``."""
        raise NotImplementedError

    def is_float_native(self, x: Any) -> bool:
        """True for a native tensor with a floating dtype (the common, fast case)."""
        return self.is_native(x) and self.dtype_kind(x) == "f"

    def label_tensor(self, y: Any, like: Any) -> Any:
        """Integer class indices ``y`` as a native int64 tensor on ``like``'s device."""
        raise NotImplementedError

    def dtype_kind(self, x: Any) -> str:
        """NumPy's dtype kind of a native tensor: 'f', 'i', 'u', 'b', 'c' or other."""
        raise NotImplementedError

    def shape(self, x: Any) -> Tuple[Optional[int], ...]:
        """Static shape; ``None`` for a dimension unknown at trace time."""
        raise NotImplementedError

    def upcast(self, *xs: Any) -> Tuple[list, Any]:
        """Cast floating tensors to one compute dtype: their common type, with float16 and
        bfloat16 raised to float32. Returns ``(tensors, output_dtype)``."""
        raise NotImplementedError

    def cast(self, x: Any, dtype: Any) -> Any:
        raise NotImplementedError

    def itemsize(self, x: Any) -> int:
        """Bytes per element of ``x``'s dtype (picks validation tolerances)."""
        raise NotImplementedError

    def finish(self, x: Any, *inputs: Any) -> Any:
        """Turn a computed result into what the caller gets back, given the caller's inputs."""
        return x

    # --- math primitives ----------------------------------------------------------------
    def log(self, x):
        raise NotImplementedError

    def exp(self, x):
        raise NotImplementedError

    def where(self, cond, a, b):
        """Elementwise select; ``a`` or ``b`` may be a Python number."""
        raise NotImplementedError

    def sum(self, x, axis: Axes, keepdims: bool = False):
        raise NotImplementedError

    def logsumexp(self, x, axis: Axes, keepdims: bool = False):
        raise NotImplementedError

    def log_softmax(self, x, axis: Axes):
        """Log-probabilities normalized over ``axis``; a backend may use its fused op."""
        return x - self.logsumexp(x, axis, keepdims=True)

    def take_last(self, x, idx):
        """``x[..., idx[...]]``: pick one entry of the last axis per leading index."""
        raise NotImplementedError

    def mean(self, x):
        """Mean over all elements, as a 0-d tensor."""
        raise NotImplementedError

    # --- host copy, used only by validation (validate=True) ---------------------------
    def to_numpy(self, x):
        """A NumPy copy of ``x``; validation is data-dependent, so it pays this host copy."""
        raise NotImplementedError

    # --- shared building blocks ---------------------------------------------------------
    def xlogy_masked(self, p, q):
        """``p * log q`` with the convention 0 * log q = 0 for every q (0 included).

        Both the log's argument and the product are masked where ``p == 0``, so the value is
        exactly 0 there and so is every gradient through it (no inf * 0 = NaN).
        """
        return p * self.log(self.where(p != 0, q, 1.0))

    def xlogratio_masked(self, p, q):
        """``p * (log p - log q)`` with 0 * log(0 / q) = 0 and +inf where p > 0 and q = 0.

        A difference of logs, not the log of ``p / q``: that ratio (or a product of marginals)
        can overflow or underflow the dtype although its log is an ordinary number.
        """
        nz = p != 0
        return p * (self.log(self.where(nz, p, 1.0)) - self.log(self.where(nz, q, 1.0)))

    def log_or_neg_inf(self, x):
        """``log x`` (-inf at 0) whose gradient at an exact 0 is 0, not inf."""
        nz = x != 0
        return self.where(nz, self.log(self.where(nz, x, 1.0)), -math.inf)

    # Reduction kernels: a backend may override these with fused ops (xlogy, entr, in-place
    # NumPy ufuncs); a test runs every override against these generic versions.
    def neg_sum_xlogx(self, p, axis: Axes):
        """``-sum p log p`` over ``axis`` (entropy in nats), 0 log 0 = 0."""
        return 0.0 - self.sum(self.xlogy_masked(p, p), axis)

    def neg_sum_xlogy(self, p, q, axis: Axes):
        """``-sum p log q`` over ``axis`` (cross-entropy in nats), 0 log q = 0."""
        return 0.0 - self.sum(self.xlogy_masked(p, q), axis)

    def sum_xlogratio(self, p, q, axis: Axes):
        """``sum p log(p / q)`` over ``axis`` (KL divergence in nats)."""
        return self.sum(self.xlogratio_masked(p, q), axis)

    def sum_pmi_terms(self, p_xy, p_x, p_y, axis: Axes):
        """``sum p(x,y) (log p(x,y) - log p(x) - log p(y))`` (mutual information in nats);
        the marginals are never multiplied, so tiny ones cannot underflow to 0."""
        nz = p_xy != 0
        return self.sum(p_xy * self.where(nz, self._log_pmi(p_xy, p_x, p_y, nz), 0.0), axis)

    def _log_pmi(self, p_xy, p_x, p_y, nz):
        """``log p(x,y) - log p(x) - log p(y)``, with p(x,y) masked to 1 where ``nz`` is false;
        differences of logs, so a product of tiny marginals cannot underflow."""
        return self.log(self.where(nz, p_xy, 1.0)) - self.log_or_neg_inf(p_x) \
            - self.log_or_neg_inf(p_y)

    def plogq_logits(self, p, logq):
        """``p * logq`` for log-probabilities ``logq`` (may be -inf), 0 where ``p == 0``."""
        return p * self.where(p != 0, logq, 0.0)

    # --- the measures, written once -----------------------------------------------------
    def self_information(self, p, log_base: float):
        return (0.0 - self.log(p)) / log_base

    def entropy(self, p, axis: Axes, from_logits: bool, log_base: float):
        if from_logits:
            logp = self.log_softmax(p, axis)
            terms = self.plogq_logits(self.exp(logp), logp)
            return (0.0 - self.sum(terms, axis)) / log_base
        return self.neg_sum_xlogx(p, axis) / log_base

    def conditional_entropy(self, p_xy, p_x, log_base: float):
        # H(Y|X) = -sum p(x,y) log(p(x,y) / p(x)), summed over the last two axes.
        return (0.0 - self.sum_xlogratio(p_xy, p_x, (-2, -1))) / log_base

    def mutual_information(self, p_xy, p_x, p_y, log_base: float):
        # I(X;Y) = sum p(x,y) log(p(x,y) / (p(x) p(y))).
        return self.sum_pmi_terms(p_xy, p_x, p_y, (-2, -1)) / log_base

    def pointwise_mutual_information(self, p_xy, p_x, p_y, log_base: float):
        # Exactly -inf where p(x,y) = 0, even if a marginal is 0.
        nz = p_xy != 0
        return self.where(nz, self._log_pmi(p_xy, p_x, p_y, nz) / log_base, -math.inf)

    def kl_divergence(self, p, q, axis: Axes, from_logits: bool, log_base: float):
        if from_logits:
            logp = self.log_softmax(p, axis)
            logq = self.log_softmax(q, axis)
            terms = self.plogq_logits(self.exp(logp), logp - logq)
            return self.sum(terms, axis) / log_base
        return self.sum_xlogratio(p, q, axis) / log_base

    def cross_entropy_labels(self, y_hat, y, from_logits: bool, log_base: float):
        """Per-sample -log q[y]; ``y_hat`` holds probabilities or logits on the last axis."""
        if from_logits:  # logsumexp(z) - z[y]: no full log-softmax array is materialized
            return (self.logsumexp(y_hat, (-1,)) - self.take_last(y_hat, y)) / log_base
        return (0.0 - self.log(self.take_last(y_hat, y))) / log_base

    def cross_entropy_probs(self, y_hat, y, from_logits: bool, log_base: float):
        """Per-sample -sum_k y_k log q_k, with 0 * log q = 0 where a target is 0."""
        if from_logits:
            terms = self.plogq_logits(y, self.log_softmax(y_hat, (-1,)))
            return (0.0 - self.sum(terms, (-1,))) / log_base
        return self.neg_sum_xlogy(y, y_hat, (-1,)) / log_base

    def safe_labels(self, y, n_classes: int):
        """Class indices clamped into range, and where they were valid (out-of-range labels
        then give NaN losses on every backend, with no host sync)."""
        valid = (y >= 0) & (y < n_classes)
        return self.where(valid, y, 0), valid

    def nll_loss(self, log_probs, y):
        return 0.0 - self.take_last(log_probs, y)

    def reduce(self, losses, reduction: str):
        if reduction == "mean":
            return self.mean(losses)
        if reduction == "sum":
            return self.sum(losses, None)
        return losses


def log_of_base(base: float) -> float:
    """``ln(base)``: dividing nats by it gives units of ``base``."""
    return math.log(base)


def normalize_axes(axis, ndim: int) -> Tuple[int, ...]:
    """Non-negative, sorted axes; raises ``ValueError``/``TypeError`` without naming the caller
    (the frontend adds that)."""
    if axis is None:
        return tuple(range(ndim))
    items: Sequence = axis if isinstance(axis, (tuple, list)) else (axis,)
    out = []
    for a in items:
        if isinstance(a, bool) or not isinstance(a, int):
            raise TypeError(f"axis must be an int, a tuple of ints or None, got {axis!r}")
        if not -ndim <= a < ndim:
            raise ValueError(f"axis {a} is out of range for an input with {ndim} dimension(s)")
        out.append(a % ndim)
    if not out:
        raise ValueError("axis must name at least one axis, got ()")
    if len(set(out)) != len(out):
        raise ValueError(f"axis {axis!r} repeats an axis")
    return tuple(sorted(out))
