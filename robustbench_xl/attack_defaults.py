"""The attack defaults, in one place: what an attack cell uses when a setting is not given.

``rbx attack`` / ``rbx eval`` (their option defaults), the Python API (:class:`~robustbench_xl.runner.AttackConfig`,
:func:`~robustbench_xl.evaluate.evaluate_model`) and attack plans (:mod:`robustbench_xl.plans.schema`) all read
:data:`ATTACK_DEFAULTS`; ``tests/test_attack_defaults_one_place.py`` fails when one of them restates a value.
Changing a value here changes every new cell's identity (``config_hash``) for the settings that are part of it
(all but ``batch_size``, ``out`` and ``device``), so earlier results no longer count as the same cell.
Standard library only: the CLI imports it, and ``rbx --help`` must stay fast.

Card (value: what it is, and why this value):

- ``dataset = "pawsx"``: the bundled PAWS-X data; works offline.
- ``split = "dev"``: the split that is bundled (2,000 pairs per language); others need the hub or a file.
- ``n = 200``: examples attacked per cell, a fixed sample drawn with ``seed``: a Wilson 95% interval of
  about +-7 points on a rate near 50%, at a tenth of the cost of the whole split.
- ``seed = 0``: seeds the sample and each example's attack, so a cell is reproducible byte for byte.
- ``query_budget = 500``: model queries allowed per example; bounds the time of the worst example
  (an example that runs out is recorded with ``budget_exhausted: true``).
- ``batch_size = 32``: pairs per forward pass; throughput only (not part of a cell's identity).
- ``max_length = 128``: pairs are truncated to this many tokens (sentence pair plus special tokens).
- ``max_chars = 2000``: an example with a longer sentence is skipped, not attacked (API and plans only).
- ``out = "results"``: results root; a cell goes to ``<out>/<model>/<lang>/<recipe>/``.
- ``device = "auto"``: a GPU when one is visible, else the CPU (provenance only, not identity).
- ``precision = "fp32"``: full precision; bf16/fp16 results are a different cell.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class AttackDefaults:
    """The defaults of an attack cell (see the module docstring for what each one is and why)."""

    dataset: str = "pawsx"
    split: str = "dev"
    n: int = 200
    seed: int = 0
    query_budget: int = 500
    batch_size: int = 32
    max_length: int = 128
    max_chars: int = 2000
    out: str = "results"
    device: str = "auto"
    precision: str = "fp32"

    def as_dict(self) -> dict:
        return asdict(self)


ATTACK_DEFAULTS = AttackDefaults()

__all__ = ["ATTACK_DEFAULTS", "AttackDefaults"]
