"""``AttackedText`` with one language per input column.

What: TextAttack's ``AttackedText`` splits *all* columns with one global rule (jieba for both
sentences of a pair as soon as one has a Han character, Korean split into syllables next to Chinese,
kana-only Japanese as a single "word"). :class:`MultilingualAttackedText` segments each column with
its own language's segmenter (:mod:`robustbench_xl.lang.segment`) and keeps word offsets, so edits
are spliced back exactly where the word was.

Languages: all seven (a pair may mix languages, e.g. for code-switching checks).

Limits: a derived text keeps the word boundaries of its parent (an edit inside a Japanese word does
not re-segment the sentence), so word indices stay stable along a search; a text built from scratch
is segmented afresh. Inputs are NFC-normalised.

Example::

    >>> t = MultilingualAttackedText.from_pair("남편은 부자", "그는 부자다", langs=("ko", "ko"))
    >>> t.words
    ['남편은', '부자', '그는', '부자다']
    >>> t.replace_word_at_index(1, "부쟈").text
    '남편은 부쟈\n그는 부자다'
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Iterable, Sequence

import regex

from ..offline import import_textattack
from .normalize import nfc
from .segment import segment

_AttackedText = import_textattack().shared.AttackedText

PAIR_COLUMNS = ("sentence1", "sentence2")
_NON_SPACE = regex.compile(r"\S+")


class MultilingualAttackedText(_AttackedText):
    """An ``AttackedText`` whose columns are segmented by their own languages."""

    def __init__(self, text_input, attack_attrs=None, langs: Sequence[str] | None = None,
                 spans: Sequence[Sequence[tuple[int, int]]] | None = None):
        if isinstance(text_input, str):
            text_input = OrderedDict([("text", text_input)])
        text_input = OrderedDict((key, nfc(value)) for key, value in text_input.items())
        if langs is None:
            raise ValueError("MultilingualAttackedText needs one language per column")
        if len(langs) != len(text_input):
            raise ValueError(f"{len(langs)} languages for {len(text_input)} columns")
        self.langs = tuple(langs)
        # Word offsets per column; derived texts inherit them from their parent (see module doc).
        self._spans = [list(s) for s in spans] if spans is not None else [
            [(w.start, w.end) for w in segment(lang, text)]
            for lang, text in zip(self.langs, text_input.values())
        ]
        super().__init__(text_input, attack_attrs=attack_attrs)

    @classmethod
    def from_pair(cls, sentence1: str, sentence2: str, langs: Sequence[str]):
        return cls(OrderedDict(zip(PAIR_COLUMNS, (sentence1, sentence2))), langs=langs)

    # -- words ---------------------------------------------------------------------------
    @property
    def words_per_input(self) -> list[list[str]]:
        if not self._words_per_input:
            self._words_per_input = [
                [text[a:b] for a, b in spans]
                for text, spans in zip(self._text_input.values(), self._spans)
            ]
        return self._words_per_input

    @property
    def words(self) -> list[str]:
        if not self._words:
            self._words = [w for column in self.words_per_input for w in column]
        return self._words

    def column_of_word_index(self, i: int) -> tuple[int, int]:
        """(column number, index within that column) of global word index ``i``."""
        for col, spans in enumerate(self._spans):
            if i < len(spans):
                return col, i
            i -= len(spans)
        raise IndexError("word index out of range")

    def word_indices_of_column(self, column: str) -> range:
        start = 0
        for key, spans in zip(self._text_input, self._spans):
            if key == column:
                return range(start, start + len(spans))
            start += len(spans)
        raise KeyError(column)

    def _text_index_of_word_index(self, i: int) -> int:
        col, j = self.column_of_word_index(i)
        offset = sum(len(v) + 1 for v in list(self._text_input.values())[:col])  # "\n" joins columns
        return offset + self._spans[col][j][0]

    # -- edits ---------------------------------------------------------------------------
    def generate_new_attacked_text(self, new_words: Iterable[str]) -> "MultilingualAttackedText":
        new_words = list(new_words)
        if len(new_words) != self.num_words:
            raise ValueError(f"expected {self.num_words} words, got {len(new_words)}")
        attrs = {
            "newly_modified_indices": set(),
            "previous_attacked_text": self,
            "modified_indices": set(self.attack_attrs["modified_indices"]),
            "original_index_map": self.attack_attrs["original_index_map"].copy(),
        }
        if "label_names" in self.attack_attrs:
            attrs["label_names"] = self.attack_attrs["label_names"]
        new_columns, new_spans = [], []
        global_i, new_i = 0, 0
        for lang, text, spans in zip(self.langs, self._text_input.values(), self._spans):
            out, out_spans, cursor = [], [], 0
            for start, end in spans:
                old_word, new_seq = text[start:end], nfc(new_words[global_i])
                gap = text[cursor:start]
                if not new_seq:  # deletion: also drop one space next to the word
                    if gap.endswith(" "):
                        gap = gap[:-1]
                    elif text[end:end + 1] == " " and not out:
                        end += 1
                out.append(gap)
                base = sum(len(piece) for piece in out)
                # TextAttack's convention: a replacement is one word unless it contains spaces
                # (an insertion of several words). Re-segmenting it would move word boundaries.
                pieces = [(base + m.start(), base + m.end()) for m in _NON_SPACE.finditer(new_seq)]
                out.append(new_seq)
                out_spans.extend(pieces)
                self._track(attrs, global_i, new_i, old_word, new_seq, len(pieces))
                new_i += len(pieces)
                global_i += 1
                cursor = end
            out.append(text[cursor:])
            new_columns.append("".join(out))
            new_spans.append(out_spans)
        new_input = OrderedDict(zip(self._text_input.keys(), new_columns))
        return MultilingualAttackedText(new_input, attack_attrs=attrs, langs=self.langs, spans=new_spans)

    @staticmethod
    def _track(attrs: dict, i: int, new_i: int, old_word: str, new_seq: str, n_new: int) -> None:
        """TextAttack's bookkeeping of modified indices and the map to original word indices."""
        diff = n_new - 1
        if diff != 0:
            attrs["modified_indices"] = {
                m if m < new_i else m + diff for m in attrs["modified_indices"] if m != new_i or diff > 0
            }
            index_map = attrs["original_index_map"].copy()
            if n_new == 0:
                index_map[index_map == i] = -1
            index_map[index_map > i] += diff
            if diff > 0 and not new_seq.startswith(old_word):
                # Words were inserted before the original word: it moved right.
                index_map[index_map == i] += diff
            attrs["original_index_map"] = index_map
        if old_word != new_seq:
            for j in range(new_i, new_i + n_new):
                attrs["modified_indices"].add(j)
                attrs["newly_modified_indices"].add(j)

    def with_column(self, column: str, new_text: str) -> "MultilingualAttackedText":
        """A derived text whose ``column`` is replaced wholesale (re-segmented), e.g. after a reordering.

        Every word of that column counts as modified only if it moved or changed.
        """
        new_input = OrderedDict(self._text_input)
        new_input[column] = nfc(new_text)
        langs = self.langs
        spans = [
            [(w.start, w.end) for w in segment(lang, new_input[key])] if key == column else list(s)
            for key, lang, s in zip(self._text_input, langs, self._spans)
        ]
        attrs = {
            "previous_attacked_text": self,
            "newly_modified_indices": set(),
            "modified_indices": set(self.attack_attrs["modified_indices"]),
        }
        child = MultilingualAttackedText(new_input, attack_attrs=attrs, langs=langs, spans=spans)
        col_range_old = self.word_indices_of_column(column)
        col_range_new = child.word_indices_of_column(column)
        old_words = self.words[col_range_old.start:col_range_old.stop]
        new_words = child.words[col_range_new.start:col_range_new.stop]
        changed = {col_range_new.start + k for k, w in enumerate(new_words) if k >= len(old_words) or old_words[k] != w}
        child.attack_attrs["modified_indices"] |= changed
        child.attack_attrs["newly_modified_indices"] = changed
        if len(new_words) == len(old_words):
            child.attack_attrs["original_index_map"] = self.attack_attrs["original_index_map"].copy()
        return child
