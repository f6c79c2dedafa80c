"""Moves keep who did what to whom, on real PAWS-X pairs whose gold label is 0 (not paraphrases).

PAWS made its non-paraphrases by swapping words and phrases (Zhang et al. 2019): a move that changed
an argument's role, or that undid the swap, would turn a gold-0 pair into a paraphrase. So on the
edited sentence2 of gold-0 dev pairs every syntax-swap move must keep each word's head and relation
(its case particle or preposition stays its own), word-order must keep every case-marked phrase
whole (ja particles stay after their noun, ko eojeol move whole, zh prepositions keep their
object), and no move may reproduce sentence1.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "fixtures" / "syntax"))
from syntax_checks import triples  # noqa: E402

from robustbench_xl.data import load_examples  # noqa: E402
from robustbench_xl.errors import RbxError  # noqa: E402
from robustbench_xl.lang.segment import words as segment_words  # noqa: E402

N_PARSED = 60  # gold-0 pairs per language, in dev order, for the parser-based moves
N_REORDERED = 400  # word-order needs no parser; zh has few safe reorderings (5 in the first 400)
JA_CASE = {"が", "を", "に", "で", "と", "へ", "から", "まで", "より", "の", "は", "も"}
ZH_PREPOSITIONS = {"从", "到", "在", "向", "对", "给", "被", "把", "于", "自", "往", "由"}


def gold_zero_pairs(lang: str, n: int) -> list:
    return [e for e in load_examples("pawsx", lang, "dev") if e.label == 0][:n]


def _parse_or_skip(lang, texts):
    from robustbench_xl.parsing import parse_texts

    try:
        return parse_texts(lang, texts)
    except RbxError as exc:
        pytest.skip(str(exc))


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["ja", "ko", "zh", "de"])
def test_syntax_moves_on_gold_zero_pairs_keep_every_head_and_relation(lang, rbx_home):
    from robustbench_xl.transformations.syntax.moves import find_moves

    pairs = gold_zero_pairs(lang, N_PARSED)
    trees = _parse_or_skip(lang, [e.sentence2 for e in pairs])
    moved = 0
    for pair, tree in zip(pairs, trees):
        for move in find_moves(tree, lang):
            moved += 1
            assert triples(move.tree) == triples(tree), (pair.id, tree.text, move.text)
            assert move.text != pair.sentence1, (pair.id, move.text)  # never undoes the PAWS swap
    assert moved >= 3, f"{lang}: too few moves on {len(pairs)} gold-0 pairs to test anything ({moved})"


def _bigrams(words: list[str], first: set[str] | None = None, second: set[str] | None = None) -> Counter:
    return Counter((a, b) for a, b in zip(words, words[1:])
                   if (first is None or a in first) and (second is None or b in second))


@pytest.mark.parametrize("lang", ["ja", "ko", "zh"])
def test_word_order_on_gold_zero_pairs_keeps_case_marked_phrases_whole(lang):
    from robustbench_xl.transformations.word_order import reorderings

    moved = 0
    for pair in gold_zero_pairs(lang, N_REORDERED):
        before = segment_words(lang, pair.sentence2)
        for move in reorderings(pair.sentence2, lang):
            moved += 1
            after = segment_words(lang, move.text)
            assert move.text != pair.sentence1, (pair.id, move.text)
            if lang == "ja":  # each particle stays right after the word it marks
                assert _bigrams(after, second=JA_CASE) >= _bigrams(before, second=JA_CASE), (pair.id, move.text)
            elif lang == "ko":  # eojeol carry their particles: the same eojeol, reordered
                assert Counter(move.text.split()) == Counter(pair.sentence2.split()), (pair.id, move.text)
            else:  # a preposition keeps its object
                assert _bigrams(after, first=ZH_PREPOSITIONS) >= _bigrams(before, first=ZH_PREPOSITIONS), \
                    (pair.id, move.text)
    assert moved >= 3, f"{lang}: too few reorderings on gold-0 pairs to test anything ({moved})"
