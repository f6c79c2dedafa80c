"""Load any sequence-pair classification checkpoint as a victim (:class:`HFVictim`).

``spec`` may be a shipped victim id (see :mod:`robustbench_xl.models.victims`), a local checkpoint
folder, or a HuggingFace hub id. Weights load through ``AutoModelForSequenceClassification``:
safetensors when present, pickle weights only through ``torch.load(weights_only=True)`` (transformers'
default), and ``trust_remote_code`` only when asked. A checkpoint whose classification head is not in
the file (a base model), whose weights do not fit its config, or whose label count is not 2 is refused
with one line saying so.

A victim's ``fingerprint`` is its content, the same on every machine (:func:`model_fingerprint`): a
shipped victim or delta folder -> base id + delta hash (no rebuild needed); a checkpoint folder -> its
config.json without path/version keys, its weight files' and tokenizer files' sha256 (each file hashed
once per process); a hub id -> id, resolved revision and config. The folder a model was loaded from is
provenance (``HFVictim.checkpoint``), never part of a cell's identity.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..attack_defaults import ATTACK_DEFAULTS as DEFAULTS
from ..errors import RbxError
from .labels import label_order_from_config, parse_label_map

_CHARS_PER_TOKEN = 32  # no subword piece of a real vocabulary is longer


@dataclass
class HFVictim:
    """A HuggingFace sequence-pair classifier as a :class:`~.victim.Victim`: tokenizes pairs (truncated
    at ``max_length``, ``longest_first``), pads each batch to its longest pair, runs the forward pass
    without autograd and returns the softmax of the logits in the checkpoint's own label order."""

    id: str
    checkpoint: str
    model: object
    tokenizer: object
    label_order: tuple[int, int]
    fingerprint: str
    device: str = "cpu"
    max_length: int = DEFAULTS.max_length
    # Tokenized pairs of the last batch_order() call, so a call's misses are tokenized once.
    _encoded: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def wrapper(self, max_length: int = DEFAULTS.max_length, batch_size: int = DEFAULTS.batch_size,
                precision: str = DEFAULTS.precision):
        from .wrapper import PairClassifierWrapper

        return PairClassifierWrapper(self, max_length=max_length, batch_size=batch_size, precision=precision)

    def with_max_length(self, max_length: int) -> "HFVictim":
        """This victim truncating at ``max_length`` tokens (the same model and tokenizer)."""
        return self if max_length == self.max_length else dataclasses.replace(self, max_length=max_length)

    def encode(self, pairs: list[tuple[str, ...]]):
        # Cut very long texts before the tokenizer sees them: the fast tokenizer's pair truncation
        # builds overflow windows and can use gigabytes on 10k-character inputs. Keeping
        # _CHARS_PER_TOKEN characters per allowed token leaves the truncated result unchanged.
        limit = self.max_length * _CHARS_PER_TOKEN
        firsts = [p[0][:limit] for p in pairs]
        seconds = [p[1][:limit] for p in pairs] if len(pairs[0]) > 1 else None
        return self.tokenizer(firsts, seconds, truncation="longest_first" if seconds else True,
                              max_length=self.max_length, padding=False)

    def _features(self, pairs: list[tuple[str, ...]]) -> list[dict]:
        encoded = self.encode(pairs)
        return [{k: encoded[k][i] for k in encoded.keys()} for i in range(len(pairs))]

    def batch_order(self, pairs: list[tuple[str, ...]]) -> list[int]:
        """Pairs sorted by token length: each batch is then padded only to about its own length."""
        self._encoded = dict(zip(pairs, self._features(pairs)))
        return sorted(range(len(pairs)), key=lambda i: len(self._encoded[pairs[i]]["input_ids"]))

    def predict_proba(self, pairs: list[tuple[str, ...]]):
        import torch

        known = self._encoded
        features = [known[p] for p in pairs] if all(p in known for p in pairs) else self._features(pairs)
        batch = self.tokenizer.pad(features, padding="longest", return_tensors="pt")
        device = next(self.model.parameters()).device
        batch = {k: v.to(device) for k, v in batch.items()}
        with torch.inference_mode():
            logits = self.model(**batch).logits
        # float64 is never cast by autocast: the softmax is exact whatever the forward pass ran in.
        return torch.softmax(logits.double(), dim=-1).cpu().numpy()


