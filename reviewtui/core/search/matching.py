"""Which reviews a query term matches, and how well: the scoring half of the search engine.

Each free word gets a score per review: the best of its matches in the target name, company,
tags and summary (see the quality tables), or a low score for a body-only match. Scores of the
words add up; `whole_query_bonus` rewards the query as a whole equalling or starting the
squashed name or model (`ath em7` = `athem7` = model of "Audio-Technica ATH-EM7").

Work per keystroke stays small: lookups run over the token vocabulary, results are cached per
word, and a word that extends a cached one (`sennh` -> `sennhe`) only searches the tokens the
shorter word matched.
"""

from __future__ import annotations

from array import array
from collections import OrderedDict
from collections.abc import Hashable, Sequence
from typing import Any, Generic, TypeVar

from reviewtui.core.index.fulltext import FullText, has_cjk
from reviewtui.core.index.searchdata import COMPANY, NAME, SUMMARY, TAG, IndexData
from reviewtui.core.index.vocab import Vocabulary, max_typos
from reviewtui.core.search.query import FieldTerm, NumberTerm, Word

# Quality of a word's match, per token field (name, company, tag, summary).
EXACT = (1.0, 0.9, 0.75, 0.4)
PREFIX = (0.8, 0.7, 0.55, 0.3)
SUBSTRING = (0.6, 0.5, 0.4, 0.25)
COVERAGE = (0.1, 0.1, 0.1, 0.05)
"""Added to prefix and substring matches times the share of the token the word covers."""
FUZZY = (0.55, 0.45, 0.0, 0.0)
"""Typo-tolerant matches on names and companies, minus TYPO_COST per edit."""
TYPO_COST = 0.1
BODY = 0.15
#: The whole query (squashed) equal to a review's squashed name or model; starting it; inside it.
WHOLE_EQUAL, WHOLE_PREFIX, WHOLE_INSIDE = 1.5, 0.8, 0.4

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class LRU(Generic[K, V]):
    """At most `size` values, and (with `budget`) at most `budget` items in them all (`len` of
    each value): a word's scores or a filter's ids hold one item per review they match, and at
    100k reviews 64 of them could weigh hundreds of MB. The newest value always stays."""

    def __init__(self, size: int, budget: int | None = None) -> None:
        self.size = size
        self.budget = budget
        self.weight = 0
        self.data: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K) -> V | None:
        value = self.data.get(key)
        if value is not None:
            self.data.move_to_end(key)
        return value

    def put(self, key: K, value: V) -> V:
        data = self.data
        if self.budget is not None:
            old = data.get(key)
            self.weight += len(value) - (len(old) if old is not None else 0)  # type: ignore[arg-type]
        data[key] = value
        data.move_to_end(key)
        while len(data) > 1 and (len(data) > self.size or (self.budget is not None and self.weight > self.budget)):
            _, dropped = data.popitem(last=False)
            if self.budget is not None:
                self.weight -= len(dropped)  # type: ignore[arg-type]
        return value


#: Items (review ids with a score, or ids) the per-word and per-filter caches hold at most: all
#: 64 entries at the real collection's size (7.6k), the last few broad ones at 100k.
WORD_BUDGET = 600_000
IDS_BUDGET = 1_000_000


def word_fields(word: str) -> tuple[bool, bool]:
    """(substring in names and companies, substring in tags and summaries): words of one or two
    letters only match at the start of tokens, longer ones anywhere in names and companies, and
    only at the start in tags and summaries; kana and kanji have no word boundaries: anywhere."""
    if has_cjk(word):
        return True, True
    return len(word) >= 3, False


