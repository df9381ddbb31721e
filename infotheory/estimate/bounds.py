"""Variational lower bounds on mutual information from a critic's score matrix.

``scores[..., i, j] = f(x_i, y_j)`` for a batch of N pairs ``(x_i, y_i)`` drawn from the joint
distribution: the diagonal holds the positive pairs, the off-diagonal entries pair ``x_i`` with
``y_j`` from other samples (draws from the product of the marginals). Each bound is
differentiable in ``scores`` on every autograd backend (a training objective: maximize it).
Shapes: ``(..., N, N)`` gives ``(...)``. Units of ``base`` (bits by default).
"""
from __future__ import annotations

import math
from typing import Optional

from .._checks import need_ndim
from .._frontend import Function, Input, public
from .._types import Real, TensorT


def _plan_scores(c):
    """The batch size N of a square score matrix."""
    shape = c.shape("scores")
    need_ndim(c.fn, "scores", shape, 2)
    rows, cols = shape[-2], shape[-1]
    if rows is not None and cols is not None and rows != cols:
        raise c.error(f"scores must be square over its last two axes (scores[..., i, j] = "
                      f"f(x_i, y_j)), got shape {tuple(shape)}")
    n = rows if rows is not None else cols
    if n is None:
        raise c.error("scores needs a known batch size N (its last two dimensions)")
    if n < 2:
        raise c.error(f"scores needs N >= 2 pairs, got N = {n}")
    return {"n": n}


def _infonce(B, scores, n):
    log_p = B.log_softmax(scores, (len(B.shape(scores)) - 1,))
    return math.log(n) + B.sum(B.diagonal(log_p), (len(B.shape(scores)) - 2,)) / n


def _log_mean_exp_off_diagonal(B, scores, n):
    """``log mean_{i != j} exp(scores_ij)`` over the last two axes, computed with logsumexp."""
    off = B.where(B.eye(n, scores), -math.inf, scores)
    ndim = len(B.shape(scores))
    return B.logsumexp(off, (ndim - 2, ndim - 1)) - math.log(n * (n - 1))


def _mean_diagonal(B, scores, n):
    return B.sum(B.diagonal(scores), (len(B.shape(scores)) - 2,)) / n


def _nwj(B, scores, n):
    return _mean_diagonal(B, scores, n) - B.exp(_log_mean_exp_off_diagonal(B, scores, n) - 1.0)


def _donsker_varadhan(B, scores, n):
    return _mean_diagonal(B, scores, n) - _log_mean_exp_off_diagonal(B, scores, n)


_SCORES = [Input("scores", "real")]
_INFONCE = Function("infonce", _SCORES, _infonce, plan=_plan_scores, unit=2)


@public
def infonce(scores: TensorT, *, base: Optional[Real] = None) -> TensorT:
    r"""InfoNCE bound (van den Oord et al. 2018; Poole et al. 2019). With
    :math:`f_{ij}` the ``scores``:

    .. math::

        I_\mathrm{NCE} = \log N + \frac{1}{N} \sum_i \Bigl( f_{ii} - \log \sum_j e^{f_{ij}} \Bigr)

    At most :math:`\log N`; low variance, biased low when the MI exceeds :math:`\log N`. It is
    :math:`\log N` minus the ``cross_entropy`` of the rows as logits against the diagonal as
    labels.

    Bits by default (``base``). A NaN score makes the bound NaN.

    >>> import numpy as np
    >>> round(float(infonce(np.eye(4) * 5.0)), 4)
    1.9711
    """
    return _INFONCE(scores, base=base)


_NWJ = Function("nwj", _SCORES, _nwj, plan=_plan_scores, unit=2)


@public
def nwj(scores: TensorT, *, base: Optional[Real] = None) -> TensorT:
    r"""NWJ bound (Nguyen, Wainwright & Jordan 2010; the f-GAN KL bound). With
    :math:`f_{ij}` the ``scores``:

    .. math::

        I_\mathrm{NWJ} = \frac{1}{N} \sum_i f_{ii}
        - \frac{1}{e N (N - 1)} \sum_{i \neq j} e^{f_{ij}}

    Unbiased for a fixed critic, high variance; tight at
    :math:`f(x, y) = 1 + \log \frac{p(x,y)}{p(x)\,p(y)}`.

    Bits by default (``base``). A NaN score makes the bound NaN.

    >>> import numpy as np
    >>> round(float(nwj(np.ones((3, 3)))), 4)
    0.0
    """
    return _NWJ(scores, base=base)


_DONSKER_VARADHAN = Function("donsker_varadhan", _SCORES, _donsker_varadhan, plan=_plan_scores, unit=2)


@public
def donsker_varadhan(scores: TensorT, *, base: Optional[Real] = None) -> TensorT:
    r"""Donsker-Varadhan bound, the MINE objective (Belghazi et al. 2018). With
    :math:`f_{ij}` the ``scores``:

    .. math::

        I_\mathrm{DV} = \frac{1}{N} \sum_i f_{ii}
        - \log \frac{1}{N (N - 1)} \sum_{i \neq j} e^{f_{ij}}

    The log-mean-exp is computed with logsumexp (finite for scores of any size). Tight at
    :math:`f(x, y) = \log \frac{p(x,y)}{p(x)\,p(y)} + c`.

    Bits by default (``base``). A NaN score makes the bound NaN.

    >>> import numpy as np
    >>> round(float(donsker_varadhan(np.eye(2) * 2.0)), 4)
    2.8854
    """
    return _DONSKER_VARADHAN(scores, base=base)
