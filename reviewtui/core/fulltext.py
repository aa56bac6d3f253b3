"""Full-text search through review bodies with SQLite FTS5.

Latin words go through the FTS5 index (unicode61 tokens, case and diacritics folded, the last
token of a word matched as a prefix). Kana and kanji are not split into words by unicode61, so
words holding them are found by `str.find` through the bodies that hold kana or kanji, loaded
on the first such query.

The index lives in the persistent cache (`cache.py`), or in memory when there is none.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from bisect import bisect_right
from collections.abc import Callable, Iterable

from reviewtui.core.model import Review

FTS_TABLE = "body_fts"
#: The FTS5 table: one row per review body, rowid = the review's row in the store.
FTS_SCHEMA = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
    "body, content='', detail=none, columnsize=0, tokenize='unicode61 remove_diacritics 2')"
)
#: FTS5's in-memory buffer per writer: a bulk insert then makes one segment rather than a flush
#: and merge per megabyte (inserts ~20% faster).
BULK_HASHSIZE = 64 * 1024 * 1024


def tune_for_bulk(db: sqlite3.Connection, schema: str = "main") -> None:
    """Set the full-text table's hashsize (stored with the table) for bulk inserts."""
    db.execute(f"INSERT INTO {schema}.{FTS_TABLE} ({FTS_TABLE}, rank) VALUES ('hashsize', ?)", (BULK_HASHSIZE,))


_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f]+")
_LATIN = re.compile(r"[^\W_]+")
_HIRAGANA_TO_KATAKANA = {code: code + 0x60 for code in range(0x3041, 0x3097)}


def body_text(review: Review) -> str:
    """The text the full-text index holds for a review: its sections, headings included."""
    return "\n\n".join(f"{s.heading}\n{s.text}" for s in review.sections)


def has_cjk(text: str) -> bool:
    return not text.isascii() and _CJK.search(text) is not None


def fts_text(text: str) -> tuple[str, bool]:
    """What FTS5 indexes of a body, and whether it held kana or kanji: the text without its kana
    and kanji runs, which unicode61 would keep as huge single tokens (they are found by `str.find`
    instead); that makes the index 3x faster to build."""
    if text.isascii():
        return text, False
    stripped, runs = _CJK.subn(" ", text)
    return stripped, runs > 0


def _find(blob: bytearray, needle: bytes, start: int, end: int) -> int:
    """Where needle starts in blob[start:end] at a character boundary (an even offset in UTF-16), or -1."""
    pos = blob.find(needle, start, end)
    while pos != -1 and pos % 2:
        pos = blob.find(needle, pos + 1, end)
    return pos


class FullText:
    """Body search over an FTS5 table; `texts` yields (rowid, body text) for the kana/kanji scan."""

    def __init__(
        self,
        db: sqlite3.Connection,
        lock: threading.Lock | threading.RLock,
        texts: Callable[[], Iterable[tuple[int, str]]] | None = None,
        schemas: tuple[str, ...] = ("main",),
    ) -> None:
        self.db = db
        self.schemas = schemas
        """The databases holding a part of the index: the cache file and the shards that parsing
        processes wrote (attached to `db`, see `cache.py`)."""
        self.lock = lock
        self._texts = texts
        self._cjk: tuple[bytearray, list[int], list[int]] | None = None
        self._runs: dict[str, set[int]] = {}

    def _cjk_bodies(self) -> tuple[bytearray, list[int], list[int]]:
        """The kana and kanji runs of the bodies holding any, in one UTF-16 buffer (bytes.find
        beats SQL here ~20x). A run looked for lies inside one run of a body, so the rest of the
        text is left out, and the buffer grows in place: ~14 MB at 7.6k reviews, never twice that."""
        if self._cjk is None:
            blob = bytearray()
            starts: list[int] = []
            rowids: list[int] = []
            for rowid, text in self._texts() if self._texts is not None else ():
                runs = "\x00".join(_CJK.findall(text)) if not text.isascii() else ""
                if runs:
                    starts.append(len(blob))
                    rowids.append(rowid)
                    blob += runs.encode("utf-16-le")
                    blob += b"\x00\x00"
            self._cjk = (blob, starts, rowids)
        return self._cjk

    def _find_cjk(self, run: str) -> set[int]:
        """Row ids of the bodies holding run (hiragana or katakana alike). A run that extends an
        earlier one (typing goes letter by letter) is only looked for in the bodies that held it."""
        cached = self._runs.get(run)
        if cached is not None:
            return cached
        blob, starts, rowids = self._cjk_bodies()
        variants = {v.encode("utf-16-le") for v in (run, run.translate(_HIRAGANA_TO_KATAKANA))}
        found: set[int] = set()
        earlier = next((self._runs[r] for r in (run[:-1], run[1:]) if r and r in self._runs), None)
        if earlier is not None:
            where = {rowid: k for k, rowid in enumerate(rowids)}
            for rowid in earlier:
                k = where[rowid]
                end = starts[k + 1] if k + 1 < len(starts) else len(blob)
                if any(_find(blob, v, starts[k], end) != -1 for v in variants):
                    found.add(rowid)
        else:
            for variant in variants:
                pos = _find(blob, variant, 0, len(blob))
                while pos != -1:
                    k = bisect_right(starts, pos) - 1
                    found.add(rowids[k])
                    pos = _find(blob, variant, starts[k + 1], len(blob)) if k + 1 < len(starts) else -1
        if len(self._runs) > 64:
            self._runs.clear()
        self._runs[run] = found
        return found

    def match(self, word: str, *, prefix: bool = True) -> set[int] | None:
        """Row ids whose body holds the folded word (token-wise; the last token as a prefix when
        `prefix`). A phrase with spaces needs all its tokens. None when the index cannot answer."""
        latin = _LATIN.findall(_CJK.sub(" ", word))
        cjk = _CJK.findall(word)
        if not latin and not cjk:
            return set()
        try:
            with self.lock:
                found: set[int] | None = None
                if latin:
                    parts = [f'"{t}"' for t in latin]
                    if prefix and not word[-1:].isspace() and not cjk:
                        parts[-1] += "*"
                    found = set()
                    for schema in self.schemas:
                        (joined,) = self.db.execute(
                            f"SELECT group_concat(rowid) FROM {schema}.{FTS_TABLE} WHERE {FTS_TABLE} MATCH ?",
                            (" AND ".join(parts),),
                        ).fetchone()
                        if joined:
                            found.update(map(int, joined.split(",")))
                for run in cjk:
                    ids = self._find_cjk(run)
                    found = ids if found is None else found & ids
                return found if found is not None else set()
        except sqlite3.Error:
            return None


def fts_query_ok(db: sqlite3.Connection) -> bool:
    try:
        db.execute(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH 'x' LIMIT 1").fetchall()
    except sqlite3.Error:
        return False
    return True


def memory_fulltext(reviews: Iterable[Review]) -> tuple[FullText, dict[int, str]]:
    """An in-memory index for a catalog that has no cache; row ids map to review paths."""
    db = sqlite3.connect(":memory:", check_same_thread=False)
    db.execute(FTS_SCHEMA)
    paths: dict[int, str] = {}
    rows: list[tuple[int, str]] = []
    for rowid, review in enumerate(reviews, 1):
        paths[rowid] = review.path
        rows.append((rowid, body_text(review)))
    with db:
        db.executemany(f"INSERT INTO {FTS_TABLE} (rowid, body) VALUES (?, ?)", ((r, fts_text(t)[0]) for r, t in rows))
    return FullText(db, threading.Lock(), lambda: rows), paths
