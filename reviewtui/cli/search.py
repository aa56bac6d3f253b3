"""`reviewtui search QUERY... [--json] [--batch FILE]`: ranked matches, for people and scripts."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reviewtui.cli.common import collection_root, dump_json, load, notice
from reviewtui.core.search.query import parse_query
from reviewtui.core.search.sorts import SORTS
from reviewtui.core.text import clean

if TYPE_CHECKING:
    from reviewtui.core.model import Review
    from reviewtui.core.search.engine import SearchIndex


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="reviewtui search",
        description="Search reviews; prints ranked matches. The query language (tag:, price<100, "
        "'exact, ^prefix, !not, a | b ...) is described in the README.",
    )
    parser.add_argument("query", nargs="*", help="query words, joined with single spaces")
    parser.add_argument("--root", help="root folder (default: the bundled demo content)")
    parser.add_argument("--limit", type=int, default=20, help="most results to print (default 20; 0 for all)")
    parser.add_argument("--json", action="store_true", help="print a JSON array on stdout")
    parser.add_argument("--lang", choices=("en", "ja"), help="preferred language for en/ja twins")
    parser.add_argument("--sort", choices=SORTS, default="relevance", help="order of the results (default relevance)")
    order = parser.add_mutually_exclusive_group()
    order.add_argument("--desc", dest="descending", action="store_const", const=True, help="largest first")
    order.add_argument("--asc", dest="descending", action="store_const", const=False, help="smallest first")
    parser.add_argument("--explain", action="store_true", help="show why each result matched")
    parser.add_argument(
        "--batch", metavar="FILE", help="answer one query per line of FILE ('-' for stdin): one result list per line"
    )
    parser.add_argument("--rebuild", action="store_true", help="rebuild the index cache before searching")
    return parser


def run(argv: Sequence[str]) -> int:
    usage = parser()
    args = usage.parse_intermixed_args(argv)
    if args.limit < 0:
        usage.error("--limit must be 0 or more")
    if args.batch and args.query:
        usage.error("give either query words or --batch FILE, not both")
    lines: list[str] = []
    if args.batch:
        try:
            source = sys.stdin.read() if args.batch == "-" else Path(args.batch).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            notice(f"reviewtui: {clean(args.batch)}: cannot read the query file ({exc})")
            return 2
        lines = source.splitlines()
    library = load(collection_root(args.root), rebuild=args.rebuild, search=True)
    catalog, index = library.catalog, library.index
    if catalog.errors:
        notice(f"reviewtui: {len(catalog.errors)} file(s) could not be read; `reviewtui validate` lists them.")
    options = {
        "lang": args.lang,
        "limit": args.limit,
        "sort": args.sort,
        "descending": args.descending,
        "explain": args.explain,
    }
    if not args.batch:
        answer(index, " ".join(args.query), options, args.json, args.explain, None)
        return 0
    for number, line in enumerate(lines, 1):
        answer(index, line, options, args.json, args.explain, number)
    return 0


def answer(
    index: SearchIndex, query: str, options: dict[str, Any], as_json: bool, explain: bool, line: int | None
) -> None:
    """Print the results of one query; in a batch, `line` is its line number (an empty query gets [])."""
    parsed = parse_query(query)
    where = f"line {line}: " if line is not None else ""
    for message in parsed.messages:
        notice(f"reviewtui: {where}{message}")
    if line is not None and parsed.empty:
        why = "the query is empty" if not query.strip() else "nothing in the query could be used"
        notice(f"reviewtui: {where}{why}.")
        if as_json:
            print("[]", flush=True)
        return
    results = index.search(parsed, **options)
    if as_json:
        out = []
        for hit in results.hits:
            item = review_json(hit.review)
            if explain:
                item["score"] = round(hit.score, 4)
                item["explain"] = list(hit.explain)
            out.append(item)
        print(dump_json(out), flush=line is not None)
        return
    if line is not None:
        print(f"# {clean(query)}")
    for hit in results.hits:
        print(format_line(hit.review))
        if hit.snippet:
            print(f"      {clean(hit.snippet)}")
        for text in hit.explain if explain else ():
            print(f"      {clean(text)}")
    notice(f"{len(results.hits)} of {results.total} matches")


def review_json(review: Review) -> dict[str, Any]:
    """One result as `search --json` prints it (README: the JSON shapes are a contract)."""
    return {
        "path": review.path,
        "kind": review.kind,
        "title": review.title,
        "target_name": review.target_name,
        "company_id": review.company_id,
        "lang": review.lang,
        "ref": review.ref,
        "date": review.date,
        "rating": review.rating.as_list(),
        "price": review.price.amount if review.price else None,
        "currency": review.price.currency if review.price else None,
        "tags": list(review.tags),
        "summary": review.summary,
        "permalink": review.permalink,
    }


def format_line(review: Review) -> str:
    price = review.price.format() if review.price else "-"
    return (
        f"{review.rating.overall:3.1f}  {clean(review.target_name)[:60]}  "
        f"({clean(review.company_id)}, {review.lang}, {review.kind})  {price}  {clean(review.path)}"
    )
