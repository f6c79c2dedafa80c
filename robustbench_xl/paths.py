"""Where rbx keeps what it derives: caches, converted base models, parse caches.

Everything goes under one folder, ``$RBX_HOME`` (default ``~/.cache/robustbench_xl``), so a user can
see and delete it, and tests can point it at a temporary folder.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def rbx_home() -> Path:
    """The root of rbx's caches (created on first use)."""
    home = Path(os.environ.get("RBX_HOME", Path.home() / ".cache" / "robustbench_xl")).expanduser()
    home.mkdir(parents=True, exist_ok=True)
    return home


def cache_dir(name: str) -> Path:
    """A named sub-folder of :func:`rbx_home` (created on first use)."""
    path = rbx_home() / name
    path.mkdir(parents=True, exist_ok=True)
    return path


def recipes_dir() -> Path:
    """The shipped recipe files: inside the wheel, or ``recipes/`` of a source checkout."""
    packaged = PACKAGE_DIR / "_recipes"
    if packaged.is_dir():
        return packaged
    return PACKAGE_DIR.parent / "recipes"
