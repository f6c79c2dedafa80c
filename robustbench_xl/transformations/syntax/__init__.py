"""Syntax-swap: reorder whole subtrees of a dependency parse (the ``syntax-swap`` recipe).

Card
* What: the public API of the syntax-swap package. :func:`find_moves` (plain Python: a tree in,
  the safe reorderings out) and :class:`SyntaxSwap`, the TextAttack transformation built on it,
  plus ``syntax_moves``/``move_coverage`` for coverage reports. The modules, bottom to top (each
  imports only modules above it in this list, never one below; ``tests/test_module_layering.py``
  checks that):

  1. :mod:`.rules`: word lists and relation sets (data only);
  2. :mod:`.tree_tools`: the tree index ``Sent``, ``Move``, the rewriter, case and spacing;
  3. :mod:`.moves_latin` (en es fr, de verb-second), :mod:`.moves_cjk` (ko ja scrambling, zh time
     phrases), :mod:`.coordination` (conjunct swaps): the move families;
  4. :mod:`.moves`: ``find_moves``, the registry's ``syntax`` family -> its moves;
  5. :mod:`.swap`: the TextAttack ``Transformation``.
* Languages: en de es fr ja ko zh.
* Limits: ``SyntaxSwap`` and the report helpers load TextAttack on first use (attribute access
  here), so ``import robustbench_xl.transformations.syntax`` stays plain Python.
* Example::

    from robustbench_xl.parsing.conllu import read_conllu
    from robustbench_xl.transformations.syntax import find_moves

    tree = read_conllu("tests/fixtures/syntax/ud_ko.conllu")[0]   # 한국적 슬기가 세계를 이긴다.
    [m.text for m in find_moves(tree, "ko")]    # ['세계를 한국적 슬기가 이긴다.']
"""

from __future__ import annotations

from .moves import ALL_KINDS, find_moves
from .tree_tools import Move, order_key

# Names that live in .swap, which imports TextAttack: loaded on first access.
_FROM_SWAP = ("SyntaxSwap", "TREES_ATTR", "TreeState", "move_coverage", "syntax_moves")


def __getattr__(name: str):
    if name in _FROM_SWAP:
        from . import swap

        return getattr(swap, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["ALL_KINDS", "Move", "find_moves", "order_key", *_FROM_SWAP]
