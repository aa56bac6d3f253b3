"""The `reviewtui` command: the browser by default, plus `validate` and `search` for scripts."""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reviewtui import __version__
from reviewtui.core.paths import demo_content

if TYPE_CHECKING:
    from reviewtui.core.catalog import Catalog
    from reviewtui.core.model import Review
    from reviewtui.core.services.library import Library

SUBCOMMANDS = ("validate", "search", "serve", "cache")

# Characters that JSON leaves raw with ensure_ascii=False but a terminal may act on, and lone
# surrogates (a file name that is not valid UTF-8) that cannot be written as UTF-8 at all.
_UNSAFE_JSON = re.compile("[\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\ud800-\udfff]")


def dump_json(value: Any) -> str:
    import json

    text = json.dumps(value, ensure_ascii=False)
    return _UNSAFE_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def clean(text: str, *, multiline: bool = False) -> str:
    """`text.clean`, imported on first use."""
    from reviewtui.core.text import clean as clean_text

    return clean_text(text, multiline=multiline)


def notice(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _columns() -> int:
    """`shutil.get_terminal_size().columns` (COLUMNS, else stdout's terminal, else 80) without
    importing shutil, which costs 2 ms (zlib, bz2, lzma) before a search can start its scan."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
        columns = columns or 80
    return columns


class _Formatter(argparse.HelpFormatter):
    """argparse's help formatter, which makes one for every add_argument; the same width."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24, width: int | None = None):
        super().__init__(prog, indent_increment, max_help_position, _columns() - 2 if width is None else width)


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors name the command and exit 2 (argparse's own convention)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)


def _root(path: str | None) -> Path:
    return Path(path) if path else demo_content()


def _check_root(root: Path) -> None:
    if not root.exists():
        notice(f"reviewtui: {clean(str(root))}: no such folder")
        raise SystemExit(2)
    if not root.is_dir():
        notice(f"reviewtui: {clean(str(root))}: not a folder")
        raise SystemExit(2)


def _load(root: Path, *, rebuild: bool = False) -> Library:
    """The library, after telling stderr (one line each) what went wrong with the index cache.
    The caller finishes it (`_stored`) once it has what it needs."""
    from reviewtui.core.services.library import open_library

    library = open_library(root, rebuild=rebuild)
    for message in library.notices:
        notice(f"reviewtui: {clean(message)}")
    return library


def _stored(library: Library) -> None:
    """Finish the load: the cache is written while the search index was built."""
    for message in library.finish():
        notice(f"reviewtui: {clean(message)}")


def review_json(review: Review) -> dict[str, Any]:
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


# ----------------------------------------------------------------------------- validate


def validate_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="reviewtui validate", description="Check every review file under PATH against the format.")
    parser.add_argument("path", nargs="?", help="root folder (default: the bundled demo content)")
    parser.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    parser.add_argument("--strict", action="store_true", help="fail (exit 1) on warnings too")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the index cache (parse every file again)")
    return parser


def run_validate(argv: Sequence[str]) -> int:
    args = validate_parser().parse_intermixed_args(argv)
    root = _root(args.path)
    _check_root(root)
    library = _load(root, rebuild=args.rebuild)
    _stored(library)
    catalog = library.catalog
    failed = bool(catalog.errors) or (args.strict and bool(catalog.warnings))
    if args.json:
        print(
            dump_json(
                {
                    "files": catalog.files,
                    "indexed": len(catalog.reviews),
                    "reviews": [r.path for r in catalog.reviews],
                    "problems": [p.as_dict() for p in catalog.problems],
                }
            )
        )
    else:
        print_report(catalog)
    return 1 if failed else 0


def print_report(catalog: Catalog) -> None:
    for problem in catalog.problems:
        where = clean(problem.path) + (f":{problem.line}" if problem.line else "")
        print(f"{where}: {problem.severity}: {clean(problem.message)}")
    errors, warnings = len(catalog.errors), len(catalog.warnings)
    dropped = len({p.path for p in catalog.errors})
    print(
        f"{catalog.files} files, {len(catalog.reviews)} reviews indexed, "
        f"{errors} error{'s' * (errors != 1)} ({dropped} file{'s' * (dropped != 1)} dropped), "
        f"{warnings} warning{'s' * (warnings != 1)}."
    )


# ----------------------------------------------------------------------------- search


def search_parser() -> argparse.ArgumentParser:
    from reviewtui.core.search.sorts import SORTS

    parser = _Parser(
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


def run_search(argv: Sequence[str]) -> int:
    parser = search_parser()
    args = parser.parse_intermixed_args(argv)
    if args.limit < 0:
        parser.error("--limit must be 0 or more")
    if args.batch and args.query:
        parser.error("give either query words or --batch FILE, not both")
    lines: list[str] = []
    if args.batch:
        try:
            source = sys.stdin.read() if args.batch == "-" else Path(args.batch).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            notice(f"reviewtui: {clean(args.batch)}: cannot read the query file ({exc})")
            return 2
        lines = source.splitlines()
    root = _root(args.root)
    _check_root(root)
    library = _load(root, rebuild=args.rebuild)
    catalog = library.catalog
    if catalog.errors:
        notice(f"reviewtui: {len(catalog.errors)} file(s) could not be read; `reviewtui validate` lists them.")
    index = library.index
    _stored(library)
    options = {
        "lang": args.lang,
        "limit": args.limit,
        "sort": args.sort,
        "descending": args.descending,
        "explain": args.explain,
    }
    if not args.batch:
        _answer(index, " ".join(args.query), options, args.json, args.explain, None)
        return 0
    for number, line in enumerate(lines, 1):
        _answer(index, line, options, args.json, args.explain, number)
    return 0


def _answer(index: Any, query: str, options: dict[str, Any], as_json: bool, explain: bool, line: int | None) -> None:
    """Print the results of one query; in a batch, `line` is its line number (an empty query gets [])."""
    from reviewtui.core.search.query import parse_query

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


def format_line(review: Review) -> str:
    price = review.price.format() if review.price else "-"
    return (
        f"{review.rating.overall:3.1f}  {clean(review.target_name)[:60]}  "
        f"({clean(review.company_id)}, {review.lang}, {review.kind})  {price}  {clean(review.path)}"
    )


# ----------------------------------------------------------------------------- app


def app_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="reviewtui",
        description="Browse a collection of Markdown product reviews. "
        f"Subcommands: {', '.join(SUBCOMMANDS)} (`reviewtui <command> --help`).",
    )
    parser.add_argument("path", nargs="?", help="root folder (default: the bundled demo content)")
    parser.add_argument("--lang", choices=("en", "ja"), help="preferred language for en/ja twins")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the index cache (parse every file again)")
    parser.add_argument("--version", action="version", version=f"reviewtui {__version__}")
    return parser


def run_app(argv: Sequence[str]) -> int:
    args = app_parser().parse_intermixed_args(argv)
    root = _root(args.path)
    _check_root(root)
    if args.rebuild:
        from reviewtui.core.store.cache import forget

        forget(root)
    from reviewtui.ui.app import run

    return run(root, lang=args.lang)


def run_serve(argv: Sequence[str]) -> int:
    from reviewtui.serve.command import run_serve as serve  # web and SSH servers load only when asked

    return serve(argv)


# ----------------------------------------------------------------------------- cache


def cache_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="reviewtui cache", description="Manage the index cache kept in the user cache folder.")
    actions = parser.add_subparsers(dest="action", required=True, metavar="{clear,path}")
    actions.add_parser("clear", help="remove every cached index (they are rebuilt when needed)")
    actions.add_parser("path", help="print the folder the cached indexes are kept in")
    return parser


def run_cache(argv: Sequence[str]) -> int:
    args = cache_parser().parse_args(argv)
    from reviewtui.core.store import cache

    if args.action == "path":
        print(cache.index_dir())
        return 0
    removed = cache.clear()
    files = [p for p in removed if p.suffix == ".sqlite3"]
    print(f"Removed {len(files)} cached index{'es' * (len(files) != 1)} from {clean(str(cache.index_dir()))}.")
    return 0


COMMANDS = {"validate": run_validate, "search": run_search, "serve": run_serve, "cache": run_cache}


def run() -> None:
    """The console script and `python -m reviewtui`."""
    sys.exit(main())


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        if args and args[0] in COMMANDS:
            return COMMANDS[args[0]](args[1:])
        return run_app(args)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
