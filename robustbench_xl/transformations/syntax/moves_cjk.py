"""Syntax-swap moves for Korean, Japanese (case-marked scrambling) and Chinese (time phrases).

Card
* What: ``case_marked_moves(sent, "ko"|"ja", kinds)``: the dependents of one predicate that sit
  side by side before it, each a whole subtree closed by a case particle, may trade places
  (``scramble``), and a place or time phrase (에서, …년에; で から まで, …年に) may go to the start
  of that run of phrases (``front``). Particles keep the roles, so Korean and Japanese free word
  order keeps the meaning. ``chinese_moves(sent, kinds)``: a time phrase (a time noun, a listed
  time word, or 在/于 + a date) between the subject and the verb goes before the subject
  (``front``), and back after the subject (``postpose``).
* Particles: ko from kiwipiepy's analysis of the eojeol (JKS JKO JKB, JX 은/는 after a noun,
  whatever tagset the parser uses); ja from the phrase's closing ``case`` ADP tokens
  (が を に で へ から まで より は, には では ...). Verb stems for the light/complement verb
  rules: kiwipiepy (ko), Sudachi dictionary forms (ja); the shipped parsers' lemmas are surfaces.
* Never moved or swapped: the predicate itself; a phrase with punctuation inside; a phrase
  without a role particle (bare nouns, 도/만/も focus particles, と/와/과 comitatives, の
  genitives); topic with subject (그는 키가, 象は鼻が: double-subject sentences); two phrases
  with the same particle or two subjects/objects/topics; dependents of a relative clause (acl);
  the object of a light verb and the phrase next to a complement-taking verb (기겁을 하다,
  55 일에 불과하다, 山場になる); phrases the parser cut out of a longer one (see
  :func:`_korean_constituent`).
* Languages: ko ja zh.  Limits: a phrase the parser attached to the wrong predicate moves with
  the wrong siblings; only runs of adjacent phrases are reordered.
* Example (gold UD Korean-Kaist tree of 이제 남극은 초겨울에 들었다.)::

    [m.text for m in case_marked_moves(Sent(tree), "ko", ("scramble",))]
    # ['이제 초겨울에 남극은 들었다.']
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ...lang.segment import morphemes
from . import rules
from .tree_tools import Move, Sent, base, phrase_text, rewrite

_PREDICATES = ("VERB", "ADJ", "AUX", "NOUN", "PROPN", "PRON", "NUM")


@dataclass(frozen=True)
class Phrase:
    dep: int
    a: int
    b: int
    role: str
    particle: str


def korean_particle(s: Sent, i: int) -> tuple[str, str] | None:
    """(role, particle) of eojeol ``i``, or None when it ends in no movable case particle.

    kiwipiepy analyses the eojeol: its last morpheme must be a case or topic particle right after
    a noun, so a verb form such as 얻었을 (얻+었+을, an ending) is never taken for an object. The
    parser's own xpos is not used: the small shipped parser tags eojeol far less reliably."""
    word = s.tok(i).text
    parts = list(morphemes("ko", word))
    role = rules.KO_PARTICLE_TAGS.get(parts[-1].tag) if parts else None
    if role is None:
        return None
    particle = parts.pop().text
    if role == "topic" and parts and parts[-1].tag == "JKB":  # 서울에서는: a place made the topic
        particle = parts.pop().text + particle
    if not parts or not parts[-1].tag.startswith(rules.KO_NOMINAL_TAGS) or not word.endswith(particle) \
            or particle in rules.KO_COMITATIVE:
        return None
    if role == "topic" and not particle.endswith(("은", "는")):
        return None  # 도 만 까지: focus particles change what the sentence stresses
    return role, particle


def _last_tag(word: str) -> str:
    parts = morphemes("ko", word)
    return parts[-1].tag if parts else ""


