"""robustbench_xl: multilingual adversarial-robustness benchmarks for paraphrase classifiers.

The Python API mirrors the CLI (``rbx``): ``attack``, ``run_plan``, ``build_leaderboard``, ``check``.
Heavy libraries load on first use, so ``import robustbench_xl`` is cheap and never reaches the network.
"""

from __future__ import annotations

__version__ = "0.1.0"

_LAZY = {
    "attack": ("robustbench_xl.runner", "attack"),
    "AttackConfig": ("robustbench_xl.runner", "AttackConfig"),
    "load_examples": ("robustbench_xl.data", "load_examples"),
    "load_victim": ("robustbench_xl.models", "load_victim"),
    "load_recipe": ("robustbench_xl.recipes", "load_recipe"),
}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        return getattr(importlib.import_module(module), attr)
    raise AttributeError(f"module 'robustbench_xl' has no attribute {name!r}")


__all__ = ["__version__", *_LAZY]
