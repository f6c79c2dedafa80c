"""CoNLL-U in and out: ParsedSentence <-> CoNLL-U text <-> stanza Document, trees validated.

Card
* What: read gold UD treebanks (or parses made by any other parser) into :class:`ParsedSentence`,
  write them back, and convert to/from stanza ``Document`` (via stanza's own ``CoNLL`` utils).
  Every tree read is checked: ids 1..n, heads in range, exactly one root, no cycle; a broken tree
  is an RbxError naming the file and the sentence (its ``sent_id`` and number).
* Languages: any. Multi-word tokens (``1-2`` lines, de/es/fr) are kept: their words share the
  token's character span, and a span shared by several words is written back as a range line.
  Empty nodes (``8.1`` lines, enhanced UD only) are dropped.
* Character offsets come from ``start_char=``/``end_char=`` in MISC when present (stanza writes
  them), else from aligning forms to ``# text``, else the text is rebuilt from the forms and
  ``SpaceAfter=No``.
* Example::

    sentences = read_conllu("ko_kaist-ud-test.conllu")
    text = to_conllu(sentences)           # round trip: read_conllu_text(text) == sentences
    doc = to_stanza_document(sentences)   # for stanza processors
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import RbxError
from .trees import ParsedSentence, ParsedToken, validate_tree

_RANGE = re.compile(r"^(\d+)-(\d+)$")


def read_utf8(path: str | Path, what: str = "CoNLL-U file") -> str:
    """A text file's contents, or one RbxError line naming ``what`` is missing or unreadable."""
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RbxError(f"{what} not found: {path}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise RbxError(f"cannot read {what} {path}: {error}") from None


def read_conllu(path: str | Path) -> list[ParsedSentence]:
    """Read and validate a CoNLL-U file."""
    return read_conllu_text(read_utf8(path), source=str(path))


def read_conllu_text(raw: str, source: str = "<conllu>") -> list[ParsedSentence]:
    """Parse and validate CoNLL-U text; ``source`` names it in error messages."""
    sentences, block, start_line = [], [], 1
    for number, line in enumerate(raw.splitlines() + [""], start=1):
        if line.strip():
            if not block:
                start_line = number
            block.append(line.rstrip("\r"))
        elif block:
            sentences.append(_read_block(block, source, len(sentences) + 1, start_line))
            block = []
    if not sentences:
        raise RbxError(f"{source}: no sentence found (is it CoNLL-U?)")
    return sentences


def _read_block(lines: list[str], source: str, index: int, line_no: int) -> ParsedSentence:
    comments = [line for line in lines if line.startswith("#")]
    sent_id = next((c.split("=", 1)[1].strip() for c in comments if c.startswith("# sent_id")), None)
    where = f"{source} sentence {index} (line {line_no}" + (f", sent_id {sent_id})" if sent_id else ")")
    words: list[tuple] = []  # (id, form, lemma, upos, xpos, feats, head, deprel, misc, surface)
    surfaces: list[tuple[int, int, str, str]] = []  # (first id, last id, form, misc)
    for line in lines:
        if line.startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) != 10:
            raise RbxError(f"{where}: expected 10 tab-separated columns, got {len(cols)}: {line[:60]!r}")
        if "." in cols[0]:
            continue
        match = _RANGE.match(cols[0])
        if match:
            surfaces.append((int(match.group(1)), int(match.group(2)), cols[1], cols[9]))
            continue
        try:
            word_id = int(cols[0])
            head = int(cols[6])
        except ValueError:
            raise RbxError(f"{where}: id {cols[0]!r} or head {cols[6]!r} is not a number") from None
        if not surfaces or surfaces[-1][1] < word_id:
            surfaces.append((word_id, word_id, cols[1], cols[9]))
        words.append((word_id, cols[1], _opt(cols[2]), _opt(cols[3]), _opt(cols[4]), _opt(cols[5]),
                      head, cols[7], cols[9]))
    text_comment = next((c.split("=", 1)[1].strip() for c in comments if re.match(r"#\s*text\s*=", c)),
                        None)
    text, spans = _offsets(surfaces, text_comment)
    span_of = {}
    for (first, last, _form, _misc), span in zip(surfaces, spans):
        for word_id in range(first, last + 1):
            span_of[word_id] = span
    tokens = tuple(ParsedToken(w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7], *span_of.get(w[0], (None, None)))
                   for w in words)
    validate_tree(tokens, where)
    kept = tuple(c for c in comments if not re.match(r"#\s*text\s*=", c))
    return ParsedSentence(text=text, tokens=tokens, comments=kept)


