"""Human audit sheets: does the gold label still hold for the adversarial pairs an attack found?

What: :func:`audit` collects the successful adversarial pairs under a results folder (one cell
``<model>/<lang>/<recipe>/`` or a whole results root, walked recursively), draws a seeded sample
of ``n`` and writes, into ``out`` (default ``RESULTS_DIR/audit``):

* ``audit.md``: one table row per pair: the cell, the gold label, the prediction before -> after,
  the untouched sentence, the edited sentence(s) original and perturbed side by side with the
  changed words in bold, and an empty "label still holds?" column;
* ``audit.html``: the same as one self-contained page (inline CSS, no scripts), changed words
  marked (``<del>`` in the original, ``<mark>`` in the perturbed text);
* ``judgements.csv``: one row per pair with empty ``label_holds`` (yes/no/unsure) and ``note``
  columns, for the person's verdicts.

Every text from the results is escaped (HTML entities; Markdown punctuation), so a sentence that
contains markup shows as text. Changed words come from each language's own segmenter aligned by
:mod:`robustbench_xl.lang.word_diff`, like the runner's ``edits``.

Limits: only ``succeeded`` records are sampled (a failed attack has no perturbed pair); a
truncated last line of ``examples.jsonl`` (a run killed mid-write) is skipped.

Example::

    >>> report = audit("results/xlmr-pawsx", n=50, seed=0)
    >>> report["files"]["markdown"]
    'results/xlmr-pawsx/audit/audit.md'
"""

from __future__ import annotations

import csv
import html
import random
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import RbxError
from .results import EXAMPLES_FILE, cell_label, find_cells, is_adversarial, read_examples

PAIR_COLUMNS = ("sentence1", "sentence2")
LABEL_NAMES = {0: "not paraphrase", 1: "paraphrase"}
JUDGEMENT_CHOICES = "yes / no / unsure"


@dataclass(frozen=True)
class AuditItem:
    cell: str  # the cell folder, relative to the audited folder ("." for the folder itself)
    model: str
    lang: str
    recipe: str
    record: dict

    @property
    def edited_columns(self) -> list[str]:
        before, after = self.record["original"], self.record["perturbed"] or {}
        return [c for c in PAIR_COLUMNS if after.get(c, before[c]) != before[c]]


def collect(results_dir: str | Path) -> tuple[list[AuditItem], int]:
    """(every successful pair under ``results_dir``, number of cells read)."""
    root = Path(results_dir).expanduser()
    if not root.is_dir():
        raise RbxError(f"results folder not found: {root}")
    cells = find_cells(root)
    if not cells:
        raise RbxError(f"no {EXAMPLES_FILE} under {root}: pass a cell folder or a results root")
    items: list[AuditItem] = []
    for cell in cells:
        try:
            records, _ = read_examples(cell / EXAMPLES_FILE)
        except ValueError as exc:
            raise RbxError(str(exc)) from None
        model, lang, recipe = cell_label(cell, records)
        relative = str(cell.relative_to(root)) if cell != root else "."
        for record in records:
            if is_adversarial(record):
                items.append(AuditItem(relative, model, str(record.get("lang") or lang), recipe, record))
    return items, len(cells)


def sample(items: list[AuditItem], n: int, seed: int) -> list[AuditItem]:
    """``n`` items drawn with ``seed`` (all when fewer), kept in folder and file order."""
    if n < 1:
        raise RbxError("--n must be at least 1")
    if len(items) <= n:
        return list(items)
    picked = sorted(random.Random(seed).sample(range(len(items)), n))
    return [items[i] for i in picked]


# -- changed words ----------------------------------------------------------------------------------
def diff_segments(lang: str, before: str, after: str) -> tuple[list[tuple[str, bool]], list[tuple[str, bool]]]:
    """Both texts cut into (text, changed) pieces, words aligned by :mod:`robustbench_xl.lang.word_diff`."""
    from .lang.word_diff import diff_texts, diff_words

    try:
        diff = diff_texts(lang, before, after)
    except RbxError:  # an unknown language code in a hand-made file: compare whitespace tokens
        diff = diff_words(_whitespace_words(before), _whitespace_words(after))
    return _pieces(before, diff.before, diff.changed_before), _pieces(after, diff.after, diff.changed_after)


