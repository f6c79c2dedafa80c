"""Recipe ``all``: the composite builds every family a language supports, syntax-swap included, and
its syntax part still finds subtree moves after another family edited the sentence (``parse_edited``;
all v5's search tries moves on the unedited pair, but a Python user may compose it otherwise)."""

from __future__ import annotations

from collections import Counter

import pytest

from robustbench_xl.errors import RbxError
from robustbench_xl.lang import segment
from robustbench_xl.lang.attacked_text import MultilingualAttackedText
from robustbench_xl.offline import import_textattack

# A Korean PAWS-X dev sentence whose shipped-parser tree has a scrambling move (two adjacent
# case-marked phrases before the verb); the typo below edits a word outside those phrases.
SENTENCE = "그는 1949년 대학을 졸업한 후 서울에서 신문 기자로 일했다."


def _parser_or_skip(lang):
    from robustbench_xl.parsing import locate_parser

    try:
        return locate_parser(lang)
    except RbxError as exc:
        pytest.skip(str(exc))


def test_all_lists_every_family_and_builds_them_per_language():
    from robustbench_xl.recipes import load_recipe
    from robustbench_xl.transformations.syntax.swap import SyntaxSwap

    recipe = load_recipe("all")
    assert recipe.version == 7  # v7: two passes, 12 typos (v6: code-switch 2, word-order 3, syntax-swap 3; v5: wir-with-moves)
    parts = [p["type"] for p in recipe.transformation["parts"]]
    assert parts == ["char-noise", "word-order", "syntax-swap", "code-switch", "pivot-synonym"]
    _parser_or_skip("ko")
    built = recipe.build_transformation("ko", seed=0).transformations
    swaps = [t for t in built if isinstance(t, SyntaxSwap)]
    assert len(built) == 5 and len(swaps) == 1
    assert swaps[0].parse_edited and swaps[0].max_moves == 1
    assert "syntax-swap" in recipe.label_preservation


def test_syntax_part_moves_subtrees_of_a_sentence_another_family_edited(rbx_home):
    from robustbench_xl.recipes import load_recipe
    from robustbench_xl.transformations.syntax.swap import SyntaxSwap

    _parser_or_skip("ko")
    ta = import_textattack()
    only_sentence2 = [ta.constraints.pre_transformation.InputColumnModification(
        ["sentence1", "sentence2"], {"sentence1"})]
    spec = next(p for p in load_recipe("all").transformation["parts"] if p["type"] == "syntax-swap")
    swap = SyntaxSwap("ko", **spec["params"])
    strict = SyntaxSwap("ko", max_moves=1, max_candidates=4)  # parse_edited off, as in syntax-swap v1
    pair = MultilingualAttackedText.from_pair("원문 문장.", SENTENCE, langs=("ko", "ko"))
    first = swap(pair, pre_transformation_constraints=only_sentence2)
    assert first, "the shipped ko parser should give this sentence a scrambling move"
    words = pair.words
    typo_at = words.index("일했다")
    edited = pair.replace_word_at_index(typo_at, "일햇다")  # a char-noise-style edit of the verb
    assert edited.attack_attrs["modified_indices"] == {typo_at}
    assert strict(edited, pre_transformation_constraints=only_sentence2) == []  # would be dead
    moved = swap(edited, pre_transformation_constraints=only_sentence2)
    assert moved
    for candidate in moved:
        after = candidate._text_input["sentence2"]
        assert "일햇다" in after and after != edited._text_input["sentence2"]
        assert Counter(w.text for w in segment("ko", after)) == Counter(
            w.text for w in segment("ko", edited._text_input["sentence2"]))
