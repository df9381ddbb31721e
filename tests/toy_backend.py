"""A toy third-party backend: a tensor type the library has never heard of, registered at run
time or through the ``infotheory.backends`` entry-point group."""
import numpy as np

from infotheory.backends.numpy import NumpyBackend


class Box:
    """A minimal tensor: wraps a NumPy array."""

    def __init__(self, data):
        self.data = np.asarray(data)


class BoxBackend(NumpyBackend):
    name = "box"
    module_name = "tests.toy_backend"
    distributions = ()
    fused = {}  # only the generic kernels

    def is_native(self, x):
        return isinstance(x, Box)

    def version(self):
        return "0.1"

    def import_framework(self):
        import tests.toy_backend as module

        return module

    def from_numpy(self, a, variant=None):
        return Box(np.array(a))

    def to_numpy(self, x):
        return np.asarray(x.data if isinstance(x, Box) else x)

    def dtype_kind(self, x):
        return np.asarray(x.data if isinstance(x, Box) else x).dtype.kind

    def is_float_native(self, x):
        return False

    def float_tensor(self, x, like=None):
        return super().float_tensor(x.data if isinstance(x, Box) else x, like)

    def label_tensor(self, y, like):
        return super().label_tensor(y.data if isinstance(y, Box) else y, like)

    def shape(self, x):
        return super().shape(x.data if isinstance(x, Box) else x)

    def finish(self, x, *inputs):
        return Box(x)
