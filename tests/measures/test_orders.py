"""Rényi and Tsallis entropies and the Rényi divergence exact at every order (issue 29,
"Orders"), against mpmath at 50 digits: near order 1, where ``log(sum p^a) / (1 - a)`` cancels
(float32 gave 0 at 1 + 1e-9); huge orders, which overflowed (inf or NaN at 1e39); tiny orders;
an int order beyond float range; Tsallis at infinity; and the NaN rule at every order."""
import functools
import math

import numpy as np
import pytest

import infotheory as it
from tests.conftest import native, to_np
from tests.gradients import value_and_grads

mp = pytest.importorskip("mpmath")

N = 2 ** 20  # rows of multiples of 2^-20: exact in float32 and float64, and summing to 1
P = np.array([[471859, 314573, 157286, 73400, 31458],   # no pattern
              [N - 1, 1, 0, 0, 0],                       # nearly a point mass
              [209715, 209715, 209715, 209715, 209716],  # nearly uniform: sum p^2 < 1/2
              [N, 0, 0, 0, 0]]) / N                      # a point mass
Q = np.array([[209715, 209715, 262144, 157286, 209716],
              [N - 2, 2, 0, 0, 0],                       # close to its p
              [943718, 26214, 26214, 26214, 26216],      # far from its p: sum p^2 / q > 2
              [471859, 314573, 157286, 73400, 31458]]) / N
NEAR_ONE = [1 - 1e-3, 1 - 1e-6, 1 - 1e-9, 1 + 1e-9, 1 + 1e-6, 1 + 1e-3]
ORDERS = [1e-300, 1e-9, 0.01, 0.1, 0.5, *NEAR_ONE, 1.5, 2, 3, 10, 100, 1e39, 1e300]
ORDERS_64 = [1 - 1e-15, 1 + 1e-15, 1 + 2.0 ** -52]  # (float32 rounds them to 1)
RTOL = {"float32": 1e-5, "float64": 1e-14}  # measured: 4.7e-6 and 1.4e-15 at most
# Values far below float32's normal range (Tsallis at 1e39 is 1e-39; the divergence at order
# 1e-300 about 1e-300) are 0 or subnormal there, or (order 1e-300 computed as 2^-126) 1e-38
ATOL = {"float32": 1e-35, "float64": np.finfo(np.float64).tiny}
MEASURES = {
    "renyi_entropy": lambda p, q, a: it.renyi_entropy(p, a),
    "tsallis_entropy": lambda p, q, a: it.tsallis_entropy(p, a),
    "renyi_divergence": lambda p, q, a: it.renyi_divergence(p, q, a),
}


def _power_sum(p, a, q=None):
    """``sum p^a q^(1 - a)`` (q = 1 if None): 0^a = 0, and where q = 0 < p, +inf above order 1
    and 0 below."""
    total = mp.mpf(0)
    for i, pi in enumerate(p):
        qi = 1 if q is None else q[i]
        if pi == 0 or (qi == 0 and a < 1):
            continue
        if qi == 0:
            return mp.inf
        total += mp.mpf(pi) ** a * mp.mpf(qi) ** (1 - a)
    return total


@functools.lru_cache(maxsize=None)
def truth(kind, order):
    """The rows of P (and Q) at 50 digits, with more working digits as the order nears 0 or 1
    (the formulas cancel about as many digits)."""
    lost = max(0, int(-math.log10(order)), int(-math.log10(abs(order - 1))))
    with mp.workdps(50 + lost):
        a = mp.mpf(order)
        out = []
        for p, q in zip(P, Q):
            if kind == "renyi_entropy":
                v = mp.log(_power_sum(p, a)) / (1 - a) / mp.log(2)
            elif kind == "tsallis_entropy":
                v = (1 - _power_sum(p, a)) / (a - 1)
            else:
                v = mp.log(_power_sum(p, a, q)) / (a - 1) / mp.log(2)
            out.append(float(v))
    return np.array(out)


@pytest.mark.parametrize("kind", sorted(MEASURES))
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_every_order_matches_mpmath(backend, dtype, kind):
    p, q = native(backend, P, dtype), native(backend, Q, dtype)
    for order in ORDERS + (ORDERS_64 if dtype == "float64" else []):
        got = to_np(MEASURES[kind](p, q, order))
        np.testing.assert_allclose(got, truth(kind, order), rtol=RTOL[dtype], atol=ATOL[dtype],
                                   err_msg=f"{kind} {dtype} order {order!r}")


def test_the_issue_reproductions(backend):
    p = native(backend, P[:1], "float32")
    for order in (1 + 1e-9, 1 + 1e-6):  # were 0, and 0.05 bit off
        assert to_np(it.renyi_entropy(p, order))[0] == pytest.approx(
            truth("renyi_entropy", order)[0], rel=1e-6)
    min_entropy = -math.log2(P[0].max())
    for order in (1e39, 1e300, 10 ** 400):  # were inf, NaN, OverflowError
        assert to_np(it.renyi_entropy(p, order))[0] == pytest.approx(min_entropy, rel=1e-6)
        assert to_np(it.renyi_divergence(p, p, order))[0] == 0.0
    p = native(backend, P[:1])
    assert to_np(it.renyi_entropy(p, 10 ** 400))[0] == pytest.approx(min_entropy, rel=1e-15)
    assert to_np(it.renyi_divergence(p, native(backend, Q[:1]), 10 ** 400))[0] == \
        pytest.approx(math.log2((P[0] / Q[0]).max()), rel=1e-15)
    # the order-1 limits: Shannon's entropy, KL
    assert to_np(it.renyi_divergence(p, native(backend, Q[:1]), 1 + 1e-15))[0] == \
        pytest.approx(to_np(it.kl_divergence(p, native(backend, Q[:1])))[0], rel=1e-14)


