"""`rbx perturb`: sample perturbations without a model, through the typer app and the Python API."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from robustbench_xl.cli.perturb import app
from robustbench_xl.errors import RbxError
from robustbench_xl.perturb import perturb
from robustbench_xl.recipes import load_recipe

KO = "Kathy와 그녀의 남편 Peter Dean(Pete Beale)은 재정적으로 안정적입니다."


def run(*args):
    return CliRunner().invoke(app, list(args))


def test_prints_distinct_highlighted_samples():
    result = run("--recipe", "char-noise", "--lang", "ko", "--n", "4", KO)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"original  {KO}"
    samples = [line.split("  ", 1)[1].strip() for line in lines[1::2]]
    assert len(samples) == 4 == len(set(samples)) and all(s != KO for s in samples)
    assert all("Kathy와" in s and "Peter Dean(Pete Beale)" in s for s in samples)  # names untouched
    assert all("→" in line for line in lines[2::2])  # each sample says which word changed


def test_same_seed_same_samples_and_n_bounds_the_output():
    a = perturb(KO, "char-noise", "ko", n=3, seed=5)
    assert [p.text for p in a] == [p.text for p in perturb(KO, "char-noise", "ko", n=3, seed=5)]
    assert [p.text for p in a] != [p.text for p in perturb(KO, "char-noise", "ko", n=3, seed=6)]
    assert len(perturb(KO, "char-noise", "ko", n=1)) == 1


def test_changed_words_are_located():
    for p in perturb("Kathy und ihr Ehemann sind finanziell gut aufgestellt.", "char-noise", "de", n=5):
        assert len(p.edits) == 1
        (start, end), = p.changed_spans
        assert p.text[start:end] == p.edits[0][1]


def test_steps_chain_edits_within_the_budget():
    text = "Kathy und ihr Ehemann sind finanziell gut aufgestellt und wohnen in einem kleinen Haus."
    samples = perturb(text, "char-noise", "de", n=3, seed=1, steps=3)
    assert samples and all(2 <= len(p.edits) <= 3 for p in samples)  # 20% of 14 words: at most 3


def test_word_order_shows_moves():
    result = run("--recipe", "word-order", "--lang", "ja", "彼は東京で本を買った。")
    assert result.exit_code == 0, result.output
    assert "東京で彼は本を買った。" in result.output and "moved: 東京で" in result.output


def test_nothing_to_change_is_said_plainly():
    result = run("--recipe", "word-order", "--lang", "ja", "彼は東京で生まれた人に会った。")
    assert result.exit_code == 0 and "no perturbation" in result.output


def test_unsupported_language_lists_the_recipes_languages(tmp_path):
    with pytest.raises(RbxError, match="recipe 'word-order' does not support 'en'; it supports: ja, ko, zh"):
        perturb("Today, he lives in Paris.", "word-order", "en")
    recipe = tmp_path / "only-en.yaml"
    shipped = Path(load_recipe("char-noise").path).read_text(encoding="utf-8")
    recipe.write_text(shipped.replace("name: char-noise", "name: only-en")
                      .replace("languages: [en, de, es, fr, ja, ko, zh]", "languages: [en, de]"), encoding="utf-8")
    with pytest.raises(RbxError, match="does not support 'ko'; it supports: en, de"):
        perturb(KO, str(recipe), "ko")
    result = run("--recipe", str(recipe), "--lang", "ko", KO)
    assert result.exit_code != 0 and isinstance(result.exception, RbxError)


@pytest.mark.parametrize("args, message", [
    (("--recipe", "char-noise", "--lang", "xx", "text"), "unknown language 'xx'"),
    (("--recipe", "no-such-recipe", "--lang", "ko", "text"), "unknown recipe 'no-such-recipe'"),
    (("--recipe", "char-noise", "--lang", "ko", "   "), "nothing to perturb"),
    (("--recipe", "char-noise", "--lang", "ko", "--n", "0", "text"), "at least 1"),
])
def test_user_errors_are_one_line(args, message):
    result = run(*args)
    assert isinstance(result.exception, RbxError) and message in str(result.exception)


def test_help_has_an_example():
    result = run("--help")
    assert result.exit_code == 0 and "rbx perturb --recipe char-noise --lang ko" in result.output


def test_target_lang_option():
    result = run("--recipe", "code-switch", "--lang", "de", "--target-lang", "fr", "--n", "3",
                 "Die Stadt liegt im Norden des Landes und wurde später gegründet.")
    assert result.exit_code == 0, result.output
    assert "→" in result.output
    result = run("--recipe", "char-noise", "--lang", "de", "--target-lang", "fr", "Die Stadt liegt im Norden.")
    assert isinstance(result.exception, RbxError) and "code-switch" in str(result.exception)