def _korean_constituent(s: Sent, a: int, b: int, h: int) -> bool:
    """Guards against the parse errors small parsers make around a phrase ``a..b`` of ``h``:
    * the word before it must end a phrase of its own (a particle, a connective ending, an
      adverb, a sentence start or punctuation): a bare noun, a genitive (의, の), a relative verb
      form or a noun conjunction (및, 또는, と, や) before it means a longer noun phrase was cut,
      and a comma after a bare noun means it is the last item of a list (A, B, C 및 D에);
    * a phrase holding a relative clause may move only after a topic or at the clause start (its
      verb's arguments may have been cut off to the left: …도로에서 …까지 이어지는 지역 도로로); a
      phrase right before a relative verb form that is not its head (…에 있는 교구) is that verb's
      argument, not ``h``'s."""
    if any(_last_tag(s.tok(i).text) == "ETM" for i in range(a, b)):
        # A relative clause inside the phrase (…까지 이어지는 지역 도로로) may have lost its own
        # arguments to the phrase before it (…도로에서): only a topic or the clause start may precede.
        prev = s.tok(a - 1) if a > 1 else None
        if prev is not None and not s.is_punct(a - 1) and not prev.text.endswith(("은", "는")):
            return False
    if a > 1:
        prev = s.tok(a - 1)
        if s.is_punct(a - 1) or prev.text.endswith(tuple(rules.COMMAS)):
            before = prev.text.rstrip("".join(rules.COMMAS)) or (s.tok(a - 2).text if a > 2 else "")
            if before and _last_tag(before).startswith(rules.KO_NOMINAL_TAGS):
                return False  # a list: A, B, C 및 D에
        else:
            last = _last_tag(prev.text)
            if not last.startswith(("J", "EC", "MAG", "MAJ")) or last == "JKG" or \
                    prev.text in rules.KO_NOUN_CONJUNCTIONS:
                return False
    return not (b < s.n and b + 1 != h and _last_tag(s.tok(b + 1).text) == "ETM")


def _japanese_constituent(s: Sent, a: int, b: int, h: int) -> bool:
    """:func:`_korean_constituent`'s guards on UD tags: a particle, adverb or conjunction (not a
    linking の と や) before the phrase; no relative verb form after it; a relative clause inside
    it only after は or at the clause start."""
    prev = s.tok(a - 1) if a > 1 else None
    ok = prev is None or s.is_punct(a - 1) or (prev.upos in ("ADP", "SCONJ", "ADV", "CCONJ", "PART")
                                                  and prev.text not in rules.JA_LINKING)
    nxt = s.tok(b + 1) if b < s.n else None
    attributive = nxt is not None and b + 1 != h and nxt.upos in ("VERB", "ADJ") and \
        base(nxt.deprel) == "acl"
    relative = any(base(s.tok(i).deprel) == "acl" for i in range(a, b + 1))
    return ok and not attributive and (not relative or prev is None or s.is_punct(a - 1) or prev.text == "は")


def japanese_particle(s: Sent, a: int, b: int) -> tuple[str, str] | None:
    """(role, particles) closing the phrase ``a..b`` (case ADPs, e.g. に + は), or None."""
    k = b
    while k > a and s.tok(k).upos in ("ADP", "PART") and base(s.tok(k).deprel) == "case":
        k -= 1
    particle = "".join(s.tok(i).text for i in range(k + 1, b + 1))
    role = rules.JA_PARTICLES.get(particle)
    return (role, particle) if role else None


def korean_verb_stem(word: str) -> str:
    """The stem of a Korean predicate eojeol (속합니다 -> 속하, 해당한다 -> 해당하), by kiwipiepy."""
    stem = ""
    for m in morphemes("ko", word):
        if m.tag.startswith(("E", "J")) or (stem and m.tag.startswith(("VX", "NN"))):
            break
        stem += m.text if not m.tag.startswith("MA") else ""
    return stem


def japanese_lemmas(s: Sent, h: int) -> set[str]:
    """Dictionary forms of Japanese predicate ``h``, by Sudachi on the word and what follows it
    (なっている -> なる, 成る): the shipped parsers' lemmas are the surface forms."""
    from ...lang.segment import _sudachi

    t = s.tok(h)
    found = _sudachi()[1].tokenize(s.text[t.start_char:t.start_char + len(t.text) + 4])
    first = found[0] if len(found) else None
    lemmas = {t.text, t.lemma or ""}
    if first is not None and first.surface().startswith(t.text[:1]):
        lemmas |= {first.dictionary_form(), first.normalized_form()}
    return lemmas


@dataclass(frozen=True)
class Predicate:
    """What a predicate binds: ``light`` (its object belongs with it: 기겁을 하다), ``complement``
    (the phrase right before it belongs with it: 55 일에 불과하다, 山場になる) for ``bound_roles``.
    Word-order asks the same question of its chunks (:func:`korean_binding`, :func:`japanese_binding`)."""

    light: bool
    complement: bool
    bound_roles: tuple[str, ...] = ("adverbial",)

    def binds(self, role: str, adjacent: bool) -> bool:
        """Whether a phrase of ``role`` belongs with this predicate (``adjacent``: right before it)."""
        return (self.light and role == "object") or (self.complement and adjacent and role in self.bound_roles)


