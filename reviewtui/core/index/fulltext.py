"""Full-text search through review bodies with SQLite FTS5.

Latin words go through the FTS5 index (unicode61 tokens, case and diacritics folded, the last
token of a word matched as a prefix). Kana and kanji are not split into words by unicode61, so
words holding them are found by `str.find` through the kana and kanji runs of the bodies,
gathered on the first such query: in memory up to `MEMORY_LIMIT` (the real collection's need
half of it), else in an unnamed temporary file beside the cache, read a piece at a time.

The index lives in the persistent cache (`cache.py`), or in memory when there is none.
"""

from __future__ import annotations

import codecs
import contextlib
import os
import re
import sqlite3
import tempfile
import threading
import weakref
from array import array
from bisect import bisect_right
from collections.abc import Callable, Iterable
from typing import BinaryIO

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


#: Kana/kanji runs up to this many bytes (as UTF-16) stay in memory: ~14 MB at the real
#: collection's 7.6k reviews. Beyond, they go to an unnamed temporary file beside the cache, read a
#: piece at a time: at 100k reviews (50k Japanese) they weigh ~190 MB, which the process would
#: otherwise hold (+220 MB RSS).
MEMORY_LIMIT = 32 * 1024 * 1024
#: While they are gathered, runs past this many bytes go to the file at once (read back if they
#: end within `MEMORY_LIMIT`): a big collection's never sit in memory, not even for a while.
GATHER_LIMIT = 16 * 1024 * 1024
#: The runs are cut into pieces of whole bodies of about this many bytes: what is read from the
#: file at a time (into one reused buffer).
CHUNK = 1024 * 1024
#: Narrowing the bodies found for a run to those holding a longer one reads two of them from the
#: file at once when at most this many characters lie between them.
GAP = 8 * 1024
#: Body indexes the cache of runs looked for may hold, over all its entries (4 bytes each).
RUNS_CACHE_LIMIT = 2_000_000


def _search(text: str, base: int, needles: tuple[str, str], starts: array[int], found: array[int]) -> None:
    """Append to `found` the index of each body holding either needle in `text`, which holds
    whole bodies from character `base` of the runs on."""
    first, second = needles
    a = text.find(first)
    b = text.find(second) if second != first else -1
    while a != -1 or b != -1:
        k = bisect_right(starts, (a if b == -1 or a != -1 and a < b else b) + base) - 1
        found.append(k)
        at = starts[k + 1] - base  # the next body
        if a != -1 and a < at:
            a = text.find(first, at)
        if b != -1 and b < at:
            b = text.find(second, at)


