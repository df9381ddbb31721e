"""The documentation site builds with no warning (nitpicky, warnings as errors), with the gallery
in its quick mode, and what it promises is there: a page for every public name, every internal
link resolving, every gallery example's figure.

The site is built once per session into a temporary copy of ``docs/``, ``examples/`` and
``benchmarks/`` (the source tree is left as it is). Sphinx is in the ``docs`` extra, installed in
the main environment; where CI requires the docs (``INFOTHEORY_REQUIRE_DOCS=1``, set by
``make test-main`` under ``.ci/run``) a missing Sphinx fails instead of skipping.

Formulas are math (``:math:`` in the docstrings and the gallery, ``$...$`` in the MyST pages),
typeset by a MathJax that the site carries (``sphinx-mathjax-offline``: no CDN). Where a
Chromium is installed, headless Chromium renders pages as a reader would and the DOM it ends
with shows that MathJax typeset every formula (no raw TeX left, no TeX error); its screenshots
are kept in ``$INFOTHEORY_SCREENSHOTS`` (a temporary directory when unset).
"""
import concurrent.futures
import html.parser
import importlib
import os
import re
import shutil
import struct
import subprocess
import tempfile
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


# --- math: offline MathJax, and what a browser makes of it ------------------------------------
# pages screenshotted: the landing page, an API page and a gallery page, each with formulas
SCREENSHOT_PAGES = {"index": "index.html",
                    "api_entropy": "api/generated/infotheory.entropy.html",
                    "gallery_d2l": "auto_examples/d2l_information_theory.html"}
# what MathJax leaves of TeX it did not typeset: its delimiters, or a command in plain text
RAW_TEX = re.compile(r"\\[()\[\]]|\\(frac|sum|log|mathrm|mid|infty|alpha|sigma|tfrac)\b"
                     r"|\$\$|\$[^$\s][^$]*\$")


def _math_pages(site):
    """The pages with a formula (Sphinx marks each ``class="math ..."``), and how many each."""
    out = {}
    for page in site.rglob("*.html"):
        n = len(re.findall(r'class="math[ "]', page.read_text(encoding="utf-8")))
        if n:
            out[page] = n
    return out


def test_mathjax_is_served_from_the_site_not_a_cdn(site):
    """The build and the pages work offline: every script and stylesheet is the site's own,
    no page names a MathJax on the web, and the pages with formulas load the MathJax copied
    into ``_static``."""
    external = []
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assets = _parse_scripts(page) + re.findall(
            r'<link\b[^>]*\brel="stylesheet"[^>]*\bhref="([^"]*)"', text)
        external += [f"{page.relative_to(site)}: {url}" for url in assets
                     if url.startswith(("http:", "https:", "//"))]
        external += [f"{page.relative_to(site)}: {url}"
                     for url in re.findall(r"(?:https?:)?//[^\"' ]*mathjax[^\"' ]*", text, re.I)]
    assert not external, external[:10]
    pages = _math_pages(site)
    for page in SCREENSHOT_PAGES.values():  # the pages the browser test opens have formulas
        assert site / page in pages, page
    assert len(pages) >= 40, len(pages)  # the API pages of the measures, the guides, examples
    for page in pages:
        srcs = [s for s in _parse_scripts(page) if "mathjax" in s.lower()]
        assert srcs, f"{page.relative_to(site)} has math but loads no MathJax"
        for src in srcs:
            target = page.parent / urllib.parse.unquote(urllib.parse.urlparse(src).path)
            assert target.resolve().is_file(), (page.relative_to(site), src)


def _parse_scripts(page):
    return re.findall(r'<script\b[^>]*\bsrc="([^"]*)"', page.read_text(encoding="utf-8"))


def _chromium():
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    return None


def _browse(chromium, page, *flags):
    """Headless Chromium on a page of the site, with 10 s of virtual time for its scripts
    (MathJax typesets then); a fresh profile per call, so that calls can run side by side."""
    with tempfile.TemporaryDirectory(prefix="chromium-") as profile:
        cmd = [chromium, "--headless", "--no-sandbox", "--disable-gpu",
               "--disable-dev-shm-usage", "--allow-file-access-from-files",
               "--virtual-time-budget=10000", f"--user-data-dir={profile}", *flags,
               page.as_uri()]
        try:
            out = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        except subprocess.TimeoutExpired:
            pytest.fail(f"{' '.join(cmd)} ran past 120 s", pytrace=False)
    assert out.returncode == 0, f"{' '.join(cmd)}\n{out.stderr[-3000:]}"
    return out.stdout


