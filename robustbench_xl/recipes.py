"""Recipes: declarative YAML files -> TextAttack ``Attack`` objects.

A recipe is one file ``recipes/NAME.yaml`` with: ``name``, ``version`` (bump it whenever outputs
change), ``description``, ``languages``, ``perturb`` (``sentence1``, ``sentence2`` or ``both``),
``label_preservation`` (why the gold label survives), ``transformation`` (one, or ``composite`` of
several), ``constraints``, ``search`` and ``goal``; each component is ``{type: NAME, params: {...}}``
with NAME from :data:`COMPONENTS`. Files are validated before use; a run records the recipe's
version and the hash of its file.
"""

from __future__ import annotations

import hashlib
import importlib
import inspect
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from .errors import RbxError
from .lang import LANGUAGES
from .paths import recipes_dir

PAIR_COLUMNS = ("sentence1", "sentence2")
PERTURB_CHOICES = ("sentence1", "sentence2", "both")

# kind -> type name -> ("module:attribute", receives the language and seed)
COMPONENTS: dict[str, dict[str, tuple[str, bool]]] = {
    "transformation": {
        "char-noise": ("robustbench_xl.transformations.char_noise:CharNoise", True),
        "word-order": ("robustbench_xl.transformations.word_order:WordOrder", True),
        "code-switch": ("robustbench_xl.transformations.code_switch:CodeSwitch", True),
        "pivot-synonym": ("robustbench_xl.transformations.pivot_synonym:PivotSynonym", True),
        "syntax-swap": ("robustbench_xl.transformations.syntax.swap:SyntaxSwap", True),
    },
    "constraint": {
        "repeat-modification": ("textattack.constraints.pre_transformation:RepeatModification", False),
        "max-words-perturbed": ("textattack.constraints.overlap:MaxWordsPerturbed", False),
        "protected-words": ("robustbench_xl.constraints.protected_words:ProtectedWords", True),
        "use-similarity": ("robustbench_xl.constraints.semantic_similarity:USESimilarity", False),
        "sentence-edit-budget": ("robustbench_xl.constraints.edit_budget:SentenceEditBudget", False),
    },
    "search": {
        "greedy-word-swap-wir": ("textattack.search_methods:GreedyWordSwapWIR", False),
        "greedy": ("textattack.search_methods:GreedySearch", False),
        "beam": ("textattack.search_methods:BeamSearch", False),
        "wir-with-moves": ("robustbench_xl.search_methods:WordImportanceWithMoves", False),
    },
    "goal": {
        "untargeted-classification": ("textattack.goal_functions:UntargetedClassification", False),
    },
}
_REQUIRED = ("name", "version", "description", "languages", "label_preservation", "transformation",
             "search", "goal")


@dataclass(frozen=True)
class Recipe:
    name: str
    version: int
    description: str
    languages: tuple[str, ...]
    label_preservation: str
    transformation: dict
    search: dict
    goal: dict
    constraints: tuple[dict, ...] = ()
    perturb: str = "sentence2"
    path: str = ""
    file_hash: str = ""
    raw: dict = field(default_factory=dict, compare=False, repr=False)

    def check_language(self, lang: str) -> None:
        if lang not in self.languages:
            raise RbxError(f"recipe {self.name!r} does not support {lang!r}; it supports: "
                           f"{', '.join(self.languages)}")

    def build_attack(self, lang: str, model_wrapper, perturb: str | None = None, seed: int = 0,
                     query_budget: int | None = None, model_batch_size: int = 256):
        """The TextAttack ``Attack`` for ``lang`` against ``model_wrapper``."""
        from .offline import import_textattack

        ta = import_textattack()
        self.check_language(lang)
        perturb = perturb or self.perturb
        if perturb not in PERTURB_CHOICES:
            raise RbxError(f"--perturb must be one of {', '.join(PERTURB_CHOICES)}, got {perturb!r}")
        goal = _build("goal", self.goal, lang, seed, model_wrapper,
                      query_budget=query_budget or float("inf"), model_batch_size=model_batch_size,
                      model_cache_size=2**16)
        transformation = self.build_transformation(lang, seed)
        constraints = self.build_constraints(lang, seed)
        if perturb != "both":
            # Edit one sentence only: the other stays exactly as it was.
            ignored = {c for c in PAIR_COLUMNS if c != perturb}
            constraints.append(ta.constraints.pre_transformation.InputColumnModification(
                list(PAIR_COLUMNS), ignored))
        search = _build("search", self.search, lang, seed)
        return ta.Attack(goal, constraints, transformation, search)

    def with_target_lang(self, target_lang: str) -> "Recipe":
        """This recipe with every code-switch component writing into ``target_lang`` (``--target-lang``).

        The result is a recipe of its own, ``NAME-to-XX``: its own results folder, and a file hash
        that covers the override, so it is never compared with or resumed as the original.
        """
        from .lang import validate_lang

        target_lang = validate_lang(target_lang)

        def switch(spec: dict) -> tuple[dict, bool]:
            if spec.get("type") == "composite":
                parts = [switch(part) for part in spec.get("parts", [])]
                return {**spec, "parts": [p for p, _ in parts]}, any(hit for _, hit in parts)
            if spec.get("type") != "code-switch":
                return spec, False
            return {**spec, "params": {**(spec.get("params") or {}), "target_lang": target_lang}}, True

        transformation, found = switch(self.transformation)
        if not found:
            raise RbxError(f"--target-lang applies to recipes with a code-switch transformation "
                           f"(code-switch, all); {self.name!r} has none")
        override = hashlib.sha256(f"{self.file_hash}\x1ftarget_lang={target_lang}".encode()).hexdigest()
        return replace(self, name=f"{self.name}-to-{target_lang}", transformation=transformation,
                       languages=tuple(l for l in self.languages if l != target_lang), file_hash=override)

    def build_constraints(self, lang: str, seed: int) -> list:
        """The recipe's own constraints for ``lang`` (without the column restriction)."""
        return [_build("constraint", spec, lang, seed) for spec in self.constraints]

    def build_transformation(self, lang: str, seed: int):
        """The recipe's transformation for ``lang`` (a composite keeps the parts that support it)."""
        spec = self.transformation
        if spec.get("type") == "composite":
            from .transformations.composite import FamilyComposite

            parts = [_build("transformation", part, lang, seed) for part in spec.get("parts", [])
                     if lang in part.get("languages", self.languages)]
            return FamilyComposite(parts)
        return _build("transformation", spec, lang, seed)


