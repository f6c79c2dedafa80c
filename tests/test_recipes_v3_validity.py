"""The label-breaking classes the audits found in v1/v2 recipes, each fixed at its root and pinned on
real PAWS-X dev sentences (issue 14, point 1):

* code-switch v2: a katakana transcription of a name is never cut (ja 2348: メイスフィールド ->
  メイスfield), and two switched neighbours in unspaced text never glue (zh 9: 海军水手 -> navysailor);
* word-order v3: the complement of なる stays by its verb (ja 6536: 中心になっている was split into
  中心に ... なっている);
* syntax-swap v3: the new German prepositional-adjunct moves, and the guards that refuse a cut name
  (de 1242: "mit Elisabeth | Young") and an elided second clause (de 2492); a place phrase made the
  topic (에는) may trade places with a subject (ko 2436).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import regex

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pawsx_subsets import first_pairs

from robustbench_xl.lang.attacked_text import MultilingualAttackedText
from robustbench_xl.transformations.code_switch import CodeSwitch

LATIN_RUN = regex.compile(r"[\p{Latin}\p{Nd}]+")


def dev_pair(lang: str, pair_id: str) -> dict:
    from robustbench_xl.data import load_examples

    (example,) = [e for e in load_examples("pawsx", lang, "dev").examples if str(e.id) == pair_id]
    return example.to_json()


def switched(lang: str, text: str, switcher: CodeSwitch) -> list[str]:
    return [c.text for c in switcher(MultilingualAttackedText(text, langs=[lang]))]


@pytest.fixture(scope="module")
def switchers():
    return {lang: CodeSwitch(lang, seed=0) for lang in ("ja", "zh")}


def test_code_switch_never_cuts_a_katakana_name(switchers):
    text = dev_pair("ja", "2348")["sentence2"]
    assert "フィールド" in text and switchers["ja"].replacements("フィールド")  # "field" is in the dictionary
    candidates = switched("ja", text, switchers["ja"])
    assert candidates, "the sentence keeps its other switches (出版 -> publication)"
    assert all("メイスフィールド" in c for c in candidates)


def test_code_switch_never_glues_two_switched_neighbours(switchers):
    text = dev_pair("zh", "9")["sentence2"]
    assert "海军水手" in text
    first = [c for c in switchers["zh"](MultilingualAttackedText(text, langs=["zh"])) if "sailor" in c.text]
    assert first and all("sailor" in c.text and "海军" in c.text for c in first)
    second = [c.text for c in switchers["zh"](first[0])]
    assert second, "other words of the sentence can still be switched"
    assert not any("navysailor" in c or "navalsailor" in c for c in second)


@pytest.mark.parametrize("lang", ["ja", "zh"])
def test_no_switch_adds_a_glued_latin_run_on_real_pairs(lang, switchers):
    """Two steps of code-switching on 25 real pairs: every Latin run of the result is either one of
    the original's or a single dictionary replacement (a glued pair would be a new, longer run)."""
    switcher, checked = switchers[lang], 0
    for row in first_pairs(lang, 25):
        text = MultilingualAttackedText(row["sentence2"], langs=[lang])
        original_runs = set(LATIN_RUN.findall(row["sentence2"]))
        for step_one in switcher(text)[:3]:
            for step_two in switcher(step_one):
                replacements = {r for w in text.words for r in switcher.replacements(w)}
                for run in set(LATIN_RUN.findall(step_two.text)) - original_runs:
                    assert any(run in LATIN_RUN.findall(r) for r in replacements), (run, step_two.text)
                checked += 1
    assert checked > 50


