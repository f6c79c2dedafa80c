"""The persistent parse cache: hits skip stanza, concurrent writers and killed writers leave it consistent."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from robustbench_xl.errors import RbxError
from robustbench_xl.parsing import PARSE_COUNTERS, ParseCache, parse_texts
from robustbench_xl.parsing import pipelines
from robustbench_xl.parsing.cache import cache_key

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture()
def rbx_home(tmp_path, monkeypatch):
    monkeypatch.setenv("RBX_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("STANZA_RESOURCES_DIR", str(tmp_path / "stanza_resources"))
    return tmp_path / "home"


def _pawsx(lang: str, n: int) -> list[str]:
    from robustbench_xl.data import load_examples

    sample = load_examples("pawsx", lang, "dev", n=n, seed=0)
    return [e.sentence1 for e in sample.examples]


def test_cache_hit_avoids_reparsing_and_needs_no_pipeline(rbx_home):
    texts = _pawsx("de", 6)
    before = dict(PARSE_COUNTERS)
    first = parse_texts("de", texts + texts[:2])  # duplicates are parsed once
    assert PARSE_COUNTERS["texts_parsed"] - before["texts_parsed"] == 6
    assert PARSE_COUNTERS["stanza_calls"] - before["stanza_calls"] == 1  # one batched call
    pipelines.clear_pipelines()
    again = parse_texts("de", list(reversed(texts)))
    assert PARSE_COUNTERS["texts_parsed"] - before["texts_parsed"] == 6  # nothing new was parsed
    assert not pipelines._PIPELINES  # warm cache: stanza pipeline never built
    assert again == list(reversed(first[:6]))
    assert all(p.ok and p.text == t for p, t in zip(first, texts))
    # another parser identity does not reuse these rows
    source = pipelines.locate_parser("de")
    assert cache_key("de", source.identity, texts[0]) != cache_key("de", source.identity + "x", texts[0])
    stats = ParseCache().stats()
    assert stats["rows"] == 6 and stats["by_parser"][0]["parser"] == source.identity


def test_cache_false_always_parses(rbx_home):
    text = _pawsx("en", 1)
    before = PARSE_COUNTERS["texts_parsed"]
    parse_texts("en", text, cache=False)
    parse_texts("en", text, cache=False)
    assert PARSE_COUNTERS["texts_parsed"] - before == 2
    assert not (rbx_home / "parses" / "parses.sqlite").exists() or ParseCache().stats()["rows"] == 0


_WRITER = textwrap.dedent("""
    import sys
    from robustbench_xl.parsing import ParseCache, ParsedSentence, ParsedToken
    path, tag, rounds, size = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    cache = ParseCache(path, timeout_s=5)
    print("ready", flush=True)
    for r in range(rounds):
        items = {}
        for i in range(size):
            # half the keys are shared between the writers, half their own
            key = f"shared-{r}-{i}" if i % 2 else f"{tag}-{r}-{i}"
            text = key * 20
            token = ParsedToken(1, text, None, "X", None, None, 0, "root", 0, len(text))
            items[key] = ParsedSentence(text, (token,))
        cache.put_many(items, "xx", "test-parser")
""")


def _writer(path: Path, tag: str, rounds: int, size: int) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", _WRITER, str(path), tag, str(rounds), str(size)],
                            cwd=REPO, stdout=subprocess.PIPE, text=True)


def _check_consistent(path: Path) -> int:
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    rows = conn.execute("SELECT key, tree FROM parses").fetchall()
    for key, tree in rows:
        data = json.loads(tree)
        assert data["text"] == key * 20
    conn.close()
    return len(rows)


def test_two_concurrent_writers_keep_every_row(tmp_path):
    path = tmp_path / "parses.sqlite"
    writers = [_writer(path, tag, rounds=40, size=50) for tag in ("a", "b")]
    for writer in writers:
        assert writer.wait(timeout=120) == 0
    # 40 rounds x (25 own keys per writer x 2 writers + 25 shared keys)
    assert _check_consistent(path) == 40 * 75
    cache = ParseCache(path)
    assert len(cache.get_many(["a-0-0", "b-39-48", "shared-7-1", "missing"])) == 3


def test_a_writer_killed_mid_write_leaves_a_usable_cache(tmp_path):
    path = tmp_path / "parses.sqlite"
    writer = _writer(path, "k", rounds=100000, size=400)
    assert writer.stdout.readline().strip() == "ready"
    deadline = time.time() + 60
    while time.time() < deadline:  # wait until some transactions have committed
        if path.exists() and _rows(path) >= 800:
            break
        time.sleep(0.05)
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait(timeout=30)
    count = _check_consistent(path)
    assert count >= 800 and count % 400 == 0  # whole transactions only (400 new rows each)
    cache = ParseCache(path)
    token_text = "after-kill" * 20
    from robustbench_xl.parsing import ParsedSentence, ParsedToken

    parsed = ParsedSentence(token_text, (ParsedToken(1, token_text, None, "X", None, None, 0, "root", 0, 1),))
    assert cache.put_many({"after-kill": parsed}) == 1
    assert cache.get_many(["after-kill"])["after-kill"] == parsed


def _rows(path: Path) -> int:
    try:
        conn = sqlite3.connect(path, timeout=5)
        return conn.execute("SELECT COUNT(*) FROM parses").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def test_unreadable_cache_file_is_a_clear_error(tmp_path):
    path = tmp_path / "parses.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(RbxError, match="delete it"):
        ParseCache(path).get_many(["x"])
