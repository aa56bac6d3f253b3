"""What the search index knows about each review: folded strings, numbers, and token postings.

Built once per catalog (and kept in the cache, see `cache.py`), as plain lists and dicts so it
round-trips through `marshal` in milliseconds. Review ids are positions in `IndexData.paths`,
which is sorted by folded target name: the order an empty query lists reviews in.
"""

from __future__ import annotations

import marshal
import math
import re
import zlib
from array import array
from collections.abc import Iterable
from itertools import accumulate
from typing import Any

#: Bumped whenever the layout or the meaning of any field changes.
DATA_VERSION = 11

#: Token fields, in the order of `IndexData.vocab`.
NAME, COMPANY, TAG, SUMMARY = range(4)
FIELD_NAMES = ("name", "company", "tag", "summary")

_TOKEN = re.compile(r"[^\W_]+")


def tokens(text: str) -> list[str]:
    """Runs of letters and digits of folded text; kana and kanji runs stay whole."""
    return _TOKEN.findall(text)


_RUNS = re.compile(r"[^\W\d_]+|\d+")


def name_entries(name: str, squashed: str, model: str) -> set[str]:
    """What a target name puts in the name vocabulary: its tokens, each two neighbours glued
    (`hd 600` -> `hd600`), the letter and digit runs inside a token (`1000xm5` -> `xm`), the
    whole squashed name and the squashed model."""
    parts = tokens(name)
    entries = set(parts)
    entries.update(a + b for a, b in zip(parts, parts[1:], strict=False))
    for part in parts:
        if not part.isalpha() and not part.isdigit():
            entries.update(_RUNS.findall(part))
    entries.add(squashed)
    entries.add(model)
    return entries


def model_of(squashed_name: str, company_keys: Iterable[str]) -> str:
    """The squashed model string: the name without a leading brand (`sonywh1000xm5` -> `wh1000xm5`)."""
    best = squashed_name
    for key in company_keys:
        if key and squashed_name.startswith(key) and len(squashed_name) > len(key):
            candidate = squashed_name[len(key) :]
            if len(candidate) < len(best):
                best = candidate
    return best


Packed = tuple[list[str], bytes, bytes, str, bytes, bytes]
"""A token vocabulary: sorted tokens; `array("I")` bytes of posting offsets (one more than tokens)
and of the review ids themselves; the tokens as one text, each followed by a newline (for
substring lookups); `array("I")` bytes of where each starts in it, and of the token positions
ordered by length (for typo lookups). Stored without the token list (the text split at
newlines) and with few Python objects, so it loads in a few ms."""


_FIELDS = (
    "paths",
    "names",
    "squashed",
    "models",
    "companies",
    "langs",
    "kinds",
    "tags",
    "prices",
    "scores",
    "dates",
    "pair",
    "vocab",
    "whole",
    "ranks",
    "tag_names",
)


class IndexData:
    """The index as plain lists and dicts (a review's id is its position in `paths`).

    One loaded from the cache (`loads`) decodes each field on first read: a search reads only
    some of them (a word query no prices or tags), and the blob holds 4 MB at 7.6k reviews.
    """

    __slots__ = (*_FIELDS, "_raw")

    paths: list[str]
    names: list[str]
    """Folded target names."""
    squashed: list[str]
    models: list[str]
    companies: list[str]
    """`norm_label` of company_id."""
    langs: list[str]
    kinds: list[str]
    tags: list[tuple[str, ...]]
    """`norm_label` of each tag."""
    prices: list[float | None]
    scores: list[array[float]]
    """Six columns: overall, then the five criteria; doubles, not a float object per value."""
    dates: list[str | None]
    pair: list[int]
    """The smaller id of a review and its twin (its own id when it has none): one row per pair."""
    vocab: list[Packed]
    """Per token field (NAME, COMPANY, TAG, SUMMARY): token -> ids holding it."""
    whole: Packed
    """Squashed target names and models -> ids."""
    ranks: dict[str, tuple[list[int], list[int]]]
    """Per preferred language: (rank with no words to score: by name, preferred twin first;
    rank among equal scores: the preferred language first, then the shorter name, then by name)."""
    tag_names: dict[str, str]
    """`norm_label` of a tag -> its most used spelling, to show."""
    _raw: dict[str, Any] | None
    """Of one loaded from the cache: the fields not decoded yet, as views into the blob."""

    def __init__(
        self,
        paths: list[str],
        names: list[str],
        squashed: list[str],
        models: list[str],
        companies: list[str],
        langs: list[str],
        kinds: list[str],
        tags: list[tuple[str, ...]],
        prices: list[float | None],
        scores: list[array[float]],
        dates: list[str | None],
        pair: list[int],
        vocab: list[Packed],
        whole: Packed,
        ranks: dict[str, tuple[list[int], list[int]]],
        tag_names: dict[str, str],
    ) -> None:
        self.paths, self.names, self.squashed, self.models = paths, names, squashed, models
        self.companies, self.langs, self.kinds, self.tags = companies, langs, kinds, tags
        self.prices, self.scores, self.dates, self.pair = prices, scores, dates, pair
        self.vocab, self.whole, self.ranks, self.tag_names = vocab, whole, ranks, tag_names
        self._raw = None

    def __getattr__(self, name: str) -> Any:
        """A field not decoded yet (only called when its slot is empty)."""
        raw = self._raw if name in _DECODE else None
        if raw is None or name not in raw:
            raise AttributeError(name)
        value = _DECODE[name](raw[name])
        setattr(self, name, value)
        return value

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, IndexData):
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in _FIELDS)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"IndexData({len(self.paths)} reviews)"

    def dumps(self) -> bytes:
        """Version, CRC, then the fields' lengths and the fields, each packed on its own (see `loads`)."""
        return b"".join(self.dump_parts())

    def dump_parts(self) -> list[bytes]:
        """What `dumps` joins, not joined: written piece by piece (`cache.Store.save_index`), the
        stored index never needs a second copy in memory (~50 MB at 100k reviews)."""
        raw = self._raw or {}
        parts = [raw[name] if name in raw else _ENCODE[name](getattr(self, name)) for name in _FIELDS]
        lengths = marshal.dumps(tuple(len(part) for part in parts))
        header = len(lengths).to_bytes(4, "little") + lengths
        crc = zlib.crc32(header)
        for part in parts:  # the CRC of the whole body, without joining it
            crc = zlib.crc32(part, crc)
        return [DATA_VERSION.to_bytes(4, "little") + crc.to_bytes(4, "little") + header, *parts]

    @classmethod
    def loads(cls, blob: bytes) -> IndexData | None:
        """The index stored by `dumps`, or None when the blob is of another version or damaged.
        Nothing is copied or decoded yet: each field is a view into the blob until first read."""
        try:
            view = memoryview(blob)
            checksum = zlib.crc32(view[8:]).to_bytes(4, "little")
            if blob[:4] != DATA_VERSION.to_bytes(4, "little") or blob[4:8] != checksum:
                return None  # another version, or damaged: found now rather than in the middle of a search
            size = int.from_bytes(view[8:12], "little")
            lengths = marshal.loads(view[12 : 12 + size])
            if not isinstance(lengths, tuple) or len(lengths) != len(_FIELDS):
                return None
            if not all(type(n) is int and n >= 0 for n in lengths) or 12 + size + sum(lengths) != len(view):
                return None
            raw: dict[str, Any] = {}
            offset = 12 + size
            for name, length in zip(_FIELDS, lengths, strict=True):
                raw[name] = view[offset : offset + length]
                offset += length
            data = cls.__new__(cls)
            data._raw = raw
            return data
        except (ValueError, EOFError, TypeError):
            return None


