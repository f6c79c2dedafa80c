"""Rebuild the bundled dictionary and wordnet subsets from the reference data (developers only).

What: reads MUSE dictionaries and Open Multilingual Wordnet files from ``shared/data`` (not on
users' machines) and writes the small subsets rbx ships in ``resources/muse`` and
``resources/omw``, plus ``manifest.json`` (counts and sizes). Run it from the repository root::

    .venv/bin/python -m robustbench_xl.resources.build --data ../shared/data

What is kept (see ``ATTRIBUTION.md``):

* ``xx-en``: MUSE ``xx-en.txt`` pairs whose source word (or its lemma, or a Korean noun stem) occurs
  in the bundled PAWS-X dev text of ``xx``;
* ``en-xx``: MUSE ``en-xx.txt`` pairs whose English word occurs in the English PAWS-X dev text or is
  a translation kept in ``xx-en`` (so pivots ``xx -> en -> xx`` exist);
* dropped everywhere: words that map to themselves (loanwords, names) and words with an English
  function word among their translations (``est -> is, east``), with all their pairs; pairs with
  digits; and names
  (an English word written lower-case in under 10% of its mid-sentence PAWS-X occurrences, a
  ko/ja/zh word the language's analyser tags as a proper noun, an es/fr word by the English rule);
* Chinese MUSE entries are converted from traditional to simplified characters (``opencc-purepy``,
  needed only here) because PAWS-X zh is simplified;
* German targets are true-cased from PAWS-X dev, else from the wordnet lemma (``buchhalter`` ->
  ``Buchhalter``): German nouns are capitalised; MUSE is all lower-case, right for the others;
* ``omw/xx``: ``wn-wikt-*.tab`` synsets with 2 to 8 single-word members, at least one of which occurs
  in PAWS-X dev;
* ``pos/xx`` (en de es fr): word classes from Universal Dependencies dev+test treebanks (each form's
  most frequent UPOS, gender, number and verb form), the part-of-speech facts these languages have no offline
  tagger for.

Limits: the subsets cover PAWS-X dev, the benchmark's own text; for other text pass the full MUSE
file (``dictionary: PATH``).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
from collections import Counter, defaultdict
from functools import lru_cache
from pathlib import Path

from ..lang import get_language, languages, segment
from .dictionaries import PIVOT_LANG, read_muse
from .lexicon import ENGLISH, is_english_stopword, is_name_or_number, korean_stem, lemma
from .wordnet import OMW_CODES, read_omw

OUT_DIR = Path(__file__).resolve().parent
MAX_SYNSET = 8
# OpenCC conversion of a language's MUSE words (per-language data): MUSE zh is traditional, PAWS-X
# zh simplified.
MUSE_CONVERSIONS = {"zh": "t2s"}


def others() -> list[str]:
    """Every registered language but the pivot, in display order (de es fr ja ko zh)."""
    return [lang.code for lang in languages() if lang.code != PIVOT_LANG]


def ud_treebanks() -> dict[str, str]:
    """The UD treebank of each language whose word classes come from UD tables (the registry's "ud"
    analyser: en de es fr), as ``UD_English-EWT/en_ewt``."""
    return {lang.code: lang.parser.treebank for lang in languages() if lang.analyser == "ud"}


class Corpus:
    """Vocabulary and mid-sentence casing of one language's bundled PAWS-X dev text."""

    def __init__(self, lang: str, data: Path):
        from ..data import load_examples

        self.lang = lang
        self.lemma_case: dict[str, str] = {}
        wikt = data / "omw-wikt" / f"wn-wikt-{OMW_CODES[lang]}.tab"
        if get_language(lang).script == "latin" and wikt.is_file():
            for lemmas in read_omw(wikt).values():
                for w in lemmas:
                    self.lemma_case.setdefault(w.casefold(), w)
        self.vocab: set[str] = set()
        self.casing: dict[str, Counter] = defaultdict(Counter)
        latin = get_language(lang).script == "latin"
        for example in load_examples("pawsx", lang, split="dev"):
            for sentence in (example.sentence1, example.sentence2):
                for position, word in enumerate(segment(lang, sentence)):
                    key = word.text.casefold()
                    self.vocab.add(key)
                    if latin:
                        self.vocab.add(lemma(lang, key))
                        if position > 0:
                            self.casing[key][word.text] += 1
                    elif get_language(lang).segmenter == "eojeol":  # the noun stem without its particles
                        split = korean_stem(word.text)
                        if split:
                            self.vocab.add(split[0])

    def mostly_capitalised(self, word: str) -> bool:
        """Written lower-case in under 10% of its mid-sentence occurrences: a name (``Cologne``,
        ``March``), while ``river`` (``the river`` 31 times, ``... River`` 158 times) is not."""
        counts = self.casing.get(word.casefold())
        if not counts:
            return False
        lower = sum(n for form, n in counts.items() if not form[:1].isupper())
        return lower * 10 < sum(counts.values())

    def truecase(self, word: str) -> str:
        """The word's usual mid-sentence form in PAWS-X, else its wordnet lemma's case, else as is."""
        counts = self.casing.get(word.casefold())
        if counts:
            return counts.most_common(1)[0][0]
        return self.lemma_case.get(word.casefold(), word)