def korean_binding(stem: str) -> Predicate:
    """What the Korean predicate with verb stem ``stem`` (kiwipiepy: 되, 불과하, 하) binds."""
    return Predicate(stem in rules.KO_LIGHT_VERBS, stem in rules.KO_COMPLEMENT_VERBS,
                     ("adverbial", "subject") if stem in rules.KO_BECOME else ("adverbial",))


def japanese_binding(lemmas: set[str]) -> Predicate:
    """What the Japanese predicate with these dictionary forms (なる, する) binds."""
    return Predicate(bool(lemmas & rules.JA_LIGHT_VERBS), bool(lemmas & rules.JA_COMPLEMENT_VERBS))


def _korean_predicate(s: Sent, h: int) -> Predicate:
    return korean_binding(korean_verb_stem(s.tok(h).text))


def _japanese_predicate(s: Sent, h: int) -> Predicate:
    return japanese_binding(japanese_lemmas(s, h))


def _japanese_dated(stem: str, particle: str) -> bool:
    return particle in ("に", "には") and stem[-1:] in rules.JA_TIME_CHARS


def _korean_dated(stem: str, particle: str) -> bool:
    return particle in ("에", "에는") and stem.endswith(rules.KO_TIME_NOUNS)


def _korean_frontable(s: Sent, p: Phrase) -> bool:
    return p.particle in rules.KO_FRONTABLE or _korean_dated(phrase_text(s, p.a, p.b)[: -len(p.particle)], p.particle)


def _japanese_frontable(s: Sent, p: Phrase) -> bool:
    return p.particle in rules.JA_FRONTABLE or _japanese_dated(phrase_text(s, p.a, p.b)[: -len(p.particle)],
                                                               p.particle)


def frontable(s: Sent, p: Phrase, lang: str) -> bool:
    """Only place-of-event and time phrases go to the clause start (not 로/に goals or complements)."""
    return GRAMMARS[lang].frontable(s, p)


def _phrases(s: Sent, h: int, lang: str) -> list[Phrase]:
    out = []
    grammar = GRAMMARS[lang]
    predicate = grammar.predicate(s, h)
    for d in s.kids[h]:
        if d > h or base(s.tok(d).deprel) not in rules.KO_JA_MOVABLE:
            continue
        sp = s.span(s.subtree(d))
        if sp is None or s.has_punct(*sp) or not grammar.is_constituent(s, *sp, h):
            continue
        if grammar.copula_complement(s, *sp):
            continue  # 이스라엘인이 아닌: the 이/가 complement of 아니다/되다, whatever the parse says
        mark = grammar.particle(s, d, sp)
        if not mark or predicate.binds(mark[0], adjacent=sp[1] + 1 == h):
            continue  # 기겁을 하였다, 55 일에 불과하였다: the phrase belongs with its verb
        out.append(Phrase(d, sp[0], sp[1], *mark))
    return sorted(out, key=lambda p: p.a)


def _next_to_become(s: Sent, a: int, b: int) -> bool:
    return korean_verb_stem(s.tok(a).text) in rules.KO_BECOME or \
        (b < s.n and korean_verb_stem(s.tok(b + 1).text) in rules.KO_BECOME)


def _korean_clause_ending(s: Sent, d: int) -> bool:
    return _last_tag(s.tok(d).text).startswith(("EC", "EF", "ETN", "ETM"))  # 포함해, 했고, 하기, 있는


def _japanese_clause_ending(s: Sent, d: int) -> bool:
    return any(base(s.tok(c).deprel) == "mark" for c in s.kids[d])  # 〜て, 〜ので, 〜ため


@dataclass(frozen=True)
class CaseGrammar:
    """One case-marked language's rules: the particle closing a phrase (None: not movable), the
    constituent guards, what its predicate binds, which phrases are copula complements whatever
    the parse says, and which may be fronted."""

    particle: Callable[[Sent, int, tuple[int, int]], tuple[str, str] | None]
    is_constituent: Callable[[Sent, int, int, int], bool]
    predicate: Callable[[Sent, int], Predicate]
    copula_complement: Callable[[Sent, int, int], bool]
    frontable: Callable[[Sent, Phrase], bool]
    dated_time: Callable[[str, str], bool]  # (phrase without its particle, particle): 1983 年 + に
    clause_ending: Callable[[Sent, int], bool]  # the dependent heads a clause of its own


