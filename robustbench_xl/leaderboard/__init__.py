"""The leaderboard: model registry + attack results -> statistics -> terminal, README.md, JSON, HTML.

Modules: ``registry`` (schema of ``leaderboard/models/<id>.yaml``), ``results`` (choosing comparable
runs; reading results folders and per-example metrics are ``robustbench_xl.results``),
``robustbench_xl.stats`` (bootstrap, Wilson, McNemar, CMH, Holm; shared with the runner and the
gate), ``compare`` (STILTs vs standard), ``build`` (the API), ``format`` (number formats shared with
the gate), ``render_terminal`` / ``render_markdown`` / ``render_html``.

Example::

    from robustbench_xl.leaderboard import build_leaderboard
    board = build_leaderboard("results", "leaderboard/models", "leaderboard")
"""

from __future__ import annotations

from robustbench_xl.leaderboard.build import Leaderboard, build_leaderboard, compute_leaderboard
from robustbench_xl.leaderboard.registry import ModelEntry, load_registry

__all__ = ["Leaderboard", "ModelEntry", "build_leaderboard", "compute_leaderboard", "load_registry"]
