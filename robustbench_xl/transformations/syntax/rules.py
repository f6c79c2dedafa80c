"""Word lists and relation sets that decide which subtrees the syntax-swap moves may touch.

Card
* What: per-language tables read by the move families (:mod:`.tree_tools`, :mod:`.moves_latin`,
  :mod:`.moves_cjk`, :mod:`.coordination`): adverbs that may be fronted or postposed (time and
  frame adverbs only: never negation, focus or degree words such as not/only/also/very),
  prepositions that introduce a movable oblique, nouns that make an oblique temporal,
  subordinators that introduce a movable adverbial clause, Korean and Japanese case particles,
  Chinese time words, words that block conjunct swaps ("respectively": the order of the
  conjuncts matters), and :func:`touches_quotes` (no move touches a quotation). Plain data and
  the standard library only: the bottom of the package.
* Languages: en de es fr ja ko zh.
* Limits: hand-made lists, deliberately short (precision over coverage); matching is on the
  lower-cased surface word as the parser's tokeniser split it.
* Example: ``"later" in ADVERBS["en"]`` -> True; ``"only" in ADVERBS["en"]`` -> False.
"""

from __future__ import annotations

import re

# Heads of another clause: a phrase moved across one could attach to it instead.
CLAUSAL = {"ccomp", "advcl", "acl", "csubj", "parataxis"}
COMMAS = {",", "，", "、", "､"}
WORD_CHAR = re.compile(r"\w")
NAME_SEPARATORS = set("・·•‧･")  # ピート・ビール, 皮特·比尔: never cut next to one
NOMINAL = {"NOUN", "PROPN", "NUM", "ADJ", "X"}
BRACKETS = set("()[]{}«»“”„\"「」『』（）【】《》〈〉")
LATIN_OR_DIGIT = re.compile(r"[A-Za-z0-9À-ɏ]")
# Function-word relations: in a coordination they may be shared by both conjuncts.
FUNCTION = {"case", "det", "cc", "punct", "mark", "cop", "aux", "clf"}
RESPECTIVELY = {"respectively", "beziehungsweise", "bzw.", "jeweils", "respectivement",
                "respectivamente", "それぞれ", "各々", "分别", "各自", "각각", "respective"}

ADVERBS = {  # time and frame adverbs, single words or whole multi-word spans
    "en": {"later", "subsequently", "eventually", "initially", "originally", "previously", "today",
           "currently", "nowadays", "afterwards", "afterward", "meanwhile", "recently", "formerly",
           "thereafter", "finally", "soon", "then", "now", "earlier", "traditionally", "historically",
           "sometimes", "usually", "often", "occasionally", "frequently", "shortly afterwards",
           "soon after", "later on"},
    "de": {"heute", "später", "danach", "anschließend", "dann", "zuvor", "vorher", "früher",
           "inzwischen", "mittlerweile", "damals", "schließlich", "ursprünglich", "zunächst", "derzeit",
           "gegenwärtig", "seitdem", "bald", "kürzlich", "zuletzt", "jetzt", "nun", "oft", "häufig",
           "manchmal", "meist", "meistens", "gelegentlich", "zuerst", "heutzutage", "bisher"},
    "es": {"hoy", "actualmente", "posteriormente", "finalmente", "inicialmente", "anteriormente", "luego",
           "después", "entonces", "recientemente", "ahora", "originalmente", "originariamente",
           "frecuentemente", "más tarde", "hoy en día", "a menudo", "tradicionalmente", "antiguamente"},
    "fr": {"aujourd'hui", "aujourd’hui", "actuellement", "ensuite", "finalement", "initialement",
           "auparavant", "autrefois", "désormais", "alors", "récemment", "maintenant", "souvent",
           "parfois", "plus tard", "originellement", "précédemment", "ultérieurement", "enfin",
           "traditionnellement", "jadis"},
}
# Sentence-initial words that are often discourse markers, not time adverbs ("Now that's odd."),
# and correlatives that answer a fronted clause ("If X, then Y"): never postposed / left behind.
NOT_POSTPOSED = {"now", "then", "so", "alors", "maintenant", "entonces", "ahora", "así", "luego"}
CORRELATIVES = {"then", "so", "dann", "alors", "donc", "entonces", "también"}
QUOTE_PAIRS = {"“": "”", "«": "»", "「": "」", "『": "』", "„": "“", "《": "》", "〈": "〉", "`": "'"}
PREPOSITIONS = {  # introduce an oblique that may move when it is temporal (see TIME_*)
    "en": {"in", "on", "at", "during", "after", "before", "since", "until", "till", "by", "throughout",
           "within", "around", "between"},
    "de": {"in", "im", "an", "am", "seit", "nach", "vor", "während", "um", "zwischen"},
    "es": {"en", "durante", "tras", "entre", "a", "hacia", "antes", "después"},
    "fr": {"en", "à", "dans", "pendant", "depuis", "après", "avant", "dès", "durant", "jusqu'", "jusque",
           "vers", "entre", "lors", "jusqu’"},
}
# German prepositions whose phrase is an adjunct wherever it stands (place, means, company, cause,
# beneficiary): its role is in the preposition and its case, so it may go to the Vorfeld or trade
# places in the Mittelfeld. Not von/vom/bis/ab/zu (ranges, agents, complements: "zum Präsidenten").
DE_ADJUNCT_PREPOSITIONS = {"in", "im", "ins", "an", "am", "auf", "bei", "beim", "aus", "nach", "vor", "hinter",
                           "neben", "über", "unter", "zwischen", "mit", "für", "durch", "gegen", "ohne",
                           "seit", "während", "um", "wegen", "trotz", "innerhalb", "außerhalb", "gegenüber"}
