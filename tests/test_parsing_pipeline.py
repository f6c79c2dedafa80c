"""Shipped parsers load offline and parse real PAWS-X sentences; bad input gives errors or skips."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from robustbench_xl.errors import RbxError
from robustbench_xl.parsing import get_pipeline, locate_parser, parse_texts
from robustbench_xl.parsing.pipelines import META_FILE, SHIPPED_DIR
from robustbench_xl.parsing.trees import tree_problem



@pytest.fixture(autouse=True)
def offline_home(tmp_path, monkeypatch):
    monkeypatch.setenv("RBX_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("STANZA_RESOURCES_DIR", str(tmp_path / "stanza_resources"))


def _pawsx_sentence(lang: str) -> str:
    from robustbench_xl.data import load_examples

    return load_examples("pawsx", lang, "dev", n=1, seed=0).examples[0].sentence1


SHIPPED_LANGS = ("en", "de", "es", "fr", "ja", "ko", "zh")  # all seven PAWS-X languages


def test_every_shipped_parser_is_found_with_attribution():
    for lang in SHIPPED_LANGS:
        source = locate_parser(lang)
        assert source.origin == "shipped" and source.path == SHIPPED_DIR / lang
        meta = (source.path / META_FILE).read_text(encoding="utf-8")
        assert "CC BY-SA 4.0" in meta and "ud_commit" in meta
        size = sum(f.stat().st_size for f in source.path.iterdir())
        assert size < 6_000_000, (lang, size)
    assert (SHIPPED_DIR / "ATTRIBUTION.md").is_file()


@pytest.mark.parametrize("lang", ["ko", "ja"])
def test_shipped_pipeline_parses_a_real_pawsx_sentence(lang):
    nlp = get_pipeline(lang)
    assert get_pipeline(lang) is nlp  # built once per process
    text = _pawsx_sentence(lang)
    (tree,) = parse_texts(lang, [text])
    assert tree.ok and tree.text == text and len(tree.tokens) >= 3
    assert tree_problem([t.head for t in tree.tokens]) is None
    for token in tree.tokens:
        assert token.upos and token.deprel
        assert 0 <= token.start_char < token.end_char <= len(text)
        assert text[token.start_char:token.end_char].strip()


def test_several_sentences_are_merged_and_empty_text_is_skipped():
    one = parse_texts("en", ["He met Dr. Smith in St. Louis. Then he left."])[0]
    assert one.ok and not one.merged  # no sentence splitting inside a text
    text = "The cat sleeps.\n\nThe dog barks loudly.\n\nBirds sing."  # paragraphs are sentences
    merged, empty, blank = parse_texts("en", [text, "", "   "])
    assert merged.ok and merged.merged and merged.n_sentences >= 2
    assert tree_problem([t.head for t in merged.tokens]) is None
    assert sum(t.deprel == "parataxis" for t in merged.tokens) >= merged.n_sentences - 1
    assert not empty.ok and empty.skip_reason == "empty text" and blank.skip_reason == "empty text"


def test_language_without_a_parser_names_the_commands_that_make_one():
    with pytest.raises(RbxError) as error:
        get_pipeline("eu")
    message = str(error.value)
    assert "rbx parsers train --lang eu" in message and "--download" in message
    with pytest.raises(RbxError, match="not a string"):
        parse_texts("en", ["ok", None])


def test_corrupt_or_mismatched_parser_folders_are_clear_errors(tmp_path):
    broken = tmp_path / "ko"
    shutil.copytree(SHIPPED_DIR / "ko", broken)
    (broken / "depparse.pt").write_bytes(b"not a torch file")
    with pytest.raises(RbxError, match=r"cannot load the parser in .*retrain"):
        get_pipeline("ko", parser_dir=broken)
    (broken / "pos.pt").unlink()
    with pytest.raises(RbxError, match="pos.pt is missing|missing pos.pt"):
        parse_texts("ko", ["안녕하세요"], parser_dir=broken)
    (broken / META_FILE).write_text("{not json", encoding="utf-8")
    with pytest.raises(RbxError, match="corrupt parser folder"):
        get_pipeline("ko", parser_dir=broken)
    with pytest.raises(RbxError, match="for language 'ko', not 'ja'"):
        get_pipeline("ja", parser_dir=SHIPPED_DIR / "ko")
    with pytest.raises(RbxError, match="holds no parser"):
        empty = tmp_path / "empty"
        empty.mkdir()
        get_pipeline("ko", parser_dir=empty)
    with pytest.raises(RbxError, match="not found"):
        get_pipeline("ko", parser_dir=tmp_path / "nowhere")


def test_explicit_parent_folder_and_user_folder_are_found(tmp_path, monkeypatch):
    parent = tmp_path / "parsers"
    shutil.copytree(SHIPPED_DIR / "de", parent / "de")
    assert locate_parser("de", parser_dir=parent).path == parent / "de"
    user = Path(tmp_path / "home" / "parsers" / "de")
    shutil.copytree(SHIPPED_DIR / "de", user)
    source = locate_parser("de")
    assert source.origin == "user" and source.identity == locate_parser("de", parser_dir=parent).identity
