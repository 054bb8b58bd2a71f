"""The package's layers: engine, views, figures, widgets, lessons; each imports only below it."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "rnnviz"
MODULES = {
    ".".join(p.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(".__init__"): p
    for p in sorted(PACKAGE.rglob("*.py"))
}
VIEWS = ("rnnviz.views", "rnnviz.figures", "rnnviz.widgets", "rnnviz.lessons")


def _imports(name):
    """(imported module, [names]) for each module-level import of module `name`, resolved."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Import):
            found += [(a.name, []) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package
            for _ in range(node.level - 1):
                base = base.rpartition(".")[0]
            target = f"{base}.{node.module}" if node.level and node.module else node.module or base
            found.append((target, [a.name for a in node.names]))
    return found


def _layer(module):
    return next((v for v in VIEWS if module == v or module.startswith(v + ".")), "engine")


@pytest.mark.parametrize("name", MODULES)
def test_a_module_imports_only_layers_below_it(name):
    order = ["engine", *VIEWS]
    mine = order.index(_layer(name))
    for target, _ in _imports(name):
        if target.startswith("rnnviz") and name != "rnnviz":
            assert (
                order.index(_layer(target)) <= mine
                or _layer(target) == "rnnviz.lessons"
                and (False)
            ), f"{name} imports {target}"
            if _layer(name) == "rnnviz.figures":
                assert not target.startswith(("rnnviz.widgets", "rnnviz.lessons")), target
    if _layer(name) in ("engine", "rnnviz.views"):
        heavy = [t for t, _ in _imports(name) if t.split(".")[0] in ("plotly", "ipywidgets")]
        assert heavy == [], f"{name} imports {heavy} at module level"


@pytest.mark.parametrize("name", MODULES)
def test_no_module_imports_another_modules_private_names(name):
    for target, names in _imports(name):
        private = [n for n in names if n.startswith("_")]
        assert private == [], f"{name} imports {private} from {target}"


def test_there_is_no_import_cycle():
    graph = {
        name: {t for t, _ in _imports(name) if t in MODULES and t != name}
        for name in MODULES
        if name != "rnnviz"
    }
    done, path = set(), []

    def visit(node):
        if node in path:
            raise AssertionError(f"import cycle: {' -> '.join([*path[path.index(node) :], node])}")
        if node in done or node not in graph:
            return
        path.append(node)
        for nxt in graph[node]:
            visit(nxt)
        path.pop()
        done.add(node)

    for node in graph:
        visit(node)


def test_figures_never_show():
    for name, path in MODULES.items():
        if name.startswith("rnnviz.figures"):
            assert ".show(" not in path.read_text(), name


def test_importing_the_package_loads_no_view_library():
    code = (
        "import sys, rnnviz; "
        "print(sorted(m for m in ('plotly', 'ipywidgets', 'anywidget', 'IPython', 'tqdm') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_views_load_on_first_use():
    code = "import sys, rnnviz as rv; rv.GradientFlowExplorer; print('ipywidgets' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"