def _build(kind: str, spec: dict, lang: str, seed: int, *args, **extra):
    target, wants_lang = COMPONENTS[kind][spec["type"]]
    module_name, attr = target.split(":")
    if module_name.startswith("textattack"):
        from .offline import import_textattack

        import_textattack()
    cls = getattr(importlib.import_module(module_name), attr)
    params = dict(spec.get("params") or {})
    if wants_lang:
        accepted = inspect.signature(cls.__init__).parameters
        params.setdefault("lang", lang)
        if "seed" in accepted:
            params.setdefault("seed", seed)
    try:
        return cls(*args, **params, **extra)
    except TypeError as exc:
        raise RbxError(f"{kind} {spec['type']!r}: bad params {params} ({exc})") from None


def _validate_component(kind: str, spec, where: str) -> None:
    if not isinstance(spec, dict) or "type" not in spec:
        raise RbxError(f"{where}: {kind} must be a mapping with a 'type'")
    if kind == "transformation" and spec["type"] == "composite":
        parts = spec.get("parts")
        if not isinstance(parts, list) or not parts:
            raise RbxError(f"{where}: a composite transformation needs a non-empty 'parts' list")
        for part in parts:
            _validate_component("transformation", part, where)
        return
    if spec["type"] not in COMPONENTS[kind]:
        raise RbxError(f"{where}: unknown {kind} {spec['type']!r}; known: {', '.join(COMPONENTS[kind])}")
    if not isinstance(spec.get("params") or {}, dict):
        raise RbxError(f"{where}: {kind} 'params' must be a mapping")


def parse_recipe(path: Path) -> Recipe:
    """Read and validate one recipe file."""
    where = str(path)
    try:
        text = path.read_text(encoding="utf-8")
        data = yaml.safe_load(text)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise RbxError(f"{where}: unreadable recipe ({type(exc).__name__})") from None
    if not isinstance(data, dict):
        raise RbxError(f"{where}: a recipe is a YAML mapping")
    missing = [key for key in _REQUIRED if key not in data]
    if missing:
        raise RbxError(f"{where}: missing field(s) {', '.join(missing)}")
    if not isinstance(data["version"], int) or data["version"] < 1:
        raise RbxError(f"{where}: 'version' must be a positive integer")
    langs = data["languages"]
    if not isinstance(langs, list) or not langs or any(l not in LANGUAGES for l in langs):
        raise RbxError(f"{where}: 'languages' must list codes from {', '.join(LANGUAGES)}")
    if data.get("perturb", "sentence2") not in PERTURB_CHOICES:
        raise RbxError(f"{where}: 'perturb' must be one of {', '.join(PERTURB_CHOICES)}")
    if not str(data["label_preservation"]).strip():
        raise RbxError(f"{where}: 'label_preservation' must say why the gold label survives")
    _validate_component("transformation", data["transformation"], where)
    _validate_component("search", data["search"], where)
    _validate_component("goal", data["goal"], where)
    constraints = data.get("constraints") or []
    if not isinstance(constraints, list):
        raise RbxError(f"{where}: 'constraints' must be a list")
    for spec in constraints:
        _validate_component("constraint", spec, where)
    if data["name"] != path.stem:
        raise RbxError(f"{where}: name {data['name']!r} must match the file name {path.stem!r}")
    return Recipe(
        name=data["name"], version=data["version"], description=" ".join(str(data["description"]).split()),
        languages=tuple(langs), label_preservation=" ".join(str(data["label_preservation"]).split()),
        transformation=data["transformation"], search=data["search"], goal=data["goal"],
        constraints=tuple(constraints), perturb=data.get("perturb", "sentence2"), path=where,
        file_hash=hashlib.sha256(text.encode("utf-8")).hexdigest(), raw=data)


def list_recipes(directory: Path | None = None) -> list[Recipe]:
    directory = directory or recipes_dir()
    return [parse_recipe(p) for p in sorted(directory.glob("*.yaml"))]


def load_cell_recipe(name_or_path: str, target_lang: str | None = None) -> Recipe:
    """:func:`load_recipe`, with ``--target-lang`` applied when given."""
    recipe = load_recipe(name_or_path)
    return recipe.with_target_lang(target_lang) if target_lang else recipe


def load_recipe(name_or_path: str) -> Recipe:
    """A shipped recipe by name, or a recipe file by path."""
    path = Path(name_or_path)
    if path.suffix in (".yaml", ".yml") and path.is_file():
        return parse_recipe(path)
    candidate = recipes_dir() / f"{name_or_path}.yaml"
    if candidate.is_file():
        return parse_recipe(candidate)
    names = sorted(p.stem for p in recipes_dir().glob("*.yaml"))
    raise RbxError(f"unknown recipe {name_or_path!r}; available: {', '.join(names)}")