# The case-marked family's per-language grammars (the registry's ``syntax: case-marked`` languages).
GRAMMARS = {
    "ko": CaseGrammar(lambda s, d, sp: korean_particle(s, d) if sp[1] == d else None, _korean_constituent,
                      _korean_predicate, _next_to_become, _korean_frontable, _korean_dated, _korean_clause_ending),
    "ja": CaseGrammar(lambda s, d, sp: japanese_particle(s, *sp), _japanese_constituent, _japanese_predicate,
                      lambda s, a, b: False, _japanese_frontable, _japanese_dated, _japanese_clause_ending),
}


_TOPICS = ("は", "은", "는")  # plain topic particles (a topic that may be a second subject)


def _role(p: Phrase) -> str:
    """A topic made of a place or time phrase (에는 에서는, には では) is that adverbial made the topic:
    it cannot be a second subject, so it counts as an adverbial here (since v3)."""
    return "adverbial" if p.role == "topic" and p.particle not in _TOPICS else p.role


def compatible(p: Phrase, q: Phrase) -> bool:
    roles = {_role(p), _role(q)}
    if roles == {"topic", "subject"} or p.particle == q.particle:
        return False  # 그는 키가, 象は鼻が: double-subject sentences
    return not (len(roles) == 1 and roles & {"subject", "object", "topic"})


def case_marked_moves(s: Sent, lang: str, kinds) -> list[Move | None]:
    out = []
    for h in range(1, s.n + 1):
        t = s.tok(h)
        if t.upos not in _PREDICATES or base(t.deprel) == "acl":
            continue
        runs: list[list[Phrase]] = []
        for p in _phrases(s, h, lang):
            if runs and runs[-1][-1].b + 1 == p.a:
                runs[-1].append(p)
            else:
                runs.append([p])
        for run in runs:
            for k in range(1, len(run)):
                q = run[k]
                if "scramble" in kinds and compatible(run[k - 1], q):
                    out.append(_move(s, lang, run[k - 1], q, "scramble"))
                # Fronting skips the phrase next to the verb: that one is often its complement.
                if "front" in kinds and k >= 2 and q.b + 1 < h and frontable(s, q, lang) \
                        and all(compatible(p, q) for p in run[:k]):
                    out.append(_move(s, lang, run[0], q, "front"))
        if "front" in kinds and h == s.root:
            out += _front_to_sentence_start(s, lang, h, runs)
    return out


def _front_to_sentence_start(s: Sent, lang: str, h: int, runs: list[list[Phrase]]) -> list[Move | None]:
    """A dated time phrase of the main predicate goes to the sentence start (since v3):
    "これは … によって 1983 年に設計された。" -> "1983 年にこれは … によって設計された。". Its particle keeps
    its role; it stays in its own clause because everything it passes hangs under a dependent of
    the same predicate that is not a clause (no verb, no conjunct, no connective ending), so it
    cannot come to scope over another clause. Not the phrase next to the verb (often a complement),
    nor one already first in its run (the run-internal front covers those)."""
    out = []
    for run in runs:
        q = run[0]
        if q.a == 1 or q.b + 1 >= h or not _dated_time_phrase(s, q, lang):
            continue
        passed = {s.root_child(i) for i in range(1, q.a)}
        if any(d == s.root or _clause_like(s, d, lang) for d in passed):
            continue
        # A comma passed must close a topic (ティムは、); any other comma may end a list or a gapped
        # clause (ブラウン大学で学士号を、コロンビア大学で…を) that the phrase would leave.
        if not all(_topic_comma_or_none(s, i) for i in range(1, q.a)):
            continue
        out.append(_move(s, lang, Phrase(0, 1, 1, "", ""), q, "front"))
    return out


def _topic_comma_or_none(s: Sent, i: int) -> bool:
    """Word ``i`` is no comma, or the comma closing a topic (ティムは 、, Korean 그는, glued)."""
    text = s.tok(i).text
    if s.is_comma(i):
        return i > 1 and s.tok(i - 1).text.endswith(_TOPICS)
    return text[-1:] not in rules.COMMAS or text[:-1].endswith(_TOPICS)


def _dated_time_phrase(s: Sent, q: Phrase, lang: str) -> bool:
    """A time phrase with a number, closed by に/には or 에/에는 (1983 年に, 1839년 8월에): a sentence
    adverbial. Place phrases stay (a で/에서 phrase can be a copula's continuative, 代表で "is the
    representative and"), and から/부터 stay (half of a range)."""
    if not s.has_digit(q.a, q.b) or s.tok(q.dep).upos not in ("NOUN", "NUM", "PROPN"):
        return False
    return GRAMMARS[lang].dated_time(phrase_text(s, q.a, q.b)[: -len(q.particle)].rstrip(), q.particle)


