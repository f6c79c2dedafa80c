"""Bilingual dictionaries in MUSE format (``source target`` per line), bundled or from a file.

What: :func:`load_dictionary` returns a :class:`BilingualDictionary` for a language pair:

* from ``path`` when given: any MUSE-format file (plain or ``.gz``; space- or tab-separated), e.g.
  the full ``de-en.txt`` of MUSE;
* else the bundled subset ``resources/muse/{source}-{target}.tsv.gz`` (pairs with English: see
  ``ATTRIBUTION.md`` for what was kept and why);
* else, for two non-English languages, the composition ``source -> en -> target`` kept only where
  the round trip agrees (the English pivot also leads back: ``target -> pivot`` or
  ``pivot -> source`` is in the other dictionaries) and the pivot is not a function word.

Languages: the bundled files cover {de es fr ja ko zh} <-> en; any pair through composition.

Limits: look-ups are by casefolded source form; targets keep the case they have in the file
(bundled German targets are true-cased, so German nouns come out capitalised). Chinese
entries are in simplified characters (bundled MUSE Chinese was converted from traditional), so a
user file for zh must be in the script of the text it edits.

Example::

    >>> d = load_dictionary("de", "en")
    >>> d.translations("Stadt")
    ('town', 'city', 'cities')
    >>> d.has_pair("stadt", "City")
    True
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ..errors import RbxError
from ..lang import nfc, validate_lang
from .lexicon import ENGLISH, is_english_stopword

BUNDLED_DIR = Path(__file__).resolve().parent / "muse"
PIVOT_LANG = ENGLISH  # MUSE pairs every language with English; other pairs compose through it


@dataclass(frozen=True)
class BilingualDictionary:
    """Translations from ``source`` to ``target`` keyed by the casefolded source word."""

    source: str
    target: str
    origin: str
    entries: dict[str, tuple[str, ...]] = field(repr=False)

    def translations(self, word: str) -> tuple[str, ...]:
        return self.entries.get(nfc(word).casefold(), ())

    def has_pair(self, source_word: str, target_word: str) -> bool:
        """Whether the pair is in the dictionary (case-insensitive on both sides)."""
        wanted = nfc(target_word).casefold()
        return any(t.casefold() == wanted for t in self.translations(source_word))

    def __contains__(self, word: str) -> bool:
        return nfc(word).casefold() in self.entries

    def __len__(self) -> int:
        return sum(len(v) for v in self.entries.values())

    @property
    def n_sources(self) -> int:
        return len(self.entries)

    def pairs(self):
        for source_word, targets in self.entries.items():
            for target_word in targets:
                yield source_word, target_word


def _open_text(path: Path):
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8")
    return open(path, encoding="utf-8")


def read_muse(path: Path) -> dict[str, tuple[str, ...]]:
    """Source (casefolded) -> targets, in file order, from a MUSE-format file."""
    entries: dict[str, list[str]] = {}
    try:
        with _open_text(path) as handle:
            for line in handle:
                fields = line.split()
                if len(fields) != 2:
                    continue  # comments, blank lines and multi-word entries are not usable
                source_word, target_word = nfc(fields[0]).casefold(), nfc(fields[1])
                targets = entries.setdefault(source_word, [])
                if target_word not in targets:
                    targets.append(target_word)
    except (OSError, UnicodeDecodeError, EOFError) as exc:
        raise RbxError(f"cannot read dictionary {path}: {exc}") from None
    if not entries:
        raise RbxError(f"dictionary {path} has no 'source target' lines")
    return {k: tuple(v) for k, v in entries.items()}


def bundled_pairs() -> list[tuple[str, str]]:
    """The (source, target) language pairs shipped with rbx."""
    out = []
    for path in sorted(BUNDLED_DIR.glob("*-*.tsv.gz")):
        source, target = path.name[: -len(".tsv.gz")].split("-")
        out.append((source, target))
    return out


@lru_cache(maxsize=64)
def _load(source: str, target: str, path: str | None) -> BilingualDictionary:
    if path is not None:
        file = Path(path).expanduser()
        if not file.is_file():
            raise RbxError(f"dictionary file not found: {file}")
        return BilingualDictionary(source, target, str(file), read_muse(file))
    bundled = BUNDLED_DIR / f"{source}-{target}.tsv.gz"
    if bundled.is_file():
        return BilingualDictionary(source, target, f"bundled:{bundled.name}", read_muse(bundled))
    if PIVOT_LANG not in (source, target):
        return _compose_through_english(source, target)
    raise RbxError(f"no bundled dictionary for {source}->{target}; pass a MUSE file (dictionary: PATH)")


def load_dictionary(source: str, target: str, path: str | Path | None = None) -> BilingualDictionary:
    """The ``source -> target`` dictionary (see the module card for where it comes from)."""
    source, target = validate_lang(source), validate_lang(target)
    if source == target:
        raise RbxError(f"a bilingual dictionary needs two languages, got {source}->{target}")
    return _load(source, target, None if path is None else str(path))


def _compose_through_english(source: str, target: str) -> BilingualDictionary:
    to_en, from_en = _load(source, PIVOT_LANG, None), _load(PIVOT_LANG, target, None)
    en_to_source, target_to_en = _load(PIVOT_LANG, source, None), _load(target, PIVOT_LANG, None)
    entries: dict[str, tuple[str, ...]] = {}
    for word, pivots in to_en.entries.items():
        found: list[str] = []
        for pivot in pivots:
            if is_english_stopword(pivot):
                continue
            back_to_source = en_to_source.has_pair(pivot, word)
            for candidate in from_en.translations(pivot):
                agrees = back_to_source or target_to_en.has_pair(candidate, pivot)
                if agrees and candidate not in found:
                    found.append(candidate)
        if found:
            entries[word] = tuple(found)
    return BilingualDictionary(source, target, f"composed:{source}-en-{target}", entries)
