"""Search methods rbx adds to TextAttack's: word-importance ranking that also tries phrase moves.

Card
- What: ``WordImportanceWithMoves`` (recipe search type ``wir-with-moves``) is TextAttack's
  ``GreedyWordSwapWIR`` (subclassed, not copied) for a :class:`FamilyComposite` that mixes word
  edits and phrase moves. Step 1: every move of the unedited pair (word-order, syntax-swap) is
  queried as one batch, and the best is kept when it moves the model towards the other label.
  Step 2: TextAttack's word-importance search runs on the result: words ranked by how much deleting
  each one (``wir_method: delete``, or ``unk``) moves the model, then each word's candidates from the
  word parts only (char-noise, code-switch, pivot-synonym), best first, kept when the score rises.
  Constraints are always checked against the original pair, so a move and later word edits share
  one edit budget.
- Why: plain ``greedy`` (beam width 1) queries every candidate of every word at each step; with
  five families that is hundreds of queries per step, and ``all`` ran out of budget before it beat
  char-noise alone. Ranking costs one query per word; moves are few (coverage), so step 1 is cheap.
- Languages: all; the parts decide what applies.
- Limits: moves are tried once, before any word edit (a move after typos would need the typos'
  sentence re-parsed and re-ranked); a transformation that is not a ``FamilyComposite`` is refused
  when the attack is built unless it consists of word swaps (then this is plain ``GreedyWordSwapWIR``).
- Example (``recipes/all.yaml``)::

      search:
        type: wir-with-moves
        params: {wir_method: delete}
"""

from __future__ import annotations

from .offline import import_textattack

_ta = import_textattack()
_WIR = _ta.search_methods.GreedyWordSwapWIR
_SUCCEEDED = _ta.goal_function_results.GoalFunctionResultStatus.SUCCEEDED


class WordImportanceWithMoves(_WIR):
    def __init__(self, wir_method: str = "delete", unk_token: str = "[UNK]"):
        super().__init__(wir_method=wir_method, unk_token=unk_token)
        self._has_moves = False

    def check_transformation_compatibility(self, transformation) -> bool:
        from .transformations.composite import FamilyComposite

        if isinstance(transformation, FamilyComposite):
            self._has_moves = transformation.has_family("move")
            return True
        return super().check_transformation_compatibility(transformation)

    def perform_search(self, initial_result):
        if not self._has_moves:
            return super().perform_search(initial_result)
        original = initial_result.attacked_text
        attack_transformations = self.get_transformations  # the Attack's, with its constraints and cache
        current = initial_result
        moves = attack_transformations(original, original_text=original, families="move")
        if moves:
            results, search_over = self.get_goal_results(moves)
            best = max(results, key=lambda r: r.score) if results else None
            if best is not None and best.score > current.score:
                current = best
            if search_over or current.goal_status == _SUCCEEDED:
                return current

        def word_edits(text, original_text=None, **kwargs):
            return attack_transformations(text, original_text=original, families="word", **kwargs)

        self.get_transformations = word_edits
        try:
            return super().perform_search(current)
        finally:
            self.get_transformations = attack_transformations

    def extra_repr_keys(self):
        return ["wir_method"]


__all__ = ["WordImportanceWithMoves"]
