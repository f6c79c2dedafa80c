"""Unicode normalisation: every text enters rbx as NFC.

Korean text often arrives as decomposed jamo (NFD, e.g. from macOS file names or some scrapers); a
model's tokenizer sees those as different characters. rbx normalises on the way in, and a
perturbation whose result equals the input after NFC is not a perturbation.
"""

from __future__ import annotations

import unicodedata


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def same_text(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` differ at most by Unicode normalisation."""
    return a == b or nfc(a) == nfc(b)