def test_limits_at_infinity_and_orders_beyond_float_range(backend):
    p, q = native(backend, P), native(backend, Q)
    with mp.workdps(50):
        log_max_ratio = [float(max(mp.log(mp.mpf(a) / mp.mpf(b)) for a, b in zip(*rows) if a)
                               / mp.log(2)) for rows in zip(P, Q)]
    for order in (math.inf, 10 ** 400):
        assert (to_np(it.tsallis_entropy(p, order)) == 0.0).all()  # was refused
        np.testing.assert_allclose(to_np(it.renyi_entropy(p, order)),
                                   -np.log2(P.max(-1)), rtol=1e-15)
        np.testing.assert_allclose(to_np(it.renyi_divergence(p, q, order)), log_max_ratio,
                                   rtol=1e-15)
    z = native(backend, np.array([[2.0, -1e4, 0.5]]))
    assert (to_np(it.tsallis_entropy(z, math.inf, from_logits=True)) == 0.0).all()
    for f in (it.renyi_entropy, it.tsallis_entropy):
        with pytest.raises(ValueError, match=f"{f.__name__}: order must be >= 0"):
            f(p, -10 ** 400)
        with pytest.raises(ValueError, match=f"{f.__name__}: order must be >= 0"):
            f(p, math.nan)


def test_logits_near_one_and_far_below_zero(backend):
    """From logits: log-probabilities far below any float's (-1e4), where p^(order - 1) of the
    probabilities overflows for an order below 1."""
    z = np.array([[0.0, -1e4, 1.5, -2.0], [3.0, 3.0, -1e4, -1e4]])
    x = native(backend, z)
    for order in (0.01, 0.5, 1 - 1e-9, 1 + 1e-9, 2):
        with mp.workdps(80):
            logp = [[mp.mpf(v) - mp.log(sum(mp.exp(w) for w in row)) for v in row] for row in z]
            want = [float(mp.log(sum(mp.exp(order * v) for v in row)) / (1 - order)
                          / mp.log(2)) for row in logp]
        np.testing.assert_allclose(to_np(it.renyi_entropy(x, order, from_logits=True)), want,
                                   rtol=1e-13, err_msg=f"order {order}")


BAD = np.array([[0.2, 0.3, 0.5], [math.nan, 0.5, 0.5], [-0.1, 0.6, 0.5], [1.5, -0.25, -0.25],
                [-math.inf, 0.5, 0.5]])  # a distribution, then four impossible rows


@pytest.mark.parametrize("order", [0, 1e-9, 0.3, 0.5, 1 - 1e-6, 1, 1 + 1e-6, 2, 1e39, math.inf])
def test_impossible_rows_are_nan_at_every_order(backend, order):
    """The NaN rule (renyi_divergence dropped NaN, negative and -inf entries of p at every order
    but 1: [nan, .5, .5] against uniform gave 0.585 bits)."""
    bad = native(backend, BAD)
    good = np.array([True, False, False, False, False])
    uniform = native(backend, np.full((5, 3), 1 / 3))
    half = native(backend, np.tile([0.0, 0.5, 0.5], (5, 1)))  # a NaN in q where p = 0, too
    results = [it.renyi_entropy(bad, order), it.renyi_divergence(bad, uniform, order),
               it.renyi_divergence(uniform, bad, order), it.renyi_divergence(half, bad, order)]
    if order != 1e39:  # (Tsallis at 1e39 is 1e-39)
        results.append(it.tsallis_entropy(bad, order))
    for r in results:
        r = to_np(r)
        assert np.isnan(r[~good]).all() and np.isfinite(r[good]).all(), (order, r)


@pytest.mark.parametrize("order", [0.1, 0.5, 1 - 1e-6, 1 + 1e-6, 1.5, 2, 3, 1e39])
def test_gradients_are_finite_and_match_finite_differences_along_the_simplex(
        autograd_backend, order):
    """Finite at exact zeros, on both sides of each switch of form (the second row's
    sum p^2 is below 1/2; the third row is far from its q at order 2)."""
    p = np.array([[0.5, 0.3, 0.2, 0.0], [0.25, 0.25, 0.26, 0.24], [0.7, 0.1, 0.1, 0.1]])
    q = np.array([[0.4, 0.3, 0.2, 0.1], [0.25, 0.25, 0.25, 0.25], [0.05, 0.05, 0.1, 0.8]])
    e = np.array([[1.0, -1.0, 0.0, 0.0], [0.5, 0.0, -1.0, 0.5], [0.0, 1.0, 0.0, -1.0]])
    for name, f in (("renyi_entropy", lambda x, y: it.renyi_entropy(x, order)),
                    ("tsallis_entropy", lambda x, y: it.tsallis_entropy(x, order)),
                    ("renyi_divergence", lambda x, y: it.renyi_divergence(x, y, order))):
        wrt = [0, 1] if name == "renyi_divergence" else [0]
        _, (gp, *gq) = value_and_grads(autograd_backend, f, [p, q], wrt)
        assert np.isfinite(gp).all() and np.isfinite(gq).all(), (name, gp, gq)
        if order == 1e39:
            continue
        h = 1e-6  # a direction along the simplex, away from the zero
        ref = [float(to_np(f(p + s * h * e, q)).sum()) for s in (1, -1)]
        fd = (ref[0] - ref[1]) / (2 * h)
        assert float((gp * e).sum()) == pytest.approx(fd, rel=1e-5, abs=1e-8), name
