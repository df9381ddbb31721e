"""Documentation that runs: the code blocks of the README and of the site's pages, and the
docstring examples."""
import doctest
import glob
import importlib
import os
import re
import textwrap

import pytest

import infotheory
import infotheory.estimate.bounds
import infotheory.estimate.clustering
import infotheory.estimate.counts
import infotheory.estimate.gaussian
import infotheory.estimate.knn
import infotheory.estimate.features
import infotheory.estimate.labels
import infotheory.estimate.mixed
import infotheory.estimate.multivariate
import infotheory.estimate.permutation
import infotheory.losses
import infotheory.measures
from tests.conftest import require, run_child

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
README = open(os.path.join(ROOT, "README.md")).read()
# (a block inside a list item is indented with the item)
BLOCKS = [textwrap.dedent(b) for b in re.findall(r"```python\n(.*?)```", README, re.S)]
# the documentation site's pages (docs/**/*.md): each Python block runs, as the README's
DOC_BLOCKS = [(os.path.relpath(path, ROOT), i, textwrap.dedent(b))
              for path in sorted(glob.glob(os.path.join(ROOT, "docs", "**", "*.md"),
                                           recursive=True)) if "_build" not in path
              for i, b in enumerate(re.findall(r"```python\n(.*?)```", open(path).read(), re.S))]


def test_readme_has_an_example_per_framework():
    text = "\n".join(BLOCKS)
    for needle in ("import torch", "import tensorflow", "import_mxnet()", "import jax",
                   "import dask", "it.entropy([0.1"):
        assert needle in text


@pytest.mark.parametrize("code", BLOCKS + [b for _, _, b in DOC_BLOCKS],
                         ids=[f"block{i}" for i in range(len(BLOCKS))]
                         + [f"{path}:{i}" for path, i, _ in DOC_BLOCKS])
def test_readme_block_runs(code):
    for fw in ("torch", "tensorflow", "mxnet", "jax", "dask"):
        if f"import {fw}" in code or (fw == "mxnet" and "import_mxnet()" in code):
            require(fw)
    run_child(["-c", code], timeout=120, env={"TF_CPP_MIN_LOG_LEVEL": "3"})


def test_readme_values_match_the_comments():
    import numpy as np

    checked = 0
    for line in BLOCKS[0].splitlines():
        m = re.match(r"(it\.\w+\(.*\))\s+# (\d+(?:\.\d+)?)(\.\.\.)?", line)
        if m:
            got = eval(m.group(1), {"it": infotheory})
            assert type(got) is np.float64, line  # (NumPy scalars, as the comments show)
            if m.group(3):
                assert f"{float(got):.10f}".startswith(m.group(2)), line
            else:
                assert float(got) == float(m.group(2)), line
            checked += 1
    assert checked >= 5  # every commented line of the first block has its value checked


@pytest.mark.parametrize("module", [infotheory, infotheory.measures, infotheory.losses,
                                    infotheory.uncertainty, infotheory.multivariate,
                                    infotheory.generalized, infotheory.gaussian,
                                    infotheory.divergences,
                                    infotheory.estimate.counts, infotheory.estimate.labels,
                                    infotheory.estimate.clustering, infotheory.estimate.knn,
                                    infotheory.estimate.bounds,
                                    infotheory.estimate.multivariate,
                                    infotheory.estimate.gaussian,
                                    infotheory.estimate.permutation,
                                    infotheory.estimate.mixed, infotheory.estimate.features,
                                    "infotheory.sklearn"])
def test_docstring_examples(module):
    if isinstance(module, str):  # needs scikit-learn
        pytest.importorskip("sklearn")
        module = importlib.import_module(module)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0


def test_the_api_overview_lists_every_function_with_its_signature():
    """docs/api/overview.md: every top-level function on tensors, with the signature the code
    has (parameters and defaults; the deprecated ``axes`` left out)."""
    import inspect

    text = open(os.path.join(ROOT, "docs", "api", "overview.md")).read()

    def plain(fn):
        parts, star = [], False
        for p in inspect.signature(fn).parameters.values():
            if p.name == "axes":
                continue
            if p.kind is p.KEYWORD_ONLY and not star:
                parts.append("*")
                star = True
            d = p.default
            parts.append(p.name if d is p.empty else
                         f"{p.name}=" + (f'"{d}"' if isinstance(d, str) else repr(d)))
        return f"`{fn.__name__}({', '.join(parts)})`"

    functions = [getattr(infotheory, n) for n in infotheory.__all__
                 if hasattr(getattr(infotheory, n), "autograph_info__")]
    assert len(functions) >= 26
    missing = [plain(f) for f in functions if plain(f) not in text]
    assert not missing, missing
