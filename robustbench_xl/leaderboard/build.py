"""Build the leaderboard: registry + results -> statistics -> terminal, README.md, JSON, HTML.

Card
- What: ``build_leaderboard(results, models, out)`` reads the registry and every run, keeps one
  comparable run per (model, language, recipe), computes per-cell metrics with 95% bootstrap CIs over
  examples, the STILTs-minus-standard comparisons over seed pairs (per language and pooled over the
  low-resource languages and over the rest; see ``compare``) with Holm-adjusted CMH p-values, and writes
  ``README.md``, ``leaderboard.json`` and ``index.html`` into ``out``. ``leaderboard.json``'s schema
  is in ``docs/leaderboard.md``.
- Languages: display order, names and the low-resource side come from the language registry
  (``lang.languages``); a language it does not know is listed after the known ones and is never
  low-resource.
- Metrics (fractions in JSON, percentages on screen): clean accuracy and accuracy under attack over
  ``n_examples`` (attacked + misclassified), attack success rate and mean queries over attacked
  examples, mean perturbed-word share over successful attacks; the per-example values are
  ``results.metric_values``, bootstrapped here.
- Validity: a cell's ``judgements.jsonl`` (``rbx audit --import``) gives each cell ``validity``
  (judged successes whose gold label holds, Wilson CI; accuracy under valid attack, in which a flip
  judged "no" counts as robust) and the top-level ``validity`` rows pool them per recipe and language.
- Limits: nothing is mixed across examples fingerprints or recipe versions; such runs and duplicates
  are listed in ``not_comparable`` with the reason. A model with results but no registry entry is
  shown with regime ``unregistered`` (and a warning) and left out of the STILTs comparison; so is a
  registry entry with ``learned: false``, which is still shown in every model table.
- Example::

      board = build_leaderboard("results", "leaderboard/models", "leaderboard")
      print(len(board.cells), board.warnings)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from robustbench_xl.lang import display_key, is_low_resource, low_resource_codes
from robustbench_xl.leaderboard import compare
from robustbench_xl.leaderboard.registry import ModelEntry, load_registry
from robustbench_xl.leaderboard.results import Exclusion, check_precisions, select_runs
from robustbench_xl.results import (METRICS, Run, adversarial_pairs, discover_runs, judged_outcomes, metric_values,
                                    summary_mismatches, validity)
from robustbench_xl.stats import CONFIDENCE, N_RESAMPLES, SEED, bootstrap_interval

LEADERBOARD_SCHEMA_VERSION = 2
UNREGISTERED = "unregistered"
EXAMPLES_PER_CELL = 3


@dataclass
class Leaderboard:
    """Everything the renderers show; ``to_json()`` is the documented ``leaderboard.json``."""

    settings: dict
    models: dict[str, ModelEntry]
    cells: list[dict]
    arms: list[dict]
    comparisons: list[dict]
    pooled: list[dict]
    validity: list[dict]
    not_comparable: list[Exclusion]
    warnings: list[str]
    files: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict:
        from robustbench_xl import __version__

        return {
            "schema_version": LEADERBOARD_SCHEMA_VERSION,
            "generated_by": f"robustbench_xl {__version__}",
            "settings": self.settings,
            "low_resource_languages": low_resource_codes(),
            "models": [entry.to_json() for entry in self.models.values()],
            "cells": self.cells,
            "arms": self.arms,
            "comparisons": self.comparisons,
            "pooled": self.pooled,
            "validity": self.validity,
            "not_comparable": [item.to_json() for item in self.not_comparable],
            "warnings": self.warnings,
        }


def lang_key(lang: str) -> tuple:
    """Languages in the registry's display order, then any other code alphabetically."""
    return display_key(lang)


def cell_metrics(run: Run, settings: dict) -> tuple[dict, list[str]]:
    """Metrics with bootstrap intervals for one run, and warnings when the summary disagrees."""
    boot = {"confidence": settings["confidence"], "n_resamples": settings["n_resamples"],
            "seed": settings["bootstrap_seed"]}
    values = metric_values(run.examples)
    metrics = {name: bootstrap_interval(values[name], **boot).to_json() for name in METRICS}
    return metrics, summary_mismatches(run, {name: metrics[name]["value"] for name in METRICS})


