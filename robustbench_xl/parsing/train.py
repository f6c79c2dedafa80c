"""Train a small offline stanza parser (tokenize, [mwt,] pos, depparse) from UD ``.conllu`` files.

Card
* What: runs stanza's own training entry points in-process (``stanza.models.tokenizer``,
  ``mwt_expander --dict_only``, ``tagger`` and ``parser`` with ``--no_pretrain``; lemma is
  ``identity``) with small sizes, on CPU, then writes a folder that ``stanza.Pipeline`` loads
  offline: the model files (weights stored as fp16 to halve the size; stanza casts them back to
  fp32 on load), a minimal ``resources.json`` and ``rbx_parser.json`` (language, treebanks with their
  UD commit and licence, sizes, timings, hyperparameters).
* Profiles: ``small`` (the shipped parsers: a few minutes per language on one CPU thread) and
  ``tiny`` (seconds; for tests and smoke runs - a poor parser).
* Languages: any UD treebank. Where the language registry says so (``parser.dictionary``: ja zh,
  whose text has no spaces) the tokenizer trains twice as long with ``--use_dictionary`` (a word
  list from the training data), and with ``--skip_newline`` where ``parser.skip_newline`` (zh), as
  stanza does for them; a code the registry does not know gets neither.
* Example::

    report = train_parser("ko", ["UD_Korean-Kaist/ko_kaist-ud-dev.conllu"])  # -> $RBX_HOME/parsers/ko
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import math
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Callable

from ..errors import RbxError
from ..lang import ParserFacts, find_language
from .pipelines import META_FILE, clear_pipelines, user_parser_dir
from .training_data import TrainingData, prepare_training_data

PROFILES: dict[str, dict[str, dict]] = {
    "small": {
        "tokenize": {"steps": 800, "eval_steps": 200, "hidden_dim": 48, "emb_dim": 24, "batch_size": 32},
        "pos": {"max_steps": 1500, "eval_interval": 250, "batch_size": 32, "hidden_dim": 150,
                "char_hidden_dim": 150, "word_emb_dim": 50, "char_emb_dim": 50, "tag_emb_dim": 20,
                "deep_biaff_hidden_dim": 100, "composite_deep_biaff_hidden_dim": 50,
                "transformed_dim": 50, "num_layers": 1, "word_cutoff": 2, "dropout": 0.33,
                "word_dropout": 0.2},
        "depparse": {"max_steps": 800, "eval_interval": 200, "batch_size": 1000, "hidden_dim": 128,
                     "char_hidden_dim": 100, "word_emb_dim": 50, "char_emb_dim": 50, "tag_emb_dim": 20,
                     "deep_biaff_hidden_dim": 64, "transformed_dim": 50, "num_layers": 2,
                     "word_cutoff": 2, "dropout": 0.33, "word_dropout": 0.2, "optim": "adam", "lr": 0.002},
    },
    "tiny": {
        "tokenize": {"steps": 30, "eval_steps": 15, "hidden_dim": 16, "emb_dim": 8, "batch_size": 16},
        "pos": {"max_steps": 30, "eval_interval": 15, "batch_size": 16, "hidden_dim": 16,
                "char_hidden_dim": 16, "word_emb_dim": 16, "char_emb_dim": 8, "tag_emb_dim": 8,
                "deep_biaff_hidden_dim": 16, "composite_deep_biaff_hidden_dim": 8,
                "transformed_dim": 8, "num_layers": 1, "word_cutoff": 1},
        "depparse": {"max_steps": 30, "eval_interval": 15, "batch_size": 300, "hidden_dim": 16,
                     "char_hidden_dim": 16, "word_emb_dim": 16, "char_emb_dim": 8, "tag_emb_dim": 8,
                     "deep_biaff_hidden_dim": 16, "deep_biaff_output_dim": 8, "transformed_dim": 8,
                     "num_layers": 1, "word_cutoff": 1},
    },
}
STAGES = ("tokenize", "mwt", "pos", "depparse")


def parser_facts(lang: str) -> ParserFacts:
    """The registry's stanza settings for ``lang``; plain defaults for any other UD language."""
    language = find_language(lang)
    return language.parser if language else ParserFacts(treebank="")


@dataclass
class TrainReport:
    lang: str
    out_dir: str
    seconds: dict[str, float] = field(default_factory=dict)
    sizes: dict[str, int] = field(default_factory=dict)
    train_sentences: int = 0
    train_words: int = 0

    @property
    def total_seconds(self) -> float:
        return round(sum(self.seconds.values()), 1)

    @property
    def total_bytes(self) -> int:
        return sum(self.sizes.values())


