"""PAWS-X dev pairs for tests, read through the data layer from the split that ships inside rbx.

Tests keep no copies of dev rows: a named subset is a list of ids in ``fixtures/pawsx_subsets.json``,
and the texts come from ``robustbench_xl.data.load_examples`` (the same validation, NFC and CSV
unquoting that attacks see). Subsets:

* ``char-noise-word-order`` - the pairs whose sentences the char-noise and word-order goldens edit
  (6 and 13 in every language, plus pairs with safe reorderings in ja, ko and zh);
* ``code-switch-pivot`` - the pairs of the code-switch and pivot-synonym goldens;
* ``victim-checks`` - a seeded sample of about 100 pairs per language for the victim-model checks
  (tokenizer and embedding parity, the shipped victims' accuracy); pairs that PAWS-X left
  untranslated are not in it.

``first_pairs(lang, n)`` gives the first ``n`` pairs of a language in file order (the leaderboard
simulation's texts).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

IDS_FILE = Path(__file__).resolve().parent / "fixtures" / "pawsx_subsets.json"


@lru_cache(maxsize=None)
def _bundled(lang: str) -> tuple:
    from robustbench_xl.data import load_examples

    return tuple(load_examples("pawsx", lang, "dev").examples)


@lru_cache(maxsize=None)
def subset_ids(subset: str) -> dict[str, list[str]]:
    subsets = json.loads(IDS_FILE.read_text(encoding="utf-8"))
    if subset not in subsets or subset.startswith("_"):
        raise KeyError(f"no PAWS-X subset {subset!r} in {IDS_FILE.name}")
    return subsets[subset]


def pairs(subset: str, lang: str | None = None) -> list[dict]:
    """The subset's pairs (``id lang sentence1 sentence2 label``), language by language, in id-list order."""
    rows = []
    for code, ids in subset_ids(subset).items():
        if lang in (None, code):
            by_id = {e.id: e for e in _bundled(code)}
            missing = [i for i in ids if i not in by_id]
            if missing:
                raise KeyError(f"{subset}: ids {missing} are not in the bundled {code} dev split")
            rows += [by_id[i].to_json() for i in ids]
    return rows


def first_pairs(lang: str, n: int = 100) -> list[dict]:
    return [e.to_json() for e in _bundled(lang)[:n]]