def test_word_order_keeps_the_complement_of_naru_by_its_verb():
    from robustbench_xl.transformations.syntax.moves_cjk import japanese_binding, korean_binding
    from robustbench_xl.transformations.word_order import reorderings

    row = dev_pair("ja", "6536")
    assert row["sentence2"] == "ラインアップはインディー音楽とオルタナティブ音楽が中心になっている。"
    assert all("中心にな" in m.text for m in reorderings(row["sentence2"], "ja"))
    assert japanese_binding({"なる"}).binds("adverbial", adjacent=True)  # the rule syntax-swap uses too
    assert korean_binding("되").binds("subject", adjacent=True) and korean_binding("하").binds("object", adjacent=False)
    assert not japanese_binding({"なる"}).binds("adverbial", adjacent=False) and not korean_binding("살").binds(
        "adverbial", adjacent=True)
    # a plain sentence still reorders
    assert [m.text for m in reorderings("彼は東京で1990年に生まれた。", "ja")]


@pytest.fixture(scope="module")
def de_moves(rbx_home):
    from robustbench_xl.parsing import parse_texts
    from robustbench_xl.transformations.syntax import find_moves

    ids = ("1262", "1242", "2492", "525")
    rows = [dev_pair("de", i) for i in ids]
    trees = parse_texts("de", [r["sentence2"] for r in rows])
    return {i: [m for m in find_moves(t, "de")] for i, t in zip(ids, trees)}


def test_german_prepositional_adjunct_goes_to_the_vorfeld_with_inversion(de_moves):
    fronts = [m.text for m in de_moves["1262"] if m.kind == "front"]
    assert fronts == ["In Joseon wurde das Design verwendet, um den Taoismus in Korea zu symbolisieren und die "
                      "Hoffnung auf Harmonie zwischen Yin und Yang auszudrücken."]
    assert [m.text for m in de_moves["525"] if m.kind == "front"] == [
        "1983 wurde es von den Architekten Philip Johnson (Universitätsabsolvent) und John Burgee entworfen."]


def test_german_guards_refuse_a_cut_name_and_an_elided_clause(de_moves):
    assert not any("Mit Elisabeth" in m.text for m in de_moves["1242"])  # "mit Elisabeth | Young"
    assert not any(m.kind == "front" for m in de_moves["2492"])  # "... und im englischen Original von ..."


def test_a_place_topic_may_trade_places_with_a_subject(rbx_home):
    from robustbench_xl.parsing import parse_texts
    from robustbench_xl.transformations.syntax import find_moves
    from robustbench_xl.transformations.syntax.moves_cjk import Phrase, compatible

    row = dev_pair("ko", "2436")
    (tree,) = parse_texts("ko", [row["sentence2"]])
    assert [m.text for m in find_moves(tree, "ko")] == ["두 개의 서비스가 요크와 셔필드로 이어지는 던 밸리 노선에는 매일 운영됩니다."]
    place_topic, plain_topic, subject = (Phrase(0, 1, 1, "topic", "에는"), Phrase(0, 1, 1, "topic", "는"),
                                         Phrase(0, 2, 2, "subject", "가"))
    assert compatible(place_topic, subject) and not compatible(plain_topic, subject)


def test_a_dated_time_phrase_of_the_main_verb_goes_to_the_sentence_start(rbx_home):
    """ja 6294: the date passes the topic and a によって phrase of the same verb; refused: ja 949 (the
    phrase would leave a gapped clause: ブラウン大学で学士号を、コロンビア大学で…を), ja 1144 (ちなんで is a
    verb, not a place), ja 5206 (代表で is the copula's continuative, not a place)."""
    from robustbench_xl.parsing import parse_texts
    from robustbench_xl.transformations.syntax import find_moves

    ids = ("6294", "949", "1144", "5206")
    trees = parse_texts("ja", [dev_pair("ja", i)["sentence2"] for i in ids])
    fronts = {i: [m.text for m in find_moves(t, "ja") if m.kind == "front"] for i, t in zip(ids, trees)}
    assert fronts["6294"] == ["1806 年 8 月 29 日にベンジャミン・ヒューは、ジェファーソン郡の法務官ステファン・フォードによって"
                              "エリザベス コアと結婚しました。"]
    assert fronts["949"] == fronts["1144"] == fronts["5206"] == []
