"""code-switch: bundled dictionaries, golden outputs, invariants (every replacement a dictionary pair,
numbers and names untouched), user dictionaries, target languages, and an end-to-end attack."""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "fixtures" / "code_switch_pivot"))
from substitution_helpers import LANGS, check_golden, edited_sentence2, fixture_pairs

from robustbench_xl.errors import RbxError
from robustbench_xl.resources.dictionaries import BUNDLED_DIR, bundled_pairs, load_dictionary
from robustbench_xl.resources.lexicon import korean_stem, match_keys
from robustbench_xl.transformations.code_switch import CodeSwitch


@pytest.fixture(scope="module")
def switchers():
    return {lang: CodeSwitch(lang, seed=0) for lang in LANGS}


def _changed(text, candidate) -> tuple[int, str, str]:
    (index,) = candidate.attack_attrs["newly_modified_indices"]
    original_index = index  # one word replaced by one word: indices do not move
    return index, text.words[original_index], candidate.words[index]


def test_bundled_files_match_manifest():
    manifest = json.loads((BUNDLED_DIR.parent / "manifest.json").read_text())
    assert len(bundled_pairs()) == 12
    for name, info in manifest["muse"].items():
        source, target = name.split("-")
        dictionary = load_dictionary(source, target)
        assert len(dictionary) == info["entries"] and dictionary.n_sources == info["sources"]
        assert (BUNDLED_DIR / f"{name}.tsv.gz").stat().st_size == info["bytes"] < 100_000


def test_bundled_dictionaries_hold_no_identity_digit_or_function_word_pairs():
    from robustbench_xl.resources.lexicon import is_english_stopword

    for source, target in bundled_pairs():
        for s, t in load_dictionary(source, target).pairs():
            assert s != t.casefold() and not any(ch.isdigit() for ch in s + t)
            assert not is_english_stopword(s if source == "en" else t)


def test_golden_outputs(switchers):
    produced = {}
    for lang in LANGS:
        for row in fixture_pairs(lang):
            _, candidates = edited_sentence2(switchers[lang], lang, row)
            produced[f"{lang}/{row['id']}"] = [c._text_input["sentence2"] for c in candidates]
    assert sum(map(len, produced.values())) > 100
    check_golden("code_switch", produced)


@pytest.mark.parametrize("lang", LANGS)
def test_every_replacement_is_a_dictionary_pair(switchers, lang):
    switcher = switchers[lang]
    dictionary = load_dictionary(lang, switcher.target_lang)
    seen = 0
    for row in fixture_pairs(lang):
        text, candidates = edited_sentence2(switcher, lang, row)
        assert all(c._text_input["sentence1"] == row["sentence1"] for c in candidates)
        for candidate in candidates:
            _, before, after = _changed(text, candidate)
            keys = list(match_keys(lang, before))
            split = korean_stem(before) if lang == "ko" else None
            if split and after.endswith(split.rest) and split.rest:
                keys.append(split.stem)
                stripped = after[: len(after) - len(split.rest)]
            else:
                stripped = after
            assert any(dictionary.has_pair(k, stripped) for k in keys), (before, after)
            seen += 1
    assert seen > 0


@pytest.mark.parametrize("lang", LANGS)
def test_numbers_and_names_are_never_switched(switchers, lang):
    for row in fixture_pairs(lang):
        text, candidates = edited_sentence2(switchers[lang], lang, row)
        for candidate in candidates:
            _, before, _ = _changed(text, candidate)
            assert not any(ch.isdigit() for ch in before)
            if lang in ("ko", "ja", "zh"):
                assert not any("a" <= ch.lower() <= "z" for ch in before)  # Latin-script names stay
            elif lang != "de":
                assert before[:1].islower() or before == text.words_per_input[1][0]


