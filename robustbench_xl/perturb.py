"""Sample perturbations of one text with a recipe, no model: what would an attack try?

What: ``perturb(text, recipe, lang, n, seed, steps)`` applies a recipe's transformation, under its
constraints (pre-transformation ones such as protected words, and the others such as the edit
budget, compared against the original text), to a one-column text and returns up to ``n`` distinct
results, each with the words that changed. ``steps`` > 1 chains edits, as an attack's search would
(each step edits words not edited before).

Languages: whatever the recipe supports; asking for another one raises the recipe's one-line error.

Example::

    >>> [p.text for p in perturb("Kathy und ihr Ehemann sind finanziell gut aufgestellt.", "char-noise",
    ...                          "de", n=2)]
    ['Kathy und ihr Ehemann sind vinanziell gut aufgestellt.', 'Kathy und ihr Ehemann sind finanzkell gut aufgestellt.']
"""

from __future__ import annotations

import random
from collections import OrderedDict
from dataclasses import dataclass, field

from .errors import RbxError
from .lang import get_language, nfc, validate_lang
from .lang.word_diff import diff_texts
from .recipes import load_cell_recipe

COLUMN = "text"


@dataclass
class Perturbation:
    text: str
    edits: list[tuple[str, str]] = field(default_factory=list)  # (before, after); before == after: moved
    changed_spans: list[tuple[int, int]] = field(default_factory=list)  # in ``text``


def _diff(lang: str, before: str, after: str) -> Perturbation:
    diff = diff_texts(lang, before, after)
    edits = diff.edits(" " if get_language(lang).spaced else "")  # ja zh: words joined as written
    spans = diff.changed_spans()
    # A reordering shows up as a deletion and an insertion of the same words: report it as a move.
    removed = [a for a, b in edits if a and not b]
    added = [b for a, b in edits if b and not a]
    moved = [w for w in added if w in removed]
    edits = [(a, b) for a, b in edits if not ((a in moved and not b) or (b in moved and not a))]
    edits += [(w, w) for w in moved]
    return Perturbation(after, edits, spans)


class _Sampler:
    """The recipe's transformation and constraints, applied the way an attack applies them."""

    def __init__(self, recipe, lang: str, seed: int):
        from .offline import import_textattack

        ta = import_textattack()
        self.transformation = recipe.build_transformation(lang, seed)
        constraints = recipe.build_constraints(lang, seed)
        pre = ta.constraints.PreTransformationConstraint
        self.pre = [c for c in constraints if isinstance(c, pre)]
        self.post = [c for c in constraints if not isinstance(c, pre)]

    def candidates(self, current, original) -> list:
        out = self.transformation(current, pre_transformation_constraints=self.pre)
        for constraint in self.post:
            if not out:
                break
            out = constraint.call_many(out, original if constraint.compare_against_original else current)
        return out


def perturb(text: str, recipe: str, lang: str, n: int = 5, seed: int = 0, steps: int = 1,
            target_lang: str | None = None) -> list[Perturbation]:
    """Up to ``n`` distinct perturbations of ``text`` (deterministic for a given seed); ``target_lang``
    as ``--target-lang`` (code-switch recipes)."""
    lang = validate_lang(lang)
    loaded = load_cell_recipe(recipe, target_lang)
    loaded.check_language(lang)
    text = nfc(text or "").strip()
    if not text:
        raise RbxError("nothing to perturb: the text is empty")
    if n < 1 or steps < 1:
        raise RbxError("--n and --steps must be at least 1")
    from .lang.attacked_text import MultilingualAttackedText

    original = MultilingualAttackedText(OrderedDict([(COLUMN, text)]), langs=(lang,))
    sampler = _Sampler(loaded, lang, seed)
    rng = random.Random(seed)
    first = sampler.candidates(original, original)
    results: dict[str, None] = {}
    if steps == 1:
        picked = sorted(rng.sample(range(len(first)), min(n, len(first))))
        results = dict.fromkeys(first[k].text for k in picked)
    else:
        for _ in range(n * 4):  # random walks; duplicates are dropped
            current, options = original, first
            for _ in range(steps):
                if not options:
                    break
                current = rng.choice(options)
                options = sampler.candidates(current, original)
            if current is not original:
                results[current.text] = None
            if len(results) >= n:
                break
    return [_diff(lang, text, new) for new in list(results)[:n] if new != text]
