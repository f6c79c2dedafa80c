"""use-similarity: the multilingual USE constraint on real PAWS-X sentences (cosine, per-column
comparison, filtering, caching, pickling) and its place in the recipes."""

from __future__ import annotations

import pickle
import time

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


def test_encoding_time_is_milliseconds(use):
    texts = [e.sentence2 for e in load_examples("pawsx", "ja", n=32, seed=9).examples]
    use.model.encode(texts[:2])
    started = time.perf_counter()
    for text in texts[:16]:
        use.model.encode([text])
    one_at_a_time = (time.perf_counter() - started) / 16
    started = time.perf_counter()
    use.model.encode(texts)
    batched = (time.perf_counter() - started) / len(texts)
    print(f"USE: {1000 * one_at_a_time:.1f} ms per sentence alone, {1000 * batched:.1f} ms batched")
    assert one_at_a_time < 0.25 and batched < 0.25  # generous: a loaded CI machine is slower


def test_registered_and_used_by_the_recipes():
    from robustbench_xl.recipes import COMPONENTS, load_recipe

    assert COMPONENTS["constraint"]["use-similarity"][0].endswith("semantic_similarity:USESimilarity")
    for name in ("code-switch", "pivot-synonym", "all"):
        specs = [c for c in load_recipe(name).constraints if c["type"] == "use-similarity"]
        assert specs and specs[0]["params"]["threshold"] == 0.85
