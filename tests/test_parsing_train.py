"""`parsers train` makes a loadable folder; `parsers eval` scores; shipped parsers beat a trivial baseline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from robustbench_xl.cli import parsers as cli_parsing
from robustbench_xl.errors import RbxError
from robustbench_xl.parsing import evaluate_parser, get_pipeline, parse_texts, read_conllu, train_parser
from robustbench_xl.parsing.pipelines import META_FILE

FIXTURES = Path(__file__).parent / "fixtures" / "parsing"


@pytest.fixture(autouse=True)
def offline_home(tmp_path, monkeypatch):
    monkeypatch.setenv("RBX_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("STANZA_RESOURCES_DIR", str(tmp_path / "stanza_resources"))


def _cli() -> typer.Typer:
    root = typer.Typer()
    root.add_typer(cli_parsing.app, name="parsers")
    root.command("parse")(cli_parsing.parse_command)
    return root


def test_tiny_training_run_writes_a_folder_stanza_loads(tmp_path):
    out = tmp_path / "de-tiny"
    report = train_parser("de", [FIXTURES / "ud_de_gsd_dev60.conllu"], out_dir=out, profile="tiny",
                          max_steps=10)
    assert set(report.seconds) >= {"tokenize", "mwt", "pos", "depparse"}  # German has multi-word tokens
    meta = json.loads((out / META_FILE).read_text(encoding="utf-8"))
    assert meta["lang"] == "de" and meta["lemma"] == "identity" and set(meta["models"]) == {
        "tokenize", "mwt", "pos", "depparse"}
    assert json.loads((out / "resources.json").read_text())["de"]["packages"]["rbx"]["depparse"] == "rbx"
    assert get_pipeline("de", parser_dir=out) is not None
    (tree,) = parse_texts("de", ["Der Hund schläft im Garten."], parser_dir=out)
    assert tree.ok or tree.skip_reason
    result = evaluate_parser("de", FIXTURES / "ud_de_gsd_dev60.conllu", parser_dir=out, limit=10)
    for value in (result.upos, result.uas, result.las):
        assert 0.0 <= value <= 1.0
    assert result.sentences == 10 and result.tokenization == "gold"


def test_training_rejects_a_broken_treebank_naming_it(tmp_path):
    lines = (FIXTURES / "ud_de_gsd_dev60.conllu").read_text(encoding="utf-8").splitlines()
    broken = [line if not line.startswith("1\t") else "\t".join(
        line.split("\t")[:6] + ["77"] + line.split("\t")[7:]) for line in lines]
    path = tmp_path / "broken-train.conllu"
    path.write_text("\n".join(broken) + "\n", encoding="utf-8")
    with pytest.raises(RbxError, match=r"broken-train\.conllu sentence 1 .*outside"):
        train_parser("de", [path], out_dir=tmp_path / "never", profile="tiny")
    assert not (tmp_path / "never").exists()


@pytest.mark.parametrize("lang, treebank", [("ko", "ud_ko_kaist_test60.conllu"),
                                            ("en", "ud_en_ewt_test60.conllu")])
def test_shipped_parser_beats_a_trivial_baseline_on_held_out_ud_test(lang, treebank):
    path = FIXTURES / treebank
    result = evaluate_parser(lang, path, limit=40)
    gold = read_conllu(path)[:40]
    # trivial baseline: every word attached to its left neighbour (the first to the root)
    left = sum(t.head == t.id - 1 for s in gold for t in s.tokens) / sum(len(s.tokens) for s in gold)
    assert result.uas > 0.5 and result.uas > left + 0.15
    assert result.upos > 0.75 and 0.3 < result.las <= result.uas


def test_cli_eval_list_parse_and_errors(tmp_path):
    runner = CliRunner()
    app = _cli()
    result = runner.invoke(app, ["parsers", "eval", "--lang", "ko", "--treebank",
                                 str(FIXTURES / "ud_ko_kaist_test60.conllu"), "--limit", "5"])
    assert result.exit_code == 0, result.output
    assert "UPOS" in result.output and "UAS" in result.output and "gold tokenization" in result.output
    result = runner.invoke(app, ["parsers", "list", "--lang", "ko", "--lang", "eu"])
    assert "ko\tshipped" in result.output and "eu\tnone" in result.output
    result = runner.invoke(app, ["parse", "--lang", "ja", "--n", "3", "--quiet"])
    assert result.exit_code == 0, result.output
    assert "6 texts" in result.output or "texts" in result.output
    again = runner.invoke(app, ["parse", "--lang", "ja", "--n", "3", "--quiet"])
    assert "0 parsed" in again.output and "already cached" in again.output
    bad = runner.invoke(app, ["parsers", "eval", "--lang", "eu", "--treebank",
                              str(FIXTURES / "ud_ko_kaist_test60.conllu")])
    assert bad.exit_code == 2 and "error: no dependency parser" in bad.output