RANGE_WORDS = {"from", "to", "until", "till", "through", "von", "bis", "ab", "zu", "de", "du", "des", "à",
               "au", "jusqu'", "jusqu’", "a", "al", "desde", "hasta"}
RANGE_ENDS = {"to", "until", "till", "through", "from", "bis", "von", "ab", "hasta", "desde", "jusqu'", "jusqu’",
              "jusque", "depuis", "至", "到", "から", "まで"}
FINAL_PUNCT = set(".!?。！？")
TIME_PREPOSITIONS = {  # temporal whatever the noun
    "en": {"during", "since", "until", "till", "throughout"},
    "de": {"während", "seit"},
    "es": {"durante"},
    "fr": {"pendant", "depuis", "durant", "dès", "lors"},
}
_MONTHS = {
    "en": "january february march april may june july august september october november december",
    "de": "januar februar märz april mai juni juli august september oktober november dezember",
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
}
TIME_NOUNS = {lang: set(_MONTHS[lang].split()) | set(words.split()) for lang, words in {
    "en": "year years century centuries season seasons summer winter spring autumn fall week weeks month "
          "months day days morning evening night decade decades era period time age",
    "de": "jahr jahre jahren jahres jahrhundert jahrhunderts saison sommer winter frühjahr frühling herbst "
          "woche wochen monat monaten tag tagen morgen abend nacht jahrzehnt jahrzehnten zeit zeitpunkt",
    "es": "año años siglo siglos temporada verano invierno primavera otoño semana semanas mes meses día "
          "días mañana noche década décadas época tiempo",
    "fr": "année années an ans siècle siècles saison été hiver printemps automne semaine semaines mois "
          "jour jours matin soir nuit décennie décennies époque temps",
}.items()}
SUBORDINATORS = {  # first word of a movable adverbial clause
    "en": {"after", "before", "when", "while", "because", "since", "although", "though", "if", "until",
           "once", "whereas", "unless"},
    "es": {"cuando", "aunque", "porque", "si", "mientras", "después", "antes"},
    "fr": {"quand", "lorsque", "lorsqu'", "lorsqu’", "puisque", "puisqu'", "puisqu’", "parce", "bien",
           "tandis", "après", "avant", "si", "s'", "s’"},
}
FINITE_XPOS = {"VVFIN", "VAFIN", "VMFIN", "VBD", "VBZ", "VBP", "MD"}  # STTS (de), Penn (en)
_YEAR = re.compile(r"^(1[0-9]{3}|20[0-9]{2})(s|er|er-|年|년)?$|^'?[0-9]0s$")


# -- Latin-script case and typography (per-language data; which languages are Latin-script, cased,
# or capitalise every noun is the registry's, lang.languages).
ALWAYS_CAPITALISED = {"en": {"I"}}  # keeps its capital wherever it stands
# Capitalised either way (de polite "Sie", "sie" she/they): unless the parse says third person, a
# move that would need to decide is not made.
AMBIGUOUS_CAPITALS = {"de": {"Sie"}}
SPACE_BEFORE = {"fr": set(";:!?»")}  # French typography: a space before these
SPACE_AFTER = {"fr": {"«"}}  # and after these
# Besides the subject, what may start the clause once a fronted phrase is gone: es drops subjects
# (the verb, its auxiliary, or a clitic object pronoun), en has questions and imperatives (the
# verb or its auxiliary); French inverts the subject after a fronted phrase, so it gets neither.
CLAUSE_STARTS = {"en": {"verb"}, "es": {"verb", "clitic"}}


