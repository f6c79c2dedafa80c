"""Reorderings of one dependency-parsed sentence: the moves behind the ``syntax-swap`` recipe.

Card
* What: :func:`find_moves` takes a :class:`~robustbench_xl.parsing.ParsedSentence` and returns every
  safe :class:`Move`: the sentence rewritten with whole subtrees in a new order, plus the tree of
  the new sentence (the same words and the same head/relation/dependent triples, new ids and
  character offsets), so a second move needs no second parse. Kinds:
  ``scramble`` (ko ja: two adjacent case-marked dependents of one predicate trade places),
  ``front`` (an adverbial subtree goes to the clause start: ko ja via case-marked runs; zh before
  the subject; en es fr to the sentence start with a comma; de with subject-verb inversion),
  ``postpose`` (a fronted adverbial goes back: en es fr to the end before the final punctuation,
  de right after the finite verb with the subject first again, zh right after the subject),
  ``conj-swap`` (two coordinated nominal or adjectival conjuncts trade places; not ko).
  The rules per language and their reasons are in the module's tables and docs/recipes/syntax-swap.md.
* Rendering: ja and zh join without spaces; ko and Latin languages with one space, none before
  closing punctuation (French: a space before ; : ! ? as in French typography); a token's original
  gap to its original right neighbour is kept wherever that neighbour is unchanged, so Korean
  eojeol-internal joins and multi-word tokens (du = de le) survive. Latin case: the new first word
  is capitalised; a word that stops being first is lower-cased only when it is not a name (PROPN,
  ALL CAPS, inner capitals, en "I", de nouns); a move whose first word might be a name (NOUN) is
  not made.
* Limits: conservative by design (see the tables): phrases with punctuation inside, quotations,
  merged multi-sentence parses and moves across other clauses are never made, and guards refuse
  the shapes the small shipped parsers typically get wrong (a cut noun phrase or date, a split
  eojeol, a name pulled into a phrase); still, the output is only as good as the parse.
* Example (a gold UD Korean-Kaist tree, as in the tests)::

    tree = read_conllu("tests/fixtures/recipes_c/ud_ko.conllu")[0]   # 한국적 슬기가 세계를 이긴다.
    [m.text for m in find_moves(tree, "ko")]    # ['세계를 한국적 슬기가 이긴다.']
"""

from __future__ import annotations

from dataclasses import dataclass

from ..lang import get_language
from ..lang.hangul import object_adnominal_readings
from ..parsing.trees import ParsedSentence, ParsedToken
from . import syntax_rules as rules

ALL_KINDS = ("scramble", "front", "postpose", "conj-swap")
_CLOSE = set(",.;:!?)]}»”’%…、。，．！？；：」』）】")
_OPEN = set("([{«“‘¿¡「『（【")


@dataclass(frozen=True)
class Move:
    """One rewrite: ``kind``, a short ``note``, the new ``text`` and ``tree``, and ``changed`` =
    (start, end), the stretch of the old text whose words moved."""

    kind: str
    note: str
    text: str
    tree: ParsedSentence
    changed: tuple[int, int]


@dataclass(frozen=True)
class Comma:
    """A comma to insert after a fronted phrase; ``head`` is the old id it attaches to."""

    head: int


def base(deprel: str) -> str:
    return deprel.split(":")[0]


