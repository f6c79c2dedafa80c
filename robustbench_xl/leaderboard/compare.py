"""The research question: does STILTs change accuracy under attack compared with standard fine-tuning?

Card
- What: groups the chosen runs of one (language, recipe) into *arms*, one per (base model, regime,
  intermediate task), each holding one run per fine-tuning seed; ``arm_summary`` gives an arm's
  accuracy under attack (mean and std over seeds, 95% bootstrap CI over examples of the per-example
  seed average), and ``compare_arms`` pairs the STILTs arm with the standard arm of the same base model.
- Paired test: on the example ids valid in every run of both arms, each arm's per-example outcome is
  the majority over its seeds (with one seed, the outcome itself); an example whose seeds split
  evenly in either arm is left out of the test and counted as a tie (so use an odd number of seeds
  per regime: with two, every example the seeds disagree on is lost to the test). McNemar is exact below 25
  discordant pairs, continuity-corrected chi-square above (see ``stats``). p-values are then
  Holm-adjusted over every comparison in the leaderboard (``adjust``).
- Difference: STILTs minus standard of the seed-averaged accuracy on the paired ids, with a 95%
  paired bootstrap CI over those ids.
- Example::

      arms = group_arms(runs_of_one_cell, registry)
      rows = [compare_arms(std, stilts, settings) for std, stilts in pairs(arms)]
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from statistics import mean, stdev

from robustbench_xl.leaderboard.registry import REGIMES, ModelEntry
from robustbench_xl.leaderboard.results import LOW_RESOURCE, Run
from robustbench_xl.leaderboard.stats import bootstrap_interval, holm, mcnemar


@dataclass(frozen=True)
class ArmKey:
    base_model: str
    regime: str
    intermediate_task: str | None

    @property
    def label(self) -> str:
        if self.regime == "stilts":
            return f"{self.base_model} · STILTs ({self.intermediate_task})"
        return f"{self.base_model} · {self.regime}"


def group_arms(runs: list[Run], registry: dict[str, ModelEntry]) -> dict[ArmKey, list[Run]]:
    """Runs of one (lang, recipe) by arm, each arm's runs ordered by seed then model id."""
    arms: dict[ArmKey, list[Run]] = defaultdict(list)
    for run in runs:
        entry = registry[run.model]
        if entry.regime in REGIMES:  # unregistered models have no regime to compare
            arms[ArmKey(entry.base_model, entry.regime, entry.intermediate_task)].append(run)
    for key in arms:
        arms[key].sort(key=lambda r: (registry[r.model].seed, r.model))
    return dict(arms)


def robust_outcomes(run: Run) -> dict[str, bool]:
    return {ex["id"]: bool(ex.get("robust_correct")) for ex in run.valid_examples()}


def shared_ids(runs: list[Run]) -> list[str]:
    """Ids valid in every run, in the first run's sample order."""
    outcome_sets = [robust_outcomes(run) for run in runs]
    common = set(outcome_sets[0]).intersection(*outcome_sets[1:])
    return [i for i in outcome_sets[0] if i in common]


def _seed_average(runs: list[Run], ids: list[str]) -> list[float]:
    outcomes = [robust_outcomes(run) for run in runs]
    return [mean(float(o[i]) for o in outcomes) for i in ids]


def arm_summary(key: ArmKey, runs: list[Run], registry, settings: dict, ids: list[str] | None = None) -> dict:
    """Accuracy under attack of one arm on ``ids`` (default: the ids shared by its runs)."""
    ids = shared_ids(runs) if ids is None else ids
    per_seed = []
    for run in runs:
        outcome = robust_outcomes(run)
        per_seed.append(mean(float(outcome[i]) for i in ids) if ids else None)
    interval = bootstrap_interval(_seed_average(runs, ids), **_boot(settings)) if ids else None
    usable = [v for v in per_seed if v is not None]
    return {
        "base_model": key.base_model,
        "regime": key.regime,
        "intermediate_task": key.intermediate_task,
        "label": key.label,
        "models": [run.model for run in runs],
        "seeds": [registry[run.model].seed for run in runs],
        "per_seed": per_seed,
        "mean": mean(usable) if usable else None,
        "std": stdev(usable) if len(usable) >= 2 else None,
        "ci_low": interval.low if interval else None,
        "ci_high": interval.high if interval else None,
        "n": len(ids),
    }


def _boot(settings: dict) -> dict:
    return {
        "confidence": settings["confidence"],
        "n_resamples": settings["n_resamples"],
        "seed": settings["bootstrap_seed"],
    }


def _majority(values: list[bool]) -> bool | None:
    share = sum(values) / len(values)
    return None if share == 0.5 else share > 0.5


def compare_arms(lang: str, recipe: str, standard: tuple[ArmKey, list[Run]],
                 stilts: tuple[ArmKey, list[Run]], registry, settings: dict) -> dict:
    """One row of the research-question table (p-values not yet adjusted)."""
    (std_key, std_runs), (st_key, st_runs) = standard, stilts
    ids = shared_ids(std_runs + st_runs)
    std_arm = arm_summary(std_key, std_runs, registry, settings, ids)
    st_arm = arm_summary(st_key, st_runs, registry, settings, ids)
    row = {
        "base_model": std_key.base_model,
        "intermediate_task": st_key.intermediate_task,
        "lang": lang,
        "recipe": recipe,
        "recipe_version": std_runs[0].recipe_version,
        "low_resource": lang in LOW_RESOURCE,
        "standard": std_arm,
        "stilts": st_arm,
        "n_paired": len(ids),
        "difference": None, "difference_low": None, "difference_high": None,
        "test": None, "stilts_only": None, "standard_only": None, "n_ties": 0, "n_tested": 0,
        "p_value": None, "p_holm": None, "significant": False,
    }
    if not ids:
        return row
    std_avg, st_avg = _seed_average(std_runs, ids), _seed_average(st_runs, ids)
    diff = bootstrap_interval([s - t for s, t in zip(st_avg, std_avg, strict=True)], **_boot(settings))
    std_out, st_out = [robust_outcomes(r) for r in std_runs], [robust_outcomes(r) for r in st_runs]
    firsts, seconds, ties = [], [], 0
    for i in ids:
        st_major = _majority([o[i] for o in st_out])
        std_major = _majority([o[i] for o in std_out])
        if st_major is None or std_major is None:
            ties += 1
            continue
        firsts.append(st_major)
        seconds.append(std_major)
    test = mcnemar(firsts, seconds)
    row.update({
        "difference": st_arm["mean"] - std_arm["mean"],
        "difference_low": diff.low,
        "difference_high": diff.high,
        "test": test.method,
        "stilts_only": test.b,
        "standard_only": test.c,
        "n_ties": ties,
        "n_tested": len(firsts),
        "p_value": test.p_value,
    })
    return row


def comparison_pairs(arms: dict[ArmKey, list[Run]]):
    """(standard arm, STILTs arm) pairs that share a base model, in a stable order."""
    for st_key in sorted((k for k in arms if k.regime == "stilts"),
                         key=lambda k: (k.base_model, k.intermediate_task or "")):
        std_key = ArmKey(st_key.base_model, "standard", None)
        if std_key in arms:
            yield (std_key, arms[std_key]), (st_key, arms[st_key])


def adjust(rows: list[dict], alpha: float) -> None:
    """Fill ``p_holm`` and ``significant`` over the whole family of comparisons, in place."""
    for row, adjusted in zip(rows, holm([row["p_value"] for row in rows]), strict=True):
        row["p_holm"] = adjusted
        row["significant"] = adjusted is not None and adjusted < alpha
