"""PyTorch backend: results keep the input's dtype and device, and autograd flows through."""
from __future__ import annotations

import sys

from ._base import Backend

_KINDS = {}


def _torch():
    return sys.modules["torch"]


class TorchBackend(Backend):
    name = "torch"
    module_name = "torch"

    def is_native(self, x):
        torch = sys.modules.get("torch")
        return torch is not None and isinstance(x, torch.Tensor)

    def version(self):
        return _torch().__version__

    def float_tensor(self, x, like=None):
        torch = _torch()
        if isinstance(x, torch.Tensor):
            return x if x.is_floating_point() else x.to(torch.get_default_dtype())
        if like is not None:
            return torch.as_tensor(x, dtype=like.dtype, device=like.device)
        t = torch.as_tensor(x)
        return t if t.is_floating_point() else t.to(torch.get_default_dtype())

    def label_tensor(self, y, like):
        torch = _torch()
        return torch.as_tensor(y, device=like.device).long()

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

    def is_float_native(self, x):
        torch = sys.modules.get("torch")
        return torch is not None and isinstance(x, torch.Tensor) and x.is_floating_point()

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

    def logsumexp(self, x, axis, keepdims=False):
        torch = _torch()
        dim = tuple(range(x.ndim)) if axis is None else axis
        return torch.logsumexp(x, dim=dim, keepdim=keepdims)

    def log_softmax(self, x, axis):
        if axis is not None and len(axis) == 1:
            return _torch().log_softmax(x, dim=axis[0])
        return super().log_softmax(x, axis)

    def take_last(self, x, idx):
        return _torch().gather(x, -1, idx.unsqueeze(-1)).squeeze(-1)

    @staticmethod
    def _records_grad(*xs):
        return _torch().is_grad_enabled() and any(x.requires_grad for x in xs)

    # Without autograd: fused or in-place kernels. With it, the generic (masked) versions,
    # because xlogy's derivative at 0 is NaN here and in-place ops would break the graph.
    def neg_sum_xlogx(self, p, axis):
        """``torch.xlogy``: one pass (not ``special.entr``, whose -inf for negative input
        would differ from the NaN every other backend gives)."""
        if self._records_grad(p):
            return super().neg_sum_xlogx(p, axis)
        return 0.0 - self.sum(_torch().xlogy(p, p), axis)

    def sum_xlogratio(self, p, q, axis):
        """``log p - log q`` in place, set to 0 where p = 0, times p."""
        if self._records_grad(p, q):
            return super().sum_xlogratio(p, q, axis)
        torch = _torch()
        r = torch.log(p).sub_(torch.log(q)) if p.shape == torch.broadcast_shapes(p.shape, q.shape) \
            else torch.log(q).neg_().add_(torch.log(p))
        return self.sum(r.masked_fill_(p == 0, 0.0).mul_(p), axis)

    def sum_pmi_terms(self, p_xy, p_x, p_y, axis):
        if self._records_grad(p_xy, p_x, p_y):
            return super().sum_pmi_terms(p_xy, p_x, p_y, axis)
        torch = _torch()
        shape = torch.broadcast_shapes(p_xy.shape, p_x.shape, p_y.shape)
        r = torch.log(p_xy).expand(shape).clone() if p_xy.shape != shape else torch.log(p_xy)
        r.sub_(torch.log(p_x)).sub_(torch.log(p_y))  # marginals: small arrays
        return self.sum(r.masked_fill_(p_xy == 0, 0.0).mul_(p_xy), axis)

    def cross_entropy_labels(self, y_hat, y, from_logits, log_base):
        """Fused kernel: ``F.cross_entropy`` (log-softmax + NLL) for logits and class indices."""
        if not from_logits:
            return super().cross_entropy_labels(y_hat, y, from_logits, log_base)
        F = _torch().nn.functional
        k = y_hat.shape[-1]
        losses = F.cross_entropy(y_hat.reshape(-1, k), y.reshape(-1), reduction="none")
        return losses.reshape(y.shape) / log_base

    def mean(self, x):
        return _torch().mean(x)

    def to_numpy(self, x):
        return x.detach().cpu().float().numpy() if x.dtype == _torch().bfloat16 \
            else x.detach().cpu().numpy()