class Matcher:
    def __init__(self, data: IndexData, fulltext: FullText | None = None, rowids: dict[int, int] | None = None) -> None:
        self.data = data
        self.size = len(data.paths)
        self.vocabs = [Vocabulary(v) for v in data.vocab]
        self.whole = Vocabulary(data.whole)
        self.fulltext = fulltext
        self.rowids = rowids if rowids is not None else {}
        self.body_failed = False
        self._tokens: LRU[tuple[int, str], list[int]] = LRU(256)
        self._words: LRU[tuple[str, str, str], dict[int, float]] = LRU(64, WORD_BUDGET)
        self._bodies: LRU[tuple[str, bool], frozenset[int]] = LRU(64, IDS_BUDGET)
        self._filters: LRU[Hashable, frozenset[int]] = LRU(64, IDS_BUDGET)
        self._indexes: dict[str, Any] = {}

    # ------------------------------------------------------------------ free words

    def word(self, word: Word) -> dict[int, float]:
        """Review id -> score of its best match for the word."""
        key = (word.squashed, word.text, word.mode)
        cached = self._words.get(key)
        if cached is None:
            cached = self._words.put(key, self._score_word(word))
        return cached

    def _score_word(self, word: Word) -> dict[int, float]:
        ws = word.squashed
        if word.mode in ("prefix", "suffix", "equal"):
            return dict.fromkeys(self._anchored(word), EXACT[NAME])
        # Ids gathered per quality (rounded to 0.001), so a short word matching thousands of
        # tokens costs a few list extends per token and one dict update per distinct quality.
        layers: dict[float, list[int]] = {}
        names_inside, others_inside = word_fields(ws)
        for field, vocab in enumerate(self.vocabs):
            inside = names_inside if field in (NAME, COMPANY) else others_inside
            if len(ws) == 1 and field in (TAG, SUMMARY) and word.mode == "fuzzy":
                continue
            found = self._containing(field, ws) if inside or word.mode == "exact" else vocab.prefixed(ws)
            exact, prefix, inner, cover = EXACT[field], PREFIX[field], SUBSTRING[field], COVERAGE[field]
            tokens, at = vocab.tokens, vocab.at
            for k in found:
                token = tokens[k]
                if token == ws:
                    quality = exact
                elif token.startswith(ws):
                    quality = round(prefix + cover * len(ws) / len(token), 3)
                else:
                    quality = round(inner + cover * len(ws) / len(token), 3)
                bucket = layers.get(quality)
                if bucket is None:
                    layers[quality] = bucket = []
                bucket.extend(at(k))
        if word.mode == "fuzzy" and not ws.isdigit():
            typos = max_typos(len(ws))
            for field in (NAME, COMPANY):
                vocab = self.vocabs[field]
                for k, distance in vocab.fuzzy(ws, typos).items():
                    layers.setdefault(round(FUZZY[field] - TYPO_COST * distance, 3), []).extend(vocab.at(k))
        scores: dict[int, float] = {}
        for quality in sorted(layers):
            scores.update(dict.fromkeys(layers[quality], quality))
        body = self.body(word.text) if len(ws) >= 3 or has_cjk(ws) else frozenset()
        if body:
            merged = dict.fromkeys(body, BODY)
            merged.update(scores)
            return merged
        return scores

    def _containing(self, field: int, ws: str) -> list[int]:
        key = (field, ws)
        cached = self._tokens.get(key)
        if cached is None:
            within = None
            for cut in range(1, min(4, len(ws) - 1)):
                within = self._tokens.get((field, ws[:-cut]))
                if within is not None:
                    break
            cached = self._tokens.put(key, self.vocabs[field].containing(ws, within))
        return cached

    def _anchored(self, word: Word) -> set[int]:
        """`^prefix`, `suffix$` and `^equal$` against the squashed target name or model."""
        ws, whole = word.squashed, self.whole
        if word.mode == "equal":
            return set(whole.postings.get(ws, ()))
        if word.mode == "prefix":
            return whole.ids(whole.prefixed(ws))
        return whole.ids(k for k in whole.containing(ws) if whole.tokens[k].endswith(ws))

    def negated(self, word: Word) -> frozenset[int]:
        """Reviews a `!word` excludes: the word inside name, company, a tag or the summary."""
        key = ("not", word)
        cached = self._filters.get(key)
        if cached is None:
            if word.mode in ("prefix", "suffix", "equal"):
                found = self._anchored(word)
            else:
                found = set()
                for field, vocab in enumerate(self.vocabs):
                    found |= vocab.ids(self._containing(field, word.squashed))
            cached = self._filters.put(key, frozenset(found))
        return cached

    def body(self, text: str, *, prefix: bool = True) -> frozenset[int]:
        """Ids of reviews whose body holds the folded text."""
        if self.fulltext is None:
            return frozenset()
        key = (text, prefix)
        cached = self._bodies.get(key)
        if cached is None:
            rows = self.fulltext.match(text, prefix=prefix)
            if rows is None:
                self.body_failed = True
                return frozenset()
            get = self.rowids.get
            cached = self._bodies.put(key, frozenset(i for i in map(get, rows) if i is not None))
        return cached

    def whole_query_bonus(self, squashed: str) -> dict[int, float]:
        """Bonus for the whole query equalling, starting or sitting inside the squashed name or model."""
        if len(squashed) < 2:
            return {}
        whole = self.whole
        layers: dict[float, list[int]] = {}
        if len(squashed) >= 3:
            inside = layers.setdefault(WHOLE_INSIDE, [])
            for k in whole.containing(squashed):
                inside.extend(whole.at(k))
        for k in whole.prefixed(squashed):
            value = round(WHOLE_PREFIX + 0.2 * len(squashed) / len(whole.tokens[k]), 3)
            layers.setdefault(value, []).extend(whole.at(k))
        bonus: dict[int, float] = {}
        for value in sorted(layers):
            bonus.update(dict.fromkeys(layers[value], value))
        bonus.update(dict.fromkeys(whole.postings.get(squashed, ()), WHOLE_EQUAL))
        return bonus

    # ------------------------------------------------------------------ filters

    def filter(self, item: FieldTerm | NumberTerm) -> frozenset[int]:
        cached = self._filters.get(item)
        if cached is None:
            cached = self._filters.put(item, frozenset(self._filter(item)))
        return cached

    def _filter(self, item: FieldTerm | NumberTerm) -> set[int]:
        if isinstance(item, NumberTerm):
            return self._numbers(item)
        if item.field == "body":
            return set(self.body(item.values[0]))
        index = self._index(item.field)
        found: set[int] = set()
        for value in item.values:
            found.update(index.get(value, ()))
        return found

    def _index(self, name: str) -> dict[str, list[int]]:
        index = self._indexes.get(name)
        if index is None:
            index = {}
            data = self.data
            if name == "tag":
                for i, tags in enumerate(data.tags):
                    for tag in tags:
                        index.setdefault(tag, []).append(i)
            else:
                values = {"company": data.companies, "lang": data.langs, "type": data.kinds}[name]
                for i, value in enumerate(values):
                    index.setdefault(value, []).append(i)
            self._indexes[name] = index
        return index

    def company_tokens(self, company: str) -> set[str]:
        """The company-field tokens reviews of a company hold (its id's words, its review's name)."""
        reverse = self._indexes.get("company-tokens")
        if reverse is None:
            reverse = {}
            companies = self.data.companies
            for token, ids in self.vocabs[COMPANY].postings.items():
                for label in {companies[j] for j in ids}:
                    reverse.setdefault(label, set()).add(token)
            self._indexes["company-tokens"] = reverse
        return set(reverse.get(company, ()))

    def labels(self, name: str, value: str) -> list[int]:
        """Ids with a tag / company / lang / type equal to an already normalised value."""
        return self._index(name).get(value, [])

    def prepare(self) -> None:
        """Build now what the first filter of each kind builds (label indexes, sorted number
        columns; ~0.1 s each at 100k reviews): the app does it in the background once the first
        results are shown, so no keystroke pays for it."""
        for name in ("tag", "company", "lang", "type"):
            self._index(name)
        for field in ("price", "date", "score", "sci", "tech", "cost", "rel", "design"):
            self._column(field)

    def _column(self, field: str) -> tuple[Sequence[Any], Sequence[int]]:
        """A number field's values in order, and the ids holding them (arrays but for dates:
        eight columns of 100k reviews as lists of int and float objects weigh ~45 MB)."""
        key = f"#{field}"
        column = self._indexes.get(key)
        if column is None:
            values = self.values(field)
            order = [i for i in range(len(values)) if values[i] is not None]
            order.sort(key=values.__getitem__)  # a C-level key: no (value, id) tuple per review
            ordered = map(values.__getitem__, order)
            column = (list(ordered) if field == "date" else array("d", ordered), array("i", order))
            self._indexes[key] = column
        return column

    def _numbers(self, term: NumberTerm) -> set[int]:
        from bisect import bisect_left, bisect_right

        values, ids = self._column(term.field)
        low, high = 0, len(values)
        if term.low is not None:
            low = (bisect_left if term.low_inclusive else bisect_right)(values, term.low)
        if term.high is not None:
            high = (bisect_right if term.high_inclusive else bisect_left)(values, term.high)
        return set(ids[low:high])

    def values(self, field: str) -> list[Any]:
        """The values a numeric field or a sort reads, per review id (None when missing)."""
        data = self.data
        if field == "price":
            return data.prices
        if field == "date":
            return data.dates
        if field == "overall":
            field = "score"
        return data.scores[("score", "sci", "tech", "cost", "rel", "design").index(field)]
