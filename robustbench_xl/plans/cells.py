"""A plan's cells: the grid expanded in a fixed order, deterministic shards, each cell's runner config.

What it does: :func:`expand_plan` turns a :class:`Plan` into :class:`Cell` objects (models x languages x
recipes x seeds, in that nesting, minus ``exclude``); :func:`select_shard` keeps shard I of N (1-based,
round robin, so every shard gets a mix); :meth:`Cell.config` is the runner's ``AttackConfig`` as a dict.
Results go to ``<out>/<model>/<lang>/<recipe>/`` (one seed) or ``<out>/seed-<s>/<model>/<lang>/<recipe>/``
(several seeds). Limits: with several seeds, or one seed that differs from ``sample.seed``, the sample is
pinned to the ids drawn with ``sample.seed`` (the runner's seed draws both sample and attack).
Example::

    cells = select_shard(expand_plan(plan, "results"), "2/4")
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import RbxError
from .schema import ModelEntry, Plan, recipe_name


@dataclass(frozen=True)
class Cell:
    model: ModelEntry
    lang: str
    recipe: str  # reference as the runner takes it (name or file path)
    seed: int
    out: str  # results root of this cell (includes seed-<s> when the plan has several seeds)
    key: str  # "model/lang/recipe" or "seed-<s>/model/lang/recipe", unique within a plan

    @property
    def root(self) -> Path:
        return Path(self.out) / self.model.id / self.lang / recipe_name(self.recipe)

    def config(self, plan: Plan, pinned_ids: list[str] | None = None) -> dict:
        """Keyword arguments of ``AttackConfig`` for this cell."""
        s = plan.sample
        ids = list(s.ids) if s.ids is not None else pinned_ids
        return {"lang": self.lang, "recipe": self.recipe, "model": self.model.spec, "dataset": s.dataset,
                "split": s.split, "n": None if ids is not None else s.n, "seed": self.seed, "ids": ids,
                "query_budget": plan.query_budget, "batch_size": plan.batch_size, "max_length": plan.max_length,
                "perturb": plan.perturb, "out": self.out, "columns": s.columns, "label_map": self.model.label_map,
                "max_chars": plan.max_chars, "model_id": self.model.id if self.model.explicit_id else None,
                "trust_remote_code": self.model.trust_remote_code, "device": plan.device,
                "precision": plan.precision}

    def as_dict(self) -> dict:
        return {"key": self.key, "model": self.model.id, "lang": self.lang, "recipe": recipe_name(self.recipe),
                "seed": self.seed, "root": str(self.root)}


def needs_pinned_ids(plan: Plan, seed: int) -> bool:
    """The runner draws the sample with the attack seed; pin the ids when the two seeds differ."""
    return plan.sample.ids is None and seed != plan.sample.seed


def _excluded(plan: Plan, model: ModelEntry, lang: str, recipe: str, seed: int) -> bool:
    values = {"model": {model.id, model.written},
              "lang": {lang}, "recipe": {recipe_name(recipe)}, "seed": {seed}}
    return any(all(rule[k] in values[k] for k in rule) for rule in plan.exclude)


def expand_plan(plan: Plan, out: str | Path) -> list[Cell]:
    """Every cell of the plan, in plan order (models, then languages, recipes, seeds)."""
    out = Path(out)
    cells = []
    for model in plan.models:
        for lang in plan.languages:
            for recipe in plan.recipes:
                for seed in plan.seeds:
                    if _excluded(plan, model, lang, recipe, seed):
                        continue
                    prefix = f"seed-{seed}" if len(plan.seeds) > 1 else ""
                    cell_out = out / prefix if prefix else out
                    key = "/".join(p for p in (prefix, model.id, lang, recipe_name(recipe)) if p)
                    cells.append(Cell(model, lang, recipe, seed, str(cell_out), key))
    if not cells:
        raise RbxError(f"{plan.path}: exclude: removes every cell of the plan")
    return cells


def parse_shard(text: str) -> tuple[int, int]:
    """'I/N' (1 <= I <= N) -> (I, N)."""
    try:
        index, count = (int(part) for part in str(text).split("/"))
    except ValueError:
        raise RbxError(f"--shard must look like I/N (e.g. 2/4), got {text!r}") from None
    if count < 1 or not 1 <= index <= count:
        hint = "; shards are numbered from 1" if index == 0 else ""
        raise RbxError(f"--shard {text}: need 1 <= I <= N{hint} (e.g. 1/{max(count, 1)} .. "
                       f"{max(count, 1)}/{max(count, 1)})")
    return index, count


def select_shard(cells: list[Cell], shard: str | tuple[int, int] | None) -> list[Cell]:
    """Shard I of N: cells I-1, I-1+N, I-1+2N, ... of the plan order (all shards together = all cells)."""
    if shard is None:
        return list(cells)
    index, count = parse_shard(shard) if isinstance(shard, str) else shard
    return list(cells[index - 1::count])
