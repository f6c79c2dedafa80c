"""Shared fixtures. Tests never touch the network: HF hub access is switched off here."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent))

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


@pytest.fixture(scope="session")
def rbx_home(tmp_path_factory) -> Path:
    """A private rbx cache for the test session, unless the caller set RBX_HOME."""
    home = Path(os.environ.get("RBX_HOME") or tmp_path_factory.mktemp("rbx_home"))
    os.environ["RBX_HOME"] = str(home)
    return home


@pytest.fixture(scope="session")
def bert_checkpoint(tmp_path_factory, rbx_home) -> Path:
    from checkpoints import build_bert

    return build_bert(tmp_path_factory.mktemp("ckpt") / "tiny-bert")


@pytest.fixture(scope="session")
def xlmr_checkpoint(tmp_path_factory, rbx_home) -> Path:
    from checkpoints import build_xlmr

    return build_xlmr(tmp_path_factory.mktemp("ckpt") / "tiny-xlmr")
