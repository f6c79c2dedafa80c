"""The victim as TextAttack sees it: batched, cached pair classification for any :class:`~.victim.Victim`.

TextAttack's ``HuggingFaceModelWrapper`` pads every query to ``model_max_length`` (often 512) and
re-runs identical queries. For PAWS-X pairs (~60 tokens) that is most of the cost. This wrapper:

* deduplicates a call's queries and answers repeats from an LRU cache keyed by the exact pair;
* batches the misses in the victim's ``batch_order`` (an HF checkpoint sorts them by token length, so
  each batch is padded only to its longest pair) and calls ``victim.predict_proba`` once per batch,
  under ``torch.autocast`` for bf16/fp16;
* on a GPU that runs out of memory halves the batch and retries the same pairs (each pair is still
  answered once, so query counts do not change) and keeps the smaller batch for the rest of the run;
* returns probabilities in task-label order (0 = not paraphrase, 1 = paraphrase).

``stats`` counts queries, cache hits, forward passes, forward-pass time and out-of-memory halvings.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from ..attack_defaults import ATTACK_DEFAULTS as DEFAULTS
from ..errors import RbxError
from ..offline import import_textattack
from .victim import as_probabilities

_ModelWrapper = import_textattack().models.wrappers.ModelWrapper


class _NoModelClassGuess(logging.Filter):
    """TextAttack guesses from the model's class name whether it is a classifier and warns for any
    class it does not know (every victim that is not a HuggingFace model); ``check_victim`` has already
    checked what the attack needs, so just that warning is dropped."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Unknown if model of class")


logging.getLogger("textattack.shared.utils.install").addFilter(_NoModelClassGuess())


@dataclass
class WrapperStats:
    queries: int = 0
    cache_hits: int = 0
    forward_examples: int = 0
    forward_batches: int = 0
    forward_seconds: float = 0.0
    oom_halvings: int = 0


def _out_of_memory_error() -> type[BaseException]:
    import torch

    return torch.cuda.OutOfMemoryError


class PairClassifierWrapper(_ModelWrapper):
    """A TextAttack ``ModelWrapper`` around a :class:`~.victim.Victim`."""

    def __init__(self, victim, max_length: int = DEFAULTS.max_length, batch_size: int = DEFAULTS.batch_size,
                 cache_size: int = 50_000, precision: str = DEFAULTS.precision, device: str | None = None):
        with_max_length = getattr(victim, "with_max_length", None)
        self.victim = with_max_length(max_length) if with_max_length is not None else victim
        # TextAttack reads ``model`` (its class, for a compatibility check): the network when there is one.
        self.model = getattr(self.victim, "model", self.victim)
        self.label_order = list(victim.label_order)
        self.max_length = max_length
        self.batch_size = max(1, int(batch_size))
        self.cache_size = cache_size
        self.precision = precision
        self.device = str(device or getattr(victim, "device", None) or "cpu")
        self._cache: OrderedDict[tuple[str, ...], np.ndarray] = OrderedDict()
        self.stats = WrapperStats()

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
        """The tokenized pairs of an HF victim at this wrapper's ``max_length`` (for inspection)."""
        return self.victim.encode(pairs)

    def _predict(self, pairs: list[tuple[str, ...]]) -> list[np.ndarray]:
        batch_order = getattr(self.victim, "batch_order", None)
        order = list(batch_order(pairs)) if batch_order is not None else list(range(len(pairs)))
        results: list[np.ndarray | None] = [None] * len(pairs)
        out_of_memory = _out_of_memory_error()
        start = 0
        while start < len(order):
            idx = order[start:start + self.batch_size]
            try:
                probs = self._forward([pairs[i] for i in idx])
            except out_of_memory:
                self._halve_batch(len(idx))
                continue  # the same pairs again, in a smaller batch
            for row, i in enumerate(idx):
                results[i] = probs[row]
            start += len(idx)
        return results  # type: ignore[return-value]

    def _forward(self, batch: list[tuple[str, ...]]) -> np.ndarray:
        from .precision import autocast

        began = time.perf_counter()
        with autocast(self.precision, self.device):
            raw = self.victim.predict_proba(batch)
        probs = as_probabilities(raw, len(batch), getattr(self.victim, "id", "?"))[:, self.label_order]
        self.stats.forward_seconds += time.perf_counter() - began
        self.stats.forward_batches += 1
        self.stats.forward_examples += len(batch)
        return probs

    def _halve_batch(self, failed_size: int) -> None:
        import torch

        if failed_size <= 1:
            raise RbxError(f"out of GPU memory on {self.device} with a batch of one pair; use a smaller "
                           "--max-length, --precision bf16/fp16, or another device")
        self.batch_size = max(1, failed_size // 2)
        self.stats.oom_halvings += 1
        if torch.cuda.is_available():
            torch.cuda.empty_cache()  # give the failed batch's activations back before the retry

    def predict_pairs(self, pairs: list[tuple[str, str]]) -> np.ndarray:
        """Probabilities (not paraphrase, paraphrase) for plain pairs, outside an attack."""
        return self(pairs)


__all__ = ["PairClassifierWrapper", "WrapperStats"]
