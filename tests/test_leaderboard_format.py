"""robustbench_xl/leaderboard/format.py: one function per number format, shared by the renderers and the gate."""

from __future__ import annotations

import ast
import doctest
from pathlib import Path

import pytest

from robustbench_xl.leaderboard import format as fmt
from robustbench_xl.leaderboard.format import (arm_text, count, delta_text, discordant, interval, lang_label,
                                               mean_std, number, p_brief, p_value, pct, pool_label, setting,
                                               short_interval, signed)

PACKAGE = Path(__file__).resolve().parents[1] / "robustbench_xl"


def test_the_card_examples_hold():
    assert doctest.testmod(fmt).failed == 0


@pytest.mark.parametrize("x, digits, scale, expected", [
    (None, 1, 100, "–"), (0.4554, 1, 100, "45.5"), (1.0, 1, 100, "100.0"), (-0.0004, 1, 100, "0.0"),
    (-0.0, 1, 100, "0.0"), (-0.012, 1, 100, "-1.2"), (0.5, 0, 100, "50"), (123.456, 0, 1, "123"),
    (0.123456, 2, 100, "12.35"),
])
def test_number_scales_rounds_and_never_shows_minus_zero(x, digits, scale, expected):
    assert number(x, digits, scale) == expected


def test_pct_is_points_with_one_decimal():
    assert pct(0.25) == "25.0" and pct(None) == "–" and pct(0.25, 0) == "25"


def test_interval_and_short_interval():
    metric = {"value": 0.455, "low": 0.36, "high": 0.564, "n": 50}
    assert interval(metric) == "45.5 [36.0, 56.4]"
    assert interval({"value": 123.4, "low": 100.2, "high": 150.0}, 1, 0) == "123 [100, 150]"
    assert interval({"value": None, "low": None, "high": None}) == "–"
    assert short_interval(metric) == "45.5 (36–56)"
    assert short_interval({"value": 0.5, "low": None, "high": None}) == "50.0"
    assert short_interval({"value": None}) == "–"


@pytest.mark.parametrize("x, expected", [(0.015, "+1.5"), (-0.005, "-0.5"), (0.0, "0.0"), (-0.0001, "0.0"),
                                         (None, "–")])
def test_signed_difference(x, expected):
    assert signed(x) == expected


def test_delta_text_with_and_without_its_interval():
    assert delta_text({"value": 0.015, "low": -0.005, "high": 0.035}) == "+1.5 [-0.5, 3.5]"
    assert delta_text({"value": 0.015, "low": None, "high": 0.035}) == "+1.5"
    assert delta_text({"value": None}) == "–" and delta_text(None) == "–" and delta_text({}) == "–"


def test_mean_std_and_arm_text():
    assert mean_std(0.55, 0.02) == "55.0 ± 2.0" and mean_std(0.55, None) == "55.0"
    assert mean_std(0.55, 0.02, "±") == "55.0±2.0" and mean_std(None, None) == "–"
    assert arm_text({"mean": 0.55, "std": 0.02, "seeds": [0, 1]}) == "55.0 ± 2.0 (2 seeds)"
    assert arm_text({"mean": 0.55, "std": None, "seeds": [0]}) == "55.0 (1 seed)"


@pytest.mark.parametrize("p, expected", [(None, "–"), (0.5, "0.500"), (0.001, "0.001"), (0.00099, "9.9e-04"),
                                         (3.05e-05, "3.0e-05"), (1.0, "1.000")])
def test_p_value_for_the_leaderboard(p, expected):
    assert p_value(p) == expected


@pytest.mark.parametrize("p, expected", [(None, "–"), (3.0518e-05, "3.05e-05"), (0.000122, "0.000122"),
                                         (0.5, "0.5"), (1.0, "1"), (0.04321, "0.0432")])
def test_p_brief_for_the_gate(p, expected):
    assert p_brief(p) == expected


def test_counts_and_settings():
    assert count(50) == "50" and count(0) == "–" and count(None) == "–"
    assert setting(2.0) == "2" and setting(0.05) == "0.05" and setting(2.5) == "2.5"
    assert discordant(12, 5) == "12 / 5" and discordant(12, 5, "/") == "12/5" and discordant(None, None) == "–"


def test_labels():
    low = ["ja", "ko", "zh"]
    assert lang_label("ko", low) == "ko †" and lang_label("de", low) == "de"
    assert pool_label({"lang": "ja", "langs": ["ja"], "low_resource": True}, low) == "ja †"
    assert pool_label({"lang": "low-resource", "langs": ["ja", "ko"], "low_resource": True}, low) == "ja ko †"
    assert pool_label({"lang": "rest", "langs": ["de", "fr"], "low_resource": False}, low) == "de fr"
    assert pool_label({"lang": "de", "low_resource": False}, low) == "de"
    # fmt.test_label: imported by name, pytest would collect it as a test
    assert fmt.test_label("exact binomial") == "exact" and fmt.test_label("chi-square, continuity corrected") == "χ²"
    assert fmt.test_label("no discordant pairs") == "–" and fmt.test_label(None) == "–"


def test_renderers_and_gate_define_no_number_format_of_their_own():
    """No f-string in them formats a float with a precision (``:.1f``, ``:.3g``...): format.py does."""
    for name in ("leaderboard/render_markdown.py", "leaderboard/render_terminal.py", "leaderboard/render_html.py",
                 "leaderboard/build.py", "check.py"):
        tree = ast.parse((PACKAGE / name).read_text(encoding="utf-8"))
        specs = [node for node in ast.walk(tree) if isinstance(node, ast.FormattedValue) and node.format_spec
                 and any(isinstance(v, ast.Constant) and any(c in v.value for c in "fegG%")
                         for v in node.format_spec.values)]
        assert specs == [], f"{name}:{specs[0].lineno} formats a number itself"
