"""The language registry (``lang/languages.py``) is the one place per-language facts live.

Checks: every registered language has every fact and each fact names something the components
have; no module restates a fact by testing language codes; the leaderboard, the CLI and the text
components read the registry at call time, so a language registered at runtime flows through.
"""

from __future__ import annotations

import ast
import dataclasses
import json
import re
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from robustbench_xl.errors import RbxError
from robustbench_xl.lang import (
    LANGUAGES,
    Language,
    ParserFacts,
    get_language,
    language_codes,
    languages,
    low_resource_codes,
    segment,
    validate_lang,
)
from robustbench_xl.lang.languages import _latin

PACKAGE = Path(__file__).resolve().parents[1] / "robustbench_xl"
CODES = frozenset(LANGUAGES)
# Where codes may be written as facts: the registry itself. Data tables keyed by code (a keyboard's
# accents, a language's adverbs) are dict keys, which the scan below does not flag.
ALLOWED = {PACKAGE / "lang" / "languages.py"}
SYNTAX_FAMILIES = {"case-marked", "chinese", "german", "latin"}

# The Italian entry of README.md's "Adding a language" (Latin script, spaced, QWERTY).
ITALIAN = _latin("it", "Italian", 7, "qwerty", "UD_Italian-ISDT/it_isdt", grammatical_gender=True)


# -- every fact, resolvable ------------------------------------------------------------------------
def test_the_seven_pawsx_languages_in_display_order_with_ja_ko_zh_low_resource():
    assert language_codes() == ["en", "de", "es", "fr", "ja", "ko", "zh"]
    assert low_resource_codes() == ["ja", "ko", "zh"]
    assert [lang.name for lang in languages()] == ["English", "German", "Spanish", "French", "Japanese",
                                                    "Korean", "Chinese"]
    assert len({lang.order for lang in languages()}) == len(LANGUAGES)


@pytest.mark.parametrize("code", sorted(LANGUAGES))
def test_every_language_has_every_fact_and_each_names_a_real_component(code):
    from robustbench_xl.constraints.protected_words import PROPER_NOUN_TESTS
    from robustbench_xl.lang.keyboards import LAYOUTS
    from robustbench_xl.lang.segment import SEGMENTERS
    from robustbench_xl.resources.lexicon import ANALYSER_WORD_CLASSES, NAME_OR_NUMBER_TESTS
    from robustbench_xl.transformations.char_noise import SCRIPT_EDITORS
    from robustbench_xl.transformations.syntax.moves_cjk import GRAMMARS

    lang = LANGUAGES[code]
    assert lang.code == code and lang.name and isinstance(lang.order, int)
    for field in dataclasses.fields(Language):
        value = getattr(lang, field.name)
        assert value is not None and value != "", (code, field.name)
    assert isinstance(lang.spaced, bool) and isinstance(lang.low_resource, bool)
    assert lang.script in SCRIPT_EDITORS
    assert lang.segmenter in SEGMENTERS
    if lang.analyser == "ud":  # word classes from the bundled UD table of the parser's treebank
        assert (PACKAGE / "resources" / "pos" / f"{code}.tsv.gz").is_file()
    else:
        assert lang.analyser in NAME_OR_NUMBER_TESTS and lang.analyser in ANALYSER_WORD_CLASSES
        assert lang.analyser in PROPER_NOUN_TESTS
    assert lang.keyboard in LAYOUTS or not lang.latin
    assert lang.syntax in SYNTAX_FAMILIES and (lang.syntax != "case-marked" or code in GRAMMARS)


@pytest.mark.parametrize("code", sorted(LANGUAGES))
def test_parser_facts_match_the_shipped_parser(code):
    meta = json.loads((PACKAGE / "parsing" / "models" / code / "rbx_parser.json").read_text(encoding="utf-8"))
    folder, stem = get_language(code).parser.treebank.split("/")
    assert meta["lang"] == code
    assert meta["treebanks"][0]["treebank"] == folder and meta["treebanks"][0]["file"].startswith(stem + "-ud-")


