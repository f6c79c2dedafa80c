"""Attack plans: one YAML file -> a validated grid of attack cells (models x languages x recipes x seeds).

What it does: :func:`parse_plan` reads ``attacks/NAME.yaml`` and checks its shape (unknown keys, types,
duplicates); :func:`registry_problems` checks it against what is installed *now* (languages, recipes
from ``list_recipes()``, shipped victims, local folders, recipe supports language); :func:`load_plan`
does both and raises one line naming the file and the field. Nothing is loaded or run here.
Languages: the seven PAWS-X codes. Limits: hub model ids cannot be checked offline (only their form).
Example::

    plan = load_plan("attacks/smoke.yaml")      # RbxError "attacks/smoke.yaml: languages[1]: ..." if bad
    plan.settings_hash                           # changes when any setting that shapes outputs changes

A plan file::

    name: smoke
    models: [e5s-standard-s0, {path: ./my-ckpt, id: my-xlmr}, {hub: org/name}]
    languages: [de, ko]
    recipes: [char-noise]
    sample: {dataset: pawsx, split: dev, n: 200, seed: 0}   # or ids: [...] / ids_file: ids.txt
    seeds: [0]
    query_budget: 500
    device: auto                # auto | cpu | cuda | cuda:N | mps: where cells run (not part of their identity)
    precision: fp32             # fp32 | bf16 | fp16: in the settings and each cell's identity when not fp32
    gpus_per_cell: 1            # --executor ray: GPUs (and cpus_per_cell: CPUs) each cell asks for
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..attack_defaults import ATTACK_DEFAULTS as DEFAULTS
from ..errors import RbxError
from ..lang import LANGUAGES
from ..models.victim import run_option_problems

PLAN_KEYS = ("name", "description", "models", "languages", "recipes", "sample", "seeds", "query_budget",
             "batch_size", "max_length", "perturb", "max_chars", "exclude", "out", "device", "precision",
             "cpus_per_cell", "gpus_per_cell")
SAMPLE_KEYS = ("dataset", "split", "n", "seed", "ids", "ids_file", "columns")
MODEL_KINDS = ("victim", "path", "hub")
MODEL_KEYS = MODEL_KINDS + ("id", "label_map", "trust_remote_code")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


@dataclass(frozen=True)
class ModelEntry:
    """One model of a plan: ``spec`` is what the runner loads, ``id`` names its results folder."""

    kind: str  # victim | path | hub
    spec: str  # victim id, absolute folder, or hub id
    id: str
    label_map: str | None = None
    trust_remote_code: bool = False
    written: str = ""  # as written in the plan (hashing uses this, so moving the plan folder is harmless)
    explicit_id: bool = False

    def identity(self) -> str:
        label_map = f"|{self.label_map}" if self.label_map else ""
        return f"{self.kind}:{self.written}" + (f"#{self.id}" if self.explicit_id else "") + label_map


@dataclass(frozen=True)
class SampleSpec:
    dataset: str = DEFAULTS.dataset
    split: str = DEFAULTS.split
    n: int | None = DEFAULTS.n
    seed: int = DEFAULTS.seed
    ids: tuple[str, ...] | None = None
    columns: str | None = None


@dataclass(frozen=True)
class Plan:
    name: str
    path: str
    description: str
    models: tuple[ModelEntry, ...]
    languages: tuple[str, ...]
    recipes: tuple[str, ...]  # names of shipped recipes or absolute paths of recipe files
    sample: SampleSpec
    seeds: tuple[int, ...]
    query_budget: int = DEFAULTS.query_budget
    batch_size: int = DEFAULTS.batch_size
    max_length: int = DEFAULTS.max_length
    perturb: str | None = None
    max_chars: int = DEFAULTS.max_chars
    exclude: tuple[dict, ...] = ()
    out: str | None = None
    device: str = DEFAULTS.device
    precision: str = DEFAULTS.precision
    # Ray resources each cell asks for (provenance, like the device: they never change a cell's bytes).
    cpus_per_cell: float = 1.0
    gpus_per_cell: float = 0.0

    def settings(self) -> dict:
        """What shapes every cell's outputs: a results folder must agree on all of it (precision only
        when not fp32, so plans written before the field keep their hash; the device is provenance)."""
        s = self.sample
        settings = {"sample": {"dataset": s.dataset, "split": s.split, "n": s.n, "seed": s.seed,
                               "ids": list(s.ids) if s.ids is not None else None, "columns": s.columns},
                    "seeds": list(self.seeds), "query_budget": self.query_budget, "max_length": self.max_length,
                    "perturb": self.perturb, "max_chars": self.max_chars}
        if self.precision != "fp32":
            settings["precision"] = self.precision
        return settings

    def grid(self) -> dict:
        """Which cells exist (may grow between runs of a plan: new cells do not disturb old ones)."""
        return {"models": [m.identity() for m in self.models], "languages": list(self.languages),
                "recipes": [recipe_name(r) for r in self.recipes], "exclude": list(self.exclude)}

    @property
    def settings_hash(self) -> str:
        return _hash(self.settings())

    @property
    def plan_hash(self) -> str:
        return _hash({"settings": self.settings(), "grid": self.grid()})


def _hash(payload: dict) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def recipe_name(ref: str) -> str:
    """The results-folder name of a recipe reference (a recipe file's name equals its file stem)."""
    return Path(ref).stem if ref.endswith((".yaml", ".yml")) else ref


class _Problems(list):
    def add(self, field: str, message: str) -> None:
        self.append(f"{field}: {message}")


def _model_entry(raw, field: str, base: Path, problems: _Problems) -> ModelEntry | None:
    from ..models import model_id_for

    if isinstance(raw, str):
        raw = {"victim" if _looks_like_victim(raw) else "path" if _looks_like_path(raw) else "hub": raw}
    if not isinstance(raw, dict):
        problems.add(field, "a model is a string or a mapping {victim|path|hub: ..., id, label_map}")
        return None
    unknown = sorted(set(raw) - set(MODEL_KEYS))
    kinds = [k for k in MODEL_KINDS if k in raw]
    if unknown:
        problems.add(f"{field}.{unknown[0]}", f"unknown key; allowed: {', '.join(MODEL_KEYS)}")
        return None
    if len(kinds) != 1 or not isinstance(raw[kinds[0]], str) or not raw[kinds[0]].strip():
        problems.add(field, "give exactly one of victim: ID, path: FOLDER or hub: ORG/NAME")
        return None
    kind, written = kinds[0], raw[kinds[0]].strip()
    spec = str((base / Path(written).expanduser()).resolve()) if kind == "path" else written
    if kind == "hub" and (written.startswith((".", "/", "~")) or written.count("/") > 1):
        problems.add(f"{field}.hub", f"{written!r} is not a hub id (org/name)")
    explicit = raw.get("id")
    if explicit is not None and (not isinstance(explicit, str) or not _NAME.match(explicit)):
        problems.add(f"{field}.id", "must be a folder-safe name (letters, digits, . _ -)")
        explicit = None
    for key in ("label_map",):
        if raw.get(key) is not None and not isinstance(raw[key], str):
            problems.add(f"{field}.{key}", "must be a string like 'paraphrase=LABEL_1,not_paraphrase=LABEL_0'")
    if not isinstance(raw.get("trust_remote_code", False), bool):
        problems.add(f"{field}.trust_remote_code", "must be true or false")
    model_id = explicit or model_id_for(spec if kind == "path" else written)
    return ModelEntry(kind, spec, model_id, raw.get("label_map"), bool(raw.get("trust_remote_code", False)),
                      written=written, explicit_id=explicit is not None)


def _looks_like_path(text: str) -> bool:
    return text.startswith((".", "/", "~"))


def _looks_like_victim(text: str) -> bool:
    return "/" not in text and not _looks_like_path(text)


def _int(raw: dict, key: str, default, problems: _Problems, field: str, minimum: int = 1, none_ok=False):
    value = raw.get(key, default)
    if value is None and none_ok:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        problems.add(field, f"must be an integer >= {minimum}" + (" or null" if none_ok else "")
                     + f", got {value!r}")
        return default
    return value


def _resources(raw: dict, key: str, default: float, problems: _Problems, positive: bool) -> float:
    value = raw.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0 or (positive and value == 0):
        problems.add(key, f"must be a number {'>' if positive else '>='} 0, got {value!r}")
        return default
    return float(value)


def _string_list(raw: dict, key: str, problems: _Problems) -> list[str]:
    value = raw.get(key)
    if not isinstance(value, list) or not value:
        problems.add(key, "must be a non-empty list")
        return []
    out, seen = [], {}
    for i, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            problems.add(f"{key}[{i}]", f"must be a name, got {item!r}")
            continue
        if item in seen:
            problems.add(f"{key}[{i}]", f"duplicate {item!r} (also {key}[{seen[item]}]): it would repeat cells")
            continue
        seen[item] = i
        out.append(item.strip())
    return out


def _sample(raw, base: Path, problems: _Problems) -> SampleSpec:
    raw = {} if raw is None else raw
    if not isinstance(raw, dict):
        problems.add("sample", "must be a mapping {dataset, split, n, seed} or {dataset, split, ids}")
        return SampleSpec()
    for key in sorted(set(raw) - set(SAMPLE_KEYS)):
        problems.add(f"sample.{key}", f"unknown key; allowed: {', '.join(SAMPLE_KEYS)}")
    ids = raw.get("ids")
    if raw.get("ids_file") is not None:
        if ids is not None:
            problems.add("sample.ids_file", "give ids or ids_file, not both")
        path = base / str(raw["ids_file"])
        try:
            ids = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        except OSError as exc:
            problems.add("sample.ids_file", f"cannot read {path}: {exc.strerror or exc}")
            ids = None
    if ids is not None:
        if not isinstance(ids, list) or not ids:
            problems.add("sample.ids", "must be a non-empty list of example ids")
            ids = None
        else:
            ids = [str(i) for i in ids]
            dupes = sorted({i for i in ids if ids.count(i) > 1})
            if dupes:
                problems.add("sample.ids", f"duplicate id {dupes[0]!r}: an example would be attacked twice")
        if "n" in raw and raw["n"] is not None:
            problems.add("sample.n", "give n (with seed) or ids, not both")
    dataset = raw.get("dataset", DEFAULTS.dataset)
    if not isinstance(dataset, str) or not dataset:
        problems.add("sample.dataset", "must be 'pawsx', 'pawsx-hub' or a file/folder path")
        dataset = DEFAULTS.dataset
    elif dataset not in ("pawsx", "pawsx-hub") and (base / dataset).exists():
        dataset = str((base / dataset).resolve())
    split = raw.get("split", DEFAULTS.split)
    if not isinstance(split, str):
        problems.add("sample.split", "must be a split name such as dev or test")
        split = DEFAULTS.split
    columns = raw.get("columns")
    if columns is not None and not isinstance(columns, str):
        problems.add("sample.columns", "must be 'sentence1,sentence2,label' column names")
        columns = None
    n = None if ids is not None else _int(raw, "n", DEFAULTS.n, problems, "sample.n", none_ok=True)
    seed = _int(raw, "seed", DEFAULTS.seed, problems, "sample.seed", minimum=0)
    return SampleSpec(dataset, split, n, seed, tuple(ids) if ids is not None else None, columns)


def _check_exclude(exclude, models, languages, recipes, seeds, problems: _Problems) -> None:
    """An exclusion that matches nothing is a typo: say so instead of silently running the cells."""
    known = {"model": {m.id for m in models} | {m.written for m in models}, "lang": set(languages),
             "recipe": set(recipes), "seed": set(seeds) if isinstance(seeds, list) else set()}
    for i, rule in enumerate(exclude):
        for key, value in rule.items():
            if value not in known[key]:
                problems.add(f"exclude[{i}].{key}", f"{value!r} is not one of the plan's {key}s "
                                                     f"({', '.join(sorted(map(str, known[key])))})")


def parse_plan(path: str | Path) -> tuple[Plan | None, list[str]]:
    """Read a plan file; returns (plan, problems) where problems are 'field: message' strings."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise RbxError(f"cannot read plan {path}: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        where = getattr(exc, "problem_mark", None)
        at = f" (line {where.line + 1})" if where else ""
        raise RbxError(f"{path}: not a valid YAML file{at}") from None
    if not isinstance(raw, dict):
        return None, ["(top level): a plan is a YAML mapping"]
    problems, base = _Problems(), path.resolve().parent
    for key in sorted(set(raw) - set(PLAN_KEYS)):
        problems.add(key, f"unknown key; allowed: {', '.join(PLAN_KEYS)}")
    name = raw.get("name", path.stem)
    if not isinstance(name, str) or not _NAME.match(name):
        problems.add("name", "must be a folder-safe name (letters, digits, . _ -)")
        name = path.stem
    models_raw = raw.get("models")
    models: list[ModelEntry] = []
    if not isinstance(models_raw, list) or not models_raw:
        problems.add("models", "must be a non-empty list")
    else:
        by_id: dict[str, int] = {}
        for i, item in enumerate(models_raw):
            entry = _model_entry(item, f"models[{i}]", base, problems)
            if entry is None:
                continue
            if entry.id in by_id:
                problems.add(f"models[{i}]", f"duplicate model {entry.id!r} (also models[{by_id[entry.id]}]): "
                                             "both would write the same results folders; give one an id")
                continue
            by_id[entry.id] = i
            models.append(entry)
    languages = _string_list(raw, "languages", problems)
    for i, lang in enumerate(languages):
        if lang not in LANGUAGES:
            problems.add(f"languages[{i}]", f"unknown language {lang!r}; choose from {', '.join(LANGUAGES)}")
    recipes = [str((base / r).resolve()) if r.endswith((".yaml", ".yml")) else r
               for r in _string_list(raw, "recipes", problems)]
    sample = _sample(raw.get("sample"), base, problems)
    seeds = raw.get("seeds", [sample.seed])
    if (not isinstance(seeds, list) or not seeds
            or any(isinstance(s, bool) or not isinstance(s, int) or s < 0 for s in seeds)):
        problems.add("seeds", f"must be a non-empty list of integers >= 0, got {seeds!r}")
        seeds = [sample.seed]
    elif len(set(seeds)) != len(seeds):
        problems.add("seeds", f"duplicate seed in {seeds}: it would repeat cells")
    perturb = raw.get("perturb")
    if perturb not in (None, "sentence1", "sentence2", "both"):
        problems.add("perturb", f"must be sentence1, sentence2, both or null, got {perturb!r}")
        perturb = None
    exclude = raw.get("exclude") or []
    if not isinstance(exclude, list) or any(
            not isinstance(e, dict) or not e or set(e) - {"model", "lang", "recipe", "seed"} for e in exclude):
        problems.add("exclude", "must be a list of mappings with some of model, lang, recipe, seed")
        exclude = []
    _check_exclude(exclude, models, languages, [recipe_name(r) for r in recipes], seeds, problems)
    out = raw.get("out")
    if out is not None and not isinstance(out, str):
        problems.add("out", "must be a folder path")
        out = None
    device, precision = raw.get("device", DEFAULTS.device), raw.get("precision", DEFAULTS.precision)
    problems.extend(run_option_problems(device, precision))  # spelling only: the hardware when it runs
    description = raw.get("description", "")
    plan = Plan(name=name, path=str(path), description=" ".join(str(description or "").split()),
                models=tuple(models), languages=tuple(languages), recipes=tuple(recipes), sample=sample,
                seeds=tuple(seeds), query_budget=_int(raw, "query_budget", DEFAULTS.query_budget, problems, "query_budget"),
                batch_size=_int(raw, "batch_size", DEFAULTS.batch_size, problems, "batch_size"),
                max_length=_int(raw, "max_length", DEFAULTS.max_length, problems, "max_length", minimum=8),
                perturb=perturb, max_chars=_int(raw, "max_chars", DEFAULTS.max_chars, problems, "max_chars"),
                exclude=tuple(exclude), out=str((base / out).resolve()) if out else None,
                device=str(device).strip().lower(), precision=str(precision),
                cpus_per_cell=_resources(raw, "cpus_per_cell", Plan.cpus_per_cell, problems, positive=True),
                gpus_per_cell=_resources(raw, "gpus_per_cell", Plan.gpus_per_cell, problems, positive=False))
    return plan, list(problems)


def registry_problems(plan: Plan) -> list[str]:
    """What the plan names that is not installed here (recipes, victims, folders, language support)."""
    from ..models.victims import list_victims
    from ..recipes import list_recipes, load_recipe

    problems = _Problems()
    shipped = {r.name: r for r in list_recipes()}
    recipes = {}
    for i, ref in enumerate(plan.recipes):
        if ref in shipped:
            recipes[ref] = shipped[ref]
        elif ref.endswith((".yaml", ".yml")):
            try:
                recipes[ref] = load_recipe(ref) if Path(ref).is_file() else None
            except RbxError as exc:
                problems.add(f"recipes[{i}]", str(exc))
                continue
            if recipes[ref] is None:
                problems.add(f"recipes[{i}]", f"recipe file not found: {ref}")
        else:
            problems.add(f"recipes[{i}]", f"unknown recipe {ref!r}; installed: {', '.join(sorted(shipped))}")
    victims = list_victims()
    for i, m in enumerate(plan.models):
        if m.kind == "victim" and m.spec not in victims:
            problems.add(f"models[{i}]", f"unknown model {m.spec!r}: not a shipped victim "
                                         f"({', '.join(victims) or 'none installed'}), not a folder (./path) "
                                         "and not a hub id (org/name)")
        elif m.kind == "path":
            folder = Path(m.spec)
            if not folder.is_dir():
                problems.add(f"models[{i}].path", f"checkpoint folder not found: {m.spec}")
            elif not ((folder / "config.json").is_file() or (folder / "victim.json").is_file()):
                problems.add(f"models[{i}].path", f"{m.spec} has no config.json (nor victim.json)")
    for i, ref in enumerate(plan.recipes):
        recipe = recipes.get(ref)
        if recipe is None:
            continue
        for j, lang in enumerate(plan.languages):
            excluded = [e for e in plan.exclude if set(e) <= {"lang", "recipe"}
                        and e.get("lang", lang) == lang and e.get("recipe", recipe.name) == recipe.name]
            if lang in LANGUAGES and lang not in recipe.languages and not excluded:
                problems.add(f"recipes[{i}]", f"recipe {recipe.name!r} does not support languages[{j}] {lang!r} "
                                              f"(it supports {', '.join(recipe.languages)}); drop it or add "
                                              f"exclude: [{{lang: {lang}, recipe: {recipe.name}}}]")
    return list(problems)


def load_plan(path: str | Path, check_registry: bool = True) -> Plan:
    """Parse and validate a plan; raises RbxError naming the file and the first bad field."""
    plan, problems = parse_plan(path)
    if plan is not None and check_registry:
        problems = problems + registry_problems(plan)
    if problems:
        more = f" (and {len(problems) - 1} more; `rbx plan validate {path}` lists all)" if len(problems) > 1 else ""
        raise RbxError(f"{path}: {problems[0]}{more}")
    return plan