def model_id_for(spec: str) -> str:
    """A short, path-safe id for results folders: a victim id, a folder name, or org--name."""
    path = Path(spec)
    name = path.name if path.exists() else spec.replace("/", "--")
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-") or "model"


def _resolve(spec: str | None) -> tuple[str, Path | str, str]:
    """(model id, folder or hub id, where it came from)."""
    from . import victims

    if spec is None:
        spec = victims.DEFAULT_VICTIM
    folder = victims.resolve_victim(spec)
    if folder is not None:
        return model_id_for(spec), Path(folder), "victim"
    path = Path(spec).expanduser()
    if path.exists():
        if not path.is_dir():
            raise RbxError(f"checkpoint {spec} is a file; give the checkpoint folder (config.json + weights)")
        if not (path / "config.json").is_file():
            raise RbxError(f"{spec} is not a checkpoint folder: config.json is missing")
        return model_id_for(str(path)), path, "local"
    if spec.startswith((".", "/", "~")) or spec.count("/") > 1:
        raise RbxError(f"checkpoint not found: {spec}")
    return model_id_for(spec), spec, "hub"


def load_victim(spec: str | None = None, label_map: str | None = None, trust_remote_code: bool = False,
                model_id: str | None = None, device: str = "cpu") -> HFVictim:
    """Load a checkpoint (default: rbx's embedded default victim) for attacking."""
    vid, source, origin = _resolve(spec)
    from transformers import AutoConfig, AutoModelForSequenceClassification, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    try:
        config = AutoConfig.from_pretrained(source, trust_remote_code=trust_remote_code)
        tokenizer = AutoTokenizer.from_pretrained(source, trust_remote_code=trust_remote_code)
        model, info = AutoModelForSequenceClassification.from_pretrained(
            source, config=config, trust_remote_code=trust_remote_code, output_loading_info=True)
    except RbxError:
        raise
    except (OSError, ValueError, RuntimeError, KeyError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        where = "from the HuggingFace hub" if origin == "hub" else f"from {source}"
        raise RbxError(f"cannot load checkpoint {where}: {first[:300]}") from None
    except Exception as exc:  # safetensors/pickle readers raise their own types on corrupt files
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise RbxError(f"corrupt checkpoint {source}: {type(exc).__name__}: {first[:300]}") from None
    missing = [k for k in info.get("missing_keys", []) if "classifier" in k or "score" in k or "head" in k]
    if missing or info.get("mismatched_keys"):
        what = f"missing {', '.join(missing[:3])}" if missing else "weights that do not fit the config"
        raise RbxError(f"checkpoint {source} is not a trained pair classifier ({what}); "
                       "fine-tune it first (rbx train) or check the folder")
    if label_map:
        order = parse_label_map(label_map, config.id2label, config.num_labels)
    else:
        order = label_order_from_config(config.id2label, config.num_labels)
    if getattr(tokenizer, "model_max_length", 0) and tokenizer.model_max_length > 10**6:
        tokenizer.model_max_length = 512
    model.to(device).eval()
    return HFVictim(model_id or vid, str(source), model, tokenizer, order, _fingerprint(spec, source, origin, config),
                    device=str(device))


# Keys of a checkpoint's config that say where it was loaded from or which library wrote it, not
# what it computes: left out of the fingerprint so that the same weights fingerprint the same on any
# machine and any transformers version.
VOLATILE_CONFIG_KEYS = frozenset({"_name_or_path", "name_or_path", "transformers_version", "_commit_hash",
                                  "_attn_implementation", "_attn_implementation_autoset",
                                  "_attn_implementation_internal", "torch_dtype", "dtype"})
# Tokenizer files hashed with the weights (their content shapes the inputs the model sees).
_TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "added_tokens.json",
                    "sentencepiece.bpe.model", "spiece.model", "vocab.txt", "merges.txt", "vocab.json")