@lru_cache(maxsize=None)
def _converter(lang: str):
    """The OpenCC conversion for ``lang``'s MUSE words, or None."""
    config = MUSE_CONVERSIONS.get(lang)
    if config is None:
        return None
    from opencc_purepy import OpenCC

    return OpenCC(config).convert


def _is_name(lang: str, word: str, corpora: dict[str, Corpus]) -> bool:
    language = get_language(lang)
    if not language.latin:
        return is_name_or_number(lang, word)
    if not language.capitalises_nouns:
        return corpora[lang].mostly_capitalised(word)
    return any(ch.isdigit() for ch in word)  # de: every noun is capitalised; nothing to learn


def _usable_source(source_lang: str, s: str, targets: tuple[str, ...]) -> bool:
    """A word that maps to itself (loanword, name) or to a function word is dropped with all its pairs."""
    if any(t.casefold() == s.casefold() for t in targets):
        return False
    if source_lang == ENGLISH:
        return not is_english_stopword(s)
    return not any(is_english_stopword(t) for t in targets)


def _usable(source_lang: str, s: str, target_lang: str, t: str, corpora) -> bool:
    if any(ch.isdigit() for ch in s + t):
        return False
    return not (_is_name(source_lang, s, corpora) or _is_name(target_lang, t, corpora))


def _muse(data: Path, source: str, target: str, split: str) -> dict[str, tuple[str, ...]]:
    entries = read_muse(data / "muse" / f"{source}-{target}{split}.txt")
    convert_source, convert_target = _converter(source), _converter(target)
    if convert_source is None and convert_target is None:
        return entries
    out: dict[str, list[str]] = defaultdict(list)
    for s, targets in entries.items():
        s2 = convert_source(s) if convert_source else s
        for t in targets:
            t2 = convert_target(t) if convert_target else t
            if t2 not in out[s2]:
                out[s2].append(t2)
    return {k: tuple(v) for k, v in out.items()}


def _write_rows(path: Path, pairs: list[tuple[str, ...]]) -> dict:
    body = "".join("\t".join(row) + "\n" for row in pairs).encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as handle:
        handle.write(body)  # mtime 0 and no name: the same input gives the same bytes
    return {"entries": len(pairs), "sources": len({row[0] for row in pairs}), "bytes": path.stat().st_size,
            "sha256": hashlib.sha256(path.read_bytes()).hexdigest()}


def _feature(feats: str, name: str) -> str:
    for item in feats.split("|"):
        if item.startswith(name + "="):
            return item.split("=", 1)[1]
    return ""


