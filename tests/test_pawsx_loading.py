"""PAWS-X loading: bundled split, local files in several layouts, validation of bad rows."""

import gzip
import json
from pathlib import Path

import pytest

from robustbench_xl.data import load_examples
from robustbench_xl.errors import RbxError


@pytest.mark.parametrize("lang,expected,untranslated", [
    ("en", 2000, 0), ("de", 1932, 68), ("es", 1962, 38), ("fr", 1992, 8), ("ja", 1980, 20),
    ("ko", 1965, 35), ("zh", 1984, 16)])
def test_bundled_dev_split_drops_untranslated_pairs(lang, expected, untranslated):
    sample = load_examples("pawsx", lang)
    assert len(sample) == expected
    assert sample.dropped_untranslated == untranslated
    assert not sample.problems
    assert {e.label for e in sample} == {0, 1}


def test_sample_is_fixed_by_seed_and_fingerprinted():
    a = load_examples("pawsx", "ko", n=20, seed=7)
    b = load_examples("pawsx", "ko", n=20, seed=7)
    c = load_examples("pawsx", "ko", n=20, seed=8)
    assert a.ids == b.ids and a.fingerprint == b.fingerprint
    assert a.ids != c.ids and a.fingerprint != c.fingerprint
    same_ids = load_examples("pawsx", "ja", ids=a.ids[:5])
    assert same_ids.ids == a.ids[:5]


def test_xfinal_folder_layout(tmp_path):
    rows = gzip.decompress(Path("robustbench_xl/data/pawsx/dev/de.tsv.gz").read_bytes())
    (tmp_path / "de").mkdir()
    (tmp_path / "de" / "dev_2k.tsv").write_bytes(rows)
    sample = load_examples(str(tmp_path), "de", split="dev")
    assert len(sample) == 1932  # all 68 untranslated German pairs are marked NS in the file
    assert sample.dropped_untranslated == 68


def test_jsonl_and_csv_with_custom_columns(tmp_path):
    jsonl = tmp_path / "pairs.jsonl"
    jsonl.write_text("\n".join(json.dumps({"a": f"first {i}", "b": f"second {i}", "y": i % 2}) for i in range(5)))
    sample = load_examples(str(jsonl), "en", columns="a,b,y")
    assert [e.label for e in sample] == [0, 1, 0, 1, 0]
    assert sample.examples[0].id == "1"
    csv_file = tmp_path / "pairs.csv"
    csv_file.write_text('id,s1,s2,gold\n7,"Hello, world",Hi world,1\n')
    assert load_examples(str(csv_file), "en", columns="s1,s2,gold").examples[0].sentence1 == "Hello, world"


def test_malformed_rows_are_reported_with_file_and_line(tmp_path):
    bad = tmp_path / "bad.tsv"
    bad.write_bytes(b"id\tsentence1\tsentence2\tlabel\n1\ta b\tc d\t1\n2\tonly two\n3\tx\ty\t7\n"
                    b"4\t\xff\xfe broken\ty\t0\n5\tNS\tz\t0\n6\tgood one\tgood two\t0\n")
    sample = load_examples(str(bad), "en")
    assert sample.ids == ["1", "6"]
    assert sample.dropped_untranslated == 1
    problems = sorted(str(p) for p in sample.problems)
    assert problems == [f"{bad}:3: 2 fields, the header has 4", f"{bad}:4: label '7' is not 0 or 1",
                        f"{bad}:5: invalid UTF-8 at byte 2 of the line"]


def test_unusable_sources_give_one_line_errors(tmp_path):
    with pytest.raises(RbxError, match="dataset not found"):
        load_examples(str(tmp_path / "missing.tsv"), "en")
    empty = tmp_path / "empty.tsv"
    empty.write_text("id\tsentence1\tsentence2\tlabel\n1\ta\tb\tmaybe\n")
    with pytest.raises(RbxError, match="no valid example .*label 'maybe'"):
        load_examples(str(empty), "en")
    with pytest.raises(RbxError, match="--columns needs three names"):
        load_examples(str(empty), "en", columns="a,b")


def test_hub_failure_is_one_clear_line():
    with pytest.raises(RbxError, match="could not load PAWS-X ko/test from the HuggingFace hub"):
        load_examples("pawsx", "ko", split="test")