class _Rendered(html.parser.HTMLParser):
    """The DOM as Chromium left it: the typeset formulas (``mjx-container``), MathJax's
    errors, and the text a reader sees outside the formulas (prose: no head, script, style
    or code block)."""
    HIDDEN = {"head", "script", "style", "pre", "textarea", "mjx-container"}

    def __init__(self):
        super().__init__()
        self.containers, self.errors, self.hidden, self.text = 0, 0, 0, []

    def handle_starttag(self, tag, attrs):
        if tag == "mjx-container":
            self.containers += 1
        if tag == "mjx-merror" or any(name == "data-mjx-error" for name, _ in attrs):
            self.errors += 1
        if tag in self.HIDDEN:
            self.hidden += 1

    def handle_endtag(self, tag):
        if tag in self.HIDDEN:
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.text.append(data)


def _render(chromium, page):
    r = _Rendered()
    r.feed(_browse(chromium, page, "--dump-dom"))
    return r


def _check_rendered(site, page, want, r):
    name = page.relative_to(site)
    assert r.containers >= want, f"{name}: MathJax typeset {r.containers} of {want} formulas"
    assert not r.errors, f"{name}: {r.errors} formula(s) with a TeX error"
    raw = sorted({m.group(0) for m in RAW_TEX.finditer(" ".join(r.text))})
    assert not raw, f"{name}: raw TeX left in the text: {raw[:10]}"


def _png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n", path
    return struct.unpack(">II", head[16:24])


def test_browser_renders_the_math_and_screenshots_it(site, tmp_path_factory):
    """Headless Chromium opens the landing page, the entropy function's API page and the
    book's gallery page: MathJax has typeset every formula of each (as many ``mjx-container``
    elements as Sphinx wrote formulas), with no TeX error and no raw TeX left in the text; a
    screenshot of each is kept (``$INFOTHEORY_SCREENSHOTS``, else a temporary directory)."""
    chromium = _chromium()
    if chromium is None:
        pytest.skip("no Chromium on PATH (chromium, chromium-browser, google-chrome): the "
                    "rendered math is not checked (Debian: apt-get install chromium)")
    shots = os.environ.get("INFOTHEORY_SCREENSHOTS") or str(tmp_path_factory.mktemp("screens"))
    os.makedirs(shots, exist_ok=True)
    pages = _math_pages(site)
    for name, rel in SCREENSHOT_PAGES.items():
        page = site / rel
        _check_rendered(site, page, pages[page], _render(chromium, page))
        png = os.path.join(shots, f"{name}.png")
        if os.path.exists(png):
            os.remove(png)
        _browse(chromium, page, f"--screenshot={png}", "--window-size=1280,2000",
                "--hide-scrollbars")
        assert os.path.exists(png), png
        assert _png_size(png) == (1280, 2000), png
        assert os.path.getsize(png) > 20_000, f"{png}: {os.path.getsize(png)} bytes, a blank page?"


def test_every_formula_on_the_site_typesets(site):
    """Every page with a formula (the API pages from the docstrings, the guides, the gallery)
    rendered by Chromium: each formula typeset, no TeX error (a misspelt command in a
    docstring), no raw TeX left in the text."""
    chromium = _chromium()
    if chromium is None:
        pytest.skip("no Chromium on PATH (chromium, chromium-browser, google-chrome): the "
                    "rendered math is not checked (Debian: apt-get install chromium)")
    pages = _math_pages(site)
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        rendered = dict(zip(pages, pool.map(lambda p: _render(chromium, p), pages)))
    failures = []
    for page, r in rendered.items():
        try:
            _check_rendered(site, page, pages[page], r)
        except AssertionError as e:
            failures.append(str(e).splitlines()[0])
    assert not failures, failures
