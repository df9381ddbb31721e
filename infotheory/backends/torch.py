"""PyTorch backend: results keep the input's dtype and device, and autograd flows through."""
from __future__ import annotations

import math
import sys

from ._base import Backend, probability_high
from ._torch_autograd import (NO_INDEX, bald_function, clamped_cross_entropy, entropy_function,
                              functorch_active, kl_function)


_KINDS = {}  # torch dtype -> NumPy dtype kind


def _torch():
    return sys.modules["torch"]


def _tensor_type():
    """``torch.Tensor`` once torch is imported (else None: nothing is a tensor yet)."""
    global _TENSOR
    if _TENSOR is None:
        torch = sys.modules.get("torch")
        _TENSOR = torch.Tensor if torch is not None else None
    return _TENSOR


_TENSOR = None


class TorchBackend(Backend):
    name = "torch"
    module_name = "torch"
    distributions = ("torch",)
    #: ``neg_sum_xlogx``: ``torch.xlogy`` in one pass when no gradient is recorded (its
    #: derivative at 0 is NaN, so with autograd the masked generic version runs).
    #: ``cross_entropy_logits``: ``F.cross_entropy`` (fused log-softmax + NLL, forward and
    #: backward).
    #: ``cross_entropy_labels``: ``F.cross_entropy`` with its own reduction, weights,
    #: ``ignore_index`` and smoothing (one autograd node); on the CPU torch checks the labels
    #: (our ValueError), on an accelerator they are clamped and their losses made NaN.
    #: ``entropy_logits``: one autograd node with the analytic gradient
    #: ``dH/dz = -p (log p + H)`` (a training step 1.5x faster than the masked generic kernel);
    #: a differentiable backward when a graph of the gradient is asked for (Hessians); the
    #: generic kernel under torch.compile and torch.func transforms.
    #: ``kl_logits``: the same for KL of two logit tensors of one shape (``dD/dz = t - p D``
    #: with ``t = p (log p - log q)``, 0 where p = 0; ``dD/dw = q - p``).
    #: ``bald_logits``: the same for BALD from logits (``dB/dz_s = (t_s - p_s KL_s) / n`` with
    #: ``t_s = p_s (log p_s - log p_bar)``, ``KL_s = sum t_s``).
    fused = {"neg_sum_xlogx": frozenset(), "entropy_of_probabilities": frozenset(),
             "kl_of_probabilities": frozenset(), "entropy_logits": frozenset(),
             "bce_logits": frozenset({"pos_weight"}),
             "kl_logits": frozenset(), "bald_logits": frozenset(),
             "cross_entropy_labels": frozenset({"weight", "ignore_index", "label_smoothing",
                                                "reduction"}),
             # CPU tensors: SciPy's k-d tree on the host (host_array); a GPU's: brute force
             "knn_distance": frozenset(), "count_within": frozenset()}
    guards_python = True  # torch.compile's Dynamo

    def is_native(self, x):
        torch = sys.modules.get("torch")
        return torch is not None and isinstance(x, torch.Tensor)

    def version(self):
        return _torch().__version__

    def from_numpy(self, a, variant=None):
        return _torch().from_numpy(a.copy())

    def to_numpy(self, x):
        x = x.detach().cpu()
        return (x.float() if x.dtype == _torch().bfloat16 else x).numpy()

    def float_tensor(self, x, like=None):
        torch = _torch()
        if isinstance(x, torch.Tensor):
            return x if x.is_floating_point() else x.to(torch.get_default_dtype())
        if like is not None:
            return torch.as_tensor(x, dtype=like.dtype, device=like.device)
        t = torch.as_tensor(x)
        return t if t.is_floating_point() else t.to(torch.get_default_dtype())

    def is_float_native(self, x):
        torch = sys.modules.get("torch")
        return torch is not None and isinstance(x, torch.Tensor) and x.is_floating_point()

    def label_tensor(self, y, like):
        torch = _torch()
        device = None if like is None else like.device
        if isinstance(y, torch.Tensor) and y.dtype == torch.int64 and (
                device is None or y.device == device):
            return y
        return torch.as_tensor(y, device=device).long()

    def dtype_kind(self, x):
        dt = x.dtype
        tracing = self.compiling()  # (a compiler trace reads no cache: see compiler_tracing)
        kind = None if tracing else _KINDS.get(dt)
        if kind is None:
            torch = _torch()
            kind = "b" if dt == torch.bool else "c" if dt.is_complex else \
                "f" if dt.is_floating_point else "u" if dt == torch.uint8 else "i"
            if not tracing:
                _KINDS[dt] = kind
        return kind

    def shape(self, x):
        return tuple(x.shape)

    def compiling(self):
        # is_dynamo_compiling: one frame (is_compiling also asks TorchScript, two more)
        torch = sys.modules.get("torch")
        return torch is not None and torch.compiler.is_dynamo_compiling()

    def signature(self, x):
        tensor = _tensor_type()
        if tensor is None or not isinstance(x, tensor):
            return None
        try:
            return (type(x), x.dtype, x.shape, x.device, x.layout)
        except RuntimeError:  # a nested tensor has no shape: no memoized plan
            return None

    def refuses(self, x):
        torch = _torch()
        if x.is_nested:
            return ("is a nested tensor; pad it first (torch.nested.to_padded_tensor(x, 0.0)) "
                    "or call once per component")
        if x.layout != torch.strided:
            return f"is a sparse tensor ({x.layout}); pass a dense one (x.to_dense())"
        if type(x).__name__ == "MaskedTensor":
            return ("is a MaskedTensor, whose mask would not be honoured; pass "
                    "x.to_tensor(0.0) (masked entries as 0) or select the entries you mean")
        if x.is_quantized:
            return "is a quantized tensor; pass x.dequantize() (or x.int_repr() for labels)"
        if x.dtype.is_floating_point and x.dtype.itemsize == 1:  # the float8 dtypes
            return (f"has dtype {x.dtype}, which torch cannot compute logs in; cast it to "
                    f"bfloat16, float16 or float32 first")
        return None

    def device(self, x):
        return x.device

    def upcast(self, *xs):
        torch = _torch()
        out = xs[0].dtype
        for x in xs[1:]:
            out = torch.promote_types(out, x.dtype)
        compute = torch.float32 if out in (torch.float16, torch.bfloat16) else out
        return [x if x.dtype == compute else x.to(compute) for x in xs], out

    def cast(self, x, dtype):
        return x if x.dtype == dtype else x.to(dtype)

    def itemsize(self, x):
        return x.element_size()

    def log(self, x):
        return _torch().log(x)

    def exp(self, x):
        return _torch().exp(x)

    def expm1(self, x):
        return _torch().expm1(x)

    def log1p(self, x):
        return _torch().log1p(x)

    def where(self, cond, a, b):
        return _torch().where(cond, a, b)

    def sum(self, x, axis, keepdims=False):
        torch = _torch()
        if axis is None:
            return torch.sum(x)
        return torch.sum(x, dim=axis, keepdim=keepdims)

    def amax(self, x, axis, keepdims=False):
        torch = _torch()
        dim = tuple(range(x.ndim)) if axis is None else axis
        return torch.amax(x, dim=dim, keepdim=keepdims)

    def log_softmax(self, x, axis):
        if axis is not None and len(axis) == 1:
            return _torch().log_softmax(x, dim=axis[0])
        return super().log_softmax(x, axis)

    def nonnegative(self, x):
        return _torch().where(x.isneginf(), x, x.clamp_min(0))  # NaN stays: clamp_min keeps it

    def logsumexp(self, x, axis):
        return _torch().logsumexp(x, dim=tuple(range(x.ndim)) if axis is None else axis)

    def maximum(self, x, value):
        return x.clamp(min=value)

    def take_last(self, x, idx):
        return _torch().gather(x, -1, idx.unsqueeze(-1)).squeeze(-1)

    def expand_dims(self, x, axis):
        return x.unsqueeze(axis)

    def take(self, x, idx):
        return x[idx]

    def softplus(self, x):
        # F.softplus is linear above its threshold (20): exact in float32 and float64 there
        return _torch().nn.functional.softplus(x)

    def mean(self, x):
        return _torch().mean(x)

    # --- fused kernels ----------------------------------------------------------------
    def fused_neg_sum_xlogx(self, p, axis):
        torch = _torch()
        if torch.is_grad_enabled() and p.requires_grad:
            return NotImplemented
        return self._neg_sum_xlogx(p, axis)

    def _neg_sum_xlogx(self, p, axis):
        torch = _torch()
        if p.numel() <= 4096:  # the sign inside: one op less (a small call is its ops)
            return self.sum(torch.xlogy(p.neg(), p), axis)
        # the sign on the sum: no pass over a negated copy (10^7 entries: 1.5x -> 1.2x
        # special.entr's time); rsub(s, 0) = 0 - s keeps exact zeros +0
        return torch.rsub(self.sum(torch.xlogy(p, p), axis), 0.0)

    def fused_entropy_of_probabilities(self, p, axis):
        # xlogy and the row check in one call: a small entropy took 21 us through the generic
        # block (its select with a Python NaN alone 6 us), 15 us here
        torch = _torch()
        if torch.is_grad_enabled() and p.requires_grad:
            return NotImplemented
        h = self._neg_sum_xlogx(p, axis)
        if p.numel() == 0:
            return h
        return h.masked_fill(self.amax(p, axis) > probability_high(p.itemsize), math.nan)

    def fused_kl_of_probabilities(self, p, q, axis):
        # xlogy - xlogy and the row checks (as the generic block's) without autograd: a small
        # KL took 60 us through the generic masked block
        torch = _torch()
        if torch.is_grad_enabled() and (p.requires_grad or q.requires_grad):
            return NotImplemented
        kl = self.sum(torch.xlogy(p, p) - torch.xlogy(p, q), axis)
        bad = self.kl_rows_outside(p, q, axis)
        return kl if bad is None else kl.masked_fill(bad, math.nan)

    def fused_bce_logits(self, z, y, pos_weight=None):
        # F.binary_cross_entropy_with_logits (one node, fused backward: a training step 6x
        # -> 2.6x torch's own) is NaN at an infinite logit (inf - inf): there the limits, 0
        # for a certain, right prediction, else +inf (x pos_weight where y > 0 at -inf)
        if z.shape != y.shape or (pos_weight is not None and pos_weight.dim() > z.dim()):
            return NotImplemented
        torch = _torch()
        loss = sys.modules["torch.nn.functional"].binary_cross_entropy_with_logits(
            z, y, pos_weight=pos_weight, reduction="none")
        up = z > 0
        wrong = math.inf if pos_weight is None else torch.where(up, math.inf,
                                                                 pos_weight * math.inf)
        return torch.where(torch.isinf(z), torch.where(y == up, 0.0, wrong), loss)

    def fused_cross_entropy_labels(self, z, y, weight=None, ignore_index=None,
                                   label_smoothing=0.0, reduction="mean"):
        # (every line here runs on each training step: kept to the minimum)
        flat = z.dim() != 2
        if flat:
            z, y_in, y = z.reshape(-1, z.shape[-1]), y, y.reshape(-1)
        # None: no index is ignored (torch's default would ignore -100)
        ignore = NO_INDEX if ignore_index is None else ignore_index
        if z.is_cpu:  # torch checks the indices itself here, at no cost: our ValueError
            try:
                loss = sys.modules["torch.nn.functional"].cross_entropy(
                    z, y, weight, None, ignore, None, reduction, label_smoothing)
            except IndexError:
                raise ValueError(f"cross_entropy: y has a class index outside "
                                 f"[0, {z.shape[-1]})") from None
        else:
            loss = clamped_cross_entropy(z, y, z.shape[-1], ignore_index, {
                "weight": weight, "reduction": reduction, "label_smoothing": label_smoothing,
                "ignore_index": ignore})
        return loss.reshape(y_in.shape) if flat and reduction == "none" else loss

    def fused_entropy_logits(self, z, axis):
        if axis is None or len(axis) != 1 or self.compiling() or functorch_active():
            return NotImplemented
        return entropy_function().apply(z, axis[0])

    def fused_kl_logits(self, z, w, axis):
        if axis is None or len(axis) != 1 or z.shape != w.shape or self.compiling() \
                or functorch_active():
            return NotImplemented
        return kl_function().apply(z, w, axis[0])

    def fused_bald_logits(self, z, s, a, n):
        if self.compiling() or functorch_active():
            return NotImplemented
        return bald_function().apply(z, s, a, n)

    # --- estimator primitives ---------------------------------------------------------
    def host_array(self, x):
        return x.detach().numpy() if x.device.type == "cpu" else None

    def amin(self, x, axis, keepdims=False):
        torch = _torch()
        return torch.amin(x, dim=tuple(range(x.ndim)) if axis is None else axis, keepdim=keepdims)

    def item(self, x):
        return x.item()

    def to_float64(self, x):
        return x.to(_torch().float64)

    def bincount(self, x, length):
        return _torch().bincount(x, minlength=length)

    def cumsum(self, x):
        torch = _torch()
        return torch.cumsum(x, 0, dtype=torch.int64 if not x.is_floating_point() else None)

    def flatnonzero(self, x):
        return _torch().nonzero(x, as_tuple=True)[0]

    def sorted_unique_inverse(self, x):
        return _torch().unique(x, sorted=True, return_inverse=True)

    def arange(self, n, like):
        return _torch().arange(n, dtype=like.dtype, device=like.device)

    def gammaln(self, x):
        return _torch().lgamma(x)

    def digamma(self, x):
        return _torch().digamma(x)

    def argsort(self, x):
        return _torch().argsort(x, stable=True)

    def searchsorted(self, sorted_x, v, side):
        return _torch().searchsorted(sorted_x.contiguous(), v.contiguous(), right=side == "right")

    def take_rows(self, x, idx):
        return x[idx]

    def distances(self, a, b, metric):
        # no matrix-product shortcut for Euclidean distances: it cancels catastrophically
        return _torch().cdist(a, b, p=float("inf") if metric == "chebyshev" else 2.0,
                              compute_mode="donot_use_mm_for_euclid_dist")

    def kth_smallest(self, x, k):
        return _torch().topk(x, k, dim=-1, largest=False).values[..., k - 1]

    def concat(self, xs, axis=0):
        return _torch().cat(list(xs), dim=axis)

    def reshape(self, x, shape):
        return x.reshape(shape)

    def diagonal(self, x):
        return _torch().diagonal(x, dim1=-2, dim2=-1)

    def eye(self, n, like):
        torch = _torch()
        return torch.eye(n, dtype=torch.bool, device=like.device)
