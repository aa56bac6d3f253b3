"""Building the search index data of a catalog (`build`), from reviews or from the pieces
parsing processes made of each (`pieces_of`)."""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Callable, Iterable

from reviewtui.core.index.searchdata import COMPANY, NAME, IndexData, model_of, name_entries, pack, tokens
from reviewtui.core.model import Review
from reviewtui.core.text import fold, norm_label, squash


def _ranks(langs: list[str], pair: list[int], squashed: list[str]) -> dict[str, tuple[list[int], list[int]]]:
    out: dict[str, tuple[list[int], list[int]]] = {}
    for preferred in ("en", "ja"):
        other = [lang != preferred for lang in langs]
        by_name = sorted(range(len(langs)), key=lambda i: (pair[i], other[i], i))
        by_length = sorted(range(len(langs)), key=lambda i: (other[i], len(squashed[i]), pair[i], i))
        out[preferred] = (_positions(by_name), _positions(by_length))
    return out


def _positions(order: list[int]) -> list[int]:
    rank = [0] * len(order)
    for position, i in enumerate(order):
        rank[i] = position
    return rank


Pieces = tuple[str, str, str, tuple[str, ...], str]
"""What `build` works out for each review on its own: the folded and the squashed target name, the
name entries but the model (`name_entries`), each tag's `norm_label`, and the summary's tokens;
entries and tokens (which hold no spaces) joined by spaces: one string each rather than dozens
(kept by the thousand until the index is built, they would weigh 200 MB at 100k reviews).
Parsing processes send them with each review (`workers.py`): the parent then only gathers."""


def pieces_of(target_name: str, tags: tuple[str, ...], summary: str) -> Pieces:
    name = fold(target_name)
    squashed = squash(name)
    return (
        name,
        squashed,
        " ".join(name_entries(name, squashed, squashed)),
        tuple(norm_label(tag) for tag in tags),
        " ".join(set(tokens(fold(summary)))),
    )


Columns = tuple[tuple[str, ...], float | None, tuple[float, ...], str | None]
"""A review's tags, price amount, rating (overall, then the five criteria) and date."""


def columns_of(review: Review) -> Columns:
    rating = review.rating
    return review.tags, review.price.amount if review.price else None, (rating.overall, *rating.criteria), review.date


def build(
    reviews: list[Review],
    twin_of: dict[str, str] | None = None,
    pieces: dict[str, Pieces] | None = None,
    columns: Callable[[Review], Columns] = columns_of,
) -> IndexData:
    """Index data for reviews. `twin_of` maps a path to its twin's path (see `Catalog.twin_of`);
    `pieces` holds `pieces_of` of reviews by path, when already made elsewhere; `columns` reads
    what the rest needs of a review (`cache.columns_of` reads it without unpacking a cached one)."""
    given = pieces or {}
    made = [given.get(r.path) or pieces_of(r.target_name, r.tags, r.summary) for r in reviews]
    folded = sorted(zip(reviews, made, strict=True), key=lambda t: (t[1][0], t[0].lang, t[0].path))
    del made
    given.clear()  # `folded` holds them now, and lets each go once it is posted (memory at 100k)
    ordered = [t[0] for t in folded]
    paths = [r.path for r in ordered]
    position = {path: i for i, path in enumerate(paths)}
    company_names = _company_names(ordered)

    names: list[str] = []
    squashed: list[str] = []
    models: list[str] = []
    companies: list[str] = []
    tag_lists: list[tuple[str, ...]] = []
    vocab: list[dict[str, list[int]]] = [{}, {}, {}, {}]
    spellings: Counter[tuple[str, str]] = Counter()
    known: dict[str, tuple[str, set[str], set[str]]] = {}
    name_vocab, company_vocab, tag_vocab, summary_vocab = vocab
    labels_seen: dict[str, str] = {}
    share = labels_seen.setdefault
    prices: list[float | None] = []
    ratings: list[tuple[float, ...]] = []
    dates: list[str | None] = []
    for i, (review, (name, sq, entries, labels, summary)) in enumerate(folded):
        folded[i] = None  # type: ignore[call-overload]
        review_tags, price, rating, date = columns(review)
        prices.append(price)
        ratings.append(rating)
        dates.append(date)
        company_id = review.company_id
        company_info = known.get(company_id)
        if company_info is None:
            company = norm_label(company_id)
            keys = company_names.get(company, set()) | {company.replace(" ", "")}
            words = set(company.split())
            words.update(keys)
            company_info = known[company_id] = (company, keys, words)
        company, company_keys, words = company_info
        model = model_of(sq, company_keys)
        names.append(name)
        squashed.append(sq)
        models.append(model)
        companies.append(company)

        parts = entries.split()
        if model not in parts:
            parts.append(model)
        _post(name_vocab, parts, i)
        _post(company_vocab, words, i)

        # One str object per distinct label: marshal then stores (and loads) each once (at 100k
        # reviews, 74k labels rather than 568k strings: ~25 MB less once loaded).
        tags = tuple(dict.fromkeys(share(label, label) for label in labels if label))
        for label, tag in zip(labels, review_tags, strict=True):
            spellings[label, tag] += 1
        tag_lists.append(tags)
        tag_words: set[str] = set()
        for tag in tags:
            tag_words.update(tag.split())
            tag_words.add(tag.replace(" ", ""))
        _post(tag_vocab, tag_words, i)
        _post(summary_vocab, summary.split(), i)

    pair = list(range(len(ordered)))
    for path, other in (twin_of or {}).items():
        a, b = position.get(path), position.get(other)
        if a is not None and b is not None:
            pair[a] = pair[b] = min(a, b)
    whole: dict[str, list[int]] = {}
    for i, (sq, model) in enumerate(zip(squashed, models, strict=True)):
        whole.setdefault(sq, []).append(i)
        if model != sq:
            whole.setdefault(model, []).append(i)
    langs = [r.lang for r in ordered]
    tag_names: dict[str, str] = {}
    for (label, tag), _ in spellings.most_common():  # ties: the spelling met first
        tag_names.setdefault(label, tag)
    del spellings, name_vocab, company_vocab, tag_vocab, summary_vocab
    packed = []
    for field in range(len(vocab)):  # each token dict goes once packed: ~60 MB less at once at 100k
        packed.append(pack(vocab[field], typos=field in (NAME, COMPANY)))
        vocab[field] = {}
    scores = (
        [array("d", column) for column in zip(*ratings, strict=True)] if ratings else [array("d") for _ in range(6)]
    )
    del ratings
    return IndexData(
        paths=paths,
        names=names,
        squashed=squashed,
        models=models,
        companies=companies,
        langs=langs,
        kinds=[r.kind for r in ordered],
        tags=tag_lists,
        prices=prices,
        scores=scores,
        dates=dates,
        pair=pair,
        vocab=packed,
        whole=pack(whole),
        ranks=_ranks(langs, pair, squashed),
        tag_names=tag_names,
    )


def _post(vocab: dict[str, list[int]], entries: Iterable[str], i: int) -> None:
    for entry in entries:
        if entry:
            postings = vocab.get(entry)
            if postings is None:
                vocab[entry] = [i]
            else:
                postings.append(i)


def _company_names(reviews: list[Review]) -> dict[str, set[str]]:
    """Company label -> squashed name tokens of its company review (`audio technica` -> {audiotechnica})."""
    out: dict[str, set[str]] = {}
    for review in reviews:
        if review.kind == "company":
            name = fold(review.target_name)
            keys = out.setdefault(norm_label(review.company_id), set())
            keys.add(squash(name))
            keys.update(tokens(name))
    return out
