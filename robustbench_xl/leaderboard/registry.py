"""The model registry: one ``leaderboard/models/<id>.yaml`` per model, validated against a schema.

Card
- What: ``load_registry(folder)`` reads every ``*.yaml`` entry, checks it against ``FIELDS`` and the
  regime rules, and returns the valid entries plus one warning per malformed file (naming the file
  and the field), so one bad entry never stops the leaderboard.
- Schema: ``id`` (matches the file name), ``display_name``, ``checkpoint`` (path, hub id or shipped
  victim id), ``base_model``, ``regime`` (``standard`` | ``stilts``), ``intermediate_task`` (required
  for ``stilts``, absent or null for ``standard``), ``seed`` (int >= 0), ``training_data``, and the
  optional ``link``, ``notes``, ``learned`` (default true; ``false`` for a seed that never left the
  class prior: shown in the model table, left out of the regime comparison) and ``learned_note``
  (required when ``learned`` is false: why, with the numbers). Unknown keys are errors (usually typos).
- Example::

      id: xlmr-base-stilts-mnli-s1
      display_name: XLM-R base, STILTs (MNLI), seed 1
      checkpoint: ./checkpoints/xlmr-stilts-s1
      base_model: xlm-roberta-base
      regime: stilts
      intermediate_task: mnli
      seed: 1
      training_data: PAWS-Wiki en train pool
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from pathlib import Path

from robustbench_xl.errors import RbxError

REGIMES = ("standard", "stilts")
ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")

# name -> (python type, required, description). Documented in docs/leaderboard.md.
FIELDS: dict[str, tuple[type, bool, str]] = {
    "id": (str, True, "registry id; equals the file name and the results folder name"),
    "display_name": (str, True, "name shown on the leaderboard"),
    "checkpoint": (str, True, "path, hub id or shipped victim id"),
    "base_model": (str, True, "pre-trained model the checkpoint was fine-tuned from"),
    "regime": (str, True, "standard | stilts"),
    "intermediate_task": (str, False, "STILTs intermediate task; required when regime is stilts"),
    "seed": (int, True, "fine-tuning seed"),
    "training_data": (str, True, "what the model was fine-tuned on"),
    "link": (str, False, "URL of the paper, card or checkpoint"),
    "notes": (str, False, "free text"),
    "learned": (bool, False, "false for a seed that stayed at the class prior (default true)"),
    "learned_note": (str, False, "why the seed counts as not learned; required when learned is false"),
}


@dataclass(frozen=True)
class ModelEntry:
    """One validated registry entry."""

    id: str
    display_name: str
    checkpoint: str
    base_model: str
    regime: str
    seed: int
    training_data: str
    intermediate_task: str | None = None
    link: str | None = None
    notes: str | None = None
    learned: bool = True
    learned_note: str | None = None
    source: str = ""

    def to_json(self) -> dict:
        data = asdict(self)
        data.pop("source")
        if self.learned:  # the default: only a seed marked learned: false carries the two fields
            data.pop("learned")
            data.pop("learned_note")
        return data


def validate_entry(data: object, file_stem: str) -> list[str]:
    """Problems with one parsed YAML entry, each as ``field 'name': what is wrong``."""
    if not isinstance(data, dict):
        return [f"the file must hold a mapping of fields, got {type(data).__name__}"]
    problems = []
    for key in data:
        if key not in FIELDS:
            problems.append(f"field {key!r}: unknown field (known: {', '.join(FIELDS)})")
    for name, (kind, required, _) in FIELDS.items():
        value = data.get(name)
        if value is None:
            if required:
                problems.append(f"field {name!r}: missing (required: {FIELDS[name][2]})")
            continue
        # bool is an int in Python; a seed of `true` is a typo, not a seed.
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            problems.append(f"field {name!r}: expected {kind.__name__}, got {type(value).__name__} {value!r}")
        elif kind is str and not value.strip():
            problems.append(f"field {name!r}: empty")
    entry_id = data.get("id")
    if isinstance(entry_id, str):
        if not ID_PATTERN.match(entry_id):
            problems.append(f"field 'id': {entry_id!r} may hold only letters, digits, '.', '_' and '-'")
        elif entry_id != file_stem:
            problems.append(f"field 'id': {entry_id!r} does not match the file name {file_stem!r}")
    regime = data.get("regime")
    if isinstance(regime, str) and regime not in REGIMES:
        problems.append(f"field 'regime': {regime!r} is not one of {', '.join(REGIMES)}")
    task = data.get("intermediate_task")
    if regime == "stilts" and not task:
        problems.append("field 'intermediate_task': required when regime is 'stilts'")
    if regime == "standard" and task:
        problems.append("field 'intermediate_task': must be absent when regime is 'standard'")
    if data.get("learned") is False and not data.get("learned_note"):
        problems.append("field 'learned_note': required when learned is false (say why, e.g. the dev "
                        "accuracy against the majority rate)")
    seed = data.get("seed")
    if isinstance(seed, int) and not isinstance(seed, bool) and seed < 0:
        problems.append(f"field 'seed': must be >= 0, got {seed}")
    return problems


def load_registry(folder: str | Path) -> tuple[dict[str, ModelEntry], list[str]]:
    """Valid entries by id, and a warning for each file that could not be used (or a missing folder)."""
    import yaml

    root = Path(folder)
    if not root.exists():
        # Results can still be shown (as unregistered models); the warning says what is missing.
        return {}, [f"{root}: no model registry folder; every model is shown as unregistered "
                    "(add leaderboard/models/<id>.yaml entries, see docs/leaderboard.md)"]
    if not root.is_dir():
        raise RbxError(f"model registry {root} is not a folder")
    entries: dict[str, ModelEntry] = {}
    warnings: list[str] = []
    for path in sorted(list(root.glob("*.yaml")) + list(root.glob("*.yml"))):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError) as error:
            first_line = str(error).splitlines()[0] if str(error) else type(error).__name__
            warnings.append(f"{path}: not valid YAML ({first_line}); entry skipped")
            continue
        problems = validate_entry(data, path.stem)
        if problems:
            warnings.extend(f"{path}: {problem}; entry skipped" for problem in problems)
            continue
        known = {name: data.get(name) for name in FIELDS}
        known["learned"] = known["learned"] is not False
        if known["id"] in entries:
            warnings.append(f"{path}: field 'id': {known['id']!r} is also defined in "
                            f"{entries[known['id']].source}; entry skipped")
            continue
        entries[known["id"]] = ModelEntry(**known, source=str(path))
    return entries, warnings
