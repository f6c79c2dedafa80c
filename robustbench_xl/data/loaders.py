"""Load PAWS-X-style pairs: bundled dev split, the HuggingFace hub, or local files.

Sources, by ``dataset``:
* ``pawsx`` - PAWS-X. The dev split of all seven languages ships inside rbx (offline); other splits
  come from the HuggingFace hub (``google-research-datasets/paws-x``) when it is reachable.
* ``pawsx-hub`` - always the hub (``datasets.load_dataset``), any split.
* a path - a TSV/CSV/JSONL file (optionally gzipped), or a folder in the official ``x-final`` layout
  (``<lang>/dev_2k.tsv``, ``<lang>/test_2k.tsv``, ``<lang>/translated_train.tsv``) or ``<lang>.tsv``.
  ``columns`` names the sentence1, sentence2 and label columns when they are called otherwise.

Rows are validated: a malformed row (missing field, label not 0/1, invalid UTF-8) is skipped and
reported with its file and line; untranslated pairs (``NS``, or identical to the English pair) are
dropped and counted. A source with no valid row is an error.
"""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

from ..errors import RbxError
from ..lang import language_codes, nfc, validate_lang
from .examples import Example, RowProblem, Sample

BUNDLED_DIR = Path(__file__).resolve().parent / "pawsx"
HUB_ID = "google-research-datasets/paws-x"
DEFAULT_COLUMNS = ("sentence1", "sentence2", "label")
_XFINAL_FILES = {"dev": "dev_2k.tsv", "test": "test_2k.tsv", "train": "translated_train.tsv"}
_LABELS = {"0": 0, "1": 1, "0.0": 0, "1.0": 1, "false": 0, "true": 1,
           "not_paraphrase": 0, "paraphrase": 1}
UNTRANSLATED = "NS"
PAWSX_SOURCE_LANG = "en"  # PAWS-X was translated from English: untranslated pairs are copies of it


def bundled_languages(split: str = "dev") -> list[str]:
    """The registered languages whose PAWS-X ``split`` ships inside rbx, in display order."""
    return [code for code in language_codes() if (BUNDLED_DIR / split / f"{code}.tsv.gz").is_file()]


def load_examples(dataset: str = "pawsx", lang: str = "en", split: str = "dev", n: int | None = None,
                  seed: int = 0, ids: list[str] | None = None,
                  columns: str | tuple[str, str, str] | None = None) -> Sample:
    """Load, validate and sample examples (see module doc). ``n``/``seed``/``ids`` as in
    :meth:`Sample.select`."""
    lang = validate_lang(lang)
    cols = _parse_columns(columns)
    if dataset == "pawsx" and split == "dev":
        sample = _read_file(BUNDLED_DIR / split / f"{lang}.tsv.gz", lang, DEFAULT_COLUMNS)
        sample.source = f"pawsx/{lang}/dev (bundled)"
    elif dataset in ("pawsx", "pawsx-hub"):
        sample = _load_hub(lang, split)
    else:
        sample = _read_file(_resolve_path(Path(dataset), lang, split), lang, cols)
    if lang != PAWSX_SOURCE_LANG and dataset in ("pawsx", "pawsx-hub"):
        _drop_copies_of_english(sample, split)
    if not sample.examples:
        first = f"; first problem: {sample.problems[0]}" if sample.problems else ""
        raise RbxError(f"no valid example in {sample.source}{first}")
    return sample.select(n=n, seed=seed, ids=ids)


def _parse_columns(columns) -> tuple[str, str, str]:
    if columns is None:
        return DEFAULT_COLUMNS
    cols = tuple(c.strip() for c in columns.split(",")) if isinstance(columns, str) else tuple(columns)
    if len(cols) != 3 or not all(cols):
        raise RbxError(f"--columns needs three names 'sentence1,sentence2,label', got {columns!r}")
    return cols  # type: ignore[return-value]


def _resolve_path(path: Path, lang: str, split: str) -> Path:
    if not path.exists():
        raise RbxError(f"dataset not found: {path} (use 'pawsx' or a TSV/CSV/JSONL file or folder)")
    if path.is_file():
        return path
    candidates = [path / lang / _XFINAL_FILES.get(split, f"{split}.tsv"), path / f"{lang}.tsv",
                  path / f"{lang}.tsv.gz", path / lang / f"{split}.tsv", path / f"{split}.tsv"]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise RbxError(f"no {split} file for {lang} in {path} (looked for "
                   f"{', '.join(str(c.relative_to(path)) for c in candidates)})")


def _open_lines(path: Path) -> list[tuple[int, str | None, str | None]]:
    """(line number, text, problem) per line; text is None where the line is not valid UTF-8."""
    raw = path.read_bytes()
    if path.suffix == ".gz":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as exc:
            raise RbxError(f"{path}: not a readable gzip file ({exc})") from None
    out = []
    for number, line in enumerate(raw.splitlines(keepends=True), start=1):
        try:
            out.append((number, line.decode("utf-8-sig" if number == 1 else "utf-8"), None))
        except UnicodeDecodeError as exc:
            out.append((number, None, f"invalid UTF-8 at byte {exc.start} of the line"))
    return out


