"""Syntax-driven reorderings: candidates are whole-sentence rewrites made from the dependency parse.

Card
* What: a TextAttack transformation. The editable sentence is parsed once (through the persistent
  parse cache of :func:`robustbench_xl.parsing.parse_texts`); every candidate is one *move* of
  whole subtrees (:mod:`.moves`, :mod:`.moves_latin`, :mod:`.moves_cjk`, :mod:`.coordination`,
  word lists in :mod:`.rules`):
  ``scramble`` (ko ja: two adjacent case-marked phrases of one predicate trade places),
  ``front`` (an adverbial goes to the clause start; de with subject-verb inversion),
  ``postpose`` (a fronted adverbial goes back after the verb or to the end),
  ``conj-swap`` (two coordinated nominal/adjectival conjuncts trade places).
  A candidate carries its own tree (the moved tree, same relations, new offsets) in
  ``attack_attrs["syntax_trees"]``, so a second move never re-parses; ``max_moves`` (default 2)
  bounds the moves per sentence, and a move never brings back an earlier version of the sentence.
* Languages: en de es fr ja ko zh (ko: no conjunct swaps, the conjunction particle sits inside
  the eojeol). Needs a parser for the language (the shipped ones, ``rbx parsers train`` or
  stanza's models): building the transformation fails with a one-line error otherwise.
* Limits: a sentence edited by another transformation (a composite recipe) is not re-parsed
  unless ``parse_edited=True``: it simply gets no syntax moves. Every word a move shifts must be
  editable (``indices_to_modify``), so use it with ``greedy``/``beam`` search, not with
  word-importance searches that offer one index at a time. Moves are only as good as the parse.
* Example (with the shipped ko parser)::

    t = SyntaxSwap("ko")
    text = MultilingualAttackedText.from_pair("그는 부자다.", "그는 1983년에 서울로 이사했다.", ("ko", "ko"))
    [c._text_input["sentence2"] for c in t(text)]
    # ['1983년에 그는 서울로 이사했다.', '그는 서울로 1983년에 이사했다.']
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

from ...errors import RbxError
from ...lang import validate_lang
from ...offline import import_textattack
from ..base import rng_for
from .moves import ALL_KINDS, find_moves
from .tree_tools import Move, order_key

_Transformation = import_textattack().transformations.Transformation
TREES_ATTR = "syntax_trees"


@dataclass(frozen=True)
class TreeState:
    """The tree of one column's current text, how many moves made it, and the word orders it has been
    (:func:`order_key`: texts without whitespace)."""

    tree: object  # ParsedSentence
    moves: tuple[str, ...] = ()
    seen: tuple[str, ...] = ()


class SyntaxSwap(_Transformation):
    """TextAttack transformation: dependency-driven reorderings of whole subtrees (see module card)."""

    edit_family = "move"  # moves subtrees: searched as whole-sentence candidates (transformations.composite)

    def __init__(self, lang: str, seed: int = 0, max_candidates: int = 12, max_moves: int = 2,
                 moves: list[str] | tuple[str, ...] = ALL_KINDS, parser_dir: str | None = None,
                 parse_edited: bool = False, trees: dict | None = None):
        """``trees`` (optional, Python use only): text -> ParsedSentence made elsewhere (gold UD
        trees, another parser); texts found there are not parsed, and no parser is required."""
        super().__init__()
        self.lang = validate_lang(lang)
        unknown = sorted(set(moves) - set(ALL_KINDS))
        if unknown:
            raise RbxError(f"syntax-swap: unknown move(s) {', '.join(unknown)}; known: {', '.join(ALL_KINDS)}")
        if max_moves < 1 or max_candidates < 1:
            raise RbxError("syntax-swap: max_moves and max_candidates must be at least 1")
        self.seed, self.max_candidates, self.max_moves = seed, max_candidates, max_moves
        self.moves = tuple(moves)
        self.parser_dir, self.parse_edited = parser_dir, parse_edited
        self.parse_calls = 0  # how often this transformation asked parse_texts for trees
        self._given = {(self.lang, text): tree for text, tree in (trees or {}).items()}
        self._originals: OrderedDict[tuple[str, str], object] = OrderedDict()
        if not trees:
            from ...parsing import locate_parser

            locate_parser(self.lang, parser_dir)  # no parser: one clear error now, not mid-attack

    # -- trees -----------------------------------------------------------------------------------
    def _parse(self, lang: str, texts: list[str]) -> dict[str, object]:
        for text in texts:
            if (lang, text) in self._given:
                self._originals[(lang, text)] = self._given[(lang, text)]
        todo = [t for t in dict.fromkeys(texts) if (lang, t) not in self._originals]
        if todo:
            from ...parsing import parse_texts

            self.parse_calls += 1
            for text, tree in zip(todo, parse_texts(lang, todo, parser_dir=self.parser_dir)):
                self._originals[(lang, text)] = tree
                if len(self._originals) > 4096:
                    self._originals.popitem(last=False)
        return {t: self._originals[(lang, t)] for t in texts}

    def states(self, current_text, columns: list[str]) -> dict[str, TreeState]:
        """The tree state of each column in ``columns`` (parsing only unedited originals)."""
        attached = current_text.attack_attrs.get(TREES_ATTR) or {}
        modified = set(current_text.attack_attrs.get("modified_indices") or ())
        out, todo = {}, {}
        for column in columns:
            text = current_text._text_input[column]
            state = attached.get(column)
            if state is not None and state.tree.text == text:
                out[column] = state
            elif self.parse_edited or not modified & set(current_text.word_indices_of_column(column)):
                todo.setdefault(self._lang_of(current_text, column), []).append((column, text))
        for lang, items in todo.items():
            trees = self._parse(lang, [text for _, text in items])
            for column, text in items:
                out[column] = TreeState(trees[text], (), (order_key(text),))
        return out

    def _lang_of(self, current_text, column: str) -> str:
        langs = getattr(current_text, "langs", None)
        return langs[list(current_text._text_input).index(column)] if langs else self.lang

    # -- candidates ------------------------------------------------------------------------------
    def _get_transformations(self, current_text, indices_to_modify):
        indices_to_modify = set(indices_to_modify)
        columns = [c for c in current_text._text_input
                   if indices_to_modify & set(current_text.word_indices_of_column(c))]
        states = self.states(current_text, columns)
        attached = dict(current_text.attack_attrs.get(TREES_ATTR) or {})
        out = []
        for column, state in states.items():
            if len(state.moves) >= self.max_moves:
                continue
            lang = self._lang_of(current_text, column)
            words = current_text.word_indices_of_column(column)
            spans = current_text._spans[list(current_text._text_input).index(column)]
            usable = []
            for move in find_moves(state.tree, lang, self.moves):
                if order_key(move.text) in state.seen:
                    continue  # never undo an earlier move (nor land on an order seen before)
                start, end = move.changed
                touched = {words.start + k for k, (a, b) in enumerate(spans) if a < end and b > start}
                if touched and touched <= indices_to_modify:
                    usable.append(move)
            for move in self._sample(usable, state.tree.text):
                child = current_text.with_column(column, move.text)
                if child._text_input[column] != move.text:
                    continue  # NFC changed the text: its tree offsets would be wrong
                child.attack_attrs[TREES_ATTR] = {**attached, column: TreeState(
                    move.tree, state.moves + (f"{move.kind}: {move.note}",), state.seen + (order_key(move.text),))}
                out.append(child)
        return out

    def _sample(self, moves: list[Move], text: str) -> list[Move]:
        if len(moves) <= self.max_candidates:
            return moves
        keep = sorted(rng_for(self.seed, text, "syntax-swap").sample(range(len(moves)), self.max_candidates))
        return [moves[k] for k in keep]

    @property
    def deterministic(self):
        return True

    def extra_repr_keys(self):
        return ["lang", "seed", "max_candidates", "max_moves", "moves"]


def syntax_moves(lang: str, texts: list[str], parser_dir: str | None = None,
                 kinds: tuple[str, ...] = ALL_KINDS) -> list[list[Move]]:
    """The first moves of each text (parsed in one batch through the parse cache); for reports."""
    from ...parsing import parse_texts

    return [find_moves(tree, lang, kinds) for tree in parse_texts(validate_lang(lang), list(texts), parser_dir)]


def move_coverage(lang: str, n: int = 100, seed: int = 0, parser_dir: str | None = None) -> dict:
    """How many PAWS-X dev sentence2 texts (a seeded sample of ``n``) get at least one move, per kind."""
    from collections import Counter

    from ...data import load_examples

    texts = [ex.sentence2 for ex in load_examples("pawsx", lang, "dev", n=n, seed=seed).examples]
    moves = syntax_moves(lang, texts, parser_dir)
    per_kind = Counter(kind for found in moves for kind in {m.kind for m in found})
    return {"lang": lang, "sentences": len(texts), "with_move": sum(bool(m) for m in moves),
            "moves": sum(map(len, moves)), "sentences_per_kind": dict(sorted(per_kind.items()))}
