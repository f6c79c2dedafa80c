"""Reorderings of one dependency-parsed sentence: the moves behind the ``syntax-swap`` recipe.

Card
* What: :func:`find_moves` takes a :class:`~robustbench_xl.parsing.ParsedSentence` and returns every
  safe :class:`~.tree_tools.Move`: the sentence rewritten with whole subtrees in a new order, plus
  the tree of the new sentence (the same words and the same head/relation/dependent triples, new
  ids and character offsets), so a second move needs no second parse. Kinds:
  ``scramble`` (ko ja: two adjacent case-marked dependents of one predicate trade places),
  ``front`` (an adverbial subtree goes to the clause start: ko ja via case-marked runs; zh before
  the subject; en es fr to the sentence start with a comma; de with subject-verb inversion),
  ``postpose`` (a fronted adverbial goes back: en es fr to the end before the final punctuation,
  de right after the finite verb with the subject first again, zh right after the subject),
  ``conj-swap`` (two coordinated nominal or adjectival conjuncts trade places; not ko).
  Which family a language uses is the registry's ``syntax`` fact (:data:`FAMILIES`); the rules per
  language and their reasons are in :mod:`.rules`, the family modules and docs/recipes/syntax-swap.md.
  Rendering and case: see :mod:`.tree_tools`.
* Languages: en de es fr ja ko zh.
* Limits: conservative by design (see the tables): phrases with punctuation inside, quotations,
  merged multi-sentence parses and moves across other clauses are never made, and guards refuse
  the shapes the small shipped parsers typically get wrong (a cut noun phrase or date, a split
  eojeol, a name pulled into a phrase); still, the output is only as good as the parse.
* Example (a gold UD Korean-Kaist tree, as in the tests)::

    tree = read_conllu("tests/fixtures/syntax/ud_ko.conllu")[0]   # 한국적 슬기가 세계를 이긴다.
    [m.text for m in find_moves(tree, "ko")]    # ['세계를 한국적 슬기가 이긴다.']
"""

from __future__ import annotations

from ...lang import get_language
from ...lang.hangul import object_adnominal_readings
from ...parsing.trees import ParsedSentence
from . import rules
from .coordination import conjunct_swaps
from .moves_cjk import case_marked_moves, chinese_moves
from .moves_latin import german_moves, latin_moves
from .tree_tools import Move, Sent, order_key

ALL_KINDS = ("scramble", "front", "postpose", "conj-swap")


def find_moves(tree: ParsedSentence, lang: str, kinds=ALL_KINDS) -> list[Move]:
    """Every safe move of ``tree`` (see the module card); an unusable tree gives none."""
    if not tree.ok or tree.merged or any(t.start_char is None or t.end_char is None for t in tree.tokens):
        return []
    if sum(t.head == 0 for t in tree.tokens) != 1:
        return []
    s = Sent(tree)
    language = get_language(lang)
    found: list[Move | None] = family_moves(language.syntax, s, lang, kinds)
    # Eojeol carry their particles: a conjunct swap (사과와 배를) would rewrite words, not move them.
    if "conj-swap" in kinds and language.segmenter != "eojeol":
        found += conjunct_swaps(s, lang)
    out, seen = [], {order_key(tree.text)}
    hangul = language.script == "hangul"
    garden_paths = object_adnominal_readings(tree.text) if hangul else 0
    for move in found:
        if move is None or (hangul and object_adnominal_readings(move.text) > garden_paths):
            continue  # "특정 결혼을 한 마을이": an object before 한/할/된 reads as a relative clause
        if order_key(move.text) not in seen and not rules.touches_quotes(tree.text, *move.changed):
            seen.add(order_key(move.text))
            out.append(move)
    return out


def family_moves(family: str, s: Sent, lang: str, kinds) -> list[Move | None]:
    """The moves of the registry's ``syntax`` family (an unknown family gets the Latin one)."""
    return FAMILIES.get(family, FAMILIES["latin"])(s, lang, kinds)


# The registry's ``syntax`` fact -> its moves (s, lang, kinds); a new family goes here.
FAMILIES = {
    "case-marked": case_marked_moves,
    "chinese": lambda s, lang, kinds: chinese_moves(s, kinds),
    "german": lambda s, lang, kinds: german_moves(s, kinds),
    "latin": latin_moves,
}
