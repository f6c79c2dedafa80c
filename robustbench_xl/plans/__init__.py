"""Attack plans: ``attacks/*.yaml`` grids of cells, run locally, in worker processes, in shards or on Ray.

A plan names models, languages, recipes, a sample and budgets; :func:`load_plan` validates it against
what is installed, :func:`expand_plan` lists its cells, :func:`run_plan` runs the cells that are not
complete and writes ``<out>/_plans/<plan>/report.json``. See ``docs/plans.md``.

Example::

    from robustbench_xl.plans import run_plan
    report = run_plan("attacks/smoke.yaml", out="results", workers=2)
"""

from .cells import Cell, expand_plan, parse_shard, select_shard
from .manifest import check_identity, inspect_cells, plan_folder
from .run import prepare_plan, run_plan
from .schema import ModelEntry, Plan, SampleSpec, load_plan, parse_plan, registry_problems

__all__ = ["Cell", "ModelEntry", "Plan", "SampleSpec", "check_identity", "expand_plan", "inspect_cells",
           "load_plan", "parse_plan", "parse_shard", "plan_folder", "prepare_plan", "registry_problems",
           "run_plan", "select_shard"]
