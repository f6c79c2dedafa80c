"""``rbx models ...`` and ``rbx train`` through typer (the app the lead mounts)."""

from __future__ import annotations

import typer
from typer.testing import CliRunner

from robustbench_xl.cli import models as cli_models
from robustbench_xl.models.victims import DEFAULT_VICTIM


def _app() -> typer.Typer:
    app = typer.Typer()
    app.add_typer(cli_models.app, name="models")
    app.command("train")(cli_models.train_command)
    return app


def test_models_list_and_show_print_the_cards():
    runner = CliRunner()
    listed = runner.invoke(_app(), ["models", "list"])
    assert listed.exit_code == 0 and DEFAULT_VICTIM in listed.output and "[default]" in listed.output
    shown = runner.invoke(_app(), ["models", "show", DEFAULT_VICTIM])
    assert shown.exit_code == 0 and "Clean accuracy (PAWS-X dev)" in shown.output


def test_user_errors_are_one_line_with_exit_code_2(tmp_path):
    runner = CliRunner()
    for args in (["models", "base", "bert-large"], ["models", "show", "no-such-victim"],
                 ["models", "materialize", str(tmp_path)],
                 ["train", "--out", str(tmp_path / "x"), "--regime", "mnli"]):
        result = runner.invoke(_app(), args)
        assert result.exit_code == 2, (args, result.output)
        assert result.output.startswith("error: ") and result.output.count("\n") == 1


def test_help_texts_carry_examples():
    runner = CliRunner()
    for args in (["models", "--help"], ["models", "base", "--help"], ["train", "--help"]):
        result = runner.invoke(_app(), args)
        assert result.exit_code == 0 and "rbx " in result.output
