"""The `reviewtui` command: the browser by default, plus `validate` and `search` for scripts."""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from reviewtui import __version__
from reviewtui.core.catalog import Catalog, load_catalog
from reviewtui.core.model import Review
from reviewtui.core.paths import demo_content
from reviewtui.core.text import clean

SUBCOMMANDS = ("validate", "search", "serve")

# Characters that JSON leaves raw with ensure_ascii=False but a terminal may act on, and lone
# surrogates (a file name that is not valid UTF-8) that cannot be written as UTF-8 at all.
_UNSAFE_JSON = re.compile("[\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\ud800-\udfff]")


def dump_json(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return _UNSAFE_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def notice(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors name the command and exit 2 (argparse's own convention)."""


def _root(path: str | None) -> Path:
    return Path(path) if path else demo_content()


def _check_root(root: Path) -> None:
    if not root.exists():
        notice(f"reviewtui: {clean(str(root))}: no such folder")
        raise SystemExit(2)
    if not root.is_dir():
        notice(f"reviewtui: {clean(str(root))}: not a folder")
        raise SystemExit(2)


def _load(root: Path) -> Catalog:
    """The catalog, after telling stderr (one line each) what went wrong with the index cache."""
    catalog = load_catalog(root)
    for message in catalog.notices:
        notice(f"reviewtui: {clean(message)}")
    return catalog


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
    return parser


def run_validate(argv: Sequence[str]) -> int:
    args = validate_parser().parse_intermixed_args(argv)
    root = _root(args.path)
    _check_root(root)
    catalog = _load(root)
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
    parser = _Parser(prog="reviewtui search", description="Search reviews; prints ranked matches.")
    parser.add_argument("query", nargs="*", help="query words, joined with single spaces")
    parser.add_argument("--root", help="root folder (default: the bundled demo content)")
    parser.add_argument("--limit", type=int, default=20, help="most results to print (default 20)")
    parser.add_argument("--json", action="store_true", help="print a JSON array on stdout")
    parser.add_argument("--lang", choices=("en", "ja"), help="preferred language for en/ja twins")
    return parser


def run_search(argv: Sequence[str]) -> int:
    parser = search_parser()
    args = parser.parse_intermixed_args(argv)
    if args.limit < 0:
        parser.error("--limit must be 0 or more")
    root = _root(args.root)
    _check_root(root)
    from reviewtui.core.search import SearchIndex

    catalog = _load(root)
    if catalog.errors:
        notice(f"reviewtui: {len(catalog.errors)} file(s) could not be read; `reviewtui validate` lists them.")
    query = " ".join(args.query)
    results = SearchIndex(catalog).search(query, lang=args.lang, limit=args.limit)
    for message in results.messages:
        notice(f"reviewtui: {message}")
    if args.json:
        print(dump_json([review_json(h.review) for h in results.hits]))
    else:
        for hit in results.hits:
            print(format_line(hit.review))
        notice(f"{len(results.hits)} of {results.total} matches")
    return 0


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
    parser.add_argument("--version", action="version", version=f"reviewtui {__version__}")
    return parser


def run_app(argv: Sequence[str]) -> int:
    args = app_parser().parse_intermixed_args(argv)
    root = _root(args.path)
    _check_root(root)
    from reviewtui.ui.app import run

    return run(root, lang=args.lang)


def run_serve(argv: Sequence[str]) -> int:
    from reviewtui.serve.command import run_serve as serve  # web and SSH servers load only when asked

    return serve(argv)


COMMANDS = {"validate": run_validate, "search": run_search, "serve": run_serve}


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
