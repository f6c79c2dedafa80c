"""Validated examples and samples of them.

An :class:`Example` is one labelled pair in one language. A :class:`Sample` is an ordered, fixed
selection of examples with a fingerprint over ids and texts: two runs are comparable only when their
fingerprints match.
"""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import dataclass, field

LABELS = ("not_paraphrase", "paraphrase")  # index = label id, PAWS-X convention (1 = paraphrase)


@dataclass(frozen=True)
class Example:
    id: str
    lang: str
    sentence1: str
    sentence2: str
    label: int

    def to_json(self) -> dict:
        return {"id": self.id, "lang": self.lang, "sentence1": self.sentence1,
                "sentence2": self.sentence2, "label": self.label}


@dataclass(frozen=True)
class RowProblem:
    """A row that was not loaded, and why (file and 1-based line number)."""

    source: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.source}:{self.line}: {self.reason}"


@dataclass
class Sample:
    examples: list[Example]
    source: str
    lang: str
    dropped_untranslated: int = 0
    problems: list[RowProblem] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.examples)

    def __iter__(self):
        return iter(self.examples)

    @property
    def ids(self) -> list[str]:
        return [e.id for e in self.examples]

    @property
    def fingerprint(self) -> str:
        """sha256 over the examples' ids, texts and labels, in order."""
        digest = hashlib.sha256()
        for e in self.examples:
            digest.update(json.dumps([e.id, e.lang, e.sentence1, e.sentence2, e.label],
                                     ensure_ascii=False).encode("utf-8"))
            digest.update(b"\n")
        return digest.hexdigest()

    def select(self, n: int | None = None, seed: int = 0, ids: list[str] | None = None) -> "Sample":
        """A fixed sub-sample: the given ``ids`` (in that order), or ``n`` examples drawn with ``seed``
        and kept in file order (so the same n and seed always give the same examples)."""
        if ids is not None:
            by_id = {e.id: e for e in self.examples}
            missing = [i for i in ids if i not in by_id]
            if missing:
                from ..errors import RbxError

                raise RbxError(f"{len(missing)} requested ids are not in {self.source} "
                               f"(first: {missing[0]!r})")
            chosen = [by_id[i] for i in ids]
        elif n is None or n >= len(self.examples):
            chosen = list(self.examples)
        else:
            picked = sorted(random.Random(seed).sample(range(len(self.examples)), n))
            chosen = [self.examples[i] for i in picked]
        return Sample(chosen, self.source, self.lang, self.dropped_untranslated, list(self.problems))
