"""One attack cell: (model, language, recipe, sample, seed) -> results folder. Resumable.

``attack(config)`` validates everything cheap first (language, recipe, device and precision, output
folder, data), then loads the model (or takes the :class:`~robustbench_xl.models.victim.Victim` it is
given: any classifier, not only a HuggingFace checkpoint), builds the TextAttack ``Attack`` from the
recipe and attacks each example, appending one line per finished example to ``examples.jsonl``
(flushed and fsynced). ``resume=True`` continues a killed run: a truncated last line is cut off and
finished examples are not redone. Each example is attacked with generators seeded from (seed, example
id) and with empty caches, so a resumed run ends byte-identical to an uninterrupted one.
"""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass
from pathlib import Path

# The identity functions live in cell_identity; they are re-exported here, where callers look for them.
from .attack_defaults import ATTACK_DEFAULTS as DEFAULTS
from .cell_identity import (_DEFAULT_PRECISIONS, NAMED_DATASETS, _data_identity, cell_config,  # noqa: F401
                            cell_provenance, config_hash, is_legacy_config, portable_path)
from .errors import RbxError
from .lang import validate_lang
from .recipes import PAIR_COLUMNS, load_cell_recipe
from .results import (CellPaths, dumps_line, make_summary, new_record, read_examples, read_run_record,
                      repair_examples_file, run_record, write_json_atomic)


@dataclass
class AttackConfig:
    """Everything that defines an attack cell (mirrors ``rbx attack``'s options)."""

    lang: str
    recipe: str
    model: str | None = None  # checkpoint folder, hub id or shipped victim id; None = default victim
    dataset: str = DEFAULTS.dataset
    split: str = DEFAULTS.split
    n: int | None = DEFAULTS.n
    seed: int = DEFAULTS.seed
    ids: list[str] | None = None
    query_budget: int = DEFAULTS.query_budget
    batch_size: int = DEFAULTS.batch_size
    max_length: int = DEFAULTS.max_length
    perturb: str | None = None
    out: str = DEFAULTS.out
    columns: str | None = None
    label_map: str | None = None
    max_chars: int = DEFAULTS.max_chars
    model_id: str | None = None
    trust_remote_code: bool = False
    target_lang: str | None = None  # code-switch recipes: write into this language (the recipe's default: None)
    device: str = DEFAULTS.device  # auto | cpu | cuda | cuda:N | mps: where the model runs (provenance only)
    precision: str = DEFAULTS.precision  # fp32 | bf16 | fp16 (autocast); in the cell's identity when not fp32