class _Runs:
    """The kana and kanji runs of the bodies holding any (see `FullText._cjk_bodies`): body k's
    are characters starts[k]:starts[k + 1] of them all, joined and ended by U+0000, and its row
    id is rowids[k]. They are cut into pieces of whole bodies (piece i: characters
    edges[i]:edges[i + 1]), so no match spans two pieces; the pieces are strings in `pieces`, or
    lie in `file` (unnamed, gone when closed) as UTF-16 when too big to keep in memory."""

    def __init__(
        self, pieces: list[str], file: BinaryIO | None, edges: array[int], starts: array[int], rowids: array[int]
    ) -> None:
        self.pieces = pieces
        self.file = file
        self.edges = edges
        self.starts = starts
        self.rowids = rowids
        self._buffer = bytearray()
        if file is not None:
            weakref.finalize(self, file.close)

    def text(self, i: int, lo: int | None = None, hi: int | None = None) -> tuple[str, int]:
        """(text, base): piece i, or from the file the characters lo:hi of the runs that it holds,
        as text starting at character base."""
        if self.file is None:
            return self.pieces[i], self.edges[i]
        lo = self.edges[i] if lo is None else lo
        size = 2 * ((self.edges[i + 1] if hi is None else hi) - lo)
        if len(self._buffer) < size:
            self._buffer = bytearray(max(size, CHUNK))
        view = memoryview(self._buffer)[:size]
        self.file.seek(2 * lo)
        got = 0
        while got < size:
            n = self.file.readinto(view[got:])
            if not n:
                raise OSError(f"The kana/kanji runs file ended at byte {2 * lo + got}, not {2 * lo + size}.")
            got += n
        return codecs.utf_16_le_decode(view)[0], lo

    def scan(self, needles: tuple[str, str], found: array[int]) -> None:
        """Append to `found` the index of each body holding either needle."""
        for i in range(len(self.edges) - 1):
            text, base = self.text(i)
            _search(text, base, needles, self.starts, found)

    def narrow(self, needles: tuple[str, str], ks: array[int], found: array[int]) -> None:
        """Append to `found` the indexes among `ks` (ascending) of the bodies holding either needle."""
        first, second = needles
        both = second != first
        starts, edges = self.starts, self.edges
        gap = GAP if self.file is not None else len(self.starts)  # in memory: all of a piece at once
        j, count = 0, len(ks)
        while j < count:  # bodies in one piece, each near the one before: one read
            i = bisect_right(edges, starts[ks[j]]) - 1
            m = j + 1
            while m < count and starts[ks[m]] < edges[i + 1] and starts[ks[m]] - starts[ks[m - 1] + 1] <= gap:
                m += 1
            text, base = self.text(i, starts[ks[j]], starts[ks[m - 1] + 1])
            for k in ks[j:m]:
                at, end = starts[k] - base, starts[k + 1] - base
                if text.find(first, at, end) != -1 or both and text.find(second, at, end) != -1:
                    found.append(k)
            j = m


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
        self._cjk: _Runs | None = None
        self._runs: dict[str, array[int]] = {}
        """Runs looked for -> the indexes (in `_Runs`, ascending) of the bodies holding them."""

    def _spill_file(self) -> BinaryIO | None:
        """An unnamed temporary file in the cache's folder (the default temporary folder may be
        in memory), else in the default one; None when neither can be made."""
        folders: list[str | None] = []
        with contextlib.suppress(sqlite3.Error):
            folders += [
                os.path.dirname(row[2])
                for row in self.db.execute("PRAGMA database_list")
                if row[1] == "main" and row[2]
            ]
        for folder in [*folders, None]:
            try:
                return tempfile.TemporaryFile(dir=folder)  # noqa: SIM115 - held by _Runs, closed with it
            except OSError:
                continue
        return None

    def _cjk_bodies(self) -> _Runs:
        """The kana and kanji runs of the bodies holding any (str.find beats SQL here ~20x). A
        run looked for lies inside one run of a body, so the rest of the text is left out. The
        bodies are read one at a time and gathered in pieces of `CHUNK` bytes: ~14 MB at 7.6k
        reviews; past `GATHER_LIMIT` the pieces go to a temporary file as they are made, to stay
        there past `MEMORY_LIMIT`."""
        if self._cjk is None:
            pieces: list[str] = []
            file: BinaryIO | None = None
            spill = True  # until no temporary file can be made
            parts: list[str] = []
            edges = array("q", [0])
            starts = array("q")
            rowids = array("q")
            total = 0

            def cut() -> None:
                nonlocal pieces, file, spill
                piece = "".join(parts)
                parts.clear()
                edges.append(total)
                pieces.append(piece)
                if file is None and spill and 2 * total > GATHER_LIMIT:
                    file = self._spill_file()
                    spill = file is not None
                if file is not None:
                    for piece in pieces:
                        file.write(piece.encode("utf-16-le"))
                    pieces = []

            try:
                for rowid, text in self._texts() if self._texts is not None else ():
                    if text.isascii():
                        continue
                    runs = _CJK.findall(text)
                    if not runs:
                        continue
                    runs.append("")  # each body's runs end with U+0000 too
                    joined = "\x00".join(runs)
                    starts.append(total)
                    rowids.append(rowid)
                    parts.append(joined)
                    total += len(joined)
                    if 2 * (total - edges[-1]) >= CHUNK:
                        cut()
                if total > edges[-1]:
                    cut()
                if file is not None:
                    file.flush()
            except BaseException:
                if file is not None:
                    file.close()
                raise
            starts.append(total)
            runs = _Runs(pieces, file, edges, starts, rowids)
            if file is not None and 2 * total <= MEMORY_LIMIT:
                runs.pieces = [runs.text(i)[0] for i in range(len(edges) - 1)]
                runs.file, runs._buffer = None, bytearray()
                file.close()
            self._cjk = runs
        return self._cjk

    def _find_cjk(self, run: str) -> set[int]:
        """Row ids of the bodies holding run (hiragana or katakana alike). A run that extends an
        earlier one (typing goes letter by letter) is only looked for in the bodies that held it."""
        bodies = self._cjk_bodies()
        found = self._runs.get(run)
        if found is None:
            needles = (run, run.translate(_HIRAGANA_TO_KATAKANA))
            found = array("i")
            earlier = next((self._runs[r] for r in (run[:-1], run[1:]) if r and r in self._runs), None)
            if earlier is not None:
                bodies.narrow(needles, earlier, found)
            else:
                bodies.scan(needles, found)
            self._remember(run, found)
        return set(map(bodies.rowids.__getitem__, found))

    def _remember(self, run: str, found: array[int]) -> None:
        """Keep what run found, dropping the oldest runs beyond 64 or `RUNS_CACHE_LIMIT` indexes."""
        runs = self._runs
        runs[run] = found
        held = sum(map(len, runs.values()))
        while len(runs) > 1 and (len(runs) > 64 or held > RUNS_CACHE_LIMIT):
            held -= len(runs.pop(next(iter(runs))))

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
        except (sqlite3.Error, OSError):  # OSError: the runs' temporary file
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
