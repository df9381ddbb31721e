"""Units, once: ``set_default_base`` and ``default_base`` set the unit of every call without
``base``; ``None`` restores the book's (bits for measures and estimators, nats for losses).
Values against torch.distributions and scikit-learn, which work in nats."""
import math
import threading

import numpy as np
import pytest

import infotheory as it
from tests.conftest import native, require, to_np

P = np.array([[0.1, 0.5, 0.1, 0.3], [0.25, 0.25, 0.25, 0.25]])
Q = np.array([[0.2, 0.3, 0.3, 0.2], [0.4, 0.1, 0.1, 0.4]])
Z = np.array([[0.3, -1.0, 2.0], [1.0, 2.0, 0.5]])
Y = np.array([0, 2])


@pytest.fixture(autouse=True)
def _book_defaults():
    yield
    it.set_default_base(None)


def _values(backend):
    p, q, z, y = (native(backend, a) for a in (P, Q, Z, Y))
    return {"entropy": to_np(it.entropy(p)), "kl": to_np(it.kl_divergence(p, q)),
            "ce": to_np(it.cross_entropy(z, y, from_logits=True)),
            "bce": to_np(it.binary_cross_entropy(native(backend, [0.9, 0.2]),
                                                 native(backend, [1.0, 0.0])))}


def test_book_defaults_then_nats_everywhere_then_bits_everywhere(backend):
    book = _values(backend)
    with it.default_base(math.e):
        nats = _values(backend)
    it.set_default_base(2)
    bits = _values(backend)
    it.set_default_base(None)
    again = _values(backend)
    rtol = 1e-12 if "float64" in str(to_np(native(backend, P)).dtype) else 1e-6
    for k in ("entropy", "kl"):  # measures: bits by the book
        np.testing.assert_allclose(nats[k], book[k] * math.log(2), rtol=rtol)
        np.testing.assert_allclose(bits[k], book[k], rtol=rtol)
    for k in ("ce", "bce"):  # losses: nats by the book
        np.testing.assert_allclose(nats[k], book[k], rtol=rtol)
        np.testing.assert_allclose(bits[k], book[k] / math.log(2), rtol=rtol)
    for k in book:
        np.testing.assert_array_equal(again[k], book[k])


def test_an_explicit_base_wins_and_blocks_nest():
    with it.default_base(math.e):
        assert float(it.entropy([0.5, 0.5], base=2)) == 1.0
        with it.default_base(4):
            assert float(it.entropy([0.5, 0.5])) == 0.5
            with it.default_base(None):  # the book's inside
                assert float(it.entropy([0.5, 0.5])) == 1.0
            assert float(it.entropy([0.5, 0.5])) == 0.5
        assert float(it.entropy([0.5, 0.5])) == pytest.approx(math.log(2), rel=1e-15)
    assert float(it.entropy([0.5, 0.5])) == 1.0


def test_a_block_is_its_threads_own():
    seen = {}
    inside, done = threading.Event(), threading.Event()

    def other():
        inside.wait()
        seen["other"] = float(it.entropy([0.5, 0.5]))
        done.set()
    t = threading.Thread(target=other)
    t.start()
    with it.default_base(math.e):
        inside.set()
        done.wait(10)
        seen["mine"] = float(it.entropy([0.5, 0.5]))
    t.join()
    assert seen == {"other": 1.0, "mine": pytest.approx(math.log(2), rel=1e-15)}


