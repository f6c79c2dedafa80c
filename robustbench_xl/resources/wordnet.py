"""Open Multilingual Wordnet lemmas (Wiktionary-derived), keyed by Princeton WordNet 3.0 synsets.

What: :func:`load_wordnet` returns a :class:`WordNet` for one language: which synsets a word
belongs to, their members and part of speech (the synset id ends in ``-n -v -a -s -r``). Two
words of one language in one synset are synonyms in that sense.

Source: the bundled subset ``resources/omw/{lang}.tsv.gz`` (synsets of ``wn-wikt-*.tab`` that
contain a word of the bundled PAWS-X dev text; CC BY-SA 3.0, see ``ATTRIBUTION.md``), or a full
OMW ``.tab`` file given by path (``offset-pos<TAB>lang:lemma<TAB>lemma``).

Languages: de es fr ja ko zh (OMW has no Wiktionary wordnet for English; English has none here).

Limits: Wiktionary synset links are coarse; callers should prefer small synsets (a synset with many
members in one language is usually a broad sense).

Example::

    >>> wn = load_wordnet("de")
    >>> wn.synsets("Anfang")
    ('00235435-n', '07323922-n')
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ..errors import RbxError
from ..lang import nfc, validate_lang

BUNDLED_DIR = Path(__file__).resolve().parent / "omw"
OMW_CODES = {"de": "deu", "es": "spa", "fr": "fra", "ja": "jpn", "ko": "kor", "zh": "cmn", "en": "eng"}


@dataclass(frozen=True)
class WordNet:
    lang: str
    origin: str
    members: dict[str, tuple[str, ...]] = field(repr=False)  # synset -> lemmas
    by_word: dict[str, tuple[str, ...]] = field(repr=False)  # casefolded lemma -> synsets

    def synsets(self, word: str) -> tuple[str, ...]:
        return self.by_word.get(nfc(word).casefold(), ())

    def pos(self, word: str) -> frozenset[str]:
        """Parts of speech of ``word`` (n, v, a, r; satellite adjectives count as a)."""
        return frozenset(_pos_of(s) for s in self.synsets(word))

    def __len__(self) -> int:
        return len(self.by_word)


def _pos_of(synset: str) -> str:
    pos = synset.rsplit("-", 1)[-1]
    return "a" if pos == "s" else pos


def read_omw(path: Path) -> dict[str, tuple[str, ...]]:
    """Synset -> lemmas from an OMW ``.tab`` file (plain or gzipped)."""
    members: dict[str, list[str]] = {}
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rt", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("#"):
                    continue
                fields = line.rstrip("\n").split("\t")
                if len(fields) != 3 or not fields[1].endswith(":lemma"):
                    continue
                lemma = nfc(fields[2].strip())
                if not lemma or " " in lemma:
                    continue  # multi-word lemmas cannot replace one word
                words = members.setdefault(fields[0], [])
                if lemma not in words:
                    words.append(lemma)
    except (OSError, UnicodeDecodeError, EOFError) as exc:
        raise RbxError(f"cannot read wordnet {path}: {exc}") from None
    return {k: tuple(v) for k, v in members.items()}


@lru_cache(maxsize=16)
def _load(lang: str, path: str | None) -> WordNet:
    if path is not None:
        file = Path(path).expanduser()
        if not file.is_file():
            raise RbxError(f"wordnet file not found: {file}")
        origin = str(file)
    else:
        file = BUNDLED_DIR / f"{lang}.tsv.gz"
        if not file.is_file():
            return WordNet(lang, "none", {}, {})
        origin = f"bundled:{file.name}"
    members = read_omw(file)
    by_word: dict[str, list[str]] = {}
    for synset, lemmas in members.items():
        for lemma in lemmas:
            by_word.setdefault(lemma.casefold(), []).append(synset)
    return WordNet(lang, origin, members, {k: tuple(v) for k, v in by_word.items()})


def load_wordnet(lang: str, path: str | Path | None = None) -> WordNet:
    """The wordnet of ``lang`` (an empty one where none is bundled and no path is given)."""
    return _load(validate_lang(lang), None if path is None else str(path))
