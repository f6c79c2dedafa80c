"""A composite transformation that can be asked for one family of its parts: word edits or moves.

Card
- What: ``FamilyComposite(parts)`` is TextAttack's ``CompositeTransformation`` (every part's
  candidates, duplicates dropped, in part order) plus two keywords. ``families``: ``"word"`` keeps
  the parts that edit one word at a time (char-noise, code-switch, pivot-synonym), ``"move"`` the parts
  that move phrases (word-order, syntax-swap: a part whose class says ``edit_family = "move"``),
  ``None`` all of them. ``window=(start, stop)`` keeps only that slice of each part's own
  candidate list (a search's first pass may try a word's first 8 typos, a later one all 12). A
  search uses it to rank words for the word parts and to try the moves as whole-sentence
  candidates (:class:`robustbench_xl.search_methods.WordImportanceWithMoves`): a move
  touches several words, so a word-by-word search would never propose it.
- Languages: whatever the parts support (the recipe keeps the parts of the attacked language).
- Limits: the keywords are not passed on to the parts; a part without ``edit_family`` is a word part.
  A window slices each part's list before duplicates across parts are dropped; it is meant for a
  call on one word (``indices_to_modify=[i]``), where a part's list is that word's candidates.
- Example::

      composite = FamilyComposite([CharNoise("ko"), WordOrder("ko")])
      moves = composite(attacked_text, families="move")     # only WordOrder's candidates
      first = composite(attacked_text, families="word", indices_to_modify=[3], window=(0, 8))
"""

from __future__ import annotations

from ..offline import import_textattack

_Composite = import_textattack().transformations.CompositeTransformation
FAMILIES = ("word", "move")


def edit_family(transformation) -> str:
    """``"move"`` for a part that moves phrases, ``"word"`` for one that edits a word in place."""
    return getattr(transformation, "edit_family", "word")


class FamilyComposite(_Composite):
    def __call__(self, *args, families: str | None = None, window: tuple[int, int | None] | None = None,
                 **kwargs):
        if families is not None and families not in FAMILIES:
            raise ValueError(f"families must be one of {FAMILIES} or None, got {families!r}")
        if kwargs.get("return_indices"):
            window = None  # the call asks which words a part may edit (a set), not for candidates
        parts = [t for t in self.transformations if families is None or edit_family(t) == families]
        seen, out = set(), []
        for part in parts:
            found = part(*args, **kwargs)
            for text in (found if window is None else found[window[0]:window[1]]):
                if text not in seen:
                    seen.add(text)
                    out.append(text)
        return out

    def has_family(self, family: str) -> bool:
        return any(edit_family(t) == family for t in self.transformations)