def is_year(word: str) -> bool:
    """A year or a decade (1990, 1990s, 1990er, '90s): what makes an oblique a date."""
    return bool(_YEAR.match(word))

# -- Korean: kiwipiepy's tag of an eojeol's last morpheme -> the role its particle marks.
KO_PARTICLE_TAGS = {"JKS": "subject", "JKO": "object", "JKB": "adverbial", "JX": "topic"}
KO_NOMINAL_TAGS = ("NN", "NP", "NR", "SN", "SL", "SH", "XSN", "ETN")
KO_NOUN_CONJUNCTIONS = {"및", "또는", "혹은", "내지", "겸"}
KO_COMITATIVE = ("와", "과", "하고", "랑", "이랑")
# ko: relations a case-marked phrase may have (Korean-Kaist also uses advcl and dislocated).
KO_JA_MOVABLE = {"nsubj", "obj", "iobj", "obl", "advcl", "dislocated", "advmod"}

KO_LIGHT_VERBS = {"하", "되", "못하"}  # 기겁을 하다, 집권을 하다: the object belongs with the verb
# Verb stems whose 에/로 phrase is a complement (X에 불과하다 "only X"): that phrase stays by the verb.
KO_COMPLEMENT_VERBS = {"불과하", "달하", "처하", "해당하", "속하", "이르", "비롯되", "유래하", "위치하", "있", "없",
                       "삼", "여기", "간주되", "간주하", "불리", "되", "대하", "관하", "의하", "따르", "비하",
                       "위하", "통하"}
KO_BECOME = {"되", "아니"}  # 친구가 되다 "become a friend": the 이/가 phrase is a complement too
KO_TIME_NOUNS = ("년", "월", "세기", "때", "당시", "시대", "시절", "시즌", "이후", "이전", "무렵", "후", "뒤",
                 "초", "말", "중반", "동안")
KO_FRONTABLE = ("에서", "에서는")  # place of the event: an adjunct wherever it stands

# -- Japanese: particle sequences (case ADPs closing a phrase) that may be scrambled.
JA_PARTICLES = {"が": "subject", "を": "object", "に": "adverbial", "で": "adverbial", "へ": "adverbial",
                "から": "adverbial", "まで": "adverbial", "より": "adverbial", "は": "topic",
                "には": "topic", "では": "topic", "へは": "topic", "からは": "topic", "までは": "topic"}

JA_LIGHT_VERBS = {"する", "為る"}
# Verbs whose に phrase is a complement (山場になる "become the climax"): it stays by the verb.
JA_COMPLEMENT_VERBS = {"なる", "成る", "当たる", "過ぎる", "基づく", "よる", "因る", "関する", "対する", "属する",
                       "達する", "至る", "ある", "有る", "いる", "居る"}
JA_NOT_CONJUNCTS = {"共", "とも", "一緒", "同様", "同時", "違い", "比べ"}  # と共に is "together with"
JA_LINKING = {"の", "と", "や", "か", "及び", "および"}  # join two nouns: the next word continues them
JA_FRONTABLE = {"で", "から", "まで", "では", "からは", "までは"}
JA_TIME_CHARS = set("年月日時頃後前代期")

# -- Chinese: time words that may move before the subject; prepositions of a time phrase.
ZH_TIME_WORDS = {"后来", "当时", "目前", "现在", "此后", "随后", "之后", "最初", "最后", "最终", "同年",
                 "当年", "次年", "今天", "如今", "早年", "晚年", "其后", "那时", "从此", "起初", "近年",
                 "近年来", "目前为止", "后", "之前", "以前", "此前", "翌年", "不久"}
ZH_TIME_PREPOSITIONS = {"在", "于", "於"}
ZH_TIME_CHARS = set("年月日世纪代期时")


def touches_quotes(text: str, start: int, end: int) -> bool:
    """The changed stretch lies inside a quotation (quoted words are someone else's order) or
    holds a quotation mark (the move could move words into or out of a quotation)."""
    marks = set(QUOTE_PAIRS) | set(QUOTE_PAIRS.values()) | {'"'}
    return inside_quotes(text, start) or bool(set(text[start:end]) & marks - {"'"})


def inside_quotes(text: str, start: int) -> bool:
    """True when ``start`` lies inside a quotation."""
    closers, plain = [], False
    for ch in text[:start]:
        if closers and ch == closers[-1]:
            closers.pop()
        elif ch in QUOTE_PAIRS:
            closers.append(QUOTE_PAIRS[ch])
        elif ch == '"':
            plain = not plain
    return bool(closers) or plain
