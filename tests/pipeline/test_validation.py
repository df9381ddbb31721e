"""Value checks: only with validate=True or the global switch; messages name the argument."""
import math

import numpy as np
import pytest

import infotheory as it
from tests.conftest import native


@pytest.mark.parametrize("values,message", [
    ([0.5, float("nan"), 0.5], "entropy: p contains NaN"),
    ([1.5, -0.5], r"entropy: p has negative entries \(min -0.5\)"),
    ([1.5, 0.5], r"entropy: p has entries greater than 1 \(max 1.5\)"),
    ([0.5, 0.4], r"entropy: p does not sum to 1 over axis -1|entropy: p does not sum to 1 over axis 0"),
])
def test_entropy_validation(backend, values, message):
    p = native(backend, values)
    it.entropy(p)  # no check by default: no error
    with pytest.raises(ValueError, match=message):
        it.entropy(p, validate=True)


def test_kl_names_q(backend):
    p = native(backend, [0.5, 0.5])
    q = native(backend, [1.5, -0.5])
    with pytest.raises(ValueError, match=r"kl_divergence: q has negative entries \(min -0.5\)"):
        it.kl_divergence(p, q, validate=True)


def test_tolerance_depends_on_dtype(backend):
    off = [0.5, 0.5 + 1e-6]
    it.entropy(native(backend, off, "float32"), validate=True)  # within float32 tolerance
    with pytest.raises(ValueError, match="does not sum to 1"):
        it.entropy(native(backend, off, "float64"), validate=True)


def test_logits_are_checked_for_nan_and_inf(backend):
    with pytest.raises(ValueError, match="entropy: p contains NaN"):
        it.entropy(native(backend, [1.0, float("nan")]), from_logits=True, validate=True)
    with pytest.raises(ValueError, match=r"kl_divergence: q contains \+inf logits"):
        it.kl_divergence(native(backend, [1.0, 2.0]), native(backend, [1.0, float("inf")]),
                         from_logits=True, validate=True)
    # but any finite logits (and -inf) are fine
    it.entropy(native(backend, [1e4, -1e4, -float("inf")]), from_logits=True, validate=True)


def test_marginals_must_match(backend):
    p_xy = native(backend, [[0.1, 0.5], [0.2, 0.2]])
    good_x = native(backend, [[0.6], [0.4]])
    it.conditional_entropy(p_xy, good_x, validate=True)
    it.mutual_information(p_xy, good_x, native(backend, [[0.3, 0.7]]), validate=True)
    with pytest.raises(ValueError, match=r"conditional_entropy: p_x does not match p_xy summed over y"):
        it.conditional_entropy(p_xy, native(backend, [0.2, 0.8]), validate=True)
    with pytest.raises(ValueError, match=r"mutual_information: p_y does not match p_xy summed over x"):
        it.mutual_information(p_xy, None, native(backend, [[0.7, 0.3]]), validate=True)
    with pytest.raises(ValueError, match="mutual_information: p_xy does not sum to 1"):
        it.mutual_information(native(backend, [[0.1, 0.5], [0.2, 0.3]]), validate=True)


def test_labels_out_of_range(backend):
    q = native(backend, [[0.5, 0.5], [0.25, 0.75]])
    for labels in ([0, 2], [-1, 0]):
        y = native(backend, np.array(labels))
        with pytest.raises(ValueError, match=r"cross_entropy: y has class indices outside \[0, 2\)"):
            it.cross_entropy(q, y, validate=True)
        with pytest.raises(ValueError, match=r"nll_loss: y has class indices outside \[0, 2\)"):
            it.nll_loss(native(backend, np.log([[0.5, 0.5], [0.25, 0.75]])), y, validate=True)


def test_cross_entropy_checks_predictions_and_targets(backend):
    with pytest.raises(ValueError, match="cross_entropy: y_hat does not sum to 1"):
        it.cross_entropy(native(backend, [[0.5, 0.6]]), native(backend, np.array([0])), validate=True)
    with pytest.raises(ValueError, match="cross_entropy: y has negative entries"):
        it.cross_entropy(native(backend, [[0.5, 0.5]]), native(backend, [[1.5, -0.5]]), validate=True)
    with pytest.raises(ValueError, match="nll_loss: log_probs has positive log-probabilities"):
        it.nll_loss(native(backend, [[0.5, -1.0]]), native(backend, np.array([0])), validate=True)


def test_global_switch_and_context_manager():
    bad = [0.5, 0.4]
    it.entropy(bad)
    with it.validation():
        with pytest.raises(ValueError, match="does not sum to 1"):
            it.entropy(bad)
        with it.validation(False):
            it.entropy(bad)
    it.entropy(bad)
    it.set_validation(True)
    try:
        with pytest.raises(ValueError, match="does not sum to 1"):
            it.entropy(bad)
    finally:
        it.set_validation(False)
    assert math.isfinite(float(it.entropy(bad)))


def test_a_validation_block_is_its_asyncio_tasks_own():
    """One task validates inside its block while another, interleaved in the same thread, runs
    unchecked in its own: each keeps its setting (a thread-local was shared by the tasks: the
    block opened last decided for both)."""
    import asyncio

    bad = [0.5, 0.4]
    outcome = {}

    def check(name):
        try:
            it.entropy(bad)
            outcome[name] = "unchecked"
        except ValueError:
            outcome[name] = "refused"

    async def checking(opened, checked):
        with it.validation(True):
            opened.set()
            await asyncio.sleep(0)  # the other task opens its block here
            check("on")
            checked.set()

    async def unchecked(opened, checked):
        await opened.wait()
        with it.validation(False):
            await checked.wait()  # the other task checks while this block is open
            check("off")

    async def main():
        opened, checked = asyncio.Event(), asyncio.Event()
        await asyncio.gather(checking(opened, checked), unchecked(opened, checked))

    asyncio.run(main())
    assert outcome == {"on": "refused", "off": "unchecked"}
    assert math.isfinite(float(it.entropy(bad)))  # and nothing left behind


def test_validation_of_an_empty_distribution():
    with pytest.raises(ValueError, match="entropy: p does not sum to 1"):
        it.entropy(np.zeros(0), validate=True)
