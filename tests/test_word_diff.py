"""The one aligned word diff (robustbench_xl.lang.word_diff) and the four places that use it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from robustbench_xl.lang import Word
from robustbench_xl.lang.word_diff import Change, align, diff_texts, diff_words, edited_words

ROOT = Path(__file__).resolve().parent.parent


def test_align_and_cost_on_word_lists():
    assert align(["a", "b", "c"], ["a", "b", "c"]) == ()
    assert align(["a", "b", "c"], ["a", "x", "c"]) == (Change(1, 2, 1, 2),)
    assert edited_words(["a", "b", "c"], ["a", "x", "y", "c"]) == 2  # 1 -> 2 costs the longer side
    assert edited_words(["a", "b", "c"], ["a", "c"]) == 1  # a deletion costs its words
    assert edited_words([], ["a"]) == 1 and edited_words(["a"], []) == 1
    # Aligned, not position by position: an insertion at the front costs 1, not every word after it.
    assert edited_words(list("abcdefgh"), ["z", *"abcdefgh"]) == 1


def test_english_replacement():
    d = diff_texts("en", "Kathy moved to Paris in 1983.", "Kathy moved to Lyon in 1983.")
    assert d.edited_words == 1 and d.edits() == [("Paris", "Lyon")]
    assert sorted(d.changed_before) == [3] and sorted(d.changed_after) == [3]
    assert [("Kathy moved to Lyon in 1983."[a:b]) for a, b in d.changed_spans()] == ["Lyon"]


def test_korean_eojeol_split_and_merge_cost_two():
    split = diff_texts("ko", "그녀의 남편은 부자다", "그녀의 남 편은 부자다")
    assert split.edited_words == 2 and split.edits() == [("남편은", "남 편은")]
    assert sorted(split.changed_before) == [1] and sorted(split.changed_after) == [1, 2]
    merge = diff_texts("ko", "그는 할 수 있다", "그는 할수 있다")
    assert merge.edited_words == 2 and merge.edits() == [("할 수", "할수")]
    switched = diff_texts("ko", "그녀의 남편은 부자다", "그녀의 husband은 부자다")
    assert switched.edits() == [("남편은", "husband은")] and switched.edited_words == 1


def test_japanese_and_chinese_without_spaces():
    ja = diff_texts("ja", "夫は映画を見た", "夫はmovieを見た")  # Sudachi words: 夫 は 映画 を 見 た
    assert ja.edits("") == [("映画", "movie")] and ja.edited_words == 1
    assert [("夫はmovieを見た"[a:b]) for a, b in ja.changed_spans()] == ["movie"]
    two = diff_texts("ja", "夫は映画を見た", "夫はテレビ番組を見た")  # one word became two
    assert two.edited_words == 2
    # The joiner is the caller's: one space (the runner's recorded edits) or none (rbx perturb, ja zh).
    assert two.edits(" ") == [("映画", "テレビ 番組")] and two.edits("") == [("映画", "テレビ番組")]
    zh = diff_texts("zh", "他在北京工作。", "他去上海旅游。")  # jieba: 他 在 北京 工作
    assert zh.edited_words == 3 and zh.edits("") == [("在北京工作", "去上海旅游")]
    assert diff_texts("zh", "他在北京工作。", "他在北京工作。").changes == ()


def test_reordering_is_a_deletion_and_an_insertion_or_two_replacements():
    de = diff_texts("de", "Er zog 1990 nach Paris.", "1990 zog er nach Paris.")
    assert de.edits() == [("Er", "1990"), ("1990", "er")] and de.edited_words == 2
    fr = diff_texts("fr", "Il traverse les provinces de Verceil et de Biella.",
                    "Il traverse les provinces de Biella et de Verceil.")
    assert fr.edits() == [("Verceil", "Biella"), ("Biella", "Verceil")]


def test_words_from_anywhere():
    def ws(text):
        out, start = [], 0
        for token in text.split(" "):
            out.append(Word(token, start, start + len(token)))
            start += len(token) + 1
        return out

    d = diff_words(ws("uno dos tres"), ws("uno cuatro tres"))
    assert d.edits() == [("dos", "cuatro")] and d.changed_spans() == [(4, 10)]


def test_runner_records_are_unchanged():
    """The runner's recorded words_perturbed and edits, recomputed, equal what shipped results hold."""
    from robustbench_xl.runner import _word_edits

    files = sorted(ROOT.glob("leaderboard/pawsx-small/results/e5s-standard-s0/*/*/examples.jsonl"))
    if not files:
        pytest.skip("no shipped results")
    checked = 0
    for path in files:
        for line in path.read_text(encoding="utf-8").splitlines()[:40]:
            record = json.loads(line)
            if record.get("status") != "succeeded":
                continue
            lang = record.get("lang") or path.parent.parent.name
            changed, edits = 0, []
            for column in ("sentence1", "sentence2"):
                n, e = _word_edits(lang, record["original"][column], record["perturbed"][column])
                changed, edits = changed + n, edits + e
            assert (changed, edits) == (record["words_perturbed"], record["edits"]), (path, record["id"])
            checked += 1
    assert checked > 10


def test_the_four_users_agree():
    """Edit budget, runner, rbx perturb and the audit sheets see the same changed words."""
    from robustbench_xl.audit import diff_segments
    from robustbench_xl.perturb import _diff
    from robustbench_xl.runner import _word_edits

    before, after = "그녀의 남편은 부자다", "그녀의 남 편은 부자다"
    assert _word_edits("ko", before, after) == (2, [["남편은", "남 편은"]])
    assert _diff("ko", before, after).edits == [("남편은", "남 편은")]
    old, new = diff_segments("ko", before, after)
    assert [t for t, c in old if c] == ["남편은"] and [t for t, c in new if c] == ["남", "편은"]
    assert edited_words(["그녀의", "남편은", "부자다"], ["그녀의", "남", "편은", "부자다"]) == 2
    # ja: the runner keeps one space between the words of a change (recorded results), perturb none.
    assert _word_edits("ja", "夫は映画を見た", "夫はテレビ番組を見た") == (2, [["映画", "テレビ 番組"]])
    assert _diff("ja", "夫は映画を見た", "夫はテレビ番組を見た").edits == [("映画", "テレビ番組")]
    # An unknown language code (a hand-made results file): the audit falls back to whitespace words.
    old, new = diff_segments("xx", "a b c", "a B c")
    assert [t for t, c in new if c] == ["B"]
