"""One typed layout per stored thing, with its codec: the `files` rows every writer makes, the
rows a start reads back, the packed front matter (head), the body, the problems, and the
Review made from a row.

The rows are built here and nowhere else: the process that loads, the worker processes and
the incremental writer all call `file_row`/`dropped_row`, and read `KnownRow` fields by name.
"""

from __future__ import annotations

import contextlib
import marshal
import sqlite3
from typing import TYPE_CHECKING, Any, NamedTuple

from reviewtui.core.index.fulltext import FTS_TABLE
from reviewtui.core.model import Price, Problem, Rating, Reference, Review, Section

if TYPE_CHECKING:
    from reviewtui.core.store.cache import Store


class FileRow(NamedTuple):
    """One file as stored: its row in `files`, and its body (in `bodies`)."""

    id: int
    path: str
    mtime: int
    size: int
    kind: str | None
    """None (with lang, ref, company_id, head and body) when the file was dropped: `problems` says why."""
    lang: str | None
    ref: str | None
    company_id: str | None
    head: bytes | None
    """`head_of(review)`."""
    problems: bytes | None
    """`problems_blob(problems)`."""
    body: bytes | None
    """`body_of(review)`."""
    cjk: int
    """1 when the body holds kana or kanji (the full-text scan reads those bodies)."""


def file_row(
    rowid: int,
    path: str,
    mtime: int,
    size: int,
    ids: tuple[Any, ...],
    head: bytes | None,
    problems: bytes | None,
    body: bytes | None,
    cjk: bool,
) -> FileRow:
    """The row of a review: `ids` is (kind, lang, ref, company_id)."""
    kind, lang, ref, company_id = ids
    return FileRow(rowid, path, mtime, size, kind, lang, ref, company_id, head, problems, body, int(cjk))


def dropped_row(rowid: int, path: str, mtime: int, size: int, problems: bytes | None) -> FileRow:
    """The row of a file that gave no review: only its problems."""
    return FileRow(rowid, path, mtime, size, None, None, None, None, None, problems, None, 0)


class KnownRow(NamedTuple):
    """What a start reads of each stored file (`KNOWN_ROWS`): enough to tell whether it changed and
    to make its review without unpacking it."""

    path: str
    id: int
    kind: str | None
    lang: str | None
    ref: str | None
    company_id: str | None
    has_head: int
    mtime: int
    size: int
    problems: bytes | None


KNOWN_ROWS = "SELECT path, id, kind, lang, ref, company_id, head IS NOT NULL, mtime, size, problems FROM files"


def known_rows(db: sqlite3.Connection) -> dict[str, KnownRow]:
    """Every stored file's `KnownRow`, by path."""
    return {row[0]: KnownRow._make(row) for row in db.execute(KNOWN_ROWS)}


def insert_rows(db: sqlite3.Connection, rows: list[FileRow], texts: list[tuple[int, str]]) -> None:
    """Insert file rows, the bodies in their own table, and (rowid, text) into the full-text index."""
    insert_files(db, rows)
    db.executemany(f"INSERT INTO {FTS_TABLE} (rowid, body) VALUES (?, ?)", texts)


def insert_files(db: sqlite3.Connection, rows: list[FileRow]) -> None:
    """The file rows and bodies of `insert_rows`, without the full-text entries."""
    db.executemany(
        "INSERT INTO files (id, path, mtime, size, kind, lang, ref, company_id, head, problems, cjk) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(r.id, r.path, r.mtime, r.size, r.kind, r.lang, r.ref, r.company_id, r.head, r.problems, r.cjk) for r in rows],
    )
    db.executemany("INSERT INTO bodies (id, body) VALUES (?, ?)", [(r.id, r.body) for r in rows if r.body])


class Head(NamedTuple):
    """The layout of a packed head (`head_of`): a review's front-matter fields. Packed as a plain
    tuple (marshal), read back by position through the HEAD_* indexes below."""

    kind: str
    lang: str
    ref: str
    company_id: str
    title: str
    target_name: str
    date: str | None
    rating: tuple[float, ...]
    """(overall, c1..c5)."""
    price: tuple[float, str] | None
    """(amount, currency)."""
    summary: str
    tags: tuple[str, ...]
    permalink: str


