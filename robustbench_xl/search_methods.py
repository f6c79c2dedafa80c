"""Search methods rbx adds to TextAttack's: word-importance ranking that also tries phrase moves.

Card
- What: ``WordImportanceWithMoves`` (recipe search type ``wir-with-moves``) is TextAttack's
  ``GreedyWordSwapWIR`` (subclassed, not copied) for a :class:`FamilyComposite` that mixes word
  edits and phrase moves. Step 1: every move of the unedited pair (word-order, syntax-swap) is
  queried as one batch; the best is returned at once when it flips the pair, and otherwise kept
  for step 3 when it moved the model towards the other label. Step 2: TextAttack's word-importance
  search from the unedited pair: words ranked by how much deleting each one (``wir_method:
  delete``, or ``unk``) moves the model, then each word's candidates from the word parts only
  (char-noise, code-switch, pivot-synonym), best first, kept when the score rises. With
  ``first_pass: k`` it runs twice: each word's first ``k`` candidates of each part, then, if the
  pair still holds and budget is left, all of them. Step 3, if the pair still holds: the same
  search from the kept move. Constraints are always checked against the original pair, so a move
  and later word edits share one edit budget. A text is paid for once per pair: a later pass gets
  what an earlier one queried (the ranking, the first typos) without spending budget.
- Why: plain ``greedy`` (beam width 1) queries every candidate of every word at each step; with
  five families that is hundreds of queries per step, and ``all`` v4 ran out of budget before it
  beat char-noise alone. Ranking costs one query per word; moves are few (coverage), so step 1 is
  cheap. A move that does not flip goes last because it changes about 2 min(k, j) aligned words:
  kept first (v5-v6), it spent the 20% edit budget before any typo (de 4121). The passes: few
  typos per word go further at small budgets, many at large ones (v6's 8 fell behind char-noise's
  12 in de from B=100, 12 alone was behind at B=50).
- Languages: all; the parts decide what applies.
- Limits: only moves of the unedited pair are tried (a move after typos would need the typos'
  sentence re-parsed and re-ranked); a move that does not flip is combined with word edits only
  in step 3; a transformation that is not a ``FamilyComposite`` is refused
  when the attack is built unless it consists of word swaps (then this is plain ``GreedyWordSwapWIR``).
- Example (``recipes/all.yaml``)::

      search:
        type: wir-with-moves
        params: {wir_method: delete, first_pass: 8}
"""

from __future__ import annotations

from .offline import import_textattack

_ta = import_textattack()
_WIR = _ta.search_methods.GreedyWordSwapWIR
_SUCCEEDED = _ta.goal_function_results.GoalFunctionResultStatus.SUCCEEDED


class WordImportanceWithMoves(_WIR):
    def __init__(self, wir_method: str = "delete", unk_token: str = "[UNK]", first_pass: int | None = None):
        super().__init__(wir_method=wir_method, unk_token=unk_token)
        if first_pass is not None and (isinstance(first_pass, bool) or not isinstance(first_pass, int)
                                       or first_pass < 1):
            raise ValueError(f"first_pass must be a positive number of candidates, got {first_pass!r}")
        self.first_pass = first_pass
        self._composite = self._has_moves = False

    def check_transformation_compatibility(self, transformation) -> bool:
        from .transformations.composite import FamilyComposite

        if isinstance(transformation, FamilyComposite):
            self._composite = True
            self._has_moves = transformation.has_family("move")
            return True
        if self.first_pass is not None:
            return False  # the passes need a FamilyComposite's candidate windows
        return super().check_transformation_compatibility(transformation)

    def perform_search(self, initial_result):
        if not self._composite:
            return super().perform_search(initial_result)
        original = initial_result.attacked_text
        attack_transformations, pay = self.get_transformations, self.get_goal_results  # the Attack's
        self.get_goal_results = _paid_once(pay, self._budget_spent)
        try:
            moved = None
            moves = attack_transformations(original, original_text=original, families="move") \
                if self._has_moves else []
            if moves:
                results, search_over = self.get_goal_results(moves)
                best = max(results, key=lambda r: r.score) if results else initial_result
                if best.score > initial_result.score:
                    if search_over or best.goal_status == _SUCCEEDED:
                        return best
                    moved = best
                elif search_over:
                    return initial_result
            # Word edits start from the unedited pair: a move that does not flip the pair on its own
            # spends much of the edit budget (it changes about 2 min(k, j) aligned words).
            passes = [(initial_result, (0, self.first_pass))] if self.first_pass else []
            passes.append((initial_result, None))
            if moved is not None:
                passes.append((moved, None))
            best = initial_result
            for start, window in passes:
                self.get_transformations = _word_edits(attack_transformations, original, window)
                result = super().perform_search(start)
                best = result if result.score > best.score else best
                if best.goal_status == _SUCCEEDED or self._budget_spent():
                    break
            return best
        finally:
            self.get_transformations, self.get_goal_results = attack_transformations, pay

    def _budget_spent(self) -> bool:
        goal = self.goal_function
        return goal.query_budget is not None and goal.num_queries >= goal.query_budget

    def extra_repr_keys(self):
        return ["wir_method", "first_pass"]


def _word_edits(attack_transformations, original, window):
    """The Attack's word candidates (constraints measured against ``original``) in ``window``."""
    def word_edits(text, original_text=None, **kwargs):
        return attack_transformations(text, original_text=original, families="word", window=window, **kwargs)
    return word_edits


def _paid_once(pay, budget_spent):
    """``get_goal_results`` that pays one query per distinct text in a search: a later pass asks
    again for the texts an earlier one queried (the ranking, the first 8 typos of the first word)."""
    answers = {}

    def get_goal_results(texts):
        new = [t for t in dict.fromkeys(texts) if t not in answers]
        search_over = False
        if new:
            results, search_over = pay(new)  # the goal function cuts ``new`` at the query budget
            answers.update((r.attacked_text, r) for r in results)
        return [answers[t] for t in texts if t in answers], search_over or budget_spent()
    return get_goal_results


__all__ = ["WordImportanceWithMoves"]