def build_cells(runs: list[Run], registry: dict[str, ModelEntry], settings: dict) -> tuple[list[dict], list[str]]:
    cells, warnings = [], []
    for run in sorted(runs, key=lambda r: (r.recipe, lang_key(r.lang), r.model)):
        entry = registry[run.model]
        metrics, metric_warnings = cell_metrics(run, settings)
        warnings.extend(metric_warnings)
        cells.append({
            "model": run.model, "display_name": entry.display_name, "base_model": entry.base_model,
            "regime": entry.regime, "intermediate_task": entry.intermediate_task, "seed": entry.seed,
            "learned": entry.learned, "learned_note": entry.learned_note,
            "lang": run.lang, "low_resource": is_low_resource(run.lang),
            "recipe": run.recipe, "recipe_version": run.recipe_version, "precision": run.precision,
            "examples_fingerprint": run.fingerprint, "attack_seed": run.seed,
            "complete": run.complete, "path": str(run.path),
            "n_examples": metrics["clean_accuracy"]["n"],
            "skipped_by_reason": run.skipped_by_reason,
            "metrics": metrics,
            "validity": validity(run.examples, run.judgements),
            "examples": adversarial_pairs(run.examples, EXAMPLES_PER_CELL),
        })
    return cells, warnings


def build_validity(runs: list[Run]) -> list[dict]:
    """Audited label validity per (recipe, version, language), pooled over the models judged there."""
    from robustbench_xl.stats import wilson_interval

    pools: dict[tuple, dict] = {}
    for run in runs:
        verdicts = list(judged_outcomes(run.examples, run.judgements).values())
        if not verdicts:
            continue
        pool = pools.setdefault((run.recipe, run.recipe_version, run.lang), {"holds": 0, "judged": 0, "models": set()})
        pool["holds"] += verdicts.count("yes")
        pool["judged"] += verdicts.count("yes") + verdicts.count("no")
        pool["models"].add(run.model)
    rows = []
    for (recipe, version, lang), pool in sorted(pools.items(), key=lambda kv: (kv[0][0], lang_key(kv[0][2]))):
        k, n = pool["holds"], pool["judged"]
        rate = None
        if n:
            low, high = wilson_interval(k, n)
            rate = {"value": round(k / n, 6), "low": round(low, 6), "high": round(high, 6), "n": n}
        rows.append({"recipe": recipe, "recipe_version": version, "lang": lang, "low_resource": is_low_resource(lang),
                     "holds": k, "judged": n, "rate": rate, "models": sorted(pool["models"])})
    return rows


def build_comparisons(runs: list[Run], registry, settings: dict) -> tuple[list[dict], list[dict], list[dict]]:
    """Chart arms, per-language comparison rows and pooled rows (Holm-adjusted, each family apart)."""
    by_group: dict[tuple[str, str], list[Run]] = {}
    for run in runs:
        by_group.setdefault(run.group, []).append(run)
    arms, rows = [], []
    pools: dict[tuple, dict] = {}
    for (lang, recipe) in sorted(by_group, key=lambda g: (g[1], lang_key(g[0]))):
        grouped = compare.group_arms(by_group[(lang, recipe)], registry)
        # Unregistered models are charted one per arm (they have no regime to pool or compare by).
        charted = {**grouped, **{compare.ArmKey(run.model, UNREGISTERED, None): [run]
                                 for run in by_group[(lang, recipe)] if registry[run.model].regime == UNREGISTERED}}
        for key in sorted(charted, key=lambda k: (k.base_model, k.regime, k.intermediate_task or "", not k.learned)):
            arm = compare.arm_summary(key, charted[key], registry, settings)
            arms.append({"lang": lang, "recipe": recipe, "low_resource": is_low_resource(lang), **arm})
        for (std_key, std_runs), (st_key, st_runs) in compare.comparison_pairs(grouped):
            pairs, unpaired = compare.pair_seeds(std_runs, st_runs, registry)
            if not pairs:
                continue
            units = [(lang, std, st) for std, st in pairs]
            meta = {"base_model": std_key.base_model, "intermediate_task": st_key.intermediate_task,
                    "recipe": recipe, "recipe_version": std_runs[0].recipe_version,
                    "not_learned": compare.not_learned(grouped, std_key) + compare.not_learned(grouped, st_key),
                    "unpaired": [run.model for run in unpaired]}
            rows.append({"lang": lang, "low_resource": is_low_resource(lang), **meta,
                         **compare.compare_units(units, registry, settings)})
            pool = pools.setdefault((recipe, std_key.base_model, st_key.intermediate_task, is_low_resource(lang)),
                                    {"units": [], "meta": {**meta, "not_learned": [], "unpaired": []}})
            pool["units"] += units
            for name in ("not_learned", "unpaired"):
                pool["meta"][name] = sorted(set(pool["meta"][name]) | set(meta[name]))
    compare.adjust(rows, settings["alpha"])
    pooled = []
    for (recipe, base, task, low), pool in sorted(pools.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2] or "",
                                                                                  not kv[0][3])):
        if len({lang for lang, _, _ in pool["units"]}) < 2:
            continue  # one language: the same as its per-language row
        row = compare.compare_units(pool["units"], registry, settings)
        pooled.append({"lang": "low-resource" if low else "rest", "low_resource": low, **pool["meta"], **row})
    compare.adjust(pooled, settings["alpha"])
    return arms, rows, pooled


