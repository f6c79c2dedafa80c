"""Syntax-swap moves for English, German, Spanish and French: fronting and postposing adverbials.

Card
* What: ``latin_moves(sent, lang, kinds)`` (en es fr) moves a time adverbial that depends on the
  main verb to the sentence start with a comma (``front``: "He moved to Paris in 1990." -> "In
  1990, he moved to Paris."), or a sentence-initial one to the end before the final punctuation,
  dropping its comma (``postpose``). ``german_moves(sent, kinds)`` keeps verb-second: fronting
  puts the subject right after the finite verb ("Er zog 1990 nach Paris." -> "1990 zog er nach
  Paris."), postposing puts the subject first and the adverbial right after the finite verb and
  any weak pronouns ("Damals gab er ihm ..." -> "Er gab ihm damals ...").
* Movable adverbials (:func:`adjunct`): listed time/frame adverbs (later, heute, actuellement...;
  never not/only/also/very), obliques opened by a listed preposition that are temporal (a year or
  decade, a time noun such as year/Sommer/temporada/siècle, or a purely temporal preposition such
  as during/seit/durante/pendant; fr ``obl:arg`` never), adverbial clauses opened by a listed
  subordinator (en es fr: when/cuando/lorsque...; not de). Never: a phrase with punctuation
  inside, half of a range ("from 1990 to 1995", "de 30 a 40 euros"), a move across another
  clause or when the verb has another clause (the adverbial could then scope over it), a
  sentence without a finite verb, a French sentence whose subject follows the verb.
* Languages: en de es fr.  Limits: only the main clause; at most one adverbial per move.
* Example: ``[m.text for m in latin_moves(Sent(tree), "en", ALL_KINDS)]`` for "Call me if you
  have time." -> ["If you have time, call me."]
"""

from __future__ import annotations

from ...lang import get_language
from ...parsing.trees import ParsedToken
from . import rules
from .tree_tools import Comma, Move, Sent, base, demote, phrase_text, rewrite


# -- adverbials in en es fr de -------------------------------------------------------------------
def adjunct(s: Sent, d: int, lang: str, free_prepositions: bool = False) -> tuple[int, int] | None:
    """The span of root dependent ``d`` when it is a movable adverbial of ``lang``: a listed time
    or frame adverb, a temporal oblique (a listed preposition with a year, a date or a time noun,
    or a purely temporal preposition), or an adverbial clause opened by a listed subordinator.
    ``free_prepositions`` (German verb-second and Mittelfeld moves): any oblique opened by a
    preposition of ``rules.DE_ADJUNCT_PREPOSITIONS`` too, temporal or not."""
    t = s.tok(d)
    sub = s.subtree(d)
    sp = s.span(sub)
    if sp is None or s.root in sub or s.has_punct(*sp) or sp[1] - sp[0] >= 15:
        return None
    a, b = sp
    rel = t.deprel
    if any(1 <= i <= s.n and s.has_digit(i, i) for i in (a - 1, b + 1)):
        return None  # "am 6. Oktober | 1899": the parser cut a date in two
    if any(base(s.tok(i).deprel) == "conj" and s.tok(i).upos in ("ADJ", "VERB", "AUX", "ADV")
           for i in range(a, b + 1)):
        return None  # "during the summer and warm and rainy during ...": a coordination cut wrongly
    if base(rel) == "advmod":
        words = " ".join(s.low(i) for i in range(a, b + 1))
        ok = t.upos == "ADV" and "Polarity=Neg" not in (t.feats or "") and words in rules.ADVERBS[lang]
        return sp if ok else None
    if rel in ("obl:tmod", "obl:npmod", "obl:unmarked"):  # bare noun phrases: "that year"
        return sp if s.has_digit(a, b) or s.low(d) in rules.TIME_NOUNS[lang] else None
    if base(rel) == "obl" and rel not in ("obl:arg", "obl:agent"):
        cases = [c for c in s.kids[d] if c < d and base(s.tok(c).deprel) == "case"]
        if not cases:  # de: a bare year ("1990 zog er nach Paris")
            year = t.upos == "NUM" and a == b and len(t.text) == 4 and t.text.isdigit()
            return sp if get_language(lang).syntax == "german" and year else None  # verb-second
        prep = s.low(cases[0])
        free = free_prepositions and prep in rules.DE_ADJUNCT_PREPOSITIONS
        if cases[0] != a or (prep not in rules.PREPOSITIONS[lang] and not free) or _in_range(s, a, b):
            return None
        years = [i for i in range(a, b + 1) if rules.is_year(s.tok(i).text)]
        temporal = prep in rules.TIME_PREPOSITIONS[lang] or s.low(d) in rules.TIME_NOUNS[lang] or years
        # "am 21. Juni 2016 Cristina Ferrae": a name after the date is the verb's object that the
        # parser pulled into the phrase; moving it would change who did what.
        if years and any(s.tok(i).upos == "PROPN" for i in range(years[-1] + 1, b + 1)):
            return None
        if temporal:
            return sp
        return sp if free and _free_adjunct(s, a, b) else None
    if base(rel) == "advcl" and lang in rules.SUBORDINATORS:
        marks = [c for c in s.kids[d] if base(s.tok(c).deprel) == "mark"]
        return sp if marks and marks[0] == a and s.low(a) in rules.SUBORDINATORS[lang] else None
    return None


