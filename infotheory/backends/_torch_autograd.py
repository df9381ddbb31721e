"""The autograd Functions behind the torch backend's fused kernels (entropy and KL of logits,
BALD, a cross-entropy that clamps out-of-range labels off the CPU): one backward each that
computes only the gradients asked for. Made once, on first use (torch is imported by then)."""
from __future__ import annotations

import functools
import math
import sys

from ._base import LOG_ZERO


def _torch():
    return sys.modules["torch"]


def functorch_active() -> bool:
    """True inside a torch.func transform (grad, vmap), which needs functions it can trace."""
    peek = getattr(_torch()._C._functorch, "peek_interpreter_stack", None)
    return peek is None or peek() is not None


@functools.lru_cache(maxsize=None)
def entropy_function():
    """The autograd Function of the entropy of softmax(z) along ``dim`` (made once)."""
    torch = _torch()

    def terms(z, dim):
        logp = torch.log_softmax(z, dim)
        p = logp.exp()
        logp = logp.clamp_min(LOG_ZERO)
        return p, logp, (p * logp).sum(dim).neg()

    class EntropyFromLogits(torch.autograd.Function):
        """``H = -sum p log p``, ``log p = log_softmax(z)``, the log floored at LOG_ZERO (a -inf
        logit contributes 0). Backward: ``dH/dz = -p (log p + H)``, 0 where p = 0."""

        @staticmethod
        def forward(ctx, z, dim):
            p, logp, h = terms(z, dim)
            ctx.save_for_backward(z, p, logp, h)
            ctx.dim = dim
            return h

        @staticmethod
        def backward(ctx, g):
            z, p, logp, h = ctx.saved_tensors
            dim = ctx.dim
            if torch.is_grad_enabled():  # create_graph=True: the same, differentiably
                p, logp, h = terms(z, dim)
                return (logp + h.unsqueeze(dim)) * p * g.unsqueeze(dim).neg(), None
            return (logp + h.unsqueeze(dim)).mul_(p).mul_(g.unsqueeze(dim)).neg_(), None

    return EntropyFromLogits


@functools.lru_cache(maxsize=None)
def kl_function():
    """The autograd Function of KL(softmax(z) || softmax(w)) along ``dim`` (made once)."""
    torch = _torch()

    def terms(z, w, dim):
        """Differentiable (for create_graph): the generic kernel's formula."""
        logp, logq = torch.log_softmax(z, dim), torch.log_softmax(w, dim)
        p = logp.exp()
        t = p * torch.where(p == 0, 0.0, logp - logq)  # 0 log(0 / q) = 0, even where q = 0
        return p, t, logq, t.sum(dim)

    class KLFromLogits(torch.autograd.Function):
        """``D = sum t``, ``t = p (log p - log q)``; backward ``dD/dz = t - p D``,
        ``dD/dw = q - p``."""

        @staticmethod
        def forward(ctx, z, w, dim):
            logp, logq = torch.log_softmax(z, dim), torch.log_softmax(w, dim)
            p = logp.exp()
            # t is NaN only where p = 0 meets an infinite log-ratio (the term is 0) or in a
            # row with a NaN, +inf or only -inf logits; those rows are made NaN again below,
            # found by two cheap row sums instead of a full-size mask.
            t = (logp - logq).mul_(p).nan_to_num_(nan=0.0, posinf=math.inf, neginf=-math.inf)
            kl = t.sum(dim)
            kl = torch.where((p.sum(dim) + logq.sum(dim)).isnan(), math.nan, kl)
            ctx.save_for_backward(z, w, p, t, logq, kl)
            ctx.dim = dim
            return kl

        @staticmethod
        def backward(ctx, g):
            z, w, p, t, logq, kl = ctx.saved_tensors
            dim = ctx.dim
            g = g.unsqueeze(dim)
            need_z, need_w = ctx.needs_input_grad[:2]  # (a teacher's logits need none)
            if torch.is_grad_enabled():  # create_graph=True: the same, differentiably
                p, t, logq, kl = terms(z, w, dim)
                return ((t - p * kl.unsqueeze(dim)) * g if need_z else None,
                        (logq.exp() - p) * g if need_w else None, None)
            return (torch.addcmul(t, p, kl.unsqueeze(dim), value=-1).mul_(g) if need_z else None,
                    logq.exp().sub_(p).mul_(g) if need_w else None, None)

    return KLFromLogits


