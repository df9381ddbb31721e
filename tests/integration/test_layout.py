"""The house keeps its shape: no import cycle among the package's modules, no backend importing
the layers above it, and no module over ~450 lines without a reason in its docstring."""
import ast
import os

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PKG = os.path.join(ROOT, "infotheory")
MAX_LINES = 450


def _modules():
    out = {}
    for folder, _, files in os.walk(PKG):
        for f in files:
            if f.endswith(".py"):
                path = os.path.join(folder, f)
                rel = os.path.relpath(path, ROOT)[:-3].replace(os.sep, ".")
                out[rel[:-len(".__init__")] if rel.endswith(".__init__") else rel] = path
    return out


MODULES = _modules()


def _imports(name, path):
    """The package modules that ``name`` imports at module level (not inside functions, and
    not under ``if TYPE_CHECKING``)."""
    tree = ast.parse(open(path).read())
    package = name if path.endswith("__init__.py") else name.rsplit(".", 1)[0]
    found = set()
    for node in tree.body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        for sub in ast.walk(node) if not isinstance(node, (ast.FunctionDef, ast.ClassDef)) \
                else []:
            if isinstance(sub, ast.ImportFrom):
                if sub.level:
                    base = package.split(".")
                    base = base[:len(base) - sub.level + 1]
                    mod = ".".join(base + ([sub.module] if sub.module else []))
                else:
                    mod = sub.module or ""
                for alias in sub.names:
                    cand = f"{mod}.{alias.name}"
                    found.add(cand if cand in MODULES else mod)
            elif isinstance(sub, ast.Import):
                found.update(a.name for a in sub.names)
    return {m for m in found if m in MODULES and m != name}


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def test_the_graph_is_read():
    assert GRAPH["infotheory._frontend"] >= {"infotheory._checks", "infotheory._convert",
                                             "infotheory._dispatch"}
    assert "infotheory.estimate._common" in GRAPH["infotheory.estimate.labels"]


def test_no_import_cycle():
    state, stack = {}, []

    def visit(m):
        state[m] = "open"
        stack.append(m)
        for n in sorted(GRAPH[m]):
            if state.get(n) == "open":
                raise AssertionError("import cycle: " + " -> ".join(stack[stack.index(n):] + [n]))
            if n not in state:
                visit(n)
        stack.pop()
        state[m] = "done"

    for m in sorted(GRAPH):
        if m not in state:
            visit(m)


@pytest.mark.parametrize("name", sorted(m for m in MODULES if m.startswith("infotheory.backends")))
def test_a_backend_imports_nothing_above_it(name):
    above = [m for m in GRAPH[name] if not m.startswith("infotheory.backends")]
    assert not above, f"{name} imports {above}"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_module_is_long_without_a_reason(name):
    text = open(MODULES[name]).read()
    lines = text.count("\n")
    doc = ast.get_docstring(ast.parse(text)) or ""
    assert lines <= MAX_LINES or "Size:" in doc, (
        f"{name} has {lines} lines (> {MAX_LINES}): split it by job, or say why it is one "
        f"module in a 'Size:' paragraph of its docstring")
