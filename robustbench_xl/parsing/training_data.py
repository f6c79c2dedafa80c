"""Turn UD ``.conllu`` files into the inputs of stanza's training entry points.

Card
* What: reads and validates treebanks (broken trees are an RbxError naming file and sentence),
  drops empty nodes and enhanced dependencies, replaces lemmas by forms (the pipeline's lemmatizer
  is ``identity``), shuffles with a seed, holds out a small "tune" part
  for stanza's early stopping, and writes: ``train.conllu``/``tune.conllu`` (tagger, parser, MWT)
  plus the raw text, character labels and MWT list the tokenizer needs, made with stanza's own
  converters (``conllu_to_text`` and ``prepare_tokenizer_data``).
* Languages: any UD treebank.
* Example::

    data = prepare_training_data(["ko_kaist-ud-dev.conllu"], workdir, seed=0)
    data.train_conllu, data.tune_txt, data.has_mwt
"""

from __future__ import annotations

import contextlib
import io
import json
import random
from dataclasses import dataclass
from pathlib import Path

from ..errors import RbxError
from .conllu import read_conllu_text, read_utf8


@dataclass(frozen=True)
class TrainingData:
    workdir: Path
    train_sentences: int
    tune_sentences: int
    train_words: int
    has_mwt: bool
    avg_sentence_chars: float

    def file(self, part: str, suffix: str) -> Path:
        return self.workdir / f"{part}{suffix}"


def read_blocks(path: Path) -> list[list[str]]:
    """Sentence blocks of a CoNLL-U file, validated, without empty nodes or enhanced deps."""
    raw = read_utf8(path, "treebank")
    read_conllu_text(raw, source=str(path))  # validates every tree, errors name the sentence
    blocks = []
    for chunk in raw.replace("\r\n", "\n").split("\n\n"):
        lines = []
        for line in chunk.split("\n"):
            if not line.strip():
                continue
            if line.startswith("#"):
                lines.append(line)
                continue
            cols = line.split("\t")
            if "." in cols[0]:
                continue  # empty node: enhanced UD only
            cols[8] = "_"  # enhanced deps may point at the dropped empty nodes
            if "-" not in cols[0]:
                # the pipeline's lemmatizer is "identity" (lemma = form), and stanza's parser embeds
                # lemmas: train it on what it will see, not on gold lemmas it never gets
                cols[2] = cols[1]
            lines.append("\t".join(cols))
        if any(not line.startswith("#") for line in lines):
            blocks.append(lines)
    return blocks


def prepare_training_data(treebanks: list[str | Path], workdir: Path, seed: int = 0,
                          tune_fraction: float = 0.1, max_tune: int = 300) -> TrainingData:
    """Write the files stanza's trainers read (see the module card) into ``workdir``."""
    if not treebanks:
        raise RbxError("give at least one --treebank FILE.conllu")
    blocks = [block for path in treebanks for block in read_blocks(Path(path))]
    if len(blocks) < 4:
        raise RbxError(f"{len(blocks)} sentences in {', '.join(map(str, treebanks))}: too few to train on")
    random.Random(seed).shuffle(blocks)
    n_tune = max(2, min(max_tune, int(len(blocks) * tune_fraction)))
    parts = {"tune": blocks[:n_tune], "train": blocks[n_tune:]}
    workdir.mkdir(parents=True, exist_ok=True)
    chars = sentences = 0
    for part, part_blocks in parts.items():
        conllu = workdir / f"{part}.conllu"
        conllu.write_text("".join("\n".join(b) + "\n\n" for b in part_blocks), encoding="utf-8")
        _tokenizer_files(conllu, workdir, part)
        if part == "train":
            labels = (workdir / f"{part}.toklabels").read_text(encoding="utf-8")
            chars = len(labels.replace("\n", ""))
            sentences = labels.count("2") + labels.count("4")
    has_mwt = bool(json.loads((workdir / "train-mwt.json").read_text(encoding="utf-8")))
    words = sum(1 for b in parts["train"] for line in b if line[:1].isdigit() and "-" not in line.split("\t")[0])
    return TrainingData(workdir=workdir, train_sentences=len(parts["train"]), tune_sentences=n_tune,
                        train_words=words, has_mwt=has_mwt,
                        avg_sentence_chars=chars / max(sentences, 1))


def _tokenizer_files(conllu: Path, workdir: Path, part: str) -> None:
    from stanza.utils.datasets import prepare_tokenizer_data
    from stanza.utils.datasets.conllu_to_text import convert_text

    text = workdir / f"{part}.txt"
    convert_text(str(conllu), str(text))
    with contextlib.redirect_stdout(io.StringIO()):
        try:
            prepare_tokenizer_data.main([str(text), str(conllu), "-o", str(workdir / f"{part}.toklabels"),
                                         "-m", str(workdir / f"{part}-mwt.json")])
        except AssertionError as error:
            raise RbxError(f"forms and raw text disagree in {conllu.name} ({error}); "
                           f"check the treebank's SpaceAfter=No marks") from None