def _array(code: str, raw: bytes) -> array[Any]:
    out = array(code)
    out.frombytes(raw)
    return out


def _ints(values: list[int]) -> bytes:
    return array("i", values).tobytes()


def _decode_ranks(raw: bytes) -> dict[str, tuple[list[int], list[int]]]:
    return {lang: (_array("i", a).tolist(), _array("i", b).tolist()) for lang, (a, b) in marshal.loads(raw).items()}


_ENCODE: dict[str, Any] = dict.fromkeys(_FIELDS, marshal.dumps) | {
    "prices": lambda prices: array("d", (math.nan if p is None else p for p in prices)).tobytes(),
    "scores": lambda scores: marshal.dumps([array("d", column).tobytes() for column in scores]),
    "pair": _ints,
    "ranks": lambda ranks: marshal.dumps({lang: (_ints(a), _ints(b)) for lang, (a, b) in ranks.items()}),
    "vocab": lambda vocab: marshal.dumps([_packed_out(v) for v in vocab]),
    "whole": lambda whole: marshal.dumps(_packed_out(whole)),
}
_DECODE: dict[str, Any] = dict.fromkeys(_FIELDS, marshal.loads) | {
    "prices": lambda raw: [None if p != p else p for p in _array("d", raw)],
    "scores": lambda raw: [_array("d", column) for column in marshal.loads(raw)],
    "pair": lambda raw: _array("i", raw).tolist(),
    "ranks": _decode_ranks,
    "vocab": lambda raw: [_packed_in(v) for v in marshal.loads(raw)],
    "whole": lambda raw: _packed_in(marshal.loads(raw)),
}


def pack(postings: dict[str, list[int]], *, typos: bool = False) -> Packed:
    """`typos`: store the tokens' order by length too (only names and companies get typo lookups)."""
    tokens = sorted(postings)
    offsets = array("I", [0])
    ids = array("I")
    for token in tokens:
        ids.extend(postings[token])
        offsets.append(len(ids))
    text = "\n".join(tokens) + "\n"
    starts = array("I", [0, *accumulate(len(t) + 1 for t in tokens)][:-1] if tokens else [])
    lengths = list(map(len, tokens)) if typos else []
    by_length = array("I", sorted(range(len(lengths)), key=lengths.__getitem__))
    return tokens, offsets.tobytes(), ids.tobytes(), text, starts.tobytes(), by_length.tobytes()


def _packed_out(packed: Packed) -> tuple[str, bytes, bytes, bytes, bytes]:
    _, offsets, ids, text, starts, by_length = packed
    return text, offsets, ids, starts, by_length


def _packed_in(stored: tuple[str, bytes, bytes, bytes, bytes]) -> Packed:
    text, offsets, ids, starts, by_length = stored
    return (text[:-1].split("\n") if len(text) > 1 else []), offsets, ids, text, starts, by_length
