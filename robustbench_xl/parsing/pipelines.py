"""Find a dependency parser for a language and build its stanza Pipeline, offline.

Card
* What: :func:`get_pipeline` returns a ``stanza.Pipeline`` (tokenize, [mwt,] pos, lemma=identity,
  depparse) for a language, looked up in this order:
    1. ``parser_dir`` given by the caller: an rbx parser folder (``rbx_parser.json``), a folder
       holding ``<lang>/rbx_parser.json``, or a stanza resources folder; ``"stanza"`` means
       stanza's own resources folder (official models);
    2. the user's trained parser, ``$RBX_HOME/parsers/<lang>`` (where ``rbx parsers train`` writes);
    3. the parsers shipped inside rbx (``robustbench_xl/parsing/models/<lang>``);
    4. official stanza models already downloaded (``$STANZA_RESOURCES_DIR`` or stanza's default);
    5. only with ``download=True``: ``stanza.download(lang)`` (needs stanza's model server).
  Nothing found: one RbxError naming the commands that make one.
* Pipelines are built once per process and reused; :func:`locate_parser` (no stanza import) gives
  the parser's identity, used by the parse cache.
* Languages: the shipped models cover en de es fr ja ko zh; any stanza language via 2/4/5.
* Example::

    nlp = get_pipeline("ko")
    doc = nlp("1975년 시즌은 56번째 시즌이었다.")
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from ..errors import RbxError
from ..paths import PACKAGE_DIR, rbx_home

SHIPPED_DIR = PACKAGE_DIR / "parsing" / "models"
META_FILE = "rbx_parser.json"
STANZA_PROCESSORS = "tokenize,mwt,pos,lemma,depparse"

_PIPELINES: dict[tuple, object] = {}
_IDENTITIES: dict[tuple, str] = {}
_lock = threading.Lock()


@dataclass(frozen=True)
class ParserSource:
    """Where a language's parser comes from. ``kind``: rbx (an rbx parser folder) or stanza."""

    lang: str
    kind: str
    path: Path
    origin: str  # explicit, user, shipped, stanza, download

    @property
    def identity(self) -> str:
        """Names this parser and version: model files' hash + stanza version (parse cache key)."""
        return parser_identity(self)


def user_parser_dir(lang: str) -> Path:
    """Where ``rbx parsers train`` writes by default (searched before the shipped parsers)."""
    return rbx_home() / "parsers" / lang


def stanza_resources_dir() -> Path:
    if os.environ.get("STANZA_RESOURCES_DIR"):
        return Path(os.environ["STANZA_RESOURCES_DIR"])
    from stanza.resources.common import DEFAULT_MODEL_DIR

    return Path(DEFAULT_MODEL_DIR)


def _rbx_folder(path: Path, lang: str) -> Path | None:
    for candidate in (path, path / lang):
        if (candidate / META_FILE).is_file():
            return candidate
    return None


def _has_stanza_models(path: Path, lang: str) -> bool:
    lang_dir = path / lang
    return (path / "resources.json").is_file() and all(
        any((lang_dir / proc).glob("*.pt")) for proc in ("tokenize", "pos", "depparse"))


def _missing(lang: str, looked: list[str]) -> RbxError:
    return RbxError(
        f"no dependency parser for language {lang!r} (looked in {'; '.join(looked)}). Make one with "
        f"`rbx parsers train --lang {lang} --treebank TRAIN.conllu`, or fetch stanza's official models "
        f"with `--download` (download=True; needs internet)")


def locate_parser(lang: str, parser_dir: str | Path | None = None, download: bool = False) -> ParserSource:
    """The first parser found for ``lang`` in the order of the module card (no stanza import
    unless steps 4-5 are reached)."""
    lang = (lang or "").strip().lower()
    if not lang:
        raise RbxError("no language given for the parser")
    if parser_dir is not None and str(parser_dir) != "stanza":
        path = Path(parser_dir).expanduser()
        if not path.exists():
            raise RbxError(f"parser folder not found: {path}")
        folder = _rbx_folder(path, lang)
        if folder is not None:
            _check_meta_lang(folder, lang)
            return ParserSource(lang, "rbx", folder, "explicit")
        if _has_stanza_models(path, lang):
            return ParserSource(lang, "stanza", path, "explicit")
        raise RbxError(f"{path} holds no parser for {lang!r}: expected {META_FILE} (from `rbx parsers "
                       f"train`) in it or in {lang}/, or a stanza resources folder with {lang}/depparse")
    looked = []
    if parser_dir is None:
        for origin, folder in (("user", user_parser_dir(lang)), ("shipped", SHIPPED_DIR / lang)):
            looked.append(str(folder))
            if (folder / META_FILE).is_file():
                _check_meta_lang(folder, lang)
                return ParserSource(lang, "rbx", folder, origin)
    resources = stanza_resources_dir()
    looked.append(str(resources))
    if _has_stanza_models(resources, lang):
        return ParserSource(lang, "stanza", resources, "stanza")
    if download:
        _download(lang, resources)
        if _has_stanza_models(resources, lang):
            return ParserSource(lang, "stanza", resources, "download")
        raise RbxError(f"stanza.download({lang!r}) finished but {resources / lang} has no depparse model")
    raise _missing(lang, looked)


