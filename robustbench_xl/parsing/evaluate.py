"""Score a parser on a gold UD treebank: UPOS accuracy, UAS and LAS.

Card
* What: :func:`evaluate_parser` parses the gold sentences and compares word by word.
  ``gold`` tokenization (default): the gold words go straight to the tagger and parser, so the
  numbers measure tagging and parsing alone (UPOS accuracy, UAS, LAS; LAS compares the universal
  part of the relation, ``nmod:poss`` -> ``nmod``, and counts punctuation, as in CoNLL 2018).
  ``raw`` tokenization: each sentence's text goes through the whole pipeline (tokenizer and MWT
  too) and the official CoNLL 2018 scorer (stanza's copy) aligns system and gold words; the numbers
  are then F1 scores, and ``tokens`` / ``words`` F1 say how well the tokenizer did.
* Languages: any with a parser and a UD treebank. Sentences are parsed one text per document, so
  sentence splitting is not scored.
* Example::

    report = evaluate_parser("ko", "UD_Korean-Kaist/ko_kaist-ud-test.conllu")
    report.upos, report.uas, report.las      # fractions in [0, 1]
"""

from __future__ import annotations

import io
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import RbxError
from .conllu import read_conllu, to_conllu
from .pipelines import get_pipeline, locate_parser
from .trees import restore_surface


@dataclass
class EvalReport:
    lang: str
    treebank: str
    parser: str
    tokenization: str
    sentences: int
    words: int
    upos: float
    uas: float
    las: float
    seconds: float
    extra: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        return dict(self.__dict__)


def _universal(deprel: str | None) -> str:
    return (deprel or "").split(":", 1)[0]


def evaluate_parser(lang: str, treebank: str | Path, parser_dir: str | Path | None = None,
                    download: bool = False, limit: int | None = None,
                    tokenization: str = "gold") -> EvalReport:
    """Parse ``treebank``'s sentences and score them (see the module card)."""
    if tokenization not in ("gold", "raw"):
        raise RbxError(f"tokenization must be 'gold' or 'raw', got {tokenization!r}")
    gold = read_conllu(treebank)[:limit] if limit else read_conllu(treebank)
    source = locate_parser(lang, parser_dir, download)
    nlp = get_pipeline(lang, parser_dir, download)
    start = time.perf_counter()
    if tokenization == "gold":
        scores = _score_gold_tokens(nlp, gold)
    else:
        scores = _score_raw_text(nlp, gold)
    seconds = round(time.perf_counter() - start, 2)
    return EvalReport(lang=source.lang, treebank=str(treebank), parser=source.identity,
                      tokenization=tokenization, sentences=len(gold),
                      words=sum(len(s.tokens) for s in gold), seconds=seconds, **scores)


def _score_gold_tokens(nlp, gold) -> dict:
    from stanza import Document

    doc = Document([[{"id": (t.id,), "text": t.text} for t in s.tokens] for s in gold])
    doc = nlp(doc, processors="pos,lemma,depparse")
    total = upos = uas = las = 0
    for gold_sentence, sentence in zip(gold, doc.sentences):
        for expected, word in zip(gold_sentence.tokens, sentence.words):
            total += 1
            upos += word.upos == expected.upos
            if word.head == expected.head:
                uas += 1
                las += _universal(word.deprel) == _universal(expected.deprel)
    if total == 0:
        raise RbxError("the treebank has no words to score")
    return {"upos": round(upos / total, 4), "uas": round(uas / total, 4), "las": round(las / total, 4)}


def _score_raw_text(nlp, gold) -> dict:
    from stanza import Document
    from stanza.models.common.utils import ud_scores

    docs = nlp([Document([], text=s.text) for s in gold])
    for doc in docs:
        restore_surface(doc)
    system = "".join("{:C}\n\n".format(doc) for doc in docs if doc.sentences)
    try:
        scores = ud_scores(io.StringIO(to_conllu(gold)), io.StringIO(system))
    except Exception as error:  # the scorer raises UDError when texts do not align
        raise RbxError(f"the CoNLL 2018 scorer could not align system and gold words: {error}") from None
    return {"upos": round(scores["UPOS"].f1, 4), "uas": round(scores["UAS"].f1, 4),
            "las": round(scores["LAS"].f1, 4),
            "extra": {"tokens_f1": round(scores["Tokens"].f1, 4), "words_f1": round(scores["Words"].f1, 4),
                      "sentences_f1": round(scores["Sentences"].f1, 4)}}
