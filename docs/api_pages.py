"""Writes ``api/index.rst``: one autosummary section per public module, listing every name of
its ``__all__`` (so a new public name gets its page with no edit here)."""
import importlib

SECTIONS = [
    ("infotheory", "Measures, losses, uncertainty and the library's settings (top level)"),
    ("infotheory.estimate", "Estimators from counts, labels, samples and critic scores"),
    ("infotheory.keras", "Keras 3 losses"),
    ("infotheory.keras.metrics", "Keras 3 metrics"),
    ("infotheory.torchmetrics", "torchmetrics metrics (DDP, Lightning)"),
    ("infotheory.sklearn", "scikit-learn's mutual_info_classif / mutual_info_regression"),
    ("infotheory.testing", "The conformance kit (cases, runner, helpers for backend authors)"),
    ("infotheory.mxnet_compat", "MXNet 1.9.1 on NumPy >= 1.24"),
]


def names(module: str):
    return list(importlib.import_module(module).__all__)


def write(path: str) -> None:
    out = ["API reference", "=============", "",
           "Every public name, one page each, from its docstring (formula, units, shapes and an",
           "example). :doc:`overview` lists the top-level functions with their signatures; the",
           "backend protocol is :class:`infotheory.Backend`.", "",
           ".. toctree::", "   :hidden:", "", "   overview", ""]
    for module, title in SECTIONS:
        out += [f"``{module}``: {title}", "-" * (len(module) + len(title) + 6), "",
                f".. currentmodule:: {module}", "", ".. autosummary::", "   :toctree: generated",
                "   :nosignatures:", ""]
        out += [f"   {name}" for name in sorted(names(module), key=str.lower)]
        out.append("")
    text = "\n".join(out)
    try:
        with open(path) as f:
            if f.read() == text:
                return
    except FileNotFoundError:
        pass
    with open(path, "w") as f:
        f.write(text)