class Sent:
    """Index over one tree: children, subtrees, contiguous spans, multi-word-token groups."""

    def __init__(self, tree: ParsedSentence):
        self.tree, self.text, self.toks = tree, tree.text, tree.tokens
        self.n = len(self.toks)
        self.kids: dict[int, list[int]] = {i: [] for i in range(self.n + 1)}
        for t in self.toks:
            self.kids[t.head].append(t.id)
        self.root = next(t.id for t in self.toks if t.head == 0)
        self._sub: dict[int, list[int]] = {}
        # Words sharing a character span form one written token (de "zum" = zu dem).
        self.unit = {}
        for t in self.toks:
            prev = self.toks[t.id - 2] if t.id > 1 else None
            same = prev is not None and (prev.start_char, prev.end_char) == (t.start_char, t.end_char)
            self.unit[t.id] = self.unit[prev.id] if same else t.id
        end = self.n
        while end > 1 and self.is_punct(end):
            end -= 1
        self.body_end = end  # last id before the final punctuation run

    def tok(self, i: int) -> ParsedToken:
        return self.toks[i - 1]

    def low(self, i: int) -> str:
        return self.tok(i).text.casefold()

    def is_punct(self, i: int) -> bool:
        """Punctuation, whatever the tagger said: PAWS-X's `` and '' quotes often come out as X/SYM."""
        t = self.tok(i)
        return t.upos in ("PUNCT", "SYM") or not rules.WORD_CHAR.search(t.text)

    def subtree(self, i: int) -> list[int]:
        if i not in self._sub:
            out, todo = [], [i]
            while todo:
                j = todo.pop()
                out.append(j)
                todo.extend(self.kids[j])
            self._sub[i] = sorted(out)
        return self._sub[i]

    def span(self, ids) -> tuple[int, int] | None:
        """(first, last) of ``ids`` when they are contiguous, projective inside (every word
        between a word and its head hangs under that head) and cut no multi-word token."""
        ids = sorted(ids)
        if not ids or ids[-1] - ids[0] + 1 != len(ids):
            return None
        a, b = ids[0], ids[-1]
        if self.unit[a] != a or (b < self.n and self.unit[b + 1] != b + 1):
            return None
        for i in ids:
            h = self.tok(i).head
            if a <= h <= b and not set(range(min(i, h) + 1, max(i, h))) <= set(self.subtree(h)):
                return None
        return a, b

    def has_punct(self, a: int, b: int) -> bool:
        """Punctuation tokens, brackets and quotes glued inside a token (손자)로), or the final
        punctuation glued to the last word (a tokenizer that left "Maui." whole)."""
        return any(self.is_punct(i) or set(self.tok(i).text) & rules.BRACKETS or
                   (i == self.n and self.tok(i).text[-1:] in rules.FINAL_PUNCT) for i in range(a, b + 1))

    def has_digit(self, a: int, b: int) -> bool:
        return any(ch.isdigit() for i in range(a, b + 1) for ch in self.tok(i).text)

    def clausal(self, i: int) -> bool:
        """True for a word heading another clause (a move across it may change attachment)."""
        t = self.tok(i)
        return base(t.deprel) in rules.CLAUSAL or (base(t.deprel) == "conj" and t.upos in ("VERB", "AUX"))

    def is_comma(self, i: int) -> bool:
        return 1 <= i <= self.n and self.tok(i).text in rules.COMMAS


