"""Whether a trained seed "learned": decided on English PAWS-X dev only, by an exact one-sided test."""

from __future__ import annotations

from robustbench_xl.models.victims import learned_verdict, victim_card


def _card(correct: int, n: int, majority: float, predicted_paraphrase: float) -> dict:
    en = {"n": n, "correct": correct, "accuracy": correct / n, "majority": majority,
          "predicted_paraphrase": predicted_paraphrase}
    # other languages may look learned; they must not decide (they are the attacked languages)
    ko = {"n": n, "correct": n, "accuracy": 1.0, "majority": 0.5, "predicted_paraphrase": 0.5}
    return {"accuracy": {"en": en, "ko": ko}}


def test_a_constant_classifier_did_not_learn_and_the_note_gives_the_numbers():
    verdict = learned_verdict(_card(227, 400, 0.5675, 0.0))
    assert verdict is not None
    assert "0.568" in verdict and "n=400" in verdict and "p=" in verdict


def test_a_few_points_above_the_majority_on_few_pairs_is_not_enough():
    assert learned_verdict(_card(66, 100, 0.60, 0.3)) is not None  # 0.66 vs 0.60 on 100 pairs: p ~ 0.13


def test_a_clear_margin_counts_as_learned():
    assert learned_verdict(_card(323, 400, 0.5675, 0.46)) is None


def test_the_shipped_default_victim_learned():
    from robustbench_xl.models.victims import DEFAULT_VICTIM

    assert learned_verdict(victim_card(DEFAULT_VICTIM)) is None
