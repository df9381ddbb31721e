"""Messages that name the fix (issue 29): the value checks suggest ``from_logits=True`` where the
function takes it, ``ignore_index`` for a negative class index, and class indices given as a
Python int or an empty list are integers, not a "floating dtype"."""
import math

import numpy as np
import pytest

import infotheory as it


def test_negative_entries_suggest_from_logits_where_the_function_takes_it():
    with pytest.raises(ValueError, match=r"^entropy: p has negative entries \(min -1\); if p "
                                         r"holds logits, pass from_logits=True$"):
        it.entropy([2.0, -1.0], validate=True)
    with pytest.raises(ValueError, match=r"^mutual_information: p_xy has negative entries "
                                         r"\(min -1\)$"):  # no from_logits to suggest there
        it.mutual_information([[2.0, -1.0]], validate=True)


def test_counts_suggest_the_counts_estimator():
    with pytest.raises(ValueError, match="entropy_from_counts"):
        it.entropy([20.0, 30.0], validate=True)


def test_a_padding_index_suggests_ignore_index():
    with pytest.raises(ValueError, match=r"outside \[0, 2\) \(min -100, max 0\); to leave those "
                                         r"samples out, pass ignore_index=-100$"):
        it.cross_entropy([[0.5, 0.5], [0.5, 0.5]], [0, -100], validate=True)
    got = it.cross_entropy([[0.5, 0.5], [0.5, 0.5]], [0, -100], ignore_index=-100)
    assert got == pytest.approx(math.log(2))


def test_a_python_int_and_an_empty_list_are_class_indices():
    assert float(it.cross_entropy([0.2, 0.8], 1)) == pytest.approx(-math.log(0.8))
    assert float(it.nll_loss(np.log([0.2, 0.8]), 0)) == pytest.approx(-math.log(0.2))
    out = it.cross_entropy(np.zeros((0, 3)), [], reduction="none")
    assert out.shape == (0,)
    with pytest.raises(TypeError, match="floating dtype"):  # a float is still no class index
        it.nll_loss([0.0, 0.0], 1.5)
