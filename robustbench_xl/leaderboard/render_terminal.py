"""Render ``leaderboard.json`` data as rich tables in the terminal.

Card
- What: ``print_leaderboard(data, console)`` prints the STILTs-minus-standard table, one accuracy
  under attack table per recipe (models x languages, with 95% intervals), the runs that are not
  comparable and the warnings.
- Safety: every value is a ``rich.text.Text``, so brackets in names or reasons are never read as
  rich markup.
- Example::

      print_leaderboard(build_leaderboard("results", "leaderboard/models", None).to_json())
"""

from __future__ import annotations

from robustbench_xl.leaderboard.build import lang_key
from robustbench_xl.leaderboard.render_markdown import fmt_p, lang_label, number, pct, signed


def print_leaderboard(data: dict, console=None) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = console or Console()
    low = data["low_resource_languages"]
    alpha = data["settings"]["alpha"]
    if data["comparisons"]:
        table = Table(title="STILTs minus standard: accuracy under attack (%)", title_justify="left")
        for name in ("Base model (task)", "Recipe", "Lang", "Seeds", "Standard", "STILTs", "Δ [95% CI]",
                     "n", "S/T", "p", "p Holm"):
            table.add_column(name, justify="left" if name in ("Base model (task)", "Recipe", "Lang") else "right")
        for c in data["comparisons"]:
            delta = signed(c["difference"])
            if c["difference_low"] is not None:
                delta += f" [{pct(c['difference_low'])}, {pct(c['difference_high'])}]"
            style = "bold green" if c["significant"] and c["difference"] > 0 else "bold red" if c["significant"] else ""
            table.add_row(
                Text(f"{c['base_model']} ({c['intermediate_task']})"), Text(c["recipe"]),
                Text(lang_label(c["lang"], low)),
                Text(f"{len(c['standard']['seeds'])}/{len(c['stilts']['seeds'])}"),
                Text(_mean_std(c["standard"])), Text(_mean_std(c["stilts"])),
                Text(delta, style=style), Text(str(c["n_paired"])),
                Text(f"{c['stilts_only']}/{c['standard_only']}" if c["stilts_only"] is not None else "–"),
                Text(fmt_p(c["p_value"])), Text(fmt_p(c["p_holm"]) + (" *" if c["significant"] else ""), style=style))
        console.print(table)
        console.print(Text(f"Mean ± std over seeds. * Holm-adjusted p < {alpha}; † low-resource language; "
                           "S/T = examples only STILTs / only standard kept correct.", style="dim"))
    else:
        console.print(Text("No STILTs/standard pair of the same base model in any language and recipe.", style="dim"))
    cells = data["cells"]
    for recipe in sorted({c["recipe"] for c in cells}):
        of_recipe = [c for c in cells if c["recipe"] == recipe]
        langs = sorted({c["lang"] for c in of_recipe}, key=lang_key)
        table = Table(title=f"Accuracy under attack (%) with 95% CI, recipe {recipe}", title_justify="left")
        table.add_column("Model")
        for lang in langs:
            table.add_column(lang_label(lang, low), justify="right")
        for model, _ in sorted({(c["model"], c["regime"]) for c in of_recipe}, key=lambda t: (t[1], t[0])):
            by_lang = {c["lang"]: c for c in of_recipe if c["model"] == model}
            table.add_row(Text(model), *[
                Text(_short(by_lang[lang]["metrics"]["accuracy_under_attack"]) if lang in by_lang else "–")
                for lang in langs])
        console.print(table)
    if data["not_comparable"]:
        console.print(Text(f"Not comparable ({len(data['not_comparable'])}):", style="bold yellow"))
        for item in data["not_comparable"]:
            console.print(Text(f"  {item['path']}: {item['reason']}"), soft_wrap=True)
    if data["warnings"]:
        console.print(Text(f"Warnings ({len(data['warnings'])}):", style="bold yellow"))
        for warning in data["warnings"]:
            console.print(Text(f"  {warning}"), soft_wrap=True)


def _mean_std(arm: dict) -> str:
    return pct(arm["mean"]) + (f"±{pct(arm['std'])}" if arm.get("std") is not None else "")


def _short(metric: dict) -> str:
    """``45.5 (36–56)``: the value and its interval rounded to whole points, to fit a terminal."""
    if metric.get("value") is None:
        return "–"
    low, high = metric["low"], metric["high"]
    bounds = "" if low is None or high is None else f" ({number(low, 0)}–{number(high, 0)})"
    return f"{number(metric['value'])}{bounds}"
