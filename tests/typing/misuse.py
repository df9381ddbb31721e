"""Calls a type checker must refuse (test_mypy.py expects exactly these errors, by line)."""
import torch

import infotheory as it

t = torch.rand(3)
it.entropy(t, axsi=0)  # E: unexpected keyword
it.entropy(t, base="2")  # E: base is a number
it.kl_divergence(t)  # E: q is missing
x: str = it.entropy(t)  # E: a tensor, not a str
