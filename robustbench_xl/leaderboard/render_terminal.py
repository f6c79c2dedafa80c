"""Render ``leaderboard.json`` data as rich tables in the terminal.

Card
- What: ``print_leaderboard(data, console)`` prints the STILTs-minus-standard tables (per language,
  and pooled low-resource vs the rest: three differences with CIs, n, CMH p and Holm p), the model
  table (learned or not), one accuracy under attack table per recipe (models x languages, with 95% intervals), the runs that are not
  comparable and the warnings.
- Safety: every value is a ``rich.text.Text``, so brackets in names or reasons are never read as
  rich markup.
- Example::

      print_leaderboard(build_leaderboard("results", "leaderboard/models", None).to_json())
"""

from __future__ import annotations

from robustbench_xl.leaderboard.build import lang_key
from robustbench_xl.leaderboard.format import (delta_text, discordant, fraction, lang_label, mean_std, p_value, pool_label,
                                               short_interval)
from robustbench_xl.leaderboard.render_markdown import exclusions_note


def print_leaderboard(data: dict, console=None) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = console or Console()
    low = data["low_resource_languages"]
    alpha = data["settings"]["alpha"]
    if data["comparisons"]:
        console.print(_comparison_table("STILTs minus standard, per language (points)", data["comparisons"], low))
        console.print(Text(f"Learned seeds only, paired by seed; Standard/STILTs = accuracy under attack, mean ± std "
                           f"over seeds. Δ = STILTs − standard with 95% bootstrap CI over examples; Δ attack success "
                           f"among correctly classified pairs. p: CMH over matched pairs stratified by seed pair; "
                           f"* Holm-adjusted p < {alpha} (over languages x recipes); † low-resource language; "
                           "S/T = matched pairs only STILTs / only standard kept correct.", style="dim"))
        note = exclusions_note(data["comparisons"])
        if note:
            console.print(Text(note.replace("`", ""), style="yellow"))
    else:
        console.print(Text("No STILTs/standard pair of the same base model in any language and recipe.", style="dim"))
    if data.get("pooled"):
        console.print(_comparison_table("Low-resource languages pooled against the rest (points)", data["pooled"], low))
        console.print(Text("Strata: language x seed pair; Holm over pools x recipes.", style="dim"))
    if data.get("models"):
        table = Table(title="Models", title_justify="left")
        for name in ("Model", "Regime", "Seed", "Learned"):
            table.add_column(name, justify="right" if name == "Seed" else "left")
        for entry in data["models"]:
            learned = entry.get("learned", True) is not False
            table.add_row(Text(entry["id"]), Text(entry["regime"]), Text("–" if entry.get("seed") is None else str(entry["seed"])),
                          Text("yes" if learned else f"no: {entry.get('learned_note') or ''}",
                               style="" if learned else "bold yellow"))
        console.print(table)
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
            learned = next(c for c in of_recipe if c["model"] == model).get("learned", True) is not False
            table.add_row(Text(model + ("" if learned else " (not learned)")), *[
                Text(short_interval(by_lang[lang]["metrics"]["accuracy_under_attack"]) if lang in by_lang else "–")
                for lang in langs])
        console.print(table)
        caption = _coverage_caption(of_recipe, langs)
        if caption:
            console.print(Text(caption, style="dim"), soft_wrap=True)
    if data.get("validity"):
        table = Table(title="Label validity (human audit): judged successes whose gold label holds",
                      title_justify="left")
        for name in ("Recipe", "Lang", "Holds / judged", "% (95% CI)"):
            table.add_column(name, justify="left" if name in ("Recipe", "Lang") else "right")
        for row in data["validity"]:
            table.add_row(Text(f"{row['recipe']} v{row['recipe_version']}"), Text(lang_label(row["lang"], low)),
                          Text(fraction(row["holds"], row["judged"])), Text(short_interval(row["rate"] or {})))
        console.print(table)
    if data["not_comparable"]:
        console.print(Text(f"Not comparable ({len(data['not_comparable'])}):", style="bold yellow"))
        for item in data["not_comparable"]:
            console.print(Text(f"  {item['path']}: {item['reason']}"), soft_wrap=True)
    if data["warnings"]:
        console.print(Text(f"Warnings ({len(data['warnings'])}):", style="bold yellow"))
        for warning in data["warnings"]:
            console.print(Text(f"  {warning}"), soft_wrap=True)


def _coverage_caption(cells: list[dict], langs: list[str]) -> str | None:
    """``coverage: ja 12-35%, ko 21%`` for the languages where the recipe did not edit every attacked pair."""
    parts = []
    for lang in langs:
        values = [c["metrics"].get("coverage", {}).get("value") for c in cells if c["lang"] == lang]
        values = sorted(round(100 * v) for v in values if v is not None)
        if values and values[0] < 100:
            parts.append(f"{lang} {values[0]}%" if values[0] == values[-1] else f"{lang} {values[0]}-{values[-1]}%")
    return ("coverage (attacked pairs with at least one candidate): " + ", ".join(parts)) if parts else None


def _comparison_table(title: str, rows: list[dict], low: list[str]):
    from rich.table import Table
    from rich.text import Text

    table = Table(title=title, title_justify="left")
    for name in ("Recipe", "Lang", "Strata", "n", "Standard", "STILTs", "Δ clean", "Δ under attack",
                 "Δ attack success", "S/T", "p", "p Holm"):
        table.add_column(name, justify="left" if name in ("Recipe", "Lang") else "right")
    for c in rows:
        d = c["deltas"]
        style = ("bold green" if c["significant"] and c["difference"] > 0 else "bold red" if c["significant"] else "")
        table.add_row(
            Text(c["recipe"]), Text(pool_label(c, low)), Text(str(c["n_seed_pairs"])), Text(str(c["n_paired"])),
            Text(mean_std(c["standard"]["mean"], c["standard"].get("std"), "±")),
            Text(mean_std(c["stilts"]["mean"], c["stilts"].get("std"), "±")),
            Text(delta_text(d["clean_accuracy"])), Text(delta_text(d["accuracy_under_attack"]), style=style),
            Text(delta_text(d["attack_success_rate"])),
            Text(discordant(c["stilts_only"], c["standard_only"], "/")),
            Text(p_value(c["p_value"])), Text(p_value(c["p_holm"]) + (" *" if c["significant"] else ""), style=style))
    return table

