"""Sphinx configuration: MyST pages, an API reference generated from the docstrings of every
public name, and a sphinx-gallery built from ``examples/`` (run when the site is built).

``make docs`` builds it with warnings as errors and nitpicky references into
``docs/_build/html``. ``INFOTHEORY_DOCS_QUICK=1`` runs the examples in their ``--quick`` mode
(the test suite's build)."""
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("MPLBACKEND", "Agg")
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)
sys.path.insert(0, HERE)

import api_pages  # noqa: E402  (docs/api_pages.py: writes api/index.rst from __all__)

project = "infotheory"
author = "the infotheory authors"
copyright = "2026, the infotheory authors"
release = version = "0.1.0"

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.napoleon",
    "sphinx.ext.mathjax",
    # MathJax 3 from the package, copied into _static/mathjax: no CDN (the build and the site
    # work offline); it sets mathjax_path to "mathjax/tex-chtml.js"
    "sphinx-mathjax-offline",
    "sphinx_gallery.gen_gallery",
]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build", "auto_examples/*.ipynb", "auto_examples/*.py",
                    "auto_examples/*.zip", "auto_examples/*.md5", "auto_examples/*.json"]
# $...$ and $$...$$ in the MyST pages are math (rendered by MathJax, as :math: in docstrings)
myst_enable_extensions = ["colon_fence", "dollarmath"]
myst_heading_anchors = 3
html_theme = "furo"
templates_path = ["_templates"]
html_title = "infotheory"

# --- the API reference ---------------------------------------------------------------------
api_pages.write(os.path.join(HERE, "api", "index.rst"))
autosummary_generate = True
autodoc_default_options = {"members": False}
autodoc_typehints = "none"  # the docstrings say the shapes and types; signatures stay short
autodoc_inherit_docstrings = False
napoleon_google_docstring = True
napoleon_numpy_docstring = False
add_module_names = False

# Nitpicky: every cross-reference must resolve. What cannot resolve offline (no intersphinx:
# the build must not need the network) is named here, and only that: types of other libraries.
nitpicky = True
nitpick_ignore_regex = [
    (r"py:.*", r"(numpy|np|torch|tf|tensorflow|keras|mx|mxnet|jax|jnp|dask|da|scipy|sklearn|"
               r"torchmetrics|lightning)(\..*)?"),
    (r"py:class", r"(Tensor|Any|Optional|Callable|Sequence|Iterable|Iterator|Mapping|Dict|"
                  r"List|Tuple|FrozenSet|Union|Axes|NamedTuple|object|float|int|str|bool)"),
]

# commands in the text stay copyable: no typographic dashes or quotes (`--quick`)
smartquotes = False

# --- the gallery -----------------------------------------------------------------------------
sphinx_gallery_conf = {
    "examples_dirs": os.path.join(ROOT, "examples"),
    "gallery_dirs": "auto_examples",
    # every example runs, except the one that spawns two DDP processes (shown, not run)
    "filename_pattern": r"^((?!ddp_perplexity).)*\.py$",
    "reset_argv": "gallery_args.reset_argv",  # (a name: the configuration stays picklable)
    "abort_on_example_error": True,
    "only_warn_on_example_error": False,
    "download_all_examples": False,
    "remove_config_comments": True,
    "within_subsection_order": "FileNameSortKey",
    "plot_gallery": "True",
    "show_memory": False,
    # no timing pages: sphinx-gallery's sorts its table with jQuery DataTables from a CDN
    "write_computation_times": False,
    "matplotlib_animations": False,
}