HEAD_DATE, HEAD_RATING, HEAD_PRICE, HEAD_TAGS = (Head._fields.index(n) for n in ("date", "rating", "price", "tags"))
#: Where the fields that `review_from` does not set begin (title onwards).
HEAD_LAZY = Head._fields.index("title")

_SLOT = {name: Review.__dict__[name] for name in Review.__dataclass_fields__}
_SECTIONS = _SLOT["sections"]
_REFERENCES = _SLOT["references"]


def head_of(review: Review) -> bytes:
    price = (review.price.amount, review.price.currency) if review.price else None
    return marshal.dumps(
        (  # Head, as a plain tuple
            review.kind,
            review.lang,
            review.ref,
            review.company_id,
            review.title,
            review.target_name,
            review.date,
            (review.rating.overall, *review.rating.criteria),
            price,
            review.summary,
            review.tags,
            review.permalink,
        )
    )


def body_of(review: Review) -> bytes:
    return marshal.dumps(
        (
            tuple((s.heading, s.key, s.score, s.text, s.line) for s in review.sections),
            tuple((r.number, r.text, r.url) for r in review.references),
        )
    )


def problems_blob(problems: list[Problem]) -> bytes | None:
    return marshal.dumps(tuple((p.line, p.severity, p.message) for p in problems)) if problems else None


def _frozen(cls: type, *values: Any) -> Any:
    """A frozen slots dataclass without its __init__ (which sets each field the slow way)."""
    obj = object.__new__(cls)
    for name, value in zip(cls.__dataclass_fields__, values, strict=True):
        cls.__dict__[name].__set__(obj, value)
    return obj


def sections_from(blob: bytes) -> tuple[tuple[Section, ...], tuple[Reference, ...]]:
    sections, references = marshal.loads(blob)
    return (
        tuple(_frozen(Section, *s) for s in sections),
        tuple(_frozen(Reference, *r) for r in references),
    )


_HEAD_FIELDS = ("title", "target_name", "date", "rating", "price", "summary", "tags", "permalink")
_BODY_FIELDS = ("sections", "references")


def _lazy(name: str, load: str) -> property:
    """A property over Review's slot `name` that fills the slot on first read (via method `load`)."""
    slot = _SLOT[name]

    def get(self: CachedReview) -> Any:
        try:
            return slot.__get__(self)
        except AttributeError:
            getattr(self, load)()
            return slot.__get__(self)

    def put(self: CachedReview, value: Any) -> None:  # dataclasses.replace and __init__ set fields
        slot.__set__(self, value)

    return property(get, put, doc=f"Review.{name}, read from the cache on first use.")


class CachedReview(Review):
    """A Review made from a cache row in well under a microsecond: path, kind, lang, ref and
    company_id are set; the other fields are unpacked on first read, the body (sections and
    references) is read from the cache file on first read. It equals, hashes and prints like the
    Review it stands for."""

    __slots__ = ("_head", "_body")

    def _load_head(self) -> None:
        store, rowid = self._body
        head = self._head
        if head is None:
            head = store.head(rowid, self.path)
        try:
            values = _head_values(head)
        except UNREADABLE:  # a damaged row: the file says what it holds
            store.seal.note_damage(f"the stored fields of {self.path} could not be read")
            values = _head_values(store.head_from_file(self.path))
        for name, value in zip(_HEAD_FIELDS, values, strict=True):
            _SLOT[name].__set__(self, value)

    def _load_body(self) -> None:
        store, rowid = self._body
        sections, references = store.body(rowid, self.path)
        _SECTIONS.__set__(self, sections)
        _REFERENCES.__set__(self, references)


#: What decoding a damaged blob raises: marshal's errors, and those of a value of the wrong shape.
UNREADABLE = (ValueError, EOFError, TypeError, IndexError, KeyError)


