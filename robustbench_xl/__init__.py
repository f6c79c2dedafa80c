"""robustbench_xl: multilingual adversarial-robustness benchmarks for paraphrase classifiers.

The Python API mirrors the CLI (``rbx``): ``attack``, ``evaluate_model``, ``run_plan``, ``build_leaderboard``,
``check``. ``attack(config, victim=...)`` and ``evaluate_model(victim=...)`` take any classifier that
follows the ``Victim`` protocol, e.g. ``FunctionVictim(fn, name=..., version=...)`` around a function.
Heavy libraries load on first use, so ``import robustbench_xl`` is cheap and never reaches the network.
"""

from __future__ import annotations

import os

__version__ = "0.1.0"

# MKL's matrix products round differently with 1 or 2 threads unless its conditional bit-wise
# reproducibility mode is on: with it, a cell gives the same bytes whichever executor or thread count
# ran it. Must be set before torch's first matrix product, hence here.
os.environ.setdefault("MKL_CBWR", "AUTO,STRICT")

_LAZY = {
    "attack": ("robustbench_xl.runner", "attack"),
    "AttackConfig": ("robustbench_xl.runner", "AttackConfig"),
    "load_examples": ("robustbench_xl.data", "load_examples"),
    "evaluate_model": ("robustbench_xl.evaluate", "evaluate_model"),
    "load_victim": ("robustbench_xl.models", "load_victim"),
    "Victim": ("robustbench_xl.models.victim", "Victim"),
    "FunctionVictim": ("robustbench_xl.models.victim", "FunctionVictim"),
    "load_recipe": ("robustbench_xl.recipes", "load_recipe"),
    "run_plan": ("robustbench_xl.plans", "run_plan"),
    "build_leaderboard": ("robustbench_xl.leaderboard", "build_leaderboard"),
    "check": ("robustbench_xl.check", "check"),
}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        return getattr(importlib.import_module(module), attr)
    raise AttributeError(f"module 'robustbench_xl' has no attribute {name!r}")


__all__ = ["__version__", *_LAZY]
