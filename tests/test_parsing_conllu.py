"""CoNLL-U round trips on real UD sentences, tree validation, the merge rule (no stanza models needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from robustbench_xl.errors import RbxError
from robustbench_xl.parsing import (ParsedSentence, ParsedToken, from_stanza_document, read_conllu,
                                    read_conllu_text, to_conllu, to_stanza_document, write_conllu)
from robustbench_xl.parsing.trees import merge_sentences, tree_problem

FIXTURES = Path(__file__).parent / "fixtures" / "parsing"
SAMPLE = FIXTURES / "ud_sample_7langs.conllu"


def test_round_trip_through_conllu_text_and_stanza_document(tmp_path):
    gold = read_conllu(SAMPLE)
    assert len(gold) == 21
    assert read_conllu_text(to_conllu(gold)) == gold
    assert read_conllu(write_conllu(gold, tmp_path / "out.conllu")) == gold
    assert from_stanza_document(to_stanza_document(gold)) == gold


def test_offsets_index_the_text_and_multiword_tokens_share_a_span():
    gold = read_conllu(SAMPLE)
    mwt_words = 0
    for sentence in gold:
        for token in sentence.tokens:
            assert token.start_char is not None, (sentence.text, token)
            surface = sentence.text[token.start_char:token.end_char]
            if surface != token.text:  # a word of a multi-word token, e.g. de "zum" = "zu" + "dem"
                mwt_words += 1
                assert [t for t in sentence.tokens if t.start_char == token.start_char][1:]
    assert mwt_words >= 6
    written = to_conllu(gold)
    assert "\n6-7\tdel\t_\t" in written  # es "del" = "de" + "el" is written back as a range line


def test_text_is_rebuilt_from_forms_when_the_comment_is_missing():
    block = "1\tHallo\thallo\tINTJ\t_\t_\t0\troot\t_\tSpaceAfter=No\n2\t!\t!\tPUNCT\t_\t_\t1\tpunct\t_\t_\n"
    (sentence,) = read_conllu_text(block)
    assert sentence.text == "Hallo!"
    assert [(t.start_char, t.end_char) for t in sentence.tokens] == [(0, 5), (5, 6)]


def _edit_head(block: str, word_id: int, new_head: str) -> str:
    lines = []
    for line in block.splitlines():
        cols = line.split("\t")
        if len(cols) == 10 and cols[0] == str(word_id):
            cols[6] = new_head
        lines.append("\t".join(cols))
    return "\n".join(lines) + "\n\n"


@pytest.mark.parametrize("word_id, new_head, problem", [
    (1, "99", "outside"),       # head out of range
    (1, "1", "its own head"),
])
def test_broken_trees_are_rejected_naming_file_and_sentence(tmp_path, word_id, new_head, problem):
    first = SAMPLE.read_text(encoding="utf-8").split("\n\n")[0]
    path = tmp_path / "broken.conllu"
    path.write_text(_edit_head(first, word_id, new_head), encoding="utf-8")
    with pytest.raises(RbxError) as error:
        read_conllu(path)
    message = str(error.value)
    assert "broken.conllu sentence 1" in message and "sent_id weblog" in message and problem in message


def test_cycle_and_missing_root_are_rejected(tmp_path):
    sentence = read_conllu(SAMPLE)[0]
    root = sentence.root.id
    child = sentence.children(root)[0].id
    # root -> child makes a two-word cycle and leaves no root
    block = _edit_head(to_conllu([sentence]).split("\n\n")[0], root, str(child))
    path = tmp_path / "cycle.conllu"
    path.write_text(to_conllu(read_conllu(SAMPLE)[:1]) + block, encoding="utf-8")
    with pytest.raises(RbxError, match=r"cycle\.conllu sentence 2 .*no root"):
        read_conllu(path)
    assert "cycle" in tree_problem([2, 3, 2, 0])
    assert "2 roots" in tree_problem([0, 0])
    assert tree_problem([2, 0, 2]) is None


def test_malformed_lines_and_missing_files_are_one_line_errors(tmp_path):
    bad = tmp_path / "bad.conllu"
    bad.write_text("1\tonly\tthree\n\n", encoding="utf-8")
    with pytest.raises(RbxError, match="10 tab-separated columns"):
        read_conllu(bad)
    with pytest.raises(RbxError, match="not found"):
        read_conllu(tmp_path / "missing.conllu")
    with pytest.raises(RbxError, match="no sentence"):
        read_conllu_text("\n\n")


def _word(i, text, head, deprel, start):
    return ParsedToken(i, text, None, "X", None, None, head, deprel, start, start + len(text))


def test_merge_attaches_later_roots_to_the_first_with_parataxis():
    text = "Er kam. Sie ging."
    first = [_word(1, "Er", 2, "nsubj", 0), _word(2, "kam", 0, "root", 3), _word(3, ".", 2, "punct", 6)]
    second = [_word(1, "Sie", 2, "nsubj", 8), _word(2, "ging", 0, "root", 12), _word(3, ".", 2, "punct", 16)]
    merged = merge_sentences(text, [first, second])
    assert merged.merged and merged.n_sentences == 2 and merged.ok
    assert [t.id for t in merged.tokens] == [1, 2, 3, 4, 5, 6]
    assert merged.tokens[4].head == 2 and merged.tokens[4].deprel == "parataxis"
    assert merged.tokens[3].head == 5 and merged.root.text == "kam"
    assert tree_problem([t.head for t in merged.tokens]) is None
    assert ParsedSentence.from_json(merged.to_json()) == merged
    assert not merge_sentences("", []).ok
