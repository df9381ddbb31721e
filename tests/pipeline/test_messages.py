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


# --- leaks: each was someone else's exception or a silent no-op ------------------------------
def test_transfer_entropy_with_no_trials_is_our_error():
    from infotheory import estimate
    for f in (estimate.transfer_entropy_from_labels, estimate.transfer_entropy_ksg):
        with pytest.raises(ValueError, match=rf"^{f.__name__}: source and target hold no trials"):
            f(np.zeros((0, 10), np.int64), np.zeros((0, 10), np.int64))


def test_crosscheck_refuses_an_unwritable_json_path_and_the_abstract_backend(tmp_path, capsys):
    from infotheory.__main__ import main
    assert main(["crosscheck", "--backends", "numpy", "--json",
                 str(tmp_path / "missing" / "out.json")]) == 2
    assert "error: --json" in capsys.readouterr().err
    assert main(["crosscheck", "--backend", "infotheory:Backend"]) == 2
    assert "infotheory.Backend itself is abstract" in capsys.readouterr().err


def test_the_kit_refuses_a_dtype_it_does_not_test():
    from infotheory import testing
    with pytest.raises(ValueError, match="float16"):
        list(testing.run(["numpy"], dtypes=["float16"]))
    with pytest.raises(ValueError, match="int32"):
        testing.run_case(testing.CASES[0], "numpy", "int32")
    with pytest.raises(ValueError, match="float16"):
        list(testing.run_agreement(["numpy"], dtypes="float16"))
    assert all(r.passed for r in testing.run(["numpy"], dtypes=["float64"],
                                             cases=testing.CASES[:3]))


def test_torch_meta_labels_and_big_endian_arrays():
    torch = pytest.importorskip("torch")
    with pytest.raises(ValueError, match=r"^cross_entropy: y cannot be moved to the device"):
        it.cross_entropy(torch.zeros(2, 3), torch.zeros(2, dtype=torch.long, device="meta"),
                         from_logits=True)
    q = np.array([0.5, 0.25, 0.25], dtype=">f8")
    got = it.kl_divergence(torch.tensor([0.25, 0.25, 0.5], dtype=torch.float64), q)
    assert isinstance(got, torch.Tensor)
    assert float(got) == pytest.approx(0.25 * -1 + 0.5 * 1)  # bits
    labels = np.array([0, 2], dtype=">i8")
    got = it.cross_entropy(torch.zeros(2, 3), labels, from_logits=True)
    assert float(got) == pytest.approx(math.log(3))


def test_numpy_integers_are_ints():
    """``np.int64(2)`` was refused with "must be a positive int, got 2"."""
    from infotheory import estimate
    x = np.random.default_rng(0).normal(size=50)
    y = x + np.random.default_rng(1).normal(size=50)
    assert float(estimate.mutual_information_ksg(x, y, k=np.int64(2))) == pytest.approx(
        float(estimate.mutual_information_ksg(x, y, k=2)), rel=1e-15)
    assert float(estimate.entropy_from_labels([1, 2], n_classes=np.int32(4))) == 1.0
    np.testing.assert_array_equal(it.entropy(np.full((2, 2), 0.5), axis=np.int64(0)), [1, 1])
    assert it.bald(np.full((3, 2, 4), 0.25), sample_axis=np.int64(0)).tolist() == [0, 0]
    with pytest.raises(ValueError, match="k must be a positive int, got np.int64"
                       if np.__version__ >= "2" else "k must be a positive int"):
        estimate.mutual_information_ksg(x, y, k=np.int64(0))
