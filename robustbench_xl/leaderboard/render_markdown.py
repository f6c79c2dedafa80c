"""Render ``leaderboard.json`` data as ``leaderboard/README.md`` (GitHub-flavoured Markdown).

Card
- What: ``render_markdown(data)`` writes the research-question table (STILTs minus standard per
  language and recipe: three differences with CIs, n, the CMH p and its Holm-adjusted value), the
  pooled low-resource-vs-rest table, the per-seed-pair McNemar tables (collapsed), the model table
  (every registered seed, learned or not), one accuracy-under-attack table per recipe (models x
  languages), every metric of every result in a collapsed section, the runs that are not comparable,
  and the warnings.
- Safety: text from results and the registry is escaped (``|``, ``<``, ``>``, ``&``, line breaks), so
  a model name or a reason cannot break a table or inject HTML.
- Example::

      Path("leaderboard/README.md").write_text(render_markdown(board.to_json()), encoding="utf-8")
"""

from __future__ import annotations

from robustbench_xl.leaderboard.build import lang_key


def esc(value: object) -> str:
    text = "" if value is None else str(value)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|")
    return " ".join(text.split())


def number(x: float | None, digits: int = 1, scale: float = 100) -> str:
    """``scale * x`` rounded, never shown as ``-0.0``; ``–`` for a missing value."""
    if x is None:
        return "–"
    text = f"{scale * x:.{digits}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text


def pct(x: float | None, digits: int = 1) -> str:
    return number(x, digits)


def interval(metric: dict, scale: float = 100, digits: int = 1) -> str:
    if metric.get("value") is None:
        return "–"
    return (f"{number(metric['value'], digits, scale)} "
            f"[{number(metric['low'], digits, scale)}, {number(metric['high'], digits, scale)}]")


def signed(x: float | None) -> str:
    text = number(x)
    return text if text in ("–", "0.0") or text.startswith("-") else "+" + text


def fmt_p(p: float | None) -> str:
    if p is None:
        return "–"
    return f"{p:.1e}" if p < 0.001 else f"{p:.3f}"


def lang_label(lang: str, low: list[str]) -> str:
    return f"{lang} †" if lang in low else lang


def delta_text(delta: dict | None) -> str:
    """``+1.5 [-0.5, 3.5]``: a STILTs-minus-standard difference in points with its interval."""
    if not delta or delta.get("value") is None:
        return "–"
    text = signed(delta["value"])
    if delta.get("low") is not None and delta.get("high") is not None:
        text += f" [{pct(delta['low'])}, {pct(delta['high'])}]"
    return text


def test_label(method: str | None) -> str:
    """Short name of the test that gave a row's p: ``exact``, ``χ²`` or ``–``."""
    if not method or method == "no discordant pairs":
        return "–"
    return "exact" if "exact" in method else "χ²"


def pool_label(row: dict, low: list[str]) -> str:
    """A comparison row's languages: ``ja †`` or, pooled, ``ja ko zh †``."""
    if len(row.get("langs") or [row["lang"]]) == 1:
        return lang_label(row["lang"], low)
    return " ".join(row["langs"]) + (" †" if row["low_resource"] else "")


def model_name(cell_or_entry: dict) -> str:
    name = cell_or_entry.get("display_name") or cell_or_entry.get("id") or cell_or_entry.get("model")
    return name + ("" if cell_or_entry.get("learned", True) is not False else " (not learned)")


def comparison_rows(rows: list[dict], low: list[str]) -> tuple[list[str], list[list[str]], set[int]]:
    """Header, Markdown-escaped cells and right-aligned columns of a STILTs-minus-standard table."""
    header = ["Base model (task)", "Recipe", "Lang", "Strata", "n", "Standard", "STILTs",
              "Δ clean", "Δ under attack", "Δ attack success", "S/T", "Test", "p", "p (Holm)"]
    out = []
    for c in rows:
        asr = c["deltas"]["attack_success_rate"]
        discordant = f"{c['stilts_only']} / {c['standard_only']}" if c["stilts_only"] is not None else "–"
        out.append([f"{esc(c['base_model'])} ({esc(c['intermediate_task'])})", esc(c["recipe"]),
                    esc(pool_label(c, low)), str(c["n_seed_pairs"]), str(c["n_paired"]),
                    arm_text(c["standard"]), arm_text(c["stilts"]),
                    delta_text(c["deltas"]["clean_accuracy"]), delta_text(c["deltas"]["accuracy_under_attack"]),
                    delta_text(asr) + f" (n {asr.get('n_standard', '–')}/{asr.get('n_stilts', '–')})",
                    discordant, test_label(c["test"]), fmt_p(c["p_value"]),
                    fmt_p(c["p_holm"]) + (" **\\***" if c["significant"] else "")])
    if len({(c["base_model"], c["intermediate_task"]) for c in rows}) == 1:
        return header[1:], [row[1:] for row in out], {2, 3, 4, 5, 6, 7, 8, 9, 11, 12}
    return header, out, {3, 4, 5, 6, 7, 8, 9, 10, 12, 13}


