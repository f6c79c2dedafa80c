"""Load any sequence-pair classification checkpoint as a victim.

``spec`` may be a shipped victim id (see :mod:`robustbench_xl.models.victims`), a local checkpoint
folder, or a HuggingFace hub id. Weights load through ``AutoModelForSequenceClassification``:
safetensors when present, pickle weights only through ``torch.load(weights_only=True)`` (transformers'
default), and ``trust_remote_code`` only when asked. A checkpoint whose classification head is not in
the file (a base model), whose weights do not fit its config, or whose label count is not 2 is refused
with one line saying so.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import RbxError
from .labels import label_order_from_config, parse_label_map


@dataclass
class Victim:
    id: str
    checkpoint: str
    model: object
    tokenizer: object
    label_order: tuple[int, int]
    fingerprint: str

    def wrapper(self, max_length: int = 128, batch_size: int = 32):
        from .wrapper import PairClassifierWrapper

        return PairClassifierWrapper(self.model, self.tokenizer, self.label_order,
                                     max_length=max_length, batch_size=batch_size)


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
                model_id: str | None = None, device: str = "cpu") -> Victim:
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
    return Victim(model_id or vid, str(source), model, tokenizer, order, _fingerprint(source, config))


_FINGERPRINTS: dict[tuple, str] = {}


def _fingerprint(source: Path | str, config) -> str:
    """sha256 of the config and the weight files (cached per path, size and mtime)."""
    digest = hashlib.sha256(json.dumps(config.to_dict(), sort_keys=True, default=str).encode())
    if isinstance(source, Path):
        for weights in sorted(source.glob("*.safetensors")) + sorted(source.glob("*.bin")):
            stat = weights.stat()
            key = (str(weights.resolve()), stat.st_size, stat.st_mtime_ns)
            if key not in _FINGERPRINTS:
                file_digest = hashlib.sha256()
                with open(weights, "rb") as handle:
                    for chunk in iter(lambda: handle.read(1 << 22), b""):
                        file_digest.update(chunk)
                _FINGERPRINTS[key] = file_digest.hexdigest()
            digest.update(_FINGERPRINTS[key].encode())
    else:
        digest.update(str(source).encode())
    return digest.hexdigest()
