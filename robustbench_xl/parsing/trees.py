"""Dependency trees as plain frozen data: ``ParsedSentence`` made of ``ParsedToken``.

Card
* What: the parse of one input text (one tree), independent of stanza, JSON-serialisable for the
  parse cache, convertible to and from CoNLL-U (see :mod:`.conllu`) and from stanza documents.
* Languages: any.
* Limits: one tree per text. Pipelines do not split sentences (``tokenize_no_ssplit``), so stanza
  finds several sentences only across blank lines (paragraphs); they are merged into one tree by a
  fixed rule (:func:`merge_sentences`): the root of every later sentence is attached
  to the root of the first one with ``parataxis``, and ``n_sentences`` records how many there were.
  Texts that cannot be parsed (empty, or stanza failed) are a ``ParsedSentence`` with no tokens and
  a ``skip_reason``: a recorded skip, never an exception.
* Example::

    >>> t = ParsedToken(1, "Hi", None, "INTJ", None, None, 0, "root", 0, 2)
    >>> ParsedSentence("Hi", (t,)).root.text
    'Hi'
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from ..errors import RbxError

# Bump when the conversion from stanza output changes (merge rule, fields): cached parses made by
# an older rule are then no longer reused.
TREE_FORMAT_VERSION = 2
MERGE_DEPREL = "parataxis"


@dataclass(frozen=True)
class ParsedToken:
    """One syntactic word. ``head`` is 0 for the root; offsets index the original text
    (``text[start_char:end_char]``; the words of a multi-word token share the token's span)."""

    id: int
    text: str
    lemma: str | None
    upos: str | None
    xpos: str | None
    feats: str | None
    head: int
    deprel: str
    start_char: int | None
    end_char: int | None


@dataclass(frozen=True)
class ParsedSentence:
    """The dependency tree of one input text (see the module card for merges and skips)."""

    text: str
    tokens: tuple[ParsedToken, ...]
    n_sentences: int = 1
    skip_reason: str | None = None
    comments: tuple[str, ...] = field(default=(), compare=False)

    @property
    def ok(self) -> bool:
        """True when the text has a tree (not a recorded skip)."""
        return self.skip_reason is None and bool(self.tokens)

    @property
    def merged(self) -> bool:
        """True when stanza found several sentences that were merged into this one tree."""
        return self.n_sentences > 1

    @property
    def root(self) -> ParsedToken | None:
        return next((t for t in self.tokens if t.head == 0), None)

    def children(self, token_id: int) -> list[ParsedToken]:
        return [t for t in self.tokens if t.head == token_id]

    def to_json(self) -> dict:
        return {"text": self.text, "n_sentences": self.n_sentences, "skip_reason": self.skip_reason,
                "tokens": [list(asdict(t).values()) for t in self.tokens]}

    @classmethod
    def from_json(cls, data: dict) -> "ParsedSentence":
        return cls(text=data["text"], tokens=tuple(ParsedToken(*row) for row in data["tokens"]),
                   n_sentences=data.get("n_sentences", 1), skip_reason=data.get("skip_reason"))

    @classmethod
    def skipped(cls, text: str, reason: str) -> "ParsedSentence":
        return cls(text=text, tokens=(), n_sentences=0, skip_reason=reason)


def tree_problem(heads: list[int]) -> str | None:
    """Why ``heads`` (1-based ids in order; 0 = root) is not a single-rooted tree, or None."""
    n = len(heads)
    if n == 0:
        return "no words"
    for i, head in enumerate(heads, start=1):
        if head < 0 or head > n:
            return f"word {i} has head {head}, outside 0..{n}"
        if head == i:
            return f"word {i} is its own head"
    roots = [i for i, head in enumerate(heads, start=1) if head == 0]
    if not roots:
        return "no root (no word has head 0)"
    if len(roots) > 1:
        return f"{len(roots)} roots (words {', '.join(map(str, roots[:5]))})"
    for start in range(1, n + 1):
        seen, node = set(), start
        while node != 0:
            if node in seen:
                return f"cycle through word {node}"
            seen.add(node)
            node = heads[node - 1]
    return None


def validate_tree(tokens: tuple[ParsedToken, ...] | list[ParsedToken], where: str) -> None:
    """Raise RbxError naming ``where`` (file and sentence) when the tokens do not form a tree."""
    ids = [t.id for t in tokens]
    if ids != list(range(1, len(ids) + 1)):
        raise RbxError(f"{where}: word ids are not 1..{len(ids)} in order")
    problem = tree_problem([t.head for t in tokens])
    if problem:
        raise RbxError(f"{where}: broken dependency tree: {problem}")


def merge_sentences(text: str, sentences: list[list[ParsedToken]]) -> ParsedSentence:
    """Join the trees stanza found in one text into one tree (rule in the module card)."""
    sentences = [s for s in sentences if s]
    if not sentences:
        return ParsedSentence.skipped(text, "no words found")
    merged: list[ParsedToken] = []
    first_root = 0
    for words in sentences:
        offset = len(merged)
        for word in words:
            head = word.head + offset if word.head else 0
            deprel = word.deprel
            if word.head == 0 and first_root:
                head, deprel = first_root, MERGE_DEPREL
            merged.append(ParsedToken(word.id + offset, word.text, word.lemma, word.upos, word.xpos,
                                      word.feats, head, deprel, word.start_char, word.end_char))
        if not first_root:
            first_root = next(t.id for t in merged if t.head == 0)
    return ParsedSentence(text=text, tokens=tuple(merged), n_sentences=len(sentences))


def stanza_words(sentence) -> list[ParsedToken]:
    """The words of one stanza ``Sentence`` as ParsedTokens (MWT words get their token's span)."""
    words = []
    for token in sentence.tokens:
        for word in token.words:
            start = word.start_char if word.start_char is not None else token.start_char
            end = word.end_char if word.end_char is not None else token.end_char
            words.append(ParsedToken(int(word.id), word.text, word.lemma, word.upos, word.xpos,
                                     word.feats, int(word.head or 0), word.deprel or "dep", start, end))
    return words


def restore_surface(doc) -> None:
    """Put the original characters back where stanza's tokenizer wrote ``<UNK>`` (it does so for
    very long tokens such as URLs): token text, and word text unless the token is a multi-word one."""
    for sentence in doc.sentences:
        for token in sentence.tokens:
            if token.start_char is None or token.end_char is None:
                continue
            surface = doc.text[token.start_char:token.end_char]
            if token.text != surface:
                token.text = surface
                if len(token.words) == 1:
                    token.words[0].text = surface
                    if token.words[0].lemma == "<UNK>":
                        token.words[0].lemma = surface


def from_stanza_document(text: str, doc) -> ParsedSentence:
    """One input text's stanza ``Document`` -> one ParsedSentence (merged, validated)."""
    restore_surface(doc)
    parsed = merge_sentences(text, [stanza_words(s) for s in doc.sentences])
    if parsed.ok:
        problem = tree_problem([t.head for t in parsed.tokens])
        if problem:
            return ParsedSentence.skipped(text, f"parser produced a broken tree: {problem}")
    return parsed