def train_parser(lang: str, treebanks: list[str | Path], out_dir: str | Path | None = None,
                 profile: str = "small", max_steps: int | None = None, threads: int = 1, seed: int = 0,
                 on_stage: Callable[[str], None] | None = None, verbose: bool = False) -> TrainReport:
    """Train and write a parser folder (see the module card); ``out_dir`` defaults to
    ``$RBX_HOME/parsers/<lang>``, which :func:`get_pipeline` finds before the shipped parsers."""
    lang = (lang or "").strip().lower()
    if not lang.isalpha() or len(lang) > 8:
        raise RbxError(f"--lang must be a language code such as ko, got {lang!r}")
    if profile not in PROFILES:
        raise RbxError(f"unknown profile {profile!r}; choose one of {', '.join(PROFILES)}")
    out = Path(out_dir).expanduser() if out_dir else user_parser_dir(lang)
    settings = {stage: dict(values) for stage, values in PROFILES[profile].items()}
    if parser_facts(lang).dictionary:
        # no spaces between words: the tokenizer has much more to learn
        settings["tokenize"]["steps"] *= 2
    if max_steps is not None:
        for stage, key, every in (("tokenize", "steps", "eval_steps"), ("pos", "max_steps", "eval_interval"),
                                  ("depparse", "max_steps", "eval_interval")):
            settings[stage][key] = max(1, min(settings[stage][key], max_steps))
            # stanza's tagger crashes when it never evaluates, so evaluate at least at the end
            settings[stage][every] = min(settings[stage][every], settings[stage][key])
    import torch

    old_threads = torch.get_num_threads()
    torch.set_num_threads(max(1, threads))
    report = TrainReport(lang=lang, out_dir=str(out))
    try:
        with tempfile.TemporaryDirectory(prefix=f"rbx-parser-{lang}-") as tmp, _quiet_stanza(verbose):
            work = Path(tmp)
            start = time.perf_counter()
            data = prepare_training_data(treebanks, work / "data", seed=seed)
            report.seconds["prepare"] = round(time.perf_counter() - start, 1)
            report.train_sentences, report.train_words = data.train_sentences, data.train_words
            models = work / "models"
            for stage in STAGES:
                if stage == "mwt" and not data.has_mwt:
                    continue
                if on_stage:
                    on_stage(stage)
                start = time.perf_counter()
                _run_stage(stage, lang, data, models, settings.get(stage, {}), seed)
                report.seconds[stage] = round(time.perf_counter() - start, 1)
                if not (models / f"{stage}.pt").is_file():
                    raise RbxError(f"stanza's {stage} training produced no model (too little data?)")
            _write_folder(out, lang, models, data, treebanks, profile, settings, seed, report)
    finally:
        torch.set_num_threads(old_threads)
    clear_pipelines()
    return report


@contextlib.contextmanager
def _quiet_stanza(verbose: bool):
    import stanza.models._training_logging  # noqa: F401 - sets stanza's logger to DEBUG on import

    logger = logging.getLogger("stanza")
    old = logger.level
    if not verbose:
        logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(old)


def _flags(values: dict) -> list[str]:
    return [item for key, value in values.items() for item in (f"--{key}", str(value))]