def _check_meta_lang(folder: Path, lang: str) -> None:
    meta = read_meta(folder)
    if meta.get("lang") != lang:
        raise RbxError(f"parser folder {folder} is for language {meta.get('lang')!r}, not {lang!r}")


def read_meta(folder: Path) -> dict:
    try:
        meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise RbxError(f"corrupt parser folder {folder}: cannot read {META_FILE} ({error}); "
                       f"retrain it with `rbx parsers train`") from None
    if not isinstance(meta, dict) or not isinstance(meta.get("models"), dict):
        raise RbxError(f"corrupt parser folder {folder}: {META_FILE} lists no models")
    return meta


def _download(lang: str, resources: Path) -> None:
    import stanza

    try:
        stanza.download(lang, model_dir=str(resources), processors=STANZA_PROCESSORS, logging_level="WARN")
    except Exception as error:  # network errors come in many types (requests, HF hub, OSError)
        raise RbxError(f"stanza.download({lang!r}) failed: {type(error).__name__}: {error}. Without "
                       f"internet, train a parser: `rbx parsers train --lang {lang} --treebank "
                       f"TRAIN.conllu`") from None


def parser_identity(source: ParserSource) -> str:
    """``kind:lang:hash@stanza-version``; the hash covers model contents (rbx) or names and sizes
    (official models, which are large), so a retrained or updated parser gets a new identity."""
    key = (source.kind, source.lang, str(source.path))
    if key in _IDENTITIES:
        return _IDENTITIES[key]
    digest = hashlib.sha256()
    if source.kind == "rbx":
        meta = read_meta(source.path)
        for name in sorted(meta["models"].values()):
            file = source.path / name
            if not file.is_file():
                raise RbxError(f"corrupt parser folder {source.path}: model file {name} is missing")
            digest.update(name.encode() + b"\0" + file.read_bytes())
    else:
        lang_dir = source.path / source.lang
        for file in sorted(lang_dir.rglob("*.pt")):
            digest.update(f"{file.relative_to(lang_dir)}:{file.stat().st_size}\n".encode())
    identity = f"{source.kind}:{source.lang}:{digest.hexdigest()[:16]}@stanza-{metadata.version('stanza')}"
    _IDENTITIES[key] = identity
    return identity


def get_pipeline(lang: str, parser_dir: str | Path | None = None, download: bool = False):
    """A ``stanza.Pipeline`` for ``lang`` (see the module card); built once per process."""
    source = locate_parser(lang, parser_dir, download)
    key = (source.lang, source.kind, str(source.path))
    with _lock:
        if key not in _PIPELINES:
            _PIPELINES[key] = _build(source)
        return _PIPELINES[key]


def _build(source: ParserSource):
    import stanza

    # No sentence splitting: a text is one sentence (PAWS-X rows are), except across blank lines.
    # With splitting on, the small tokenizers cut 5-15% of PAWS-X sentences at abbreviations.
    common = {"download_method": None, "use_gpu": False, "logging_level": "ERROR", "tokenize_no_ssplit": True}
    if source.kind == "stanza":
        kwargs = {"dir": str(source.path), "processors": STANZA_PROCESSORS, **common}
        hint = f"re-download with `--download` or delete {source.path / source.lang}"
    else:
        meta = read_meta(source.path)
        models = meta["models"]
        processors = {name: "rbx" for name in models}
        processors["lemma"] = "identity"
        kwargs = {"dir": str(source.path), "package": "rbx", "processors": processors, **common,
                  **{f"{name}_model_path": str(source.path / file) for name, file in models.items()}}
        missing = [file for file in models.values() if not (source.path / file).is_file()]
        if missing:
            raise RbxError(f"corrupt parser folder {source.path}: missing {', '.join(missing)}; retrain "
                           f"it with `rbx parsers train --lang {source.lang} ...`")
        hint = f"retrain it with `rbx parsers train --lang {source.lang} ...`"
    try:
        return stanza.Pipeline(source.lang, **kwargs)
    except Exception as error:  # a broken model file fails inside torch/pickle with many types
        raise RbxError(f"cannot load the parser in {source.path} ({type(error).__name__}: "
                       f"{str(error)[:200]}); {hint}") from None


def clear_pipelines() -> None:
    """Forget built pipelines and identities (tests; after retraining in the same process)."""
    with _lock:
        _PIPELINES.clear()
        _IDENTITIES.clear()