def exclusions_note(rows: list[dict]) -> str | None:
    """Which seeds the comparison left out (not learned, or without a partner seed), or ``None``."""
    left = sorted({m for c in rows for m in c.get("not_learned") or []})
    lone = sorted({m for c in rows for m in c.get("unpaired") or []})
    parts = ([f"not learned (registry `learned: false`, shown in the model table): {', '.join(left)}"] if left else [])
    parts += [f"without a partner seed: {', '.join(lone)}"] if lone else []
    return "Left out of every comparison: " + "; ".join(parts) + "." if parts else None


def arm_text(arm: dict) -> str:
    text = pct(arm["mean"])
    if arm.get("std") is not None:
        text += f" ± {pct(arm['std'])}"
    return f"{text} ({len(arm['seeds'])} seed{'s' if len(arm['seeds']) != 1 else ''})"


def _table(header: list[str], rows: list[list[str]], right: set[int] = frozenset()) -> list[str]:
    lines = ["| " + " | ".join(header) + " |",
             "|" + "|".join("---:" if i in right else "---" for i in range(len(header))) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def render_markdown(data: dict) -> str:
    low = data["low_resource_languages"]
    s = data["settings"]
    cells = data["cells"]
    out = [
        "# PAWS-X adversarial robustness leaderboard",
        "",
        f"Generated by {esc(data['generated_by'])} with `rbx leaderboard build`: {len(cells)} results of "
        f"{len({c['model'] for c in cells})} models. Open `index.html` in this folder for the interactive page.",
        f"Percentages; brackets are {round(100 * s['confidence'])}% bootstrap intervals over examples "
        f"({s['bootstrap_method']}, {s['n_resamples']} resamples, seed {s['bootstrap_seed']}). "
        f"† marks low-resource languages ({', '.join(low)}).",
        "",
        "## STILTs minus standard fine-tuning, per language",
        "",
    ]
    if data["comparisons"]:
        header, rows, right = comparison_rows(data["comparisons"], low)
        bases = {(c["base_model"], c["intermediate_task"]) for c in data["comparisons"] + (data.get("pooled") or [])}
        if len(bases) == 1:
            base, task = next(iter(bases))
            out += [f"Base model {esc(base)}; STILTs intermediate task {esc(task)}.", ""]
        out += _table(header, rows, right)
        out += ["", f"Learned seeds only, paired by seed; strata = seed pairs. Standard / STILTs: accuracy under attack, mean ± std over "
                f"seeds on the n example ids valid in every compared run. Δ = STILTs − standard in points with a "
                f"{round(100 * s['confidence'])}% bootstrap interval resampling examples with all their seed pairs; "
                f"Δ attack success is over the pairs each arm classified correctly (n standard/STILTs, summed "
                f"over seeds). S/T: matched pairs (example x seed pair) only STILTs / only standard kept correct. "
                f"Test: {s['paired_test']}. p (Holm): adjusted over the {len(data['comparisons'])} rows "
                f"(languages x recipes); \\* = below {s['alpha']}."]
        note = exclusions_note(data["comparisons"])
        out += ["", note] if note else []
    else:
        out.append("No language and recipe has both a STILTs and a standard model of the same base model yet.")
    out += ["", "## Low-resource languages pooled against the rest", ""]
    if data.get("pooled"):
        header, rows, right = comparison_rows(data["pooled"], low)
        out += _table(header, rows, right)
        out += ["", f"The same differences and test with strata language x seed pair, one row per pool and "
                f"recipe; p (Holm) adjusted over these {len(data['pooled'])} rows."]
    else:
        out.append("No recipe has comparisons in two or more languages of a pool.")
    out += seed_pair_section(data["comparisons"], low)
    out += model_section(data)
    recipes = sorted({c["recipe"] for c in cells})
    for recipe in recipes:
        out += ["", f"## Accuracy under attack: {esc(recipe)}", ""]
        of_recipe = [c for c in cells if c["recipe"] == recipe]
        langs = sorted({c["lang"] for c in of_recipe}, key=lang_key)
        models = sorted({(c["regime"], c["base_model"], c["display_name"], c["model"]) for c in of_recipe})
        rows = []
        for regime, base, name, model in models:
            by_lang = {c["lang"]: c for c in of_recipe if c["model"] == model}
            learned = by_lang[next(iter(by_lang))].get("learned", True)
            rows.append([esc(name + ("" if learned is not False else " (not learned)")), esc(regime), esc(base)] + [
                interval(by_lang[lang]["metrics"]["accuracy_under_attack"]) if lang in by_lang else "–"
                for lang in langs])
        out += _table(["Model", "Regime", "Base model"] + [lang_label(lang, low) for lang in langs], rows,
                      right=set(range(3, 3 + len(langs))))
    out += ["", "## All results", "", "<details><summary>Every metric of every result</summary>", ""]
    rows = []
    for c in cells:
        m = c["metrics"]
        rows.append([esc(model_name(c)), esc(c["regime"]), lang_label(esc(c["lang"]), low),
                     f"{esc(c['recipe'])} v{esc(c['recipe_version'])}", str(c["n_examples"]),
                     interval(m["clean_accuracy"]), interval(m["accuracy_under_attack"]),
                     interval(m["attack_success_rate"]), interval(m["mean_perturbed_share"]),
                     interval(m["mean_queries"], 1, 0) + ("" if c["complete"] else " (incomplete)")])
    out += _table(["Model", "Regime", "Lang", "Recipe", "n", "Clean acc.", "Acc. under attack",
                   "Attack success", "Words perturbed", "Queries"], rows, right=set(range(4, 10)))
    out += ["", "</details>", "", "## Not comparable", ""]
    if data["not_comparable"]:
        out += [f"- `{esc(x['path'])}` ({esc(x['model'])}, {esc(x['lang'])}, {esc(x['recipe'])}): {esc(x['reason'])}"
                for x in data["not_comparable"]]
    else:
        out.append("Every run was comparable.")
    out += ["", f"## Warnings ({len(data['warnings'])})", ""]
    out += [f"- {esc(w)}" for w in data["warnings"]] or ["None."]
    return "\n".join(out) + "\n"



def seed_pair_section(rows: list[dict], low: list[str]) -> list[str]:
    """A collapsed table of every seed pair behind the comparisons: n, three Δs, McNemar."""
    if not rows:
        return []
    out = ["", "<details><summary>Per seed pair: McNemar on accuracy under attack</summary>", ""]
    table = []
    for c in rows:
        for pair in c["seed_pairs"]:
            test, d = pair["mcnemar"], pair["deltas"]
            table.append([esc(c["recipe"]), lang_label(esc(pair["lang"]), low), f"{esc(pair['standard_model'])} / {esc(pair['stilts_model'])}", str(pair["n"]),
                          signed(d["clean_accuracy"]), signed(d["accuracy_under_attack"]),
                          signed(d["attack_success_rate"]), f"{test['first_only']} / {test['second_only']}",
                          test_label(test["method"]), fmt_p(test["p_value"])])
    out += _table(["Recipe", "Lang", "Standard / STILTs", "n", "Δ clean", "Δ under attack",
                   "Δ attack success", "S/T", "Test", "p"], table, right={3, 4, 5, 6, 7, 9})
    return out + ["", "Unadjusted p; each row's CMH test above combines its seed pairs (the pooled rows "
                  "combine the same pairs over languages).", "", "</details>"]


def model_section(data: dict) -> list[str]:
    """Every model with results, learned or not: a seed that stayed at the prior is listed, not dropped."""
    compared = {m for c in data["comparisons"] for side in ("standard", "stilts") for m in c[side]["models"]}
    rows = []
    for entry in data["models"]:
        learned = entry.get("learned", True) is not False
        rows.append([esc(entry["id"]), esc(entry["regime"]), esc(entry.get("intermediate_task") or "–"),
                     "–" if entry.get("seed") is None else str(entry["seed"]),
                     "yes" if learned else f"**no**: {esc(entry.get('learned_note') or '')}",
                     "yes" if entry["id"] in compared else "no"])
    if not rows:
        return []
    failed = {e["regime"]: 0 for e in data["models"]}
    for e in data["models"]:
        failed[e["regime"]] += e.get("learned", True) is False
    counts = ", ".join(f"{regime}: {sum(1 for e in data['models'] if e['regime'] == regime) - n} of "
                       f"{sum(1 for e in data['models'] if e['regime'] == regime)} learned"
                       for regime, n in sorted(failed.items()))
    return ["", "## Models", "", f"Seeds per regime that learned (left the class prior; registry field `learned`): {counts}.", ""] + _table(
        ["Model", "Regime", "Intermediate task", "Seed", "Learned", "In a comparison"], rows, right={3})
