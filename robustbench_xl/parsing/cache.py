"""Persistent parse cache: parse a text once per parser, reuse it in every later process.

Card
* What: an SQLite file (``$RBX_HOME/parses/parses.sqlite``) with one row per key
  ``sha256(language, parser identity and version, tree format, text)`` holding the tree as JSON.
* Safe for several processes at once (two attacks on the same language): WAL journal, one
  transaction per batch, ``INSERT OR IGNORE`` (the same key always holds the same parse, so the
  first writer wins and the others lose nothing), a busy timeout plus retries when the file is
  locked. A process killed mid-write leaves the last committed state: SQLite rolls the unfinished
  transaction back on the next open.
* Limits: only successful parses are stored (skips are recomputed, they are cheap). A row that
  does not decode is treated as a miss and overwritten.
* Example::

    cache = ParseCache()
    hits = cache.get_many(["k1", "k2"])      # {key: ParsedSentence}
    cache.put_many({"k3": parsed})
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import sqlite3
import time
from pathlib import Path

from ..errors import RbxError
from ..paths import cache_dir
from .trees import TREE_FORMAT_VERSION, ParsedSentence

_SCHEMA = """CREATE TABLE IF NOT EXISTS parses (
    key TEXT PRIMARY KEY, lang TEXT NOT NULL, parser TEXT NOT NULL, tree TEXT NOT NULL,
    created REAL NOT NULL)"""
_RETRIES = 8
_CHUNK = 500  # sqlite's host-parameter limit is 999 on old builds


def cache_key(lang: str, parser_id: str, text: str) -> str:
    raw = f"{lang}\0{parser_id}\0{TREE_FORMAT_VERSION}\0{text}".encode("utf-8", "surrogatepass")
    return hashlib.sha256(raw).hexdigest()


def default_cache_path() -> Path:
    return cache_dir("parses") / "parses.sqlite"


class ParseCache:
    """One SQLite parse cache file; a connection per process (safe after fork)."""

    def __init__(self, path: str | Path | None = None, timeout_s: float = 30.0):
        self.path = Path(path) if path is not None else default_cache_path()
        self.timeout_s = timeout_s
        self._conn: sqlite3.Connection | None = None
        self._pid = -1

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None or self._pid != os.getpid():
            self.path.parent.mkdir(parents=True, exist_ok=True)
            try:
                conn = sqlite3.connect(self.path, timeout=self.timeout_s, isolation_level=None)
                self._retry(lambda: conn.execute("PRAGMA journal_mode=WAL").fetchone())
                conn.execute("PRAGMA synchronous=NORMAL")
                self._retry(lambda: conn.execute(_SCHEMA))
            except sqlite3.DatabaseError as error:
                raise RbxError(f"parse cache {self.path} is unreadable ({error}); delete it "
                               f"(it only holds parses, which are recomputed)") from None
            self._conn, self._pid = conn, os.getpid()
        return self._conn

    def _retry(self, action):
        for attempt in range(_RETRIES):
            try:
                return action()
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) and "busy" not in str(error) or attempt == _RETRIES - 1:
                    raise
                time.sleep(0.05 * (2 ** attempt) * (1 + random.random()))
        return None

    def get_many(self, keys: list[str]) -> dict[str, ParsedSentence]:
        conn, found = self._connection(), {}
        unique = list(dict.fromkeys(keys))
        for start in range(0, len(unique), _CHUNK):
            chunk = unique[start:start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            rows = self._retry(lambda: conn.execute(
                f"SELECT key, tree FROM parses WHERE key IN ({marks})", chunk).fetchall())
            for key, tree in rows:
                try:
                    found[key] = ParsedSentence.from_json(json.loads(tree))
                except (ValueError, TypeError, KeyError):
                    continue  # unreadable row: a miss, overwritten by put_many
        return found

    def put_many(self, items: dict[str, ParsedSentence], lang: str = "", parser_id: str = "") -> int:
        """Store parses in one transaction; returns how many rows were new."""
        rows = [(key, lang, parser_id, json.dumps(parsed.to_json(), ensure_ascii=False), time.time())
                for key, parsed in items.items() if parsed.ok]
        if not rows:
            return 0
        conn = self._connection()

        def write() -> int:
            conn.execute("BEGIN IMMEDIATE")
            try:
                before = conn.total_changes
                conn.executemany("INSERT INTO parses VALUES (?,?,?,?,?) ON CONFLICT(key) DO UPDATE SET "
                                 "tree=excluded.tree WHERE json_valid(parses.tree) = 0", rows)
                new = conn.total_changes - before
                conn.execute("COMMIT")
                return new
            except BaseException:
                conn.execute("ROLLBACK")
                raise

        return self._retry(write)

    def stats(self) -> dict:
        conn = self._connection()
        rows = conn.execute("SELECT lang, parser, COUNT(*) FROM parses GROUP BY lang, parser").fetchall()
        return {"path": str(self.path), "rows": sum(r[2] for r in rows),
                "by_parser": [{"lang": r[0], "parser": r[1], "rows": r[2]} for r in rows]}

    def close(self) -> None:
        if self._conn is not None and self._pid == os.getpid():
            self._conn.close()
        self._conn = None
