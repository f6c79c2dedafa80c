"""Conjunct swaps: two coordinated nominal or adjectival conjuncts trade places (``conj-swap``).

Card
* What: :func:`conjunct_swaps` finds every word with exactly one ``conj`` dependent where both
  conjuncts are nominal (NOUN/PROPN) or both adjectival, and swaps the two phrases around their
  coordinator ("Paris and London" -> "London and Paris"), shared function words staying put ("in
  Paris and London" keeps "in" first).
* Never swapped: more than two conjuncts; conjuncts with different private modifiers ("old cats and
  dogs": is "old" shared?) or different prepositions; "respectively" sentences; a conjunct that
  continues a longer name ("l'actrice australienne Teresa Palmer et Michala Banas"); range ends
  ("desde A hasta B y C"); phrases with digits, punctuation, verbs or clauses inside, or over 8
  words; a connector other than a coordinator (a hyphen, "&"); in ja/zh, a conjunct whose
  neighbour could be part of it (高温和部分|氢高压).
* Languages: en de es fr ja zh (not ko: the conjunction particle sits inside the eojeol).
* Limits: the parse decides what the conjuncts are; a wrong attachment gives a wrong swap.
* Example (gold UD trees, as in the tests): "Se encuentra en Brasil y Perú." -> "Se encuentra en
  Perú y Brasil."; "詹姆斯和莫特对这项权益持相反的态度。" -> "莫特和詹姆斯对这项权益持相反的态度。";
  ``[m.text for m in conjunct_swaps(Sent(tree), "es")]`` gives such texts.
"""

from __future__ import annotations

from ...lang import get_language
from ...parsing.trees import ParsedToken
from . import rules
from .tree_tools import Move, Sent, base, demote, phrase_text, rewrite


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