def test_names_by_analyser_and_self_translations_are_skipped(tmp_path):
    # A user dictionary in MUSE format (space-separated) with a name, a self-translation and a real pair.
    path = tmp_path / "ja-en.txt"
    path.write_text("東京 tokyo\nホテル hotel\nホテル inn\n映画 film\n映画 movie\n", encoding="utf-8")
    switcher = CodeSwitch("ja", dictionary=str(path))
    assert switcher.replacements("東京") == []  # a proper noun for SudachiPy
    assert sorted(switcher.replacements("映画")) == ["film", "movie"]
    path.write_text("hotel hotel\nhotel inn\nstadt city\n", encoding="utf-8")
    switcher = CodeSwitch("de", dictionary=str(path))
    assert switcher.replacements("hotel") == []  # maps to itself: a loanword or a name
    assert switcher.replacements("Stadt") == ["city"]


def test_function_words_and_their_homographs_are_skipped(switchers):
    assert switchers["fr"].replacements("est") == []  # "is" or "east"
    assert switchers["en"].replacements("the") == []
    assert switchers["de"].replacements("Stadt") and switchers["de"].replacements("der") == []


def test_korean_nouns_keep_their_particles(switchers):
    outputs = switchers["ko"].replacements("남편은")
    assert outputs and all(o.endswith("은") and o[:-1].isascii() for o in outputs)
    assert load_dictionary("ko", "en").has_pair("남편", outputs[0][:-1])
    assert korean_stem("결혼했습니다").rest == "했습니다"
    assert all(o.endswith("했습니다") for o in switchers["ko"].replacements("결혼했습니다"))


def test_sentence_initial_capital_carries_over(switchers):
    first = switchers["es"].replacements("Película", first_in_sentence=True)
    assert first and all(o[0].isupper() for o in first)
    assert all(o[0].islower() for o in switchers["es"].replacements("película"))


def test_target_languages(switchers, tmp_path):
    assert switchers["en"].target_lang == "es" and switchers["ko"].target_lang == "en"
    with pytest.raises(RbxError, match="must differ"):
        CodeSwitch("de", target_lang="de")
    composed = load_dictionary("de", "fr")
    assert composed.origin == "composed:de-en-fr" and len(composed) > 500
    to_en, from_en = load_dictionary("de", "en"), load_dictionary("en", "fr")
    fr_en, en_de = load_dictionary("fr", "en"), load_dictionary("en", "de")
    for word, translation in list(composed.pairs())[:300]:
        pivots = [e for e in to_en.translations(word) if from_en.has_pair(e, translation)]
        assert any(fr_en.has_pair(translation, e) or en_de.has_pair(e, word) for e in pivots), (word, translation)
    switcher = CodeSwitch("de", target_lang="fr")
    assert switcher.replacements("Stadt") and all(composed.has_pair("stadt", o) for o in switcher.replacements("Stadt"))


def test_user_dictionary_files(tmp_path):
    gz = tmp_path / "de-en.txt.gz"
    with gzip.open(gz, "wt", encoding="utf-8") as handle:
        handle.write("stadt\tcity\n# a comment line\nstadt town\nzwei two words\n")
    dictionary = load_dictionary("de", "en", gz)
    assert dictionary.translations("Stadt") == ("city", "town") and len(dictionary) == 2
    with pytest.raises(RbxError, match="not found"):
        load_dictionary("de", "en", tmp_path / "missing.txt")
    (tmp_path / "empty.txt").write_text("only-one-field\n")
    with pytest.raises(RbxError, match="no 'source target' lines"):
        load_dictionary("de", "en", tmp_path / "empty.txt")
    with pytest.raises(RbxError, match="two languages"):
        load_dictionary("en", "en")


