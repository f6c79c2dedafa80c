"""Dependency parsing for all seven PAWS-X languages, offline: stanza pipelines, a persistent parse
cache, local parser training and CoNLL-U in/out.

Card
* What: ``parse_texts(lang, texts)`` -> one :class:`ParsedSentence` (a tree) per text, cached on
  disk per (language, parser identity and version, text); ``get_pipeline(lang)`` -> a
  ``stanza.Pipeline`` from, in order, an explicit folder, the user's trained parser, the parsers
  shipped in ``parsing/models/`` (trained on UD dev data, CC BY-SA 4.0), stanza's downloaded models,
  or ``stanza.download`` when ``download=True``; ``train_parser`` / ``evaluate_parser`` build and
  score parsers; ``read_conllu`` / ``to_conllu`` / ``to_stanza_document`` convert trees.
* Languages: en de es fr ja ko zh shipped; any other with a trained or downloaded stanza model.
* Limits: the shipped parsers are small (trained on ~500-2000 UD dev sentences, no pretrained
  embeddings): good enough to find heads and clause structure, not state of the art (see
  docs/parsing.md for their scores). One tree per text: multi-sentence texts are merged.
* Example::

    from robustbench_xl.parsing import parse_texts
    tree = parse_texts("ko", ["1975년 시즌은 56번째 시즌이었다."])[0]
    [(t.text, t.upos, t.head, t.deprel) for t in tree.tokens]

Heavy modules (stanza, torch) load on first use, so importing this package is cheap.
"""

from __future__ import annotations

from .trees import ParsedSentence, ParsedToken

_LAZY = {
    "get_pipeline": ("pipelines", "get_pipeline"),
    "locate_parser": ("pipelines", "locate_parser"),
    "ParserSource": ("pipelines", "ParserSource"),
    "clear_pipelines": ("pipelines", "clear_pipelines"),
    "parse_texts": ("parse", "parse_texts"),
    "parse_dataset": ("parse", "parse_dataset"),
    "ParseReport": ("parse", "ParseReport"),
    "PARSE_COUNTERS": ("parse", "PARSE_COUNTERS"),
    "ParseCache": ("cache", "ParseCache"),
    "train_parser": ("train", "train_parser"),
    "TrainReport": ("train", "TrainReport"),
    "evaluate_parser": ("evaluate", "evaluate_parser"),
    "EvalReport": ("evaluate", "EvalReport"),
    "read_conllu": ("conllu", "read_conllu"),
    "read_conllu_text": ("conllu", "read_conllu_text"),
    "to_conllu": ("conllu", "to_conllu"),
    "write_conllu": ("conllu", "write_conllu"),
    "to_stanza_document": ("conllu", "to_stanza_document"),
    "from_stanza_document": ("conllu", "from_stanza_document"),
}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        return getattr(importlib.import_module(f"{__name__}.{module}"), attr)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["ParsedSentence", "ParsedToken", *_LAZY]
