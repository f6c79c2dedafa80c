"""Keyboard layouts and diacritics for Latin-script typos.

What: which keys neighbour a key on the layout people in each language actually type on (the
language's ``keyboard`` in the registry, ``lang.languages``), and which letters lose or swap their
diacritics when typed carelessly.

Languages: en (QWERTY US), es (QWERTY Spanish, with ñ), de (QWERTZ, with ä ö ü ß), fr (AZERTY,
with é è à ç ù).

Limits: neighbours are the keys touching a key in its row and the rows above and below (no shift
layer, no dead keys); upper case follows lower case. A language whose keyboard is not a Latin
layout here (Latin words inside ko/ja/zh text) gets QWERTY.

Example::

    >>> sorted(neighbours("de", "z"))[:3]
    ['a', 'g', 'h']
"""

from __future__ import annotations

from functools import lru_cache

from .languages import find_language

# Rows of the letter block, top to bottom; each row is offset half a key from the one above.
LAYOUTS: dict[str, list[str]] = {
    "qwerty": ["qwertyuiop", "asdfghjkl", "zxcvbnm"],
    "qwerty-es": ["qwertyuiop", "asdfghjklñ", "zxcvbnm"],
    "qwertz": ["qwertzuiopü", "asdfghjklöä", "yxcvbnm"],
    "azerty": ["azertyuiop", "qsdfghjklmù", "wxcvbn"],
}
DEFAULT_LAYOUT = "qwerty"

# Letter -> what careless typing makes of it: drop the diacritic, or pick a sibling accent.
DIACRITIC_SWAPS: dict[str, str] = {
    "ä": "a", "ö": "o", "ü": "u", "ß": "s",
    "á": "aà", "é": "eè", "í": "iì", "ó": "oò", "ú": "uù", "ñ": "n",
    "à": "aâ", "â": "aà", "è": "eé", "ê": "eé", "ë": "e", "î": "i", "ï": "i", "ô": "o",
    "ù": "u", "û": "u", "ç": "c", "œ": "oe", "ÿ": "y",
}
# And the other way: plain letters that a language often writes with an accent (per-language data).
ADD_DIACRITIC: dict[str, dict[str, str]] = {
    "de": {"a": "ä", "o": "ö", "u": "ü"},
    "es": {"a": "á", "e": "é", "i": "í", "o": "ó", "u": "ú", "n": "ñ"},
    "fr": {"a": "à", "e": "éè", "u": "ù", "c": "ç", "i": "î", "o": "ô"},
    "en": {},
}


@lru_cache(maxsize=None)
def _neighbour_table(layout: str) -> dict[str, str]:
    rows = LAYOUTS[layout]
    table: dict[str, set[str]] = {}
    for r, row in enumerate(rows):
        for c, key in enumerate(row):
            near = set()
            for dr in (-1, 0, 1):
                if not 0 <= r + dr < len(rows):
                    continue
                other = rows[r + dr]
                # Row r+1 is shifted right by half a key: its keys c-1 and c touch key c of row r.
                cols = {0: (c - 1, c + 1), -1: (c, c + 1), 1: (c - 1, c)}[dr]
                for cc in range(cols[0], cols[1] + 1):
                    if 0 <= cc < len(other) and (dr, cc) != (0, c):
                        near.add(other[cc])
            table[key] = near - {key}
    return {k: "".join(sorted(v)) for k, v in table.items()}


def layout_of(lang: str) -> str:
    """The registry's keyboard for ``lang`` when it is a layout here, else QWERTY."""
    language = find_language(lang)
    return language.keyboard if language and language.keyboard in LAYOUTS else DEFAULT_LAYOUT


def neighbours(lang: str, char: str) -> str:
    """Keys next to ``char`` on ``lang``'s keyboard (same case as ``char``)."""
    layout = layout_of(lang)
    near = _neighbour_table(layout).get(char.lower(), "")
    return near.upper() if char.isupper() else near


def diacritic_variants(lang: str, char: str) -> str:
    """Characters a careless typist writes instead of ``char`` (dropped, swapped or added accent)."""
    lower = char.lower()
    out = DIACRITIC_SWAPS.get(lower, "") + ADD_DIACRITIC.get(lang, {}).get(lower, "")
    out = "".join(c for c in dict.fromkeys(out) if len(c) == 1 and c != lower)
    return out.upper() if char.isupper() else out
