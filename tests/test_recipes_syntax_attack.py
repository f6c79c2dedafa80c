"""syntax-swap with a real parser: each original sentence is parsed once (later lookups hit the parse
cache), and end-to-end attacks with the recipe for ko and de on the tiny XLM-R checkpoint."""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "syntax"
sys.path.insert(0, str(FIXTURES))
from syntax_checks import COMMAS

from robustbench_xl.errors import RbxError
from robustbench_xl.lang import segment
from robustbench_xl.lang.attacked_text import MultilingualAttackedText
from robustbench_xl.offline import import_textattack


def parser_or_skip(lang: str):
    from robustbench_xl.parsing import locate_parser
    from robustbench_xl.parsing.pipelines import SHIPPED_DIR

    try:
        return locate_parser(lang)
    except RbxError:
        pytest.skip(f"no {lang} parser: the shipped folder {SHIPPED_DIR / lang} is absent "
                    f"(and no user parser in $RBX_HOME/parsers/{lang})")


def _bag(lang: str, text: str) -> Counter:
    return Counter(w.text.casefold() for w in segment(lang, text) if w.text not in COMMAS)


def test_each_original_sentence_is_parsed_once_then_comes_from_the_cache(rbx_home):
    from robustbench_xl.data import load_examples
    from robustbench_xl.parsing import PARSE_COUNTERS, ParseCache
    from robustbench_xl.parsing.cache import cache_key
    from robustbench_xl.transformations.syntax.swap import SyntaxSwap

    source = parser_or_skip("ko")
    examples = load_examples("pawsx", "ko", "dev", n=6, seed=11).examples
    texts = list(dict.fromkeys(ex.sentence2 for ex in examples))
    cached = ParseCache().get_many([cache_key(source.lang, source.identity, t) for t in texts])
    ta = import_textattack()
    only_sentence2 = [ta.constraints.pre_transformation.InputColumnModification(
        ["sentence1", "sentence2"], {"sentence1"})]

    def explore(swap) -> int:
        """A small search: every candidate of every original, and the candidates of those."""
        n = 0
        for ex in examples:
            pair = MultilingualAttackedText.from_pair(ex.sentence1, ex.sentence2, langs=("ko", "ko"))
            for child in swap(pair, pre_transformation_constraints=only_sentence2):
                n += 1 + len(swap(child, pre_transformation_constraints=only_sentence2))
        return n

    before = dict(PARSE_COUNTERS)
    swap = SyntaxSwap("ko")
    candidates = explore(swap)
    assert swap.parse_calls == len(texts)  # one parse_texts call per original, none per candidate
    assert PARSE_COUNTERS["texts_parsed"] - before["texts_parsed"] == len(texts) - len(cached)
    middle = dict(PARSE_COUNTERS)
    again = SyntaxSwap("ko")  # a new attack (or process): every original is a cache hit
    assert explore(again) == candidates
    assert again.parse_calls == len(texts)
    assert PARSE_COUNTERS == middle  # stanza did not run at all


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["ko", "de"])
def test_attack_end_to_end_with_the_shipped_parser(tmp_path, xlmr_checkpoint, lang):
    from robustbench_xl.parsing import PARSE_COUNTERS
    from robustbench_xl.runner import AttackConfig, attack

    parser_or_skip(lang)
    before = PARSE_COUNTERS["texts_parsed"]
    summary = attack(AttackConfig(lang=lang, recipe="syntax-swap", model=str(xlmr_checkpoint), n=3, seed=0,
                                  query_budget=30, out=str(tmp_path)), progress=False)
    assert summary["complete"] and summary["recipe"] == {"name": "syntax-swap", "version": 3}
    counts = summary["counts"]
    assert counts["succeeded"] + counts["failed"] + counts["skipped"] == 3
    assert PARSE_COUNTERS["texts_parsed"] - before <= 3  # at most the three originals
    records = [json.loads(line) for line in
               (tmp_path / "tiny-xlmr" / lang / "syntax-swap" / "examples.jsonl").read_text().splitlines()]
    assert len(records) == 3
    for r in records:
        assert r["queries"] <= 30
        if r["status"] == "succeeded":
            before_text, after_text = r["original"]["sentence2"], r["perturbed"]["sentence2"]
            assert r["perturbed"]["sentence1"] == r["original"]["sentence1"]
            assert after_text != before_text and _bag(lang, after_text) == _bag(lang, before_text)
    # The parser and the moves give candidates on real PAWS-X sentences (the attack above may
    # have drawn three sentences without a safe move, or a random model that gives up at once).
    from robustbench_xl.transformations.syntax.swap import move_coverage

    assert move_coverage(lang, n=100, seed=0)["with_move"] >= 1


def test_a_phrase_moved_and_moved_back_is_not_a_new_sentence(rbx_home):
    """v2: in ja (joined without spaces) moving a phrase and moving it back used to give the original
    words in the original order minus one space ("で 3 日" -> "で3 日"), which v1 offered as an edit."""
    from robustbench_xl.perturb import perturb
    from robustbench_xl.transformations.syntax.tree_tools import order_key

    parser_or_skip("ja")
    text = "イエスは魚の腹の中で 3 日を過ごし、ヨナは墓で 3 日過ごします。"  # PAWS-X ja dev 117
    found = perturb(text, "syntax-swap", "ja", n=30, seed=0, steps=2)
    assert found
    assert all(order_key(p.text) != order_key(text) for p in found), [p.text for p in found]


def test_no_move_puts_an_object_before_a_word_that_reads_as_a_relative_clause(rbx_home):
    """v2: PAWS-X ko dev 393, where v1 scrambled 한 마을이 / 특정 결혼을 into a garden path."""
    from robustbench_xl.lang.hangul import object_adnominal_readings
    from robustbench_xl.perturb import perturb

    parser_or_skip("ko")
    text = "이는 한 마을이 특정 결혼을 허락하지 않거나 보류한다는 의미입니다."
    found = perturb(text, "syntax-swap", "ko", n=30, seed=0, steps=2)
    assert all(object_adnominal_readings(p.text) == 0 for p in found), [p.text for p in found]
    assert object_adnominal_readings("이는 특정 결혼을 한 마을이 허락하지 않거나 보류한다는 의미입니다.") == 1
