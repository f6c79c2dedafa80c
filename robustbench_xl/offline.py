"""Import TextAttack without the network and without NLTK downloads.

TextAttack 0.3.11 runs ``nltk.download(...)`` on its first import and builds an English stop-word
constraint at import time, which fails offline. Before importing it we:

* point ``TA_CACHE_DIR`` at rbx's own cache (``$RBX_HOME/textattack``) and mark its one-time
  post-install step as done, so it never downloads;
* put the small NLTK data rbx ships (``_vendor/nltk_data``: the English stop-word list) on NLTK's path;
* import ``huggingface_hub``/``transformers``/``datasets`` first and restore the environment after,
  because TextAttack rewrites ``HF_HOME`` and ``XDG_CACHE_HOME`` when ``TA_CACHE_DIR`` is set, which
  would otherwise move the user's HuggingFace cache.
"""

from __future__ import annotations

import os
import threading
from types import ModuleType

from .paths import PACKAGE_DIR, cache_dir

_lock = threading.Lock()
_ENV_KEYS = ("TA_CACHE_DIR", "HF_HOME", "XDG_CACHE_HOME", "TFHUB_CACHE_DIR", "PYTORCH_TRANSFORMERS_CACHE",
             "TOKENIZERS_PARALLELISM")
NLTK_DATA_DIR = PACKAGE_DIR / "_vendor" / "nltk_data"


def prepare_nltk() -> None:
    """Make NLTK find the data rbx ships before looking anywhere else."""
    import nltk

    if str(NLTK_DATA_DIR) not in nltk.data.path:
        nltk.data.path.insert(0, str(NLTK_DATA_DIR))


def import_textattack() -> ModuleType:
    """Return the ``textattack`` module, imported offline (idempotent, thread-safe)."""
    import sys

    if "textattack" in sys.modules and hasattr(sys.modules["textattack"], "Attack"):
        return sys.modules["textattack"]
    with _lock:
        if "textattack" in sys.modules and hasattr(sys.modules["textattack"], "Attack"):
            return sys.modules["textattack"]
        ta_cache = cache_dir("textattack")
        (ta_cache / "post_install_check_3").touch()
        prepare_nltk()
        # Fix HuggingFace's cache locations before TextAttack touches the environment.
        import datasets  # noqa: F401
        import huggingface_hub  # noqa: F401
        import transformers  # noqa: F401

        saved = {key: os.environ.get(key) for key in _ENV_KEYS}
        os.environ["TA_CACHE_DIR"] = str(ta_cache)
        try:
            import textattack
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
        # TextAttack logs every attack to stdout at INFO; rbx reports through rich instead.
        import logging

        logging.getLogger("textattack").setLevel(logging.WARNING)
        textattack.shared.utils.logger.setLevel(logging.WARNING)
        return textattack