def _free_adjunct(s: Sent, a: int, b: int) -> bool:
    """Guards for a non-temporal German prepositional phrase ``a..b`` of the verb:
    * right after a noun or name it may be that noun's modifier, whatever the parse says (PP
      attachment: "sah den Mann mit dem Fernglas"); moving it would settle the reading: refused;
    * a noun or name right after it means the parser cut a name or a noun phrase ("mit Elisabeth |
      Young"): refused;
    * anything coordinated with the verb (a second, perhaps elided clause: "wird ... gesprochen und
      im Original von ...") could share it: refused."""
    nominal = ("NOUN", "PROPN", "NUM", "X")
    if (a > 1 and s.tok(a - 1).upos in nominal) or (b < s.n and s.tok(b + 1).upos in nominal):
        return False
    if any(base(s.tok(c).deprel) == "conj" for c in s.kids[s.root]):
        return False  # a conjunct of the verb: a second clause
    # A coordinator on a dependent of the verb that is no conjunct: an elided second clause the
    # parser attached to the verb ("... gesprochen und im englischen Original von Frank Trimble").
    return not any(base(t.deprel) == "cc" and t.head in s.kids[s.root] and base(s.tok(t.head).deprel) != "conj"
                   for t in s.tree.tokens)


def _in_range(s: Sent, a: int, b: int) -> bool:
    """True when ``a..b`` and an oblique with a number right next to it form a range ("from 1990
    to 1995", "de 30 a 40 euros", "von 1990 bis 1995"): the two must not be separated."""
    for i in (a - 1, b + 1):
        if 1 <= i <= s.n and not s.is_punct(i):
            j = s.root_child(i)
            sp = s.span(s.subtree(j))
            if j != s.root and base(s.tok(j).deprel) == "obl" and sp and s.has_digit(*sp) \
                    and {s.low(a), s.low(sp[0])} & rules.RANGE_WORDS:
                return True
    return False


def _plain_start(s: Sent) -> bool:
    """The sentence starts with its subject, its verb, or the verb's auxiliaries or clitics."""
    first = s.root_child(1)
    t = s.tok(first)
    return first == s.root or base(t.deprel) in ("nsubj", "expl", "aux", "cop") or \
        (base(t.deprel) in ("obj", "iobj") and t.upos == "PRON")


def _subject_first(s: Sent, lang: str, i: int) -> bool:
    """Word ``i`` may start the sentence once the fronted phrase is gone: the subject, or in es
    (subjects are often dropped) and en (questions, imperatives) the verb or its auxiliary.
    French "En 1979 suit l'album" has its subject inverted after the fronted phrase: left alone."""
    j = s.root_child(i)
    rel = base(s.tok(j).deprel)
    if rel in ("nsubj", "expl"):
        return True
    starts = rules.CLAUSE_STARTS.get(lang, set())
    return "verb" in starts and (j == s.root or rel in ("aux", "cop") or
                                 ("clitic" in starts and rel in ("obj", "iobj") and s.tok(j).upos == "PRON"))


def _crosses_clause(s: Sent, ids) -> bool:
    """A move across a clause, punctuation or a coordinator: with "and" in between, the parser
    may have missed a second verb ("trained by A and ridden by B during ..."), and the moved
    adverbial would then scope over both."""
    return any(s.clausal(i) or s.is_punct(i) or s.tok(i).upos == "CCONJ" for i in ids)


def _other_clauses(s: Sent, d: int) -> bool:
    """The root has another clause beside ``d`` (a moved adverbial could scope over it too)."""
    return any(c != d and s.clausal(c) for c in s.kids[s.root])


def _finite_clause(s: Sent) -> bool:
    """The root heads a finite clause (a finite verb, or a finite auxiliary or copula of it)."""
    root = s.root
    return any(_finite(s.tok(i)) for i in [root, *s.kids[root]]
               if i == root or base(s.tok(i).deprel) in ("aux", "cop"))


def latin_moves(s: Sent, lang: str, kinds) -> list[Move | None]:
    if not _finite_clause(s):
        return []  # fragments and headlines ("Finally a convenient place.") are left alone
    out = []
    for d in s.kids[s.root]:
        sp = adjunct(s, d, lang)
        if sp is None or _other_clauses(s, d):
            continue
        a, b = sp
        if a == 1 and "postpose" in kinds:
            out.append(_postpose_latin(s, lang, d, a, b))
        elif a > 1 and "front" in kinds:
            out.append(_front_latin(s, lang, d, a, b))
    return out


def _front_latin(s: Sent, lang: str, d: int, a: int, b: int) -> Move | None:
    if not _plain_start(s) or s.is_comma(a - 1) or s.is_comma(b + 1) or _crosses_clause(s, range(1, a)):
        return None
    how = demote(s, 1, lang)
    if how is None:
        return None
    order = [*range(a, b + 1), Comma(d), *range(1, a), *range(b + 1, s.n + 1)]
    return rewrite(s, lang, order, {1: how, a: "upper"}, "front", f"front {s.tok(d).deprel} '{phrase_text(s, a, b)}'")


