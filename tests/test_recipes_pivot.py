"""pivot-synonym: golden outputs, the evidence invariant (every replacement shares enough pivots or a
small synset plus a pivot), the refusals that protect the label, Korean particles, and an attack."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "fixtures" / "code_switch_pivot"))
from substitution_helpers import LANGS, check_golden, edited_sentence2, fixture_pairs

from robustbench_xl.resources.lexicon import fit_korean_particle, korean_stem
from robustbench_xl.resources.pivots import PivotSynonyms, pivot_synonyms
from robustbench_xl.resources.wordnet import load_wordnet
from robustbench_xl.transformations.pivot_synonym import PivotSynonym


@pytest.fixture(scope="module")
def swappers():
    return {lang: PivotSynonym(lang, seed=0) for lang in LANGS}


def _evidence_ok(index: PivotSynonyms, word: str, other: str) -> bool:
    """Recomputes the acceptance rule from the raw evidence, independently of ``synonyms()``."""
    shared = index.pivots_of(word) & index.pivots_of(other)
    if index.lang == "en":
        enough = len({p.split(":")[0] for p in shared}) >= 2
    else:
        enough = len(shared) >= 2
    if enough:
        return True
    wordnet = load_wordnet(index.lang) if index.lang != "en" else None
    small_synsets = [s for s in (wordnet.synsets(word) if wordnet else ())
                     if len(wordnet.members[s]) <= 4 and other.casefold() in {m.casefold() for m in wordnet.members[s]}]
    return bool(small_synsets) and len(shared) >= 1


def test_golden_outputs(swappers):
    produced = {}
    for lang in LANGS:
        for row in fixture_pairs(lang):
            _, candidates = edited_sentence2(swappers[lang], lang, row)
            produced[f"{lang}/{row['id']}"] = [c._text_input["sentence2"] for c in candidates]
    assert sum(map(len, produced.values())) >= 10
    check_golden("pivot_synonym", produced)


@pytest.mark.parametrize("lang", LANGS)
def test_every_replacement_shares_enough_pivots(swappers, lang):
    from robustbench_xl.data import load_examples

    swapper = swappers[lang]
    checked = 0
    for example in load_examples("pawsx", lang, n=40, seed=3):
        row = {"sentence1": example.sentence1, "sentence2": example.sentence2}
        text, candidates = edited_sentence2(swapper, lang, row)
        for candidate in candidates:
            (i,) = candidate.attack_attrs["newly_modified_indices"]
            before, after = text.words[i], candidate.words[i]
            source, replacement = before.casefold(), after.casefold()
            split = korean_stem(before) if lang == "ko" else None
            if lang == "ko" and not swapper.index.synonyms(source) and split:
                source = split.stem
                replacement = next(s.synonym.word for s in swapper.substitutions(before) if s.replacement == after)
            assert _evidence_ok(swapper.index, source, replacement), (lang, before, after)
            checked += 1
    assert checked >= 3


def test_refusals_that_protect_the_label():
    fr, de, en = pivot_synonyms("fr"), pivot_synonyms("de"), pivot_synonyms("en")
    assert "fil" not in {s.word for s in fr.synonyms("fils")}  # sons vs wire: one sense each side
    assert "erwachsen" not in {s.word.casefold() for s in de.synonyms("groß")}  # a synset without a pivot
    assert {s.word for s in en.synonyms("town")} & {"city", "village"}
    assert not {s.word for s in en.synonyms("town")} & {"cities", "towns"}  # number changes
    assert en.synonyms("the") == () and en.synonyms("however") is not None
    for lang in ("de", "es", "fr"):
        index = pivot_synonyms(lang)
        for word in ("haus", "casa", "maison", "stadt", "ciudad", "ville"):
            for synonym in index.synonyms(word):
                assert synonym.word.casefold() != word and not any(ch.isdigit() for ch in synonym.word)


def test_broad_pivots_do_not_count():
    narrow, broad = PivotSynonyms("en", max_fanout=8), PivotSynonyms("en", max_fanout=1000)
    assert len(broad.pivots_of("said")) >= len(narrow.pivots_of("said"))
    strict = PivotSynonyms("en", min_pivots=4)
    assert len(strict.synonyms("began")) <= len(narrow.synonyms("began"))


def test_german_nouns_do_not_replace_lower_case_words(swappers):
    for word in ("begann", "wichtig", "groß", "später", "bekannt"):
        assert all(not r[:1].isupper() for r in swappers["de"].replacements(word))
    assert all(r[:1].isupper() for r in swappers["de"].replacements("Anfang"))


def test_korean_particles_fit_the_new_noun(swappers):
    assert fit_korean_particle("학원", "는", "JX") == "은"
    assert fit_korean_particle("학교", "은", "JX") == "는"
    assert fit_korean_particle("서울", "으로", "JKB") == "로"
    assert fit_korean_particle("시내", "으로", "JKB") == "로"
    assert fit_korean_particle("도시", "를", "JKO") == "를"
    assert fit_korean_particle("husband", "은", "JX") == "은"  # a foreign word: left as written
    out = swappers["ko"].replacements("도시로")
    assert out and all(o.endswith("로") for o in out)


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "ko"])
def test_attack_end_to_end(tmp_path, xlmr_checkpoint, lang):
    from robustbench_xl.runner import AttackConfig, attack

    summary = attack(AttackConfig(lang=lang, recipe="pivot-synonym", model=str(xlmr_checkpoint), n=3, seed=0,
                                  query_budget=40, out=str(tmp_path)), progress=False)
    assert summary["complete"] and summary["recipe"] == {"name": "pivot-synonym", "version": 1}
    counts = summary["counts"]
    assert counts["succeeded"] + counts["failed"] + counts["skipped"] == 3
    cell = tmp_path / "tiny-xlmr" / lang / "pivot-synonym"
    for line in (cell / "examples.jsonl").read_text().splitlines():
        record = json.loads(line)
        assert record["queries"] <= 40
        if record["status"] == "succeeded":
            assert record["perturbed"]["sentence1"] == record["original"]["sentence1"]
