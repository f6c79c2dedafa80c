"""Syntax-swap coverage: how much is the parser, how much the move inventory? Side by side in one run.

For each language: the share of sentences with at least one syntax-swap move (``find_moves``, every
kind) on (1) gold UD trees of a test treebank, (2) the same sentences' text parsed by the parser
rbx uses (shipped, or ``--parser-dir``), and (3) PAWS-X dev ``sentence2`` texts (a seeded sample),
parsed the same way. (1) is the ceiling of the current moves on correct trees; (1) against (2) is
what the parser costs on the same sentences; (3) is what an attack sees. Moves per kind are shown
for (1) and (3).

UD treebanks are not shipped (license and size): point ``--ud-dir`` at a folder holding
``UD_<Treebank>/<file>-ud-test.conllu`` (the registry's ``parser.treebank`` names them); languages
without a file there get only (3).

    python benchmarks/syntax_coverage.py --ud-dir ../shared/data/ud               # ko ja zh de, 300 + 200
    python benchmarks/syntax_coverage.py --langs ko --ud-n 100 --pawsx-n 100
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from pathlib import Path


def coverage(found: list[list]) -> tuple[int, dict]:
    kinds = Counter(kind for moves in found for kind in {m.kind for m in moves})
    return sum(bool(m) for m in found), dict(sorted(kinds.items()))


def main() -> None:
    from robustbench_xl.data import load_examples
    from robustbench_xl.lang.languages import get_language
    from robustbench_xl.parsing.conllu import read_conllu
    from robustbench_xl.transformations.syntax import find_moves
    from robustbench_xl.transformations.syntax.swap import syntax_moves

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--langs", default="ko,ja,zh,de")
    parser.add_argument("--ud-dir", type=Path, default=None, help="folder of UD_* treebank folders")
    parser.add_argument("--ud-n", type=int, default=300, help="first N sentences of each test treebank")
    parser.add_argument("--pawsx-n", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--parser-dir", default=None)
    args = parser.parse_args()
    print(f"{'lang':<5}{'gold UD trees':>22}{'same texts, parser':>22}{'PAWS-X dev, parser':>22}   kinds (gold | PAWS-X)")
    for lang in args.langs.split(","):
        started = time.perf_counter()
        gold_cell = parsed_cell = "-"
        gold_kinds: dict = {}
        test = None
        if args.ud_dir is not None:
            folder, stem = get_language(lang).parser.treebank.split("/")
            candidate = args.ud_dir / folder / f"{stem}-ud-test.conllu"
            test = candidate if candidate.is_file() else None
        if test is not None:
            trees = [t for t in read_conllu(test) if t.ok][: args.ud_n]
            gold, gold_kinds = coverage([find_moves(t, lang) for t in trees])
            parsed, _ = coverage(syntax_moves(lang, [t.text for t in trees], args.parser_dir))
            gold_cell = f"{gold}/{len(trees)} {100 * gold / len(trees):.1f}%"
            parsed_cell = f"{parsed}/{len(trees)} {100 * parsed / len(trees):.1f}%"
        texts = [e.sentence2 for e in load_examples("pawsx", lang, "dev", n=args.pawsx_n, seed=args.seed).examples]
        paws, paws_kinds = coverage(syntax_moves(lang, texts, args.parser_dir))
        paws_cell = f"{paws}/{len(texts)} {100 * paws / len(texts):.1f}%"
        print(f"{lang:<5}{gold_cell:>22}{parsed_cell:>22}{paws_cell:>22}   {gold_kinds} | {paws_kinds}"
              f"   ({time.perf_counter() - started:.0f} s)", flush=True)


if __name__ == "__main__":
    main()
