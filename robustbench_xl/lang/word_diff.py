"""Aligned word diff: which words of the original changed in the perturbed text.

What: the one word alignment rbx uses wherever it asks "what did the attack change?": the
edit-budget constraint (how many words an edit costs), the runner's recorded ``words_perturbed``
and ``edits``, ``rbx perturb``'s edits and changed spans, and the audit sheets' highlighted words.
Words are aligned with :class:`difflib.SequenceMatcher` (``autojunk=False``: no word is ever
treated as noise, however often it repeats), not position by position, so an edit that splits or
merges words or changes a sentence's word count costs only the words it touches:

* :func:`align` (word lists in, :class:`Change` stretches out) and :func:`edited_words` (their
  cost: a replacement of i words by j costs ``max(i, j)``, so a Korean eojeol split or merge
  costs 2, a deletion or insertion costs its words);
* :func:`diff_texts` segments two texts with the language's own segmenter
  (:func:`robustbench_xl.lang.segment`) and returns a :class:`WordDiff` that knows offsets:
  changed word indices on both sides, changed spans in the new text, and ``edits(joiner)``, the
  (before, after) strings of each change.

Languages: all (whatever words the segmenter gives: spaced words for en de es fr, eojeol for ko,
Sudachi words for ja, jieba words for zh; no spaces needed). :func:`diff_words` takes words from
anywhere (the attacked text's own spans, whitespace tokens for an unknown language).

Limits: a diff of surface words: a reordering shows up as a deletion plus an insertion (callers
that want "moved" must pair them up); ``edits`` joins the words of one change with ``joiner``,
which is the caller's choice: the runner's recorded ``edits`` always use one space (what existing
results hold), ``rbx perturb`` uses the language's own (none for ja/zh).

Example::

    >>> d = diff_texts("ko", "그녀의 남편은 부자다", "그녀의 남 편은 부자다")
    >>> d.edited_words, d.edits()
    (2, [('남편은', '남 편은')])
    >>> diff_texts("ja", "夫は映画を見た", "夫はmovieを見た").edits("")
    [('映画', 'movie')]
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Sequence

from .segment import Word, segment


@dataclass(frozen=True)
class Change:
    """One stretch that is not equal: ``before[a_start:a_end]`` became ``after[b_start:b_end]``
    (an empty range on one side: an insertion or a deletion)."""

    a_start: int
    a_end: int
    b_start: int
    b_end: int

    @property
    def cost(self) -> int:
        """Words this change edits: the longer side (a 1->2 split or a 2->1 merge costs 2)."""
        return max(self.a_end - self.a_start, self.b_end - self.b_start)


def align(before: Sequence[str], after: Sequence[str]) -> tuple[Change, ...]:
    """The changed stretches between two word lists, in order (difflib, no autojunk)."""
    matcher = SequenceMatcher(a=list(before), b=list(after), autojunk=False)
    return tuple(Change(i1, i2, j1, j2) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal")


def edited_words(before: Sequence[str], after: Sequence[str]) -> int:
    """Words changed between two word lists (aligned; a 1->2 or 2->1 replacement counts 2)."""
    return sum(change.cost for change in align(before, after))


@dataclass(frozen=True)
class WordDiff:
    """Two segmented texts and the changes between their words (see the module card)."""

    before: tuple[Word, ...]
    after: tuple[Word, ...]
    changes: tuple[Change, ...]

    @property
    def edited_words(self) -> int:
        return sum(change.cost for change in self.changes)

    @property
    def changed_before(self) -> set[int]:
        """Indices of the words of the original that changed (deleted or replaced)."""
        return {k for c in self.changes for k in range(c.a_start, c.a_end)}

    @property
    def changed_after(self) -> set[int]:
        """Indices of the words of the new text that changed (inserted or replaced)."""
        return {k for c in self.changes for k in range(c.b_start, c.b_end)}

    def changed_spans(self) -> list[tuple[int, int]]:
        """(start, end) in the new text of every changed word, in order."""
        return [(w.start, w.end) for c in self.changes for w in self.after[c.b_start:c.b_end]]

    def edits(self, joiner: str = " ") -> list[tuple[str, str]]:
        """(old words, new words) of each change, the words of one side joined with ``joiner``."""
        return [(joiner.join(w.text for w in self.before[c.a_start:c.a_end]),
                 joiner.join(w.text for w in self.after[c.b_start:c.b_end])) for c in self.changes]


def diff_words(before: Sequence[Word], after: Sequence[Word]) -> WordDiff:
    """The diff of two word sequences with offsets (from any segmentation)."""
    before, after = tuple(before), tuple(after)
    return WordDiff(before, after, align([w.text for w in before], [w.text for w in after]))


def diff_texts(lang: str, before: str, after: str) -> WordDiff:
    """The diff of two texts of ``lang``, each cut into words by the language's segmenter."""
    return diff_words(segment(lang, before), segment(lang, after))
