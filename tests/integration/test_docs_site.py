"""The documentation site builds with no warning (nitpicky, warnings as errors), with the gallery
in its quick mode, and what it promises is there: a page for every public name, every internal
link resolving, every gallery example's figure.

The site is built once per session into a temporary copy of ``docs/``, ``examples/`` and
``benchmarks/`` (the source tree is left as it is). Sphinx is in the ``docs`` extra, installed in
the main environment; where CI requires the docs (``INFOTHEORY_REQUIRE_DOCS=1``, set by
``make test-main`` under ``.ci/run``) a missing Sphinx fails instead of skipping.
"""
import html.parser
import importlib
import os
import shutil
import urllib.parse

import pytest

from tests.conftest import require, run_child

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

if os.environ.get("INFOTHEORY_REQUIRE_DOCS") != "1":
    pytest.importorskip("sphinx", reason="the docs extra is not installed here")
    pytest.importorskip("sphinx_gallery", reason="the docs extra is not installed here")

PUBLIC_MODULES = ("infotheory", "infotheory.estimate", "infotheory.keras",
                  "infotheory.keras.metrics", "infotheory.torchmetrics", "infotheory.testing",
                  "infotheory.mxnet_compat")
# examples shown, not run, when the site is built (they spawn processes)
NOT_RUN = {"ddp_perplexity"}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    for fw in ("torch", "tensorflow", "mxnet", "dask"):  # the examples and API pages use them
        require(fw)
    base = tmp_path_factory.mktemp("site")
    for name in ("docs", "examples", "benchmarks"):
        shutil.copytree(os.path.join(ROOT, name), base / name,
                        ignore=shutil.ignore_patterns("_build", "generated", "auto_examples",
                                                      "__pycache__"))
    run_child(["-m", "sphinx", "-W", "--keep-going", "-n", "-q", "-b", "html", ".", "_build/html"],
              cwd=base / "docs", timeout=600,
              env={"INFOTHEORY_DOCS_QUICK": "1", "MPLBACKEND": "Agg", "TF_CPP_MIN_LOG_LEVEL": "3"})
    return base / "docs" / "_build" / "html"


class _Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.images, self.ids = [], [], set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if tag == "img" and a.get("src"):
            self.images.append(a["src"])


def _parse(path):
    p = _Links()
    p.feed(path.read_text(encoding="utf-8"))
    return p


def test_every_public_name_has_a_page(site):
    missing = []
    for module in PUBLIC_MODULES:
        for name in importlib.import_module(module).__all__:
            if not (site / "api" / "generated" / f"{module}.{name}.html").exists():
                missing.append(f"{module}.{name}")
    assert not missing, missing
    # and the pages say something: the docstring of one, the formula of another
    text = (site / "api" / "generated" / "infotheory.estimate.permutation_test.html").read_text()
    assert "Phipson" in text and "n_permutations" in text


def test_every_internal_link_and_anchor_resolves(site):
    pages = {p: _parse(p) for p in site.rglob("*.html")}
    broken = []
    for page, parsed in pages.items():
        for href in parsed.links:
            url = urllib.parse.urlparse(href)
            if url.scheme or href.startswith(("mailto:", "//")):
                continue
            target = (page.parent / urllib.parse.unquote(url.path)).resolve() if url.path else page
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{page.relative_to(site)} -> {href}")
            elif url.fragment and target.suffix == ".html" and target in pages and \
                    url.fragment not in pages[target].ids:
                broken.append(f"{page.relative_to(site)} -> {href} (no such anchor)")
    assert not broken, broken[:20]
    assert len(pages) > 100  # the API pages, the guides, the gallery


def test_every_gallery_example_has_its_figures(site):
    examples = sorted(f[:-3] for f in os.listdir(os.path.join(ROOT, "examples"))
                      if f.endswith(".py"))
    assert len(examples) >= 11
    for name in examples:
        page = site / "auto_examples" / f"{name}.html"
        assert page.exists(), name
        images = [src for src in _parse(page).images if "sphx_glr" in src and "thumb" not in src]
        if name in NOT_RUN:
            continue
        assert images, f"{name} drew no figure"
        for src in images:
            assert (page.parent / urllib.parse.unquote(src)).resolve().exists(), src


def test_the_pages_of_each_user_path_exist(site):
    for page in ("concepts", "guides/pytorch", "guides/keras", "guides/sklearn_scipy",
                 "guides/jax", "guides/dask", "guides/mxnet", "guides/training_metrics",
                 "guides/backend_authors", "api/index", "api/overview",
                 "auto_examples/d2l_information_theory"):
        assert (site / f"{page}.html").exists(), page
    book = (site / "auto_examples" / "d2l_information_theory.html").read_text()
    for value in ("1.6854753", "0.8635473", "225.5810"):  # the book's values, computed
        assert value in book, value


def test_gallery_pages_hold_no_typographic_dash_progress_bar_or_warning(site):
    """Commands stay copyable (``--quick``, not an en dash), and the outputs carry no progress
    bar (the Dask page had 19 lines) nor a framework's warning (the LM/VAE page had torch's)."""
    pages = sorted((site / "auto_examples").glob("*.html"))
    assert pages
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "\u2013quick" not in text and "&#8211;quick" not in text, page.name
        assert "% Completed" not in text, page.name
        assert "UserWarning" not in text and "DeprecationWarning" not in text, page.name