# -- capitalisation (Latin scripts) --------------------------------------------------------------
def _name_like(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    return (len(letters) > 1 and all(c.isupper() for c in letters)) or any(c.isupper() for c in word[1:])


def demote(s: Sent, i: int, lang: str) -> str | None:
    """What to do with word ``i`` when it stops being sentence-initial: "keep", "lower", or None
    when it might be a name whose case cannot be decided (the move is then not made)."""
    t = s.tok(i)
    if not t.text[:1].isupper() or _name_like(t.text) or t.upos == "PROPN" or \
            t.text in rules.ALWAYS_CAPITALISED.get(lang, ()):
        return "keep"
    if get_language(lang).capitalises_nouns and t.upos == "NOUN":
        return "keep"
    if t.text in rules.AMBIGUOUS_CAPITALS.get(lang, ()) and "Person=3" not in (t.feats or ""):
        return None  # polite "Sie" stays capitalised, "sie" (she/they) does not: unknown here
    if t.upos in ("NOUN", "X", "SYM", "INTJ", None):
        return None
    return "lower"


def _recase(word: str, how: str) -> str:
    if how == "lower":
        return word[:1].lower() + word[1:]
    if how == "upper":
        return word[:1].upper() + word[1:]
    return word


# -- rewriting -----------------------------------------------------------------------------------
def _gap(lang: str, left: str, right: str) -> str:
    if not get_language(lang).spaced:
        return ""
    if right[:1] in rules.SPACE_BEFORE.get(lang, ()) or left[-1:] in rules.SPACE_AFTER.get(lang, ()):
        return " "
    if right[:1] in _CLOSE or left[-1:] in _OPEN:
        return ""
    return " "


def _join(s: Sent, lang: str, prev: list, u: list, left: str, right: str) -> str:
    """The gap between two written units in the new order: the original one when they were
    neighbours; next to punctuation, the gap that punctuation had (PAWS-X writes "Paris ." and
    "Paris , France": its style is kept); otherwise the language's rule."""
    text = s.text
    a, b = prev[-1], u[0]
    if isinstance(a, int) and isinstance(b, int):
        if a + 1 == b:
            return text[s.tok(a).end_char:s.tok(b).start_char]
        if s.is_punct(b) and b > 1:
            return text[s.tok(b - 1).end_char:s.tok(b).start_char]
        if s.is_punct(a) and a < s.n:
            return text[s.tok(a).end_char:s.tok(a + 1).start_char]
    if isinstance(b, Comma) and get_language(lang).spaced:
        return " " if " , " in text else ""  # an inserted comma follows the text's comma style
    return _gap(lang, left, right)


def rewrite(s: Sent, lang: str, order: list, recase: dict[int, str] | None = None,
            kind: str = "", note: str = "") -> Move | None:
    """The sentence with its words in ``order`` (old ids, each at most once, plus :class:`Comma`
    items); ids left out are dropped (only childless punctuation may be). ``recase`` maps an id
    to "lower"/"upper" for its first letter. None if a multi-word token would be cut."""
    recase = recase or {}
    kept = [x for x in order if not isinstance(x, Comma)]
    dropped = set(range(1, s.n + 1)) - set(kept)
    if len(kept) != len(set(kept)) or any(not s.is_punct(i) or s.kids[i] for i in dropped):
        return None
    units: list[list] = []  # written units: a comma, or the ids of one (multi-word) token
    for x in order:
        last = units[-1][-1] if units else None
        if isinstance(x, int) and isinstance(last, int) and x == last + 1 and s.unit[x] == s.unit[last]:
            units[-1].append(x)
        else:
            units.append([x])
    for u in units:
        if isinstance(u[0], int) and (s.unit[u[0]] != u[0] or (u[-1] < s.n and s.unit[u[-1] + 1] == u[0])):
            return None
    text = s.text
    if not _clean_cuts(s, lang, units):
        return None
    out = [text[:s.tok(1).start_char]]
    spans: dict[int, tuple[int, int]] = {}  # position in order -> new (start, end)
    prev: list | None = None
    k = 0
    for u in units:
        if isinstance(u[0], Comma):
            surface = ","
        else:
            surface = _recase(text[s.tok(u[0]).start_char:s.tok(u[-1]).end_char], recase.get(u[0], ""))
        if prev is not None:
            out.append(_join(s, lang, prev, u, out[-1], surface))
        start = sum(len(p) for p in out)
        out.append(surface)
        for _ in u:
            spans[k] = (start, start + len(surface))
            k += 1
        prev = u
    out.append(text[s.tok(s.n).end_char:])
    new_id = {x: k for k, x in enumerate(order, start=1) if isinstance(x, int)}
    tokens = []
    for k, x in enumerate(order, start=1):
        start, end = spans[k - 1]
        if isinstance(x, Comma):
            tokens.append(ParsedToken(k, ",", ",", "PUNCT", None, None, new_id[x.head], "punct", start, end))
            continue
        t = s.tok(x)
        word = _recase(t.text, recase.get(x, "")) if s.unit[x] == x else t.text
        tokens.append(ParsedToken(k, word, t.lemma, t.upos, t.xpos, t.feats, new_id[t.head] if t.head else 0,
                                  t.deprel, start, end))
    moved = [x for k, x in enumerate(kept, start=1) if x != k] + sorted(dropped)
    changed = (min(s.tok(i).start_char for i in moved), max(s.tok(i).end_char for i in moved)) if moved else (0, 0)
    new_text = "".join(out)
    return Move(kind, note, new_text, ParsedSentence(new_text, tuple(tokens)), changed)


def _clean_cuts(s: Sent, lang: str, units: list[list]) -> bool:
    """Every place where two old neighbours are separated must be a real word boundary: a space
    or punctuation in spaced languages (a parser may split one eojeol, "Ret" + "zius의"), and
    never inside a name (two proper nouns, or two Latin-script words inside ko/ja/zh text)."""
    kept = {u[-1]: (units[k + 1][0] if k + 1 < len(units) else None) for k, u in enumerate(units)
            if isinstance(u[-1], int)}
    language = get_language(lang)
    for last, nxt in kept.items():
        if last == s.n or nxt == last + 1:
            continue
        left, right = s.tok(last), s.tok(last + 1)
        if s.is_punct(last) or s.is_punct(last + 1):
            continue
        if language.spaced and not s.text[left.end_char:right.start_char].isspace():
            return False
        if left.upos == right.upos == "PROPN" or left.text[-1:] in rules.NAME_SEPARATORS \
                or right.text[:1] in rules.NAME_SEPARATORS:
            return False
        if not language.latin and rules.LATIN_OR_DIGIT.search(left.text[-1:]) \
                and rules.LATIN_OR_DIGIT.search(right.text[:1]):
            return False
    return True


def phrase_text(s: Sent, a: int, b: int) -> str:
    return s.text[s.tok(a).start_char:s.tok(b).end_char]


# -- the moves -----------------------------------------------------------------------------------
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
    """The moves of the registry's ``syntax`` family; each family's module loads on first use."""
    if family in ("case-marked", "chinese"):
        from .syntax_moves_cjk import case_marked_moves, chinese_moves

        return case_marked_moves(s, lang, kinds) if family == "case-marked" else chinese_moves(s, kinds)
    from .syntax_moves_latin import german_moves, latin_moves

    return german_moves(s, kinds) if family == "german" else latin_moves(s, lang, kinds)


def order_key(text: str) -> str:
    """A text without its whitespace: two word orders are the same order whatever the gaps between
    words. Re-joining after a move follows the language's spacing rule (no spaces in ja/zh), so
    moving a phrase there and back can give the original words in the original order with one
    space fewer ("で 3 日" -> "で3 日"); comparing keys keeps that from counting as a new order."""
    return "".join(text.split())


# -- coordination --------------------------------------------------------------------------------
def _category(upos: str | None) -> str | None:
    return "N" if upos in ("NOUN", "PROPN") else "A" if upos == "ADJ" else None


def conjunct_swaps(s: Sent, lang: str) -> list[Move | None]:
    """Two conjuncts (exactly two, nominal or adjectival, no digits, no "respectively") swap."""
    if any(s.low(i) in rules.RESPECTIVELY for i in range(1, s.n + 1)):
        return []
    out = []
    for x in range(1, s.n + 1):
        conjs = [c for c in s.kids[x] if base(s.tok(c).deprel) == "conj"]
        if len(conjs) != 1 or base(s.tok(x).deprel) == "conj":
            continue
        y = conjs[0]
        if any(base(s.tok(c).deprel) == "conj" for c in s.kids[y]):
            continue
        if _category(s.tok(x).upos) is None or _category(s.tok(x).upos) != _category(s.tok(y).upos) \
                or {s.tok(x).text, s.tok(y).text} & rules.JA_NOT_CONJUNCTS or _part_of_name(s, x):
            continue
        out.append(_swap_conjuncts(s, lang, x, y))
    return out


def _part_of_name(s: Sent, x: int) -> bool:
    """The first conjunct continues a longer noun phrase ("l'actrice australienne Teresa Palmer
    et Michala Banas": swapping would make Banas the actress)."""
    rel = base(s.tok(x).deprel)
    return rel in ("appos", "flat", "compound", "fixed", "goeswith") or \
        (rel == "nmod" and not any(base(s.tok(c).deprel) == "case" for c in s.kids[x]))


def _ends_noun_phrase(after: ParsedToken) -> bool:
    """ja/zh: the word after a conjunct closes the noun phrase (a particle, punctuation, an
    auxiliary, an adverb, or a verb of two characters or more: one-character "verbs" right
    after a noun are often a mis-tagged part of a longer noun, as in 氢高压)."""
    return after.upos in ("PUNCT", "ADP", "PART", "AUX", "ADV", "CCONJ", "SCONJ") or \
        (after.upos == "VERB" and len(after.text) > 1)


def _swap_conjuncts(s: Sent, lang: str, x: int, y: int) -> Move | None:
    def content(h: int) -> set[str]:
        return {s.tok(c).deprel for c in s.kids[h] if c != y and base(s.tok(c).deprel) not in rules.FUNCTION}

    if content(x) != content(y):
        return None  # "old cats and dogs": is "old" shared? Unknown, so no swap
    y_private = {s.tok(c).deprel for c in s.kids[y] if c < y and base(s.tok(c).deprel) not in ("cc", "punct")}
    xcore, ycore = {x}, {y}
    for c in s.kids[x]:
        rel = s.tok(c).deprel
        # A function word before X that Y lacks is shared ("in Paris and London") and stays put.
        if c != y and (base(rel) not in rules.FUNCTION or (c < x and rel in y_private)):
            xcore.update(s.subtree(c))
    for c in s.kids[y]:
        rel = s.tok(c).deprel
        if base(rel) not in rules.FUNCTION or (c < y and base(rel) not in ("cc", "punct")):
            ycore.update(s.subtree(c))
    xs, ys = s.span(xcore), s.span(ycore)
    if xs is None or ys is None or xs[1] >= ys[0]:
        return None
    x_case = [s.low(c) for c in sorted(xcore) if base(s.tok(c).deprel) == "case" and s.tok(c).head == x]
    y_case = [s.low(c) for c in sorted(ycore) if base(s.tok(c).deprel) == "case" and s.tok(c).head == y]
    if x_case and y_case and x_case != y_case:
        return None  # "en tant qu'Ophélie et de Portia": different prepositions do not trade places
    if (xs[0] > 1 and s.low(xs[0] - 1) in rules.RANGE_ENDS) or \
            any(s.low(c) in rules.RANGE_ENDS for c in s.kids[x] + s.kids[y]):
        return None  # "desde A hasta B y C": B is a range's end, not a free conjunct
    between = range(xs[1] + 1, ys[0])
    # Only a coordinator (and, und, et, y, 和, と, や), perhaps with a comma: "Tages- und Nachtzeit"
    # (a hyphen) or "A & B" (often a name) are not swapped.
    connector = [i for i in between if base(s.tok(i).deprel) == "cc" or s.tok(i).text in ("と", "や")]
    if not connector or any(i not in connector and not s.is_comma(i) for i in between) \
            or any(s.tok(i).text == "&" for i in connector):
        return None
    if not get_language(lang).spaced and ((xs[0] > 1 and s.tok(xs[0] - 1).upos in rules.NOMINAL) or
                                          (ys[1] < s.n and not _ends_noun_phrase(s.tok(ys[1] + 1)))):
        return None  # without spaces, what touches a conjunct may be part of it (高温和部分|氢高压)
    for a, b in (xs, ys):  # short nominal phrases only: no clause, no number, no punctuation
        if s.has_punct(a, b) or s.has_digit(a, b) or b - a > 7 or \
                any(s.tok(i).upos in ("VERB", "AUX") or s.clausal(i) for i in range(a, b + 1)):
            return None
    recase = {}
    if xs[0] == 1 and get_language(lang).latin:
        how = demote(s, 1, lang)
        if how is None:
            return None
        recase = {1: how, ys[0]: "upper"}
    order = [*range(1, xs[0]), *range(ys[0], ys[1] + 1), *between, *range(xs[0], xs[1] + 1),
             *range(ys[1] + 1, s.n + 1)]
    return rewrite(s, lang, order, recase, "conj-swap",
                   f"swap conjuncts '{phrase_text(s, *xs)}' and '{phrase_text(s, *ys)}'")
