"""Which robustbench_xl modules pull TextAttack in when they are imported?

What: imports every module of the package (``_vendor`` excluded), each in a fresh interpreter,
and reports those after whose import ``textattack`` is in ``sys.modules``. Modules that only need
plain Python (lang, data, stats, results, leaderboard, plans ...) should not be on that list:
loading TextAttack costs seconds, pulls in torch/transformers/nltk and prints warnings. The test
``tests/test_lazy_textattack_import.py`` holds the list of modules that must stay off it.

How: one fresh interpreter per module, with an import hook that stops the first ``import
textattack`` or call of ``robustbench_xl.offline.import_textattack`` (so a module that would load
it is found in seconds). Limits: a module that fails
to import for another reason is reported as ``error`` with its last line; ``--jobs`` runs several
interpreters at once.

Example::

    .venv/bin/python scripts/textattack_at_load.py            # every module, a table
    .venv/bin/python scripts/textattack_at_load.py --json robustbench_xl.lang robustbench_xl.stats
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "robustbench_xl"
# A finder that stops the first import of textattack (and rbx's offline.import_textattack, which imports
# transformers first) with an exception no ``except Exception`` catches: the answer ("this module
# imports textattack at load") comes in seconds, not the minutes a real TextAttack import (torch,
# transformers, nltk) takes on a busy machine.
PROBE = """
import importlib, sys

class TextAttackImported(BaseException):
    pass

class Stop:
    def find_spec(self, name, path=None, target=None):
        if name == "textattack" or name.startswith("textattack."):
            raise TextAttackImported(name)
        return None

def stop_offline(*args, **kwargs):
    raise TextAttackImported("robustbench_xl.offline.import_textattack")

sys.meta_path.insert(0, Stop())
import robustbench_xl.offline  # rbx's own way in (it imports transformers first: slow): stopped too
robustbench_xl.offline.import_textattack = stop_offline
try:
    importlib.import_module(sys.argv[1])
except TextAttackImported:
    print("True")
else:
    print("textattack" in sys.modules)
"""


def all_modules(package: Path = PACKAGE) -> list[str]:
    """Dotted names of every module of the package, ``_vendor`` excluded."""
    out = []
    for path in sorted(package.rglob("*.py")):
        rel = path.relative_to(package.parent).with_suffix("")
        if "_vendor" in rel.parts or "__pycache__" in rel.parts:
            continue
        parts = list(rel.parts)
        if parts[-1] == "__main__":
            continue  # running it would run the CLI
        if parts[-1] == "__init__":
            parts.pop()
        out.append(".".join(parts))
    return out


def loads_textattack(module: str, python: str = sys.executable, timeout: float = 600) -> bool | str:
    """True/False: whether importing ``module`` in a fresh interpreter loads textattack; a string
    (the error's last line) when the import fails."""
    try:
        done = subprocess.run([python, "-c", PROBE, module], capture_output=True, text=True, cwd=ROOT,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        return f"error: no answer in {timeout:.0f} s"
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines()
        return f"error: {lines[-1] if lines else done.returncode}"
    return done.stdout.strip().splitlines()[-1] == "True"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("modules", nargs="*", help="dotted module names (default: every module)")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="one JSON object: module -> true/false/error")
    args = parser.parse_args(argv)
    modules = args.modules or all_modules()
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        found = dict(zip(modules, pool.map(loads_textattack, modules)))
    if args.json:
        print(json.dumps(found, indent=1, ensure_ascii=False))
    else:
        for module, value in found.items():
            print(f"{'textattack' if value is True else 'plain' if value is False else value:12}  {module}")
        loaded = [m for m, v in found.items() if v is True]
        print(f"\n{len(loaded)} of {len(found)} modules load textattack")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