def build_word_classes(data: Path, lang: str) -> dict:
    """``pos/{lang}.tsv.gz``: each word form's most frequent UPOS in UD dev+test, with the gender, number
    and verb form it most often has in that UPOS (``form<TAB>upos<TAB>gender<TAB>number<TAB>verbform<TAB>count``)."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for part in ("dev", "test"):
        with open(data / "ud" / f"{ud_treebanks()[lang]}-ud-{part}.conllu", encoding="utf-8") as handle:
            for line in handle:
                fields = line.rstrip("\n").split("\t")
                if len(fields) != 10 or not fields[0].isdigit():
                    continue  # comments, multi-word token ranges (1-2), empty nodes (1.1)
                form = fields[1].casefold()
                if form.isalpha() or "-" in form or "'" in form:
                    features = tuple(_feature(fields[5], name) for name in ("Gender", "Number", "VerbForm"))
                    counts[form][(fields[3], *features)] += 1
    rows = []
    for form in sorted(counts):
        by_upos: Counter = Counter()
        for (upos, *_), n in counts[form].items():
            by_upos[upos] += n
        upos = by_upos.most_common(1)[0][0]
        in_upos = [(n, k) for k, n in counts[form].items() if k[0] == upos]
        _, (_, gender, number, verb_form) = max(in_upos)
        rows.append((form, upos, gender, number, verb_form, str(sum(by_upos.values()))))
    return _write_rows(OUT_DIR / "pos" / f"{lang}.tsv.gz", rows)


def build(data: Path, split: str = "") -> dict:
    corpora = {lang: Corpus(lang, data) for lang in (PIVOT_LANG, *others())}
    manifest: dict = {"muse": {}, "omw": {}, "muse_split": split or "full"}
    for lang in others():
        to_en = _muse(data, lang, PIVOT_LANG, split)
        kept = [(s, t) for s, targets in sorted(to_en.items()) for t in targets
                if s in corpora[lang].vocab and _usable_source(lang, s, targets)
                and _usable(lang, s, PIVOT_LANG, t, corpora)]
        manifest["muse"][f"{lang}-en"] = _write_rows(OUT_DIR / "muse" / f"{lang}-en.tsv.gz", kept)
        pivots = {t.casefold() for _, t in kept}
        from_en = _muse(data, PIVOT_LANG, lang, split)
        recased = (corpora[lang].truecase if get_language(lang).capitalises_nouns else str)
        kept_back = list(dict.fromkeys(  # true-casing can make two pairs one (eye augen, eye Augen)
            (s, recased(t)) for s, targets in sorted(from_en.items()) for t in targets
            if (s in corpora[PIVOT_LANG].vocab or s in pivots) and _usable_source(PIVOT_LANG, s, targets)
            and _usable(PIVOT_LANG, s, lang, t, corpora)))
        manifest["muse"][f"en-{lang}"] = _write_rows(OUT_DIR / "muse" / f"en-{lang}.tsv.gz", kept_back)
        members = read_omw(data / "omw-wikt" / f"wn-wikt-{OMW_CODES[lang]}.tab")
        rows = []
        for synset, lemmas in sorted(members.items()):
            if 2 <= len(lemmas) <= MAX_SYNSET and any(
                    w.casefold() in corpora[lang].vocab or lemma(lang, w.casefold()) in corpora[lang].vocab
                    for w in lemmas):
                rows += [(synset, f"{OMW_CODES[lang]}:lemma", w) for w in lemmas]
        info = _write_rows(OUT_DIR / "omw" / f"{lang}.tsv.gz", rows)
        info["synsets"] = info.pop("sources")
        manifest["omw"][lang] = info
        print(lang, manifest["muse"][f"{lang}-en"]["entries"], manifest["muse"][f"en-{lang}"]["entries"],
              info["synsets"], flush=True)
    manifest["pos"] = {lang: build_word_classes(data, lang) for lang in ud_treebanks()}
    for info in manifest["pos"].values():
        info["forms"] = info.pop("sources")
    (OUT_DIR / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    return manifest


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"), help="the reference data folder")
    parser.add_argument("--split", default="", help="MUSE file suffix: '' (full), '.0-5000' or '.5000-6500'")
    args = parser.parse_args(argv)
    build(args.data, args.split)


if __name__ == "__main__":
    main()