def _head_values(head: bytes) -> tuple[Any, ...]:
    """The fields of a packed head from title on (see `Head`), as the review holds them."""
    title, target, date, rating, price, summary, tags, permalink = marshal.loads(head)[HEAD_LAZY:]
    return (
        title,
        target,
        date,
        _frozen(Rating, rating[0], tuple(rating[1:])),
        _frozen(Price, *price) if price is not None else None,
        summary,
        tags,
        permalink,
    )


for _name in _HEAD_FIELDS:
    setattr(CachedReview, _name, _lazy(_name, "_load_head"))
for _name in _BODY_FIELDS:
    setattr(CachedReview, _name, _lazy(_name, "_load_body"))

_SET_PATH, _SET_KIND, _SET_LANG, _SET_REF, _SET_COMPANY = (
    _SLOT[name].__set__ for name in ("path", "kind", "lang", "ref", "company_id")
)
_SET_HEAD = CachedReview._head.__set__  # type: ignore[attr-defined]
_SET_BODY = CachedReview._body.__set__  # type: ignore[attr-defined]


_HEAD_SLOTS = tuple(_SLOT[name] for name in _HEAD_FIELDS)


def repack(reviews: list[Review]) -> None:
    """Drop the unpacked front-matter fields of cached reviews that keep their packed head: they
    are unpacked again on first read (~1 KB less per review)."""
    for review in reviews:
        if isinstance(review, CachedReview) and review._head is not None:
            for slot in _HEAD_SLOTS:
                with contextlib.suppress(AttributeError):
                    slot.__delete__(review)


def columns_of(review: Review) -> tuple[tuple[str, ...], float | None, tuple[float, ...], str | None]:
    """`builder.columns_of`, read from a cached review's packed head when it has one, without
    unpacking its fields into it: an index build reads every review once, and a cold load of
    100k reviews would otherwise keep ~100 MB of unpacked fields until `repack`."""
    head = review._head if isinstance(review, CachedReview) else None
    if head is None:
        from reviewtui.core.index import builder

        return builder.columns_of(review)
    values = marshal.loads(head)
    price = values[HEAD_PRICE]
    if len(_SCORES) > 4096:  # odd files with scores of many digits: sharing stays bounded
        _SCORES.clear()
    share = _SCORES.setdefault  # a few dozen distinct scores, 600k float objects at 100k otherwise
    rating = tuple([share(score, score) for score in values[HEAD_RATING]])
    return values[HEAD_TAGS], price[0] if price is not None else None, rating, values[HEAD_DATE]


_SCORES: dict[float, float] = {}


def fill_heads(reviews: list[Review], heads: dict[int, bytes]) -> None:
    """Give cached reviews without a packed head theirs (from one query: `Store.prefetch_heads`)."""
    for review in reviews:
        if isinstance(review, CachedReview) and review._head is None:
            head = heads.get(review._body[1])
            if head is not None:
                _SET_HEAD(review, head)


def waiting_heads(reviews: list[Review]) -> bool:
    """Whether some cached review has no packed head in memory."""
    return any(isinstance(r, CachedReview) and r._head is None for r in reviews)


def review_from(row: tuple[Any, ...], store: Store, head: bytes | None = None) -> CachedReview:
    """A review from a `files` row (path, id, kind, lang, ref, company_id, ...); its other fields
    are read from `head` (or from the cache file, when None) on first use."""
    path, rowid, kind, lang, ref, company_id = row[:6]
    review = object.__new__(CachedReview)
    _SET_PATH(review, path)
    _SET_KIND(review, kind)
    _SET_LANG(review, lang)
    _SET_REF(review, ref)
    _SET_COMPANY(review, company_id)
    _SET_HEAD(review, head)
    _SET_BODY(review, (store, rowid))
    return review


def problems_from(path: str, blob: bytes | None) -> list[Problem]:
    if not blob:
        return []
    return [_frozen(Problem, path, line, severity, message) for line, severity, message in marshal.loads(blob)]


def placeholder_head(path: str) -> bytes:
    """The head shown for a review whose file went bad since it was stored: its path as its name."""
    return marshal.dumps(("", "", "", "", path, path, None, (0.0, 0.0, 0.0, 0.0, 0.0, 0.0), None, "", (), ""))
