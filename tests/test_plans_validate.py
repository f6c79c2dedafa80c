"""Plan files: schema, registry checks, expansion, shards, CLI validation (fast: nothing is attacked)."""

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from robustbench_xl.cli.plans import app
from robustbench_xl.errors import RbxError
from robustbench_xl.models.victims import list_victims
from robustbench_xl.plans import expand_plan, load_plan, parse_plan, registry_problems, select_shard
from robustbench_xl.plans.cells import parse_shard
from robustbench_xl.recipes import list_recipes

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "plans"
LOWRES_RECIPES = ["char-noise", "word-order", "code-switch", "pivot-synonym", "syntax-swap", "all"]
VICTIMS = [f"e5s-ft500-{regime}-s{seed}" for regime in ("standard", "stilts") for seed in (0, 1, 2)]


def write_plan(folder: Path, text: str, name: str = "plan.yaml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture()
def ckpt(tmp_path):
    """A folder that looks like a checkpoint to validation (config.json); nothing loads it here."""
    folder = tmp_path / "ckpt-a"
    folder.mkdir()
    (folder / "config.json").write_text("{}")
    return folder


def test_shipped_lowres_plan_is_the_full_grid():
    plan, problems = parse_plan(REPO / "attacks" / "pawsx-lowres.yaml")
    assert problems == []
    assert [m.spec for m in plan.models] == VICTIMS and all(m.kind == "victim" for m in plan.models)
    assert plan.languages == ("ja", "ko", "zh", "de", "es", "fr")
    assert list(plan.recipes) == LOWRES_RECIPES
    cells = expand_plan(plan, "results")
    assert len(cells) == 6 * (6 * 6 - 3) and len({c.key for c in cells}) == len(cells)
    assert {(c.recipe, c.lang) for c in cells} == {(r, l) for r in LOWRES_RECIPES for l in plan.languages} - {
        ("word-order", "de"), ("word-order", "es"), ("word-order", "fr")}
    assert cells[0].key == "e5s-ft500-standard-s0/ja/char-noise"


def test_shipped_plans_name_only_what_is_missing_or_installed():
    """Registry problems may only be recipes/victims that other work has not installed yet."""
    installed_recipes = {r.name for r in list_recipes()}
    installed_victims = set(list_victims())
    for name in ("pawsx-lowres", "smoke"):
        plan, problems = parse_plan(REPO / "attacks" / f"{name}.yaml")
        assert problems == []
        allowed = {f"unknown recipe {r!r}" for r in LOWRES_RECIPES if r not in installed_recipes}
        allowed |= {f"unknown model {v!r}" for v in VICTIMS if v not in installed_victims}
        for problem in registry_problems(plan):
            assert any(a in problem for a in allowed), problem


def test_load_plan_resolves_models_sample_and_defaults(tmp_path, ckpt):
    path = write_plan(tmp_path, f"""
models: [./ckpt-a, {{path: ./ckpt-a, id: second}}, {{hub: org/some-model}}]
languages: [de, ko]
recipes: [char-noise]
sample: {{ids_file: {FIXTURES / 'ids-de.txt'}}}
""")
    plan = load_plan(path)
    assert plan.name == "plan" and plan.query_budget == 500 and plan.seeds == (0,)
    assert [m.id for m in plan.models] == ["ckpt-a", "second", "org--some-model"]
    assert plan.models[0].spec == str(ckpt.resolve()) and plan.models[2].kind == "hub"
    assert plan.sample.ids == ("2169", "5343", "6300") and plan.sample.n is None
    config = expand_plan(plan, tmp_path / "out")[0].config(plan)
    assert config["ids"] == ["2169", "5343", "6300"] and config["model_id"] is None


@pytest.mark.parametrize("body, field, words", [
    ("models: [nope-victim]\nlanguages: [de]\nrecipes: [char-noise]", "models[0]", "unknown model 'nope-victim'"),
    ("models: [./missing-folder]\nlanguages: [de]\nrecipes: [char-noise]", "models[0].path", "not found"),
    ("models: [./ckpt-a]\nlanguages: [de, xx]\nrecipes: [char-noise]", "languages[1]", "unknown language 'xx'"),
    ("models: [./ckpt-a]\nlanguages: [de]\nrecipes: [char-noise, typo-noise]", "recipes[1]",
     "unknown recipe 'typo-noise'"),
    ("models: [./ckpt-a]\nlanguages: [de, de]\nrecipes: [char-noise]", "languages[1]", "duplicate 'de'"),
    ("models: [./ckpt-a]\nlanguages: [de]\nrecipes: [char-noise, char-noise]", "recipes[1]", "duplicate"),
    ("models: [./ckpt-a, {path: ./ckpt-a}]\nlanguages: [de]\nrecipes: [char-noise]", "models[1]",
     "duplicate model 'ckpt-a'"),
    ("models: [./ckpt-a]\nlanguages: [de]\nrecipes: [char-noise]\nseeds: [1, 1]", "seeds", "duplicate seed"),
    ("models: [./ckpt-a]\nlanguages: [de]\nrecipes: [char-noise]\nsample: {ids: [a, a]}", "sample.ids",
     "duplicate id 'a'"),
    ("models: [./ckpt-a]\nlanguages: [de]\nrecipes: [char-noise]\nsample: {n: -3}", "sample.n", "integer"),
    ("models: [./ckpt-a]\nlanguages: [de]\nrecipes: [char-noise]\nquery_budget: many", "query_budget", "integer"),
    ("models: [./ckpt-a]\nlanguages: [de]\nrecipes: [char-noise]\nlangauges: [ko]", "langauges", "unknown key"),
    ("models: [./ckpt-a]\nlanguages: [de]\nrecipes: [char-noise]\nperturb: sentence3", "perturb", "sentence1"),
    ("models: []\nlanguages: [de]\nrecipes: [char-noise]", "models", "non-empty"),
    ("models: [./ckpt-a]\nlanguages: [de]\nrecipes: [char-noise]\nexclude: [{lang: fr}]", "exclude[0].lang",
     "'fr' is not one of the plan's langs"),
    (f"models: [./ckpt-a]\nlanguages: [de, en]\nrecipes: [{FIXTURES / 'en-only.yaml'}]", "recipes[0]",
     "does not support languages[0] 'de'"),
])
def test_bad_plans_are_rejected_naming_file_and_field(tmp_path, ckpt, body, field, words):
    path = write_plan(tmp_path, body)
    with pytest.raises(RbxError) as info:
        load_plan(path)
    message = str(info.value)
    assert message.startswith(f"{path}: {field}: "), message
    assert words in message, message


def test_exclude_removes_cells_and_unsupported_pairs(tmp_path, ckpt):
    path = write_plan(tmp_path, f"""
models: [./ckpt-a]
languages: [en, de]
recipes: [char-noise, {FIXTURES / 'en-only.yaml'}]
exclude: [{{lang: de, recipe: en-only}}]
seeds: [3, 4]
""")
    plan = load_plan(path)
    keys = [c.key for c in expand_plan(plan, tmp_path / "out")]
    assert keys == ["seed-3/ckpt-a/en/char-noise", "seed-4/ckpt-a/en/char-noise",
                    "seed-3/ckpt-a/en/en-only", "seed-4/ckpt-a/en/en-only",
                    "seed-3/ckpt-a/de/char-noise", "seed-4/ckpt-a/de/char-noise"]
    cell = expand_plan(plan, tmp_path / "out")[0]
    assert cell.root == tmp_path / "out" / "seed-3" / "ckpt-a" / "en" / "char-noise"


def test_settings_hash_ignores_grid_and_batch_size(tmp_path, ckpt):
    base = "models: [./ckpt-a]\nrecipes: [char-noise]\nsample: {n: 5}\n"
    a = load_plan(write_plan(tmp_path, base + "languages: [de]\nbatch_size: 8\n", "a.yaml"))
    b = load_plan(write_plan(tmp_path, base + "languages: [de, fr]\nbatch_size: 64\n", "b.yaml"))
    c = load_plan(write_plan(tmp_path, base + "languages: [de]\nquery_budget: 50\n", "c.yaml"))
    assert a.settings_hash == b.settings_hash and a.plan_hash != b.plan_hash
    assert a.settings_hash != c.settings_hash


def test_shards_partition_the_plan_deterministically(tmp_path, ckpt):
    plan = load_plan(write_plan(tmp_path, "models: [./ckpt-a]\nlanguages: [en, de, es, fr, ja, ko, zh]\n"
                                          "recipes: [char-noise]\n"))
    cells = expand_plan(plan, tmp_path)
    shards = [select_shard(cells, f"{i}/3") for i in (1, 2, 3)]
    assert [len(s) for s in shards] == [3, 2, 2]
    assert sorted(c.key for s in shards for c in s) == sorted(c.key for c in cells)
    assert [c.key for c in select_shard(cells, "2/3")] == [c.key for c in select_shard(cells, (2, 3))]
    for bad in ("0/3", "4/3", "1-3", "x/y", "1/0"):
        with pytest.raises(RbxError, match="--shard"):
            parse_shard(bad)


def test_cli_validate_lists_every_problem(tmp_path, ckpt):
    path = write_plan(tmp_path, "models: [nope]\nlanguages: [xx]\nrecipes: [char-noise, nada]\n")
    result = CliRunner().invoke(app, ["plan", "validate", str(path)])
    assert isinstance(result.exception, RbxError) and "3 problem(s)" in str(result.exception)
    for field in ("languages[0]: unknown language", "models[0]: unknown model", "recipes[1]: unknown recipe"):
        assert f"{path}: {field}" in result.output
    good = write_plan(tmp_path, "models: [./ckpt-a]\nlanguages: [de, fr]\nrecipes: [char-noise]\n", "good.yaml")
    result = CliRunner().invoke(app, ["plan", "validate", str(good)])
    assert result.exit_code == 0 and "ok: plan good: 2 cells" in result.output


def test_invalid_plan_exits_2_before_any_work(tmp_path, ckpt):
    path = write_plan(tmp_path, "models: [./ckpt-a]\nlanguages: [de]\nrecipes: [no-such-recipe]\n")
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "robustbench_xl", "run", str(path), "--out", str(out)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines()[-1].startswith(f"error: {path}: recipes[0]: unknown recipe")
    assert "Traceback" not in proc.stderr and not out.exists()
