"""The shared machinery of the syntax-swap moves: an index over one tree and the rewriter.

Card
* What: :class:`Sent` indexes one :class:`~robustbench_xl.parsing.ParsedSentence` (children,
  subtrees, contiguous projective spans, multi-word-token groups, punctuation); :func:`rewrite`
  turns a new order of its word ids (plus inserted :class:`Comma` items) into a :class:`Move`:
  the new text and the tree of the new text (same words and head/relation/dependent triples, new
  ids and character offsets), so a second move needs no second parse. :func:`demote` decides the
  case of a Latin-script word that stops being sentence-initial; :func:`order_key` compares word
  orders whatever the gaps. This is the bottom of the package: the move families
  (:mod:`.moves_latin`, :mod:`.moves_cjk`, :mod:`.coordination`) import it, never each other.
* Rendering: ja and zh join without spaces; ko and Latin languages with one space, none before
  closing punctuation (French: a space before ; : ! ? as in French typography); a token's original
  gap to its original right neighbour is kept wherever that neighbour is unchanged, so Korean
  eojeol-internal joins and multi-word tokens (du = de le) survive. Latin case: the new first word
  is capitalised; a word that stops being first is lower-cased only when it is not a name (PROPN,
  ALL CAPS, inner capitals, en "I", de nouns); a move whose first word might be a name (NOUN) is
  not made.
* Languages: en de es fr ja ko zh (the registry's spacing and case facts).
* Limits: a cut that would split a multi-word token, an eojeol or a name makes :func:`rewrite`
  return None; the output is only as good as the parse.
* Example (the gold UD English-EWT tree in tests/fixtures/syntax/ud_en.conllu)::

    s = Sent(tree)                              # Call(1) me(2) if(3) you(4) have(5) time(6) .(7)
    rewrite(s, "en", [3, 4, 5, 6, Comma(1), 1, 2, 7], {1: "lower", 3: "upper"}).text
    # 'If you have time, call me.'
"""

from __future__ import annotations

from dataclasses import dataclass

from ...lang import get_language
from ...parsing.trees import ParsedSentence, ParsedToken
from . import rules

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

    def root_child(self, i: int) -> int:
        """The ancestor of ``i`` that is a dependent of the root (or the root itself)."""
        while self.tok(i).head not in (0, self.root):
            i = self.tok(i).head
        return i

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


def order_key(text: str) -> str:
    """A text without its whitespace: two word orders are the same order whatever the gaps between
    words. Re-joining after a move follows the language's spacing rule (no spaces in ja/zh), so
    moving a phrase there and back can give the original words in the original order with one
    space fewer ("で 3 日" -> "で3 日"); comparing keys keeps that from counting as a new order."""
    return "".join(text.split())
