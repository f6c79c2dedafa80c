"""The research question: does STILTs change accuracy under attack compared with standard fine-tuning?

Card
- What: groups the chosen runs of one (language, recipe) into *arms*, one per (base model, regime,
  intermediate task, learned), each holding one run per fine-tuning seed; ``arm_summary`` gives an
  arm's accuracy under attack (mean and std over seeds, 95% bootstrap CI over examples of the
  per-example seed average), and ``compare_units`` compares the STILTs arm with the standard arm of
  the same base model over *seed pairs*, for one language or pooled over several.
- Learned seeds only: a registry entry with ``learned: false`` (a seed that stayed at the class prior)
  forms its own arm, is charted and tabled, and never enters a comparison; each row lists it under
  ``not_learned``.
- Seed pairs: standard seed k with STILTs seed k (the seed fixes the fine-tuning data order and head
  initialisation in both regimes); seeds left over on both sides are then paired in seed order, and a
  run still left over is listed under ``unpaired`` and not used. Each run is in at most one pair, so
  seed pairs are independent strata. Every matched pair of runs (k x k') would reuse runs and make
  the strata dependent.
- Examples: the ids valid in every run of the comparison, per language (an example missing or
  invalid in one seed is left out everywhere); pooled rows key examples by (language, id).
- Per seed pair: McNemar on accuracy under attack (``stats.mcnemar``) and the three differences.
- Across seed pairs: one Cochran-Mantel-Haenszel test over the matched pairs, stratified by seed pair
  (pooled rows: by language x seed pair), ``stats.stratified_mcnemar``; Holm over the family of rows
  (``adjust``): languages x recipes for the per-language rows, pools x recipes for the pooled rows.
- Differences, STILTs minus standard, each with a 95% bootstrap CI resampling examples with all their
  seed pairs (``stats.bootstrap_ratio_difference``; the seeds are fixed, their spread is shown per
  seed pair): clean accuracy, accuracy under attack, and attack success rate among the pairs the
  model classified correctly (each arm's successes over its own correctly classified pairs, pooled
  over seeds).
- Example::

      arms = group_arms(runs_of_one_cell, registry)
      for (std_key, std_runs), (st_key, st_runs) in comparison_pairs(arms):
          pairs, unpaired = pair_seeds(std_runs, st_runs, registry)
          row = compare_units([(lang, s, t) for s, t in pairs], registry, settings)
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from statistics import mean, stdev

from robustbench_xl.leaderboard.registry import REGIMES, ModelEntry
from robustbench_xl import results
from robustbench_xl.results import Run
from robustbench_xl.stats import bootstrap_interval, bootstrap_ratio_difference, holm, mcnemar, stratified_mcnemar

DELTAS = ("clean_accuracy", "accuracy_under_attack", "attack_success_rate")


@dataclass(frozen=True)
class ArmKey:
    base_model: str
    regime: str
    intermediate_task: str | None
    learned: bool = True

    @property
    def label(self) -> str:
        text = (f"{self.base_model} · STILTs ({self.intermediate_task})" if self.regime == "stilts"
                else f"{self.base_model} · {self.regime}")
        return text if self.learned else text + " (not learned)"


def group_arms(runs: list[Run], registry: dict[str, ModelEntry]) -> dict[ArmKey, list[Run]]:
    """Runs of one (lang, recipe) by arm, each arm's runs ordered by seed then model id."""
    arms: dict[ArmKey, list[Run]] = defaultdict(list)
    for run in runs:
        entry = registry[run.model]
        if entry.regime in REGIMES:  # unregistered models have no regime to compare
            arms[ArmKey(entry.base_model, entry.regime, entry.intermediate_task, entry.learned)].append(run)
    for key in arms:
        arms[key].sort(key=lambda r: (registry[r.model].seed, r.model))
    return dict(arms)


def outcomes(run: Run) -> dict[str, dict[str, bool]]:
    """Per valid example id: clean and robust correctness, attacked, succeeded (``results.outcomes``)."""
    return results.outcomes(run.examples)


def robust_outcomes(run: Run) -> dict[str, bool]:
    return results.robust_outcomes(run.examples)


def shared_ids(runs: list[Run]) -> list[str]:
    """Ids valid in every run, in the first run's sample order."""
    outcome_sets = [robust_outcomes(run) for run in runs]
    common = set(outcome_sets[0]).intersection(*outcome_sets[1:])
    return [i for i in outcome_sets[0] if i in common]


