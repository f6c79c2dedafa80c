"""syntax-swap on gold UD trees: golden moves per language, invariants (same words, same dependency
triples, a valid tree, spacing and capitalisation rules), second moves, and the transformation's
plumbing (one sentence edited, trees carried by candidates, the move bound, no undo)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "syntax"
sys.path.insert(0, str(FIXTURES))
from syntax_checks import problems, triples, words

from robustbench_xl.errors import RbxError
from robustbench_xl.lang.attacked_text import MultilingualAttackedText
from robustbench_xl.offline import import_textattack
from robustbench_xl.parsing import read_conllu, read_conllu_text
from robustbench_xl.transformations.syntax.moves import find_moves
from robustbench_xl.transformations.syntax.swap import TREES_ATTR, SyntaxSwap
from robustbench_xl.transformations.syntax.tree_tools import Sent, rewrite

LANGS = ("ko", "ja", "zh", "de", "en", "fr", "es")

GOLDEN = {
    "ko": {
        "한국적 슬기가 세계를 이긴다.": {("scramble", "세계를 한국적 슬기가 이긴다.")},
        "이제 남극은 초겨울에 들었다.": {("scramble", "이제 초겨울에 남극은 들었다.")},
        "빠른 템포로 역사는 흘러간다.": {("scramble", "역사는 빠른 템포로 흘러간다.")},
        "영국은 기겁을 하였다.": set(),  # the object of a light verb stays with it
        "당시 서독은 손실이 55 일에 불과하였다.": set(),  # 55 일에 불과하다: complement; topic + subject
        # A place made the topic (에는) is an adverbial, not a second subject: it may pass the subject (v3).
        "발전동에는 발전기가 설치되어 있다.": {("scramble", "발전기가 발전동에는 설치되어 있다.")},
        # 운동조직 이전에 stands right before the relative verb form 믿을: it could be that verb's
        # argument (small parsers often attach it so), so it does not move; the topic and the
        # dative still may.
        "당은 대중에게 운동조직 이전에 믿을 수 있고 도움되는 친구가 되어야 한다.": {
            ("scramble", "대중에게 당은 운동조직 이전에 믿을 수 있고 도움되는 친구가 되어야 한다.")},
    },
    "ja": {
        "注文をすぐにとりにこない。": {("scramble", "すぐに注文をとりにこない。")},
        "ヒットメーカーに当たりが出ない。": {("scramble", "当たりがヒットメーカーに出ない。")},
        "ジェリーとリズは恋仲になるが、アンリはリズと結婚しようとしていた。": {
            ("conj-swap", "リズとジェリーは恋仲になるが、アンリはリズと結婚しようとしていた。")},
        "この夏が実は最大の山場になります。": set(),  # 山場になる: the に complement stays
        "なお、冬期には山腹にスポットライトで雪だるまが描かれる。": {
            ("scramble", "なお、山腹に冬期にはスポットライトで雪だるまが描かれる。"),
            ("scramble", "なお、冬期にはスポットライトで山腹に雪だるまが描かれる。"),
            ("scramble", "なお、冬期には山腹に雪だるまがスポットライトで描かれる。"),
            ("front", "なお、スポットライトで冬期には山腹に雪だるまが描かれる。")},
        "亜大の東浜も6回で12三振を奪った。": {("scramble", "亜大の東浜も12三振を6回で奪った。")},
    },
    "zh": {
        "他目前效力于法甲球队波尔多。": {("front", "目前他效力于法甲球队波尔多。")},
        "詹姆斯和莫特对这项权益持相反的态度。": {("conj-swap", "莫特和詹姆斯对这项权益持相反的态度。")},
        "站牌上标示着“浪漫和传奇的入野松原”。": set(),  # inside a quotation
        "该方案最终于2006年11月投票通过。": {("front", "最终该方案于2006年11月投票通过。"),
                                       ("front", "于2006年11月该方案最终投票通过。")},
    },
    "de": {
        "Der Osten zieht nun nach.": {("front", "Nun zieht der Osten nach.")},
        "Seit einiger Zeit hat man hier sogar eine Onlineapotheke eingerichtet.": {
            ("postpose", "Man hat seit einiger Zeit hier sogar eine Onlineapotheke eingerichtet.")},
        "Ich war heute da.": {("front", "Heute war ich da.")},
        "Am 17. Dezember sind Wahlen.": {("postpose", "Wahlen sind am 17. Dezember.")},
        "Die Fahrschule und der Besitzer sind einfach spitze.": {
            ("conj-swap", "Der Besitzer und die Fahrschule sind einfach spitze.")},
        "Hier kann man zu (fast) jeder Tages - und Nachtzeit warm essen.": set(),  # "Tages-": a hyphen
        "Im Mai 2010 haben wir den Geburtstagsgutschein zum 67. meines Vaters eingelöst.": {
            ("postpose", "Wir haben im Mai 2010 den Geburtstagsgutschein zum 67. meines Vaters eingelöst.")},
        # v3 Mittelfeld scramble: two adverbials after the finite verb trade places (the object and
        # subject stay); "DasFahren" is the treebank's own typo (SpaceAfter=No on Das)
        "DasFahren wir jetzt seit Jahren hin.": {("scramble", "DasFahren wir seit Jahren jetzt hin.")},
    },
    "en": {
        "Call me if you have time.": {("front", "If you have time, call me.")},
        "He is now lecturing in USA.": {("front", "Now, he is lecturing in USA.")},
        "Once we get the word from Lavo we'll let you know.": {
            ("postpose", "We'll let you know once we get the word from Lavo.")},
        "By September of that year the Dow had tumbled to 744.": {
            ("postpose", "The Dow had tumbled to 744 by September of that year.")},
        "The Dow topped out in February of 1966 at 995.": {
            ("front", "In February of 1966, the Dow topped out at 995.")},
        "Bad food and bad service!": {("conj-swap", "Bad service and bad food!")},
        "Now that's a rambling response.": set(),  # sentence-initial "Now" is a discourse marker
    },
    "fr": {
        "Il devient joueur autonome à l'automne.": {("front", "À l'automne, il devient joueur autonome.")},
        "Ils sont sur Cherbourg depuis 2007.": {("front", "Depuis 2007, ils sont sur Cherbourg.")},
        "A aucun moment, du jour ou de la nuit s'il le faut.": {
            ("conj-swap", "A aucun moment, de la nuit ou du jour s'il le faut.")},
        "En 1927 Marilyn Monroe était âgée d'un an.": {
            ("postpose", "Marilyn Monroe était âgée d'un an en 1927.")},
        # The subject follows the verb after "En 1992": no postposing; the conjuncts may swap.
        "En 1992 est lancée la première version de LabVIEW pour PC sous Windows et Unix.": {
            ("conj-swap", "En 1992 est lancée la première version de LabVIEW pour PC sous Unix et Windows.")},
        "Il traverse les provinces de Biella et de Verceil.": {
            ("conj-swap", "Il traverse les provinces de Verceil et de Biella.")},
    },
    "es": {
        "En los 90s se abandono.": {("postpose", "Se abandono en los 90s.")},
        "Khedira es de padre tunecino y de madre alemana.": {
            ("conj-swap", "Khedira es de madre alemana y de padre tunecino.")},
        "Los bonos low cost han subido de 30 a 40 euros en dos meses (un 30 %!": set(),  # a range
        "Se graduó en 1916.": {("front", "En 1916, se graduó.")},
        "En junio de 2008 dirigió a los Solistas de Aragón en el Auditorio de la Expo de Zaragoza.": {
            ("postpose", "Dirigió a los Solistas de Aragón en el Auditorio de la Expo de Zaragoza en junio de 2008.")},
        "Se encuentra en Brasil y Perú.": {("conj-swap", "Se encuentra en Perú y Brasil.")},
    },
}


def gold(lang: str):
    return read_conllu(FIXTURES / f"ud_{lang}.conllu")


@pytest.mark.parametrize("lang", LANGS)
def test_golden_moves_on_gold_trees(lang):
    trees = gold(lang)
    assert [t.text for t in trees] == list(GOLDEN[lang])
    for tree in trees:
        assert {(m.kind, m.text) for m in find_moves(tree, lang)} == GOLDEN[lang][tree.text], tree.text


@pytest.mark.parametrize("lang", LANGS)
def test_every_move_keeps_words_relations_and_spacing(lang):
    checked = 0
    for tree in gold(lang):
        for move in find_moves(tree, lang):
            assert problems(tree, move, lang) == [], (tree.text, move.text)
            assert words(tree) == words(move.tree) and triples(tree) == triples(move.tree)
            for second in find_moves(move.tree, lang):  # a second move starts from the moved tree
                assert problems(move.tree, second, lang) == [], (move.text, second.text)
                assert triples(second.tree) == triples(tree)
            checked += 1
    assert checked >= 4


UD_TEST_FILES = {"en": "UD_English-EWT/en_ewt", "de": "UD_German-GSD/de_gsd", "es": "UD_Spanish-GSD/es_gsd",
                 "fr": "UD_French-GSD/fr_gsd", "ja": "UD_Japanese-GSD/ja_gsd", "ko": "UD_Korean-Kaist/ko_kaist",
                 "zh": "UD_Chinese-GSDSimp/zh_gsdsimp"}


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGS)
def test_invariants_hold_on_a_whole_gold_treebank(lang):
    from conftest import SHARED_DATA

    path = SHARED_DATA / "ud" / f"{UD_TEST_FILES[lang]}-ud-test.conllu"
    if not path.is_file():
        pytest.skip(f"{path} is reference data of dev machines only")
    moves = 0
    for tree in read_conllu(path):
        for move in find_moves(tree, lang):
            moves += 1
            assert problems(tree, move, lang) == [], (tree.text, move.text)
    assert moves >= 20


def test_no_space_is_added_in_japanese_and_chinese_and_korean_keeps_eojeol():
    for lang in ("ja", "zh"):
        for tree in gold(lang):
            for move in find_moves(tree, lang):
                assert move.text.replace(" ", "") != tree.text.replace(" ", "") or move.text == tree.text
                assert sorted(move.text) == sorted(tree.text)  # same characters, other order
    for tree in gold("ko"):
        for move in find_moves(tree, "ko"):
            # eojeol are never cut or glued: the same space-separated units, the final "." attached
            assert sorted(move.text.rstrip(".").split(" ")) == sorted(tree.text.rstrip(".").split(" "))


def test_commas_added_when_fronting_and_dropped_when_postposing():
    en = {m.text: m for t in gold("en") for m in find_moves(t, "en")}
    fronted = en["If you have time, call me."].tree
    comma = next(t for t in fronted.tokens if t.text == ",")
    assert comma.deprel == "punct" and fronted.tokens[comma.head - 1].text == "have"  # the clause's head
    source = read_conllu_text(
        "# text = In 1990, he moved to Paris.\n"
        "1\tIn\tin\tADP\tIN\t_\t2\tcase\t_\t_\n2\t1990\t1990\tNUM\tCD\t_\t5\tobl\t_\tSpaceAfter=No\n"
        "3\t,\t,\tPUNCT\t,\t_\t5\tpunct\t_\t_\n4\the\the\tPRON\tPRP\t_\t5\tnsubj\t_\t_\n"
        "5\tmoved\tmove\tVERB\tVBD\tVerbForm=Fin\t0\troot\t_\t_\n6\tto\tto\tADP\tIN\t_\t7\tcase\t_\t_\n"
        "7\tParis\tParis\tPROPN\tNNP\t_\t5\tobl\t_\tSpaceAfter=No\n8\t.\t.\tPUNCT\t.\t_\t5\tpunct\t_\t_\n")[0]
    (move,) = find_moves(source, "en")
    assert move.text == "He moved to Paris in 1990." and "," not in [t.text for t in move.tree.tokens]
    (back,) = find_moves(move.tree, "en")  # fronting again restores the original sentence
    assert back.text == source.text


def test_capitals_follow_the_new_first_word_but_names_keep_theirs():
    de = {m.text for t in gold("de") for m in find_moves(t, "de")}
    assert "Der Besitzer und die Fahrschule sind einfach spitze." in de  # Die -> die, der -> Der
    assert "Heute war ich da." in de  # Ich -> ich
    fr = {m.text for t in gold("fr") for m in find_moves(t, "fr")}
    assert "Marilyn Monroe était âgée d'un an en 1927." in fr  # PROPN first, "En" -> "en"


def test_multiword_tokens_move_whole():
    de = next(t for t in gold("de") if t.text.startswith("Im Mai"))
    (move,) = find_moves(de, "de")
    assert "im Mai" in move.text and "zum 67." in move.text
    words_of_im = [t for t in move.tree.tokens if t.text.casefold() in ("in", "dem")][:2]
    assert words_of_im[0].start_char == words_of_im[1].start_char  # "im" = in + dem, one span
    s = Sent(de)  # cutting "Im" (in + dem) apart is refused
    order = [2] + [1] + list(range(3, s.n + 1))
    assert rewrite(s, "de", order) is None


def test_a_parser_split_inside_an_eojeol_is_never_cut():
    # A small parser may split one eojeol ("Retzius는" -> "Ret" + "zius는"); a move that would
    # separate the two halves must not happen.
    tree = read_conllu_text(
        "# text = Retzius는 스톡홀름에서 태어났다.\n"
        "1\tRet\tRet\tPROPN\tSL\t_\t4\tnsubj\t_\tSpaceAfter=No\n"
        "2\tzius는\tzius+는\tNOUN\tSL+JX\t_\t4\tdislocated\t_\t_\n"
        "3\t스톡홀름에서\t스톡홀름+에서\tPROPN\tNNP+JKB\t_\t4\tobl\t_\t_\n"
        "4\t태어났다\t태어나+았+다\tVERB\tVV+EP+EF\t_\t0\troot\t_\tSpaceAfter=No\n"
        "5\t.\t.\tPUNCT\tSF\t_\t4\tpunct\t_\t_\n")[0]
    assert tree.text == "Retzius는 스톡홀름에서 태어났다."
    assert find_moves(tree, "ko") == []
    s = Sent(tree)
    assert rewrite(s, "ko", [1, 3, 2, 4, 5]) is None  # would glue/cut inside "Retzius는"


def test_guards_against_real_parser_errors():
    """Trees the shipped parsers made for PAWS-X sentences, each with a known error (see ``why``);
    the guard must refuse the move the error would otherwise allow."""
    import json

    from robustbench_xl.parsing.trees import ParsedSentence

    cases = json.loads((FIXTURES / "parser_outputs.json").read_text(encoding="utf-8"))
    assert len(cases) == 9
    for case in cases:
        tree, lang = ParsedSentence.from_json(case["tree"]), case["lang"]
        moves = find_moves(tree, lang)
        for move in moves:
            assert problems(tree, move, lang) == [], (case["why"], move.text)
            for bad in case["forbidden"]:
                assert bad not in move.text, case["why"]


def test_unusable_trees_give_no_moves():
    from robustbench_xl.parsing.trees import ParsedSentence

    assert find_moves(ParsedSentence.skipped("x", "empty text"), "en") == []
    merged = gold("en")[0]
    assert find_moves(ParsedSentence(merged.text, merged.tokens, n_sentences=2), "en") == []


# -- the TextAttack transformation, on gold trees ----------------------------------------------
def _pair(lang: str, tree):
    return MultilingualAttackedText.from_pair("Unrelated first sentence.", tree.text, langs=("en", lang))


def _sentence2_only():
    ta = import_textattack()
    return [ta.constraints.pre_transformation.InputColumnModification(["sentence1", "sentence2"], {"sentence1"})]


@pytest.mark.parametrize("lang", LANGS)
def test_transformation_candidates_are_the_moves_of_sentence2(lang):
    trees = gold(lang)
    swap = SyntaxSwap(lang, trees={t.text: t for t in trees})
    for tree in trees:
        text = _pair(lang, tree)
        candidates = swap(text, pre_transformation_constraints=_sentence2_only())
        got = {c._text_input["sentence2"] for c in candidates}
        assert got == {m for _, m in GOLDEN[lang][tree.text]}
        for c in candidates:
            assert c._text_input["sentence1"] == "Unrelated first sentence."
            state = c.attack_attrs[TREES_ATTR]["sentence2"]
            assert state.tree.text == c._text_input["sentence2"] and len(state.moves) == 1
    assert swap.parse_calls == 0  # every tree was given: nothing parsed


def test_second_moves_come_from_the_carried_tree_and_stop_at_the_bound():
    tree = next(t for t in gold("ja") if t.text.startswith("なお"))
    swap = SyntaxSwap("ja", trees={tree.text: tree}, max_moves=2)
    text = _pair("ja", tree)
    pre = _sentence2_only()
    first = swap(text, pre_transformation_constraints=pre)
    assert len(first) == 4
    grandchildren = 0
    for child in first:
        second = swap(child, pre_transformation_constraints=pre)
        grandchildren += len(second)
        texts = {c._text_input["sentence2"] for c in second}
        assert tree.text not in texts  # a move never brings back an earlier version
        for grandchild in second:
            state = grandchild.attack_attrs[TREES_ATTR]["sentence2"]
            assert len(state.moves) == 2 and triples(state.tree) == triples(tree)
            assert swap(grandchild, pre_transformation_constraints=pre) == []  # max_moves reached
    assert grandchildren >= 4 and swap.parse_calls == 0


def test_all_moved_words_must_be_editable_and_edited_texts_are_not_reparsed():
    tree = next(t for t in gold("en") if t.text.startswith("Call me"))
    swap = SyntaxSwap("en", trees={tree.text: tree})
    text = _pair("en", tree)
    column = list(text.word_indices_of_column("sentence2"))
    assert swap(text, indices_to_modify=column[1:]) == []  # "Call" may not move
    assert len(swap(text, indices_to_modify=column)) == 1
    edited = text.replace_word_at_index(column[-1], "tim")  # edited by another transformation
    assert swap(edited, indices_to_modify=column) == [] and swap.parse_calls == 0


def test_bad_parameters_are_one_line_errors():
    tree = gold("en")[0]
    with pytest.raises(RbxError, match="unknown move"):
        SyntaxSwap("en", moves=["teleport"], trees={tree.text: tree})
    with pytest.raises(RbxError, match="at least 1"):
        SyntaxSwap("en", max_moves=0, trees={tree.text: tree})
    with pytest.raises(RbxError, match="holds no parser for 'en'"):
        SyntaxSwap("en", parser_dir=str(FIXTURES))  # checked when built, not mid-attack
