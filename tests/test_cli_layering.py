"""Layering of the command line: robustbench_xl/cli/ imports the library, never the other way round.

Only the entry point ``robustbench_xl/__main__.py`` (``python -m robustbench_xl``) may import the CLI.
The CLI modules themselves stay light: ``rbx --help`` must not import torch and friends (see
tests/test_offline_and_fast_help.py for that check on the whole app).
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "robustbench_xl"
ENTRY_POINTS = {"__main__.py"}


def _imported(tree: ast.AST, relative: str) -> set[str]:
    """Absolute names of the modules a file imports (relative imports resolved)."""
    parts = ["robustbench_xl", *relative.removesuffix(".py").split("/")]
    package = parts[:-1]  # the package the file is in (for __init__.py: its own)
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[:len(package) - node.level + 1] if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def test_nothing_outside_cli_imports_cli():
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        if relative.startswith(("cli/", "_vendor/")) or relative in ENTRY_POINTS:
            continue
        names = _imported(ast.parse(path.read_text(encoding="utf-8")), relative)
        offenders += [f"{relative}: {name}" for name in sorted(names)
                      if name == "robustbench_xl.cli" or name.startswith("robustbench_xl.cli.")]
    assert not offenders, "the CLI sits on top; move what these need out of robustbench_xl/cli/:\n" + "\n".join(offenders)


def test_no_cli_modules_left_beside_the_package():
    assert (PACKAGE / "cli" / "__init__.py").is_file()
    assert not sorted(p.name for p in PACKAGE.glob("cli*.py"))
