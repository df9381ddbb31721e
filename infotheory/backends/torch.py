"""PyTorch backend: results keep the input's dtype and device, and autograd flows through."""
from __future__ import annotations

import sys

from ._base import Backend


def _torch():
    return sys.modules["torch"]


class TorchBackend(Backend):
    name = "torch"
    module_name = "torch"
    distributions = ("torch",)
    #: ``neg_sum_xlogx``: ``torch.xlogy`` in one pass when no gradient is recorded (its
    #: derivative at 0 is NaN, so with autograd the masked generic version runs).
    #: ``cross_entropy_logits``: ``F.cross_entropy`` (fused log-softmax + NLL, forward and
    #: backward).
    fused = {"neg_sum_xlogx": frozenset(),
             "cross_entropy_logits": frozenset({"weight", "label_smoothing"})}

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
        return _torch().as_tensor(y, device=like.device).long()

    def dtype_kind(self, x):
        torch = _torch()
        dt = x.dtype
        if dt == torch.bool:
            return "b"
        if dt.is_complex:
            return "c"
        if dt.is_floating_point:
            return "f"
        return "u" if dt == torch.uint8 else "i"

    def shape(self, x):
        return tuple(x.shape)

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
        return 0.0 - self.sum(torch.xlogy(p, p), axis)

    def fused_cross_entropy_logits(self, z, y, weight=None, label_smoothing=0.0):
        k = z.shape[-1]
        F = _torch().nn.functional
        return F.cross_entropy(z.reshape(-1, k), y.reshape(-1), weight=weight, reduction="none",
                               label_smoothing=label_smoothing).reshape(y.shape)