def _whitespace_words(text: str):
    from .lang import Word

    return tuple(Word(m.group(), m.start(), m.end()) for m in re.finditer(r"\S+", text))


def _pieces(text: str, words, changed: set[int]) -> list[tuple[str, bool]]:
    out, cursor = [], 0
    for k, word in enumerate(words):
        if word.start > cursor:
            out.append((text[cursor:word.start], False))
        out.append((text[word.start:word.end], k in changed))
        cursor = word.end
    if cursor < len(text):
        out.append((text[cursor:], False))
    return out


# -- Markdown ---------------------------------------------------------------------------------------
# Characters that format text inside a table cell (the rest only matter at the start of a line).
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def md_escape(text: str) -> str:
    """Text that Markdown shows literally, also inside a table cell (no HTML, no emphasis, no pipes)."""
    text = html.escape(text, quote=False)
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return re.sub(r"\s+", " ", text)  # a newline would end the table row


def _md_marked(pieces: list[tuple[str, bool]]) -> str:
    return "".join(f"**{md_escape(t)}**" if changed and t.strip() else md_escape(t) for t, changed in pieces)


def _prediction(record: dict) -> str:
    before, after = record.get("pred_before"), record.get("pred_after")
    return f"{LABEL_NAMES.get(before, before)} → {LABEL_NAMES.get(after, after)}"


def _rows(items: list[AuditItem]):
    for number, item in enumerate(items, 1):
        record = item.record
        edited = item.edited_columns or ["sentence2"]
        untouched = [c for c in PAIR_COLUMNS if c not in edited]
        pairs = [diff_segments(item.lang, record["original"][c], record["perturbed"][c]) for c in edited]
        yield number, item, edited, untouched, pairs


