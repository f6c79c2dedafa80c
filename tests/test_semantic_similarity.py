"""use-similarity: the multilingual USE constraint on real PAWS-X sentences (cosine, per-column
comparison, filtering, caching, pickling) and its place in the recipes."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from robustbench_xl.constraints.semantic_similarity import USESimilarity
from robustbench_xl.data import load_examples
from robustbench_xl.lang.attacked_text import MultilingualAttackedText


@pytest.fixture(scope="module")
def use():
    return USESimilarity(threshold=0.85)


def test_identical_text_has_cosine_one(use):
    text = load_examples("pawsx", "ko", n=1, seed=0).examples[0].sentence1
    assert use.similarities([text], [text])[0] == pytest.approx(1.0, abs=1e-5)


@pytest.mark.parametrize("lang", ["en", "de", "ja", "ko", "zh"])
def test_unrelated_sentences_score_below_related_ones(use, lang):
    examples = load_examples("pawsx", lang, n=20, seed=0).examples
    first = [e.sentence1 for e in examples]
    second = [e.sentence2 for e in examples]
    related = use.similarities(first, second)  # the two sentences of one PAWS-X pair
    unrelated = use.similarities(first, second[1:] + second[:1])  # sentences of different pairs
    assert related.mean() > 0.75 and unrelated.mean() < 0.35
    assert (related > unrelated).mean() >= 0.95


def test_a_translation_is_close_across_languages(use):
    en, de = (load_examples("pawsx", lang, ids=["6"]).examples[0].sentence1 for lang in ("en", "de"))
    other = load_examples("pawsx", "de", ids=["7"]).examples[0].sentence1
    assert use.similarities([en], [de])[0] > use.similarities([en], [other])[0] + 0.3


def test_only_the_changed_sentence_is_compared(use):
    example = load_examples("pawsx", "en", ids=["6"]).examples[0]
    text = MultilingualAttackedText.from_pair(example.sentence1, example.sentence2, ("en", "en"))
    unrelated = "Stock prices fell sharply after the central bank raised interest rates again."
    same = text.with_column("sentence2", example.sentence2)
    off_topic = text.with_column("sentence2", unrelated)
    scores = use._score_list(text, [same, off_topic]).tolist()
    assert scores[0] == pytest.approx(1.0)
    expected = use.similarities([example.sentence2], [unrelated])[0]
    assert scores[1] == pytest.approx(float(expected), abs=1e-5)
    kept = use._check_constraint_many([same, off_topic], text)
    assert list(kept) == [same] and off_topic.attack_attrs["similarity_score"] < 0.85


def test_embeddings_are_cached_and_batched(use):
    texts = [e.sentence2 for e in load_examples("pawsx", "fr", n=8, seed=4).examples]
    use.encode(texts)
    calls = []
    original = use.model.encode
    use.model.encode = lambda batch: calls.append(list(batch)) or original(batch)
    try:
        again = use.encode(texts + ["une phrase nouvelle"])
    finally:
        use.model.encode = original
    assert calls == [["une phrase nouvelle"]] and again.shape == (9, 512)
    assert np.allclose(np.linalg.norm(again, axis=1), 1.0, atol=1e-5)


def test_cache_is_bounded_and_pickling_drops_it():
    small = USESimilarity(cache_size=3)
    small.encode(["a b", "c d", "e f", "g h"])
    assert list(small._cache) == ["c d", "e f", "g h"]
    clone = pickle.loads(pickle.dumps(small))
    assert len(clone._cache) == 0 and clone.threshold == small.threshold
    assert clone.similarities(["a b"], ["a b"])[0] == pytest.approx(1.0, abs=1e-5)


def test_a_batch_embeds_each_sentence_as_it_would_alone(use):
    """Batching is only a speed-up (timed in benchmarks/use_similarity.py): same vectors as one at a time."""
    texts = [e.sentence2 for e in load_examples("pawsx", "ja", n=6, seed=9).examples]
    batched = np.asarray(use.model.encode(texts), dtype=np.float32)
    alone = np.stack([np.asarray(use.model.encode([t]), dtype=np.float32)[0] for t in texts])
    assert batched.shape == (6, 512) and np.allclose(batched, alone, atol=1e-4)


def test_registered_and_used_by_the_recipes():
    from robustbench_xl.recipes import COMPONENTS, load_recipe

    assert COMPONENTS["constraint"]["use-similarity"][0].endswith("semantic_similarity:USESimilarity")
    for name in ("code-switch", "pivot-synonym", "all"):
        specs = [c for c in load_recipe(name).constraints if c["type"] == "use-similarity"]
        assert specs and specs[0]["params"]["threshold"] == 0.85


def test_substitutions_only_checks_translations_and_synonyms_not_typos(use):
    """all v7: PAWS-X de 3046 with char-noise's three typos scores below 0.85, which refused a flip that
    char-noise alone makes; with ``substitutions_only`` the typos pass and a substitution is still checked."""
    from robustbench_xl.transformations.char_noise import CharNoise
    from robustbench_xl.transformations.code_switch import CodeSwitch
    from robustbench_xl.transformations.word_order import WordOrder

    (example,) = load_examples("pawsx", "de", ids=["3046"]).examples
    typos = example.sentence2.replace("Ahmet", "Qhmet").replace(" war ", " qar ").replace("Armee", "Qrmee")
    assert typos != example.sentence2
    assert use.similarities([example.sentence2], [typos])[0] < 0.85
    original = MultilingualAttackedText.from_pair(example.sentence1, example.sentence2, langs=("de", "de"))
    edited = MultilingualAttackedText.from_pair(example.sentence1, typos, langs=("de", "de"))
    only = USESimilarity(threshold=0.85, substitutions_only=True)
    for made_by, kept_by_only in ((CharNoise("de"), True), (WordOrder("de"), True), (CodeSwitch("de"), False)):
        candidate = MultilingualAttackedText(edited._text_input, attack_attrs={"last_transformation": made_by},
                                             langs=("de", "de"))
        assert use.call_many([candidate], original) == []  # the plain constraint checks every edit
        assert bool(only.call_many([candidate], original)) is kept_by_only, type(made_by).__name__
    assert "substitutions_only" in only.extra_repr_keys()
