"""Telling why a review matched: highlighted characters, a body snippet, explain lines.

Computed only for the hits that are shown (the hit list is lazy), so the cost per keystroke
does not grow with the number of matches.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from reviewtui.core.index.searchdata import COMPANY, FIELD_NAMES, NAME, SUMMARY, TAG, name_entries, tokens
from reviewtui.core.index.vocab import max_typos
from reviewtui.core.model import Review
from reviewtui.core.search.matching import (
    BODY,
    COVERAGE,
    EXACT,
    FUZZY,
    PREFIX,
    SUBSTRING,
    TYPO_COST,
    Matcher,
    word_fields,
)
from reviewtui.core.search.query import Word
from reviewtui.core.text import clean, fold

SNIPPET_WIDTH = 100


@dataclass(frozen=True, slots=True)
class WordMatch:
    quality: float
    field: str
    """name, company, tag, summary or body."""
    how: str
    """exact, prefix, inside, typo or body."""
    token: str
    typos: int = 0

    def line(self, word: Word) -> str:
        if self.field == "body":
            return f"body: {word.text!r} in the text  +{self.quality:.2f}"
        if self.how == "typo":
            s = "s" if self.typos != 1 else ""
            return f"{self.field}: {word.squashed!r} ~ {self.token!r} ({self.typos} typo{s})  +{self.quality:.2f}"
        sign = "=" if self.how == "exact" else "<"
        return f"{self.field}: {word.squashed!r} {sign} {self.token!r} ({self.how})  +{self.quality:.2f}"


def field_tokens(matcher: Matcher, i: int, review: Review) -> list[list[str]]:
    """The tokens review i holds per field, as `builder.build` put them in the vocabulary.

    Sorted: of two tokens that match a word equally well the first is named, so an explanation
    never depends on the order of a set (string hashes differ from process to process)."""
    data = matcher.data
    name = name_entries(data.names[i], data.squashed[i], data.models[i])
    tags: set[str] = set()
    for tag in data.tags[i]:
        tags.update(tag.split())
        tags.add(tag.replace(" ", ""))
    held = (name, matcher.company_tokens(data.companies[i]), tags, set(tokens(fold(review.summary))))
    return [sorted(field) for field in held]


def word_match(matcher: Matcher, i: int, review: Review, word: Word, fields: list[list[str]]) -> WordMatch | None:
    """The best match of a free word in review i, by the same rules as `Matcher.word`."""
    ws = word.squashed
    best: WordMatch | None = None
    if word.mode in ("prefix", "suffix", "equal"):
        return WordMatch(EXACT[NAME], "name", word.mode, matcher.data.squashed[i])
    names_inside, others_inside = word_fields(ws)
    for field, held in enumerate(fields):
        inside = names_inside if field in (NAME, COMPANY) else others_inside
        if len(ws) == 1 and field in (TAG, SUMMARY) and word.mode == "fuzzy":
            continue
        for token in held:
            if token == ws:
                found = WordMatch(EXACT[field], FIELD_NAMES[field], "exact", token)
            elif token.startswith(ws):
                q = PREFIX[field] + COVERAGE[field] * len(ws) / len(token)
                found = WordMatch(q, FIELD_NAMES[field], "prefix", token)
            elif (inside or word.mode == "exact") and ws in token:
                q = SUBSTRING[field] + COVERAGE[field] * len(ws) / len(token)
                found = WordMatch(q, FIELD_NAMES[field], "inside", token)
            else:
                continue
            if best is None or found.quality > best.quality:
                best = found
    if word.mode == "fuzzy" and not ws.isdigit():
        typos = max_typos(len(ws))
        for field in (NAME, COMPANY):
            for token in fields[field]:
                if len(token) < 3:
                    continue
                distance = OSA.distance(ws, token)
                if len(token) > len(ws):
                    distance = min(distance, OSA.distance(ws, token[: len(ws)]))
                q = FUZZY[field] - TYPO_COST * distance
                if distance <= typos and (best is None or q > best.quality):
                    best = WordMatch(q, FIELD_NAMES[field], "typo", token, distance)
    if best is None and (len(ws) >= 3 or word_fields(ws)[1]) and i in matcher.body(word.text):
        best = WordMatch(BODY, "body", "body", "")
    return best


def highlights(target_name: str, words: tuple[Word, ...]) -> tuple[int, ...]:
    """Offsets of the characters of target_name that the words matched (squashed-wise or fuzzily)."""
    letters: list[str] = []
    where: list[int] = []
    for index, char in enumerate(target_name):
        for folded in fold(char):
            if folded.isalnum():
                letters.append(folded)
                where.append(index)
    squashed = "".join(letters)
    marked: set[int] = set()
    for word in words:
        ws = word.squashed
        start = squashed.find(ws)
        if start >= 0:
            marked.update(where[start : start + len(ws)])
            continue
        if len(ws) < 4 or word.mode != "fuzzy":
            continue
        alignment = fuzz.partial_ratio_alignment(ws, squashed, score_cutoff=70)
        if alignment is not None:
            marked.update(where[alignment.dest_start : alignment.dest_end])
    return tuple(sorted(marked))


def snippet(review: Review, needles: list[str]) -> str | None:
    """A line of body text around the first of the (folded) needles found, trimmed to ~100 cells."""
    for section in review.sections:
        for line in section.text.split("\n"):
            stripped = line.strip()
            folded = fold(stripped)
            for needle in needles:
                at = folded.find(needle)
                if at < 0:
                    continue
                if len(folded) != len(stripped):  # folding changed lengths: place the window roughly
                    at = at * len(stripped) // max(1, len(folded))
                text = clean(stripped)
                start = max(0, at - SNIPPET_WIDTH // 3)
                end = min(len(text), start + SNIPPET_WIDTH)
                start = max(0, end - SNIPPET_WIDTH)
                return ("…" if start else "") + text[start:end].strip() + ("…" if end < len(text) else "")
    return None
