"""Built-in backends. Their modules import no framework: a backend looks its framework up in
``sys.modules`` when asked about a tensor (see :mod:`infotheory._dispatch`)."""

#: (module, class) of the framework backends asked in this order; NumPy answers the rest.
BUILTIN = (
    ("infotheory.backends.torch", "TorchBackend"),
    ("infotheory.backends.tensorflow", "TensorflowBackend"),
    ("infotheory.backends.mxnet", "MXNetBackend"),
)