def test_a_block_is_its_asyncio_tasks_own():
    """Two tasks of one thread with interleaved blocks: each sees its own unit, before and after
    the other's block opens and closes, and afterwards the thread has the book's unit again.
    (With a thread-local, the task that entered first read the other's base, and the first
    block to close left the other's base behind it.)"""
    import asyncio

    seen = {}

    async def task(name, base, entered, closed):
        with it.default_base(base):
            entered[name].set()
            await entered["e" if name == "4" else "4"].wait()  # both blocks open
            seen[name] = float(it.entropy([0.5, 0.5]))
            if name == "4":
                await closed.wait()  # "e" closes first
            seen[name + " late"] = float(it.entropy([0.5, 0.5]))
        if name == "e":
            closed.set()

    async def main():
        entered = {"e": asyncio.Event(), "4": asyncio.Event()}
        closed = asyncio.Event()
        await asyncio.gather(task("e", math.e, entered, closed), task("4", 4, entered, closed))
        return float(it.entropy([0.5, 0.5]))

    with it.default_base(8):  # a block around the loop: what the tasks' blocks return to
        after = asyncio.run(main())
        assert float(it.entropy([0.5, 0.5])) == pytest.approx(1 / 3, rel=1e-15)
    assert seen == {"e": pytest.approx(math.log(2), rel=1e-15), "4": 0.5,
                    "e late": pytest.approx(math.log(2), rel=1e-15), "4 late": 0.5}
    assert after == pytest.approx(1 / 3, rel=1e-15)  # the loop's context: the outer block
    assert float(it.entropy([0.5, 0.5])) == 1.0


@pytest.mark.parametrize("bad", [0, 1, -2.0, math.inf, "e", True])
def test_bad_bases_are_refused(bad):
    with pytest.raises((TypeError, ValueError), match="base must be"):
        it.set_default_base(bad)
    with pytest.raises((TypeError, ValueError), match="base must be"):
        with it.default_base(bad):
            pass
    assert float(it.entropy([0.5, 0.5])) == 1.0  # nothing changed


def test_nats_match_torch_distributions_and_scikit_learn():
    """The probe's numbers: 9.352 bits where torch.distributions gives 6.482 nats; 1.322 bits
    where scikit-learn's mutual_info_score gives 0.916 nats."""
    torch = require("torch")
    from sklearn.metrics import mutual_info_score

    rng = np.random.default_rng(5)
    mu, s = torch.tensor(rng.normal(size=(8, 4))), torch.tensor(rng.uniform(0.2, 2.0, (8, 4)))
    D = torch.distributions
    want = D.kl_divergence(D.Normal(mu, s), D.Normal(0.0, 1.0)).sum(-1).mean()
    x, y = rng.integers(0, 3, 50), rng.integers(0, 4, 50)
    with it.default_base(math.e):
        got = it.gaussian_kl_divergence(mu, s, 0.0, 1.0).sum(-1).mean()
        mi = float(it.estimate.mutual_information_from_labels(x, y))
    torch.testing.assert_close(got, want, rtol=1e-12, atol=0)
    assert mi == pytest.approx(mutual_info_score(x, y), rel=1e-10)


def test_keras_losses_follow_the_default_unit():
    require("tensorflow")
    pytest.importorskip("keras")
    import infotheory.keras as itk

    z = Z.astype("float32")
    loss = itk.CrossEntropy(from_logits=True)
    nats = float(loss(Y, z))
    it.set_default_base(2)
    assert float(loss(Y, z)) == pytest.approx(nats / math.log(2), rel=1e-6)
    assert itk.CrossEntropy(from_logits=True, base=math.e)(Y, z).numpy() == pytest.approx(nats)
    assert loss.get_config()["base"] is None


def test_a_context_copied_inside_a_block_keeps_its_unit_after_the_block():
    """As decimal.localcontext: a task created inside the block, or a context copied there,
    keeps the block's base after the block exits (it reverted to bits; issue 29's probe)."""
    import asyncio
    import contextvars

    p = np.array([0.5, 0.5])
    with it.default_base(math.e):
        ctx = contextvars.copy_context()
    assert ctx.run(lambda: float(it.entropy(p))) == pytest.approx(math.log(2))
    assert float(it.entropy(p)) == 1.0

    async def main():
        async def inner():
            await asyncio.sleep(0)
            return float(it.entropy(p))
        with it.default_base(math.e):
            task = asyncio.create_task(inner())
            await asyncio.sleep(0)
        return await task
    assert asyncio.run(main()) == pytest.approx(math.log(2))
    with it.validation():
        ctx = contextvars.copy_context()
    with pytest.raises(ValueError, match="negative entries"):
        ctx.run(lambda: it.entropy(np.array([2.0, -1.0])))
    assert np.isnan(it.entropy(np.array([2.0, -1.0])))
