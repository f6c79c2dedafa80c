"""``rbx recipes list|show``: the perturbation recipes, from the command line.

Mounted in :mod:`robustbench_xl.cli` as ``app.add_typer(recipes.app, name="recipes")``.
"""

from __future__ import annotations

import typer

app = typer.Typer(help="List and inspect perturbation recipes.", no_args_is_help=True)


@app.command("list")
def recipes_list():
    """Show every recipe: version, languages, what it edits.

    Example: rbx recipes list
    """
    from rich.console import Console
    from rich.table import Table

    from ..recipes import list_recipes

    table = Table(title="rbx recipes")
    for column in ("name", "version", "languages", "edits", "description"):
        table.add_column(column, overflow="fold")
    for r in list_recipes():
        table.add_row(r.name, str(r.version), " ".join(r.languages), r.perturb, r.description)
    Console().print(table)


@app.command("show")
def recipes_show(name: str = typer.Argument(..., help="Recipe name or YAML path.")):
    """Print one recipe file and its label-preservation guarantee.

    Example: rbx recipes show char-noise
    """
    from pathlib import Path

    from rich.console import Console
    from rich.syntax import Syntax

    from ..recipes import load_recipe

    recipe = load_recipe(name)
    Console().print(Syntax(Path(recipe.path).read_text(encoding="utf-8"), "yaml", word_wrap=True))
