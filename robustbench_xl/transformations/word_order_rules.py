"""Reordering rules for languages without case particles (zh, de, en, es, fr), and ``Move``.

What: each rule returns :class:`Move` objects (a reordered sentence and what changed); the
transformation in :mod:`robustbench_xl.transformations.word_order` checks the invariants and builds
the candidates. See that module's card for what each language may move and why it is safe.

Languages: zh (subject and time word/date at a clause start), de (V2 inversion of a fronted
constituent and a subject pronoun), en es fr (a temporal adverb between the front and the end of a
one-clause sentence).

Limits: word lists, not a parser: a sentence outside the patterns gets no candidate; on PAWS-X dev
these rules fire on under 1% of sentences (0 of 500 for de/en/es/fr).

Example::

    >>> [m.text for m in latin_moves("Today, he lives in Paris.", "en")]
    ['He lives in Paris today.']
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

from ..lang import get_language, segment

_PUNCT = regex.compile(r"\p{P}")


@dataclass(frozen=True)
class Move:
    """A reordered sentence; ``cuts`` = (s1, e1, s2, e2) when the stretches [s1, e1) and [s2, e2) traded
    places (the text between them stays), empty for a rewrite (Latin adverb moves)."""

    text: str
    start: int
    end: int
    cuts: tuple[int, ...] = ()

    @classmethod
    def swap(cls, text: str, a, b) -> "Move":
        (s1, e1), (s2, e2) = a, b
        return cls(text[:s1] + text[s2:e2] + text[e1:s2] + text[s1:e1] + text[e2:], s1, e2, (s1, e1, s2, e2))

    def new_position(self, p: int) -> int:
        """Where the character at ``p`` of the old text is in the new one (swaps only)."""
        s1, e1, s2, e2 = self.cuts
        if s2 <= p < e2:
            return s1 + p - s2
        if e1 <= p < s2:
            return s1 + (e2 - s2) + p - e1
        if s1 <= p < e1:
            return s1 + (e2 - s2) + (s2 - e1) + p - s1
        return p


# -- Chinese --------------------------------------------------------------------------------------
_ZH_PRONOUNS = {"他", "她", "它", "他们", "她们", "它们", "我", "我们", "你", "你们"}
_ZH_SUBJECT_FLAGS = ("nr", "ns", "nt", "nz", "n")
_ZH_AFTER = ("v", "d", "p", "a")


_ZH_DATE = regex.compile(r"(?:[在于]\s*)?(?:\d{1,4}\s*年(?:\s*\d{1,2}\s*月)?|\d{1,2}\s*月)(?:\s*\d{1,2}\s*日)?")


def chinese_swaps(text: str) -> list[Move]:
    """Subject and time adverbial trade places at the start of a clause, before a verb or adverb."""
    from ..lang.segment import jieba_posseg

    tokens, offset = [], 0
    for pair in jieba_posseg().lcut(text):
        tokens.append((pair.word, pair.flag, offset, offset + len(pair.word)))
        offset += len(pair.word)
    starts = {t[2]: k for k, t in enumerate(tokens)}

    def unit(k):
        """(kind, start, end, next token index) of the subject or time unit at token k, or None."""
        if k >= len(tokens):
            return None
        word, flag, start, end = tokens[k]
        date = _ZH_DATE.match(text, start)
        if date and date.end() in starts and date.group().strip()[-1] in "年月日":
            return "date", start, date.end(), starts[date.end()]
        if flag == "t" and len(word) > 1 and not any(ch.isnumeric() for ch in word):
            return "time", start, end, k + 1
        if word in _ZH_PRONOUNS:
            return "pronoun", start, end, k + 1
        if flag.startswith(_ZH_SUBJECT_FLAGS) and flag != "nrfg" and len(word) > 1:
            return "noun", start, end, k + 1
        return None

    def skip_spaces(k):
        while k < len(tokens) and not tokens[k][0].strip():
            k += 1
        return k

    out = []
    for k in range(len(tokens)):
        if not (k == 0 or _PUNCT.fullmatch(tokens[k - 1][0])):
            continue  # not the start of a clause
        first = unit(k)
        second = unit(skip_spaces(first[3])) if first else None
        if not second or skip_spaces(second[3]) >= len(tokens):
            continue
        if not tokens[skip_spaces(second[3])][1].startswith(_ZH_AFTER):
            continue
        kinds = {first[0], second[0]}
        # A date moves only past a pronoun (never past a noun that could be a name: names keep order).
        if kinds in ({"time", "pronoun"}, {"time", "noun"}, {"date", "pronoun"}):
            out.append(Move.swap(text, first[1:3], second[1:3]))
    return out


# -- de en es fr ----------------------------------------------------------------------------------
TEMPORAL_ADVERBS = {
    "en": ["today", "currently", "later", "subsequently", "eventually", "initially", "originally",
           "previously", "nowadays", "afterwards", "meanwhile"],
    "fr": ["aujourd'hui", "actuellement", "ensuite", "finalement", "initialement", "auparavant",
           "plus tard", "autrefois", "désormais", "aujourd’hui"],
    "es": ["hoy", "actualmente", "posteriormente", "finalmente", "inicialmente", "anteriormente",
           "más tarde", "hoy en día"],  # not luego/después: also "therefore" / "después de"
    "de": ["heute", "später", "danach", "anschließend", "dann", "zuvor", "früher", "inzwischen",
           "mittlerweile", "damals", "schließlich", "ursprünglich", "zunächst", "derzeit", "gegenwärtig"],
}
CLAUSE_WORDS = {  # words that start another clause: an adverb at the end could attach to it instead
    "en": {"and", "or", "but", "while", "where", "which", "who", "whom", "whose", "when", "that", "because",
           "after", "before", "until", "since", "although", "though", "if"},
    "fr": {"et", "ou", "mais", "qui", "que", "qu", "où", "dont", "lorsque", "quand", "parce", "puis", "avant",
           "après", "depuis", "si"},
    "es": {"y", "e", "o", "u", "pero", "que", "donde", "cuando", "quien", "quienes", "cual", "cuales", "porque",
           "mientras", "antes", "hasta", "desde", "si", "aunque"},
    "de": {"und", "oder", "aber", "sondern", "dass", "weil", "wenn", "als", "der", "die", "das", "dem", "den",
           "dessen", "deren", "wo", "nachdem", "bevor", "während", "ob"},
}
# Where a fronted time adverb needs no comma (Actualmente vive en Madrid), and the words that, right
# after it, show it begins a longer phrase and must stay (per-language data).
FRONT_WITHOUT_COMMA = {"es": {"de", "del", "que"}}
DE_PRONOUNS = {"er", "es", "man", "wir", "ich"}
_CLAUSE_PUNCT = regex.compile(r"[,;:()\[\]\"«»„“”!?]")


def _capitalise(s: str) -> str:
    return s[:1].upper() + s[1:]


# Sentence-initial words that are lower case inside a sentence; any other first word may be a name.
LOWERCASE_STARTS = {
    "en": {"he", "she", "it", "they", "we", "the", "a", "an", "this", "these", "there", "his", "her", "its",
           "their"},
    "fr": {"il", "elle", "ils", "elles", "on", "le", "la", "les", "un", "une", "ce", "cette", "son", "sa", "ses",
           "leur", "leurs"},
    "es": {"él", "ella", "ellos", "ellas", "el", "la", "los", "las", "un", "una", "su", "sus", "este", "esta"},
}


def latin_moves(text: str, lang: str) -> list[Move]:
    body = text.rstrip()
    if not body.endswith("."):
        return []
    core, tail = body[:-1], text[len(body) - 1:]
    words = [w.text for w in segment(lang, core)]
    if len(words) < 4 or "." in core or any(w.lower() in CLAUSE_WORDS[lang] for w in words):
        return []  # one simple clause only: a moved adverb cannot change what it modifies
    if get_language(lang).syntax == "german":  # verb-second: the fronted phrase trades with the subject
        return _german_inversion(core, tail)
    out = []
    lower = core.lower()
    for adverb in sorted(TEMPORAL_ADVERBS[lang], key=len, reverse=True):  # "hoy en día" before "hoy"
        if out:
            break
        if lower.startswith(adverb + ", "):  # Today, he lives in Paris. -> He lives in Paris today.
            rest = core[len(adverb) + 2:]
            if not _CLAUSE_PUNCT.search(rest):
                out.append(Move(_capitalise(rest) + " " + adverb + tail, 0, len(core)))
        elif lower.startswith(adverb + " ") and lang in FRONT_WITHOUT_COMMA and not _CLAUSE_PUNCT.search(core) \
                and words[len(adverb.split())].lower() not in FRONT_WITHOUT_COMMA[lang]:
            rest = core[len(adverb) + 1:]  # Actualmente vive en Madrid. -> Vive en Madrid actualmente.
            out.append(Move(_capitalise(rest) + " " + adverb + tail, 0, len(core)))
        elif lower.endswith(" " + adverb) and not _CLAUSE_PUNCT.search(core) \
                and words[0].lower() in LOWERCASE_STARTS[lang]:
            rest = core[: -len(adverb) - 1]  # He lives in Paris today. -> Today, he lives in Paris.
            out.append(Move(_capitalise(adverb) + ", " + rest[:1].lower() + rest[1:] + tail, 0, len(core)))
    return out


# First words of a fronted German constituent that are lower case elsewhere in the sentence.
DE_LOWERCASE_STARTS = {"im", "am", "in", "an", "auf", "nach", "seit", "von", "vom", "vor", "bis", "ab", "um", "mit",
                       "während", "zwischen", "bei", "beim", "zu", "zum", "zur", "unter", "über", "aus", "durch",
                       "für", "gegen", "ohne", "der", "die", "das", "den", "dem", "des", "ein", "eine", "einen",
                       "einem", "einer", "dort", "hier", "dabei", "damit", "davor", "deshalb", "daher"}


def _german_inversion(core: str, tail: str) -> list[Move]:
    """V2 inversion: ``X VERB PRON rest`` <-> ``PRON VERB X rest``.

    German puts exactly one constituent before the finite verb, so when a subject pronoun directly
    follows the second-position verb, the fronted X can trade places with it (Im Jahr 1983 zog er
    nach Paris -> Er zog im Jahr 1983 nach Paris). X must start with a preposition, an article, a
    number or a temporal adverb (it is lower-cased) and the clause must have no comma; the way back
    is only taken for a one-word temporal adverb (Er zog später nach Paris -> Später zog er ...).
    "sie" is not used: it may be an object.
    """
    tokens = core.split(" ")
    if _CLAUSE_PUNCT.search(core) or len(tokens) < 4:
        return []
    adverbs = TEMPORAL_ADVERBS["de"]
    if tokens[0].lower() in DE_PRONOUNS and tokens[2].lower() in adverbs:  # Er zog später -> Später zog er
        return [Move(" ".join([_capitalise(tokens[2].lower()), tokens[1], tokens[0].lower()] + tokens[3:]) + tail,
                     0, len(core))]
    for v in range(1, min(len(tokens) - 2, 8)):
        if tokens[v + 1] in DE_PRONOUNS and tokens[v][:1].islower():
            front, first = tokens[:v], tokens[0]
            if not (first.lower() in DE_LOWERCASE_STARTS or first.lower() in adverbs or first.isdigit()):
                return []
            front[0] = first if first.isdigit() else first.lower()
            return [Move(" ".join([_capitalise(tokens[v + 1]), tokens[v]] + front + tokens[v + 2:]) + tail,
                         0, len(core))]
    return []
