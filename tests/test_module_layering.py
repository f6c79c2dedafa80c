"""robustbench_xl's import graph has no cycles.

Module-level imports (what runs when a module loads: top-level statements, including those inside
``if``/``try`` and class bodies; ``if TYPE_CHECKING:`` blocks excluded) must form no cycle
anywhere in the package. Imports inside functions are lazy and may break a load-time cycle, but a
cycle through them still means two modules need each other: none is allowed except the few listed
in ``KNOWN_LAZY_CYCLES`` (pre-existing, in modules other work owns), and none at all inside the
syntax-swap package, whose move families used to import each other in a circle. The graph is read
with ``ast`` (no module is imported), so the test is fast and sees the whole package.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "robustbench_xl"
# Cycles through function-level imports that predate this test (modules owned by other work); a new
# cycle, or one of these growing, fails. Remove an entry when its cycle is gone.
KNOWN_LAZY_CYCLES = {
    frozenset({"robustbench_xl.models.loading", "robustbench_xl.models.victims"}),
    frozenset({"robustbench_xl.leaderboard.build", "robustbench_xl.leaderboard.render_markdown"}),
}


def module_files(package: Path) -> dict[str, Path]:
    """Dotted module name -> file, for every module under ``package`` (``_vendor`` excluded)."""
    out = {}
    for path in sorted(package.rglob("*.py")):
        rel = path.relative_to(package.parent).with_suffix("")
        if "_vendor" in rel.parts:
            continue
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or \
        (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def imports_of(name: str, modules: dict[str, Path], lazy: bool) -> set[str]:
    """The package's modules that ``name`` imports: at module level, or also inside functions
    (``lazy``). ``from P import x`` counts as an import of ``P.x`` when that is a module, else of ``P``;
    a module's own ancestor packages are not counted (they are always loaded before it)."""
    path = modules[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)) and not lazy:
                continue
            if isinstance(child, ast.If) and _is_type_checking(child):
                continue
            if isinstance(child, ast.Import):
                found.update(alias.name for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    base = package.split(".")[:len(package.split(".")) - (child.level - 1)]
                    target = ".".join(base + ([child.module] if child.module else []))
                else:
                    target = child.module or ""
                for alias in child.names:
                    found.add(f"{target}.{alias.name}" if f"{target}.{alias.name}" in modules else target)
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
    out = set()
    for target in found:
        while target and target not in modules:  # "pkg.mod.attr" -> "pkg.mod"; outside the package -> ""
            target = target.rpartition(".")[0]
        if target and target != name and not name.startswith(target + "."):
            out.add(target)
    return out


def import_graph(package: Path = PACKAGE, lazy: bool = False) -> dict[str, set[str]]:
    modules = module_files(package)
    return {name: imports_of(name, modules, lazy) for name in modules}


def cycles(graph: dict[str, set[str]]) -> list[frozenset[str]]:
    """The strongly connected components with more than one module (Tarjan), plus self-imports."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[frozenset[str]] = []

    def connect(v: str) -> None:  # recursive: the depth is the longest import chain (a few dozen)
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.add(w)
                if w == v:
                    break
            if len(component) > 1 or v in graph.get(v, ()):
                out.append(frozenset(component))

    for v in sorted(graph):
        if v not in index:
            connect(v)
    return out


def _describe(found: list[frozenset[str]]) -> str:
    return "; ".join(" <-> ".join(sorted(c)) for c in found)


def test_no_cycle_in_module_level_imports():
    graph = import_graph()
    assert len(graph) > 50 and "robustbench_xl.transformations.syntax.moves" in graph
    found = cycles(graph)
    assert not found, f"import cycle(s) at module level: {_describe(found)}"


def test_no_new_cycle_through_lazy_imports():
    found = cycles(import_graph(lazy=True))
    new = [c for c in found if c not in KNOWN_LAZY_CYCLES]
    assert not new, f"import cycle(s) through function-level imports: {_describe(new)}"


def test_syntax_package_is_layered():
    """Bottom to top: rules, tree_tools, the families, moves, swap; each imports only lower ones."""
    layers = ["rules", "tree_tools", "moves_latin", "moves_cjk", "coordination", "moves", "swap"]
    prefix = "robustbench_xl.transformations.syntax."
    graph = import_graph(lazy=True)
    for k, name in enumerate(layers):
        inside = {m[len(prefix):] for m in graph[prefix + name] if m.startswith(prefix)}
        assert inside <= set(layers[:k]), f"{name} imports {sorted(inside - set(layers[:k]))} (not below it)"
        families = {"moves_latin", "moves_cjk", "coordination"}
        if name in families:
            assert not inside & families, f"move family {name} imports another family"
    assert graph["robustbench_xl.transformations.syntax"] <= {prefix + m for m in layers}


@pytest.mark.parametrize("lazy", [False, True])
def test_the_check_finds_a_cycle(tmp_path, lazy):
    """The checker is real: a two-module cycle (module-level, or through a function) is reported."""
    pkg = tmp_path / "robustbench_xl"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "sub" / "__init__.py").write_text("")
    (pkg / "sub" / "a.py").write_text("from .b import f\n")
    body = "def g():\n    from robustbench_xl.sub import a\n" if lazy else "from . import a\n"
    (pkg / "sub" / "b.py").write_text(body + "def f():\n    return 1\n")
    (pkg / "c.py").write_text("from .sub.a import f\n")
    found = cycles(import_graph(pkg, lazy=True))
    assert found == [frozenset({"robustbench_xl.sub.a", "robustbench_xl.sub.b"})]
    assert cycles(import_graph(pkg, lazy=False)) == ([] if lazy else found)
