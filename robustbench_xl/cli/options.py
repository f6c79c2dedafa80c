"""Help texts and defaults shared by several rbx commands' options.

The defaults of an attack (query budget, batch size, sample size, ...) are not restated here: commands
read them from :data:`robustbench_xl.attack_defaults.ATTACK_DEFAULTS`, re-exported as ``DEFAULTS``.
"""

from __future__ import annotations

from ..attack_defaults import ATTACK_DEFAULTS as DEFAULTS
from ..lang.languages import language_codes

DEVICE_HELP = "Where the model runs: auto (a GPU when one is visible) | cpu | cuda | cuda:N | mps."
PRECISION_HELP = ("fp32 | bf16 | fp16 (autocast; fp16 needs a GPU). Not fp32: part of the results' identity, "
                  "so they never mix with fp32 results.")


def language_help() -> str:
    """``Language: de en es ...``, from the languages registered when the command module is imported."""
    return "Language: " + " ".join(language_codes()) + "."


__all__ = ["DEFAULTS", "DEVICE_HELP", "PRECISION_HELP", "language_help"]