def arm_summary(key: ArmKey, runs: list[Run], registry, settings: dict, ids: list[str] | None = None) -> dict:
    """Accuracy under attack of one arm on ``ids`` (default: the ids shared by its runs)."""
    ids = shared_ids(runs) if ids is None else ids
    robust = [robust_outcomes(run) for run in runs]
    per_seed = [mean(float(o[i]) for i in ids) if ids else None for o in robust]
    average = [mean(float(o[i]) for o in robust) for i in ids]
    interval = bootstrap_interval(average, **_boot(settings)) if ids else None
    usable = [v for v in per_seed if v is not None]
    return {
        "base_model": key.base_model, "regime": key.regime, "intermediate_task": key.intermediate_task,
        "learned": key.learned, "label": key.label,
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
    return {"confidence": settings["confidence"], "n_resamples": settings["n_resamples"],
            "seed": settings["bootstrap_seed"]}


def comparison_pairs(arms: dict[ArmKey, list[Run]]):
    """(standard arm, STILTs arm) pairs of learned seeds that share a base model, in a stable order."""
    for st_key in sorted((k for k in arms if k.regime == "stilts" and k.learned),
                         key=lambda k: (k.base_model, k.intermediate_task or "")):
        std_key = ArmKey(st_key.base_model, "standard", None)
        if std_key in arms:
            yield (std_key, arms[std_key]), (st_key, arms[st_key])


def not_learned(arms: dict[ArmKey, list[Run]], key: ArmKey) -> list[str]:
    """Models of ``key``'s arm that the registry marks ``learned: false``, left out of the comparison."""
    twin = ArmKey(key.base_model, key.regime, key.intermediate_task, False)
    return [run.model for run in arms.get(twin, [])]


def pair_seeds(standard: list[Run], stilts: list[Run], registry) -> tuple[list[tuple[Run, Run]], list[Run]]:
    """Seed pairs (standard run, STILTs run): equal seeds first, then the rest in seed order.

    Returns the pairs in standard-seed order and the runs left without a partner.
    """
    def seed(run):
        return (registry[run.model].seed, run.model)

    by_seed = {registry[r.model].seed: r for r in stilts}
    pairs, rest_std = [], []
    for run in sorted(standard, key=seed):
        partner = by_seed.pop(registry[run.model].seed, None)
        if partner is None:
            rest_std.append(run)
        else:
            pairs.append((run, partner))
    rest_st = sorted(by_seed.values(), key=seed)
    pairs += list(zip(rest_std, rest_st))
    unpaired = rest_std[len(rest_st):] + rest_st[len(rest_std):]
    return sorted(pairs, key=lambda p: seed(p[0])), unpaired


def compare_units(units: list[tuple[str, Run, Run]], registry, settings: dict) -> dict:
    """STILTs minus standard over seed pairs ``(lang, standard run, STILTs run)`` (p not yet adjusted).

    With one language this is a per-language row; with several, a pooled row whose strata are
    language x seed pair. Keys are described in docs/leaderboard.md.
    """
    langs = list(dict.fromkeys(lang for lang, _, _ in units))
    outs = {(lang, std.model, st.model): (outcomes(std), outcomes(st)) for lang, std, st in units}
    ids = {lang: shared_ids([r for u in units if u[0] == lang for r in u[1:]]) for lang in langs}
    clusters = [(lang, i) for lang in langs for i in ids[lang]]
    sums = {name: defaultdict(float) for name in ("k", "clean_std", "clean_st", "robust_std", "robust_st",
                                                   "att_std", "att_st", "succ_std", "succ_st")}
    seed_pairs, strata = [], []
    for lang, std, st in units:
        o_std, o_st = outs[(lang, std.model, st.model)]
        for i in ids[lang]:
            sums["k"][(lang, i)] += 1
            for field, short in (("clean", "clean"), ("robust", "robust"), ("attacked", "att"), ("succeeded", "succ")):
                sums[f"{short}_std"][(lang, i)] += o_std[i][field]
                sums[f"{short}_st"][(lang, i)] += o_st[i][field]
        first = [o_st[i]["robust"] for i in ids[lang]]
        second = [o_std[i]["robust"] for i in ids[lang]]
        strata.append((first, second))
        seed_pairs.append(_seed_pair(lang, std, st, ids[lang], o_std, o_st, registry))
    col = {name: [sums[name][c] for c in clusters] for name in sums}
    boot = _boot(settings)
    deltas = {
        "clean_accuracy": bootstrap_ratio_difference(col["clean_st"], col["k"], col["clean_std"], col["k"], **boot),
        "accuracy_under_attack": bootstrap_ratio_difference(col["robust_st"], col["k"], col["robust_std"], col["k"],
                                                            **boot),
        "attack_success_rate": bootstrap_ratio_difference(col["succ_st"], col["att_st"], col["succ_std"],
                                                          col["att_std"], **boot),
    }
    delta_json = {name: interval.to_json() for name, interval in deltas.items()}
    delta_json["attack_success_rate"].update(n_standard=int(sum(col["att_std"])), n_stilts=int(sum(col["att_st"])))
    test = stratified_mcnemar(strata) if clusters else None
    robust = delta_json["accuracy_under_attack"]
    return {
        "langs": langs,
        "standard": _side(units, 1, ids, registry, settings),
        "stilts": _side(units, 2, ids, registry, settings),
        "seed_pairs": seed_pairs,
        "n_paired": len(clusters),
        "n_seed_pairs": len(units),
        "n_matched": test.n_matched if test else 0,
        "deltas": delta_json,
        "difference": robust["value"], "difference_low": robust["low"], "difference_high": robust["high"],
        "test": test.method if test else None,
        "cmh": test.to_json() if test else None,
        "stilts_only": test.b if test else None,
        "standard_only": test.c if test else None,
        "p_value": test.p_value if test else None,
        "p_holm": None, "significant": False,
    }


def _seed_pair(lang, std: Run, st: Run, ids, o_std, o_st, registry) -> dict:
    def rate(o, num, den):
        total = sum(o[i][den] for i in ids) if den else len(ids)
        return sum(o[i][num] for i in ids) / total if total else None

    def diff(num, den=None):
        a, b = rate(o_st, num, den), rate(o_std, num, den)
        return None if a is None or b is None else a - b

    test = mcnemar([o_st[i]["robust"] for i in ids], [o_std[i]["robust"] for i in ids])
    return {"lang": lang, "standard_model": std.model, "standard_seed": registry[std.model].seed,
            "stilts_model": st.model, "stilts_seed": registry[st.model].seed, "n": len(ids),
            "deltas": {"clean_accuracy": diff("clean"), "accuracy_under_attack": diff("robust"),
                       "attack_success_rate": diff("succeeded", "attacked")},
            "mcnemar": test.to_json()}


def _side(units, index: int, ids: dict, registry, settings: dict) -> dict:
    """One regime's accuracies on the compared examples: per seed (run, or model across languages)."""
    per_model: dict[str, list[dict]] = defaultdict(list)
    by_cluster: dict[tuple, list[float]] = defaultdict(list)
    for unit in units:
        lang, run = unit[0], unit[index]
        o = outcomes(run)
        per_model[run.model] += [o[i] for i in ids[lang]]
        for i in ids[lang]:
            by_cluster[(lang, i)].append(float(o[i]["robust"]))
    models = sorted(per_model, key=lambda m: (registry[m].seed, m))
    robust = [mean(float(x["robust"]) for x in per_model[m]) if per_model[m] else None for m in models]
    clean = [mean(float(x["clean"]) for x in per_model[m]) if per_model[m] else None for m in models]
    usable = [v for v in robust if v is not None]
    interval = bootstrap_interval([mean(v) for v in by_cluster.values()], **_boot(settings)) if by_cluster else None
    entry = registry[models[0]] if models else None
    return {
        "base_model": entry.base_model if entry else None, "regime": entry.regime if entry else None,
        "intermediate_task": entry.intermediate_task if entry else None,
        "models": models, "seeds": [registry[m].seed for m in models],
        "per_seed": robust, "per_seed_clean": clean,
        "mean": mean(usable) if usable else None,
        "std": stdev(usable) if len(usable) >= 2 else None,
        "clean_mean": mean(v for v in clean if v is not None) if usable else None,
        "ci_low": interval.low if interval else None, "ci_high": interval.high if interval else None,
        "n": len(by_cluster),
    }


def adjust(rows: list[dict], alpha: float) -> None:
    """Fill ``p_holm`` and ``significant`` over the whole family of comparisons, in place."""
    for row, adjusted in zip(rows, holm([row["p_value"] for row in rows]), strict=True):
        row["p_holm"] = adjusted
        row["significant"] = adjusted is not None and adjusted < alpha
