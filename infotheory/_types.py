"""The types of the public signatures, in one place.

A public function takes the caller's tensors and hands back a tensor of the same kind, so its
first tensor argument and its result share one type variable: a type checker (mypy, pyright)
infers ``torch.Tensor`` from ``entropy(torch_tensor)`` and ``numpy.ndarray`` from
``entropy(numpy_array)``. The other tensor arguments are :data:`ArrayLike` (the result follows
the framework of all the tensors: a checker follows the first). Python numbers and lists come
back as NumPy arrays, which a checker cannot see from the type variable alone.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence, TypeVar, Union

import numpy as np

#: The caller's tensor type: a NumPy array, ``torch.Tensor``, ``tf.Tensor``, MXNet or JAX
#: array, Dask array (or a Python number or nested list, given back as a NumPy array).
TensorT = TypeVar("TensorT")

#: Any other tensor argument (any framework's tensor, a NumPy array, a number or a list).
ArrayLike = Any

#: An integer option: a Python or NumPy integer.
Int = Union[int, np.integer]

#: A real option (``base``, ``order``, ``beta``...): a Python or NumPy number.
Real = Union[float, np.floating, np.integer]

#: An axis or several (``None``: every axis).
Axis = Union[int, np.integer, Sequence[int], None]

#: A function, kept as it is by a decorator (its signature intact for type checkers).
F = TypeVar("F", bound=Callable[..., Any])

__all__ = ["TensorT", "ArrayLike", "Axis", "Int", "Real", "F"]
