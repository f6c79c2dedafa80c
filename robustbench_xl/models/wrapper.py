"""The victim as TextAttack sees it: batched, dynamically padded, cached pair classification.

TextAttack's ``HuggingFaceModelWrapper`` pads every query to ``model_max_length`` (often 512) and
re-runs identical queries. For PAWS-X pairs (~60 tokens) that is most of the cost. This wrapper:

* deduplicates a call's queries and answers repeats from an LRU cache keyed by the exact pair;
* tokenizes the misses once, sorts them by length and pads each batch only to its longest pair;
* truncates pairs at ``max_length`` (``longest_first``) and runs the forward pass without autograd;
* returns probabilities in task-label order (0 = not paraphrase, 1 = paraphrase).

``stats`` counts queries, cache hits, forward passes and forward-pass time, for the benchmark and
the results files.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from ..offline import import_textattack

_ModelWrapper = import_textattack().models.wrappers.ModelWrapper
_CHARS_PER_TOKEN = 32  # no subword piece of a real vocabulary is longer


@dataclass
class WrapperStats:
    queries: int = 0
    cache_hits: int = 0
    forward_examples: int = 0
    forward_batches: int = 0
    forward_seconds: float = 0.0


class PairClassifierWrapper(_ModelWrapper):
    """A TextAttack ``ModelWrapper`` for a HuggingFace sequence-pair classifier."""

    def __init__(self, model, tokenizer, label_order=(0, 1), max_length: int = 128,
                 batch_size: int = 32, cache_size: int = 50_000):
        import torch

        self.model = model.eval()
        self.tokenizer = tokenizer
        self.label_order = list(label_order)
        self.max_length = max_length
        self.batch_size = batch_size
        self.cache_size = cache_size
        self._cache: OrderedDict[tuple[str, ...], np.ndarray] = OrderedDict()
        self.stats = WrapperStats()
        self._device = next(model.parameters()).device
        self._torch = torch

    def to(self, device):
        self.model.to(device)
        self._device = device
        return self

    def clear_cache(self) -> None:
        self._cache.clear()

    def __call__(self, text_input_list) -> np.ndarray:
        keys = [tuple(x) if isinstance(x, (tuple, list)) else (x,) for x in text_input_list]
        self.stats.queries += len(keys)
        misses = list(dict.fromkeys(k for k in keys if k not in self._cache))
        self.stats.cache_hits += len(keys) - len(misses)
        if misses:
            for key, probs in zip(misses, self._predict(misses)):
                self._cache[key] = probs
        out = np.stack([self._cache[k] for k in keys]) if keys else np.zeros((0, 2))
        for key in keys:  # keep recently used pairs
            self._cache.move_to_end(key)
        while len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)
        return out

    def _encode(self, pairs: list[tuple[str, ...]]):
        # Cut very long texts before the tokenizer sees them: the fast tokenizer's pair truncation
        # builds overflow windows and can use gigabytes on 10k-character inputs. Keeping
        # _CHARS_PER_TOKEN characters per allowed token leaves the truncated result unchanged.
        limit = self.max_length * _CHARS_PER_TOKEN
        firsts = [p[0][:limit] for p in pairs]
        seconds = [p[1][:limit] for p in pairs] if len(pairs[0]) > 1 else None
        return self.tokenizer(firsts, seconds, truncation="longest_first" if seconds else True,
                              max_length=self.max_length, padding=False)

    def _predict(self, pairs: list[tuple[str, ...]]) -> list[np.ndarray]:
        torch = self._torch
        encoded = self._encode(pairs)
        features = [{k: encoded[k][i] for k in encoded.keys()} for i in range(len(pairs))]
        order = sorted(range(len(pairs)), key=lambda i: len(features[i]["input_ids"]))
        results: list[np.ndarray | None] = [None] * len(pairs)
        for start in range(0, len(order), self.batch_size):
            idx = order[start:start + self.batch_size]
            batch = self.tokenizer.pad([features[i] for i in idx], padding="longest", return_tensors="pt")
            batch = {k: v.to(self._device) for k, v in batch.items()}
            began = time.perf_counter()
            with torch.inference_mode():
                logits = self.model(**batch).logits
            probs = torch.softmax(logits.double(), dim=-1)[:, self.label_order].cpu().numpy()
            self.stats.forward_seconds += time.perf_counter() - began
            self.stats.forward_batches += 1
            self.stats.forward_examples += len(idx)
            for row, i in enumerate(idx):
                results[i] = probs[row]
        return results  # type: ignore[return-value]

    def predict_pairs(self, pairs: list[tuple[str, str]]) -> np.ndarray:
        """Probabilities (not paraphrase, paraphrase) for plain pairs, outside an attack."""
        return self(pairs)