# An ignore_index for "none": int64's maximum, which no label holds in practice. Not its minimum:
# that is what a NaN or an infinity becomes when cast to int64, and must stay out of range.
# (Clamping the labels instead cost 12% of a (32, 10) training step.)
NO_INDEX = 2 ** 63 - 1


def clamped_cross_entropy(z, y, k, ignore_index, options):
    """``F.cross_entropy`` on an accelerator, where an index out of range is a device-side
    assert that ends the process: indices are clamped first and their losses made NaN."""
    torch = _torch()
    safe = y.clamp(0, k - 1)
    if ignore_index is not None:
        safe = torch.where(y == ignore_index, y, safe)
    ok = safe == y
    loss = torch.nn.functional.cross_entropy(z, safe, **options)
    if options["reduction"] == "none":
        return torch.where(ok, loss, torch.nan)
    return torch.where(ok.all(), loss, torch.nan)


@functools.lru_cache(maxsize=None)
def bald_function():
    """The autograd Function of BALD from logits ``z`` (made once): ``n`` samples along ``s``,
    classes along ``a``."""
    torch = _torch()

    def log_probabilities(z, s, a, n):
        logp = torch.log_softmax(z, a)
        m = logp.amax(s, keepdim=True)
        m = torch.where(m == -math.inf, 0.0, m)
        mean = torch.exp(logp - m).sum(s, keepdim=True) / n
        nz = mean != 0  # a class no sample gives any probability: -inf, with a gradient of 0
        return logp, m + torch.where(nz, torch.log(torch.where(nz, mean, 1.0)), -math.inf)

    def entropy(logp, a):
        return (logp.exp() * logp.clamp_min(LOG_ZERO)).sum(a).neg()

    def expand(g, s, a):
        return g.unsqueeze(min(s, a)).unsqueeze(max(s, a))

    class BALDFromLogits(torch.autograd.Function):
        """``B = sum_s (H[p_bar] - H[p_s]) / n``, the generic kernel's forward in one node;
        backward ``dB/dz_s = (t_s - p_s KL_s) / n``, ``t_s = p_s (log p_s - log p_bar)`` (0
        where p_s = 0), ``KL_s = sum t_s`` over the classes."""

        @staticmethod
        def forward(ctx, z, s, a, n):
            logp, log_mean = log_probabilities(z, s, a, n)
            h_bar = entropy(log_mean, a)
            bald = (h_bar - entropy(logp, a)).sum(s if s < a else s - 1) / n
            ctx.save_for_backward(z, logp, log_mean)
            ctx.axes = (s, a, n)
            return bald

        @staticmethod
        def backward(ctx, g):
            z, logp, log_mean = ctx.saved_tensors
            s, a, n = ctx.axes
            g = expand(g, s, a) / n
            if torch.is_grad_enabled():  # create_graph=True: the same, differentiably
                logp, log_mean = log_probabilities(z, s, a, n)
                p = logp.exp()
                t = p * torch.where(p == 0, 0.0, logp - log_mean)
                return (t - p * t.sum(a, keepdim=True)) * g, None, None, None
            p = logp.exp()
            t = (logp - log_mean).mul_(p).nan_to_num_(nan=0.0)  # 0 where p = 0
            return torch.addcmul(t, p, t.sum(a, keepdim=True), value=-1).mul_(g), None, None, None

    return BALDFromLogits