FINGERPRINT_FORMAT = "rbx-model-fingerprint/2"

_FILE_HASHES: dict[tuple, str] = {}


def file_sha256(path: Path) -> str:
    """sha256 of a file's content, computed once per process for a given (path, size, mtime)."""
    stat = path.stat()
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    if key not in _FILE_HASHES:
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 22), b""):
                digest.update(chunk)
        _FILE_HASHES[key] = digest.hexdigest()
    return _FILE_HASHES[key]


def portable_config(config: dict) -> dict:
    """A config dict without its path and version keys (see :data:`VOLATILE_CONFIG_KEYS`), recursively."""
    if isinstance(config, dict):
        return {k: portable_config(v) for k, v in config.items() if k not in VOLATILE_CONFIG_KEYS}
    if isinstance(config, list):
        return [portable_config(v) for v in config]
    return config


def _digest(payload: dict) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def folder_fingerprint(folder: Path) -> str:
    """Content fingerprint of a checkpoint folder: its config.json (without path/version keys), the
    content of its weight files and of its tokenizer files. The same on every machine."""
    folder = Path(folder)
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    weights = sorted(folder.glob("*.safetensors")) + sorted(folder.glob("*.bin"))
    files = {p.name: file_sha256(p) for p in weights}
    tokenizer = {}
    for name in _TOKENIZER_FILES:
        path = folder / name
        if not path.is_file():
            continue
        if name.endswith(".json") and name != "tokenizer.json":
            try:
                tokenizer[name] = portable_config(json.loads(path.read_text(encoding="utf-8")))
                continue
            except (UnicodeDecodeError, json.JSONDecodeError):
                pass
        tokenizer[name] = file_sha256(path)
    return _digest({"format": FINGERPRINT_FORMAT, "kind": "checkpoint", "config": portable_config(config),
                    "weights": files, "tokenizer": tokenizer})


def hub_fingerprint(hub_id: str, config) -> str:
    """A hub checkpoint: its id, the revision it resolved to (when known) and its config."""
    return _digest({"format": FINGERPRINT_FORMAT, "kind": "hub", "id": hub_id,
                    "revision": getattr(config, "_commit_hash", None),
                    "config": portable_config(config.to_diff_dict())})


def model_fingerprint(spec: str | None) -> str:
    """The content fingerprint of what ``spec`` names, without loading the model: a shipped victim
    or delta folder -> its base id + delta hash; a local folder -> :func:`folder_fingerprint`.
    Hub ids need the loaded config (see :func:`load_victim`)."""
    from . import victims

    if spec is None:
        spec = victims.DEFAULT_VICTIM
    delta = victims.victim_folder(spec)
    if delta is not None:
        return victims.delta_fingerprint(delta)
    path = Path(spec).expanduser()
    if path.is_dir():
        return folder_fingerprint(path)
    raise RbxError(f"cannot fingerprint {spec} without loading it (not a victim or a checkpoint folder)")


def _fingerprint(spec: str | None, source: Path | str, origin: str, config) -> str:
    if origin in ("victim", "local"):
        return model_fingerprint(spec)
    return hub_fingerprint(str(source), config)


def legacy_fingerprint(config_dict: dict, weights: Path | None = None, hub_id: str | None = None) -> str:
    """The fingerprint rbx recorded before it was made portable: sha256 of ``config.to_dict()``
    (``_name_or_path`` and ``transformers_version`` included), then of the hashes of the weight files
    in ``weights`` (or of ``hub_id``). Only used by ``rbx results migrate``, to check that a folder's
    results were made with the weights it is migrated to."""
    digest = hashlib.sha256(json.dumps(config_dict, sort_keys=True, default=str).encode())
    if weights is not None:
        for path in sorted(weights.glob("*.safetensors")) + sorted(weights.glob("*.bin")):
            digest.update(file_sha256(path).encode())
    else:
        digest.update(str(hub_id).encode())
    return digest.hexdigest()
