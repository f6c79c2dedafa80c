"""The attack defaults live in robustbench_xl/attack_defaults.py alone.

``rbx attack`` / ``rbx eval`` option defaults, the Python API (``AttackConfig``, ``evaluate_model``) and the
plan schema (``SampleSpec``, ``Plan`` and what ``parse_plan`` fills in for a missing key) must agree with
``ATTACK_DEFAULTS``; and they must *read* it: with the config changed (in a fresh interpreter), every
place follows, so no place restates a value that merely happens to agree today.
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from robustbench_xl.attack_defaults import ATTACK_DEFAULTS, AttackDefaults

ROOT = Path(__file__).resolve().parents[1]

# Which defaults each place has (the others do not apply there, e.g. rbx eval has no query budget).
ATTACK_CLI = ("dataset", "split", "n", "seed", "query_budget", "batch_size", "max_length", "out", "device",
              "precision")
EVAL = ("dataset", "split", "seed", "batch_size", "max_length", "device", "precision")
ATTACK_CONFIG = ATTACK_CLI + ("max_chars",)
SAMPLE = ("dataset", "split", "n", "seed")
PLAN = ("query_budget", "batch_size", "max_length", "max_chars", "device", "precision")

# Run in-process (against ATTACK_DEFAULTS) and in a subprocess (against a changed config): prints the
# default every place uses, as JSON {place: {name: value}}.
PROBE = textwrap.dedent('''
    import dataclasses, inspect, json, sys, tempfile
    from pathlib import Path

    import typer

    def fields(cls, names):
        found = {f.name: f.default for f in dataclasses.fields(cls)}
        return {name: found[name] for name in names}

    def collect(attack_cli, eval_names, config_names, sample_names, plan_names):
        from robustbench_xl.cli import app
        from robustbench_xl.evaluate import evaluate_model
        from robustbench_xl.plans.schema import Plan, SampleSpec, parse_plan
        from robustbench_xl.runner import AttackConfig

        root = typer.main.get_command(app)
        cli = {}
        for command, names in (("attack", attack_cli), ("eval", eval_names)):
            params = {p.name: p.default for p in root.commands[command].params}
            cli[command] = {name: params[name] for name in names}
        signature = inspect.signature(evaluate_model).parameters
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "minimal.yaml"
            path.write_text("models: [e5s-standard-s0]\\nlanguages: [de]\\nrecipes: [char-noise]\\n")
            plan, problems = parse_plan(path)
        assert not problems, problems
        return {
            "rbx attack": cli["attack"],
            "rbx eval": cli["eval"],
            "AttackConfig": fields(AttackConfig, config_names),
            "evaluate_model": {name: signature[name].default for name in eval_names},
            "SampleSpec": fields(SampleSpec, sample_names),
            "Plan": fields(Plan, plan_names),
            "parse_plan sample": {name: getattr(plan.sample, name) for name in sample_names},
            "parse_plan": {name: getattr(plan, name) for name in plan_names},
            "parse_plan seeds": {"seed": plan.seeds[0]},
            **models_layer(),
        }

    def models_layer():
        # The model layer under the runner: the victim, its TextAttack wrapper, the model cards' evaluation.
        from robustbench_xl.models import victim_card
        from robustbench_xl.models.loading import HFVictim
        from robustbench_xl.models.wrapper import PairClassifierWrapper

        def params(function, names):
            signature = inspect.signature(function).parameters
            return {name: signature[name].default for name in names}

        return {
            "HFVictim": {"max_length": fields(HFVictim, ("max_length",))["max_length"]},
            "HFVictim.wrapper": params(HFVictim.wrapper, ("max_length", "batch_size", "precision")),
            "PairClassifierWrapper": params(PairClassifierWrapper.__init__, ("max_length", "batch_size", "precision")),
            "victim_card.predict_pairs": params(victim_card.predict_pairs, ("max_length", "batch_size")),
            "victim_card.evaluate_pawsx": params(victim_card.evaluate_pawsx, ("max_length", "seed")),
        }
''')


def _expected(defaults: dict, found: dict) -> dict:
    return {place: {name: defaults[name] for name in values} for place, values in found.items()}


def test_every_place_agrees_with_the_config():
    namespace: dict = {}
    exec(PROBE, namespace)  # noqa: S102 - the probe above, shared with the subprocess test
    found = namespace["collect"](ATTACK_CLI, EVAL, ATTACK_CONFIG, SAMPLE, PLAN)
    defaults = ATTACK_DEFAULTS.as_dict()
    disagree = {place: {name: (value, defaults[name]) for name, value in values.items() if value != defaults[name]}
                for place, values in found.items()}
    assert not any(disagree.values()), f"(found, config) per place: { {k: v for k, v in disagree.items() if v} }"


def test_every_place_reads_the_config():
    """Change every default before anything else is imported: each place must follow."""
    changed = {"dataset": "some.tsv", "split": "test", "n": 77, "seed": 5, "query_budget": 123,
               "batch_size": 7, "max_length": 64, "max_chars": 999, "out": "elsewhere", "device": "cpu",
               "precision": "bf16"}
    assert set(changed) == {f.name for f in dataclasses.fields(AttackDefaults)}
    assert all(changed[k] != v for k, v in ATTACK_DEFAULTS.as_dict().items())
    code = (f"import robustbench_xl.attack_defaults as d\n"
            f"d.ATTACK_DEFAULTS = d.AttackDefaults(**{changed!r})\n"
            + PROBE
            + f"\nprint(json.dumps(collect({ATTACK_CLI!r}, {EVAL!r}, {ATTACK_CONFIG!r}, {SAMPLE!r}, {PLAN!r})))\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    found = json.loads(result.stdout.strip().splitlines()[-1])
    # parse_plan resolves a dataset file name against the plan's folder: compare its name only.
    found["parse_plan sample"]["dataset"] = Path(found["parse_plan sample"]["dataset"]).name
    expected = _expected(changed, found)
    kept = {place: {name: value for name, value in values.items() if value != expected[place][name]}
            for place, values in found.items()}
    assert not any(kept.values()), ("these places restate a default instead of reading ATTACK_DEFAULTS "
                                    f"(the value they kept): { {k: v for k, v in kept.items() if v} }")


@pytest.mark.parametrize("name", [f.name for f in dataclasses.fields(AttackDefaults)])
def test_the_card_explains_every_default(name):
    import robustbench_xl.attack_defaults as module

    value = getattr(ATTACK_DEFAULTS, name)
    assert f"``{name} = {value!r}``".replace("'", '"') in module.__doc__
