"""What a type checker infers from infotheory's signatures (checked by mypy in test_mypy.py,
never run): the caller's tensor type comes back."""
from typing import Tuple, assert_type

import numpy as np
import numpy.typing as npt
import torch

import infotheory as it
from infotheory import estimate

t = torch.rand(4, 3)
a: npt.NDArray[np.float64] = np.full((4, 3), 1 / 3)
labels = torch.tensor([0, 1, 2, 1])

# measures: torch in, torch out; NumPy in, NumPy out
assert_type(it.entropy(t), torch.Tensor)
assert_type(it.entropy(a), npt.NDArray[np.float64])
assert_type(it.kl_divergence(t, t, axis=-1, base=2), torch.Tensor)
assert_type(it.mutual_information(t), torch.Tensor)
assert_type(it.renyi_entropy(t, order=2.0), torch.Tensor)
assert_type(it.total_correlation(t, axis=(0, 1)), torch.Tensor)
assert_type(it.bald(t), torch.Tensor)
# losses: the logits' type, labels of any kind
assert_type(it.cross_entropy(t, labels, from_logits=True), torch.Tensor)
assert_type(it.binary_cross_entropy(t, t), torch.Tensor)
# estimators
assert_type(estimate.entropy_from_labels(labels), torch.Tensor)
assert_type(estimate.mutual_information_ksg(t, t, k=3), torch.Tensor)
assert_type(estimate.homogeneity_completeness_v_measure(labels, labels),
            Tuple[torch.Tensor, torch.Tensor, torch.Tensor])
assert_type(estimate.permutation_test(estimate.mutual_information_from_labels, labels, labels,
                                      n_permutations=10), estimate.PermutationResult)
# settings
with it.default_base(10), it.validation():
    assert_type(it.set_default_base(None), None)
# NumPy scalars where a number is taken
assert_type(it.entropy(t, base=np.float64(2), axis=np.int64(-1)), torch.Tensor)
assert_type(estimate.mutual_information_ksg(t, t, k=np.int64(3)), torch.Tensor)
assert_type(it.renyi_entropy(t, np.float64(2)), torch.Tensor)
with it.default_base(np.float64(10)):
    pass
# it.estimate, imported lazily, is typed as the module
assert_type(it.estimate.infonce(t), torch.Tensor)
