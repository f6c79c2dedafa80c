"""Parse texts with the parse cache in front: look up, parse only the misses in one batch, store.

Card
* What: :func:`parse_texts` returns one :class:`ParsedSentence` per input text, in input order.
  Cached parses (same language, parser identity and version, text) are reused without loading
  stanza at all; misses are parsed in one batched stanza call (one ``Document`` per text, so each
  text keeps its own character offsets) and stored. :func:`parse_dataset` fills the cache for a
  PAWS-X split ahead of an attack (``rbx parse``).
* Skips, never tracebacks: empty text -> ``skip_reason="empty text"``; a text stanza cannot handle
  -> ``skip_reason="stanza failed: ..."``; several sentences in one text -> merged and flagged
  (``n_sentences > 1``, see :mod:`.trees`).
* Languages: any with a parser (see :mod:`.pipelines`).
* Example::

    parses = parse_texts("de", ["Der Hund schläft.", ""])
    parses[0].root.text, parses[1].skip_reason     # ('schläft', 'empty text')
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..errors import RbxError
from .cache import ParseCache, cache_key
from .pipelines import get_pipeline, locate_parser
from .trees import ParsedSentence, from_stanza_document

# How often stanza really ran; tests and the benchmark read these to prove cache hits.
PARSE_COUNTERS = {"stanza_calls": 0, "texts_parsed": 0}
_DEFAULT_CACHE: dict[str, ParseCache] = {}


def _default_cache() -> ParseCache:
    from .cache import default_cache_path

    path = str(default_cache_path())  # follows $RBX_HOME even when it changes (tests)
    if path not in _DEFAULT_CACHE:
        _DEFAULT_CACHE[path] = ParseCache(path)
    return _DEFAULT_CACHE[path]


def parse_texts(lang: str, texts: list[str], parser_dir: str | Path | None = None, download: bool = False,
                cache: ParseCache | bool = True) -> list[ParsedSentence]:
    """Parse ``texts`` (see the module card). ``cache=False`` parses everything and stores nothing;
    a :class:`ParseCache` uses that file instead of ``$RBX_HOME/parses/parses.sqlite``."""
    if isinstance(texts, str):
        raise RbxError("parse_texts takes a list of texts, not one string")
    for i, text in enumerate(texts):
        if not isinstance(text, str):
            raise RbxError(f"text {i} is a {type(text).__name__}, not a string")
    results: dict[str, ParsedSentence] = {}
    todo = []
    for text in dict.fromkeys(texts):
        if not text.strip():
            results[text] = ParsedSentence.skipped(text, "empty text")
        else:
            todo.append(text)
    if todo:
        source = locate_parser(lang, parser_dir, download)
        store = _default_cache() if cache is True else (cache or None)
        keys = {text: cache_key(source.lang, source.identity, text) for text in todo} if store else {}
        if store:
            hits = store.get_many(list(keys.values()))
            for text in todo:
                if keys[text] in hits:
                    results[text] = hits[keys[text]]
        misses = [text for text in todo if text not in results]
        if misses:
            parsed = _parse_with_stanza(get_pipeline(lang, parser_dir, download), misses)
            results.update(zip(misses, parsed))
            if store:
                store.put_many({keys[t]: p for t, p in zip(misses, parsed)}, source.lang, source.identity)
    return [results[text] for text in texts]


def _parse_with_stanza(nlp, texts: list[str]) -> list[ParsedSentence]:
    from stanza import Document

    PARSE_COUNTERS["stanza_calls"] += 1
    PARSE_COUNTERS["texts_parsed"] += len(texts)
    try:
        docs = nlp([Document([], text=text) for text in texts])
        return [from_stanza_document(text, doc) for text, doc in zip(texts, docs)]
    except Exception:  # noqa: BLE001 - one bad text must not sink the batch: retry one by one
        pass
    parsed = []
    for text in texts:
        try:
            PARSE_COUNTERS["stanza_calls"] += 1
            parsed.append(from_stanza_document(text, nlp(Document([], text=text))))
        except Exception as error:  # noqa: BLE001 - stanza/torch raise many types on odd input
            parsed.append(ParsedSentence.skipped(text, f"stanza failed: {type(error).__name__}: "
                                                       f"{str(error)[:120]}"))
    return parsed


@dataclass
class ParseReport:
    """What :func:`parse_dataset` did."""

    lang: str
    parser: str
    source: str
    texts: int
    cached_before: int
    parsed: int
    skipped: int
    merged: int
    seconds: float
    cache_path: str

    def to_json(self) -> dict:
        return dict(self.__dict__)


def dataset_texts(lang: str, dataset: str = "pawsx", split: str = "dev", n: int | None = None,
                  seed: int = 0) -> list[str]:
    """Unique sentence1/sentence2 texts of a PAWS-X-style source (``robustbench_xl.data``)."""
    from ..data import load_examples

    sample = load_examples(dataset, lang, split, n=n, seed=seed)
    return list(dict.fromkeys(t for ex in sample.examples for t in (ex.sentence1, ex.sentence2)))


def parse_dataset(lang: str, dataset: str = "pawsx", split: str = "dev", n: int | None = None,
                  seed: int = 0, parser_dir: str | Path | None = None, download: bool = False,
                  batch_size: int = 64, on_batch: Callable[[int, int], None] | None = None) -> ParseReport:
    """Fill the parse cache with every sentence of a dataset; ``on_batch(done, total)`` reports."""
    if batch_size < 1:
        raise RbxError("--batch-size must be at least 1")
    start = time.perf_counter()
    texts = dataset_texts(lang, dataset, split, n, seed)
    source = locate_parser(lang, parser_dir, download)
    cache = _default_cache()
    keys = [cache_key(source.lang, source.identity, t) for t in texts]
    cached_before = len(cache.get_many(keys))
    skipped = merged = 0
    for offset in range(0, len(texts), batch_size):
        batch = parse_texts(lang, texts[offset:offset + batch_size], parser_dir, download, cache=cache)
        skipped += sum(not p.ok for p in batch)
        merged += sum(p.merged for p in batch)
        if on_batch:
            on_batch(min(offset + batch_size, len(texts)), len(texts))
    return ParseReport(lang=source.lang, parser=source.identity, source=f"{source.origin}: {source.path}",
                       texts=len(texts), cached_before=cached_before,
                       parsed=len(texts) - cached_before - skipped, skipped=skipped, merged=merged,
                       seconds=round(time.perf_counter() - start, 2), cache_path=str(cache.path))
