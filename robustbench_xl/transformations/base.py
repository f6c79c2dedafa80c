"""Shared behaviour of rbx's transformations.

* Deterministic sampling: when a transformation has more candidates than it may return, it draws
  them with a generator seeded by (recipe seed, the word), so the candidates do not depend on the
  order in which the search asks.
* No normalisation-only edits: a candidate equal to its input after NFC is dropped.
"""

from __future__ import annotations

import hashlib
import random

from ..lang import nfc


def rng_for(seed: int, *keys: str) -> random.Random:
    """A generator that depends only on ``seed`` and ``keys`` (stable across processes)."""
    material = "\x1f".join([str(seed), *keys]).encode("utf-8")
    return random.Random(int.from_bytes(hashlib.sha256(material).digest()[:8], "big"))


def distinct_edits(word: str, candidates, limit: int | None, seed: int, *keys: str) -> list[str]:
    """Candidates that really change ``word`` (after NFC), deduplicated, at most ``limit`` of them."""
    base = nfc(word)
    unique = [c for c in dict.fromkeys(nfc(c) for c in candidates) if c and c != base]
    if limit is not None and len(unique) > limit:
        picked = sorted(rng_for(seed, word, *keys).sample(range(len(unique)), limit))
        unique = [unique[i] for i in picked]
    return unique