def _check_writable(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".rbx-write-test-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise RbxError(f"cannot write results to {folder}: {exc.strerror or exc}") from None


def _example_seed(seed: int, example_id: str) -> int:
    return int.from_bytes(hashlib.sha256(f"{seed}\x1f{example_id}".encode()).digest()[:4], "big")


def _seed_everything(value: int) -> None:
    import random

    import numpy as np
    import torch

    random.seed(value)
    np.random.seed(value)
    torch.manual_seed(value)


def _probs(raw) -> list[float] | None:
    if raw is None:
        return None
    return [round(float(x), 6) for x in list(raw)]


def _word_edits(lang: str, before: str, after: str) -> tuple[int, list[list[str]]]:
    """(words changed, [old, new] per change) for the record (:mod:`robustbench_xl.lang.word_diff`).
    The words of one change are joined with one space in every language: what recorded results hold."""
    from .lang.word_diff import diff_texts

    diff = diff_texts(lang, before, after)
    return diff.edited_words, [list(edit) for edit in diff.edits(" ")]


def load_cell_victim(config: AttackConfig, device: str | None = None):
    """The checkpoint a config names (label map, remote-code permission, results id), on ``device``
    (default: the config's, resolved)."""
    from .models import load_victim
    from .models.precision import resolve_device

    return load_victim(config.model, label_map=config.label_map, trust_remote_code=config.trust_remote_code,
                       model_id=config.model_id, device=device or resolve_device(config.device))


class CellRunner:
    """Attacks the examples of one cell and writes its results (use :func:`attack`)."""

    def __init__(self, config: AttackConfig, victim=None):
        """``victim``: any :class:`~robustbench_xl.models.victim.Victim`: one already loaded for
        ``config.model`` (a plan worker reuses one across cells) or a classifier that is no checkpoint
        (then ``config.model`` and its loading options are not used). By default the cell loads
        ``config.model``. A given victim computes on its own ``device``; the config's is for loading."""
        from .models.victim import check_victim, resolve_device_precision, runtime_record

        self.config = config
        self.lang = validate_lang(config.lang)
        self.recipe = load_cell_recipe(config.recipe, config.target_lang)
        self.recipe.check_language(self.lang)
        self.perturb = config.perturb or self.recipe.perturb
        if self.perturb not in ("sentence1", "sentence2", "both"):
            raise RbxError(f"--perturb must be sentence1, sentence2 or both, got {self.perturb!r}")
        if config.query_budget is not None and config.query_budget < 1:
            raise RbxError("--query-budget must be at least 1")
        if victim is not None:
            check_victim(victim)
        own_device = getattr(victim, "device", None) if victim is not None else None
        self.device, self.precision = resolve_device_precision(str(own_device) if own_device else config.device,
                                                               config.precision)
        out = Path(config.out).expanduser()
        _check_writable(out)
        from .data import load_examples

        self.sample = load_examples(config.dataset, self.lang, config.split, n=config.n, seed=config.seed,
                                    ids=config.ids, columns=config.columns)
        self.victim = victim if victim is not None else load_cell_victim(config, self.device)
        self.paths = CellPaths(out / self.victim.id / self.lang / self.recipe.name)
        self.cell_config = cell_config(config, self.victim, self.recipe, self.sample, self.lang, self.perturb)
        self.config_hash = config_hash(self.cell_config)
        self.provenance = cell_provenance(config, self.victim, self.sample, runtime_record(self.device, self.precision))

    # -- resume bookkeeping ----------------------------------------------------------------
    def _prepare_folder(self, resume: bool, overwrite: bool) -> list[dict]:
        _check_writable(self.paths.root)
        existing = self.paths.examples.exists() and self.paths.examples.stat().st_size > 0
        if existing and overwrite:
            for path in (self.paths.examples, self.paths.summary, self.paths.run):
                path.unlink(missing_ok=True)
            existing = False
        if existing:
            previous = read_run_record(self.paths.root)
            if previous.get("config_hash") != self.config_hash:
                hint = (f" (written before run identities were portable: rbx results migrate {self.paths.root})"
                        if is_legacy_config(previous.get("config")) else "")
                raise RbxError(f"{self.paths.root} holds results of a different configuration{hint}; "
                               "use another --out or --overwrite")
            if not resume:
                done, _ = read_examples(self.paths.examples)
                if len(done) < len(self.sample):
                    raise RbxError(f"{self.paths.root} has {len(done)} of {len(self.sample)} examples; "
                                   "pass --resume to continue or --overwrite to start over")
            repair_examples_file(self.paths.examples)
            done, _ = read_examples(self.paths.examples)
            expected = self.sample.ids[:len(done)]
            if [r["id"] for r in done] != expected:
                raise RbxError(f"{self.paths.examples} does not match this sample's order; use --overwrite")
            return done
        write_json_atomic(self.paths.run, run_record(self.cell_config, self.config_hash, 0.0, self.provenance))
        return []

    # -- one example -----------------------------------------------------------------------
    def _record(self, example, attack, wrapper) -> dict:
        from .lang.attacked_text import MultilingualAttackedText

        c = self.config
        record = new_record(example.id, self.lang, example.label, example.sentence1, example.sentence2)
        columns = PAIR_COLUMNS if self.perturb == "both" else (self.perturb,)
        for s in (example.sentence1, example.sentence2):
            if not s.strip():
                record["skip_reason"] = "empty sentence"
                return record
            if len(s) > c.max_chars:
                record["skip_reason"] = f"too long: {len(s)} chars > {c.max_chars}"
                return record
        text = MultilingualAttackedText.from_pair(example.sentence1, example.sentence2, (self.lang, self.lang))
        record["words_total"] = sum(len(text.words_per_input[PAIR_COLUMNS.index(col)]) for col in columns)
        _seed_everything(_example_seed(c.seed, example.id))
        attack.clear_cache()
        wrapper.clear_cache()
        try:
            result = attack.attack(text, example.label)
        except RbxError:
            raise
        except Exception as exc:  # one broken example is recorded, the others go on
            record["skip_reason"] = f"error: {type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}"
            return record
        original, perturbed = result.original_result, result.perturbed_result
        record["pred_before"] = int(original.output)
        record["prob_before"] = _probs(original.raw_output)
        record["clean_correct"] = record["pred_before"] == example.label
        kind = type(result).__name__
        if kind == "SkippedAttackResult":
            record["skip_reason"] = "misclassified"
            record["robust_correct"] = False
            return record
        record["queries"] = int(perturbed.num_queries)
        record["budget_exhausted"] = bool(c.query_budget and perturbed.num_queries >= c.query_budget)
        record["pred_after"] = int(perturbed.output)
        record["prob_after"] = _probs(perturbed.raw_output)
        if kind == "SuccessfulAttackResult":
            adv = perturbed.attacked_text
            record["status"] = "succeeded"
            record["perturbed"] = {"sentence1": adv._text_input["sentence1"], "sentence2": adv._text_input["sentence2"]}
            changed, edits = 0, []
            for col in columns:
                n, e = _word_edits(self.lang, record["original"][col], record["perturbed"][col])
                changed, edits = changed + n, edits + e
            record["words_perturbed"] = changed
            record["perturbed_share"] = round(changed / record["words_total"], 6) if record["words_total"] else None
            record["edits"] = edits
            record["robust_correct"] = False
        else:
            record["status"] = "failed"
            record["robust_correct"] = True
        return record

    # -- the run -----------------------------------------------------------------------------
    def run(self, resume: bool = False, overwrite: bool = False, progress: bool = True) -> dict:
        done = self._prepare_folder(resume, overwrite)
        todo = self.sample.examples[len(done):]
        started = time.perf_counter()
        if todo:
            from .models.wrapper import PairClassifierWrapper

            wrapper = PairClassifierWrapper(self.victim, max_length=self.config.max_length,
                                            batch_size=self.config.batch_size, precision=self.precision,
                                            device=self.device)
            attack = self.recipe.build_attack(self.lang, wrapper, perturb=self.perturb, seed=self.config.seed,
                                              query_budget=self.config.query_budget)
            self._attack_all(todo, done, attack, wrapper, progress)
        return self._finish(time.perf_counter() - started)

    def _attack_all(self, todo, done, attack, wrapper, show_progress: bool) -> None:
        from .progress import attack_progress

        counts = {"succeeded": 0, "failed": 0, "skipped": 0}
        for r in done:
            counts[r["status"]] += 1
        label = f"{self.victim.id} · {self.lang} · {self.recipe.name}"
        with open(self.paths.examples, "a", encoding="utf-8") as handle, \
                attack_progress(label, total=len(self.sample), completed=len(done), enabled=show_progress) as bar:
            for example in todo:
                record = self._record(example, attack, wrapper)
                handle.write(dumps_line(record))
                handle.flush()
                os.fsync(handle.fileno())
                counts[record["status"]] += 1
                bar.advance(counts)

    def _finish(self, elapsed: float) -> dict:
        records, _ = read_examples(self.paths.examples)
        run_info = read_run_record(self.paths.root)
        wall = round(float(run_info.get("wall_time_s", 0.0)) + elapsed, 3)
        write_json_atomic(self.paths.run, run_record(self.cell_config, self.config_hash, wall, self.provenance))
        summary = make_summary(
            records, model=self.cell_config["model"], lang=self.lang,
            recipe={"name": self.recipe.name, "version": self.recipe.version}, seed=self.config.seed,
            wall_time_s=wall, config=self.cell_config, config_hash=self.config_hash,
            examples_fingerprint=self.sample.fingerprint, complete=len(records) == len(self.sample),
            dataset={"source": self.sample.source, "dropped_untranslated": self.sample.dropped_untranslated,
                     "problems": [str(p) for p in self.sample.problems[:20]],
                     "n_problems": len(self.sample.problems)},
            provenance=self.provenance)
        write_json_atomic(self.paths.summary, summary)
        summary["results_dir"] = str(self.paths.root)
        return summary


def attack(config: AttackConfig, resume: bool = False, overwrite: bool = False, progress: bool = True,
           victim=None) -> dict:
    """Run one attack cell (see :class:`AttackConfig`); returns the summary (also in summary.json).

    ``victim``: attack this :class:`~robustbench_xl.models.victim.Victim` (e.g. a
    :class:`~robustbench_xl.models.victim.FunctionVictim`) instead of loading ``config.model``."""
    if victim is not None and config.model is not None:
        raise RbxError("give model= (a checkpoint to load) or victim= (a classifier), not both")
    return CellRunner(config, victim=victim).run(resume=resume, overwrite=overwrite, progress=progress)


def config_from_dict(values: dict) -> AttackConfig:
    known = {f for f in AttackConfig.__dataclass_fields__}
    unknown = set(values) - known
    if unknown:
        raise RbxError(f"unknown attack option(s): {', '.join(sorted(unknown))}")
    return AttackConfig(**values)


__all__ = ["AttackConfig", "CellRunner", "attack", "cell_config", "cell_provenance", "config_from_dict",
           "config_hash", "is_legacy_config", "portable_path"]