def _opt(value: str) -> str | None:
    return None if value == "_" else value


def _misc(misc: str) -> dict[str, str]:
    if misc in ("", "_"):
        return {}
    return dict(item.split("=", 1) if "=" in item else (item, "") for item in misc.split("|"))


def _offsets(surfaces, text: str | None) -> tuple[str, list[tuple[int | None, int | None]]]:
    """Character spans of the surface tokens (see the module card for the order of sources)."""
    miscs = [_misc(s[3]) for s in surfaces]
    if text is not None and all("start_char" in m and "end_char" in m for m in miscs):
        try:
            spans = [(int(m["start_char"]), int(m["end_char"])) for m in miscs]
        except ValueError:
            spans = []
        # Offsets written for a whole multi-sentence document do not index this sentence's text.
        if spans and all(text[a:b] == s[2] for (a, b), s in zip(spans, surfaces)):
            return text, spans
    if text is not None:
        spans, position = [], 0
        for _first, _last, form, _misc_text in surfaces:
            found = text.find(form, position)
            if found < 0 or text[position:found].strip():
                spans = None
                break
            spans.append((found, found + len(form)))
            position = found + len(form)
        if spans is not None:
            return text, spans
    pieces, spans, position = [], [], 0
    for (_first, _last, form, _misc_text), misc in zip(surfaces, miscs):
        spans.append((position, position + len(form)))
        gap = "" if misc.get("SpaceAfter") == "No" else " "
        pieces.append(form + gap)
        position += len(form) + len(gap)
    rebuilt = "".join(pieces).rstrip(" ")
    return (text if text is not None else rebuilt), (spans if text is None else [(None, None)] * len(spans))


def sentence_to_conllu(sentence: ParsedSentence) -> str:
    """One sentence as a CoNLL-U block (no trailing blank line). Offsets go to MISC like stanza."""
    lines = list(sentence.comments)
    if not any(re.match(r"#\s*text\s*=", c) for c in lines):
        lines.append(f"# text = {sentence.text}")
    tokens = sentence.tokens
    i = 0
    while i < len(tokens):
        token = tokens[i]
        j = i
        if token.start_char is not None:
            while (j + 1 < len(tokens) and tokens[j + 1].start_char == token.start_char
                   and tokens[j + 1].end_char == token.end_char):
                j += 1
        group = tokens[i:j + 1]
        misc = _surface_misc(sentence, tokens, i, j)
        if j > i:
            form = sentence.text[token.start_char:token.end_char]
            lines.append(f"{token.id}-{tokens[j].id}\t{form}\t_\t_\t_\t_\t_\t_\t_\t{misc}")
            misc = "_"
        for word in group:
            lines.append("\t".join([str(word.id), word.text, word.lemma or "_", word.upos or "_",
                                    word.xpos or "_", word.feats or "_", str(word.head), word.deprel,
                                    "_", misc if word is group[0] else "_"]))
        i = j + 1
    return "\n".join(lines)


def _surface_misc(sentence: ParsedSentence, tokens, i: int, j: int) -> str:
    token = tokens[i]
    if token.start_char is None or token.end_char is None:
        return "_"
    items = []
    following = tokens[j + 1] if j + 1 < len(tokens) else None
    next_start = following.start_char if following is not None else len(sentence.text)
    if next_start is not None and next_start == token.end_char and following is not None:
        items.append("SpaceAfter=No")
    items += [f"start_char={token.start_char}", f"end_char={token.end_char}"]
    return "|".join(items)


def to_conllu(sentences: list[ParsedSentence]) -> str:
    """Sentences as CoNLL-U text (skipped sentences are left out)."""
    return "".join(sentence_to_conllu(s) + "\n\n" for s in sentences if s.ok)


def write_conllu(sentences: list[ParsedSentence], path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(to_conllu(sentences), encoding="utf-8")
    return path


def to_stanza_document(sentences: list[ParsedSentence]):
    """A stanza ``Document`` holding these trees (via stanza's CoNLL reader)."""
    from stanza.utils.conll import CoNLL

    return CoNLL.conll2doc(input_str=to_conllu(sentences))


def from_stanza_document(doc, source: str = "<stanza document>") -> list[ParsedSentence]:
    """Each sentence of a stanza ``Document`` as a ParsedSentence (validated)."""
    return read_conllu_text("{:C}".format(doc), source=source)
