"""Rewrite results written before run identities were portable, without re-running any attack.

What it does: :func:`migrate_results` walks a results folder. Each cell folder whose ``run.json`` /
``summary.json`` holds a legacy identity (one that names the checkpoint folder, with a fingerprint
that hashed ``_name_or_path`` and ``transformers_version``) gets the identity the runner computes
today (:func:`robustbench_xl.runner.cell_config`): the model's content fingerprint instead of its
folder, a new ``config_hash`` (:func:`robustbench_xl.runner.config_hash`), and the machine facts
(checkpoint folder, library versions, the old fingerprint and hash) moved under ``provenance``.
``examples.jsonl`` is never rewritten (its records hold no paths; a line naming the recorded
checkpoint is reported). The ``_plans`` records get paths relative to the results root.
Checks: each model is resolved once per id (a shipped victim id, or ``models={id: spec}``); its old
fingerprint is recomputed from its weights with the recorded path and transformers version, and a
mismatch refuses the cell (other weights made those results). When the old fingerprint cannot be
reproduced (another transformers version writes other config keys), a shipped victim is accepted if
its delta's content hash is the one in the recorded cache folder name. Idempotent: a migrated cell
is left as it is. A summary written before a metric existed (``coverage``) gets it from its examples
(``results.refresh_summary_metrics``).
Example::

    report = migrate_results("leaderboard/pawsx-full/results")   # rbx results migrate FOLDER
    report.counts   # {"migrated": 33, "unchanged": 0}
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import RbxError
from .results import EXAMPLES_FILE, RUN_FILE, SUMMARY_FILE

_CACHE_MARK = "/.cache/robustbench_xl/"
_HOME = re.compile(r"^(/root|/home/[^/]+|/Users/[^/]+)(/|$)")


@dataclass
class ModelIdentity:
    id: str
    spec: str
    fingerprint: str
    verified: str  # how the recorded results were tied to these weights


@dataclass
class MigrationReport:
    folder: Path
    migrated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    plan_files: list[str] = field(default_factory=list)
    metrics_added: list[str] = field(default_factory=list)  # cells whose summary gained newer metrics
    warnings: list[str] = field(default_factory=list)
    models: dict[str, ModelIdentity] = field(default_factory=dict)

    @property
    def counts(self) -> dict:
        return {"migrated": len(self.migrated), "unchanged": len(self.unchanged)}


def portable_recorded_path(path: str | None) -> str | None:
    """A machine path recorded elsewhere, written portably: ``$RBX_HOME/...`` for rbx's default
    cache, ``~/...`` under a home folder, else as recorded."""
    if not path:
        return path
    text = str(path)
    if _CACHE_MARK in text and _HOME.match(text):
        return "$RBX_HOME/" + text.split(_CACHE_MARK, 1)[1]
    match = _HOME.match(text)
    if match:
        return "~" + text[len(match.group(1)):]
    return text


def _read_json(path: Path) -> dict | None:
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RbxError(f"{path}: unreadable ({type(exc).__name__}); fix or delete it, then migrate again") from None


class _Models:
    """Each model of the results resolved and fingerprinted once."""

    def __init__(self, specs: dict[str, str] | None):
        self.specs = dict(specs or {})
        self.done: dict[tuple, ModelIdentity] = {}

    def identity(self, recorded_model: dict, transformers_version: str | None, where: Path) -> ModelIdentity:
        mid = recorded_model["id"]
        checkpoint = recorded_model.get("checkpoint")
        old = recorded_model.get("fingerprint")
        key = (mid, checkpoint, old, transformers_version)
        if key not in self.done:
            self.done[key] = self._resolve(mid, checkpoint, old, transformers_version, where)
        return self.done[key]

    def _spec(self, mid: str, checkpoint: str | None, where: Path) -> str:
        from .models.victims import victim_folder

        if mid in self.specs:
            return self.specs[mid]
        if victim_folder(mid) is not None:
            return mid
        folder = Path(checkpoint).expanduser() if checkpoint else None
        if folder is not None and folder.is_dir():
            marker = folder / "rbx-victim.json"  # a victim rebuilt from a delta: its identity is the delta's
            if marker.is_file():
                delta = json.loads(marker.read_text(encoding="utf-8")).get("delta")
                if delta and victim_folder(delta) is not None:
                    return delta
            return checkpoint
        raise RbxError(f"{where}: model {mid!r} is not a shipped victim and its recorded checkpoint "
                       f"{checkpoint} is not here; pass --model {mid}=FOLDER (or hub id)")

    def _resolve(self, mid, checkpoint, old, transformers_version, where) -> ModelIdentity:
        from .models.loading import folder_fingerprint, hub_fingerprint, legacy_fingerprint, model_fingerprint
        from .models.victims import delta_cache_name, resolve_victim, victim_folder

        spec = self._spec(mid, checkpoint, where)
        delta = victim_folder(spec)
        path = Path(spec).expanduser()
        if delta is not None:
            folder, fingerprint = resolve_victim(spec), model_fingerprint(spec)
        elif path.is_dir():
            folder, fingerprint = path, folder_fingerprint(path)
        else:
            folder, fingerprint = None, None
        # The old fingerprint, recomputed from these weights as the machine that wrote the results did.
        from transformers import AutoConfig
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()
        try:
            config = AutoConfig.from_pretrained(str(folder) if folder is not None else spec)
        except (OSError, ValueError) as exc:
            raise RbxError(f"{where}: cannot load the config of {spec}: {str(exc).splitlines()[0][:200]}") from None
        if fingerprint is None:
            fingerprint = hub_fingerprint(spec, config)
        legacy_config = config.to_dict()
        if checkpoint is not None:
            legacy_config["_name_or_path"] = checkpoint
        if transformers_version:
            legacy_config["transformers_version"] = transformers_version
        old_now = legacy_fingerprint(legacy_config, weights=folder, hub_id=spec if folder is None else None)
        if old is None:
            verified = "none: the results record no fingerprint"
        elif old_now == old:
            verified = "weights: the recorded fingerprint was reproduced from these weights"
        elif delta is not None and checkpoint and Path(checkpoint).name == delta_cache_name(spec):
            verified = ("delta: the shipped delta's content hash is the one in the recorded checkpoint folder "
                        "name (the old fingerprint could not be reproduced with this transformers version)")
        else:
            raise RbxError(f"{where}: the results were made with other weights than {spec} has now "
                           f"(fingerprint {str(old)[:12]}, these weights give {old_now[:12]}); "
                           "not migrated: re-run these cells, or pass --model ID=SPEC for the right model")
        return ModelIdentity(mid, spec, fingerprint, verified)


def _replace_keys(payload: dict, values: dict, drop: tuple = ()) -> dict:
    """``payload`` with ``values`` set in place (new keys appended), ``drop`` removed: key order kept."""
    out = {k: values.get(k, v) for k, v in payload.items() if k not in drop}
    out.update({k: v for k, v in values.items() if k not in out})
    return out


def migrate_identity(recorded: dict, fingerprint: str) -> dict:
    """A legacy cell identity rewritten as :func:`robustbench_xl.runner.cell_config` writes it today."""
    from .runner import _DEFAULT_PRECISIONS, _data_identity

    model = recorded["model"]
    data = dict(recorded["data"])
    data["dataset"], data["source"] = _data_identity(data["dataset"], data["source"])
    identity = {
        "model": {"id": model["id"], "fingerprint": fingerprint, "label_order": list(model["label_order"])},
        "lang": recorded["lang"],
        "recipe": dict(recorded["recipe"]),
        "data": data,
        "examples_fingerprint": recorded["examples_fingerprint"],
        "seed": recorded["seed"], "query_budget": recorded["query_budget"], "max_length": recorded["max_length"],
        "perturb": recorded["perturb"], "max_chars": recorded["max_chars"],
    }
    if recorded.get("precision") not in _DEFAULT_PRECISIONS:
        identity["precision"] = recorded["precision"]
    return identity


def _legacy_provenance(recorded: dict, summary: dict | None, model: ModelIdentity) -> dict:
    from . import __version__

    old_model = recorded["model"]
    data = recorded.get("data") or {}
    named = data.get("dataset") in ("pawsx", "pawsx-hub")
    return {"checkpoint": portable_recorded_path(old_model.get("checkpoint")), "model_spec": model.spec,
            "rbx_home": None, "repository": None,
            "dataset": data.get("dataset") if named else portable_recorded_path(data.get("dataset")),
            "data_source": data.get("source") if named else portable_recorded_path(data.get("source")),
            "versions": (summary or {}).get("versions"),
            "migrated": {"by": f"rbx results migrate (robustbench_xl {__version__})",
                         "legacy_fingerprint": old_model.get("fingerprint"), "verified": model.verified}}


def _cell_folders(folder: Path) -> list[Path]:
    found = set()
    for name in (RUN_FILE, SUMMARY_FILE):
        for path in folder.rglob(name):
            if "_plans" not in path.relative_to(folder).parts:
                found.add(path.parent)
    return sorted(found)


def _migrate_cell(cell: Path, models: _Models, report: MigrationReport, dry_run: bool) -> None:
    from .results import write_json_atomic
    from .runner import config_hash, is_legacy_config

    run, summary = _read_json(cell / RUN_FILE), _read_json(cell / SUMMARY_FILE)
    recorded = (run or {}).get("config") or (summary or {}).get("config")
    name = cell.relative_to(report.folder).as_posix()
    if not isinstance(recorded, dict):
        report.warnings.append(f"{cell}: no recorded config in {RUN_FILE} or {SUMMARY_FILE}; left as it is")
        return
    if run and summary and run.get("config_hash") != summary.get("config_hash"):
        report.warnings.append(f"{cell}: {RUN_FILE} and {SUMMARY_FILE} record different config hashes; "
                               f"the {RUN_FILE} config is used")
    if not is_legacy_config(recorded):
        current = [d for d in (run, summary) if d is not None]
        if all(d.get("config_hash") == config_hash(d.get("config", recorded)) and "provenance" in d
               and "versions" not in d for d in current):
            report.unchanged.append(name)
            return
    versions = (summary or {}).get("versions") or ((summary or {}).get("provenance") or {}).get("versions") or {}
    if is_legacy_config(recorded):
        model = models.identity(recorded["model"], versions.get("transformers"), cell)
        identity = migrate_identity(recorded, model.fingerprint)
        provenance = _legacy_provenance(recorded, summary, model)
        report.models[model.id] = model
    else:  # a portable identity whose files are only partly in today's form
        identity = recorded
        provenance = (summary or {}).get("provenance") or (run or {}).get("provenance") or {}
        if summary and "versions" in summary:
            provenance = {**provenance, "versions": summary["versions"]}
    new_hash = config_hash(identity)
    checkpoint = (recorded.get("model") or {}).get("checkpoint")
    examples = cell / EXAMPLES_FILE
    if checkpoint and examples.is_file() and checkpoint.encode() in examples.read_bytes():
        report.warnings.append(f"{examples}: names the checkpoint folder {checkpoint}; not rewritten")
    report.migrated.append(name)
    if dry_run:
        return
    if run is not None:
        write_json_atomic(cell / RUN_FILE, _replace_keys(run, {"config": identity, "config_hash": new_hash,
                                                              "provenance": provenance}))
    if summary is not None:
        values = {"config": identity, "config_hash": new_hash, "provenance": provenance}
        if isinstance(summary.get("model"), dict):
            values["model"] = identity["model"]
        write_json_atomic(cell / SUMMARY_FILE, _replace_keys(summary, values, drop=("versions",)))


def _refresh_metrics(cell: Path, report: MigrationReport, dry_run: bool) -> None:
    """Metrics that newer rbx versions compute (coverage) added to an older summary, from its examples."""
    from .results import refresh_summary_metrics

    try:
        added = refresh_summary_metrics(cell, dry_run=dry_run)
    except RbxError as error:
        report.warnings.append(str(error))
        return
    if added:
        report.metrics_added.append(cell.relative_to(report.folder).as_posix())


def _relative(path: str | None, base: str | None) -> str | None:
    """A recorded absolute path relative to the recorded results root (both written by one machine)."""
    if not path or not base or not os.path.isabs(path) or not os.path.isabs(base):
        return path
    return Path(os.path.relpath(path, base)).as_posix()


def _migrate_plan_records(folder: Path, report: MigrationReport, dry_run: bool) -> None:
    from .plans.manifest import IDENTITY_FILE, PLANS_DIR
    from .results import write_json_atomic

    plans = folder / PLANS_DIR
    if not plans.is_dir():
        return
    here = str(folder.resolve())
    for plan_dir in sorted(p for p in plans.iterdir() if p.is_dir() and p.name != "_locks"):
        reports = sorted(plan_dir.glob("report*.json"))
        recorded_outs = [(_read_json(r) or {}).get("out") for r in reports]
        base = next((o for o in recorded_outs if o and os.path.isabs(o)), here)
        for path in [plan_dir / IDENTITY_FILE, *reports]:
            payload = _read_json(path)
            if payload is None:
                continue
            own = payload.get("out") if isinstance(payload.get("out"), str) and os.path.isabs(payload["out"]) else base
            values = {}
            if isinstance(payload.get("plan_file"), str) and os.path.isabs(payload["plan_file"]):
                values["plan_file"] = _relative(payload["plan_file"], own)
            if "out" in payload and isinstance(payload["out"], str) and os.path.isabs(payload["out"]):
                values["out"] = "."
            if isinstance(payload.get("failures_file"), str) and os.path.isabs(payload["failures_file"]):
                values["failures_file"] = _relative(payload["failures_file"], own)
            cells = payload.get("cells")
            if isinstance(cells, list) and any(isinstance(c, dict) and os.path.isabs(str(c.get("root", "")))
                                               for c in cells):
                values["cells"] = [{**c, "root": _relative(c["root"], own)} if isinstance(c, dict) and "root" in c
                                   else c for c in cells]
            if values:
                report.plan_files.append(path.relative_to(folder).as_posix())
                if not dry_run:
                    write_json_atomic(path, _replace_keys(payload, values))


def migrate_results(folder: str | Path, models: dict[str, str] | None = None, dry_run: bool = False) -> MigrationReport:
    """Migrate every cell under ``folder`` to portable identities (see the module doc); returns what
    was done. ``models``: model id -> checkpoint folder / hub id / victim id, for models that are
    not shipped victims and whose recorded folder is not on this machine."""
    folder = Path(folder).expanduser()
    if not folder.is_dir():
        raise RbxError(f"{folder} is not a folder")
    report = MigrationReport(folder)
    cells = _cell_folders(folder)
    if not cells:
        raise RbxError(f"{folder}: no results ({RUN_FILE} / {SUMMARY_FILE}) below it")
    resolver = _Models(models)
    for cell in cells:
        _migrate_cell(cell, resolver, report, dry_run)
        _refresh_metrics(cell, report, dry_run)
    _migrate_plan_records(folder, report, dry_run)
    return report


__all__ = ["MigrationReport", "migrate_identity", "migrate_results", "portable_recorded_path"]