def render_markdown(items: list[AuditItem], title: str, found: int, seed: int) -> str:
    intro = (f"{len(items)} of {found} successful adversarial pairs, sampled with seed {seed}. For each row, "
             "read the perturbed sentence next to the original and write in the last column whether the gold "
             f"label still holds ({JUDGEMENT_CHOICES}). Changed words are in bold.")
    header = ("| # | cell | id | gold label | prediction | untouched sentence | original | perturbed | "
              "label still holds? |")
    lines = [f"# {md_escape(title)}", "", intro, "", header, "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for number, item, edited, untouched, pairs in _rows(items):
        record = item.record
        untouched_text = "<br>".join(f"{c}: {md_escape(record['original'][c])}" for c in untouched) or "-"
        original = "<br>".join(f"{c}: {_md_marked(a)}" for c, (a, _) in zip(edited, pairs))
        perturbed = "<br>".join(f"{c}: {_md_marked(b)}" for c, (_, b) in zip(edited, pairs))
        cell = md_escape(f"{item.model} · {item.lang} · {item.recipe}")
        lines.append(f"| {number} | {cell} | {md_escape(str(record.get('id')))} | "
                     f"{md_escape(str(LABEL_NAMES.get(record.get('label'), record.get('label'))))} | "
                     f"{md_escape(_prediction(record))} | {untouched_text} | {original} | {perturbed} | |")
    if not items:
        lines.append("| - | no successful adversarial pairs found | | | | | | | |")
    return "\n".join(lines) + "\n"


# -- HTML -------------------------------------------------------------------------------------------
_CSS = """body{font-family:system-ui,sans-serif;margin:2rem;line-height:1.45}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #bbb;padding:.4rem;vertical-align:top}
th{background:#eee;text-align:left}mark{background:#ffe066}del{background:#f8c9c9}
td.meta{font-size:.85em;color:#333;white-space:nowrap}td.judge{min-width:9rem;color:#666}
.col{font-size:.75em;color:#666;display:block}"""


def _html_marked(pieces: list[tuple[str, bool]], tag: str) -> str:
    return "".join(f"<{tag}>{html.escape(t)}</{tag}>" if changed and t.strip() else html.escape(t)
                   for t, changed in pieces)


def render_html(items: list[AuditItem], title: str, found: int, seed: int) -> str:
    e = html.escape
    rows = []
    for number, item, edited, untouched, pairs in _rows(items):
        record = item.record
        untouched_html = "".join(f'<span class="col">{e(c)}</span>{e(record["original"][c])}' for c in untouched)
        original = "".join(f'<span class="col">{e(c)}</span>{_html_marked(a, "del")}'
                           for c, (a, _) in zip(edited, pairs))
        perturbed = "".join(f'<span class="col">{e(c)}</span>{_html_marked(b, "mark")}'
                            for c, (_, b) in zip(edited, pairs))
        meta = "<br>".join(e(x) for x in (item.model, item.lang, item.recipe, f"id {record.get('id')}"))
        gold = e(str(LABEL_NAMES.get(record.get("label"), record.get("label"))))
        rows.append(f"<tr><td>{number}</td><td class=\"meta\">{meta}</td><td>{gold}</td>"
                    f"<td>{e(_prediction(record))}</td><td>{untouched_html or '-'}</td><td>{original}</td>"
                    f"<td>{perturbed}</td><td class=\"judge\">&#9744; yes &#9744; no &#9744; unsure</td></tr>")
    if not rows:
        rows.append('<tr><td colspan="8">no successful adversarial pairs found</td></tr>')
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'">'
            f"<title>{e(title)}</title><style>{_CSS}</style></head><body>\n<h1>{e(title)}</h1>\n"
            f"<p>{len(items)} of {found} successful adversarial pairs, sampled with seed {seed}. Does the gold "
            f"label still hold for the perturbed pair? Mark {e(JUDGEMENT_CHOICES)} (or fill in judgements.csv). "
            "Changed words: <del>removed</del> in the original, <mark>added</mark> in the perturbed text.</p>\n"
            "<table><thead><tr><th>#</th><th>cell</th><th>gold label</th><th>prediction</th>"
            "<th>untouched sentence</th><th>original</th><th>perturbed</th><th>label still holds?</th></tr></thead>"
            "<tbody>\n" + "\n".join(rows) + "\n</tbody></table></body></html>\n")


def write_judgements(path: Path, items: list[AuditItem]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["number", "cell", "model", "lang", "recipe", "id", "gold_label", "original", "perturbed",
                         "label_holds", "note"])
        for number, item, edited, _, _ in _rows(items):
            record = item.record
            writer.writerow([number, item.cell, item.model, item.lang, item.recipe, record.get("id"),
                             record.get("label"), " | ".join(record["original"][c] for c in edited),
                             " | ".join(record["perturbed"][c] for c in edited), "", ""])


def audit(results_dir: str | Path, n: int = 50, seed: int = 0, out: str | Path | None = None) -> dict:
    """Write ``audit.md``, ``audit.html`` and ``judgements.csv`` for a sample of successful pairs."""
    if n < 1:
        raise RbxError("--n must be at least 1")
    root = Path(results_dir).expanduser()
    items, n_cells = collect(root)
    chosen = sample(items, n, seed)
    target = Path(out).expanduser() if out is not None else root / "audit"
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise RbxError(f"cannot write the audit to {target}: {exc.strerror or exc}") from None
    title = f"Label audit: {root.resolve().name}"
    files = {"markdown": target / "audit.md", "html": target / "audit.html", "judgements": target / "judgements.csv"}
    files["markdown"].write_text(render_markdown(chosen, title, len(items), seed), encoding="utf-8")
    files["html"].write_text(render_html(chosen, title, len(items), seed), encoding="utf-8")
    write_judgements(files["judgements"], chosen)
    return {"cells": n_cells, "found": len(items), "sampled": len(chosen), "seed": seed,
            "files": {k: str(v) for k, v in files.items()}}
