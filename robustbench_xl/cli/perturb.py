"""``rbx perturb``: show what a recipe does to a sentence, without a model.

A typer app with one command, mounted in :mod:`robustbench_xl.cli` as ``rbx perturb``. The work is
done by :func:`robustbench_xl.perturb.perturb`.
"""

from __future__ import annotations

from typing import Optional

import typer

from ..lang import language_codes

app = typer.Typer(add_completion=False, pretty_exceptions_enable=False, rich_markup_mode="rich")


@app.command("perturb")
def perturb_command(
    text: str = typer.Argument(..., help="The sentence to perturb (quote it)."),
    recipe: str = typer.Option(..., "--recipe", "-r", help="Recipe name (rbx recipes list) or YAML path."),
    lang: str = typer.Option(..., "--lang", "-l", help=f"Language of TEXT: {' '.join(language_codes())}."),
    n: int = typer.Option(5, "--n", help="How many distinct perturbations to show at most."),
    seed: int = typer.Option(0, "--seed", help="Seed: the same seed shows the same samples."),
    steps: int = typer.Option(1, "--steps", help="Edits chained per sample (an attack chains several)."),
    target_lang: Optional[str] = typer.Option(None, "--target-lang",
                                              help="code-switch / all: switch words into this language."),
):
    """Print sample perturbations of TEXT with a recipe (changed words highlighted); no model needed.

    Examples:

      rbx perturb --recipe char-noise --lang ko "그녀의 남편은 재정적으로 안정적입니다."

      rbx perturb --recipe word-order --lang ja --n 3 "彼は東京で本を買った。"

      rbx perturb --recipe char-noise --lang de --steps 2 --seed 1 "Er zog später nach Paris."

      rbx perturb --recipe code-switch --lang de --target-lang fr "Er zog später nach Paris."
    """
    from rich.console import Console
    from rich.text import Text

    from ..perturb import perturb

    results = perturb(text, recipe, lang, n=n, seed=seed, steps=steps, target_lang=target_lang)
    console = Console(highlight=False)
    console.print(Text.assemble(("original  ", "dim"), text))
    if not results:
        console.print(f"[yellow]no perturbation: recipe {recipe!r} finds nothing it may change in this {lang} "
                      "text (numbers and names are protected; some recipes only apply to certain sentences)[/]")
        return
    for k, result in enumerate(results, 1):
        line = Text(f"{k:>8}  ", style="dim")
        cursor = 0
        for start, end in result.changed_spans:
            line.append(result.text[cursor:start])
            line.append(result.text[start:end], style="bold red")
            cursor = end
        line.append(result.text[cursor:])
        edits = "; ".join(f"moved: {a}" if a == b else f"{a or '∅'} → {b or '∅'}" for a, b in result.edits)
        console.print(line)
        console.print(Text(f"{'':10}{edits}", style="dim"))