def compute_leaderboard(results: str | Path, models: str | Path, *, n_resamples: int = N_RESAMPLES,
                        confidence: float = CONFIDENCE, alpha: float = 0.05, seed: int = SEED,
                        allow_mixed_precision: bool = False) -> Leaderboard:
    """The leaderboard's numbers, without writing anything. Runs of one language and recipe that differ
    in precision are refused (``RbxError``) unless ``allow_mixed_precision``."""
    registry, warnings = load_registry(models)
    runs, run_warnings = discover_runs(results)
    warnings = warnings + run_warnings
    registry = {**registry, **_unregistered(runs, registry, Path(models), warnings)}
    chosen, not_comparable = select_runs(runs)
    warnings += check_precisions(chosen, allow_mixed_precision)
    settings = {
        "confidence": confidence, "n_resamples": n_resamples, "bootstrap_method": "BCa",
        "bootstrap_seed": seed, "alpha": alpha, "correction": "holm",
        "paired_test": ("Cochran-Mantel-Haenszel over matched pairs (example x seed pair), stratified by seed "
                        "pair (pooled rows: language x seed pair), statsmodels StratifiedTable: exact conditional "
                        "below 25 discordant pairs, continuity-corrected chi-square otherwise; McNemar per seed pair"),
        "seed_pairing": ("standard seed k with STILTs seed k, leftovers in seed order; learned seeds only "
                         "(registry learned: false is shown, never compared)"),
        "seed_pooling": ("differences pooled over seed pairs on the ids valid in every compared run; CIs resample "
                         "examples with all their seed pairs"),
        "holm_families": "per-language rows: languages x recipes; pooled rows: pools x recipes",
        "allow_mixed_precision": allow_mixed_precision,
    }
    cells, cell_warnings = build_cells(chosen, registry, settings)
    arms, comparisons, pooled = build_comparisons(chosen, registry, settings)
    used = {cell["model"] for cell in cells}
    return Leaderboard(settings, {k: v for k, v in sorted(registry.items()) if k in used}, cells, arms,
                       comparisons, pooled, build_validity(chosen), not_comparable, warnings + cell_warnings)


def _unregistered(runs: list[Run], registry: dict[str, ModelEntry], models: Path, warnings: list[str]) -> dict:
    """Stand-in entries for models with results but no registry file: shown, never compared."""
    extra: dict[str, ModelEntry] = {}
    for run in runs:
        if run.model in registry or run.model in extra:
            continue
        extra[run.model] = ModelEntry(id=run.model, display_name=run.model, checkpoint=run.checkpoint,
                                      base_model="unknown", regime=UNREGISTERED, seed=None, training_data="")
        warnings.append(f"{run.path}: model {run.model!r} has no registry entry {models / (run.model + '.yaml')}; "
                        f"shown as '{UNREGISTERED}' and left out of the STILTs comparison")
    return extra


def build_leaderboard(results: str | Path = "results", models: str | Path = "leaderboard/models",
                      out: str | Path | None = "leaderboard", *, n_resamples: int = N_RESAMPLES,
                      alpha: float = 0.05, seed: int = SEED, allow_mixed_precision: bool = False) -> Leaderboard:
    """Compute the leaderboard and write README.md, leaderboard.json and index.html into ``out``."""
    from robustbench_xl.leaderboard.render_html import render_html
    from robustbench_xl.leaderboard.render_markdown import render_markdown

    board = compute_leaderboard(results, models, n_resamples=n_resamples, alpha=alpha, seed=seed,
                                allow_mixed_precision=allow_mixed_precision)
    if out is not None:
        import json

        target = Path(out)
        target.mkdir(parents=True, exist_ok=True)
        data = board.to_json()
        outputs = {
            "leaderboard.json": json.dumps(data, indent=1, ensure_ascii=False) + "\n",
            "README.md": render_markdown(data),
            "index.html": render_html(data),
        }
        for name, text in outputs.items():
            (target / name).write_text(text, encoding="utf-8")
            board.files[name] = str(target / name)
    return board