def _clause_like(s: Sent, d: int, lang: str) -> bool:
    """Dependent ``d`` of the root heads a clause of its own: a verb or adjective, a conjunct or
    clausal relation, or the language's clause ending (ko: a connective, final, nominalising or
    adnominal ending on the eojeol; ja: a subordinating mark)."""
    t = s.tok(d)
    if t.upos in ("VERB", "ADJ", "AUX") or base(t.deprel) in ("conj", "parataxis", "ccomp", "csubj", "acl"):
        return True
    return GRAMMARS[lang].clause_ending(s, d)


def _move(s: Sent, lang: str, first: Phrase, q: Phrase, kind: str) -> Move | None:
    """``q`` goes right before ``first`` (for a scramble, ``first`` is its left neighbour)."""
    order = [*range(1, first.a), *range(q.a, q.b + 1), *range(first.a, q.a), *range(q.b + 1, s.n + 1)]
    verb = "swap" if kind == "scramble" else "front"
    return rewrite(s, lang, order, None, kind,
                   f"{verb} '{phrase_text(s, q.a, q.b)}' before '{phrase_text(s, first.a, first.b)}'")


# -- Chinese -------------------------------------------------------------------------------------
def chinese_time(s: Sent, d: int) -> tuple[int, int] | None:
    """The span of root dependent ``d`` when it is a time phrase."""
    t = s.tok(d)
    sub = s.subtree(d)
    sp = s.span(sub)
    if sp is None or s.root in sub or s.has_punct(*sp):
        return None
    a, b = sp
    if len(phrase_text(s, a, b)) < 2:
        return None  # one-character adverbs (现, 曾) attach to the verb, not the clause
    dated = s.has_digit(a, b) and any(s.tok(i).text[-1] in rules.ZH_TIME_CHARS for i in range(a, b + 1))
    if t.deprel in ("nmod:tmod", "obl:tmod"):  # the parser's label alone is not enough (一种, 一座位)
        timed = dated or t.text in rules.ZH_TIME_WORDS or t.text[-1] in rules.ZH_TIME_CHARS
        return sp if timed else None
    if base(t.deprel) == "advmod":
        return sp if a == b and t.text in rules.ZH_TIME_WORDS else None
    if base(t.deprel) == "obl":
        cases = [c for c in s.kids[d] if c < d and base(s.tok(c).deprel) == "case"]
        if cases and cases[0] == a and s.tok(a).text in rules.ZH_TIME_PREPOSITIONS and dated:
            return sp
        return sp if not cases and dated else None
    return None


def chinese_moves(s: Sent, kinds) -> list[Move | None]:
    root = s.root
    subjects = [c for c in s.kids[root] if base(s.tok(c).deprel) == "nsubj"]
    if len(subjects) != 1:
        return []
    ssp = s.span(s.subtree(subjects[0]))
    if ssp is None or s.has_punct(*ssp) or not (ssp[0] == 1 or s.is_comma(ssp[0] - 1)):
        return []
    out = []
    for d in s.kids[root]:
        sp = chinese_time(s, d)
        if sp is None:
            continue
        a, b = sp
        note = f"'{phrase_text(s, a, b)}'"
        if "front" in kinds and ssp[1] < a and b < root and not _zh_crosses(s, range(ssp[1] + 1, a)):
            order = [*range(1, ssp[0]), *range(a, b + 1), *range(ssp[0], a), *range(b + 1, s.n + 1)]
            out.append(rewrite(s, "zh", order, None, "front", f"front {note} before the subject"))
        elif "postpose" in kinds and (a == 1 or s.is_comma(a - 1)):
            gap = range(b + 1, ssp[0])  # nothing, or the comma after the time phrase (dropped)
            if len(gap) > 1 or (gap and not s.is_comma(b + 1)):
                continue
            order = [*range(1, a), *range(ssp[0], ssp[1] + 1), *range(a, b + 1), *range(ssp[1] + 1, s.n + 1)]
            out.append(rewrite(s, "zh", order, None, "postpose", f"move {note} after the subject"))
    return out


def _zh_crosses(s: Sent, ids) -> bool:
    return any(s.clausal(i) or s.is_punct(i) for i in ids)