def test_unspaced_languages_train_the_parser_tokenizer_with_a_dictionary():
    assert [lang.code for lang in languages() if lang.parser.dictionary] == \
           [lang.code for lang in languages() if not lang.spaced] == ["ja", "zh"]


# -- no module restates a fact ---------------------------------------------------------------------
def _code_literals(node: ast.AST) -> list[str] | None:
    """The codes in a string literal or a tuple/list/set of literals, else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)) and node.elts and \
            all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts):
        return [e.value for e in node.elts]
    return None


def _restated_facts(path: Path) -> list[str]:
    """Code comparisons (``lang == "ko"``, ``lang in ("ja", "zh")``) and collections of two or more
    codes (``LOW_RESOURCE = ("ja", "ko", "zh")``) in one module."""
    source = path.read_text(encoding="utf-8")
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            literals = [_code_literals(side) for side in sides]
            others = " ".join(ast.get_source_segment(source, s) or "" for s, lit in zip(sides, literals) if lit is None)
            for lit in literals:
                codes = [c for c in lit or [] if c in CODES]
                # A literal compared with something about a language, or a tuple made only of codes.
                if codes and ("lang" in others or (len(lit) > 1 and len(codes) == len(lit))):
                    found.append(f"{path.name}:{node.lineno}: {ast.get_source_segment(source, node)}")
        elif isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            lit = _code_literals(node)
            if lit and len(lit) > 1 and all(c in CODES for c in lit):
                found.append(f"{path.name}:{node.lineno}: {ast.get_source_segment(source, node)}")
    return sorted(set(found))


def test_no_module_tests_language_codes_or_lists_them():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "_vendor" not in path.parts and path not in ALLOWED:
            found += _restated_facts(path)
    assert found == [], "read these facts from lang.languages instead:\n" + "\n".join(found)


def test_the_scan_catches_the_patterns_it_is_meant_to(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text('LOW = ("ja", "ko", "zh")\nif lang in ("ja", "zh"): pass\nif self.lang == "ko": pass\n'
                   'ok = {"de": 1, "fr": 2}\nif word in ("de", "del", "que"): pass\n', encoding="utf-8")
    assert [line.split(":")[1] for line in _restated_facts(bad)] == ["1", "2", "2", "3"]


def test_the_page_script_holds_no_language_list():
    for name in ("page.js", "comparisons.js"):
        script = (PACKAGE / "leaderboard" / "templates" / name).read_text(encoding="utf-8")
        codes = "|".join(sorted(CODES))
        assert not re.search(rf'\[\s*"({codes})"\s*,', script), name


# -- the leaderboard reads the registry ------------------------------------------------------------
def test_the_page_gets_display_order_from_embedded_data_and_leaderboard_json_is_unchanged():
    from robustbench_xl.leaderboard.render_html import page_data, render_html

    data = {"settings": {}, "cells": [], "low_resource_languages": ["ja", "ko", "zh"]}
    assert [lang["code"] for lang in page_data(data)["languages"]] == language_codes()
    assert '"languages":[{"code":"en","name":"English","low_resource":false}' in render_html(data)
    assert "languages" not in data  # the caller's data (what leaderboard.json holds) is not changed


@pytest.fixture(scope="module")
def bench(tmp_path_factory):
    sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "leaderboard"))
    import lb_simulate as sim

    root = tmp_path_factory.mktemp("bench")
    sim.simulate_benchmark(root / "results", root / "models", langs=("en", "de", "ja"), recipes=("charswap",),
                           seeds=(1, 2), n=30)
    return root


def _pools(board) -> dict[str, list[str]]:
    return {row["lang"]: row["langs"] for row in board.pooled}


def test_low_resource_pooling_follows_the_registry(bench, monkeypatch):
    from robustbench_xl.leaderboard import compute_leaderboard

    board = compute_leaderboard(bench / "results", bench / "models", n_resamples=200)
    assert _pools(board) == {"rest": ["en", "de"]}  # ja alone: no low-resource pool
    assert board.to_json()["low_resource_languages"] == ["ja", "ko", "zh"]
    # Declare German low-resource in the registry, and nothing else: the pools follow.
    monkeypatch.setitem(LANGUAGES, "de", dataclasses.replace(LANGUAGES["de"], low_resource=True))
    board = compute_leaderboard(bench / "results", bench / "models", n_resamples=200)
    assert _pools(board) == {"low-resource": ["de", "ja"]}
    assert board.to_json()["low_resource_languages"] == ["de", "ja", "ko", "zh"]
    assert {c["lang"] for c in board.cells if c["low_resource"]} == {"de", "ja"}


# -- a language registered at runtime flows through ------------------------------------------------
@pytest.fixture
def italian(monkeypatch):
    monkeypatch.setitem(LANGUAGES, "it", ITALIAN)
    return ITALIAN


def test_a_registered_language_is_valid_everywhere_codes_are_checked(italian):
    from robustbench_xl.leaderboard.build import lang_key

    assert validate_lang(" IT ") == "it" and language_codes()[-1] == "it"
    with pytest.raises(RbxError, match="en, de, es, fr, ja, ko, zh, it"):
        validate_lang("xx")
    assert sorted(["zh", "aa", "it", "en"], key=lang_key) == ["en", "zh", "it", "aa"]  # unknown codes last


def test_the_readme_example_is_the_entry_tested_here():
    readme = (PACKAGE.parent / "README.md").read_text(encoding="utf-8")
    assert '"it": _latin("it", "Italian", 7, "qwerty", "UD_Italian-ISDT/it_isdt", grammatical_gender=True),' in readme
    assert ITALIAN == Language("it", "Italian", 7, "latin", True, False, "qwerty", "latin-regex", "ud",
                               ParserFacts("UD_Italian-ISDT/it_isdt"), "latin", grammatical_gender=True)


def test_victim_cards_evaluate_the_registered_languages_that_have_bundled_data(italian):
    from robustbench_xl.data import bundled_languages

    assert bundled_languages() == ["en", "de", "es", "fr", "ja", "ko", "zh"]  # no Italian PAWS-X ships


def test_the_parsers_cli_lists_a_registered_language(italian):
    from robustbench_xl.cli.parsers import app

    result = CliRunner().invoke(app, ["list"])
    assert result.exit_code == 0
    assert [line.split("\t")[0] for line in result.output.splitlines()] == language_codes()
    assert result.output.splitlines()[-1].startswith("it\tnone\t")  # no Italian parser ships


def test_a_registered_latin_language_gets_words_typos_and_name_protection(italian):
    from robustbench_xl.constraints.protected_words import is_protected
    from robustbench_xl.lang.keyboards import layout_of
    from robustbench_xl.transformations.char_noise import CharNoise

    text = "L'uomo è arrivato a Milano nel 1983."
    assert [w.text for w in segment("it", text)] == ["L'uomo", "è", "arrivato", "a", "Milano", "nel", "1983"]
    assert layout_of("it") == "qwerty"
    edits = CharNoise("it", seed=0, max_candidates=50)._get_replacement_words("arrivato")
    assert "arrivaro" in edits or "arricato" in edits  # a QWERTY neighbour of t or v
    assert is_protected("Milano", "it", False) and is_protected("1983", "it", False)
    assert not is_protected("arrivato", "it", False)


def test_registry_facts_drive_the_components_not_the_codes(monkeypatch):
    """Change a fact of a shipped language and the component that reads it changes with it."""
    from robustbench_xl.lang.keyboards import neighbours

    assert neighbours("de", "z") == "ghtu"  # QWERTZ: z sits between t and u
    monkeypatch.setitem(LANGUAGES, "de", dataclasses.replace(LANGUAGES["de"], keyboard="qwerty"))
    assert neighbours("de", "z") == "asx"  # QWERTY: z is bottom-left