def _postpose_latin(s: Sent, lang: str, d: int, a: int, b: int) -> Move | None:
    start = b + 1
    if s.is_comma(start):
        start += 1  # the comma that closed the fronted phrase goes with it
    rest = range(start, s.body_end + 1)
    glued_end = not s.is_punct(s.n) and s.has_punct(s.n, s.n)  # "... Maui." as one token
    if s.root not in rest or _crosses_clause(s, rest) or glued_end or s.low(a) in rules.NOT_POSTPOSED \
            or s.low(start) in rules.CORRELATIVES or not _subject_first(s, lang, start):
        return None
    how = demote(s, a, lang)
    if how is None:
        return None
    order = [*rest, *range(a, b + 1), *range(s.body_end + 1, s.n + 1)]
    return rewrite(s, lang, order, {a: how, start: "upper"}, "postpose",
                   f"postpose {s.tok(d).deprel} '{phrase_text(s, a, b)}'")


# -- German: verb second -------------------------------------------------------------------------
def _finite(t: ParsedToken) -> bool:
    return "VerbForm=Fin" in (t.feats or "") or (t.xpos or "") in rules.FINITE_XPOS


def german_moves(s: Sent, kinds) -> list[Move | None]:
    """Verb-second main clauses: [subject] [finite verb] ... <-> [adverbial] [finite verb] [subject] ..."""
    root = s.root
    finite = [i for i in [root, *s.kids[root]]
              if (i == root or base(s.tok(i).deprel) in ("aux", "cop")) and _finite(s.tok(i))]
    subjects = [c for c in s.kids[root] if base(s.tok(c).deprel) == "nsubj"]
    if len(finite) != 1 or len(subjects) != 1:
        return []
    f = finite[0]
    ssp = s.span(s.subtree(subjects[0]))
    if ssp is None or s.has_punct(*ssp):
        return []
    out = []
    if ssp[0] == 1 and f == ssp[1] + 1 and "front" in kinds:
        for d in s.kids[root]:
            sp = adjunct(s, d, "de", free_prepositions=True)
            if sp and sp[0] > f and not _other_clauses(s, d) and not s.is_comma(sp[0] - 1) \
                    and not s.is_comma(sp[1] + 1) and not _crosses_clause(s, range(f + 1, sp[0])):
                how = demote(s, 1, "de")
                a, b = sp
                order = [*range(a, b + 1), f, *range(1, f), *range(f + 1, a), *range(b + 1, s.n + 1)]
                out.append(how and rewrite(s, "de", order, {1: how, a: "upper"}, "front",
                                           f"front {s.tok(d).deprel} '{phrase_text(s, a, b)}' (inversion)"))
    elif f > 1 and ssp[0] == f + 1 and "postpose" in kinds:
        d = s.root_child(1)
        sp = adjunct(s, d, "de", free_prepositions=True)
        if sp and sp[0] == 1 and sp[1] + 1 == f and not _other_clauses(s, d):
            a, b = sp
            k = ssp[1] + 1  # weak pronouns stay right after the subject: "Er gab ihm damals ..."
            while k <= s.body_end and s.tok(k).upos == "PRON" and s.tok(k).head == root:
                k += 1
            how = demote(s, 1, "de")
            order = [*range(ssp[0], ssp[1] + 1), f, *range(ssp[1] + 1, k), *range(a, b + 1), *range(k, s.n + 1)]
            out.append(how and rewrite(s, "de", order, {1: how, ssp[0]: "upper"}, "postpose",
                                       f"postpose {s.tok(d).deprel} '{phrase_text(s, a, b)}' (subject first)"))
    if "scramble" in kinds:
        out += _mittelfeld_swaps(s, f)
    return out


def _mittelfeld_swaps(s: Sent, f: int) -> list[Move | None]:
    """Two adjacent adverbials after the finite verb ``f`` trade places ("Er wurde 1950 in Berlin
    geboren" -> "Er wurde in Berlin 1950 geboren"): each keeps its preposition and case, so its
    role; subjects and objects never move (German case endings are often ambiguous)."""
    spans = sorted((sp, d) for d in s.kids[s.root] if d > f
                   for sp in [adjunct(s, d, "de", free_prepositions=True)] if sp and sp[0] > f)
    out = []
    for ((a1, b1), d1), ((a2, b2), d2) in zip(spans, spans[1:]):
        if b1 + 1 != a2 or _other_clauses(s, d1) or _other_clauses(s, d2) or \
                s.clausal(d1) or s.clausal(d2):
            continue
        order = [*range(1, a1), *range(a2, b2 + 1), *range(a1, b1 + 1), *range(b2 + 1, s.n + 1)]
        out.append(rewrite(s, "de", order, None, "scramble",
                           f"swap '{phrase_text(s, a1, b1)}' and '{phrase_text(s, a2, b2)}' (Mittelfeld)"))
    return out
