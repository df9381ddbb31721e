"""infotheory: information-theoretic measures on the tensors you already have.

One API over NumPy, PyTorch, TensorFlow and MXNet (built in), JAX and Dask (entry-point plug-ins),
and any backend registered with :func:`register_backend`: a tensor of one framework in, a tensor
of the same framework, dtype and device out. Importing this package imports no framework.

>>> import infotheory as it
>>> round(float(it.entropy([0.1, 0.5, 0.1, 0.3])), 4)
1.6855
"""
from typing import TYPE_CHECKING, Any

from ._dispatch import (available_backends, backend_of, register_backend, registered_backends,
                        unregister_backend)
from ._units import default_base, set_default_base
from ._validation import set_validation, validation
from .backends._base import Backend
from .losses import binary_cross_entropy, cross_entropy, nll_loss, perplexity
from .measures import (
    binary_entropy,
    conditional_entropy,
    entropy,
    joint_entropy,
    mutual_information,
    pointwise_mutual_information,
    self_information,
)
from .divergences import jensen_shannon_divergence, kl_divergence
from .gaussian import gaussian_entropy, gaussian_kl_divergence
from .generalized import renyi_divergence, renyi_entropy, tsallis_entropy
from .multivariate import (
    co_information,
    conditional_mutual_information,
    dual_total_correlation,
    o_information,
    total_correlation,
)
from .mxnet_compat import import_mxnet  # noqa: F401  (also infotheory.mxnet_compat's)
from .uncertainty import bald, expected_entropy, predictive_entropy

__version__ = "0.1.0"

if TYPE_CHECKING:  # what a type checker sees of ``it.estimate`` (imported lazily below)
    from . import estimate as estimate


def __getattr__(name: str) -> Any:
    # ``it.estimate`` without an explicit import (loaded on first use: ``import infotheory``
    # stays small)
    if name == "estimate":
        import importlib

        return importlib.import_module(".estimate", __name__)
    raise AttributeError(f"module 'infotheory' has no attribute {name!r}")

__all__ = [
    "Backend",
    "available_backends",
    "backend_of",
    "bald",
    "binary_cross_entropy",
    "binary_entropy",
    "co_information",
    "conditional_entropy",
    "conditional_mutual_information",
    "cross_entropy",
    "default_base",
    "dual_total_correlation",
    "entropy",
    "expected_entropy",
    "gaussian_entropy",
    "gaussian_kl_divergence",
    "jensen_shannon_divergence",
    "joint_entropy",
    "kl_divergence",
    "mutual_information",
    "nll_loss",
    "o_information",
    "perplexity",
    "pointwise_mutual_information",
    "predictive_entropy",
    "register_backend",
    "registered_backends",
    "renyi_divergence",
    "renyi_entropy",
    "self_information",
    "set_default_base",
    "set_validation",
    "total_correlation",
    "tsallis_entropy",
    "unregister_backend",
    "validation",
]