def test_candidate_sampling_is_seeded():
    a, b, c = CodeSwitch("en", seed=0, max_candidates=2), CodeSwitch("en", seed=0, max_candidates=2), \
        CodeSwitch("en", seed=5, max_candidates=2)
    words = ["started", "private", "lessons", "recommended", "treatment", "found", "recorded"]
    assert [a.replacements(w) for w in words] == [b.replacements(w) for w in words]
    assert all(len(a.replacements(w)) <= 2 for w in words)
    assert [a.replacements(w) for w in words] != [c.replacements(w) for w in words]


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["ko", "de"])
def test_attack_end_to_end(tmp_path, xlmr_checkpoint, lang):
    from robustbench_xl.runner import AttackConfig, attack

    summary = attack(AttackConfig(lang=lang, recipe="code-switch", model=str(xlmr_checkpoint), n=3, seed=0,
                                  query_budget=40, out=str(tmp_path)), progress=False)
    assert summary["complete"] and summary["recipe"] == {"name": "code-switch", "version": 2}
    counts = summary["counts"]
    assert counts["succeeded"] + counts["failed"] + counts["skipped"] == 3
    records = [json.loads(line) for line in
               (tmp_path / "tiny-xlmr" / lang / "code-switch" / "examples.jsonl").read_text().splitlines()]
    dictionary = load_dictionary(lang, "en")
    for r in records:
        assert r["queries"] <= 40
        if r["status"] == "succeeded":
            assert r["perturbed"]["sentence1"] == r["original"]["sentence1"]
            for before, after in r["edits"]:
                assert any(dictionary.has_pair(k, after) for k in match_keys(lang, before)) or lang == "ko"


def test_target_lang_option_derives_a_recipe_of_its_own():
    from robustbench_xl.recipes import load_cell_recipe, load_recipe

    shipped = load_recipe("code-switch")
    to_ja = load_cell_recipe("code-switch", "ja")
    assert to_ja.name == "code-switch-to-ja" and to_ja.version == shipped.version
    assert to_ja.file_hash != shipped.file_hash and "ja" not in to_ja.languages
    assert to_ja.transformation["params"]["target_lang"] == "ja"
    assert shipped.transformation["params"]["target_lang"] == "auto"  # the shipped recipe is untouched
    assert load_cell_recipe("code-switch", None) == shipped
    composite = load_cell_recipe("all", "fr")
    switched = [p for p in composite.transformation["parts"] if p["type"] == "code-switch"]
    assert switched and all(p["params"]["target_lang"] == "fr" for p in switched)
    assert all("target_lang" not in (p.get("params") or {})
               for p in composite.transformation["parts"] if p["type"] != "code-switch")
    assert composite.build_transformation("de", 0) is not None
    with pytest.raises(RbxError, match="does not support 'ja'"):
        to_ja.check_language("ja")
    with pytest.raises(RbxError, match="has none"):
        load_cell_recipe("char-noise", "ja")
    with pytest.raises(RbxError, match="unknown language 'xx'"):
        load_cell_recipe("code-switch", "xx")


def test_perturb_with_target_lang_writes_dictionary_translations():
    from robustbench_xl.perturb import perturb

    text = "Die Stadt liegt im Norden des Landes und wurde später gegründet."
    results = perturb(text, "code-switch", "de", n=5, seed=0, target_lang="fr")
    composed = load_dictionary("de", "fr")
    assert results
    for result in results:
        for before, after in result.edits:
            assert any(composed.has_pair(k, after) for k in match_keys("de", before)), (before, after)


@pytest.mark.slow
def test_attack_with_target_lang_has_its_own_results_folder(tmp_path, xlmr_checkpoint):
    from robustbench_xl.runner import AttackConfig, attack

    common = dict(lang="de", model=str(xlmr_checkpoint), n=3, seed=0, query_budget=30, out=str(tmp_path))
    to_fr = attack(AttackConfig(recipe="code-switch", target_lang="fr", **common), progress=False)
    to_en = attack(AttackConfig(recipe="code-switch", **common), progress=False)
    assert to_fr["recipe"]["name"] == "code-switch-to-fr" and to_en["recipe"]["name"] == "code-switch"
    assert to_fr["config_hash"] != to_en["config_hash"]
    folder = tmp_path / "tiny-xlmr" / "de"
    assert sorted(p.name for p in folder.iterdir()) == ["code-switch", "code-switch-to-fr"]
    composed = load_dictionary("de", "fr")
    for line in (folder / "code-switch-to-fr" / "examples.jsonl").read_text().splitlines():
        record = json.loads(line)
        for before, after in record["edits"] or []:
            assert any(composed.has_pair(k, after) for k in match_keys("de", before))
