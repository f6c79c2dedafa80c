"""Modules that only need plain Python load without TextAttack.

TextAttack's import costs seconds (torch, transformers, nltk) and prints warnings; the language
layer, data, statistics, results, the leaderboard, plans, recipes, the runner's bookkeeping and the
syntax-swap moves must not pull it in when they are imported. Each module of ``PLAIN_MODULES`` is
imported in a fresh interpreter (one for all of them, each import checked on its own) with a hook
that stops, and records, any import of ``textattack`` or call of
``robustbench_xl.offline.import_textattack``. ``scripts/textattack_at_load.py`` sweeps every module.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PLAIN_MODULES = [
    "robustbench_xl",
    "robustbench_xl.audit",
    "robustbench_xl.cell_identity",
    "robustbench_xl.check",
    "robustbench_xl.cli",
    "robustbench_xl.constraints",
    "robustbench_xl.data",
    "robustbench_xl.data.examples",
    "robustbench_xl.data.loaders",
    "robustbench_xl.errors",
    "robustbench_xl.evaluate",
    "robustbench_xl.executors",
    "robustbench_xl.executors.local",
    "robustbench_xl.executors.task",
    "robustbench_xl.lang",
    "robustbench_xl.lang.han",
    "robustbench_xl.lang.hangul",
    "robustbench_xl.lang.kana",
    "robustbench_xl.lang.keyboards",
    "robustbench_xl.lang.languages",
    "robustbench_xl.lang.names",
    "robustbench_xl.lang.normalize",
    "robustbench_xl.lang.segment",
    "robustbench_xl.lang.word_diff",
    "robustbench_xl.leaderboard",
    "robustbench_xl.leaderboard.build",
    "robustbench_xl.leaderboard.compare",
    "robustbench_xl.leaderboard.registry",
    "robustbench_xl.leaderboard.render_html",
    "robustbench_xl.leaderboard.render_markdown",
    "robustbench_xl.leaderboard.render_terminal",
    "robustbench_xl.leaderboard.results",
    "robustbench_xl.migrate",
    "robustbench_xl.models",
    "robustbench_xl.models.labels",
    "robustbench_xl.models.loading",
    "robustbench_xl.models.precision",
    "robustbench_xl.models.victim",
    "robustbench_xl.models.victim_card",
    "robustbench_xl.models.victims",
    "robustbench_xl.offline",
    "robustbench_xl.parsing",
    "robustbench_xl.parsing.cache",
    "robustbench_xl.parsing.conllu",
    "robustbench_xl.parsing.trees",
    "robustbench_xl.paths",
    "robustbench_xl.perturb",
    "robustbench_xl.plans",
    "robustbench_xl.plans.cells",
    "robustbench_xl.plans.manifest",
    "robustbench_xl.plans.run",
    "robustbench_xl.plans.schema",
    "robustbench_xl.progress",
    "robustbench_xl.recipes",
    "robustbench_xl.resources",
    "robustbench_xl.resources.dictionaries",
    "robustbench_xl.resources.lexicon",
    "robustbench_xl.resources.pivots",
    "robustbench_xl.results",
    "robustbench_xl.runner",
    "robustbench_xl.stats",
    "robustbench_xl.transformations",
    "robustbench_xl.transformations.base",
    "robustbench_xl.transformations.syntax",
    "robustbench_xl.transformations.syntax.coordination",
    "robustbench_xl.transformations.syntax.moves",
    "robustbench_xl.transformations.syntax.moves_cjk",
    "robustbench_xl.transformations.syntax.moves_latin",
    "robustbench_xl.transformations.syntax.rules",
    "robustbench_xl.transformations.syntax.tree_tools",
    "robustbench_xl.transformations.word_order_rules",
]

# Imports each module named on the command line; prints {module: true (textattack), false, "error: ..."}.
PROBE = r"""
import importlib, json, sys, traceback

class TextAttackImported(BaseException):
    pass

hits = []

class Stop:
    def find_spec(self, name, path=None, target=None):
        if name == "textattack" or name.startswith("textattack."):
            hits.append(name)
            raise TextAttackImported(name)
        return None

def stop_offline(*args, **kwargs):
    hits.append("robustbench_xl.offline.import_textattack")
    raise TextAttackImported("import_textattack")

sys.meta_path.insert(0, Stop())
import robustbench_xl.offline
robustbench_xl.offline.import_textattack = stop_offline
out = {}
for name in sys.argv[1:]:
    hits.clear()
    try:
        importlib.import_module(name)
    except TextAttackImported:
        pass
    except Exception as exc:
        out[name] = "error: " + "".join(traceback.format_exception_only(type(exc), exc)).strip()
        continue
    out[name] = bool(hits)
print(json.dumps(out))
"""


def probe(modules: list[str]) -> dict[str, bool | str]:
    done = subprocess.run([sys.executable, "-c", PROBE, *modules], capture_output=True, text=True, cwd=ROOT,
                          timeout=1800)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_plain_modules_load_without_textattack():
    found = probe(PLAIN_MODULES)
    loaded = [m for m, v in found.items() if v is True]
    errors = {m: v for m, v in found.items() if isinstance(v, str)}
    assert not errors, f"modules that fail to import: {errors}"
    assert not loaded, f"these modules import textattack when they load (make the import lazy): {loaded}"
    assert set(found) == set(PLAIN_MODULES)


def test_the_probe_sees_textattack():
    """The check is real: TextAttack adapters are reported, directly or through a plain-looking module."""
    found = probe(["robustbench_xl.lang", "robustbench_xl.constraints.edit_budget",
                   "robustbench_xl.lang.attacked_text", "robustbench_xl.transformations.syntax.swap"])
    assert found == {"robustbench_xl.lang": False, "robustbench_xl.constraints.edit_budget": True,
                     "robustbench_xl.lang.attacked_text": True,
                     "robustbench_xl.transformations.syntax.swap": True}
