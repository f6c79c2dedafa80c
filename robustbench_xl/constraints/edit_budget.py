"""At most a share of each sentence's words may be edited, counted per sentence, splits and merges included.

What: a TextAttack constraint comparing every sentence of a candidate with the same sentence of the
original pair. Words are aligned by :mod:`robustbench_xl.lang.word_diff` (difflib, not position by
position; the alignment the runner records and the audit shows), so a Korean spacing
error that splits or merges eojeol, or an edit that changes a sentence's word count, costs only the
words it touches (a split or merge costs 2), not every word after it. TextAttack's
``MaxWordsPerturbed`` compares positions and divides by the words of the whole pair, so for a pair it
allows twice the stated share in the edited sentence; this constraint is what a recipe's "at most
20% of the edited sentence's words" means.

Languages: all (works on whatever words the text's segmenter gives).

Limits: a limit of ``ceil(max_percent * words)``, at least 1 word, per sentence; ``max_num_words``
caps it further. Reorderings are not edits in this sense (use ``repeat-modification`` for those).

Example: in a 12-word sentence with ``max_percent: 0.2``, a candidate may change 3 words; merging
"할 수" into "할수" counts as 2 of them.
"""

from __future__ import annotations

import math

from ..lang.word_diff import edited_words
from ..offline import import_textattack

_Constraint = import_textattack().constraints.Constraint


class SentenceEditBudget(_Constraint):
    """Constraint: each sentence keeps at least ``1 - max_percent`` of its words unchanged."""

    def __init__(self, max_percent: float = 0.2, max_num_words: int | None = None):
        super().__init__(compare_against_original=True)
        if not 0 < max_percent <= 1:
            raise ValueError("max_percent must be in (0, 1]")
        self.max_percent = max_percent
        self.max_num_words = max_num_words

    def limit(self, n_words: int) -> int:
        allowed = max(1, math.ceil(n_words * self.max_percent))
        return min(allowed, self.max_num_words) if self.max_num_words is not None else allowed

    def _check_constraint(self, transformed_text, reference_text):
        for before, after in zip(reference_text.words_per_input, transformed_text.words_per_input):
            if before != after and edited_words(before, after) > self.limit(len(before)):
                return False
        return True

    def extra_repr_keys(self):
        return ["max_percent", "max_num_words"] + super().extra_repr_keys()
