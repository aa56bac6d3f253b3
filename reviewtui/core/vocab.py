"""Looking words up in a token vocabulary: prefix, substring and typo-tolerant matches.

The vocabulary is much smaller than the corpus, and every lookup here runs in C (bisect over the
sorted tokens, `str.find` over one newline-joined blob, rapidfuzz over the token list), so a
keystroke costs milliseconds even at 100k reviews.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Mapping, Sequence
from itertools import accumulate

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

    def __getitem__(self, token: str) -> Sequence[int]:
        k = bisect_left(self._tokens, token)
        if k == len(self._tokens) or self._tokens[k] != token:
            raise KeyError(token)
        return self._ids[self._offsets[k] : self._offsets[k + 1]]

    def __iter__(self) -> Iterator[str]:
        return iter(self._tokens)

    def __len__(self) -> int:
        return len(self._tokens)


class Vocabulary:
    def __init__(self, packed: tuple[list[str], bytes, bytes]) -> None:
        tokens, offsets, ids = packed
        self.tokens = tokens
        starts = array("I")
        starts.frombytes(offsets)
        postings = array("I")
        postings.frombytes(ids)
        self.postings = Postings(tokens, starts, postings)
        self.blob = "\n".join(tokens) + "\n"
        self._starts = [0, *accumulate(len(t) + 1 for t in tokens)][:-1] if tokens else []
        self._by_length: dict[int, list[str]] | None = None

    def __len__(self) -> int:
        return len(self.tokens)

    def prefixed(self, word: str) -> list[str]:
        """Tokens starting with word."""
        low = bisect_left(self.tokens, word)
        high = bisect_left(self.tokens, word + "\U0010ffff", low)
        return self.tokens[low:high]

    def containing(self, word: str, within: list[str] | None = None) -> list[str]:
        """Tokens holding word anywhere; `within` narrows the search to an earlier, shorter word's hits."""
        if within is not None:
            return [t for t in within if word in t]
        out: list[str] = []
        blob, starts, tokens = self.blob, self._starts, self.tokens
        find = blob.find
        pos = find(word)
        while pos != -1:
            k = bisect_right(starts, pos) - 1
            token = tokens[k]
            if pos + len(word) <= starts[k] + len(token):
                out.append(token)
            pos = find(word, starts[k] + len(token) + 1)
        return out

    def fuzzy(self, word: str, typos: int) -> dict[str, int]:
        """Tokens within `typos` edits (adjacent transpositions count as one) of word, or whose
        start is (so a half-typed word with a typo still finds its token; the first letter must
        be right for that)."""
        if typos <= 0:
            return {}
        if self._by_length is None:
            by_length: dict[int, list[str]] = {}
            for token in self.tokens:
                if len(token) >= 3:
                    by_length.setdefault(len(token), []).append(token)
            self._by_length = by_length
        found: dict[str, int] = {}
        length = len(word)
        for size in range(length - typos, length + typos + 1):
            choices = self._by_length.get(size)
            if choices:
                for choice, distance, _ in process.extract(
                    word, choices, scorer=OSA.distance, score_cutoff=typos, limit=None
                ):
                    found[choice] = int(distance)
        starts = {t[:length] for t in self.prefixed(word[0]) if len(t) > length}
        for start, distance, _ in process.extract(word, starts, scorer=OSA.distance, score_cutoff=typos, limit=None):
            for token in self.prefixed(start):
                if len(token) > length and int(distance) < found.get(token, typos + 1):
                    found[token] = int(distance)
        return found

    def ids(self, tokens: list[str]) -> set[int]:
        out: set[int] = set()
        postings = self.postings
        for token in tokens:
            out.update(postings[token])
        return out