def _run_stage(stage: str, lang: str, data: TrainingData, models: Path, values: dict, seed: int) -> None:
    shorthand = f"{lang}_rbx"
    common = ["--mode", "train", "--lang", lang, "--shorthand", shorthand, "--save_dir", str(models),
              "--save_name", f"{stage}.pt", "--seed", str(seed), "--cpu"]
    train, tune = str(data.file("train", ".conllu")), str(data.file("tune", ".conllu"))
    if stage == "tokenize":
        from stanza.models import tokenizer
        from stanza.models.tokenization import utils as tok_utils

        seqlen = max(100, math.ceil(data.avg_sentence_chars * 3 / 100) * 100)
        args = common + ["--txt_file", str(data.file("train", ".txt")),
                         "--label_file", str(data.file("train", ".toklabels")),
                         "--dev_txt_file", str(data.file("tune", ".txt")),
                         "--dev_label_file", str(data.file("tune", ".toklabels")),
                         "--mwt_json_file", str(data.file("train", "-mwt.json")),
                         "--max_seqlen", str(seqlen), "--report_steps", "1000000"] + _flags(values)
        facts = parser_facts(lang)
        if facts.skip_newline:
            args.append("--skip_newline")
        if facts.dictionary:
            # stanza reads the lexicon from TOKENIZE_DATA_DIR/<shorthand>.train.gold.conllu
            shutil.copy(train, data.workdir / f"{shorthand}.train.gold.conllu")
            args.append("--use_dictionary")
        saved = tok_utils.paths.get("TOKENIZE_DATA_DIR")
        tok_utils.paths["TOKENIZE_DATA_DIR"] = str(data.workdir)
        try:
            tokenizer.main(args)
        finally:
            tok_utils.paths["TOKENIZE_DATA_DIR"] = saved
    elif stage == "mwt":
        from stanza.models import mwt_expander

        mwt_expander.main(common + ["--train_file", train, "--eval_file", tune, "--gold_file", tune,
                                    "--dict_only"])
    elif stage == "pos":
        from stanza.models import tagger

        tagger.main(common + ["--train_file", train, "--eval_file", tune, "--no_pretrain",
                              "--fix_eval_interval", "--log_step", "1000000"] + _flags(values))
    else:
        from stanza.models import parser

        parser.main(common + ["--train_file", train, "--eval_file", tune, "--no_pretrain",
                              "--no_checkpoint", "--log_step", "1000000"] + _flags(values))


def _to_fp16(path: Path) -> None:
    """Store float32 weights as float16; stanza's load_state_dict copies them into fp32 params."""
    import torch

    checkpoint = torch.load(path, map_location="cpu", weights_only=False)
    state = checkpoint.get("model") if isinstance(checkpoint, dict) else None
    if not isinstance(state, dict):
        return
    for key, tensor in state.items():
        if torch.is_tensor(tensor) and tensor.dtype == torch.float32:
            state[key] = tensor.half()
    torch.save(checkpoint, path)


def treebank_provenance(path: Path) -> dict:
    """Name, UD commit (from a SOURCES.txt beside the UD_* folder) and licence of a treebank file."""
    path = Path(path).resolve()
    info = {"file": path.name, "sha256": hashlib.sha256(path.read_bytes()).hexdigest()[:16]}
    folder = path.parent
    if folder.name.startswith("UD_"):
        info["treebank"] = folder.name
        sources = folder.parent / "SOURCES.txt"
        if sources.is_file():
            for line in sources.read_text(encoding="utf-8").splitlines():
                parts = line.split()
                if len(parts) == 2 and parts[0] == folder.name:
                    info["ud_commit"] = parts[1]
        readme = folder / "README.md"
        if readme.is_file():
            for line in readme.read_text(encoding="utf-8", errors="replace").splitlines():
                if line.startswith("License:"):
                    info["license"] = line.split(":", 1)[1].strip()
    return info


def _write_folder(out: Path, lang: str, models: Path, data: TrainingData, treebanks, profile: str,
                  settings: dict, seed: int, report: TrainReport) -> None:
    staging = out.with_name(out.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    names = {stage: f"{stage}.pt" for stage in STAGES if (models / f"{stage}.pt").is_file()}
    for name in names.values():
        shutil.copy(models / name, staging / name)
        _to_fp16(staging / name)
        report.sizes[name] = (staging / name).stat().st_size
    package = {stage: "rbx" for stage in names}
    resources = {lang: {"lang_name": lang, "packages": {"rbx": package},
                        "default_processors": package, **{stage: {"rbx": {}} for stage in names}}}
    (staging / "resources.json").write_text(json.dumps(resources, indent=1), encoding="utf-8")
    meta = {"format": 1, "lang": lang, "models": names, "lemma": "identity", "profile": profile,
            "seed": seed, "stanza_version": metadata.version("stanza"),
            "treebanks": [treebank_provenance(Path(t)) for t in treebanks],
            "train_sentences": data.train_sentences, "tune_sentences": data.tune_sentences,
            "train_words": data.train_words, "train_seconds": report.seconds,
            "hyperparameters": settings, "sizes": report.sizes,
            "note": "trained by `rbx parsers train` with stanza's own trainers, --no_pretrain, on CPU"}
    (staging / META_FILE).write_text(json.dumps(meta, indent=1, ensure_ascii=False), encoding="utf-8")
    if out.exists():
        if not (out / META_FILE).is_file() and any(out.iterdir()):
            shutil.rmtree(staging, ignore_errors=True)
            raise RbxError(f"{out} exists and is not an rbx parser folder; choose another --out")
        shutil.rmtree(out)
    staging.rename(out)