def _read_file(path: Path, lang: str, cols: tuple[str, str, str]) -> Sample:
    name = path.name[:-3] if path.name.endswith(".gz") else path.name
    lines = _open_lines(path)
    sample = Sample([], str(path), lang)
    for number, _, problem in lines:
        if problem:
            sample.problems.append(RowProblem(sample.source, number, problem))
    good = [(number, text) for number, text, _ in lines if text is not None]
    if name.endswith((".jsonl", ".json")):
        rows = _jsonl_rows(good, sample)
    else:
        rows = _delimited_rows(good, "," if name.endswith(".csv") else "\t", sample)
    seen: set[str] = set()
    for line_no, row in rows:
        _add_row(sample, line_no, row, cols, lang, seen)
    return sample


def _jsonl_rows(lines, sample: Sample):
    for number, text in lines:
        if not text.strip():
            continue
        try:
            row = json.loads(text)
        except json.JSONDecodeError as exc:
            sample.problems.append(RowProblem(sample.source, number, f"invalid JSON ({exc.msg})"))
            continue
        if not isinstance(row, dict):
            sample.problems.append(RowProblem(sample.source, number, "a JSON object is expected"))
            continue
        yield number, {k: v if isinstance(v, str) else json.dumps(v) for k, v in row.items()}


def _delimited_rows(lines, delimiter: str, sample: Sample):
    if not lines:
        return
    # csv handles fields quoted with doubled quotes (as in the XTREME copies of PAWS-X). Line numbers
    # are tracked through the reader, since a quoted field may span lines.
    reader = csv.reader(iter(text for _, text in lines), delimiter=delimiter)
    numbers = [number for number, _ in lines]
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        return
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            sample.problems.append(RowProblem(sample.source, numbers[min(reader.line_num, len(numbers)) - 1],
                                              f"unreadable row ({exc})"))
            continue
        number = numbers[min(reader.line_num, len(numbers)) - 1]
        if not any(f.strip() for f in fields):
            continue
        if len(fields) != len(header):
            sample.problems.append(RowProblem(sample.source, number,
                                              f"{len(fields)} fields, the header has {len(header)}"))
            continue
        yield number, dict(zip(header, fields))


def _add_row(sample: Sample, number: int, row: dict, cols, lang: str, seen: set[str]) -> None:
    s1_col, s2_col, label_col = cols
    missing = [c for c in cols if c not in row]
    if missing:
        sample.problems.append(RowProblem(sample.source, number, f"missing column(s) {', '.join(missing)}"))
        return
    label = _LABELS.get(str(row[label_col]).strip().lower())
    if label is None:
        sample.problems.append(RowProblem(sample.source, number, f"label {row[label_col]!r} is not 0 or 1"))
        return
    example_id = str(row.get("id", "")).strip() or str(number)
    if example_id in seen:
        sample.problems.append(RowProblem(sample.source, number, f"duplicate id {example_id!r}"))
        return
    s1, s2 = nfc(row[s1_col]), nfc(row[s2_col])
    if UNTRANSLATED in (s1.strip(), s2.strip()):
        sample.dropped_untranslated += 1
        return
    seen.add(example_id)
    sample.examples.append(Example(example_id, lang, s1, s2, label))


def _drop_copies_of_english(sample: Sample, split: str) -> None:
    """Drop pairs left in English by the translators (identical to the English pair)."""
    if split != "dev":
        return
    english = {e.id: e for e in _read_file(BUNDLED_DIR / "dev" / f"{PAWSX_SOURCE_LANG}.tsv.gz", PAWSX_SOURCE_LANG,
                                           DEFAULT_COLUMNS).examples}
    kept = []
    for e in sample.examples:
        ref = english.get(e.id)
        if ref is not None and (e.sentence1, e.sentence2) == (ref.sentence1, ref.sentence2):
            sample.dropped_untranslated += 1
        else:
            kept.append(e)
    sample.examples = kept


def _load_hub(lang: str, split: str) -> Sample:
    hub_split = {"dev": "validation"}.get(split, split)
    try:
        import datasets

        rows = datasets.load_dataset(HUB_ID, lang, split=hub_split)
    except Exception as exc:  # the hub is often unreachable (air-gapped clusters, CI)
        raise RbxError(f"could not load PAWS-X {lang}/{split} from the HuggingFace hub "
                       f"({type(exc).__name__}); the dev split is bundled (--split dev), or pass a "
                       f"local file with --dataset PATH") from None
    sample = Sample([], f"hub:{HUB_ID}/{lang}/{hub_split}", lang)
    seen: set[str] = set()
    for number, row in enumerate(rows, start=1):
        _add_row(sample, number, {k: str(v) for k, v in row.items()}, DEFAULT_COLUMNS, lang, seen)
    return sample
