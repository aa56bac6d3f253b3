"""Looking words up in a token vocabulary: prefix, substring and typo-tolerant matches.

The vocabulary is much smaller than the corpus, and every lookup here runs in C (bisect over the
sorted tokens, `str.find` over one newline-joined blob, rapidfuzz over the token list), so a
keystroke costs milliseconds even at 100k reviews.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import accumulate
from typing import Any

from rapidfuzz import process
from rapidfuzz.distance import OSA


def max_typos(length: int) -> int:
    """Edits a word of this many letters may have and still match: 0 below 4, 1 up to 7, then 2."""
    if length < 4:
        return 0
    return 1 if length < 8 else 2


class Postings(Mapping[str, Sequence[int]]):
    """token -> ids, read straight out of packed arrays (see `searchdata.Packed`)."""

    def __init__(self, tokens: list[str], offsets: array[int], ids: array[int]) -> None:
        self._tokens = tokens
        self._offsets = offsets
        self._ids = ids

    def at(self, k: int) -> Sequence[int]:
        """Ids of the k-th token."""
        return self._ids[self._offsets[k] : self._offsets[k + 1]]

    def __getitem__(self, token: str) -> Sequence[int]:
        k = bisect_left(self._tokens, token)
        if k == len(self._tokens) or self._tokens[k] != token:
            raise KeyError(token)
        return self.at(k)

    def __iter__(self) -> Iterator[str]:
        return iter(self._tokens)

    def __len__(self) -> int:
        return len(self._tokens)


class Vocabulary:
    """Sorted tokens with their review ids. Lookups answer token positions (ints): `tokens[k]`
    is the token, `at(k)` its ids."""

    def __init__(self, packed: tuple[Any, ...]) -> None:
        tokens, offsets, ids, *made = packed
        self.tokens = tokens
        starts = array("I")
        starts.frombytes(offsets)
        postings = array("I")
        postings.frombytes(ids)
        self.postings = Postings(tokens, starts, postings)
        self.at = self.postings.at
        self._starts: Sequence[int]
        if made:  # the text, token starts and length order, made by `searchdata.pack` and kept in the cache
            self.blob, self._starts = made[0], array("I", made[1])
        else:
            self.blob = "\n".join(tokens) + "\n"
            self._starts = [0, *accumulate(len(t) + 1 for t in tokens)][:-1] if tokens else []
        self._order: Sequence[int] | None = array("I", made[2]) if len(made) > 2 else None
        self._by_length: dict[int, tuple[list[str], list[int]]] | None = None

    def __len__(self) -> int:
        return len(self.tokens)

    def prefixed(self, word: str) -> range:
        """Positions of the tokens starting with word."""
        low = bisect_left(self.tokens, word)
        return range(low, bisect_left(self.tokens, word + "\U0010ffff", low))

    def containing(self, word: str, within: list[int] | None = None) -> list[int]:
        """Positions of the tokens holding word anywhere; `within` narrows the search to an
        earlier, shorter word's hits."""
        tokens = self.tokens
        if within is not None:
            return [k for k in within if word in tokens[k]]
        out: list[int] = []
        starts = self._starts
        find = self.blob.find
        pos = find(word)
        while pos != -1:
            k = bisect_right(starts, pos) - 1
            out.append(k)
            pos = find(word, starts[k] + len(tokens[k]) + 1)
        return out

    def fuzzy(self, word: str, typos: int) -> dict[int, int]:
        """Positions of the tokens within `typos` edits (adjacent transpositions count as one) of
        word, or whose start is (so a half-typed word with a typo still finds its token; the first
        letter must be right for that) -> edits."""
        if typos <= 0:
            return {}
        if self._by_length is None:
            tokens = self.tokens
            lengths = list(map(len, tokens))
            order = self._order or sorted(range(len(tokens)), key=lengths.__getitem__)  # C-level: a few ms at 100k
            by_length: dict[int, tuple[list[str], list[int]]] = {}
            start = 0
            while start < len(order):
                size = lengths[order[start]]
                end = bisect_right(order, size, start, key=lengths.__getitem__)
                if size >= 3:
                    positions = order[start:end]
                    by_length[size] = ([tokens[k] for k in positions], positions)
                start = end
            self._by_length = by_length
        found: dict[int, int] = {}
        length = len(word)
        for size in range(length - typos, length + typos + 1):
            group = self._by_length.get(size)
            if group:
                for _, distance, at in process.extract(
                    word, group[0], scorer=OSA.distance, score_cutoff=typos, limit=None
                ):
                    found[group[1][at]] = int(distance)
        tokens = self.tokens
        starts = {tokens[k][:length] for k in self.prefixed(word[0]) if len(tokens[k]) > length}
        for start, distance, _ in process.extract(word, starts, scorer=OSA.distance, score_cutoff=typos, limit=None):
            for k in self.prefixed(start):
                if len(tokens[k]) > length and int(distance) < found.get(k, typos + 1):
                    found[k] = int(distance)
        return found

    def ids(self, positions: Iterable[int]) -> set[int]:
        out: set[int] = set()
        at = self.at
        for k in positions:
            out.update(at(k))
        return out
